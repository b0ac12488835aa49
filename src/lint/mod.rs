//! The wording lint: what the words of the copy say, read the way a regulator reads them.
//!
//! Rules are data ([`rules`], the built-in `rules.yaml` plus a user's file); the copy and
//! the patterns are normalised alike ([`normalize`]) and searched in one pass
//! ([`matcher`]). A [`Linter`] holds the rules in force for one product class and set of
//! jurisdictions: `check` runs it on every claim's wording, `lint` on whole pages (whose
//! text [`extract`] takes out of HTML or Markdown), where it also checks the disclosures
//! a Japanese clinic page must carry.

pub mod extract;
pub mod matcher;
pub mod model;
pub mod normalize;
pub mod page;
pub mod pattern;
pub mod rules;

use std::ops::Range;

use self::matcher::Matcher;
use self::model::WordingModel;
use self::normalize::{Lines, Normalized, normalize_lines};
use self::rules::Check;
pub use self::rules::{Jurisdiction, ProductClass, Rule, RuleSet};

/// Wording a rule flags, found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'r> {
    pub rule: &'r Rule,
    /// Byte range of the phrase in the text that was linted.
    pub range: Range<usize>,
    /// The phrase as written.
    pub phrase: String,
    /// For the wording model's finding, the words that weighed most (「改善」, ‘cures’);
    /// empty for a phrase rule, whose phrase says it all.
    pub cues: Vec<String>,
}

/// A disclosure a page lacks, and the phrase that made it needed, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing<'r> {
    pub rule: &'r Rule,
    pub trigger: Option<(Range<usize>, String)>,
}

/// The rules in force for one product class and set of jurisdictions, ready to search.
pub struct Linter<'r> {
    matcher: Matcher<'r>,
    /// The rules the wording model reports under (the built-in `reads-as-claim`, and any
    /// of a user's with `detector: wording-model`) that are in force.
    model_rules: Vec<&'r Rule>,
    class: Option<ProductClass>,
}

impl<'r> Linter<'r> {
    /// The rules of `set` that apply to `class` in `jurisdictions` (every jurisdiction
    /// when empty; only the rules for every product when the class is unknown).
    pub fn new(
        set: &'r RuleSet,
        class: Option<ProductClass>,
        jurisdictions: &[Jurisdiction],
    ) -> Self {
        let rules: Vec<&'r Rule> = set
            .rules()
            .iter()
            .filter(|rule| rule.applies_to(class, jurisdictions))
            .collect();
        Linter {
            model_rules: rules
                .iter()
                .copied()
                .filter(|rule| matches!(rule.check, Check::Model))
                .collect(),
            matcher: Matcher::new(rules),
            class,
        }
    }

    /// The same rules without the wording model. `check` lints claims this way: a claim
    /// is already judged as a claim on its evidence, so "reads like a claim" adds nothing.
    pub fn without_model(self) -> Self {
        Linter {
            model_rules: Vec::new(),
            ..self
        }
    }

