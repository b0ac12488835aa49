//! End-to-end tests of `claimaudit resolve` and the E-utilities client against a local
//! stand-in (tests/common/fake_eutils.rs) that serves the real NCBI answers from
//! ../shared/fixtures/eutils. Nothing here reaches the real NCBI host.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::fake_eutils::{FakeEutils, Scripted};
use predicates::prelude::*;
use serde_json::Value;

const EMAIL: &str = "audit-tests@example.org";
const API_KEY: &str = "k3y-that-must-never-leak-0123456789";

/// `claimaudit` pointed at the stand-in, with fast retries and no inherited key.
fn claimaudit(cache: &Path, server: &FakeEutils) -> Command {
    let mut cmd = common::claimaudit(cache);
    cmd.env("CLAIMAUDIT_EUTILS_URL", server.base_url())
        .env("NCBI_EMAIL", EMAIL)
        .env("CLAIMAUDIT_BACKOFF", "20ms")
        .env_remove("NCBI_API_KEY");
    cmd
}

fn resolve_json(cache: &Path, server: &FakeEutils, args: &[&str], code: i32) -> Value {
    let output = claimaudit(cache, server)
        .arg("resolve")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

/// Every file under the cache directory, with its content.
fn cache_files(cache: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![cache.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn a_pmid_resolves_and_a_second_run_sends_nothing() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let first = resolve_json(cache.path(), &server, &["PMID: 23121403"], 0);
    assert_eq!(first["status"], "resolved");
    assert_eq!(first["pmid"], "23121403");
    assert_eq!(first["record"]["evidence"]["design"], "rct");
    assert_eq!(first["record"]["iso_abbrev"], "N Engl J Med");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "one efetch");
    assert_eq!(requests[0].endpoint, "efetch");
    assert_eq!(requests[0].param("tool"), Some("claimaudit"));
    assert_eq!(requests[0].param("email"), Some(EMAIL));
    assert_eq!(requests[0].param("api_key"), None);

    let second = resolve_json(cache.path(), &server, &["PMID: 23121403"], 0);
    assert_eq!(second["pmid"], "23121403");
    assert_eq!(
        server.requests().len(),
        1,
        "the second run is answered from the cache"
    );
}

#[test]
fn a_doi_resolves_only_to_a_record_carrying_it() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(
        cache.path(),
        &server,
        &["https://doi.org/10.1056/NEJMoa1210384"],
        0,
    );
    assert_eq!(out["status"], "resolved");
    assert_eq!(out["pmid"], "23121403");
    assert_eq!(out["record"]["doi"], "10.1056/NEJMoa1210384");
    assert!(
        out["queries"][0]
            .as_str()
            .unwrap()
            .contains("\"10.1056/NEJMoa1210384\"[aid]")
    );
    // A DOI PubMed does not know is not found, not a guess.
    let missing = resolve_json(cache.path(), &server, &["doi:10.9999/not.a.real.doi"], 2);
    assert_eq!(missing["status"], "not-found");
    assert_eq!(missing["pmid"], Value::Null);
}

#[test]
fn a_pmcid_resolves() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    // The retracted 2019 record carries a PMC id in its ArticleIdList; read it from
    // a separate cache so the PMCID lookup below starts cold.
    let other = tempfile::tempdir().unwrap();
    let first = resolve_json(other.path(), &server, &["31844417"], 0);
    let pmcid = first["record"]["pmcid"].as_str().unwrap().to_owned();
    let out = resolve_json(cache.path(), &server, &[&pmcid], 0);
    assert_eq!(out["status"], "resolved");
    assert_eq!(out["pmid"], "31844417");
    assert!(
        out["record"]["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("retracted"))
    );
}

#[test]
fn an_author_year_journal_string_resolves_by_search() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(
        cache.path(),
        &server,
        &[
            "Brighton, T.A., et al., 2012. N Engl J Med",
            "--keywords",
            "aspirin, venous thromboembolism",
        ],
        0,
    );
    assert_eq!(out["status"], "resolved", "{out:#}");
    assert_eq!(out["pmid"], "23121403");
    let matched: Vec<&str> = out["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        matched.contains(&"author") && matched.contains(&"year") && matched.contains(&"journal")
    );
    let esearch = server.requests_to("esearch");
    assert!(
        esearch[0]
            .param("term")
            .unwrap()
            .contains("Brighton TA[1au]")
    );
    assert!(esearch[0].param("term").unwrap().contains("2012[dp]"));
}

