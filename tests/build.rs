//! End-to-end tests of `kbgen build` and `kbgen check`: the repo's own knowledge base, a small
//! fixture site (snapshots of what people see), and broken sites (errors people can act on).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{copy_dir, kbgen, repo, text};
use regex::Regex;

/// Every file of a built site, path → bytes.
fn site_files(site: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(site).unwrap().to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn html(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files.get(path).unwrap_or_else(|| panic!("no {path}")).clone()).unwrap()
}

/// The `<main>` element of a page: what a snapshot should show (the chrome is shared).
fn main_block(page: &str) -> String {
    let start = page.find("<main").expect("a main element");
    let end = page.find("</main>").expect("main closes") + "</main>".len();
    page[start..end].to_string()
}

/// Builds a copy of `fixture` in a temporary folder; returns the folder.
fn built_copy(fixture: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    copy_dir(fixture, &root);
    let o = kbgen(&root, &["build"]);
    assert!(o.status.success(), "build failed:\n{}{}", text(&o.stdout), text(&o.stderr));
    (tmp, root)
}

/// Every relative `href`/`src` of every HTML file resolves to a file of the site, as a
/// browser resolves it, so the same folder works at a domain root, under a sub-path and from
/// `file://`. Also: no root-absolute links at all.
fn assert_links_resolve(files: &BTreeMap<String, Vec<u8>>) -> usize {
    let attr = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let mut checked = 0;
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html") && *p != "404.html") {
        let body = String::from_utf8_lossy(bytes);
        for c in attr.captures_iter(&body) {
            let href = &c[1];
            if href.starts_with("https://") || href.starts_with('#') {
                continue;
            }
            assert!(!href.starts_with('/') && !href.contains("://"), "{page}: non-relative link {href}");
            assert!(!href.ends_with('/'), "{page}: {href} names a folder, which file:// cannot open");
            let target = kbgen::output::resolve(page, href.split(['#', '?']).next().unwrap())
                .unwrap_or_else(|| panic!("{page}: {href} leaves the site"));
            assert!(files.contains_key(&target), "{page}: broken link {href} ({target})");
            checked += 1;
        }
    }
    checked
}

/// The sitemap index and every part are valid against the sitemap protocol's XML Schemas
/// (`tests/fixtures/sitemap/`), checked by `xmllint` (Debian `libxml2-utils`, which
/// `scripts/test` installs). Without `xmllint` this fails under CI and says so elsewhere.
fn assert_sitemaps_are_valid(site: &Path) {
    if std::process::Command::new("xmllint").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "xmllint is missing: install libxml2-utils");
        eprintln!("SKIPPED the sitemap schema check: xmllint is missing (install libxml2-utils)");
        return;
    }
    let schemas = repo().join("tests/fixtures/sitemap");
    let mut files = vec![(site.join("sitemap.xml"), schemas.join("siteindex.xsd"))];
    for n in 1.. {
        let part = site.join(format!("sitemap-{n}.xml"));
        if !part.is_file() {
            break;
        }
        files.push((part, schemas.join("sitemap.xsd")));
    }
    assert!(files.len() > 1, "the index lists at least one part");
    for (file, schema) in files {
        let o = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&schema)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{} is not valid against {}:\n{}",
            file.display(),
            schema.display(),
            text(&o.stderr)
        );
    }
}

