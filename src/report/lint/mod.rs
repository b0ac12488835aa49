//! The wording lint's report (`claimaudit lint`): every file linted, with its findings
//! at the exact phrase, as one value each output format renders, in the same formats as
//! `check` (one module per format).

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use serde::{Serialize, Serializer};

use super::{FindingCounts, ReportFormat, Tool};
use crate::exit::Exit;
use crate::findings::Code;
use crate::lint::extract::SourceFormat;
use crate::lint::{Jurisdiction, ProductClass, Rule};
use crate::policy::{Level, Override};

pub const LINT_SCHEMA: &str = "claimaudit/lint/v1";

/// The JSON Schema of [`LINT_SCHEMA`], shipped with the tool.
pub const LINT_JSON_SCHEMA: &str = include_str!("lint-v1.schema.json");

/// How the product class of a page was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassChoice {
    /// `--class` said so.
    Given(ProductClass),
    /// The page's own words said so ("当院" on a clinic page).
    Detected { class: ProductClass, word: String },
    /// Nothing said: only the rules for every product apply.
    Unknown,
}

impl ClassChoice {
    pub fn class(&self) -> Option<ProductClass> {
        match self {
            ClassChoice::Given(class) | ClassChoice::Detected { class, .. } => Some(*class),
            ClassChoice::Unknown => None,
        }
    }

    /// "clinic (from 「当院」)", for people.
    pub fn describe(&self) -> String {
        match self {
            ClassChoice::Given(class) => format!("{} (--class)", class.as_str()),
            ClassChoice::Detected { class, word } => {
                format!("{} (detected from “{word}”)", class.as_str())
            }
            ClassChoice::Unknown => {
                "unknown (only rules for every product applied; give --class)".into()
            }
        }
    }
}

impl Serialize for ClassChoice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Choice<'a> {
            class: Option<ProductClass>,
            how: &'a str,
            word: Option<&'a str>,
        }
        let (how, word) = match self {
            ClassChoice::Given(_) => ("given", None),
            ClassChoice::Detected { word, .. } => ("detected", Some(word.as_str())),
            ClassChoice::Unknown => ("unknown", None),
        };
        Choice {
            class: self.class(),
            how,
            word,
        }
        .serialize(serializer)
    }
}

/// One finding in a file: the rule, its level, and the phrase with its place (lines and
/// columns 1-based, columns in characters, the end exclusive). A missing disclosure is
/// placed at the wording that made it needed, or at the start of the file.
#[derive(Debug, Clone, Serialize)]
pub struct LintFinding {
    pub code: Code,
    pub level: Level,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The phrase as written in the file (markup included); empty for a disclosure that
    /// every page of its class needs.
    pub phrase: String,
    /// The line the phrase is on, shortened around it, to read the phrase in context.
    pub context: String,
    pub message: String,
    /// For the wording model's finding, the words that weighed most (「改善」, ‘cures’).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
    #[serde(serialize_with = "crate::policy::rule_summary")]
    pub rule: &'static Rule,
}

