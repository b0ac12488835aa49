//! Classification from words, for records NLM has not indexed yet (no MeSH): the
//! phrases authors use for their study's design and population. Always low confidence.

use super::{Design, Population};
use crate::pubmed::record::{Record, TextParts};
use crate::text::SearchableText;

/// Title, abstract and author keywords: what the authors wrote. MeSH is left out on
/// purpose, since "Randomized Controlled Trials as Topic" names a subject, not a design.
pub(super) fn written_text(record: &Record) -> SearchableText {
    record.searchable_text(TextParts::Written)
}

pub(super) fn design_from_text(text: &SearchableText) -> Option<Design> {
    if text.has_any_phrase(&["meta-analysis", "meta-analyses"]) {
        Some(Design::MetaAnalysis)
    } else if text.has_phrase("systematic review") {
        Some(Design::SystematicReview)
    } else if text.has_any_phrase(&["randomized", "randomised"])
        && text.has_any_phrase(&["trial", "controlled", "placebo"])
    {
        Some(Design::Rct)
    } else if text.has_any_phrase(&[
        "double-blind",
        "double-blinded",
        "placebo-controlled",
        "clinical trial",
        "phase i",
        "phase ii",
        "phase iii",
        "open-label",
    ]) {
        Some(Design::ClinicalTrial)
    } else if text.has_any_phrase(&[
        "case report",
        "we report a case",
        "we present a case",
        "we describe a case",
    ]) {
        Some(Design::CaseReport)
    } else if text.has_any_phrase(&[
        "cohort study",
        "retrospective",
        "prospective study",
        "cross-sectional",
        "case-control",
        "registry",
    ]) {
        Some(Design::Observational)
    } else {
        None
    }
}

pub(super) fn population_from_words(text: &SearchableText) -> Population {
    // "In vitro fertilization" is a treatment of patients, not a cell study.
    let ivf = text.has_any_phrase(&["in vitro fertilization", "in vitro fertilisation"]);
    if text.has_any_phrase(&[
        "mice",
        "mouse",
        "murine",
        "rat",
        "rats",
        "rodent",
        "rodents",
        "rabbits",
        "porcine",
        "canine",
        "zebrafish",
        "animal model",
        "animal models",
        "in vivo",
    ]) {
        Population::Animal
    } else if !ivf && text.has_phrase("in vitro")
        || text.has_any_phrase(&["cell line", "cell lines", "cultured", "cell culture"])
    {
        Population::InVitro
    } else if text.has_any_phrase(&[
        "patients",
        "patient",
        "participants",
        "volunteers",
        "women",
        "men",
        "children",
        "adults",
        "humans",
    ]) {
        Population::Human
    } else {
        Population::Unknown
    }
}
