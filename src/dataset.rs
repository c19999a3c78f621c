//! Build stage 3c: the knowledge base as data. Every build writes `data/practices.csv` (UTF-8
//! with a BOM, so Excel reads Chinese; CRLF lines), `data/practices.jsonl` (one JSON object a
//! line, lists as arrays), a CSV slice per mechanism, province and prefecture, count tables
//! per mechanism and year or county ([`counts`]), and `data/datapackage.json`,
//! a Frictionless Data package whose Table Schema describes every CSV column ([`COLUMNS`] is
//! the one list both are written from, so they cannot drift apart).
//!
//! Lists in a CSV cell (regions, mechanisms, keywords) are joined with `;`; a `;` or `\\` inside
//! an item is written `\\;` or `\\\\`, so every item reads back as written. A text cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
//! spreadsheet shows it as text instead of running it as a formula; the JSON lines keep the
//! text as written.

use serde::Serialize;

use crate::gazetteer::{Gazetteer, Level};
use crate::output::{hash_of, Extras};
use crate::practice::Practice;
use crate::routes;
use crate::site::Site;

pub(crate) mod counts;

/// One practice as the dataset holds it; its JSON form is a line of `practices.jsonl`.
#[derive(Serialize)]
pub(crate) struct Row {
    pub id: String,
    pub url: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    pub year: Option<i32>,
    pub year_inferred: bool,
    pub adopted: Option<i32>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub lang: String,
    pub regions: Vec<RegionCell>,
    /// The adopting place ([`Practice::adopter`]): the front matter's first region.
    pub adopter: Option<RegionCell>,
    pub mechanisms: Vec<MechanismCell>,
    pub practice: Vec<String>,
    pub keywords: Vec<String>,
    pub import: Option<ImportCell>,
}

#[derive(Serialize)]
pub(crate) struct RegionCell {
    /// The gazetteer path, `江苏省/苏州市/昆山市`.
    pub path: String,
    pub code: String,
    pub level: &'static str,
    /// The province, city and county of the path, each as (code, name).
    pub province: Option<(String, String)>,
    pub city: Option<(String, String)>,
    pub county: Option<(String, String)>,
}

impl RegionCell {
    /// Unit `u` of the gazetteer with the province, city and county of its path.
    pub(crate) fn of(g: &Gazetteer, u: usize) -> RegionCell {
        let mut cell = RegionCell {
            path: g.path(u),
            code: g.unit(u).code.clone(),
            level: level_name(g.unit(u).level),
            province: None,
            city: None,
            county: None,
        };
        for a in g.lineage(u) {
            let a = g.unit(a);
            let v = Some((a.code.clone(), a.name.clone()));
            match a.level {
                Level::Province => cell.province = v,
                Level::City => cell.city = v,
                Level::County => cell.county = v,
            }
        }
        cell
    }
}

#[derive(Serialize)]
pub(crate) struct MechanismCell {
    pub id: String,
    pub name: String,
}

#[derive(Serialize)]
pub(crate) struct ImportCell {
    pub file: String,
    pub url: Option<String>,
    pub sha256: String,
    pub captured: Option<String>,
}

/// A column of the CSV: name, Table Schema type, description, and its cell.
pub(crate) struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
    pub cell: fn(&Row) -> String,
}

/// A list as one CSV cell: items joined with `;`, a `;` or `\\` inside an item escaped with a
/// `\\` (`["a;b", "c"]` is `a\\;b;c`), so the cell splits back into the items as written.
fn join(v: impl IntoIterator<Item = String>) -> String {
    v.into_iter().map(|item| item.replace('\\', "\\\\").replace(';', "\\;")).collect::<Vec<_>>().join(";")
}

/// How [`join`] writes a list, for the descriptions of the dataset.
const LISTS: &str = "Lists in a CSV cell are joined with ';'; a ';' or '\\' inside an item is written '\\;' or '\\\\' (split at each ';' not after a '\\', then replace '\\;' with ';' and '\\\\' with '\\').";

