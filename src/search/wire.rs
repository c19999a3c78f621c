//! The wire format of the index (see `search`): the postings encoding (base-64 varints), the
//! shard of a token and the shard count, the script each file is, and the columns of
//! `meta.js`. `static/search.js` reads what this writes.

use crate::site::Site;

/// The version of the format, written in `meta.js` (`v`).
pub(crate) const VERSION: u32 = 5;

/// Postings a shard aims at; the shard count is the next power of two that gets there.
pub(crate) const POSTINGS_PER_SHARD: usize = 24_000;

/// The 64 digits of the postings encoding: 0–31 end a number, 32–63 carry five more bits.
pub(super) const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvWXYZwxyz-_";

/// The value of each digit of [`DIGITS`], by byte (0 for any other byte).
const VALUE: [u8; 256] = {
    let mut v = [0u8; 256];
    let mut i = 0;
    while i < 64 {
        v[DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    v
};

pub(super) fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 32 {
        out.push(DIGITS[32 + (v & 31) as usize]);
        v >>= 5;
    }
    out.push(DIGITS[v as usize]);
}

/// FNV-1a 32 over the code points of `text`.
pub(crate) fn fnv1a(text: &str) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for c in text.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard of a token: FNV-1a over its code points.
pub(crate) fn shard_of(token: &str, shards: u32) -> u32 {
    fnv1a(token) & (shards - 1)
}

/// One token's postings for a run of documents: the first posting apart, so runs built in
/// parallel join by re-encoding one gap.
pub(super) struct Run {
    pub(super) first: u32,
    pub(super) first_weight: u32,
    pub(super) last: u32,
    pub(super) rest: Vec<u8>,
}

impl Run {
    pub(super) fn new(doc: u32, weight: u32) -> Run {
        Run { first: doc, first_weight: weight, last: doc, rest: Vec::new() }
    }
    pub(super) fn push(&mut self, doc: u32, weight: u32) {
        push_varint(&mut self.rest, doc - self.last - 1);
        push_varint(&mut self.rest, weight - 1);
        self.last = doc;
    }
    pub(super) fn append(&mut self, other: Run) {
        self.push(other.first, other.first_weight);
        self.rest.extend_from_slice(&other.rest);
        self.last = other.last;
    }
    /// Runs of consecutive id ranges, in order, as one.
    pub(super) fn join(runs: Vec<Run>) -> Run {
        let mut runs = runs.into_iter();
        let mut first = runs.next().expect("a token has postings");
        first.rest.reserve_exact(runs.as_slice().iter().map(|r| r.rest.len() + 8).sum());
        runs.for_each(|r| first.append(r));
        first
    }
    /// Gives back the room the buffer has beyond its postings.
    pub(super) fn shrink(&mut self) {
        self.rest.shrink_to_fit();
    }
    /// The postings string: the first gap counts from −1.
    pub(super) fn encode(&self) -> String {
        let mut out = Vec::with_capacity(self.rest.len() + 4);
        push_varint(&mut out, self.first);
        push_varint(&mut out, self.first_weight - 1);
        out.extend_from_slice(&self.rest);
        String::from_utf8(out).expect("digits are ASCII")
    }
}

pub(super) fn shard_count(postings: usize) -> u32 {
    postings.div_ceil(POSTINGS_PER_SHARD).next_power_of_two().clamp(1, 1 << 14) as u32
}

/// Postings string → (doc, weight) pairs; the inverse of [`Run::encode`].
pub(super) fn decode(s: &str) -> Vec<(u32, u32)> {
    let mut nums = Vec::new();
    let (mut v, mut shift) = (0u32, 0u32);
    for b in s.bytes() {
        let d = VALUE[b as usize] as u32;
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

/// What ranking reads of a document is in its postings ([`impact`]), and the site order (newest
/// first) breaks ties, so `meta.js` holds no column: the fold table, the shard count, the
/// mechanisms (id, name, page, broader entry) and the number of name files. The facet columns
/// are `f.js` (`facets::facets_json`), which a query needs only for the counts and filters shown
/// beside its results.
pub(super) fn meta_json(site: &Site, shards: u32, postings: usize) -> String {
    // Per mechanism: id, name, its page, the index of its broader entry or −1.
    let v = &site.vocab;
    let mechanisms: Vec<serde_json::Value> = (0..v.mechanisms.len())
        .map(|i| {
            let m = &v.mechanisms[i];
            let parent = v.parent(i).map_or(-1, |p| p as i64);
            serde_json::json!([m.id, m.name, super::facets::mechanism_page(site, i), parent])
        })
        .collect();
    let fold: String = super::fold_table().iter().flat_map(|(a, b)| [*a, *b]).collect();
    serde_json::json!({
        "v": VERSION,
        "n": site.practices.len(),
        "shards": shards,
        "postings": postings,
        "fold": fold,
        "mechanisms": mechanisms,
        "names": super::facets::NAME_FILES,
    })
    .to_string()
}

/// BM25's parameters, and the document length (characters) its length normalisation counts
/// from: a constant, not the corpus average, so a document's impacts depend on it alone and a
/// patch for one page changes no other page's postings.
const K1: f64 = 1.2;
const B: f64 = 0.75;
const LEN_NORM: f64 = 1500.0;

/// The highest impact: one digit of the postings encoding.
pub(crate) const MAX_IMPACT: u32 = 31;

/// The weight a posting carries: BM25's term-frequency part of the weighted count `tf` in a
/// document of `chars` characters, quantised to 1..=[`MAX_IMPACT`]. The browser's score is
/// Σ idf × impact.
pub(super) fn impact(tf: u32, chars: usize) -> u32 {
    let tf = tf as f64;
    let s = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * chars as f64 / LEN_NORM));
    ((s / (K1 + 1.0) * MAX_IMPACT as f64).round() as u32).clamp(1, MAX_IMPACT)
}

/// The score unit of a stored posting: a posting carries its whole share of the score,
/// idf × impact, in these units (at least one).
const SCORE_UNIT: f64 = 1.0;

/// A token's postings as the index files hold them: each impact times the token's idf (BM25's,
/// from its document frequency among `n` documents), in [`SCORE_UNIT`]s. A token found in most
/// documents scores next to nothing, so its postings are one unit each and compress to almost
/// nothing, however many documents hold it.
pub(super) fn scored(postings: &[(u32, u32)], n: usize) -> String {
    let df = postings.len() as f64;
    let idf = (1.0 + (n as f64 - df + 0.5) / (df + 0.5)).ln();
    let unit = |w: u32| ((idf * w as f64 / SCORE_UNIT).round() as u32).max(1);
    let Some((&(d, w), rest)) = postings.split_first() else { return String::new() };
    let mut run = Run::new(d, unit(w));
    for &(d, w) in rest {
        run.push(d, unit(w));
    }
    run.encode()
}

/// The JSON of a shard file: each token, in order, with its postings (as [`Run::encode`]
/// writes them) [`scored`] among `n` documents. A full index and a patch write it alike.
pub(super) fn shard_json<'a>(tokens: impl Iterator<Item = (&'a str, &'a str)>, n: usize) -> String {
    let mut json = String::from("{");
    for (i, (token, postings)) in tokens.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(token).expect("a string serialises"));
        json.push_str(":\"");
        json.push_str(&scored(&decode(postings), n));
        json.push('"');
    }
    json.push('}');
    json
}

