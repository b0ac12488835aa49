//! The seam between resolution and wherever PubMed records come from.
//!
//! Resolution asks three kinds of question, all typed: records by PMID, a search over
//! PubMed's fields ([`SearchQuery`]), and citation matching by journal, year, volume and
//! first page ([`CitationMatchQuery`]). A [`PubmedSource`] answers them: NCBI's
//! E-utilities, a source that may not ask anyone (offline), records held in memory, and
//! later a local mirror of NLM's files. How a question is put into words for a given
//! source (PubMed's `[1au]`/`[dp]` field tags, for E-utilities) is that source's business;
//! resolution never writes query syntax.
//!
//! Batch questions (several PMIDs, several citation matches) get one answer per item, so
//! a source may answer some items and fail others (a cache that holds half of them).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::{Doi, Pmcid, Pmid};
use crate::pubmed::cache::CacheError;
use crate::pubmed::provenance::Provenance;
use crate::pubmed::record::Record;

/// A search returns at most this many PMIDs, best first: enough candidates to rank, few
/// enough to fetch in one request.
pub const SEARCH_LIMIT: usize = 20;

/// Where PubMed records come from. Every method answers; a failure is an answer too
/// ([`SourceError`]), never "not found".
pub trait PubmedSource: Sync {
    /// The record of each PMID: `Ok(None)` when PubMed has no such record.
    fn fetch(&self, pmids: &[Pmid]) -> impl Future<Output = Fetched> + Send;

    /// The PMIDs matching `query`, best first, at most [`SEARCH_LIMIT`].
    fn search(
        &self,
        query: &SearchQuery,
    ) -> impl Future<Output = Result<SearchHits, SourceError>> + Send;

    /// One answer per query, in order.
    fn match_citations(
        &self,
        queries: &[CitationMatchQuery],
    ) -> impl Future<Output = Vec<Result<CitationMatch, SourceError>>> + Send;

    /// When each record handed out so far was last confirmed, and whether PubMed was
    /// asked; a source with no cache and no network knows neither.
    fn provenance(&self) -> Provenance {
        Provenance::none()
    }
}

/// What a source knows of each PMID asked for.
pub type Fetched = BTreeMap<Pmid, Result<Option<Arc<Record>>, SourceError>>;

/// The same error for every item of a batch (a request that failed as a whole).
pub fn all_failed(pmids: &[Pmid], error: &SourceError) -> Fetched {
    pmids.iter().map(|p| (*p, Err(error.clone()))).collect()
}

/// An author as a citation names one: last name and initials (possibly none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AuthorName {
    pub last_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub initials: String,
}

/// A range of publication years, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Years {
    pub from: u16,
    pub to: u16,
}

impl Years {
    pub fn exactly(year: u16) -> Self {
        Years {
            from: year,
            to: year,
        }
    }

    /// The year before, the year itself and the year after: citations are often a year
    /// off (the e-publication year against the issue year).
    pub fn around(year: u16) -> Self {
        Years {
            from: year.saturating_sub(1),
            to: year.saturating_add(1),
        }
    }

    pub fn contains(self, year: u16) -> bool {
        (self.from..=self.to).contains(&year)
    }
}

/// Words a record's title or abstract must contain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "match", content = "terms")]
pub enum Topic {
    /// Every term.
    All(Vec<String>),
    /// At least one term.
    Any(Vec<String>),
}

/// A search over PubMed's fields. Empty parts are left out; a query always has at
/// least one part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FieldQuery {
    /// The first listed author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_author: Option<AuthorName>,
    /// Any listed author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_author: Option<AuthorName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<Years>,
    /// The journal, abbreviated or in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    /// Words that must all be in the title.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_words: Vec<String>,
    /// Words of the claim's topic, in the title or abstract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
}

/// A question to PubMed's search.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum SearchQuery {
    /// The record carrying this DOI.
    Doi { doi: Doi },
    /// The record carrying this PMC id.
    Pmcid { pmcid: Pmcid },
    /// Records matching bibliographic fields.
    Fields(FieldQuery),
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHits {
    /// How many records match in all; `pmids` holds at most [`SEARCH_LIMIT`] of them.
    pub count: u64,
    pub pmids: Vec<Pmid>,
}

