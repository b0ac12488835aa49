//! Every report format, end to end: SARIF against the official 2.1.0 schema, JUnit read
//! back by a JUnit parser, HTML rendered in headless Chromium, byte-identical reruns,
//! and waivers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use claimaudit::policy::dates;
use common::FilledCache;
use predicates::prelude::*;
use serde_json::Value;

const EMAIL: &str = "report-tests@example.org";

/// Hand-made claims covering every verdict a run with a filled cache can give (fixture
/// records cited by PMID), and a policy that raises one code and tries to lower another.
const CLAIMS: &str = r#"# hand-made test claims
product:
  name: テスト製品
  terms: [aspirin, interleukin-4]
claims:
  - id: supported-by-rct
    text: "再発予防に効果がある, \"quoted\" | piped <b>bold</b>"
    kind: efficacy
    keywords: [thromboembolism]
    citations: ["PMID: 23121403"]
  - id: weak-mouse-only
    text: 組織修復を促進する
    kind: efficacy
    keywords: [tissue repair]
    citations: [{pmid: 28495875}]
  - id: unresolved-citation
    text: 肌が若返る
    kind: efficacy
    keywords: [skin]
    citations: ["Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes"]
  - id: uncited
    text: 培養上清液を点滴で投与する
    kind: safety
  - id: retracted-source
    text: 細胞増殖を抑える
    kind: mechanism
    citations: ["31844417"]
  - id: off-topic-source
    text: 肌のコラーゲンを増やす
    kind: efficacy
    keywords: [collagen]
    citations: ["PMID: 23121403"]
  - id: effect-promise
    text: マクロファージの働きを改善します
    kind: mechanism
    keywords: [macrophage]
    citations: [{pmid: 28495875}]
policy:
  kind-upgraded: deny
  retracted-source: allow
"#;

/// Every claim of [`CLAIMS`] with the verdict it must get.
const VERDICTS: &[(&str, &str)] = &[
    ("supported-by-rct", "supported"),
    ("weak-mouse-only", "weak"),
    ("unresolved-citation", "unresolved"),
    ("uncited", "uncited"),
    ("retracted-source", "retracted"),
    ("off-topic-source", "off-topic"),
    ("effect-promise", "wording"),
];

/// A cache filled by one online `check` of `claims` through the stand-in.
fn setup(claims: &str) -> Option<FilledCache> {
    common::filled_cache(claims, EMAIL)
}

/// `check --offline` on the filled cache, run from the work directory so the claims
/// file is named relatively (as in a repository checkout).
fn offline_check(setup: &FilledCache) -> Command {
    let mut cmd = common::claimaudit(&setup.cache);
    cmd.current_dir(setup.work.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["check", "--offline", "--quiet", "claims.yaml"]);
    cmd
}

