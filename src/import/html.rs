//! Import stage 1b: a saved HTML page → lines of the article. Scripts, styles and hidden
//! elements never count; small furniture (navigation, share bars, comment lists, ads…) is
//! dropped by tag or class/id word unless it holds most of the page's text; then the article
//! block is chosen by text and link density (readability's scoring, counted in Han text and
//! Chinese punctuation), with its article-like siblings, the headline just above it and the
//! date line between the two. Block elements become lines; `<h1>`–`<h3>` keep their level.
//! The page's own metadata (`<title>`, `og:title`, headings, JSON-LD, meta dates) is read too.

use std::collections::{HashMap, HashSet};

use scraper::{ElementRef, Html, Node, Selector};

use super::html_meta::{json_ld, meta_content, meta_date, page_url, select_text, squash_space};
use super::lines::Line;

/// Elements whose whole subtree is never article text.
const SKIP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "figcaption",
    "head",
    "title",
    "object",
    "embed",
    "video",
    "audio",
];

/// Elements that are page furniture when small: an ASP.NET page wraps the whole page in one
/// `<form>`, some sites the article in a `<nav>`-classed shell.
const FURNITURE_TAGS: &[&str] = &["nav", "aside", "footer", "form"];

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

/// Class/id word starts that name a list of readers' comments or replies.
const COMMENT_WORDS: &[&str] = &["comment", "reply", "replies", "feedback"];

/// Class/id parts that make a block more likely the article (matched inside words, like
/// readability: `artibody`, `endText`, `article-content`, `TRS_Editor`).
const POSITIVE_HINTS: &[&str] =
    &["article", "content", "text", "detail", "artibody", "story", "entry", "post", "main", "editor", "正文"];
/// Short positive words matched whole (`zw` = 正文, `nr` = 内容, `con`, `txt`).
const POSITIVE_WORDS: &[&str] = &["zw", "nr", "con", "txt", "body", "wz", "zhengwen"];
/// Class/id parts that make a block less likely the article.
const NEGATIVE_HINTS: &[&str] = &[
    "comment",
    "sidebar",
    "footer",
    "nav",
    "related",
    "recommend",
    "menu",
    "share",
    "banner",
    "widget",
    "sponsor",
    "copyright",
    "friendlink",
    "links",
    "hot",
    "rank",
    "login",
    "reply",
    "toolbar",
    "tools",
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
    "form",
    "nav",
    "aside",
    "footer",
];

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
    /// `og:site_name` (or a government site's `SiteName`, a WeChat account's `#js_name`).
    pub site_name: Option<String>,
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
    for node in root.descendants() {
        if let Node::Text(t) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"))
            });
            let t = t.trim();
            if !hidden && !t.is_empty() {
                out.push_str(t);
                out.push('\n');
            }
        }
    }
    out
}

pub fn html_lines(source: &str) -> HtmlPage {
    let doc = Html::parse_document(source);
    let root = doc.root_element();
    let title = select_text(&doc, "title");
    let mut page = HtmlPage {
        lines: Vec::new(),
        title: title.clone(),
        date: meta_date(&doc),
        headline: None,
        og_title: meta_content(&doc, &["og:title", "twitter:title"]),
        h1: headings(&doc),
        jsonld_headline: None,
        jsonld_date: None,
        // A WeChat account names itself in `#js_name`.
        site_name: meta_content(&doc, &["og:site_name", "SiteName"]).or_else(|| select_text(&doc, "#js_name")),
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
    let page_stats = measure(root, &HashSet::new(), &mut all);
    let furniture = furniture(root, &all, page_stats.chars);
    // Pass 2: the same with the furniture removed, for scoring.
    let mut stats = HashMap::new();
    measure(root, &furniture, &mut stats);
    let chosen = choose_blocks(root, &stats, &furniture);

    let mut w = Walker {
        lines: Vec::new(),
        current: String::new(),
        link_chars: 0,
        link_han: 0,
        beside_control: false,
        in_link: 0,
        heading: None,
        furniture: &furniture,
        chosen: &chosen,
        inside: 0,
        // With no block chosen, the whole page is the article.
        region: if chosen.is_empty() { Region::Inside } else { Region::Before },
    };
    w.walk(root);
    w.flush();
    let (lines, headline) = assemble(w.lines, title.as_deref());
    page.lines = lines;
    page.headline = headline;
    page
}

/// Counts of the text under an element (hidden and skipped subtrees excluded).
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    /// Non-space characters.
    chars: usize,
    /// Of which inside `<a>`.
    link_chars: usize,
    /// Han characters, and those of them inside `<a>`.
    han: usize,
    link_han: usize,
    /// Sentence punctuation: `，。；！？、` and ASCII `,;`.
    punct: usize,
    /// Characters whose nearest block ancestor is this element (its own paragraph text).
    own_chars: usize,
    own_link_chars: usize,
    own_han: usize,
    own_link_han: usize,
    own_punct: usize,
    /// `<p>` and `<br>` elements below.
    paragraphs: usize,
}