#[test]
fn the_repos_own_knowledge_base_builds_completely() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    std::fs::create_dir(&root).unwrap();
    for part in ["kbgen.toml", "content", "templates", "static", "data"] {
        let from = repo().join(part);
        if from.is_dir() {
            copy_dir(&from, &root.join(part));
        } else {
            std::fs::copy(&from, root.join(part)).unwrap();
        }
    }
    let o = kbgen(&root, &["build"]);
    let stdout = text(&o.stdout);
    assert!(o.status.success(), "{stdout}{}", text(&o.stderr));
    let closing = Regex::new(r"^built 11 practices, (\d+) pages in \d+\.\d\d s\n$").unwrap();
    assert!(closing.is_match(&stdout), "closing line: {stdout:?}");
    let files = site_files(&root.join("site"));

    // Every practice has a page that carries its title.
    let pages = common::pages(&root.join("content"));
    for p in &pages {
        let stem = p.path.file_stem().unwrap().to_str().unwrap();
        let page = html(&files, &format!("practices/{stem}/index.html"));
        assert!(page.contains(&format!(">{}</h1>", kbgen::render::escape_html(&p.front.title))), "{stem}");
    }

    // Every term has a page with the right count.
    let count = |page: &str| -> usize {
        let c = Regex::new(r"共 (\d+) 篇实践").unwrap();
        c.captures(page).unwrap_or_else(|| panic!("no count in page"))[1].parse().unwrap()
    };
    let g = kbgen::gazetteer::Gazetteer::builtin();
    let mut region_counts: BTreeMap<usize, usize> = BTreeMap::new();
    for p in &pages {
        let mut units: Vec<usize> = p.front.region.iter().flat_map(|r| g.lineage(g.resolve(r).unwrap())).collect();
        units.sort();
        units.dedup();
        for u in units {
            *region_counts.entry(u).or_default() += 1;
        }
    }
    for (&u, &n) in &region_counts {
        let page = html(&files, &format!("region/{}/index.html", kbgen::taxonomy::region_slug(g, u)));
        assert_eq!(count(&page), n, "{}", g.path(u));
    }
    let region_pages = files
        .keys()
        .filter(|k| {
            k.starts_with("region/") && k.ends_with("/index.html") && *k != "region/index.html" && !k.contains("/page/")
        })
        .count();
    assert_eq!(region_pages, region_counts.len(), "one page per region term");
    let vocab = kbgen::vocab::Vocabulary::builtin();
    // A mechanism's page counts the practices tagged with it or with a narrower entry.
    let broader_or_self = |id: &str| -> Vec<String> {
        let i = vocab.ids().position(|x| x == id).unwrap();
        vocab.ancestors(i).into_iter().chain([i]).map(|a| vocab.mechanisms[a].id.clone()).collect()
    };
    for m in &vocab.mechanisms {
        let n = pages.iter().filter(|p| p.front.mechanism.iter().any(|t| broader_or_self(t).contains(&m.id))).count();
        assert_eq!(count(&html(&files, &format!("mechanism/{}/index.html", m.id))), n, "{}", m.id);
    }
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for p in &pages {
        *years.entry(p.front.year.expect("fixture pages have a year")).or_default() += 1;
    }
    for (y, n) in &years {
        assert_eq!(count(&html(&files, &format!("year/{y}/index.html"))), *n, "{y}");
    }

    // Links, feeds, sitemap, robots, 404.
    assert!(assert_links_resolve(&files) > 500);
    for f in
        ["404.html", "sitemap.xml", "atom.xml", "robots.txt", "static/style.css", "mechanism/benchmarking/atom.xml"]
    {
        assert!(files.contains_key(f), "{f}");
    }
    let index = html(&files, "sitemap.xml");
    assert!(index.contains("<sitemapindex "), "sitemap.xml is a sitemap index");
    assert!(index.contains("<loc>https://example.org/kb/sitemap-1.xml</loc>"), "{index}");
    let sitemap = html(&files, "sitemap-1.xml");
    assert!(sitemap.contains("<loc>https://example.org/kb/practices/"), "absolute URLs from base_url");
    assert_eq!(sitemap.matches("<loc>").count(), files.keys().filter(|k| k.ends_with("index.html")).count());
    for p in pages.iter().filter(|p| p.front.date.is_some()) {
        let slug = p.path.file_stem().unwrap().to_str().unwrap();
        let entry = format!(
            "<url><loc>https://example.org/kb/practices/{slug}/</loc><lastmod>{}</lastmod></url>",
            p.front.date.as_ref().unwrap()
        );
        assert!(sitemap.contains(&entry), "a dated practice's lastmod is its date: {entry}");
    }
    assert_sitemaps_are_valid(&root.join("site"));
    let atom = html(&files, "atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 11);
    let home = html(&files, "index.html");
    assert!(home.contains("<html lang=\"zh-CN\">"));
    assert!(home.contains("<svg class=\"chart\""), "charts are inline SVG");
    assert!(!home.contains("<script"), "no scripts on the home page");
    let trad = pages.iter().find(|p| p.front.lang.as_deref() == Some("zh-Hant")).unwrap();
    let page = html(&files, &format!("practices/{}/index.html", trad.path.file_stem().unwrap().to_str().unwrap()));
    assert!(page.contains("<h1 lang=\"zh-Hant\">"), "Traditional articles are marked zh-Hant");
}

