//! JSON for `show`: a top-level array, one object per record. Every documented key is
//! always present (null or empty when PubMed has no value) so consumers can rely on it.

use serde::Serialize;

use super::ClassifiedRecord;
use crate::evidence::{Evidence, Flag};
use crate::record::{
    AbstractSection, Author, CommentCorrection, MeshHeading, PublicationType, RecordKind,
};
use crate::resolve::{Candidate, Resolution, Status};

#[derive(Serialize)]
pub struct RecordJson<'a> {
    pmid: &'a str,
    kind: RecordKind,
    title: &'a str,
    vernacular_title: Option<&'a str>,
    journal: Option<&'a str>,
    iso_abbrev: Option<&'a str>,
    year: Option<u16>,
    volume: Option<&'a str>,
    issue: Option<&'a str>,
    pages: Option<&'a str>,
    doi: Option<&'a str>,
    pmcid: Option<&'a str>,
    authors: &'a [Author],
    editors: &'a [Author],
    publication_types: &'a [PublicationType],
    mesh: &'a [MeshHeading],
    keywords: &'a [String],
    languages: &'a [String],
    citation_status: Option<&'a str>,
    comments_corrections: &'a [CommentCorrection],
    #[serde(rename = "abstract")]
    abstract_sections: &'a [AbstractSection],
    evidence: &'a Evidence,
    flags: &'a [Flag],
}

impl<'a> From<&'a ClassifiedRecord> for RecordJson<'a> {
    fn from(item: &'a ClassifiedRecord) -> Self {
        let r = &item.record;
        RecordJson {
            pmid: &r.pmid,
            kind: r.kind,
            title: &r.title,
            vernacular_title: r.vernacular_title.as_deref(),
            journal: r.journal.as_deref(),
            iso_abbrev: r.iso_abbrev.as_deref(),
            year: r.year,
            volume: r.volume.as_deref(),
            issue: r.issue.as_deref(),
            pages: r.pages.as_deref(),
            doi: r.doi.as_deref(),
            pmcid: r.pmcid.as_deref(),
            authors: &r.authors,
            editors: &r.editors,
            publication_types: &r.publication_types,
            mesh: &r.mesh,
            keywords: &r.keywords,
            languages: &r.languages,
            citation_status: r.citation_status.as_deref(),
            comments_corrections: &r.comments_corrections,
            abstract_sections: &r.abstract_sections,
            evidence: &item.evidence,
            flags: &item.flags,
        }
    }
}

pub fn render(records: &[ClassifiedRecord]) -> String {
    let views: Vec<RecordJson> = records.iter().map(RecordJson::from).collect();
    let mut out = serde_json::to_string_pretty(&views).expect("records always serialize");
    out.push('\n');
    out
}

/// JSON for `resolve`: the outcome, what was asked, and the chosen record as `show`
/// prints it.
#[derive(Serialize)]
pub struct ResolutionJson<'a> {
    input: &'a str,
    status: Status,
    pmid: Option<&'a str>,
    score: Option<f64>,
    matched: &'a [&'static str],
    warnings: &'a [String],
    candidates: &'a [Candidate],
    queries: &'a [String],
    reason: Option<&'a str>,
    record: Option<RecordJson<'a>>,
}

impl<'a> ResolutionJson<'a> {
    pub fn new(resolution: &'a Resolution, record: Option<&'a ClassifiedRecord>) -> Self {
        ResolutionJson {
            input: &resolution.input,
            status: resolution.status,
            pmid: resolution.pmid.as_deref(),
            score: resolution.score,
            matched: &resolution.matched,
            warnings: &resolution.warnings,
            candidates: &resolution.candidates,
            queries: &resolution.queries,
            reason: resolution.reason.as_deref(),
            record: record.map(RecordJson::from),
        }
    }
}

pub fn render_resolution(resolution: &Resolution, record: Option<&ClassifiedRecord>) -> String {
    let mut out = serde_json::to_string_pretty(&ResolutionJson::new(resolution, record))
        .expect("resolutions always serialize");
    out.push('\n');
    out
}
