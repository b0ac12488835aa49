//! The command line: argument parsing, running a command, and turning its outcome into
//! an exit code. Messages for people go to stderr; results go to stdout.

mod check;
mod network;

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::cache::{Cache, CacheError, CacheStats};
use crate::exit::Exit;
use crate::format::{self, ClassifiedRecord, Format};
use crate::import::{ImportError, import_document};
use crate::resolve::Status;

use self::network::NetworkArgs;

const ABOUT: &str = "Check health and beauty marketing claims against PubMed.";

const LONG_ABOUT: &str = "\
Check health and beauty marketing claims against PubMed.

`claimaudit check` reads a claims file (each claim as published, with the sources it
cites), resolves every citation in PubMed through NCBI's E-utilities and a cache meant
to be committed, classifies what each source is (RCT, meta-analysis, case report,
animal, in vitro, narrative review, retracted...), and says which claims lack the
evidence their kind needs: efficacy and safety claims need human clinical studies.
Reports come as a table, JSON, SARIF, JUnit, Markdown, HTML or CSV; the exit code
tells CI what to do.";

const EXIT_CODES: &str = "\
Exit codes:
  0  success, nothing denied
  1  unexpected error (a bug, or the disk/filesystem failed)
  2  at least one deny-level finding (resolve: ambiguous or not found)
  3  invalid input or usage (bad argument, a file that is not PubMed XML)
  4  something could not be verified (not cached, offline, NCBI unreachable)

Environment: NCBI_EMAIL (contact address sent to NCBI), NCBI_API_KEY (raises the rate
limit to 10/s; never printed or stored), CLAIMAUDIT_EUTILS_URL, CLAIMAUDIT_CACHE_DIR.";

/// `check --help` lists the finding codes with their default levels.
static CHECK_HELP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut help = String::from("Finding codes (default level):\n");
    for code in crate::policy::Code::ALL {
        help.push_str(&format!(
            "  {:<22} {:<5}  {}\n",
            code.as_str(),
            code.default_level().as_str(),
            code.summary()
        ));
    }
    help.push_str(
        "\nLevels can be changed in the claims file (`policy: {code: level}`) and with\n\
         --deny/--warn/--allow CODE (the command line wins).\n\n\
         Exit codes: 0 nothing denied; 2 a deny-level finding; 3 invalid claims file or usage;\n\
         4 nothing denied but some claims not checked; 1 unexpected error.",
    );
    help
});

#[derive(Debug, Parser)]
#[command(name = "claimaudit", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXIT_CODES)]
struct Cli {
    /// Directory of the record cache.
    #[arg(
        long,
        global = true,
        env = "CLAIMAUDIT_CACHE_DIR",
        default_value = "cache",
        value_name = "DIR"
    )]
    cache_dir: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Audit a claims file: resolve every citation, judge every claim, report.
    ///
    /// Verdicts: supported (a resolved source of the evidence the claim kind needs:
    /// a human clinical study, level 1-3, for efficacy and safety), weak (sources
    /// resolve but none is strong enough), unresolved (no citation resolves), uncited,
    /// retracted (outranks supported), not-checked (offline or NCBI unreachable).
    #[command(after_help = CHECK_HELP.as_str())]
    Check(check::CheckArgs),
    /// Print cached records with their evidence classification.
    #[command(after_help = "Example:\n  claimaudit show 33458899 'PMID: 31844417' --format json")]
    Show(ShowArgs),
    /// Find the PubMed record a citation refers to, and what kind of evidence it is.
    ///
    /// Accepts a PMID, DOI, PMCID, PubMed URL, or free text such as "An, Y., et al.,
    /// 2021", "Wang, Y., et al., 2023. Stem Cells" or a full reference. Identifiers are
    /// looked up directly; journal + volume + page go to ECitMatch; anything else is
    /// searched by author, year, journal, title and --keywords, widening step by step.
    /// The outcome is resolved, ambiguous (candidates ranked), not-found (queries
    /// listed) or not-checked (offline or NCBI unreachable) — never a silent guess.
    #[command(after_help = "Examples:
  NCBI_EMAIL=you@example.org claimaudit resolve \"An, Y., et al., 2021\" --keywords \"exosome, skin\"
  claimaudit resolve 10.1056/NEJMoa1210384 --offline --format json

