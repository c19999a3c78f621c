//! Import stage 5: one story's front matter. Its title, then what its header lines, bylines
//! and trailer say about it (date, source, authors: [`Credits`]), its year, its places and
//! mechanisms, and the fields import is unsure of (`import.review`).

use super::body::{first_clause, headline_block, markdown_body};
use super::evidence;
use super::headline::{self, Headline};
use super::lines::Line;
use super::source::{Candidates, Found, Verdict};
use super::split::Draft;
use super::{clean, dedup, meta, practice, write, Importer, Story, KEYWORDS};
use crate::content::{FrontMatter, Provenance};
use crate::fold::{fold, traditional_ratio};

/// Page-level metadata that every story on the page shares.
pub(super) struct PageMeta {
    pub(super) date: Option<(String, i32)>,
    /// Names the page's header, its metadata or its record give for the source.
    pub(super) sources: Candidates,
    /// The host of the page's address.
    pub(super) host: Option<String>,
    /// The year, and whether it was inferred.
    pub(super) year: Option<(i32, bool)>,
    /// The page's lines above its stories (site name, navigation, mastheads).
    pub(super) header_text: String,
    /// Reporters named in photo credits.
    pub(super) photographers: Vec<String>,
    /// The agency of a wire header dropped as furniture (`新华社南宁2月23日电 题:…`).
    pub(super) wire_outlet: Option<String>,
    /// Outlets and photographers of the photo credits inside captions (`新华社记者 赵戈 摄`).
    pub(super) photo_credits: Vec<(String, String)>,
    /// The photographers each caption credits at its end without a role (`…安全用电知识。刘曼曼 摄`),
    /// joined by `、`.
    pub(super) caption_photographers: Vec<String>,
    /// The paper an e-paper's furniture names (`浙江日报 数字报纸`, its `enpproperty` record).
    pub(super) paper: Option<String>,
    /// The date the page's metadata gives (a `<meta>` or JSON-LD date, a record's date).
    pub(super) meta_date: Option<(String, i32)>,
    /// Where the page, furniture included, prints what credits a story (a dateline opening a
    /// bracket, an editor's line, a slash credit): see [`evidence::credit_trace`].
    pub(super) credit_trace: Option<String>,
    /// An outlet's name standing on its own anywhere on the page: see [`evidence::outlet_on_page`].
    pub(super) outlet_on_page: Option<String>,
}

impl PageMeta {
    /// A page that says nothing beyond its story's own text.
    pub(super) fn empty() -> PageMeta {
        PageMeta {
            date: None,
            sources: Candidates::default(),
            host: None,
            year: None,
            header_text: String::new(),
            photographers: Vec::new(),
            wire_outlet: None,
            photo_credits: Vec::new(),
            caption_photographers: Vec::new(),
            paper: None,
            meta_date: None,
            credit_trace: None,
            outlet_on_page: None,
        }
    }

