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

use claimaudit::pubmed_xml::parse_article_set;
use claimaudit::record::Record;

/// Path prefix of every E-utility, as on eutils.ncbi.nlm.nih.gov.
const EUTILS_PATH: &str = "/entrez/eutils/";

/// How long a connection thread waits on a silent client before giving up, so a test
/// that opens a socket and never writes cannot leave threads behind forever.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest request head accepted; long efetch GET URLs are a few kB.
const MAX_HEAD_BYTES: usize = 1 << 20;

/// How many bytes a `cut_connection` answer promises beyond what it sends.
const CUT_SHORTFALL: usize = 1024;

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
        let state = Arc::new(State {
            index: shared_index(fixtures),
            requests: Mutex::new(Vec::new()),
            scripts: Mutex::new(HashMap::new()),
            rate_limit: Mutex::new(None),
        });
        let listener =
            TcpListener::bind("127.0.0.1:0").expect("fake E-utilities: bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("fake E-utilities: local address");
        let stop = Arc::new(AtomicBool::new(false));
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
// Server plumbing
// ---------------------------------------------------------------------------------------

struct State {
    index: Arc<Index>,
    requests: Mutex<Vec<RecordedRequest>>,
    scripts: Mutex<HashMap<String, VecDeque<Scripted>>>,
    rate_limit: Mutex<Option<(u32, u32)>>,
}

/// Locks a mutex, ignoring poisoning: a panicking connection thread must not take
/// every later request down with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, state: &Arc<State>, stop: &AtomicBool) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match conn {
            Ok(stream) => {
                let state = Arc::clone(state);
                // One thread per connection: every answer closes the connection.
                let _ = thread::Builder::new()
                    .name("fake-eutils-conn".into())
                    .spawn(move || serve_connection(stream, &state));
            }
            // E.g. too many open files: back off instead of spinning.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// A parsed HTTP request.
struct HttpRequest {
    at: Instant,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

enum RequestError {
    /// The client sent something that is not HTTP/1.x: answer 400.
    Bad(&'static str),
    /// The socket failed or closed: nothing to answer.
    Io,
}

impl From<io::Error> for RequestError {
    fn from(_: io::Error) -> Self {
        RequestError::Io
    }
}

fn serve_connection(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    let response = match read_request(&mut reader, &mut stream) {
        Ok(request) => {
            let recorded = record(request);
            lock(&state.requests).push(recorded.clone());
            answer(state, &recorded)
        }
        Err(RequestError::Bad(why)) => {
            Scripted::status(400, format!("bad request: {why}\n")).header("Content-Type", TEXT_TYPE)
        }
        Err(RequestError::Io) => return,
    };
    let _ = write_response(&mut stream, &response);
}

fn read_request(
    reader: &mut BufReader<TcpStream>,
    stream: &mut TcpStream,
) -> Result<HttpRequest, RequestError> {
    let mut head_bytes = 0;
    let mut read_line = |reader: &mut BufReader<TcpStream>| -> Result<String, RequestError> {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Err(RequestError::Io);
        }
        head_bytes += line.len();
        if head_bytes > MAX_HEAD_BYTES {
            return Err(RequestError::Bad("request head too large"));
        }
        let line = String::from_utf8(line).map_err(|_| RequestError::Bad("head is not UTF-8"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    };

    let request_line = read_line(reader)?;
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(RequestError::Bad("only HTTP/1.x is spoken here"));
    }
    let (method, target) = (method.to_ascii_uppercase(), target.to_string());

    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(RequestError::Bad("malformed header line"));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let at = Instant::now();

    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    if header("Expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = if header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        read_chunked(reader)?
    } else if let Some(length) = header("Content-Length") {
        let length: usize = length
            .parse()
            .map_err(|_| RequestError::Bad("bad Content-Length"))?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    Ok(HttpRequest {
        at,
        method,
        target,
        headers,
        body,
    })
}

/// Reads a `Transfer-Encoding: chunked` body (trailers are read and dropped).
fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, RequestError> {
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(RequestError::Io);
        }
        let size = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size.trim(), 16)
            .map_err(|_| RequestError::Bad("bad chunk size"))?;
        if size == 0 {
            // Trailer section, up to an empty line.
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        reader.read_line(&mut line)?; // the CRLF after the chunk data
    }
}

/// Turns a parsed request into its recorded form: endpoint and decoded parameters.
fn record(request: HttpRequest) -> RecordedRequest {
    // An absolute-form target (`http://host/path`) is reduced to its path.
    let target = match request.target.split_once("://") {
        Some((_, rest)) if !request.target.starts_with('/') => {
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        _ => request.target.as_str(),
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut params = parse_form(query);
    let is_form = request.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("Content-Type")
            && value
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
    });
    if is_form {
        params.extend(parse_form(&String::from_utf8_lossy(&request.body)));
    }
    RecordedRequest {
        at: request.at,
        method: request.method,
        endpoint: endpoint_of(path),
        params,
        path: path.to_string(),
        headers: request.headers,
    }
}

/// `/entrez/eutils/efetch.fcgi` → "efetch"; any other path is kept whole, so a client
/// that builds URLs wrongly (`.../eutils//efetch.fcgi`) gets a 404 rather than luck.
fn endpoint_of(path: &str) -> String {
    path.strip_prefix(EUTILS_PATH)
        .filter(|name| !name.contains('/'))
        .and_then(|name| {
            name.strip_suffix(".fcgi")
                .or_else(|| name.strip_suffix(".cgi"))
        })
        .filter(|stem| !stem.is_empty())
        .unwrap_or(path)
        .to_string()
}

/// Splits `a=1&b=2` into decoded pairs; a key without '=' gets an empty value.
fn parse_form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and '+' (space); malformed escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn write_response(stream: &mut TcpStream, response: &Scripted) -> io::Result<()> {
    let has = |name: &str| {
        response
            .headers
            .iter()
            .any(|(key, _)| key.eq_ignore_ascii_case(name))
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason_phrase(response.status)
    );
    for (name, value) in &response.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if !has("Content-Type") {
        let _ = write!(
            head,
            "Content-Type: {}\r\n",
            sniff_content_type(&response.body)
        );
    }
    if !has("Content-Length") {
        let promised = if response.cut_connection {
            response.body.len() + CUT_SHORTFALL
        } else {
            response.body.len()
        };
        let _ = write!(head, "Content-Length: {promised}\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");

    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    stream.write_all(&bytes)?;
    stream.flush()?;
    if response.cut_connection {
        // Both directions: the client sees end-of-stream before the promised length.
        stream.shutdown(Shutdown::Both)
    } else {
        stream.shutdown(Shutdown::Write)
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        414 => "URI Too Long",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Content-Type for a scripted body that did not set one.
fn sniff_content_type(body: &[u8]) -> &'static str {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)])
        .trim_start()
        .to_ascii_lowercase();
    if start.starts_with('{') || start.starts_with('[') {
        JSON_TYPE
    } else if start.starts_with("<!doctype html") || start.starts_with("<html") {
        HTML_TYPE
    } else if start.starts_with('<') {
        XML_TYPE
    } else {
        TEXT_TYPE
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
    let page: Vec<&str> = hits
        .iter()
        .skip(retstart)
        .take(retmax)
        .map(|e| e.record.pmid.as_str())
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
fn esearch_json(count: usize, retstart: usize, page: &[&str], term: &str) -> Scripted {
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
            [only] => (author.to_lowercase(), only.record.pmid.clone()),
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
// The record index
// ---------------------------------------------------------------------------------------

struct Index {
    entries: Vec<Entry>,
    by_pmid: HashMap<String, usize>,
    /// Every journal key of every record, to tell an unknown journal from a miss.
    journal_keys: HashSet<String>,
}

/// One record, with the search keys precomputed once.
struct Entry {
    /// The `<PubmedArticle>`/`<PubmedBookArticle>` element, byte-for-byte from the file.
    raw: String,
    record: Record,
    pmid_number: u64,
    /// Normalized words of the title, " padded " (see [`word_text`]).
    title: String,
    /// Title and abstract, likewise.
    title_abstract: String,
    /// [`journal_key`]s of the ISO abbreviation and the journal title.
    journals: Vec<String>,
    /// Authors (editors when there are none), in order.
    authors: Vec<AuthorKey>,
    /// `pages` up to the first '-'.
    first_page: Option<String>,
}

struct AuthorKey {
    /// Last name, [`plain`].
    last: String,
    /// Initials, lowercase.
    initials: String,
}

/// One index per fixtures folder for the whole process: building it parses ~10 MB.
fn shared_index(fixtures: &Path) -> Arc<Index> {
    static INDEXES: OnceLock<Mutex<HashMap<PathBuf, Arc<Index>>>> = OnceLock::new();
    let mut indexes = lock(INDEXES.get_or_init(Default::default));
    let key = fixtures
        .canonicalize()
        .unwrap_or_else(|_| fixtures.to_path_buf());
    Arc::clone(
        indexes
            .entry(key)
            .or_insert_with(|| Arc::new(build_index(fixtures))),
    )
}

fn build_index(fixtures: &Path) -> Index {
    let mut files = Vec::new();
    collect_files(&fixtures.join("efetch"), &mut files);
    files.sort();
    // Files that are not UTF-8 text are not efetch answers.
    let texts: Vec<String> = files
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .collect();
    let elements: Vec<&str> = texts
        .iter()
        .flat_map(|text| article_elements(text))
        .collect();

    // Parsing dominates (about 0.5 s for the fixtures in a debug build), so it is spread
    // over the cores; workers take the next element from a shared counter, because the
    // records differ a lot in size, and results are put back in document order.
    let next = AtomicUsize::new(0);
    let mut parsed: Vec<Option<Entry>> = Vec::new();
    parsed.resize_with(elements.len(), || None);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..thread::available_parallelism().map_or(1, usize::from))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(raw) = elements.get(i) else {
                            return done;
                        };
                        done.push((i, parse_entry(raw)));
                    }
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .expect("the PubMed parser panicked on a fixture");
            for (i, entry) in done {
                parsed[i] = entry;
            }
        }
    });

    let mut index = Index {
        entries: Vec::new(),
        by_pmid: HashMap::new(),
        journal_keys: HashSet::new(),
    };
    for entry in parsed.into_iter().flatten() {
        // The first file in sorted path order wins for a PMID found twice.
        if index.by_pmid.contains_key(&entry.record.pmid) {
            continue;
        }
        index.journal_keys.extend(entry.journals.iter().cloned());
        index
            .by_pmid
            .insert(entry.record.pmid.clone(), index.entries.len());
        index.entries.push(entry);
    }
    index
}

/// One article element, parsed alone (wrapped in a set) so each record is paired with
/// its own raw text; None when it does not parse into exactly one record.
fn parse_entry(raw: &str) -> Option<Entry> {
    let wrapped = format!("<PubmedArticleSet>{raw}</PubmedArticleSet>");
    let records = parse_article_set(wrapped.as_bytes()).ok()?;
    let [record] = <[Record; 1]>::try_from(records).ok()?;
    Some(Entry::new(raw.to_string(), record))
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The `<PubmedArticle>` and `<PubmedBookArticle>` elements of a document, as slices of
/// it, in one linear pass (comments are skipped: one fixture has a comment before the set).
fn article_elements(text: &str) -> Vec<&str> {
    const NAMES: [&str; 2] = ["PubmedArticle", "PubmedBookArticle"];
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(offset) = text[pos..].find('<') {
        let start = pos + offset;
        let rest = &text[start..];
        if rest.starts_with("<!--") {
            pos = rest.find("-->").map_or(text.len(), |end| start + end + 3);
            continue;
        }
        // `<PubmedArticle>` or `<PubmedArticle attr=...>`, but not `<PubmedArticleSet>`.
        let name = NAMES.into_iter().find(|name| {
            rest[1..].starts_with(name)
                && rest
                    .as_bytes()
                    .get(1 + name.len())
                    .is_some_and(|&b| b == b'>' || b.is_ascii_whitespace())
        });
        let Some(name) = name else {
            pos = start + 1;
            continue;
        };
        let close = format!("</{name}>");
        let Some(end) = rest.find(&close) else {
            break; // truncated file: nothing more to take
        };
        let end = end + close.len();
        found.push(&rest[..end]);
        pos = start + end;
    }
    found
}

impl Entry {
    fn new(raw: String, record: Record) -> Entry {
        let title = word_text(&record.title);
        let title_abstract = word_text(&format!("{} {}", record.title, record.abstract_text()));
        let journals = [record.iso_abbrev.as_deref(), record.journal.as_deref()]
            .into_iter()
            .flatten()
            .map(journal_key)
            .filter(|key| !key.is_empty())
            .collect();
        let people = if record.authors.is_empty() {
            &record.editors
        } else {
            &record.authors
        };
        let authors = people
            .iter()
            .filter_map(|author| {
                let last = plain(author.last_name.as_deref()?);
                let initials = match &author.initials {
                    Some(initials) => initials.to_lowercase(),
                    // Older records may lack Initials: derive them from the fore name.
                    None => author
                        .fore_name
                        .as_deref()
                        .unwrap_or_default()
                        .split([' ', '-'])
                        .filter_map(|part| part.chars().next())
                        .flat_map(char::to_lowercase)
                        .collect(),
                };
                Some(AuthorKey { last, initials })
            })
            .collect();
        let first_page = record
            .pages
            .as_deref()
            .and_then(|pages| pages.split('-').next())
            .map(str::trim)
            .filter(|page| !page.is_empty())
            .map(str::to_string);
        Entry {
            pmid_number: record.pmid.parse().unwrap_or(0),
            raw,
            record,
            title,
            title_abstract,
            journals,
            authors,
            first_page,
        }
    }
}

/// Lowercases and strips the commonest Latin diacritics (é → e), so `Garcia` finds
/// `García` as PubMed does.
fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|c| match c {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ł' => 'l',
        other => other,
    })
}

/// Folded text with runs of whitespace collapsed to one space (names).
fn plain(text: &str) -> String {
    let folded: String = text.chars().flat_map(fold).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Journal names compare folded and without dots: `Biochim. Biophys. Acta` is
/// `biochim biophys acta`.
fn journal_key(text: &str) -> String {
    plain(&text.replace('.', " "))
}

/// Folded words separated by single spaces, with a space at each end, so that a word
/// or phrase `p` occurs as a whole iff `" p "` is a substring. Punctuation separates
/// words, as in PubMed's tokenizer.
fn word_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars().flat_map(fold) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

// ---------------------------------------------------------------------------------------
// The PubMed query language (the subset claimaudit uses)
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    And,
    Or,
    Not,
}

#[derive(Debug)]
enum Token {
    Open,
    Close,
    Op(Op),
    Term(Term),
}

/// One search term: the words before a `[tag]` (or with no tag at all).
#[derive(Debug)]
struct Term {
    text: String,
    /// Some of the text was in double quotes: `[ti]`/`[tiab]` then match it as a phrase.
    quoted: bool,
    tag: Option<String>,
}

#[derive(Debug)]
enum Query {
    Term(Matcher),
    Binary(Op, Box<Query>, Box<Query>),
}

/// A term, normalized once for matching against every record.
#[derive(Debug)]
enum Matcher {
    Author {
        name: String,
        first_only: bool,
    },
    Years(u16, u16),
    Journal(String),
    /// Padded patterns (see [`word_text`]) that must all occur.
    Words {
        patterns: Vec<String>,
        abstract_too: bool,
    },
    Doi(String),
    Pmcid(String),
    Pmid(String),
    Volume(String),
    FirstPage(String),
    /// Unsupported tag or untagged text.
    Nothing,
}

/// Parses a PubMed query; None when it is malformed (unbalanced parentheses or quotes,
/// a dangling operator, a tag without a term).
fn parse_query(text: &str) -> Option<Query> {
    let tokens = tokenize(text)?;
    let mut pos = 0;
    let query = parse_sequence(&tokens, &mut pos)?;
    (pos == tokens.len()).then_some(query)
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    // The term being read: its words, and whether any were quoted. A term ends at a
    // tag, an operator, a parenthesis or the end of the query.
    let mut words: Vec<String> = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                push_term(&mut tokens, &mut words, &mut quoted, None);
                tokens.push(if c == '(' { Token::Open } else { Token::Close });
            }
            '"' => {
                chars.next();
                words.push(read_until(&mut chars, '"')?);
                quoted = true;
            }
            '[' => {
                chars.next();
                let tag = read_until(&mut chars, ']')?;
                if words.is_empty() {
                    return None;
                }
                push_term(&mut tokens, &mut words, &mut quoted, Some(tag));
            }
            ']' => return None,
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()[]\"".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                // PubMed's Boolean operators are uppercase words.
                let op = match word.as_str() {
                    "AND" => Op::And,
                    "OR" => Op::Or,
                    "NOT" => Op::Not,
                    _ => {
                        words.push(word);
                        continue;
                    }
                };
                push_term(&mut tokens, &mut words, &mut quoted, None);
                tokens.push(Token::Op(op));
            }
        }
    }
    push_term(&mut tokens, &mut words, &mut quoted, None);
    Some(tokens)
}