Exit codes: 0 resolved, 2 ambiguous or not found, 3 invalid usage, 4 not checked.")]
    Resolve(ResolveArgs),
    /// Manage the record cache.
    Cache {
        #[command(subcommand)]
        command: CacheCommand,
    },
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// PMIDs to show, as "33458899" or "PMID: 33458899".
    #[arg(required = true, value_name = "PMID")]
    pmids: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Args)]
struct ResolveArgs {
    /// The citation, as written in the copy.
    citation: String,

    /// English topic words of the claim, comma-separated, to narrow searches and check
    /// the record is on topic.
    #[arg(long, value_name = "WORDS")]
    keywords: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    #[command(flatten)]
    network: NetworkArgs,
}

#[derive(Debug, Subcommand)]
enum CacheCommand {
    /// Load PubMed efetch XML files into the cache ("-" reads standard input).
    ///
    /// Each file is read completely before anything is written: a file that is not
    /// PubMed XML (HTML, an NCBI error, truncated or invalid XML) is rejected with the
    /// reason and leaves the cache as it was. Records identical to the cached ones are
    /// left untouched.
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
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// Runs the command line and returns the exit code; never panics on bad input.
pub fn main() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                Exit::InvalidInput
            } else {
                Exit::Clean // --help and --version
            };
        }
    };
    match run(cli) {
        Ok(exit) => exit,
        Err(error) => {
            eprintln!("error: {error:#}");
            Exit::Unexpected
        }
    }
}

fn run(cli: Cli) -> Result<Exit> {
    let cache = Cache::new(&cli.cache_dir);
    match cli.command {
        Command::Check(args) => check::run(&cache, &args),
        Command::Show(args) => show(&cache, &args),
        Command::Resolve(args) => resolve(&cache, &args),
        Command::Cache {
            command: CacheCommand::Verify,
        } => verify(&cache),
        Command::Cache {
            command: CacheCommand::Import { files },
        } => import(&cache, &files),
        Command::Cache {
            command: CacheCommand::Stats { format },
        } => stats(&cache, format),
    }
}

/// Accepts "33458899", "PMID: 33458899", "pmid:33458899".
fn parse_pmid_argument(argument: &str) -> Option<String> {
    let trimmed = argument.trim();
    let without_label = if trimmed.len() >= 4 && trimmed[..4].eq_ignore_ascii_case("pmid") {
        trimmed[4..].trim_start_matches([':', ' '])
    } else {
        trimmed
    };
    crate::cache::validate_pmid(without_label)
        .ok()
        .map(|()| without_label.to_owned())
}

fn show(cache: &Cache, args: &ShowArgs) -> Result<Exit> {
    let mut pmids = Vec::new();
    let mut invalid = false;
    for argument in &args.pmids {
        match parse_pmid_argument(argument) {
            Some(pmid) => pmids.push(pmid),
            None => {
                eprintln!(
                    "error: \"{argument}\" is not a PMID; give the number, e.g. 33458899 or \"PMID: 33458899\""
                );
                invalid = true;
            }
        }
    }
    if invalid {
        return Ok(Exit::InvalidInput);
    }

    let mut found = Vec::new();
    let mut exit = Exit::Clean;
    for pmid in &pmids {
        match cache.get(pmid) {
            Ok(Some(entry)) => found.push(ClassifiedRecord::new(entry.record)),
            Ok(None) => {
                eprintln!(
                    "error: PMID {pmid} is not in the cache at {}; import its efetch XML with \
                     `claimaudit cache import FILE`",
                    cache.root().display()
                );
                exit = Exit::NotChecked;
            }
            Err(error @ CacheError::Corrupt { .. }) => {
                eprintln!("error: {error}");
                exit = Exit::NotChecked;
            }
            Err(error) => return Err(error.into()),
        }
    }
    let text = match args.format {
        Format::Table if found.is_empty() => String::new(),
        Format::Table => format::table::render(&found),
        Format::Json => format::json::render(&found),
    };
    write_stdout(&text)?;
    Ok(exit)
}

