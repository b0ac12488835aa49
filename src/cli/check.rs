//! `claimaudit check`: load the claims, build the source, run the audit, write the
//! reports, exit with the report's code. The audit itself is the library's
//! [`claimaudit::audit::audit`].

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use strum::VariantArray;

use claimaudit::audit::{AuditOptions, audit};
use claimaudit::claims;
use claimaudit::exit::Exit;
use claimaudit::policy::dates;
use claimaudit::pubmed::cache::Cache;
use claimaudit::report::{Report, ReportFormat};

use super::gate::{GateArgs, OutputArgs};
use super::network::NetworkArgs;
use super::progress::Bar;
use super::{format_parser, invalid_file, runtime};

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The claims file.
    #[arg(default_value = "claims.yaml", value_name = "FILE")]
    file: PathBuf,

    /// Format of the report on standard output.
    #[arg(long, default_value = "table", value_parser = report_format())]
    format: ReportFormat,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    gate: GateArgs,

    /// No progress bar and no notes on standard error.
    #[arg(long, short)]
    quiet: bool,

    #[command(flatten)]
    network: NetworkArgs,
}

/// `--format` for `check`.
pub(super) fn report_format() -> impl clap::builder::TypedValueParser<Value = ReportFormat> {
    format_parser(
        ReportFormat::VARIANTS,
        ReportFormat::as_str,
        ReportFormat::description,
    )
}

pub(super) fn run(cache: &Cache, args: &CheckArgs) -> Result<Exit> {
    let rules = args.gate.rules()?;
    let file =
        claims::load_with(&args.file, rules).map_err(|error| invalid_file("claims file", error))?;
    let policy = args.gate.policy(&file.policy, file.codes)?;
    if !args.quiet {
        for refused in policy.refused() {
            eprintln!("warning: {}: {}", args.file.display(), refused.describe());
        }
    }
    let targets = args.output.targets()?;
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
        generated_at: args.output.generated_at(),
        today: dates::today(),
        record_max_age: source.cached.settings().record_max_age,
    };

    let progress = Bar::new("resolving citations", args.quiet);
    let report = runtime()?.block_on(audit(&file, &source.cached, &options, &progress));
    // Corrupt cache entries met on the way (refetched when online): always worth saying.
    for notice in source.cached.notices() {
        eprintln!("warning: {notice}");
    }

    args.output.write(args.format, &targets, |format| {
        format.formatter().render(&report)
    })?;
    if !args.quiet {
        warn_unchecked(&report);
    }
    Ok(report.exit())
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
            "warning: {} could not be checked: {reason}",
            claimaudit::text::count(reasons.len(), "citation", "citations")
        );
    }
}
