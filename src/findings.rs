//! Findings: what the audit found wrong, one typed stream.
//!
//! The stages that look at claims (judging today; a wording lint next) produce
//! [`Finding`]s without levels. [`crate::policy::apply`] then gives each its level and
//! waiver status, in one place. Every finding has a stable [`Code`]; a code's summary,
//! help text and default level are written once, in the table below, and everything
//! else (`--help`, SARIF rules, reports, the JSON schema test) reads them from here.

use std::fmt;

use serde::Serialize;

use crate::policy::Level;

macro_rules! codes {
    ($(
        $variant:ident = $name:literal, $level:ident,
            summary: $summary:literal,
            help: $help:literal;
    )*) => {
        /// What a finding is about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[non_exhaustive]
        pub enum Code {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub fn default_level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// One line saying what the finding means, for reports and `--help`.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// What to do about the finding, in a sentence or two.
            pub fn help(self) -> &'static str {
                match self { $(Code::$variant => $help,)* }
            }
        }
    };
}

codes! {
    UncitedClaim = "uncited-claim", Deny,
        summary: "the claim cites no source at all",
        help: "Add a source that supports the claim, or reword or remove the claim.";
    CitationNotFound = "citation-not-found", Deny,
        summary: "no PubMed record matches the citation",
        help: "Check the citation against PubMed; cite it by PMID or DOI.";
    CitationAmbiguous = "citation-ambiguous", Deny,
        summary: "several PubMed records match the citation and none clearly best",
        help: "Several papers match: cite the intended one by PMID or DOI.";
    NoHumanEvidence = "no-human-evidence", Deny,
        summary: "an efficacy or safety claim whose sources include no human clinical study (evidence level 1-3)",
        help: "Efficacy and safety claims need human clinical evidence (a trial, an observational study, or a systematic review of them). Cite one, or reword the claim so it does not promise an effect in people.";
    RetractedSource = "retracted-source", Deny,
        summary: "a cited source has been retracted",
        help: "A retracted paper supports nothing: remove it and any wording that rests on it.";
    LookupFailed = "lookup-failed", Warn,
        summary: "the citation could not be checked (offline cache miss, NCBI unreachable)",
        help: "Run again with network access (NCBI_EMAIL set) or with a filled cache.";
    ProductMismatch = "product-mismatch", Warn,
        summary: "the source does not mention the advertised product (product.terms)",
        help: "The source studies something else than the advertised product; do not present it as evidence for the product.";
    KeywordsAbsent = "keywords-absent", Warn,
        summary: "none of the claim's keywords appear in the source's title, abstract or MeSH",
        help: "The source may be about another topic: check it says what the claim says.";
    CitationMismatch = "citation-mismatch", Warn,
        summary: "the citation's author, year or journal disagrees with the record it resolved to",
        help: "Correct the citation's author, year or journal, or cite the paper that was meant.";
    ExpressionOfConcern = "expression-of-concern", Warn,
        summary: "the journal has published an expression of concern about the source",
        help: "The journal doubts this paper: find stronger support.";
    Erratum = "erratum", Allow,
        summary: "the source has a published correction",
        help: "Read the correction and check the claim still holds.";
    Preprint = "preprint", Warn,
        summary: "the source is a preprint, not peer reviewed",
        help: "Preprints are not peer reviewed: cite the published version or another source.";
    NotEvidence = "not-evidence", Warn,
        summary: "the source is not evidence at all (protocol, erratum or notice)",
        help: "Protocols, errata and notices are not evidence: cite the study itself.";
}

impl Code {
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }

    /// Every code's name, for "did you mean" hints and messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Code::ALL.iter().map(|c| c.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing found wrong, before the policy gives it a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    /// The claim, by its position in the claims file.
    pub claim: usize,
    /// The citation of that claim it is about, by position; `None` for the claim itself.
    pub citation: Option<usize>,
    /// What is wrong, in a sentence naming the source or the wording.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_carry_their_texts() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert!(!code.summary().is_empty() && !code.help().is_empty());
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str())
            );
        }
        assert_eq!(Code::UncitedClaim.default_level(), Level::Deny);
    }
}
