//! `kbgen import`: raw scraped articles → clean, tagged Markdown pages.
//!
//! ```text
//! bytes ─decode─▶ text ─(html)─▶ lines ─clean─▶ lines ─split─▶ drafts ─meta+tag─▶ pages ─write─▶ content/
//! ```
//! Nothing else in kbgen reads raw articles.

mod adoption;
mod body;
pub mod clean;
pub mod dates;
pub mod decode;
pub mod dedup;
mod edition;
pub mod evidence;
mod explain;
pub mod fields;
pub mod gzip;
pub mod headline;
pub mod html;
mod html_meta;
pub mod input;
pub mod json_array;
pub mod lines;
mod listing;
pub mod meta;
pub mod origin;
pub mod practice;
pub mod records;
pub mod region;
pub mod report;
pub mod retag;
pub mod run;
pub mod segment;
pub mod source;
pub mod split;
mod story;
pub mod tag;
pub mod towns;
pub mod warc;
pub mod write;

use crate::content::{sha256_hex, FrontMatter, Provenance};
use crate::fold::{fold, is_han};
use crate::gazetteer::Gazetteer;
use crate::vocab::Vocabulary;
pub use body::escape_markdown;
use headline::{Headline, PageTitles};
use lines::Line;
use region::RegionTagger;
pub use run::{collect_inputs, is_html_name, run, run_with, FileReport, Review};
use segment::Segmenter;
use split::{page_with_one_story, sections, Draft};
use story::PageMeta;
use tag::MechanismTagger;
pub use write::Outcome;

/// A story needs at least this many Han characters of body text to count as an article.
const MIN_BODY_HAN: usize = 100;
/// …or this many under a heading of its own (a news digest's short items).
const MIN_HEADED_HAN: usize = 20;
/// …or this many in full sentences: a news brief or a photo caption that is the whole story
/// (`近日,延寿县559名各级党员干部下沉到…`, 98 Han characters). On the real corpus and the
/// extraction benchmark every text under 100 Han characters that is no story is a list (a
/// discography, a calendar: 2 to 5 per line) or a line with at most one sentence end (an error
/// message of 37); the real short stories run 50 to 98 in lines of whole sentences.
const MIN_PROSE_HAN: usize = 40;
/// Han characters per line of prose, on average, at the least (a list has a few).
const PROSE_HAN_PER_LINE: usize = 20;
const KEYWORDS: usize = 8;

