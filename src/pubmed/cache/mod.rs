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
//!
//! A write cut short (a killed run) can leave its temporary file behind; the first write
//! of a run removes those older than [`STALE_TEMP_AFTER`] (never a younger one, which a
//! concurrent run may still be writing), and the cache's own `.gitignore` keeps them and
//! the run-time state out of git.

mod files;
mod inspect;
mod lock;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use self::files::{STALE_TEMP_AFTER, TempFile, ensure_state_dir, write_atomically};
use self::files::{
    canonical_json, fnv1a_hex, json_files, parse_time, read_entry, read_if_present, read_lookup,
    remove_stale_temp_files,
};
pub use self::inspect::{CacheProblem, Repair};
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
/// What the cache keeps out of git, written to `<cache-dir>/.gitignore` when a cache is
/// first written to (an existing file is left as it is: it may be the user's own).
pub const GITIGNORE: &str = "\
# Written by claimaudit: what never belongs in git in its cache directory.
# Temporary files of writes in progress, or of writes a killed run cut short:
*.tmp
# Run-time state of runs in progress (entry locks):
/.state/
";

/// The fix for an entry that cannot be trusted: nothing is lost by deleting it.
pub const REFETCH_FIX: &str =
    "delete it: the next run online fetches it again (a record can also be imported again)";

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CacheError {
    #[error("cache entry {path} is corrupt: {reason}; {REFETCH_FIX}")]
    Corrupt { path: PathBuf, reason: String },
    /// The message names the OS error itself; it is not also chained as the `source`, or
    /// a report of causes (anyhow's `{:#}`) would say it twice.
    #[error("cannot {action} {path}: {cause}")]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: io::Error,
    },
    /// The cache directory itself cannot be used (a file, unreadable, not creatable).
    #[error("cannot use {path} as the cache directory: {reason}")]
    Unusable { path: PathBuf, reason: String },
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
    /// Valid record entries.
    pub records: usize,
    /// Valid lookup entries (searches, citation matches, PMIDs PubMed does not have).
    pub lookups: usize,
    /// Entries that are not valid, of any kind: `problems` names each.
    pub corrupt: usize,
    /// Size of every entry file, records and lookups.
    pub bytes_on_disk: u64,
    /// Fetch times of the records (RFC 3339 UTC).
    pub oldest_fetch: Option<String>,
    pub newest_fetch: Option<String>,
    /// One per invalid entry or unlistable folder, naming the path and the fix.
    #[serde(skip)]
    pub problems: Vec<CacheProblem>,
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub records: usize,
    pub lookups: usize,
    /// One per invalid entry or unlistable folder, naming the path and the fix.
    pub problems: Vec<CacheProblem>,
    /// Temporary files of writes that were cut short (older than [`STALE_TEMP_AFTER`]).
    pub stale_temp_files: Vec<TempFile>,
}

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    /// What this process has done once before writing; shared by clones.
    writing: Arc<WriteSetup>,
}

#[derive(Debug, Default)]
struct WriteSetup {
    /// The directory exists and stale temporary files are gone.
    prepared: OnceLock<()>,
    /// The `.gitignore` is there (looked for when the first entry is written, so a run
    /// that stores nothing leaves nothing behind).
    ignore_checked: OnceLock<()>,
}

