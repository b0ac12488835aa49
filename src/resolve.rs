//! Resolution: from a citation to the PubMed record it means, or an honest "ambiguous",
//! "not found" or "not checked". Cheapest first: identifiers are looked up directly;
//! journal + volume + first page go to ECitMatch; anything else is searched with field
//! tags, narrow first, widening step by step. Every candidate is scored against what
//! the citation says, and nothing is called resolved without that check.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::citation::{Citation, parse_citation};
use crate::eutils::ecitmatch::{CitMatchAnswer, CitMatchQuery};
use crate::lookup::{LookupError, Lookups};
use crate::record::Record;

/// A candidate must score at least this to be called resolved...
const RESOLVED_SCORE: f64 = 0.75;
/// ...and beat the runner-up by this much; otherwise the citation is ambiguous.
const CLEAR_LEAD: f64 = 0.15;
/// Below this a candidate is not plausible at all.
const PLAUSIBLE_SCORE: f64 = 0.45;
/// Candidates listed in an ambiguous or not-found outcome.
const LISTED_CANDIDATES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Resolved,
    Ambiguous,
    NotFound,
    NotChecked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Resolved => "resolved",
            Status::Ambiguous => "ambiguous",
            Status::NotFound => "not-found",
            Status::NotChecked => "not-checked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub pmid: String,
    pub title: String,
    pub year: Option<u16>,
    pub journal: Option<String>,
    pub score: f64,
    #[serde(skip)]
    pub matched: Vec<&'static str>,
}

/// The outcome for one citation.
#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    pub input: String,
    pub status: Status,
    pub pmid: Option<String>,
    pub score: Option<f64>,
    /// Citation fields the chosen record agrees with.
    pub matched: Vec<&'static str>,
    /// Disagreements between the citation and the chosen record, and cache problems.
    pub warnings: Vec<String>,
    pub candidates: Vec<Candidate>,
    /// Every lookup made for this citation, in order, as sent to NCBI (or found cached).
    pub queries: Vec<String>,
    /// Why the citation could not be checked (network, offline cache miss).
    pub reason: Option<String>,
    #[serde(skip)]
    pub citation: Citation,
    #[serde(skip)]
    pub record: Option<Record>,
}

impl Resolution {
    fn new(citation: Citation) -> Self {
        Resolution {
            input: citation.input.clone(),
            status: Status::NotFound,
            pmid: None,
            score: None,
            matched: Vec::new(),
            warnings: Vec::new(),
            candidates: Vec::new(),
            queries: Vec::new(),
            reason: None,
            citation,
            record: None,
        }
    }

    fn not_checked(mut self, error: &LookupError) -> Self {
        self.status = Status::NotChecked;
        self.reason = Some(error.to_string());
        self
    }
}

/// Resolves `text`, using the claim's English topic `keywords` to narrow searches.
pub async fn resolve(lookups: &Lookups, text: &str, keywords: &[String]) -> Resolution {
    let citation = parse_citation(text);
    let mut resolution = Resolution::new(citation.clone());
    if citation.has_identifier() {
        return resolve_identifier(lookups, resolution, keywords).await;
    }
    if !citation.has_bibliographic_fields() {
        resolution.warnings.push(
            "nothing in this citation identifies a paper (no PMID, DOI, author, year, title or journal)"
                .into(),
        );
        return resolution;
    }
    if let Some(query) = citmatch_query(&citation) {
        resolution
            .queries
            .push(format!("ecitmatch {}", query.bdata_line("1")));
        match lookups.citmatch(&query).await {
            Ok(CitMatchAnswer::Pmid(pmid)) => {
                let records =
                    match fetch_all(lookups, &mut resolution, std::slice::from_ref(&pmid)).await {
                        Ok(records) => records,
                        Err(error) => return resolution.not_checked(&error),
                    };
                // ECitMatch keys on journal, volume and page only: a typo there lands
                // on another paper, so its author and year must agree too.
                match records.into_iter().next() {
                    Some(record) if disagreements(&citation, &record).is_empty() => {
                        return choose(resolution, vec![record], keywords);
                    }
                    Some(record) => resolution.warnings.push(format!(
                        "ECitMatch matched PMID {pmid} on journal, volume and page, but {}; ignored",
                        disagreements(&citation, &record).join("; ")
                    )),
                    None => {}
                }
            }
            Ok(CitMatchAnswer::NoMatch(_)) => {}
            Err(error) => return resolution.not_checked(&error),
        }
    }
    let candidates = match first_hits(
        lookups,
        search_ladder(&citation, keywords),
        &mut resolution.queries,
    )
    .await
    {
        Ok(ids) => ids,
        Err(error) => return resolution.not_checked(&error),
    };
    let records = match fetch_all(lookups, &mut resolution, &candidates).await {
        Ok(records) => records,
        Err(error) => return resolution.not_checked(&error),
    };
    choose(resolution, records, keywords)
}

