//! `kbgen build` and `kbgen check`: load → model → render → (check links) → write.

use std::path::Path;
use std::time::Instant;

use crate::diag::Diagnostic;
use crate::output;
use crate::render::{self, Files};
use crate::site::{self, Site};

pub struct Built {
    pub site: Site,
    pub files: Files,
}

impl Built {
    pub fn pages(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }
}

/// Loads, validates and renders the project at `root` into memory, and checks its links.
pub fn render_project(root: &Path) -> Result<Built, Vec<Diagnostic>> {
    let site = site::load(root)?;
    let files = render::render(&site)?;
    let broken = crate::timing::phase("links", || output::check_links(&files));
    if !broken.is_empty() {
        let templates = site.config.paths.templates.clone();
        return Err(broken
            .into_iter()
            .map(|b| Diagnostic::new(&templates, format!("broken link `{}` in the rendered page `{}`", b.href, b.page)))
            .collect());
    }
    Ok(Built { site, files })
}

/// `kbgen build`: render and swap the result into the output folder.
pub fn build(root: &Path) -> Result<(Built, f64), Vec<Diagnostic>> {
    let start = Instant::now();
    let built = render_project(root)?;
    let out = root.join(&built.site.config.paths.output);
    crate::timing::phase("write", || output::write_site(&out, &built.files))
        .map_err(|e| vec![Diagnostic::new(&out, format!("cannot write the site: {e}"))])?;
    Ok((built, start.elapsed().as_secs_f64()))
}
