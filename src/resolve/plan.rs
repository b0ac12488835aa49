//! The strategy for one citation, written once, as a small state machine.
//!
//! A [`Plan`] says what it needs next (records, a search, a citation match); the driver
//! in `resolve` gathers the needs of every citation, asks the source in batches, and
//! hands each plan its answers. Cheapest first:
//! 1. a PMID is fetched; a DOI or PMCID is searched, then its record fetched; the record
//!    must carry the identifier, and an author or year given with it is checked;
//! 2. journal + volume + first page go to citation matching, whose answer counts only
//!    when author and year agree too (it keys on the first three alone);
//! 3. anything else walks the search ladder until a step finds a plausible record; every
//!    record found is scored against the citation. Nothing is called resolved without
//!    that check. A step on the reference's own fields comes before the same step
//!    narrowed by the claim's topic words, which is asked only when the reference alone
//!    matches more records than one search returns: a record the reference cannot tell
//!    apart without the topic is then only probable.

use std::collections::VecDeque;

use super::ladder::{citation_match, identifier_searches, search_ladder};
use super::outcome::{Completeness, Field, Note, Resolution, ResolutionStatus};
use super::score::{disagreements, score};
use crate::citation::{Citation, CitedAs};
use crate::ids::Pmid;
use crate::pubmed::record::Record;
use crate::pubmed::source::{
    CitationMatch, CitationMatchQuery, Fetched, FieldQuery, Lookup, SearchHits, SearchQuery,
    SourceError,
};

use std::sync::Arc;

/// A candidate must score at least this to be called resolved...
const RESOLVED_SCORE: f64 = 0.75;
/// ...and beat the runner-up by this much; otherwise the citation is ambiguous.
const CLEAR_LEAD: f64 = 0.15;
/// Below this a candidate is not plausible at all.
const PLAUSIBLE_SCORE: f64 = 0.45;
/// Candidates listed in an ambiguous or not-found outcome.
const LISTED_CANDIDATES: usize = 5;

