//! What the page advertises: a name, the English terms that tell its papers from other
//! products' (the cell source, the active ingredient, an acronym the page defines), the
//! product class its own words suggest, and where it is read.

use std::sync::LazyLock;

use regex::Regex;

use super::blocks::Block;
use super::glossary::{self, Role};
use crate::claims::Product;
use crate::lint::Jurisdiction;
use crate::lint::model::Language;
use crate::lint::normalize::normalize;
use crate::lint::page::detect_class;

/// A Japanese product name: a run of kanji/katakana ending in a product noun.
static JAPANESE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{Han}\p{Katakana}ー・]*(?:培養上清液|上清液|エクソソーム|エキソソーム|サプリメント|美容液|クリーム|化粧水|セラム|点滴|注射|療法|ドリンク|パウダー|カプセル)")
        .expect("valid built-in pattern")
});
/// Words with which a page speaks of its own product.
const SELF: &[&str] = &[
    "当院",
    "当クリニック",
    "当社",
    "弊社",
    "本品",
    "本製品",
    "our ",
    "Our ",
];

/// The product as drafted, with a line saying how it was found (for the file's comment).
#[derive(Debug, Clone)]
pub struct DraftedProduct {
    pub product: Product,
    pub how: String,
}

pub fn draft(blocks: &[Block], language: Language) -> DraftedProduct {
    let whole: String = blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let class = detect_class(&normalize(&whole));
    let (mut name, mut how) = match language {
        Language::Japanese => japanese_name(blocks, &whole),
        Language::English => english_name(blocks),
    };
    if name.is_empty() {
        // The claims file needs a name; say plainly that this one is a stand-in.
        name = "(product name not found on the page)".into();
        how.push_str(": fill in `name`");
    }
    let terms = terms(&name, &whole);
    let jurisdictions = match language {
        Language::Japanese => vec![Jurisdiction::Jp],
        Language::English => Vec::new(),
    };
    let class_how = class.map_or_else(
        || "no class word found".to_owned(),
        |(class, word)| format!("class {} from “{word}”", class.as_str()),
    );
    DraftedProduct {
        product: Product {
            name,
            terms,
            class: class.map(|(class, _)| class),
            jurisdictions,
        },
        how: format!("{how}; {class_how}"),
    }
}

/// The product noun the page names most, preferring the more specific name the page
/// uses of its own product ("当院の…歯髄幹細胞培養上清液" over "幹細胞培養上清液").
fn japanese_name(blocks: &[Block], whole: &str) -> (String, String) {
    let mut candidates: Vec<(String, usize, bool)> = Vec::new();
    for block in blocks {
        let own = SELF.iter().any(|s| block.text.contains(s));
        for found in JAPANESE_NAME.find_iter(&block.text) {
            let name = found.as_str().trim_start_matches('・');
            if name.chars().count() < 3 {
                continue;
            }
            match candidates.iter_mut().find(|(n, ..)| n == name) {
                Some(entry) => entry.2 |= own,
                None => candidates.push((name.to_owned(), whole.matches(name).count(), own)),
            }
        }
    }
    // What the page says of its own product ("当院では…") outweighs what it names most.
    let any_own = candidates.iter().any(|(_, _, own)| *own);
    let Some(best) = candidates
        .iter()
        .filter(|(_, _, own)| *own || !any_own)
        .max_by_key(|(name, count, _)| (*count, name.len()))
    else {
        return (String::new(), "no product name found".into());
    };
    let specific = candidates
        .iter()
        .filter(|(name, _, own)| {
            *own && name.len() > best.0.len() && name.contains(best.0.as_str())
        })
        .max_by_key(|(name, count, _)| (*count, name.len()));
    match specific {
        Some((name, ..)) => (
            name.clone(),
            format!("the page's own {name} (more specific than {})", best.0),
        ),
        None => (
            best.0.clone(),
            format!("the product noun the page names most ({} times)", best.1),
        ),
    }
}

