//! What an audit's records rest on: when PubMed last confirmed each one, and whether
//! this run could ask PubMed at all.
//!
//! A record read from the cache is only as current as its fetch: a retraction published
//! since then is not in it. A report that is filed must say so, so the source behind
//! the cache keeps, for every record it handed out, the time PubMed last confirmed it.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Serialize;

use crate::ids::Pmid;
use crate::pubmed::cache::Origin;

/// Whether a run put its questions to PubMed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkUse {
    /// PubMed answered every question the cache could not (cached answers younger
    /// than the cache's limits were used as they are).
    Online,
    /// PubMed was out of bounds (`--offline`, or no contact address): the cache is all
    /// the run had, whatever its age.
    Offline,
    /// PubMed was asked, but some questions failed (unreachable, refused, cut off): part
    /// of the audit rests on the cache alone, and part could not be checked.
    Mixed,
}

impl NetworkUse {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkUse::Online => "online",
            NetworkUse::Offline => "offline",
            NetworkUse::Mixed => "mixed",
        }
    }

    /// What the word means, for a report's header.
    pub fn meaning(self) -> &'static str {
        match self {
            NetworkUse::Online => {
                "PubMed answered every question the cache could not answer within its age limits"
            }
            NetworkUse::Offline => {
                "PubMed was not asked: every record comes from the cache, whatever its age"
            }
            NetworkUse::Mixed => {
                "PubMed was asked, but some questions failed: part of this audit rests on the cache alone"
            }
        }
    }
}

/// When PubMed last confirmed one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmation {
    /// The cache entry's `fetched_at`: the fetch (or import) time.
    pub at: SystemTime,
    /// How the record reached the cache: an imported file was never confirmed by
    /// PubMed itself, only by whoever made the file.
    pub origin: Origin,
}

/// What a source can say about the answers it gave during a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub network: NetworkUse,
    /// The records handed out, with when each was last confirmed. A source without a
    /// cache (records held in memory) knows of no confirmation.
    pub confirmed: BTreeMap<Pmid, Confirmation>,
}

impl Provenance {
    /// A source that never asks PubMed and keeps no fetch times.
    pub fn none() -> Self {
        Provenance {
            network: NetworkUse::Offline,
            confirmed: BTreeMap::new(),
        }
    }
}
