//! The lint report for a terminal: each finding as `file:line:column`, its level and
//! rule, the phrase and what to write instead; then the counts.

use std::fmt::Write as _;

use super::{LintFormatter, LintReport, LintedFile};
use crate::report::FindingCounts;

pub struct LintTable;

/// One file's findings: a line naming the file, how it was read and the product class,
/// then each finding with its place, phrase and what to write instead. `check` shows the
/// page it drafted its claims from the same way.
pub(crate) fn file_findings(out: &mut String, file: &LintedFile) {
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

/// "3 findings: 1 deny, 2 warn, 0 allow".
pub(crate) fn counted(counts: &FindingCounts) -> String {
    format!(
        "{}: {} deny, {} warn, {} allow",
        crate::text::count(counts.total(), "finding", "findings"),
        counts.deny,
        counts.warn,
        counts.allow
    )
}

impl LintFormatter for LintTable {
    fn render(&self, report: &LintReport) -> String {
        let mut out = String::new();
        for file in &report.files {
            file_findings(&mut out, file);
        }
        for change in &report.overrides {
            let _ = writeln!(out, "policy: {}", change.describe());
        }
        let _ = writeln!(
            out,
            "{}: {}.",
            crate::text::count(report.summary.files, "file", "files"),
            counted(&report.summary.findings)
        );
        out
    }
}
