//! Build stage 3d: the data of the comparison page (`compare/index.html?ids=a,b,c`, drawn by
//! `static/compare.js`). A comparison names practices by id (their slug, stable across builds),
//! so a link to one keeps working when practices are added. Each practice's facts — place,
//! year, mechanisms, named practice, source, first paragraphs — are in chunk
//! `compare/c/<k>.js`, `k` the FNV-1a hash of the slug modulo the chunk count (written on the
//! page as `data-chunks`), so the page loads one small file per practice shown, from `file://`
//! too (each chunk is a script calling `KBGEN_COMPARE.put(k, {slug: facts})`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::markdown::plain_text;
use crate::output::{hash_of, Extras};
use crate::practice::Practice;
use crate::routes;
use crate::site::Site;

/// Practices a chunk aims at.
const PER_CHUNK: usize = 64;
/// Characters of a practice's opening text shown.
const OPENING: usize = 320;

/// What the comparison page shows of one practice. Links are paths inside the site.
#[derive(Serialize)]
pub(crate) struct Facts {
    pub url: String,
    pub title: String,
    pub when: String,
    /// Each region as its path of (name, url), province first.
    pub regions: Vec<Vec<(String, String)>>,
    pub mechanisms: Vec<(String, String)>,
    pub practice: Vec<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub lang: Option<String>,
    /// The first paragraphs, up to [`OPENING`] characters.
    pub opening: Vec<String>,
}

/// How many chunks a site of `n` practices has: a power of two.
pub(crate) fn chunk_count(n: usize) -> u32 {
    n.div_ceil(PER_CHUNK).next_power_of_two().max(1) as u32
}

/// The chunk of a slug (`static/compare.js` computes the same): FNV-1a, as search shards are.
pub(crate) fn chunk_of(slug: &str, chunks: u32) -> u32 {
    crate::search::wire::shard_of(slug, chunks)
}

fn facts(site: &Site, p: &Practice) -> Facts {
    let g = site.gazetteer;
    let t = &site.taxonomies;
    let link = |u: usize| {
        let url = t.region_term(u).map(|i| routes::region(&t.regions[i].slug, 0)).unwrap_or_default();
        (g.unit(u).name.clone(), url)
    };
    let mut opening = Vec::new();
    let mut left = OPENING;
    // An unreadable page fails the build where its page is drawn; here it has no opening.
    let body = p.body(&site.root).unwrap_or_default();
    for para in plain_text(&body).lines().map(str::trim).filter(|l| !l.is_empty()) {
        let n = para.chars().count();
        if n > left {
            opening.push(format!("{}…", para.chars().take(left).collect::<String>()));
            break;
        }
        opening.push(para.to_string());
        left -= n;
    }
    let f = &p.front;
    Facts {
        url: routes::practice(&p.slug),
        title: f.title.clone(),
        when: f.date.clone().or_else(|| f.year.map(|y| format!("{y}年"))).unwrap_or_else(|| "年份不详".into()),
        // A region that another of the page's regions lies in says nothing more.
        regions: p
            .regions
            .iter()
            .filter(|&&u| !p.regions.iter().any(|&o| o != u && g.is_within(o, u)))
            .map(|&u| g.lineage(u).into_iter().map(link).collect())
            .collect(),
        mechanisms: p
            .mechanisms
            .iter()
            .map(|&m| (site.vocab.mechanisms[m].name.clone(), routes::mechanism(&site.vocab.mechanisms[m].id, 0)))
            .collect(),
        practice: f.practice.clone(),
        source: f.source.clone(),
        author: f.author.clone(),
        lang: f.lang.clone(),
        opening,
    }
}

/// The facts of practice `p` as JSON (serve keeps them between rebuilds:
/// `pipeline::PerPractice`).
pub(crate) fn part(site: &Site, p: &Practice) -> String {
    serde_json::to_string(&facts(site, p)).expect("facts serialise")
}

/// Writes every chunk into `files`, from the parts of the practices in site order (each with
/// its hash): each chunk is `KBGEN_COMPARE.put(k,{"slug":facts,…});` with its slugs in order.
pub(crate) fn write_compare_data(site: &Site, parts: &[(&String, u64)], files: &mut Extras) {
    let chunks = chunk_count(site.practices.len());
    let mut by_chunk: BTreeMap<u32, BTreeMap<&str, (&str, u64)>> = (0..chunks).map(|k| (k, BTreeMap::new())).collect();
    for (p, (json, h)) in site.practices.iter().zip(parts) {
        by_chunk.entry(chunk_of(&p.slug, chunks)).or_default().insert(&p.slug, (json, *h));
    }
    for (k, entries) in by_chunk {
        let fingerprint = hash_of(&entries.iter().map(|(slug, (_, h))| (*slug, *h)).collect::<Vec<_>>());
        files.file(routes::compare_file(k), fingerprint, || {
            let mut js = format!("KBGEN_COMPARE.put({k},{{");
            for (n, (slug, (json, _))) in entries.iter().enumerate() {
                if n > 0 {
                    js.push(',');
                }
                js.push_str(&serde_json::to_string(slug).expect("a slug serialises"));
                js.push(':');
                js.push_str(json);
            }
            js.push_str("});\n");
            js.into_bytes()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_grow_in_powers_of_two_and_slugs_spread_over_them() {
        assert_eq!(chunk_count(0), 1);
        assert_eq!(chunk_count(64), 1);
        assert_eq!(chunk_count(65), 2);
        assert_eq!(chunk_count(10_000), 256);
        // FNV-1a 32 of "abc" is 0x1a47e90b (the reference value); tests/js/compare.test.mjs
        // expects the same of static/compare.js.
        assert_eq!(chunk_of("abc", 256), 0x0b);
        assert_eq!(chunk_of("abc", 1 << 31), 0x1a47_e90b);
        let used: std::collections::BTreeSet<u32> = (0..1000).map(|i| chunk_of(&format!("2020-x-{i}"), 16)).collect();
        assert_eq!(used.len(), 16);
    }
}
