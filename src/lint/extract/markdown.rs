//! Markdown (CommonMark and the usual extensions: tables, footnotes, front matter):
//! the text a reader sees, markup left out, links by their text.

use std::collections::HashSet;
use std::ops::Range;

use super::html::{BLOCK, HIDDEN, attr_block, find_end_tag, is_space, other_markup, parse_tag};
use super::{Out, char_ref, is_cjk};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Char,
    /// Decoded from a character reference spanning `start..end`.
    Decoded,
    /// A soft line break inside a paragraph: a space (or nothing between CJK).
    Soft,
    /// A block boundary: a hard line break (two trailing spaces or a backslash), `<br>`.
    Hard,
}

/// A character of a Markdown block, and its bytes in the source. Breaks map to the line
/// break ("\n" or "\r\n").
#[derive(Debug, Clone, Copy)]
struct Ch {
    c: char,
    start: usize,
    end: usize,
    kind: Kind,
}

impl Ch {
    fn new(c: char, r: Range<usize>, kind: Kind) -> Ch {
        Ch {
            c,
            start: r.start,
            end: r.end,
            kind,
        }
    }

    /// A character of text, or `None` for a break.
    fn text(&self) -> Option<char> {
        matches!(self.kind, Kind::Char | Kind::Decoded).then_some(self.c)
    }

    fn emit(&self, out: &mut Out) {
        match self.kind {
            Kind::Hard => out.boundary(self.start..self.end),
            kind => out.put(self.c, self.start..self.end, kind == Kind::Char),
        }
    }
}

fn chars_of(src: &str, r: Range<usize>) -> Vec<Ch> {
    let chars = src[r.clone()].char_indices();
    let at = |i: usize, c: char| r.start + i..r.start + i + c.len_utf8();
    chars
        .map(|(i, c)| Ch::new(c, at(i, c), Kind::Char))
        .collect()
}

/// A paragraph, heading, table cell or code line: its characters after block syntax is
/// removed, and where its leading boundary comes from. Code (`raw`) has no inline syntax.
struct Block {
    at: Range<usize>,
    chars: Vec<Ch>,
    raw: bool,
}

pub(super) fn markdown(src: &str, start: usize, out: &mut Out) {
    let b = src.as_bytes();
    // Each line: its content, and its line break.
    let mut lines = Vec::new();
    let mut pos = start;
    for line in src[start..].split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        lines.push((pos..pos + body.len(), pos + body.len()..pos + line.len()));
        pos += line.len();
    }
    let bytes = |r: &Range<usize>| &b[r.clone()];
    let mut blocks: Vec<Block> = Vec::new();
    let mut refs = HashSet::new();
    // The quote depth of a paragraph the next line may continue; whether in a table; an
    // open code fence (its character, length and whether quoted); the end marker of an
    // open hidden HTML block.
    let (mut para, mut table): (Option<usize>, bool) = (None, false);
    let mut fence: Option<(u8, usize, bool)> = None;
    let mut hidden: Option<Vec<u8>> = None;
    let mut l = front_matter_end(src, &lines);
    while l < lines.len() {
        let line = lines[l].0.clone();
        let at = if l == 0 {
            start..start
        } else {
            lines[l - 1].1.clone()
        };
        let block = |r: Range<usize>, raw| Block {
            at: at.clone(),
            chars: chars_of(src, r),
            raw,
        };
        l += 1;
        if let Some(marker) = &hidden {
            if find_ci(bytes(&line), marker) {
                hidden = None;
            }
            continue;
        }
        let (mut r, mut depth) = strip_quotes(b, line.clone());
        let s = bytes(&r);
        if let Some((f, n, quoted)) = fence {
            let run = s.iter().take_while(|&&c| c == f).count();
            if run >= n && s[run..].iter().all(|&c| is_space(c)) {
                fence = None;
            } else {
                blocks.push(block(if quoted { r } else { line }, true));
            }
            continue;
        }
        if s.iter().all(|&c| is_space(c)) {
            (para, table) = (None, false);
            continue;
        }
        table &= s.contains(&b'|');
        let next_is_sep = || {
            lines
                .get(l)
                .is_some_and(|n| table_sep(bytes(&strip_quotes(b, n.0.clone()).0)))
        };
        let was_para = para.take();
        if table || (s.contains(&b'|') && next_is_sep()) {
            l += usize::from(!table);
            table = true;
            cells(src, r, at, &mut blocks);
        } else if let Some((f, n)) = fence_open(s) {
            fence = Some((f, n, depth > 0));
        } else if let Some(marker) = hidden_open(s) {
            hidden = Some(marker);
        } else if (was_para.is_some() && setext(s)) || hr(s) {
            // A setext underline or a rule: nothing to read.
        } else if let Some(label) = ref_def(s).filter(|_| was_para.is_none()) {
            refs.insert(label);
        } else {
            let mut item = false;
            while let Some(n) = list_marker(bytes(&r)) {
                let (rest, d) = strip_quotes(b, r.start + n..r.end);
                (r, depth, item) = (rest, depth + d, true);
            }
            if let Some(h) = atx(bytes(&r)) {
                blocks.push(block(r.start + h.start..r.start + h.end, false));
            } else if let Some(last) = blocks.last_mut()
                && was_para.is_some_and(|p| depth <= p && !item)
            {
                soft_break(&mut last.chars, at);
                last.chars.extend(chars_of(src, r));
                para = was_para;
            } else {
                r.start += footnote_def(bytes(&r));
                blocks.push(block(r, false));
                para = Some(depth);
            }
        }
    }
    for block in blocks {
        out.boundary(block.at);
        if block.raw {
            block.chars.iter().for_each(|ch| ch.emit(out));
        } else {
            inline(src, &block.chars, &refs, out);
        }
    }
}

