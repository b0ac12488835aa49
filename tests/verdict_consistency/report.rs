//! Reading one run's reports back: the JSON's claims and findings, and a check per
//! format that it gives every claim the JSON's verdict and shows every finding.

use std::collections::{BTreeMap, BTreeSet};

use quick_junit::{NonSuccessKind, TestCaseStatus};
use serde_json::Value;

use super::VERDICTS;

/// One offline run, every format written at once.
#[derive(Clone)]
pub(crate) struct Run {
    pub(crate) name: String,
    pub(crate) code: i32,
    pub(crate) json: Value,
    pub(crate) sarif: Value,
    pub(crate) junit: String,
    pub(crate) markdown: String,
    pub(crate) html: String,
    pub(crate) csv: String,
    pub(crate) table: String,
}

/// One finding of the JSON report, with where it is.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) claim: String,
    pub(crate) code: String,
    pub(crate) level: String,
    pub(crate) message: String,
    /// The claim's line for a claim-level finding, the citation's for a citation's.
    pub(crate) line: u64,
    /// A waiver applies: the finding stays visible but does not fail the check.
    pub(crate) waived: bool,
}

impl Finding {
    /// Deny and not waived: this finding fails the check.
    pub(crate) fn denies(&self) -> bool {
        self.level == "deny" && !self.waived
    }
}

/// One claim of the JSON report.
#[derive(Debug)]
pub(crate) struct Claim {
    pub(crate) id: String,
    pub(crate) verdict: String,
    pub(crate) citations: Vec<Value>,
    pub(crate) findings: Vec<Finding>,
}

impl Claim {
    pub(crate) fn denied(&self) -> bool {
        self.findings.iter().any(Finding::denies)
    }
}

pub(crate) fn text<'a>(value: &'a Value, what: &str) -> &'a str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"))
}

pub(crate) fn findings_of(value: &Value, claim: &str, line: u64) -> Vec<Finding> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{claim}: findings is not a list"))
        .iter()
        .map(|f| Finding {
            claim: claim.to_owned(),
            code: text(&f["code"], "code").to_owned(),
            level: text(&f["level"], "level").to_owned(),
            message: text(&f["message"], "message").to_owned(),
            // A wording finding is placed at its phrase, the others at their claim or
            // citation.
            line: f["wording"]["line"].as_u64().unwrap_or(line),
            waived: f["waiver"]["status"] == "applied",
        })
        .collect()
}

/// The claims of the JSON report, claim-level and citation-level findings together.
pub(crate) fn claims_of(json: &Value) -> Vec<Claim> {
    json["claims"]
        .as_array()
        .expect("claims is a list")
        .iter()
        .map(|c| {
            let id = text(&c["id"], "id").to_owned();
            let line = c["line"].as_u64().unwrap();
            let citations = c["citations"].as_array().unwrap().clone();
            let mut findings = findings_of(&c["findings"], &id, line);
            for citation in &citations {
                findings.extend(findings_of(
                    &citation["findings"],
                    &id,
                    citation["line"].as_u64().unwrap(),
                ));
            }
            Claim {
                verdict: text(&c["verdict"], "verdict").to_owned(),
                id,
                citations,
                findings,
            }
        })
        .collect()
}

/// What a run must give, apart from what the test derives from its JSON.
pub(crate) struct Expect<'a> {
    pub(crate) verdicts: &'a [(&'a str, &'a str)],
    pub(crate) exit: i32,
    /// How many findings are at level allow (each must show in every format).
    pub(crate) allowed: usize,
}

