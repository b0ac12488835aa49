//! A YAML document as a small tree that remembers where every node is, and a reader
//! over it that collects every problem with its line and column: the claims file, a
//! reviewer's policy file and a wording-rules file are all read this way, so a writer
//! sees every mistake at once.

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use thiserror::Error;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

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

/// The most lists and mappings one value may sit inside. A claims file needs five
/// (claims, the list, a claim, its citations, a citation), a rules file a few more; the
/// bound stops a runaway file (thousands of `- ` or `[`) before it exhausts the stack.
pub const MAX_NESTING: usize = 64;

/// The longest single value (a citation, a claim's wording, a pattern), in bytes.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// The most values (keys, items, texts) one file may hold: a 10,000-claim file holds about
/// 150,000. The bound keeps a dense file (`[a,a,a,…]`, two bytes a value) from building a
/// tree some 25 times its size; with it no file takes more than about 200 MB to read.
pub const MAX_VALUES: usize = 1_000_000;

/// The largest file read, checked before parsing: a 10,000-claim file is about 1.5 MB.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a text could not be read as a tree: it is not YAML, or it passes a limit above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub at: Position,
    /// The whole message, with what to do about it.
    pub message: String,
}

/// A UTF-8 byte-order mark, which some Windows editors write at the start of a file.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// `text` without a leading byte-order mark: YAML would read it as part of the first key,
/// and an editor does not show it, so columns are counted without it.
pub fn without_byte_order_mark(text: &str) -> &str {
    text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text)
}

/// Parses `text`, which must be a single YAML document; an empty file is a null node.
///
/// Events are read one at a time and the nesting is counted as they come, so neither the
/// parser nor the tree ever goes deeper than [`MAX_NESTING`].
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let text = without_byte_order_mark(text);
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| syntax_error(text, &e))?;
        if event == Event::StreamEnd {
            break;
        }
        if event == Event::DocumentEnd {
            // What follows a `---` would otherwise be dropped without a word.
            let (next, mark) = parser.next_token().map_err(|e| syntax_error(text, &e))?;
            if next == Event::DocumentStart {
                return Err(ParseError {
                    at: position(mark),
                    message: "a second YAML document starts here; the file is read as one \
                              document, so remove this `---` line"
                        .into(),
                });
            }
            break;
        }
        builder.take(event, mark)?;
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Scalar {
            text: String::new(),
            quoted: false,
        },
        at: Position { line: 1, column: 1 },
    }))
}

fn too_deep(at: Position) -> ParseError {
    ParseError {
        at,
        message: format!(
            "nested deeper than {MAX_NESTING} levels (lists and mappings inside one another); \
             look for a runaway indentation or an unclosed `[` or `{{`"
        ),
    }
}

/// The parser's error, told in the writer's terms: a tab in the indentation is pointed
/// at (the parser often stops a line early, at the value before it).
fn syntax_error(text: &str, error: &ScanError) -> ParseError {
    let at = position(*error.marker());
    let info = error.info();
    // The scanner's own bound on `[`/`{` nesting, should it come before ours.
    if info == "recursion limit exceeded" {
        return too_deep(at);
    }
    let indenting = |tab| ParseError {
        at: tab,
        message: "a tab in the indentation; indent with spaces, not tabs".into(),
    };
    if info.contains("tab") {
        if let Some(tab) = [at.line, at.line + 1]
            .into_iter()
            .find_map(|line| indenting_tab(text, line))
        {
            return indenting(tab);
        }
        return ParseError {
            at,
            message: format!("not valid YAML: {info}; use spaces, not tabs"),
        };
    }
    // Some of the parser's complaints about a tab do not say "tab"; they stop just after it.
    if let Some(tab) = tab_before(text, at) {
        if indenting_tab(text, tab.line) == Some(tab) {
            return indenting(tab);
        }
        return ParseError {
            at: tab,
            message: "a tab after `:` or `-`; separate with a space, not a tab".into(),
        };
    }
    ParseError {
        at,
        message: format!("not valid YAML: {info}"),
    }
}

