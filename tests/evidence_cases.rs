//! Evidence classification and claim verdicts as a table of cases, on HAND-MADE PubMed
//! records: every record below is written here, field by field, to be one of the false
//! friends or edge cases of the verdict contract (../shared/notes/verdict-contract.md)
//! and the evidence notes (../shared/notes/evidence.md). None of them is a real PubMed
//! record, and their PMIDs (numbered from 90000001 by row) are made up.
//!
//! A row is one record, the classification it must get (`classify`: design, population,
//! confidence; `flags`), and the verdict and findings (code and level) of one claim of a
//! given kind citing it by PMID, audited through the real path (`audit` on a
//! `MemorySource`). Every record mentions the product term ("collagen peptide") and the
//! claim's keyword ("skin elasticity") and the claim's wording promises nothing, so
//! relevance holds and only the record's evidence and standing decide. Positive
//! controls must stay `Supported`. Every row runs; the failures are reported together,
//! each naming its row. (The table is left as written by `#[rustfmt::skip]`.)

mod common;

use claimaudit::findings::Code::{
    self, DesignFromWords, Erratum, ExpressionOfConcern, InsufficientEvidence, KindUpgraded,
    NoHumanEvidence, NotEvidence, Preprint, RetractedSource,
};
use claimaudit::ids::Pmid;
use claimaudit::judge::Verdict::{self, Retracted, Supported, Weak};
use claimaudit::judge::evidence::{self, Confidence as C, Design as D, Flag as F, Population as P};
use claimaudit::policy::Level::{self, Allow, Deny, Warn};
use claimaudit::pubmed::MemorySource;
use claimaudit::pubmed::record::{
    AbstractSection, Author, CommentCorrection, MeshHeading, PublicationType, Record,
};
use claimaudit::report::Report;

/// The advertised product's term and the claim's keyword; every record mentions both.
const PRODUCT_TERMS: &str = "[collagen peptide]";
const KEYWORDS: &str = "[skin elasticity]";
/// Wording that promises no effect and names no group of people, so the claim is judged
/// as the kind the row gives it.
const NEUTRAL_TEXT: &str = "Collagen peptide and skin elasticity";

const FIRST_PMID: u32 = 90_000_001;

// The findings most rows want.
const NONE: &[(Code, Level)] = &[];
/// Efficacy or safety claim whose source is not a human clinical study (read from the
/// index, or no design named at all: words that name none guessed nothing).
const NO_HUMANS: &[(Code, Level)] = &[(NoHumanEvidence, Deny)];
/// Efficacy or safety claim, the design guessed from words alone.
const WORDS_NO_HUMANS: &[(Code, Level)] = &[(DesignFromWords, Warn), (NoHumanEvidence, Deny)];
/// Efficacy or safety claim citing a protocol, erratum or notice.
const NOT_EVIDENCE_NO_HUMANS: &[(Code, Level)] = &[(NotEvidence, Warn), (NoHumanEvidence, Deny)];
/// Mechanism, statistic or background claim whose source is not the kind it needs.
const INSUFFICIENT: &[(Code, Level)] = &[(InsufficientEvidence, Deny)];
const WORDS_INSUFFICIENT: &[(Code, Level)] =
    &[(DesignFromWords, Warn), (InsufficientEvidence, Deny)];
const RETRACTED: &[(Code, Level)] = &[(RetractedSource, Deny)];

/// A hand-made record, built field by field. It always carries the publication type
/// "Journal Article", as nearly every PubMed record does; MeSH headings make it a
/// MEDLINE-indexed record, and without them it is "PubMed-not-MEDLINE".
struct Made(Record);

