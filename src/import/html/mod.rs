//! Import stage 1b: a saved HTML page → lines of the article. Scripts, styles and hidden
//! elements never count; small furniture (navigation, share bars, comment lists, ads…) is
//! dropped by tag or class/id word unless it holds most of the page's text; then the article
//! block is chosen by text and link density (readability's scoring, counted in Han text and
//! Chinese punctuation), with its article-like siblings, the headline just above it and the
//! date line between the two. Block elements become lines; `<h1>`–`<h3>` keep their level.
//! The page's own metadata (`<title>`, `og:title`, headings, JSON-LD, meta dates) is read too.

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

mod blocks;
mod parse;
mod walk;

use blocks::{choose_blocks, furniture, measure};
use walk::article_lines;

use super::html_meta::{json_ld, meta_content, meta_date, page_url, select_text, squash_space};
use super::lines::Line;

pub struct HtmlPage {
    pub lines: Vec<Line>,
    /// `<title>` text.
    pub title: Option<String>,
    /// A publication date from `<meta>` or `<time datetime>`, as written.
    pub date: Option<String>,
    /// The headline the extractor put first in `lines` (a heading or a line that `<title>`
    /// repeats, just above the article block), if it found one.
    pub headline: Option<String>,
    /// `og:title` or `twitter:title`.
    pub og_title: Option<String>,
    /// The page's first `<h1>`/`<h2>` headings (up to five), in page order, wherever they are.
    pub h1: Vec<Heading>,
    /// `headline` of a JSON-LD `NewsArticle`/`Article`.
    pub jsonld_headline: Option<String>,
    /// `datePublished` of a JSON-LD `NewsArticle`/`Article`, as written.
    pub jsonld_date: Option<String>,
    /// `og:site_name` (or a government site's `SiteName`).
    pub site_name: Option<String>,
    /// The WeChat account that published the article (`#js_name`).
    pub account: Option<String>,
    /// `ArticleTitle` and `ContentSource`: the headline and the source a Chinese government
    /// site's CMS writes into every article page (the 政府网站 meta tags).
    pub article_title: Option<String>,
    pub content_source: Option<String>,
    /// The page's own address: `<link rel="canonical">`, `og:url`, a government CMS's `Url`,
    /// or the `<!-- saved from url=(0055)http://… -->` a browser writes when it saves a page.
    pub url: Option<String>,
    /// `<meta name="description">` (or `og:description`).
    pub description: Option<String>,
    /// Every visible text of the page in document order, one text node a line (no scripts or
    /// styles): where a date printed outside the article block is looked for.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
}

fn visible_text(root: ElementRef) -> String {
    let mut out = String::new();
    // Open script, style, noscript and template elements around the node.
    let mut hidden = 0usize;
    let unread =
        |n: &Node| n.as_element().is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"));
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if unread(node.value()) => hidden += 1,
            Edge::Close(node) if unread(node.value()) => hidden -= 1,
            Edge::Open(node) => {
                if let Node::Text(t) = node.value() {
                    let t = t.trim();
                    if hidden == 0 && !t.is_empty() {
                        out.push_str(t);
                        out.push('\n');
                    }
                }
            }
            Edge::Close(_) => {}
        }
    }
    out
}

/// A page this import does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    #[error(
        "not read: its elements nest more than {} deep (an article page nests a few dozen; a broken or hostile page?)",
        parse::MAX_DEPTH
    )]
    TooDeep,
}

pub fn html_lines(source: &str) -> Result<HtmlPage, HtmlError> {
    let doc = parse::parse(source).map_err(|parse::TooDeep| HtmlError::TooDeep)?;
    let root = doc.root_element();
    let hidden = hidden(root);
    let title = select_text(&doc, "title");
    let mut page = HtmlPage {
        lines: Vec::new(),
        title: title.clone(),
        date: meta_date(&doc),
        headline: None,
        og_title: meta_content(&doc, &["og:title", "twitter:title"]),
        h1: headings(&doc, &hidden),
        jsonld_headline: None,
        jsonld_date: None,
        site_name: meta_content(&doc, &["og:site_name", "SiteName"]),
        // A WeChat account names itself in `#js_name`.
        account: select_text(&doc, "#js_name"),
        article_title: meta_content(&doc, &["ArticleTitle"]),
        content_source: meta_content(&doc, &["ContentSource"]),
        url: page_url(&doc, source),
        description: meta_content(&doc, &["description", "og:description"]),
        text: visible_text(root),
    };
    (page.jsonld_headline, page.jsonld_date) = json_ld(&doc);

    // Pass 1: the text of every element, to know which furniture-looking elements are in fact
    // the page's main containers.
    let mut all = HashMap::new();
    let page_stats = measure(root, &hidden, &mut all);
    let furniture = furniture(root, &all, page_stats.chars);
    // Pass 2: the same with the furniture removed, for scoring.
    let skip: HashSet<usize> = furniture.union(&hidden).copied().collect();
    let mut stats = HashMap::new();
    measure(root, &skip, &mut stats);
    let chosen = choose_blocks(root, &stats, &furniture);

    let (lines, headline) = article_lines(root, &skip, &chosen, title.as_deref());
    page.lines = lines;
    page.headline = headline;
    Ok(page)
}

