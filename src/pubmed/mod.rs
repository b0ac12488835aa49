//! PubMed: its records, where they come from, and the cache that keeps them.
//!
//! - [`record`]: the record every later stage reads; [`xml`] reads PubMed XML into it.
//! - [`source`]: the [`PubmedSource`] seam and its typed questions; implemented by
//!   [`eutils`] (NCBI's E-utilities over HTTP), [`OfflineSource`] (asks no one) and
//!   [`memory`] (records held in memory).
//! - [`cached`]: the run memory, on-disk [`cache`] and unreachable breaker in front of
//!   any source; [`import`] loads efetch files into the cache; [`provenance`] says
//!   when PubMed last confirmed each record a run used.

pub mod cache;
pub mod cached;
pub mod eutils;
pub mod import;
mod inflight;
pub mod memory;
pub mod provenance;
pub mod record;
pub mod source;
pub mod xml;

pub use self::cached::{CacheSettings, CachedSource};
pub use self::memory::MemorySource;
pub use self::source::{OfflineSource, PubmedSource};

use self::eutils::EutilsClient;
use self::source::{
    CitationMatch, CitationMatchQuery, Fetched, SearchHits, SearchQuery, SourceError,
};
use crate::ids::Pmid;

/// The sources a command line run can put behind its cache: NCBI, or no one at all.
/// (An enum rather than a trait object, since the trait's methods are async.)
pub enum Upstream {
    /// Boxed: the client (settings, pacing, the run's watch on NCBI) is large beside the
    /// empty offline source.
    Eutils(Box<EutilsClient>),
    Offline(OfflineSource),
}

impl Upstream {
    /// Requests sent to NCBI so far (0 offline).
    pub fn requests_sent(&self) -> u64 {
        match self {
            Upstream::Eutils(client) => client.requests_sent(),
            Upstream::Offline(_) => 0,
        }
    }
}

impl PubmedSource for Upstream {
    async fn fetch(&self, pmids: &[Pmid]) -> Fetched {
        match self {
            Upstream::Eutils(source) => source.fetch(pmids).await,
            Upstream::Offline(source) => source.fetch(pmids).await,
        }
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits, SourceError> {
        match self {
            Upstream::Eutils(source) => source.search(query).await,
            Upstream::Offline(source) => source.search(query).await,
        }
    }

    async fn match_citations(
        &self,
        queries: &[CitationMatchQuery],
    ) -> Vec<Result<CitationMatch, SourceError>> {
        match self {
            Upstream::Eutils(source) => source.match_citations(queries).await,
            Upstream::Offline(source) => source.match_citations(queries).await,
        }
    }
}
