//! The lint report as JUnit XML: one test suite per file, one test case per finding
//! (failed when it denies), and one passing case for a file without findings.

use std::fmt::Write as _;

use super::super::escape::xml as escape;
use super::{LintFormatter, LintReport, LintedFile};
use crate::policy::Level;

pub struct LintJunit;

/// How many test cases `file`'s suite holds (a file without findings passes one), and
/// how many of them fail.
pub(crate) fn suite_counts(file: &LintedFile) -> (usize, usize) {
    let denied = file
        .findings
        .iter()
        .filter(|f| f.level == Level::Deny)
        .count();
    (file.findings.len().max(1), denied)
}

/// The test suite of one file: a test case per finding, failed when it denies. `check`
/// reports the page it drafted its claims from the same way.
pub(crate) fn file_suite(out: &mut String, file: &LintedFile) {
    let path = escape(&file.path);
    let (tests, denied) = suite_counts(file);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{denied}\" errors=\"0\">"
    );
    if file.findings.is_empty() {
        let _ = writeln!(
            out,
            "    <testcase name=\"wording\" classname=\"claimaudit.lint\" file=\"{path}\"/>"
        );
    }
    for f in &file.findings {
        let _ = writeln!(
            out,
            "    <testcase name=\"{}:{} {}\" classname=\"claimaudit.lint.{}\" file=\"{path}\" line=\"{}\">",
            f.line, f.column, f.code, f.code, f.line
        );
        let detail = format!(
            "{}: “{}”\n{}\nInstead: {}",
            f.rule.name,
            f.phrase.trim(),
            f.message,
            f.rule.suggestion
        );
        if f.level == Level::Deny {
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&f.rule.name),
                f.code,
                escape(&detail)
            );
        } else {
            let _ = writeln!(
                out,
                "      <system-out>{}: {}</system-out>",
                f.level.as_str(),
                escape(&detail)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
}

impl LintFormatter for LintJunit {
    fn render(&self, report: &LintReport) -> String {
        let total: usize = report.files.iter().map(|f| suite_counts(f).0).sum();
        let failures = report.summary.findings.deny;
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"claimaudit lint\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">"
        );
        for file in &report.files {
            file_suite(&mut out, file);
        }
        out.push_str("</testsuites>\n");
        out
    }
}
