//! The NCBI E-utilities client: esearch, efetch and ecitmatch over HTTP, paced by a rate
//! limiter shared with every other claimaudit process on the same cache directory,
//! retried with backoff, and checked so that nothing but a real answer gets through.
//!
//! Every request carries `tool` and `email` (and `api_key` when set). The key is sent
//! but never shown: errors are built without URLs, and the key's `Debug` is redacted.
//! Credentials in the base URL are sent too, and shown as `***` (see [`base_url`]).
//!
//! Time is bounded twice: each attempt by the request timeout, and the whole run by a
//! watch (module `watch`) on how long NCBI has sent nothing back, after which every
//! request still waiting or still to come fails at once as unreachable.

pub mod base_url;
pub mod ecitmatch;
pub mod esearch;
pub mod rate_limit;
pub mod term;
mod watch;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use thiserror::Error;

pub use self::base_url::{BaseUrl, BaseUrlError};
use self::ecitmatch::{MatchAnswerError, bdata_line, parse_ecitmatch};
use self::esearch::{SearchAnswerError, parse_esearch};
use self::rate_limit::RateLimiter;
use self::watch::{GivenUp, HostWatch, Outstanding};
use crate::ids::Pmid;
use crate::pubmed::record::Record;
use crate::pubmed::source::{
    CitationMatch, CitationMatchQuery, Fetched, PubmedSource, SEARCH_LIMIT, SearchHits,
    SearchQuery, SourceError, all_failed,
};
use crate::pubmed::xml::{ParseError, parse_article_set};

/// NCBI's public E-utilities.
pub const DEFAULT_BASE_URL: &str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/";
/// NCBI's limits: requests per second without and with an API key.
pub const MAX_RATE_WITHOUT_KEY: f64 = 3.0;
pub const MAX_RATE_WITH_KEY: f64 = 10.0;
/// Ids per efetch request, and the point above which the ids go in a POST body
/// because NCBI refuses long URLs.
pub const EFETCH_BATCH: usize = 400;
pub const POST_ABOVE_IDS: usize = 200;
/// Longest wait between two attempts, whatever the backoff or Retry-After say.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The wait after a 429 that names none.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// Lowest pace a client may be configured to (one request every 100 s).
pub const MIN_RATE: f64 = 0.01;
/// The connect timeout is the request timeout, but never more than this: a host that
/// does not accept a connection in 10 s is not going to.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Characters of an error page quoted in a message.
const ERROR_EXCERPT_CHARS: usize = 200;
/// How long a run waits on an NCBI that sends nothing back at all, across every request
/// and retry, before it stops asking: long enough for a slow answer to start, short enough
/// that an unreachable NCBI costs seconds, not minutes.
pub const DEFAULT_NETWORK_TIMEOUT: Duration = Duration::from_secs(20);

/// An NCBI API key. Its `Debug` and `Display` never show the key.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// `None` for an empty value, so `NCBI_API_KEY=` means "no key".
    pub fn new(key: &str) -> Option<Self> {
        let key = key.trim();
        (!key.is_empty()).then(|| ApiKey(key.to_owned()))
    }
}

