//! Reading citations as marketing copy writes them: a PMID, a DOI, a PMCID, a PubMed
//! URL, or free text from "An, Y., et al., 2021" to a full Vancouver or APA reference.
//! Identifiers are found by [`crate::ids`]; this module reads the rest.

use std::sync::LazyLock;

use regex::Regex;

use super::{Citation, CitedAuthor};
use crate::ids::{self, Pmid};
use crate::text::nfkc;

/// A single piece of at most this many words, between the authors and the year, is
/// a journal ("Stem Cells"); a longer one is a title.
const JOURNAL_MAX_WORDS: usize = 6;
/// ...and a one-word piece right before volume and pages may be longer (it cannot be a
/// title without spaces).
const JOURNAL_MAX_WORDS_BEFORE_SOURCE: usize = 8;
/// Words of at most this many letters, capitalised, read as abbreviated journal words
/// ("Front. Med.") rather than the end of a sentence.
const ABBREVIATED_WORD_LEN: usize = 8;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in pattern")
}

/// "2020;382(8):727-733" or "2020 Feb 20;382(8):727" — Vancouver's year;volume(issue):pages.
static VANCOUVER_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b((?:19|20)[0-9]{2})[a-z]?(?:\s+[A-Z][a-z]{2}(?:[-/][A-Z][a-z]{2})?(?:\s+[0-9]{1,2})?)?\s*;\s*([0-9]+)\s*(?:\([^)]*\))?\s*(?::\s*([A-Za-z]?[0-9]+))?",
    )
});
/// "382(8), 727-733" — APA's volume(issue), pages.
static APA_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r",\s*([0-9]+)\s*(?:\([^)]*\))?\s*,\s*([A-Za-z]?[0-9]+)\s*(?:[-–]\s*[A-Za-z]?[0-9]+)?")
});
/// "(2020)" or "(2020a)" — APA's year.
static APA_YEAR: LazyLock<Regex> = LazyLock::new(|| regex(r"\(((?:19|20)[0-9]{2})[a-z]?\)"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| regex(r"\b((?:19|20)[0-9]{2})[a-z]?\b"));
static ET_AL: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\bet\.?\s*al\b\.?"));
/// "An, Y." / "Zhang, X.-Y." (APA) — last name, comma, dotted initials.
static APA_AUTHOR: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s*(?:&|and)?\s*([\p{L}'’\- ]+?),\s*((?:\p{Lu}\.?\s?-?){1,4})\s*$"));
/// "Zhu N" / "van der Berg JA" (Vancouver) — last name, space, capital initials.
static VANCOUVER_AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^\s*(?:&|and)?\s*((?:\p{L}[\p{L}'’\-]*\s)*?\p{Lu}[\p{L}'’\-]+)\s+(\p{Lu}{1,4})\s*$")
});

/// A PubMed search field tag: `[au]`, `[1au]`, `[dp]`, `[ti]`, `[Title/Abstract]`... Only
/// tags PubMed knows, so a translated title in brackets ("[Effects of …]") is kept.
static FIELD_TAG: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\[\s*(?:1au|au|fau|lastau|author|first author|last author|full author name|cn|dp|pdat|edat|crdt|publication date|date - publication|ti|title|tiab|title/abstract|tw|text word|ta|jour|journal|vi|volume|ip|issue|pg|pagination|lid|aid|doi|pmid|uid|pmc|pmcid|pt|publication type|mh|mesh|mesh terms|majr|mesh major topic|sh|la|lang|language|ad|affl|affiliation|all|all fields|sb|filter|ot|si|gr)\s*\]",
    )
});

