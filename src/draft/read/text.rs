//! Plain text: copy pasted from a page or a document, one line per paragraph (Japanese
//! copy is usually written that way), with the structure people type by hand: `- ` or
//! `・` bullets, `1.`/`1)`/`①` numbers, `| a | b |` tables, `#` headings, and lines that
//! read as headings (`【…】`, a decorated short line, "Step 1 …").

use std::sync::LazyLock;

use regex::Regex;

use crate::draft::blocks::{Block, BlockKind, collapse_whitespace, table_row_text};

/// A line this short (in characters), with no sentence punctuation, after a decoration
/// or a step number, is a heading rather than copy.
const HEADING_MAX_CHARS: usize = 30;

/// "- ", "* ", "・", "• " bullets; "1. ", "1) ", "(1) ", "①" numbers.
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-*+]\s+|[•・‐]\s*|(?P<num>[0-9]{1,3})[.)．）]\s+|[(（](?P<pnum>[0-9]{1,3})[)）]\s*|(?P<circled>[①-⑳]))\s*")
        .expect("valid built-in pattern")
});
/// "Step 1 …", "STEP1:", "1 抗アポトーシス作用": a numbered label that heads what follows.
static STEP_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?i:step|ステップ)\s*[0-9]{1,2}\s*[:.：]?|[0-9]{1,2})\s+\S")
        .expect("valid built-in pattern")
});
static TABLE_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$").expect("valid built-in pattern")
});

pub fn read(source: &str) -> Vec<Block> {
    let mut reader = Reader::default();
    for (index, raw) in source.lines().enumerate() {
        reader.line(index + 1, raw);
    }
    reader.blocks
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    /// The list the previous line belonged to, if it was a list item.
    open_list: Option<usize>,
    lists: usize,
    /// The table the previous line belonged to, if it was a table row.
    open_table: Option<usize>,
    tables: usize,
}

impl Reader {
    fn line(&mut self, number: usize, raw: &str) {
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let indent = raw.chars().take_while(|c| *c == ' ' || *c == '\t').count();
        let line = raw.trim();
        if line.is_empty() {
            self.open_list = None;
            self.open_table = None;
            return;
        }
        if line.starts_with('|') {
            return self.table_line(number, line);
        }
        self.open_table = None;
        if let Some(heading) = markdown_heading(line) {
            self.open_list = None;
            return self.push(number, heading, BlockKind::Heading { level: 2 });
        }
        if let Some(found) = LIST_MARKER.captures(line) {
            let text = &line[found.get(0).map_or(0, |m| m.end())..];
            // "1. " or "- " with nothing after it is not an item.
            if !text.trim().is_empty() && !looks_like_step_label(line) {
                let number_of = |name| found.name(name).and_then(|m| m.as_str().parse().ok());
                let circled = found
                    .name("circled")
                    .and_then(|m| m.as_str().chars().next())
                    .map(|c| c as u32 - '①' as u32 + 1);
                let item_number = number_of("num").or_else(|| number_of("pnum")).or(circled);
                let list = *self.open_list.get_or_insert_with(|| {
                    self.lists += 1;
                    self.lists
                });
                let depth = u8::try_from(indent / 2).unwrap_or(u8::MAX);
                return self.push(
                    number,
                    text,
                    BlockKind::ListItem {
                        list,
                        depth,
                        number: item_number,
                    },
                );
            }
        }
        if let Some(rest) = strip_decoration(line) {
            // "◆ 入手経路:国内の…" is a labelled line of copy, not a heading.
            if reads_as_heading(rest) && !rest.trim_end_matches([':', '：']).contains([':', '：'])
            {
                self.open_list = None;
                return self.push(number, line, BlockKind::Heading { level: 3 });
            }
            // A decorated line of copy ("◆ 入手経路:…") is an item of a decorated list.
            let list = *self.open_list.get_or_insert_with(|| {
                self.lists += 1;
                self.lists
            });
            let kind = BlockKind::ListItem {
                list,
                depth: 0,
                number: None,
            };
            return self.push(number, rest, kind);
        }
        self.open_list = None;
        if is_bracketed_heading(line) || looks_like_step_label(line) || is_title_case(line) {
            return self.push(number, line, BlockKind::Heading { level: 3 });
        }
        self.push(number, line, BlockKind::Paragraph);
    }

