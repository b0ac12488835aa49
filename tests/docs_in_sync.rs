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
