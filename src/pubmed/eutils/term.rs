//! Typed searches written as PubMed search terms, the `term` esearch takes.
//!
//! Every word that came from a user (a claim's keywords, a cited journal, an author) is
//! made inert before it goes into the term: free text is quoted as a phrase, with the
//! characters PubMed cannot escape (`"`, `[`, `]`) taken out, so a keyword such as
//! `aspirin)OR(cancer` stays one phrase and never changes the query's logic. Author names
//! and title words are reduced to letters, digits, hyphens and apostrophes and left
//! unquoted, because PubMed reads a quoted author as that exact name and would no longer
//! let "Li Y" find "Li YA".
//!
//! The same rendering is how a search is shown to people (`Lookup`'s display), since a
//! reviewer can paste it into pubmed.gov and see the records the tool saw.

use std::fmt;

use crate::pubmed::source::{AuthorName, FieldQuery, SearchQuery, Topic};

/// The esearch `term` for `query`.
pub fn term(query: &SearchQuery) -> String {
    match query {
        SearchQuery::Doi { doi } => format!("{}[aid]", phrase(doi.as_str())),
        SearchQuery::Pmcid { pmcid } => format!("{pmcid}[pmcid]"),
        SearchQuery::Fields(fields) => field_term(fields),
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&term(self))
    }
}

fn field_term(query: &FieldQuery) -> String {
    let mut parts: Vec<String> = Vec::new();
    for word in &query.title_words {
        let word = plain_word(word).to_lowercase();
        if !word.is_empty() {
            parts.push(format!("{word}[ti]"));
        }
    }
    if let Some(author) = query.first_author.as_ref().and_then(author_name) {
        parts.push(format!("{author}[1au]"));
    }
    if let Some(author) = query.any_author.as_ref().and_then(author_name) {
        parts.push(format!("{author}[au]"));
    }
    if let Some(years) = query.years {
        parts.push(if years.from == years.to {
            format!("{}[dp]", years.from)
        } else {
            format!("{}:{}[dp]", years.from, years.to)
        });
    }
    if let Some(journal) = &query.journal {
        let journal = phrase(&journal.replace('.', " "));
        if journal != "\"\"" {
            parts.push(format!("{journal}[ta]"));
        }
    }
    if let Some(topic) = &query.topic {
        let (terms, joiner) = match topic {
            Topic::All(terms) => (terms, " AND "),
            Topic::Any(terms) => (terms, " OR "),
        };
        let terms: Vec<String> = terms
            .iter()
            .map(|t| phrase(t))
            .filter(|p| p != "\"\"")
            .map(|p| format!("{p}[tiab]"))
            .collect();
        if !terms.is_empty() {
            parts.push(format!("({})", terms.join(joiner)));
        }
    }
    parts.join(" AND ")
}

/// Free text as one quoted phrase, with what PubMed cannot escape taken out and runs of
/// whitespace made single spaces.
fn phrase(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if matches!(c, '"' | '[' | ']') || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!(
        "\"{}\"",
        cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// A word reduced to letters, digits, hyphens and apostrophes.
fn plain_word(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’'))
        .collect()
}

/// "Last II", unquoted so PubMed still expands initials; `None` when nothing is left.
/// A name part spelt like an operator (AND, OR, NOT) is lowered so PubMed reads it as
/// a word.
fn author_name(author: &AuthorName) -> Option<String> {
    let words: Vec<String> = author
        .last_name
        .split_whitespace()
        .chain(author.initials.split_whitespace())
        .map(plain_word)
        .filter(|w| !w.is_empty())
        .map(|w| {
            if matches!(w.as_str(), "AND" | "OR" | "NOT") {
                w.to_lowercase()
            } else {
                w
            }
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubmed::source::Years;

    fn author(last: &str, initials: &str) -> Option<AuthorName> {
        Some(AuthorName {
            last_name: last.into(),
            initials: initials.into(),
        })
    }

    #[test]
    fn fields_become_tagged_terms() {
        let query = SearchQuery::Fields(FieldQuery {
            first_author: author("Cao", "Q"),
            years: Some(Years::exactly(2022)),
            journal: Some("Front. Med.".into()),
            topic: Some(Topic::All(vec!["exosome".into(), "skin aging".into()])),
            ..FieldQuery::default()
        });
        assert_eq!(
            term(&query),
            "Cao Q[1au] AND 2022[dp] AND \"Front Med\"[ta] AND (\"exosome\"[tiab] AND \"skin aging\"[tiab])"
        );
        let around = SearchQuery::Fields(FieldQuery {
            title_words: vec!["Coronavirus".into(), "pneumonia".into()],
            years: Some(Years::around(2020)),
            ..FieldQuery::default()
        });
        assert_eq!(
            term(&around),
            "coronavirus[ti] AND pneumonia[ti] AND 2019:2021[dp]"
        );
    }

    /// Outside quoted phrases, a term may hold only what the renderer wrote itself.
    fn structure_outside_phrases(term: &str) -> String {
        let mut outside = String::new();
        let mut quoted = false;
        for c in term.chars() {
            if c == '"' {
                quoted = !quoted;
            } else if !quoted {
                outside.push(c);
            }
        }
        assert!(!quoted, "unbalanced quotes in {term}");
        outside
    }

    #[test]
    fn user_words_cannot_change_the_query() {
        let hostile = [
            "aspirin)OR(cancer",
            "x\"[tiab] OR cancer[tiab] OR \"y",
            "a]b[c",
            "NOT",
            "(",
            "\u{0}",
        ];
        for word in hostile {
            let query = SearchQuery::Fields(FieldQuery {
                first_author: author(word, word),
                journal: Some(word.into()),
                title_words: vec![word.into()],
                topic: Some(Topic::Any(vec![word.into(), "skin".into()])),
                ..FieldQuery::default()
            });
            let rendered = term(&query);
            let outside = structure_outside_phrases(&rendered);
            // The only operators are the ones the renderer joins parts with: AND between
            // parts, at most one OR between the two topic terms (one when the hostile
            // word left anything to search for).
            assert!(!outside.contains("NOT"), "{word:?}: {rendered}");
            assert!(outside.matches(" OR ").count() <= 1, "{word:?}: {rendered}");
            assert_eq!(outside.matches('(').count(), 1, "{word:?}: {rendered}");
            assert_eq!(outside.matches(')').count(), 1, "{word:?}: {rendered}");
            let tags: Vec<&str> = outside
                .split('[')
                .skip(1)
                .map(|rest| rest.split(']').next().unwrap_or(""))
                .collect();
            assert!(
                tags.iter().all(|t| ["ti", "1au", "ta", "tiab"].contains(t)),
                "{word:?}: {rendered}"
            );
            assert_eq!(outside.matches(']').count(), tags.len(), "{rendered}");
        }
        let rendered = term(&SearchQuery::Fields(FieldQuery {
            topic: Some(Topic::All(vec!["aspirin)OR(cancer".into()])),
            ..FieldQuery::default()
        }));
        assert_eq!(rendered, "(\"aspirin)OR(cancer\"[tiab])");
    }

    #[test]
    fn identifiers_are_exact_terms() {
        let doi = SearchQuery::Doi {
            doi: "10.1016/0005-2795(76)90109-4".parse().unwrap(),
        };
        assert_eq!(term(&doi), "\"10.1016/0005-2795(76)90109-4\"[aid]");
        let pmcid = SearchQuery::Pmcid {
            pmcid: "PMC7092803".parse().unwrap(),
        };
        assert_eq!(term(&pmcid), "PMC7092803[pmcid]");
    }
}