    fn table_line(&mut self, number: usize, line: &str) {
        if TABLE_SEPARATOR.is_match(line) {
            // The row above was the header.
            if let Some(Block {
                kind: BlockKind::TableRow { header, .. },
                ..
            }) = self.blocks.last_mut()
                && self.open_table.is_some()
            {
                *header = true;
            }
            return;
        }
        let inner = line.trim_start_matches('|');
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let cells: Vec<String> = inner.split('|').map(collapse_whitespace).collect();
        let table = *self.open_table.get_or_insert_with(|| {
            self.tables += 1;
            self.tables
        });
        self.open_list = None;
        let (text, cells) = table_row_text(&cells);
        self.blocks.push(Block {
            kind: BlockKind::TableRow {
                table,
                cells,
                header: false,
            },
            text,
            line: number,
            links: Vec::new(),
        });
    }

    fn push(&mut self, number: usize, text: &str, kind: BlockKind) {
        let text = collapse_whitespace(text);
        if text.is_empty() {
            return;
        }
        self.blocks.push(Block {
            kind,
            text,
            line: number,
            links: Vec::new(),
        });
    }
}

/// "# Title" (as pasted from Markdown).
fn markdown_heading(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    (1..=6)
        .contains(&hashes)
        .then(|| &line[hashes..])
        .and_then(|rest| rest.starts_with(' ').then(|| rest.trim()))
}

/// A line after a leading decoration (an emoji, ◆, ■, ★…), or `None` if it has none.
fn strip_decoration(line: &str) -> Option<&str> {
    let mut rest = line;
    let mut stripped = false;
    while let Some(c) = rest.chars().next() {
        if is_decoration(c) {
            rest = &rest[c.len_utf8()..];
            stripped = true;
        } else if stripped && (c.is_whitespace() || c == '\u{fe0f}') {
            rest = &rest[c.len_utf8()..];
        } else {
            break;
        }
    }
    (stripped && !rest.is_empty()).then_some(rest)
}

/// Symbols that decorate the start of a line rather than begin its words.
pub(crate) fn is_decoration(c: char) -> bool {
    matches!(c as u32,
        0x2190..=0x21FF      // arrows
        | 0x2600..=0x27BF    // ☆ ★ ✓ ✔ ⚠ ✨ …
        | 0x25A0..=0x25FF    // ■ □ ◆ ◇ ● ○ ▼ ▶ …
        | 0x2B00..=0x2BFF    // ⬛ ⭐ …
        | 0x1F300..=0x1FAFF  // pictographs and emoji
        | 0xFE0F | 0x200D)
}

/// Short, with no sentence punctuation: reads as a heading.
fn reads_as_heading(text: &str) -> bool {
    text.chars().count() <= HEADING_MAX_CHARS && !has_sentence_end(text)
}

fn has_sentence_end(text: &str) -> bool {
    text.contains(['。', '！', '!']) || text.trim_end().ends_with('.')
}

/// "GlowCell Retinol Night Serum", "THE SCIENCE": a short English line whose words are
/// all capitalised, with no sentence punctuation, is a title.
fn is_title_case(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 8
        && !has_sentence_end(line)
        && !line.ends_with(['?', '？', ':'])
        && words.iter().all(|w| {
            let first = w.chars().find(|c| c.is_alphanumeric());
            first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || matches!(
                    *w,
                    "&" | "-"
                        | "|"
                        | "–"
                        | "of"
                        | "and"
                        | "for"
                        | "the"
                        | "a"
                        | "with"
                        | "in"
                        | "to"
                )
        })
        && line.chars().any(|c| c.is_ascii_alphabetic())
        && !line.chars().any(|c| c > '\u{2e80}')
}

