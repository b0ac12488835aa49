//! The audit report (`claimaudit/report/v1`): what `check` found, as one value every
//! output format renders. Each format is one module implementing [`Formatter`].

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::claims::{ClaimsFile, Product, Waiver};
use crate::exit::Exit;
use crate::policy::Code;
use crate::policy::Level;
use crate::resolve::Resolution;
use crate::verdict::{ClaimReport, FindingWaiver, Verdict, WaiverStatus, judge};

pub const REPORT_SCHEMA: &str = "claimaudit/report/v1";

/// The JSON Schema of [`REPORT_SCHEMA`], shipped with the tool.
pub const REPORT_JSON_SCHEMA: &str = include_str!("report-v1.schema.json");

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub claims: usize,
    /// Claims per verdict; every verdict is listed, zero or not.
    pub verdicts: BTreeMap<&'static str, usize>,
    /// Findings per level; every level is listed.
    pub findings: BTreeMap<&'static str, usize>,
}

/// A waiver of the claims file and what became of it in this run.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverReport {
    pub claim: String,
    pub code: Code,
    pub reason: String,
    pub approved_by: String,
    pub expires: String,
    pub line: usize,
    pub status: WaiverStatus,
    /// Findings it names in this run.
    pub matched: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    /// When the report was made (RFC 3339, UTC).
    pub generated_at: String,
    pub claims_file: String,
    pub product: Product,
    /// Whether NCBI was out of bounds for this run (`--offline`, or no contact address).
    pub offline: bool,
    pub summary: Summary,
    pub exit_code: u8,
    pub claims: Vec<ClaimReport>,
    pub waivers: Vec<WaiverReport>,
}

impl Report {
    /// Judges every claim of `file`; `resolutions` holds one entry per distinct
    /// citation text and keyword set, looked up by `resolution_of`.
    pub fn build<'r>(
        file: &ClaimsFile,
        resolution_of: impl Fn(&str, &[String]) -> &'r Resolution,
        policy: &crate::policy::Policy,
        offline: bool,
        generated_at: String,
    ) -> Report {
        let mut claims: Vec<ClaimReport> = file
            .claims
            .iter()
            .map(|claim| {
                let resolutions: Vec<&Resolution> = claim
                    .citations
                    .iter()
                    .map(|c| resolution_of(&c.text, &claim.keywords))
                    .collect();
                judge(claim, &file.product, &resolutions, policy)
            })
            .collect();
        // A waiver runs through the expiry date it gives (UTC, the report's date).
        let today = generated_at.get(..10).unwrap_or("").to_owned();
        let waivers = apply_waivers(&mut claims, &file.waivers, &today);
        let mut verdicts: BTreeMap<&'static str, usize> =
            Verdict::ALL.iter().map(|v| (v.as_str(), 0)).collect();
        let mut findings: BTreeMap<&'static str, usize> = ["deny", "warn", "allow", "waived"]
            .iter()
            .map(|l| (*l, 0))
            .collect();
        for claim in &claims {
            *verdicts.entry(claim.verdict.as_str()).or_default() += 1;
            for finding in claim.all_findings() {
                let bucket = if finding.counts() {
                    finding.level.as_str()
                } else {
                    "waived"
                };
                *findings.entry(bucket).or_default() += 1;
            }
        }
        let exit = exit_for(&claims);
        Report {
            schema: REPORT_SCHEMA,
            tool: Tool {
                name: "claimaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            generated_at,
            claims_file: display_path(&file.path),
            product: file.product.clone(),
            offline,
            summary: Summary {
                claims: claims.len(),
                verdicts,
                findings,
            },
            exit_code: exit as u8,
            claims,
            waivers,
        }
    }

    pub fn exit(&self) -> Exit {
        exit_for(&self.claims)
    }
}

