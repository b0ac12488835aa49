//! The labelled lint corpora (`tests/lint_corpus/`, described in its README), read with
//! their invariants checked.

use std::collections::HashSet;
use std::path::Path;

use claimaudit::lint::{ProductClass, RuleSet};

pub struct Row {
    pub flag: bool,
    pub rules: Vec<String>,
    pub class: ProductClass,
    pub text: String,
}

pub const HEADER: &str = "label\trules\tclass\ttext";

/// The rows of one corpus file, its invariants checked as it is read (the corpus README,
/// "Invariants"): the header, four fields, a known label, codes exactly on flagged rows and
/// each a rule's code, a known class, no text twice.
pub fn rows(file: &str) -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lint_corpus")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(HEADER), "{file}: header");
    let codes: HashSet<&str> = RuleSet::builtin().codes().collect();
    let mut seen = HashSet::new();
    lines
        .enumerate()
        .map(|(i, line)| {
            let at = format!("{file}:{}", i + 2);
            let fields: Vec<&str> = line.split('\t').collect();
            let [label, rules, class, text] = fields[..] else {
                panic!("{at}: not four tab-separated fields: {line}")
            };
            let flag = match label {
                "flag" => true,
                "clean" => false,
                other => panic!("{at}: label `{other}` is neither flag nor clean"),
            };
            let rules: Vec<String> = rules
                .split(',')
                .filter(|r| !r.is_empty())
                .map(String::from)
                .collect();
            assert_eq!(flag, !rules.is_empty(), "{at}: codes go with flag, only");
            for code in &rules {
                assert!(codes.contains(code.as_str()), "{at}: no rule `{code}`");
            }
            assert!(seen.insert(text.to_lowercase()), "{at}: text twice: {text}");
            Row {
                flag,
                rules,
                class: class
                    .parse()
                    .unwrap_or_else(|_| panic!("{at}: class `{class}`")),
                text: text.to_owned(),
            }
        })
        .collect()
}
