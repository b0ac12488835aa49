//! The PubMed query language, the subset claimaudit uses: terms with field tags,
//! quoted phrases, AND/OR/NOT and parentheses, evaluated over the index.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
    And,
    Or,
    Not,
}

#[derive(Debug)]
pub(super) enum Token {
    Open,
    Close,
    Op(Op),
    Term(Term),
}

/// One search term: the words before a `[tag]` (or with no tag at all).
#[derive(Debug)]
pub(super) struct Term {
    pub(super) text: String,
    /// Some of the text was in double quotes: `[ti]`/`[tiab]` then match it as a phrase.
    pub(super) quoted: bool,
    pub(super) tag: Option<String>,
}

#[derive(Debug)]
pub(super) enum Query {
    Term(Matcher),
    Binary(Op, Box<Query>, Box<Query>),
}

/// A term, normalized once for matching against every record.
#[derive(Debug)]
pub(super) enum Matcher {
    Author {
        name: String,
        first_only: bool,
        /// Quoted: the name must be exactly last name and initials.
        exact: bool,
    },
    Years(u16, u16),
    Journal(String),
    /// Padded patterns (see [`word_text`]) that must all occur.
    Words {
        patterns: Vec<String>,
        abstract_too: bool,
    },
    Doi(String),
    Pmcid(String),
    Pmid(String),
    Volume(String),
    FirstPage(String),
    /// Unsupported tag or untagged text.
    Nothing,
}

/// Parses a PubMed query; None when it is malformed (unbalanced parentheses or quotes,
/// a dangling operator, a tag without a term).
pub(super) fn parse_query(text: &str) -> Option<Query> {
    let tokens = tokenize(text)?;
    let mut pos = 0;
    let query = parse_sequence(&tokens, &mut pos)?;
    (pos == tokens.len()).then_some(query)
}

pub(super) fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    // The term being read: its words, and whether any were quoted. A term ends at a
    // tag, an operator, a parenthesis or the end of the query.
    let mut words: Vec<String> = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                push_term(&mut tokens, &mut words, &mut quoted, None);
                tokens.push(if c == '(' { Token::Open } else { Token::Close });
            }
            '"' => {
                chars.next();
                words.push(read_until(&mut chars, '"')?);
                quoted = true;
            }
            '[' => {
                chars.next();
                let tag = read_until(&mut chars, ']')?;
                if words.is_empty() {
                    return None;
                }
                push_term(&mut tokens, &mut words, &mut quoted, Some(tag));
            }
            ']' => return None,
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()[]\"".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                // PubMed's Boolean operators are uppercase words.
                let op = match word.as_str() {
                    "AND" => Op::And,
                    "OR" => Op::Or,
                    "NOT" => Op::Not,
                    _ => {
                        words.push(word);
                        continue;
                    }
                };
                push_term(&mut tokens, &mut words, &mut quoted, None);
                tokens.push(Token::Op(op));
            }
        }
    }
    push_term(&mut tokens, &mut words, &mut quoted, None);
    Some(tokens)
}

/// Ends the term being read, if any.
pub(super) fn push_term(
    tokens: &mut Vec<Token>,
    words: &mut Vec<String>,
    quoted: &mut bool,
    tag: Option<String>,
) {
    if !words.is_empty() {
        tokens.push(Token::Term(Term {
            text: words.join(" "),
            quoted: *quoted,
            tag,
        }));
        words.clear();
    }
    *quoted = false;
}

/// The text up to `end`, consuming `end`; None when `end` never comes.
pub(super) fn read_until(chars: &mut impl Iterator<Item = char>, end: char) -> Option<String> {
    let mut text = String::new();
    for c in chars.by_ref() {
        if c == end {
            return Some(text);
        }
        text.push(c);
    }
    None
}

/// `operand (op? operand)*`, combined strictly left to right as PubMed does (no
/// precedence: `a OR b AND c` is `(a OR b) AND c`); a missing operator means AND.
pub(super) fn parse_sequence(tokens: &[Token], pos: &mut usize) -> Option<Query> {
    let mut left = parse_operand(tokens, pos)?;
    loop {
        let op = match tokens.get(*pos) {
            None | Some(Token::Close) => return Some(left),
            Some(Token::Op(op)) => {
                *pos += 1;
                *op
            }
            Some(Token::Open | Token::Term(_)) => Op::And,
        };
        let right = parse_operand(tokens, pos)?;
        left = Query::Binary(op, Box::new(left), Box::new(right));
    }
}

pub(super) fn parse_operand(tokens: &[Token], pos: &mut usize) -> Option<Query> {
    match tokens.get(*pos)? {
        Token::Term(term) => {
            *pos += 1;
            Some(Query::Term(Matcher::new(term)))
        }
        Token::Open => {
            *pos += 1;
            let inner = parse_sequence(tokens, pos)?;
            match tokens.get(*pos) {
                Some(Token::Close) => {
                    *pos += 1;
                    Some(inner)
                }
                _ => None,
            }
        }
        Token::Close | Token::Op(_) => None,
    }
}

