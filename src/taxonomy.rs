//! Build stage 2: taxonomies. Region (a real hierarchy: a province's term holds every practice
//! in it and lists its cities and counties), mechanism (every vocabulary entry; like a region,
//! an entry's term holds the practices tagged with it or with any narrower entry, at any depth,
//! so 河长制 counts 河湖警长's practices) and year.
//! Term slugs are collision-free by construction: region slugs lead with the unique division
//! code (`320500-suzhou`), mechanism slugs are the vocabulary's unique ids, years are numbers.

use std::collections::BTreeMap;

use crate::gazetteer::Gazetteer;
use crate::practice::Practice;
use crate::vocab::Vocabulary;

/// The three taxonomies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Region,
    Mechanism,
    Year,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Region, Kind::Mechanism, Kind::Year];

    /// The name in URLs and templates (`region`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Region => "region",
            Kind::Mechanism => "mechanism",
            Kind::Year => "year",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RegionTerm {
    pub unit: usize,
    pub slug: String,
    /// Practices tagged with this unit or any unit below it, in site order.
    pub practices: Vec<usize>,
    /// Child terms (indexes into `Taxonomies::regions`), by division code.
    pub children: Vec<usize>,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct MechanismTerm {
    pub mechanism: usize,
    /// Practices tagged with this entry or any narrower one, in site order.
    pub practices: Vec<usize>,
    /// How many of them are tagged with this entry itself.
    pub own: usize,
}

#[derive(Debug, Clone)]
pub struct YearTerm {
    pub year: i32,
    pub practices: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Taxonomies {
    /// Every unit with at least one practice at or below it, by division code.
    pub regions: Vec<RegionTerm>,
    /// Every vocabulary entry, in vocabulary order (some may have no practice yet).
    pub mechanisms: Vec<MechanismTerm>,
    /// Newest first.
    pub years: Vec<YearTerm>,
    /// The region term of each unit that has one ([`Taxonomies::region_term`], asked for every
    /// place of every page).
    region_of: BTreeMap<usize, usize>,
}

/// The entries a practice tagged with `tags` counts for: each tag and every broader entry of
/// it, each once, in vocabulary order. The one rule for mechanism pages, counts, maps, grids,
/// dataset slices and the search page's `mechanism=` filter.
pub fn within(vocab: &Vocabulary, tags: &[usize]) -> Vec<usize> {
    let mut all: Vec<usize> = tags.iter().flat_map(|&m| vocab.ancestors(m).into_iter().chain([m])).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The units a practice placed at `regions` counts for: each region and every unit it lies
/// within, each once, in index order. The one rule for region pages, counts, maps, grids and
/// the search page's `region=` filter.
pub fn places(g: &Gazetteer, regions: &[usize]) -> Vec<usize> {
    let mut all: Vec<usize> = regions.iter().flat_map(|&u| g.lineage(u)).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// `320500-suzhou`: the code makes it unique, the toneless pinyin makes it readable.
pub fn region_slug(g: &Gazetteer, unit: usize) -> String {
    let u = g.unit(unit);
    format!("{}-{}", u.code, crate::slug::place_pinyin(u.short.as_deref().unwrap_or(&u.name)))
}

impl Taxonomies {
    pub fn build(practices: &[Practice], g: &Gazetteer, vocab: &Vocabulary) -> Taxonomies {
        let mut by_unit: BTreeMap<String, (usize, Vec<usize>)> = BTreeMap::new();
        let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        let mut mechanisms: Vec<Vec<usize>> = vec![Vec::new(); vocab.mechanisms.len()];
        for (i, p) in practices.iter().enumerate() {
            for u in places(g, &p.regions) {
                by_unit.entry(g.unit(u).code.clone()).or_insert((u, Vec::new())).1.push(i);
            }
            if let Some(y) = p.front.year {
                years.entry(y).or_default().push(i);
            }
            for m in within(vocab, &p.mechanisms) {
                mechanisms[m].push(i);
            }
        }
        let mut regions: Vec<RegionTerm> = by_unit
            .into_values()
            .map(|(unit, practices)| RegionTerm {
                unit,
                slug: region_slug(g, unit),
                practices,
                children: Vec::new(),
                parent: None,
            })
            .collect();
        let region_of: BTreeMap<usize, usize> = regions.iter().enumerate().map(|(i, t)| (t.unit, i)).collect();
        for i in 0..regions.len() {
            if let Some(p) = g.unit(regions[i].unit).parent.and_then(|p| region_of.get(&p)) {
                regions[i].parent = Some(*p);
                regions[*p].children.push(i);
            }
        }
        Taxonomies {
            regions,
            mechanisms: mechanisms
                .into_iter()
                .enumerate()
                .map(|(m, items)| {
                    let own = items.iter().filter(|&&i| practices[i].mechanisms.contains(&m)).count();
                    MechanismTerm { mechanism: m, practices: items, own }
                })
                .collect(),
            years: years.into_iter().rev().map(|(year, practices)| YearTerm { year, practices }).collect(),
            region_of,
        }
    }

    /// Top-level region terms (provinces and municipalities).
    pub fn provinces(&self) -> impl Iterator<Item = (usize, &RegionTerm)> {
        self.regions.iter().enumerate().filter(|(_, t)| t.parent.is_none())
    }

    pub fn region_term(&self, unit: usize) -> Option<usize> {
        self.region_of.get(&unit).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_practice_counts_for_every_broader_entry_of_its_tags() {
        let v = Vocabulary::builtin();
        let idx = |id: &str| v.ids().position(|x| x == id).unwrap();
        let police = idx("river-police-chief");
        let got: Vec<&str> = within(&v, &[police, police]).iter().map(|&m| v.mechanisms[m].id.as_str()).collect();
        let mut want = vec!["chief-system", "river-chief", "river-police-chief"];
        want.sort_by_key(|id| idx(id));
        assert_eq!(got, want);
    }

    #[test]
    fn region_slugs_keep_homophones_apart() {
        let g = Gazetteer::builtin();
        let shanxi = region_slug(g, g.by_code("140000").unwrap());
        let shaanxi = region_slug(g, g.by_code("610000").unwrap());
        assert_eq!((shanxi.as_str(), shaanxi.as_str()), ("140000-shanxi", "610000-shanxi"));
        // Every unit of the gazetteer gets its own slug.
        let mut all: Vec<String> = (0..g.units().len()).map(|u| region_slug(g, u)).collect();
        all.sort();
        let n = all.len();
        all.dedup();
        assert_eq!(all.len(), n);
        assert!(all.iter().all(|s| s.is_ascii()));
    }
}
