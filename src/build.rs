//! The three callers of the pipeline (`pipeline::render`): `kbgen build` and `kbgen check`
//! ([`build`], into a staged folder), `kbgen serve` ([`Preview`], in a private folder, kept up
//! to date file by file), and [`render_project`] (tests: a full build in memory).

use std::path::{Path, PathBuf};
use std::time::Instant;

mod bodies;

use bodies::Bodies;

use crate::diag::Diagnostic;
use crate::output::{self, Files, Folder, InMemory, Staging};
use crate::pipeline::{self, Changes, Incremental};
use crate::site::{self, Site};
use crate::theme::Theme;

pub struct Built {
    pub site: Site,
    pub files: Files,
}

/// Loads, validates and renders the project at `root` into memory, and checks its links: what
/// `kbgen build` writes, as files.
pub fn render_project(root: &Path) -> Result<Built, Vec<Diagnostic>> {
    let site = site::load(root)?;
    let mut out = InMemory::default();
    pipeline::render(&site, &mut Incremental::default(), &Changes::default(), &mut out)?;
    Ok(Built { site, files: out.into_files() })
}

/// A site kept in a private folder (`output::Folder`) and brought up to date file by file:
/// what `kbgen serve` shows.
///
/// An update re-reads only the changed page files (a change to kbgen.toml or data/ reloads
/// everything) and runs the pipeline with what the last run remembers: it redraws only the
/// pages whose fingerprint changed (see `render::Fingerprints`), patches the search index for pages
/// edited in place, and checks the links of the redrawn pages. The files are always the ones a
/// full build of the same sources writes (tests/incremental.rs proves it).
pub struct Preview {
    root: PathBuf,
    pub site: Site,
    folder: Folder,
    /// The bodies the search index was made from (the site model keeps none).
    bodies: Bodies,
    memory: Incremental,
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
    /// Loads and renders the whole project into a private folder beside its output folder.
    pub fn new(root: &Path) -> Result<Preview, Vec<Diagnostic>> {
        let site = site::load(root)?;
        let out = output::output_folder(root, &site.config.paths).map_err(|d| vec![d])?;
        let folder = Folder::create(&out)
            .map_err(|e| vec![Diagnostic::new(&out, format!("cannot make serve's folder beside it: {e}"))])?;
        let bodies = Bodies::save(&folder.dir().join(BODIES), &site).map_err(|e| cannot_keep_bodies(&folder, e))?;
        let memory = Incremental::keeping_parts();
        let mut preview = Preview { root: root.to_path_buf(), site, folder, bodies, memory };
        preview.render(&Changes::default())?;
        Ok(preview)
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.folder.paths().iter().filter(|p| p.ends_with(".html")).count()
    }

    /// Whether the site has a file at `path` (a path inside the output folder).
    pub fn contains(&self, path: &str) -> bool {
        self.folder.contains(path)
    }

