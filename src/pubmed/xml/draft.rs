//! A record under construction: which element's text goes into which field, and how
//! the pieces (four sources for the year, two for the pages, two for the DOI) are
//! combined once the article element closes.

use quick_xml::events::BytesStart;

use super::{attribute, first_year, is_yes};
use crate::ids::Pmid;
use crate::pubmed::record::{
    AbstractSection, Author, CommentCorrection, MeshHeading, MeshQualifier, PublicationType,
    Record, RecordKind, YearSource,
};

/// The field a run of text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Pmid,
    RevisedYear,
    RevisedMonth,
    RevisedDay,
    Title,
    VernacularTitle,
    AbstractText,
    LastName,
    ForeName,
    Initials,
    Suffix,
    CollectiveName,
    JournalTitle,
    IsoAbbrev,
    Volume,
    Issue,
    PubYear,
    MedlineDate,
    ArticleDateYear,
    BookYear,
    BookTitle,
    MedlinePgn,
    StartPage,
    EndPage,
    ELocationDoi,
    ArticleIdDoi,
    ArticleIdPmc,
    PublicationType,
    Descriptor,
    Qualifier,
    Keyword,
    Substance,
    Language,
    RefSource,
    LinkedPmid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthorRole {
    Author,
    Editor,
}

/// A record under construction, plus the pieces that are only combined at the end
/// (the year has four possible sources, pages two, the DOI two).
pub(super) struct Draft {
    record: Record,
    /// Where the article element starts, for error messages.
    pub(super) start: usize,
    /// The field being captured and the depth of its element.
    pub(super) capture: Option<(Field, usize)>,
    pub(super) text: String,
    pmid: Option<String>,
    version: Option<u16>,
    revised: [Option<String>; 3],
    /// Which list the open `Author` element belongs to; `None` outside one.
    author_list: Option<AuthorRole>,
    pub_year: Option<String>,
    medline_date: Option<String>,
    article_date_year: Option<String>,
    book_year: Option<String>,
    book_title: Option<String>,
    medline_pgn: Option<String>,
    start_page: Option<String>,
    end_page: Option<String>,
    elocation_doi: Option<String>,
    article_id_doi: Option<String>,
}

impl Draft {
    pub(super) fn new(kind: RecordKind, start: usize) -> Self {
        Draft {
            // The PMID is only known once its element has been read; `finish` puts it
            // in place or refuses the record.
            record: Record {
                kind,
                ..Record::new(Pmid::new(1).expect("1 is a PMID"))
            },
            start,
            capture: None,
            text: String::new(),
            pmid: None,
            version: None,
            revised: [None, None, None],
            author_list: None,
            pub_year: None,
            medline_date: None,
            article_date_year: None,
            book_year: None,
            book_title: None,
            medline_pgn: None,
            start_page: None,
            end_page: None,
            elocation_doi: None,
            article_id_doi: None,
        }
    }

    /// The `Author` element closed.
    pub(super) fn end_author(&mut self) {
        self.author_list = None;
    }

    fn people(&mut self, role: AuthorRole) -> &mut Vec<Author> {
        match role {
            AuthorRole::Author => &mut self.record.authors,
            AuthorRole::Editor => &mut self.record.editors,
        }
    }

