//! `claimaudit lint` and `claimaudit rules` end to end: HTML, Markdown and standard
//! input, every report format (SARIF against the official schema, JSON against the
//! shipped one, JUnit read back), exit codes, unreadable input, a user's rules file and
//! the reviewer's levels. The copy here is hand-made for the tests.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// A hand-made clinic page: the phrases sit inside inline markup and entities, one in a
/// script that no visitor reads.
const PAGE_HTML: &str = r#"<!DOCTYPE html>
<html lang="ja"><head><title>エクソソーム点滴 | 当院</title>
<meta name="description" content="副作用ゼロの最新治療">
<script>var copy = "必ず治ります";</script></head>
<body>
<h1>エクソソーム点滴</h1>
<p>当院の治療は<strong>副作用は<em>一切</em>ありません</strong>。</p>
<p>料金：1回 55,000円（税込） &amp; 2週間に1回、計5回。</p>
<p>主な副作用：注射部位の腫れや内出血が出ることがあります。</p>
</body></html>
"#;

fn lint() -> Command {
    let mut cmd = common::claimaudit(Path::new("cache"));
    cmd.arg("lint");
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json_of(cmd: &mut Command, code: i32) -> Value {
    let output = cmd.args(["--format", "json"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The (line, column) of the first `needle` in `text`.
fn place(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

#[test]
fn an_html_page_is_linted_where_its_words_stand() {
    let dir = tempfile::tempdir().unwrap();
    let page = write(dir.path(), "page.html", PAGE_HTML);
    let report = json_of(lint().arg(&page), 2);
    let schema: Value = serde_json::from_str(claimaudit::report::lint::LINT_JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let file = &report["files"][0];
    assert_eq!(file["format"], "html");
    assert_eq!(file["class"]["how"], "detected");
    let findings = file["findings"].as_array().unwrap();
    let of =
        |code: &str| -> Vec<&Value> { findings.iter().filter(|f| f["code"] == code).collect() };
    // Across <strong> and <em>: from 「副作用」 to 「ありません」, in the file as written.
    let body = of("safety-absolute")
        .into_iter()
        .find(|f| f["line"] == place(PAGE_HTML, "副作用は").0)
        .expect("the phrase inside inline markup");
    assert_eq!(
        (
            body["line"].as_u64().unwrap(),
            body["column"].as_u64().unwrap()
        ),
        place(PAGE_HTML, "副作用は")
    );
    assert_eq!(body["phrase"], "副作用は<em>一切</em>ありません");
    // The meta description is ad copy too; the script is not.
    assert!(findings.iter().any(|f| f["phrase"] == "副作用ゼロ"));
    assert!(of("cure-claim").is_empty(), "text in <script> is not read");
    // Price, schedule and risks are stated; the unapproved-medicine items are not.
    let missing: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|c| c.starts_with("disclosure-"))
        .collect();
    assert!(!missing.contains(&"disclosure-cost") && !missing.contains(&"disclosure-schedule"));
    assert!(!missing.contains(&"disclosure-risks"));
    assert!(missing.contains(&"disclosure-unapproved"), "{missing:?}");
    // The disclosure of side effects is not a safety claim.
    assert!(
        findings
            .iter()
            .all(|f| !f["phrase"].as_str().unwrap().contains("腫れ")),
        "{findings:#?}"
    );
}

#[test]
fn sarif_and_junit_of_a_lint_run_are_what_code_hosts_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "page.html", PAGE_HTML);
    let (sarif_path, junit_path) = (dir.path().join("lint.sarif"), dir.path().join("lint.xml"));
    lint()
        .current_dir(dir.path())
        .args(["page.html", "--output"])
        .arg(&sarif_path)
        .arg("--output")
        .arg(&junit_path)
        .assert()
        .code(2);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let official = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    // As in report_formats.rs: the official schema's `language` pattern needs its
    // unbalanced `]` escaped for Rust's regex engine; nothing else changes.
    let official = official.replace(
        r#"[a-zA-Z]{2}-[a-zA-Z]{2}]?$"#,
        r#"[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$"#,
    );
    let schema: Value = serde_json::from_str(&official).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == "safety-absolute"
                && r["message"]["text"].as_str().unwrap().contains("一切")
        })
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let (line, column) = place(PAGE_HTML, "副作用は");
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(line), Some(column))
    );
    let end = column + "副作用は<em>一切</em>ありません".chars().count() as u64;
    assert_eq!(region["endColumn"], end, "the region ends after the phrase");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "page.html"
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "safety-absolute").unwrap();
    assert!(!rule["properties"]["basis"].as_array().unwrap().is_empty());

    let junit =
        quick_junit::Report::deserialize_from_str(&std::fs::read_to_string(&junit_path).unwrap())
            .unwrap();
    let suite = &junit.test_suites[0];
    assert_eq!(suite.name.as_str(), "page.html");
    assert!(junit.failures >= 2, "deny findings fail");
}

