//! The wording model: a second reader for the sentences no phrase rule matched.
//!
//! Phrase rules catch the wording they list, and real copy keeps finding new ways to say
//! the same thing (「他の追随を許さない」, "nothing can go wrong"): on copy the rules had
//! never seen they flagged about 8 in 10 of the sentences a reviewer flags. The model is a
//! logistic regression over the words of a sentence (character 1–3-grams of Japanese,
//! words and word pairs of English), trained on this project's labelled corpora
//! (`tests/lint_corpus/dev*`); it reads each sentence the rules left alone and flags the
//! ones that read like what reviewers flag, naming the words that weighed most.
//!
//! Its weights are data (`src/lint/wording-model.tsv`, compiled into the binary) that
//! `tests/wording_model.rs` checks are what training on the corpora gives, so the file is
//! never edited by hand: `CLAIMAUDIT_TRAIN_MODEL=1 cargo test --release --test
//! wording_model` writes it again after the corpora change.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::LazyLock;

use super::normalize::{BOUNDARY, Normalized, is_japanese, normalize};
use super::rules::ProductClass;

/// A sentence is flagged when the model gives it at least this probability of being
/// flagged by a reviewer. Chosen on held-apart development sets so that, with the phrase
/// rules, at least 19 in 20 clean sentences are left alone.
pub const FLAG_PROBABILITY: f64 = 0.9;

/// Weights below this size are dropped from the shipped file: they never decide a
/// sentence and would only make the file bigger.
const PRUNE_BELOW: f64 = 0.2;

/// The language a sentence is read in: a sentence with any Japanese in it is Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Japanese,
    English,
}

impl Language {
    pub fn of(sentence: &str) -> Language {
        if sentence.chars().any(is_japanese) {
            Language::Japanese
        } else {
            Language::English
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Language::Japanese => "ja",
            Language::English => "en",
        }
    }

    fn from_tag(tag: &str) -> Option<Language> {
        match tag {
            "ja" => Some(Language::Japanese),
            "en" => Some(Language::English),
            _ => None,
        }
    }
}

/// The name of the intercept among a language's features.
const BIAS: &str = "<bias>";

/// A stable 64-bit FNV-1a hash, fed piece by piece, so a feature is looked up without
/// building its name (`w:` + word is hashed as the pieces are visited).
#[derive(Clone, Copy)]
struct FeatureHash(u64);

impl FeatureHash {
    fn new() -> Self {
        FeatureHash(0xcbf2_9ce4_8422_2325)
    }

    fn add(mut self, piece: &str) -> Self {
        for byte in piece.bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    fn of(name: &str) -> u64 {
        FeatureHash::new().add(name).0
    }
}

/// Feature hashes are already well mixed: a map keyed by them needs no second hash.
#[derive(Default, Clone, Copy)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type ByHash<V> = HashMap<u64, V, BuildHasherDefault<Prehashed>>;
type HashesSeen = HashSet<u64, BuildHasherDefault<Prehashed>>;

/// What [`features`] tells its visitor about one feature: its hash, the bytes of the
/// sentence it covers (none for the intercept and the class), and its name.
type Visit<'v> = dyn FnMut(u64, Option<Range<usize>>, &dyn Fn() -> String) + 'v;

/// Calls `visit` once with each feature of a normalised sentence.
fn features(sentence: &str, language: Language, class: Option<ProductClass>, visit: &mut Visit) {
    let mut seen = HashesSeen::default();
    let mut emit = |hash: u64, span: Option<Range<usize>>, name: &dyn Fn() -> String| {
        if seen.insert(hash) {
            visit(hash, span, name);
        }
    };
    emit(FeatureHash::of(BIAS), None, &|| BIAS.to_owned());
    if let Some(class) = class {
        let hash = FeatureHash::new().add("class:").add(class.as_str()).0;
        emit(hash, None, &|| format!("class:{}", class.as_str()));
    }
    match language {
        Language::Japanese => {
            // Japanese has no spaces between words: every run of one to three characters
            // (spaces, which only stand between Latin words here, are skipped).
            let chars: Vec<(usize, &str)> = sentence
                .char_indices()
                .filter(|(_, c)| !c.is_whitespace())
                .map(|(at, c)| (at, &sentence[at..at + c.len_utf8()]))
                .collect();
            for start in 0..chars.len() {
                for n in 1..=3.min(chars.len() - start) {
                    let gram = &chars[start..start + n];
                    let hash = gram
                        .iter()
                        .fold(FeatureHash::new(), |hash, (_, c)| hash.add(c))
                        .0;
                    let (last_at, last) = gram[n - 1];
                    let name = || gram.iter().map(|(_, c)| *c).collect();
                    emit(hash, Some(gram[0].0..last_at + last.len()), &name);
                }
            }
        }
        Language::English => {
            let words: Vec<(usize, &str)> = sentence
                .split(|c: char| !(c.is_alphanumeric() || c == '%'))
                .filter(|w| !w.is_empty())
                .map(|w| (w.as_ptr() as usize - sentence.as_ptr() as usize, w))
                .collect();
            for &(at, word) in &words {
                let hash = FeatureHash::new().add("w:").add(word).0;
                emit(hash, Some(at..at + word.len()), &|| format!("w:{word}"));
            }
            for pair in words.windows(2) {
                let ((at, first), (second_at, second)) = (pair[0], pair[1]);
                let hash = FeatureHash::new()
                    .add("b:")
                    .add(first)
                    .add(" ")
                    .add(second)
                    .0;
                emit(hash, Some(at..second_at + second.len()), &|| {
                    format!("b:{first} {second}")
                });
            }
        }
    }
}

/// The model's reading of one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The probability that a reviewer would flag the sentence.
    pub probability: f64,
    /// The words that weighed most towards flagging it, strongest first: byte ranges of
    /// the sentence read.
    pub cues: Vec<Range<usize>>,
}

