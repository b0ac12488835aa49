//! Acceptance: the claim verdicts are consistent with the exit code in every format (no
//! supported claim with a deny finding).
//!
//! One cache is filled through the E-utilities stand-in (real fixture records), then
//! `check --offline` runs under several policies (the claims file's own, raised and
//! lowered from the command line, a reviewer's policy file, a claims file trying to lower
//! an integrity finding) and a cache miss, each run writing every format at once. For
//! each run the test works out on its own, from the JSON findings, what the exit code
//! must be, checks that no supported claim carries an unwaived deny finding, and reads
//! every other format back to check it gives each claim the JSON's verdict and shows
//! every finding, allowed ones included.

#[path = "../common/mod.rs"]
mod common;
mod report;

use std::path::Path;

use claimaudit::policy::dates;
use claimaudit::policy::{Level, OverrideSource};
use claimaudit::progress::NoProgress;
use claimaudit::pubmed::MemorySource;
use common::FilledCache;
use report::{Claim, Expect, Finding, Run, check_run, claims_of, page_of};
use serde_json::Value;

const EMAIL: &str = "verdict-consistency@example.org";

/// Hand-made test claims citing fixture records by PMID, one or more claims per verdict a
/// filled cache can give. Cited records: 23121403 (human RCT of aspirin for venous
/// thromboembolism, NEJM 2012, Brighton), 22508830 (randomised phase II trial of erlotinib
/// in non-small-cell lung cancer), 38147649 (mouse study of gut microbiota and social fear,
/// oxytocin; has a published erratum), 28495875 (mouse study of macrophages, IL-4 and
/// tissue repair), 31844417 (retracted in-vitro study). The file's `policy:` raises
/// kind-upgraded (a claims file may raise) and tries to lower retracted-source (refused).
const CLAIMS: &str = r#"# hand-made test claims (verdict consistency)
product:
  name: テスト製品
  terms: [aspirin, interleukin-4, erlotinib, oxytocin]
policy:
  kind-upgraded: deny
  retracted-source: allow
claims:
  - id: supported-aspirin-rct
    text: 静脈血栓塞栓症の再発を防ぐ
    kind: efficacy
    keywords: [thromboembolism]
    citations: ["PMID: 23121403"]
  - id: supported-erlotinib-rct
    text: 進行した肺がんの治療に用いられる
    kind: efficacy
    keywords: [lung cancer]
    citations: [{pmid: 22508830}]
  - id: supported-despite-erratum
    text: 社会的な恐怖に腸内細菌が関わる
    kind: mechanism
    keywords: [social fear]
    citations: ["38147649"]
  - id: supported-beside-off-topic-source
    text: 血栓の再発リスクを下げる
    kind: efficacy
    keywords: [thromboembolism]
    citations: ["PMID: 23121403", {pmid: 28495875}]
  - id: weak-mouse-only
    text: 組織修復を促進する
    kind: efficacy
    keywords: [tissue repair]
    citations: [{pmid: 28495875}]
  - id: off-topic-source
    text: 肌のコラーゲンを増やす
    kind: efficacy
    keywords: [collagen]
    citations: ["PMID: 23121403"]
  - id: unresolved-citation
    text: 肌が若返る
    kind: efficacy
    keywords: [skin]
    citations: ["Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes"]
  - id: unresolved-contradicted
    text: 血栓を防ぐ
    kind: efficacy
    keywords: [thromboembolism]
    citations: ["Nakamura T, et al. Lancet. 1999. PMID: 23121403"]
  - id: uncited
    text: 培養上清には多くの成長因子が含まれる
    kind: background
  - id: retracted-source
    text: 細胞増殖を抑える
    kind: mechanism
    keywords: [cell proliferation]
    citations: ["31844417"]
  - id: retracted-beside-rct
    text: 血栓症の再発を減らす
    kind: efficacy
    keywords: [thromboembolism]
    citations: ["PMID: 23121403", "PMID: 31844417"]
  - id: effect-promise
    text: マクロファージの働きを改善します
    kind: mechanism
    keywords: [macrophage]
    citations: [{pmid: 28495875}]
