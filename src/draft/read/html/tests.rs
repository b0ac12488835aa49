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

/// The anchor text of each link of a block, with its target.
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
fn nested_inline_markup_reads_as_its_text_with_the_marker() {
    let blocks = read("<p>Our <strong>serum <em>boosts</em></strong> collagen<sup>2</sup></p>");
    assert_eq!(texts(&blocks), ["Our serum boosts collagen[^2]"]);
    assert_eq!(blocks[0].kind, BlockKind::Paragraph);
}

#[test]
fn title_is_the_first_block_and_headings_keep_their_level() {
    let page = "<html><head><title>Glow &amp; Co</title></head>\
                <body><h1>Serum</h1><h3>Why <em>it</em> works</h3></body></html>";
    let blocks = read(page);
    assert_eq!(texts(&blocks), ["Glow & Co", "Serum", "Why it works"]);
    let levels: Vec<_> = blocks.iter().map(|b| b.kind.clone()).collect();
    assert_eq!(
        levels,
        [0, 1, 3].map(|level| BlockKind::Heading { level }).to_vec()
    );
}

#[test]
fn tables_give_rows_with_cells_headers_and_links_in_cells() {
    let page = r#"
        <table>
          <thead><tr><th>Ingredient</th><th>Study</th></tr></thead>
          <tbody>
            <tr><td>Retinol <b>0.3%</b></td><td>See <a href="https://pubmed.example/1">Kim 2020</a></td></tr>
            <tr><td></td><td></td></tr>
            <tr><th>Niacinamide</th><th><a href="/n">5%</a></th></tr>
          </tbody>
        </table>
        <table><tr><td>Other</td></tr></table>"#;
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Ingredient | Study",
            "Retinol 0.3% | See Kim 2020",
            "Niacinamide | 5%",
            "Other"
        ],
        "an empty row is no block"
    );
    let row = |b: &Block| match &b.kind {
        BlockKind::TableRow { table, header, .. } => (*table, *header),
        other => panic!("{other:?}"),
    };
    assert_eq!(row(&blocks[0]), (0, true), "a <thead> row is a header");
    assert_eq!(row(&blocks[1]), (0, false));
    assert_eq!(row(&blocks[2]), (0, true), "a row of <th> is a header");
    assert_eq!(row(&blocks[3]), (1, false), "each table its own id");
    assert_eq!(blocks[1].cell(0), Some("Retinol 0.3%"));
    assert_eq!(blocks[1].cell(1), Some("See Kim 2020"));
    assert_eq!(
        anchors(&blocks[1]),
        [("Kim 2020", "https://pubmed.example/1")]
    );
    assert_eq!(anchors(&blocks[2]), [("5%", "/n")]);
    assert_eq!(blocks[1].line, line_of(page, "Retinol"));
}

#[test]
fn a_table_holding_headings_or_tables_is_layout_read_as_paragraphs() {
    let page = "<table><tr><td><h2>Clinically proven</h2>Visible results<br>in 4 weeks</td>\
                <td><table><tr><td>A</td><td>B</td></tr></table></td></tr></table>";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Clinically proven",
            "Visible results",
            "in 4 weeks",
            "A | B"
        ]
    );
    assert!(blocks[0].is_heading());
    assert_eq!(blocks[1].kind, BlockKind::Paragraph);
    assert!(matches!(blocks[3].kind, BlockKind::TableRow { .. }));
}

#[test]
fn nested_lists_have_depths_numbers_and_items_without_their_sub_lists() {
    let page = r#"
        <ul>
          <li>Hydrates
            <ol start="3">
              <li>for 24 hours</li>
              <li value="7">with <em>hyaluronic</em> acid
                <ul><li>three weights</li></ul>
              </li>
              <li>no residue</li>
            </ol>
            all day
          </li>
          <li>Fragrance free</li>
        </ul>
        <ol reversed><li>two</li><li>one</li></ol>"#;
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Hydrates all day",
            "for 24 hours",
            "with hyaluronic acid",
            "three weights",
            "no residue",
            "Fragrance free",
            "two",
            "one"
        ]
    );
    let items: Vec<_> = blocks.iter().map(list_item).collect();
    let (outer, ordered, inner, reversed) = (items[0].0, items[1].0, items[3].0, items[6].0);
    assert_eq!(
        items,
        [
            (outer, 0, None),
            (ordered, 1, Some(3)),
            (ordered, 1, Some(7)),
            (inner, 2, None),
            (ordered, 1, Some(8)),
            (outer, 0, None),
            (reversed, 0, Some(2)),
            (reversed, 0, Some(1)),
        ]
    );
    let mut ids = vec![outer, ordered, inner, reversed];
    ids.dedup();
    assert_eq!(ids.len(), 4, "every list has its own id");
    assert_eq!(blocks[0].line, line_of(page, "Hydrates"));
    assert_eq!(blocks[2].line, line_of(page, "with <em>"));
}

