//! Import stage 5: one story's front matter. Its title, then what its header lines, bylines
//! and trailer say about it (date, source, authors: [`Credits`]), its year, its places and
//! mechanisms, and the fields import is unsure of (`import.review`).

use super::body::{first_clause, headline_block, markdown_body};
use super::headline::{self, Headline};
use super::lines::Line;
use super::split::Draft;
use super::{clean, dedup, meta, practice, write, Importer, Story, KEYWORDS};
use crate::content::{FrontMatter, Provenance};
use crate::fold::{fold, traditional_ratio};

/// Page-level metadata that every story on the page shares.
pub(super) struct PageMeta {
    pub(super) date: Option<(String, i32)>,
    pub(super) source: Option<String>,
    /// The year, and whether it was inferred.
    pub(super) year: Option<(i32, bool)>,
    /// The page's lines above its stories (site name, navigation, mastheads).
    pub(super) header_text: String,
    /// Reporters named in photo credits.
    pub(super) photographers: Vec<String>,
    /// The date the page's metadata gives (a `<meta>` or JSON-LD date, a record's date).
    pub(super) meta_date: Option<(String, i32)>,
}

impl PageMeta {
    pub(super) fn read(preface: &[String], html_date: Option<&str>, page_text: &str, this_year: i32) -> PageMeta {
        let date = preface
            .iter()
            .filter(|l| meta::is_date_line(l))
            .find_map(|l| meta::find_date(l))
            .or_else(|| html_date.and_then(meta::find_date));
        let source = preface
            .iter()
            .find_map(|l| meta::source_of(l))
            .or_else(|| preface.iter().find(|l| meta::is_masthead(l)).cloned())
            .or_else(|| preface.iter().find_map(|l| meta::welcome_site(l)));
        let journal = preface.iter().map(String::as_str).chain(page_text.lines()).find_map(meta::journal_year);
        let year = match (&date, journal) {
            (Some((_, y)), _) => Some((*y, false)),
            (None, Some(y)) => Some((y, false)),
            (None, None) => meta::infer_year(page_text, this_year).map(|y| (y, true)),
        };
        let meta_date = html_date.and_then(meta::find_date);
        PageMeta { date, source, year, header_text: preface.join("\n"), photographers: Vec::new(), meta_date }
    }

    /// The page's header lines short enough to be a byline or a source line.
    fn short_header_lines(&self) -> impl Iterator<Item = &str> {
        self.header_text.lines().filter(|l| l.chars().count() <= 40)
    }
}

/// What a story's own lines say about it: its date, its source and its authors.
#[derive(Default)]
struct Credits {
    date: Option<(String, i32)>,
    source: Option<String>,
    authors: Vec<String>,
}

impl Credits {
    /// The metadata lines under the headline (date lines, source lines, bylines).
    fn from_header(header: &[String]) -> Credits {
        let mut c = Credits::default();
        for h in header {
            if c.date.is_none() && meta::is_date_line(h) {
                c.date = meta::find_date(h);
            }
            if c.source.is_none() {
                c.source = meta::source_of(h)
                    .or_else(|| meta::is_date_line(h).then(|| meta::outlet_in_date_line(h)).flatten());
            }
            if let Some(n) = meta::header_names(h).filter(|n| !n.is_empty()) {
                c.add_names(&n);
            }
        }
        c
    }

    /// `张三、李四`: each name once, in order.
    fn add_names(&mut self, names: &str) {
        for n in names.split('、').map(str::trim) {
            if !n.is_empty() && !self.authors.iter().any(|a| a == n) {
                self.authors.push(n.to_string());
            }
        }
    }

    /// Bylines inside the lead paragraph or closing the story (taken out of the text), else
    /// above the headline or in a photo credit; a source line above the headline.
    fn take_bylines(&mut self, body: &mut Vec<Line>, page: &PageMeta) {
        if let Some(names) = body.first().and_then(|l| meta::inline_byline(&l.text)) {
            self.add_names(&names);
        }
        // A lead past an editor's note that opens with its reporter (`本报记者王鹏近日…`).
        if self.authors.is_empty() {
            let lead = body.iter().take(2).find(|l| !headline::is_editors_note(&l.text));
            if let Some((outlet, name)) = lead.and_then(|l| meta::lead_reporter(&l.text)) {
                self.add_names(&name);
                self.source = self.source.take().or(outlet);
            }
        }
        self.take_closing_byline(body);
        // A byline printed above the headline (`广西新闻网记者 伍永志`).
        if self.authors.is_empty() {
            let names: Vec<String> = page
                .short_header_lines()
                .filter_map(|l| meta::credited_names(l).map(|n| n.join("、")).or_else(|| meta::author_in_meta(l)))
                .collect();
            for n in names {
                self.add_names(&n);
            }
        }
        if self.authors.is_empty() {
            self.add_names(&page.photographers.join("、"));
        }
        if self.source.is_none() {
            self.source = page.short_header_lines().find_map(meta::source_of);
        }
    }

