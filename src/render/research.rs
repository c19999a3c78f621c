//! What pages give researchers, built from the site model for the templates: maps and the
//! tables of their numbers, diffusion grids, the link to a term's slice of the dataset, and a
//! practice's citations (`cite`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::Renderer;
use crate::chart::grid::{grid, GridRow};
use crate::chart::map::{self, Area};
use crate::cite::{self, Reference};
use crate::gazetteer::Level;
use crate::routes;

/// The research block of a taxonomy or term page (`research` in templates). Each HTML string
/// is drawn in Rust and inserted unescaped; each is empty when there is nothing to show.
#[derive(Serialize, Default)]
pub(super) struct ResearchView {
    /// The map: inline SVG and its legend.
    pub(super) map: String,
    /// The map's numbers: (name, url, count), largest first, places with a practice only.
    pub(super) map_rows: Vec<(String, String, usize)>,
    /// The heading of the table's place column (省份, 地市).
    pub(super) map_unit: &'static str,
    /// The diffusion grid (an HTML table).
    pub(super) grid: String,
    /// Practices without a year (left out of the grid).
    pub(super) undated: usize,
    /// The slice of the dataset that holds the term's practices.
    pub(super) csv: Option<String>,
    /// When that slice is a larger region's (a county's practices are in its prefecture's):
    /// that region's name and the code whose rows are the term's.
    pub(super) csv_within: Option<(String, String)>,
}

/// What the practice template shows of a citation (`page.cite`).
#[derive(Serialize)]
pub(super) struct CiteView {
    /// `citation_*` meta tags: (name, content).
    pub(super) meta: Vec<(&'static str, String)>,
    /// GB/T 7714-2015, with [`cite::ACCESSED`] standing in for the access date.
    pub(super) gbt7714: String,
    pub(super) bibtex: String,
}

impl Renderer<'_> {
    /// The provinces practice `i` lies in (region term indexes); `provinces` maps a province's
    /// unit to its term.
    fn provinces_of(&self, i: usize, provinces: &HashMap<usize, usize>) -> BTreeSet<usize> {
        let g = self.site.gazetteer;
        self.site.practices[i].regions.iter().filter_map(|&u| provinces.get(&g.lineage(u)[0]).copied()).collect()
    }

    /// Every province of the gazetteer with `count(term)` of its region term (0 without one).
    fn country_areas(&self, count: &dyn Fn(usize) -> usize) -> (Vec<Area>, Vec<(String, String, usize)>) {
        let g = self.site.gazetteer;
        let t = &self.site.taxonomies;
        let mut areas = Vec::new();
        let mut rows = Vec::new();
        for (u, unit) in g.units().iter().enumerate().filter(|(_, u)| u.level == Level::Province) {
            let term = t.region_term(u);
            let n = term.map_or(0, count);
            areas.push(Area { code: unit.code.clone(), name: unit.name.clone(), count: n });
            if let (Some(i), true) = (term, n > 0) {
                rows.push((unit.name.clone(), routes::region(&t.regions[i].slug, 0), n));
            }
        }
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        (areas, rows)
    }

    /// The region index: every practice by province.
    pub(super) fn region_index_research(&self) -> ResearchView {
        let t = &self.site.taxonomies;
        let (areas, map_rows) = self.country_areas(&|i| t.regions[i].practices.len());
        ResearchView {
            map: map::country("map-provinces", "各省份实践数地图", &areas),
            map_rows,
            map_unit: "省份",
            ..Default::default()
        }
    }

    /// A mechanism's page: its practices by province, on a map and by year.
    pub(super) fn mechanism_research(&self, term: usize, root: &str) -> ResearchView {
        let site = self.site;
        let m = &site.taxonomies.mechanisms[term];
        let mut by_province: BTreeMap<usize, BTreeMap<i32, usize>> = BTreeMap::new();
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        let mut undated = 0;
        let provinces: HashMap<usize, usize> = site.taxonomies.provinces().map(|(i, t)| (t.unit, i)).collect();
        for &i in &m.practices {
            let year = site.practices[i].front.year;
            undated += usize::from(year.is_none());
            for p in self.provinces_of(i, &provinces) {
                *counts.entry(p).or_default() += 1;
                if let Some(y) = year {
                    *by_province.entry(p).or_default().entry(y).or_default() += 1;
                }
            }
        }
        let name = &site.vocab.mechanisms[m.mechanism].name;
        let (areas, map_rows) = self.country_areas(&|i| counts.get(&i).copied().unwrap_or(0));
        let rows = by_province
            .into_iter()
            .map(|(i, years)| {
                let r = &site.taxonomies.regions[i];
                GridRow { label: site.gazetteer.unit(r.unit).name.clone(), url: routes::region(&r.slug, 0), years }
            })
            .collect();
        ResearchView {
            map: map::country("map-mechanism", &format!("{name}：各省份实践数地图"), &areas),
            map_rows,
            map_unit: "省份",
            grid: grid("grid-spread", &format!("{name}：各省份逐年实践数（按首次出现排序）"), "省份", root, rows),
            undated,
            csv: Some(routes::mechanism_csv(&site.vocab.mechanisms[m.mechanism].id)),
            csv_within: None,
        }
    }