    /// The bytes of the site's file at `path`, if it has one.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.folder.read(path)
    }

    /// The site's file at `path` opened for reading, if it has one.
    pub fn open(&self, path: &str) -> Option<std::fs::File> {
        self.folder.open(path)
    }

    /// The paths of the site's files, sorted.
    pub fn paths(&self) -> Vec<String> {
        self.folder.paths()
    }

    /// Every file of the site with its bytes, read from the private folder.
    pub fn files(&self) -> std::io::Result<Files> {
        self.folder.files()
    }

    /// The private folder the site is kept in (removed when the preview is dropped).
    pub fn folder(&self) -> &Path {
        self.folder.dir()
    }

    fn render(&mut self, changes: &Changes) -> Result<pipeline::Rendered, Vec<Diagnostic>> {
        self.folder.begin_render();
        let rendered = pipeline::render(&self.site, &mut self.memory, changes, &mut self.folder);
        crate::timing::phase("end render", || self.folder.end_render());
        rendered
    }

    /// Brings the site up to date after `changed` files (absolute, or relative to the root)
    /// changed. On an error in a page file or a template the files stay as they were.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Vec<Diagnostic>> {
        let rel: Vec<PathBuf> = changed.iter().map(|p| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf()).collect();
        let updated = self.apply(&rel).and_then(|changes| self.render(&changes));
        // The pages read again hold their bodies (and those replaced, the bodies lent them):
        // the new ones are kept on disk, and none stays in memory.
        crate::timing::phase("keep bodies", || self.keep_bodies()).map_err(|e| cannot_keep_bodies(&self.folder, e))?;
        let r = updated?;
        Ok(Update { drawn: r.drawn, index_patched: r.index_patched })
    }

    /// Applies the changed files (relative to the root) to the site model.
    fn apply(&mut self, rel: &[PathBuf]) -> Result<Changes, Vec<Diagnostic>> {
        let paths = &self.site.config.paths;
        let practices = paths.content.join(site::PRACTICES);
        let is_page = |p: &PathBuf| p.parent() == Some(practices.as_path()) && site::is_page_name(p);
        let is_render_input = |p: &PathBuf| p.starts_with(&paths.templates) || p.starts_with(&paths.static_dir);
        let is_other_content = |p: &PathBuf| p.starts_with(&paths.content);
        // A folder made or moved into the content (`cp -r`, `git checkout`, unzip, rsync): the
        // files that came with it came before any watch on it was set, so no change names them.
        // The content is read again whole, as at the start.
        let folder_came = rel.iter().any(|p| is_other_content(p) && self.root.join(p).is_dir());
        let reload = folder_came || rel.iter().any(|p| !is_page(p) && !is_render_input(p) && !is_other_content(p));
        let pages: Vec<PathBuf> = rel.iter().filter(|p| is_page(p)).cloned().collect();
        let theme_changed = rel.iter().any(is_render_input);
        let mut changes = Changes::default();
        if reload {
            self.site = site::load(&self.root)?;
            self.bodies = Bodies::save(&self.folder.dir().join(BODIES), &self.site)
                .map_err(|e| cannot_keep_bodies(&self.folder, e))?;
            // The gazetteer is not part of the fingerprints: draw everything.
            self.memory.reloaded();
            changes.reordered = true;
            return Ok(changes);
        }
        if !pages.is_empty() {
            crate::timing::phase("lend bodies", || self.lend_bodies(&pages))
                .map_err(|e| cannot_keep_bodies(&self.folder, e))?;
            let applied = crate::timing::phase("apply", || site::apply(&mut self.site, &pages))?;
            changes = Changes { replaced: applied.replaced, reordered: !applied.same_order };
        }
        if theme_changed {
            match Theme::load(&self.root, &self.site.config.paths) {
                Ok(mut theme) => {
                    // The theme's warnings replace the last theme's, as `site::load` moves them.
                    let paths = &self.site.config.paths;
                    let root = &self.root;
                    let of_theme = |w: &Diagnostic| {
                        let f = w.file.strip_prefix(root).unwrap_or(&w.file);
                        f.starts_with(&paths.templates) || f.starts_with(&paths.static_dir)
                    };
                    self.site.warnings.retain(|w| !of_theme(w));
                    self.site.warnings.append(&mut theme.warnings);
                    self.site.theme = theme;
                }
                Err(d) => {
                    self.memory.not_rendered(&changes);
                    return Err(vec![d]);
                }
            }
        }
        Ok(changes)
    }

    /// Gives the practices of the changed page files their kept bodies, so the versions they
    /// are replaced by can be compared with them (the search patch).
    fn lend_bodies(&mut self, pages: &[PathBuf]) -> std::io::Result<()> {
        for page in pages {
            let slug = page.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if let Some(p) = self.site.practices.iter_mut().find(|p| p.slug == slug && p.body.is_none()) {
                p.body = self.bodies.get(slug)?;
            }
        }
        Ok(())
    }

    /// Keeps on disk the bodies the practices hold (those read again), and drops them.
    fn keep_bodies(&mut self) -> std::io::Result<()> {
        for p in self.site.practices.iter_mut().filter(|p| p.body.is_some()) {
            self.bodies.put(&p.slug, p.body.as_deref().unwrap_or(""))?;
            p.body = None;
        }
        self.bodies.retain(&self.site);
        Ok(())
    }
}

/// The file of kept bodies in the private folder.
const BODIES: &str = "bodies";

fn cannot_keep_bodies(folder: &Folder, e: std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::new(folder.dir(), format!("cannot keep the page bodies: {e}"))]
}

/// What `kbgen build` and `kbgen check` report.
pub struct Summary {
    pub practices: usize,
    pub pages: usize,
    pub seconds: f64,
    /// What was allowed but is likely a mistake (see `Site::warnings`).
    pub warnings: Vec<Diagnostic>,
}

/// `kbgen build` (`write: true`): renders into a private folder beside the output folder,
/// file by file, and swaps it in when everything is written and every link resolves.
/// `kbgen check` (`write: false`): the same without writing anything.
pub fn build(root: &Path, write: bool) -> Result<Summary, Vec<Diagnostic>> {
    let start = Instant::now();
    let site = site::load(root)?;
    let out = output::output_folder(root, &site.config.paths).map_err(|d| vec![d])?;
    let mut staging =
        Staging::new(&out, write).map_err(|e| vec![Diagnostic::new(&out, format!("cannot write the site: {e}"))])?;
    crate::timing::phase("render", || {
        pipeline::render(&site, &mut Incremental::default(), &Changes::default(), &mut staging)
    })?;
    let pages = staging.pages();
    crate::timing::phase("commit", || staging.place())
        .map_err(|e| vec![Diagnostic::new(&out, format!("cannot write the site: {e}"))])?;
    Ok(Summary {
        practices: site.practices.len(),
        pages,
        seconds: start.elapsed().as_secs_f64(),
        warnings: site.warnings.clone(),
    })
}
