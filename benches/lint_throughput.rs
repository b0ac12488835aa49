//! Throughput of the wording lint, in MB/s on one core.
//!
//! Builds at least 10 MB of mixed Japanese and English copy from the hand-made corpora of
//! tests/lint_corpus (every sentence, repeated; paragraphs of a few sentences) and times:
//! - `lint`: every built-in rule in force for a clinic in every jurisdiction, over the
//!   whole text as one page: normalising, matching, exceptions, disclosures;
//! - `normalise only`: the same text through the normaliser alone, the floor any run
//!   stands on; the ratio between the two is the cost of matching and is stable across
//!   machines where absolute MB/s are not.
//!
//! Run: `cargo bench --bench lint_throughput` (optional: BENCH_MB=20 BENCH_RUNS=7).

use std::path::Path;

mod support;

use claimaudit::lint::normalize::{Lines, normalize_lines};
use claimaudit::lint::{Linter, ProductClass, RuleSet};

fn main() {
    let target_mb: usize = support::env_number("BENCH_MB", 10);
    let runs: usize = support::env_number("BENCH_RUNS", 5);
    let copy = build_copy(target_mb * 1_000_000);
    let mb = copy.len() as f64 / 1e6;
    let japanese = copy.chars().filter(|c| !c.is_ascii()).count();
    println!(
        "copy: {mb:.1} MB, {} lines, {:.0}% of characters non-ASCII",
        copy.lines().count(),
        100.0 * japanese as f64 / copy.chars().count() as f64
    );
    let linter = Linter::new(RuleSet::builtin(), Some(ProductClass::Clinic), &[]);
    let lint = support::time_runs(runs, || {
        let (phrases, missing) = linter.check(&copy, Lines::Wrapped);
        phrases.len() + missing.len()
    });
    let normalise = support::time_runs(runs, || {
        normalize_lines(&copy, Lines::Wrapped).as_str().len()
    });
    println!("findings: {}", linter.check(&copy, Lines::Wrapped).0.len());
    support::report_throughput("lint (every rule, clinic)", mb, &lint);
    support::report_throughput("normalise only", mb, &normalise);
    println!(
        "ratio: the lint runs at {:.2}x the normaliser's speed (median)",
        support::median(&normalise).as_secs_f64() / support::median(&lint).as_secs_f64()
    );
}

/// Every sentence of the corpora, in paragraphs of five, repeated to `min_bytes`.
fn build_copy(min_bytes: usize) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint_corpus");
    let mut sentences = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        sentences.extend(
            text.lines()
                .skip(1)
                .filter_map(|line| line.rsplit('\t').next())
                .map(str::to_owned),
        );
    }
    assert!(!sentences.is_empty(), "no corpus in {}", dir.display());
    let mut copy = String::with_capacity(min_bytes + 10_000);
    'fill: loop {
        for paragraph in sentences.chunks(5) {
            copy.push_str(&paragraph.join(" "));
            copy.push_str("\n\n");
            if copy.len() >= min_bytes {
                break 'fill;
            }
        }
    }
    copy
}
