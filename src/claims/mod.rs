//! The claims file (`claims.yaml`): what is advertised, each claim as published, and the
//! sources it cites. Validation reports every problem at once, each with its line and
//! column and how to fix it, before anything is looked up.

mod validate;

use std::path::{Path, PathBuf};

use serde::Serialize;
use strum::VariantArray;

use self::validate::Checker;
use crate::citation::CitedAs;
use crate::lint::{Jurisdiction, ProductClass, RuleSet};
use crate::policy::{Code, CodeBook, Level, Policy};
use crate::yaml::{read_text, validated};

named_enum! {
    /// What kind of statement a claim is; it decides what evidence the claim needs.
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
}

impl ClaimKind {
    /// Every kind's name, for messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::VARIANTS.iter().map(|kind| kind.as_str())
    }

    /// Efficacy and safety claims need human clinical evidence (level 1-3).
    pub fn needs_human_evidence(self) -> bool {
        matches!(self, ClaimKind::Efficacy | ClaimKind::Safety)
    }
}

named_enum! {
    /// Whether a person has read a claim. `claimaudit init --from PAGE` (and `check PAGE`)
    /// marks every claim it drafts `review: pending`: its kind, keywords and citations are
    /// a machine's guesses until someone reads them against the page. A claim without
    /// `review:` was written by a person, so it counts as reviewed.
    pub enum Review {
        /// Drafted from a page and not read by a person yet: never reported supported
        /// (finding `unreviewed-claim`).
        Pending,
        /// Read by a person (the same as leaving `review:` out).
        Done,
    }
}

impl Review {
    /// Every state's name, for messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::VARIANTS.iter().map(|state| state.as_str())
    }

    pub fn is_done(&self) -> bool {
        *self == Review::Done
    }
}