    pub(super) fn store(&mut self, field: Field, text: String) {
        let record = &mut self.record;
        let non_empty = |text: String| (!text.is_empty()).then_some(text);
        match field {
            Field::Pmid => self.pmid = Some(text),
            Field::RevisedYear => self.revised[0] = non_empty(text),
            Field::RevisedMonth => self.revised[1] = non_empty(text),
            Field::RevisedDay => self.revised[2] = non_empty(text),
            Field::Title => record.title = text,
            Field::VernacularTitle => record.vernacular_title = non_empty(text),
            Field::AbstractText => {
                if let Some(section) = record.abstract_sections.last_mut() {
                    section.text = text;
                }
            }
            Field::LastName
            | Field::ForeName
            | Field::Initials
            | Field::Suffix
            | Field::CollectiveName => {
                let Some(role) = self.author_list else {
                    return;
                };
                let Some(author) = self.people(role).last_mut() else {
                    return;
                };
                let slot = match field {
                    Field::LastName => &mut author.last_name,
                    Field::ForeName => &mut author.fore_name,
                    Field::Initials => &mut author.initials,
                    Field::Suffix => &mut author.suffix,
                    _ => &mut author.collective_name,
                };
                *slot = non_empty(text);
            }
            Field::JournalTitle => record.journal = non_empty(text),
            Field::IsoAbbrev => record.iso_abbrev = non_empty(text),
            Field::Volume => record.volume = non_empty(text),
            Field::Issue => record.issue = non_empty(text),
            Field::PubYear => self.pub_year = non_empty(text),
            Field::MedlineDate => self.medline_date = non_empty(text),
            Field::ArticleDateYear => self.article_date_year = non_empty(text),
            Field::BookYear => self.book_year = non_empty(text),
            Field::BookTitle => self.book_title = non_empty(text),
            Field::MedlinePgn => self.medline_pgn = non_empty(text),
            Field::StartPage => self.start_page = non_empty(text),
            Field::EndPage => self.end_page = non_empty(text),
            Field::ELocationDoi => self.elocation_doi = non_empty(text),
            Field::ArticleIdDoi => self.article_id_doi = non_empty(text),
            // An identifier PubMed spelt in a way no citation could use is dropped.
            Field::ArticleIdPmc => record.pmcid = text.parse().ok(),
            Field::PublicationType => {
                if let Some(kind) = record.publication_types.last_mut() {
                    kind.name = text;
                }
            }
            Field::Descriptor => {
                if let Some(heading) = record.mesh.last_mut() {
                    heading.descriptor = text;
                }
            }
            Field::Qualifier => {
                if let Some(qualifier) = record
                    .mesh
                    .last_mut()
                    .and_then(|heading| heading.qualifiers.last_mut())
                {
                    qualifier.name = text;
                }
            }
            Field::Keyword => {
                if !text.is_empty() {
                    record.keywords.push(text);
                }
            }
            Field::Substance => {
                if !text.is_empty() {
                    record.substances.push(text);
                }
            }
            Field::Language => {
                if !text.is_empty() {
                    record.languages.push(text);
                }
            }
            Field::RefSource => {
                if let Some(link) = record.comments_corrections.last_mut() {
                    link.ref_source = non_empty(text);
                }
            }
            Field::LinkedPmid => {
                if let Some(link) = record.comments_corrections.last_mut() {
                    link.pmid = Pmid::from_digits(&text).ok();
                }
            }
        }
    }

    /// The finished record, or why it cannot be one: no PMID, or a PMID that is not
    /// a number (`Err(Some(text))`).
    pub(super) fn finish(self) -> Result<Record, Option<String>> {
        let mut record = self.record;
        let text = self.pmid.ok_or(None)?;
        record.pmid = Pmid::from_digits(&text).map_err(|_| Some(text))?;
        record.version = self.version;
        record.revised = match self.revised {
            [Some(year), month, day] => Some(format!(
                "{year}-{:0>2}-{:0>2}",
                month.unwrap_or_else(|| "01".into()),
                day.unwrap_or_else(|| "01".into())
            )),
            _ => None,
        };
        let year = [
            (self.pub_year.as_deref(), YearSource::PubDate),
            (self.medline_date.as_deref(), YearSource::MedlineDate),
            (self.article_date_year.as_deref(), YearSource::ArticleDate),
            (self.book_year.as_deref(), YearSource::PubDate),
        ]
        .into_iter()
        .find_map(|(text, source)| first_year(text?).map(|year| (year, source)));
        if let Some((year, source)) = year {
            record.year = Some(year);
            record.year_source = Some(source);
        }
        record.pages = self.medline_pgn.or(match (self.start_page, self.end_page) {
            (Some(start), Some(end)) => Some(format!("{start}-{end}")),
            (start, _) => start,
        });
        record.doi = [self.article_id_doi, self.elocation_doi]
            .into_iter()
            .flatten()
            .find_map(|text| text.parse().ok());
        if record.kind == RecordKind::BookArticle {
            if record.title.is_empty() {
                record.title = self.book_title.clone().unwrap_or_default();
            }
            record.journal = record.journal.or(self.book_title);
        }
        record.mesh.retain(|m| !m.descriptor.is_empty());
        record.publication_types.retain(|t| !t.name.is_empty());
        record.abstract_sections.retain(|s| !s.text.is_empty());
        for people in [&mut record.authors, &mut record.editors] {
            people.retain(|a| a.last_name.is_some() || a.collective_name.is_some());
        }
        Ok(record)
    }