fn render(setup: &FilledCache, format: &str) -> String {
    let output = offline_check(setup)
        .args(["--format", format])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn sarif_follows_the_official_schema_and_points_at_claim_lines() {
    let Some(setup) = setup(CLAIMS) else { return };
    let sarif: Value = serde_json::from_str(&render(&setup, "sarif")).unwrap();
    let official = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    // The official schema's `language` patterns end in an unbalanced `]`, which
    // ECMAScript regexes read as a literal and Rust's regex engine rejects: escape it so
    // the schema compiles. Nothing else is changed.
    let unbalanced = r#"[a-zA-Z]{2}-[a-zA-Z]{2}]?$"#;
    assert_eq!(official.matches(unbalanced).count(), 2);
    let escaped = r#"[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$"#;
    let schema: Value = serde_json::from_str(&official.replace(unbalanced, escaped)).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"uncited-claim") && rules.contains(&"no-human-evidence"));
    let results = run["results"].as_array().unwrap();
    let uncited = results
        .iter()
        .find(|r| r["ruleId"] == "uncited-claim")
        .unwrap();
    assert_eq!(uncited["level"], "error");
    let location = &uncited["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "claims.yaml");
    assert_eq!(
        location["region"]["startLine"], 21,
        "the `- id: uncited` line"
    );
    assert_eq!(location["region"]["startColumn"], 5);
    let not_found = results
        .iter()
        .find(|r| r["ruleId"] == "citation-not-found")
        .unwrap();
    assert_eq!(
        not_found["locations"][0]["physicalLocation"]["region"]["startLine"], 20,
        "the citation's own line"
    );
    // The policy's changes are the run's own: applied as rule configuration overrides,
    // refused as notifications.
    let invocation = &run["invocations"][0];
    let overrides = invocation["ruleConfigurationOverrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 1, "{overrides:#?}");
    assert_eq!(overrides[0]["descriptor"]["id"], "kind-upgraded");
    assert_eq!(overrides[0]["configuration"]["level"], "error");
    let refused = &invocation["toolConfigurationNotifications"][0];
    assert_eq!(refused["associatedRule"]["id"], "retracted-source");
    assert!(
        refused["message"]["text"]
            .as_str()
            .unwrap()
            .contains("(line 40) tried to lower retracted-source to allow: refused")
    );
    let retracted = results
        .iter()
        .find(|r| r["ruleId"] == "retracted-source")
        .unwrap();
    assert_eq!(
        retracted["level"], "error",
        "the refused lowering left it at deny"
    );
    // A broken document fails the schema: the test can fail.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn junit_is_read_back_by_a_junit_parser() {
    let Some(setup) = setup(CLAIMS) else { return };
    let xml = render(&setup, "junit");
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.tests, 7);
    let suite = &report.test_suites[0];
    assert_eq!(suite.name.as_str(), "claims.yaml");
    let names: Vec<&str> = suite.test_cases.iter().map(|c| c.name.as_str()).collect();
    let claims: Vec<&str> = VERDICTS.iter().map(|(id, _)| *id).collect();
    assert_eq!(names, claims);
    let failed: Vec<&str> = suite
        .test_cases
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::NonSuccess { .. }))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        failed,
        claims[1..],
        "every claim but the supported one fails"
    );
    assert_eq!(report.failures, 6);
    let policy: Vec<(&str, &str)> = suite
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    // What the run rests on, then the two policy changes.
    assert_eq!(policy.len(), 3, "{policy:?}");
    assert_eq!(policy[0].0, "claimaudit.provenance");
    assert!(
        policy
            .iter()
            .any(|(name, value)| *name == "claimaudit.policy.kind-upgraded"
                && value.contains("raised from warn to deny by the claims file (line 39)"))
    );
}

#[test]
fn markdown_and_csv_carry_every_claim() {
    let Some(setup) = setup(CLAIMS) else { return };
    let markdown = render(&setup, "markdown");
    assert!(markdown.contains("## uncited (1)") && markdown.contains("## supported (1)"));
    assert!(
        markdown.contains("\\| piped"),
        "pipes in wording are escaped"
    );
    assert!(markdown.contains("[PMID 23121403](https://pubmed.ncbi.nlm.nih.gov/23121403/)"));
    assert!(markdown.contains("tried to lower retracted-source to allow: refused"));
    let csv = render(&setup, "csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 8, "header and one row per claim x citation");
    assert!(lines[1].starts_with(
        "supported-by-rct,efficacy,6,supported,\"再発予防に効果がある, \"\"quoted\"\""
    ));
    assert!(lines[4].starts_with("uncited,safety,21,uncited,培養上清液を点滴で投与する,,"));
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

#[test]
fn html_renders_in_headless_chromium_with_every_claim_and_verdict() {
    let Some(setup) = setup(CLAIMS) else { return };
    let Some(browser) = chromium() else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: no Chromium at /usr/bin/chromium; install the Debian package chromium"
        );
        return;
    };
    let page = setup.work.path().join("report.html");
    offline_check(&setup)
        .arg("--output")
        .arg(&page)
        .assert()
        .code(2);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http://") && !html.contains("<link"),
        "self-contained"
    );
    let profile = tempfile::tempdir().unwrap();
    let headless = |extra: &[&str]| {
        let mut cmd = Process::new(&browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()));
        cmd.output().unwrap()
    };
    // The DOM after the page's script ran.
    let dump = headless(&["--dump-dom"]);
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dom = String::from_utf8_lossy(&dump.stdout);
    for (id, verdict) in VERDICTS {
        assert!(
            dom.contains(&format!("id=\"claim-{id}\" data-verdict=\"{verdict}\"")),
            "{id} ({verdict}) missing from the rendered page"
        );
    }
    assert!(
        dom.contains("<span id=\"shown\">7</span>"),
        "the filter script ran"
    );
    assert!(dom.contains("培養上清液を点滴で投与する"));
    // And a real screenshot of it.
    let shot = setup.work.path().join("report.png");
    let output = headless(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1200,2400",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 1200);
    assert!(
        png.len() > 20_000,
        "a blank page compresses to almost nothing: {} bytes",
        png.len()
    );
}

