//! Several `claimaudit` runs at the same time (CI jobs sharing a cache): between them
//! they send each distinct request once, keep to one rate limit, and agree on every
//! verdict. Runs with different caches on one machine still keep to one rate limit:
//! NCBI counts requests per IP, and the pace is shared through the state directory.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const EMAIL: &str = "concurrency-tests@example.org";

/// Hand-made claims citing fixture records in every way a citation can be resolved:
/// PMIDs, a DOI, author-year-journal text, a full reference (citation matching), and one
/// that matches nothing.
const CLAIMS: &str = r#"# hand-made test claims
product:
  name: test product
  terms: [aspirin]
claims:
  - id: by-pmid
    text: 再発予防に効果がある
    kind: efficacy
    keywords: [aspirin]
    citations: ["PMID: 23121403", {pmid: 28495875}]
  - id: by-doi
    text: 効果がある
    kind: efficacy
    keywords: [thromboembolism]
    citations: [{doi: "https://dx.doi.org/10.1056/NEJMoa1210384"}]
  - id: by-text
    text: 肌が若返る
    kind: efficacy
    keywords: [aspirin, thromboembolism]
    citations: ["Brighton, T.A., et al., 2012. N Engl J Med"]
  - id: by-reference
    text: 細胞が増える
    kind: mechanism
    citations: ["Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733."]
  - id: by-nothing
    text: 若返る
    kind: efficacy
    keywords: [exosome]
    citations: ["Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes"]
"#;

/// A request as NCBI would count it: the endpoint and every parameter but the client's
/// identity.
fn request_key(request: &common::fake_eutils::RecordedRequest) -> String {
    let mut params: Vec<(String, String)> = request
        .params
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "tool" | "email" | "api_key"))
        .cloned()
        .collect();
    params.sort();
    format!("{} {params:?}", request.endpoint)
}

fn verdicts(report: &Value) -> BTreeMap<String, String> {
    report["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Starts `claimaudit check` on the claims with this cache and state directory.
fn start_check(
    server: &common::fake_eutils::FakeEutils,
    cache: &Path,
    state: &Path,
    claims: &Path,
) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("claimaudit"))
        .env_remove("NCBI_API_KEY")
        .env_remove("CLAIMAUDIT_CACHE_DIR")
        .env("CLAIMAUDIT_STATE_DIR", state)
        .env("CLAIMAUDIT_EUTILS_URL", server.base_url())
        .env("NCBI_EMAIL", EMAIL)
        .arg("--cache-dir")
        .arg(cache)
        .args(["check", "--quiet", "--format", "json"])
        .arg(claims)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for a run; checks it reports the deny it must, and returns its report.
fn report_of(child: Child) -> Value {
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout).unwrap()
}

#[test]
fn runs_started_together_on_one_cache_send_each_request_once_within_the_rate() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let claims = work.path().join("claims.yaml");
    std::fs::write(&claims, CLAIMS).unwrap();
    let cache = work.path().join("cache");
    let state = work.path().join("state");
    let runs = 3;
    let children: Vec<_> = (0..runs)
        .map(|_| start_check(&server, &cache, &state, &claims))
        .collect();
    let reports: Vec<Value> = children.into_iter().map(report_of).collect();

    let requests = server.requests();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for request in &requests {
        *seen.entry(request_key(request)).or_default() += 1;
    }
    let repeated: Vec<&String> = seen
        .iter()
        .filter(|(_, count)| **count > 1)
        .map(|(key, _)| key)
        .collect();
    assert!(
        repeated.is_empty(),
        "{runs} runs sent these requests more than once: {repeated:#?}"
    );
    assert!(
        requests.len() >= 5,
        "the claims need searches, a citation match and a fetch: {} requests",
        requests.len()
    );
    let mut times: Vec<_> = requests.iter().map(|r| r.at).collect();
    times.sort();
    // Together the runs keep to NCBI's 3/s (50 ms tolerance for arrival jitter).
    common::assert_rate(&times, 3, Duration::from_millis(50));

    let expected = verdicts(&reports[0]);
    assert_eq!(expected["by-pmid"], "supported");
    assert_eq!(expected["by-doi"], "supported");
    assert_eq!(expected["by-text"], "supported");
    assert_eq!(
        expected["by-reference"], "off-topic",
        "the coronavirus paper is not about the product"
    );
    assert_eq!(expected["by-nothing"], "unresolved");
    for report in &reports[1..] {
        assert_eq!(
            verdicts(report),
            expected,
            "every run gives the same verdicts"
        );
    }

    // And a run after them finds everything cached.
    let before = server.requests().len();
    common::claimaudit(&cache)
        .env("CLAIMAUDIT_EUTILS_URL", server.base_url())
        .env("NCBI_EMAIL", EMAIL)
        .args(["check", "--quiet"])
        .arg(&claims)
        .assert()
        .code(2);
    assert_eq!(server.requests().len(), before);
    common::claimaudit(&cache)
        .args(["cache", "verify"])
        .assert()
        .success();
    let locks = cache.join(".state/locks");
    let left: Vec<_> = std::fs::read_dir(&locks)
        .map(|entries| entries.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "entry locks left behind: {left:?}");
}