/// PMID, DOI or PMCID: a direct lookup, then a check that the record carries that
/// identifier and agrees with any author/year also given.
async fn resolve_identifier(
    lookups: &Lookups,
    mut resolution: Resolution,
    keywords: &[String],
) -> Resolution {
    let citation = resolution.citation.clone();
    let pmids = match &citation.pmid {
        Some(pmid) => vec![pmid.clone()],
        None => match first_hits(
            lookups,
            identifier_terms(&citation),
            &mut resolution.queries,
        )
        .await
        {
            Ok(ids) => ids,
            Err(error) => return resolution.not_checked(&error),
        },
    };
    let records = match fetch_all(lookups, &mut resolution, &pmids).await {
        Ok(records) => records,
        Err(error) => return resolution.not_checked(&error),
    };
    // Keep only records that really carry the identifiers given.
    let carries = |record: &Record| {
        citation.pmid.as_ref().is_none_or(|p| *p == record.pmid)
            && citation.doi.as_ref().is_none_or(|d| {
                record
                    .doi
                    .as_ref()
                    .is_some_and(|rd| rd.eq_ignore_ascii_case(d))
            })
            && citation.pmcid.as_ref().is_none_or(|p| {
                record
                    .pmcid
                    .as_ref()
                    .is_some_and(|rp| rp.eq_ignore_ascii_case(p))
            })
    };
    let (matching, others): (Vec<Record>, Vec<Record>) = records.into_iter().partition(carries);
    for other in &others {
        resolution.warnings.push(format!(
            "PMID {} came back for this identifier but does not carry it; ignored",
            other.pmid
        ));
    }
    let Some(record) = matching.into_iter().next() else {
        let what = [
            citation.pmid.as_ref().map(|p| format!("PMID {p}")),
            citation.doi.as_ref().map(|d| format!("DOI {d}")),
            citation.pmcid.as_ref().map(|p| format!("PMCID {p}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        resolution
            .warnings
            .push(format!("PubMed has no record with {what}"));
        resolution.status = Status::NotFound;
        return resolution;
    };
    let scored = score(&citation, &record, keywords);
    let mut matched = vec!["identifier"];
    matched.extend(scored.matched.iter().copied());
    resolution
        .warnings
        .extend(disagreements(&citation, &record));
    resolution.status = Status::Resolved;
    resolution.pmid = Some(record.pmid.clone());
    resolution.score = Some(if citation.has_bibliographic_fields() {
        round(scored.score)
    } else {
        1.0
    });
    resolution.matched = matched;
    resolution.record = Some(record);
    resolution
}

/// esearch terms for a DOI or PMCID (a given PMID needs no search: the other
/// identifiers are checked on its record).
fn identifier_terms(citation: &Citation) -> Vec<String> {
    if citation.pmid.is_some() {
        return Vec::new();
    }
    let doi = citation.doi.as_ref().map(|d| format!("\"{d}\"[aid]"));
    let pmcid = citation.pmcid.as_ref().map(|p| format!("{p}[pmcid]"));
    doi.into_iter().chain(pmcid).collect()
}

/// Runs `terms` in order and returns the ids of the first that finds anything,
/// noting every term sent in `queries`.
async fn first_hits(
    lookups: &Lookups,
    terms: Vec<String>,
    queries: &mut Vec<String>,
) -> Result<Vec<String>, LookupError> {
    for term in terms {
        queries.push(format!("esearch {term}"));
        let result = lookups.search(&term).await?;
        if !result.ids.is_empty() {
            return Ok(result.ids);
        }
    }
    Ok(Vec::new())
}

/// Resolves many citations with as few requests as the answers allow: all given PMIDs
/// in one efetch, all ECitMatch queries in one request, then the searches, then every
/// candidate record in one more batched efetch. Each citation is then decided from
/// what the run already knows.
///
/// `progress` advances once per citation as its searches finish (the slow part).
pub async fn resolve_many(
    lookups: &Lookups,
    items: &[(String, Vec<String>)],
    progress: &indicatif::ProgressBar,
) -> Vec<Resolution> {
    let citations: Vec<Citation> = items.iter().map(|(text, _)| parse_citation(text)).collect();
    // Failures here are remembered by the lookups and reported per citation below.
    let direct: Vec<String> = citations.iter().filter_map(|c| c.pmid.clone()).collect();
    if !direct.is_empty() {
        lookups.records(&direct).await;
    }
    let matchable: Vec<CitMatchQuery> = citations
        .iter()
        .filter(|c| !c.has_identifier())
        .filter_map(citmatch_query)
        .collect();
    let matched = lookups.citmatches(&matchable).await;
    let mut candidates = Vec::new();
    let mut scratch = Vec::new();
    for (citation, (_, keywords)) in citations.iter().zip(items) {
        let terms = if citation.has_identifier() {
            identifier_terms(citation)
        } else if let Some(Ok(CitMatchAnswer::Pmid(pmid))) =
            citmatch_query(citation).and_then(|q| matched.get(&q))
        {
            candidates.push(pmid.clone());
            progress.inc(1);
            continue;
        } else {
            search_ladder(citation, keywords)
        };
        if let Ok(ids) = first_hits(lookups, terms, &mut scratch).await {
            candidates.extend(ids);
        }
        progress.inc(1);
    }
    if !candidates.is_empty() {
        lookups.records(&candidates).await;
    }
    let mut resolutions = Vec::with_capacity(items.len());
    for (text, keywords) in items {
        resolutions.push(resolve(lookups, text, keywords).await);
    }
    resolutions
}

/// Fetches candidate records (one batched request at most); unknown PMIDs drop out.
async fn fetch_all(
    lookups: &Lookups,
    resolution: &mut Resolution,
    pmids: &[String],
) -> Result<Vec<Record>, LookupError> {
    if pmids.is_empty() {
        return Ok(Vec::new());
    }
    resolution
        .queries
        .push(format!("efetch {}", pmids.join(",")));
    let mut records = Vec::new();
    for answer in lookups.records(pmids).await.into_values() {
        if let Some(record) = answer? {
            records.push(record);
        }
    }
    // Keep the order the search ranked them in.
    records.sort_by_key(|r| pmids.iter().position(|p| *p == r.pmid));
    resolution.warnings.extend(lookups.warnings().await);
    Ok(records)
}

/// Picks the record a free-text citation means, or says why it cannot.
fn choose(mut resolution: Resolution, records: Vec<Record>, keywords: &[String]) -> Resolution {
    let citation = resolution.citation.clone();
    let mut scored: Vec<(Candidate, Record)> = records
        .into_iter()
        .map(|record| (score(&citation, &record, keywords), record))
        .collect();
    scored.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
    resolution.candidates = scored
        .iter()
        .take(LISTED_CANDIDATES)
        .map(|(candidate, _)| candidate.clone())
        .collect();
    let best = scored.first().map_or(0.0, |(c, _)| c.score);
    let runner_up = scored.get(1).map_or(0.0, |(c, _)| c.score);
    if best >= RESOLVED_SCORE && best - runner_up >= CLEAR_LEAD {
        let (candidate, record) = scored.swap_remove(0);
        resolution.status = Status::Resolved;
        resolution.pmid = Some(candidate.pmid.clone());
        resolution.score = Some(candidate.score);
        resolution.matched = candidate.matched.clone();
        resolution
            .warnings
            .extend(disagreements(&citation, &record));
        resolution.record = Some(record);
        resolution.candidates.truncate(1);
    } else if best >= PLAUSIBLE_SCORE {
        resolution.status = Status::Ambiguous;
        resolution.candidates.retain(|c| c.score >= PLAUSIBLE_SCORE);
    } else {
        resolution.status = Status::NotFound;
    }
    resolution
}

/// The ECitMatch query when journal, volume and first page are all known.
fn citmatch_query(citation: &Citation) -> Option<CitMatchQuery> {
    Some(CitMatchQuery {
        journal: citation.journal.clone()?,
        year: citation.year.map(|y| y.to_string()).unwrap_or_default(),
        volume: citation.volume.clone()?,
        first_page: citation.first_page.clone()?,
        author: citation
            .first_author()
            .map(|a| a.search_form())
            .unwrap_or_default(),
    })
}

/// esearch terms from narrowest to widest; a step is skipped when it lacks what it
/// needs, and a repeat of an earlier step is dropped.
pub fn search_ladder(citation: &Citation, keywords: &[String]) -> Vec<String> {
    let first_author = citation
        .first_author()
        .map(|a| format!("{}[1au]", quote(&a.search_form())));
    let any_author = citation
        .first_author()
        .map(|a| format!("{}[au]", quote(&a.search_form())));
    let year = citation.year.map(|y| format!("{y}[dp]"));
    let years_around = citation.year.map(|y| format!("{}:{}[dp]", y - 1, y + 1));
    let journal = citation
        .journal
        .as_ref()
        .map(|j| format!("\"{}\"[ta]", j.replace(['.', '"'], "").trim()));
    let title_words: Vec<String> = citation
        .title
        .as_deref()
        .map(significant_words)
        .unwrap_or_default()
        .into_iter()
        .take(8)
        .map(|w| format!("{w}[ti]"))
        .collect();
    let title = (!title_words.is_empty()).then(|| title_words.join(" AND "));
    let keyword_terms: Vec<String> = keywords
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .map(|k| format!("{}[tiab]", quote(k)))
        .collect();
    let all_keywords =
        (!keyword_terms.is_empty()).then(|| format!("({})", keyword_terms.join(" AND ")));
    let any_keyword =
        (!keyword_terms.is_empty()).then(|| format!("({})", keyword_terms.join(" OR ")));

    let steps: Vec<Vec<&Option<String>>> = vec![
        vec![&title, &first_author, &year],
        vec![&title, &years_around],
        vec![&title],
        vec![&first_author, &year, &journal, &all_keywords],
        vec![&first_author, &year, &journal],
        vec![&first_author, &year, &all_keywords],
        vec![&first_author, &year, &any_keyword],
        vec![&first_author, &years_around, &journal],
        vec![&first_author, &years_around, &any_keyword],
        vec![&any_author, &year, &journal],
        vec![&any_author, &year, &any_keyword],
        vec![&journal, &year, &all_keywords],
        vec![&journal, &year, &any_keyword],
        vec![&first_author, &year],
        vec![&journal, &year],
    ];
    let mut seen = BTreeSet::new();
    let mut terms = Vec::new();
    for step in steps {
        if step.iter().any(|part| part.is_none()) {
            continue;
        }
        let term = step
            .iter()
            .filter_map(|part| part.as_deref())
            .collect::<Vec<_>>()
            .join(" AND ");
        // A lone year or a lone keyword set would match half of PubMed.
        if step.len() < 2 && title.is_none() {
            continue;
        }
        if seen.insert(term.clone()) {
            terms.push(term);
        }
    }
    terms
}

fn quote(text: &str) -> String {
    if text.contains(' ') {
        format!("\"{}\"", text.replace('"', ""))
    } else {
        text.to_owned()
    }
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or",
    "the", "to", "with", "via", "its", "their", "our", "vs", "versus",
];

/// Lower-cased words of a title, without stop words and punctuation.
fn significant_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|w| w.trim_matches('-').to_lowercase())
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// Lower-case letters only, accents kept: for comparing names.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a cited journal name is this record's journal: the ISO abbreviation or the
/// full title, ignoring case and dots, or an abbreviation of the full title
/// ("N Engl J Med" for "The New England journal of medicine").
pub fn journal_matches(cited: &str, record: &Record) -> bool {
    let normalise = |s: &str| {
        s.to_lowercase()
            .replace(['.', ',', ':'], " ")
            .split_whitespace()
            .filter(|w| !matches!(*w, "the" | "of" | "and" | "&"))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let cited = normalise(cited);
    if cited.is_empty() {
        return false;
    }
    [record.iso_abbrev.as_deref(), record.journal.as_deref()]
        .into_iter()
        .flatten()
        .map(normalise)
        .any(|known| {
            let known: Vec<&String> = known.iter().filter(|w| !w.starts_with('(')).collect();
            let abbreviates = |short: &[String], long: &[&String]| {
                short.len() == long.len()
                    && short
                        .iter()
                        .zip(long)
                        .all(|(s, l)| l.starts_with(s.as_str()))
            };
            let known_owned: Vec<String> = known.iter().map(|s| (*s).clone()).collect();
            let cited_refs: Vec<&String> = cited.iter().collect();
            abbreviates(&cited, &known) || abbreviates(&known_owned, &cited_refs)
        })
}

/// How well `record` fits `citation`: the weighted share of the given fields that agree.
fn score(citation: &Citation, record: &Record, keywords: &[String]) -> Candidate {
    let mut total = 0.0;
    let mut earned = 0.0;
    let mut matched = Vec::new();
    let mut field = |weight: f64, value: f64, name: &'static str| {
        total += weight;
        earned += weight * value;
        if value >= 0.7 {
            matched.push(name);
        }
    };
    if let Some(author) = citation.first_author() {
        let wanted = name_key(&author.last_name);
        let names: Vec<String> = record
            .authors
            .iter()
            .chain(&record.editors)
            .map(|a| {
                name_key(
                    a.last_name
                        .as_deref()
                        .or(a.collective_name.as_deref())
                        .unwrap_or(""),
                )
            })
            .collect();
        let value = match names.iter().position(|n| *n == wanted) {
            Some(0) => 1.0,
            Some(_) => 0.6,
            None => 0.0,
        };
        field(3.0, value, "author");
    }
    if let Some(year) = citation.year {
        let value = match record.year.map(|y| y.abs_diff(year)) {
            Some(0) => 1.0,
            Some(1) => 0.5,
            _ => 0.0,
        };
        field(2.0, value, "year");
    }
    if let Some(journal) = &citation.journal {
        field(
            2.0,
            if journal_matches(journal, record) {
                1.0
            } else {
                0.0
            },
            "journal",
        );
    }
    if let Some(title) = &citation.title {
        let wanted = significant_words(title);
        let have: BTreeSet<String> = significant_words(&record.title).into_iter().collect();
        let value = if wanted.is_empty() {
            0.0
        } else {
            wanted.iter().filter(|w| have.contains(*w)).count() as f64 / wanted.len() as f64
        };
        field(3.0, value, "title");
    }
    if let Some(volume) = &citation.volume {
        field(
            1.0,
            if record.volume.as_deref() == Some(volume.as_str()) {
                1.0
            } else {
                0.0
            },
            "volume",
        );
    }
    if let Some(page) = &citation.first_page {
        let first = record.pages.as_deref().and_then(|p| p.split('-').next());
        field(
            1.0,
            if first == Some(page.as_str()) {
                1.0
            } else {
                0.0
            },
            "pages",
        );
    }
    if !keywords.is_empty() {
        let haystack = format!(
            "{} {} {} {}",
            record.title,
            record.abstract_text(),
            record
                .mesh
                .iter()
                .map(|m| m.descriptor.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            record.keywords.join(" ")
        )
        .to_lowercase();
        let found = keywords
            .iter()
            .filter(|k| haystack.contains(&k.trim().to_lowercase()))
            .count();
        field(1.0, found as f64 / keywords.len() as f64, "keywords");
    }
    let score = if total > 0.0 { earned / total } else { 0.0 };
    Candidate {
        pmid: record.pmid.clone(),
        title: record.title.clone(),
        year: record.year,
        journal: record.iso_abbrev.clone().or_else(|| record.journal.clone()),
        score: round(score),
        matched,
    }
}

/// Where the citation and the chosen record disagree (identifier given with an
/// author or year that belong to another paper, or a mis-cited year or journal).
fn disagreements(citation: &Citation, record: &Record) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(author) = citation.first_author() {
        let wanted = name_key(&author.last_name);
        let listed = record
            .authors
            .iter()
            .chain(&record.editors)
            .any(|a| name_key(a.last_name.as_deref().unwrap_or("")) == wanted);
        if !listed {
            let first = record
                .authors
                .first()
                .map(|a| a.display_name())
                .unwrap_or_else(|| "none listed".into());
            found.push(format!(
                "author mismatch: the citation names {}, the record's first author is {first}",
                author.last_name
            ));
        }
    }
    if let (Some(cited), Some(actual)) = (citation.year, record.year)
        && cited != actual
    {
        found.push(format!(
            "year mismatch: the citation says {cited}, the record says {actual}"
        ));
    }
    if let Some(journal) = &citation.journal
        && !journal_matches(journal, record)
    {
        found.push(format!(
            "journal mismatch: the citation says \"{journal}\", the record is in {}",
            record
                .iso_abbrev
                .as_deref()
                .or(record.journal.as_deref())
                .unwrap_or("an unnamed journal")
        ));
    }
    found
}

fn round(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// Building blocks for other modules' unit tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A resolution of `input` with nothing found yet.
    pub fn empty(input: &str) -> Resolution {
        Resolution::new(parse_citation(input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_starts_narrow_and_widens() {
        let citation = parse_citation("Cao, Q., et al., 2022. Front Med");
        let ladder = search_ladder(&citation, &["exosome".into(), "skin".into()]);
        assert_eq!(
            ladder[0],
            "\"Cao Q\"[1au] AND 2022[dp] AND \"Front Med\"[ta] AND (exosome[tiab] AND skin[tiab])"
        );
        assert_eq!(
            ladder[1],
            "\"Cao Q\"[1au] AND 2022[dp] AND \"Front Med\"[ta]"
        );
        assert!(ladder.iter().any(|t| t.contains("2021:2023[dp]")));
        assert!(ladder.iter().any(|t| t.contains("[au]")));
        let unique: BTreeSet<&String> = ladder.iter().collect();
        assert_eq!(unique.len(), ladder.len());
    }

    #[test]
    fn journal_names_match_abbreviations_and_titles() {
        let record = Record {
            journal: Some("The New England journal of medicine".into()),
            iso_abbrev: Some("N Engl J Med".into()),
            ..Record::default()
        };
        assert!(journal_matches("N. Engl. J. Med.", &record));
        assert!(journal_matches("New England Journal of Medicine", &record));
        assert!(!journal_matches("Lancet", &record));
        let lausanne = Record {
            iso_abbrev: Some("Front Med (Lausanne)".into()),
            ..Record::default()
        };
        assert!(journal_matches("Front Med", &lausanne));
    }
}