/// Every consistency check on one run; returns the claims for the caller's own checks.
pub(crate) fn check_run(run: &Run, expect: &Expect<'_>) -> Vec<Claim> {
    let name = &run.name;
    assert_eq!(run.json["schema"], "claimaudit/report/v2", "{name}");
    let claims = claims_of(&run.json);

    // The verdicts are the expected ones: no empty or partial report can pass.
    let got: Vec<(&str, &str)> = claims
        .iter()
        .map(|c| (c.id.as_str(), c.verdict.as_str()))
        .collect();
    assert_eq!(got, expect.verdicts, "{name}: verdicts");
    for claim in &claims {
        assert!(
            VERDICTS.contains(&claim.verdict.as_str()),
            "{name}: {} has an unknown verdict {}",
            claim.id,
            claim.verdict
        );
    }

    // 1. The exit code, worked out from the findings: 2 when anything is denied and not
    // waived, else 4 when a claim could not be checked, else 0.
    // The page's wording counts as a claim's does.
    let denied = claims.iter().any(Claim::denied) || page_of(&run.json).iter().any(|f| f.denies());
    let unchecked = claims.iter().any(|c| c.verdict == "not-checked");
    let derived = if denied {
        2
    } else if unchecked {
        4
    } else {
        0
    };
    assert_eq!(run.code, derived, "{name}: exit code vs the JSON findings");
    assert_eq!(run.code, expect.exit, "{name}: exit code");
    assert_eq!(
        run.json["exit_code"].as_i64(),
        Some(i64::from(run.code)),
        "{name}: the JSON's exit_code is the process's"
    );

    // 2. No supported claim with an unwaived deny finding, claim-level or citation-level;
    // and a supported claim has a supporting citation and every citation identified.
    for claim in claims.iter().filter(|c| c.verdict == "supported") {
        let denying: Vec<&Finding> = claim.findings.iter().filter(|f| f.denies()).collect();
        assert!(
            denying.is_empty(),
            "{name}: {} is supported with deny findings {denying:#?}",
            claim.id
        );
        assert!(
            claim.citations.iter().any(|c| c["supports"] == true),
            "{name}: {} is supported with no supporting citation",
            claim.id
        );
        for citation in &claim.citations {
            assert_eq!(
                citation["status"], "resolved",
                "{name}: {} is supported with a citation not identified",
                claim.id
            );
        }
    }
    for claim in claims.iter().filter(|c| c.verdict == "not-checked") {
        assert!(
            claim.citations.iter().any(|c| c["status"] == "not-checked"),
            "{name}: {} is not-checked but every citation was looked up",
            claim.id
        );
    }

    // 5. (with the format checks below) Allowed findings are there to be shown.
    let allowed = claims
        .iter()
        .flat_map(|c| &c.findings)
        .filter(|f| f.level == "allow")
        .count();
    assert_eq!(allowed, expect.allowed, "{name}: findings at level allow");

    // 4. The summary counts are the claims' and the findings'.
    check_summary(run, &claims);

    // 3 and 5. Every other format gives each claim the JSON's verdict and shows every
    // finding (allowed ones included).
    check_sarif(run, &claims);
    check_junit(run, &claims);
    check_markdown(run, &claims);
    check_html(run, &claims);
    check_csv(run, &claims);
    check_table(run, &claims);
    check_page(run);
    claims
}

pub(crate) fn check_summary(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let summary = &run.json["summary"];
    assert_eq!(
        summary["claims"].as_u64(),
        Some(claims.len() as u64),
        "{name}"
    );
    let counted: BTreeMap<&str, u64> = summary["verdicts"]
        .as_object()
        .expect("summary.verdicts is an object")
        .iter()
        .map(|(v, n)| (v.as_str(), n.as_u64().unwrap()))
        .collect();
    let listed: BTreeSet<&str> = counted.keys().copied().collect();
    assert_eq!(
        listed,
        VERDICTS.iter().copied().collect(),
        "{name}: every verdict is counted"
    );
    for verdict in VERDICTS {
        let n = claims.iter().filter(|c| c.verdict == verdict).count() as u64;
        assert_eq!(counted[verdict], n, "{name}: summary.verdicts.{verdict}");
    }
    let all = || claims.iter().flat_map(|c| &c.findings);
    let level = |l: &str| all().filter(|f| f.level == l && !f.waived).count() as u64;
    let findings = &summary["findings"];
    assert_eq!(
        findings["deny"].as_u64(),
        Some(level("deny")),
        "{name}: summary.findings.deny"
    );
    assert_eq!(
        findings["warn"].as_u64(),
        Some(level("warn")),
        "{name}: summary.findings.warn"
    );
    assert_eq!(
        findings["allow"].as_u64(),
        Some(level("allow")),
        "{name}: summary.findings.allow"
    );
    assert_eq!(
        findings["waived"].as_u64(),
        Some(all().filter(|f| f.waived).count() as u64),
        "{name}: summary.findings.waived"
    );
}

