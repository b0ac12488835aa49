//! Waivers: compliance's acceptance of one finding on one claim, with a reason, an
//! approver, an approval date and an expiry no more than a year later. A waived finding
//! stays visible everywhere; it only stops counting while the waiver applies.

use serde::Serialize;
use strum::VariantArray;

use super::AppliedFinding;
use super::dates::{a_year_after, days};
use crate::claims::{Claim, Waiver};

/// The longest a waiver may run: a finding accepted for longer has not been reviewed.
pub const MAX_WAIVER_DAYS: i64 = 366;

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
    pub approved_on: String,
    pub expires: String,
}

impl FindingWaiver {
    /// The waiver in one phrase, the same in every report format: "waived until
    /// 2026-12-31, approved by K. Sato on 2026-05-01: wording under legal review".
    pub fn describe(&self) -> String {
        let state = match self.status {
            WaiverStatus::Applied => format!("waived until {}", self.expires),
            WaiverStatus::Expired => format!("counts again: its waiver expired {}", self.expires),
        };
        format!(
            "{state}, approved by {} on {}: {}",
            self.approved_by, self.approved_on, self.reason
        )
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
    /// Not accepted as a waiver today: approved in the future, or running more than a
    /// year from today.
    Refused,
}

/// A waiver of the claims file and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverReport {
    /// The waiver as the claims file gives it.
    #[serde(flatten)]
    pub waiver: Waiver,
    pub status: WaiverOutcome,
    /// Why it was refused.
    pub problem: Option<String>,
    /// Findings it names in this run.
    pub matched: usize,
}

impl WaiverReport {
    /// What a reviewer must know about the waiver, in a phrase; `None` while it applies.
    pub fn attention(&self) -> Option<String> {
        match self.status {
            WaiverOutcome::Applied => None,
            WaiverOutcome::Expired => Some(format!("expired on {}", self.waiver.expires)),
            WaiverOutcome::Unmatched => Some("matches no finding".into()),
            WaiverOutcome::Refused => Some(format!(
                "is refused: {}",
                self.problem
                    .as_deref()
                    .unwrap_or("its dates are not acceptable")
            )),
        }
    }
}

/// Why a waiver cannot apply today, if it cannot: its dates are judged against the real
/// date, so neither a pinned report time nor an approval dated ahead stretches it.
fn refusal(waiver: &Waiver, today: &str) -> Option<String> {
    let (approved, expires, now) = (
        days(&waiver.approved_on)?,
        days(&waiver.expires)?,
        days(today)?,
    );
    if approved > now {
        return Some(format!(
            "it was approved on {}, after today ({today})",
            waiver.approved_on
        ));
    }
    if expires - now > MAX_WAIVER_DAYS {
        return Some(format!(
            "it runs until {}, more than a year from today ({today})",
            waiver.expires
        ));
    }
    None
}

/// Marks the findings `waiver` names and says what became of it.
pub(super) fn apply_waiver(
    waiver: &Waiver,
    findings: &mut [AppliedFinding],
    claims: &[Claim],
    today: &str,
) -> WaiverReport {
    let problem = refusal(waiver, today);
    let status = if waiver.expires.as_str() >= today {
        WaiverStatus::Applied
    } else {
        WaiverStatus::Expired
    };
    let mut matched = 0;
    if problem.is_none() {
        for finding in findings.iter_mut().filter(|f| {
            f.code == waiver.code && claims.get(f.claim).is_some_and(|c| c.id == waiver.claim)
        }) {
            matched += 1;
            finding.waiver = Some(FindingWaiver {
                status,
                reason: waiver.reason.clone(),
                approved_by: waiver.approved_by.clone(),
                approved_on: waiver.approved_on.clone(),
                expires: waiver.expires.clone(),
            });
        }
    }
    WaiverReport {
        waiver: waiver.clone(),
        status: match (&problem, matched, status) {
            (Some(_), _, _) => WaiverOutcome::Refused,
            (None, 0, _) => WaiverOutcome::Unmatched,
            (None, _, WaiverStatus::Applied) => WaiverOutcome::Applied,
            (None, _, WaiverStatus::Expired) => WaiverOutcome::Expired,
        },
        problem,
        matched,
    }
}

