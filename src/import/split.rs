//! Import stage 3: one raw page → its stories. A story starts at a headline block (short
//! lines, possibly under a column label or kicker) that is followed by a byline, by the page's
//! date line, or that is an `<h1>`, or a `地名:标题` headline standing alone. Lines before the
//! first story are the page header. A headline whose body is missing (layout put the title
//! under its text) adopts the unheaded text just above it.

use super::clean::{ends_sentence, is_trailer_marker};
use super::headline::{self, Headline, PageTitles};
use super::lines::Line;
use super::meta;
use crate::fold::{fold, is_han};

/// A story as found on the page, before metadata is interpreted.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Headline lines in page order (column labels, kickers, the main title, decks).
    pub headline: Vec<String>,
    /// Metadata lines that follow the headline (bylines, date/source lines, keyword lines).
    pub header: Vec<String>,
    pub body: Vec<Line>,
    /// The story starts at a heading of its own (`<h1>`, a Markdown heading) or the page's
    /// layout makes it a report of its own (a bulletin's item, a `又讯`, one of a page of
    /// unrelated paragraphs): it is a story however short its text.
    pub headed: bool,
}

/// Longest line that can be a headline.
const HEADLINE_MAX: usize = 50;

/// Could this line be (part of) a headline? Short, not a finished sentence, not metadata.
pub fn is_headline_shape(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    (2..=HEADLINE_MAX).contains(&n)
        && t.chars().filter(|&c| crate::fold::is_han(c)).count() >= 2
        && (!ends_sentence(t) || t.ends_with(['?', '？', '”', '!', '！']))
        && !t.ends_with([',', '，', '、'])
        && t.matches('。').count() <= 1
        && !meta::is_meta_line(t)
        && !is_trailer_marker(t)
}

/// Splits cleaned lines into stories. `place_headline` says whether a line is a `地名:标题`
/// headline (it needs the gazetteer).
pub fn split(lines: &[Line], place_headline: &dyn Fn(&str) -> bool) -> (Vec<String>, Vec<Draft>) {
    let mut starts = story_starts(lines, place_headline);
    let (mut reports, another) = report_starts(lines);
    if starts.is_empty() && reports.is_empty() {
        reports = unrelated_paragraphs(lines);
    }
    if !reports.is_empty() {
        // `又讯` follows a story: the one above it starts at the first line when nothing else
        // starts it.
        if another && starts.first().is_none_or(|&s| s > reports[0]) {
            starts.push(0);
        }
        starts.extend(reports.iter().copied());
        starts.sort_unstable();
        starts.dedup();
    }
    let Some(&first) = starts.first() else {
        return (Vec::new(), vec![single_story(lines)]);
    };
    let preface: Vec<String> = lines[..first].iter().map(|l| l.text.clone()).collect();
    let mut drafts = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let mut d = draft(&lines[s..end]);
        d.headed |= reports.contains(&s);
        drafts.push(d);
    }
    adopt_orphans(&mut drafts);
    (preface, drafts)
}

/// Indexes where stories start.
fn story_starts(lines: &[Line], place_headline: &dyn Fn(&str) -> bool) -> Vec<usize> {
    let mut starts: Vec<usize> = Vec::new();
    let mut date_line_used = false;
    // Headline blocks never reach back over the previous story's byline.
    let mut floor = 0;
    for j in 0..lines.len() {
        let t = lines[j].text.as_str();
        let after_headline = j > 0 && is_headline_shape(&lines[j - 1].text);
        let start = if lines[j].heading == Some(1) {
            Some(j)
        } else if after_headline && (meta::is_byline(t) || (meta::is_name_line(t) && name_byline_context(lines, j))) {
            let s = headline_block_start(lines, j, floor);
            floor = j + 1;
            Some(s)
        } else if after_headline && !date_line_used && meta::is_date_line(t) {
            date_line_used = true;
            Some(headline_block_start(lines, j, floor))
        } else if place_headline(t) && is_headline_shape(t) && next_is_body(lines, j) {
            Some(j)
        } else {
            None
        };
        if let Some(s) = start {
            if starts.last().is_none_or(|&last| s > last) {
                starts.push(s);
            }
        }
    }
    starts
}