    pub(super) fn read(preface: &[String], html_date: Option<&str>, page_text: &str, this_year: i32) -> PageMeta {
        let date = preface
            .iter()
            .filter(|l| meta::is_date_line(l))
            .find_map(|l| meta::find_date(l))
            .or_else(|| html_date.and_then(meta::find_date));
        let mut sources = Candidates::default();
        for l in preface {
            if let Some(s) = meta::source_of(l) {
                sources.add(&s, Found::PageLabel);
            } else if let Some(s) = meta::is_date_line(l).then(|| meta::outlet_in_date_line(l)).flatten() {
                sources.add(&s, Found::DateLine);
            } else if meta::is_masthead(l) {
                sources.add(l, Found::SiteName);
            } else if let Some(s) = meta::welcome_site(l) {
                sources.add(&s, Found::SiteName);
            }
        }
        for s in meta::names_beside_date(preface) {
            sources.add(&s, Found::HeaderName);
        }
        let journal = preface.iter().map(String::as_str).chain(page_text.lines()).find_map(meta::journal_year);
        let year = match (&date, journal) {
            (Some((_, y)), _) => Some((*y, false)),
            (None, Some(y)) => Some((y, false)),
            (None, None) => meta::infer_year(page_text, this_year).map(|y| (y, true)),
        };
        let meta_date = html_date.and_then(meta::find_date);
        PageMeta {
            date,
            sources,
            host: None,
            year,
            header_text: preface.join("\n"),
            photographers: Vec::new(),
            wire_outlet: None,
            photo_credits: Vec::new(),
            caption_photographers: Vec::new(),
            paper: None,
            meta_date,
            credit_trace: None,
            outlet_on_page: None,
        }
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
    /// A notice's signing date (see `take_trailer`): its date when the page prints no other.
    signed: Option<(String, i32)>,
    /// The body that signs a notice, over its signing date (see `take_trailer`): its source when
    /// no line names another.
    signed_by: Option<String>,
    /// Every name the story's own lines give for its source, with where.
    sources: Candidates,
    authors: Vec<String>,
    authors_by: &'static str,
    /// The credits read and taken out of the story's text, as printed (a closing credit's
    /// `本报记者` still tells that the story is a paper's own).
    taken: String,
}

impl Credits {
    /// The metadata lines under the headline (date lines, source lines, bylines).
    fn from_header(header: &[String]) -> Credits {
        let mut c = Credits::default();
        for h in header {
            if c.date.is_none() && meta::is_date_line(h) {
                c.date = meta::find_date(h);
            }
            if let Some(s) = meta::source_of(h) {
                c.sources.add(&s, Found::StoryLabel);
            } else if let Some(s) = meta::is_date_line(h).then(|| meta::outlet_in_date_line(h)).flatten() {
                c.sources.add(&s, Found::DateLine);
            }
            if let Some(n) = meta::header_names(h).filter(|n| !n.is_empty()) {
                c.add_names(&n, "header");
                if h.chars().count() <= 40 {
                    if let Some(o) = meta::byline_outlet(h) {
                        c.sources.add(&o, Found::Byline);
                    }
                }
            }
        }
        for s in meta::names_beside_date(header) {
            c.sources.add(&s, Found::HeaderName);
        }
        c
    }

    /// `张三、李四`: each name once, in order.
    fn add_names(&mut self, names: &str, by: &'static str) {
        if self.authors.is_empty() {
            self.authors_by = by;
        }
        for n in names.split('、').map(str::trim) {
            if !n.is_empty() && !self.authors.iter().any(|a| a == n) {
                self.authors.push(n.to_string());
            }
        }
    }

    /// Bylines inside the lead paragraph or closing the story (taken out of the text), else
    /// above the headline or in a photo credit; a source line above the headline.
    fn take_bylines(&mut self, body: &mut Vec<Line>, page: &PageMeta) {
        // A line of names only right above the lead, past short lines (`周勇軍 李飛 姜鴻麗 …` under
        // a feature's photo captions): the byline.
        let names_line = (0..body.len().min(8)).find(|&k| {
            meta::is_names_only(&body[k].text)
                && body[..k].iter().all(|l| l.chars() <= 60)
                && body.get(k + 1).is_some_and(|l| l.chars() > 40)
        });
        if let Some(k) = names_line {
            let names = meta::header_names(&body[k].text).unwrap_or_default();
            if !names.is_empty() {
                self.add_names(&names, "names-line");
                body.remove(k);
            }
        }
        // The lead's dateline with its reporters (`中国青年网腾冲8月25电(见习记者曹伟 记者 刘洪侠)…`),
        // past a short line left above it (an app's name, a kicker).
        let lead = lead_past_short_lines(body);
        if let Some(names) = lead
            .and_then(|i| meta::inline_byline(&body[i].text))
            .or_else(|| body.first().and_then(|l| meta::inline_byline(&l.text)))
        {
            self.add_names(&names, "inline-byline");
        }
        // A lead past an editor's note that opens with its reporter (`本报记者王鹏近日…`).
        // (A photo caption may come first: `15日,…村民正跟工作队员聊村务。` over
        // `【环球时报赴新疆特派记者 范凌志】如果你有…`.) Its outlet is the source even where
        // another line gave the names.
        let lead = body
            .iter()
            .take(3)
            .filter(|l| !headline::is_editors_note(&l.text))
            .find_map(|l| meta::lead_reporter(&l.text));
        if let Some((outlet, name)) = lead {
            if self.authors.is_empty() {
                self.add_names(&name, "lead-reporter");
            }
            if let Some(o) = outlet {
                self.sources.add(&o, Found::Byline);
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
                self.add_names(&n, "page-header");
            }
            if let Some(o) = page.short_header_lines().find_map(meta::byline_outlet) {
                self.sources.add(&o, Found::Byline);
            }
        }
        if self.authors.is_empty() {
            if let Some((_, names)) = page.photo_credits.first() {
                self.add_names(names, "photo-credit");
            }
        }
        if self.authors.is_empty() {
            self.add_names(&page.photographers.join("、"), "photographer");
        }
        if let Some(s) = page.short_header_lines().find_map(meta::source_of) {
            self.sources.add(&s, Found::PageLabel);
        }
    }

