//! JUnit XML: one test case per claim; deny-level findings (not waived) are the
//! failures, a claim that could not be checked is skipped. The page the claims were
//! drafted from, if any, is a second suite, as `claimaudit lint` reports a file.

use std::fmt::Write as _;

use super::escape::xml as escape_xml;
use super::lint::junit::{file_suite, suite_counts};
use super::{ClaimReport, Formatter, Report};
use crate::judge::Verdict;
use crate::policy::Level;

pub struct JunitFormatter;

fn failed(claim: &ClaimReport) -> bool {
    claim
        .all_findings()
        .any(|f| f.effective_level() == Level::Deny)
}

impl Formatter for JunitFormatter {
    fn render(&self, report: &Report) -> String {
        let tests = report.claims.len();
        let failures = report.claims.iter().filter(|c| failed(c)).count();
        let skipped = report
            .claims
            .iter()
            .filter(|c| !failed(c) && c.verdict == Verdict::NotChecked)
            .count();
        let file = escape_xml(&report.claims_file);
        // The page the claims were drafted from is a suite of its own, as `lint` has it.
        let (page_tests, page_failures) = report.page.as_ref().map_or((0, 0), suite_counts);
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"claimaudit\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{skipped}\">",
            tests + page_tests,
            failures + page_failures
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{file}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
        );
        // Whoever reads only the test report learns what the audit rests on, and that
        // the gate was moved.
        out.push_str("    <properties>\n");
        let _ = writeln!(
            out,
            "      <property name=\"claimaudit.provenance\" value=\"{}\"/>",
            escape_xml(&report.provenance.summary())
        );
        if let Some(warning) = report.provenance.stale_warning() {
            let _ = writeln!(
                out,
                "      <property name=\"claimaudit.warning\" value=\"{}\"/>",
                escape_xml(&warning)
            );
        }
        for change in &report.overrides {
            let _ = writeln!(
                out,
                "      <property name=\"claimaudit.policy.{}\" value=\"{}\"/>",
                change.code,
                escape_xml(&change.describe())
            );
        }
        out.push_str("    </properties>\n");
        for claim in &report.claims {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"claimaudit.{}\" file=\"{file}\" line=\"{}\">",
                escape_xml(&claim.id),
                claim.kind.as_str(),
                claim.line
            );
            if failed(claim) {
                let denied: Vec<_> = claim
                    .all_findings()
                    .filter(|f| f.effective_level() == Level::Deny)
                    .collect();
                let body: Vec<String> = denied
                    .iter()
                    .map(|f| format!("line {}: [{}] {}", f.line, f.code, f.message))
                    .collect();
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}: {}\" type=\"{}\">{}</failure>",
                    claim.verdict.as_str(),
                    escape_xml(&claim.explanation),
                    denied[0].code,
                    escape_xml(&body.join("\n"))
                );
            } else if claim.verdict == Verdict::NotChecked {
                let _ = writeln!(
                    out,
                    "      <skipped message=\"not checked: {}\"/>",
                    escape_xml(&claim.explanation)
                );
            }
            let mut details = format!(
                "{} claim: {}\nverdict: {} ({})",
                claim.kind.as_str(),
                claim.text,
                claim.verdict.as_str(),
                claim.explanation
            );
            if let Some(note) = &claim.note {
                let _ = write!(details, "\nnote: {note}");
            }
            if let Some(place) = claim.page_line() {
                let _ = write!(details, "\ndrafted from {place}");
            }
            for finding in claim
                .all_findings()
                .filter(|f| f.effective_level() != Level::Deny)
            {
                let _ = write!(
                    details,
                    "\nline {}: {} [{}] {}",
                    finding.line,
                    finding.level.as_str(),
                    finding.code,
                    finding.message
                );
                if let Some(waiver) = &finding.waiver {
                    let _ = write!(details, " ({})", waiver.describe());
                }
            }
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape_xml(&details)
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
        if let Some(page) = &report.page {
            file_suite(&mut out, page);
        }
        out.push_str("</testsuites>\n");
        out
    }
}
