//! Markdown for a pull-request comment: what the audit rests on, the counts, one table
//! per verdict, then what to fix (each piece of advice once) and the citations that did
//! not resolve, with the queries tried; then the wording of the page the claims were
//! drafted from, if any, as `claimaudit lint` shows a file.

use std::fmt::Write as _;

use super::escape::markdown_cell as cell;
use super::lint::markdown::file_section;
use super::{ClaimReport, Formatter, Report, Said};
use crate::judge::Verdict;
use crate::resolve::ResolutionStatus;
use crate::text::count;

pub struct MarkdownFormatter;

impl Formatter for MarkdownFormatter {
    fn render(&self, report: &Report) -> String {
        let mut out = format!("# claimaudit: `{}`\n\n", report.claims_file);
        let product = if report.product.name.trim().is_empty() {
            String::new()
        } else {
            format!("Product: {} · ", cell(&report.product.name))
        };
        let _ = writeln!(
            out,
            "{product}generated {} · claimaudit {}\n",
            report.generated_at, report.tool.version,
        );
        let _ = writeln!(out, "Run: {}\n", cell(&report.provenance.summary()));
        if let Some(warning) = report.provenance.stale_warning() {
            let _ = writeln!(out, "> **Warning:** {}\n", cell(&warning));
        }
        out.push_str("| verdict | claims |\n|---|---:|\n");
        for verdict in Verdict::ALL {
            let _ = writeln!(
                out,
                "| {} | {} |",
                verdict.as_str(),
                report.summary.verdicts[verdict]
            );
        }
        let f = &report.summary.findings;
        let _ = writeln!(
            out,
            "\nFindings: **{} deny**, {} warn, {} allow, {} waived.",
            f.deny, f.warn, f.allow, f.waived
        );
        if let (Some(page), Some(p)) = (&report.page, &report.summary.page_findings) {
            let _ = writeln!(
                out,
                "\nPage wording (`{}`, outside the claims): **{} deny**, {} warn, {} allow.",
                page.path, p.deny, p.warn, p.allow
            );
        }
        for &verdict in Verdict::ALL {
            let claims: Vec<_> = report
                .claims
                .iter()
                .filter(|c| c.verdict == verdict)
                .collect();
            if claims.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n## {} ({})\n", verdict.as_str(), claims.len());
            out.push_str(
                "| claim | kind | wording | evidence | findings |\n|---|---|---|---|---|\n",
            );
            for claim in claims {
                verdict_row(&mut out, claim);
            }
        }
        what_to_fix(&mut out, report);
        unresolved(&mut out, report);
        if let Some(page) = &report.page {
            out.push('\n');
            file_section(
                &mut out,
                &format!("Page wording outside the claims: `{}`", page.path),
                page,
            );
        }
        let notable: Vec<_> = report
            .waivers
            .iter()
            .filter_map(|w| Some((&w.waiver, w.attention()?)))
            .collect();
        if !notable.is_empty() {
            out.push_str("\n## Waivers needing attention\n\n");
            for (w, attention) in notable {
                let _ = writeln!(
                    out,
                    "- line {}: `{}` on `{}` **{}** (approved by {} on {}, expires {})",
                    w.line,
                    w.code,
                    w.claim,
                    cell(&attention),
                    cell(&w.approved_by),
                    w.approved_on,
                    w.expires
                );
            }
        }
        if !report.overrides.is_empty() {
            out.push_str("\n## Policy changes\n\n");
            for o in &report.overrides {
                let _ = writeln!(out, "- {}", cell(&o.describe()));
            }
        }
        out
    }
}

