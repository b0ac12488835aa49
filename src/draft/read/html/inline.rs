//! The text of one block, built piece by piece as a reader walks its markup: runs of
//! whitespace collapsed to one space and trimmed (as `collapse_whitespace` would), links
//! recorded against the final text, and the line of the first visible character kept.
//! Shared by the HTML and Markdown readers, so both write text the same way.

use crate::draft::blocks::Link;

/// A block's text while it is being read.
#[derive(Debug, Default)]
pub(in crate::draft::read) struct TextBuilder {
    text: String,
    /// Whitespace was seen since the last word: a space goes in before the next one (never
    /// at the start, never at the end, so the text comes out trimmed).
    space_pending: bool,
    line: Option<usize>,
    links: Vec<Link>,
    /// Anchors open around the text being read that have no visible character in this
    /// block yet: (anchor id, href). A link starts at its first character, so the space
    /// before it stays outside its range.
    waiting: Vec<(usize, String)>,
    /// Anchors whose link has started here: (anchor id, index in `links`).
    started: Vec<(usize, usize)>,
}

/// A finished block's text.
#[derive(Debug)]
pub(in crate::draft::read) struct Finished {
    pub text: String,
    pub links: Vec<Link>,
    pub line: usize,
}

impl TextBuilder {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Adds text as read; `line` is where its first visible character is. Returns whether
    /// anything visible was added.
    pub fn push_str(&mut self, text: &str, line: usize) -> bool {
        let mut rest = text;
        let mut pushed = false;
        loop {
            let trimmed = rest.trim_start();
            self.space_pending |= trimmed.len() < rest.len();
            if trimmed.is_empty() {
                return pushed;
            }
            let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            self.push_word(&trimmed[..end], line);
            pushed = true;
            rest = &trimmed[end..];
        }
    }

    /// A separator between pieces of the block that a visitor sees apart (a line break,
    /// two paragraphs flattened into one list item).
    pub fn space(&mut self) {
        self.space_pending = true;
    }

    /// Whether a superscript number `sup` right here is an exponent rather than a
    /// reference: `2` or `3` right after a unit of length (`m<sup>2</sup>`,
    /// `5cm<sup>3</sup>`; not inches, which would take "shown in<sup>3</sup>"), or any
    /// number right after `10` (`10<sup>6</sup>`).
    pub fn exponent_here(&self, sup: &str) -> bool {
        let sup = sup.trim();
        if self.space_pending || !sup.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let word = self.text.rsplit(' ').next().unwrap_or("");
        let power_of_ten =
            word.ends_with("10") && !word[..word.len() - 2].ends_with(|c: char| c.is_ascii_digit());
        let unit = ["m", "cm", "mm", "km", "µm", "μm", "nm", "ft"]
            .iter()
            .any(|unit| {
                word.strip_suffix(unit)
                    .is_some_and(|before| !before.ends_with(char::is_alphabetic))
            });
        power_of_ten || (unit && matches!(sup, "2" | "3"))
    }

    /// Adds a footnote marker (`[^1]`) as one word; `hrefs` are links inside the marker,
    /// which cover all of it.
    pub fn push_marker(&mut self, label: &str, line: usize, hrefs: Vec<String>) {
        let start = self.push_word(&format!("[^{label}]"), line);
        let range = start..self.text.len();
        let links = hrefs.into_iter().map(|href| Link {
            range: range.clone(),
            href,
        });
        self.links.extend(links);
    }

    /// Appends one run of non-whitespace characters; returns where it starts.
    fn push_word(&mut self, word: &str, line: usize) -> usize {
        if self.space_pending && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space_pending = false;
        self.line.get_or_insert(line);
        let start = self.text.len();
        for (anchor, href) in self.waiting.drain(..) {
            self.started.push((anchor, self.links.len()));
            self.links.push(Link {
                range: start..start,
                href,
            });
        }
        self.text.push_str(word);
        start
    }

    /// An anchor opens around the text that follows.
    pub fn open_link(&mut self, anchor: usize, href: &str) {
        self.waiting.push((anchor, href.trim().to_string()));
    }

    /// The anchor closes. Returns whether its link had started in this block.
    pub fn close_link(&mut self, anchor: usize) -> bool {
        self.waiting.retain(|(a, _)| *a != anchor);
        let Some(at) = self.started.iter().position(|(a, _)| *a == anchor) else {
            return false;
        };
        let (_, index) = self.started.remove(at);
        self.links[index].range.end = self.text.len();
        true
    }

    /// A link with no text (an image link, an empty anchor), at the current end.
    pub fn empty_link(&mut self, href: &str) {
        let at = self.text.len();
        self.links.push(Link {
            range: at..at,
            href: href.trim().to_string(),
        });
    }

    /// The block's text, links and line; `None` when nothing visible was read.
    pub fn finish(mut self) -> Option<Finished> {
        let end = self.text.len();
        for (_, index) in self.started.drain(..) {
            self.links[index].range.end = end;
        }
        let line = self.line?;
        Some(Finished {
            text: self.text,
            links: self.links,
            line,
        })
    }
}

/// A footnote reference as written in a superscript or a link: digits, commas and dashes,
/// maybe in brackets (`1`, `[2]`, `1, 3`, `(2–4)`, `[2]–[4]`). Returns it in the one form
/// markers are written in (`1`, `2`, `1,3`, `2-4`): brackets and spaces gone, dashes as
/// `-`. Anything else (`®`, `※1`, `a`) is not a reference.
pub(in crate::draft::read) fn reference_marker(raw: &str) -> Option<String> {
    if raw.len() > 64 {
        return None;
    }
    let bracket = |c: char| matches!(c, '[' | ']' | '(' | ')' | '［' | '］' | '（' | '）');
    let mut marker = String::with_capacity(raw.len());
    for c in raw.chars().filter(|&c| !c.is_whitespace() && !bracket(c)) {
        let c = match c {
            '0'..='9' => c,
            ',' | '，' | '、' => ',',
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '−' => '-',
            _ => return None,
        };
        let after_separator = !marker.ends_with(|p: char| p.is_ascii_digit());
        if !c.is_ascii_digit() && after_separator {
            return None; // a separator first, or two in a row
        }
        marker.push(c);
    }
    marker
        .ends_with(|c: char| c.is_ascii_digit())
        .then_some(marker)
}