#[test]
fn list_item_paragraphs_are_one_item() {
    let blocks = read("<ul><li><p>Soothes</p><p>redness<br>fast</p></li></ul>");
    assert_eq!(texts(&blocks), ["Soothes redness fast"]);
}

#[test]
fn footnote_markers_and_the_notes_they_link_to() {
    let page = r##"
        <p>Reduces wrinkles by 30%<sup><a href="#fn1">1</a></sup> and
           firms skin<sup>[2, 3]</sup> in weeks<sup><a href="#fn2">[2]</a>&ndash;<a href="#fn4">4</a></sup>.</p>
        <h2>References</h2>
        <ol>
          <li id="fn1">Kim J. <i>J Dermatol</i> 2020. <a href="#fnref1">↩</a></li>
          <li id="fn2">Lee S. 2019.</li>
          <li>Park H. 2018.</li>
        </ol>"##;
    let blocks = read(page);
    let claim = &blocks[0];
    assert_eq!(
        claim.text,
        "Reduces wrinkles by 30%[^1] and firms skin[^2,3] in weeks[^2-4]."
    );
    assert_eq!(
        anchors(claim),
        [("[^1]", "#fn1"), ("[^2-4]", "#fn2"), ("[^2-4]", "#fn4")]
    );
    assert_eq!(
        find(&blocks, "Kim J. J Dermatol 2020.").kind,
        BlockKind::Footnote { label: "1".into() },
        "the back-link is dropped"
    );
    assert_eq!(
        find(&blocks, "Lee S. 2019.").kind,
        BlockKind::Footnote { label: "2".into() }
    );
    let plain = find(&blocks, "Park H. 2018.");
    assert_eq!(
        list_item(plain).2,
        Some(3),
        "an item nobody links to stays an item"
    );
}

#[test]
fn wikipedia_and_pandoc_style_footnotes() {
    let page = r##"
        <p>Vitamin C brightens skin.<sup class="reference"><a href="#cite_note-3">[3]</a></sup>
           It also protects<a href="#fn5" class="footnote-ref" role="doc-noteref"><sup>5</sup></a>,
           see <a href="#cite_note-3">[3]</a>.</p>
        <p id="cite_note-3"><span class="mw-cite-backlink"><a href="#cite_ref-3">^</a></span> Telang PS. 2013.</p>
        <section class="footnotes" role="doc-endnotes"><ol start="5">
          <li id="fn5"><p>Pullar JM. 2017.<a href="#fnref5" role="doc-backlink">↩︎</a></p></li>
        </ol></section>
        <div class="footer"><p id="ref-9">Kept: a footnote in a footer block.</p></div>
        <p>Refs<sup><a href="#ref-9">9</a></sup></p>"##;
    let blocks = read(page);
    assert_eq!(
        blocks[0].text,
        "Vitamin C brightens skin.[^3] It also protects[^5], see [^3]."
    );
    assert_eq!(
        find(&blocks, "Telang PS. 2013.").kind,
        BlockKind::Footnote { label: "3".into() }
    );
    assert_eq!(
        find(&blocks, "Pullar JM. 2017.").kind,
        BlockKind::Footnote { label: "5".into() }
    );
    assert_eq!(
        find(&blocks, "Kept: a footnote in a footer block.").kind,
        BlockKind::Footnote { label: "9".into() }
    );
}

#[test]
fn an_ordered_item_linked_from_a_symbol_superscript_takes_its_number() {
    let page = r##"<p>Gentle<sup><a href="#note-a">*</a></sup></p><ol><li>x</li><li id="note-a">Tested on 30 people.</li></ol>"##;
    let blocks = read(page);
    assert_eq!(blocks[0].text, "Gentle*", "`*` is not a reference marker");
    assert_eq!(
        find(&blocks, "Tested on 30 people.").kind,
        BlockKind::Footnote { label: "2".into() }
    );
}

