//! SARIF 2.1.0: one rule per finding code, one result per finding, located at the
//! claim's (or the citation's) line and column in the claims file, so a code host
//! annotates the exact line. Waived findings carry an accepted suppression.

use serde_json::{Value, json};

use super::{Formatter, Report};
use crate::policy::{Code, Level};
use crate::verdict::WaiverStatus;

pub struct SarifFormatter;

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    }
}

/// The claims file as a repository-relative URI.
fn artifact_uri(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_owned()
}

impl Formatter for SarifFormatter {
    fn render(&self, report: &Report) -> String {
        let rules: Vec<Value> = Code::ALL
            .iter()
            .map(|code| {
                json!({
                    "id": code.as_str(),
                    "shortDescription": {"text": code.summary()},
                    "fullDescription": {"text": code.summary()},
                    "help": {"text": help_text(*code)},
                    "defaultConfiguration": {"level": sarif_level(code.default_level())},
                })
            })
            .collect();
        let uri = artifact_uri(&report.claims_file);
        let mut results = Vec::new();
        for claim in &report.claims {
            let located = std::iter::once((claim.line, claim.column, &claim.findings)).chain(
                claim
                    .citations
                    .iter()
                    .map(|c| (c.line, c.column, &c.findings)),
            );
            for (line, column, findings) in located {
                for finding in findings {
                    let rule_index = Code::ALL
                        .iter()
                        .position(|c| *c == finding.code)
                        .unwrap_or(0);
                    let mut result = json!({
                        "ruleId": finding.code.as_str(),
                        "ruleIndex": rule_index,
                        "level": sarif_level(finding.level),
                        "message": {"text": format!("{} ({}): {}", claim.id, claim.verdict.as_str(), finding.message)},
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "index": 0},
                                "region": {"startLine": line, "startColumn": column},
                            },
                        }],
                        "partialFingerprints": {
                            "claimaudit/claim-code/v1": format!("{}/{}", claim.id, finding.code),
                        },
                    });
                    if let Some(waiver) = &finding.waiver
                        && waiver.status == WaiverStatus::Applied
                    {
                        result["suppressions"] = json!([{
                            "kind": "external",
                            "status": "accepted",
                            "justification": format!(
                                "{} (approved by {}, until {})",
                                waiver.reason, waiver.approved_by, waiver.expires
                            ),
                        }]);
                    }
                    results.push(result);
                }
            }
        }
        let sarif = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "claimaudit",
                    "version": report.tool.version,
                    "rules": rules,
                }},
                "artifacts": [{"location": {"uri": uri}}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        let mut out = serde_json::to_string_pretty(&sarif).expect("SARIF always serializes");
        out.push('\n');
        out
    }
}

/// What to do about a finding, for the rule's help text.
pub fn help_text(code: Code) -> &'static str {
    match code {
        Code::UncitedClaim => {
            "Add a source that supports the claim, or reword or remove the claim."
        }
        Code::CitationNotFound => "Check the citation against PubMed; cite it by PMID or DOI.",
        Code::CitationAmbiguous => "Several papers match: cite the intended one by PMID or DOI.",
        Code::NoHumanEvidence => {
            "Efficacy and safety claims need human clinical evidence (a trial, an observational study, or a systematic review of them). Cite one, or reword the claim so it does not promise an effect in people."
        }
        Code::RetractedSource => {
            "A retracted paper supports nothing: remove it and any wording that rests on it."
        }
        Code::LookupFailed => {
            "Run again with network access (NCBI_EMAIL set) or with a filled cache."
        }
        Code::ProductMismatch => {
            "The source studies something else than the advertised product; do not present it as evidence for the product."
        }
        Code::KeywordsAbsent => {
            "The source may be about another topic: check it says what the claim says."
        }
        Code::CitationMismatch => {
            "Correct the citation's author, year or journal, or cite the paper that was meant."
        }
        Code::ExpressionOfConcern => "The journal doubts this paper: find stronger support.",
        Code::Erratum => "Read the correction and check the claim still holds.",
        Code::Preprint => {
            "Preprints are not peer reviewed: cite the published version or another source."
        }
        Code::NotEvidence => {
            "Protocols, errata and notices are not evidence: cite the study itself."
        }
    }
}