impl Reading {
    pub fn flags(&self) -> bool {
        self.probability >= FLAG_PROBABILITY
    }
}

/// The weights of one language, by feature hash.
#[derive(Debug, Clone, Default)]
struct Weights(ByHash<f64>);

/// The trained model: a weight per feature, for each language.
#[derive(Debug, Clone, Default)]
pub struct WordingModel {
    weights: HashMap<Language, Weights>,
}

/// The model compiled into the binary.
pub const BUILTIN_MODEL: &str = include_str!("wording-model.tsv");

static BUILTIN: LazyLock<WordingModel> = LazyLock::new(|| {
    WordingModel::parse(BUILTIN_MODEL)
        .unwrap_or_else(|e| panic!("the built-in wording model is invalid (a test checks it): {e}"))
});

/// The cues named in a finding.
const CUES: usize = 3;

impl WordingModel {
    pub fn builtin() -> &'static WordingModel {
        &BUILTIN
    }

    /// Reads the model file: `#` comments, then `language<TAB>feature<TAB>weight` rows.
    pub fn parse(text: &str) -> Result<WordingModel, String> {
        let mut model = WordingModel::default();
        for (index, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let at = index + 1;
            let mut fields = line.split('\t');
            let (Some(tag), Some(name), Some(weight), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(format!("line {at}: not three tab-separated fields"));
            };
            let language = Language::from_tag(tag)
                .ok_or_else(|| format!("line {at}: unknown language `{tag}`"))?;
            let weight: f64 = weight
                .parse()
                .map_err(|_| format!("line {at}: `{weight}` is not a number"))?;
            model
                .weights
                .entry(language)
                .or_default()
                .0
                .insert(FeatureHash::of(name), weight);
        }
        if model.weights.len() != 2 {
            return Err("the model needs weights for both ja and en".into());
        }
        Ok(model)
    }

    /// Reads one normalised sentence of a page of `class`.
    pub fn read(&self, sentence: &str, class: Option<ProductClass>) -> Reading {
        let language = Language::of(sentence);
        let Some(weights) = self.weights.get(&language) else {
            return Reading {
                probability: 0.0,
                cues: Vec::new(),
            };
        };
        let mut sum = 0.0;
        features(sentence, language, class, &mut |hash, _, _| {
            sum += weights.0.get(&hash).copied().unwrap_or(0.0);
        });
        let probability = sigmoid(sum);
        // Most sentences are not flagged: only a flagged one is read again for its cues.
        let mut pulls: Vec<(f64, Range<usize>)> = Vec::new();
        if probability >= FLAG_PROBABILITY {
            features(sentence, language, class, &mut |hash, span, _| {
                let weight = weights.0.get(&hash).copied().unwrap_or(0.0);
                if let Some(span) = span.filter(|_| weight > 0.0) {
                    pulls.push((weight, span));
                }
            });
        }
        Reading {
            probability,
            cues: cues(pulls),
        }
    }

    /// The sentences of a normalised text the model flags (byte ranges in it, spaces
    /// trimmed, and the cues as ranges of the text too), skipping those `skip` says are
    /// already flagged.
    pub fn flagged_sentences(
        &self,
        text: &Normalized,
        class: Option<ProductClass>,
        skip: impl Fn(&std::ops::Range<usize>) -> bool,
    ) -> Vec<(std::ops::Range<usize>, Reading)> {
        let haystack = text.as_str();
        let mut flagged = Vec::new();
        let mut start = 0;
        for piece in haystack.split(BOUNDARY) {
            let trimmed = piece.trim();
            let at = start + (piece.len() - piece.trim_start().len());
            let range = at..at + trimmed.len();
            start += piece.len() + BOUNDARY.len_utf8();
            if too_short(trimmed) || skip(&range) {
                continue;
            }
            let mut reading = self.read(trimmed, class);
            if reading.flags() {
                for cue in &mut reading.cues {
                    *cue = cue.start + range.start..cue.end + range.start;
                }
                flagged.push((range, reading));
            }
        }
        flagged
    }
}

