//! `claimaudit cache import | verify | stats`.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;
use clap::Subcommand;

use claimaudit::exit::Exit;
use claimaudit::pubmed::cache::{Cache, CacheStats};
use claimaudit::pubmed::import::{ImportError, ImportSummary, import_document};
use claimaudit::report::records::RecordFormat;
use claimaudit::report::text_table::aligned;

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
    /// Read back every cache entry (records, searches, citation matches) and list the
    /// invalid ones; exits 3 when any is found.
    Verify,
    /// Count the cached records, their size on disk and the oldest and newest fetch time.
    Stats {
        /// Output format.
        #[arg(long, default_value = "table", value_parser = record_format())]
        format: RecordFormat,
    },
}

pub(super) fn run(cache: &Cache, command: CacheCommand) -> Result<Exit> {
    match command {
        CacheCommand::Import { files } => import(cache, &files),
        CacheCommand::Verify => verify(cache),
        CacheCommand::Stats { format } => stats(cache, format),
    }
}

fn import(cache: &Cache, files: &[PathBuf]) -> Result<Exit> {
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
        "{} from {} file(s) (cache: {})\n",
        describe(&total),
        files.len(),
        cache.root().display()
    ))?;
    Ok(exit)
}

/// "12 records: 10 added, 1 updated, 0 unchanged" (and the older copies kept out).
fn describe(summary: &ImportSummary) -> String {
    let mut text = format!(
        "{} records: {} added, {} updated, {} unchanged",
        summary.records, summary.added, summary.updated, summary.unchanged
    );
    if summary.kept_newer > 0 {
        text.push_str(&format!(
            ", {} older revision(s) not imported over a newer one",
            summary.kept_newer
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

fn verify(cache: &Cache) -> Result<Exit> {
    let report = cache.verify()?;
    for problem in &report.problems {
        eprintln!("error: {problem}");
    }
    write_stdout(&format!(
        "{} records and {} lookups valid, {} invalid (cache: {})\n",
        report.records,
        report.lookups,
        report.problems.len(),
        cache.root().display()
    ))?;
    Ok(if report.problems.is_empty() {
        Exit::Clean
    } else {
        Exit::InvalidInput
    })
}

fn stats(cache: &Cache, format: RecordFormat) -> Result<Exit> {
    let stats = cache.stats()?;
    let text = match format {
        RecordFormat::Json => {
            let mut json = serde_json::to_string_pretty(&stats)?;
            json.push('\n');
            json
        }
        RecordFormat::Table => stats_table(&stats),
    };
    write_stdout(&text)?;
    if stats.corrupt > 0 {
        eprintln!(
            "warning: {} cache entries are corrupt; `claimaudit cache verify` names them; delete them and import or fetch them again",
            stats.corrupt
        );
    }
    Ok(Exit::Clean)
}

fn stats_table(stats: &CacheStats) -> String {
    let none = || "-".to_owned();
    let rows = vec![
        vec![
            "cache directory".into(),
            stats.directory.display().to_string(),
        ],
        vec!["records".into(), stats.records.to_string()],
        vec!["corrupt entries".into(), stats.corrupt.to_string()],
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
