//! Shared by the benchmarks: lookups pointed at the local E-utilities stand-in.

use std::path::Path;
use std::time::Duration;

use claimaudit::cache::Cache;
use claimaudit::eutils::{ApiKey, ClientConfig, EutilsClient};
use claimaudit::lookup::{LookupSettings, Lookups};

/// Lookups on `cache` asking `base_url` at `rate` requests per second. Above NCBI's
/// keyless 3/s a placeholder key lifts the client's ceiling (the stand-in ignores it).
pub fn lookups(base_url: String, cache: &Path, rate: f64) -> Lookups {
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
    let settings = LookupSettings {
        offline: false,
        refresh: false,
        search_max_age: Duration::from_secs(86_400),
        record_max_age: Duration::from_secs(86_400),
    };
    Lookups::new(Cache::new(cache), Some(client), settings)
}
