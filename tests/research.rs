//! What the site gives researchers (issue 15), on the real binary: the dataset (a row per
//! practice, a package describing every column, slices per term), citations on every practice
//! page, maps and diffusion grids whose numbers are the term counts, the comparison page's data,
//! and hostile text escaped in each of them.

mod common;
mod zotero;

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
        let original = &row[col("import_url")];
        let public = if original.starts_with("http") { original } else { &row[col("url")] };
        assert_eq!(meta("citation_public_url"), [public.as_str()], "the original's address leads");
        assert_eq!(meta("citation_fulltext_html_url"), [row[col("url")].clone()]);
        // A reference manager reads the page as the original article, with its outlet.
        let tags: Vec<(String, String)> = doc
            .select(&sel("meta[name]"))
            .map(|m| (m.value().attr("name").unwrap().to_string(), m.value().attr("content").unwrap().to_string()))
            .collect();
        let item = zotero::embedded_metadata(&tags);
        let source = &row[col("source")];
        let want = if source.ends_with('报') { "newspaperArticle" } else { "webpage" };
        assert_eq!(item.item_type, want, "{}: {tags:?}", row[0]);
        assert_eq!(item.publication.as_deref(), Some(source.as_str()).filter(|s| !s.is_empty()), "{}", row[0]);
        assert_eq!(item.url.as_deref(), Some(public.as_str()));
        assert_eq!(meta("citation_language").len(), 1);
        if !row[col("author")].is_empty() {
            assert!(!meta("citation_author").is_empty(), "{}: an author tag", row[0]);
        }
        if !row[col("date")].is_empty() {
            assert_eq!(meta("citation_publication_date"), [row[col("date")].replace('-', "/")]);
        }
        let gbt = doc.select(&sel("#cite-gbt")).next().expect("a GB/T 7714 reference").text().collect::<String>();
        let (first, copy) = gbt.split_once('\n').expect("the original, then the knowledge base");
        assert!(first.contains(&format!("{}[", row[col("title")])), "{gbt}");
        if original.starts_with("http") {
            assert!(first.ends_with(&format!(". {original}.")), "the original's address: {first}");
        }
        assert!(!first.contains(&row[col("url")]), "the knowledge base is not the original: {first}");
        assert!(
            copy.starts_with("收录于: ")
                && copy.contains("[DB/OL]")
                && copy.ends_with(&format!("{}.", row[col("url")])),
            "{copy}"
        );
        // No internal file name shows on the page.
        let footer =
            doc.select(&sel("footer.provenance")).next().map(|f| f.text().collect::<String>()).unwrap_or_default();
        assert!(!footer.contains(".md") && !footer.contains(".txt") && !footer.contains("content/"), "{footer}");
        if !row[col("import_file")].is_empty() {
            assert!(!html.contains(&format!(">{}<", row[col("import_file")])), "{}: the raw file's name", row[0]);
        }
        let bib = doc.select(&sel("#cite-bib")).next().expect("a BibTeX entry").text().collect::<String>();
        assert!(bib.starts_with(&format!("@article{{{},", row[0])) || bib.starts_with(&format!("@misc{{{},", row[0])));
        assert!(bib.contains(&format!("url = {{{public}}},\n  urldate = {{引用日期}}")), "{bib}");
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
    for a in doc.select(&sel(".map-table tbody th a")) {
        let href = a.value().attr("href").unwrap();
        let name = a.text().collect::<String>();
        assert_eq!(table[&name], term_count(&site.output(href.trim_start_matches("../"))), "{name}");
    }
    // Each mechanism page with practices: a practice counts for a province when one of its
    // regions lies in it (as on region pages), and for a mechanism when it is tagged with it or
    // a narrower entry, from the JSON lines.
    let data = Data::read(&site);
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
        for p in data.practices.iter().filter(|p| data.has_mechanism(p, &id)) {
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
        assert_eq!(
            doc.select(&sel("table.grid:not(.adopters) tbody tr")).count(),
            doc.select(&sel("table.grid td.first, table.grid td.censored")).count(),
            "{id}: each row marks its first year"
        );
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

/// The practices of a site's `practices.jsonl` and its vocabulary's broader entries
/// (`mechanisms.json`), read as a researcher would, to recompute what pages show.
struct Data {
    practices: Vec<serde_json::Value>,
    /// Entry id → the ids it counts for: itself and every broader entry.
    within: BTreeMap<String, BTreeSet<String>>,
}

impl Data {
    fn read(site: &SiteTest) -> Data {
        let practices = site.output("data/practices.jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let vocab: Vec<serde_json::Value> = serde_json::from_str(&site.output("data/mechanisms.json")).unwrap();
        let within = vocab
            .iter()
            .map(|e| {
                let id = e["id"].as_str().unwrap().to_string();
                let mut up: BTreeSet<String> =
                    e["broader"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().to_string()).collect();
                up.insert(id.clone());
                (id, up)
            })
            .collect();
        Data { practices, within }
    }

    /// Whether practice `p` counts for entry `id`: it is tagged with it or a narrower one.
    fn has_mechanism(&self, p: &serde_json::Value, id: &str) -> bool {
        p["mechanisms"].as_array().unwrap().iter().any(|m| self.within[m["id"].as_str().unwrap()].contains(id))
    }

    /// The practices the search page's query selects, by the contract: `mechanism` (that
    /// entry or a narrower one), `region` (one of the practice's regions is that unit or lies
    /// within it), `from`/`to` (inclusive, the front matter's year, inferred or not).
    fn select(&self, query: &str) -> Vec<&serde_json::Value> {
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let year = |k: &str| get(k).map(|v| v.parse::<i64>().unwrap());
        self.practices
            .iter()
            .filter(|p| get("mechanism").is_none_or(|m| self.has_mechanism(p, &m)))
            .filter(|p| {
                get("region").is_none_or(|r| {
                    p["regions"].as_array().unwrap().iter().any(|x| {
                        let path = x["path"].as_str().unwrap();
                        path == r || path.starts_with(&format!("{r}/"))
                    })
                })
            })
            .filter(|p| year("from").is_none_or(|f| p["year"].as_i64().is_some_and(|y| y >= f)))
            .filter(|p| year("to").is_none_or(|t| p["year"].as_i64().is_some_and(|y| y <= t)))
            .collect()
    }
}

/// A site with narrower entries in use: 河湖警长 (under 河长制, under “长”字号责任制) and
/// 河长制 itself, one year inferred, one practice in two provinces.
fn hierarchy_site() -> SiteTest {
    let site = SiteTest::fixture("site");
    let page = |name: &str, year: i32, inferred: bool, regions: &[&str], mechanisms: &[&str]| {
        let list = |l: &[&str]| l.iter().map(|x| format!("- {x}\n")).collect::<String>();
        site.write(
            &format!("content/practices/{name}.md"),
            &format!(
                "---\ntitle: {name}\nyear: {year}\nyear_inferred: {inferred}\nregion:\n{}mechanism:\n{}---\n\n正文。\n",
                list(regions),
                list(mechanisms)
            ),
        );
    };
    page("2018-he-zhang", 2018, false, &["浙江省/湖州市/安吉县"], &["river-chief"]);
    page("2019-jing-zhang", 2019, true, &["浙江省/杭州市", "江苏省/苏州市/昆山市"], &["river-police-chief"]);
    page("2019-liang-ge", 2019, false, &["浙江省/湖州市"], &["river-chief", "river-police-chief"]);
    page("2020-lin-zhang", 2020, false, &["福建省/三明市"], &["forest-chief"]);
    site
}

/// The search queries of the links on a page (the part after `search/index.html?`), with
/// the number each link shows (when it is a number) or the accessible name of its shape.
fn search_links(html: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    doc.select(&sel("a[href*=\"search/index.html?\"]"))
        .map(|a| {
            let href = a.value().attr("href").unwrap();
            let query = href.split_once("search/index.html?").unwrap().1.to_string();
            let label = match a.select(&sel("path")).next() {
                Some(p) => p.value().attr("aria-label").unwrap().to_string(),
                None => a.text().collect::<String>(),
            };
            (query, label)
        })
        .collect()
}

/// Checks every search link of a page against the contract: its number is the count of the
/// practices its query selects. Returns how many links were checked.
fn check_links(data: &Data, page: &str, html: &str) -> usize {
    let links = search_links(html);
    for (query, label) in &links {
        let n: usize = match label.split_once('：') {
            Some((_, n)) => n.trim_end_matches(" 篇").parse().unwrap(),
            None => label.parse().unwrap_or_else(|_| panic!("{page}: link text {label:?}")),
        };
        assert_eq!(data.select(query).len(), n, "{page}: {query} shows {n}");
    }
    links.len()
}

#[test]
fn every_number_of_a_map_or_grid_links_to_exactly_the_practices_it_counts() {
    for site in [SiteTest::repo(), hierarchy_site()] {
        site.build().ok();
        let data = Data::read(&site);
        let mut checked = 0;
        for kind in ["mechanism", "region"] {
            for e in std::fs::read_dir(site.path(&format!("site/{kind}"))).unwrap() {
                let e = e.unwrap();
                if !e.path().is_dir() {
                    continue;
                }
                let page = format!("{kind}/{}/index.html", e.file_name().to_string_lossy());
                let html = site.output(&page);
                let cells = Html::parse_document(&html)
                    .select(&sel("table.grid:not(.adopters) td[class^=g]:not(.grid-total)"))
                    .count();
                let linked = Html::parse_document(&html)
                    .select(&sel("table.grid:not(.adopters) td[class^=g]:not(.grid-total) a"))
                    .count();
                assert_eq!(cells, linked, "{page}: every grid cell with a number is a link");
                checked += check_links(&data, &page, &html);
            }
        }
        checked += check_links(&data, "region/index.html", &site.output("region/index.html"));
        assert!(checked > 30, "{checked} links checked");
    }
    // The links are relative and name the search page's file, so they work under a sub-path
    // and from file://.
    let site = hierarchy_site();
    site.build().ok();
    let html = site.output("mechanism/river-chief/index.html");
    assert!(
        html.contains(
            "href=\"../../search/index.html?mechanism=river-chief&amp;region=浙江省&amp;from=2019&amp;to=2019\""
        ),
        "a grid cell: mechanism, province and year"
    );
}

#[test]
fn a_mechanism_counts_the_practices_of_its_narrower_entries() {
    let site = hierarchy_site();
    site.build().ok();
    let data = Data::read(&site);
    let count = |id: &str| term_count(&site.output(&format!("mechanism/{id}/index.html")));
    let computed = |id: &str| data.practices.iter().filter(|p| data.has_mechanism(p, id)).count();
    assert_eq!((count("river-police-chief"), count("river-chief"), count("chief-system")), (2, 3, 4));
    for id in ["river-police-chief", "river-chief", "chief-system", "forest-chief", "grid-governance"] {
        assert_eq!(count(id), computed(id), "{id}");
        let (_, slice) = read_csv(&site.output(&format!("data/mechanism/{id}.csv")));
        assert_eq!(slice.len(), computed(id), "{id}: the slice holds the narrower entries' practices too");
    }
    // The page says how its count splits.
    let doc = Html::parse_document(&site.output("mechanism/river-chief/index.html"));
    let split = doc.select(&sel(".narrower-split")).next().unwrap().text().collect::<String>();
    assert_eq!(split, "（直接标注本机制 2 篇；含下位机制 河湖警长 2 篇；一篇可兼属多项）");
    // The mechanism index counts them too, and the vocabulary file says the same.
    let vocab: Vec<serde_json::Value> = serde_json::from_str(&site.output("data/mechanisms.json")).unwrap();
    let river = vocab.iter().find(|e| e["id"] == "river-chief").unwrap();
    assert_eq!((river["practices"].as_u64(), river["tagged"].as_u64()), (Some(3), Some(2)));
    assert_eq!(river["parent"], "chief-system");
    assert_eq!(river["narrower"], serde_json::json!(["river-police-chief"]));
    let (h, rows) = read_csv(&site.output("data/mechanisms.csv"));
    assert_eq!(rows.len(), vocab.len());
    let chief = rows.iter().find(|r| r[0] == "chief-system").unwrap();
    assert_eq!(chief[h.iter().position(|c| c == "practices").unwrap()], "4");
    // A region page's grid counts a practice for the broader entries too.
    let zj = site.output("region/330000-zhejiang/index.html");
    assert!(zj.contains(">“长”字号责任制</a>") && zj.contains(">河湖警长</a>"));
}

#[test]
fn every_path_the_data_package_names_is_published() {
    for site in [SiteTest::repo(), hierarchy_site()] {
        site.build().ok();
        let package: serde_json::Value = serde_json::from_str(&site.output("data/datapackage.json")).unwrap();
        let resources = package["resources"].as_array().unwrap();
        assert!(resources.len() >= 4);
        for r in resources {
            let path = r["path"].as_str().unwrap();
            assert!(site.path(&format!("site/data/{path}")).is_file(), "{path} is published");
        }
        let text = package.to_string();
        assert!(!text.contains("mechanisms.yaml"), "nothing refers to a file the site does not publish");
        // Region codes are strings in every schema, so no reader makes 150600 a float.
        for f in resources[0]["schema"]["fields"].as_array().unwrap() {
            if f["name"].as_str().unwrap().ends_with("code") || f["name"] == "region_codes" {
                assert_eq!(f["type"], "string", "{f}");
            }
        }
    }
}

/// [`hierarchy_site`] with one practice that says it began before it was reported: 2019's
/// 河长制 and 河湖警长 in 湖州 began in 2016 (`adopted`).
fn adopted_site() -> SiteTest {
    let site = hierarchy_site();
    let path = "content/practices/2019-liang-ge.md";
    let page = std::fs::read_to_string(site.path(path)).unwrap();
    site.write(path, &page.replace("year_inferred: false\n", "year_inferred: false\nadopted: 2016\n"));
    site
}

#[test]
fn adopters_per_year_and_cumulative_are_the_places_in_the_dataset() {
    for site in [SiteTest::repo(), hierarchy_site(), adopted_site()] {
        site.build().ok();
        let data = Data::read(&site);
        let mut checked = 0;
        for e in std::fs::read_dir(site.path("site/mechanism")).unwrap() {
            let e = e.unwrap();
            if !e.path().is_dir() {
                continue;
            }
            let id = e.file_name().to_string_lossy().into_owned();
            let html = site.output(&format!("mechanism/{id}/index.html"));
            let doc = Html::parse_document(&html);
            let Some(table) = doc.select(&sel("table.adopters")).next() else { continue };
            let years: Vec<i64> = table
                .select(&sel("thead th"))
                .skip(1)
                .map(|th| th.text().collect::<String>().parse().unwrap())
                .collect();
            // Independently: each adopting place (province, city, county of a practice's
            // adopter, the first region as written) → its years, a practice's year the one it
            // began in where the data gives one. Other places a practice names do not count.
            let mut places: BTreeMap<(&str, String), BTreeSet<i64>> = BTreeMap::new();
            for p in data.practices.iter().filter(|p| data.has_mechanism(p, &id)) {
                let Some(y) = p["adopted"].as_i64().or(p["year"].as_i64()) else { continue };
                let r = &p["adopter"];
                for (level, key) in [("省份", "province"), ("地市", "city"), ("区县", "county")] {
                    if let Some(code) = r[key][0].as_str() {
                        places.entry((level, code.to_string())).or_default().insert(y);
                    }
                }
            }
            for tr in table.select(&sel("tbody tr")) {
                let level = tr.value().attr("data-level").unwrap();
                let ever = tr.value().attr("class") == Some("adopt-ever");
                let got: Vec<usize> =
                    tr.select(&sel("td")).map(|td| td.text().collect::<String>().parse().unwrap()).collect();
                let want: Vec<usize> = years
                    .iter()
                    .map(|&y| {
                        places
                            .iter()
                            .filter(|((l, _), ys)| {
                                *l == level && if ever { *ys.iter().next().unwrap() <= y } else { ys.contains(&y) }
                            })
                            .count()
                    })
                    .collect();
                assert_eq!(got, want, "{id}: {level} {}", if ever { "cumulative" } else { "per year" });
                checked += 1;
            }
        }
        assert!(checked >= 6, "{checked} rows checked");
    }
}

#[test]
fn the_grid_marks_the_corpus_first_year_and_inferred_years() {
    let site = hierarchy_site();
    site.build().ok();
    // The corpus starts in 2018 (its oldest practice): 浙江 first reports 河长制 then, which
    // may be older, so it is "≤2018", not a first; 江苏's 2019 is a first, from an inferred year.
    let doc = Html::parse_document(&site.output("mechanism/river-chief/index.html"));
    let row = |name: &str| {
        doc.select(&sel("table.grid:not(.adopters) tbody tr"))
            .find(|tr| tr.select(&sel("th")).next().unwrap().text().collect::<String>() == name)
            .unwrap()
            .html()
    };
    let zj = row("浙江省");
    assert!(zj.contains("censored") && zj.contains("≤2018") && !zj.contains("（首次）"), "{zj}");
    let js = row("江苏省");
    assert!(js.contains("first") && js.contains("（其中 1 篇年份据正文推断）") && js.contains("inferred"), "{js}");
    let note = doc.select(&sel(".grid-note")).next().unwrap().text().collect::<String>();
    assert!(note.contains("语料始于 2018 年") && note.contains("带 * 的格"), "{note}");
    // The provinces with none are listed.
    let none = doc.select(&sel(".none-list")).next().unwrap().text().collect::<String>();
    assert!(none.contains("西藏自治区") && !none.contains("浙江省") && !none.contains("江苏省"), "{none}");
}

#[test]
fn a_stated_start_is_data_and_leads_the_diffusion_figures() {
    let site = adopted_site();
    site.build().ok();
    let data = Data::read(&site);
    let adopted: BTreeMap<&str, Option<i64>> =
        data.practices.iter().map(|p| (p["id"].as_str().unwrap(), p["adopted"].as_i64())).collect();
    assert_eq!(adopted["2019-liang-ge"], Some(2016));
    assert_eq!(adopted.values().filter(|a| a.is_some()).count(), 1, "absent where the page does not say");
    let (header, rows) = read_csv(&site.output("data/practices.csv"));
    let col = header.iter().position(|h| h == "adopted").expect("an adopted column");
    let row = rows.iter().find(|r| r[0] == "2019-liang-ge").unwrap();
    assert_eq!((row[col].as_str(), row[col - 2].as_str()), ("2016", "2019"), "adopted beside the report's year");
    assert!(rows.iter().filter(|r| r[0] != "2019-liang-ge").all(|r| r[col].is_empty()));
    let package: serde_json::Value = serde_json::from_str(&site.output("data/datapackage.json")).unwrap();
    let field = |r: usize| {
        package["resources"][r]["schema"]["fields"].as_array().unwrap().iter().find(|f| f["name"] == "adopted").cloned()
    };
    let csv_field = field(0).expect("the CSV schema documents adopted");
    assert_eq!(csv_field["type"], "integer");
    assert!(csv_field["description"].as_str().unwrap().contains("始于2014年"), "{csv_field}");
    assert_eq!(field(1).expect("so does the JSON lines'")["type"], "integer");
    // The grid: 浙江's first report of 河长制 is 2018, the corpus's first year, but a practice
    // there says it began in 2016: the row says so and is no censored start.
    let html = site.output("mechanism/river-chief/index.html");
    let doc = Html::parse_document(&html);
    let zj = doc
        .select(&sel("table.grid:not(.adopters) tbody tr"))
        .find(|tr| tr.select(&sel("th a")).next().unwrap().text().collect::<String>() == "浙江省")
        .unwrap();
    let since = zj.select(&sel("th .since")).next().expect("a stated start").text().collect::<String>();
    assert_eq!(since, "始于 2016");
    assert!(!zj.html().contains("censored"), "{}", zj.html());
    let note = doc.select(&sel(".grid-note")).map(|n| n.text().collect::<String>()).collect::<String>();
    assert!(note.contains("始于 年份") && note.contains("adopted 字段"), "{note}");
    // The adopters table starts in 2016, with 浙江 and 湖州 then.
    let table = doc.select(&sel("table.adopters")).next().unwrap();
    let first_year = table.select(&sel("thead th")).nth(1).unwrap().text().collect::<String>();
    assert_eq!(first_year, "2016");
}

#[test]
fn per_year_maps_shade_the_provinces_adopted_by_then_and_group_years_beyond_twelve() {
    let site = SiteTest::fixture("site");
    // 河长制 in a province a year, 2004–2020, some begun three years before their report:
    // 13 years with a start or a report.
    let provinces =
        ["浙江省", "江苏省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省"];
    for (k, year) in (2004..=2020).enumerate() {
        let adopted = if k % 4 == 3 { format!("adopted: {}\n", year - 3) } else { String::new() };
        site.write(
            &format!("content/practices/{year}-he-zhang-{k}.md"),
            &format!(
                "---\ntitle: 河长制{k}\nyear: {year}\n{adopted}region:\n- {}\nmechanism:\n- river-chief\n---\n\n正文。\n",
                provinces[k % provinces.len()]
            ),
        );
    }
    site.build().ok();
    let data = Data::read(&site);
    let html = site.output("mechanism/river-chief/index.html");
    let doc = Html::parse_document(&html);
    let panels: Vec<_> = doc.select(&sel("svg.map-years g.map-panel")).collect();
    assert_eq!(panels.len(), 7, "13 years, two a panel");
    let note =
        doc.select(&sel("section[aria-labelledby=years-h] .grid-note")).next().unwrap().text().collect::<String>();
    assert!(note.contains("相邻年份合为一幅"), "{note}");
    let rows: Vec<Vec<String>> = doc
        .select(&sel(".map-years-table tbody tr"))
        .map(|tr| tr.children().filter_map(scraper::ElementRef::wrap).map(|c| c.text().collect()).collect())
        .collect();
    let mut grouped = 0;
    for (panel, row) in panels.iter().zip(&rows) {
        let label = panel.value().attr("data-label").unwrap();
        grouped += usize::from(label.contains('–'));
        let end: i64 = label.rsplit('–').next().unwrap().parse().unwrap();
        let want: BTreeSet<&str> = data
            .practices
            .iter()
            .filter(|p| data.has_mechanism(p, "river-chief"))
            .filter(|p| p["adopted"].as_i64().or(p["year"].as_i64()).is_some_and(|y| y <= end))
            .map(|p| p["adopter"]["province"][0].as_str().unwrap())
            .collect();
        let shaded: BTreeSet<&str> = panel
            .select(&sel("use[class^=map-b]:not(.map-b0):not(.map-dots)"))
            .map(|u| &u.value().attr("href").unwrap()["#map-years-".len()..])
            .collect();
        assert_eq!(shaded, want, "{label}: the provinces with a practice by {end}");
        assert_eq!(row[0], label);
        assert_eq!(row[1], want.len().to_string(), "{label}: the table's count");
    }
    assert!(grouped > 0, "years share panels");
    // A start counts before its report: 2019's page began in 2016, a year no page reports.
    assert!(rows.iter().any(|r| r[0].contains("2016")), "{rows:?}");
}

#[test]
fn mechanism_by_year_and_by_county_tables_are_the_counts_of_practices_jsonl() {
    for site in [SiteTest::repo(), adopted_site()] {
        site.build().ok();
        let data = Data::read(&site);
        let package: serde_json::Value = serde_json::from_str(&site.output("data/datapackage.json")).unwrap();
        let resource =
            |name: &str| package["resources"].as_array().unwrap().iter().find(|r| r["name"] == name).cloned().unwrap();
        let base = "https://example.org/kb/search/?";
        // Independently: (mechanism, year) and (mechanism, county code) → practices, and
        // those of them the county adopted (its code the adopter's).
        let mut years: BTreeMap<(String, i64), usize> = BTreeMap::new();
        let mut counties: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for id in data.within.keys() {
            for p in data.practices.iter().filter(|p| data.has_mechanism(p, id)) {
                if let Some(y) = p["year"].as_i64() {
                    *years.entry((id.clone(), y)).or_default() += 1;
                }
                let codes: BTreeSet<&str> = p["regions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["level"] == "county")
                    .map(|r| r["code"].as_str().unwrap())
                    .collect();
                for c in codes {
                    let cell = counties.entry((id.clone(), c.to_string())).or_default();
                    cell.0 += 1;
                    cell.1 += usize::from(p["adopter"]["code"] == c);
                }
            }
        }
        let (h, rows) = read_csv(&site.output("data/counts/mechanism-year.csv"));
        let by_year = resource("mechanism-year");
        let fields: Vec<&str> =
            by_year["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(fields, h, "the schema names every column");
        let mut got = BTreeMap::new();
        for r in &rows {
            let n: usize = r[3].parse().unwrap();
            got.insert((r[0].clone(), r[2].parse::<i64>().unwrap()), n);
            let query = r[4].strip_prefix(base).expect("an absolute search link");
            assert_eq!(data.select(query).len(), n, "{query} lists the practices counted");
        }
        assert_eq!(got, years, "mechanism × year");
        let (h, rows) = read_csv(&site.output("data/counts/mechanism-county.csv"));
        let col = |name: &str| h.iter().position(|c| c == name).unwrap();
        let schema = resource("mechanism-county")["schema"].clone();
        for f in schema["fields"].as_array().unwrap() {
            if f["name"].as_str().unwrap().ends_with("_code") {
                assert_eq!(f["type"], "string", "{f}");
            }
        }
        assert_eq!(schema["foreignKeys"][0]["reference"]["resource"], "mechanisms");
        let mut got = BTreeMap::new();
        for r in &rows {
            let n: usize = r[col("practices")].parse().unwrap();
            let code = &r[col("county_code")];
            assert!(code.len() == 6 && r[col("province_code")].len() == 6, "{r:?}");
            got.insert((r[0].clone(), code.clone()), (n, r[col("adopters")].parse().unwrap()));
            let query = r[col("search_url")].strip_prefix(base).unwrap();
            assert_eq!(data.select(query).len(), n, "{query} lists the practices counted");
        }
        assert_eq!(got, counties, "mechanism × county: practices naming it, practices it adopted");
        assert!(!years.is_empty() && !counties.is_empty());
    }
}

#[test]
fn a_practice_imported_with_a_url_cites_the_original_first() {
    let site = SiteTest::fixture("site");
    let url = "http://paper.people.com.cn/rmrb/html/2018-03/01/nw.D110000renmrb_20180301_2-04.htm";
    site.write(
        "content/practices/2018-he-zhang-zhi.md",
        &format!(
            "---\ntitle: 河长制见实效\ndate: 2018-03-01\nyear: 2018\nsource: 人民日报\nauthor: 张三、李四\nregion: [浙江省/湖州市]\nmechanism: [river-chief]\nimport:\n  file: crawl-0001.jsonl:7\n  url: {url}\n  sha256: {h}\n  story: 1\n  stories: 1\n  page_sha256: {h}\n---\n\n正文。\n",
            h = "0".repeat(64)
        ),
    );
    site.build().ok();
    let html = site.output("practices/2018-he-zhang-zhi/index.html");
    let doc = Html::parse_document(&html);
    let page = "https://example.org/kb/practices/2018-he-zhang-zhi/";
    let gbt = doc.select(&sel("#cite-gbt")).next().unwrap().text().collect::<String>();
    assert_eq!(
        gbt,
        format!("张三, 李四. 河长制见实效[N/OL]. 人民日报, 2018-03-01[引用日期]. {url}.\n收录于: 测试知识库[DB/OL]. [引用日期]. {page}.")
    );
    let bib = doc.select(&sel("#cite-bib")).next().unwrap().text().collect::<String>();
    for field in [
        "@article{2018-he-zhang-zhi,".to_string(),
        "journal = {人民日报}".into(),
        "entrysubtype = {newspaper}".into(),
        format!("url = {{{url}}}"),
        "urldate = {引用日期}".into(),
        format!("note = {{收录于 测试知识库: \\url{{{page}}}}}"),
    ] {
        assert!(bib.contains(&field), "{field} in {bib}");
    }
    let tags: Vec<(String, String)> = doc
        .select(&sel("meta[name]"))
        .map(|m| (m.value().attr("name").unwrap().to_string(), m.value().attr("content").unwrap().to_string()))
        .collect();
    let item = zotero::embedded_metadata(&tags);
    assert_eq!(item.item_type, "newspaperArticle");
    assert_eq!(item.publication.as_deref(), Some("人民日报"));
    assert_eq!(item.date.as_deref(), Some("2018/03/01"));
    assert_eq!(item.url.as_deref(), Some(url));
    assert_eq!(item.title.as_deref(), Some("河长制见实效"));
    assert_eq!(item.authors, ["张三", "李四"]);
    // The provenance names the outlet and links the original; no file name shows.
    let footer = doc.select(&sel("footer.provenance")).next().unwrap().text().collect::<String>();
    assert!(footer.contains("原文：人民日报，2018-03-01，原文链接"), "{footer}");
    assert!(!html.contains("crawl-0001.jsonl") && !html.contains("2018-he-zhang-zhi.md"), "no internal file names");
}

#[test]
fn dataset_regions_are_most_specific_first_so_the_county_column_is_filled() {
    let site = hierarchy_site();
    // A page naming its city before its county, as import often writes them.
    site.write(
        "content/practices/2021-city-first.md",
        "---\ntitle: 城市在前\nyear: 2021\nregion:\n- 江苏省/苏州市\n- 江苏省\n- 江苏省/苏州市/昆山市\nmechanism: [grid-governance]\n---\n\n正文。\n",
    );
    for site in [SiteTest::repo(), site] {
        site.build().ok();
        let (header, rows) = read_csv(&site.output("data/practices.csv"));
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let rank = |level: &str| ["county", "city", "province"].iter().position(|l| *l == level).unwrap();
        let mut counties = 0;
        for row in &rows {
            let levels: Vec<usize> = row[col("region_levels")].split(';').filter(|l| !l.is_empty()).map(rank).collect();
            assert!(
                levels.windows(2).all(|w| w[0] <= w[1]),
                "{}: {:?} most specific first",
                row[0],
                row[col("regions")]
            );
            if levels.first() == Some(&0) {
                assert!(
                    !row[col("county")].is_empty() && !row[col("county_code")].is_empty(),
                    "{}: a county named",
                    row[0]
                );
                counties += 1;
            }
        }
        assert!(counties > 0);
        if let Some(row) = rows.iter().find(|r| r[0] == "2021-city-first") {
            assert_eq!(row[col("regions")], "江苏省/苏州市/昆山市;江苏省/苏州市;江苏省");
            assert_eq!((row[col("county")].as_str(), row[col("county_code")].as_str()), ("昆山市", "320583"));
        }
    }
}

/// A province's grid has a row per mechanism reported there, 179 on the bench corpus: past
/// the first 40 the rows are in a row group the page does not lay out until its checkbox is
/// ticked (Lighthouse on a phone: the whole grid blocked the main thread for ~1 s), and
/// every row is still in the page, for print and for the downloaded figure.
#[test]
fn a_long_grid_lays_out_forty_rows_and_folds_the_rest() {
    let site = SiteTest::fixture("site");
    let yaml = std::fs::read_to_string(site.path("data/mechanisms.yaml"))
        .or_else(|_| std::fs::read_to_string(common::repo().join("data/mechanisms.yaml")))
        .unwrap();
    let ids: Vec<&str> = yaml.lines().filter_map(|l| l.trim().strip_prefix("- id: ")).take(45).collect();
    assert_eq!(ids.len(), 45);
    let list = ids.iter().map(|m| format!("- {m}\n")).collect::<String>();
    site.write(
        "content/practices/2020-many.md",
        &format!("---\ntitle: 多项机制\nyear: 2020\nregion:\n- 浙江省/湖州市\nmechanism:\n{list}---\n\n正文。\n"),
    );
    site.build().ok();
    let doc = Html::parse_document(&site.output("region/330000-zhejiang/index.html"));
    let table = doc.select(&sel("table#grid-mechanisms-table")).next().expect("the province's grid");
    let groups: Vec<_> = table.select(&sel("tbody")).collect();
    assert_eq!(groups.len(), 2, "the rows shown and the folded ones");
    let shown = groups[0].select(&sel("tr")).count();
    let folded = groups[1].select(&sel("tr")).count();
    assert_eq!(groups[1].value().attr("class"), Some("grid-more"));
    assert_eq!(shown, 40, "the first row group holds the rows laid out at once");
    // Every mechanism of the practice still has its row.
    let rows: BTreeSet<String> =
        table.select(&sel("tbody th a")).map(|a| a.value().attr("href").unwrap().to_string()).collect();
    for id in &ids {
        assert!(rows.contains(&format!("../../mechanism/{id}/index.html")), "{id} has no row");
    }
    assert_eq!(shown + folded, rows.len());
    let toggle = doc.select(&sel(".grid-figure .grid-more-toggle input.grid-all[type=checkbox]")).count();
    assert_eq!(toggle, 1, "a checkbox shows the folded rows");
    let label = doc.select(&sel(".grid-more-toggle label")).next().unwrap().text().collect::<String>();
    assert!(label.contains(&format!("显示其余 {folded} 行（共 {} 行）", shown + folded)), "{label}");
}

/// A practice is credited to the place that adopted it, the first region of its front matter
/// (import writes the story's own place first): 2019's 河湖警长 story lists 杭州 and names
/// 昆山 as a further example. 江苏 shows on the map and grid (the story names it; the search
/// filter lists it there) but adopted nothing: not in the adopters table, the per-year maps,
/// practices.csv's adopter or the county table's adopters.
#[test]
fn a_mechanism_is_credited_to_the_place_that_adopted_it_not_every_place_named() {
    let site = hierarchy_site();
    site.build().ok();
    let doc = Html::parse_document(&site.output("mechanism/river-police-chief/index.html"));
    let text = |s: &str| doc.select(&sel(s)).map(|e| e.text().collect::<String>()).collect::<Vec<_>>();
    // Named: the map's table and the grid list 江苏省.
    assert!(text(".map-table tbody th").contains(&"江苏省".to_string()), "{:?}", text(".map-table tbody th"));
    // Adopted: one province (浙江), two cities (杭州, 湖州), no county, in 2019.
    let row = |r: &str| {
        doc.select(&sel(&format!("table.adopters tr.adopt-now[data-level={r}] td")))
            .map(|td| td.text().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("省份"), "1", "浙江 alone, not 江苏");
    assert_eq!(row("地市"), "2", "杭州 and 湖州, not 苏州");
    assert_eq!(row("区县"), "", "no county adopted (昆山 is only named)");
    let panel = doc.select(&sel("svg.map-years g.map-panel")).next_back().unwrap();
    let shaded: Vec<&str> = panel
        .select(&sel("use[class^=map-b]:not(.map-b0):not(.map-dots)"))
        .map(|u| &u.value().attr("href").unwrap()["#map-years-".len()..])
        .collect();
    assert_eq!(shaded, ["330000"], "the per-year map shades 浙江 only");
    let note = text("section[aria-labelledby=years-h] .grid-note").concat() + &text(".grid-note").concat();
    assert!(note.contains("只计入其采用地区") && note.contains("adopter"), "the captions say how: {note}");
    // The data: practices.csv's adopter columns, the county table's adopters.
    let (h, rows) = read_csv(&site.output("data/practices.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let jing = rows.iter().find(|r| r[col("id")] == "2019-jing-zhang").unwrap();
    assert_eq!(jing[col("adopter")], "浙江省/杭州市");
    assert_eq!(jing[col("adopter_code")], "330100");
    assert_eq!(jing[col("county")], "昆山市", "the region columns still name the most specific place");
    let (h, rows) = read_csv(&site.output("data/counts/mechanism-county.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let ks = rows.iter().find(|r| r[0] == "river-police-chief" && r[col("county")] == "昆山市").unwrap();
    assert_eq!((ks[col("practices")].as_str(), ks[col("adopters")].as_str()), ("1", "0"));
}
