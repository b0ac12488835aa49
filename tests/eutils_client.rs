//! The E-utilities client and lookups, used as a library against the local stand-in.

mod common;

use std::time::Duration;

use claimaudit::cache::Cache;
use claimaudit::eutils::{ClientConfig, EutilsClient, POST_ABOVE_IDS};
use claimaudit::lookup::{LookupSettings, Lookups};

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
    }
}

fn settings() -> LookupSettings {
    LookupSettings {
        offline: false,
        refresh: false,
        search_max_age: Duration::from_secs(3600),
        record_max_age: Duration::from_secs(3600),
    }
}

#[tokio::test]
async fn many_ids_go_in_one_post_and_missing_ones_are_not_found() {
    let (server, fixtures) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let known: Vec<String> = common::index(&fixtures)
        .into_iter()
        .map(|r| r.pmid)
        .take(240)
        .collect();
    let mut asked = known.clone();
    asked.push("99999991".into());
    asked.push("99999992".into());
    asked.push(known[0].clone()); // asked twice, fetched once
    assert!(asked.len() > POST_ABOVE_IDS);

    let client = EutilsClient::new(config(server.base_url()), cache.path()).unwrap();
    let lookups = Lookups::new(Cache::new(cache.path()), Some(client), settings());
    let answers = lookups.records(&asked).await;
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
        answers["99999991"].as_ref().unwrap().is_none(),
        "missing ids are reported, not dropped"
    );

    // Asking again in the same run, or in a new one, sends nothing.
    lookups.records(&asked).await;
    let client = EutilsClient::new(config(server.base_url()), cache.path()).unwrap();
    let again = Lookups::new(Cache::new(cache.path()), Some(client), settings());
    let answers = again.records(&asked).await;
    assert!(answers["99999992"].as_ref().unwrap().is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_small_batch_is_a_get_with_tool_and_email() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let client = EutilsClient::new(config(server.base_url()), cache.path()).unwrap();
    let records = client
        .efetch(&["23121403".into(), "993".into()])
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
async fn the_same_search_is_sent_once_per_run() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let client = EutilsClient::new(config(server.base_url()), cache.path()).unwrap();
    let lookups = Lookups::new(Cache::new(cache.path()), Some(client), settings());
    let term = "\"Brighton TA\"[1au] AND 2012[dp]";
    let (a, b) = tokio::join!(lookups.search(term), lookups.search(term));
    assert_eq!(a.unwrap().ids, vec!["23121403".to_owned()]);
    assert_eq!(b.unwrap().ids, vec!["23121403".to_owned()]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn many_citations_share_batched_requests() {
    let (server, _) = require_stand_in!();
    let cache = tempfile::tempdir().unwrap();
    let client = EutilsClient::new(
        ClientConfig {
            requests_per_second: 10.0,
            api_key: claimaudit::eutils::ApiKey::new("test-key"),
            ..config(server.base_url())
        },
        cache.path(),
    )
    .unwrap();
    let lookups = Lookups::new(Cache::new(cache.path()), Some(client), settings());
    let items: Vec<(String, Vec<String>)> = [
        "23121403",
        "PMID: 993",
        "31844417",
        "10.1056/NEJMoa1210384",
        "Brighton, T.A., et al., 2012. N Engl J Med",
        "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
    ]
    .iter()
    .map(|t| (t.to_string(), Vec::new()))
    .collect();
    let resolutions =
        claimaudit::resolve::resolve_many(&lookups, &items, &indicatif::ProgressBar::hidden())
            .await;
    for (resolution, (text, _)) in resolutions.iter().zip(&items) {
        assert_eq!(
            resolution.status,
            claimaudit::resolve::Status::Resolved,
            "{text}"
        );
    }
    assert_eq!(
        server.requests_to("efetch").len(),
        2,
        "given PMIDs, then all candidates"
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
