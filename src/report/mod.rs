//! Reports: what the audit found, as one value every output format renders.
//!
//! [`Report`] (`claimaudit/report/v2`) is the audit's result; each format is one module
//! implementing [`Formatter`], chosen through [`ReportFormat`]. The outputs of `show`
//! ([`records`]) and `resolve` ([`resolution`]) live here too, so that every way the
//! tool writes for people or programs is in one place; [`text_table`] and [`escape`]
//! are shared by them.

pub mod csv;
pub mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub mod lint;
pub mod markdown;
pub mod records;
pub mod resolution;
pub mod sarif;
pub mod table;
pub mod text_table;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use strum::VariantArray;

use crate::claims::{ClaimKind, ClaimsFile, Product};
use crate::exit::Exit;
use crate::ids::Pmid;
use crate::judge::evidence::{Evidence, Flag};
use crate::judge::{BestEvidence, ClaimJudgement, Verdict, settle};
use crate::policy::{AppliedFinding, Level, Override, WaiverReport};
use crate::pubmed::record::Record;
use crate::resolve::{Candidate, Resolution, ResolutionStatus};

pub const REPORT_SCHEMA: &str = "claimaudit/report/v2";

/// The JSON Schema of [`REPORT_SCHEMA`], shipped with the tool.
pub const REPORT_JSON_SCHEMA: &str = include_str!("report-v2.schema.json");

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// Findings per level; waived findings are counted apart, whatever their level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub deny: usize,
    pub warn: usize,
    pub allow: usize,
    pub waived: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub claims: usize,
    /// Claims per verdict; every verdict is listed, zero or not, in severity order.
    pub verdicts: BTreeMap<Verdict, usize>,
    pub findings: FindingCounts,
}

/// One citation of one claim, as judged.
#[derive(Debug, Clone, Serialize)]
pub struct CitationReport {
    pub input: String,
    pub line: usize,
    pub column: usize,
    pub status: ResolutionStatus,
    pub pmid: Option<Pmid>,
    pub title: Option<String>,
    pub year: Option<u16>,
    pub journal: Option<String>,
    pub score: Option<f64>,
    pub evidence: Option<Evidence>,
    pub flags: Vec<Flag>,
    pub candidates: Vec<Candidate>,
    pub reason: Option<String>,
    /// Whether this citation supports the claim: it identifies the paper, the paper
    /// stands, it is about the product and the claim, and it is the evidence needed.
    pub supports: bool,
    pub findings: Vec<AppliedFinding>,
    /// The whole record, for formats that need more than the summary above.
    #[serde(skip)]
    pub record: Option<Arc<Record>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimReport {
    pub id: String,
    pub text: String,
    pub kind: ClaimKind,
    /// The kind the claim was judged as: efficacy when its wording promises an effect in
    /// people, whatever `kind` says.
    pub judged_as: ClaimKind,
    pub line: usize,
    pub column: usize,
    pub keywords: Vec<String>,
    pub verdict: Verdict,
    /// The verdict in one sentence, naming the evidence found.
    pub explanation: String,
    pub best_evidence: Option<BestEvidence>,
    pub findings: Vec<AppliedFinding>,
    pub citations: Vec<CitationReport>,
}

impl ClaimReport {
    /// Findings of the claim and of its citations, claim first.
    pub fn all_findings(&self) -> impl Iterator<Item = &AppliedFinding> {
        self.findings
            .iter()
            .chain(self.citations.iter().flat_map(|c| &c.findings))
    }
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
    /// Every change of a finding's level, from the claims file, a policy file or the
    /// command line, with whether it was applied.
    pub overrides: Vec<Override>,
}

/// What the stages before the report produced, for [`Report::assemble`].
pub struct Outcome<'a> {
    pub file: &'a ClaimsFile,
    /// Per claim, the resolution of each citation.
    pub resolutions: Vec<Vec<&'a Resolution>>,
    pub judgements: Vec<ClaimJudgement>,
    pub findings: Vec<AppliedFinding>,
    pub waivers: Vec<WaiverReport>,
    pub overrides: Vec<Override>,
    pub offline: bool,
    pub generated_at: String,
}

