//! Build stage 3c: the search index. One tokenizer contract, shared with the browser
//! (`static/search.js`), so the index and the query cannot disagree:
//!
//! 1. **fold key**: each character through the same table on both sides — Traditional →
//!    Simplified per character (derived from OpenCC and shipped in the index), full-width →
//!    half-width, Latin lower-cased;
//! 2. **base tokens**: runs of `[a-z0-9]` are tokens (years and numbers kept); runs of Han
//!    characters give their overlapping bigrams (a lone character gives itself), so any
//!    substring of two characters or more is found — 找差 finds 对标找差;
//! 3. the index adds every Han character alone (a one-character query finds it anywhere);
//!    Latin query tokens of two characters or more match as prefixes (`gd` finds `gdp`).
//!    A document matches when it holds every base token of the query.
//!
//! **Format** (`search/`, every file a script calling `KBGEN_SEARCH.put(key, value)`, so it
//! loads from `file://` as well as over HTTP, and a query loads only what it needs):
//!
//! - `meta.js` — the fold table, the shard count, and per document only what ranking and facets
//!   need (year, province, mechanisms, length), as columns;
//! - `s/<k>.js` — shard `k` of the inverted index: `{token: postings}` for the tokens whose shard
//!   key hashes to `k` (FNV-1a 32 over code points; a Latin token's shard key is its first two
//!   characters, so a prefix lives in one shard). Postings are a string of base-64 varints,
//!   pairs of (doc id gap − 1, weight − 1), doc ids ascending; the weight is 4 × title + 2 ×
//!   terms + 1 × body occurrences;
//! - `d/<id>.js` — one document as a result shows it (url, title, meta line, plain text for the
//!   excerpt), loaded only for the results on screen.
//!
//! The shard count grows with the corpus (about [`POSTINGS_PER_SHARD`] postings per shard), so a
//! first query downloads a few small files whatever the size of the site.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::fold::is_han;
use crate::output::Sink;
use crate::routes;
use crate::site::{Practice, Site};

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

/// Index tokens of a text, as the index holds them: base tokens and every Han character alone.
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut tokens = base_tokens(text);
    tokens.extend(fold_key(text).chars().filter(|&c| is_han(c)).map(String::from));
    tokens
}

/// Postings a shard aims at; the shard count is the next power of two that gets there.
pub const POSTINGS_PER_SHARD: usize = 6000;
/// Field weights: a token in the title counts four times, in the terms (places, mechanisms,
/// keywords, source) twice.
const TITLE: u32 = 4;
const TERMS: u32 = 2;
const BODY: u32 = 1;

/// A token while indexing: Han unigrams and bigrams as code points, Latin runs as text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Han(u64),
    Latin(Box<str>),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Han(k) => {
                let (a, b) = ((k >> 32) as u32, (k & 0xFFFF_FFFF) as u32);
                [a, b].into_iter().filter(|&c| c != 0).filter_map(char::from_u32).collect()
            }
            Key::Latin(s) => s.to_string(),
        }
    }
}

/// Per-character fold as a flat table over the Han blocks that have Traditional forms.
fn fold_char(c: char) -> char {
    static FLAT: OnceLock<Vec<char>> = OnceLock::new();
    const LO: u32 = 0x3400;
    const HI: u32 = 0xFAFF;
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
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

/// Token counts of one document: Han unigrams and bigrams packed as code points (the hot
/// path: every character of every page), Latin runs as text.
#[derive(Default)]
struct Counts {
    han: FxHashMap<u64, u32>,
    latin: FxHashMap<Box<str>, u32>,
}

impl Counts {
    fn with_capacity(n: usize) -> Counts {
        Counts { han: FxHashMap::with_capacity_and_hasher(n, Default::default()), latin: FxHashMap::default() }
    }
    fn len(&self) -> usize {
        self.han.len() + self.latin.len()
    }
    fn into_keys(self) -> impl Iterator<Item = (Key, u32)> {
        self.han
            .into_iter()
            .map(|(k, w)| (Key::Han(k), w))
            .chain(self.latin.into_iter().map(|(k, w)| (Key::Latin(k), w)))
    }
}

/// Adds the index tokens of `text` to `counts`, each occurrence weighing `weight`.
fn count_tokens(text: &str, weight: u32, counts: &mut Counts) {
    let mut prev: u32 = 0;
    let mut latin = String::new();
    for c in text.chars() {
        let c = fold_char(c);
        if is_han(c) {
            if !latin.is_empty() {
                *counts.latin.entry(std::mem::take(&mut latin).into()).or_default() += weight;
            }
            let cp = c as u32;
            *counts.han.entry(cp as u64).or_default() += weight;
            if prev != 0 {
                *counts.han.entry((prev as u64) << 32 | cp as u64).or_default() += weight;
            }
            prev = cp;
        } else {
            prev = 0;
            if c.is_ascii_alphanumeric() {
                latin.push(c);
            } else if !latin.is_empty() {
                *counts.latin.entry(std::mem::take(&mut latin).into()).or_default() += weight;
            }
        }
    }
    if !latin.is_empty() {
        *counts.latin.entry(latin.into()).or_default() += weight;
    }
}

/// The 64 digits of the postings encoding: 0–31 end a number, 32–63 carry five more bits.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvWXYZwxyz-_";

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 32 {
        out.push(DIGITS[32 + (v & 31) as usize]);
        v >>= 5;
    }
    out.push(DIGITS[v as usize]);
}