/// Paragraphs that open a report of their own in a run of text, and whether one of them is a
/// paper's `又讯`/`另讯` ("another report", the reporter after it in brackets); else they are
/// the items of a bulletin (`要闻简报`, `一周快讯`): three paragraphs or more that open with one
/// bullet (◆, ■, ●, ▲, ★), most of them dated to the day (`9月23日`). A list of measures under
/// bullets in one story is not dated item by item.
fn report_starts(lines: &[Line]) -> (Vec<usize>, bool) {
    let another: Vec<usize> = (1..lines.len())
        .filter(|&j| {
            let t = lines[j].text.trim_start();
            (t.starts_with("又讯") || t.starts_with("另讯")) && lines[j].chars() > HEADLINE_MAX
        })
        .collect();
    if !another.is_empty() {
        return (another, true);
    }
    const BULLETS: [char; 5] = ['◆', '■', '●', '▲', '★'];
    let bullet_of = |l: &Line| l.text.trim_start().chars().next().filter(|c| BULLETS.contains(c));
    let Some(bullet) = BULLETS.into_iter().max_by_key(|&b| lines.iter().filter(|l| bullet_of(l) == Some(b)).count())
    else {
        return (Vec::new(), false);
    };
    let items: Vec<usize> = (0..lines.len()).filter(|&j| bullet_of(&lines[j]) == Some(bullet)).collect();
    let dated = items.iter().filter(|&&j| DAY.is_match(&lines[j].text)).count();
    if items.len() >= 3 && dated * 3 >= items.len() * 2 && items.iter().all(|&j| lines[j].chars() >= 30) {
        (items, false)
    } else {
        (Vec::new(), false)
    }
}

/// Fewest paragraphs a page of unrelated paragraphs has.
const UNRELATED_MIN: usize = 3;
/// Highest similarity of two neighbouring paragraphs on a page of unrelated ones: the cosine of
/// their Han character-pair counts. One report's paragraphs share its names and terms: on the
/// pages made only of paragraphs in the labelled corpus and the fresh pages (19 single reports
/// from 19 sites), the most alike neighbours score 0.125 to 0.41; a content farm's page of six
/// snippets from six stories (corpus 097) scores 0.020 at most.
const UNRELATED_MAX_SIMILARITY: f32 = 0.05;

/// A page of paragraphs only — no headline, no short line — each from another story (a
/// content farm's page of snippets): every paragraph is a story of its own. Empty otherwise.
fn unrelated_paragraphs(lines: &[Line]) -> Vec<usize> {
    const PARAGRAPH_HAN: usize = 40;
    let han = |l: &Line| l.text.chars().filter(|&c| is_han(c)).count();
    if lines.len() < UNRELATED_MIN || lines.iter().any(|l| han(l) < PARAGRAPH_HAN) {
        return Vec::new();
    }
    let pairs: Vec<Pairs> = lines.iter().map(|l| han_pairs(&l.text)).collect();
    let unrelated = pairs.windows(2).all(|w| cosine(&w[0], &w[1]) < UNRELATED_MAX_SIMILARITY);
    if unrelated {
        (0..lines.len()).collect()
    } else {
        Vec::new()
    }
}

/// Counts of neighbouring Han character pairs.
type Pairs = std::collections::HashMap<(char, char), f32>;

fn han_pairs(text: &str) -> Pairs {
    let han: Vec<char> = text.chars().filter(|&c| is_han(c)).collect();
    let mut counts = Pairs::new();
    for w in han.windows(2) {
        *counts.entry((w[0], w[1])).or_insert(0.0) += 1.0;
    }
    counts
}

fn cosine(a: &Pairs, b: &Pairs) -> f32 {
    let dot: f32 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    let norm = |m: &Pairs| m.values().map(|v| v * v).sum::<f32>().sqrt();
    let n = norm(a) * norm(b);
    if n == 0.0 {
        0.0
    } else {
        dot / n
    }
}

/// A day of a month: `9月23日`.
static DAY: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\d{1,2}\s*月\s*\d{1,2}\s*日").expect("valid pattern"));

/// A bare name under a short line is a byline when the short line follows body text or a
/// page break (so it is not a subhead followed by a one-line quote).
fn name_byline_context(lines: &[Line], j: usize) -> bool {
    j >= 2 && !is_headline_shape(&lines[j - 2].text) || j == 1
}