#[test]
fn fixture_site_snapshots() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let files = site_files(&root.join("site"));
    assert_links_resolve(&files);
    insta::assert_snapshot!("practice_page", main_block(&html(&files, "practices/2021-sha-xian-rong-cuo/index.html")));
    insta::assert_snapshot!("region_term_page", main_block(&html(&files, "region/610000-shanxi/index.html")));
    insta::assert_snapshot!("mechanism_index", main_block(&html(&files, "mechanism/index.html")));
}

#[test]
fn mechanism_pages_show_the_hierarchy_and_chinese_descriptions() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let files = site_files(&root.join("site"));
    let police = html(&files, "mechanism/river-police-chief/index.html");
    assert!(police.contains("<nav class=\"breadcrumbs\" aria-label=\"上级机制\"><ol><li><a href=\"../../mechanism/chief-system/index.html\">“长”字号责任制</a></li><li><a href=\"../../mechanism/river-chief/index.html\">河长制</a></li></ol></nav>"), "{police}");
    assert!(police.contains("<p class=\"lead\">公安机关民警担任河湖警长"), "{police}");
    assert!(police.contains("<p class=\"gloss\" lang=\"en\">Police officers are assigned"), "{police}");
    let chiefs = html(&files, "mechanism/chief-system/index.html");
    assert!(chiefs.contains("<h2 id=\"children\">下级机制</h2>"), "{chiefs}");
    assert!(chiefs.contains("href=\"../../mechanism/forest-chief/index.html\">林长制</a>"), "{chiefs}");
    assert!(!chiefs.contains("aria-label=\"上级机制\""), "a top entry has no parent");
}

#[test]
fn homophone_places_get_different_urls() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let files = site_files(&root.join("site"));
    let shanxi = html(&files, "region/140000-shanxi/index.html");
    let shaanxi = html(&files, "region/610000-shanxi/index.html");
    assert!(shanxi.contains("<h1>山西省</h1>") && shanxi.contains("山西太原对标先进找差距"));
    assert!(shaanxi.contains("<h1>陕西省</h1>") && shaanxi.contains("陕西西安对标先进找差距"));
    assert!(!shanxi.contains("陕西西安"));
}

#[test]
fn term_pages_paginate() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let files = site_files(&root.join("site"));
    // paginate = 2 and three practices in 2023 (and in 陕西 and grid governance: 3 each).
    let first = html(&files, "mechanism/grid-governance/index.html");
    let second = html(&files, "mechanism/grid-governance/page/2/index.html");
    assert!(first.contains("rel=\"next\" href=\"../../mechanism/grid-governance/page/2/index.html\""), "{first}");
    assert!(second.contains("rel=\"prev\" href=\"../../../../mechanism/grid-governance/index.html\""));
    assert_eq!(first.matches("class=\"card\"").count() + second.matches("class=\"card\"").count(), 3);
    assert!(!files.contains_key("mechanism/grid-governance/page/3/index.html"));
}

#[test]
fn raw_html_in_content_is_not_executed() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let page = std::fs::read_to_string(root.join("site/practices/2021-sha-xian-rong-cuo/index.html")).unwrap();
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert"));
}