/// The shard of a token: FNV-1a over the code points of its shard key.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let latin = token.starts_with(|c: char| c.is_ascii_alphanumeric());
    let mut h: u32 = 0x811C_9DC5;
    for c in token.chars().take(if latin { 2 } else { usize::MAX }) {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h & (shards - 1)
}

/// One token's postings for a run of documents: the first posting apart, so runs built in
/// parallel join by re-encoding one gap.
struct Run {
    first: u32,
    first_weight: u32,
    last: u32,
    rest: Vec<u8>,
}

impl Run {
    fn new(doc: u32, weight: u32) -> Run {
        Run { first: doc, first_weight: weight, last: doc, rest: Vec::new() }
    }
    fn push(&mut self, doc: u32, weight: u32) {
        push_varint(&mut self.rest, doc - self.last - 1);
        push_varint(&mut self.rest, weight - 1);
        self.last = doc;
    }
    fn append(&mut self, other: Run) {
        self.push(other.first, other.first_weight);
        self.rest.extend_from_slice(&other.rest);
        self.last = other.last;
    }
    /// The postings string: the first gap counts from −1.
    fn encode(&self) -> String {
        let mut out = Vec::with_capacity(self.rest.len() + 4);
        push_varint(&mut out, self.first);
        push_varint(&mut out, self.first_weight - 1);
        out.extend_from_slice(&self.rest);
        String::from_utf8(out).expect("digits are ASCII")
    }
}

/// What a document gives the index: its weighted tokens and what a result shows.
pub struct DocEntry {
    chars: usize,
    json: String,
}

/// The weighted tokens of practice `i`, and its result fragment.
fn doc_entry(site: &Site, p: &Practice) -> (DocEntry, Counts) {
    let g = site.gazetteer;
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
    terms.extend(f.year.map(|y| y.to_string()));
    terms.extend(f.practice.iter().cloned());
    terms.extend(f.keywords.iter().cloned());
    terms.extend(f.source.iter().cloned());
    terms.extend(f.author.iter().cloned());
    let title = format!("{} {}", f.title, f.subtitle.as_deref().unwrap_or(""));
    let body = crate::markdown::plain_text(&p.body);
    let mut counts = Counts::with_capacity(body.len() / 2);
    count_tokens(&title, TITLE, &mut counts);
    count_tokens(&terms.join(" "), TERMS, &mut counts);
    count_tokens(&body, BODY, &mut counts);
    let region = p.regions.first().map(|&u| g.path(u).replace('/', " › ")).unwrap_or_default();
    let names: Vec<&str> = p.mechanisms.iter().map(|&m| site.vocab.mechanisms[m].name.as_str()).collect();
    let json = serde_json::json!({
        "url": routes::practice(&p.slug),
        "title": f.title,
        "year": f.year,
        "region": region,
        "mechanisms": names.join("、"),
        "lang": f.lang.clone().unwrap_or_default(),
        "body": body,
    })
    .to_string();
    (DocEntry { chars: body.chars().count(), json }, counts)
}

