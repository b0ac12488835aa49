//! Plain-text tables for a terminal: columns aligned by display width, so Japanese text
//! lines up.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
