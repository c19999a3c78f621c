//! Page fingerprints: per page, a hash of everything its rendering reads (its template and
//! the templates that one uses, the site settings, the practices and terms it shows). A page
//! whose fingerprint did not change renders to the same bytes, so an incremental render keeps
//! them. Fingerprints are filed under the page's path (see `Renderer::path`).

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use regex::Regex;

use super::{Job, Renderer};
use crate::site::Site;

/// Every page's fingerprint, by path.
pub type Fingerprints = HashMap<String, u64>;

pub(super) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Per template, a hash of its source and of every template it extends, imports or includes.
pub(super) fn template_fingerprints(sources: &BTreeMap<String, String>) -> HashMap<String, u64> {
    let uses = Regex::new(r#"\{%-?\s*(?:extends|import|include)\s+"([^"]+)""#).expect("valid pattern");
    fn key(
        name: &str,
        sources: &BTreeMap<String, String>,
        uses: &Regex,
        depth: usize,
        memo: &mut HashMap<String, u64>,
    ) -> u64 {
        if let Some(&k) = memo.get(name) {
            return k;
        }
        let src = sources.get(name).map_or("", String::as_str);
        let mut deps: Vec<u64> = Vec::new();
        if depth < 16 {
            for c in uses.captures_iter(src) {
                deps.push(key(&c[1], sources, uses, depth + 1, memo));
            }
        }
        let k = hash_of(&(src, deps));
        memo.insert(name.to_string(), k);
        k
    }
    let mut memo = HashMap::new();
    for name in sources.keys() {
        key(name, sources, &uses, 0, &mut memo);
    }
    memo
}

/// A hash of every term with its count: what the home page, the taxonomy indexes and the
/// region pages' child lists show.
pub(super) fn taxonomy_fingerprint(site: &Site) -> u64 {
    let t = &site.taxonomies;
    let regions: Vec<(&str, usize)> = t.regions.iter().map(|r| (r.slug.as_str(), r.practices.len())).collect();
    let mechanisms: Vec<usize> = t.mechanisms.iter().map(|m| m.practices.len()).collect();
    let years: Vec<(i32, usize)> = t.years.iter().map(|y| (y.year, y.practices.len())).collect();
    hash_of(&(regions, mechanisms, years, site.practices.len()))
}

/// Per practice, a hash of what a term's maps and grids read of it: years, regions, mechanisms.
pub(super) fn facet_fingerprints(site: &Site) -> Vec<u64> {
    use rayon::prelude::*;
    site.practices
        .par_iter()
        .map(|p| hash_of(&(p.front.year, p.front.year_inferred, p.front.adopted, &p.regions, &p.mechanisms)))
        .collect()
}

impl Renderer<'_> {
    /// What a term's maps and grids read of its practices: years, regions, mechanisms.
    fn facets(&self, items: &[usize]) -> u64 {
        hash_of(&items.iter().map(|&i| self.facet_fingerprints[i]).collect::<Vec<_>>())
    }

    /// The fingerprint of a job: everything its page reads.
    pub(super) fn fingerprint(&self, job: &Job) -> u64 {
        let site = self.site;
        let per = site.config.paginate;
        let t = &site.taxonomies;
        let page_cards = |items: &[usize], page: usize| -> Vec<u64> {
            items.iter().skip(page * per).take(per).map(|&i| self.card_fingerprints[i]).collect()
        };
        let own: u64 = match *job {
            Job::Home => {
                hash_of(&(self.taxonomy_fingerprint, self.card_fingerprints.iter().take(8).collect::<Vec<_>>()))
            }
            Job::Search => 0,
            Job::Compare => crate::compare::chunk_count(site.practices.len()) as u64,
            Job::NotFound => hash_of(&(&self.stylesheet, &self.favicon)),
            Job::Taxonomy(_) => self.taxonomy_fingerprint,
            Job::Practice(i) => {
                let p = &site.practices[i];
                let related: Vec<u64> = site.related[i].iter().map(|&j| self.card_fingerprints[j]).collect();
                hash_of(&(p.hash, &p.slug, &p.source, related))
            }
            Job::Region(i, page) => {
                let r = &t.regions[i];
                let children: Vec<(&str, usize)> =
                    r.children.iter().map(|&c| (t.regions[c].slug.as_str(), t.regions[c].practices.len())).collect();
                let facets = (page == 0).then(|| (self.facets(&r.practices), t.years.last().map(|y| y.year)));
                hash_of(&(r.unit, &r.slug, r.practices.len(), children, page_cards(&r.practices, page), facets))
            }
            Job::Mechanism(i, page) => {
                let m = &t.mechanisms[i];
                let children: Vec<usize> =
                    site.vocab.children(m.mechanism).into_iter().map(|c| self.mechanism_count(c)).collect();
                let facets = (page == 0).then(|| (self.facets(&m.practices), t.years.last().map(|y| y.year)));
                hash_of(&(m.mechanism, m.practices.len(), m.own, children, page_cards(&m.practices, page), facets))
            }
            Job::Year(i, page) => {
                let y = &t.years[i];
                hash_of(&(y.year, y.practices.len(), page_cards(&y.practices, page)))
            }
        };
        let template = self.template_fingerprints.get(Self::template(job)).copied().unwrap_or(0);
        hash_of(&(self.global, template, job, own))
    }
}
