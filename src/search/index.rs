//! Building the index: each practice's weighted tokens (title, terms, body), counted without
//! making strings, inverted in parallel runs of consecutive ids, and written as shards,
//! per-document fragments and `meta.js` (see `wire`).

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::contract::fold_char;
use super::facets::{model_files, name_files, region_files};
use super::kept::{self, Postings};
use super::wire::{impact, meta_json, put, shard_count, shard_json, shard_of, Run, META};
use crate::fold::is_han;
use crate::output::Sink;
use crate::practice::Practice;
use crate::routes;
use crate::site::Site;
use crate::timing::phase;

/// Field weights: a token in the title counts four times, in the terms (places, mechanisms,
/// keywords, source) twice.
const TITLE: u32 = 4;
const TERMS: u32 = 2;
const BODY: u32 = 1;

/// A token while indexing: Han unigrams and bigrams as code points, Latin runs as text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Token {
    Han(u64),
    Latin(Box<str>),
}

impl Token {
    pub(super) fn text(&self) -> String {
        match self {
            Token::Han(k) => {
                let (a, b) = ((k >> 32) as u32, (k & 0xFFFF_FFFF) as u32);
                [a, b].into_iter().filter(|&c| c != 0).filter_map(char::from_u32).collect()
            }
            Token::Latin(s) => s.to_string(),
        }
    }
}

/// Token counts of one document: Han unigrams and bigrams packed as code points (the hot
/// path: every character of every page), Latin runs as text.
#[derive(Default)]
pub(super) struct Counts {
    han: FxHashMap<u64, u32>,
    latin: FxHashMap<Box<str>, u32>,
}

impl Counts {
    pub(super) fn with_capacity(n: usize) -> Counts {
        Counts { han: FxHashMap::with_capacity_and_hasher(n, Default::default()), latin: FxHashMap::default() }
    }
    pub(super) fn len(&self) -> usize {
        self.han.len() + self.latin.len()
    }
    /// The weighted counts of a document of `chars` characters as the impacts its postings carry.
    pub(super) fn into_impacts(mut self, chars: usize) -> Counts {
        self.han.values_mut().chain(self.latin.values_mut()).for_each(|w| *w = impact(*w, chars));
        self
    }
    fn add_latin(&mut self, run: &str, weight: u32) {
        // A Latin token of two characters or more is indexed under each of its prefixes of two
        // characters or more: a query token is then looked up as it is, and finds its prefix.
        if run.len() == 1 {
            *self.latin.entry(run.into()).or_default() += weight;
        }
        for end in 2..=run.len() {
            *self.latin.entry(run[..end].into()).or_default() += weight;
        }
    }
    pub(super) fn into_tokens(self) -> impl Iterator<Item = (Token, u32)> {
        self.han
            .into_iter()
            .map(|(k, w)| (Token::Han(k), w))
            .chain(self.latin.into_iter().map(|(k, w)| (Token::Latin(k), w)))
    }
}

/// Adds the index tokens of `text` to `counts`, each occurrence weighing `weight`.
pub(super) fn count_tokens(text: &str, weight: u32, counts: &mut Counts) {
    let mut prev: u32 = 0;
    let mut latin = String::new();
    for c in text.chars() {
        let c = fold_char(c);
        if is_han(c) {
            if !latin.is_empty() {
                counts.add_latin(&std::mem::take(&mut latin), weight);
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
                counts.add_latin(&std::mem::take(&mut latin), weight);
            }
        }
    }
    if !latin.is_empty() {
        counts.add_latin(&latin, weight);
    }
}

/// What a document gives the index: its weighted tokens and what a result shows.
pub(crate) struct DocEntry {
    pub(super) json: String,
}

/// The weighted tokens of practice `i`, and its result fragment.
pub(super) fn doc_entry(site: &Site, p: &Practice) -> std::io::Result<(DocEntry, Counts)> {
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
    let body = crate::markdown::plain_text(&p.body(&site.root)?);
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
    let chars = body.chars().count();
    Ok((DocEntry { json }, counts.into_impacts(chars)))
}

