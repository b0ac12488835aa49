//! A report someone files: it says what it rests on (online, offline or mixed, how old
//! its records are), gives every finding the same line in every format, shows waivers and
//! notes everywhere, lists the queries tried for a citation that did not resolve, and
//! reads well for Japanese copy. End to end through the binary, against the HTTP stand-in
//! that speaks NCBI's real formats.

#[macro_use]
mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const EMAIL: &str = "audits@example.org";

/// PMID 23121403: a record the stand-in serves (aspirin, thromboembolism).
const CLAIMS: &str = "product: {name: 歯髄幹細胞培養上清液, terms: [aspirin]}
claims:
  - id: cited
    text: アスピリンは静脈血栓塞栓症の再発を抑えることが報告されています
    kind: efficacy
    keywords: [thromboembolism]
    note: 効果一覧の表、1行目
    citations:
      - \"23121403\"
      - \"Zzyzx, Q., et al., 2019\"
  - id: uncited-one
    text: 肌のハリ・ツヤの向上が期待できます
    kind: efficacy
  - id: uncited-two
    text: シワ・たるみの改善が期待できます
    kind: efficacy
waivers:
  - {claim: uncited-two, code: uncited-claim, reason: wording under legal review, approved_by: K. Sato, approved_on: TODAY, expires: IN_A_MONTH}
";

/// Lines of CLAIMS, counted by hand: the claim, its citations and the uncited claims.
const CITED_CLAIM_LINE: usize = 3;
const SECOND_CITATION_LINE: usize = 10;

/// `YYYY-MM-DD` of the real clock, `days` from now: a waiver must be current.
fn date_in(days: u64) -> String {
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(days * 86_400);
    humantime::format_rfc3339_seconds(at).to_string()[..10].to_owned()
}

fn claims_file(dir: &Path, yaml: &str) -> PathBuf {
    let path = dir.join("claims.yaml");
    let yaml = yaml
        .replace("TODAY", &date_in(0))
        .replace("IN_A_MONTH", &date_in(30));
    std::fs::write(&path, yaml).unwrap();
    path
}

fn check(cache: &Path, server: &common::fake_eutils::FakeEutils) -> Command {
    let mut cmd = common::against(cache, server, EMAIL);
    cmd.arg("check").arg("--quiet");
    cmd
}

fn render(cmd: &mut Command, format: &str) -> String {
    let output = cmd.args(["--format", format]).output().unwrap();
    assert!(
        output.status.code().is_some_and(|c| c != 1 && c != 3),
        "{format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A cache filled online, then its record made look fetched in 2020.
fn aged_cache(work: &Path, server: &common::fake_eutils::FakeEutils, file: &Path) -> PathBuf {
    let cache = work.join("cache");
    check(&cache, server).arg(file).output().unwrap();
    let entry = cache.join("pubmed/23121403.json");
    let text = std::fs::read_to_string(&entry).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    json["fetched_at"] = Value::String("2020-01-02T03:04:05Z".into());
    std::fs::write(&entry, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    cache
}

#[test]
fn an_offline_report_on_old_records_says_so_in_every_format() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = aged_cache(work.path(), &server, &file);
    let offline = || {
        let mut cmd = check(&cache, &server);
        cmd.arg(&file).arg("--offline");
        cmd
    };
    let json: Value = serde_json::from_str(&render(&mut offline(), "json")).unwrap();
    let provenance = &json["provenance"];
    assert_eq!(provenance["network"], "offline");
    assert_eq!(provenance["records"], 1);
    assert_eq!(provenance["oldest_record"]["pmid"], "23121403");
    assert_eq!(
        provenance["oldest_record"]["confirmed_at"],
        "2020-01-02T03:04:05Z"
    );
    assert!(provenance["oldest_record"]["age_days"].as_u64().unwrap() > 2000);
    assert_eq!(provenance["older_than_max_age"][0], "23121403");
    let source = &json["claims"][0]["citations"][0];
    assert_eq!(source["confirmed_at"], "2020-01-02T03:04:05Z");
    assert_eq!(source["record_origin"], "efetch");

    let warning = "PubMed last confirmed 1 of the 1 record used more than 90 days ago";
    for format in ["table", "markdown", "html", "junit", "sarif"] {
        let text = render(&mut offline(), format);
        assert!(
            text.contains(warning),
            "{format} lacks the warning:\n{text}"
        );
        assert!(text.contains("offline"), "{format} does not say offline");
    }
    let table = render(&mut offline(), "table");
    assert!(
        table.lines().nth(1).unwrap().starts_with("WARNING: "),
        "the warning is at the top:\n{table}"
    );
    let html = render(&mut offline(), "html");
    assert!(html.contains("last confirmed by PubMed 2020-01-02T03:04:05Z"));
    let csv = render(&mut offline(), "csv");
    assert!(csv.contains("2020-01-02T03:04:05Z"));

    // A shorter limit than the record's age is what warns; a longer one does not.
    let calm = render(offline().args(["--record-max-age", "100years"]), "table");
    assert!(!calm.contains("WARNING"), "{calm}");
}

#[test]
fn an_online_run_says_online_and_a_run_whose_questions_failed_says_mixed() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = work.path().join("cache");
    let json: Value =
        serde_json::from_str(&render(check(&cache, &server).arg(&file), "json")).unwrap();
    assert_eq!(
        json["provenance"]["network"], "online",
        "{}",
        json["provenance"]
    );
    assert_eq!(
        json["provenance"]["older_than_max_age"],
        Value::Array(vec![])
    );
    assert_eq!(json["provenance"]["oldest_record"]["age_days"], 0);

    // The record is cached now; a server that refuses every connection fails the
    // search for the second citation, so part of the audit rests on the cache alone.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", dead.local_addr().unwrap());
    drop(dead);
    let mut cmd = common::claimaudit(&cache);
    cmd.args(["check", "--quiet", "--eutils-url", &url, "--email", EMAIL])
        .args(["--retries", "0", "--refresh", "--format", "json"])
        .arg(&file);
    let output = cmd.output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["provenance"]["network"], "mixed",
        "{}",
        json["provenance"]
    );
}

