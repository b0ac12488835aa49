//! Which sentences of a page are claims, and what kind each is.
//!
//! A sentence is drafted when it asserts something a regulator asks evidence for (an
//! effect, safety, how something works, a figure, a scientific fact) and is not part of
//! the page's furniture: navigation, prices, addresses, opening hours, booking lines,
//! legal boilerplate, questions, instructions, and lead-ins ("…以下の特徴があります:").
//! Both lists are this project's own, in the words Japanese and English copy uses.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::claims::ClaimKind;

fn set(patterns: &[&str]) -> RegexSet {
    RegexSet::new(patterns.iter().map(|p| format!("(?i){p}"))).expect("valid built-in patterns")
}

/// Page furniture: never a claim, whatever else the line says.
static FURNITURE: LazyLock<RegexSet> = LazyLock::new(|| {
    set(&[
        // Prices.
        r"[0-9][0-9,]*\s*円|[¥￥$€£]\s?[0-9]|税込|税抜|(?:^|\s)(?:price|pricing|free shipping|送料)",
        r"(?:^|\b)(?:add to cart|buy now|shop now|order now|subscribe|sign up|checkout|in stock)\b|カートに入れる|ご購入はこちら|今すぐ購入|定期便|初回限定",
        // Addresses, phone numbers, e-mail.
        r"〒\s?[0-9]{3}|(?:^|[^0-9])[0-9]{2,4}-[0-9]{3,4}-[0-9]{4}(?:[^0-9]|$)|丁目|番地|\b(?:tel|phone|fax|e-?mail|address)\s*[:：]|電話番号|住所|アクセス[:：]|[\w.+-]+@[\w-]+\.[\w.]+",
        r"\b(?:suite|street|avenue|blvd|road)\b.*[0-9]|[0-9]+\s+\w+\s+(?:street|st\.|avenue|ave\.|road|rd\.)|\b(?:unit|suite|p\.?o\.? box)\s+[0-9]",
        // Postcodes: UK ("M1 0AB"), US ("CA 90210").
        r"(?-i:\b[A-Z]{1,2}[0-9][A-Z0-9]?\s+[0-9][A-Z]{2}\b|\b[A-Z]{2}\s+[0-9]{5}(?:-[0-9]{4})?\b)",
        // Opening hours.
        r"[0-9]{1,2}[:：][0-9]{2}\s*[〜~\-–—]|営業時間|診療時間|受付時間|休診|定休日|(?:^|\b)(?:opening hours|open daily|hours:|mon(?:day)?\s*[-–]\s*(?:fri|sat|sun))",
        // Booking and contact lines.
        r"ご予約|予約受付|予約制|予約はこちら|お問い合わせ|問い合わせ|お申し込み|カウンセリングのご|無料カウンセリング|LINEで|(?:^|\b)(?:book (?:now|an?|your)|schedule (?:a|your)|make an appointment|contact us|call (?:us|now|today)|request a consultation|get in touch)\b",
        // Legal and site boilerplate.
        r"\b[0-9]+\s*%\s*off\b|discount|coupon|promo code|first order|free trial|money-back|subscribe (?:&|and) save|ships? (?:in|within|free)|delivery|returns? policy|customer (?:service|care)|クーポン|割引|ポイント還元|キャンペーン|お支払い|配送|発送|返品|解約|会員登録|営業日|定期コース",
        r"copyright|©|\(c\)\s*(?:19|20)[0-9]{2}|all rights reserved|privacy policy|cookie|terms of (?:use|service)|プライバシー|個人情報|利用規約|特定商取引|免責|運営会社|会社概要|サイトマップ",
        r"not been evaluated by the food and drug administration|not intended to diagnose|consult (?:your|a) (?:doctor|physician|healthcare)|results may vary|individual results vary",
        r"医薬品医療機器等法上の承認を得ていない|未承認医薬品|入手経路|国内の承認医薬品等の有無|自由診療|保険適用外|保険診療",
        // Required notices and disclaimers: they qualify claims, they are not claims.
        r"個人の感想|個人の結果|効果には個人差があります|効果を保証するものではありません|効果・効能を表すものではありません|消費者庁長官に届出|個別審査を受けたものではありません|疾病の診断、治療、予防を目的|食生活は、主食|医薬品ではありません|届出番号",
        r"^(?:原材料名?|全成分|成分|内容量|栄養成分表示|ingredients|full ingredients|other ingredients|nutrition facts|supplement facts|serving size)\s*[:：]?",
        // A bar of links ("Home | Hair | Skin | Basket").
        r"^(?:[^|]{1,30}\|){3,}",
        // Navigation: breadcrumbs and "read more" links.
        r"^(?:home|ホーム|トップ)\s*[>›»/]|\s[>›»]\s.*\s[>›»]\s|(?:^|\b)(?:read more|learn more|see more|view all|back to top|next page|previous page)\b|詳しくはこちら|一覧へ|ページトップ|もっと見る",
    ])
});