fn first_region(r: &Row, part: fn(&RegionCell) -> &Option<(String, String)>, code: bool) -> String {
    r.regions
        .first()
        .and_then(|c| part(c).as_ref())
        .map(|(c, n)| if code { c.clone() } else { n.clone() })
        .unwrap_or_default()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// What the `adopted` field holds, and how the research figures and slices use it.
pub(crate) const ADOPTED: &str = "Year the practice began, when the article says so (始于2014年, 2014年以来, 早在2014年); empty otherwise. The adopters-per-year figures and the per-year maps count a practice at this year where it has one, else at its report year";

/// What the `adopter` field holds, and which figures count by it.
pub(crate) const ADOPTER: &str = "The place that adopted the practice, as a gazetteer path: the first region of the page's front matter as written (import lists the story's own place first, then the province acting as a whole or other places the story names as examples; a person may put another first). The adopters-per-year figures, the per-year maps and the adopters columns of counts/mechanism-county.csv credit a practice to this place alone (and the units it lies within); the other region columns, maps, grids and slices list it under every place it names";

/// Every column of `practices.csv`, in order.
pub(crate) const COLUMNS: &[Column] = &[
    Column {
        name: "id",
        kind: "string",
        description: "The practice's id: its page file stem, stable across builds",
        cell: |r| r.id.clone(),
    },
    Column {
        name: "url",
        kind: "string",
        description: "The practice's page (base_url + path)",
        cell: |r| r.url.clone(),
    },
    Column { name: "title", kind: "string", description: "Headline of the article", cell: |r| r.title.clone() },
    Column {
        name: "subtitle",
        kind: "string",
        description: "Subtitle, when the article has one",
        cell: |r| opt(&r.subtitle),
    },
    Column {
        name: "date",
        kind: "date",
        description: "Publication date (YYYY-MM-DD), when the article states it",
        cell: |r| opt(&r.date),
    },
    Column {
        name: "year",
        kind: "integer",
        description: "Year of the practice's report; empty when unknown",
        cell: |r| r.year.map(|y| y.to_string()).unwrap_or_default(),
    },
    Column {
        name: "year_inferred",
        kind: "boolean",
        description: "True when no date is printed and the year was inferred from the text",
        cell: |r| r.year_inferred.to_string(),
    },
    Column {
        name: "adopted",
        kind: "integer",
        description: ADOPTED,
        cell: |r| r.adopted.map(|y| y.to_string()).unwrap_or_default(),
    },
    Column { name: "source", kind: "string", description: "Publisher or newspaper (来源)", cell: |r| opt(&r.source) },
    Column {
        name: "author",
        kind: "string",
        description: "Author(s) as the byline gives them",
        cell: |r| opt(&r.author),
    },
    Column {
        name: "lang",
        kind: "string",
        description: "Language of the text: zh-CN, or zh-Hant for Traditional characters",
        cell: |r| r.lang.clone(),
    },
    Column {
        name: "province",
        kind: "string",
        description: "Province of the first (most specific) region",
        cell: |r| first_region(r, |c| &c.province, false),
    },
    Column {
        name: "province_code",
        kind: "string",
        description: "Division code of that province (GB/T 2260, six digits)",
        cell: |r| first_region(r, |c| &c.province, true),
    },
    Column {
        name: "city",
        kind: "string",
        description: "Prefecture-level city of the first region, when it names one",
        cell: |r| first_region(r, |c| &c.city, false),
    },
    Column {
        name: "city_code",
        kind: "string",
        description: "Division code of that city",
        cell: |r| first_region(r, |c| &c.city, true),
    },
    Column {
        name: "county",
        kind: "string",
        description: "County-level unit of the first region, when it names one",
        cell: |r| first_region(r, |c| &c.county, false),
    },
    Column {
        name: "county_code",
        kind: "string",
        description: "Division code of that county",
        cell: |r| first_region(r, |c| &c.county, true),
    },
    Column {
        name: "regions",
        kind: "string",
        description: "Every region as a gazetteer path (province/city/county), most specific first, joined with ;",
        cell: |r| join(r.regions.iter().map(|c| c.path.clone())),
    },
    Column {
        name: "region_codes",
        kind: "string",
        description: "Division code of each region, in the order of regions, joined with ;",
        cell: |r| join(r.regions.iter().map(|c| c.code.clone())),
    },
    Column {
        name: "adopter",
        kind: "string",
        description: ADOPTER,
        cell: |r| r.adopter.as_ref().map(|c| c.path.clone()).unwrap_or_default(),
    },
    Column {
        name: "adopter_code",
        kind: "string",
        description: "Division code of the adopting place (GB/T 2260, six digits)",
        cell: |r| r.adopter.as_ref().map(|c| c.code.clone()).unwrap_or_default(),
    },
    Column {
        name: "region_levels",
        kind: "string",
        description: "Level of each region (province, city, county), joined with ;",
        cell: |r| join(r.regions.iter().map(|c| c.level.to_string())),
    },
    Column {
        name: "mechanism_ids",
        kind: "string",
        description: "Mechanism ids of the controlled vocabulary (mechanisms.csv), joined with ;: the entries the practice is tagged with; a practice also counts for every broader entry of them (mechanisms.csv's broader)",
        cell: |r| join(r.mechanisms.iter().map(|m| m.id.clone())),
    },
    Column {
        name: "mechanism_names",
        kind: "string",
        description: "Chinese names of those mechanisms, joined with ;",
        cell: |r| join(r.mechanisms.iter().map(|m| m.name.clone())),
    },
    Column {
        name: "practice",
        kind: "string",
        description:
            "The local practice's own quoted name(s), joined with ; (a ; or \\ inside a name is written \\; or \\\\)",
        cell: |r| join(r.practice.iter().cloned()),
    },
    Column {
        name: "keywords",
        kind: "string",
        description: "Keywords, joined with ; (a ; or \\ inside a keyword is written \\; or \\\\)",
        cell: |r| join(r.keywords.iter().cloned()),
    },
    Column {
        name: "import_file",
        kind: "string",
        description: "Provenance: the raw file the page was imported from",
        cell: |r| r.import.as_ref().map(|i| i.file.clone()).unwrap_or_default(),
    },
    Column {
        name: "import_url",
        kind: "string",
        description: "Provenance: the original article's web address, when known",
        cell: |r| r.import.as_ref().and_then(|i| i.url.clone()).unwrap_or_default(),
    },
    Column {
        name: "import_sha256",
        kind: "string",
        description: "Provenance: SHA-256 of the raw file's bytes",
        cell: |r| r.import.as_ref().map(|i| i.sha256.clone()).unwrap_or_default(),
    },
    Column {
        name: "import_captured",
        kind: "date",
        description: "Provenance: the day a web archive captured the page",
        cell: |r| r.import.as_ref().and_then(|i| i.captured.clone()).unwrap_or_default(),
    },
];

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Province => "province",
        Level::City => "city",
        Level::County => "county",
    }
}

