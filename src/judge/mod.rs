//! Judging: does each claim have the source it needs?
//!
//! Each citation is assessed against the four tests of the verdict contract
//! ([`assess`]: identity, standing, relevance, strength); the [`rules`] raise findings
//! about each citation; the [`verdict`] table names the most serious problem of the
//! claim, or says it is supported. The claim's own wording matters too ([`wording`]):
//! one that promises an effect in people is judged as an efficacy claim, and one that
//! names a group of people needs a source that studied them. Findings carry no level
//! here: the policy gives them levels, and [`verdict::settle`] then makes sure a claim
//! with a deny-level finding is never called supported.

mod assess;
pub mod evidence;
mod rules;
pub mod verdict;
mod wording;

use serde::Serialize;

use self::assess::Assessment;
use self::evidence::{Design, Evidence, Flag, Population};
use self::rules::{CITATION_RULES, CitationContext};
use self::verdict::{ClaimFacts, decide};
pub use self::verdict::{Verdict, settle};
use crate::claims::{Claim, ClaimKind, Product, Review};
use crate::findings::{Code, Finding};
use crate::ids::Pmid;
use crate::resolve::Resolution;

/// The strongest source a claim has: one that supports it, or failing that one that is at
/// least about it. Never a retracted or off-topic record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestEvidence {
    pub pmid: Pmid,
    pub design: Design,
    pub level: Option<u8>,
    pub population: Population,
}

/// What one citation's record is, as evidence, and whether it supports the claim.
#[derive(Debug, Clone, PartialEq)]
pub struct CitationJudgement {
    pub evidence: Option<Evidence>,
    pub flags: Vec<Flag>,
    /// It passes every test of the contract for this claim.
    pub supports: bool,
}

/// The verdict on one claim, before the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimJudgement {
    pub verdict: Verdict,
    /// What is wrong and what to change, in one sentence; or what supports the claim.
    pub explanation: String,
    /// The kind the claim was judged as.
    pub judged_as: ClaimKind,
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
    let (judged_as, promise) = wording::judged_kind(claim.kind, &claim.text);
    let groups = wording::groups_named(&claim.text);
    let assessments: Vec<Assessment<'_>> = resolutions
        .iter()
        .map(|r| Assessment::new(r, judged_as, product, &claim.keywords, &groups))
        .collect();

    let mut findings = Vec::new();
    let mut raise = |code: Code, citation: Option<usize>, message: String| {
        findings.push(Finding {
            code,
            claim: index,
            citation,
            message,
            span: None,
        });
    };
    let facts = ClaimFacts {
        kind: judged_as,
        product,
        keywords: &claim.keywords,
        assessments: &assessments,
    };
    let decision = decide(&facts);
    if let Some((code, message)) = decision.finding {
        raise(code, None, message);
    }
    if claim.review == Review::Pending {
        // Never supported on a machine's guess: the policy makes this deny, and settling
        // reports the claim `unreviewed` unless its evidence has a worse problem.
        let from = claim
            .source_line
            .map(|line| format!(" (line {line})"))
            .unwrap_or_default();
        raise(
            Code::UnreviewedClaim,
            None,
            format!(
                "the claim was drafted by claimaudit from the page{from} and no person has reviewed it yet (`review: pending`): its kind, keywords and citations are guesses"
            ),
        );
    }
    if let Some(phrase) = promise {
        raise(
            Code::KindUpgraded,
            None,
            format!(
                "the wording (\"{phrase}\") promises an effect in people, so this {} claim is judged as an efficacy claim",
                claim.kind.as_str()
            ),
        );
    }
    for (n, assessment) in assessments.iter().enumerate() {
        let context = CitationContext {
            claim,
            product,
            assessment,
        };
        let mut raised = Vec::new();
        for rule in CITATION_RULES {
            rule(&context, &mut raised);
        }
        for (code, message) in raised {
            raise(code, Some(n), message);
        }
    }

    let best = |pick: &dyn Fn(&Assessment<'_>) -> bool| {
        assessments
            .iter()
            .filter(|a| pick(a))
            .filter_map(|a| Some((a.record?, a.evidence.as_ref()?)))
            .min_by_key(|(_, e)| e.level.unwrap_or(u8::MAX))
            .map(|(record, e)| BestEvidence {
                pmid: record.pmid,
                design: e.design,
                level: e.level,
                population: e.population,
            })
    };
    let best_evidence = best(&|a| a.supports()).or_else(|| best(&|a| a.relevant()));
    let citations = assessments
        .iter()
        .map(|a| CitationJudgement {
            evidence: a.evidence.clone(),
            flags: a.flags.clone(),
            supports: a.supports(),
        })
        .collect();
    (
        ClaimJudgement {
            verdict: decision.verdict,
            explanation: decision.explanation,
            judged_as,
            best_evidence,
            citations,
        },
        findings,
    )
}
