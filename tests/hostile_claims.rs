//! Claims, policy and rules files that are broken, huge or hostile, end to end through
//! `claimaudit` and through the library loader: each is refused with the file, the
//! place and the fix, exit code 3 (invalid input), and never crashes the process or
//! takes memory out of proportion. Nothing here reaches the network: an invalid file
//! stops before any lookup, and valid ones run `--offline`.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use claimaudit::claims;
use claimaudit::exit::Exit;

const INVALID: i32 = Exit::InvalidInput as i32;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `claimaudit check --offline FILE`, never asking NCBI.
fn check(dir: &Path, file: &Path) -> Command {
    let mut cmd = common::claimaudit(&dir.join("cache"));
    cmd.env_remove("NCBI_EMAIL")
        .args(["check", "--offline"])
        .arg(file);
    cmd
}

/// What `check` says on stderr about an invalid claims file, after asserting exit 3.
fn refused(dir: &Path, file: &Path) -> String {
    let output = check(dir, file).assert().code(INVALID).get_output().clone();
    assert!(output.stdout.is_empty(), "a refused file has no report");
    String::from_utf8(output.stderr).unwrap()
}

/// 30,000 levels of `- ` (a 60 KB file) overflowed the stack: the process aborted
/// (SIGABRT, exit 134) instead of reporting the file.
#[test]
fn thirty_thousand_levels_of_nesting_are_refused_at_the_65th() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, place) in [
        ("block.yaml", "- ".repeat(30_000) + "x\n", "1:129"),
        ("flow.yaml", "[".repeat(30_000) + "\n", "1:"),
        ("flow-map.yaml", "{a: ".repeat(30_000) + "\n", "1:"),
        (
            "block-map.yaml",
            (0..200)
                .map(|i| format!("{}k:\n", "  ".repeat(i)))
                .collect(),
            "65:",
        ),
    ] {
        let file = write(dir.path(), name, &text);
        let stderr = refused(dir.path(), &file);
        let expected = format!("{}:{place}", file.display());
        assert!(
            stderr.contains(&expected) && stderr.contains("nested deeper than 64 levels"),
            "{name}: {stderr}"
        );
        let error = claims::load(&file).unwrap_err();
        assert!(
            error.problems[0]
                .message
                .starts_with("nested deeper than 64 levels"),
            "{name}: {error}"
        );
    }
}

/// A claims file past 8 MiB was parsed whole (a 96 MB citation took 1.8 GB); now it is
/// refused by its size before a byte of it is parsed.
#[test]
fn a_claims_file_over_8_mib_is_refused_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let citation = "x".repeat(9 * 1024 * 1024);
    let file = write(
        dir.path(),
        "huge.yaml",
        format!(
            "claims:\n  - id: a\n    text: x\n    kind: safety\n    citations: [\"{citation}\"]\n"
        ),
    );
    let stderr = refused(dir.path(), &file);
    assert_eq!(
        stderr,
        format!(
            "error: the claims file {} is 9.0 MiB; a claims file is at most 8 MiB — split it\n",
            file.display()
        )
    );
    let error = claims::load(&file).unwrap_err();
    assert!(error.unreadable().is_some(), "{error}");
}

#[test]
fn a_citation_over_64_kib_is_refused_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let citation = "An, Y. ".repeat(100 * 1024 / 7);
    let file = write(
        dir.path(),
        "long.yaml",
        format!(
            "claims:\n  - id: a\n    text: x\n    kind: safety\n    citations:\n      - \"{citation}\"\n"
        ),
    );
    let stderr = refused(dir.path(), &file);
    assert!(
        stderr.contains(&format!(
            "{}:6:9: this value is 100.0 KiB; a single value is at most 64 KiB — shorten it",
            file.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.starts_with("error: 1 problem in the claims file"),
        "{stderr}"
    );
}

/// The parser stopped a line early ("2:9: while scanning a plain scalar, found a tab").
#[test]
fn a_tab_in_the_indentation_is_reported_at_the_tab() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "tab.yaml",
        "claims:\n  - id: a\n\ttext: x\n    kind: safety\n",
    );
    let stderr = refused(dir.path(), &file);
    assert!(
        stderr.contains(&format!(
            "{}:3:1: a tab in the indentation; indent with spaces, not tabs",
            file.display()
        )),
        "{stderr}"
    );
}

/// A byte-order mark was read as part of the first key ("unknown key `\u{feff}claims`").
#[test]
fn a_byte_order_mark_is_accepted_and_places_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let valid = write(
        dir.path(),
        "bom.yaml",
        "\u{feff}# written on Windows\nclaims:\n  - id: skin\n    text: x\n    kind: safety\n",
    );
    let output = check(dir.path(), &valid)
        .args(["--format", "json"])
        .assert()
        // One uncited safety claim: a deny finding, not an invalid file.
        .code(Exit::Denied as i32)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let claim = &report["claims"][0];
    assert_eq!(
        (&claim["id"], &claim["line"], &claim["column"]),
        (&"skin".into(), &3.into(), &5.into())
    );
    let invalid = write(
        dir.path(),
        "bom-bad.yaml",
        "\u{feff}claims:\n  - id: skin\n    text: x\n    kind: eficacy\n",
    );
    let stderr = refused(dir.path(), &invalid);
    assert!(
        stderr.contains(&format!("{}:4:11: unknown claim kind", invalid.display())),
        "{stderr}"
    );
}

