//! The binary against networks and inputs that misbehave: an NCBI that accepts and never
//! answers, or sends a head and then stalls; refused connections and unknown hosts; a
//! malformed or credential-bearing `--eutils-url`; citations that cannot be looked up;
//! and retracted papers. Everything runs against the local stand-in
//! (tests/common/fake_eutils/) or addresses that cannot answer; nothing reaches NCBI.
//!
//! Bounds on elapsed time here are coarse ceilings far below what the old behaviour
//! took (per-attempt timeout × attempts × requests: minutes), never timing windows.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::fake_eutils::{FakeEutils, Stall};
use predicates::prelude::*;
use serde_json::Value;

const EMAIL: &str = "hostile-tests@example.org";
const SECRET: &str = "hunter2-never-shown";
/// `reader:hunter2-never-shown` in base64, as HTTP basic auth sends it.
const BASIC_AUTH: &str = "Basic cmVhZGVyOmh1bnRlcjItbmV2ZXItc2hvd24=";

/// The binary against the stand-in with the default timeouts (only the retry backoff is
/// shortened, as in every end-to-end test).
fn claimaudit(cache: &Path, server: &FakeEutils) -> Command {
    let mut cmd = common::against(cache, server, EMAIL);
    cmd.env_remove("CLAIMAUDIT_NETWORK_TIMEOUT");
    cmd
}

/// The binary pointed at `url`, which is not the stand-in.
fn claimaudit_at(cache: &Path, url: &str) -> Command {
    let mut cmd = common::claimaudit(cache);
    cmd.env("CLAIMAUDIT_EUTILS_URL", url)
        .env("NCBI_EMAIL", EMAIL)
        .env("CLAIMAUDIT_BACKOFF", "20ms")
        .env_remove("NCBI_API_KEY")
        .env_remove("CLAIMAUDIT_NETWORK_TIMEOUT");
    cmd
}

fn claims_file(dir: &Path, citations: &[&str]) -> std::path::PathBuf {
    let list: Vec<String> = citations
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    let yaml = format!(
        "claims:\n  - id: cited\n    text: 効果がある\n    kind: efficacy\n    keywords: [skin]\n    citations: [{}]\n",
        list.join(", ")
    );
    let path = dir.join("claims.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

/// A local port nobody listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn stdout_and_stderr(output: &std::process::Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

// ---- a run's network time is bounded ------------------------------------------------

#[test]
fn check_against_a_server_that_never_answers_ends_not_checked_within_the_default_limit() {
    let (server, _) = require_stand_in!();
    server.set_stall(Some(Stall::NeverAnswer));
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        &[
            "An, Y., et al., 2021",
            "10.1056/NEJMoa1210384",
            "Brighton, T.A., et al., 2012. N Engl J Med",
            "PMID: 23121403",
        ],
    );
    let started = Instant::now();
    let report = common::json_output(
        claimaudit(&work.path().join("cache"), &server)
            .arg("check")
            .arg(&file),
        4,
    );
    let elapsed = started.elapsed();
    let claim = &report["claims"][0];
    assert_eq!(claim["verdict"], "not-checked");
    for citation in claim["citations"].as_array().unwrap() {
        assert_eq!(citation["status"], "not-checked", "{citation}");
        let reason = citation["reason"].as_str().unwrap();
        assert!(reason.contains("sent nothing back"), "{reason}");
    }
    // Per attempt (30 s) × 5 attempts × rounds took minutes; the run-wide limit is 20 s.
    assert!(elapsed < Duration::from_secs(90), "took {elapsed:?}");
    // The first round's questions went out once each; nothing was retried, and nothing
    // was sent once NCBI was given up on.
    let requests = server.requests();
    assert!(
        !requests.is_empty() && requests.len() <= 4,
        "{} requests",
        requests.len()
    );
    let mut terms: Vec<_> = requests.iter().map(|r| r.params.clone()).collect();
    terms.dedup();
    assert_eq!(terms.len(), requests.len(), "no request was retried");
}

#[test]
fn an_answer_that_stalls_after_its_head_is_not_checked_once_the_limit_passes() {
    let (server, _) = require_stand_in!();
    server.set_stall(Some(Stall::AfterHead));
    let cache = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = common::json_output(
        claimaudit(cache.path(), &server).args([
            "resolve",
            "PMID: 23121403",
            "--network-timeout",
            "2s",
        ]),
        4,
    );
    assert_eq!(out["status"], "not-checked");
    let reason = out["reason"].as_str().unwrap();
    assert!(reason.contains("sent nothing back for 2s"), "{reason}");
    // Well inside the 30 s the one request alone may take.
    assert!(started.elapsed() < Duration::from_secs(25));
    assert_eq!(server.requests().len(), 1, "not retried");
    let stored: Vec<String> = common::files_under(cache.path())
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| !path.contains(".state"))
        .collect();
    assert!(
        stored.is_empty(),
        "half an answer is not cached: {stored:?}"
    );
}