/// SARIF: one result per finding, at its line, at the mapped level, its message naming
/// the claim and its verdict, suppressed exactly when waived.
pub(crate) fn check_sarif(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let results = run.sarif["runs"][0]["results"]
        .as_array()
        .expect("SARIF results");
    let verdict_of: BTreeMap<&str, &str> = claims
        .iter()
        .map(|c| (c.id.as_str(), c.verdict.as_str()))
        .collect();
    let mut seen: Vec<(String, String, String, u64, String, bool)> = Vec::new();
    // The page's own results are checked by `check_page`.
    for result in results.iter().filter(|r| on_page(r).is_none()) {
        let key = text(
            &result["partialFingerprints"]["claimaudit/claim-code/v1"],
            "fingerprint",
        );
        let (id, _) = key.rsplit_once('/').unwrap();
        let message = text(&result["message"]["text"], "message");
        let verdict = verdict_of
            .get(id)
            .unwrap_or_else(|| panic!("{name}: SARIF result for unknown claim {id}"));
        let prefix = format!("{id} ({verdict}): ");
        assert!(
            message.starts_with(&prefix),
            "{name}: SARIF gives {id} another verdict than the JSON's {verdict}: {message}"
        );
        let suppressed = result["suppressions"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["status"] == "accepted"));
        seen.push((
            id.to_owned(),
            text(&result["ruleId"], "ruleId").to_owned(),
            text(&result["level"], "level").to_owned(),
            result["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap(),
            message[prefix.len()..].to_owned(),
            suppressed,
        ));
    }
    let mut expected: Vec<_> = claims
        .iter()
        .flat_map(|c| &c.findings)
        .map(|f| {
            let level = match f.level.as_str() {
                "deny" => "error",
                "warn" => "warning",
                "allow" => "note",
                other => panic!("{name}: unknown level {other}"),
            };
            (
                f.claim.clone(),
                f.code.clone(),
                level.to_owned(),
                f.line,
                f.message.clone(),
                f.waived,
            )
        })
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected, "{name}: SARIF results vs JSON findings");
}

/// JUnit: one test case per claim, failed exactly when a finding denies, skipped exactly
/// when not checked and nothing denies; the verdict in the failure and in system-out;
/// findings that do not deny (allowed ones included) in system-out.
pub(crate) fn check_junit(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let report = quick_junit::Report::deserialize_from_str(&run.junit)
        .unwrap_or_else(|e| panic!("{name}: JUnit does not parse: {e}"));
    let failing = claims.iter().filter(|c| c.denied()).count();
    let skipping = claims
        .iter()
        .filter(|c| !c.denied() && c.verdict == "not-checked")
        .count();
    // The page's suite, if any, is checked by `check_page`.
    let page = report.test_suites.get(1);
    assert_eq!(
        report.tests,
        claims.len() + page.map_or(0, |s| s.tests),
        "{name}: JUnit tests"
    );
    assert_eq!(
        report.failures,
        failing + page.map_or(0, |s| s.failures),
        "{name}: JUnit failures"
    );
    assert_eq!(report.skipped, skipping, "{name}: JUnit skipped");
    assert_eq!(
        report.test_suites.len(),
        1 + usize::from(run.json.get("page").is_some()),
        "{name}"
    );
    let cases = &report.test_suites[0].test_cases;
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let ids: Vec<&str> = claims.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        names, ids,
        "{name}: one JUnit test case per claim, in order"
    );
    for (case, claim) in cases.iter().zip(claims) {
        let id = &claim.id;
        match &case.status {
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                message,
                description,
                ..
            } => {
                assert!(claim.denied(), "{name}: {id} fails in JUnit with no deny");
                let message = message.as_ref().map_or("", |m| m.as_str());
                assert!(
                    message.starts_with(&format!("{}: ", claim.verdict)),
                    "{name}: JUnit gives {id} another verdict than {}: {message}",
                    claim.verdict
                );
                let description = description.as_ref().map_or("", |d| d.as_str());
                for f in claim.findings.iter().filter(|f| f.denies()) {
                    assert!(
                        description.contains(&format!("[{}] {}", f.code, f.message)),
                        "{name}: {id}'s JUnit failure lacks {f:?}"
                    );
                }
            }
            TestCaseStatus::Skipped { .. } => assert!(
                !claim.denied() && claim.verdict == "not-checked",
                "{name}: {id} ({}) is skipped in JUnit",
                claim.verdict
            ),
            TestCaseStatus::Success { .. } => assert!(
                !claim.denied() && claim.verdict != "not-checked",
                "{name}: {id} ({}) passes in JUnit",
                claim.verdict
            ),
            other => panic!("{name}: {id}: unexpected JUnit status {other:?}"),
        }
        let out = case.system_out.as_ref().map_or("", |s| s.as_str());
        assert!(
            out.contains(&format!("\nverdict: {} (", claim.verdict)),
            "{name}: JUnit system-out of {id} lacks its verdict {}: {out}",
            claim.verdict
        );
        for f in claim.findings.iter().filter(|f| !f.denies()) {
            let waived = if f.waived { " (waived until " } else { "" };
            assert!(
                out.contains(&format!(
                    "line {}: {} [{}] {}{waived}",
                    f.line, f.level, f.code, f.message
                )),
                "{name}: JUnit system-out of {id} lacks {f:?}: {out}"
            );
        }
    }
}

