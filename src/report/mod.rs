//! The audit report (`claimaudit/report/v1`): what `check` found, as one value every
//! output format renders. Each format is one module implementing [`Formatter`].

pub mod json;
pub mod table;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::claims::{ClaimsFile, Product};
use crate::exit::Exit;
use crate::policy::Level;
use crate::resolve::Resolution;
use crate::verdict::{ClaimReport, Verdict, judge};

pub const REPORT_SCHEMA: &str = "claimaudit/report/v1";

/// The JSON Schema of [`REPORT_SCHEMA`], shipped with the tool.
pub const REPORT_JSON_SCHEMA: &str = include_str!("report-v1.schema.json");

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub claims: usize,
    /// Claims per verdict; every verdict is listed, zero or not.
    pub verdicts: BTreeMap<&'static str, usize>,
    /// Findings per level; every level is listed.
    pub findings: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    /// When the report was made (RFC 3339, UTC).
    pub generated_at: String,
    pub claims_file: String,
    pub product: Product,
    /// Whether NCBI was out of bounds for this run (`--offline`, or no contact address).
    pub offline: bool,
    pub summary: Summary,
    pub exit_code: u8,
    pub claims: Vec<ClaimReport>,
}

impl Report {
    /// Judges every claim of `file`; `resolutions` holds one entry per distinct
    /// citation text and keyword set, looked up by `resolution_of`.
    pub fn build<'r>(
        file: &ClaimsFile,
        resolution_of: impl Fn(&str, &[String]) -> &'r Resolution,
        policy: &crate::policy::Policy,
        offline: bool,
        generated_at: String,
    ) -> Report {
        let claims: Vec<ClaimReport> = file
            .claims
            .iter()
            .map(|claim| {
                let resolutions: Vec<&Resolution> = claim
                    .citations
                    .iter()
                    .map(|c| resolution_of(&c.text, &claim.keywords))
                    .collect();
                judge(claim, &file.product, &resolutions, policy)
            })
            .collect();
        let mut verdicts: BTreeMap<&'static str, usize> =
            Verdict::ALL.iter().map(|v| (v.as_str(), 0)).collect();
        let mut findings: BTreeMap<&'static str, usize> = [Level::Deny, Level::Warn, Level::Allow]
            .iter()
            .map(|l| (l.as_str(), 0))
            .collect();
        for claim in &claims {
            *verdicts.entry(claim.verdict.as_str()).or_default() += 1;
            for finding in claim.all_findings() {
                *findings.entry(finding.level.as_str()).or_default() += 1;
            }
        }
        let exit = exit_for(&claims);
        Report {
            schema: REPORT_SCHEMA,
            tool: Tool {
                name: "claimaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            generated_at,
            claims_file: display_path(&file.path),
            product: file.product.clone(),
            offline,
            summary: Summary {
                claims: claims.len(),
                verdicts,
                findings,
            },
            exit_code: exit as u8,
            claims,
        }
    }

    pub fn exit(&self) -> Exit {
        exit_for(&self.claims)
    }
}

/// 2 when anything is denied; otherwise 4 when a claim could not be checked; else 0.
fn exit_for(claims: &[ClaimReport]) -> Exit {
    if claims
        .iter()
        .flat_map(|c| c.all_findings())
        .any(|f| f.level == Level::Deny)
    {
        Exit::Denied
    } else if claims.iter().any(|c| c.verdict == Verdict::NotChecked) {
        Exit::NotChecked
    } else {
        Exit::Clean
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

/// One output format of the report.
pub trait Formatter {
    fn render(&self, report: &Report) -> String;
}

/// Report formats, chosen with `--format` or by an `--output` file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for a terminal.
    Table,
    /// `claimaudit/report/v1` JSON.
    Json,
}

impl ReportFormat {
    pub fn formatter(self) -> Box<dyn Formatter> {
        match self {
            ReportFormat::Table => Box::new(table::TableFormatter),
            ReportFormat::Json => Box::new(json::JsonFormatter),
        }
    }

    /// The format an output file's name asks for; `None` when the extension is unknown.
    pub fn for_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(ReportFormat::Json),
            "txt" | "text" | "table" => Some(ReportFormat::Table),
            _ => None,
        }
    }
}