/// Ends the term being read, if any.
fn push_term(
    tokens: &mut Vec<Token>,
    words: &mut Vec<String>,
    quoted: &mut bool,
    tag: Option<String>,
) {
    if !words.is_empty() {
        tokens.push(Token::Term(Term {
            text: words.join(" "),
            quoted: *quoted,
            tag,
        }));
        words.clear();
    }
    *quoted = false;
}

/// The text up to `end`, consuming `end`; None when `end` never comes.
fn read_until(chars: &mut impl Iterator<Item = char>, end: char) -> Option<String> {
    let mut text = String::new();
    for c in chars.by_ref() {
        if c == end {
            return Some(text);
        }
        text.push(c);
    }
    None
}

/// `operand (op? operand)*`, combined strictly left to right as PubMed does (no
/// precedence: `a OR b AND c` is `(a OR b) AND c`); a missing operator means AND.
fn parse_sequence(tokens: &[Token], pos: &mut usize) -> Option<Query> {
    let mut left = parse_operand(tokens, pos)?;
    loop {
        let op = match tokens.get(*pos) {
            None | Some(Token::Close) => return Some(left),
            Some(Token::Op(op)) => {
                *pos += 1;
                *op
            }
            Some(Token::Open | Token::Term(_)) => Op::And,
        };
        let right = parse_operand(tokens, pos)?;
        left = Query::Binary(op, Box::new(left), Box::new(right));
    }
}

