//! The views: what templates see. Each page's template gets one of these structs (and the
//! site settings); nothing else of the model reaches a template.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::practice::Practice;
use crate::routes;
use crate::site::Site;

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) language: &'a str,
    pub(super) base_url: &'a str,
}

#[derive(Serialize, Clone, Hash)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// A practice's regions as a reader takes them in: a place, and the places inside it that the
/// story also dwells on, each as its path below that place (`江苏省 › 苏州市（姑苏区、吴江区）`).
#[derive(Serialize)]
pub(super) struct RegionGroup {
    pub(super) path: Vec<Link>,
    pub(super) within: Vec<Vec<Link>>,
}

/// Groups region paths (province first) under the first earlier path each lies in.
pub(super) fn region_groups(paths: &[Vec<Link>]) -> Vec<RegionGroup> {
    let mut groups: Vec<RegionGroup> = Vec::new();
    for path in paths {
        let same_start =
            |g: &RegionGroup| path.len() > g.path.len() && path.iter().zip(&g.path).all(|(a, b)| a.url == b.url);
        match groups.iter_mut().find(|g| same_start(g)) {
            Some(g) => g.within.push(path[g.path.len()..].to_vec()),
            None => groups.push(RegionGroup { path: path.clone(), within: Vec::new() }),
        }
    }
    groups
}

#[derive(Serialize, Clone)]
pub struct TermLink {
    pub name: String,
    pub url: String,
    pub count: usize,
    /// English gloss (mechanisms).
    pub en: Option<String>,
    pub description: Option<String>,
}

/// A practice in a list.
#[derive(Serialize, Clone, Hash)]
pub struct Card {
    pub url: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub when: String,
    pub lang: Option<String>,
    /// First region as `江苏省 › 苏州市`.
    pub region: Option<String>,
    pub mechanisms: Vec<Link>,
    pub excerpt: String,
}

#[derive(Serialize)]
pub(super) struct MechanismView {
    pub(super) name: String,
    pub(super) en: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct ProvenanceView {
    pub(super) file: String,
    pub(super) sha256: String,
    pub(super) story: usize,
    pub(super) stories: usize,
    /// Other raw files with the same story.
    pub(super) also: Vec<String>,
    /// The original article's web address (原文链接), when import knew it.
    pub(super) url: Option<String>,
    /// The day a web archive captured it.
    pub(super) captured: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PracticeView {
    pub(super) title: String,
    pub(super) subtitle: Option<String>,
    pub(super) date: Option<String>,
    pub(super) year: Option<i32>,
    pub(super) year_inferred: bool,
    pub(super) year_url: Option<String>,
    pub(super) practice: Vec<String>,
    pub(super) source: Option<String>,
    pub(super) author: Option<String>,
    pub(super) lang: Option<String>,
    /// Each region as its path of links, province first.
    pub(super) regions: Vec<Vec<Link>>,
    /// The same, grouped under the places they lie in.
    pub(super) region_groups: Vec<RegionGroup>,
    pub(super) mechanisms: Vec<MechanismView>,
    pub(super) keywords: Vec<String>,
    pub(super) body: String,
    pub(super) provenance: Option<ProvenanceView>,
    pub(super) related: Vec<Card>,
    pub(super) source_file: String,
    pub(super) cite: super::research::CiteView,
}

#[derive(Serialize)]
pub(super) struct Paginator {
    pub(super) items: Vec<Card>,
    pub(super) page: usize,
    pub(super) pages: usize,
    pub(super) prev: Option<String>,
    pub(super) next: Option<String>,
    /// The page list: the first and last pages and those within [`PAGER_REACH`] of this one,
    /// in order (a list of every page would make a big term's pages quadratic in size).
    pub(super) links: Vec<PageLink>,
}

#[derive(Serialize, Debug, PartialEq)]
pub(super) struct PageLink {
    pub(super) number: usize,
    pub(super) url: String,
    /// Pages are left out between the previous link and this one.
    pub(super) gap_before: bool,
}

/// How many pages on each side of the current one the page list shows.
const PAGER_REACH: usize = 2;

/// Which page numbers (0-based) a page list shows on page `page` of `pages`.
pub(super) fn pager_window(page: usize, pages: usize) -> impl Iterator<Item = usize> {
    (0..pages).filter(move |&n| n == 0 || n + 1 == pages || n.abs_diff(page) <= PAGER_REACH)
}

/// A mechanism on the mechanism index, with its narrower entries (the vocabulary's `parent`).
#[derive(Serialize)]
pub(super) struct MechanismNode {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) en: String,
    pub(super) description: String,
    pub(super) description_en: Option<String>,
    pub(super) children: Vec<MechanismNode>,
}

#[derive(Serialize)]
pub(super) struct TermView {
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) en: Option<String>,
    /// Chinese (mechanisms).
    pub(super) description: Option<String>,
    pub(super) description_en: Option<String>,
    pub(super) count: usize,
    /// Ancestors, outermost first: the province and city of a county, the broader mechanisms
    /// of a mechanism.
    pub(super) ancestors: Vec<Link>,
    /// Sub-terms: cities of a province, counties of a city, narrower mechanisms.
    pub(super) children: Vec<TermLink>,
    pub(super) feed: Option<String>,
}

