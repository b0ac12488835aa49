//! The fake E-utilities server (tests/common/fake_eutils.rs) answers like NCBI, from the
//! real records in ../shared/fixtures/eutils, checked over real sockets with a tiny
//! blocking HTTP client written here.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use claimaudit::pubmed::xml::parse_article_set;
use common::fake_eutils::{FakeEutils, Scripted};

const PMID_ASPIRIN: &str = "23121403"; // Brighton TA, N Engl J Med 2012;367:1979-87
const PMID_FLAVO: &str = "9997"; // Strekas TC, Biochim Biophys Acta 1976;446:179-91

// ---------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client
// ---------------------------------------------------------------------------------------

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("answer is UTF-8")
    }
}

/// `host:port` and path of the server's base URL, checking its shape on the way.
fn split_base(server: &FakeEutils) -> (String, String) {
    let base = server.base_url();
    let rest = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("base URL {base} is not on 127.0.0.1"));
    assert!(base.ends_with("/entrez/eutils/"), "base URL {base}");
    let slash = rest.find('/').unwrap();
    (
        format!("127.0.0.1:{}", &rest[..slash]),
        rest[slash..].to_string(),
    )
}

/// Sends one request; `target` is relative to the base URL unless it starts with '/'.
fn send(server: &FakeEutils, method: &str, target: &str, form_body: Option<&str>) -> Response {
    let (host, base_path) = split_base(server);
    let path = if target.starts_with('/') {
        target.to_string()
    } else {
        format!("{base_path}{target}")
    };
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: selftest\r\n");
    if let Some(body) = form_body {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        let _ = write!(request, "Content-Length: {}\r\n", body.len());
    }
    request.push_str("\r\n");
    request.push_str(form_body.unwrap_or_default());

    let mut stream = TcpStream::connect(&host).expect("connect to the fake server");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    // The server answers with `Connection: close`, so the answer ends at end-of-stream.
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");

    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("answer has a head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let mut parts = status_line.splitn(3, ' ');
    assert_eq!(parts.next(), Some("HTTP/1.1"), "{status_line}");
    let status = parts.next().unwrap().parse().unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("header line");
            (name.trim().to_string(), value.trim().to_string())
        })
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(server: &FakeEutils, target: &str) -> Response {
    send(server, "GET", target, None)
}

/// Percent-encodes a query value (everything but unreserved characters).
fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A complete, well-formed answer: status 200 and a body as long as announced.
fn assert_complete(response: &Response, content_type: &str) {
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("Content-Type"), Some(content_type));
    assert_eq!(response.header("Connection"), Some("close"));
    assert_eq!(
        response.header("Content-Length"),
        Some(response.body.len().to_string().as_str())
    );
}

fn efetch(server: &FakeEutils, ids: &str) -> Response {
    get(
        server,
        &format!("efetch.fcgi?db=pubmed&id={}&retmode=xml", enc(ids)),
    )
}

/// (Count, IdList) of an esearch answer.
fn esearch(server: &FakeEutils, term: &str, extra: &str) -> (usize, Vec<String>, String) {
    let response = get(
        server,
        &format!(
            "esearch.fcgi?db=pubmed&retmode=xml&term={}{extra}",
            enc(term)
        ),
    );
    assert_complete(&response, "text/xml; charset=UTF-8");
    let xml = response.text();
    let count = between(&xml, "<Count>", "</Count>")
        .unwrap_or_else(|| panic!("no Count in {xml}"))
        .parse()
        .unwrap();
    let ids = xml
        .split("<Id>")
        .skip(1)
        .map(|rest| rest.split("</Id>").next().unwrap().to_string())
        .collect();
    (count, ids, xml)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

fn pmids_of(xml: &[u8]) -> Vec<String> {
    parse_article_set(xml)
        .expect("efetch answer parses with claimaudit's parser")
        .into_iter()
        .map(|r| r.pmid.to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn serves_every_distinct_fixture_record() {
    let fixtures = require_fixtures!();
    let started = Instant::now();
    let server = FakeEutils::start(&fixtures);
    let _ = writeln!(
        std::io::stderr(),
        "fake E-utilities ready in {:?} (index shared within this process)",
        started.elapsed()
    );
    let distinct: BTreeSet<String> = common::index(&fixtures)
        .into_iter()
        .map(|r| r.pmid.to_string())
        .collect();
    assert_eq!(server.record_count(), distinct.len());
}

#[test]
fn efetch_returns_real_article_text_for_known_ids_only() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);

    let response = efetch(&server, &format!("{PMID_ASPIRIN},99999999"));
    assert_complete(&response, "text/xml; charset=UTF-8");
    let xml = response.text();
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC \
             \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\""
        ),
        "{}",
        &xml[..200.min(xml.len())]
    );
    assert!(xml.trim_end().ends_with("</PubmedArticleSet>"));
    assert_eq!(xml.matches("<PubmedArticle>").count(), 1);
    assert!(xml.contains(&format!("<PMID Version=\"1\">{PMID_ASPIRIN}</PMID>")));
    assert_eq!(pmids_of(&response.body), [PMID_ASPIRIN]);

    // Byte-for-byte the element of the fixture file.
    let article = &xml[xml.find("<PubmedArticle>").unwrap()..];
    let article = &article[..article.find("</PubmedArticle>").unwrap() + "</PubmedArticle>".len()];
    let file =
        fixtures.join("efetch/biocommons-eutils/test_eutils_xmlfacades_pubmedarticle_23121403.xml");
    assert!(std::fs::read_to_string(file).unwrap().contains(article));

    // Request order, not index order.
    let response = efetch(&server, &format!("{PMID_FLAVO},{PMID_ASPIRIN}"));
    assert_eq!(pmids_of(&response.body), [PMID_FLAVO, PMID_ASPIRIN]);
    let response = efetch(&server, &format!("{PMID_ASPIRIN},{PMID_FLAVO}"));
    assert_eq!(pmids_of(&response.body), [PMID_ASPIRIN, PMID_FLAVO]);

    // Nothing known: the real empty PubmedArticleSet, still a 200.
    let response = efetch(&server, "99999999");
    assert_complete(&response, "text/xml; charset=UTF-8");
    assert!(pmids_of(&response.body).is_empty());

    // The book article is served too.
    let response = efetch(&server, "20301295");
    assert!(response.text().contains("<PubmedBookArticle>"));
    assert_eq!(pmids_of(&response.body), ["20301295"]);
}

