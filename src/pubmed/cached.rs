//! The cache in front of any [`PubmedSource`].
//!
//! Every question is answered from, in order:
//! 1. this run's memory: nothing is asked twice in one run, and a question already in
//!    flight is waited for ([`InFlight`]);
//! 2. the on-disk cache, while fresh enough (any age offline; only what was fetched
//!    during this run with `--refresh`);
//! 3. the source behind it, after locking the entry against other runs on the same
//!    cache and reading the cache once more (another run may just have fetched it).
//!
//! Only real answers are written to the cache; a failure is kept for this run only and
//! reported as "could not check", never as "not found". Once the source proves
//! unreachable, later questions fail at once with the same error (the breaker) instead
//! of each waiting through its own retries. Cache files are read and written off the
//! async thread, so lookups in flight never wait on the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ids::Pmid;
use crate::pubmed::cache::{Cache, CacheError, EntryLocks, LookupKind, Origin};
use crate::pubmed::inflight::{Claim, InFlight, Leader, wait};
use crate::pubmed::provenance::{Confirmation, NetworkUse, Provenance};
use crate::pubmed::record::Record;
use crate::pubmed::source::{
    CitationMatch, CitationMatchQuery, Fetched, PubmedSource, SearchHits, SearchQuery, SourceError,
};

/// How old a cached answer may be.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// The cache is all there is: any cached answer counts, whatever its age, and no
    /// entry is locked (so a read-only checkout works).
    pub offline: bool,
    /// Ask again for everything not fetched during this run (picks up retractions).
    pub refresh: bool,
    /// Searches, citation matches and "no such PMID" answers older than this are asked
    /// again.
    pub lookup_max_age: Duration,
    /// Records older than this are fetched again, to pick up retractions and corrections.
    pub record_max_age: Duration,
}

type RecordAnswer = Result<Option<Arc<Record>>, SourceError>;

/// The answer "no such record", as stored in a `no-record` entry.
const NO_RECORD: &str = "no record";

/// A [`PubmedSource`] answering from memory and the on-disk cache before asking `S`.
pub struct CachedSource<S> {
    inner: S,
    cache: Cache,
    settings: CacheSettings,
    started: SystemTime,
    records: InFlight<Pmid, RecordAnswer>,
    searches: InFlight<SearchQuery, Result<SearchHits, SourceError>>,
    matches: InFlight<CitationMatchQuery, Result<CitationMatch, SourceError>>,
    unreachable: Mutex<Option<SourceError>>,
    notices: Mutex<BTreeSet<String>>,
    /// When each record handed out was last confirmed by PubMed.
    confirmed: Mutex<BTreeMap<Pmid, Confirmation>>,
    /// Whether a question put to the source behind the cache failed this run.
    source_failed: AtomicBool,
}

/// What the cache holds for one question.
enum Cached<A> {
    Fresh(A),
    /// Absent, too old, or corrupt (noted): ask the source.
    Missing,
    Failed(CacheError),
}

impl<S: PubmedSource> CachedSource<S> {
    pub fn new(inner: S, cache: Cache, settings: CacheSettings) -> Self {
        CachedSource {
            inner,
            cache,
            settings,
            started: SystemTime::now(),
            records: InFlight::new(),
            searches: InFlight::new(),
            matches: InFlight::new(),
            unreachable: Mutex::new(None),
            notices: Mutex::new(BTreeSet::new()),
            confirmed: Mutex::new(BTreeMap::new()),
            source_failed: AtomicBool::new(false),
        }
    }

    /// How old cached answers may be, as this source was built.
    pub fn settings(&self) -> &CacheSettings {
        &self.settings
    }

    /// The source behind the cache.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Problems met with the cache this run (corrupt entries, each named once); those
    /// entries were not trusted.
    pub fn notices(&self) -> Vec<String> {
        lock(&self.notices).iter().cloned().collect()
    }

    fn fresh(&self, fetched: SystemTime, max_age: Duration) -> bool {
        if self.settings.offline {
            return true;
        }
        if self.settings.refresh {
            return fetched >= self.started;
        }
        SystemTime::now()
            .duration_since(fetched)
            .is_ok_and(|age| age <= max_age)
    }

    fn note(&self, error: &CacheError) {
        lock(&self.notices).insert(error.to_string());
    }

    fn confirm(&self, pmid: Pmid, at: SystemTime, origin: Origin) {
        lock(&self.confirmed).insert(pmid, Confirmation { at, origin });
    }

    /// The error every question gets once the source proved unreachable.
    fn tripped(&self) -> Option<SourceError> {
        lock(&self.unreachable).clone()
    }

