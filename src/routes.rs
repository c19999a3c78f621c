//! URL rules: where each page and file of the site lives, as a path inside the output folder
//! (`region/320500-suzhou/index.html`). Pages are drawn at these paths, links point at them,
//! page fingerprints are keyed by them, and feeds, the sitemap and the search index name them:
//! every rule is written here once.
//!
//! Links inside the site are relative: [`root_of`] a page + one of these paths. Absolute URLs
//! (feeds, sitemap, canonical links) are `base_url` + [`public`] of a path.

use crate::taxonomy::Kind;

/// The home page.
pub(crate) const HOME: &str = "index.html";
/// The search page.
pub(crate) const SEARCH: &str = "search/index.html";
/// The not-found page, served at any depth (its links are absolute by design).
pub(crate) const NOT_FOUND: &str = "404.html";
/// The Atom feed of every practice.
pub(crate) const FEED: &str = "atom.xml";
/// The sitemap index; its parts are [`sitemap_part`]s.
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const ROBOTS: &str = "robots.txt";
/// The folder of the search index; its files are `search/<key>.js` ([`search_file`]).
pub(crate) const SEARCH_DIR: &str = "search/";
/// The dataset: every practice as a CSV row and a JSON line, and the Frictionless Data
/// package that describes both.
pub(crate) const DATASET_CSV: &str = "data/practices.csv";
pub(crate) const DATASET_JSONL: &str = "data/practices.jsonl";
pub(crate) const DATAPACKAGE: &str = "data/datapackage.json";
/// The comparison page (`compare/index.html?ids=a,b,c`); its data is in [`compare_file`]s.
pub(crate) const COMPARE: &str = "compare/index.html";

/// The page of a practice.
pub(crate) fn practice(slug: &str) -> String {
    format!("practices/{slug}/index.html")
}

/// The practice slug of a page path: the inverse of [`practice`].
pub(crate) fn practice_slug(path: &str) -> Option<&str> {
    path.strip_prefix("practices/")?.strip_suffix("/index.html")
}

/// The index page of a taxonomy (`region/index.html`).
pub(crate) fn taxonomy(kind: Kind) -> String {
    format!("{}/index.html", kind.as_str())
}

/// Page `page` (0-based) of a region term.
pub(crate) fn region(slug: &str, page: usize) -> String {
    paged(&term_folder(Kind::Region, slug), page)
}

/// Page `page` (0-based) of a mechanism term.
pub(crate) fn mechanism(id: &str, page: usize) -> String {
    paged(&term_folder(Kind::Mechanism, id), page)
}

/// Page `page` (0-based) of a year term.
pub(crate) fn year(year: i32, page: usize) -> String {
    paged(&term_folder(Kind::Year, &year.to_string()), page)
}

/// The Atom feed of a mechanism.
pub(crate) fn mechanism_feed(id: &str) -> String {
    format!("{}atom.xml", term_folder(Kind::Mechanism, id))
}

/// The CSV slice of the dataset for a region term.
pub(crate) fn region_csv(slug: &str) -> String {
    format!("data/{}/{slug}.csv", Kind::Region.as_str())
}

/// The CSV slice of the dataset for a mechanism.
pub(crate) fn mechanism_csv(id: &str) -> String {
    format!("data/{}/{id}.csv", Kind::Mechanism.as_str())
}

/// Chunk `k` of the comparison page's data (practices whose slug hashes to `k`).
pub(crate) fn compare_file(k: u32) -> String {
    format!("compare/c/{k}.js")
}

fn term_folder(kind: Kind, slug: &str) -> String {
    format!("{}/{slug}/", kind.as_str())
}

/// A list split into pages: the first at `folder/index.html`, page n + 1 at
/// `folder/page/<n + 1>/index.html`.
fn paged(folder: &str, page: usize) -> String {
    if page == 0 {
        format!("{folder}index.html")
    } else {
        format!("{folder}page/{}/index.html", page + 1)
    }
}

/// How many pages a list of `n` items takes at `per` a page (one, even when empty).
pub(crate) fn pages_of(n: usize, per: usize) -> usize {
    n.div_ceil(per).max(1)
}

/// Part `n` (1-based) of the sitemap: `sitemap-<n>.xml`, listed by the index at [`SITEMAP`].
pub(crate) fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// A file of the theme (`static/style.css`).
pub(crate) fn static_file(name: &str) -> String {
    format!("static/{name}")
}

/// A file of the search index: `key` is the name its loader asks for (`meta`, `s/3`, `d/17`).
pub(crate) fn search_file(key: &str) -> String {
    format!("{SEARCH_DIR}{key}.js")
}

/// Whether a path is a file of the search index.
pub(crate) fn is_search_file(path: &str) -> bool {
    path.starts_with(SEARCH_DIR) && path.ends_with(".js")
}

/// `../../` for `a/b/index.html`: what a page's relative links start with.
pub(crate) fn root_of(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".into()
    } else {
        "../".repeat(depth)
    }
}

/// A path as it is published, after `base_url`: a folder's `index.html` is the folder.
pub(crate) fn public(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

/// Resolves `href` relative to the folder of `page` (both inside the site), as a browser does,
/// a folder meaning its `index.html`; `None` when it climbs out of the site.
pub fn resolve(page: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if href.ends_with('/') || p.is_empty() {
        p = if p.is_empty() { HOME.into() } else { format!("{p}/index.html") };
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_pages_and_their_pages() {
        assert_eq!(region("320500-suzhou", 0), "region/320500-suzhou/index.html");
        assert_eq!(mechanism("river-chief", 2), "mechanism/river-chief/page/3/index.html");
        assert_eq!(year(2021, 1), "year/2021/page/2/index.html");
        assert_eq!(mechanism_feed("river-chief"), "mechanism/river-chief/atom.xml");
        assert_eq!(taxonomy(Kind::Year), "year/index.html");
        assert_eq!(practice_slug(&practice("2021-a")), Some("2021-a"));
        assert_eq!(pages_of(0, 20), 1);
        assert_eq!(pages_of(41, 20), 3);
        assert_eq!(region_csv("320500-suzhou"), "data/region/320500-suzhou.csv");
        assert_eq!(mechanism_csv("river-chief"), "data/mechanism/river-chief.csv");
        assert_eq!(compare_file(3), "compare/c/3.js");
    }

    #[test]
    fn roots_and_public_paths() {
        assert_eq!(root_of("index.html"), "./");
        assert_eq!(root_of("practices/x/index.html"), "../../");
        assert_eq!(public("practices/x/index.html"), "practices/x/");
        assert_eq!(public("atom.xml"), "atom.xml");
    }

    #[test]
    fn resolves_relative_links() {
        assert_eq!(
            resolve("practices/a/index.html", "../../region/1-x/index.html").as_deref(),
            Some("region/1-x/index.html")
        );
        assert_eq!(resolve("index.html", "./static/style.css").as_deref(), Some("static/style.css"));
        assert_eq!(resolve("a/index.html", "../../x.html"), None);
        assert_eq!(resolve("a/index.html", "../").as_deref(), Some("index.html"));
    }
}