#[test]
fn a_named_anchor_at_the_start_of_an_item_or_paragraph_makes_it_a_footnote() {
    let page = r##"<p>Firms<sup><a href="#n1">1</a></sup> and lifts<sup><a href="#n2">2</a></sup></p>
        <ol><li><a name="n1"></a>Kim 2020.</li></ol>
        <div><p><a id="n2"></a>Lee 2019.</p><p>Not a note.</p></div>"##;
    let blocks = read(page);
    assert_eq!(
        find(&blocks, "Kim 2020.").kind,
        BlockKind::Footnote { label: "1".into() }
    );
    assert_eq!(
        find(&blocks, "Lee 2019.").kind,
        BlockKind::Footnote { label: "2".into() }
    );
    assert_eq!(find(&blocks, "Not a note.").kind, BlockKind::Paragraph);
}

#[test]
fn a_named_anchor_in_the_page_body_names_only_the_paragraph_after_it() {
    let page = r##"<body><p>Firms<sup><a href="#n1">1</a></sup></p>
        <a name="n1"></a><p>1. Kim 2020.</p>
        <h2>Next section</h2><p>Copy after the notes.</p></body>"##;
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Firms[^1]",
            "1. Kim 2020.",
            "Next section",
            "Copy after the notes."
        ]
    );
    assert_eq!(blocks[1].kind, BlockKind::Footnote { label: "1".into() });
    assert_eq!(blocks[3].kind, BlockKind::Paragraph);
}

#[test]
fn other_superscripts_stay_text() {
    let page = "<p>Covers 2 m<sup>2</sup> (5cm<sup>3</sup>) of skin<sup>®</sup>, <sup>※1</sup> \
                x<sup>a</sup>, 1×10<sup>9</sup> CFU, in 2010<sup>4</sup>, film<sup>2</sup>, \
                in<sup>3</sup></p>";
    assert_eq!(
        texts(&read(page)),
        ["Covers 2 m2 (5cm3) of skin®, ※1 xa, 1×109 CFU, in 2010[^4], film[^2], in[^3]"]
    );
}

#[test]
fn navigation_chrome_scripts_and_hidden_content_are_dropped() {
    let page = r##"<!DOCTYPE html><html><head><title>Serum</title><style>p{}</style></head>
        <body class="has-nav">
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header"><nav><a href="/">Home</a></nav><p>Hero: glow in 7 days</p></header>
        <div id="breadcrumbs"><a href="/">Top</a> &gt; Serum</div>
        <div class="sidebar">Popular posts</div>
        <main id="main-content"><article class="entry-content">
          <p>Brightens dull skin.</p>
          <script>document.write("<p>Injected</p>")</script>
          <noscript>Enable JavaScript</noscript>
          <p hidden>Hidden claim</p>
          <p aria-hidden="true">Decorative</p>
          <p style="display: none">Styled away</p>
          <template><p>Template</p></template>
          <form><label>Email</label><input value="x"><button>Subscribe</button></form>
          <iframe>frame</iframe><svg><text>Logo</text></svg>
        </article></main>
        <aside><a href="/a">Related A</a> <a href="/b">Related B</a></aside>
        <aside><p>Dermatologist tested</p></aside>
        <section class="social-proof"><p>10,000 happy customers</p></section>
        <div class="share-buttons"><a href="/t">Tweet</a></div>
        <div class="cookie-banner">We use cookies</div>
        <div role="contentinfo">Company info</div>
        <dialog><p>Newsletter popup</p></dialog>
        <footer><p>© 2024 Glow</p></footer>
        </body></html>"##;
    assert_eq!(
        texts(&read(page)),
        [
            "Serum",
            "Hero: glow in 7 days",
            "Brightens dull skin.",
            "Dermatologist tested",
            "10,000 happy customers"
        ]
    );
}

#[test]
fn screen_reader_only_text_is_not_read() {
    let page = r#"<p>Shop <span class="sr-only">(current)</span>now
        <a href="/x">Serum<span class="screen-reader-text"> opens in a new tab</span></a>
        <span class="visually-hidden">for screen readers</span></p>"#;
    let blocks = read(page);
    assert_eq!(texts(&blocks), ["Shop now Serum"]);
    assert_eq!(anchors(&blocks[0]), [("Serum", "/x")]);
}

