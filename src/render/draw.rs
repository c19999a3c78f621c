//! The draw functions: a page's view (see `views`) built from the site model and drawn
//! through its template.

use tera::Context;

use super::research::ResearchView;
use super::views::{
    Link, MechanismNode, MechanismView, PageLink, Paginator, PracticeView, ProvenanceView, SiteView, TermLink,
    TermView, TreeNode,
};
use super::{templates, Job, Renderer};
use crate::chart::{self, Bar};
use crate::diag::Diagnostic;
use crate::markdown::{markdown_to_html, safe_url};
use crate::routes::{self, root_of};
use crate::taxonomy::Kind;

impl Renderer<'_> {
    /// Draws a job's page, which lives at `path` (see [`Renderer::path`]).
    pub(super) fn job(&self, job: &Job, path: &str) -> Result<Vec<u8>, Diagnostic> {
        match *job {
            Job::Home => self.home(path),
            Job::Search => self.draw("search.html", &self.context(path, "search", "搜索")),
            Job::Compare => {
                let mut ctx = self.context(path, "compare", "对比实践");
                ctx.insert("chunks", &crate::compare::chunk_count(self.site.practices.len()));
                self.draw("compare.html", &ctx)
            }
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

    /// The page as bytes, written by Tera straight into them (`render` would check the whole
    /// page is UTF-8 again, to make it a `String`: every piece of it already is).
    fn draw(&self, template: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        let mut html = Vec::new();
        self.tera
            .render_to(template, ctx, &mut html)
            .map_err(|e| templates::tera_diagnostic(self.site, template, &e))?;
        Ok(html)
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
        // base_url and the stylesheet and favicon are inlined.
        let mut ctx = self.context(path, "404", "页面未找到");
        ctx.insert("root", &self.site.config.base_url);
        ctx.insert("inline_css", &self.stylesheet);
        ctx.insert("inline_favicon", &self.favicon);
        self.draw("404.html", &ctx)
    }

    fn practice(&self, i: usize, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let p = &site.practices[i];
        let body =
            p.body(&site.root).map_err(|e| Diagnostic::new(&p.source, format!("cannot read the page again: {e}")))?;
        let mut ctx = self.context(path, "practice", &p.front.title);
        let g = site.gazetteer;
        let regions: Vec<Vec<Link>> =
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
            region_groups: super::views::region_groups(&regions),
            regions,
            mechanisms,
            keywords: p.front.keywords.clone(),
            body: markdown_to_html(&body),
            provenance: p.front.import.as_ref().map(|i| ProvenanceView {
                file: i.file.clone(),
                sha256: i.sha256.clone(),
                story: i.story,
                stories: i.stories,
                also: i.also.iter().map(|a| a.file.clone()).collect(),
                url: i.url.clone().filter(|u| {
                    let lower = u.trim_start().to_ascii_lowercase();
                    (lower.starts_with("http://") || lower.starts_with("https://")) && safe_url(u)
                }),
                captured: i.captured.clone(),
            }),
            related: site.related[i].iter().map(|&j| self.cards[j].clone()).collect(),
            source_file: p.source.display().to_string(),
            cite: self.cite(i, path),
        };
        ctx.insert("page", &view);
        ctx.insert("accessed", crate::cite::ACCESSED);
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
            links: super::views::pager_window(page, pages)
                .scan(None, |prev: &mut Option<usize>, n| {
                    let gap_before = prev.is_some_and(|p| n > p + 1);
                    *prev = Some(n);
                    Some(PageLink { number: n + 1, url: url(n), gap_before })
                })
                .collect(),
        }
    }

    /// Page `page` of a term, at `path`; the term's page n is at `url(n)`. `research` (maps,
    /// grids, the CSV slice) shows on the first page only.
    fn term_page(
        &self,
        (path, url): (&str, &dyn Fn(usize) -> String),
        (page, research): (usize, Option<ResearchView>),
        term: TermView,
        items: &[usize],
    ) -> Result<Vec<u8>, Diagnostic> {
        let title = if page == 0 { term.name.clone() } else { format!("{}（第{}页）", term.name, page + 1) };
        let mut ctx = self.context(path, term.kind, &title);
        if let Some(research) = research {
            ctx.insert("research", &research);
        }
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
        let research = (page == 0).then(|| self.region_research(i, &root_of(path)));
        self.term_page((path, &|n| routes::region(&t.slug, n)), (page, research), view, &t.practices)
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
        let research = (page == 0).then(|| self.mechanism_research(i, &root_of(path)));
        self.term_page((path, &|n| routes::mechanism(&m.id, n)), (page, research), view, &t.practices)
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
        self.term_page((path, &|n| routes::year(t.year, n)), (page, None), view, &t.practices)
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
        if kind == Kind::Region {
            ctx.insert("research", &self.region_index_research(&root_of(path)));
        }
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
    pub(super) fn mechanism_count(&self, m: usize) -> usize {
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