#[test]
fn markdown_text_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let md = write(
        dir.path(),
        "copy.md",
        "# New serum\n\n**Clinically proven** to reduce wrinkles.\n\n- [Read reviews](https://example.org) from real customers\n",
    );
    let report = json_of(lint().arg(&md).args(["--class", "cosmetic"]), 0);
    let finding = &report["files"][0]["findings"][0];
    assert_eq!(finding["code"], "proof-claim");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(report["files"][0]["class"]["how"], "given");

    // Standard input, read as Markdown; a plain page with nothing to flag exits 0.
    let stdin = json_of(
        lint()
            .args(["-", "--as", "markdown"])
            .write_stdin("**100% safe** for everyone.\n"),
        2,
    );
    assert_eq!(stdin["files"][0]["path"], "-");
    assert_eq!(stdin["files"][0]["format"], "markdown");
    assert_eq!(stdin["files"][0]["findings"][0]["code"], "safety-absolute");
    lint()
        .arg("-")
        .write_stdin("Opening hours: 10:00-19:00. Closed on Sundays.\n")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings"));
}

#[test]
fn unreadable_input_is_named_and_nothing_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"caf\xe9 100% safe").unwrap();
    lint()
        .arg(&bad)
        .arg(dir.path().join("missing.html"))
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("latin1.txt is not UTF-8 text")
                .and(predicate::str::contains("cannot read"))
                .and(predicate::str::contains("missing.html")),
        );
}

#[test]
fn the_reviewer_sets_levels_and_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let copy = write(dir.path(), "copy.txt", "100% safe, with no side effects.\n");
    lint().arg(&copy).assert().code(2);
    let report = json_of(lint().arg(&copy).args(["--allow", "safety-absolute"]), 0);
    assert_eq!(
        report["files"][0]["findings"][0]["level"], "allow",
        "still shown"
    );
    assert_eq!(report["overrides"][0]["code"], "safety-absolute");
    lint()
        .arg(&copy)
        .args(["--deny", "safety-absolutely"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("did you mean `safety-absolute`"));
}

#[test]
fn jurisdictions_choose_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let page = write(dir.path(), "page.html", PAGE_HTML);
    let us = json_of(lint().arg(&page).args(["--jurisdiction", "us"]), 2);
    let codes: Vec<&str> = us["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"safety-absolute"));
    assert!(
        !codes.iter().any(|c| c.starts_with("disclosure-")),
        "the 医療広告 disclosures are Japan's: {codes:?}"
    );
    assert_eq!(us["jurisdictions"], serde_json::json!(["us"]));
}

/// A hand-made user rules file: a new rule, and a built-in one replaced.
const USER_RULES: &str = r#"rules:
  - code: miracle-word
    name: Miracle
    level: deny
    jurisdictions: [jp, us]
    explanation: Calling a product a miracle promises more than any study shows.
    suggestion: Say what it does and what the evidence is.
    basis:
      - {document: FTC Health Products Compliance Guidance (2022), section: Express claims}
    patterns: [miracle~, 奇跡]
    examples:
      flag: [A miracle cream., 奇跡の美容液]
      pass: [A gentle cream., 保湿クリーム]
  - code: newest
    name: Newest (house rule)
    level: allow
    jurisdictions: [jp]
    explanation: Our house style allows 最新 when dated.
    suggestion: Date it.
    basis:
      - {document: house style guide, section: "2.1"}
    patterns: [最新]
    examples:
      flag: [最新の治療]
      pass: [新しい治療]
