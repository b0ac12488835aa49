//! Validation of a claims file's YAML tree: every problem is collected with its line and
//! column and a way to fix it, so the writer sees them all at once.

use std::collections::BTreeMap;
use std::path::Path;

use super::{CitedSource, Claim, ClaimKind, ClaimsFile, Product, Review, Waiver};
use crate::citation::CitedAs;
use crate::ids::{Doi, Pmcid, Pmid};
use crate::lint::{Jurisdiction, ProductClass};
use crate::policy::waiver_problems;
use crate::policy::{Code, CodeBook, Level, OverrideSource, Policy};
use crate::text::did_you_mean;
use crate::yaml::{Node, Position, Reader, Value};

const TOP_KEYS: [&str; 4] = ["product", "policy", "claims", "waivers"];
const WAIVER_KEYS: [&str; 6] = [
    "claim",
    "code",
    "reason",
    "approved_by",
    "approved_on",
    "expires",
];
const PRODUCT_KEYS: [&str; 4] = ["name", "terms", "class", "jurisdictions"];
const CLAIM_KEYS: [&str; 8] = [
    "id",
    "text",
    "kind",
    "keywords",
    "citations",
    "note",
    "review",
    "source_line",
];
const CITATION_KEYS: [&str; 4] = ["pmid", "doi", "pmcid", "text"];

/// Where `key` is written in mapping `node`.
fn key_position(node: &Node, key: &str) -> Option<Position> {
    let Value::Mapping(entries) = &node.value else {
        return None;
    };
    entries
        .iter()
        .find(|(name, _)| name.as_str() == Some(key))
        .map(|(name, _)| name.at)
}

/// The claims file's own reading, over the generic YAML [`Reader`]: it knows the finding
/// codes (the wording rules among them) and the source, to tell where a claim's text
/// can be pointed into.
pub(super) struct Checker<'s> {
    reader: Reader,
    codes: CodeBook,
    source: &'s str,
    /// The byte offset where each line of `source` starts.
    line_starts: Vec<usize>,
    /// The last place looked up, as (line, column, byte offset): claims come in file
    /// order, so the next lookup walks on from here, not from its line's start (a file
    /// written as one long flow line would otherwise cost a walk per claim).
    last_lookup: (usize, usize, usize),
}

impl std::ops::Deref for Checker<'_> {
    type Target = Reader;
    fn deref(&self) -> &Reader {
        &self.reader
    }
}

impl std::ops::DerefMut for Checker<'_> {
    fn deref_mut(&mut self) -> &mut Reader {
        &mut self.reader
    }
}

impl AsMut<Reader> for Checker<'_> {
    fn as_mut(&mut self) -> &mut Reader {
        &mut self.reader
    }
}

impl<'s> Checker<'s> {
    pub(super) fn new(codes: CodeBook, source: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Checker {
            reader: Reader::default(),
            codes,
            source,
            line_starts,
            last_lookup: (1, 1, 0),
        }
    }

    /// A finding code by name, or a problem with a "did you mean".
    fn code(&mut self, node: &Node, name: &str, place: &str) -> Option<Code> {
        let code = self.codes.parse(name);
        if code.is_none() {
            let hint = self.codes.hint(name);
            self.problem(
                node.at,
                format!("unknown finding code `{name}` in {place}{hint}"),
            );
        }
        code
    }

    /// The byte offset of `at` in the source, if the source has that place.
    fn offset(&mut self, at: Position) -> Option<usize> {
        let (last_line, last_column, last_offset) = self.last_lookup;
        let (mut column, mut offset) = if at.line == last_line && at.column >= last_column {
            (last_column, last_offset)
        } else {
            (1, *self.line_starts.get(at.line.checked_sub(1)?)?)
        };
        let line_end = self
            .line_starts
            .get(at.line)
            .map_or(self.source.len(), |next| next - 1);
        for c in self.source[offset..line_end].chars() {
            if column == at.column {
                break;
            }
            column += 1;
            offset += c.len_utf8();
        }
        (column == at.column).then(|| {
            self.last_lookup = (at.line, column, offset);
            offset
        })
    }

    /// The column of a scalar's first character when the source has it verbatim on its
    /// line (plain, or quoted without escapes).
    fn inline_column(&mut self, node: &Node, value: &str) -> Option<usize> {
        if value.contains('\n') {
            return None;
        }
        let rest = &self.source[self.offset(node.at)?..];
        let (quoted, after) = match rest.chars().next()? {
            quote @ ('"' | '\'') => (true, &rest[quote.len_utf8()..]),
            _ => (false, rest),
        };
        after
            .starts_with(value)
            .then_some(node.at.column + usize::from(quoted))
    }

