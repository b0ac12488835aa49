//! The citation rules: each looks at one citation of one claim (its resolution, and
//! the record's evidence and flags) and raises findings. Adding a rule means adding a
//! function to [`CITATION_RULES`].

use super::evidence::{Design, Evidence, Flag};
use crate::claims::{Claim, Product};
use crate::findings::Code;
use crate::pubmed::record::Record;
use crate::resolve::{Resolution, ResolutionStatus};
use crate::text::SearchableText;

/// What a citation rule sees.
pub(super) struct CitationContext<'a> {
    pub claim: &'a Claim,
    pub product: &'a Product,
    pub resolution: &'a Resolution,
    /// The resolved record with its classification; `None` unless resolved.
    pub source: Option<(&'a Record, &'a Evidence)>,
    pub flags: &'a [Flag],
    /// The record's words, title to MeSH (built once for every rule that reads them).
    pub text: Option<&'a SearchableText>,
}

/// Where a rule puts what it found.
pub(super) type Raised = Vec<(Code, String)>;

pub(super) type CitationRule = fn(&CitationContext<'_>, &mut Raised);

/// Every citation rule, in the order their findings are listed.
pub(super) const CITATION_RULES: &[CitationRule] = &[
    not_found,
    ambiguous,
    not_checked,
    retracted,
    expression_of_concern,
    erratum,
    preprint,
    not_evidence,
    product_mismatch,
    keywords_absent,
    citation_mismatch,
];

fn not_found(c: &CitationContext<'_>, raised: &mut Raised) {
    if c.resolution.status == ResolutionStatus::NotFound {
        raised.push((
            Code::CitationNotFound,
            format!(
                "\"{}\" matches no PubMed record ({} queries tried); check the citation",
                c.resolution.input,
                c.resolution.lookups.len()
            ),
        ));
    }
}

fn ambiguous(c: &CitationContext<'_>, raised: &mut Raised) {
    if c.resolution.status == ResolutionStatus::Ambiguous {
        let candidates: Vec<String> = c
            .resolution
            .candidates
            .iter()
            .map(|candidate| format!("PMID {}", candidate.pmid))
            .collect();
        raised.push((
            Code::CitationAmbiguous,
            format!(
                "\"{}\" matches several records ({}); cite the PMID or DOI",
                c.resolution.input,
                candidates.join(", ")
            ),
        ));
    }
}

fn not_checked(c: &CitationContext<'_>, raised: &mut Raised) {
    if c.resolution.status == ResolutionStatus::NotChecked {
        raised.push((
            Code::LookupFailed,
            format!(
                "\"{}\" could not be checked: {}",
                c.resolution.input,
                c.resolution
                    .reason()
                    .unwrap_or_else(|| "unknown reason".into())
            ),
        ));
    }
}

fn retracted(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some((record, _)) = c.source
        && c.flags.contains(&Flag::Retracted)
    {
        raised.push((
            Code::RetractedSource,
            format!(
                "PMID {} has been retracted; it supports nothing",
                record.pmid
            ),
        ));
    }
}

fn expression_of_concern(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some((record, _)) = c.source
        && c.flags.contains(&Flag::ExpressionOfConcern)
    {
        raised.push((
            Code::ExpressionOfConcern,
            format!("PMID {} carries an expression of concern", record.pmid),
        ));
    }
}

fn erratum(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some((record, evidence)) = c.source
        && c.flags.contains(&Flag::Erratum)
        && evidence.design != Design::Erratum
    {
        raised.push((
            Code::Erratum,
            format!(
                "PMID {} has a published correction; check it still says what the claim needs",
                record.pmid
            ),
        ));
    }
}

fn preprint(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some((record, _)) = c.source
        && c.flags.contains(&Flag::Preprint)
    {
        raised.push((
            Code::Preprint,
            format!("PMID {} is a preprint, not peer reviewed", record.pmid),
        ));
    }
}

fn not_evidence(c: &CitationContext<'_>, raised: &mut Raised) {
    if let Some((record, evidence)) = c.source
        && evidence.level.is_none()
        && !c.flags.contains(&Flag::Preprint)
    {
        raised.push((
            Code::NotEvidence,
            format!(
                "PMID {} is a {}, not evidence",
                record.pmid,
                evidence.design.as_str()
            ),
        ));
    }
}

fn product_mismatch(c: &CitationContext<'_>, raised: &mut Raised) {
    let (Some((record, _)), Some(text)) = (c.source, c.text) else {
        return;
    };
    if !c.product.terms.is_empty() && !c.product.terms.iter().any(|t| text.mentions(t)) {
        raised.push((
            Code::ProductMismatch,
            format!(
                "PMID {} does not mention the advertised product ({}); it may study something else",
                record.pmid,
                c.product.terms.join(", ")
            ),
        ));
    }
}

fn keywords_absent(c: &CitationContext<'_>, raised: &mut Raised) {
    let (Some((record, _)), Some(text)) = (c.source, c.text) else {
        return;
    };
    if !c.claim.keywords.is_empty() && !c.claim.keywords.iter().any(|k| text.mentions(k)) {
        raised.push((
            Code::KeywordsAbsent,
            format!(
                "none of the claim's keywords ({}) appear in PMID {}'s title, abstract or MeSH",
                c.claim.keywords.join(", "),
                record.pmid
            ),
        ));
    }
}

/// Only real disagreements between the citation and the record it resolved to: a
/// citation match that was set aside is a note on the resolution, not a finding.
fn citation_mismatch(c: &CitationContext<'_>, raised: &mut Raised) {
    let Some((record, _)) = c.source else {
        return;
    };
    for disagreement in c.resolution.disagreements() {
        raised.push((
            Code::CitationMismatch,
            format!("PMID {}: {disagreement}", record.pmid),
        ));
    }
}
