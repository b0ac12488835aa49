//! Drafting a claims file from marketing copy (`claimaudit init --from PAGE`, and
//! `claimaudit check PAGE`). The pipeline:
//!
//! 1. [`read`]: the page (HTML, Markdown, plain text) into [`blocks`] in reading order;
//! 2. [`refs`]: its reference list and footnotes, which markers in the copy point to;
//! 3. each paragraph split into [`sentences`]; each list item and table row taken whole;
//! 4. [`cite`]: the citations written in each, and the wording without them; a table's
//!    evidence column and a trailing 「参考:」 line add theirs;
//! 5. [`classify`]: whether it is a claim at all (page furniture is not) and its kind;
//! 6. [`glossary`]: English keywords, and [`product`]: what the page advertises.
//!
//! Every drafted claim is marked `review: pending` ([`write`]): a machine's reading of a
//! page is a starting point for a person, never a verdict's basis on its own.

pub mod blocks;
pub mod cite;
pub mod classify;
pub mod glossary;
pub mod merge;
pub mod product;
pub mod read;
pub mod refs;
pub mod sentences;
pub mod write;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use self::blocks::{Block, BlockKind};
use self::cite::{push_unique, sole_identifier};
use self::product::DraftedProduct;
use self::refs::References;
use crate::citation::CitedAs;
use crate::claims::ClaimKind;
use crate::lint::extract::SourceFormat;
use crate::lint::model::Language;
use crate::lint::normalize::is_japanese;

named_enum! {
    /// The language to read a page in: `auto` tells it from the page's characters.
    pub enum LanguageChoice {
        Auto,
        Ja,
        En,
    }
}

/// Most keywords suggested for one claim.
const KEYWORDS_PER_CLAIM: usize = 6;

/// A claims file drafted from a page.
#[derive(Debug, Clone)]
pub struct Draft {
    pub language: Language,
    pub product: DraftedProduct,
    pub claims: Vec<DraftedClaim>,
    /// Things a reviewer should know about the drafting (a marker with no reference).
    pub notes: Vec<String>,
    /// The page's readable text, block by block, one per line.
    pub page_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftedClaim {
    pub id: String,
    /// The wording as published, without its citations.
    pub text: String,
    pub kind: ClaimKind,
    pub keywords: Vec<String>,
    pub citations: Vec<CitedAs>,
    /// A table row's other columns ("メカニズム: …").
    pub note: Option<String>,
    /// The line of the page it was drafted from.
    pub source_line: usize,
    /// The heading it stands under, for a comment in the file.
    pub section: Option<String>,
}

/// Drafts the claims of a page.
pub fn draft(source: &str, format: SourceFormat, language: LanguageChoice) -> Draft {
    let blocks = read::read(source, format);
    let language = match language {
        LanguageChoice::Ja => Language::Japanese,
        LanguageChoice::En => Language::English,
        LanguageChoice::Auto => detect_language(&blocks),
    };
    let mut drafter = Drafter {
        refs: References::of(&blocks),
        blocks: &blocks,
        claims: Vec::new(),
        notes: Vec::new(),
        tables: HashMap::new(),
        section: None,
        last_group: Vec::new(),
        last_list: None,
    };
    for index in 0..blocks.len() {
        drafter.block(index);
    }
    let mut claims = drafter.claims;
    dedupe(&mut claims);
    assign_ids(&mut claims);
    Draft {
        language,
        product: product::draft(&blocks, language),
        claims,
        notes: drafter.notes,
        page_text: blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Japanese when at least a fifth of the page's letters are Japanese.
fn detect_language(blocks: &[Block]) -> Language {
    let (mut japanese, mut letters) = (0usize, 0usize);
    for c in blocks
        .iter()
        .flat_map(|b| b.text.chars())
        .filter(|c| c.is_alphabetic())
    {
        letters += 1;
        japanese += usize::from(is_japanese(c));
    }
    if japanese * 5 >= letters && japanese > 0 {
        Language::Japanese
    } else {
        Language::English
    }
}

/// What a table's header says about its columns.
#[derive(Debug, Clone, Default)]
struct TableShape {
    headers: Vec<String>,
    /// Columns of sources (エビデンス, 出典, Source, Reference…).
    sources: Vec<usize>,
    /// The column that states the claim, when the header says (効果, Benefit…).
    claim: Option<usize>,
}

/// Headers of a column of sources.
static SOURCE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)エビデンス|出典|参考文献|参考|文献|論文|根拠|source|reference|evidence|citation|study|studies|research")
        .expect("valid built-in pattern")
});
/// Headers of the column that states the claim.
static CLAIM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)効果|効能|期待|改善|特徴|メリット|benefit|effect|claim|result|outcome|what it does",
    )
    .expect("valid built-in pattern")
});
/// A line that gives the sources of what precedes it: 「参考:…」, "Sources: …".
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:参考文献|参考資料|参考|出典|引用|文献|sources?|references?|refs?\.?|cited?)\s*[:：]\s*")
        .expect("valid built-in pattern")
});

