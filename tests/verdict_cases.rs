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
    self, NotChecked, Retracted, Supported, Uncited, Unresolved, Weak,
};
use claimaudit::judge::evidence::Design::{self, Animal, InVitro, Rct};
use claimaudit::policy::Level::{self, Deny, Warn};
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::MemorySource;
use claimaudit::pubmed::record::Record;
use claimaudit::pubmed::source::SourceError;
use claimaudit::report::Report;

/// The NEJM aspirin RCT, the mouse study (Animals without Humans), the retracted
/// 2019 cell-line study (31844417, cited below by number).
const RCT: u32 = 23_121_403;
const MOUSE: u32 = 28_495_875;
const NOBODYSON: &str = "\"Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes\"";
/// A citation that resolves to the RCT when it can be checked.
const RCT_DOI: &str = "{doi: 10.1056/NEJMoa1210384}";

const REJECTED_MATCH: &str = "\"Brighton TA, Zhang D. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.\"";

const NO_FINDINGS: &[(Code, Level)] = &[];

struct Case {
    id: &'static str,
    kind: &'static str,
    keywords: &'static str,
    citations: &'static [&'static str],
    product_terms: &'static str,
    fail: Vec<SourceError>,
    verdict: Verdict,
    findings: &'static [(Code, Level)],
    statuses: &'static [&'static str],
    best: Option<(u32, Design, u8)>,
}

