//! The citations written inside a sentence of copy: reference markers (`[1]`, `[^1,3]`,
//! `¹²`, `※1`, `1)`), bracketed references ("(An, Y., et al., 2021)", "(CNS Neurosci
//! Ther. 2025)"), narrative ones ("Smith et al. (2020) showed…"), PMIDs, DOIs and
//! PubMed/PMC/doi.org URLs. Each is found with the part of the sentence it occupies, so
//! the claim's wording can be given without it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::sentences::is_superscript_digit;
use crate::citation::CitedAs;
use crate::ids::{self, Found};
use crate::text::nfkc;

/// What a sentence cites.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inline {
    /// Citations written out in the sentence.
    pub citations: Vec<CitedAs>,
    /// Reference markers, each with the labels it points to ("1", "2", "3" for `[1-3]`)
    /// and its range in the sentence; the page's reference list says what they cite.
    pub markers: Vec<(Range<usize>, Vec<String>)>,
    /// Ranges of the sentence that are citation, not wording.
    pub cut: Vec<Range<usize>>,
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in pattern")
}

/// `[1]`, `[1, 2]`, `[1-3]`, `[^1,3]`, `[^note]`, and full-width `［3］`.
static BRACKET_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"[\[［]\^?([0-9]{1,3}(?:\s*[,，\-–]\s*[0-9]{1,3})*|\^[A-Za-z][\w-]{0,20})[\]］]")
});
/// "…without the grogginess.*": a DSHEA asterisk or dagger after the sentence.
static TRAILING_DAGGER: LazyLock<Regex> = LazyLock::new(|| regex(r"[.!?。！]\s*([*＊†‡]+)\s*$"));
/// `※1`, `*1`, `注1`.
static NOTE_MARKER: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:※|\*|注)([0-9]{1,2})"));
/// `1)` or `(1)` right after a word, as Japanese copy marks references.
static PAREN_MARKER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[(（]?([0-9]{1,2}(?:[,，、\-–][0-9]{1,2})*)[)）]"));
/// A bracketed span, one level deep.
static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[(（\[]([^()（）\[\]]{3,400})[)）\]]"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:19|20)[0-9]{2}[a-z]?\b"));
/// "Smith et al. (2020)", "Smith and Lee (2019)", "Smith (2018)".
static NARRATIVE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(\p{Lu}[\p{Ll}'’\-]+(?:\s+(?:et\s+al\.?|(?:and|&)\s+\p{Lu}[\p{Ll}'’\-]+))?)\s*[(（]((?:19|20)[0-9]{2})[a-z]?[)）]",
    )
});
static CAPITALISED_WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"\b\p{Lu}[\p{L}'’\-]+"));

/// Reads the citations of one sentence.
pub fn inline(sentence: &str) -> Inline {
    let mut found = Inline::default();
    find_bracketed(sentence, &mut found);
    find_identifiers(sentence, &mut found);
    find_markers(sentence, &mut found);
    for c in NARRATIVE.captures_iter(sentence) {
        if !overlaps(&found.cut, &c.get(0).map_or(0..0, |m| m.range())) {
            push_unique(
                &mut found.citations,
                CitedAs::Text(format!("{}, {}", c[1].trim(), &c[2])),
            );
        }
    }
    found.cut.sort_by_key(|r| r.start);
    found
}

/// Bracketed references: every `;`-separated part reads as a reference.
fn find_bracketed(sentence: &str, found: &mut Inline) {
    for c in BRACKETED.captures_iter(sentence) {
        let inner = &c[1];
        // References are separated by "; " (Vancouver's "2022;8:5" has no space).
        let parts: Vec<&str> = inner
            .split("; ")
            .flat_map(|part| part.split('；'))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let references: Vec<CitedAs> = parts.iter().filter_map(|part| reference(part)).collect();
        // "(Gentile et al., 2015; PubMed)": a link's label beside a reference.
        let labels = parts.iter().filter(|part| is_link_label(part)).count();
        if !references.is_empty() && references.len() + labels == parts.len() {
            found.cut.push(c.get(0).expect("whole match").range());
            for r in references {
                push_unique(&mut found.citations, r);
            }
        }
    }
}