impl ApiKey {
    /// `body` with every copy of the key replaced, since a server may echo the key back
    /// (NCBI's answer to a bad key quotes it) and whatever it says can end up in a report.
    fn scrub<'b>(&self, body: &'b [u8]) -> std::borrow::Cow<'b, [u8]> {
        let key = self.0.as_bytes();
        if !body.windows(key.len()).any(|w| w == key) {
            return body.into();
        }
        let mut clean = Vec::with_capacity(body.len());
        let mut rest = body;
        while let Some(at) = rest.windows(key.len()).position(|w| w == key) {
            clean.extend_from_slice(&rest[..at]);
            clean.extend_from_slice(b"<api key>");
            rest = &rest[at + key.len()..];
        }
        clean.extend_from_slice(rest);
        clean.into()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[derive(Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. [`DEFAULT_BASE_URL`]; checked by [`BaseUrl::parse`] when the
    /// client is made. May carry credentials, which are sent and never shown.
    pub base_url: String,
    pub tool: String,
    pub email: String,
    pub api_key: Option<ApiKey>,
    pub requests_per_second: f64,
    /// Limit for one whole request (connect, send, read the answer).
    pub timeout: Duration,
    /// Attempts after the first one for retryable failures.
    pub max_retries: u32,
    /// First backoff step; doubled each retry, plus random jitter of up to one step.
    pub backoff: Duration,
    /// How long the whole run goes on while NCBI sends nothing back (module `watch`):
    /// [`DEFAULT_NETWORK_TIMEOUT`] unless told otherwise.
    pub network_timeout: Duration,
}

/// Like a derived `Debug`, but the base URL without credentials (the key redacts itself).
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &base_url::redact_text(&self.base_url))
            .field("tool", &self.tool)
            .field("email", &self.email)
            .field("api_key", &self.api_key)
            .field("requests_per_second", &self.requests_per_second)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("network_timeout", &self.network_timeout)
            .finish()
    }
}

impl ClientConfig {
    /// The highest rate NCBI allows for this configuration.
    pub fn rate_ceiling(&self) -> f64 {
        if self.api_key.is_some() {
            MAX_RATE_WITH_KEY
        } else {
            MAX_RATE_WITHOUT_KEY
        }
    }
}

/// What was wrong with an answer that arrived whole but could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BadAnswer {
    #[error("an HTML page instead of data")]
    Html,
    #[error(transparent)]
    Records(#[from] ParseError),
    #[error(transparent)]
    Search(#[from] SearchAnswerError),
    #[error(transparent)]
    CitationMatch(#[from] MatchAnswerError),
}

/// Why a request failed for good (after any retries).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EutilsError {
    #[error(
        "NCBI rate limit exceeded (HTTP 429) on all {attempts} attempts; set NCBI_API_KEY or lower --rate"
    )]
    RateLimited { attempts: u32 },
    #[error(
        "NCBI answered HTTP {status} on all {attempts} attempts; the service may be down, try again later"
    )]
    ServerError { status: u16, attempts: u32 },
    #[error("NCBI refused the {endpoint} request with HTTP {status}: {detail}")]
    Rejected {
        endpoint: String,
        status: u16,
        detail: String,
    },
    #[error(
        "could not reach {endpoint} after {attempts} attempt{}: {detail}",
        if *attempts == 1 { "" } else { "s" }
    )]
    Unreachable {
        endpoint: String,
        attempts: u32,
        detail: String,
    },
    #[error("NCBI sent an unusable {endpoint} answer on all {attempts} attempts: {detail}")]
    BadAnswer {
        endpoint: String,
        attempts: u32,
        detail: BadAnswer,
    },
    /// Not sent: nothing searchable was left of the query.
    #[error("not sent: nothing is left to search once the query's words are made safe")]
    EmptySearch,
    /// Not sent: NCBI was given up on earlier in this run, for `reason`.
    #[error("not sent: NCBI was given up on earlier in this run: {reason}")]
    GaveUp { reason: String },
    #[error("the E-utilities base URL is not usable: {0}")]
    BaseUrl(#[from] BaseUrlError),
    #[error("cannot set up the HTTP client or request pacing: {0}")]
    Setup(String),
}

pub struct EutilsClient {
    http: reqwest::Client,
    config: ClientConfig,
    base: BaseUrl,
    limiter: RateLimiter,
    watch: HostWatch,
    requests_sent: AtomicU64,
}

/// What one attempt came to, before deciding whether to retry.
enum Attempt<T> {
    Done(T),
    Retry {
        error: EutilsError,
        wait_at_least: Duration,
    },
    Fail(EutilsError),
}

