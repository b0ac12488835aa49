//! The cache's files: reading and checking entries, naming lookups, writing atomically,
//! and finding the temporary files of writes that never finished.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    CacheError, CachedRecord, LOOKUP_SCHEMA, LookupEntry, LookupKind, RECORD_SCHEMA, STATE_DIR,
};
use crate::ids::Pmid;

/// The file's bytes, `None` when there is no such file.
pub(super) fn read_if_present(path: &Path) -> Result<Option<Vec<u8>>, CacheError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(cause) => Err(CacheError::Io {
            action: "read",
            path: path.to_owned(),
            cause,
        }),
    }
}

pub(super) fn parse_time(path: &Path, text: &str) -> Result<SystemTime, CacheError> {
    humantime::parse_rfc3339(text).map_err(|_| CacheError::Corrupt {
        path: path.to_owned(),
        reason: format!("fetched_at \"{text}\" is not an RFC 3339 time"),
    })
}

pub(super) fn read_lookup<Q: DeserializeOwned, A: DeserializeOwned>(
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
pub(super) fn canonical_json<Q: Serialize>(query: &Q) -> String {
    let value = serde_json::to_value(query).expect("queries always serialize");
    serde_json::to_string(&value).expect("JSON values always serialize")
}

/// FNV-1a, 64 bits, as 16 hex digits: a stable file name for a query. The query itself
/// is stored in the file and compared on reading, so a collision is only a miss.
pub(super) fn fnv1a_hex(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `*.json` files of a directory (none when it does not exist), sorted by name with
/// numeric names (PMIDs) in numeric order.
pub(super) fn json_files(dir: &Path) -> Result<Vec<PathBuf>, CacheError> {
    let dir = dir.to_owned();
    let listing = match fs::read_dir(&dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(cause) => {
            return Err(CacheError::Io {
                action: "list",
                path: dir,
                cause,
            });
        }
    };
    let mut paths = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|cause| CacheError::Io {
            action: "list",
            path: dir.clone(),
            cause,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
    sort_entry_paths(&mut paths);
    Ok(paths)
}

/// Sorts entry paths by name, numeric names (PMIDs) in numeric order, for stable output.
pub(super) fn sort_entry_paths(paths: &mut [PathBuf]) {
    paths.sort_by_key(|p| {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
        let stem = stem.unwrap_or_default();
        (stem.parse::<u64>().unwrap_or(u64::MAX), stem)
    });
}

/// Decodes and checks one cache file. `expected_pmid` is the PMID its name promises.
pub(super) fn read_entry(
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
            "# claimaudit's run-time state (entry locks of runs in progress): never commit it\n*\n",
        )?;
    }
    Ok(dir)
}

/// How the name of a temporary file ends: `.<entry>.<pid>.<nanos>.tmp`, beside the entry.
pub(super) const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file untouched for this long belongs to a write that was cut short (a
/// killed run, a power cut): writing one entry takes milliseconds, so no live writer is
/// anywhere near it, even on a loaded machine or a slow network disk.
pub const STALE_TEMP_AFTER: Duration = Duration::from_secs(10 * 60);

/// Whether `name` is one of [`write_atomically`]'s temporary files.
pub(super) fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(TEMP_SUFFIX)
}

/// A temporary file left in a folder of entries, and how long ago it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TempFile {
    pub path: PathBuf,
    pub age: Duration,
}

impl TempFile {
    /// Whether its write was cut short rather than still under way.
    pub fn is_stale(&self) -> bool {
        self.age >= STALE_TEMP_AFTER
    }
}

/// The temporary files directly in `dir` (none when it cannot be listed: callers that
/// must report that list the folder themselves).
pub(super) fn temp_files_in(dir: &Path, now: SystemTime) -> Vec<TempFile> {
    let Ok(listing) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<TempFile> = listing
        .flatten()
        .filter(|entry| entry.file_name().to_str().is_some_and(is_temp_name))
        .filter_map(|entry| temp_file(entry.path(), now))
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// A temporary file's age by its modification time (a file from the future counts as
/// new: never delete what might be live).
pub(super) fn temp_file(path: PathBuf, now: SystemTime) -> Option<TempFile> {
    let metadata = fs::symlink_metadata(&path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    let age = metadata
        .modified()
        .ok()
        .and_then(|modified| now.duration_since(modified).ok())
        .unwrap_or_default();
    Some(TempFile { path, age })
}

/// Removes the stale temporary files of `dirs`; never one younger than
/// [`STALE_TEMP_AFTER`], which a concurrent run may still be writing. Best effort: a
/// file that cannot be removed stays, and `cache verify` names it.
pub(super) fn remove_stale_temp_files(dirs: &[PathBuf], now: SystemTime) -> Vec<PathBuf> {
    dirs.iter()
        .flat_map(|dir| temp_files_in(dir, now))
        .filter(TempFile::is_stale)
        .filter(|temp| fs::remove_file(&temp.path).is_ok())
        .map(|temp| temp.path)
        .collect()
}

/// Writes `contents` to `path` through a temporary file in the same directory, so
/// readers see either the old file or the new one, never a part. There is no fsync: a
/// power cut may leave an empty entry, which reads back as corrupt and is refetched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), CacheError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io_error = |action, cause| CacheError::Io {
        action,
        path: path.to_owned(),
        cause,
    };
    fs::create_dir_all(dir).map_err(|e| io_error("create the directory for", e))?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let temp = dir.join(format!(
        ".{file_name}.{}.{nanos}{TEMP_SUFFIX}",
        std::process::id()
    ));
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
