//! What kind of evidence a PubMed record is: publication types say what the paper is,
//! MeSH check tags say who or what was studied, and when a record has no MeSH (not yet
//! indexed) the title and abstract words are the fallback, at low confidence: a lead for
//! a person, never enough to support a claim. The levels follow the usual hierarchy of
//! clinical evidence (see the README, "Evidence classification").

mod tables;
mod text;

use serde::{Deserialize, Serialize};

use self::tables::{
    ANIMAL_MODEL_MESH, CELL_CULTURE_MESH, DESIGN_BY_MESH, DESIGN_BY_PUBLICATION_TYPE,
    HUMAN_ONLY_COMPARATIVE_TYPES, NOT_EVIDENCE_TYPES, OBSERVATIONAL_REFINEMENTS, VETERINARY_TYPES,
};
use self::text::{design_from_text, design_from_title, population_from_words, written_text};
use crate::pubmed::record::{Record, RecordKind};

named_enum! {
    pub enum Design {
        MetaAnalysis,
        SystematicReview,
        Rct,
        /// A controlled or uncontrolled trial, phase II or later.
        ClinicalTrial,
        /// Phase I: finding a safe dose in a few people.
        EarlyPhaseTrial,
        /// A prospective cohort: people followed forward in time.
        Cohort,
        /// Other observational designs: retrospective, case-control, registry analyses.
        Observational,
        /// A survey at one point in time.
        CrossSectional,
        /// One patient, or a few.
        CaseReport,
        NarrativeReview,
        Guideline,
        Animal,
        InVitro,
        EditorialOrComment,
        Historical,
        Protocol,
        Erratum,
        /// A retraction or expression-of-concern notice.
        Notice,
        Other,
    }
}

named_enum! {
    pub enum Population {
        Human,
        Animal,
        InVitro,
        Unknown,
    }
}

named_enum! {
    /// Which part of the record a classification rests on.
    pub enum Basis {
        PublicationType,
        Mesh,
        Text,
    }
}

named_enum! {
    pub enum Confidence {
        Low,
        Medium,
        High,
    }
}

named_enum! {
    /// Facts about a record's standing that a reviewer must see whatever its design.
    pub enum Flag {
        Retracted,
        PartiallyRetracted,
        /// Withdrawn by its authors or publisher ("WITHDRAWN:" titles, Cochrane
        /// withdrawals).
        Withdrawn,
        ExpressionOfConcern,
        Erratum,
        Preprint,
        NotMedlineIndexed,
    }
}

