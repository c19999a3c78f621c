//! What pages give researchers, built from the site model for the templates: maps and the
//! tables of their numbers, diffusion grids, the link to a term's slice of the dataset, and a
//! practice's citations (`cite`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::Renderer;
use crate::chart::grid::{adopters, grid, query_value, search_href, AdopterRow, Cell, GridRow};
use crate::chart::map::{self, Area};
use crate::cite::{self, Reference};
use crate::gazetteer::Level;
use crate::routes;

/// A place's row of a map table: name, its page, count, and the search page listing the
/// practices counted (relative to the page).
pub(super) type MapRow = (String, String, usize, String);

/// The research block of a taxonomy or term page (`research` in templates). Each HTML string
/// is drawn in Rust and inserted unescaped; each is empty when there is nothing to show.
#[derive(Serialize, Default)]
pub(super) struct ResearchView {
    /// The map: inline SVG and its legend.
    pub(super) map: String,
    /// The map's numbers, largest first, places with a practice only.
    pub(super) map_rows: Vec<MapRow>,
    /// The map's source line ([`map::SOURCE`]).
    pub(super) map_source: &'static str,
    /// The heading of the table's place column (省份, 地市).
    pub(super) map_unit: &'static str,
    /// Small multiples of the map: the provinces with a practice by each year (inline SVG).
    pub(super) map_years: String,
    /// Their table: each panel's label, how many provinces it shades, and those new in it.
    pub(super) map_years_rows: Vec<(String, usize, String)>,
    /// Whether panels stand for several years each (more years than [`YEAR_PANELS`]).
    pub(super) map_years_grouped: bool,
    /// The diffusion grid (an HTML table).
    pub(super) grid: String,
    /// Distinct adopting places by year and level, and cumulatively (an HTML table).
    pub(super) adopters: String,
    /// The corpus's first year, when a row of the grid starts in it (left-censored).
    pub(super) censored: Option<i32>,
    /// Whether a cell of the grid holds a practice whose year was inferred.
    pub(super) inferred: bool,
    /// Whether a row of the grid says its practices began before its first report (`始于`).
    pub(super) since: bool,
    /// Provinces with no practice of the mechanism.
    pub(super) none: Vec<String>,
    /// On a mechanism page: practices tagged with the entry itself, and each narrower entry
    /// (name, page, count with its own narrower entries).
    pub(super) own: Option<usize>,
    pub(super) narrower: Vec<(String, String, usize)>,
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

/// At most this many panels of small-multiple maps: beyond, neighbouring years share one.
const YEAR_PANELS: usize = 12;

/// Years of a grid: each year's cell of practices.
type Years = BTreeMap<i32, Cell>;

fn add(years: &mut Years, year: i32, inferred: bool) {
    let c = years.entry(year).or_default();
    c.n += 1;
    c.inferred += usize::from(inferred);
}

/// Keeps in `since` the earliest year a row's practices say they began.
fn earliest(since: &mut BTreeMap<usize, i32>, row: usize, adopted: Option<i32>) {
    if let Some(y) = adopted {
        since.entry(row).and_modify(|s| *s = (*s).min(y)).or_insert(y);
    }
}

impl Renderer<'_> {
    /// The provinces practice `i` lies in (region term indexes); `provinces` maps a province's
    /// unit to its term.
    fn provinces_of(&self, i: usize, provinces: &HashMap<usize, usize>) -> BTreeSet<usize> {
        let g = self.site.gazetteer;
        self.site.practices[i].regions.iter().filter_map(|&u| provinces.get(&g.lineage(u)[0]).copied()).collect()
    }

    /// The corpus's first year: a place first seen then may have started earlier.
    fn corpus_from(&self) -> Option<i32> {
        self.site.taxonomies.years.last().map(|y| y.year)
    }

    /// Every province of the gazetteer with `count(term)` of its region term (0 without one);
    /// `query(path)` is the search query of a province's practices.
    fn country_areas(
        &self,
        root: &str,
        count: &dyn Fn(usize) -> usize,
        query: &dyn Fn(&str) -> String,
    ) -> (Vec<Area>, Vec<MapRow>) {
        let g = self.site.gazetteer;
        let t = &self.site.taxonomies;
        let mut areas = Vec::new();
        let mut rows = Vec::new();
        for (u, unit) in g.units().iter().enumerate().filter(|(_, u)| u.level == Level::Province) {
            let term = t.region_term(u);
            let n = term.map_or(0, count);
            let href = search_href(root, &query(&g.path(u)));
            areas.push(Area { code: unit.code.clone(), name: unit.name.clone(), count: n, href: Some(href.clone()) });
            if let (Some(i), true) = (term, n > 0) {
                rows.push((unit.name.clone(), routes::region(&t.regions[i].slug, 0), n, href));
            }
        }
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        (areas, rows)
    }