"#;

/// A claim citing a fixture record (19368899, an RCT) that the filling run never looked
/// up: offline, it cannot be checked.
const UNCACHED_CLAIM: &str = r#"  - id: not-checked-uncached
    text: 認知機能の訓練で血清BDNFが増える
    kind: efficacy
    keywords: [schizophrenia]
    citations: [{pmid: 19368899}]
"#;

/// The verdict of every claim of [`CLAIMS`] under the file's own policy.
const DEFAULT: &[(&str, &str)] = &[
    ("supported-aspirin-rct", "supported"),
    ("supported-erlotinib-rct", "supported"),
    ("supported-despite-erratum", "supported"),
    ("supported-beside-off-topic-source", "supported"),
    ("weak-mouse-only", "weak"),
    ("off-topic-source", "off-topic"),
    ("unresolved-citation", "unresolved"),
    ("unresolved-contradicted", "unresolved"),
    ("uncited", "uncited"),
    ("retracted-source", "retracted"),
    ("retracted-beside-rct", "retracted"),
    ("effect-promise", "wording"),
];

const REPORT_FILES: [&str; 7] = [
    "r.json", "r.sarif", "r.xml", "r.md", "r.html", "r.csv", "r.txt",
];

const VERDICTS: [&str; 9] = [
    "supported",
    "unreviewed",
    "weak",
    "off-topic",
    "unresolved",
    "uncited",
    "retracted",
    "wording",
    "not-checked",
];

/// The YAML block of claim `id` of [`CLAIMS`], with the claim keys `extra` added.
fn claim_from_claims(id: &str, extra: &str) -> String {
    let block = CLAIMS
        .split("\n  - id: ")
        .skip(1)
        .find(|block| block.lines().next() == Some(id))
        .unwrap_or_else(|| panic!("no claim {id} in CLAIMS"));
    format!("  - id: {}\n{extra}", block.trim_end())
}

/// Claims of [`CLAIMS`] as `claimaudit init --from PAGE` drafts them (`review: pending`,
/// the page line in `source_line`) beside a reviewed and a hand-written one; `weak` adds
/// the mouse-only claim, drafted too. The file's `policy:` tries to allow its own
/// unreviewed claims (refused). Ids say what the evidence alone would give.
fn drafted_claims(weak: bool) -> String {
    let mut yaml = String::from(
        "# hand-made test claims (drafted from a page)\nproduct:\n  name: テスト製品\n  terms: [aspirin, interleukin-4, erlotinib, oxytocin]\npolicy:\n  unreviewed-claim: allow\nclaims:\n",
    );
    yaml += &claim_from_claims(
        "supported-aspirin-rct",
        "    review: pending\n    source_line: 12\n",
    );
    yaml += &claim_from_claims(
        "supported-erlotinib-rct",
        "    review: done\n    source_line: 14\n",
    );
    yaml += &claim_from_claims("supported-beside-off-topic-source", "");
    if weak {
        yaml += &claim_from_claims(
            "weak-mouse-only",
            "    review: pending\n    source_line: 20\n",
        );
    }
    yaml
}

