//! SARIF 2.1.0: one rule per finding code, one result per finding, located at the
//! claim's (or the citation's) line and column in the claims file, so a code host
//! annotates the exact line. Waived findings carry an accepted suppression; level
//! changes from the policy are the invocation's rule configuration overrides, and
//! refused ones its notifications. The page the claims were drafted from, if any, is a
//! second artifact, its wording findings located at their phrases in it.

use serde_json::{Value, json};

use super::lint::sarif::finding_result;
use super::{Formatter, Report};
use crate::findings::Code;
use crate::policy::{Level, Override, WaiverStatus};

/// The run itself: the level changes applied (SARIF's `ruleConfigurationOverrides`) and
/// those refused (a notification each), so a reader of the SARIF file alone learns that
/// the gate was moved. `codes` is the run's rules list, in order.
pub(super) fn invocation(overrides: &[Override], codes: &[Code]) -> Value {
    let rule = |code: Code| {
        json!({
            "id": code.as_str(),
            "index": codes.iter().position(|c| *c == code).unwrap_or(0),
        })
    };
    let (applied, refused): (Vec<_>, Vec<_>) = overrides.iter().partition(|o| o.applied);
    let overrides: Vec<Value> = applied
        .iter()
        .map(|o| {
            json!({
                "descriptor": rule(o.code),
                "configuration": {
                    "level": sarif_level(o.level),
                    "properties": {"claimaudit/change": o.describe()},
                },
            })
        })
        .collect();
    let notifications: Vec<Value> = refused
        .iter()
        .map(|o| {
            json!({
                "level": "warning",
                "message": {"text": o.describe()},
                "associatedRule": rule(o.code),
            })
        })
        .collect();
    json!({
        "executionSuccessful": true,
        "ruleConfigurationOverrides": overrides,
        "toolConfigurationNotifications": notifications,
    })
}

pub struct SarifFormatter;

pub(super) fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    }
}

/// The claims file as a repository-relative URI.
pub(super) fn artifact_uri(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_owned()
}

/// A rule descriptor: what the code means and what to do; a wording rule also gives its
/// explanation and legal basis.
pub(super) fn rule_descriptor(code: Code) -> Value {
    let mut rule = json!({
        "id": code.as_str(),
        "shortDescription": {"text": code.summary()},
        "fullDescription": {"text": code.summary()},
        "help": {"text": code.help()},
        "defaultConfiguration": {"level": sarif_level(code.default_level())},
    });
    if let Some(wording) = code.rule() {
        rule["name"] = json!(wording.name);
        rule["fullDescription"] = json!({"text": wording.explanation});
        rule["properties"] = json!({
            "basis": wording.basis.iter().map(|b| format!("{}: {}", b.document, b.section)).collect::<Vec<_>>(),
            "origin": wording.origin,
        });
    }
    rule
}

/// The codes a run's rules list holds: every evidence check's, then the wording rules
/// that raised a finding or had their level changed, in code order.
fn codes_of(report: &Report) -> Vec<Code> {
    let mut wording: Vec<Code> = report
        .claims
        .iter()
        .flat_map(|c| c.all_findings())
        .map(|f| f.code)
        .chain(report.page_findings().iter().map(|f| f.code))
        .chain(report.overrides.iter().map(|o| o.code))
        .filter(|code| code.rule().is_some())
        .collect();
    wording.sort();
    wording.dedup();
    Code::ALL.iter().copied().chain(wording).collect()
}

impl Formatter for SarifFormatter {
    fn render(&self, report: &Report) -> String {
        let codes = codes_of(report);
        let rules: Vec<Value> = codes.iter().map(|&code| rule_descriptor(code)).collect();
        let uri = artifact_uri(&report.claims_file);
        let mut results = Vec::new();
        for claim in &report.claims {
            for finding in claim.all_findings() {
                let rule_index = codes.iter().position(|c| *c == finding.code).unwrap_or(0);
                let mut region = json!({"startLine": finding.line, "startColumn": finding.column});
                // Wording findings underline the phrase itself when its end is known.
                if let Some(end) = finding.wording.as_ref().and_then(|w| w.end_column) {
                    region["endColumn"] = json!(end);
                }
                let mut result = json!({
                    "ruleId": finding.code.as_str(),
                    "ruleIndex": rule_index,
                    "level": sarif_level(finding.level),
                    "message": {"text": format!("{} ({}): {}", claim.id, claim.verdict.as_str(), finding.message)},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "index": 0},
                            "region": region,
                        },
                    }],
                    "partialFingerprints": {
                        "claimaudit/claim-code/v1": format!("{}/{}", claim.id, finding.code),
                    },
                });
                if let Some(waiver) = &finding.waiver {
                    result["properties"] = json!({"claimaudit/waiver": waiver.describe()});
                    if waiver.status == WaiverStatus::Applied {
                        result["suppressions"] = json!([{
                            "kind": "external",
                            "status": "accepted",
                            "justification": waiver.describe(),
                        }]);
                    }
                }
                results.push(result);
            }
        }
        // The page the claims were drafted from is the run's second artifact, its wording
        // findings located in it as `lint` locates them.
        let mut artifacts = vec![json!({"location": {"uri": uri}})];
        if let Some(page) = &report.page {
            artifacts.push(json!({"location": {"uri": artifact_uri(&page.path)}}));
            results.extend(
                page.findings
                    .iter()
                    .map(|f| finding_result(page, 1, f, &codes)),
            );
        }
        let mut invocation = invocation(&report.overrides, &codes);
        invocation["properties"] = json!({"claimaudit/provenance": report.provenance});
        if let Some(warning) = report.provenance.stale_warning() {
            invocation["toolExecutionNotifications"] =
                json!([{"level": "warning", "message": {"text": warning}}]);
        }
        log(
            report.tool.version,
            rules,
            json!(artifacts),
            invocation,
            results,
        )
    }
}

/// The SARIF 2.1.0 log of one run of claimaudit, pretty-printed: `check` and `lint` differ
/// only in what goes into it.
pub(super) fn log(
    version: &str,
    rules: Vec<Value>,
    artifacts: Value,
    invocation: Value,
    results: Vec<Value>,
) -> String {
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "claimaudit",
                "version": version,
                "rules": rules,
            }},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&sarif).expect("SARIF always serializes");
    out.push('\n');
    out
}
