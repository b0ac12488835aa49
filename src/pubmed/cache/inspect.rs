//! Looking over the whole cache: `cache verify` and `cache stats`.

use std::fs;

use super::files::{canonical_json, json_files, parse_time, read_entry, read_file, read_lookup};
use super::{Cache, CacheError, CacheStats, LookupKind, VerifyReport};

impl Cache {
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
