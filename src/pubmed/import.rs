//! `cache import`: efetch XML files into the cache, one file at a time and all-or-nothing
//! per file, so a damaged file never replaces good cached records with a partial set.
//!
//! Several files (or one file) may hold the same PMID in different revisions; the newest
//! (`DateRevised`, then version) is the one kept, whatever the order of the files.

use std::collections::BTreeMap;
use std::time::SystemTime;

use thiserror::Error;

use crate::ids::Pmid;
use crate::pubmed::cache::{Cache, CacheError, Origin, PutOutcome};
use crate::pubmed::record::Record;
use crate::pubmed::xml::{ParseError, parse_article_set};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub records: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Records older than the copy already cached, which was kept.
    pub kept_newer: usize,
}

impl ImportSummary {
    pub fn add(&mut self, other: &ImportSummary) {
        self.records += other.records;
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.kept_newer += other.kept_newer;
    }
}

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("{source_name}: {error}")]
    NotPubmed {
        source_name: String,
        error: ParseError,
    },
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// Parses a whole document and only then writes its records; `source_name` names the
/// file in messages.
pub fn import_document(
    cache: &Cache,
    source_name: &str,
    bytes: &[u8],
    now: SystemTime,
) -> Result<ImportSummary, ImportError> {
    let records = parse_article_set(bytes).map_err(|error| ImportError::NotPubmed {
        source_name: source_name.to_owned(),
        error,
    })?;
    let mut summary = ImportSummary {
        records: records.len(),
        ..ImportSummary::default()
    };
    // Within the file, too, the newest copy of a PMID is the one that counts.
    let mut newest: BTreeMap<Pmid, Record> = BTreeMap::new();
    for record in records {
        match newest.get(&record.pmid) {
            Some(kept) if kept.revision() >= record.revision() => summary.kept_newer += 1,
            _ => {
                if newest.insert(record.pmid, record).is_some() {
                    summary.kept_newer += 1;
                }
            }
        }
    }
    for record in newest.values() {
        match cache.put(record, Origin::Import, now)? {
            PutOutcome::Added => summary.added += 1,
            PutOutcome::Updated => summary.updated += 1,
            PutOutcome::Unchanged => summary.unchanged += 1,
            PutOutcome::KeptNewer => summary.kept_newer += 1,
        }
    }
    Ok(summary)
}
