//! Streaming reader for PubMed XML (`PubmedArticleSet`, as efetch returns it).
//!
//! The reader walks quick-xml events once and keeps only the element path and the record
//! being built, never a tree of the whole document, so memory stays flat however many
//! records a file holds. Subtrees that say nothing about a record's evidence (reference
//! lists, affiliations, grants, book sections...) are skipped without being dispatched.
//!
//! Every problem with the input is a [`ParseError`]; no input makes this module panic.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesRef, BytesStart, Event};
use thiserror::Error;

mod draft;

use self::draft::Draft;
use crate::pubmed::record::{Record, RecordKind};

/// Why a document could not be read as PubMed XML.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("the input is empty; expected PubMed XML (<PubmedArticleSet>)")]
    Empty,
    #[error(
        "invalid UTF-8 at line {line}, column {column}; PubMed XML is always UTF-8, \
         so the file is damaged or is not an efetch answer"
    )]
    InvalidUtf8 { line: usize, column: usize },
    #[error(
        "an HTML page, not PubMed XML (line {line}); the server or a proxy answered with \
         a web page instead of efetch XML"
    )]
    Html { line: usize },
    #[error("NCBI returned an error instead of records: {message}")]
    Ncbi { message: String },
    #[error("not PubMed XML: the root element is <{root}>, expected <PubmedArticleSet>")]
    NotPubmed { root: String },
    #[error(
        "truncated XML at line {line}: <{open}> is never closed; the download was \
         probably cut off, fetch it again"
    )]
    Truncated { open: String, line: usize },
    #[error("malformed XML at line {line}, column {column}: {message}")]
    Malformed {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("<{element}> at line {line} has no PMID, so it cannot be identified")]
    MissingPmid { element: String, line: usize },
    #[error(
        "<{element}> at line {line} has PMID \"{pmid}\", which is not a PMID (a positive whole number)"
    )]
    InvalidPmid {
        element: String,
        pmid: String,
        line: usize,
    },
}

/// Parses a whole efetch answer into records, in document order.
pub fn parse_article_set(input: &[u8]) -> Result<Vec<Record>, ParseError> {
    ArticleReader::new(input)?.collect()
}

/// Iterates over the records of a `PubmedArticleSet`, one at a time.
pub struct ArticleReader<'a> {
    input: &'a str,
    xml: Reader<&'a [u8]>,
    /// Names of the open elements inside the root, outermost first; elements the
    /// reader does not look at are all recorded as [`OTHER_ELEMENT`].
    path: Vec<&'static str>,
    draft: Option<Draft>,
    finished: bool,
}

impl<'a> ArticleReader<'a> {
    /// Checks that `input` is a PubMed article set and positions the reader inside it.
    pub fn new(input: &'a [u8]) -> Result<Self, ParseError> {
        let input = std::str::from_utf8(input).map_err(|e| {
            let (line, column) = line_column(input, e.valid_up_to());
            ParseError::InvalidUtf8 { line, column }
        })?;
        if input.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        let mut xml = Reader::from_str(input);
        xml.config_mut().check_end_names = true;
        let mut reader = ArticleReader {
            input,
            xml,
            path: Vec::with_capacity(16),
            draft: None,
            finished: false,
        };
        reader.enter_root()?;
        Ok(reader)
    }

