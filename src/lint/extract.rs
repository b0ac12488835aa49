//! The readable text of marketing copy (plain text, Markdown or HTML), with a map back to
//! the original bytes, so the wording lint can search what a visitor reads and still
//! report the line and column of each phrase in the file the author edits.
//!
//! Each format is read by a small hand-written state machine rather than a full parser:
//! copy on the web is often malformed, and a lint must read whatever it is given without
//! panicking. Every piece of text is emitted in source order through `Out`, which
//! collapses whitespace, places block boundaries and records where each piece came from.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

named_enum! {
    /// How a file's text is marked up.
    pub enum SourceFormat {
        Text,
        Markdown,
        Html,
    }
}

impl SourceFormat {
    /// From a file name: .html/.htm/.xhtml → Html, .md/.markdown → Markdown, else Text.
    pub fn for_path(path: &Path) -> SourceFormat {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" | "xhtml" => SourceFormat::Html,
            "md" | "markdown" => SourceFormat::Markdown,
            _ => SourceFormat::Text,
        }
    }
}

/// The readable text of a document, and where each piece came from.
#[derive(Debug, Clone)]
pub struct Extracted {
    text: String,
    /// Pieces of `text` in order; each runs from its `at` to the next piece's `at`.
    segs: Vec<Seg>,
}

/// A piece of the text: either copied byte for byte from `src` (`verbatim`), or produced
/// by all of `src` together (a decoded reference, a collapsed space, a block boundary).
#[derive(Debug, Clone)]
struct Seg {
    at: usize,
    src: Range<usize>,
    verbatim: bool,
}

impl Seg {
    /// Where text offset `p` (in or at the end of this piece) falls in the source, as the
    /// start or the `end` of a range.
    fn map(&self, p: usize, end: bool) -> usize {
        match (self.verbatim, end) {
            (true, _) => self.src.start + (p - self.at),
            (false, false) => self.src.start,
            (false, true) => self.src.end,
        }
    }
}

impl Extracted {
    /// The readable text: what a visitor reads, with markup removed, character references
    /// decoded, and line breaks marking block boundaries.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte range in the original source that produced `range` of `text()`. For a
    /// range inside one decoded reference such as `&amp;`, the whole reference. An empty
    /// range maps to an empty range at the corresponding position.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let floor = |mut p: usize| {
            p = p.min(self.text.len());
            while !self.text.is_char_boundary(p) {
                p -= 1;
            }
            p
        };
        let (start, end) = (floor(range.start), floor(range.end));
        let seg = |p: usize| &self.segs[self.segs.partition_point(|s| s.at <= p) - 1];
        if self.segs.is_empty() {
            return 0..0;
        }
        // At the very end of the text, a position is where the last piece ends.
        let from = if start < self.text.len() {
            seg(start).map(start, false)
        } else {
            seg(start - 1).map(start, true)
        };
        if end <= start {
            return from..from;
        }
        from..seg(end - 1).map(end, true).max(from)
    }
}

/// Extracts the readable text of `source`.
pub fn extract(source: &str, format: SourceFormat) -> Extracted {
    let mut out = Out::default();
    // A byte order mark is not text anyone reads, and would hide front matter.
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    match format {
        SourceFormat::Text => {
            for (i, c) in source.char_indices() {
                out.push(c, i..i + c.len_utf8(), true);
            }
        }
        SourceFormat::Html => html(source, start, &mut out),
        SourceFormat::Markdown => markdown(source, start, &mut out),
    }
    Extracted {
        text: out.text,
        segs: out.segs,
    }
}

/// 1-based line and 1-based column (in Unicode scalar values) of byte `offset` in
/// `source`. Lines end at "\n", so the "\r" of a "\r\n" ends its own line. An offset
/// inside a character counts as that character; past the end, as the end.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(source).line_column(offset)
}

/// Where each line of a file starts, so that placing many findings costs a binary search
/// each rather than a scan from the top of the file.
pub struct LineIndex<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(source: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { source, starts }
    }

    /// As [`line_column`].
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset);
        let column = self.source[self.starts[line - 1]..offset].chars().count() + 1;
        (line, column)
    }
}

/// Builds the text. Whitespace and boundaries are held back until the next visible
/// character, so runs collapse, a boundary is never doubled, and none is left at either end.
#[derive(Default)]
struct Out {
    text: String,
    segs: Vec<Seg>,
    /// A pending space: where it came from, and whether its run held a line break.
    space: Option<(Range<usize>, bool)>,
    /// A pending block boundary, and where it came from.
    boundary: Option<Range<usize>>,
}

impl Out {
    /// A character of text; ASCII whitespace is collapsed.
    fn put(&mut self, c: char, src: Range<usize>, verbatim: bool) {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
            return self.ws(src, matches!(c, '\n' | '\r'));
        }
        if let Some(b) = self.boundary.take() {
            self.push('\n', b, false);
        } else if let Some((s, line_break)) = self.space.take() {
            // Japanese has no spaces: a line break between two CJK characters joins them
            // (as CSS does for East Asian text).
            let last = self.text.chars().next_back().unwrap_or(' ');
            if !(line_break && is_cjk(last) && is_cjk(c)) {
                self.push(' ', s, false);
            }
        }
        self.space = None;
        self.push(c, src, verbatim);
    }

    fn ws(&mut self, src: Range<usize>, line_break: bool) {
        if self.text.is_empty() || self.boundary.is_some() {
            return;
        }
        match &mut self.space {
            Some((_, lb)) => *lb |= line_break,
            None => self.space = Some((src, line_break)),
        }
    }

    fn boundary(&mut self, src: Range<usize>) {
        self.space = None;
        if !self.text.is_empty() && self.boundary.is_none() {
            self.boundary = Some(src);
        }
    }

    fn push(&mut self, c: char, src: Range<usize>, verbatim: bool) {
        let at = self.text.len();
        self.text.push(c);
        match self.segs.last_mut() {
            Some(last) if verbatim && last.verbatim && last.src.end == src.start => {
                last.src.end = src.end;
            }
            _ => self.segs.push(Seg { at, src, verbatim }),
        }
    }
}

/// Chinese, Japanese (kana, kanji, CJK punctuation, full-width forms); not Hangul, since
/// Korean is written with spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x303F | 0x3040..=0x30FF | 0x31C0..=0x31FF | 0x3200..=0x9FFF
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// A character reference at the start of `s` (which starts with `&`): its decoded text
/// and its length in bytes. Malformed or unknown references are `None` (kept as text).
fn char_ref(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut n = 1;
    if b.get(1) == Some(&b'#') {
        n = 2 + usize::from(matches!(b.get(2), Some(b'x' | b'X')));
    }
    let body = n;
    // The longest named reference is 31 letters.
    while n < b.len() && n < 40 && b[n].is_ascii_alphanumeric() {
        n += 1;
    }
    if n == body || b.get(n) != Some(&b';') {
        return None;
    }
    match html_escape::decode_html_entities(&s[..=n]) {
        Cow::Owned(decoded) => Some((decoded, n + 1)),
        Cow::Borrowed(_) => None,
    }
}

mod html;
mod markdown;

use html::html;
use markdown::markdown;

#[cfg(test)]
mod tests;
