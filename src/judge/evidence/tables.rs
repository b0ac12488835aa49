//! The classification tables: publication types and MeSH headings mapped to designs
//! and populations. Adding a mapping means adding a row here.

use super::Design;

/// Publication types (NLM names) mapped to a design, strongest first: when a record
/// carries several, the first match wins (a case report with a literature review is a
/// case report).
pub(super) const DESIGN_BY_PUBLICATION_TYPE: &[(&str, Design)] = &[
    ("Meta-Analysis", Design::MetaAnalysis),
    ("Systematic Review", Design::SystematicReview),
    ("Randomized Controlled Trial", Design::Rct),
    ("Equivalence Trial", Design::Rct),
    ("Pragmatic Clinical Trial", Design::Rct),
    ("Clinical Trial, Phase II", Design::ClinicalTrial),
    ("Clinical Trial, Phase III", Design::ClinicalTrial),
    ("Clinical Trial, Phase IV", Design::ClinicalTrial),
    // Phase I studies find a safe dose in a few people: not evidence that anything works.
    // A phase I/II trial (typed Phase I and Phase II) stays a clinical trial (above);
    // `refine` makes a randomised or generic trial typed only phase I dose-finding too.
    ("Clinical Trial, Phase I", Design::EarlyPhaseTrial),
    ("Controlled Clinical Trial", Design::ClinicalTrial),
    ("Adaptive Clinical Trial", Design::ClinicalTrial),
    ("Clinical Trial", Design::ClinicalTrial),
    // NLM's umbrella for trials and observational studies alike: without a trial type
    // beside it, it says no more than "observational" (MeSH may refine it to a cohort).
    ("Clinical Study", Design::Observational),
    ("Observational Study", Design::Observational),
    ("Multicenter Study", Design::Observational),
    ("Twin Study", Design::Observational),
    ("Case Reports", Design::CaseReport),
    ("Historical Article", Design::Historical),
    ("Biography", Design::Historical),
    ("Autobiography", Design::Historical),
    ("Portrait", Design::Historical),
    ("Practice Guideline", Design::Guideline),
    ("Guideline", Design::Guideline),
    ("Consensus Development Conference", Design::Guideline),
    ("Consensus Development Conference, NIH", Design::Guideline),
    ("Review", Design::NarrativeReview),
    ("Scoping Review", Design::NarrativeReview),
    ("Editorial", Design::EditorialOrComment),
    ("Comment", Design::EditorialOrComment),
    ("Letter", Design::EditorialOrComment),
    ("News", Design::EditorialOrComment),
    ("Newspaper Article", Design::EditorialOrComment),
    ("Interview", Design::EditorialOrComment),
    ("Personal Narrative", Design::EditorialOrComment),
    ("Lecture", Design::EditorialOrComment),
    ("Address", Design::EditorialOrComment),
];

/// Veterinary publication types: the design is real, but the subjects are animals.
pub(super) const VETERINARY_TYPES: &[(&str, Design)] = &[
    ("Randomized Controlled Trial, Veterinary", Design::Rct),
    ("Clinical Trial, Veterinary", Design::ClinicalTrial),
    ("Observational Study, Veterinary", Design::Observational),
];

/// Publication types that count as a human study only when MeSH says `Humans`.
pub(super) const HUMAN_ONLY_COMPARATIVE_TYPES: &[&str] =
    &["Comparative Study", "Evaluation Study", "Validation Study"];

/// Publication types that make a record no evidence at all.
pub(super) const NOT_EVIDENCE_TYPES: &[(&str, Design)] = &[
    ("Clinical Trial Protocol", Design::Protocol),
    ("Published Erratum", Design::Erratum),
    ("Retraction of Publication", Design::Notice),
    ("Expression of Concern", Design::Notice),
];

/// MeSH headings naming a study design, strongest first (not the "... as Topic" headings,
/// which name a subject: a review *about* RCTs carries "Randomized Controlled Trials as
/// Topic").
pub(super) const DESIGN_BY_MESH: &[(&str, Design)] = &[
    ("Random Allocation", Design::Rct),
    ("Double-Blind Method", Design::ClinicalTrial),
    ("Single-Blind Method", Design::ClinicalTrial),
    ("Cross-Over Studies", Design::ClinicalTrial),
    ("Prospective Studies", Design::Cohort),
    ("Cross-Sectional Studies", Design::CrossSectional),
    ("Cohort Studies", Design::Observational),
    ("Retrospective Studies", Design::Observational),
    ("Case-Control Studies", Design::Observational),
    ("Longitudinal Studies", Design::Observational),
    ("Follow-Up Studies", Design::Observational),
];

/// MeSH headings that make an observational study more precise: prospective follow-up
/// makes a cohort, one time point a cross-sectional survey.
pub(super) const OBSERVATIONAL_REFINEMENTS: &[(&str, Design)] = &[
    ("Prospective Studies", Design::Cohort),
    ("Cross-Sectional Studies", Design::CrossSectional),
];

/// MeSH headings (or heading prefixes) that mark work on cultured cells.
pub(super) const CELL_CULTURE_MESH: &[&str] = &[
    "Cells, Cultured",
    "Cell Line",
    "Cell Culture Techniques",
    "In Vitro Techniques",
    "Organoids",
    "HEK293 Cells",
    "HeLa Cells",
    "Hep G2 Cells",
    "MCF-7 Cells",
    "Caco-2 Cells",
    "A549 Cells",
    "THP-1 Cells",
    "Jurkat Cells",
    "HaCaT Cells",
    "RAW 264.7 Cells",
    "NIH 3T3 Cells",
];

/// MeSH organism headings (prefixes) that mark an animal model.
pub(super) const ANIMAL_MODEL_MESH: &[&str] = &[
    "Disease Models, Animal",
    "Mice",
    "Rats",
    "Rabbits",
    "Swine",
    "Dogs",
    "Cats",
    "Sheep",
    "Cattle",
    "Guinea Pigs",
    "Hamsters",
    "Cricetinae",
    "Macaca",
    "Primates",
    "Zebrafish",
    "Drosophila",
    "Caenorhabditis elegans",
    "Horses",
    "Chickens",
];
