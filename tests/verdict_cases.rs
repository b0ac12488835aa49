//! Claim verdicts as tables of cases: hand-written claims YAML audited against every
//! real record of ../shared/fixtures/eutils held in a `MemorySource` (no sockets, no
//! HTTP stand-in, no rate pacing). A row is one claim, with any scripted source
//! failures, and wants a verdict, exactly these findings (code and level, claim and
//! citations together), each citation's status, and the best evidence. Every row runs;
//! the failures are reported together, each naming its row. (Tables are left as
//! written by `#[rustfmt::skip]`: one row, one or two lines.)

mod common;

use std::path::Path;

use claimaudit::audit::{AuditOptions, audit};
use claimaudit::exit::Exit;
use claimaudit::findings::Code;
use claimaudit::judge::Verdict::{
    self, NotChecked, OffTopic, Retracted, Supported, Uncited, Unresolved, Weak, Wording,
};
use claimaudit::judge::evidence::Design::{
    self, Animal, CrossSectional, EditorialOrComment, Guideline, Historical, Rct,
};
use claimaudit::policy::Level::{self, Allow, Deny, Warn};
use claimaudit::policy::OverrideSource;
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::MemorySource;
use claimaudit::pubmed::record::Record;
use claimaudit::pubmed::source::SourceError;
use claimaudit::report::Report;

/// Fixture records the cases cite: the NEJM aspirin RCT (substances Aspirin; MeSH Venous
/// Thromboembolism, no Pregnancy or Child), the mouse study (Animals without Humans), an
/// asthma RCT whose MeSH lists Child and Aged, an unindexed sports study whose abstract
/// mentions wheelchairs and children, a WHO guideline with an erratum whose text says
/// "published", an animal study saying "shed", an editorial, a letter, a historical
/// article, a cross-sectional survey, an RCT known only from its words (no MeSH, no
/// trial type), and an RCT with its publication type but not yet MeSH-indexed.
const RCT: u32 = 23_121_403;
const MOUSE: u32 = 28_495_875;
const RCT_PMID: &str = "\"PMID: 23121403\"";
const MOUSE_PMID: &str = "{pmid: 28495875}";
const ASTHMA: &str = "{pmid: 29768149}";
const WHEELCHAIR: &str = "{pmid: 26702385}";
const GUIDELINE: &str = "{pmid: 32887691}";
const LOWERCASE_SHED: &str = "{pmid: 25391656}";
const EDITORIAL: &str = "{pmid: 35679569}";
const LETTER: &str = "{pmid: 26432139}";
const HISTORICAL: &str = "{pmid: 38851301}";
const CROSS_SECTIONAL: &str = "{pmid: 38747095}";
const WORDS_RCT: &str = "{pmid: 26702161}";
const TYPED_RCT: &str = "{pmid: 25998582}";
const NOBODYSON: &str = "\"Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes\"";
/// A citation that resolves to the RCT when it can be checked.
const RCT_DOI: &str = "{doi: 10.1056/NEJMoa1210384}";

const REJECTED_MATCH: &str = "\"Brighton TA, Zhang D. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.\"";

const NO_FINDINGS: &[(Code, Level)] = &[];

/// `findings` and the finding of built-in wording rule `rule` at `level`.
fn and_wording(findings: &[(Code, Level)], rule: &str, level: Level) -> &'static [(Code, Level)] {
    let code = claimaudit::findings::CodeBook::default()
        .parse(rule)
        .unwrap();
    let mut all = findings.to_vec();
    all.push((code, level));
    Box::leak(all.into_boxed_slice())
}

struct Case {
    id: &'static str,
    kind: &'static str,
    text: &'static str,
    product_terms: &'static str,
    keywords: &'static str,
    citations: &'static [&'static str],
    fail: Vec<SourceError>,
    verdict: Verdict,
    findings: &'static [(Code, Level)],
    statuses: &'static [&'static str],
    best: Option<(u32, Design, u8)>,
}

/// A claim `id` of `kind` about `product` (a YAML list of product terms, or "") with
/// `keywords` (a YAML list, or "") citing `citations` (YAML items) wants `verdict` with
/// exactly `findings`.
fn row(
    id: &'static str,
    kind: &'static str,
    product: &'static str,
    keywords: &'static str,
    citations: &'static [&'static str],
    verdict: Verdict,
    findings: &'static [(Code, Level)],
) -> Case {
    Case {
        id,
        kind,
        text: "効果がある",
        product_terms: product,
        keywords,
        citations,
        fail: Vec::new(),
        verdict,
        findings,
        statuses: &[],
        best: None,
    }
}

