//! Plain-text table for `show`: one row per record, then the notices (retractions,
//! errata, expressions of concern) a reviewer must not miss.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::ClassifiedRecord;
use crate::resolve::Resolution;

/// Titles are cut to this many terminal columns to keep rows on one line.
const TITLE_WIDTH: usize = 72;

/// Comment/correction links worth repeating under the table.
const NOTICE_LINKS: &[&str] = &[
    "RetractionIn",
    "ExpressionOfConcernIn",
    "ErratumIn",
    "UpdateIn",
];

pub fn render(records: &[ClassifiedRecord]) -> String {
    let header = [
        "PMID",
        "YEAR",
        "DESIGN",
        "LEVEL",
        "POPULATION",
        "CONFIDENCE",
        "FLAGS",
        "JOURNAL",
        "TITLE",
    ];
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|item| {
            let r = &item.record;
            let e = &item.evidence;
            let flags: Vec<&str> = item.flags.iter().map(|f| f.as_str()).collect();
            vec![
                r.pmid.clone(),
                r.year.map_or_else(|| "-".into(), |y| y.to_string()),
                e.design.as_str().to_owned(),
                e.level.map_or_else(|| "-".into(), |l| l.to_string()),
                e.population.as_str().to_owned(),
                format!(
                    "{} ({})",
                    e.confidence.as_str(),
                    e.basis
                        .iter()
                        .map(|b| b.as_str())
                        .collect::<Vec<_>>()
                        .join("+")
                ),
                if flags.is_empty() {
                    "-".into()
                } else {
                    flags.join(",")
                },
                r.iso_abbrev
                    .clone()
                    .or_else(|| r.journal.clone())
                    .unwrap_or_else(|| "-".into()),
                truncate(&r.title, TITLE_WIDTH),
            ]
        })
        .collect();
    let mut out = aligned(&header, &rows);
    let notices: Vec<String> = records
        .iter()
        .flat_map(|item| {
            item.record
                .comments_corrections
                .iter()
                .filter(|link| NOTICE_LINKS.contains(&link.ref_type.as_str()))
                .map(move |link| {
                    let target = link
                        .pmid
                        .as_deref()
                        .map(|p| format!(" PMID {p}"))
                        .unwrap_or_default();
                    let source = link
                        .ref_source
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default();
                    format!("  {}: {}{target}{source}", item.record.pmid, link.ref_type)
                })
        })
        .collect();
    if !notices.is_empty() {
        out.push_str("\nNotices:\n");
        for line in notices {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Left-aligned columns separated by two spaces, padded by display width so CJK text
/// lines up; the last column is not padded.
pub fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let last = row.len().saturating_sub(1);
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i < last {
                let pad = widths[i] - cell.width() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Cuts `text` to at most `max` display columns, marking the cut with "…".
pub fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The outcome of one `resolve`, as labelled lines.
pub fn render_resolution(resolution: &Resolution, record: Option<&ClassifiedRecord>) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |label: &str, value: String| rows.push(vec![label.to_owned(), value]);
    row("citation", resolution.input.clone());
    let mut status = resolution.status.as_str().to_owned();
    if let Some(score) = resolution.score {
        status.push_str(&format!(" (score {score:.2}"));
        if !resolution.matched.is_empty() {
            status.push_str(&format!("; agrees on {}", resolution.matched.join(", ")));
        }
        status.push(')');
    }
    row("status", status);
    if let Some(reason) = &resolution.reason {
        row("reason", reason.clone());
    }
    if let Some(item) = record {
        let r = &item.record;
        let e = &item.evidence;
        row("pmid", r.pmid.clone());
        row("title", r.title.clone());
        let source = [
            r.authors.first().map(|a| a.display_name()),
            r.iso_abbrev.clone().or_else(|| r.journal.clone()),
            r.year.map(|y| y.to_string()),
            r.doi.as_ref().map(|d| format!("doi:{d}")),
        ];
        row(
            "source",
            source.into_iter().flatten().collect::<Vec<_>>().join(", "),
        );
        let flags: Vec<&str> = item.flags.iter().map(|f| f.as_str()).collect();
        row(
            "evidence",
            format!(
                "{}, level {}, population {}, confidence {}{}",
                e.design.as_str(),
                e.level.map_or_else(|| "none".into(), |l| l.to_string()),
                e.population.as_str(),
                e.confidence.as_str(),
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", flags.join(", "))
                }
            ),
        );
    }
    for warning in &resolution.warnings {
        row("warning", warning.clone());
    }
    if record.is_none() {
        for c in &resolution.candidates {
            row(
                "candidate",
                format!(
                    "{}  {:.2}  {}  {}  {}",
                    c.pmid,
                    c.score,
                    c.year.map_or_else(|| "-".into(), |y| y.to_string()),
                    c.journal.as_deref().unwrap_or("-"),
                    truncate(&c.title, TITLE_WIDTH)
                ),
            );
        }
    }
    for query in &resolution.queries {
        row("query", query.clone());
    }
    let lines = aligned(&["", ""], &rows);
    // Drop the empty header line `aligned` writes.
    lines.lines().skip(1).map(|l| format!("{l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_display_columns() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("歯髄幹細胞", 5), "歯髄…");
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn columns_align_on_display_width() {
        let text = aligned(
            &["A", "B"],
            &[vec!["歯".into(), "x".into()], vec!["ab".into(), "y".into()]],
        );
        assert_eq!(text, "A   B\n歯  x\nab  y\n");
    }
}