    /// A byline, a bare name or a credit closing the story: its reporters.
    fn take_closing_byline(&mut self, body: &mut Vec<Line>) {
        // Furniture printed under the credit (a keywords list, the editors' lines, a site's
        // footer) is set aside while the credit is read, and kept.
        let under = credit_above_furniture(body).map(|k| body.split_off(k + 1)).unwrap_or_default();
        self.take_credit_at_end(body);
        body.extend(under);
    }

    fn take_credit_at_end(&mut self, body: &mut Vec<Line>) {
        // `…变清了。（荆州日报）`: the outlet the story comes from, in the closing credit's place.
        if let Some((at, outlet)) = body.last().and_then(|l| meta::closing_outlet(&l.text)) {
            self.sources.add(&outlet, Found::Byline);
            cut_last_line(body, at);
        }
        if let Some(last) = body.last().filter(|l| meta::is_end_byline(&l.text)) {
            if let Some(n) = meta::inline_byline(&last.text) {
                self.add_names(&n, "closing-byline");
            }
            self.taken.push_str(&last.text);
            body.pop();
        } else if let Some(name) =
            body.last().filter(|l| l.chars() <= 8 && meta::is_name_line(&l.text)).map(|l| l.text.clone())
        {
            self.add_names(&name, "closing-name");
            body.pop();
        } else if let Some((at, names)) = body.last().and_then(|l| meta::credit_at_end(&l.text)) {
            self.add_names(&names, "closing-credit");
            if let Some(o) = body.last().and_then(|l| meta::credit_outlet(&l.text[at..])) {
                self.sources.add(&o, Found::Byline);
            }
            self.taken.push_str(&cut_last_line(body, at));
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
            if let Some(s) = meta::source_of(t) {
                self.sources.add(&s, Found::StoryLabel);
            }
        }
        // A notice signed and dated above its attachment (`…办公室` / `2022年5月18日` / `附件`;
        // two county sites): the signing date is the document's.
        if self.date.is_none() {
            let bare_attachment = |t: &str| {
                let f = fold(t);
                let f = f.trim().trim_end_matches([':', '：']);
                f.strip_prefix("附件").is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) && n.len() <= 2)
            };
            let signed = (1..body.len()).find(|&k| {
                bare_attachment(&body[k].text) && body[k - 1].chars() <= 14 && meta::is_date_line(&body[k - 1].text)
            });
            if let Some(k) = signed {
                self.signed = meta::find_date(&body[k - 1].text);
                if let Some(issuer) = (k >= 2).then(|| meta::signing_body(&body[k - 2].text)).flatten() {
                    self.signed_by = Some(issuer);
                }
            }
        }
        // A notice signed at its end: the issuing body's name over the signing date
        // (`12345政府综合服务热线管理办公室` / `2018年8月10日`; a city's hotline office, a district
        // government's office): its issuer.
        let bare_date = |t: &str| t.trim().chars().count() <= 14 && meta::is_date_line(t);
        if trailer.last().is_some_and(|t| bare_date(t)) {
            if let Some(issuer) = body.last().and_then(|l| meta::signing_body(&l.text)) {
                self.signed_by = Some(issuer);
            }
        }
        // `《人民日报》(2019年11月13日 16版)`.
        if let Some(k) = body.iter().position(|l| l.chars() <= 60 && meta::citation(&l.text).is_some()) {
            trailer.push(body.remove(k).text);
        }
        for t in &trailer {
            if let Some((paper, when)) = meta::citation(t) {
                self.sources.add(&paper, Found::Citation);
                self.date = self.date.take().or(when);
            }
        }
        // A wire story names its agency in the dateline (`新华社天津2月28日电`): that is its
        // source, whichever site printed it.
        let lead = lead_past_short_lines(body).or((!body.is_empty()).then_some(0));
        if let Some(agency) = lead.and_then(|i| meta::dateline_outlet(&body[i].text)) {
            self.sources.add(&agency.0, if agency.1 { Found::Wire } else { Found::Byline });
        }
    }
}