/// `check --offline` of `file` (in the work directory) with `args`, writing every format.
fn audit(setup: &FilledCache, name: &str, file: &str, args: &[&str]) -> Run {
    let out = setup.work.path().join(name);
    std::fs::create_dir_all(&out).unwrap();
    let mut cmd = common::claimaudit(&setup.cache);
    cmd.current_dir(setup.work.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NCBI_EMAIL")
        .args(["check", "--offline", "--quiet", "--reproducible", file])
        .args(args);
    for report in REPORT_FILES {
        cmd.arg("--output").arg(out.join(report));
    }
    let output = cmd.output().unwrap();
    let read = |report: &str| {
        std::fs::read_to_string(out.join(report))
            .unwrap_or_else(|e| panic!("{name}: {report}: {e}"))
    };
    let stdout = String::from_utf8(output.stdout).unwrap();
    let table = read("r.txt");
    assert_eq!(
        stdout, table,
        "{name}: the table on stdout is the .txt report"
    );
    Run {
        name: name.to_owned(),
        code: output
            .status
            .code()
            .unwrap_or_else(|| panic!("{name}: killed by a signal")),
        json: serde_json::from_str(&read("r.json")).unwrap(),
        sarif: serde_json::from_str(&read("r.sarif")).unwrap(),
        junit: read("r.xml"),
        markdown: read("r.md"),
        html: read("r.html"),
        csv: read("r.csv"),
        table,
    }
}

/// Replaces the verdicts of some claims in `base`.
fn with<'a>(
    base: &[(&'a str, &'a str)],
    changed: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut verdicts = base.to_vec();
    for (id, verdict) in changed {
        let slot = verdicts.iter_mut().find(|(i, _)| i == id).unwrap();
        slot.1 = verdict;
    }
    verdicts
}

fn finding<'a>(claims: &'a [Claim], id: &str, code: &str) -> Vec<&'a Finding> {
    claims
        .iter()
        .filter(|c| c.id == id)
        .flat_map(|c| &c.findings)
        .filter(|f| f.code == code)
        .collect()
}

/// The change of `code` from `source` in the report's `overrides`.
fn change<'a>(json: &'a Value, code: &str, source: &str) -> &'a Value {
    json["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code && o["source"].as_str().is_some_and(|s| s.contains(source)))
        .unwrap_or_else(|| panic!("no override of {code} from {source}: {}", json["overrides"]))
}

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).unwrap();
}