impl Matcher {
    fn new(term: &Term) -> Matcher {
        let Some(tag) = &term.tag else {
            return Matcher::Nothing;
        };
        let text = term.text.trim();
        match tag.trim().to_ascii_lowercase().as_str() {
            // NCBI: a quoted author is that exact name, without PubMed's expansion of
            // initials ("li y"[au] does not find Li YA).
            "au" | "author" => Matcher::Author {
                name: plain(text),
                first_only: false,
                exact: term.quoted,
            },
            "1au" | "author - first" => Matcher::Author {
                name: plain(text),
                first_only: true,
                exact: term.quoted,
            },
            "dp" | "pdat" | "publication date" => {
                let year = |s: &str| s.trim().get(..4).and_then(|y| y.parse::<u16>().ok());
                let (from, to) = text.split_once(':').unwrap_or((text, text));
                match (year(from), year(to)) {
                    (Some(from), Some(to)) => Matcher::Years(from, to),
                    _ => Matcher::Nothing,
                }
            }
            "ta" | "journal" => Matcher::Journal(journal_key(text)),
            tag @ ("ti" | "title" | "tiab" | "title/abstract") => {
                let patterns: Vec<String> = if term.quoted {
                    vec![word_text(text)]
                } else {
                    text.split_whitespace().map(word_text).collect()
                };
                if patterns.iter().any(|p| p.trim().is_empty()) || patterns.is_empty() {
                    return Matcher::Nothing;
                }
                Matcher::Words {
                    patterns,
                    abstract_too: tag.starts_with("tiab") || tag == "title/abstract",
                }
            }
            "aid" | "lid" => Matcher::Doi(text.to_string()),
            "pmcid" => Matcher::Pmcid(text.to_string()),
            "pmid" | "uid" => Matcher::Pmid(text.to_string()),
            "vi" | "volume" => Matcher::Volume(text.to_string()),
            "pg" | "page" => Matcher::FirstPage(text.to_string()),
            _ => Matcher::Nothing,
        }
    }

    fn matches(&self, entry: &Entry) -> bool {
        let record = &entry.record;
        match self {
            Matcher::Author {
                name,
                first_only,
                exact,
            } => {
                let candidates = if *first_only {
                    &entry.authors[..entry.authors.len().min(1)]
                } else {
                    &entry.authors[..]
                };
                candidates.iter().any(|author| {
                    if *exact {
                        author_is_exactly(name, author)
                    } else {
                        author_matches(name, author)
                    }
                })
            }
            Matcher::Years(from, to) => record.year.is_some_and(|y| (*from..=*to).contains(&y)),
            Matcher::Journal(key) => entry.journals.contains(key),
            Matcher::Words {
                patterns,
                abstract_too,
            } => {
                let haystack = if *abstract_too {
                    &entry.title_abstract
                } else {
                    &entry.title
                };
                patterns.iter().all(|p| haystack.contains(p.as_str()))
            }
            Matcher::Doi(doi) => record
                .doi
                .as_ref()
                .is_some_and(|d| d.as_str().eq_ignore_ascii_case(doi)),
            Matcher::Pmcid(id) => {
                let bare = |s: &str| {
                    s.trim()
                        .to_ascii_lowercase()
                        .trim_start_matches("pmc")
                        .to_string()
                };
                record
                    .pmcid
                    .is_some_and(|p| bare(&p.to_string()) == bare(id))
            }
            Matcher::Pmid(id) => record.pmid.to_string() == *id,
            Matcher::Volume(volume) => record
                .volume
                .as_deref()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(volume)),
            Matcher::FirstPage(page) => entry
                .first_page
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(page)),
            Matcher::Nothing => false,
        }
    }
}

/// `brighton` matches any Brighton; `brighton t` and `brighton ta` match Brighton TA
/// (the query's initials are a prefix of the author's).
pub(super) fn author_matches(query: &str, author: &AuthorKey) -> bool {
    if query == author.last {
        return true;
    }
    query
        .strip_prefix(author.last.as_str())
        .and_then(|rest| rest.strip_prefix(' '))
        .is_some_and(|initials| {
            !initials.is_empty() && !initials.contains(' ') && author.initials.starts_with(initials)
        })
}

/// A quoted author: last name and initials exactly as written.
pub(super) fn author_is_exactly(query: &str, author: &AuthorKey) -> bool {
    if author.initials.is_empty() {
        query == author.last
    } else {
        query == format!("{} {}", author.last, author.initials)
    }
}

/// One flag per index entry: does it satisfy the query?
pub(super) fn evaluate(query: &Query, index: &Index) -> Vec<bool> {
    match query {
        Query::Term(matcher) => index.entries.iter().map(|e| matcher.matches(e)).collect(),
        Query::Binary(op, left, right) => {
            let (left, right) = (evaluate(left, index), evaluate(right, index));
            left.into_iter()
                .zip(right)
                .map(|(l, r)| match op {
                    Op::And => l && r,
                    Op::Or => l || r,
                    Op::Not => l && !r,
                })
                .collect()
        }
    }
}
