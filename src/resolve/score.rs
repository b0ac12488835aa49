//! How well a record fits a citation, and where the two disagree.
//!
//! Names, journals and words are compared through [`crate::text`]'s one normalisation
//! (case and diacritics folded), as PubMed compares them: "Garcia" is "García".

use std::collections::BTreeSet;

use super::ladder::significant_words;
use super::outcome::{Candidate, Disagreement, Field};
use crate::citation::Citation;
use crate::pubmed::record::{Record, TextParts};
use crate::text::{fold, name_key};

/// A field whose agreement scores at least this counts as "matched".
const MATCHED_VALUE: f64 = 0.7;
/// A cited title sharing less than this share of its words with the record's title is
/// another paper's title.
const TITLE_AGREES: f64 = 0.5;
/// Credit for a cited first author who is listed, but not first.
const LISTED_NOT_FIRST: f64 = 0.6;
/// Credit for a year one off (e-publication year against issue year).
const YEAR_OFF_BY_ONE: f64 = 0.5;

/// Weights of each field in the score: the fields that single a paper out weigh most.
const AUTHOR_WEIGHT: f64 = 3.0;
const YEAR_WEIGHT: f64 = 2.0;
const JOURNAL_WEIGHT: f64 = 2.0;
const TITLE_WEIGHT: f64 = 3.0;
const VOLUME_WEIGHT: f64 = 1.0;
const PAGES_WEIGHT: f64 = 1.0;
const KEYWORDS_WEIGHT: f64 = 1.0;

/// How well `record` fits `citation`: the weighted share of the given fields that agree.
pub(super) fn score(citation: &Citation, record: &Record, keywords: &[String]) -> Candidate {
    let mut total = 0.0;
    let mut earned = 0.0;
    let mut matched = Vec::new();
    let mut field = |weight: f64, value: f64, name: Field| {
        total += weight;
        earned += weight * value;
        if value >= MATCHED_VALUE {
            matched.push(name);
        }
    };
    if let Some(author) = citation.first_author() {
        let value = match author_position(&author.last_name, record) {
            Some(0) => 1.0,
            Some(_) => LISTED_NOT_FIRST,
            None => 0.0,
        };
        field(AUTHOR_WEIGHT, value, Field::Author);
    }
    if let Some(year) = citation.year {
        let value = match record.year.map(|y| y.abs_diff(year)) {
            Some(0) => 1.0,
            Some(1) => YEAR_OFF_BY_ONE,
            _ => 0.0,
        };
        field(YEAR_WEIGHT, value, Field::Year);
    }
    if let Some(journal) = &citation.journal {
        field(
            JOURNAL_WEIGHT,
            agreement(journal_matches(journal, record)),
            Field::Journal,
        );
    }
    if let Some(title) = &citation.title {
        field(TITLE_WEIGHT, title_agreement(title, record), Field::Title);
    }
    if let Some(volume) = &citation.volume {
        let same = record.volume.as_deref().map(str::trim) == Some(volume.trim());
        field(VOLUME_WEIGHT, agreement(same), Field::Volume);
    }
    if let Some(page) = &citation.first_page {
        let first = record.pages.as_deref().and_then(|p| p.split('-').next());
        field(
            PAGES_WEIGHT,
            agreement(first.map(str::trim) == Some(page.trim())),
            Field::Pages,
        );
    }
    if !keywords.is_empty() {
        let text = record.searchable_text(TextParts::WrittenAndIndexed);
        let found = keywords.iter().filter(|k| text.mentions(k)).count();
        field(
            KEYWORDS_WEIGHT,
            found as f64 / keywords.len() as f64,
            Field::Keywords,
        );
    }
    let score = if total > 0.0 { earned / total } else { 0.0 };
    Candidate {
        pmid: record.pmid,
        title: record.title.clone(),
        year: record.year,
        journal: record.journal_name().map(str::to_owned),
        score: round(score),
        matched,
    }
}

/// The share of a cited title's significant words that are in the record's title.
fn title_agreement(title: &str, record: &Record) -> f64 {
    let wanted = significant_words(title);
    let have: BTreeSet<String> = significant_words(&record.title).into_iter().collect();
    if wanted.is_empty() {
        0.0
    } else {
        wanted.iter().filter(|w| have.contains(*w)).count() as f64 / wanted.len() as f64
    }
}

fn agreement(same: bool) -> f64 {
    if same { 1.0 } else { 0.0 }
}

/// Where `last_name` stands in the record's author list (editors for a book that lists
/// only them), compared as PubMed compares names.
fn author_position(last_name: &str, record: &Record) -> Option<usize> {
    let wanted = name_key(last_name);
    record
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
        .position(|name| name == wanted)
}

