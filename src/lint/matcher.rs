//! Every pattern of every rule in force, searched in one pass.
//!
//! The first literal part of each pattern goes into one Aho-Corasick automaton over the
//! normalised copy; each place it is found is then followed up: the pattern's other
//! parts within the gap, whole words for English. Exceptions, disclosure triggers and
//! disclosure wording are found the same way, in the same pass.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::normalize::{BOUNDARY, Normalized, is_word_char};
use super::pattern::{GAP, Sequence, Unit};
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

/// One match of one sequence: the rule's index, the sequence's role, where.
type Hit = (usize, Role, Range<usize>);

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
    /// with their rule and role (a sequence by its place in `followers`).
    by_anchor: Vec<Vec<(usize, Role, usize)>>,
    /// For each sequence: how to find what comes before and after its first words.
    followers: Vec<Follower>,
}

/// What a pattern needs around its first words: a number right before them, and each
/// further element with whether a gap comes before it.
struct Follower {
    number_before: bool,
    rest: Vec<(Part, bool)>,
}

/// One part of a pattern after the first, ready to look for in a gap's window: a few
/// alternatives are looked for one by one, many through an automaton of their own (a
/// part such as "in (one|two|…|48) (day|days|week|…)" has over a thousand).
enum Part {
    Few(Vec<String>),
    Many {
        automaton: AhoCorasick,
        longest: usize,
    },
    Number,
}

impl Part {
    fn new(unit: &Unit) -> Part {
        let alternatives = match unit {
            Unit::Number => return Part::Number,
            Unit::Words(words) => words,
        };
        if alternatives.len() <= 8 {
            return Part::Few(alternatives.to_vec());
        }
        Part::Many {
            automaton: AhoCorasick::new(alternatives).expect("literal patterns always build"),
            longest: alternatives.iter().map(String::len).max().unwrap_or(0),
        }
    }

    /// The earliest whole-word occurrence starting at or after `at` and no later than
    /// `window`: its start and length.
    fn find(&self, text: &str, at: usize, window: usize) -> Option<(usize, usize)> {
        let reach = |len: usize| {
            let mut limit = (window + len).min(text.len());
            while !text.is_char_boundary(limit) {
                limit += 1;
            }
            limit
        };
        match self {
            Part::Few(alternatives) => alternatives
                .iter()
                .filter_map(|part| {
                    text[at..reach(part.len())]
                        .match_indices(part.as_str())
                        .map(|(offset, _)| at + offset)
                        .find(|&s| s <= window && whole_word(text, s..s + part.len()))
                        .map(|s| (s, part.len()))
                })
                .min(),
            Part::Many { automaton, longest } => automaton
                .find_overlapping_iter(&text[at..reach(*longest)])
                .map(|m| (at + m.start(), m.len()))
                .filter(|&(s, len)| s <= window && whole_word(text, s..s + len))
                .min(),
            Part::Number => text[at..window.min(text.len())]
                .char_indices()
                .map(|(i, _)| at + i)
                .filter(|&s| !ends_with_digit(&text[..s]))
                .find_map(|s| number_at(text, s).map(|len| (s, len))),
        }
    }

    /// The length of this part if it stands right at `at` (the longest alternative).
    fn at(&self, text: &str, at: usize) -> Option<usize> {
        let rest = &text[at..];
        match self {
            Part::Number => number_at(text, at),
            Part::Few(alternatives) => alternatives
                .iter()
                .filter(|a| rest.starts_with(a.as_str()) && whole_word(text, at..at + a.len()))
                .map(String::len)
                .max(),
            Part::Many { automaton, longest } => {
                // Overlapping matches come in order of where they end, so a short
                // alternative inside a longer one ("pen" in "appendage") comes first:
                // look only as far as the longest could reach and keep those at `at`.
                let mut reach = (*longest).min(rest.len());
                while !rest.is_char_boundary(reach) {
                    reach += 1;
                }
                automaton
                    .find_overlapping_iter(&rest[..reach])
                    .filter(|m| m.start() == 0 && whole_word(text, at..at + m.len()))
                    .map(|m| m.len())
                    .max()
            }
        }
    }
}

/// The length of the number starting at `at`: digits, with a single `,` or `.` between
/// groups of them.
fn number_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = at;
    while end < bytes.len() {
        let b = bytes[end];
        let separator = (b == b',' || b == b'.')
            && end > at
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if b.is_ascii_digit() || separator {
            end += 1;
        } else {
            break;
        }
    }
    (end > at).then_some(end - at)
}

fn ends_with_digit(text: &str) -> bool {
    text.as_bytes().last().is_some_and(u8::is_ascii_digit)
}