#[test]
fn a_form_wrapping_the_whole_page_is_read() {
    let page = r#"<body><form id="form1" action="x"><div class="nav-open-wrapper">
        <h1>Whitening cream</h1><p>Fades spots.</p><input type="submit" value="Buy"></div>
        </form></body>"#;
    assert_eq!(texts(&read(page)), ["Whitening cream", "Fades spots."]);
}

#[test]
fn malformed_html_reads_as_a_browser_shows_it() {
    let page = "<p>First claim<p>Second &amp; third &lt;4&gt;&nbsp;weeks\
                <ul><li>One<li>Two</ul><div>Unclosed <b>bold<div>inner</div>";
    assert_eq!(
        texts(&read(page)),
        [
            "First claim",
            "Second & third <4> weeks",
            "One",
            "Two",
            "Unclosed bold",
            "inner"
        ]
    );
}

#[test]
fn line_breaks_space_a_paragraph_but_separate_loose_lines() {
    let page = "<p>Wrapped<br>for layout</p><p>First<br><br>Second</p>\
                <div>Loose one<br>Loose two</div><h2>A<br>heading</h2>";
    assert_eq!(
        texts(&read(page)),
        [
            "Wrapped for layout",
            "First",
            "Second",
            "Loose one",
            "Loose two",
            "A heading"
        ]
    );
}

#[test]
fn div_loose_text_runs_around_blocks_are_paragraphs() {
    let page = "<div>Before <span>inline</span><div>Inside</div>After<blockquote>Quoted</blockquote>\
                <dl><dt>Term</dt><dd>Definition</dd></dl><figure><img alt=\"Before and after photo\">\
                <figcaption>Caption</figcaption></figure></div>";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "Before inline",
            "Inside",
            "After",
            "Quoted",
            "Term",
            "Definition",
            "Caption"
        ],
        "image alt text is not read"
    );
    assert!(blocks.iter().all(|b| b.kind == BlockKind::Paragraph));
}

#[test]
fn links_have_their_anchor_ranges() {
    let page = r#"<p>See <a href=" https://pubmed.example/9 ">the <b>study</b></a>, or
        <a href="/img"><img src="x.png"></a> here.</p>
        <a href="/card"><div>Card title</div><p>Card text</p></a>
        <p>日本語の<a href="/ja">リンク</a>です</p>"#;
    let blocks = read(page);
    assert_eq!(blocks[0].text, "See the study, or here.");
    assert_eq!(
        anchors(&blocks[0]),
        [("the study", "https://pubmed.example/9"), ("", "/img")],
        "href trimmed; an image link is empty"
    );
    assert_eq!(blocks[0].links[1].range, 17..17, "right after \"or\"");
    assert_eq!(
        anchors(find(&blocks, "Card title")),
        [("Card title", "/card")]
    );
    assert_eq!(
        anchors(find(&blocks, "Card text")),
        [("Card text", "/card")]
    );
    assert_eq!(
        anchors(find(&blocks, "日本語のリンクです")),
        [("リンク", "/ja")]
    );
}

#[test]
fn japanese_copy_reads_with_full_width_space_collapsed() {
    let page = "<h1>美白美容液</h1>\n<p>シミ・そばかすを防ぐ<sup>※1</sup>。\n\u{3000}医師監修<sup>1</sup></p>\n<ul><li>無添加</li><li>日本製</li></ul>";
    let blocks = read(page);
    assert_eq!(
        texts(&blocks),
        [
            "美白美容液",
            "シミ・そばかすを防ぐ※1。 医師監修[^1]",
            "無添加",
            "日本製"
        ]
    );
    assert_eq!(blocks[1].line, 2);
}

