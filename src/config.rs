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
    /// What is allowed but probably a mistake (a loopback `base_url` in a build to publish).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
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
                    d.span = text[span.clone()].chars().take_while(|&c| c != '\n').count().max(1);
                    if d.message == "duplicate key" {
                        d = duplicate_key(d, text, &text[span]);
                    }
                    in_table(d, text, line)
                }
                None => d,
            }
        })?;
        if config.paginate == 0 {
            return Err(Diagnostic::new(path, "`paginate` must be at least 1").at_text(text, 1, "paginate"));
        }
        config.import.fields.check(text, path)?;
        let at_base_url = |msg: String| Diagnostic::new(path, msg).at_text(text, 1, "base_url");
        let host = base_url_host(&config.base_url).map_err(at_base_url)?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        for (key, value) in [("title", &config.title), ("description", &config.description)] {
            if value.chars().any(crate::practice::is_control) {
                let d = Diagnostic::new(
                    path,
                    format!("`{key}` holds a control character: feeds drop it, and pages show it as is; remove it"),
                );
                config.warnings.push(d.at_text(text, 1, key));
            }
        }
        if is_loopback(&host) {
            let d = if text.lines().any(|l| l.trim_start().starts_with("base_url")) {
                at_base_url(String::new())
            } else {
                Diagnostic::new(path, String::new())
            };
            config.warnings.push(Diagnostic {
                message: format!(
                    "`base_url` is {}, a loopback address: the published site's 404 page, canonical links, feeds, sitemap and citations will point there; set the address the site is published at",
                    config.base_url
                ),
                ..d
            });
        }
        Ok(config)
    }
}

/// toml's "duplicate key" with the key and the line that first gives it.
fn duplicate_key(mut d: Diagnostic, text: &str, key: &str) -> Diagnostic {
    let key = key.trim();
    let first =
        text.lines().position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('=')));
    d.message = match first.map(|i| i + 1).filter(|&l| Some(l) != d.line) {
        Some(l) => {
            format!("duplicate key `{key}`: line {l} gives it already (a key is given once: change that line instead)")
        }
        None => format!("duplicate key `{key}`"),
    };
    d
}

/// An error inside a table names the table, so a key appended to the end of the file (which
/// lands in its last table) is not just "unknown".
fn in_table(mut d: Diagnostic, text: &str, line: usize) -> Diagnostic {
    let table = text
        .lines()
        .take(line.saturating_sub(1))
        .filter_map(|l| l.trim().strip_prefix('[').and_then(|r| r.split(']').next()))
        .last()
        .map(|t| t.trim().to_string());
    if let Some(t) = table.filter(|t| !t.is_empty()) {
        // After the key's name (`unknown field `x` in [t], expected one of …`), else at the end.
        let at = match d.message.strip_prefix("unknown field `") {
            Some(rest) => rest.find('`').map_or(d.message.len(), |i| "unknown field `".len() + i + 1),
            None => d.message.len(),
        };
        d.message.insert_str(at, &format!(" in [{t}]"));
        if d.message.starts_with("unknown field") {
            d.message
                .push_str(&format!(" (a key of the top level goes above the first table; this line is below `[{t}]`)"));
        }
    }
    d
}

/// The host of `base_url`, which must be an absolute http or https URL with a host (it becomes
/// the links of the 404 page, canonical links, feeds and citations); else why it is not.
fn base_url_host(base: &str) -> Result<String, String> {
    let bad =
        |why: &str| Err(format!("`base_url` must be an absolute http(s) URL such as https://example.org/kb/: {why}"));
    if base.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') {
        return bad("it holds a space, a backslash or a control character");
    }
    // A browser reads `http:///x` as `http://x/`, but the links are made of the text as written.
    if base.split_once("://").is_some_and(|(_, rest)| rest.starts_with('/')) {
        return bad("a host follows `//` directly");
    }
    match url::Url::parse(base) {
        Ok(u) if !["http", "https"].contains(&u.scheme()) => bad(&format!("`{}:` is not a web address", u.scheme())),
        Ok(u) => match u.host_str().filter(|h| !h.is_empty()) {
            Some(_) if !u.username().is_empty() || u.password().is_some() => bad("it holds a user name or password"),
            Some(_) if u.query().is_some() || u.fragment().is_some() => bad("it holds a `?` query or a `#` fragment"),
            Some(h) => Ok(h.to_string()),
            None => bad("it names no host"),
        },
        Err(url::ParseError::RelativeUrlWithoutBase) => bad(&format!("`{base}` has no http:// or https://")),
        Err(e) => bad(&e.to_string()),
    }
}

