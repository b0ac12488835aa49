//! Finding codes and their levels. Every finding has a stable kebab-case code; each code
//! has a default level (allow, warn, deny) that the claims file's `policy:` section and
//! the command line (`--deny/--warn/--allow CODE`) can change, the command line last.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $summary:literal;)*) => {
        /// What a finding is about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
        }
    };
}

codes! {
    UncitedClaim = "uncited-claim", Deny,
        "the claim cites no source at all";
    CitationNotFound = "citation-not-found", Deny,
        "no PubMed record matches the citation";
    CitationAmbiguous = "citation-ambiguous", Deny,
        "several PubMed records match the citation and none clearly best";
    NoHumanEvidence = "no-human-evidence", Deny,
        "an efficacy or safety claim whose sources include no human clinical study (evidence level 1-3)";
    RetractedSource = "retracted-source", Deny,
        "a cited source has been retracted";
    LookupFailed = "lookup-failed", Warn,
        "the citation could not be checked (offline cache miss, NCBI unreachable)";
    ProductMismatch = "product-mismatch", Warn,
        "the source does not mention the advertised product (product.terms)";
    KeywordsAbsent = "keywords-absent", Warn,
        "none of the claim's keywords appear in the source's title, abstract or MeSH";
    CitationMismatch = "citation-mismatch", Warn,
        "the citation's author, year or journal disagrees with the record it resolved to";
    ExpressionOfConcern = "expression-of-concern", Warn,
        "the journal has published an expression of concern about the source";
    Erratum = "erratum", Allow,
        "the source has a published correction";
    Preprint = "preprint", Warn,
        "the source is a preprint, not peer reviewed";
    NotEvidence = "not-evidence", Warn,
        "the source is not evidence at all (protocol, erratum or notice)";
}

impl Code {
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Levels in force: defaults, then the claims file, then the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    overrides: BTreeMap<Code, Level>,
}

impl Policy {
    pub fn set(&mut self, code: Code, level: Level) {
        self.overrides.insert(code, level);
    }

    pub fn level(&self, code: Code) -> Level {
        self.overrides
            .get(&code)
            .copied()
            .unwrap_or(code.default_level())
    }
}

/// The closest known word to `word`, for "did you mean" hints.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_have_defaults() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert!(!code.summary().is_empty());
        }
        assert_eq!(Code::UncitedClaim.default_level(), Level::Deny);
    }

    #[test]
    fn overrides_win_over_defaults() {
        let mut policy = Policy::default();
        assert_eq!(policy.level(Code::ProductMismatch), Level::Warn);
        policy.set(Code::ProductMismatch, Level::Deny);
        assert_eq!(policy.level(Code::ProductMismatch), Level::Deny);
    }

    #[test]
    fn suggestions_find_near_misses_only() {
        let keys = ["keywords", "citations", "text"];
        assert_eq!(closest("keywrods", keys), Some("keywords"));
        assert_eq!(closest("citation", keys), Some("citations"));
        assert_eq!(closest("zzzzzz", keys), None);
    }
}