/// What one piece of text cites when it is nothing but a reference: an identifier or a
/// URL (typed), or author/journal and year in Latin script (as written). `None` for
/// anything else, so "(2024-2025年)", "(n = 30)" or "(COVID-19)" are left as wording.
pub fn reference(part: &str) -> Option<CitedAs> {
    let part = part.trim().trim_end_matches(['.', ',', '、']);
    if let Some(id) = sole_identifier(part) {
        return Some(id);
    }
    let latin = part.chars().filter(char::is_ascii_alphabetic).count();
    let foreign = part.chars().filter(|c| *c > '\u{2e80}').count();
    let reads_as_reference = YEAR.is_match(part)
        && foreign == 0
        && latin >= 2
        && CAPITALISED_WORD.is_match(part)
        && part.chars().count() <= 400;
    reads_as_reference.then(|| CitedAs::Text(part.to_owned()))
}

/// A piece that is only a PMID, PMCID, DOI or one of their URLs.
pub fn sole_identifier(part: &str) -> Option<CitedAs> {
    let text = nfkc(part.trim());
    let rest = |span: Range<usize>| {
        let mut rest = text.clone();
        rest.replace_range(span, "");
        rest.trim_matches(|c: char| c.is_whitespace() || ".,;:()[]".contains(c))
            .is_empty()
    };
    if let Some(f) = ids::find_pubmed_url(&text).or_else(|| ids::find_pmid_label(&text))
        && rest(f.span)
    {
        return Some(CitedAs::Pmid(f.id));
    }
    if let Some(f) = ids::find_pmcid(&text)
        && rest(f.span)
    {
        return Some(CitedAs::Pmcid(f.id));
    }
    if let Some(f) = ids::find_doi(&text)
        && rest(f.span.clone())
    {
        return Some(CitedAs::Doi(f.id));
    }
    None
}

/// Words a page puts on a link to a source ("PubMed", "full text").
fn is_link_label(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 3
        && part
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c.is_whitespace())
        && [
            "pubmed",
            "pmc",
            "full text",
            "link",
            "source",
            "study",
            "abstract",
            "pdf",
            "doi",
        ]
        .iter()
        .any(|label| part.to_ascii_lowercase().contains(label))
}

/// One source in a list of sources (a 「参考:」 line, a table's source column), where
/// whatever is listed is a source: a reference or identifier, or any entry with a year
/// (Japanese references, "社内試験（2022年）") as written.
pub fn listed_source(part: &str) -> Option<CitedAs> {
    let part = part.trim().trim_end_matches(['.', ',', '、', '。']);
    if let Some(cited) = reference(part) {
        return Some(cited);
    }
    static ANY_YEAR: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?:^|[^0-9])(?:19|20)[0-9]{2}(?:[^0-9]|$)"));
    (ANY_YEAR.is_match(part) && part.chars().count() >= 6).then(|| CitedAs::Text(part.to_owned()))
}

