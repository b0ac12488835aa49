//! The audit, from a claims file to a report: the library's entry point.
//!
//! ```text
//! claims file ─▶ citations ─▶ resolve (PubmedSource) ─▶ judge ─┐
//!      └────────▶ wording lint ───────────────────────────────┴─▶ policy ─▶ Report
//! ```
//!
//! Each distinct citation (with the keywords of the claim citing it) is resolved once,
//! however many claims cite it; every claim is then judged on its citations'
//! resolutions, and its wording linted; the policy gives each finding its level and
//! waiver status; the report puts it all together.

use std::time::Duration;

use crate::claims::ClaimsFile;
use crate::findings::Finding;
use crate::judge::judge_claim;
use crate::lint::Linter;
use crate::policy::{self, Policy};
use crate::progress::Progress;
use crate::pubmed::provenance::Provenance;
use crate::pubmed::source::PubmedSource;
use crate::report::{Outcome, Report};
use crate::resolve::{CitationKey, Resolution, resolve_all};

/// How to audit.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Finding levels in force (the claims file's `policy:` with any command-line
    /// overrides already applied).
    pub policy: Policy,
    /// Whether this run may not ask PubMed (said in the report).
    pub offline: bool,
    /// The report's one timestamp (RFC 3339, UTC), pinned for reproducible reports.
    pub generated_at: String,
    /// Today's date (`YYYY-MM-DD`, UTC) from the real clock: waivers are judged against
    /// it, never against a pinned report time.
    pub today: String,
    /// Records last confirmed longer ago than this are named in the report: offline,
    /// they were used anyway, and retractions since are not seen.
    pub record_max_age: Duration,
}

/// The distinct citations of a claims file, and which one each claim's citation is.
pub struct CitationIndex {
    distinct: Vec<CitationKey>,
    /// Per claim, per citation: the position in `distinct`.
    of_claim: Vec<Vec<usize>>,
}

impl CitationIndex {
    pub fn new(file: &ClaimsFile) -> Self {
        let mut distinct: Vec<CitationKey> = Vec::new();
        let mut position = std::collections::HashMap::new();
        let of_claim = file
            .claims
            .iter()
            .map(|claim| {
                claim
                    .citations
                    .iter()
                    .map(|source| {
                        let key = CitationKey {
                            cited: source.cited.clone(),
                            keywords: claim.keywords.clone(),
                        };
                        *position.entry(key.clone()).or_insert_with(|| {
                            distinct.push(key);
                            distinct.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        CitationIndex { distinct, of_claim }
    }

    /// Each citation once.
    pub fn distinct(&self) -> &[CitationKey] {
        &self.distinct
    }

    /// Per claim, the resolutions of its citations, given one resolution per
    /// [`CitationIndex::distinct`] citation.
    pub fn per_claim<'r>(&self, resolutions: &'r [Resolution]) -> Vec<Vec<&'r Resolution>> {
        self.of_claim
            .iter()
            .map(|positions| positions.iter().map(|&i| &resolutions[i]).collect())
            .collect()
    }
}

/// Audits every claim of `file` against `source`.
pub async fn audit(
    file: &ClaimsFile,
    source: &impl PubmedSource,
    options: &AuditOptions,
    progress: &dyn Progress,
) -> Report {
    let index = CitationIndex::new(file);
    let resolutions = resolve_all(source, index.distinct(), progress).await;
    report(
        file,
        index.per_claim(&resolutions),
        source.provenance(),
        options,
    )
}

/// Judges every claim on its citations' resolutions (per claim, in citation order) and
/// builds the report.
pub fn report(
    file: &ClaimsFile,
    resolutions: Vec<Vec<&Resolution>>,
    provenance: Provenance,
    options: &AuditOptions,
) -> Report {
    let mut judgements = Vec::with_capacity(file.claims.len());
    let mut findings = Vec::new();
    let linter = Linter::new(
        file.codes.rules,
        file.product.class,
        &file.product.jurisdictions,
    )
    .without_model();
    for (index, (claim, resolved)) in file.claims.iter().zip(&resolutions).enumerate() {
        let (judgement, raised) = judge_claim(index, claim, &file.product, resolved);
        judgements.push(judgement);
        findings.extend(raised);
        findings.extend(linter.phrases(&claim.text).into_iter().map(|hit| Finding {
            code: file.codes.wording(hit.rule),
            claim: index,
            citation: None,
            message: format!(
                "“{}”: {}",
                hit.phrase,
                first_sentence(&hit.rule.explanation)
            ),
            span: Some(hit.range),
        }));
    }
    let (findings, waivers) = policy::apply(
        findings,
        &options.policy,
        &file.claims,
        &file.waivers,
        &options.today,
    );
    Report::assemble(Outcome {
        file,
        resolutions,
        judgements,
        findings,
        waivers,
        overrides: options.policy.overrides().to_vec(),
        offline: options.offline,
        generated_at: options.generated_at.clone(),
        provenance,
        record_max_age: options.record_max_age,
    })
}

/// The first sentence of a rule's explanation: the finding's message.
fn first_sentence(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(i, c)| c == '。' || (c == '.' && text[i + 1..].starts_with(' ')))
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::judge::Verdict;
    use crate::progress::NoProgress;
    use crate::pubmed::MemorySource;
    use crate::pubmed::record::test_record;
    use crate::pubmed::source::Lookup;

    #[tokio::test]
    async fn each_distinct_citation_is_resolved_once() {
        let file = crate::claims::parse(
            Path::new("c.yaml"),
            "product: {name: x, terms: [aspirin]}\nclaims:\n  - {id: a, text: x, kind: efficacy, keywords: [skin aging], citations: [\"PMID: 1\", {pmid: 1}]}\n  - {id: b, text: y, kind: efficacy, keywords: [skin aging], citations: [\"PMID: 1\"]}\n  - {id: c, text: z, kind: efficacy, keywords: [skin], citations: [\"PMID: 1\"]}\n",
        )
        .unwrap();
        let index = CitationIndex::new(&file);
        // The text "PMID: 1" and the typed {pmid: 1} are the same citation only once
        // read, so they stay apart here; the keywords of claim c make a third.
        assert_eq!(index.distinct().len(), 3);
        let mut record = test_record(
            "1",
            &["Randomized Controlled Trial"],
            &["Humans", "Skin Aging"],
        );
        record.substances.push("Aspirin".into());
        let source = MemorySource::new([record]);
        let options = AuditOptions {
            policy: Policy::default(),
            offline: false,
            generated_at: "2026-01-01T00:00:00Z".into(),
            today: "2026-01-01".into(),
            record_max_age: Duration::from_secs(90 * 86_400),
        };
        let report = audit(&file, &source, &options, &NoProgress).await;
        assert!(
            report
                .claims
                .iter()
                .all(|c| c.verdict == Verdict::Supported)
        );
        assert_eq!(
            source.asked(),
            [Lookup::Fetch(vec![crate::ids::Pmid::new(1).unwrap()])],
            "one batch for every citation"
        );
    }
}
