//! `claimaudit rules`: the wording rules in force, with their levels, jurisdictions,
//! classes and legal basis.

use std::fmt::Write as _;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use claimaudit::exit::Exit;
use claimaudit::lint::rules::{Check, LegalBasis, Rule};
use claimaudit::lint::{Jurisdiction, ProductClass};
use claimaudit::policy::Level;
use claimaudit::report::records::RecordFormat;
use claimaudit::report::text_table::aligned;

use super::gate::RulesFileArg;
use super::{record_format, write_stdout};

#[derive(Debug, Args)]
pub(super) struct RulesArgs {
    /// Output format.
    #[arg(long, default_value = "table", value_parser = record_format())]
    format: RecordFormat,

    #[command(flatten)]
    rules: RulesFileArg,
}

/// A rule as `rules --format json` writes it.
#[derive(Serialize)]
struct Listed<'r> {
    code: &'r str,
    name: &'r str,
    kind: &'static str,
    level: Level,
    level_by_class: Vec<(ProductClass, Level)>,
    jurisdictions: &'r [Jurisdiction],
    classes: &'r [ProductClass],
    explanation: &'r str,
    suggestion: &'r str,
    basis: &'r [LegalBasis],
    origin: &'r str,
}

fn listed(rule: &Rule) -> Listed<'_> {
    Listed {
        code: &rule.code,
        name: &rule.name,
        kind: match rule.check {
            Check::Phrase { .. } => "wording",
            Check::Disclosure { .. } => "disclosure",
            Check::Model => "model",
        },
        level: rule.levels.default,
        level_by_class: rule.levels.by_class.clone(),
        jurisdictions: &rule.jurisdictions,
        classes: &rule.classes,
        explanation: &rule.explanation,
        suggestion: &rule.suggestion,
        basis: &rule.basis,
        origin: &rule.origin,
    }
}

pub(super) fn run(args: &RulesArgs) -> Result<Exit> {
    let rules = args.rules.rules()?;
    let text = match args.format {
        RecordFormat::Json => {
            let list: Vec<Listed<'_>> = rules.rules().iter().map(listed).collect();
            let mut text = serde_json::to_string_pretty(&list)?;
            text.push('\n');
            text
        }
        RecordFormat::Table => {
            let rows: Vec<Vec<String>> = rules
                .rules()
                .iter()
                .map(|rule| {
                    let mut level = rule.levels.default.as_str().to_owned();
                    for (class, by_class) in &rule.levels.by_class {
                        let _ = write!(level, ", {}: {}", class.as_str(), by_class.as_str());
                    }
                    let places: Vec<&str> = rule.jurisdictions.iter().map(|j| j.as_str()).collect();
                    let classes: Vec<&str> = rule.classes.iter().map(|c| c.as_str()).collect();
                    vec![
                        rule.code.clone(),
                        level,
                        places.join(","),
                        if classes.is_empty() {
                            "all".into()
                        } else {
                            classes.join(",")
                        },
                        rule.name.clone(),
                    ]
                })
                .collect();
            aligned(&["CODE", "LEVEL", "WHERE", "PRODUCTS", "RULE"], &rows)
        }
    };
    write_stdout(&text)?;
    Ok(Exit::Clean)
}
