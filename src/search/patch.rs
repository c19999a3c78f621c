//! Patching the index for practices edited in place (ids unchanged): their documents, the
//! postings of the tokens whose weight changed, and `meta.js`, in the files of the last build.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::index::{doc_entry, Token};
use super::wire::{decode, meta_json, put, shard_count, shard_of, value_of, Run, META};
use crate::output::Files;
use crate::practice::Practice;
use crate::routes;
use crate::site::Site;

/// What `meta.js` says that patching needs.
#[derive(serde::Deserialize)]
struct Meta {
    shards: u32,
    postings: usize,
    len: Vec<usize>,
}

/// Per token, (doc, new weight or removal).
type Edits = BTreeMap<String, Vec<(u32, Option<u32>)>>;

/// What replacing some practices changes: the token edits by shard, the new documents, the
/// document lengths and the number of postings.
struct Diff {
    shards: BTreeMap<u32, Edits>,
    docs: Vec<(usize, String)>,
    len: Vec<usize>,
    postings: usize,
}

/// Updates the index in `files` for practices replaced in place (ids unchanged): their
/// documents, the postings of the tokens whose weight changed, and `meta.js`. The result is
/// what [`index`](fn@super::index) would write. False when only a full rewrite can do it (no
/// index yet, or the shard count changes).
pub(crate) fn update_index(site: &Site, files: &mut Files, replaced: &[(usize, Practice)]) -> bool {
    let Some(meta) = files.get(&routes::search_file(META)).and_then(|b| value_of(b)) else { return false };
    let Ok(meta) = serde_json::from_str::<Meta>(meta) else { return false };
    if meta.len.len() != site.practices.len() {
        return false;
    }
    let shards = meta.shards;
    let diff = diff(site, replaced, meta);
    if shard_count(diff.postings) != shards {
        return false;
    }
    for (shard, tokens) in diff.shards {
        if !patch_shard(files, shard, tokens) {
            return false;
        }
    }
    for (i, json) in diff.docs {
        let key = format!("d/{i}");
        files.insert(routes::search_file(&key), put(&key, &json));
    }
    files.insert(routes::search_file(META), put(META, &meta_json(site, &diff.len, shards, diff.postings)));
    true
}

/// The token edits, documents and counts of replacing `replaced` in an index described by `meta`.
fn diff(site: &Site, replaced: &[(usize, Practice)], meta: Meta) -> Diff {
    let (mut postings, mut len) = (meta.postings as i64, meta.len);
    let mut shards: BTreeMap<u32, Edits> = BTreeMap::new();
    let mut docs = Vec::new();
    for (i, old) in replaced {
        let old: FxHashMap<Token, u32> = doc_entry(site, old).1.into_tokens().collect();
        let (entry, new) = doc_entry(site, &site.practices[*i]);
        let new: FxHashMap<Token, u32> = new.into_tokens().collect();
        postings += new.len() as i64 - old.len() as i64;
        let doc = *i as u32;
        let mut change = |token: &Token, w: Option<u32>| {
            let text = token.text();
            shards.entry(shard_of(&text, meta.shards)).or_default().entry(text).or_default().push((doc, w));
        };
        for (t, w) in &new {
            if old.get(t) != Some(w) {
                change(t, Some(*w));
            }
        }
        for t in old.keys().filter(|t| !new.contains_key(*t)) {
            change(t, None);
        }
        len[*i] = entry.chars;
        docs.push((*i, entry.json));
    }
    Diff { shards, docs, len, postings: postings.max(0) as usize }
}

/// Applies token edits to shard `shard` in `files`; false when the shard cannot be read.
fn patch_shard(files: &mut Files, shard: u32, tokens: Edits) -> bool {
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
    true
}
