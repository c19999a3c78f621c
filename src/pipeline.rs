//! The build pipeline, one for `kbgen build`, `kbgen check` and `kbgen serve` (see `build`, its
//! three callers). Loading (`site::load`: config, vocabulary, gazetteer, pages, then the
//! taxonomies and related lists) gives the site model; [`render()`] runs the stages after it:
//!
//! 1. **pages** (`render`): every page whose fingerprint changed since the last run;
//! 2. **extras**: feeds and sitemap (`feed`), the dataset (`dataset`), the comparison page's
//!    data (`compare`), the theme's static files (`theme`);
//! 3. **search index** (`search`): patched for practices edited in place, else written whole;
//! 4. **links** (`output::Links`): every internal link of the pages drawn must resolve.
//!
//! Files go to an [`Output`]: a staged folder swapped in afterwards (build, check), or memory
//! (serve). What a run remembers for the next ([`Incremental`]) is serve's: a fresh one draws
//! every page and writes the whole index, which is a full build.

mod extras;

use crate::diag::Diagnostic;
use crate::output::{BrokenLink, Output, Sink};
use crate::render::{self, Fingerprints, KeptCards};
use crate::routes;
use crate::site::{Practice, Site};
use crate::timing::phase;

/// What a render remembers for the next one over the same output.
#[derive(Default)]
pub(crate) struct Incremental {
    /// Every page's fingerprint, by path.
    fingerprints: Fingerprints,
    /// Draw every page next time (the fingerprints do not cover what changed).
    redraw_all: bool,
    /// The cards of the last render, with their [`render::card_key`] (the practice's text and
    /// its slug).
    cards: Option<KeptCards>,
    search: SearchMemory,
    /// What the extras of the last render leave for the next.
    extras: extras::Memory,
    /// The parsed templates, with the hash of their sources.
    tera: Option<(u64, tera::Tera)>,
}

/// The search index in the output, and what patching it needs.
#[derive(Default)]
struct SearchMemory {
    index: Index,
    /// The postings of the index in the output (kept on disk), when the output outlives a
    /// render (serve).
    postings: Option<crate::search::Postings>,
}

/// The search index in the output.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Index {
    /// None yet.
    #[default]
    Missing,
    /// It matches the site of the last render.
    Current,
    /// The site changed and the index was not brought along (a render failed half-way).
    Stale,
}

impl Incremental {
    /// For an output that outlives a render (serve): the extras' parts of each practice are
    /// kept too.
    pub(crate) fn keeping_parts() -> Incremental {
        Incremental { extras: extras::Memory::keeping_parts(), ..Incremental::default() }
    }

    /// `changes` were applied to the site, but no render followed: the search index is behind
    /// the site when they touched it.
    pub(crate) fn not_rendered(&mut self, changes: &Changes) {
        if !changes.replaced.is_empty() || changes.reordered {
            self.search.index = Index::Stale;
        }
    }

    /// The site was loaded again (settings, vocabulary or gazetteer changed): nothing of the
    /// last render can be reused, but its files are still in the output.
    pub(crate) fn reloaded(&mut self) {
        self.redraw_all = true;
        self.cards = None;
        self.extras.forget();
    }
}

/// How the site changed since the last render (serve applies edited page files).
#[derive(Default)]
pub(crate) struct Changes {
    /// Practices replaced in place (their ids unchanged), with their previous version.
    pub replaced: Vec<(usize, Practice)>,
    /// Practice ids (site order) changed, or the site was loaded again.
    pub reordered: bool,
}

/// What a render did.
pub(crate) struct Rendered {
    /// Pages drawn (the others kept their bytes).
    pub drawn: usize,
    /// Whether the search index was patched for replaced practices.
    pub index_patched: bool,
}