/// Reads a citation. Never fails: whatever is not recognised is simply absent.
///
/// The text is NFKC-normalised first, so full-width digits and letters (common in
/// Japanese copy) read like ASCII.
pub fn parse_citation(input: &str) -> Citation {
    let mut citation = Citation {
        input: input.trim().to_owned(),
        ..Citation::default()
    };
    let mut rest = nfkc(&citation.input);

    if let Some(found) = ids::find_pubmed_url(&rest) {
        citation.pmid = Some(found.id);
        rest.replace_range(found.span, " ");
    }
    if let Some(found) = ids::find_pmcid(&rest) {
        citation.pmcid = Some(found.id);
        rest.replace_range(found.span, " ");
    }
    if let Some(found) = ids::find_doi(&rest) {
        citation.doi = Some(found.id);
        rest.replace_range(found.span, " ");
    }
    if let Some(found) = ids::find_pmid_label(&rest) {
        citation.pmid.get_or_insert(found.id);
        rest.replace_range(found.span, " ");
    }
    // Identifiers written wrongly: set aside, so "PMID" is not read as a journal.
    while let Some(found) = ids::find_malformed_label(&rest) {
        citation.malformed_identifier.get_or_insert(found.id);
        rest.replace_range(found.span, " ");
    }
    // PubMed search syntax pasted in: the tags say nothing about the paper.
    let tags: Vec<String> = FIELD_TAG
        .find_iter(&rest)
        .map(|m| m.as_str().to_owned())
        .collect();
    if !tags.is_empty() {
        rest = FIELD_TAG.replace_all(&rest, " ").into_owned();
        citation.search_tags = tags;
    }
    let trimmed = rest
        .trim()
        .trim_matches(|c: char| c == '.' || c == ',' || c == ';');
    if citation.pmid.is_none() && !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit())
    {
        // A bare number is meant as a PMID: a valid one is taken, any other is one
        // written wrongly (0, forty digits), never a year or a page.
        match Pmid::from_digits(trimmed) {
            Ok(pmid) => citation.pmid = Some(pmid),
            Err(error) => {
                citation.malformed_identifier.get_or_insert(error);
            }
        }
        return citation;
    }
    let rest = rest
        .replace("[PubMed]", " ")
        .replace("[CrossRef]", " ")
        .replace("[Google Scholar]", " ");
    if rest.chars().any(char::is_alphabetic) {
        read_reference(&rest, &mut citation);
    }
    citation
}

/// Reads authors, year, title, journal, volume and first page from reference text.
fn read_reference(text: &str, citation: &mut Citation) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // APA: "Authors (2020). Title. Journal, 382(8), 727-733."
    if let Some(year) = APA_YEAR.captures(&text) {
        let span = year.get(0).expect("whole match");
        citation.year = year[1].parse().ok();
        citation.authors = read_authors(&text[..span.start()]);
        let after = text[span.end()..].trim_start_matches(['.', ' ']);
        let (before_source, source) = match APA_SOURCE.captures(after) {
            Some(c) => {
                citation.volume = Some(c[1].to_owned());
                citation.first_page = Some(c[2].to_owned());
                (&after[..c.get(0).expect("whole match").start()], true)
            }
            None => (after, false),
        };
        split_title_and_journal(before_source, source, citation);
        return;
    }
    // Vancouver: "Authors. Title. Journal. 2020;382(8):727-733."
    if let Some(source) = VANCOUVER_SOURCE.captures(&text) {
        let span = source.get(0).expect("whole match");
        citation.year = source[1].parse().ok();
        citation.volume = Some(source[2].to_owned());
        citation.first_page = source.get(3).map(|m| m.as_str().to_owned());
        let before = &text[..span.start()];
        let segments = sentences(before);
        let (authors, rest) = match segments.split_first() {
            Some((first, rest)) if !read_authors(first).is_empty() => (read_authors(first), rest),
            _ => (Vec::new(), &segments[..]),
        };
        citation.authors = authors;
        split_title_and_journal(&rest.join(". "), true, citation);
        return;
    }
    // Short forms: "An, Y., et al., 2021", "Wang, Y., et al., 2023. Stem Cells",
    // "CNS Neurosci Ther. 2025", "Zhu N, et al. N Engl J Med 2020".
    let Some(year) = YEAR.captures_iter(&text).last() else {
        let segments = sentences(&text);
        if let Some((first, rest)) = segments.split_first() {
            citation.authors = read_authors(first);
            let rest = if citation.authors.is_empty() {
                &segments[..]
            } else {
                rest
            };
            split_title_and_journal(&rest.join(". "), false, citation);
        }
        return;
    };
    let span = year.get(0).expect("whole match");
    citation.year = year[1].parse().ok();
    let before = text[..span.start()]
        .trim()
        .trim_end_matches([',', '.', ';', ' ']);
    let after = text[span.end()..].trim().trim_matches(['.', ',', ';', ' ']);
    let (author_part, other) = match ET_AL.find(before) {
        Some(m) => (
            &before[..m.end()],
            before[m.end()..].trim_matches(['.', ',', ' ']),
        ),
        None => {
            let segments = sentences(before);
            match segments.split_first() {
                Some((first, _)) if !read_authors(first).is_empty() => {
                    let first_len = before.find(first.as_str()).unwrap_or(0) + first.len();
                    (
                        &before[..first_len],
                        before[first_len..].trim_matches(['.', ',', ' ']),
                    )
                }
                _ => ("", before),
            }
        }
    };
    citation.authors = read_authors(author_part);
    let mut remaining: Vec<&str> = Vec::new();
    for part in [other, after] {
        if !part.is_empty() {
            remaining.push(part);
        }
    }
    split_title_and_journal(&remaining.join(". "), false, citation);
}