/// The strongest pulls towards flagging, as at most [`CUES`] spans, strongest first:
/// overlapping or touching pieces (「改善」 and 「善し」) join into one span, so a cue
/// reads as words rather than as fragments.
fn cues(mut pulls: Vec<(f64, Range<usize>)>) -> Vec<Range<usize>> {
    pulls.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.start.cmp(&b.1.start))
            .then_with(|| a.1.end.cmp(&b.1.end))
    });
    // Only the strongest few: nearly every character is in some piece that pulls a
    // little, and joining them all would name the whole sentence.
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (_, span) in pulls.into_iter().take(2 * CUES) {
        let overlapping = spans
            .iter()
            .position(|s| span.start <= s.end && s.start <= span.end);
        match overlapping {
            Some(i) => spans[i] = spans[i].start.min(span.start)..spans[i].end.max(span.end),
            None if spans.len() < CUES => spans.push(span),
            None => {}
        }
    }
    spans
}

/// Headings, table headers and menu items ("Side effects", 「当院製剤の品質管理体制」) are
/// not the sentences the model learnt from, and it reads their nouns as claims; the short
/// claims among them are the phrase rules' to catch. Leaving fragments out cost the
/// development sets at most half a point of recall.
fn too_short(sentence: &str) -> bool {
    const MIN_JAPANESE_CHARS: usize = 12;
    const MIN_ENGLISH_WORDS: usize = 4;
    match Language::of(sentence) {
        Language::Japanese => {
            sentence.chars().filter(|c| !c.is_whitespace()).count() < MIN_JAPANESE_CHARS
        }
        Language::English => sentence.split_whitespace().count() < MIN_ENGLISH_WORDS,
    }
}

/// The wording model's cues as the copy writes them, quoted: each widened to the whole
/// katakana, kanji or Latin word at its edges (「ゲン生」 is 「コラーゲン生成」), and a cue
/// inside another dropped.
pub(super) fn cue_words(text: &str, normalized: &Normalized, cues: &[Range<usize>]) -> Vec<String> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    for cue in cues {
        let span = widen_to_words(text, normalized.source_range(cue.clone()));
        if let Some(i) = spans
            .iter()
            .position(|s| span.start < s.end && s.start < span.end)
        {
            spans[i] = spans[i].start.min(span.start)..spans[i].end.max(span.end);
        } else {
            spans.push(span);
        }
    }
    spans
        .into_iter()
        .map(|span| {
            let words = &text[span];
            if words.chars().any(is_japanese) {
                format!("「{words}」")
            } else {
                format!("‘{words}’")
            }
        })
        .collect()
}

/// The kind of word a character belongs to, for widening a cue; hiragana (mostly
/// particles and endings) and punctuation belong to none.
fn word_script(c: char) -> Option<u8> {
    match c {
        '\u{30A0}'..='\u{30FF}' | '\u{FF66}'..='\u{FF9F}' => Some(0),
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => Some(1),
        c if c.is_alphanumeric() && !is_japanese(c) => Some(2),
        _ => None,
    }
}