/// The dataset row of practice `p`. Its regions are most specific first (counties, then
/// cities, then provinces; in front-matter order within a level), so the first region's
/// county, city and province columns are filled as far as the practice names places.
pub(crate) fn row(site: &Site, p: &Practice) -> Row {
    let g = site.gazetteer;
    let mut units = p.regions.clone();
    units.sort_by_key(|&u| match g.unit(u).level {
        Level::County => 0,
        Level::City => 1,
        Level::Province => 2,
    });
    let regions = units.iter().map(|&u| RegionCell::of(g, u)).collect();
    let f = &p.front;
    Row {
        id: p.slug.clone(),
        url: format!("{}{}", site.config.base_url, routes::public(&routes::practice(&p.slug))),
        title: f.title.clone(),
        subtitle: f.subtitle.clone(),
        date: f.date.clone(),
        year: f.year,
        year_inferred: f.year_inferred,
        adopted: f.adopted,
        source: f.source.clone(),
        author: f.author.clone(),
        lang: f.lang.clone().unwrap_or_else(|| "zh-CN".into()),
        regions,
        adopter: p.adopter().map(|u| RegionCell::of(g, u)),
        mechanisms: p
            .mechanisms
            .iter()
            .map(|&m| MechanismCell {
                id: site.vocab.mechanisms[m].id.clone(),
                name: site.vocab.mechanisms[m].name.clone(),
            })
            .collect(),
        practice: f.practice.clone(),
        keywords: f.keywords.clone(),
        import: f.import.as_ref().map(|i| ImportCell {
            file: i.file.clone(),
            url: i.url.clone(),
            sha256: i.sha256.clone(),
            captured: i.captured.clone(),
        }),
    }
}

