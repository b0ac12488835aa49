//! Prose that describes the code must follow the code: the README's exit codes and
//! finding codes, `--help`, and the JSON Schema's enumerations.

mod common;

use std::path::Path;

use claimaudit::claims::ClaimKind;
use claimaudit::exit::Exit;
use claimaudit::findings::Code;
use claimaudit::judge::Verdict;
use claimaudit::judge::evidence::{Basis, Confidence, Design, Flag, Population};
use claimaudit::lint::{Jurisdiction, ProductClass};
use claimaudit::policy::{Level, WaiverOutcome};
use claimaudit::resolve::ResolutionStatus;
use serde::Serialize;
use serde_json::Value;
use strum::VariantArray;

fn repo_file(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn names<T: Serialize>(values: &[T]) -> Vec<String> {
    values
        .iter()
        .map(|v| match serde_json::to_value(v).unwrap() {
            Value::String(name) => name,
            other => panic!("{other} does not serialize as a name"),
        })
        .collect()
}

fn help(args: &[&str]) -> String {
    let output = common::claimaudit(Path::new("cache"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_exit_codes_read_the_same_in_help_and_readme() {
    let codes = Exit::help();
    let readme = repo_file("README.md");
    assert!(
        readme.contains(&format!("```\n{codes}```")),
        "README.md's exit codes differ from the code; they should read:\n{codes}"
    );
    assert!(help(&["--help"]).contains(&codes), "claimaudit --help");
    assert!(help(&["check", "--help"]).contains(&codes), "check --help");
    for (exit, code) in Exit::ALL.iter().zip(0..) {
        assert_eq!(exit.code(), code, "exit codes are 0..=4 in order");
    }
}

#[test]
fn every_finding_code_is_in_the_readme_and_check_help_with_its_default_level() {
    let readme = repo_file("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .filter(|line| line.starts_with("| `") && line.matches('|').count() == 5)
        .filter(|line| {
            let level = line.split('|').nth(2).unwrap_or("").trim();
            Level::parse(level).is_some()
        })
        .collect();
    let expected: Vec<String> = Code::ALL
        .iter()
        .map(|code| {
            format!(
                "| `{}` | {} | {} | {} |",
                code.as_str(),
                code.default_level().as_str(),
                if code.is_guarded() { "no" } else { "yes" },
                code.summary()
            )
        })
        .collect();
    assert_eq!(
        rows,
        expected,
        "README.md's finding-code table should read:\n{}",
        expected.join("\n")
    );
    let check_help = help(&["check", "--help"]);
    for code in Code::ALL {
        assert!(
            check_help.contains(&format!(
                "{:<22} {:<5}{} {}",
                code.as_str(),
                code.default_level().as_str(),
                if code.is_guarded() { "*" } else { " " },
                code.summary()
            )),
            "check --help lacks {code}"
        );
    }
    for verdict in Verdict::ALL {
        assert!(
            readme.contains(&format!("\n| `{}` | ", verdict.as_str())),
            "README.md's verdict table lacks {}",
            verdict.as_str()
        );
        assert!(
            check_help.contains(verdict.meaning()),
            "check --help lacks the verdict {}",
            verdict.as_str()
        );
    }
}

/// The list of strings at `pointer` in the report's JSON Schema.
fn strings_at(schema: &Value, pointer: &str) -> Vec<String> {
    schema
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no list at {pointer}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_report_schema_lists_exactly_the_values_the_code_writes() {
    let schema: Value =
        serde_json::from_str(claimaudit::report::REPORT_JSON_SCHEMA).expect("the schema is JSON");
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "/$defs/finding/properties/code/anyOf/0/enum",
            names(Code::ALL),
        ),
        (
            "/properties/waivers/items/properties/code/anyOf/0/enum",
            names(Code::ALL),
        ),
        (
            "/properties/product/properties/class/oneOf/1/enum",
            names(ProductClass::VARIANTS),
        ),
        (
            "/properties/product/properties/jurisdictions/items/enum",
            names(Jurisdiction::VARIANTS),
        ),
        (
            "/$defs/finding/properties/level/enum",
            names(Level::VARIANTS),
        ),
        (
            "/properties/waivers/items/properties/status/enum",
            names(WaiverOutcome::VARIANTS),
        ),
        (
            "/$defs/evidence/properties/design/enum",
            names(Design::VARIANTS),
        ),
        (
            "/$defs/claim/properties/best_evidence/oneOf/1/properties/design/enum",
            names(Design::VARIANTS),
        ),
        (
            "/$defs/evidence/properties/population/enum",
            names(Population::VARIANTS),
        ),
        (
            "/$defs/evidence/properties/basis/items/enum",
            names(Basis::VARIANTS),
        ),
        (
            "/$defs/evidence/properties/confidence/enum",
            names(Confidence::VARIANTS),
        ),
        (
            "/$defs/citation/properties/status/enum",
            names(ResolutionStatus::VARIANTS),
        ),
        (
            "/$defs/citation/properties/flags/items/enum",
            names(Flag::VARIANTS),
        ),
        (
            "/$defs/claim/properties/kind/enum",
            names(ClaimKind::VARIANTS),
        ),
        ("/$defs/claim/properties/verdict/enum", names(Verdict::ALL)),
    ];
    // Every verdict is a key of the summary too.
    let summary = "/properties/summary/properties/verdicts/required";
    let cases = cases.into_iter().chain([(summary, names(Verdict::ALL))]);
    for (pointer, mut expected) in cases {
        let mut listed = strings_at(&schema, pointer);
        listed.sort();
        expected.sort();
        assert_eq!(listed, expected, "{pointer}");
    }
}

/// The block of the README that follows `marker`: the text between the next "```" line
/// and the closing "```".
fn readme_block<'r>(readme: &'r str, marker: &str) -> &'r str {
    let after = readme
        .split_once(marker)
        .unwrap_or_else(|| panic!("README.md lacks {marker}"))
        .1;
    let body = after.split_once("```\n").expect("a fenced block").1;
    body.split_once("```").expect("a closed block").0
}

#[test]
fn the_readme_shows_the_real_lint_output_for_the_seed_page() {
    if common::eutils_fixtures().is_none() {
        return;
    }
    // As the README runs it: from the repository, ../shared beside it.
    let seed = "../shared/seed/clinic-exosome-page.ja.txt";
    let output = common::claimaudit(Path::new("cache"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["lint", seed])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let shown = format!(
        "$ claimaudit lint {seed}\n{}",
        String::from_utf8(output.stdout).unwrap()
    );
    let readme = repo_file("README.md");
    assert!(
        readme_block(&readme, "<!-- lint-seed-output") == shown,
        "README.md's lint output for the seed page should read:\n{shown}"
    );
}

#[test]
fn every_wording_rule_is_in_the_readme_with_its_levels() {
    let readme = repo_file("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .filter(|line| line.starts_with("| `") && line.matches('|').count() == 6)
        .collect();
    let expected: Vec<String> = claimaudit::lint::RuleSet::builtin()
        .rules()
        .iter()
        .map(|rule| {
            let mut level = rule.levels.default.as_str().to_owned();
            for (class, by_class) in &rule.levels.by_class {
                level.push_str(&format!(", {}: {}", class.as_str(), by_class.as_str()));
            }
            let places: Vec<&str> = rule.jurisdictions.iter().map(|j| j.as_str()).collect();
            let classes: Vec<&str> = rule.classes.iter().map(|c| c.as_str()).collect();
            format!(
                "| `{}` | {level} | {} | {} | {} |",
                rule.code,
                places.join(", "),
                if classes.is_empty() {
                    "all".to_owned()
                } else {
                    classes.join(", ")
                },
                rule.name
            )
        })
        .collect();
    assert_eq!(
        rows,
        expected,
        "README.md's wording-rule table should read:\n{}",
        expected.join("\n")
    );
}

#[test]
fn the_readme_names_the_rust_version_cargo_toml_requires() {
    let manifest = repo_file("Cargo.toml");
    let required = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("Cargo.toml sets rust-version");
    let readme = repo_file("README.md");
    let said: Vec<&str> = readme
        .split("Needs Rust ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert!(!said.is_empty(), "the README says which Rust it needs");
    assert!(
        said.iter().all(|v| *v == required),
        "README says Rust {said:?}, Cargo.toml requires {required}"
    );
}
