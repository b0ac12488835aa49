//! Output formats for records (`show`). Each format is its own module with one
//! `render` function over the same [`ClassifiedRecord`] list.

pub mod json;
pub mod table;

use crate::evidence::{self, Evidence, Flag};
use crate::record::Record;

/// A record together with what claimaudit concludes about it.
#[derive(Debug, Clone)]
pub struct ClassifiedRecord {
    pub record: Record,
    pub evidence: Evidence,
    pub flags: Vec<Flag>,
}

impl ClassifiedRecord {
    pub fn new(record: Record) -> Self {
        let evidence = evidence::classify(&record);
        let flags = evidence::flags(&record);
        ClassifiedRecord {
            record,
            evidence,
            flags,
        }
    }
}

/// Output format chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for reading in a terminal.
    Table,
    /// Machine-readable JSON.
    Json,
}