/// Appends the line break `at` to a paragraph: hard after two spaces or a backslash.
fn soft_break(chars: &mut Vec<Ch>, at: Range<usize>) {
    let spaces = chars.iter().rev().take_while(|ch| ch.c == ' ').count();
    let backslash = chars.pop_if(|ch| ch.c == '\\').is_some();
    let hard = spaces >= 2 || backslash;
    chars.push(Ch::new(
        '\n',
        at,
        if hard { Kind::Hard } else { Kind::Soft },
    ));
}

/// The first line after YAML front matter (`---` … `---` or `...` at the very start).
fn front_matter_end(src: &str, lines: &[(Range<usize>, Range<usize>)]) -> usize {
    let is = |i: usize, marks: &[&str]| marks.contains(&src[lines[i].0.clone()].trim_end());
    if lines.is_empty() || !is(0, &["---"]) {
        return 0;
    }
    (1..lines.len())
        .find(|&i| is(i, &["---", "..."]))
        .map_or(0, |i| i + 1)
}

fn leading_ws(s: &[u8]) -> usize {
    s.iter().take_while(|&&c| c == b' ' || c == b'\t').count()
}

/// `r` without leading whitespace and blockquote markers, and how many markers.
fn strip_quotes(b: &[u8], mut r: Range<usize>) -> (Range<usize>, usize) {
    let mut depth = 0;
    loop {
        r.start += leading_ws(&b[r.clone()]);
        if b.get(r.start) != Some(&b'>') || r.is_empty() {
            return (r, depth);
        }
        (r.start, depth) = (r.start + 1, depth + 1);
    }
}

fn find_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// A code fence opener: ``` or ~~~ (3 or more), and its character and length.
fn fence_open(s: &[u8]) -> Option<(u8, usize)> {
    let f = *s.first().filter(|&&f| f == b'`' || f == b'~')?;
    let n = s.iter().take_while(|&&c| c == f).count();
    (n >= 3 && (f == b'~' || !s[n..].contains(&b'`'))).then_some((f, n))
}

/// A line opening an HTML comment or hidden element that does not close on it: the end
/// marker to skip to. (One closed on its line is dropped by the inline reader.)
fn hidden_open(s: &[u8]) -> Option<Vec<u8>> {
    let line = std::str::from_utf8(s).ok()?;
    let tag = parse_tag(line, 0).filter(|t| t.is_hidden_start(line));
    let marker = if s.starts_with(b"<!--") {
        b"-->".to_vec()
    } else {
        [b"</", &s[tag?.name]].concat()
    };
    (!find_ci(&s[2..], &marker)).then_some(marker)
}

fn setext(s: &[u8]) -> bool {
    let t = s.trim_ascii_end();
    !t.is_empty() && (t.iter().all(|&c| c == b'=') || t.iter().all(|&c| c == b'-'))
}

/// A horizontal rule: three or more of one of `-*_`, perhaps spaced.
fn hr(s: &[u8]) -> bool {
    let mut marks = s.iter().filter(|&&c| c != b' ' && c != b'\t');
    let first = marks.next().copied().filter(|c| b"-*_".contains(c));
    first.is_some_and(|f| marks.clone().count() >= 2 && marks.all(|&c| c == f))
}

