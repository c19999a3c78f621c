//! Which block of a saved page is the article: the text under every element counted (Han
//! characters, link text, Chinese punctuation), furniture found by tag or class/id word, and
//! readability's paragraph scores given to containers, with the article-like siblings of the
//! best one.

use std::collections::{HashMap, HashSet};

use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use super::{is_link, key, key_of};

/// Elements whose whole subtree is never article text.
pub(super) const SKIP_TAGS: &[&str] = &[
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

pub(super) const BLOCK_TAGS: &[&str] = &[
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

/// Counts of the text under an element (hidden and skipped subtrees excluded).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stats {
    /// Non-space characters.
    pub(super) chars: usize,
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

fn is_punct(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '！' | '？' | '、' | ',' | ';')
}

/// Fills `out` with the stats of every element under `root` and returns `root`'s; the
/// own-text part of an element's stats is what it passes up to its block ancestor when it is
/// inline. Elements in `skip` (and the tags of [`SKIP_TAGS`]) count for nothing, with all
/// below them. One walk of the tree with a stack of the open elements' counts, not a call
/// per level: a page may nest as deep as the parser allows.
pub(super) fn measure(root: ElementRef, skip: &HashSet<usize>, out: &mut HashMap<usize, Stats>) -> Stats {
    let mut open: Vec<Stats> = Vec::new();
    let mut skipping = None;
    let mut result = Stats::default();
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Text(t) => {
                    let Some(s) = open.last_mut() else { continue };
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
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP_TAGS.contains(&name) || skip.contains(&key_of(e)) {
                        skipping = Some(node.id());
                        continue;
                    }
                    open.push(Stats { paragraphs: usize::from(matches!(name, "p" | "br")), ..Stats::default() });
                }
                _ => {}
            },
            Edge::Open(_) => {}
            Edge::Close(node) => {
                if skipping.is_some() {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    }
                    continue;
                }
                let Some(el) = ElementRef::wrap(node) else { continue };
                let Some(mut s) = open.pop() else { continue };
                if is_link(el) {
                    s.link_chars = s.chars;
                    s.own_link_chars = s.own_chars;
                    s.link_han = s.han;
                    s.own_link_han = s.own_han;
                }
                out.insert(key(el), s);
                let Some(p) = open.last_mut() else {
                    result = s;
                    continue;
                };
                p.chars += s.chars;
                p.link_chars += s.link_chars;
                p.han += s.han;
                p.link_han += s.link_han;
                p.punct += s.punct;
                p.paragraphs += s.paragraphs;
                if !BLOCK_TAGS.contains(&el.value().name()) {
                    p.own_chars += s.own_chars;
                    p.own_link_chars += s.own_link_chars;
                    p.own_han += s.own_han;
                    p.own_link_han += s.own_link_han;
                    p.own_punct += s.own_punct;
                }
            }
        }
    }
    result
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
pub(super) fn furniture(root: ElementRef, all: &HashMap<usize, Stats>, page_chars: usize) -> HashSet<usize> {
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
pub(super) fn choose_blocks(root: ElementRef, stats: &HashMap<usize, Stats>, furniture: &HashSet<usize>) -> Vec<usize> {
    let scores = Scores::of(root, stats);
    let Some((&top_key, _)) = scores
        .points
        .iter()
        .filter(|(k, _)| !matches!(scores.elems[*k].value().name(), "html" | "body"))
        .max_by(|a, b| scores.of_key(*a.0).total_cmp(&scores.of_key(*b.0)).then(b.0.cmp(a.0)))
    else {
        return Vec::new();
    };
    let mut top = scores.elems[&top_key];
    let top_score = scores.of_key(top_key);
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
    scores.with_siblings(top, top_score, furniture)
}

/// Readability's content scores of the page's containers.
struct Scores<'a> {
    points: HashMap<usize, f64>,
    elems: HashMap<usize, ElementRef<'a>>,
    stats: &'a HashMap<usize, Stats>,
}

impl<'a> Scores<'a> {
    /// Every paragraph of at least 20 characters scores 1 + its punctuation + one per 100
    /// characters (at most 3), given to its container (a `<td>` or `<div>` holding the text
    /// itself) and its parent in full, to the grandparent by half, to the next by a sixth.
    fn of(root: ElementRef<'a>, stats: &'a HashMap<usize, Stats>) -> Scores<'a> {
        let mut scores = Scores { points: HashMap::new(), elems: HashMap::new(), stats };
        for el in root.descendants().filter_map(ElementRef::wrap) {
            let name = el.value().name();
            if !BLOCK_TAGS.contains(&name) || name.starts_with('h') && name.len() == 2 {
                continue;
            }
            let s = scores.stats_of(el);
            if s.own_chars < 20 || s.own_links() {
                continue;
            }
            // An element under furniture or hidden has no stats (`measure` skipped it): none
            // of it scores.
            let points = 1.0 + s.own_punct as f64 + (s.own_chars as f64 / 100.0).min(3.0);
            let own = (name != "p").then_some((el, 1.0));
            let up = el.ancestors().filter_map(ElementRef::wrap).take(3).zip([1.0, 2.0, 6.0]);
            for (t, divider) in own.into_iter().chain(up) {
                let entry =
                    scores.points.entry(key(t)).or_insert_with(|| tag_weight(t.value().name()) + class_weight(t));
                *entry += points / divider;
                scores.elems.insert(key(t), t);
            }
        }
        scores
    }

    fn stats_of(&self, el: ElementRef) -> Stats {
        self.stats.get(&key(el)).copied().unwrap_or_default()
    }

    /// The score, less the share of link text.
    fn of_key(&self, k: usize) -> f64 {
        self.points[&k] * (1.0 - self.stats.get(&k).map_or(0.0, Stats::link_density))
    }

    /// Readability's sibling rule: a sibling scoring a fifth of the top (at least 10), or one
    /// that reads like prose (little link text, sentence punctuation), is part of the article.
    fn with_siblings(&self, top: ElementRef, top_score: f64, furniture: &HashSet<usize>) -> Vec<usize> {
        let top_key = key(top);
        let Some(parent) = top.parent().and_then(ElementRef::wrap) else {
            return vec![top_key];
        };
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
            let bonus =
                if top_class.is_some() && sib.value().attr("class") == top_class { top_score * 0.2 } else { 0.0 };
            let s = self.stats_of(sib);
            let scored = self.points.contains_key(&k) && self.of_key(k) + bonus >= threshold;
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
}