    pub(super) fn file(&mut self, path: &Path, root: &Node) -> ClaimsFile {
        let mut file = ClaimsFile {
            path: path.to_owned(),
            codes: self.codes,
            product: Product::default(),
            policy: Policy::default(),
            claims: Vec::new(),
            waivers: Vec::new(),
        };
        if root.is_null() {
            self.problem(
                root.at,
                "the claims file is empty; it needs a `claims:` list".into(),
            );
            return file;
        }
        let top = self.mapping(root, "the claims file", &TOP_KEYS);
        if let Some(product) = top.get("product") {
            let fields = self.mapping(product, "`product`", &PRODUCT_KEYS);
            if let Some(name) = fields.get("name") {
                file.product.name = self.text(name, "product.name").unwrap_or_default();
            }
            if let Some(terms) = fields.get("terms") {
                file.product.terms = self.words(terms, "a product term");
            }
            if let Some(node) = fields.get("class") {
                file.product.class = self.text(node, "product.class").and_then(|name| {
                    let class = name.parse::<ProductClass>().ok();
                    if class.is_none() {
                        let known: Vec<&str> = ProductClass::names().collect();
                        self.problem(
                            node.at,
                            format!(
                                "unknown product class `{name}`{}; use one of {}",
                                did_you_mean(&name, known.iter().copied()),
                                known.join(", ")
                            ),
                        );
                    }
                    class
                });
            }
            if let Some(places) = fields.get("jurisdictions") {
                for name in self.words(places, "a jurisdiction") {
                    match name.parse::<Jurisdiction>() {
                        Ok(place) => file.product.jurisdictions.push(place),
                        Err(_) => self.problem(
                            places.at,
                            format!("unknown jurisdiction `{name}`; use jp, us, eu or uk"),
                        ),
                    }
                }
            }
            // Wording rules' levels are those for this class.
            self.codes.class = file.product.class;
            file.codes = self.codes;
        }
        if let Some(policy) = top.get("policy") {
            for (code, level, line) in self.levels(policy) {
                file.policy
                    .set(code, level, OverrideSource::ClaimsFile, Some(line));
            }
        }
        if let Some(waivers) = top.get("waivers") {
            match &waivers.value {
                Value::Sequence(items) => {
                    file.waivers = items.iter().filter_map(|w| self.waiver(w)).collect();
                }
                _ if waivers.is_null() => {}
                _ => self.problem(
                    waivers.at,
                    format!("`waivers` must be a list, found {}", waivers.describe()),
                ),
            }
        }
        match top.get("claims") {
            None if matches!(root.value, Value::Mapping(_)) => {
                self.problem(
                    root.at,
                    "there is no `claims:` list; add one with at least one claim".into(),
                );
            }
            None => {}
            Some(claims) => match &claims.value {
                Value::Sequence(items) if items.is_empty() => self.problem(
                    claims.at,
                    "the `claims:` list is empty; add at least one claim".into(),
                ),
                Value::Sequence(items) => {
                    let mut seen: BTreeMap<String, Position> = BTreeMap::new();
                    for item in items {
                        if let Some(claim) = self.claim(item, &mut seen) {
                            file.claims.push(claim);
                        }
                    }
                }
                // `claims:` with nothing after it: the key is where the writer looks.
                _ if claims.is_null() => self.problem(
                    key_position(root, "claims").unwrap_or(claims.at),
                    "the `claims:` list is empty; add at least one claim".into(),
                ),
                _ => self.problem(
                    claims.at,
                    format!(
                        "`claims` must be a list of claims, found {}",
                        claims.describe()
                    ),
                ),
            },
        }
        file
    }

    /// A reviewer's policy file: `policy:` and nothing else.
    pub(super) fn policy_file(&mut self, root: &Node) -> Vec<(Code, Level, usize)> {
        if root.is_null() {
            self.problem(
                root.at,
                "the policy file is empty; it needs a `policy:` mapping of finding codes to levels"
                    .into(),
            );
            return Vec::new();
        }
        let top = self.mapping(root, "the policy file", &["policy"]);
        match top.get("policy") {
            Some(policy) => self.levels(policy),
            None => {
                if matches!(root.value, Value::Mapping(_)) {
                    self.problem(
                        root.at,
                        "there is no `policy:` mapping; add one, e.g. `policy: {retracted-source: warn}`".into(),
                    );
                }
                Vec::new()
            }
        }
    }

