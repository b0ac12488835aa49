//! The command line: argument parsing, running a command, printing, and turning the
//! outcome into an exit code. This is the only part of claimaudit that prints: messages
//! for people go to stderr, results to stdout.

mod cache;
mod check;
mod gate;
mod init;
mod lint;
mod network;
mod progress;
mod resolve;
mod rules;
mod show;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Parser, Subcommand};
use strum::VariantArray;

use claimaudit::exit::Exit;
use claimaudit::findings::Code;
use claimaudit::judge::Verdict;
use claimaudit::policy::Level;
use claimaudit::pubmed::cache::Cache;
use claimaudit::report::records::RecordFormat;
use claimaudit::yaml::InvalidYaml;

const ABOUT: &str = "Check health and beauty marketing claims against PubMed.";

const LONG_ABOUT: &str = "\
Check health and beauty marketing claims against PubMed.

`claimaudit check` reads a claims file (each claim as published, with the sources it
cites), resolves every citation in PubMed through NCBI's E-utilities and a cache meant
to be committed, classifies what each source is (RCT, meta-analysis, case report,
animal, in vitro, narrative review, retracted...), and says which claims lack the
evidence their kind needs: efficacy and safety claims need human clinical studies.
Reports come as a table, JSON, SARIF, JUnit, Markdown, HTML or CSV; the exit code
tells CI what to do.";

const ENVIRONMENT: &str = "\
Environment: NCBI_EMAIL (contact address sent to NCBI), NCBI_API_KEY (raises the rate
limit to 10/s; never printed or stored), CLAIMAUDIT_EUTILS_URL, CLAIMAUDIT_CACHE_DIR,
CLAIMAUDIT_STATE_DIR (where runs share their request pace, one per user and machine;
default $XDG_STATE_HOME/claimaudit, else ~/.local/state/claimaudit).";

const LINT_HELP: &str = "Examples:
  claimaudit lint page.html
  claimaudit lint --class clinic --jurisdiction jp copy.md --format sarif --output lint.sarif
  pbpaste | claimaudit lint - --as text

Exit codes: 0 nothing denied, 2 a deny-level finding, 3 unreadable file or bad usage.";

const INIT_HELP: &str = "Examples:
  claimaudit init --from page.html                 # writes claims.yaml (never over an existing file)
  claimaudit init --from copy.md -o drafts/copy.yaml --lang en
  claimaudit init --from page.html --merge         # after the copy changed: reviewed claims kept
  pbpaste | claimaudit init --from - --as text -o -

Exit codes: 0 written, 3 unreadable page, no claim found, or FILE exists (use --merge or --force).";

const RULES_HELP: &str = "A rules file (--rules FILE) is YAML with `rules:` (wording to flag) and
`disclosures:` (what a page must say). Each rule: code, name, level (deny, warn, allow, or
{default: warn, clinic: deny}), jurisdictions (jp, us, eu, uk), classes (optional),
explanation, suggestion, basis (document and section; required), patterns, except,
except_sentence, and examples with flag and pass sentences (tested when the file is
read). Patterns: `(a|b)` a choice, `(a)?` optional, `…` a gap of up to 12 Japanese
characters or 4 English words, `word~` English inflections, `{n}` any number. Instead
of patterns, `detector: wording-model` hands the rule the trained wording model's
reading (the built-in `reads-as-claim`). A rule with a built-in code replaces that rule.
See the README, \"Wording rules\".";

/// The exit codes and the environment, under the top-level `--help`.
static MAIN_HELP: LazyLock<String> = LazyLock::new(|| format!("{}\n{ENVIRONMENT}", Exit::help()));

/// `check --help` lists the finding codes with their default levels.
static CHECK_HELP: LazyLock<String> = LazyLock::new(|| {
    let mut help = String::from("Finding codes (default level):\n");
    for code in Code::ALL {
        help.push_str(&format!(
            "  {:<22} {:<5}{} {}\n",
            code.as_str(),
            code.default_level().as_str(),
            if code.is_guarded() { "*" } else { " " },
            code.summary()
        ));
    }
    help.push_str("\nLevels:\n");
    for level in Level::VARIANTS {
        help.push_str(&format!("  {:<5}  {}\n", level.as_str(), level.meaning()));
    }
    help.push_str(
        "Levels can be changed in the claims file (`policy: {code: level}`), in a reviewer's\n\
         --policy FILE, and with --deny/--warn/--allow CODE (the command line wins). The claims\n\
         file may not lower the integrity floor (marked *: every code that denies by default);\n\
         the report lists every change, applied or refused.\n\n\
         Verdicts (a claim is reported under its most serious problem):\n",
    );
    for verdict in Verdict::ALL {
        help.push_str(&format!(
            "  {:<11}  {}\n",
            verdict.as_str(),
            verdict.meaning()
        ));
    }
    help.push('\n');
    help.push_str(&Exit::help());
    help
});

