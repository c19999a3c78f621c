//! Build stage 3: render. Turns the site model into files in memory: HTML pages through Tera
//! templates (which see only the view structs defined here), feeds, sitemap, robots.txt and
//! static assets. Every internal link is relative (`root` + a root-relative path), so one
//! output works at a domain root, under a sub-path and from `file://`.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use regex::Regex;
use serde::Serialize;
use tera::{Context, Tera};

use crate::chart::{self, Bar};
use crate::diag::Diagnostic;
use crate::output::Sink;
use crate::routes::{self, root_of};
use crate::site::{Practice, Site};
use crate::taxonomy::Kind;

mod recursion;

/// Templates shipped with kbgen; a project's `templates/NAME` replaces the one of that name.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("practice.html", include_str!("../templates/practice.html")),
    ("taxonomy.html", include_str!("../templates/taxonomy.html")),
    ("term.html", include_str!("../templates/term.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("search.html", include_str!("../templates/search.html")),
];

/// Static files shipped with kbgen; a project's `static/` adds to and replaces them.
pub const BUILTIN_STATIC: &[(&str, &str)] =
    &[("style.css", include_str!("../static/style.css")), ("search.js", include_str!("../static/search.js"))];

pub use crate::output::Files;

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------- views

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
}

#[derive(Serialize, Clone, Hash)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct TermLink {
    pub name: String,
    pub url: String,
    pub count: usize,
    /// English gloss (mechanisms).
    pub en: Option<String>,
    pub description: Option<String>,
}

/// A practice in a list.
#[derive(Serialize, Clone, Hash)]
pub struct Card {
    pub url: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub when: String,
    pub lang: Option<String>,
    /// First region as `江苏省 › 苏州市`.
    pub region: Option<String>,
    pub mechanisms: Vec<Link>,
    pub excerpt: String,
}

#[derive(Serialize)]
struct MechanismView {
    name: String,
    en: String,
    url: String,
}

#[derive(Serialize)]
struct ProvenanceView {
    file: String,
    sha256: String,
    story: usize,
    stories: usize,
    /// Other raw files with the same story.
    also: Vec<String>,
}

#[derive(Serialize)]
struct PracticeView {
    title: String,
    subtitle: Option<String>,
    date: Option<String>,
    year: Option<i32>,
    year_inferred: bool,
    year_url: Option<String>,
    practice: Vec<String>,
    source: Option<String>,
    author: Option<String>,
    lang: Option<String>,
    /// Each region as its path of links, province first.
    regions: Vec<Vec<Link>>,
    mechanisms: Vec<MechanismView>,
    keywords: Vec<String>,
    body: String,
    provenance: Option<ProvenanceView>,
    related: Vec<Card>,
    source_file: String,
}

#[derive(Serialize)]
struct Paginator {
    items: Vec<Card>,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    /// The page list: the first and last pages and those within [`PAGER_REACH`] of this one,
    /// in order (a list of every page would make a big term's pages quadratic in size).
    links: Vec<PageLink>,
}

#[derive(Serialize, Debug, PartialEq)]
struct PageLink {
    number: usize,
    url: String,
    /// Pages are left out between the previous link and this one.
    gap_before: bool,
}

/// How many pages on each side of the current one the page list shows.
const PAGER_REACH: usize = 2;

/// Which page numbers (0-based) a page list shows on page `page` of `pages`.
fn pager_window(page: usize, pages: usize) -> impl Iterator<Item = usize> {
    (0..pages).filter(move |&n| n == 0 || n + 1 == pages || n.abs_diff(page) <= PAGER_REACH)
}

/// A mechanism on the mechanism index, with its narrower entries (the vocabulary's `parent`).
#[derive(Serialize)]
struct MechanismNode {
    name: String,
    url: String,
    count: usize,
    en: String,
    description: String,
    description_en: Option<String>,
    children: Vec<MechanismNode>,
}

#[derive(Serialize)]
struct TermView {
    kind: &'static str,
    name: String,
    en: Option<String>,
    /// Chinese (mechanisms).
    description: Option<String>,
    description_en: Option<String>,
    count: usize,
    /// Ancestors, outermost first: the province and city of a county, the broader mechanisms
    /// of a mechanism.
    ancestors: Vec<Link>,
    /// Sub-terms: cities of a province, counties of a city, narrower mechanisms.
    children: Vec<TermLink>,
    feed: Option<String>,
}

#[derive(Serialize)]
struct TreeNode {
    name: String,
    url: String,
    count: usize,
    children: Vec<TreeNode>,
}

// ---------------------------------------------------------------- rendering

/// Each page's fingerprint: a hash of everything its rendering reads (its template and the
/// templates that one uses, the site settings, the practices and terms it shows). A page whose
/// fingerprint did not change renders to the same bytes, so an incremental render keeps them.
pub type Keys = HashMap<String, u64>;

