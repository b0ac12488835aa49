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
use std::time::{Duration, SystemTime};

use serde::Serialize;
use strum::VariantArray;

use crate::claims::{ClaimKind, ClaimsFile, Product, Review};
use crate::exit::Exit;
use crate::ids::Pmid;
use crate::judge::evidence::{Evidence, Flag};
use crate::judge::{BestEvidence, ClaimJudgement, Verdict, settle};
use crate::policy::{AppliedFinding, Level, Override, WaiverReport};
use crate::pubmed::cache::Origin;
use crate::pubmed::provenance::{Confirmation, NetworkUse, Provenance};
use crate::pubmed::record::Record;
use crate::pubmed::source::Lookup;
use crate::report::lint::{LintFinding, LintedFile};
use crate::resolve::{Candidate, Resolution, ResolutionStatus};
use crate::text::count;

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

impl FindingCounts {
    /// The counts of findings at `levels` (none of them waived: wording found on a page
    /// has no claim a waiver could name).
    pub fn of_levels(levels: impl IntoIterator<Item = Level>) -> Self {
        let mut counts = FindingCounts::default();
        for level in levels {
            match level {
                Level::Deny => counts.deny += 1,
                Level::Warn => counts.warn += 1,
                Level::Allow => counts.allow += 1,
            }
        }
        counts
    }

    /// Every finding counted, waived ones included.
    pub fn total(&self) -> usize {
        self.deny + self.warn + self.allow + self.waived
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub claims: usize,
    /// Claims per verdict; every verdict is listed, zero or not, in severity order.
    pub verdicts: BTreeMap<Verdict, usize>,
    pub findings: FindingCounts,
    /// The wording findings of the page the claims were drafted from, outside the
    /// claims ([`Report::page`]); absent when the run had no page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_findings: Option<FindingCounts>,
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
    /// Every question put to PubMed (or the cache) for this citation, in PubMed's own
    /// search syntax: what was tried before "not found" was said.
    pub queries: Vec<Lookup>,
    /// When PubMed last confirmed the record (the cache entry's `fetched_at`, RFC 3339).
    pub confirmed_at: Option<String>,
    /// How the record reached the cache: `efetch` (from PubMed) or `import` (a file).
    pub record_origin: Option<Origin>,
    /// Whole days between `confirmed_at` and the report's time.
    pub record_age_days: Option<u64>,
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
    /// The line of the page the claim was drafted from (`source_line:`), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<usize>,
    /// `pending` while a drafted claim awaits a person's reading; left out once done.
    #[serde(skip_serializing_if = "Review::is_done")]
    pub review: Review,
    pub keywords: Vec<String>,
    /// The claims file's note on the claim (where on the page it stands, what it
    /// refers to), for the reviewer.
    pub note: Option<String>,
    pub verdict: Verdict,
    /// The verdict in one sentence, naming the evidence found.
    pub explanation: String,
    pub best_evidence: Option<BestEvidence>,
    pub findings: Vec<AppliedFinding>,
    pub citations: Vec<CitationReport>,
}

impl ClaimReport {
    /// "page line 12" for a claim drafted from a page: where to find it there.
    pub fn page_line(&self) -> Option<String> {
        self.source_line.map(|line| format!("page line {line}"))
    }

    /// Findings of the claim and of its citations, claim first.
    pub fn all_findings(&self) -> impl Iterator<Item = &AppliedFinding> {
        self.findings
            .iter()
            .chain(self.citations.iter().flat_map(|c| &c.findings))
    }

    /// The claim's findings gathered by code and standing (level, waived or not), in
    /// order of first appearance: what reads as advice, so each piece of advice is
    /// said once however many phrases or citations raised it.
    pub fn findings_by_code(&self) -> Vec<FindingGroup<'_>> {
        let mut groups: Vec<FindingGroup<'_>> = Vec::new();
        for finding in self.all_findings() {
            let key = (finding.code, finding.level, finding.counts());
            match groups
                .iter_mut()
                .find(|g| (g.code, g.level, g.counts) == key)
            {
                Some(group) => group.findings.push(finding),
                None => groups.push(FindingGroup {
                    code: finding.code,
                    level: finding.level,
                    counts: finding.counts(),
                    findings: vec![finding],
                }),
            }
        }
        groups
    }
}

/// What a [`FindingGroup`] says: its items (phrases with their lines, or messages),
/// and for wording the rule's sentence they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub items: Vec<String>,
    pub sentence: Option<String>,
}

impl Said {
    /// Items and sentence in one line.
    pub fn line(&self) -> String {
        match &self.sentence {
            Some(sentence) => format!("{}: {sentence}", self.items.join(", ")),
            None => self.items.join("; "),
        }
    }
}

