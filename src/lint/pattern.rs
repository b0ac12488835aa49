//! The pattern language of the wording rules, and what a pattern compiles to.
//!
//! A pattern is a phrase as it would be written, with three additions:
//! - `(a|b|c)`: any one of the alternatives (`副作用(がない|なし|ゼロ)`); `(a|b)?`: or
//!   none of them;
//! - `…` (or `...`): a gap of up to twelve Japanese characters or four English words,
//!   within one sentence
//!   (`副作用…ありません` finds 「副作用は一切ありません」);
//! - `~` after an English word: its inflections (`cure~` is cure, cures, cured, curing);
//! - `{n}`: a number, such as 3, 52, 1,200 or 4.5 (`up to {n}%`, `{n}日で`).
//!
//! Everything else is literal, and is normalised like the copy (see
//! [`super::normalize`]): case, width, kana and spacing never matter. English words
//! match whole words only: `cure` is not found in "manicure".

use super::normalize::{BOUNDARY, normalize};

/// The longest gap `…` stands for: twelve Japanese characters, or four English words
/// (see the matcher's `gap_window`).
pub const GAP: usize = 12;

/// More alternatives than this for one part of a pattern is a mistake, not a pattern.
const MAX_ALTERNATIVES: usize = 4096;

/// What a pattern compiles to: its words (the first element, which the search looks
/// for), then further elements, each right after the last or after a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    /// Alternative phrases of the first words.
    pub anchor: Vec<String>,
    /// Whether a number stands right before the first words (`{n}% of users`).
    pub number_before: bool,
    pub rest: Vec<Element>,
}

/// One element of a pattern after its first words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub unit: Unit,
    /// After a gap `…`; otherwise right after the previous element (a space allowed).
    pub after_gap: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Any one of these phrases.
    Words(Vec<String>),
    /// A number: digits, with `,` or `.` between groups.
    Number,
}

/// A piece of a pattern as written.
enum Piece {
    Literal(String),
    Choice(Vec<String>),
    Number,
    Gap,
}

/// Compiles a pattern, or says what is wrong with it.
pub fn compile(written: &str) -> Result<Sequence, String> {
    let pieces = pieces(written)?;
    if matches!(pieces.first(), Some(Piece::Gap)) || matches!(pieces.last(), Some(Piece::Gap)) {
        return Err("a gap `…` must stand between two words, not at an end".into());
    }
    let mut elements: Vec<Element> = Vec::new();
    // Literals and choices gathered for the next words element, and whether a gap
    // stands before that element.
    let mut words: Vec<&Piece> = Vec::new();
    let mut after_gap = false;
    for piece in &pieces {
        match piece {
            Piece::Literal(_) | Piece::Choice(_) => words.push(piece),
            Piece::Gap | Piece::Number => {
                if !words.is_empty() {
                    elements.push(Element {
                        unit: Unit::Words(phrases(&words)?),
                        after_gap,
                    });
                    words.clear();
                    after_gap = false;
                }
                if matches!(piece, Piece::Number) {
                    elements.push(Element {
                        unit: Unit::Number,
                        after_gap,
                    });
                    after_gap = false;
                } else if after_gap {
                    return Err("two gaps `…` in a row".into());
                } else {
                    after_gap = true;
                }
            }
        }
    }
    if !words.is_empty() {
        elements.push(Element {
            unit: Unit::Words(phrases(&words)?),
            after_gap,
        });
    }
    let number_before = matches!(
        elements.first(),
        Some(Element {
            unit: Unit::Number,
            ..
        })
    );
    if number_before {
        elements.remove(0);
        if matches!(
            elements.first(),
            Some(Element {
                after_gap: true,
                ..
            })
        ) {
            return Err("a number `{n}` at the start must be followed right away by words".into());
        }
    }
    let mut rest = elements.into_iter();
    let anchor = match rest.next() {
        Some(Element {
            unit: Unit::Words(anchor),
            ..
        }) => anchor,
        _ => return Err("the pattern has no words".into()),
    };
    Ok(Sequence {
        anchor,
        number_before,
        rest: rest.collect(),
    })
}

