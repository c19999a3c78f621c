//! `kbgen build` and `kbgen check`: load → model → render → (check links) → write.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diag::Diagnostic;
use crate::output::{self, BrokenLink, Collect, CommitError, Staging};
use crate::render::{self, Files, Keys};
use crate::site::{self, Site};

pub struct Built {
    pub site: Site,
    pub files: Files,
}

/// Loads, validates and renders the project at `root` into memory, and checks its links.
pub fn render_project(root: &Path) -> Result<Built, Vec<Diagnostic>> {
    let site = site::load(root)?;
    let files = render::render(&site)?;
    let broken = crate::timing::phase("links", || output::check_links(&files));
    if !broken.is_empty() {
        return Err(link_errors(&site, broken));
    }
    Ok(Built { site, files })
}

/// A broken link is blamed on the page file that writes it (file and line), else on the
/// templates that drew it.
fn link_errors(site: &Site, broken: Vec<BrokenLink>) -> Vec<Diagnostic> {
    let templates = &site.config.paths.templates;
    broken
        .into_iter()
        .map(|b| {
            let slug = crate::routes::practice_slug(&b.page);
            let written = slug
                .and_then(|s| site.practices.iter().find(|p| p.slug == s))
                .filter(|p| p.body.contains(&format!("]({}", b.href)) || p.body.contains(&format!("<{}>", b.href)));
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

/// A site kept in memory and brought up to date file by file: what `kbgen serve` shows.
///
/// An update re-reads only the changed page files (a change to kbgen.toml or data/ reloads
/// everything), redraws only the pages whose fingerprint changed (see `render::Keys`), patches
/// the search index for pages edited in place, and checks the links of the redrawn pages. The
/// files are always the ones a full build of the same sources writes (tests/serve.rs proves it).
pub struct Preview {
    root: PathBuf,
    pub site: Site,
    pub files: Files,
    keys: Keys,
    /// Paths written by `render::finish` (feeds, static files), replaced on every update.
    extras: BTreeSet<String>,
    /// The search index may not match `site` (an update failed half-way): rewrite it next time.
    index_stale: bool,
    /// The cards of the last render, and the content hashes of their practices.
    cards: Vec<render::Card>,
    card_sources: Vec<u64>,
}

/// What an update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    /// Pages drawn (the others kept their bytes).
    pub drawn: usize,
    /// Whether the search index was patched (true) or rewritten (false).
    pub index_patched: bool,
}

impl Preview {
    /// Loads and renders the whole project.
    pub fn new(root: &Path) -> Result<Preview, Vec<Diagnostic>> {
        let site = site::load(root)?;
        let sink = Collect::default();
        let mut pages = render::render_pages(&site, None, None, &sink)?;
        let mut files: Files = sink.into_files().into_iter().collect();
        files.extend(crate::search::index_files(&site));
        let mut extras = Files::new();
        render::finish(&site, &pages, &mut extras).map_err(|d| vec![d])?;
        let extra_paths = extras.keys().cloned().collect();
        files.extend(extras);
        let broken = output::check_links(&files);
        if !broken.is_empty() {
            return Err(link_errors(&site, broken));
        }
        Ok(Preview {
            root: root.to_path_buf(),
            card_sources: site.practices.iter().map(|p| p.hash).collect(),
            cards: std::mem::take(&mut pages.cards),
            site,
            files,
            keys: pages.keys,
            extras: extra_paths,
            index_stale: false,
        })
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// Brings the site up to date after `changed` files (absolute, or relative to the root)
    /// changed. On an error the files stay as they were.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Vec<Diagnostic>> {
        let rel: Vec<PathBuf> = changed.iter().map(|p| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf()).collect();
        let paths = &self.site.config.paths;
        let practices = paths.content.join(site::PRACTICES);
        let is_page = |p: &PathBuf| p.parent() == Some(practices.as_path()) && site::is_page_name(p);
        let is_render_input = |p: &PathBuf| p.starts_with(&paths.templates) || p.starts_with(&paths.static_dir);
        let is_other_content = |p: &PathBuf| p.starts_with(&paths.content);
        let reload = rel.iter().any(|p| !is_page(p) && !is_render_input(p) && !is_other_content(p));
        let pages: Vec<PathBuf> = rel.iter().filter(|p| is_page(p)).cloned().collect();
        let mut replaced = Vec::new();
        let mut same_order = true;
        if reload {
            self.site = site::load(&self.root)?;
            // The gazetteer is not part of the fingerprints: draw everything.
            self.keys.clear();
            same_order = false;
        } else if !pages.is_empty() {
            match crate::timing::phase("apply", || site::apply(&mut self.site, &pages)) {
                Ok(applied) => {
                    same_order = applied.same_order;
                    replaced = applied.replaced;
                }
                Err(d) => return Err(d),
            }
        }
        // From here on a failure leaves `site` ahead of the index.
        let cards: HashMap<u64, render::Card> = if reload {
            HashMap::new()
        } else {
            self.card_sources.iter().copied().zip(std::mem::take(&mut self.cards)).collect()
        };
        let sink = Collect::default();
        let rendered = render::render_pages(&self.site, Some(&self.keys), Some(cards), &sink);
        let mut pages = match rendered {
            Ok(p) => p,
            Err(d) => {
                self.index_stale |= !replaced.is_empty() || !same_order;
                return Err(d);
            }
        };
        let mut files = std::mem::take(&mut self.files);
        let drawn_paths = std::mem::take(&mut pages.drawn);
        let page_set_changed =
            self.keys.len() != pages.keys.len() || pages.keys.keys().any(|p| !self.keys.contains_key(p));
        for old in self.keys.keys().filter(|p| !pages.keys.contains_key(*p)) {
            files.remove(old);
        }
        files.extend(sink.into_files());
        for p in std::mem::take(&mut self.extras) {
            files.remove(&p);
        }
        let mut extras = Files::new();
        let finished = crate::timing::phase("finish", || render::finish(&self.site, &pages, &mut extras));
        self.extras = extras.keys().cloned().collect();
        files.extend(extras);
        let patched = same_order
            && !self.index_stale
            && (replaced.is_empty()
                || crate::timing::phase("index patch", || {
                    crate::search::update_index(&self.site, &mut files, &replaced)
                }));
        if !patched {
            let stale: Vec<String> = files.keys().filter(|k| crate::routes::is_search_file(k)).cloned().collect();
            for k in stale {
                files.remove(&k);
            }
            files.extend(crate::search::index_files(&self.site));
        }
        self.index_stale = false;
        self.card_sources = self.site.practices.iter().map(|p| p.hash).collect();
        self.cards = std::mem::take(&mut pages.cards);
        self.keys = pages.keys;
        let broken = crate::timing::phase("links", || {
            if page_set_changed {
                output::check_links(&files)
            } else {
                output::check_links_of(&files, &drawn_paths.iter().collect::<Vec<_>>())
            }
        });
        self.files = files;
        finished.map_err(|d| vec![d])?;
        if !broken.is_empty() {
            // Pages with broken links are drawn again next time, so the error shows again.
            for b in &broken {
                self.keys.remove(&b.page);
            }
            return Err(link_errors(&self.site, broken));
        }
        Ok(Update { drawn: drawn_paths.len(), index_patched: patched && !replaced.is_empty() })
    }
}

/// What `kbgen build` and `kbgen check` report.
pub struct Summary {
    pub practices: usize,
    pub pages: usize,
    pub seconds: f64,
}

/// `kbgen build` (`write: true`): renders into a private folder beside the output folder,
/// file by file, and swaps it in when everything is written and every link resolves.
/// `kbgen check` (`write: false`): the same without writing anything.
pub fn build(root: &Path, write: bool) -> Result<Summary, Vec<Diagnostic>> {
    let start = Instant::now();
    let site = site::load(root)?;
    let out = output::output_folder(root, &site.config.paths).map_err(|d| vec![d])?;
    let staging =
        Staging::new(&out, write).map_err(|e| vec![Diagnostic::new(&out, format!("cannot write the site: {e}"))])?;
    crate::timing::phase("render", || render::render_into(&site, &staging))?;
    let pages = staging.pages();
    match crate::timing::phase("commit", || staging.commit()) {
        Ok(()) => {}
        Err(CommitError::Broken(broken)) => return Err(link_errors(&site, broken)),
        Err(CommitError::Io(e)) => return Err(vec![Diagnostic::new(&out, format!("cannot write the site: {e}"))]),
    }
    Ok(Summary { practices: site.practices.len(), pages, seconds: start.elapsed().as_secs_f64() })
}
