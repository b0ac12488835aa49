//! Splitting a paragraph into sentences, Japanese and English: at 。！？ and at `.`/`!`/`?`
//! before a new sentence, never inside brackets (so "(An, Y., et al., 2021)" stays whole)
//! nor after an abbreviation or an initial. A reference marker after the full stop
//! ("…skin.[1]", "…効果です。¹") belongs to the sentence before it.

use std::ops::Range;

/// Words that end with a full stop without ending a sentence (compared lowercased).
const ABBREVIATIONS: &[&str] = &[
    "al",
    "e.g",
    "i.e",
    "eg",
    "ie",
    "etc",
    "vs",
    "cf",
    "fig",
    "figs",
    "no",
    "nos",
    "vol",
    "pp",
    "p",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "inc",
    "ltd",
    "co",
    "corp",
    "st",
    "approx",
    "ca",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "ed",
    "eds",
    "u.s",
    "u.k",
    "ph.d",
    "m.d",
    "sci",
    "med",
    "j",
    "res",
    "clin",
    "int",
    "ther",
    "dermatol",
    "cosmet",
    "biol",
    "chem",
    "pharmacol",
    "nutr",
    "am",
    "eur",
    "jpn",
    "rev",
];

/// The sentences of `text`, as trimmed byte ranges, in order.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut depth: i32 = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match c {
            '(' | '（' | '[' | '「' | '『' | '【' | '〔' | '［' => depth += 1,
            ')' | '）' | ']' | '」' | '』' | '】' | '〕' | '］' => depth = (depth - 1).max(0),
            _ => {}
        }
        // A quotation that ends with its sentence ("「…良くなりました。」 院長 …").
        let closes_quote = depth == 0
            && matches!(c, '」' | '』' | '”')
            && i > 0
            && matches!(chars[i - 1].1, '。' | '！' | '？' | '!' | '?' | '.');
        let ends = closes_quote
            || depth == 0
                && match c {
                    '。' | '！' | '？' => true,
                    '!' | '?' => next_starts_sentence(&chars, i + 1, true),
                    '.' => {
                        next_starts_sentence(&chars, i + 1, false) && !ends_abbreviation(text, at)
                    }
                    _ => false,
                };
        if ends {
            // Runs of terminators ("!?", "。」"), then any reference marker.
            let mut end = i + 1;
            while end < chars.len()
                && matches!(
                    chars[end].1,
                    '!' | '?' | '！' | '？' | '」' | '』' | ')' | '）' | '"' | '”' | '’'
                )
            {
                end += 1;
            }
            end = skip_marker(&chars, end);
            let end_byte = chars.get(end).map_or(text.len(), |(b, _)| *b);
            push_trimmed(text, start..end_byte, &mut sentences);
            start = end_byte;
            i = end;
            depth = 0;
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut sentences);
    sentences
}

/// Whether what follows position `i` begins a new sentence: the end of the text, or
/// (after optional spaces) a capital, a digit, an opening quote or bracket, or Japanese.
/// After `.`, a space is required ("3.5 mg", "e.g.x" do not end sentences).
fn next_starts_sentence(chars: &[(usize, char)], i: usize, loose: bool) -> bool {
    let mut j = i;
    let mut spaced = false;
    while j < chars.len() && chars[j].1.is_whitespace() {
        spaced = true;
        j += 1;
    }
    let Some(&(_, next)) = chars.get(j) else {
        return true;
    };
    if is_marker_start(chars, j) {
        return true;
    }
    if !spaced {
        return (loose || next > '\u{2e80}') && !next.is_ascii_alphanumeric();
    }
    next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '“' | '\'' | '‘' | '(' | '[' | '「' | '【')
        || next > '\u{2e80}'
}

/// Whether the `.` at byte `at` ends an abbreviation or an initial ("et al.", "Y.").
fn ends_abbreviation(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | ',' | ';'))
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// A reference marker starts at `i`: `[1]`, `[^1]`, or a superscript digit.
fn is_marker_start(chars: &[(usize, char)], i: usize) -> bool {
    match chars.get(i).map(|c| c.1) {
        Some('[' | '［') => {
            let inner: String = chars[i + 1..]
                .iter()
                .map(|c| c.1)
                .take_while(|c| !matches!(c, ']' | '］'))
                .collect();
            let inner = inner.trim_start_matches('^');
            !inner.is_empty()
                && inner.len() <= 16
                && inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '–' | ' '))
        }
        Some(c) => is_superscript_digit(c),
        None => false,
    }
}

/// Skips markers (and the spaces before them) from `i`, returning the index after them.
fn skip_marker(chars: &[(usize, char)], mut i: usize) -> usize {
    loop {
        let mut j = i;
        while j < chars.len() && chars[j].1 == ' ' {
            j += 1;
        }
        if !is_marker_start(chars, j) {
            return i;
        }
        if matches!(chars[j].1, '[' | '［') {
            while j < chars.len() && !matches!(chars[j].1, ']' | '］') {
                j += 1;
            }
            i = (j + 1).min(chars.len());
        } else {
            while j < chars.len()
                && (is_superscript_digit(chars[j].1) || matches!(chars[j].1, '⁻' | ',' | '˒'))
            {
                j += 1;
            }
            i = j;
        }
    }
}

pub(crate) fn is_superscript_digit(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹')
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let piece = &text[range.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn japanese_sentences_end_at_the_full_stop() {
        assert_eq!(
            sentences(
                "エクソソームは小胞です。脂質二重膜(CD9。CD63)に包まれています。特に、有望です"
            ),
            [
                "エクソソームは小胞です。",
                "脂質二重膜(CD9。CD63)に包まれています。",
                "特に、有望です"
            ]
        );
    }

    #[test]
    fn english_sentences_survive_abbreviations_initials_and_citations() {
        assert_eq!(
            sentences(
                "Exosomes regenerate collagen (An, Y., et al., 2021). Smith et al. found 3.5 times more, e.g. in skin. Is it safe? Yes!"
            ),
            [
                "Exosomes regenerate collagen (An, Y., et al., 2021).",
                "Smith et al. found 3.5 times more, e.g. in skin.",
                "Is it safe?",
                "Yes!"
            ]
        );
    }

    #[test]
    fn a_marker_after_the_full_stop_stays_with_its_sentence() {
        assert_eq!(
            sentences("It firms skin.[1] It hydrates.[^2,3] 保湿します。¹² 次です。"),
            [
                "It firms skin.[1]",
                "It hydrates.[^2,3]",
                "保湿します。¹²",
                "次です。"
            ]
        );
    }
}