    /// The region index: every practice by province.
    pub(super) fn region_index_research(&self, root: &str) -> ResearchView {
        let t = &self.site.taxonomies;
        let (areas, map_rows) = self
            .country_areas(root, &|i| t.regions[i].practices.len(), &|path| format!("region={}", query_value(path)));
        ResearchView {
            map: map::country("map-provinces", "各省份实践数地图", &areas),
            map_rows,
            map_unit: "省份",
            map_source: map::SOURCE,
            ..Default::default()
        }
    }

    /// Distinct places adopting practices `items` each year, and cumulatively, at each level: a
    /// practice counts for its adopting place alone ([`crate::practice::Practice::adopter`], the
    /// first region as written) and the units it lies within, at the year it began where the
    /// text says (`adopted`), else at its report's.
    fn adopter_rows(&self, items: &[usize]) -> Vec<AdopterRow> {
        let g = self.site.gazetteer;
        let levels = [(Level::Province, "省份"), (Level::City, "地市"), (Level::County, "区县")];
        let mut years: [BTreeMap<usize, BTreeSet<i32>>; 3] = Default::default();
        for &i in items {
            let p = &self.site.practices[i];
            let Some(y) = p.front.adopted.or(p.front.year) else { continue };
            if let Some(u) = p.adopter() {
                for a in g.lineage(u) {
                    let l = levels.iter().position(|(l, _)| *l == g.unit(a).level).expect("three levels");
                    years[l].entry(a).or_default().insert(y);
                }
            }
        }
        levels
            .iter()
            .zip(years)
            .map(|(&(_, level), places)| {
                let mut now: BTreeMap<i32, usize> = BTreeMap::new();
                let mut first: BTreeMap<i32, usize> = BTreeMap::new();
                for ys in places.values() {
                    for &y in ys {
                        *now.entry(y).or_default() += 1;
                    }
                    *first.entry(*ys.iter().next().expect("a place has a year")).or_default() += 1;
                }
                let (lo, hi) = (first.keys().next().copied(), now.keys().next_back().copied());
                let mut ever = BTreeMap::new();
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    let mut sum = 0;
                    for y in lo..=hi {
                        sum += first.get(&y).copied().unwrap_or(0);
                        ever.insert(y, sum);
                    }
                }
                AdopterRow { level, now, ever }
            })
            .collect()
    }

    /// The small multiples of a mechanism's map (`items` its practices, `provinces` the province terms by unit, `max` its map's
    /// largest count): a panel per year with a practice, a practice counting for the province
    /// of its adopting place only (the first region as written) from the year it began where
    /// the text says (`adopted`), else its report's, shaded cumulatively; beyond
    /// [`YEAR_PANELS`] years, neighbouring years share a panel (the last year's counts).
    fn year_maps(
        &self,
        id: &str,
        title: &str,
        items: &[usize],
        provinces: &HashMap<usize, usize>,
        max: usize,
        view: &mut ResearchView,
    ) {
        let (g, t) = (self.site.gazetteer, &self.site.taxonomies);
        let dated: Vec<(i32, usize)> = items
            .iter()
            .filter_map(|&i| {
                let p = &self.site.practices[i];
                let province = provinces.get(&g.lineage(p.adopter()?)[0]).copied()?;
                Some((p.front.adopted.or(p.front.year)?, province))
            })
            .collect();
        let years: Vec<i32> = dated.iter().map(|d| d.0).collect::<BTreeSet<_>>().into_iter().collect();
        let size = years.len().div_ceil(YEAR_PANELS).max(1);
        let mut panels = Vec::new();
        let mut seen = BTreeSet::new();
        for chunk in years.chunks(size) {
            let end = chunk[chunk.len() - 1];
            let label = if chunk.len() == 1 { end.to_string() } else { format!("{}–{end}", chunk[0]) };
            let mut counts: HashMap<usize, usize> = HashMap::new();
            for &(_, p) in dated.iter().filter(|d| d.0 <= end) {
                *counts.entry(p).or_default() += 1;
            }
            let mut areas = Vec::new();
            let mut new = Vec::new();
            for (u, unit) in g.units().iter().enumerate().filter(|(_, u)| u.level == Level::Province) {
                let n = t.region_term(u).and_then(|term| counts.get(&term)).copied().unwrap_or(0);
                if n > 0 && seen.insert(u) {
                    new.push(unit.name.clone());
                }
                areas.push(Area { code: unit.code.clone(), name: unit.name.clone(), count: n, href: None });
            }
            let shaded = areas.iter().filter(|a| a.count > 0).count();
            view.map_years_rows.push((label.clone(), shaded, new.join("、")));
            panels.push(map::Panel { label, areas });
        }
        view.map_years = map::years(id, title, &panels, max);
        view.map_years_grouped = size > 1;
    }

    /// A mechanism's page: its practices (with those of narrower entries) by province, on a
    /// map and by year, and the places adopting it.
    pub(super) fn mechanism_research(&self, term: usize, root: &str) -> ResearchView {
        let site = self.site;
        let (g, t, vocab) = (site.gazetteer, &site.taxonomies, &site.vocab);
        let m = &t.mechanisms[term];
        let id = &vocab.mechanisms[m.mechanism].id;
        let mut by_province: BTreeMap<usize, Years> = BTreeMap::new();
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        let mut since: BTreeMap<usize, i32> = BTreeMap::new();
        let mut undated = 0;
        let provinces: HashMap<usize, usize> = t.provinces().map(|(i, t)| (t.unit, i)).collect();
        for &i in &m.practices {
            let f = &site.practices[i].front;
            undated += usize::from(f.year.is_none());
            for p in self.provinces_of(i, &provinces) {
                *counts.entry(p).or_default() += 1;
                earliest(&mut since, p, f.adopted);
                if let Some(y) = f.year {
                    add(by_province.entry(p).or_default(), y, f.year_inferred);
                }
            }
        }
        let name = &vocab.mechanisms[m.mechanism].name;
        let mine = format!("mechanism={}", query_value(id));
        let (areas, map_rows) = self.country_areas(root, &|i| counts.get(&i).copied().unwrap_or(0), &|path| {
            format!("{mine}&region={}", query_value(path))
        });
        let none = areas.iter().filter(|a| a.count == 0).map(|a| a.name.clone()).collect();
        let max = areas.iter().map(|a| a.count).max().unwrap_or(0);
        let corpus_from = self.corpus_from();
        let censored = corpus_from.filter(|&y| by_province.values().any(|ys| ys.keys().next() == Some(&y)));
        let inferred = by_province.values().flat_map(|ys| ys.values()).any(|c| c.inferred > 0);
        let span = by_province.values().flat_map(|ys| ys.keys()).copied();
        // The adopters table runs from the earliest stated start too.
        let years = span.clone().chain(since.values().copied()).min().unwrap_or(0)..=span.max().unwrap_or(-1);
        let rows: Vec<GridRow> = by_province
            .into_iter()
            .map(|(i, years)| {
                let r = &t.regions[i];
                GridRow {
                    label: g.unit(r.unit).name.clone(),
                    url: routes::region(&r.slug, 0),
                    years,
                    query: Some(format!("{mine}&region={}", query_value(&g.path(r.unit)))),
                    since: since.get(&i).copied(),
                }
            })
            .collect();
        let narrower = vocab
            .children(m.mechanism)
            .into_iter()
            .map(|c| {
                let v = &vocab.mechanisms[c];
                (v.name.clone(), routes::mechanism(&v.id, 0), self.mechanism_count(c))
            })
            .collect();
        let stated = rows.iter().any(|r| r.stated_start().is_some());
        let grid = grid(
            "grid-spread",
            &format!("{name}：各省份逐年实践数（按首次出现排序）"),
            "省份",
            root,
            corpus_from,
            rows,
        );
        let mut view = ResearchView {
            map: map::country("map-mechanism", &format!("{name}：各省份实践数地图"), &areas),
            map_rows,
            map_unit: "省份",
            map_source: map::SOURCE,
            since: stated,
            grid,
            adopters: adopters(
                "adopters",
                &format!("{name}：逐年采用地区数（当年、累计；有起始年份的按起始年份）"),
                years,
                &self.adopter_rows(&m.practices),
            ),
            censored,
            inferred,
            none,
            own: Some(m.own),
            narrower,
            undated,
            csv: Some(routes::mechanism_csv(id)),
            csv_within: None,
            ..Default::default()
        };
        let title = format!("{name}：逐年累计采用的省份");
        self.year_maps("map-years", &title, &m.practices, &provinces, max, &mut view);
        view
    }

    /// A region's page: its mechanisms by year (a practice counts for each entry it is tagged
    /// with and every broader one); a province's also its prefectures on a map.
    pub(super) fn region_research(&self, term: usize, root: &str) -> ResearchView {
        let site = self.site;
        let (g, t) = (site.gazetteer, &site.taxonomies);
        let r = &t.regions[term];
        let mut by_mechanism: BTreeMap<usize, Years> = BTreeMap::new();
        let mut since: BTreeMap<usize, i32> = BTreeMap::new();
        let mut undated = 0;
        for &i in &r.practices {
            let p = &site.practices[i];
            let Some(y) = p.front.year else {
                undated += 1;
                continue;
            };
            for m in crate::taxonomy::within(&site.vocab, &p.mechanisms) {
                add(by_mechanism.entry(m).or_default(), y, p.front.year_inferred);
                earliest(&mut since, m, p.front.adopted);
            }
        }
        let here = format!("region={}", query_value(&g.path(r.unit)));
        let corpus_from = self.corpus_from();
        let censored = corpus_from.filter(|&y| by_mechanism.values().any(|ys| ys.keys().next() == Some(&y)));
        let inferred = by_mechanism.values().flat_map(|ys| ys.values()).any(|c| c.inferred > 0);
        let rows: Vec<GridRow> = by_mechanism
            .into_iter()
            .map(|(m, years)| {
                let v = &site.vocab.mechanisms[m];
                GridRow {
                    label: v.name.clone(),
                    url: routes::mechanism(&v.id, 0),
                    years,
                    query: Some(format!("mechanism={}&{here}", query_value(&v.id))),
                    since: since.get(&m).copied(),
                }
            })
            .collect();
        let name = &g.unit(r.unit).name;
        let holder = crate::dataset::region_slice(g, r.unit);
        let stated = rows.iter().any(|r| r.stated_start().is_some());
        let grid = grid(
            "grid-mechanisms",
            &format!("{name}：各机制逐年实践数（按首次出现排序）"),
            "机制",
            root,
            corpus_from,
            rows,
        );
        let mut view = ResearchView {
            since: stated,
            grid,
            censored,
            inferred,
            undated,
            csv: Some(routes::region_csv(&crate::taxonomy::region_slug(g, holder))),
            csv_within: (holder != r.unit).then(|| (g.unit(holder).name.clone(), g.unit(r.unit).code.clone())),
            map_unit: "地市",
            map_source: map::SOURCE,
            ..Default::default()
        };
        if g.unit(r.unit).level == Level::Province {
            self.province_map(term, root, &mut view);
        }
        view
    }

    /// A province's prefectures (and counties directly under it) on a map, where the
    /// boundaries have them.
    fn province_map(&self, term: usize, root: &str, view: &mut ResearchView) {
        let (g, t) = (self.site.gazetteer, &self.site.taxonomies);
        let r = &t.regions[term];
        let mut areas = Vec::new();
        for (u, unit) in g.units().iter().enumerate().filter(|(_, c)| c.parent == Some(r.unit)) {
            let child = t.region_term(u);
            let n = child.map_or(0, |c| t.regions[c].practices.len());
            let href = search_href(root, &format!("region={}", query_value(&g.path(u))));
            if map::has_child_shape(&unit.code) {
                areas.push(Area {
                    code: unit.code.clone(),
                    name: unit.name.clone(),
                    count: n,
                    href: Some(href.clone()),
                });
            }
            if let (Some(c), true) = (child, n > 0) {
                view.map_rows.push((unit.name.clone(), routes::region(&t.regions[c].slug, 0), n, href));
            }
        }
        view.map_rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let name = &g.unit(r.unit).name;
        view.map = map::province("map-children", &format!("{name}各地实践数地图"), &g.unit(r.unit).code, &areas)
            .unwrap_or_default();
    }

    /// The citations of practice `i`: the original first, the knowledge base's copy second.
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
            url: original.as_deref(),
            page_url: &page_url,
            site: &self.site.config.title,
            lang: p.front.lang.as_deref().unwrap_or("zh-CN"),
            keywords: &p.front.keywords,
        };
        CiteView {
            meta: cite::meta(&r),
            gbt7714: format!("{}\n{}", cite::gbt7714(&r, cite::ACCESSED), cite::gbt7714_copy(&r, cite::ACCESSED)),
            bibtex: cite::bibtex(&r, &p.slug),
        }
    }
}