/// A hand-made record titled `title`, not yet indexed (no MeSH).
fn made(title: &str) -> Made {
    let mut record = Record::new(Pmid::new(FIRST_PMID).expect("a PMID"));
    record.title = title.into();
    record.authors = vec![Author {
        last_name: Some("Handmade".into()),
        fore_name: Some("Test".into()),
        initials: Some("T".into()),
        ..Author::default()
    }];
    record.journal = Some("Journal of Hand-Made Records".into());
    record.iso_abbrev = Some("J Hand Made Rec".into());
    record.year = Some(2024);
    record.citation_status = Some("PubMed-not-MEDLINE".into());
    record.publication_types = vec![publication_type("Journal Article")];
    Made(record)
}

fn publication_type(name: &str) -> PublicationType {
    PublicationType {
        name: name.into(),
        ui: None,
    }
}

impl Made {
    /// An unstructured abstract.
    fn abstract_text(mut self, text: &str) -> Self {
        self.0.abstract_sections.push(AbstractSection {
            label: None,
            nlm_category: None,
            text: text.into(),
        });
        self
    }

    /// Publication types beside "Journal Article".
    fn types(mut self, names: &[&str]) -> Self {
        self.0
            .publication_types
            .extend(names.iter().map(|n| publication_type(n)));
        self
    }

    /// Only these publication types (a preprint or a notice is no journal article).
    fn only_types(mut self, names: &[&str]) -> Self {
        self.0.publication_types.clear();
        self.types(names)
    }

    /// MeSH descriptors: the record is MEDLINE-indexed.
    fn mesh(mut self, descriptors: &[&str]) -> Self {
        self.0.mesh.extend(descriptors.iter().map(|d| MeshHeading {
            descriptor: (*d).into(),
            ..MeshHeading::default()
        }));
        self.0.citation_status = Some("MEDLINE".into());
        self
    }

    /// `MedlineCitation/@Status`, e.g. "Publisher" for a record only the publisher has
    /// described.
    fn status(mut self, status: &str) -> Self {
        self.0.citation_status = Some(status.into());
        self
    }

    /// A `CommentsCorrections` link of `ref_type` (RetractionIn, ErratumIn, ...).
    fn link(mut self, ref_type: &str) -> Self {
        self.0.comments_corrections.push(CommentCorrection {
            ref_type: ref_type.into(),
            ref_source: Some("J Hand Made Rec. 2025;1:1".into()),
            pmid: Pmid::new(99_999_999),
        });
        self
    }
}

/// What `classify` must say: design, population, confidence.
type Class = (D, P, C);

struct Case {
    id: &'static str,
    kind: &'static str,
    text: &'static str,
    record: Record,
    class: Class,
    flags: &'static [F],
    verdict: Verdict,
    findings: &'static [(Code, Level)],
}

/// A `kind` claim citing `record` by PMID: the record classifies as `class` with
/// `flags`, and the claim gets `verdict` with exactly `findings`.
fn row(
    id: &'static str,
    kind: &'static str,
    record: Made,
    class: Class,
    flags: &'static [F],
    verdict: Verdict,
    findings: &'static [(Code, Level)],
) -> Case {
    Case {
        id,
        kind,
        text: NEUTRAL_TEXT,
        record: record.0,
        class,
        flags,
        verdict,
        findings,
    }
}

impl Case {
    /// The claim's wording, when it matters.
    fn text(mut self, text: &'static str) -> Self {
        self.text = text;
        self
    }

    fn yaml(&self) -> String {
        format!(
            "product:\n  name: test product\n  terms: {PRODUCT_TERMS}\nclaims:\n  - id: {}\n    text: {}\n    kind: {}\n    keywords: {KEYWORDS}\n    citations: [{{pmid: {}}}]\n",
            self.id, self.text, self.kind, self.record.pmid
        )
    }
}

/// Audits claims `yaml` against `record` alone.
async fn audit_yaml(record: &Record, yaml: &str) -> Report {
    common::audit_on(&MemorySource::new([record.clone()]), yaml).await
}