/// Where the citation and the chosen record disagree (an identifier given with an
/// author or year that belong to another paper, or a mis-cited year or journal).
pub(super) fn disagreements(citation: &Citation, record: &Record) -> Vec<Disagreement> {
    let mut found = Vec::new();
    if let Some(author) = citation.first_author()
        && author_position(&author.last_name, record).is_none()
    {
        found.push(Disagreement {
            field: Field::Author,
            cited: author.last_name.clone(),
            actual: record
                .authors
                .first()
                .map(|a| a.display_name())
                .unwrap_or_else(|| "none listed".into()),
        });
    }
    if let (Some(cited), Some(actual)) = (citation.year, record.year)
        && cited != actual
    {
        found.push(Disagreement {
            field: Field::Year,
            cited: cited.to_string(),
            actual: actual.to_string(),
        });
    }
    if let Some(title) = &citation.title
        && title_agreement(title, record) < TITLE_AGREES
    {
        found.push(Disagreement {
            field: Field::Title,
            cited: title.clone(),
            actual: record.title.clone(),
        });
    }
    if let Some(journal) = &citation.journal
        && !journal_matches(journal, record)
    {
        found.push(Disagreement {
            field: Field::Journal,
            cited: journal.clone(),
            actual: record
                .journal_name()
                .unwrap_or("an unnamed journal")
                .to_owned(),
        });
    }
    found
}

/// Whether a cited journal name is this record's journal: the ISO abbreviation or the
/// full title, ignoring case, accents and dots, or an abbreviation of the full title
/// ("N Engl J Med" for "The New England journal of medicine").
pub(super) fn journal_matches(cited: &str, record: &Record) -> bool {
    let cited = journal_words(cited);
    if cited.is_empty() {
        return false;
    }
    let abbreviates = |short: &[String], long: &[String]| {
        short.len() == long.len()
            && short
                .iter()
                .zip(long)
                .all(|(s, l)| l.starts_with(s.as_str()))
    };
    [record.iso_abbrev.as_deref(), record.journal.as_deref()]
        .into_iter()
        .flatten()
        .map(journal_words)
        .any(|known| abbreviates(&cited, &known) || abbreviates(&known, &cited))
}

/// A journal name's words, folded, without dots, commas, the little words that
/// abbreviations leave out, and a place in brackets ("Front Med (Lausanne)" is often
/// cited as "Front Med"; it is the same journal either way).
fn journal_words(name: &str) -> Vec<String> {
    let mut without_place = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => without_place.push(c),
            _ => {}
        }
    }
    fold(&without_place)
        .replace(['.', ',', ':'], " ")
        .split_whitespace()
        .filter(|w| !matches!(*w, "the" | "of" | "and" | "&"))
        .map(String::from)
        .collect()
}

fn round(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::parse_citation;
    use crate::ids::Pmid;
    use crate::pubmed::record::Author;

    fn record() -> Record {
        Record {
            title: "Células madre y exosomas".into(),
            journal: Some("The New England journal of medicine".into()),
            iso_abbrev: Some("N Engl J Med".into()),
            year: Some(2020),
            authors: vec![Author {
                last_name: Some("García".into()),
                initials: Some("J".into()),
                ..Author::default()
            }],
            ..Record::new(Pmid::new(1).unwrap())
        }
    }

    #[test]
    fn journal_names_match_abbreviations_and_titles() {
        let record = record();
        assert!(journal_matches("N. Engl. J. Med.", &record));
        assert!(journal_matches("New England Journal of Medicine", &record));
        assert!(!journal_matches("Lancet", &record));
        let lausanne = Record {
            iso_abbrev: Some("Front Med (Lausanne)".into()),
            ..Record::new(Pmid::new(2).unwrap())
        };
        assert!(journal_matches("Front Med", &lausanne));
        assert!(journal_matches("Front Med (Lausanne)", &lausanne));
        assert!(journal_matches("Front. Med. (Lausanne)", &lausanne));
        assert!(!journal_matches("Front Neurol (Lausanne)", &lausanne));
    }

    #[test]
    fn names_compare_without_diacritics() {
        let citation = parse_citation("Garcia, J., et al., 2020. N Engl J Med");
        let candidate = score(&citation, &record(), &[]);
        assert_eq!(candidate.score, 1.0);
        assert_eq!(
            candidate.matched,
            [Field::Author, Field::Year, Field::Journal]
        );
        assert!(disagreements(&citation, &record()).is_empty());
    }

    #[test]
    fn disagreements_name_both_sides() {
        let citation = parse_citation("Smith J, et al., 2019. Lancet");
        let found: Vec<String> = disagreements(&citation, &record())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "author mismatch: the citation names Smith, the record's first author is García J",
                "year mismatch: the citation says 2019, the record says 2020",
                "journal mismatch: the citation says \"Lancet\", the record is in N Engl J Med",
            ]
        );
    }
}
