//! Project configuration: `kbgen.toml` at the project root. Strict: an unknown key is an error
//! that names the allowed keys.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diagnostic;

pub const FILE_NAME: &str = "kbgen.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in every page's header.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at; used only for sitemap, feeds and canonical links.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// `lang` of pages whose articles are in Simplified Chinese.
    #[serde(default = "default_language")]
    pub language: String,
    /// Practices per page on term pages.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    #[serde(default)]
    pub paths: Paths,
    #[serde(default)]
    pub import: Import,
}

/// `[import]`: how `kbgen import` reads record files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Import {
    /// `[import.fields]`: which field of a JSON Lines or CSV record holds the URL, title, text…
    #[serde(default)]
    pub fields: Fields,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Paths {
    pub content: PathBuf,
    pub templates: PathBuf,
    #[serde(rename = "static")]
    pub static_dir: PathBuf,
    pub output: PathBuf,
    pub data: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            content: "content".into(),
            templates: "templates".into(),
            static_dir: "static".into(),
            output: "site".into(),
            data: "data".into(),
        }
    }
}

fn default_base_url() -> String {
    "http://127.0.0.1:8000/".into()
}
fn default_language() -> String {
    "zh-CN".into()
}
fn default_paginate() -> usize {
    20
}

impl Config {
    /// Reads `<root>/kbgen.toml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = if root == Path::new(".") { PathBuf::from(FILE_NAME) } else { root.join(FILE_NAME) };
        if !path.exists() {
            return Err(Diagnostic::new(&path, "cannot read the configuration: no such file"));
        }
        let text = Diagnostic::read_utf8(&path, &path)?;
        Config::parse(&text, &path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let d = Diagnostic::new(path, e.message().to_string());
            match e.span() {
                Some(span) => {
                    let line = text[..span.start].matches('\n').count() + 1;
                    let col = text[..span.start].rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    let mut d = d.at(text, line, col);
                    d.span = text[span].chars().take_while(|&c| c != '\n').count().max(1);
                    d
                }
                None => d,
            }
        })?;
        if config.paginate == 0 {
            return Err(Diagnostic::new(path, "`paginate` must be at least 1").at_text(text, 1, "paginate"));
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        Ok(config)
    }
}

/// Field names or lists of them: `text = "正文"` or `text = ["正文", "content"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

/// `[import.fields]` in kbgen.toml: which field of a JSON Lines or CSV record holds what. Each
/// key takes a field name or a list tried in order; a key given replaces its defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    pub url: Option<Names>,
    pub title: Option<Names>,
    pub text: Option<Names>,
    pub html: Option<Names>,
    pub date: Option<Names>,
    pub source: Option<Names>,
    pub author: Option<Names>,
}

/// Field names of Scrapy items, trafilatura (`raw_text`, `sitename`, `hostname`),
/// newspaper/news-please (`maintext`, `date_publish`, `source_domain`, `authors`) and Chinese
/// news crawlers (`publish_time`, `pub_time`, `ctime`, `news_source`, and Chinese column names:
/// `标题`, `正文`, `发布时间`, `来源`, `链接`). A name matches whatever its case and separators
/// (`publishTime`); fields of other names are read by their values (`import::fields`).
pub const DEFAULTS: [(&str, &[&str]); 7] = [
    (
        "url",
        &[
            "url",
            "link",
            "canonical_url",
            "source_url",
            "uri",
            "href",
            "news_url",
            "article_url",
            "链接",
            "网址",
            "原文链接",
        ],
    ),
    ("title", &["title", "headline", "news_title", "article_title", "标题", "题目", "新闻标题"]),
    (
        "text",
        &[
            "text",
            "content",
            "body",
            "maintext",
            "raw_text",
            "article",
            "contents",
            "context",
            "news_content",
            "article_content",
            "paragraphs",
            "正文",
            "内容",
            "文章内容",
            "新闻内容",
        ],
    ),
    ("html", &["html", "raw_html", "content_html", "body_html"]),
    (
        "date",
        &[
            "date",
            "published",
            "date_publish",
            "publish_date",
            "pubdate",
            "published_at",
            "time",
            "publish_time",
            "pubtime",
            "pub_time",
            "public_time",
            "published_date",
            "publication_date",
            "release_time",
            "post_time",
            "ctime",
            "datetime",
            "发布时间",
            "发布日期",
            "时间",
            "日期",
        ],
    ),
    (
        "source",
        &[
            "source",
            "site",
            "sitename",
            "site_name",
            "publisher",
            "source_domain",
            "hostname",
            "news_source",
            "media",
            "media_name",
            "来源",
            "媒体",
            "出处",
        ],
    ),
    ("author", &["author", "authors", "byline", "writer", "creator", "作者", "记者"]),
];

impl Fields {
    /// The names tried for `key`, first to last.
    pub fn names(&self, key: &str) -> Vec<String> {
        let given = match key {
            "url" => &self.url,
            "title" => &self.title,
            "text" => &self.text,
            "html" => &self.html,
            "date" => &self.date,
            "source" => &self.source,
            "author" => &self.author,
            _ => &None,
        };
        match given {
            Some(Names::One(n)) => vec![n.clone()],
            Some(Names::Many(v)) => v.clone(),
            None => DEFAULTS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_position_and_allowed_keys() {
        let e = Config::parse("title = \"知识库\"\ncolour = \"red\"\n", Path::new("kbgen.toml")).unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("kbgen.toml:2:1: unknown field `colour`, expected one of"), "{s}");
        assert!(s.contains("`base_url`"), "{s}");
    }

    #[test]
    fn defaults_and_trailing_slash() {
        let c = Config::parse("title = \"知识库\"\nbase_url = \"https://example.org/kb\"\n", Path::new("k")).unwrap();
        assert_eq!(c.base_url, "https://example.org/kb/");
        assert_eq!(c.paginate, 20);
        assert_eq!(c.paths.output, PathBuf::from("site"));
    }
}