#[test]
fn every_format_places_a_finding_on_the_same_line() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = aged_cache(work.path(), &server, &file);
    let offline = || {
        let mut cmd = check(&cache, &server);
        cmd.arg(&file).arg("--offline");
        cmd
    };
    // PubMed has no paper by Zzyzx: the finding is about the citation, on the
    // citation's line, not the claim's.
    let line = SECOND_CITATION_LINE;
    assert_ne!(line, CITED_CLAIM_LINE);
    let json: Value = serde_json::from_str(&render(&mut offline(), "json")).unwrap();
    let finding = &json["claims"][0]["citations"][1]["findings"][0];
    let code = finding["code"].as_str().unwrap().to_owned();
    let level = finding["level"].as_str().unwrap().to_owned();
    assert_eq!(code, "citation-not-found");
    assert_eq!(finding["line"], line);
    let sarif: Value = serde_json::from_str(&render(&mut offline(), "sarif")).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == code.as_str())
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        line
    );
    let table = render(&mut offline(), "table");
    assert!(
        table.contains(&format!(":{line}: {level} [{code}] cited")),
        "{table}"
    );
    assert!(render(&mut offline(), "csv").contains(&format!("{level}:{code}@{line}")));
    assert!(render(&mut offline(), "junit").contains(&format!("line {line}: [{code}]")));
    let markdown = render(&mut offline(), "markdown");
    assert!(
        markdown.contains(&format!("line {line}: “Zzyzx, Q., et al., 2019”"))
            || markdown.contains(&format!("`cited`: line {line}:")),
        "{markdown}"
    );
}

#[test]
fn waivers_and_notes_are_in_every_format() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = aged_cache(work.path(), &server, &file);
    for format in ["table", "csv", "junit", "sarif", "markdown", "html", "json"] {
        let text = render(check(&cache, &server).arg(&file).arg("--offline"), format);
        for part in [
            "wording under legal review",
            "K. Sato",
            date_in(30).as_str(),
        ] {
            assert!(text.contains(part), "{format} lacks the waiver's {part}");
        }
        if format != "sarif" {
            assert!(
                text.contains("効果一覧の表、1行目"),
                "{format} lacks the note"
            );
        }
    }
}