/// The pages a render drew (put into its sink), every page's fingerprint, and the cards (feeds
/// reuse them).
pub struct Pages {
    pub drawn: Vec<String>,
    pub keys: Keys,
    pub cards: Vec<Card>,
}

/// Renders the site's pages, drawing only those whose fingerprint differs from `prev` (all of
/// them without `prev`). `keys` holds every page's fingerprint, drawn or not.
///
/// `cached` maps a practice's content hash to its card from an earlier render of the same
/// vocabulary and gazetteer; cards not in it are made.
pub fn render_pages(
    site: &Site,
    prev: Option<&Keys>,
    cached: Option<HashMap<u64, Card>>,
    sink: &dyn Sink,
) -> Result<Pages, Vec<Diagnostic>> {
    let (tera, sources) = crate::timing::phase("templates", || templates(site)).map_err(|d| vec![d])?;
    let cards = crate::timing::phase("cards", || cards(site, cached));
    let card_keys = cards.iter().map(hash_of).collect();
    let r = Renderer {
        site,
        tera: &tera,
        cards,
        card_keys,
        template_keys: template_keys(&sources),
        global: hash_of(&(format!("{:?}", site.config), format!("{:?}", site.vocab.mechanisms))),
        taxonomy_key: taxonomy_key(site),
    };
    let mut jobs: Vec<Job> = vec![Job::Home, Job::Search];
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
    let keyed: Vec<(String, u64)> =
        crate::timing::phase("keys", || jobs.par_iter().map(|j| (r.path(j), r.key(j))).collect());
    let todo: Vec<usize> =
        (0..jobs.len()).filter(|&n| prev.is_none_or(|keys| keys.get(&keyed[n].0) != Some(&keyed[n].1))).collect();
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
    Ok(Pages { drawn, keys: keyed.into_iter().collect(), cards: r.cards })
}

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Per template, a hash of its source and of every template it extends, imports or includes.
fn template_keys(sources: &BTreeMap<String, String>) -> HashMap<String, u64> {
    let uses = Regex::new(r#"\{%-?\s*(?:extends|import|include)\s+"([^"]+)""#).expect("valid pattern");
    fn key(
        name: &str,
        sources: &BTreeMap<String, String>,
        uses: &Regex,
        depth: usize,
        memo: &mut HashMap<String, u64>,
    ) -> u64 {
        if let Some(&k) = memo.get(name) {
            return k;
        }
        let src = sources.get(name).map_or("", String::as_str);
        let mut deps: Vec<u64> = Vec::new();
        if depth < 16 {
            for c in uses.captures_iter(src) {
                deps.push(key(&c[1], sources, uses, depth + 1, memo));
            }
        }
        let k = hash_of(&(src, deps));
        memo.insert(name.to_string(), k);
        k
    }
    let mut memo = HashMap::new();
    for name in sources.keys() {
        key(name, sources, &uses, 0, &mut memo);
    }
    memo
}

/// A hash of every term with its count: what the home page, the taxonomy indexes and the
/// region pages' child lists show.
fn taxonomy_key(site: &Site) -> u64 {
    let t = &site.taxonomies;
    let regions: Vec<(&str, usize)> = t.regions.iter().map(|r| (r.slug.as_str(), r.practices.len())).collect();
    let mechanisms: Vec<usize> = t.mechanisms.iter().map(|m| m.practices.len()).collect();
    let years: Vec<(i32, usize)> = t.years.iter().map(|y| (y.year, y.practices.len())).collect();
    hash_of(&(regions, mechanisms, years, site.practices.len()))
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

/// A job's identity as a hashable value.
fn job_id(job: &Job) -> String {
    format!("{job:?}")
}

#[derive(Debug)]
enum Job {
    Home,
    Search,
    NotFound,
    Taxonomy(Kind),
    Practice(usize),
    Region(usize, usize),
    Mechanism(usize, usize),
    Year(usize, usize),
}

struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    cards: Vec<Card>,
    /// Fingerprints (see `Keys`): of each card, each template, the settings, the term counts.
    card_keys: Vec<u64>,
    template_keys: HashMap<String, u64>,
    global: u64,
    taxonomy_key: u64,
}

impl Renderer<'_> {
    fn template(job: &Job) -> &'static str {
        match job {
            Job::Home => "index.html",
            Job::Search => "search.html",
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
            Job::NotFound => routes::NOT_FOUND.into(),
            Job::Taxonomy(kind) => routes::taxonomy(kind),
            Job::Practice(i) => routes::practice(&self.site.practices[i].slug),
            Job::Region(i, p) => routes::region(&t.regions[i].slug, p),
            Job::Mechanism(i, p) => routes::mechanism(&self.site.vocab.mechanisms[t.mechanisms[i].mechanism].id, p),
            Job::Year(i, p) => routes::year(t.years[i].year, p),
        }
    }

    /// The fingerprint of a job: everything its page reads.
    fn key(&self, job: &Job) -> u64 {
        let site = self.site;
        let per = site.config.paginate;
        let t = &site.taxonomies;
        let page_cards = |items: &[usize], page: usize| -> Vec<u64> {
            items.iter().skip(page * per).take(per).map(|&i| self.card_keys[i]).collect()
        };
        let own: u64 = match *job {
            Job::Home => hash_of(&(self.taxonomy_key, self.card_keys.iter().take(8).collect::<Vec<_>>())),
            Job::Search => 0,
            Job::NotFound => hash_of(&self.stylesheet()),
            Job::Taxonomy(_) => self.taxonomy_key,
            Job::Practice(i) => {
                let p = &site.practices[i];
                let related: Vec<u64> = site.related[i].iter().map(|&j| self.card_keys[j]).collect();
                hash_of(&(p.hash, &p.slug, &p.source, related))
            }
            Job::Region(i, page) => {
                let r = &t.regions[i];
                let children: Vec<(&str, usize)> =
                    r.children.iter().map(|&c| (t.regions[c].slug.as_str(), t.regions[c].practices.len())).collect();
                hash_of(&(r.unit, &r.slug, r.practices.len(), children, page_cards(&r.practices, page)))
            }
            Job::Mechanism(i, page) => {
                let m = &t.mechanisms[i];
                let children: Vec<usize> =
                    site.vocab.children(m.mechanism).into_iter().map(|c| self.mechanism_count(c)).collect();
                hash_of(&(m.mechanism, m.practices.len(), children, page_cards(&m.practices, page)))
            }
            Job::Year(i, page) => {
                let y = &t.years[i];
                hash_of(&(y.year, y.practices.len(), page_cards(&y.practices, page)))
            }
        };
        let template = self.template_keys.get(Self::template(job)).copied().unwrap_or(0);
        hash_of(&(self.global, template, job_id(job), own))
    }

    /// Draws a job's page, which lives at `path` (see [`Renderer::path`]).
    fn job(&self, job: &Job, path: &str) -> Result<Vec<u8>, Diagnostic> {
        match *job {
            Job::Home => self.home(path),
            Job::Search => self.draw("search.html", &self.context(path, "search", "搜索")),
            Job::NotFound => self.not_found(path),
            Job::Taxonomy(kind) => self.taxonomy(kind, path),
            Job::Practice(i) => self.practice(i, path),
            Job::Region(i, p) => self.region(i, p, path),
            Job::Mechanism(i, p) => self.mechanism(i, p, path),
            Job::Year(i, p) => self.year(i, p, path),
        }
    }

    fn context(&self, path: &str, section: &str, title: &str) -> Context {
        let c = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &SiteView { title: &c.title, description: &c.description, language: &c.language, base_url: &c.base_url },
        );
        ctx.insert("root", &root_of(path));
        ctx.insert("section", section);
        ctx.insert("page_title", title);
        ctx.insert("canonical", &format!("{}{}", c.base_url, routes::public(path)));
        ctx
    }

    fn draw(&self, template: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        let html = self.tera.render(template, ctx).map_err(|e| tera_diagnostic(self.site, template, &e))?;
        Ok(html.into_bytes())
    }

    fn home(&self, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let mut ctx = self.context(path, "home", &site.config.title);
        let t = &site.taxonomies;
        ctx.insert("count_practices", &site.practices.len());
        ctx.insert("count_regions", &t.regions.len());
        ctx.insert("count_mechanisms", &t.mechanisms.iter().filter(|m| !m.practices.is_empty()).count());
        ctx.insert("count_years", &t.years.len());
        ctx.insert("newest", &self.cards.iter().take(8).collect::<Vec<_>>());
        ctx.insert("provinces", &self.province_links());
        let active: Vec<TermLink> = self.mechanism_links().into_iter().filter(|l| l.count > 0).collect();
        ctx.insert("mechanisms", &active);
        ctx.insert("years", &self.year_links());
        ctx.insert("chart_years", &chart::bars("chart-years", "各年份实践数", &self.year_bars()));
        ctx.insert("chart_mechanisms", &chart::bars("chart-mechanisms", "各机制实践数", &self.mechanism_bars()));
        ctx.insert("chart_provinces", &chart::bars("chart-provinces", "各省份实践数", &self.province_bars()));
        self.draw("index.html", &ctx)
    }

    fn not_found(&self, path: &str) -> Result<Vec<u8>, Diagnostic> {
        // Served for missing URLs at any depth, where relative links cannot work: links use
        // base_url and the stylesheet is inlined.
        let mut ctx = self.context(path, "404", "页面未找到");
        ctx.insert("root", &self.site.config.base_url);
        ctx.insert("inline_css", &self.stylesheet());
        self.draw("404.html", &ctx)
    }

    fn stylesheet(&self) -> String {
        std::fs::read_to_string(self.site.root.join(&self.site.config.paths.static_dir).join("style.css"))
            .unwrap_or_else(|_| BUILTIN_STATIC[0].1.to_string())
    }

    fn practice(&self, i: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let p = &site.practices[i];
        let mut ctx = self.context(path, "practice", &p.front.title);
        let g = site.gazetteer;
        let regions =
            p.regions.iter().map(|&u| g.lineage(u).into_iter().filter_map(|a| self.region_link(a)).collect()).collect();
        let mechanisms = p
            .mechanisms
            .iter()
            .map(|&m| {
                let v = &site.vocab.mechanisms[m];
                MechanismView { name: v.name.clone(), en: v.en.clone(), url: routes::mechanism(&v.id, 0) }
            })
            .collect();
        let view = PracticeView {
            title: p.front.title.clone(),
            subtitle: p.front.subtitle.clone(),
            date: p.front.date.clone(),
            year: p.front.year,
            year_inferred: p.front.year_inferred,
            year_url: p.front.year.map(|y| routes::year(y, 0)),
            practice: p.front.practice.clone(),
            source: p.front.source.clone(),
            author: p.front.author.clone(),
            lang: p.front.lang.clone(),
            regions,
            mechanisms,
            keywords: p.front.keywords.clone(),
            body: markdown_to_html(&p.body),
            provenance: p.front.import.as_ref().map(|i| ProvenanceView {
                file: i.file.clone(),
                sha256: i.sha256.clone(),
                story: i.story,
                stories: i.stories,
                also: i.also.iter().map(|a| a.file.clone()).collect(),
            }),
            related: site.related[i].iter().map(|&j| self.cards[j].clone()).collect(),
            source_file: p.source.display().to_string(),
        };
        ctx.insert("page", &view);
        self.draw("practice.html", &ctx)
    }

    fn region_link(&self, unit: usize) -> Option<Link> {
        let t = self.site.taxonomies.region_term(unit)?;
        Some(Link {
            name: self.site.gazetteer.unit(unit).name.clone(),
            url: routes::region(&self.site.taxonomies.regions[t].slug, 0),
        })
    }

    /// Page `page` of a list whose page n is at `url(n)`.
    fn paginate(&self, url: &dyn Fn(usize) -> String, items: &[usize], page: usize) -> Paginator {
        let per = self.site.config.paginate;
        let pages = routes::pages_of(items.len(), per);
        Paginator {
            items: items.iter().skip(page * per).take(per).map(|&i| self.cards[i].clone()).collect(),
            page: page + 1,
            pages,
            prev: (page > 0).then(|| url(page - 1)),
            next: (page + 1 < pages).then(|| url(page + 1)),
            links: pager_window(page, pages)
                .scan(None, |prev: &mut Option<usize>, n| {
                    let gap_before = prev.is_some_and(|p| n > p + 1);
                    *prev = Some(n);
                    Some(PageLink { number: n + 1, url: url(n), gap_before })
                })
                .collect(),
        }
    }

    /// Page `page` of a term, at `path`; the term's page n is at `url(n)`.
    fn term_page(
        &self,
        (path, url): (&str, &dyn Fn(usize) -> String),
        page: usize,
        term: TermView,
        items: &[usize],
    ) -> Result<Vec<u8>, Diagnostic> {
        let title = if page == 0 { term.name.clone() } else { format!("{}（第{}页）", term.name, page + 1) };
        let mut ctx = self.context(path, term.kind, &title);
        ctx.insert("paginator", &self.paginate(url, items, page));
        ctx.insert("term", &term);
        self.draw("term.html", &ctx)
    }

    fn region(&self, i: usize, page: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let t = &self.site.taxonomies.regions[i];
        let g = self.site.gazetteer;
        let ancestors = g
            .lineage(t.unit)
            .into_iter()
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .filter_map(|a| self.region_link(a))
            .collect();
        let children = t.children.iter().map(|&c| self.region_term_link(c)).collect();
        let view = TermView {
            kind: Kind::Region.as_str(),
            name: g.unit(t.unit).name.clone(),
            en: None,
            description: None,
            description_en: None,
            count: t.practices.len(),
            ancestors,
            children,
            feed: None,
        };
        self.term_page((path, &|n| routes::region(&t.slug, n)), page, view, &t.practices)
    }

    fn mechanism(&self, i: usize, page: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let t = &self.site.taxonomies.mechanisms[i];
        let vocab = &self.site.vocab;
        let m = &vocab.mechanisms[t.mechanism];
        let ancestors = vocab
            .ancestors(t.mechanism)
            .into_iter()
            .map(|a| Link {
                name: vocab.mechanisms[a].name.clone(),
                url: routes::mechanism(&vocab.mechanisms[a].id, 0),
            })
            .collect();
        let view = TermView {
            kind: Kind::Mechanism.as_str(),
            name: m.name.clone(),
            en: Some(m.en.clone()),
            description: Some(m.description.clone()),
            description_en: m.description_en.clone(),
            count: t.practices.len(),
            ancestors,
            children: vocab.children(t.mechanism).into_iter().map(|c| self.mechanism_link(c)).collect(),
            feed: Some(routes::mechanism_feed(&m.id)),
        };
        self.term_page((path, &|n| routes::mechanism(&m.id, n)), page, view, &t.practices)
    }

    fn year(&self, i: usize, page: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let t = &self.site.taxonomies.years[i];
        let view = TermView {
            kind: Kind::Year.as_str(),
            name: format!("{}年", t.year),
            en: None,
            description: None,
            description_en: None,
            count: t.practices.len(),
            ancestors: Vec::new(),
            children: Vec::new(),
            feed: None,
        };
        self.term_page((path, &|n| routes::year(t.year, n)), page, view, &t.practices)
    }

    fn taxonomy(&self, kind: Kind, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let (title, terms, chart) = match kind {
            Kind::Region => ("地区", Vec::new(), chart::bars("chart-provinces", "各省份实践数", &self.province_bars())),
            Kind::Mechanism => (
                "机制",
                self.mechanism_links(),
                chart::bars("chart-mechanisms", "各机制实践数", &self.mechanism_bars()),
            ),
            Kind::Year => ("年份", self.year_links(), chart::bars("chart-years", "各年份实践数", &self.year_bars())),
        };
        let mut ctx = self.context(path, kind.as_str(), title);
        ctx.insert("kind", kind.as_str());
        ctx.insert("terms", &terms);
        ctx.insert("tree", &self.region_tree());
        if kind == Kind::Mechanism {
            ctx.insert("mechanism_tree", &self.mechanism_tree());
        }
        ctx.insert("chart", &chart);
        self.draw("taxonomy.html", &ctx)
    }

    fn region_term_link(&self, i: usize) -> TermLink {
        let t = &self.site.taxonomies.regions[i];
        TermLink {
            name: self.site.gazetteer.unit(t.unit).name.clone(),
            url: routes::region(&t.slug, 0),
            count: t.practices.len(),
            en: None,
            description: None,
        }
    }

    fn region_tree(&self) -> Vec<TreeNode> {
        fn node(r: &Renderer, i: usize) -> TreeNode {
            let l = r.region_term_link(i);
            TreeNode {
                name: l.name,
                url: l.url,
                count: l.count,
                children: r.site.taxonomies.regions[i].children.iter().map(|&c| node(r, c)).collect(),
            }
        }
        self.site.taxonomies.provinces().map(|(i, _)| node(self, i)).collect()
    }

    fn province_links(&self) -> Vec<TermLink> {
        self.site.taxonomies.provinces().map(|(i, _)| self.region_term_link(i)).collect()
    }

    fn mechanism_links(&self) -> Vec<TermLink> {
        (0..self.site.vocab.mechanisms.len()).map(|m| self.mechanism_link(m)).collect()
    }

    /// Practices tagged with vocabulary entry `m`.
    fn mechanism_count(&self, m: usize) -> usize {
        self.site.taxonomies.mechanisms.iter().find(|t| t.mechanism == m).map_or(0, |t| t.practices.len())
    }

    fn mechanism_link(&self, m: usize) -> TermLink {
        let v = &self.site.vocab.mechanisms[m];
        TermLink {
            name: v.name.clone(),
            url: routes::mechanism(&v.id, 0),
            count: self.mechanism_count(m),
            en: Some(v.en.clone()),
            description: Some(v.description.clone()),
        }
    }

    /// The vocabulary as a forest: entries without a parent, each with its narrower entries.
    fn mechanism_tree(&self) -> Vec<MechanismNode> {
        let vocab = &self.site.vocab;
        fn node(r: &Renderer, m: usize) -> MechanismNode {
            let v = &r.site.vocab.mechanisms[m];
            MechanismNode {
                name: v.name.clone(),
                url: routes::mechanism(&v.id, 0),
                count: r.mechanism_count(m),
                en: v.en.clone(),
                description: v.description.clone(),
                description_en: v.description_en.clone(),
                children: r.site.vocab.children(m).into_iter().map(|c| node(r, c)).collect(),
            }
        }
        (0..vocab.mechanisms.len()).filter(|&m| vocab.parent(m).is_none()).map(|m| node(self, m)).collect()
    }

    fn year_links(&self) -> Vec<TermLink> {
        self.site
            .taxonomies
            .years
            .iter()
            .map(|t| TermLink {
                name: format!("{}年", t.year),
                url: routes::year(t.year, 0),
                count: t.practices.len(),
                en: None,
                description: None,
            })
            .collect()
    }

    fn year_bars(&self) -> Vec<Bar> {
        let mut v: Vec<Bar> = self.year_links().into_iter().map(|l| Bar { label: l.name, value: l.count }).collect();
        v.reverse();
        v
    }

    fn mechanism_bars(&self) -> Vec<Bar> {
        let mut v: Vec<Bar> = self
            .mechanism_links()
            .into_iter()
            .filter(|l| l.count > 0)
            .map(|l| Bar { label: l.name, value: l.count })
            .collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.value));
        v
    }

    fn province_bars(&self) -> Vec<Bar> {
        let mut v: Vec<Bar> =
            self.province_links().into_iter().map(|l| Bar { label: l.name, value: l.count }).collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.value));
        v
    }
}

