//! A damaged cache directory, end to end: `cache verify` and `cache stats` name every bad
//! entry and go on; temporary files of writes cut short are reported, cleaned up and
//! kept out of git; a `--cache-dir` that cannot be used is refused the same way by every
//! command; the request pace lives in the per-user state directory.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use claimaudit::pubmed::cache::GITIGNORE;
use predicates::prelude::*;
use serde_json::Value;

/// Two real records imported into a fresh cache.
fn cache_with_two_records(fixtures: &Path) -> tempfile::TempDir {
    let cache = tempfile::tempdir().unwrap();
    common::claimaudit(cache.path())
        .args(["cache", "import"])
        .arg(fixtures.join("efetch/metapub/219391.xml"))
        .arg(fixtures.join("efetch/metapub/35830032.xml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("2 added"));
    cache
}

/// A file claimaudit's writer would leave behind when killed between writing its
/// temporary file and renaming it, last written `age` ago.
fn temp_file(dir: &Path, entry: &str, age: Duration) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!(".{entry}.4242.123456789.tmp"));
    fs::write(&path, "{\"schema\": \"claimaudit/cache/pubm").unwrap();
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
    path
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Breaks a cache in every way that used to stop `cache verify` at the first one; returns
/// the paths that must each be named.
fn damage(cache: &Path) -> Vec<PathBuf> {
    let records = cache.join("pubmed");
    let good = fs::read_to_string(records.join("219391.json")).unwrap();
    // A folder where an entry file belongs (also what a mode-000 file cannot be for root).
    let folder = records.join("5.json");
    fs::create_dir(&folder).unwrap();
    // Not UTF-8 at all.
    let binary = records.join("6.json");
    fs::write(&binary, b"\xff\xfe\x00garbage").unwrap();
    // Cut off half way, as a disk-full write of old versions could leave it.
    let truncated = records.join("7.json");
    fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    // A valid record filed under another PMID.
    let misfiled = records.join("8.json");
    fs::write(&misfiled, &good).unwrap();
    // A corrupt lookup.
    fs::create_dir_all(cache.join("search")).unwrap();
    let lookup = cache.join("search/00000000deadbeef.json");
    fs::write(&lookup, "{\"schema\": \"claimaudit/cache/lookup/v2\"").unwrap();
    // A file where a folder of entries belongs.
    let not_a_folder = cache.join("citation-match");
    fs::write(&not_a_folder, "").unwrap();
    vec![folder, binary, truncated, misfiled, lookup, not_a_folder]
}

#[test]
fn verify_and_stats_name_every_bad_entry_with_its_fix_and_go_on() {
    let fixtures = require_fixtures!();
    let cache = cache_with_two_records(&fixtures);
    let mut bad = damage(cache.path());
    // An unreadable file, where the tests do not run as root (root reads mode 000).
    let unreadable = cache.path().join("pubmed/9.json");
    fs::write(&unreadable, "{}").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&unreadable, fs::Permissions::from_mode(0o000)).unwrap();
    }
    bad.push(unreadable.clone());

    let verify = common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(format!(
            "2 records and 0 lookups valid, {} invalid",
            bad.len()
        )));
    let stderr = stderr_of(&verify);
    for path in &bad {
        let line = stderr
            .lines()
            .find(|line| line.contains(&path.display().to_string()))
            .unwrap_or_else(|| panic!("{} is not named:\n{stderr}", path.display()));
        assert!(line.starts_with("error: "), "{line}");
    }
    for fix in [
        "delete it: the next run online fetches it again",
        "move it out of the cache directory",
    ] {
        assert!(
            stderr.contains(fix),
            "the fix \"{fix}\" is given:\n{stderr}"
        );
    }
    assert!(stderr.contains("7.json is corrupt"), "{stderr}");
    assert!(
        stderr.contains("holds PMID 219391 but is filed as 8"),
        "{stderr}"
    );

    let stats = common::claimaudit(cache.path())
        .args(["cache", "stats", "--format", "json"])
        .assert()
        .code(3);
    let summary: Value = serde_json::from_slice(&stats.get_output().stdout).unwrap();
    assert_eq!(summary["records"], 2);
    assert_eq!(summary["corrupt"], bad.len());
    let stderr = stderr_of(&stats);
    for path in &bad {
        assert!(
            stderr.contains(&path.display().to_string()),
            "stats names {}:\n{stderr}",
            path.display()
        );
    }
    // The good records are still served.
    common::claimaudit(cache.path())
        .args(["show", "219391", "35830032"])
        .assert()
        .success();
}