"#;

#[test]
fn a_users_rules_file_adds_and_replaces_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(dir.path(), "rules.yaml", USER_RULES);
    let copy = write(dir.path(), "copy.txt", "奇跡の最新クリーム。\n");
    let report = json_of(lint().arg(&copy).arg("--rules").arg(&rules), 2);
    let findings = report["files"][0]["findings"].as_array().unwrap();
    let level_of = |code: &str| {
        findings
            .iter()
            .find(|f| f["code"] == code)
            .map(|f| f["level"].clone())
    };
    assert_eq!(level_of("miracle-word"), Some("deny".into()));
    assert_eq!(
        level_of("newest"),
        Some("allow".into()),
        "the user's rule replaced the built-in"
    );
    assert!(findings.iter().any(|f| {
        f["rule"]["origin"]
            .as_str()
            .unwrap()
            .ends_with("rules.yaml")
    }));

    // `rules` lists what is in force.
    let listed = common::claimaudit(Path::new("cache"))
        .args(["rules", "--format", "json", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let codes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"miracle-word") && codes.contains(&"safety-absolute"));
}

#[test]
fn a_bad_rules_file_is_explained_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let broken = USER_RULES
        .replace("level: deny", "level: forbid")
        .replace(
            "patterns: [miracle~, 奇跡]",
            "patterns: [\"(miracle\", 奇跡]",
        )
        .replace(
            "      - {document: house style guide, section: \"2.1\"}\n",
            "      - {document: house style guide}\n",
        );
    let rules = write(dir.path(), "rules.yaml", &broken);
    let copy = write(dir.path(), "copy.txt", "x\n");
    lint()
        .arg(&copy)
        .arg("--rules")
        .arg(&rules)
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("rules.yaml:4:")
                .and(predicate::str::contains("unknown level `forbid`"))
                .and(predicate::str::contains("is not closed by `)`"))
                .and(predicate::str::contains(
                    "names its `document` and `section`",
                )),
        );
    // A rule whose own examples misbehave is refused too.
    let wrong_example = USER_RULES.replace(
        "pass: [A gentle cream., 保湿クリーム]",
        "pass: [A miracle, 保湿クリーム]",
    );
    let rules = write(dir.path(), "rules.yaml", &wrong_example);
    lint()
        .arg(&copy)
        .arg("--rules")
        .arg(&rules)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "flags its own `pass` example \"A miracle\"",
        ));
}

#[test]
fn every_format_renders_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "page.html", PAGE_HTML);
    let names = [
        "r.json", "r.sarif", "r.xml", "r.md", "r.html", "r.csv", "r.txt",
    ];
    let mut cmd = lint();
    cmd.current_dir(dir.path())
        .args(["page.html", "--reproducible"]);
    for name in names {
        cmd.arg("--output").arg(name);
    }
    cmd.assert().code(2);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let json: Value = serde_json::from_str(&read("r.json")).unwrap();
    let findings = json["files"][0]["findings"].as_array().unwrap();
    assert!(findings.len() >= 4);
    let csv_rows = read("r.csv").lines().count() - 1;
    assert_eq!(csv_rows, findings.len(), "one CSV row per finding");
    let sarif: Value = serde_json::from_str(&read("r.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings.len()
    );
    for f in findings {
        let code = f["code"].as_str().unwrap();
        for name in ["r.md", "r.html", "r.txt", "r.xml"] {
            assert!(read(name).contains(code), "{name} lacks {code}");
        }
    }
    let html = read("r.html");
    assert!(
        html.contains("<mark>副作用は&lt;em&gt;一切&lt;/em&gt;ありません</mark>"),
        "the phrase is marked in its line"
    );
    assert!(
        html.contains("医療広告ガイドライン"),
        "the legal basis is on the page"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("<link"),
        "self-contained"
    );
}