fn import(cache: &Cache, files: &[PathBuf]) -> Result<Exit> {
    let now = SystemTime::now();
    let mut exit = Exit::Clean;
    let mut total = crate::import::ImportSummary::default();
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
                eprintln!(
                    "imported {name}: {} records ({} added, {} updated, {} unchanged)",
                    summary.records, summary.added, summary.updated, summary.unchanged
                );
                total.records += summary.records;
                total.added += summary.added;
                total.updated += summary.updated;
                total.unchanged += summary.unchanged;
            }
            Err(error @ (ImportError::NotPubmed { .. } | ImportError::InvalidPmid { .. })) => {
                eprintln!("error: rejected {error}; nothing from this file was cached");
                exit = Exit::InvalidInput;
            }
            Err(ImportError::Cache(error)) => return Err(error.into()),
        }
    }
    write_stdout(&format!(
        "{} records from {} file(s): {} added, {} updated, {} unchanged (cache: {})\n",
        total.records,
        files.len(),
        total.added,
        total.updated,
        total.unchanged,
        cache.root().display()
    ))?;
    Ok(exit)
}

fn resolve(cache: &Cache, args: &ResolveArgs) -> Result<Exit> {
    if args.citation.trim().is_empty() {
        eprintln!(
            "error: the citation is empty; give it as written, e.g. \"An, Y., et al., 2021\""
        );
        return Ok(Exit::InvalidInput);
    }
    let lookups = match args.network.lookups(cache) {
        Ok(lookups) => lookups,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(Exit::InvalidInput);
        }
    };
    let keywords: Vec<String> = args
        .keywords
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let resolution = runtime.block_on(crate::resolve::resolve(&lookups, &args.citation, &keywords));
    let record = resolution.record.clone().map(ClassifiedRecord::new);
    let text = match args.format {
        Format::Table => format::table::render_resolution(&resolution, record.as_ref()),
        Format::Json => format::json::render_resolution(&resolution, record.as_ref()),
    };
    write_stdout(&text)?;
    if let Some(reason) = &resolution.reason {
        eprintln!(
            "warning: could not check \"{}\": {reason}",
            resolution.input
        );
    }
    Ok(match resolution.status {
        Status::Resolved => Exit::Clean,
        Status::Ambiguous | Status::NotFound => Exit::Denied,
        Status::NotChecked => Exit::NotChecked,
    })
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

fn read_input(file: &PathBuf) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(file)?;
    }
    Ok(bytes)
}

fn stats(cache: &Cache, format: Format) -> Result<Exit> {
    let stats = cache.stats()?;
    let text = match format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&stats)?;
            json.push('\n');
            json
        }
        Format::Table => stats_table(&stats),
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
    format::table::aligned(&["CACHE", ""], &rows)
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

/// Writes to stdout, treating a closed pipe (`| head`) as a normal end.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pmid_arguments_accept_the_common_spellings() {
        assert_eq!(
            parse_pmid_argument("PMID: 33458899").as_deref(),
            Some("33458899")
        );
        assert_eq!(parse_pmid_argument("pmid:1").as_deref(), Some("1"));
        assert_eq!(parse_pmid_argument(" 42 ").as_deref(), Some("42"));
        assert_eq!(parse_pmid_argument("10.1000/xyz"), None);
        assert_eq!(parse_pmid_argument("PMID"), None);
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(1536), "1.5 KiB (1536 bytes)");
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
