//! `claimaudit check`: load the claims, build the source, run the audit, write the
//! reports, exit with the report's code. The audit itself is the library's
//! [`claimaudit::audit::audit`].

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use strum::VariantArray;

use claimaudit::audit::{AuditOptions, audit};
use claimaudit::claims;
use claimaudit::draft::{self, LanguageChoice};
use claimaudit::exit::Exit;
use claimaudit::lint::extract::SourceFormat;
use claimaudit::lint::page::{LintOptions, lint_pages};
use claimaudit::policy::dates;
use claimaudit::pubmed::cache::Cache;
use claimaudit::report::{Report, ReportFormat};

use super::gate::{GateArgs, OutputArgs};
use super::init::{draft_page, language};
use super::lint::{markup, read_page};
use super::network::NetworkArgs;
use super::progress::Bar;
use super::{format_parser, invalid, invalid_file, runtime};

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The claims file, or a page of copy (.html, .htm, .md, .txt, or `-` for standard
    /// input): a page's claims are drafted in memory as `init --from` drafts them, the
    /// whole page is linted, and both are reported together. Drafted claims are never
    /// supported (`unreviewed-claim`): for a file a person has reviewed, use `init`.
    #[arg(default_value = "claims.yaml", value_name = "FILE")]
    file: PathBuf,

    /// How to read a page whose name says nothing (text, markdown, html).
    #[arg(long = "as", value_name = "MARKUP", value_parser = markup())]
    markup: Option<SourceFormat>,

    /// A page's language: ja, en, or auto.
    #[arg(long, default_value = "auto", value_parser = language())]
    lang: LanguageChoice,

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
    let page = if is_page(&args.file) {
        Some(read_page(&args.file, args.markup)?.map_err(invalid)?)
    } else {
        None
    };
    let file = match &page {
        Some(page) => {
            let drafted = draft_page(page, args.lang)?;
            draft::page_claims_file(&drafted, &page.path, &page.source, rules).map_err(|problems| {
                anyhow::anyhow!("the claims drafted from {} are invalid (a bug in claimaudit; please report it):\n{problems}", page.path)
            })?
        }
        None => claims::load_with(&args.file, rules)
            .map_err(|error| invalid_file("claims file", error))?,
    };
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
    // The page's own lint runs under the same policy, so --allow and the like apply to it.
    let page_lint = page.as_ref().map(|page| {
        let options = LintOptions {
            rules,
            // The page's own words decide, as the draft's class was decided (and the
            // report says which word did).
            class: None,
            jurisdictions: file.product.jurisdictions.clone(),
            policy: policy.clone(),
            generated_at: args.output.generated_at(),
        };
        lint_pages(std::slice::from_ref(page), &options)
    });
    let options = AuditOptions {
        policy,
        offline: source.offline,
        generated_at: args.output.generated_at(),
        today: dates::today(),
        record_max_age: source.cached.settings().record_max_age,
    };

    let progress = Bar::new("resolving citations", args.quiet);
    let mut report = runtime()?.block_on(audit(&file, &source.cached, &options, &progress));
    if let Some(linted) = page_lint.and_then(|linted| linted.files.into_iter().next()) {
        report = report.with_page(draft::outside_claims(linted, &file.claims));
    }
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

/// A page of copy rather than a claims file: standard input, or a name that says HTML,
/// Markdown or text.
fn is_page(path: &std::path::Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    path.as_os_str() == "-"
        || ["html", "htm", "xhtml", "md", "markdown", "txt"]
            .contains(&ext.to_ascii_lowercase().as_str())
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
