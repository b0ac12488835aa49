//! The process exit codes, one list for every command. `--help`, the README and the
//! tests all read it from here.

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

impl Exit {
    /// Every exit code, in numeric order.
    pub const ALL: [Exit; 5] = [
        Exit::Clean,
        Exit::Unexpected,
        Exit::Denied,
        Exit::InvalidInput,
        Exit::NotChecked,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    /// What the code means, in a line.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Clean => "success, nothing denied",
            Exit::Unexpected => "unexpected error (a bug, or the disk/filesystem failed)",
            Exit::Denied => {
                "at least one deny-level finding (resolve: the citation is not identified: probable, ambiguous, not found or not looked up; or its paper is retracted, withdrawn or under concern)"
            }
            Exit::InvalidInput => {
                "invalid input or usage (bad argument, invalid claims file, a file that is not PubMed XML)"
            }
            Exit::NotChecked => {
                "something could not be verified (not cached, offline, NCBI unreachable)"
            }
        }
    }

    /// "Exit codes:" followed by one line per code, for `--help`.
    pub fn help() -> String {
        let mut text = String::from("Exit codes:\n");
        for exit in Exit::ALL {
            text.push_str(&format!("  {}  {}\n", exit.code(), exit.meaning()));
        }
        text
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}
