//! CSV for spreadsheets: one row per claim and citation (a claim without citations
//! has one row with the citation columns empty); then, for a run that drafted its claims
//! from a page, one row per wording finding of the page, in the same columns.

use super::escape::csv_field as field;
use super::{Formatter, PageSection, Report};
use crate::policy::AppliedFinding;

pub struct CsvFormatter;

const HEADER: [&str; 21] = [
    "claim_id",
    "claim_kind",
    "claim_line",
    "verdict",
    "claim_text",
    "claim_note",
    "citation",
    "citation_line",
    "status",
    "pmid",
    "title",
    "year",
    "journal",
    "design",
    "level",
    "population",
    "flags",
    "confirmed_at",
    "findings",
    "waivers",
    "explanation",
];

/// "deny:uncited-claim@26": level, code and the finding's line in the claims file, with
/// "(waived)" while a waiver applies.
fn finding_label(finding: &AppliedFinding) -> String {
    let waived = if finding.counts() { "" } else { "(waived)" };
    format!(
        "{}:{}@{}{waived}",
        finding.level.as_str(),
        finding.code,
        finding.line
    )
}

/// What `claim_kind` says on the rows of the page's own wording findings, whose claim id
/// is empty: they belong to no claim.
pub const PAGE_SCOPE: &str = "page";

/// One row per wording finding of the page the claims were drafted from, in the claims'
/// columns: no claim id, `page` as the kind, the page line, the phrase (or the missing
/// disclosure) as the text, where it stands on the page as the note, the finding as
/// `level:code@line`, and the rule's message and safer wording as the explanation.
fn page_rows(page: &PageSection) -> Vec<Vec<String>> {
    let column = |name: &str| {
        HEADER
            .iter()
            .position(|h| *h == name)
            .expect("a column of HEADER")
    };
    page.findings
        .iter()
        .map(|f| {
            let mut row = vec![String::new(); HEADER.len()];
            row[column("claim_kind")] = PAGE_SCOPE.to_owned();
            row[column("claim_line")] = f.line.to_string();
            row[column("claim_text")] = if f.is_missing_disclosure() {
                format!("(missing) {}", f.rule.name)
            } else {
                f.phrase.trim().to_owned()
            };
            row[column("claim_note")] =
                format!("{}:{}:{}: {}", page.path, f.line, f.column, f.context);
            row[column("findings")] = format!("{}:{}@{}", f.level.as_str(), f.code, f.line);
            row[column("explanation")] = format!("{} Instead: {}", f.message, f.rule.suggestion);
            row
        })
        .collect()
}

fn push_row(out: &mut String, cells: impl Iterator<Item = impl AsRef<str>>) {
    let line: Vec<String> = cells.map(|c| field(c.as_ref())).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// "uncited-claim: waived until … (approved by …): reason", for each waived finding.
fn waiver_label(finding: &AppliedFinding) -> Option<String> {
    let waiver = finding.waiver.as_ref()?;
    Some(format!("{}: {}", finding.code, waiver.describe()))
}

impl Formatter for CsvFormatter {
    fn render(&self, report: &Report) -> String {
        let mut out = HEADER.join(",");
        out.push_str("\r\n");
        for claim in &report.claims {
            let claim_findings: Vec<String> = claim.findings.iter().map(finding_label).collect();
            let claim_waivers: Vec<String> =
                claim.findings.iter().filter_map(waiver_label).collect();
            let base = [
                claim.id.clone(),
                claim.kind.as_str().to_owned(),
                claim.line.to_string(),
                claim.verdict.as_str().to_owned(),
                claim.text.clone(),
                claim.note.clone().unwrap_or_default(),
            ];
            let mut rows: Vec<Vec<String>> = Vec::new();
            for citation in &claim.citations {
                let evidence = citation.evidence.as_ref();
                let findings: Vec<String> = claim_findings
                    .iter()
                    .cloned()
                    .chain(citation.findings.iter().map(finding_label))
                    .collect();
                let waivers: Vec<String> = claim_waivers
                    .iter()
                    .cloned()
                    .chain(citation.findings.iter().filter_map(waiver_label))
                    .collect();
                rows.push(vec![
                    citation.input.clone(),
                    citation.line.to_string(),
                    citation.status.as_str().to_owned(),
                    citation.pmid.map(|p| p.to_string()).unwrap_or_default(),
                    citation.title.clone().unwrap_or_default(),
                    citation.year.map(|y| y.to_string()).unwrap_or_default(),
                    citation.journal.clone().unwrap_or_default(),
                    evidence
                        .map(|e| e.design.as_str().to_owned())
                        .unwrap_or_default(),
                    evidence
                        .and_then(|e| e.level)
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                    evidence
                        .map(|e| e.population.as_str().to_owned())
                        .unwrap_or_default(),
                    citation
                        .flags
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    citation.confirmed_at.clone().unwrap_or_default(),
                    findings.join("; "),
                    waivers.join("; "),
                ]);
            }
            if rows.is_empty() {
                let mut empty = vec![String::new(); 12];
                empty.push(claim_findings.join("; "));
                empty.push(claim_waivers.join("; "));
                rows.push(empty);
            }
            for row in rows {
                push_row(
                    &mut out,
                    base.iter()
                        .chain(&row)
                        .chain(std::iter::once(&claim.explanation)),
                );
            }
        }
        for row in report.page.iter().flat_map(page_rows) {
            push_row(&mut out, row.iter());
        }
        out
    }
}
