//! The tokenizer contract the browser mirrors (`static/search.js`; tests/js holds both sides to
//! `kbgen tokens`): the match key of a text (one per-character fold), its base tokens, and
//! the index tokens. The indexer (`index::count_tokens`) finds the same tokens without making
//! strings; a test below holds it to this contract.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::fold::is_han;

/// Traditional → Simplified per character: every Han character OpenCC changes on its own.
pub(crate) fn fold_table() -> &'static BTreeMap<char, char> {
    static TABLE: OnceLock<BTreeMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let ranges = [0x3400u32..=0x4DBF, 0x4E00..=0x9FFF, 0xF900..=0xFAFF];
        let all: String = ranges.into_iter().flatten().filter_map(char::from_u32).flat_map(|c| [c, '\n']).collect();
        let folded = crate::fold::fold(&all);
        all.split('\n')
            .zip(folded.split('\n'))
            .filter_map(|(a, b)| {
                let (mut a, mut b) = (a.chars(), b.chars());
                match (a.next(), b.next(), a.next(), b.next()) {
                    (Some(x), Some(y), None, None) if x != y => Some((x, y)),
                    _ => None,
                }
            })
            .collect()
    })
}

/// The fold of one character, the contract's only fold: full-width → half-width, Latin lower
/// case, Traditional → Simplified through a flat copy of [`fold_table`] over the Han blocks.
pub(super) fn fold_char(c: char) -> char {
    static FLAT: OnceLock<Vec<char>> = OnceLock::new();
    const LO: u32 = 0x3400;
    const HI: u32 = 0xFAFF;
    let c = match c {
        '\u{3000}' => ' ',
        // A full-width Latin capital is lower-cased too (`Ｇ` → `g`), as the browser does.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c).to_ascii_lowercase(),
        'A'..='Z' => c.to_ascii_lowercase(),
        _ => c,
    };
    let cp = c as u32;
    if !(LO..=HI).contains(&cp) {
        return c;
    }
    let flat = FLAT.get_or_init(|| {
        let table = fold_table();
        (LO..=HI).map(|u| char::from_u32(u).map_or('\0', |c| table.get(&c).copied().unwrap_or(c))).collect()
    });
    let f = flat[(cp - LO) as usize];
    if f.is_ascii_uppercase() {
        f.to_ascii_lowercase()
    } else {
        f
    }
}

/// The match key of a text: per-character fold, half-width, lower case. Keeps one character
/// per character, so positions in the key are positions in the text.
pub(crate) fn fold_key(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Base tokens of a text (see the module docs): the part of the contract both sides share.
pub(crate) fn base_tokens(text: &str) -> Vec<String> {
    let key = fold_key(text);
    let mut out = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let mut ascii = String::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        match han.len() {
            0 => {}
            1 => out.push(han[0].to_string()),
            _ => out.extend(han.windows(2).map(|w| w.iter().collect::<String>())),
        }
        han.clear();
    };
    for c in key.chars() {
        if is_han(c) {
            if !ascii.is_empty() {
                out.push(std::mem::take(&mut ascii));
            }
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut out);
            ascii.push(c);
        } else {
            flush_han(&mut han, &mut out);
            if !ascii.is_empty() {
                out.push(std::mem::take(&mut ascii));
            }
        }
    }
    flush_han(&mut han, &mut out);
    if !ascii.is_empty() {
        out.push(ascii);
    }
    out
}

/// Index tokens of a text, as the index holds them: the base tokens, a Latin one of two
/// characters or more as each of its prefixes of two or more (so a query token finds the
/// words it begins), and every Han character alone.
pub(crate) fn index_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for t in base_tokens(text) {
        let latin = t.starts_with(|c: char| c.is_ascii_alphanumeric());
        match latin && t.len() >= 2 {
            true => tokens.extend((2..=t.len()).map(|end| t[..end].to_string())),
            false => tokens.push(t),
        }
    }
    tokens.extend(fold_key(text).chars().filter(|&c| is_han(c)).map(String::from));
    tokens
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::index::{count_tokens, Counts};
    use super::*;

    #[test]
    fn fold_key_is_per_character_and_length_preserving() {
        assert_eq!(fold_key("對標找差"), "对标找差");
        assert_eq!(fold_key("網格"), "网格");
        assert_eq!(fold_key("ＧＤＰ超萬億"), "gdp超万亿");
        let s = "蘇州“對標找差”機制觀察";
        assert_eq!(fold_key(s).chars().count(), s.chars().count());
        assert!(fold_table().len() > 2000, "{}", fold_table().len());
    }

    #[test]
    fn base_tokens_keep_numbers_and_latin_and_give_bigrams() {
        assert_eq!(
            base_tokens("2023年對標找差GDP增长27.8%"),
            ["2023", "年对", "对标", "标找", "找差", "gdp", "增长", "27", "8"]
        );
        assert_eq!(base_tokens("找差"), ["找差"]);
        assert_eq!(base_tokens("网"), ["网"]);
    }

    #[test]
    fn substrings_of_indexed_text_are_covered_by_its_tokens() {
        // Every base token of every Han substring is an index token of the text.
        let doc = "苏州建立“对标找差、再攀新高”常态化机制，推行容错纠错。";
        let indexed = index_tokens(doc);
        for q in ["找差", "對標", "容错纠错", "常态化", "制", "推行容"] {
            for t in base_tokens(q) {
                assert!(indexed.contains(&t), "{q}: {t} not indexed");
            }
        }
    }

    #[test]
    fn the_indexer_finds_exactly_the_contracts_index_tokens() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/practices");
        let mut texts: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
        texts.sort();
        texts.extend(
            ["2023年對標找差GDP增长27.8%", "ＧＤＰ超萬億　網格", "a", "网", "x网y", "A网B", ""].map(String::from),
        );
        for text in &texts {
            let mut counts = Counts::default();
            count_tokens(text, 1, &mut counts);
            let indexed: BTreeSet<String> = counts.into_tokens().map(|(t, _)| t.text()).collect();
            let contract: BTreeSet<String> = index_tokens(text).into_iter().collect();
            assert_eq!(indexed, contract, "{}", text.chars().take(40).collect::<String>());
        }
    }
}
