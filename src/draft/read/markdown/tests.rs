use super::*;
use proptest::prelude::*;

/// The line (1-based) where `needle` first occurs in `source`, to check `Block.line`.
fn line_of(source: &str, needle: &str) -> usize {
    let at = source.find(needle).expect("needle in the source");
    source[..at].matches('\n').count() + 1
}

fn texts(blocks: &[Block]) -> Vec<&str> {
    blocks.iter().map(|b| b.text.as_str()).collect()
}

fn find<'b>(blocks: &'b [Block], text: &str) -> &'b Block {
    blocks
        .iter()
        .find(|b| b.text == text)
        .unwrap_or_else(|| panic!("no block {text:?} in {:#?}", texts(blocks)))
}

fn anchors(block: &Block) -> Vec<(&str, &str)> {
    block
        .links
        .iter()
        .map(|l| (&block.text[l.range.clone()], l.href.as_str()))
        .collect()
}

fn list_item(block: &Block) -> (usize, u8, Option<u32>) {
    match block.kind {
        BlockKind::ListItem {
            list,
            depth,
            number,
        } => (list, depth, number),
        ref other => panic!("{:?} is {other:?}, not a list item", block.text),
    }
}

#[test]
fn headings_paragraphs_and_inline_markup() {
    let page =
        "# Glow *serum*\n\nOur **serum _boosts_** `collagen`\nby ~~20%~~ 40%.\n\nSetext\n------\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Glow serum",
            "Our serum boosts collagen by 20% 40%.",
            "Setext"
        ]
    );
    assert_eq!(blocks[0].kind, BlockKind::Heading { level: 1 });
    assert_eq!(blocks[1].kind, BlockKind::Paragraph);
    assert_eq!(blocks[2].kind, BlockKind::Heading { level: 2 });
    assert_eq!(blocks[2].line, line_of(page, "Setext"));
}

#[test]
fn tables_have_a_header_row_cells_and_links_in_cells() {
    let page = "| Ingredient | Study |\n|---|:---:|\n| Retinol `0.3%` | [Kim 2020](https://pubmed.example/1) |\n\
                | | none |\n\n| A |\n|---|\n| B |\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Ingredient | Study",
            "Retinol 0.3% | Kim 2020",
            " | none",
            "A",
            "B"
        ]
    );
    let rows: Vec<_> = blocks
        .iter()
        .map(|b| match &b.kind {
            BlockKind::TableRow { table, header, .. } => (*table, *header),
            other => panic!("{other:?}"),
        })
        .collect();
    let (first, second) = (rows[0].0, rows[3].0);
    assert_ne!(first, second);
    assert_eq!(
        rows,
        [
            (first, true),
            (first, false),
            (first, false),
            (second, true),
            (second, false)
        ]
    );
    assert_eq!(blocks[1].cell(1), Some("Kim 2020"));
    assert_eq!(blocks[2].cell(0), Some(""));
    assert_eq!(
        anchors(&blocks[1]),
        [("Kim 2020", "https://pubmed.example/1")]
    );
    assert_eq!(blocks[1].line, line_of(page, "| Retinol"));
}

#[test]
fn nested_lists_have_depths_numbers_and_items_without_their_sub_lists() {
    // (A list starting at 3 cannot interrupt a paragraph: CommonMark needs the blank line.)
    let page = "- Hydrates\n\n  3. for 24 hours\n  4. with *hyaluronic* acid\n     - three weights\n\
                - Fragrance free\n\n  Even for sensitive skin.\n\n1) one\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Hydrates",
            "for 24 hours",
            "with hyaluronic acid",
            "three weights",
            "Fragrance free Even for sensitive skin.",
            "one"
        ]
    );
    let items: Vec<_> = blocks.iter().map(list_item).collect();
    let (outer, ordered, inner, last) = (items[0].0, items[1].0, items[3].0, items[5].0);
    assert_eq!(
        items,
        [
            (outer, 0, None),
            (ordered, 1, Some(3)),
            (ordered, 1, Some(4)),
            (inner, 2, None),
            (outer, 0, None),
            (last, 0, Some(1)),
        ]
    );
    let mut ids = vec![outer, ordered, inner, last];
    ids.dedup();
    assert_eq!(ids.len(), 4, "every list has its own id");
    assert_eq!(blocks[2].line, line_of(page, "with"));
}

#[test]
fn footnote_references_and_definitions() {
    let page = "Firms skin[^1] and lifts[^note].\n\n[^1]: Kim J. 2020.\n\n[^note]: Lee S.\n    \
                2019, second paragraph:\n\n    more.\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Firms skin[^1] and lifts[^note].",
            "Kim J. 2020.",
            "Lee S. 2019, second paragraph: more."
        ]
    );
    assert_eq!(blocks[1].kind, BlockKind::Footnote { label: "1".into() });
    assert_eq!(
        blocks[2].kind,
        BlockKind::Footnote {
            label: "note".into()
        }
    );
    assert_eq!(blocks[2].line, line_of(page, "Lee"));
}

#[test]
fn links_have_their_anchor_ranges_and_images_are_dropped() {
    let page = "See [the **study**]( https://pubmed.example/9 ), [ref][r], <https://x.test> and \
                [![logo](l.png)](/home) ![alt text](p.png) 日本語の[リンク](/ja)です.\n\n[r]: /ref\n";
    let blocks = read(page);
    assert_eq!(
        blocks[0].text,
        "See the study, ref, https://x.test and 日本語のリンクです."
    );
    assert_eq!(
        anchors(&blocks[0]),
        [
            ("the study", "https://pubmed.example/9"),
            ("ref", "/ref"),
            ("https://x.test", "https://x.test"),
            ("", "/home"),
            ("リンク", "/ja")
        ]
    );
    assert_eq!(blocks.len(), 1, "a link reference definition is not text");
}

