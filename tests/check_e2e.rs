//! End-to-end tests of `claimaudit check` against the local E-utilities stand-in serving
//! the real fixture records.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::fake_eutils::FakeEutils;
use predicates::prelude::*;
use serde_json::Value;

const EMAIL: &str = "check-tests@example.org";

/// A claims file written into `dir` (hand-made for these tests).
fn claims_file(dir: &Path, yaml: &str) -> PathBuf {
    let path = dir.join("claims.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

fn check(cache: &Path, server: &FakeEutils) -> Command {
    let mut cmd = common::against(cache, server, EMAIL);
    cmd.arg("check");
    cmd
}

fn json_report(cmd: &mut Command, code: i32) -> Value {
    common::json_output(cmd, code)
}

fn claim<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn codes(claim: &Value) -> Vec<String> {
    let mut codes: Vec<String> = claim["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            claim["citations"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| c["findings"].as_array().unwrap()),
        )
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

const EVERY_VERDICT: &str = r#"# hand-made test claims
product:
  name: test product
  terms: [aspirin, interleukin-4]
claims:
  - id: supported-by-rct
    text: 再発予防に効果がある
    kind: efficacy
    keywords: [thromboembolism]
    citations: ["PMID: 23121403"]
  - id: weak-mouse-only
    text: 組織修復を促進する
    kind: efficacy
    keywords: [tissue repair]
    citations: [{pmid: 28495875}]
  - id: mechanism-from-mouse
    text: マクロファージを介して修復する
    kind: mechanism
    keywords: [macrophage]
    citations: [{pmid: 28495875}]
  - id: unresolved-citation
    text: 肌が若返る
    kind: efficacy
    citations: ["Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes"]
  - id: uncited
    text: 幹細胞由来の成分を含む
    kind: safety
  - id: retracted-source
    text: 細胞増殖を抑える
    kind: mechanism
    citations: ["31844417"]
  - id: off-topic
    text: コラーゲンを増やす
    kind: efficacy
    keywords: [collagen]
    citations: ["PMID: 23121403"]
  - id: absolute-safety
    text: 再発予防に。副作用は一切ありません
    kind: safety
    keywords: [thromboembolism]
    citations: ["PMID: 23121403"]
"#;

#[test]
fn every_verdict_with_its_findings() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), EVERY_VERDICT);
    let report = json_report(check(&work.path().join("cache"), &server).arg(&file), 2);

    let supported = claim(&report, "supported-by-rct");
    assert_eq!(supported["verdict"], "supported");
    assert_eq!(supported["best_evidence"]["design"], "rct");
    assert_eq!(supported["best_evidence"]["level"], 2);
    assert!(codes(supported).is_empty(), "{:?}", codes(supported));

    let weak = claim(&report, "weak-mouse-only");
    assert_eq!(weak["verdict"], "weak");
    assert!(weak["explanation"].as_str().unwrap().contains("animal"));
    assert_eq!(codes(weak), ["no-human-evidence"]);
    assert_eq!(weak["best_evidence"]["design"], "animal");

    let off_topic = claim(&report, "off-topic");
    assert_eq!(off_topic["verdict"], "off-topic");
    // 「コラーゲンを増やす」 is also a physiological promise the wording lint warns about.
    assert_eq!(
        codes(off_topic),
        ["keywords-absent", "no-relevant-source", "rejuvenation"]
    );
    assert_eq!(
        off_topic["best_evidence"],
        Value::Null,
        "an off-topic record is never shown as the claim's evidence"
    );
    assert_eq!(off_topic["citations"][0]["supports"], false);
    assert_eq!(
        claim(&report, "supported-by-rct")["citations"][0]["supports"],
        true
    );

    assert_eq!(
        claim(&report, "mechanism-from-mouse")["verdict"],
        "supported"
    );

    let unresolved = claim(&report, "unresolved-citation");
    assert_eq!(unresolved["verdict"], "unresolved");
    // 「若返る」 is also a rejuvenation promise (a warning of the wording lint).
    assert_eq!(codes(unresolved), ["citation-not-found", "rejuvenation"]);
    assert_eq!(unresolved["citations"][0]["status"], "not-found");
    assert_eq!(unresolved["citations"][0]["line"], 24);

    let uncited = claim(&report, "uncited");
    assert_eq!(uncited["verdict"], "uncited");
    assert_eq!(uncited["findings"][0]["code"], "uncited-claim");
    assert_eq!(uncited["findings"][0]["level"], "deny");
    assert_eq!(uncited["line"], 25);

    // A good trial cannot back wording that promises absolute safety.
    let absolute = claim(&report, "absolute-safety");
    assert_eq!(absolute["verdict"], "wording");
    assert_eq!(absolute["citations"][0]["supports"], true);
    let finding = &absolute["findings"][0];
    assert_eq!(finding["code"], "safety-absolute");
    assert_eq!(finding["level"], "deny");
    let place = &finding["wording"];
    assert_eq!(place["phrase"], "副作用は一切ありません");
    // `    text: 再発予防に。副作用は一切ありません` on line 38: the phrase starts at the
    // 17th character of the line and runs for 11.
    assert_eq!(
        (place["line"].as_u64(), place["column"].as_u64()),
        (Some(38), Some(17))
    );
    assert_eq!(place["end_column"], 28);
    assert!(!place["rule"]["basis"].as_array().unwrap().is_empty());

    let retracted = claim(&report, "retracted-source");
    assert_eq!(retracted["verdict"], "retracted");
    assert!(codes(retracted).contains(&"retracted-source".to_owned()));

    assert_eq!(report["summary"]["verdicts"]["supported"], 2);
    assert_eq!(report["summary"]["verdicts"]["wording"], 1);
    assert_eq!(report["summary"]["verdicts"]["off-topic"], 1);
    assert_eq!(report["exit_code"], 2);
    assert_eq!(report["schema"], "claimaudit/report/v2");
}

