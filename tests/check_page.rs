//! `claimaudit check PAGE`: marketing's one command. The page's claims are drafted in
//! memory, audited like a claims file, and every finding points into the page. Pages here
//! are hand-made for these tests.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const PAGE: &str = "GlowCell Retinol Night Serum\n\
Our retinol serum visibly reduces fine lines in 8 weeks (PMID: 31844417).\n\
It is 100% safe with no side effects.\n\
Price: $49.00\n";

fn check(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimaudit").unwrap();
    cmd.current_dir(dir)
        .env("CLAIMAUDIT_CACHE_DIR", dir.join("cache"))
        .env("CLAIMAUDIT_STATE_DIR", dir.join("state"))
        .env_remove("NCBI_EMAIL")
        .env_remove("NCBI_API_KEY");
    cmd
}

fn json(cmd: &mut Command, code: i32) -> Value {
    let out = cmd.assert().code(code).get_output().stdout.clone();
    serde_json::from_slice(&out).expect("a JSON report")
}

#[test]
fn a_page_is_drafted_and_audited_with_findings_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.txt"), PAGE).unwrap();
    let report = json(
        check(dir.path()).args(["check", "page.txt", "--offline", "--format", "json"]),
        2,
    );
    assert_eq!(report["claims_file"], "page.txt");
    let claims = report["claims"].as_array().unwrap();
    let texts: Vec<&str> = claims.iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "Our retinol serum visibly reduces fine lines in 8 weeks.",
            "It is 100% safe with no side effects."
        ]
    );
    assert_eq!(claims[0]["line"], 2);
    assert_eq!(claims[1]["line"], 3);
    // Offline with an empty cache: the citation is not checked, and never supported.
    assert_eq!(claims[0]["verdict"], "not-checked");
    for claim in claims {
        let codes: Vec<&str> = claim["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(codes.contains(&"unreviewed-claim"), "{codes:?}");
    }
    // The absolute-safety wording is found at its column on the page's line.
    let wording = claims[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["wording"].is_object())
        .expect("a wording finding");
    assert_eq!(wording["line"], 3);
    let column = wording["column"].as_u64().unwrap() as usize;
    let phrase = wording["wording"]["phrase"].as_str().unwrap();
    let line = PAGE.lines().nth(2).unwrap();
    assert_eq!(&line[column - 1..column - 1 + phrase.len()], phrase);
}

#[test]
fn sarif_for_a_page_points_at_the_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.txt"), PAGE).unwrap();
    let sarif = json(
        check(dir.path()).args(["check", "page.txt", "--offline", "--format", "sarif"]),
        2,
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "page.txt");
        let line = location["region"]["startLine"].as_u64().unwrap();
        assert!((2..=3).contains(&line), "{result}");
    }
}

#[test]
fn a_page_from_standard_input_and_a_page_without_claims() {
    let dir = tempfile::tempdir().unwrap();
    let report = json(
        check(dir.path())
            .args(["check", "-", "--offline", "--format", "json"])
            .write_stdin(PAGE),
        2,
    );
    assert_eq!(report["claims"].as_array().unwrap().len(), 2);
    check(dir.path())
        .args(["check", "-", "--offline"])
        .write_stdin("Home\nAbout\n")
        .assert()
        .code(3)
        .stderr(predicates::str::contains("no claim found on the page"));
}

#[test]
fn the_whole_page_is_linted_and_a_claims_wording_is_not_reported_twice() {
    let dir = tempfile::tempdir().unwrap();
    // A clinic page: 「当院」 makes it one; it lacks the disclosures a clinic page needs.
    let page = "当院のエクソソーム点滴\n\
        当院の点滴は副作用がなく安全です。\n\
        最新の再生医療をお届けします\n";
    std::fs::write(dir.path().join("page.txt"), page).unwrap();
    let report = json(
        check(dir.path()).args(["check", "page.txt", "--offline", "--format", "json"]),
        2,
    );
    let page_section = &report["page"];
    assert_eq!(page_section["path"], "page.txt");
    let findings = page_section["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("disclosure-"))),
        "a clinic page's missing disclosures are reported: {findings:#?}"
    );
    // "副作用がなく" is in the drafted claim: reported on the claim, not again on the page.
    let claim = &report["claims"][0];
    assert!(claim["text"].as_str().unwrap().contains("副作用がなく"));
    assert!(
        claim["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["wording"].is_object())
    );
    assert!(
        findings
            .iter()
            .all(|f| !f["phrase"].as_str().unwrap_or("").contains("副作用")),
        "{findings:#?}"
    );
    assert!(report["summary"]["page_findings"]["deny"].as_u64().unwrap() >= 1);
}
