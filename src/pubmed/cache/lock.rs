//! Entry locks shared by every claimaudit process on one cache directory.
//!
//! Before asking PubMed for an answer the cache does not have, a run locks that entry
//! (one small file per entry under `<cache>/.state/locks/`), reads the cache again, and
//! only asks when the answer is still missing. A second run wanting the same answer
//! waits on the lock and then finds it cached, so two CI jobs on one cache send each
//! request once between them.
//!
//! Locks are taken in sorted order, so two runs locking overlapping batches cannot
//! deadlock. The holder removes the lock file before unlocking; a waiter that then gets
//! the lock of a removed file notices (the path no longer leads to its file) and locks
//! afresh, so lock files do not pile up. A process that dies releases its locks with it.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Locks held on some cache entries; dropping the guard releases them.
#[derive(Debug)]
pub struct EntryLocks {
    held: Vec<(PathBuf, File)>,
}

impl EntryLocks {
    /// Locks every named entry in `dir`, waiting for other processes that hold one.
    pub(super) fn acquire(dir: &Path, mut names: Vec<String>) -> io::Result<Self> {
        names.sort();
        names.dedup();
        fs::create_dir_all(dir)?;
        let mut locks = EntryLocks { held: Vec::new() };
        for name in names {
            let path = dir.join(format!("{name}.lock"));
            let file = lock_live_file(&path)?;
            locks.held.push((path, file));
        }
        Ok(locks)
    }
}

impl Drop for EntryLocks {
    fn drop(&mut self) {
        for (path, file) in self.held.drain(..).rev() {
            // Removed first, so a waiter that wakes on this file sees it is gone.
            if cfg!(unix) {
                let _ = fs::remove_file(&path);
            }
            let _ = file.unlock();
        }
    }
}

/// Opens and locks the file at `path`, retrying when the file locked was removed by its
/// previous holder in the meantime.
fn lock_live_file(path: &Path) -> io::Result<File> {
    loop {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        file.lock()?;
        if still_at(path, &file)? {
            return Ok(file);
        }
    }
}

/// Whether `path` still names `file` (and not a removed file or a newer one).
#[cfg(unix)]
fn still_at(path: &Path, file: &File) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    Ok(match fs::metadata(path) {
        Ok(current) => current.dev() == held.dev() && current.ino() == held.ino(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(e),
    })
}

/// Elsewhere lock files are never removed, so the file locked is always the live one.
#[cfg(not(unix))]
fn still_at(_: &Path, _: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first_and_no_file_is_left() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(".state/locks");
        super::super::ensure_state_dir(root.path()).unwrap();
        let first = EntryLocks::acquire(&dir, vec!["b".into(), "a".into()]).unwrap();
        let (sent, got) = mpsc::channel();
        let waiter_dir = dir.clone();
        let waiter = std::thread::spawn(move || {
            let locks = EntryLocks::acquire(&waiter_dir, vec!["a".into()]).unwrap();
            sent.send(()).unwrap();
            drop(locks);
        });
        assert!(
            got.recv_timeout(Duration::from_millis(300)).is_err(),
            "the second holder got a lock the first still holds"
        );
        drop(first);
        got.recv_timeout(Duration::from_secs(10))
            .expect("the waiter gets the lock once it is released");
        waiter.join().unwrap();
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "lock files left behind: {left:?}");
        assert!(root.path().join(".state/.gitignore").is_file());
    }

    #[test]
    fn different_entries_do_not_wait_for_each_other() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(".state/locks");
        let _a = EntryLocks::acquire(&dir, vec!["a".into()]).unwrap();
        let _b = EntryLocks::acquire(&dir, vec!["b".into()]).unwrap();
    }
}