/// The key of the index's table (`search/meta.js`).
pub(super) const META: &str = "meta";

/// A search file: a script that hands its value to the page's loader, as the base-64 text of
/// the JSON deflated (zlib, RFC 1950), which `search.js` inflates with the browser's
/// `DecompressionStream`. On disk that is about 0.7 of the JSON (as Pagefind, which gzips its
/// files, keeps them); served with gzip it costs about what the JSON would (gzip takes back most
/// of base 64's third), so a query downloads no more.
pub(super) fn put(key: &str, json: &str) -> Vec<u8> {
    format!("KBGEN_SEARCH.put(\"{key}\",\"{}\");\n", base64(&deflate(json.as_bytes()))).into_bytes()
}

/// How hard the deflate tries (zlib's default). At 10,000 practices (128 MB of JSON) zlib-rs
/// takes 1.7 s of CPU at any level from 2 to 6 (libflate took 7.5 s); level 1 stores the
/// Chinese text with fixed codes only, 38 % larger.
const DEFLATE_LEVEL: u32 = 6;

/// `bytes` deflated, by one compressor per thread, reset between files: making one allocates
/// and clears some 300 KiB of tables, more than deflating most search files takes (the lists of
/// a place, a document's fragment). A reset stream writes the bytes a new one would.
fn deflate(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    /// The room each call writes into, as in flate2's `ZlibEncoder` (which wrote these files
    /// before): zlib-rs ends its blocks elsewhere when it is given more room at once, so the
    /// same calls keep the files the same bytes.
    const ROOM: usize = 32 * 1024;
    thread_local! {
        static DEFLATE: std::cell::RefCell<(Compress, Vec<u8>)> =
            std::cell::RefCell::new((Compress::new(Compression::new(DEFLATE_LEVEL), true), vec![0; ROOM]));
    }
    /// One call: what it wrote goes to the end of `out`.
    fn step(z: &mut Compress, input: &[u8], room: &mut [u8], out: &mut Vec<u8>, flush: FlushCompress) -> Status {
        let before = z.total_out();
        let status = z.compress(input, room, flush).expect("deflate into memory");
        out.extend_from_slice(&room[..(z.total_out() - before) as usize]);
        status
    }
    DEFLATE.with_borrow_mut(|(z, room)| {
        z.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        // All of the input without flushing, then the end of the stream.
        while (z.total_in() as usize) < bytes.len() {
            step(z, &bytes[z.total_in() as usize..], room, &mut out, FlushCompress::None);
        }
        while step(z, &[], room, &mut out, FlushCompress::Finish) != Status::StreamEnd {}
        out
    })
}