fn next_is_body(lines: &[Line], j: usize) -> bool {
    lines[j + 1..].iter().take(2).any(|l| l.chars() > HEADLINE_MAX)
}

/// Walks back from a byline over the headline block: up to four headline-shaped lines.
fn headline_block_start(lines: &[Line], byline: usize, floor: usize) -> usize {
    let mut s = byline;
    while s > floor
        && byline - s < 4
        && is_headline_shape(&lines[s - 1].text)
        && !meta::is_name_line(&lines[s - 1].text)
    {
        if lines[s].cut_before && s < byline {
            break;
        }
        s -= 1;
        // A blank-line gap wider than a paragraph break separates the block from what is above.
        if lines[s].gap >= 2 && s < byline - 1 {
            break;
        }
    }
    s
}

fn draft(lines: &[Line]) -> Draft {
    let mut d = Draft { headed: lines.first().is_some_and(|l| l.heading == Some(1)), ..Draft::default() };
    let mut i = 0;
    // A story under a heading of its own: the heading is its headline, however long.
    if d.headed && lines[0].chars() <= 100 {
        d.headline.push(lines[0].text.clone());
        i = 1;
    }
    // Headline block: headline-shaped lines up to the first metadata line or body paragraph.
    while i < lines.len() && is_headline_shape(&lines[i].text) && !meta::is_name_line(&lines[i].text) && i < 5 {
        // An <h1> stands alone; otherwise the block ends at a wide gap (an image slot).
        if i > 0 && (lines[0].heading.is_some() || lines[i].gap >= 2 || lines[i].cut_before) {
            break;
        }
        d.headline.push(lines[i].text.clone());
        i += 1;
    }
    // Header: bylines, date/source lines, keyword lines, bare names, column labels.
    while i < lines.len() {
        let t = &lines[i].text;
        // A counter or a button saved empty (`访问次数:`) does not end the header.
        if meta::is_meta_line(t)
            || meta::is_column(t)
            || meta::is_empty_label(t)
            || (meta::is_name_line(t) && !d.headline.is_empty())
        {
            d.header.push(t.clone());
            i += 1;
        } else {
            break;
        }
    }
    d.body = lines[i..].to_vec();
    // Bylines set in the first lines of the body (after a dateline or lead-in).
    let mut k = 0;
    while k < d.body.len().min(3) {
        if meta::is_byline(&d.body[k].text) || meta::is_date_line(&d.body[k].text) && d.body[k].chars() <= 40 {
            d.header.push(d.body.remove(k).text);
        } else {
            k += 1;
        }
    }
    d
}

/// A page without recognisable headline blocks: the headline is the last headline-shaped
/// line before the first paragraph.
fn single_story(lines: &[Line]) -> Draft {
    let first_para = lines.iter().position(|l| l.chars() > HEADLINE_MAX).unwrap_or(lines.len());
    let mut d = Draft::default();
    for (i, l) in lines.iter().enumerate() {
        if i < first_para {
            if meta::is_meta_line(&l.text) || meta::is_column(&l.text) || meta::is_name_line(&l.text) {
                d.header.push(l.text.clone());
            } else if is_headline_shape(&l.text) && d.headline.len() < 3 {
                d.headline.push(l.text.clone());
            } else {
                d.body.push(l.clone());
            }
        } else {
            d.body.push(l.clone());
        }
    }
    d
}

/// A story with a headline and byline but no body took its text from the story above: the
/// paragraphs after that story's last standalone short line (a column label such as 金台潮声).
fn adopt_orphans(drafts: &mut [Draft]) {
    for k in 1..drafts.len() {
        if drafts[k].body.iter().any(|l| l.chars() > HEADLINE_MAX) {
            continue;
        }
        let prev = &drafts[k - 1].body;
        let Some(label) = prev.iter().rposition(|l| is_headline_shape(&l.text)) else {
            continue;
        };
        let tail = prev.len() - label - 1;
        if tail == 0 || label == 0 {
            continue;
        }
        let mut taken = drafts[k - 1].body.split_off(label);
        let column = taken.remove(0);
        drafts[k].headline.insert(0, column.text);
        let own = std::mem::take(&mut drafts[k].body);
        taken.extend(own);
        drafts[k].body = taken;
    }
}