/// What is wrong with the classification of `case`'s record and its claim's report.
fn problems(case: &Case, report: &Report) -> Vec<String> {
    let mut wrong = Vec::new();
    let got = evidence::classify(&case.record);
    let (design, population, confidence) = case.class;
    if (got.design, got.population) != (design, population) || got.confidence != confidence {
        wrong.push(format!(
            "wanted {design:?}/{population:?}/{confidence:?}, classified {:?}/{:?}/{:?} (level {:?}, basis {:?})",
            got.design, got.population, got.confidence, got.level, got.basis
        ));
    }
    let mut flags = evidence::flags(&case.record);
    let mut wanted_flags = case.flags.to_vec();
    flags.sort();
    wanted_flags.sort();
    if flags != wanted_flags {
        wrong.push(format!("wanted flags {wanted_flags:?}, got {flags:?}"));
    }

    let [claim] = report.claims.as_slice() else {
        wrong.push(format!("one claim reported, not {}", report.claims.len()));
        return wrong;
    };
    wrong.extend(common::verdict_problems(claim, case.verdict, case.findings));
    // The report shows the same classification, and the citation supports the claim
    // exactly when the claim is supported (it is the claim's only citation).
    match claim.citations.as_slice() {
        [citation] => {
            if citation.evidence.as_ref() != Some(&got) {
                wrong.push(format!(
                    "the report's evidence {:?} is not the classification {got:?}",
                    citation.evidence
                ));
            }
            if citation.flags != evidence::flags(&case.record) {
                wrong.push(format!(
                    "the report's flags {:?} are not the record's",
                    citation.flags
                ));
            }
            if citation.supports != (claim.verdict == Supported) {
                wrong.push(format!(
                    "the citation says supports: {} but the verdict is {:?}",
                    citation.supports, claim.verdict
                ));
            }
        }
        citations => wrong.push(format!("one citation reported, not {}", citations.len())),
    }
    if claim.verdict == Supported
        && claim.best_evidence.as_ref().map(|b| b.pmid) != Some(case.record.pmid)
    {
        wrong.push(format!(
            "a supported claim names its source as best evidence, not {:?}",
            claim.best_evidence
        ));
    }
    wrong
}

