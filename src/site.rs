//! Build stage 1: load and validate. Reads `kbgen.toml`, the vocabulary, the gazetteer and every
//! page under `content/practices/`, and gives the site model the renderer reads. Every problem
//! in every file is collected as a `Diagnostic`; nothing is rendered from a site with errors.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::gazetteer::Gazetteer;
use crate::practice::load_practice;
pub use crate::practice::Practice;
use crate::taxonomy::Taxonomies;
use crate::theme::Theme;
use crate::vocab::Vocabulary;

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub vocab: Vocabulary,
    pub gazetteer: &'static Gazetteer,
    /// Newest first (date, then year), ties by slug.
    pub practices: Vec<Practice>,
    pub taxonomies: Taxonomies,
    /// Per practice, the related practices, best first.
    pub related: Vec<Vec<usize>>,
    /// The templates and static files.
    pub theme: Theme,
}

/// The folder of practice pages inside the content folder.
pub const PRACTICES: &str = "practices";

/// A practice page's file name: `*.md`, in any letter case.
pub fn is_page_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Loads the project at `root`: every error in every file, or the model. The practices keep
/// no body (a build reads each again when it needs it, see `Practice::body`).
pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let config = Config::load(root).map_err(|d| vec![d])?;
    let data = root.join(&config.paths.data);
    let vocab = Vocabulary::load_or_builtin(&data.join("mechanisms.yaml")).map_err(|e| {
        let mut d = Diagnostic::new(&e.file, e.message.clone());
        d.line = e.line;
        vec![d]
    })?;
    let gazetteer = Gazetteer::load_or_builtin(&data.join("regions.tsv")).map_err(|d| vec![d])?;
    let dir = config.paths.content.join(PRACTICES);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(root.join(&dir)) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_page_name(p))
            .filter_map(|p| p.file_name().map(|n| dir.join(n)))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(vec![Diagnostic::new(&dir, format!("cannot read the content folder: {e}"))]),
    };
    files.sort();
    // Pages in subfolders are not read: say so instead of leaving them out quietly.
    let nested: Vec<Diagnostic> = walkdir::WalkDir::new(root.join(&dir))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_page_name(e.path()))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
            Diagnostic::new(
                &rel,
                format!("a page in a subfolder is not read: move it to {} (pages sit directly in it)", dir.display()),
            )
        })
        .collect();
    if !nested.is_empty() {
        return Err(nested);
    }
    let results: Vec<Result<Practice, Vec<Diagnostic>>> = crate::timing::phase("load", || {
        files.par_iter().map(|rel| load_practice(root, rel, &vocab, gazetteer, false)).collect()
    });
    let mut practices = Vec::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(p) => practices.push(p),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    practices.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then_with(|| a.slug.cmp(&b.slug)));
    let taxonomies = crate::timing::phase("taxonomies", || Taxonomies::build(&practices, gazetteer, &vocab));
    let related = crate::timing::phase("related", || crate::related::related(&practices, gazetteer, 5));
    let theme = Theme::load(root, &config.paths).map_err(|d| vec![d])?;
    Ok(Site { root: root.to_path_buf(), config, vocab, gazetteer, practices, taxonomies, related, theme })
}

/// What [`apply`] changed: whether document ids (site order) survived, and the practices it
/// replaced in place, with their previous version.
pub struct Applied {
    pub same_order: bool,
    pub replaced: Vec<(usize, Practice)>,
}

/// Applies changed page files (paths relative to the root; a missing file is a deletion) to a
/// loaded site. Every changed file is parsed before anything changes: on an error the site is
/// left as it was. Taxonomies always, related lists only when something they read changed.
pub fn apply(site: &mut Site, changed: &[PathBuf]) -> Result<Applied, Vec<Diagnostic>> {
    let mut parsed: Vec<(String, Option<Practice>)> = Vec::new();
    let mut diags = Vec::new();
    for rel in changed {
        let slug = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        if site.root.join(rel).is_file() {
            match load_practice(&site.root, rel, &site.vocab, site.gazetteer, true) {
                Ok(p) => parsed.push((slug, Some(p))),
                Err(d) => diags.extend(d),
            }
        } else {
            parsed.push((slug, None));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let order: Vec<String> = site.practices.iter().map(|p| p.slug.clone()).collect();
    let mut replaced = Vec::new();
    let mut ranking_changed = false;
    for (slug, new) in parsed {
        let at = site.practices.iter().position(|p| p.slug == slug);
        match (at, new) {
            (Some(i), Some(p)) => {
                let old = std::mem::replace(&mut site.practices[i], p);
                let new = &site.practices[i];
                ranking_changed |= old.mechanisms != new.mechanisms
                    || old.regions != new.regions
                    || old.front.year != new.front.year
                    || old.sort_key() != new.sort_key();
                replaced.push((i, old));
            }
            (Some(i), None) => {
                site.practices.remove(i);
                ranking_changed = true;
            }
            (None, Some(p)) => {
                site.practices.push(p);
                ranking_changed = true;
            }
            (None, None) => {}
        }
    }
    site.practices.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then_with(|| a.slug.cmp(&b.slug)));
    let same_order =
        site.practices.len() == order.len() && site.practices.iter().zip(&order).all(|(p, s)| p.slug == *s);
    if ranking_changed || !same_order {
        site.taxonomies = Taxonomies::build(&site.practices, site.gazetteer, &site.vocab);
        site.related = crate::related::related(&site.practices, site.gazetteer, 5);
    }
    Ok(Applied { same_order, replaced: if same_order { replaced } else { Vec::new() } })
}