    /// A `policy:` mapping of finding codes to levels, each with its line.
    pub(super) fn levels(&mut self, node: &Node) -> Vec<(Code, Level, usize)> {
        let mut levels = Vec::new();
        let Value::Mapping(entries) = &node.value else {
            if !node.is_null() {
                self.problem(
                    node.at,
                    format!(
                        "`policy` must map finding codes to allow, warn or deny, found {}",
                        node.describe()
                    ),
                );
            }
            return levels;
        };
        for (key, value) in entries {
            let name = key.as_str().unwrap_or_default();
            let Some(code) = self.code(key, name, "`policy`") else {
                continue;
            };
            match value.as_str().and_then(Level::parse) {
                Some(level) => levels.push((code, level, key.at.line)),
                None => self.problem(
                    value.at,
                    format!(
                        "the level of `{code}` must be allow, warn or deny, found `{}`",
                        value.as_str().unwrap_or("?")
                    ),
                ),
            }
        }
        levels
    }

    fn waiver(&mut self, node: &Node) -> Option<Waiver> {
        let fields = self.mapping(node, "a waiver", &WAIVER_KEYS);
        if !matches!(node.value, Value::Mapping(_)) {
            return None;
        }
        let missing: Vec<&str> = WAIVER_KEYS
            .iter()
            .copied()
            .filter(|key| !fields.contains_key(key))
            .collect();
        if !missing.is_empty() {
            self.problem(
                node.at,
                format!(
                    "this waiver lacks {}; a waiver needs claim, code, reason, approved_by, approved_on and expires",
                    missing.join(", ")
                ),
            );
        }
        let mut required =
            |key: &str, what: &str| fields.get(key).and_then(|value| self.text(value, what));
        let claim = required("claim", "the waived claim id");
        let code_text = required("code", "the waived finding code");
        let reason = required("reason", "the waiver's reason");
        let approved_by = required("approved_by", "who approved the waiver");
        let approved_on = required("approved_on", "the waiver's approval date");
        let expires = required("expires", "the waiver's expiry date");
        let code = code_text.and_then(|text| self.code(fields["code"], &text, "a waiver"));
        let (Some(reason), Some(approved_by), Some(approved_on), Some(expires)) =
            (reason, approved_by, approved_on, expires)
        else {
            return None;
        };
        let problems = waiver_problems(&reason, &approved_by, &approved_on, &expires);
        for (key, message) in &problems {
            self.problem(fields[key].at, message.clone());
        }
        if !problems.is_empty() {
            return None;
        }
        Some(Waiver {
            claim: claim?,
            code: code?,
            reason,
            approved_by,
            approved_on,
            expires,
            line: node.at.line,
            column: node.at.column,
        })
    }

    /// One claim; `seen` holds the ids met so far, so a repeat is reported even when the
    /// claim has other problems.
    fn claim(&mut self, node: &Node, seen: &mut BTreeMap<String, Position>) -> Option<Claim> {
        let fields = self.mapping(node, "a claim", &CLAIM_KEYS);
        if !matches!(node.value, Value::Mapping(_)) {
            return None;
        }
        let id = match fields.get("id") {
            Some(id) => self.text(id, "the claim id").and_then(|text| {
                let valid = text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !text.starts_with('-');
                if !valid {
                    self.problem(id.at, format!("claim id `{text}` must be kebab-case (a-z, 0-9 and -), e.g. `skin-firmness`"));
                    return None;
                }
                if let Some(first) = seen.get(&text) {
                    self.problem(
                        node.at,
                        format!(
                            "claim id `{text}` is already used at line {}; ids must be unique because reports and waivers refer to them",
                            first.line
                        ),
                    );
                } else {
                    seen.insert(text.clone(), node.at);
                }
                Some(text)
            }),
            None => {
                self.problem(node.at, "this claim has no `id`; give it a short unique kebab-case name".into());
                None
            }
        };
        let text_at = fields.get("text").map_or(node.at, |text| text.at);
        let text = match fields.get("text") {
            Some(text) => self.text(text, "the claim text"),
            None => {
                self.problem(
                    node.at,
                    "this claim has no `text`; copy the wording as published".into(),
                );
                None
            }
        };
        let text_inline_column = fields
            .get("text")
            .zip(text.as_ref())
            .and_then(|(node, value)| self.inline_column(node, value));
        let kind = match fields.get("kind") {
            Some(kind) => match kind.as_str().and_then(|k| k.parse::<ClaimKind>().ok()) {
                Some(kind) => Some(kind),
                None => {
                    let written = kind.as_str().unwrap_or("?");
                    let hint = did_you_mean(written, ClaimKind::names());
                    self.problem(
                        kind.at,
                        format!(
                            "unknown claim kind `{written}`; use one of {}{hint}",
                            ClaimKind::names().collect::<Vec<_>>().join(", ")
                        ),
                    );
                    None
                }
            },
            None => {
                self.problem(
                    node.at,
                    format!(
                        "this claim has no `kind`; use one of {}",
                        ClaimKind::names().collect::<Vec<_>>().join(", ")
                    ),
                );
                None
            }
        };
        let keywords = fields
            .get("keywords")
            .map(|k| self.words(k, "a keyword"))
            .unwrap_or_default();
        let note = fields.get("note").and_then(|n| self.text(n, "the note"));
        let review = fields
            .get("review")
            .and_then(|node| self.review(node))
            .unwrap_or_default();
        let source_line = fields
            .get("source_line")
            .and_then(|node| self.source_line(node));
        let citations = match fields.get("citations") {
            None => Vec::new(),
            Some(list) => match &list.value {
                _ if list.is_null() => Vec::new(),
                Value::Sequence(items) => items
                    .iter()
                    .filter_map(|item| self.citation(item))
                    .collect(),
                _ => {
                    self.problem(
                        list.at,
                        format!("`citations` must be a list, found {}", list.describe()),
                    );
                    Vec::new()
                }
            },
        };
        // A claim is located at its `id:` key, where a reader (and a code host's
        // annotation) expects it; YAML marks the mapping itself a little later.
        let at = key_position(node, "id").unwrap_or(node.at);
        Some(Claim {
            id: id?,
            text: text?,
            text_line: text_at.line,
            text_column: text_at.column,
            text_inline_column,
            kind: kind?,
            keywords,
            citations,
            note,
            review,
            source_line,
            line: at.line,
            column: at.column,
        })
    }