/// A key for an element of the parsed tree (its address, stable while the tree lives).
fn key(el: ElementRef) -> usize {
    key_of(el.value())
}

fn key_of(el: &scraper::node::Element) -> usize {
    std::ptr::from_ref(el) as usize
}

/// The hidden elements under `root` (see [`is_hidden`]), in one walk of the tree that counts
/// the Han characters under each element on a stack.
fn hidden(root: ElementRef) -> HashSet<usize> {
    let mut out = HashSet::new();
    let mut han: Vec<usize> = Vec::new();
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(_) => han.push(0),
                Node::Text(t) => {
                    if let Some(h) = han.last_mut() {
                        *h += t.chars().filter(|&c| crate::fold::is_han(c)).count();
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Some(el) = ElementRef::wrap(node) else { continue };
                let h = han.pop().unwrap_or(0);
                if let Some(up) = han.last_mut() {
                    *up += h;
                }
                if is_hidden(el, h) {
                    out.insert(key(el));
                }
            }
        }
    }
    out
}

/// Hidden by an attribute or a style; `han`: the Han characters under it.
fn is_hidden(el: ElementRef, han: usize) -> bool {
    let v = el.value();
    if v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true") {
        return true;
    }
    v.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if s.contains("display:none") {
            return true;
        }
        // A page that shows its article by script hides it until then (WeChat's `#js_content`
        // is `visibility: hidden; opacity: 0`): only a small block so hidden is a popup or a menu.
        let veiled = s.contains("visibility:hidden") || s.split(';').any(|d| d == "opacity:0");
        veiled && han < REVEALED_HAN
    })
}

/// Han characters from which a block hidden by `visibility` or `opacity` is an article that a
/// script reveals, not a widget.
const REVEALED_HAN: usize = 200;

/// An `<a>` that is a link. Broken markup (`<a href=…>name<a>` never closed) makes the parser
/// wrap the rest of the page in one: an `<a>` holding blocks is no link.
fn is_link(el: ElementRef) -> bool {
    el.value().name() == "a"
        && !el.descendants().filter_map(ElementRef::wrap).any(|d| {
            matches!(d.value().name(), "div" | "table" | "p" | "ul" | "ol" | "section" | "article" | "h1" | "h2" | "h3")
        })
}

