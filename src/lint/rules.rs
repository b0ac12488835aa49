//! The wording rules as data: the built-in rules file compiled into the binary
//! (`src/lint/rules.yaml`), and a user's own file that adds rules or replaces built-in
//! ones by code.
//!
//! A rules file is read like a claims file: every problem at once, with its line and
//! column and how to fix it. A rule must name its legal basis, and its own examples
//! must behave (each `flag` example is flagged, each `pass` example is not), so a rule
//! cannot be added without showing what it does.

use std::path::Path;
use std::sync::LazyLock;

use serde::Serialize;

use super::matcher::Matcher;
use super::model::WordingModel;
use super::normalize::is_japanese;
use super::pattern::{Sequence, compile};
use crate::findings::Code;
use crate::policy::Level;
use crate::text::did_you_mean;
use crate::yaml::{InvalidYaml, Node, Position, Reader, Value, validated};

named_enum! {
    /// Where an ad is read, and so whose rules apply.
    pub enum Jurisdiction {
        /// Japan: 医療法・医療広告ガイドライン, 薬機法, 景品表示法.
        Jp,
        /// United States: FTC Act, FTC Health Products Compliance Guidance.
        Us,
        /// European Union: Regulations 1924/2006 and 655/2013.
        Eu,
        /// United Kingdom: the CAP Code.
        Uk,
    }
}

named_enum! {
    /// What is being sold: the rules differ for a clinic's treatment and a cosmetic.
    pub enum ProductClass {
        /// A clinic's medical or aesthetic service (in Japan, 自由診療 advertising).
        Clinic,
        Cosmetic,
        /// 医薬部外品 in Japan.
        QuasiDrug,
        /// Supplements and health foods.
        Supplement,
        /// A licensed medicine.
        Drug,
    }
}

/// A rule's level, which may differ by product class (a testimonial is a warning on a
/// shop page and prohibited in a clinic's advertising).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    pub default: Level,
    pub by_class: Vec<(ProductClass, Level)>,
}

impl Levels {
    pub fn for_class(&self, class: Option<ProductClass>) -> Level {
        class
            .and_then(|class| self.by_class.iter().find(|(c, _)| *c == class))
            .map_or(self.default, |(_, level)| *level)
    }
}

/// Where a rule comes from in law or official guidance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalBasis {
    pub document: String,
    pub section: String,
}

/// What a rule looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Wording that must not be used: any pattern, unless an exception overlaps it or
    /// a sentence exception is in the same sentence (a label's 「効能・効果：」 list).
    Phrase {
        patterns: Vec<Sequence>,
        except: Vec<Sequence>,
        except_sentence: Vec<Sequence>,
    },
    /// Something a page must say: when the page matches `when` (or always, if empty),
    /// one of `requires` must be present.
    Disclosure {
        when: Vec<Sequence>,
        requires: Vec<Sequence>,
    },
    /// Sentences no phrase rule matched that the wording model ([`super::model`]) reads
    /// as what reviewers flag (`detector: wording-model` in the rules file).
    Model,
}

/// One wording rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    /// A short name: "Absolute safety".
    pub name: String,
    pub levels: Levels,
    pub jurisdictions: Vec<Jurisdiction>,
    /// The product classes it applies to; every class when empty.
    pub classes: Vec<ProductClass>,
    /// Why the wording is a problem, in plain words.
    pub explanation: String,
    /// A safer way to say it, or what to add.
    pub suggestion: String,
    pub basis: Vec<LegalBasis>,
    pub check: Check,
    pub examples_flag: Vec<String>,
    pub examples_pass: Vec<String>,
    /// Where the rule is written: the built-in file or a user's.
    pub origin: String,
    pub line: usize,
}

/// What a report says about a rule: enough to read the finding without the rules file.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSummary<'r> {
    pub code: &'r str,
    pub name: &'r str,
    pub explanation: &'r str,
    pub suggestion: &'r str,
    pub basis: &'r [LegalBasis],
    pub origin: &'r str,
}