/// Citation matching: the PMID of the paper at this journal, volume and first page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CitationMatchQuery {
    pub journal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    pub volume: String,
    pub first_page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<AuthorName>,
}

/// The answer to one citation match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum CitationMatch {
    Found {
        pmid: Pmid,
    },
    /// No single match; `detail` is the source's own words (`NOT_FOUND`, `AMBIGUOUS …`).
    NoMatch {
        detail: String,
    },
}

/// One question put to a source, as a resolution lists what it asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Fetch(Vec<Pmid>),
    Search(SearchQuery),
    Match(CitationMatchQuery),
}

/// Lookups read as PubMed would take them: a search in PubMed's own search syntax, so a
/// reviewer can paste it into pubmed.gov and see the same records.
impl fmt::Display for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lookup::Fetch(pmids) => {
                f.write_str("fetch ")?;
                for (i, pmid) in pmids.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{pmid}")?;
                }
                Ok(())
            }
            Lookup::Search(query) => write!(f, "search {query}"),
            Lookup::Match(query) => write!(f, "match {query}"),
        }
    }
}

impl Serialize for Lookup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A boxed error from the source's own layer (HTTP, a database...), shareable between
/// every question that depended on it.
pub type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// Why a source could not answer. Never cached, and never read as "not found".
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error(
        "not in the cache, and this run does not ask NCBI (--offline, or no NCBI_EMAIL for check)"
    )]
    Offline,
    /// The source could not be reached at all: later questions in this run fail at
    /// once with the same error rather than each waiting through its own retries.
    #[error("{0}")]
    Unreachable(Cause),
    /// The source was reached but gave no usable answer (after any retries).
    #[error("{0}")]
    Failed(Cause),
    /// The source left this question of a batch unanswered.
    #[error("the source gave no answer to this question")]
    NoAnswer,
    #[error(transparent)]
    Cache(Arc<CacheError>),
}

impl From<CacheError> for SourceError {
    fn from(error: CacheError) -> Self {
        SourceError::Cache(Arc::new(error))
    }
}

/// A source that may not ask anyone: every question is [`SourceError::Offline`]. Put a
/// cache in front of it for a run that works from the cache alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineSource;

impl PubmedSource for OfflineSource {
    async fn fetch(&self, pmids: &[Pmid]) -> Fetched {
        all_failed(pmids, &SourceError::Offline)
    }

    async fn search(&self, _: &SearchQuery) -> Result<SearchHits, SourceError> {
        Err(SourceError::Offline)
    }

    async fn match_citations(
        &self,
        queries: &[CitationMatchQuery],
    ) -> Vec<Result<CitationMatch, SourceError>> {
        queries.iter().map(|_| Err(SourceError::Offline)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_read_as_pubmed_takes_them() {
        let fetch = Lookup::Fetch(vec![Pmid::new(1).unwrap(), Pmid::new(22).unwrap()]);
        assert_eq!(fetch.to_string(), "fetch 1,22");
        let doi = SearchQuery::Doi {
            doi: "10.1056/NEJMoa1210384".parse().unwrap(),
        };
        assert_eq!(
            Lookup::Search(doi).to_string(),
            "search \"10.1056/NEJMoa1210384\"[aid]"
        );
    }

    #[test]
    fn queries_serialize_as_readable_cache_keys() {
        let query = SearchQuery::Fields(FieldQuery {
            first_author: Some(AuthorName {
                last_name: "Brighton".into(),
                initials: "TA".into(),
            }),
            years: Some(Years::exactly(2012)),
            topic: Some(Topic::Any(vec!["aspirin".into()])),
            ..FieldQuery::default()
        });
        let json = serde_json::to_string(&query).unwrap();
        assert_eq!(
            json,
            r#"{"by":"fields","first_author":{"last_name":"Brighton","initials":"TA"},"years":{"from":2012,"to":2012},"topic":{"match":"any","terms":["aspirin"]}}"#
        );
        let back: SearchQuery = serde_json::from_str(&json).unwrap();
        assert_eq!(back, query);
    }
}
