//! Verdicts: does each claim have the source it needs? A claim's kind decides what it
//! needs (efficacy and safety: a human clinical study, evidence level 1-3; the other
//! kinds: any resolved source); each citation's resolution and evidence decide what it
//! has. Findings carry codes and levels from the policy.

use serde::Serialize;

use crate::claims::{Claim, ClaimKind, Product};
use crate::evidence::{self, Evidence, Flag};
use crate::policy::{Code, Level, Policy};
use crate::record::Record;
use crate::resolve::{Candidate, Resolution, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Supported,
    Weak,
    Unresolved,
    Uncited,
    Retracted,
    NotChecked,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Supported,
        Verdict::Weak,
        Verdict::Unresolved,
        Verdict::Uncited,
        Verdict::Retracted,
        Verdict::NotChecked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Weak => "weak",
            Verdict::Unresolved => "unresolved",
            Verdict::Uncited => "uncited",
            Verdict::Retracted => "retracted",
            Verdict::NotChecked => "not-checked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub level: Level,
    pub message: String,
    /// A waiver from the claims file that names this finding; `None` when none does.
    pub waiver: Option<FindingWaiver>,
}

impl Finding {
    /// Whether the finding counts: waived findings stay visible but do not fail a check.
    pub fn counts(&self) -> bool {
        self.waiver
            .as_ref()
            .is_none_or(|w| w.status != WaiverStatus::Applied)
    }