struct Drafter<'b> {
    blocks: &'b [Block],
    refs: References,
    claims: Vec<DraftedClaim>,
    notes: Vec<String>,
    tables: HashMap<usize, TableShape>,
    section: Option<String>,
    /// The claims drafted from the previous block, for a 「参考:」 line after it.
    last_group: Vec<usize>,
    /// The list the previous block belonged to, and the claims drafted from its items.
    last_list: Option<(usize, Vec<usize>)>,
}

impl Drafter<'_> {
    fn block(&mut self, index: usize) {
        let block = &self.blocks[index];
        if self.refs.holds(index) {
            return;
        }
        let mut group = Vec::new();
        match &block.kind {
            // "PMID: 34567812" alone on a line reads like a title to the text reader.
            BlockKind::Heading { .. } if is_only_citations(&block.text) => {
                self.source_line(block, 0);
                return;
            }
            BlockKind::Heading { .. } => {
                self.section = Some(block.text.clone());
                self.last_group.clear();
                self.last_list = None;
                return;
            }
            BlockKind::Footnote { .. } => return,
            BlockKind::Paragraph => {
                if let Some(found) = SOURCE_LINE.find(&block.text) {
                    self.source_line(block, found.end());
                    return;
                }
                // A line that is only a citation ("PMID: 34567812" under a paragraph)
                // gives the sources of what precedes it.
                if is_only_citations(&block.text) {
                    self.source_line(block, 0);
                    return;
                }
                for sentence in sentences::split(&block.text) {
                    group.extend(self.claim(block, sentence, Vec::new(), None));
                }
                self.last_list = None;
            }
            BlockKind::ListItem { list, .. } => {
                if let Some(found) = SOURCE_LINE.find(&block.text) {
                    self.source_line(block, found.end());
                    return;
                }
                group.extend(self.claim(block, 0..block.text.len(), Vec::new(), None));
                match &mut self.last_list {
                    Some((open, items)) if open == list => items.extend(group.iter().copied()),
                    _ => self.last_list = Some((*list, group.clone())),
                }
            }
            BlockKind::TableRow {
                table,
                cells,
                header,
            } => {
                if *header {
                    self.tables.insert(*table, table_shape(block, cells));
                } else {
                    group.extend(self.table_row(block, *table, cells));
                }
                // A 「参考:」 line under a table gives the sources of all its rows, as
                // under a list: tables are kept apart from lists by their own key.
                let key = usize::MAX - *table;
                match &mut self.last_list {
                    Some((open, items)) if *open == key => items.extend(group.iter().copied()),
                    _ => self.last_list = Some((key, group.clone())),
                }
            }
        }
        self.last_group = group;
    }

    /// A 「参考:」 line: its sources belong to the list it closes, or else to the
    /// paragraph before it.
    fn source_line(&mut self, block: &Block, rest_at: usize) {
        let mut citations = Vec::new();
        for part in cite::split_sources(&block.text[rest_at..]) {
            let found = cite::inline(part);
            for label in found.markers.iter().flat_map(|(_, labels)| labels) {
                if let Some(cited) = self.refs.get(label) {
                    push_unique(&mut citations, cited.clone());
                }
            }
            // The whole entry as written when it reads as one (a full reference keeps
            // its authors and title beside any DOI); else what was found inside it.
            let whole = cite::reference(part).or_else(|| {
                found
                    .citations
                    .is_empty()
                    .then(|| cite::listed_source(part))
                    .flatten()
            });
            match whole {
                Some(cited) => push_unique(&mut citations, cited),
                None => found
                    .citations
                    .into_iter()
                    .for_each(|c| push_unique(&mut citations, c)),
            }
        }
        for link in &block.links {
            if let Some(cited) = sole_identifier(&link.href) {
                push_unique(&mut citations, cited);
            }
        }
        let targets = match &self.last_list {
            Some((_, items)) if !items.is_empty() => items.clone(),
            _ => self.last_group.clone(),
        };
        if targets.is_empty() && !citations.is_empty() {
            self.notes.push(format!(
                "line {}: the sources of “{}” follow no drafted claim; attach them by hand",
                block.line, block.text
            ));
        }
        for claim in targets {
            for cited in &citations {
                push_unique(&mut self.claims[claim].citations, cited.clone());
            }
        }
        self.last_list = None;
        self.last_group.clear();
    }

    fn table_row(&mut self, block: &Block, table: usize, cells: &[Range<usize>]) -> Option<usize> {
        let shape = self.tables.get(&table).cloned().unwrap_or_default();
        let texts: Vec<&str> = cells.iter().map(|r| &block.text[r.clone()]).collect();
        // A row of product details ("原材料名 | …", "Ingredients | …") states no claim.
        if texts
            .first()
            .is_some_and(|label| classify::is_furniture(label))
            || shape
                .claim
                .and_then(|c| shape.headers.get(c))
                .is_some_and(|h| classify::is_furniture(h))
        {
            return None;
        }
        let claim_column = shape.claim.filter(|c| *c < texts.len()).or_else(|| {
            // No header says which: the longest cell that reads as a claim.
            (0..texts.len())
                .filter(|c| !shape.sources.contains(c) && classify::is_claim(texts[*c]))
                .max_by_key(|c| texts[*c].chars().count())
        })?;
        let mut citations = Vec::new();
        for &column in shape.sources.iter().filter(|c| **c < texts.len()) {
            let cell = cells[column].clone();
            for part in cite::split_sources(texts[column]) {
                if let Some(cited) = cite::listed_source(part) {
                    push_unique(&mut citations, cited);
                }
            }
            let found = cite::inline(texts[column]);
            for cited in found.citations {
                push_unique(&mut citations, cited);
            }
            for label in found.markers.iter().flat_map(|(_, labels)| labels) {
                if let Some(cited) = self.refs.get(label) {
                    push_unique(&mut citations, cited.clone());
                }
            }
            for link in block.links_in(cell) {
                if let Some(cited) = sole_identifier(&link.href) {
                    push_unique(&mut citations, cited);
                }
            }
        }
        let note: Vec<String> = (0..texts.len())
            .filter(|c| *c != claim_column && !shape.sources.contains(c) && !texts[*c].is_empty())
            .map(|c| match shape.headers.get(c).filter(|h| !h.is_empty()) {
                Some(header) if is_japanese_text(header) => format!("{header}欄: {}", texts[c]),
                Some(header) => format!("{header}: {}", texts[c]),
                None => texts[c].to_owned(),
            })
            .collect();
        let note = (!note.is_empty()).then(|| note.join("; "));
        self.claim(block, cells[claim_column].clone(), citations, note)
    }

    /// Drafts `range` of a block as a claim if it is one, with its citations.
    fn claim(
        &mut self,
        block: &Block,
        range: Range<usize>,
        mut citations: Vec<CitedAs>,
        note: Option<String>,
    ) -> Option<usize> {
        let raw = &block.text[range.clone()];
        let found = cite::inline(raw);
        let mut cut = found.cut.clone();
        for cited in found.citations {
            push_unique(&mut citations, cited);
        }
        for (marker, labels) in &found.markers {
            let resolved: Vec<&CitedAs> = labels.iter().filter_map(|l| self.refs.get(l)).collect();
            if resolved.is_empty() {
                // A bracketed number or superscript with no reference list entry is
                // still a marker; "1)" without a list may be wording.
                if raw[marker.clone()].starts_with([
                    '[', '［', '※', '⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹',
                ]) {
                    cut.push(marker.clone());
                    self.notes.push(format!(
                        "line {}: marker {} points to no source in the page's references or notes",
                        block.line,
                        &raw[marker.clone()]
                    ));
                }
                continue;
            }
            cut.push(marker.clone());
            for cited in resolved {
                push_unique(&mut citations, cited.clone());
            }
        }
        for link in block.links_in(range.clone()) {
            if let Some(cited) = sole_identifier(&link.href) {
                push_unique(&mut citations, cited);
            }
        }
        let text = cite::without(raw, &cut);
        let is_claim =
            classify::is_claim(&text) || (!citations.is_empty() && classify::is_cited_claim(&text));
        if !is_claim {
            return None;
        }
        let keyword_source = match &note {
            Some(note) => format!("{text}\n{note}"),
            None => text.clone(),
        };
        self.claims.push(DraftedClaim {
            id: String::new(),
            kind: classify::guess_kind(&text),
            keywords: glossary::keywords(&keyword_source, KEYWORDS_PER_CLAIM),
            text,
            citations,
            note,
            source_line: block.line,
            section: self.section.clone(),
        });
        Some(self.claims.len() - 1)
    }
}

