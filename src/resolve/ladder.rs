//! The questions to ask for a citation, built from what it says: citation matching when
//! journal, volume and first page are all given, and a ladder of searches from narrow
//! to wide. The queries are typed; how they are written for a source is not decided
//! here.

use crate::citation::{Citation, CitedAuthor};
use crate::pubmed::source::{
    AuthorName, CitationMatchQuery, FieldQuery, SearchQuery, Topic, Years,
};
use crate::text::words;

/// Title words used in a search: enough to single a paper out.
const TITLE_WORDS_IN_SEARCH: usize = 8;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or",
    "the", "to", "with", "via", "its", "their", "our", "vs", "versus",
];

/// The author as a search names them.
pub(super) fn author_name(author: &CitedAuthor) -> AuthorName {
    AuthorName {
        last_name: author.last_name.clone(),
        initials: author.initials.clone(),
    }
}

/// Searches for a DOI, then a PMCID (a given PMID needs no search: the other
/// identifiers are checked on its record).
pub(super) fn identifier_searches(citation: &Citation) -> Vec<SearchQuery> {
    if citation.pmid.is_some() {
        return Vec::new();
    }
    let doi = citation.doi.clone().map(|doi| SearchQuery::Doi { doi });
    let pmcid = citation.pmcid.map(|pmcid| SearchQuery::Pmcid { pmcid });
    doi.into_iter().chain(pmcid).collect()
}

/// The citation match when journal, volume and first page are all known.
pub(super) fn citation_match(citation: &Citation) -> Option<CitationMatchQuery> {
    Some(CitationMatchQuery {
        journal: citation.journal.clone()?,
        year: citation.year,
        volume: citation.volume.clone()?,
        first_page: citation.first_page.clone()?,
        author: citation.first_author().map(author_name),
    })
}

/// Searches from narrowest to widest; a step is skipped when the citation lacks what
/// it needs, and a repeat of an earlier step is dropped. Each step on author, year and
/// journal is followed by the same step narrowed by the claim's keywords (all, then
/// any): the plan asks those only when the step alone matches too many records to list.
pub(super) fn search_ladder(citation: &Citation, keywords: &[String]) -> Vec<SearchQuery> {
    let author = citation.first_author().map(author_name);
    let year = citation.year.map(Years::exactly);
    let years_around = citation.year.map(Years::around);
    let journal = citation.journal.clone();
    let title: Vec<String> = citation
        .title
        .as_deref()
        .map(significant_words)
        .unwrap_or_default()
        .into_iter()
        .take(TITLE_WORDS_IN_SEARCH)
        .collect();
    let keywords: Vec<String> = keywords
        .iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();

    // What each step holds; a step whose parts are not all known is skipped.
    #[derive(Clone, Copy)]
    enum Part {
        Title,
        FirstAuthor,
        AnyAuthor,
        Year,
        YearsAround,
        Journal,
    }
    use Part::*;
    const STEPS: &[&[Part]] = &[
        &[Title, FirstAuthor, Year],
        &[Title, YearsAround],
        &[Title],
        &[FirstAuthor, Year, Journal],
        // The e-publication year is often the one cited.
        &[FirstAuthor, YearsAround, Journal],
        &[AnyAuthor, Year, Journal],
        // The journal misspelt, abbreviated unusually, or not given.
        &[FirstAuthor, Year],
        &[FirstAuthor, YearsAround],
        &[AnyAuthor, Year],
        &[Journal, Year],
    ];
    let mut ladder: Vec<SearchQuery> = Vec::new();
    let mut add = |query: FieldQuery| {
        let query = SearchQuery::Fields(query);
        if !ladder.contains(&query) {
            ladder.push(query);
        }
    };
    'steps: for step in STEPS {
        // A lone year or a lone journal would match half of PubMed.
        if step.len() < 2 && title.is_empty() {
            continue;
        }
        let mut query = FieldQuery::default();
        for part in *step {
            let known = match part {
                Title => {
                    query.title_words.clone_from(&title);
                    !title.is_empty()
                }
                FirstAuthor => {
                    query.first_author.clone_from(&author);
                    author.is_some()
                }
                AnyAuthor => {
                    query.any_author.clone_from(&author);
                    author.is_some()
                }
                Year => {
                    query.years = year;
                    year.is_some()
                }
                YearsAround => {
                    query.years = years_around;
                    years_around.is_some()
                }
                Journal => {
                    query.journal.clone_from(&journal);
                    journal.is_some()
                }
            };
            if !known {
                continue 'steps;
            }
        }
        // A title singles a paper out on its own; other steps may need the topic.
        let narrowable = query.title_words.is_empty() && !keywords.is_empty();
        add(query.clone());
        if narrowable {
            add(FieldQuery {
                topic: Some(Topic::All(keywords.clone())),
                ..query.clone()
            });
            // With one keyword, "any" is "all": one query, asked once.
            if keywords.len() > 1 {
                add(FieldQuery {
                    topic: Some(Topic::Any(keywords.clone())),
                    ..query
                });
            }
        }
    }
    ladder
}

