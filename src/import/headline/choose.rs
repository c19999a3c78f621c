//! Choosing a story's headline: every candidate line near the top, and the page's own title
//! fields, scored on weak signals; then the lines printed with the winner (a second headline
//! line, a deck, a kicker) joined to it or made its subtitle.

use std::collections::HashSet;

use super::features::{record, Feature as F, Features};
use super::{
    bigrams, eligible, is_body, is_editors_note, is_organisation, overlap, parallel, strip_site_suffix, tidy, Headline,
    PageTitles, MIN_SCORE, ORIGINAL, WINDOW,
};
use crate::fold::fold;
use crate::import::clean::ends_sentence;
use crate::import::lines::Line;
use crate::import::meta;

type Grams = HashSet<(char, char)>;

/// Words of page chrome: a line holding one is not a headline's second line.
const CHROME_WORDS: &[&str] =
    &["首页", "登录", "注册", "桌面", "客户端", "移动版", "手机版", "搜索", "导航", "使用指南", "网站", "欢迎", "频道"];

/// Chooses the headline of a story from its first lines and the page's title fields.
pub fn choose(lines: &[Line], page: &PageTitles) -> Option<Headline> {
    let top = Top::new(lines, page);
    super::features::start_choice();
    let mut best: Option<Headline> = None;
    // Every candidate's folded words and score, to tell how close the call was.
    let mut scored: Vec<(String, f32)> = Vec::new();
    for i in 0..top.window {
        let Some((text, x)) = top.score_line(i) else { continue };
        let score = x.score();
        record(&text, &x, score);
        scored.push((top.folded[i].clone(), score));
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Headline { title: text, subtitle: None, lines: vec![i], score, runner_up: None, weak: false });
        }
    }
    // The page's own title fields compete too: a saved page's headline may be printed nowhere
    // in the text we kept, or only in a form a site name or a teaser outscores.
    let crumbs = page.crumbs.iter().map(|c| (c, true));
    for (k, (f, weak)) in page.fields.iter().map(|f| (f, false)).chain(crumbs).enumerate() {
        let text = tidy(f);
        let folded = fold(&text);
        // Printed among the candidate lines, the line itself is the candidate (it keeps its
        // deck and place).
        if !eligible(&text)
            || page.site_names.iter().any(|s| fold(s) == folded)
            || top.folded[..top.window].contains(&folded)
        {
            continue;
        }
        let mut x = Features::default();
        if (8..=40).contains(&text.chars().count()) {
            x.set(F::Length8To40, 1.0);
        } else {
            x.set(F::FieldOtherLength, 1.0);
        }
        x.set(F::FieldBodyOverlap, overlap(&bigrams(&text), &top.body_grams));
        x.set(F::Field, 1.0);
        x.set(F::FieldRank, k as f32);
        let score = x.score();
        record(&text, &x, score);
        scored.push((folded, score));
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Headline { title: text, subtitle: None, lines: Vec::new(), score, runner_up: None, weak });
        }
    }
    let mut h = best.filter(|b| b.score >= MIN_SCORE)?;
    let won = fold(&h.title);
    h.runner_up = scored.iter().filter(|(t, _)| *t != won).map(|&(_, s)| s).reduce(f32::max);
    if h.lines.is_empty() {
        return Some(h);
    }
    pair_up(lines, &mut h, &top.body_grams, page);
    let mut sub = decks(lines, &mut h);
    split_title(&mut h, &mut sub);
    let sub: Vec<String> =
        h.subtitle.take().into_iter().chain(sub).filter(|s| !s.is_empty() && *s != h.title).collect();
    h.subtitle = (!sub.is_empty()).then(|| sub.join(" "));
    Some(h)
}

/// The top of a story, as the candidate lines are scored against it.
struct Top<'a> {
    lines: &'a [Line],
    page: &'a PageTitles,
    /// The first paragraph of body text.
    first_body: usize,
    /// Candidates are the lines above it (a short line under it is a subhead), at most WINDOW.
    window: usize,
    body_grams: Grams,
    field_grams: Vec<Grams>,
    /// The candidate lines, tidied.
    tidied: Vec<String>,
    /// The lines near the top, tidied and folded (to find one printed twice).
    folded: Vec<String>,
}

