//! ECitMatch: journal, year, volume, first page and author in; PMID out.
//!
//! The request is one line per citation, `journal|year|volume|first_page|author|key|`;
//! the answer echoes each line with the PMID (or `NOT_FOUND…`, `AMBIGUOUS…`) appended.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CitMatchQuery {
    pub journal: String,
    pub year: String,
    pub volume: String,
    pub first_page: String,
    /// "Last I" of the first author, may be empty.
    pub author: String,
}

impl CitMatchQuery {
    /// The `bdata` line for this query; `key` lets the answer be matched back.
    pub fn bdata_line(&self, key: &str) -> String {
        let clean = |s: &str| s.replace(['|', '\r', '\n'], " ");
        format!(
            "{}|{}|{}|{}|{}|{key}|",
            clean(&self.journal),
            clean(&self.year),
            clean(&self.volume),
            clean(&self.first_page),
            clean(&self.author)
        )
    }
}

/// ECitMatch's verdict for one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome", content = "value")]
pub enum CitMatchAnswer {
    Pmid(String),
    /// `NOT_FOUND`, `AMBIGUOUS …`, `NOT_FOUND;INVALID_JOURNAL`: kept as NCBI wrote it.
    NoMatch(String),
}

/// Parses the plain-text answer for queries sent with keys `0..n`; every query must
/// have its line, otherwise the answer is damaged.
pub fn parse_ecitmatch(body: &[u8], queries: usize) -> Result<Vec<CitMatchAnswer>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the answer is not UTF-8".to_owned())?;
    if text.trim_start().starts_with('<') {
        return Err("an HTML or XML page instead of ECitMatch's text answer".into());
    }
    let mut answers: Vec<Option<CitMatchAnswer>> = vec![None; queries];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('|').collect();
        if fields.len() < 7 {
            return Err(format!("unexpected ECitMatch line \"{line}\""));
        }
        let key = fields[5].trim();
        let value = fields[6].trim();
        let Some(slot) = key.parse::<usize>().ok().and_then(|k| answers.get_mut(k)) else {
            continue;
        };
        *slot = Some(
            if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                CitMatchAnswer::Pmid(value.to_owned())
            } else {
                CitMatchAnswer::NoMatch(value.to_owned())
            },
        );
    }
    answers
        .into_iter()
        .enumerate()
        .map(|(i, a)| a.ok_or_else(|| format!("the answer has no line for query {i} (truncated?)")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_matched_by_key() {
        let body = b"science|1987|235|182|palmenberg ac|1|3026048\nfake journal|2000|1|1||0|NOT_FOUND;INVALID_JOURNAL\n";
        let answers = parse_ecitmatch(body, 2).unwrap();
        assert_eq!(
            answers[0],
            CitMatchAnswer::NoMatch("NOT_FOUND;INVALID_JOURNAL".into())
        );
        assert_eq!(answers[1], CitMatchAnswer::Pmid("3026048".into()));
        assert!(parse_ecitmatch(body, 3).is_err());
        assert!(parse_ecitmatch(b"<html></html>", 1).is_err());
    }

    #[test]
    fn bdata_lines_cannot_be_broken_by_the_input() {
        let q = CitMatchQuery {
            journal: "J|x".into(),
            year: "2020".into(),
            volume: "1".into(),
            first_page: "2".into(),
            author: "An Y".into(),
        };
        assert_eq!(q.bdata_line("7"), "J x|2020|1|2|An Y|7|");
    }
}
