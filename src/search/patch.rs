//! Patching the index for practices edited in place (ids unchanged): their documents, the
//! postings of the tokens whose weight changed (a shard is written again whole: a token's
//! document frequency scales all its postings), `meta.js`, `f.js`, `y.js`, the tag lists and the
//! region files of the places of the practices replaced. The postings of the last
//! index, with their impacts, are kept on disk ([`Postings`]), a shard per file, and read back
//! for the shards a patch touches; the index files written are never read back.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::facets::{model_files, places_come_or_go, places_of, region_files};
use super::index::{doc_entry, Token};
use super::kept::{Postings, Shard};
use super::wire::{decode, meta_json, put, shard_count, shard_json, shard_of, Run, META};
use crate::output::Sink;
use crate::practice::Practice;
use crate::routes;
use crate::site::Site;

/// Per token, (doc, new weight or removal).
type Edits = BTreeMap<String, Vec<(u32, Option<u32>)>>;

/// What replacing some practices changes: the token edits by shard, the new documents and the
/// number of postings.
struct Diff {
    shards: BTreeMap<u32, Edits>,
    docs: Vec<(usize, String)>,
    postings: usize,
}

/// Updates the index for practices replaced in place (ids unchanged): puts into `sink` their
/// documents, the shards whose postings changed, and `meta.js`, and keeps `kept` up to date.
/// The files are what [`index`](fn@super::index) would write. False, with nothing put or
/// changed, when only a full rewrite can do it (the shard count changes, a place gains its first
/// practice or loses its last).
pub(crate) fn update_index(
    site: &Site,
    kept: &mut Postings,
    replaced: &[(usize, Practice)],
    sink: &dyn Sink,
) -> std::io::Result<bool> {
    if kept.n != site.practices.len() {
        return Ok(false);
    }
    // The places of the practices replaced, before and after: their region files change; a
    // place's file that would come or go takes a full rewrite (a sink removes nothing).
    let old: Vec<&Practice> = replaced.iter().map(|(_, old)| old).collect();
    let new: Vec<&Practice> = replaced.iter().map(|(i, _)| &site.practices[*i]).collect();
    let touched = places_of(site, old.iter().chain(&new).copied());
    if places_come_or_go(site, &old, &new, &touched) {
        return Ok(false);
    }
    let diff = diff(site, replaced, kept)?;
    if shard_count(diff.postings) != kept.shards {
        return Ok(false);
    }
    let n = site.practices.len();
    let shards: Vec<(u32, Edits)> = diff.shards.into_iter().collect();
    shards.into_par_iter().try_for_each(|(shard, tokens)| {
        let mut map = kept.read(shard)?;
        patch_shard(&mut map, tokens);
        kept.write(shard, &map)?;
        // Every token of the shard is scored again: its score follows from its postings alone
        // (while `n` is unchanged), so the file is the one a full rewrite writes.
        let json = shard_json(map.iter().map(|(t, p)| (t.as_str(), p.as_str())), n);
        let key = format!("s/{shard}");
        sink.put(routes::search_file(&key), put(&key, &json))
    })?;
    for (i, json) in diff.docs {
        let key = format!("d/{i}");
        sink.put(routes::search_file(&key), put(&key, &json))?;
    }
    kept.postings = diff.postings;
    sink.put(routes::search_file(META), put(META, &meta_json(site, kept.shards, kept.postings)))?;
    for (key, json) in model_files(site).into_iter().chain(region_files(site, Some(&touched))) {
        sink.put(routes::search_file(&key), put(&key, &json))?;
    }
    Ok(true)
}

/// The token edits, documents and counts of replacing `replaced` in the index `meta`.
fn diff(site: &Site, replaced: &[(usize, Practice)], meta: &Postings) -> std::io::Result<Diff> {
    let mut postings = meta.postings as i64;
    let mut shards: BTreeMap<u32, Edits> = BTreeMap::new();
    let mut docs = Vec::new();
    for (i, old) in replaced {
        let old: FxHashMap<Token, u32> = doc_entry(site, old)?.1.into_tokens().collect();
        let (entry, new) = doc_entry(site, &site.practices[*i])?;
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
        docs.push((*i, entry.json));
    }
    Ok(Diff { shards, docs, postings: postings.max(0) as usize })
}

/// Applies token edits to the postings of one shard.
fn patch_shard(map: &mut Shard, tokens: Edits) {
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
}
