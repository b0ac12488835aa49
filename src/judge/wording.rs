//! What a claim's own wording says, as far as judging its evidence needs: whether it
//! promises an effect in people (then it is judged as an efficacy claim whatever `kind`
//! the file gives it), and which groups of people it speaks about (then the source must
//! have studied them). Japanese and English, matched as phrases after normalisation.

use crate::claims::ClaimKind;
use crate::pubmed::record::Record;
use crate::text::{SearchableText, fold, nfkc};

/// English phrases promising an effect in people, matched with their inflections
/// ("rejuvenate" covers "rejuvenating", "reduce wrinkles" covers "reduces wrinkles").
const EFFECT_PROMISES_EN: &[&str] = &[
    "improve",
    "improvement",
    "cure",
    "heal",
    "rejuvenate",
    "rejuvenation",
    "reverse aging",
    "reverse ageing",
    "anti-aging",
    "anti-ageing",
    "eliminate",
    "get rid of",
    "you will feel",
    "reduce wrinkles",
    "fewer wrinkles",
    "look younger",
    "regrow",
];

/// Japanese phrases promising an effect in people (matched in the NFKC text; Japanese
/// has no spaces to split words at).
const EFFECT_PROMISES_JA: &[&str] = &[
    "改善",
    "若返",
    "効果を実感",
    "実感でき",
    "治る",
    "治す",
    "治り",
    "完治",
    "解消",
    "効く",
    "効きます",
    "よみがえ",
    "消える",
    "消えます",
    "減らす",
    "減らします",
    "生えて",
    "痩せ",
    "やせる",
];

/// Whether the wording promises an effect in people.
pub(super) fn promises_effect(text: &str) -> Option<&'static str> {
    let normal = nfkc(text);
    if let Some(phrase) = EFFECT_PROMISES_JA.iter().find(|p| normal.contains(*p)) {
        return Some(phrase);
    }
    let words = SearchableText::new([text]);
    EFFECT_PROMISES_EN
        .iter()
        .find(|p| words.mentions(p))
        .copied()
}

/// The kind a claim is judged as: an efficacy claim when its wording promises an effect
/// in people, whatever the file says.
pub(super) fn judged_kind(kind: ClaimKind, text: &str) -> (ClaimKind, Option<&'static str>) {
    match kind {
        ClaimKind::Efficacy | ClaimKind::Safety => (kind, None),
        _ => match promises_effect(text) {
            Some(phrase) => (ClaimKind::Efficacy, Some(phrase)),
            None => (kind, None),
        },
    }
}

/// A group of people a claim may speak about, which a source must then have studied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Group {
    /// The group in plain words.
    pub name: &'static str,
    english: &'static [&'static str],
    japanese: &'static [&'static str],
    /// MeSH headings NLM gives a study of the group (any one will do).
    mesh: &'static [&'static str],
}

const GROUPS: &[Group] = &[
    Group {
        name: "children",
        english: &[
            "child",
            "children",
            "kids",
            "infant",
            "infants",
            "baby",
            "babies",
            "toddlers",
            "newborns",
            "pediatric",
            "paediatric",
        ],
        japanese: &[
            "子ども",
            "子供",
            "こども",
            "小児",
            "乳幼児",
            "乳児",
            "幼児",
            "新生児",
            "赤ちゃん",
        ],
        mesh: &[
            "Child",
            "Child, Preschool",
            "Infant",
            "Infant, Newborn",
            "Adolescent",
        ],
    },
    Group {
        name: "pregnant women",
        english: &["pregnant", "pregnancy", "expectant mothers"],
        japanese: &["妊婦", "妊娠", "妊産婦"],
        mesh: &["Pregnancy", "Pregnant People", "Pregnant Women"],
    },
    Group {
        name: "breastfeeding mothers",
        english: &[
            "breastfeeding",
            "breast-feeding",
            "nursing mothers",
            "lactating",
        ],
        japanese: &["授乳"],
        mesh: &["Breast Feeding", "Lactation"],
    },
    Group {
        name: "older people",
        english: &[
            "elderly",
            "older adults",
            "older people",
            "seniors",
            "aged over",
        ],
        japanese: &["高齢者", "お年寄り", "シニア"],
        mesh: &["Aged", "Aged, 80 and over", "Frail Elderly"],
    },
];

/// The groups of people the claim's wording speaks about.
pub(super) fn groups_named(text: &str) -> Vec<Group> {
    let normal = nfkc(text);
    let words = SearchableText::new([text]);
    GROUPS
        .iter()
        .filter(|group| {
            group.japanese.iter().any(|p| normal.contains(p))
                || group.english.iter().any(|p| words.has_phrase(p))
        })
        .copied()
        .collect()
}

impl Group {
    /// Whether NLM's indexers say the record studied this group. Without MeSH this
    /// cannot be established from the record: words in an abstract ("children were
    /// excluded") prove nothing.
    pub(super) fn studied_in(&self, record: &Record) -> bool {
        record.mesh.iter().any(|heading| {
            let heading = fold(&heading.descriptor);
            self.mesh.iter().any(|m| fold(m) == heading)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effect_promises_make_an_efficacy_claim() {
        let (kind, why) = judged_kind(ClaimKind::Mechanism, "肌のハリを改善します");
        assert_eq!((kind, why), (ClaimKind::Efficacy, Some("改善")));
        let (kind, _) = judged_kind(ClaimKind::Background, "It improves skin elasticity");
        assert_eq!(kind, ClaimKind::Efficacy);
        let (kind, why) = judged_kind(ClaimKind::Mechanism, "エクソソームはmiRNAを運ぶ");
        assert_eq!((kind, why), (ClaimKind::Mechanism, None));
        assert_eq!(
            judged_kind(ClaimKind::Safety, "改善").0,
            ClaimKind::Safety,
            "a safety claim keeps its stricter reading"
        );
        // Inflected and everyday forms of the same promises.
        for text in [
            "Our exosome serum reduces wrinkles.",
            "A rejuvenating drip.",
            "Healing your skin from within.",
            "シワが消える美容液",
        ] {
            assert_eq!(
                judged_kind(ClaimKind::Mechanism, text).0,
                ClaimKind::Efficacy,
                "{text}"
            );
        }
        assert_eq!(
            judged_kind(
                ClaimKind::Mechanism,
                "Exosomes carry microRNA between cells."
            )
            .0,
            ClaimKind::Mechanism
        );
    }

    #[test]
    fn groups_are_read_in_both_languages() {
        let names =
            |text: &str| -> Vec<&str> { groups_named(text).iter().map(|g| g.name).collect() };
        assert_eq!(
            names("妊婦や子どもにも安全です"),
            ["children", "pregnant women"]
        );
        assert_eq!(
            names("Safe for children and the elderly"),
            ["children", "older people"]
        );
        assert!(names("肌のハリ").is_empty());
    }
}