/// Whether a block's text is nothing but citations.
fn is_only_citations(text: &str) -> bool {
    let found = cite::inline(text);
    let rest = cite::without(text, &found.cut);
    !found.citations.is_empty() && rest.trim_matches(|c: char| !c.is_alphanumeric()).is_empty()
}

fn is_japanese_text(text: &str) -> bool {
    text.chars().any(is_japanese)
}

/// Which columns of a table hold sources and which states the claim.
fn table_shape(block: &Block, cells: &[Range<usize>]) -> TableShape {
    let headers: Vec<String> = cells
        .iter()
        .map(|r| block.text[r.clone()].to_owned())
        .collect();
    let sources: Vec<usize> = (0..headers.len())
        .filter(|c| SOURCE_HEADER.is_match(&headers[*c]))
        .collect();
    let claim =
        (0..headers.len()).find(|c| !sources.contains(c) && CLAIM_HEADER.is_match(&headers[*c]));
    TableShape {
        headers,
        sources,
        claim,
    }
}

/// The same wording twice on a page (a hero repeated in the footer) is one claim, with
/// the citations of both.
fn dedupe(claims: &mut Vec<DraftedClaim>) {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut keep = Vec::with_capacity(claims.len());
    for claim in claims.drain(..) {
        let key = wording_key(&claim.text);
        match first.get(&key) {
            Some(&at) => {
                let kept: &mut DraftedClaim = &mut keep[at];
                for cited in claim.citations {
                    push_unique(&mut kept.citations, cited);
                }
            }
            None => {
                first.insert(key, keep.len());
                keep.push(claim);
            }
        }
    }
    *claims = keep;
}

