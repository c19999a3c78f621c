//! The link check, one rule for every output: each `href`/`src` of an element of an HTML page
//! that is not external or a fragment must resolve to a file of the site (this is what makes
//! sub-path and `file://` deployment work). A missing target is reported once, with the first
//! page (in path order) that links there; a link that cannot resolve whatever is written
//! (root-absolute, or climbing out of the site) is reported on every page that has it.

use std::sync::{Mutex, OnceLock};

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
    attribute_values(html).into_iter().filter_map(move |value| {
        let href = String::from_utf8_lossy(value);
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

/// The values of the `href` and `src` attributes (quoted, `"…"` or `'…'`) of the elements of
/// an HTML page, in order. Attributes of elements only: text that shows markup (`&lt;a
/// href="x"&gt;` in a code span) has no `<` before it, so it is no link; a `>` inside a quoted
/// value does not end its element. (A scan, not a regular expression: with a capture group the
/// expression cost 5 % of a 10,000-practice build.)
fn attribute_values(html: &[u8]) -> Vec<&[u8]> {
    let mut values = Vec::new();
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &html[at..]).map(|i| at + i) {
        at = lt + 1;
        if !html.get(at).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        // The element's attributes, up to a `<` or `>` outside a quoted value.
        while let Some(eq) = memchr::memchr3(b'=', b'<', b'>', &html[at..]).map(|i| at + i) {
            at = eq + 1;
            if html[eq] != b'=' {
                break;
            }
            let Some(&quote) = html.get(eq + 1).filter(|&&q| q == b'"' || q == b'\'') else { continue };
            let Some(close) = memchr::memchr(quote, &html[eq + 2..]).map(|k| eq + 2 + k) else { break };
            at = close + 1;
            if is_link_attribute(&html[lt..eq]) {
                values.push(&html[eq + 2..close]);
            }
        }
    }
    values
}

/// Whether the text of an element before an `=` ends with the name `href` or `src`, after a space.
fn is_link_attribute(before: &[u8]) -> bool {
    [&b"href"[..], b"src"].iter().any(|n| {
        before.len() > n.len() && before.ends_with(n) && before[before.len() - n.len() - 1].is_ascii_whitespace()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(html: &str) -> Vec<&str> {
        attribute_values(html.as_bytes()).into_iter().map(|v| std::str::from_utf8(v).unwrap()).collect()
    }

    #[test]
    fn the_links_of_elements_are_found_and_markup_shown_as_text_is_not() {
        let html = r#"<!DOCTYPE html><link rel="icon" href="a.svg"><a class="x" href="b/index.html">b</a>
<img alt="a > b" src="c.png"><p>&lt;a href="no.html"&gt; data-src="no" <a data-href="no">x</a>
<a
  href="d.html#f" title="t">d</a><script src='e.js'></script><a href="">empty</a> x = "no" <b>"no"</b>"#;
        assert_eq!(values(html), ["a.svg", "b/index.html", "c.png", "d.html#f", "e.js", ""]);
    }

    #[test]
    fn an_element_with_two_links_gives_both() {
        assert_eq!(values(r#"<video poster="p.jpg" src="v.mp4"></video>"#), ["v.mp4"]);
        assert_eq!(values(r#"<a href="a.html" src="b.png">"#), ["a.html", "b.png"]);
    }
}
