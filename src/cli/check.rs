//! `claimaudit check`: the audit itself.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::network::NetworkArgs;
use super::write_stdout;
use crate::cache::Cache;
use crate::claims;
use crate::exit::Exit;
use crate::policy::{Code, Level, closest};
use crate::report::{Report, ReportFormat};
use crate::resolve::resolve_many;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The claims file.
    #[arg(default_value = "claims.yaml", value_name = "FILE")]
    file: PathBuf,

    /// Format of the report on standard output.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,

    /// Also write the report to FILE, in the format its name says: .json, .sarif,
    /// .xml (JUnit), .md, .html, .csv, .txt (table). Repeatable.
    #[arg(long = "output", value_name = "FILE")]
    outputs: Vec<PathBuf>,

    /// Treat findings with this code as deny (fail the check). Repeatable.
    #[arg(long = "deny", value_name = "CODE")]
    deny: Vec<String>,

    /// Treat findings with this code as warnings. Repeatable.
    #[arg(long = "warn", value_name = "CODE")]
    warn: Vec<String>,

    /// Ignore findings with this code (they stay visible in reports). Repeatable.
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,

    /// No progress bar and no notes on standard error.
    #[arg(long, short)]
    quiet: bool,

    /// Pin the report's generation time (the one timestamp in any report) to the start
    /// of the current UTC day, so reruns give byte-identical reports; SOURCE_DATE_EPOCH,
    /// when set, pins it to that time instead.
    #[arg(long)]
    reproducible: bool,

    #[command(flatten)]
    network: NetworkArgs,
}

pub fn run(cache: &Cache, args: &CheckArgs) -> Result<Exit> {
    let file = match claims::load(&args.file) {
        Ok(file) => file,
        Err(invalid) => {
            eprintln!("{invalid}");
            eprintln!(
                "error: {} problem(s) in {}; nothing was checked",
                invalid.problems.len(),
                args.file.display()
            );
            return Ok(Exit::InvalidInput);
        }
    };
    let mut policy = file.policy.clone();
    let mut bad_codes = false;
    for (names, level) in [
        (&args.deny, Level::Deny),
        (&args.warn, Level::Warn),
        (&args.allow, Level::Allow),
    ] {
        for name in names {
            match Code::parse(name) {
                Some(code) => policy.set(code, level),
                None => {
                    let hint = closest(name, Code::ALL.iter().map(|c| c.as_str()))
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    eprintln!(
                        "error: unknown finding code `{name}`{hint} (codes are listed in `claimaudit check --help`)"
                    );
                    bad_codes = true;
                }
            }
        }
    }
    let formats: Vec<(PathBuf, ReportFormat)> = args
        .outputs
        .iter()
        .map(|path| (path.clone(), ReportFormat::for_path(path)))
        .filter_map(|(path, format)| match format {
            Some(format) => Some((path, format)),
            None => {
                eprintln!(
                    "error: cannot tell the report format of --output {}; name it .json, .sarif, .xml, .md, .html, .csv or .txt",
                    path.display()
                );
                bad_codes = true;
                None
            }
        })
        .collect();
    if bad_codes {
        return Ok(Exit::InvalidInput);
    }

    let mut network = args.network.clone();
    if !network.offline && network.email.is_none() {
        if !args.quiet {
            eprintln!(
                "note: NCBI_EMAIL is not set, so nothing is looked up online; citations missing from \
                 the cache are reported as not checked. Set NCBI_EMAIL (or --email) to check them."
            );
        }
        network.offline = true;
    }
    let lookups = match network.lookups(cache) {
        Ok(lookups) => lookups,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(Exit::InvalidInput);
        }
    };

    // Each distinct citation (with the keywords that narrow it) is resolved once.
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: HashMap<(String, Vec<String>), usize> = HashMap::new();
    for claim in &file.claims {
        for cited in &claim.citations {
            let key = (cited.text.clone(), claim.keywords.clone());
            if !index.contains_key(&key) {
                index.insert(key.clone(), items.len());
                items.push(key);
            }
        }
    }
    let progress = if args.quiet || !std::io::stderr().is_terminal() || items.is_empty() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(items.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} resolving citations {pos}/{len} [{bar:30}] {elapsed}",
            )
            .expect("valid progress template")
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let resolutions = runtime.block_on(resolve_many(&lookups, &items, &progress));
    progress.finish_and_clear();
    // Corrupt cache entries met on the way (refetched when online): always worth saying.
    for warning in runtime.block_on(lookups.warnings()) {
        eprintln!("warning: {warning}");
    }

    let report = Report::build(
        &file,
        |text, keywords| &resolutions[index[&(text.to_owned(), keywords.to_vec())]],
        &policy,
        network.offline,
        generation_time(args.reproducible),
    );
    write_stdout(&args.format.formatter().render(&report))?;
    for (path, format) in &formats {
        std::fs::write(path, format.formatter().render(&report))
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
    }
    if !args.quiet {
        let unchecked: Vec<&str> = resolutions
            .iter()
            .filter_map(|r| r.reason.as_deref())
            .collect();
        if let Some(reason) = unchecked.first() {
            eprintln!(
                "warning: {} citation(s) could not be checked: {reason}",
                unchecked.len()
            );
        }
    }
    Ok(report.exit())
}

/// Now; or the time `SOURCE_DATE_EPOCH` pins; or, with `--reproducible`, the start of
/// today (UTC), which keeps waiver expiry real while reruns stay byte-identical.
fn generation_time(reproducible: bool) -> String {
    const DAY: u64 = 86_400;
    let pinned = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    let time = match pinned {
        Some(secs) => UNIX_EPOCH + Duration::from_secs(secs),
        None if reproducible => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            UNIX_EPOCH + Duration::from_secs(now - now % DAY)
        }
        None => SystemTime::now(),
    };
    humantime::format_rfc3339_seconds(time).to_string()
}
