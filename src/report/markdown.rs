//! Markdown for a pull-request comment: the counts, then one table per verdict.

use std::fmt::Write as _;

use super::escape::markdown_cell as cell;
use super::{Formatter, Report};
use crate::judge::Verdict;

pub struct MarkdownFormatter;

impl Formatter for MarkdownFormatter {
    fn render(&self, report: &Report) -> String {
        let mut out = format!("# claimaudit: `{}`\n\n", report.claims_file);
        let _ = writeln!(
            out,
            "Product: {} · generated {} · claimaudit {}{}\n",
            cell(&report.product.name),
            report.generated_at,
            report.tool.version,
            if report.offline {
                " · offline (cache only)"
            } else {
                ""
            }
        );
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
                    .all_findings()
                    .map(|f| {
                        let waived = if f.counts() { "" } else { " (waived)" };
                        format!("`{}` {}{waived}", f.code, f.level.as_str())
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "| `{}` (line {}) | {} | {} | {} | {} |",
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