#[test]
fn lines_are_exact_after_entities_comments_and_scripts() {
    let page = "<!DOCTYPE html>\n<html>\n<head>\n<title>\n  Glow &amp; Co\n</title>\n\
                <script>\nvar s = \"<p>not copy</p>\";\n</script>\n<!-- a comment\n\
                spanning <p>lines</p> -->\n</head>\n<body>\n<p>\n  &mdash; First paragraph\n  \
                continues</p>\n<p>Second</p><p>Third\n</p>\n<ul>\n<li>\n\n   item <b>bold</b></li></ul>\n\
                <table>\n<tr><td>\n</td><td>\n\ncell</td></tr>\n</table>\n<p><b>\n\nBold</b> start</p>\n\
                <p><sup>\n3</sup> marker first</p>\n</body></html>";
    let blocks = read(page);
    let expect = [
        ("Glow & Co", "Glow"),
        ("— First paragraph continues", "&mdash;"),
        ("Second", "Second"),
        ("Third", "Third"),
        ("item bold", "item"),
        (" | cell", "cell"),
        ("Bold start", "Bold"),
        ("[^3] marker first", "3</sup>"),
    ];
    assert_eq!(texts(&blocks), expect.map(|(text, _)| text));
    for (block, (_, needle)) in blocks.iter().zip(expect) {
        assert_eq!(block.line, line_of(page, needle), "{:?}", block.text);
    }
}

#[test]
fn lines_count_crlf_once() {
    let page = "<p>One</p>\r\n<p>\r\nTwo</p>\r\n\r\n<p>Three &amp;\r\n four</p>";
    let blocks = read(page);
    let lines: Vec<_> = blocks.iter().map(|b| (b.text.as_str(), b.line)).collect();
    assert_eq!(lines, [("One", 1), ("Two", 3), ("Three & four", 5)]);
}

#[test]
fn empty_and_whitespace_pages_give_no_blocks() {
    for page in [
        "",
        "   \n\t ",
        "<html><body> \n </body></html>",
        "<p>&#32;</p><div> <br> </div>",
    ] {
        assert_eq!(read(page), [], "{page:?}");
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 50_000;
    let page = format!(
        "<p>{}Deep{}",
        "<span><sup>".repeat(depth),
        "</sup></span>".repeat(depth)
    );
    let blocks = read(&page);
    assert_eq!(texts(&blocks), ["Deep"]);
}

#[test]
fn reference_markers_normalise() {
    let cases = [
        ("1", Some("1")),
        (" [12] ", Some("12")),
        ("1, 3", Some("1,3")),
        ("（2–4）", Some("2-4")),
        ("[2]–[4]", Some("2-4")),
        ("1,", None),
        ("-1", None),
        ("1--2", None),
        ("2a", None),
        ("", None),
        ("[]", None),
    ];
    for (raw, expected) in cases {
        assert_eq!(reference_marker(raw).as_deref(), expected, "{raw:?}");
    }
}

/// Every link and cell range lies on character boundaries inside its block's text.
fn assert_ranges_valid(blocks: &[Block]) {
    for block in blocks {
        assert!(!block.text.is_empty());
        if !matches!(block.kind, BlockKind::TableRow { .. }) {
            // (A row may start with an empty cell: " | cell".)
            assert_eq!(
                block.text,
                crate::draft::blocks::collapse_whitespace(&block.text)
            );
        }
        assert!(block.line >= 1);
        let mut ranges: Vec<_> = block.links.iter().map(|l| l.range.clone()).collect();
        if let BlockKind::TableRow { cells, .. } = &block.kind {
            ranges.extend(cells.iter().cloned());
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

fn html_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<br>".to_string()),
        Just("<ul><li>".to_string()),
        Just("<ol start=-2><li value=x>".to_string()),
        Just("</li></ul>".to_string()),
        Just("<table><tr><th>".to_string()),
        Just("<td>".to_string()),
        Just("</table>".to_string()),
        Just("<a href=\"#fn1\">".to_string()),
        Just("<a href=\"/x\">".to_string()),
        Just("</a>".to_string()),
        Just("<sup>".to_string()),
        Just("</sup>".to_string()),
        Just("<li id=fn1>".to_string()),
        Just("<a name=fn1></a>".to_string()),
        Just("<div class=nav>".to_string()),
        Just("</div>".to_string()),
        Just("<h2>".to_string()),
        Just("<title>".to_string()),
        Just("<script>".to_string()),
        Just("&amp;&#x3000;&bogus;".to_string()),
        Just("\r\n".to_string()),
        "[a-z0-9 ,\\[\\]<>/=\"'&;#\n-]{0,12}",
        "[\\PC]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_input_reads_without_panic_and_with_valid_ranges(
        parts in proptest::collection::vec(html_fragment(), 0..40),
    ) {
        let page = parts.concat();
        assert_ranges_valid(&read(&page));
    }

    #[test]
    fn any_text_reads_without_panic(page in "\\PC{0,300}") {
        assert_ranges_valid(&read(&page));
    }
}
