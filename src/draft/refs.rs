//! The page's own reference list: entries under a "References" / 参考文献 / 出典 heading
//! (numbered list items, or lines that start with `1.`, `[1]`, `1)`), and footnotes
//! (`<li id="fn1">`, Markdown `[^1]: …`). Markers in the copy are resolved against it, and
//! the blocks it occupies are never drafted as claims.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{Block, BlockKind};
use super::cite::{self, sole_identifier};
use crate::citation::CitedAs;

/// Headings over a reference list (compared on the heading without decorations).
static REFERENCE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:references?|sources?|citations?|bibliography|literature(?: cited)?|works cited|studies cited|scientific references|footnotes|notes and references)\b|参考文献|参考資料|参考論文|引用文献|引用|出典|文献|論文|エビデンス|注釈|脚注)",
    )
    .expect("valid built-in pattern")
});
/// "1. ", "[1] ", "1) ", "(1) ", "※1 ", "*1 " at the start of a reference line.
static ENTRY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:\[([0-9]{1,3})\]|([0-9]{1,3})[.)．）]|[(（]([0-9]{1,3})[)）]|[※*]([0-9]{1,2}))\s*",
    )
    .expect("valid built-in pattern")
});
/// Link labels reference lists carry after each entry ("[PubMed]", "[Google Scholar]").
static TRAILING_LINK_LABELS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\s*(?:\[(?:pubmed|google scholar|crossref|pmc free article|free full text|full text|abstract|link)\]|↩︎?|↑|\^))+\s*$")
        .expect("valid built-in pattern")
});

/// The page's references, by label.
#[derive(Debug, Default)]
pub struct References {
    by_label: HashMap<String, CitedAs>,
    /// Indexes of the blocks that are reference entries (or their headings).
    blocks: HashSet<usize>,
}

impl References {
    /// Finds the reference list(s) and footnotes of a page.
    pub fn of(blocks: &[Block]) -> References {
        let mut refs = References::default();
        let mut in_list: Option<u8> = None;
        let mut ordinal = 0u32;
        for (index, block) in blocks.iter().enumerate() {
            if let BlockKind::Footnote { label } = &block.kind {
                refs.add(index, label.clone(), &block.text);
                continue;
            }
            if let BlockKind::Heading { level } = block.kind {
                if is_reference_heading(&block.text) {
                    in_list = Some(level);
                    ordinal = 0;
                    refs.blocks.insert(index);
                } else {
                    in_list = None;
                }
                continue;
            }
            // "参考文献" or "References:" alone on a line of plain text heads a list too.
            if block.kind == BlockKind::Paragraph && is_reference_label_line(&block.text) {
                in_list = Some(6);
                ordinal = 0;
                refs.blocks.insert(index);
                continue;
            }
            // A line that starts with "[1] Author …" is an entry wherever it stands, as
            // long as it reads as a reference.
            let labelled = ENTRY_LABEL.captures(&block.text).and_then(|c| {
                // ※1 notes are labelled apart from numbered references.
                let label = match c.get(4) {
                    Some(note) => format!("※{}", note.as_str()),
                    None => (1..=3)
                        .find_map(|g| c.get(g))
                        .map(|m| m.as_str().to_owned())?,
                };
                Some((label, block.text[c.get(0)?.end()..].to_owned()))
            });
            match (in_list.is_some(), labelled) {
                (true, Some((label, rest))) if has_year_or_identifier(&rest) => {
                    ordinal += 1;
                    refs.add(index, label, &rest);
                }
                (true, None) if has_year_or_identifier(&block.text) => {
                    ordinal += 1;
                    let label = match block.kind {
                        BlockKind::ListItem {
                            number: Some(n), ..
                        } => n.to_string(),
                        _ => ordinal.to_string(),
                    };
                    refs.add(index, label, &block.text);
                }
                // A ※ note with a year is a source wherever it stands ("※1 院内アンケート（2023年）").
                (false, Some((label, rest)))
                    if reads_as_reference(&rest)
                        || (label.starts_with('※') && has_year_or_identifier(&rest)) =>
                {
                    refs.add(index, label, &rest);
                }
                _ => {}
            }
        }
        refs.add_reference_like_lists(blocks);
        refs
    }