fn parse_operand(tokens: &[Token], pos: &mut usize) -> Option<Query> {
    match tokens.get(*pos)? {
        Token::Term(term) => {
            *pos += 1;
            Some(Query::Term(Matcher::new(term)))
        }
        Token::Open => {
            *pos += 1;
            let inner = parse_sequence(tokens, pos)?;
            match tokens.get(*pos) {
                Some(Token::Close) => {
                    *pos += 1;
                    Some(inner)
                }
                _ => None,
            }
        }
        Token::Close | Token::Op(_) => None,
    }
}

impl Matcher {
    fn new(term: &Term) -> Matcher {
        let Some(tag) = &term.tag else {
            return Matcher::Nothing;
        };
        let text = term.text.trim();
        match tag.trim().to_ascii_lowercase().as_str() {
            "au" | "author" => Matcher::Author {
                name: plain(text),
                first_only: false,
            },
            "1au" | "author - first" => Matcher::Author {
                name: plain(text),
                first_only: true,
            },
            "dp" | "pdat" | "publication date" => {
                let year = |s: &str| s.trim().get(..4).and_then(|y| y.parse::<u16>().ok());
                let (from, to) = text.split_once(':').unwrap_or((text, text));
                match (year(from), year(to)) {
                    (Some(from), Some(to)) => Matcher::Years(from, to),
                    _ => Matcher::Nothing,
                }
            }
            "ta" | "journal" => Matcher::Journal(journal_key(text)),
            tag @ ("ti" | "title" | "tiab" | "title/abstract") => {
                let patterns: Vec<String> = if term.quoted {
                    vec![word_text(text)]
                } else {
                    text.split_whitespace().map(word_text).collect()
                };
                if patterns.iter().any(|p| p.trim().is_empty()) || patterns.is_empty() {
                    return Matcher::Nothing;
                }
                Matcher::Words {
                    patterns,
                    abstract_too: tag.starts_with("tiab") || tag == "title/abstract",
                }
            }
            "aid" | "lid" => Matcher::Doi(text.to_string()),
            "pmcid" => Matcher::Pmcid(text.to_string()),
            "pmid" | "uid" => Matcher::Pmid(text.to_string()),
            "vi" | "volume" => Matcher::Volume(text.to_string()),
            "pg" | "page" => Matcher::FirstPage(text.to_string()),
            _ => Matcher::Nothing,
        }
    }