#[derive(Serialize)]
pub(super) struct TreeNode {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) children: Vec<TreeNode>,
}

/// A card per practice, in site order.
pub(super) fn cards(site: &Site, cached: Option<KeptCards>) -> Vec<Card> {
    match cached {
        Some((keys, cards)) => {
            let mut cached: HashMap<u64, Card> = keys.into_iter().zip(cards).collect();
            site.practices.iter().map(|p| cached.remove(&card_key(p)).unwrap_or_else(|| card(site, p))).collect()
        }
        None => site.practices.par_iter().map(|p| card(site, p)).collect(),
    }
}

/// The cards of a render with each one's [`card_key`], in the order of its practices: kept as
/// they were made, for the next render to look up (a map of them made at the end of every
/// build was the peak of a 10,000-practice build's memory, 3 MiB above the search index's).
pub type KeptCards = (Vec<u64>, Vec<Card>);

/// What a practice's card is made from, besides the vocabulary and gazetteer: the text of its
/// file and its slug (the card's link). A file renamed with its text unchanged is another card:
/// kept under its text alone, the old link stayed on every list that shows it.
pub(crate) fn card_key(p: &Practice) -> u64 {
    super::fingerprints::hash_of(&(p.hash, &p.slug))
}

pub(super) fn card(site: &Site, p: &Practice) -> Card {
    {
        Card {
            url: routes::practice(&p.slug),
            title: p.front.title.clone(),
            subtitle: p.front.subtitle.clone(),
            when: p
                .front
                .date
                .clone()
                .unwrap_or_else(|| p.front.year.map(|y| format!("{y}年")).unwrap_or_else(|| "年份不详".into())),
            lang: p.front.lang.clone(),
            region: p.regions.first().map(|&u| site.gazetteer.path(u).replace('/', " › ")),
            mechanisms: p
                .mechanisms
                .iter()
                .map(|&m| {
                    let v = &site.vocab.mechanisms[m];
                    Link { name: v.name.clone(), url: routes::mechanism(&v.id, 0) }
                })
                .collect(),
            excerpt: p.excerpt.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists_show_the_ends_and_a_window_around_the_current_page() {
        let shown = |page, pages| pager_window(page, pages).map(|n| n + 1).collect::<Vec<_>>();
        assert_eq!(shown(14, 30), [1, 13, 14, 15, 16, 17, 30]);
        assert_eq!(shown(0, 30), [1, 2, 3, 30]);
        assert_eq!(shown(29, 30), [1, 28, 29, 30]);
        assert_eq!(shown(1, 4), [1, 2, 3, 4]);
        assert_eq!(shown(0, 1), [1]);
    }

    #[test]
    fn regions_inside_an_earlier_one_are_listed_under_it() {
        let link = |n: &str| Link { name: n.into(), url: format!("region/{n}/index.html") };
        let path = |ns: &[&str]| ns.iter().map(|n| link(n)).collect::<Vec<_>>();
        let groups = region_groups(&[
            path(&["江苏省", "苏州市"]),
            path(&["江苏省", "苏州市", "姑苏区"]),
            path(&["江苏省", "苏州市", "吴江区"]),
            path(&["江苏省", "南京市"]),
            path(&["浙江省"]),
        ]);
        fn names(p: &[Link]) -> Vec<&str> {
            p.iter().map(|l| l.name.as_str()).collect()
        }
        let shown: Vec<(Vec<&str>, Vec<Vec<&str>>)> =
            groups.iter().map(|g| (names(&g.path), g.within.iter().map(|w| names(w)).collect())).collect();
        assert_eq!(
            shown,
            [
                (vec!["江苏省", "苏州市"], vec![vec!["姑苏区"], vec!["吴江区"]]),
                (vec!["江苏省", "南京市"], vec![]),
                (vec!["浙江省"], vec![]),
            ]
        );
    }
}