/// Writes the search index into `sink`; a document's fragment goes out as soon as it is
/// tokenized, a shard as soon as it is encoded. With `keep`, also keeps the postings in that
/// folder, for patching them later ([`Postings`]).
pub(crate) fn index(site: &Site, sink: &dyn Sink, keep: Option<&Path>) -> std::io::Result<Option<Postings>> {
    // The files made from the site model as a whole go first, while the memory the postings
    // will take is free: written after them, they raised a 10,000-practice build's peak 3 MiB.
    phase("search lists", || {
        for (key, json) in model_files(site).into_iter().chain(region_files(site, None)).chain(name_files(site)) {
            sink.put(routes::search_file(&key), put(&key, &json))?;
        }
        std::io::Result::Ok(())
    })?;
    // Documents are tokenized and inverted in parallel runs of consecutive ids; a run's
    // postings join the previous run's by re-encoding one gap.
    let n = site.practices.len();
    let chunk = n.div_ceil(rayon::current_num_threads() * 4).max(1);
    let ids: Vec<usize> = (0..n).collect();
    // Per run: postings by token, number of postings.
    type Part = (FxHashMap<Token, Run>, usize);
    let parts: Vec<std::io::Result<Part>> = phase("search docs", || {
        ids.par_chunks(chunk)
            .map(|ids| {
                let mut map: FxHashMap<Token, Run> = FxHashMap::default();
                let mut postings = 0;
                for &i in ids {
                    let (entry, tokens) = doc_entry(site, &site.practices[i])?;
                    postings += tokens.len();
                    for (key, w) in tokens.into_tokens() {
                        match map.get_mut(&key) {
                            Some(run) => run.push(i as u32, w),
                            None => {
                                map.insert(key, Run::new(i as u32, w));
                            }
                        }
                    }
                    let key = format!("d/{i}");
                    sink.put(routes::search_file(&key), put(&key, &entry.json))?;
                }
                // A run's buffer grew by doubling: up to half of it is room, a quarter on average.
                map.values_mut().for_each(Run::shrink);
                Ok((map, postings))
            })
            .collect()
    });
    // Each token's runs in id order, not joined yet: joining here would copy every posting
    // and leave room in every buffer (at 50,000 practices 226 MB of postings took 486 MiB).
    let mut all: FxHashMap<Token, Vec<Run>> = FxHashMap::default();
    let mut postings = 0;
    for part in parts {
        let (map, p) = part?;
        postings += p;
        for (key, run) in map {
            all.entry(key).or_default().push(run);
        }
    }
    let shards = shard_count(postings);
    sink.put(routes::search_file(META), put(META, &meta_json(site, shards, postings)))?;
    if let Some(dir) = keep {
        kept::prepare(dir)?;
    }
    phase("search shards", || write_shards(all, shards, n, sink, keep))?;
    Ok(keep.map(|dir| Postings::new(dir, shards, postings, n)))
}

/// The shard files of an inverted index of `n` documents (postings [`scored`]); with `keep`,
/// also each shard's postings by token, with their impacts (what a patch starts from), saved
/// in that folder.
fn write_shards(
    all: FxHashMap<Token, Vec<Run>>,
    shards: u32,
    n: usize,
    sink: &dyn Sink,
    keep: Option<&Path>,
) -> std::io::Result<()> {
    let mut by_shard: Vec<Vec<(String, Vec<Run>)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, runs) in all {
        let text = key.text();
        by_shard[shard_of(&text, shards) as usize].push((text, runs));
    }
    by_shard
        .into_par_iter()
        .enumerate()
        .map(|(k, mut tokens)| {
            tokens.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let encoded: Vec<(String, String)> =
                tokens.into_iter().map(|(token, runs)| (token, Run::join(runs).encode())).collect();
            let json = shard_json(encoded.iter().map(|(t, p)| (t.as_str(), p.as_str())), n);
            let key = format!("s/{k}");
            sink.put(routes::search_file(&key), put(&key, &json))?;
            match keep {
                Some(dir) => kept::save(dir, k as u32, &encoded.into_iter().collect()),
                None => Ok(()),
            }
        })
        .collect()
}
