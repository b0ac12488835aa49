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

mod lock;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use self::lock::EntryLocks;
use crate::ids::Pmid;
use crate::pubmed::record::Record;

/// Identifies the layout of a cache entry; bumped when the layout changes.
pub const RECORD_SCHEMA: &str = "claimaudit/cache/pubmed-record/v1";

const RECORDS_DIR: &str = "pubmed";
/// Run-time state that is never committed (pacing, entry locks); it carries its own
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
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CacheError::Io {
                    action: "read",
                    path,
                    source,
                });
            }
        };
        read_entry(&path, &bytes, Some(pmid)).map(Some)
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
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CacheError::Io {
                    action: "read",
                    path,
                    source,
                });
            }
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

    /// Reads back every entry; lists the ones that are not valid.
    pub fn verify(&self) -> Result<VerifyReport, CacheError> {
        let mut report = VerifyReport::default();
        for path in self.entry_paths()? {
            match read_entry(&path, &read_file(&path)?, None) {
                Ok(_) => report.records += 1,
                Err(e) => report.problems.push(e.to_string()),
            }
        }
        for kind in LookupKind::ALL {
            for path in json_files(&self.root.join(kind.dir()))? {
                let bytes = read_file(&path)?;
                let checked =
                    read_lookup::<serde_json::Value, serde_json::Value>(&path, &bytes, kind)
                        .and_then(|entry| {
                            let query_json = canonical_json(&entry.query);
                            if self.lookup_path(kind, &query_json) != path {
                                return Err(CacheError::Corrupt {
                                    path: path.clone(),
                                    reason: "its query does not match its file name".into(),
                                });
                            }
                            parse_time(&path, &entry.fetched_at)
                        });
                match checked {
                    Ok(_) => report.lookups += 1,
                    Err(e) => report.problems.push(e.to_string()),
                }
            }
        }
        Ok(report)
    }

    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        let mut stats = CacheStats {
            directory: self.root.clone(),
            ..CacheStats::default()
        };
        for path in self.entry_paths()? {
            let bytes = fs::read(&path).map_err(|source| CacheError::Io {
                action: "read",
                path: path.clone(),
                source,
            })?;
            stats.bytes_on_disk += bytes.len() as u64;
            match read_entry(&path, &bytes, None) {
                Ok(entry) => {
                    stats.records += 1;
                    // RFC 3339 UTC strings of one format sort as times.
                    let fetched = Some(entry.fetched_at);
                    if stats.oldest_fetch.is_none() || fetched < stats.oldest_fetch {
                        stats.oldest_fetch = fetched.clone();
                    }
                    if fetched > stats.newest_fetch {
                        stats.newest_fetch = fetched;
                    }
                }
                Err(_) => stats.corrupt += 1,
            }
        }
        Ok(stats)
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, CacheError> {
    fs::read(path).map_err(|source| CacheError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })
}

fn parse_time(path: &Path, text: &str) -> Result<SystemTime, CacheError> {
    humantime::parse_rfc3339(text).map_err(|_| CacheError::Corrupt {
        path: path.to_owned(),
        reason: format!("fetched_at \"{text}\" is not an RFC 3339 time"),
    })
}

fn read_lookup<Q: DeserializeOwned, A: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    kind: LookupKind,
) -> Result<LookupEntry<Q, A>, CacheError> {
    let corrupt = |reason: String| CacheError::Corrupt {
        path: path.to_owned(),
        reason,
    };
    let entry: LookupEntry<Q, A> =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not a valid entry ({e})")))?;
    if entry.schema != LOOKUP_SCHEMA || entry.kind != kind.dir() {
        return Err(corrupt(format!(
            "schema \"{}\" / kind \"{}\" (expected \"{LOOKUP_SCHEMA}\" / \"{}\")",
            entry.schema,
            entry.kind,
            kind.dir()
        )));
    }
    Ok(entry)
}

/// A query as JSON with object keys sorted, so its file name does not depend on
/// field order.
fn canonical_json<Q: Serialize>(query: &Q) -> String {
    let value = serde_json::to_value(query).expect("queries always serialize");
    serde_json::to_string(&value).expect("JSON values always serialize")
}

/// FNV-1a, 64 bits, as 16 hex digits: a stable file name for a query. The query itself
/// is stored in the file and compared on reading, so a collision is only a miss.
fn fnv1a_hex(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `*.json` files of a directory (none when it does not exist), sorted by name with
/// numeric names (PMIDs) in numeric order.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, CacheError> {
    let dir = dir.to_owned();
    let listing = match fs::read_dir(&dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(CacheError::Io {
                action: "list",
                path: dir,
                source,
            });
        }
    };
    let mut paths = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|source| CacheError::Io {
            action: "list",
            path: dir.clone(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
    paths.sort_by_key(|p| {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        (stem.parse::<u64>().unwrap_or(u64::MAX), stem.to_owned())
    });
    Ok(paths)
}

/// Decodes and checks one cache file. `expected_pmid` is the PMID its name promises.
fn read_entry(
    path: &Path,
    bytes: &[u8],
    expected_pmid: Option<Pmid>,
) -> Result<CachedRecord, CacheError> {
    let corrupt = |reason: String| CacheError::Corrupt {
        path: path.to_owned(),
        reason,
    };
    let entry: CachedRecord =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not a valid entry ({e})")))?;
    if entry.schema != RECORD_SCHEMA {
        return Err(corrupt(format!(
            "unknown schema \"{}\" (expected \"{RECORD_SCHEMA}\")",
            entry.schema
        )));
    }
    let file_pmid = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| Pmid::from_digits(s).ok());
    let expected = expected_pmid.or(file_pmid);
    if expected.is_none_or(|expected| entry.pmid != expected || entry.record.pmid != expected) {
        let expected = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        return Err(corrupt(format!(
            "it holds PMID {} but is filed as {}",
            entry.record.pmid,
            expected.unwrap_or_default()
        )));
    }
    if humantime::parse_rfc3339(&entry.fetched_at).is_err() {
        return Err(corrupt(format!(
            "fetched_at \"{}\" is not an RFC 3339 time",
            entry.fetched_at
        )));
    }
    Ok(entry)
}

/// Creates `<cache-dir>/.state/` with a `.gitignore` that keeps it out of git; returns
/// its path.
pub fn ensure_state_dir(cache_dir: &Path) -> io::Result<PathBuf> {
    let dir = cache_dir.join(STATE_DIR);
    fs::create_dir_all(&dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        fs::write(
            &ignore,
            "# claimaudit's run-time state (request pacing, entry locks): never commit it\n*\n",
        )?;
    }
    Ok(dir)
}

/// Writes `contents` to `path` through a temporary file in the same directory, so
/// readers see either the old file or the new one, never a part. There is no fsync: a
/// power cut may leave an empty entry, which reads back as corrupt and is refetched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), CacheError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io_error = |action, source| CacheError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    fs::create_dir_all(dir).map_err(|e| io_error("create the directory for", e))?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let temp = dir.join(format!(".{file_name}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(contents)?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(io_error("write", e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
