//! The parser must return an error, never panic, whatever bytes it is given, and must
//! never report a cut-off document as a complete one.

mod common;

use claimaudit::pubmed::xml::{ParseError, parse_article_set};
use proptest::prelude::*;

/// Hand-made small article set (not from NCBI), used when ../shared is absent and as a
/// seed for generated inputs.
const HAND_MADE: &str = concat!(
    "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>\n",
    "<PubmedArticle><MedlineCitation Status=\"MEDLINE\"><PMID Version=\"1\">123</PMID>",
    "<Article><Journal><JournalIssue><Volume>1</Volume><PubDate><MedlineDate>2020 Nov-Dec",
    "</MedlineDate></PubDate></JournalIssue><Title>J</Title></Journal><ArticleTitle>A <i>b</i>",
    " &amp; c</ArticleTitle><AuthorList><Author><LastName>An</LastName><Initials>Y</Initials>",
    "</Author></AuthorList><PublicationTypeList><PublicationType UI=\"D016449\">Randomized ",
    "Controlled Trial</PublicationType></PublicationTypeList></Article><MeshHeadingList>",
    "<MeshHeading><DescriptorName UI=\"D006801\" MajorTopicYN=\"N\">Humans</DescriptorName>",
    "</MeshHeading></MeshHeadingList></MedlineCitation></PubmedArticle>\n</PubmedArticleSet>\n"
);

/// A real answer when the fixtures are there (bigger, messier), else the hand-made one.
fn sample() -> Vec<u8> {
    match common::eutils_fixtures() {
        Some(dir) => {
            std::fs::read(dir.join("efetch/cyanheads-pubmed-mcp/pmid31844417-source.xml")).unwrap()
        }
        None => HAND_MADE.as_bytes().to_vec(),
    }
}

fn root_end(doc: &[u8]) -> usize {
    let needle = b"</PubmedArticleSet>";
    doc.windows(needle.len()).position(|w| w == needle).unwrap() + needle.len()
}

#[test]
fn the_hand_made_sample_parses() {
    let records = parse_article_set(HAND_MADE.as_bytes()).unwrap();
    assert_eq!(records[0].title, "A b & c");
    assert_eq!(records[0].year, Some(2020));
}

#[test]
fn every_truncation_of_a_real_answer_is_an_error() {
    let doc = sample();
    let end = root_end(&doc);
    // Every cut before the root closes (step 7 keeps the run short on a 27 kB file).
    for cut in (0..end).step_by(7).chain([end - 1]) {
        match parse_article_set(&doc[..cut]) {
            Err(_) => {}
            Ok(records) => panic!(
                "cut at byte {cut} of {end} parsed as {} complete records",
                records.len()
            ),
        }
    }
    assert!(parse_article_set(&doc[..end]).is_ok());
}

#[test]
fn a_cut_inside_an_article_is_reported_as_truncated() {
    let doc = sample();
    let cut = doc.len() / 2;
    assert!(matches!(
        parse_article_set(&doc[..cut]),
        Err(ParseError::Truncated { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_article_set(&bytes);
    }

    #[test]
    fn mutated_real_answers_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut doc = sample();
        for (at, byte) in edits {
            let i = at.index(doc.len());
            doc[i] = byte;
        }
        let len = cut.index(doc.len() + 1);
        let _ = parse_article_set(&doc[..len]);
    }

    #[test]
    fn generated_tag_soup_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<PubmedArticleSet>"), Just("</PubmedArticleSet>"), Just("<PubmedArticle>"),
        Just("</PubmedArticle>"), Just("<MedlineCitation>"), Just("</MedlineCitation>"),
        Just("<PMID>"), Just("</PMID>"), Just("12"), Just("<Article>"), Just("</Article>"),
        Just("<ArticleTitle>"), Just("</ArticleTitle>"), Just("<i>"), Just("</i>"),
        Just("&amp;"), Just("&#x3bc;"), Just("&bogus;"), Just("&#xFFFFFFFF;"), Just("<![CDATA[x]]>"),
        Just("<Author ValidYN=\"N\">"), Just("</Author>"), Just("<AuthorList>"), Just("</AuthorList>"),
        Just("<MeshHeading>"), Just("<QualifierName MajorTopicYN=\"Y\">"), Just("</QualifierName>"),
        Just("<DescriptorName UI=\"D1\">"), Just("</DescriptorName>"), Just("</MeshHeading>"),
        Just("<ERROR>"), Just("<!--"), Just("-->"), Just("<"), Just(">"), Just("\""), Just("é"),
    ], 0..64)) {
        let doc: String = parts.concat();
        let _ = parse_article_set(doc.as_bytes());
    }
}