    /// The phrases the rules flag in `text`, in text order.
    pub fn phrases(&self, text: &str) -> Vec<Hit<'r>> {
        self.check(text, Lines::Wrapped).0
    }

    /// The phrases the rules flag in `text` (whose line breaks mean what `lines` says),
    /// and the disclosures it needs and lacks, from one pass over it.
    pub fn check(&self, text: &str, lines: Lines) -> (Vec<Hit<'r>>, Vec<Missing<'r>>) {
        self.check_normalized(text, &normalize_lines(text, lines))
    }

    /// As [`Linter::check`], for a caller that already normalised `text`.
    pub fn check_normalized(
        &self,
        text: &str,
        normalized: &Normalized,
    ) -> (Vec<Hit<'r>>, Vec<Missing<'r>>) {
        let (phrases, missing) = self.matcher.find(normalized);
        // The model reads only the sentences no phrase rule flagged: a phrase says more.
        // A phrase never crosses a sentence end, so a sentence holds a phrase exactly when
        // a phrase starts inside it.
        let mut phrase_starts: Vec<usize> = phrases.iter().map(|hit| hit.range.start).collect();
        phrase_starts.sort_unstable();
        let modelled: Vec<_> = if self.model_rules.is_empty() {
            Vec::new()
        } else {
            WordingModel::builtin().flagged_sentences(normalized, self.class, |sentence| {
                let first = phrase_starts.partition_point(|&start| start < sentence.start);
                phrase_starts
                    .get(first)
                    .is_some_and(|&start| start < sentence.end)
            })
        };
        let modelled = modelled.into_iter().flat_map(|(range, reading)| {
            let cues = model::cue_words(text, normalized, &reading.cues);
            self.model_rules
                .iter()
                .map(move |&rule| (rule, range.clone(), cues.clone()))
        });
        let mut phrases: Vec<Hit<'r>> = phrases
            .into_iter()
            .map(|hit| (hit.rule, hit.range, Vec::new()))
            .chain(modelled)
            .map(|(rule, range, cues)| {
                let range = normalized.source_range(range);
                Hit {
                    rule,
                    phrase: text[range.clone()].to_owned(),
                    range,
                    cues,
                }
            })
            .collect();
        phrases.sort_by_key(|hit| (hit.range.start, hit.range.end));
        let missing = missing
            .into_iter()
            .map(|missing| Missing {
                rule: missing.rule,
                trigger: missing.trigger.map(|range| {
                    let range = normalized.source_range(range);
                    (range.clone(), text[range].to_owned())
                }),
            })
            .collect();
        (phrases, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_shows_what_it_flags_and_passes_in_both_languages() {
        let japanese = |text: &String| text.chars().any(normalize::is_japanese);
        let mut missing = Vec::new();
        for rule in RuleSet::builtin().rules() {
            for (list, what) in [(&rule.examples_flag, "flag"), (&rule.examples_pass, "pass")] {
                if !list.iter().any(japanese) {
                    missing.push(format!("{}: no Japanese `{what}` example", rule.code));
                }
                if !list.iter().any(|t| !japanese(t)) {
                    missing.push(format!("{}: no English `{what}` example", rule.code));
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn the_builtin_rules_are_valid_and_their_examples_behave() {
        let set = RuleSet::builtin();
        assert!(set.rules().len() >= 20);
        let problems = set.examples_problems();
        assert!(
            problems.is_empty(),
            "{}",
            problems
                .iter()
                .map(|p| format!("rules.yaml:{}: {}", p.line, p.message))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn texts_wrapped_in_the_rules_file_read_as_written() {
        // Folded YAML turns a line break into a space, which Japanese does not have.
        let wrapped = RuleSet::builtin()
            .rules()
            .iter()
            .flat_map(|r| [&r.explanation, &r.suggestion])
            .filter(|t| {
                let chars: Vec<char> = t.chars().collect();
                chars.windows(3).any(|w| {
                    let japanese_or_digit =
                        |c: char| normalize::is_japanese(c) || c.is_ascii_digit();
                    w[1] == ' '
                        && japanese_or_digit(w[0])
                        && japanese_or_digit(w[2])
                        && (normalize::is_japanese(w[0]) || normalize::is_japanese(w[2]))
                })
            })
            .count();
        assert_eq!(wrapped, 0);
        let onset = RuleSet::builtin()
            .rules()
            .iter()
            .find(|r| r.code == "onset-speed")
            .unwrap();
        assert!(
            onset.suggestion.contains("個人差があります"),
            "{}",
            onset.suggestion
        );
        let figures = RuleSet::builtin()
            .rules()
            .iter()
            .find(|r| r.code == "unsupported-stat")
            .unwrap();
        assert!(
            figures.suggestion.contains("受けた120名"),
            "{}",
            figures.suggestion
        );
    }

    #[test]
    fn a_long_choice_finds_its_longest_alternative_even_with_a_shorter_one_inside() {
        // More than eight alternatives after a number make the choice an automaton
        // tried at one place, whose overlapping matches come in order of their ends:
        // "pen" (in "appendage") ends first.
        let yaml = r#"
rules:
  - code: test-choice
    name: A long choice
    level: warn
    jurisdictions: [us]
    explanation: x
    suggestion: y
    basis: [{document: d, section: s}]
    patterns:
      - the {n} (appendage|pen|alpha|beta|gamma|delta|epsilon|zeta|eta)
    examples:
      flag: [the 2 pen]
      pass: [open]
"#;
        let set = RuleSet::parse(std::path::Path::new("t.yaml"), yaml, "test").unwrap();
        let linter = Linter::new(&set, None, &[]);
        let hits = linter.phrases("Look at the 2 appendage here.");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].phrase, "the 2 appendage");
    }
}
