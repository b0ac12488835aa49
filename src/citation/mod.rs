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
use thiserror::Error;

pub use self::parse::parse_citation;
use crate::ids::{Doi, IdError, Pmcid, Pmid};

/// How a citation that can be looked up is written, for the fix in a message.
const EXAMPLES: &str =
    "PMID: 33458899, a DOI, or the reference as the copy writes it (\"An, Y., et al., 2021\")";

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
    /// An identifier written wrongly (`0`, forty digits, `PMID: 000…`), set aside.
    #[serde(skip)]
    pub malformed_identifier: Option<IdError>,
    /// PubMed search field tags found in the text (`[au]`, `[ti]`), taken out.
    #[serde(skip)]
    pub search_tags: Vec<String>,
}

/// Why nothing can be asked about a citation: no lookup would be sent. `resolve` and
/// `check` read this one judgement, so a text is treated alike on the command line and
/// in a claims file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Unsearchable {
    /// An identifier written wrongly, and nothing else to go on.
    #[error("{0}")]
    MalformedIdentifier(IdError),
    /// PubMed search syntax rather than a reference.
    #[error(
        "{} is PubMed search syntax, not a reference; give {EXAMPLES}",
        tags.join(" ")
    )]
    SearchSyntax { tags: Vec<String> },
    /// Nothing that names a paper (emoji, punctuation, a lone number).
    #[error(
        "nothing in it identifies a paper (no PMID, DOI, author, year, title or journal); give {EXAMPLES}"
    )]
    NothingIdentifying,
    /// Something bibliographic, but too little to search on its own.
    #[error(
        "it gives only {gives}, which matches too many papers to search for; add the first author and year, or the title"
    )]
    TooLittle { gives: String },
}

impl Citation {
    pub fn first_author(&self) -> Option<&CitedAuthor> {
        self.authors.first()
    }

    pub fn has_identifier(&self) -> bool {
        self.pmid.is_some() || self.doi.is_some() || self.pmcid.is_some()
    }

    /// Why no lookup can be made for this citation, if none can. A citation can be looked
    /// up by an identifier, a title, journal + volume + first page (citation matching),
    /// or a year with an author or a journal: the same fields the resolver's first
    /// questions need.
    pub fn unsearchable(&self) -> Option<Unsearchable> {
        let author = self.first_author().is_some();
        let journal = self.journal.is_some();
        let searchable = self.has_identifier()
            || self.title.is_some()
            || journal && self.volume.is_some() && self.first_page.is_some()
            || self.year.is_some() && (author || journal);
        if searchable {
            return None;
        }
        Some(if let Some(error) = &self.malformed_identifier {
            Unsearchable::MalformedIdentifier(error.clone())
        } else if !self.search_tags.is_empty() {
            Unsearchable::SearchSyntax {
                tags: self.search_tags.clone(),
            }
        } else {
            let given: Vec<&str> = [
                (author, "an author"),
                (self.year.is_some(), "a year"),
                (journal, "a journal"),
            ]
            .into_iter()
            .filter_map(|(has, what)| has.then_some(what))
            .collect();
            if given.is_empty() {
                Unsearchable::NothingIdentifying
            } else {
                Unsearchable::TooLittle {
                    gives: given.join(" and "),
                }
            }
        })
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
    fn what_cannot_be_looked_up_says_why_and_how_to_fix_it() {
        let why = |text: &str| parse_citation(text).unsearchable();
        assert!(matches!(
            why("0"),
            Some(Unsearchable::MalformedIdentifier(_))
        ));
        assert!(matches!(
            why("🙂🙂"),
            Some(Unsearchable::NothingIdentifying)
        ));
        assert!(matches!(why("..."), Some(Unsearchable::NothingIdentifying)));
        assert!(matches!(
            why("[au]"),
            Some(Unsearchable::SearchSyntax { .. })
        ));
        assert!(matches!(
            why("title[ti]"),
            Some(Unsearchable::SearchSyntax { .. })
        ));
        assert_eq!(
            why("Stem Cells"),
            Some(Unsearchable::TooLittle {
                gives: "a journal".into()
            })
        );
        assert_eq!(
            why("An, Y."),
            Some(Unsearchable::TooLittle {
                gives: "an author".into()
            })
        );
        for fine in [
            "33458899",
            "10.1056/NEJMoa1210384",
            "An, Y., et al., 2021",
            "CNS Neurosci Ther. 2025",
            "Brighton TA[1au] 2012[dp]",
            "An, Y., et al., 2021. PMID: 0",
        ] {
            assert_eq!(why(fine), None, "{fine}");
        }
        // Every message ends with what to write instead.
        for text in ["0", "🙂", "[dp]", "Stem Cells"] {
            let message = why(text).unwrap().to_string();
            assert!(
                message.contains("e.g.") || message.contains("give") || message.contains("add"),
                "{text}: {message}"
            );
        }
    }

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
