//! The E-utilities client behind the cache, used as a library against the local
//! stand-in: batching, POST, one request per question, and several in flight.

mod common;

use common::fake_eutils::Stall;

use std::time::Duration;

use claimaudit::citation::CitedAs;
use claimaudit::ids::Pmid;
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::cache::Cache;
use claimaudit::pubmed::eutils::{ApiKey, ClientConfig, EutilsClient, EutilsError, POST_ABOVE_IDS};
use claimaudit::pubmed::source::{AuthorName, FieldQuery, PubmedSource, SearchQuery, Years};
use claimaudit::pubmed::{CacheSettings, CachedSource};
use claimaudit::resolve::{CitationKey, ResolutionStatus, resolve_all};

fn config(base_url: String) -> ClientConfig {
    ClientConfig {
        base_url,
        tool: "claimaudit-tests".into(),
        email: "tests@example.org".into(),
        api_key: None,
        requests_per_second: 3.0,
        timeout: Duration::from_secs(10),
        max_retries: 1,
        backoff: Duration::from_millis(10),
        network_timeout: Duration::from_secs(30),
    }
}

/// With a (placeholder) key, so the client may send 10 requests a second.
fn keyed(config: ClientConfig) -> ClientConfig {
    ClientConfig {
        requests_per_second: 10.0,
        api_key: ApiKey::new("test-key"),
        ..config
    }
}

fn settings() -> CacheSettings {
    CacheSettings {
        offline: false,
        refresh: false,
        lookup_max_age: Duration::from_secs(3600),
        record_max_age: Duration::from_secs(3600),
    }
}

fn cached(config: ClientConfig, cache: &std::path::Path) -> CachedSource<EutilsClient> {
    let client = EutilsClient::new(config, cache).unwrap();
    CachedSource::new(client, Cache::new(cache), settings())
}

fn pmid(text: &str) -> Pmid {
    text.parse().unwrap()
}

#[tokio::test]
async fn many_ids_go_in_one_post_and_missing_ones_are_not_found() {
    let (server, fixtures) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let known: Vec<Pmid> = common::index(&fixtures)
        .into_iter()
        .map(|r| pmid(&r.pmid))
        .take(240)
        .collect();
    let mut asked = known.clone();
    asked.push(pmid("99999991"));
    asked.push(pmid("99999992"));
    asked.push(known[0]); // asked twice, fetched once
    assert!(asked.len() > POST_ABOVE_IDS);

    let source = cached(config(server.base_url()), cache.path());
    let answers = source.fetch(&asked).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "one batched request");
    assert_eq!(
        requests[0].method, "POST",
        "over {POST_ABOVE_IDS} ids go in the body"
    );
    assert_eq!(requests[0].param("id").unwrap().split(',').count(), 242);
    for pmid in &known {
        let record = answers[pmid].as_ref().unwrap().as_ref().unwrap();
        assert_eq!(&record.pmid, pmid);
    }
    assert!(
        answers[&pmid("99999991")].as_ref().unwrap().is_none(),
        "missing ids are reported, not dropped"
    );

    // Asking again in the same run, or in a new one, sends nothing.
    source.fetch(&asked).await;
    let again = cached(config(server.base_url()), cache.path());
    let answers = again.fetch(&asked).await;
    assert!(answers[&pmid("99999992")].as_ref().unwrap().is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_small_batch_is_a_get_with_tool_and_email() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let client = EutilsClient::new(config(server.base_url()), cache.path()).unwrap();
    let records = client
        .efetch(&[pmid("23121403"), pmid("993")])
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.param("tool"), Some("claimaudit-tests"));
    assert_eq!(request.param("email"), Some("tests@example.org"));
    assert_eq!(client.requests_sent(), 1);
}