#[test]
fn the_queries_tried_are_listed_and_a_citation_never_looked_up_says_so() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "product: {name: x, terms: [aspirin]}
claims:
  - id: a
    text: x helps
    kind: efficacy
    keywords: [thromboembolism]
    citations: [\"Zzyzx, Q., et al., 2019\", \"see our brochure\"]
",
    );
    let cache = work.path().join("cache");
    let run = |format: &str| render(check(&cache, &server).arg(&file), format);
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let searched = &json["claims"][0]["citations"][0];
    assert_eq!(searched["status"], "not-found");
    let queries = searched["queries"].as_array().unwrap();
    assert!(!queries.is_empty());
    let first = queries[0].as_str().unwrap().to_owned();
    assert!(first.contains("Zzyzx"), "{first}");
    let markdown = run("markdown");
    assert!(markdown.contains(&format!("`{first}`")), "{markdown}");
    let html = run("html");
    assert!(html.contains("queries tried") || html.contains("query tried"));
    assert!(html.contains("Zzyzx Q[1au]"), "{html}");
    // Nothing in "see our brochure" can be looked up: it must not read as "PubMed has
    // no such paper", nor as "0 queries tried".
    let unread = &json["claims"][0]["citations"][1];
    assert_eq!(unread["queries"], Value::Array(vec![]));
    let message = unread["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("was not looked up"), "{message}");
    assert!(!message.contains("matches no PubMed record"), "{message}");
    for format in ["json", "table", "markdown", "html", "csv"] {
        assert!(!run(format).contains("0 queries tried"), "{format}");
    }
}

#[test]
fn japanese_wording_is_never_cut_and_the_page_is_marked_japanese() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = work.path().join("cache");
    let table = render(check(&cache, &server).arg(&file).arg("--offline"), "table");
    let joined: String = table.split_whitespace().collect();
    assert!(
        joined.contains("アスピリンは静脈血栓塞栓症の再発を抑えることが報告されています"),
        "{table}"
    );
    assert!(!table.contains('…'), "nothing is cut:\n{table}");
    let html = render(check(&cache, &server).arg(&file).arg("--offline"), "html");
    assert!(html.contains("<html lang=\"ja\">"));
    assert!(html.contains("class=\"wording\" lang=\"ja\""));

    let english = claims_file(
        work.path(),
        "product: {name: x, terms: [aspirin]}\nclaims:\n  - {id: a, text: Reduces wrinkles in four weeks, kind: efficacy}\n",
    );
    let html = render(
        check(&cache, &server).arg(&english).arg("--offline"),
        "html",
    );
    assert!(html.contains("<html lang=\"en\">"));
}

#[test]
fn the_html_report_puts_fixable_claims_first_and_uncited_ones_in_one_table() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = work.path().join("cache");
    let html = render(check(&cache, &server).arg(&file), "html");
    let card = html
        .find("<article class=\"claim\" id=\"claim-cited\"")
        .unwrap();
    let group = html.find("<section class=\"uncited\">").unwrap();
    assert!(card < group, "the cited claim comes first");
    assert_eq!(html.matches("<article class=\"claim\"").count(), 1);
    assert_eq!(html.matches("<section class=\"uncited\">").count(), 1);
    assert_eq!(html.matches("<tr class=\"claim\"").count(), 2);
    // The advice for uncited claims is said once, not once per claim.
    let help = "Add a source that supports the claim";
    assert_eq!(
        html[..html.find("<h2>Glossary</h2>").unwrap()]
            .matches(help)
            .count(),
        1
    );
}

#[test]
fn a_claims_file_without_a_product_leaves_no_empty_heading() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        "claims:\n  - {id: a, text: Reduces wrinkles, kind: efficacy}\n",
    );
    let cache = work.path().join("cache");
    let html = render(check(&cache, &server).arg(&file).arg("--offline"), "html");
    assert!(!html.contains("<h1>Claim audit: </h1>"), "{html}");
    assert!(html.contains("<h1>Claim audit: "));
    let markdown = render(
        check(&cache, &server).arg(&file).arg("--offline"),
        "markdown",
    );
    assert!(!markdown.contains("Product:  ·"), "{markdown}");
}

#[test]
fn csv_starts_with_a_byte_order_mark_only_when_asked() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(work.path(), CLAIMS);
    let cache = work.path().join("cache");
    let plain = render(check(&cache, &server).arg(&file).arg("--offline"), "csv");
    assert!(plain.starts_with("claim_id,"));
    let out = work.path().join("report.csv");
    let excel = render(
        check(&cache, &server)
            .arg(&file)
            .args(["--offline", "--csv-bom", "--output"])
            .arg(&out),
        "csv",
    );
    assert!(excel.starts_with("\u{feff}claim_id,"));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("\u{feff}claim_id,")
    );
    // Other formats are untouched by the option.
    let json = render(
        check(&cache, &server)
            .arg(&file)
            .args(["--offline", "--csv-bom"]),
        "json",
    );
    assert!(json.starts_with('{'));
}
