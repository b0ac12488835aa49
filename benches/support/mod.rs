//! Shared by the benchmarks: the cached E-utilities source pointed at the local stand-in.

use std::path::Path;
use std::time::Duration;

use claimaudit::pubmed::cache::Cache;
use claimaudit::pubmed::eutils::{ApiKey, ClientConfig, EutilsClient};
use claimaudit::pubmed::{CacheSettings, CachedSource};

/// The cache `cache` in front of `base_url`, asked at `rate` requests per second. Above
/// NCBI's keyless 3/s a placeholder key lifts the client's ceiling (the stand-in ignores
/// it).
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