impl Case {
    /// The citations' resolution statuses, in order.
    fn statuses(mut self, statuses: &'static [&'static str]) -> Self {
        self.statuses = statuses;
        self
    }

    fn best(mut self, pmid: u32, design: Design, level: u8) -> Self {
        self.best = Some((pmid, design, level));
        self
    }

    /// The claim's wording (a YAML scalar), when it matters.
    fn text(mut self, text: &'static str) -> Self {
        self.text = text;
        self
    }

    fn fail(mut self, error: SourceError) -> Self {
        self.fail.push(error);
        self
    }

    fn yaml(&self) -> String {
        let mut yaml = String::from("product:\n  name: test product\n");
        if !self.product_terms.is_empty() {
            yaml += &format!("  terms: {}\n", self.product_terms);
        }
        yaml += &format!(
            "claims:\n  - id: {}\n    text: {}\n    kind: {}\n",
            self.id, self.text, self.kind
        );
        if !self.keywords.is_empty() {
            yaml += &format!("    keywords: {}\n", self.keywords);
        }
        if !self.citations.is_empty() {
            yaml += &format!("    citations: [{}]\n", self.citations.join(", "));
        }
        yaml
    }
}

/// Audits claims `yaml` against all fixture records, the source failing first with `fail`.
async fn audit_yaml(records: &[Record], yaml: &str, fail: &[SourceError]) -> Report {
    let source = MemorySource::new(records.iter().cloned());
    source.fail_next(fail.iter().cloned());
    common::audit_on(&source, yaml).await
}

/// What is wrong with the report of a one-claim file for `case`.
fn problems(case: &Case, report: &Report) -> Vec<String> {
    let [claim] = report.claims.as_slice() else {
        return vec![format!("one claim reported, not {}", report.claims.len())];
    };
    let mut wrong = common::verdict_problems(claim, case.verdict, case.findings);
    let statuses: Vec<&str> = claim.citations.iter().map(|c| c.status.as_str()).collect();
    if !case.statuses.is_empty() && statuses != case.statuses {
        wrong.push(format!(
            "wanted citation statuses {:?}, got {statuses:?}",
            case.statuses
        ));
    }
    let best = claim
        .best_evidence
        .as_ref()
        .map(|b| (b.pmid.get(), b.design, b.level));
    if best
        != case
            .best
            .map(|(pmid, design, level)| (pmid, design, Some(level)))
    {
        wrong.push(format!(
            "wanted best evidence {:?}, got {best:?}",
            case.best
        ));
    }
    wrong
}

async fn run(records: &[Record], cases: Vec<Case>) {
    assert!(!cases.is_empty(), "a table with no row tests nothing");
    let mut failures = Vec::new();
    for case in &cases {
        let yaml = case.yaml();
        let report = audit_yaml(records, &yaml, &case.fail).await;
        let wrong = problems(case, &report);
        if !wrong.is_empty() {
            failures.push(format!(
                "row `{}`:\n  - {}\n{yaml}",
                case.id,
                wrong.join("\n  - ")
            ));
        }
    }
    let count = (failures.len(), cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        count.0,
        count.1,
        failures.join("\n")
    );
}