    /// A byline, a bare name or a credit closing the story: its reporters.
    fn take_closing_byline(&mut self, body: &mut Vec<Line>) {
        if let Some(last) = body.last().filter(|l| meta::is_end_byline(&l.text)) {
            if let Some(n) = meta::inline_byline(&last.text) {
                self.add_names(&n);
            }
            body.pop();
        } else if let Some(name) =
            body.last().filter(|l| l.chars() <= 8 && meta::is_name_line(&l.text)).map(|l| l.text.clone())
        {
            self.add_names(&name);
            body.pop();
        } else if let Some((at, names)) =
            body.last().and_then(|l| meta::closing_credit(&l.text).or_else(|| meta::closing_names(&l.text)))
        {
            self.add_names(&names);
            let last = body.last_mut().expect("a last line");
            last.text.truncate(at);
            if last.text.trim().is_empty() {
                body.pop();
            }
        }
    }

    /// Metadata printed after the story (some templates put date, source and link there), a
    /// citation line naming the newspaper a reprint comes from, and a wire dateline's agency:
    /// read, and the trailer and citation taken out of the text.
    fn take_trailer(&mut self, body: &mut Vec<Line>) {
        let mut trailer: Vec<String> = Vec::new();
        while let Some(l) = body.last().filter(|l| {
            l.chars() <= 80
                && (meta::is_meta_line(&l.text) || meta::is_link_line(&l.text) || meta::citation(&l.text).is_some())
        }) {
            trailer.push(l.text.clone());
            body.pop();
        }
        for t in trailer.iter().rev() {
            if self.date.is_none() && meta::is_date_line(t) {
                self.date = meta::find_date(t);
            }
            if self.source.is_none() {
                self.source = meta::source_of(t);
            }
        }
        // `《人民日报》(2019年11月13日 16版)`.
        if let Some(k) = body.iter().position(|l| l.chars() <= 60 && meta::citation(&l.text).is_some()) {
            trailer.push(body.remove(k).text);
        }
        for t in &trailer {
            if let Some((paper, when)) = meta::citation(t) {
                self.source = Some(paper);
                self.date = self.date.take().or(when);
            }
        }
        // A wire story names its agency in the dateline (`新华社天津2月28日电`): that is its
        // source, whichever site printed it.
        if let Some(agency) = body.first().and_then(|l| meta::dateline_outlet(&l.text)) {
            if agency.1 || self.source.is_none() {
                self.source = Some(agency.0);
            }
        }
    }
}

/// The story's title and subtitle: the scored headline, else its headline lines, else its
/// first clause (marked for review).
fn title_of(d: &Draft, chosen: Option<Headline>, review: &mut Vec<String>) -> (String, Option<String>) {
    match chosen {
        Some(h) => (h.title, h.subtitle),
        None if !d.headline.is_empty() => {
            let (t, s) = headline_block(&d.headline);
            (headline::tidy(&t), s)
        }
        None => {
            review.push("title".into());
            (first_clause(&d.body), None)
        }
    }
}

