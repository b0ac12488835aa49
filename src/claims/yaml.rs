//! A YAML document as a small tree that remembers where every node is, so a claims
//! file's problems can be reported by line and column.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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