/// How wordings are compared (drafting, merging): NFKC, lowercase, no spaces.
pub fn wording_key(text: &str) -> String {
    crate::text::nfkc(text)
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Ids from the wording: a few English words of it (or of its keywords, for Japanese)
/// and four hex digits of its hash, so the same wording always gets the same id.
fn assign_ids(claims: &mut [DraftedClaim]) {
    let mut used = HashSet::new();
    for claim in claims.iter_mut() {
        let base = format!("{}-{:04x}", slug(claim), hash16(&wording_key(&claim.text)));
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        claim.id = id;
    }
}

/// Words too common to name a claim.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "with", "by", "is", "are", "was",
    "were", "be", "been", "it", "its", "this", "that", "these", "our", "your", "you", "we", "can",
    "may", "from", "as", "at", "has", "have", "more", "most", "up", "into", "than",
];

fn slug(claim: &DraftedClaim) -> String {
    let source = if is_japanese_text(&claim.text) {
        claim.keywords.join(" ")
    } else {
        claim.text.clone()
    };
    let words: Vec<String> = source
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
        .take(4)
        .collect();
    if words.is_empty() {
        "claim".to_owned()
    } else {
        words.join("-")
    }
}

/// FNV-1a folded to 16 bits: stable across runs and platforms, unlike `std`'s hasher.
fn hash16(text: &str) -> u16 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    ((hash >> 16) ^ (hash & 0xffff)) as u16
}

