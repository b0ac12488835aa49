//! Citations: what a claim cites, and what can be read from it.
//!
//! A claims file gives a citation either as a typed identifier (`{pmid: …}`, `{doi: …}`,
//! `{pmcid: …}`) or as text as the copy writes it ([`CitedAs`]). Text is read once by
//! [`parse::parse_citation`] into a [`Citation`]; typed identifiers become a `Citation`
//! directly, never a string to be parsed again. This module only reads; `resolve`
//! decides what a citation points to.

pub mod parse;

use std::fmt;

use serde::Serialize;

pub use self::parse::parse_citation;
use crate::ids::{Doi, Pmcid, Pmid};

/// A citation as a claims file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CitedAs {
    Pmid(Pmid),
    Doi(Doi),
    Pmcid(Pmcid),
    /// Free text: an identifier, a URL, or a reference in any common style.
    Text(String),
}

impl CitedAs {
    /// What can be read from the citation.
    pub fn read(&self) -> Citation {
        let input = self.to_string();
        match self {
            CitedAs::Pmid(pmid) => Citation {
                input,
                pmid: Some(*pmid),
                ..Citation::default()
            },
            CitedAs::Doi(doi) => Citation {
                input,
                doi: Some(doi.clone()),
                ..Citation::default()
            },
            CitedAs::Pmcid(pmcid) => Citation {
                input,
                pmcid: Some(*pmcid),
                ..Citation::default()
            },
            CitedAs::Text(text) => parse_citation(text),
        }
    }
}

/// How the citation reads in reports: `PMID: 1`, the DOI, the PMCID, or the text.
impl fmt::Display for CitedAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CitedAs::Pmid(pmid) => write!(f, "PMID: {pmid}"),
            CitedAs::Doi(doi) => write!(f, "{doi}"),
            CitedAs::Pmcid(pmcid) => write!(f, "{pmcid}"),
            CitedAs::Text(text) => f.write_str(text),
        }
    }
}

/// An author as cited: last name and initials (either may be partial).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitedAuthor {
    pub last_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub initials: String,
}

/// What could be read from one citation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The citation as written.
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmid: Option<Pmid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmcid: Option<Pmcid>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<CitedAuthor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_page: Option<String>,
}

impl Citation {
    pub fn first_author(&self) -> Option<&CitedAuthor> {
        self.authors.first()
    }

    pub fn has_identifier(&self) -> bool {
        self.pmid.is_some() || self.doi.is_some() || self.pmcid.is_some()
    }

    /// Whether anything bibliographic (beyond identifiers) was read.
    pub fn has_bibliographic_fields(&self) -> bool {
        !self.authors.is_empty()
            || self.year.is_some()
            || self.title.is_some()
            || self.journal.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_citations_are_read_without_parsing_text() {
        let doi: Doi = "https://dx.doi.org/10.1056/NEJMoa1210384".parse().unwrap();
        let cited = CitedAs::Doi(doi.clone());
        assert_eq!(cited.to_string(), "10.1056/NEJMoa1210384");
        assert_eq!(cited.read().doi, Some(doi));
        let pmid = CitedAs::Pmid(Pmid::new(33_458_899).unwrap());
        assert_eq!(pmid.to_string(), "PMID: 33458899");
        assert_eq!(pmid.read().input, "PMID: 33458899");
        assert!(pmid.read().authors.is_empty());
    }
}