impl Stats {
    /// The share of link text, in Han characters when there are some (dates, counts and
    /// bullets beside a link are not reading text), else in all characters.
    fn link_density(&self) -> f64 {
        if self.han >= 10 {
            self.link_han as f64 / self.han as f64
        } else {
            self.link_chars as f64 / self.chars.max(1) as f64
        }
    }

    /// The element's own text is mostly link text.
    fn own_links(&self) -> bool {
        if self.own_han >= 10 {
            self.own_link_han * 2 > self.own_han
        } else {
            self.own_link_chars * 2 > self.own_chars
        }
    }
}

/// A key for an element of the parsed tree (its address, stable while the tree lives).
fn key(el: ElementRef) -> usize {
    std::ptr::from_ref(el.value()) as usize
}

fn is_hidden(el: ElementRef) -> bool {
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
        veiled && el.text().flat_map(str::chars).filter(|&c| crate::fold::is_han(c)).count() < REVEALED_HAN
    })
}

/// Han characters from which a block hidden by `visibility` or `opacity` is an article that a
/// script reveals, not a widget.
const REVEALED_HAN: usize = 200;

fn is_punct(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '！' | '？' | '、' | ',' | ';')
}

/// An `<a>` that is a link. Broken markup (`<a href=…>name<a>` never closed) makes the parser
/// wrap the rest of the page in one: an `<a>` holding blocks is no link.
fn is_link(el: ElementRef) -> bool {
    el.value().name() == "a"
        && !el.descendants().filter_map(ElementRef::wrap).any(|d| {
            matches!(d.value().name(), "div" | "table" | "p" | "ul" | "ol" | "section" | "article" | "h1" | "h2" | "h3")
        })
}

/// Fills `out` with the stats of every element under `el` and returns `el`'s; the own-text
/// part of the result is what `el` passes up to its block ancestor when it is inline.
fn measure(el: ElementRef, skip: &HashSet<usize>, out: &mut HashMap<usize, Stats>) -> Stats {
    let name = el.value().name();
    if SKIP_TAGS.contains(&name) || is_hidden(el) || skip.contains(&key(el)) {
        return Stats::default();
    }
    let link = is_link(el);
    let mut s = Stats { paragraphs: usize::from(matches!(name, "p" | "br")), ..Stats::default() };
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                for c in t.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}') {
                    s.chars += 1;
                    s.own_chars += 1;
                    if crate::fold::is_han(c) {
                        s.han += 1;
                        s.own_han += 1;
                    }
                    if is_punct(c) {
                        s.punct += 1;
                        s.own_punct += 1;
                    }
                }
            }
            Node::Element(_) => {
                let Some(c) = ElementRef::wrap(child) else { continue };
                let cs = measure(c, skip, out);
                s.chars += cs.chars;
                s.link_chars += cs.link_chars;
                s.han += cs.han;
                s.link_han += cs.link_han;
                s.punct += cs.punct;
                s.paragraphs += cs.paragraphs;
                if !BLOCK_TAGS.contains(&c.value().name()) {
                    s.own_chars += cs.own_chars;
                    s.own_link_chars += cs.own_link_chars;
                    s.own_han += cs.own_han;
                    s.own_link_han += cs.own_link_han;
                    s.own_punct += cs.own_punct;
                }
            }
            _ => {}
        }
    }
    if link {
        s.link_chars = s.chars;
        s.own_link_chars = s.own_chars;
        s.link_han = s.han;
        s.own_link_han = s.own_han;
    }
    out.insert(key(el), s);
    s
}

