//! The progress bar: indicatif on stderr, only for a person watching a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use claimaudit::progress::Progress;

/// How often the spinner moves while nothing else changes.
const TICK: Duration = Duration::from_millis(120);

/// A bar labelled `what`; hidden when `quiet` or when stderr is not a terminal (CI logs
/// and pipes get no escape codes).
pub(super) struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub(super) fn new(what: &'static str, quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{elapsed}}"
                ))
                .expect("valid progress template")
                .progress_chars("=> "),
            );
            bar
        };
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
        if total > 0 && !self.bar.is_hidden() {
            self.bar.enable_steady_tick(TICK);
        }
    }

    fn advance(&self, done: usize) {
        self.bar.inc(done as u64);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
