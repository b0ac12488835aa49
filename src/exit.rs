//! The process exit codes, one list for every command, documented in the README.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything asked for was done and nothing is denied.
    Clean = 0,
    /// A bug or an environment failure (disk full, permissions) outside the input.
    Unexpected = 1,
    /// At least one deny-level finding (used by `check`).
    Denied = 2,
    /// Invalid input or usage: a bad argument, a file that is not what it should be.
    InvalidInput = 3,
    /// Nothing denied, but something could not be verified (cache miss, offline,
    /// network failure); never reported as success or as failure of the claim.
    NotChecked = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}
