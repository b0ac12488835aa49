//! The report's page section: the wording findings of the page a run drafted its claims
//! from, outside the claims. A deny-level one (a missing required disclosure included)
//! fails the check as a claim's would, and beats not-checked; a warn one does not. Every
//! format shows it, and the JSON follows the shipped schema. Reports are built through
//! the library: claims audited on an in-memory source, the page linted by `lint_pages`.

mod common;

use std::path::Path;

use claimaudit::audit::audit;
use claimaudit::claims::ClaimsFile;
use claimaudit::exit::Exit;
use claimaudit::findings::CodeBook;
use claimaudit::lint::extract::SourceFormat;
use claimaudit::lint::page::{LintOptions, Page, lint_pages};
use claimaudit::lint::{ProductClass, RuleSet};
use claimaudit::policy::{Code, Level, OverrideSource, Policy};
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::MemorySource;
use claimaudit::pubmed::source::SourceError;
use claimaudit::report::{PageSection, Report, ReportFormat};
use serde_json::Value;

/// Wording outside any claim: an absolute safety promise (deny for every product).
const NO_SIDE_EFFECTS: &str =
    "<h1>Serum X</h1>\n<p>Gentle care, with no side effects at all.</p>\n";

/// An uncited claim whose finding the reviewer allowed: nothing of the claims denies.
const ALLOWED: &str =
    "claims:\n  - {id: background, text: Serum X is made in Kyoto, kind: background}\n";

/// A claim whose one citation cannot be looked up: exit 4 on its own.
const UNCHECKED: &str = "claims:\n  - {id: background, text: Serum X is made in Kyoto, kind: background, citations: [\"PMID: 23121403\"]}\n";

async fn audited(yaml: &str, lookups_fail: bool) -> Report {
    let file: ClaimsFile = claimaudit::claims::parse(Path::new("claims.yaml"), yaml).unwrap();
    let mut policy = file.policy.clone();
    policy.set(
        Code::UncitedClaim,
        Level::Allow,
        OverrideSource::CommandLine,
        None,
    );
    let source = MemorySource::new([]);
    if lookups_fail {
        source.fail_next([SourceError::Offline]);
    }
    audit(
        &file,
        &source,
        &common::fixed_day_options(policy),
        &NoProgress,
    )
    .await
}

/// `source` linted as the run's page, as an HTML page named `page.html`, with `policy`.
fn page(source: &str, class: Option<ProductClass>, policy: &Policy) -> PageSection {
    let linted = lint_pages(
        &[Page {
            path: "page.html".into(),
            source: source.into(),
            format: SourceFormat::Html,
        }],
        &LintOptions {
            rules: RuleSet::builtin(),
            class,
            jurisdictions: Vec::new(),
            policy: policy.clone(),
            generated_at: "2026-01-01T00:00:00Z".into(),
        },
    );
    linted.files.into_iter().next().unwrap()
}

/// A policy with the wording rule `code` at `level`, as the reviewer's command line sets it.
fn with_level(code: &str, level: Level) -> Policy {
    let mut policy = Policy::default();
    let code = CodeBook::default().parse(code).unwrap();
    assert!(policy.set(code, level, OverrideSource::CommandLine, None));
    policy
}

fn levels(page: &PageSection) -> Vec<(String, Level)> {
    page.findings
        .iter()
        .map(|f| (f.code.to_string(), f.level))
        .collect()
}

#[tokio::test]
async fn a_deny_page_finding_fails_the_check_and_a_warn_one_does_not() {
    let clean = audited(ALLOWED, false).await;
    assert_eq!(clean.exit(), Exit::Clean);

    let denied = page(NO_SIDE_EFFECTS, None, &Policy::default());
    assert_eq!(levels(&denied), [("safety-absolute".into(), Level::Deny)]);
    let report = clean.clone().with_page(denied);
    assert_eq!(report.exit(), Exit::Denied);
    assert_eq!(report.exit_code, 2);
    let counts = report.summary.page_findings.unwrap();
    assert_eq!((counts.deny, counts.warn), (1, 0));
    // The claims' own counts are the claims': the page is counted apart.
    assert_eq!(report.summary.findings, clean.summary.findings);

    let warned = page(
        NO_SIDE_EFFECTS,
        None,
        &with_level("safety-absolute", Level::Warn),
    );
    assert_eq!(levels(&warned), [("safety-absolute".into(), Level::Warn)]);
    let report = clean.with_page(warned);
    assert_eq!(report.exit(), Exit::Clean);
    assert_eq!(report.exit_code, 0);
    assert_eq!(report.summary.page_findings.unwrap().warn, 1);
}

/// A clinic page that says nothing of its treatment's risks, costs and the rest: each
/// missing disclosure is a deny finding of the page, and fails the check.
#[tokio::test]
async fn a_missing_required_disclosure_fails_the_check() {
    let clean = audited(ALLOWED, false).await;
    let clinic = page(
        "<p>当院の施術で、素肌の印象を整えます。</p>\n",
        Some(ProductClass::Clinic),
        &Policy::default(),
    );
    let missing: Vec<_> = clinic
        .findings
        .iter()
        .filter(|f| f.is_missing_disclosure())
        .collect();
    assert!(!missing.is_empty(), "{:#?}", clinic.findings);
    assert!(missing.iter().all(|f| f.level == Level::Deny));
    assert_eq!(clean.with_page(clinic).exit(), Exit::Denied);
}

