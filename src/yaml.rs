//! A YAML document as a small tree that remembers where every node is, and a reader
//! over it that collects every problem with its line and column: the claims file, a
//! reviewer's policy file and a wording-rules file are all read this way, so a writer
//! sees every mistake at once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::text::did_you_mean;

/// A place in the file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `quoted` tells a quoted "null" from a real null.
    Scalar {
        text: String,
        quoted: bool,
    },
    Sequence(Vec<Node>),
    /// Keys in document order (duplicates kept, so they can be reported).
    Mapping(Vec<(Node, Node)>),
    /// An alias (`*name`): not allowed in claims files, reported by the caller.
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub at: Position,
}

impl Node {
    /// The text of a scalar node, `None` for anything else.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A scalar that YAML reads as null (`~`, `null`, or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn describe(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "nothing",
            Value::Scalar { .. } => "a single value",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
            Value::Alias => "an alias",
        }
    }
}

/// Why a file is not YAML at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Position,
    pub message: String,
}

/// Parses the first document of `text`; an empty file is a null node.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        at: position(*e.marker()),
        message: e.info().to_owned(),
    })?;
    Ok(builder.root.unwrap_or(Node {
        value: Value::Scalar {
            text: String::new(),
            quoted: false,
        },
        at: Position { line: 1, column: 1 },
    }))
}

fn position(mark: Marker) -> Position {
    Position {
        line: mark.line(),
        // yaml-rust2 counts columns from 0.
        column: mark.col() + 1,
    }
}

/// Collections being filled, innermost last.
#[derive(Default)]
struct Builder {
    open: Vec<(Node, Option<Node>)>,
    root: Option<Node>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self.open.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some((parent, pending_key)) => match &mut parent.value {
                Value::Sequence(items) => items.push(node),
                Value::Mapping(entries) => match pending_key.take() {
                    Some(key) => entries.push((key, node)),
                    None => *pending_key = Some(node),
                },
                _ => {}
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = position(mark);
        match event {
            Event::Scalar(text, style, _, _) => self.push(Node {
                value: Value::Scalar {
                    text,
                    quoted: style != TScalarStyle::Plain,
                },
                at,
            }),
            Event::Alias(_) => self.push(Node {
                value: Value::Alias,
                at,
            }),
            Event::SequenceStart(..) => self.open.push((
                Node {
                    value: Value::Sequence(Vec::new()),
                    at,
                },
                None,
            )),
            Event::MappingStart(..) => self.open.push((
                Node {
                    value: Value::Mapping(Vec::new()),
                    at,
                },
                None,
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _)) = self.open.pop() {
                    self.push(node);
                }
            }
            _ => {}
        }
    }
}

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Everything wrong with a YAML file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct InvalidYaml {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for InvalidYaml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                p.line,
                p.column,
                p.message
            )?;
        }
        Ok(())
    }
}

/// Reads a file as UTF-8 text; `what` names it in the message ("claims file").
pub fn read_text(path: &Path, what: &str) -> Result<String, InvalidYaml> {
    let invalid = |message: String| InvalidYaml {
        path: path.to_owned(),
        problems: vec![Problem {
            line: 1,
            column: 1,
            message,
        }],
    };
    let bytes = std::fs::read(path).map_err(|e| invalid(format!("cannot read the {what}: {e}")))?;
    String::from_utf8(bytes).map_err(|_| invalid(format!("the {what} is not UTF-8 text")))
}

/// Parses `text` as YAML and runs `check` over it with `reader`, collecting every
/// problem; the value only when there were none.
pub fn validated<R: AsMut<Reader>, T>(
    path: &Path,
    text: &str,
    mut reader: R,
    check: impl FnOnce(&mut R, &Node) -> T,
) -> Result<T, InvalidYaml> {
    let root = match parse(text) {
        Ok(root) => root,
        Err(e) => {
            reader
                .as_mut()
                .problem(e.at, format!("not valid YAML: {}", e.message));
            return Err(reader.as_mut().take_error(path));
        }
    };
    let value = check(&mut reader, &root);
    let reader = reader.as_mut();
    if reader.is_clean() {
        Ok(value)
    } else {
        Err(reader.take_error(path))
    }
}

/// Reads values out of a YAML tree, collecting a problem (with its position and how to
/// fix it) for everything that is not as expected.
#[derive(Debug, Default)]
pub struct Reader {
    problems: Vec<Problem>,
}