/// A text cell a spreadsheet would run as a formula gets a leading `'`.
pub(crate) fn defuse(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// One CSV record (with its line end) for a row.
fn record(row: &Row) -> Vec<u8> {
    let cells = COLUMNS.iter().map(|c| {
        let v = (c.cell)(row);
        if c.kind == "string" {
            defuse(v)
        } else {
            v
        }
    });
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(cells).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// The bytes of a CSV file: BOM, header, then `records` in order.
fn csv_file<'a>(records: impl Iterator<Item = &'a Vec<u8>>) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",").as_bytes());
    out.extend(b"\r\n");
    for r in records {
        out.extend(r);
    }
    out
}

/// What the dataset holds of one practice: its CSV record and its JSON line (each with its
/// line end). Serve keeps them between rebuilds (`pipeline::PerPractice`).
#[derive(Hash)]
pub(crate) struct Part {
    record: Vec<u8>,
    jsonl: Vec<u8>,
}

/// The dataset's part of practice `p`.
pub(crate) fn part(site: &Site, p: &Practice) -> Part {
    let row = row(site, p);
    let mut jsonl = serde_json::to_vec(&row).expect("rows serialise");
    jsonl.push(b'\n');
    Part { record: record(&row), jsonl }
}

/// Writes the dataset, its slices and its data package into `files`, from the parts of the
/// practices in site order (each with its hash: a file's fingerprint is its parts' hashes).
pub(crate) fn write_dataset(site: &Site, parts: &[(&Part, u64)], files: &mut Extras) {
    let all = hash_of(&parts.iter().map(|p| p.1).collect::<Vec<_>>());
    files.file(routes::DATASET_CSV.into(), all, || csv_file(parts.iter().map(|p| &p.0.record)));
    files.file(routes::DATASET_JSONL.into(), all, || {
        let mut jsonl = Vec::with_capacity(parts.iter().map(|p| p.0.jsonl.len()).sum());
        for p in parts {
            jsonl.extend_from_slice(&p.0.jsonl);
        }
        jsonl
    });
    let mut slice = |path: String, members: &[usize]| {
        let fingerprint = hash_of(&members.iter().map(|&i| parts[i].1).collect::<Vec<_>>());
        files.file(path, fingerprint, || csv_file(members.iter().map(|&i| &parts[i].0.record)));
    };
    let t = &site.taxonomies;
    for r in t.regions.iter().filter(|r| region_slice(site.gazetteer, r.unit) == r.unit) {
        slice(routes::region_csv(&r.slug), &r.practices);
    }
    for m in &t.mechanisms {
        slice(routes::mechanism_csv(&site.vocab.mechanisms[m.mechanism].id), &m.practices);
    }
    let (by_year, by_county) = counts::tables(site);
    files.always(counts::MECHANISM_YEAR.into(), by_year);
    files.always(counts::MECHANISM_COUNTY.into(), by_county);
    let (vocab_csv, vocab_json) = vocabulary(site);
    files.always(VOCAB_CSV.into(), vocab_csv);
    files.always(VOCAB_JSON.into(), vocab_json);
    files.always(routes::DATAPACKAGE.into(), datapackage(site).into_bytes());
}

/// The mechanism vocabulary as data, with each entry's broader and narrower entries and its
/// counts: what a `mechanism_ids` cell refers to, and what a mechanism's slice adds up.
pub(crate) const VOCAB_CSV: &str = "data/mechanisms.csv";
pub(crate) const VOCAB_JSON: &str = "data/mechanisms.json";

/// One vocabulary entry as `mechanisms.json` and `mechanisms.csv` give it.
#[derive(Serialize)]
struct VocabEntry<'a> {
    id: &'a str,
    name: &'a str,
    en: &'a str,
    parent: Option<&'a str>,
    /// Broader entries, outermost first.
    broader: Vec<&'a str>,
    /// Entries directly under this one.
    narrower: Vec<&'a str>,
    description: &'a str,
    description_en: Option<&'a str>,
    synonyms: Vec<&'a str>,
    /// Practices tagged with the entry or a narrower one (its page's and its slice's count).
    practices: usize,
    /// Practices tagged with the entry itself.
    tagged: usize,
}