/// Why a raw file produced no page.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read: {0}")]
    Read(#[from] std::io::Error),
    #[error("{0}")]
    Decode(#[from] decode::DecodeError),
    #[error("no article found: no paragraph of body text once page furniture is removed")]
    NoArticle,
    /// A page of links to articles, not one: search results, a column's list, a table of contents.
    #[error("not an article: {0}")]
    NotArticle(String),
    #[error("{0}")]
    Html(#[from] html::HtmlError),
    /// A record of a JSON Lines, CSV or WARC file that holds no readable article.
    #[error("{0}")]
    Record(String),
}

/// A story ready to be written.
#[derive(Debug, Clone)]
pub struct Story {
    pub front: FrontMatter,
    pub body: String,
    pub file_stem: String,
    /// Shingles of the body text, to find the same story in other raw files.
    pub fingerprint: Vec<dedup::Shingle>,
    /// What `kbgen retag` would compute from the page as written ([`Importer::tags`], made
    /// while files are read in parallel): the tagged fields that agree with it are recorded.
    /// (`None` until made: `Importer::stories` makes it.)
    pub retag: Option<[Vec<String>; 4]>,
    /// The story's named practices that no vocabulary term covers: proposals for new entries.
    pub unknown_practices: Vec<String>,
}

pub struct Importer<'a> {
    gazetteer: &'a Gazetteer,
    regions: RegionTagger<'a>,
    mechanisms: MechanismTagger<'a>,
    segmenter: Segmenter,
    /// Inferred years never exceed this (the current year).
    this_year: i32,
}

impl<'a> Importer<'a> {
    pub fn new(gazetteer: &'a Gazetteer, vocab: &'a Vocabulary) -> Importer<'a> {
        Importer {
            gazetteer,
            regions: RegionTagger::new(gazetteer),
            mechanisms: MechanismTagger::new(vocab),
            segmenter: Segmenter::new(vocab, gazetteer),
            this_year: current_year(),
        }
    }

    /// Turns one raw file's bytes into stories. `name` is the raw file's name (or its path
    /// below the import folder), recorded as provenance; an `.html`/`.htm` name selects the
    /// HTML reader.
    pub fn stories(&self, name: &str, bytes: &[u8]) -> Result<(Vec<Story>, Decoding), ImportError> {
        self.stories_with(name, bytes, &records::Hints::default())
    }

    /// [`Importer::stories`] of a raw article that came with what its record says about it
    /// (a JSON Lines, CSV or WARC record). What the article prints wins over every hint: the
    /// record's title is the first of the page's title fields (the headline scorer weighs
    /// lines against them, and takes it when no line reads as a headline); its date and
    /// source count where the article prints none (before a saved page's meta date and
    /// `og:site_name`); weaker still, the URL's date, its host as the source, and the record's
    /// author when no byline names one. The URL and the capture day go into provenance.
    pub fn stories_with(
        &self,
        name: &str,
        bytes: &[u8],
        hints: &records::Hints,
    ) -> Result<(Vec<Story>, Decoding), ImportError> {
        if hints.no_text {
            return self.record_without_text(name, bytes, hints);
        }
        let is_html = hints.html.unwrap_or_else(|| is_html_name(name));
        let decoded = decode::decode(bytes, is_html)?;
        let text = clean::restore_entities(&decoded.text);
        let text = clean::strip_glosses(&text);
        // A text file that is markup (a forum's archive keeps a WeChat article's HTML) is read
        // as a page.
        let is_html = is_html || clean::is_markup(&text);
        let read = ReadPage::of(&text, is_html, hints)?;
        // A WeChat account's line run into the page's first line (`南京社会工作2025年12月18日17:12…`)
        // is taken apart below: its account's name first.
        let glued_name = read.lines.iter().take(6).find_map(|l| meta::date_glued_name(&l.text));
        let raw_lines = clean::join_wrapped_doc_titles(unglue_top(read.lines));
        let place_headline = |l: &str| self.is_place_headline(l);
        let photographers = photographers(&raw_lines);
        // A wire header (`新華社南寧2月23日電 題:…`) is dropped as furniture: its agency first.
        let wire_outlet = raw_lines
            .iter()
            .filter(|l| l.text.contains(['电', '電']) && l.text.contains(['题', '題']))
            .filter(|l| clean::junk(&l.text) == Some(clean::Junk::WireHeader))
            .find_map(|l| meta::dateline_outlet(&l.text))
            .map(|o| o.0);
        // (Only lines that credit a photo are folded and searched: a story can be megabytes.)
        let credit_lines: Vec<&str> = raw_lines
            .iter()
            .map(|l| l.text.as_str())
            .filter(|t| t.contains(['摄', '攝']) && (t.contains("记者") || t.contains("記者")))
            .collect();
        let photo_credits = meta::photo_credits(&credit_lines.join("\n"));
        let caption_photographers: Vec<String> = raw_lines
            .iter()
            .filter(|l| l.text.contains(['摄', '攝']))
            .filter_map(|l| meta::caption_photographers(&l.text))
            .collect();
        let edition = edition::read(raw_lines.iter().map(|l| l.text.as_str()), if is_html { &text } else { "" });
        let cleaned = clean::drop_junk(raw_lines, place_headline);
        if let Some(why) = listing::not_an_article(&cleaned) {
            return Err(ImportError::NotArticle(why));
        }
        let (preface, mut drafts, chosen) = self.drafts(&cleaned, &read.titles);
        let page_text: String = cleaned.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
        let html_date = hints.date.clone().or(read.html_date);
        let mut page = PageMeta::read(&preface, html_date.as_deref(), &page_text, self.this_year);
        page.photographers = photographers;
        page.wire_outlet = wire_outlet;
        page.photo_credits = photo_credits;
        page.caption_photographers = caption_photographers;
        page.paper = edition.paper.clone();
        page.credit_trace = evidence::credit_trace(&text);
        // A page with an address has its host for a source, the publisher itself.
        let visible = if is_html { read.html_text.as_str() } else { &text };
        page.outlet_on_page = read.url.is_none().then(|| evidence::outlet_on_page(visible)).flatten();
        if let Some((date, year)) = edition.date_and_year(page.date.take()) {
            page.date = date;
            page.year = Some(year);
        }
        if page.date.is_none() {
            if let Some(d) = edition.date {
                page.year = Some((d.1, false));
                page.date = Some(d);
            }
        }
        if let Some(s) = &hints.source {
            page.sources.add(s, source::Found::Record);
        }
        if let Some(s) = &glued_name {
            page.sources.add(s, source::Found::DateGlued);
        }
        if let Some(s) = &read.meta_source {
            page.sources.add(s, source::Found::PageLabel);
        }
        if let Some(s) = &read.site_name {
            page.sources.add(s, source::Found::SiteName);
        }
        if page.date.is_none() && drafts.len() == 1 && !read.html_text.is_empty() {
            let title = chosen.first().and_then(|h| h.as_ref()).map(|h| h.title.as_str());
            if let Some(d) = date_on_saved_page(&read.html_text, title, &drafts[0]) {
                page.year = Some((d.1, false));
                page.date = Some(d);
            }
        }
        let url = read.url;
        page.host = url.as_deref().and_then(origin::host);
        if let Some(d) = page.date.is_none().then(|| url.as_deref().and_then(origin::date_in_url)).flatten() {
            page.year = Some((d.1, false));
            page.date = Some(d);
        }
        self.reunite_jumps(&mut drafts);
        let provenance = Provenance {
            file: name.to_string(),
            url: url.clone(),
            captured: hints.captured.clone(),
            sha256: sha256_hex(bytes),
            story: 0,
            stories: drafts.len(),
            also: Vec::new(),
            review: Vec::new(),
            tagged: Default::default(),
            page_sha256: String::new(),
        };
        let mut stories = Vec::new();
        for (i, (d, h)) in drafts.into_iter().zip(chosen).enumerate() {
            if d.body.iter().map(|l| l.text.chars().filter(|&c| is_han(c)).count()).sum::<usize>() == 0 {
                continue;
            }
            let mut story = self.story(d, h, &page, Provenance { story: i + 1, ..provenance.clone() });
            story.front.author = story.front.author.take().or_else(|| hints.author.clone());
            if drop_controls(&mut story) {
                story.retag = None;
            }
            if story.retag.is_none() {
                story.retag = Some(self.tags(&story.front, &story.body));
            }
            stories.push(story);
        }
        if stories.is_empty() {
            return Err(ImportError::NoArticle);
        }
        let name = hints.encoding.unwrap_or(decoded.encoding);
        Ok((stories, Decoding { name, replaced: decoded.replaced }))
    }

    /// A record with a title and a date or an address but no text (see
    /// [`records::Hints::no_text`]): a page with the title, date, source and author the record
    /// gives, a body that says the record has no text, the original's address as its link, and
    /// `text` first among the fields for review (and its region and mechanisms, read from a
    /// title alone).
    fn record_without_text(
        &self,
        name: &str,
        bytes: &[u8],
        hints: &records::Hints,
    ) -> Result<(Vec<Story>, Decoding), ImportError> {
        const NOTE: &str = "（原记录只有标题，没有正文。）";
        let title =
            hints.title.as_deref().map(headline::tidy).filter(|t| !t.is_empty()).ok_or(ImportError::NoArticle)?;
        let mut page = PageMeta::read(&[], hints.date.as_deref(), "", self.this_year);
        if let Some(s) = &hints.source {
            page.sources.add(s, source::Found::Record);
        }
        if let Some(d) = page.date.is_none().then(|| hints.url.as_deref().and_then(origin::date_in_url)).flatten() {
            page.year = Some((d.1, false));
            page.date = Some(d);
        }
        let draft =
            Draft { headline: vec![title.clone()], header: Vec::new(), body: vec![Line::new(NOTE, 0)], headed: true };
        let chosen = Headline { title, subtitle: None, lines: Vec::new(), score: 0.0, runner_up: None, weak: false };
        let provenance = Provenance {
            file: name.to_string(),
            url: hints.url.clone(),
            captured: hints.captured.clone(),
            sha256: sha256_hex(bytes),
            story: 1,
            stories: 1,
            also: Vec::new(),
            review: Vec::new(),
            tagged: Default::default(),
            page_sha256: String::new(),
        };
        let mut story = self.story(draft, Some(chosen), &page, provenance);
        let front = &mut story.front;
        if front.source.is_none() {
            front.source = hints.url.as_deref().and_then(origin::host);
            story.retag = None;
        }
        front.author = front.author.take().or_else(|| hints.author.clone());
        front.keywords.retain(|k| !NOTE.contains(k.as_str()));
        if let Some(p) = front.import.as_mut() {
            p.review.insert(0, "text".into());
            // Places and mechanisms read from a title alone are weak evidence.
            for field in ["region", "mechanism"] {
                if !p.review.iter().any(|r| crate::content::review_field(r) == field) {
                    p.review.push(field.into());
                }
            }
        }
        Ok((vec![story], Decoding { name: "UTF-8", replaced: None }))
    }

    /// The page's stories and the headline chosen for each (`None`: left to the story's own
    /// headline lines), and the lines above them. One story has its headline scored over the
    /// whole top of the page; when no line reads as one, a saved page's title field stands in.
    fn drafts(&self, cleaned: &[Line], titles: &PageTitles) -> (Vec<String>, Vec<Draft>, Vec<Option<Headline>>) {
        let place_headline = |l: &str| self.is_place_headline(l);
        let (mut preface, mut drafts) = split::split(cleaned, &place_headline);
        // A line naming the site heads no story.
        let site_line = |l: &String| titles.site_names.iter().any(|s| fold(s) == fold(l.trim()));
        for d in &mut drafts {
            d.headline.retain(|l| !site_line(l));
        }
        // A page header can look like a story with no text (masthead over a date line): its
        // lines still date the page.
        let mut kept: Vec<Draft> = Vec::new();
        for d in drafts {
            match self.finish_draft(d) {
                Ok(d) => kept.push(d),
                // Too little text for a story of its own: text under a story's headline is
                // that story's continuation (never dropped); above the first story it is the
                // page's header.
                Err(short) => match kept.last_mut() {
                    Some(above) if short.body.iter().any(|l| l.text.chars().any(is_han)) => {
                        let lines = short.headline.into_iter().chain(short.header).map(|t| Line::new(&t, 0));
                        above.body.extend(lines.chain(short.body));
                    }
                    _ => preface.extend(short.headline.into_iter().chain(short.header)),
                },
            }
        }
        if kept.len() > 1 {
            let n = kept.len();
            return (preface, kept, vec![None; n]);
        }
        let (preface, d, h) = page_with_one_story(cleaned, titles);
        let h = h.or_else(|| {
            titles.fields.iter().map(|t| headline::tidy(t)).find(|t| headline::eligible(t)).map(|title| Headline {
                title,
                subtitle: None,
                lines: Vec::new(),
                score: 0.0,
                runner_up: None,
                weak: false,
            })
        });
        (preface, self.finish_draft(d).into_iter().collect(), vec![h])
    }

    /// `兰州市永登县: 标题` — a headline that opens with a place and a colon or dash.
    fn is_place_headline(&self, line: &str) -> bool {
        let f = fold(line);
        let Some(first) = self.gazetteer.mentions(&f).into_iter().next() else {
            return false;
        };
        if first.start != 0 {
            return false;
        }
        let rest = f[first.end..].trim_start();
        let rest = self.gazetteer.mentions(rest).first().filter(|m| m.start == 0).map_or(rest, |m| &rest[m.end..]);
        rest.trim_start().starts_with([':', '—'])
    }

    /// Cuts trailers, rejoins broken paragraphs, drops repeated paragraphs; a draft with too
    /// little text is returned as `Err` (it is page header, not a story).
    fn finish_draft(&self, mut d: Draft) -> Result<Draft, Draft> {
        clean::cut_trailer(&mut d.body);
        d.body = clean::join_broken(std::mem::take(&mut d.body), meta::is_byline);
        clean::drop_repeats(&mut d.body);
        let han: usize = d.body.iter().map(|l| l.text.chars().filter(|&c| is_han(c)).count()).sum();
        if han >= MIN_BODY_HAN
            || (d.headed && han >= MIN_HEADED_HAN)
            || (han >= MIN_PROSE_HAN && is_prose(&d.body, han))
        {
            Ok(d)
        } else {
            Err(d)
        }
    }
    /// Newspaper layout continues a story further down the page ("jumps"), after other stories.
    /// A section (subheads plus the paragraphs under them) that is about another story's
    /// place, and not about its own story's place, moves to the end of that story.
    fn reunite_jumps(&self, drafts: &mut [Draft]) {
        if drafts.len() < 2 {
            return;
        }
        let g = self.gazetteer;
        let text = |lines: &[Line]| fold(&lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"));
        let foci: Vec<Option<usize>> =
            drafts.iter().map(|d| self.regions.focus(&fold(&d.headline.join(" ")), &text(&d.body))).collect();
        for k in 0..drafts.len() {
            let Some(own) = foci[k] else { continue };
            // Where each section goes; a section that names no place follows the one before it.
            let mut moves: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
            let mut going: Option<usize> = None;
            for range in sections(&drafts[k].body).into_iter().skip(1) {
                going = match self.regions.focus("", &text(&drafts[k].body[range.clone()])) {
                    None => going,
                    Some(place) if g.is_within(place, own) || g.is_within(own, place) => None,
                    Some(place) => {
                        (0..drafts.len()).find(|&t| t != k && foci[t].is_some_and(|f| g.is_within(place, f)))
                    }
                };
                if let Some(t) = going {
                    moves.push((range, t));
                }
            }
            // Later sections first, so earlier ranges stay valid; then restore page order.
            let mut moved: Vec<(usize, Vec<Line>)> =
                moves.into_iter().rev().map(|(r, t)| (t, drafts[k].body.drain(r).collect())).collect();
            moved.reverse();
            for (t, lines) in moved {
                drafts[t].body.extend(lines);
            }
        }
    }
}

/// Text in whole sentences (two or more), in lines of prose rather than a list.
fn is_prose(body: &[Line], han: usize) -> bool {
    let ends: usize = body.iter().map(|l| l.text.matches(['。', '！', '？', '!', '?']).count()).sum();
    ends >= 2 && han >= PROSE_HAN_PER_LINE * body.len()
}

/// What a raw article's text gives before its lines are cleaned: the lines, and on a saved
/// page its title fields, date, site name, text and address.
struct ReadPage {
    lines: Vec<Line>,
    html_date: Option<String>,
    titles: PageTitles,
    site_name: Option<String>,
    /// The source a page's metadata names: a government CMS's `ContentSource`, the WeChat
    /// account that published it.
    meta_source: Option<String>,
    /// A saved page's whole text (empty for a text file), where its date may be printed.
    html_text: String,
    /// The article's address: the record's, else the one a saved page (or a text file's
    /// address line) carries.
    url: Option<String>,
}

impl ReadPage {
    fn of(text: &str, is_html: bool, hints: &records::Hints) -> Result<ReadPage, ImportError> {
        let mut titles = PageTitles::default();
        if let Some(t) = &hints.title {
            titles.add_field(t);
        }
        if !is_html {
            let url = hints.url.clone().or_else(|| meta::address_line(text));
            let lines = lines::text_lines(text);
            add_crumb_tails(&mut titles, &lines);
            return Ok(ReadPage {
                lines,
                html_date: None,
                titles,
                site_name: None,
                meta_source: None,
                html_text: String::new(),
                url,
            });
        }
        let page = html::html_lines(text)?;
        // The page's own title fields, strongest first.
        for f in page.jsonld_headline.iter().chain(&page.article_title).chain(&page.og_title).chain(&page.title) {
            titles.add_field(f);
        }
        for h in page.h1.iter().take(2) {
            titles.add_field(&h.text);
        }
        titles.site_names.extend(page.site_name.iter().chain(&page.account).cloned());
        add_crumb_tails(&mut titles, &page.lines);
        // The extractor found the page's headline: other top-level headings on the page
        // are sections of that one story, not stories of their own.
        let mut lines = page.lines;
        if page.headline.is_some() {
            for l in lines.iter_mut().skip(1).filter(|l| l.heading == Some(1)) {
                l.heading = Some(2);
            }
        }
        Ok(ReadPage {
            lines,
            html_date: page.date.or(page.jsonld_date),
            titles,
            site_name: page.site_name,
            meta_source: page.content_source.or(page.account),
            html_text: page.text,
            url: hints.url.clone().or(page.url),
        })
    }
}

/// Every text of a story without control characters (see [`clean::drop_controls`]): what
/// the article, its record's fields or its HTML entities (`&#27;`) carried.
/// True when it dropped any.
fn drop_controls(story: &mut Story) -> bool {
    let mut dropped = false;
    let mut scrub = |s: &mut String| {
        if let std::borrow::Cow::Owned(clean) = clean::drop_controls(s) {
            *s = clean;
            dropped = true;
        }
    };
    let f = &mut story.front;
    scrub(&mut f.title);
    scrub(&mut story.body);
    for s in f.subtitle.iter_mut().chain(&mut f.source).chain(&mut f.author).chain(&mut f.date) {
        scrub(s);
    }
    for s in f.practice.iter_mut().chain(&mut f.keywords).chain(&mut f.region) {
        scrub(s);
    }
    if let Some(p) = f.import.as_mut() {
        scrub(&mut p.file);
        if let Some(u) = p.url.as_mut() {
            scrub(u);
        }
    }
    dropped
}

/// The last item of a breadcrumb trail near the top of a page (`首页 » 常识 » 标题`,
/// `未经允许不得转载:中国新闻网 » 标题`) often names the article: a title field, after the
/// page's own. A trail that ends in a column name (`» 正文`, `> 社会`) gives no title, as
/// the headline scorer never takes chrome or a short label, but the column's name, which is
/// never half of a headline set on two lines.
fn add_crumb_tails(titles: &mut PageTitles, lines: &[Line]) {
    for l in lines.iter().take(40) {
        let t = l.text.trim();
        let Some(at) = t.rfind(['»', '›']).or_else(|| t.rfind(" > ")) else { continue };
        let sep = t[at..].chars().next().map_or(1, char::len_utf8);
        let tail = t[at + sep..].trim_start_matches('>').trim();
        let han = tail.chars().filter(|&c| crate::fold::is_han(c)).count();
        if (2..6).contains(&han) && tail.chars().count() <= 8 && !titles.columns.iter().any(|c| c == tail) {
            titles.columns.push(tail.to_string());
        }
        if han >= 6 && headline::eligible(tail) {
            let tail = headline::tidy(tail);
            if !titles.crumbs.contains(&tail) {
                titles.crumbs.push(tail);
            }
        }
    }
}

/// A one-line page runs headline, date line and text together: take them apart.
fn unglue_top(lines: Vec<Line>) -> Vec<Line> {
    lines
        .into_iter()
        .enumerate()
        .flat_map(|(i, l)| match clean::wire_title(&l.text) {
            // `新华社南宁2月23日电 题:标题`: the headline stands on its own line.
            Some(t) if i < 6 => vec![Line { text: t, ..l }],
            _ if i < 6 => headline::unglue(&l),
            _ => vec![l],
        })
        .collect()
}

/// Photo credits go, but a reporter who took the pictures (`记者 王文生 通讯员 唐承斌 摄`)
/// is the story's reporter when no byline names one.
fn photographers(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.chars() <= 40 && clean::junk(&l.text) == Some(clean::Junk::Credit))
        .filter_map(|l| meta::credited_names(l.text.trim().trim_end_matches(['摄', '攝']).trim()))
        .flatten()
        .collect()
}