/// Writes the search index into `sink`; a document's fragment goes out as soon as it is
/// tokenized, a shard as soon as it is encoded.
pub fn index(site: &Site, sink: &dyn Sink) -> std::io::Result<()> {
    // Documents are tokenized and inverted in parallel runs of consecutive ids; a run's
    // postings join the previous run's by re-encoding one gap.
    let n = site.practices.len();
    let chunk = n.div_ceil(rayon::current_num_threads() * 4).max(1);
    let ids: Vec<usize> = (0..n).collect();
    // Per run: document lengths, postings by token, number of postings.
    type Part = (Vec<usize>, FxHashMap<Key, Run>, usize);
    let parts: Vec<std::io::Result<Part>> = ids
        .par_chunks(chunk)
        .map(|ids| {
            let mut len = Vec::with_capacity(ids.len());
            let mut map: FxHashMap<Key, Run> = FxHashMap::default();
            let mut postings = 0;
            for &i in ids {
                let (entry, tokens) = doc_entry(site, &site.practices[i]);
                postings += tokens.len();
                for (key, w) in tokens.into_keys() {
                    match map.get_mut(&key) {
                        Some(run) => run.push(i as u32, w),
                        None => {
                            map.insert(key, Run::new(i as u32, w));
                        }
                    }
                }
                let key = format!("d/{i}");
                sink.put(routes::search_file(&key), put(&key, &entry.json))?;
                len.push(entry.chars);
            }
            Ok((len, map, postings))
        })
        .collect();
    let mut len = Vec::with_capacity(n);
    let mut all: FxHashMap<Key, Run> = FxHashMap::default();
    let mut postings = 0;
    for part in parts {
        let (l, map, p) = part?;
        len.extend(l);
        postings += p;
        for (key, run) in map {
            match all.get_mut(&key) {
                Some(have) => have.append(run),
                None => {
                    all.insert(key, run);
                }
            }
        }
    }
    let shards = shard_count(postings);
    sink.put(routes::search_file(META), put(META, &meta_json(site, &len, shards, postings)))?;
    write_shards(all, shards, sink)
}

/// The shard files of an inverted index.
fn write_shards(all: FxHashMap<Key, Run>, shards: u32, sink: &dyn Sink) -> std::io::Result<()> {
    let mut by_shard: Vec<Vec<(String, Run)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, run) in all {
        let text = key.text();
        by_shard[shard_of(&text, shards) as usize].push((text, run));
    }
    by_shard.into_par_iter().enumerate().try_for_each(|(k, mut tokens)| {
        tokens.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut json = String::from("{");
        for (n, (token, run)) in tokens.iter().enumerate() {
            if n > 0 {
                json.push(',');
            }
            json.push_str(&serde_json::to_string(token).expect("a string serialises"));
            json.push_str(":\"");
            json.push_str(&run.encode());
            json.push('"');
        }
        json.push('}');
        drop(tokens);
        let key = format!("s/{k}");
        sink.put(routes::search_file(&key), put(&key, &json))
    })
}

fn shard_count(postings: usize) -> u32 {
    postings.div_ceil(POSTINGS_PER_SHARD).next_power_of_two().clamp(1, 1 << 14) as u32
}

/// Updates the index in `files` for practices replaced in place (ids unchanged): their
/// documents, the postings of the tokens whose weight changed, and `meta.js`. The result is
/// what [`index`] would write. False when only a full rewrite can do it (no index yet,
/// or the shard count changes).
pub fn update_index(site: &Site, files: &mut crate::output::Files, replaced: &[(usize, Practice)]) -> bool {
    #[derive(serde::Deserialize)]
    struct Meta {
        shards: u32,
        postings: usize,
        len: Vec<usize>,
    }
    let Some(meta) = files.get(&routes::search_file(META)).and_then(|b| value_of(b)) else { return false };
    let Ok(meta) = serde_json::from_str::<Meta>(meta) else { return false };
    let (mut postings, mut len) = (meta.postings as i64, meta.len);
    if len.len() != site.practices.len() {
        return false;
    }
    /// Per token, (doc, new weight or removal).
    type Edits = BTreeMap<String, Vec<(u32, Option<u32>)>>;
    let mut changes: BTreeMap<u32, Edits> = BTreeMap::new();
    let mut docs = Vec::new();
    for (i, old) in replaced {
        let old: FxHashMap<Key, u32> = doc_entry(site, old).1.into_keys().collect();
        let (entry, new) = doc_entry(site, &site.practices[*i]);
        let new: FxHashMap<Key, u32> = new.into_keys().collect();
        postings += new.len() as i64 - old.len() as i64;
        let doc = *i as u32;
        let mut change = |key: &Key, w: Option<u32>| {
            let text = key.text();
            changes.entry(shard_of(&text, meta.shards)).or_default().entry(text).or_default().push((doc, w));
        };
        for (k, w) in &new {
            if old.get(k) != Some(w) {
                change(k, Some(*w));
            }
        }
        for k in old.keys().filter(|k| !new.contains_key(*k)) {
            change(k, None);
        }
        len[*i] = entry.chars;
        docs.push((*i, entry.json));
    }
    let postings = postings.max(0) as usize;
    if shard_count(postings) != meta.shards {
        return false;
    }
    for (shard, tokens) in changes {
        let key = format!("s/{shard}");
        let path = routes::search_file(&key);
        let Some(mut map) = files
            .get(&path)
            .and_then(|b| value_of(b))
            .and_then(|v| serde_json::from_str::<BTreeMap<String, String>>(v).ok())
        else {
            return false;
        };
        for (token, edits) in tokens {
            let mut list = map.get(&token).map(|s| decode(s)).unwrap_or_default();
            for (doc, w) in edits {
                match (list.binary_search_by_key(&doc, |p| p.0), w) {
                    (Ok(at), Some(w)) => list[at].1 = w,
                    (Ok(at), None) => {
                        list.remove(at);
                    }
                    (Err(at), Some(w)) => list.insert(at, (doc, w)),
                    (Err(_), None) => {}
                }
            }
            match list.split_first() {
                None => {
                    map.remove(&token);
                }
                Some((&(d, w), rest)) => {
                    let mut run = Run::new(d, w);
                    for &(d, w) in rest {
                        run.push(d, w);
                    }
                    map.insert(token, run.encode());
                }
            }
        }
        let json = serde_json::to_string(&map).expect("strings serialise");
        files.insert(path, put(&key, &json));
    }
    for (i, json) in docs {
        let key = format!("d/{i}");
        files.insert(routes::search_file(&key), put(&key, &json));
    }
    files.insert(routes::search_file(META), put(META, &meta_json(site, &len, meta.shards, postings)));
    true
}