    /// Reads the prolog and the root element; anything but `PubmedArticleSet` is an error.
    fn enter_root(&mut self) -> Result<(), ParseError> {
        loop {
            let start = self.xml.buffer_position() as usize;
            match self.xml.read_event() {
                Ok(Event::Start(e)) => {
                    let root = e.name().into_inner();
                    return match root {
                        "PubmedArticleSet" => Ok(()),
                        _ => Err(self.wrong_root(root, start)),
                    };
                }
                Ok(Event::Empty(e)) => {
                    let root = e.name().into_inner();
                    return match root {
                        "PubmedArticleSet" => {
                            self.finished = true;
                            Ok(())
                        }
                        _ => Err(self.wrong_root(root, start)),
                    };
                }
                Ok(Event::DocType(d))
                    if d.trim_start()
                        .get(..4)
                        .is_some_and(|n| n.eq_ignore_ascii_case("html")) =>
                {
                    return Err(ParseError::Html {
                        line: self.line_of(start),
                    });
                }
                Ok(Event::Text(t)) if !t.trim().is_empty() => {
                    return Err(ParseError::NotPubmed {
                        root: "(text before any element)".to_owned(),
                    });
                }
                Ok(Event::Eof) => {
                    return Err(ParseError::NotPubmed {
                        root: "(no element at all)".to_owned(),
                    });
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    /// Explains a root element that is not an article set: HTML, an NCBI error answer
    /// (`<eFetchResult><ERROR>…`), or some other XML.
    fn wrong_root(&mut self, root: &str, offset: usize) -> ParseError {
        if root.eq_ignore_ascii_case("html") {
            return ParseError::Html {
                line: self.line_of(offset),
            };
        }
        if let Some(message) = ncbi_error_message(&self.input[offset..]) {
            return ParseError::Ncbi { message };
        }
        ParseError::NotPubmed {
            root: root.to_owned(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        line_column(self.input.as_bytes(), offset).0
    }

    fn xml_error(&self, error: XmlError) -> ParseError {
        let offset = self.xml.error_position() as usize;
        let (line, column) = line_column(self.input.as_bytes(), offset);
        // Every "unclosed" syntax error means the input ended inside markup.
        let remaining = self.input.len().saturating_sub(offset);
        let cut_off = match &error {
            XmlError::Syntax(SyntaxError::InvalidBangMarkup) => remaining < 16,
            XmlError::Syntax(_) => true,
            XmlError::IllFormed(IllFormedError::MissingEndTag(_)) => true,
            _ => false,
        };
        if cut_off {
            let open = match &error {
                XmlError::IllFormed(IllFormedError::MissingEndTag(name)) => name.clone(),
                _ => self.path.last().unwrap_or(&"PubmedArticleSet").to_string(),
            };
            return ParseError::Truncated { open, line };
        }
        ParseError::Malformed {
            message: error.to_string(),
            line,
            column,
        }
    }

    /// Reads events until one record is complete.
    fn next_record(&mut self) -> Result<Option<Record>, ParseError> {
        loop {
            let offset = self.xml.buffer_position() as usize;
            let event = self.xml.read_event().map_err(|e| self.xml_error(e))?;
            match event {
                Event::Start(e) => {
                    let name = known_element(e.name().into_inner());
                    if self.skips(name, &e) {
                        self.xml
                            .read_to_end(e.name())
                            .map_err(|err| self.xml_error(err))?;
                        continue;
                    }
                    self.path.push(name);
                    self.open(name, &e, offset);
                }
                Event::Empty(e) => {
                    let name = known_element(e.name().into_inner());
                    self.path.push(name);
                    self.open(name, &e, offset);
                    if let Some(record) = self.close()? {
                        return Ok(Some(record));
                    }
                }
                Event::End(_) => {
                    if self.path.is_empty() {
                        // The root's end tag: nothing may follow but trailing markup.
                        self.finished = true;
                        return Ok(None);
                    }
                    if let Some(record) = self.close()? {
                        return Ok(Some(record));
                    }
                }
                Event::Text(t) => {
                    if let Some(draft) = &mut self.draft
                        && draft.capture.is_some()
                    {
                        draft.text.push_str(&t.into_inner());
                    }
                }
                Event::CData(c) => {
                    if let Some(draft) = &mut self.draft
                        && draft.capture.is_some()
                    {
                        draft.text.push_str(&c.into_inner());
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(draft) = &mut self.draft
                        && draft.capture.is_some()
                    {
                        push_reference(&mut draft.text, &r);
                    }
                }
                Event::Eof => {
                    let open = self
                        .path
                        .first()
                        .map_or("PubmedArticleSet", |name| *name)
                        .to_owned();
                    return Err(ParseError::Truncated {
                        open,
                        line: self.line_of(self.input.len()),
                    });
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    /// Whether the subtree starting here is skipped without looking inside it.
    fn skips(&self, name: &str, element: &BytesStart) -> bool {
        match name {
            "ReferenceList" | "AffiliationInfo" | "Affiliation" | "InvestigatorList"
            | "GrantList" | "History" | "OtherAbstract" | "Sections" | "DataBankList"
            | "SupplMeshList" | "GeneConfirmation" | "DeleteCitation" => true,
            // `Cites` links are reference lists in older DTDs: hundreds per record.
            "CommentsCorrections" => attribute(element, "RefType").as_deref() == Some("Cites"),
            _ => false,
        }
    }

    /// Handles a start tag; `self.path` already ends with `name`.
    fn open(&mut self, name: &str, element: &BytesStart, offset: usize) {
        let depth = self.path.len();
        if depth == 1 {
            let kind = match name {
                "PubmedArticle" => RecordKind::JournalArticle,
                "PubmedBookArticle" => RecordKind::BookArticle,
                _ => return,
            };
            self.draft = Some(Draft::new(kind, offset));
            return;
        }
        let parent = self.path[depth - 2];
        let grandparent = if depth >= 3 { self.path[depth - 3] } else { "" };
        if let Some(draft) = &mut self.draft {
            draft.open(name, parent, grandparent, element, depth);
        }
    }

    /// Handles an end tag (the element on top of `self.path`); returns the record when
    /// its article element closes.
    fn close(&mut self) -> Result<Option<Record>, ParseError> {
        let depth = self.path.len();
        let name = self.path.pop().unwrap_or_default();
        let Some(draft) = &mut self.draft else {
            return Ok(None);
        };
        if let Some((field, capture_depth)) = draft.capture
            && capture_depth == depth
        {
            draft.capture = None;
            let text = collapse_whitespace(std::mem::take(&mut draft.text));
            draft.store(field, text);
        }
        if name == "Author" {
            draft.end_author();
        }
        if depth == 1 {
            let draft = self.draft.take().expect("draft checked above");
            let start = draft.start;
            // The line number is only worked out for the error: counting lines for every
            // record would make large files quadratic.
            return match draft.finish() {
                Ok(record) => Ok(Some(record)),
                Err(None) => Err(ParseError::MissingPmid {
                    element: name.to_owned(),
                    line: self.line_of(start),
                }),
                Err(Some(pmid)) => Err(ParseError::InvalidPmid {
                    element: name.to_owned(),
                    pmid,
                    line: self.line_of(start),
                }),
            };
        }
        Ok(None)
    }
}

impl Iterator for ArticleReader<'_> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.next_record() {
            Ok(Some(record)) => Some(Ok(record)),
            Ok(None) => None,
            Err(error) => {
                // One error ends the document: what follows cannot be trusted.
                self.finished = true;
                Some(Err(error))
            }
        }
    }
}

/// Stands for every element name the reader never looks at.
const OTHER_ELEMENT: &str = "*";

/// Maps an element name to a static name when the reader looks at it, so the open
/// element path can outlive each event without copying names.
fn known_element(name: &str) -> &'static str {
    // A `match` on strings compiles to a comparison tree, not a scan of a list.
    macro_rules! known {
        ($($known:literal),* $(,)?) => {
            match name {
                $($known => $known,)*
                _ => OTHER_ELEMENT,
            }
        };
    }
    known![
        "PubmedArticle",
        "PubmedBookArticle",
        "MedlineCitation",
        "BookDocument",
        "PMID",
        "Article",
        "ArticleTitle",
        "VernacularTitle",
        "Abstract",
        "AbstractText",
        "AuthorList",
        "Author",
        "LastName",
        "ForeName",
        "Initials",
        "Suffix",
        "CollectiveName",
        "Journal",
        "JournalIssue",
        "Title",
        "ISOAbbreviation",
        "Volume",
        "Issue",
        "PubDate",
        "Year",
        "MedlineDate",
        "ArticleDate",
        "Book",
        "BookTitle",
        "Pagination",
        "MedlinePgn",
        "StartPage",
        "EndPage",
        "ELocationID",
        "PubmedData",
        "PubmedBookData",
        "ArticleIdList",
        "ArticleId",
        "PublicationTypeList",
        "PublicationType",
        "MeshHeadingList",
        "MeshHeading",
        "DescriptorName",
        "QualifierName",
        "KeywordList",
        "ChemicalList",
        "Chemical",
        "NameOfSubstance",
        "Keyword",
        "Language",
        "CommentsCorrectionsList",
        "CommentsCorrections",
        "RefSource",
        "DateRevised",
        "Month",
        "Day",
    ]
}

/// Value of an attribute, unescaped; `None` when absent or unreadable.
pub(super) fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    let attr = element.try_get_attribute(name).ok()??;
    let value = attr
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .unwrap_or_else(|_| attr.value.clone());
    Some(value.into_owned())
}

pub(super) fn is_yes(value: Option<String>) -> bool {
    value.as_deref() == Some("Y")
}

/// Appends the text an entity or character reference stands for. An entity that is not
/// one of XML's five is kept as written rather than dropped.
fn push_reference(text: &mut String, reference: &BytesRef) {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        text.push(ch);
        return;
    }
    let name: Cow<str> = reference.clone().into_inner();
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(resolved) => text.push_str(resolved),
        None => {
            text.push('&');
            text.push_str(&name);
            text.push(';');
        }
    }
}

/// Collapses runs of whitespace (pretty-printing, line breaks inside titles) to one
/// space and trims the ends. Hands the text back as it is, without copying, when it is
/// already clean, which is the common case.
fn collapse_whitespace(text: String) -> String {
    let clean = !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && !text
            .as_bytes()
            .windows(2)
            .any(|pair| pair[0].is_ascii_whitespace() && pair[1].is_ascii_whitespace())
        && !text.bytes().any(|b| matches!(b, b'\n' | b'\r' | b'\t'));
    if clean {
        return text;
    }
    crate::text::collapse_whitespace(&text)
}

/// The first four-digit year in a date text such as "2020 Nov-Dec" or "1998-1999".
pub(super) fn first_year(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let digits = &bytes[i..i + 4];
        let boundary_before = i == 0 || !bytes[i - 1].is_ascii_digit();
        let boundary_after = bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        if boundary_before && boundary_after && digits.iter().all(u8::is_ascii_digit) {
            text[i..i + 4].parse().ok()
        } else {
            None
        }
    })
}

/// Finds `<ERROR>…</ERROR>` in an E-utilities answer (NCBI reports failures inside a
/// 200 response) and returns its text.
fn ncbi_error_message(document: &str) -> Option<String> {
    let start = document.find("<ERROR>")? + "<ERROR>".len();
    let end = document[start..]
        .find("</ERROR>")
        .map_or(document.len(), |e| start + e);
    let message = collapse_whitespace(document[start..end].to_owned());
    Some(if message.is_empty() {
        "(empty ERROR element)".to_owned()
    } else {
        message
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(input: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(input.len());
    let before = &input[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
