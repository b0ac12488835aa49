//! `claimaudit resolve`: one citation, its record, and what was asked to find it.

use anyhow::Result;
use clap::Args;

use claimaudit::citation::CitedAs;
use claimaudit::exit::Exit;
use claimaudit::pubmed::cache::Cache;
use claimaudit::report::records::{ClassifiedRecord, RecordFormat};
use claimaudit::report::resolution;
use claimaudit::resolve::{ResolutionStatus, resolve};

use super::network::NetworkArgs;
use super::{invalid, record_format, runtime, write_stdout};

#[derive(Debug, Args)]
pub(super) struct ResolveArgs {
    /// The citation, as written in the copy.
    citation: String,

    /// English topic words of the claim, comma-separated, to narrow searches and check
    /// the record is on topic.
    #[arg(long, value_name = "WORDS", value_delimiter = ',')]
    keywords: Vec<String>,

    /// Output format.
    #[arg(long, default_value = "table", value_parser = record_format())]
    format: RecordFormat,

    #[command(flatten)]
    network: NetworkArgs,
}

pub(super) fn run(cache: &Cache, args: &ResolveArgs) -> Result<Exit> {
    if args.citation.trim().is_empty() {
        return Err(invalid(
            "the citation is empty; give it as written, e.g. \"An, Y., et al., 2021\"",
        ));
    }
    let source = args.network.source(cache)?;
    let keywords: Vec<String> = args
        .keywords
        .iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    let cited = CitedAs::Text(args.citation.clone());
    let resolution = runtime()?.block_on(resolve(&source.cached, &cited, &keywords));
    let record = resolution
        .record
        .as_deref()
        .cloned()
        .map(ClassifiedRecord::new);
    let notices = source.cached.notices();
    let text = match args.format {
        RecordFormat::Table => resolution::render_table(&resolution, record.as_ref(), &notices),
        RecordFormat::Json => resolution::render_json(&resolution, record.as_ref(), &notices),
    };
    write_stdout(&text)?;
    if let Some(reason) = resolution.reason() {
        eprintln!(
            "warning: could not check \"{}\": {reason}",
            resolution.input
        );
    }
    Ok(match resolution.status {
        ResolutionStatus::Resolved => Exit::Clean,
        ResolutionStatus::Probable | ResolutionStatus::Ambiguous | ResolutionStatus::NotFound => {
            Exit::Denied
        }
        ResolutionStatus::NotChecked => Exit::NotChecked,
    })
}