/// Whether a URL's host is this machine: `localhost`, 127.0.0.0/8, `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
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
    /// A key given an empty list (or an empty name) would match no field at all: an error at
    /// its line.
    fn check(&self, text: &str, path: &Path) -> Result<(), Diagnostic> {
        for (key, _) in DEFAULTS {
            let empty = match self.given(key) {
                Some(Names::One(n)) => n.trim().is_empty(),
                Some(Names::Many(v)) => v.is_empty() || v.iter().any(|n| n.trim().is_empty()),
                None => false,
            };
            if empty {
                let from = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("[import.fields]") || l.contains("fields."))
                    .map_or(1, |i| i + 1);
                let line = text
                    .lines()
                    .enumerate()
                    .skip(from - 1)
                    .find(|(_, l)| {
                        let l = l.trim_start();
                        let l = l.strip_prefix("import.fields.").or_else(|| l.strip_prefix("fields.")).unwrap_or(l);
                        l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('='))
                    })
                    .map_or(from, |(i, _)| i + 1);
                let d = Diagnostic::new(
                    path,
                    format!("[import.fields] `{key}` names no field: give a field name or a list of them, or leave the key out for the defaults"),
                );
                return Err(d.at_text(text, line, key));
            }
        }
        Ok(())
    }

    /// What kbgen.toml gives for `key`.
    fn given(&self, key: &str) -> &Option<Names> {
        match key {
            "url" => &self.url,
            "title" => &self.title,
            "text" => &self.text,
            "html" => &self.html,
            "date" => &self.date,
            "source" => &self.source,
            "author" => &self.author,
            _ => &None,
        }
    }

    /// The names tried for `key`, first to last.
    pub fn names(&self, key: &str) -> Vec<String> {
        let given = self.given(key);
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
    fn base_url_is_an_absolute_web_address() {
        let parse = |b: &str| Config::parse(&format!("title = \"t\"\nbase_url = \"{b}\"\n"), Path::new("kbgen.toml"));
        for bad in [
            "javascript:alert(document.domain)//",
            "example.org/kb",
            "/kb/",
            "ftp://example.org/",
            "http:///x",
            "https://a b/",
            "data:text/html,x",
            "https://u:p@example.org/",
        ] {
            let e = parse(bad).err().unwrap_or_else(|| panic!("{bad} accepted")).to_string();
            assert!(e.starts_with("kbgen.toml:2:1: `base_url` must be an absolute http(s) URL"), "{bad}: {e}");
        }
        for good in ["https://example.org/kb/", "http://example.org", "https://例子.中国/知识库/"] {
            assert!(parse(good).unwrap().warnings.is_empty(), "{good}");
        }
        for lo in ["http://127.0.0.1:8000/", "http://localhost/", "http://[::1]:8000/", "http://127.1.2.3/"] {
            let w = &parse(lo).unwrap().warnings;
            assert!(w.len() == 1 && w[0].to_string().contains("loopback"), "{lo}: {w:?}");
        }
    }

    #[test]
    fn a_key_appended_below_a_table_is_named_with_its_table() {
        let text = "title = \"t\"\n[paths]\noutput = \"site\"\n[import.fields]\nbase_url = \"https://example.org/\"\n";
        let e = Config::parse(text, Path::new("kbgen.toml")).unwrap_err().to_string();
        assert!(e.starts_with("kbgen.toml:5:1: unknown field `base_url` in [import.fields], expected one of"), "{e}");
        assert!(e.contains("above the first table"), "{e}");
    }

    #[test]
    fn a_duplicate_key_names_the_line_that_gives_it_first() {
        let text = "title = \"t\"\nbase_url = \"http://127.0.0.1:8000/\"\npaths.output = \"site\"\nbase_url = \"https://example.org/\"\n";
        let e = Config::parse(text, Path::new("kbgen.toml")).unwrap_err().to_string();
        assert!(e.starts_with("kbgen.toml:4:1: duplicate key `base_url`: line 2 gives it already"), "{e}");
    }

    #[test]
    fn empty_field_lists_are_errors_at_their_line() {
        for (text, line) in [
            ("title = \"t\"\n[import.fields]\ntitle = \"标题\"\ntext = []\n", 4),
            ("title = \"t\"\n[import.fields]\nhtml = [\"\"]\n", 3),
            ("title = \"t\"\nimport.fields.url = \"\"\n", 2),
        ] {
            let e = Config::parse(text, Path::new("kbgen.toml")).unwrap_err().to_string();
            assert!(e.starts_with(&format!("kbgen.toml:{line}:")) && e.contains("names no field"), "{text}: {e}");
        }
    }

    #[test]
    fn defaults_and_trailing_slash() {
        let c = Config::parse("title = \"知识库\"\nbase_url = \"https://example.org/kb\"\n", Path::new("k")).unwrap();
        assert_eq!(c.base_url, "https://example.org/kb/");
        assert_eq!(c.paginate, 20);
        assert_eq!(c.paths.output, PathBuf::from("site"));
    }
}