#[test]
fn two_offline_runs_give_byte_identical_reports_in_every_format() {
    let Some(setup) = setup(CLAIMS) else { return };
    let names = [
        "r.json", "r.sarif", "r.xml", "r.md", "r.html", "r.csv", "r.txt",
    ];
    let run = |dir: &str| -> Vec<Vec<u8>> {
        let out = setup.work.path().join(dir);
        std::fs::create_dir_all(&out).unwrap();
        let mut cmd = offline_check(&setup);
        cmd.arg("--reproducible");
        for name in names {
            cmd.arg("--output").arg(out.join(name));
        }
        cmd.assert().code(2);
        names
            .iter()
            .map(|n| std::fs::read(out.join(n)).unwrap())
            .collect()
    };
    let first = run("a");
    let second = run("b");
    for ((a, b), name) in first.iter().zip(&second).zip(names) {
        assert!(a == b, "{name} differs between two runs");
        assert!(!a.is_empty());
    }
    // The one timestamp is the marked generation time, pinned to the start of the day.
    let json: Value = serde_json::from_slice(&first[0]).unwrap();
    assert!(
        json["generated_at"]
            .as_str()
            .unwrap()
            .ends_with("T00:00:00Z")
    );
}

fn with_waivers(waivers: &str) -> String {
    format!("{CLAIMS}waivers:\n{waivers}")
}

/// The date `by` days from today (the real clock, as waivers are judged).
fn day(by: i64) -> String {
    dates::shifted(&dates::today(), by).unwrap()
}

/// One waiver as YAML list item.
fn waiver(claim: &str, code: &str, approved_on: &str, expires: &str) -> String {
    format!(
        "  - claim: {claim}\n    code: {code}\n    reason: wording under legal review until the next release\n    approved_by: K. Sato (compliance)\n    approved_on: {approved_on}\n    expires: {expires}\n"
    )
}

#[test]
fn an_applied_waiver_accepts_a_finding_but_keeps_it_visible() {
    // Hand-made: one supported claim and one uncited claim whose finding is waived.
    let expires = day(30);
    let claims = format!(
        "product: {{name: x, terms: [aspirin]}}\nclaims:\n  - id: ok\n    text: 効果\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"23121403\"]\n  - id: uncited\n    text: 培養上清液を点滴で投与する\n    kind: safety\nwaivers:\n{}",
        waiver("uncited", "uncited-claim", &day(-10), &expires)
    );
    let Some(setup) = setup(&claims) else { return };
    let output = offline_check(&setup)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "the only deny finding is waived: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["claims"][0]["verdict"], "supported");
    assert_eq!(
        report["claims"][1]["verdict"], "uncited",
        "a waiver accepts the finding, it does not make the claim supported"
    );
    let finding = &report["claims"][1]["findings"][0];
    assert_eq!(finding["code"], "uncited-claim");
    assert_eq!(finding["level"], "deny", "the level is unchanged...");
    assert_eq!(
        finding["waiver"]["status"], "applied",
        "...and the waiver is shown"
    );
    assert_eq!(finding["waiver"]["approved_by"], "K. Sato (compliance)");
    assert_eq!(report["summary"]["findings"]["waived"], 1);
    assert_eq!(report["summary"]["findings"]["deny"], 0);
    assert_eq!(report["waivers"][0]["status"], "applied");
    offline_check(&setup).assert().code(0).stdout(
        predicate::str::contains("waived:uncited-claim").and(predicate::str::contains(format!(
            "waived until {expires}, approved by K. Sato (compliance)"
        ))),
    );
    offline_check(&setup)
        .args(["--format", "sarif"])
        .assert()
        .stdout(predicate::str::contains("\"status\": \"accepted\""));
    offline_check(&setup)
        .args(["--format", "html"])
        .assert()
        .stdout(predicate::str::contains(format!("waived until {expires}")));
}

