//! Linting whole pages of copy (`claimaudit lint`): each file's readable text is taken
//! out of its markup, the wording rules run over it, and, for a clinic page, the
//! disclosures Japanese rules require are checked; every finding points back at the
//! exact phrase in the file as written.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::extract::{LineIndex, SourceFormat, extract};
use super::matcher::whole_word;
use super::normalize::{Lines, Normalized, normalize, normalize_lines};
use super::{Jurisdiction, Linter, ProductClass, Rule, RuleSet};
use crate::findings::CodeBook;
use crate::policy::Policy;
use crate::report::Tool;
use crate::report::lint::{ClassChoice, LintFinding, LintReport, LintedFile, context};

/// One file of copy to lint.
#[derive(Debug, Clone)]
pub struct Page {
    /// How reports name it (`-` for standard input).
    pub path: String,
    pub source: String,
    pub format: SourceFormat,
}

/// How to lint.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub rules: &'static RuleSet,
    /// The product class, or `None` to tell it from each page's words.
    pub class: Option<ProductClass>,
    /// Every jurisdiction when empty.
    pub jurisdictions: Vec<Jurisdiction>,
    pub policy: Policy,
    /// The report's one timestamp (RFC 3339, UTC).
    pub generated_at: String,
}

/// Words that say what kind of business a page is from, most telling first: a product's
/// legal category printed on it, then the clinic's way of speaking about itself.
const CLASS_MARKERS: &[(ProductClass, &[&str])] = &[
    (ProductClass::QuasiDrug, &["医薬部外品"]),
    (
        ProductClass::Drug,
        &[
            "第1類医薬品",
            "第2類医薬品",
            "第3類医薬品",
            "指定第2類医薬品",
            "otc医薬品",
        ],
    ),
    (
        ProductClass::Clinic,
        &[
            "当院",
            "当クリニック",
            "クリニック",
            "医院",
            "院長",
            "診療",
            "自由診療",
            "施術",
            "ご来院",
            "clinic",
            "our doctors",
            "our physicians",
            "consultation",
        ],
    ),
    (
        ProductClass::Supplement,
        &[
            "サプリ",
            "健康食品",
            "栄養機能食品",
            "機能性表示食品",
            "supplement",
            "capsules",
        ],
    ),
    (
        ProductClass::Cosmetic,
        &[
            "化粧品",
            "美容液",
            "化粧水",
            "乳液",
            "クリーム",
            "cosmetic",
            "serum",
            "moisturiser",
            "moisturizer",
        ],
    ),
];

