//! `claimaudit init` end to end: drafting from each kind of page, never overwriting
//! without --force, --merge keeping a reviewer's work, and clear errors. Pages here are
//! hand-made for these tests.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn init(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("claimaudit").unwrap();
    cmd.current_dir(dir)
        .env("CLAIMAUDIT_CACHE_DIR", dir.join("cache"));
    cmd
}

const PAGE_MD: &str = "# GlowCell Retinol Night Serum | Example Skincare\n\n\
Home > Skincare > Serums\n\n\
Our retinol serum visibly reduces fine lines in 8 weeks.[^1] It is gentle enough for sensitive skin.\n\n\
| Benefit | Source |\n|---|---|\n| Boosts collagen density | Kong R, et al. J Cosmet Dermatol. 2016;15(1):49-57. |\n\n\
Price: $49.00 · Free shipping\n\n\
[^1]: https://pubmed.ncbi.nlm.nih.gov/31844417/\n";

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn claims_of(dir: &Path, file: &str) -> claimaudit::claims::ClaimsFile {
    claimaudit::claims::load(&dir.join(file)).expect("the drafted file is a valid claims file")
}

#[test]
fn init_drafts_a_valid_claims_file_with_citations_and_pending_review() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "page.md", PAGE_MD);
    init(dir.path())
        .args(["init", "--from", "page.md"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "drafted 3 claims from page.md into claims.yaml",
        ));
    let file = claims_of(dir.path(), "claims.yaml");
    let texts: Vec<&str> = file.claims.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Our retinol serum visibly reduces fine lines in 8 weeks.",
            "It is gentle enough for sensitive skin.",
            "Boosts collagen density"
        ]
    );
    assert_eq!(
        file.claims[0].citations[0].cited.to_string(),
        "PMID: 31844417"
    );
    assert!(
        file.claims[2].citations[0]
            .cited
            .to_string()
            .starts_with("Kong R, et al.")
    );
    assert!(
        file.claims
            .iter()
            .all(|c| c.review == claimaudit::claims::Review::Pending),
        "every drafted claim awaits review"
    );
    assert_eq!(file.claims[0].source_line, Some(5));
    assert_eq!(file.product.name, "GlowCell Retinol Night Serum");
    let text = std::fs::read_to_string(dir.path().join("claims.yaml")).unwrap();
    assert!(!text.contains("$49") && !text.contains("Home >"), "{text}");
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "page.md", PAGE_MD);
    write(dir.path(), "claims.yaml", "# mine\n");
    init(dir.path())
        .args(["init", "--from", "page.md"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "claims.yaml already exists; nothing was written",
        ))
        .stderr(predicate::str::contains("--merge"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("claims.yaml")).unwrap(),
        "# mine\n"
    );
    init(dir.path())
        .args(["init", "--from", "page.md", "--force"])
        .assert()
        .success();
    assert_eq!(claims_of(dir.path(), "claims.yaml").claims.len(), 3);
}

#[test]
fn merge_keeps_reviewed_claims_adds_new_ones_and_lists_removed_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "page.md", PAGE_MD);
    init(dir.path())
        .args(["init", "--from", "page.md"])
        .assert()
        .success();
    // A reviewer corrects the first claim, marks it reviewed and comments on it.
    let drafted = std::fs::read_to_string(dir.path().join("claims.yaml")).unwrap();
    let first_id = claims_of(dir.path(), "claims.yaml").claims[0].id.clone();
    let reviewed = drafted.replacen(
        &format!("  - id: {first_id}\n"),
        "  # Checked against the trial by K. Sato.\n  - id: retinol-fine-lines\n",
        1,
    );
    let reviewed = reviewed.replacen("    review: pending\n", "", 1);
    write(dir.path(), "claims.yaml", &reviewed);
    // The copy changes: the gentleness sentence goes, a new claim comes.
    let changed = PAGE_MD.replace(
        "It is gentle enough for sensitive skin.",
        "Nine in ten users saw smoother skin.",
    );
    write(dir.path(), "page.md", &changed);
    init(dir.path())
        .args(["init", "--from", "page.md", "--merge"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "2 claims kept, 1 added (review: pending), 1 removed",
        ))
        .stderr(
            predicate::str::contains("removed").and(predicate::str::contains(
                "It is gentle enough for sensitive skin.",
            )),
        );
    let merged = std::fs::read_to_string(dir.path().join("claims.yaml")).unwrap();
    assert!(
        merged.contains("  # Checked against the trial by K. Sato.\n  - id: retinol-fine-lines\n"),
        "{merged}"
    );
    let file = claims_of(dir.path(), "claims.yaml");
    let texts: Vec<(&str, bool)> = file
        .claims
        .iter()
        .map(|c| {
            (
                c.text.as_str(),
                (c.review == claimaudit::claims::Review::Pending),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            (
                "Our retinol serum visibly reduces fine lines in 8 weeks.",
                false
            ),
            ("Nine in ten users saw smoother skin.", true),
            ("Boosts collagen density", true),
        ]
    );
}

