//! `claimaudit init --merge`: bringing an existing claims file up to date with changed
//! copy without losing a reviewer's work. The file is edited as text, so its comments,
//! order and every reviewed claim stay exactly as they were:
//!
//! - a claim whose wording still appears on the page is kept untouched (reviewed or not);
//! - a drafted claim that overlaps no existing claim's wording is added, `review:
//!   pending`, after the existing claim nearest before it on the page;
//! - a claim whose wording is no longer on the page is taken out and listed.

use std::path::Path;

use super::write::claim_item;
use super::{Draft, DraftedClaim, wording_key};
use crate::claims::{self, Claim, InvalidClaims};

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// The claims file after the merge.
    pub text: String,
    /// Claims kept as they were.
    pub kept: usize,
    /// New claims: id and wording.
    pub added: Vec<(String, String)>,
    /// Claims taken out: id, line in the old file, wording.
    pub removed: Vec<(String, usize, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}")]
    Invalid(#[from] InvalidClaims),
    #[error(
        "{path}: `claims:` is written as a flow list ([...]); write it as a block list (one `- id:` per claim) to merge into it"
    )]
    FlowList { path: String },
}

/// Merges `draft` into the claims file `existing` (named `path`). `page_text` is the
/// page's readable text, where a kept claim's wording must still appear.
pub fn merge(
    path: &Path,
    existing: &str,
    draft: &Draft,
    page_text: &str,
) -> Result<Merged, MergeError> {
    let file = claims::parse(path, existing)?;
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let page_key = wording_key(page_text);
    let spans: Vec<Span> = file
        .claims
        .iter()
        .map(|claim| Span::of(claim, &lines))
        .collect();
    if spans
        .iter()
        .any(|s| !lines[s.start].trim_start().starts_with('-'))
    {
        return Err(MergeError::FlowList {
            path: path.display().to_string(),
        });
    }
    let existing_keys: Vec<String> = file.claims.iter().map(|c| wording_key(&c.text)).collect();
    let on_page: Vec<bool> = existing_keys
        .iter()
        .map(|k| !k.is_empty() && page_key.contains(k.as_str()))
        .collect();

    // Where each new claim goes: after the span of the last existing claim that a drafted
    // claim before it on the page matched (or before the first claim).
    let mut used_ids: Vec<String> = file.claims.iter().map(|c| c.id.clone()).collect();
    let mut insertions: Vec<(usize, String)> = Vec::new();
    let mut anchor: Option<usize> = None;
    let mut merged = Merged::default();
    let indent = spans.first().map_or("  ".to_owned(), |s| s.indent.clone());
    for drafted in &draft.claims {
        let key = wording_key(&drafted.text);
        let matched = existing_keys
            .iter()
            .position(|k| !k.is_empty() && (key.contains(k.as_str()) || k.contains(key.as_str())));
        match matched {
            Some(index) => anchor = Some(index),
            None => {
                let mut claim: DraftedClaim = drafted.clone();
                claim.id = unique_id(&claim.id, &used_ids);
                used_ids.push(claim.id.clone());
                let at = match anchor {
                    Some(index) => spans[index].end + 1,
                    None => spans.first().map_or(lines.len(), |s| s.start),
                };
                merged.added.push((claim.id.clone(), claim.text.clone()));
                insertions.push((at, claim_item(&claim, &indent)));
            }
        }
    }

    let mut out = String::with_capacity(existing.len());
    let removed_lines = |line: usize| {
        spans
            .iter()
            .zip(&on_page)
            .any(|(span, on)| !on && (span.start..=span.end).contains(&line))
    };
    for (index, line) in lines.iter().enumerate() {
        for (_, item) in insertions.iter().filter(|(at, _)| *at == index) {
            out.push_str(item);
        }
        if !removed_lines(index) {
            out.push_str(line);
        }
    }
    if !existing.ends_with('\n') && insertions.iter().any(|(at, _)| *at >= lines.len()) {
        out.push('\n');
    }
    for (_, item) in insertions.iter().filter(|(at, _)| *at >= lines.len()) {
        out.push_str(item);
    }
    for ((claim, span), on) in file.claims.iter().zip(&spans).zip(&on_page) {
        if *on {
            merged.kept += 1;
        } else {
            merged
                .removed
                .push((claim.id.clone(), span.start + 1, claim.text.clone()));
        }
    }
    merged.text = out;
    Ok(merged)
}

fn unique_id(id: &str, used: &[String]) -> String {
    let mut candidate = id.to_owned();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    candidate
}

/// The lines (0-based, inclusive) a claim's list item occupies, without the blank and
/// comment lines after it (those belong to what follows).
struct Span {
    start: usize,
    end: usize,
    /// The indentation of its `-`.
    indent: String,
}

impl Span {
    fn of(claim: &Claim, lines: &[&str]) -> Span {
        let start = claim
            .line
            .saturating_sub(1)
            .min(lines.len().saturating_sub(1));
        let first = lines.get(start).copied().unwrap_or("");
        let dash = first.find('-').unwrap_or(0);
        let indent = first[..dash].to_owned();
        let content_indent = claim.column.saturating_sub(1).max(dash + 1);
        let mut end = start;
        for (index, line) in lines.iter().enumerate().skip(start + 1) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let line_indent = line.len() - trimmed.len();
            if line_indent < content_indent {
                break;
            }
            end = index;
        }
        Span { start, end, indent }
    }
}
