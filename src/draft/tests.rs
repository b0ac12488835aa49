//! The drafter on whole pages (hand-made for these tests; the seed page and the corpus of
//! real-looking pages are tested in `tests/`).

use super::*;

fn drafted(source: &str, format: SourceFormat) -> Vec<DraftedClaim> {
    draft(source, format, LanguageChoice::Auto).claims
}

#[test]
fn a_table_with_an_evidence_column_gives_one_claim_per_row_with_its_source() {
    let claims = drafted(
        "◆ 美容効果\n| 期待される効果 | メカニズム | エビデンス |\n|---|---|---|\n| 肌のハリ・ツヤの向上 | 線維芽細胞の活性化 | An, Y., et al., 2021 |\n| 神経・脳機能の改善 | 神経炎症抑制 | CNS Neurosci Ther. 2025 |\n",
        SourceFormat::Text,
    );
    assert_eq!(claims.len(), 2);
    assert_eq!(claims[0].text, "肌のハリ・ツヤの向上");
    assert_eq!(
        claims[0].citations,
        [CitedAs::Text("An, Y., et al., 2021".into())]
    );
    assert_eq!(
        claims[0].note.as_deref(),
        Some("メカニズム欄: 線維芽細胞の活性化")
    );
    assert_eq!(claims[0].source_line, 4);
    assert_eq!(claims[0].section.as_deref(), Some("◆ 美容効果"));
    assert_eq!(
        claims[1].citations,
        [CitedAs::Text("CNS Neurosci Ther. 2025".into())]
    );
}

#[test]
fn a_source_line_closes_the_list_before_it() {
    let claims = drafted(
        "📚 睡眠に関するエビデンス\n- エクソソームは睡眠の質の向上に寄与する可能性があります。\n- miRNAがコルチゾールリズムの正常化を促進します。\n参考:Wang, Y., et al., 2023. Stem Cells、Cao, Q., et al., 2022. Front Med\n次の段落は効果を示しています。\n",
        SourceFormat::Text,
    );
    let cited: Vec<usize> = claims.iter().map(|c| c.citations.len()).collect();
    assert_eq!(cited, [2, 2, 0]);
    assert_eq!(
        claims[0].citations[0],
        CitedAs::Text("Wang, Y., et al., 2023. Stem Cells".into())
    );
}

#[test]
fn numbered_markers_resolve_to_the_reference_list_and_leave_the_wording() {
    let claims = drafted(
        "Our serum boosts collagen by 30% in eight weeks.[1] It is gentle on sensitive skin.²\n\nReferences\n1. Smith J, Lee K. Topical peptide serum and dermal collagen. J Cosmet Dermatol. 2020;19(4):812-818. doi:10.1111/jocd.13000\n2. https://pubmed.ncbi.nlm.nih.gov/31844417/\n",
        SourceFormat::Text,
    );
    assert_eq!(claims.len(), 2, "{claims:#?}");
    assert_eq!(
        claims[0].text,
        "Our serum boosts collagen by 30% in eight weeks."
    );
    assert!(
        matches!(&claims[0].citations[..], [CitedAs::Text(t)] if t.starts_with("Smith J, Lee K."))
    );
    assert_eq!(claims[1].text, "It is gentle on sensitive skin.");
    assert_eq!(
        claims[1].citations,
        [CitedAs::Pmid(crate::ids::Pmid::new(31844417).unwrap())]
    );
    assert_eq!(claims[1].kind, ClaimKind::Safety);
}

#[test]
fn furniture_is_never_drafted() {
    let claims = drafted(
        "Home > Skincare > Serums\nOur serum boosts collagen.\nPrice: $49.00\nCall us at 555-123-4567 to book a consultation.\n© 2026 Example Skincare. All rights reserved.\n",
        SourceFormat::Text,
    );
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["Our serum boosts collagen."]);
}

#[test]
fn ids_are_stable_readable_and_unique() {
    let a = drafted(
        "Retinol reduces fine lines.\nRetinol reduces fine lines in weeks.\n",
        SourceFormat::Text,
    );
    let b = drafted(
        "Retinol reduces fine lines in weeks.\nRetinol reduces fine lines.\n",
        SourceFormat::Text,
    );
    assert!(
        a[0].id.starts_with("retinol-reduces-fine-lines-"),
        "{}",
        a[0].id
    );
    assert_ne!(a[0].id, a[1].id);
    assert_eq!(
        a[0].id, b[1].id,
        "the same wording gets the same id wherever it stands"
    );
}

#[test]
fn japanese_numbered_references_and_inline_identifiers() {
    let claims = drafted(
        "【効果】\n臨床試験で肌の水分量が改善しました1)。\nコラーゲン産生を促進することが報告されています2)3)。\n安全性が確認されています(PMID: 31844417)。\n詳しくは https://doi.org/10.1111/jocd.13000 をご覧ください。\n参考文献\n1) Kong R, et al. J Cosmet Dermatol. 2016;15(1):49-57.\n2) Zhang Y, et al. (2020). Title. Stem Cell Res Ther, 11(1), 1-12.\n3) https://pmc.ncbi.nlm.nih.gov/articles/PMC7092803/\n",
        SourceFormat::Text,
    );
    let cited: Vec<(String, Vec<String>)> = claims
        .iter()
        .map(|c| {
            (
                c.text.clone(),
                c.citations.iter().map(ToString::to_string).collect(),
            )
        })
        .collect();
    assert_eq!(
        cited,
        [
            (
                "臨床試験で肌の水分量が改善しました。".to_owned(),
                vec!["Kong R, et al. J Cosmet Dermatol. 2016;15(1):49-57.".to_owned()]
            ),
            (
                "コラーゲン産生を促進することが報告されています。".to_owned(),
                vec![
                    "Zhang Y, et al. (2020). Title. Stem Cell Res Ther, 11(1), 1-12.".to_owned(),
                    "PMC7092803".to_owned()
                ]
            ),
            (
                "安全性が確認されています。".to_owned(),
                vec!["PMID: 31844417".to_owned()]
            ),
        ]
    );
}

