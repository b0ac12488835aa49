//! Policy: the level of every finding, and the waivers compliance granted.
//!
//! Each finding code has a default level (allow, warn, deny); the claims file's
//! `policy:` section and then the command line (`--deny/--warn/--allow CODE`) change it.
//! [`apply`] is the one place where findings get their level and waiver status.

use std::collections::BTreeMap;

use serde::Serialize;
use strum::VariantArray;

use crate::claims::{Claim, Waiver};
pub use crate::findings::Code;
use crate::findings::Finding;
use crate::text::did_you_mean;

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
}

/// Levels in force: defaults, then the claims file, then the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    overrides: BTreeMap<Code, Level>,
}

impl Policy {
    pub fn set(&mut self, code: Code, level: Level) {
        self.overrides.insert(code, level);
    }

    pub fn level(&self, code: Code) -> Level {
        self.overrides
            .get(&code)
            .copied()
            .unwrap_or(code.default_level())
    }

    /// Applies levels named on the command line, code by code; every unknown code is
    /// an error message with a "did you mean".
    pub fn override_by_name<'a>(
        &mut self,
        overrides: impl IntoIterator<Item = (&'a str, Level)>,
    ) -> Result<(), Vec<String>> {
        let mut unknown = Vec::new();
        for (name, level) in overrides {
            match Code::parse(name) {
                Some(code) => self.set(code, level),
                None => unknown.push(format!(
                    "unknown finding code `{name}`{} (codes are listed in `claimaudit check --help`)",
                    did_you_mean(name, Code::names())
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverStatus {
    /// In force: the finding is accepted until the expiry date.
    Applied,
    /// Past its expiry date: the finding counts again.
    Expired,
}

/// The waiver naming a finding, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingWaiver {
    pub status: WaiverStatus,
    pub reason: String,
    pub approved_by: String,
    pub expires: String,
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

/// What became of one waiver of the claims file in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverOutcome {
    Applied,
    Expired,
    /// Names no finding of this run.
    Unmatched,
}

/// A waiver of the claims file and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverReport {
    pub claim: String,
    pub code: Code,
    pub reason: String,
    pub approved_by: String,
    pub expires: String,
    pub line: usize,
    pub status: WaiverOutcome,
    /// Findings it names in this run.
    pub matched: usize,
}

/// Gives every finding its level and marks the ones a waiver names. A waiver applies
/// through its expiry date (`today` is `YYYY-MM-DD`, UTC); after that it is reported as
/// expired and the finding counts again.
pub fn apply(
    findings: Vec<Finding>,
    policy: &Policy,
    claims: &[Claim],
    waivers: &[Waiver],
    today: &str,
) -> (Vec<AppliedFinding>, Vec<WaiverReport>) {
    let mut applied: Vec<AppliedFinding> = findings
        .into_iter()
        .map(|finding| AppliedFinding {
            claim: finding.claim,
            citation: finding.citation,
            code: finding.code,
            level: policy.level(finding.code),
            message: finding.message,
            waiver: None,
        })
        .collect();
    let reports = waivers
        .iter()
        .map(|waiver| {
            let status = if waiver.expires.as_str() >= today {
                WaiverStatus::Applied
            } else {
                WaiverStatus::Expired
            };
            let named = applied.iter_mut().filter(|f| {
                f.code == waiver.code && claims.get(f.claim).is_some_and(|c| c.id == waiver.claim)
            });
            let mut matched = 0;
            for finding in named {
                matched += 1;
                finding.waiver = Some(FindingWaiver {
                    status,
                    reason: waiver.reason.clone(),
                    approved_by: waiver.approved_by.clone(),
                    expires: waiver.expires.clone(),
                });
            }
            WaiverReport {
                claim: waiver.claim.clone(),
                code: waiver.code,
                reason: waiver.reason.clone(),
                approved_by: waiver.approved_by.clone(),
                expires: waiver.expires.clone(),
                line: waiver.line,
                status: match (matched, status) {
                    (0, _) => WaiverOutcome::Unmatched,
                    (_, WaiverStatus::Applied) => WaiverOutcome::Applied,
                    (_, WaiverStatus::Expired) => WaiverOutcome::Expired,
                },
                matched,
            }
        })
        .collect();
    (applied, reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_over_defaults() {
        let mut policy = Policy::default();
        assert_eq!(policy.level(Code::ProductMismatch), Level::Warn);
        policy.set(Code::ProductMismatch, Level::Deny);
        assert_eq!(policy.level(Code::ProductMismatch), Level::Deny);
        let unknown = policy
            .override_by_name([("uncited-claims", Level::Warn), ("erratum", Level::Deny)])
            .unwrap_err();
        assert_eq!(unknown.len(), 1);
        assert!(
            unknown[0].contains("did you mean `uncited-claim`?"),
            "{unknown:?}"
        );
        assert_eq!(policy.level(Code::Erratum), Level::Deny);
    }

    fn claim(id: &str) -> Claim {
        Claim {
            id: id.into(),
            text: "t".into(),
            text_line: 1,
            text_column: 1,
            kind: crate::claims::ClaimKind::Safety,
            keywords: Vec::new(),
            citations: Vec::new(),
            note: None,
            line: 1,
            column: 1,
        }
    }

    fn waiver(claim: &str, code: Code, expires: &str) -> Waiver {
        Waiver {
            claim: claim.into(),
            code,
            reason: "under legal review".into(),
            approved_by: "K. Sato".into(),
            expires: expires.into(),
            line: 9,
            column: 3,
        }
    }

    #[test]
    fn levels_and_waivers_are_applied_in_one_place() {
        let findings = vec![
            Finding {
                code: Code::UncitedClaim,
                claim: 0,
                citation: None,
                message: "no source".into(),
            },
            Finding {
                code: Code::ProductMismatch,
                claim: 1,
                citation: Some(0),
                message: "another product".into(),
            },
        ];
        let mut policy = Policy::default();
        policy.set(Code::ProductMismatch, Level::Deny);
        let (applied, waivers) = apply(
            findings,
            &policy,
            &[claim("a"), claim("b")],
            &[
                waiver("a", Code::UncitedClaim, "2026-06-01"),
                waiver("b", Code::ProductMismatch, "2026-05-31"),
                waiver("c", Code::UncitedClaim, "2027-01-01"),
            ],
            "2026-06-01",
        );
        assert_eq!(applied[0].level, Level::Deny);
        assert!(!applied[0].counts(), "applies through its expiry date");
        assert_eq!(applied[0].effective_level(), Level::Allow);
        assert_eq!(applied[1].level, Level::Deny);
        assert!(applied[1].counts(), "expired the day before");
        let outcomes: Vec<WaiverOutcome> = waivers.iter().map(|w| w.status).collect();
        assert_eq!(
            outcomes,
            [
                WaiverOutcome::Applied,
                WaiverOutcome::Expired,
                WaiverOutcome::Unmatched
            ]
        );
    }
}
