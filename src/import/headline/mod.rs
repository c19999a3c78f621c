//! Import stage 4a: the headline. Every line near the top of a story is a candidate, and so
//! are the page's own title fields on saved pages (`<title>`, `og:title`, `<h1>`, JSON-LD) and a
//! `原标题:` line. Each candidate is scored on many weak signals — its shape and length, its
//! position, what follows it (a date, source or byline line; the first paragraph), whether the
//! page's title fields or the body repeat its words, the parallel shape of a main title — and
//! lines that are metadata, page chrome, a byline, an edition label or spam are never candidates.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::clean::{ends_sentence, junk, Junk};
use super::lines::Line;
use super::meta;

mod choose;
pub mod features;
use crate::fold::{fold, is_han};
pub use choose::choose;

/// Longest line that can be a headline (a main title with its deck may be longer).
const MAX_CHARS: usize = 64;
/// Candidates are taken from this many lines at the top of a story.
const WINDOW: usize = 14;
/// A best candidate scoring below this is no headline: the story is left untitled for review.
const MIN_SCORE: f32 = 3.0;
/// A headline that beats every candidate saying something else by less than this is a close
/// call, marked for review. Chosen on the labelled pages (corpus, fresh pages, extraction
/// benchmark: 140 choices with a labelled headline): the wrong picks' margins run 0.17–1.06 for
/// 6 of 17, the right picks' are ≥ 1.25 but for 2 of 123.
pub const CLOSE_CALL: f32 = 1.2;

/// The chosen headline: its main title, the deck or kicker printed with it, and the lines it
/// used (so they do not stay in the body).
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub title: String,
    pub subtitle: Option<String>,
    /// Indexes of the story's lines that make up the headline.
    pub lines: Vec<usize>,
    pub score: f32,
    /// The best score of a candidate with other words (`None`: there was none).
    pub runner_up: Option<f32>,
    /// Taken from weak evidence only (a breadcrumb trail's last item): written, marked for
    /// review.
    pub weak: bool,
}

/// Title fields of a saved page, strongest first.
#[derive(Debug, Clone, Default)]
pub struct PageTitles {
    pub fields: Vec<String>,
    /// Names of the site (`og:site_name`, the suffixes cut from `<title>`): a line that only
    /// names the site is never the headline.
    pub site_names: Vec<String>,
    /// Last items of breadcrumb trails near the top (`首页 » 栏目 » 标题`): candidates that
    /// no saved page's metadata vouches for.
    pub crumbs: Vec<String>,
    /// Short last items of those trails (`首页 > 司法业务 > 社区矫正`): a column's name, which a
    /// page may print again as a heading over the headline.
    pub columns: Vec<String>,
}

impl PageTitles {
    /// Adds a `<title>`-like field, keeping the site suffix it carries as a site name.
    pub fn add_field(&mut self, raw: &str) {
        let head = strip_site_suffix(raw);
        let tail =
            raw.trim()[head.len().min(raw.trim().len())..].trim_start_matches(|c: char| "_|-－—– ".contains(c)).trim();
        if !tail.is_empty() {
            for part in
                tail.split(['_', '|', '-', '－']).map(str::trim).filter(|p| (2..=12).contains(&p.chars().count()))
            {
                self.site_names.push(part.to_string());
            }
        }
        if !head.is_empty() && !self.fields.contains(&head) {
            self.fields.push(head);
        }
    }
}