/// Marks the findings each waiver names and says what became of every waiver.
fn apply_waivers(claims: &mut [ClaimReport], waivers: &[Waiver], today: &str) -> Vec<WaiverReport> {
    waivers
        .iter()
        .map(|waiver| {
            let status = if waiver.expires.as_str() >= today {
                WaiverStatus::Applied
            } else {
                WaiverStatus::Expired
            };
            let mut matched = 0;
            for claim in claims.iter_mut().filter(|c| c.id == waiver.claim) {
                for finding in claim.all_findings_mut().filter(|f| f.code == waiver.code) {
                    matched += 1;
                    finding.waiver = Some(FindingWaiver {
                        status,
                        reason: waiver.reason.clone(),
                        approved_by: waiver.approved_by.clone(),
                        expires: waiver.expires.clone(),
                    });
                }
            }
            WaiverReport {
                claim: waiver.claim.clone(),
                code: waiver.code,
                reason: waiver.reason.clone(),
                approved_by: waiver.approved_by.clone(),
                expires: waiver.expires.clone(),
                line: waiver.line,
                status: if matched == 0 {
                    WaiverStatus::Unmatched
                } else {
                    status
                },
                matched,
            }
        })
        .collect()
}

/// 2 when anything is denied (and not waived); otherwise 4 when a claim could not be
/// checked; else 0.
fn exit_for(claims: &[ClaimReport]) -> Exit {
    if claims
        .iter()
        .flat_map(|c| c.all_findings())
        .any(|f| f.effective_level() == Level::Deny)
    {
        Exit::Denied
    } else if claims.iter().any(|c| c.verdict == Verdict::NotChecked) {
        Exit::NotChecked
    } else {
        Exit::Clean
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

/// One output format of the report.
pub trait Formatter {
    fn render(&self, report: &Report) -> String;
}

/// Report formats, chosen with `--format` or by an `--output` file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for a terminal.
    Table,
    /// `claimaudit/report/v1` JSON.
    Json,
    /// SARIF 2.1.0, for code-scanning annotations on the claims file.
    Sarif,
    /// JUnit XML: one test case per claim.
    Junit,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One self-contained HTML page, to read or file.
    Html,
    /// CSV: one row per claim and citation.
    Csv,
}

impl ReportFormat {
    pub fn formatter(self) -> Box<dyn Formatter> {
        match self {
            ReportFormat::Table => Box::new(table::TableFormatter),
            ReportFormat::Json => Box::new(json::JsonFormatter),
            ReportFormat::Sarif => Box::new(sarif::SarifFormatter),
            ReportFormat::Junit => Box::new(junit::JunitFormatter),
            ReportFormat::Markdown => Box::new(markdown::MarkdownFormatter),
            ReportFormat::Html => Box::new(html::HtmlFormatter),
            ReportFormat::Csv => Box::new(csv::CsvFormatter),
        }
    }

    /// The format an output file's name asks for (`report.sarif`, `junit.xml`,
    /// `report.md`...); `None` when the name says nothing known.
    pub fn for_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".sarif") || name.ends_with(".sarif.json") {
            return Some(ReportFormat::Sarif);
        }
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(ReportFormat::Json),
            "txt" | "text" => Some(ReportFormat::Table),
            "xml" => Some(ReportFormat::Junit),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "html" | "htm" => Some(ReportFormat::Html),
            "csv" => Some(ReportFormat::Csv),
            _ => None,
        }
    }
}

/// Snapshots of every format on one fixed, hand-made report.
#[cfg(test)]
mod snapshots {
    use super::*;
    use crate::claims::parse;
    use crate::record::{Author, CommentCorrection, Record};
    use crate::resolve::{Candidate, Status, tests_support::empty};

    fn record(pmid: &str, title: &str, types: &[&str], mesh: &[&str]) -> Record {
        Record {
            title: title.into(),
            journal: Some("Journal of Hand-Made Tests".into()),
            iso_abbrev: Some("J Hand Tests".into()),
            year: Some(2021),
            authors: vec![Author {
                last_name: Some("An".into()),
                initials: Some("Y".into()),
                ..Author::default()
            }],
            ..crate::record::test_record(pmid, types, mesh)
        }
    }

    fn resolved(input: &str, record: Record) -> Resolution {
        let mut r = empty(input);
        r.status = Status::Resolved;
        r.pmid = Some(record.pmid.clone());
        r.score = Some(1.0);
        r.record = Some(record);
        r
    }

