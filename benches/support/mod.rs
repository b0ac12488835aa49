//! Shared by the benchmarks: the cached E-utilities source pointed at the local stand-in,
//! the shared fixtures, and timing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use claimaudit::pubmed::cache::Cache;
use claimaudit::pubmed::eutils::{ApiKey, ClientConfig, EutilsClient};
use claimaudit::pubmed::{CacheSettings, CachedSource};

/// The cache `cache` in front of `base_url`, asked at `rate` requests per second. Above
/// NCBI's keyless 3/s a placeholder key lifts the client's ceiling (the stand-in ignores
/// it).
#[allow(dead_code)]
pub fn source(base_url: String, cache: &Path, rate: f64) -> CachedSource<EutilsClient> {
    let config = ClientConfig {
        base_url,
        tool: "claimaudit-bench".into(),
        email: "bench@example.org".into(),
        api_key: if rate > 3.0 {
            ApiKey::new("bench-placeholder")
        } else {
            None
        },
        requests_per_second: rate,
        timeout: Duration::from_secs(10),
        max_retries: 2,
        backoff: Duration::from_millis(50),
        network_timeout: Duration::from_secs(30),
    };
    let client = EutilsClient::new(config, cache).expect("a client for the stand-in");
    let settings = CacheSettings {
        offline: false,
        refresh: false,
        lookup_max_age: Duration::from_secs(86_400),
        record_max_age: Duration::from_secs(86_400),
    };
    CachedSource::new(client, Cache::new(cache), settings)
}

/// `../shared/fixtures/eutils`, or `None` (reason printed) when it is absent. In CI
/// (`CI` or `CLAIMAUDIT_REQUIRE_FIXTURES` set) a missing folder is a failure: a smoke run
/// that measured nothing must not pass.
#[allow(dead_code)]
pub fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/eutils");
    if dir.join("INDEX.tsv").is_file() {
        return Some(dir);
    }
    let required = ["CI", "CLAIMAUDIT_REQUIRE_FIXTURES"].iter().any(|name| {
        std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
    });
    assert!(
        !required,
        "{} is missing, and CI or CLAIMAUDIT_REQUIRE_FIXTURES is set",
        dir.display()
    );
    eprintln!(
        "SKIPPED: {} is missing; the benchmark needs the shared fixtures",
        dir.display()
    );
    None
}

/// A number from the environment (`BENCH_MB=5`), or `default`.
#[allow(dead_code)]
pub fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Times `runs` runs of `work` after one warm-up run (pages in the input, settles the
/// allocator).
#[allow(dead_code)]
pub fn time_runs(runs: usize, mut work: impl FnMut() -> usize) -> Vec<Duration> {
    std::hint::black_box(work());
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(work());
            start.elapsed()
        })
        .collect()
}

#[allow(dead_code)]
pub fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

/// One line: median and best MB/s over `mb` megabytes.
#[allow(dead_code)]
pub fn report_throughput(name: &str, mb: f64, times: &[Duration]) {
    let best = times.iter().min().unwrap();
    println!(
        "{name:<30} median {:>7.1} MB/s   best {:>7.1} MB/s   ({} runs)",
        mb / median(times).as_secs_f64(),
        mb / best.as_secs_f64(),
        times.len()
    );
}