#[test]
fn broken_content_reports_every_file_and_keeps_the_old_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    copy_dir(&repo().join("tests/fixtures/broken-site"), &root);
    std::fs::create_dir_all(root.join("site")).unwrap();
    std::fs::write(root.join("site/index.html"), "previous build").unwrap();

    let o = kbgen(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    insta::assert_snapshot!("broken_site_errors", stderr);
    assert_eq!(std::fs::read_to_string(root.join("site/index.html")).unwrap(), "previous build");
    assert_no_temporary_folders(&root);

    let check = kbgen(&root, &["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        text(&check.stderr).replace("check failed", "build failed; the previous site was left as it was"),
        stderr
    );
}

#[test]
fn template_errors_point_into_the_template() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let practice = kbgen::render::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == "practice.html").unwrap().1;

    std::fs::write(
        root.join("templates/practice.html"),
        practice.replace("{{ page.title }}</h1>", "{{ page.titel }}</h1>"),
    )
    .unwrap();
    let o = kbgen(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("templates/practice.html:6:64: unknown variable"), "{stderr}");
    assert!(stderr.contains("unknown variable `page.titel`"), "{stderr}");
    assert!(stderr.contains("{{ page.titel }}"), "the offending line is shown: {stderr}");

    std::fs::write(
        root.join("templates/practice.html"),
        practice.replace("{% endif %}>{{ page.title }}", "{% endif %>{{ page.title }}"),
    )
    .unwrap();
    let o = kbgen(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("templates/practice.html:6:"), "{stderr}");
    // Pages rendered before the failing one were already written, into a private folder that
    // is gone now; the site of the first build is whole.
    assert_no_temporary_folders(&root);
    assert_links_resolve(&site_files(&root.join("site")));
}

fn assert_no_temporary_folders(root: &Path) {
    let entries: Vec<String> =
        std::fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!entries.iter().any(|e| e.starts_with('.')), "no temporary folder left: {entries:?}");
}

#[test]
fn broken_links_in_templates_fail_the_build_once_per_link() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let before = site_files(&root.join("site"));
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let practice = kbgen::render::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == "practice.html").unwrap().1;
    std::fs::write(
        root.join("templates/practice.html"),
        practice
            .replace("</h1>", r#"</h1><a href="{{ root }}year/1999/index.html">1999</a><img src="/logo.png" alt="">"#),
    )
    .unwrap();
    for command in ["build", "check"] {
        let o = kbgen(&root, &[command]);
        assert_eq!(o.status.code(), Some(1), "{command}");
        let stderr = text(&o.stderr);
        // One missing target, named with the first page (in path order) that links there.
        assert_eq!(stderr.matches("year/1999/index.html").count(), 1, "{stderr}");
        assert!(
            stderr.contains("broken link `../../year/1999/index.html` in the rendered page `practices/2021-sha-xian-rong-cuo/index.html`"),
            "{stderr}"
        );
        // Root-absolute links break under a sub-path and on file://: each page reports its own.
        assert!(stderr.contains("broken link `/logo.png`"), "{stderr}");
    }
    assert_no_temporary_folders(&root);
    assert_eq!(site_files(&root.join("site")), before, "the previous site is left as it was");
}

#[test]
fn check_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let o = kbgen(&root, &["check"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("checked 6 practices, "), "{}", text(&o.stdout));
    assert!(!root.join("site").exists());
}

#[test]
fn config_errors_name_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("kbgen.toml"), "title = \"站\"\npaginate = 10\nthemee = \"dark\"\n").unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    assert!(stderr.starts_with("error: kbgen.toml:3:1: unknown field `themee`, expected one of `title`"), "{stderr}");
    assert!(stderr.contains("3 | themee = \"dark\""), "{stderr}");
}