#[test]
fn the_json_report_follows_the_shipped_schema() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), EVERY_VERDICT);
    // The schema as shipped in the binary.
    let schema: Value = serde_json::from_str(claimaudit::report::REPORT_JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let cache = work.path().join("cache");
    let online = json_report(check(&cache, &server).arg(&file), 2);
    let offline = json_report(
        check(&tempfile::tempdir().unwrap().path().join("c"), &server)
            .arg(&file)
            .arg("--offline"),
        2,
    );
    let seed = json_report(
        check(&tempfile::tempdir().unwrap().path().join("c"), &server)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("claims.yaml"))
            .arg("--offline"),
        2,
    );
    for report in [&online, &offline, &seed] {
        let errors: Vec<String> = validator
            .iter_errors(report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    // The schema is strict enough to catch a broken report.
    let mut broken = online.clone();
    broken["claims"][0]["verdict"] = Value::from("probably-fine");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn exit_zero_when_nothing_is_denied_and_four_when_only_unchecked() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "product: {name: x, terms: [aspirin]}\nclaims:\n  - id: ok\n    text: 効果がある\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"23121403\"]\n",
    );
    let cache = work.path().join("cache");
    check(&cache, &server)
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("supported"));
    // Offline with an empty cache: not checked, never supported or failed.
    let empty = work.path().join("empty-cache");
    check(&empty, &server)
        .arg(&file)
        .arg("--offline")
        .assert()
        .code(4)
        .stdout(predicate::str::contains("not-checked"))
        .stderr(predicate::str::contains("could not be checked"));
    // Offline on the filled cache: same answer as online, no request.
    let before = server.requests().len();
    check(&cache, &server)
        .arg(&file)
        .arg("--offline")
        .assert()
        .code(0);
    assert_eq!(server.requests().len(), before);
}

#[test]
fn an_unreachable_server_gives_not_checked_quickly_and_still_reports_uncited_claims() {
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "claims:\n  - id: cited\n    text: 効果\n    kind: efficacy\n    citations: [\"An, Y., et al., 2021\", \"10.1056/NEJMoa1210384\"]\n  - id: bare\n    text: 安全\n    kind: safety\n",
    );
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let report = json_report(
        common::claimaudit(&work.path().join("cache"))
            .env(
                "CLAIMAUDIT_EUTILS_URL",
                format!("http://127.0.0.1:{port}/entrez/eutils/"),
            )
            .env("NCBI_EMAIL", EMAIL)
            .env("CLAIMAUDIT_BACKOFF", "20ms")
            .args(["check", "--retries", "2"])
            .arg(&file),
        2,
    );
    assert_eq!(claim(&report, "cited")["verdict"], "not-checked");
    assert_eq!(claim(&report, "bare")["verdict"], "uncited");
    let reason = claim(&report, "cited")["citations"][0]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reason.contains("could not reach"), "{reason}");
    // A coarse bound against a hang only: a loaded CI machine missed a 10 s window. That
    // later lookups do not each retry is counted in tests/hostile_network.rs.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn an_invalid_claims_file_lists_every_problem_and_asks_nothing() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "product:\n  name: x\n  termz: [a]\nclaims:\n  - id: a\n    text: x\n    kind: efficacy\n    citations: [{pmid: 12x}]\n  - id: a\n    text: ''\n    kind: healing\n",
    );
    let path = file.display().to_string();
    check(&work.path().join("cache"), &server)
        .arg(&file)
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains(format!("{path}:3:3: unknown key `termz`"))
                .and(predicate::str::contains("did you mean `terms`?"))
                .and(predicate::str::contains(format!(
                    "{path}:8:24: malformed pmid `12x`"
                )))
                .and(predicate::str::contains(
                    "claim id `a` is already used at line 5",
                ))
                .and(predicate::str::contains("the claim text is empty"))
                .and(predicate::str::contains("unknown claim kind `healing`"))
                .and(predicate::str::contains("5 problems in the claims file")),
        );
    assert_eq!(server.requests().len(), 0);
    check(&work.path().join("cache"), &server)
        .arg(work.path().join("missing.yaml"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot read the claims file"));
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), EVERY_VERDICT);
    let output = check(&work.path().join("cache"), &server)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("resolving citations"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal escapes: {stderr:?}"
    );
}

