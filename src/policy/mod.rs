//! Policy: the level of every finding, who set it, and the waivers compliance granted.
//!
//! Each finding code has a default level (allow, warn, deny). The claims file's
//! `policy:` section may change it, then a reviewer's policy file (`--policy FILE`), then
//! the command line (`--deny/--warn/--allow CODE`), each later one winning. The audited
//! file is not the auditor: it may raise any level, but it may not lower the integrity
//! findings ([`Code::is_guarded`]); such a lowering is refused and reported. Every change
//! is listed in the report ([`Override`]).
//!
//! [`apply`] is the one place where findings get their level and waiver status.

pub mod dates;
mod waivers;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Serialize, Serializer};

use crate::lint::Rule;

pub use self::waivers::{
    FindingWaiver, MAX_WAIVER_DAYS, WaiverOutcome, WaiverReport, WaiverStatus, waiver_problems,
};
use crate::claims::{Claim, Waiver};
use crate::findings::Finding;
pub use crate::findings::{Code, CodeBook};

named_enum! {
    pub enum Level {
        /// Kept in the report; does not count.
        Allow,
        /// Reported; does not fail the check.
        Warn,
        /// Fails the check (exit 2).
        Deny,
    }
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        text.parse().ok()
    }

    /// What the level means, for glossaries.
    pub fn meaning(self) -> &'static str {
        match self {
            Level::Allow => "kept in the report, does not count",
            Level::Warn => "reported, does not fail the check",
            Level::Deny => "fails the check (exit code 2); a claim with one is never supported",
        }
    }
}

/// Where a level change came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideSource {
    /// The audited claims file's `policy:` section.
    ClaimsFile,
    /// A reviewer's policy file (`--policy FILE`).
    PolicyFile(PathBuf),
    /// `--deny/--warn/--allow` on the command line.
    CommandLine,
}

impl fmt::Display for OverrideSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideSource::ClaimsFile => f.write_str("the claims file"),
            OverrideSource::PolicyFile(path) => write!(f, "policy file {}", path.display()),
            OverrideSource::CommandLine => f.write_str("the command line"),
        }
    }
}

impl Serialize for OverrideSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One change of a finding's level, applied or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub code: Code,
    pub level: Level,
    /// The code's level before this change.
    pub from: Level,
    pub source: OverrideSource,
    /// The line of the setting, when it came from a file.
    pub line: Option<usize>,
    /// False when the claims file tried to lower an integrity finding.
    pub applied: bool,
}

impl Override {
    /// The change in a sentence: "retracted-source lowered from deny to warn by the
    /// command line", or why it was refused.
    pub fn describe(&self) -> String {
        let line = self
            .line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        if self.applied {
            let how = match self.level.cmp(&self.from) {
                std::cmp::Ordering::Less => "lowered",
                std::cmp::Ordering::Greater => "raised",
                std::cmp::Ordering::Equal => "kept",
            };
            format!(
                "{} {how} from {} to {} by {}{line}",
                self.code,
                self.from.as_str(),
                self.level.as_str(),
                self.source
            )
        } else {
            format!(
                "{}{line} tried to lower {} to {}: refused, only the reviewer may lower an integrity finding (with --{} or a --policy file)",
                self.source,
                self.code,
                self.level.as_str(),
                self.level.as_str()
            )
        }
    }
}

/// Levels in force, and how they came to be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    levels: BTreeMap<Code, Level>,
    overrides: Vec<Override>,
}

impl Policy {
    pub fn level(&self, code: Code) -> Level {
        self.levels
            .get(&code)
            .copied()
            .unwrap_or(code.default_level())
    }

    /// Every level change asked for, in order, with whether it was applied.
    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }

    /// The overrides that were refused.
    pub fn refused(&self) -> impl Iterator<Item = &Override> {
        self.overrides.iter().filter(|o| !o.applied)
    }

    /// Sets `code` to `level` as `source` asks; returns whether it was applied. The
    /// claims file may not lower a guarded code below its default.
    pub fn set(
        &mut self,
        code: Code,
        level: Level,
        source: OverrideSource,
        line: Option<usize>,
    ) -> bool {
        let from = self.level(code);
        let applied = !(source == OverrideSource::ClaimsFile
            && code.is_guarded()
            && level < code.default_level());
        if applied {
            self.levels.insert(code, level);
        }
        self.overrides.push(Override {
            code,
            level,
            from,
            source,
            line,
            applied,
        });
        applied
    }

    /// Applies levels named on the command line, code by code; every unknown code is
    /// an error message with a "did you mean".
    pub fn override_by_name<'a>(
        &mut self,
        overrides: impl IntoIterator<Item = (&'a str, Level)>,
        codes: &CodeBook,
    ) -> Result<(), Vec<String>> {
        let mut unknown = Vec::new();
        for (name, level) in overrides {
            match codes.parse(name) {
                Some(code) => {
                    self.set(code, level, OverrideSource::CommandLine, None);
                }
                None => unknown.push(format!(
                    "unknown finding code `{name}`{} (codes are listed in `claimaudit check --help` and `claimaudit rules`)",
                    codes.hint(name)
                )),
            }
        }
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(unknown)
        }
    }
}