    /// A numbered list whose every item reads as a reference (a footnote `<ol>` with no
    /// heading over it) is a reference list too, numbered as it shows.
    fn add_reference_like_lists(&mut self, blocks: &[Block]) {
        let mut lists: HashMap<usize, Vec<(usize, Option<u32>)>> = HashMap::new();
        for (index, block) in blocks.iter().enumerate() {
            if let BlockKind::ListItem { list, number, .. } = block.kind
                && !self.blocks.contains(&index)
            {
                lists.entry(list).or_default().push((index, number));
            }
        }
        for items in lists.values() {
            // One item is enough where the page already has footnotes (the rest of a
            // footnote list whose other items no marker links to).
            let all_references = (items.len() >= 2 || !self.by_label.is_empty())
                && items.iter().all(|(index, number)| {
                    number.is_some() && (reads_as_reference(&blocks[*index].text))
                });
            if !all_references {
                continue;
            }
            for (index, number) in items {
                let label = number.map_or_else(String::new, |n| n.to_string());
                if !self.by_label.contains_key(&label) {
                    self.add(*index, label, &blocks[*index].text);
                }
            }
        }
    }

    fn add(&mut self, index: usize, label: String, text: &str) {
        if let Some(cited) = entry(text) {
            self.by_label.entry(label).or_insert(cited);
            self.blocks.insert(index);
        }
    }

    /// The reference a marker label points to.
    pub fn get(&self, label: &str) -> Option<&CitedAs> {
        self.by_label.get(label)
    }

    /// Whether the block at `index` is part of the reference list.
    pub fn holds(&self, index: usize) -> bool {
        self.blocks.contains(&index)
    }

    pub fn is_empty(&self) -> bool {
        self.by_label.is_empty()
    }
}

/// "References", "参考文献:", "📚 出典" …
pub fn is_reference_heading(text: &str) -> bool {
    let text: String = text.chars().skip_while(|c| !c.is_alphanumeric()).collect();
    REFERENCE_HEADING.is_match(&text) && text.chars().count() <= 40
}

/// A line that is only a reference heading word and punctuation ("References:").
fn is_reference_label_line(text: &str) -> bool {
    is_reference_heading(text)
        && REFERENCE_HEADING
            .find(text.trim_start_matches(|c: char| !c.is_alphanumeric()))
            .is_some_and(|m| {
                let rest = &text.trim_start_matches(|c: char| !c.is_alphanumeric())[m.end()..];
                rest.chars().all(|c| !c.is_alphanumeric())
            })
}

/// What one reference entry cites: an identifier when the entry is only that, else the
/// entry as written (the resolver reads authors, title, journal, year and any identifier
/// out of a full reference, and checks them against each other).
pub fn entry(text: &str) -> Option<CitedAs> {
    let text = TRAILING_LINK_LABELS.replace(text.trim(), "");
    let text = text.trim().trim_start_matches(['・', '-', '•']).trim();
    if text.chars().count() < 6 {
        return None;
    }
    Some(sole_identifier(text).unwrap_or_else(|| CitedAs::Text(text.to_owned())))
}

/// Inside a reference section an entry needs a year or an identifier: Japanese
/// references ("山田太郎, 他. 日本皮膚科学会雑誌. 2020;130:12-19.") have no Latin names.
fn has_year_or_identifier(text: &str) -> bool {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^0-9])(?:19|20)[0-9]{2}(?:[^0-9]|$)").expect("valid built-in pattern")
    });
    YEAR.is_match(text)
        || sole_identifier(text).is_some()
        || text.contains("doi")
        || text.contains("http")
}

/// Whether text outside a reference section reads as a reference: an identifier, or a
/// Latin-script author/journal with a year.
fn reads_as_reference(text: &str) -> bool {
    cite::reference(text).is_some() || sole_identifier(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::read::text;

    #[test]
    fn numbered_entries_under_a_reference_heading_are_found_by_label() {
        let blocks = text::read(
            "肌のハリを改善します1)。\n参考文献\n1) Wang Y, et al. Stem Cells. 2023;41(2):100-110.\n2) https://pubmed.ncbi.nlm.nih.gov/31844417/\n[3] Lee K. J Cosmet Dermatol. 2021. [PubMed] [Google Scholar]\n",
        );
        let refs = References::of(&blocks);
        assert_eq!(
            refs.get("1").map(ToString::to_string).as_deref(),
            Some("Wang Y, et al. Stem Cells. 2023;41(2):100-110.")
        );
        assert_eq!(
            refs.get("2").map(ToString::to_string).as_deref(),
            Some("PMID: 31844417")
        );
        assert_eq!(
            refs.get("3").map(ToString::to_string).as_deref(),
            Some("Lee K. J Cosmet Dermatol. 2021.")
        );
        assert!(!refs.holds(0) && refs.holds(1) && refs.holds(2));
    }

    #[test]
    fn a_numbered_list_that_is_not_references_is_left_alone() {
        let blocks = text::read("1. 肌のハリが出ます\n2. 保湿されます\n");
        assert!(References::of(&blocks).is_empty());
    }
}