    /// A region's page: its mechanisms by year; a province's also its prefectures on a map.
    pub(super) fn region_research(&self, term: usize, root: &str) -> ResearchView {
        let site = self.site;
        let (g, t) = (site.gazetteer, &site.taxonomies);
        let r = &t.regions[term];
        let mut by_mechanism: BTreeMap<usize, BTreeMap<i32, usize>> = BTreeMap::new();
        let mut undated = 0;
        for &i in &r.practices {
            let p = &site.practices[i];
            let Some(y) = p.front.year else {
                undated += 1;
                continue;
            };
            for &m in p.mechanisms.iter().collect::<BTreeSet<_>>() {
                *by_mechanism.entry(m).or_default().entry(y).or_default() += 1;
            }
        }
        let rows = by_mechanism
            .into_iter()
            .map(|(m, years)| {
                let v = &site.vocab.mechanisms[m];
                GridRow { label: v.name.clone(), url: routes::mechanism(&v.id, 0), years }
            })
            .collect();
        let name = &g.unit(r.unit).name;
        let holder = crate::dataset::region_slice(g, r.unit);
        let mut view = ResearchView {
            grid: grid("grid-mechanisms", &format!("{name}：各机制逐年实践数（按首次出现排序）"), "机制", root, rows),
            undated,
            csv: Some(routes::region_csv(&crate::taxonomy::region_slug(g, holder))),
            csv_within: (holder != r.unit).then(|| (g.unit(holder).name.clone(), g.unit(r.unit).code.clone())),
            map_unit: "地市",
            ..Default::default()
        };
        if g.unit(r.unit).level == Level::Province {
            self.province_map(term, &mut view);
        }
        view
    }

    /// A province's prefectures (and counties directly under it) on a map, where the
    /// boundaries have them.
    fn province_map(&self, term: usize, view: &mut ResearchView) {
        let (g, t) = (self.site.gazetteer, &self.site.taxonomies);
        let r = &t.regions[term];
        let mut areas = Vec::new();
        for (u, unit) in g.units().iter().enumerate().filter(|(_, c)| c.parent == Some(r.unit)) {
            let child = t.region_term(u);
            let n = child.map_or(0, |c| t.regions[c].practices.len());
            if map::has_child_shape(&unit.code) {
                areas.push(Area { code: unit.code.clone(), name: unit.name.clone(), count: n });
            }
            if let (Some(c), true) = (child, n > 0) {
                view.map_rows.push((unit.name.clone(), routes::region(&t.regions[c].slug, 0), n));
            }
        }
        view.map_rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let name = &g.unit(r.unit).name;
        view.map = map::province("map-children", &format!("{name}各地实践数地图"), &g.unit(r.unit).code, &areas)
            .unwrap_or_default();
    }

    /// The citations of practice `i`.
    pub(super) fn cite(&self, i: usize, path: &str) -> CiteView {
        let p = &self.site.practices[i];
        let page_url = format!("{}{}", self.site.config.base_url, routes::public(path));
        let original = p.front.import.as_ref().and_then(|i| i.url.clone()).filter(|u| crate::markdown::safe_url(u));
        let r = Reference {
            title: &p.front.title,
            author: p.front.author.as_deref(),
            source: p.front.source.as_deref(),
            date: p.front.date.as_deref(),
            year: p.front.year,
            url: original.as_deref().unwrap_or(&page_url),
            page_url: &page_url,
            lang: p.front.lang.as_deref().unwrap_or("zh-CN"),
            keywords: &p.front.keywords,
        };
        CiteView { meta: cite::meta(&r), gbt7714: cite::gbt7714(&r, cite::ACCESSED), bibtex: cite::bibtex(&r, &p.slug) }
    }
}