impl<'r> Matcher<'r> {
    pub fn new(rules: impl IntoIterator<Item = &'r Rule>) -> Self {
        let rules: Vec<&'r Rule> = rules.into_iter().collect();
        let mut anchors: Vec<&'r str> = Vec::new();
        let mut ids: HashMap<&'r str, usize> = HashMap::new();
        let mut by_anchor: Vec<Vec<(usize, Role, usize)>> = Vec::new();
        let mut followers: Vec<Follower> = Vec::new();
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
                Check::Model => Vec::new(),
            };
            for (role, sequences) in lists {
                for sequence in sequences {
                    let id_of_sequence = followers.len();
                    followers.push(Follower {
                        number_before: sequence.number_before,
                        rest: sequence
                            .rest
                            .iter()
                            .map(|e| (Part::new(&e.unit), e.after_gap))
                            .collect(),
                    });
                    for anchor in &sequence.anchor {
                        let id = *ids.entry(anchor.as_str()).or_insert_with(|| {
                            anchors.push(anchor.as_str());
                            by_anchor.push(Vec::new());
                            anchors.len() - 1
                        });
                        by_anchor[id].push((index, role, id_of_sequence));
                    }
                }
            }
        }
        // A DFA: more memory for the automaton, the fastest search over long pages.
        let automaton = (!anchors.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&anchors)
                .expect("literal patterns always build")
        });
        Matcher {
            followers,
            rules,
            automaton,
            by_anchor,
        }
    }

    /// Every match of every sequence: (rule index, role, range).
    fn all_hits(&self, text: &Normalized) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let haystack = text.as_str();
        let mut hits = Vec::new();
        for found in automaton.find_overlapping_iter(haystack) {
            for &(rule, role, sequence) in &self.by_anchor[found.pattern().as_usize()] {
                let follower = &self.followers[sequence];
                if let Some(range) = follow(haystack, found.start(), found.end(), follower) {
                    hits.push((rule, role, range));
                }
            }
        }
        hits
    }

    /// The wording the rules flag, and the disclosures the text lacks, from one pass.
    pub fn find(&self, text: &Normalized) -> (Vec<PhraseHit<'r>>, Vec<MissingDisclosure<'r>>) {
        let hits = self.all_hits(text);
        (self.phrases_of(text, &hits), self.missing_of(&hits))
    }

    /// The wording the rules flag, one hit per rule and phrase, in text order.
    pub fn phrase_hits(&self, text: &Normalized) -> Vec<PhraseHit<'r>> {
        self.phrases_of(text, &self.all_hits(text))
    }

    /// The disclosures the text needs and lacks.
    pub fn missing_disclosures(&self, text: &Normalized) -> Vec<MissingDisclosure<'r>> {
        self.missing_of(&self.all_hits(text))
    }

    fn phrases_of(&self, text: &Normalized, hits: &[Hit]) -> Vec<PhraseHit<'r>> {
        let haystack = text.as_str();
        let sentences = Sentences::of(haystack);
        let turns = Turns::of(haystack);
        // Per rule: its matches, its exceptions and its sentence exceptions, each sorted
        // by start, so every question below is a binary search, not a scan.
        let mut by_rule: HashMap<usize, [Vec<Range<usize>>; 3]> = HashMap::new();
        for (rule, role, range) in hits.iter().cloned() {
            let slot = match role {
                Role::Pattern => 0,
                Role::Except => 1,
                Role::ExceptSentence => 2,
                Role::When | Role::Requires => continue,
            };
            by_rule.entry(rule).or_default()[slot].push(range);
        }
        let mut found: Vec<(usize, Range<usize>)> = Vec::new();
        for (rule, [mut matches, mut excepts, mut sentence_excepts]) in by_rule {
            for list in [&mut matches, &mut excepts, &mut sentence_excepts] {
                list.sort_by_key(|r| (r.start, r.end));
            }
            let longest_except = excepts.iter().map(|r| r.len()).max().unwrap_or(0);
            let excepted = |range: &Range<usize>| {
                // An exception overlapping the match starts before the match ends and
                // no longer ago than the longest exception.
                let upto = excepts.partition_point(|e| e.start < range.end);
                let overlaps = excepts[..upto]
                    .iter()
                    .rev()
                    .take_while(|e| e.start + longest_except >= range.start)
                    .any(|e| e.end > range.start);
                let sentence = turns.narrow(sentences.around(range), range);
                let from = sentence_excepts.partition_point(|e| e.start < sentence.start);
                let in_sentence = sentence_excepts
                    .get(from)
                    .is_some_and(|e| e.end <= sentence.end);
                overlaps || in_sentence
            };
            // Earliest first, longest first among those starting together; overlapping
            // matches of one rule's patterns are one finding.
            matches.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
            let mut reported_to = 0;
            for range in matches {
                if range.start < reported_to || excepted(&range) {
                    continue;
                }
                reported_to = range.end;
                found.push((rule, range));
            }
        }
        found.sort_by_key(|(rule, range)| (range.start, std::cmp::Reverse(range.end), *rule));
        found
            .into_iter()
            .map(|(rule, range)| PhraseHit {
                rule: self.rules[rule],
                range,
            })
            .collect()
    }

    fn missing_of(&self, hits: &[Hit]) -> Vec<MissingDisclosure<'r>> {
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

