//! Text folding shared by every stage that *matches* text (import tagging, search):
//! Traditional → Simplified (OpenCC `t2s` phrase tables via `ferrous-opencc`) and
//! full-width ASCII → half-width. Bodies are never rewritten with it; only match keys are.

use std::sync::OnceLock;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};

fn t2s() -> &'static OpenCC {
    static T2S: OnceLock<OpenCC> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).expect("the embedded OpenCC t2s tables load"))
}

/// Folds `text` to Simplified Chinese with half-width ASCII. Simplified input is unchanged
/// except for full-width letters, digits and punctuation that have an ASCII twin.
pub fn fold(text: &str) -> String {
    // Most text is Simplified: the phrase tables only run when a character would change.
    if !text.chars().any(converts) {
        return text.chars().map(half_width).collect();
    }
    // A line of a Traditional page is folded by many rules in turn (is it junk, a byline, a
    // date line…): short texts are kept folded, per thread, for the next rule that asks.
    if text.len() <= FOLD_CACHE_TEXT {
        return FOLDED.with_borrow_mut(|cache| {
            if let Some(f) = cache.get(text) {
                return f.clone();
            }
            if cache.len() >= FOLD_CACHE_ENTRIES {
                cache.clear();
            }
            let f: String = t2s().convert(text).chars().map(half_width).collect();
            cache.insert(text.to_string(), f.clone());
            f
        });
    }
    let simplified = t2s().convert(text);
    simplified.chars().map(half_width).collect()
}

/// The byte offset in `original` of the character at byte `at` of its fold `folded`: folding
/// maps a character to one character (full-width `，` to `,`, `電` to `电`) but not always to as
/// many bytes. `None` when the two differ in length (a phrase table changed a word's length)
/// or `at` is no character boundary of `folded`.
pub fn original_offset(original: &str, folded: &str, at: usize) -> Option<usize> {
    if original.chars().count() != folded.chars().count() || !folded.is_char_boundary(at) {
        return None;
    }
    let n = folded[..at].chars().count();
    original.char_indices().map(|(i, _)| i).chain([original.len()]).nth(n)
}

/// Longest text (in bytes) whose fold is kept, and how many are kept per thread.
const FOLD_CACHE_TEXT: usize = 1024;
const FOLD_CACHE_ENTRIES: usize = 2048;

thread_local! {
    static FOLDED: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> = Default::default();
}

/// Characters of the Basic Multilingual Plane that OpenCC's t2s changes on their own, as a
/// bitset built on first use (a text with none of them reads the same in Simplified).
fn converts(c: char) -> bool {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    let code = c as u32;
    if !(0x3400..=0xFFFF).contains(&code) {
        return code > 0xFFFF && is_han(c);
    }
    let table = TABLE.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        let mut buf = [0u8; 4];
        for code in (0x3400u32..=0x9FFF).chain(0xF900..=0xFAFF) {
            if let Some(ch) = char::from_u32(code) {
                let s: &str = ch.encode_utf8(&mut buf);
                if t2s().convert(s) != s {
                    bits[code as usize / 64] |= 1 << (code % 64);
                }
            }
        }
        bits
    });
    table[code as usize / 64] & (1 << (code % 64)) != 0
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// True for a character of the CJK Unified Ideographs blocks (and the compatibility block).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x323AF)
}

/// Share of Han characters that folding changes: above a few percent the text is written in
/// Traditional characters.
pub fn traditional_ratio(original: &str, folded: &str) -> f64 {
    let (mut han, mut changed) = (0usize, 0usize);
    for (a, b) in original.chars().zip(folded.chars()) {
        if is_han(a) {
            han += 1;
            if a != b {
                changed += 1;
            }
        }
    }
    if han == 0 {
        0.0
    } else {
        changed as f64 / han as f64
    }
}

/// True when `text` is written in Traditional Chinese.
pub fn is_traditional(text: &str) -> bool {
    traditional_ratio(text, &t2s().convert(text)) > 0.03
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_in_the_fold_is_the_same_character_of_the_original() {
        let original = "授旗，各盟市。趙丹";
        let folded = fold(original);
        let at = folded.find("赵丹").unwrap();
        assert_eq!(&original[original_offset(original, &folded, at).unwrap()..], "趙丹");
        assert_eq!(original_offset(original, &folded, folded.len()), Some(original.len()));
        assert_eq!(original_offset("短", "短语", 0), None, "another length: no offset");
    }

    #[test]
    fn folds_traditional_words_by_phrase() {
        assert_eq!(fold("蘇州"), "苏州");
        assert_eq!(fold("幹部"), "干部");
        assert_eq!(fold("乾淨"), "干净");
        assert_eq!(fold("對標找差"), "对标找差");
        assert_eq!(fold("519項趕超計劃"), "519项赶超计划");
    }

    #[test]
    fn leaves_simplified_text_alone() {
        let s = "苏州市委组织部牵头建立“对标找差、再攀新高”常态化机制，干部干净担当。";
        assert_eq!(fold(s), s.replace('，', ","));
    }

    #[test]
    fn half_width_ascii() {
        assert_eq!(fold("ＡＰＰ下载：２０２３"), "APP下载:2023");
    }

    #[test]
    fn detects_traditional() {
        assert!(is_traditional("“組織力”如何轉化為“生産力”？蘇州機制觀察"));
        assert!(!is_traditional("苏州：锻造创新发展“红色引擎”"));
    }
}