/// Questions, instructions and lead-ins: not claims themselves.
static NOT_A_STATEMENT: LazyLock<RegexSet> = LazyLock::new(|| {
    set(&[
        r"[?？]\s*$",
        r"^(?:q|ｑ)\s*[.:：．]",
        r"[:：]\s*$",
        r"(?:以下|下記|次)の(?:通り|とおり|ような|特徴|点|方)|(?:以下|下記|次)に該当",
        // Annotations ("※美白とは…") and hedges ("…というわけではありません"): they qualify.
        r"^[※＊]\s*[^0-9０-９\s]|というわけではありません|とは限りません",
        // Who may not be treated or use it: a notice, not a claim about the product.
        r"方(?:は|には).*(?:受けられません|できません|お断り|ご遠慮|控えて|お控え)|\b(?:not suitable for|should not (?:use|take)|do not use if|if you are pregnant|pregnant or nursing|keep out of reach)",
        // Who cannot be treated ("妊娠中の方"), not a statement about the product.
        r"[のるたいつ]方(?:[(（][^)）]*[)）])?[。.]?$",
    ])
});

/// An imperative ("Apply 4-5 drops…", "Take two capsules…"): directions, unless the
/// sentence goes on to state something ("Use for five years has not been linked…").
static IMPERATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:take|apply|use|mix|store|keep|shake|massage|dispense|consult|ask|visit|click|see|read|try|add|rinse|avoid|do not|don't|tap|pat|spread|dab|press|pump|leave|wash|cleanse|spray|swallow|dissolve|chew|follow|book|call|order)\b")
        .expect("valid built-in pattern")
});
static FINITE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:is|are|was|were|has|have|had|does|did|can|will|shows?|showed|helps?)\b")
        .expect("valid built-in pattern")
});

/// Directions to the reader: an imperative that states nothing.
fn gives_directions(sentence: &str) -> bool {
    IMPERATIVE.is_match(sentence) && !FINITE_VERB.is_match(sentence)
}

/// A run of names ("Aqua, Ascorbic Acid, Glycerin, …", 全成分): a list, not a statement.
fn is_list_of_names(sentence: &str) -> bool {
    let items = sentence.split([',', '、']).count();
    let short = sentence.chars().count() / items <= 25;
    short && (items >= 8 || (items >= 6 && !sentence.trim_end().ends_with(['。', '.'])))
}

/// Advice to the reader ("…医師に相談してください"): not a claim, unless a clause before
/// it states one ("報告は極めて少ないものの、…相談してください").
static INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:ください|下さい|しましょう|ましょう|お勧めします|おすすめします|推奨します|ご留意|ご注意|ご確認)[。.!！]?$")
        .expect("valid built-in pattern")
});
static CONCESSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ものの、|けれど(?:も)?、|ですが、|ますが、").expect("valid built-in pattern")
});

