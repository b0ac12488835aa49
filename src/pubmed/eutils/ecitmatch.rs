//! ECitMatch: journal, year, volume, first page and author in; PMID out.
//!
//! The request is one line per citation, `journal|year|volume|first_page|author|key|`;
//! the answer echoes each line with the PMID (or `NOT_FOUND…`, `AMBIGUOUS…`) appended.

use std::fmt;

use thiserror::Error;

use crate::ids::Pmid;
use crate::pubmed::source::{CitationMatch, CitationMatchQuery};

/// Why an ECitMatch answer is not usable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MatchAnswerError {
    #[error("the answer is not UTF-8")]
    NotUtf8,
    #[error("an HTML or XML page instead of ECitMatch's text answer")]
    Markup,
    #[error("unexpected ECitMatch line \"{0}\"")]
    Line(String),
    #[error("the answer has no line for query {0} (truncated?)")]
    Missing(usize),
    #[error("the answer stops in the middle of a line (truncated)")]
    Truncated,
}

/// The `bdata` line for `query`; `key` lets the answer be matched back. The field
/// separators cannot be smuggled in through the query's text.
pub fn bdata_line(query: &CitationMatchQuery, key: &str) -> String {
    format!("{query}{key}|")
}

/// The query as ECitMatch's `journal|year|volume|first_page|author|` (without the key).
impl fmt::Display for CitationMatchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clean = |s: &str| s.replace(['|', '\r', '\n'], " ");
        let author = self
            .author
            .as_ref()
            .map(|a| {
                if a.initials.is_empty() {
                    a.last_name.clone()
                } else {
                    format!("{} {}", a.last_name, a.initials)
                }
            })
            .unwrap_or_default();
        write!(
            f,
            "{}|{}|{}|{}|{}|",
            clean(&self.journal),
            self.year.map(|y| y.to_string()).unwrap_or_default(),
            clean(&self.volume),
            clean(&self.first_page),
            clean(&author)
        )
    }
}

/// Parses the plain-text answer for queries sent with keys `0..n`; every query must
/// have its line, otherwise the answer is damaged.
pub fn parse_ecitmatch(
    body: &[u8],
    queries: usize,
) -> Result<Vec<CitationMatch>, MatchAnswerError> {
    let text = std::str::from_utf8(body).map_err(|_| MatchAnswerError::NotUtf8)?;
    if text.trim_start().starts_with('<') {
        return Err(MatchAnswerError::Markup);
    }
    // Every line ECitMatch writes ends in a line break; without it the last line may be
    // cut inside its PMID ("…|3197" of 31978945), which would read as another paper.
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(MatchAnswerError::Truncated);
    }
    let mut answers: Vec<Option<CitationMatch>> = vec![None; queries];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('|').collect();
        if fields.len() < 7 {
            return Err(MatchAnswerError::Line(line.to_owned()));
        }
        let key = fields[5].trim();
        let value = fields[6].trim();
        let Some(slot) = key.parse::<usize>().ok().and_then(|k| answers.get_mut(k)) else {
            continue;
        };
        *slot = Some(
            if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                CitationMatch::Found {
                    pmid: Pmid::from_digits(value)
                        .map_err(|_| MatchAnswerError::Line(line.to_owned()))?,
                }
            } else {
                CitationMatch::NoMatch {
                    detail: value.to_owned(),
                }
            },
        );
    }
    answers
        .into_iter()
        .enumerate()
        .map(|(i, a)| a.ok_or(MatchAnswerError::Missing(i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubmed::source::AuthorName;

    #[test]
    fn answers_are_matched_by_key() {
        let body = b"science|1987|235|182|palmenberg ac|1|3026048\nfake journal|2000|1|1||0|NOT_FOUND;INVALID_JOURNAL\n";
        let answers = parse_ecitmatch(body, 2).unwrap();
        assert_eq!(
            answers[0],
            CitationMatch::NoMatch {
                detail: "NOT_FOUND;INVALID_JOURNAL".into()
            }
        );
        assert_eq!(
            answers[1],
            CitationMatch::Found {
                pmid: Pmid::new(3_026_048).unwrap()
            }
        );
        assert!(parse_ecitmatch(body, 3).is_err());
        assert!(parse_ecitmatch(b"<html></html>", 1).is_err());
        // Cut inside the PMID: 3026 is a real number but not the answer.
        assert!(matches!(
            parse_ecitmatch(b"science|1987|235|182|palmenberg ac|0|3026", 1),
            Err(MatchAnswerError::Truncated)
        ));
    }

    #[test]
    fn bdata_lines_cannot_be_broken_by_the_input() {
        let q = CitationMatchQuery {
            journal: "J|x".into(),
            year: Some(2020),
            volume: "1\r\n".into(),
            first_page: "2".into(),
            author: Some(AuthorName {
                last_name: "An".into(),
                initials: "Y".into(),
            }),
        };
        assert_eq!(bdata_line(&q, "7"), "J x|2020|1  |2|An Y|7|");
    }
}
