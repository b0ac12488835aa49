//! Every pattern of every rule in force, searched in one pass.
//!
//! The first literal part of each pattern goes into one Aho-Corasick automaton over the
//! normalised copy; each place it is found is then followed up: the pattern's other
//! parts within the gap, whole words for English. Exceptions, disclosure triggers and
//! disclosure wording are found the same way, in the same pass.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::AhoCorasick;

use super::normalize::{BOUNDARY, Normalized, is_word_char};
use super::pattern::{GAP, Sequence};
use super::rules::{Check, Rule};

/// What a pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Pattern,
    Except,
    ExceptSentence,
    When,
    Requires,
}

/// Wording a rule flags: the rule and where, in normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseHit<'r> {
    pub rule: &'r Rule,
    pub range: Range<usize>,
}

/// A disclosure a page lacks: the rule, and the wording that made it needed (none when
/// the rule always applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingDisclosure<'r> {
    pub rule: &'r Rule,
    pub trigger: Option<Range<usize>>,
}

pub struct Matcher<'r> {
    rules: Vec<&'r Rule>,
    automaton: Option<AhoCorasick>,
    /// For each anchor (the automaton's pattern id): the sequences that start with it,
    /// with their rule and role.
    by_anchor: Vec<Vec<(usize, Role, &'r Sequence)>>,
}

impl<'r> Matcher<'r> {
    pub fn new(rules: impl IntoIterator<Item = &'r Rule>) -> Self {
        let rules: Vec<&'r Rule> = rules.into_iter().collect();
        let mut anchors: Vec<&'r str> = Vec::new();
        let mut ids: HashMap<&'r str, usize> = HashMap::new();
        let mut by_anchor: Vec<Vec<(usize, Role, &'r Sequence)>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let lists: Vec<(Role, &'r [Sequence])> = match &rule.check {
                Check::Phrase {
                    patterns,
                    except,
                    except_sentence,
                } => vec![
                    (Role::Pattern, patterns),
                    (Role::Except, except),
                    (Role::ExceptSentence, except_sentence),
                ],
                Check::Disclosure { when, requires } => {
                    vec![(Role::When, when), (Role::Requires, requires)]
                }
            };
            for (role, sequences) in lists {
                for sequence in sequences {
                    for anchor in &sequence.parts[0] {
                        let id = *ids.entry(anchor.as_str()).or_insert_with(|| {
                            anchors.push(anchor.as_str());
                            by_anchor.push(Vec::new());
                            anchors.len() - 1
                        });
                        by_anchor[id].push((index, role, sequence));
                    }
                }
            }
        }
        let automaton = (!anchors.is_empty())
            .then(|| AhoCorasick::new(&anchors).expect("literal patterns always build"));
        Matcher {
            rules,
            automaton,
            by_anchor,
        }
    }

    /// Every match of every sequence: (rule index, role, range).
    fn all_hits(&self, text: &Normalized) -> Vec<(usize, Role, Range<usize>)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let haystack = text.as_str();
        let mut hits = Vec::new();
        for found in automaton.find_overlapping_iter(haystack) {
            for &(rule, role, sequence) in &self.by_anchor[found.pattern().as_usize()] {
                if let Some(end) = follow(haystack, found.start(), found.end(), sequence) {
                    hits.push((rule, role, found.start()..end));
                }
            }
        }
        hits
    }

    /// The wording the rules flag, one hit per rule and phrase, in text order.
    pub fn phrase_hits(&self, text: &Normalized) -> Vec<PhraseHit<'r>> {
        let hits = self.all_hits(text);
        let haystack = text.as_str();
        let excepted = |rule: usize, range: &Range<usize>| {
            let sentence = sentence_around(haystack, range);
            hits.iter().any(|(r, role, other)| {
                *r == rule
                    && match role {
                        Role::Except => other.start < range.end && range.start < other.end,
                        Role::ExceptSentence => {
                            sentence.start <= other.start && other.end <= sentence.end
                        }
                        _ => false,
                    }
            })
        };
        let mut found: Vec<(usize, Range<usize>)> = hits
            .iter()
            .filter(|(rule, role, range)| *role == Role::Pattern && !excepted(*rule, range))
            .map(|(rule, _, range)| (*rule, range.clone()))
            .collect();
        // Earliest first, longest first among those starting together; then a rule
        // reports one hit for overlapping matches of its patterns.
        found.sort_by_key(|(rule, range)| (range.start, std::cmp::Reverse(range.end), *rule));
        let mut kept: Vec<(usize, Range<usize>)> = Vec::new();
        for (rule, range) in found {
            let overlaps = kept
                .iter()
                .any(|(r, k)| *r == rule && k.start < range.end && range.start < k.end);
            if !overlaps {
                kept.push((rule, range));
            }
        }
        kept.into_iter()
            .map(|(rule, range)| PhraseHit {
                rule: self.rules[rule],
                range,
            })
            .collect()
    }

    /// The disclosures the text needs and lacks.
    pub fn missing_disclosures(&self, text: &Normalized) -> Vec<MissingDisclosure<'r>> {
        let hits = self.all_hits(text);
        let first = |rule: usize, role: Role| {
            hits.iter()
                .filter(|(r, ro, _)| *r == rule && *ro == role)
                .map(|(_, _, range)| range.clone())
                .min_by_key(|range| range.start)
        };
        self.rules
            .iter()
            .enumerate()
            .filter_map(|(index, rule)| {
                let Check::Disclosure { when, .. } = &rule.check else {
                    return None;
                };
                let trigger = first(index, Role::When);
                let needed = when.is_empty() || trigger.is_some();
                (needed && first(index, Role::Requires).is_none())
                    .then_some(MissingDisclosure { rule, trigger })
            })
            .collect()
    }
}