/// Takes jump markers (`(下转第三版)`) out of the lines; the text they leave.
fn strip_jumps(body: &mut [Line]) -> String {
    for l in body.iter_mut() {
        if let std::borrow::Cow::Owned(t) = clean::strip_jumps(&l.text) {
            l.text = t;
        }
    }
    body.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// A story's date, year and whether the year was inferred.
struct When {
    date: Option<(String, i32)>,
    year: Option<i32>,
    inferred: bool,
}

impl When {
    /// The story's own date, else the page's; else the page's year. A date printed with its
    /// day and month the other way round from the page's metadata date is that date.
    /// A repost's `更新时间` stamps the copy, not the story: when the story speaks of an
    /// earlier year as its own (`今年` with 2019), that year is the story's.
    fn of(own: Option<(String, i32)>, page: &PageMeta, header: &str, text: &str) -> When {
        let mut date = own.or_else(|| page.date.clone());
        // `06/02/2022` read month first, where the page's metadata says 2022-02-06: day first.
        if let (Some((d, _)), Some(m)) = (&date, &page.meta_date) {
            if meta::swapped(d, &m.0) {
                date = Some(m.clone());
            }
        }
        let (year, inferred) = match (&date, page.year) {
            (Some((_, y)), _) => (Some(*y), false),
            (None, Some((y, inferred))) => (Some(y), inferred),
            (None, None) => (None, false),
        };
        if let Some((d, y)) = date.clone() {
            let stamped = header
                .lines()
                .chain(page.header_text.lines())
                .any(|l| meta::is_update_stamp(l) && meta::find_date(l).is_some_and(|(found, _)| found == d));
            if let Some(own) = stamped.then(|| meta::infer_year(text, y)).flatten().filter(|&own| own < y) {
                return When { date: None, year: Some(own), inferred: true };
            }
        }
        When { date, year, inferred }
    }
}

impl Importer<'_> {
    pub(super) fn story(
        &self,
        d: Draft,
        chosen: Option<Headline>,
        page: &PageMeta,
        mut provenance: Provenance,
    ) -> Story {
        let mut review: Vec<String> = Vec::new();
        let (title, subtitle) = title_of(&d, chosen, &mut review);
        let header = d.header.join("\n");
        let mut credits = Credits::from_header(&d.header);
        let mut body = d.body;
        credits.take_bylines(&mut body, page);
        credits.take_trailer(&mut body);
        let body_text = strip_jumps(&mut body);
        // Publishers are names to group by: one script for all.
        let source = credits.source.or_else(|| page.source.clone()).map(|s| fold(&s));
        let when = When::of(credits.date, page, &header, &format!("{title}\n{body_text}"));
        if when.year.is_none() || when.inferred {
            review.push("year".into());
        }
        let title_f = fold(&format!("{title} {}", subtitle.as_deref().unwrap_or("")));
        let body_f = fold(&body_text);
        let (region, unsure) = self.region_of(&title_f, &body_f, source.as_deref(), &header, page, when.year);
        let (mechanism, weak_mechanism) = self.mechanisms.tag_with_confidence(&title_f, &body_f);
        if region.is_empty() {
            review.push("region".into());
        } else if let Some(why) = unsure {
            review.push(format!("region: {why}"));
        }
        if mechanism.is_empty() || weak_mechanism {
            review.push("mechanism".into());
        }
        provenance.review = review;
        let lang = (traditional_ratio(&body_text, &body_f) > 0.03).then(|| "zh-Hant".to_string());
        // A story can be tens of megabytes: one copy of its text less before the next is made.
        drop(body_text);
        let all_f = format!("{title_f}\n{body_f}");
        let named = practice::named(&all_f);
        let unknown_practices = named.iter().filter(|n| !self.mechanisms.covers(n)).cloned().collect();
        let front = FrontMatter {
            title: title.clone(),
            subtitle,
            date: when.date.map(|(d, _)| d),
            year: when.year,
            year_inferred: when.inferred,
            source,
            author: (!credits.authors.is_empty()).then(|| credits.authors.join("、")),
            lang,
            region,
            mechanism,
            // Names to group and search by, like publishers: one script for all.
            practice: named.clone(),
            keywords: self.segmenter.keywords(&all_f, KEYWORDS),
            import: Some(provenance),
        };
        Story {
            file_stem: write::file_stem(&title, when.year, &body_f),
            front,
            body: markdown_body(&body),
            fingerprint: dedup::shingles(&body_f),
            unknown_practices,
        }
    }

    /// The story's places; when it names none it dwells on, a local site's name stands in
    /// (睢宁新闻网): weak evidence, used only then.
    fn region_of(
        &self,
        title_f: &str,
        body_f: &str,
        source: Option<&str>,
        header: &str,
        page: &PageMeta,
        year: Option<i32>,
    ) -> (Vec<String>, Option<String>) {
        let tagged = self.regions.tag_dated(title_f, body_f, year);
        if !tagged.regions.is_empty() {
            return (tagged.regions, tagged.unsure);
        }
        let site = fold(&format!("{}\n{header}\n{}", source.unwrap_or(""), page.header_text));
        let tagged = self.regions.tag_dated(title_f, &format!("{body_f}\n{site}"), year);
        if !tagged.regions.is_empty() {
            return (tagged.regions, tagged.unsure);
        }
        // A county site's name starts with the county (`睢宁新闻网`).
        (source.iter().filter_map(|s| self.regions.site_place(s)).take(1).collect(), None)
    }
}
