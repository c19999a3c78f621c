//! Pipeline stage 2, the extras: feeds, sitemap and robots.txt (`feed`), the dataset
//! (`dataset`), the comparison page's data (`compare`), the theme's static files.
//!
//! Each extra file has a fingerprint of what it is made from (`output::Extras`); a render
//! makes again only the files whose fingerprint changed since the last one and leaves the
//! others in the output, so a serve rebuild after one page's edit costs what that page
//! touches, not the size of the site. What the dataset and the comparison data hold of each
//! practice is kept between renders too ([`PerPractice`]), by the practice's slug and the hash
//! of its file. A full build starts with nothing kept and makes everything.

use std::collections::HashMap;
use std::hash::Hash;

use crate::diag::Diagnostic;
use crate::output::{hash_of, Extras, Sink};
use crate::render;
use crate::site::{Practice, Site};
use crate::theme::StaticFile;
use crate::timing::phase;

/// Project static files this large are copied again only when they changed (by their size,
/// times and inode); smaller ones on every render, whatever their times say.
const COPY_WHEN_CHANGED: u64 = 1 << 20;

/// What the extras of the last render leave for the next.
#[derive(Default)]
pub(super) struct Memory {
    /// The fingerprint of each extra file in the output, by path.
    fingerprints: HashMap<String, u64>,
    /// The practices' parts, kept between renders when the output outlives them (serve).
    parts: Option<Parts>,
}

impl Memory {
    pub(super) fn keeping_parts() -> Memory {
        Memory { parts: Some(Parts::default()), ..Memory::default() }
    }

    /// Nothing of the last render can be trusted (the site was loaded again): make every
    /// file again (the old ones stay in the output until replaced or removed).
    pub(super) fn forget(&mut self) {
        for fp in self.fingerprints.values_mut() {
            *fp = crate::output::FORGOTTEN;
        }
        if self.parts.is_some() {
            self.parts = Some(Parts::default());
        }
    }
}

/// What the extras hold of each practice.
#[derive(Default)]
struct Parts {
    dataset: PerPractice<crate::dataset::Part>,
    compare: PerPractice<String>,
}

/// Something made from one practice alone (and the settings, vocabulary and gazetteer, whose
/// change reloads the site), with a hash of it; by slug, with the hash of the practice's file.
pub(crate) struct PerPractice<T>(HashMap<String, (u64, T, u64)>);

impl<T> Default for PerPractice<T> {
    fn default() -> Self {
        PerPractice(HashMap::new())
    }
}

impl<T: Send + Sync + Hash> PerPractice<T> {
    /// The parts of every practice in site order, each with its hash: those of practices new
    /// or changed since are made with `make`, those of practices gone are dropped.
    fn of_site(&mut self, site: &Site, make: impl Fn(&Practice) -> T + Sync) -> Vec<(&T, u64)> {
        use rayon::prelude::*;
        let new: Vec<(String, (u64, T, u64))> = site
            .practices
            .par_iter()
            .filter(|p| self.0.get(&p.slug).is_none_or(|(h, _, _)| *h != p.hash))
            .map(|p| {
                let part = make(p);
                let h = hash_of(&part);
                (p.slug.clone(), (p.hash, part, h))
            })
            .collect();
        self.0.extend(new);
        if self.0.len() > site.practices.len() {
            let live: std::collections::HashSet<&str> = site.practices.iter().map(|p| p.slug.as_str()).collect();
            self.0.retain(|k, _| live.contains(k.as_str()));
        }
        site.practices.iter().map(|p| &self.0[&p.slug]).map(|(_, part, h)| (part, *h)).collect()
    }
}

/// Makes the extras whose fingerprint changed since the render `memory` remembers, putting
/// each into `sink` as it is made; gives the paths of the last render's extras that are no
/// more (for the caller to remove from the output).
pub(super) fn make(
    site: &Site,
    pages: &render::Pages,
    memory: &mut Memory,
    sink: &dyn Sink,
) -> Result<Vec<String>, Diagnostic> {
    let mut extras = Extras::new(&memory.fingerprints, sink);
    let paths: Vec<&str> = pages.fingerprints.keys().map(String::as_str).collect();
    crate::feed::write_feeds(site, &pages.cards, &paths, &mut extras);
    // A build keeps no parts: each kind is dropped once its files are out.
    let mut fresh = Parts::default();
    phase("dataset", || {
        let parts = memory.parts.as_mut().unwrap_or(&mut fresh);
        let dataset = parts.dataset.of_site(site, |p| crate::dataset::part(site, p));
        crate::dataset::write_dataset(site, &dataset, &mut extras);
    });
    fresh.dataset = PerPractice::default();
    phase("compare", || {
        let parts = memory.parts.as_mut().unwrap_or(&mut fresh);
        let compare = parts.compare.of_site(site, |p| crate::compare::part(site, p));
        crate::compare::write_compare_data(site, &compare, &mut extras);
    });
    for (p, file) in site.theme.static_files() {
        match file {
            StaticFile::Builtin(text) => extras.always(p.clone(), text.as_bytes().to_vec()),
            // Copied on disk; a small file on every render (as the built-in ones), a large one
            // when it changed (a serve rebuild copies no 300 MB scan because a page was saved).
            StaticFile::Project(f) => {
                let fingerprint = (f.len >= COPY_WHEN_CHANGED).then(|| f.fingerprint());
                extras.copy(p.clone(), &f.path, fingerprint)
            }
        }
    }
    let now = extras.finish().map_err(|(path, e)| {
        Diagnostic::new(&site.root.join(&site.config.paths.output).join(path), format!("cannot write: {e}"))
    })?;
    let gone = memory.fingerprints.keys().filter(|p| !now.contains_key(*p)).cloned().collect();
    memory.fingerprints = now;
    Ok(gone)
}
