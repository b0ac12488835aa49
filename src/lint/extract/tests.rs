use super::*;
use SourceFormat::{Html, Markdown, Text};
use proptest::prelude::*;

/// A document, its expected text, phrases of the text with the source bytes each must
/// map to and the line and column where those start, and phrases that must not appear.
struct Case {
    name: &'static str,
    format: SourceFormat,
    source: &'static str,
    text: &'static str,
    phrases: &'static [(&'static str, &'static str, (usize, usize))],
    absent: &'static [&'static str],
}

const CLINIC: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>美肌クリニック &amp; スパ｜公式</title>
<meta name="description" content="たった1回で&quot;シミが消える&quot;最新治療">
<META PROPERTY="og:title" content='医師監修の美白点滴'>
<script>var copy = "必ず痩せる"; if (a < b) {}</script>
<style>p::after { content: "絶対安全"; }</style>
</head>
<body>
<!-- 旧コピー: 副作用なし -->
<div class="hero"><h1>副作用<strong>ゼ<em>ロ</em></strong>の&nbsp;美容点滴</h1>
<p>効果には<span class=note>個人差</span>があります。&#x3000;<b>今なら</b>
  初回50%OFF</p>
<img src="a.jpg" alt="施術前後でシミが消えた写真">
<noscript><img src="px.gif" alt="トラッキング"></noscript>
<P>Results &amp; satisfaction <EM>guaranteed</EM>!</p>
</div>
</body></html>
"#;

