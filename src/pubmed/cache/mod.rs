//! The on-disk record cache: one pretty-printed JSON file per PubMed record under
//! `<cache-dir>/pubmed/<pmid>.json`, meant to be committed so an audit can be re-run
//! offline and its sources reviewed in a diff.
//!
//! Files are written atomically (temporary file in the same directory, then rename), so
//! a killed run or two runs at once never leave a half-written entry. A file that does
//! not read back as a valid entry for its PMID is reported as corrupt, never trusted.
//! The evidence classification is not stored: it is recomputed from the record on every
//! read, so a better classifier applies to old caches too.
//!
//! Concurrent runs on one cache directory take a lock per entry before asking PubMed
//! ([`Cache::lock`]), so an answer one run is fetching is waited for, not fetched twice.

mod files;
mod inspect;
mod lock;

use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use self::files::{
    canonical_json, fnv1a_hex, json_files, parse_time, read_entry, read_if_present, read_lookup,
};
pub use self::files::{ensure_state_dir, write_atomically};
pub use self::lock::EntryLocks;
use crate::ids::Pmid;
use crate::pubmed::record::Record;

/// Identifies the layout of a cache entry; bumped when the layout changes.
pub const RECORD_SCHEMA: &str = "claimaudit/cache/pubmed-record/v1";

const RECORDS_DIR: &str = "pubmed";
/// Run-time state that is never committed (entry locks); it carries its own
/// `.gitignore`.
pub const STATE_DIR: &str = ".state";
const LOCKS_DIR: &str = "locks";

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CacheError {
    #[error(
        "cache entry {path} is corrupt: {reason}; delete it and import or fetch the record again"
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

/// One cache file: the record plus when and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedRecord {
    pub schema: String,
    pub pmid: Pmid,
    /// RFC 3339 UTC time the record was fetched or imported.
    pub fetched_at: String,
    pub source: Origin,
    pub record: Record,
}

/// How a record reached the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// `cache import` of an efetch file.
    #[serde(rename = "import")]
    Import,
    /// Fetched from PubMed during a run (and so confirmed current at `fetched_at`).
    #[serde(rename = "efetch")]
    Fetched,
}

/// What writing a record did to the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Added,
    Updated,
    /// The cached record was identical; the file was left untouched so the fetch time
    /// and the git history stay meaningful.
    Unchanged,
    /// An import held an older revision than the cache (`DateRevised`, then version):
    /// the current record was kept.
    KeptNewer,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    pub directory: PathBuf,
    pub records: usize,
    pub corrupt: usize,
    pub bytes_on_disk: u64,
    pub oldest_fetch: Option<String>,
    pub newest_fetch: Option<String>,
}

/// Identifies the layout of a cached lookup (search, citation match, absence). Version 2
/// keys searches by the typed query rather than an E-utilities term; entries of version
/// 1 lived in `esearch/`, `ecitmatch/` and `absent/`, which are no longer read.
pub const LOOKUP_SCHEMA: &str = "claimaudit/cache/lookup/v2";

/// The kinds of lookup answers kept besides records, one folder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    /// A search: typed query → matching PMIDs.
    Search,
    /// Citation matching: journal/year/volume/page → PMID.
    CitationMatch,
    /// PubMed said it has no record with this PMID.
    NoRecord,
}

impl LookupKind {
    pub const ALL: [LookupKind; 3] = [
        LookupKind::Search,
        LookupKind::CitationMatch,
        LookupKind::NoRecord,
    ];

    pub fn dir(self) -> &'static str {
        match self {
            LookupKind::Search => "search",
            LookupKind::CitationMatch => "citation-match",
            LookupKind::NoRecord => "no-record",
        }
    }
}

/// One cached lookup: the query as asked, when, and NCBI's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LookupEntry<Q, A> {
    pub schema: String,
    pub kind: String,
    pub query: Q,
    pub fetched_at: String,
    pub answer: A,
}