/// A page with one story: the scored headline, the metadata lines around it, and the body
/// below. Returns the page header (lines above the headline), the story and its headline.
pub(super) fn page_with_one_story(lines: &[Line], titles: &PageTitles) -> (Vec<String>, Draft, Option<Headline>) {
    let h = headline::choose(lines, titles);
    let mut d = Draft::default();
    let mut preface = Vec::new();
    let mut lead: Vec<Line> = Vec::new();
    let start = match &h {
        Some(h) if !h.lines.is_empty() => {
            let first = h.lines[0];
            // Text above the headline is page chrome, except paragraphs: an editor's note or a
            // lead printed before the title stays with the story.
            for l in &lines[..first] {
                if l.text.chars().filter(|&c| is_han(c)).count() >= 30 && !meta::is_meta_line(&l.text) {
                    lead.push(l.clone());
                } else {
                    preface.push(l.text.clone());
                }
            }
            // Date and source lines may sit between the headline and its deck.
            first + 1
        }
        _ => 0,
    };
    let used: std::collections::HashSet<usize> = h.iter().flat_map(|h| h.lines.iter().copied()).collect();
    let title_f = h.as_ref().map(|h| fold(&h.title));
    let mut in_header = true;
    for (i, l) in lines.iter().enumerate().skip(start) {
        if used.contains(&i) {
            continue;
        }
        let t = l.text.as_str();
        // The headline printed again (a template's second copy) is not text.
        if title_f.as_deref().is_some_and(|f| fold(&headline::tidy(t)) == f) {
            continue;
        }
        // (An outlet's name over the date line, `• 温州发布` / `• 2022-11-16 19:08:20`, is header.)
        let outlet_over_date =
            || meta::outlet_line(t).is_some() && lines.get(i + 1).is_some_and(|n| meta::is_date_line(&n.text));
        let meta_line = meta::is_meta_line(t)
            || meta::is_column(t)
            || ((meta::is_name_line(t) || meta::is_names_only(t) || meta::is_empty_label(t) || outlet_over_date())
                && in_header);
        if in_header && meta_line {
            d.header.push(t.to_string());
            continue;
        }
        if h.as_ref().is_none_or(|h| h.lines.is_empty())
            && in_header
            && !is_paragraph(l)
            && !meta_line
            && d.body.is_empty()
        {
            // Page chrome above the text of a page without a headline.
            preface.push(t.to_string());
            continue;
        }
        in_header = false;
        d.body.push(l.clone());
    }
    if !lead.is_empty() {
        d.body.splice(0..0, lead);
    }
    lift_opening_bylines(&mut d);
    (preface, d, h)
}

/// Bylines and short date lines set in the first lines of the body go to the header.
fn lift_opening_bylines(d: &mut Draft) {
    let mut k = 0;
    while k < d.body.len().min(3) {
        let t = &d.body[k].text;
        if meta::is_byline(t) || meta::is_date_line(t) && d.body[k].chars() <= 40 {
            d.header.push(d.body.remove(k).text);
        } else {
            k += 1;
        }
    }
}

fn is_paragraph(l: &Line) -> bool {
    l.chars() > 30 || (l.chars() > 12 && ends_sentence(&l.text))
}