/// The JSON value inside a search file written by [`put`].
fn value_of(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find(',')? + 1;
    text.get(start..text.len().checked_sub(3)?)
}

/// Postings string → (doc, weight) pairs; the inverse of [`Run::encode`].
fn decode(s: &str) -> Vec<(u32, u32)> {
    let mut nums = Vec::new();
    let (mut v, mut shift) = (0u32, 0u32);
    for b in s.bytes() {
        let d = DIGITS.iter().position(|&x| x == b).unwrap_or(0) as u32;
        if d >= 32 {
            v |= (d - 32) << shift;
            shift += 5;
        } else {
            nums.push(v | d << shift);
            (v, shift) = (0, 0);
        }
    }
    let mut doc: i64 = -1;
    nums.chunks_exact(2)
        .map(|p| {
            doc += p[0] as i64 + 1;
            (doc as u32, p[1] + 1)
        })
        .collect()
}

/// `meta.js`: the fold table, the shard count, and per document the ranking and facet columns.
fn meta_json(site: &Site, len: &[usize], shards: u32, postings: usize) -> String {
    let g = site.gazetteer;
    let province = |p: &crate::site::Practice| p.regions.first().map(|&u| g.unit(g.lineage(u)[0]).name.clone());
    let mut provinces: Vec<String> = site.practices.iter().filter_map(province).collect();
    provinces.sort();
    provinces.dedup();
    let prov: Vec<i64> = site
        .practices
        .iter()
        .map(|p| province(p).map_or(-1, |n| provinces.binary_search(&n).map_or(-1, |i| i as i64)))
        .collect();
    // 0: the year is unknown (no facet value).
    let years: Vec<i32> = site.practices.iter().map(|p| p.front.year.unwrap_or(0)).collect();
    let mech: Vec<&[usize]> = site.practices.iter().map(|p| p.mechanisms.as_slice()).collect();
    let mechanisms: Vec<[&str; 2]> = site.vocab.mechanisms.iter().map(|m| [m.id.as_str(), m.name.as_str()]).collect();
    let fold: String = fold_table().iter().flat_map(|(a, b)| [*a, *b]).collect();
    serde_json::json!({
        "v": 2,
        "n": site.practices.len(),
        "shards": shards,
        "postings": postings,
        "fold": fold,
        "provinces": provinces,
        "mechanisms": mechanisms,
        "year": years,
        "prov": prov,
        "mech": mech,
        "len": len,
    })
    .to_string()
}

/// The key of the index's table of columns (`search/meta.js`).
const META: &str = "meta";

/// A search file: a script that hands its value to the page's loader.
fn put(key: &str, json: &str) -> Vec<u8> {
    format!("KBGEN_SEARCH.put(\"{key}\",{json});\n").into_bytes()
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
    fn postings_encode_as_gaps_and_weights_in_base64_varints() {
        // The same string tests/js/search.test.mjs decodes: (10, 1), (11, 2), (43, 128).
        let mut run = Run::new(10, 1);
        run.push(11, 2);
        let mut later = Run::new(43, 128);
        later.push(44, 1);
        run.append(later);
        assert_eq!(run.encode(), "A001V_300");
        assert_eq!(shard_of("gdp", 1024), shard_of("gd", 1024), "a Latin prefix shares its shard");
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
}