#[test]
fn verify_fix_deletes_what_deleting_fixes_and_leaves_the_rest_to_a_person() {
    let fixtures = require_fixtures!();
    let cache = cache_with_two_records(&fixtures);
    let bad = damage(cache.path());
    let stale = temp_file(
        &cache.path().join("pubmed"),
        "35830032.json",
        Duration::from_secs(3600),
    );
    let fixed = common::claimaudit(cache.path())
        .args(["cache", "verify", "--fix"])
        .assert()
        .code(3);
    let stderr = stderr_of(&fixed);
    // Entry files are deleted; the folder in place of an entry and the file in place of
    // a folder are not claimaudit's to delete.
    let (folder, not_a_folder) = (&bad[0], &bad[5]);
    for path in &bad {
        let kept = path == folder || path == not_a_folder;
        assert_eq!(path.exists(), kept, "{}:\n{stderr}", path.display());
    }
    assert!(!stale.exists(), "the stale temporary file is deleted");
    assert!(
        stderr.contains("fixed: cache entry") && stderr.contains("deleted it"),
        "{stderr}"
    );
    assert!(
        stderr.contains("is a folder where a cache entry file belongs"),
        "{stderr}"
    );

    fs::remove_dir(folder).unwrap();
    fs::remove_file(not_a_folder).unwrap();
    common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 records and 0 lookups valid, 0 invalid",
        ));
}

#[test]
fn temporary_files_of_cut_short_writes_are_reported_removed_and_ignored_by_git() {
    let fixtures = require_fixtures!();
    let cache = cache_with_two_records(&fixtures);
    let records = cache.path().join("pubmed");
    let stale = temp_file(&records, "219391.json", Duration::from_secs(3600));
    let stale_lookup = temp_file(
        &cache.path().join("search"),
        "0123456789abcdef.json",
        Duration::from_secs(3600),
    );
    // A write still under way in another run: never reported, never removed.
    let live = temp_file(&records, "35830032.json", Duration::from_secs(5));

    let verify = common::claimaudit(cache.path())
        .args(["cache", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 stale temporary files"));
    let stderr = stderr_of(&verify);
    for path in [&stale, &stale_lookup] {
        assert!(
            stderr.contains(&format!("warning: {}", path.display())),
            "{stderr}"
        );
    }
    assert!(stderr.contains("write cut short (1h old)"), "{stderr}");
    assert!(!stderr.contains(&live.display().to_string()), "{stderr}");
    assert!(stale.exists(), "verify without --fix changes nothing");

    // The next run that writes to the cache cleans up the stale ones only.
    common::claimaudit(cache.path())
        .args(["cache", "import"])
        .arg(fixtures.join("efetch/metapub/11618220.xml"))
        .assert()
        .success();
    assert!(!stale.exists() && !stale_lookup.exists());
    assert!(live.exists(), "a live writer's file is left alone");

    // What is left is never committed: the cache's own .gitignore says so to git.
    assert_eq!(
        fs::read_to_string(cache.path().join(".gitignore")).unwrap(),
        GITIGNORE
    );
    fs::create_dir_all(cache.path().join(".state/locks")).unwrap();
    fs::write(cache.path().join(".state/locks/pubmed-1.lock"), "").unwrap();
    if let Some(untracked) = git_untracked(cache.path()) {
        assert!(
            !untracked
                .iter()
                .any(|p| p.ends_with(".tmp") || p.contains(".state")),
            "git would commit {untracked:?}"
        );
        assert!(untracked.iter().any(|p| p == "pubmed/219391.json"));
    }
}

/// The files `git add .` would pick up in `dir`, or `None` when git is not installed.
fn git_untracked(dir: &Path) -> Option<Vec<String>> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
    };
    git(&["init", "--quiet"])?;
    let listed = git(&["ls-files", "--others", "--exclude-standard"])?;
    Some(
        String::from_utf8_lossy(&listed.stdout)
            .lines()
            .map(String::from)
            .collect(),
    )
}