    /// `review: pending | done`; anything else is a problem at the value.
    fn review(&mut self, node: &Node) -> Option<Review> {
        let written = node.as_str().filter(|_| !node.is_null());
        if let Some(state) = written.and_then(|w| w.trim().parse::<Review>().ok()) {
            return Some(state);
        }
        let (found, hint) = match written {
            Some(w) => (
                format!("unknown review state `{w}`"),
                did_you_mean(w.trim(), Review::names()),
            ),
            None => (
                format!("`review` must be a review state, found {}", node.describe()),
                String::new(),
            ),
        };
        self.problem(
            node.at,
            format!("{found}; use pending (drafted, not yet read by a person) or done{hint}"),
        );
        None
    }

    /// `source_line: N`, the page line a drafted claim came from: a whole number from 1.
    fn source_line(&mut self, node: &Node) -> Option<usize> {
        let written = node.as_str().filter(|_| !node.is_null());
        match written.map(|w| w.trim().parse::<usize>()) {
            Some(Ok(line)) if line > 0 => Some(line),
            _ => {
                let shown =
                    written.map_or_else(|| node.describe().to_owned(), |w| format!("`{w}`"));
                self.problem(
                    node.at,
                    format!(
                        "`source_line` must be the line of the page the claim was drafted from, a whole number from 1, found {shown}; correct it or remove the line"
                    ),
                );
                None
            }
        }
    }

    fn citation(&mut self, node: &Node) -> Option<CitedSource> {
        let source = |cited: CitedAs| CitedSource {
            cited,
            line: node.at.line,
            column: node.at.column,
        };
        if let Value::Scalar { .. } = node.value {
            return self
                .text(node, "a citation")
                .map(|t| source(CitedAs::Text(t)));
        }
        let fields = self.mapping(node, "a citation", &CITATION_KEYS);
        if fields.len() != 1 {
            if matches!(node.value, Value::Mapping(_)) {
                self.problem(
                    node.at,
                    "a citation gives exactly one of pmid, doi, pmcid or text".into(),
                );
            }
            return None;
        }
        let (key, value) = fields.into_iter().next()?;
        let raw = self.text(value, &format!("the {key}"))?;
        // Every spelling of an identifier is accepted here, as in free text: the typed
        // identifier is what travels on.
        let cited = match key {
            "pmid" => raw
                .parse::<Pmid>()
                .map(CitedAs::Pmid)
                .map_err(|e| e.expected()),
            "doi" => raw
                .parse::<Doi>()
                .map(CitedAs::Doi)
                .map_err(|e| e.expected()),
            "pmcid" => raw
                .parse::<Pmcid>()
                .map(CitedAs::Pmcid)
                .map_err(|e| e.expected()),
            _ => Ok(CitedAs::Text(raw.clone())),
        };
        match cited {
            Ok(cited) => Some(source(cited)),
            Err(why) => {
                self.problem(value.at, format!("malformed {key} `{raw}`: {why}"));
                None
            }
        }
    }
}
