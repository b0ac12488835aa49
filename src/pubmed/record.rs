//! The PubMed record: everything claimaudit reads from one `PubmedArticle` or
//! `PubmedBookArticle`, in plain owned fields.
//!
//! This is the type the cache stores and every later stage (evidence, verdicts,
//! reports) reads. Optional fields are skipped in JSON when absent so cache files stay
//! short and diffs stay readable.

use serde::{Deserialize, Serialize};

use crate::ids::{Doi, Pmcid, Pmid};
use crate::text::SearchableText;

/// Which PubMed element the record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// `PubmedArticle`: a journal article.
    #[default]
    JournalArticle,
    /// `PubmedBookArticle`: an NCBI Bookshelf item (GeneReviews, StatPearls, ...).
    BookArticle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub pmid: Pmid,
    /// `PMID/@Version`: NLM numbers a rare re-issued citation 2, 3...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u16>,
    /// `MedlineCitation/DateRevised` as `YYYY-MM-DD`: when NLM last changed the record.
    /// Of two copies of one PMID, the later revision is the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised: Option<String>,
    #[serde(default)]
    pub kind: RecordKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vernacular_title: Option<String>,
    /// Abstract sections in document order; an unstructured abstract is one section
    /// without a label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abstract_sections: Vec<AbstractSection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// Editors of the book a book article belongs to (GeneReviews lists only these).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub editors: Vec<Author>,
    /// Journal title, or the book title for a book article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso_abbrev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Where `year` came from, so a reader can tell an issue date from an e-pub date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_source: Option<YearSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<Doi>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmcid: Option<Pmcid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publication_types: Vec<PublicationType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mesh: Vec<MeshHeading>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// `ChemicalList/Chemical/NameOfSubstance`: the substances NLM's indexers recorded
    /// (the product a study tested is often only named here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substances: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// `MedlineCitation/@Status`: MEDLINE, PubMed-not-MEDLINE, In-Process, Publisher, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation_status: Option<String>,
    /// Retractions, errata, expressions of concern, updates and comments linked to
    /// this record. `Cites` links (reference lists) are not kept: they say nothing
    /// about the record's own standing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments_corrections: Vec<CommentCorrection>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum YearSource {
    /// `JournalIssue/PubDate/Year` (or the book's `PubDate/Year`).
    PubDate,
    /// The first year in `PubDate/MedlineDate`, e.g. "2020 Nov-Dec".
    MedlineDate,
    /// `ArticleDate` (electronic publication) when the issue date has no year.
    ArticleDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AbstractSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nlm_category: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Author {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fore_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initials: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// A group author such as "COVID-19 Study Group".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collective_name: Option<String>,
}

impl Author {
    /// "An Y", "Smith JA Jr", or the collective name: the form PubMed displays.
    pub fn display_name(&self) -> String {
        if let Some(group) = &self.collective_name {
            return group.clone();
        }
        let mut name = self.last_name.clone().unwrap_or_default();
        for part in [&self.initials, &self.suffix].into_iter().flatten() {
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(part);
        }
        name
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PublicationType {
    pub name: String,
    /// MeSH unique id, e.g. D016449; absent in older DTDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MeshHeading {
    pub descriptor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<String>,
    pub major: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualifiers: Vec<MeshQualifier>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MeshQualifier {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<String>,
    pub major: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CommentCorrection {
    /// `RefType`, e.g. RetractionIn, ErratumIn, ExpressionOfConcernIn, UpdateIn.
    pub ref_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<Pmid>,
}

/// Which parts of a record a text search reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextParts {
    /// Title, abstract and author keywords: what the authors wrote about their study.
    Written,
    /// Also the MeSH headings and substances NLM's indexers assigned: what the record is
    /// about.
    WrittenAndIndexed,
}

impl Record {
    /// A record with only its PMID; every other field empty.
    pub fn new(pmid: Pmid) -> Self {
        Record {
            pmid,
            version: None,
            revised: None,
            kind: RecordKind::default(),
            title: String::new(),
            vernacular_title: None,
            abstract_sections: Vec::new(),
            authors: Vec::new(),
            editors: Vec::new(),
            journal: None,
            iso_abbrev: None,
            volume: None,
            issue: None,
            pages: None,
            year: None,
            year_source: None,
            doi: None,
            pmcid: None,
            publication_types: Vec::new(),
            mesh: Vec::new(),
            keywords: Vec::new(),
            substances: Vec::new(),
            languages: Vec::new(),
            citation_status: None,
            comments_corrections: Vec::new(),
        }
    }

    /// Orders two copies of one PMID: the later `DateRevised`, then the higher version,
    /// is the newer. A copy without a revision date is older than one with.
    pub fn revision(&self) -> (Option<&str>, Option<u16>) {
        (self.revised.as_deref(), self.version)
    }

    /// The record's text for whole-word matching (see [`SearchableText`]); every
    /// comparison of words with a record goes through here.
    pub fn searchable_text(&self, parts: TextParts) -> SearchableText {
        let abstract_text = self.abstract_text();
        let mut pieces: Vec<&str> = vec![&self.title, &abstract_text];
        pieces.extend(self.keywords.iter().map(String::as_str));
        if parts == TextParts::WrittenAndIndexed {
            pieces.extend(self.mesh.iter().map(|m| m.descriptor.as_str()));
            pieces.extend(self.substances.iter().map(String::as_str));
        }
        SearchableText::new(pieces)
    }

    /// The journal as PubMed abbreviates it, else its full title.
    pub fn journal_name(&self) -> Option<&str> {
        self.iso_abbrev.as_deref().or(self.journal.as_deref())
    }

    pub fn has_publication_type(&self, name: &str) -> bool {
        self.publication_types
            .iter()
            .any(|t| t.name.eq_ignore_ascii_case(name))
    }

    pub fn has_mesh(&self, descriptor: &str) -> bool {
        self.mesh
            .iter()
            .any(|m| m.descriptor.eq_ignore_ascii_case(descriptor))
    }

    pub fn links_of(&self, ref_type: &str) -> impl Iterator<Item = &CommentCorrection> {
        self.comments_corrections
            .iter()
            .filter(move |c| c.ref_type == ref_type)
    }

    /// The abstract as one text, sections prefixed by their labels.
    pub fn abstract_text(&self) -> String {
        let mut text = String::new();
        for section in &self.abstract_sections {
            if !text.is_empty() {
                text.push(' ');
            }
            if let Some(label) = &section.label {
                text.push_str(label);
                text.push_str(": ");
            }
            text.push_str(&section.text);
        }
        text
    }
}

/// A hand-made MEDLINE record for unit tests: a PMID, publication types and MeSH
/// descriptors, nothing else.
#[cfg(test)]
pub(crate) fn test_record(pmid: &str, types: &[&str], mesh: &[&str]) -> Record {
    Record {
        title: format!("Record {pmid}"),
        citation_status: Some("MEDLINE".into()),
        publication_types: types
            .iter()
            .map(|t| PublicationType {
                name: (*t).into(),
                ui: None,
            })
            .collect(),
        mesh: mesh
            .iter()
            .map(|d| MeshHeading {
                descriptor: (*d).into(),
                ..MeshHeading::default()
            })
            .collect(),
        ..Record::new(pmid.parse().expect("a test PMID"))
    }
}
