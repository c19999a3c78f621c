//! Build stage 3b: machine-readable outputs: Atom feeds (all practices, and per mechanism),
//! the sitemap (`sitemap`) and `robots.txt`. These need absolute URLs, the only place `base_url` is used.

use crate::markdown::escape_html;
use crate::output::{hash_of, Extras};
use crate::render::Card;
use crate::routes;
use crate::site::Site;

/// `s` as XML character data or an attribute value: escaped, and without the characters XML
/// 1.0 forbids (C0 controls other than tab and line ends, U+FFFE, U+FFFF), which a page's
/// title, body or the site's title may hold: one of them makes the whole feed unreadable.
pub(crate) fn esc(s: &str) -> String {
    let allowed =
        |c: char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if s.chars().all(allowed) {
        escape_html(s)
    } else {
        escape_html(&s.chars().filter(|&c| allowed(c)).collect::<String>())
    }
}

/// Entries per feed.
const FEED_ENTRIES: usize = 50;

pub(crate) fn write_feeds(site: &Site, cards: &[Card], pages: &[&str], files: &mut Extras) {
    let base = &site.config.base_url;
    let all: Vec<usize> = (0..site.practices.len().min(FEED_ENTRIES)).collect();
    let mut feed = |items: &[usize], title: &str, path: String| {
        let items = &items[..items.len().min(FEED_ENTRIES)];
        let entries: Vec<_> = items
            .iter()
            .map(|&i| (&cards[i], updated(site, i), &site.practices[i].front.author, &site.practices[i].front.source))
            .collect();
        let fingerprint = hash_of(&(base, &site.config.language, title, &path, entries));
        files.file(path.clone(), fingerprint, || atom(site, cards, items, title, &path).into_bytes());
    };
    feed(&all, &site.config.title, routes::FEED.into());
    for t in &site.taxonomies.mechanisms {
        let m = &site.vocab.mechanisms[t.mechanism];
        feed(&t.practices, &format!("{} · {}", m.name, site.config.title), routes::mechanism_feed(&m.id));
    }
    crate::sitemap::write_sitemaps(site, pages, files);
    let robots = format!("User-agent: *\nAllow: /\nSitemap: {base}{}\n", routes::SITEMAP);
    files.always(routes::ROBOTS.into(), robots.into_bytes());
}

fn updated(site: &Site, i: usize) -> String {
    let f = &site.practices[i].front;
    // An undated page with no year sorts as the oldest.
    format!("{}T00:00:00Z", f.date.clone().unwrap_or_else(|| format!("{}-01-01", f.year.unwrap_or(1970))))
}

fn atom(site: &Site, cards: &[Card], items: &[usize], title: &str, path: &str) -> String {
    let base = &site.config.base_url;
    // Items are in site order, newest first.
    let newest = items.first().map_or_else(|| "1970-01-01T00:00:00Z".into(), |&i| updated(site, i));
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <updated>{newest}</updated>\n",
        esc(&site.config.language),
        esc(title),
        esc(&format!("{base}{path}")),
        esc(&format!("{base}{path}")),
        esc(base),
    );
    for &i in items.iter().take(FEED_ENTRIES) {
        let c = &cards[i];
        let url = format!("{base}{}", routes::public(&c.url));
        s.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            esc(&c.title),
            esc(&url),
            esc(&url),
            updated(site, i),
            esc(site.practices[i].front.author.as_deref().or(site.practices[i].front.source.as_deref()).unwrap_or(&site.config.title)),
            esc(&c.excerpt),
        ));
    }
    s.push_str("</feed>\n");
    s
}