/// The first `<h1>`/`<h2>` headings of the page, up to five.
fn headings(doc: &Html, hidden: &HashSet<usize>) -> Vec<Heading> {
    let sel = Selector::parse("h1, h2").expect("valid selector");
    doc.select(&sel)
        .filter(|h| !hidden.contains(&key(*h)))
        .filter_map(|h| {
            let text = squash_space(&h.text().collect::<String>());
            let level = if h.value().name() == "h1" { 1 } else { 2 };
            (!text.is_empty()).then_some(Heading { level, text })
        })
        .take(5)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(source: &str) -> HtmlPage {
        html_lines(source).unwrap()
    }

    fn texts(p: &HtmlPage) -> Vec<&str> {
        p.lines.iter().map(|l| l.text.as_str()).collect()
    }

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
        let p = lines_of(page);
        assert_eq!(texts(&p), ["安吉推行全科网格", "第一段，加粗的文字。", "第二段", "第三段"]);
        assert_eq!(p.lines[0].heading, Some(1));
        assert_eq!(p.title.as_deref(), Some("安吉：全科网格_浙江新闻"));
        assert_eq!(p.date.as_deref(), Some("2022-05-16"));
    }

    /// Sentences of an article, `n` paragraphs of about 60 characters.
    fn paragraphs(n: usize) -> String {
        (1..=n)
            .map(|i| format!("<p>第{i}段：安吉县推行全科网格，网格员每周走访农户，收集群众诉求，能办的当场办，办不了的上报，限时办结。</p>"))
            .collect()
    }

    fn menu(n: usize) -> String {
        (1..=n).map(|i| format!("<li><a href='/{i}'>栏目链接第{i}条新闻标题</a></li>")).collect()
    }

    #[test]
    fn a_page_wide_form_and_a_nav_classed_body_are_not_furniture() {
        for shell in [
            format!("<body><form id='Form1' method='post'><div id='main'>{}</div></form></body>", paragraphs(4)),
            format!("<body class='u-has-nav-bar'><div class='app' id='app'>{}</div></body>", paragraphs(4)),
        ] {
            let p = lines_of(&format!("<html><head><title>t</title></head>{shell}</html>"));
            assert_eq!(p.lines.len(), 4, "{shell}");
            assert!(p.lines[0].text.starts_with("第1段"));
        }
        // A search box's label goes even when the box is not in a form of its own.
        let p = lines_of(&format!(
            "<body><table><tr><td>相关新闻:<input name=query><input type=submit value=搜索></td></tr></table><div>{}</div></body>",
            paragraphs(3)
        ));
        assert_eq!(p.lines.len(), 3, "{:?}", texts(&p));
        // A small form (a search box) still goes.
        let p = lines_of(&format!("<body><form><p>搜索：请输入关键词。</p></form><div>{}</div></body>", paragraphs(3)));
        assert!(p.lines.iter().all(|l| !l.text.contains("搜索")));
    }

    #[test]
    fn a_sidebar_of_links_loses_to_the_article() {
        let page = format!(
            "<body><table><tr><td><b>新闻排行</b><ul>{}</ul></td><td><div>{}</div></td></tr></table>
             <div class='footer'>地址：某某路1号，电话：123456，版权所有。</div></body>",
            menu(30),
            paragraphs(3)
        );
        let p = lines_of(&page);
        assert_eq!(p.lines.len(), 3, "{:?}", texts(&p));
        assert!(texts(&p).iter().all(|t| t.starts_with('第')));
    }

    #[test]
    fn link_dense_lines_inside_the_block_go() {
        let page = format!(
            "<body><div class='content'>{}<p>·<a href='/1'>另一条新闻的标题在这里</a>（2005-04-03 17:19）</p></div></body>",
            paragraphs(3)
        );
        let p = lines_of(&page);
        assert_eq!(p.lines.len(), 3, "{:?}", texts(&p));
    }

    #[test]
    fn comment_lists_go_even_when_longer_than_the_post() {
        let comments: String = (1..=12)
            .map(|i| format!("<h4>re: 标题 2004-12-27 12:{i:02}</h4><p>读者第{i}条评论：写得很好，受益匪浅，期待更多文章，谢谢作者的分享。</p>"))
            .collect();
        let page = format!("<body><div class='post'>{}</div><div id='comments'>{comments}</div></body>", paragraphs(2));
        let p = lines_of(&page);
        assert_eq!(p.lines.len(), 2, "{:?}", texts(&p));
    }

    #[test]
    fn an_article_split_across_sibling_divs_is_kept_whole() {
        let page = format!(
            "<body><div class='nav'><ul>{}</ul></div><div id='wrap'><div class='text'>{}</div><div>{}</div>
             <div class='related'><ul>{}</ul></div></div></body>",
            menu(10),
            paragraphs(4),
            paragraphs(2).replace("第", "续第"),
            menu(8)
        );
        let p = lines_of(&page);
        assert_eq!(p.lines.len(), 6, "{:?}", texts(&p));
        assert!(p.lines[5].text.starts_with("续第2段"));
    }

    #[test]
    fn the_headline_above_the_block_comes_first_with_the_date_line() {
        let page = format!(
            "<html><head><title>安吉推行全科网格_浙江新闻</title></head><body>
             <h1 class='logo'>浙江新闻网</h1><ul>{}</ul>
             <h1>安吉推行全科网格</h1><div class='info'>2022-05-16 10:00 来源：浙江日报</div>
             <div class='article-body'>{}</div></body></html>",
            menu(5),
            paragraphs(3)
        );
        let p = lines_of(&page);
        assert_eq!(texts(&p)[..2], ["安吉推行全科网格", "2022-05-16 10:00 来源：浙江日报"]);
        assert_eq!(p.lines[0].heading, Some(1));
        assert_eq!(p.lines.len(), 5);
        assert_eq!(p.headline.as_deref(), Some("安吉推行全科网格"));
        let h1: Vec<&str> = p.h1.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(h1, ["浙江新闻网", "安吉推行全科网格"]);
    }

    #[test]
    fn a_source_line_whose_outlet_is_a_link_stays_above_the_block() {
        let page = format!(
            "<html><head><title>安吉推行全科网格</title></head><body><ul>{}</ul>
             <h1>安吉推行全科网格</h1>
             <div class='info'><span>2022-05-16 10:00</span> <span>来源:<a href='http://x.cn/'>中国新闻网</a></span></div>
             <div class='article-body'>{}</div></body></html>",
            menu(5),
            paragraphs(3)
        );
        let p = lines_of(&page);
        assert_eq!(texts(&p)[..2], ["安吉推行全科网格", "2022-05-16 10:00 来源:中国新闻网"]);
    }

    #[test]
    fn a_heading_in_two_parts_keeps_its_kicker() {
        let page = format!(
            "<html><body><h1>内蒙古延续税收优惠政策助企纾困<div>预计4年为纳税人减负180亿元</div></h1>
             <div class='info'>发布日期：2022-02-11</div><div class='article-body'>{}</div></body></html>",
            paragraphs(3)
        );
        let p = lines_of(&page);
        assert_eq!(
            texts(&p)[..3],
            ["内蒙古延续税收优惠政策助企纾困", "预计4年为纳税人减负180亿元", "发布日期：2022-02-11"]
        );
        assert_eq!(p.headline.as_deref(), Some("预计4年为纳税人减负180亿元"));
    }

    #[test]
    fn an_unclosed_link_around_the_post_does_not_make_it_a_link() {
        // `<a href=…>name<a>`: the parser puts the rest of the page inside the second <a>.
        let page = format!(
            "<html><body><div class='author'>作者：<a href='/u?id=1'>放飞&心情<a><br>将军</div>
             <div><table class='tooltipbg'><tr><td>{}</td></tr></table></div></body></html>",
            paragraphs(3).replace("<p>", "").replace("</p>", "<br><br>")
        );
        let p = lines_of(&page);
        assert!(p.lines.len() >= 3, "{:?}", texts(&p));
    }

    #[test]
    fn a_saved_page_knows_its_address() {
        let saved = "<!-- saved from url=(0061)http://www.hnxinyang.gov.cn/2023-05/12/content_1234.html -->\n<html><body><p>正文</p></body></html>";
        assert_eq!(lines_of(saved).url.as_deref(), Some("http://www.hnxinyang.gov.cn/2023-05/12/content_1234.html"));
        let canonical = "<html><head><link rel='canonical' href='https://www.gov.cn/zhengce/202303/t20230321_1.htm'></head><body></body></html>";
        assert_eq!(lines_of(canonical).url.as_deref(), Some("https://www.gov.cn/zhengce/202303/t20230321_1.htm"));
        // Far into a page of multi-byte text, and a relative or script address, are none.
        assert_eq!(lines_of(&format!("<html><body><p>{}</p></body></html>", "商".repeat(2000))).url, None);
        assert_eq!(lines_of("<html><head><link rel='canonical' href='/a/b.html'><meta property='og:url' content='javascript:x'></head></html>").url, None);
    }

    #[test]
    fn hidden_copies_are_not_read() {
        let page = format!(
            "<body><div class='content'>{}</div><div style='display: none'>{}</div></body>",
            paragraphs(3),
            paragraphs(3)
        );
        assert_eq!(lines_of(&page).lines.len(), 3);
    }

    #[test]
    fn metadata_from_meta_tags_and_json_ld() {
        let page = r#"<html><head><title>标题_网站</title>
            <meta property="og:title" content="安吉推行全科网格">
            <meta property="og:site_name" content="浙江新闻">
            <meta name="description" content="安吉县的全科网格。">
            <meta name="ArticlePublishTime" content="2022-05-16 10:00">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebPage","name":"页面"},
              {"@type":"NewsArticle","headline":"安吉推行 全科网格","datePublished":"2022-05-16T10:00:00+08:00"}]}</script>
            </head><body><p>正文。</p></body></html>"#;
        let p = lines_of(page);
        assert_eq!(p.og_title.as_deref(), Some("安吉推行全科网格"));
        assert_eq!(p.site_name.as_deref(), Some("浙江新闻"));
        assert_eq!(p.description.as_deref(), Some("安吉县的全科网格。"));
        assert_eq!(p.date.as_deref(), Some("2022-05-16 10:00"));
        assert_eq!(p.jsonld_headline.as_deref(), Some("安吉推行 全科网格"));
        assert_eq!(p.jsonld_date.as_deref(), Some("2022-05-16T10:00:00+08:00"));
        let p = lines_of(r#"<head><meta property="article:published_time" content="2021-01-29"></head><p>正文。</p>"#);
        assert_eq!(p.date.as_deref(), Some("2021-01-29"));
    }
}
