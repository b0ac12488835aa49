//! Snapshots of every format on one fixed, hand-made report.

use std::path::Path;
use std::time::Duration;

use super::ReportFormat;
use crate::audit::{AuditOptions, CitationIndex, report};
use crate::claims::parse;
use crate::exit::Exit;
use crate::ids::Pmid;
use crate::pubmed::cache::Origin;
use crate::pubmed::provenance::{Confirmation, NetworkUse, Provenance};
use crate::pubmed::record::{Author, CommentCorrection, Record, test_record};
use crate::pubmed::source::{AuthorName, FieldQuery, Lookup, SearchQuery, SourceError, Years};
use crate::resolve::tests_support::{empty, resolved};
use crate::resolve::{Candidate, Field, Resolution, ResolutionStatus};

fn record(pmid: &str, title: &str, types: &[&str], mesh: &[&str]) -> Record {
    Record {
        title: title.into(),
        journal: Some("Journal of Hand-Made Tests".into()),
        iso_abbrev: Some("J Hand Tests".into()),
        year: Some(2021),
        authors: vec![Author {
            last_name: Some("An".into()),
            initials: Some("Y".into()),
            ..Author::default()
        }],
        ..test_record(pmid, types, mesh)
    }
}

/// An offline audit with `file`'s own policy, on a fixed day.
fn offline_options(file: &crate::claims::ClaimsFile) -> AuditOptions {
    AuditOptions {
        policy: file.policy.clone(),
        offline: true,
        generated_at: "2026-06-01T00:00:00Z".into(),
        today: "2026-06-01".into(),
        record_max_age: Duration::from_secs(90 * 86_400),
    }
}

/// Snapshots of `report` in every format, named `{prefix}{format}`.
fn snapshot_every_format(report: &super::Report, prefix: &str) {
    for format in [
        ReportFormat::Table,
        ReportFormat::Json,
        ReportFormat::Sarif,
        ReportFormat::Junit,
        ReportFormat::Markdown,
        ReportFormat::Html,
        ReportFormat::Csv,
    ] {
        let rendered = format.formatter().render(report);
        // The version changes with every release; the snapshots should not.
        let pinned = rendered.replace(env!("CARGO_PKG_VERSION"), "9.9.9");
        insta::assert_snapshot!(format!("{prefix}{}", format.as_str()), pinned);
    }
}

/// The fixed report: hand-made claims and records, one of each verdict, waivers
/// applied, expired and unmatched.
fn fixed_report() -> super::Report {
    let yaml = r#"product:
  name: 歯髄幹細胞培養上清液
  terms: [dental pulp]
policy:
  retracted-source: allow
claims:
  - id: skin-firmness
    text: "肌のハリ・ツヤの向上, \"firm\" | <b>"
    kind: efficacy
    keywords: [skin]
    citations: ["An, Y., et al., 2021. J Hand Tests"]
    note: 効果一覧の表、1行目
  - id: wrinkles
    text: シワ・たるみの改善
    kind: efficacy
    keywords: [wrinkle]
    citations: ["PMID: 2"]
  - id: mechanism
    text: コラーゲン生成を促進
    kind: mechanism
    citations: ["Li, Y., et al., 2022"]
  - id: no-tumor-risk
    text: 腫瘍形成リスクがない
    kind: safety
  - id: retracted
    text: 細胞増殖を抑える
    kind: mechanism
    citations: ["PMID: 3"]
  - id: sleep
    text: 睡眠の質向上
    kind: efficacy
    citations: ["Wang, Y., et al., 2023. Stem Cells"]
waivers:
  - {claim: no-tumor-risk, code: uncited-claim, reason: wording under legal review, approved_by: K. Sato, approved_on: 2026-05-01, expires: 2026-12-31}
  - {claim: wrinkles, code: no-human-evidence, reason: accepted until the March release, approved_by: K. Sato, approved_on: 2025-01-01, expires: 2025-01-31}
  - {claim: nothing, code: uncited-claim, reason: a claim since removed, approved_by: K. Sato, approved_on: 2026-05-01, expires: 2026-12-31}
"#;
    let file = parse(Path::new("claims.yaml"), yaml).unwrap();
    let mut dental = record(
        "1",
        "Dental pulp stem cell secretome and skin: a randomized trial",
        &["Randomized Controlled Trial"],
        &["Humans", "Skin"],
    );
    dental.doi = Some("10.1000/hand.made".parse().unwrap());
    let mouse = record(
        "2",
        "Wrinkles in mice treated with dental pulp stem cell secretome",
        &["Journal Article"],
        &["Animals", "Mice"],
    );
    let mut gone = record(
        "3",
        "A retracted cell study",
        &["Journal Article", "Retracted Publication"],
        &["Humans", "Cells, Cultured"],
    );
    gone.comments_corrections.push(CommentCorrection {
        ref_type: "RetractionIn".into(),
        ref_source: None,
        pmid: Pmid::new(4),
    });
    let mut ambiguous = empty("Li, Y., et al., 2022");
    ambiguous.status = ResolutionStatus::Ambiguous;
    ambiguous.lookups = vec![Lookup::Search(SearchQuery::Fields(FieldQuery {
        first_author: Some(AuthorName {
            last_name: "Li".into(),
            initials: "Y".into(),
        }),
        years: Some(Years::exactly(2022)),
        ..FieldQuery::default()
    }))];
    ambiguous.candidates = [5, 6]
        .iter()
        .map(|p| Candidate {
            pmid: Pmid::new(*p).unwrap(),
            title: format!("Candidate {p}"),
            year: Some(2022),
            journal: Some("J Hand Tests".into()),
            score: 0.6,
            matched: vec![Field::Author, Field::Year],
        })
        .collect();
    let mut unchecked = empty("Wang, Y., et al., 2023. Stem Cells");
    unchecked.status = ResolutionStatus::NotChecked;
    unchecked.failure = Some(SourceError::Offline);
    let resolutions: Vec<Resolution> = vec![
        resolved("An, Y., et al., 2021. J Hand Tests", dental),
        resolved("PMID: 2", mouse),
        ambiguous,
        resolved("PMID: 3", gone),
        unchecked,
    ];
    let index = CitationIndex::new(&file);
    assert_eq!(index.distinct().len(), resolutions.len());
    let options = offline_options(&file);
    // Offline, on one record confirmed recently, one imported long ago and one older
    // than the record age limit: the header must say so.
    let at = |text: &str| humantime::parse_rfc3339(text).unwrap();
    let provenance = Provenance {
        network: NetworkUse::Offline,
        confirmed: [
            (1, "2026-05-20T08:00:00Z", Origin::Fetched),
            (2, "2025-11-01T08:00:00Z", Origin::Fetched),
            (3, "2026-04-02T08:00:00Z", Origin::Import),
        ]
        .into_iter()
        .map(|(pmid, time, origin)| {
            (
                Pmid::new(pmid).unwrap(),
                Confirmation {
                    at: at(time),
                    origin,
                },
            )
        })
        .collect(),
    };
    report(&file, index.per_claim(&resolutions), provenance, &options)
}