/// A missing file was "nope.yaml:1:1: cannot read the claims file: No such file or
/// directory (os error 2)", under "1 problem(s) in nope.yaml".
#[test]
fn a_missing_or_unreadable_file_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let claims = write(
        dir.path(),
        "claims.yaml",
        "claims:\n  - {id: a, text: x, kind: safety}\n",
    );
    let plain = |what: &str, path: &Path, why: &str| {
        format!("error: cannot read the {what} {}: {why}\n", path.display())
    };
    let no_such_file =
        "there is no such file; check the name and the directory claimaudit is run from";
    let directory = "it is a directory; give the path of a file";
    let cases: [(Vec<&std::ffi::OsStr>, String); 6] = [
        (
            vec!["check".as_ref(), missing.as_ref()],
            plain("claims file", &missing, no_such_file),
        ),
        (
            vec!["check".as_ref(), dir.path().as_ref()],
            plain("claims file", dir.path(), directory),
        ),
        (
            vec![
                "check".as_ref(),
                "--policy".as_ref(),
                missing.as_ref(),
                claims.as_ref(),
            ],
            plain("policy file", &missing, no_such_file),
        ),
        (
            vec![
                "check".as_ref(),
                "--rules".as_ref(),
                missing.as_ref(),
                claims.as_ref(),
            ],
            plain("rules file", &missing, no_such_file),
        ),
        (
            vec!["rules".as_ref(), "--rules".as_ref(), dir.path().as_ref()],
            plain("rules file", dir.path(), directory),
        ),
        (
            vec!["lint".as_ref(), missing.as_ref()],
            plain("page", &missing, no_such_file),
        ),
    ];
    for (args, expected) in cases {
        let output = common::claimaudit(&dir.path().join("cache"))
            .env_remove("NCBI_EMAIL")
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(INVALID), "{args:?}: {stderr}");
        assert_eq!(stderr, expected, "{args:?}");
    }
}

/// `claims: []`, a bare `claims:` and a blank file were a clean audit of nothing (exit
/// 0), though the message for a file without `claims:` asked for "at least one claim".
#[test]
fn a_file_without_claims_is_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, expected) in [
        (
            "empty-list.yaml",
            "product: {name: x}\nclaims: []\n",
            ":2:9: the `claims:` list is empty; add at least one claim",
        ),
        (
            "bare-key.yaml",
            "product: {name: x}\nclaims:\n",
            ":2:1: the `claims:` list is empty; add at least one claim",
        ),
        (
            "blank.yaml",
            "\n",
            ":1:1: the claims file is empty; it needs a `claims:` list",
        ),
    ] {
        let file = write(dir.path(), name, text);
        let stderr = refused(dir.path(), &file);
        assert_eq!(
            stderr,
            format!(
                "error: 1 problem in the claims file {0}; nothing was checked:\n{0}{expected}\n",
                file.display()
            )
        );
    }
}

/// A second document after `---` was dropped without a word: its claims never checked.
#[test]
fn a_second_yaml_document_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "two.yaml",
        "claims:\n  - {id: a, text: x, kind: safety}\n---\nclaims:\n  - {id: b, text: y, kind: safety}\n",
    );
    let stderr = refused(dir.path(), &file);
    assert!(
        stderr.contains(&format!(
            "{}:3:1: a second YAML document starts here",
            file.display()
        )),
        "{stderr}"
    );
}

/// Thousands of broken claims listed every problem (4 million lines and 1.5 GB for an
/// 8 MB file); the list stops at the first 100 in file order and says how many more.
#[test]
fn thousands_of_problems_are_cut_to_the_first_hundred() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "claims:\n{}",
        "  - {id: a, text: x, kind: healing}\n".repeat(3_000)
    );
    let file = write(dir.path(), "many.yaml", text);
    let stderr = refused(dir.path(), &file);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "error: over 100 problems in the claims file {}; nothing was checked:",
            file.display()
        )
    );
    assert_eq!(lines.len(), 102, "{stderr}");
    assert!(lines[1].starts_with(&format!("{}:2:", file.display())));
    // 3,000 unknown kinds and 2,999 repeated ids.
    assert_eq!(
        lines[101],
        "… and 5,899 more problems not shown (5,999 in all); fix these and run again"
    );
}

/// The cache's error quoted its OS error and the chain printed it again: "cannot list
/// x/pubmed: Not a directory (os error 20): Not a directory (os error 20)".
#[test]
fn an_error_chain_says_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_directory = write(dir.path(), "file", "");
    let output = common::claimaudit(&not_a_directory.join("cache"))
        .args(["cache", "stats"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(output).unwrap();
    // The cache directory is now checked first and refused in words of its own; what
    // matters here is that no cause is said twice and no raw OS text is repeated.
    assert!(stderr.starts_with("error: cannot use"), "{stderr}");
    assert!(stderr.matches("Not a directory").count() <= 1, "{stderr}");
    assert!(!stderr.contains("(os error"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
