//! What resolving one citation came to.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::citation::{Citation, Unsearchable};
use crate::ids::Pmid;
use crate::pubmed::record::Record;
use crate::pubmed::source::{Lookup, SourceError};

named_enum! {
    pub enum ResolutionStatus {
        /// One record, clearly the one meant.
        Resolved,
        /// One record stands out, but the reference alone does not identify it: it gives
        /// only a journal and a year or an author and a year, or the record was told
        /// apart only by the claim's topic words. Shown and judged, never enough to
        /// support a claim.
        Probable,
        /// Several plausible records, none clearly best.
        Ambiguous,
        /// Nothing plausible.
        NotFound,
        /// The source could not be asked (offline cache miss, network failure).
        NotChecked,
    }
}

named_enum! {
    /// A part of a citation that can agree (or not) with a record.
    pub enum Field {
        Identifier,
        Author,
        Year,
        Journal,
        Title,
        Volume,
        Pages,
        Keywords,
    }
}

/// A record considered for a citation, with how well it fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub pmid: Pmid,
    pub title: String,
    pub year: Option<u16>,
    pub journal: Option<String>,
    pub score: f64,
    #[serde(skip)]
    pub matched: Vec<Field>,
}

/// Where a citation and the record it names disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub field: Field,
    /// What the citation says.
    pub cited: String,
    /// What the record says.
    pub actual: String,
}

impl Disagreement {
    /// Whether the reference contradicts the record (another author, journal or title, a
    /// year two or more apart), as opposed to a year one off, which e-publication before
    /// the issue explains.
    pub fn is_contradiction(&self) -> bool {
        match self.field {
            Field::Year => match (self.cited.parse::<i32>(), self.actual.parse::<i32>()) {
                (Ok(cited), Ok(actual)) => (cited - actual).abs() >= 2,
                _ => true,
            },
            _ => true,
        }
    }
}

/// How much a reference says, identifiers aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// A PMID, DOI or PMCID.
    Identifier,
    /// Enough to single a paper out: a title, or volume and page, or author, journal and
    /// year together.
    Complete,
    /// Only a journal and a year, or only an author and a year: in PubMed as a whole such a
    /// reference matches many papers.
    Incomplete,
}

impl Completeness {
    pub fn of(citation: &Citation) -> Self {
        let author = citation.first_author().is_some();
        let journal = citation.journal.is_some();
        if citation.has_identifier() {
            Completeness::Identifier
        } else if citation.title.is_some()
            || citation.volume.is_some() && citation.first_page.is_some()
            || author && journal && citation.year.is_some()
        {
            Completeness::Complete
        } else {
            Completeness::Incomplete
        }
    }
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (cited, actual) = (&self.cited, &self.actual);
        match self.field {
            Field::Author => write!(
                f,
                "author mismatch: the citation names {cited}, the record's first author is {actual}"
            ),
            Field::Year => write!(
                f,
                "year mismatch: the citation says {cited}, the record says {actual}"
            ),
            Field::Journal => write!(
                f,
                "journal mismatch: the citation says \"{cited}\", the record is in {actual}"
            ),
            other => write!(
                f,
                "{} mismatch: the citation says {cited}, the record says {actual}",
                other.as_str()
            ),
        }
    }
}