#[test]
fn runs_with_different_caches_on_one_machine_share_one_rate() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let claims = work.path().join("claims.yaml");
    std::fs::write(&claims, CLAIMS).unwrap();
    // One state directory (one user on one machine), two caches: nothing is shared
    // through the caches, so both runs send every request.
    let state = work.path().join("state");
    let caches = [work.path().join("cache-a"), work.path().join("cache-b")];
    let children: Vec<_> = caches
        .iter()
        .map(|cache| start_check(&server, cache, &state, &claims))
        .collect();
    let reports: Vec<Value> = children.into_iter().map(report_of).collect();
    assert_eq!(verdicts(&reports[0]), verdicts(&reports[1]));

    let requests = server.requests();
    let mut per_request: BTreeMap<String, usize> = BTreeMap::new();
    for request in &requests {
        *per_request.entry(request_key(request)).or_default() += 1;
    }
    assert!(
        per_request.values().all(|&count| count >= 2),
        "each run asked everything itself: {per_request:#?}"
    );
    assert!(
        requests.len() >= 10,
        "enough requests to see the rate: {}",
        requests.len()
    );
    let mut times: Vec<_> = requests.iter().map(|r| r.at).collect();
    times.sort();
    // Together the runs keep to NCBI's 3/s, as one run would.
    common::assert_rate(&times, 3, Duration::from_millis(50));
    assert!(
        state.join("eutils-pace").is_file(),
        "the pace is in the state directory"
    );
    for cache in &caches {
        assert!(!cache.join(".state/eutils-pace").exists());
    }
}

/// A run killed (SIGKILL, no chance to clean up) at any point of its work leaves a cache
/// that verifies, and the next run reaches the same verdicts as a run never interrupted.
/// The kill points are counted in requests the stand-in has received, not in time.
#[test]
fn a_run_killed_at_any_request_leaves_a_cache_that_verifies_and_gives_the_same_verdicts() {
    let (server, _) = require_stand_in!();
    let work = tempfile::tempdir().unwrap();
    let claims = work.path().join("claims.yaml");
    std::fs::write(&claims, CLAIMS).unwrap();
    let state = work.path().join("state");
    let clean = verdicts(&report_of(start_check(
        &server,
        &work.path().join("clean-cache"),
        &state,
        &claims,
    )));
    let total = server.requests().len();
    assert!(total >= 4, "the claims need several requests: {total}");
    // Slow answers keep the run busy between requests, so a kill lands mid-work.
    server.set_delay(Some(Duration::from_millis(40)));
    for kill_after in 1..total {
        let cache = work.path().join(format!("cache-{kill_after}"));
        let before = server.requests().len();
        let mut child = start_check(&server, &cache, &state, &claims);
        let waited = std::time::Instant::now();
        while server.requests().len() < before + kill_after
            && waited.elapsed() < Duration::from_secs(60)
        {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        let verify = Command::new(assert_cmd::cargo::cargo_bin("claimaudit"))
            .env("CLAIMAUDIT_STATE_DIR", &state)
            .arg("--cache-dir")
            .arg(&cache)
            .args(["cache", "verify"])
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "killed after {kill_after} requests, the cache does not verify: {}{}",
            String::from_utf8_lossy(&verify.stdout),
            String::from_utf8_lossy(&verify.stderr)
        );
        server.set_delay(None);
        let again = verdicts(&report_of(start_check(&server, &cache, &state, &claims)));
        server.set_delay(Some(Duration::from_millis(40)));
        assert_eq!(again, clean, "killed after {kill_after} requests");
    }
}