#[test]
fn the_repositorys_committed_cache_ignores_what_claimaudit_would() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        fs::read_to_string(repo.join("cache/.gitignore")).unwrap(),
        GITIGNORE,
        "cache/.gitignore should be the file claimaudit writes into a cache"
    );
}

/// The command lines of every command that uses the cache, online and offline.
fn commands_using_the_cache(claims: &Path, xml: &Path) -> Vec<Vec<String>> {
    let claims = claims.display().to_string();
    let xml = xml.display().to_string();
    [
        vec!["check", "--offline", &claims],
        vec!["check", &claims],
        vec!["resolve", "--offline", "23121403"],
        vec!["resolve", "23121403"],
        vec!["show", "23121403"],
        vec!["cache", "import", &xml],
        vec!["cache", "verify"],
        vec!["cache", "stats"],
        vec!["cache", "stats", "--format", "json"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(String::from).collect())
    .collect()
}

#[test]
fn an_unusable_cache_dir_is_one_error_and_one_exit_code_in_every_command() {
    let work = tempfile::tempdir().unwrap();
    let claims = work.path().join("claims.yaml");
    fs::write(
        &claims,
        "product:\n  name: test product\n  terms: [aspirin]\nclaims:\n  - id: a\n    text: 効果がある\n    kind: efficacy\n    citations: [\"PMID: 23121403\"]\n",
    )
    .unwrap();
    let xml = work.path().join("answer.xml");
    fs::write(&xml, "<PubmedArticleSet></PubmedArticleSet>").unwrap();
    let file = work.path().join("a-file");
    fs::write(&file, "not a directory").unwrap();
    let cases = [
        (file.clone(), "it is a file, not a directory"),
        (
            file.join("cache"),
            "a part of its path is a file, not a directory",
        ),
    ];
    for (cache_dir, reason) in &cases {
        let expected = format!(
            "error: cannot use {} as the cache directory: {reason}; pass --cache-dir (or set \
             CLAIMAUDIT_CACHE_DIR to) a directory claimaudit can read and write; it is created \
             when missing\n",
            cache_dir.display()
        );
        for args in commands_using_the_cache(&claims, &xml) {
            common::claimaudit(cache_dir)
                .env("CLAIMAUDIT_STATE_DIR", work.path().join("state"))
                // Nothing listens here; the error must come before any request anyway.
                .env("CLAIMAUDIT_EUTILS_URL", "http://127.0.0.1:9/")
                .env("NCBI_EMAIL", "cache-tests@example.org")
                .args(&args)
                .assert()
                .code(3)
                .stdout("")
                .stderr(predicate::eq(expected.as_str()));
        }
    }
    // lint does not use the cache, and does not care.
    common::claimaudit(&file)
        .args(["lint", "-", "--as", "text"])
        .write_stdin("A plain sentence.\n")
        .assert()
        .success();
}

#[test]
fn a_missing_cache_dir_is_fine_to_read_and_created_by_the_first_write() {
    let fixtures = require_fixtures!();
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("not/yet/there");
    for args in [["cache", "verify"], ["cache", "stats"]] {
        common::claimaudit(&cache).args(args).assert().success();
    }
    assert!(!cache.exists(), "reading creates nothing");
    common::claimaudit(&cache)
        .args(["cache", "import"])
        .arg(fixtures.join("efetch/metapub/219391.xml"))
        .assert()
        .success();
    assert!(cache.join("pubmed/219391.json").is_file());
}

#[test]
fn the_request_pace_lives_in_the_state_directory_not_the_cache() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let resolve = |state: &mut assert_cmd::Command| {
        state
            .env("CLAIMAUDIT_EUTILS_URL", "http://127.0.0.1:9/")
            .env("NCBI_EMAIL", "cache-tests@example.org")
            .env_remove("NCBI_API_KEY")
            .args(["resolve", "23121403", "--retries", "0"])
            .assert()
            // Nothing listens at that address: not checked.
            .code(4)
    };

    // Chosen with CLAIMAUDIT_STATE_DIR (created when missing).
    let chosen = work.path().join("chosen/state");
    resolve(common::claimaudit(&cache).env("CLAIMAUDIT_STATE_DIR", &chosen));
    assert!(chosen.join("eutils-pace").is_file());
    assert!(!cache.join(".state/eutils-pace").exists());

    // Else $XDG_STATE_HOME/claimaudit.
    let xdg = work.path().join("xdg");
    resolve(
        common::claimaudit(&cache)
            .env_remove("CLAIMAUDIT_STATE_DIR")
            .env("XDG_STATE_HOME", &xdg)
            .env("HOME", work.path().join("home")),
    );
    assert!(xdg.join("claimaudit/eutils-pace").is_file());

    // Else ~/.local/state/claimaudit.
    let home = work.path().join("home");
    resolve(
        common::claimaudit(&cache)
            .env_remove("CLAIMAUDIT_STATE_DIR")
            .env_remove("XDG_STATE_HOME")
            .env("HOME", &home),
    );
    assert!(home.join(".local/state/claimaudit/eutils-pace").is_file());

    // A home that cannot hold it: a temporary directory named for the user, said so.
    let blocked_home = work.path().join("a-file");
    fs::write(&blocked_home, "").unwrap();
    let temp = work.path().join("tmp");
    fs::create_dir(&temp).unwrap();
    let fallback = resolve(
        common::claimaudit(&cache)
            .env_remove("CLAIMAUDIT_STATE_DIR")
            .env_remove("XDG_STATE_HOME")
            .env("HOME", &blocked_home)
            .env("TMPDIR", &temp)
            .env("USER", "tester"),
    );
    let pace = temp.join("claimaudit-state-tester/eutils-pace");
    assert!(pace.is_file());
    let stderr = stderr_of(&fallback);
    assert!(
        stderr.contains(&format!(
            "pacing requests through {} instead (set CLAIMAUDIT_STATE_DIR to choose)",
            pace.parent().unwrap().display()
        )),
        "{stderr}"
    );

    // A chosen directory that cannot be used is an error, with no quiet fallback.
    common::claimaudit(&cache)
        .env("CLAIMAUDIT_STATE_DIR", &blocked_home)
        .env("CLAIMAUDIT_EUTILS_URL", "http://127.0.0.1:9/")
        .env("NCBI_EMAIL", "cache-tests@example.org")
        .args(["resolve", "23121403"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains(format!(
                "cannot use {} (CLAIMAUDIT_STATE_DIR) as the state directory for request pacing",
                blocked_home.display()
            ))
            .and(predicate::str::contains(
                "set CLAIMAUDIT_STATE_DIR to a directory you can write",
            )),
        );
}

#[test]
fn help_documents_the_state_directory() {
    let cache = tempfile::tempdir().unwrap();
    common::claimaudit(cache.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("CLAIMAUDIT_STATE_DIR"));
    common::claimaudit(cache.path())
        .args(["resolve", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("whatever their cache")
                .and(predicate::str::contains("CLAIMAUDIT_STATE_DIR")),
        );
    common::claimaudit(cache.path())
        .args(["cache", "verify", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--fix"));
}