impl<'a> Top<'a> {
    fn new(lines: &'a [Line], page: &'a PageTitles) -> Top<'a> {
        let first_body = lines.iter().position(is_body).unwrap_or(lines.len());
        let window = first_body.min(WINDOW).min(lines.len());
        let body_text: String =
            lines.iter().skip(first_body).take(4).map(|l| l.text.as_str()).collect::<Vec<_>>().join("");
        Top {
            lines,
            page,
            first_body,
            window,
            body_grams: bigrams(&body_text),
            field_grams: page.fields.iter().map(|f| bigrams(f)).collect(),
            tidied: (0..window).map(|i| tidy(&lines[i].text)).collect(),
            folded: lines.iter().take(WINDOW * 2).map(|l| fold(tidy(&l.text).as_str())).collect(),
        }
    }

    /// A first line that holds another candidate whole is the page's <title> captured as text
    /// (`标题-新华网`, `【栏目】标题`): it vouches for that candidate and is not the headline.
    /// What it adds around the other must be a site or column name set off from it (`-新华网`,
    /// `【栏目】`), not words of the headline (`第四届中国经济学年会` + `会议议程`).
    fn holds(&self, i: usize) -> bool {
        let wrapper = |rest: &str| {
            let rest = rest.trim();
            let set_off = |c: char| "-_|｜—–·【】[]()（）:：".contains(c);
            rest.starts_with(set_off)
                || rest.ends_with(set_off)
                || self.page.site_names.iter().any(|s| rest.contains(s.as_str()))
        };
        let t = &self.tidied;
        (0..self.window).any(|j| {
            j != i
                && eligible(&t[j])
                && t[j].chars().count() >= 6
                && t[i].contains(t[j].as_str())
                && t[i] != t[j]
                && t[i].split(t[j].as_str()).all(|r| r.trim().is_empty() || wrapper(r))
        })
    }

    fn held(&self, j: usize) -> bool {
        (0..self.window).any(|i| i != j && i < 2 && self.holds(i) && self.tidied[i].contains(self.tidied[j].as_str()))
    }

    /// Line `i` as a headline and what speaks for and against it, if it can be one at all.
    fn score_line(&self, i: usize) -> Option<(String, Features)> {
        let line = &self.lines[i];
        let text = tidy(&line.text);
        let site_names = &self.page.site_names;
        if !eligible(&text) || site_names.iter().any(|s| fold(s) == fold(&text) || strip_site_suffix(&text).is_empty())
        {
            return None;
        }
        let grams = bigrams(&text);
        let mut x = Features::default();
        shape(&text, &mut x);
        if line.heading == Some(1) {
            x.set(F::Heading1, 1.0);
        } else if line.heading.is_some() {
            x.set(F::Heading, 1.0);
        }
        // A `原标题:` label names the headline outright (a repost's own title is the SEO one).
        if ORIGINAL.is_match(line.text.trim()) {
            x.set(F::OriginalLabel, 1.0);
        }
        self.placement(i, &mut x);
        // The page's title fields say the same.
        let agree =
            self.field_grams.iter().map(|g| overlap(&grams, g).min(overlap(g, &grams) + 0.3)).fold(0.0, f32::max);
        x.set(F::FieldAgreement, agree);
        // The body repeats its words (a page's slogan or a site name does not).
        x.set(F::BodyOverlap, overlap(&grams, &self.body_grams));
        // Printed twice near the top (a headline repeated by the page template).
        let f = fold(&text);
        if self.folded.iter().enumerate().any(|(j, g)| j != i && *g == f) {
            x.set(F::PrintedTwice, 1.0);
        }
        if i < 2 && self.holds(i) {
            x.set(F::HoldsAnother, 1.0);
        }
        if self.held(i) {
            x.set(F::HeldByAnother, 1.0);
        }
        x.set(F::Position, i as f32);
        Some((text, x))
    }

    /// What follows line `i`: metadata (date, source, byline), then the first paragraph.
    fn placement(&self, i: usize, x: &mut Features) {
        let next: Vec<&Line> = self.lines[i + 1..].iter().take(4).collect();
        let is_meta = |l: &&Line| meta::is_meta_line(&l.text) || meta::is_name_line(&l.text);
        if next.first().is_some_and(is_meta) {
            x.set(F::MetaNext, 1.0);
        } else if next.get(1).is_some_and(is_meta) && next.first().is_some_and(|l| eligible(&l.text)) {
            x.set(F::MetaAfterNext, 1.0);
        }
        if next.iter().take(3).any(|l| is_body(l)) || i + 1 == self.first_body {
            x.set(F::BodyFollows, 1.0);
        }
        if i > self.first_body {
            x.set(F::BelowBody, 1.0);
        }
    }
}

