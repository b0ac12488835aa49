//! A claim drafted by claimaudit from a page (`review: pending`) is never reported
//! supported: it gets the deny finding `unreviewed-claim` and the verdict `unreviewed`,
//! or the verdict of a worse problem with its evidence. Only the reviewer's side (the
//! command line, a `--policy` file) may lower the finding; the claims file may not.
//! Claims are audited against the real fixture records in a `MemorySource`, and through
//! the binary where the command line is what is tested.

mod common;

use std::path::Path;

use claimaudit::audit::audit;
use claimaudit::claims::Review;
use claimaudit::exit::Exit;
use claimaudit::findings::Code;
use claimaudit::judge::Verdict;
use claimaudit::policy::{Level, OverrideSource};
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::MemorySource;
use claimaudit::report::Report;
use predicates::prelude::*;

/// A claim the NEJM aspirin RCT (PMID 23121403) supports, with `extra` claim keys.
fn rct_claim(extra: &str) -> String {
    format!(
        "product: {{name: test product, terms: [aspirin]}}\nclaims:\n  - id: prevents-recurrence\n    text: 静脈血栓塞栓症の再発を防ぐ\n    kind: efficacy\n    keywords: [thromboembolism]\n    citations: [\"PMID: 23121403\"]\n{extra}"
    )
}

/// Audits `yaml` against every fixture record, with the claims file's policy and then
/// `reviewer` (code, level, source) applied on top, as `check` does.
async fn audit_with(yaml: &str, reviewer: &[(Code, Level, OverrideSource)]) -> Option<Report> {
    let fixtures = common::eutils_fixtures()?;
    let source = MemorySource::new(common::efetch_records(&fixtures).iter().cloned());
    let file = claimaudit::claims::parse(Path::new("claims.yaml"), yaml)
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let mut policy = file.policy.clone();
    for (code, level, from) in reviewer {
        assert!(policy.set(*code, *level, from.clone(), None));
    }
    let report = audit(
        &file,
        &source,
        &common::fixed_day_options(policy),
        &NoProgress,
    )
    .await;
    assert_eq!(report.exit_code, report.exit().code());
    Some(report)
}

fn findings(report: &Report) -> Vec<(Code, Level)> {
    let mut found: Vec<_> = report.claims[0]
        .all_findings()
        .map(|f| (f.code, f.level))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_pending_claim_the_evidence_would_support_is_unreviewed_and_fails() {
    let yaml = rct_claim("    review: pending\n    source_line: 12\n");
    let Some(report) = audit_with(&yaml, &[]).await else {
        return;
    };
    let claim = &report.claims[0];
    assert_eq!(claim.verdict, Verdict::Unreviewed, "{}", claim.explanation);
    assert_eq!(findings(&report), [(Code::UnreviewedClaim, Level::Deny)]);
    assert_eq!(report.exit(), Exit::Denied);
    assert_eq!(
        (claim.review, claim.source_line),
        (Review::Pending, Some(12))
    );
    // The explanation says what to do, and the finding where on the page to look.
    assert!(
        claim.explanation.contains("remove `review: pending`"),
        "{}",
        claim.explanation
    );
    let finding = claim.all_findings().next().unwrap();
    assert!(finding.message.contains("(line 12)"), "{}", finding.message);
    // The citation itself still supports the claim: only the review is missing.
    assert!(claim.citations[0].supports);
    assert_eq!(report.summary.verdicts[&Verdict::Unreviewed], 1);
    assert_eq!(report.summary.verdicts[&Verdict::Supported], 0);
}

#[tokio::test]
async fn a_reviewed_or_hand_written_claim_is_supported() {
    for extra in ["    review: done\n", ""] {
        let Some(report) = audit_with(&rct_claim(extra), &[]).await else {
            return;
        };
        assert_eq!(report.claims[0].verdict, Verdict::Supported, "{extra:?}");
        assert_eq!(findings(&report), [], "{extra:?}");
        assert_eq!(report.exit(), Exit::Clean, "{extra:?}");
    }
}

/// The reviewer may accept a drafted claim from the command line or a policy file: it is
/// then supported, and the finding stays listed at allow.
#[tokio::test]
async fn the_reviewer_may_allow_unreviewed_claims() {
    let yaml = rct_claim("    review: pending\n");
    for from in [
        OverrideSource::CommandLine,
        OverrideSource::PolicyFile("review.yaml".into()),
    ] {
        let reviewer = [(Code::UnreviewedClaim, Level::Allow, from.clone())];
        let Some(report) = audit_with(&yaml, &reviewer).await else {
            return;
        };
        assert_eq!(report.claims[0].verdict, Verdict::Supported, "{from}");
        assert_eq!(findings(&report), [(Code::UnreviewedClaim, Level::Allow)]);
        assert_eq!(report.exit(), Exit::Clean, "{from}");
        assert!(
            report
                .overrides
                .iter()
                .any(|o| o.applied && o.code == Code::UnreviewedClaim && o.source == from)
        );
    }
}

/// Weak evidence is the more serious problem: a pending claim resting on a mouse study
/// is `weak`, and the unreviewed finding is listed beside the evidence's.
#[tokio::test]
async fn a_pending_claim_with_weak_evidence_is_weak_with_both_findings() {
    let yaml = "product: {name: test product, terms: [interleukin-4]}\nclaims:\n  - id: repairs-tissue\n    text: 組織修復を促進する\n    kind: efficacy\n    keywords: [tissue repair]\n    citations: [{pmid: 28495875}]\n    review: pending\n";
    let Some(report) = audit_with(yaml, &[]).await else {
        return;
    };
    assert_eq!(report.claims[0].verdict, Verdict::Weak);
    assert_eq!(
        findings(&report),
        [
            (Code::NoHumanEvidence, Level::Deny),
            (Code::UnreviewedClaim, Level::Deny)
        ]
    );
    assert_eq!(report.exit(), Exit::Denied);
}

/// `check --offline` with `args` on a claims file holding `yaml`, from a fresh directory.
fn check(yaml: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("claims.yaml"), yaml).unwrap();
    common::claimaudit(&work.path().join("cache"))
        .current_dir(work.path())
        .env_remove("NCBI_EMAIL")
        .args(["check", "--offline", "claims.yaml"])
        .args(args)
        .assert()
}