/// Cuts the story's last line at byte `at` (a credit read off its end), dropping the line when
/// nothing is left of it.
fn cut_last_line(body: &mut Vec<Line>, at: usize) -> String {
    let mut cut = String::new();
    if let Some(last) = body.last_mut() {
        cut = last.text.split_off(at);
        if last.text.trim().is_empty() {
            body.pop();
        }
    }
    cut
}

/// The line of a closing credit with only furniture under it: short lines that finish no
/// sentence (`关键词:` and its words, `二审 凌洁`, `盘锦号微信公众平台`), at most six. A credit
/// is a byline, bracketed names, a credit after the last sentence; a bare name on a line of
/// its own only above the editors' lines (`张宜` / `站群论坛编辑 蔡义桂` / `二审 凌洁`), where a
/// keyword (`文化建设`) cannot pass for one. `None` when the last line is the credit, or none is found.
fn credit_above_furniture(body: &[Line]) -> Option<usize> {
    let furniture = |l: &Line| l.chars() <= 20 && !l.text.trim_end().ends_with(['。', '！', '？', '!', '?', '…']);
    let n = body.len();
    let mut k = n.checked_sub(1)?;
    while k > 0 && n - k <= 6 && furniture(&body[k]) {
        k -= 1;
        let t = &body[k].text;
        let credit = meta::is_end_byline(t) || meta::credit_at_end(t).is_some() || meta::closing_outlet(t).is_some();
        let name_over_editors = body[k].chars() <= 8
            && meta::is_name_line(t)
            && body[k + 1..].iter().all(|l| meta::is_editors_line(&l.text));
        if credit || name_over_editors {
            return Some(k);
        }
    }
    None
}

/// The lead paragraph when short lines stand above it — an app's name, a kicker, a `新闻提要`
/// heading, photo captions (`▲执法队员进行走街活动`, six of them on one portal): the first of the
/// story's first eight lines that is longer than 40 characters, when every line before it is
/// at most that long. `None` when the first line is the lead or no such line is found.
fn lead_past_short_lines(body: &[Line]) -> Option<usize> {
    body.iter().take(8).position(|l| l.chars() > 40).filter(|&i| i > 0 && body[..i].iter().all(|l| l.chars() <= 40))
}

