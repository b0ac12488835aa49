//! `claimaudit check`: load the claims, build the source, run the audit, write the
//! reports, exit with the report's code. The audit itself is the library's
//! [`claimaudit::audit::audit`].

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Args;
use strum::VariantArray;

use claimaudit::audit::{AuditOptions, audit};
use claimaudit::claims;
use claimaudit::exit::Exit;
use claimaudit::policy::{Level, OverrideSource, Policy, dates};
use claimaudit::pubmed::cache::Cache;
use claimaudit::report::{Report, ReportFormat};

use super::network::NetworkArgs;
use super::progress::Bar;
use super::{format_parser, invalid, runtime, write_stdout};

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The claims file.
    #[arg(default_value = "claims.yaml", value_name = "FILE")]
    file: PathBuf,

    /// Format of the report on standard output.
    #[arg(long, default_value = "table", value_parser = report_format())]
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

    /// The reviewer's policy file: `policy: {code: level}` as in a claims file, applied
    /// after the claims file's and before --deny/--warn/--allow. Unlike the audited claims
    /// file, it may lower the integrity findings.
    #[arg(long = "policy", value_name = "FILE")]
    policy_file: Option<PathBuf>,

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

/// `--format` for `check`.
fn report_format() -> impl clap::builder::TypedValueParser<Value = ReportFormat> {
    format_parser(
        ReportFormat::VARIANTS,
        ReportFormat::as_str,
        ReportFormat::description,
    )
}

pub(super) fn run(cache: &Cache, args: &CheckArgs) -> Result<Exit> {
    let file = claims::load(&args.file).map_err(|problems| {
        invalid(format!(
            "{} problem(s) in {}; nothing was checked:\n{problems}",
            problems.problems.len(),
            args.file.display()
        ))
    })?;
    let policy = policy(&file.policy, args)?;
    if !args.quiet {
        for refused in policy.refused() {
            eprintln!("warning: {}: {}", args.file.display(), refused.describe());
        }
    }
    let outputs = outputs(&args.outputs)?;
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
    let source = network.source(cache)?;
    let options = AuditOptions {
        policy,
        offline: source.offline,
        generated_at: generation_time(args.reproducible),
        today: dates::today(),
    };

    let progress = Bar::new("resolving citations", args.quiet);
    let report = runtime()?.block_on(audit(&file, &source.cached, &options, &progress));
    // Corrupt cache entries met on the way (refetched when online): always worth saying.
    for notice in source.cached.notices() {
        eprintln!("warning: {notice}");
    }

    write_stdout(&args.format.formatter().render(&report))?;
    for (path, format) in &outputs {
        std::fs::write(path, format.formatter().render(&report))
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
    }
    if !args.quiet {
        warn_unchecked(&report);
    }
    Ok(report.exit())
}

/// The claims file's policy, then the reviewer's policy file, then the command line's
/// `--deny/--warn/--allow`.
fn policy(file_policy: &Policy, args: &CheckArgs) -> Result<Policy> {
    let mut policy = file_policy.clone();
    if let Some(path) = &args.policy_file {
        let settings = claims::load_policy_file(path).map_err(|problems| {
            invalid(format!(
                "{} problem(s) in the policy file {}; nothing was checked:\n{problems}",
                problems.problems.len(),
                path.display()
            ))
        })?;
        for (code, level, line) in settings {
            policy.set(
                code,
                level,
                OverrideSource::PolicyFile(path.clone()),
                Some(line),
            );
        }
    }
    let named = [
        (&args.deny, Level::Deny),
        (&args.warn, Level::Warn),
        (&args.allow, Level::Allow),
    ];
    policy
        .override_by_name(
            named
                .iter()
                .flat_map(|(names, level)| names.iter().map(|name| (name.as_str(), *level))),
        )
        .map_err(|unknown| invalid(unknown.join("\n")))?;
    Ok(policy)
}

/// Each `--output` path with the format its name asks for.
fn outputs(paths: &[PathBuf]) -> Result<Vec<(PathBuf, ReportFormat)>> {
    let mut outputs = Vec::new();
    let mut unknown = Vec::new();
    for path in paths {
        match ReportFormat::for_path(path) {
            Some(format) => outputs.push((path.clone(), format)),
            None => unknown.push(format!(
                "cannot tell the report format of --output {}; name it {}",
                path.display(),
                ReportFormat::known_extensions()
            )),
        }
    }
    if unknown.is_empty() {
        Ok(outputs)
    } else {
        Err(invalid(unknown.join("\n")))
    }
}

/// One line on stderr when citations could not be checked, with the first reason.
fn warn_unchecked(report: &Report) {
    let reasons: Vec<&str> = report
        .claims
        .iter()
        .flat_map(|c| &c.citations)
        .filter_map(|c| c.reason.as_deref())
        .collect();
    if let Some(reason) = reasons.first() {
        eprintln!(
            "warning: {} citation(s) could not be checked: {reason}",
            reasons.len()
        );
    }
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
