//! Build stage 3c, continued: the dataset's count tables. `data/counts/mechanism-year.csv`
//! counts each mechanism's practices by the year of their report, `data/counts/mechanism-county.csv`
//! by the county they name (and, of those, how many the county adopted: the practice's first
//! region, [`crate::practice::Practice::adopter`]); each row's `search_url` is the search page filtered to exactly
//! the practices it counts (the filters of the page's contract: a mechanism takes in its
//! narrower entries, `from`/`to` the report's year, `region` a place or any place within it).
//! Division codes are strings in the package's schema.

use std::collections::BTreeMap;

use crate::chart::grid::query_value;
use crate::gazetteer::Level;
use crate::routes;
use crate::site::Site;

pub(crate) const MECHANISM_YEAR: &str = "data/counts/mechanism-year.csv";
pub(crate) const MECHANISM_COUNTY: &str = "data/counts/mechanism-county.csv";

/// A column of a count table: name, Table Schema type, description.
pub(crate) type Column = (&'static str, &'static str, &'static str);

const MECHANISM: [Column; 2] = [
    ("mechanism_id", "string", "Mechanism id (mechanisms.csv's id)"),
    ("mechanism_name", "string", "Its Chinese name"),
];
const COUNT: Column = (
    "practices",
    "integer",
    "Practices tagged with the mechanism or a narrower entry (the mechanism page's rule) in this cell",
);
const SEARCH_URL: Column =
    ("search_url", "string", "The search page filtered to exactly the practices counted (mechanism and year or place)");

/// The columns of `mechanism-year.csv`.
pub(crate) fn year_columns() -> Vec<Column> {
    let year = (
        "year",
        "integer",
        "Year of the report (practices.csv's year; the search page's from/to). The year a practice began, where the article says, is practices.csv's adopted",
    );
    [MECHANISM[0], MECHANISM[1], year, COUNT, SEARCH_URL].to_vec()
}

/// The columns of `mechanism-county.csv`.
pub(crate) fn county_columns() -> Vec<Column> {
    let mut c = MECHANISM.to_vec();
    c.extend([
        ("province_code", "string", "Division code of the county's province (GB/T 2260, six digits)"),
        ("province", "string", "Its province"),
        (
            "city_code",
            "string",
            "Division code of its prefecture-level city; empty for a county under the province directly",
        ),
        ("city", "string", "Its prefecture-level city"),
        ("county_code", "string", "Division code of the county-level unit"),
        ("county", "string", "The county-level unit: practices count for it when one of their regions is it"),
        COUNT,
        (
            "adopters",
            "integer",
            "Of those, the practices whose adopting place (practices.csv's adopter: the first region as written) is this county; the others name it beside the place that adopted the mechanism",
        ),
        SEARCH_URL,
    ]);
    c
}

/// Both tables' bytes (a BOM, CRLF lines, as the other CSV files of the dataset).
pub(crate) fn tables(site: &Site) -> (Vec<u8>, Vec<u8>) {
    let (g, t, vocab) = (site.gazetteer, &site.taxonomies, &site.vocab);
    let search = format!("{}{}", site.config.base_url, routes::public(routes::SEARCH));
    let url = |query: String| format!("{search}?{query}");
    let mut years = super::table_writer(year_columns().iter().map(|c| c.0));
    let mut counties = super::table_writer(county_columns().iter().map(|c| c.0));
    for m in &t.mechanisms {
        let v = &vocab.mechanisms[m.mechanism];
        let mine = format!("mechanism={}", query_value(&v.id));
        let mut by_year: BTreeMap<i32, usize> = BTreeMap::new();
        // Per county: its unit, the practices naming it, those it adopted.
        let mut by_county: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for &i in &m.practices {
            let p = &site.practices[i];
            if let Some(y) = p.front.year {
                *by_year.entry(y).or_default() += 1;
            }
            let mut seen: Vec<usize> =
                p.regions.iter().copied().filter(|&u| g.unit(u).level == Level::County).collect();
            seen.sort_unstable();
            seen.dedup();
            for u in seen {
                let c = by_county.entry(&g.unit(u).code).or_insert((u, 0, 0));
                c.1 += 1;
                c.2 += usize::from(p.adopter() == Some(u));
            }
        }
        for (y, n) in by_year {
            let row =
                [v.id.clone(), v.name.clone(), y.to_string(), n.to_string(), url(format!("{mine}&from={y}&to={y}"))];
            years.write_record(row.map(super::defuse)).expect("writing to memory");
        }
        for (u, n, adopted) in by_county.into_values() {
            let cell = super::RegionCell::of(g, u);
            let [(pc, pn), (cc, cn)] = [cell.province, cell.city].map(Option::unwrap_or_default);
            let county = g.unit(u);
            let row = [
                v.id.clone(),
                v.name.clone(),
                pc,
                pn,
                cc,
                cn,
                county.code.clone(),
                county.name.clone(),
                n.to_string(),
                adopted.to_string(),
                url(format!("{mine}&region={}", query_value(&cell.path))),
            ];
            counties.write_record(row.map(super::defuse)).expect("writing to memory");
        }
    }
    (years.into_inner().expect("writing to memory"), counties.into_inner().expect("writing to memory"))
}
