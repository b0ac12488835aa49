//! Copy as the wording rules read it, with the way back to the source.
//!
//! Real copy writes one phrase many ways: full- and half-width forms, katakana or
//! hiragana, 無い or ない, a line break or a space in the middle of a Japanese phrase,
//! brackets and middle dots around a word. Rules and copy are both put through
//! [`normalize`], so a rule written once matches every spelling, and every character of
//! the result remembers the byte range of the source it came from, so a finding points at
//! the exact phrase as written.
//!
//! The steps, in order: NFKC (with half-width dakuten composed), lower case, katakana as
//! hiragana, brackets, quotes, decorations, commas and middle dots dropped, whitespace
//! and hyphens collapsed to one space (none next to Japanese), a blank line or a full
//! stop kept as a sentence boundary (`\n`), and finally one spelling for common
//! kanji/kana variants.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::compose;

/// The character that ends a sentence in normalised text: nothing matches across it.
pub const BOUNDARY: char = '\n';

/// Kanji and kana spellings of one word, each written the one way rules use. Applied
/// after the other steps, so the keys are already in hiragana and lower case.
const VARIANTS: &[(&str, &str)] = &[
    ("無い", "ない"),
    ("無し", "なし"),
    ("無く", "なく"),
    ("無かっ", "なかっ"),
    ("有り", "あり"),
    ("有る", "ある"),
    ("全く", "まったく"),
    ("いっさい", "一切"),
    ("出来", "でき"),
    ("下さい", "ください"),
    ("御座い", "ござい"),
    ("様々", "さまざま"),
    ("沢山", "たくさん"),
    ("殆ど", "ほとんど"),
    ("保障", "保証"),
    ("子供", "子ども"),
    ("わかい", "若い"),
    ("若がえ", "若返"),
];

/// Normalised text and, for each of its chars, the source bytes it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// Byte offset in `text` of each char, in order.
    starts: Vec<usize>,
    /// Source byte range of each char.
    origin: Vec<Range<usize>>,
}

impl Normalized {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The source byte range a byte range of the normalised text came from.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let first = self.starts.partition_point(|&s| s < range.start);
        let last = self.starts.partition_point(|&s| s < range.end);
        match (
            self.origin.get(first),
            last.checked_sub(1).and_then(|i| self.origin.get(i)),
        ) {
            (Some(a), Some(b)) if last > first => a.start.min(b.start)..a.end.max(b.end),
            (Some(a), _) => a.start..a.start,
            _ => self.origin.last().map_or(0..0, |o| o.end..o.end),
        }
    }

    fn push(&mut self, c: char, origin: Range<usize>) {
        self.starts.push(self.text.len());
        self.text.push(c);
        self.origin.push(origin);
    }

    fn last_char(&self) -> Option<char> {
        self.text.chars().next_back()
    }
}

/// Whether `c` is Japanese (kana, kanji, their punctuation): no spaces between words.
pub fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' // CJK symbols and punctuation
        | '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}')
}

/// Whether `c` belongs to a word of a space-separated language (for whole-word matching).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_japanese(c)
}

/// Characters that carry no words but join what is around them: apostrophes ("it's" is
/// "its") and emphasis marks.
fn is_dropped(c: char) -> bool {
    matches!(c, '\'' | '`' | '´' | '‘' | '’' | '*' | '_' | '\u{FE0F}')
}

/// Characters that carry no words and separate what is around them, as a space would:
/// brackets, quotes, bullets, decorations, emoji ("【Before/After】3か月" reads "before
/// after 3か月"; next to Japanese the space is dropped again).
fn separates(c: char) -> bool {
    matches!(c,
        '「' | '」' | '『' | '』' | '【' | '】' | '〔' | '〕' | '〈' | '〉' | '《' | '》'
        | '[' | ']' | '(' | ')' | '{' | '}' | '"' | '“' | '”' | '|'
        | '、' | '・' | '･' | '※' | '〜' | '~' | '∼'
        | '★' | '☆' | '◆' | '◇' | '■' | '□' | '●' | '○' | '◎' | '▼' | '▲' | '►' | '▶'
        | '♪' | '♡' | '♥' | '❤' | '✓' | '✔' | '✨' | '⚠')
        || ('\u{1F000}'..='\u{1FAFF}').contains(&c) // emoji
        || ('\u{2600}'..='\u{27BF}').contains(&c) // symbols and dingbats
}

/// Ends of sentences: a phrase never runs across one.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '!' | '?')
}

/// Normalises `source` (see the module documentation).
pub fn normalize(source: &str) -> Normalized {
    normalize_lines(source, Lines::Wrapped)
}