/// Splits the text between authors and the volume/pages into title and journal. A
/// single short piece is a journal ("Stem Cells"), a single long one a title.
fn split_title_and_journal(text: &str, has_source: bool, citation: &mut Citation) {
    let segments = sentences(text);
    match segments.as_slice() {
        [] => {}
        [only] => {
            let words = only.split_whitespace().count();
            if words <= JOURNAL_MAX_WORDS
                || has_source && words <= JOURNAL_MAX_WORDS_BEFORE_SOURCE && !only.contains(' ')
            {
                citation.journal = Some(only.clone());
            } else {
                citation.title = Some(only.clone());
            }
        }
        [.., _] => {
            // The title is the longest piece; what follows it is the journal.
            let title_at = segments
                .iter()
                .enumerate()
                .max_by_key(|(i, s)| (s.split_whitespace().count(), usize::MAX - i))
                .map_or(0, |(i, _)| i);
            citation.title = Some(segments[title_at].clone());
            let journal = segments[title_at + 1..].join(" ");
            if !journal.is_empty() {
                citation.journal = Some(journal);
            }
        }
    }
}

/// Splits at ". " but keeps abbreviated journal words together ("Front. Med." stays
/// one piece when its words are short), and a place in brackets with the name before it
/// ("Chem. Commun. (Camb.)").
fn sentences(text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for raw in text.split(". ") {
        let piece = raw.trim().trim_matches(['.', ',', ';', ' ']).to_owned();
        if piece.starts_with('(')
            && let Some(last) = pieces.last_mut()
        {
            last.push(' ');
            last.push_str(&piece);
            continue;
        }
        if piece.is_empty() {
            continue;
        }
        let abbreviation = |s: &str| {
            s.split_whitespace().count() <= 2
                && s.split_whitespace()
                    .all(|w| w.len() <= ABBREVIATED_WORD_LEN && w.starts_with(char::is_uppercase))
        };
        match pieces.last_mut() {
            Some(last)
                if abbreviation(last)
                    && abbreviation(&piece)
                    && last.split_whitespace().count() + piece.split_whitespace().count() <= 5 =>
            {
                last.push(' ');
                last.push_str(&piece);
            }
            _ => pieces.push(piece),
        }
    }
    pieces
}