#[derive(Debug, Parser)]
#[command(name = "claimaudit", version, about = ABOUT, long_about = LONG_ABOUT, after_help = MAIN_HELP.as_str())]
struct Cli {
    /// Directory of the record cache (created when first written to). A path that is a
    /// file or cannot be read is refused by every command that uses the cache.
    #[arg(
        long,
        global = true,
        env = "CLAIMAUDIT_CACHE_DIR",
        default_value = "cache",
        value_name = "DIR"
    )]
    cache_dir: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Audit a claims file (or a page of copy): resolve every citation, judge every claim, report.
    ///
    /// A claim is supported only when a citation names the paper, the paper still stands,
    /// it is about the advertised product and the claim's topic, and its design (from
    /// PubMed's publication types and MeSH) is the evidence the claim's kind needs; every
    /// citation was checked; and no finding on the claim is at deny level. Otherwise the
    /// verdict names the most serious problem and says what to change.
    #[command(after_help = CHECK_HELP.as_str())]
    Check(check::CheckArgs),
    /// Draft a claims file from a page of copy (HTML, Markdown or plain text).
    ///
    /// One claim per claim-bearing sentence, list item or table row, with the wording as
    /// published, a stable id from the wording, the page line, a guessed kind, English
    /// keywords (Japanese terms translated by a built-in glossary) and the citations that
    /// belong to it: author-year and journal-year references, numbered markers ([1], 1),
    /// superscripts) resolved to the page's reference list, PMIDs, DOIs, PubMed/PMC/doi.org
    /// links, a table's evidence column and a 「参考:」 line closing a list. Navigation,
    /// prices, addresses, hours, booking and legal lines are left out. Every claim is marked
    /// `review: pending`, which `check` reports until a person removes it.
    #[command(after_help = INIT_HELP)]
    Init(init::InitArgs),
    /// Print cached records with their evidence classification.
    #[command(after_help = "Example:\n  claimaudit show 33458899 'PMID: 31844417' --format json")]
    Show(show::ShowArgs),
    /// Find the PubMed record a citation refers to, and what kind of evidence it is.
    ///
    /// Accepts a PMID, DOI, PMCID, PubMed URL, or free text such as "An, Y., et al.,
    /// 2021", "Wang, Y., et al., 2023. Stem Cells" or a full reference. Identifiers are
    /// looked up directly; journal + volume + page go to citation matching; anything else
    /// is searched by author, year, journal, title and --keywords, widening step by
    /// step. The outcome is resolved, probable (a likely paper the reference does not single
    /// out on its own), ambiguous (candidates ranked), not-found (queries listed; "not
    /// looked up" when the input gives nothing to ask) or not-checked (offline or NCBI
    /// unreachable) — never a silent guess. A paper that no longer stands is said first
    /// ("RETRACTED: …").
    #[command(after_help = "Examples:
  NCBI_EMAIL=you@example.org claimaudit resolve \"An, Y., et al., 2021\" --keywords \"exosome, skin\"
  claimaudit resolve 10.1056/NEJMoa1210384 --offline --format json

Exit codes: 0 resolved; 2 probable, ambiguous, not found (or not looked up), or a paper that
no longer stands (retracted, withdrawn, under concern); 3 invalid usage; 4 not checked.")]
    Resolve(resolve::ResolveArgs),
    /// Lint pages of copy for wording regulators object to, whatever the sources.
    ///
    /// Reads plain text, Markdown or HTML (or standard input with `-`) and flags absolute
    /// safety, cure and guarantee wording, rankings, testimonials, speed promises,
    /// unsupported figures, implied approval and more, in Japanese and English, each with
    /// its legal basis and a safer wording; on a Japanese clinic page it also checks the
    /// disclosures 医療広告ガイドライン requires. Findings point at the exact phrase. A
    /// model trained on labelled copy then reads the sentences no rule flagged and warns
    /// about those that read like claims in words no rule lists (`reads-as-claim`, with the
    /// words that weighed most; `--allow reads-as-claim` turns it off).
    #[command(after_help = LINT_HELP)]
    Lint(lint::LintArgs),
    /// List the wording rules in force (the built-in ones, or with --rules FILE).
    #[command(after_help = RULES_HELP)]
    Rules(rules::RulesArgs),
    /// Manage the record cache.
    Cache {
        #[command(subcommand)]
        command: cache::CacheCommand,
    },
}

