//! Markdown: read with pulldown-cmark (CommonMark, with tables, footnotes, strikethrough,
//! task lists and front matter), using its source offsets for exact lines.
//!
//! Rules chosen here, for the next reader:
//! - A soft line break is a space, also between Japanese lines (pages written one sentence
//!   per line without blank lines stay one paragraph; the drafter splits sentences). A
//!   hard break (two trailing spaces, `\`) is a space too, as `<br>` in a `<p>` is.
//! - A list item or footnote is one block: its paragraphs are joined with a space; a
//!   nested list is read as its own items, after the item.
//! - A table's first row is its header row.
//! - Code blocks, images and front matter are not read; inline code is read as text.
//! - Inline HTML: `<sup>1</sup>` is the marker `[^1]` (any other `<sup>` is its text),
//!   `<a href>` is a link, `<br>` a space; other tags are left out, their text kept.
//!   An HTML block is read by the HTML reader, its lines and list and table ids shifted.
//! - Lines end at `\n`, `\r\n` or a lone `\r`, as CommonMark says.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::html::inline::{TextBuilder, reference_marker};
use crate::draft::blocks::{Block, BlockKind, Link, table_row_text};

/// Reads a Markdown page into blocks, in reading order.
pub fn read(source: &str) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut reader = Reader::new(source);
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        reader.event(event, range);
    }
    reader.finish()
}

/// Byte offset → 1-based line.
struct Lines {
    /// Where each line after the first starts.
    starts: Vec<usize>,
}

impl Lines {
    fn new(source: &str) -> Lines {
        let bytes = source.as_bytes();
        let starts = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .map(|(i, _)| i + 1)
            .collect();
        Lines { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) + 1
    }
}

/// What an open Markdown element is, for its end.
#[derive(Debug)]
enum Frame {
    /// One block: a paragraph, heading, list item, footnote or table cell.
    Single {
        builder: TextBuilder,
        kind: Option<BlockKind>,
        slot: Option<usize>,
    },
    List {
        id: usize,
        depth: u8,
        next: Option<u64>,
    },
    Table {
        id: usize,
    },
    Row {
        slot: usize,
        header: bool,
        cells: Vec<(String, Vec<Link>, Option<usize>)>,
    },
    /// A Markdown link: its anchor closes with it.
    Link {
        anchor: usize,
        href: String,
    },
    /// Content not read (code, images, front matter, an HTML block read on its own).
    Skip,
    /// Anything else (emphasis, a block quote, a paragraph inside a list item).
    Other {
        separator: bool,
    },
}

/// An inline `<sup>` being read: its text and links, decided at `</sup>`.
#[derive(Debug, Default)]
struct Sup {
    text: String,
    hrefs: Vec<String>,
    line: Option<usize>,
}

struct Reader {
    lines: Lines,
    slots: Vec<Option<Block>>,
    frames: Vec<Frame>,
    /// How many `Skip` frames are open.
    skipping: usize,
    next_list: usize,
    next_table: usize,
    next_anchor: usize,
    /// Inline `<a href>` tags open in the current block (they end at `</a>`).
    html_anchors: Vec<(usize, String)>,
    sup: Option<Sup>,
    /// The HTML block being gathered: its text and first line.
    html: Option<(String, usize)>,
}

