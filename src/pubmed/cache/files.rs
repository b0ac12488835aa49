//! The cache's files: reading and checking entries, naming lookups, writing atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
        Err(source) => Err(CacheError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        }),
    }
}

pub(super) fn read_file(path: &Path) -> Result<Vec<u8>, CacheError> {
    fs::read(path).map_err(|source| CacheError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })
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