/// What a single line break means in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Plain copy: a line break may wrap a sentence (「副作用が\nない」 is one phrase),
    /// unless the next line starts a list item, a table row or a heading, or the line
    /// ends a sentence or a label (":").
    Wrapped,
    /// Text taken out of HTML or Markdown, whose soft wraps are already joined: every line
    /// is a block of its own.
    Blocks,
}

/// Whether a line starting at `rest` begins a new block: a list item, a table row, a
/// heading, a bullet or an emoji-led line.
fn starts_block(rest: &str) -> bool {
    let line = rest.trim_start_matches([' ', '\t', '\u{3000}']);
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    matches!(
        first,
        '-' | '*'
            | '+'
            | '・'
            | '•'
            | '|'
            | '｜'
            | '#'
            | '>'
            | '【'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '●'
            | '○'
            | '◎'
            | '★'
            | '☆'
            | '▼'
            | '▶'
            | '►'
            | '※'
            | '〇'
    ) || separates(first)
        || (first.is_ascii_digit() || ('０'..='９').contains(&first))
            && matches!(second, Some('.' | ')' | '．' | '）' | '、'))
        || matches!(
            (first, second),
            ('Q' | 'A' | 'Ｑ' | 'Ａ', Some('.' | '．' | ':' | '：'))
        )
}

/// Normalises `source`, reading its line breaks as `lines` says.
pub fn normalize_lines(source: &str, lines: Lines) -> Normalized {
    let mut out = Normalized::default();
    // Whitespace seen but not yet written: its source range and how many line breaks.
    let mut pending: Option<(Range<usize>, usize)> = None;
    for (at, c) in source.char_indices() {
        let origin = at..at + c.len_utf8();
        // A hyphen or slash joins words the way a space does: "risk-free" is "risk free",
        // "before/after" is "before after".
        if c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '/' | '／') {
            let breaks = match c {
                // A line break that ends a block counts as a blank line.
                '\n' if lines == Lines::Blocks
                    || starts_block(&source[at + 1..])
                    || matches!(out.last_char(), Some(':' | BOUNDARY)) =>
                {
                    2
                }
                '\n' => 1,
                _ => 0,
            };
            pending = Some(match pending {
                Some((range, n)) => (range.start..origin.end, n + breaks),
                None => (origin, breaks),
            });
            continue;
        }
        // ASCII needs no compatibility mapping: the common case, kept quick.
        if c.is_ascii() {
            emit(&mut out, &mut pending, c.to_ascii_lowercase(), &origin);
            continue;
        }
        for n in c.nfkc() {
            // A half-width dakuten becomes a combining mark: put it back on its kana.
            if matches!(n, '\u{3099}' | '\u{309A}')
                && let Some(composed) = out
                    .last_char()
                    .and_then(|last| compose(to_katakana(last), n))
            {
                let composed = to_hiragana(composed);
                let i = out.origin.len() - 1;
                let start = out.starts[i];
                out.text.truncate(start);
                out.text.push(composed);
                out.origin[i].end = origin.end;
                continue;
            }
            for lower in n.to_lowercase() {
                emit(&mut out, &mut pending, to_hiragana(lower), &origin);
            }
        }
    }
    apply_variants(out)
}

/// Writes one normalised char from source bytes `origin`: separators and commas become
/// pending whitespace, dropped chars vanish, a sentence end becomes the boundary.
fn emit(
    out: &mut Normalized,
    pending: &mut Option<(Range<usize>, usize)>,
    c: char,
    origin: &Range<usize>,
) {
    if c == ',' || separates(c) {
        pending.get_or_insert((origin.clone(), 0));
        return;
    }
    if is_dropped(c) || c.is_whitespace() {
        return;
    }
    if let Some((range, breaks)) = pending.take() {
        write_space(out, range, breaks, c);
    }
    out.push(if ends_sentence(c) { BOUNDARY } else { c }, origin.clone());
}

/// Writes the whitespace before `next`: a sentence boundary for a blank line, nothing
/// next to Japanese, else one space.
fn write_space(out: &mut Normalized, range: Range<usize>, breaks: usize, next: char) {
    let Some(previous) = out.last_char() else {
        return;
    };
    if breaks >= 2 || (previous == '.' && !after_abbreviation(&out.text)) {
        // A blank line, or a full stop before a space, ends the sentence.
        if previous != BOUNDARY {
            out.push(BOUNDARY, range);
        }
    } else if !(is_japanese(previous) || is_japanese(next) || previous == BOUNDARY) {
        out.push(' ', range);
    }
}