fn widen_to_words(text: &str, mut range: Range<usize>) -> Range<usize> {
    if let Some(script) = text[range.clone()].chars().next().and_then(word_script) {
        while let Some(c) = text[..range.start].chars().next_back() {
            if word_script(c) != Some(script) {
                break;
            }
            range.start -= c.len_utf8();
        }
    }
    if let Some(script) = text[range.clone()]
        .chars()
        .next_back()
        .and_then(word_script)
    {
        while let Some(c) = text[range.end..].chars().next() {
            if word_script(c) != Some(script) {
                break;
            }
            range.end += c.len_utf8();
        }
    }
    range
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
}

/// A labelled sentence to learn from.
#[derive(Debug, Clone)]
pub struct Example<'a> {
    pub text: &'a str,
    pub class: Option<ProductClass>,
    pub flagged: bool,
}

/// How training goes: passes over the data, step size, L2 penalty.
const EPOCHS: usize = 15;
const STEP: f64 = 0.5;
const PENALTY: f64 = 1e-4;

/// A trained model with its feature names, ready to be written out.
pub struct Trained {
    /// (language, feature, weight), sorted.
    rows: Vec<(Language, String, f64)>,
}

impl Trained {
    /// Learns the weights from `examples` (logistic regression, AdaGrad steps in an order
    /// shuffled by a fixed seed, so the same corpora always give the same file).
    pub fn from_examples(examples: &[Example<'_>]) -> Trained {
        // Each example as the model reads it: normalised, its sentences joined.
        let sentences: Vec<String> = examples
            .iter()
            .map(|example| {
                let normalized = normalize(example.text);
                normalized.as_str().replace(BOUNDARY, " ").trim().to_owned()
            })
            .collect();
        let mut rows = Vec::new();
        for language in [Language::Japanese, Language::English] {
            let mut names: HashMap<u64, String> = HashMap::new();
            let data: Vec<(bool, Vec<u64>)> = examples
                .iter()
                .zip(&sentences)
                .filter(|(_, sentence)| Language::of(sentence) == language)
                .map(|(example, sentence)| {
                    let mut hashes = Vec::new();
                    features(sentence, language, example.class, &mut |hash, _, name| {
                        names.entry(hash).or_insert_with(name);
                        hashes.push(hash);
                    });
                    (example.flagged, hashes)
                })
                .collect();
            let weights = fit(&data);
            let mut kept: Vec<(Language, String, f64)> = weights
                .into_iter()
                .filter(|(hash, w)| w.abs() >= PRUNE_BELOW || names[hash] == BIAS)
                .map(|(hash, w)| {
                    (
                        language,
                        names[&hash].clone(),
                        (w * 1000.0).round() / 1000.0,
                    )
                })
                .collect();
            kept.sort_by(|a, b| a.1.cmp(&b.1));
            rows.extend(kept);
        }
        Trained { rows }
    }

    /// The model file's text.
    pub fn to_tsv(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            let _ = writeln!(out, "# {line}");
        }
        for (language, name, weight) in &self.rows {
            let _ = writeln!(out, "{}\t{name}\t{weight}", language.tag());
        }
        out
    }
}