/// What a plan waits for.
pub(super) enum Need<'a> {
    Fetch(&'a [Pmid]),
    Search(&'a SearchQuery),
    Match(&'a CitationMatchQuery),
    Nothing,
}

enum Stage {
    /// DOI, then PMCID searches still to try.
    IdentifierSearch(VecDeque<SearchQuery>),
    IdentifierFetch(Vec<Pmid>),
    Match(CitationMatchQuery),
    MatchFetch(Vec<Pmid>),
    Ladder(VecDeque<SearchQuery>),
    /// Records a ladder step found, the steps still to try if none is plausible, and
    /// whether the step was narrowed by the claim's topic words.
    LadderFetch {
        pmids: Vec<Pmid>,
        rest: VecDeque<SearchQuery>,
        by_topic: bool,
    },
    Done,
}

pub(super) struct Plan {
    resolution: Resolution,
    keywords: Vec<String>,
    stage: Stage,
    /// How many records the reference's own fields matched, when a search said.
    matching: Option<u64>,
    /// The first records of a search on the reference's own fields that matched too
    /// many to list: judged only if no narrower step finds anything.
    broad: Option<Vec<Pmid>>,
}

impl Plan {
    pub(super) fn new(cited: &CitedAs, keywords: &[String]) -> Self {
        let citation = cited.read();
        let unsearchable = citation.unsearchable();
        let stage = if let Some(pmid) = citation.pmid {
            Stage::IdentifierFetch(vec![pmid])
        } else if citation.has_identifier() {
            Stage::IdentifierSearch(identifier_searches(&citation).into())
        } else if unsearchable.is_some() {
            // Nothing to ask: said so, never sent as an empty or half-of-PubMed search.
            Stage::Done
        } else if let Some(query) = citation_match(&citation) {
            Stage::Match(query)
        } else {
            Stage::Ladder(search_ladder(&citation, keywords).into())
        };
        let mut plan = Plan {
            resolution: Resolution::new(citation),
            keywords: keywords.to_vec(),
            stage,
            matching: None,
            broad: None,
        };
        if let Some(why) = unsearchable {
            plan.resolution.notes.push(Note::Unsearchable(why));
        }
        plan.settle();
        plan
    }

    pub(super) fn need(&self) -> Need<'_> {
        match &self.stage {
            Stage::IdentifierSearch(queries) | Stage::Ladder(queries) => {
                queries.front().map_or(Need::Nothing, Need::Search)
            }
            Stage::Match(query) => Need::Match(query),
            Stage::IdentifierFetch(pmids)
            | Stage::MatchFetch(pmids)
            | Stage::LadderFetch { pmids, .. } => Need::Fetch(pmids),
            Stage::Done => Need::Nothing,
        }
    }

    pub(super) fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done)
    }

    pub(super) fn finish(self) -> Resolution {
        self.resolution
    }

    fn citation(&self) -> &Citation {
        &self.resolution.citation
    }

    fn fail(&mut self, error: SourceError) {
        self.resolution.status = ResolutionStatus::NotChecked;
        self.resolution.failure = Some(error);
        self.stage = Stage::Done;
    }

    /// Moves past stages that need nothing more (an empty search list, an empty fetch).
    fn settle(&mut self) {
        loop {
            match &mut self.stage {
                Stage::IdentifierSearch(queries) if queries.is_empty() => {
                    self.stage = Stage::IdentifierFetch(Vec::new());
                }
                Stage::IdentifierFetch(pmids) if pmids.is_empty() => {
                    self.decide_identifier(Vec::new());
                }
                Stage::Ladder(queries) if queries.is_empty() => self.ladder_exhausted(),
                Stage::LadderFetch { pmids, .. } if pmids.is_empty() => {
                    self.choose(Vec::new());
                }
                _ => return,
            }
        }
    }

    pub(super) fn on_searched(&mut self, answer: Result<SearchHits, SourceError>) {
        let (Stage::IdentifierSearch(queries) | Stage::Ladder(queries)) = &mut self.stage else {
            return;
        };
        let Some(query) = queries.pop_front() else {
            return;
        };
        let on_ladder = matches!(self.stage, Stage::Ladder(_));
        self.resolution.lookups.push(Lookup::Search(query.clone()));
        let hits = match answer {
            Err(error) => return self.fail(error),
            Ok(hits) => hits,
        };
        if !on_ladder {
            if !hits.pmids.is_empty() {
                self.stage = Stage::IdentifierFetch(hits.pmids);
            }
            return self.settle();
        }
        let Stage::Ladder(queries) = &mut self.stage else {
            return;
        };
        let by_topic = has_topic(&query);
        if !by_topic {
            // How many records the reference's own fields match.
            if !hits.pmids.is_empty() {
                self.matching = Some(hits.count);
            }
            let truncated = hits.count > hits.pmids.len() as u64;
            if truncated && queries.front().is_some_and(|next| narrows(next, &query)) {
                // Too many to list: the topic words narrow them next. Should nothing
                // come of that, these first records are judged after all.
                self.broad.get_or_insert(hits.pmids);
                return self.settle();
            }
            // Nothing here, or everything listed: the same step narrowed by topic
            // can find nothing more.
            queries.retain(|next| !narrows(next, &query));
        }
        if !hits.pmids.is_empty() {
            let rest = std::mem::take(queries);
            self.stage = Stage::LadderFetch {
                pmids: hits.pmids,
                rest,
                by_topic,
            };
        }
        self.settle();
    }

    pub(super) fn on_matched(&mut self, answer: Result<CitationMatch, SourceError>) {
        let Stage::Match(query) = &self.stage else {
            return;
        };
        self.resolution.lookups.push(Lookup::Match(query.clone()));
        match answer {
            Err(error) => self.fail(error),
            Ok(CitationMatch::Found { pmid }) => self.stage = Stage::MatchFetch(vec![pmid]),
            Ok(CitationMatch::NoMatch { .. }) => self.start_ladder(),
        }
        self.settle();
    }

    pub(super) fn on_fetched(&mut self, fetched: &Fetched) {
        let (Stage::IdentifierFetch(pmids)
        | Stage::MatchFetch(pmids)
        | Stage::LadderFetch { pmids, .. }) = &self.stage
        else {
            return;
        };
        let pmids = pmids.clone();
        self.resolution.lookups.push(Lookup::Fetch(pmids.clone()));
        // Unknown PMIDs drop out; the search's order is kept.
        let mut records: Vec<Arc<Record>> = Vec::new();
        for pmid in &pmids {
            match fetched.get(pmid) {
                Some(Ok(Some(record))) => records.push(record.clone()),
                Some(Ok(None)) => {}
                Some(Err(error)) => return self.fail(error.clone()),
                // A source owes an answer for every PMID asked: silence is not "no such
                // record".
                None => return self.fail(SourceError::NoAnswer),
            }
        }
        match self.stage {
            Stage::IdentifierFetch(_) => self.decide_identifier(records),
            Stage::MatchFetch(_) => self.check_match(records),
            _ => self.choose(records),
        }
        self.settle();
    }

    fn start_ladder(&mut self) {
        self.stage = Stage::Ladder(search_ladder(self.citation(), &self.keywords).into());
    }

    /// Every step asked and none found a plausible record: judge the records of a step
    /// that matched too many to list, if one did, else nothing was found.
    fn ladder_exhausted(&mut self) {
        match self.broad.take() {
            Some(pmids) => {
                self.stage = Stage::LadderFetch {
                    pmids,
                    rest: VecDeque::new(),
                    by_topic: false,
                };
            }
            None => self.choose(Vec::new()),
        }
    }

    /// Citation matching keys on journal, volume and page only: a typo there lands on
    /// another paper, so its author and year must agree too.
    fn check_match(&mut self, records: Vec<Arc<Record>>) {
        match records.into_iter().next() {
            Some(record) => {
                let disagree = disagreements(self.citation(), &record);
                if disagree.is_empty() {
                    self.choose(vec![record]);
                } else {
                    self.resolution.notes.push(Note::MatchRejected {
                        pmid: record.pmid,
                        disagreements: disagree,
                    });
                    self.start_ladder();
                }
            }
            None => self.start_ladder(),
        }
    }

    /// A record found by identifier must carry that identifier; an author or year given
    /// beside it is checked, and a disagreement noted.
    fn decide_identifier(&mut self, records: Vec<Arc<Record>>) {
        self.stage = Stage::Done;
        let citation = &self.resolution.citation;
        let carries = |record: &Record| {
            citation.pmid.is_none_or(|p| p == record.pmid)
                && citation
                    .doi
                    .as_ref()
                    .is_none_or(|d| record.doi.as_ref() == Some(d))
                && citation.pmcid.is_none_or(|p| record.pmcid == Some(p))
        };
        let (matching, others): (Vec<Arc<Record>>, Vec<Arc<Record>>) =
            records.into_iter().partition(|r| carries(r));
        for other in &others {
            self.resolution
                .notes
                .push(Note::IdentifierNotCarried { pmid: other.pmid });
        }
        let Some(record) = matching.into_iter().next() else {
            let identifiers = [
                citation.pmid.map(|p| format!("PMID {p}")),
                citation.doi.as_ref().map(|d| format!("DOI {d}")),
                citation.pmcid.map(|p| format!("PMCID {p}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            self.resolution.notes.push(Note::NoRecord { identifiers });
            self.resolution.status = ResolutionStatus::NotFound;
            return;
        };
        let scored = score(citation, &record, &self.keywords);
        let score = if citation.has_bibliographic_fields() {
            scored.score
        } else {
            1.0
        };
        let found = disagreements(citation, &record);
        let resolution = &mut self.resolution;
        resolution
            .notes
            .extend(found.into_iter().map(Note::Disagreement));
        resolution.status = ResolutionStatus::Resolved;
        resolution.pmid = Some(record.pmid);
        resolution.score = Some(score);
        resolution.matched = std::iter::once(Field::Identifier)
            .chain(scored.matched)
            .collect();
        resolution.record = Some(record);
    }

    /// Picks the record a free-text citation means, or says why it cannot. A record the
    /// reference alone cannot single out (an incomplete reference, or one told apart only
    /// by the claim's topic words) is only probable.
    fn choose(&mut self, records: Vec<Arc<Record>>) {
        let (rest, by_topic) = match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::LadderFetch { rest, by_topic, .. } => (rest, by_topic),
            _ => (VecDeque::new(), false),
        };
        let citation = &self.resolution.citation;
        let mut scored: Vec<_> = records
            .into_iter()
            .map(|record| (score(citation, &record, &self.keywords), record))
            .collect();
        let plausible = scored.iter().any(|(c, _)| c.score >= PLAUSIBLE_SCORE);
        if !plausible && !rest.is_empty() {
            // Records by the same author in that year, but none this one: go on down
            // the ladder (a year off, the author anywhere in the list...).
            self.stage = Stage::Ladder(rest);
            return;
        }
        if !plausible && self.broad.is_some() {
            return self.ladder_exhausted();
        }
        // Told apart only thanks to the topic words: the reference alone matched more
        // records than a search lists, or the topic decided among those it did.
        let without_topic = !by_topic
            && stands_out(
                scored
                    .iter()
                    .map(|(_, record)| score(citation, record, &[]).score)
                    .collect(),
            );
        scored.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
        let best = scored.first().map_or(0.0, |(c, _)| c.score);
        let runner_up = scored.get(1).map_or(0.0, |(c, _)| c.score);
        let incomplete = self.resolution.completeness == Completeness::Incomplete;
        if incomplete {
            self.resolution.notes.push(Note::Incomplete {
                matching: self.matching,
            });
        }
        let resolution = &mut self.resolution;
        resolution.candidates = scored
            .iter()
            .take(LISTED_CANDIDATES)
            .map(|(candidate, _)| candidate.clone())
            .collect();
        if best >= RESOLVED_SCORE && best - runner_up >= CLEAR_LEAD {
            let (candidate, record) = scored.swap_remove(0);
            let found = disagreements(&resolution.citation, &record);
            resolution.status = if incomplete {
                ResolutionStatus::Probable
            } else if !without_topic {
                resolution.notes.push(Note::FoundByTopic);
                ResolutionStatus::Probable
            } else {
                ResolutionStatus::Resolved
            };
            resolution.pmid = Some(candidate.pmid);
            resolution.score = Some(candidate.score);
            resolution.matched = candidate.matched.clone();
            resolution
                .notes
                .extend(found.into_iter().map(Note::Disagreement));
            resolution.record = Some(record);
            resolution.candidates.truncate(1);
        } else if best >= PLAUSIBLE_SCORE {
            resolution.status = ResolutionStatus::Ambiguous;
            resolution.candidates.retain(|c| c.score >= PLAUSIBLE_SCORE);
        } else {
            resolution.status = ResolutionStatus::NotFound;
        }
    }
}

/// Whether the best of these scores would be resolved on its own: high enough, and
/// clearly ahead of the next.
fn stands_out(mut scores: Vec<f64>) -> bool {
    scores.sort_by(|a, b| b.total_cmp(a));
    let best = scores.first().copied().unwrap_or(0.0);
    let runner_up = scores.get(1).copied().unwrap_or(0.0);
    best >= RESOLVED_SCORE && best - runner_up >= CLEAR_LEAD
}

/// Whether a search is narrowed by the claim's topic words.
fn has_topic(query: &SearchQuery) -> bool {
    matches!(
        query,
        SearchQuery::Fields(FieldQuery { topic: Some(_), .. })
    )
}

/// Whether `query` is `base` narrowed by the claim's topic words.
fn narrows(query: &SearchQuery, base: &SearchQuery) -> bool {
    match (query, base) {
        (SearchQuery::Fields(narrow), SearchQuery::Fields(base)) => {
            narrow.topic.is_some()
                && base.topic.is_none()
                && FieldQuery {
                    topic: None,
                    ..narrow.clone()
                } == *base
        }
        _ => false,
    }
}
