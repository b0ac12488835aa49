//! `claimaudit resolve`: one citation, its record, and what was asked to find it.

use anyhow::Result;
use clap::Args;

use claimaudit::citation::CitedAs;
use claimaudit::exit::Exit;
use claimaudit::judge::evidence::Flag;
use claimaudit::pubmed::cache::Cache;
use claimaudit::pubmed::record::Record;
use claimaudit::pubmed::source::SourceError;
use claimaudit::report::records::{ClassifiedRecord, RecordFormat};
use claimaudit::report::resolution;
use claimaudit::resolve::{Resolution, ResolutionStatus, resolve};

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
    // Resolved exactly as `check` resolves the same text in a claims file: input that
    // cannot be looked up (`0`, `[au]`, emoji) is not sent anywhere, and comes back
    // not found with the reason and the fix.
    let cited = CitedAs::Text(args.citation.clone());
    let resolution = runtime()?.block_on(resolve(&source.cached, &cited, &keywords));
    let record = resolution
        .record
        .as_deref()
        .cloned()
        .map(ClassifiedRecord::new);
    let withdrawn = record.as_ref().and_then(no_longer_stands);
    let headline = match &withdrawn {
        Some(standing) => Some(standing.clone()),
        None => not_looked_up(&resolution),
    };
    let notices = source.cached.notices();
    let text = match args.format {
        RecordFormat::Table => {
            let table = resolution::render_table(&resolution, record.as_ref(), &notices);
            match &headline {
                Some(line) => format!("{line}\n{table}"),
                None => table,
            }
        }
        RecordFormat::Json => with_headline(
            &resolution::render_json(&resolution, record.as_ref(), &notices),
            headline.as_deref(),
        ),
    };
    write_stdout(&text)?;
    if let Some(reason) = resolution.reason() {
        eprintln!(
            "warning: could not check \"{}\": {reason}",
            resolution.input
        );
    }
    Ok(match resolution.status {
        // A paper that no longer stands is denied, as `check` denies citing it.
        ResolutionStatus::Resolved if withdrawn.is_some() => Exit::Denied,
        ResolutionStatus::Resolved => Exit::Clean,
        ResolutionStatus::Probable | ResolutionStatus::Ambiguous | ResolutionStatus::NotFound => {
            Exit::Denied
        }
        ResolutionStatus::NotChecked => Exit::NotChecked,
    })
}

/// "RETRACTED: …" (or withdrawn, or under concern) when the record no longer stands:
/// the first thing a reader must see.
fn no_longer_stands(item: &ClassifiedRecord) -> Option<String> {
    let flag = item.flags.iter().copied().find(|f| f.is_disqualifying())?;
    let record = &item.record;
    let (label, state, notice) = match flag {
        Flag::PartiallyRetracted => (
            "PARTIALLY RETRACTED",
            "has been partially retracted",
            notice(record, "PartialRetractionIn"),
        ),
        Flag::Withdrawn => ("WITHDRAWN", "has been withdrawn", None),
        Flag::ExpressionOfConcern => (
            "EXPRESSION OF CONCERN",
            "is under an expression of concern",
            notice(record, "ExpressionOfConcernIn"),
        ),
        _ => (
            "RETRACTED",
            "has been retracted",
            notice(record, "RetractionIn"),
        ),
    };
    let notice = notice.map_or_else(String::new, |pmid| format!(" (notice: PMID {pmid})"));
    Some(format!(
        "{label}: PMID {} {state}{notice}; it supports nothing: remove the citation and any wording that rests on it",
        record.pmid
    ))
}

/// The PMID of the notice linked under `ref_type`, if the record names one.
fn notice(record: &Record, ref_type: &str) -> Option<String> {
    record
        .links_of(ref_type)
        .find_map(|link| link.pmid)
        .map(|pmid| pmid.to_string())
}

/// "not looked up: …" when nothing was sent anywhere: the cache lacked the answer and
/// this run may not ask NCBI, or the input gave nothing to ask. Without it, a not-found
/// status with no queries would read as "PubMed has no such paper".
fn not_looked_up(resolution: &Resolution) -> Option<String> {
    match (&resolution.status, &resolution.failure) {
        (ResolutionStatus::NotChecked, Some(SourceError::Offline)) => Some(format!(
            "not looked up: {}; the queries below were not sent",
            SourceError::Offline
        )),
        (ResolutionStatus::NotFound, _) if resolution.lookups.is_empty() => {
            let why = resolution.citation.unsearchable().map_or_else(
                || "nothing in it could be searched".to_owned(),
                |why| why.to_string(),
            );
            Some(format!("not looked up: {why}"))
        }
        _ => None,
    }
}

/// `json` (one pretty-printed object) with `"headline"` as its first key: the answer a
/// reader must see first, or null.
fn with_headline(json: &str, headline: Option<&str>) -> String {
    let body = json
        .strip_prefix("{\n")
        .expect("the resolution renders as a pretty-printed JSON object");
    let value = serde_json::to_string(&headline).expect("a string always serializes");
    format!("{{\n  \"headline\": {value},\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_is_the_first_key_and_the_json_stays_valid() {
        let json = "{\n  \"input\": \"x\",\n  \"record\": {\n    \"pmid\": \"1\"\n  }\n}\n";
        for headline in [Some("RETRACTED: \"quoted\" \\ text"), None] {
            let out = with_headline(json, headline);
            let value: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(value["headline"].as_str(), headline);
            assert_eq!(value["record"]["pmid"], "1");
            assert!(out.starts_with("{\n  \"headline\": "), "{out}");
        }
    }
}