impl AsMut<Reader> for Reader {
    fn as_mut(&mut self) -> &mut Reader {
        self
    }
}

impl Reader {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn problem(&mut self, at: Position, message: String) {
        self.problems.push(Problem {
            line: at.line,
            column: at.column,
            message,
        });
    }

    /// The problems so far, in file order, as the error for `path`.
    pub fn take_error(&mut self, path: &Path) -> InvalidYaml {
        let mut problems = std::mem::take(&mut self.problems);
        problems.sort_by_key(|p| (p.line, p.column));
        InvalidYaml {
            path: path.to_owned(),
            problems,
        }
    }

    /// The entries of a mapping, reporting unknown and repeated keys.
    pub fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
    ) -> BTreeMap<&'n str, &'n Node> {
        let mut fields = BTreeMap::new();
        let Value::Mapping(entries) = &node.value else {
            self.problem(
                node.at,
                format!(
                    "{what} must be a mapping of keys ({}), found {}",
                    known.join(", "),
                    node.describe()
                ),
            );
            return fields;
        };
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                self.problem(key.at, format!("keys of {what} must be plain words"));
                continue;
            };
            if !known.contains(&name) {
                let mut hint = did_you_mean(name, known.iter().copied());
                if hint.is_empty() {
                    hint = format!("; known keys: {}", known.join(", "));
                }
                self.problem(key.at, format!("unknown key `{name}` in {what}{hint}"));
                continue;
            }
            if fields.insert(name, value).is_some() {
                self.problem(
                    key.at,
                    format!("`{name}` is given twice in {what}; keep one"),
                );
            }
        }
        fields
    }

    /// A non-empty string.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(text) if !node.is_null() && !text.trim().is_empty() => {
                Some(text.trim().to_owned())
            }
            Some(_) => {
                self.problem(node.at, format!("{what} is empty; write it out"));
                None
            }
            None => {
                self.problem(
                    node.at,
                    format!("{what} must be text, found {}", node.describe()),
                );
                None
            }
        }
    }

    /// A list of non-empty strings; a single string is read as a comma-separated list
    /// (`keywords: exosome, skin`), as people write it by hand.
    pub fn words(&mut self, node: &Node, what: &str) -> Vec<String> {
        match &node.value {
            _ if node.is_null() => Vec::new(),
            Value::Sequence(items) => items
                .iter()
                .filter_map(|item| self.text(item, what))
                .collect(),
            Value::Scalar { .. } => self
                .text(node, what)
                .map(|text| {
                    text.split(',')
                        .map(|w| w.trim().to_owned())
                        .filter(|w| !w.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            _ => {
                self.problem(
                    node.at,
                    format!("{what} must be a list of words, found {}", node.describe()),
                );
                Vec::new()
            }
        }
    }

    /// The items of a list; a single item stands for a list of one.
    pub fn items<'n>(&mut self, node: &'n Node, what: &str) -> Vec<&'n Node> {
        match &node.value {
            _ if node.is_null() => Vec::new(),
            Value::Sequence(items) => items.iter().collect(),
            Value::Mapping(_) | Value::Scalar { .. } => vec![node],
            Value::Alias => {
                self.problem(node.at, format!("{what} cannot be an alias; write it out"));
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_line_and_column() {
        let doc = parse("claims:\n  - id: a\n    text: \"x\"\n").unwrap();
        let Value::Mapping(top) = &doc.value else {
            panic!()
        };
        let (key, claims) = &top[0];
        assert_eq!(key.at, Position { line: 1, column: 1 });
        let Value::Sequence(items) = &claims.value else {
            panic!()
        };
        let Value::Mapping(fields) = &items[0].value else {
            panic!()
        };
        assert_eq!(fields[0].0.as_str(), Some("id"));
        assert_eq!(fields[0].0.at, Position { line: 2, column: 5 });
        assert_eq!(
            fields[1].1.at,
            Position {
                line: 3,
                column: 11
            }
        );
        assert_eq!(
            fields[1].1.value,
            Value::Scalar {
                text: "x".into(),
                quoted: true
            }
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let error = parse("claims:\n  - id: [a\n").unwrap_err();
        assert!(error.at.line >= 2, "{error:?}");
    }
}