#[tokio::test]
async fn a_silent_ncbi_is_given_up_on_for_the_rest_of_the_client_s_life() {
    let (server, _) = require_stand_in!();
    server.set_stall(Some(Stall::NeverAnswer));
    let cache = tempfile::tempdir().unwrap();
    let client = EutilsClient::new(
        ClientConfig {
            network_timeout: Duration::from_millis(500),
            max_retries: 3,
            ..config(server.base_url())
        },
        cache.path(),
    )
    .unwrap();
    // Both in flight together: one silence ends both, and neither is retried.
    let ids = [pmid("23121403")];
    let (fetched, searched) = tokio::join!(client.efetch(&ids), client.esearch("aspirin[ti]", 20));
    for error in [fetched.unwrap_err(), searched.unwrap_err()] {
        assert!(
            matches!(error, EutilsError::Unreachable { attempts: 1, .. }),
            "{error}"
        );
        assert!(
            error.to_string().contains("sent nothing back for 500ms"),
            "{error}"
        );
    }
    assert_eq!(client.requests_sent(), 2);
    // Later requests are not sent at all.
    let later = client.esearch("exosome[ti]", 20).await.unwrap_err();
    assert!(matches!(later, EutilsError::GaveUp { .. }), "{later}");
    assert_eq!(client.requests_sent(), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_search_with_nothing_left_to_ask_is_not_sent() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let client = EutilsClient::new(config(server.base_url()), cache.path()).unwrap();
    let inert = SearchQuery::Fields(FieldQuery {
        journal: Some("[]\"".into()),
        ..FieldQuery::default()
    });
    let error = client.search(&inert).await.unwrap_err();
    assert!(
        error.to_string().contains("nothing is left to search"),
        "{error}"
    );
    assert_eq!(client.requests_sent(), 0);
    assert!(server.requests().is_empty());
}

fn brighton_2012() -> SearchQuery {
    SearchQuery::Fields(FieldQuery {
        first_author: Some(AuthorName {
            last_name: "Brighton".into(),
            initials: "TA".into(),
        }),
        years: Some(Years::exactly(2012)),
        ..FieldQuery::default()
    })
}

#[tokio::test]
async fn the_same_search_asked_at_once_is_sent_once() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let source = cached(config(server.base_url()), cache.path());
    let query = brighton_2012();
    let (a, b, c) = tokio::join!(
        source.search(&query),
        source.search(&query),
        source.search(&query)
    );
    for hits in [a, b, c] {
        assert_eq!(hits.unwrap().pmids, vec![pmid("23121403")]);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].param("term"),
        Some("Brighton TA[1au] AND 2012[dp]"),
        "the typed query is written in PubMed's syntax by the E-utilities side"
    );
}

#[tokio::test]
async fn different_searches_are_in_flight_together_within_the_rate() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    // Every answer takes 600 ms: one at a time, four searches would take 2.4 s.
    server.set_delay(Some(Duration::from_millis(600)));
    let source = cached(keyed(config(server.base_url())), cache.path());
    let queries: Vec<SearchQuery> = (2010..2014)
        .map(|year| {
            SearchQuery::Fields(FieldQuery {
                years: Some(Years::exactly(year)),
                journal: Some("N Engl J Med".into()),
                ..FieldQuery::default()
            })
        })
        .collect();
    let started = std::time::Instant::now();
    let answers = futures_util::future::join_all(queries.iter().map(|q| source.search(q))).await;
    let elapsed = started.elapsed();
    assert!(answers.iter().all(Result::is_ok));
    assert_eq!(server.requests().len(), 4);
    assert!(
        elapsed < Duration::from_millis(1800),
        "four slow answers overlapped: {elapsed:?}"
    );
    let times: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    common::assert_rate(&times, 10, Duration::from_millis(50));
}

#[tokio::test]
async fn many_citations_share_batched_requests() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let source = cached(keyed(config(server.base_url())), cache.path());
    let citations: Vec<CitationKey> = [
        "23121403",
        "PMID: 993",
        "31844417",
        "10.1056/NEJMoa1210384",
        "Brighton, T.A., et al., 2012. N Engl J Med",
        "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
    ]
    .iter()
    .map(|t| CitationKey {
        cited: CitedAs::Text(t.to_string()),
        keywords: Vec::new(),
    })
    .collect();
    let resolutions = resolve_all(&source, &citations, &NoProgress).await;
    for (resolution, key) in resolutions.iter().zip(&citations) {
        assert_eq!(
            resolution.status,
            ResolutionStatus::Resolved,
            "{}",
            key.cited
        );
    }
    assert_eq!(
        server.requests_to("efetch").len(),
        1,
        "every record the citations need in one batch"
    );
    assert_eq!(
        server.requests_to("ecitmatch").len(),
        1,
        "all citation matches in one request"
    );
    assert_eq!(
        server.requests_to("esearch").len(),
        2,
        "the DOI and the author-year search"
    );
}