    fn remember_failure(&self, error: &SourceError) {
        self.source_failed.store(true, Ordering::Relaxed);
        if matches!(error, SourceError::Unreachable(_)) {
            lock(&self.unreachable).get_or_insert_with(|| error.clone());
        }
    }

    /// Runs `work` on the cache off the async thread.
    async fn on_disk<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Cache) -> T + Send + 'static,
    ) -> T {
        let cache = self.cache.clone();
        match tokio::task::spawn_blocking(move || work(&cache)).await {
            Ok(value) => value,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }

    /// Locks entries against other runs before asking the source; nothing to lock
    /// offline, where nothing is asked.
    async fn lock_entries(
        &self,
        lock: impl FnOnce(&Cache) -> Result<EntryLocks, CacheError> + Send + 'static,
    ) -> Result<Option<EntryLocks>, CacheError> {
        if self.settings.offline {
            return Ok(None);
        }
        self.on_disk(lock).await.map(Some)
    }

    // ---- records --------------------------------------------------------------------

    async fn read_records(&self, pmids: Vec<Pmid>) -> Vec<(Pmid, Cached<Option<Arc<Record>>>)> {
        let settings = (self.settings.record_max_age, self.settings.lookup_max_age);
        let entries = self
            .on_disk(move |cache| {
                pmids
                    .into_iter()
                    .map(|pmid| (pmid, cache.get(pmid), read_no_record(cache, pmid)))
                    .collect::<Vec<_>>()
            })
            .await;
        entries
            .into_iter()
            .map(|(pmid, record, no_record)| {
                let cached = match record {
                    Ok(Some(entry)) => match humantime::parse_rfc3339(&entry.fetched_at) {
                        Ok(at) if self.fresh(at, settings.0) => {
                            self.confirm(pmid, at, entry.source);
                            Cached::Fresh(Some(Arc::new(entry.record)))
                        }
                        _ => Cached::Missing,
                    },
                    Ok(None) => Cached::Missing,
                    Err(error @ CacheError::Corrupt { .. }) => {
                        self.note(&error);
                        Cached::Missing
                    }
                    Err(error) => Cached::Failed(error),
                };
                let cached = match (cached, no_record) {
                    (Cached::Missing, Ok(Some(at))) if self.fresh(at, settings.1) => {
                        Cached::Fresh(None)
                    }
                    (Cached::Missing, Err(error @ CacheError::Corrupt { .. })) => {
                        self.note(&error);
                        Cached::Missing
                    }
                    (Cached::Missing, Err(error)) => Cached::Failed(error),
                    (cached, _) => cached,
                };
                (pmid, cached)
            })
            .collect()
    }

    /// Answers the records this caller leads on: cache, then (locked) cache again,
    /// then the source in one batch.
    async fn lead_records(&self, leaders: Vec<Leader<'_, Pmid, RecordAnswer>>) {
        let mut pending = self.settle_from_cache(leaders).await;
        if pending.is_empty() {
            return;
        }
        if let Some(error) = self.tripped() {
            publish_all(pending, &error);
            return;
        }
        let pmids: Vec<Pmid> = pending.iter().map(|l| *l.key()).collect();
        let locks = match self.lock_entries(move |c| c.lock_records(&pmids)).await {
            Ok(locks) => locks,
            Err(error) => {
                self.source_failed.store(true, Ordering::Relaxed);
                return publish_all(pending, &error.into());
            }
        };
        if locks.is_some() {
            pending = self.settle_from_cache(pending).await;
        }
        let pmids: Vec<Pmid> = pending.iter().map(|l| *l.key()).collect();
        if pmids.is_empty() {
            return;
        }
        let mut fetched = self.inner.fetch(&pmids).await;
        let now = SystemTime::now();
        let to_store: Vec<(Pmid, Option<Arc<Record>>)> = pmids
            .iter()
            .filter_map(|pmid| match fetched.get(pmid) {
                Some(Ok(answer)) => Some((*pmid, answer.clone())),
                _ => None,
            })
            .collect();
        for (pmid, answer) in &to_store {
            if answer.is_some() {
                self.confirm(*pmid, now, Origin::Fetched);
            }
        }
        let stored: BTreeMap<Pmid, Result<(), CacheError>> = self
            .on_disk(move |cache| {
                to_store
                    .into_iter()
                    .map(|(pmid, answer)| {
                        let written = match answer {
                            Some(record) => cache.put(&record, Origin::Fetched, now).map(|_| ()),
                            None => cache.put_lookup(LookupKind::NoRecord, &pmid, &NO_RECORD, now),
                        };
                        (pmid, written)
                    })
                    .collect()
            })
            .await;
        drop(locks);
        let mut stored = stored;
        for leader in pending {
            let pmid = *leader.key();
            let answer = match fetched.remove(&pmid) {
                Some(Ok(answer)) => match stored.remove(&pmid) {
                    Some(Err(error)) => Err(error.into()),
                    _ => Ok(answer),
                },
                Some(Err(error)) => {
                    self.remember_failure(&error);
                    Err(error)
                }
                // A source must answer every PMID; one that does not has not checked it.
                None => Err(SourceError::NoAnswer),
            };
            leader.publish(answer);
        }
    }

    /// Publishes what the cache can answer; returns the leaders still unanswered.
    async fn settle_from_cache<'a>(
        &self,
        leaders: Vec<Leader<'a, Pmid, RecordAnswer>>,
    ) -> Vec<Leader<'a, Pmid, RecordAnswer>> {
        let pmids: Vec<Pmid> = leaders.iter().map(|l| *l.key()).collect();
        let cached = self.read_records(pmids).await;
        let mut pending = Vec::new();
        for (leader, (_, cached)) in leaders.into_iter().zip(cached) {
            match cached {
                Cached::Fresh(answer) => leader.publish(Ok(answer)),
                Cached::Failed(error) => leader.publish(Err(error.into())),
                Cached::Missing => pending.push(leader),
            }
        }
        pending
    }

    // ---- searches and citation matches ---------------------------------------------

    /// Answers lookups of one kind this caller leads on, asking the source for all the
    /// missing ones in one call to `ask`.
    async fn lead_lookups<Q, A, Fut>(
        &self,
        kind: LookupKind,
        leaders: Vec<Leader<'_, Q, Result<A, SourceError>>>,
        ask: impl FnOnce(Vec<Q>) -> Fut,
    ) where
        Q: Serialize + DeserializeOwned + PartialEq + Eq + std::hash::Hash + Clone + Send + 'static,
        A: Serialize + DeserializeOwned + Clone + Send + 'static,
        Fut: Future<Output = Vec<Result<A, SourceError>>>,
    {
        let mut pending = self.settle_lookups(kind, leaders).await;
        if pending.is_empty() {
            return;
        }
        if let Some(error) = self.tripped() {
            publish_all(pending, &error);
            return;
        }
        let queries: Vec<Q> = pending.iter().map(|l| l.key().clone()).collect();
        let locks = match self
            .lock_entries(move |cache| cache.lock_lookups(kind, &queries))
            .await
        {
            Ok(locks) => locks,
            Err(error) => {
                self.source_failed.store(true, Ordering::Relaxed);
                return publish_all(pending, &error.into());
            }
        };
        if locks.is_some() {
            pending = self.settle_lookups(kind, pending).await;
        }
        if pending.is_empty() {
            return;
        }
        let queries: Vec<Q> = pending.iter().map(|l| l.key().clone()).collect();
        let answers = ask(queries.clone()).await;
        let now = SystemTime::now();
        let to_store: Vec<(Q, A)> = queries
            .iter()
            .zip(&answers)
            .filter_map(|(q, a)| a.as_ref().ok().map(|a| (q.clone(), a.clone())))
            .collect();
        let mut stored: Vec<Result<(), CacheError>> = self
            .on_disk(move |cache| {
                to_store
                    .iter()
                    .map(|(query, answer)| cache.put_lookup(kind, query, answer, now))
                    .collect::<Vec<_>>()
            })
            .await
            .into_iter()
            .rev()
            .collect();
        drop(locks);
        let mut answers = answers.into_iter();
        for leader in pending {
            let answer = match answers.next() {
                Some(Ok(answer)) => match stored.pop() {
                    Some(Err(error)) => Err(error.into()),
                    _ => Ok(answer),
                },
                Some(Err(error)) => {
                    self.remember_failure(&error);
                    Err(error)
                }
                None => Err(SourceError::NoAnswer),
            };
            leader.publish(answer);
        }
    }

    async fn settle_lookups<'a, Q, A>(
        &self,
        kind: LookupKind,
        leaders: Vec<Leader<'a, Q, Result<A, SourceError>>>,
    ) -> Vec<Leader<'a, Q, Result<A, SourceError>>>
    where
        Q: Serialize + DeserializeOwned + PartialEq + Eq + std::hash::Hash + Clone + Send + 'static,
        A: DeserializeOwned + Clone + Send + 'static,
    {
        let queries: Vec<Q> = leaders.iter().map(|l| l.key().clone()).collect();
        let read = self
            .on_disk(move |cache| {
                queries
                    .iter()
                    .map(|q| cache.get_lookup::<Q, A>(kind, q))
                    .collect::<Vec<_>>()
            })
            .await;
        let mut pending = Vec::new();
        for (leader, entry) in leaders.into_iter().zip(read) {
            match entry {
                Ok(Some((answer, at))) if self.fresh(at, self.settings.lookup_max_age) => {
                    leader.publish(Ok(answer));
                }
                Ok(_) => pending.push(leader),
                Err(error @ CacheError::Corrupt { .. }) => {
                    self.note(&error);
                    pending.push(leader);
                }
                Err(error) => leader.publish(Err(error.into())),
            }
        }
        pending
    }
}