/// An ATX heading: the range of its text within `s`.
fn atx(s: &[u8]) -> Option<Range<usize>> {
    let n = s.iter().take_while(|&&c| c == b'#').count();
    if n == 0 || n > 6 || s.get(n).is_some_and(|&c| !is_space(c)) {
        return None;
    }
    let mut end = n + s[n..].trim_ascii_end().len();
    let closing = s[..end].iter().rev().take_while(|&&c| c == b'#').count();
    if end - closing <= n || is_space(s[end - closing - 1]) {
        end -= closing;
    }
    Some(n..end.max(n))
}

fn table_sep(s: &[u8]) -> bool {
    s.contains(&b'|') && s.contains(&b'-') && s.iter().all(|c| b"|-: \t".contains(c))
}

/// Splits a table row at its pipes (not escaped, not in code): one block per cell.
fn cells(src: &str, r: Range<usize>, mut at: Range<usize>, blocks: &mut Vec<Block>) {
    let b = src.as_bytes();
    let (mut start, mut code, mut i) = (r.start, false, r.start);
    while i <= r.end {
        match b.get(i).filter(|_| i < r.end) {
            Some(b'\\') if i + 1 < r.end => i += 1,
            Some(b'`') => code = !code,
            Some(b'|') if code => {}
            Some(b'|') | None => {
                let chars = chars_of(src, start..i);
                blocks.push(Block {
                    at: std::mem::replace(&mut at, i..i + 1),
                    chars,
                    raw: false,
                });
                start = i + 1;
            }
            Some(_) => {}
        }
        i += 1;
    }
}

/// A link reference definition `[label]: url "title"`: its label, lowercased. (Not
/// `[注意]: 個人の感想です`, whose "destination" is followed by more words.)
fn ref_def(s: &[u8]) -> Option<String> {
    let close = s.iter().position(|&c| c == b']')?;
    let label = s
        .get(1..close)
        .filter(|l| s[0] == b'[' && !l.is_empty() && l[0] != b'^')?;
    let rest = s.get(close + 1..)?.strip_prefix(b":")?.trim_ascii_start();
    let dest = rest.iter().take_while(|&&c| !is_space(c)).count();
    let title = rest[dest..].trim_ascii_start().first();
    (dest > 0 && !label.contains(&b'[') && title.is_none_or(|c| b"\"'(".contains(c)))
        .then(|| String::from_utf8_lossy(label).to_lowercase())
}

/// The length of a footnote definition's `[^label]:` marker, or 0.
fn footnote_def(s: &[u8]) -> usize {
    let close = s.iter().position(|&c| c == b']').unwrap_or(0);
    let marker = s.starts_with(b"[^") && close > 2 && s.get(close + 1) == Some(&b':');
    if marker { close + 2 } else { 0 }
}

/// A list marker (`-`, `*`, `+`, `1.`, `1)`, with a task box) and its spaces: its length.
fn list_marker(s: &[u8]) -> Option<usize> {
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = match s.first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits) && matches!(s.get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return None,
    };
    if s.get(n).is_some_and(|&c| !is_space(c)) {
        return None;
    }
    let n = n + leading_ws(&s[n..]);
    let task = [&b"[ ]"[..], b"[x]", b"[X]"]
        .iter()
        .any(|t| s[n..].starts_with(t));
    let task = task && s.get(n + 3).is_none_or(|&c| is_space(c));
    Some(n + if task { 3 } else { 0 })
}

/// A piece of inline Markdown, in order.
enum Tok {
    Ch(Ch),
    /// An emphasis run, by index.
    Run(usize),
    /// An attribute of an inline HTML tag read as its own block (`alt`, `title`).
    Attr(Range<usize>),
}

/// A run of `n` emphasis characters from `i`; `lo` and `hi` are the counts used as
/// closer (from the left) and opener (from the right), which are dropped.
struct Run {
    i: usize,
    n: usize,
    c: char,
    open: bool,
    close: bool,
    lo: usize,
    hi: usize,
}

