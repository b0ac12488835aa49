//! The lint report as SARIF 2.1.0: one rule per wording rule raised, one result per
//! finding with a region around the exact phrase (start and end line and column), one
//! artifact per file; level changes are the invocation's, as for `check`.

use serde_json::{Value, json};

use super::super::sarif::{artifact_uri, invocation, log, rule_descriptor, sarif_level};
use super::{LintFinding, LintFormatter, LintReport, LintedFile};
use crate::findings::Code;

pub struct LintSarif;

/// The result of finding `f` of `file`, the run's artifact number `artifact`: located at
/// the exact phrase, its rule found in `codes` (the run's rules list). `check` reports the
/// page it drafted its claims from the same way.
pub(crate) fn finding_result(
    file: &LintedFile,
    artifact: usize,
    f: &LintFinding,
    codes: &[Code],
) -> Value {
    let text = if f.is_missing_disclosure() {
        format!("{}: {}", f.rule.name, f.message)
    } else {
        format!("“{}”: {}", f.phrase.trim(), f.message)
    };
    json!({
        "ruleId": f.code.as_str(),
        "ruleIndex": codes.iter().position(|c| *c == f.code).unwrap_or(0),
        "level": sarif_level(f.level),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(&file.path), "index": artifact},
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column,
                },
            },
        }],
        "partialFingerprints": {
            "claimaudit/lint/v1": format!("{}/{}/{}", file.path, f.code, f.phrase.trim()),
        },
    })
}

impl LintFormatter for LintSarif {
    fn render(&self, report: &LintReport) -> String {
        let mut codes: Vec<Code> = report
            .findings()
            .map(|(_, f)| f.code)
            .chain(report.overrides.iter().map(|o| o.code))
            .collect();
        codes.sort();
        codes.dedup();
        let rules: Vec<Value> = codes.iter().map(|&code| rule_descriptor(code)).collect();
        let artifacts: Vec<Value> = report
            .files
            .iter()
            .map(|f| json!({"location": {"uri": artifact_uri(&f.path)}}))
            .collect();
        let results: Vec<Value> = report
            .files
            .iter()
            .enumerate()
            .flat_map(|(index, file)| {
                let codes = &codes;
                file.findings
                    .iter()
                    .map(move |f| finding_result(file, index, f, codes))
            })
            .collect();
        log(
            report.tool.version,
            rules,
            json!(artifacts),
            invocation(&report.overrides, &codes),
            results,
        )
    }
}