/// Every phrase a run of literals and choices stands for, normalised.
fn phrases(pieces: &[&Piece]) -> Result<Vec<String>, String> {
    let mut phrases = vec![String::new()];
    for piece in pieces {
        let options: Vec<&str> = match piece {
            Piece::Literal(text) => vec![text],
            Piece::Choice(alternatives) => alternatives.iter().map(String::as_str).collect(),
            Piece::Number | Piece::Gap => unreachable!("numbers and gaps end a run of words"),
        };
        phrases = phrases
            .iter()
            .flat_map(|done| options.iter().map(move |option| format!("{done}{option}")))
            .collect();
        if phrases.len() > MAX_ALTERNATIVES {
            return Err(format!(
                "one part of the pattern stands for more than {MAX_ALTERNATIVES} phrases; split it into several patterns"
            ));
        }
    }
    let mut alternatives: Vec<String> = Vec::new();
    for phrase in &phrases {
        let normal = normalize(phrase).as_str().trim().to_owned();
        if normal.contains(BOUNDARY) {
            return Err("a pattern cannot run across the end of a sentence".into());
        }
        if normal.is_empty() {
            return Err(format!(
                "`{phrase}` is empty once brackets and punctuation are dropped; the pattern has no words there"
            ));
        }
        if !alternatives.contains(&normal) {
            alternatives.push(normal);
        }
    }
    Ok(alternatives)
}

/// Splits a pattern into literals, choices and gaps.
fn pieces(written: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = written.chars().peekable();
    let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
        if !literal.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(literal)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                flush(&mut literal, &mut pieces);
                let mut group = String::new();
                loop {
                    match chars.next() {
                        Some(')') => break,
                        Some('(') => return Err("choices `( | )` cannot be nested".into()),
                        Some(c) => group.push(c),
                        None => return Err("a `(` is not closed by `)`".into()),
                    }
                }
                if group.contains('…') || group.contains("...") {
                    return Err("a gap `…` cannot stand inside a choice `( | )`".into());
                }
                let mut alternatives = Vec::new();
                for alternative in group.split('|') {
                    if alternative.is_empty() {
                        return Err(format!(
                            "`({group})` has an empty choice; mark an optional choice with `?`"
                        ));
                    }
                    alternatives.extend(inflected(alternative)?);
                }
                let inflect_all = chars.peek() == Some(&'~');
                if inflect_all {
                    chars.next();
                    alternatives = alternatives.iter().flat_map(|a| inflect(a)).collect();
                }
                if chars.peek() == Some(&'?') {
                    // `(に)?`: the choice may be left out.
                    chars.next();
                    alternatives.push(String::new());
                }
                pieces.push(Piece::Choice(alternatives));
            }
            ')' | '|' => return Err(format!("`{c}` outside a choice `(a|b)`")),
            '?' => {
                return Err(
                    "`?` makes a choice optional: write it after `( )`, as in `(に)?`".into(),
                );
            }
            '…' => {
                flush(&mut literal, &mut pieces);
                pieces.push(Piece::Gap);
            }
            '{' => {
                let token: String = chars.by_ref().take_while(|&c| c != '}').collect();
                if token != "n" {
                    return Err(format!(
                        "`{{{token}}}` is not a token; `{{n}}` stands for a number"
                    ));
                }
                flush(&mut literal, &mut pieces);
                pieces.push(Piece::Number);
            }
            '.' if chars.peek() == Some(&'.') => {
                let mut dots = 1;
                while chars.peek() == Some(&'.') {
                    chars.next();
                    dots += 1;
                }
                if dots != 3 {
                    return Err("write a gap as `…` or `...`".into());
                }
                flush(&mut literal, &mut pieces);
                pieces.push(Piece::Gap);
            }
            '~' => {
                // The last word of the literal so far takes its inflections.
                let word_start = literal
                    .rfind(|c: char| !c.is_ascii_alphabetic())
                    .map_or(0, |i| i + 1);
                let word = literal.split_off(word_start);
                if word.is_empty() {
                    return Err("`~` must follow an English word (`cure~`)".into());
                }
                flush(&mut literal, &mut pieces);
                pieces.push(Piece::Choice(inflect(&word)));
            }
            c => literal.push(c),
        }
    }
    flush(&mut literal, &mut pieces);
    Ok(pieces)
}

/// An alternative inside a choice, every `word~` in it taking its inflections
/// (`knock~ out` is knock out, knocks out, knocked out, knocking out).
fn inflected(alternative: &str) -> Result<Vec<String>, String> {
    let mut forms = vec![String::new()];
    let mut rest = alternative;
    while let Some(tilde) = rest.find('~') {
        let (before, after) = (&rest[..tilde], &rest[tilde + 1..]);
        let split = before
            .rfind(|c: char| !c.is_ascii_alphabetic())
            .map_or(0, |i| i + 1);
        let (head, word) = before.split_at(split);
        if word.is_empty() {
            return Err(format!(
                "`({alternative})`: `~` must follow an English word (`cure~`)"
            ));
        }
        let words = inflect(word);
        forms = forms
            .iter()
            .flat_map(|form| words.iter().map(move |w| format!("{form}{head}{w}")))
            .collect();
        rest = after;
    }
    Ok(forms.into_iter().map(|form| form + rest).collect())
}