/// What `cache verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub records: usize,
    pub lookups: usize,
    /// One message per invalid entry, naming the file and the fix.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Cache { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn records_dir(&self) -> PathBuf {
        self.root.join(RECORDS_DIR)
    }

    /// A typed PMID is digits only, so it is always a safe file name.
    pub fn record_path(&self, pmid: Pmid) -> PathBuf {
        self.records_dir().join(format!("{pmid}.json"))
    }

    /// The cached entry for `pmid`, `None` when there is none.
    pub fn get(&self, pmid: Pmid) -> Result<Option<CachedRecord>, CacheError> {
        let path = self.record_path(pmid);
        match read_if_present(&path)? {
            Some(bytes) => read_entry(&path, &bytes, Some(pmid)).map(Some),
            None => Ok(None),
        }
    }

    /// Stores `record`, replacing the cached copy atomically.
    ///
    /// A record fetched from PubMed always replaces the cached one (PubMed's answer is
    /// the current record, and its time says when it was last confirmed), even when
    /// identical. An imported record leaves an identical cached copy untouched, and never
    /// replaces a newer revision of the same PMID: a stale copy in an old efetch file
    /// must not undo a correction or a retraction notice.
    pub fn put(
        &self,
        record: &Record,
        origin: Origin,
        fetched_at: SystemTime,
    ) -> Result<PutOutcome, CacheError> {
        let fetched = origin == Origin::Fetched;
        let outcome = match self.get(record.pmid) {
            Ok(Some(existing)) if existing.record == *record && !fetched => {
                return Ok(PutOutcome::Unchanged);
            }
            Ok(Some(existing)) if existing.record == *record => PutOutcome::Unchanged,
            Ok(Some(existing)) if !fetched && existing.record.revision() > record.revision() => {
                return Ok(PutOutcome::KeptNewer);
            }
            Ok(Some(_)) => PutOutcome::Updated,
            Ok(None) => PutOutcome::Added,
            // A corrupt entry is replaced by the good record.
            Err(CacheError::Corrupt { .. }) => PutOutcome::Updated,
            Err(e) => return Err(e),
        };
        let entry = CachedRecord {
            schema: RECORD_SCHEMA.to_owned(),
            pmid: record.pmid,
            fetched_at: humantime::format_rfc3339_seconds(fetched_at).to_string(),
            source: origin,
            record: record.clone(),
        };
        let mut json = serde_json::to_string_pretty(&entry).expect("records always serialize");
        json.push('\n');
        write_atomically(&self.record_path(record.pmid), json.as_bytes())?;
        Ok(outcome)
    }

    /// Paths of every record file, sorted by PMID for stable output.
    pub fn entry_paths(&self) -> Result<Vec<PathBuf>, CacheError> {
        json_files(&self.records_dir())
    }

    fn lookup_path(&self, kind: LookupKind, query_json: &str) -> PathBuf {
        self.root
            .join(kind.dir())
            .join(format!("{}.json", fnv1a_hex(query_json)))
    }

    /// Locks the entries of these records against other runs on this cache until the
    /// returned guard is dropped; see [`EntryLocks`]. Blocks: call it off the async
    /// thread.
    pub fn lock_records(&self, pmids: &[Pmid]) -> Result<EntryLocks, CacheError> {
        let names = pmids.iter().map(|p| format!("{RECORDS_DIR}-{p}"));
        self.lock(names)
    }

    /// Locks the entries of these lookups against other runs on this cache; see
    /// [`Cache::lock_records`].
    pub fn lock_lookups<Q: Serialize>(
        &self,
        kind: LookupKind,
        queries: &[Q],
    ) -> Result<EntryLocks, CacheError> {
        let names = queries
            .iter()
            .map(|query| format!("{}-{}", kind.dir(), fnv1a_hex(&canonical_json(query))));
        self.lock(names)
    }

    fn lock(&self, names: impl Iterator<Item = String>) -> Result<EntryLocks, CacheError> {
        let dir = self.root.join(STATE_DIR).join(LOCKS_DIR);
        ensure_state_dir(&self.root)
            .and_then(|_| EntryLocks::acquire(&dir, names.collect()))
            .map_err(|source| CacheError::Io {
                action: "lock an entry in",
                path: dir.clone(),
                source,
            })
    }

    /// A cached lookup answer for `query` with its fetch time; `None` when absent.
    pub fn get_lookup<Q, A>(
        &self,
        kind: LookupKind,
        query: &Q,
    ) -> Result<Option<(A, SystemTime)>, CacheError>
    where
        Q: Serialize + DeserializeOwned + PartialEq,
        A: DeserializeOwned,
    {
        let query_json = canonical_json(query);
        let path = self.lookup_path(kind, &query_json);
        let Some(bytes) = read_if_present(&path)? else {
            return Ok(None);
        };
        let entry: LookupEntry<Q, A> = read_lookup(&path, &bytes, kind)?;
        // Another query with the same hash: a miss, not a corrupt file.
        if entry.query != *query {
            return Ok(None);
        }
        let fetched = parse_time(&path, &entry.fetched_at)?;
        Ok(Some((entry.answer, fetched)))
    }

    /// Stores a lookup answer (only ever a real answer: failures are never cached).
    pub fn put_lookup<Q: Serialize, A: Serialize>(
        &self,
        kind: LookupKind,
        query: &Q,
        answer: &A,
        fetched_at: SystemTime,
    ) -> Result<(), CacheError> {
        let query_json = canonical_json(query);
        let entry = LookupEntry {
            schema: LOOKUP_SCHEMA.to_owned(),
            kind: kind.dir().to_owned(),
            query,
            fetched_at: humantime::format_rfc3339_seconds(fetched_at).to_string(),
            answer,
        };
        let mut json = serde_json::to_string_pretty(&entry).expect("answers always serialize");
        json.push('\n');
        write_atomically(&self.lookup_path(kind, &query_json), json.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn pmid(n: u32) -> Pmid {
        Pmid::new(n).unwrap()
    }

    fn record(n: u32, title: &str) -> Record {
        Record {
            title: title.into(),
            ..Record::new(pmid(n))
        }
    }

    fn revised(n: u32, title: &str, date: &str) -> Record {
        Record {
            revised: Some(date.into()),
            ..record(n, title)
        }
    }

    #[test]
    fn put_reports_added_then_unchanged_then_updated() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let now = SystemTime::now();
        let import = |r: &Record| cache.put(r, Origin::Import, now).unwrap();
        assert_eq!(import(&record(12, "a")), PutOutcome::Added);
        assert_eq!(import(&record(12, "a")), PutOutcome::Unchanged);
        assert_eq!(import(&record(12, "b")), PutOutcome::Updated);
        assert_eq!(cache.get(pmid(12)).unwrap().unwrap().record.title, "b");
        assert_eq!(cache.get(pmid(13)).unwrap(), None);
    }

    #[test]
    fn an_import_never_replaces_a_newer_revision() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let now = SystemTime::now();
        let current = revised(9997, "current, with its DOI", "2019-06-09");
        let stale = revised(9997, "stale", "2003-11-14");
        assert_eq!(
            cache.put(&current, Origin::Import, now).unwrap(),
            PutOutcome::Added
        );
        assert_eq!(
            cache.put(&stale, Origin::Import, now).unwrap(),
            PutOutcome::KeptNewer
        );
        assert_eq!(cache.get(pmid(9997)).unwrap().unwrap().record, current);
        // A copy without a revision date is older than one with.
        assert_eq!(
            cache
                .put(&record(9997, "undated"), Origin::Import, now)
                .unwrap(),
            PutOutcome::KeptNewer
        );
        // ...and a newer import replaces the cached one.
        let newer = revised(9997, "newer", "2024-01-02");
        assert_eq!(
            cache.put(&newer, Origin::Import, now).unwrap(),
            PutOutcome::Updated
        );
        // PubMed's own answer is the current record, whatever its date says.
        assert_eq!(
            cache.put(&stale, Origin::Fetched, now).unwrap(),
            PutOutcome::Updated
        );
    }

    #[test]
    fn a_damaged_or_misfiled_entry_is_corrupt_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache
            .put(&record(12, "a"), Origin::Import, SystemTime::now())
            .unwrap();
        let text = fs::read_to_string(cache.record_path(pmid(12))).unwrap();
        fs::write(cache.record_path(pmid(13)), &text).unwrap();
        assert!(matches!(
            cache.get(pmid(13)),
            Err(CacheError::Corrupt { .. })
        ));
        fs::write(cache.record_path(pmid(12)), &text[..text.len() / 2]).unwrap();
        assert!(matches!(
            cache.get(pmid(12)),
            Err(CacheError::Corrupt { .. })
        ));
        let stats = cache.stats().unwrap();
        assert_eq!((stats.records, stats.corrupt), (0, 2));
    }
}