#[test]
fn output_to_stdout_and_html_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let html = "<!doctype html><title>Serum</title><nav><a href=/>Home</a> <a href=/shop>Shop</a></nav>\
        <main><p>Our serum boosts collagen<sup><a href=\"#r1\">1</a></sup>.</p>\
        <ol><li id=\"r1\">Kong R, et al. J Cosmet Dermatol. 2016;15(1):49-57.</li></ol></main>\
        <footer>© 2026 Example</footer>";
    let out = init(dir.path())
        .args(["init", "--from", "-", "-o", "-"])
        .write_stdin(html)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("text: Our serum boosts collagen."), "{text}");
    assert!(text.contains("Kong R, et al."), "{text}");
    assert!(
        !text.contains("Home") && !text.contains("2026 Example"),
        "{text}"
    );
    assert!(!dir.path().join("claims.yaml").exists());
}

#[test]
fn a_page_with_no_claims_or_no_file_is_an_error_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "menu.txt",
        "Home\nAbout us\nContact us: info@example.com\n",
    );
    init(dir.path())
        .args(["init", "--from", "menu.txt"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "menu.txt: no claim found on the page",
        ));
    init(dir.path())
        .args(["init", "--from", "missing.html"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("missing.html"));
    assert!(!dir.path().join("claims.yaml").exists());
}

#[test]
fn the_seed_page_drafts_a_file_check_reads_and_never_calls_supported() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let seed = fixtures.join("../../seed/clinic-exosome-page.ja.txt");
    let dir = tempfile::tempdir().unwrap();
    init(dir.path())
        .args(["init", "--from"])
        .arg(&seed)
        .assert()
        .success();
    let out = init(dir.path())
        .args(["check", "claims.yaml", "--offline", "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let claims = report["claims"].as_array().unwrap();
    assert!(claims.len() >= 54);
    for claim in claims {
        assert_ne!(claim["verdict"], "supported");
        let codes: Vec<&str> = claim["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            codes.contains(&"unreviewed-claim"),
            "{}: {codes:?}",
            claim["id"]
        );
    }
}

#[test]
fn merging_the_seed_page_into_the_hand_made_file_keeps_every_reviewed_claim() {
    let Some(fixtures) = common::eutils_fixtures() else {
        return;
    };
    let seed = fixtures.join("../../seed/clinic-exosome-page.ja.txt");
    let dir = tempfile::tempdir().unwrap();
    let hand_made =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("claims.yaml")).unwrap();
    write(dir.path(), "claims.yaml", &hand_made);
    init(dir.path())
        .args(["init", "--merge", "--from"])
        .arg(&seed)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("54 claims kept").and(predicate::str::contains("0 removed")),
        );
    let merged = std::fs::read_to_string(dir.path().join("claims.yaml")).unwrap();
    // Every line of the reviewed file survives, in order, comments included.
    let mut rest = merged.lines();
    for line in hand_made.lines() {
        assert!(rest.any(|m| m == line), "lost or moved: {line}");
    }
    let file = claims_of(dir.path(), "claims.yaml");
    let reviewed = file
        .claims
        .iter()
        .filter(|c| c.review != claimaudit::claims::Review::Pending)
        .count();
    assert_eq!(reviewed, 54);
}
