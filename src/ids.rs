//! The identifiers a citation can carry: PMID, DOI and PMCID.
//!
//! This is the one place that knows what each looks like. Every spelling is accepted and
//! normalised once, at intake (claims file, command line, free-text citations, PubMed
//! records): NFKC first, so full-width digits from Japanese copy (`ＰＭＩＤ ３３４５８８９９`)
//! read as ASCII; then the labels and URL forms (`PMID: 1`, `https://pubmed.ncbi.nlm.nih.gov/1/`,
//! `doi:`, `https://dx.doi.org/…`, `…/pmc/articles/PMC1/`). From there on the typed values
//! travel unchanged to the resolver and the cache, whose file names they become.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::text::nfkc;

/// The largest PMID: PMIDs have at most 9 digits.
const MAX_PMID: u32 = 999_999_999;

/// Why a text is not the identifier it was given as.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdError {
    #[error("\"{0}\" is not a PMID: {expected}", expected = self.expected())]
    Pmid(String),
    #[error("\"{0}\" is not a DOI: {expected}", expected = self.expected())]
    Doi(String),
    #[error("\"{0}\" is not a PMCID: {expected}", expected = self.expected())]
    Pmcid(String),
}

impl IdError {
    /// What the identifier should look like, in a phrase.
    pub fn expected(&self) -> &'static str {
        match self {
            IdError::Pmid(_) => {
                "a PMID is a positive whole number of at most 9 digits, e.g. 33458899"
            }
            IdError::Doi(_) => "a DOI looks like 10.1056/NEJMoa1210384",
            IdError::Pmcid(_) => "a PMCID looks like PMC7092803",
        }
    }
}

/// A PubMed identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pmid(u32);

impl Pmid {
    /// A PMID from its number; `None` for 0 or more than 9 digits.
    pub fn new(number: u32) -> Option<Self> {
        (1..=MAX_PMID).contains(&number).then_some(Pmid(number))
    }

    /// A PMID from ASCII digits only (no label, no spaces), as PubMed XML and the cache
    /// write it.
    pub fn from_digits(digits: &str) -> Result<Self, IdError> {
        let error = || IdError::Pmid(digits.to_owned());
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        digits.parse().ok().and_then(Pmid::new).ok_or_else(error)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Pmid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Accepts `33458899`, `PMID: 33458899`, `pmid:33458899`, `PMID 33458899`, full-width
/// digits, and PubMed URLs.
impl FromStr for Pmid {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        let normal = nfkc(text);
        let trimmed = normal.trim();
        if let Some(c) = PUBMED_URL.captures(trimmed)
            && c.get(0).is_some_and(|m| m.len() == trimmed.len())
        {
            return Pmid::from_digits(&c[1]).map_err(|_| IdError::Pmid(text.trim().to_owned()));
        }
        let digits = strip_label(trimmed, "pmid").trim_start_matches([':', '#', ' ']);
        Pmid::from_digits(digits.trim()).map_err(|_| IdError::Pmid(text.trim().to_owned()))
    }
}

/// A Digital Object Identifier, kept as written (DOIs are case-insensitive, so equality
/// and ordering ignore ASCII case).
#[derive(Debug, Clone, Eq)]
pub struct Doi(String);

impl Doi {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for comparing: ASCII lower case.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// A DOI from its bare form (`10.x/y`), trailing sentence punctuation removed.
    fn from_bare(bare: &str, original: &str) -> Result<Self, IdError> {
        let doi = trim_doi_end(bare.trim());
        if DOI_SHAPE.is_match(&doi) {
            Ok(Doi(doi))
        } else {
            Err(IdError::Doi(original.trim().to_owned()))
        }
    }
}

impl PartialEq for Doi {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl std::hash::Hash for Doi {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Doi {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Doi {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Doi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Accepts `10.1056/NEJMoa1210384`, `doi:10.…`, `DOI: 10.…`, and `http(s)://(dx.|www.)doi.org/…`
/// (percent-encoded or not).
impl FromStr for Doi {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        let normal = nfkc(text);
        let trimmed = normal.trim();
        if let Some(rest) = DOI_URL_PREFIX.find(trimmed).map(|m| &trimmed[m.end()..]) {
            return Doi::from_bare(&percent_decode(rest), text);
        }
        let bare = strip_label(trimmed, "doi").trim_start_matches([':', ' ']);
        Doi::from_bare(bare, text)
    }
}

/// A PubMed Central identifier, shown as `PMC7092803`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pmcid(u32);

impl Pmcid {
    pub fn new(number: u32) -> Option<Self> {
        (1..=MAX_PMID).contains(&number).then_some(Pmcid(number))
    }

