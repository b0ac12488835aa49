//! One self-contained HTML page (no external assets; works offline and prints cleanly):
//! the summary, filters by verdict and kind, and every claim with its wording, verdict,
//! sources linked to PubMed with their evidence level, and findings in plain words; then
//! the wording of the page the claims were drafted from, if any, as `claimaudit lint`
//! shows a file.

use std::fmt::Write as _;

use super::escape::xml as escape;
use super::lint::html::{FINDING_STYLE, file_section, rules_explained};
use super::lint::rules_of;
use super::{CitationReport, ClaimReport, FindingGroup, Formatter, Report};
use crate::claims::ClaimKind;
use crate::findings::Code;
use crate::judge::Verdict;
use crate::policy::Level;
use crate::pubmed::cache::Origin;
use crate::text::count;
use strum::VariantArray;

pub struct HtmlFormatter;

/// The language of a piece of copy: Japanese when kana or kanji make up a good part of
/// its letters, so browsers and screen readers pick the right fonts and voice.
pub(super) fn language_of(text: &str) -> &'static str {
    let japanese =
        |c: char| matches!(c as u32, 0x3040..=0x30ff | 0x4e00..=0x9fff | 0xff66..=0xff9f);
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let kana_kanji = text.chars().filter(|&c| japanese(c)).count();
    if letters > 0 && kana_kanji * 3 >= letters {
        "ja"
    } else {
        "en"
    }
}

/// The page's language: the one most of the claims are written in (each claim's wording
/// also carries its own).
fn language(report: &Report) -> &'static str {
    let japanese = report
        .claims
        .iter()
        .filter(|c| language_of(&c.text) == "ja")
        .count();
    if japanese * 2 > report.claims.len() {
        "ja"
    } else {
        "en"
    }
}

