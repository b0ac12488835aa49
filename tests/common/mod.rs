//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod corpus;
pub mod fake_eutils;

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `../shared/fixtures/eutils`: real NCBI answers, read at test time and never copied
/// into the repository. `None` (with the reason printed) when the folder is absent, so
/// the calling test can return early — except in CI (`CI` or
/// `CLAIMAUDIT_REQUIRE_FIXTURES` set), where a missing folder fails the test: a green
/// run must never be one that skipped everything.
pub fn eutils_fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/eutils");
    if dir.join("INDEX.tsv").is_file() {
        Some(dir)
    } else if fixtures_required() {
        panic!(
            "{} is missing, and CI or CLAIMAUDIT_REQUIRE_FIXTURES is set: these tests need the \
             real NCBI responses in ../shared beside the repository",
            dir.display()
        );
    } else {
        // Written to the stderr handle rather than with eprintln!, which the test
        // harness captures: the reason for a skip must be visible in CI logs.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {} is missing; these tests need the real NCBI responses in ../shared",
            dir.display()
        );
        None
    }
}

/// Whether a missing `../shared` must fail the run instead of skipping tests.
pub fn fixtures_required() -> bool {
    ["CI", "CLAIMAUDIT_REQUIRE_FIXTURES"].iter().any(|name| {
        std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
    })
}

/// Returns early from a test when the shared fixtures are not there.
#[macro_export]
macro_rules! require_fixtures {
    () => {
        match common::eutils_fixtures() {
            Some(dir) => dir,
            None => return,
        }
    };
}

/// The local E-utilities stand-in serving the shared fixtures, and the fixtures' path;
/// `None` (reason printed) when ../shared is absent.
pub fn stand_in() -> Option<(fake_eutils::FakeEutils, PathBuf)> {
    let fixtures = eutils_fixtures()?;
    Some((fake_eutils::FakeEutils::start(&fixtures), fixtures))
}

/// Starts the stand-in, or returns early from a test when the shared fixtures are not there.
#[macro_export]
macro_rules! require_stand_in {
    () => {
        match common::stand_in() {
            Some(pair) => pair,
            None => return,
        }
    };
}

/// Every efetch XML file in the shared fixtures, sorted.
pub fn efetch_files(fixtures: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(fixtures.join("efetch")).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "xml") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

/// One row of INDEX.tsv.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub pmid: String,
    pub file: String,
    pub year: String,
    pub journal_iso: String,
    pub first_author: String,
    pub publication_types: Vec<String>,
    pub humans: bool,
    pub animals: bool,
    pub has_abstract: bool,
    pub doi: String,
}

pub fn index(fixtures: &Path) -> Vec<IndexRow> {
    let text = std::fs::read_to_string(fixtures.join("INDEX.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 10, "INDEX.tsv row has 10 columns: {line}");
            IndexRow {
                pmid: f[0].into(),
                file: f[1].into(),
                year: f[2].into(),
                journal_iso: f[3].into(),
                first_author: f[4].into(),
                publication_types: f[5]
                    .split(';')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect(),
                humans: f[6] == "yes",
                animals: f[7] == "yes",
                has_abstract: f[8] == "yes",
                doi: f[9].into(),
            }
        })
        .collect()
}