const CASES: &[Case] = &[
    Case {
        name: "text is the source, CRLF and tabs kept",
        format: Text,
        source: "一行目\r\n\t副作用ゼロ！\r\nNo side effects",
        text: "一行目\r\n\t副作用ゼロ！\r\nNo side effects",
        phrases: &[
            ("副作用ゼロ", "副作用ゼロ", (2, 2)),
            ("side", "side", (3, 4)),
        ],
        absent: &[],
    },
    Case {
        name: "clinic page",
        format: Html,
        source: CLINIC,
        text: "美肌クリニック & スパ｜公式\nたった1回で\"シミが消える\"最新治療\n医師監修の美白点滴\n\
               副作用ゼロの\u{a0}美容点滴\n効果には個人差があります。\u{3000}今なら初回50%OFF\n\
               施術前後でシミが消えた写真\nResults & satisfaction guaranteed!",
        phrases: &[
            ("副作用ゼロ", "副作用<strong>ゼ<em>ロ", (13, 23)),
            ("& スパ", "&amp; スパ", (5, 16)),
            ("\"シミが消える\"", "&quot;シミが消える&quot;", (6, 41)),
            ("医師監修", "医師監修", (7, 36)),
            ("の\u{a0}美容", "の&nbsp;美容", (13, 54)),
            ("個人差があります", "個人差</span>があります", (14, 25)),
            (
                "\u{3000}今なら初回",
                "&#x3000;<b>今なら</b>\n  初回",
                (14, 41),
            ),
            ("シミが消えた", "シミが消えた", (16, 28)),
            (
                "satisfaction guaranteed",
                "satisfaction <EM>guaranteed",
                (18, 18),
            ),
        ],
        absent: &[
            "必ず痩せる",
            "絶対安全",
            "副作用なし",
            "トラッキング",
            "a < b",
        ],
    },
    Case {
        name: "stray < and &, malformed references, a tag cut off by the end",
        format: Html,
        source: "a < b &amp c &bogus; &#0; 5 &lt; 6 &#12345678901; R&D &#12354; <i",
        text: "a < b &amp c &bogus; &#0; 5 < 6 &#12345678901; R&D \u{3042} <i",
        phrases: &[
            ("5 < 6", "5 &lt; 6", (1, 27)),
            ("\u{3042}", "&#12354;", (1, 55)),
        ],
        absent: &[],
    },
    Case {
        name: "> inside quotes, unquoted attributes, title attribute",
        format: Html,
        source: "<a title=\"x > y\" href=/p>リンク</a> <img alt=未引用 src=x.png>",
        text: "x > y\nリンク\n未引用",
        phrases: &[("x > y", "x > y", (1, 11)), ("未引用", "未引用", (1, 43))],
        absent: &[],
    },
    Case {
        name: "unclosed and uppercase block tags, br",
        format: Html,
        source: "<p>one<P>two<li>three<br/>four<BR>five  </DIV>  six",
        text: "one\ntwo\nthree\nfour\nfive\nsix",
        phrases: &[("five", "five", (1, 35))],
        absent: &[],
    },
    Case {
        name: "CDATA, stray < before digits, unclosed script",
        format: Html,
        source: "<![CDATA[生データ]]>です。価格<1000円\n前<script>alert('必ず')",
        text: "生データです。価格<1000円前",
        phrases: &[("データです", "データ]]>です", (1, 11))],
        absent: &["必ず"],
    },
    Case {
        name: "template, svg and its title are hidden",
        format: Html,
        source: "<template><p>隠し</p></template><svg><title>アイコン</title></svg><svg/>本文",
        text: "本文",
        phrases: &[("本文", "本文", (1, 67))],
        absent: &["隠し", "アイコン"],
    },
    Case {
        name: "front matter, heading, emphasis, CJK soft breaks",
        format: Markdown,
        source: "---\ntitle: 秘密\n---\n# 副作用**ゼロ**の美容液 #\n\n肌が*必ず*白くなる。\n二行目も\n続きます。\n",
        text: "副作用ゼロの美容液\n肌が必ず白くなる。二行目も続きます。",
        phrases: &[
            ("副作用ゼロ", "副作用**ゼロ", (4, 3)),
            ("必ず白く", "必ず*白く", (6, 4)),
            ("二行目も続き", "二行目も\n続き", (7, 1)),
        ],
        absent: &["秘密", "#"],
    },
    Case {
        name: "English soft break, CRLF, setext heading",
        format: Markdown,
        source: "Title\r\n=====\r\n\r\nClinically\r\nproven __results__\r\n",
        text: "Title\nClinically proven results",
        phrases: &[(
            "Clinically proven results",
            "Clinically\r\nproven __results",
            (4, 1),
        )],
        absent: &["="],
    },
    Case {
        name: "links, images, autolinks, references, footnotes",
        format: Markdown,
        source: "[今すぐ購入](https://example.com/buy \"t\") ![ビフォーアフター写真](ba.png) \
                 <https://example.com/x> [詳細][ref] [ref] [^1]\n\n\
                 [ref]: https://example.com/detail\n[^1]: 個人の感想です\n[注意]: 個人の 感想です",
        text: "今すぐ購入 ビフォーアフター写真 https://example.com/x 詳細 ref\n個人の感想です \
               [注意]: 個人の 感想です",
        phrases: &[
            ("ビフォーアフター写真", "ビフォーアフター写真", (1, 40)),
            ("example.com/x", "example.com/x", (1, 69)),
            ("個人の感想", "個人の感想", (4, 7)),
        ],
        absent: &["buy", "ba.png", "detail"],
    },
    Case {
        name: "lists, quotes, rules, tables, code",
        format: Markdown,
        source: "- 医師が**推奨**\n* 満足度 98%\n1. 最初の手順\n- [x] 完了\n> 引用された *お客様の声*\n> 続きの声\n\n\
                 * * *\n\n| 項目 | 効果 |\n|------|:----:|\n| 美白 | 100%\\|保証 |\n\n\
                 `コード内の *文字*`と\n\n```text\n  必ず治る\n```\n",
        text: "医師が推奨\n満足度 98%\n最初の手順\n完了\n引用された お客様の声続きの声\n項目\n効果\n美白\n\
               100%|保証\nコード内の *文字*と\n必ず治る",
        phrases: &[
            ("お客様の声続き", "お客様の声*\n> 続き", (5, 10)),
            ("100%|保証", "100%\\|保証", (12, 8)),
            ("必ず治る", "必ず治る", (17, 3)),
        ],
        absent: &["---", "| ", " |", "text"],
    },
    Case {
        name: "inline HTML, references, escapes, literal markers",
        format: Markdown,
        source: "副作用<b>ゼロ</b>&amp;安心<br>次の行 &copy; 2024 <!-- note -->end <script>x()</script>\n\n\
                 \\*not emphasis\\* snake_case_name 5 * 3 10~12時、14~18時 **「最高」**です",
        text: "副作用ゼロ&安心\n次の行 © 2024 end\n\
               *not emphasis* snake_case_name 5 * 3 10~12時、14~18時 「最高」です",
        phrases: &[
            ("ゼロ&安心", "ゼロ</b>&amp;安心", (1, 7)),
            ("©", "&copy;", (1, 28)),
        ],
        absent: &["note", "x()"],
    },
    Case {
        name: "hard breaks",
        format: Markdown,
        source: "一行目  \n二行目\\\n三行目",
        text: "一行目\n二行目\n三行目",
        phrases: &[("三行目", "三行目", (3, 1))],
        absent: &["\\"],
    },
];

#[test]
fn cases() {
    for case in CASES {
        let got = extract(case.source, case.format);
        assert_eq!(got.text(), case.text, "{}", case.name);
        for &(phrase, bytes, line_col) in case.phrases {
            let at = got
                .text()
                .find(phrase)
                .unwrap_or_else(|| panic!("{}: {phrase}", case.name));
            let range = got.source_range(at..at + phrase.len());
            assert_eq!(
                &case.source[range.clone()],
                bytes,
                "{}: {phrase}",
                case.name
            );
            assert_eq!(
                line_column(case.source, range.start),
                line_col,
                "{}: {phrase}",
                case.name
            );
        }
        for phrase in case.absent {
            assert!(
                !got.text().contains(phrase),
                "{}: {phrase} appears",
                case.name
            );
        }
    }
}