/// A card per practice, in site order.
fn cards(site: &Site, cached: Option<HashMap<u64, Card>>) -> Vec<Card> {
    match cached {
        Some(mut cached) => {
            site.practices.iter().map(|p| cached.remove(&p.hash).unwrap_or_else(|| card(site, p))).collect()
        }
        None => site.practices.par_iter().map(|p| card(site, p)).collect(),
    }
}

fn card(site: &Site, p: &Practice) -> Card {
    {
        Card {
            url: routes::practice(&p.slug),
            title: p.front.title.clone(),
            subtitle: p.front.subtitle.clone(),
            when: p
                .front
                .date
                .clone()
                .unwrap_or_else(|| p.front.year.map(|y| format!("{y}年")).unwrap_or_else(|| "年份不详".into())),
            lang: p.front.lang.clone(),
            region: p.regions.first().map(|&u| site.gazetteer.path(u).replace('/', " › ")),
            mechanisms: p
                .mechanisms
                .iter()
                .map(|&m| {
                    let v = &site.vocab.mechanisms[m];
                    Link { name: v.name.clone(), url: routes::mechanism(&v.id, 0) }
                })
                .collect(),
            excerpt: excerpt(&p.body, 90),
        }
    }
}

/// The first `n` characters of a page's text (headings skipped), for lists and feeds.
pub fn excerpt(markdown: &str, n: usize) -> String {
    let mut text = String::new();
    let mut in_heading = false;
    for ev in Parser::new(markdown) {
        match ev {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) if !in_heading => text.push_str(&t),
            Event::End(TagEnd::Paragraph) if !text.is_empty() => text.push(' '),
            _ => {}
        }
        if text.chars().count() > n {
            break;
        }
    }
    let t = text.trim();
    if t.chars().count() > n {
        format!("{}…", t.chars().take(n).collect::<String>())
    } else {
        t.to_string()
    }
}

