//! Reads esearch answers (`eSearchResult` XML).

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

/// What one esearch found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResult {
    /// Total number of matching records (the id list holds at most `retmax` of them).
    pub count: u64,
    pub ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_translation: Option<String>,
}

/// Parses an esearch XML answer; an `<ERROR>`, HTML, or damaged XML is an error
/// message (the caller retries those like a server error).
pub fn parse_esearch(body: &[u8]) -> Result<SearchResult, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the answer is not UTF-8".to_owned())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut count = None;
    let mut ids = Vec::new();
    let mut translation = None;
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
                        return Err("an HTML page instead of an esearch answer".into());
                    }
                    if name != "eSearchResult" {
                        return Err(format!("unexpected root element <{name}>"));
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
                    ("QueryTranslation", "eSearchResult") => translation = Some(value.to_owned()),
                    ("ERROR", _) => error = Some(value.to_owned()),
                    _ => {}
                }
                text_buffer.clear();
                if path.is_empty() {
                    closed_root = true;
                }
            }
            Ok(Event::DocType(d)) if d.trim_start().to_ascii_lowercase().starts_with("html") => {
                return Err("an HTML page instead of an esearch answer".into());
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("malformed esearch XML: {e}")),
        }
    }
    if let Some(message) = error {
        return Err(format!("NCBI reported an error: {message}"));
    }
    if !saw_root {
        return Err("the answer holds no eSearchResult".into());
    }
    if !closed_root {
        return Err("truncated esearch answer (the connection was probably cut)".into());
    }
    let count = count.ok_or_else(|| "esearch answer without a Count".to_owned())?;
    Ok(SearchResult {
        count,
        ids,
        query_translation: translation,
    })
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
        assert_eq!(result.ids, ["1", "22"]);
        assert_eq!(result.query_translation.as_deref(), Some("x[au]"));
    }

    #[test]
    fn errors_and_damage_are_not_results() {
        assert!(
            parse_esearch(b"<eSearchResult><ERROR>Search Backend failed</ERROR></eSearchResult>")
                .unwrap_err()
                .contains("Search Backend failed")
        );
        assert!(parse_esearch(b"<eSearchResult><Count>2</Count><IdList><Id>1</Id>").is_err());
        assert!(parse_esearch(b"<!DOCTYPE html><html></html>").is_err());
        assert!(parse_esearch(b"").is_err());
    }
}
