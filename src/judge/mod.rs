//! Judging: does each claim have the source it needs?
//!
//! A claim's kind decides what it needs (efficacy and safety: a human clinical study,
//! evidence level 1-3; the other kinds: any resolved source that is evidence at all);
//! each citation's resolution and its record's [`evidence`] classification decide what
//! it has. Judging raises [`Finding`]s without levels (the [`rules`] look at each
//! citation, the [`verdict`] table at the claim); the policy gives them levels later.

pub mod evidence;
mod rules;
pub mod verdict;

use serde::Serialize;

use self::evidence::{Design, Evidence, Flag, Population};
use self::rules::{CITATION_RULES, CitationContext};
pub use self::verdict::Verdict;
use self::verdict::{ClaimFacts, Source, decide};
use crate::claims::{Claim, Product};
use crate::findings::Finding;
use crate::ids::Pmid;
use crate::pubmed::record::TextParts;
use crate::resolve::{Resolution, ResolutionStatus};

/// The strongest source a claim has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestEvidence {
    pub pmid: Pmid,
    pub design: Design,
    pub level: Option<u8>,
    pub population: Population,
}

/// What one citation's record is, as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct CitationJudgement {
    pub evidence: Option<Evidence>,
    pub flags: Vec<Flag>,
}

/// The verdict on one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimJudgement {
    pub verdict: Verdict,
    /// The verdict in one sentence, naming the evidence found.
    pub explanation: String,
    pub best_evidence: Option<BestEvidence>,
    /// One per citation, in the claim's order.
    pub citations: Vec<CitationJudgement>,
}

