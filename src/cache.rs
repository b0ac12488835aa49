//! The on-disk record cache: one pretty-printed JSON file per PubMed record under
//! `<cache-dir>/pubmed/<pmid>.json`, meant to be committed so an audit can be re-run
//! offline and its sources reviewed in a diff.
//!
//! Files are written atomically (temporary file in the same directory, then rename), so
//! a killed run or two runs at once never leave a half-written entry. A file that does
//! not read back as a valid entry for its PMID is reported as corrupt, never trusted.
//! The evidence classification is not stored: it is recomputed from the record on every
//! read, so a better classifier applies to old caches too.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::record::Record;

/// Identifies the layout of a cache entry; bumped when the layout changes.
pub const RECORD_SCHEMA: &str = "claimaudit/cache/pubmed-record/v1";

const RECORDS_DIR: &str = "pubmed";

#[derive(Debug, Error)]
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
    #[error("\"{0}\" is not a PMID: a PMID is a positive whole number of at most 9 digits")]
    InvalidPmid(String),
}

/// One cache file: the record plus when and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedRecord {
    pub schema: String,
    pub pmid: String,
    /// RFC 3339 UTC time the record was fetched or imported.
    pub fetched_at: String,
    /// "import" or "efetch".
    pub source: String,
    pub record: Record,
}

/// What writing a record did to the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Added,
    Updated,
    /// The cached record was identical; the file was left untouched so the fetch time
    /// and the git history stay meaningful.
    Unchanged,
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

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// Checks that `pmid` is a plain PMID, which also keeps it safe as a file name.
pub fn validate_pmid(pmid: &str) -> Result<(), CacheError> {
    let digits = !pmid.is_empty() && pmid.len() <= 9 && pmid.bytes().all(|b| b.is_ascii_digit());
    if digits && pmid.bytes().any(|b| b != b'0') {
        Ok(())
    } else {
        Err(CacheError::InvalidPmid(pmid.to_owned()))
    }
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

    pub fn record_path(&self, pmid: &str) -> PathBuf {
        self.records_dir().join(format!("{pmid}.json"))
    }

    /// The cached entry for `pmid`, `None` when there is none.
    pub fn get(&self, pmid: &str) -> Result<Option<CachedRecord>, CacheError> {
        validate_pmid(pmid)?;
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

    /// Stores `record`, replacing any older version atomically.
    pub fn put(
        &self,
        record: &Record,
        source: &str,
        fetched_at: SystemTime,
    ) -> Result<PutOutcome, CacheError> {
        validate_pmid(&record.pmid)?;
        let outcome = match self.get(&record.pmid) {
            Ok(Some(existing)) if existing.record == *record => return Ok(PutOutcome::Unchanged),
            Ok(Some(_)) => PutOutcome::Updated,
            Ok(None) => PutOutcome::Added,
            // A corrupt entry is replaced by the good record.
            Err(CacheError::Corrupt { .. }) => PutOutcome::Updated,
            Err(e) => return Err(e),
        };
        let entry = CachedRecord {
            schema: RECORD_SCHEMA.to_owned(),
            pmid: record.pmid.clone(),
            fetched_at: humantime::format_rfc3339_seconds(fetched_at).to_string(),
            source: source.to_owned(),
            record: record.clone(),
        };
        let mut json = serde_json::to_string_pretty(&entry).expect("records always serialize");
        json.push('\n');
        write_atomically(&self.record_path(&record.pmid), json.as_bytes())?;
        Ok(outcome)
    }

    /// Paths of every record file, sorted by PMID for stable output.
    pub fn entry_paths(&self) -> Result<Vec<PathBuf>, CacheError> {
        let dir = self.records_dir();
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

/// Decodes and checks one cache file. `expected_pmid` is the PMID its name promises.
fn read_entry(
    path: &Path,
    bytes: &[u8],
    expected_pmid: Option<&str>,
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
        .unwrap_or_default();
    let expected = expected_pmid.unwrap_or(file_pmid);
    if entry.pmid != expected || entry.record.pmid != expected {
        return Err(corrupt(format!(
            "it holds PMID {} but is filed as {expected}",
            entry.record.pmid
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

    fn record(pmid: &str, title: &str) -> Record {
        Record {
            pmid: pmid.into(),
            title: title.into(),
            ..Record::default()
        }
    }

    #[test]
    fn put_reports_added_then_unchanged_then_updated() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let now = SystemTime::now();
        assert_eq!(
            cache.put(&record("12", "a"), "import", now).unwrap(),
            PutOutcome::Added
        );
        assert_eq!(
            cache.put(&record("12", "a"), "import", now).unwrap(),
            PutOutcome::Unchanged
        );
        assert_eq!(
            cache.put(&record("12", "b"), "import", now).unwrap(),
            PutOutcome::Updated
        );
        assert_eq!(cache.get("12").unwrap().unwrap().record.title, "b");
        assert_eq!(cache.get("13").unwrap(), None);
    }

    #[test]
    fn a_damaged_or_misfiled_entry_is_corrupt_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache
            .put(&record("12", "a"), "import", SystemTime::now())
            .unwrap();
        let text = fs::read_to_string(cache.record_path("12")).unwrap();
        fs::write(cache.record_path("13"), &text).unwrap();
        assert!(matches!(cache.get("13"), Err(CacheError::Corrupt { .. })));
        fs::write(cache.record_path("12"), &text[..text.len() / 2]).unwrap();
        assert!(matches!(cache.get("12"), Err(CacheError::Corrupt { .. })));
        let stats = cache.stats().unwrap();
        assert_eq!((stats.records, stats.corrupt), (0, 2));
    }

    #[test]
    fn pmids_are_checked_before_they_become_file_names() {
        for bad in ["", "0", "../etc", "12a", "1234567890"] {
            assert!(validate_pmid(bad).is_err(), "{bad}");
        }
        assert!(validate_pmid("33458899").is_ok());
    }
}