/// Relevance: the product and the claim's topic must both be in the record, matched as
/// whole words with inflections, and the groups of people the claim names studied.
#[tokio::test]
async fn a_source_must_be_about_the_product_and_the_claims_topic() {
    let fixtures = require_fixtures!();
    #[rustfmt::skip]
    let cases = vec![
        // The control: the record's own finding, its substance as product term.
        row("rct-efficacy", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_PMID], Supported, NO_FINDINGS)
            .statuses(&["resolved"]).best(RCT, Rct, 2),
        row("inflected", "efficacy", "[Aspirin]", "[thromboembolisms]", &[RCT_PMID], Supported, NO_FINDINGS)
            .best(RCT, Rct, 2),
        row("no-product-terms", "efficacy", "", "[thromboembolism]", &[RCT_PMID], OffTopic, &[(Code::RelevanceUnknown, Deny)]),
        row("no-keywords", "efficacy", "[aspirin]", "", &[RCT_PMID], OffTopic, &[(Code::RelevanceUnknown, Deny)]),
        row("other-product", "efficacy", "[dental pulp, DPSC]", "[thromboembolism]", &[RCT_PMID], OffTopic,
            &[(Code::ProductMismatch, Warn), (Code::NoRelevantSource, Deny)]),
        // An exosome skin-collagen claim citing a human RCT of aspirin for thrombosis.
        row("exosome-collagen", "efficacy", "[exosome]", "[skin, collagen]", &[RCT_PMID], OffTopic,
            &[(Code::ProductMismatch, Warn), (Code::KeywordsAbsent, Warn), (Code::NoRelevantSource, Deny)]),
        // "hair" is not in "wheelchair" (the record's abstract)...
        row("hair-in-wheelchair", "background", "[hair]", "[sports]", &[WHEELCHAIR], OffTopic,
            &[(Code::DesignFromWords, Warn), (Code::ProductMismatch, Warn), (Code::NoRelevantSource, Deny)]),
        // ... while "wheelchair" is; a design read from words is enough for background.
        row("wheelchair", "background", "[wheelchair]", "[sports]", &[WHEELCHAIR], Supported, &[(Code::DesignFromWords, Warn)])
            .best(26_702_385, CrossSectional, 3),
        // "SHED" (an acronym, as written) is neither in "published" nor in "shed light".
        row("shed-in-published", "efficacy", "[SHED]", "[covid-19]", &[GUIDELINE], OffTopic,
            &[(Code::Erratum, Allow), (Code::ProductMismatch, Warn), (Code::NoRelevantSource, Deny)]),
        row("shed-acronym", "mechanism", "[SHED]", "[apoptosis]", &[LOWERCASE_SHED], OffTopic,
            &[(Code::ProductMismatch, Warn), (Code::NoRelevantSource, Deny)]),
        row("shed-the-word", "mechanism", "[shed]", "[apoptosis]", &[LOWERCASE_SHED], Supported, NO_FINDINGS)
            .best(25_391_656, Animal, 5),
        // Groups of people: MeSH must say they were studied.
        row("pregnant-women", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_PMID], OffTopic,
            &[(Code::PopulationNotStudied, Warn), (Code::NoRelevantSource, Deny)])
            .text("妊婦にも安心して使える"),
        row("children-and-elderly", "efficacy", "[budesonide]", "[asthma]", &[ASTHMA], Supported, NO_FINDINGS)
            .text("小児にも高齢者にも効果がある").best(29_768_149, Rct, 2),
        // ... and "safe for children and pregnant women" is absolute-safety wording too.
        row("safe-for-children", "safety", "[aspirin]", "[thromboembolism]", &[RCT_PMID], Wording,
            and_wording(&[(Code::PopulationNotStudied, Warn), (Code::NoRelevantSource, Deny)], "safety-absolute", Deny))
            .text("\"Safe for children and pregnant women\""),
        row("children-not-indexed", "background", "[wheelchair]", "[sports]", &[WHEELCHAIR], OffTopic,
            &[(Code::DesignFromWords, Warn), (Code::PopulationNotStudied, Warn), (Code::NoRelevantSource, Deny)])
            .text("子どもの健康に役立つ"),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