impl Rule {
    pub fn summary(&self) -> RuleSummary<'_> {
        RuleSummary {
            code: &self.code,
            name: &self.name,
            explanation: &self.explanation,
            suggestion: &self.suggestion,
            basis: &self.basis,
            origin: &self.origin,
        }
    }

    pub fn applies_to(&self, class: Option<ProductClass>, jurisdictions: &[Jurisdiction]) -> bool {
        let class_ok = match class {
            Some(class) => self.classes.is_empty() || self.classes.contains(&class),
            // Unknown product: only the rules that hold for every product.
            None => self.classes.is_empty() || self.classes.len() == ProductClass::ALL.len(),
        };
        let place_ok = jurisdictions.is_empty()
            || self.jurisdictions.iter().any(|j| jurisdictions.contains(j));
        class_ok && place_ok
    }

    pub fn is_disclosure(&self) -> bool {
        matches!(self.check, Check::Disclosure { .. })
    }
}

impl ProductClass {
    pub const ALL: &[ProductClass] = <ProductClass as strum::VariantArray>::VARIANTS;
}

/// Every rule in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

/// The rules file compiled into the binary.
pub const BUILTIN_RULES: &str = include_str!("rules.yaml");

static BUILTIN: LazyLock<RuleSet> = LazyLock::new(|| {
    RuleSet::parse(Path::new("src/lint/rules.yaml"), BUILTIN_RULES, "built-in")
        .unwrap_or_else(|e| panic!("the built-in rules are invalid (a test checks them):\n{e}"))
});

impl RuleSet {
    /// The built-in rules.
    pub fn builtin() -> &'static RuleSet {
        &BUILTIN
    }

    /// The built-in rules with a user's rules file on top: a rule with a built-in code
    /// replaces that rule, others are added. The set lives for the rest of the process
    /// (findings point into it).
    pub fn with_file(path: &Path) -> Result<&'static RuleSet, InvalidYaml> {
        let text = crate::yaml::read_text(path, "rules file")?;
        let user = RuleSet::parse(path, &text, &path.display().to_string())?;
        let problems = user.examples_problems();
        if !problems.is_empty() {
            return Err(InvalidYaml {
                path: path.to_owned(),
                problems,
            });
        }
        let mut rules = BUILTIN.rules.clone();
        for rule in user.rules {
            match rules.iter_mut().find(|r| r.code == rule.code) {
                Some(builtin) => *builtin = rule,
                None => rules.push(rule),
            }
        }
        Ok(Box::leak(Box::new(RuleSet { rules })))
    }

    /// Reads a rules file (named `origin` in reports).
    pub fn parse(path: &Path, text: &str, origin: &str) -> Result<RuleSet, InvalidYaml> {
        validated(path, text, Reader::default(), |reader, root| {
            read_rule_set(reader, root, origin)
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, code: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.code == code)
    }

    /// Every rule's code, for "did you mean" hints.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.code.as_str())
    }

    /// Each rule whose examples do not behave: a `flag` example it does not flag, or a
    /// `pass` example it does.
    pub fn examples_problems(&self) -> Vec<crate::yaml::Problem> {
        let mut problems = Vec::new();
        for rule in &self.rules {
            let only = RuleSet {
                rules: vec![rule.clone()],
            };
            let matcher = Matcher::new(only.rules.iter());
            let flags = |example: &str| {
                let text = super::normalize::normalize(example);
                match &rule.check {
                    Check::Phrase { .. } => !matcher.phrase_hits(&text).is_empty(),
                    Check::Disclosure { .. } => !matcher.missing_disclosures(&text).is_empty(),
                    Check::Model => !WordingModel::builtin()
                        .flagged_sentences(&text, None, |_| false)
                        .is_empty(),
                }
            };
            for example in &rule.examples_flag {
                if !flags(example) {
                    problems.push(problem(
                        rule,
                        format!(
                            "rule `{}` does not flag its own example {example:?}",
                            rule.code
                        ),
                    ));
                }
            }
            for example in &rule.examples_pass {
                if flags(example) {
                    problems.push(problem(
                        rule,
                        format!(
                            "rule `{}` flags its own `pass` example {example:?}",
                            rule.code
                        ),
                    ));
                }
            }
        }
        problems
    }
}

