//! What `check` and `lint` share: the wording rules in force (`--rules`), who sets the
//! finding levels (`--policy`, `--deny/--warn/--allow`), the report files (`--output`,
//! `--csv-bom`) and the report's one timestamp.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Args;

use claimaudit::claims;
use claimaudit::lint::RuleSet;
use claimaudit::policy::{CodeBook, Level, OverrideSource, Policy};
use claimaudit::report::ReportFormat;

use super::{invalid, invalid_file, write_stdout};

#[derive(Debug, Clone, Args)]
pub(super) struct GateArgs {
    /// Treat findings with this code as deny (fail the check). Repeatable.
    #[arg(long = "deny", value_name = "CODE")]
    deny: Vec<String>,

    /// Treat findings with this code as warnings. Repeatable.
    #[arg(long = "warn", value_name = "CODE")]
    warn: Vec<String>,

    /// Ignore findings with this code (they stay visible in reports). Repeatable.
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,

    /// The reviewer's policy file: `policy: {code: level}` as in a claims file, applied
    /// before --deny/--warn/--allow (and, in `check`, after the claims file's own). Unlike
    /// an audited claims file, it may lower the integrity findings.
    #[arg(long = "policy", value_name = "FILE")]
    policy_file: Option<PathBuf>,

    #[command(flatten)]
    rules: RulesFileArg,
}

/// `--rules FILE`, also taken on its own by `claimaudit rules`.
#[derive(Debug, Clone, Args)]
pub(super) struct RulesFileArg {
    /// Your own wording rules, on top of the built-in ones: a rule with a built-in code
    /// replaces it, others are added (format: `claimaudit rules --help`).
    #[arg(long = "rules", value_name = "FILE")]
    rules_file: Option<PathBuf>,
}

impl RulesFileArg {
    /// The wording rules in force: the built-in ones, with `--rules` on top.
    pub(super) fn rules(&self) -> Result<&'static RuleSet> {
        match &self.rules_file {
            None => Ok(RuleSet::builtin()),
            Some(path) => {
                RuleSet::with_file(path).map_err(|error| invalid_file("rules file", error))
            }
        }
    }
}

impl GateArgs {
    /// The wording rules in force: the built-in ones, with `--rules` on top.
    pub(super) fn rules(&self) -> Result<&'static RuleSet> {
        self.rules.rules()
    }

    /// `base` (the claims file's policy, or none), then the reviewer's policy file, then
    /// the command line's `--deny/--warn/--allow`.
    pub(super) fn policy(&self, base: &Policy, codes: CodeBook) -> Result<Policy> {
        let mut policy = base.clone();
        if let Some(path) = &self.policy_file {
            let settings = claims::load_policy_file(path, codes)
                .map_err(|error| invalid_file("policy file", error))?;
            for (code, level, line) in settings {
                policy.set(
                    code,
                    level,
                    OverrideSource::PolicyFile(path.clone()),
                    Some(line),
                );
            }
        }
        let named = [
            (&self.deny, Level::Deny),
            (&self.warn, Level::Warn),
            (&self.allow, Level::Allow),
        ];
        policy
            .override_by_name(
                named
                    .iter()
                    .flat_map(|(names, level)| names.iter().map(|name| (name.as_str(), *level))),
                &codes,
            )
            .map_err(|unknown| invalid(unknown.join("\n")))?;
        Ok(policy)
    }
}

/// Where and how `check` and `lint` write their reports.
#[derive(Debug, Clone, Args)]
pub(super) struct OutputArgs {
    /// Also write the report to FILE, in the format its name says: .json, .sarif,
    /// .xml (JUnit), .md, .html, .csv, .txt (table). Repeatable.
    #[arg(long = "output", value_name = "FILE")]
    outputs: Vec<PathBuf>,

    /// Pin the report's generation time (the one timestamp in any report) to the start
    /// of the current UTC day, so reruns give byte-identical reports; SOURCE_DATE_EPOCH,
    /// when set, pins it to that time instead.
    #[arg(long)]
    reproducible: bool,

    /// Start CSV reports with a UTF-8 byte-order mark: Excel then reads Japanese text
    /// correctly (without it, it guesses a legacy encoding and shows mojibake).
    #[arg(long)]
    csv_bom: bool,
}

impl OutputArgs {
    /// The report's one timestamp.
    pub(super) fn generated_at(&self) -> String {
        generation_time(self.reproducible)
    }

    /// Each `--output` file with its format, checked before any work is done.
    pub(super) fn targets(&self) -> Result<Vec<(PathBuf, ReportFormat)>> {
        outputs(
            &self.outputs,
            ReportFormat::for_path,
            &ReportFormat::known_extensions(),
        )
    }

    /// Writes the report to standard output in `format` and to every target, each
    /// rendered by `render`.
    pub(super) fn write(
        &self,
        format: ReportFormat,
        targets: &[(PathBuf, ReportFormat)],
        render: impl Fn(ReportFormat) -> String,
    ) -> Result<()> {
        let rendered = |format: ReportFormat| {
            let text = render(format);
            if self.csv_bom && format == ReportFormat::Csv {
                format!("\u{feff}{text}")
            } else {
                text
            }
        };
        write_stdout(&rendered(format))?;
        for (path, format) in targets {
            std::fs::write(path, rendered(*format))
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
        }
        Ok(())
    }
}

/// Each `--output` path with the format its name asks for (`for_path`), or one error
/// listing every name that says nothing known.
fn outputs<F>(
    paths: &[PathBuf],
    for_path: fn(&Path) -> Option<F>,
    known: &str,
) -> Result<Vec<(PathBuf, F)>> {
    let mut outputs = Vec::new();
    let mut unknown = Vec::new();
    for path in paths {
        match for_path(path) {
            Some(format) => outputs.push((path.clone(), format)),
            None => unknown.push(format!(
                "cannot tell the report format of --output {}; name it {known}",
                path.display(),
            )),
        }
    }
    if unknown.is_empty() {
        Ok(outputs)
    } else {
        Err(invalid(unknown.join("\n")))
    }
}

/// Now; or the time `SOURCE_DATE_EPOCH` pins; or, with `--reproducible`, the start of
/// today (UTC), which keeps waiver expiry real while reruns stay byte-identical.
fn generation_time(reproducible: bool) -> String {
    const DAY: u64 = 86_400;
    let pinned = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    let time = match pinned {
        Some(secs) => UNIX_EPOCH + Duration::from_secs(secs),
        None if reproducible => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            UNIX_EPOCH + Duration::from_secs(now - now % DAY)
        }
        None => SystemTime::now(),
    };
    humantime::format_rfc3339_seconds(time).to_string()
}
