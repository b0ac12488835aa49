//! Plain-text tables for a terminal: columns aligned by display width, so Japanese text
//! lines up.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Left-aligned columns separated by two spaces, padded by display width so CJK text
/// lines up; the last column is not padded, and may hold several lines (see [`wrap`]),
/// each starting under the column.
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
            if i < last {
                line.push_str(cell);
                let pad = widths[i] - cell.width() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let indent = line.width();
        let mut last_lines = row.get(last).map_or("", String::as_str).split('\n');
        line.push_str(last_lines.next().unwrap_or(""));
        out.push_str(line.trim_end());
        out.push('\n');
        for more in last_lines {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(more.trim_end());
            out.push('\n');
        }
    }
    out
}

/// `text` broken into lines of at most `width` display columns, at a space when there
/// is one in reach (English) and between any two characters otherwise (Japanese has
/// no spaces), joined with newlines for [`aligned`]'s last column.
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_inclusive(' ') {
        let word_width = word.trim_end().width();
        if used > 0 && used + word_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            // Closing punctuation hangs at the end of a line rather than open the next.
            let hangs = "、。，．）」』】,.)".contains(c);
            if used + w > width && used > 0 && !hangs {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used == 0 && c == ' ' {
                continue;
            }
            line.push(c);
            used += w;
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
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
    fn wrapping_counts_display_columns_and_keeps_every_character() {
        let japanese = "幹細胞培養上清液とは、幹細胞を培養する過程で分泌される";
        let wrapped = wrap(japanese, 10);
        // A closing comma or full stop may hang past the width; nothing else may.
        assert!(
            wrapped
                .lines()
                .all(|l| l.width() <= 10 || (l.width() <= 12 && l.ends_with(['、', '。']))),
            "{wrapped}"
        );
        assert!(wrapped.lines().all(|l| !l.starts_with('、')), "{wrapped}");
        assert_eq!(wrapped.replace('\n', ""), japanese);
        assert_eq!(
            wrap("no risk of tumour formation at all", 12),
            "no risk of\ntumour\nformation at\nall"
        );
        assert_eq!(wrap("short", 40), "short");
    }

    #[test]
    fn a_last_column_of_several_lines_starts_each_under_the_column() {
        let text = aligned(
            &["A", "TEXT"],
            &[
                vec!["歯".into(), "one\ntwo".into()],
                vec!["ab".into(), "y".into()],
            ],
        );
        assert_eq!(text, "A   TEXT\n歯  one\n    two\nab  y\n");
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