/// Authors from an author list in APA ("An, Y., Lin, S., & Tan, W.") or Vancouver
/// ("Zhu N, Zhang D, Wang W, et al.") form. Empty when the text is not an author list.
fn read_authors(text: &str) -> Vec<CitedAuthor> {
    let text = ET_AL.replace_all(text, "");
    let text = text.trim().trim_end_matches([',', '.', ';', ' ']);
    if text.is_empty() {
        return Vec::new();
    }
    // APA: pairs "Last, I." separated by ", " — split on ", " and re-pair.
    let apa: Vec<CitedAuthor> = {
        let parts: Vec<&str> = text.split(", ").collect();
        let mut authors = Vec::new();
        for pair in parts.chunks_exact(2) {
            let candidate = format!("{}, {}", pair[0], pair[1]);
            let Some(c) = APA_AUTHOR.captures(&candidate) else {
                break;
            };
            authors.push(CitedAuthor {
                last_name: c[1].trim().to_owned(),
                initials: c[2].chars().filter(|c| c.is_uppercase()).collect(),
            });
        }
        authors
    };
    if !apa.is_empty() {
        return apa;
    }
    // A bare surname before "et al." ("Zhang et al., 2015"): searchable without initials.
    static SURNAME_ONLY: LazyLock<Regex> =
        LazyLock::new(|| regex(r"^\s*((?:\p{Ll}+\s)*\p{Lu}[\p{L}'’\-]+)\s*,?\s*$"));
    if let Some(c) = SURNAME_ONLY.captures(text) {
        return vec![CitedAuthor {
            last_name: c[1].to_owned(),
            initials: String::new(),
        }];
    }
    let mut authors = Vec::new();
    for part in text.split(',') {
        match VANCOUVER_AUTHOR.captures(part) {
            Some(c) => authors.push(CitedAuthor {
                last_name: c[1].trim().to_owned(),
                initials: c[2].to_owned(),
            }),
            None => break,
        }
    }
    authors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(last: &str, initials: &str) -> CitedAuthor {
        CitedAuthor {
            last_name: last.into(),
            initials: initials.into(),
        }
    }

    fn pmid(text: &str) -> Option<String> {
        parse_citation(text).pmid.map(|p| p.to_string())
    }

    fn doi(text: &str) -> Option<String> {
        parse_citation(text).doi.map(|d| d.to_string())
    }

    #[test]
    fn identifiers_in_their_usual_spellings() {
        assert_eq!(pmid("PMID: 33458899").as_deref(), Some("33458899"));
        assert_eq!(pmid("33458899").as_deref(), Some("33458899"));
        assert_eq!(
            pmid("https://pubmed.ncbi.nlm.nih.gov/33458899/").as_deref(),
            Some("33458899")
        );
        assert_eq!(
            doi("https://doi.org/10.1056/NEJMoa1210384.").as_deref(),
            Some("10.1056/NEJMoa1210384")
        );
        assert_eq!(
            doi("https://dx.doi.org/10.1056/NEJMoa1210384").as_deref(),
            Some("10.1056/NEJMoa1210384")
        );
        assert_eq!(
            doi("doi:10.1016/0005-2795(76)90109-4").as_deref(),
            Some("10.1016/0005-2795(76)90109-4")
        );
        assert_eq!(
            parse_citation("PMC7092803").pmcid.map(|p| p.to_string()),
            Some("PMC7092803".to_owned())
        );
        let mixed = parse_citation("Brighton TA, et al. 2012. doi: 10.1056/NEJMoa1210384");
        assert_eq!(
            mixed.doi.as_ref().map(|d| d.as_str()),
            Some("10.1056/NEJMoa1210384")
        );
        assert_eq!(mixed.first_author(), Some(&author("Brighton", "TA")));
        assert_eq!(mixed.year, Some(2012));
    }

    #[test]
    fn identifiers_written_wrongly_are_set_aside_not_read_as_text() {
        for text in [
            "0",
            "1234567890123456789012345678901234567890",
            "PMID: 0000000000000000000000000000000000000001",
            "PMID: 0",
            "https://pubmed.ncbi.nlm.nih.gov/0/",
            "PMC0",
            "PMCID: PMC1234567890123",
        ] {
            let c = parse_citation(text);
            assert!(c.malformed_identifier.is_some(), "{text}: {c:?}");
            assert!(
                !c.has_identifier() && !c.has_bibliographic_fields(),
                "{text}: {c:?}"
            );
        }
        // Beside a readable reference, the reference is still read.
        let c = parse_citation("An, Y., et al., 2021. PMID: 0");
        assert_eq!(c.first_author(), Some(&author("An", "Y")));
        assert_eq!(c.year, Some(2021));
        assert!(c.malformed_identifier.is_some());
    }

    #[test]
    fn pubmed_field_tags_are_taken_out() {
        let c = parse_citation("[au]");
        assert_eq!(c.search_tags, ["[au]"]);
        assert!(!c.has_bibliographic_fields(), "{c:?}");
        let c = parse_citation("Brighton TA[1au] 2012[dp]");
        assert_eq!(c.search_tags, ["[1au]", "[dp]"]);
        assert_eq!(c.first_author(), Some(&author("Brighton", "TA")));
        assert_eq!(c.year, Some(2012));
        // A translated title in brackets is not a tag.
        let c = parse_citation("Tanaka K, et al. [Effects of vitamin C on the skin]. Hifu. 2010");
        assert!(c.search_tags.is_empty());
    }

    #[test]
    fn short_author_year_forms() {
        let c = parse_citation("An, Y., et al., 2021");
        assert_eq!(
            (c.authors.clone(), c.year),
            (vec![author("An", "Y")], Some(2021))
        );
        assert_eq!(c.journal, None);
        let c = parse_citation("Wang, Y., et al., 2023. Stem Cells");
        assert_eq!(c.first_author(), Some(&author("Wang", "Y")));
        assert_eq!(
            (c.year, c.journal.as_deref()),
            (Some(2023), Some("Stem Cells"))
        );
        let c = parse_citation("Cao, Q., et al., 2022. Front Med");
        assert_eq!(c.journal.as_deref(), Some("Front Med"));
        let c = parse_citation("CNS Neurosci Ther. 2025");
        assert!(c.authors.is_empty());
        assert_eq!(
            (c.year, c.journal.as_deref()),
            (Some(2025), Some("CNS Neurosci Ther"))
        );
    }

    #[test]
    fn a_bare_surname_before_et_al_is_an_author() {
        let c = parse_citation("Zhang et al., 2015");
        assert_eq!(c.authors, vec![author("Zhang", "")]);
        assert_eq!(c.year, Some(2015));
        // ...but a journal abbreviation is not.
        assert!(parse_citation("CNS Neurosci Ther. 2025").authors.is_empty());
    }

    #[test]
    fn a_place_in_brackets_stays_with_the_journal() {
        let c = parse_citation("Zhou, W., et al., 2015. Chem. Commun. (Camb.)");
        assert_eq!(c.journal.as_deref(), Some("Chem Commun (Camb.)"));
        assert_eq!(c.title, None);
        let c = parse_citation("Cao, Q., et al., 2022. Front. Med. (Lausanne)");
        assert_eq!(c.journal.as_deref(), Some("Front Med (Lausanne)"));
    }

    #[test]
    fn vancouver_reference() {
        let c = parse_citation(
            "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.",
        );
        assert_eq!(c.authors[..2], [author("Zhu", "N"), author("Zhang", "D")]);
        assert_eq!(c.year, Some(2020));
        assert_eq!(
            c.title.as_deref(),
            Some("A Novel Coronavirus from Patients with Pneumonia in China, 2019")
        );
        assert_eq!(c.journal.as_deref(), Some("N Engl J Med"));
        assert_eq!(
            (c.volume.as_deref(), c.first_page.as_deref()),
            (Some("382"), Some("727"))
        );
    }

    #[test]
    fn apa_reference() {
        let c = parse_citation(
            "Brighton, T. A., Eikelboom, J. W., & Mann, K. (2012). Low-dose aspirin for preventing recurrent venous thromboembolism. New England Journal of Medicine, 367(21), 1979-1987.",
        );
        assert_eq!(c.first_author(), Some(&author("Brighton", "TA")));
        assert_eq!(c.authors.len(), 3);
        assert_eq!(c.year, Some(2012));
        assert_eq!(
            c.title.as_deref(),
            Some("Low-dose aspirin for preventing recurrent venous thromboembolism")
        );
        assert_eq!(
            c.journal.as_deref(),
            Some("New England Journal of Medicine")
        );
        assert_eq!(
            (c.volume.as_deref(), c.first_page.as_deref()),
            (Some("367"), Some("1979"))
        );
    }

    #[test]
    fn full_width_copy_reads_like_ascii() {
        assert_eq!(
            pmid("ＰＭＩＤ：３３４５８８９９").as_deref(),
            Some("33458899")
        );
        assert_eq!(pmid("３３４５８８９９").as_deref(), Some("33458899"));
        let c = parse_citation("Ａｎ, Ｙ., et al., ２０２１");
        assert_eq!(c.first_author(), Some(&author("An", "Y")));
        assert_eq!(c.year, Some(2021));
        assert_eq!(
            c.input, "Ａｎ, Ｙ., et al., ２０２１",
            "the input is kept as written"
        );
    }

    #[test]
    fn text_without_anything_recognisable_is_empty_not_an_error() {
        let c = parse_citation("according to recent studies");
        assert!(!c.has_identifier());
        assert_eq!(c.year, None);
    }
}