/// Reads one block's inline syntax and emits its text.
fn inline(src: &str, chars: &[Ch], refs: &HashSet<String>, out: &mut Out) {
    let c_at = |i: usize| chars.get(i).and_then(Ch::text);
    let (mut toks, mut runs, pairs) = (Vec::new(), Vec::new(), pairs(chars));
    // No tag or autolink ends after the last `>`: knowing that keeps stray `<` linear.
    let last_gt = chars.iter().rposition(|ch| ch.c == '>').unwrap_or(0);
    // Link texts being read: where each ends (its `]`) and where reading resumes.
    let mut links: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(&(close, resume)) = links.last()
            && i >= close
        {
            i = i.max(resume);
            links.pop();
            continue;
        }
        let (c, next) = (c_at(i).unwrap_or('\n'), c_at(i + 1));
        let reference = if c == '&' { md_ref(chars, i) } else { None };
        let try_link = |cond: bool, open| cond.then(|| link(chars, &pairs, open, refs)).flatten();
        if c == '\\' && next.is_some_and(|n| n.is_ascii_punctuation()) {
            toks.push(Tok::Ch(chars[i + 1]));
            i += 2;
        } else if c == '`' {
            let n = run_len(chars, i, '`');
            let end = code_end(chars, i, n);
            let code = end.map_or(i..i + n, |e| i + n..e);
            toks.extend(chars[code].iter().map(|&ch| Tok::Ch(ch)));
            i = end.map_or(i + n, |e| e + n);
        } else if let Some((decoded, n)) = reference {
            let r = chars[i].start..chars[i + n - 1].end;
            toks.extend(
                decoded
                    .chars()
                    .map(|d| Tok::Ch(Ch::new(d, r.clone(), Kind::Decoded))),
            );
            i += n;
        } else if let Some(link) = try_link(c == '[', i) {
            links.push(link);
            i += 1;
        } else if let Some(link) = try_link(c == '!' && next == Some('['), i + 1) {
            links.push(link);
            i += 2;
        } else if let Some(end) = (c == '<' && i < last_gt)
            .then(|| html_inline(src, chars, i, &mut toks))
            .flatten()
        {
            i = end;
        } else if matches!(c, '*' | '_' | '~') {
            let n = run_len(chars, i, c);
            if c == '~' && n != 2 {
                toks.extend(chars[i..i + n].iter().map(|&ch| Tok::Ch(ch)));
            } else {
                let (open, close) = flanking(c, c_at(i.wrapping_sub(1)), c_at(i + n));
                toks.push(Tok::Run(runs.len()));
                runs.push(Run {
                    i,
                    n,
                    c,
                    open,
                    close,
                    lo: 0,
                    hi: 0,
                });
            }
            i += n;
        } else {
            toks.push(Tok::Ch(chars[i]));
            i += 1;
        }
    }
    emphasis(&mut runs);
    for tok in toks {
        match tok {
            Tok::Ch(ch) => ch.emit(out),
            Tok::Run(r) => {
                let Run { i, n, lo, hi, .. } = runs[r];
                chars[i + lo..(i + n - hi).max(i + lo)]
                    .iter()
                    .for_each(|ch| ch.emit(out));
            }
            Tok::Attr(r) => attr_block(src, r, out),
        }
    }
}

fn run_len(chars: &[Ch], i: usize, c: char) -> usize {
    chars[i..]
        .iter()
        .take_while(|ch| ch.text() == Some(c))
        .count()
}

/// Where the backtick run closing the code span opened by `n` backticks at `i` starts.
fn code_end(chars: &[Ch], i: usize, n: usize) -> Option<usize> {
    let mut k = i + n;
    while k < chars.len() {
        let m = run_len(chars, k, '`');
        if m == n {
            return Some(k);
        }
        k += m.max(1);
    }
    None
}

/// A character reference at `i`: its decoded text and its length in characters.
fn md_ref(chars: &[Ch], i: usize) -> Option<(String, usize)> {
    let text = chars[i..].iter().take(42).map_while(Ch::text);
    char_ref(&text.collect::<String>())
}

/// A link or image whose text opens at `open` (`[`): where its text ends (`]`) and where
/// reading resumes after the destination or reference. Footnote references are dropped.
fn link(
    chars: &[Ch],
    pairs: &[Option<usize>],
    open: usize,
    refs: &HashSet<String>,
) -> Option<(usize, usize)> {
    let close = pairs[open]?;
    let label: String = chars[open + 1..close].iter().map(|ch| ch.c).collect();
    match chars.get(close + 1).and_then(Ch::text) {
        _ if label.starts_with('^') && !label.contains(char::is_whitespace) => {
            Some((open, close + 1))
        }
        Some('(' | '[') => Some((close, pairs[close + 1]? + 1)),
        _ => refs
            .contains(&label.to_lowercase())
            .then_some((close, close + 1)),
    }
}

