//! HTML: the text a visitor reads (and the meta descriptions a search result shows),
//! tags, comments, scripts and styles left out, character references decoded.

use std::ops::Range;

use super::{Out, char_ref};

/// Elements whose content nobody reads as copy; `script` and `style` are raw text.
pub(super) const HIDDEN: &str = "script style noscript template svg";
const RAW: &str = "script style";
pub(super) const BLOCK: &str = "p div section article header footer li ul ol dl dt dd table tr td th \
    h1 h2 h3 h4 h5 h6 blockquote pre br hr figure figcaption main nav aside title form \
    option button address caption details summary fieldset legend";
/// `<meta>` names (or properties) whose `content` is ad copy.
const META_COPY: &str = "description og:description og:title";

/// A start or end tag: byte ranges of its name and attributes, and where it ends.
#[derive(Default)]
pub(super) struct Tag {
    pub(super) name: Range<usize>,
    pub(super) end_tag: bool,
    pub(super) self_closing: bool,
    pub(super) attrs: Vec<(Range<usize>, Range<usize>)>,
    pub(super) end: usize,
}

impl Tag {
    /// Whether its name is one of `names` (separated by spaces).
    pub(super) fn is(&self, src: &str, names: &str) -> bool {
        let name = &src[self.name.clone()];
        names.split(' ').any(|n| name.eq_ignore_ascii_case(n))
    }

    /// The start tag of a hidden element whose content is skipped (not `<svg/>`).
    pub(super) fn is_hidden_start(&self, src: &str) -> bool {
        !self.end_tag && self.is(src, HIDDEN) && (self.is(src, RAW) || !self.self_closing)
    }

    /// The attribute values a visitor may read as copy: alt, title, and some meta content.
    pub(super) fn copy_attrs<'a>(
        &'a self,
        src: &'a str,
    ) -> impl Iterator<Item = Range<usize>> + 'a {
        let is = |r: &Range<usize>, names: &str| {
            names
                .split(' ')
                .any(|n| src[r.clone()].eq_ignore_ascii_case(n))
        };
        let meta = self.is(src, "meta")
            && (self.attrs.iter()).any(|(n, v)| is(n, "name property") && is(v, META_COPY));
        let copy = move |(n, v): &(_, Range<usize>)| {
            (is(n, "alt title") || (meta && is(n, "content"))).then(|| v.clone())
        };
        self.attrs.iter().filter_map(copy)
    }
}

pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

/// Parses the tag whose `<` is at `at`; `None` if this `<` does not start one (a stray
/// `<`, or a tag cut off by the end of `src`), so it stays text.
pub(super) fn parse_tag(src: &str, at: usize) -> Option<Tag> {
    let b = src.as_bytes();
    if b.get(at) != Some(&b'<') {
        return None;
    }
    let end_tag = b.get(at + 1) == Some(&b'/');
    let mut i = at + 1 + usize::from(end_tag);
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let skip = |i: &mut usize, pred: &dyn Fn(u8) -> bool| {
        while *i < b.len() && pred(b[*i]) {
            *i += 1;
        }
    };
    let word = |c: u8| !is_space(c) && c != b'/' && c != b'>';
    let name = i;
    skip(&mut i, &word);
    let mut tag = Tag {
        name: name..i,
        end_tag,
        ..Tag::default()
    };
    loop {
        let gap = i;
        skip(&mut i, &|c| is_space(c) || c == b'/');
        tag.self_closing = i > gap && b[i - 1] == b'/';
        if *b.get(i)? == b'>' {
            tag.end = i + 1;
            return Some(tag);
        }
        let name = i;
        i += 1;
        skip(&mut i, &|c| word(c) && c != b'=');
        let name = name..i;
        skip(&mut i, &is_space);
        let mut value = i..i;
        if b.get(i) == Some(&b'=') {
            i += 1;
            skip(&mut i, &is_space);
            if let Some(&q) = b.get(i).filter(|&&q| q == b'"' || q == b'\'') {
                // An unclosed quote ends at the next `>`, as a forgiving reader would.
                let close = find(b, i + 1, &[q]).map(|e| (e, e + 1));
                let (e, next) = close.or_else(|| find(b, i + 1, b">").map(|e| (e, e)))?;
                (value, i) = (i + 1..e, next);
            } else {
                let start = i;
                skip(&mut i, &|c| !is_space(c) && c != b'>');
                value = start..i;
            }
        }
        tag.attrs.push((name, value));
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    Some(from + hay.windows(needle.len()).position(|w| w == needle)?)
}

/// Where the end tag `</name` (any case) starts, at or after `from`.
pub(super) fn find_end_tag(b: &[u8], mut from: usize, name: &[u8]) -> Option<usize> {
    while let Some(p) = find(b, from, b"</") {
        let n = p + 2 + name.len();
        let same = b
            .get(p + 2..n)
            .is_some_and(|s| s.eq_ignore_ascii_case(name));
        if same
            && b.get(n)
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return Some(p);
        }
        from = p + 2;
    }
    None
}

