//! The saved page's lines, walked in document order: block elements and `<br>` end a line,
//! link text is counted per line, and each line knows whether it is before, inside or after
//! the chosen article blocks; then the article's lines are assembled from the headline above
//! the block, the date line under it and the block's own lines.

use std::collections::HashSet;

use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use super::blocks::{BLOCK_TAGS, SKIP_TAGS};
use super::{is_link, key};
use crate::import::lines::Line;

/// The article's lines under `root` (furniture and hidden elements in `skip` left out) and the headline found above the
/// chosen blocks; with no block chosen, the whole page is the article.
pub(super) fn article_lines(
    root: ElementRef,
    skip: &HashSet<usize>,
    chosen: &[usize],
    title: Option<&str>,
) -> (Vec<Line>, Option<String>) {
    let mut w = Walker {
        lines: Vec::new(),
        current: String::new(),
        link_chars: 0,
        link_han: 0,
        beside_control: false,
        in_link: 0,
        heading: None,
        skip,
        chosen,
        inside: 0,
        region: if chosen.is_empty() { Region::Inside } else { Region::Before },
    };
    w.walk(root);
    w.flush();
    assemble(w.lines, title)
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
    /// Furniture and hidden elements: nothing under them is read.
    skip: &'a HashSet<usize>,
    chosen: &'a [usize],
    inside: usize,
    region: Region,
}

/// What an open element does when it closes.
struct Open {
    /// It ends a line (a block, or a chosen block).
    breaks: bool,
    heading: bool,
    link: bool,
    chosen: bool,
}

impl Walker<'_> {
    /// The text and elements under `root`, in document order: block elements end a line,
    /// `<br>` too. One walk of the tree with a stack of the open elements, not a call per
    /// level: a page may nest as deep as the parser allows.
    fn walk(&mut self, root: ElementRef) {
        let mut open: Vec<Open> = Vec::new();
        let mut skipping = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(_) if skipping.is_some() => {}
                Edge::Open(node) => match node.value() {
                    Node::Text(t) if !open.is_empty() => {
                        self.current.push_str(t);
                        if self.in_link > 0 {
                            self.link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
                            self.link_han += t.chars().filter(|&c| crate::fold::is_han(c)).count();
                        }
                    }
                    Node::Element(e) if e.name() == "br" && !open.is_empty() => {
                        self.flush();
                        skipping = Some(node.id());
                    }
                    Node::Element(_) => {
                        let Some(el) = ElementRef::wrap(node) else { continue };
                        match self.open(el) {
                            Some(o) => open.push(o),
                            None => skipping = Some(node.id()),
                        }
                    }
                    _ => {}
                },
                Edge::Close(node) => {
                    if skipping.is_some() {
                        if skipping == Some(node.id()) {
                            skipping = None;
                        }
                        continue;
                    }
                    if node.value().is_element() {
                        if let Some(o) = open.pop() {
                            self.close(o);
                        }
                    }
                }
            }
        }
    }

    /// Enters `el`; `None` when nothing under it is read.
    fn open(&mut self, el: ElementRef) -> Option<Open> {
        let name = el.value().name();
        if matches!(name, "input" | "select" | "textarea" | "button") && el.value().attr("type") != Some("hidden") {
            self.beside_control = true;
        }
        if SKIP_TAGS.contains(&name) || self.skip.contains(&key(el)) {
            return None;
        }
        let block = BLOCK_TAGS.contains(&name);
        let chosen = self.chosen.contains(&key(el));
        if block || chosen {
            self.flush();
        }
        if chosen {
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
        Some(Open { breaks: block || chosen, heading: level.is_some(), link, chosen })
    }

    fn close(&mut self, o: Open) {
        if o.link {
            self.in_link -= 1;
        }
        if o.breaks {
            self.flush();
        }
        if o.heading {
            self.heading = None;
        }
        if o.chosen {
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
    let (mut out, headline) = above_block(&raw[..first_inside], title);
    let mut seen: HashSet<String> = HashSet::new();
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

/// The lines kept from above the block, and the headline among them: the nearest line above
/// the block that is a heading or that `<title>` repeats, with the lines between.
fn above_block(before: &[RawLine], title: Option<&str>) -> (Vec<Line>, Option<String>) {
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
    let Some(i) = headline_at else {
        // No heading above the block: its nearest short lines still go along, for the
        // importer's headline scorer to weigh (a title set in <b> or <font>, a date line).
        let near: Vec<&RawLine> = before
            .iter()
            .rev()
            .filter(|l| !link_dense(l) || is_meta(l))
            .take_while(|l| {
                (2..=60).contains(&l.line.chars()) && !crate::import::clean::is_trailer_marker(&l.line.text)
            })
            .take(4)
            .collect();
        return (near.into_iter().rev().map(|l| l.line.clone()).collect(), None);
    };
    // A heading set in two parts (`<h1>引题<div>主题</div></h1>`) comes out as two heading
    // lines: the kicker above goes along.
    let kicker = i.checked_sub(1).filter(|&k| {
        let (above, at) = (&before[k], &before[i]);
        above.line.heading.is_some()
            && above.line.heading == at.line.heading
            && !link_dense(above)
            && (4..=40).contains(&above.line.chars())
    });
    let mut out: Vec<Line> = Vec::new();
    let mut parts = Vec::new();
    for k in kicker.into_iter().chain([i]) {
        let mut l = before[k].line.clone();
        l.heading = Some(1);
        parts.push(l.text.clone());
        out.push(l);
    }
    let between: Vec<&RawLine> = before[i + 1..].iter().filter(|l| !link_dense(l) || is_meta(l)).collect();
    if between.iter().map(|l| l.line.chars()).sum::<usize>() <= 200 {
        out.extend(between.into_iter().map(|l| l.line.clone()));
    }
    // The field the scorer weighs is the main line: the page's own <title> and <h1> fields
    // vouch for a joined headline when there is one.
    (out, parts.pop())
}

/// A date or source line, kept above the block even when its outlet is a link (`来源：<a>中国
/// 新闻网</a>`).
fn is_meta(l: &RawLine) -> bool {
    l.line.chars() <= 80 && crate::import::meta::is_meta_line(&l.line.text)
}

/// `<title>` repeats the line: it holds the line (a headline plus a site suffix), or the
/// line holds it.
fn repeats_title(title: &str, line: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let (t, l) = (squash(title), squash(line));
    let (tn, ln) = (t.chars().count(), l.chars().count());
    ln >= 4 && (t.contains(&l) && ln * 2 >= tn.min(40) || l.contains(&t) && tn * 2 >= ln)
}
