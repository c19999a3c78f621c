//! A saved page's text → its element tree, bounded: html5ever (through scraper's tree sink)
//! builds the tree, fed a slice at a time, and the parse stops with [`TooDeep`] once an
//! element lies more than [`MAX_DEPTH`] levels down. An article page nests a few dozen levels;
//! a hostile one nests tens of thousands, and html5ever's scope checks scan the stack of open
//! elements at each block start, so a page nested N deep costs N² (200,000 `<div>`s: over two
//! minutes). The cap keeps every later pass over the tree linear in the page's size.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use rustc_hash::FxHashMap;
use scraper::{Html, HtmlTreeSink};

/// Deeper than this no article page nests: Chromium's parser stops nesting at 512 and puts
/// deeper elements beside the 512th; the saved pages of `tests/fixtures/real/` nest 10 deep
/// at most.
pub(super) const MAX_DEPTH: u32 = 1_000;

/// Text fed to the parser at a time: the depth is checked between slices.
const SLICE: usize = 16 << 10;

/// The page nests deeper than [`MAX_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TooDeep;

/// The page's tree, or [`TooDeep`].
pub(super) fn parse(source: &str) -> Result<Html, TooDeep> {
    let sink =
        Bounded { inner: HtmlTreeSink::new(Html::new_document()), depth: RefCell::default(), deep: Cell::new(false) };
    let mut parser = html5ever::parse_document(sink, html5ever::ParseOpts::default());
    let mut rest = source;
    while !rest.is_empty() {
        let mut at = rest.len().min(SLICE);
        while !rest.is_char_boundary(at) {
            at += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..at]));
        rest = &rest[at..];
        if parser.tokenizer.sink.sink.deep.get() {
            return Err(TooDeep);
        }
    }
    let html = parser.finish();
    Ok(html)
}

/// scraper's tree sink, counting how deep each node lies.
struct Bounded {
    inner: HtmlTreeSink,
    depth: RefCell<FxHashMap<<HtmlTreeSink as TreeSink>::Handle, u32>>,
    deep: Cell<bool>,
}

type Handle = <HtmlTreeSink as TreeSink>::Handle;

impl Bounded {
    fn depth_of(&self, node: &Handle) -> u32 {
        self.depth.borrow().get(node).copied().unwrap_or(0)
    }

    fn place(&self, child: &NodeOrText<Handle>, depth: u32) {
        if let NodeOrText::AppendNode(id) = child {
            self.depth.borrow_mut().insert(*id, depth);
            if depth > MAX_DEPTH {
                self.deep.set(true);
            }
        }
    }
}

impl TreeSink for Bounded {
    type Handle = Handle;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }
    fn get_document(&self) -> Handle {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a Handle) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        self.inner.create_element(name, attrs, flags)
    }
    fn create_comment(&self, text: StrTendril) -> Handle {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.place(&child, self.depth_of(parent) + 1);
        self.inner.append(parent, child);
    }
    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        self.place(&child, self.depth_of(element).max(self.depth_of(prev_element) + 1));
        self.inner.append_based_on_parent_node(element, prev_element, child);
    }
    fn append_doctype_to_document(&self, name: StrTendril, public_id: StrTendril, system_id: StrTendril) {
        self.inner.append_doctype_to_document(name, public_id, system_id);
    }
    fn mark_script_already_started(&self, node: &Handle) {
        self.inner.mark_script_already_started(node);
    }
    fn pop(&self, node: &Handle) {
        self.inner.pop(node);
    }
    fn get_template_contents(&self, target: &Handle) -> Handle {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }
    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        self.place(&new_node, self.depth_of(sibling));
        self.inner.append_before_sibling(sibling, new_node);
    }
    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }
    fn remove_from_parent(&self, target: &Handle) {
        self.inner.remove_from_parent(target);
    }
    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.inner.reparent_children(node, new_parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_parses_as_scraper_parses_it_and_a_deep_one_stops_at_the_cap() {
        let page = format!("<html><body><div><p>第一段{}</p><p>第二段</p></div></body></html>", "网格".repeat(20_000));
        assert_eq!(parse(&page).unwrap().root_element().html(), Html::parse_document(&page).root_element().html());
        let at_cap = MAX_DEPTH as usize - 3;
        let ok = format!("<html><body>{}x{}</body></html>", "<span>".repeat(at_cap), "</span>".repeat(at_cap));
        assert!(parse(&ok).is_ok());
        let deep = format!("<html><body>{}x</body></html>", "<div>".repeat(200_000));
        let start = std::time::Instant::now();
        assert_eq!(parse(&deep).unwrap_err(), TooDeep);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
}
