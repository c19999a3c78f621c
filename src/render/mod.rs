//! Build stage 3: render. Turns the site model into HTML pages through Tera templates, which
//! see only the view structs of `views`. One job per page; each page's fingerprint
//! (`fingerprints`) says whether an incremental render must draw it again. Every internal
//! link is relative (`root` + a path of `routes`), so one output works at a domain root, under
//! a sub-path and from `file://`.

use std::collections::HashMap;

use rayon::prelude::*;
use tera::Tera;

use crate::diag::Diagnostic;
use crate::output::Sink;
use crate::routes;
use crate::site::Site;
use crate::taxonomy::Kind;

mod draw;
mod fingerprints;
mod recursion;
mod research;
mod templates;
mod views;

pub use crate::markdown::escape_html;
pub use crate::output::Files;
pub use crate::theme::{BUILTIN_STATIC, BUILTIN_TEMPLATES};
pub use fingerprints::Fingerprints;
pub(crate) use views::card_key;
pub use views::{Card, KeptCards, Link, TermLink};

/// The pages a render drew (put into its sink), every page's fingerprint, and the cards (feeds
/// reuse them).
pub struct Pages {
    pub drawn: Vec<String>,
    pub fingerprints: Fingerprints,
    pub cards: Vec<Card>,
}

/// Renders the site's pages, drawing only those whose fingerprint differs from `prev` (all of
/// them without `prev`). `fingerprints` holds every page's fingerprint, drawn or not.
///
/// `cached` holds the cards of an earlier render of the same vocabulary and gazetteer, with
/// their [`card_key`]s; cards not in it are made.
pub fn render_pages(
    site: &Site,
    prev: Option<&Fingerprints>,
    cached: Option<KeptCards>,
    tera: &mut Option<(u64, Tera)>,
    sink: &dyn Sink,
) -> Result<Pages, Vec<Diagnostic>> {
    let tera = parsed_templates(site, tera)?;
    let cards = crate::timing::phase("cards", || views::cards(site, cached));
    let card_fingerprints = cards.iter().map(fingerprints::hash_of).collect();
    let r = Renderer {
        site,
        tera,
        cards,
        card_fingerprints,
        facet_fingerprints: fingerprints::facet_fingerprints(site),
        template_fingerprints: fingerprints::template_fingerprints(site.theme.templates()),
        global: fingerprints::hash_of(&(format!("{:?}", site.config), format!("{:?}", site.vocab.mechanisms))),
        taxonomy_fingerprint: fingerprints::taxonomy_fingerprint(site),
        stylesheet: site.theme.stylesheet(),
        favicon: site.theme.favicon_data_url(),
    };
    let jobs = jobs(site);
    let keyed: Vec<(String, u64)> =
        crate::timing::phase("fingerprints", || jobs.par_iter().map(|j| (r.path(j), r.fingerprint(j))).collect());
    let todo: Vec<usize> =
        (0..jobs.len()).filter(|&n| prev.is_none_or(|prev| prev.get(&keyed[n].0) != Some(&keyed[n].1))).collect();
    let progress = progress_bar(todo.len());
    sink.expect(&keyed.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>());
    let out = site.root.join(&site.config.paths.output);
    let rendered: Vec<Result<String, Diagnostic>> = crate::timing::phase("pages", || {
        todo.par_iter()
            .map(|&n| {
                let path = keyed[n].0.clone();
                let bytes = r.job(&jobs[n], &path)?;
                sink.put(path.clone(), bytes)
                    .map_err(|e| Diagnostic::new(&out.join(&path), format!("cannot write: {e}")))?;
                progress.inc(1);
                Ok(path)
            })
            .collect()
    });
    progress.finish_and_clear();
    let mut drawn = Vec::with_capacity(rendered.len());
    let mut diags = Vec::new();
    for res in rendered {
        match res {
            Ok(page) => drawn.push(page),
            Err(d) => {
                if !diags.contains(&d) {
                    diags.push(d);
                }
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Pages { drawn, fingerprints: keyed.into_iter().collect(), cards: r.cards })
}

/// The site's templates, parsed again only when their sources changed since `kept` was.
fn parsed_templates<'t>(site: &Site, kept: &'t mut Option<(u64, Tera)>) -> Result<&'t Tera, Vec<Diagnostic>> {
    let key = fingerprints::hash_of(site.theme.templates());
    if kept.as_ref().is_none_or(|(k, _)| *k != key) {
        let parsed = crate::timing::phase("templates", || templates::templates(site)).map_err(|d| vec![d])?;
        *kept = Some((key, parsed));
    }
    Ok(&kept.as_ref().expect("parsed above").1)
}