/// The columns of `mechanisms.csv`: name, type, description.
const VOCAB_COLUMNS: &[(&str, &str, &str)] = &[
    ("id", "string", "Stable id of the entry (the values of practices.csv's mechanism_ids)"),
    ("name", "string", "Chinese name"),
    ("en", "string", "English gloss"),
    ("parent", "string", "Id of the broader entry, when there is one"),
    ("broader", "string", "Every broader entry, outermost first, joined with ;"),
    ("narrower", "string", "Entries directly under this one, joined with ;"),
    ("description", "string", "What the mechanism is, in Chinese"),
    ("description_en", "string", "The description in English, when there is one"),
    ("synonyms", "string", "Phrases import tags the entry by (Simplified, then Traditional), joined with ;"),
    (
        "practices",
        "integer",
        "Practices tagged with this entry or any narrower one (the mechanism page's count and its slice's rows)",
    ),
    ("tagged", "integer", "Practices tagged with this entry itself"),
];

fn vocabulary(site: &Site) -> (Vec<u8>, Vec<u8>) {
    let v = &site.vocab;
    let t = &site.taxonomies;
    let entries: Vec<VocabEntry> = v
        .mechanisms
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let term = t.mechanisms.iter().find(|x| x.mechanism == i);
            VocabEntry {
                id: &m.id,
                name: &m.name,
                en: &m.en,
                parent: v.parent(i).map(|p| v.mechanisms[p].id.as_str()),
                broader: v.ancestors(i).into_iter().map(|a| v.mechanisms[a].id.as_str()).collect(),
                narrower: v.children(i).into_iter().map(|c| v.mechanisms[c].id.as_str()).collect(),
                description: &m.description,
                description_en: m.description_en.as_deref(),
                synonyms: m.synonyms.hans.iter().chain(&m.synonyms.hant).map(String::as_str).collect(),
                practices: term.map_or(0, |x| x.practices.len()),
                tagged: term.map_or(0, |x| x.own),
            }
        })
        .collect();
    let mut w = table_writer(VOCAB_COLUMNS.iter().map(|c| c.0));
    for e in &entries {
        let list = |l: &[&str]| join(l.iter().map(|s| s.to_string()));
        w.write_record(
            [
                e.id.to_string(),
                e.name.to_string(),
                e.en.to_string(),
                e.parent.unwrap_or_default().to_string(),
                list(&e.broader),
                list(&e.narrower),
                e.description.to_string(),
                e.description_en.unwrap_or_default().to_string(),
                list(&e.synonyms),
                e.practices.to_string(),
                e.tagged.to_string(),
            ]
            .map(defuse),
        )
        .expect("writing to memory");
    }
    let csv = w.into_inner().expect("writing to memory");
    let json = serde_json::to_string_pretty(&entries).expect("entries serialise") + "\n";
    (csv, json.into_bytes())
}

/// A CSV file of the package (`path` under `data/`) as the dataset writes them: UTF-8 with a
/// BOM, CRLF lines, a header; `schema` its Table Schema.
fn csv_resource(name: &str, path: &str, schema: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "path": path.trim_start_matches("data/"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true},
        "schema": schema,
    })
}

/// Table Schema fields of columns given as (name, type, description).
fn described(columns: &[(&str, &str, &str)]) -> Vec<serde_json::Value> {
    columns
        .iter()
        .map(|(name, kind, description)| serde_json::json!({"name": name, "type": kind, "description": description}))
        .collect()
}

/// A CSV table in memory as the dataset writes them (a BOM, CRLF lines), its header written.
pub(crate) fn table_writer<'a>(header: impl IntoIterator<Item = &'a str>) -> csv::Writer<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xef\xbb\xbf".to_vec());
    w.write_record(header).expect("writing to memory");
    w
}

/// The region whose CSV slice holds the practices of region `unit`: `unit` itself down to
/// prefecture level, a county its prefecture's (or its province's, under a province directly).
/// A county's rows are those of that slice whose `region_codes` hold the county's code; slices
/// of their own would be 3,000 more files at 10,000 practices for rows a filter finds.
pub(crate) fn region_slice(g: &Gazetteer, unit: usize) -> usize {
    let lineage = g.lineage(unit);
    lineage.into_iter().rev().find(|&u| g.unit(u).level != Level::County).unwrap_or(unit)
}