/// The end of a comment, declaration or CDATA section at `at`, and the CDATA's text.
/// `gt_after`: whether a `>` follows (else a declaration is a stray `<`).
pub(super) fn other_markup(
    b: &[u8],
    at: usize,
    gt_after: bool,
) -> Option<(usize, Option<Range<usize>>)> {
    let rest = &b[at..];
    let to = |needle: &[u8], from| find(b, from, needle).map_or(b.len(), |e| e + needle.len());
    if rest.starts_with(b"<!--") {
        // `<!-->` and `<!--->` are (empty) comments too.
        let abrupt = [&b">"[..], b"->"]
            .into_iter()
            .find(|s| rest[4..].starts_with(s));
        Some((
            abrupt.map_or_else(|| to(b"-->", at + 4), |s| at + 4 + s.len()),
            None,
        ))
    } else if rest.starts_with(b"<![CDATA[") {
        let close = find(b, at + 9, b"]]>");
        Some((
            close.map_or(b.len(), |e| e + 3),
            Some(at + 9..close.unwrap_or(b.len())),
        ))
    } else if gt_after && (rest.starts_with(b"<!") || rest.starts_with(b"<?")) {
        Some((find(b, at, b">")? + 1, None))
    } else {
        None
    }
}

pub(super) fn html(src: &str, start: usize, out: &mut Out) {
    let b = src.as_bytes();
    // `hidden` counts open hidden elements; `text_from` is where the pending text began.
    let (mut i, mut text_from, mut hidden) = (start, start, 0usize);
    // No tag ends after the last `>`: knowing that keeps a file of stray `<` linear.
    let last_gt = b.iter().rposition(|&c| c == b'>').unwrap_or(0);
    while i < b.len() {
        let tag = if i < last_gt { parse_tag(src, i) } else { None };
        let other = if tag.is_none() && b[i] == b'<' {
            other_markup(b, i, i < last_gt)
        } else {
            None
        };
        let Some(end) = tag.as_ref().map(|t| t.end).or(other.as_ref().map(|o| o.0)) else {
            i += 1; // Text, or a stray `<`.
            continue;
        };
        if hidden == 0 {
            html_text(src, text_from..i, out, true);
        }
        if let Some((_, Some(cdata))) = other.filter(|_| hidden == 0) {
            html_text(src, cdata, out, false);
        }
        let at = i;
        (i, text_from) = (end, end);
        let Some(t) = tag else { continue };
        if t.is(src, HIDDEN) {
            if t.is(src, RAW) && !t.end_tag {
                i = find_end_tag(b, i, &b[t.name.clone()]).unwrap_or(b.len());
                text_from = i;
            } else if t.end_tag && !t.is(src, RAW) {
                hidden = hidden.saturating_sub(1);
            } else if !t.end_tag && !t.self_closing {
                hidden += 1;
            }
        } else if hidden == 0 {
            if t.is(src, BLOCK) {
                out.boundary(at..t.name.end);
            }
            if !t.end_tag {
                t.copy_attrs(src).for_each(|v| attr_block(src, v, out));
            }
        }
    }
    if hidden == 0 {
        html_text(src, text_from..b.len(), out, true);
    }
}

/// An attribute value read as its own block.
pub(super) fn attr_block(src: &str, v: Range<usize>, out: &mut Out) {
    out.boundary(v.start..v.start);
    html_text(src, v.clone(), out, true);
    out.boundary(v.end..v.end);
}

/// HTML text (or an attribute value) from `r` of `src`, references decoded if `decode`.
fn html_text(src: &str, r: Range<usize>, out: &mut Out, decode: bool) {
    let mut i = r.start;
    while let Some(c) = src.get(i..r.end).and_then(|s| s.chars().next()) {
        let reference = if c == '&' && decode {
            char_ref(&src[i..r.end])
        } else {
            None
        };
        if let Some((decoded, len)) = reference {
            decoded.chars().for_each(|d| out.put(d, i..i + len, false));
            i += len;
        } else {
            out.put(c, i..i + c.len_utf8(), true);
            i += c.len_utf8();
        }
    }
}
