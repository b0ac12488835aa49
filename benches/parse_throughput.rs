//! Parse throughput of the PubMed XML reader, in MB/s on one core.
//!
//! Builds an efetch-shaped document of at least 100 MB by concatenating every article
//! of the shared fixtures (../shared/fixtures/eutils/efetch) until the size is reached,
//! then times:
//! - `claimaudit`: the full reader, every field extracted into records;
//! - `quick-xml events`: a bare event loop over the same bytes, the floor any
//!   quick-xml based reader stands on; the ratio between the two is the cost of
//!   extraction and is stable across machines where absolute MB/s are not.
//!
//! Run: `cargo bench --bench parse_throughput` (optional: BENCH_MB=200 BENCH_RUNS=7).

use std::path::Path;

mod support;

use claimaudit::pubmed::xml::ArticleReader;
use quick_xml::Reader;
use quick_xml::events::Event;

fn main() {
    let Some(fixtures) = support::fixtures() else {
        return;
    };
    let fixtures = fixtures.join("efetch");
    let target_mb: usize = support::env_number("BENCH_MB", 100);
    let runs: usize = support::env_number("BENCH_RUNS", 5);
    let articles = collect_articles(&fixtures);
    let doc = build_document(&articles, target_mb * 1_000_000);
    let mb = doc.len() as f64 / 1e6;
    println!(
        "document: {mb:.1} MB, {} article elements from {} distinct fixture articles",
        doc.matches("<PubmedArticle>").count() + doc.matches("<PubmedBookArticle>").count(),
        articles.len()
    );

    let full = support::time_runs(runs, || {
        let mut records = 0usize;
        let mut fields = 0usize;
        for record in ArticleReader::new(doc.as_bytes()).expect("valid document") {
            let record = record.expect("valid record");
            records += 1;
            fields += record.mesh.len() + record.authors.len() + record.title.len();
        }
        std::hint::black_box(fields);
        records
    });
    let bare = support::time_runs(runs, || {
        let mut reader = Reader::from_str(&doc);
        let mut events = 0usize;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(_) => events += 1,
                Err(e) => panic!("{e}"),
            }
        }
        events
    });
    support::report_throughput("claimaudit (every field)", mb, &full);
    support::report_throughput("quick-xml events only", mb, &bare);
    println!(
        "ratio: full reader runs at {:.2}x the bare event loop's speed (median)",
        support::median(&bare).as_secs_f64() / support::median(&full).as_secs_f64()
    );
}

/// Every `<PubmedArticle>` / `<PubmedBookArticle>` element of every fixture file, as text.
fn collect_articles(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for sub in std::fs::read_dir(dir).unwrap() {
        for file in std::fs::read_dir(sub.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    let mut articles = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (open, close) in [
            ("<PubmedArticle>", "</PubmedArticle>"),
            ("<PubmedBookArticle>", "</PubmedBookArticle>"),
        ] {
            let mut rest = text.as_str();
            while let Some(start) = rest.find(open) {
                let Some(len) = rest[start..].find(close) else {
                    break;
                };
                let end = start + len + close.len();
                articles.push(rest[start..end].to_owned());
                rest = &rest[end..];
            }
        }
    }
    articles
}

fn build_document(articles: &[String], min_bytes: usize) -> String {
    let mut doc = String::with_capacity(min_bytes + 1_000_000);
    doc.push_str("<?xml version=\"1.0\" ?>\n<PubmedArticleSet>\n");
    'fill: loop {
        for article in articles {
            doc.push_str(article);
            doc.push('\n');
            if doc.len() >= min_bytes {
                break 'fill;
            }
        }
    }
    doc.push_str("</PubmedArticleSet>\n");
    doc
}