    fn from_digits(digits: &str, original: &str) -> Result<Self, IdError> {
        let error = || IdError::Pmcid(original.trim().to_owned());
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        digits.parse().ok().and_then(Pmcid::new).ok_or_else(error)
    }
}

impl fmt::Display for Pmcid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PMC{}", self.0)
    }
}

/// Accepts `PMC7092803`, `PMC 7092803`, `PMCID: PMC7092803`, the bare number, and PMC
/// article URLs.
impl FromStr for Pmcid {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, IdError> {
        let normal = nfkc(text);
        let trimmed = normal.trim();
        if let Some(c) = PMCID_IN_TEXT.captures(trimmed)
            && c.get(0).is_some_and(|m| m.len() == trimmed.len())
        {
            return Pmcid::from_digits(&c[1], text);
        }
        let rest = strip_label(trimmed, "pmcid").trim_start_matches([':', ' ']);
        let digits = strip_label(rest, "pmc").trim_start();
        Pmcid::from_digits(digits, text)
    }
}

macro_rules! as_string_in_serde {
    ($($id:ty),*) => {$(
        impl Serialize for $id {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $id {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

as_string_in_serde!(Pmid, Doi, Pmcid);

/// `text` without a leading `label` (any case), or `text` itself.
fn strip_label<'t>(text: &'t str, label: &str) -> &'t str {
    match text.get(..label.len()) {
        Some(head) if head.eq_ignore_ascii_case(label) => &text[label.len()..],
        _ => text,
    }
}

/// A DOI without trailing sentence punctuation, and without a closing bracket that
/// belongs to the sentence rather than the DOI ("(doi:10.1/x)").
fn trim_doi_end(raw: &str) -> String {
    let mut doi = raw.trim_end_matches(['.', ',', ';', ':']).to_owned();
    while doi.ends_with(')') && doi.matches(')').count() > doi.matches('(').count() {
        doi.pop();
    }
    while doi.ends_with(']') && doi.matches(']').count() > doi.matches('[').count() {
        doi.pop();
    }
    doi.trim_end_matches(['.', ',', ';']).to_owned()
}

/// `%28` → `(`; malformed escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in pattern")
}

// The patterns below run on NFKC-normalised text and use `[0-9]`, never `\d`, which in
// Rust's regex matches every script's digits.

static PUBMED_URL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)([0-9]{1,9})/?",
    )
});
static PMID_LABEL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\bPMID\s*[:#]?\s*([0-9]{1,9})\b"));
static PMCID_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:\bPMCID\s*[:#]?\s*)?(?:https?://\S*?/(?:pmc/articles/|articles/))?\bPMC\s?([0-9]{1,9})\b/?(?:\s*\[PMC\])?",
    )
});
static DOI_URL_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^(?:https?://)?(?:www\.|dx\.)?doi\.org/"));
static DOI_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)(?:(?:https?://)?(?:www\.|dx\.)?doi\.org/|\bdoi\s*:?\s*)?\b(10\.[0-9]{4,9}/[^\s"<>]+)"#,
    )
});
static DOI_SHAPE: LazyLock<Regex> = LazyLock::new(|| regex(r"^10\.[0-9]{4,9}/\S+$"));

/// An identifier found inside free text, with the byte range it occupied there (label
/// and URL included), so the caller can read the rest of the text without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub id: T,
    pub span: Range<usize>,
}