    /// The level that decides the exit code: `allow` while a waiver applies.
    pub fn effective_level(&self) -> Level {
        if self.counts() {
            self.level
        } else {
            Level::Allow
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverStatus {
    /// In force: the finding is accepted until the expiry date.
    Applied,
    /// Past its expiry date: the finding counts again.
    Expired,
    /// Names no finding of this run.
    Unmatched,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingWaiver {
    pub status: WaiverStatus,
    pub reason: String,
    pub approved_by: String,
    pub expires: String,
}

/// One citation of one claim, as judged.
#[derive(Debug, Clone, Serialize)]
pub struct CitationReport {
    pub input: String,
    pub line: usize,
    pub column: usize,
    pub status: Status,
    pub pmid: Option<String>,
    pub title: Option<String>,
    pub year: Option<u16>,
    pub journal: Option<String>,
    pub score: Option<f64>,
    pub evidence: Option<Evidence>,
    pub flags: Vec<Flag>,
    pub candidates: Vec<Candidate>,
    pub reason: Option<String>,
    pub findings: Vec<Finding>,
}

/// The strongest source a claim has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestEvidence {
    pub pmid: String,
    pub design: evidence::Design,
    pub level: Option<u8>,
    pub population: evidence::Population,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimReport {
    pub id: String,
    pub text: String,
    pub kind: ClaimKind,
    pub line: usize,
    pub column: usize,
    pub keywords: Vec<String>,
    pub verdict: Verdict,
    /// The verdict in one sentence, naming the evidence found.
    pub explanation: String,
    pub best_evidence: Option<BestEvidence>,
    pub findings: Vec<Finding>,
    pub citations: Vec<CitationReport>,
}

impl ClaimReport {
    /// Findings of the claim and of its citations, claim first.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .chain(self.citations.iter().flat_map(|c| &c.findings))
    }

    pub fn all_findings_mut(&mut self) -> impl Iterator<Item = &mut Finding> {
        self.findings
            .iter_mut()
            .chain(self.citations.iter_mut().flat_map(|c| &mut c.findings))
    }
}

/// Judges one claim given the resolutions of its citations (same order).
pub fn judge(
    claim: &Claim,
    product: &Product,
    resolutions: &[&Resolution],
    policy: &Policy,
) -> ClaimReport {
    let finding = |code: Code, message: String| Finding {
        code,
        level: policy.level(code),
        message,
        waiver: None,
    };
    let citations: Vec<CitationReport> = claim
        .citations
        .iter()
        .zip(resolutions)
        .map(|(cited, resolution)| judge_citation(claim, product, cited, resolution, &finding))
        .collect();

    let resolved: Vec<(&CitationReport, &Evidence)> = citations
        .iter()
        .filter(|c| c.status == Status::Resolved)
        .filter_map(|c| c.evidence.as_ref().map(|e| (c, e)))
        .collect();
    let usable: Vec<&(&CitationReport, &Evidence)> = resolved
        .iter()
        .filter(|(c, _)| !c.flags.contains(&Flag::Retracted))
        .collect();
    // Anything that is evidence at all backs a mechanism or a statistic; efficacy and
    // safety need level 1-3 (which only human studies reach).
    let strong_enough = |e: &Evidence| match e.level {
        None => false,
        Some(level) => !claim.kind.needs_human_evidence() || level <= 3,
    };
    let retracted: Vec<&str> = resolved
        .iter()
        .filter(|(c, _)| c.flags.contains(&Flag::Retracted))
        .filter_map(|(c, _)| c.pmid.as_deref())
        .collect();
    let unchecked = citations.iter().any(|c| c.status == Status::NotChecked);
    let best = usable
        .iter()
        .min_by_key(|(_, e)| e.level.unwrap_or(u8::MAX))
        .map(|(c, e)| BestEvidence {
            pmid: c.pmid.clone().unwrap_or_default(),
            design: e.design,
            level: e.level,
            population: e.population,
        });
    let found = describe_sources(&usable);

    let mut findings = Vec::new();
    let (verdict, explanation) = if claim.citations.is_empty() {
        findings.push(finding(
            Code::UncitedClaim,
            format!(
                "the {} claim cites no source; add a citation or change the wording",
                claim.kind.as_str()
            ),
        ));
        (Verdict::Uncited, "no source is cited".to_owned())
    } else if !retracted.is_empty() {
        (
            Verdict::Retracted,
            format!("cites retracted PMID {}", retracted.join(", ")),
        )
    } else if usable.iter().any(|(_, e)| strong_enough(e)) {
        let what = if claim.kind.needs_human_evidence() {
            "human clinical evidence"
        } else {
            "a resolved source"
        };
        (Verdict::Supported, format!("{what}: {found}"))
    } else if unchecked {
        (
            Verdict::NotChecked,
            "some citations could not be checked; run again online or fill the cache".to_owned(),
        )
    } else if !usable.is_empty() {
        // (For other kinds, the only way here is sources that are no evidence at all,
        // which their citations' `not-evidence` findings already say.)
        if claim.kind.needs_human_evidence() {
            findings.push(finding(
                Code::NoHumanEvidence,
                format!(
                    "{} claim needs a human clinical study (level 1-3); the sources are only: {found}",
                    if claim.kind == ClaimKind::Efficacy { "an efficacy" } else { "a safety" }
                ),
            ));
        }
        (Verdict::Weak, format!("only {found}"))
    } else {
        (
            Verdict::Unresolved,
            "no citation resolves to a PubMed record".to_owned(),
        )
    };
    ClaimReport {
        id: claim.id.clone(),
        text: claim.text.clone(),
        kind: claim.kind,
        line: claim.line,
        column: claim.column,
        keywords: claim.keywords.clone(),
        verdict,
        explanation,
        best_evidence: best,
        findings,
        citations,
    }
}

fn judge_citation(
    claim: &Claim,
    product: &Product,
    cited: &crate::claims::CitedSource,
    resolution: &Resolution,
    finding: &impl Fn(Code, String) -> Finding,
) -> CitationReport {
    let record = resolution.record.as_ref();
    let evidence = record.map(evidence::classify);
    let flags = record.map(evidence::flags).unwrap_or_default();
    let mut findings = Vec::new();
    match resolution.status {
        Status::NotFound => findings.push(finding(
            Code::CitationNotFound,
            format!(
                "\"{}\" matches no PubMed record ({} queries tried); check the citation",
                resolution.input,
                resolution.queries.len()
            ),
        )),
        Status::Ambiguous => findings.push(finding(
            Code::CitationAmbiguous,
            format!(
                "\"{}\" matches several records ({}); cite the PMID or DOI",
                resolution.input,
                resolution
                    .candidates
                    .iter()
                    .map(|c| format!("PMID {}", c.pmid))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        Status::NotChecked => findings.push(finding(
            Code::LookupFailed,
            format!(
                "\"{}\" could not be checked: {}",
                resolution.input,
                resolution.reason.as_deref().unwrap_or("unknown reason")
            ),
        )),
        Status::Resolved => {}
    }
    if let (Some(record), Some(evidence)) = (record, &evidence) {
        let pmid = &record.pmid;
        if flags.contains(&Flag::Retracted) {
            findings.push(finding(
                Code::RetractedSource,
                format!("PMID {pmid} has been retracted; it supports nothing"),
            ));
        }
        if flags.contains(&Flag::ExpressionOfConcern) {
            findings.push(finding(
                Code::ExpressionOfConcern,
                format!("PMID {pmid} carries an expression of concern"),
            ));
        }
        if flags.contains(&Flag::Erratum) && evidence.design != evidence::Design::Erratum {
            findings.push(finding(
                Code::Erratum,
                format!("PMID {pmid} has a published correction; check it still says what the claim needs"),
            ));
        }
        if flags.contains(&Flag::Preprint) {
            findings.push(finding(
                Code::Preprint,
                format!("PMID {pmid} is a preprint, not peer reviewed"),
            ));
        }
        if evidence.level.is_none() && !flags.contains(&Flag::Preprint) {
            findings.push(finding(
                Code::NotEvidence,
                format!(
                    "PMID {pmid} is a {}, not evidence",
                    evidence.design.as_str()
                ),
            ));
        }
        let text = searchable(record);
        let named = |term: &str| text.contains(&term.to_lowercase());
        if !product.terms.is_empty() && !product.terms.iter().any(|t| named(t)) {
            findings.push(finding(
                Code::ProductMismatch,
                format!(
                    "PMID {pmid} does not mention the advertised product ({}); it may study something else",
                    product.terms.join(", ")
                ),
            ));
        }
        if !claim.keywords.is_empty() && !claim.keywords.iter().any(|k| named(k)) {
            findings.push(finding(
                Code::KeywordsAbsent,
                format!(
                    "none of the claim's keywords ({}) appear in PMID {pmid}'s title, abstract or MeSH",
                    claim.keywords.join(", ")
                ),
            ));
        }
        for warning in resolution
            .warnings
            .iter()
            .filter(|w| w.contains("mismatch"))
        {
            findings.push(finding(
                Code::CitationMismatch,
                format!("PMID {pmid}: {warning}"),
            ));
        }
    }
    CitationReport {
        input: resolution.input.clone(),
        line: cited.line,
        column: cited.column,
        status: resolution.status,
        pmid: resolution.pmid.clone(),
        title: record.map(|r| r.title.clone()),
        year: record.and_then(|r| r.year),
        journal: record.and_then(|r| r.iso_abbrev.clone().or_else(|| r.journal.clone())),
        score: resolution.score,
        evidence,
        flags,
        candidates: if resolution.status == Status::Resolved {
            Vec::new()
        } else {
            resolution.candidates.clone()
        },
        reason: resolution.reason.clone(),
        findings,
    }
}

/// Lower-cased title, abstract, MeSH and keywords of a record.
fn searchable(record: &Record) -> String {
    let mut text = format!("{} {}", record.title, record.abstract_text());
    for m in &record.mesh {
        text.push(' ');
        text.push_str(&m.descriptor);
    }
    for k in &record.keywords {
        text.push(' ');
        text.push_str(k);
    }
    text.to_lowercase()
}

/// "rct (PMID 1), animal (PMID 2)".
fn describe_sources(sources: &[&(&CitationReport, &Evidence)]) -> String {
    if sources.is_empty() {
        return "no resolved source".into();
    }
    sources
        .iter()
        .map(|(c, e)| {
            format!(
                "{} (PMID {}, level {})",
                e.design.as_str(),
                c.pmid.as_deref().unwrap_or("?"),
                e.level.map_or_else(|| "none".into(), |l| l.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::CitedSource;

    fn claim(kind: ClaimKind, citations: usize) -> Claim {
        Claim {
            id: "c".into(),
            text: "t".into(),
            kind,
            keywords: Vec::new(),
            citations: (0..citations)
                .map(|i| CitedSource {
                    text: format!("cite {i}"),
                    line: 1,
                    column: 1,
                })
                .collect(),
            note: None,
            line: 1,
            column: 1,
        }
    }

    fn resolved(pmid: &str, types: &[&str], mesh: &[&str]) -> Resolution {
        let mut resolution = crate::resolve::tests_support::empty(pmid);
        resolution.status = Status::Resolved;
        resolution.pmid = Some(pmid.into());
        resolution.record = Some(crate::record::test_record(pmid, types, mesh));
        resolution
    }

    fn unchecked() -> Resolution {
        let mut resolution = crate::resolve::tests_support::empty("x");
        resolution.status = Status::NotChecked;
        resolution.reason = Some("offline".into());
        resolution
    }

    #[test]
    fn a_weak_source_with_an_unchecked_one_is_not_checked_rather_than_weak() {
        let mouse = resolved("1", &["Journal Article"], &["Animals", "Mice"]);
        let missing = unchecked();
        let report = judge(
            &claim(ClaimKind::Efficacy, 2),
            &Product::default(),
            &[&mouse, &missing],
            &Policy::default(),
        );
        assert_eq!(report.verdict, Verdict::NotChecked);
        // ...but one strong source settles it whatever the other says.
        let rct = resolved("2", &["Randomized Controlled Trial"], &["Humans"]);
        let report = judge(
            &claim(ClaimKind::Efficacy, 2),
            &Product::default(),
            &[&rct, &missing],
            &Policy::default(),
        );
        assert_eq!(report.verdict, Verdict::Supported);
        assert_eq!(report.best_evidence.unwrap().level, Some(2));
    }

    #[test]
    fn a_retraction_outranks_support() {
        let rct = resolved("2", &["Randomized Controlled Trial"], &["Humans"]);
        let gone = resolved(
            "3",
            &["Randomized Controlled Trial", "Retracted Publication"],
            &["Humans"],
        );
        let report = judge(
            &claim(ClaimKind::Safety, 2),
            &Product::default(),
            &[&rct, &gone],
            &Policy::default(),
        );
        assert_eq!(report.verdict, Verdict::Retracted);
        assert!(
            report
                .all_findings()
                .any(|f| f.code == Code::RetractedSource && f.level == Level::Deny)
        );
    }

    #[test]
    fn mechanism_claims_accept_any_evidence_but_not_an_erratum() {
        let mouse = resolved("1", &["Journal Article"], &["Animals", "Mice"]);
        let report = judge(
            &claim(ClaimKind::Mechanism, 1),
            &Product::default(),
            &[&mouse],
            &Policy::default(),
        );
        assert_eq!(report.verdict, Verdict::Supported);
        let erratum = resolved("4", &["Published Erratum"], &[]);
        let report = judge(
            &claim(ClaimKind::Mechanism, 1),
            &Product::default(),
            &[&erratum],
            &Policy::default(),
        );
        assert_eq!(report.verdict, Verdict::Weak);
    }
}
