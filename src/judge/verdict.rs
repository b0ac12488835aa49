//! The verdict on a claim, from its assessed citations: an ordered table of rules, the
//! first that applies decides; then, once the policy has given every finding its level,
//! a deny-level finding keeps the claim from being supported (see [`settle`]).
//!
//! Adding a verdict rule means adding a row to [`VERDICT_RULES`].

use strum::VariantArray;

use super::assess::{Assessment, Identity, Shortfall};
use crate::claims::{ClaimKind, Product};
use crate::findings::Code;
use crate::policy::{AppliedFinding, Level};

named_enum! {
    pub enum Verdict {
        /// A citation meets every test for this claim, every citation was checked, and
        /// nothing denies it.
        Supported,
        /// Drafted from a page by claimaudit and not read by a person yet: it would
        /// otherwise be supported, but a machine's guess at its kind, keywords and
        /// citations must not end the human review.
        Unreviewed,
        /// The sources are about the claim but not the evidence its kind needs.
        Weak,
        /// No source is about both the product and the claim's topic.
        OffTopic,
        /// A citation is not found, ambiguous, incomplete, or contradicts its record.
        Unresolved,
        Uncited,
        /// A cited source is retracted, withdrawn or under an expression of concern.
        Retracted,
        /// The wording itself is unacceptable, whatever the sources.
        Wording,
        /// Something could not be checked, so the claim cannot be called supported.
        NotChecked,
    }
}

impl Verdict {
    /// Every verdict, in the order reports list them.
    pub const ALL: &[Verdict] = Verdict::VARIANTS;

    /// What the verdict means, for readers who have not read the README.
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::Supported => "a cited study of the right kind backs it, and nothing denies it",
            Verdict::Unreviewed => {
                "drafted from the page and not reviewed by a person yet: its kind, keywords and citations are guesses, so it cannot be called supported"
            }
            Verdict::Weak => {
                "the sources are about the claim, but none is the kind of evidence it needs"
            }
            Verdict::OffTopic => "no source is about both the product and what the claim says",
            Verdict::Unresolved => {
                "a citation does not identify one paper, or contradicts the paper it names"
            }
            Verdict::Uncited => "no source is cited",
            Verdict::Retracted => "a cited source is retracted, withdrawn or under concern",
            Verdict::Wording => "the wording itself cannot be used, whatever the sources",
            Verdict::NotChecked => "could not be checked in this run",
        }
    }

    /// How serious the problem is, to pick the one a claim is reported under: the one the
    /// writer must deal with first.
    fn severity(self) -> u8 {
        match self {
            Verdict::Supported => 0,
            // Just above supported: any problem with the evidence is the one to report.
            Verdict::Unreviewed => 1,
            Verdict::Weak => 2,
            Verdict::OffTopic => 3,
            Verdict::NotChecked => 4,
            Verdict::Unresolved => 5,
            Verdict::Uncited => 6,
            Verdict::Retracted => 7,
            Verdict::Wording => 8,
        }
    }
}

/// What the rules look at.
pub(super) struct ClaimFacts<'a> {
    /// The kind the claim is judged as (an effect promise makes it efficacy).
    pub kind: ClaimKind,
    pub product: &'a Product,
    pub keywords: &'a [String],
    pub assessments: &'a [Assessment<'a>],
}

/// What a verdict rule decides: the verdict, its one-sentence explanation (what is wrong
/// and what to change), and the claim-level finding it raises, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decision {
    pub verdict: Verdict,
    pub explanation: String,
    pub finding: Option<(Code, String)>,
}

impl Decision {
    fn new(verdict: Verdict, explanation: String) -> Self {
        Decision {
            verdict,
            explanation,
            finding: None,
        }
    }

    fn with(mut self, code: Code, message: String) -> Self {
        self.finding = Some((code, message));
        self
    }
}