#[test]
fn an_expired_waiver_stops_applying_whatever_time_the_report_is_pinned_to() {
    let expires = day(-40);
    let waivers = waiver("uncited", "uncited-claim", &day(-400), &expires);
    let Some(setup) = setup(&with_waivers(&waivers)) else {
        return;
    };
    // A report pinned to 1970, and one pinned to the day before the expiry: the waiver
    // is judged against today, so neither brings it back.
    let before_expiry = 86_400 * (dates::days(&expires).unwrap() - 1);
    for epoch in ["0".to_owned(), before_expiry.to_string()] {
        let output = offline_check(&setup)
            .env("SOURCE_DATE_EPOCH", &epoch)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "SOURCE_DATE_EPOCH={epoch}");
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            report["claims"][3]["findings"][0]["waiver"]["status"], "expired",
            "SOURCE_DATE_EPOCH={epoch}"
        );
        assert_eq!(report["waivers"][0]["status"], "expired");
        assert_eq!(report["summary"]["findings"]["waived"], 0);
    }
    offline_check(&setup).assert().code(2).stdout(
        predicate::str::contains(format!("waiver expired {expires}")).and(
            predicate::str::contains(format!(
                "the waiver of uncited-claim on uncited expired on {expires}"
            )),
        ),
    );
}

#[test]
fn a_waiver_that_matches_nothing_is_reported() {
    let waivers = [
        waiver("supported-by-rct", "retracted-source", &day(-1), &day(60)),
        waiver("no-such-claim", "uncited-claim", &day(-1), &day(60)),
    ]
    .concat();
    let Some(setup) = setup(&with_waivers(&waivers)) else {
        return;
    };
    let report: Value = serde_json::from_str(&render(&setup, "json")).unwrap();
    let statuses: Vec<&str> = report["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["unmatched", "unmatched"]);
    assert_eq!(
        report["waivers"][1]["line"], 48,
        "the second waiver's `- claim:` line"
    );
    assert!(
        render(&setup, "table")
            .contains("the waiver of uncited-claim on no-such-claim matches no finding")
    );
    assert!(render(&setup, "markdown").contains("matches no finding"));
}

#[test]
fn a_waiver_approved_in_the_future_is_refused() {
    let waivers = waiver("uncited", "uncited-claim", &day(5), &day(40));
    let Some(setup) = setup(&with_waivers(&waivers)) else {
        return;
    };
    let report: Value = serde_json::from_str(&render(&setup, "json")).unwrap();
    assert_eq!(report["waivers"][0]["status"], "refused");
    assert!(
        report["waivers"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("after today"),
        "{}",
        report["waivers"][0]
    );
    let finding = &report["claims"][3]["findings"][0];
    assert_eq!(finding["code"], "uncited-claim");
    assert!(
        finding["waiver"].is_null(),
        "a refused waiver waives nothing"
    );
    assert!(render(&setup, "table").contains("is refused: it was approved on"));
}

#[test]
fn a_waiver_without_a_reason_an_approver_or_a_near_expiry_is_a_claims_file_error() {
    let claims = with_waivers(
        "  - claim: uncited\n    code: uncited-claim\n    reason: ok\n    approved_by: me\n    approved_on: 2026-01-01\n    expires: 9999-12-31\n",
    );
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("claims.yaml"), claims).unwrap();
    let output = common::claimaudit(&work.path().join("cache"))
        .current_dir(work.path())
        .args(["check", "--offline", "claims.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for (line, what) in [
        (44, "does not say why the finding is accepted"),
        (45, "does not name who approved the waiver"),
        (47, "more than a year after its approval"),
    ] {
        assert!(
            stderr.contains(&format!("claims.yaml:{line}:")) && stderr.contains(what),
            "line {line}: {what}\n{stderr}"
        );
    }
    assert!(output.stdout.is_empty(), "nothing was checked");
}