/// Renders `site` into `out`: the pages whose fingerprint changed since `memory`'s last render,
/// the extras, the search index; then checks the links of the pages drawn (of every page when
/// the set of pages changed). On an error in the pages, the output is left as it was.
pub(crate) fn render(
    site: &Site,
    memory: &mut Incremental,
    changes: &Changes,
    out: &mut dyn Output,
) -> Result<Rendered, Vec<Diagnostic>> {
    let prev = (!memory.redraw_all).then_some(&memory.fingerprints);
    let pages = match render::render_pages(site, prev, memory.cards.take(), &mut memory.tera, out.sink()) {
        Ok(p) => p,
        Err(d) => {
            out.discard();
            memory.not_rendered(changes);
            return Err(d);
        }
    };
    out.pages_drawn();
    let page_set_changed = memory.redraw_all
        || memory.fingerprints.len() != pages.fingerprints.len()
        || pages.fingerprints.keys().any(|p| !memory.fingerprints.contains_key(p));
    for old in memory.fingerprints.keys().filter(|p| !pages.fingerprints.contains_key(*p)) {
        out.remove(old);
    }
    // The extras, beside the index patch when there is one (serve's edits: both are small);
    // a whole index is written after the extras, so what they held is free when it needs room.
    let (extras, patch) = std::thread::scope(|scope| {
        let (sink, kept, search, pages) = (out.sink(), &mut memory.extras, &mut memory.search, &pages);
        let extras = scope.spawn(move || phase("extras", || extras::make(site, pages, kept, sink)));
        let patch = phase("index patch", || patch_index(site, search, changes, sink));
        (extras.join().expect("the extras do not panic"), patch)
    });
    let extras = extras.map(|gone| gone.iter().for_each(|p| out.remove(p)));
    let patched = match patch {
        Ok(true) => Ok(true),
        Ok(false) => phase("search", || write_index(site, &mut memory.search, out)).map(|()| false),
        Err(e) => Err(e),
    };
    let patched = patched?;
    memory.cards = Some((site.practices.iter().map(render::card_key).collect(), pages.cards));
    memory.fingerprints = pages.fingerprints;
    memory.redraw_all = false;
    let broken = phase("links", || out.broken_links(&pages.drawn, page_set_changed));
    extras.map_err(|d| vec![d])?;
    if !broken.is_empty() {
        // Pages with broken links are drawn again next time, so the error shows again.
        for b in &broken {
            memory.fingerprints.remove(&b.page);
        }
        return Err(link_errors(site, broken));
    }
    Ok(Rendered { drawn: pages.drawn.len(), index_patched: patched && !changes.replaced.is_empty() })
}

/// Patches the search index in the output for the practices replaced in place; true when
/// patched (or when nothing it reads changed), false when it must be written whole.
fn patch_index(
    site: &Site,
    memory: &mut SearchMemory,
    changes: &Changes,
    sink: &dyn Sink,
) -> Result<bool, Vec<Diagnostic>> {
    if memory.index != Index::Current || changes.reordered {
        return Ok(false);
    }
    if changes.replaced.is_empty() {
        return Ok(true);
    }
    let Some(kept) = memory.postings.as_mut() else { return Ok(false) };
    crate::search::update_index(site, kept, &changes.replaced, sink).map_err(|e| {
        // Part of the patch may be written: only a full rewrite is sure.
        memory.index = Index::Stale;
        cannot_write_index(site, e)
    })
}

/// Writes the search index whole, after removing an earlier render's from an output that
/// keeps files.
fn write_index(site: &Site, memory: &mut SearchMemory, out: &mut dyn Output) -> Result<(), Vec<Diagnostic>> {
    out.retain(&|p| !routes::is_search_file(p));
    let keep = out.keeping().map(|dir| dir.join("postings"));
    memory.postings = crate::search::index(site, out.sink(), keep.as_deref()).map_err(|e| {
        memory.index = Index::Stale;
        cannot_write_index(site, e)
    })?;
    memory.index = Index::Current;
    Ok(())
}

fn cannot_write_index(site: &Site, e: std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::new(&output_dir(site), format!("cannot write the search index: {e}"))]
}

fn output_dir(site: &Site) -> std::path::PathBuf {
    site.root.join(&site.config.paths.output)
}

/// A broken link is blamed on the page file that writes it (file and line), else on the
/// templates that drew it.
fn link_errors(site: &Site, broken: Vec<BrokenLink>) -> Vec<Diagnostic> {
    let templates = &site.config.paths.templates;
    broken
        .into_iter()
        .map(|b| {
            let slug = routes::practice_slug(&b.page);
            let written = slug.and_then(|s| site.practices.iter().find(|p| p.slug == s)).filter(|p| {
                let body = p.body(&site.root).unwrap_or_default();
                body.contains(&format!("]({}", b.href)) || body.contains(&format!("<{}>", b.href))
            });
            match written {
                Some(p) => {
                    let text = std::fs::read_to_string(site.root.join(&p.source)).unwrap_or_default();
                    Diagnostic::new(&p.source, format!("broken link `{}`: no page of the site is there", b.href))
                        .at_text(&text, 1, &b.href)
                }
                None => {
                    Diagnostic::new(templates, format!("broken link `{}` in the rendered page `{}`", b.href, b.page))
                }
            }
        })
        .collect()
}
