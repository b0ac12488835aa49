//! English keywords for a claim, so the relevance checks can look for them in PubMed
//! records: Japanese terms of the field translated by the built-in glossary
//! (`glossary.tsv`), English terms of the glossary found as words, and the technical
//! tokens copy carries in Latin letters (BDNF, miR-21, CD63, IL-10).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

/// What a glossary term names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// What sets a product apart: its source or active ingredient (a candidate for
    /// `product.terms`).
    Product,
    /// The kind of product (conditioned medium, exosome): too general for `product.terms`.
    Form,
    /// What a claim is about.
    Topic,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub japanese: &'static str,
    pub english: &'static str,
    pub role: Role,
}

const GLOSSARY: &str = include_str!("glossary.tsv");

/// The glossary, longest Japanese term first (so a longer term wins over a shorter one
/// inside it).
static TERMS: LazyLock<Vec<Term>> = LazyLock::new(|| {
    let mut terms: Vec<Term> = GLOSSARY
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('\t');
            let (Some(japanese), Some(english), Some(role)) =
                (fields.next(), fields.next(), fields.next())
            else {
                panic!(
                    "glossary.tsv: `{line}` is not three tab-separated fields (a test checks this)"
                );
            };
            let role = match role {
                "product" => Role::Product,
                "form" => Role::Form,
                _ => Role::Topic,
            };
            Term {
                japanese,
                english,
                role,
            }
        })
        .collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.japanese.chars().count()));
    terms
});

/// Latin-script technical tokens: acronyms with digits or capitals (BDNF, IL-10, CD63,
/// TGF-β, miR-27a-5p, COVID-19).
static TECHNICAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:miR-[0-9]+[a-z]?(?:-[0-9]p)?|mi?RNA|[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*(?:-[0-9A-Za-zα-ωβκ]+)?)")
        .expect("valid built-in pattern")
});

/// Every glossary term.
pub fn terms() -> &'static [Term] {
    &TERMS
}

/// The glossary terms in `text`, in text order: at each place the longest term that
/// starts there, so "歯髄幹細胞培養上清液" reads as 歯髄幹細胞 + 培養上清液.
pub fn find(text: &str) -> Vec<&'static Term> {
    placed(text).into_iter().map(|(_, term)| term).collect()
}

/// The glossary terms of `text` with where each starts.
fn placed(text: &str) -> Vec<(usize, &'static Term)> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        // TERMS is sorted longest first, so the first that fits is the longest.
        let term = TERMS.iter().find(|t| {
            rest.starts_with(t.japanese) && latin_bounded(text, &(at..at + t.japanese.len()))
        });
        match term {
            Some(term) => {
                found.push((at, term));
                at += term.japanese.len();
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// A Latin-script glossary entry ("NMN", "PRP") only counts as a whole word.
fn latin_bounded(text: &str, span: &std::ops::Range<usize>) -> bool {
    let latin = |c: char| c.is_ascii_alphanumeric();
    if !text[span.clone()].starts_with(latin) {
        return true;
    }
    !text[..span.start].ends_with(latin) && !text[span.end..].starts_with(latin)
}

/// Suggested English keywords for a claim, in the order the claim says them:
/// translated terms, English glossary terms and technical tokens, without repeats, at
/// most `limit`.
pub fn keywords(text: &str, limit: usize) -> Vec<String> {
    let mut placed: Vec<(usize, &str)> = placed(text)
        .into_iter()
        .map(|(at, t)| (at, t.english))
        .collect();
    // Lowercasing keeps byte positions for the ASCII words compared here.
    let lower = text.to_ascii_lowercase();
    for term in TERMS.iter().filter(|t| t.english.len() >= 4) {
        if let Some(at) = word_position(&lower, &term.english.to_ascii_lowercase()) {
            placed.push((at, term.english));
        }
    }
    for token in TECHNICAL.find_iter(text) {
        if token.as_str().len() >= 2 && !COMMON_CAPITALISED.contains(&token.as_str()) {
            placed.push((token.start(), token.as_str()));
        }
    }
    placed.sort_by_key(|(at, _)| *at);
    let mut seen = HashSet::new();
    placed
        .into_iter()
        .filter(|(_, word)| seen.insert(word.to_lowercase()))
        .map(|(_, word)| word.to_owned())
        .take(limit)
        .collect()
}

/// Capitalised words that are not technical terms.
const COMMON_CAPITALISED: &[&str] = &[
    "FAQ", "TEL", "FAX", "OK", "PDF", "URL", "HP", "SNS", "LINE", "FDA", "USA", "US", "EU", "UK",
    "JP", "AM", "PM", "TV", "CEO", "QA",
];

/// Where `needle` first appears in `haystack` as whole words (a plural `s` allowed).
pub fn word_position(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .match_indices(needle)
        .map(|(at, _)| at)
        .find(|&at| {
            let before = haystack[..at].chars().next_back();
            let after = haystack[at + needle.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric() || c == 's')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_reads_and_longer_terms_win() {
        assert!(terms().len() > 150);
        let found: Vec<&str> = find("歯髄幹細胞培養上清液は肌のハリを改善")
            .iter()
            .map(|t| t.english)
            .collect();
        assert_eq!(
            found,
            [
                "dental pulp stem cell",
                "conditioned medium",
                "skin elasticity"
            ]
        );
    }

    #[test]
    fn keywords_translate_japanese_and_keep_technical_tokens() {
        assert_eq!(
            keywords("神経栄養因子の豊富な分泌:BDNF、NGF、GDNFなど", 6),
            ["neurotrophic factor", "BDNF", "NGF", "GDNF"]
        );
        assert_eq!(
            keywords(
                "Retinol visibly reduces wrinkles and supports collagen (IL-6).",
                6
            ),
            ["retinol", "wrinkle", "collagen", "IL-6"]
        );
    }
}
