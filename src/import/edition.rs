//! What an e-paper's furniture says about the edition a story was printed in: the paper's
//! name and the edition's date. A newspaper's story on its e-paper says only `本报讯`; the
//! paper and the day are printed around it by the e-paper system — a masthead
//! (`浙江日报 数字报纸`, `当前报纸名称:闽西日报`), an edition line (`第4809期:第04版
//! 本期出版日期:2024-11-06`), or a record the system leaves in the page's text (Founder's
//! `enpproperty` comment: `--> 2025-03-18 3 3 宁夏法治报 content_152660.html 1 标题
//! /enpproperty-->`; a footer `浙江日报 专刊 00011 标题 2023-05-08 浙江日报2023-05-0800009 2`).
//! Those lines are furniture (dropped from the body, [`is_record`]); what they say is read
//! here, from the raw lines, before they are dropped.

use std::sync::LazyLock;

use regex::Regex;

use super::dates::find_date;
use super::evidence::reads_as_outlet;
use crate::fold::fold;

/// A date as `YYYY-MM-DD` and its year.
type Dated = (String, i32);

/// The paper and the edition's date, as far as the furniture gives them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Edition {
    pub paper: Option<String>,
    pub date: Option<(String, i32)>,
    /// The edition's month and day printed without a year (`日期:11-23` of a reader app,
    /// whose header shows the day it was read).
    pub day: Option<(u32, u32)>,
}

impl Edition {
    /// The date a page's header gives, `header`, checked against the edition's day: a reader
    /// app prints the day it was opened above the edition's month and day. When they differ,
    /// the date is not the story's; its year is the header's, or the year before when the
    /// edition's day falls later in the year (inferred: a person should check it).
    pub(super) fn date_and_year(&self, header: Option<Dated>) -> Option<(Option<Dated>, (i32, bool))> {
        let (date, year) = header?;
        let Some((m, d)) = self.day else { return Some((Some((date, year)), (year, false))) };
        let parts: Vec<u32> = date.split('-').skip(1).filter_map(|p| p.parse().ok()).collect();
        match parts[..] {
            [hm, hd] if (hm, hd) == (m, d) => Some((Some((date, year)), (year, false))),
            [hm, hd] => Some((None, (if (m, d) > (hm, hd) { year - 1 } else { year }, true))),
            _ => Some((Some((date, year)), (year, false))),
        }
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

/// A paper's name: Han text ending in what papers' names end in.
static PAPER: LazyLock<String> = LazyLock::new(|| format!(r"\p{{Han}}{{1,10}}?(?:{})", super::meta::PAPER_ENDS));

/// `当前报纸名称:闽西日报`, `报纸名称：X`.
static NAMED: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"报纸名称\s*[:：]\s*({})", *PAPER)));
/// `浙江日报 数字报纸`, `闽西日报电子版`: a paper's name before the name of its e-paper.
static MASTHEAD: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^({})\s*[·-]?\s*(?:数字报纸|数字报|电子报|电子版|数字版|报纸版)", *PAPER)));
/// `本期出版日期:2024-11-06`, `出版日期：2019年3月2日`.
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| re(r"出版日期\s*[:：]?\s*(.{6,16})"));
/// An ISO date standing as its own token in a record (`2023-05-08`, `2021-11-25 16:26:07.0`).
static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[\s>])((?:19|20)\d{2}-\d{2}-\d{2})(?:[\s<]|$)"));
/// A paper's name as a token of a record (`… 3 宁夏法治报 content_…`, `浙江日报 专刊 …`).
static PAPER_TOKEN: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"(?:^|[\s>])({})(?:[\s<\d]|$)", *PAPER)));
/// `日期:11-23`: an edition's month and day, without its year.
static DAY: LazyLock<Regex> = LazyLock::new(|| re(r"^日期\s*[:：]\s*(\d{1,2})-(\d{1,2})$"));
/// The date field of an `enpproperty` comment in a saved page.
static ENP_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"enpproperty.{0,400}?<date>\s*((?:19|20)\d{2}-\d{2}-\d{2})"));

/// A line the e-paper system leaves in the text: its `enpproperty` record, or a footer of
/// the paper's name, an ISO date and page or issue numbers (two tokens or more of digits
/// only), with no sentence in it. `f` is the line's fold (its callers have it already).
pub(super) fn is_record(f: &str) -> bool {
    let f = f.trim();
    if f.contains("enpproperty") {
        return true;
    }
    if f.chars().count() > 200 || f.contains(['。', '，', ',', '；']) || !ISO_DATE.is_match(f) {
        return false;
    }
    let numbers = f.split_whitespace().filter(|t| t.chars().all(|c| c.is_ascii_digit())).count();
    numbers >= 2 && PAPER_TOKEN.captures(f).is_some_and(|c| names_a_paper(&c[1]))
}

