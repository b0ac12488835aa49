//! Writing a draft as a claims file: the same layout as a hand-written one (see the
//! repository's `claims.yaml`), each claim under a comment naming its section of the
//! page, every claim `review: pending` with the page line it came from. The output is
//! the same for the same page, byte for byte (no dates), so drafts can be diffed.

use std::fmt::Write as _;

use strum::VariantArray;

use super::{Draft, DraftedClaim};
use crate::citation::CitedAs;
use crate::lint::{Jurisdiction, ProductClass};
use crate::text::collapse_whitespace;

/// The claims file for `draft`, drafted from the page named `page`.
pub fn claims_file(draft: &Draft, page: &str) -> String {
    let cited = draft
        .claims
        .iter()
        .filter(|c| !c.citations.is_empty())
        .count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Drafted by `claimaudit init` from {page}: {}, {cited} with citations.",
        crate::text::count(draft.claims.len(), "claim", "claims")
    );
    out.push_str(
        "# Every claim is `review: pending`: read each against the page, correct its wording,\n\
         # kind, keywords and citations, then delete its `review: pending` line. Until then\n\
         # `claimaudit check` reports it as unreviewed, never as supported.\n",
    );
    for note in &draft.notes {
        let _ = writeln!(out, "# Note: {note}");
    }
    out.push('\n');
    product(&mut out, draft);
    out.push_str("\nclaims:\n");
    let mut section: Option<&str> = None;
    for claim in &draft.claims {
        if claim.section.as_deref() != section {
            section = claim.section.as_deref();
            if let Some(heading) = section {
                let _ = writeln!(out, "\n  # {}", collapse_whitespace(heading));
            }
        }
        out.push_str(&claim_item(claim, "  "));
    }
    out
}

fn product(out: &mut String, draft: &Draft) {
    let product = &draft.product.product;
    let _ = writeln!(
        out,
        "# Product: {}.",
        collapse_whitespace(&draft.product.how)
    );
    out.push_str("product:\n");
    let _ = writeln!(out, "  name: {}", scalar(&product.name));
    if product.terms.is_empty() {
        out.push_str("  # terms: the English words that identify this product in a paper (its source or active ingredient)\n");
        out.push_str("  terms: []\n");
    } else {
        out.push_str(
            "  # What sets this product apart in a paper; check these are specific enough.\n",
        );
        let _ = writeln!(out, "  terms: {}", flow_list(&product.terms));
    }
    match product.class {
        Some(class) => {
            let _ = writeln!(out, "  class: {}", class.as_str());
        }
        None => {
            let classes: Vec<&str> = ProductClass::VARIANTS.iter().map(|c| c.as_str()).collect();
            let _ = writeln!(
                out,
                "  # class: one of {} (nothing on the page said which)",
                classes.join(", ")
            );
        }
    }
    if product.jurisdictions.is_empty() {
        let all: Vec<&str> = Jurisdiction::VARIANTS.iter().map(|j| j.as_str()).collect();
        let _ = writeln!(
            out,
            "  # jurisdictions: where the page is read, from {} (every one's rules apply until set)",
            all.join(", ")
        );
    } else {
        let names: Vec<String> = product
            .jurisdictions
            .iter()
            .map(|j| j.as_str().to_owned())
            .collect();
        let _ = writeln!(out, "  jurisdictions: {}", flow_list(&names));
    }
}

/// One claim as a block-list item, at `indent`.
pub fn claim_item(claim: &DraftedClaim, indent: &str) -> String {
    let mut out = String::new();
    let inner = format!("{indent}  ");
    let _ = writeln!(out, "{indent}- id: {}", claim.id);
    let _ = writeln!(out, "{inner}text: {}", scalar(&claim.text));
    let _ = writeln!(out, "{inner}kind: {}", claim.kind.as_str());
    if let Some(note) = &claim.note {
        let _ = writeln!(out, "{inner}note: {}", scalar(note));
    }
    let _ = writeln!(out, "{inner}keywords: {}", flow_list(&claim.keywords));
    if !claim.citations.is_empty() {
        let _ = writeln!(out, "{inner}citations:");
        for cited in &claim.citations {
            let _ = writeln!(out, "{inner}  - {}", citation(cited));
        }
    }
    let _ = writeln!(out, "{inner}review: pending");
    let _ = writeln!(out, "{inner}source_line: {}", claim.source_line);
    out
}

fn citation(cited: &CitedAs) -> String {
    match cited {
        CitedAs::Pmid(pmid) => format!("{{pmid: {pmid}}}"),
        CitedAs::Doi(doi) => format!("{{doi: {}}}", quoted(doi.as_str())),
        CitedAs::Pmcid(pmcid) => format!("{{pmcid: {pmcid}}}"),
        CitedAs::Text(text) => quoted(text),
    }
}

fn flow_list(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| {
            if plain_in_flow(item) {
                item.clone()
            } else {
                quoted(item)
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// A YAML scalar: plain when it reads back as the same string, else double-quoted.
pub fn scalar(text: &str) -> String {
    if plain_safe(text) {
        text.to_owned()
    } else {
        quoted(text)
    }
}

fn plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let special_start = "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace();
    let reserved = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    ) || text.parse::<f64>().is_ok();
    !special_start
        && !reserved
        && !text.ends_with(char::is_whitespace)
        && !text.ends_with(':')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.chars().any(|c| c.is_control() || c == '\u{feff}')
}

fn plain_in_flow(text: &str) -> bool {
    plain_safe(text) && !text.contains([',', '[', ']', '{', '}', ':', '#'])
}

/// A double-quoted YAML string.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