/// The story's title and subtitle: the scored headline, else its headline lines, else its
/// first clause (marked for review).
fn title_of(d: &Draft, chosen: Option<Headline>, provenance: &mut Provenance) -> (String, Option<String>) {
    match chosen {
        // A column's tag over the byline (`【星期五调查】` / `本报记者 王可 严松`, the headline not
        // printed): no headline.
        Some(h) if meta::is_column_tag(&h.title) && h.subtitle.is_none() => {
            provenance.flag("title", &format!("no headline is printed: only the column's tag {}", h.title.trim()));
            lead_title(d)
        }
        Some(h) => {
            if h.weak {
                provenance
                    .flag("title", "only a breadcrumb trail names it: no line of the page prints it as a headline");
            } else if let Some(other) = h.runner_up.filter(|&o| h.score - o < headline::CLOSE_CALL) {
                provenance.flag(
                    "title",
                    &format!(
                        "a close call: another line of the page scored nearly as high ({:.1} vs {:.1})",
                        h.score, other
                    ),
                );
            }
            (h.title, h.subtitle)
        }
        None if !d.headline.is_empty() => {
            let (t, s) = headline_block(&d.headline);
            (headline::tidy(&t), s)
        }
        None => {
            provenance.mark("title");
            lead_title(d)
        }
    }
}

