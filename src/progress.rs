//! Progress of a long run, for whoever shows it. The library only reports; the command
//! line draws a bar (or nothing, off a terminal).

/// Told how many items a stage has and how many are done.
pub trait Progress: Sync {
    /// The stage has `total` items.
    fn start(&self, total: usize) {
        let _ = total;
    }

    /// `done` more items are finished.
    fn advance(&self, done: usize) {
        let _ = done;
    }

    /// The stage is over.
    fn finish(&self) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