/// Markdown: the counts table, then one section "## <verdict> (<n>)" per verdict with a
/// row per claim naming each finding's code and level.
pub(crate) fn check_markdown(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let md = &run.markdown;
    for verdict in VERDICTS {
        let n = claims.iter().filter(|c| c.verdict == verdict).count();
        assert!(
            md.contains(&format!("\n| {verdict} | {n} |\n")),
            "{name}: Markdown counts {verdict}"
        );
    }
    let mut section: Option<(String, usize)> = None;
    let mut sections: Vec<(String, usize, usize)> = Vec::new();
    let mut rows: BTreeMap<String, (String, String)> = BTreeMap::new();
    for line in md.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some((verdict, n)) = section.take() {
                let listed = rows.values().filter(|(v, _)| *v == verdict).count();
                sections.push((verdict, n, listed));
            }
            section = heading.rsplit_once(" (").and_then(|(verdict, n)| {
                let n = n.strip_suffix(')')?.parse().ok()?;
                VERDICTS.contains(&verdict).then(|| (verdict.to_owned(), n))
            });
        } else if let (Some((verdict, _)), Some(row)) = (&section, line.strip_prefix("| `")) {
            let id = row.split('`').next().unwrap().to_owned();
            let previous = rows.insert(id.clone(), (verdict.clone(), line.to_owned()));
            assert!(previous.is_none(), "{name}: {id} twice in Markdown");
        }
    }
    if let Some((verdict, n)) = section.take() {
        let listed = rows.values().filter(|(v, _)| *v == verdict).count();
        sections.push((verdict, n, listed));
    }
    for (verdict, n, listed) in &sections {
        assert_eq!(
            n, listed,
            "{name}: Markdown section {verdict} counts its rows"
        );
    }
    assert_eq!(rows.len(), claims.len(), "{name}: every claim in Markdown");
    for claim in claims {
        let (verdict, row) = rows
            .get(&claim.id)
            .unwrap_or_else(|| panic!("{name}: {} missing from Markdown", claim.id));
        assert_eq!(
            verdict, &claim.verdict,
            "{name}: Markdown lists {} under another verdict",
            claim.id
        );
        for f in &claim.findings {
            let waived = if f.waived { " (waived)" } else { "" };
            assert!(
                row.contains(&format!("`{}` {}{waived}", f.code, f.level)),
                "{name}: Markdown row of {} lacks {f:?}: {row}",
                claim.id
            );
        }
    }
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// HTML: a card per claim that cites something, then every uncited claim as a row of one
/// table; each carries its verdict and lists its findings (an uncited claim's own
/// uncited-claim finding is the table's heading).
pub(crate) fn check_html(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let html = &run.html;
    let marker = " class=\"claim\" id=\"claim-";
    let elements: Vec<&str> = html.split(marker).skip(1).collect();
    let listed: Vec<(&str, &str)> = elements
        .iter()
        .map(|a| {
            let (id, rest) = a.split_once('"').unwrap();
            let verdict = rest
                .strip_prefix(" data-verdict=\"")
                .and_then(|r| r.split_once('"'))
                .map(|(v, _)| v)
                .unwrap_or_else(|| panic!("{name}: HTML claim {id} has no data-verdict"));
            (id, verdict)
        })
        .collect();
    // Cards first, in file order; then the uncited claims, in file order.
    let mut ordered: Vec<&Claim> = claims.iter().filter(|c| c.verdict != "uncited").collect();
    ordered.extend(claims.iter().filter(|c| c.verdict == "uncited"));
    let expected: Vec<(&str, &str)> = ordered
        .iter()
        .map(|c| (c.id.as_str(), c.verdict.as_str()))
        .collect();
    assert_eq!(listed, expected, "{name}: HTML verdicts");
    for (element, claim) in elements.iter().zip(ordered) {
        let element = element
            .split("</article>")
            .next()
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        for f in &claim.findings {
            if claim.verdict == "uncited" && f.code == "uncited-claim" {
                continue;
            }
            let code = format!(
                "<span class=\"{0}\">{0}</span> <code>{1}</code>: ",
                f.level, f.code
            );
            // A wording finding is shown as its phrase with its line, then the rule's
            // sentence once for all its phrases.
            let said = match f.message.split_once("”: ") {
                Some((phrase, sentence)) => {
                    element.contains(&escape_html(phrase))
                        && element.contains(&escape_html(sentence))
                }
                None => element.contains(&escape_html(&f.message)),
            };
            assert!(
                element.contains(&code) && said,
                "{name}: HTML article of {} lacks {f:?}",
                claim.id
            );
        }
        assert_eq!(
            element.contains("(waived until"),
            claim.findings.iter().any(|f| f.waived),
            "{name}: HTML marks the waived findings of {}",
            claim.id
        );
    }
}

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else {
            match c {
                '"' if field.is_empty() => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                c => field.push(c),
            }
        }
    }
    assert!(!quoted, "an unterminated quoted CSV field");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// CSV: one row per claim and citation (one row for a claim without), the verdict in the