/// Identity: the reference must name one paper on its own, without contradicting it.
#[tokio::test]
async fn a_reference_must_identify_its_paper() {
    let fixtures = require_fixtures!();
    #[rustfmt::skip]
    let cases = vec![
        row("by-doi", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_DOI], Supported, NO_FINDINGS)
            .statuses(&["resolved"]).best(RCT, Rct, 2),
        row("full-reference", "efficacy", "[aspirin]", "[thromboembolism]", &["\"Brighton, T.A., et al., 2012. N Engl J Med\""], Supported, NO_FINDINGS)
            .statuses(&["resolved"]).best(RCT, Rct, 2),
        // Another author and year beside the PMID: a defective reference, not a warning.
        row("miscited", "efficacy", "[aspirin]", "[thromboembolism]", &["\"Yamada T, 2021, PMID 23121403\""], Unresolved,
            &[(Code::CitationMismatch, Deny), (Code::CitationMismatch, Deny)])
            .statuses(&["resolved"]),
        // A year one off (often the e-publication year) is only a warning.
        row("year-one-off", "efficacy", "[aspirin]", "[thromboembolism]", &["\"Brighton TA, et al., 2013. PMID: 23121403\""], Supported,
            &[(Code::CitationYearOff, Warn)])
            .statuses(&["resolved"]).best(RCT, Rct, 2),
        // A journal and year, or an author and year, identify nothing in real PubMed.
        row("journal-year", "efficacy", "[aspirin]", "[thromboembolism]", &["\"N Engl J Med. 2012\""], Unresolved,
            &[(Code::CitationIncomplete, Deny)])
            .statuses(&["probable"]),
        row("author-year", "efficacy", "[aspirin]", "[thromboembolism]", &["\"Brighton, T.A., et al., 2012\""], Unresolved,
            &[(Code::CitationIncomplete, Deny)])
            .statuses(&["probable"]),
        row("author-year-off", "efficacy", "[aspirin]", "[thromboembolism]", &["\"Brighton, T.A., et al., 2013\""], Unresolved,
            &[(Code::CitationIncomplete, Deny), (Code::CitationYearOff, Warn)])
            .statuses(&["probable"]),
        row("ambiguous-author-year", "efficacy", "[exosome]", "[exosome]", &["\"Zhang et al., 2015\""], Unresolved,
            &[(Code::CitationIncomplete, Deny)])
            .statuses(&["ambiguous"]),
        row("not-found", "efficacy", "[exosome]", "[skin]", &[NOBODYSON], Unresolved, &[(Code::CitationNotFound, Deny)])
            .statuses(&["not-found"]),
        // Citation matching's answer is set aside for the wrong first author, and the
        // paper found by its title contradicts the reference's author too.
        row("rejected-match", "mechanism", "[coronavirus]", "[pneumonia]", &[REJECTED_MATCH], Unresolved,
            &[(Code::CitationMismatch, Deny)])
            .statuses(&["resolved"]),
        // One good citation does not make up for a defective one.
        row("good-and-incomplete", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_PMID, "\"N Engl J Med. 2012\""], Unresolved,
            &[(Code::CitationIncomplete, Deny)])
            .best(RCT, Rct, 2),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

/// Standing, checking, and the strength each kind of claim needs.
#[tokio::test]
async fn a_source_must_stand_be_checked_and_be_strong_enough() {
    let fixtures = require_fixtures!();
    #[rustfmt::skip]
    let cases = vec![
        row("retracted", "mechanism", "[microRNA-582-3p]", "[leukemia]", &["\"31844417\""], Retracted, &[(Code::RetractedSource, Deny)])
            .statuses(&["resolved"]),
        // A retraction outranks support from another source, which stays the best evidence.
        row("rct-and-retracted", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_PMID, "\"31844417\""], Retracted,
            &[(Code::RetractedSource, Deny), (Code::ProductMismatch, Warn), (Code::KeywordsAbsent, Warn)])
            .best(RCT, Rct, 2),
        // A citation that could not be looked up might be retracted or off-topic. (The
        // DOI's search is the first question asked, so the scripted failure lands on it.)
        row("rct-and-failed", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_PMID, RCT_DOI], NotChecked, &[(Code::LookupFailed, Warn)])
            .fail(SourceError::Offline).statuses(&["resolved", "not-checked"]).best(RCT, Rct, 2),
        row("only-failed", "efficacy", "[aspirin]", "[thromboembolism]", &[RCT_PMID], NotChecked, &[(Code::LookupFailed, Warn)])
            .fail(SourceError::Offline).statuses(&["not-checked"]),
        row("mouse-efficacy", "efficacy", "[interleukin-4]", "[tissue repair]", &[MOUSE_PMID], Weak, &[(Code::NoHumanEvidence, Deny)])
            .statuses(&["resolved"]).best(MOUSE, Animal, 5),
        row("mouse-mechanism", "mechanism", "[interleukin-4]", "[tissue repair]", &[MOUSE_PMID], Supported, NO_FINDINGS)
            .best(MOUSE, Animal, 5),
        // Wording that promises an effect in people makes it an efficacy claim.
        row("mouse-promise", "background", "[interleukin-4]", "[tissue repair]", &[MOUSE_PMID], Weak,
            &[(Code::KindUpgraded, Warn), (Code::NoHumanEvidence, Deny)])
            .text("組織の修復を改善する").best(MOUSE, Animal, 5),
        row("guideline-efficacy", "efficacy", "[adrenal cortex hormones]", "[covid-19]", &[GUIDELINE], Weak,
            &[(Code::Erratum, Allow), (Code::NoHumanEvidence, Deny)])
            .best(32_887_691, Guideline, 5),
        row("survey-efficacy", "efficacy", "[dietary carbohydrates]", "[energy intake]", &[CROSS_SECTIONAL], Weak, &[(Code::NoHumanEvidence, Deny)])
            .best(38_747_095, CrossSectional, 3),
        // An RCT read from its words alone is a lead, not evidence; one with the
        // publication type (even before MeSH indexing) is evidence.
        row("words-rct", "efficacy", "[melatonin]", "[wisdom teeth]", &[WORDS_RCT], Weak,
            &[(Code::DesignFromWords, Warn), (Code::NoHumanEvidence, Deny)])
            .best(26_702_161, Rct, 2),
        row("typed-rct", "efficacy", "[tamsulosin]", "[ureteric colic]", &[TYPED_RCT], Supported, NO_FINDINGS)
            .best(25_998_582, Rct, 2),
        row("editorial-mechanism", "mechanism", "[nursing]", "[resilience]", &[EDITORIAL], Weak, &[(Code::InsufficientEvidence, Deny)])
            .best(35_679_569, EditorialOrComment, 5),
        row("letter-statistic", "statistic", "[cataract]", "[bibliometric]", &[LETTER], Weak, &[(Code::InsufficientEvidence, Deny)])
            .best(26_432_139, EditorialOrComment, 5),
        row("history-mechanism", "mechanism", "[radiation]", "[women]", &[HISTORICAL], Weak, &[(Code::InsufficientEvidence, Deny)])
            .best(38_851_301, Historical, 5),
        row("history-background", "background", "[radiation]", "[women]", &[HISTORICAL], Supported, NO_FINDINGS)
            .best(38_851_301, Historical, 5),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