/// A saved page often prints its date outside the article block: beside the headline, above
/// the first paragraph, behind a label (`发表于`, `发布时间`), or alone on a line of its own.
fn date_on_saved_page(html_text: &str, title: Option<&str>, story: &Draft) -> Option<(String, i32)> {
    let lead = story.body.iter().find(|l| l.chars() >= 20);
    title
        .and_then(|t| meta::date_near(html_text, t))
        .or_else(|| lead.and_then(|l| meta::date_near(html_text, &l.text)))
        .or_else(|| meta::labelled_date(html_text))
        .or_else(|| meta::lone_date_line(html_text))
}

/// How a raw file was read.
#[derive(Debug, Clone, Copy)]
pub struct Decoding {
    pub name: &'static str,
    /// Bytes replaced with U+FFFD: how many, and the first line they were on.
    pub replaced: Option<(usize, usize)>,
}

fn current_year() -> i32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    meta::civil_from_days((secs / 86_400) as i64).0 as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use body::{first_clause, headline_block};
    use lines::text_lines;

    #[test]
    fn a_breadcrumbs_tail_is_a_title_field_or_a_columns_name() {
        let mut titles = PageTitles::default();
        add_crumb_tails(
            &mut titles,
            &text_lines("首页 > 司法业务 > 社区矫正\n\n首页 » 常识 » 安达党员下沉入户问需解难\n"),
        );
        assert_eq!(titles.columns, vec!["社区矫正".to_string()]);
        assert_eq!(titles.crumbs, vec!["安达党员下沉入户问需解难".to_string()]);
    }

    #[test]
    fn headline_blocks() {
        let h = |v: &[&str]| headline_block(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            h(&["江苏昆山推出分类考核新举措", "帮干部卸包袱 为发展蓄动能"]),
            ("帮干部卸包袱 为发展蓄动能".into(), Some("江苏昆山推出分类考核新举措".into()))
        );
        assert_eq!(
            h(&[
                "深度关注·提振党员干部干事创业精气神①",
                "江苏省综合施策,进一步健全担当作为激励和保护机制——",
                "让敢为善为、奋发有为蔚然成风"
            ]),
            ("让敢为善为、奋发有为蔚然成风".into(), Some("江苏省综合施策,进一步健全担当作为激励和保护机制".into()))
        );
        assert_eq!(
            h(&["“組織力”如何轉化為“生産力”?——蘇州“對標找差、再攀新高”機制觀察"]),
            ("“組織力”如何轉化為“生産力”?".into(), Some("蘇州“對標找差、再攀新高”機制觀察".into()))
        );
    }

    #[test]
    fn an_untitled_story_takes_the_title_its_editors_note_announces() {
        let body = |t: &str| text_lines(t);
        let note = "导读 安徽省滁州市政府办公室副调研员王鹏,2018年4月下派到全椒县石沛镇白庙村担任第一书记。\n今天起,我们推出融媒体系列报道《安徽全椒驻村影像(1)》。\n7月8日上午,我和第一书记王鹏成功碰头。";
        assert_eq!(first_clause(&body(note)), "安徽全椒驻村影像(1)");
        // As printed, in Traditional too.
        let note =
            "導讀 王鵬下派到全椒縣石沛鎮白廟村擔任第一書記。\n今天起,我們推出融媒體系列報道《安徽全椒駐村影像(1)》。";
        assert_eq!(first_clause(&body(note)), "安徽全椒駐村影像(1)");
        // Without one, the first clause past the note's label.
        assert_eq!(
            first_clause(&body("导读 王鹏下派到全椒县石沛镇白庙村担任第一书记,广受好评。")),
            "王鹏下派到全椒县石沛镇白庙村担任第一书记"
        );
    }

    #[test]
    fn markdown_escaping() {
        assert_eq!(escape_markdown("1. 第一"), "1\\. 第一");
        assert_eq!(escape_markdown("<b>“红色引擎”</b>"), "\\<b\\>“红色引擎”\\</b\\>");
        assert_eq!(escape_markdown("+1"), "\\+1");
        assert_eq!(escape_markdown("“1+N”系列文件"), "“1+N”系列文件");
    }

    #[test]
    fn a_greeting_names_the_site() {
        assert_eq!(meta::welcome_site("欢迎光临睢宁新闻网!").as_deref(), Some("睢宁新闻网"));
        assert_eq!(meta::welcome_site(",歡迎訪問拂曉新聞網").as_deref(), Some("拂晓新闻网"));
        assert_eq!(meta::source_of("来源:未知 作者:睢宁新闻网"), None);
    }

    #[test]
    fn this_year_is_plausible() {
        assert!((2024..2100).contains(&current_year()));
    }
}