/// Words that make a sentence a statement a regulator asks evidence for.
static CLAIM_SIGNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)",
        // Japanese: effects, safety, mechanism, evidence, figures.
        r"効果|効能|改善|促進|抑制|向上|増加|減少|軽減|回復|再生|修復|若返|美肌|美白|保湿|ハリ|ツヤ|シワ|しわ|たるみ|弾力|育毛|発毛|",
        r"安全|リスク|副作用|危険|刺激|アレルギ|免疫|発熱|腫れ|内出血|稀|",
        r"作用|分泌|発現|経路|シグナル|遺伝子|細胞|因子|タンパク|ペプチド|miRNA|mRNA|含ま|含有|豊富|配合|",
        r"報告|研究|試験|臨床|論文|エビデンス|示さ|確認|認め|証明|実証|期待|可能|考えられ|注目|実感|満足|容易|侵襲|",
        r"敏感肌|肌に|肌を|肌が|処方|弱酸性|低刺激|抑え|防ぐ|防ぎ|なめらか|目立たな|引き締|毛穴|キメ|くすみ|透明感|うるお|潤い|もっちり|しっとり|しなやか|バリア|素肌|サポート|助け|支え|高め|高ま|整え|整う|治る|引き出|届く|腸|記憶|集中|",
        // Testimonials: a customer's word for an effect.
        r"なりました|楽に|気になら|気がします|違います|感じ|すっきり|スッキリ|軽く|変わりました|",
        r"基準|検査|クリア|準拠|認定|承認|厚生労働省|GMP|品質|純度|",
        r"[0-9０-９]+\s*(?:%|％|倍|件|人|名|回|ヶ月|か月|週間|日|nm|mg|個)|約[0-9０-９]|",
        r"治療|予防|症状|疾患|病|障害|炎症|老化|加齢|疲労|睡眠|代謝|血流|",
        // English.
        r"\b(?:improv|reduc|increas|boost|enhanc|restor|repair|heal|prevent|protect|support|promot|strengthen|stimulat|inhibit|suppress|relie|sooth|calm|firm|smooth|brighten|hydrat|moistur|plump|rejuvenat|regenerat|renew|revers|fight|combat|lower|rais|balanc|energi|detox|cure|treat|help)",
        r"|\b(?:safe|safety|risk|side effect|adverse|irritat|allerg|gentle|toxic|non-comedogenic|hypoallergenic|tested|clinically|dermatologist|proven|evidence|study|studies|trial|research|shown|showed|found|demonstrat|published|peer-reviewed|patients|participants|subjects|volunteers|users|results|effective|efficacy|benefit)",
        r"|\b(?:collagen|elastin|wrinkle|fine line|skin|hair|cell|mitochondri|antioxidant|inflammation|immune|gut|microbio|metabolism|energy|sleep|aging|ageing|youth|radiant|glow|barrier|pore|acne|pigment|dark spot|contains|rich in|packed with|derived from|source of|target|thinning|oxidative|stress|follicle|nutrition|downtime|recovery|bloating|digest|stomach|focus|memory|mood|fatigue|slump|tired)",
        r"|\b(?:my|i)\b.*\b(?:gone|better|feel|felt|noticed|settled|calmer|clearer|fewer|less|more|back to|changed|love|smaller|no longer|younger|brighter|softer|firmer|tighter)\b",
        r"|\b(?:noticeabl|visibl|faster|refresh|asleep|wake|younger|brighter|softer|firmer)",
        r"|[0-9]+\s*(?:%|percent|times|fold|x\b|weeks?|days?|months?|mg|iu)",
    ))
    .expect("valid built-in pattern")
});

/// Whether a sentence (a list item, a table row's claim cell) is a claim to draft.
pub fn is_claim(sentence: &str) -> bool {
    let sentence = sentence.trim();
    let chars = sentence.chars().count();
    let japanese = sentence.chars().any(|c| c > '\u{2e80}');
    let long_enough = if japanese {
        chars >= 4
    } else {
        sentence.split_whitespace().count() >= 3
    };
    // "…安全と考えられていますが、以下の点にご留意ください。": the clause before the
    // turn is what the sentence states; advice or a lead-in after it does not undo that.
    let stated = match CONCESSION.find(sentence) {
        Some(turn) if INSTRUCTION.is_match(sentence) => &sentence[..turn.start()],
        _ => sentence,
    };
    let directions = gives_directions(stated);
    long_enough
        && !directions
        && !is_list_of_names(stated)
        && (CLAIM_SIGNAL.is_match(stated) || is_full_statement(stated))
        && !INSTRUCTION.is_match(stated)
        && !NOT_A_STATEMENT.is_match(stated)
        && !FURNITURE.is_match(sentence)
}

/// A complete declarative sentence of some length: copy that states something, even in
/// words no signal list has. Page furniture, advice and questions are ruled out apart.
fn is_full_statement(sentence: &str) -> bool {
    let japanese = sentence.chars().any(|c| c > '\u{2e80}');

    if japanese {
        sentence.chars().count() >= 12
            && sentence
                .trim_end_matches(['」', '』'])
                .ends_with(['。', '！'])
    } else {
        sentence.split_whitespace().count() >= 6
            && sentence.trim_end_matches(['"', '”']).ends_with(['.', '!'])
    }
}

/// Whether a sentence that cites a source is a claim: anything but furniture, advice, a
/// question or a lead-in (a citation is what makes it a claim).
pub fn is_cited_claim(sentence: &str) -> bool {
    let sentence = sentence.trim();
    sentence.chars().count() >= 4
        && !gives_directions(sentence)
        && !FURNITURE.is_match(sentence)
        && !NOT_A_STATEMENT.is_match(sentence)
        && !INSTRUCTION.is_match(sentence)
}

/// Whether a line is page furniture (price, address, hours, booking, legal, navigation).
pub fn is_furniture(text: &str) -> bool {
    FURNITURE.is_match(text)
}