#[test]
fn every_format_renders_the_fixed_report() {
    let report = fixed_report();
    assert_eq!(report.exit(), Exit::Denied);
    snapshot_every_format(&report, "");
}

/// A hand-made page of copy: a claim the drafter took (line 3), and wording outside the
/// claims: a ranking (warn) and an absolute safety promise (deny) after an HTML entity,
/// so its column is counted in the page as written, not in the text read out of it.
const PAGE: &str = "<h1>Serum X</h1>\n<p>For you:</p>\n<p>Prevents the recurrence of thromboembolism.</p>\n<p>The No.1 serum &amp; mask, with no side effects at all.</p>\n";

/// A run that drafted its claims from [`PAGE`]: one claim still pending, one reviewed, and
/// the page's wording outside them.
fn drafted_report() -> super::Report {
    use crate::lint::RuleSet;
    use crate::lint::extract::SourceFormat;
    use crate::lint::page::{LintOptions, Page, lint_pages};

    let yaml = "product:\n  name: Serum X\n  terms: [aspirin]\nclaims:\n  - id: drafted\n    text: Prevents the recurrence of thromboembolism\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"PMID: 1\"]\n    review: pending\n    source_line: 3\n  - id: reviewed\n    text: Lowers the risk of thromboembolism\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"PMID: 1\"]\n    review: done\n    source_line: 3\n";
    let file = parse(Path::new("page.claims.yaml"), yaml).unwrap();
    // A trial of the product for the claims' topic: it supports both.
    let title = "Aspirin for the prevention of recurrent venous thromboembolism";
    let mut trial = record("1", title, &["Randomized Controlled Trial"], &["Humans"]);
    trial.substances.push("Aspirin".into());
    let resolutions = vec![resolved("PMID: 1", trial)];
    let index = CitationIndex::new(&file);
    let options = offline_options(&file);
    let audited = report(
        &file,
        index.per_claim(&resolutions),
        Provenance::none(),
        &options,
    );
    let linted = lint_pages(
        &[Page {
            path: "page.html".into(),
            source: PAGE.into(),
            format: SourceFormat::Html,
        }],
        &LintOptions {
            rules: RuleSet::builtin(),
            class: None,
            jurisdictions: Vec::new(),
            policy: file.policy.clone(),
            generated_at: options.generated_at.clone(),
        },
    );
    // The claim's own sentence is the claim's: the page section keeps the rest.
    let mut page = linted.files.into_iter().next().unwrap();
    page.findings.retain(|f| f.line != 3);
    audited.with_page(page)
}

/// Every format with a page section, a pending claim and a page line beside each claim.
#[test]
fn every_format_renders_a_report_with_its_page() {
    let report = drafted_report();
    assert_eq!(report.exit(), Exit::Denied);
    let page = report.page.as_ref().unwrap();
    let levels: Vec<_> = page.findings.iter().map(|f| f.level).collect();
    assert!(
        levels.contains(&crate::policy::Level::Deny)
            && levels.contains(&crate::policy::Level::Warn),
        "the page should have a deny and a warn finding: {:#?}",
        page.findings
    );
    snapshot_every_format(&report, "page_");
}
