//! The lint report for a terminal: each finding as `file:line:column`, its level and
//! rule, the phrase and what to write instead; then the counts.

use std::fmt::Write as _;

use super::{LintFormatter, LintReport};

pub struct LintTable;

impl LintFormatter for LintTable {
    fn render(&self, report: &LintReport) -> String {
        let mut out = String::new();
        for file in &report.files {
            let _ = writeln!(
                out,
                "{}  [{}; product: {}]",
                file.path,
                file.format.as_str(),
                file.class.describe()
            );
            if file.findings.is_empty() {
                out.push_str("  no findings\n");
            }
            for f in &file.findings {
                let _ = writeln!(
                    out,
                    "  {}:{}:{}: {} [{}] {}",
                    file.path,
                    f.line,
                    f.column,
                    f.level.as_str(),
                    f.code,
                    f.rule.name
                );
                if f.is_missing_disclosure() {
                    let _ = writeln!(out, "      missing: {}", f.rule.explanation);
                    if !f.phrase.is_empty() {
                        let _ = writeln!(
                            out,
                            "      needed because of “{}”  in: {}",
                            f.phrase.trim(),
                            f.context
                        );
                    }
                } else {
                    let _ = writeln!(out, "      “{}”  in: {}", f.phrase.trim(), f.context);
                    if !f.cues.is_empty() {
                        let _ = writeln!(out, "      weighed most: {}", f.cues.join(", "));
                    }
                }
                let _ = writeln!(out, "      instead: {}", f.rule.suggestion);
            }
        }
        for change in &report.overrides {
            let _ = writeln!(out, "policy: {}", change.describe());
        }
        let counts = &report.summary.findings;
        let _ = writeln!(
            out,
            "{}: {}: {} deny, {} warn, {} allow.",
            crate::text::count(report.summary.files, "file", "files"),
            crate::text::count(
                counts.deny + counts.warn + counts.allow,
                "finding",
                "findings"
            ),
            counts.deny,
            counts.warn,
            counts.allow
        );
        out
    }
}