/// fourth column, every finding's level and code in the findings column.
pub(crate) fn check_csv(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let records = parse_csv(&run.csv);
    let header = &records[0];
    assert_eq!(header[0], "claim_id", "{name}");
    assert_eq!(header[3], "verdict", "{name}");
    let findings_column = header
        .iter()
        .position(|h| h == "findings")
        .expect("a findings column");
    // The page's rows (no claim id, kind `page`) follow the claims' and are checked by
    // `check_page`.
    let rows: Vec<&Vec<String>> = records[1..].iter().filter(|r| !is_page_row(r)).collect();
    for row in &records[1..] {
        assert_eq!(row.len(), header.len(), "{name}: CSV row {row:?}");
    }
    let expected_rows: usize = claims.iter().map(|c| c.citations.len().max(1)).sum();
    assert_eq!(
        rows.len(),
        expected_rows,
        "{name}: one CSV row per claim x citation"
    );
    let mut at = 0;
    for claim in claims {
        let own = &rows[at..at + claim.citations.len().max(1)];
        at += own.len();
        for row in own {
            assert_eq!(row[0], claim.id, "{name}: CSV rows in claim order");
            assert_eq!(
                row[3], claim.verdict,
                "{name}: CSV gives {} another verdict",
                claim.id
            );
        }
        // "level:code@line(waived)": the line is checked against JSON elsewhere.
        let labels: BTreeSet<String> = own
            .iter()
            .flat_map(|r| r[findings_column].split("; "))
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once('@') {
                Some((label, rest)) => {
                    format!(
                        "{label}{}",
                        rest.trim_start_matches(|c: char| c.is_ascii_digit())
                    )
                }
                None => l.to_owned(),
            })
            .collect();
        for f in &claim.findings {
            let waived = if f.waived { "(waived)" } else { "" };
            let label = format!("{}:{}{waived}", f.level, f.code);
            assert!(
                labels.contains(&label),
                "{name}: CSV rows of {} lack {label}: {labels:?}",
                claim.id
            );
        }
    }
}