/// Something a reviewer should know about how a citation was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The citation disagrees with the record it resolved to (a mis-cited author, year
    /// or journal, or an identifier given with another paper's author and year).
    Disagreement(Disagreement),
    /// Citation matching (journal, volume, first page) named a record whose author or
    /// year disagree with the citation; it was set aside and the citation searched.
    MatchRejected {
        pmid: Pmid,
        disagreements: Vec<Disagreement>,
    },
    /// A search for an identifier returned a record that does not carry it.
    IdentifierNotCarried { pmid: Pmid },
    /// PubMed has no record with the identifiers given.
    NoRecord { identifiers: Vec<String> },
    /// The reference gives only what many papers share; `matching` says how many records
    /// the search that found the candidates matched, when known.
    Incomplete { matching: Option<u64> },
    /// The chosen record stood out only thanks to the claim's topic words.
    FoundByTopic,
    /// Nothing could be asked about the citation (see [`Unsearchable`]): nothing was
    /// looked up.
    Unsearchable(Unsearchable),
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Disagreement(d) => write!(f, "{d}"),
            Note::MatchRejected {
                pmid,
                disagreements,
            } => {
                let why: Vec<String> = disagreements.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "citation matching on journal, volume and page gave PMID {pmid}, but {}; ignored",
                    why.join("; ")
                )
            }
            Note::IdentifierNotCarried { pmid } => write!(
                f,
                "PMID {pmid} came back for this identifier but does not carry it; ignored"
            ),
            Note::NoRecord { identifiers } => {
                write!(f, "PubMed has no record with {}", identifiers.join(", "))
            }
            Note::Incomplete { matching } => {
                f.write_str(
                    "the reference names only a journal and a year, or an author and a year",
                )?;
                match matching {
                    Some(1) => f.write_str("; 1 record matches it"),
                    Some(n) => write!(f, "; {n} records match it"),
                    None => Ok(()),
                }
            }
            Note::FoundByTopic => f.write_str(
                "the record was told apart from the others only by the claim's topic words",
            ),
            Note::Unsearchable(why) => write!(f, "not looked up: {why}"),
        }
    }
}

/// The outcome for one citation.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// The citation as written.
    pub input: String,
    pub status: ResolutionStatus,
    pub pmid: Option<Pmid>,
    pub score: Option<f64>,
    /// Citation fields the chosen record agrees with.
    pub matched: Vec<Field>,
    pub notes: Vec<Note>,
    pub candidates: Vec<Candidate>,
    /// Every question put to the source for this citation, in order.
    pub lookups: Vec<Lookup>,
    /// Why the citation could not be checked.
    pub failure: Option<SourceError>,
    /// How much the reference says, identifiers aside.
    pub completeness: Completeness,
    /// What was read from the citation.
    pub citation: Citation,
    /// The chosen record, when resolved.
    pub record: Option<Arc<Record>>,
}

impl Resolution {
    pub(super) fn new(citation: Citation) -> Self {
        Resolution {
            input: citation.input.clone(),
            status: ResolutionStatus::NotFound,
            pmid: None,
            score: None,
            matched: Vec::new(),
            notes: Vec::new(),
            candidates: Vec::new(),
            lookups: Vec::new(),
            failure: None,
            completeness: Completeness::of(&citation),
            citation,
            record: None,
        }
    }

    /// Why the citation could not be checked, in words.
    pub fn reason(&self) -> Option<String> {
        self.failure.as_ref().map(ToString::to_string)
    }

    /// Whether the citation names a record (resolved, or probably that one).
    pub fn found(&self) -> bool {
        matches!(
            self.status,
            ResolutionStatus::Resolved | ResolutionStatus::Probable
        )
    }

    /// The disagreements between the citation and the record it resolved to.
    pub fn disagreements(&self) -> impl Iterator<Item = &Disagreement> {
        self.notes.iter().filter_map(|note| match note {
            Note::Disagreement(d) => Some(d),
            _ => None,
        })
    }
}

/// Building blocks for other modules' unit tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use crate::citation::parse_citation;

    /// A resolution of `input` with nothing found yet.
    pub fn empty(input: &str) -> Resolution {
        Resolution::new(parse_citation(input))
    }

    /// `input` resolved to `record`.
    pub fn resolved(input: &str, record: Record) -> Resolution {
        let mut resolution = empty(input);
        resolution.status = ResolutionStatus::Resolved;
        resolution.pmid = Some(record.pmid);
        resolution.score = Some(1.0);
        resolution.record = Some(Arc::new(record));
        resolution
    }
}
