//! The wording lint on the first real input, the clinic page of ../shared/seed: every
//! phrase of section 3 of ../shared/notes/regulatory.md is flagged with the rules that
//! table names, at the phrase's own line and column; the page's disclosures are checked;
//! and `check claims.yaml` reports the wording findings of the transcribed claims.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn seed() -> Option<PathBuf> {
    let fixtures = common::eutils_fixtures()?;
    // ../shared/fixtures/eutils → ../shared/seed
    let seed = fixtures.join("../../seed/clinic-exosome-page.ja.txt");
    assert!(seed.is_file(), "{} is missing", seed.display());
    Some(seed)
}

/// Section 3 of regulatory.md: each seed phrase and the rules its table row names
/// (in this project's codes; the page-level rows are checked apart below).
const SECTION_3: &[(&str, &[&str])] = &[
    (
        "免疫原性が低く、腫瘍形成リスクがない",
        &["safety-absolute", "mechanism-extrapolation"],
    ),
    (
        "純度が高く、安全性が保証されている",
        &["safety-absolute", "guarantee", "proof-claim"],
    ),
    (
        "MHCクラスII抗原の発現がなく、免疫拒絶リスクが極めて低い",
        &["mechanism-extrapolation", "safety-superlative"],
    ),
    (
        "骨髄由来MSCの約3倍の増殖速度",
        &["comparative", "mechanism-extrapolation", "proof-claim"],
    ),
    (
        "多くの方は1~3回の治療で効果を実感",
        &["testimonial", "unsupported-stat", "onset-speed"],
    ),
    (
        "即時的効果(当日〜1週間):肌のハリ感、疲労感の軽減",
        &["onset-speed", "rejuvenation", "efficacy-claim"],
    ),
    (
        "重大な安全性情報については、現時点では報告されていません",
        &["no-safety-reports"],
    ),
];

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line as u64, column as u64)
}

fn lint_json(args: &[&str], seed: &Path, code: i32) -> Value {
    let output = common::claimaudit(Path::new("cache"))
        .arg("lint")
        .arg(seed)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn every_seed_phrase_of_section_3_is_flagged_with_its_rules_where_it_stands() {
    let Some(seed) = seed() else { return };
    let page = std::fs::read_to_string(&seed).unwrap();
    let report = lint_json(&[], &seed, 2);
    let file = &report["files"][0];
    assert_eq!(
        file["class"]["class"], "clinic",
        "「当院」 makes it a clinic page"
    );
    let findings = file["findings"].as_array().unwrap();
    let mut wrong = Vec::new();
    for (phrase, rules) in SECTION_3 {
        let start = page
            .find(phrase)
            .unwrap_or_else(|| panic!("{phrase} is not on the seed page"));
        let (line, first) = line_column(&page, start);
        let last = first + phrase.chars().count() as u64;
        for rule in *rules {
            let inside = findings.iter().any(|f| {
                f["code"] == *rule
                    && f["line"] == line
                    && f["column"].as_u64().unwrap() >= first
                    && f["end_column"].as_u64().unwrap() <= last
            });
            if !inside {
                wrong.push(format!(
                    "{phrase} (line {line}, columns {first}-{last}): no `{rule}`"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The absolute-safety phrases deny whatever the sources.
    let denied: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "safety-absolute")
        .map(|f| f["phrase"].as_str().unwrap())
        .collect();
    assert!(
        denied.contains(&"リスクがない") && denied.contains(&"安全性が保証"),
        "{denied:?}"
    );
}

#[test]
fn the_seed_pages_disclosures_are_checked() {
    let Some(seed) = seed() else { return };
    let report = lint_json(&[], &seed, 2);
    let missing: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .filter(|code| code.starts_with("disclosure-"))
        .collect();
    // The page gives no price, and does not say the relief system does not cover the
    // treatment; it does state the other free-practice and unapproved-medicine items.
    assert_eq!(missing, ["disclosure-cost", "disclosure-relief-system"]);
    // The table says what made the unapproved-medicine disclosure needed.
    let table = common::claimaudit(Path::new("cache"))
        .arg("lint")
        .arg(&seed)
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    let relief = table
        .split("[disclosure-relief-system]")
        .nth(1)
        .expect("the relief-system disclosure is in the table");
    let reason = relief.lines().nth(2).unwrap_or_default();
    assert!(
        reason.trim_start().starts_with("needed because of “"),
        "{relief}"
    );
    // Said to be something other than a clinic's page, it needs none of them.
    let as_cosmetic = lint_json(&["--class", "cosmetic"], &seed, 2);
    assert!(
        !as_cosmetic["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"].as_str().unwrap().starts_with("disclosure-"))
    );
}

#[test]
fn check_reports_the_wording_of_the_transcribed_claims() {
    if common::eutils_fixtures().is_none() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let output = common::claimaudit(cache.path())
        .current_dir(root)
        .env_remove("NCBI_EMAIL")
        .args([
            "check",
            "--offline",
            "--quiet",
            "--format",
            "json",
            "claims.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let claim = |id: &str| {
        report["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no claim {id}"))
            .clone()
    };
    let codes = |id: &str| -> Vec<String> {
        claim(id)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    for (id, rule) in [
        ("no-tumor-risk", "safety-absolute"),
        ("purity-safety-guaranteed", "safety-absolute"),
        ("dpsc-no-mhc-ii", "safety-superlative"),
        ("dpsc-proliferation-3x", "comparative"),
        ("no-serious-safety-reports", "no-safety-reports"),
        ("effect-in-1-to-3-sessions", "testimonial"),
    ] {
        assert!(
            codes(id).contains(&rule.to_owned()),
            "{id}: {:?}",
            codes(id)
        );
    }
    // Wording that denies whatever the sources makes the verdict `wording`.
    assert_eq!(claim("no-tumor-risk")["verdict"], "wording");
    let place = claim("no-tumor-risk")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "safety-absolute")
        .unwrap()["wording"]
        .clone();
    assert_eq!(place["phrase"], "リスクがない");
    assert!(
        place["end_column"].is_u64(),
        "the claims file writes the text inline"
    );
}
