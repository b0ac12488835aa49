//! Warm-cache `claimaudit check` of a generated claims file (10,000 claims by default)
//! citing the fixture records: wall time and peak memory of the real binary.
//!
//! The claims cite records by PMID, by DOI and as "Author et al., year. Journal"
//! strings. The cache is filled first (records imported from the fixtures, searches
//! answered once by the local E-utilities stand-in), then `check --offline` is timed.
//! Targets: under 2 s and under 200 MB.
//!
//! Run: `cargo bench --bench check_scale` (BENCH_CLAIMS=10000, BENCH_RUNS=3).

#[path = "../tests/common/fake_eutils/mod.rs"]
mod fake_eutils;
mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use claimaudit::audit::CitationIndex;
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::cache::Cache;
use claimaudit::resolve::resolve_all;

fn main() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let claims: usize = support::env_number("BENCH_CLAIMS", 10_000);
    let runs: usize = support::env_number("BENCH_RUNS", 3);
    let work = tempfile::tempdir().unwrap();
    let cache_dir = work.path().join("cache");
    let claims_path = work.path().join("claims.yaml");

    // Records: imported straight from the fixtures.
    let cache = Cache::new(&cache_dir);
    let mut files = Vec::new();
    for dir in std::fs::read_dir(fixtures.join("efetch")).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        claimaudit::pubmed::import::import_document(
            &cache,
            &file.display().to_string(),
            &bytes,
            SystemTime::now(),
        )
        .unwrap();
    }

    std::fs::write(&claims_path, generate(&fixtures, claims)).unwrap();
    let file = claimaudit::claims::load(&claims_path).unwrap();
    let index = CitationIndex::new(&file);
    let items = index.distinct();

    // Searches: answered once by the stand-in, so the timed run is all cache.
    let server = fake_eutils::FakeEutils::start(&fixtures);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let warmup = Instant::now();
    let requests = runtime.block_on(async {
        let source = support::source(server.base_url(), &cache_dir, 10.0);
        resolve_all(&source, items, &NoProgress).await;
        source.inner().requests_sent()
    });
    println!(
        "{} claims, {} distinct citations; cache filled with {requests} requests in {:.1} s",
        file.claims.len(),
        items.len(),
        warmup.elapsed().as_secs_f64()
    );

    let binary = env!("CARGO_BIN_EXE_claimaudit");
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(binary)
            .arg("--cache-dir")
            .arg(&cache_dir)
            .args(["check", "--offline", "--quiet", "--format", "json"])
            .arg(&claims_path)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        times.push(start.elapsed());
        assert!(
            matches!(status.code(), Some(0 | 2 | 4)),
            "check failed: {status}"
        );
    }
    times.sort();
    let peak_mb = peak_child_rss_kb() as f64 / 1024.0;
    println!(
        "warm check --offline: median {:.2} s, best {:.2} s ({} runs); peak memory {peak_mb:.0} MB",
        times[times.len() / 2].as_secs_f64(),
        times[0].as_secs_f64(),
        times.len()
    );
}

/// Largest resident set of any finished child process, in KiB.
fn peak_child_rss_kb() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss
}

/// A claims file of `count` claims citing fixture records: most by PMID, some by DOI
/// and some as author-year-journal text.
fn generate(fixtures: &Path, count: usize) -> String {
    let index = std::fs::read_to_string(fixtures.join("INDEX.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = index
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let distinct_searches = (count / 50).clamp(5, 100);
    let dois: Vec<&str> = rows
        .iter()
        .map(|r| r[9])
        .filter(|d| !d.is_empty())
        .take(distinct_searches)
        .collect();
    let texts: Vec<String> = rows
        .iter()
        .filter(|r| !r[4].is_empty() && !r[3].is_empty() && !r[2].is_empty())
        .take(distinct_searches)
        .map(|r| format!("{} et al., {}. {}", r[4], r[2], r[3]))
        .collect();
    let kinds = ["efficacy", "safety", "mechanism", "statistic", "background"];
    let mut yaml = String::from(
        "# generated by benches/check_scale.rs\nproduct:\n  name: bench\n  terms: [dental pulp, DPSC]\nclaims:\n",
    );
    for i in 0..count {
        let citation = match i % 10 {
            0 => format!("{{doi: \"{}\"}}", dois[i / 10 % dois.len()]),
            1 => format!("\"{}\"", texts[i / 10 % texts.len()].replace('"', "")),
            2 => String::new(),
            _ => format!("\"PMID: {}\"", rows[i % rows.len()][0]),
        };
        let _ = write!(
            yaml,
            "  - id: claim-{i}\n    text: \"主張 {i}: 肌のハリを改善する\"\n    kind: {}\n    keywords: [skin, collagen]\n",
            kinds[i % kinds.len()]
        );
        if !citation.is_empty() {
            let _ = writeln!(yaml, "    citations: [{citation}]");
        }
    }
    yaml
}