/// The JSON report of an asserted run.
fn json(run: &assert_cmd::assert::Assert) -> serde_json::Value {
    serde_json::from_slice(&run.get_output().stdout).unwrap()
}

/// The audited file cannot wave its own drafted claims through: the lowering is refused,
/// said on stderr with the file and line, listed in the report, and the claim stays
/// unreviewed (here uncited, the worse problem) with the finding at deny.
#[test]
fn the_claims_file_cannot_allow_unreviewed_claims() {
    let run = check(
        "policy:\n  unreviewed-claim: allow\nclaims:\n  - {id: drafted, text: 肌が若返る, kind: efficacy, review: pending, source_line: 3}\n",
        &["--format", "json"],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "warning: claims.yaml: the claims file (line 2) tried to lower unreviewed-claim to allow: refused",
    ));
    let report = json(&run);
    let claim = &report["claims"][0];
    assert_eq!(claim["review"], "pending");
    assert_eq!(claim["source_line"], 3);
    let unreviewed: Vec<&serde_json::Value> = claim["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unreviewed-claim")
        .collect();
    assert_eq!(unreviewed.len(), 1);
    assert_eq!(unreviewed[0]["level"], "deny");
    let change = &report["overrides"][0];
    assert_eq!(
        (&change["code"], &change["applied"]),
        (&"unreviewed-claim".into(), &false.into())
    );
}

/// A reviewed claim's JSON is as before: no `review`, no `source_line`.
#[test]
fn reviewed_claims_have_no_review_keys_in_json() {
    let run = check(
        "claims:\n  - {id: written, text: 肌が若返る, kind: efficacy, review: done}\n",
        &["--format", "json"],
    );
    let report = json(&run);
    let claim = report["claims"][0].as_object().unwrap();
    assert!(!claim.contains_key("review") && !claim.contains_key("source_line"));
}

#[test]
fn bad_review_values_stop_the_check_with_their_place() {
    check(
        "claims:\n  - id: drafted\n    text: 肌が若返る\n    kind: efficacy\n    review: yes\n    source_line: -4\n",
        &[],
    )
    .code(3)
    .stderr(predicate::str::contains(
        "claims.yaml:5:13: unknown review state `yes`; use pending (drafted, not yet read by a person) or done",
    ))
    .stderr(predicate::str::contains(
        "claims.yaml:6:18: `source_line` must be the line of the page the claim was drafted from, a whole number from 1, found `-4`",
    ));
}