/// Follows a pattern from its first words, found at `start..end`: a number right before
/// them if the pattern begins with one, then each further element right after the last
/// (a space allowed) or within the gap after it, never across a sentence boundary, and
/// English words whole. The whole match, if it is one.
fn follow(text: &str, start: usize, end: usize, follower: &Follower) -> Option<Range<usize>> {
    if !whole_word(text, start..end) {
        return None;
    }
    let mut start = start;
    if follower.number_before {
        let before = text[..start].strip_suffix(' ').unwrap_or(&text[..start]);
        if !ends_with_digit(before) {
            return None;
        }
        let digits = before.len()
            - before
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.')
                .len();
        start = before.len() - digits;
    }
    let mut at = end;
    for (part, after_gap) in &follower.rest {
        if *after_gap {
            let (found, len) = part.find(text, at, gap_window(text, at))?;
            at = found + len;
        } else {
            let here = if text[at..].starts_with(' ') {
                at + 1
            } else {
                at
            };
            at = here + part.at(text, here)?;
        }
    }
    Some(start..at)
}

/// Where the sentences of a text begin and end: the offsets of its boundaries.
struct Sentences(Vec<usize>);

impl Sentences {
    fn of(text: &str) -> Self {
        Sentences(text.match_indices(BOUNDARY).map(|(i, _)| i).collect())
    }

    /// The sentence `range` lies in: from the boundary before it to the one after.
    fn around(&self, range: &Range<usize>) -> Range<usize> {
        let next = self.0.partition_point(|&b| b < range.start);
        let start = next
            .checked_sub(1)
            .map_or(0, |i| self.0[i] + BOUNDARY.len_utf8());
        let end = self.0[next..]
            .iter()
            .copied()
            .find(|&b| b >= range.end)
            .unwrap_or(usize::MAX);
        start..end
    }
}

/// Where a sentence turns (「ありませんが、」, "but"): a hedge or disclosure after the turn
/// does not take back a claim before it (「副作用はありませんが、赤みが出る場合があります」
/// still promises no side effects), nor the other way round.
struct Turns(Vec<usize>);

/// Normalised words that turn a sentence; the clause before ends with them.
const TURNS: [&str; 10] = [
    "ませんが",
    "ますが",
    "ですが",
    "ないが",
    "けれど",
    "ものの",
    " but ",
    " however ",
    " although ",
    " though ",
];

impl Turns {
    fn of(text: &str) -> Self {
        let mut ends: Vec<usize> = TURNS
            .iter()
            .flat_map(|turn| text.match_indices(turn).map(|(i, t)| i + t.len()))
            .collect();
        ends.sort_unstable();
        Turns(ends)
    }

    /// The part of `sentence` between the turns around `range`.
    fn narrow(&self, sentence: Range<usize>, range: &Range<usize>) -> Range<usize> {
        let next = self.0.partition_point(|&t| t <= range.start);
        let start = next
            .checked_sub(1)
            .map_or(sentence.start, |i| self.0[i].max(sentence.start));
        let end = self.0[next..]
            .iter()
            .copied()
            .find(|&t| t >= range.end)
            .map_or(sentence.end, |t| t.min(sentence.end));
        start..end
    }
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
/// or ends with a letter or digit of a spaced language must not touch another one. A
/// word may follow a number directly, as a unit does ("5kg", "3cm").
pub(super) fn whole_word(text: &str, range: Range<usize>) -> bool {
    let matched = &text[range.clone()];
    let first = matched.chars().next();
    let starts_word = first.is_some_and(is_word_char);
    let ends_word = matched.chars().next_back().is_some_and(is_word_char);
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let unit_after_number =
        first.is_some_and(char::is_alphabetic) && before.is_some_and(|c| c.is_ascii_digit());
    let glued_before = starts_word && before.is_some_and(is_word_char) && !unit_after_number;
    let glued_after = ends_word && after.is_some_and(is_word_char);
    !(glued_before || glued_after)
}
