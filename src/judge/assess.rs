//! Whether one citation supports one claim: the four tests of the verdict contract.
//!
//! 1. **Identity**: the reference names one record on its own, and nothing it states
//!    contradicts that record.
//! 2. **Standing**: the record is not retracted, partially retracted, withdrawn or under
//!    an expression of concern.
//! 3. **Relevance**: the record mentions the advertised product (`product.terms`) and
//!    the claim's topic (`keywords`), and studied the groups of people the claim names.
//! 4. **Strength**: its design, read from publication types and MeSH (not from words
//!    alone), is the evidence the claim's kind needs.

use super::evidence::{self, Confidence, Design, Evidence, Flag, Population};
use super::wording::Group;
use crate::claims::{ClaimKind, Product};
use crate::pubmed::record::{Record, TextParts};
use crate::resolve::{Completeness, Resolution, ResolutionStatus};
use crate::text::SearchableText;

/// Test 1: does the reference name one record on its own?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Identity {
    Identified,
    /// A likely record the reference does not single out on its own.
    Probable,
    /// The reference states an author, year, journal or title the record contradicts.
    Contradicted,
    NotFound,
    Ambiguous,
    NotChecked,
}

/// Test 3: is the record about the claim? `None` where it cannot be established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Relevance {
    /// Some product term appears in the record; `None` without `product.terms`.
    pub product: Option<bool>,
    /// Some keyword appears in the record; `None` without `keywords`.
    pub topic: Option<bool>,
    /// The groups the claim names that the record did not study.
    pub groups_missing: Vec<&'static str>,
}

impl Relevance {
    pub fn is_established(&self) -> bool {
        self.product == Some(true) && self.topic == Some(true) && self.groups_missing.is_empty()
    }
}

/// Test 4's shortfall: why the design is not the evidence the claim needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shortfall {
    /// The design was guessed from words: a lead for a person, never proof.
    GuessedFromWords,
    /// Not a clinical study in people (efficacy and safety).
    NotHumanClinical,
    /// Not original research or a systematic review (mechanism and statistic).
    NotPrimary,
    /// Not scholarly literature (background): an editorial, letter, news, notice.
    NotScholarly,
}

/// One citation of one claim, assessed.
pub(super) struct Assessment<'a> {
    pub resolution: &'a Resolution,
    /// The record the citation names (resolved or probable).
    pub record: Option<&'a Record>,
    pub evidence: Option<Evidence>,
    pub flags: Vec<Flag>,
    pub identity: Identity,
    pub relevance: Option<Relevance>,
    pub strength: Option<Result<(), Shortfall>>,
}

impl<'a> Assessment<'a> {
    pub fn new(
        resolution: &'a Resolution,
        kind: ClaimKind,
        product: &Product,
        keywords: &[String],
        groups: &[Group],
    ) -> Self {
        let record = resolution.record.as_deref().filter(|_| resolution.found());
        let evidence = record.map(evidence::classify);
        let flags = record.map(evidence::flags).unwrap_or_default();
        let text = record.map(|r| r.searchable_text(TextParts::WrittenAndIndexed));
        let relevance = record.zip(text.as_ref()).map(|(record, text)| Relevance {
            product: mentions_any(text, &product.terms),
            topic: mentions_any(text, keywords),
            groups_missing: groups
                .iter()
                .filter(|g| !g.studied_in(record))
                .map(|g| g.name)
                .collect(),
        });
        let strength = evidence.as_ref().map(|e| meets_bar(kind, e));
        Assessment {
            resolution,
            record,
            evidence,
            flags,
            identity: identity(resolution),
            relevance,
            strength,
        }
    }

    /// Test 2: the record still stands.
    pub fn stands(&self) -> bool {
        !self.flags.iter().any(|f| f.is_disqualifying())
    }

    /// All four tests: this citation supports the claim.
    pub fn supports(&self) -> bool {
        self.relevant() && self.strength == Some(Ok(()))
    }

    /// Identified, standing and on topic: what is left to ask is the strength.
    pub fn relevant(&self) -> bool {
        self.identity == Identity::Identified
            && self.stands()
            && self
                .relevance
                .as_ref()
                .is_some_and(Relevance::is_established)
    }
}

fn identity(resolution: &Resolution) -> Identity {
    match resolution.status {
        ResolutionStatus::NotChecked => Identity::NotChecked,
        ResolutionStatus::NotFound => Identity::NotFound,
        ResolutionStatus::Ambiguous => Identity::Ambiguous,
        ResolutionStatus::Probable => Identity::Probable,
        ResolutionStatus::Resolved if resolution.disagreements().any(|d| d.is_contradiction()) => {
            Identity::Contradicted
        }
        ResolutionStatus::Resolved if resolution.completeness == Completeness::Incomplete => {
            Identity::Probable
        }
        ResolutionStatus::Resolved => Identity::Identified,
    }
}