static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[(（]?\s*(原标题|原標題|原题|原題|标题|標題|主题|主題|题目|題目|题|題)\s*[】\])）]?\s*[:：]\s*|^[【\[(（]\s*原(标题|题)\s*[】\])）]\s*")
        .expect("valid pattern")
});
static CHROME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"欢迎(访问|光临|来到)|^(首页|登录|注册|搜索|导读|内容详情|正文|详情|专题|订阅|投稿|网站首页|设为首页|加入收藏)$|^(导读|编者按|按语|核心提示|核心阅读|摘要|提要)\s*[:：]?|当前版\s*[:：]|^第\s*[0-9一二三四五六七八九十]+\s*版|^[(（].{0,20}[)）]$|^\d+$|我要(投稿|纠错)|^(字号|字体)|(站内|高级|全站|全文|站内高级)(搜索|检索)|版主|精华区|个人主页|的博客|博客首页|留言板|访问量|注册用户|在线用户",
    )
    .expect("valid pattern")
});
/// `(图)`, `(组图)`, `[视频]`: a note that pictures come with the story, not part of its headline.
static MEDIA_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[(（\[【]\s*(图|组图|附图|多图|图文|视频|图表|高清组图)\s*[)）\]】]\s*$").expect("valid pattern")
});
/// A comment of program code (`//create by: …`, `/* … */`, `<!-- … -->`): a page saved with
/// its script, never a headline.
static CODE_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(//|/\*|\*/|<!--|-->)").expect("valid pattern"));
/// A news column's name set in front of a headline like a shout (`环球通讯!`, a content farm's):
/// not the headline's. A kicker of the headline's own words stays (`亮新招!“营商环境”成…`,
/// `擂台比高低!杭州富阳举行…`, two sites).
static HYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\p{Han}]{0,4}(?:通讯|通訊|新闻|新聞|快讯|快訊|资讯|資訊|快报|快報|速递|速遞|头条|頭條|要闻|要聞)[!！]\s*",
    )
    .expect("valid pattern")
});
/// A headline glued to the date line and first paragraph that follow it (one-line pages).
static GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(发布时间|发表时间|发布日期|更新时间|时间|日期|来源)\s*[:：]|(19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
        .expect("valid pattern")
});

/// A line that names itself the headline (`原标题:…`, `标题:…`, `题:…`).
pub fn is_labelled_title(line: &str) -> bool {
    ORIGINAL.is_match(line.trim())
}

/// Removes what never belongs to a headline: a `原标题:` label, a hype tag, a site suffix.
pub fn tidy(title: &str) -> String {
    let t = title.trim();
    // Private-use characters are icon-font glyphs, not text.
    let t: String = t.chars().filter(|&c| !('\u{E000}'..='\u{F8FF}').contains(&c)).collect();
    // A menu bar run into the headline (`正文 新闻 图片 视频 甘肃高台:…`).
    let t = t.trim();
    let t = &t[super::clean::menu_prefix_len(t)..];
    // A bulletin's item mark (`◆为严厉打击…`).
    let t = t.trim_start_matches(['◆', '■', '●', '▲', '★', '◇', '□', '○', '△', '☆', '•']).trim_start();
    let t = ORIGINAL.replace(t.trim(), "");
    let t = match HYPE.find(&t) {
        Some(m) if t[m.end()..].chars().count() >= 8 => t[m.end()..].to_string(),
        _ => t.to_string(),
    };
    // A separator left at the end by a list or a menu (`…步行。 |`).
    let t = t.trim().trim_end_matches(['|', '｜']).trim_end();
    // A button printed after the headline (`[复制链接]`).
    let t = super::clean::strip_widget_tail(t);
    MEDIA_NOTE.replace(t, "").trim().to_string()
}

/// A page `<title>` without its site suffix: `安吉：全科网格_浙江新闻` → `安吉：全科网格`.
pub fn strip_site_suffix(title: &str) -> String {
    let mut t = title.trim();
    for sep in ["_", "|", "｜", " - ", "--", "－", "-", "——", "—", " – "] {
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            // A suffix is short and names a site; what precedes it is the headline. (`栏目 - 标题`
            // puts the longer part last: then nothing is cut.)
            let (tn, hn) = (tail.chars().count(), head.chars().count());
            let names_site =
                ["百科", "网", "报", "新闻", "在线", "频道", "官网", "门户", "论坛", "博客", "电台", "电视"]
                    .iter()
                    .any(|w| fold(tail).contains(w));
            let head_han = head.chars().filter(|&c| is_han(c)).count();
            if tn <= 20 && ((tn < hn && head_han >= 6) || (names_site && head_han >= 2)) {
                t = head.trim().trim_end_matches(|c: char| "_|｜-－—– ".contains(c)).trim();
            }
        }
    }
    t.to_string()
}