impl Flag {
    /// Whether the paper no longer stands: it supports nothing until a person has looked.
    pub fn is_disqualifying(self) -> bool {
        matches!(
            self,
            Flag::Retracted
                | Flag::PartiallyRetracted
                | Flag::Withdrawn
                | Flag::ExpressionOfConcern
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub design: Design,
    pub population: Population,
    /// 1 (synthesis of human studies) to 5 (not clinical evidence); `None` when the
    /// record is not evidence at all (protocol, erratum, notice, preprint).
    pub level: Option<u8>,
    pub basis: Vec<Basis>,
    pub confidence: Confidence,
}

impl Design {
    /// Designs that study people directly (their level depends on the population).
    fn is_human_study(self) -> bool {
        matches!(
            self,
            Design::MetaAnalysis
                | Design::SystematicReview
                | Design::Rct
                | Design::ClinicalTrial
                | Design::EarlyPhaseTrial
                | Design::Cohort
                | Design::Observational
                | Design::CrossSectional
                | Design::CaseReport
        )
    }

    /// Original research or a systematic synthesis of it, as opposed to opinion,
    /// summary, history or notices.
    pub fn is_primary_or_systematic(self) -> bool {
        self.is_human_study() || matches!(self, Design::Animal | Design::InVitro)
    }

    /// The evidence level of the design when its population is human.
    fn human_level(self) -> Option<u8> {
        match self {
            Design::MetaAnalysis | Design::SystematicReview => Some(1),
            Design::Rct => Some(2),
            Design::ClinicalTrial
            | Design::EarlyPhaseTrial
            | Design::Cohort
            | Design::Observational
            | Design::CrossSectional => Some(3),
            Design::CaseReport => Some(4),
            Design::Protocol | Design::Erratum | Design::Notice => None,
            _ => Some(5),
        }
    }

    /// The design in plain words, with its article: "a randomised controlled trial".
    pub fn in_words(self) -> &'static str {
        match self {
            Design::MetaAnalysis => "a meta-analysis",
            Design::SystematicReview => "a systematic review",
            Design::Rct => "a randomised controlled trial",
            Design::ClinicalTrial => "a clinical trial",
            Design::EarlyPhaseTrial => "an early-phase (dose-finding) trial",
            Design::Cohort => "a prospective cohort study",
            Design::Observational => "an observational study",
            Design::CrossSectional => "a cross-sectional survey",
            Design::CaseReport => "a case report",
            Design::NarrativeReview => "a narrative review",
            Design::Guideline => "a guideline",
            Design::Animal => "an animal study",
            Design::InVitro => "a laboratory (cell) study",
            Design::EditorialOrComment => "an editorial, comment or letter",
            Design::Historical => "a historical article",
            Design::Protocol => "a study protocol",
            Design::Erratum => "an erratum",
            Design::Notice => "a retraction or concern notice",
            Design::Other => "a publication of no recognised design",
        }
    }
}

/// Classifies one record.
pub fn classify(record: &Record) -> Evidence {
    let has_mesh = !record.mesh.is_empty();
    let mesh_population = has_mesh.then(|| population_from_mesh(record));
    let preprint = record.has_publication_type("Preprint");

    let mut evidence = if let Some(design) = not_evidence_design(record) {
        Evidence {
            design,
            population: mesh_population.unwrap_or(Population::Unknown),
            level: None,
            basis: vec![Basis::PublicationType],
            confidence: Confidence::High,
        }
    } else if let Some(design) = veterinary_design(record) {
        Evidence {
            design,
            population: Population::Animal,
            level: Some(5),
            basis: vec![Basis::PublicationType],
            confidence: Confidence::High,
        }
    } else if let Some(design) = design_from_publication_types(record, mesh_population) {
        from_publication_type(refine(design, record), mesh_population, record)
    } else if record.kind == RecordKind::BookArticle {
        // A Bookshelf chapter (GeneReviews, StatPearls) is an expert summary: the
        // record type itself says so, as a publication type would.
        Evidence {
            design: Design::NarrativeReview,
            population: mesh_population.unwrap_or(Population::Unknown),
            level: Some(5),
            basis: vec![Basis::PublicationType],
            confidence: Confidence::Medium,
        }
    } else if let Some(design) = design_from_title(record) {
        // MeSH says who was studied, not what the paper is: a "study protocol" or a
        // "comment on" a trial is indexed with the trial's headings.
        Evidence {
            design,
            population: mesh_population.unwrap_or_else(|| population_from_text(record)),
            level: design.human_level(),
            basis: if has_mesh {
                vec![Basis::Mesh, Basis::Text]
            } else {
                vec![Basis::Text]
            },
            confidence: Confidence::Low,
        }
    } else if let Some(population) = mesh_population {
        from_mesh(population, record)
    } else {
        from_text(record)
    };
    if preprint {
        evidence.level = None;
    }
    evidence
}

/// Flags to show beside the classification, sorted and without repeats.
pub fn flags(record: &Record) -> Vec<Flag> {
    let mut flags = Vec::new();
    let linked = |ref_type: &str| record.links_of(ref_type).next().is_some();
    if record.has_publication_type("Retracted Publication") || linked("RetractionIn") {
        flags.push(Flag::Retracted);
    }
    if linked("PartialRetractionIn") || record.has_publication_type("Partial Retraction") {
        flags.push(Flag::PartiallyRetracted);
    }
    if is_withdrawn(record) {
        flags.push(Flag::Withdrawn);
    }
    if linked("ExpressionOfConcernIn") || record.has_publication_type("Expression of Concern") {
        flags.push(Flag::ExpressionOfConcern);
    }
    if linked("ErratumIn") || record.has_publication_type("Published Erratum") {
        flags.push(Flag::Erratum);
    }
    if record.has_publication_type("Preprint") {
        flags.push(Flag::Preprint);
    }
    let indexed = matches!(
        record.citation_status.as_deref(),
        Some("MEDLINE" | "OLDMEDLINE")
    );
    if !indexed {
        flags.push(Flag::NotMedlineIndexed);
    }
    flags
}

/// "WITHDRAWN: …" is how PubMed titles a withdrawn paper (Cochrane reviews among them).
fn is_withdrawn(record: &Record) -> bool {
    let title = record.title.trim_start().trim_start_matches(['[', '(']);
    title
        .get(..9)
        .is_some_and(|head| head.eq_ignore_ascii_case("withdrawn"))
        && title[9..].trim_start().starts_with([':', ']', ')', '.'])
}

fn veterinary_design(record: &Record) -> Option<Design> {
    VETERINARY_TYPES
        .iter()
        .find(|(name, _)| record.has_publication_type(name))
        .map(|&(_, design)| design)
}

/// A design made precise: a trial typed only phase I is dose-finding, randomised or
/// not; an observational study is made precise by MeSH (prospective → cohort).
fn refine(design: Design, record: &Record) -> Design {
    let later_phase = [
        "Clinical Trial, Phase II",
        "Clinical Trial, Phase III",
        "Clinical Trial, Phase IV",
    ]
    .iter()
    .any(|phase| record.has_publication_type(phase));
    if matches!(design, Design::Rct | Design::ClinicalTrial)
        && record.has_publication_type("Clinical Trial, Phase I")
        && !later_phase
    {
        return Design::EarlyPhaseTrial;
    }
    if design != Design::Observational {
        return design;
    }
    OBSERVATIONAL_REFINEMENTS
        .iter()
        .find(|(heading, _)| record.has_mesh(heading))
        .map_or(design, |&(_, refined)| refined)
}

fn not_evidence_design(record: &Record) -> Option<Design> {
    NOT_EVIDENCE_TYPES
        .iter()
        .find(|(name, _)| record.has_publication_type(name))
        .map(|&(_, design)| design)
}

fn design_from_publication_types(
    record: &Record,
    mesh_population: Option<Population>,
) -> Option<Design> {
    let listed = DESIGN_BY_PUBLICATION_TYPE
        .iter()
        .find(|(name, _)| record.has_publication_type(name))
        .map(|&(_, design)| design);
    listed.or_else(|| {
        let comparative = HUMAN_ONLY_COMPARATIVE_TYPES
            .iter()
            .any(|name| record.has_publication_type(name));
        (comparative && mesh_population == Some(Population::Human)).then_some(Design::Observational)
    })
}

fn from_publication_type(
    design: Design,
    mesh_population: Option<Population>,
    record: &Record,
) -> Evidence {
    let mut basis = vec![Basis::PublicationType];
    if !design.is_human_study() {
        // Reviews, guidelines and editorials are level 5 whoever they are about.
        let population = mesh_population.unwrap_or_else(|| population_from_text(record));
        basis.push(if mesh_population.is_some() {
            Basis::Mesh
        } else {
            Basis::Text
        });
        return Evidence {
            design,
            population,
            level: design.human_level(),
            basis,
            confidence: if mesh_population.is_some() {
                Confidence::High
            } else {
                Confidence::Medium
            },
        };
    }
    // A trial or review type on an animals-only record is veterinary or preclinical work:
    // the design stands, but it is no evidence about people.
    let (population, level, confidence) = match mesh_population {
        Some(Population::Animal) => (Population::Animal, Some(5), Confidence::Medium),
        Some(Population::Human) => (Population::Human, design.human_level(), Confidence::High),
        // Cells from trial participants, or a record indexed without check tags: the
        // publication type still says people were studied.
        Some(_) => (Population::Human, design.human_level(), Confidence::Medium),
        // Not indexed yet: the publisher's type says trial, but a trial "in dogs" or on
        // cell cultures is not one in people.
        None => match population_from_text(record) {
            words @ (Population::Animal | Population::InVitro) => {
                (words, Some(5), Confidence::Medium)
            }
            _ => (Population::Human, design.human_level(), Confidence::Medium),
        },
    };
    if mesh_population.is_some() {
        basis.push(Basis::Mesh);
    }
    Evidence {
        design,
        population,
        level,
        basis,
        confidence,
    }
}

fn from_mesh(population: Population, record: &Record) -> Evidence {
    match population {
        Population::Animal => Evidence {
            design: Design::Animal,
            population,
            level: Some(5),
            basis: vec![Basis::Mesh],
            confidence: Confidence::High,
        },
        Population::InVitro => Evidence {
            design: Design::InVitro,
            population,
            level: Some(5),
            basis: vec![Basis::Mesh],
            confidence: Confidence::High,
        },
        Population::Human => {
            let mesh_design = DESIGN_BY_MESH
                .iter()
                .find(|(name, _)| record.has_mesh(name))
                .map(|&(_, design)| design);
            if let Some(design) = mesh_design {
                return Evidence {
                    design,
                    population,
                    level: design.human_level(),
                    basis: vec![Basis::Mesh],
                    confidence: Confidence::Medium,
                };
            }
            match design_from_text(record, &written_text(record)) {
                Some(design) => Evidence {
                    design,
                    population,
                    level: design.human_level(),
                    basis: vec![Basis::Mesh, Basis::Text],
                    confidence: Confidence::Low,
                },
                None => Evidence {
                    design: Design::Other,
                    population,
                    level: Some(5),
                    basis: vec![Basis::Mesh],
                    confidence: Confidence::Medium,
                },
            }
        }
        Population::Unknown => {
            let mut evidence = from_text(record);
            evidence.basis.insert(0, Basis::Mesh);
            evidence
        }
    }
}

/// Classification from title and abstract words alone: always low confidence.
fn from_text(record: &Record) -> Evidence {
    let text = written_text(record);
    let words_population = population_from_words(&text);
    // A "randomised trial" in dogs or on cell cultures is an animal or cell study.
    let design = match words_population {
        Population::Animal => Some(Design::Animal),
        Population::InVitro => Some(Design::InVitro),
        _ => design_from_text(record, &text),
    };
    let population = match design {
        Some(Design::Animal) => Population::Animal,
        Some(Design::InVitro) => Population::InVitro,
        Some(d) if d.is_human_study() => Population::Human,
        _ => words_population,
    };
    let design = design.unwrap_or(Design::Other);
    let level = match population {
        Population::Human => design.human_level(),
        _ => Some(5),
    };
    Evidence {
        design,
        population,
        level,
        basis: vec![Basis::Text],
        confidence: Confidence::Low,
    }
}

fn population_from_mesh(record: &Record) -> Population {
    let any_prefix = |prefixes: &[&str]| {
        record
            .mesh
            .iter()
            .any(|m| prefixes.iter().any(|p| m.descriptor.starts_with(p)))
    };
    let humans = record.has_mesh("Humans");
    let animals = record.has_mesh("Animals");
    let cells = any_prefix(CELL_CULTURE_MESH);
    match (humans, animals) {
        // Human cells in a dish also get the Humans check tag.
        (true, false) if cells => Population::InVitro,
        (true, false) => Population::Human,
        (false, true) => Population::Animal,
        // Humans and Animals together: an animal model (often with human cells) when an
        // organism heading is present, otherwise people with some animal aspect.
        (true, true) if any_prefix(ANIMAL_MODEL_MESH) => Population::Animal,
        (true, true) => Population::Human,
        (false, false) if cells => Population::InVitro,
        (false, false) => Population::Unknown,
    }
}

fn population_from_text(record: &Record) -> Population {
    population_from_words(&written_text(record))
}

#[cfg(test)]
mod tests {
    use super::*;
    fn record(types: &[&str], mesh: &[&str], title: &str) -> Record {
        Record {
            title: title.into(),
            ..crate::pubmed::record::test_record("1", types, mesh)
        }
    }