impl Default for Review {
    /// Hand-written claims carry no `review:`: a person wrote them.
    fn default() -> Self {
        Review::Done
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Product {
    pub name: String,
    /// English words naming the product, to spot sources about something else.
    pub terms: Vec<String>,
    /// What kind of product it is: the wording rules and their levels depend on it.
    pub class: Option<ProductClass>,
    /// Where the advertising is read; every jurisdiction's rules when empty.
    pub jurisdictions: Vec<Jurisdiction>,
}

/// One cited source, as the claims file gives it, with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedSource {
    pub cited: CitedAs,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    pub text: String,
    /// Where the `text:` value starts, for findings about the wording itself.
    pub text_line: usize,
    pub text_column: usize,
    /// The column of the text's first character when the text is written on one line
    /// exactly as it reads (no escapes, no folding), so a phrase in it can be pointed at.
    pub text_inline_column: Option<usize>,
    pub kind: ClaimKind,
    pub keywords: Vec<String>,
    pub citations: Vec<CitedSource>,
    pub note: Option<String>,
    /// `review: pending` on a claim drafted from a page that no person has read yet.
    pub review: Review,
    /// The line of the page the claim was drafted from (`source_line:`), to find it there.
    pub source_line: Option<usize>,
    pub line: usize,
    pub column: usize,
}

/// Compliance's acceptance of one finding on one claim, until a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Waiver {
    pub claim: String,
    pub code: Code,
    pub reason: String,
    pub approved_by: String,
    /// When it was approved, `YYYY-MM-DD`.
    pub approved_on: String,
    /// Last day the waiver applies, `YYYY-MM-DD`: at most a year after approval.
    pub expires: String,
    pub line: usize,
    #[serde(skip)]
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsFile {
    pub path: PathBuf,
    /// The finding codes of this file: the evidence checks' and the wording rules in
    /// force, at the levels for the product's class.
    pub codes: CodeBook,
    pub product: Product,
    pub policy: Policy,
    pub claims: Vec<Claim>,
    pub waivers: Vec<Waiver>,
}

pub use crate::yaml::Problem;

/// Everything wrong with a claims file (or a reviewer's policy file), in file order.
pub type InvalidClaims = crate::yaml::InvalidYaml;

/// Reads and validates a claims file.
pub fn load(path: &Path) -> Result<ClaimsFile, InvalidClaims> {
    load_with(path, RuleSet::builtin())
}

/// Reads and validates a claims file whose policy and waivers may name the wording rules
/// of `rules` (the built-in rules plus a user's).
pub fn load_with(path: &Path, rules: &'static RuleSet) -> Result<ClaimsFile, InvalidClaims> {
    parse_with(path, &read_text(path, "claims file")?, rules)
}

/// Validates claims file `text` (named `path` in messages), with the built-in rules.
pub fn parse(path: &Path, text: &str) -> Result<ClaimsFile, InvalidClaims> {
    parse_with(path, text, RuleSet::builtin())
}

/// Validates claims file `text` with the wording rules of `rules`.
pub fn parse_with(
    path: &Path,
    text: &str,
    rules: &'static RuleSet,
) -> Result<ClaimsFile, InvalidClaims> {
    let codes = CodeBook { rules, class: None };
    // The checker reads claim texts out of the source at the parser's columns, which
    // are counted without a byte-order mark.
    let text = crate::yaml::without_byte_order_mark(text);
    validated(path, text, Checker::new(codes, text), |checker, root| {
        checker.file(path, root)
    })
}

/// One level setting of a policy: a finding code, its level, and the line it is on.
pub type LevelSetting = (Code, Level, usize);

/// Reads and validates a reviewer's policy file: a `policy:` mapping of finding codes
/// to levels, as in a claims file, but kept apart from the audited file.
pub fn load_policy_file(path: &Path, codes: CodeBook) -> Result<Vec<LevelSetting>, InvalidClaims> {
    let text = read_text(path, "policy file")?;
    validated(path, &text, Checker::new(codes, &text), |checker, root| {
        checker.policy_file(root)
    })
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
            "product:\n  name: X\n  terms: [dental pulp, DPSC]\npolicy:\n  product-mismatch: deny\nclaims:\n  - id: skin\n    text: 肌のハリ\n    kind: efficacy\n    keywords: [skin]\n    citations:\n      - \"An, Y., et al., 2021\"\n      - {pmid: 33458899}\n      - doi: https://doi.org/10.1000/x\n",
        )
        .unwrap();
        assert_eq!(file.product.terms, ["dental pulp", "DPSC"]);
        let by_hand = parse(
            Path::new("c.yaml"),
            "claims:\n  - {id: a, text: x, kind: safety, keywords: \"exosome, skin\"}\n",
        )
        .unwrap();
        assert_eq!(by_hand.claims[0].keywords, ["exosome", "skin"]);
        assert_eq!(
            file.policy.level(Code::ProductMismatch),
            crate::policy::Level::Deny
        );
        let claim = &file.claims[0];
        assert_eq!(
            (claim.id.as_str(), claim.kind, claim.line),
            ("skin", ClaimKind::Efficacy, 7)
        );
        let texts: Vec<String> = claim
            .citations
            .iter()
            .map(|c| c.cited.to_string())
            .collect();
        assert_eq!(
            texts,
            ["An, Y., et al., 2021", "PMID: 33458899", "10.1000/x"]
        );
        assert_eq!((claim.text_line, claim.text_column), (8, 11));
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
            "claims:\n  - {id: a, text: x, kind: safety}\nwaivers:\n  - claim: a\n    code: uncited-claim\n    reason: being rewritten for the spring campaign\n    approved_by: J. Doe (compliance)\n    approved_on: 2026-11-01\n    expires: 2027-02-28\n",
        )
        .unwrap();
        assert_eq!(file.waivers[0].code, Code::UncitedClaim);
        assert_eq!(file.waivers[0].approved_on, "2026-11-01");
        assert_eq!(file.waivers[0].line, 4);
        let found = problems(
            "claims: [{id: a, text: x, kind: safety}]\nwaivers:\n  - {claim: a, code: uncited-claims, reason: being rewritten now, approved_by: J. Doe, approved_on: 2026-01-01, expires: 2027-02-30}\n  - {claim: a}\n  - {claim: a, code: uncited-claim, reason: ok, approved_by: me, approved_on: 2026-11-01, expires: 9999-12-31}\n",
        );
        let has = |text: &str| found.iter().any(|p| p.contains(text));
        assert!(has("did you mean `uncited-claim`?"), "{found:#?}");
        assert!(has("`2027-02-30` must be a date"), "{found:#?}");
        assert!(
            has("this waiver lacks code, reason, approved_by, approved_on, expires"),
            "{found:#?}"
        );
        assert!(
            has("c.yaml:5:45: the waiver's reason `ok` does not say why"),
            "{found:#?}"
        );
        assert!(
            has("`me` does not name who approved the waiver"),
            "{found:#?}"
        );
        assert!(
            has(
                "more than a year after its approval (2026-11-01); set it to 2027-11-01 at the latest"
            ),
            "{found:#?}"
        );
        assert_eq!(found.len(), 6, "{found:#?}");
    }

    #[test]
    fn the_claims_file_cannot_lower_integrity_findings() {
        let file = parse(
            Path::new("c.yaml"),
            "policy:\n  retracted-source: allow\n  product-mismatch: deny\n  unreviewed-claim: allow\nclaims: [{id: a, text: x, kind: safety, review: pending}]\n",
        )
        .unwrap();
        // Nor wave its own drafted claims through.
        for code in [Code::RetractedSource, Code::UnreviewedClaim] {
            assert_eq!(file.policy.level(code), crate::policy::Level::Deny);
        }
        assert_eq!(
            file.policy.level(Code::ProductMismatch),
            crate::policy::Level::Deny
        );
        let refused: Vec<_> = file.policy.refused().map(|o| (o.code, o.line)).collect();
        assert_eq!(
            refused,
            [
                (Code::RetractedSource, Some(2)),
                (Code::UnreviewedClaim, Some(4))
            ]
        );
    }

    #[test]
    fn drafted_claims_carry_their_review_state_and_page_line() {
        let yaml = "claims:\n  - {id: a, text: x, kind: safety, review: pending, source_line: 12}\n  - {id: b, text: y, kind: safety, review: done}\n  - {id: c, text: z, kind: safety}\n";
        let claims = parse(Path::new("c.yaml"), yaml).unwrap().claims;
        let [pending, done, hand_written] = &claims[..] else {
            panic!("three claims: {claims:#?}");
        };
        assert_eq!(
            (pending.review, pending.source_line),
            (Review::Pending, Some(12))
        );
        assert_eq!((done.review, done.source_line), (Review::Done, None));
        // No `review:` means a person wrote it.
        assert_eq!(hand_written.review, Review::Done);
    }

    /// A misspelt state, a line that is no line, and a misspelt key are each reported at
    /// their place, with a did-you-mean where one helps.
    #[test]
    fn bad_review_states_and_page_lines_are_reported_at_their_place() {
        let found = problems(
            "claims:\n  - id: a\n    text: x\n    kind: safety\n    review: pendng\n    source_line: 0\n  - id: b\n    text: y\n    kind: safety\n    review: [pending]\n    source_line: twelve\n  - id: c\n    text: z\n    kind: safety\n    reviw: pending\n    source_lines: 3\n",
        );
        let expected = [
            "c.yaml:5:13: unknown review state `pendng`; use pending (drafted, not yet read by a person) or done; did you mean `pending`?",
            "c.yaml:6:18: `source_line` must be the line of the page the claim was drafted from, a whole number from 1, found `0`; correct it or remove the line",
            "c.yaml:10:13: `review` must be a review state, found a list; use pending (drafted, not yet read by a person) or done",
            "c.yaml:11:18: `source_line` must be the line of the page the claim was drafted from, a whole number from 1, found `twelve`; correct it or remove the line",
            "c.yaml:15:5: unknown key `reviw` in a claim; did you mean `review`?",
            "c.yaml:16:5: unknown key `source_lines` in a claim; did you mean `source_line`?",
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn duplicate_ids_point_at_the_first_use() {
        let found = problems(
            "claims:\n  - {id: a, text: x, kind: safety}\n  - {id: a, text: y, kind: safety}\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("already used at line 2"));
    }

    /// `claims: []` and a bare `claims:` were read as a file with nothing to check, and
    /// `check` passed it.
    #[test]
    fn a_claims_list_without_claims_is_refused_at_its_line() {
        for (text, place) in [
            ("product: {name: x}\nclaims: []\n", "c.yaml:2:9:"),
            ("product: {name: x}\nclaims:\n", "c.yaml:2:1:"),
            ("product: {name: x}\nclaims: ~\n", "c.yaml:2:1:"),
        ] {
            let found = problems(text);
            assert_eq!(
                found,
                [format!(
                    "{place} the `claims:` list is empty; add at least one claim"
                )],
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_byte_order_mark_leaves_lines_and_columns_as_the_editor_shows_them() {
        let text = "claims:\n  - {id: a, text: 肌のハリ, kind: safety}\n";
        let file = parse(Path::new("c.yaml"), &format!("\u{feff}{text}")).unwrap();
        let claim = &file.claims[0];
        assert_eq!((claim.line, claim.column), (2, 6));
        assert_eq!(
            (claim.text_line, claim.text_column, claim.text_inline_column),
            (2, 19, Some(19))
        );
        let found = problems("\u{feff}claims:\n  - {id: a, text: x, kind: eficacy}\n");
        assert!(
            found[0].starts_with("c.yaml:2:28: unknown claim kind"),
            "{found:?}"
        );
    }

    /// Claims written on one line, around wide characters, escapes and quotes: each text
    /// is found where it is (the lookup walks on from the claim before).
    #[test]
    fn claim_texts_are_pointed_into_on_any_line() {
        let file = parse(
            Path::new("c.yaml"),
            "claims: [{id: a, text: 副作用なし, kind: safety}, {id: b, text: \"a\\tb\", kind: safety}, {id: c, text: 'it''s', kind: safety}, {id: d, text: \"必ず\", kind: safety}]\n  # end\n",
        )
        .unwrap();
        let columns: Vec<_> = file
            .claims
            .iter()
            .map(|c| (c.text_column, c.text_inline_column))
            .collect();
        assert_eq!(
            columns,
            [(24, Some(24)), (60, None), (97, None), (135, Some(136))]
        );
    }

    #[test]
    fn not_yaml_and_empty_files_are_explained() {
        assert!(problems("claims: [\n")[0].contains("not valid YAML"));
        assert!(problems("")[0].contains("empty"));
        assert!(problems("product: {name: x}\n")[0].contains("no `claims:` list"));
    }
}
