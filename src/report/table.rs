//! The report as a table for a terminal: one row per claim, then what to fix; the page
//! the claims were drafted from, if any, as `claimaudit lint` shows a file.

use super::lint::table::{counted, file_findings};
use super::text_table::{aligned, wrap};
use super::{Formatter, Report};
use crate::text::count;

pub struct TableFormatter;

/// The wording column wraps at this many terminal columns (20 Japanese characters): the
/// whole claim is shown, never cut.
const TEXT_WIDTH: usize = 40;

impl Formatter for TableFormatter {
    fn render(&self, report: &Report) -> String {
        let mut out = format!("Run: {}\n", report.provenance.summary());
        if let Some(warning) = report.provenance.stale_warning() {
            out.push_str(&format!("WARNING: {warning}\n"));
        }
        out.push('\n');
        let rows: Vec<Vec<String>> = report
            .claims
            .iter()
            .map(|claim| {
                let best = claim.best_evidence.as_ref().map_or_else(
                    || "-".to_owned(),
                    |b| {
                        format!(
                            "{} L{} ({})",
                            b.design.as_str(),
                            b.level.map_or_else(|| "-".into(), |l| l.to_string()),
                            b.pmid
                        )
                    },
                );
                let mut codes: Vec<String> = claim
                    .all_findings()
                    .map(|f| {
                        let level = if f.counts() {
                            f.level.as_str()
                        } else {
                            "waived"
                        };
                        format!("{level}:{}", f.code)
                    })
                    .collect();
                // One entry per level and code, however many citations raised it.
                let mut seen = std::collections::BTreeSet::new();
                codes.retain(|code| seen.insert(code.clone()));
                let mut cell = wrap(&claim.text, TEXT_WIDTH);
                if !codes.is_empty() {
                    cell.push('\n');
                    cell.push_str(&wrap(&format!("findings: {}", codes.join(" ")), TEXT_WIDTH));
                }
                if let Some(note) = &claim.note {
                    cell.push('\n');
                    cell.push_str(&wrap(&format!("note: {note}"), TEXT_WIDTH));
                }
                if let Some(place) = claim.page_line() {
                    cell.push('\n');
                    cell.push_str(&place);
                }
                vec![
                    claim.id.clone(),
                    claim.kind.as_str().to_owned(),
                    claim.verdict.as_str().to_owned(),
                    best,
                    cell,
                ]
            })
            .collect();
        out.push_str(&aligned(
            &["CLAIM", "KIND", "VERDICT", "BEST EVIDENCE", "WORDING"],
            &rows,
        ));
        let details: Vec<String> = report
            .claims
            .iter()
            .flat_map(|claim| {
                claim.all_findings().map(move |f| {
                    let waiver = f
                        .waiver
                        .as_ref()
                        .map(|w| format!(" ({})", w.describe()))
                        .unwrap_or_default();
                    format!(
                        "  {}:{}: {} [{}] {}: {}{waiver}",
                        report.claims_file,
                        f.line,
                        f.level.as_str(),
                        f.code,
                        claim.id,
                        f.message
                    )
                })
            })
            .collect();
        if !details.is_empty() {
            out.push_str("\nFindings:\n");
            for line in details {
                out.push_str(&line);
                out.push('\n');
            }
        }
        if let Some(page) = &report.page {
            out.push_str("\nPage wording (outside the claims):\n");
            file_findings(&mut out, page);
        }
        let verdicts: Vec<String> = report
            .summary
            .verdicts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(v, n)| format!("{n} {}", v.as_str()))
            .collect();
        for w in &report.waivers {
            if let Some(status) = w.attention() {
                out.push_str(&format!(
                    "\nwarning: {}:{}: the waiver of {} on {} {status}",
                    report.claims_file, w.waiver.line, w.waiver.code, w.waiver.claim
                ));
            }
        }
        for o in &report.overrides {
            let kind = if o.applied { "note" } else { "warning" };
            out.push_str(&format!("\n{kind}: policy: {}", o.describe()));
        }
        let counts = report.summary.findings;
        let waived = counts.waived;
        out.push_str(&format!(
            "\n{}: {}. Findings: {} deny, {} warn{}.\n",
            count(report.summary.claims, "claim", "claims"),
            verdicts.join(", "),
            counts.deny,
            counts.warn,
            if waived > 0 {
                format!(", {waived} waived")
            } else {
                String::new()
            },
        ));
        if let Some(counts) = &report.summary.page_findings {
            out.push_str(&format!("Page wording: {}.\n", counted(counts)));
        }
        out
    }
}
