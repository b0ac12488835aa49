//! Findings: what the audit found wrong, one typed stream.
//!
//! The stages that look at claims (judging, and the wording lint) produce [`Finding`]s
//! without levels. [`crate::policy::apply`] then gives each its level and waiver status,
//! in one place. Every finding has a stable [`Code`]: one of the evidence checks' codes,
//! whose summary, help text and default level are written once in the table below, or a
//! wording rule's, which carries the same from the rules file (see [`crate::lint`]).
//! Everything else (`--help`, SARIF rules, reports, the JSON schema test) reads them from
//! here.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use serde::{Serialize, Serializer};

use crate::judge::Verdict;
use crate::lint::{ProductClass, Rule, RuleSet};
use crate::policy::Level;
use crate::text::did_you_mean;

macro_rules! codes {
    ($(
        $variant:ident = $name:literal, $level:ident, $fails:ident, $guarded:literal,
            summary: $summary:literal,
            help: $help:literal;
    )*) => {
        /// What a finding is about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[non_exhaustive]
        pub enum Code {
            $(#[serde(rename = $name)] $variant,)*
            /// A wording rule's finding.
            #[serde(untagged)]
            Wording(WordingCode),
        }

        impl Code {
            /// The evidence checks' codes (the wording rules' are in the rules files).
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                    Code::Wording(w) => &w.rule.code,
                }
            }

            /// The level the finding has unless a policy changes it; a wording rule's
            /// may depend on the product class.
            pub fn default_level(self) -> Level {
                match self {
                    $(Code::$variant => Level::$level,)*
                    Code::Wording(w) => w.rule.levels.for_class(w.class),
                }
            }

            /// The verdict a claim gets when this finding denies it: the kind of problem
            /// the finding is.
            pub fn fails_as(self) -> Verdict {
                match self {
                    $(Code::$variant => Verdict::$fails,)*
                    Code::Wording(_) => Verdict::Wording,
                }
            }

            /// Whether the audited claims file may not lower this finding's level: the
            /// integrity floor (every finding that denies by default: a retracted source,
            /// a reference that is missing, unidentified or contradicted, a source off
            /// the claim's topic, evidence too weak) can only be lowered from the
            /// reviewer's side (the command line or a `--policy` file).
            pub fn is_guarded(self) -> bool {
                match self {
                    $(Code::$variant => $guarded,)*
                    // Wording that denies for the product's class (absolute safety, cures,
                    // guarantees everywhere; diseases named by a food; testimonials on a
                    // clinic page…) is part of the same floor.
                    Code::Wording(w) => w.rule.levels.for_class(w.class) == Level::Deny,
                }
            }

            /// One line saying what the finding means, for reports and `--help`.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                    Code::Wording(w) => &w.rule.name,
                }
            }

            /// What to do about the finding, in a sentence or two.
            pub fn help(self) -> &'static str {
                match self {
                    $(Code::$variant => $help,)*
                    Code::Wording(w) => &w.rule.suggestion,
                }
            }
        }
    };
}