impl<S: PubmedSource> PubmedSource for CachedSource<S> {
    fn provenance(&self) -> Provenance {
        let network = if self.settings.offline {
            NetworkUse::Offline
        } else if self.source_failed.load(Ordering::Relaxed) {
            NetworkUse::Mixed
        } else {
            NetworkUse::Online
        };
        Provenance {
            network,
            confirmed: lock(&self.confirmed).clone(),
        }
    }

    async fn fetch(&self, pmids: &[Pmid]) -> Fetched {
        let mut unique = pmids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut answers = Fetched::new();
        let mut leaders = Vec::new();
        let mut waiting = Vec::new();
        for pmid in unique {
            match self.records.claim(&pmid) {
                Claim::Done(answer) => {
                    answers.insert(pmid, answer);
                }
                Claim::Wait(receiver) => waiting.push((pmid, receiver)),
                Claim::Lead(leader) => leaders.push(leader),
            }
        }
        let led: Vec<Pmid> = leaders.iter().map(|l| *l.key()).collect();
        if !leaders.is_empty() {
            self.lead_records(leaders).await;
        }
        for pmid in led {
            if let Claim::Done(answer) = self.records.claim(&pmid) {
                answers.insert(pmid, answer);
            }
        }
        for (pmid, receiver) in waiting {
            let answer = match wait(receiver).await {
                Some(answer) => answer,
                // The leader gave up: answer it ourselves.
                None => {
                    self.records
                        .get_or_answer(&pmid, || async {
                            let mut one = self.inner.fetch(&[pmid]).await;
                            one.remove(&pmid)
                                .unwrap_or_else(|| Err(SourceError::NoAnswer))
                        })
                        .await
                }
            };
            answers.insert(pmid, answer);
        }
        for pmid in pmids {
            answers
                .entry(*pmid)
                .or_insert_with(|| Err(SourceError::NoAnswer));
        }
        answers
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits, SourceError> {
        loop {
            match self.searches.claim(query) {
                Claim::Done(answer) => return answer,
                Claim::Wait(receiver) => {
                    if let Some(answer) = wait(receiver).await {
                        return answer;
                    }
                }
                Claim::Lead(leader) => {
                    self.lead_lookups(LookupKind::Search, vec![leader], |qs| async move {
                        let mut answers = Vec::with_capacity(qs.len());
                        for q in &qs {
                            answers.push(self.inner.search(q).await);
                        }
                        answers
                    })
                    .await;
                }
            }
        }
    }

    async fn match_citations(
        &self,
        queries: &[CitationMatchQuery],
    ) -> Vec<Result<CitationMatch, SourceError>> {
        let mut leaders = Vec::new();
        for query in queries {
            if let Claim::Lead(leader) = self.matches.claim(query) {
                leaders.push(leader);
            }
        }
        if !leaders.is_empty() {
            self.lead_lookups(LookupKind::CitationMatch, leaders, |qs| async move {
                self.inner.match_citations(&qs).await
            })
            .await;
        }
        let mut answers = Vec::with_capacity(queries.len());
        for query in queries {
            loop {
                match self.matches.claim(query) {
                    Claim::Done(answer) => {
                        answers.push(answer);
                        break;
                    }
                    Claim::Wait(receiver) => {
                        if let Some(answer) = wait(receiver).await {
                            answers.push(answer);
                            break;
                        }
                    }
                    Claim::Lead(leader) => {
                        self.lead_lookups(
                            LookupKind::CitationMatch,
                            vec![leader],
                            |qs| async move { self.inner.match_citations(&qs).await },
                        )
                        .await;
                    }
                }
            }
        }
        answers
    }
}

/// The cached "no such record" answer for `pmid` with its time, if any.
fn read_no_record(cache: &Cache, pmid: Pmid) -> Result<Option<SystemTime>, CacheError> {
    cache
        .get_lookup::<Pmid, String>(LookupKind::NoRecord, &pmid)
        .map(|entry| entry.map(|(_, at)| at))
}

fn publish_all<K, A>(leaders: Vec<Leader<'_, K, Result<A, SourceError>>>, error: &SourceError)
where
    K: Eq + std::hash::Hash + Clone,
    A: Clone,
{
    for leader in leaders {
        leader.publish(Err(error.clone()));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
