//! The verdict on a claim, from what its citations came to. The rules are an ordered
//! table: the first that applies decides. Adding a verdict rule means adding a row.

use strum::VariantArray;

use super::evidence::Evidence;
use crate::claims::ClaimKind;
use crate::findings::Code;
use crate::ids::Pmid;

named_enum! {
    pub enum Verdict {
        Supported,
        Weak,
        Unresolved,
        Uncited,
        Retracted,
        NotChecked,
    }
}

impl Verdict {
    /// Every verdict, in the order reports list them.
    pub const ALL: &[Verdict] = Verdict::VARIANTS;

    /// What the verdict means, for readers who have not read the README.
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::Supported => "has a source of the kind of evidence it needs",
            Verdict::Weak => "sources exist but none is strong enough for this kind of claim",
            Verdict::Unresolved => "the cited sources could not be found in PubMed",
            Verdict::Uncited => "no source is cited",
            Verdict::Retracted => "a cited source has been retracted",
            Verdict::NotChecked => "could not be checked in this run",
        }
    }
}

/// A resolved, classified source of a claim.
pub(super) struct Source<'a> {
    pub pmid: Pmid,
    pub evidence: &'a Evidence,
}

/// What the verdict rules look at.
pub(super) struct ClaimFacts<'a> {
    pub kind: ClaimKind,
    pub cited: bool,
    /// Resolved sources that are not retracted.
    pub usable: Vec<Source<'a>>,
    pub retracted: Vec<Pmid>,
    /// Some citation could not be checked.
    pub unchecked: bool,
}

impl ClaimFacts<'_> {
    /// Whether a source is the evidence this kind of claim needs: anything that is
    /// evidence at all backs a mechanism or a statistic; efficacy and safety need level
    /// 1-3 (which only human studies reach).
    fn strong_enough(&self, evidence: &Evidence) -> bool {
        match evidence.level {
            None => false,
            Some(level) => !self.kind.needs_human_evidence() || level <= 3,
        }
    }

    /// "rct (PMID 1, level 2), animal (PMID 2, level 5)".
    fn sources(&self) -> String {
        if self.usable.is_empty() {
            return "no resolved source".into();
        }
        self.usable
            .iter()
            .map(|s| {
                format!(
                    "{} (PMID {}, level {})",
                    s.evidence.design.as_str(),
                    s.pmid,
                    s.evidence
                        .level
                        .map_or_else(|| "none".into(), |l| l.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a verdict rule decides: the verdict, its one-sentence explanation, and the
/// claim-level finding it raises, if any.
pub(super) struct Decision {
    pub verdict: Verdict,
    pub explanation: String,
    pub finding: Option<(Code, String)>,
}

type VerdictRule = fn(&ClaimFacts<'_>) -> Option<Decision>;

/// The verdict rules, first match wins.
const VERDICT_RULES: &[VerdictRule] = &[uncited, retracted, supported, not_checked, weak];

/// The verdict on a claim.
pub(super) fn decide(facts: &ClaimFacts<'_>) -> Decision {
    VERDICT_RULES
        .iter()
        .find_map(|rule| rule(facts))
        .unwrap_or_else(|| Decision {
            verdict: Verdict::Unresolved,
            explanation: "no citation resolves to a PubMed record".into(),
            finding: None,
        })
}

fn uncited(facts: &ClaimFacts<'_>) -> Option<Decision> {
    (!facts.cited).then(|| Decision {
        verdict: Verdict::Uncited,
        explanation: "no source is cited".into(),
        finding: Some((
            Code::UncitedClaim,
            format!(
                "the {} claim cites no source; add a citation or change the wording",
                facts.kind.as_str()
            ),
        )),
    })
}

/// A retraction outranks support: a claim citing a retracted paper must be looked at.
fn retracted(facts: &ClaimFacts<'_>) -> Option<Decision> {
    (!facts.retracted.is_empty()).then(|| {
        let pmids: Vec<String> = facts.retracted.iter().map(ToString::to_string).collect();
        Decision {
            verdict: Verdict::Retracted,
            explanation: format!("cites retracted PMID {}", pmids.join(", ")),
            finding: None,
        }
    })
}

fn supported(facts: &ClaimFacts<'_>) -> Option<Decision> {
    facts
        .usable
        .iter()
        .any(|s| facts.strong_enough(s.evidence))
        .then(|| {
            let what = if facts.kind.needs_human_evidence() {
                "human clinical evidence"
            } else {
                "a resolved source"
            };
            Decision {
                verdict: Verdict::Supported,
                explanation: format!("{what}: {}", facts.sources()),
                finding: None,
            }
        })
}

/// Not strong enough so far, but a citation could not be checked: it might have been.
fn not_checked(facts: &ClaimFacts<'_>) -> Option<Decision> {
    facts.unchecked.then(|| Decision {
        verdict: Verdict::NotChecked,
        explanation: "some citations could not be checked; run again online or fill the cache"
            .into(),
        finding: None,
    })
}

fn weak(facts: &ClaimFacts<'_>) -> Option<Decision> {
    if facts.usable.is_empty() {
        return None;
    }
    // (For other kinds, the only way here is sources that are no evidence at all,
    // which their citations' `not-evidence` findings already say.)
    let finding = facts.kind.needs_human_evidence().then(|| {
        let article = if facts.kind == ClaimKind::Efficacy {
            "an efficacy"
        } else {
            "a safety"
        };
        (
            Code::NoHumanEvidence,
            format!(
                "{article} claim needs a human clinical study (level 1-3); the sources are only: {}",
                facts.sources()
            ),
        )
    });
    Some(Decision {
        verdict: Verdict::Weak,
        explanation: format!("only {}", facts.sources()),
        finding,
    })
}