fn problem(rule: &Rule, message: String) -> crate::yaml::Problem {
    crate::yaml::Problem {
        line: rule.line,
        column: 1,
        message,
    }
}

/// The `detector` of a rule that the wording model decides.
pub const MODEL_DETECTOR: &str = "wording-model";

const TOP_KEYS: [&str; 2] = ["rules", "disclosures"];
const RULE_KEYS: [&str; 13] = [
    "code",
    "name",
    "level",
    "jurisdictions",
    "classes",
    "explanation",
    "suggestion",
    "basis",
    "patterns",
    "except",
    "except_sentence",
    "detector",
    "examples",
];
const DISCLOSURE_KEYS: [&str; 11] = [
    "code",
    "name",
    "level",
    "jurisdictions",
    "classes",
    "explanation",
    "suggestion",
    "basis",
    "when",
    "requires",
    "examples",
];

fn read_rule_set(reader: &mut Reader, root: &Node, origin: &str) -> RuleSet {
    let top = reader.mapping(root, "a rules file", &TOP_KEYS);
    let mut rules = Vec::new();
    for (key, disclosure) in [("rules", false), ("disclosures", true)] {
        let Some(list) = top.get(key) else { continue };
        for node in reader.items(list, key) {
            if let Some(rule) = read_rule(reader, node, disclosure, origin) {
                if let Some(first) = rules.iter().find(|r: &&Rule| r.code == rule.code) {
                    reader.problem(
                        node.at,
                        format!(
                            "rule code `{}` is already used at line {}; codes must be unique",
                            rule.code, first.line
                        ),
                    );
                    continue;
                }
                rules.push(rule);
            }
        }
    }
    if top.is_empty() && reader.is_clean() {
        reader.problem(
            root.at,
            "a rules file has `rules:` and/or `disclosures:` lists".into(),
        );
    }
    RuleSet { rules }
}