/// The binary pointed at the local stand-in: a contact address, fast retries, and no
/// inherited API key or pinned time.
pub fn against(cache_dir: &Path, server: &fake_eutils::FakeEutils, email: &str) -> Command {
    let mut cmd = claimaudit(cache_dir);
    cmd.env("CLAIMAUDIT_EUTILS_URL", server.base_url())
        .env("NCBI_EMAIL", email)
        .env("CLAIMAUDIT_BACKOFF", "20ms")
        .env_remove("NCBI_API_KEY")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// Runs `cmd` with `--format json`, checks its exit code, and reads what it printed.
pub fn json_output(cmd: &mut Command, code: i32) -> serde_json::Value {
    let output = cmd
        .args(["--format", "json"])
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

/// Every file under a directory, with its content (lossy UTF-8), for checks that
/// something was never written anywhere.
pub fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
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

/// The binary, with a cache directory and no inherited cache setting. Its request pace
/// is kept in `<cache_dir>/.state` (a test's own temporary directory), never in the
/// user's real state directory: runs of one test on one cache share a pace, as they
/// always did, and tests running side by side do not slow each other down.
pub fn claimaudit(cache_dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimaudit").unwrap();
    cmd.env_remove("CLAIMAUDIT_CACHE_DIR")
        .env("CLAIMAUDIT_STATE_DIR", cache_dir.join(".state"))
        .arg("--cache-dir")
        .arg(cache_dir);
    cmd
}

/// Asserts that arrival `times` (sorted) keep to `per_second` requests per second: no
/// window of one second minus `tolerance` holds more than `per_second` of them, and on
/// average they are at least one interval apart. (Single gaps may be shorter than the
/// interval by the jitter between sending and arriving; the rate is what counts.)
pub fn assert_rate(
    times: &[std::time::Instant],
    per_second: usize,
    tolerance: std::time::Duration,
) {
    let second = std::time::Duration::from_secs(1);
    for (i, window) in times.windows(per_second + 1).enumerate() {
        let span = window[per_second] - window[0];
        assert!(
            span + tolerance >= second,
            "requests {i}..={} arrived within {span:?}: more than {per_second} in a second",
            i + per_second
        );
    }
    if times.len() >= 2 {
        let total = times[times.len() - 1] - times[0];
        let mean = total / (times.len() as u32 - 1);
        assert!(
            mean + tolerance / 10 >= second / per_second as u32,
            "mean gap {mean:?} is shorter than 1/{per_second} s"
        );
    }
}

/// Every record of every efetch fixture file, parsed once per test binary (the same
/// PMID may appear more than once; `MemorySource::new` keeps the newest revision).
pub fn efetch_records(fixtures: &Path) -> &'static [claimaudit::pubmed::record::Record] {
    static RECORDS: std::sync::OnceLock<Vec<claimaudit::pubmed::record::Record>> =
        std::sync::OnceLock::new();
    RECORDS.get_or_init(|| {
        efetch_files(fixtures)
            .iter()
            .flat_map(|file| {
                let bytes = std::fs::read(file).unwrap();
                claimaudit::pubmed::xml::parse_article_set(&bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            })
            .collect()
    })
}

/// How the in-memory audits run: with `policy`, online, on a fixed date.
pub fn fixed_day_options(policy: claimaudit::policy::Policy) -> claimaudit::audit::AuditOptions {
    claimaudit::audit::AuditOptions {
        policy,
        offline: false,
        generated_at: "2026-01-01T00:00:00Z".into(),
        today: "2026-01-01".into(),
        record_max_age: std::time::Duration::from_secs(90 * 86_400),
    }
}

/// Audits claims `yaml` (panicking on a claims-file error) against `source`, with the
/// claims file's own policy, online, on a fixed date: what the table-driven verdict tests
/// run on an in-memory source.
pub async fn audit_on(
    source: &claimaudit::pubmed::MemorySource,
    yaml: &str,
) -> claimaudit::report::Report {
    let file = claimaudit::claims::parse(Path::new("claims.yaml"), yaml)
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let options = fixed_day_options(file.policy.clone());
    let report =
        claimaudit::audit::audit(&file, source, &options, &claimaudit::progress::NoProgress).await;
    assert_eq!(
        report.exit_code,
        report.exit().code(),
        "the report states its own exit code"
    );
    report
}

/// What is wrong with `claim`'s verdict and findings (code and level, claim and
/// citations together, in any order) against what a table row wants.
pub fn verdict_problems(
    claim: &claimaudit::report::ClaimReport,
    verdict: claimaudit::judge::Verdict,
    findings: &[(claimaudit::findings::Code, claimaudit::policy::Level)],
) -> Vec<String> {
    let mut wrong = Vec::new();
    if claim.verdict != verdict {
        wrong.push(format!(
            "wanted verdict {verdict:?}, got {:?} ({})",
            claim.verdict, claim.explanation
        ));
    }
    let mut found: Vec<_> = claim.all_findings().map(|f| (f.code, f.level)).collect();
    let mut wanted = findings.to_vec();
    found.sort();
    wanted.sort();
    if found != wanted {
        let messages: Vec<String> = claim
            .all_findings()
            .map(|f| format!("{}: {}", f.code, f.message))
            .collect();
        wrong.push(format!(
            "wanted findings {wanted:?}, got {found:?}: {messages:#?}"
        ));
    }
    wrong
}

/// A work directory holding `claims` as `claims.yaml`, and a cache filled by one online
/// `check` of it through a fresh stand-in; `None` (reason printed) without the fixtures.
pub struct FilledCache {
    pub server: fake_eutils::FakeEutils,
    pub work: tempfile::TempDir,
    pub cache: PathBuf,
}

pub fn filled_cache(claims: &str, email: &str) -> Option<FilledCache> {
    let fixtures = eutils_fixtures()?;
    let server = fake_eutils::FakeEutils::start(&fixtures);
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    std::fs::write(work.path().join("claims.yaml"), claims).unwrap();
    let filled = claimaudit(&cache)
        .current_dir(work.path())
        .env("CLAIMAUDIT_EUTILS_URL", server.base_url())
        .env("NCBI_EMAIL", email)
        .env("CLAIMAUDIT_BACKOFF", "20ms")
        .env_remove("NCBI_API_KEY")
        .args(["check", "--quiet", "claims.yaml"])
        .output()
        .unwrap();
    assert!(
        matches!(filled.status.code(), Some(0 | 2 | 4)),
        "{}",
        String::from_utf8_lossy(&filled.stderr)
    );
    Some(FilledCache {
        server,
        work,
        cache,
    })
}