#[test]
fn the_seed_claims_offline_with_an_empty_cache_report_every_uncited_claim() {
    let (server, _) = require_stand_in!();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("claims.yaml");
    let file = claimaudit::claims::load(&seed).expect("the repository's claims.yaml is valid");
    let uncited: Vec<&str> = file
        .claims
        .iter()
        .filter(|c| c.citations.is_empty())
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        file.claims.len() >= 40,
        "{} claims transcribed",
        file.claims.len()
    );
    assert!(uncited.len() >= 30);
    let report = json_report(
        check(&tempfile::tempdir().unwrap().path().join("c"), &server)
            .arg(&seed)
            .arg("--offline"),
        2,
    );
    let mut worded = 0;
    for id in &uncited {
        let c = claim(&report, id);
        assert_eq!(c["findings"][0]["code"], "uncited-claim", "{id}");
        // Wording denied whatever the sources (absolute safety...) is the more serious
        // problem of an uncited claim.
        let denied_wording = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["level"] == "deny" && f["wording"].is_object());
        let wanted = if denied_wording { "wording" } else { "uncited" };
        worded += usize::from(denied_wording);
        assert_eq!(c["verdict"], wanted, "{id}");
    }
    assert!(
        worded >= 2,
        "the seed's absolute-safety claims are denied for their wording"
    );
    assert_eq!(
        report["summary"]["verdicts"]["uncited"],
        uncited.len() - worded
    );
    assert_eq!(
        report["summary"]["verdicts"]["not-checked"],
        file.claims.len() - uncited.len()
    );
    assert_eq!(server.requests().len(), 0);
    // The seed's key safety wording is there, verbatim.
    assert!(
        file.claims
            .iter()
            .any(|c| c.text.contains("腫瘍形成リスクがない"))
    );
    assert!(
        file.claims
            .iter()
            .any(|c| c.text.contains("安全性が保証されている"))
    );
}

#[test]
fn a_wording_rule_that_denies_for_the_products_class_cannot_be_lowered_by_the_file() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    // serious-condition warns by default and denies for a supplement; no-safety-reports
    // denies for a clinic. The audited file may not lower either for its own class.
    for (class, code, text) in [
        ("supplement", "serious-condition", "Helps prevent diabetes."),
        (
            "clinic",
            "no-safety-reports",
            "No serious adverse events have been reported.",
        ),
    ] {
        let file = claims_file(
            work.path(),
            &format!(
                "product:\n  name: X\n  terms: [x]\n  class: {class}\npolicy:\n  {code}: allow\nclaims:\n  - id: c\n    text: {text}\n    kind: efficacy\n"
            ),
        );
        let output = check(&work.path().join("cache"), &server)
            .arg(&file)
            .args(["--format", "json", "--offline"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("tried to lower {code} to allow: refused")),
            "{class}: {stderr}"
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let findings = claim(&report, "c")["findings"].as_array().unwrap().clone();
        assert!(
            findings
                .iter()
                .any(|f| f["code"] == code && f["level"] == "deny"),
            "{class}: {findings:#?}"
        );
    }
}