fn read_rule(reader: &mut Reader, node: &Node, disclosure: bool, origin: &str) -> Option<Rule> {
    let what = if disclosure {
        "a disclosure rule"
    } else {
        "a rule"
    };
    let known: &[&str] = if disclosure {
        &DISCLOSURE_KEYS
    } else {
        &RULE_KEYS
    };
    let fields = reader.mapping(node, what, known);
    if !matches!(node.value, Value::Mapping(_)) {
        return None;
    }
    let required = |reader: &mut Reader, key: &str| -> Option<String> {
        match fields.get(key) {
            Some(value) => reader.text(value, &format!("`{key}`")),
            None => {
                reader.problem(node.at, format!("{what} needs `{key}`"));
                None
            }
        }
    };
    let code = required(reader, "code");
    let name = required(reader, "name");
    let explanation = required(reader, "explanation").map(|t| unfold_japanese(&t));
    let suggestion = required(reader, "suggestion").map(|t| unfold_japanese(&t));
    if let Some(code) = &code {
        let kebab = code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !code.starts_with('-');
        if !kebab {
            reader.problem(
                node.at,
                format!("rule code `{code}` must be kebab-case (a-z, 0-9 and -)"),
            );
        }
        if Code::parse(code).is_some() {
            reader.problem(
                node.at,
                format!(
                    "`{code}` is a finding code of the evidence checks; give the rule its own code"
                ),
            );
        }
    }
    let levels = match fields.get("level") {
        Some(level) => read_levels(reader, level),
        None => {
            reader.problem(
                node.at,
                format!("{what} needs `level` (deny, warn or allow)"),
            );
            None
        }
    };
    let jurisdictions = match fields.get("jurisdictions") {
        Some(list) => names::<Jurisdiction>(reader, list, "jurisdiction"),
        None => {
            reader.problem(
                node.at,
                format!("{what} needs `jurisdictions` (jp, us, eu, uk)"),
            );
            Vec::new()
        }
    };
    let classes = fields
        .get("classes")
        .map(|list| names::<ProductClass>(reader, list, "product class"))
        .unwrap_or_default();
    let basis = read_basis(reader, node, fields.get("basis").copied());
    let patterns = |reader: &mut Reader, key: &str| -> Vec<Sequence> {
        let Some(list) = fields.get(key) else {
            return Vec::new();
        };
        let mut sequences = Vec::new();
        for item in reader.items(list, key) {
            let Some(text) = reader.text(item, &format!("a pattern of `{key}`")) else {
                continue;
            };
            match compile(&text) {
                Ok(compiled) => sequences.push(compiled),
                Err(why) => reader.problem(item.at, format!("pattern `{text}`: {why}")),
            }
        }
        sequences
    };
    let check = if disclosure {
        let requires = patterns(reader, "requires");
        if requires.is_empty() {
            reader.problem(
                node.at,
                "a disclosure rule needs `requires`: the wording that makes the disclosure".into(),
            );
        }
        Check::Disclosure {
            when: patterns(reader, "when"),
            requires,
        }
    } else if let Some(detector) = fields.get("detector") {
        let name = reader.text(detector, "`detector`");
        if name.as_deref().is_some_and(|name| name != MODEL_DETECTOR) {
            reader.problem(
                detector.at,
                format!("unknown detector; the one detector is `{MODEL_DETECTOR}`"),
            );
        }
        for key in ["patterns", "except", "except_sentence"] {
            if let Some(list) = fields.get(key) {
                reader.problem(
                    list.at,
                    format!("a rule with a `detector` has no `{key}`: the model decides"),
                );
            }
        }
        Check::Model
    } else {
        let found = patterns(reader, "patterns");
        if found.is_empty() {
            reader.problem(
                node.at,
                format!(
                    "a rule needs `patterns` (the wording it flags) or `detector: {MODEL_DETECTOR}`"
                ),
            );
        }
        Check::Phrase {
            patterns: found,
            except: patterns(reader, "except"),
            except_sentence: patterns(reader, "except_sentence"),
        }
    };
    let (examples_flag, examples_pass) =
        read_examples(reader, node, fields.get("examples").copied());
    Some(Rule {
        code: code?,
        name: name?,
        levels: levels?,
        jurisdictions,
        classes,
        explanation: explanation?,
        suggestion: suggestion?,
        basis,
        check,
        examples_flag,
        examples_pass,
        origin: origin.to_owned(),
        line: node.at.line,
    })
}

/// `level: deny`, or `level: {default: warn, clinic: deny}`.
fn read_levels(reader: &mut Reader, node: &Node) -> Option<Levels> {
    let level = |reader: &mut Reader, node: &Node| -> Option<Level> {
        let text = reader.text(node, "a level")?;
        let level = Level::parse(&text);
        if level.is_none() {
            reader.problem(
                node.at,
                format!("unknown level `{text}`; use deny, warn or allow"),
            );
        }
        level
    };
    match &node.value {
        Value::Mapping(entries) => {
            let mut default = None;
            let mut by_class = Vec::new();
            for (key, value) in entries {
                match key.as_str() {
                    Some("default") => default = level(reader, value),
                    Some(name) => match name.parse::<ProductClass>() {
                        Ok(class) => {
                            if let Some(level) = level(reader, value) {
                                by_class.push((class, level));
                            }
                        }
                        Err(_) => reader.problem(
                            key.at,
                            format!(
                                "unknown product class `{name}`{}; use default or a class",
                                did_you_mean(name, ProductClass::names())
                            ),
                        ),
                    },
                    None => reader.problem(key.at, "keys of `level` are product classes".into()),
                }
            }
            if default.is_none() {
                reader.problem(
                    node.at,
                    "a level by class needs `default:` for the other classes".into(),
                );
            }
            Some(Levels {
                default: default?,
                by_class,
            })
        }
        _ => Some(Levels {
            default: level(reader, node)?,
            by_class: Vec::new(),
        }),
    }
}