fn class_words(el: ElementRef) -> Vec<String> {
    let v = el.value();
    v.attr("class")
        .into_iter()
        .chain(v.attr("id"))
        .flat_map(|s| s.split(|c: char| c.is_whitespace() || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn has_skip_word(el: ElementRef) -> bool {
    class_words(el).iter().any(|w| SKIP_WORDS.contains(&w.as_str()))
}

/// Elements to drop as furniture: a furniture tag or class/id word, unless the element is
/// `<html>`/`<body>` or holds at least half of the page's text (then it is the page's shell).
fn furniture(root: ElementRef, all: &HashMap<usize, Stats>, page_chars: usize) -> HashSet<usize> {
    let mut out = HashSet::new();
    for el in root.descendants().filter_map(ElementRef::wrap) {
        let name = el.value().name();
        if matches!(name, "html" | "body") || !(FURNITURE_TAGS.contains(&name) || has_skip_word(el)) {
            continue;
        }
        let chars = all.get(&key(el)).map_or(0, |s| s.chars);
        if chars * 2 < page_chars.max(1) || names_comments(el) {
            out.insert(key(el));
        }
    }
    out
}

/// Comment and reply lists are never the article's container, however long they are.
fn names_comments(el: ElementRef) -> bool {
    class_words(el).iter().any(|w| COMMENT_WORDS.iter().any(|c| w.starts_with(c)))
}

/// +25 for a class/id that names the article, −25 for one that names furniture (readability).
fn class_weight(el: ElementRef) -> f64 {
    let words = class_words(el);
    let mut w = 0.0;
    let has = |hints: &[&str]| words.iter().any(|word| hints.iter().any(|h| word.contains(h)));
    if has(NEGATIVE_HINTS) {
        w -= 25.0;
    }
    if has(POSITIVE_HINTS) || words.iter().any(|word| POSITIVE_WORDS.contains(&word.as_str())) {
        w += 25.0;
    }
    w
}

fn tag_weight(name: &str) -> f64 {
    match name {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// The article block and its article-like siblings, in page order. Empty when the page has
/// no paragraph of text (then every line is kept).
fn choose_blocks(root: ElementRef, stats: &HashMap<usize, Stats>, furniture: &HashSet<usize>) -> Vec<usize> {
    let st = |el: ElementRef| stats.get(&key(el)).copied().unwrap_or_default();
    // Readability: every paragraph of at least 20 characters scores 1 + its punctuation +
    // one per 100 characters (at most 3), given to its container (a `<td>` or `<div>` holding
    // the text itself) and its parent in full, to the grandparent by half, to the next by a sixth.
    let mut score: HashMap<usize, f64> = HashMap::new();
    let mut elems: HashMap<usize, ElementRef> = HashMap::new();
    for el in root.descendants().filter_map(ElementRef::wrap) {
        let name = el.value().name();
        if !BLOCK_TAGS.contains(&name) || name.starts_with('h') && name.len() == 2 {
            continue;
        }
        let s = st(el);
        if s.own_chars < 20 || s.own_links() {
            continue;
        }
        if el.ancestors().filter_map(ElementRef::wrap).any(|a| furniture.contains(&key(a))) {
            continue;
        }
        let points = 1.0 + s.own_punct as f64 + (s.own_chars as f64 / 100.0).min(3.0);
        let mut targets: Vec<(ElementRef, f64)> = Vec::new();
        if name != "p" {
            targets.push((el, 1.0));
        }
        for (level, a) in el.ancestors().filter_map(ElementRef::wrap).take(3).enumerate() {
            targets.push((a, [1.0, 2.0, 6.0][level]));
        }
        for (t, divider) in targets {
            let entry = score.entry(key(t)).or_insert_with(|| tag_weight(t.value().name()) + class_weight(t));
            *entry += points / divider;
            elems.insert(key(t), t);
        }
    }
    let final_score = |k: usize| score[&k] * (1.0 - stats.get(&k).map_or(0.0, Stats::link_density));
    let Some((&top_key, _)) = score
        .iter()
        .filter(|(k, _)| !matches!(elems[*k].value().name(), "html" | "body"))
        .max_by(|a, b| final_score(*a.0).total_cmp(&final_score(*b.0)).then(b.0.cmp(a.0)))
    else {
        return Vec::new();
    };
    let mut top = elems[&top_key];
    let top_score = final_score(top_key);
    // A block alone in its parent (a `<td>` alone in its row and table) stands for the parent,
    // so the parent's siblings (the rest of the article in the next table) are considered.
    while let Some(parent) = top.parent().and_then(ElementRef::wrap) {
        let only_child =
            parent.children().filter_map(ElementRef::wrap).filter(|c| !SKIP_TAGS.contains(&c.value().name())).count()
                == 1;
        if !only_child || matches!(parent.value().name(), "body" | "html") || furniture.contains(&key(parent)) {
            break;
        }
        top = parent;
    }
    let top_key = key(top);
    let Some(parent) = top.parent().and_then(ElementRef::wrap) else {
        return vec![top_key];
    };
    // Readability's sibling rule: a sibling scoring a fifth of the top (at least 10), or one
    // that reads like prose (little link text, sentence punctuation), is part of the article.
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = top.value().attr("class").filter(|c| !c.trim().is_empty());
    let mut out = Vec::new();
    for sib in parent.children().filter_map(ElementRef::wrap) {
        let k = key(sib);
        if k == top_key {
            out.push(k);
            continue;
        }
        if furniture.contains(&k) || !BLOCK_TAGS.contains(&sib.value().name()) {
            continue;
        }
        let bonus = if top_class.is_some() && sib.value().attr("class") == top_class { top_score * 0.2 } else { 0.0 };
        let s = st(sib);
        let scored = score.contains_key(&k) && final_score(k) + bonus >= threshold;
        // Prose: a paragraph (a `<p>`, or a `<div>` or `<table>` with no class or id) of sentences.
        let plain = match sib.value().name() {
            "p" => true,
            "div" | "table" => sib.value().attr("class").is_none() && sib.value().attr("id").is_none(),
            _ => false,
        };
        let prose = plain && s.link_density() < 0.25 && s.chars >= 40 && s.punct >= 3;
        if scored || prose {
            out.push(k);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    /// Before the first chosen block.
    Before,
    /// Inside a chosen block.
    Inside,
    /// After the first chosen block, outside every chosen block.
    Outside,
}

struct RawLine {
    line: Line,
    link_chars: usize,
    link_han: usize,
    region: Region,
}

struct Walker<'a> {
    lines: Vec<RawLine>,
    current: String,
    link_chars: usize,
    link_han: usize,
    /// A form control (input, select, button) was met since the last line break.
    beside_control: bool,
    in_link: usize,
    heading: Option<u8>,
    furniture: &'a HashSet<usize>,
    chosen: &'a [usize],
    inside: usize,
    region: Region,
}

impl Walker<'_> {
    fn walk(&mut self, el: ElementRef) {
        let name = el.value().name();
        if matches!(name, "input" | "select" | "textarea" | "button") && el.value().attr("type") != Some("hidden") {
            self.beside_control = true;
        }
        if SKIP_TAGS.contains(&name) || is_hidden(el) || self.furniture.contains(&key(el)) {
            return;
        }
        let block = BLOCK_TAGS.contains(&name);
        let is_chosen = self.chosen.contains(&key(el));
        if block || is_chosen {
            self.flush();
        }
        if is_chosen {
            self.inside += 1;
            self.region = Region::Inside;
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
        let link = is_link(el);
        if link {
            self.in_link += 1;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    self.current.push_str(t);
                    if self.in_link > 0 {
                        self.link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
                        self.link_han += t.chars().filter(|&c| crate::fold::is_han(c)).count();
                    }
                }
                Node::Element(e) if e.name() == "br" => self.flush(),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.walk(c);
                    }
                }
                _ => {}
            }
        }
        if link {
            self.in_link -= 1;
        }
        if block || is_chosen {
            self.flush();
        }
        if level.is_some() {
            self.heading = None;
        }
        if is_chosen {
            self.inside -= 1;
            if self.inside == 0 {
                self.region = Region::Outside;
            }
        }
    }

    fn flush(&mut self) {
        let text: String = self.current.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').to_string();
        // A short text beside a form control is its label (`相关新闻:` before a search box).
        let label = self.beside_control && text.chars().count() <= 12;
        if !text.is_empty() && !label {
            let line = Line { text, gap: 1, heading: self.heading, cut_before: false };
            let (link_chars, link_han) = (self.link_chars, self.link_han);
            self.lines.push(RawLine { line, link_chars, link_han, region: self.region });
        }
        self.current.clear();
        self.link_chars = 0;
        self.link_han = 0;
        self.beside_control = false;
    }
}

/// Most of the line is link text (a menu entry, a related-article link with its date):
/// counted in Han characters when the line has some, else in all characters.
fn link_dense(l: &RawLine) -> bool {
    let han = l.line.text.chars().filter(|&c| crate::fold::is_han(c)).count();
    if han >= 4 {
        return l.link_han * 2 > han;
    }
    let chars = l.line.text.chars().filter(|c| !c.is_whitespace()).count();
    l.link_chars * 2 > chars
}

/// The article's lines: the headline above the block (if there is one), the short stretch
/// between it and the block (the date and source line), then the block's lines without the
/// link-dense ones and without repeated paragraphs.
fn assemble(raw: Vec<RawLine>, title: Option<&str>) -> (Vec<Line>, Option<String>) {
    let first_inside = raw.iter().position(|l| l.region == Region::Inside).unwrap_or(raw.len());
    let before = &raw[..first_inside];
    // The headline: the nearest line above the block that is a heading or that `<title>` repeats.
    let headline_at = before.iter().rposition(|l| {
        let n = l.line.chars();
        (2..=80).contains(&n)
            && (title.is_some_and(|t| repeats_title(t, &l.line.text))
                || (l.line.heading.is_some() && !link_dense(l) && n >= 4))
    });
    let headline_at = headline_at.filter(|&i| {
        // A heading far above the block (a site banner) is not the article's.
        let between: usize = before[i + 1..].iter().filter(|l| !link_dense(l)).map(|l| l.line.chars()).sum();
        between <= 400 || title.is_some_and(|t| repeats_title(t, &before[i].line.text))
    });
    let mut out: Vec<Line> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut headline = None;
    if let Some(i) = headline_at {
        // A heading set in two parts (`<h1>引题<div>主题</div></h1>`) comes out as two heading
        // lines: the kicker above goes along.
        let kicker = i.checked_sub(1).filter(|&k| {
            let (above, at) = (&before[k], &before[i]);
            above.line.heading.is_some()
                && above.line.heading == at.line.heading
                && !link_dense(above)
                && (4..=40).contains(&above.line.chars())
        });
        let mut parts = Vec::new();
        for k in kicker.into_iter().chain([i]) {
            let mut l = before[k].line.clone();
            l.heading = Some(1);
            parts.push(l.text.clone());
            out.push(l);
        }
        // The field the scorer weighs is the main line: the page's own <title> and <h1> fields
        // vouch for a joined headline when there is one.
        headline = parts.pop();
        let between: Vec<&RawLine> = before[i + 1..].iter().filter(|l| !link_dense(l)).collect();
        if between.iter().map(|l| l.line.chars()).sum::<usize>() <= 200 {
            out.extend(between.into_iter().map(|l| l.line.clone()));
        }
    } else {
        // No heading above the block: its nearest short lines still go along, for the
        // importer's headline scorer to weigh (a title set in <b> or <font>, a date line).
        let near: Vec<&RawLine> = before
            .iter()
            .rev()
            .filter(|l| !link_dense(l))
            .take_while(|l| (2..=60).contains(&l.line.chars()) && !super::clean::is_trailer_marker(&l.line.text))
            .take(4)
            .collect();
        out.extend(near.into_iter().rev().map(|l| l.line.clone()));
    }
    for l in &raw[first_inside..] {
        if l.region != Region::Inside {
            continue;
        }
        if link_dense(l) && l.line.heading.is_none() {
            continue;
        }
        if l.line.chars() >= 20 && !seen.insert(l.line.text.clone()) {
            continue;
        }
        out.push(l.line.clone());
    }
    (out, headline)
}

/// `<title>` repeats the line: it holds the line (a headline plus a site suffix), or the
/// line holds it.
fn repeats_title(title: &str, line: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let (t, l) = (squash(title), squash(line));
    let (tn, ln) = (t.chars().count(), l.chars().count());
    ln >= 4 && (t.contains(&l) && ln * 2 >= tn.min(40) || l.contains(&t) && tn * 2 >= ln)
}

/// The first `<h1>`/`<h2>` headings of the page, up to five.
fn headings(doc: &Html) -> Vec<Heading> {
    let sel = Selector::parse("h1, h2").expect("valid selector");
    doc.select(&sel)
        .filter(|h| !is_hidden(*h))
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
        let p = html_lines(page);
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
            let p = html_lines(&format!("<html><head><title>t</title></head>{shell}</html>"));
            assert_eq!(p.lines.len(), 4, "{shell}");
            assert!(p.lines[0].text.starts_with("第1段"));
        }
        // A search box's label goes even when the box is not in a form of its own.
        let p = html_lines(&format!(
            "<body><table><tr><td>相关新闻:<input name=query><input type=submit value=搜索></td></tr></table><div>{}</div></body>",
            paragraphs(3)
        ));
        assert_eq!(p.lines.len(), 3, "{:?}", texts(&p));
        // A small form (a search box) still goes.
        let p =
            html_lines(&format!("<body><form><p>搜索：请输入关键词。</p></form><div>{}</div></body>", paragraphs(3)));
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
        let p = html_lines(&page);
        assert_eq!(p.lines.len(), 3, "{:?}", texts(&p));
        assert!(texts(&p).iter().all(|t| t.starts_with('第')));
    }

    #[test]
    fn link_dense_lines_inside_the_block_go() {
        let page = format!(
            "<body><div class='content'>{}<p>·<a href='/1'>另一条新闻的标题在这里</a>（2005-04-03 17:19）</p></div></body>",
            paragraphs(3)
        );
        let p = html_lines(&page);
        assert_eq!(p.lines.len(), 3, "{:?}", texts(&p));
    }

    #[test]
    fn comment_lists_go_even_when_longer_than_the_post() {
        let comments: String = (1..=12)
            .map(|i| format!("<h4>re: 标题 2004-12-27 12:{i:02}</h4><p>读者第{i}条评论：写得很好，受益匪浅，期待更多文章，谢谢作者的分享。</p>"))
            .collect();
        let page = format!("<body><div class='post'>{}</div><div id='comments'>{comments}</div></body>", paragraphs(2));
        let p = html_lines(&page);
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
        let p = html_lines(&page);
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
        let p = html_lines(&page);
        assert_eq!(texts(&p)[..2], ["安吉推行全科网格", "2022-05-16 10:00 来源：浙江日报"]);
        assert_eq!(p.lines[0].heading, Some(1));
        assert_eq!(p.lines.len(), 5);
        assert_eq!(p.headline.as_deref(), Some("安吉推行全科网格"));
        let h1: Vec<&str> = p.h1.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(h1, ["浙江新闻网", "安吉推行全科网格"]);
    }

    #[test]
    fn a_heading_in_two_parts_keeps_its_kicker() {
        let page = format!(
            "<html><body><h1>内蒙古延续税收优惠政策助企纾困<div>预计4年为纳税人减负180亿元</div></h1>
             <div class='info'>发布日期：2022-02-11</div><div class='article-body'>{}</div></body></html>",
            paragraphs(3)
        );
        let p = html_lines(&page);
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
        let p = html_lines(&page);
        assert!(p.lines.len() >= 3, "{:?}", texts(&p));
    }

    #[test]
    fn a_saved_page_knows_its_address() {
        let saved = "<!-- saved from url=(0061)http://www.hnxinyang.gov.cn/2023-05/12/content_1234.html -->\n<html><body><p>正文</p></body></html>";
        assert_eq!(html_lines(saved).url.as_deref(), Some("http://www.hnxinyang.gov.cn/2023-05/12/content_1234.html"));
        let canonical = "<html><head><link rel='canonical' href='https://www.gov.cn/zhengce/202303/t20230321_1.htm'></head><body></body></html>";
        assert_eq!(html_lines(canonical).url.as_deref(), Some("https://www.gov.cn/zhengce/202303/t20230321_1.htm"));
        // Far into a page of multi-byte text, and a relative or script address, are none.
        assert_eq!(html_lines(&format!("<html><body><p>{}</p></body></html>", "商".repeat(2000))).url, None);
        assert_eq!(html_lines("<html><head><link rel='canonical' href='/a/b.html'><meta property='og:url' content='javascript:x'></head></html>").url, None);
    }

    #[test]
    fn hidden_copies_are_not_read() {
        let page = format!(
            "<body><div class='content'>{}</div><div style='display: none'>{}</div></body>",
            paragraphs(3),
            paragraphs(3)
        );
        assert_eq!(html_lines(&page).lines.len(), 3);
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
        let p = html_lines(page);
        assert_eq!(p.og_title.as_deref(), Some("安吉推行全科网格"));
        assert_eq!(p.site_name.as_deref(), Some("浙江新闻"));
        assert_eq!(p.description.as_deref(), Some("安吉县的全科网格。"));
        assert_eq!(p.date.as_deref(), Some("2022-05-16 10:00"));
        assert_eq!(p.jsonld_headline.as_deref(), Some("安吉推行 全科网格"));
        assert_eq!(p.jsonld_date.as_deref(), Some("2022-05-16T10:00:00+08:00"));
        let p =
            html_lines(r#"<head><meta property="article:published_time" content="2021-01-29"></head><p>正文。</p>"#);
        assert_eq!(p.date.as_deref(), Some("2021-01-29"));
    }
}