/// For each `[` and `(`, the bracket closing it (skipping escapes and code spans), found
/// in one pass so that a block of unclosed brackets stays linear.
fn pairs(chars: &[Ch]) -> Vec<Option<usize>> {
    let mut pairs = vec![None; chars.len()];
    let (mut square, mut round) = (Vec::new(), Vec::new());
    let mut k = 0;
    while k < chars.len() {
        match chars[k].c {
            '\\' => k += 1,
            '`' => {
                let n = run_len(chars, k, '`');
                k = code_end(chars, k, n).map_or(k + n, |e| e + n) - 1;
            }
            '[' => square.push(k),
            '(' => round.push(k),
            ']' => square.pop().into_iter().for_each(|o| pairs[o] = Some(k)),
            ')' => round.pop().into_iter().for_each(|o| pairs[o] = Some(k)),
            _ => {}
        }
        k += 1;
    }
    pairs
}

/// An autolink, HTML tag or comment at `i` (`<`): pushes what it reads as, and returns
/// where reading resumes. `None`: a plain `<`.
fn html_inline(src: &str, chars: &[Ch], i: usize, toks: &mut Vec<Tok>) -> Option<usize> {
    let url_end = (i + 1..chars.len()).find(|&k| chars[k].text().is_none_or(|c| " <>".contains(c)));
    let url = url_end.filter(|&e| chars[e].c == '>').map(|e| i + 1..e);
    let url_text: String = url
        .clone()
        .map(|u| chars[u].iter().map(|ch| ch.c).collect())
        .unwrap_or_default();
    let scheme = url_text.split_once(':').is_some_and(|(s, _)| {
        (2..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if let Some(u) = url.filter(|_| scheme || url_text.contains('@')) {
        toks.extend(chars[u.clone()].iter().map(|&ch| Tok::Ch(ch)));
        return Some(u.end + 1);
    }
    let (b, at, block_end) = (src.as_bytes(), chars[i].start, chars[chars.len() - 1].end);
    let resume = |end: usize| i + chars[i..].partition_point(|ch| ch.start < end);
    if b[at..block_end].starts_with(b"<!--") {
        let end = other_markup(b, at, true)?.0;
        return (end <= block_end).then(|| resume(end));
    }
    let tag = parse_tag(&src[..block_end], at)?;
    if tag.is_hidden_start(src) {
        let end = find_end_tag(&b[..block_end], tag.end, &b[tag.name.clone()]);
        return Some(resume(end.unwrap_or(block_end)));
    } else if tag.is(src, BLOCK) {
        toks.push(Tok::Ch(Ch::new('\n', at..tag.name.end, Kind::Hard)));
    }
    if !tag.end_tag && !tag.is(src, HIDDEN) {
        toks.extend(tag.copy_attrs(src).map(Tok::Attr));
    }
    Some(resume(tag.end))
}

/// Whether an emphasis run between `prev` and `next` can open and close emphasis
/// (CommonMark's flanking rules; a CJK neighbour counts like punctuation, so
/// `**「ゼロ」**は` closes, as Japanese writers expect).
fn flanking(c: char, prev: Option<char>, next: Option<char>) -> (bool, bool) {
    let (prev, next) = (prev.unwrap_or(' '), next.unwrap_or(' '));
    let punct = |c: char| !c.is_alphanumeric() && !c.is_whitespace();
    let loose = |c: char| c.is_whitespace() || punct(c) || is_cjk(c);
    let left = !next.is_whitespace() && (!punct(next) || loose(prev));
    let right = !prev.is_whitespace() && (!punct(prev) || loose(next));
    match c {
        '_' => (
            left && (!right || punct(prev)),
            right && (!left || punct(next)),
        ),
        _ => (left, right),
    }
}

/// Pairs emphasis runs (closers with the nearest opener of the same character) and marks
/// the paired characters as dropped; unpaired ones stay as text.
fn emphasis(runs: &mut [Run]) {
    let mut openers: Vec<usize> = Vec::new();
    for t in 0..runs.len() {
        let (c, n) = (runs[t].c, runs[t].n);
        let mut left = n;
        while runs[t].close && left > 0 {
            let same = |&o: &usize| runs[o].c == c && (c != '~' || runs[o].n == n);
            let Some(pos) = openers.iter().rposition(same) else {
                break;
            };
            let o = openers[pos];
            let available = runs[o].n - runs[o].lo - runs[o].hi;
            let k = available.min(left);
            (runs[o].hi, runs[t].lo, left) = (runs[o].hi + k, runs[t].lo + k, left - k);
            openers.truncate(pos + usize::from(available > k));
        }
        if runs[t].open && left > 0 {
            openers.push(t);
        }
    }
}
