//! The lint report as `claimaudit/lint/v1` JSON (see `lint-v1.schema.json`).

use super::{LintFormatter, LintReport};

pub struct LintJson;

impl LintFormatter for LintJson {
    fn render(&self, report: &LintReport) -> String {
        let mut out =
            serde_json::to_string_pretty(report).expect("the lint report always serializes");
        out.push('\n');
        out
    }
}