/// What a line's own text says of it as a headline: its length, a sentence's end, commas,
/// the parallel shape of a main title, a bracketed label, an organisation's name.
fn shape(text: &str, x: &mut Features) {
    match text.chars().count() {
        8..=40 => x.set(F::Length8To40, 1.0),
        5..=7 | 41..=50 => x.set(F::LengthNear, 1.0),
        _ => {}
    }
    if ends_sentence(text) && !text.ends_with(['?', '？', '”', '!', '！', '）', ')', '》', '」']) {
        x.set(F::EndsSentence, 1.0);
    }
    if text.matches(['，', ',']).count() >= 2 {
        x.set(F::Commas, 1.0);
    }
    if parallel(text) {
        x.set(F::Parallel, 1.0);
    }
    if text.starts_with(['【', '[']) {
        x.set(F::Bracketed, 1.0);
    }
    if is_organisation(text) {
        x.set(F::Organisation, 1.0);
    }
}

/// A deck below the headline (`——…`, or a parallel-less line right under it before the
/// metadata) and a kicker above (`…——`): their lines join the headline's, their text is
/// returned for the subtitle.
fn decks(lines: &[Line], h: &mut Headline) -> Vec<String> {
    let at = *h.lines.iter().min().expect("a headline has a line");
    let last = *h.lines.iter().max().expect("a headline has a line");
    let mut sub: Vec<String> = Vec::new();
    if at > 0 && lines[at - 1].text.trim_end().ends_with("——") && eligible(&lines[at - 1].text) {
        sub.push(lines[at - 1].text.trim().trim_end_matches('—').trim().to_string());
        h.lines.insert(0, at - 1);
    }
    for (k, l) in lines.iter().enumerate().skip(last + 1).take(4) {
        let t = l.text.trim();
        if let Some(deck) = t.strip_prefix("——").filter(|d| d.chars().count() >= 4 && !is_body(l)) {
            sub.push(deck.trim().to_string());
            h.lines.push(k);
            break;
        }
        let directly_under = k == last + 1 && l.gap <= 1 && h.subtitle.is_none() && h.lines.len() == 1;
        // (A short line that names an outlet, `• 温州发布` over `• 2022-11-16 19:08:20`, is the
        // header's source, not a deck.)
        if directly_under
            && eligible(t)
            && !(t.chars().count() <= 14 && meta::is_news_outlet_name(&tidy(t)))
            && !h.title.ends_with("——")
            && lines.get(k + 1).is_some_and(|n| meta::is_meta_line(&n.text) || meta::is_name_line(&n.text))
        {
            sub.push(tidy(t));
            h.lines.push(k);
            break;
        }
        if !(meta::is_meta_line(t) || meta::is_name_line(t) || meta::is_column(t)) {
            break;
        }
    }
    sub
}

/// A one-line headline that carries its own kicker or deck: `引题,说明背景 主标题` (a long
/// line whose first part is a kicker sentence), `主题——副题`, `引题——`.
fn split_title(h: &mut Headline, sub: &mut Vec<String>) {
    if h.title.chars().count() > 40 && !parallel(&h.title) {
        let parts: Vec<&str> = h.title.split(' ').filter(|p| !p.is_empty()).collect();
        if let [kicker, main] = parts.as_slice() {
            if kicker.contains([',', '，']) && kicker.chars().count() >= 8 && main.chars().count() >= 8 {
                sub.insert(0, kicker.to_string());
                h.title = main.to_string();
            }
        }
    }
    if let Some((main, deck)) = h.title.clone().split_once("——") {
        if main.chars().count() >= 4 && deck.chars().count() >= 4 {
            h.title = main.trim().to_string();
            sub.insert(0, deck.trim().to_string());
        }
    }
    if let Some(k) = h.title.strip_suffix("——") {
        h.title = k.trim().to_string();
    }
}

/// The line printed right above or below the chosen one, when it is headline-shaped too and
/// set close to it: (upper, lower) line indexes. A short line that repeats the last item of the
/// page's breadcrumb trail (`首页 > 司法业务 > 社区矫正` … `社区矫正`) is the column's heading.
fn partner(lines: &[Line], at: usize, page: &PageTitles) -> Option<(usize, usize)> {
    let adjacent = |k: usize| {
        lines.get(k).is_some_and(|l| {
            let t = tidy(&l.text);
            // A full sentence (`…群策群力。`) is the paragraph under a subhead, not half of a
            // headline: no labelled headline ends with `。`.
            eligible(&t)
                && !t.ends_with("——")
                && !t.ends_with('。')
                && !meta::is_column(&t)
                && !is_editors_note(&t)
                && !page.site_names.iter().any(|s| fold(s) == fold(&t))
                && !page.columns.iter().any(|c| fold(c) == fold(&t))
        })
    };
    if at > 0 && adjacent(at - 1) && lines[at].gap <= 1 {
        Some((at - 1, at))
    } else if adjacent(at + 1) && lines[at + 1].gap <= 1 && !lines[at + 1].text.trim_start().starts_with("——") {
        Some((at, at + 1))
    } else {
        None
    }
}