#[test]
fn esearch_evaluates_field_tags() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);

    let (count, ids, xml) = esearch(&server, "Brighton TA[1au] AND 2012[dp]", "");
    assert!(ids.contains(&PMID_ASPIRIN.to_string()), "{xml}");
    assert_eq!(count, ids.len());
    assert!(xml.contains("<QueryTranslation>Brighton TA[1au] AND 2012[dp]</QueryTranslation>"));
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<!DOCTYPE eSearchResult")
    );

    // The AND really narrows; initials are a prefix; [au] is any author.
    assert_eq!(esearch(&server, "Brighton TA[1au] AND 2013[dp]", "").0, 0);
    assert!(
        esearch(&server, "brighton t[1au]", "")
            .1
            .contains(&PMID_ASPIRIN.to_string())
    );
    assert_eq!(esearch(&server, "Brighton TB[1au]", "").0, 0);
    assert!(
        esearch(&server, "Brighton[au] AND 2010:2013[dp]", "")
            .1
            .contains(&PMID_ASPIRIN.to_string())
    );

    let (count, ids, _) = esearch(&server, "\"10.1056/NEJMoa1210384\"[aid]", "");
    assert_eq!((count, ids), (1, vec![PMID_ASPIRIN.to_string()]));
    let (_, ids, _) = esearch(&server, "10.1056/nejmoa1210384[aid]", "");
    assert_eq!(ids, [PMID_ASPIRIN]);

    // Journal abbreviations compare without dots; phrases must be phrases.
    let (_, ids, _) = esearch(&server, "\"Biochim. Biophys. Acta\"[ta] AND 1976[dp]", "");
    assert!(ids.contains(&PMID_FLAVO.to_string()), "{ids:?}");
    let (_, ids, _) = esearch(&server, "\"recurrent venous thromboembolism\"[ti]", "");
    assert!(ids.contains(&PMID_ASPIRIN.to_string()));
    let (_, ids, _) = esearch(&server, "\"venous recurrent\"[ti]", "");
    assert!(!ids.contains(&PMID_ASPIRIN.to_string()));
    let (_, ids, _) = esearch(&server, "aspirin[ti] AND thromboembolism[tiab]", "");
    assert!(ids.contains(&PMID_ASPIRIN.to_string()));

    // OR, parentheses, and the order: year descending, then PMID descending.
    let (count, ids, _) = esearch(&server, "(Brighton TA[1au] AND 2012[dp]) OR 9997[pmid]", "");
    assert_eq!(
        (count, ids),
        (2, vec![PMID_ASPIRIN.to_string(), PMID_FLAVO.to_string()])
    );

    // retmax limits the IdList, not the Count.
    let (count, ids, xml) = esearch(&server, "2012[dp]", "&retmax=2");
    assert!(count > 2, "{xml}");
    assert_eq!(ids.len(), 2);
    assert!(xml.contains("<RetMax>2</RetMax>"));
}

#[test]
fn esearch_without_hits_and_with_malformed_terms() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);

    let (count, ids, xml) = esearch(&server, "zzqxjv[ti]", "");
    assert_eq!((count, ids.len()), (0, 0));
    assert!(xml.contains("<Count>0</Count><RetMax>0</RetMax><RetStart>0</RetStart><IdList/>"));
    assert!(xml.contains("<OutputMessage>No items found.</OutputMessage>"));
    // An untagged word or an unknown tag matches nothing rather than failing.
    assert_eq!(esearch(&server, "aspirin", "").0, 0);
    assert_eq!(esearch(&server, "aspirin[xx]", "").0, 0);

    let response = get(
        &server,
        &format!(
            "esearch.fcgi?db=pubmed&term={}",
            enc("(Brighton TA[1au] AND 2012[dp]")
        ),
    );
    assert_complete(&response, "text/xml; charset=UTF-8");
    assert!(
        response
            .text()
            .contains("<eSearchResult><ERROR>Invalid query</ERROR></eSearchResult>")
    );
}

