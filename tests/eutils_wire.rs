//! Wire-level behaviour of the E-utilities client through the binary, against the local
//! stand-in: pacing, rate-limit headers, retries of every kind of failure (none cached),
//! the API key never shown or stored, and processes sharing one rate limit. Nothing here
//! reaches the real NCBI host.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::fake_eutils::{FakeEutils, Scripted};
use predicates::prelude::*;
use serde_json::Value;

const EMAIL: &str = "wire-tests@example.org";
const API_KEY: &str = "k3y-that-must-never-leak-0123456789";

fn claimaudit(cache: &Path, server: &FakeEutils) -> Command {
    common::against(cache, server, EMAIL)
}

fn resolve_json(cache: &Path, server: &FakeEutils, args: &[&str], code: i32) -> Value {
    common::json_output(claimaudit(cache, server).arg("resolve").args(args), code)
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
fn an_ecitmatch_answer_cut_inside_its_pmid_is_retried_not_believed() {
    // "3197" of 31978945: a number, but another paper's.
    retried_then_resolved(
        Scripted::ok("n engl j med|2020|382|727|zhu n|0|3197"),
        "ecitmatch",
        "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
        "31978945",
    );
}

#[test]
fn a_429_with_retry_after_is_waited_out_and_retried() {
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
    let fixtures = require_fixtures!();
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
    let fixtures = require_fixtures!();
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
    let fixtures = require_fixtures!();
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
    let fixtures = require_fixtures!();
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
        !cache.path().join("no-record").exists(),
        "a failure is not a 'no such record'"
    );
    let stored: Vec<String> = common::files_under(cache.path())
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| !path.contains(".state"))
        .collect();
    assert!(stored.is_empty(), "nothing is cached: {stored:?}");

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
    for (path, text) in common::files_under(cache.path()) {
        assert!(!text.contains(API_KEY), "key stored in {path}");
    }
    assert!(outputs.iter().any(|o| o.contains("resolved")));
}

#[test]
fn a_server_that_quotes_the_key_back_is_not_repeated() {
    // NCBI answers a bad key with a 400 whose JSON quotes the key.
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    server.script(
        "efetch",
        vec![Scripted::status(
            400,
            format!(r#"{{"error":"API key invalid","api-key":"{API_KEY}","type":"invalid"}}"#),
        )],
    );
    let output = claimaudit(cache.path(), &server)
        .env("NCBI_API_KEY", API_KEY)
        .args(["resolve", "23121403", "--format", "json"])
        .output()
        .unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        shown.contains("API key invalid"),
        "the server's words are shown: {shown}"
    );
    assert!(!shown.contains(API_KEY), "key printed: {shown}");
    for (path, text) in common::files_under(cache.path()) {
        assert!(!text.contains(API_KEY), "key stored in {path}");
    }
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
                .env("CLAIMAUDIT_STATE_DIR", cache.path().join(".state"))
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
