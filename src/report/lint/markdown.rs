//! The lint report as Markdown, for a pull-request comment: the counts, then a table of
//! findings per file.

use std::fmt::Write as _;

use super::super::escape::markdown_cell as cell;
use super::{LintFormatter, LintReport, LintedFile};

pub struct LintMarkdown;

/// One file's section under `heading`: the product class its wording was judged for, then
/// a table of its findings (where, level, rule, phrase, what to write instead). `check`
/// shows the page it drafted its claims from the same way.
pub(crate) fn file_section(out: &mut String, heading: &str, file: &LintedFile) {
    let _ = writeln!(
        out,
        "## {heading}\n\nProduct: {}\n",
        cell(&file.class.describe())
    );
    if file.findings.is_empty() {
        out.push_str("No findings.\n\n");
        return;
    }
    out.push_str("| where | level | rule | phrase | instead |\n|---|---|---|---|---|\n");
    for f in &file.findings {
        let phrase = if f.is_missing_disclosure() {
            format!("(missing) {}", f.rule.name)
        } else {
            format!("“{}”", f.phrase.trim())
        };
        let _ = writeln!(
            out,
            "| {}:{} | {} | `{}` | {} | {} |",
            f.line,
            f.column,
            f.level.as_str(),
            f.code,
            cell(&phrase),
            cell(&f.rule.suggestion)
        );
    }
    out.push('\n');
}

impl LintFormatter for LintMarkdown {
    fn render(&self, report: &LintReport) -> String {
        let counts = &report.summary.findings;
        let mut out = String::from("# claimaudit wording lint\n\n");
        let _ = writeln!(
            out,
            "{}: **{} deny**, {} warn, {} allow.\n",
            crate::text::count(report.summary.files, "file", "files"),
            counts.deny,
            counts.warn,
            counts.allow
        );
        if !report.overrides.is_empty() {
            out.push_str("Policy changes:\n\n");
            for change in &report.overrides {
                let _ = writeln!(out, "- {}", change.describe());
            }
            out.push('\n');
        }
        for file in &report.files {
            file_section(&mut out, &format!("`{}`", file.path), file);
        }
        out
    }
}