/// Placeholders that are not a reason.
const NOT_REASONS: &[&str] = &[
    "ok",
    "okay",
    "fine",
    "n/a",
    "na",
    "none",
    "tbd",
    "todo",
    "test",
    "approved",
    "waived",
    "temp",
    "temporary",
    "-",
    "x",
];

/// Placeholders that are not an approver.
const NOT_APPROVERS: &[&str] = &[
    "me",
    "myself",
    "i",
    "admin",
    "administrator",
    "test",
    "tester",
    "user",
    "n/a",
    "na",
    "none",
    "tbd",
    "todo",
    "someone",
    "anyone",
    "nobody",
    "x",
    "xx",
    "xxx",
    "approver",
    "manager",
    "boss",
    "team",
    "compliance",
];

/// Fewest words of a waiver's reason: enough to say why the finding is accepted.
const MIN_REASON_WORDS: usize = 3;
/// Fewest letters of an approver's name.
const MIN_APPROVER_LETTERS: usize = 3;

/// What is wrong with a waiver's own words and dates, for the claims file's validation:
/// a reason that says why, a named approver, a real approval date, and an expiry no
/// more than a year after it.
pub fn waiver_problems(
    reason: &str,
    approved_by: &str,
    approved_on: &str,
    expires: &str,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let reason_words = reason.split_whitespace().count();
    if reason_words < MIN_REASON_WORDS
        || NOT_REASONS.contains(&reason.trim().to_lowercase().as_str())
    {
        problems.push((
            "reason",
            format!("the waiver's reason `{reason}` does not say why the finding is accepted; write it in a sentence (at least {MIN_REASON_WORDS} words)"),
        ));
    }
    let letters = approved_by.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_APPROVER_LETTERS
        || NOT_APPROVERS.contains(&approved_by.trim().to_lowercase().as_str())
    {
        problems.push((
            "approved_by",
            format!("`{approved_by}` does not name who approved the waiver; give the person's name (and role)"),
        ));
    }
    match (days(approved_on), days(expires)) {
        (None, _) => problems.push((
            "approved_on",
            format!("approval date `{approved_on}` must be a date written YYYY-MM-DD"),
        )),
        (_, None) => problems.push((
            "expires",
            format!("expiry date `{expires}` must be a date written YYYY-MM-DD"),
        )),
        (Some(from), Some(until)) if until < from => problems.push((
            "expires",
            format!("the waiver expires ({expires}) before it was approved ({approved_on})"),
        )),
        (Some(_), Some(_)) => {
            let limit = a_year_after(approved_on).unwrap_or_default();
            if expires > limit.as_str() {
                problems.push((
                    "expires",
                    format!(
                        "the waiver runs until {expires}, more than a year after its approval ({approved_on}); set it to {limit} at the latest and review it then"
                    ),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiver_needs_a_reason_an_approver_and_at_most_a_year() {
        assert!(
            waiver_problems(
                "wording under legal review",
                "K. Sato",
                "2026-11-01",
                "2027-03-31"
            )
            .is_empty()
        );
        let fields = |p: Vec<(&'static str, String)>| -> Vec<&'static str> {
            p.into_iter().map(|(f, _)| f).collect()
        };
        assert_eq!(
            fields(waiver_problems("ok", "me", "2026-11-01", "9999-12-31")),
            ["reason", "approved_by", "expires"]
        );
        assert_eq!(
            fields(waiver_problems(
                "legal review pending now",
                "K. Sato",
                "2026-13-01",
                "2027-01-01"
            )),
            ["approved_on"]
        );
        assert_eq!(
            fields(waiver_problems(
                "legal review pending now",
                "K. Sato",
                "2027-01-01",
                "2026-12-31"
            )),
            ["expires"]
        );
        assert!(
            waiver_problems(
                "legal review pending now",
                "K. Sato",
                "2028-02-29",
                "2029-02-28"
            )
            .is_empty()
        );
    }
}