#[test]
fn ecitmatch_answers_one_line_per_citation() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);

    let bdata = [
        "n engl j med|2012|367|1979|brighton ta|k1|",
        "Fake Journal|2000|1|1|nobody|k2|",
        "N. Engl. J. Med.|2012|367|1|Brighton TA|K3|",
    ]
    .join("\r");
    let response = get(
        &server,
        &format!("ecitmatch.cgi?db=pubmed&retmode=xml&bdata={}", enc(&bdata)),
    );
    assert_complete(&response, "text/plain; charset=UTF-8");
    assert_eq!(
        response.text(),
        "n engl j med|2012|367|1979|brighton ta|k1|23121403\n\
         fake journal|2000|1|1||k2|NOT_FOUND;INVALID_JOURNAL\n\
         n. engl. j. med.|2012|367|1|brighton ta|K3|NOT_FOUND\n"
    );
}

#[test]
fn scripted_answers_come_first_then_normal_answers_resume() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);
    let body =
        r#"{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}"#;
    server.script(
        "efetch",
        vec![Scripted::status(429, body).header("Retry-After", "2")],
    );

    // Another endpoint is not affected by the efetch script.
    assert_eq!(esearch(&server, "9997[pmid]", "").0, 1);

    let limited = efetch(&server, PMID_ASPIRIN);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("Retry-After"), Some("2"));
    assert_eq!(
        limited.header("Content-Type"),
        Some("application/json; charset=UTF-8")
    );
    assert_eq!(limited.text(), body);

    let normal = efetch(&server, PMID_ASPIRIN);
    assert_complete(&normal, "text/xml; charset=UTF-8");
    assert_eq!(pmids_of(&normal.body), [PMID_ASPIRIN]);
}

#[test]
fn a_cut_connection_delivers_less_than_it_announced() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);
    let partial = "<?xml version=\"1.0\" ?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation>";
    server.script("efetch", vec![Scripted::ok(partial).cut()]);

    let response = efetch(&server, PMID_ASPIRIN);
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), partial);
    let announced: usize = response.header("Content-Length").unwrap().parse().unwrap();
    assert!(announced > partial.len());
    assert!(parse_article_set(&response.body).is_err());
}

#[test]
fn rate_limit_headers_only_when_asked() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);
    assert_eq!(
        efetch(&server, PMID_FLAVO).header("X-RateLimit-Limit"),
        None
    );

    server.set_rate_limit_headers(Some((3, 1)));
    let response = efetch(&server, PMID_FLAVO);
    assert_eq!(response.header("X-RateLimit-Limit"), Some("3"));
    assert_eq!(response.header("X-RateLimit-Remaining"), Some("1"));

    server.set_rate_limit_headers(None);
    assert_eq!(
        efetch(&server, PMID_FLAVO).header("X-RateLimit-Remaining"),
        None
    );
}

#[test]
fn requests_are_recorded_from_query_and_form_body() {
    let fixtures = require_fixtures!();
    let server = FakeEutils::start(&fixtures);

    // '+' as space in the query, %-escapes in the body.
    let term = "Brighton+TA%5B1au%5D+AND+2012%5Bdp%5D";
    let searched = get(
        &server,
        &format!("esearch.fcgi?db=pubmed&term={term}&retmax=5"),
    );
    assert!(searched.text().contains(PMID_ASPIRIN));
    let form = format!("db=pubmed&id={PMID_ASPIRIN}%2C{PMID_FLAVO}&retmode=xml&tool=claimaudit");
    let fetched = send(&server, "POST", "efetch.fcgi", Some(&form));
    assert_complete(&fetched, "text/xml; charset=UTF-8");
    assert_eq!(pmids_of(&fetched.body), [PMID_ASPIRIN, PMID_FLAVO]);
    let missing = get(&server, "/nowhere?x=1");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<html>"));

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    let (search, fetch, other) = (&requests[0], &requests[1], &requests[2]);
    assert_eq!(
        (search.method.as_str(), search.endpoint.as_str()),
        ("GET", "esearch")
    );
    assert_eq!(search.param("term"), Some("Brighton TA[1au] AND 2012[dp]"));
    assert_eq!(search.param("retmax"), Some("5"));
    assert_eq!(search.param("id"), None);
    assert_eq!(search.header("user-agent"), Some("selftest"));
    assert_eq!(
        (fetch.method.as_str(), fetch.endpoint.as_str()),
        ("POST", "efetch")
    );
    assert_eq!(fetch.param("id"), Some("23121403,9997"));
    assert_eq!(fetch.param("tool"), Some("claimaudit"));
    assert_eq!(fetch.param("db"), Some("pubmed"));
    assert_eq!(
        (other.endpoint.as_str(), other.param("x")),
        ("/nowhere", Some("1"))
    );
    assert!(search.at <= fetch.at && fetch.at <= other.at);
    assert_eq!(server.requests_to("efetch").len(), 1);
}
