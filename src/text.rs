//! One normalisation for every comparison of words and names.
//!
//! PubMed compares text case-insensitively and without diacritics ("Garcia" finds
//! "García"), and copy pasted from Japanese pages carries full-width letters and digits.
//! Everything that compares a citation with a record, or a claim's words with a paper,
//! goes through [`fold`] so that all comparisons agree.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFKC: full-width digits and letters become ASCII, compatibility forms are unified.
/// Used on identifiers and citations at intake, before anything reads them.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// Lower case, diacritics dropped, compatibility forms unified: "García" and "GARCIA"
/// and "ｇａｒｃｉａ" all fold to "garcia".
pub fn fold(text: &str) -> String {
    // Most of PubMed is ASCII: nothing to decompose.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        // Letters NFKD does not decompose but PubMed still folds.
        match c {
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'ı' => out.push('i'),
            'đ' | 'Đ' => out.push('d'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// A person's or group's name reduced to its letters, folded: "O'Brien-García" is
/// "obriengarcia". Two names are the same name when their keys are equal.
pub fn name_key(name: &str) -> String {
    fold(name).chars().filter(|c| c.is_alphabetic()).collect()
}

/// The folded words of `text`: letters and digits, split at everything else (spaces,
/// punctuation, hyphens), as PubMed's tokenizer splits them.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "; did you mean `word`?" for the known word closest to `written`, or nothing when
/// none is close (at most two edits, or a third of the word's length).
pub fn did_you_mean<'a>(written: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(written, k), k))
        .filter(|(distance, k)| *distance <= 2.max(k.chars().count() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// Endings a term may carry in running text and still be the same term: "exosome" is
/// mentioned by "exosomes", "stem cell" by "stem cells".
const INFLECTIONS: &[&str] = &["s", "es"];

/// Text prepared for whole-word matching: folded words in order.
///
/// Matching is by whole words, so "SHED" (a cell source) is not found inside
/// "published" and "hair" not inside "wheelchair".
#[derive(Debug, Clone, Default)]
pub struct SearchableText {
    words: Vec<String>,
}

impl SearchableText {
    /// The words of several pieces of text, in order; a phrase never spans two pieces.
    pub fn new<'a>(pieces: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words = Vec::new();
        for piece in pieces {
            if !words.is_empty() {
                // An empty word is a barrier no phrase can cross.
                words.push(String::new());
            }
            words.extend(self::words(piece));
        }
        SearchableText { words }
    }

    /// Whether `phrase` occurs as a run of whole words, exactly.
    pub fn has_phrase(&self, phrase: &str) -> bool {
        self.find(&words(phrase), false)
    }

    /// Whether any of `phrases` occurs exactly.
    pub fn has_any_phrase(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has_phrase(p))
    }

    /// Whether `term` is mentioned: its words in order, the last one possibly with a
    /// plural ending ("exosome" is mentioned by "exosomes").
    pub fn mentions(&self, term: &str) -> bool {
        self.find(&words(term), true)
    }

    fn find(&self, wanted: &[String], inflected: bool) -> bool {
        let Some((last, head)) = wanted.split_last() else {
            return false;
        };
        self.words.windows(wanted.len()).any(|window| {
            let (window_last, window_head) = window.split_last().expect("same length as wanted");
            window_head == head
                && (window_last == last
                    || inflected
                        && INFLECTIONS
                            .iter()
                            .any(|ending| window_last.strip_suffix(ending) == Some(last.as_str())))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_diacritics() {
        assert_eq!(fold("García"), "garcia");
        assert_eq!(fold("MÜLLER"), "muller");
        assert_eq!(fold("Søren Łukasz"), "soren lukasz");
        assert_eq!(fold("Arı İnce"), "ari ince");
        assert_eq!(fold("ｇａｒｃｉａ"), "garcia");
        assert_eq!(name_key("O'Brien-García"), "obriengarcia");
        assert_eq!(name_key("Garcia"), name_key("García"));
    }

    #[test]
    fn nfkc_turns_full_width_digits_into_ascii() {
        assert_eq!(nfkc("PMID ３３４５８８９９"), "PMID 33458899");
        assert_eq!(nfkc("ＰＭＩＤ：１"), "PMID:1");
    }

    #[test]
    fn words_split_at_punctuation_and_hyphens() {
        assert_eq!(
            words("Meta-analysis of (RCTs)."),
            ["meta", "analysis", "of", "rcts"]
        );
    }

    #[test]
    fn suggestions_find_near_misses_only() {
        let keys = ["keywords", "citations", "text"];
        assert_eq!(did_you_mean("keywrods", keys), "; did you mean `keywords`?");
        assert_eq!(
            did_you_mean("citation", keys),
            "; did you mean `citations`?"
        );
        assert_eq!(did_you_mean("zzzzzz", keys), "");
    }

    #[test]
    fn whole_words_only() {
        let text = SearchableText::new(["Published in a wheelchair study", "exosomes from SHED"]);
        assert!(!text.mentions("hair"));
        assert!(text.mentions("shed"));
        assert!(text.mentions("SHED"));
        assert!(text.mentions("exosome"));
        assert!(!text.has_phrase("exosome"));
        assert!(text.has_phrase("exosomes"));
        let only_published = SearchableText::new(["Published work on wheelchairs"]);
        assert!(!only_published.mentions("shed"));
        assert!(!only_published.mentions("hair"));
    }

    #[test]
    fn phrases_match_in_order_and_do_not_cross_pieces() {
        let text = SearchableText::new(["a randomised double-blind trial", "stem", "cells"]);
        assert!(text.has_phrase("double blind"));
        assert!(text.has_phrase("double-blind trial"));
        assert!(!text.has_phrase("trial double"));
        assert!(!text.mentions("stem cell"), "the phrase spans two pieces");
        assert!(SearchableText::new(["human stem cells"]).mentions("stem cell"));
        assert!(!text.mentions(""));
    }
}