/// Every file under `site/search/`, by relative path.
fn search_files(site: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    walkdir::WalkDir::new(site.join("search"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "js"))
        .map(|e| {
            let rel = e.path().strip_prefix(site).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

/// A search file as its JSON: `KBGEN_SEARCH.put("key","BASE64");` holds the base-64 text of
/// the JSON deflated (zlib); the snapshot shows `put("key",JSON)`.
fn unpack(file: &str) -> String {
    use base64::Engine;
    let (head, b64) = file.split_once(",\"").unwrap();
    let z = base64::engine::general_purpose::STANDARD.decode(b64.strip_suffix("\");\n").unwrap()).unwrap();
    let mut json = String::new();
    std::io::Read::read_to_string(&mut flate2::read::ZlibDecoder::new(&z[..]), &mut json).unwrap();
    format!("{head},{json});\n")
}

#[test]
fn the_search_index_is_deterministic() {
    let (_tmp, root) = built_copy(&repo().join("tests/fixtures/site"));
    let first = search_files(&root.join("site"));
    assert!(first.contains_key("search/meta.js") && first.keys().any(|k| k.starts_with("search/s/")), "{first:?}");
    let o = kbgen(&root, &["build"]);
    assert!(o.status.success());
    assert_eq!(search_files(&root.join("site")), first, "same content, same bytes");

    // A two-page site small enough to read: its whole index is the snapshot (the per-character
    // fold table, the same for every site, is summarised).
    let tmp = tempfile::tempdir().unwrap();
    let small = tmp.path();
    std::fs::create_dir_all(small.join("content/practices")).unwrap();
    std::fs::write(small.join("kbgen.toml"), "title = \"小站\"\n").unwrap();
    std::fs::write(
        small.join("content/practices/2020-a.md"),
        "---\ntitle: 蘇州對標找差\nyear: 2020\nregion: [江苏省/苏州市]\nmechanism: [benchmarking]\n---\n\n對標GDP。\n",
    )
    .unwrap();
    std::fs::write(
        small.join("content/practices/2021-b.md"),
        "---\ntitle: 网格员\nyear: 2021\nlang: zh-CN\n---\n\n网格化管理2021。\n",
    )
    .unwrap();
    let o = kbgen(small, &["build"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut all = String::new();
    // The name files (the whole gazetteer and vocabulary, the same for every site) are
    // summarised, and the tag lists of mechanisms no practice carries left out.
    let (mut name_files, mut names) = (0, 0);
    for (path, file) in search_files(&small.join("site")) {
        let mut text = unpack(&file);
        if path.starts_with("search/n/") {
            let json = text.split_once(',').unwrap().1.strip_suffix(");\n").unwrap();
            names += serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json).unwrap().len();
            name_files += 1;
            continue;
        }
        if path.starts_with("search/m/") && text.ends_with(",\"\");\n") {
            continue;
        }
        if let Some(at) = text.find("\"fold\":\"") {
            let (start, end) = (at + 8, at + 8 + text[at + 8..].find('"').unwrap());
            let pairs = text[start..end].chars().count() / 2;
            text = format!("{}<{pairs} fold pairs>{}", &text[..start], &text[end..]);
        }
        all.push_str(&format!("== {path}\n{text}"));
    }
    all.push_str(&format!(
        "== search/n/*.js\n{name_files} files, {} names\n",
        if names > 3000 { "over 3000" } else { "too few" }
    ));
    insta::assert_snapshot!("search_index", all);
}

#[test]
fn pages_in_subfolders_are_reported_upper_case_names_are_read_and_an_empty_site_warns() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/site"), tmp.path());
    let practices = tmp.path().join("content/practices");
    let first = std::fs::read_dir(&practices).unwrap().filter_map(Result::ok).map(|e| e.path()).min().unwrap();
    // An upper-case extension is a page like any other.
    let upper = first.with_extension("MD");
    std::fs::rename(&first, &upper).unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let stem = upper.file_stem().unwrap().to_str().unwrap();
    assert!(tmp.path().join("site/practices").join(stem).join("index.html").exists(), "{stem}.MD is built");

    // A page moved into a subfolder is an error naming it, not a page quietly left out.
    std::fs::create_dir(practices.join("2024")).unwrap();
    std::fs::rename(&upper, practices.join("2024").join("moved.md")).unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/practices/2024/moved.md") && stderr.contains("subfolder"), "{stderr}");

    // No pages at all: the build works and says so.
    std::fs::remove_dir_all(&practices).unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("warning: no practice pages found in content/practices"), "{}", text(&o.stderr));
}

#[test]
fn markup_shown_as_text_is_no_link() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/site"), tmp.path());
    let practices = tmp.path().join("content/practices");
    let page = std::fs::read_dir(&practices).unwrap().filter_map(Result::ok).map(|e| e.path()).min().unwrap();
    let mut text_of = std::fs::read_to_string(&page).unwrap();
    text_of.push_str("\n旧版页面的写法是 `<a href=\"old/page.html\">` 和 `<img src=\"gone.png\">`。\n");
    std::fs::write(&page, text_of).unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    assert!(o.status.success(), "a code span is text, not a link:\n{}", text(&o.stderr));
    // A real broken link in a body is still found.
    let mut broken = std::fs::read_to_string(&page).unwrap();
    broken.push_str("\n[旧页](old/missing.html)\n");
    std::fs::write(&page, broken).unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    // …and blamed on the page file and line that write it, not on the templates.
    let stderr = text(&o.stderr);
    let name = page.file_name().unwrap().to_str().unwrap();
    let line =
        std::fs::read_to_string(&page).unwrap().lines().position(|l| l.contains("old/missing.html")).unwrap() + 1;
    assert!(
        stderr.contains(&format!("{name}:{line}:")) && stderr.contains("broken link `old/missing.html`"),
        "{stderr}"
    );
}

#[test]
fn a_page_or_config_not_in_utf8_is_an_error_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/site"), tmp.path());
    let practices = tmp.path().join("content/practices");
    let page = std::fs::read_dir(&practices).unwrap().filter_map(Result::ok).map(|e| e.path()).min().unwrap();
    let mut bytes = std::fs::read(&page).unwrap();
    bytes.extend_from_slice("\n第二段\n".as_bytes());
    bytes.extend_from_slice(&[0xB5, 0xDA, 0xC8, 0xFD]); // 第三 in GBK
    std::fs::write(&page, &bytes).unwrap();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let o = kbgen(tmp.path(), &["build"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let name = page.file_name().unwrap().to_str().unwrap();
    assert!(stderr.contains(&format!("{name}:{lines}:1: not UTF-8")), "{stderr}");

    std::fs::write(tmp.path().join("kbgen.toml"), b"title = \"\xD6\xAA\xCA\xB6\xBF\xE2\"\n").unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    let stderr = text(&o.stderr);
    assert!(stderr.contains("kbgen.toml:1:") && stderr.contains("not UTF-8"), "{stderr}");
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/site"), tmp.path());
    let page = tmp.path().join("content/practices/unclosed.md");
    std::fs::write(&page, "---\ntitle: \"苏州推行网格化\nyear: 2020\nregion: []\n---\n\n正文。\n").unwrap();
    let o = kbgen(tmp.path(), &["build"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("unclosed.md:2:8: this quoted value is never closed"), "{stderr}");
}

#[test]
fn template_errors_name_the_file_line_and_what_is_wrong() {
    type Edit<'a> = &'a dyn Fn(&str) -> String;
    let located = Regex::new(r"^error: templates/practice\.html:\d+:\d+: ").unwrap();
    let cases: &[(Edit, &str)] = &[
        (&|t| t.replacen("{{ page.title }}", "{{ page.title | nosuchfilter }}", 1), "unknown filter `nosuchfilter`"),
        (&|t| t.replacen("{{ page.title }}", "{{ page.title ", 1), "syntax error: expected"),
        (&|t| format!("{t}{{% if page.title %}}\n"), "`{% if %}` is never closed"),
        (
            &|t| t.replacen("{% import \"macros.html\" as m %}", "{% import \"nosuch.html\" as m %}", 1),
            "`nosuch.html` is imported here",
        ),
        (&|t| t.replacen("{% extends \"base.html\" %}", "{% extends \"basee.html\" %}", 1), "extends `basee.html`"),
    ];
    let original = std::fs::read_to_string(repo().join("templates/practice.html")).unwrap();
    for (edit, want) in cases {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("tests/fixtures/site"), tmp.path());
        std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
        let edited = edit(&original);
        assert_ne!(edited, original, "the case edits the template");
        std::fs::write(tmp.path().join("templates/practice.html"), &edited).unwrap();
        let o = kbgen(tmp.path(), &["build"]);
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        let first = stderr.lines().next().unwrap_or("");
        assert!(located.is_match(first), "{want}: {stderr}");
        assert!(first.contains(want), "{want}: {stderr}");
    }
}

/// What people read when something is wrong: `--help`, a vocabulary error, a gazetteer error and
/// broken links, as snapshots (the project folder shown as `<root>`).
#[test]
fn help_and_error_messages_snapshots() {
    use common::site_test::SiteTest;
    let site = SiteTest::fixture("site");
    let shown = |s: String| s.replace(&site.root.display().to_string(), "<root>");
    insta::assert_snapshot!("help", site.run(&["--help"]).ok().stdout);

    // An entry with a field missing: serde's message, the line given once.
    site.write("data/mechanisms.yaml", &format!("{}\n  - id: bad-id\n    name: 坏\n", kbgen::vocab::BUILTIN_YAML));
    insta::assert_snapshot!("vocabulary_error", shown(site.check().failed().stderr));
    std::fs::remove_file(site.path("data/mechanisms.yaml")).unwrap();

    site.write("data/regions.tsv", &format!("{}999999\tcounty\t无名县\t000000\n", kbgen::gazetteer::BUILTIN_TSV));
    insta::assert_snapshot!("gazetteer_error", shown(site.check().failed().stderr));
    std::fs::remove_file(site.path("data/regions.tsv")).unwrap();

    let practice = SiteTest::builtin_template("practice.html");
    site.write(
        "templates/practice.html",
        &practice.replace("</h1>", r#"</h1><a href="{{ root }}gone/index.html">x</a>"#),
    );
    insta::assert_snapshot!("link_errors", shown(site.check().failed().stderr));
}

/// Runs `kbgen ARGS` in `cwd` and gives its exit code and its peak resident memory in bytes,
/// as it reports it itself after each stage (`KBGEN_TIMINGS`: its own `VmHWM`; the child's
/// resource usage would count this test process's memory, which it had until its `exec`).
#[cfg(target_os = "linux")]
fn kbgen_peak_memory(cwd: &Path, args: &[&str]) -> (i32, usize) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .current_dir(cwd)
        .args(args)
        .env("KBGEN_TIMINGS", "1")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    let peak = stderr
        .lines()
        .filter_map(|l| l.split("peak").nth(1))
        .filter_map(|v| v.trim().trim_end_matches("MiB").trim().parse::<usize>().ok())
        .max()
        .unwrap_or_else(|| panic!("no memory figures: {stderr}"));
    (out.status.code().unwrap_or(-1), peak << 20)
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_static_file_is_copied_into_the_site_not_held_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    const SIZE: usize = 96 << 20;
    std::fs::create_dir_all(root.join("static/scans")).unwrap();
    let bytes: Vec<u8> = (0..SIZE).map(|i| (i % 253) as u8).collect();
    std::fs::write(root.join("static/scans/source.pdf"), &bytes).unwrap();
    let (code, peak) = kbgen_peak_memory(&root, &["build"]);
    assert_eq!(code, 0);
    assert!(peak < SIZE, "build's peak memory {} MiB with a {} MiB static file", peak >> 20, SIZE >> 20);
    assert!(std::fs::read(root.join("site/static/scans/source.pdf")).unwrap() == bytes, "the file's bytes");
    // A second build (the file already in site/) and a check are no different.
    for args in [&["build"][..], &["check"][..]] {
        let (code, peak) = kbgen_peak_memory(&root, args);
        assert_eq!(code, 0, "{args:?}");
        assert!(peak < SIZE, "{args:?}: peak memory {} MiB", peak >> 20);
    }
    assert!(std::fs::read(root.join("site/static/scans/source.pdf")).unwrap() == bytes, "the file's bytes");
}