/// Every page of the site, as the job that draws it.
fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = vec![Job::Home, Job::Search, Job::Compare];
    jobs.extend(Kind::ALL.map(Job::Taxonomy));
    jobs.push(Job::NotFound);
    jobs.extend((0..site.practices.len()).map(Job::Practice));
    for (i, t) in site.taxonomies.regions.iter().enumerate() {
        jobs.extend((0..routes::pages_of(t.practices.len(), site.config.paginate)).map(|p| Job::Region(i, p)));
    }
    for (i, t) in site.taxonomies.mechanisms.iter().enumerate() {
        jobs.extend((0..routes::pages_of(t.practices.len(), site.config.paginate)).map(|p| Job::Mechanism(i, p)));
    }
    for (i, t) in site.taxonomies.years.iter().enumerate() {
        jobs.extend((0..routes::pages_of(t.practices.len(), site.config.paginate)).map(|p| Job::Year(i, p)));
    }
    jobs
}

/// Pages rendered before a progress bar is worth showing.
const PROGRESS_FROM: usize = 2000;

/// A progress bar on an interactive terminal for long builds; hidden in CI and in pipes.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let quiet = std::env::var_os("CI").is_some() || !std::io::stderr().is_terminal() || len < PROGRESS_FROM;
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("rendering {bar:40} {pos}/{len} pages ({eta})") {
        bar.set_style(style);
    }
    bar
}

/// One page to draw: which page of the site (practices and terms by index, the page of a
/// term's list 0-based). It is part of its fingerprint.
#[derive(Debug, Hash)]
enum Job {
    Home,
    Search,
    Compare,
    NotFound,
    Taxonomy(Kind),
    Practice(usize),
    Region(usize, usize),
    Mechanism(usize, usize),
    Year(usize, usize),
}

/// What drawing pages reads: the site, the templates, the cards, and the fingerprints of the
/// parts pages are made of.
struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    cards: Vec<Card>,
    /// Fingerprints (see `Fingerprints`): of each card, each template, the settings, the term counts.
    card_fingerprints: Vec<u64>,
    /// Per practice, what maps and grids read of it (`fingerprints::facet_fingerprints`).
    facet_fingerprints: Vec<u64>,
    template_fingerprints: HashMap<String, u64>,
    global: u64,
    taxonomy_fingerprint: u64,
    /// The theme's stylesheet (the not-found page inlines it).
    stylesheet: String,
    /// The theme's favicon as a `data:` URL (the not-found page inlines it too).
    favicon: String,
}

impl Renderer<'_> {
    fn template(job: &Job) -> &'static str {
        match job {
            Job::Home => "index.html",
            Job::Search => "search.html",
            Job::Compare => "compare.html",
            Job::NotFound => "404.html",
            Job::Taxonomy(_) => "taxonomy.html",
            Job::Practice(_) => "practice.html",
            Job::Region(..) | Job::Mechanism(..) | Job::Year(..) => "term.html",
        }
    }

    /// The output path of a job: where it is drawn, and what its fingerprint is filed under.
    fn path(&self, job: &Job) -> String {
        let t = &self.site.taxonomies;
        match *job {
            Job::Home => routes::HOME.into(),
            Job::Search => routes::SEARCH.into(),
            Job::Compare => routes::COMPARE.into(),
            Job::NotFound => routes::NOT_FOUND.into(),
            Job::Taxonomy(kind) => routes::taxonomy(kind),
            Job::Practice(i) => routes::practice(&self.site.practices[i].slug),
            Job::Region(i, p) => routes::region(&t.regions[i].slug, p),
            Job::Mechanism(i, p) => routes::mechanism(&self.site.vocab.mechanisms[t.mechanisms[i].mechanism].id, p),
            Job::Year(i, p) => routes::year(t.years[i].year, p),
        }
    }
}
