//! Lookups: the cache in front of the E-utilities client.
//!
//! Every question (records by PMID, a search term, a citation match) is answered from,
//! in order: this run's memory (so nothing is asked twice in one run), the cache (unless
//! `--refresh`, and while fresh enough), then NCBI (unless `--offline`). Only real answers
//! are written to the cache; a failure is remembered for this run only, and reported as
//! "could not check", never as "not found".

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use thiserror::Error;
use tokio::sync::Mutex;

use crate::cache::{Cache, CacheError, LookupKind};
use crate::eutils::ecitmatch::{CitMatchAnswer, CitMatchQuery};
use crate::eutils::esearch::SearchResult;
use crate::eutils::{EutilsClient, EutilsError};
use crate::record::Record;

/// How many ids a search asks for: enough candidates to rank, few enough to fetch.
pub const SEARCH_RETMAX: u32 = 20;

#[derive(Debug, Clone)]
pub struct LookupSettings {
    /// Use the cache only; anything missing is "not checked".
    pub offline: bool,
    /// Ask NCBI again even when the cache has an answer.
    pub refresh: bool,
    /// Searches, citation matches and "no such PMID" answers older than this are asked again.
    pub search_max_age: Duration,
    /// Records older than this are fetched again to pick up retractions and corrections.
    pub record_max_age: Duration,
}

/// Why a lookup could not be answered. Clone so one failure can be shared by every
/// question that depended on it.
#[derive(Debug, Clone, Error)]
pub enum LookupError {
    #[error(
        "not in the cache, and this run does not ask NCBI (--offline, or no NCBI_EMAIL for check)"
    )]
    Offline,
    #[error(transparent)]
    Eutils(#[from] EutilsError),
    #[error(transparent)]
    Cache(Arc<CacheError>),
}

impl From<CacheError> for LookupError {
    fn from(error: CacheError) -> Self {
        LookupError::Cache(Arc::new(error))
    }
}

/// What PubMed holds for one PMID.
pub type RecordLookup = Result<Option<Record>, LookupError>;

#[derive(Default)]
struct Memory {
    records: HashMap<String, RecordLookup>,
    searches: HashMap<String, Result<SearchResult, LookupError>>,
    citmatches: HashMap<CitMatchQuery, Result<CitMatchAnswer, LookupError>>,
    /// Cache entries found corrupt this run (reported once, then refetched).
    warnings: Vec<String>,
    /// Set once NCBI could not be reached at all (after retries): later questions fail
    /// at once with the same reason instead of each waiting through its own retries.
    unreachable: Option<LookupError>,
}

pub struct Lookups {
    cache: Cache,
    client: Option<EutilsClient>,
    settings: LookupSettings,
    /// One lock for the run's memory: requests are paced one at a time anyway, and
    /// holding it across a request is what makes concurrent askers share one answer.
    memory: Mutex<Memory>,
}

impl Lookups {
    /// `client` may be `None` only when `settings.offline` is set.
    pub fn new(cache: Cache, client: Option<EutilsClient>, settings: LookupSettings) -> Self {
        Lookups {
            cache,
            client,
            settings,
            memory: Mutex::new(Memory::default()),
        }
    }

    pub fn requests_sent(&self) -> u64 {
        self.client.as_ref().map_or(0, EutilsClient::requests_sent)
    }

    /// Problems met with the cache (corrupt entries), each once.
    pub async fn warnings(&self) -> Vec<String> {
        self.memory.lock().await.warnings.clone()
    }

    fn fresh(&self, fetched: SystemTime, max_age: Duration) -> bool {
        // Offline, an old answer is still the best there is.
        self.settings.offline
            || SystemTime::now()
                .duration_since(fetched)
                .is_ok_and(|age| age <= max_age)
    }

    fn client(&self, memory: &Memory) -> Result<&EutilsClient, LookupError> {
        if let Some(error) = &memory.unreachable {
            return Err(error.clone());
        }
        match (&self.client, self.settings.offline) {
            (Some(client), false) => Ok(client),
            _ => Err(LookupError::Offline),
        }
    }

