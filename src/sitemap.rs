//! Build stage 3b: the sitemap. `sitemap.xml` is a sitemap index of `sitemap-<n>.xml` files of
//! at most [`URLS_PER_FILE`] URLs each (the protocol's limit), so it holds at any size. A
//! practice's `lastmod` is its date, else the day its page file was last modified; the other
//! pages carry none (what they show changes with every practice). Valid against the protocol's
//! XML Schemas (`tests/fixtures/sitemap/`, checked by `tests/build.rs`).

use std::collections::HashMap;

use crate::feed::esc;
use crate::output::{hash_of, Extras};
use crate::routes;
use crate::site::Site;

/// URLs per sitemap file: the sitemap protocol's maximum.
pub(crate) const URLS_PER_FILE: usize = 50_000;

/// Writes `sitemap.xml` (the index) and its parts for the pages at `pages` (output paths).
pub(crate) fn write_sitemaps(site: &Site, pages: &[&str], files: &mut Extras) {
    let base = &site.config.base_url;
    // What the sitemap is made from, without sorting: the set of public pages (a sum of their
    // hashes) and each practice's lastmod.
    let public = pages.iter().filter(|p| routes::public(p) != **p);
    let set = public.clone().fold(0u64, |a, p| a.wrapping_add(hash_of(p)));
    let lastmods: Vec<(&str, Option<String>)> = site.practices.iter().map(|p| (p.slug.as_str(), lastmod(p))).collect();
    let fingerprint = hash_of(&(base, set, public.count(), &lastmods));
    let count = pages.iter().filter(|p| routes::public(p) != **p).count();
    let mut paths: Vec<String> = (1..=count.div_ceil(URLS_PER_FILE).max(1)).map(routes::sitemap_part).collect();
    paths.push(routes::SITEMAP.to_string());
    if paths.iter().all(|p| files.unchanged(p, fingerprint)) {
        for p in paths {
            files.file(p, fingerprint, Vec::new);
        }
        return;
    }
    let by_slug: HashMap<&str, Option<String>> = lastmods.into_iter().collect();
    let mut urls: Vec<(&str, Option<String>)> = pages
        .iter()
        .copied()
        .filter(|p| routes::public(p) != *p)
        .map(|p| (p, routes::practice_slug(p).and_then(|s| by_slug.get(s).cloned().flatten())))
        .collect();
    urls.sort_unstable();
    for (path, bytes) in sitemap_files(base, &urls, URLS_PER_FILE) {
        files.file(path, fingerprint, || bytes);
    }
}

/// The `lastmod` of a practice's page: its date, else the day (UTC) its file was modified.
fn lastmod(p: &crate::practice::Practice) -> Option<String> {
    p.front.date.clone().or_else(|| p.modified.map(|secs| civil_date(secs / 86_400)))
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The index and the parts of a sitemap of `urls` (output paths, sorted, with their `lastmod`),
/// `per_file` URLs a part; a part's `lastmod` in the index is the latest of its URLs'.
fn sitemap_files(base: &str, urls: &[(&str, Option<String>)], per_file: usize) -> Vec<(String, Vec<u8>)> {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const NS: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";
    let mut index = format!("{HEAD}<sitemapindex {NS}>\n");
    let mut out = Vec::new();
    // An empty site still has its home page; `chunks` of nothing would give no part at all.
    let parts: Vec<&[(&str, Option<String>)]> =
        if urls.is_empty() { vec![&[][..]] } else { urls.chunks(per_file.max(1)).collect() };
    for (n, part) in parts.into_iter().enumerate() {
        let path = routes::sitemap_part(n + 1);
        let mut xml = format!("{HEAD}<urlset {NS}>\n");
        for (page, lastmod) in part {
            xml.push_str(&format!("  <url><loc>{}</loc>", esc(&format!("{base}{}", routes::public(page)))));
            if let Some(d) = lastmod {
                xml.push_str(&format!("<lastmod>{}</lastmod>", esc(d)));
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        index.push_str(&format!("  <sitemap><loc>{}</loc>", esc(&format!("{base}{path}"))));
        if let Some(latest) = part.iter().filter_map(|(_, d)| d.as_deref()).max() {
            index.push_str(&format!("<lastmod>{}</lastmod>", esc(latest)));
        }
        index.push_str("</sitemap>\n");
        out.push((path, xml.into_bytes()));
    }
    index.push_str("</sitemapindex>\n");
    out.push((routes::SITEMAP.to_string(), index.into_bytes()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_splits_into_parts_of_at_most_the_limit_listed_by_the_index() {
        let urls: Vec<(&str, Option<String>)> = vec![
            ("a/index.html", Some("2021-03-04".into())),
            ("b/index.html", None),
            ("c/index.html", Some("2020-01-01".into())),
            ("d/index.html", Some("2022-12-31".into())),
            ("e/index.html", None),
        ];
        let files: HashMap<String, String> = sitemap_files("https://x.org/kb/", &urls, 2)
            .into_iter()
            .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
            .collect();
        assert_eq!(files.len(), 4, "three parts and the index");
        for n in 1..=3 {
            let part = &files[&routes::sitemap_part(n)];
            assert!(part.matches("<url>").count() <= 2, "{part}");
        }
        assert_eq!(files[&routes::sitemap_part(3)].matches("<url>").count(), 1);
        let index = &files[routes::SITEMAP];
        assert!(
            index.contains("<sitemap><loc>https://x.org/kb/sitemap-2.xml</loc><lastmod>2022-12-31</lastmod></sitemap>"),
            "{index}"
        );
        assert!(index.contains("<sitemap><loc>https://x.org/kb/sitemap-3.xml</loc></sitemap>"), "{index}");
        assert!(files[&routes::sitemap_part(1)]
            .contains("<url><loc>https://x.org/kb/a/</loc><lastmod>2021-03-04</lastmod></url>"));
    }

    #[test]
    fn file_times_become_calendar_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
    }
}
