//! What the search page filters and understands besides the text, from the site model: the
//! facet columns (`f.js`: per document its places, mechanisms and year), and what filters
//! before they load — the practices tagged with each mechanism (`m/<i>.js`), those in each
//! place (`r/<hash>.js`) and the year column (`y.js`) — and the names a query word can be
//! (`n/<k>.js`: gazetteer places and mechanism names and synonyms).
//!
//! A practice is in a place when one of its regions is that unit or lies within it, the rule of
//! the region pages (`taxonomy`); it carries a mechanism when one of its mechanisms is that
//! entry or a narrower one at any depth (`vocab.rs` `parent`). Both sets are computed here, so
//! the browser never works out a lineage from names.

use std::collections::{BTreeMap, BTreeSet};

use super::contract::fold_char;
use super::wire::{shard_of, Run};
use crate::practice::Practice;
use crate::routes;
use crate::site::Site;

/// The key of the facet columns (`search/f.js`).
pub(crate) const FACETS: &str = "f";

/// The number of name files (`n/<k>.js`): a query word loads the one its fold hashes to, a
/// file of about 2 KiB for the whole gazetteer and vocabulary.
pub(crate) const NAME_FILES: u32 = 64;

/// The places of practice `p`: its regions and every unit they lie within (the taxonomy's rule).
fn places(site: &Site, p: &Practice) -> Vec<usize> {
    crate::taxonomy::places(site.gazetteer, &p.regions)
}

/// The mechanisms of practice `p` with every broader entry of each (the taxonomy's rule).
pub(crate) fn mechanisms(site: &Site, p: &Practice) -> Vec<usize> {
    crate::taxonomy::within(&site.vocab, &p.mechanisms)
}

/// `f.js`: the places the practices are in (`units`: gazetteer path and the index of the unit
/// it lies within or −1), and per document, as columns, its places (`reg`, indexes
/// into `units`), its mechanisms with their broader entries (`mech`, indexes into `meta.js`'s
/// list) and its year (`year`, 0 when unknown).
pub(crate) fn facets_json(site: &Site) -> String {
    let g = site.gazetteer;
    let per_doc: Vec<Vec<usize>> = site.practices.iter().map(|p| places(site, p)).collect();
    let used: BTreeSet<usize> = per_doc.iter().flatten().copied().collect();
    let index: BTreeMap<usize, usize> = used.iter().enumerate().map(|(i, &u)| (u, i)).collect();
    let units: Vec<serde_json::Value> = used
        .iter()
        .map(|&u| {
            let unit = g.unit(u);
            let parent = unit.parent.and_then(|p| index.get(&p)).map_or(-1, |&i| i as i64);
            serde_json::json!([g.path(u), parent])
        })
        .collect();
    let reg: Vec<Vec<usize>> = per_doc.iter().map(|s| s.iter().map(|u| index[u]).collect()).collect();
    let years: Vec<i32> = site.practices.iter().map(|p| p.front.year.unwrap_or(0)).collect();
    let mech: Vec<Vec<usize>> = site.practices.iter().map(|p| mechanisms(site, p)).collect();
    serde_json::json!({ "units": units, "reg": reg, "year": years, "mech": mech }).to_string()
}

/// `m/<i>.js` for every mechanism `i`: the documents that carry it or a narrower entry, as a
/// postings string (every weight 1). A query word that names the mechanism matches them.
pub(crate) fn tag_files(site: &Site) -> Vec<(String, String)> {
    let mut docs: Vec<Vec<u32>> = vec![Vec::new(); site.vocab.mechanisms.len()];
    for (d, p) in site.practices.iter().enumerate() {
        for m in mechanisms(site, p) {
            docs[m].push(d as u32);
        }
    }
    docs.into_iter()
        .enumerate()
        .map(|(m, ids)| (format!("m/{m}"), serde_json::to_string(&id_postings(&ids)).expect("a string serialises")))
        .collect()
}

/// The fold of a name, as the browser folds a query word.
fn fold(name: &str) -> String {
    name.chars().map(fold_char).collect()
}

/// `n/<k>.js` for k in 0..[`NAME_FILES`]: `{word: {"p": [gazetteer paths], "m": [mechanism
/// indexes]}}` for every word, folded, in file k (by the index's shard hash): each gazetteer
/// unit's name and (but a county's) short name, each mechanism's name and synonyms. Made from the gazetteer and
/// the vocabulary alone, not the practices.
pub(crate) fn name_files(site: &Site) -> Vec<(String, String)> {
    let g = site.gazetteer;
    #[derive(Default, serde::Serialize)]
    struct Entry {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        p: Vec<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        m: Vec<usize>,
    }
    let mut words: BTreeMap<String, Entry> = BTreeMap::new();
    for (u, unit) in g.units().iter().enumerate() {
        // A county is named by its full name only: many of their short names are everyday
        // words (资源 of 资源县, 和平, 城关), and a word must not silently narrow a search.
        let short = unit.short.iter().filter(|_| unit.level != crate::gazetteer::Level::County);
        for name in std::iter::once(&unit.name).chain(short) {
            let e = words.entry(fold(name)).or_default();
            let path = g.path(u);
            if !e.p.contains(&path) {
                e.p.push(path);
            }
        }
    }
    for (i, m) in site.vocab.mechanisms.iter().enumerate() {
        for name in std::iter::once(&m.name).chain(&m.synonyms.hans).chain(&m.synonyms.hant) {
            let e = words.entry(fold(name)).or_default();
            if !e.m.contains(&i) {
                e.m.push(i);
            }
        }
    }
    let mut files: Vec<BTreeMap<String, Entry>> = (0..NAME_FILES).map(|_| BTreeMap::new()).collect();
    for (word, entry) in words {
        files[shard_of(&word, NAME_FILES) as usize].insert(word, entry);
    }
    files
        .into_iter()
        .enumerate()
        .map(|(k, f)| (format!("n/{k}"), serde_json::to_string(&f).expect("names serialise")))
        .collect()
}

