//! The lint report as one self-contained HTML page, to read or file: per file, each
//! finding with the phrase marked in its line, what to write instead and the legal basis;
//! then the rules raised, explained.

use std::fmt::Write as _;

use super::super::escape::xml as escape;
use super::super::html::STYLE;
use super::{LintFinding, LintFormatter, LintReport, LintedFile};
use crate::lint::Rule;

pub struct LintHtml;

/// The style a file's findings need beyond the shared one: the marked phrase and a card
/// per finding, coloured by level.
pub(crate) const FINDING_STYLE: &str = "mark { background: #fde293; }\n.finding { border-left: 6px solid var(--muted); padding: .25rem .75rem; margin: 0 0 .75rem; break-inside: avoid; }\n.finding.deny { border-left-color: var(--bad); }\n.finding.warn { border-left-color: var(--weak); }\n.finding p { margin: .2rem 0; font-weight: normal; color: #202124; }\n";

/// One file's section: `heading` (HTML), how it was read and the product class, then each
/// finding with its phrase marked in its line, what to write instead. `check` shows the
/// page it drafted its claims from the same way.
pub(crate) fn file_section(out: &mut String, heading: &str, file: &LintedFile) {
    let _ = writeln!(
        out,
        "<section class=\"file\">\n<h2>{heading}</h2>\n<p class=\"meta\">{} · product: {}</p>",
        file.format.as_str(),
        escape(&file.class.describe())
    );
    if file.findings.is_empty() {
        out.push_str("<p>No findings.</p>\n");
    }
    for f in &file.findings {
        let _ = writeln!(
            out,
            "<div class=\"finding {level}\" data-code=\"{code}\">\n<p><span class=\"{level}\">{level}</span> <code>{code}</code> {name} <span class=\"where\">line {line}, column {column}</span></p>",
            level = f.level.as_str(),
            code = escape(f.code.as_str()),
            name = escape(&f.rule.name),
            line = f.line,
            column = f.column,
        );
        if f.is_missing_disclosure() {
            let _ = writeln!(out, "<p>Missing: {}</p>", escape(&f.message));
        } else {
            let _ = writeln!(
                out,
                "<p class=\"wording\" lang=\"{}\">{}</p>\n<p>{}</p>",
                super::super::html::language_of(&f.context),
                in_context(f),
                escape(&f.message)
            );
        }
        let _ = writeln!(
            out,
            "<p><strong>Instead:</strong> {}</p>\n</div>",
            escape(&f.rule.suggestion)
        );
    }
    out.push_str("</section>\n");
}

/// The wording rules `rules` explained, with their legal basis, under `heading`.
pub(crate) fn rules_explained(out: &mut String, heading: &str, rules: &[&'static Rule]) {
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{heading}</h2>\n<dl>");
    for rule in rules {
        let _ = writeln!(
            out,
            "<dt><code>{}</code> {}</dt><dd>{}<ul>",
            escape(&rule.code),
            escape(&rule.name),
            escape(&rule.explanation)
        );
        for basis in &rule.basis {
            let _ = writeln!(
                out,
                "<li>{} — {}</li>",
                escape(&basis.document),
                escape(&basis.section)
            );
        }
        out.push_str("</ul></dd>\n");
    }
    out.push_str("</dl>\n");
}

/// The finding's line with its phrase marked.
fn in_context(f: &LintFinding) -> String {
    let phrase = f.phrase.trim();
    match f.context.find(phrase) {
        Some(at) if !phrase.is_empty() => format!(
            "{}<mark>{}</mark>{}",
            escape(&f.context[..at]),
            escape(phrase),
            escape(&f.context[at + phrase.len()..])
        ),
        _ => escape(&f.context),
    }
}

impl LintFormatter for LintHtml {
    fn render(&self, report: &LintReport) -> String {
        // The page's language is the copy's (most of what it shows); each quoted line
        // also carries its own.
        let (japanese, quoted) =
            report
                .files
                .iter()
                .flat_map(|f| &f.findings)
                .fold((0, 0), |(ja, all), f| {
                    let ja = ja + usize::from(super::super::html::language_of(&f.context) == "ja");
                    (ja, all + 1)
                });
        let japanese = japanese * 2 > quoted;
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>claimaudit wording lint</title>\n<style>{STYLE}{FINDING_STYLE}</style>\n</head>\n<body>\n",
            if japanese { "ja" } else { "en" }
        );
        let counts = &report.summary.findings;
        let _ = writeln!(
            out,
            "<h1>Wording lint</h1>\n<p class=\"meta\">claimaudit {} · generated {} · jurisdictions: {}</p>",
            escape(report.tool.version),
            escape(&report.generated_at),
            if report.jurisdictions.is_empty() {
                "all".to_owned()
            } else {
                report
                    .jurisdictions
                    .iter()
                    .map(|j| j.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        let _ = writeln!(
            out,
            "<table class=\"summary\"><tr><th>files</th><th>deny</th><th>warn</th><th>allow</th></tr><tr><td>{}</td><td class=\"deny\">{}</td><td class=\"warn\">{}</td><td class=\"allow\">{}</td></tr></table>",
            report.summary.files, counts.deny, counts.warn, counts.allow
        );
        if !report.overrides.is_empty() {
            out.push_str("<h2>Policy changes</h2>\n<ul>\n");
            for change in &report.overrides {
                let _ = writeln!(out, "<li>{}</li>", escape(&change.describe()));
            }
            out.push_str("</ul>\n");
        }
        for file in &report.files {
            let heading = format!("<code>{}</code>", escape(&file.path));
            file_section(&mut out, &heading, file);
        }
        rules_explained(
            &mut out,
            "Rules raised, and their basis",
            &report.rules_raised(),
        );
        out.push_str("<p class=\"meta\">These findings say where wording likely conflicts with the rules cited; a reviewer confirms.</p>\n</body>\n</html>\n");
        out
    }
}