/// The wording model reads what no phrase rule lists: a paraphrased promise is reported as
/// `reads-as-claim` at its sentence, with the words that weighed most; a sentence a rule
/// already flagged and a factual sentence are not; the reviewer's `--allow` turns it off.
#[test]
fn the_wording_model_warns_about_a_paraphrased_claim_and_names_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let copy = "受付時間は平日10時から19時まで、土曜は17時までです。\n\
                お肌の悩みとは無縁の毎日へ。\n\
                副作用は一切ありません。\n";
    let page = write(dir.path(), "page.txt", copy);
    let report = json_of(lint().arg("--class").arg("cosmetic").arg(&page), 2);
    let findings = report["files"][0]["findings"].as_array().unwrap();
    let modelled: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "reads-as-claim")
        .collect();
    assert_eq!(modelled.len(), 1, "{findings:#?}");
    let finding = modelled[0];
    let (line, column) = place(copy, "お肌の悩み");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert_eq!(finding["phrase"], "お肌の悩みとは無縁の毎日へ");
    assert_eq!(finding["level"], "warn");
    let cues: Vec<&str> = finding["cues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        !cues.is_empty() && cues.iter().all(|c| c.starts_with('「')),
        "{cues:?}"
    );
    assert!(
        finding["message"].as_str().unwrap().contains(cues[0]),
        "the message names the cues: {finding}"
    );
    // The absolute-safety sentence is the phrase rule's, not the model's too.
    assert!(findings.iter().any(|f| f["code"] == "safety-absolute"));

    let allowed = json_of(
        lint()
            .args(["--class", "cosmetic", "--allow", "reads-as-claim"])
            .arg(&page),
        2,
    );
    let levels: Vec<&Value> = allowed["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "reads-as-claim")
        .map(|f| &f["level"])
        .collect();
    assert_eq!(levels, [&Value::from("allow")]);

    lint()
        .args(["--class", "cosmetic"])
        .arg(&page)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("weighed most: 「"));
}

/// A rules file may hand a rule to the wording model, and a misspelt detector, or patterns
/// beside it, are refused at their line.
#[test]
fn a_rules_file_names_the_model_as_a_detector_or_is_told_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let rule = |extra: &str| {
        format!(
            "rules:\n  - code: house-claim\n    name: House claim\n    level: deny\n    \
             jurisdictions: [jp]\n{extra}    explanation: e\n    suggestion: s\n    basis:\n      \
             - document: 薬機法\n        section: 第66条\n    examples:\n      \
             flag: [お肌の悩みとは無縁の毎日へ]\n      pass: [受付時間は平日10時から19時までです]\n"
        )
    };
    let rules_with = |file: &Path| {
        let mut cmd = common::claimaudit(Path::new("cache"));
        cmd.args(["rules", "--rules"]).arg(file);
        cmd.assert()
    };
    let good = write(
        dir.path(),
        "good.yaml",
        &rule("    detector: wording-model\n"),
    );
    rules_with(&good)
        .success()
        .stdout(predicate::str::contains("house-claim"));
    // The user's model rule reports beside the built-in one, at its own level.
    let page = write(dir.path(), "page.txt", "お肌の悩みとは無縁の毎日へ。\n");
    let report = json_of(
        lint()
            .args(["--class", "cosmetic", "--rules"])
            .arg(&good)
            .arg(&page),
        2,
    );
    let found: Vec<(&str, &str)> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["level"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("house-claim", "deny"), ("reads-as-claim", "warn")]);
    let typo = write(
        dir.path(),
        "typo.yaml",
        &rule("    detector: wording-modle\n"),
    );
    rules_with(&typo).code(3).stderr(
        predicate::str::contains("typo.yaml:6").and(predicate::str::contains("unknown detector")),
    );
    let both = write(
        dir.path(),
        "both.yaml",
        &rule("    detector: wording-model\n    patterns: [x]\n"),
    );
    rules_with(&both)
        .code(3)
        .stderr(predicate::str::contains("has no `patterns`"));
}