#[test]
fn an_english_page_with_apa_references_and_urls() {
    let claims = drafted(
        "Collagen peptides improved skin elasticity in a randomised trial (Proksch et al., 2014).\n\
         A 2019 meta-analysis found fewer wrinkles (https://pubmed.ncbi.nlm.nih.gov/30681787/).\n\
         Hydration rose by 28% (doi:10.3390/nu11102494).\n",
        SourceFormat::Text,
    );
    let cited: Vec<Vec<String>> = claims
        .iter()
        .map(|c| c.citations.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        cited,
        [
            vec!["Proksch et al., 2014".to_owned()],
            vec!["PMID: 30681787".to_owned()],
            vec!["10.3390/nu11102494".to_owned()]
        ]
    );
    assert_eq!(claims[1].text, "A 2019 meta-analysis found fewer wrinkles.");
    // A figure about an effect is guessed as efficacy, the stricter kind.
    assert_eq!(claims[2].kind, ClaimKind::Efficacy);
}

#[test]
fn an_html_page_with_nested_markup_a_source_table_and_footnotes() {
    let html = r##"<!doctype html><html lang="ja"><head><title>ヒト幹細胞美容液 | 例示コスメ</title>
<script>var x = "効果があります。";</script></head><body>
<nav><ul><li><a href="/">ホーム</a></li><li><a href="/shop">ショップ</a></li></ul></nav>
<main>
<h1>ヒト幹細胞美容液</h1>
<p>当社の<strong>美容液は<em>肌のハリ</em>を</strong>高めます<sup><a href="#fn1">1</a></sup>。</p>
<table><thead><tr><th>期待される効果</th><th>出典</th></tr></thead>
<tbody><tr><td>シワの改善</td><td><a href="https://pubmed.ncbi.nlm.nih.gov/31844417/">Kim, S., et al., 2019</a></td></tr></tbody></table>
<ul><li>保湿力が<b>2倍</b>に向上<sup>2</sup></li><li>価格 5,500円（税込）</li></ul>
<ol class="footnotes"><li id="fn1">Lee J, et al. J Cosmet Dermatol. 2020;19(2):100-8.</li>
<li id="fn2">https://doi.org/10.1111/jocd.13000</li></ol>
</main><footer><p>© 2026 例示コスメ</p></footer></body></html>"##;
    let claims = drafted(html, SourceFormat::Html);
    let got: Vec<(&str, Vec<String>, usize)> = claims
        .iter()
        .map(|c| {
            (
                c.text.as_str(),
                c.citations.iter().map(ToString::to_string).collect(),
                c.source_line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "当社の美容液は肌のハリを高めます。",
                vec!["Lee J, et al. J Cosmet Dermatol. 2020;19(2):100-8.".to_owned()],
                6
            ),
            (
                "シワの改善",
                vec![
                    "Kim, S., et al., 2019".to_owned(),
                    "PMID: 31844417".to_owned()
                ],
                8
            ),
            (
                "保湿力が2倍に向上",
                vec!["10.1111/jocd.13000".to_owned()],
                9
            ),
        ]
    );
}

#[test]
fn a_markdown_page_with_a_table_a_list_and_footnotes() {
    let markdown = "# Collagen Boost Drink\n\n\
- Supports skin elasticity in 8 weeks[^1]\n\
- **Clinically** tested on 60 women\n\n\
| Benefit | Evidence |\n|---|---|\n| Fewer wrinkles | [PubMed](https://pubmed.ncbi.nlm.nih.gov/30681787/) |\n\n\
Sources: Proksch E, et al. Skin Pharmacol Physiol. 2014;27(1):47-55.\n\n\
[^1]: de Miranda RB, et al. Int J Dermatol. 2021;60(12):1449-61.\n";
    let claims = drafted(markdown, SourceFormat::Markdown);
    let got: Vec<(&str, Vec<String>)> = claims
        .iter()
        .map(|c| {
            (
                c.text.as_str(),
                c.citations.iter().map(ToString::to_string).collect(),
            )
        })
        .collect();
    let proksch = "Proksch E, et al. Skin Pharmacol Physiol. 2014;27(1):47-55".to_owned();
    assert_eq!(
        got,
        [
            (
                "Supports skin elasticity in 8 weeks",
                vec!["de Miranda RB, et al. Int J Dermatol. 2021;60(12):1449-61.".to_owned()]
            ),
            ("Clinically tested on 60 women", vec![]),
            // A "Sources:" line under a table gives the sources of its rows.
            ("Fewer wrinkles", vec!["PMID: 30681787".to_owned(), proksch]),
        ]
    );
}