/// Folded words of a title, without stop words and one-letter words.
pub(super) fn significant_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::parse_citation;

    #[test]
    fn a_citation_is_searchable_exactly_when_it_says_enough() {
        for text in [
            "An, Y., et al., 2021",
            "CNS Neurosci Ther. 2025",
            "Wang, Y., et al., 2023. Stem Cells",
            "Low-dose aspirin for preventing recurrent venous thromboembolism in adults",
            "N Engl J Med. 2012;367(21):1979-87",
            "Stem Cells",
            "2021 ✨",
            "An, Y.",
            "[au] Stem Cells",
            "title[ti]",
        ] {
            let citation = parse_citation(text);
            let questions = citation_match(&citation).is_some()
                || !search_ladder(&citation, &["skin".into()]).is_empty();
            assert_eq!(
                citation.unsearchable().is_none(),
                questions,
                "{text}: {citation:?}"
            );
        }
    }

    #[test]
    fn the_ladder_starts_narrow_and_widens() {
        let citation = parse_citation("Cao, Q., et al., 2022. Front Med");
        let ladder = search_ladder(&citation, &["exosome".into(), "skin".into()]);
        let SearchQuery::Fields(first) = &ladder[0] else {
            panic!("a field search")
        };
        assert_eq!(first.first_author.as_ref().unwrap().last_name, "Cao");
        assert_eq!(first.years, Some(Years::exactly(2022)));
        assert_eq!(first.journal.as_deref(), Some("Front Med"));
        assert_eq!(first.topic, None, "the reference's own fields first");
        let SearchQuery::Fields(second) = &ladder[1] else {
            panic!("a field search")
        };
        assert_eq!(
            second.topic,
            Some(Topic::All(vec!["exosome".into(), "skin".into()])),
            "then narrowed by the claim's keywords"
        );
        assert_eq!(
            FieldQuery {
                topic: None,
                ..second.clone()
            },
            *first
        );
        let wider = |q: &SearchQuery| matches!(q, SearchQuery::Fields(f) if f.years == Some(Years::around(2022)));
        assert!(ladder.iter().any(wider));
        assert!(
            ladder
                .iter()
                .any(|q| matches!(q, SearchQuery::Fields(f) if f.any_author.is_some()))
        );
        for (i, query) in ladder.iter().enumerate() {
            assert!(
                !ladder[..i].contains(query),
                "step {i} repeats an earlier one"
            );
        }
    }

    #[test]
    fn one_keyword_does_not_make_two_searches_that_say_the_same() {
        let citation = parse_citation("Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes");
        let ladder = search_ladder(&citation, &["exosome".into()]);
        let any = |q: &SearchQuery| matches!(q, SearchQuery::Fields(f) if matches!(f.topic, Some(Topic::Any(_))));
        assert!(!ladder.iter().any(any), "{ladder:#?}");
        let written: Vec<String> = ladder.iter().map(ToString::to_string).collect();
        for (i, term) in written.iter().enumerate() {
            assert!(
                !written[..i].contains(term),
                "step {i} is written like an earlier one: {term}"
            );
        }
    }

    #[test]
    fn a_title_leads_and_nothing_searches_half_of_pubmed() {
        let citation = parse_citation(
            "Zhu N, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
        );
        let ladder = search_ladder(&citation, &[]);
        let SearchQuery::Fields(first) = &ladder[0] else {
            panic!("a field search")
        };
        assert_eq!(
            first.title_words,
            [
                "novel",
                "coronavirus",
                "patients",
                "pneumonia",
                "china",
                "2019"
            ]
        );
        assert!(citation_match(&citation).is_some());
        let journal_only = parse_citation("Stem Cells");
        assert_eq!(journal_only.journal.as_deref(), Some("Stem Cells"));
        assert!(
            search_ladder(&journal_only, &["skin".into()]).is_empty(),
            "a journal and keywords alone would match thousands of papers"
        );
    }
}
