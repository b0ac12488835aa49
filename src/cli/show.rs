//! `claimaudit show`: cached records with their evidence classification.

use anyhow::Result;
use clap::Args;

use claimaudit::exit::Exit;
use claimaudit::ids::Pmid;
use claimaudit::pubmed::cache::{Cache, CacheError};
use claimaudit::report::records::{self, ClassifiedRecord, RecordFormat};

use super::{invalid, record_format, write_stdout};

#[derive(Debug, Args)]
pub(super) struct ShowArgs {
    /// PMIDs to show, as "33458899", "PMID: 33458899" or a PubMed URL.
    #[arg(required = true, value_name = "PMID")]
    pmids: Vec<String>,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = record_format())]
    format: RecordFormat,
}

pub(super) fn run(cache: &Cache, args: &ShowArgs) -> Result<Exit> {
    let mut pmids = Vec::new();
    let mut problems = Vec::new();
    for argument in &args.pmids {
        match argument.parse::<Pmid>() {
            Ok(pmid) => pmids.push(pmid),
            Err(error) => problems.push(error.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems.join("\n")));
    }

    let mut found = Vec::new();
    let mut exit = Exit::Clean;
    for pmid in pmids {
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
        RecordFormat::Table if found.is_empty() => String::new(),
        RecordFormat::Table => records::render_table(&found),
        RecordFormat::Json => records::render_json(&found),
    };
    write_stdout(&text)?;
    Ok(exit)
}