/// A `--format` value parser over a library format enum: the choices, their help and
/// the parsing all come from the enum's own names, so the command line cannot drift from
/// the formats the library has.
fn format_parser<F>(
    variants: &'static [F],
    name: fn(F) -> &'static str,
    description: fn(F) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = F>
where
    F: Copy + Send + Sync + 'static,
{
    let choices = variants
        .iter()
        .map(|&format| PossibleValue::new(name(format)).help(description(format)));
    clap::builder::PossibleValuesParser::new(choices).map(move |chosen| {
        *variants
            .iter()
            .find(|&&format| name(format) == chosen)
            .expect("clap only passes a listed name")
    })
}

/// `--format` for `show`, `resolve` and `cache stats`.
fn record_format() -> impl clap::builder::TypedValueParser<Value = RecordFormat> {
    format_parser(
        RecordFormat::VARIANTS,
        RecordFormat::as_str,
        RecordFormat::description,
    )
}

/// Bad input or usage: printed as an error, exit code 3. Everything else that goes
/// wrong is unexpected (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct InvalidInput(String);

fn invalid(message: impl Into<String>) -> anyhow::Error {
    InvalidInput(message.into()).into()
}

/// A claims, policy or rules file (`what`) that cannot be used: the one reason when it
/// could not be read at all, otherwise every problem, under how many there are.
fn invalid_file(what: &str, error: InvalidYaml) -> anyhow::Error {
    match error.unreadable() {
        Some(reason) => invalid(reason),
        None => invalid(format!(
            "{} in the {what} {}; nothing was checked:\n{error}",
            error.count(),
            error.path.display()
        )),
    }
}

/// The error and its causes, each said once: a cause its wrapper already quotes
/// (`cannot read x: {source}`) is not repeated after it.
fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let cause = cause.to_string();
        if text.contains(&cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause);
    }
    text
}

/// Runs the command line and returns the exit code; never panics on bad input.
pub fn main() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                Exit::InvalidInput
            } else {
                Exit::Clean // --help and --version
            };
        }
    };
    match run(cli) {
        Ok(exit) => exit,
        Err(error) => {
            eprintln!("error: {}", error_text(&error));
            if error.downcast_ref::<InvalidInput>().is_some() {
                Exit::InvalidInput
            } else {
                Exit::Unexpected
            }
        }
    }
}

fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Check(args) => check::run(&open_cache(&cli.cache_dir)?, &args),
        Command::Show(args) => show::run(&open_cache(&cli.cache_dir)?, &args),
        Command::Resolve(args) => resolve::run(&open_cache(&cli.cache_dir)?, &args),
        Command::Lint(args) => lint::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Cache { command } => cache::run(&open_cache(&cli.cache_dir)?, command),
    }
}

/// The cache of `--cache-dir`, refused the same way by every command that uses it
/// (invalid usage, exit 3) when it is a file or cannot be read, before any other work.
fn open_cache(dir: &std::path::Path) -> Result<Cache> {
    Cache::open(dir).map_err(unusable_cache)
}

/// The one message for a cache directory that cannot be used, with the fix.
fn unusable_cache(error: claimaudit::pubmed::cache::CacheError) -> anyhow::Error {
    invalid(format!(
        "{error}; pass --cache-dir (or set CLAIMAUDIT_CACHE_DIR to) a directory claimaudit can \
         read and write; it is created when missing"
    ))
}

/// The async runtime the lookups run on: one thread is enough, since the work is
/// waiting on NCBI and the disk (cache I/O goes to tokio's blocking pool).
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Writes to stdout, treating a closed pipe (`| head`) as a normal end.
fn write_stdout(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_the_message_already_quotes_is_not_repeated() {
        let os = std::io::Error::from(std::io::ErrorKind::NotFound);
        let quoted = anyhow::Error::new(WrapsAndQuotes(os)).context("cannot show the record");
        assert_eq!(
            error_text(&quoted),
            "cannot show the record: cannot read x.json: entity not found"
        );
        let plain = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::NotFound))
            .context("cannot write the report");
        assert_eq!(
            error_text(&plain),
            "cannot write the report: entity not found"
        );
    }

    /// An error like the cache's, whose message includes its source's text.
    #[derive(Debug, thiserror::Error)]
    #[error("cannot read x.json: {0}")]
    struct WrapsAndQuotes(#[source] std::io::Error);

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
