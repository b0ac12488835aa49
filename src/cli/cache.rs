//! `claimaudit cache import | verify [--fix] | stats`.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;
use clap::Subcommand;

use claimaudit::exit::Exit;
use claimaudit::pubmed::cache::{Cache, CacheStats};
use claimaudit::pubmed::import::{ImportError, ImportSummary, import_document};
use claimaudit::report::records::RecordFormat;
use claimaudit::report::text_table::aligned;
use claimaudit::text::count;

use super::{record_format, write_stdout};

#[derive(Debug, Subcommand)]
pub(super) enum CacheCommand {
    /// Load PubMed efetch XML files into the cache ("-" reads standard input).
    ///
    /// Each file is read completely before anything is written: a file that is not
    /// PubMed XML (HTML, an NCBI error, truncated or invalid XML) is rejected with the
    /// reason and leaves the cache as it was. Records identical to the cached ones are
    /// left untouched, and an older revision of a cached record (by its DateRevised,
    /// then version) never replaces the newer one.
    #[command(
        after_help = "Example:\n  claimaudit cache import efetch-answer.xml\n  curl ... | claimaudit cache import -"
    )]
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Read back every cache entry (records, searches, citation matches, absences) and
    /// name each invalid one with its fix; exits 3 when any is found.
    ///
    /// Every entry is checked, past any bad one: a corrupt, truncated or misfiled entry,
    /// an unreadable file, a folder named like an entry, a folder of entries that cannot
    /// be listed. Temporary files left by writes a killed run cut short (older than 10
    /// minutes) are named as warnings; the next run that writes to the cache removes
    /// them.
    #[command(after_help = "Example:\n  claimaudit cache verify\n  claimaudit cache verify --fix")]
    Verify {
        /// Delete the invalid entry files (each is fetched again by the next run online,
        /// or imported again) and the stale temporary files; exits 3 only when something
        /// deleting cannot fix remains (a folder where an entry belongs).
        #[arg(long)]
        fix: bool,
    },
    /// Count the cached records and lookups, their size on disk and the oldest and
    /// newest record fetch time; each invalid entry is named on stderr (exit 3).
    Stats {
        /// Output format.
        #[arg(long, default_value = "table", value_parser = record_format())]
        format: RecordFormat,
    },
}

pub(super) fn run(cache: &Cache, command: CacheCommand) -> Result<Exit> {
    match command {
        CacheCommand::Import { files } => import(cache, &files),
        CacheCommand::Verify { fix } => verify(cache, fix),
        CacheCommand::Stats { format } => stats(cache, format),
    }
}

fn import(cache: &Cache, files: &[PathBuf]) -> Result<Exit> {
    cache.prepare_for_writing().map_err(super::unusable_cache)?;
    let now = SystemTime::now();
    let mut exit = Exit::Clean;
    let mut total = ImportSummary::default();
    for file in files {
        let name = file.display().to_string();
        let bytes = match read_input(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("error: cannot read {name}: {error}");
                exit = Exit::InvalidInput;
                continue;
            }
        };
        match import_document(cache, &name, &bytes, now) {
            Ok(summary) => {
                eprintln!("imported {name}: {}", describe(&summary));
                total.add(&summary);
            }
            Err(error @ ImportError::NotPubmed { .. }) => {
                eprintln!("error: rejected {error}; nothing from this file was cached");
                exit = Exit::InvalidInput;
            }
            Err(error) => return Err(error.into()),
        }
    }
    write_stdout(&format!(
        "{} from {} (cache: {})\n",
        describe(&total),
        count(files.len(), "file", "files"),
        cache.root().display()
    ))?;
    Ok(exit)
}

/// "12 records: 10 added, 1 updated, 0 unchanged" (and the older copies kept out).
fn describe(summary: &ImportSummary) -> String {
    let mut text = format!(
        "{}: {} added, {} updated, {} unchanged",
        count(summary.records, "record", "records"),
        summary.added,
        summary.updated,
        summary.unchanged
    );
    if summary.kept_newer > 0 {
        text.push_str(&format!(
            ", {} not imported over a newer one",
            count(summary.kept_newer, "older revision", "older revisions")
        ));
    }
    text
}

fn read_input(file: &Path) -> io::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(file)
    }
}

fn verify(cache: &Cache, fix: bool) -> Result<Exit> {
    let report = cache.verify();
    let (removed, problems) = if fix {
        let repair = cache.repair(&report);
        for path in &repair.removed {
            // Say what was wrong with it, when it was an invalid entry.
            match report.problems.iter().find(|p| &p.path == path) {
                Some(problem) => eprintln!("fixed: {}; deleted it", problem.what),
                None => eprintln!(
                    "fixed: {} was the temporary file of a write cut short; deleted it",
                    path.display()
                ),
            }
        }
        (repair.removed.len(), repair.remaining)
    } else {
        for temp in &report.stale_temp_files {
            eprintln!(
                "warning: {} is the temporary file of a write cut short ({} old); delete it, \
                 or run `claimaudit cache verify --fix` (the next run that writes to the cache \
                 removes it too)",
                temp.path.display(),
                humantime::format_duration(Duration::from_secs(temp.age.as_secs()))
            );
        }
        (0, report.problems.clone())
    };
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    let mut summary = format!(
        "{} records and {} lookups valid, {} invalid",
        report.records,
        report.lookups,
        report.problems.len()
    );
    if fix {
        summary.push_str(&format!(", {removed} files removed"));
    } else if !report.stale_temp_files.is_empty() {
        summary.push_str(&format!(
            ", {} stale temporary files",
            report.stale_temp_files.len()
        ));
    }
    write_stdout(&format!("{summary} (cache: {})\n", cache.root().display()))?;
    Ok(if problems.is_empty() {
        Exit::Clean
    } else {
        Exit::InvalidInput
    })
}

fn stats(cache: &Cache, format: RecordFormat) -> Result<Exit> {
    let stats = cache.stats();
    let text = match format {
        RecordFormat::Json => {
            let mut json = serde_json::to_string_pretty(&stats)?;
            json.push('\n');
            json
        }
        RecordFormat::Table => stats_table(&stats),
    };
    write_stdout(&text)?;
    for problem in &stats.problems {
        eprintln!("error: {problem}");
    }
    Ok(if stats.problems.is_empty() {
        Exit::Clean
    } else {
        Exit::InvalidInput
    })
}

fn stats_table(stats: &CacheStats) -> String {
    let none = || "-".to_owned();
    let rows = vec![
        vec![
            "cache directory".into(),
            stats.directory.display().to_string(),
        ],
        vec!["records".into(), stats.records.to_string()],
        vec!["lookups".into(), stats.lookups.to_string()],
        vec!["invalid entries".into(), stats.corrupt.to_string()],
        vec!["size on disk".into(), human_bytes(stats.bytes_on_disk)],
        vec![
            "oldest fetch".into(),
            stats.oldest_fetch.clone().unwrap_or_else(none),
        ],
        vec![
            "newest fetch".into(),
            stats.newest_fetch.clone().unwrap_or_else(none),
        ],
    ];
    aligned(&["CACHE", ""], &rows)
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {} ({bytes} bytes)", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(1536), "1.5 KiB (1536 bytes)");
    }
}
