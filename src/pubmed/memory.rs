//! Records held in memory, as a [`PubmedSource`]: for tests of resolution and verdicts
//! without sockets or pacing, and for callers that already have the records.
//!
//! Searches are evaluated directly on the typed query with PubMed's rules as the tool
//! relies on them: author names compare without case or diacritics and the cited
//! initials may be the start of the listed ones ("Li Y" finds "Li YA"); a journal is its
//! ISO abbreviation or full title, without dots; title and topic words are whole words.
//! Hits come newest year first, then highest PMID, a fixed order (PubMed's relevance
//! order cannot be reproduced).
//!
//! Every question asked is recorded, and failures can be scripted, so tests can check
//! what was asked and how failures are handled.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use crate::ids::Pmid;
use crate::pubmed::record::{Record, TextParts};
use crate::pubmed::source::{
    AuthorName, CitationMatch, CitationMatchQuery, Fetched, FieldQuery, Lookup, PubmedSource,
    SEARCH_LIMIT, SearchHits, SearchQuery, SourceError, Topic, all_failed,
};
use crate::text::{fold, name_key, words};

/// A [`PubmedSource`] over a fixed set of records.
#[derive(Default)]
pub struct MemorySource {
    records: BTreeMap<Pmid, Arc<Record>>,
    asked: Mutex<Vec<Lookup>>,
    failures: Mutex<VecDeque<SourceError>>,
}

impl MemorySource {
    /// A source holding `records`; of two copies of one PMID the newer revision is kept.
    pub fn new(records: impl IntoIterator<Item = Record>) -> Self {
        let mut by_pmid: BTreeMap<Pmid, Arc<Record>> = BTreeMap::new();
        for record in records {
            match by_pmid.get(&record.pmid) {
                Some(kept) if kept.revision() >= record.revision() => {}
                _ => {
                    by_pmid.insert(record.pmid, Arc::new(record));
                }
            }
        }
        MemorySource {
            records: by_pmid,
            ..MemorySource::default()
        }
    }

    /// The next questions (one per error, any kind) fail with these errors.
    pub fn fail_next(&self, errors: impl IntoIterator<Item = SourceError>) {
        lock(&self.failures).extend(errors);
    }