impl Reader {
    fn new(source: &str) -> Self {
        Reader {
            lines: Lines::new(source),
            slots: Vec::new(),
            frames: Vec::new(),
            skipping: 0,
            next_list: 0,
            next_table: 0,
            next_anchor: 0,
            html_anchors: Vec::new(),
            sup: None,
            html: None,
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.end_html_block();
        while let Some(frame) = self.frames.pop() {
            self.close(frame);
        }
        self.slots.into_iter().flatten().collect()
    }

    fn reserve(&mut self) -> usize {
        self.slots.push(None);
        self.slots.len() - 1
    }

    /// The block text goes into: the innermost one-block frame, if the frames above it
    /// are only inline or container ones.
    fn builder(&mut self) -> Option<&mut TextBuilder> {
        for frame in self.frames.iter_mut().rev() {
            match frame {
                Frame::Single { builder, .. } => return Some(builder),
                Frame::Other { .. } | Frame::Link { .. } => {}
                _ => return None,
            }
        }
        None
    }

    /// Whether text now goes into an open list item or footnote (so a paragraph joins it).
    fn inside_single(&self) -> bool {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Single { .. } => Some(true),
            Frame::Other { .. } | Frame::Link { .. } => None,
            _ => Some(false),
        }) == Some(true)
    }

    fn push_single(&mut self, kind: Option<BlockKind>) {
        let slot = kind.as_ref().map(|_| self.reserve());
        self.frames.push(Frame::Single {
            builder: TextBuilder::default(),
            kind,
            slot,
        });
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if let Some((html, _)) = &mut self.html {
            match &event {
                Event::Html(text) => return html.push_str(text),
                Event::End(TagEnd::HtmlBlock) => self.end_html_block(),
                _ => {}
            }
        }
        if self.skipping > 0 && !matches!(event, Event::Start(_) | Event::End(_)) {
            return;
        }
        let line = self.lines.line(range.start);
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(_) => {
                self.flush_sup();
                if let Some(frame) = self.frames.pop() {
                    self.close(frame);
                }
            }
            Event::Text(text) | Event::Code(text) => self.text(&text, line),
            Event::InlineHtml(tag) | Event::Html(tag) => self.inline_html(&tag),
            Event::FootnoteReference(label) => {
                if let Some(builder) = self.builder() {
                    builder.push_marker(&label, line, Vec::new());
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(sup) = &mut self.sup {
                    sup.text.push(' ');
                } else if let Some(builder) = self.builder() {
                    builder.space();
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        self.flush_sup_at_block(&tag);
        if self.skipping > 0 {
            return self.skip();
        }
        match tag {
            Tag::Paragraph => {
                if self.inside_single() {
                    if let Some(builder) = self.builder() {
                        builder.space();
                    }
                    self.frames.push(Frame::Other { separator: true });
                } else {
                    self.push_single(Some(BlockKind::Paragraph));
                }
            }
            Tag::Heading { level, .. } => {
                self.push_single(Some(BlockKind::Heading {
                    level: heading_level(level),
                }));
            }
            Tag::List(start) => {
                let depth = self
                    .frames
                    .iter()
                    .filter(|f| matches!(f, Frame::List { .. }))
                    .count();
                self.frames.push(Frame::List {
                    id: self.next_list,
                    depth: u8::try_from(depth).unwrap_or(u8::MAX),
                    next: start,
                });
                self.next_list += 1;
            }
            Tag::Item => {
                let kind = match self.frames.last_mut() {
                    Some(Frame::List { id, depth, next }) => {
                        let number = next.and_then(|n| u32::try_from(n).ok());
                        *next = next.map(|n| n.saturating_add(1));
                        BlockKind::ListItem {
                            list: *id,
                            depth: *depth,
                            number,
                        }
                    }
                    _ => BlockKind::Paragraph,
                };
                self.push_single(Some(kind));
            }
            Tag::FootnoteDefinition(label) => {
                self.push_single(Some(BlockKind::Footnote {
                    label: label.to_string(),
                }));
            }
            Tag::Table(_) => {
                self.frames.push(Frame::Table {
                    id: self.next_table,
                });
                self.next_table += 1;
            }
            Tag::TableHead | Tag::TableRow => {
                let slot = self.reserve();
                self.frames.push(Frame::Row {
                    slot,
                    header: matches!(tag, Tag::TableHead),
                    cells: Vec::new(),
                });
            }
            Tag::TableCell => self.push_single(None),
            Tag::Link { dest_url, .. } => {
                let anchor = self.next_anchor;
                self.next_anchor += 1;
                if let Some(builder) = self.builder() {
                    builder.open_link(anchor, &dest_url);
                }
                let href = dest_url.trim().to_string();
                self.frames.push(Frame::Link { anchor, href });
            }
            Tag::HtmlBlock => {
                self.html = Some((String::new(), line));
                self.skip();
            }
            Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_) => self.skip(),
            Tag::BlockQuote(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {
                let separator = self.inside_single();
                if separator && let Some(builder) = self.builder() {
                    builder.space();
                }
                self.frames.push(Frame::Other { separator });
            }
            _ => self.frames.push(Frame::Other { separator: false }),
        }
    }

    fn skip(&mut self) {
        self.skipping += 1;
        self.frames.push(Frame::Skip);
    }

    fn close(&mut self, frame: Frame) {
        match frame {
            Frame::Single {
                builder,
                kind,
                slot,
            } => {
                // Inline `<a>` left open ends with its block.
                self.html_anchors.clear();
                let finished = builder.finish();
                match (kind, slot) {
                    (Some(kind), Some(slot)) => {
                        self.slots[slot] = finished.map(|f| Block {
                            kind,
                            text: f.text,
                            line: f.line,
                            links: f.links,
                        });
                    }
                    _ => {
                        if let Some(Frame::Row { cells, .. }) = self.frames.last_mut() {
                            cells.push(match finished {
                                Some(f) => (f.text, f.links, Some(f.line)),
                                None => (String::new(), Vec::new(), None),
                            });
                        }
                    }
                }
            }
            Frame::Row {
                slot,
                header,
                cells,
            } => {
                let table = self.frames.iter().rev().find_map(|f| match f {
                    Frame::Table { id } => Some(*id),
                    _ => None,
                });
                self.slots[slot] = table_row(table.unwrap_or(0), header, cells);
            }
            Frame::Other { separator } => {
                if separator && let Some(builder) = self.builder() {
                    builder.space();
                }
            }
            Frame::Link { anchor, href } => self.close_anchor(anchor, &href),
            Frame::Skip => self.skipping -= 1,
            Frame::List { .. } | Frame::Table { .. } => {}
        }
    }

    /// An anchor ends: its link ends, or is an empty link if it had no text.
    fn close_anchor(&mut self, anchor: usize, href: &str) {
        if let Some(builder) = self.builder()
            && !builder.close_link(anchor)
        {
            builder.empty_link(href);
        }
    }

    fn text(&mut self, text: &str, line: usize) {
        if let Some(sup) = &mut self.sup {
            sup.line.get_or_insert(line);
            sup.text.push_str(text);
        } else if let Some(builder) = self.builder() {
            builder.push_str(text, line);
        }
    }

    /// A tag of inline HTML (or of an HTML block's line, when not gathered).
    fn inline_html(&mut self, html: &str) {
        let Some((closing, name, rest)) = parse_tag(html) else {
            return;
        };
        match (closing, name.as_str()) {
            (false, "sup") => {
                self.flush_sup();
                self.sup = Some(Sup::default());
            }
            (true, "sup") => self.flush_sup(),
            (false, "br") => {
                if let Some(builder) = self.builder() {
                    builder.space();
                }
            }
            (false, "a") => {
                let Some(href) = attribute(rest, "href") else {
                    return;
                };
                if let Some(sup) = &mut self.sup {
                    sup.hrefs.push(href.trim().to_string());
                    return;
                }
                let anchor = self.next_anchor;
                self.next_anchor += 1;
                if let Some(builder) = self.builder() {
                    builder.open_link(anchor, &href);
                }
                self.html_anchors.push((anchor, href.trim().to_string()));
            }
            (true, "a") if self.sup.is_none() => {
                if let Some((anchor, href)) = self.html_anchors.pop() {
                    self.close_anchor(anchor, &href);
                }
            }
            _ => {}
        }
    }

    /// Ends an inline `<sup>`: a marker if it reads as one, else its text.
    fn flush_sup(&mut self) {
        let Some(sup) = self.sup.take() else {
            return;
        };
        let Some(line) = sup.line else {
            return;
        };
        let Some(builder) = self.builder() else {
            return;
        };
        let exponent = sup.hrefs.is_empty() && builder.exponent_here(&sup.text);
        match reference_marker(&sup.text).filter(|_| !exponent) {
            Some(label) => builder.push_marker(&label, line, sup.hrefs),
            None => {
                builder.push_str(&sup.text, line);
            }
        }
    }

    /// A block starting ends an unclosed `<sup>`; inline tags do not.
    fn flush_sup_at_block(&mut self, tag: &Tag<'_>) {
        let inline = matches!(
            tag,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        );
        if !inline {
            self.flush_sup();
        }
    }

    /// Reads the HTML block gathered so far with the HTML reader, shifting its lines to
    /// the page's and its list and table ids past this page's own.
    fn end_html_block(&mut self) {
        let Some((html, first_line)) = self.html.take() else {
            return;
        };
        let blocks = super::html::read(&html);
        let (list_base, table_base) = (self.next_list, self.next_table);
        for mut block in blocks {
            block.line += first_line - 1;
            match &mut block.kind {
                BlockKind::ListItem { list, .. } => {
                    *list += list_base;
                    self.next_list = self.next_list.max(*list + 1);
                }
                BlockKind::TableRow { table, .. } => {
                    *table += table_base;
                    self.next_table = self.next_table.max(*table + 1);
                }
                _ => {}
            }
            self.slots.push(Some(block));
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn table_row(
    table: usize,
    header: bool,
    cells: Vec<(String, Vec<Link>, Option<usize>)>,
) -> Option<Block> {
    let line = cells.iter().find_map(|(_, _, line)| *line)?;
    let texts: Vec<String> = cells.iter().map(|(t, _, _)| t.clone()).collect();
    let (text, ranges) = table_row_text(&texts);
    let mut links = Vec::new();
    for ((_, cell_links, _), range) in cells.into_iter().zip(&ranges) {
        links.extend(cell_links.into_iter().map(|link| Link {
            range: link.range.start + range.start..link.range.end + range.start,
            href: link.href,
        }));
    }
    Some(Block {
        kind: BlockKind::TableRow {
            table,
            cells: ranges,
            header,
        },
        text,
        line,
        links,
    })
}

/// A tag of inline HTML: whether it is an end tag, its lower-case name, and the rest
/// (its attributes). `None` for comments and anything else.
fn parse_tag(html: &str) -> Option<(bool, String, &str)> {
    let inner = html.trim().strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    if end == 0 || !inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((closing, inner[..end].to_ascii_lowercase(), &inner[end..]))
}

/// The value of attribute `name` in the attributes of a tag (quoted or not).
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let lower = attributes.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || lower[..at].ends_with(|c: char| c.is_whitespace());
        let rest = attributes[from..].trim_start();
        let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(html_escape::decode_html_entities(value).into_owned());
    }
    None
}

#[cfg(test)]
mod tests;