/// Findings of one claim that share a code and standing.
#[derive(Debug, Clone)]
pub struct FindingGroup<'a> {
    pub code: crate::findings::Code,
    pub level: Level,
    /// False while a waiver applies.
    pub counts: bool,
    pub findings: Vec<&'a AppliedFinding>,
}

impl FindingGroup<'_> {
    /// What the findings say, each thing once: wording findings as their phrases (with
    /// lines) and the rule's one sentence; others as their distinct messages.
    pub fn said(&self) -> Said {
        let split: Option<Vec<(&str, usize, &str)>> = self
            .findings
            .iter()
            .map(|f| {
                let place = f.wording.as_ref()?;
                let rest = f.message.strip_prefix(&format!("“{}”: ", place.phrase))?;
                Some((place.phrase.as_str(), f.line, rest))
            })
            .collect();
        if let Some(split) = split
            && let Some((_, _, sentence)) = split.first()
            && split.iter().all(|(_, _, rest)| rest == sentence)
        {
            let mut items: Vec<String> = Vec::new();
            for (phrase, line, _) in &split {
                let quoted = format!("“{phrase}” (line {line})");
                if !items.contains(&quoted) {
                    items.push(quoted);
                }
            }
            return Said {
                items,
                sentence: Some((*sentence).to_owned()),
            };
        }
        let mut items: Vec<String> = Vec::new();
        for f in &self.findings {
            let message = format!("line {}: {}", f.line, f.message);
            if !items.contains(&message) {
                items.push(message);
            }
        }
        Said {
            items,
            sentence: None,
        }
    }

    /// The waivers naming these findings, each once.
    pub fn waivers(&self) -> Vec<String> {
        let mut waivers: Vec<String> = Vec::new();
        for w in self.findings.iter().filter_map(|f| f.waiver.as_ref()) {
            let text = w.describe();
            if !waivers.contains(&text) {
                waivers.push(text);
            }
        }
        waivers
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
    /// What the audit rests on: whether PubMed was asked, and how old its records are.
    pub provenance: ProvenanceReport,
    pub summary: Summary,
    pub exit_code: u8,
    pub claims: Vec<ClaimReport>,
    /// The wording of the page the claims were drafted from, outside the drafted claims
    /// (`claimaudit check PAGE`); `None` for a claims file. Set it with
    /// [`Report::with_page`], which also counts its findings into the summary and the
    /// exit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PageSection>,
    pub waivers: Vec<WaiverReport>,
    /// Every change of a finding's level, from the claims file, a policy file or the
    /// command line, with whether it was applied.
    pub overrides: Vec<Override>,
}

/// The page a run drafted its claims from: its path, how it was read, the product class
/// its wording was judged for, and the wording lint's findings outside the drafted claims
/// (those inside are the claims' own wording findings). The same shape as one file of
/// `claimaudit lint`, so every format shows it as `lint` shows a file.
pub type PageSection = LintedFile;

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
    pub provenance: Provenance,
    pub record_max_age: Duration,
}

/// The oldest record an audit used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OldestRecord {
    pub pmid: Pmid,
    pub confirmed_at: String,
    pub age_days: u64,
}

/// What a report rests on, for its header.
#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceReport {
    /// `online`, `offline` or `mixed`: see [`NetworkUse`].
    pub network: NetworkUse,
    /// Records the citations resolved to.
    pub records: usize,
    pub oldest_record: Option<OldestRecord>,
    /// The age after which a cached record is fetched again when online.
    pub record_max_age_days: u64,
    /// Records last confirmed longer ago than `record_max_age_days`, oldest first.
    /// Offline they were used anyway: retractions and corrections since are not seen.
    pub older_than_max_age: Vec<Pmid>,
}

impl ProvenanceReport {
    /// The header line every format prints: how the run reached PubMed and how old
    /// its records are.
    pub fn summary(&self) -> String {
        let records = match &self.oldest_record {
            Some(oldest) => format!(
                "{} used; the oldest (PMID {}) was last confirmed by PubMed {} ({} before this report)",
                count(self.records, "record", "records"),
                oldest.pmid,
                oldest.confirmed_at,
                count(oldest.age_days as usize, "day", "days")
            ),
            None => "No PubMed record was used".to_owned(),
        };
        format!(
            "{} ({}). {records}.",
            self.network.as_str(),
            self.network.meaning()
        )
    }

