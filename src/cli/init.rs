//! `claimaudit init --from PAGE`: draft a claims file from a page of copy, or bring an
//! existing one up to date with `--merge`. The drafting is the library's
//! [`claimaudit::draft`]; this module reads the page, guards the output file and says
//! what was done.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use strum::VariantArray;

use claimaudit::claims;
use claimaudit::draft::merge::{Merged, merge};
use claimaudit::draft::{self, Draft, LanguageChoice, write};
use claimaudit::exit::Exit;
use claimaudit::lint::extract::SourceFormat;
use claimaudit::lint::page::Page;
use claimaudit::text::count;

use super::lint::{markup, read_page};
use super::{format_parser, invalid, write_stdout};

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// The page to draft from: HTML (.html, .htm), Markdown (.md) or plain text, told
    /// apart by the name (or --as); `-` reads standard input.
    #[arg(long, value_name = "PAGE")]
    from: PathBuf,

    /// The claims file to write; `-` writes it to standard output.
    #[arg(short, long, default_value = "claims.yaml", value_name = "FILE")]
    output: PathBuf,

    /// The page's language: ja, en, or auto (from the page's characters).
    #[arg(long, default_value = "auto", value_parser = language())]
    lang: LanguageChoice,

    /// How to read the page when its name says nothing: text, markdown or html.
    #[arg(long = "as", value_name = "MARKUP", value_parser = markup())]
    markup: Option<SourceFormat>,

    /// Replace FILE if it exists (reviewed claims in it are lost; see --merge).
    #[arg(long, conflicts_with = "merge")]
    force: bool,

    /// Update FILE from the page: claims whose wording is still on the page are kept as
    /// they are (reviewed or not, comments too), new ones are added as `review: pending`,
    /// and claims whose wording left the page are taken out and listed.
    #[arg(long)]
    merge: bool,
}

pub(super) fn language() -> impl clap::builder::TypedValueParser<Value = LanguageChoice> {
    format_parser(
        LanguageChoice::VARIANTS,
        LanguageChoice::as_str,
        |choice| match choice {
            LanguageChoice::Auto => "from the page's characters",
            LanguageChoice::Ja => {
                "Japanese: 。-ended sentences, keywords translated from the glossary"
            }
            LanguageChoice::En => "English",
        },
    )
}

pub(super) fn run(args: &InitArgs) -> Result<Exit> {
    let page = read_page(&args.from, args.markup)?.map_err(invalid)?;
    let drafted = draft_page(&page, args.lang)?;
    let text = write::claims_file(&drafted, &page.path);
    // The draft must read back as a valid claims file; anything else is our bug.
    if let Err(problems) = claims::parse(&args.output, &text) {
        anyhow::bail!(
            "the drafted claims file is invalid (a bug in claimaudit; please report it):\n{problems}"
        );
    }
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout {
        write_stdout(&text)?;
        summary(&drafted, &page.path, "standard output");
        return Ok(Exit::Clean);
    }
    let exists = args.output.exists();
    if exists && args.merge {
        let existing = std::fs::read_to_string(&args.output).map_err(|e| {
            invalid(claimaudit::yaml::cannot_read(
                &args.output,
                "claims file",
                &e,
            ))
        })?;
        let merged = merge(&args.output, &existing, &drafted, &drafted.page_text)
            .map_err(|e| invalid(format!("cannot merge into {}: {e}", args.output.display())))?;
        if let Err(problems) = claims::parse(&args.output, &merged.text) {
            anyhow::bail!(
                "the merged claims file is invalid (a bug in claimaudit; please report it):\n{problems}"
            );
        }
        write_atomically(&args.output, &merged.text)?;
        merge_summary(&merged, &page.path, &args.output);
        return Ok(Exit::Clean);
    }
    if exists && !args.force {
        return Err(invalid(format!(
            "{} already exists; nothing was written. Use --merge to update it from the page \
             (reviewed claims are kept), --force to replace it, or -o to write elsewhere",
            args.output.display()
        )));
    }
    write_atomically(&args.output, &text)?;
    summary(&drafted, &page.path, &args.output.display().to_string());
    Ok(Exit::Clean)
}

/// Drafts a page's claims, or says (exit 3) that it has none: `init` and `check PAGE`
/// refuse such a page alike.
pub(super) fn draft_page(page: &Page, lang: LanguageChoice) -> Result<Draft> {
    let drafted = draft::draft(&page.source, page.format, lang);
    if drafted.claims.is_empty() {
        return Err(invalid(format!(
            "{}: no claim found on the page (read as {}); if it is marked up, say how with --as",
            page.path,
            page.format.as_str()
        )));
    }
    Ok(drafted)
}

/// What was drafted, on stderr.
fn summary(drafted: &Draft, page: &str, into: &str) {
    let cited = drafted
        .claims
        .iter()
        .filter(|c| !c.citations.is_empty())
        .count();
    eprintln!(
        "drafted {} from {page} into {into} ({cited} with citations; product: {})",
        count(drafted.claims.len(), "claim", "claims"),
        if drafted.product.product.name.is_empty() {
            "not found, fill it in"
        } else {
            &drafted.product.product.name
        },
    );
    for note in &drafted.notes {
        eprintln!("note: {note}");
    }
    eprintln!(
        "Every claim is marked `review: pending`: check each against the page (wording, kind, \
         keywords, citations), then delete the mark. `claimaudit check` never calls a pending \
         claim supported."
    );
}

fn merge_summary(merged: &Merged, page: &str, into: &Path) {
    eprintln!(
        "merged {page} into {}: {} kept, {} added (review: pending), {} removed",
        into.display(),
        count(merged.kept, "claim", "claims"),
        merged.added.len(),
        merged.removed.len()
    );
    for (id, text) in &merged.added {
        eprintln!("  added    {id}: {text}");
    }
    for (id, line, text) in &merged.removed {
        eprintln!("  removed  {id} (was line {line}): {text}");
    }
}

/// Writes `text` to `path` through a temporary file in the same directory, so a reader
/// (or a crash) never sees half a claims file.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (temp, mut file) =
        tempfile_in(dir).with_context(|| format!("cannot write {}", path.display()))?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// A new file next to the target, named so it is recognisably ours if left behind.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    for attempt in 0..100u32 {
        let path = dir.join(format!(
            ".claimaudit-init-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}
