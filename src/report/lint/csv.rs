//! The lint report for spreadsheets: one row per finding (RFC 4180 quoting).

use super::super::escape::csv_field as field;
use super::{LintFormatter, LintReport};

pub struct LintCsv;

const HEADER: [&str; 11] = [
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "level",
    "code",
    "rule",
    "phrase",
    "suggestion",
    "basis",
];

impl LintFormatter for LintCsv {
    fn render(&self, report: &LintReport) -> String {
        let mut out = HEADER.join(",");
        out.push('\n');
        for (file, f) in report.findings() {
            let basis: Vec<String> = f
                .rule
                .basis
                .iter()
                .map(|b| format!("{}: {}", b.document, b.section))
                .collect();
            let row = [
                file.path.clone(),
                f.line.to_string(),
                f.column.to_string(),
                f.end_line.to_string(),
                f.end_column.to_string(),
                f.level.as_str().to_owned(),
                f.code.to_string(),
                f.rule.name.clone(),
                f.phrase.clone(),
                f.rule.suggestion.clone(),
                basis.join("; "),
            ];
            let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}