impl EutilsClient {
    /// A client whose pacing is shared through `cache_dir`.
    pub fn new(mut config: ClientConfig, cache_dir: &Path) -> Result<Self, EutilsError> {
        let base = BaseUrl::parse(&config.base_url)?;
        config.requests_per_second = config
            .requests_per_second
            .clamp(MIN_RATE, config.rate_ceiling());
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            .user_agent(concat!("claimaudit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| EutilsError::Setup(e.without_url().to_string()))?;
        let limiter = RateLimiter::new(cache_dir, config.requests_per_second)
            .map_err(|e| EutilsError::Setup(format!("{}: {e}", cache_dir.display())))?;
        let watch = HostWatch::new(config.network_timeout);
        Ok(EutilsClient {
            http,
            config,
            base,
            limiter,
            watch,
            requests_sent: AtomicU64::new(0),
        })
    }

    /// The base URL as it may be shown (credentials replaced by `***`), e.g. in a
    /// report's record of where answers came from.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.requests_sent.load(Ordering::Relaxed)
    }

    /// Searches PubMed, most relevant first, returning at most `retmax` PMIDs.
    pub async fn esearch(&self, term: &str, retmax: usize) -> Result<SearchHits, EutilsError> {
        let params = vec![
            ("db", "pubmed".to_owned()),
            ("term", term.to_owned()),
            ("retmax", retmax.to_string()),
            ("sort", "relevance".to_owned()),
            ("retmode", "xml".to_owned()),
        ];
        self.call("esearch.fcgi", params, false, |body| {
            parse_esearch(body).map_err(BadAnswer::from)
        })
        .await
    }

    /// Fetches full records, in batches; ids NCBI does not know are simply absent from
    /// the result (the caller compares).
    pub async fn efetch(&self, ids: &[Pmid]) -> Result<Vec<Record>, EutilsError> {
        let mut records = Vec::with_capacity(ids.len());
        for batch in ids.chunks(EFETCH_BATCH) {
            let id_list: Vec<String> = batch.iter().map(ToString::to_string).collect();
            let params = vec![
                ("db", "pubmed".to_owned()),
                ("id", id_list.join(",")),
                ("retmode", "xml".to_owned()),
            ];
            let post = batch.len() > POST_ABOVE_IDS;
            let validate = |body: &[u8]| parse_article_set(body).map_err(BadAnswer::from);
            records.extend(self.call("efetch.fcgi", params, post, validate).await?);
        }
        Ok(records)
    }

    /// Matches citations by journal, year, volume and first page; one answer per query.
    pub async fn ecitmatch(
        &self,
        queries: &[CitationMatchQuery],
    ) -> Result<Vec<CitationMatch>, EutilsError> {
        let bdata: Vec<String> = queries
            .iter()
            .enumerate()
            .map(|(key, q)| bdata_line(q, &key.to_string()))
            .collect();
        let params = vec![
            ("db", "pubmed".to_owned()),
            ("retmode", "xml".to_owned()),
            ("bdata", bdata.join("\r")),
        ];
        let count = queries.len();
        self.call("ecitmatch.cgi", params, false, |body| {
            parse_ecitmatch(body, count).map_err(BadAnswer::from)
        })
        .await
    }

    /// Sends one logical request, retrying what is worth retrying.
    async fn call<T>(
        &self,
        endpoint: &str,
        mut params: Vec<(&'static str, String)>,
        post: bool,
        validate: impl Fn(&[u8]) -> Result<T, BadAnswer>,
    ) -> Result<T, EutilsError> {
        params.push(("tool", self.config.tool.clone()));
        params.push(("email", self.config.email.clone()));
        if let Some(ApiKey(key)) = &self.config.api_key {
            params.push(("api_key", key.clone()));
        }
        let url = self.base.endpoint(endpoint);
        let attempts = self.config.max_retries + 1;
        let mut attempt = 1;
        loop {
            self.still_asking()?;
            self.limiter
                .acquire()
                .await
                .map_err(|e| EutilsError::Setup(format!("request pacing: {e}")))?;
            self.still_asking()?;
            self.requests_sent.fetch_add(1, Ordering::Relaxed);
            let request = if post {
                self.http.post(&url).form(&params)
            } else {
                self.http.get(&url).query(&params)
            };
            let mut outstanding = self.watch.begin();
            let outcome = self
                .watch
                .watch(self.attempt(endpoint, request, &validate, attempt, &mut outstanding))
                .await
                .unwrap_or_else(|why| Attempt::Fail(self.abandoned(endpoint, attempt, why)));
            drop(outstanding);
            match outcome {
                Attempt::Done(value) => return Ok(value),
                Attempt::Fail(error) => return Err(self.settle_failure(error)),
                Attempt::Retry {
                    error,
                    wait_at_least,
                } => {
                    if attempt >= attempts {
                        return Err(self.settle_failure(error));
                    }
                    let wait = self.backoff(attempt).max(wait_at_least).min(MAX_BACKOFF);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// `Err` once NCBI has been given up on for this run: the request is not sent.
    fn still_asking(&self) -> Result<(), EutilsError> {
        match self.watch.given_up() {
            Some(why) => Err(EutilsError::GaveUp {
                reason: why.to_string(),
            }),
            None => Ok(()),
        }
    }

    /// Why an attempt was abandoned while waiting: NCBI fell silent for the whole limit
    /// (this request could not reach it), or another request gave NCBI up.
    fn abandoned(&self, endpoint: &str, attempt: u32, why: GivenUp) -> EutilsError {
        match why {
            GivenUp::Silent(_) => EutilsError::Unreachable {
                endpoint: self.shown_url(endpoint),
                attempts: attempt,
                detail: why.to_string(),
            },
            GivenUp::Unreachable(_) => EutilsError::GaveUp {
                reason: why.to_string(),
            },
        }
    }

    /// A request that failed for good without reaching NCBI gives it up for the run.
    fn settle_failure(&self, error: EutilsError) -> EutilsError {
        if let EutilsError::Unreachable { .. } = &error {
            self.watch.give_up(GivenUp::Unreachable(error.to_string()));
        }
        error
    }

    /// `endpoint`'s URL as it may be shown.
    fn shown_url(&self, endpoint: &str) -> String {
        format!("{}{endpoint}", self.base.redacted())
    }

    async fn attempt<T>(
        &self,
        endpoint: &str,
        request: reqwest::RequestBuilder,
        validate: &impl Fn(&[u8]) -> Result<T, BadAnswer>,
        attempt: u32,
        outstanding: &mut Outstanding<'_>,
    ) -> Attempt<T> {
        let unreachable = |e: reqwest::Error| Attempt::Retry {
            error: EutilsError::Unreachable {
                endpoint: self.shown_url(endpoint),
                attempts: attempt,
                detail: describe(e),
            },
            wait_at_least: Duration::ZERO,
        };
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return unreachable(e),
        };
        self.watch.heard();
        let status = response.status();
        let headers = response.headers().clone();
        if header_number(&headers, "x-ratelimit-remaining") == Some(0) {
            // NCBI says this second's budget is spent: every process waits it out.
            let _ = self
                .limiter
                .hold_off_until(SystemTime::now() + Duration::from_secs(1))
                .await;
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            // Whatever the body says, NCBI is there; the status decides what to do.
            outstanding.answered();
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = header_number(&headers, "retry-after").map(Duration::from_secs);
            let wait = retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
            let _ = self.limiter.hold_off_until(SystemTime::now() + wait).await;
            return Attempt::Retry {
                error: EutilsError::RateLimited { attempts: attempt },
                wait_at_least: wait,
            };
        }
        if status.is_server_error() {
            return Attempt::Retry {
                error: EutilsError::ServerError {
                    status: status.as_u16(),
                    attempts: attempt,
                },
                wait_at_least: Duration::ZERO,
            };
        }
        // Read piece by piece: each piece tells the watch NCBI is still sending.
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(piece)) => {
                    self.watch.heard();
                    body.extend_from_slice(&piece);
                }
                Ok(None) => break,
                Err(e) => return unreachable(e),
            }
        }
        outstanding.answered();
        let body = match &self.config.api_key {
            Some(key) => key.scrub(&body),
            None => body[..].into(),
        };
        if !status.is_success() {
            return Attempt::Fail(EutilsError::Rejected {
                endpoint: endpoint.to_owned(),
                status: status.as_u16(),
                detail: short_text(&body),
            });
        }
        let is_html = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("text/html"));
        let checked = if is_html {
            Err(BadAnswer::Html)
        } else {
            validate(&body)
        };
        match checked {
            Ok(value) => Attempt::Done(value),
            Err(detail) => Attempt::Retry {
                error: EutilsError::BadAnswer {
                    endpoint: endpoint.to_owned(),
                    attempts: attempt,
                    detail,
                },
                wait_at_least: Duration::ZERO,
            },
        }
    }

    /// Exponential backoff with jitter: step · 2^(attempt-1) + up to one step.
    fn backoff(&self, attempt: u32) -> Duration {
        let step = self.config.backoff;
        let exponential = step.saturating_mul(1u32 << (attempt - 1).min(16));
        let jitter = step.mul_f64(fastrand::f64());
        exponential + jitter
    }
}

fn header_number(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// A transport error in words, without the URL (which carries the API key).
fn describe(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    let error = error.without_url();
    let mut detail = format!("{kind}: {error}");
    // The causes (hyper, io) say what actually went wrong; they hold no URL.
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        detail.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    detail
}

/// The first line of a small error body, tags stripped.
fn short_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut line = words.join(" ");
    if line.len() > ERROR_EXCERPT_CHARS {
        let cut = (0..=ERROR_EXCERPT_CHARS)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        line.truncate(cut);
        line.push('…');
    }
    if line.is_empty() {
        "(empty body)".to_owned()
    } else {
        line
    }
}

impl From<EutilsError> for SourceError {
    fn from(error: EutilsError) -> Self {
        match error {
            EutilsError::Unreachable { .. } | EutilsError::GaveUp { .. } => {
                SourceError::Unreachable(Arc::new(error))
            }
            other => SourceError::Failed(Arc::new(other)),
        }
    }
}

/// NCBI's E-utilities as a [`PubmedSource`]: PMIDs by efetch, searches by esearch (the
/// term written by [`term::term`]), citation matches by ECitMatch.
impl PubmedSource for EutilsClient {
    async fn fetch(&self, pmids: &[Pmid]) -> Fetched {
        match self.efetch(pmids).await {
            Ok(records) => {
                let mut by_pmid: HashMap<Pmid, Record> =
                    records.into_iter().map(|r| (r.pmid, r)).collect();
                pmids
                    .iter()
                    .map(|pmid| (*pmid, Ok(by_pmid.remove(pmid).map(Arc::new))))
                    .collect()
            }
            Err(error) => all_failed(pmids, &error.into()),
        }
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits, SourceError> {
        let term = term::term(query);
        if term.trim().is_empty() {
            // Everything in the query was made inert: NCBI would refuse an empty term
            // (and be asked again on every retry).
            return Err(SourceError::Failed(Arc::new(EutilsError::EmptySearch)));
        }
        self.esearch(&term, SEARCH_LIMIT)
            .await
            .map_err(SourceError::from)
    }

    async fn match_citations(
        &self,
        queries: &[CitationMatchQuery],
    ) -> Vec<Result<CitationMatch, SourceError>> {
        match self.ecitmatch(queries).await {
            Ok(answers) => answers.into_iter().map(Ok).collect(),
            Err(error) => {
                let error = SourceError::from(error);
                queries.iter().map(|_| Err(error.clone())).collect()
            }
        }
    }
}