fn verdict_row(out: &mut String, claim: &ClaimReport) {
    let evidence = claim.best_evidence.as_ref().map_or_else(
        || "-".to_owned(),
        |b| {
            format!(
                "[PMID {}](https://pubmed.ncbi.nlm.nih.gov/{}/) {} (level {})",
                b.pmid,
                b.pmid,
                b.design.as_str(),
                b.level.map_or_else(|| "-".into(), |l| l.to_string())
            )
        },
    );
    let findings: Vec<String> = claim
        .findings_by_code()
        .iter()
        .map(|g| {
            let waived = if g.counts { "" } else { " (waived)" };
            let times = if g.findings.len() > 1 {
                format!(" ×{}", g.findings.len())
            } else {
                String::new()
            };
            format!("`{}` {}{times}{waived}", g.code, g.level.as_str())
        })
        .collect();
    let page_line = claim
        .page_line()
        .map(|place| format!(", {place}"))
        .unwrap_or_default();
    let note = claim
        .note
        .as_deref()
        .map(|n| format!("<br>_note: {}_", cell(n)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "| `{}` (line {}{page_line}) | {} | {}{note} | {} | {} |",
        claim.id,
        claim.line,
        claim.kind.as_str(),
        cell(&claim.text),
        evidence,
        if findings.is_empty() {
            "-".into()
        } else {
            findings.join(", ")
        }
    );
}

/// Per code, the claims it was raised on and what they say, with the advice said once.
fn what_to_fix(out: &mut String, report: &Report) {
    let mut codes: Vec<crate::findings::Code> = Vec::new();
    for claim in &report.claims {
        for group in claim.findings_by_code() {
            if !codes.contains(&group.code) {
                codes.push(group.code);
            }
        }
    }
    if codes.is_empty() {
        return;
    }
    out.push_str("\n## What to fix\n");
    for code in codes {
        let mut entries: Vec<(&str, Said, Vec<String>)> = Vec::new();
        let mut level = None;
        for claim in &report.claims {
            for group in claim.findings_by_code().iter().filter(|g| g.code == code) {
                level.get_or_insert(group.level);
                entries.push((&claim.id, group.said(), group.waivers()));
            }
        }
        // A wording rule's sentence, or a clause every message ends with, is said once
        // for the code rather than on every claim's line.
        let sentence = entries
            .first()
            .and_then(|(_, said, _)| said.sentence.clone())
            .filter(|first| {
                entries
                    .iter()
                    .all(|(_, said, _)| said.sentence.as_ref() == Some(first))
            });
        let shared = shared_clauses(entries.iter().flat_map(|(_, said, _)| &said.items));
        let mut advice = cell(code.help());
        if let Some(sentence) = &sentence {
            advice = format!("{}<br>{advice}", cell(sentence));
        }
        for clause in &shared {
            let _ = write!(advice, " Each: {}.", cell(clause));
        }
        let _ = writeln!(
            out,
            "\n<details><summary><code>{code}</code> ({}): {}</summary>\n\n{advice}\n",
            level.map_or("", |l| l.as_str()),
            count(entries.len(), "claim", "claims"),
        );
        for (id, said, waivers) in entries {
            let items: Vec<String> = said
                .items
                .iter()
                .map(|m| cell(&without_clauses(m, &shared)))
                .collect();
            let text = match (&said.sentence, &sentence) {
                (Some(own), None) => format!("{}: {}", items.join(", "), cell(own)),
                (Some(_), Some(_)) => items.join(", "),
                (None, _) => items.join("; "),
            };
            let waived: String = waivers.iter().map(|w| format!(" ({})", cell(w))).collect();
            let _ = writeln!(out, "- `{id}`: {text}{waived}");
        }
        out.push_str("\n</details>\n");
    }
}

/// The "; "-separated clauses every one of several messages ends with ("add a citation
/// or change the wording"): said once for the group, not on every line.
fn shared_clauses<'a>(messages: impl Iterator<Item = &'a String>) -> Vec<String> {
    let split: Vec<Vec<&str>> = messages.map(|m| m.split("; ").skip(1).collect()).collect();
    let Some(first) = split.first() else {
        return Vec::new();
    };
    if split.len() < 2 {
        return Vec::new();
    }
    first
        .iter()
        .filter(|clause| split.iter().all(|m| m.contains(clause)))
        .map(|clause| (*clause).to_owned())
        .collect()
}

fn without_clauses(message: &str, shared: &[String]) -> String {
    message
        .split("; ")
        .enumerate()
        .filter(|(i, clause)| *i == 0 || !shared.iter().any(|s| s == clause))
        .map(|(_, clause)| clause)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Citations that did not resolve, with every query tried (or why none was).
fn unresolved(out: &mut String, report: &Report) {
    let mut lines: Vec<String> = Vec::new();
    for claim in &report.claims {
        for citation in claim.citations.iter().filter(|c| {
            !matches!(
                c.status,
                ResolutionStatus::Resolved | ResolutionStatus::Probable
            )
        }) {
            let mut line = format!(
                "- `{}` line {}: “{}” is **{}**",
                claim.id,
                citation.line,
                cell(&citation.input),
                citation.status.as_str()
            );
            if let Some(reason) = &citation.reason {
                let _ = write!(line, " ({})", cell(reason));
            }
            if citation.queries.is_empty() {
                let why = if citation.reason.is_some() {
                    "nothing was asked"
                } else {
                    "the citation gives nothing to look up"
                };
                let _ = write!(line, "; not looked up: {why}");
            } else {
                let _ = write!(
                    line,
                    "; {}:",
                    count(citation.queries.len(), "query tried", "queries tried")
                );
                for query in &citation.queries {
                    let _ = write!(line, "\n  - `{}`", query.to_string().replace('`', "'"));
                }
            }
            lines.push(line);
        }
    }
    if lines.is_empty() {
        return;
    }
    out.push_str("\n## Citations not resolved\n\n");
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
}