/// A name that reads as a paper's (not `本报`, `该报`, `情报`).
fn names_a_paper(name: &str) -> bool {
    let n = name.chars().count();
    n >= 3 && !name.starts_with(['本', '该', '此', '各', '据', '并', '将', '为']) && reads_as_outlet(name)
}

/// What the page's furniture says of its edition. `lines` are the page's raw lines (before
/// furniture is dropped); `html` the saved page's source, if it was one.
pub(super) fn read<'a>(lines: impl IntoIterator<Item = &'a str>, html: &str) -> Edition {
    let mut e = Edition::default();
    for line in lines {
        let f = fold(line);
        let f = f.trim();
        if f.chars().count() > 200 {
            continue;
        }
        if e.paper.is_none() {
            let named = NAMED.captures(f).or_else(|| MASTHEAD.captures(f));
            e.paper = named.map(|c| c[1].to_string()).filter(|p| names_a_paper(p));
        }
        if e.date.is_none() {
            if let Some(c) = PUBLISHED.captures(f) {
                e.date = find_date(&c[1]);
            }
        }
        if let Some(c) = DAY.captures(f).filter(|_| e.day.is_none()) {
            let (m, d) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
            e.day = ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d));
        }
        if is_record(f) {
            if e.date.is_none() {
                e.date = ISO_DATE.captures(f).and_then(|c| find_date(&c[1]));
            }
            if e.paper.is_none() {
                e.paper = PAPER_TOKEN.captures_iter(f).map(|c| c[1].to_string()).find(|p| names_a_paper(p));
            }
        }
    }
    if e.date.is_none() && html.contains("enpproperty") {
        e.date = ENP_DATE.captures(html).and_then(|c| find_date(&c[1]));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastheads_edition_lines_and_records_name_the_paper_and_the_day() {
        let e = read(["浙江日报 数字报纸", "00011版:专刊", "田间地头设擂 项目一线比武"], "");
        assert_eq!(e.paper.as_deref(), Some("浙江日报"));
        let e = read(["电子报阅读机", "2025-12-06", "当前报纸名称:闽西日报"], "");
        assert_eq!(
            e,
            Edition { paper: Some("闽西日报".into()), ..Edition::default() },
            "a reader's own date is not the edition's"
        );
        let e = read(["第4809期:第04版 本期出版日期:2024-11-06"], "");
        assert_eq!(e.date, Some(("2024-11-06".into(), 2024)));
        let e = read(
            ["--> 2025-03-18 3 3 宁夏法治报 content_152660.html 1 高沙窝镇党建引领“三治融合” /enpproperty-->"],
            "",
        );
        assert_eq!(e.paper.as_deref(), Some("宁夏法治报"));
        assert_eq!(e.date, Some(("2025-03-18".into(), 2025)));
        let footer =
            "浙江日报 专刊 00011 田间地头设擂 项目一线比武 2023-05-08 浙江日报2023-05-0800009 2 2023年05月08日 星期一";
        let e = read([footer], "");
        assert_eq!((e.paper.as_deref(), e.date), (Some("浙江日报"), Some(("2023-05-08".into(), 2023))));
        let html = "<!--enpproperty <articleid>183736</articleid><date>2021-11-25 16:26:07.0</date><nodename>太原</nodename>/enpproperty-->";
        assert_eq!(read([], html).date, Some(("2021-11-25".into(), 2021)));
    }

    #[test]
    fn a_reader_apps_own_date_is_not_the_editions() {
        let e = read(["电子报阅读机", "2025-12-06", "当前报纸名称:闽西日报", "日期:11-23"], "");
        assert_eq!(e.day, Some((11, 23)));
        let header = Some(("2025-12-06".to_string(), 2025));
        assert_eq!(e.date_and_year(header), Some((None, (2025, true))));
        let e = read(["2026-01-31", "日期:08-25"], "");
        assert_eq!(
            e.date_and_year(Some(("2026-01-31".into(), 2026))),
            Some((None, (2025, true))),
            "read in January of a day in August"
        );
        let e = read(["2026-01-31", "日期:01-31"], "");
        assert_eq!(
            e.date_and_year(Some(("2026-01-31".into(), 2026))),
            Some((Some(("2026-01-31".into(), 2026)), (2026, false)))
        );
        assert_eq!(Edition::default().date_and_year(None), None);
    }

    #[test]
    fn prose_date_lines_and_this_paper_are_no_record() {
        for line in [
            "本报讯 2023-05-08 12 3 记者从市委组织部获悉，本报记者走访了",
            "2019-09-04 10:39:31 来源:人民日报",
            "发布时间:2023-05-08 来源:本报 12 3",
            "近日,丽水市莲都区老竹畲族镇举办了第一季度“三考三比”村干部擂台赛。",
        ] {
            assert!(!is_record(line), "{line}");
        }
        assert!(is_record("浙江日报 专刊 00011 田间地头设擂 项目一线比武 2023-05-08 浙江日报2023-05-0800009 2"));
        assert_eq!(read(["本报 数字报"], "").paper, None);
    }
}