/// A postings string of ascending document ids, every weight 1.
fn id_postings(ids: &[u32]) -> String {
    ids.split_first().map_or(String::new(), |(&first, rest)| {
        let mut run = Run::new(first, 1);
        rest.iter().for_each(|&d| run.push(d, 1));
        run.encode()
    })
}

/// The key of the file of the practices in the place at gazetteer path `path`: `r/` and the
/// FNV-1a 32 hash of the path in hex, which the browser computes from a `region=` value.
pub(crate) fn region_key(path: &str) -> String {
    format!("r/{:08x}", super::wire::fnv1a(path))
}

/// `r/<hash>.js` for the places the practices are in (every place when `only` is `None`, else
/// those of `only`, gazetteer units): `{path: postings}` of the documents in that place or
/// within it, for each path of that hash (one, but for a collision). A place filter reads its
/// practices here, before the facet columns load.
pub(crate) fn region_files(site: &Site, only: Option<&BTreeSet<usize>>) -> Vec<(String, String)> {
    let g = site.gazetteer;
    let mut docs: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (d, p) in site.practices.iter().enumerate() {
        for u in places(site, p) {
            docs.entry(u).or_default().push(d as u32);
        }
    }
    let mut files: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let wanted: Option<BTreeSet<String>> = only.map(|o| o.iter().map(|&u| region_key(&g.path(u))).collect());
    for (u, ids) in docs {
        let path = g.path(u);
        let key = region_key(&path);
        if wanted.as_ref().is_none_or(|w| w.contains(&key)) {
            files.entry(key).or_default().insert(path, id_postings(&ids));
        }
    }
    files.into_iter().map(|(k, v)| (k, serde_json::to_string(&v).expect("postings serialise"))).collect()
}

/// The places of `practices` (with every unit they lie within): the region files a patch
/// replacing them writes again.
pub(crate) fn places_of<'a>(site: &Site, practices: impl Iterator<Item = &'a Practice>) -> BTreeSet<usize> {
    practices.flat_map(|p| places(site, p)).collect()
}

/// Whether replacing the `old` versions of practices by the site's current ones leaves some
/// place of `touched` with practices where it had none, or none where it had some: the files
/// of such a place come or go, which only a full rewrite does.
pub(crate) fn places_come_or_go(site: &Site, old: &[&Practice], new: &[&Practice], touched: &BTreeSet<usize>) -> bool {
    let count = |ps: &mut dyn Iterator<Item = &Practice>| {
        let mut n: BTreeMap<usize, i64> = BTreeMap::new();
        for p in ps {
            for u in places(site, p).into_iter().filter(|u| touched.contains(u)) {
                *n.entry(u).or_default() += 1;
            }
        }
        n
    };
    let now = count(&mut site.practices.iter());
    let (gone, came) = (count(&mut old.iter().copied()), count(&mut new.iter().copied()));
    touched.iter().any(|u| {
        let after = now.get(u).copied().unwrap_or(0);
        let before = after - came.get(u).copied().unwrap_or(0) + gone.get(u).copied().unwrap_or(0);
        (after == 0) != (before == 0)
    })
}

/// The key of the year column (`search/y.js`).
pub(crate) const YEARS: &str = "y";

/// `y.js`: the year of each document (0 when unknown), in site order: long runs of one year
/// that deflate to a few KiB at any size, so a year range filters before the facet columns load.
fn years_json(site: &Site) -> String {
    let years: Vec<i32> = site.practices.iter().map(|p| p.front.year.unwrap_or(0)).collect();
    serde_json::to_string(&years).expect("years serialise")
}

/// The search files made from the site model as a whole, written again whole by a patch:
/// `f.js`, `y.js` and the tag lists.
pub(crate) fn model_files(site: &Site) -> Vec<(String, String)> {
    let mut out = vec![(FACETS.to_string(), facets_json(site)), (YEARS.to_string(), years_json(site))];
    out.extend(tag_files(site));
    out
}

/// The mechanism page of entry `i`, from the site root.
pub(crate) fn mechanism_page(site: &Site, i: usize) -> String {
    routes::mechanism(&site.vocab.mechanisms[i].id, 0)
}