/// A headline set on two lines. Of the two, a parallel line (`“接”出速度 “办”出实效`) is the
/// main title and the other its deck or kicker; two short plain lines are one headline broken
/// in two.
fn pair_up(lines: &[Line], h: &mut Headline, body_grams: &Grams, page: &PageTitles) {
    let at = h.lines[0];
    let Some((p, l)) = partner(lines, at, page) else { return };
    let (pt, lt) = (tidy(&lines[p].text), tidy(&lines[l].text));
    let numbered = |t: &str| {
        t.starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十(（".contains(c))
            && t.chars().take(4).any(|c| "、.．)）".contains(c))
    };
    if fold(&pt) == fold(&lt) || numbered(&pt) || numbered(&lt) {
        return;
    }
    // The other line must be about the story too: its words recur in the first paragraphs
    // (a site name, a search box or an app banner beside the headline does not).
    let other = if p == at { &lt } else { &pt };
    if CHROME_WORDS.iter().any(|w| fold(other).contains(w)) {
        return;
    }
    // The page's own title field prints the two lines as one headline (`<h1>引题<div>主题</div>`).
    let squeeze = |t: &str| fold(t).chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let joined = squeeze(&format!("{pt}{lt}"));
    if let Some(field) = page.fields.iter().find(|f| squeeze(f) == joined) {
        // …unless another field names the upper line alone: then that is the main title and
        // the lower its deck (`<h1>主题<td>副题</td></h1>` under `<title>主题</title>`); a kicker
        // is printed above its title, a deck below.
        if page.fields.iter().any(|f| squeeze(&tidy(f)) == squeeze(&pt)) {
            (h.title, h.subtitle) = (pt, Some(lt));
        } else {
            h.title = tidy(field);
        }
        h.lines = vec![p, l];
        return;
    }
    // The partner becomes the title when it is parallel, or when it is the first of two plain
    // lines: then the body must repeat its words (a parallel line needs no such proof).
    let partner_first = l == at;
    if partner_first && !parallel(other) && !parallel(&lines[at].text) && overlap(&bigrams(other), body_grams) < 0.3 {
        return;
    }
    // `原标题:…` names the upper line the headline itself: the line under it is its deck, however
    // parallel (`原標題:“小村規”撬動鄉村“大治理”` over `移風易俗見成效 文明新風拂面來`).
    if super::is_labelled_title(&lines[p].text) {
        (h.title, h.subtitle) = (pt, Some(lt));
        h.lines = vec![p, l];
        return;
    }
    if join_pair(h, pt, lt, l == at, body_grams) {
        h.lines = vec![p, l];
    }
}

/// Title and subtitle from the upper line `pt` and the lower `lt` (`chosen_lower`: the
/// chosen headline was the lower one). False when the two stay apart.
fn join_pair(h: &mut Headline, pt: String, lt: String, chosen_lower: bool, body_grams: &Grams) -> bool {
    let short = |t: &str| t.chars().count() <= 20;
    match (parallel(&pt), parallel(&lt)) {
        (true, false) => {
            h.title = pt;
            h.subtitle = Some(lt);
        }
        // A short kicker over a parallel main title (`西宁城中区为民排忧` / `需求网上说 纠纷云解决`)
        // says whose story it is: the two make the headline. A longer one is context, a deck.
        // (An advertisement over the headline is short too, but the body never repeats it.)
        (false, true)
            if pt.chars().count() <= 12
                && !pt.ends_with(['。', '；', ';', '，', ',', '：', ':'])
                && !is_organisation(&pt)
                && overlap(&bigrams(&pt), body_grams) >= 0.3 =>
        {
            h.title = format!("{pt} {lt}");
        }
        (false, true) => {
            h.title = lt;
            h.subtitle = Some(pt);
        }
        // Two plain lines: a fragment too short to stand alone (`会议议程`) makes one headline
        // with the other; otherwise the first is the title and the second its deck.
        (false, false) if short(&pt) && !pt.ends_with(['。', '；', ';', '，', ',']) => {
            if pt.chars().count().min(lt.chars().count()) <= 10 {
                h.title = format!("{pt} {lt}");
            } else {
                h.title = pt;
                h.subtitle = Some(lt);
            }
        }
        _ if chosen_lower => h.subtitle = Some(pt),
        _ => return false,
    }
    true
}