/// Where the first tab in `line`'s indentation is, if there is one.
fn indenting_tab(text: &str, line: usize) -> Option<Position> {
    let content = text.lines().nth(line.checked_sub(1)?)?;
    let column = content
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .position(|c| c == '\t')?;
    Some(Position {
        line,
        column: column + 1,
    })
}

/// The place of a tab just before `at`, on its line.
fn tab_before(text: &str, at: Position) -> Option<Position> {
    let content = text.lines().nth(at.line.checked_sub(1)?)?;
    let column = at.column.checked_sub(1)?;
    (content.chars().nth(column.checked_sub(1)?)? == '\t').then_some(Position {
        line: at.line,
        column,
    })
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
    values: usize,
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

    /// Adds one parser event to the tree, refusing nesting and values past the limits.
    fn take(&mut self, event: Event, mark: Marker) -> Result<(), ParseError> {
        let at = position(mark);
        if matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        ) {
            self.values += 1;
            if self.values > MAX_VALUES {
                return Err(ParseError {
                    at,
                    message: format!(
                        "the file holds more than {} values (keys, list items, texts); split it",
                        thousands(MAX_VALUES)
                    ),
                });
            }
        }
        let empty = match event {
            Event::Scalar(text, style, _, _) => {
                if text.len() > MAX_VALUE_BYTES {
                    return Err(ParseError {
                        at,
                        message: format!(
                            "this value is {}; a single value is at most {} KiB — shorten it",
                            size(text.len() as u64),
                            MAX_VALUE_BYTES / 1024
                        ),
                    });
                }
                self.push(Node {
                    value: Value::Scalar {
                        text,
                        quoted: style != TScalarStyle::Plain,
                    },
                    at,
                });
                return Ok(());
            }
            Event::Alias(_) => {
                self.push(Node {
                    value: Value::Alias,
                    at,
                });
                return Ok(());
            }
            Event::SequenceStart(..) => Value::Sequence(Vec::new()),
            Event::MappingStart(..) => Value::Mapping(Vec::new()),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _)) = self.open.pop() {
                    self.push(node);
                }
                return Ok(());
            }
            _ => return Ok(()),
        };
        if self.open.len() >= MAX_NESTING {
            return Err(too_deep(at));
        }
        self.open.push((Node { value: empty, at }, None));
        Ok(())
    }
}

/// "1 problem", "2 problems", "1,200 problems".
fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(count))
    }
}

/// `1234567` as "1,234,567".
fn thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut text = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// A size for people: bytes, KiB or MiB.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b < KIB => format!("{b} bytes"),
        b if b < KIB * KIB => format!("{:.1} KiB", b as f64 / KIB as f64),
        b => format!("{:.1} MiB", b as f64 / (KIB * KIB) as f64),
    }
}

/// One problem in a file; `line` and `column` are 0 for a problem with the whole file
/// (it cannot be read), whose message then names the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole, which has no place in it.
    pub fn whole_file(message: String) -> Problem {
        Problem {
            line: 0,
            column: 0,
            message,
        }
    }

    pub fn is_whole_file(&self) -> bool {
        self.line == 0
    }
}

/// Everything wrong with a YAML file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct InvalidYaml {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl InvalidYaml {
    /// The file could not be used at all (missing, unreadable, too large, not text): the
    /// one message that says why, when that is the trouble.
    pub fn unreadable(&self) -> Option<&str> {
        match self.problems.as_slice() {
            [only] if only.is_whole_file() => Some(&only.message),
            _ => None,
        }
    }

    /// "1 problem", "3 problems", or "over 100 problems" when the list was cut short.
    pub fn count(&self) -> String {
        let placed = self.problems.iter().filter(|p| !p.is_whole_file()).count();
        let cut_short = placed > 0 && self.problems.len() > placed;
        if cut_short {
            format!("over {placed} problems")
        } else {
            plural(self.problems.len(), "problem", "problems")
        }
    }
}