#[test]
fn a_full_reference_with_title_resolves_and_ecitmatch_is_checked() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(
        cache.path(),
        &server,
        &[
            "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
        ],
        0,
    );
    assert_eq!(out["status"], "resolved", "{out:#}");
    assert_eq!(out["pmid"], "31978945");
    assert!(out["queries"][0].as_str().unwrap().starts_with("match "));
    assert_eq!(server.requests_to("ecitmatch").len(), 1);

    // Same journal, year, volume and page but another first author: ECitMatch's
    // answer is not taken on trust; the title search finds the paper, and the
    // disagreement is reported.
    let wrong = resolve_json(
        cache.path(),
        &server,
        &[
            "Brighton TA. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727.",
        ],
        0,
    );
    let warnings = wrong["warnings"].to_string();
    assert!(
        warnings.contains("citation matching on journal, volume and page gave PMID 31978945"),
        "{wrong:#}"
    );
    assert!(warnings.contains("author mismatch"), "{wrong:#}");
    assert!(wrong["queries"].to_string().contains("\"search "));

    // Another author and another year as well: only the title agrees, which is not
    // enough to call it resolved.
    let worse = resolve_json(
        cache.path(),
        &server,
        &[
            "Brighton TA. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2012;382(8):727.",
        ],
        2,
    );
    assert_eq!(worse["status"], "ambiguous");
    assert_eq!(worse["candidates"][0]["pmid"], "31978945");
}

#[test]
fn an_author_year_with_several_papers_is_ambiguous_with_ranked_candidates() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(cache.path(), &server, &["Zhang et al., 2015"], 2);
    assert_eq!(out["status"], "ambiguous");
    assert_eq!(out["pmid"], Value::Null);
    let candidates = out["candidates"].as_array().unwrap();
    assert!(candidates.len() >= 2);
    for c in candidates {
        assert_eq!(c["year"], 2015);
        assert!(c["pmid"].is_string() && c["title"].is_string() && c["score"].is_number());
    }
}

#[test]
fn a_citation_that_does_not_exist_is_not_found_with_the_queries_tried() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(
        cache.path(),
        &server,
        &[
            "Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes",
            "--keywords",
            "exosome",
        ],
        2,
    );
    assert_eq!(out["status"], "not-found");
    let queries = out["queries"].as_array().unwrap();
    assert!(queries.len() >= 4, "the ladder widened: {queries:?}");
    assert!(
        queries
            .iter()
            .any(|q| q.as_str().unwrap().contains("2018:2020[dp]"))
    );
    // Table output lists them too.
    claimaudit(cache.path(), &server)
        .args([
            "resolve",
            "Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes",
            "--keywords",
            "exosome",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("not-found").and(predicate::str::contains("query")));
}

#[test]
fn offline_sends_nothing_and_reports_not_checked() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(cache.path(), &server, &["23121403", "--offline"], 4);
    assert_eq!(out["status"], "not-checked");
    assert!(out["reason"].as_str().unwrap().contains("--offline"));
    assert_eq!(server.requests().len(), 0);
    // Once cached, offline works.
    resolve_json(cache.path(), &server, &["23121403"], 0);
    let out = resolve_json(cache.path(), &server, &["23121403", "--offline"], 0);
    assert_eq!(out["status"], "resolved");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn requests_keep_to_the_rate_limit() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    // A citation that walks the whole search ladder: many requests in a row.
    claimaudit(cache.path(), &server)
        .args([
            "resolve",
            "Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes",
            "--keywords",
            "exosome, skin",
        ])
        .args(["--rate", "3"])
        .assert()
        .code(2);
    let times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    assert!(times.len() >= 6, "{} requests", times.len());
    // Tolerance: 50 ms of jitter between a request leaving and the server noting it.
    common::assert_rate(&times, 3, Duration::from_millis(50));
}

#[test]
fn x_ratelimit_remaining_zero_holds_the_next_request_back() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    server.set_rate_limit_headers(Some((3, 0)));
    claimaudit(cache.path(), &server)
        .args(["resolve", "Brighton, T.A., et al., 2012. N Engl J Med"])
        .assert()
        .success();
    let times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    assert!(times.len() >= 2);
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "{:?}",
        times[1] - times[0]
    );
}

