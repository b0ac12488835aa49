//! Requests sent to resolve N distinct citations, against a local E-utilities stand-in
//! serving the real fixture records (nothing reaches NCBI).
//!
//! Reports, for a cold cache: requests sent by the batched resolver (`resolve_all`)
//! against the minimum the citations need, the same for resolving one citation at a
//! time, and the wall time against the rate-limit floor (requests ÷ rate). Then a warm
//! run on the filled cache, which should send nothing.
//!
//! With `BENCH_LATENCY_MS` the stand-in takes that long to answer each request (NCBI
//! typically takes a few hundred milliseconds): the wall time then shows whether
//! requests in flight together keep the rate limit, not the answer time, the bound.
//!
//! Run: `cargo bench --bench resolve_requests` (BENCH_CITATIONS=30, BENCH_RATE=3).

#[path = "../tests/common/fake_eutils/mod.rs"]
mod fake_eutils;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use claimaudit::citation::CitedAs;
use claimaudit::progress::NoProgress;
use claimaudit::resolve::{CitationKey, ResolutionStatus, resolve, resolve_all};

fn main() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let count: usize = support::env_number::<f64>("BENCH_CITATIONS", 30.0) as usize;
    let rate = support::env_number::<f64>("BENCH_RATE", 3.0);
    let server = fake_eutils::FakeEutils::start(&fixtures);
    let latency = support::env_number::<f64>("BENCH_LATENCY_MS", 0.0);
    if latency > 0.0 {
        server.set_delay(Some(Duration::from_secs_f64(latency / 1000.0)));
        println!("every answer takes {latency} ms");
    }
    let (items, minimum) = citations(&fixtures, count);
    println!(
        "{} citations: a third PMIDs, a third DOIs, a third author-year-journal strings",
        items.len()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let batched_cache = tempfile::tempdir().unwrap();
    let (requests, elapsed, resolved) = runtime.block_on(async {
        let source = source(&server, batched_cache.path(), rate);
        let start = Instant::now();
        let outcomes = resolve_all(&source, &items, &NoProgress).await;
        (
            source.inner().requests_sent(),
            start.elapsed(),
            count_resolved(outcomes.iter().map(|r| r.status)),
        )
    });
    let floor = Duration::from_secs_f64(requests as f64 / rate);
    println!(
        "batched, cold:   {requests:>4} requests (minimum {minimum}, ratio {:.2}), {resolved} resolved",
        requests as f64 / minimum as f64
    );
    println!(
        "                 wall {:.2} s vs rate floor {:.2} s at {rate}/s (ratio {:.2})",
        elapsed.as_secs_f64(),
        floor.as_secs_f64(),
        elapsed.as_secs_f64() / floor.as_secs_f64().max(f64::EPSILON)
    );
    let warm = runtime.block_on(async {
        let source = source(&server, batched_cache.path(), rate);
        resolve_all(&source, &items, &NoProgress).await;
        source.inner().requests_sent()
    });
    println!("batched, warm:   {warm:>4} requests");

    let single_cache = tempfile::tempdir().unwrap();
    let single = runtime.block_on(async {
        let source = source(&server, single_cache.path(), rate);
        for item in &items {
            resolve(&source, &item.cited, &item.keywords).await;
        }
        source.inner().requests_sent()
    });
    println!(
        "one at a time:   {single:>4} requests (ratio {:.2} to the minimum)",
        single as f64 / minimum as f64
    );
}

fn source(
    server: &fake_eutils::FakeEutils,
    cache: &Path,
    rate: f64,
) -> claimaudit::pubmed::CachedSource<claimaudit::pubmed::eutils::EutilsClient> {
    support::source(server.base_url(), cache, rate)
}

fn count_resolved(statuses: impl Iterator<Item = ResolutionStatus>) -> usize {
    statuses
        .filter(|s| *s == ResolutionStatus::Resolved)
        .count()
}

/// Distinct citations from the fixture index, and the fewest requests that can answer
/// them: one esearch per DOI and per free-text citation, and one efetch for the cited
/// PMIDs and every record those searches name together.
fn citations(fixtures: &Path, count: usize) -> (Vec<CitationKey>, usize) {
    let index = std::fs::read_to_string(fixtures.join("INDEX.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = index
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let (mut pmids, mut dois, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    let per_kind = count.div_ceil(3);
    for row in &rows {
        let (pmid, year, journal, author, doi) = (row[0], row[2], row[3], row[4], row[9]);
        if pmids.len() < per_kind {
            pmids.push(format!("PMID: {pmid}"));
        } else if dois.len() < per_kind && !doi.is_empty() {
            dois.push(doi.to_owned());
        } else if texts.len() < per_kind
            && !author.is_empty()
            && !journal.is_empty()
            && !year.is_empty()
        {
            texts.push(format!("{author} et al., {year}. {journal}"));
        }
    }
    let minimum = dois.len() + texts.len() + 1;
    let items = pmids
        .into_iter()
        .chain(dois)
        .chain(texts)
        .take(count)
        .map(|text| CitationKey {
            cited: CitedAs::Text(text),
            keywords: Vec::new(),
        })
        .collect();
    (items, minimum)
}
