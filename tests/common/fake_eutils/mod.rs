#![allow(dead_code)]
//! A fake NCBI E-utilities server for integration tests and benchmarks.
//!
//! It listens on `127.0.0.1:<random port>` and answers `efetch.fcgi`, `esearch.fcgi` and
//! `ecitmatch.cgi` under `/entrez/eutils/` in NCBI's real wire formats, from the real
//! records in the shared fixtures (`../shared/fixtures/eutils/efetch`), which are read at
//! run time and never copied. Tests can script failures (429, 5xx, HTML pages, cut
//! connections) per endpoint and inspect every request the client sent.
//!
//! Only std networking and the `claimaudit` library are used, so the file can be
//! included from any test or bench target with `#[path = ...] mod fake_eutils;`.
//!
//! Choices where the real service was not observable from the fixtures are marked
//! "NCBI:" in the comments below.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use claimaudit::pubmed::record::Record;
use claimaudit::pubmed::xml::parse_article_set;

mod http;
mod index;
mod query;

use self::http::*;
use self::index::*;
use self::query::*;

/// Path prefix of every E-utility, as on eutils.ncbi.nlm.nih.gov.
const EUTILS_PATH: &str = "/entrez/eutils/";

/// How long a connection thread waits on a silent client before giving up, so a test
/// that opens a socket and never writes cannot leave threads behind forever.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest request head accepted; long efetch GET URLs are a few kB.
const MAX_HEAD_BYTES: usize = 1 << 20;

/// How many bytes a `cut_connection` answer promises beyond what it sends.
const CUT_SHORTFALL: usize = 1024;

/// The longest a stalled connection is held open, should the test forget the server.
const MAX_STALL: Duration = Duration::from_secs(300);

const EFETCH_PROLOG: &str = concat!(
    "<?xml version=\"1.0\" ?>\n",
    "<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" ",
    "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n",
);

/// Prolog of today's esearch answers (esearch/biopython/*.xml).
const ESEARCH_PROLOG: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n",
    "<!DOCTYPE eSearchResult PUBLIC \"-//NLM//DTD esearch 20060628//EN\" ",
    "\"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd\">\n",
);

const XML_TYPE: &str = "text/xml; charset=UTF-8";
const TEXT_TYPE: &str = "text/plain; charset=UTF-8";
const JSON_TYPE: &str = "application/json; charset=UTF-8";
const HTML_TYPE: &str = "text/html; charset=UTF-8";

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/// A running fake E-utilities server. Dropping it stops accepting connections.
pub struct FakeEutils {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Arrival time: when the request head had been read.
    pub at: Instant,
    /// "GET", "POST", ...
    pub method: String,
    /// "efetch", "esearch", "ecitmatch", "esummary", ... for `/entrez/eutils/<name>.fcgi`
    /// (or `.cgi`); the raw path for anything else.
    pub endpoint: String,
    /// Query parameters, then `application/x-www-form-urlencoded` body parameters,
    /// percent-decoded with '+' as space, in the order sent.
    pub params: Vec<(String, String)>,
    /// The request path, without the query string.
    pub path: String,
    /// Request headers as sent (names in the client's spelling).
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// How the server misbehaves on every request while set (see [`FakeEutils::set_stall`]).
/// Stalled connections are held until the server is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stall {
    /// Read and record the request, then never answer.
    NeverAnswer,
    /// Send the answer's head and the first half of its body, then nothing more.
    AfterHead,
}

/// A canned answer served instead of the normal one (see [`FakeEutils::script`]).
#[derive(Clone, Debug)]
pub struct Scripted {
    pub status: u16,
    /// Extra headers. Without a `Content-Type` one is guessed from the body; without a
    /// `Content-Length` the right one is added (or a too-large one for `cut_connection`).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Promise a `Content-Length` larger than the body, send the body, then close the
    /// socket: a connection cut mid-body.
    pub cut_connection: bool,
}