/// A failure followed by a good answer: the retry succeeds and only the good answer is
/// cached.
fn retried_then_resolved(failure: Scripted, endpoint: &str, citation: &str, pmid: &str) {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    server.script(endpoint, vec![failure]);
    let out = resolve_json(cache.path(), &server, &[citation], 0);
    assert_eq!(out["status"], "resolved", "{out:#}");
    assert_eq!(out["pmid"], pmid);
    assert_eq!(
        server.requests_to(endpoint).len(),
        2,
        "one failure, one retry"
    );
    common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .success();
    // And the cached answer is the good one: a second run sends nothing.
    let before = server.requests().len();
    resolve_json(cache.path(), &server, &[citation], 0);
    assert_eq!(server.requests().len(), before);
}

#[test]
fn a_429_with_retry_after_is_waited_out_and_retried() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let _ = fixtures;
    let started = std::time::Instant::now();
    retried_then_resolved(
        Scripted::status(
            429,
            r#"{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}"#,
        )
        .header("Retry-After", "1")
        .header("Content-Type", "application/json"),
        "efetch",
        "23121403",
        "23121403",
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
}

#[test]
fn a_500_is_retried() {
    retried_then_resolved(
        Scripted::status(500, "Internal Server Error"),
        "efetch",
        "23121403",
        "23121403",
    );
}

#[test]
fn an_html_page_is_retried() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let html = std::fs::read(fixtures.join("errors/biopython-pmfetch-response.html")).unwrap();
    retried_then_resolved(
        Scripted::ok(html).header("Content-Type", "text/html; charset=UTF-8"),
        "efetch",
        "23121403",
        "23121403",
    );
}

#[test]
fn an_error_inside_a_200_answer_is_retried() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let body = std::fs::read(fixtures.join("errors/eutils-json-esearch-ERROR-in-200.xml")).unwrap();
    retried_then_resolved(
        Scripted::ok(body).header("Content-Type", "text/xml; charset=UTF-8"),
        "esearch",
        "10.1056/NEJMoa1210384",
        "23121403",
    );
}

#[test]
fn truncated_xml_is_retried() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let real = std::fs::read(
        fixtures.join("efetch/biocommons-eutils/test_eutils_xmlfacades_pubmedarticle_23121403.xml"),
    )
    .unwrap();
    retried_then_resolved(
        Scripted::ok(real[..real.len() / 2].to_vec())
            .header("Content-Type", "text/xml; charset=UTF-8"),
        "efetch",
        "23121403",
        "23121403",
    );
}

#[test]
fn a_connection_cut_mid_answer_is_retried() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let real = std::fs::read(
        fixtures.join("efetch/biocommons-eutils/test_eutils_xmlfacades_pubmedarticle_23121403.xml"),
    )
    .unwrap();
    retried_then_resolved(
        Scripted::ok(real[..real.len() / 3].to_vec()).cut(),
        "efetch",
        "23121403",
        "23121403",
    );
}

#[test]
fn when_retries_run_out_the_outcome_is_not_checked_and_nothing_is_cached() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    server.script("efetch", vec![Scripted::status(503, "busy"); 3]);
    let out = resolve_json(cache.path(), &server, &["23121403", "--retries", "2"], 4);
    assert_eq!(out["status"], "not-checked");
    let reason = out["reason"].as_str().unwrap();
    assert!(reason.contains("HTTP 503 on all 3 attempts"), "{reason}");
    assert!(!reason.contains("not found"));
    assert_eq!(server.requests_to("efetch").len(), 3);
    assert!(!cache.path().join("pubmed/23121403.json").exists());
    assert!(
        !cache.path().join("absent").exists(),
        "a failure is not a 'no such record'"
    );

    server.script("efetch", vec![Scripted::status(429, "{}"); 3]);
    claimaudit(cache.path(), &server)
        .args(["resolve", "23121403", "--retries", "2"])
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("NCBI rate limit exceeded")
                .and(predicate::str::contains("NCBI_API_KEY")),
        );
}

#[test]
fn the_api_key_is_sent_but_never_shown_or_stored() {
    let (server, fixtures) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let html = std::fs::read(fixtures.join("errors/biopython-pmfetch-response.html")).unwrap();
    server.script(
        "efetch",
        vec![
            Scripted::ok(html).header("Content-Type", "text/html"),
            Scripted::status(500, "x"),
        ],
    );
    server.script("esearch", vec![Scripted::status(503, "down"); 2]);
    let mut outputs = Vec::new();
    for args in [
        vec!["resolve", "23121403", "--retries", "1"],
        vec!["resolve", "23121403"],
        vec!["resolve", "10.1056/NEJMoa1210384", "--retries", "1"],
        vec![
            "resolve",
            "Brighton, T.A., et al., 2012. N Engl J Med",
            "--format",
            "json",
        ],
    ] {
        let output = claimaudit(cache.path(), &server)
            .env("NCBI_API_KEY", API_KEY)
            .args(&args)
            .output()
            .unwrap();
        outputs.push(String::from_utf8_lossy(&output.stdout).into_owned());
        outputs.push(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.param("api_key") == Some(API_KEY)),
        "the key is sent"
    );
    for text in &outputs {
        assert!(!text.contains(API_KEY), "key printed: {text}");
    }
    for (path, text) in cache_files(cache.path()) {
        assert!(!text.contains(API_KEY), "key stored in {path}");
    }
    assert!(outputs.iter().any(|o| o.contains("resolved")));
}