impl LintFinding {
    /// Whether the finding is a missing disclosure rather than wording found.
    pub fn is_missing_disclosure(&self) -> bool {
        self.rule.is_disclosure()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LintedFile {
    pub path: String,
    pub format: SourceFormat,
    pub class: ClassChoice,
    pub findings: Vec<LintFinding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintSummary {
    pub files: usize,
    pub findings: FindingCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    pub schema: &'static str,
    pub tool: Tool,
    pub generated_at: String,
    /// The jurisdictions whose rules applied; every one when empty.
    pub jurisdictions: Vec<Jurisdiction>,
    pub summary: LintSummary,
    pub exit_code: u8,
    pub files: Vec<LintedFile>,
    /// Every change of a finding's level, from a policy file or the command line.
    pub overrides: Vec<Override>,
}

impl LintReport {
    pub fn assemble(
        tool: Tool,
        generated_at: String,
        jurisdictions: Vec<Jurisdiction>,
        files: Vec<LintedFile>,
        overrides: Vec<Override>,
    ) -> Self {
        let findings =
            FindingCounts::of_levels(files.iter().flat_map(|f| &f.findings).map(|f| f.level));
        let exit = if findings.deny > 0 {
            Exit::Denied
        } else {
            Exit::Clean
        };
        LintReport {
            schema: LINT_SCHEMA,
            tool,
            generated_at,
            jurisdictions,
            summary: LintSummary {
                files: files.len(),
                findings,
            },
            exit_code: exit.code(),
            files,
            overrides,
        }
    }

    /// 2 when any finding is at deny level, else 0.
    pub fn exit(&self) -> Exit {
        if self.summary.findings.deny > 0 {
            Exit::Denied
        } else {
            Exit::Clean
        }
    }

    /// Every finding with its file, in file order.
    pub fn findings(&self) -> impl Iterator<Item = (&LintedFile, &LintFinding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |f| (file, f)))
    }

    /// The wording rules that raised a finding, each once, in code order.
    pub fn rules_raised(&self) -> Vec<&'static Rule> {
        rules_of(self.findings().map(|(_, f)| f))
    }
}

/// The wording rules behind `findings`, each once, in code order.
pub fn rules_of<'a>(findings: impl Iterator<Item = &'a LintFinding>) -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = findings.map(|f| f.rule).collect();
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    rules.dedup_by(|a, b| a.code == b.code);
    rules
}

/// One output format of the lint report.
pub trait LintFormatter {
    fn render(&self, report: &LintReport) -> String;
}

impl ReportFormat {
    /// What the format holds for a lint run, for `claimaudit lint --help`.
    pub fn lint_description(self) -> &'static str {
        match self {
            ReportFormat::Table => {
                "each finding with file:line:column, the phrase in its line and a safer wording"
            }
            ReportFormat::Json => "claimaudit/lint/v1 JSON (src/report/lint/lint-v1.schema.json)",
            ReportFormat::Sarif => {
                "SARIF 2.1.0: one result per finding, its region the exact phrase"
            }
            ReportFormat::Junit => "JUnit XML: one test suite per file, one test case per finding",
            ReportFormat::Markdown => "Markdown, for a pull-request comment",
            ReportFormat::Html => {
                "one self-contained HTML page with each phrase marked in its line"
            }
            ReportFormat::Csv => "CSV: one row per finding",
        }
    }

    /// The lint report's formatter for this format.
    pub fn lint_formatter(self) -> Box<dyn LintFormatter> {
        match self {
            ReportFormat::Table => Box::new(table::LintTable),
            ReportFormat::Json => Box::new(json::LintJson),
            ReportFormat::Sarif => Box::new(sarif::LintSarif),
            ReportFormat::Junit => Box::new(junit::LintJunit),
            ReportFormat::Markdown => Box::new(markdown::LintMarkdown),
            ReportFormat::Html => Box::new(html::LintHtml),
            ReportFormat::Csv => Box::new(csv::LintCsv),
        }
    }
}

/// The line of `source` holding bytes `start..end`, cut to about `WIDTH` characters
/// around them, with "…" where it was cut.
pub fn context(source: &str, start: usize, end: usize) -> String {
    const WIDTH: usize = 120;
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
    let before: Vec<char> = source[line_start..start].chars().collect();
    let phrase = &source[start..end];
    let after: Vec<char> = source[end..line_end].trim_end().chars().collect();
    let room = WIDTH.saturating_sub(phrase.chars().count()) / 2;
    let (cut_before, before) = if before.len() > room {
        (true, &before[before.len() - room..])
    } else {
        (false, &before[..])
    };
    let (cut_after, after) = if after.len() > room {
        (true, &after[..room])
    } else {
        (false, &after[..])
    };
    format!(
        "{}{}{phrase}{}{}",
        if cut_before { "…" } else { "" },
        before.iter().collect::<String>().trim_start(),
        after.iter().collect::<String>(),
        if cut_after { "…" } else { "" }
    )
}