impl ProductClass {
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(|c| c.as_str())
    }
}

/// A list of enum names (jurisdictions, classes), each checked.
fn names<T: std::str::FromStr + strum::VariantArray + Copy + Into<&'static str>>(
    reader: &mut Reader,
    node: &Node,
    what: &str,
) -> Vec<T> {
    let mut found = Vec::new();
    for word in reader.words(node, &format!("a {what}")) {
        match word.parse::<T>() {
            Ok(value) => found.push(value),
            Err(_) => {
                let known: Vec<&str> = T::VARIANTS.iter().map(|v| (*v).into()).collect();
                reader.problem(
                    node.at,
                    format!(
                        "unknown {what} `{word}`{}; known: {}",
                        did_you_mean(&word, known.iter().copied()),
                        known.join(", ")
                    ),
                );
            }
        }
    }
    found
}

fn read_basis(reader: &mut Reader, rule: &Node, node: Option<&Node>) -> Vec<LegalBasis> {
    let Some(node) = node else {
        reader.problem(
            rule.at,
            "every rule needs `basis`: the law or guidance it rests on (document and section)"
                .into(),
        );
        return Vec::new();
    };
    let mut basis = Vec::new();
    for item in reader.items(node, "basis") {
        let fields = reader.mapping(item, "a basis", &["document", "section"]);
        let document = fields
            .get("document")
            .and_then(|d| reader.text(d, "`document`"));
        let section = fields
            .get("section")
            .and_then(|s| reader.text(s, "`section`"));
        match (document, section) {
            (Some(document), Some(section)) => basis.push(LegalBasis { document, section }),
            _ => reader.problem(item.at, "a basis names its `document` and `section`".into()),
        }
    }
    if basis.is_empty() && reader.is_clean() {
        reader.problem(
            node.at,
            "`basis` lists at least one document and section".into(),
        );
    }
    basis
}

fn read_examples(
    reader: &mut Reader,
    rule: &Node,
    node: Option<&Node>,
) -> (Vec<String>, Vec<String>) {
    let Some(node) = node else {
        reader.problem(
            rule.at,
            "every rule needs `examples` with `flag:` and `pass:` sentences, so it is seen to work"
                .into(),
        );
        return (Vec::new(), Vec::new());
    };
    let fields = reader.mapping(node, "`examples`", &["flag", "pass"]);
    let mut list = |key: &str| -> Vec<String> {
        match fields.get(key) {
            Some(items) => reader
                .items(items, key)
                .into_iter()
                .filter_map(|item| reader.text(item, &format!("an example of `{key}`")))
                .collect(),
            None => {
                reader.problem(node.at, format!("`examples` needs `{key}:` sentences"));
                Vec::new()
            }
        }
    };
    (list("flag"), list("pass"))
}

/// The position of a rule, for messages about it.
pub fn position(rule: &Rule) -> Position {
    Position {
        line: rule.line,
        column: 1,
    }
}

/// Removes the spaces YAML's folded scalars (`>-`) put where a line broke between two
/// Japanese characters: Japanese is written without spaces, so 「個人差 があります」 is a
/// wrapped 「個人差があります」.
fn unfold_japanese(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        // Japanese is written without spaces, digits included (「120名」).
        let joins = |a: char, b: char| {
            (is_japanese(a) && (is_japanese(b) || b.is_ascii_digit()))
                || (a.is_ascii_digit() && is_japanese(b))
        };
        let joins_japanese = c == ' '
            && i > 0
            && chars
                .get(i + 1)
                .is_some_and(|&next| joins(chars[i - 1], next));
        if !joins_japanese {
            out.push(c);
        }
    }
    out
}
