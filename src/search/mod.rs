//! Build stage 4: the search index. One tokenizer contract, shared with the browser
//! (`static/search.js`), so the index and the query cannot disagree:
//!
//! 1. **fold key**: each character through the same table on both sides — Traditional →
//!    Simplified per character (derived from OpenCC and shipped in the index), full-width →
//!    half-width, Latin lower-cased;
//! 2. **base tokens**: runs of `[a-z0-9]` are tokens (years and numbers kept); runs of Han
//!    characters give their overlapping bigrams (a lone character gives itself), so any
//!    substring of two characters or more is found — 找差 finds 对标找差;
//! 3. the index adds every Han character alone (a one-character query finds it anywhere), and
//!    holds a Latin token of two characters or more under each of its prefixes of two or more,
//!    so a Latin query token of two characters or more matches as a prefix (`gd` finds `gdp`)
//!    by an exact look-up. A document matches when it holds every base token of the query.
//!
//! **Format** (version 5; `search/`, every file a script calling `KBGEN_SEARCH.put(key, value)`,
//! so it loads from `file://` as well as over HTTP, and a query loads only what it needs; `value`
//! is the base-64 text of the JSON below deflated, [`wire::put`]):
//!
//! - `meta.js` — the format version (`v`, which `search.js` checks), the fold table, the shard
//!   count and the mechanism names: no column per document, so it stays small at any size;
//! - `s/<k>.js` — shard `k` of the inverted index: `{token: postings}` for the tokens whose
//!   FNV-1a 32 hash (over code points) is `k`. Postings are a string of base-64 varints, pairs
//!   of (doc id gap − 1, score − 1), doc ids ascending; a posting's score is its whole share of
//!   the document's score, the token's BM25 idf × the document's impact (BM25's term-frequency
//!   part of 4 × title + 2 × terms + 1 × body occurrences, length-normalised against a fixed
//!   length, quantised to 1–31), in whole units: a token most documents hold scores one unit
//!   everywhere and its postings compress to almost nothing. Ties rank newest first (doc ids are
//!   in site order);
//! - `f.js` — the facet columns (per document its places, every unit its regions lie within;
//!   its mechanisms with their broader entries; its year), loaded after the first results show,
//!   for the counts beside them and for filters ([`facets`]);
//! - `m/<i>.js` — the documents carrying mechanism `i` or a narrower entry, loaded when a query
//!   word names it (a name or synonym: they match that word and rank first) or a filter asks
//!   for it; `r/<hash>.js` — the documents in a place (the FNV-1a hash of its gazetteer path),
//!   for a place filter; `y.js` — the year column, for a year range: filters apply before the
//!   facet columns load;
//! - `n/<k>.js` — the names a query word can be, by the word's hash: gazetteer places (a word
//!   that is one becomes a place filter) and mechanism names and synonyms;
//! - `d/<id>.js` — one document as a result shows it (url, title, meta line, plain text for the
//!   excerpt), loaded only for the results on screen.
//!
//! The shard count grows with the corpus (about [`wire::POSTINGS_PER_SHARD`] postings per
//! shard), so a first query downloads a few small files whatever the size of the site.
//!
//! The parts: [`contract`] (the tokenizer the browser mirrors), [`wire`] (the format),
//! [`index`](mod@index) (building the index), [`facets`] (facets, filter lists and names),
//! [`patch`] (patching it for pages edited in place),
//! [`kept`] (the postings a patch starts from, kept on disk).

mod contract;
mod facets;
mod index;
mod kept;
mod patch;
pub(crate) mod wire;

pub(crate) use contract::{base_tokens, fold_table, index_tokens};
pub(crate) use index::index;
pub(crate) use kept::Postings;
pub(crate) use patch::update_index;
