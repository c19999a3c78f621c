//! The link check, one rule for every output: each `href`/`src` of an element of an HTML page
//! that is not external or a fragment must resolve to a file of the site (this is what makes
//! sub-path and `file://` deployment work). A missing target is reported once, with the first
//! page (in path order) that links there; a link that cannot resolve whatever is written
//! (root-absolute, or climbing out of the site) is reported on every page that has it.

use std::sync::{LazyLock, Mutex, OnceLock};

use regex::bytes::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::routes::{resolve, NOT_FOUND};

/// A link that points at no file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: String,
    pub href: String,
}

/// The links of the pages recorded so far, to check once every file is there. Pages may be
/// recorded from any thread.
#[derive(Default)]
pub struct Links {
    /// The pages that will be there: a link to one of them needs no further check.
    pages: OnceLock<FxHashSet<String>>,
    /// Any other link target → the first page (in path order) linking there, the link, and
    /// its place among that page's links.
    targets: Mutex<FxHashMap<String, (String, String, usize)>>,
    /// Links that cannot resolve whatever is written, with their place in their page.
    bad: Mutex<Vec<(BrokenLink, usize)>>,
}

impl Links {
    /// Told the paths of all the pages that will be there.
    pub fn expect(&self, pages: &[&str]) {
        let _ = self.pages.set(pages.iter().map(|p| p.to_string()).collect());
    }

    /// Records the links of a file (only HTML pages have any; the not-found page is served at
    /// any depth, so its links are absolute by design).
    pub fn page(&self, path: &str, bytes: &[u8]) {
        if !path.ends_with(".html") || path == NOT_FOUND {
            return;
        }
        let pages = self.pages.get();
        let mut mine: FxHashMap<String, (String, usize)> = FxHashMap::default();
        let mut bad = Vec::new();
        for (n, (href, target)) in links(path, bytes).enumerate() {
            match target {
                Some(t) if pages.is_some_and(|p| p.contains(&t)) => {}
                Some(t) => {
                    mine.entry(t).or_insert((href, n));
                }
                None => bad.push((BrokenLink { page: path.to_string(), href }, n)),
            }
        }
        if !bad.is_empty() {
            lock(&self.bad).extend(bad);
        }
        let mut targets = lock(&self.targets);
        for (target, (href, n)) in mine {
            match targets.get_mut(&target) {
                Some(first) if first.0.as_str() <= path => {}
                Some(first) => *first = (path.to_string(), href, n),
                None => {
                    targets.insert(target, (path.to_string(), href, n));
                }
            }
        }
    }

    /// The broken links, by page and then in page order; `exists` tells whether a file is there.
    pub fn broken(&self, exists: impl Fn(&str) -> bool) -> Vec<BrokenLink> {
        let mut broken: Vec<(BrokenLink, usize)> = lock(&self.bad).clone();
        for (target, (page, href, n)) in lock(&self.targets).iter() {
            if !exists(target) {
                broken.push((BrokenLink { page: page.clone(), href: href.clone() }, *n));
            }
        }
        broken.sort_by(|a, b| (&a.0.page, a.1).cmp(&(&b.0.page, b.1)));
        broken.into_iter().map(|(b, _)| b).collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The internal links of an HTML page: each `href`/`src` that is not external or a fragment,
/// with the file it points at (`None` when it is absolute or climbs out of the site).
fn links<'a>(page: &'a str, html: &'a [u8]) -> impl Iterator<Item = (String, Option<String>)> + 'a {
    // Attributes of elements only: text that shows markup (`&lt;a href="x"&gt;` in a code span)
    // has no `<` before it, so it is no link.
    static ATTR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"<[a-zA-Z][a-zA-Z0-9-]*[^<>]*?\s(?:href|src)="([^"]*)""#).expect("valid pattern")
    });
    ATTR.captures_iter(html).filter_map(move |c| {
        let href = String::from_utf8_lossy(c.get(1).map_or(&[][..], |m| m.as_bytes()));
        let href = if href.contains('&') { href.replace("&amp;", "&") } else { href.into_owned() };
        if href.is_empty() || href.starts_with('#') || href.contains(':') || href.starts_with("//") {
            return None;
        }
        if href.starts_with('/') {
            return Some((href, None));
        }
        let target = resolve(page, href.split(['#', '?']).next().unwrap_or(""));
        Some((href, target))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_target_is_reported_once_and_an_absolute_link_on_every_page() {
        let links = Links::default();
        let page = br#"<a href="../../gone/index.html">x</a> <img src="/logo.png">"#;
        for p in ["practices/b/index.html", "practices/a/index.html", "practices/c/index.html"] {
            links.page(p, page);
        }
        links.page("404.html", br#"<a href="/">home</a>"#);
        let broken = links.broken(|_| false);
        let shown: Vec<(&str, &str)> = broken.iter().map(|b| (b.page.as_str(), b.href.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("practices/a/index.html", "../../gone/index.html"),
                ("practices/a/index.html", "/logo.png"),
                ("practices/b/index.html", "/logo.png"),
                ("practices/c/index.html", "/logo.png"),
            ]
        );
    }
}