    /// The warning an offline report on old records must carry, if it must.
    pub fn stale_warning(&self) -> Option<String> {
        if self.older_than_max_age.is_empty() || self.network == NetworkUse::Online {
            return None;
        }
        Some(format!(
            "PubMed last confirmed {} of the {} used more than {} ago (PMID {}). Retractions, \
             corrections and expressions of concern published since then are not in this report; \
             run online (NCBI_EMAIL set) to refresh them before filing it.",
            self.older_than_max_age.len(),
            count(self.records, "record", "records"),
            count(self.record_max_age_days as usize, "day", "days"),
            self.older_than_max_age
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// Whole days from `from` to `to`, 0 when `from` is later.
fn days_between(from: SystemTime, to: SystemTime) -> u64 {
    to.duration_since(from).map_or(0, |d| d.as_secs() / 86_400)
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
            provenance,
            record_max_age,
        } = outcome;
        // Ages are counted to the report's own time, so a pinned (reproducible) report
        // stays byte-identical.
        let report_time =
            humantime::parse_rfc3339(&generated_at).unwrap_or_else(|_| SystemTime::now());
        let confirmation =
            |pmid: Option<Pmid>| pmid.and_then(|p| provenance.confirmed.get(&p).map(|c| (p, *c)));
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
                        let confirmed = record
                            .as_ref()
                            .and_then(|r| confirmation(Some(r.pmid)))
                            .map(|(_, c)| c);
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
                            queries: resolution.lookups.clone(),
                            confirmed_at: confirmed
                                .map(|c| humantime::format_rfc3339_seconds(c.at).to_string()),
                            record_origin: confirmed.map(|c| c.origin),
                            record_age_days: confirmed.map(|c| days_between(c.at, report_time)),
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
                    source_line: claim.source_line,
                    review: claim.review,
                    keywords: claim.keywords.clone(),
                    note: claim.note.clone(),
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
        let exit = exit_for(&claims, None);
        let provenance = provenance_report(&claims, &provenance, record_max_age, report_time);
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
            provenance,
            summary,
            exit_code: exit as u8,
            claims,
            page: None,
            waivers,
            overrides,
        }
    }

    pub fn exit(&self) -> Exit {
        exit_for(&self.claims, self.page.as_ref())
    }

    /// The report with the wording findings of the page its claims were drafted from:
    /// they are counted in the summary, and a deny-level one (a missing disclosure
    /// included) makes the exit 2, as a claim's would.
    pub fn with_page(mut self, page: PageSection) -> Report {
        self.summary.page_findings = Some(FindingCounts::of_levels(
            page.findings.iter().map(|f| f.level),
        ));
        self.page = Some(page);
        self.exit_code = self.exit().code();
        self
    }

    /// The page's findings, none when the run had no page.
    pub fn page_findings(&self) -> &[LintFinding] {
        self.page.as_ref().map_or(&[], |page| &page.findings)
    }
}

/// The records the claims' citations resolved to, each once, with their ages.
fn provenance_report(
    claims: &[ClaimReport],
    provenance: &Provenance,
    record_max_age: Duration,
    report_time: SystemTime,
) -> ProvenanceReport {
    let used: std::collections::BTreeSet<Pmid> = claims
        .iter()
        .flat_map(|c| &c.citations)
        .filter_map(|c| c.record.as_ref().map(|r| r.pmid))
        .collect();
    let records = used.len();
    let mut by_age: Vec<(Pmid, Confirmation)> = used
        .into_iter()
        .filter_map(|pmid| provenance.confirmed.get(&pmid).map(|c| (pmid, *c)))
        .collect();
    by_age.sort_by_key(|(pmid, c)| (c.at, *pmid));
    ProvenanceReport {
        network: provenance.network,
        records,
        oldest_record: by_age.first().map(|(pmid, c)| OldestRecord {
            pmid: *pmid,
            confirmed_at: humantime::format_rfc3339_seconds(c.at).to_string(),
            age_days: days_between(c.at, report_time),
        }),
        record_max_age_days: record_max_age.as_secs() / 86_400,
        older_than_max_age: by_age
            .iter()
            .filter(|(_, c)| {
                report_time
                    .duration_since(c.at)
                    .is_ok_and(|age| age > record_max_age)
            })
            .map(|(pmid, _)| *pmid)
            .collect(),
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
        page_findings: None,
    }
}

/// 2 when anything is denied (and not waived), on a claim or on the page; otherwise 4
/// when a claim could not be checked; else 0.
fn exit_for(claims: &[ClaimReport], page: Option<&PageSection>) -> Exit {
    let claim_denied = claims
        .iter()
        .flat_map(|c| c.all_findings())
        .any(|f| f.effective_level() == Level::Deny);
    let page_denied = page.is_some_and(|p| p.findings.iter().any(|f| f.level == Level::Deny));
    if claim_denied || page_denied {
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