    /// Handles a start tag inside the article: opens the capture of a field, or adds
    /// the list entry (author, MeSH heading, link...) the field's text will go into.
    pub(super) fn open(
        &mut self,
        name: &str,
        parent: &str,
        grandparent: &str,
        element: &BytesStart,
        depth: usize,
    ) {
        let field = match (name, parent) {
            ("MedlineCitation", _) => {
                self.record.citation_status = attribute(element, "Status");
                return;
            }
            ("PMID", "MedlineCitation" | "BookDocument") if self.pmid.is_none() => {
                self.version = attribute(element, "Version").and_then(|v| v.parse().ok());
                Field::Pmid
            }
            ("Year", "DateRevised") if grandparent == "MedlineCitation" => Field::RevisedYear,
            ("Month", "DateRevised") if grandparent == "MedlineCitation" => Field::RevisedMonth,
            ("Day", "DateRevised") if grandparent == "MedlineCitation" => Field::RevisedDay,
            ("ArticleTitle", "Article" | "BookDocument") => Field::Title,
            ("VernacularTitle", "Article" | "BookDocument") => Field::VernacularTitle,
            ("AbstractText", "Abstract") if matches!(grandparent, "Article" | "BookDocument") => {
                self.record.abstract_sections.push(AbstractSection {
                    label: attribute(element, "Label"),
                    nlm_category: attribute(element, "NlmCategory"),
                    text: String::new(),
                });
                Field::AbstractText
            }
            ("Author", "AuthorList")
                if matches!(grandparent, "Article" | "BookDocument" | "Book") =>
            {
                // ValidYN="N" marks a name NLM lists but found to be wrong.
                let valid = attribute(element, "ValidYN").as_deref() != Some("N");
                self.author_list = match grandparent {
                    _ if !valid => None,
                    "Book" => Some(AuthorRole::Editor),
                    _ => Some(AuthorRole::Author),
                };
                let list = self.author_list.map(|role| self.people(role));
                if let Some(list) = list {
                    list.push(Author::default());
                }
                return;
            }
            ("LastName", "Author") if self.author_list.is_some() => Field::LastName,
            ("ForeName", "Author") if self.author_list.is_some() => Field::ForeName,
            ("Initials", "Author") if self.author_list.is_some() => Field::Initials,
            ("Suffix", "Author") if self.author_list.is_some() => Field::Suffix,
            ("CollectiveName", "Author") if self.author_list.is_some() => Field::CollectiveName,
            ("Title", "Journal") => Field::JournalTitle,
            ("ISOAbbreviation", "Journal") => Field::IsoAbbrev,
            ("Volume", "JournalIssue" | "Book") => Field::Volume,
            ("Issue", "JournalIssue") => Field::Issue,
            ("Year", "PubDate") if grandparent == "JournalIssue" => Field::PubYear,
            ("MedlineDate", "PubDate") if grandparent == "JournalIssue" => Field::MedlineDate,
            ("Year", "ArticleDate") => Field::ArticleDateYear,
            ("Year", "PubDate") if grandparent == "Book" => Field::BookYear,
            ("BookTitle", "Book") => Field::BookTitle,
            ("MedlinePgn", "Pagination") => Field::MedlinePgn,
            ("StartPage", "Pagination") => Field::StartPage,
            ("EndPage", "Pagination") => Field::EndPage,
            ("ELocationID", "Article")
                if attribute(element, "EIdType").is_some_and(|t| t.eq_ignore_ascii_case("doi")) =>
            {
                Field::ELocationDoi
            }
            ("ArticleId", "ArticleIdList")
                if matches!(
                    grandparent,
                    "PubmedData" | "PubmedBookData" | "BookDocument"
                ) =>
            {
                match attribute(element, "IdType").as_deref() {
                    Some("doi") => Field::ArticleIdDoi,
                    Some("pmc") => Field::ArticleIdPmc,
                    _ => return,
                }
            }
            ("PublicationType", "PublicationTypeList") => {
                self.record.publication_types.push(PublicationType {
                    name: String::new(),
                    ui: attribute(element, "UI"),
                });
                Field::PublicationType
            }
            ("DescriptorName", "MeshHeading") => {
                self.record.mesh.push(MeshHeading {
                    descriptor: String::new(),
                    ui: attribute(element, "UI"),
                    major: is_yes(attribute(element, "MajorTopicYN")),
                    qualifiers: Vec::new(),
                });
                Field::Descriptor
            }
            ("QualifierName", "MeshHeading") if !self.record.mesh.is_empty() => {
                let major = is_yes(attribute(element, "MajorTopicYN"));
                if let Some(heading) = self.record.mesh.last_mut() {
                    heading.qualifiers.push(MeshQualifier {
                        name: String::new(),
                        ui: attribute(element, "UI"),
                        major,
                    });
                }
                Field::Qualifier
            }
            ("Keyword", "KeywordList") => Field::Keyword,
            ("NameOfSubstance", "Chemical") => Field::Substance,
            ("Language", "Article" | "BookDocument") => Field::Language,
            ("CommentsCorrections", "CommentsCorrectionsList") => {
                self.record.comments_corrections.push(CommentCorrection {
                    ref_type: attribute(element, "RefType").unwrap_or_default(),
                    ref_source: None,
                    pmid: None,
                });
                return;
            }
            ("RefSource", "CommentsCorrections") => Field::RefSource,
            ("PMID", "CommentsCorrections") => Field::LinkedPmid,
            _ => return,
        };
        // Inline markup (<i>, <sup>, MathML) inside a captured field opens no new
        // capture: its text simply joins the field's text.
        if self.capture.is_none() {
            self.capture = Some((field, depth));
            self.text.clear();
        }
    }
}