#[test]
fn verdicts_agree_with_the_exit_code_in_every_format_under_every_policy() {
    let Some(setup) = common::filled_cache(CLAIMS, EMAIL) else {
        return;
    };
    let work = setup.work.path();
    // The claims file plus a citation the filling run never looked up.
    write(
        work,
        "with-unchecked.yaml",
        &format!("{CLAIMS}{UNCACHED_CLAIM}"),
    );
    let mut with_unchecked = DEFAULT.to_vec();
    with_unchecked.push(("not-checked-uncached", "not-checked"));

    // The claims file's own policy: kind-upgraded raised, the lowering of
    // retracted-source refused (it stays deny).
    let run = audit(&setup, "default", "with-unchecked.yaml", &[]);
    let expect = Expect {
        verdicts: &with_unchecked,
        exit: 2,
        allowed: 1,
    };
    let claims = check_run(&run, &expect);
    // Every check can fail: this report altered in any one way is caught.
    the_checks_catch_altered_reports(&run, &expect);
    for id in ["retracted-source", "retracted-beside-rct"] {
        let retracted = finding(&claims, id, "retracted-source");
        assert!(!retracted.is_empty() && retracted.iter().all(|f| f.level == "deny"));
    }
    assert_eq!(
        change(&run.json, "retracted-source", "claims")["applied"],
        false,
        "the claims file may not lower retracted-source"
    );
    assert_eq!(
        change(&run.json, "kind-upgraded", "claims")["applied"],
        true
    );
    assert_eq!(
        finding(&claims, "effect-promise", "kind-upgraded")[0].level,
        "deny"
    );
    // An allowed finding on a supported claim, shown everywhere (checked in check_run).
    assert_eq!(
        finding(&claims, "supported-despite-erratum", "erratum")[0].level,
        "allow"
    );
    // A warning on a second, off-topic source does not deny the supported claim...
    assert_eq!(
        finding(
            &claims,
            "supported-beside-off-topic-source",
            "keywords-absent"
        )[0]
        .level,
        "warn"
    );

    // ...but raised to deny it keeps the claim from being supported, and so does a
    // raised erratum.
    let run = audit(
        &setup,
        "raised",
        "with-unchecked.yaml",
        &[
            "--deny",
            "product-mismatch",
            "--deny",
            "keywords-absent",
            "--deny",
            "erratum",
        ],
    );
    let raised = with(
        &with_unchecked,
        &[
            ("supported-despite-erratum", "retracted"),
            ("supported-beside-off-topic-source", "off-topic"),
        ],
    );
    check_run(
        &run,
        &Expect {
            verdicts: &raised,
            exit: 2,
            allowed: 0,
        },
    );

    // Lowered on the command line: the finding stays visible at allow, the verdict stays.
    let run = audit(
        &setup,
        "allow-cli",
        "with-unchecked.yaml",
        &["--allow", "no-human-evidence"],
    );
    let claims = check_run(
        &run,
        &Expect {
            verdicts: &with_unchecked,
            exit: 2,
            allowed: 3,
        },
    );
    let lowered = finding(&claims, "weak-mouse-only", "no-human-evidence");
    assert!(!lowered.is_empty() && lowered.iter().all(|f| f.level == "allow"));
    assert_eq!(
        change(&run.json, "no-human-evidence", "command")["applied"],
        true
    );

    // A reviewer's policy file lowering every deny finding: nothing fails (exit 0), yet
    // no claim becomes supported by it.
    write(
        work,
        "reviewer-policy.yaml",
        "policy:\n  retracted-source: warn\n  uncited-claim: allow\n  citation-not-found: warn\n  citation-mismatch: warn\n  no-relevant-source: warn\n  no-human-evidence: allow\n  kind-upgraded: allow\n",
    );
    let run = audit(
        &setup,
        "policy-file",
        "claims.yaml",
        &["--policy", "reviewer-policy.yaml"],
    );
    let lowered = with(DEFAULT, &[("effect-promise", "weak")]);
    let claims = check_run(
        &run,
        &Expect {
            verdicts: &lowered,
            exit: 0,
            allowed: 5,
        },
    );
    assert_eq!(
        finding(&claims, "uncited", "uncited-claim")[0].level,
        "allow"
    );
    assert_eq!(
        change(&run.json, "retracted-source", "policy")["applied"],
        true
    );

    // A cache miss and nothing else denied (the one deny finding waived): exit 4.
    let waiver = format!(
        "waivers:\n  - claim: uncited\n    code: uncited-claim\n    reason: background text under editorial review this quarter\n    approved_by: K. Sato (compliance)\n    approved_on: {}\n    expires: {}\n",
        dates::shifted(&dates::today(), -3).unwrap(),
        dates::shifted(&dates::today(), 30).unwrap()
    );
    let keep = [
        "supported-aspirin-rct",
        "supported-despite-erratum",
        "uncited",
    ];
    let mut unchecked = String::from(
        "# hand-made test claims (a cache miss)\nproduct:\n  name: テスト製品\n  terms: [aspirin, interleukin-4, erlotinib, oxytocin]\nclaims:\n",
    );
    for id in keep {
        unchecked.push_str(&claim_from_claims(id, ""));
    }
    unchecked.push_str(UNCACHED_CLAIM);
    unchecked.push_str(&waiver);
    write(work, "unchecked.yaml", &unchecked);
    let run = audit(&setup, "unchecked", "unchecked.yaml", &[]);
    let claims = check_run(
        &run,
        &Expect {
            verdicts: &[
                ("supported-aspirin-rct", "supported"),
                ("supported-despite-erratum", "supported"),
                ("uncited", "uncited"),
                ("not-checked-uncached", "not-checked"),
            ],
            exit: 4,
            allowed: 1,
        },
    );
    let waived = finding(&claims, "uncited", "uncited-claim");
    assert!(waived.len() == 1 && waived[0].waived && waived[0].level == "deny");
}

/// Drafted claims are never supported while pending, in every format alike: the one the
/// evidence would support is `unreviewed`, the weak one stays `weak`, both list
/// `unreviewed-claim`, and the run fails; the claims file's own `policy:` cannot allow
/// them, the reviewer's `--allow` can (the finding stays listed, at allow).
/// One `check` of the drafted claims: its name, claims file, arguments, and what it must
/// give (verdicts, exit code, findings at allow).
type DraftedRun<'a> = (&'a str, &'a str, &'a [&'a str], Expect<'a>);