/// The stand-in title of a story that prints no headline: its lead's first clause.
fn lead_title(d: &Draft) -> (String, Option<String>) {
    (headline::tidy(&first_clause(&d.body)), None)
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
        let (title, subtitle) = title_of(&d, chosen, &mut provenance);
        let header = d.header.join("\n");
        let mut credits = Credits::from_header(&d.header);
        let mut body = d.body;
        credits.take_bylines(&mut body, page);
        credits.take_trailer(&mut body);
        let body_text = strip_jumps(&mut body);
        // Every name found for the source, the story's own lines first, scored against each
        // other and against writing none (see [`super::source`]).
        let mut found = std::mem::take(&mut credits.sources);
        found.extend(&page.sources);
        // Then what the page gives beside the story's lines, and the names a story only mentions.
        let more = [
            (page.wire_outlet.clone(), Found::Wire),
            (page.photo_credits.first().map(|c| c.0.clone()), Found::PhotoCredit),
            (page.paper.clone(), Found::Citation),
            (credits.signed_by.take(), Found::Signature),
            (page.host.clone(), Found::Host),
            (evidence::outlet_named(&header, &body_text), Found::NearEnds),
            (page.outlet_on_page.clone(), Found::Elsewhere),
            (meta::date_glued_name(&body_text), Found::DateGlued),
            (meta::lead_news_tag(&body_text), Found::LeadPrefix),
        ];
        for (name, at) in more {
            if let Some(n) = name {
                found.add(&n, at);
            }
        }
        let choice = found.choose();
        let (source, left) = match choice.verdict() {
            Verdict::Plain(s) => (Some(s), None),
            Verdict::Guess(s, why) => {
                provenance.flag("source", &why);
                (Some(s), None)
            }
            Verdict::Left(why) => (None, why),
        };
        // An outlet named among the reporters (`甘肃日报、齐兴福、张娟`) is no author.
        credits.authors.retain(|a| !evidence::is_outlet_name(a));
        let reporter_named =
            credits.authors.is_empty() && evidence::names_a_reporter(&format!("{title}\n{header}"), &body_text);
        // Nobody credited but the photographer of a caption: written as the author, marked (the
        // sets' labels take such a photographer for the author on 11 pages of 18).
        if credits.authors.is_empty() && !page.caption_photographers.is_empty() && !reporter_named {
            for names in &page.caption_photographers {
                credits.add_names(names, "caption-photographer");
            }
            provenance.flag(
                "author",
                &format!(
                    "only a caption's photo credit names anyone ({} 摄): the photographer",
                    credits.authors.join("、")
                ),
            );
        }
        // An outlet's reporter named inside the text, where no byline reader looks: written,
        // marked.
        if let Some((credit, name)) =
            credits.authors.is_empty().then(|| evidence::reporter_in_text(&title, &body_text)).flatten()
        {
            credits.add_names(&name, "reporter-in-text");
            provenance.flag("author", &format!("read from {credit} inside the text: no byline credits the story"));
        }
        if credits.authors.is_empty() && reporter_named {
            provenance.flag("author", "a reporter is credited (记者, 通讯员, 报道) but no byline could be read");
        } else if let Some(credit) =
            credits.authors.is_empty().then(|| evidence::unread_closing_credit(&body_text)).flatten()
        {
            provenance
                .flag("author", &format!("the story ends with {credit}, a credit in brackets no byline reader took"));
        } else if let Some(cue) = credits.authors.is_empty().then(|| page.credit_trace.clone()).flatten() {
            provenance.flag(
                "author",
                &format!("no byline was read on a page that prints {cue}, where credits usually stand"),
            );
        }
        // A photographer beside the writers: the labels of the sets disagree on whether a photo
        // credit is an author (fresh3 029 and fresh8 015 say yes, the corpus's photo records no),
        // so it is left out and the author marked for a person to decide.
        if !credits.authors.is_empty() {
            let other = page
                .photo_credits
                .iter()
                .flat_map(|(_, names)| names.split('、'))
                .chain(page.photographers.iter().map(String::as_str))
                .find(|n| !n.is_empty() && !credits.authors.iter().any(|a| a.contains(n) || n.contains(a.as_str())));
            if let Some(first) = other {
                provenance.flag("author", &format!("a photo is credited to {first}, not counted as an author"));
            }
        }
        // No source written: say why — the story speaks of its own outlet, the scorer's likeliest
        // candidate was too weak, or the page prints where credits usually stand.
        if source.is_none() && evidence::names_own_outlet(&format!("{header}\n{}", credits.taken), &body_text) {
            provenance.flag("source", "the story speaks of its own outlet (本报, 本网) but the page names none");
        } else if let Some(why) = left {
            provenance.flag("source", &why);
        } else if let Some(cue) = source.is_none().then(|| page.credit_trace.clone()).flatten() {
            provenance.flag(
                "source",
                &format!("no source was read on a page that prints {cue}, where credits usually stand"),
            );
        }
        // A notice's signing date is its date where nothing else dates the story; where the page
        // prints another date (a disclosure page's cell `生成日期` / `2020-11-02`, fresh3 043) it
        // stands in, marked.
        let printed_date = || evidence::date_like(&format!("{header}\n{}", page.header_text), &body_text);
        let mut signed_but_dated = None;
        let own_date = credits.date.clone().or_else(|| {
            let signed = credits.signed.clone().filter(|_| page.date.is_none())?;
            signed_but_dated = printed_date();
            Some(signed)
        });
        let when = When::of(own_date, page, &header, &format!("{title}\n{body_text}"));
        if let Some(other) = signed_but_dated {
            provenance.flag("date", &format!("the notice's signing date; the page also prints {}", other.trim()));
        }
        if when.year.is_none() || when.inferred {
            provenance.mark("year");
        }
        if let Some(d) = when.date.is_none().then(printed_date).flatten() {
            provenance.flag("date", &format!("the page prints {} but no date line was read", d.trim()));
        }
        let title_f = fold(&format!("{title} {}", subtitle.as_deref().unwrap_or("")));
        let body_f = fold(&body_text);
        // A story that names no place may be placed by its likeliest source, written or not
        // (a site's name: `睢宁新闻网`); such a region is marked.
        let named_source = source.as_deref().or(choice.name.as_deref());
        let (region, unsure, by_text) = self.region_of(&title_f, &body_f, named_source, &header, page, when.year);
        let (mechanism, weak_mechanism) = self.mechanisms.tag_with_confidence(&title_f, &body_f);
        if region.is_empty() {
            provenance.mark("region");
        } else if let Some(why) = unsure {
            provenance.flag("region", &why);
        } else if !by_text {
            // Right for 12 of 14 such pages of the corpus (86 %): a regional portal's name or a
            // breadcrumb is not where the practice happens (宁夏新闻网 for a 银川 district).
            provenance.flag(
                "region",
                "the story names no place: read from the site's name or the page's header and breadcrumb",
            );
        }
        if mechanism.is_empty() || weak_mechanism {
            provenance.mark("mechanism");
        }
        let lang = (traditional_ratio(&body_text, &body_f) > 0.03).then(|| "zh-Hant".to_string());
        let markdown = markdown_body(&body);
        // `kbgen retag` computes the tags again from the page as written (title, source and
        // Markdown body): where the body reads back as the text tagged here (but for line
        // breaks), its mechanisms, practices and keywords are these (folding and jieba over a
        // long story are the costly part).
        let same_text = super::body::plain_text(&markdown).split_whitespace().eq(body_text.split_whitespace());
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
            adopted: super::adoption::adopted(&all_f, when.year),
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
        let retag = same_text.then(|| {
            // Places the title and body give alone are what a page's text gives again.
            let region = if by_text {
                front.region.clone()
            } else {
                self.region_of(&title_f, &body_f, front.source.as_deref(), "", &PageMeta::empty(), front.year).0
            };
            [region, front.mechanism.clone(), front.practice.clone(), front.keywords.clone()]
        });
        Story {
            file_stem: write::file_stem(&title, when.year, &body_f),
            front,
            body: markdown,
            fingerprint: dedup::shingles(&body_f),
            retag,
            unknown_practices,
        }
    }

    /// What import derives from a page's text with the vocabulary and gazetteer (the fields
    /// of [`crate::content::TAGGED`], in that order), from what a page keeps: its title,
    /// subtitle, source and Markdown body. `kbgen retag` compares them with the page's.
    pub fn tags(&self, front: &FrontMatter, markdown: &str) -> [Vec<String>; 4] {
        self.tags_and_mechanism_mark(front, markdown).0
    }

    /// [`Importer::tags`], and whether import marks the mechanisms for review (none found, or
    /// only weak evidence): `kbgen retag` keeps that mark in step.
    pub fn tags_and_mechanism_mark(&self, front: &FrontMatter, markdown: &str) -> ([Vec<String>; 4], bool) {
        let title_f = fold(&format!("{} {}", front.title, front.subtitle.as_deref().unwrap_or("")));
        let body_f = fold(&super::body::plain_text(markdown));
        let (region, ..) =
            self.region_of(&title_f, &body_f, front.source.as_deref(), "", &PageMeta::empty(), front.year);
        let (mechanism, weak) = self.mechanisms.tag_with_confidence(&title_f, &body_f);
        let unsure = mechanism.is_empty() || weak;
        let all_f = format!("{title_f}\n{body_f}");
        ([region, mechanism, practice::named(&all_f), self.segmenter.keywords(&all_f, KEYWORDS)], unsure)
    }

    /// The story's places, and whether the title and body alone gave them; when it names none
    /// it dwells on, a local site's name stands in
    /// (睢宁新闻网): weak evidence, used only then.
    fn region_of(
        &self,
        title_f: &str,
        body_f: &str,
        source: Option<&str>,
        header: &str,
        page: &PageMeta,
        year: Option<i32>,
    ) -> (Vec<String>, Option<String>, bool) {
        let tagged = self.regions.tag_dated(title_f, body_f, year);
        if !tagged.regions.is_empty() {
            return (tagged.regions, tagged.unsure, true);
        }
        let site = fold(&format!("{}\n{header}\n{}", source.unwrap_or(""), page.header_text));
        let tagged = self.regions.tag_dated(title_f, &format!("{body_f}\n{site}"), year);
        if !tagged.regions.is_empty() {
            return (tagged.regions, tagged.unsure, false);
        }
        // A county site's name starts with the county (`睢宁新闻网`).
        (source.iter().filter_map(|s| self.regions.site_place(s)).take(1).collect(), None, false)
    }
}
