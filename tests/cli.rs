//! End-to-end tests of the `claimaudit` binary on the real NCBI answers in
//! ../shared/fixtures/eutils: import them, then check what `show` says about records of
//! every kind.

mod common;

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

/// A temporary cache filled with every shared efetch file.
fn imported_cache(fixtures: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::claimaudit(dir.path())
        .args(["cache", "import"])
        .args(common::efetch_files(fixtures))
        .assert()
        .success()
        .stdout(predicate::str::contains("804 added"));
    dir
}

fn show_json(cache: &Path, pmids: &[&str]) -> Vec<Value> {
    let output = common::claimaudit(cache)
        .arg("show")
        .args(pmids)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let value: Value = serde_json::from_slice(&output).unwrap();
    value.as_array().unwrap().clone()
}

fn evidence(record: &Value) -> (String, String, Option<u64>) {
    let e = &record["evidence"];
    (
        e["design"].as_str().unwrap().to_owned(),
        e["population"].as_str().unwrap().to_owned(),
        e["level"].as_u64(),
    )
}

fn flags(record: &Value) -> Vec<&str> {
    record["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect()
}

#[test]
fn show_classifies_real_records_of_every_kind() {
    let fixtures = require_fixtures!();
    let cache = imported_cache(&fixtures);
    let records = show_json(
        cache.path(),
        &[
            "23121403", "37729413", "33856845", "219391", "28495875", "20412080", "20301295",
            "26059205", "993", "31844417", "38833988", "32887691",
        ],
    );
    let by_pmid = |pmid: &str| records.iter().find(|r| r["pmid"] == pmid).unwrap();

    // RCT: NEJM aspirin trial, MeSH Humans.
    let rct = by_pmid("23121403");
    assert_eq!(evidence(rct), ("rct".into(), "human".into(), Some(2)));
    assert_eq!(rct["evidence"]["confidence"], "high");
    assert_eq!(
        rct["evidence"]["basis"],
        serde_json::json!(["publication-type", "mesh"])
    );
    assert_eq!(rct["journal"], "The New England journal of medicine");
    assert_eq!(rct["iso_abbrev"], "N Engl J Med");
    assert_eq!(rct["year"], 2012);
    assert_eq!(rct["doi"], "10.1056/NEJMoa1210384");
    assert_eq!(
        rct["publication_types"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Randomized Controlled Trial")
            .unwrap()["ui"],
        "D016449"
    );
    assert!(
        rct["mesh"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["descriptor"] == "Humans" && m["ui"] == "D006801" && m["major"] == false)
    );

    // Meta-analysis and systematic review: level 1.
    assert_eq!(
        evidence(by_pmid("37729413")),
        ("meta-analysis".into(), "human".into(), Some(1))
    );
    assert_eq!(
        evidence(by_pmid("33856845")),
        ("systematic-review".into(), "human".into(), Some(1))
    );

    // Case report: level 4.
    assert_eq!(
        evidence(by_pmid("219391")),
        ("case-report".into(), "human".into(), Some(4))
    );

    // Animal-only study (MeSH Animals without Humans).
    let mouse = by_pmid("28495875");
    assert_eq!(evidence(mouse), ("animal".into(), "animal".into(), Some(5)));
    assert_eq!(mouse["evidence"]["basis"], serde_json::json!(["mesh"]));

    // Narrative review: not clinical evidence.
    assert_eq!(evidence(by_pmid("20412080")).0, "narrative-review");
    assert_eq!(evidence(by_pmid("20412080")).2, Some(5));

    // Book article (GeneReviews): an expert summary, not MEDLINE-indexed.
    let book = by_pmid("20301295");
    assert_eq!(book["kind"], "book-article");
    assert_eq!(evidence(book).0, "narrative-review");
    assert!(flags(book).contains(&"not-medline-indexed"));

    // No MeSH (not yet indexed): classified from the words, at low confidence.
    let unindexed = by_pmid("26059205");
    assert!(unindexed["mesh"].as_array().unwrap().is_empty());
    assert_eq!(evidence(unindexed).0, "rct");
    assert_eq!(unindexed["evidence"]["basis"], serde_json::json!(["text"]));
    assert_eq!(unindexed["evidence"]["confidence"], "low");
    assert!(flags(unindexed).contains(&"not-medline-indexed"));

    // The two real retracted records.
    let guinea_pig = by_pmid("993");
    assert_eq!(evidence(guinea_pig).0, "animal");
    assert!(flags(guinea_pig).contains(&"retracted"));
    let cell_line = by_pmid("31844417");
    assert_eq!(
        evidence(cell_line),
        ("in-vitro".into(), "in-vitro".into(), Some(5))
    );
    assert!(flags(cell_line).contains(&"retracted"));
    assert_eq!(cell_line["pmcid"].as_str().map(|p| &p[..3]), Some("PMC"));

    // A published erratum is no evidence at all; a corrected guideline is flagged.
    assert_eq!(
        evidence(by_pmid("38833988")),
        ("erratum".into(), "unknown".into(), None)
    );
    let guideline = by_pmid("32887691");
    assert_eq!(evidence(guideline).0, "guideline");
    assert!(flags(guideline).contains(&"erratum"));
}

#[test]
fn show_table_lists_design_level_and_notices() {
    let fixtures = require_fixtures!();
    let cache = imported_cache(&fixtures);
    common::claimaudit(cache.path())
        .args(["show", "PMID: 31844417", "23121403"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("PMID")
                .and(predicate::str::contains("in-vitro"))
                .and(predicate::str::contains("retracted"))
                .and(predicate::str::contains("RetractionIn PMID 40251503"))
                .and(predicate::str::is_match(r"23121403\s+2012\s+rct\s+2\s+human").unwrap()),
        );
}

#[test]
fn an_unknown_pmid_is_reported_and_exits_not_checked() {
    let fixtures = require_fixtures!();
    let cache = imported_cache(&fixtures);
    common::claimaudit(cache.path())
        .args(["show", "993", "99999999"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("993"))
        .stderr(predicate::str::contains(
            "PMID 99999999 is not in the cache",
        ));
}

#[test]
fn a_malformed_pmid_is_invalid_input_never_a_crash() {
    let cache = tempfile::tempdir().unwrap();
    // Non-ASCII arguments once crashed `show` (a byte slice inside a character).
    for argument in [
        "10.1000/abc",
        "日本",
        "PMé",
        "0",
        "1234567890",
        "🙂",
        "PMID",
    ] {
        common::claimaudit(cache.path())
            .args(["show", argument])
            .assert()
            .code(3)
            .stderr(
                predicate::str::contains(format!("\"{argument}\" is not a PMID"))
                    .and(predicate::str::contains("panicked").not()),
            );
    }
}

#[test]
fn full_width_and_url_pmids_are_the_same_pmid() {
    let fixtures = require_fixtures!();
    let cache = imported_cache(&fixtures);
    for argument in [
        "２３１２１４０３",
        "ＰＭＩＤ：２３１２１４０３",
        "https://pubmed.ncbi.nlm.nih.gov/23121403/",
    ] {
        let records = show_json(cache.path(), &[argument]);
        assert_eq!(records[0]["pmid"], "23121403", "{argument}");
    }
}

#[test]
fn an_import_keeps_the_newest_revision_whatever_the_file_order() {
    let fixtures = require_fixtures!();
    // PMID 9997 is in two real answers: revised 2019 (with its DOI) and 2003 (without).
    let current = fixtures.join("efetch/biopython/pubmed1.xml");
    let stale = fixtures.join("efetch/eutils-json/efetch.pubmed.xml");
    for order in [[&current, &stale], [&stale, &current]] {
        let cache = tempfile::tempdir().unwrap();
        for file in order {
            common::claimaudit(cache.path())
                .args(["cache", "import"])
                .arg(file)
                .assert()
                .success();
        }
        let record = &show_json(cache.path(), &["9997"])[0];
        assert_eq!(
            record["doi"], "10.1016/0005-2795(76)90109-4",
            "imported in the order {order:?}"
        );
    }
    // One call with both files says what it kept.
    let cache = tempfile::tempdir().unwrap();
    common::claimaudit(cache.path())
        .args(["cache", "import"])
        .arg(&current)
        .arg(&stale)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 older revision not imported"));
    assert_eq!(
        show_json(cache.path(), &["9997"])[0]["doi"],
        "10.1016/0005-2795(76)90109-4"
    );
}

#[test]
fn bad_files_are_rejected_with_path_and_reason_and_nothing_cached_is_lost() {
    let fixtures = require_fixtures!();
    let cache = imported_cache(&fixtures);
    let before = common::claimaudit(cache.path())
        .args(["cache", "stats", "--format", "json"])
        .output()
        .unwrap()
        .stdout;

    // Real bad answers from NCBI, plus damaged copies of a real answer made here.
    let real = std::fs::read(fixtures.join("efetch/metapub/35830032.xml")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let truncated = work.path().join("truncated.xml");
    std::fs::write(&truncated, &real[..real.len() * 2 / 3]).unwrap();
    let mut bad_utf8 = real.clone();
    let at = bad_utf8.len() / 2;
    bad_utf8[at] = 0xff;
    let invalid_utf8 = work.path().join("invalid-utf8.xml");
    std::fs::write(&invalid_utf8, &bad_utf8).unwrap();
    let empty = work.path().join("empty.xml");
    std::fs::write(&empty, b"").unwrap();

    let cases = [
        (
            fixtures.join("errors/biopython-pmfetch-response.html"),
            "an HTML page",
        ),
        (
            fixtures.join("errors/eutils-json-esearch-ERROR-in-200.xml"),
            "NCBI returned an error",
        ),
        (
            fixtures.join("esearch/biopython/esearch1.xml"),
            "root element is <eSearchResult>",
        ),
        (truncated, "truncated XML"),
        (invalid_utf8, "invalid UTF-8 at line"),
        (empty, "the input is empty"),
    ];
    for (path, reason) in &cases {
        common::claimaudit(cache.path())
            .args(["cache", "import"])
            .arg(path)
            .assert()
            .code(3)
            .stderr(
                predicate::str::contains(path.display().to_string())
                    .and(predicate::str::contains(*reason))
                    .and(predicate::str::contains("panicked").not()),
            );
    }
    let after = common::claimaudit(cache.path())
        .args(["cache", "stats", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(
        before, after,
        "rejected files must leave the cache as it was"
    );
    // The record whose damaged copies were offered is still intact.
    assert_eq!(show_json(cache.path(), &["35830032"]).len(), 1);
}

#[test]
fn import_reads_standard_input_and_reports_added_updated_unchanged() {
    let fixtures = require_fixtures!();
    let cache = tempfile::tempdir().unwrap();
    let xml = std::fs::read(fixtures.join("efetch/biopython/pubmed2.xml")).unwrap();
    common::claimaudit(cache.path())
        .args(["cache", "import", "-"])
        .write_stdin(xml.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("added, 0 updated, 0 unchanged"));
    common::claimaudit(cache.path())
        .args(["cache", "import", "-"])
        .write_stdin(xml)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 updated,"));
}

#[test]
fn stats_counts_records_size_and_fetch_times() {
    let fixtures = require_fixtures!();
    let cache = imported_cache(&fixtures);
    let output = common::claimaudit(cache.path())
        .args(["cache", "stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stats["records"], 804);
    assert_eq!(stats["corrupt"], 0);
    assert!(stats["bytes_on_disk"].as_u64().unwrap() > 100_000);
    let oldest = stats["oldest_fetch"].as_str().unwrap();
    assert!(oldest.ends_with('Z') && oldest <= stats["newest_fetch"].as_str().unwrap());
    common::claimaudit(cache.path())
        .args(["cache", "stats"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"records\s+804").unwrap());
}

#[test]
fn a_corrupt_cache_entry_is_named_and_not_trusted() {
    let fixtures = require_fixtures!();
    let cache = tempfile::tempdir().unwrap();
    common::claimaudit(cache.path())
        .args(["cache", "import"])
        .arg(fixtures.join("efetch/metapub/219391.xml"))
        .assert()
        .success();
    let entry = cache.path().join("pubmed/219391.json");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, &text[..text.len() / 2]).unwrap();
    common::claimaudit(cache.path())
        .args(["show", "219391"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("219391.json is corrupt"));
    // Re-importing repairs it.
    common::claimaudit(cache.path())
        .args(["cache", "import"])
        .arg(fixtures.join("efetch/metapub/219391.xml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("1 updated"));
    common::claimaudit(cache.path())
        .args(["show", "219391"])
        .assert()
        .success();
}

#[test]
fn cache_files_are_deterministic_and_hold_no_evidence_verdicts() {
    let fixtures = require_fixtures!();
    let first = tempfile::tempdir().unwrap();
    let file = fixtures.join("efetch/pubmed-client/31978945.xml");
    common::claimaudit(first.path())
        .args(["cache", "import"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(first.path().join("pubmed/31978945.json")).unwrap();
    let entry: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(entry["schema"], "claimaudit/cache/pubmed-record/v1");
    assert_eq!(entry["source"], "import");
    assert!(entry["record"].get("evidence").is_none());
    // Same input, same bytes apart from the fetch time.
    let second = tempfile::tempdir().unwrap();
    common::claimaudit(second.path())
        .args(["cache", "import"])
        .arg(&file)
        .assert()
        .success();
    let other = std::fs::read_to_string(second.path().join("pubmed/31978945.json")).unwrap();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("fetched_at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&text), strip(&other));
}

#[test]
fn usage_errors_exit_three_and_help_documents_exit_codes() {
    let cache = tempfile::tempdir().unwrap();
    common::claimaudit(cache.path())
        .arg("no-such-command")
        .assert()
        .code(3);
    common::claimaudit(cache.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes").and(predicate::str::contains("show")));
}

#[test]
fn the_ci_examples_and_the_pre_commit_hook_are_valid_yaml_running_check_offline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, expected) in [
        ("examples/ci/github-actions.yml", "upload-sarif"),
        ("examples/ci/gitlab-ci.yml", "junit: claimaudit-junit.xml"),
        (".pre-commit-hooks.yaml", "id: claimaudit"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        claimaudit::yaml::parse(&text).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert!(
            text.contains("claimaudit check") && text.contains("--offline"),
            "{file}"
        );
        assert!(text.contains(expected), "{file}");
    }
}