/// Governance: the audited file may raise levels but not lower the integrity floor; the
/// reviewer may; a deny finding of any kind keeps a claim from being supported; every
/// change is in the report.
#[tokio::test]
async fn the_claims_file_may_raise_levels_but_not_lower_the_floor() {
    let fixtures = require_fixtures!();
    let yaml = "product: {name: x, terms: [aspirin, DPSC]}\npolicy:\n  product-mismatch: deny\n  uncited-claim: warn\n  no-relevant-source: allow\n  kind-upgraded: deny\nclaims:\n  - {id: a, text: x, kind: efficacy, keywords: [exosome], citations: [\"23121403\"]}\n  - {id: b, text: y, kind: safety}\n  - {id: c, text: 血栓症を改善します, kind: mechanism, keywords: [thromboembolism], citations: [\"23121403\"]}\n";
    let report = audit_yaml(common::efetch_records(&fixtures), yaml, &[]).await;
    let levels: Vec<Vec<(Code, Level)>> = report
        .claims
        .iter()
        .map(|c| {
            let mut found: Vec<_> = c.all_findings().map(|f| (f.code, f.level)).collect();
            found.sort();
            found
        })
        .collect();
    assert_eq!(
        levels,
        [
            vec![(Code::KeywordsAbsent, Warn), (Code::NoRelevantSource, Deny)],
            vec![(Code::UncitedClaim, Deny)],
            vec![(Code::KindUpgraded, Deny)],
        ]
    );
    let verdicts: Vec<Verdict> = report.claims.iter().map(|c| c.verdict).collect();
    assert_eq!(
        verdicts,
        [OffTopic, Uncited, Wording],
        "an RCT that would support claim c cannot outweigh a deny finding on its wording"
    );
    assert!(
        report.claims[2].explanation.contains("promises an effect"),
        "{}",
        report.claims[2].explanation
    );
    let changes: Vec<(Code, bool, Option<usize>)> = report
        .overrides
        .iter()
        .map(|o| (o.code, o.applied, o.line))
        .collect();
    assert_eq!(
        changes,
        [
            (Code::ProductMismatch, true, Some(3)),
            (Code::UncitedClaim, false, Some(4)),
            (Code::NoRelevantSource, false, Some(5)),
            (Code::KindUpgraded, true, Some(6)),
        ]
    );
    assert_eq!(report.exit(), Exit::Denied);
}

