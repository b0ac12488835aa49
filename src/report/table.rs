//! The report as a table for a terminal: one row per claim, then what to fix.

use super::text_table::{aligned, truncate};
use super::{Formatter, Report};

pub struct TableFormatter;

/// Claim wording is cut to this many columns in the table.
const TEXT_WIDTH: usize = 36;

impl Formatter for TableFormatter {
    fn render(&self, report: &Report) -> String {
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
                vec![
                    claim.id.clone(),
                    claim.kind.as_str().to_owned(),
                    claim.verdict.as_str().to_owned(),
                    best,
                    if codes.is_empty() {
                        "-".into()
                    } else {
                        codes.join(" ")
                    },
                    truncate(&claim.text, TEXT_WIDTH),
                ]
            })
            .collect();
        let mut out = aligned(
            &[
                "CLAIM",
                "KIND",
                "VERDICT",
                "BEST EVIDENCE",
                "FINDINGS",
                "TEXT",
            ],
            &rows,
        );
        let details: Vec<String> = report
            .claims
            .iter()
            .flat_map(|claim| {
                claim.all_findings().map(move |f| {
                    let waiver = match &f.waiver {
                        Some(w) if f.counts() => format!(" (waiver expired {})", w.expires),
                        Some(w) => format!(
                            " (waived until {} by {}: {})",
                            w.expires, w.approved_by, w.reason
                        ),
                        None => String::new(),
                    };
                    format!(
                        "  {}:{}: {} [{}] {}: {}{waiver}",
                        report.claims_file,
                        claim.line,
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
            "\n{} claims: {}. Findings: {} deny, {} warn{}.\n",
            report.summary.claims,
            verdicts.join(", "),
            counts.deny,
            counts.warn,
            if waived > 0 {
                format!(", {waived} waived")
            } else {
                String::new()
            },
        ));
        out
    }
}