/// All the text of a Markdown page, paragraphs on their own lines (for the search index and
/// excerpts).
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for ev in Parser::new(markdown) {
        match ev {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => text.push('\n'),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim_end().to_string()
}

/// A page's Markdown as HTML. Pages come from scraped articles, so nothing in one may run:
/// raw HTML is shown as text (a stray `<script>` or `onerror=` is visible, not executed), and a
/// link or image whose URL is not [`safe_url`] is dropped, keeping its text.
pub fn markdown_to_html(md: &str) -> String {
    let mut html = String::with_capacity(md.len() * 3 / 2);
    // Per open link or image: whether it was dropped (they do not nest, but images sit in links).
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
            let safe = safe_url(dest_url);
            dropped.push(!safe);
            safe.then_some(e)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(e)
        }
        e => Some(e),
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Whether a URL from a page may stay a link: `http`, `https`, `mailto`, or no scheme at all
/// (relative, fragment). The URL is read as a browser reads it: entities are already decoded
/// by the Markdown parser, and a browser ignores control characters, spaces, tabs and newlines
/// around and inside the scheme (`\tjava\nscript:`), so they are ignored here too.
pub fn safe_url(url: &str) -> bool {
    let squeezed: String = url.chars().filter(|&c| c > ' ' && c != '\u{7f}').take(64).collect();
    let Some(colon) = squeezed.find(':') else { return true };
    let scheme = &squeezed[..colon];
    if scheme.contains(['/', '?', '#']) {
        // `a/b:c`, `?q=x:y`, `#x:y`: the colon is past the scheme, so this is relative.
        return true;
    }
    ["http", "https", "mailto"].iter().any(|s| scheme.eq_ignore_ascii_case(s))
}

// ---------------------------------------------------------------- templates

/// Loads the built-in templates, replaced by the project's files of the same name.
fn templates(site: &Site) -> Result<(Tera, BTreeMap<String, String>), Diagnostic> {
    let dir = site.root.join(&site.config.paths.templates);
    let mut sources: BTreeMap<String, String> =
        BUILTIN_TEMPLATES.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().to_string();
            if name.ends_with(".html") || name.ends_with(".xml") {
                let text = std::fs::read_to_string(e.path())
                    .map_err(|err| Diagnostic::new(&e.path(), format!("cannot read: {err}")))?;
                sources.insert(name, text);
            }
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also writes `/` as `&#x2F;`, which makes every URL unreadable.
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| tera_diagnostic(site, "", &e))?;
    if let Some(c) = recursion::find_cycle(&tera) {
        let (file, text) = template_source(site, &c.template);
        let d = Diagnostic::new(
            &file,
            format!(
                "endless recursion: {} (an include or macro call that comes back to itself outside an `if` or `for` never ends)",
                c.chain
            ),
        );
        return Err(match text {
            Some(t) => d.at_text(&t, 1, &c.needle),
            None => d,
        });
    }
    Ok((tera, sources))
}

