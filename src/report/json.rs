//! The report as `claimaudit/report/v1` JSON (see `report-v1.schema.json`).

use super::{Formatter, Report};

pub struct JsonFormatter;

impl Formatter for JsonFormatter {
    fn render(&self, report: &Report) -> String {
        let mut out = serde_json::to_string_pretty(report).expect("reports always serialize");
        out.push('\n');
        out
    }
}