type VerdictRule = fn(&ClaimFacts<'_>) -> Option<Decision>;

/// The verdict rules, most serious problem first; the first that applies decides.
const VERDICT_RULES: &[VerdictRule] = &[
    retracted,
    uncited,
    unresolved,
    not_checked,
    off_topic,
    weak,
    supported,
];

/// The verdict on a claim from its citations.
pub(super) fn decide(facts: &ClaimFacts<'_>) -> Decision {
    VERDICT_RULES
        .iter()
        .find_map(|rule| rule(facts))
        .expect("the last rule always decides")
}

/// The final verdict once findings have their levels: a claim with a deny-level finding
/// (wording included) is never supported; it is reported under the most serious
/// problem among its verdict and its deny findings. A waiver lets a finding pass the
/// gate, but does not change what the claim is: a waived deny finding still counts here.
pub fn settle(
    verdict: Verdict,
    explanation: String,
    findings: &[&AppliedFinding],
) -> (Verdict, String) {
    let denied = findings
        .iter()
        .filter(|f| f.level == Level::Deny)
        .max_by_key(|f| f.code.fails_as().severity());
    match denied {
        Some(finding) if finding.code.fails_as().severity() > verdict.severity() => (
            finding.code.fails_as(),
            format!(
                "{}{} {}",
                capitalise(&finding.message),
                if finding.message.ends_with(['.', '。']) {
                    ""
                } else {
                    "."
                },
                finding.code.help()
            ),
        ),
        _ => (verdict, explanation),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "PMID 12" of an assessed citation's record.
fn pmid(a: &Assessment<'_>) -> String {
    a.record
        .map_or_else(|| "the source".into(), |r| format!("PMID {}", r.pmid))
}

fn retracted(facts: &ClaimFacts<'_>) -> Option<Decision> {
    let gone = facts
        .assessments
        .iter()
        .find(|a| a.record.is_some() && !a.stands())?;
    let state = match gone.flags.iter().find(|f| f.is_disqualifying()) {
        Some(super::evidence::Flag::PartiallyRetracted) => "has been partially retracted",
        Some(super::evidence::Flag::Withdrawn) => "has been withdrawn",
        Some(super::evidence::Flag::ExpressionOfConcern) => "is under an expression of concern",
        _ => "has been retracted",
    };
    Some(Decision::new(
        Verdict::Retracted,
        format!(
            "{} {state}: remove it and any wording that rests on it.",
            pmid(gone)
        ),
    ))
}

fn uncited(facts: &ClaimFacts<'_>) -> Option<Decision> {
    facts.assessments.is_empty().then(|| {
        Decision::new(
            Verdict::Uncited,
            "No source is cited: add one that supports the claim, or reword or remove the claim."
                .into(),
        )
        .with(
            Code::UncitedClaim,
            format!(
                "the {} claim cites no source; add a citation or change the wording",
                facts.kind.as_str()
            ),
        )
    })
}

fn unresolved(facts: &ClaimFacts<'_>) -> Option<Decision> {
    let problem = facts.assessments.iter().find_map(|a| {
        let input = &a.resolution.input;
        let problem = match a.identity {
            Identity::NotFound => format!(
                "\"{input}\" matches no PubMed record: check it and cite the paper by PMID or DOI."
            ),
            Identity::Ambiguous => format!(
                "\"{input}\" matches several papers: cite the one meant by PMID or DOI."
            ),
            Identity::Probable => format!(
                "\"{input}\" does not identify one paper on its own (probably {}): give its PMID or DOI.",
                pmid(a)
            ),
            Identity::Contradicted => {
                let first = a
                    .resolution
                    .disagreements()
                    .find(|d| d.is_contradiction())
                    .map(ToString::to_string)
                    .unwrap_or_default();
                format!(
                    "\"{input}\" contradicts {} ({first}): correct the reference or cite the paper meant.",
                    pmid(a)
                )
            }
            Identity::Identified | Identity::NotChecked => return None,
        };
        Some(problem)
    })?;
    Some(Decision::new(Verdict::Unresolved, problem))
}

/// A citation that could not be looked up might be retracted or off-topic: it keeps the
/// claim from being called supported.
fn not_checked(facts: &ClaimFacts<'_>) -> Option<Decision> {
    let a = facts
        .assessments
        .iter()
        .find(|a| a.identity == Identity::NotChecked)?;
    Some(Decision::new(
        Verdict::NotChecked,
        format!(
            "\"{}\" could not be checked ({}): run again online or with a filled cache.",
            a.resolution.input,
            a.resolution
                .reason()
                .unwrap_or_else(|| "unknown reason".into())
        ),
    ))
}

fn off_topic(facts: &ClaimFacts<'_>) -> Option<Decision> {
    if facts.assessments.iter().any(Assessment::relevant) {
        return None;
    }
    let mut missing = Vec::new();
    if facts.product.terms.is_empty() {
        missing.push("the product's terms (`product.terms`)");
    }
    if facts.keywords.is_empty() {
        missing.push("the claim's topic words (`keywords`)");
    }
    if !missing.is_empty() {
        let what = missing.join(" and ");
        return Some(
            Decision::new(
                Verdict::OffTopic,
                format!(
                    "Whether the sources are about this claim cannot be established: add {what}."
                ),
            )
            .with(
                Code::RelevanceUnknown,
                format!("add {what}, so the sources can be checked against the claim"),
            ),
        );
    }
    let why: Vec<String> = facts
        .assessments
        .iter()
        .filter_map(|a| {
            let relevance = a.relevance.as_ref()?;
            let mut lacks = Vec::new();
            if relevance.product == Some(false) {
                lacks.push("the product".to_owned());
            }
            if relevance.topic == Some(false) {
                lacks.push("the claim's topic".to_owned());
            }
            if !relevance.groups_missing.is_empty() {
                lacks.push(relevance.groups_missing.join(" and "));
            }
            Some(format!("{} lacks {}", pmid(a), lacks.join(", ")))
        })
        .collect();
    let message = format!(
        "no source is about both the product ({}) and the claim's topic ({}): {}",
        facts.product.terms.join(", "),
        facts.keywords.join(", "),
        why.join("; ")
    );
    Some(
        Decision::new(
            Verdict::OffTopic,
            format!(
                "None of the sources is about both this product and this claim ({}): cite a study of this product for this effect, or reword the claim.",
                why.join("; ")
            ),
        )
        .with(Code::NoRelevantSource, message),
    )
}

/// "an animal study (PMID 2), a narrative review (PMID 3)".
fn described(assessments: &[&Assessment<'_>]) -> String {
    assessments
        .iter()
        .filter_map(|a| {
            let e = a.evidence.as_ref()?;
            Some(format!("{} ({})", e.design.in_words(), pmid(a)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn weak(facts: &ClaimFacts<'_>) -> Option<Decision> {
    let relevant: Vec<&Assessment<'_>> =
        facts.assessments.iter().filter(|a| a.relevant()).collect();
    if relevant.iter().any(|a| a.supports()) {
        return None;
    }
    let sources = described(&relevant);
    let guessed = relevant
        .iter()
        .any(|a| a.strength == Some(Err(Shortfall::GuessedFromWords)));
    let guessed_note = if guessed {
        " (a design read from the words alone does not count)"
    } else {
        ""
    };
    // The finding says what the sources are; what the kind of claim needs in full is the
    // code's help, said once beside it.
    let (code, need) = match facts.kind {
        ClaimKind::Efficacy | ClaimKind::Safety => {
            (Code::NoHumanEvidence, "a clinical study in people")
        }
        ClaimKind::Mechanism | ClaimKind::Statistic => (
            Code::InsufficientEvidence,
            "original research or a systematic review",
        ),
        ClaimKind::Background => (Code::InsufficientEvidence, "scholarly literature"),
    };
    let article = if facts.kind == ClaimKind::Efficacy {
        "an"
    } else {
        "a"
    };
    Some(
        Decision::new(
            Verdict::Weak,
            format!(
                "The sources are about the claim but are only {sources}{guessed_note}, and {article} {} claim needs {need}.",
                facts.kind.as_str()
            ),
        )
        .with(
            code,
            format!(
                "the relevant sources are only {sources}{guessed_note}; none is {need}",
            ),
        ),
    )
}

fn supported(facts: &ClaimFacts<'_>) -> Option<Decision> {
    let supporting: Vec<&Assessment<'_>> =
        facts.assessments.iter().filter(|a| a.supports()).collect();
    let in_people = if matches!(facts.kind, ClaimKind::Efficacy | ClaimKind::Safety) {
        " in people"
    } else {
        ""
    };
    Some(Decision::new(
        Verdict::Supported,
        format!("Supported{in_people} by {}.", described(&supporting)),
    ))
}
