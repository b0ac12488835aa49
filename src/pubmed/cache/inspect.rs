//! Looking over the whole cache: `cache verify` and `cache stats`, and the repairs of
//! `cache verify --fix`. Every entry is read, and a bad one (corrupt, unreadable, a
//! folder or a special file named like an entry, a folder of entries that cannot be
//! listed) is noted with its fix and passed over, so one run names every problem.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use super::files::{
    TempFile, canonical_json, is_temp_name, parse_time, read_entry, read_lookup, sort_entry_paths,
    temp_file,
};
use super::{Cache, CacheError, CacheStats, LookupKind, REFETCH_FIX, VerifyReport};

/// What a folder of entries holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Record,
    Lookup(LookupKind),
}

/// A path in the cache that is not what it should be, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheProblem {
    pub path: PathBuf,
    /// What is wrong, in words that name the path.
    pub what: String,
    /// What to do about it.
    pub fix: String,
    /// Whether deleting the file is the whole fix (`cache verify --fix` does it): true
    /// for entry files, never for a folder or anything claimaudit did not write.
    #[serde(skip)]
    pub deletable: bool,
    /// The kind of entry the path should be, to check it again before deleting it.
    #[serde(skip)]
    entry: Option<EntryKind>,
}

impl fmt::Display for CacheProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.what, self.fix)
    }
}

/// What `cache verify --fix` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repair {
    /// Files deleted: invalid entries and stale temporary files.
    pub removed: Vec<PathBuf>,
    /// Problems deleting could not fix (folders, special files, failed deletions).
    pub remaining: Vec<CacheProblem>,
}

/// A valid entry, as far as the summaries need it.
struct ValidEntry {
    bytes: u64,
    /// The record's fetch time; `None` for lookups.
    record_fetched_at: Option<String>,
}

/// Everything one pass over the cache found.
#[derive(Default)]
struct Scan {
    records: usize,
    lookups: usize,
    bytes: u64,
    oldest_fetch: Option<String>,
    newest_fetch: Option<String>,
    problems: Vec<CacheProblem>,
    stale_temp_files: Vec<TempFile>,
}

/// The entry files and temporary files of one folder.
#[derive(Default)]
struct Listing {
    entries: Vec<PathBuf>,
    temp_files: Vec<TempFile>,
}

impl Cache {
    /// Reads back every entry; names each invalid one (and each temporary file a cut
    /// short write left) with its fix. Never stops at a bad entry.
    pub fn verify(&self) -> VerifyReport {
        let scan = self.scan();
        VerifyReport {
            records: scan.records,
            lookups: scan.lookups,
            problems: scan.problems,
            stale_temp_files: scan.stale_temp_files,
        }
    }

    /// Counts and sizes the entries; the invalid ones are counted and named in
    /// `problems`, as `verify` names them.
    pub fn stats(&self) -> CacheStats {
        let scan = self.scan();
        CacheStats {
            directory: self.root.clone(),
            records: scan.records,
            lookups: scan.lookups,
            corrupt: scan.problems.len(),
            bytes_on_disk: scan.bytes,
            oldest_fetch: scan.oldest_fetch,
            newest_fetch: scan.newest_fetch,
            problems: scan.problems,
        }
    }

    /// Deletes what `report` found that deleting fixes: invalid entry files (checked
    /// again first, so an entry another run has rewritten since is kept) and stale
    /// temporary files. What remains is for a person.
    pub fn repair(&self, report: &VerifyReport) -> Repair {
        let mut repair = Repair::default();
        for problem in &report.problems {
            let still_bad = match problem.entry {
                Some(kind) => self.check_entry(kind, &problem.path).is_err(),
                None => true,
            };
            if !problem.deletable {
                repair.remaining.push(problem.clone());
            } else if still_bad {
                self.remove(&problem.path, &mut repair);
            }
        }
        let now = SystemTime::now();
        for temp in &report.stale_temp_files {
            // Checked again: only a file still stale is removed.
            if temp_file(temp.path.clone(), now).is_some_and(|t| t.is_stale()) {
                self.remove(&temp.path, &mut repair);
            }
        }
        repair
    }