/// The fields of a JSON line (what [`Row`] serialises to).
fn jsonl_fields() -> Vec<serde_json::Value> {
    let kinds = [
        ("id", "string"),
        ("url", "string"),
        ("title", "string"),
        ("subtitle", "string"),
        ("date", "date"),
        ("year", "integer"),
        ("year_inferred", "boolean"),
        ("adopted", "integer"),
        ("source", "string"),
        ("author", "string"),
        ("lang", "string"),
        ("regions", "array"),
        ("adopter", "object"),
        ("mechanisms", "array"),
        ("practice", "array"),
        ("keywords", "array"),
        ("import", "object"),
    ];
    kinds.iter().map(|(name, kind)| serde_json::json!({"name": name, "type": kind})).collect()
}

/// `datapackage.json`: the CSV as a tabular data resource with its schema, the JSON lines beside it.
fn datapackage(site: &Site) -> String {
    let fields: Vec<serde_json::Value> = COLUMNS
        .iter()
        .map(|c| {
            let mut f = serde_json::json!({"name": c.name, "type": c.kind, "description": c.description});
            if c.kind == "date" {
                f["format"] = "%Y-%m-%d".into();
            }
            if c.name == "id" {
                f["constraints"] = serde_json::json!({"required": true, "unique": true});
            }
            f
        })
        .collect();
    let count_table = |name: &str, path: &str, columns: Vec<counts::Column>, key: &[&str], description: &str| {
        let mut table = csv_resource(
            name,
            path,
            serde_json::json!({
                "fields": described(&columns),
                "primaryKey": key,
                "missingValues": [""],
                "foreignKeys": [{"fields": "mechanism_id", "reference": {"resource": "mechanisms", "fields": "id"}}],
            }),
        );
        table["description"] = description.into();
        table
    };
    let by_year = count_table(
        "mechanism-year",
        counts::MECHANISM_YEAR,
        counts::year_columns(),
        &["mechanism_id", "year"],
        "Practices per mechanism and report year (a mechanism counting its narrower entries' practices), years with a practice only; search_url lists them.",
    );
    let by_county = count_table(
        "mechanism-county",
        counts::MECHANISM_COUNTY,
        counts::county_columns(),
        &["mechanism_id", "county_code"],
        "Practices per mechanism and county-level unit (a practice counts for each county among its regions; a mechanism for its narrower entries' practices too), counties with a practice only; search_url lists them.",
    );
    let practices = csv_resource(
        "practices",
        routes::DATASET_CSV,
        serde_json::json!({"fields": fields, "primaryKey": ["id"], "missingValues": [""]}),
    );
    let mut mechanisms = csv_resource(
        "mechanisms",
        VOCAB_CSV,
        serde_json::json!({"fields": described(VOCAB_COLUMNS), "primaryKey": ["id"], "missingValues": [""]}),
    );
    mechanisms["description"] = format!(
        "The mechanism vocabulary: one row per entry, with its broader and narrower entries and its counts. {LISTS}"
    )
    .into();
    let jsonl_name = routes::DATASET_JSONL.trim_start_matches("data/");
    let package = serde_json::json!({
        "profile": "data-package",
        "name": "kbgen-practices",
        "title": site.config.title,
        "description": format!("{} One row per practice. {LISTS} A CSV text cell starting with =, +, -, @, a tab or a carriage return has a leading ' (so spreadsheets do not run it as a formula); practices.jsonl keeps every value as written, lists as arrays. Province, prefecture and mechanism slices of the same columns: region/<code>-<pinyin>.csv, mechanism/<id>.csv (a mechanism's slice holds the practices tagged with it or with any narrower entry); a county's rows are those of its prefecture's slice whose region_codes hold its code. Count tables: counts/mechanism-year.csv and counts/mechanism-county.csv, each row with the search page listing the practices it counts.", site.config.description).trim().to_string(),
        "homepage": site.config.base_url,
        "resources": [
            practices,
            {
                "name": "practices-jsonl",
                "path": jsonl_name,
                "profile": "data-resource",
                "format": "jsonl",
                "mediatype": "application/jsonl",
                "encoding": "utf-8",
                "description": "The same practices, one JSON object a line: regions as objects (path, code, level, province, city, county as [code, name]), the adopting place (adopter: the first region as written, an object of the same form, null without a region), mechanisms as {id, name}, lists as arrays.",
                "schema": {"fields": jsonl_fields(), "primaryKey": ["id"]},
            },
            mechanisms,
            {
                "name": "mechanisms-json",
                "path": VOCAB_JSON.trim_start_matches("data/"),
                "profile": "data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": "The same vocabulary as a JSON array of objects, lists as arrays.",
            },
            by_year,
            by_county,
        ],
    });
    serde_json::to_string_pretty(&package).expect("the package serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_with(title: &str, author: Option<&str>) -> Row {
        Row {
            id: "2024-x".into(),
            url: "https://example.org/kb/practices/2024-x/".into(),
            title: title.into(),
            subtitle: None,
            date: Some("2024-03-01".into()),
            year: Some(2024),
            year_inferred: false,
            adopted: None,
            source: Some("新华日报".into()),
            author: author.map(Into::into),
            lang: "zh-CN".into(),
            regions: Vec::new(),
            adopter: None,
            mechanisms: vec![MechanismCell { id: "grid-governance".into(), name: "网格化治理".into() }],
            practice: vec!["“接诉即办”".into()],
            keywords: vec!["网格".into(), "党建".into()],
            import: None,
        }
    }

    /// The cells of one CSV record, read back with the csv crate.
    fn cells(bytes: &[u8]) -> Vec<String> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
        r.records().next().unwrap().unwrap().iter().map(str::to_string).collect()
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_text() {
        for bad in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            let c = cells(&record(&row_with(bad, Some("=cmd|' /C calc'!A0"))));
            assert_eq!(c[2], format!("'{bad}"), "title {bad:?}");
            assert_eq!(c[9], "'=cmd|' /C calc'!A0");
        }
        // Dates and numbers are not text cells: a date is never prefixed.
        let c = cells(&record(&row_with("标题", None)));
        assert_eq!(
            (c[2].as_str(), c[4].as_str(), c[5].as_str(), c[6].as_str()),
            ("标题", "2024-03-01", "2024", "false")
        );
        assert_eq!(defuse("5-3".into()), "5-3", "only a leading character counts");
    }

    #[test]
    fn quotes_commas_and_line_breaks_stay_in_their_cell() {
        let c = cells(&record(&row_with("甲,“乙”\"丙\"\n丁", None)));
        assert_eq!(c.len(), COLUMNS.len());
        assert_eq!(c[2], "甲,“乙”\"丙\"\n丁");
        assert_eq!(c[COLUMNS.iter().position(|c| c.name == "keywords").unwrap()], "网格;党建");
    }

    /// A list cell split back as the dataset's description says.
    fn split_list(cell: &str) -> Vec<String> {
        let (mut items, mut item, mut escaped) = (Vec::new(), String::new(), false);
        for c in cell.chars() {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, ';') => items.push(std::mem::take(&mut item)),
                _ => {
                    item.push(c);
                    escaped = false;
                }
            }
        }
        items.push(item);
        items
    }

    #[test]
    fn list_items_holding_the_separator_read_back_as_written() {
        let mut row = row_with("标题", None);
        row.keywords = vec!["a;b".into(), "c".into(), "d\\;e\\".into()];
        row.practice = vec!["“甲；乙”;丙".into()];
        let c = cells(&record(&row));
        let kw = &c[COLUMNS.iter().position(|c| c.name == "keywords").unwrap()];
        assert_eq!(kw, "a\\;b;c;d\\\\\\;e\\\\");
        assert_eq!(split_list(kw), row.keywords);
        let pr = &c[COLUMNS.iter().position(|c| c.name == "practice").unwrap()];
        assert_eq!(split_list(pr), row.practice);
        assert_eq!(split_list("网格;党建"), ["网格", "党建"], "plain lists are unchanged");
    }

    #[test]
    fn a_csv_file_starts_with_a_bom_and_the_header() {
        let rec = record(&row_with("标题", None));
        let file = csv_file([&rec].into_iter());
        assert!(file.starts_with("\u{feff}id,url,title,".as_bytes()));
        assert!(rec.ends_with(b"\r\n"));
        assert_eq!(String::from_utf8(file).unwrap().lines().count(), 2);
    }
}