/// Whether the text ends with an abbreviation's full stop ("No.", "Dr."), which does not
/// end a sentence: "No. 1 rated" is one phrase.
fn after_abbreviation(text: &str) -> bool {
    let before = text.trim_end_matches('.');
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    // "e.g.", "i.e.", "U.S.": a letter between full stops.
    let dotted = word.chars().count() == 1 && before[..before.len() - word.len()].ends_with('.');
    dotted
        || matches!(
            word,
            "no" | "dr"
                | "mr"
                | "mrs"
                | "ms"
                | "st"
                | "vs"
                | "approx"
                | "vol"
                | "fig"
                | "ltd"
                | "inc"
                | "co"
        )
}

fn to_hiragana(c: char) -> char {
    match c {
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

fn to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    }
}

/// Rewrites each variant spelling, the new chars covering the source of the old.
fn apply_variants(input: Normalized) -> Normalized {
    static SPELLINGS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(VARIANTS.iter().map(|(from, _)| from))
            .expect("fixed strings always build")
    });
    let mut found = SPELLINGS.find_iter(&input.text).peekable();
    if found.peek().is_none() {
        return input;
    }
    let char_at = |byte: usize| input.starts.partition_point(|&s| s < byte);
    let mut out = Normalized::default();
    let mut copied = 0; // chars of the input written so far
    for variant in found {
        let (first, end) = (char_at(variant.start()), char_at(variant.end()));
        for i in copied..first {
            let c = input.text[input.starts[i]..].chars().next().unwrap_or(' ');
            out.push(c, input.origin[i].clone());
        }
        let origin = input.origin[first].start..input.origin[end - 1].end;
        for c in VARIANTS[variant.pattern().as_usize()].1.chars() {
            out.push(c, origin.clone());
        }
        copied = end;
    }
    for i in copied..input.starts.len() {
        let c = input.text[input.starts[i]..].chars().next().unwrap_or(' ');
        out.push(c, input.origin[i].clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalize(text).as_str().to_owned()
    }

    #[test]
    fn one_spelling_for_every_way_of_writing_a_phrase() {
        for written in [
            "副作用がない",
            "副作用が無い",
            "副作用ガナイ",
            "副作用が\nない",
            "副作用が ない",
            "「副作用」がない",
            "副作用がﾅｲ",
        ] {
            assert_eq!(n(written), "副作用がない", "{written:?}");
        }
        assert_eq!(n("１００％安全"), "100%安全");
        assert_eq!(n("ﾀﾞｳﾝﾀｲﾑ"), "だうんたいむ", "half-width dakuten composed");
        assert_eq!(n("No Side-Effects,  at all"), "no side effects at all");
        assert_eq!(n("ハリ・ツヤ"), "はりつや");
        assert_eq!(n("副作用はいっさいありません"), "副作用は一切ありません");
        assert_eq!(n("安全です。効果も"), "安全です\n効果も");
        assert_eq!(n("Safe.\n\nFast"), "safe. fast".replace(". ", ".\n"));
        assert_eq!(
            n("The No. 1 clinic. Book now"),
            "the no. 1 clinic.\nbook now"
        );
        assert_eq!(n("safe\nand fast"), "safe and fast");
        assert_eq!(n("Cheap, e.g. 100% safe."), "cheap e.g. 100% safe.");
        assert_eq!(n("That is, i.e. safe. Next"), "that is i.e. safe.\nnext");
        // A line break before a list item or after a label ends the block.
        assert_eq!(n("特徴:\n- 高い増殖能"), "特徴:\n高い増殖能");
        assert_eq!(n("副作用が\n・ない"), "副作用が\nない");
        assert_eq!(
            normalize_lines("副作用が\nない", Lines::Blocks).as_str(),
            "副作用が\nない"
        );
    }

    #[test]
    fn every_char_knows_its_source() {
        let source = "当院の治療は「副作用\nゼロ」です";
        let normalized = normalize(source);
        let text = normalized.as_str();
        let start = text.find("副作用ぜろ").unwrap();
        let range = normalized.source_range(start..start + "副作用ぜろ".len());
        assert_eq!(&source[range], "副作用\nゼロ");
        let source = "ﾘｽｸが無い";
        let normalized = normalize(source);
        let range = normalized.source_range(0..normalized.as_str().len());
        assert_eq!(&source[range], source);
        let end = normalized.as_str().len();
        assert_eq!(
            normalized.source_range(end..end),
            source.len()..source.len()
        );
    }
}
