//! `cache import`: efetch XML files into the cache, one file at a time and all-or-nothing
//! per file, so a damaged file never replaces good cached records with a partial set.

use std::time::SystemTime;

use thiserror::Error;

use crate::cache::{Cache, CacheError, PutOutcome, validate_pmid};
use crate::pubmed_xml::{ParseError, parse_article_set};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub records: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{source_name}: {error}")]
    NotPubmed {
        source_name: String,
        error: ParseError,
    },
    #[error(
        "{source_name}: record with PMID \"{pmid}\" cannot be stored: a PMID is a positive whole number"
    )]
    InvalidPmid { source_name: String, pmid: String },
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
    if let Some(bad) = records.iter().find(|r| validate_pmid(&r.pmid).is_err()) {
        return Err(ImportError::InvalidPmid {
            source_name: source_name.to_owned(),
            pmid: bad.pmid.clone(),
        });
    }
    let mut summary = ImportSummary {
        records: records.len(),
        ..ImportSummary::default()
    };
    for record in &records {
        match cache.put(record, "import", now, false)? {
            PutOutcome::Added => summary.added += 1,
            PutOutcome::Updated => summary.updated += 1,
            PutOutcome::Unchanged => summary.unchanged += 1,
        }
    }
    Ok(summary)
}