/// An English word and its regular inflections: cure → cures, cured, curing.
fn inflect(word: &str) -> Vec<String> {
    let lower = word.to_ascii_lowercase();
    let mut forms = vec![word.to_owned()];
    let consonant_y = lower.ends_with('y')
        && lower.len() > 1
        && !lower[..lower.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        let stem = &word[..word.len() - 1];
        forms.extend([
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{word}ing"),
        ]);
    } else if lower.ends_with('e') {
        let stem = &word[..word.len() - 1];
        forms.extend([format!("{word}s"), format!("{word}d"), format!("{stem}ing")]);
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        forms.extend([
            format!("{word}es"),
            format!("{word}ed"),
            format!("{word}ing"),
        ]);
    } else {
        forms.extend([
            format!("{word}s"),
            format!("{word}ed"),
            format!("{word}ing"),
        ]);
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The phrases of each words element, a number as `{n}`, a gap as `…`.
    fn parts(pattern: &str) -> Vec<Vec<String>> {
        let sequence = compile(pattern).unwrap();
        let mut parts = Vec::new();
        if sequence.number_before {
            parts.push(vec!["{n}".to_owned()]);
        }
        parts.push(sequence.anchor);
        for element in sequence.rest {
            if element.after_gap {
                parts.push(vec!["…".to_owned()]);
            }
            parts.push(match element.unit {
                Unit::Words(words) => words,
                Unit::Number => vec!["{n}".to_owned()],
            });
        }
        parts
    }

    #[test]
    fn choices_gaps_and_inflections() {
        assert_eq!(
            parts("副作用(がない|なし|ゼロ)"),
            [vec!["副作用がない", "副作用なし", "副作用ぜろ"]]
        );
        assert_eq!(
            parts("副作用…ありません"),
            [vec!["副作用"], vec!["…"], vec!["ありません"]]
        );
        assert_eq!(
            parts("risk ... free"),
            [vec!["risk"], vec!["…"], vec!["free"]]
        );
        assert_eq!(
            parts("cure~ cancer"),
            [vec![
                "cure cancer",
                "cures cancer",
                "cured cancer",
                "curing cancer"
            ]]
        );
        assert_eq!(
            parts("(heal|remedy~)"),
            [vec!["heal", "remedy", "remedies", "remedied", "remedying"]]
        );
        assert_eq!(
            parts("(knock~ out|ward~ off)"),
            [vec![
                "knock out",
                "knocks out",
                "knocked out",
                "knocking out",
                "ward off",
                "wards off",
                "warded off",
                "warding off"
            ]]
        );
        assert_eq!(
            parts("(fix|reach)~"),
            [vec![
                "fix", "fixes", "fixed", "fixing", "reach", "reaches", "reached", "reaching"
            ]]
        );
        assert_eq!(parts("絶対(に)?安全"), [vec!["絶対に安全", "絶対安全"]]);
        assert_eq!(parts("Ｎｏ．１"), [vec!["no.1"]]);
        assert_eq!(parts("risk-free"), [vec!["risk free"]]);
        assert_eq!(parts("up to {n}%"), [vec!["up to"], vec!["{n}"], vec!["%"]]);
        assert_eq!(parts("{n}% of users"), [vec!["{n}"], vec!["% of users"]]);
        assert_eq!(
            parts("lose…{n} (kg|lbs)"),
            [vec!["lose"], vec!["…"], vec!["{n}"], vec!["kg", "lbs"]]
        );
    }

    #[test]
    fn mistakes_are_explained() {
        for (bad, says) in [
            ("(a|b", "not closed"),
            ("a|b", "outside a choice"),
            ("(a||b)", "empty choice"),
            ("(a|(b|c))", "nested"),
            ("…ない", "between two words"),
            ("「」", "no words"),
            ("~x", "must follow"),
            ("(a|~x)", "must follow"),
            ("a..b", "gap"),
            ("a?", "optional"),
            ("(a…b)", "inside a choice"),
            ("安全です。効果", "end of a sentence"),
            ("{x}", "not a token"),
            ("{n}", "no words"),
        ] {
            let error = compile(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