/// A finding with its level, and the waiver that names it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedFinding {
    #[serde(skip)]
    pub claim: usize,
    #[serde(skip)]
    pub citation: Option<usize>,
    pub code: Code,
    pub level: Level,
    pub message: String,
    pub waiver: Option<FindingWaiver>,
    /// For wording: the phrase and where it is in the claims file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording: Option<WordingPlace>,
    /// Where the finding points in the claims file: the phrase for wording, the
    /// citation for a citation's finding, else the claim. Every format prints this
    /// one place, so a reader finds the same line in each.
    pub line: usize,
    pub column: usize,
}

/// The phrase a wording finding is about, and where it stands in the claims file. The
/// end is known when the claim's text is written inline (on one line, without escapes),
/// so a code host can underline exactly the phrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordingPlace {
    pub phrase: String,
    pub line: usize,
    pub column: usize,
    pub end_column: Option<usize>,
    #[serde(serialize_with = "rule_summary")]
    pub rule: &'static Rule,
}

pub(crate) fn rule_summary<S: serde::Serializer>(
    rule: &&'static Rule,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    rule.summary().serialize(serializer)
}

impl WordingPlace {
    /// The place of bytes `span` of `claim`'s text, found by `rule`.
    fn of(
        claim: &Claim,
        span: std::ops::Range<usize>,
        rule: &'static Rule,
    ) -> Option<WordingPlace> {
        let phrase = claim.text.get(span.clone())?.to_owned();
        Some(match claim.text_inline_column {
            Some(first) => {
                let column = first + claim.text[..span.start].chars().count();
                WordingPlace {
                    end_column: Some(column + phrase.chars().count()),
                    phrase,
                    line: claim.text_line,
                    column,
                    rule,
                }
            }
            None => WordingPlace {
                phrase,
                line: claim.text_line,
                column: claim.text_column,
                end_column: None,
                rule,
            },
        })
    }
}

impl AppliedFinding {
    /// Whether the finding counts: waived findings stay visible but do not fail a check.
    pub fn counts(&self) -> bool {
        self.waiver
            .as_ref()
            .is_none_or(|w| w.status != WaiverStatus::Applied)
    }

    /// The level that decides the exit code: `allow` while a waiver applies.
    pub fn effective_level(&self) -> Level {
        if self.counts() {
            self.level
        } else {
            Level::Allow
        }
    }
}

/// Gives every finding its level and marks the ones a waiver names. `today` is the real
/// date (`YYYY-MM-DD`, UTC): a waiver applies through its expiry date, judged against
/// today, never against a pinned report time.
pub fn apply(
    findings: Vec<Finding>,
    policy: &Policy,
    claims: &[Claim],
    waivers: &[Waiver],
    today: &str,
) -> (Vec<AppliedFinding>, Vec<WaiverReport>) {
    let mut applied: Vec<AppliedFinding> = findings
        .into_iter()
        .map(|finding| {
            let claim = claims.get(finding.claim);
            let wording = finding
                .span
                .zip(finding.code.rule())
                .and_then(|(span, rule)| WordingPlace::of(claim?, span, rule));
            let cited = finding.citation.and_then(|n| claim?.citations.get(n));
            let (line, column) = match (&wording, cited, claim) {
                (Some(place), _, _) => (place.line, place.column),
                (None, Some(cited), _) => (cited.line, cited.column),
                (None, None, Some(claim)) => (claim.line, claim.column),
                (None, None, None) => (0, 0),
            };
            AppliedFinding {
                wording,
                claim: finding.claim,
                citation: finding.citation,
                code: finding.code,
                level: policy.level(finding.code),
                message: finding.message,
                waiver: None,
                line,
                column,
            }
        })
        .collect();
    let reports = waivers
        .iter()
        .map(|waiver| waivers::apply_waiver(waiver, &mut applied, claims, today))
        .collect();
    (applied, reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sources_win_and_the_claims_file_cannot_lower_integrity_findings() {
        let mut policy = Policy::default();
        assert_eq!(policy.level(Code::ProductMismatch), Level::Warn);
        assert!(policy.set(
            Code::ProductMismatch,
            Level::Deny,
            OverrideSource::ClaimsFile,
            Some(3)
        ));
        assert_eq!(policy.level(Code::ProductMismatch), Level::Deny);
        // The audited file may not switch off its own integrity checks...
        assert!(!policy.set(
            Code::RetractedSource,
            Level::Allow,
            OverrideSource::ClaimsFile,
            Some(4)
        ));
        assert!(!policy.set(
            Code::UncitedClaim,
            Level::Warn,
            OverrideSource::ClaimsFile,
            Some(5)
        ));
        assert_eq!(policy.level(Code::RetractedSource), Level::Deny);
        assert_eq!(policy.refused().count(), 2);
        // ...but may raise them, and the reviewer may lower them.
        assert!(policy.set(
            Code::RetractedSource,
            Level::Warn,
            OverrideSource::PolicyFile("review.yaml".into()),
            Some(1)
        ));
        assert_eq!(policy.level(Code::RetractedSource), Level::Warn);
        let unknown = policy
            .override_by_name(
                [("uncited-claims", Level::Warn), ("erratum", Level::Deny)],
                &CodeBook::default(),
            )
            .unwrap_err();
        assert_eq!(unknown.len(), 1);
        assert!(
            unknown[0].contains("did you mean `uncited-claim`?"),
            "{unknown:?}"
        );
        assert_eq!(policy.level(Code::Erratum), Level::Deny);
        assert_eq!(policy.overrides().len(), 5);
    }
}