/// Logistic regression by AdaGrad over sparse binary features.
fn fit(data: &[(bool, Vec<u64>)]) -> HashMap<u64, f64> {
    let mut weights: HashMap<u64, f64> = HashMap::new();
    let mut squared: HashMap<u64, f64> = HashMap::new();
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed = SplitMix(0x5eed);
    for _ in 0..EPOCHS {
        // Fisher–Yates with a fixed seed: a shuffled order, the same on every run.
        for i in (1..order.len()).rev() {
            let j = (seed.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &index in &order {
            let (flagged, hashes) = &data[index];
            let z: f64 = hashes
                .iter()
                .map(|h| weights.get(h).copied().unwrap_or(0.0))
                .sum();
            let error = sigmoid(z) - if *flagged { 1.0 } else { 0.0 };
            for hash in hashes {
                let weight = weights.entry(*hash).or_insert(0.0);
                let gradient = error + PENALTY * *weight;
                let sum = squared.entry(*hash).or_insert(0.0);
                *sum += gradient * gradient;
                *weight -= STEP * gradient / (*sum + 1e-8).sqrt();
            }
        }
    }
    weights
}

/// A small fixed-seed generator (SplitMix64), so training needs no random-number crate.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sentence: &str, class: Option<ProductClass>) -> Vec<String> {
        let mut out = Vec::new();
        features(
            sentence,
            Language::of(sentence),
            class,
            &mut |_, _, name| out.push(name()),
        );
        out
    }

    #[test]
    fn japanese_is_read_in_runs_of_one_to_three_characters_and_english_in_words_and_pairs() {
        assert_eq!(
            names("肌が若", None),
            ["<bias>", "肌", "肌が", "肌が若", "が", "が若", "若"]
        );
        assert_eq!(
            names("cures acne fast", Some(ProductClass::Cosmetic)),
            [
                "<bias>",
                "class:cosmetic",
                "w:cures",
                "w:acne",
                "w:fast",
                "b:cures acne",
                "b:acne fast"
            ]
        );
    }

    #[test]
    fn a_model_file_that_does_not_read_is_refused_with_its_line() {
        assert!(WordingModel::parse("ja\t<bias>\t0\nen\t<bias>\t0\n").is_ok());
        let bad = [
            ("ja\t<bias>\t0\n", "both"),
            ("ja\t<bias>\tzero\nen\t<bias>\t0\n", "line 1"),
            (
                "# c\nfr\tw:x\t1\nen\t<bias>\t0\n",
                "line 2: unknown language",
            ),
            ("ja\t<bias>\nen\t<bias>\t0\n", "line 1: not three"),
        ];
        for (text, says) in bad {
            let error = WordingModel::parse(text).unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }

    /// Training learns which words go with flagged sentences, gives the same weights on
    /// every run, and the model reads them back from its own file.
    #[test]
    fn training_learns_the_words_of_flagged_sentences_the_same_way_every_time() {
        let flagged = [
            "this cream cures acne overnight",
            "our pills cure back pain forever",
            "the drip cures tiredness for good",
            "a serum that cures wrinkles quickly",
        ];
        let clean = [
            "the clinic opens at nine on weekdays",
            "parking is available behind the building",
            "please book your visit by telephone",
            "prices include tax and aftercare",
        ];
        let examples: Vec<Example<'_>> = flagged
            .iter()
            .map(|text| (text, true))
            .chain(clean.iter().map(|text| (text, false)))
            .chain(std::iter::once((&"肌が若返る", true)))
            .chain(std::iter::once((&"駐車場があります", false)))
            .map(|(text, flagged)| Example {
                text,
                class: None,
                flagged,
            })
            .collect();
        let first = Trained::from_examples(&examples).to_tsv("test");
        assert_eq!(first, Trained::from_examples(&examples).to_tsv("test"));
        let model = WordingModel::parse(&first).unwrap();
        let new_claim = model.read("this gel cures eczema", None);
        let new_fact = model.read("the gel is sold in the shop", None);
        assert!(
            new_claim.probability > new_fact.probability,
            "{new_claim:?} vs {new_fact:?}"
        );
        let learnt = "this cream cures acne overnight";
        let reading = model.read(learnt, None);
        assert!(reading.flags(), "{reading:?}");
        let cues: Vec<&str> = reading
            .cues
            .iter()
            .map(|cue| &learnt[cue.clone()])
            .collect();
        assert!(cues.iter().any(|cue| cue.contains("cures")), "{cues:?}");
    }

    #[test]
    fn fragments_are_left_to_the_phrase_rules() {
        assert!(too_short("当院製剤の品質管理体制"));
        assert!(!too_short("当院の点滴は他院とは比べものになりません"));
        assert!(too_short("Possible side effects"));
        assert!(!too_short("Nothing can go wrong here"));
    }

    #[test]
    fn overlapping_cues_join_into_words_and_at_most_three_are_named() {
        let pulls = vec![
            (2.0, 0..6),
            (1.5, 3..9),
            (1.0, 20..23),
            (0.9, 30..33),
            (0.8, 40..43),
        ];
        assert_eq!(cues(pulls), [0..9, 20..23, 30..33]);
    }

    #[test]
    fn the_builtin_model_reads_and_flags_what_the_rules_file_says_it_flags() {
        let model = WordingModel::builtin();
        let claim = model.read(
            normalize("お肌の悩みとは無縁の毎日へ").as_str(),
            Some(ProductClass::Cosmetic),
        );
        let fact = model.read(
            normalize("受付時間は平日10時から19時までです").as_str(),
            Some(ProductClass::Cosmetic),
        );
        assert!(claim.flags(), "{claim:?}");
        assert!(!fact.flags(), "{fact:?}");
    }
}