    fn matches(&self, entry: &Entry) -> bool {
        let record = &entry.record;
        match self {
            Matcher::Author { name, first_only } => {
                let candidates = if *first_only {
                    &entry.authors[..entry.authors.len().min(1)]
                } else {
                    &entry.authors[..]
                };
                candidates.iter().any(|author| author_matches(name, author))
            }
            Matcher::Years(from, to) => record.year.is_some_and(|y| (*from..=*to).contains(&y)),
            Matcher::Journal(key) => entry.journals.contains(key),
            Matcher::Words {
                patterns,
                abstract_too,
            } => {
                let haystack = if *abstract_too {
                    &entry.title_abstract
                } else {
                    &entry.title
                };
                patterns.iter().all(|p| haystack.contains(p.as_str()))
            }
            Matcher::Doi(doi) => record
                .doi
                .as_deref()
                .is_some_and(|d| d.trim().eq_ignore_ascii_case(doi)),
            Matcher::Pmcid(id) => {
                let bare = |s: &str| {
                    s.trim()
                        .to_ascii_lowercase()
                        .trim_start_matches("pmc")
                        .to_string()
                };
                record.pmcid.as_deref().is_some_and(|p| bare(p) == bare(id))
            }
            Matcher::Pmid(id) => record.pmid == *id,
            Matcher::Volume(volume) => record
                .volume
                .as_deref()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(volume)),
            Matcher::FirstPage(page) => entry
                .first_page
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(page)),
            Matcher::Nothing => false,
        }
    }
}

/// `brighton` matches any Brighton; `brighton t` and `brighton ta` match Brighton TA
/// (the query's initials are a prefix of the author's).
fn author_matches(query: &str, author: &AuthorKey) -> bool {
    if query == author.last {
        return true;
    }
    query
        .strip_prefix(author.last.as_str())
        .and_then(|rest| rest.strip_prefix(' '))
        .is_some_and(|initials| {
            !initials.is_empty() && !initials.contains(' ') && author.initials.starts_with(initials)
        })
}

/// One flag per index entry: does it satisfy the query?
fn evaluate(query: &Query, index: &Index) -> Vec<bool> {
    match query {
        Query::Term(matcher) => index.entries.iter().map(|e| matcher.matches(e)).collect(),
        Query::Binary(op, left, right) => {
            let (left, right) = (evaluate(left, index), evaluate(right, index));
            left.into_iter()
                .zip(right)
                .map(|(l, r)| match op {
                    Op::And => l && r,
                    Op::Or => l || r,
                    Op::Not => l && !r,
                })
                .collect()
        }
    }
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