    #[test]
    fn rct_with_humans_is_level_two_with_high_confidence() {
        let e = classify(&record(
            &["Journal Article", "Randomized Controlled Trial"],
            &["Humans", "Skin Aging"],
            "",
        ));
        assert_eq!(
            (e.design, e.population, e.level, e.confidence),
            (Design::Rct, Population::Human, Some(2), Confidence::High)
        );
        assert_eq!(e.basis, vec![Basis::PublicationType, Basis::Mesh]);
    }

    #[test]
    fn animals_without_humans_is_an_animal_study() {
        let e = classify(&record(&["Journal Article"], &["Animals", "Mice"], ""));
        assert_eq!((e.design, e.level), (Design::Animal, Some(5)));
    }

    #[test]
    fn human_cell_lines_are_in_vitro_despite_the_humans_tag() {
        let e = classify(&record(
            &["Journal Article"],
            &["Humans", "Cell Line, Tumor"],
            "",
        ));
        assert_eq!(
            (e.design, e.population),
            (Design::InVitro, Population::InVitro)
        );
    }

    #[test]
    fn a_review_about_trials_is_still_a_narrative_review() {
        let e = classify(&record(
            &["Review"],
            &["Humans", "Randomized Controlled Trials as Topic"],
            "",
        ));
        assert_eq!((e.design, e.level), (Design::NarrativeReview, Some(5)));
    }