impl Scripted {
    /// A 200 answer with this body.
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200, body)
    }

    /// An answer with this status and body.
    pub fn status(code: u16, body: impl Into<Vec<u8>>) -> Self {
        Scripted {
            status: code,
            headers: Vec::new(),
            body: body.into(),
            cut_connection: false,
        }
    }

    /// Adds a response header, e.g. `Retry-After`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Turns this answer into a connection cut mid-body.
    pub fn cut(mut self) -> Self {
        self.cut_connection = true;
        self
    }
}

impl FakeEutils {
    /// Serves every `PubmedArticle`/`PubmedBookArticle` found in all files under
    /// `<fixtures>/efetch` (all subfolders). The index is built once per fixtures folder
    /// and shared by every server of the process.
    ///
    /// Panics when no local port can be bound: this is test scaffolding.
    pub fn start(fixtures: &Path) -> FakeEutils {
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(State {
            index: shared_index(fixtures),
            requests: Mutex::new(Vec::new()),
            scripts: Mutex::new(HashMap::new()),
            rate_limit: Mutex::new(None),
            delay: Mutex::new(None),
            stall: Mutex::new(None),
            stop: Arc::clone(&stop),
        });
        let listener =
            TcpListener::bind("127.0.0.1:0").expect("fake E-utilities: bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("fake E-utilities: local address");
        let acceptor = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            thread::Builder::new()
                .name("fake-eutils-accept".into())
                .spawn(move || accept_loop(&listener, &state, &stop))
                .expect("fake E-utilities: spawn the accept thread")
        };
        FakeEutils {
            addr,
            state,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// The E-utilities base URL, with a trailing slash:
    /// `http://127.0.0.1:PORT/entrez/eutils/`.
    pub fn base_url(&self) -> String {
        format!("http://{}{EUTILS_PATH}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// The requests received so far for one endpoint ("efetch", ...).
    pub fn requests_to(&self, endpoint: &str) -> Vec<RecordedRequest> {
        lock(&self.state.requests)
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .cloned()
            .collect()
    }

    /// Queues `responses` for `endpoint` ("efetch", "esearch", "ecitmatch", or any other
    /// endpoint name or raw path): the next requests to it get them, in order, instead of
    /// the normal answer; once they are used up the normal answer resumes. Appends to
    /// anything still queued.
    pub fn script(&self, endpoint: &str, responses: Vec<Scripted>) {
        lock(&self.state.scripts)
            .entry(endpoint.to_string())
            .or_default()
            .extend(responses);
    }

    /// Adds `X-RateLimit-Limit`/`X-RateLimit-Remaining` to normal answers, as NCBI does
    /// (None = no such headers).
    /// Makes every answer take `delay` (as a loaded NCBI does); `None` answers at once.
    pub fn set_delay(&self, delay: Option<Duration>) {
        *lock(&self.state.delay) = delay;
    }

    /// Makes every request from now on stall (`None`: answer normally again). The
    /// requests are still recorded.
    pub fn set_stall(&self, stall: Option<Stall>) {
        *lock(&self.state.stall) = stall;
    }

    pub fn set_rate_limit_headers(&self, limit_and_remaining: Option<(u32, u32)>) {
        *lock(&self.state.rate_limit) = limit_and_remaining;
    }

    /// How many distinct records the server knows.
    pub fn record_count(&self) -> usize {
        self.state.index.entries.len()
    }
}

impl Drop for FakeEutils {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The accept loop is blocked in accept(): wake it with one last connection. If
        // that fails the thread is leaked rather than joined, so a test never hangs.
        if TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok()
            && let Some(acceptor) = self.acceptor.take()
        {
            let _ = acceptor.join();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------

fn answer(state: &State, request: &RecordedRequest) -> Scripted {
    let scripted = lock(&state.scripts)
        .get_mut(&request.endpoint)
        .and_then(VecDeque::pop_front);
    if let Some(scripted) = scripted {
        return scripted;
    }
    let index = &state.index;
    let mut response = match request.endpoint.as_str() {
        "efetch" => efetch(index, request),
        "esearch" => esearch(index, request),
        "ecitmatch" => ecitmatch(index, request),
        _ => return not_found(&request.path),
    };
    if let Some((limit, remaining)) = *lock(&state.rate_limit) {
        response = response
            .header("X-RateLimit-Limit", limit.to_string())
            .header("X-RateLimit-Remaining", remaining.to_string());
    }
    response
}

fn not_found(path: &str) -> Scripted {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\
         <body><h1>Not Found</h1><p>{} is not an E-utility.</p></body></html>\n",
        xml_escape(path)
    );
    Scripted::status(404, body).header("Content-Type", HTML_TYPE)
}

/// NCBI: a `db` other than pubmed (missing means pubmed, as on the real service).
fn foreign_db(request: &RecordedRequest) -> Option<&str> {
    request
        .param("db")
        .filter(|db| !db.trim().eq_ignore_ascii_case("pubmed"))
}

fn efetch(index: &Index, request: &RecordedRequest) -> Scripted {
    let xml = |body: String| Scripted::ok(body).header("Content-Type", XML_TYPE);
    // NCBI: errors come back as HTTP 200 with an <ERROR> element.
    let error = |message: &str| {
        xml(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<eFetchResult>\n\t<ERROR>{}</ERROR>\n</eFetchResult>\n",
            xml_escape(message)
        ))
    };
    if let Some(db) = foreign_db(request) {
        return error(&format!("Invalid db name specified: {db}"));
    }
    let ids: Vec<&str> = request
        .param("id")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect();
    if ids.is_empty() {
        return error("Empty id list - nothing todo");
    }
    let mut body = String::from(EFETCH_PROLOG);
    body.push_str("<PubmedArticleSet>\n");
    let mut seen = HashSet::new();
    for id in ids {
        // Unknown ids are silently left out, and a repeated id is answered once.
        if let Some(&i) = index.by_pmid.get(id)
            && seen.insert(id)
        {
            body.push_str(&index.entries[i].raw);
            body.push('\n');
        }
    }
    body.push_str("</PubmedArticleSet>\n");
    xml(body)
}

fn esearch(index: &Index, request: &RecordedRequest) -> Scripted {
    let json = request
        .param("retmode")
        .is_some_and(|mode| mode.eq_ignore_ascii_case("json"));
    if let Some(db) = foreign_db(request) {
        return esearch_error(&format!("Invalid db name specified: {db}"), json);
    }
    let term = request.param("term").unwrap_or_default().trim();
    if term.is_empty() {
        return esearch_error("Empty term and query_key - nothing todo", json);
    }
    let Some(query) = parse_query(term) else {
        return esearch_error("Invalid query", json);
    };
    let retmax = request
        .param("retmax")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(20)
        .min(10_000);
    let retstart = request
        .param("retstart")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);

    let hits_mask = evaluate(&query, index);
    let mut hits: Vec<&Entry> = index
        .entries
        .iter()
        .zip(&hits_mask)
        .filter_map(|(entry, &hit)| hit.then_some(entry))
        .collect();
    // NCBI sorts by relevance by default; a fixed, documented order is more useful
    // here: newest year first, then highest PMID (sort= is accepted and ignored).
    hits.sort_by_key(|e| {
        (
            std::cmp::Reverse(e.record.year),
            std::cmp::Reverse(e.pmid_number),
        )
    });
    let page: Vec<String> = hits
        .iter()
        .skip(retstart)
        .take(retmax)
        .map(|e| e.record.pmid.to_string())
        .collect();

    if json {
        return esearch_json(hits.len(), retstart, &page, term);
    }
    let mut xml = String::from(ESEARCH_PROLOG);
    let _ = write!(
        xml,
        "<eSearchResult><Count>{}</Count><RetMax>{}</RetMax><RetStart>{retstart}</RetStart>",
        hits.len(),
        page.len()
    );
    if page.is_empty() {
        xml.push_str("<IdList/>");
    } else {
        xml.push_str("<IdList>\n");
        for id in &page {
            let _ = writeln!(xml, "<Id>{id}</Id>");
        }
        xml.push_str("</IdList>");
    }
    let _ = write!(
        xml,
        "<TranslationSet/><QueryTranslation>{}</QueryTranslation>",
        xml_escape(term)
    );
    if hits.is_empty() {
        xml.push_str("<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>");
    }
    xml.push_str("</eSearchResult>\n");
    Scripted::ok(xml).header("Content-Type", XML_TYPE)
}

/// NCBI's in-band error: HTTP 200, `<ERROR>` in the result (errors/*ERROR-in-200.xml).
fn esearch_error(message: &str, json: bool) -> Scripted {
    if json {
        let body = format!(
            "{{\"header\":{{\"type\":\"esearch\",\"version\":\"0.3\"}},\"esearchresult\":{{\"ERROR\":{}}}}}\n",
            json_string(message)
        );
        return Scripted::ok(body).header("Content-Type", JSON_TYPE);
    }
    let body = format!(
        "{ESEARCH_PROLOG}<eSearchResult><ERROR>{}</ERROR></eSearchResult>\n",
        xml_escape(message)
    );
    Scripted::ok(body).header("Content-Type", XML_TYPE)
}

/// The `retmode=json` shape (NCBI: counts are strings).
fn esearch_json(count: usize, retstart: usize, page: &[String], term: &str) -> Scripted {
    let ids: Vec<String> = page.iter().map(|id| json_string(id)).collect();
    let mut body = format!(
        "{{\"header\":{{\"type\":\"esearch\",\"version\":\"0.3\"}},\"esearchresult\":{{\
         \"count\":\"{count}\",\"retmax\":\"{}\",\"retstart\":\"{retstart}\",\
         \"idlist\":[{}],\"translationset\":[],\"querytranslation\":{}",
        page.len(),
        ids.join(","),
        json_string(term)
    );
    if count == 0 {
        body.push_str(
            ",\"warninglist\":{\"phrasesignored\":[],\"quotedphrasesnotfound\":[],\
             \"outputmessages\":[\"No items found.\"]}",
        );
    }
    body.push_str("}}\n");
    Scripted::ok(body).header("Content-Type", JSON_TYPE)
}

/// ECitMatch: `bdata` holds citations `journal|year|volume|first_page|author|key|`, one
/// per line (lines separated by '\r'). The answer echoes each line, lowercased except
/// for the key (as in ecitmatch/pubmed-client/*.txt), with the PMID appended.
fn ecitmatch(index: &Index, request: &RecordedRequest) -> Scripted {
    let bdata = request.param("bdata").unwrap_or_default();
    let mut body = String::new();
    for line in bdata.split(['\r', '\n']).filter(|l| !l.trim().is_empty()) {
        let mut fields: Vec<&str> = line.split('|').collect();
        fields.resize(6.max(fields.len()), "");
        let [journal, year, volume, page, author, key] = [
            fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
        ];

        let journal_wanted = journal_key(journal);
        let year_wanted = year.trim().parse::<u16>().ok();
        let matches: Vec<&Entry> = index
            .entries
            .iter()
            .filter(|e| {
                e.journals.contains(&journal_wanted)
                    && year_wanted.is_some()
                    && e.record.year == year_wanted
                    && e.record
                        .volume
                        .as_deref()
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case(volume.trim()))
                    && e.first_page
                        .as_deref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(page.trim()))
            })
            .collect();
        let (author, result) = match matches.as_slice() {
            [only] => (author.to_lowercase(), only.record.pmid.to_string()),
            // NCBI: an unknown journal is reported as such, with the author field
            // echoed empty (citmatch_mixed.txt).
            _ if !index.journal_keys.contains(&journal_wanted) => {
                (String::new(), "NOT_FOUND;INVALID_JOURNAL".to_string())
            }
            // No match, or several (NCBI would say AMBIGUOUS; kept simple here).
            _ => (author.to_lowercase(), "NOT_FOUND".to_string()),
        };
        let _ = writeln!(
            body,
            "{}|{year}|{volume}|{page}|{author}|{key}|{result}",
            journal.to_lowercase()
        );
    }
    Scripted::ok(body).header("Content-Type", TEXT_TYPE)
}

// ---------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
