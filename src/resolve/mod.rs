//! Resolution: from each citation to the PubMed record it means, or an honest
//! "ambiguous", "not found" or "not checked".
//!
//! Each citation's strategy is a [`plan::Plan`], computed once. This module drives all
//! plans together so the source is asked as little as the answers allow: every round
//! runs the searches and citation matches the plans need (several searches in flight,
//! all matches in one request); when no plan needs one any more, the records every plan
//! waits for are fetched in one batch. Resolution only builds typed questions; it
//! knows nothing of how a source puts them into words.

mod ladder;
mod outcome;
mod plan;
mod score;

use futures_util::StreamExt;
use futures_util::stream;

#[cfg(test)]
pub(crate) use self::outcome::tests_support;
pub use self::outcome::{
    Candidate, Completeness, Disagreement, Field, Note, Resolution, ResolutionStatus,
};
use self::plan::{Need, Plan};
use crate::citation::CitedAs;
use crate::ids::Pmid;
use crate::progress::Progress;
use crate::pubmed::source::{CitationMatchQuery, PubmedSource, SearchQuery, SourceError};

/// Searches sent at once. The rate limiter still spaces them; having a few in flight
/// keeps the rate limit, rather than the answer time, the bound on speed.
const SEARCHES_IN_FLIGHT: usize = 6;

/// One citation to resolve: as cited, with the claim's English topic words (which
/// narrow searches and are checked on candidates).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitationKey {
    pub cited: CitedAs,
    pub keywords: Vec<String>,
}

/// Resolves one citation.
pub async fn resolve(
    source: &impl PubmedSource,
    cited: &CitedAs,
    keywords: &[String],
) -> Resolution {
    let key = CitationKey {
        cited: cited.clone(),
        keywords: keywords.to_vec(),
    };
    let mut all = resolve_all(
        source,
        std::slice::from_ref(&key),
        &crate::progress::NoProgress,
    )
    .await;
    all.pop().expect("one resolution per citation")
}

/// Resolves every citation, in order, with as few questions to the source as the
/// answers allow. `progress` advances as citations are settled.
pub async fn resolve_all(
    source: &impl PubmedSource,
    citations: &[CitationKey],
    progress: &dyn Progress,
) -> Vec<Resolution> {
    let mut plans: Vec<Plan> = citations
        .iter()
        .map(|c| Plan::new(&c.cited, &c.keywords))
        .collect();
    progress.start(plans.len());
    let mut settled = plans.iter().filter(|p| p.is_done()).count();
    progress.advance(settled);
    loop {
        let mut searches: Vec<(usize, SearchQuery)> = Vec::new();
        let mut matches: Vec<(usize, CitationMatchQuery)> = Vec::new();
        let mut fetches: Vec<usize> = Vec::new();
        for (i, plan) in plans.iter().enumerate() {
            match plan.need() {
                Need::Search(query) => searches.push((i, query.clone())),
                Need::Match(query) => matches.push((i, query.clone())),
                Need::Fetch(_) => fetches.push(i),
                Need::Nothing => {}
            }
        }
        if searches.is_empty() && matches.is_empty() {
            if fetches.is_empty() {
                break;
            }
            // Every plan now waits on records: one batch for all of them.
            let mut pmids: Vec<Pmid> = fetches
                .iter()
                .flat_map(|&i| match plans[i].need() {
                    Need::Fetch(pmids) => pmids.to_vec(),
                    _ => Vec::new(),
                })
                .collect();
            pmids.sort_unstable();
            pmids.dedup();
            let fetched = source.fetch(&pmids).await;
            for i in fetches {
                plans[i].on_fetched(&fetched);
            }
        } else {
            let (queries, owners): (Vec<CitationMatchQuery>, Vec<usize>) =
                matches.into_iter().map(|(i, q)| (q, i)).unzip();
            let matching = async {
                if queries.is_empty() {
                    Vec::new()
                } else {
                    source.match_citations(&queries).await
                }
            };
            let searching = stream::iter(searches)
                .map(|(i, query)| async move { (i, source.search(&query).await) })
                .buffer_unordered(SEARCHES_IN_FLIGHT)
                .collect::<Vec<_>>();
            let (matched, searched) = futures_util::future::join(matching, searching).await;
            // A source owes one answer per query; a missing one is a failure to check.
            let mut matched = matched.into_iter();
            for i in owners {
                plans[i].on_matched(matched.next().unwrap_or(Err(SourceError::NoAnswer)));
            }
            for (i, answer) in searched {
                plans[i].on_searched(answer);
            }
        }
        let now_settled = plans.iter().filter(|p| p.is_done()).count();
        progress.advance(now_settled - settled);
        settled = now_settled;
    }
    progress.finish();
    plans.into_iter().map(Plan::finish).collect()
}