fn bigrams(s: &str) -> HashSet<(char, char)> {
    let cs: Vec<char> = fold(s).chars().filter(|c| is_han(*c) || c.is_alphanumeric()).collect();
    cs.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Share of `a`'s bigrams found in `b`.
fn overlap(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f32 / a.len() as f32
}

/// A breadcrumb's separators (`首页 > 新闻`, `›`, `»`): a `>` that closes a `<` opened before
/// it is a nested title mark (`《关于印发<…方案>的通知》`), not one.
fn is_crumb_trail(t: &str) -> bool {
    let mut open = 0usize;
    for c in t.chars() {
        match c {
            '<' => open += 1,
            '>' if open > 0 => open -= 1,
            '>' | '›' | '»' => return true,
            _ => {}
        }
    }
    false
}

/// Could the line be a headline at all?
pub fn eligible(text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().count();
    let han = t.chars().filter(|&c| is_han(c)).count();
    let f = fold(t);
    (4..=MAX_CHARS).contains(&n)
        && han >= 4
        && han * 2 >= n.min(40)
        && t.matches('。').count() <= 1
        // A line trailing off (`…走进了这里的峁峁梁梁……`, a row of quoted slogans `“…”“…”……`)
        // opens a paragraph: no labelled headline of the corpus, the fresh pages or the
        // benchmark ends so, and 8 such lines of their pages are body text.
        && !t.ends_with([',', '，', '、', ':', '：', '…'])
        && !t.starts_with("——")
        && !is_crumb_trail(t)
        && !meta::is_meta_line(t)
        && !meta::is_name_line(t)
        && !meta::is_names_only(t)
        && !meta::is_masthead(t)
        && !CHROME.is_match(f.trim())
        && !CODE_COMMENT.is_match(t)
        // A caption may be a headline (a photo story's), unless it opens as one or ends with its
        // photographer.
        && junk(t).is_none_or(|j| {
            matches!(j, Junk::Caption | Junk::Credit) && !t.starts_with('图') && !super::clean::is_credited_photo(&f)
        })
        && !super::clean::is_trailer_marker(t)
}

/// Two parallel clauses of similar length (`多元主体聚合力 政企同心共筑营商高地`): the shape of
/// a main title, as opposed to a kicker or deck that states context.
fn parallel(t: &str) -> bool {
    let parts: Vec<&str> = t.split([' ', '\u{3000}']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 2 {
        return false;
    }
    let (a, b) = (parts[0].chars().count() as i32, parts[1].chars().count() as i32);
    a >= 4 && b >= 4 && (a - b).abs() <= 4
}

fn is_body(l: &Line) -> bool {
    l.heading.is_none()
        && !is_editors_note(&l.text)
        && (l.chars() > 50
            || (l.chars() > 25 && l.text.trim_end().ends_with(['。', '；']) && l.text.contains(['，', ','])))
}

static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[【\[]?(编者按|编者的话|编前|导读|核心提示|核心阅读|内容提要|摘要|按语)[】\]]?\s*[:：]?")
        .expect("valid pattern")
});

/// The text of an editor's note without its label (`导读 …` → `…`).
pub fn strip_note_label(text: &str) -> &str {
    let t = text.trim_start();
    let f = fold(t);
    match NOTE.find(&f) {
        // The fold keeps one character for each: skip as many characters of the text.
        Some(m) if f.chars().count() == t.chars().count() => {
            let n = f[..m.end()].chars().count();
            t.char_indices().nth(n).map_or("", |(i, _)| &t[i..]).trim_start()
        }
        _ => t,
    }
}

/// An editor's note or teaser set above the headline (`编者按:…`, `导读 …`): not the story's
/// first paragraph.
pub fn is_editors_note(text: &str) -> bool {
    NOTE.is_match(fold(text).trim())
}