#[test]
fn drafted_claims_are_unreviewed_until_a_person_reviews_them_in_every_format() {
    let Some(setup) = common::filled_cache(CLAIMS, EMAIL) else {
        return;
    };
    write(setup.work.path(), "drafted.yaml", &drafted_claims(true));
    // Without the weak claim, pending alone is what fails the run, and the reviewer's
    // --allow is what passes it.
    write(
        setup.work.path(),
        "drafted-strong.yaml",
        &drafted_claims(false),
    );
    let pending = [
        ("supported-aspirin-rct", "unreviewed"),
        ("supported-erlotinib-rct", "supported"),
        ("supported-beside-off-topic-source", "supported"),
        ("weak-mouse-only", "weak"),
    ];
    let accepted = with(&pending, &[("supported-aspirin-rct", "supported")]);
    let allow = ["--allow", "unreviewed-claim"];
    let expect = |verdicts, exit, allowed| Expect {
        verdicts,
        exit,
        allowed,
    };
    let cases: [DraftedRun<'_>; 4] = [
        ("drafted", "drafted.yaml", &[], expect(&pending, 2, 0)),
        ("allowed", "drafted.yaml", &allow, expect(&accepted, 2, 2)),
        (
            "strong",
            "drafted-strong.yaml",
            &[],
            expect(&pending[..3], 2, 0),
        ),
        (
            "strong-allowed",
            "drafted-strong.yaml",
            &allow,
            expect(&accepted[..3], 0, 1),
        ),
    ];
    let runs: Vec<(Run, Vec<Claim>)> = cases
        .iter()
        .map(|(name, file, args, expect)| {
            let run = audit(&setup, name, file, args);
            let claims = check_run(&run, expect);
            (run, claims)
        })
        .collect();

    let (run, claims) = &runs[0];
    for id in ["supported-aspirin-rct", "weak-mouse-only"] {
        let unreviewed = finding(claims, id, "unreviewed-claim");
        assert!(unreviewed.len() == 1 && unreviewed[0].denies(), "{id}");
    }
    for id in [
        "supported-erlotinib-rct",
        "supported-beside-off-topic-source",
    ] {
        assert!(finding(claims, id, "unreviewed-claim").is_empty(), "{id}");
    }
    assert_eq!(
        change(&run.json, "unreviewed-claim", "claims")["applied"],
        false,
        "the claims file may not allow its own unreviewed claims"
    );
    // Where on the page each claim came from, in every format that places the claim.
    let drafted = &run.json["claims"][0];
    assert_eq!(
        (&drafted["review"], &drafted["source_line"]),
        (&Value::from("pending"), &Value::from(12))
    );
    assert!(run.json["claims"][1].get("review").is_none());
    assert_eq!(run.json["claims"][1]["source_line"], 14);
    let line = drafted["line"].as_u64().unwrap();
    assert!(
        run.html
            .contains(&format!("drafted.yaml:{line} · page line 12</span>")),
        "HTML"
    );
    assert!(
        run.markdown.contains(&format!(
            "| `supported-aspirin-rct` (line {line}, page line 12) |"
        )),
        "Markdown"
    );
    assert!(run.table.contains("page line 12"), "table");
    assert!(run.junit.contains("drafted from page line 12"), "JUnit");

    // Accepted by the reviewer: the evidence decides, the finding stays visible.
    let (run, claims) = &runs[1];
    assert_eq!(
        finding(claims, "supported-aspirin-rct", "unreviewed-claim")[0].level,
        "allow"
    );
    assert_eq!(
        change(&run.json, "unreviewed-claim", "command")["applied"],
        true
    );
}

