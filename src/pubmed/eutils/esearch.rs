//! Reads esearch answers (`eSearchResult` XML).

use quick_xml::Reader;
use quick_xml::events::Event;
use thiserror::Error;

use crate::ids::Pmid;
use crate::pubmed::source::SearchHits;

/// Why an esearch answer is not usable (the client retries these like a server error).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SearchAnswerError {
    #[error("the answer is not UTF-8")]
    NotUtf8,
    #[error("an HTML page instead of an esearch answer")]
    Html,
    #[error("unexpected root element <{0}>")]
    WrongRoot(String),
    #[error("malformed esearch XML: {0}")]
    Malformed(String),
    #[error("NCBI reported an error: {0}")]
    Ncbi(String),
    #[error("the answer holds no eSearchResult")]
    Empty,
    #[error("truncated esearch answer (the connection was probably cut)")]
    Truncated,
    #[error("esearch answer without a Count")]
    NoCount,
    #[error("esearch listed \"{0}\", which is not a PMID")]
    NotPmid(String),
}

/// Parses an esearch XML answer; an `<ERROR>`, HTML, or damaged XML is an error.
pub fn parse_esearch(body: &[u8]) -> Result<SearchHits, SearchAnswerError> {
    let text = std::str::from_utf8(body).map_err(|_| SearchAnswerError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut count = None;
    let mut ids = Vec::new();
    let mut error = None;
    let mut text_buffer = String::new();
    let mut saw_root = false;
    let mut closed_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().into_inner().to_owned();
                if path.is_empty() {
                    if name.eq_ignore_ascii_case("html") {
                        return Err(SearchAnswerError::Html);
                    }
                    if name != "eSearchResult" {
                        return Err(SearchAnswerError::WrongRoot(name));
                    }
                    saw_root = true;
                }
                path.push(name);
                text_buffer.clear();
            }
            Ok(Event::Empty(_)) => {}
            Ok(Event::Text(t)) => text_buffer.push_str(&t),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text_buffer.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    text_buffer.push_str(s);
                }
            }
            Ok(Event::End(_)) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or("");
                let value = text_buffer.trim();
                match (name.as_str(), parent) {
                    ("Count", "eSearchResult") => count = value.parse().ok(),
                    ("Id", "IdList") => ids.push(value.to_owned()),
                    ("ERROR", _) => error = Some(value.to_owned()),
                    _ => {}
                }
                text_buffer.clear();
                if path.is_empty() {
                    closed_root = true;
                }
            }
            Ok(Event::DocType(d)) if d.trim_start().to_ascii_lowercase().starts_with("html") => {
                return Err(SearchAnswerError::Html);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(SearchAnswerError::Malformed(e.to_string())),
        }
    }
    if let Some(message) = error {
        return Err(SearchAnswerError::Ncbi(message));
    }
    if !saw_root {
        return Err(SearchAnswerError::Empty);
    }
    if !closed_root {
        return Err(SearchAnswerError::Truncated);
    }
    let count = count.ok_or(SearchAnswerError::NoCount)?;
    let pmids = ids
        .iter()
        .map(|id| Pmid::from_digits(id).map_err(|_| SearchAnswerError::NotPmid(id.clone())))
        .collect::<Result<_, _>>()?;
    Ok(SearchHits { count, pmids })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_and_count() {
        // Hand-made, in NCBI's shape.
        let body = b"<?xml version=\"1.0\"?><eSearchResult><Count>2</Count><RetMax>2</RetMax><IdList><Id>1</Id><Id>22</Id></IdList><QueryTranslation>x[au]</QueryTranslation></eSearchResult>";
        let result = parse_esearch(body).unwrap();
        assert_eq!(result.count, 2);
        let ids: Vec<String> = result.pmids.iter().map(ToString::to_string).collect();
        assert_eq!(ids, ["1", "22"]);
    }

    #[test]
    fn errors_and_damage_are_not_results() {
        assert!(
            parse_esearch(b"<eSearchResult><ERROR>Search Backend failed</ERROR></eSearchResult>")
                .unwrap_err()
                .to_string()
                .contains("Search Backend failed")
        );
        assert!(parse_esearch(b"<eSearchResult><Count>2</Count><IdList><Id>1</Id>").is_err());
        assert!(parse_esearch(b"<!DOCTYPE html><html></html>").is_err());
        assert!(parse_esearch(b"").is_err());
        assert_eq!(
            parse_esearch(
                b"<eSearchResult><Count>1</Count><IdList><Id>12x</Id></IdList></eSearchResult>"
            ),
            Err(SearchAnswerError::NotPmid("12x".into()))
        );
    }
}