impl fmt::Display for InvalidYaml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if p.is_whole_file() {
                write!(f, "{}", p.message)?;
            } else {
                write!(
                    f,
                    "{}:{}:{}: {}",
                    self.path.display(),
                    p.line,
                    p.column,
                    p.message
                )?;
            }
        }
        Ok(())
    }
}

/// Reads a file as UTF-8 text; `what` names it in messages ("claims file"). A missing,
/// unreadable or oversized file is one whole-file problem that says so plainly; bytes
/// that are not UTF-8 are placed at their line and column.
pub fn read_text(path: &Path, what: &str) -> Result<String, InvalidYaml> {
    let whole_file = |message: String| InvalidYaml {
        path: path.to_owned(),
        problems: vec![Problem::whole_file(message)],
    };
    let name = path.display();
    let unreadable = |error: io::Error| whole_file(cannot_read(path, what, &error));
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(unreadable(io::ErrorKind::IsADirectory.into()));
    }
    let too_large = |bytes: String| {
        whole_file(format!(
            "the {what} {name} is {bytes}; a {what} is at most {} MiB — split it",
            MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(size(metadata.len())));
    }
    // Read no more than the limit even when the size said otherwise (a device, a pipe,
    // a file still growing).
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(format!("over {}", size(MAX_FILE_BYTES))));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The valid part is text, so its last line gives the column in characters.
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let last_line = match valid.rfind('\n') {
            Some(i) => &valid[i + 1..],
            None => without_byte_order_mark(valid),
        };
        InvalidYaml {
            path: path.to_owned(),
            problems: vec![Problem {
                line: valid.matches('\n').count() + 1,
                column: last_line.chars().count() + 1,
                message: format!("the {what} is not UTF-8 text here; save it as UTF-8"),
            }],
        }
    })
}

/// Why `path` (a `what`: "claims file", "page") could not be read, in plain words and
/// naming the file; the OS's own text only for the unusual cases, without its error number.
pub fn cannot_read(path: &Path, what: &str, error: &io::Error) -> String {
    let why = match error.kind() {
        io::ErrorKind::NotFound => {
            "there is no such file; check the name and the directory claimaudit is run from".into()
        }
        io::ErrorKind::PermissionDenied => "permission denied; check the file's permissions".into(),
        io::ErrorKind::IsADirectory => "it is a directory; give the path of a file".into(),
        _ => os_text(error),
    };
    format!("cannot read the {what} {}: {why}", path.display())
}

/// An OS error's text without the "(os error N)" the person cannot act on.
fn os_text(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
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
            reader.as_mut().problem(e.at, e.message);
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
    /// The earliest problems in file order, at most [`MAX_PROBLEMS_SHOWN`]: a max-heap on
    /// (line, column, arrival), so the latest is the one dropped when it overflows.
    earliest: BinaryHeap<Ranked>,
    /// Every problem met, shown or not.
    found: usize,
}

/// The most problems one error lists: a file with thousands of broken entries (a
/// generated or mangled file) would otherwise fill the terminal and the memory.
pub const MAX_PROBLEMS_SHOWN: usize = 100;

/// A problem ranked by its place in the file, then by when it was found.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Ranked {
    line: usize,
    column: usize,
    arrival: usize,
    message: String,
}

impl AsMut<Reader> for Reader {
    fn as_mut(&mut self) -> &mut Reader {
        self
    }
}

impl Reader {
    pub fn is_clean(&self) -> bool {
        self.found == 0
    }

    pub fn problem(&mut self, at: Position, message: String) {
        self.earliest.push(Ranked {
            line: at.line,
            column: at.column,
            arrival: self.found,
            message,
        });
        self.found += 1;
        if self.earliest.len() > MAX_PROBLEMS_SHOWN {
            self.earliest.pop();
        }
    }