    #[test]
    fn records_without_mesh_fall_back_to_words_at_low_confidence() {
        let e = classify(&record(
            &["Journal Article"],
            &[],
            "A randomised, double-blind trial of X in 40 patients",
        ));
        assert_eq!(
            (e.design, e.basis.as_slice(), e.confidence),
            (Design::Rct, &[Basis::Text][..], Confidence::Low)
        );
        let e = classify(&record(&["Journal Article"], &[], "X heals wounds in rats"));
        assert_eq!(e.design, Design::Animal);
    }

    #[test]
    fn protocols_and_preprints_are_not_evidence() {
        let e = classify(&record(&["Clinical Trial Protocol"], &["Humans"], ""));
        assert_eq!((e.design, e.level), (Design::Protocol, None));
        let r = record(&["Preprint", "Randomized Controlled Trial"], &[], "");
        assert_eq!(classify(&r).level, None);
        assert!(flags(&r).contains(&Flag::Preprint));
    }

    #[test]
    fn retraction_flags_come_from_type_or_link() {
        let mut r = record(&["Journal Article"], &["Humans"], "");
        assert!(!flags(&r).contains(&Flag::Retracted));
        r.comments_corrections
            .push(crate::pubmed::record::CommentCorrection {
                ref_type: "RetractionIn".into(),
                ..Default::default()
            });
        assert!(flags(&r).contains(&Flag::Retracted));
        r.citation_status = Some("PubMed-not-MEDLINE".into());
        assert!(flags(&r).contains(&Flag::NotMedlineIndexed));
    }
}