#[cfg(test)]
mod tests;

/// The claims file `check PAGE` audits: the draft, read back through the same validation
/// as a file on disk, with every position pointing into the page (the claim's line, and
/// the column where its wording starts when the page has it verbatim on that line), so
/// reports and SARIF annotations land on the copy itself.
pub fn page_claims_file(
    draft: &Draft,
    page_path: &str,
    page_source: &str,
    rules: &'static crate::lint::RuleSet,
) -> Result<crate::claims::ClaimsFile, crate::claims::InvalidClaims> {
    let yaml = write::claims_file(draft, page_path);
    let mut file = crate::claims::parse_with(std::path::Path::new(page_path), &yaml, rules)?;
    let lines: Vec<&str> = page_source.lines().collect();
    for (claim, drafted) in file.claims.iter_mut().zip(&draft.claims) {
        let line = drafted.source_line;
        let column = lines
            .get(line.saturating_sub(1))
            .and_then(|text| text.find(drafted.text.as_str()))
            .map(|byte| lines[line - 1][..byte].chars().count() + 1);
        claim.line = line;
        claim.column = column.unwrap_or(1);
        claim.text_line = line;
        claim.text_column = column.unwrap_or(1);
        claim.text_inline_column = column;
        for cited in &mut claim.citations {
            cited.line = line;
            cited.column = 1;
        }
    }
    // Waivers and policy cannot come from a page; the product line is the page's top.
    Ok(file)
}

/// The page's wording findings that no drafted claim already carries: a phrase inside a
/// claim's wording is reported on the claim (with its evidence), so the page section
/// keeps what lies outside the claims, and every missing disclosure.
pub fn outside_claims(
    mut page: crate::report::PageSection,
    claims: &[crate::claims::Claim],
) -> crate::report::PageSection {
    let key = |text: &str| {
        wording_key(text)
            .trim_end_matches(['.', '。', '!', '！'])
            .to_owned()
    };
    let claim_keys: Vec<(usize, String)> = claims.iter().map(|c| (c.line, key(&c.text))).collect();
    page.findings.retain(|finding| {
        if finding.is_missing_disclosure() {
            return true;
        }
        let phrase = key(&without_tags(&finding.phrase));
        // A phrase inside a claim's wording, or a sentence read around a claim (the
        // wording model's finding), is the claim's: it is reported there with its evidence.
        !phrase.is_empty()
            && !claim_keys.iter().any(|(line, claim)| {
                line.abs_diff(finding.line) <= 20
                    && !claim.is_empty()
                    && (claim.contains(&phrase) || phrase.contains(claim.as_str()))
            })
    });
    page
}

/// Text without HTML tags (a phrase "as written in the file" may carry markup).
fn without_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
