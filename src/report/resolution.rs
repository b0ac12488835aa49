//! What `resolve` prints: the outcome for one citation, what was asked, and the record
//! it resolved to, as labelled lines or JSON.

use serde::Serialize;

use super::records::{ClassifiedRecord, RecordJson};
use super::text_table::{aligned, truncate};
use crate::ids::Pmid;
use crate::pubmed::source::Lookup;
use crate::resolve::{Candidate, Field, Resolution, ResolutionStatus};

/// Candidate titles are cut to this many terminal columns.
const TITLE_WIDTH: usize = 72;

/// The JSON shape: `{"input", "status", "pmid", "score", "matched", "warnings",
/// "candidates", "queries", "reason", "record"}`.
#[derive(Serialize)]
struct ResolutionJson<'a> {
    input: &'a str,
    status: ResolutionStatus,
    pmid: Option<Pmid>,
    score: Option<f64>,
    matched: &'a [Field],
    warnings: Vec<String>,
    candidates: &'a [Candidate],
    queries: &'a [Lookup],
    reason: Option<String>,
    record: Option<RecordJson<'a>>,
}

/// `warnings` holds the resolution's notes and then `run_warnings` (problems met with
/// the cache on the way).
pub fn render_json(
    resolution: &Resolution,
    record: Option<&ClassifiedRecord>,
    run_warnings: &[String],
) -> String {
    let view = ResolutionJson {
        input: &resolution.input,
        status: resolution.status,
        pmid: resolution.pmid,
        score: resolution.score,
        matched: &resolution.matched,
        warnings: warnings(resolution, run_warnings),
        candidates: &resolution.candidates,
        queries: &resolution.lookups,
        reason: resolution.reason(),
        record: record.map(RecordJson::from),
    };
    let mut out = serde_json::to_string_pretty(&view).expect("resolutions always serialize");
    out.push('\n');
    out
}

fn warnings(resolution: &Resolution, run_warnings: &[String]) -> Vec<String> {
    resolution
        .notes
        .iter()
        .map(ToString::to_string)
        .chain(run_warnings.iter().cloned())
        .collect()
}

/// The outcome as labelled lines: status, record, warnings, candidates, queries.
pub fn render_table(
    resolution: &Resolution,
    record: Option<&ClassifiedRecord>,
    run_warnings: &[String],
) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |label: &str, value: String| rows.push(vec![label.to_owned(), value]);
    row("citation", resolution.input.clone());
    let mut status = resolution.status.as_str().to_owned();
    if let Some(score) = resolution.score {
        status.push_str(&format!(" (score {score:.2}"));
        if !resolution.matched.is_empty() {
            let matched: Vec<&str> = resolution.matched.iter().map(|f| f.as_str()).collect();
            status.push_str(&format!("; agrees on {}", matched.join(", ")));
        }
        status.push(')');
    }
    row("status", status);
    if let Some(reason) = resolution.reason() {
        row("reason", reason);
    }
    if let Some(item) = record {
        let r = &item.record;
        let e = &item.evidence;
        row("pmid", r.pmid.to_string());
        row("title", r.title.clone());
        let source = [
            r.authors.first().map(|a| a.display_name()),
            r.journal_name().map(str::to_owned),
            r.year.map(|y| y.to_string()),
            r.doi.as_ref().map(|d| format!("doi:{d}")),
        ];
        row(
            "source",
            source.into_iter().flatten().collect::<Vec<_>>().join(", "),
        );
        let flags: Vec<&str> = item.flags.iter().map(|f| f.as_str()).collect();
        row(
            "evidence",
            format!(
                "{}, level {}, population {}, confidence {}{}",
                e.design.as_str(),
                e.level.map_or_else(|| "none".into(), |l| l.to_string()),
                e.population.as_str(),
                e.confidence.as_str(),
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", flags.join(", "))
                }
            ),
        );
    }
    for warning in warnings(resolution, run_warnings) {
        row("warning", warning);
    }
    if record.is_none() {
        for c in &resolution.candidates {
            row(
                "candidate",
                format!(
                    "{}  {:.2}  {}  {}  {}",
                    c.pmid,
                    c.score,
                    c.year.map_or_else(|| "-".into(), |y| y.to_string()),
                    c.journal.as_deref().unwrap_or("-"),
                    truncate(&c.title, TITLE_WIDTH)
                ),
            );
        }
    }
    for lookup in &resolution.lookups {
        row("query", lookup.to_string());
    }
    let lines = aligned(&["", ""], &rows);
    // Drop the empty header line `aligned` writes.
    lines.lines().skip(1).map(|l| format!("{l}\n")).collect()
}
