//! Import stage 1b: a saved HTML page → lines of text. Scripts, styles, navigation, asides,
//! footers, forms and elements whose class or id names a widget (share, comment, related,
//! breadcrumb, ad…) are dropped; block elements become lines; `<h1>`–`<h3>` keep their level.

use scraper::{ElementRef, Html, Node};

use super::lines::Line;

/// Elements whose whole subtree is never article text.
const SKIP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "aside",
    "footer",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "figcaption",
    "head",
    "object",
    "embed",
    "video",
    "audio",
];

/// Class/id words that mark page furniture rather than the article.
const SKIP_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "footer",
    "foot",
    "share",
    "sharing",
    "social",
    "comment",
    "comments",
    "related",
    "recommend",
    "sidebar",
    "aside",
    "ad",
    "ads",
    "advert",
    "banner",
    "copyright",
    "toolbar",
    "login",
    "topbar",
    "hot",
    "rank",
    "caption",
    "pic-info",
    "pictext",
    "tags",
    "pager",
    "pagination",
    "qrcode",
    "app",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "tbody",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "pre",
    "figure",
    "header",
    "center",
    "body",
    "html",
    "hr",
];

pub struct HtmlPage {
    pub lines: Vec<Line>,
    /// `<title>` text.
    pub title: Option<String>,
    /// A publication date from `<meta>` or `<time datetime>`, as written.
    pub date: Option<String>,
}

pub fn html_lines(source: &str) -> HtmlPage {
    let doc = Html::parse_document(source);
    let mut w = Walker { lines: Vec::new(), current: String::new(), heading: None };
    w.walk(doc.root_element());
    w.flush();
    let title = doc
        .select(&scraper::Selector::parse("title").expect("valid selector"))
        .next()
        .map(|t| t.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    let date = meta_date(&doc);
    HtmlPage { lines: w.lines, title, date }
}

fn meta_date(doc: &Html) -> Option<String> {
    let metas = scraper::Selector::parse("meta").expect("valid selector");
    for m in doc.select(&metas) {
        let key = m.value().attr("name").or(m.value().attr("property")).unwrap_or("").to_ascii_lowercase();
        if matches!(
            key.as_str(),
            "publishdate" | "pubdate" | "article:published_time" | "publish_date" | "date" | "dc.date"
        ) {
            if let Some(c) = m.value().attr("content") {
                return Some(c.to_string());
            }
        }
    }
    let times = scraper::Selector::parse("time[datetime]").expect("valid selector");
    doc.select(&times).next().and_then(|t| t.value().attr("datetime")).map(str::to_string)
}

struct Walker {
    lines: Vec<Line>,
    current: String,
    heading: Option<u8>,
}

impl Walker {
    fn walk(&mut self, el: ElementRef) {
        let name = el.value().name();
        if SKIP_TAGS.contains(&name) || is_furniture(el) {
            return;
        }
        let block = BLOCK_TAGS.contains(&name);
        if block {
            self.flush();
        }
        let level = match name {
            "h1" => Some(1),
            "h2" => Some(2),
            "h3" => Some(3),
            _ => None,
        };
        if level.is_some() {
            self.heading = level;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.current.push_str(t),
                Node::Element(e) if e.name() == "br" => self.flush(),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.walk(c);
                    }
                }
                _ => {}
            }
        }
        if block {
            self.flush();
        }
        if level.is_some() {
            self.heading = None;
        }
    }

    fn flush(&mut self) {
        let text: String = self.current.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').to_string();
        if !text.is_empty() {
            self.lines.push(Line { text, gap: 1, heading: self.heading, cut_before: false });
        }
        self.current.clear();
    }
}

fn is_furniture(el: ElementRef) -> bool {
    let v = el.value();
    let words = v.attr("class").into_iter().chain(v.attr("id")).flat_map(|s| {
        s.split(|c: char| c.is_whitespace() || c == '-' || c == '_').map(str::to_ascii_lowercase).collect::<Vec<_>>()
    });
    let mut words = words;
    words.any(|w| SKIP_WORDS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_article_text_and_drops_furniture() {
        let page = r#"<html><head><title>安吉：全科网格_浙江新闻</title><style>p{}</style>
            <meta name="publishdate" content="2022-05-16"></head><body>
            <nav><a>首页</a><a>要闻</a></nav><div class="breadcrumb">首页 &gt; 要闻</div>
            <div class="article"><h1>安吉推行全科网格</h1><p>第一段，<b>加粗</b>的文字。</p>
            <p class="caption">图为网格员走访。</p><p>第二段<br>第三段</p>
            <div class="share-bar">分享到：微信 微博</div></div>
            <aside><h3>热点推荐</h3></aside><footer>Copyright</footer>
            <script>var a = "<p>no</p>";</script></body></html>"#;
        let p = html_lines(page);
        let texts: Vec<&str> = p.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["安吉推行全科网格", "第一段，加粗的文字。", "第二段", "第三段"]);
        assert_eq!(p.lines[0].heading, Some(1));
        assert_eq!(p.title.as_deref(), Some("安吉：全科网格_浙江新闻"));
        assert_eq!(p.date.as_deref(), Some("2022-05-16"));
    }
}