/// "【エクソソーム療法とは?】…" or "■ 概要 ■": a line that opens with a bracketed title.
fn is_bracketed_heading(line: &str) -> bool {
    line.starts_with(['【', '［', '〔', '《']) && !line.contains('。')
}

/// "Step 1 エクソソームの分泌", "1 抗アポトーシス作用": a numbered label over copy.
fn looks_like_step_label(line: &str) -> bool {
    STEP_LABEL.is_match(line) && reads_as_heading(line) && !line.contains(['、', ',', ':', '：'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(String, BlockKind)> {
        read(source).into_iter().map(|b| (b.text, b.kind)).collect()
    }

    #[test]
    fn lines_are_paragraphs_and_headings_are_recognised() {
        let blocks = read(
            "【エクソソーム療法とは?】解説\n幹細胞培養上清液とは、上清液のことです。\n💡 エクソソームとは?\n\nStep 1 エクソソームの分泌\n幹細胞がエクソソームを放出\n",
        );
        let shapes: Vec<(bool, usize)> = blocks.iter().map(|b| (b.is_heading(), b.line)).collect();
        assert_eq!(
            shapes,
            [(true, 1), (false, 2), (true, 3), (true, 5), (false, 6)]
        );
    }

    #[test]
    fn bullets_numbers_and_decorated_lines_are_list_items() {
        let items = kinds(
            "- 高い増殖能力\n- 低免疫原性\n\n1. first claim\n2) second\n① 丸数字\n◆ 入手経路:国内の製造施設より入手",
        );
        let lists: Vec<(String, usize, Option<u32>)> = items
            .into_iter()
            .filter_map(|(text, kind)| match kind {
                BlockKind::ListItem { list, number, .. } => Some((text, list, number)),
                _ => None,
            })
            .collect();
        assert_eq!(
            lists,
            [
                ("高い増殖能力".into(), 1, None),
                ("低免疫原性".into(), 1, None),
                ("first claim".into(), 2, Some(1)),
                ("second".into(), 2, Some(2)),
                ("丸数字".into(), 2, Some(1)),
                ("入手経路:国内の製造施設より入手".into(), 2, None),
            ]
        );
    }

    #[test]
    fn pipe_tables_have_cells_and_a_header_row() {
        let blocks =
            read("| 効果 | エビデンス |\n|---|---|\n| 肌のハリ | An, Y., et al., 2021 |\n");
        assert_eq!(blocks.len(), 2);
        assert!(matches!(
            blocks[0].kind,
            BlockKind::TableRow { header: true, .. }
        ));
        assert!(matches!(
            blocks[1].kind,
            BlockKind::TableRow {
                header: false,
                table: 1,
                ..
            }
        ));
        assert_eq!(blocks[1].cell(1), Some("An, Y., et al., 2021"));
        assert_eq!(blocks[1].line, 3);
    }

    #[test]
    fn title_case_english_lines_are_headings() {
        let blocks = read(
            "GlowCell Retinol Night Serum\nTHE SCIENCE\nOur serum boosts collagen.\nBoosts Collagen Fast.\n",
        );
        let headings: Vec<bool> = blocks.iter().map(Block::is_heading).collect();
        assert_eq!(headings, [true, true, false, false]);
    }

    #[test]
    fn a_decorated_line_of_copy_is_not_a_heading() {
        let blocks = read(
            "⚠️ 想定される副作用\n◆ 諸外国における安全性等に係る情報:重大な安全性情報については、現時点では報告されていません",
        );
        assert!(blocks[0].is_heading());
        assert!(!blocks[1].is_heading());
        assert!(blocks[1].text.starts_with("諸外国"));
    }
}