/// The table: after the line saying what the run rests on, a row per claim (its wording,
/// findings and note on lines of their own below it) with its verdict in the third column
/// and each finding's level and code, then one line per finding with its line in the
/// claims file.
pub(crate) fn check_table(run: &Run, claims: &[Claim]) {
    let name = &run.name;
    let mut lines = run.table.lines().skip_while(|l| !l.starts_with("CLAIM "));
    let header = lines
        .next()
        .unwrap_or_else(|| panic!("{name}: no table header"));
    assert!(header.starts_with("CLAIM "), "{name}: {header}");
    let mut rows: Vec<String> = Vec::new();
    for line in lines.take_while(|l| !l.trim().is_empty()) {
        match rows.last_mut() {
            Some(row) if line.starts_with(' ') => {
                row.push(' ');
                row.push_str(line.trim());
            }
            _ => rows.push(line.to_owned()),
        }
    }
    assert_eq!(rows.len(), claims.len(), "{name}: one table row per claim");
    for (row, claim) in rows.iter().zip(claims) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[0], claim.id, "{name}: table rows in claim order");
        assert_eq!(
            cells[2], claim.verdict,
            "{name}: the table gives {} another verdict",
            claim.id
        );
        for f in &claim.findings {
            let level = if f.waived { "waived" } else { f.level.as_str() };
            let code = format!("{level}:{}", f.code);
            assert!(
                cells.contains(&code.as_str()),
                "{name}: table row of {} lacks {code}: {row}",
                claim.id
            );
            let detail = format!(
                "  {}:{}: {} [{}] {}: {}",
                run_file(run),
                f.line,
                f.level,
                f.code,
                claim.id,
                f.message
            );
            assert!(
                run.table.contains(&detail),
                "{name}: the table's findings lack {detail}"
            );
        }
    }
}

/// The claims file as the report names it.
pub(crate) fn run_file(run: &Run) -> &str {
    text(&run.json["claims_file"], "claims_file")
}

/// One wording finding of the page the claims were drafted from, as the JSON gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PageFinding {
    pub(crate) line: u64,
    pub(crate) column: u64,
    pub(crate) code: String,
    pub(crate) level: String,
}

impl PageFinding {
    fn denies(&self) -> bool {
        self.level == "deny"
    }
}

/// The page's findings in the JSON report; none without a page.
pub(crate) fn page_of(json: &Value) -> Vec<PageFinding> {
    let Some(page) = json.get("page") else {
        return Vec::new();
    };
    page["findings"]
        .as_array()
        .expect("page.findings is a list")
        .iter()
        .map(|f| PageFinding {
            line: f["line"].as_u64().unwrap(),
            column: f["column"].as_u64().unwrap(),
            code: text(&f["code"], "code").to_owned(),
            level: text(&f["level"], "level").to_owned(),
        })
        .collect()
}

/// A SARIF result's place when it is in the page (the run's second artifact).
fn on_page(result: &Value) -> Option<(u64, u64)> {
    let location = &result["locations"][0]["physicalLocation"];
    (location["artifactLocation"]["index"] == 1).then(|| {
        let region = &location["region"];
        (
            region["startLine"].as_u64().unwrap(),
            region["startColumn"].as_u64().unwrap(),
        )
    })
}

/// A CSV row of the page's wording: no claim id, `page` as the kind.
fn is_page_row(row: &[String]) -> bool {
    row[0].is_empty() && row[1] == "page"
}