/// A PubMed URL in `text` (already NFKC-normalised).
pub fn find_pubmed_url(text: &str) -> Option<Found<Pmid>> {
    let c = PUBMED_URL.captures(text)?;
    Some(Found {
        id: Pmid::from_digits(&c[1]).ok()?,
        span: c.get(0)?.range(),
    })
}

/// A labelled PMID (`PMID: 123`) in `text` (already NFKC-normalised).
pub fn find_pmid_label(text: &str) -> Option<Found<Pmid>> {
    let c = PMID_LABEL.captures(text)?;
    Some(Found {
        id: Pmid::from_digits(&c[1]).ok()?,
        span: c.get(0)?.range(),
    })
}

/// Anything a label or a URL calls a PMID or PMCID. Its number is checked apart, so
/// `PMID: 0` or forty digits are seen as a PMID written wrongly, never as other text.
static LABELLED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:\bPMID\s*[:#]?\s*|(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)|\bPMC(?:ID\s*[:#]?\s*(?:PMC)?)?\s?)([0-9]+)",
    )
});

/// A labelled PMID or PMCID whose number is not a valid one (`PMID: 0`, `PMC` with
/// twelve digits), in `text` (already NFKC-normalised): what the writer meant, and why it
/// is wrong. A valid labelled identifier is found by the other `find_` functions.
pub fn find_malformed_label(text: &str) -> Option<Found<IdError>> {
    LABELLED_NUMBER.captures_iter(text).find_map(|c| {
        let whole = c.get(0)?;
        let is_pmc = whole
            .as_str()
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("pmc");
        let number = &c[1];
        let error = if is_pmc {
            Pmcid::from_digits(number, whole.as_str()).err()?
        } else {
            Pmid::from_digits(number)
                .err()
                .map(|_| IdError::Pmid(whole.as_str().trim().to_owned()))?
        };
        Some(Found {
            id: error,
            span: whole.range(),
        })
    })
}

/// A PMCID, bare or as a PMC URL, in `text` (already NFKC-normalised).
pub fn find_pmcid(text: &str) -> Option<Found<Pmcid>> {
    let c = PMCID_IN_TEXT.captures(text)?;
    Some(Found {
        id: Pmcid::from_digits(&c[1], &c[0]).ok()?,
        span: c.get(0)?.range(),
    })
}