/// A page the claims of [`drafted_claims`] could have been drafted from: outside them, a
/// ranking (warn) and an absolute safety promise (deny), after an HTML entity.
const PAGE: &str = "<h1>テスト製品</h1>\n<p>静脈血栓塞栓症の再発を防ぐ</p>\n<p>The No.1 serum &amp; mask, with no side effects at all.</p>\n";

/// Every format of `report`, as a run named `name` whose exit code is the report's.
fn rendered(name: &str, report: &claimaudit::report::Report) -> Run {
    use claimaudit::report::ReportFormat;
    let render = |format: ReportFormat| format.formatter().render(report);
    Run {
        name: name.to_owned(),
        code: i32::from(report.exit().code()),
        json: serde_json::from_str(&render(ReportFormat::Json)).unwrap(),
        sarif: serde_json::from_str(&render(ReportFormat::Sarif)).unwrap(),
        junit: render(ReportFormat::Junit),
        markdown: render(ReportFormat::Markdown),
        html: render(ReportFormat::Html),
        csv: render(ReportFormat::Csv),
        table: render(ReportFormat::Table),
    }
}

/// The drafted claims audited on the fixture records (with the reviewer's `--allow
/// unreviewed-claim` when `accepted`), and [`PAGE`] as the page they came from.
async fn drafted_with_page(accepted: bool) -> Option<claimaudit::report::Report> {
    use claimaudit::lint::page::{LintOptions, Page, lint_pages};
    let fixtures = common::eutils_fixtures()?;
    let yaml = drafted_claims(!accepted);
    let file = claimaudit::claims::parse(Path::new("drafted.yaml"), &yaml).unwrap();
    let mut policy = file.policy.clone();
    if accepted {
        let (code, level) = (claimaudit::findings::Code::UnreviewedClaim, Level::Allow);
        policy.set(code, level, OverrideSource::CommandLine, None);
    }
    let source = MemorySource::new(common::efetch_records(&fixtures).iter().cloned());
    let options = common::fixed_day_options(policy.clone());
    let report = claimaudit::audit::audit(&file, &source, &options, &NoProgress).await;
    let linted = lint_pages(
        &[Page {
            path: "page.html".into(),
            source: PAGE.into(),
            format: claimaudit::lint::extract::SourceFormat::Html,
        }],
        &LintOptions {
            rules: claimaudit::lint::RuleSet::builtin(),
            class: None,
            jurisdictions: Vec::new(),
            policy,
            generated_at: options.generated_at.clone(),
        },
    );
    let mut page = linted.files.into_iter().next().unwrap();
    // The drafted claim's own sentence (line 2) is the claim's.
    page.findings.retain(|f| f.line != 2);
    Some(report.with_page(page))
}

