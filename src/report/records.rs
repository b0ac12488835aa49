//! What `show` prints: cached records with their evidence classification, as a table
//! for people or JSON for programs.

use serde::Serialize;

use super::text_table::{aligned, truncate};
use crate::ids::{Doi, Pmcid, Pmid};
use crate::judge::evidence::{self, Evidence, Flag};
use crate::pubmed::record::{
    AbstractSection, Author, CommentCorrection, MeshHeading, PublicationType, Record, RecordKind,
};

/// A record together with what claimaudit concludes about it.
#[derive(Debug, Clone)]
pub struct ClassifiedRecord {
    pub record: Record,
    pub evidence: Evidence,
    pub flags: Vec<Flag>,
}

impl ClassifiedRecord {
    pub fn new(record: Record) -> Self {
        let evidence = evidence::classify(&record);
        let flags = evidence::flags(&record);
        ClassifiedRecord {
            record,
            evidence,
            flags,
        }
    }
}

named_enum! {
    /// How `show`, `resolve` and `cache stats` write: a table for people, JSON for programs.
    pub enum RecordFormat {
        Table,
        Json,
    }
}

impl RecordFormat {
    /// What the format is for, for `--help`.
    pub fn description(self) -> &'static str {
        match self {
            RecordFormat::Table => "aligned columns for reading in a terminal",
            RecordFormat::Json => "machine-readable JSON",
        }
    }
}

/// Titles are cut to this many terminal columns to keep rows on one line.
const TITLE_WIDTH: usize = 72;

/// Comment/correction links worth repeating under the table.
const NOTICE_LINKS: &[&str] = &[
    "RetractionIn",
    "ExpressionOfConcernIn",
    "ErratumIn",
    "UpdateIn",
];

/// One row per record, then the notices (retractions, errata, expressions of concern)
/// a reviewer must not miss.
pub fn render_table(records: &[ClassifiedRecord]) -> String {
    let header = [
        "PMID",
        "YEAR",
        "DESIGN",
        "LEVEL",
        "POPULATION",
        "CONFIDENCE",
        "FLAGS",
        "JOURNAL",
        "TITLE",
    ];
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|item| {
            let r = &item.record;
            let e = &item.evidence;
            let flags: Vec<&str> = item.flags.iter().map(|f| f.as_str()).collect();
            vec![
                r.pmid.to_string(),
                r.year.map_or_else(|| "-".into(), |y| y.to_string()),
                e.design.as_str().to_owned(),
                e.level.map_or_else(|| "-".into(), |l| l.to_string()),
                e.population.as_str().to_owned(),
                format!(
                    "{} ({})",
                    e.confidence.as_str(),
                    e.basis
                        .iter()
                        .map(|b| b.as_str())
                        .collect::<Vec<_>>()
                        .join("+")
                ),
                if flags.is_empty() {
                    "-".into()
                } else {
                    flags.join(",")
                },
                r.journal_name().unwrap_or("-").to_owned(),
                truncate(&r.title, TITLE_WIDTH),
            ]
        })
        .collect();
    let mut out = aligned(&header, &rows);
    let notices: Vec<String> = records
        .iter()
        .flat_map(|item| {
            item.record
                .comments_corrections
                .iter()
                .filter(|link| NOTICE_LINKS.contains(&link.ref_type.as_str()))
                .map(move |link| {
                    let target = link.pmid.map(|p| format!(" PMID {p}")).unwrap_or_default();
                    let source = link
                        .ref_source
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default();
                    format!("  {}: {}{target}{source}", item.record.pmid, link.ref_type)
                })
        })
        .collect();
    if !notices.is_empty() {
        out.push_str("\nNotices:\n");
        for line in notices {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[derive(Serialize)]
pub struct RecordJson<'a> {
    pmid: Pmid,
    kind: RecordKind,
    title: &'a str,
    vernacular_title: Option<&'a str>,
    journal: Option<&'a str>,
    iso_abbrev: Option<&'a str>,
    year: Option<u16>,
    volume: Option<&'a str>,
    issue: Option<&'a str>,
    pages: Option<&'a str>,
    doi: Option<&'a Doi>,
    pmcid: Option<Pmcid>,
    authors: &'a [Author],
    editors: &'a [Author],
    publication_types: &'a [PublicationType],
    mesh: &'a [MeshHeading],
    keywords: &'a [String],
    substances: &'a [String],
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
            pmid: r.pmid,
            kind: r.kind,
            title: &r.title,
            vernacular_title: r.vernacular_title.as_deref(),
            journal: r.journal.as_deref(),
            iso_abbrev: r.iso_abbrev.as_deref(),
            year: r.year,
            volume: r.volume.as_deref(),
            issue: r.issue.as_deref(),
            pages: r.pages.as_deref(),
            doi: r.doi.as_ref(),
            pmcid: r.pmcid,
            authors: &r.authors,
            editors: &r.editors,
            publication_types: &r.publication_types,
            mesh: &r.mesh,
            keywords: &r.keywords,
            substances: &r.substances,
            languages: &r.languages,
            citation_status: r.citation_status.as_deref(),
            comments_corrections: &r.comments_corrections,
            abstract_sections: &r.abstract_sections,
            evidence: &item.evidence,
            flags: &item.flags,
        }
    }
}

/// A top-level array, one object per record. Every documented key is always present
/// (null or empty when PubMed has no value) so consumers can rely on it.
pub fn render_json(records: &[ClassifiedRecord]) -> String {
    let views: Vec<RecordJson> = records.iter().map(RecordJson::from).collect();
    let mut out = serde_json::to_string_pretty(&views).expect("records always serialize");
    out.push('\n');
    out
}