#[test]
fn two_processes_sharing_a_cache_both_succeed_within_one_rate_limit() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let citations = [
        "Brighton, T.A., et al., 2012. N Engl J Med",
        "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
        "https://doi.org/10.1056/NEJMoa1210384",
    ];
    let bin = assert_cmd::cargo::cargo_bin("claimaudit");
    let children: Vec<_> = citations
        .iter()
        .map(|citation| {
            std::process::Command::new(&bin)
                .env_remove("NCBI_API_KEY")
                .env("CLAIMAUDIT_EUTILS_URL", server.base_url())
                .env("NCBI_EMAIL", EMAIL)
                .args(["--cache-dir"])
                .arg(cache.path())
                .args(["resolve", citation, "--rate", "2", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let out: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(out["status"], "resolved");
    }
    let mut times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    times.sort();
    assert!(times.len() >= 5, "{} requests", times.len());
    // Together the processes keep to 2/s (50 ms tolerance for arrival jitter).
    common::assert_rate(&times, 2, Duration::from_millis(50));
    common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 invalid"));
}

#[test]
fn a_corrupt_cache_entry_is_reported_and_refetched() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    resolve_json(cache.path(), &server, &["23121403"], 0);
    let entry = cache.path().join("pubmed/23121403.json");
    std::fs::write(
        &entry,
        "{\"schema\": \"claimaudit/cache/pubmed-record/v1\", \"pmid\": ",
    )
    .unwrap();
    common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("23121403.json is corrupt"));
    let out = resolve_json(cache.path(), &server, &["23121403"], 0);
    assert_eq!(out["status"], "resolved");
    assert!(out["warnings"].to_string().contains("corrupt"));
    assert_eq!(server.requests_to("efetch").len(), 2, "refetched");
    common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .success();
}

#[test]
fn a_missing_email_is_a_usage_error_unless_offline() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    claimaudit(cache.path(), &server)
        .env_remove("NCBI_EMAIL")
        .args(["resolve", "23121403"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("NCBI_EMAIL"));
    assert_eq!(server.requests().len(), 0);
    claimaudit(cache.path(), &server)
        .args(["resolve", "23121403", "--rate", "5"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("above NCBI's limit"));
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn an_identifier_with_a_different_author_and_year_is_flagged() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = resolve_json(
        cache.path(),
        &server,
        &["Smith J, et al., 2019. PMID: 23121403"],
        0,
    );
    assert_eq!(out["status"], "resolved");
    assert_eq!(out["pmid"], "23121403");
    let warnings = out["warnings"].to_string();
    assert!(warnings.contains("author mismatch"), "{warnings}");
    assert!(
        warnings.contains("year mismatch: the citation says 2019, the record says 2012"),
        "{warnings}"
    );
    assert!(out["score"].as_f64().unwrap() < 0.5);
}

#[test]
fn refresh_and_max_age_ask_again() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let citation = "Brighton, T.A., et al., 2012. N Engl J Med";
    resolve_json(cache.path(), &server, &[citation], 0);
    assert_eq!(server.requests().len(), 2, "esearch + efetch");
    resolve_json(cache.path(), &server, &[citation], 0);
    assert_eq!(server.requests().len(), 2, "fresh cache: nothing sent");
    // Searches older than --max-age are asked again; the record is still fresh.
    resolve_json(cache.path(), &server, &[citation, "--max-age", "0s"], 0);
    assert_eq!(server.requests_to("esearch").len(), 2);
    assert_eq!(server.requests_to("efetch").len(), 1);
    // --refresh asks again for everything, and the record's fetch time moves on.
    resolve_json(cache.path(), &server, &[citation, "--refresh"], 0);
    assert_eq!(server.requests_to("esearch").len(), 3);
    assert_eq!(server.requests_to("efetch").len(), 2);
    common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .success();
}