/// Denied beats not checked, for the page as for claims; a warning leaves the 4.
#[tokio::test]
async fn a_denied_page_beats_a_claim_not_checked() {
    let unchecked = audited(UNCHECKED, true).await;
    assert_eq!(unchecked.exit(), Exit::NotChecked);
    let denied = page(NO_SIDE_EFFECTS, None, &Policy::default());
    assert_eq!(unchecked.clone().with_page(denied).exit(), Exit::Denied);
    let warned = page(
        NO_SIDE_EFFECTS,
        None,
        &with_level("safety-absolute", Level::Warn),
    );
    assert_eq!(unchecked.with_page(warned).exit(), Exit::NotChecked);
}

/// Each format shows the page's finding as `lint` shows it, where that format shows
/// places: at its page line and column.
#[tokio::test]
async fn every_format_shows_the_page_finding_at_its_place() {
    let report =
        audited(ALLOWED, false)
            .await
            .with_page(page(NO_SIDE_EFFECTS, None, &Policy::default()));
    let finding = &report.page.as_ref().unwrap().findings[0];
    let (line, column) = (finding.line, finding.column);
    assert_eq!(line, 2);
    let render = |format: ReportFormat| format.formatter().render(&report);

    let table = render(ReportFormat::Table);
    assert!(table.contains("\nPage wording (outside the claims):\npage.html  [html; "));
    assert!(table.contains(&format!(
        "  page.html:{line}:{column}: deny [safety-absolute] "
    )));
    assert!(table.ends_with("Page wording: 1 finding: 1 deny, 0 warn, 0 allow.\n"));

    let json: Value = serde_json::from_str(&render(ReportFormat::Json)).unwrap();
    assert_eq!(json["page"]["path"], "page.html");
    assert_eq!(json["page"]["findings"][0]["code"], "safety-absolute");
    assert_eq!(json["page"]["findings"][0]["line"], line);
    assert_eq!(json["summary"]["page_findings"]["deny"], 1);
    assert_eq!(json["exit_code"], 2);

    let sarif: Value = serde_json::from_str(&render(ReportFormat::Sarif)).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["artifacts"][1]["location"]["uri"], "page.html");
    let on_page: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 1)
        .collect();
    assert_eq!(on_page.len(), 1);
    let result = on_page[0];
    assert_eq!(result["ruleId"], "safety-absolute");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&line.into(), &column.into())
    );
    let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        run["tool"]["driver"]["rules"][rule_index]["id"],
        "safety-absolute"
    );

    let junit = quick_junit::Report::deserialize_from_str(&render(ReportFormat::Junit)).unwrap();
    assert_eq!(junit.test_suites.len(), 2);
    let suite = &junit.test_suites[1];
    assert_eq!(suite.name.as_str(), "page.html");
    assert_eq!((suite.tests, suite.failures), (1, 1));
    assert_eq!((junit.tests, junit.failures), (2, 1));

    let markdown = render(ReportFormat::Markdown);
    assert!(markdown.contains("\n## Page wording outside the claims: `page.html`\n"));
    assert!(markdown.contains(&format!("| {line}:{column} | deny | `safety-absolute` | ")));

    let html = render(ReportFormat::Html);
    assert!(html.contains("<h2>Page wording outside the claims: <code>page.html</code></h2>"));
    assert!(html.contains(
        "data-code=\"safety-absolute\">\n<p><span class=\"deny\">deny</span> <code>safety-absolute</code> "
    ));
    assert!(html.contains(&format!("line {line}, column {column}")));

    let csv = render(ReportFormat::Csv);
    let rows: Vec<&str> = csv.split("\r\n").filter(|r| !r.is_empty()).collect();
    let width = rows[0].split(',').count();
    let page_rows: Vec<&&str> = rows.iter().filter(|r| r.starts_with(",page,")).collect();
    assert_eq!(page_rows.len(), 1, "{csv}");
    assert!(page_rows[0].starts_with(&format!(",page,{line},,")));
    assert!(page_rows[0].contains(&format!(",deny:safety-absolute@{line},")));
    // The same columns as the claims' rows (no quoted commas in this row's cells
    // other than the quoted ones, so count fields the RFC 4180 way).
    assert_eq!(fields(page_rows[0]), width, "{csv}");
}

/// The number of fields of one RFC 4180 record.
fn fields(record: &str) -> usize {
    let mut quoted = false;
    let mut count = 1;
    for c in record.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => count += 1,
            _ => {}
        }
    }
    count
}

#[tokio::test]
async fn a_report_with_a_page_follows_the_shipped_schema() {
    let schema: Value = serde_json::from_str(claimaudit::report::REPORT_JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let clinic = page(
        "<p>当院の施術は副作用がありません。</p>\n",
        Some(ProductClass::Clinic),
        &Policy::default(),
    );
    let report = audited(ALLOWED, false).await.with_page(clinic);
    let json: Value =
        serde_json::from_str(&ReportFormat::Json.formatter().render(&report)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Strict enough to catch a broken page section.
    let mut broken = json.clone();
    broken["page"]["findings"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
    let mut broken = json;
    broken["page"]["format"] = Value::from("pdf");
    assert!(!validator.is_valid(&broken));
}

/// Without a page, the report says nothing of one.
#[tokio::test]
async fn a_report_without_a_page_has_no_page_keys() {
    let report = audited(ALLOWED, false).await;
    let json: Value =
        serde_json::from_str(&ReportFormat::Json.formatter().render(&report)).unwrap();
    assert!(json.get("page").is_none());
    assert!(json["summary"].get("page_findings").is_none());
    assert!(
        !ReportFormat::Table
            .formatter()
            .render(&report)
            .contains("Page wording")
    );
}