#[tokio::test]
async fn the_reviewer_may_lower_the_floor_and_the_report_says_so() {
    let fixtures = require_fixtures!();
    let yaml = "product: {name: x, terms: [exosome]}\nclaims:\n  - {id: a, text: x, kind: efficacy, keywords: [skin], citations: [\"23121403\"]}\n";
    let file = claimaudit::claims::parse(Path::new("claims.yaml"), yaml).unwrap();
    let mut policy = file.policy.clone();
    policy.set(
        Code::NoRelevantSource,
        Warn,
        OverrideSource::PolicyFile("review.yaml".into()),
        Some(2),
    );
    let source = MemorySource::new(common::efetch_records(&fixtures).iter().cloned());
    let options = AuditOptions {
        policy,
        offline: false,
        generated_at: "2026-01-01T00:00:00Z".into(),
        today: "2026-01-01".into(),
        record_max_age: std::time::Duration::from_secs(90 * 86_400),
    };
    let report = audit(&file, &source, &options, &NoProgress).await;
    let claim = &report.claims[0];
    assert_eq!(
        claim.verdict, OffTopic,
        "lowering a level changes the gate, never what the verdict says"
    );
    assert_eq!(report.exit(), Exit::Clean);
    assert_eq!(report.overrides.len(), 1);
    assert!(report.overrides[0].applied);
    assert_eq!(
        report.overrides[0].describe(),
        "no-relevant-source lowered from deny to warn by policy file review.yaml (line 2)"
    );
}

/// A whole file: its name, claims, source failures, and the exit and verdicts wanted.
type FileRow = (&'static str, String, Vec<SourceError>, Exit, Vec<Verdict>);

#[tokio::test]
async fn exit_codes_of_whole_files() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    let product = "product: {name: x, terms: [aspirin, interleukin-4]}\n";
    let supported = "  - {id: rct, text: x, kind: efficacy, keywords: [thromboembolism], citations: [\"PMID: 23121403\"]}\n  - {id: mouse, text: y, kind: mechanism, keywords: [tissue repair], citations: [{pmid: 28495875}]}\n";
    let uncited = "  - {id: uncited, text: z, kind: safety}\n";
    let unchecked = "  - {id: unchecked, text: w, kind: efficacy, keywords: [thromboembolism], citations: [\"10.1056/NEJMoa1210384\"]}\n";
    let warned = "  - {id: warned, text: v, kind: efficacy, keywords: [thromboembolism], citations: [\"Brighton TA, 2013, PMID 23121403\"]}\n";
    let off_topic =
        "  - {id: off, text: u, kind: efficacy, keywords: [collagen], citations: [\"23121403\"]}\n";
    let offline = || vec![SourceError::Offline];
    #[rustfmt::skip]
    let cases: Vec<FileRow> = vec![
        ("all supported", supported.into(), vec![], Exit::Clean, vec![Supported, Supported]),
        ("warnings only", format!("{supported}{warned}"), vec![], Exit::Clean, vec![Supported, Supported, Supported]),
        ("a deny finding", format!("{supported}{uncited}"), vec![], Exit::Denied, vec![Supported, Supported, Uncited]),
        ("off topic", format!("{supported}{off_topic}"), vec![], Exit::Denied, vec![Supported, Supported, OffTopic]),
        ("only not checked", unchecked.into(), offline(), Exit::NotChecked, vec![NotChecked]),
        ("not checked beside supported", format!("{unchecked}{supported}"), offline(), Exit::NotChecked, vec![NotChecked, Supported, Supported]),
        ("deny outranks not checked", format!("{unchecked}{uncited}"), offline(), Exit::Denied, vec![NotChecked, Uncited]),
    ];
    let mut failures = Vec::new();
    for (name, claims, fail, exit, verdicts) in &cases {
        let report = audit_yaml(records, &format!("{product}claims:\n{claims}"), fail).await;
        let got: Vec<Verdict> = report.claims.iter().map(|c| c.verdict).collect();
        if (report.exit(), &got) != (*exit, verdicts) {
            failures.push(format!(
                "row `{name}`: wanted {exit:?} with {verdicts:?}, got {:?} with {got:?}",
                report.exit()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
