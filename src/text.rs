//! One normalisation for every comparison of words and names.
//!
//! PubMed compares text case-insensitively and without diacritics ("Garcia" finds
//! "García"), and copy pasted from Japanese pages carries full-width letters and digits.
//! Everything that compares a citation with a record, or a claim's words with a paper,
//! goes through [`fold`] so that all comparisons agree.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Collapses runs of whitespace to one space and trims the ends, as a reader sees text
/// (PubMed titles broken over lines, copy out of markup).
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// NFKC: full-width digits and letters become ASCII, compatibility forms are unified.
/// Used on identifiers and citations at intake, before anything reads them.
pub fn nfkc(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
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

/// "1 claim", "3 claims": a count with the noun in the number it needs. `many` is the
/// plural, given in full ("1 query tried", "2 queries tried").
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
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

/// A word kept two ways: as written (NFKC, case kept) for acronyms, and folded for
/// everything else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Word {
    written: String,
    folded: String,
}

/// The words of `text`: letters and digits, split at everything else.
fn split_words(text: &str) -> Vec<Word> {
    nfkc(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| Word {
            written: w.to_owned(),
            folded: fold(w),
        })
        .collect()
}

/// Shortest stem an ending may be taken off to: "shed" is not "sh" + "ed".
const MIN_STEM: usize = 3;

/// The forms a folded word may stand for once a simple English ending is taken off:
/// "wrinkled" → wrinkle, "collagens" → collagen, "therapies" → therapy, "regenerating" →
/// regenerate. Only endings that leave at least [`MIN_STEM`] letters are taken off.
fn stems(word: &str) -> Vec<String> {
    let mut out = vec![word.to_owned()];
    let mut add = |stem: &str| {
        if stem.chars().count() >= MIN_STEM && !out.iter().any(|s| s == stem) {
            out.push(stem.to_owned());
        }
    };
    if let Some(base) = word.strip_suffix("ies") {
        add(&format!("{base}y"));
    }
    if let Some(base) = word.strip_suffix("es") {
        add(base);
    }
    if let Some(base) = word.strip_suffix('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        add(base);
    }
    for ending in ["ed", "ing"] {
        if let Some(base) = word.strip_suffix(ending) {
            add(base);
            add(&format!("{base}e"));
            // "stopped" → stop
            let mut chars: Vec<char> = base.chars().collect();
            if chars.len() >= 2 && chars[chars.len() - 1] == chars[chars.len() - 2] {
                chars.pop();
                add(&chars.iter().collect::<String>());
            }
        }
    }
    out
}

/// An acronym as the writer gave it ("SHED", "DPSC", "MSC"): two or more characters, every
/// letter a capital. It is matched as written, so "SHED" is not the verb "shed".
fn is_acronym(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_alphabetic)
        && word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// Whether a word of the text stands for a word of a term.
fn same_word(term: &Word, text: &Word, inflected: bool) -> bool {
    if inflected && is_acronym(&term.written) {
        // "DPSCs" is the plural of "DPSC"; the case must be the writer's.
        return text.written == term.written
            || text.written.strip_suffix('s') == Some(term.written.as_str());
    }
    if term.folded == text.folded {
        return true;
    }
    if !inflected {
        return false;
    }
    let term_stems = stems(&term.folded);
    stems(&text.folded)
        .iter()
        .any(|stem| term_stems.contains(stem))
}

/// Text prepared for whole-word matching: its words in order.
///
/// Matching is by whole words, so "SHED" (a cell source) is not found inside
/// "published" and "hair" not inside "wheelchair".
#[derive(Debug, Clone, Default)]
pub struct SearchableText {
    /// The words of every piece; `None` between pieces, a barrier no phrase crosses.
    words: Vec<Option<Word>>,
}

impl SearchableText {
    /// The words of several pieces of text, in order; a phrase never spans two pieces.
    pub fn new<'a>(pieces: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words = Vec::new();
        for piece in pieces {
            if !words.is_empty() {
                words.push(None);
            }
            words.extend(split_words(piece).into_iter().map(Some));
        }
        SearchableText { words }
    }

    /// Whether `phrase` occurs as a run of whole words, exactly (case and accents aside).
    pub fn has_phrase(&self, phrase: &str) -> bool {
        self.find(&split_words(phrase), false)
    }

    /// Whether any of `phrases` occurs exactly.
    pub fn has_any_phrase(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has_phrase(p))
    }

    /// Whether `term` is mentioned: its words in order, each possibly inflected
    /// ("wrinkle" is mentioned by "wrinkled", "stem cell" by "stem cells"), acronyms as
    /// written.
    pub fn mentions(&self, term: &str) -> bool {
        self.find(&split_words(term), true)
    }

    fn find(&self, wanted: &[Word], inflected: bool) -> bool {
        !wanted.is_empty()
            && self.words.windows(wanted.len()).any(|window| {
                window.iter().zip(wanted).all(|(word, wanted)| {
                    word.as_ref()
                        .is_some_and(|word| same_word(wanted, word, inflected))
                })
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
        assert!(text.mentions("SHED"));
        assert!(text.mentions("exosome"));
        assert!(!text.has_phrase("exosome"));
        assert!(text.has_phrase("exosomes"));
        let only_published = SearchableText::new(["Published work on wheelchairs"]);
        assert!(!only_published.mentions("SHED"));
        assert!(!only_published.mentions("hair"));
    }

    #[test]
    fn simple_inflections_match_both_ways() {
        let text = SearchableText::new([
            "Collagens and wrinkled skin; therapies regenerating tissue; DPSCs were stopped",
        ]);
        for term in [
            "collagen",
            "wrinkle",
            "wrinkles",
            "therapy",
            "regenerate",
            "tissues",
            "DPSC",
            "stop",
        ] {
            assert!(text.mentions(term), "{term}");
        }
        for term in [
            "wrinkler",
            "therapist",
            "regeneration",
            "stopper",
            "tissue repair",
        ] {
            assert!(!text.mentions(term), "{term}");
        }
    }

    #[test]
    fn acronyms_are_matched_as_written() {
        let shedding = SearchableText::new(["Cells shed exosomes; viral shedding was low"]);
        assert!(
            !shedding.mentions("SHED"),
            "the verb is not the cell source"
        );
        assert!(shedding.mentions("shed"));
        let source = SearchableText::new(["Stem cells from exfoliated deciduous teeth (SHED)"]);
        assert!(source.mentions("SHED"));
        assert!(!source.has_phrase("SHEDs"));
    }

    #[test]
    fn phrases_match_in_order_and_do_not_cross_pieces() {
        let text = SearchableText::new(["a randomised double-blind trial", "stem", "cells"]);
        assert!(text.has_phrase("double blind"));
        assert!(text.has_phrase("double-blind trial"));
        assert!(!text.has_phrase("trial double"));
        assert!(!text.mentions("stem cell"), "the phrase spans two pieces");
        assert!(text.has_phrase("Stem"), "case aside");
        assert!(SearchableText::new(["human stem cells"]).mentions("stem cell"));
        assert!(!text.mentions(""));
    }
}