    fn remove(&self, path: &Path, repair: &mut Repair) {
        match fs::remove_file(path) {
            Ok(()) => repair.removed.push(path.to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => repair.remaining.push(CacheProblem {
                path: path.to_owned(),
                what: format!("cannot delete {}: {e}", path.display()),
                fix: "delete it by hand (its folder must be writable)".into(),
                deletable: false,
                entry: None,
            }),
        }
    }

    fn scan(&self) -> Scan {
        let now = SystemTime::now();
        let mut scan = Scan::default();
        let folders = std::iter::once((EntryKind::Record, self.records_dir())).chain(
            LookupKind::ALL
                .iter()
                .map(|&kind| (EntryKind::Lookup(kind), self.root.join(kind.dir()))),
        );
        for (kind, dir) in folders {
            let listing = list_folder(&dir, now, &mut scan.problems);
            scan.stale_temp_files
                .extend(listing.temp_files.into_iter().filter(TempFile::is_stale));
            for path in listing.entries {
                match self.check_entry(kind, &path) {
                    Ok(entry) => {
                        scan.bytes += entry.bytes;
                        match entry.record_fetched_at {
                            Some(fetched) => {
                                scan.records += 1;
                                // RFC 3339 UTC strings of one format sort as times.
                                let fetched = Some(fetched);
                                if scan.oldest_fetch.is_none() || fetched < scan.oldest_fetch {
                                    scan.oldest_fetch = fetched.clone();
                                }
                                if fetched > scan.newest_fetch {
                                    scan.newest_fetch = fetched;
                                }
                            }
                            None => scan.lookups += 1,
                        }
                    }
                    Err(problem) => scan.problems.push(problem),
                }
            }
        }
        scan
    }

    /// Reads and checks one entry file.
    fn check_entry(&self, kind: EntryKind, path: &Path) -> Result<ValidEntry, CacheProblem> {
        let shown = path.display();
        let problem = |what: String, fix: &str, deletable: bool| CacheProblem {
            path: path.to_owned(),
            what,
            fix: fix.to_owned(),
            deletable,
            entry: Some(kind),
        };
        // A dangling symbolic link, or a file gone since the folder was listed.
        let metadata = fs::metadata(path).map_err(|e| {
            problem(
                format!("cannot read cache entry {shown}: {e}"),
                REFETCH_FIX,
                true,
            )
        })?;
        if metadata.is_dir() {
            return Err(problem(
                format!("{shown} is a folder where a cache entry file belongs"),
                "claimaudit never writes one: move it out of the cache directory (the entry is \
                 fetched again)",
                false,
            ));
        }
        if !metadata.is_file() {
            // Reading a FIFO or a device would block or never end.
            return Err(problem(
                format!("{shown} is a special file where a cache entry file belongs"),
                "remove it (the entry is fetched again)",
                false,
            ));
        }
        let bytes = fs::read(path).map_err(|e| {
            problem(
                format!("cannot read cache entry {shown}: {e}"),
                "make it readable, or delete it: the next run online fetches it again",
                true,
            )
        })?;
        let checked = match kind {
            EntryKind::Record => read_entry(path, &bytes, None).map(|entry| Some(entry.fetched_at)),
            EntryKind::Lookup(kind) => self.check_lookup(kind, path, &bytes).map(|()| None),
        };
        checked
            .map(|record_fetched_at| ValidEntry {
                bytes: bytes.len() as u64,
                record_fetched_at,
            })
            .map_err(|error| match error {
                CacheError::Corrupt { reason, .. } => problem(
                    format!("cache entry {shown} is corrupt: {reason}"),
                    REFETCH_FIX,
                    true,
                ),
                other => problem(other.to_string(), REFETCH_FIX, true),
            })
    }

    fn check_lookup(&self, kind: LookupKind, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        let entry = read_lookup::<serde_json::Value, serde_json::Value>(path, bytes, kind)?;
        if self.lookup_path(kind, &canonical_json(&entry.query)) != path {
            return Err(CacheError::Corrupt {
                path: path.to_owned(),
                reason: "its query does not match its file name".into(),
            });
        }
        parse_time(path, &entry.fetched_at).map(|_| ())
    }
}

/// The `*.json` entries (sorted, PMIDs in numeric order) and the temporary files of one
/// folder. A folder that does not exist holds nothing; one that is a file or cannot be
/// listed is a problem, and the scan goes on with the other folders.
fn list_folder(dir: &Path, now: SystemTime, problems: &mut Vec<CacheProblem>) -> Listing {
    let mut listing = Listing::default();
    let shown = dir.display();
    let mut unlistable = |what: String, fix: &str| {
        problems.push(CacheProblem {
            path: dir.to_owned(),
            what,
            fix: fix.to_owned(),
            deletable: false,
            entry: None,
        });
    };
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return listing,
        Ok(metadata) if !metadata.is_dir() => {
            unlistable(
                format!("{shown} is a file where claimaudit keeps a folder of cache entries"),
                "move it out of the cache directory",
            );
            return listing;
        }
        _ => {}
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            unlistable(
                format!("cannot list the cache folder {shown}: {e}"),
                "make it readable (chmod u+rwx)",
            );
            return listing;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                unlistable(
                    format!("cannot list all of the cache folder {shown}: {e}"),
                    "check the disk and the folder's permissions",
                );
                continue;
            }
        };
        let path = entry.path();
        if entry.file_name().to_str().is_some_and(is_temp_name) {
            listing.temp_files.extend(temp_file(path, now));
        } else if path.extension().is_some_and(|ext| ext == "json") {
            listing.entries.push(path);
        }
    }
    sort_entry_paths(&mut listing.entries);
    listing.temp_files.sort_by(|a, b| a.path.cmp(&b.path));
    listing
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::ids::Pmid;
    use crate::pubmed::cache::Origin;
    use crate::pubmed::record::Record;

    fn cache_with(pmids: &[u32]) -> (tempfile::TempDir, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        for &n in pmids {
            let record = Record::new(Pmid::new(n).unwrap());
            cache
                .put(&record, Origin::Import, SystemTime::now())
                .unwrap();
        }
        (dir, cache)
    }

    #[test]
    fn verify_goes_on_past_a_folder_named_like_an_entry_and_a_corrupt_one() {
        let (dir, cache) = cache_with(&[1, 40]);
        fs::create_dir(dir.path().join("pubmed/2.json")).unwrap();
        fs::write(dir.path().join("pubmed/3.json"), "{").unwrap();
        fs::write(dir.path().join("no-record"), "").unwrap();
        let report = cache.verify();
        assert_eq!(report.records, 2, "the entries after the bad ones are read");
        let named: Vec<_> = report.problems.iter().map(|p| p.path.clone()).collect();
        assert_eq!(
            named,
            [
                dir.path().join("pubmed/2.json"),
                dir.path().join("pubmed/3.json"),
                dir.path().join("no-record"),
            ]
        );
        let deletable: Vec<_> = report.problems.iter().map(|p| p.deletable).collect();
        assert_eq!(deletable, [false, true, false]);
        let stats = cache.stats();
        assert_eq!((stats.records, stats.corrupt), (2, 3));
    }

    #[test]
    fn repair_keeps_an_entry_another_run_rewrote_since_the_scan() {
        let (dir, cache) = cache_with(&[5]);
        let entry = dir.path().join("pubmed/5.json");
        let good = fs::read(&entry).unwrap();
        fs::write(&entry, "not json").unwrap();
        let report = cache.verify();
        assert_eq!(report.problems.len(), 1);
        fs::write(&entry, &good).unwrap();
        let repair = cache.repair(&report);
        assert!(repair.removed.is_empty() && repair.remaining.is_empty());
        assert_eq!(fs::read(&entry).unwrap(), good);
    }
}