/// The page's title or first heading, up to a separator ("Name | Clinic", "Name – …").
fn english_name(blocks: &[Block]) -> (String, String) {
    let Some(heading) = blocks.iter().find(|b| b.is_heading()) else {
        return (String::new(), "no title or heading: fill in `name`".into());
    };
    let name = [" | ", " – ", " — ", " - ", ": "]
        .iter()
        .fold(heading.text.as_str(), |name, sep| {
            name.split(sep).next().unwrap_or(name)
        })
        .trim();
    (name.to_owned(), "the page's title".into())
}

/// The English terms that set the product apart: glossary sources and ingredients in its
/// name (not its form, which papers on other products share), and an acronym the page
/// defines for one of them ("歯髄幹細胞(DPSC:…)").
fn terms(name: &str, whole: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    fn add(terms: &mut Vec<String>, term: &str) {
        if !term.is_empty() && !terms.iter().any(|t| t.eq_ignore_ascii_case(term)) {
            terms.push(term.to_owned());
        }
    }
    for term in glossary::terms().iter().filter(|t| t.role == Role::Product) {
        let in_name = name.contains(term.japanese)
            || glossary::word_position(
                &name.to_ascii_lowercase(),
                &term.english.to_ascii_lowercase(),
            )
            .is_some();
        if !in_name {
            continue;
        }
        add(&mut terms, term.english);
        if let Some(acronym) =
            defined_acronym(whole, term.japanese).or_else(|| defined_acronym(whole, term.english))
        {
            add(&mut terms, &acronym);
        }
    }
    if terms.is_empty() {
        // Only a form ("幹細胞培養上清液"): better than nothing, and the file's comment
        // asks for what sets it apart.
        for term in glossary::find(name)
            .into_iter()
            .filter(|t| t.role == Role::Form)
        {
            add(&mut terms, term.english);
        }
    }
    terms
}

/// "歯髄幹細胞(DPSC:Dental Pulp Stem Cell)" → DPSC.
fn defined_acronym(whole: &str, term: &str) -> Option<String> {
    let pattern = format!(
        r"(?i){}\s*[(（]\s*([A-Z][A-Za-z-]{{1,9}})\b",
        regex::escape(term)
    );
    let found = Regex::new(&pattern).ok()?.captures(whole)?;
    let acronym = found[1].to_owned();
    acronym
        .chars()
        .filter(char::is_ascii_uppercase)
        .count()
        .ge(&2)
        .then_some(acronym)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::read::text;
    use crate::lint::ProductClass;

    #[test]
    fn the_clinics_own_specific_product_is_named_with_its_source_terms() {
        let blocks = text::read(
            "幹細胞培養上清液とは何か。幹細胞培養上清液の効果。幹細胞培養上清液は人気です。\n【当院の特徴:歯髄幹細胞培養上清液の採用】\n当院では歯髄幹細胞(DPSC:Dental Pulp Stem Cell)由来の上清液を使用しています。\n",
        );
        let drafted = draft(&blocks, Language::Japanese);
        assert_eq!(drafted.product.name, "歯髄幹細胞培養上清液");
        assert_eq!(
            drafted.product.terms,
            ["dental pulp stem cell", "DPSC", "dental pulp"]
        );
        assert_eq!(drafted.product.class, Some(ProductClass::Clinic));
        assert_eq!(drafted.product.jurisdictions, [Jurisdiction::Jp]);
    }

    #[test]
    fn an_english_page_is_named_by_its_title() {
        let blocks = text::read(
            "# GlowCell Retinol Night Serum | Example Skincare\nOur retinol serum reduces fine lines.\n",
        );
        let drafted = draft(&blocks, Language::English);
        assert_eq!(drafted.product.name, "GlowCell Retinol Night Serum");
        assert_eq!(drafted.product.terms, ["retinol"]);
    }
}
