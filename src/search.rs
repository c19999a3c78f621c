//! Build stage 3c: the search index. One tokenizer contract, shared with the browser
//! (`static/search.js`), so the index and the query cannot disagree:
//!
//! 1. **fold key**: each character through the same table on both sides — Traditional →
//!    Simplified per character (derived from OpenCC and shipped in the index), full-width →
//!    half-width, Latin lower-cased;
//! 2. **base tokens**: runs of `[a-z0-9]` are tokens (years and numbers kept); runs of Han
//!    characters give their overlapping bigrams (a lone character gives itself), so any
//!    substring of two characters or more is found — 找差 finds 对标找差;
//! 3. the index adds every Han character alone and jieba's words of three characters or more
//!    (vocabulary terms stay whole); Latin query tokens match as prefixes (`gd` finds `gdp`);
//!    the browser looks query runs up in the index's own trie (longest match), so every word
//!    it asks for exists in the index by construction. Words only rank; bigrams decide a match.
//!
//! The index is an elasticlunr index written by elasticlunr-rs, wrapped in a script
//! (`search/index.js`) so it loads from `file://` as well as over HTTP.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use elasticlunr::{IndexBuilder, Language, Pipeline};

use crate::fold::is_han;
use crate::segment::Segmenter;
use crate::site::Site;

/// Traditional → Simplified per character: every Han character OpenCC changes on its own.
pub fn fold_table() -> &'static BTreeMap<char, char> {
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

/// The match key of a text: per-character fold, half-width, lower case. Keeps one character
/// per character, so positions in the key are positions in the text.
pub fn fold_key(text: &str) -> String {
    let table = fold_table();
    text.chars()
        .map(|c| {
            let c = match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            let c = table.get(&c).copied().unwrap_or(c);
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect()
}

/// Base tokens of a text (see the module docs): the part of the contract both sides share.
pub fn base_tokens(text: &str) -> Vec<String> {
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

/// Index tokens: base tokens, every Han character on its own (so a one-character query, or
/// the lone character of `2018年`, finds it anywhere), and jieba's words of three or more Han
/// characters.
pub fn index_tokens(text: &str, seg: &Segmenter) -> Vec<String> {
    let mut tokens = base_tokens(text);
    let key = fold_key(text);
    tokens.extend(key.chars().filter(|&c| is_han(c)).map(String::from));
    tokens.extend(
        seg.cut(&key).into_iter().filter(|w| w.chars().count() >= 3 && w.chars().all(is_han)).map(str::to_string),
    );
    tokens
}

/// elasticlunr needs a language; ours tokenizes per the contract and has an empty pipeline
/// (no stemming or stop words, which would break the contract).
struct Contract;

impl Language for Contract {
    fn name(&self) -> String {
        "kbgen".into()
    }
    fn code(&self) -> String {
        "zh".into()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        base_tokens(text)
    }
    fn make_pipeline(&self) -> Pipeline {
        Pipeline { queue: Vec::new() }
    }
}

/// Fields with their tokens; the stored-only fields carry what a result shows.
const INDEXED: [&str; 3] = ["title", "terms", "body"];
const STORED: [&str; 8] = ["url", "heading", "year", "province", "region", "mechanisms", "mechanism_names", "lang"];

/// Writes `search/index.js`: `window.KBGEN_SEARCH = {fold, index}`.
pub fn index_script(site: &Site, seg: Arc<Segmenter>) -> String {
    let mut builder = IndexBuilder::with_language(Box::new(Contract)).save_docs(true).set_ref("id");
    for f in INDEXED {
        let seg = Arc::clone(&seg);
        builder = builder.add_field_with_tokenizer(f, Box::new(move |t: &str| index_tokens(t, &seg)));
    }
    for f in STORED {
        builder = builder.add_field_with_tokenizer(f, Box::new(|_: &str| Vec::new()));
    }
    let mut index = builder.build();
    let g = site.gazetteer;
    for (i, p) in site.practices.iter().enumerate() {
        let f = &p.front;
        let mut terms: Vec<String> = Vec::new();
        for &u in &p.regions {
            terms.extend(g.lineage(u).into_iter().map(|a| g.unit(a).name.clone()));
        }
        for &m in &p.mechanisms {
            let v = &site.vocab.mechanisms[m];
            terms.push(v.name.clone());
            terms.push(v.en.clone());
        }
        terms.push(f.year.to_string());
        terms.extend(f.keywords.iter().cloned());
        terms.extend(f.source.iter().cloned());
        terms.extend(f.author.iter().cloned());
        let title = format!("{} {}", f.title, f.subtitle.as_deref().unwrap_or(""));
        let body = crate::render::plain_text(&p.body);
        let province = p.regions.first().map(|&u| g.unit(g.lineage(u)[0]).name.clone()).unwrap_or_default();
        let region = p.regions.first().map(|&u| g.path(u).replace('/', " › ")).unwrap_or_default();
        let mechanisms: Vec<&str> = p.mechanisms.iter().map(|&m| site.vocab.mechanisms[m].id.as_str()).collect();
        let names: Vec<&str> = p.mechanisms.iter().map(|&m| site.vocab.mechanisms[m].name.as_str()).collect();
        index.add_doc(
            &i.to_string(),
            [
                title.trim().to_string(),
                terms.join(" "),
                body,
                p.url(),
                f.title.clone(),
                f.year.to_string(),
                province,
                region,
                mechanisms.join(" "),
                names.join("、"),
                f.lang.clone().unwrap_or_default(),
            ],
        );
    }
    let fold: String = fold_table().iter().flat_map(|(a, b)| [*a, *b]).collect();
    format!(
        "/* kbgen search index: see src/search.rs for the tokenizer contract */\nwindow.KBGEN_SEARCH = {{\"fold\":{},\"index\":{}}};\n",
        serde_json::to_string(&fold).expect("a string serialises"),
        index.to_json()
    )
}

#[cfg(test)]
mod tests {
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
        let seg = Segmenter::new(&crate::vocab::Vocabulary::builtin(), crate::gazetteer::Gazetteer::builtin());
        let doc = "苏州建立“对标找差、再攀新高”常态化机制，推行容错纠错。";
        let indexed = index_tokens(doc, &seg);
        assert!(indexed.iter().any(|t| t == "对标找差"), "{indexed:?}");
        for q in ["找差", "對標", "容错纠错", "常态化", "制", "推行容"] {
            for t in base_tokens(q) {
                assert!(indexed.contains(&t), "{q}: {t} not indexed");
            }
        }
    }
}
