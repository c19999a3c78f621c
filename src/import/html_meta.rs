//! What a saved page says about itself outside its article block: `<title>`, `<h1>`s,
//! `<meta>` tags (Open Graph, a government CMS's, dates), JSON-LD, a script's publication time,
//! and the page's own address.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};

pub(super) fn select_text(doc: &Html, selector: &str) -> Option<String> {
    let sel = Selector::parse(selector).expect("valid selector");
    doc.select(&sel).map(|t| squash_space(&t.text().collect::<String>())).find(|t| !t.is_empty())
}

pub(super) fn squash_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `content` of the first `<meta>` whose `name` or `property` is one of `keys`.
pub(super) fn meta_content(doc: &Html, keys: &[&str]) -> Option<String> {
    let metas = Selector::parse("meta").expect("valid selector");
    keys.iter().find_map(|want| {
        doc.select(&metas).find_map(|m| {
            let v = m.value();
            let key = v.attr("name").or(v.attr("property")).or(v.attr("itemprop"))?;
            if !key.trim().eq_ignore_ascii_case(want) {
                return None;
            }
            v.attr("content").map(squash_space).filter(|c| !c.is_empty())
        })
    })
}

/// Meta keys that carry a publication date, compared without case.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "publishdate",
    "publish_date",
    "publish-date",
    "pubdate",
    "pubtime",
    "publishtime",
    "articlepublishtime",
    "firstpublishedtime",
    "weibo: article:create_at",
    "weibo:article:create_at",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "sailthru.date",
    "releasedate",
    "created",
];

pub(super) fn page_url(doc: &Html, source: &str) -> Option<String> {
    static SAVED_FROM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->").expect("valid pattern"));
    let canonical = Selector::parse("link[rel=canonical]").expect("valid selector");
    let end = (0..=source.len().min(4096)).rev().find(|&i| source.is_char_boundary(i)).unwrap_or(0);
    let head = &source[..end];
    doc.select(&canonical)
        .filter_map(|l| l.value().attr("href"))
        .map(str::to_string)
        .chain(meta_content(doc, &["og:url", "Url"]))
        .chain(SAVED_FROM.captures(head).map(|c| c[1].to_string()))
        .find_map(|u| super::origin::web_url(&u))
}

pub(super) fn meta_date(doc: &Html) -> Option<String> {
    meta_content(doc, DATE_KEYS)
        .or_else(|| {
            let times = Selector::parse("time[datetime]").expect("valid selector");
            doc.select(&times).next().and_then(|t| t.value().attr("datetime")).map(str::to_string)
        })
        .or_else(|| script_time(doc))
}

/// The publication time a page's script carries when its date is filled in by script
/// (WeChat: `var ct = "1683859200";`, a Unix time), as `YYYY-MM-DD HH:MM` in China time.
fn script_time(doc: &Html) -> Option<String> {
    static CT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\bvar\s+ct\s*=\s*["']?(\d{10})["']?"#).expect("valid pattern"));
    let scripts = Selector::parse("script").expect("valid selector");
    let secs: i64 = doc
        .select(&scripts)
        .find_map(|s| CT.captures(&s.text().collect::<String>()).map(|c| c[1].to_string()))?
        .parse()
        .ok()?;
    Some(super::dates::china_time(secs))
}

/// `headline` and `datePublished` of the first JSON-LD article (`NewsArticle`, `Article`,
/// `BlogPosting`…), also inside a list or an `@graph`.
pub(super) fn json_ld(doc: &Html) -> (Option<String>, Option<String>) {
    let sel = Selector::parse(r#"script[type="application/ld+json"]"#).expect("valid selector");
    for s in doc.select(&sel) {
        let text: String = s.text().collect();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim()) else { continue };
        if let Some(found) = find_article(&value) {
            let field = |k: &str| found.get(k).and_then(|v| v.as_str()).map(squash_space).filter(|s| !s.is_empty());
            return (
                field("headline").or_else(|| field("name")),
                field("datePublished").or_else(|| field("dateCreated")),
            );
        }
    }
    (None, None)
}

fn find_article(v: &serde_json::Value) -> Option<&serde_json::Value> {
    match v {
        serde_json::Value::Array(items) => items.iter().find_map(find_article),
        serde_json::Value::Object(map) => {
            let is_article =
                |t: &serde_json::Value| t.as_str().is_some_and(|t| t.ends_with("Article") || t == "BlogPosting");
            let typed = match map.get("@type") {
                Some(serde_json::Value::Array(ts)) => ts.iter().any(is_article),
                Some(t) => is_article(t),
                None => false,
            };
            if typed {
                Some(v)
            } else {
                map.get("@graph").and_then(find_article)
            }
        }
        _ => None,
    }
}