#[test]
fn refused_connections_and_unknown_hosts_are_not_checked_promptly() {
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        &[
            "An, Y., et al., 2021",
            "10.1056/NEJMoa1210384",
            "PMID: 23121403",
        ],
    );
    for url in [
        format!("http://127.0.0.1:{}/entrez/eutils/", closed_port()),
        "http://no-such-host.invalid/entrez/eutils/".to_owned(),
    ] {
        let started = Instant::now();
        let report = common::json_output(
            claimaudit_at(&work.path().join("cache"), &url)
                .arg("check")
                .arg(&file),
            4,
        );
        assert!(started.elapsed() < Duration::from_secs(60), "{url}");
        let citations = report["claims"][0]["citations"].as_array().unwrap();
        assert_eq!(citations.len(), 3);
        for citation in citations {
            assert_eq!(citation["status"], "not-checked", "{url}: {citation}");
            assert!(
                citation["reason"]
                    .as_str()
                    .unwrap()
                    .contains("could not reach")
            );
        }
    }
}

// ---- --eutils-url -------------------------------------------------------------------

#[test]
fn a_malformed_eutils_url_is_a_usage_error_before_any_work() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    for (url, says) in [
        ("not a url", "has no scheme"),
        ("eutils.ncbi.nlm.nih.gov/entrez/eutils/", "has no scheme"),
        ("ftp://example.org/entrez/eutils/", "ftp://"),
        ("http://", "names no host"),
        ("https://:8080/entrez/eutils/", "names no host"),
        ("", "it is empty"),
    ] {
        // The claims file does not exist: the URL is refused before it is looked for.
        let by_flag = {
            let mut cmd = common::claimaudit(&cache);
            cmd.env("NCBI_EMAIL", EMAIL)
                .env_remove("CLAIMAUDIT_EUTILS_URL")
                .args(["check", "no-such-claims.yaml", "--eutils-url", url]);
            cmd
        };
        let by_environment = {
            let mut cmd = claimaudit_at(&cache, url);
            cmd.args(["check", "no-such-claims.yaml"]);
            cmd
        };
        for mut cmd in [by_flag, by_environment] {
            cmd.assert().code(3).stdout("").stderr(
                predicate::str::contains("--eutils-url (or CLAIMAUDIT_EUTILS_URL)")
                    .and(predicate::str::contains(says))
                    .and(predicate::str::contains("https://"))
                    .and(predicate::str::contains("no-such-claims").not()),
            );
        }
    }
    assert!(!cache.exists(), "nothing was done");
    for flag in ["--timeout", "--network-timeout"] {
        claimaudit_at(&cache, "http://127.0.0.1:9/")
            .args(["resolve", "PMID: 1", flag, "0s"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(format!("{flag} must be above 0")));
    }
}

#[test]
fn credentials_in_the_eutils_url_are_sent_but_never_shown() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let with_credentials = server
        .base_url()
        .replace("http://", &format!("http://reader:{SECRET}@"));

    // A working run: the credentials reach the server as basic auth.
    claimaudit(&cache, &server)
        .env("CLAIMAUDIT_EUTILS_URL", &with_credentials)
        .args(["resolve", "PMID: 23121403"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(SECRET).not());
    let sent = server.requests();
    assert_eq!(sent[0].header("Authorization"), Some(BASIC_AUTH));
    assert!(sent.iter().all(|r| !r.path.contains(SECRET)));

    // Failing runs, every way: the URL appears in their reasons, the secret never.
    server.set_stall(Some(Stall::NeverAnswer));
    let file = claims_file(work.path(), &["An, Y., et al., 2021", "PMID: 33458899"]);
    let refused = format!(
        "http://reader:{SECRET}@127.0.0.1:{}/entrez/eutils/",
        closed_port()
    );
    let report_file = work.path().join("report.json");
    let mut shown = Vec::new();
    for (url, args) in [
        (
            &with_credentials,
            vec!["resolve", "PMID: 33458899", "--network-timeout", "1s"],
        ),
        (
            &with_credentials,
            vec![
                "resolve",
                "An, Y., et al., 2021",
                "--network-timeout",
                "1s",
                "--format",
                "json",
            ],
        ),
        (
            &refused,
            vec!["resolve", "PMID: 33458899", "--retries", "1"],
        ),
        (
            &refused,
            vec![
                "check",
                "--retries",
                "1",
                "--format",
                "json",
                "--output",
                report_file.to_str().unwrap(),
            ],
        ),
        (&with_credentials, vec!["check", "--network-timeout", "1s"]),
    ] {
        let mut cmd = claimaudit(&cache, &server);
        cmd.env("CLAIMAUDIT_EUTILS_URL", url).args(&args);
        if args[0] == "check" {
            cmd.arg(&file);
        }
        let output = cmd.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(4),
            "{args:?}: {}",
            stdout_and_stderr(&output)
        );
        shown.push(stdout_and_stderr(&output));
    }
    // A bad URL with credentials, and help with the URL in the environment.
    for (url, args) in [
        (
            format!("ftp://reader:{SECRET}@example.org/"),
            vec!["resolve", "PMID: 1"],
        ),
        (
            format!("reader:{SECRET}@example.org/eutils/"),
            vec!["check"],
        ),
        (with_credentials.clone(), vec!["check", "--help"]),
        (with_credentials.clone(), vec!["resolve", "--help"]),
    ] {
        let output = claimaudit(&cache, &server)
            .env("CLAIMAUDIT_EUTILS_URL", url)
            .args(&args)
            .output()
            .unwrap();
        shown.push(stdout_and_stderr(&output));
    }
    for text in &shown {
        assert!(!text.contains(SECRET), "secret shown:\n{text}");
    }
    assert!(
        shown
            .iter()
            .any(|text| text.contains("http://***@127.0.0.1:")),
        "the URL is shown redacted"
    );
    for (path, text) in common::files_under(work.path()) {
        assert!(!text.contains(SECRET), "secret written to {path}");
    }
    assert!(report_file.exists());
}