/// Judges claim number `index` given the resolutions of its citations (same order);
/// returns the verdict and the findings raised.
pub fn judge_claim(
    index: usize,
    claim: &Claim,
    product: &Product,
    resolutions: &[&Resolution],
) -> (ClaimJudgement, Vec<Finding>) {
    let mut findings = Vec::new();
    let citations: Vec<CitationJudgement> = resolutions
        .iter()
        .enumerate()
        .map(|(n, resolution)| {
            let record = resolution.record.as_deref();
            let judgement = CitationJudgement {
                evidence: record.map(evidence::classify),
                flags: record.map(evidence::flags).unwrap_or_default(),
            };
            let text = record.map(|r| r.searchable_text(TextParts::WrittenAndIndexed));
            let context = CitationContext {
                claim,
                product,
                resolution,
                source: record.zip(judgement.evidence.as_ref()),
                flags: &judgement.flags,
                text: text.as_ref(),
            };
            let mut raised = Vec::new();
            for rule in CITATION_RULES {
                rule(&context, &mut raised);
            }
            findings.extend(raised.into_iter().map(|(code, message)| Finding {
                code,
                claim: index,
                citation: Some(n),
                message,
            }));
            judgement
        })
        .collect();

    let mut facts = ClaimFacts {
        kind: claim.kind,
        cited: !claim.citations.is_empty(),
        usable: Vec::new(),
        retracted: Vec::new(),
        unchecked: resolutions
            .iter()
            .any(|r| r.status == ResolutionStatus::NotChecked),
    };
    for (resolution, judgement) in resolutions.iter().zip(&citations) {
        let (Some(pmid), Some(evidence)) = (resolution.pmid, &judgement.evidence) else {
            continue;
        };
        if resolution.status != ResolutionStatus::Resolved {
            continue;
        }
        if judgement.flags.contains(&Flag::Retracted) {
            facts.retracted.push(pmid);
        } else {
            facts.usable.push(Source { pmid, evidence });
        }
    }
    let best_evidence = facts
        .usable
        .iter()
        .min_by_key(|s| s.evidence.level.unwrap_or(u8::MAX))
        .map(|s| BestEvidence {
            pmid: s.pmid,
            design: s.evidence.design,
            level: s.evidence.level,
            population: s.evidence.population,
        });
    let decision = decide(&facts);
    if let Some((code, message)) = decision.finding {
        findings.insert(
            0,
            Finding {
                code,
                claim: index,
                citation: None,
                message,
            },
        );
    }
    (
        ClaimJudgement {
            verdict: decision.verdict,
            explanation: decision.explanation,
            best_evidence,
            citations,
        },
        findings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::CitedAs;
    use crate::claims::{CitedSource, ClaimKind};
    use crate::findings::Code;
    use crate::pubmed::record::test_record;
    use crate::resolve::tests_support::{empty, resolved};

    fn claim(kind: ClaimKind, citations: usize) -> Claim {
        Claim {
            id: "c".into(),
            text: "t".into(),
            text_line: 1,
            text_column: 1,
            kind,
            keywords: Vec::new(),
            citations: (0..citations)
                .map(|i| CitedSource {
                    cited: CitedAs::Text(format!("cite {i}")),
                    line: 1,
                    column: 1,
                })
                .collect(),
            note: None,
            line: 1,
            column: 1,
        }
    }

    fn source(pmid: &str, types: &[&str], mesh: &[&str]) -> Resolution {
        resolved(pmid, test_record(pmid, types, mesh))
    }

    fn unchecked() -> Resolution {
        let mut resolution = empty("x");
        resolution.status = ResolutionStatus::NotChecked;
        resolution.failure = Some(crate::pubmed::source::SourceError::Offline);
        resolution
    }

    fn judge(kind: ClaimKind, resolutions: &[&Resolution]) -> (ClaimJudgement, Vec<Finding>) {
        judge_claim(
            0,
            &claim(kind, resolutions.len()),
            &Product::default(),
            resolutions,
        )
    }

    #[test]
    fn a_weak_source_with_an_unchecked_one_is_not_checked_rather_than_weak() {
        let mouse = source("1", &["Journal Article"], &["Animals", "Mice"]);
        let missing = unchecked();
        let (judgement, _) = judge(ClaimKind::Efficacy, &[&mouse, &missing]);
        assert_eq!(judgement.verdict, Verdict::NotChecked);
        // ...but one strong source settles it whatever the other says.
        let rct = source("2", &["Randomized Controlled Trial"], &["Humans"]);
        let (judgement, findings) = judge(ClaimKind::Efficacy, &[&rct, &missing]);
        assert_eq!(judgement.verdict, Verdict::Supported);
        assert_eq!(judgement.best_evidence.unwrap().level, Some(2));
        assert_eq!(findings[0].code, Code::LookupFailed);
        assert_eq!(findings[0].citation, Some(1));
    }

    #[test]
    fn a_retraction_outranks_support() {
        let rct = source("2", &["Randomized Controlled Trial"], &["Humans"]);
        let gone = source(
            "3",
            &["Randomized Controlled Trial", "Retracted Publication"],
            &["Humans"],
        );
        let (judgement, findings) = judge(ClaimKind::Safety, &[&rct, &gone]);
        assert_eq!(judgement.verdict, Verdict::Retracted);
        assert!(
            findings
                .iter()
                .any(|f| f.code == Code::RetractedSource && f.citation == Some(1))
        );
    }

    #[test]
    fn mechanism_claims_accept_any_evidence_but_not_an_erratum() {
        let mouse = source("1", &["Journal Article"], &["Animals", "Mice"]);
        assert_eq!(
            judge(ClaimKind::Mechanism, &[&mouse]).0.verdict,
            Verdict::Supported
        );
        let erratum = source("4", &["Published Erratum"], &[]);
        assert_eq!(
            judge(ClaimKind::Mechanism, &[&erratum]).0.verdict,
            Verdict::Weak
        );
    }

    #[test]
    fn an_uncited_claim_raises_its_finding_on_the_claim() {
        let (judgement, findings) = judge(ClaimKind::Safety, &[]);
        assert_eq!(judgement.verdict, Verdict::Uncited);
        assert_eq!(
            (findings[0].code, findings[0].citation),
            (Code::UncitedClaim, None)
        );
    }

    #[test]
    fn a_rejected_citation_match_is_not_a_mismatch_finding() {
        // The resolver set a citation match aside and found the right paper by search:
        // only disagreements with the chosen record are findings.
        let mut right = source("7", &["Randomized Controlled Trial"], &["Humans"]);
        right.notes.push(crate::resolve::Note::MatchRejected {
            pmid: Pmid::new(8).unwrap(),
            disagreements: vec![crate::resolve::Disagreement {
                field: crate::resolve::Field::Author,
                cited: "Smith".into(),
                actual: "Jones J".into(),
            }],
        });
        let (_, findings) = judge(ClaimKind::Efficacy, &[&right]);
        assert!(
            findings.iter().all(|f| f.code != Code::CitationMismatch),
            "{findings:?}"
        );
    }
}
