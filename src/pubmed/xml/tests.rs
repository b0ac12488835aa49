//! Tests of the reader on hand-made documents (the real fixtures are read by
//! `tests/parse_fixtures.rs`).

use super::*;

fn one(xml: &str) -> Record {
    let mut records = parse_article_set(xml.as_bytes()).expect("parses");
    assert_eq!(records.len(), 1);
    records.remove(0)
}

#[test]
fn years_come_from_pubdate_then_medline_date_then_article_date() {
    assert_eq!(first_year("2020 Nov-Dec"), Some(2020));
    assert_eq!(first_year("Winter 1998-1999"), Some(1998));
    assert_eq!(first_year("12345"), None);
    assert_eq!(first_year(""), None);
}

#[test]
fn inline_markup_and_references_are_flattened_into_the_title() {
    // Hand-made minimal record.
    let record = one(concat!(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation Status=\"MEDLINE\">",
        "<PMID Version=\"1\">1</PMID><Article><ArticleTitle>Effect of <i>Tp53</i> on ",
        "Ca<sup>2+</sup> &amp; &#x3bc;-XRF\n   signals &foo;</ArticleTitle></Article>",
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ));
    assert_eq!(
        record.title,
        "Effect of Tp53 on Ca2+ & \u{3bc}-XRF signals &foo;"
    );
    assert_eq!(record.citation_status.as_deref(), Some("MEDLINE"));
}

#[test]
fn errors_name_what_is_wrong() {
    assert_eq!(parse_article_set(b"  \n"), Err(ParseError::Empty));
    assert!(matches!(
        parse_article_set(b"<!DOCTYPE html><html><body>x</body></html>"),
        Err(ParseError::Html { line: 1 })
    ));
    assert_eq!(
        parse_article_set(b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>"),
        Err(ParseError::Ncbi {
            message: "Empty id list".into()
        })
    );
    assert!(matches!(
        parse_article_set(b"<PubmedArticleSet><PubmedArticle><MedlineCitation>"),
        Err(ParseError::Truncated { .. })
    ));
    assert!(matches!(
        parse_article_set(b"<a>\n\xff</a>"),
        Err(ParseError::InvalidUtf8 { line: 2, column: 1 })
    ));
    assert!(matches!(
        parse_article_set(b"<eSearchResult><Count>1</Count></eSearchResult>"),
        Err(ParseError::NotPubmed { .. })
    ));
    assert!(matches!(
        parse_article_set(b"<PubmedArticleSet><PubmedArticle></PubmedArticle></PubmedArticleSet>"),
        Err(ParseError::MissingPmid { .. })
    ));
}

#[test]
fn an_empty_article_set_is_valid_and_holds_no_records() {
    assert_eq!(parse_article_set(b"<PubmedArticleSet/>"), Ok(vec![]));
    assert_eq!(
        parse_article_set(b"<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n"),
        Ok(vec![])
    );
}