/// The file a template name comes from: the project's, or the built-in one.
fn template_source(site: &Site, name: &str) -> (PathBuf, Option<String>) {
    let rel = site.config.paths.templates.join(name);
    match std::fs::read_to_string(site.root.join(&rel)) {
        Ok(text) => (rel, Some(text)),
        Err(_) => (
            Path::new("<built-in templates>").join(name),
            BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, s)| s.to_string()),
        ),
    }
}

/// A Tera error as a diagnostic pointing into the template: parse errors carry `--> L:C`;
/// for an unknown variable the first use of its name is found in the template.
pub fn tera_diagnostic(site: &Site, template: &str, e: &tera::Error) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let all = chain.join("\n");
    let name = quoted_after(&all, "template '")
        .or_else(|| quoted_after(&all, "Template `").filter(|_| all.contains("loads macros from `")))
        .or_else(|| quoted_after(&all, "Template '").filter(|_| all.contains("is inheriting from '")))
        .or_else(|| quoted_after(&all, "Failed to parse '"))
        .or_else(|| quoted_after(&all, "while rendering '"))
        .unwrap_or_else(|| template.to_string());
    let (file, text) = template_source(site, &name);
    let message = chain.last().cloned().unwrap_or_default();
    let first_line = message
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("-->"))
        .unwrap_or("")
        .trim()
        .to_string();
    let mut d = Diagnostic::new(&file, if first_line.is_empty() { all.clone() } else { first_line });
    if let Some(text) = text {
        if let Some(pos) = all.find("--> ") {
            let lc: Vec<usize> = all[pos + 4..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .take(2)
                .filter_map(|s| s.parse().ok())
                .collect();
            if let [line, col] = lc[..] {
                // The parser's own explanation (`= expected …`), else its last words that are
                // not a quoted source line (`6 | <h1>…`).
                let source_line = |l: &str| {
                    let t = l.trim_start();
                    t.starts_with('|')
                        || t.split_once('|').is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit()))
                };
                let explained = all.lines().map(str::trim).find_map(|l| l.strip_prefix("= ")).map(str::to_string);
                d.message = explained
                    .or_else(|| {
                        all.lines()
                            .rev()
                            .find(|l| !l.trim().is_empty() && !l.contains("-->") && !source_line(l))
                            .map(|l| l.trim().to_string())
                    })
                    .map(|m| if m.starts_with("expected") { format!("syntax error: {m}") } else { m })
                    .unwrap_or(d.message);
                // At the very end of the file the parser is still waiting for an end tag.
                if line >= text.lines().count() {
                    if let Some((l, c, tag)) = unclosed_block(&text) {
                        d.message = format!("`{{% {tag} %}}` is never closed: add `{{% end{tag} %}}`");
                        return d.at(&text, l, c);
                    }
                }
                return d.at(&text, line, col);
            }
        }
        if let Some(var) = quoted_after(&all, "Variable `").map(|v| v.trim_end_matches('`').to_string()) {
            d.message = format!("unknown variable `{var}` (not in this template's context)");
            return d.at_text(&text, 1, &var);
        }
        if let Some(parent) = all.split("is inheriting from '").nth(1).and_then(|r| r.split('\'').next()) {
            d.message = format!("extends `{parent}`, but there is no such template");
            return d.at_text(&text, 1, parent);
        }
        if let Some(missing) = all.split("loads macros from `").nth(1).and_then(|r| r.split('`').next()) {
            d.message = format!("`{missing}` is imported here but there is no such template");
            return d.at_text(&text, 1, missing);
        }
        // An unknown filter, test, function or macro, a missing template: point at its name.
        for (prefix, what) in [
            ("Filter '", "filter"),
            ("Test '", "test"),
            ("Function '", "function"),
            ("Macro `", "macro"),
            ("Template '", "template"),
        ] {
            if let Some(name) = quoted_after(&all, prefix).filter(|n| text.contains(n.as_str())) {
                d.message = format!("unknown {what} `{name}`");
                return d.at_text(&text, 1, &name);
            }
        }
    }
    d
}