#[cfg(test)]
mod robustness {
    //! Any bytes end in stories or a clear error, never a panic: random bytes, real articles cut
    //! at random points (inside multi-byte characters too) and real articles with bytes flipped.
    use super::*;

    /// A seeded generator: deterministic, so a failing case can be replayed from its number.
    struct Rng(fastrand::Rng);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0.u64(..)
        }
        fn below(&mut self, n: usize) -> usize {
            self.0.usize(..n.max(1))
        }
    }

    #[test]
    fn any_bytes_end_in_stories_or_an_error() {
        let vocab = Vocabulary::builtin();
        let importer = Importer::new(Gazetteer::builtin(), &vocab);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/raw");
        let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("the real corpus fixtures")
            .filter_map(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        seeds.sort();
        let mut rng = Rng(fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15));
        let mut cases = 0;
        for case in 0..1000 {
            let (name, bytes) = &seeds[rng.below(seeds.len())];
            let input: Vec<u8> = match case % 4 {
                0 => (0..rng.below(3000)).map(|_| rng.next() as u8).collect(),
                1 => bytes[..rng.below(bytes.len() + 1)].to_vec(),
                2 => {
                    let mut b = bytes.clone();
                    for _ in 0..1 + rng.below(20) {
                        let at = rng.below(b.len());
                        if let Some(x) = b.get_mut(at) {
                            *x = rng.next() as u8;
                        }
                    }
                    b
                }
                _ => {
                    // Lines shuffled: headline, date and byline out of their usual order.
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    let mut lines: Vec<&str> = text.lines().collect();
                    for i in (1..lines.len()).rev() {
                        lines.swap(i, rng.below(i + 1));
                    }
                    lines.join("\n").into_bytes()
                }
            };
            let file = if case % 2 == 0 { name.clone() } else { format!("{case}.html") };
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| importer.stories(&file, &input))) {
                Ok(Ok((stories, _))) => assert!(!stories.is_empty(), "case {case}: Ok with no story"),
                Ok(Err(_)) => {}
                Err(_) => panic!("case {case} ({file}, {} bytes) panicked", input.len()),
            }
            cases += 1;
        }
        assert_eq!(cases, 1000);
    }
}