// ---- what resolve says ----------------------------------------------------------------

#[test]
fn input_that_cannot_be_a_citation_is_not_looked_up_and_says_why() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let forty_digits = "1234567890123456789012345678901234567890";
    let labelled = format!("PMID: {}1", "0".repeat(39));
    for (input, says) in [
        ("0", "\"0\" is not a PMID"),
        (forty_digits, "is not a PMID"),
        (labelled.as_str(), "is not a PMID"),
        ("PMC0", "is not a PMCID"),
        ("🙂🙂", "nothing in it identifies a paper"),
        ("[au]", "PubMed search syntax"),
        ("[dp]", "PubMed search syntax"),
        ("title[ti]", "PubMed search syntax"),
        ("Stem Cells", "gives only a journal"),
    ] {
        let out = common::json_output(
            claimaudit(cache.path(), &server).args(["resolve", input]),
            2,
        );
        let headline = out["headline"].as_str().unwrap_or_default();
        assert!(
            headline.starts_with("not looked up: "),
            "{input}: {headline}"
        );
        assert!(headline.contains(says), "{input}: {headline}");
        assert_eq!(out["status"], "not-found", "{input}");
        assert_eq!(out["queries"], Value::Array(Vec::new()), "{input}");

        let table = claimaudit(cache.path(), &server)
            .args(["resolve", input])
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        let table = String::from_utf8(table).unwrap();
        let first = table.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("not looked up: ") && first.contains(says),
            "{input}:\n{table}"
        );
        assert!(!table.contains("\nquery "), "{input}:\n{table}");
    }
    // `check` reads the same texts the same way: nothing is sent for them either.
    let work = tempfile::tempdir().unwrap();
    let file = claims_file(
        work.path(),
        &["0", forty_digits, "🙂🙂", "[au]", "title[ti]"],
    );
    let report = common::json_output(
        claimaudit(&work.path().join("cache"), &server)
            .arg("check")
            .arg(&file),
        2,
    );
    for citation in report["claims"][0]["citations"].as_array().unwrap() {
        assert_eq!(citation["status"], "not-found", "{citation}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn an_offline_cache_miss_says_not_looked_up() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let out = common::json_output(
        claimaudit(cache.path(), &server).args(["resolve", "An, Y., et al., 2021", "--offline"]),
        4,
    );
    let headline = out["headline"].as_str().unwrap();
    assert!(
        headline.starts_with("not looked up: not in the cache"),
        "{headline}"
    );
    assert_eq!(out["status"], "not-checked");
    claimaudit(cache.path(), &server)
        .args(["resolve", "PMID: 23121403", "--offline"])
        .assert()
        .code(4)
        .stdout(predicate::str::starts_with(
            "not looked up: not in the cache",
        ));
    assert!(server.requests().is_empty());
}

#[test]
fn a_retracted_paper_exits_two_and_says_so_first() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    // Both retracted records of the fixtures (INDEX.tsv: "Retracted Publication"), by
    // PMID and by DOI.
    for (input, pmid) in [
        ("PMID: 31844417", "31844417"),
        ("10.1186/s11658-019-0184-7", "31844417"),
        ("993", "993"),
    ] {
        let table = claimaudit(cache.path(), &server)
            .args(["resolve", input])
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        let table = String::from_utf8(table).unwrap();
        let first = table.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("RETRACTED: PMID {pmid} has been retracted")),
            "{table}"
        );
        let raw = claimaudit(cache.path(), &server)
            .args(["resolve", input, "--format", "json"])
            .assert()
            .code(2)
            .get_output()
            .stdout
            .clone();
        let raw = String::from_utf8(raw).unwrap();
        assert!(
            raw.starts_with("{\n  \"headline\": \"RETRACTED: "),
            "the headline comes first:\n{raw}"
        );
        let out: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(out["status"], "resolved");
        assert_eq!(out["pmid"], pmid);
    }
    // The notice is named when the record links it.
    claimaudit(cache.path(), &server)
        .args(["resolve", "31844417"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("(notice: PMID 40251503)"));
    // A paper that stands has no headline, and exits 0.
    let out = common::json_output(
        claimaudit(cache.path(), &server).args(["resolve", "PMID: 23121403"]),
        0,
    );
    assert_eq!(out["headline"], Value::Null);
}