static SAFETY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)安全|リスク|副作用|危険|刺激|アレルギ|免疫原性|拒絶|腫瘍|発がん|毒性|無添加|発熱|腫れ|内出血|有害",
        r"|\b(?:safe|safety|risk|side effects?|adverse|irritat|allerg|gentle|toxic|non-comedogenic|hypoallergenic|no known)",
    ))
    .expect("valid built-in pattern")
});
static EFFICACY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)効果|効能|改善|向上|促進|抑制|回復|再生|若返|美肌|美白|保湿|育毛|発毛|軽減|予防|治る|実感|ハリ|ツヤ|シワ|たるみ",
        r"|\b(?:improv|reduc|boost|enhanc|restor|repair|heal|prevent|treat|cure|relie|visibl|younger|firm|smooth|hydrat|brighten|plump|rejuvenat|regenerat|fight|results|effective|works)",
    ))
    .expect("valid built-in pattern")
});
static STATISTIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[0-9０-９]+(?:[.,][0-9]+)?\s*(?:%|％|倍|件|人|名|nm|個|percent|times|fold|x\b|patients|participants|people|users)|約[0-9０-９]")
        .expect("valid built-in pattern")
});
static MECHANISM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)経路|シグナル|発現|分泌|受容体|遺伝子|miRNA|mRNA|サイトカイン|タンパク|細胞内|作用機序|メカニズム|を介し|結合|送達|活性化|因子|認識|運搬|取り込|調節",
        r"|\b(?:pathway|signal|express|receptor|gene|mechanism|via|binds?|secret|enzyme|molecul|activat|synthes|uptake)",
    ))
    .expect("valid built-in pattern")
});

/// A guess at the claim's kind, erring to the stricter kinds: safety and efficacy need
/// human evidence, so a sentence that may promise either is guessed as that.
pub fn guess_kind(sentence: &str) -> ClaimKind {
    if SAFETY.is_match(sentence) {
        ClaimKind::Safety
    } else if EFFICACY.is_match(sentence) {
        ClaimKind::Efficacy
    } else if STATISTIC.is_match(sentence) {
        ClaimKind::Statistic
    } else if MECHANISM.is_match(sentence) {
        ClaimKind::Mechanism
    } else {
        ClaimKind::Background
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_drafted_and_furniture_is_not() {
        for claim in [
            "エクソソームは直径30〜150nmの細胞外小胞です。",
            "純度が高く、安全性が保証されている",
            "Clinically shown to reduce fine lines in 4 weeks.",
            "Our serum boosts collagen.",
            "アレルギー反応:報告は極めて少ないものの、過去にアレルギー反応を経験した方は医師に相談してください",
            "脂肪由来幹細胞(ADSC)エクソソームの包括的レビュー(2012-2024年)では、軟骨再生効果が確認されています。",
            "幹細胞由来のエクソソーム治療は一般的に安全と考えられていますが、以下の点にご留意ください。",
            "厚生労働省の生物由来原料基準に基づく厳格な検査をクリア",
        ] {
            assert!(is_claim(claim), "{claim}");
        }
        for furniture in [
            "初回 29,800円(税込)",
            "〒108-0074 東京都港区高輪1丁目3-1",
            "診療時間 10:00〜19:00",
            "【ご予約はこちらから24時間予約受付中です】",
            "Book a consultation today and see results!",
            "© 2026 Example Clinic. All rights reserved.",
            "Q. リスクやダウンタイム・副作用はありますか?",
            "歯髄幹細胞は、骨髄由来間葉系幹細胞と比較して以下の特徴があります:",
            "妊娠中の方",
            "現在治療中の疾患がある方",
            "以下に該当する方は、症状や体調により医師の判断で治療をお断りする場合があります。",
            "効果の発現には個人差がありますが、一般的な目安は以下の通りです:",
            "Take two capsules daily with water.",
            "この点については事前に医師と相談することを推奨します。",
            "These statements have not been evaluated by the Food and Drug Administration.",
        ] {
            assert!(!is_claim(furniture), "{furniture}");
        }
    }

    #[test]
    fn kinds_err_to_the_stricter_side() {
        assert_eq!(guess_kind("腫瘍形成リスクがない"), ClaimKind::Safety);
        assert_eq!(guess_kind("肌のハリ・ツヤの向上"), ClaimKind::Efficacy);
        assert_eq!(
            guess_kind("約21%が治療目的での使用を検討"),
            ClaimKind::Statistic
        );
        assert_eq!(
            guess_kind("骨髄由来MSCの約3倍の増殖速度"),
            ClaimKind::Statistic
        );
        assert_eq!(
            guess_kind("IL-10などの抗炎症性サイトカインを分泌"),
            ClaimKind::Mechanism
        );
        assert_eq!(
            guess_kind("幹細胞培養上清液とは上清液のことを指します"),
            ClaimKind::Background
        );
    }
}