    /// The fixed report: hand-made claims and records, one of each verdict, waivers
    /// applied, expired and unmatched.
    fn fixed_report() -> Report {
        let yaml = r#"product:
  name: 歯髄幹細胞培養上清液
  terms: [dental pulp]
claims:
  - id: skin-firmness
    text: "肌のハリ・ツヤの向上, \"firm\" | <b>"
    kind: efficacy
    keywords: [skin]
    citations: ["An, Y., et al., 2021"]
  - id: wrinkles
    text: シワ・たるみの改善
    kind: efficacy
    keywords: [wrinkle]
    citations: ["PMID: 2"]
  - id: mechanism
    text: コラーゲン生成を促進
    kind: mechanism
    citations: ["Li, Y., et al., 2022"]
  - id: no-tumor-risk
    text: 腫瘍形成リスクがない
    kind: safety
  - id: retracted
    text: 細胞増殖を抑える
    kind: mechanism
    citations: ["PMID: 3"]
  - id: sleep
    text: 睡眠の質向上
    kind: efficacy
    citations: ["Wang, Y., et al., 2023. Stem Cells"]
waivers:
  - {claim: no-tumor-risk, code: uncited-claim, reason: under legal review, approved_by: K. Sato, expires: 2026-12-31}
  - {claim: wrinkles, code: no-human-evidence, reason: old, approved_by: K. Sato, expires: 2025-01-31}
  - {claim: nothing, code: uncited-claim, reason: typo, approved_by: K. Sato, expires: 2026-12-31}
"#;
        let file = parse(Path::new("claims.yaml"), yaml).unwrap();
        let mut dental = record(
            "1",
            "Dental pulp stem cell secretome and skin: a randomized trial",
            &["Randomized Controlled Trial"],
            &["Humans", "Skin"],
        );
        dental.doi = Some("10.1000/hand.made".into());
        let mouse = record(
            "2",
            "Wrinkles in mice",
            &["Journal Article"],
            &["Animals", "Mice"],
        );
        let mut gone = record(
            "3",
            "A retracted cell study",
            &["Journal Article", "Retracted Publication"],
            &["Humans", "Cells, Cultured"],
        );
        gone.comments_corrections.push(CommentCorrection {
            ref_type: "RetractionIn".into(),
            ref_source: None,
            pmid: Some("4".into()),
        });
        let mut ambiguous = empty("Li, Y., et al., 2022");
        ambiguous.status = Status::Ambiguous;
        ambiguous.candidates = ["5", "6"]
            .iter()
            .map(|p| Candidate {
                pmid: (*p).into(),
                title: format!("Candidate {p}"),
                year: Some(2022),
                journal: Some("J Hand Tests".into()),
                score: 0.6,
                matched: vec!["author", "year"],
            })
            .collect();
        let mut unchecked = empty("Wang, Y., et al., 2023. Stem Cells");
        unchecked.status = Status::NotChecked;
        unchecked.reason = Some("not in the cache, and this run does not ask NCBI".into());
        let resolutions = [
            resolved("An, Y., et al., 2021", dental),
            resolved("PMID: 2", mouse),
            ambiguous,
            resolved("PMID: 3", gone),
            unchecked,
        ];
        Report::build(
            &file,
            |text, _| {
                resolutions
                    .iter()
                    .find(|r| r.input == text)
                    .expect("hand-made resolution")
            },
            &file.policy,
            true,
            "2026-06-01T00:00:00Z".into(),
        )
    }

    #[test]
    fn every_format_renders_the_fixed_report() {
        let report = fixed_report();
        assert_eq!(report.exit(), Exit::Denied);
        for (format, name) in [
            (ReportFormat::Table, "table"),
            (ReportFormat::Json, "json"),
            (ReportFormat::Sarif, "sarif"),
            (ReportFormat::Junit, "junit"),
            (ReportFormat::Markdown, "markdown"),
            (ReportFormat::Html, "html"),
            (ReportFormat::Csv, "csv"),
        ] {
            insta::assert_snapshot!(name, format.formatter().render(&report));
        }
    }
}
