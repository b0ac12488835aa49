//! The claims file (`claims.yaml`): what is advertised, each claim as published, and the
//! sources it cites. Validation reports every problem at once, each with its line and
//! column and how to fix it, before anything is looked up.

pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use self::yaml::{Node, Position, Value};
use crate::policy::{Code, Level, Policy, closest};

/// What kind of statement a claim is; it decides what evidence the claim needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// The product does something for people: needs a human clinical study.
    Efficacy,
    /// The product is safe: needs a human clinical study.
    Safety,
    /// How it works: any resolved source.
    Mechanism,
    /// A number (trial counts, speeds, times): any resolved source.
    Statistic,
    /// Context: any resolved source.
    Background,
}

impl ClaimKind {
    pub const NAMES: [&str; 5] = ["efficacy", "safety", "mechanism", "statistic", "background"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "efficacy" => Some(ClaimKind::Efficacy),
            "safety" => Some(ClaimKind::Safety),
            "mechanism" => Some(ClaimKind::Mechanism),
            "statistic" => Some(ClaimKind::Statistic),
            "background" => Some(ClaimKind::Background),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Efficacy and safety claims need human clinical evidence (level 1-3).
    pub fn needs_human_evidence(self) -> bool {
        matches!(self, ClaimKind::Efficacy | ClaimKind::Safety)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Product {
    pub name: String,
    /// English words naming the product, to spot sources about something else.
    pub terms: Vec<String>,
}

/// One cited source, as the claims file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitedSource {
    /// The citation text handed to resolution ("PMID: 1", a DOI, or free text).
    pub text: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub id: String,
    pub text: String,
    pub kind: ClaimKind,
    pub keywords: Vec<String>,
    pub citations: Vec<CitedSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// Compliance's acceptance of one finding on one claim, until a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    pub claim: String,
    pub code: Code,
    pub reason: String,
    pub approved_by: String,
    /// Last day the waiver applies, `YYYY-MM-DD`.
    pub expires: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsFile {
    pub path: PathBuf,
    pub product: Product,
    pub policy: Policy,
    pub claims: Vec<Claim>,
    pub waivers: Vec<Waiver>,
}

/// One problem in a claims file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Everything wrong with a claims file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct InvalidClaims {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for InvalidClaims {
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

const TOP_KEYS: [&str; 4] = ["product", "policy", "claims", "waivers"];
const WAIVER_KEYS: [&str; 5] = ["claim", "code", "reason", "approved_by", "expires"];
const PRODUCT_KEYS: [&str; 2] = ["name", "terms"];
const CLAIM_KEYS: [&str; 6] = ["id", "text", "kind", "keywords", "citations", "note"];
const CITATION_KEYS: [&str; 4] = ["pmid", "doi", "pmcid", "text"];

/// Reads and validates a claims file.
pub fn load(path: &Path) -> Result<ClaimsFile, InvalidClaims> {
    let invalid = |message: String| InvalidClaims {
        path: path.to_owned(),
        problems: vec![Problem {
            line: 1,
            column: 1,
            message,
        }],
    };
    let bytes =
        std::fs::read(path).map_err(|e| invalid(format!("cannot read the claims file: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| invalid("the claims file is not UTF-8 text".into()))?;
    parse(path, &text)
}

/// Validates claims file `text` (named `path` in messages).
pub fn parse(path: &Path, text: &str) -> Result<ClaimsFile, InvalidClaims> {
    let mut checker = Checker::default();
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            checker.problem(e.at, format!("not valid YAML: {}", e.message));
            return Err(checker.into_error(path));
        }
    };
    let file = checker.file(path, &root);
    if checker.problems.is_empty() {
        Ok(file)
    } else {
        Err(checker.into_error(path))
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, at: Position, message: String) {
        self.problems.push(Problem {
            line: at.line,
            column: at.column,
            message,
        });
    }

    fn into_error(mut self, path: &Path) -> InvalidClaims {
        self.problems.sort_by_key(|p| (p.line, p.column));
        InvalidClaims {
            path: path.to_owned(),
            problems: self.problems,
        }
    }

    /// The entries of a mapping, reporting unknown and repeated keys.
    fn mapping<'n>(
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
                let hint = closest(name, known.iter().copied())
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_else(|| format!("; known keys: {}", known.join(", ")));
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
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
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
    fn words(&mut self, node: &Node, what: &str) -> Vec<String> {
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

    fn file(&mut self, path: &Path, root: &Node) -> ClaimsFile {
        let mut file = ClaimsFile {
            path: path.to_owned(),
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
        }
        if let Some(policy) = top.get("policy") {
            file.policy = self.policy(policy);
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
                Value::Sequence(items) => {
                    let mut seen: BTreeMap<String, Position> = BTreeMap::new();
                    for item in items {
                        if let Some(claim) = self.claim(item, &mut seen) {
                            file.claims.push(claim);
                        }
                    }
                }
                _ if claims.is_null() => {}
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

    fn policy(&mut self, node: &Node) -> Policy {
        let mut policy = Policy::default();
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
            return policy;
        };
        for (key, value) in entries {
            let name = key.as_str().unwrap_or_default();
            let Some(code) = Code::parse(name) else {
                let hint = closest(name, Code::ALL.iter().map(|c| c.as_str()))
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                self.problem(
                    key.at,
                    format!("unknown finding code `{name}` in `policy`{hint}"),
                );
                continue;
            };
            match value.as_str().and_then(Level::parse) {
                Some(level) => policy.set(code, level),
                None => self.problem(
                    value.at,
                    format!(
                        "the level of `{code}` must be allow, warn or deny, found `{}`",
                        value.as_str().unwrap_or("?")
                    ),
                ),
            }
        }
        policy
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
                    "this waiver lacks {}; a waiver needs claim, code, reason, approved_by and expires",
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
        let expires = required("expires", "the waiver's expiry date");
        let code = code_text.and_then(|text| match Code::parse(&text) {
            Some(code) => Some(code),
            None => {
                let hint = closest(&text, Code::ALL.iter().map(|c| c.as_str()))
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                self.problem(
                    fields["code"].at,
                    format!("unknown finding code `{text}` in a waiver{hint}"),
                );
                None
            }
        });
        let expires = expires.and_then(|date| {
            if is_iso_date(&date) {
                Some(date)
            } else {
                self.problem(
                    fields["expires"].at,
                    format!("expiry date `{date}` must be a date written YYYY-MM-DD"),
                );
                None
            }
        });
        Some(Waiver {
            claim: claim?,
            code: code?,
            reason: reason?,
            approved_by: approved_by?,
            expires: expires?,
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
        let kind = match fields.get("kind") {
            Some(kind) => match kind.as_str().and_then(ClaimKind::parse) {
                Some(kind) => Some(kind),
                None => {
                    let written = kind.as_str().unwrap_or("?");
                    let hint = closest(written, ClaimKind::NAMES)
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    self.problem(
                        kind.at,
                        format!(
                            "unknown claim kind `{written}`; use one of {}{hint}",
                            ClaimKind::NAMES.join(", ")
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
                        ClaimKind::NAMES.join(", ")
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
        let at = match &node.value {
            Value::Mapping(entries) => entries
                .iter()
                .find(|(key, _)| key.as_str() == Some("id"))
                .map_or(node.at, |(key, _)| key.at),
            _ => node.at,
        };
        Some(Claim {
            id: id?,
            text: text?,
            kind: kind?,
            keywords,
            citations,
            note,
            line: at.line,
            column: at.column,
        })
    }

    fn citation(&mut self, node: &Node) -> Option<CitedSource> {
        let source = |text: String| CitedSource {
            text,
            line: node.at.line,
            column: node.at.column,
        };
        if let Value::Scalar { .. } = node.value {
            return self.text(node, "a citation").map(source);
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
        let valid = match key {
            "pmid" => {
                let digits = raw.trim_start_matches("PMID:").trim();
                (crate::cache::validate_pmid(digits).is_ok()).then(|| format!("PMID: {digits}"))
            }
            "doi" => {
                let doi = raw
                    .trim_start_matches("https://doi.org/")
                    .trim_start_matches("http://dx.doi.org/")
                    .trim_start_matches("doi:")
                    .trim();
                let ok = doi.starts_with("10.")
                    && doi.contains('/')
                    && !doi.contains(char::is_whitespace);
                ok.then(|| doi.to_owned())
            }
            "pmcid" => {
                let digits = raw.trim_start_matches("PMC");
                let ok = !digits.is_empty()
                    && digits.len() <= 9
                    && digits.bytes().all(|b| b.is_ascii_digit());
                ok.then(|| format!("PMC{digits}"))
            }
            _ => Some(raw.clone()),
        };
        match valid {
            Some(text) => Some(source(text)),
            None => {
                let expected = match key {
                    "pmid" => "a PMID is a number such as 33458899",
                    "doi" => "a DOI looks like 10.1056/NEJMoa1210384",
                    _ => "a PMCID looks like PMC7092803",
                };
                self.problem(value.at, format!("malformed {key} `{raw}`: {expected}"));
                None
            }
        }
    }
}

/// `YYYY-MM-DD` with a real month and day.
fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse(Path::new("c.yaml"), text) {
            Ok(_) => Vec::new(),
            Err(e) => e.to_string().lines().map(String::from).collect(),
        }
    }

    #[test]
    fn a_valid_file_loads() {
        let file = parse(
            Path::new("c.yaml"),
            "product:\n  name: X\n  terms: [dental pulp, DPSC]\npolicy:\n  product-mismatch: deny\nclaims:\n  - id: skin\n    text: 肌のハリ\n    kind: efficacy\n    keywords: [skin]\n    citations:\n      - \"An, Y., et al., 2021\"\n      - {pmid: 33458899}\n      - doi: https://doi.org/10.1/x\n",
        )
        .unwrap();
        assert_eq!(file.product.terms, ["dental pulp", "DPSC"]);
        let by_hand = parse(
            Path::new("c.yaml"),
            "claims:\n  - {id: a, text: x, kind: safety, keywords: \"exosome, skin\"}\n",
        )
        .unwrap();
        assert_eq!(by_hand.claims[0].keywords, ["exosome", "skin"]);
        assert_eq!(file.policy.level(Code::ProductMismatch), Level::Deny);
        let claim = &file.claims[0];
        assert_eq!(
            (claim.id.as_str(), claim.kind, claim.line),
            ("skin", ClaimKind::Efficacy, 7)
        );
        let texts: Vec<&str> = claim.citations.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["An, Y., et al., 2021", "PMID: 33458899", "10.1/x"]);
        assert_eq!(claim.citations[1].line, 13);
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_place() {
        let found = problems(
            "claims:\n  - id: a\n    text: x\n    kind: eficacy\n    keywrods: [x]\n  - id: a\n    text: \"\"\n    kind: safety\n    citations: [{pmid: 12ab}, {doi: nonsense}]\n",
        );
        assert!(
            found.iter().any(
                |p| p.starts_with("c.yaml:4:11: unknown claim kind `eficacy`")
                    && p.contains("did you mean `efficacy`")
            ),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("c.yaml:5:5: unknown key `keywrods`")
                    && p.contains("`keywords`")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|p| p.contains("the claim text is empty")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|p| p.contains("malformed pmid `12ab`")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|p| p.contains("malformed doi `nonsense`")),
            "{found:#?}"
        );
        assert!(found.len() >= 5);
    }

    #[test]
    fn waivers_are_validated() {
        let file = parse(
            Path::new("c.yaml"),
            "claims:\n  - {id: a, text: x, kind: safety}\nwaivers:\n  - claim: a\n    code: uncited-claim\n    reason: being rewritten\n    approved_by: J. Doe\n    expires: 2027-02-28\n",
        )
        .unwrap();
        assert_eq!(file.waivers[0].code, Code::UncitedClaim);
        assert_eq!(file.waivers[0].line, 4);
        let found = problems(
            "claims: []\nwaivers:\n  - {claim: a, code: uncited-claims, reason: r, approved_by: x, expires: 2027-02-30}\n  - {claim: a}\n",
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("did you mean `uncited-claim`?")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("`2027-02-30` must be a date")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("this waiver lacks code, reason, approved_by, expires")),
            "{found:#?}"
        );
        assert_eq!(found.len(), 3, "{found:#?}");
    }

    #[test]
    fn duplicate_ids_point_at_the_first_use() {
        let found = problems(
            "claims:\n  - {id: a, text: x, kind: safety}\n  - {id: a, text: y, kind: safety}\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("already used at line 2"));
    }

    #[test]
    fn not_yaml_and_empty_files_are_explained() {
        assert!(problems("claims: [\n")[0].contains("not valid YAML"));
        assert!(problems("")[0].contains("empty"));
        assert!(problems("product: {name: x}\n")[0].contains("no `claims:` list"));
    }
}