    /// Every question asked so far, in order.
    pub fn asked(&self) -> Vec<Lookup> {
        lock(&self.asked).clone()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Records the question; returns the scripted failure it gets, if any.
    fn ask(&self, lookup: Lookup) -> Option<SourceError> {
        lock(&self.asked).push(lookup);
        lock(&self.failures).pop_front()
    }

    fn find(&self, query: &SearchQuery) -> Vec<&Arc<Record>> {
        let mut hits: Vec<&Arc<Record>> = self
            .records
            .values()
            .filter(|record| matches(query, record))
            .collect();
        hits.sort_by_key(|r| (std::cmp::Reverse(r.year), std::cmp::Reverse(r.pmid)));
        hits
    }
}

impl PubmedSource for MemorySource {
    async fn fetch(&self, pmids: &[Pmid]) -> Fetched {
        if let Some(error) = self.ask(Lookup::Fetch(pmids.to_vec())) {
            return all_failed(pmids, &error);
        }
        pmids
            .iter()
            .map(|pmid| (*pmid, Ok(self.records.get(pmid).cloned())))
            .collect()
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchHits, SourceError> {
        if let Some(error) = self.ask(Lookup::Search(query.clone())) {
            return Err(error);
        }
        let hits = self.find(query);
        Ok(SearchHits {
            count: hits.len() as u64,
            pmids: hits.iter().take(SEARCH_LIMIT).map(|r| r.pmid).collect(),
        })
    }

    async fn match_citations(
        &self,
        queries: &[CitationMatchQuery],
    ) -> Vec<Result<CitationMatch, SourceError>> {
        let mut answers = Vec::with_capacity(queries.len());
        for query in queries {
            if let Some(error) = self.ask(Lookup::Match(query.clone())) {
                answers.push(Err(error));
                continue;
            }
            let found: Vec<&Arc<Record>> = self
                .records
                .values()
                .filter(|r| {
                    journal_is(&query.journal, r)
                        && query.year.is_some_and(|y| r.year == Some(y))
                        && r.volume.as_deref().map(str::trim) == Some(query.volume.trim())
                        && first_page(r) == Some(query.first_page.trim())
                })
                .collect();
            answers.push(Ok(match found.as_slice() {
                [only] => CitationMatch::Found { pmid: only.pmid },
                [] => CitationMatch::NoMatch {
                    detail: "NOT_FOUND".into(),
                },
                _ => CitationMatch::NoMatch {
                    detail: "AMBIGUOUS".into(),
                },
            }));
        }
        answers
    }
}

fn matches(query: &SearchQuery, record: &Record) -> bool {
    match query {
        SearchQuery::Doi { doi } => record.doi.as_ref() == Some(doi),
        SearchQuery::Pmcid { pmcid } => record.pmcid == Some(*pmcid),
        SearchQuery::Fields(fields) => fields_match(fields, record),
    }
}

fn fields_match(query: &FieldQuery, record: &Record) -> bool {
    let people = if record.authors.is_empty() {
        &record.editors
    } else {
        &record.authors
    };
    let names: Vec<(String, String)> = people
        .iter()
        .filter_map(|a| {
            let last = a.last_name.as_deref().or(a.collective_name.as_deref())?;
            let initials = a.initials.clone().unwrap_or_else(|| {
                a.fore_name
                    .as_deref()
                    .unwrap_or_default()
                    .split([' ', '-'])
                    .filter_map(|part| part.chars().next())
                    .collect()
            });
            Some((name_key(last), fold(&initials)))
        })
        .collect();
    let author_ok = |wanted: &AuthorName, candidates: &[(String, String)]| {
        let last = name_key(&wanted.last_name);
        let initials = fold(&wanted.initials).replace(' ', "");
        candidates
            .iter()
            .any(|(l, i)| *l == last && i.replace(' ', "").starts_with(&initials))
    };
    let title_words = words(&record.title);
    let written = record.searchable_text(TextParts::Written);
    query
        .first_author
        .as_ref()
        .is_none_or(|a| author_ok(a, &names[..names.len().min(1)]))
        && query
            .any_author
            .as_ref()
            .is_none_or(|a| author_ok(a, &names))
        && query
            .years
            .is_none_or(|y| record.year.is_some_and(|year| y.contains(year)))
        && query
            .journal
            .as_deref()
            .is_none_or(|j| journal_is(j, record))
        && query
            .title_words
            .iter()
            .all(|w| words(w).iter().all(|w| title_words.contains(w)))
        && query.topic.as_ref().is_none_or(|topic| match topic {
            Topic::All(terms) => terms.iter().all(|t| written.has_phrase(t)),
            Topic::Any(terms) => terms.iter().any(|t| written.has_phrase(t)),
        })
}

/// A journal name compares folded, without dots: `Biochim. Biophys. Acta` is
/// `biochim biophys acta`, matching the ISO abbreviation or the full title.
fn journal_is(cited: &str, record: &Record) -> bool {
    let key = |s: &str| words(&s.replace('.', " ")).join(" ");
    let wanted = key(cited);
    !wanted.is_empty()
        && [record.iso_abbrev.as_deref(), record.journal.as_deref()]
            .into_iter()
            .flatten()
            .any(|name| key(name) == wanted)
}

fn first_page(record: &Record) -> Option<&str> {
    record
        .pages
        .as_deref()
        .and_then(|pages| pages.split('-').next())
        .map(str::trim)
        .filter(|page| !page.is_empty())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubmed::record::Author;
    use crate::pubmed::source::Years;

    fn record(pmid: u32, last: &str, initials: &str, year: u16, journal: &str) -> Record {
        Record {
            title: format!("A study number {pmid} of exosomes in skin"),
            authors: vec![Author {
                last_name: Some(last.into()),
                initials: Some(initials.into()),
                ..Author::default()
            }],
            year: Some(year),
            iso_abbrev: Some(journal.into()),
            ..Record::new(Pmid::new(pmid).unwrap())
        }
    }

    fn fields(query: FieldQuery) -> SearchQuery {
        SearchQuery::Fields(query)
    }

    fn author(last: &str, initials: &str) -> Option<AuthorName> {
        Some(AuthorName {
            last_name: last.into(),
            initials: initials.into(),
        })
    }

    #[tokio::test]
    async fn searches_follow_pubmeds_rules() {
        let source = MemorySource::new([
            record(1, "García", "JA", 2020, "Stem Cells"),
            record(2, "Li", "YA", 2021, "Front. Med."),
            record(3, "Li", "B", 2021, "Front Med"),
        ]);
        let source = &source;
        let hits = |q| async move { source.search(&q).await.unwrap().pmids };
        let garcia = hits(fields(FieldQuery {
            first_author: author("Garcia", "J"),
            ..FieldQuery::default()
        }));
        assert_eq!(garcia.await, [Pmid::new(1).unwrap()]);
        let li_y = hits(fields(FieldQuery {
            first_author: author("Li", "Y"),
            years: Some(Years::exactly(2021)),
            ..FieldQuery::default()
        }));
        assert_eq!(li_y.await, [Pmid::new(2).unwrap()]);
        let journal = hits(fields(FieldQuery {
            journal: Some("Front Med".into()),
            ..FieldQuery::default()
        }));
        assert_eq!(journal.await.len(), 2, "dots do not matter");
        let topic = hits(fields(FieldQuery {
            topic: Some(Topic::All(vec!["exosomes".into(), "skin".into()])),
            years: Some(Years::around(2019)),
            ..FieldQuery::default()
        }));
        assert_eq!(topic.await, [Pmid::new(1).unwrap()]);
        assert_eq!(source.asked().len(), 4);
    }

    #[tokio::test]
    async fn scripted_failures_come_first_and_are_recorded() {
        let source = MemorySource::new([record(1, "An", "Y", 2021, "J")]);
        source.fail_next([SourceError::Offline]);
        let pmid = Pmid::new(1).unwrap();
        let first = source.fetch(&[pmid]).await;
        assert!(matches!(first[&pmid], Err(SourceError::Offline)));
        let second = source.fetch(&[pmid, Pmid::new(2).unwrap()]).await;
        assert!(second[&pmid].as_ref().unwrap().is_some());
        assert!(second[&Pmid::new(2).unwrap()].as_ref().unwrap().is_none());
        assert_eq!(source.asked().len(), 2);
    }
}
