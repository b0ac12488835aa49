//! Classification from words, for records NLM has not indexed (no MeSH, no telling
//! publication type): the phrases authors use for their study's design and population.
//! Always low confidence: a lead for a person, never enough to support a claim.
//!
//! Words are false friends as often as not, so the rules look for what a paper says
//! about itself: a "registry" in the abstract is not a registry study, a "secondary
//! analysis" of a trial is not a trial, a "study protocol" has no results, a trial "in
//! dogs" is not human, and a paper on meta-analysis *methods* is not a meta-analysis.

use super::{Design, Population};
use crate::pubmed::record::{Record, TextParts};
use crate::text::SearchableText;

/// Title, abstract and author keywords: what the authors wrote. MeSH is left out on
/// purpose, since "Randomized Controlled Trials as Topic" names a subject, not a design.
pub(super) fn written_text(record: &Record) -> SearchableText {
    record.searchable_text(TextParts::Written)
}

/// Words that make a title describe something other than a study of its own.
const NOT_A_STUDY_TITLES: &[(&[&str], Design)] = &[
    (
        &[
            "study protocol",
            "protocol for",
            "trial protocol",
            "protocol of",
        ],
        Design::Protocol,
    ),
    (
        &[
            "comment on",
            "commentary",
            "reply to",
            "in response to",
            "authors' response",
            "author's response",
            "in reply",
            "letter to the editor",
            "editorial",
        ],
        Design::EditorialOrComment,
    ),
    (
        &[
            "methods for",
            "methodological",
            "methodology",
            "reporting guideline",
            "statistical methods",
            "how to conduct",
            "guidance for",
            "test battery",
            "battery of tests",
            "psychometric",
            "reliability and validity",
            "test-retest",
            "validation of",
            "a new tool",
            "tool to assess",
            "tool for assessing",
            "risk of bias",
        ],
        Design::Other,
    ),
    (
        &[
            "clinical practice guideline",
            "practice guideline",
            "guideline for",
            "guidelines for",
            "consensus statement",
            "position statement",
        ],
        Design::Guideline,
    ),
    (
        &[
            "literature review",
            "narrative review",
            "review of the literature",
            "a review",
            "an overview",
            "state of the art",
        ],
        Design::NarrativeReview,
    ),
    (&["history of", "historical"], Design::Historical),
];

/// What a title says the paper is when it is not a study of its own: a protocol, a
/// comment, a method, a guideline, a review, a history.
pub(super) fn design_from_title(record: &Record) -> Option<Design> {
    let title = SearchableText::new([record.title.as_str()]);
    NOT_A_STUDY_TITLES
        .iter()
        .find(|(phrases, _)| title.has_any_phrase(phrases))
        .map(|&(_, design)| design)
}

/// The design a record's words describe, if any.
pub(super) fn design_from_text(record: &Record, text: &SearchableText) -> Option<Design> {
    if let Some(design) = design_from_title(record) {
        return Some(design);
    }
    let randomized = text.has_any_phrase(&["randomized", "randomised", "randomly assigned"])
        && !text.has_any_phrase(&[
            "non-randomized",
            "non-randomised",
            "nonrandomized",
            "nonrandomised",
            "not randomized",
            "not randomised",
        ]);
    let secondary = text.has_any_phrase(&[
        "secondary analysis",
        "post hoc analysis",
        "post-hoc analysis",
        "exploratory analysis",
        "ancillary study",
    ]);
    if text.has_any_phrase(&["meta-analysis", "meta-analyses", "pooled analysis"]) {
        Some(Design::MetaAnalysis)
    } else if text.has_phrase("systematic review") {
        Some(Design::SystematicReview)
    } else if randomized && secondary {
        // Analysing a finished trial's data is an observational study of it.
        Some(Design::Observational)
    } else if randomized
        && text.has_any_phrase(&[
            "trial",
            "controlled",
            "placebo",
            "study",
            "blind",
            "blinded",
            "crossover",
            "cross-over",
        ])
    {
        Some(Design::Rct)
    } else if text.has_any_phrase(&["phase i", "phase 1", "first-in-human", "dose-escalation"]) {
        Some(Design::EarlyPhaseTrial)
    } else if text.has_any_phrase(&[
        "double-blind",
        "double-blinded",
        "single-blind",
        "single-blinded",
        "placebo-controlled",
        "clinical trial",
        "phase ii",
        "phase iii",
        "phase 2",
        "phase 3",
        "open-label",
    ]) {
        Some(Design::ClinicalTrial)
    } else if text.has_any_phrase(&[
        "case report",
        "case series",
        "we report a case",
        "we present a case",
        "we describe a case",
    ]) {
        Some(Design::CaseReport)
    } else if text.has_any_phrase(&[
        "prospective study",
        "prospective studies",
        "prospective cohort",
        "prospective clinical study",
        "prospective observational",
        "prospective multicenter",
        "prospectively followed",
    ]) {
        Some(Design::Cohort)
    } else if text.has_any_phrase(&["cross-sectional", "cross sectional survey"]) {
        Some(Design::CrossSectional)
    } else if text.has_any_phrase(&[
        "cohort study",
        "retrospective",
        "case-control",
        "registry-based study",
    ]) {
        Some(Design::Observational)
    } else {
        None
    }
}

/// Who or what the words say was studied.
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
        "piglets",
        "canine",
        "dogs",
        "feline",
        "cats",
        "equine",
        "horses",
        "bovine",
        "cattle",
        "veterinary",
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