/// The page's wording is shown alike in every format, and a deny-level finding on it
/// fails the check as a claim's would: here the claims alone pass (the reviewer accepted
/// the drafted one), and the page's absolute-safety promise makes the exit 2.
#[tokio::test]
async fn a_page_section_agrees_across_formats_and_fails_the_check() {
    let Some(report) = drafted_with_page(true).await else {
        return;
    };
    let run = rendered("page-accepted", &report);
    let verdicts = [
        ("supported-aspirin-rct", "supported"),
        ("supported-erlotinib-rct", "supported"),
        ("supported-beside-off-topic-source", "supported"),
    ];
    let expect = Expect {
        verdicts: &verdicts,
        exit: 2,
        allowed: 1,
    };
    check_run(&run, &expect);
    let levels: Vec<String> = page_of(&run.json).into_iter().map(|f| f.level).collect();
    assert_eq!(levels, ["warn", "deny"], "{:#?}", run.json["page"]);
    // Only the page denies: the exit derived from the claims alone would be 0.
    must_fail(&run, &expect, "exit code vs the JSON findings", |r| {
        r.code = 0;
    });
    must_fail(&run, &expect, "summary.page_findings.deny", |r| {
        r.json["summary"]["page_findings"]["deny"] = Value::from(0);
    });
    must_fail(&run, &expect, "SARIF results on the page", |r| {
        let results = r.sarif["runs"][0]["results"].as_array_mut().unwrap();
        results.pop();
    });
    // Each format with the page's deny finding shown otherwise: (what the check says, the
    // format, the text, what it becomes).
    type Format = fn(&mut Run) -> &mut String;
    #[rustfmt::skip]
    let alterations: [(&str, Format, &str, &str); 5] = [
        ("JUnit page cases", |r| &mut r.junit, "<system-out>warn: ", "<system-out>allow: "),
        ("CSV page rows", |r| &mut r.csv, "deny:safety-absolute@3", "warn:safety-absolute@3"),
        ("the table lacks the page's", |r| &mut r.table, ": deny [safety-absolute] ", ": warn [safety-absolute] "),
        ("Markdown lacks the page's", |r| &mut r.markdown, "| deny | `safety-absolute` |", "| warn | `safety-absolute` |"),
        ("HTML lacks the page's", |r| &mut r.html, "data-code=\"safety-absolute\"", "data-code=\"safety\""),
    ];
    for (needle, format, from, to) in alterations {
        must_fail(&run, &expect, needle, |r| alter(format(r), from, to));
    }

    // With the drafted claims pending and the weak one, the claims deny too, and every
    // format still agrees.
    let Some(report) = drafted_with_page(false).await else {
        return;
    };
    let pending = [
        ("supported-aspirin-rct", "unreviewed"),
        ("supported-erlotinib-rct", "supported"),
        ("supported-beside-off-topic-source", "supported"),
        ("weak-mouse-only", "weak"),
    ];
    check_run(
        &rendered("page-pending", &report),
        &Expect {
            verdicts: &pending,
            exit: 2,
            allowed: 0,
        },
    );
}

/// `check_run` on a copy of `run` altered by `alter` panics, saying `needle`.
fn must_fail(run: &Run, expect: &Expect<'_>, needle: &str, alter: impl FnOnce(&mut Run)) {
    let mut altered = run.clone();
    alter(&mut altered);
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_run(&altered, expect)));
    let payload = outcome.expect_err(&format!("an altered report passed: {needle}"));
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        message.contains(needle),
        "the altered report ({needle}) failed for another reason: {message}"
    );
}

/// Replaces the first `from` in `text` (which must hold it) with `to`.
fn alter(text: &mut String, from: &str, to: &str) {
    assert!(text.contains(from), "{from:?} is not in the report");
    *text = text.replacen(from, to, 1);
}