#[test]
fn policy_from_the_file_the_reviewer_and_the_command_line() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    // The audited file tries to switch off a check on itself: refused.
    let file = claims_file(
        work.path(),
        "policy:\n  uncited-claim: warn\n  keywords-absent: deny\nclaims:\n  - id: bare\n    text: x\n    kind: safety\n",
    );
    let cache = work.path().join("cache");
    let output = check(&cache, &server)
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("tried to lower uncited-claim to warn: refused"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(claim(&report, "bare")["findings"][0]["level"], "deny");
    let overrides = report["overrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 2, "{overrides:#?}");
    assert_eq!(overrides[0]["code"], "uncited-claim");
    assert_eq!(overrides[0]["applied"], false);
    assert_eq!(overrides[0]["line"], 2);
    assert_eq!(overrides[1]["code"], "keywords-absent");
    assert_eq!(overrides[1]["applied"], true, "raising is always allowed");

    // The reviewer may lower it, from the command line or a policy file, and the report
    // says so.
    let report = json_report(
        check(&cache, &server)
            .arg(&file)
            .args(["--warn", "uncited-claim"]),
        0,
    );
    assert_eq!(claim(&report, "bare")["findings"][0]["level"], "warn");
    assert_eq!(
        claim(&report, "bare")["verdict"],
        "uncited",
        "still not supported"
    );
    let last = report["overrides"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["source"].as_str(), last["applied"].as_bool()),
        (Some("the command line"), Some(true))
    );
    let reviewer = work.path().join("review-policy.yaml");
    std::fs::write(&reviewer, "policy:\n  uncited-claim: allow\n").unwrap();
    let report = json_report(
        check(&cache, &server)
            .arg(&file)
            .arg("--policy")
            .arg(&reviewer),
        0,
    );
    assert_eq!(claim(&report, "bare")["findings"][0]["level"], "allow");
    assert!(
        report["overrides"]
            .to_string()
            .contains("review-policy.yaml")
    );
    std::fs::write(&reviewer, "policy:\n  uncited-claims: allow\n").unwrap();
    check(&cache, &server)
        .arg(&file)
        .arg("--policy")
        .arg(&reviewer)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "review-policy.yaml:2:3: unknown finding code `uncited-claims`",
        ));
    check(&cache, &server)
        .arg(&file)
        .args(["--deny", "uncited-claims"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("did you mean `uncited-claim`?"));
}

#[test]
fn output_files_in_several_formats() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), EVERY_VERDICT);
    let json_path = work.path().join("report.json");
    let text_path = work.path().join("report.txt");
    let stdout = check(&work.path().join("cache"), &server)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .arg(&file)
        .args(["--format", "json", "--output"])
        .arg(&json_path)
        .arg("--output")
        .arg(&text_path)
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    assert_eq!(std::fs::read(&json_path).unwrap(), stdout);
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["generated_at"], "2026-01-01T00:00:00Z");
    let text = std::fs::read_to_string(&text_path).unwrap();
    assert!(text.contains("CLAIM") && text.contains("weak-mouse-only"));
    // An unwritable output is an unexpected error (1), not a verdict.
    check(&work.path().join("cache"), &server)
        .arg(&file)
        .arg("--output")
        .arg(work.path().join("no-such-dir/report.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot write the report"));
    check(&work.path().join("cache"), &server)
        .arg(&file)
        .args(["--output", "report.pdf"])
        .assert()
        .code(3);
}

#[test]
fn without_an_email_check_works_from_the_cache_and_says_so() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "product: {name: x, terms: [aspirin]}\nclaims:\n  - id: c\n    text: x\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"23121403\"]\n",
    );
    check(&work.path().join("cache"), &server)
        .env_remove("NCBI_EMAIL")
        .arg(&file)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("NCBI_EMAIL is not set"));
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn a_corrupt_cache_entry_is_named_on_stderr_and_not_trusted() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "product: {name: x, terms: [aspirin]}\nclaims:\n  - id: c\n    text: x\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"23121403\"]\n",
    );
    let cache = work.path().join("cache");
    check(&cache, &server).arg(&file).assert().code(0);
    std::fs::write(cache.join("pubmed/23121403.json"), "{ damaged").unwrap();
    // Offline it cannot be refetched: the claim is not checked, and the file is named.
    check(&cache, &server)
        .arg(&file)
        .arg("--offline")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("23121403.json is corrupt"));
    // Online it is fetched again and the claim is supported once more.
    check(&cache, &server)
        .arg(&file)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("23121403.json is corrupt"));
    common::claimaudit(&cache)
        .args(["cache", "verify"])
        .assert()
        .success();
}

#[test]
fn identifiers_in_any_spelling_resolve_to_the_same_record() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    // Japanese copy carries full-width digits; DOIs come as dx.doi.org links.
    let file = claims_file(
        work.path(),
        "product: {name: x, terms: [aspirin]}\nclaims:\n  - id: full-width\n    text: 効果\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"PMID ２３１２１４０３\", {pmid: \"２３１２１４０３\"}]\n  - id: doi-link\n    text: 効果\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [{doi: \"https://dx.doi.org/10.1056/NEJMoa1210384\"}, \"http://doi.org/10.1056/NEJMoa1210384\"]\n",
    );
    let report = json_report(check(&work.path().join("cache"), &server).arg(&file), 0);
    for id in ["full-width", "doi-link"] {
        let claim = claim(&report, id);
        assert_eq!(claim["verdict"], "supported", "{id}");
        for citation in claim["citations"].as_array().unwrap() {
            assert_eq!(citation["status"], "resolved", "{id}: {citation}");
            assert_eq!(citation["pmid"], "23121403", "{id}: {citation}");
        }
    }
    // One record fetched for all four spellings, and one search for the DOI.
    assert_eq!(server.requests_to("efetch").len(), 1);
    assert_eq!(server.requests_to("esearch").len(), 1);
}
