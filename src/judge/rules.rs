//! The citation rules: each looks at one assessed citation of one claim and raises
//! findings. Adding a rule means adding a function to [`CITATION_RULES`].

use super::assess::{Assessment, Identity};
use super::evidence::{Confidence, Design, Flag};
use crate::claims::{Claim, Product};
use crate::findings::Code;
use crate::resolve::{Note, ResolutionStatus};

/// What a citation rule sees.
pub(super) struct CitationContext<'a> {
    pub claim: &'a Claim,
    pub product: &'a Product,
    pub assessment: &'a Assessment<'a>,
}

impl CitationContext<'_> {
    fn input(&self) -> &str {
        &self.assessment.resolution.input
    }

    /// "PMID 123" for the record the citation names.
    fn pmid(&self) -> Option<String> {
        self.assessment.record.map(|r| format!("PMID {}", r.pmid))
    }
}

/// Where a rule puts what it found.
pub(super) type Raised = Vec<(Code, String)>;

pub(super) type CitationRule = fn(&CitationContext<'_>, &mut Raised);

/// Every citation rule, in the order their findings are listed.
pub(super) const CITATION_RULES: &[CitationRule] = &[
    not_found,
    ambiguous,
    incomplete,
    not_checked,
    disagreements,
    retracted,
    expression_of_concern,
    erratum,
    preprint,
    not_evidence,
    design_from_words,
    product_mismatch,
    keywords_absent,
    population_not_studied,
];

fn not_found(c: &CitationContext<'_>, raised: &mut Raised) {
    if c.assessment.identity != Identity::NotFound {
        return;
    }
    let resolution = &c.assessment.resolution;
    let no_record = resolution
        .notes
        .iter()
        .find(|n| matches!(n, Note::NoRecord { .. }));
    let unsearchable = resolution.notes.iter().find_map(|n| match n {
        Note::Unsearchable(why) => Some(why),
        _ => None,
    });
    let message = match (no_record, resolution.lookups.len()) {
        // The citation itself could not be put to PubMed: say why, not "no record".
        (None, 0) if unsearchable.is_some() => format!(
            "\"{}\" was not looked up: {}",
            c.input(),
            unsearchable.expect("checked above")
        ),
        (Some(note), _) => format!(
            "\"{}\" matches no PubMed record ({note}); check the citation",
            c.input()
        ),
        // Nothing was asked, so nothing can be said about PubMed: the citation itself
        // gave nothing to look up.
        (None, 0) => format!(
            "\"{}\" was not looked up: nothing in it identifies a paper (no PMID, DOI, author, year, title or journal); give a complete reference",
            c.input()
        ),
        (None, tried) => format!(
            "\"{}\" matches no PubMed record ({}); check the citation",
            c.input(),
            crate::text::count(tried, "query tried", "queries tried")
        ),
    };
    raised.push((Code::CitationNotFound, message));
}

fn is_incomplete(c: &CitationContext<'_>) -> bool {
    c.assessment
        .resolution
        .notes
        .iter()
        .any(|n| matches!(n, Note::Incomplete { .. } | Note::FoundByTopic))
}

fn ambiguous(c: &CitationContext<'_>, raised: &mut Raised) {
    if c.assessment.identity == Identity::Ambiguous && !is_incomplete(c) {
        let candidates: Vec<String> = c
            .assessment
            .resolution
            .candidates
            .iter()
            .map(|candidate| format!("PMID {}", candidate.pmid))
            .collect();
        raised.push((
            Code::CitationAmbiguous,
            format!(
                "\"{}\" matches several records ({}); cite the PMID or DOI",
                c.input(),
                candidates.join(", ")
            ),
        ));
    }
}

/// A reference that names only what many papers share, or a record told apart only by
/// the claim's own topic words: the reader of the ad could not find the paper either.
fn incomplete(c: &CitationContext<'_>, raised: &mut Raised) {
    let probable = c.assessment.identity == Identity::Probable;
    let ambiguous_and_incomplete = c.assessment.identity == Identity::Ambiguous && is_incomplete(c);
    if !(probable || ambiguous_and_incomplete) {
        return;
    }
    let mut notes: Vec<String> = c
        .assessment
        .resolution
        .notes
        .iter()
        .filter(|n| matches!(n, Note::Incomplete { .. } | Note::FoundByTopic))
        .map(ToString::to_string)
        .collect();
    if notes.is_empty() {
        notes.push(Note::Incomplete { matching: None }.to_string());
    }
    let probably = match (c.assessment.resolution.status, c.pmid()) {
        (ResolutionStatus::Probable, Some(pmid)) => format!(" (probably {pmid})"),
        _ => String::new(),
    };
    raised.push((
        Code::CitationIncomplete,
        format!(
            "\"{}\" does not identify one paper{probably}: {}; cite the PMID or DOI",
            c.input(),
            notes.join("; ")
        ),
    ));
}

fn not_checked(c: &CitationContext<'_>, raised: &mut Raised) {
    if c.assessment.identity == Identity::NotChecked {
        raised.push((
            Code::LookupFailed,
            format!(
                "\"{}\" could not be checked: {}",
                c.input(),
                c.assessment
                    .resolution
                    .reason()
                    .unwrap_or_else(|| "unknown reason".into())
            ),
        ));
    }
}

/// What the reference states against its record: a contradiction is a defective
/// reference; a year one off (often the e-publication year) only an inexact one.
fn disagreements(c: &CitationContext<'_>, raised: &mut Raised) {
    let Some(pmid) = c.pmid() else {
        return;
    };
    for disagreement in c.assessment.resolution.disagreements() {
        let code = if disagreement.is_contradiction() {
            Code::CitationMismatch
        } else {
            Code::CitationYearOff
        };
        raised.push((code, format!("{pmid}: {disagreement}")));
    }
}

fn retracted(c: &CitationContext<'_>, raised: &mut Raised) {
    let Some(pmid) = c.pmid() else {
        return;
    };
    let flags = &c.assessment.flags;
    let state = if flags.contains(&Flag::Retracted) {
        "has been retracted"
    } else if flags.contains(&Flag::PartiallyRetracted) {
        "has been partially retracted"
    } else if flags.contains(&Flag::Withdrawn) {
        "has been withdrawn"
    } else {
        return;
    };
    raised.push((
        Code::RetractedSource,
        format!("{pmid} {state}; it supports nothing"),
    ));
}

fn expression_of_concern(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some(pmid) = c.pmid()
        && c.assessment.flags.contains(&Flag::ExpressionOfConcern)
    {
        raised.push((
            Code::ExpressionOfConcern,
            format!("{pmid} carries an expression of concern"),
        ));
    }
}

fn erratum(c: &CitationContext<'_>, raised: &mut Raised) {
    if let (Some(pmid), Some(evidence)) = (c.pmid(), &c.assessment.evidence)
        && c.assessment.flags.contains(&Flag::Erratum)
        && evidence.design != Design::Erratum
    {
        raised.push((
            Code::Erratum,
            format!("{pmid} has a published correction; check it still says what the claim needs"),
        ));
    }
}

fn preprint(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some(pmid) = c.pmid()
        && c.assessment.flags.contains(&Flag::Preprint)
    {
        raised.push((
            Code::Preprint,
            format!("{pmid} is a preprint, not peer reviewed"),
        ));
    }
}

fn not_evidence(c: &CitationContext<'_>, raised: &mut Raised) {
    if let (Some(pmid), Some(evidence)) = (c.pmid(), &c.assessment.evidence)
        && evidence.level.is_none()
        && !c.assessment.flags.contains(&Flag::Preprint)
    {
        raised.push((
            Code::NotEvidence,
            format!("{pmid} is {}, not evidence", evidence.design.in_words()),
        ));
    }
}

fn design_from_words(c: &CitationContext<'_>, raised: &mut Raised) {
    if let (Some(pmid), Some(evidence)) = (c.pmid(), &c.assessment.evidence)
        && evidence.confidence == Confidence::Low
        && evidence.level.is_some()
        // Words that named no design at all guessed nothing.
        && evidence.design != Design::Other
    {
        raised.push((
            Code::DesignFromWords,
            format!(
                "{pmid} reads like {} from its words alone; PubMed has not indexed its design",
                evidence.design.in_words()
            ),
        ));
    }
}

fn product_mismatch(c: &CitationContext<'_>, raised: &mut Raised) {
    if let (Some(pmid), Some(relevance)) = (c.pmid(), &c.assessment.relevance)
        && relevance.product == Some(false)
    {
        raised.push((
            Code::ProductMismatch,
            format!(
                "{pmid} does not mention the advertised product ({}); it may study something else",
                c.product.terms.join(", ")
            ),
        ));
    }
}

fn keywords_absent(c: &CitationContext<'_>, raised: &mut Raised) {
    if let (Some(pmid), Some(relevance)) = (c.pmid(), &c.assessment.relevance)
        && relevance.topic == Some(false)
    {
        raised.push((
            Code::KeywordsAbsent,
            format!(
                "none of the claim's keywords ({}) appear in {pmid}'s title, abstract, MeSH or substances",
                c.claim.keywords.join(", ")
            ),
        ));
    }
}

fn population_not_studied(c: &CitationContext<'_>, raised: &mut Raised) {
    if let (Some(pmid), Some(relevance), Some(record)) =
        (c.pmid(), &c.assessment.relevance, c.assessment.record)
        && !relevance.groups_missing.is_empty()
    {
        let how = if record.mesh.is_empty() {
            "PubMed has not indexed whom it studied"
        } else {
            "its MeSH headings do not list them"
        };
        raised.push((
            Code::PopulationNotStudied,
            format!(
                "the claim speaks about {} but {pmid} did not study them ({how})",
                relevance.groups_missing.join(" and ")
            ),
        ));
    }
}