impl Report {
    /// Puts the audit's results together: each finding under its claim or citation,
    /// the counts, and the exit code.
    pub fn assemble(outcome: Outcome<'_>) -> Report {
        let Outcome {
            file,
            resolutions,
            judgements,
            findings,
            waivers,
            overrides,
            offline,
            generated_at,
        } = outcome;
        let mut claims: Vec<ClaimReport> = file
            .claims
            .iter()
            .zip(judgements)
            .zip(resolutions)
            .map(|((claim, judgement), resolutions)| {
                let citations = claim
                    .citations
                    .iter()
                    .zip(resolutions)
                    .zip(judgement.citations)
                    .map(|((cited, resolution), judged)| {
                        let record = resolution.record.clone();
                        CitationReport {
                            input: resolution.input.clone(),
                            line: cited.line,
                            column: cited.column,
                            status: resolution.status,
                            pmid: resolution.pmid,
                            title: record.as_ref().map(|r| r.title.clone()),
                            year: record.as_ref().and_then(|r| r.year),
                            journal: record
                                .as_ref()
                                .and_then(|r| r.journal_name().map(str::to_owned)),
                            score: resolution.score,
                            evidence: judged.evidence,
                            flags: judged.flags,
                            candidates: if resolution.status == ResolutionStatus::Resolved {
                                Vec::new()
                            } else {
                                resolution.candidates.clone()
                            },
                            reason: resolution.reason(),
                            supports: judged.supports,
                            findings: Vec::new(),
                            record,
                        }
                    })
                    .collect();
                ClaimReport {
                    id: claim.id.clone(),
                    text: claim.text.clone(),
                    kind: claim.kind,
                    judged_as: judgement.judged_as,
                    line: claim.line,
                    column: claim.column,
                    keywords: claim.keywords.clone(),
                    verdict: judgement.verdict,
                    explanation: judgement.explanation,
                    best_evidence: judgement.best_evidence,
                    findings: Vec::new(),
                    citations,
                }
            })
            .collect();
        for finding in findings {
            let Some(claim) = claims.get_mut(finding.claim) else {
                continue;
            };
            match finding.citation.and_then(|n| claim.citations.get_mut(n)) {
                Some(citation) => citation.findings.push(finding),
                None => claim.findings.push(finding),
            }
        }
        // With levels known: a claim with a deny-level finding is never supported.
        for claim in &mut claims {
            let findings: Vec<&AppliedFinding> = claim.all_findings().collect();
            let (verdict, explanation) =
                settle(claim.verdict, claim.explanation.clone(), &findings);
            claim.verdict = verdict;
            claim.explanation = explanation;
        }
        let summary = summarise(&claims);
        let exit = exit_for(&claims);
        Report {
            schema: REPORT_SCHEMA,
            tool: Tool {
                name: "claimaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            generated_at,
            claims_file: file.path.display().to_string(),
            product: file.product.clone(),
            offline,
            summary,
            exit_code: exit as u8,
            claims,
            waivers,
            overrides,
        }
    }

    pub fn exit(&self) -> Exit {
        exit_for(&self.claims)
    }
}

fn summarise(claims: &[ClaimReport]) -> Summary {
    let mut verdicts: BTreeMap<Verdict, usize> = Verdict::ALL.iter().map(|v| (*v, 0)).collect();
    let mut findings = FindingCounts::default();
    for claim in claims {
        *verdicts.entry(claim.verdict).or_default() += 1;
        for finding in claim.all_findings() {
            let bucket = match (finding.counts(), finding.level) {
                (false, _) => &mut findings.waived,
                (true, Level::Deny) => &mut findings.deny,
                (true, Level::Warn) => &mut findings.warn,
                (true, Level::Allow) => &mut findings.allow,
            };
            *bucket += 1;
        }
    }
    Summary {
        claims: claims.len(),
        verdicts,
        findings,
    }
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

/// One output format of the report.
pub trait Formatter {
    fn render(&self, report: &Report) -> String;
}

named_enum! {
    /// Report formats, chosen with `--format` or by an `--output` file's name.
    pub enum ReportFormat {
        Table,
        Json,
        Sarif,
        Junit,
        Markdown,
        Html,
        Csv,
    }
}

impl ReportFormat {
    /// What the format is for, for `--help`.
    pub fn description(self) -> &'static str {
        match self {
            ReportFormat::Table => "aligned columns for a terminal",
            ReportFormat::Json => "claimaudit/report/v2 JSON",
            ReportFormat::Sarif => "SARIF 2.1.0, for code-scanning annotations on the claims file",
            ReportFormat::Junit => "JUnit XML: one test case per claim",
            ReportFormat::Markdown => "Markdown, for a pull-request comment",
            ReportFormat::Html => "one self-contained HTML page, to read or file",
            ReportFormat::Csv => "CSV: one row per claim and citation",
        }
    }

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

    /// The file-name endings that ask for this format, the first one preferred.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ReportFormat::Table => &[".txt", ".text"],
            ReportFormat::Json => &[".json"],
            ReportFormat::Sarif => &[".sarif", ".sarif.json"],
            ReportFormat::Junit => &[".xml"],
            ReportFormat::Markdown => &[".md", ".markdown"],
            ReportFormat::Html => &[".html", ".htm"],
            ReportFormat::Csv => &[".csv"],
        }
    }

    /// The format an output file's name asks for (`report.sarif`, `junit.xml`,
    /// `report.md`...); `None` when the name says nothing known. The longest matching
    /// ending wins, so `x.sarif.json` is SARIF.
    pub fn for_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        Self::VARIANTS
            .iter()
            .flat_map(|format| format.extensions().iter().map(move |ext| (*format, *ext)))
            .filter(|(_, ext)| name.ends_with(ext) && name.len() > ext.len())
            .max_by_key(|(_, ext)| ext.len())
            .map(|(format, _)| format)
    }

    /// "`.json`, `.sarif`, `.xml` (JUnit)...": the endings `--output` understands.
    pub fn known_extensions() -> String {
        Self::VARIANTS
            .iter()
            .map(|format| format.extensions()[0])
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod snapshots;