#[test]
fn a_range_inside_one_reference_maps_to_all_of_it() {
    let got = extract("x&#x3000;y", Html);
    assert_eq!(got.text(), "x\u{3000}y");
    assert_eq!(got.source_range(1..4), 1..9);
    assert_eq!(got.source_range(0..4), 0..9);
    assert_eq!(got.source_range(4..5), 9..10);
    // Empty ranges: at the start of what follows, or the end of the source.
    assert_eq!(got.source_range(1..1), 1..1);
    assert_eq!(got.source_range(4..4), 9..9);
    assert_eq!(got.source_range(5..5), 10..10);
    assert_eq!(got.source_range(0..0), 0..0);
    assert_eq!(extract("", Html).source_range(0..0), 0..0);
}

#[test]
fn line_columns() {
    let cases: &[(&str, usize, (usize, usize))] = &[
        ("a\r\nb", 3, (2, 1)),
        ("a\r\nb", 1, (1, 2)),
        ("\tx", 1, (1, 2)),
        ("日本\n語", 7, (2, 1)),
        ("日本", 3, (1, 2)),
        ("日本", 4, (1, 2)), // inside a character: that character
        ("ab", 99, (1, 3)),  // past the end: the end
        ("", 0, (1, 1)),
    ];
    for &(source, offset, expected) in cases {
        assert_eq!(
            line_column(source, offset),
            expected,
            "{source:?} at {offset}"
        );
    }
}

#[test]
fn formats_from_paths() {
    for (path, format) in [
        ("a/index.HTML", Html),
        ("b.htm", Html),
        ("c.xhtml", Html),
        ("README.md", Markdown),
        ("d.markdown", Markdown),
        ("e.txt", Text),
        ("noext", Text),
    ] {
        assert_eq!(SourceFormat::for_path(Path::new(path)), format, "{path}");
    }
}

/// Every character and every position of the text maps inside the source, on character
/// boundaries, and never before what an earlier one maps to.
fn check_map(source: &str, format: SourceFormat) -> Result<(), TestCaseError> {
    let got = extract(source, format);
    if format == Text {
        prop_assert_eq!(got.text(), source);
        prop_assert_eq!(got.source_range(0..source.len()), 0..source.len());
    }
    let text = got.text();
    let mut prev = (0, 0);
    let mut prev_point = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let point = got.source_range(i..i);
        prop_assert!(point.is_empty() && point.start >= prev_point && point.end <= source.len());
        prop_assert!(source.is_char_boundary(point.start));
        prev_point = point.start;
        if i == text.len() {
            break;
        }
        let r = got.source_range(i..i + c.len_utf8());
        prop_assert!(r.start <= r.end && r.end <= source.len(), "{r:?}");
        prop_assert!(source.is_char_boundary(r.start) && source.is_char_boundary(r.end));
        prop_assert!(r.start >= prev.0 && r.end >= prev.1, "{r:?} after {prev:?}");
        prev = (r.start, r.end);
    }
    let whole = got.source_range(0..text.len());
    prop_assert!(whole.end <= source.len());
    Ok(())
}

/// Pieces of markup, to build inputs the parsers find interesting.
const PIECES: &[&str] = &[
    "<",
    ">",
    "&",
    ";",
    "&amp;",
    "&#x3000;",
    "&#",
    "<p>",
    "</p>",
    "<b>",
    "<br/>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<svg>",
    "<![CDATA[",
    "]]>",
    "\"",
    "'",
    "=",
    "<img alt=\"",
    "\n",
    "\r\n",
    " ",
    "\t",
    "*",
    "**",
    "_",
    "~~",
    "`",
    "```",
    "[",
    "](",
    ")",
    "![",
    "#",
    "- ",
    "1. ",
    "> ",
    "|",
    "|---|",
    "---",
    "\\",
    "[^1]",
    "]: ",
    "副作用",
    "ゼロ",
    "a",
    "日",
    "é",
    "😀",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_map_sanely(source in any::<String>()) {
        for format in [Text, Markdown, Html] {
            check_map(&source, format)?;
        }
    }

    #[test]
    fn markup_soup_maps_sanely(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..60)) {
        let source = pieces.concat();
        for format in [Text, Markdown, Html] {
            check_map(&source, format)?;
        }
    }
}

#[test]
fn pathological_inputs_finish() {
    // Each of these once made a reader rescan to the end of the input for every `<` or `[`.
    for piece in [
        "[", "<a \"", "<b ", "<!", "[a](", "![", "` ``", "*a ", "&", "<", "<!--",
    ] {
        let source = piece.repeat(20_000);
        for format in [Text, Markdown, Html] {
            let got = extract(&source, format);
            assert!(got.source_range(0..got.text().len()).end <= source.len());
        }
    }
}