/// The first block tag of a template that no end tag closes: line, column and tag name.
fn unclosed_block(text: &str) -> Option<(usize, usize, &'static str)> {
    const TAGS: &[&str] = &["if", "for", "block", "macro", "filter", "raw"];
    let mut open: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("{%") {
            let tag = rest[at + 2..].trim_start_matches(['-', ' ']);
            let word: String = tag.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let col = line[..offset + at].chars().count() + 1;
            if let Some(t) = TAGS.iter().find(|t| **t == word) {
                open.push((i + 1, col, t));
            } else if let Some(t) = word.strip_prefix("end") {
                if let Some(k) = open.iter().rposition(|o| o.2 == t) {
                    open.truncate(k);
                }
            }
            offset += at + 2;
            rest = &rest[at + 2..];
        }
    }
    open.first().copied()
}

/// The text after `prefix` up to the next `'` or backtick.
fn quoted_after(s: &str, prefix: &str) -> Option<String> {
    let at = s.find(prefix)? + prefix.len();
    let rest = &s[at..];
    let end = rest.find(['\'', '`'])?;
    Some(rest[..end].to_string())
}

/// Copies the built-in and the project's static files under `static/`.
pub fn static_files(site: &Site, files: &mut Files) -> Result<(), Diagnostic> {
    for (name, text) in BUILTIN_STATIC {
        files.insert(routes::static_file(name), text.as_bytes().to_vec());
    }
    let dir = site.root.join(&site.config.paths.static_dir);
    if dir.is_dir() {
        for e in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
            let rel = e.path().strip_prefix(&dir).expect("inside the static folder");
            let bytes =
                std::fs::read(e.path()).map_err(|err| Diagnostic::new(e.path(), format!("cannot read: {err}")))?;
            files.insert(routes::static_file(&rel.to_string_lossy().replace('\\', "/")), bytes);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lists_show_the_ends_and_a_window_around_the_current_page() {
        let shown = |page, pages| pager_window(page, pages).map(|n| n + 1).collect::<Vec<_>>();
        assert_eq!(shown(14, 30), [1, 13, 14, 15, 16, 17, 30]);
        assert_eq!(shown(0, 30), [1, 2, 3, 30]);
        assert_eq!(shown(29, 30), [1, 28, 29, 30]);
        assert_eq!(shown(1, 4), [1, 2, 3, 4]);
        assert_eq!(shown(0, 1), [1]);
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("## 小标题\n\n第一段文字。\n\n第二段。", 8), "第一段文字。 第…");
    }

    #[test]
    fn only_web_and_mail_urls_stay_links() {
        for ok in ["https://x.org/", "HTTP://x.org", "mailto:a@b.cn", "../a/index.html", "#top", "a/b:c", "?q=a:b", ""]
        {
            assert!(safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/svg+xml,x",
            "file:///etc/passwd",
        ] {
            assert!(!safe_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn script_urls_in_markdown_render_as_text() {
        let md = "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](java&#x73;cript:alert(1)) \
                  [d](&#9;&#1;javascript:alert(1)) <javascript:alert(1)> <vbscript:x> ![e](data:image/svg+xml,x) \
                  ![f](javascript:alert(1)) [![g](javascript:x)](https://x.org/) [ok](https://x.org/) \
                  [ref][r]\n\n[r]: javascript:alert(1)\n";
        let html = markdown_to_html(md);
        let attrs: Vec<&str> = Regex::new(r#"(?:href|src)="([^"]*)""#)
            .unwrap()
            .captures_iter(&html)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        assert_eq!(attrs, ["https://x.org/", "https://x.org/"], "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(" javascript:alert(1) vbscript:x "), "autolinks stay as text: {html}");
        assert!(html.contains("<a href=\"https://x.org/\">ok</a>"), "{html}");
        assert!(html.contains("<a href=\"https://x.org/\">g</a>"), "{html}");
        for text in ["a", "b", "c", "d", "e", "f", "ref"] {
            assert!(html.contains(&format!("{text} ")) || html.contains(&format!("{text}<")), "{text}: {html}");
        }
    }

    #[test]
    fn raw_html_in_pages_is_shown_as_text() {
        assert_eq!(
            markdown_to_html("a <b>x</b>\n\n<script>y</script>"),
            "<p>a &lt;b&gt;x&lt;/b&gt;</p>\n&lt;script&gt;y&lt;/script&gt;"
        );
    }
}