/// Every class marker in order, normalised once as the page text is: (class, normalised
/// marker, marker as written).
type Marker = (ProductClass, String, &'static str);

static NORMALIZED_MARKERS: LazyLock<Vec<Marker>> = LazyLock::new(|| {
    CLASS_MARKERS
        .iter()
        .flat_map(|(class, markers)| {
            markers
                .iter()
                .map(|marker| (*class, normalize(marker).as_str().to_owned(), *marker))
        })
        .collect()
});

/// The class a page's own words (normalised) suggest, with the word that decided it. A
/// marker counts as a whole English word ("clinic" is not in "clinical"); Japanese has
/// no spaces, so a Japanese marker may stand anywhere.
pub fn detect_class(page: &Normalized) -> Option<(ProductClass, &'static str)> {
    let text = page.as_str();
    NORMALIZED_MARKERS
        .iter()
        .find(|(_, normal, _)| {
            text.match_indices(normal.as_str())
                .any(|(at, _)| whole_word(text, at..at + normal.len()))
        })
        .map(|(class, _, marker)| (*class, *marker))
}

/// A finding's message: the rule's explanation, and for the wording model the words that
/// weighed most, so a reviewer sees why the sentence was read as a claim.
fn with_cues(explanation: &str, cues: &[String]) -> String {
    if cues.is_empty() {
        explanation.to_owned()
    } else {
        format!(
            "{explanation} Words that weighed most: {}.",
            cues.join(", ")
        )
    }
}

/// Lints every page and puts the findings in a report, with the levels `options.policy`
/// gives them.
pub fn lint_pages(pages: &[Page], options: &LintOptions) -> LintReport {
    let mut linters: HashMap<Option<ProductClass>, Linter<'static>> = HashMap::new();
    let files = pages
        .iter()
        .map(|page| {
            let extracted = extract(&page.source, page.format);
            let text = extracted.text();
            // Text out of markup has its soft wraps joined: each line is a block.
            let lines = match page.format {
                SourceFormat::Text => Lines::Wrapped,
                SourceFormat::Markdown | SourceFormat::Html => Lines::Blocks,
            };
            let normalized = normalize_lines(text, lines);
            let class = match options.class {
                Some(class) => ClassChoice::Given(class),
                None => match detect_class(&normalized) {
                    Some((class, word)) => ClassChoice::Detected {
                        class,
                        word: word.to_owned(),
                    },
                    None => ClassChoice::Unknown,
                },
            };
            let linter = linters.entry(class.class()).or_insert_with(|| {
                Linter::new(options.rules, class.class(), &options.jurisdictions)
            });
            let codes = CodeBook {
                rules: options.rules,
                class: class.class(),
            };
            let line_index = LineIndex::new(&page.source);
            // A finding of `rule` at a range of the extracted text; a disclosure missing
            // from a page with nothing that needed it is reported at the top of the file.
            let finding =
                |rule: &'static Rule, range: Option<std::ops::Range<usize>>, cues: &[String]| {
                    let code = codes.wording(rule);
                    let (line, column, end_line, end_column, phrase, context) = match range {
                        Some(range) => {
                            let source = extracted.source_range(range);
                            let (line, column) = line_index.line_column(source.start);
                            let (end_line, end_column) = line_index.line_column(source.end);
                            let context = context(&page.source, source.start, source.end);
                            let phrase = page.source[source].to_owned();
                            (line, column, end_line, end_column, phrase, context)
                        }
                        None => (1, 1, 1, 1, String::new(), String::new()),
                    };
                    LintFinding {
                        code,
                        level: options.policy.level(code),
                        line,
                        column,
                        end_line,
                        end_column,
                        phrase,
                        context,
                        message: with_cues(&rule.explanation, cues),
                        cues: cues.to_vec(),
                        rule,
                    }
                };
            let (phrases, missing) = linter.check_normalized(text, &normalized);
            let mut findings: Vec<LintFinding> = phrases
                .into_iter()
                .map(|hit| finding(hit.rule, Some(hit.range), &hit.cues))
                .chain(missing.into_iter().map(|missing| {
                    finding(missing.rule, missing.trigger.map(|(range, _)| range), &[])
                }))
                .collect();
            findings.sort_by_key(|f| (f.line, f.column, f.code));
            LintedFile {
                path: page.path.clone(),
                format: page.format,
                class,
                findings,
            }
        })
        .collect();
    LintReport::assemble(
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        options.generated_at.clone(),
        options.jurisdictions.clone(),
        files,
        options.policy.overrides().to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_says_what_it_sells_in_its_own_words() {
        let cases: &[(&str, Option<ProductClass>)] = &[
            (
                "当院では幹細胞培養上清液の点滴を行っています。",
                Some(ProductClass::Clinic),
            ),
            (
                "Book a consultation at our clinic.",
                Some(ProductClass::Clinic),
            ),
            (
                "【医薬部外品】薬用美白クリーム",
                Some(ProductClass::QuasiDrug),
            ),
            ("第2類医薬品 かぜ薬", Some(ProductClass::Drug)),
            ("ビタミンCサプリ 60粒", Some(ProductClass::Supplement)),
            ("Our serum is fragrance-free.", Some(ProductClass::Cosmetic)),
            // "clinic" inside "clinically" is not a clinic.
            (
                "Clinically tested capsules for daily use.",
                Some(ProductClass::Supplement),
            ),
            ("Clinically tested, fragrance free.", None),
            ("Open Monday to Friday.", None),
        ];
        for &(text, class) in cases {
            assert_eq!(
                detect_class(&normalize(text)).map(|(c, _)| c),
                class,
                "{text}"
            );
        }
    }
}