/// Standard base 64 (RFC 4648 §4, padded), what the browser's `atob` reads.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_reads_the_version_written() {
        let js = include_str!("../../static/search.js");
        assert!(js.contains(&format!("var VERSION = {VERSION};")), "static/search.js reads another format version");
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
    }

    #[test]
    fn a_reused_compressor_writes_the_bytes_a_new_zlib_encoder_writes() {
        // Large enough for many blocks and many calls of 32 KiB of room; then a small file and
        // the large one again on the same (reset) compressor.
        let large: String = (0..40_000u32)
            .map(|i| {
                format!(
                    "{{\"t\":\"对标找差{}河长制\",\"n\":{}}}",
                    char::from_u32(0x4E00 + i * 7 % 20_000).unwrap(),
                    i * i % 977
                )
            })
            .collect();
        let fresh = |bytes: &[u8]| {
            use std::io::Write;
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(DEFLATE_LEVEL));
            z.write_all(bytes).unwrap();
            z.finish().unwrap()
        };
        assert!(large.len() > 1_000_000);
        for bytes in [large.as_bytes(), b"[1,2,3]", b"", large.as_bytes()] {
            assert_eq!(deflate(bytes), fresh(bytes), "{} bytes", bytes.len());
        }
    }

    #[test]
    fn a_search_file_is_its_json_deflated_in_base_64() {
        use base64::Engine;
        assert_eq!([base64(b""), base64(b"f"), base64(b"fo"), base64(b"foobar")], ["", "Zg==", "Zm8=", "Zm9vYmFy"]);
        let file = String::from_utf8(put("d/7", r#"{"title":"对标找差"}"#)).unwrap();
        let b64 = file.strip_prefix("KBGEN_SEARCH.put(\"d/7\",\"").and_then(|s| s.strip_suffix("\");\n")).unwrap();
        let z = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        let mut json = String::new();
        std::io::Read::read_to_string(&mut flate2::read::ZlibDecoder::new(&z[..]), &mut json).unwrap();
        assert_eq!(json, r#"{"title":"对标找差"}"#);
    }
}