async fn run(mut cases: Vec<Case>) {
    assert!(!cases.is_empty(), "a table with no row tests nothing");
    let mut failures = Vec::new();
    for (n, case) in cases.iter_mut().enumerate() {
        case.record.pmid = Pmid::new(FIRST_PMID + n as u32).expect("a PMID");
        let yaml = case.yaml();
        let report = audit_yaml(&case.record, &yaml).await;
        let wrong = problems(case, &report);
        if !wrong.is_empty() {
            failures.push(format!(
                "row `{}` (PMID {}, \"{}\"):\n  - {}",
                case.id,
                case.record.pmid,
                case.record.title,
                wrong.join("\n  - ")
            ));
        }
    }
    let ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "row ids are unique");
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Words that look like a design, and records that are no study of people at all:
/// none of them may support an efficacy claim.
#[tokio::test]
async fn false_friends_do_not_support_efficacy() {
    const NOT_INDEXED: &[F] = &[F::NotMedlineIndexed];
    #[rustfmt::skip]
    let cases = vec![
        // "Registry" in an abstract is not a registry study (and no study design at all).
        row("registry-word", "efficacy",
            made("Collagen peptide and skin elasticity")
                .abstract_text("Collagen peptide products are listed in the national Registry of cosmetic ingredients. We summarise what is known about skin elasticity."),
            (D::Other, P::Unknown, C::Low), NOT_INDEXED, Weak, NO_HUMANS),
        // Analysing a finished trial's data is not a trial.
        row("secondary-analysis", "efficacy",
            made("Collagen peptide and skin elasticity in women: a secondary analysis of a randomized controlled trial")
                .abstract_text("We re-analysed the data of 120 women enrolled in a double-blind, placebo-controlled trial."),
            (D::Observational, P::Human, C::Low), NOT_INDEXED, Weak, WORDS_NO_HUMANS),
        // A study protocol has no results, whatever trial it describes.
        row("protocol-title", "efficacy",
            made("Collagen peptide for skin elasticity: study protocol for a randomised, double-blind, placebo-controlled trial")
                .abstract_text("We will enrol 200 women and randomly assign them to collagen peptide or placebo."),
            (D::Protocol, P::Human, C::Low), NOT_INDEXED, Weak, NOT_EVIDENCE_NO_HUMANS),
        row("protocol-type", "efficacy",
            made("Collagen peptide and skin elasticity (CPSE): protocol of a randomised trial")
                .types(&["Clinical Trial Protocol"]).mesh(&["Humans", "Female", "Skin Aging"]),
            (D::Protocol, P::Human, C::High), &[], Weak, NOT_EVIDENCE_NO_HUMANS),
        // An indexed protocol without the "Clinical Trial Protocol" type (older and
        // publisher-typed records) whose MeSH names a design: the title says what the paper
        // is, whatever trial its headings describe.
        row("protocol-title-indexed", "efficacy",
            made("Collagen peptide for skin elasticity: study protocol for a randomised, double-blind, placebo-controlled trial")
                .abstract_text("We will enrol 200 women and randomly assign them to collagen peptide or placebo.")
                .mesh(&["Humans", "Female", "Double-Blind Method", "Randomized Controlled Trials as Topic", "Research Design"]),
            (D::Protocol, P::Human, C::Low), &[], Weak, NOT_EVIDENCE_NO_HUMANS),
        // A randomised trial in dogs is an animal study.
        row("in-dogs-words", "efficacy",
            made("A randomized controlled trial of collagen peptide for skin elasticity in dogs")
                .abstract_text("Forty dogs were randomly assigned to collagen peptide or placebo for 12 weeks."),
            (D::Animal, P::Animal, C::Low), NOT_INDEXED, Weak, WORDS_NO_HUMANS),
        // The publisher typed the dog trial "Randomized Controlled Trial" and NLM has not
        // indexed it yet (no MeSH, so no Animals tag and no veterinary type): the words say
        // who was studied.
        row("in-dogs-publisher-typed", "efficacy",
            made("A randomized controlled trial of collagen peptide for skin elasticity in dogs")
                .abstract_text("Forty dogs were randomly assigned to collagen peptide or placebo for 12 weeks.")
                .types(&["Randomized Controlled Trial"]).status("Publisher"),
            (D::Rct, P::Animal, C::Medium), NOT_INDEXED, Weak, NO_HUMANS),
        row("veterinary-rct-type", "efficacy",
            made("Collagen peptide and skin elasticity in dogs: a randomized controlled trial")
                .types(&["Randomized Controlled Trial, Veterinary"]).mesh(&["Animals", "Dogs", "Skin"]),
            (D::Rct, P::Animal, C::High), &[], Weak, NO_HUMANS),
        // The veterinary type wins over a Humans tag (owners, say) ...
        row("veterinary-rct-type-humans", "efficacy",
            made("Collagen peptide and skin elasticity in 40 patients: a randomized controlled trial")
                .types(&["Randomized Controlled Trial, Veterinary"]).mesh(&["Humans", "Animals", "Dogs"]),
            (D::Rct, P::Animal, C::High), &[], Weak, NO_HUMANS),
        // ... and stands without any MeSH, the words saying "patients".
        row("veterinary-rct-type-no-mesh", "efficacy",
            made("Collagen peptide and skin elasticity in 40 patients: a randomized controlled trial")
                .types(&["Randomized Controlled Trial, Veterinary"]).status("Publisher"),
            (D::Rct, P::Animal, C::High), NOT_INDEXED, Weak, NO_HUMANS),
        // A trial type on an animals-only record is preclinical work.
        row("rct-type-animals-mesh", "efficacy",
            made("Collagen peptide and skin elasticity: a randomized controlled trial")
                .types(&["Randomized Controlled Trial"]).mesh(&["Animals", "Dogs", "Skin"]),
            (D::Rct, P::Animal, C::Medium), &[], Weak, NO_HUMANS),
        // A withdrawn Cochrane review: a systematic review of people, but withdrawn.
        row("withdrawn-cochrane", "efficacy",
            made("WITHDRAWN: Oral collagen peptides for improving skin elasticity")
                .types(&["Systematic Review", "Review"]).mesh(&["Humans", "Skin Aging", "Collagen"]),
            (D::SystematicReview, P::Human, C::High), &[F::Withdrawn], Retracted, RETRACTED),
        row("retracted-rct", "efficacy",
            made("Collagen peptide and skin elasticity: a randomized controlled trial")
                .types(&["Randomized Controlled Trial"]).mesh(&["Humans", "Female"]).link("RetractionIn"),
            (D::Rct, P::Human, C::High), &[F::Retracted], Retracted, RETRACTED),
        row("partially-retracted-rct", "efficacy",
            made("Collagen peptide and skin elasticity: a randomized controlled trial")
                .types(&["Randomized Controlled Trial"]).mesh(&["Humans", "Female"]).link("PartialRetractionIn"),
            (D::Rct, P::Human, C::High), &[F::PartiallyRetracted], Retracted, RETRACTED),
        // Under an expression of concern the paper needs a person's waiver.
        row("expression-of-concern-rct", "efficacy",
            made("Collagen peptide and skin elasticity: a randomized controlled trial")
                .types(&["Randomized Controlled Trial"]).mesh(&["Humans", "Female"]).link("ExpressionOfConcernIn"),
            (D::Rct, P::Human, C::High), &[F::ExpressionOfConcern], Retracted, &[(ExpressionOfConcern, Deny)]),
        // Positive control: a published correction is a note to read, not a disqualifier.
        row("erratum-rct", "efficacy",
            made("Collagen peptide and skin elasticity: a randomized controlled trial")
                .types(&["Randomized Controlled Trial"]).mesh(&["Humans", "Female"]).link("ErratumIn"),
            (D::Rct, P::Human, C::High), &[F::Erratum], Supported, &[(Erratum, Allow)]),
        // A paper on meta-analysis methods is not a meta-analysis, indexed or not.
        row("meta-analysis-methods", "efficacy",
            made("Statistical methods for meta-analysis of collagen peptide trials on skin elasticity")
                .abstract_text("We compare random-effects estimators for pooling trials of collagen peptide."),
            (D::Other, P::Unknown, C::Low), NOT_INDEXED, Weak, NO_HUMANS),
        row("meta-analysis-methods-indexed", "efficacy",
            made("Statistical methods for meta-analysis of collagen peptide trials on skin elasticity")
                .abstract_text("We compare random-effects estimators for pooling trials of collagen peptide.")
                .mesh(&["Humans", "Meta-Analysis as Topic", "Models, Statistical"]),
            (D::Other, P::Human, C::Low), &[], Weak, NO_HUMANS),
        // A comment on a trial is not the trial.
        row("comment-on-title", "efficacy",
            made("Comment on: collagen peptide and skin elasticity in a randomized controlled trial"),
            (D::EditorialOrComment, P::Unknown, C::Low), NOT_INDEXED, Weak, WORDS_NO_HUMANS),
        row("comment-type", "efficacy",
            made("Collagen peptide and skin elasticity: not so fast")
                .only_types(&["Comment"]).mesh(&["Humans", "Skin Aging"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, NO_HUMANS),
        // A test battery's validation measures the measure, not the product.
        row("test-battery-words", "efficacy",
            made("Validation of a test battery for skin elasticity after collagen peptide intake")
                .abstract_text("Thirty volunteers were tested twice, in randomized order, one week apart."),
            (D::Other, P::Human, C::Low), NOT_INDEXED, Weak, NO_HUMANS),
        row("validation-study-type", "efficacy",
            made("Validation of a test battery for skin elasticity after collagen peptide intake")
                .types(&["Validation Study"]).mesh(&["Humans", "Reproducibility of Results", "Skin Aging"]),
            (D::Observational, P::Human, C::High), &[], Weak, NO_HUMANS),
        // Cells in a dish may be "randomized" too.
        row("in-vitro-randomized-words", "efficacy",
            made("Collagen peptide and skin elasticity markers in cultured dermal fibroblasts")
                .abstract_text("Fibroblast cultures were randomized to collagen peptide or vehicle in vitro."),
            (D::InVitro, P::InVitro, C::Low), NOT_INDEXED, Weak, WORDS_NO_HUMANS),
        row("in-vitro-randomized-mesh", "efficacy",
            made("Collagen peptide and skin elasticity markers in cultured dermal fibroblasts")
                .abstract_text("Fibroblast cultures were randomized to collagen peptide or vehicle.")
                .mesh(&["Humans", "Fibroblasts", "Cells, Cultured", "Skin"]),
            (D::InVitro, P::InVitro, C::High), &[], Weak, NO_HUMANS),
        // An unreviewed preprint is no evidence, whatever its type.
        row("preprint-rct", "efficacy",
            made("Collagen peptide and skin elasticity: a randomized controlled trial")
                .only_types(&["Preprint", "Randomized Controlled Trial"]).status("Publisher"),
            (D::Rct, P::Human, C::Medium), &[F::Preprint, F::NotMedlineIndexed], Weak,
            &[(Preprint, Warn), (NoHumanEvidence, Deny)]),
    ];
    run(cases).await;
}

/// A design read from words alone is a lead for a person: the same trial counts only
/// once PubMed has indexed it.
#[tokio::test]
async fn designs_from_words_are_leads_not_evidence() {
    const NOT_INDEXED: &[F] = &[F::NotMedlineIndexed];
    let rct_title =
        "Collagen peptide and skin elasticity: a prospective, randomized, single-blinded study";
    let rct_abstract = "Sixty healthy women took collagen peptide or placebo for 12 weeks.";
    let cohort_title = "Collagen peptide and skin elasticity: a prospective clinical study";
    let cohort_abstract = "Forty women took collagen peptide daily and were followed for 12 weeks.";
    #[rustfmt::skip]
    let cases = vec![
        row("rct-words", "efficacy", made(rct_title).abstract_text(rct_abstract),
            (D::Rct, P::Human, C::Low), NOT_INDEXED, Weak, WORDS_NO_HUMANS),
        row("cohort-words", "efficacy", made(cohort_title).abstract_text(cohort_abstract),
            (D::Cohort, P::Human, C::Low), NOT_INDEXED, Weak, WORDS_NO_HUMANS),
        // Positive controls: the same studies once indexed.
        row("rct-indexed", "efficacy",
            made(rct_title).abstract_text(rct_abstract)
                .types(&["Randomized Controlled Trial"]).mesh(&["Humans", "Female", "Skin Aging"]),
            (D::Rct, P::Human, C::High), &[], Supported, NONE),
        row("cohort-prospective-mesh", "efficacy",
            made(cohort_title).abstract_text(cohort_abstract)
                .mesh(&["Humans", "Female", "Prospective Studies", "Skin Aging"]),
            (D::Cohort, P::Human, C::Medium), &[], Supported, NONE),
        // Humans alone says who, not how: the design is still guessed from the words.
        row("rct-words-humans-only", "efficacy",
            made(rct_title).abstract_text(rct_abstract).mesh(&["Humans", "Female"]),
            (D::Rct, P::Human, C::Low), &[], Weak, WORDS_NO_HUMANS),
        // A mechanism or statistic claim needs a trustworthy design too ...
        row("in-vitro-words-mechanism", "mechanism",
            made("Collagen peptide and skin elasticity markers in cultured dermal fibroblasts")
                .abstract_text("Fibroblast cultures were treated with collagen peptide in vitro."),
            (D::InVitro, P::InVitro, C::Low), NOT_INDEXED, Weak, WORDS_INSUFFICIENT),
        // ... background does not (any scholarly source), the guess still shown.
        row("rct-words-background", "background", made(rct_title).abstract_text(rct_abstract),
            (D::Rct, P::Human, C::Low), NOT_INDEXED, Supported, &[(DesignFromWords, Warn)]),
    ];
    run(cases).await;
}

/// Each kind of claim has its bar: designs that pass it and designs that do not.
#[tokio::test]
async fn each_claim_kind_has_its_bar() {
    let title = "Collagen peptide and skin elasticity";
    let humans = &["Humans", "Skin Aging"][..];
    let typed = |types: &[&str]| made(title).types(types).mesh(humans);
    let animal = || made(title).mesh(&["Animals", "Mice", "Skin Aging"]);
    let cells = || made(title).mesh(&["Humans", "Fibroblasts", "Cells, Cultured"]);
    let cross_sectional = || made(title).mesh(&["Humans", "Cross-Sectional Studies"]);
    #[rustfmt::skip]
    let cases = vec![
        // Efficacy: a clinical study in people.
        row("efficacy-meta-analysis", "efficacy", typed(&["Meta-Analysis", "Systematic Review"]),
            (D::MetaAnalysis, P::Human, C::High), &[], Supported, NONE),
        row("efficacy-rct", "efficacy", typed(&["Randomized Controlled Trial"]),
            (D::Rct, P::Human, C::High), &[], Supported, NONE),
        row("efficacy-phase-ii", "efficacy", typed(&["Clinical Trial, Phase II"]),
            (D::ClinicalTrial, P::Human, C::High), &[], Supported, NONE),
        row("efficacy-observational-prospective", "efficacy",
            made(title).types(&["Observational Study"]).mesh(&["Humans", "Prospective Studies"]),
            (D::Cohort, P::Human, C::High), &[], Supported, NONE),
        row("efficacy-phase-i", "efficacy", typed(&["Clinical Trial, Phase I"]),
            (D::EarlyPhaseTrial, P::Human, C::High), &[], Weak, NO_HUMANS),
        // Fixed in tables.rs: the generic "Clinical Trial" beside the phase I type said
        // nothing more, but came first and made a dose-finding study a clinical trial.
        row("efficacy-phase-i-also-clinical-trial", "efficacy", typed(&["Clinical Trial", "Clinical Trial, Phase I"]),
            (D::EarlyPhaseTrial, P::Human, C::High), &[], Weak, NO_HUMANS),
        // A phase I/II trial has efficacy endpoints.
        row("efficacy-phase-i-ii", "efficacy", typed(&["Clinical Trial, Phase I", "Clinical Trial, Phase II"]),
            (D::ClinicalTrial, P::Human, C::High), &[], Supported, NONE),
        row("efficacy-practice-guideline", "efficacy", typed(&["Practice Guideline"]),
            (D::Guideline, P::Human, C::High), &[], Weak, NO_HUMANS),
        row("efficacy-cross-sectional", "efficacy", cross_sectional(),
            (D::CrossSectional, P::Human, C::Medium), &[], Weak, NO_HUMANS),
        row("efficacy-observational-cross-sectional", "efficacy",
            made(title).types(&["Observational Study"]).mesh(&["Humans", "Cross-Sectional Studies"]),
            (D::CrossSectional, P::Human, C::High), &[], Weak, NO_HUMANS),
        row("efficacy-narrative-review", "efficacy", typed(&["Review"]),
            (D::NarrativeReview, P::Human, C::High), &[], Weak, NO_HUMANS),
        row("efficacy-case-reports", "efficacy", typed(&["Case Reports"]),
            (D::CaseReport, P::Human, C::High), &[], Weak, NO_HUMANS),
        row("efficacy-animal", "efficacy", animal(),
            (D::Animal, P::Animal, C::High), &[], Weak, NO_HUMANS),
        row("efficacy-comparative-animals", "efficacy",
            made(title).types(&["Comparative Study"]).mesh(&["Animals", "Rats"]),
            (D::Animal, P::Animal, C::High), &[], Weak, NO_HUMANS),
        // Safety: the same bar.
        row("safety-rct", "safety", typed(&["Randomized Controlled Trial"]),
            (D::Rct, P::Human, C::High), &[], Supported, NONE),
        row("safety-cohort", "safety", made(title).mesh(&["Humans", "Prospective Studies"]),
            (D::Cohort, P::Human, C::Medium), &[], Supported, NONE),
        row("safety-animal", "safety", animal(),
            (D::Animal, P::Animal, C::High), &[], Weak, NO_HUMANS),
        row("safety-case-reports", "safety", typed(&["Case Reports"]),
            (D::CaseReport, P::Human, C::High), &[], Weak, NO_HUMANS),
        row("safety-phase-i", "safety", typed(&["Clinical Trial, Phase I"]),
            (D::EarlyPhaseTrial, P::Human, C::High), &[], Weak, NO_HUMANS),
        // Mechanism: any primary study or systematic review; no opinion or history.
        row("mechanism-animal", "mechanism", animal(),
            (D::Animal, P::Animal, C::High), &[], Supported, NONE),
        row("mechanism-in-vitro", "mechanism", cells(),
            (D::InVitro, P::InVitro, C::High), &[], Supported, NONE),
        row("mechanism-rct", "mechanism", typed(&["Randomized Controlled Trial"]),
            (D::Rct, P::Human, C::High), &[], Supported, NONE),
        row("mechanism-editorial", "mechanism", typed(&["Editorial"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("mechanism-letter", "mechanism", typed(&["Letter"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("mechanism-historical", "mechanism", typed(&["Historical Article"]),
            (D::Historical, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("mechanism-narrative-review", "mechanism", typed(&["Review"]),
            (D::NarrativeReview, P::Human, C::High), &[], Weak, INSUFFICIENT),
        // A claim worded as an effect in people is judged as efficacy whatever its kind.
        row("mechanism-worded-as-effect", "mechanism", animal(),
            (D::Animal, P::Animal, C::High), &[], Weak, &[(KindUpgraded, Warn), (NoHumanEvidence, Deny)])
            .text("Collagen peptide improves skin elasticity"),
        // Statistic: a primary study or systematic review that reports figures.
        row("statistic-rct", "statistic", typed(&["Randomized Controlled Trial"]),
            (D::Rct, P::Human, C::High), &[], Supported, NONE),
        row("statistic-cross-sectional", "statistic", cross_sectional(),
            (D::CrossSectional, P::Human, C::Medium), &[], Supported, NONE),
        row("statistic-letter", "statistic", typed(&["Letter"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("statistic-editorial", "statistic", typed(&["Editorial"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("statistic-comment", "statistic", typed(&["Comment"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        // Background: any scholarly source on the topic; not a protocol, a notice, or an
        // opinion piece, which states rather than establishes.
        row("background-narrative-review", "background", typed(&["Review"]),
            (D::NarrativeReview, P::Human, C::High), &[], Supported, NONE),
        row("background-editorial", "background", typed(&["Editorial"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("background-letter", "background", typed(&["Letter"]),
            (D::EditorialOrComment, P::Human, C::High), &[], Weak, INSUFFICIENT),
        row("background-history", "background", typed(&["Historical Article"]),
            (D::Historical, P::Human, C::High), &[], Supported, NONE),
        row("background-guideline", "background", typed(&["Practice Guideline"]),
            (D::Guideline, P::Human, C::High), &[], Supported, NONE),
        row("background-erratum", "background", made(title).only_types(&["Published Erratum"]).mesh(humans),
            (D::Erratum, P::Human, C::High), &[F::Erratum], Weak, &[(NotEvidence, Warn), (InsufficientEvidence, Deny)]),
        row("background-protocol", "background", typed(&["Clinical Trial Protocol"]),
            (D::Protocol, P::Human, C::High), &[], Weak, &[(NotEvidence, Warn), (InsufficientEvidence, Deny)]),
    ];
    run(cases).await;
}