/// A DOI, bare, labelled or as a doi.org URL, in `text` (already NFKC-normalised).
pub fn find_doi(text: &str) -> Option<Found<Doi>> {
    let c = DOI_IN_TEXT.captures(text)?;
    let whole = c.get(0)?;
    let bare = if whole.as_str().to_ascii_lowercase().contains("doi.org/") {
        percent_decode(&c[1])
    } else {
        c[1].to_owned()
    };
    Some(Found {
        id: Doi::from_bare(&bare, whole.as_str()).ok()?,
        span: whole.range(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_identifiers_with_a_bad_number_are_found_as_such() {
        for (text, kind) in [
            ("PMID: 0", "PMID"),
            ("see PMID 0000000000000000000000000000000000000001.", "PMID"),
            ("https://pubmed.ncbi.nlm.nih.gov/1234567890/", "PMID"),
            ("PMC0", "PMCID"),
            ("PMCID: PMC1234567890", "PMCID"),
        ] {
            let found = find_malformed_label(text).unwrap_or_else(|| panic!("{text}"));
            assert!(
                found.id.to_string().contains(&format!("is not a {kind}")),
                "{text}: {}",
                found.id
            );
        }
        for fine in ["PMID: 33458899", "PMC7092803", "no identifier here", "2021"] {
            assert_eq!(find_malformed_label(fine), None, "{fine}");
        }
    }

    #[test]
    fn pmids_in_every_spelling() {
        for text in [
            "33458899",
            " PMID: 33458899 ",
            "pmid:33458899",
            "PMID 33458899",
            "PMID#33458899",
            "３３４５８８９９",
            "ＰＭＩＤ：３３４５８８９９",
            "https://pubmed.ncbi.nlm.nih.gov/33458899/",
            "http://www.ncbi.nlm.nih.gov/pubmed/33458899",
        ] {
            assert_eq!(text.parse::<Pmid>(), Ok(Pmid(33_458_899)), "{text}");
        }
    }

    #[test]
    fn what_is_not_a_pmid_is_refused_without_panicking() {
        for text in [
            "",
            "0",
            "PMID",
            "12a",
            "1234567890",
            "日本",
            "PMé",
            "../etc",
            "-1",
            "1 2",
            "🙂",
        ] {
            assert!(
                matches!(text.parse::<Pmid>(), Err(IdError::Pmid(_))),
                "{text}"
            );
        }
        assert!(
            Pmid::from_digits("３３").is_err(),
            "the cache form is ASCII only"
        );
    }

    #[test]
    fn dois_in_every_spelling() {
        let expected = "10.1056/NEJMoa1210384";
        for text in [
            "10.1056/NEJMoa1210384",
            "doi:10.1056/NEJMoa1210384",
            "DOI: 10.1056/NEJMoa1210384",
            "https://doi.org/10.1056/NEJMoa1210384",
            "http://doi.org/10.1056/NEJMoa1210384",
            "https://dx.doi.org/10.1056/NEJMoa1210384",
            "http://dx.doi.org/10.1056/NEJMoa1210384",
            "https://www.doi.org/10.1056/NEJMoa1210384.",
            "１０.１０５６/NEJMoa1210384",
        ] {
            let doi: Doi = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(doi.as_str(), expected, "{text}");
        }
        assert_eq!(
            "https://doi.org/10.1002/%28SICI%291097-0258"
                .parse::<Doi>()
                .unwrap()
                .as_str(),
            "10.1002/(SICI)1097-0258"
        );
        assert_eq!(
            "10.1056/nejmoa1210384".parse::<Doi>().unwrap(),
            expected.parse::<Doi>().unwrap(),
            "DOIs compare without case"
        );
        for text in ["nonsense", "10.1/x", "10.1056", "10.1056/has space"] {
            assert!(text.parse::<Doi>().is_err(), "{text}");
        }
    }

    #[test]
    fn pmcids_in_every_spelling() {
        for text in [
            "PMC7092803",
            "pmc7092803",
            "PMC 7092803",
            "PMCID: PMC7092803",
            "7092803",
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7092803/",
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC7092803/",
        ] {
            assert_eq!(text.parse::<Pmcid>(), Ok(Pmcid(7_092_803)), "{text}");
        }
        assert_eq!(Pmcid(7).to_string(), "PMC7");
        assert!("PMCx".parse::<Pmcid>().is_err());
    }

    #[test]
    fn identifiers_inside_free_text() {
        let text = "Brighton TA, et al. 2012. doi: 10.1056/NEJMoa1210384. PMID: 23121403";
        let doi = find_doi(text).unwrap();
        assert_eq!(doi.id.as_str(), "10.1056/NEJMoa1210384");
        assert_eq!(&text[doi.span.clone()], "doi: 10.1056/NEJMoa1210384.");
        assert_eq!(find_pmid_label(text).unwrap().id, Pmid(23_121_403));
        assert_eq!(
            find_doi("see (doi:10.1016/0005-2795(76)90109-4)")
                .unwrap()
                .id
                .as_str(),
            "10.1016/0005-2795(76)90109-4"
        );
        let pmcid = "Smith J. 2019. PMCID: PMC7092803 [PMC]";
        let found = find_pmcid(pmcid).unwrap();
        assert_eq!(found.id, Pmcid(7_092_803));
        assert_eq!(
            &pmcid[found.span], "PMCID: PMC7092803 [PMC]",
            "the label goes with the identifier"
        );
    }

    #[test]
    fn serde_uses_the_plain_forms() {
        let doi: Doi = "10.1000/xyz1".parse().unwrap();
        let json = serde_json::to_string(&(Pmid(1), Pmcid(2), doi)).unwrap();
        assert_eq!(json, r#"["1","PMC2","10.1000/xyz1"]"#);
        let back: Pmid = serde_json::from_str("\"42\"").unwrap();
        assert_eq!(back, Pmid(42));
    }
}