/// The name of a body or a site (`成都市郫都区人民政府`, `…儿童心理调研课题组`): a masthead or
/// a credit, not a headline.
fn is_organisation(t: &str) -> bool {
    const ENDS: &[&str] = &[
        "人民政府",
        "委员会",
        "办公室",
        "办公厅",
        "人民法院",
        "人民检察院",
        "课题组",
        "编辑部",
        "秘书处",
        "领导小组",
        "新闻网",
        "日报社",
        "日报",
        "晚报",
        "电视台",
        "广播电视台",
        "门户网站",
        "政府网",
        "客户端",
        "融媒体中心",
    ];
    let f = fold(t.trim());
    ENDS.iter().any(|e| f.ends_with(e))
}

/// Splits a line that runs a headline, a date or source field and the first paragraph together
/// (`标题发表时间:2023-06-09 15:39 6月8日下午,…`) into those parts; other lines stay whole.
pub fn unglue(line: &Line) -> Vec<Line> {
    let t = line.text.as_str();
    if line.chars() <= 60 {
        return vec![line.clone()];
    }
    // `标题 2021年01月20日`: an e-paper prints the date at the end of the headline line.
    let f = fold(t);
    if let Some((r, _, _)) = meta::date_span(&f) {
        let tail = f[r.end..].trim();
        if f.len() == t.len()
            && tail.is_empty()
            && f[..r.start].chars().count() >= 8
            && !f[..r.start].trim().ends_with(['。', '！', '？', '；'])
        {
            let head = t[..r.start].trim();
            // The head is marked as a heading: a long headline line is still a candidate.
            return vec![
                Line { text: head.to_string(), heading: line.heading.or(Some(3)), ..line.clone() },
                Line { text: t[r.start..].trim().to_string(), gap: 0, heading: None, cut_before: false },
            ];
        }
    }
    // `标题 央广网 央广网兰州6月17日消息(记者…)…`: a one-line capture of a whole story.
    if let Some((at, outlet)) = meta::dateline_inside(t) {
        let head = t[..at].trim();
        // The outlet's name printed again between the headline and the dateline.
        let head = head.strip_suffix(outlet.as_str()).map_or(head, str::trim_end);
        let hn = head.chars().count();
        if (6..=50).contains(&hn) && !ends_sentence(head) && !head.contains(['，', '。', ',']) && eligible(&tidy(head))
        {
            return vec![
                Line { text: head.to_string(), heading: line.heading.or(Some(3)), ..line.clone() },
                Line { text: t[at..].trim().to_string(), gap: 0, heading: None, cut_before: false },
            ];
        }
    }
    let Some(m) = GLUED.find(t) else { return vec![line.clone()] };
    let head = t[..m.start()].trim();
    let hn = head.chars().count();
    if !(6..=50).contains(&hn) || ends_sentence(head) || head.contains(['，', '。']) || !eligible(head) {
        return vec![line.clone()];
    }
    // The field runs to the end of its date and time.
    let rest = &t[m.start()..];
    let field_end = meta::date_field_end(rest).unwrap_or(m.end() - m.start());
    let (field, body) = rest.split_at(field_end);
    let mut out = vec![Line { text: head.to_string(), ..line.clone() }];
    out.push(Line { text: field.trim().to_string(), gap: 0, heading: None, cut_before: false });
    let body = body.trim_start_matches([' ', '|']).trim();
    if !body.is_empty() {
        out.push(Line { text: body.to_string(), gap: 0, heading: None, cut_before: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::text_lines;

    fn title(text: &str, fields: &[&str]) -> Option<(String, Option<String>)> {
        let page = PageTitles { fields: fields.iter().map(|s| s.to_string()).collect(), ..Default::default() };
        choose(&text_lines(text), &page).map(|h| (h.title, h.subtitle))
    }

    const PARA: &str = "这是一段足够长的正文段落，用来模拟新闻报道中的正文内容，大柳镇巡查河道，它的长度超过了标题可能的长度，而且以句号结束。";

    #[test]
    fn a_nested_title_mark_is_no_breadcrumb() {
        assert!(eligible("轉發《關於印發<2020年嶽陽市縣(市)區營商環境評價部門集中填報工作方案>的通知》的通知"));
        assert!(!eligible("首页 > 新闻中心 > 时政新闻"));
        assert!(!eligible("新闻中心 » 时政新闻 » 正文"));
        assert!(!eligible("<新闻中心> > 时政新闻 > 正文"));
    }

    #[test]
    fn a_site_slogan_over_the_headline_loses_to_it() {
        let text = format!(
            "看家乡事,品故乡情\n\n\n大柳镇开展“河长制”巡查推进河流治理\n\n滁州日报 2017-12-26 23:16 大字\n\n{PARA}\n"
        );
        assert_eq!(title(&text, &[]).unwrap().0, "大柳镇开展“河长制”巡查推进河流治理");
    }

    #[test]
    fn a_line_labelled_as_the_headline_keeps_the_parallel_deck_under_it() {
        // Fresh3 022 (绵阳日报 on a Traditional mirror): the headline, printed again as 原标题.
        let text = format!(
            "“小村规”撬动乡村“大治理”\n发稿时间: 2022-08-07 09:24 来源: 绵阳日报\n\n原标题:“小村规”撬动乡村“大治理”\n\n移风易俗见成效 文明新风拂面来\n\n{PARA}\n"
        );
        assert_eq!(title(&text, &[]).unwrap().0, "“小村规”撬动乡村“大治理”");
    }

    #[test]
    fn the_lead_sentence_under_a_headline_is_no_subtitle() {
        // Corpus 032 (an e-paper): the headline, then the lead's first paragraph, one sentence.
        let text = format!(
            "浙江宁海36条把小微权力关进笼子\n\n这里曾出现与一些基层单位相似的场景:群众办事“门难进、脸难看、话难听、事难办”,以及一些公职人员存在廉洁自律问题。\n\n{PARA}\n"
        );
        assert_eq!(title(&text, &[]).unwrap(), ("浙江宁海36条把小微权力关进笼子".to_string(), None));
    }

    #[test]
    fn a_bulletin_item_mark_is_no_part_of_the_headline() {
        assert_eq!(tidy("◆为严厉打击各种污染水源行为"), "为严厉打击各种污染水源行为");
        assert_eq!(tidy("■ 我县召开护林防火工作安排会"), "我县召开护林防火工作安排会");
    }

    #[test]
    fn original_title_lines_and_hype_tags() {
        assert_eq!(tidy("原标题 :2019山东之变|“对标”成热词"), "2019山东之变|“对标”成热词");
        // A wire story's headline line under its dateline (新华社北京12月10日电 / 题:…; two mirrors).
        assert_eq!(tidy("题:从“没人管”到“有人干”"), "从“没人管”到“有人干”");
        assert_eq!(tidy("环球通讯!陇县:擂台比武晒实绩 比学赶超促担当"), "陇县:擂台比武晒实绩 比学赶超促担当");
        assert_eq!(tidy("擂台比高低!杭州富陽舉行剿劣“比武”大賽"), "擂台比高低!杭州富陽舉行剿劣“比武”大賽");
        assert_eq!(tidy("13岁女孩辍学后生下女婴(附图)"), "13岁女孩辍学后生下女婴");
        assert_eq!(
            tidy("從白日村村委會到三組的農牧民家里需要乘摩托車或者步行。 |"),
            "從白日村村委會到三組的農牧民家里需要乘摩托車或者步行。",
            "a list's separator left at the end: the caption reads as the sentence it is"
        );
        assert_eq!(tidy("薛凯琪新专辑表情千奇百怪 再拿巨星开涮（图）"), "薛凯琪新专辑表情千奇百怪 再拿巨星开涮");
        assert_eq!(
            strip_site_suffix("街镇“探新记”:老寨新“招”激活治理“暖意”-新华网"),
            "街镇“探新记”:老寨新“招”激活治理“暖意”"
        );
    }

    #[test]
    fn a_deck_under_the_date_line_is_the_subtitle() {
        let text = format!("首页 > 新闻频道\n\n“空壳村”破壳重生\n\n2018-11-28 08:40:56\n来源:商洛日报\n\n——宁商扶贫协作促村集体经济发展综述\n\n本报记者 吉文艳\n\n{PARA}\n");
        assert_eq!(
            title(&text, &[]),
            Some(("“空壳村”破壳重生".into(), Some("宁商扶贫协作促村集体经济发展综述".into())))
        );
    }

    #[test]
    fn a_kicker_joins_its_main_title_when_short_or_when_the_page_title_says_so() {
        // A short kicker over a parallel main title: the two are the headline.
        let body =
            "今年以来,西宁市城中区将全区8个镇(办)、28个社区全部入驻微信群,为民排忧解难,群众需求网上说,纠纷云上解决。";
        let text =
            format!("西宁城中区为民排忧\n\n需求网上说 纠纷云解决\n\n2019-11-13 15:49:25 来源:人民网\n\n{body}\n");
        assert_eq!(title(&text, &[]).unwrap().0, "西宁城中区为民排忧 需求网上说 纠纷云解决");
        // Nor is the name of the site or body that publishes it.
        let body = "11月18日,成都市郫都区唐昌街道战旗村举行集体经济分红大会,郫都区村集体经济壮大,村民分红更多了。";
        let text = format!(
            "成都市郫都区人民政府\n\n郫都:村集体经济壮大了 村民年底分红更多了\n发布时间:2023年11月20日\n\n{body}\n"
        );
        assert_eq!(title(&text, &[]).unwrap().0, "郫都:村集体经济壮大了 村民年底分红更多了");
        // An advertisement over it is not (the body never repeats it).
        let text =
            format!("西门子无绳电话邀您\n\n需求网上说 纠纷云解决\n\n2019-11-13 15:49:25 来源:人民网\n\n{PARA}\n");
        assert_eq!(title(&text, &[]).unwrap().0, "需求网上说 纠纷云解决");
        // A kicker that states context is a deck.
        let text = format!("为进一步优化全市营商环境持续发力的新举措\n\n需求网上说 纠纷云解决\n\n2019-11-13 15:49:25 来源:人民网\n\n{PARA}\n");
        assert_eq!(
            title(&text, &[]),
            Some(("需求网上说 纠纷云解决".into(), Some("为进一步优化全市营商环境持续发力的新举措".into())))
        );
        // The page's <title> prints both lines as one: so is the headline.
        let text = format!(
            "内蒙古延续部分到期税收优惠政策助企纾困\n预计4年为纳税人减负180亿元\n发布日期:2022-02-11 08:52\n\n{PARA}\n"
        );
        let field = "内蒙古延续部分到期税收优惠政策助企纾困预计4年为纳税人减负180亿元";
        assert_eq!(title(&text, &[field]).unwrap().0, field);
        // …but where another field names the upper line alone, that is the title and the
        // lower line its deck.
        let upper = "内蒙古延续部分到期税收优惠政策助企纾困";
        assert_eq!(title(&text, &[upper, field]), Some((upper.into(), Some("预计4年为纳税人减负180亿元".into()))));
    }

    #[test]
    fn a_line_that_holds_another_is_a_title_capture_only_when_the_rest_is_a_site_name() {
        // `标题-新华网` over `标题`: the captured <title> vouches for the headline.
        let text = format!("空壳村破壳重生的路径-新华网\n\n空壳村破壳重生的路径\n\n2018-11-28 08:40:56\n\n{PARA}\n");
        assert_eq!(title(&text, &[]).unwrap().0, "空壳村破壳重生的路径");
        // `会议议程` is part of the headline, and the shorter line is the programme's heading.
        let text = format!("第四届中国经济学年会会议议程\n2004-12-10 阅读10544次\n第四届中国经济学年会\n(2004年12月11-12日,南开大学)\n会议议程\n{PARA}\n");
        assert_eq!(title(&text, &[]).unwrap().0, "第四届中国经济学年会会议议程");
    }

    #[test]
    fn the_name_of_a_body_is_a_credit_not_a_headline() {
        let text = format!("北京市儿童心理素质发展现状调查研究报告\n北京市妇女儿童工作委员会儿童心理调研课题组\n2005-03-06 16:17:00\n\n{PARA}\n");
        assert_eq!(title(&text, &[]).unwrap().0, "北京市儿童心理素质发展现状调查研究报告");
    }

    #[test]
    fn bylines_dates_and_chrome_are_never_headlines() {
        let text = format!("内容详情\n\n当前版:02版\n\n本报记者 张三 李四\n\n{PARA}\n");
        assert_eq!(title(&text, &[]), None);
    }

    #[test]
    fn a_menu_bar_run_into_the_headline_is_cut_off() {
        // Seen on a one-line capture of 央广网 and a 内蒙古新闻网 page (a whole menu line).
        assert_eq!(
            tidy("正文 新闻 图片 视频 甘肃高台:创新“三长六链”模式 织密河湖管护网"),
            "甘肃高台:创新“三长六链”模式 织密河湖管护网"
        );
        // A headline of spaced short words names no page chrome: it stays whole.
        assert_eq!(tidy("春风 春雨 春耕 春播 好时节"), "春风 春雨 春耕 春播 好时节");
        assert_eq!(tidy("需求网上说 纠纷云解决"), "需求网上说 纠纷云解决");
        // A line that is all menu keeps its words (a person sees it is no headline).
        assert_eq!(
            tidy("首頁| 蘭州| 新聞| 政務| 房產| 旅游| 汽車| 教育"),
            "首頁| 蘭州| 新聞| 政務| 房產| 旅游| 汽車| 教育"
        );
    }

    #[test]
    fn a_line_trailing_off_is_no_headline() {
        // A row of slogans under the headline (fresh-eyes pile 031) and a feature's lead (pile 083).
        assert!(!eligible("“小事不出村 大事不出镇 矛盾不上交”“居民有需求 基层有服务”……"));
        assert!(!eligible("金秋时节,记者卷起裤腿,走进了这里的峁峁梁梁……"));
        assert!(eligible("枫桥里的三座“桥”"));
    }

    #[test]
    fn code_comments_and_search_boxes_are_never_headlines() {
        assert!(!eligible("//create by: 邓志锋 <280160522@qq"));
        assert!(!eligible("<!-- 正文标题开始 -->"));
        assert!(!eligible("•   标题    站内高级搜索"));
        assert!(eligible("搜索引擎优化助力县域电商发展"));
    }

    #[test]
    fn how_close_the_call_was_is_kept_against_candidates_with_other_words() {
        // A photo caption printed twice under the date line competes with the headline above
        // it (fresh page 043, where the caption won by 1.06 and the title is now marked).
        let text = format!(
            "禮縣行記 ——安寧區結對幫扶禮縣脫貧攻堅見聞\n\n2019-06-25 00:00:00 智能朗讀:\n\n\
             駐村干部與鄉親們在一起\n\n駐村干部與鄉親們在一起\n\n蘭州日報社全媒體記者楊文豪文/圖\n\n{PARA}\n"
        );
        let (h, explained) = features::explain(|| choose(&text_lines(&text), &PageTitles::default()));
        let h = h.unwrap();
        let other = explained[0].iter().filter(|c| fold(&c.text) != fold(&h.title)).map(|c| c.score).reduce(f32::max);
        assert_eq!(h.runner_up, other);
        assert!(other.is_some_and(|o| o < h.score));
        // The same line printed twice does not compete with itself.
        let text = format!("大柳镇开展“河长制”巡查推进河流治理\n\n大柳镇开展“河长制”巡查推进河流治理\n\n滁州日报 2017-12-26\n\n{PARA}\n");
        let h = choose(&text_lines(&text), &PageTitles::default()).unwrap();
        assert_eq!(h.runner_up, None);
    }

    #[test]
    fn a_breadcrumb_tail_is_a_weak_title_field() {
        let page = PageTitles { crumbs: vec!["安达党员下沉入户问需解难".into()], ..Default::default() };
        let text = "在安达市牛都名苑小区\n\n近日,安达市党员下沉入户问需解难,在安达市牛都名苑小区,党员志愿者们走访群众,解决难题,群众纷纷点赞。\n";
        let h = choose(&text_lines(text), &page).unwrap();
        assert_eq!(h.title, "安达党员下沉入户问需解难");
        assert!(h.weak, "a title only a breadcrumb gives is marked for review");
    }

    #[test]
    fn a_columns_heading_over_the_headline_is_no_half_of_it() {
        let text = format!(
            "首页 > 司法业务 > 社区矫正\n\n社区矫正\n\n平乡县司法局油召司法所组织社区矫正对象开展公益活动\n\n发布日期:2022-08-10\n\n访问次数:\n\n信息来源:邢台市司法局\n\n{}\n",
            "为优化公益活动效果,增强社区矫正对象的社会责任感、集体观念和纪律意识。近期,平乡县司法局油召司法所组织社区矫正对象参与文明城市创建工作。"
        );
        let joined = choose(&text_lines(&text), &PageTitles::default()).unwrap();
        assert_eq!(joined.title, "社区矫正 平乡县司法局油召司法所组织社区矫正对象开展公益活动");
        let page = PageTitles { columns: vec!["社区矫正".into()], ..Default::default() };
        let h = choose(&text_lines(&text), &page).unwrap();
        assert_eq!(h.title, "平乡县司法局油召司法所组织社区矫正对象开展公益活动");
    }

    #[test]
    fn explain_lists_every_candidate_with_the_chosen_one_scoring_highest() {
        let text =
            format!("看家乡事,品故乡情\n\n大柳镇开展“河长制”巡查推进河流治理\n\n滁州日报 2017-12-26 23:16\n\n{PARA}\n");
        let (h, choices) = features::explain(|| title(&text, &["大柳镇开展河长制巡查"]));
        assert_eq!(h.unwrap().0, "大柳镇开展“河长制”巡查推进河流治理");
        let [candidates] = choices.as_slice() else { panic!("one choice: {choices:?}") };
        assert!(candidates.len() >= 3, "the slogan, the headline and the title field: {candidates:?}");
        let best = candidates.iter().max_by(|a, b| a.score.total_cmp(&b.score)).unwrap();
        assert_eq!(best.text, "大柳镇开展“河长制”巡查推进河流治理");
        assert_eq!(best.features.score(), best.score);
        assert_eq!(best.features.get(features::Feature::MetaNext), 1.0);
    }

    #[test]
    fn a_glued_line_comes_apart() {
        let l = Line::new(&format!("王建斌到大成镇南正水开展巡河工作发表时间:2023-06-09 15:39 6月8日下午,{PARA}"), 0);
        let parts: Vec<String> = unglue(&l).into_iter().map(|l| l.text).collect();
        assert_eq!(parts[0], "王建斌到大成镇南正水开展巡河工作");
        assert_eq!(parts[1], "发表时间:2023-06-09 15:39");
        assert!(parts[2].starts_with("6月8日下午"));

        // A one-line capture: menu, headline, the outlet's name, its dateline and the story.
        let l = Line::new(&format!("正文 新闻 图片 视频 甘肃高台:创新“三长六链”模式 织密河湖管护网 央广网 央广网兰州6月17日消息(记者魏晋雪 通讯员段海){PARA}"), 0);
        let parts: Vec<String> = unglue(&l).into_iter().map(|l| l.text).collect();
        assert_eq!(parts[0], "正文 新闻 图片 视频 甘肃高台:创新“三长六链”模式 织密河湖管护网");
        assert!(parts[1].starts_with("央广网兰州6月17日消息(记者魏晋雪"));
        let l = Line::new(&format!("山西晋中:干部下沉网格 中新网晋中10月22日电 {PARA}"), 0);
        assert_eq!(unglue(&l)[0].text, "山西晋中:干部下沉网格");
        // A sentence that quotes a dateline stays whole.
        let l = Line::new(&format!("据报道，新华社北京3月5日电称，{PARA}"), 0);
        assert_eq!(unglue(&l).len(), 1);
    }
}
