//! The verdict on every real record that could back an efficacy claim.
//!
//! For every fixture record confidently classified (high or medium confidence) as a human
//! RCT, meta-analysis or systematic review, and still standing, its own title becomes an
//! efficacy claim citing it by PMID, with one of its substances (else a MeSH heading) as
//! the product term and another of its index terms as the claim's keyword: that claim
//! must be supported. The same claim citing a different such record on another subject
//! (one that mentions neither the product term nor the keyword) must not be, and must
//! say the source is off-topic.
//!
//! Every audit runs over one `MemorySource` holding every fixture record.

mod common;

use claimaudit::judge::Verdict;
use claimaudit::judge::evidence::{self, Confidence, Design, Population};
use claimaudit::pubmed::MemorySource;
use claimaudit::pubmed::record::{Record, TextParts};

/// MeSH headings that say who was studied, not what: never a product or a topic.
const CHECK_TAGS: &[&str] = &[
    "Humans",
    "Animals",
    "Female",
    "Male",
    "Adult",
    "Young Adult",
    "Middle Aged",
    "Aged",
    "Aged, 80 and over",
    "Adolescent",
    "Child",
    "Child, Preschool",
    "Infant",
    "Infant, Newborn",
    "Pregnancy",
    "Treatment Outcome",
    "Double-Blind Method",
    "Single-Blind Method",
    "Prospective Studies",
    "Follow-Up Studies",
    "Time Factors",
    "Risk Factors",
];

/// A record that can back an efficacy claim, and the claim made from it.
struct Subject<'a> {
    record: &'a Record,
    product: String,
    keyword: String,
}

/// The record's index terms usable as words of a claim: substances first (what was
/// tested), then topic MeSH headings, then the authors' keywords; for a record not yet
/// indexed, the longer words of its title.
fn index_terms(record: &Record) -> Vec<String> {
    let title_words = record
        .title
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().count() >= 7);
    let mesh = record
        .mesh
        .iter()
        .map(|m| m.descriptor.as_str())
        .filter(|d| !CHECK_TAGS.contains(d));
    record
        .substances
        .iter()
        .map(String::as_str)
        .chain(mesh)
        .chain(record.keywords.iter().map(String::as_str))
        .chain(title_words)
        // Quotes and brackets would need escaping in the YAML below; such terms are rare.
        .filter(|t| !t.contains(['"', '[', ']', ',', ':', '#']) && t.len() > 2)
        .map(str::to_owned)
        .fold(Vec::new(), |mut terms, t| {
            if !terms.contains(&t) {
                terms.push(t);
            }
            terms
        })
}

fn subject(record: &Record) -> Option<Subject<'_>> {
    let e = evidence::classify(record);
    let confident = e.confidence >= Confidence::Medium;
    let design = matches!(
        e.design,
        Design::Rct | Design::MetaAnalysis | Design::SystematicReview
    );
    let stands = !evidence::flags(record).iter().any(|f| f.is_disqualifying());
    if !(confident && design && e.population == Population::Human && stands) {
        return None;
    }
    let mut terms = index_terms(record).into_iter();
    Some(Subject {
        record,
        product: terms.next()?,
        keyword: terms.next()?,
    })
}

/// YAML's double-quoted scalar is a superset of a JSON string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

#[tokio::test]
async fn each_trial_supports_its_own_finding_and_not_another_subjects() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    let source = MemorySource::new(records.iter().cloned());
    // One copy of each PMID (the newest revision, as the source keeps it).
    let mut seen = std::collections::BTreeSet::new();
    let subjects: Vec<Subject<'_>> = records
        .iter()
        .rev()
        .filter(|r| seen.insert(r.pmid))
        .filter_map(subject)
        .collect();
    assert!(
        subjects.len() >= 14,
        "the fixtures hold only {} confidently classified human trials and reviews",
        subjects.len()
    );

    // Each subject is one claims file (its product term is the product's), with its
    // title as an efficacy claim citing its own record, and the same claim citing
    // another record whose text mentions neither the product term nor the keyword.
    let mut wrong = Vec::new();
    let mut others = 0;
    for (i, s) in subjects.iter().enumerate() {
        let claim = |id: &str, cited: &Record| {
            format!(
                "  - id: {id}\n    text: {}\n    kind: efficacy\n    keywords: [{}]\n    citations: [{{pmid: {}}}]\n",
                quoted(&s.record.title),
                quoted(&s.keyword),
                cited.pmid
            )
        };
        let other = subjects
            .iter()
            .cycle()
            .skip(i + 1)
            .take(subjects.len() - 1)
            .find(|o| {
                let text = o.record.searchable_text(TextParts::WrittenAndIndexed);
                !text.mentions(&s.product) && !text.mentions(&s.keyword)
            });
        let mut yaml = format!(
            "product:\n  name: the tested product\n  terms: [{}]\nclaims:\n{}",
            quoted(&s.product),
            claim("own", s.record)
        );
        if let Some(other) = other {
            yaml += &claim("other", other.record);
            others += 1;
        }
        let report = common::audit_on(&source, &yaml).await;
        let pmid = s.record.pmid;
        let own = &report.claims[0];
        if own.verdict != Verdict::Supported {
            wrong.push(format!(
                "PMID {pmid} (product {}, keyword {}): its own record should support its title, got {} ({})",
                s.product,
                s.keyword,
                own.verdict.as_str(),
                own.explanation
            ));
        }
        if let Some(other) = report.claims.get(1)
            && other.verdict != Verdict::OffTopic
        {
            wrong.push(format!(
                "PMID {pmid}'s title citing another subject's record should be off-topic, got {} ({})",
                other.verdict.as_str(),
                other.explanation
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} subjects judged wrongly:\n{}",
        wrong.len(),
        subjects.len(),
        wrong.join("\n")
    );
    assert!(
        others * 2 >= subjects.len(),
        "only {others} of {} subjects found a record on another subject",
        subjects.len()
    );
}