#[test]
fn inline_html_superscripts_links_and_breaks() {
    let page = "Boosts collagen<sup>2</sup> and elastin<sup><a href=\"#fn3\">[3]</a></sup> on 2 m<sup>2</sup>\n\
                of skin<sup>®</sup>, <a href='/buy'>buy <em>now</em></a><br>today <!-- hidden --><span>here</span>.\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        ["Boosts collagen[^2] and elastin[^3] on 2 m2 of skin®, buy now today here."]
    );
    assert_eq!(anchors(&blocks[0]), [("[^3]", "#fn3"), ("buy now", "/buy")]);
}

#[test]
fn html_blocks_are_read_by_the_html_reader_with_page_lines_and_ids() {
    let page = "- md item\n\n<div class=\"claims\">\n<p>HTML <b>claim</b></p>\n<ul><li>html item</li></ul>\n\
                <table><tr><td>cell</td></tr></table>\n</div>\n\n| md |\n|---|\n| row |\n\n- next\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "md item",
            "HTML claim",
            "html item",
            "cell",
            "md",
            "row",
            "next"
        ]
    );
    assert_eq!(find(&blocks, "HTML claim").line, line_of(page, "HTML"));
    assert_eq!(find(&blocks, "cell").line, line_of(page, "cell"));
    let lists: Vec<_> = blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::ListItem { .. }))
        .map(|b| list_item(b).0)
        .collect();
    assert_eq!(lists.len(), 3);
    assert!(
        lists[0] != lists[1] && lists[1] != lists[2] && lists[0] != lists[2],
        "{lists:?}"
    );
    let tables: Vec<_> = blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::TableRow { table, .. } => Some(table),
            _ => None,
        })
        .collect();
    assert_eq!(tables.len(), 3);
    assert_ne!(tables[0], tables[1], "{tables:?}");
    assert_eq!(tables[1], tables[2]);
}

#[test]
fn code_front_matter_and_quotes() {
    let page = "---\ntitle: Not copy\n---\n\n```\nlet claim = \"cures\";\n```\n\n    indented code\n\n\
                > Quoted *claim*.\n>\n> Second quoted.\n\n---\n\nAfter the rule.\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        ["Quoted claim.", "Second quoted.", "After the rule."]
    );
    assert!(blocks.iter().all(|b| b.kind == BlockKind::Paragraph));
    assert_eq!(blocks[1].line, line_of(page, "Second"));
}

#[test]
fn japanese_lines_without_blank_lines_are_one_paragraph() {
    let page = "## 美白美容液\n\nシミ・そばかすを防ぎます。\n医師監修<sup>1</sup>の処方です。  \n毎日使えます。\n";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "美白美容液",
            "シミ・そばかすを防ぎます。 医師監修[^1]の処方です。 毎日使えます。"
        ]
    );
    assert_eq!(blocks[1].line, 3);
}

#[test]
fn lines_count_crlf_and_lone_cr() {
    let page = "# One\r\n\r\nTwo\r\ncontinued\r\n\r\n- three\r- four\r\n";
    let blocks = read(page);
    let lines: Vec<_> = blocks.iter().map(|b| (b.text.as_str(), b.line)).collect();
    assert_eq!(
        lines,
        [("One", 1), ("Two continued", 3), ("three", 6), ("four", 7)]
    );
}

#[test]
fn empty_and_whitespace_pages_give_no_blocks() {
    for page in [
        "",
        "  \n\n\t\n",
        "<!-- only a comment -->\n",
        "```\ncode\n```\n",
        "---\n",
    ] {
        assert_eq!(read(page), [], "{page:?}");
    }
}

fn assert_ranges_valid(blocks: &[Block]) {
    for block in blocks {
        assert!(!block.text.is_empty());
        assert!(block.line >= 1);
        let mut ranges: Vec<_> = block.links.iter().map(|l| l.range.clone()).collect();
        if let BlockKind::TableRow { cells, .. } = &block.kind {
            ranges.extend(cells.iter().cloned());
        } else {
            assert_eq!(
                block.text,
                crate::draft::blocks::collapse_whitespace(&block.text)
            );
        }
        for range in ranges {
            assert!(
                block.text.get(range.clone()).is_some(),
                "{range:?} of {:?}",
                block.text
            );
        }
    }
}

fn markdown_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("# ".to_string()),
        Just("- ".to_string()),
        Just("  - ".to_string()),
        Just("1. ".to_string()),
        Just("> ".to_string()),
        Just("| a | b |\n|---|---|\n| ".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: ".to_string()),
        Just("[link](/x)".to_string()),
        Just("![img](/i)".to_string()),
        Just("<sup>".to_string()),
        Just("</sup>".to_string()),
        Just("<a href=\"#fn1\">".to_string()),
        Just("</a>".to_string()),
        Just("<div>\n".to_string()),
        Just("```\n".to_string()),
        Just("**".to_string()),
        Just("&amp;".to_string()),
        "[a-z0-9 *_`|\\[\\]()<>!#-]{0,12}",
        "[\\PC]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_input_reads_without_panic_and_with_valid_ranges(
        parts in proptest::collection::vec(markdown_fragment(), 0..40),
    ) {
        assert_ranges_valid(&read(&parts.concat()));
    }

    #[test]
    fn any_text_reads_without_panic(page in "\\PC{0,300}") {
        assert_ranges_valid(&read(&page));
    }
}