/// A claim `id` of `kind` with `keywords` (a YAML list, or "") citing `citations`
/// (YAML items) wants `verdict` with exactly `findings`.
fn row(
    id: &'static str,
    kind: &'static str,
    keywords: &'static str,
    citations: &'static [&'static str],
    verdict: Verdict,
    findings: &'static [(Code, Level)],
) -> Case {
    Case {
        id,
        kind,
        keywords,
        citations,
        product_terms: "",
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

    fn product(mut self, terms: &'static str) -> Self {
        self.product_terms = terms;
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
            "claims:\n  - id: {}\n    text: 効果がある\n    kind: {}\n",
            self.id, self.kind
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
    let file = claimaudit::claims::parse(Path::new("claims.yaml"), yaml)
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let source = MemorySource::new(records.iter().cloned());
    source.fail_next(fail.iter().cloned());
    let options = AuditOptions {
        policy: file.policy.clone(),
        offline: false,
        generated_at: "2026-01-01T00:00:00Z".into(),
        today: "2026-01-01".into(),
    };
    let report = audit(&file, &source, &options, &NoProgress).await;
    assert_eq!(
        report.exit_code,
        report.exit().code(),
        "the report states its own exit code"
    );
    report
}

/// What is wrong with the report of a one-claim file for `case`.
fn problems(case: &Case, report: &Report) -> Vec<String> {
    let [claim] = report.claims.as_slice() else {
        return vec![format!("one claim reported, not {}", report.claims.len())];
    };
    let mut wrong = Vec::new();
    if claim.verdict != case.verdict {
        wrong.push(format!(
            "wanted verdict {:?}, got {:?} ({})",
            case.verdict, claim.verdict, claim.explanation
        ));
    }
    let mut found: Vec<(Code, Level)> = claim.all_findings().map(|f| (f.code, f.level)).collect();
    let mut wanted = case.findings.to_vec();
    found.sort();
    wanted.sort();
    if found != wanted {
        let messages: Vec<String> = claim
            .all_findings()
            .map(|f| format!("{}: {}", f.code, f.message))
            .collect();
        wrong.push(format!(
            "wanted findings {wanted:?}, got {found:?}: {messages:#?}"
        ));
    }
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

#[tokio::test]
async fn verdicts_of_single_claims() {
    let fixtures = require_fixtures!();
    #[rustfmt::skip]
    let cases = vec![
        row("rct-efficacy", "efficacy", "[aspirin, thromboembolism]", &["\"PMID: 23121403\""], Supported, NO_FINDINGS)
            .statuses(&["resolved"]).best(RCT, Rct, 2),
        row("mouse-efficacy", "efficacy", "[macrophage]", &["{pmid: 28495875}"], Weak, &[(Code::NoHumanEvidence, Deny)])
            .statuses(&["resolved"]).best(MOUSE, Animal, 5),
        row("mouse-mechanism", "mechanism", "[macrophage]", &["{pmid: 28495875}"], Supported, NO_FINDINGS)
            .best(MOUSE, Animal, 5),
        row("retracted", "mechanism", "", &["\"31844417\""], Retracted, &[(Code::RetractedSource, Deny)])
            .statuses(&["resolved"]),
        // A retraction outranks support from another source.
        row("rct-and-retracted", "efficacy", "", &["\"23121403\"", "\"31844417\""], Retracted, &[(Code::RetractedSource, Deny)])
            .best(RCT, Rct, 2),
        row("uncited", "safety", "[exosome]", &[], Uncited, &[(Code::UncitedClaim, Deny)]),
        row("unresolvable", "efficacy", "[exosome]", &[NOBODYSON], Unresolved, &[(Code::CitationNotFound, Deny)])
            .statuses(&["not-found"]),
        row("ambiguous", "efficacy", "", &["\"Zhang et al., 2015\""], Unresolved, &[(Code::CitationAmbiguous, Deny)])
            .statuses(&["ambiguous"]),
        // The DOI's search is the first question asked (the PMID waits for the batch
        // fetch), so the scripted failure lands on it.
        row("rct-and-failed", "efficacy", "", &["\"PMID: 23121403\"", RCT_DOI], Supported, &[(Code::LookupFailed, Warn)])
            .fail(SourceError::Offline).statuses(&["resolved", "not-checked"]).best(RCT, Rct, 2),
        row("weak-and-failed", "efficacy", "", &["{pmid: 28495875}", RCT_DOI], NotChecked, &[(Code::LookupFailed, Warn)])
            .fail(SourceError::Offline).statuses(&["resolved", "not-checked"]).best(MOUSE, Animal, 5),
        row("only-failed", "efficacy", "", &["\"PMID: 23121403\""], NotChecked, &[(Code::LookupFailed, Warn)])
            .fail(SourceError::Offline).statuses(&["not-checked"]),
        row("other-product", "efficacy", "[aspirin]", &["\"PMID: 23121403\""], Supported, &[(Code::ProductMismatch, Warn)])
            .product("[dental pulp, DPSC]").best(RCT, Rct, 2),
        row("this-product", "efficacy", "[aspirin]", &["\"PMID: 23121403\""], Supported, NO_FINDINGS)
            .product("[dental pulp, aspirin]").best(RCT, Rct, 2),
        row("other-topic", "efficacy", "[exosome, dental pulp]", &["\"PMID: 23121403\""], Supported, &[(Code::KeywordsAbsent, Warn)])
            .best(RCT, Rct, 2),
        row("miscited", "efficacy", "[aspirin]", &["\"Smith J, et al., 2019. PMID: 23121403\""], Supported,
            &[(Code::CitationMismatch, Warn), (Code::CitationMismatch, Warn)])
            .statuses(&["resolved"]).best(RCT, Rct, 2),
        // Citation matching's answer is set aside for the wrong first author and the paper
        // found by title: only the disagreement with that paper is a finding.
        row("rejected-match", "mechanism", "[coronavirus]", &[REJECTED_MATCH], Supported, &[(Code::CitationMismatch, Warn)])
            .statuses(&["resolved"]).best(31_978_945, InVitro, 5),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

#[tokio::test]
async fn the_claims_files_policy_sets_levels() {
    let fixtures = require_fixtures!();
    let yaml = "product: {name: x, terms: [DPSC]}\npolicy:\n  product-mismatch: deny\n  uncited-claim: warn\nclaims:\n  - {id: a, text: x, kind: efficacy, citations: [\"23121403\"]}\n  - {id: b, text: y, kind: safety}\n";
    let report = audit_yaml(common::efetch_records(&fixtures), yaml, &[]).await;
    let levels: Vec<Vec<(Code, Level)>> = report
        .claims
        .iter()
        .map(|c| c.all_findings().map(|f| (f.code, f.level)).collect())
        .collect();
    assert_eq!(
        levels,
        [
            vec![(Code::ProductMismatch, Deny)],
            vec![(Code::UncitedClaim, Warn)]
        ]
    );
    assert_eq!(report.exit(), Exit::Denied);
}

/// A whole file: its name, claims, source failures, and the exit and verdicts wanted.
type FileRow = (&'static str, String, Vec<SourceError>, Exit, Vec<Verdict>);

#[tokio::test]
async fn exit_codes_of_whole_files() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    let supported = "  - {id: rct, text: x, kind: efficacy, keywords: [aspirin], citations: [\"PMID: 23121403\"]}\n  - {id: mouse, text: y, kind: mechanism, citations: [{pmid: 28495875}]}\n";
    let uncited = "  - {id: uncited, text: z, kind: safety}\n";
    let unchecked =
        "  - {id: unchecked, text: w, kind: efficacy, citations: [\"10.1056/NEJMoa1210384\"]}\n";
    let warned = "  - {id: warned, text: v, kind: efficacy, keywords: [exosome], citations: [\"23121403\"]}\n";
    let offline = || vec![SourceError::Offline];
    #[rustfmt::skip]
    let cases: Vec<FileRow> = vec![
        ("all supported", supported.into(), vec![], Exit::Clean, vec![Supported, Supported]),
        ("warnings only", format!("{supported}{warned}"), vec![], Exit::Clean, vec![Supported, Supported, Supported]),
        ("a deny finding", format!("{supported}{uncited}"), vec![], Exit::Denied, vec![Supported, Supported, Uncited]),
        ("only not checked", unchecked.into(), offline(), Exit::NotChecked, vec![NotChecked]),
        ("not checked beside supported", format!("{unchecked}{supported}"), offline(), Exit::NotChecked, vec![NotChecked, Supported, Supported]),
        ("deny outranks not checked", format!("{unchecked}{uncited}"), offline(), Exit::Denied, vec![NotChecked, Uncited]),
    ];
    let mut failures = Vec::new();
    for (name, claims, fail, exit, verdicts) in &cases {
        let report = audit_yaml(records, &format!("claims:\n{claims}"), fail).await;
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