/// The page's wording findings, outside the claims: counted in the summary, and each
/// shown in every format at its page line (and column where the format gives one), at
/// its level. Without a page, no format shows one.
pub(crate) fn check_page(run: &Run) {
    let name = &run.name;
    let mut expected = page_of(&run.json);
    expected.sort();
    let page = run.json.get("page");
    let path = page.map_or("", |p| text(&p["path"], "page.path"));
    let count = |level: &str| expected.iter().filter(|f| f.level == level).count() as u64;
    match run.json["summary"].get("page_findings") {
        Some(counts) => {
            assert!(page.is_some(), "{name}: page counts without a page");
            for level in ["deny", "warn", "allow"] {
                assert_eq!(
                    counts[level].as_u64(),
                    Some(count(level)),
                    "{name}: summary.page_findings.{level}"
                );
            }
        }
        None => assert!(page.is_none(), "{name}: a page without its counts"),
    }

    let mut sarif: Vec<PageFinding> = run.sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let (line, column) = on_page(r)?;
            let level = match text(&r["level"], "level") {
                "error" => "deny",
                "warning" => "warn",
                _ => "allow",
            };
            Some(PageFinding {
                line,
                column,
                code: text(&r["ruleId"], "ruleId").to_owned(),
                level: level.to_owned(),
            })
        })
        .collect();
    sarif.sort();
    assert_eq!(sarif, expected, "{name}: SARIF results on the page vs JSON");

    let junit = quick_junit::Report::deserialize_from_str(&run.junit).unwrap();
    let mut cases: Vec<PageFinding> = Vec::new();
    if let Some(suite) = junit.test_suites.get(1) {
        assert_eq!(suite.name.as_str(), path, "{name}: the page's JUnit suite");
        for case in suite
            .test_cases
            .iter()
            .filter(|c| c.name.as_str() != "wording")
        {
            let (place, code) = case.name.split_once(' ').unwrap();
            let (line, column) = place.split_once(':').unwrap();
            let failed = matches!(
                case.status,
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Failure,
                    ..
                }
            );
            let level = match (failed, case.system_out.as_ref()) {
                (true, _) => "deny".to_owned(),
                (false, Some(out)) => out.split(':').next().unwrap().to_owned(),
                (false, None) => panic!(
                    "{name}: JUnit page case {} says nothing",
                    case.name.as_str()
                ),
            };
            cases.push(PageFinding {
                line: line.parse().unwrap(),
                column: column.parse().unwrap(),
                code: code.to_owned(),
                level,
            });
        }
    }
    cases.sort();
    assert_eq!(cases, expected, "{name}: JUnit page cases vs JSON");

    let records = parse_csv(&run.csv);
    let findings_column = records[0].iter().position(|h| h == "findings").unwrap();
    let mut rows: Vec<(u64, String)> = records[1..]
        .iter()
        .filter(|r| is_page_row(r))
        .map(|r| (r[2].parse().unwrap(), r[findings_column].clone()))
        .collect();
    rows.sort();
    let mut labels: Vec<(u64, String)> = expected
        .iter()
        .map(|f| (f.line, format!("{}:{}@{}", f.level, f.code, f.line)))
        .collect();
    labels.sort();
    assert_eq!(rows, labels, "{name}: CSV page rows vs JSON");

    for f in &expected {
        let (line, column, code, level) = (f.line, f.column, &f.code, &f.level);
        let shown = [
            (
                "the table",
                &run.table,
                format!("  {path}:{line}:{column}: {level} [{code}] "),
            ),
            (
                "Markdown",
                &run.markdown,
                format!("| {line}:{column} | {level} | `{code}` | "),
            ),
            (
                "HTML",
                &run.html,
                format!("<div class=\"finding {level}\" data-code=\"{code}\">"),
            ),
            (
                "HTML",
                &run.html,
                format!("line {line}, column {column}</span>"),
            ),
        ];
        for (format, text, wanted) in shown {
            assert!(
                text.contains(&wanted),
                "{name}: {format} lacks the page's {f:?}"
            );
        }
    }
    let cards = run.html.matches("<div class=\"finding ").count();
    assert_eq!(cards, expected.len(), "{name}: HTML page findings");
    let heading = "Page wording (outside the claims)";
    assert_eq!(run.table.contains(heading), page.is_some(), "{name}: table");
    let heading = "## Page wording outside the claims: ";
    assert_eq!(
        run.markdown.contains(heading),
        page.is_some(),
        "{name}: Markdown"
    );
}