codes! {
    UncitedClaim = "uncited-claim", Deny, Uncited, true,
        summary: "the claim cites no source at all",
        help: "Add a source that supports the claim, or reword or remove the claim.";
    CitationNotFound = "citation-not-found", Deny, Unresolved, true,
        summary: "no PubMed record matches the citation",
        help: "Check the citation against PubMed; cite it by PMID or DOI.";
    CitationAmbiguous = "citation-ambiguous", Deny, Unresolved, true,
        summary: "several PubMed records match the citation and none clearly best",
        help: "Several papers match: cite the intended one by PMID or DOI.";
    CitationIncomplete = "citation-incomplete", Deny, Unresolved, true,
        summary: "the reference does not identify one paper on its own (only a journal and year, or an author and year)",
        help: "Give a complete reference: the PMID or DOI, or the title, journal, volume and pages.";
    CitationMismatch = "citation-mismatch", Deny, Unresolved, true,
        summary: "the citation's author, year, journal or title contradicts the record it names",
        help: "Correct the reference, or cite the paper that was meant: a reference that contradicts its paper is defective.";
    CitationYearOff = "citation-year-off", Warn, Unresolved, false,
        summary: "the cited year is one year off the record's (often the e-publication year)",
        help: "Cite the year PubMed gives, to make the reference exact.";
    LookupFailed = "lookup-failed", Warn, NotChecked, false,
        summary: "the citation could not be checked (offline cache miss, NCBI unreachable)",
        help: "Run again with network access (NCBI_EMAIL set) or with a filled cache.";
    RetractedSource = "retracted-source", Deny, Retracted, true,
        summary: "a cited source is retracted, partially retracted or withdrawn",
        help: "A retracted or withdrawn paper supports nothing: remove it and any wording that rests on it.";
    ExpressionOfConcern = "expression-of-concern", Deny, Retracted, true,
        summary: "the journal has published an expression of concern about the source",
        help: "The journal doubts this paper: find other support, or have a person review it and record a waiver.";
    Erratum = "erratum", Allow, Retracted, false,
        summary: "the source has a published correction",
        help: "Read the correction and check the claim still holds.";
    Preprint = "preprint", Warn, Weak, false,
        summary: "the source is a preprint, not peer reviewed",
        help: "Preprints are not peer reviewed: cite the published version or another source.";
    NotEvidence = "not-evidence", Warn, Weak, false,
        summary: "the source is not evidence at all (protocol, erratum or notice)",
        help: "Protocols, errata and notices are not evidence: cite the study itself.";
    DesignFromWords = "design-from-words", Warn, Weak, false,
        summary: "the source's design was guessed from its words (no MeSH or telling publication type), which proves nothing",
        help: "Check the paper by hand; it cannot count as evidence until PubMed indexes it or a person confirms its design.";
    ProductMismatch = "product-mismatch", Warn, OffTopic, false,
        summary: "the source does not mention the advertised product (product.terms)",
        help: "The source studies something other than the advertised product; do not present it as evidence for the product.";
    KeywordsAbsent = "keywords-absent", Warn, OffTopic, false,
        summary: "none of the claim's keywords appear in the source's title, abstract, MeSH or substances",
        help: "The source may be about another topic: check it says what the claim says.";
    PopulationNotStudied = "population-not-studied", Warn, OffTopic, false,
        summary: "the claim speaks about a group of people (children, pregnant women, older people) the source did not study",
        help: "Cite a study of that group, or take the group out of the claim.";
    NoRelevantSource = "no-relevant-source", Deny, OffTopic, true,
        summary: "no cited source is about both the advertised product and the claim's topic",
        help: "Cite a study of this product for this effect, or reword the claim to what the sources show.";
    RelevanceUnknown = "relevance-unknown", Deny, OffTopic, true,
        summary: "whether the sources are about the claim cannot be established: product.terms or the claim's keywords are missing",
        help: "Add the product's terms (what it is made of) to `product.terms` and the claim's topic words to its `keywords`.";
    NoHumanEvidence = "no-human-evidence", Deny, Weak, true,
        summary: "an efficacy or safety claim with no clinical study in people among its relevant sources",
        help: "Efficacy and safety claims need a clinical study in people (a trial, a prospective cohort, or a systematic review of them). Cite one, or reword the claim so it does not promise an effect in people.";
    InsufficientEvidence = "insufficient-evidence", Deny, Weak, true,
        summary: "a mechanism, statistic or background claim whose relevant sources are not the kind it needs",
        help: "Mechanisms and figures need original research or a systematic review; background needs scholarly literature (a review, guideline or study, not an editorial or letter). Cite one.";
    KindUpgraded = "kind-upgraded", Warn, Wording, false,
        summary: "the wording promises an effect in people, so the claim is judged as an efficacy claim whatever its kind",
        help: "Either back the claim with clinical evidence in people or reword it so it describes only what the sources show.";
    UnreviewedClaim = "unreviewed-claim", Deny, Unreviewed, true,
        summary: "the claim was drafted by claimaudit from the page and no person has reviewed it yet (review: pending)",
        help: "Read the drafted claim against the page: fix its wording, kind, keywords and citations, then remove `review: pending` (or set `review: done`).";
}

impl Code {
    /// One of the evidence checks' codes by name (see [`CodeBook`] for wording rules).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }

    /// The evidence checks' code names, for "did you mean" hints and messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Code::ALL.iter().map(|c| c.as_str())
    }

    /// The wording rule behind the code, if it is one.
    pub fn rule(self) -> Option<&'static Rule> {
        match self {
            Code::Wording(w) => Some(w.rule),
            _ => None,
        }
    }
}

/// A wording rule's code, and the product class its default level is for. Rules live
/// for the whole run (the built-in set, or one read from a user's file), so the code is
/// a reference and stays `Copy`; two codes are the same code when their rules' codes are.
#[derive(Clone, Copy)]
pub struct WordingCode {
    pub rule: &'static Rule,
    pub class: Option<ProductClass>,
}

impl PartialEq for WordingCode {
    fn eq(&self, other: &Self) -> bool {
        self.rule.code == other.rule.code
    }
}

impl Eq for WordingCode {}

impl PartialOrd for WordingCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WordingCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rule.code.cmp(&other.rule.code)
    }
}

impl Hash for WordingCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.rule.code.hash(state);
    }
}

impl fmt::Debug for WordingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Wording({})", self.rule.code)
    }
}

impl Serialize for WordingCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.rule.code)
    }
}

/// Every finding code a run knows: the evidence checks' and the wording rules in force,
/// whose levels are those for the product's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeBook {
    pub rules: &'static RuleSet,
    pub class: Option<ProductClass>,
}

impl Default for CodeBook {
    /// The built-in rules, for no particular product class.
    fn default() -> Self {
        CodeBook {
            rules: RuleSet::builtin(),
            class: None,
        }
    }
}

impl CodeBook {
    /// A code by name: an evidence check's, or a wording rule's.
    pub fn parse(&self, name: &str) -> Option<Code> {
        Code::parse(name).or_else(|| self.rules.get(name).map(|rule| self.wording(rule)))
    }

    /// The code of a wording rule of this book.
    pub fn wording(&self, rule: &'static Rule) -> Code {
        Code::Wording(WordingCode {
            rule,
            class: self.class,
        })
    }

    /// " (did you mean `x`?)" for an unknown code `name`.
    pub fn hint(&self, name: &str) -> String {
        did_you_mean(name, Code::names().chain(self.rules.codes()))
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
    /// For wording: the byte range of the phrase in the claim's text.
    pub span: Option<Range<usize>>,
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
        for code in Code::ALL {
            assert!(
                code.default_level() != Level::Deny || code.is_guarded(),
                "{code} denies by default, so the audited file must not lower it"
            );
        }
    }
}
