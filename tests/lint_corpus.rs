//! The wording lint against labelled, real-looking copy (`tests/lint_corpus/`, written
//! for this project and labelled by regulatory judgement, not by the rules). The bar is
//! the issue's: flag at least 9 in 10 of the sentences a reviewer flags, and leave at
//! least 19 in 20 of the clean ones alone. The development sets (`dev*`) meet it; the
//! held-out set (`final-*`), which no one tuning the rules has read, is guarded at what
//! it measured (see `held_out`).

mod common;

use std::collections::HashSet;

use claimaudit::lint::{Linter, ProductClass, RuleSet};
use common::corpus::rows;

#[test]
fn the_held_out_set_shares_no_text_with_the_development_sets() {
    for language in ["ja", "en"] {
        let developed: HashSet<String> = (1..=10)
            .flat_map(|n| rows(&format!("dev{n}-{language}.tsv")))
            .map(|row| row.text.to_lowercase())
            .collect();
        let shared = rows(&format!("final-{language}.tsv"))
            .into_iter()
            .filter(|row| developed.contains(&row.text.to_lowercase()))
            .count();
        assert_eq!(shared, 0, "final-{language}.tsv: rows already tuned on");
    }
}

/// How the rules did on one corpus.
struct Score {
    found: usize,
    flagged: usize,
    passed: usize,
    clean: usize,
    misses: Vec<String>,
    alarms: Vec<String>,
}

impl Score {
    fn recall(&self) -> f64 {
        self.found as f64 / self.flagged as f64
    }

    fn pass_rate(&self) -> f64 {
        self.passed as f64 / self.clean as f64
    }

    fn summary(&self, file: &str) -> String {
        format!(
            "{file}: flagged {} of {} ({:.3}); left alone {} of {} clean ({:.3})",
            self.found,
            self.flagged,
            self.recall(),
            self.passed,
            self.clean,
            self.pass_rate()
        )
    }
}

fn measure(file: &str) -> Score {
    let set = RuleSet::builtin();
    let linters: Vec<(ProductClass, Linter<'_>)> = ProductClass::ALL
        .iter()
        .map(|&class| (class, Linter::new(set, Some(class), &[])))
        .collect();
    let mut score = Score {
        found: 0,
        flagged: 0,
        passed: 0,
        clean: 0,
        misses: Vec::new(),
        alarms: Vec::new(),
    };
    for row in rows(file) {
        let linter = &linters.iter().find(|(c, _)| *c == row.class).unwrap().1;
        let hits = linter.phrases(&row.text);
        match (row.flag, hits.is_empty()) {
            (true, false) => score.found += 1,
            (true, true) => score.misses.push(format!(
                "{} [{}] {}",
                row.rules.join(","),
                row.class.as_str(),
                row.text
            )),
            (false, true) => score.passed += 1,
            (false, false) => {
                let phrases: Vec<String> = hits
                    .iter()
                    .map(|h| format!("{}:{}", h.rule.code, h.phrase))
                    .collect();
                score.alarms.push(format!(
                    "[{}] {} <= {}",
                    row.class.as_str(),
                    row.text,
                    phrases.join(" | ")
                ));
            }
        }
        if row.flag {
            score.flagged += 1;
        } else {
            score.clean += 1;
        }
    }
    assert!(
        score.flagged >= 50 && score.clean >= 100,
        "{file}: the corpus is too small"
    );
    score
}

/// The bar: flag at least 9 in 10 of what a reviewer flags, leave at least 19 in
/// 20 of the clean sentences alone.
const TARGET_RECALL: f64 = 0.9;
const TARGET_PASS_RATE: f64 = 0.95;

/// A development corpus: the rules were tuned on it, so it must meet the bar, and a
/// failure lists every miss and false alarm to work from.
fn development(file: &str) {
    let score = measure(file);
    eprintln!("{}", score.summary(file));
    assert!(
        score.recall() >= TARGET_RECALL && score.pass_rate() >= TARGET_PASS_RATE,
        "{} (need {TARGET_RECALL} and {TARGET_PASS_RATE})\nmissed:\n  {}\nfalse alarms:\n  {}",
        score.summary(file),
        score.misses.join("\n  "),
        score.alarms.join("\n  ")
    );
}

/// The held-out corpus: written apart from the rules and never read while tuning them.
/// Measured when it was added: ja flagged 155 of 193 (0.803) and left alone 280 of 282
/// (0.993); en 197 of 227 (0.868) and 288 of 295 (0.976). After the rules learned from
/// development sets 9 and 10 (counts only, never its misses): ja 156 of 193, en 203 of 227,
/// below the 0.9 target. With the wording model behind the rules (its settings chosen on
/// sets 9 and 10 beforehand): ja 188 of 193 (0.974) and 275 of 282 (0.975); en 218 of 227
/// (0.960) and 286 of 295 (0.969). This test guards what was measured (a change may not
/// lose any of it) and the 0.95 bar for clean copy. It prints counts only: a list of its
/// misses would turn it into development copy for whoever read it.
fn held_out(file: &str, measured_found: usize) {
    let score = measure(file);
    eprintln!("{}", score.summary(file));
    assert!(
        score.found >= measured_found && score.pass_rate() >= TARGET_PASS_RATE,
        "{}: below what was measured when the set was added ({measured_found} flagged) or \
         below {TARGET_PASS_RATE} left alone. Its misses are not printed on purpose: fix \
         the rules on the development sets, or retire this set to development (rename it \
         devN) and write a new held-out one.",
        score.summary(file)
    );
}

#[test]
fn japanese_development_copy() {
    for n in 1..=10 {
        development(&format!("dev{n}-ja.tsv"));
    }
}

#[test]
fn english_development_copy() {
    for n in 1..=10 {
        development(&format!("dev{n}-en.tsv"));
    }
}

#[test]
fn japanese_held_out_copy() {
    held_out("final-ja.tsv", 188);
}

#[test]
fn english_held_out_copy() {
    held_out("final-en.tsv", 218);
}

#[test]
#[ignore]
fn per_rule_recall() {
    let set = RuleSet::builtin();
    for file in ["dev8-ja.tsv", "dev8-en.tsv"] {
        let mut stats: std::collections::BTreeMap<String, (usize, usize, usize)> =
            Default::default();
        for row in rows(file) {
            if !row.flag {
                continue;
            }
            let linter = Linter::new(set, Some(row.class), &[]);
            let hits = linter.phrases(&row.text);
            let first = row.rules[0].clone();
            let e = stats.entry(first.clone()).or_default();
            e.0 += 1;
            if !hits.is_empty() {
                e.1 += 1;
            }
            if hits.iter().any(|h| h.rule.code == first) {
                e.2 += 1;
            }
        }
        eprintln!("{file}");
        for (rule, (n, any, exact)) in stats {
            eprintln!("  {rule:28} {n:3} any {any:3} exact {exact:3}");
        }
    }
}

/// The misses and false alarms of one corpus (`CORPUS=dev5-ja.tsv`), for tuning rules on
/// the development corpora: `cargo test --test lint_corpus show -- --ignored --nocapture`.
#[test]
#[ignore]
fn show() {
    let file = std::env::var("CORPUS").unwrap_or_else(|_| "dev1-ja.tsv".into());
    assert!(
        file.starts_with("dev"),
        "only development sets are shown: reading a held-out set's misses spoils it"
    );
    let score = measure(&file);
    eprintln!(
        "{}\nmissed:\n  {}\nfalse alarms:\n  {}",
        score.summary(&file),
        score.misses.join("\n  "),
        score.alarms.join("\n  ")
    );
}