/// Ranges of body lines that open with a run of subheads and hold the paragraphs under them.
pub(super) fn sections(body: &[Line]) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    for i in 1..body.len() {
        let head = is_headline_shape(&body[i].text);
        let after_text = !is_headline_shape(&body[i - 1].text);
        if head && after_text {
            starts.push(i);
        }
    }
    starts.iter().enumerate().map(|(n, &s)| s..starts.get(n + 1).copied().unwrap_or(body.len())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::text_lines;

    fn titles(text: &str) -> Vec<Vec<String>> {
        let lines = text_lines(text);
        split(&lines, &|l: &str| l.starts_with("兰州市")).1.into_iter().map(|d| d.headline).collect()
    }

    const PARA: &str =
        "这是一段足够长的正文段落，用来模拟新闻报道中的正文内容，它的长度超过了标题可能的长度，而且以句号结束。";

    #[test]
    fn a_page_of_unrelated_paragraphs_gives_a_story_per_paragraph_and_a_report_stays_one() {
        let stories = |text: &str| split(&text_lines(text), &|_: &str| false).1.len();
        // A content farm's page: six snippets of six stories (村超, 扎扎 costumes, an art work, …).
        assert_eq!(stories(include_str!("../../tests/fixtures/real/raw/097_xiapu_multi.txt")), 6);
        // Pages of paragraphs only, each one report: their paragraphs share names and terms.
        assert_eq!(stories(include_str!("../../tests/fixtures/real/raw/095_luoshan_jianfu.txt")), 1);
        assert_eq!(stories(include_str!("../../tests/fixtures/real/raw/115_tianjin_zhanquzhi.txt")), 1);
        assert_eq!(stories(include_str!("../../tests/fixtures/real/raw/017_xiangzhou_yichuang.txt")), 1);
    }

    #[test]
    fn stories_start_at_headline_and_byline() {
        let text = format!("第05版：要闻\n\n引题说明了背景——\n\n主标题在这里\n\n本报记者 王伟健\n\n{PARA}\n\n小标题在中间\n\n{PARA}\n\n第二篇的标题\n\n本报记者 曹玲娟\n\n{PARA}\n");
        assert_eq!(titles(&text), [vec!["引题说明了背景——", "主标题在这里"], vec!["第二篇的标题"]]);
    }

    #[test]
    fn another_report_and_bulletin_items_start_stories() {
        let lines = text_lines(&format!("本报讯 11月9日，{PARA}\n\n又讯(记者 潘拯翌){PARA}\n\n{PARA}\n"));
        let (preface, drafts) = split(&lines, &|_: &str| false);
        assert!(preface.is_empty());
        assert_eq!(drafts.len(), 2);
        assert!(drafts[1].body[0].text.starts_with("又讯"));
        assert_eq!(drafts[1].body.len(), 2);

        let item = |day: &str| format!("    ◆{day}，我县召开工作推进会，{PARA}");
        let bulletin = format!("要闻简报\n{}\n{}\n◆ {PARA}\n{}\n", item("9月23日"), item("9月25日"), item("9月27日"));
        let (preface, drafts) = split(&text_lines(&bulletin), &|_: &str| false);
        assert_eq!((preface, drafts.len()), (vec!["要闻简报".to_string()], 4));
        assert!(drafts.iter().all(|d| d.headed), "an item is a story however short (one sentence of 60 Han)");

        // Measures listed under bullets in one story, not dated item by item, stay one story.
        let measures = format!("{PARA}\n◆建立清单制度，{PARA}\n◆完善考核机制，{PARA}\n◆9月起推行，{PARA}\n");
        assert_eq!(split(&text_lines(&measures), &|_: &str| false).1.len(), 1);
    }

    #[test]
    fn headline_under_its_body_adopts_it() {
        let text = format!("头条标题\n\n本报记者 姚雪青\n\n{PARA}\n\n金台潮声\n\n评论的第一段{PARA}\n\n评论的第二段{PARA}\n\n保持定力往前走\n\n吴储波\n\n下一篇标题\n\n本报记者 沈靖然\n\n{PARA}\n");
        let lines = text_lines(&text);
        let (_, drafts) = split(&lines, &|_: &str| false);
        assert_eq!(drafts.len(), 3);
        assert_eq!(drafts[1].headline, ["金台潮声", "保持定力往前走"]);
        assert!(drafts[1].body[0].text.starts_with("评论的第一段"));
        assert_eq!(drafts[0].body.len(), 1, "the column moved out of the first story");
    }

    #[test]
    fn a_place_headline_alone_starts_a_story() {
        let text = format!(
            "标题一\n\n本报记者 王伟健\n\n{PARA}\n\n\n\n兰州市永登县: 开展行动 做好冬季供暖工作\n\n\n\n{PARA}\n"
        );
        assert_eq!(titles(&text).len(), 2);
    }

    #[test]
    fn a_single_story_page() {
        let text = format!("苏州:锻造创新发展“红色引擎”\n\n2017-09-19 09:58:59    来源:新华日报\n\n{PARA}\n\n{PARA}\n");
        let lines = text_lines(&text);
        let (preface, drafts) = split(&lines, &|_: &str| false);
        assert!(preface.is_empty());
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].header, ["2017-09-19 09:58:59    来源:新华日报"]);
    }
}