    /// The problems so far, in file order, as the error for `path`; past
    /// [`MAX_PROBLEMS_SHOWN`], a last line says how many more there are.
    pub fn take_error(&mut self, path: &Path) -> InvalidYaml {
        let earliest = std::mem::take(&mut self.earliest).into_sorted_vec();
        let mut problems: Vec<Problem> = earliest
            .into_iter()
            .map(|ranked| Problem {
                line: ranked.line,
                column: ranked.column,
                message: ranked.message,
            })
            .collect();
        let not_shown = self.found - problems.len();
        if not_shown > 0 {
            problems.push(Problem::whole_file(format!(
                "… and {} not shown ({} in all); fix these and run again",
                plural(not_shown, "more problem", "more problems"),
                thousands(self.found)
            )));
        }
        self.found = 0;
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

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    /// 30,000 levels overflowed the stack (the parser's loader recursed per level).
    #[test]
    fn deep_nesting_is_refused_where_it_passes_the_limit() {
        let deep = |open: &str, depth: usize| open.repeat(depth) + "x\n";
        for (text, place) in [
            // Each `- ` opens a list two columns on.
            (deep("- ", 30_000), at(1, 2 * MAX_NESTING + 1)),
            (deep("[", 30_000), at(1, 0)),
            (deep("{", 30_000), at(1, 0)),
            // Each line's mapping one column further in.
            (
                (0..30_000)
                    .map(|i| format!("{}k:\n", " ".repeat(i)))
                    .collect(),
                // The parser marks a block mapping at its first `:`.
                at(MAX_NESTING + 1, MAX_NESTING + 2),
            ),
        ] {
            let error = parse(&text).unwrap_err();
            assert!(
                error.message.starts_with("nested deeper than 64 levels"),
                "{error:?}"
            );
            assert_eq!(error.at.line, place.line, "{error:?}");
            if place.column > 0 {
                assert_eq!(error.at.column, place.column, "{error:?}");
            }
        }
    }

    #[test]
    fn nesting_up_to_the_limit_is_read() {
        let at_limit = "- ".repeat(MAX_NESTING) + "x\n";
        let mut node = parse(&at_limit).unwrap();
        let mut depth = 0;
        while let Value::Sequence(mut items) = node.value {
            depth += 1;
            node = items.remove(0);
        }
        assert_eq!((depth, node.as_str()), (MAX_NESTING, Some("x")));
        let flow = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(parse(&flow).is_ok());
        assert!(parse(&format!("[{flow}]")).is_err());
    }

    #[test]
    fn a_value_over_the_length_limit_is_refused_at_its_place() {
        let long = "a".repeat(MAX_VALUE_BYTES + 1);
        let error = parse(&format!("claims:\n  - text: \"{long}\"\n")).unwrap_err();
        assert_eq!(error.at, at(2, 11));
        assert_eq!(
            error.message,
            "this value is 64.0 KiB; a single value is at most 64 KiB — shorten it"
        );
        let just_fits = "a".repeat(MAX_VALUE_BYTES);
        assert!(parse(&format!("text: {just_fits}\n")).is_ok());
    }

    #[test]
    fn a_file_of_more_values_than_the_limit_is_refused() {
        let dense = format!("[{}]", "a,".repeat(MAX_VALUES));
        let error = parse(&dense).unwrap_err();
        assert!(
            error
                .message
                .starts_with("the file holds more than 1,000,000 values"),
            "{error:?}"
        );
        // The list is value 1, so the last `a` read is value 1,000,001.
        assert_eq!(error.at, at(1, 2 * MAX_VALUES));
    }

    /// The parser stopped at the value before the tab ("while scanning a plain scalar,
    /// found a tab" one line early).
    #[test]
    fn a_tab_in_the_indentation_is_reported_at_the_tab() {
        for (text, tab) in [
            ("claims:\n  - id: a\n\ttext: x\n", at(3, 1)),
            ("claims:\n  - id: a\n  \t  text: x\n", at(3, 3)),
            ("claims:\n\t- id: a\n", at(2, 1)),
            ("product:\n\tname: x\n", at(2, 1)),
            ("a: |\n  one\n\ttwo\n", at(3, 1)),
        ] {
            let error = parse(text).unwrap_err();
            assert_eq!(
                (error.at, error.message.as_str()),
                (
                    tab,
                    "a tab in the indentation; indent with spaces, not tabs"
                ),
                "{text:?}"
            );
        }
        let after_colon = parse("claims:\n  - id:\ta\n").unwrap_err();
        assert_eq!(after_colon.at, at(2, 8));
        assert!(after_colon.message.contains("not a tab"), "{after_colon:?}");
        // A tab inside a line is no indentation.
        assert!(parse("a: x\t# note\nb: y\n").is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let with_mark = parse("\u{feff}claims:\n  - id: a\n").unwrap();
        assert_eq!(with_mark, parse("claims:\n  - id: a\n").unwrap());
        let Value::Mapping(top) = &with_mark.value else {
            panic!()
        };
        assert_eq!((top[0].0.as_str(), top[0].0.at), (Some("claims"), at(1, 1)));
    }

    #[test]
    fn a_second_document_is_refused_not_dropped() {
        let error = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(error.at, at(2, 1));
        assert!(error.message.contains("second YAML document"), "{error:?}");
        assert!(parse("---\na: 1\n...\n").is_ok());
    }

    fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn unreadable_files_say_why_without_a_place_or_os_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.yaml");
        let error = read_text(&missing, "claims file").unwrap_err();
        let expected = format!(
            "cannot read the claims file {}: there is no such file; check the name and the directory claimaudit is run from",
            missing.display()
        );
        assert_eq!(error.unreadable(), Some(expected.as_str()));
        assert_eq!(error.to_string(), expected);
        let error = read_text(dir.path(), "policy file").unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with(": it is a directory; give the path of a file"),
            "{error}"
        );
        assert!(!error.to_string().contains("os error"));
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_before_it_is_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let big = temp_file(
            dir.path(),
            "big.yaml",
            &vec![b'#'; MAX_FILE_BYTES as usize + 1],
        );
        let error = read_text(&big, "claims file").unwrap_err();
        assert_eq!(
            error.unreadable(),
            Some(
                format!(
                    "the claims file {} is 8.0 MiB; a claims file is at most 8 MiB — split it",
                    big.display()
                )
                .as_str()
            )
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_placed() {
        let dir = tempfile::tempdir().unwrap();
        let latin1 = temp_file(dir.path(), "l.yaml", b"\xef\xbb\xbfa: 1\nb: caf\xe9\n");
        let error = read_text(&latin1, "claims file").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}:2:7: the claims file is not UTF-8 text here; save it as UTF-8",
                latin1.display()
            )
        );
        let first_line = temp_file(dir.path(), "f.yaml", b"\xef\xbb\xbfab\xff\n");
        let error = read_text(&first_line, "claims file").unwrap_err();
        assert_eq!((error.problems[0].line, error.problems[0].column), (1, 3));
    }

    #[test]
    fn a_long_list_of_problems_is_cut_to_the_earliest() {
        let mut reader = Reader::default();
        for line in (1..=250).rev() {
            reader.problem(at(line, 1), format!("problem on line {line}"));
        }
        let error = reader.take_error(Path::new("c.yaml"));
        assert_eq!(error.problems.len(), MAX_PROBLEMS_SHOWN + 1);
        assert_eq!(error.problems[0].line, 1);
        assert_eq!(error.problems[MAX_PROBLEMS_SHOWN - 1].line, 100);
        assert_eq!(
            error.problems[MAX_PROBLEMS_SHOWN].message,
            "… and 150 more problems not shown (250 in all); fix these and run again"
        );
        assert_eq!(error.count(), "over 100 problems");
        assert!(reader.is_clean());
    }

    #[test]
    fn counts_are_singular_or_plural() {
        let mut reader = Reader::default();
        reader.problem(at(1, 1), "one".into());
        assert_eq!(reader.take_error(Path::new("c.yaml")).count(), "1 problem");
        reader.problem(at(1, 1), "one".into());
        reader.problem(at(2, 1), "two".into());
        assert_eq!(reader.take_error(Path::new("c.yaml")).count(), "2 problems");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
