//! `claimaudit lint`: the wording lint on pages of copy (plain text, Markdown, HTML, or
//! standard input), reported in the same formats as `check`. The work is the library's
//! [`claimaudit::lint::page::lint_pages`].

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use strum::VariantArray;

use claimaudit::exit::Exit;
use claimaudit::lint::extract::SourceFormat;
use claimaudit::lint::page::{LintOptions, Page, lint_pages};
use claimaudit::lint::{Jurisdiction, ProductClass};
use claimaudit::policy::{CodeBook, Policy};
use claimaudit::report::ReportFormat;

use super::gate::{GateArgs, OutputArgs};
use super::{format_parser, invalid};

#[derive(Debug, Args)]
pub(super) struct LintArgs {
    /// Files of copy: plain text, Markdown (.md) or HTML (.html, .htm), told apart by
    /// their names; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// How to read standard input, or files whose names say nothing: text, markdown or
    /// html (standard input that starts with `<` is read as HTML).
    #[arg(long = "as", value_name = "MARKUP", value_parser = markup())]
    markup: Option<SourceFormat>,

    /// What is sold: the rules and their levels depend on it. Without it, each file's own
    /// words decide (「当院」 makes a clinic page) and the report says which.
    #[arg(long, value_name = "CLASS", value_parser = class())]
    class: Option<ProductClass>,

    /// Apply only the rules of this jurisdiction (jp, us, eu, uk). Repeatable; all by
    /// default.
    #[arg(long = "jurisdiction", value_name = "PLACE", value_parser = jurisdiction())]
    jurisdictions: Vec<Jurisdiction>,

    /// Format of the report on standard output.
    #[arg(long, default_value = "table", value_parser = lint_format())]
    format: ReportFormat,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    gate: GateArgs,
}

fn lint_format() -> impl clap::builder::TypedValueParser<Value = ReportFormat> {
    format_parser(
        ReportFormat::VARIANTS,
        ReportFormat::as_str,
        ReportFormat::lint_description,
    )
}

pub(super) fn markup() -> impl clap::builder::TypedValueParser<Value = SourceFormat> {
    format_parser(
        SourceFormat::VARIANTS,
        SourceFormat::as_str,
        |format| match format {
            SourceFormat::Text => "plain text, read as it is",
            SourceFormat::Markdown => "Markdown: the text without its markup",
            SourceFormat::Html => {
                "HTML: what a visitor reads, plus titles, descriptions and alt texts"
            }
        },
    )
}

fn class() -> impl clap::builder::TypedValueParser<Value = ProductClass> {
    format_parser(
        ProductClass::VARIANTS,
        ProductClass::as_str,
        |class| match class {
            ProductClass::Clinic => "a clinic's medical or aesthetic service (自由診療)",
            ProductClass::Cosmetic => "a cosmetic",
            ProductClass::QuasiDrug => "a quasi-drug (医薬部外品)",
            ProductClass::Supplement => "a supplement or health food",
            ProductClass::Drug => "a licensed medicine",
        },
    )
}

fn jurisdiction() -> impl clap::builder::TypedValueParser<Value = Jurisdiction> {
    format_parser(
        Jurisdiction::VARIANTS,
        Jurisdiction::as_str,
        |place| match place {
            Jurisdiction::Jp => "Japan: 医療法・医療広告ガイドライン, 薬機法, 景品表示法",
            Jurisdiction::Us => "United States: FTC",
            Jurisdiction::Eu => "European Union: Regulations 1924/2006, 655/2013",
            Jurisdiction::Uk => "United Kingdom: CAP Code",
        },
    )
}

/// Reads every file (or stdin), each as a page; every unreadable one is named.
fn pages(args: &LintArgs) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    let mut problems = Vec::new();
    for path in &args.files {
        match read_page(path, args.markup)? {
            Ok(page) => pages.push(page),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(pages)
    } else {
        Err(invalid(problems.join("\n")))
    }
}

/// Reads one page of copy (`-`: standard input), marked up as its name says or as
/// `markup` says when the name says nothing; standard input that starts with `<` is
/// HTML. A file that cannot be read or is not UTF-8 is the inner error, with the fix.
pub(super) fn read_page(path: &Path, markup: Option<SourceFormat>) -> Result<Result<Page, String>> {
    let stdin = path.as_os_str() == "-";
    let (name, bytes) = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        ("-".to_owned(), bytes)
    } else {
        match std::fs::read(path) {
            Ok(bytes) => (path.display().to_string(), bytes),
            Err(e) => return Ok(Err(claimaudit::yaml::cannot_read(path, "page", &e))),
        }
    };
    let source = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return Ok(Err(format!(
                "{name} is not UTF-8 text (invalid byte at offset {at}); save it as UTF-8"
            )));
        }
    };
    let format = match (markup, SourceFormat::for_path(path)) {
        (Some(format), SourceFormat::Text) => format,
        (None, SourceFormat::Text) if stdin && source.trim_start().starts_with('<') => {
            SourceFormat::Html
        }
        (_, format) => format,
    };
    Ok(Ok(Page {
        path: name,
        source,
        format,
    }))
}

pub(super) fn run(args: &LintArgs) -> Result<Exit> {
    let rules = args.gate.rules()?;
    let policy = args.gate.policy(
        &Policy::default(),
        CodeBook {
            rules,
            class: args.class,
        },
    )?;
    let targets = args.output.targets()?;
    let pages = pages(args)?;
    let options = LintOptions {
        rules,
        class: args.class,
        jurisdictions: args.jurisdictions.clone(),
        policy,
        generated_at: args.output.generated_at(),
    };
    let report = lint_pages(&pages, &options);
    args.output.write(args.format, &targets, |format| {
        format.lint_formatter().render(&report)
    })?;
    Ok(report.exit())
}
