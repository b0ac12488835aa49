//! A page's structure, as every reader (HTML, Markdown, plain text) hands it to the
//! drafter: blocks in reading order, each with its visible text, its line in the source,
//! the links inside it, and what kind of block it is. The drafter never looks at markup;
//! a new input format only needs a reader that produces these.

use std::ops::Range;

/// One block of a page, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// What a visitor reads: markup removed, character references decoded, runs of
    /// whitespace collapsed to one space, trimmed. A superscript reference (`<sup>1</sup>`,
    /// Markdown's `[^1]`) is written as `[^1]` (`[^1,3]`, `[^2-4]`), so the drafter finds
    /// every footnote marker in one form whatever the markup was.
    pub text: String,
    /// The 1-based line in the source where the block's text starts.
    pub line: usize,
    /// Links inside the block: the range of `text` their anchor covers, and the target.
    pub links: Vec<Link>,
}

/// A link inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The anchor's range in the block's `text` (empty for a link with no text).
    pub range: Range<usize>,
    /// The `href` (or Markdown destination) as written, trimmed.
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading: `<h1>`–`<h6>`, Markdown `#`, or a plain-text line that reads as one.
    Heading { level: u8 },
    /// A paragraph, or any other run of text outside lists and tables.
    Paragraph,
    /// One item of a list. Items of the same list share `list`; `depth` is 0 for a
    /// top-level list; `number` is the item's number in an ordered list.
    ListItem {
        list: usize,
        depth: u8,
        number: Option<u32>,
    },
    /// One row of a table. Rows of the same table share `table`. `cells` are ranges of
    /// the block's `text` (the cells joined with " | "). `header` is true for a row of
    /// `<th>` cells, a `<thead>` row, or a Markdown table's first row.
    TableRow {
        table: usize,
        cells: Vec<Range<usize>>,
        header: bool,
    },
    /// A footnote's text: Markdown's `[^label]: …`, or an HTML element that a marker
    /// links to (`<li id="fn1">`, `<p id="ref-2">`). `label` is what markers use ("1").
    Footnote { label: String },
}

impl Block {
    /// The text of cell `index` of a table row (`None` for other blocks).
    pub fn cell(&self, index: usize) -> Option<&str> {
        match &self.kind {
            BlockKind::TableRow { cells, .. } => cells.get(index).map(|r| &self.text[r.clone()]),
            _ => None,
        }
    }

    /// The links whose anchors overlap `range` of the text.
    pub fn links_in(&self, range: Range<usize>) -> impl Iterator<Item = &Link> {
        self.links.iter().filter(move |link| {
            link.range.start < range.end && range.start < link.range.end
                || (link.range.is_empty() && range.contains(&link.range.start))
        })
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }
}

/// Builds the text of a table row from its cells, with the cells' ranges.
pub fn table_row_text(cells: &[String]) -> (String, Vec<Range<usize>>) {
    let mut text = String::new();
    let mut ranges = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            text.push_str(" | ");
        }
        let start = text.len();
        text.push_str(cell);
        ranges.push(start..text.len());
    }
    (text, ranges)
}

/// Collapses runs of whitespace to one space and trims, as a visitor reads text.
pub use crate::text::collapse_whitespace;