pub(super) const STYLE: &str = r#"
:root { --ok: #1b7f3b; --weak: #a86400; --bad: #b3261e; --muted: #5f6368; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", sans-serif; margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: #202124; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
table.summary { border-collapse: collapse; margin: .5rem 0 1rem; }
table.summary td, table.summary th { border: 1px solid #dadce0; padding: .25rem .75rem; text-align: left; }
fieldset { border: 1px solid #dadce0; margin: 0 0 1rem; padding: .5rem .75rem; }
fieldset label { margin-right: 1rem; white-space: nowrap; }
article.claim { border: 1px solid #dadce0; border-left: 6px solid var(--muted); border-radius: 4px; margin: 0 0 1rem; padding: .75rem 1rem; break-inside: avoid; }
article.claim[data-verdict="supported"] { border-left-color: var(--ok); }
article.claim[data-verdict="unreviewed"], article.claim[data-verdict="weak"], article.claim[data-verdict="not-checked"] { border-left-color: var(--weak); }
article.claim[data-verdict="unresolved"], article.claim[data-verdict="uncited"], article.claim[data-verdict="retracted"] { border-left-color: var(--bad); }
.claim h2 { font-size: 1rem; margin: 0; }
.claim .wording { font-size: 1.1rem; margin: .25rem 0; }
.verdict { display: inline-block; font-weight: 600; padding: 0 .5rem; border-radius: 3px; background: #f1f3f4; }
.kind, .where { color: var(--muted); font-size: .9rem; }
ul { margin: .25rem 0; padding-left: 1.25rem; }
.deny { color: var(--bad); font-weight: 600; }
.warn { color: var(--weak); font-weight: 600; }
.allow, .waived { color: var(--muted); }
.hidden { display: none; }
.banner { border: 2px solid var(--bad); border-radius: 4px; padding: .5rem .75rem; color: var(--bad); }
.note { color: var(--muted); font-size: .9em; }
section.uncited { border: 1px solid #dadce0; border-left: 6px solid var(--bad); border-radius: 4px; padding: .75rem 1rem; margin: 0 0 1rem; }
table.uncited { border-collapse: collapse; width: 100%; }
table.uncited td, table.uncited th { border-top: 1px solid #dadce0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
ul.queries { margin: 0; }
@media print {
  fieldset, .no-print { display: none; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  article.claim { display: block !important; }
  tr.claim { display: table-row !important; }
  a { color: inherit; text-decoration: none; }
  a[href^="https://pubmed"]::after { content: " (" attr(href) ")"; font-size: .8em; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  var boxes = document.querySelectorAll('fieldset input[type=checkbox]');
  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.name + ':' + b.value] = b.checked; });
    var shown = 0;
    document.querySelectorAll('.claim').forEach(function (a) {
      var visible = on['verdict:' + a.dataset.verdict] && on['kind:' + a.dataset.kind];
      a.classList.toggle('hidden', !visible);
      if (visible) shown++;
    });
    document.getElementById('shown').textContent = shown;
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  apply();
})();
"#;

impl Formatter for HtmlFormatter {
    fn render(&self, report: &Report) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
            language(report)
        );
        let _ = writeln!(
            out,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        );
        let _ = writeln!(
            out,
            "<title>claimaudit: {}</title>",
            escape(&report.claims_file)
        );
        // The page's findings are shown as `lint` shows them, and need its style.
        let finding_style = if report.page.is_some() {
            FINDING_STYLE
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<style>{STYLE}{finding_style}</style>\n</head>\n<body>"
        );
        // A claims file without a product names itself in the heading instead.
        let subject = if report.product.name.trim().is_empty() {
            &report.claims_file
        } else {
            &report.product.name
        };
        let _ = writeln!(out, "<h1>Claim audit: {}</h1>", escape(subject));
        let _ = writeln!(
            out,
            "<p class=\"meta\">Claims file <code>{}</code> · generated {} · claimaudit {}</p>",
            escape(&report.claims_file),
            escape(&report.generated_at),
            escape(report.tool.version),
        );
        let _ = writeln!(
            out,
            "<p class=\"meta\">Run: {}</p>",
            escape(&report.provenance.summary())
        );
        if let Some(warning) = report.provenance.stale_warning() {
            let _ = writeln!(
                out,
                "<p class=\"banner\" role=\"alert\"><strong>Warning:</strong> {}</p>",
                escape(&warning)
            );
        }
        out.push_str(
            "<table class=\"summary\"><tr><th>Verdict</th><th>Claims</th><th>Meaning</th></tr>\n",
        );
        for verdict in Verdict::ALL {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                verdict.as_str(),
                report.summary.verdicts[verdict],
                verdict.meaning()
            );
        }
        let f = &report.summary.findings;
        let _ = writeln!(
            out,
            "</table>\n<p>Findings: <span class=\"deny\">{} deny</span>, <span class=\"warn\">{} warn</span>, {} allow, {} waived.</p>",
            f.deny, f.warn, f.allow, f.waived
        );
        if let (Some(page), Some(p)) = (&report.page, &report.summary.page_findings) {
            let _ = writeln!(
                out,
                "<p>Page wording (<code>{}</code>, outside the claims): <span class=\"deny\">{} deny</span>, <span class=\"warn\">{} warn</span>, {} allow.</p>",
                escape(&page.path),
                p.deny,
                p.warn,
                p.allow
            );
        }
        out.push_str("<fieldset class=\"no-print\"><legend>Show</legend>\n");
        for verdict in Verdict::ALL {
            let _ = writeln!(
                out,
                "<label><input type=\"checkbox\" name=\"verdict\" value=\"{0}\" checked> {0}</label>",
                verdict.as_str()
            );
        }
        out.push_str("<br>\n");
        for kind in ClaimKind::names() {
            let _ = writeln!(
                out,
                "<label><input type=\"checkbox\" name=\"kind\" value=\"{kind}\" checked> {kind}</label>"
            );
        }
        // The script replaces "all" with the count of claims the filters leave visible.
        let _ = writeln!(
            out,
            "<br><span id=\"shown\">all</span> of {} claims shown</fieldset>",
            report.claims.len()
        );
        // The claims that cite something come first, one card each: they are the ones a
        // reviewer can act on. Uncited claims share one explanation and one table.
        for claim in report
            .claims
            .iter()
            .filter(|c| c.verdict != Verdict::Uncited)
        {
            claim_html(&mut out, claim, &report.claims_file);
        }
        uncited_html(&mut out, report);
        if let Some(page) = &report.page {
            let heading = format!(
                "Page wording outside the claims: <code>{}</code>",
                escape(&page.path)
            );
            file_section(&mut out, &heading, page);
            rules_explained(
                &mut out,
                "Page wording rules raised, and their basis",
                &rules_of(page.findings.iter()),
            );
        }
        let notable: Vec<_> = report
            .waivers
            .iter()
            .filter_map(|w| Some((&w.waiver, w.attention()?)))
            .collect();
        if !notable.is_empty() {
            out.push_str("<h2>Waivers needing attention</h2><ul>\n");
            for (w, attention) in notable {
                let _ = writeln!(
                    out,
                    "<li>line {}: <code>{}</code> on <code>{}</code> {} (approved by {} on {}, expires {})</li>",
                    w.line,
                    w.code,
                    escape(&w.claim),
                    escape(&attention),
                    escape(&w.approved_by),
                    escape(&w.approved_on),
                    escape(&w.expires)
                );
            }
            out.push_str("</ul>\n");
        }
        if !report.overrides.is_empty() {
            out.push_str("<h2>Policy changes</h2><ul>\n");
            for o in &report.overrides {
                let class = if o.applied { "allow" } else { "warn" };
                let _ = writeln!(out, "<li class=\"{class}\">{}</li>", escape(&o.describe()));
            }
            out.push_str("</ul>\n");
        }
        glossary(&mut out);
        let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
        out
    }
}

/// What the levels and finding codes mean, for a reader of the filed page.
fn glossary(out: &mut String) {
    out.push_str("<h2>Glossary</h2>\n<dl class=\"glossary\">\n");
    for level in Level::VARIANTS {
        let _ = writeln!(
            out,
            "<dt><span class=\"{0}\">{0}</span></dt><dd>{1}</dd>",
            level.as_str(),
            escape(level.meaning())
        );
    }
    for code in Code::ALL {
        let _ = writeln!(
            out,
            "<dt><code>{}</code> ({})</dt><dd>{}.<br>{}</dd>",
            code.as_str(),
            code.default_level().as_str(),
            escape(code.summary()),
            escape(code.help())
        );
    }
    out.push_str("</dl>\n");
}

fn claim_html(out: &mut String, claim: &ClaimReport, file: &str) {
    let judged = if claim.judged_as == claim.kind {
        String::new()
    } else {
        format!(", judged as {}", claim.judged_as.as_str())
    };
    let _ = writeln!(
        out,
        "<article class=\"claim\" id=\"claim-{0}\" data-verdict=\"{1}\" data-kind=\"{2}\">\n<h2>{0} <span class=\"verdict\">{1}</span> <span class=\"kind\">{2} claim{judged}</span> <span class=\"where\">{3}:{4}{5}</span></h2>",
        escape(&claim.id),
        claim.verdict.as_str(),
        claim.kind.as_str(),
        escape(file),
        claim.line,
        page_line(claim)
    );
    wording_html(out, claim);
    let _ = writeln!(
        out,
        "<p><strong>{}</strong>: {}</p>",
        escape(claim.verdict.meaning()),
        escape(&claim.explanation)
    );
    if !claim.citations.is_empty() {
        out.push_str("<p>Sources:</p><ul>\n");
        for c in &claim.citations {
            source_html(out, c);
        }
        out.push_str("</ul>\n");
    }
    let groups = claim.findings_by_code();
    if !groups.is_empty() {
        out.push_str("<p>Findings:</p><ul>\n");
        for group in groups {
            let waivers = group_waivers(&group);
            let _ = writeln!(
                out,
                "<li><span class=\"{0}\">{0}</span> <code>{1}</code>: {2} <em>{3}</em>{waivers}</li>",
                group.level.as_str(),
                group.code,
                escape(&group.said().line()),
                escape(group.code.help())
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
}

/// The claim's wording in its own language, and the claims file's note on it.
fn wording_html(out: &mut String, claim: &ClaimReport) {
    let _ = writeln!(
        out,
        "<p class=\"wording\" lang=\"{}\">{}</p>",
        language_of(&claim.text),
        escape(&claim.text)
    );
    if let Some(note) = &claim.note {
        let _ = writeln!(
            out,
            "<p class=\"note\">Note: <span lang=\"{}\">{}</span></p>",
            language_of(note),
            escape(note)
        );
    }
}

/// One cited source: what it resolved to and when PubMed last confirmed it, or what was
/// tried when it did not resolve.
fn source_html(out: &mut String, c: &CitationReport) {
    let found = match (&c.pmid, &c.evidence) {
        (Some(pmid), Some(e)) => format!(
            " → <a href=\"https://pubmed.ncbi.nlm.nih.gov/{0}/\">PMID {0}</a> {1} ({2}{3}), {4}, evidence level {5}",
            pmid,
            escape(c.title.as_deref().unwrap_or("")),
            escape(c.journal.as_deref().unwrap_or("")),
            c.year.map(|y| format!(" {y}")).unwrap_or_default(),
            e.design.as_str(),
            e.level.map_or_else(|| "none".into(), |l| l.to_string())
        ),
        _ if !c.candidates.is_empty() => {
            let links: Vec<String> = c
                .candidates
                .iter()
                .map(|k| {
                    format!(
                        "<a href=\"https://pubmed.ncbi.nlm.nih.gov/{0}/\">PMID {0}</a> {1}",
                        k.pmid,
                        escape(&k.title)
                    )
                })
                .collect();
            format!(" → {}: {}", c.status.as_str(), links.join("; "))
        }
        _ => format!(" → {}", c.status.as_str()),
    };
    let supports = if c.supports {
        " <strong class=\"supports\">supports the claim</strong>"
    } else {
        ""
    };
    let confirmed = match (&c.confirmed_at, c.record_origin, c.record_age_days) {
        (Some(at), Some(Origin::Import), _) => format!(
            " <span class=\"meta\">(imported from a file {}; never confirmed by PubMed itself)</span>",
            escape(at)
        ),
        (Some(at), _, Some(days)) => format!(
            " <span class=\"meta\">(last confirmed by PubMed {}, {} before this report)</span>",
            escape(at),
            count(days as usize, "day", "days")
        ),
        _ => String::new(),
    };
    let _ = write!(
        out,
        "<li>“{}”{found}{supports}{confirmed}",
        escape(&c.input)
    );
    if let Some(reason) = &c.reason {
        let _ = write!(out, " <span class=\"warn\">({})</span>", escape(reason));
    }
    if c.pmid.is_none() {
        if c.queries.is_empty() {
            out.push_str(" <span class=\"meta\">Not looked up.</span>");
        } else {
            let _ = write!(
                out,
                "<br><span class=\"meta\">{}:</span><ul class=\"queries\">",
                count(c.queries.len(), "query tried", "queries tried")
            );
            for query in &c.queries {
                let _ = write!(out, "<li><code>{}</code></li>", escape(&query.to_string()));
            }
            out.push_str("</ul>");
        }
    }
    out.push_str("</li>\n");
}

/// Every claim that cites nothing, in one table under one explanation: they all need the
/// same fix, and repeating it on dozens of cards would bury the claims that cite
/// something wrong.
fn uncited_html(out: &mut String, report: &Report) {
    let uncited: Vec<&ClaimReport> = report
        .claims
        .iter()
        .filter(|c| c.verdict == Verdict::Uncited)
        .collect();
    if uncited.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section class=\"uncited\">\n<h2>{} no source</h2>\n<p>{} <em>{}</em></p>",
        count(uncited.len(), "claim cites", "claims cite"),
        escape(Verdict::Uncited.meaning()),
        escape(Code::UncitedClaim.help())
    );
    out.push_str("<table class=\"uncited\"><tr><th>Claim</th><th>Line</th><th>Kind</th><th>Wording</th><th>Other findings</th></tr>\n");
    for claim in uncited {
        // The uncited finding itself is the section's heading; only its waiver, if any,
        // is worth a line of its own.
        let others: Vec<String> = claim
            .findings_by_code()
            .iter()
            .filter_map(|g| {
                let waivers = group_waivers(g);
                if g.code == Code::UncitedClaim {
                    return (!waivers.is_empty())
                        .then(|| format!("<code>{}</code>{waivers}", g.code));
                }
                Some(format!(
                    "<span class=\"{0}\">{0}</span> <code>{1}</code>: {2}{waivers}",
                    g.level.as_str(),
                    g.code,
                    escape(&g.said().line())
                ))
            })
            .collect();
        let note = claim
            .note
            .as_deref()
            .map(|n| format!("<br><span class=\"note\">Note: {}</span>", escape(n)))
            .unwrap_or_default();
        let page_line = page_line(claim);
        let _ = writeln!(
            out,
            "<tr class=\"claim\" id=\"claim-{0}\" data-verdict=\"{1}\" data-kind=\"{2}\"><td><code>{0}</code></td><td>{3}{page_line}</td><td>{2}</td><td lang=\"{4}\">{5}{note}</td><td>{6}</td></tr>",
            escape(&claim.id),
            claim.verdict.as_str(),
            claim.kind.as_str(),
            claim.line,
            language_of(&claim.text),
            escape(&claim.text),
            if others.is_empty() {
                "-".to_owned()
            } else {
                others.join("<br>")
            }
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// " · page line 12" beside a claim drafted from a page.
fn page_line(claim: &ClaimReport) -> String {
    claim
        .page_line()
        .map(|place| format!(" · {place}"))
        .unwrap_or_default()
}

/// The waivers of a group of findings, marked as applied or expired.
fn group_waivers(group: &FindingGroup<'_>) -> String {
    let class = if group.counts { "warn" } else { "waived" };
    group
        .waivers()
        .iter()
        .map(|w| format!(" <span class=\"{class}\">({})</span>", escape(w)))
        .collect()
}
