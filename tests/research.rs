//! What the site gives researchers (issue 15), on the real binary: the dataset (a row per
//! practice, a package describing every column, slices per term), citations on every practice
//! page, maps and diffusion grids whose numbers are the term counts, the comparison page's data,
//! and hostile text escaped in each of them.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::site_test::SiteTest;
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The records of a CSV file kbgen wrote: header, then rows; the BOM is checked and dropped.
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let body = text.strip_prefix('\u{feff}').expect("the CSV starts with a BOM");
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

fn page_count(site: &SiteTest) -> BTreeSet<String> {
    std::fs::read_dir(site.path("content/practices"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// `共 N 篇实践` on a term page.
fn term_count(html: &str) -> usize {
    let doc = Html::parse_document(html);
    let line = doc.select(&sel(".count-line")).next().expect("a count line").text().collect::<String>();
    line.trim_start_matches("共 ").split(' ').next().unwrap().parse().unwrap()
}

/// The rows of a page's map table: place → count.
fn map_table(html: &str) -> BTreeMap<String, usize> {
    let doc = Html::parse_document(html);
    doc.select(&sel(".map-table tbody tr"))
        .map(|tr| {
            let place = tr.select(&sel("th")).next().unwrap().text().collect::<String>();
            let n = tr.select(&sel("td")).next().unwrap().text().collect::<String>().parse().unwrap();
            (place, n)
        })
        .collect()
}

/// The accessible names of a page's map shapes that count something: place → count.
fn map_shapes(html: &str) -> BTreeMap<String, usize> {
    let doc = Html::parse_document(html);
    doc.select(&sel("svg.map path[aria-label]"))
        .filter_map(|p| {
            let (place, n) = p.value().attr("aria-label").unwrap().split_once('：')?;
            let n: usize = n.trim_end_matches(" 篇").parse().ok()?;
            (n > 0).then(|| (place.to_string(), n))
        })
        .collect()
}

#[test]
fn the_dataset_has_a_row_per_practice_and_its_package_describes_every_column() {
    let site = SiteTest::repo();
    site.build().ok();
    let stems = page_count(&site);
    let (header, rows) = read_csv(&site.output("data/practices.csv"));
    assert_eq!(rows.len(), stems.len(), "one CSV row per practice page");
    assert_eq!(rows.iter().map(|r| r[0].clone()).collect::<BTreeSet<_>>(), stems, "ids are the page file stems");
    let jsonl: Vec<serde_json::Value> =
        site.output("data/practices.jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(jsonl.len(), stems.len(), "one JSON line per practice page");
    let package: serde_json::Value = serde_json::from_str(&site.output("data/datapackage.json")).unwrap();
    let fields: Vec<&str> = package["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(fields, header, "the schema names every CSV column, in order");
    assert_eq!(package["resources"][0]["path"], "practices.csv");
    // The CSV and the JSON lines say the same: mechanism ids, division codes.
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, line) in rows.iter().zip(&jsonl) {
        assert_eq!(row[0], line["id"].as_str().unwrap());
        let ids: Vec<&str> = line["mechanisms"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
        assert_eq!(row[col("mechanism_ids")], ids.join(";"));
        let codes: Vec<&str> =
            line["regions"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(row[col("region_codes")], codes.join(";"));
    }
    // Each mechanism and region page links its slice, whose rows are the term's practices; a
    // county's page links its prefecture's, whose rows with the county's code are its own.
    let (mut slices, mut within) = (0, 0);
    for kind in ["mechanism", "region"] {
        for e in std::fs::read_dir(site.path(&format!("site/{kind}"))).unwrap() {
            let e = e.unwrap();
            let Some(term) = e.path().is_dir().then(|| e.file_name().to_string_lossy().into_owned()) else { continue };
            let html = site.output(&format!("{kind}/{term}/index.html"));
            let prefix = format!("href=\"../../data/{kind}/");
            let at = html.find(&prefix).unwrap_or_else(|| panic!("{kind}/{term} links a slice")) + prefix.len();
            let slug = &html[at..at + html[at..].find(".csv\"").unwrap()];
            let (h, mut slice) = read_csv(&site.output(&format!("data/{kind}/{slug}.csv")));
            assert_eq!(h, header);
            if let Some(at) = html.find("region_codes 含 ") {
                let code = &term[..6];
                assert!(html[at..].starts_with(&format!("region_codes 含 {code} 的行")), "{kind}/{term}");
                assert_ne!(slug, term, "{kind}/{term}: a county's slice is a larger region's");
                slice.retain(|row| row[col("region_codes")].split(';').any(|c| c == code));
                within += 1;
            } else {
                assert_eq!(slug, term, "{kind}/{term} links its own slice");
            }
            assert_eq!(slice.len(), term_count(&html), "{kind}/{term}: slice rows = the page's count");
            slices += 1;
        }
    }
    assert!(slices > 20 && within > 0, "{slices} slices checked, {within} of them a larger region's");
    let home = site.output("index.html");
    assert!(home.contains("href=\"./data/practices.csv\"") && home.contains("href=\"./data/datapackage.json\""));
}

#[test]
fn every_practice_page_carries_citation_tags_and_a_cite_block() {
    let site = SiteTest::repo();
    site.build().ok();
    let (header, rows) = read_csv(&site.output("data/practices.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for row in &rows {
        let html = site.output(&format!("practices/{}/index.html", row[0]));
        let doc = Html::parse_document(&html);
        let meta = |name: &str| -> Vec<String> {
            doc.select(&sel(&format!("meta[name=\"{name}\"]")))
                .map(|m| m.value().attr("content").unwrap().to_string())
                .collect()
        };
        assert_eq!(meta("citation_title"), [row[col("title")].clone()], "{}", row[0]);
        assert_eq!(meta("citation_public_url"), [row[col("url")].clone()]);
        assert_eq!(meta("citation_language").len(), 1);
        if !row[col("author")].is_empty() {
            assert!(!meta("citation_author").is_empty(), "{}: an author tag", row[0]);
        }
        if !row[col("date")].is_empty() {
            assert_eq!(meta("citation_publication_date"), [row[col("date")].replace('-', "/")]);
        }
        let gbt = doc.select(&sel("#cite-gbt")).next().expect("a GB/T 7714 reference").text().collect::<String>();
        assert!(gbt.contains(&format!("{}[", row[col("title")])), "{gbt}");
        let bib = doc.select(&sel("#cite-bib")).next().expect("a BibTeX entry").text().collect::<String>();
        assert!(bib.starts_with(&format!("@article{{{},", row[0])) || bib.starts_with(&format!("@misc{{{},", row[0])));
    }
}

#[test]
fn maps_and_grids_show_the_term_counts() {
    let site = SiteTest::repo();
    site.build().ok();
    // The region index: each province's number is its page's count, in the table and on the map.
    let index = site.output("region/index.html");
    let table = map_table(&index);
    assert!(!table.is_empty());
    assert_eq!(map_shapes(&index), table, "the map's shapes say the table's numbers");
    let doc = Html::parse_document(&index);
    for a in doc.select(&sel(".map-table tbody a")) {
        let href = a.value().attr("href").unwrap();
        let name = a.text().collect::<String>();
        assert_eq!(table[&name], term_count(&site.output(href.trim_start_matches("../"))), "{name}");
    }
    // Each mechanism page with practices: a practice counts for a province when one of its
    // regions lies in it (as on region pages), from the JSON lines.
    let jsonl: Vec<serde_json::Value> =
        site.output("data/practices.jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut checked = 0;
    for e in std::fs::read_dir(site.path("site/mechanism")).unwrap() {
        let id = e.unwrap().file_name().to_string_lossy().into_owned();
        if id == "index.html" {
            continue;
        }
        let html = site.output(&format!("mechanism/{id}/index.html"));
        assert!(html.contains("<svg class=\"map\""), "{id}: a map");
        let mut want: BTreeMap<String, usize> = BTreeMap::new();
        let mut dated = 0;
        for p in jsonl.iter().filter(|p| p["mechanisms"].as_array().unwrap().iter().any(|m| m["id"] == id.as_str())) {
            let provinces: BTreeSet<&str> =
                p["regions"].as_array().unwrap().iter().map(|r| r["province"][1].as_str().unwrap()).collect();
            for name in provinces {
                *want.entry(name.to_string()).or_default() += 1;
                dated += usize::from(p["year"].is_i64());
            }
        }
        assert_eq!(map_table(&html), want, "{id}: the map's numbers");
        assert_eq!(map_shapes(&html), want, "{id}: the shapes' names");
        let doc = Html::parse_document(&html);
        let grid_total: usize = doc
            .select(&sel("table.grid td.grid-total"))
            .map(|td| td.text().collect::<String>().parse::<usize>().unwrap())
            .sum();
        assert_eq!(grid_total, dated, "{id}: the grid counts each dated practice once per province");
        assert_eq!(doc.select(&sel("table.grid tbody tr")).count(), doc.select(&sel("table.grid td.first")).count());
        checked += usize::from(!want.is_empty());
    }
    assert!(checked > 5, "{checked} mechanism pages with practices");
    // A province page shows its prefectures.
    let js = site.output("region/320000-jiangsu/index.html");
    assert_eq!(map_shapes(&js), map_table(&js));
    assert!(map_table(&js).contains_key("苏州市"));
}

#[test]
fn hostile_text_is_escaped_in_pages_and_data_and_defused_in_csv() {
    let site = SiteTest::fixture("site");
    let title = "=HYPERLINK(\"http://evil\")<script>alert(1)</script>\"'";
    site.write(
        "content/practices/2020-hostile.md",
        &format!(
            "---\ntitle: '{}'\nyear: 2020\nauthor: '@x</title><script>alert(2)</script>'\nsource: '-1+1报'\nregion: [陕西省/西安市]\nmechanism: [grid-governance]\n---\n\n正文<script>alert(3)</script> \u{2028} 第二句。\n",
            title.replace('\'', "''")
        ),
    );
    site.build().ok();
    let (header, rows) = read_csv(&site.output("data/practices.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.iter().find(|r| r[0] == "2020-hostile").unwrap();
    assert_eq!(row[col("title")], format!("'{title}"), "a formula is text");
    assert_eq!(row[col("author")], "'@x</title><script>alert(2)</script>");
    assert_eq!(row[col("source")], "'-1+1报");
    let line = site.output("data/practices.jsonl").lines().find(|l| l.contains("2020-hostile")).unwrap().to_string();
    let json: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(json["title"], title, "the JSON lines keep the text as written");

    let html = site.output("practices/2020-hostile/index.html");
    for raw in ["<script>alert(1)", "<script>alert(2)", "<script>alert(3)", "</title><script>"] {
        assert!(!html.contains(raw), "{raw} unescaped in the practice page");
    }
    let doc = Html::parse_document(&html);
    let meta = doc.select(&sel("meta[name=citation_title]")).next().unwrap();
    assert_eq!(meta.value().attr("content"), Some(title), "the tag holds the title, escaped in the markup");
    let bib = doc.select(&sel("#cite-bib")).next().unwrap().text().collect::<String>();
    assert!(bib.contains("author = {@x</title><script>alert(2)</script>}"), "{bib}");

    // The comparison data: a script whose JSON holds the text as written.
    let chunks: Vec<String> = std::fs::read_dir(site.path("site/compare/c"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let mut slugs = BTreeSet::new();
    for c in &chunks {
        let json = c.split_once(',').unwrap().1.strip_suffix(");\n").unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        for (slug, facts) in v.as_object().unwrap() {
            assert!(slugs.insert(slug.clone()), "{slug} in one chunk only");
            if slug == "2020-hostile" {
                assert_eq!(facts["title"], title);
                let opening = facts["opening"][0].as_str().unwrap();
                assert!(opening.starts_with("正文") && !opening.contains("<script"), "{opening}");
            }
        }
    }
    assert_eq!(slugs, page_count(&site), "every practice is in the comparison data");
    let compare = site.output("compare/index.html");
    assert!(compare.contains(&format!("data-chunks=\"{}\"", chunks.len())));
}