/// Each check of [`check_run`] fails on a report that breaks it.
fn the_checks_catch_altered_reports(run: &Run, expect: &Expect<'_>) {
    // The unaltered run passes.
    check_run(run, expect);
    let claim_index = |id: &str| expect.verdicts.iter().position(|(i, _)| *i == id).unwrap();
    let supported = claim_index("supported-aspirin-rct");
    let weak = claim_index("weak-mouse-only");
    must_fail(run, expect, "verdicts", |r| {
        r.json["claims"].as_array_mut().unwrap().pop();
    });
    must_fail(run, expect, "exit code vs the JSON findings", |r| {
        r.code = 0;
    });
    must_fail(run, expect, "the JSON's exit_code", |r| {
        r.json["exit_code"] = Value::from(0);
    });
    must_fail(run, expect, "is supported with deny findings", |r| {
        let citation = &mut r.json["claims"][supported]["citations"][0];
        citation["findings"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "code": "product-mismatch",
                "level": "deny",
                "message": "raised",
                "waiver": null,
            }));
    });
    must_fail(run, expect, "findings at level allow", |r| {
        let mut json = r.json.to_string();
        alter(&mut json, "\"level\":\"allow\"", "\"level\":\"warn\"");
        r.json = serde_json::from_str(&json).unwrap();
    });
    must_fail(run, expect, "summary.verdicts.weak", |r| {
        r.json["summary"]["verdicts"]["weak"] = Value::from(7);
    });
    must_fail(run, expect, "summary.findings.allow", |r| {
        r.json["summary"]["findings"]["allow"] = Value::from(0);
    });
    // Another verdict, or a finding missing, in each other format.
    must_fail(run, expect, "SARIF gives weak-mouse-only", |r| {
        let mut sarif = r.sarif.to_string();
        alter(
            &mut sarif,
            "weak-mouse-only (weak)",
            "weak-mouse-only (supported)",
        );
        r.sarif = serde_json::from_str(&sarif).unwrap();
    });
    must_fail(run, expect, "SARIF results vs JSON findings", |r| {
        let mut sarif = r.sarif.to_string();
        alter(&mut sarif, "\"level\":\"note\"", "\"level\":\"warning\"");
        r.sarif = serde_json::from_str(&sarif).unwrap();
    });
    must_fail(run, expect, "JUnit failures", |r| {
        let failures = claims_of(&r.json).iter().filter(|c| c.denied()).count();
        alter(
            &mut r.junit,
            &format!(
                "<testsuites name=\"claimaudit\" tests=\"{}\" failures=\"{failures}\"",
                expect.verdicts.len()
            ),
            &format!(
                "<testsuites name=\"claimaudit\" tests=\"{}\" failures=\"{}\"",
                expect.verdicts.len(),
                failures - 1
            ),
        );
    });
    must_fail(
        run,
        expect,
        "weak-mouse-only (weak) is skipped in JUnit",
        |r| {
            alter(
                &mut r.junit,
                "<failure message=\"weak: ",
                "<skipped message=\"weak: ",
            );
            alter(&mut r.junit, "</failure>", "</skipped>");
        },
    );
    must_fail(run, expect, "lacks its verdict", |r| {
        alter(&mut r.junit, "verdict: weak (", "verdict: supported (");
    });
    must_fail(
        run,
        expect,
        "JUnit system-out of supported-despite-erratum",
        |r| {
            alter(&mut r.junit, "allow [erratum]", "allow [errata]");
        },
    );
    must_fail(run, expect, "Markdown", |r| {
        alter(&mut r.markdown, "## weak (1)", "## supported (1)");
    });
    must_fail(
        run,
        expect,
        "Markdown row of supported-despite-erratum",
        |r| {
            alter(&mut r.markdown, "`erratum` allow", "`erratum` warn");
        },
    );
    must_fail(run, expect, "HTML verdicts", |r| {
        alter(
            &mut r.html,
            "id=\"claim-weak-mouse-only\" data-verdict=\"weak\"",
            "id=\"claim-weak-mouse-only\" data-verdict=\"supported\"",
        );
    });
    must_fail(
        run,
        expect,
        "HTML article of supported-despite-erratum",
        |r| {
            alter(
                &mut r.html,
                "<span class=\"allow\">allow</span> <code>erratum</code>",
                "<span class=\"allow\">allow</span> <code>errata</code>",
            );
        },
    );
    must_fail(run, expect, "CSV gives weak-mouse-only", |r| {
        alter(
            &mut r.csv,
            "weak-mouse-only,efficacy,",
            "weak-mouse-only,efficacy,x",
        );
        let line = r.json["claims"][weak]["line"].as_u64().unwrap();
        alter(
            &mut r.csv,
            &format!("efficacy,x{line},weak,"),
            &format!("efficacy,{line},supported,"),
        );
    });
    must_fail(run, expect, "CSV rows of supported-despite-erratum", |r| {
        alter(&mut r.csv, "allow:erratum", "warn:erratum");
    });
    must_fail(run, expect, "the table gives weak-mouse-only", |r| {
        alter(&mut r.table, " weak ", " supported ");
    });
    must_fail(run, expect, "table row of supported-despite-erratum", |r| {
        alter(&mut r.table, "allow:erratum", "-");
    });
    must_fail(run, expect, "the table's findings lack", |r| {
        alter(&mut r.table, ": allow [erratum] ", ": allow [errata] ");
    });
}