/// Follows `sequence` from its first part, found at `start..end`: each further part
/// within [`GAP`] characters of the last, never across a sentence boundary, and English
/// words whole. The end of the match, if it is one.
fn follow(text: &str, start: usize, end: usize, sequence: &Sequence) -> Option<usize> {
    if !whole_word(text, start..end) {
        return None;
    }
    let mut at = end;
    for alternatives in &sequence.parts[1..] {
        let window = gap_window(text, at);
        // The earliest alternative that starts within the gap and is a whole word.
        let (found, len) = alternatives
            .iter()
            .filter_map(|part| {
                text[at..]
                    .match_indices(part.as_str())
                    .map(|(offset, _)| at + offset)
                    .take_while(|&s| s <= window)
                    .find(|&s| whole_word(text, s..s + part.len()))
                    .map(|s| (s, part.len()))
            })
            .min()?;
        at = found + len;
    }
    Some(at)
}

/// The sentence `range` lies in: from the boundary before it to the one after.
fn sentence_around(text: &str, range: &Range<usize>) -> Range<usize> {
    let start = text[..range.start].rfind(BOUNDARY).map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find(BOUNDARY)
        .map_or(text.len(), |i| range.end + i);
    start..end
}

/// The furthest byte offset a gap starting at `from` may reach: [`GAP`] units on, or the
/// next sentence boundary. A Japanese character is one unit and a word of a spaced
/// language three, so a gap spans about twelve Japanese characters or four English words.
fn gap_window(text: &str, from: usize) -> usize {
    let mut units = 0;
    let mut in_word = false;
    for (offset, c) in text[from..].char_indices() {
        if c == BOUNDARY {
            return from + offset;
        }
        let word = is_word_char(c);
        if word && !in_word {
            units += 3;
        } else if !word && c != ' ' {
            units += 1;
        }
        in_word = word;
        if units > GAP {
            return from + offset;
        }
    }
    text.len()
}

/// Whether a match at `range` is not part of a longer English word: a match that begins
/// or ends with a letter or digit of a spaced language must not touch another one.
fn whole_word(text: &str, range: Range<usize>) -> bool {
    let matched = &text[range.clone()];
    let starts_word = matched.chars().next().is_some_and(is_word_char);
    let ends_word = matched.chars().next_back().is_some_and(is_word_char);
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let glued_before = starts_word && before.is_some_and(is_word_char);
    let glued_after = ends_word && after.is_some_and(is_word_char);
    !(glued_before || glued_after)
}