/// Splits a list of sources: `、` `;` `；` `／` and " / " separate entries, outside
/// brackets ("ミナモ化粧品調べ（2023年、n=82）" is one entry).
pub fn split_sources(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (at, c) in list.char_indices() {
        match c {
            '(' | '（' | '[' | '［' | '「' => depth += 1,
            ')' | '）' | ']' | '］' | '」' => depth = (depth - 1).max(0),
            // Vancouver's "2014;27(1):47-55" is one entry: a ';' separates only
            // when a space follows.
            ';' if depth == 0 && !list[at + 1..].starts_with(char::is_whitespace) => {}
            '、' | ';' | '；' | '／' if depth == 0 => {
                parts.push(&list[start..at]);
                start = at + c.len_utf8();
            }
            '/' if depth == 0 && list[..at].ends_with(' ') && list[at + 1..].starts_with(' ') => {
                parts.push(&list[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// PMIDs, PMCIDs, DOIs and their URLs anywhere in the sentence.
fn find_identifiers(sentence: &str, found: &mut Inline) {
    // The finders read NFKC text; copy with full-width characters is rare around
    // identifiers, so positions are only used when normalising kept the length.
    let text = nfkc(sentence);
    let same_positions = text.len() == sentence.len();
    let mut from = 0;
    while from < text.len() {
        let rest = &text[from..];
        let candidates: [Option<(Range<usize>, CitedAs)>; 4] = [
            ids::find_pubmed_url(rest).map(|f| typed(f, CitedAs::Pmid)),
            ids::find_pmid_label(rest).map(|f| typed(f, CitedAs::Pmid)),
            ids::find_pmcid(rest).map(|f| typed(f, CitedAs::Pmcid)),
            ids::find_doi(rest).map(|f| typed(f, CitedAs::Doi)),
        ];
        let Some((span, id)) = candidates
            .into_iter()
            .flatten()
            .min_by_key(|(span, _)| span.start)
        else {
            break;
        };
        let span = from + span.start..from + span.end;
        from = span.end.max(from + 1);
        let inside_cut = overlaps(&found.cut, &span);
        push_unique(&mut found.citations, id);
        if same_positions && !inside_cut {
            found.cut.push(widen_url(sentence, span));
        }
    }
}

fn typed<T>(found: Found<T>, make: impl Fn(T) -> CitedAs) -> (Range<usize>, CitedAs) {
    (found.span, make(found.id))
}

/// A URL's span widened to the whole URL (the finders stop at the identifier).
fn widen_url(sentence: &str, span: Range<usize>) -> Range<usize> {
    let start = sentence[..span.start]
        .rfind(char::is_whitespace)
        .map_or(0, |p| p + 1)
        .min(span.start);
    let url_start = sentence[start..span.start].find("http").map(|p| start + p);
    let end = sentence[span.end..]
        .find(|c: char| c.is_whitespace() || c > '\u{2e80}')
        .map_or(sentence.len(), |p| span.end + p);
    let end = span.end.max(
        end - sentence[span.end..end]
            .chars()
            .rev()
            .take_while(|c| ".,;)".contains(*c))
            .count(),
    );
    url_start.unwrap_or(span.start)..end
}

/// Reference markers; their labels are resolved against the page's reference list.
fn find_markers(sentence: &str, found: &mut Inline) {
    for m in BRACKET_MARKER.captures_iter(sentence) {
        let range = m.get(0).expect("whole match").range();
        if !overlaps(&found.cut, &range) {
            found.markers.push((range, labels(&m[1])));
        }
    }
    if let Some(m) = TRAILING_DAGGER.captures(sentence) {
        found.cut.push(m.get(1).expect("group 1").range());
    }
    for m in NOTE_MARKER.captures_iter(sentence) {
        let range = m.get(0).expect("whole match").range();
        if !overlaps(&found.cut, &range) && !overlaps_markers(found, &range) {
            // ※1 points to the ※1 note, not to reference 1 of a numbered list.
            found.markers.push((range, vec![format!("※{}", &m[1])]));
        }
    }
    // Superscript runs: "¹²" is 12, "¹,²" is 1 and 2, "¹⁻³" is 1 to 3.
    let mut chars = sentence.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !is_superscript_digit(c) {
            continue;
        }
        let mut end = at + c.len_utf8();
        let mut written = String::from(superscript_value(c));
        while let Some(&(next_at, next)) = chars.peek() {
            let piece = if is_superscript_digit(next) {
                superscript_value(next)
            } else if matches!(next, ',' | '˒') {
                ','
            } else if next == '⁻' {
                '-'
            } else {
                break;
            };
            written.push(piece);
            end = next_at + next.len_utf8();
            chars.next();
        }
        found.markers.push((at..end, labels(&written)));
    }
    // "効果があります1)": only right after a word and at the end of a clause.
    for m in PAREN_MARKER.captures_iter(sentence) {
        let range = m.get(0).expect("whole match").range();
        let before = sentence[..range.start].chars().next_back();
        let after = sentence[range.end..].chars().next();
        let after_word = before.is_some_and(|c| c.is_alphabetic() || "」』)）".contains(c));
        // "2)3)": a marker may be followed by the next one.
        let next_marker = PAREN_MARKER
            .find(&sentence[range.end..])
            .is_some_and(|m| m.start() == 0 && after.is_some_and(|c| c.is_ascii_digit()));
        let clause_end =
            next_marker || after.is_none_or(|c| "。.、,;；:： ".contains(c) || c.is_whitespace());
        if after_word
            && clause_end
            && !overlaps(&found.cut, &range)
            && !overlaps_markers(found, &range)
        {
            found.markers.push((range, labels(&m[1])));
        }
    }
    found.markers.sort_by_key(|(range, _)| range.start);
}

fn superscript_value(c: char) -> char {
    let index = "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|s| s == c).unwrap_or(0);
    char::from(b'0' + index as u8)
}

/// "1,3" → 1, 3; "2-4" → 2, 3, 4; "^note" → note.
fn labels(written: &str) -> Vec<String> {
    let written = written.trim_start_matches('^');
    let mut out = Vec::new();
    for part in written.split([',', '，', '、']) {
        let part = part.trim();
        let bounds: Vec<&str> = part.split(['-', '–']).map(str::trim).collect();
        match bounds.as_slice() {
            [from, to] => match (from.parse::<u32>(), to.parse::<u32>()) {
                (Ok(from), Ok(to)) if from <= to && to - from < 50 => {
                    out.extend((from..=to).map(|n| n.to_string()));
                }
                _ => out.push(part.to_owned()),
            },
            _ if !part.is_empty() => out.push(part.to_owned()),
            _ => {}
        }
    }
    out
}

fn overlaps(ranges: &[Range<usize>], range: &Range<usize>) -> bool {
    ranges
        .iter()
        .any(|r| r.start < range.end && range.start < r.end)
}

fn overlaps_markers(found: &Inline, range: &Range<usize>) -> bool {
    found
        .markers
        .iter()
        .any(|(r, _)| r.start < range.end && range.start < r.end)
}

pub fn push_unique(list: &mut Vec<CitedAs>, cited: CitedAs) {
    if !list.contains(&cited) {
        list.push(cited);
    }
}

/// The sentence without `cut` ranges, tidied: no space left before punctuation, none
/// doubled, none at the ends.
pub fn without(sentence: &str, cut: &[Range<usize>]) -> String {
    let mut kept = String::with_capacity(sentence.len());
    let mut at = 0;
    let mut ranges: Vec<&Range<usize>> = cut.iter().collect();
    ranges.sort_by_key(|r| r.start);
    for range in ranges {
        if range.start >= at {
            kept.push_str(&sentence[at..range.start]);
            at = range.end;
        } else {
            at = at.max(range.end);
        }
    }
    kept.push_str(&sentence[at.min(sentence.len())..]);
    let mut tidy = String::with_capacity(kept.len());
    for c in kept.chars() {
        if tidy.ends_with(' ') && (c == ' ' || ".,;:!?。、".contains(c)) {
            tidy.pop();
        }
        tidy.push(c);
    }
    tidy.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(found: &Inline) -> Vec<String> {
        found.citations.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn bracketed_author_year_and_journal_year_are_citations_and_cut() {
        let s = "Exosomes regenerate collagen (An, Y., et al., 2021; Lee & Park, 2019).";
        let found = inline(s);
        assert_eq!(texts(&found), ["An, Y., et al., 2021", "Lee & Park, 2019"]);
        assert_eq!(without(s, &found.cut), "Exosomes regenerate collagen.");
        let s = "神経・脳機能の改善(CNS Neurosci Ther. 2025)";
        assert_eq!(texts(&inline(s)), ["CNS Neurosci Ther. 2025"]);
        let s = "歩行速度の改善が報告されています（NPJ Aging. 2022;8:5）。";
        assert_eq!(texts(&inline(s)), ["NPJ Aging. 2022;8:5"]);
    }

    #[test]
    fn brackets_that_are_wording_stay() {
        for s in [
            "2024-2025年の包括的レビュー(2012-2024年)では有望です。",
            "It worked in 30 adults (n = 30, p < 0.05).",
            "Exosomes help (COVID-19) patients.",
        ] {
            let found = inline(s);
            assert!(
                found.citations.is_empty() && found.markers.is_empty(),
                "{s}: {found:?}"
            );
        }
    }

    #[test]
    fn identifiers_and_urls_are_typed_and_cut() {
        let s = "Shown in a trial (PMID: 31844417) and https://doi.org/10.1000/xyz123 and https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/.";
        let found = inline(s);
        assert_eq!(
            texts(&found),
            ["PMID: 31844417", "10.1000/xyz123", "PMC1234567"]
        );
        assert_eq!(without(s, &found.cut), "Shown in a trial and and.");
    }

    #[test]
    fn markers_of_every_style_give_their_labels() {
        let labels_of = |s: &str| -> Vec<Vec<String>> {
            inline(s).markers.into_iter().map(|(_, l)| l).collect()
        };
        assert_eq!(
            labels_of("It firms skin[1-3] and hydrates[^4]."),
            [vec!["1", "2", "3"], vec!["4"]]
        );
        assert_eq!(labels_of("コラーゲンを増やします¹˒²。"), [vec!["1", "2"]]);
        assert_eq!(labels_of("肌のハリを改善します1)。"), [vec!["1"]]);
        assert_eq!(labels_of("保湿力が向上※2"), [vec!["※2"]]);
        assert!(labels_of("(1) 肌のハリ").is_empty());
        assert!(labels_of("1日2回(朝晩)").is_empty());
    }

    #[test]
    fn narrative_citations_are_read_but_stay_in_the_wording() {
        let s = "Smith et al. (2020) showed firmer skin.";
        let found = inline(s);
        assert_eq!(texts(&found), ["Smith et al., 2020"]);
        assert!(found.cut.is_empty());
    }
}