/// `Some(true)` when one of `terms` is mentioned, `None` when there are no terms.
fn mentions_any(text: &SearchableText, terms: &[String]) -> Option<bool> {
    (!terms.is_empty()).then(|| terms.iter().any(|t| text.mentions(t)))
}

/// Test 4: the evidence each kind of claim needs.
pub(super) fn meets_bar(kind: ClaimKind, evidence: &Evidence) -> Result<(), Shortfall> {
    let trustworthy = evidence.confidence >= Confidence::Medium;
    match kind {
        ClaimKind::Efficacy | ClaimKind::Safety => {
            let clinical = matches!(
                evidence.design,
                Design::MetaAnalysis
                    | Design::SystematicReview
                    | Design::Rct
                    | Design::ClinicalTrial
                    | Design::Cohort
            ) && evidence.population == Population::Human
                && evidence.level.is_some();
            match (clinical, trustworthy) {
                (false, _) => Err(Shortfall::NotHumanClinical),
                (true, false) => Err(Shortfall::GuessedFromWords),
                (true, true) => Ok(()),
            }
        }
        ClaimKind::Mechanism | ClaimKind::Statistic => {
            match (
                evidence.design.is_primary_or_systematic() && evidence.level.is_some(),
                trustworthy,
            ) {
                (false, _) => Err(Shortfall::NotPrimary),
                (true, false) => Err(Shortfall::GuessedFromWords),
                (true, true) => Ok(()),
            }
        }
        ClaimKind::Background => {
            // Reviews, guidelines, histories and studies; not opinion pieces, letters or
            // news, which state rather than establish.
            let scholarly = evidence.level.is_some()
                && !matches!(
                    evidence.design,
                    Design::Erratum
                        | Design::Notice
                        | Design::Protocol
                        | Design::EditorialOrComment
                );
            if scholarly {
                Ok(())
            } else {
                Err(Shortfall::NotScholarly)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::evidence::Basis;

    fn evidence(design: Design, population: Population, confidence: Confidence) -> Evidence {
        Evidence {
            design,
            population,
            level: Some(2),
            basis: vec![Basis::PublicationType],
            confidence,
        }
    }

    #[test]
    fn each_kind_has_its_bar() {
        use Confidence::*;
        use Design::*;
        use Population::{Human, Unknown};
        let rct = evidence(Rct, Human, High);
        assert_eq!(meets_bar(ClaimKind::Efficacy, &rct), Ok(()));
        assert_eq!(
            meets_bar(ClaimKind::Efficacy, &evidence(Rct, Human, Low)),
            Err(Shortfall::GuessedFromWords)
        );
        assert_eq!(
            meets_bar(ClaimKind::Safety, &evidence(Rct, Population::Animal, High)),
            Err(Shortfall::NotHumanClinical),
            "a veterinary trial"
        );
        for weak in [
            CrossSectional,
            EarlyPhaseTrial,
            Observational,
            NarrativeReview,
            Guideline,
        ] {
            assert_eq!(
                meets_bar(ClaimKind::Efficacy, &evidence(weak, Human, High)),
                Err(Shortfall::NotHumanClinical),
                "{weak:?}"
            );
        }
        assert_eq!(
            meets_bar(ClaimKind::Efficacy, &evidence(Cohort, Human, Medium)),
            Ok(())
        );
        assert_eq!(
            meets_bar(
                ClaimKind::Mechanism,
                &evidence(InVitro, Population::InVitro, High)
            ),
            Ok(())
        );
        for opinion in [EditorialOrComment, Historical, NarrativeReview] {
            assert_eq!(
                meets_bar(ClaimKind::Statistic, &evidence(opinion, Human, High)),
                Err(Shortfall::NotPrimary),
                "{opinion:?}"
            );
        }
        assert_eq!(
            meets_bar(
                ClaimKind::Background,
                &evidence(NarrativeReview, Human, Low)
            ),
            Ok(())
        );
        assert_eq!(
            meets_bar(
                ClaimKind::Background,
                &evidence(EditorialOrComment, Human, High)
            ),
            Err(Shortfall::NotScholarly),
            "an editorial states, it does not establish"
        );
        let mut erratum = evidence(Erratum, Unknown, High);
        erratum.level = None;
        assert_eq!(
            meets_bar(ClaimKind::Background, &erratum),
            Err(Shortfall::NotScholarly)
        );
    }
}