    /// Asks NCBI through `call`, unless this run may not (`--offline`) or NCBI already
    /// proved unreachable; a new "unreachable" is remembered for the rest of the run.
    async fn ask<'c, T, F, Fut>(&'c self, memory: &mut Memory, call: F) -> Result<T, LookupError>
    where
        F: FnOnce(&'c EutilsClient) -> Fut,
        Fut: Future<Output = Result<T, EutilsError>>,
    {
        let client = self.client(memory)?;
        call(client).await.map_err(|error| {
            let error = LookupError::from(error);
            if matches!(error, LookupError::Eutils(EutilsError::Unreachable { .. })) {
                memory.unreachable = Some(error.clone());
            }
            error
        })
    }

    /// Records for `pmids` (deduplicated), fetching the missing ones in batches.
    pub async fn records(&self, pmids: &[String]) -> BTreeMap<String, RecordLookup> {
        let mut memory = self.memory.lock().await;
        let mut to_fetch = Vec::new();
        for pmid in pmids {
            if memory.records.contains_key(pmid) || to_fetch.contains(pmid) {
                continue;
            }
            match self.cached_record(pmid, &mut memory.warnings) {
                Some(answer) => {
                    memory.records.insert(pmid.clone(), answer);
                }
                None => to_fetch.push(pmid.clone()),
            }
        }
        if !to_fetch.is_empty() {
            let fetched = self
                .ask(&mut memory, |client| client.efetch(&to_fetch))
                .await;
            let now = SystemTime::now();
            match fetched {
                Ok(records) => {
                    let mut by_pmid: HashMap<String, Record> =
                        records.into_iter().map(|r| (r.pmid.clone(), r)).collect();
                    for pmid in to_fetch {
                        let answer = match by_pmid.remove(&pmid) {
                            Some(record) => self
                                .cache
                                .put(&record, "efetch", now, true)
                                .map(|_| Some(record))
                                .map_err(LookupError::from),
                            None => self
                                .cache
                                .put_lookup(LookupKind::Absent, &pmid, &"no record", now)
                                .map(|()| None)
                                .map_err(LookupError::from),
                        };
                        memory.records.insert(pmid, answer);
                    }
                }
                Err(error) => {
                    for pmid in to_fetch {
                        memory.records.insert(pmid, Err(error.clone()));
                    }
                }
            }
        }
        pmids
            .iter()
            .map(|p| (p.clone(), memory.records[p].clone()))
            .collect()
    }

    /// The cache's answer for one PMID, `None` when NCBI must be asked.
    fn cached_record(&self, pmid: &str, warnings: &mut Vec<String>) -> Option<RecordLookup> {
        if self.settings.refresh && !self.settings.offline {
            return None;
        }
        match self.cache.get(pmid) {
            Ok(Some(entry)) => {
                let fetched = humantime::parse_rfc3339(&entry.fetched_at).ok()?;
                if self.fresh(fetched, self.settings.record_max_age) {
                    return Some(Ok(Some(entry.record)));
                }
            }
            Ok(None) => {}
            Err(error @ CacheError::Corrupt { .. }) => warnings.push(error.to_string()),
            Err(error) => return Some(Err(error.into())),
        }
        match self
            .cache
            .get_lookup::<String, String>(LookupKind::Absent, &pmid.to_owned())
        {
            Ok(Some((_, checked))) if self.fresh(checked, self.settings.search_max_age) => {
                Some(Ok(None))
            }
            Ok(_) => None,
            Err(error @ CacheError::Corrupt { .. }) => {
                warnings.push(error.to_string());
                None
            }
            Err(error) => Some(Err(error.into())),
        }
    }

    /// An esearch, from memory, cache or NCBI.
    pub async fn search(&self, term: &str) -> Result<SearchResult, LookupError> {
        let mut memory = self.memory.lock().await;
        if let Some(answer) = memory.searches.get(term) {
            return answer.clone();
        }
        let term_owned = term.to_owned();
        let cached = self.cached_lookup(LookupKind::Esearch, &term_owned, &mut memory.warnings);
        let answer = match cached {
            Some(answer) => answer,
            None => self
                .ask(&mut memory, |client| client.esearch(term, SEARCH_RETMAX))
                .await
                .and_then(|result| {
                    self.cache
                        .put_lookup(LookupKind::Esearch, &term_owned, &result, SystemTime::now())
                        .map(|()| result)
                        .map_err(LookupError::from)
                }),
        };
        memory.searches.insert(term_owned, answer.clone());
        answer
    }

    /// An ECitMatch query, from memory, cache or NCBI.
    pub async fn citmatch(&self, query: &CitMatchQuery) -> Result<CitMatchAnswer, LookupError> {
        let mut answers = self.citmatches(std::slice::from_ref(query)).await;
        answers.remove(query).expect("every query gets an answer")
    }

    /// ECitMatch answers for many queries; the ones not known yet go to NCBI in one
    /// request.
    pub async fn citmatches(
        &self,
        queries: &[CitMatchQuery],
    ) -> HashMap<CitMatchQuery, Result<CitMatchAnswer, LookupError>> {
        let mut memory = self.memory.lock().await;
        let mut to_ask: Vec<CitMatchQuery> = Vec::new();
        for query in queries {
            if memory.citmatches.contains_key(query) || to_ask.contains(query) {
                continue;
            }
            match self.cached_lookup(LookupKind::Ecitmatch, query, &mut memory.warnings) {
                Some(answer) => {
                    memory.citmatches.insert(query.clone(), answer);
                }
                None => to_ask.push(query.clone()),
            }
        }
        if !to_ask.is_empty() {
            let asked = self
                .ask(&mut memory, |client| client.ecitmatch(&to_ask))
                .await;
            let now = SystemTime::now();
            match asked {
                Ok(answers) => {
                    for (query, answer) in to_ask.into_iter().zip(answers) {
                        let stored = self
                            .cache
                            .put_lookup(LookupKind::Ecitmatch, &query, &answer, now)
                            .map(|()| answer)
                            .map_err(LookupError::from);
                        memory.citmatches.insert(query, stored);
                    }
                }
                Err(error) => {
                    for query in to_ask {
                        memory.citmatches.insert(query, Err(error.clone()));
                    }
                }
            }
        }
        queries
            .iter()
            .map(|q| (q.clone(), memory.citmatches[q].clone()))
            .collect()
    }

    /// A fresh cached answer to a lookup, `None` when NCBI must be asked.
    fn cached_lookup<Q, A>(
        &self,
        kind: LookupKind,
        query: &Q,
        warnings: &mut Vec<String>,
    ) -> Option<Result<A, LookupError>>
    where
        Q: serde::Serialize + serde::de::DeserializeOwned + PartialEq,
        A: serde::de::DeserializeOwned,
    {
        if self.settings.refresh && !self.settings.offline {
            return None;
        }
        match self.cache.get_lookup::<Q, A>(kind, query) {
            Ok(Some((answer, fetched))) if self.fresh(fetched, self.settings.search_max_age) => {
                Some(Ok(answer))
            }
            Ok(_) => None,
            Err(error @ CacheError::Corrupt { .. }) => {
                warnings.push(error.to_string());
                None
            }
            Err(error) => Some(Err(error.into())),
        }
    }
}