impl Cache {
    /// A cache at `root`, without looking at the disk; see [`Cache::open`].
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Cache {
            root: root.into(),
            writing: Arc::default(),
        }
    }

    /// A cache at `root`, checked to be usable: a directory that can be listed, or a
    /// path where none exists yet (it is created by the first write). A regular file, an
    /// unreadable directory or a path through a file is [`CacheError::Unusable`], so
    /// every command refuses it the same way before doing anything else.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, CacheError> {
        let cache = Cache::new(root);
        let unusable = |reason: String| CacheError::Unusable {
            path: cache.root.clone(),
            reason,
        };
        match fs::metadata(&cache.root) {
            Ok(metadata) if metadata.is_dir() => {
                fs::read_dir(&cache.root)
                    .map_err(|e| unusable(format!("it cannot be listed ({e})")))?;
            }
            Ok(_) => return Err(unusable("it is a file, not a directory".into())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                return Err(unusable(
                    "a part of its path is a file, not a directory".into(),
                ));
            }
            Err(e) => return Err(unusable(e.to_string())),
        }
        Ok(cache)
    }

    /// Makes the directory ready for writing, once per process (every write calls it):
    /// creates it and removes the temporary files that writes cut short left behind.
    /// Call it when a run that may write starts, so an unusable directory is reported
    /// before any work.
    pub fn prepare_for_writing(&self) -> Result<(), CacheError> {
        if self.writing.prepared.get().is_some() {
            return Ok(());
        }
        fs::create_dir_all(&self.root).map_err(|e| CacheError::Unusable {
            path: self.root.clone(),
            reason: format!("it cannot be created ({e})"),
        })?;
        remove_stale_temp_files(&self.entry_dirs(), SystemTime::now());
        let _ = self.writing.prepared.set(());
        Ok(())
    }

    /// Prepares for writing an entry: see [`Cache::prepare_for_writing`]; also gives the
    /// directory the [`GITIGNORE`] when it has none.
    fn before_writing_an_entry(&self) -> Result<(), CacheError> {
        self.prepare_for_writing()?;
        if self.writing.ignore_checked.get().is_none() {
            let ignore = self.root.join(".gitignore");
            if !ignore.exists() {
                // Best effort: a directory that refuses this file refuses the entry
                // next, and that error names the real problem.
                let _ = write_atomically(&ignore, GITIGNORE.as_bytes());
            }
            let _ = self.writing.ignore_checked.set(());
        }
        Ok(())
    }

    /// Every folder that holds entries (records, then each kind of lookup).
    fn entry_dirs(&self) -> Vec<PathBuf> {
        std::iter::once(self.records_dir())
            .chain(
                LookupKind::ALL
                    .iter()
                    .map(|kind| self.root.join(kind.dir())),
            )
            .collect()
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
        self.before_writing_an_entry()?;
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
            .map_err(|cause| CacheError::Io {
                action: "lock an entry in",
                path: dir.clone(),
                cause,
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
        self.before_writing_an_entry()?;
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
        let stats = cache.stats();
        assert_eq!((stats.records, stats.corrupt), (0, 2));
    }

    #[test]
    fn open_refuses_a_file_and_accepts_a_directory_yet_to_be_made() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        for path in [file.clone(), file.join("below")] {
            assert!(
                matches!(Cache::open(&path), Err(CacheError::Unusable { .. })),
                "{}",
                path.display()
            );
        }
        let later = dir.path().join("later");
        let cache = Cache::open(&later).unwrap();
        assert!(!later.exists(), "opening creates nothing");
        cache.prepare_for_writing().unwrap();
        assert!(later.is_dir());
        assert!(!later.join(".gitignore").exists(), "no entry written yet");
        cache
            .put(&record(1, "a"), Origin::Import, SystemTime::now())
            .unwrap();
        assert_eq!(
            fs::read_to_string(later.join(".gitignore")).unwrap(),
            GITIGNORE
        );
    }

    #[test]
    fn the_first_write_removes_stale_temporary_files_and_leaves_live_ones() {
        let dir = tempfile::tempdir().unwrap();
        let records = dir.path().join("pubmed");
        fs::create_dir_all(&records).unwrap();
        let temp = |name: &str, age: std::time::Duration| {
            let path = records.join(name);
            fs::write(&path, "{").unwrap();
            let file = fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(SystemTime::now() - age).unwrap();
            path
        };
        let stale = temp(".1.json.7.8.tmp", STALE_TEMP_AFTER * 2);
        let live = temp(".2.json.7.9.tmp", std::time::Duration::from_secs(1));
        // Not one of the writer's temporary files, however old.
        let other = temp("notes.tmp", STALE_TEMP_AFTER * 2);
        let cache = Cache::new(dir.path());
        cache
            .put(&record(3, "a"), Origin::Import, SystemTime::now())
            .unwrap();
        assert!(!stale.exists());
        assert!(live.exists() && other.exists());
        let report = cache.verify();
        assert!(report.stale_temp_files.is_empty(), "{report:?}");
    }
}
