//! Dates and years: the date forms Chinese pages print (`2021-1-29 13:18`, `2021年8月3日`,
//! `9/17/2004 5:54:13 AM`, `20241214`), a date near a headline or behind a label on a saved
//! page, and the year a story with no printed date speaks of as its own.

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::fold;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

static TIME_AFTER: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?"));

static DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"));

/// `2026 02/28`: a year, then month/day.
static DATE_Y_MD: LazyLock<Regex> = LazyLock::new(|| re(r"((?:19|20)\d{2})\s+(\d{1,2})/(\d{1,2})"));
/// `2024 04-22`: the same with a dash, month and day zero-padded.
static DATE_Y_MD_DASH: LazyLock<Regex> = LazyLock::new(|| re(r"((?:19|20)\d{2})\s+(\d{2})-(\d{2})(?:\D|$)"));

/// `9/17/2004 5:54:13 AM`: month/day/year, as US-configured servers print it.
static DATE_MDY: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[^\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})"));

/// `20241214`: eight digits standing alone.
static DATE_COMPACT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\dA-Za-z_/])((?:19|20)\d{2})(\d{2})(\d{2})(?:[^\dA-Za-z_]|$)"));

/// A document number carries its year: `瓯组〔2013〕64号`, `国办发[2020]5号`.
static DOC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| re(r"[\p{Han}]{1,6}[〔\[［(（]((?:19|20)\d{2})[〕\]］)）]\s*\d{1,4}\s*号"));

/// Words that put a sentence in the story's present.
const NOW_CUES: &[&str] = &["日前", "近日", "目前", "眼下", "连日来", "当下", "正在", "即将"];

/// Periods of a year that a present-tense sentence may name (`2020年春节`).
const CURRENT_PERIODS: &[&str] = &[
    "春节",
    "元旦",
    "清明",
    "五一",
    "端午",
    "中秋",
    "国庆",
    "寒假",
    "暑假",
    "暑期",
    "汛期",
    "上半年",
    "下半年",
    "一季度",
    "二季度",
    "三季度",
    "四季度",
    "第一季度",
    "第二季度",
    "第三季度",
    "第四季度",
    "年底",
    "年末",
    "年初",
];

static YEAR_MENTION: LazyLock<Regex> = LazyLock::new(|| re(r"((?:19|20)\d{2})\s*年"));

/// A day named without its year as the time of what a sentence reports (`9月24日，由…`), not the
/// tail of a full date (`2023年9月24日`) nor the end of a range (`至5月7日`).
static BARE_DAY: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[^年\d\s至到\-—~])\s*\d{1,2}月\d{1,2}日\s*[，,]"));

/// What follows a year that looks back at it or ahead, not at a day's event in it.
const NOT_THE_EVENTS_YEAR: &[&str] = &["以来", "度", "底", "末", "前", "后", "至", "到", "起", "-", "—", "~"];

static SESSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:十([一二三四五六七八九])届全国人大([一二三四五])次会议|全国政协十([一二三四五六七八九])届([一二三四五])次会议)",
    )
});

/// Where the first valid date in a (folded) line is, and what it is: byte range, `YYYY-MM-DD`,
/// year. Reads `2021-1-29`, `2021年8月3日`, `2021/08/03`, `2026 02/28`, `9/17/2004` and `20241214`.
pub fn date_span(f: &str) -> Option<(std::ops::Range<usize>, String, i32)> {
    let mut found: Vec<(std::ops::Range<usize>, String, i32)> = Vec::new();
    let mut take = |re: &Regex, order: [usize; 3]| {
        for c in re.captures_iter(f) {
            let whole = c.get(0).expect("whole match");
            let g = |k: usize| c.get(order[k]).map(|m| m.as_str().to_string()).unwrap_or_default();
            if let Some((d, y)) = valid_date(&g(0), &g(1), &g(2)) {
                let start = order.iter().filter_map(|&k| c.get(k)).map(|m| m.start()).min().expect("a date's parts");
                let r = start..whole.end();
                found.push((r, d, y));
                break;
            }
        }
    };
    take(&DATE, [1, 2, 3]);
    take(&DATE_Y_MD, [1, 2, 3]);
    take(&DATE_Y_MD_DASH, [1, 2, 3]);
    take(&DATE_MDY, [3, 1, 2]);
    // `13/02/2022`: no month 13, so day/month/year, as most of the world prints it. (When both
    // readings are dates, month first wins here; a page's meta date may settle it: `swapped`.)
    take(&DATE_MDY, [3, 2, 1]);
    take(&DATE_COMPACT, [1, 2, 3]);
    found.into_iter().min_by_key(|(r, _, _)| r.start)
}

/// `b` is `a` with day and month swapped (`2022-06-02`, `2022-02-06`): the same numeric date
/// read month first and day first.
pub fn swapped(a: &str, b: &str) -> bool {
    let (Some((ay, am, ad)), Some((by, bm, bd))) = (parts(a), parts(b)) else { return false };
    ay == by && am == bd && ad == bm && am != ad
}

fn parts(iso: &str) -> Option<(&str, &str, &str)> {
    let mut it = iso.splitn(3, '-');
    Some((it.next()?, it.next()?, it.next()?))
}

/// The date printed nearest after (else before) the headline in a page's whole text: the
/// first date within a few lines below the headline, or the last within a few lines above it.
pub fn date_near(text: &str, headline: &str) -> Option<(String, i32)> {
    let f = fold(text);
    let key: String = fold(headline).chars().take(10).collect();
    if key.chars().count() < 4 {
        return None;
    }
    let at = f.find(&key)?;
    let lines: Vec<(usize, &str)> = f
        .match_indices('\n')
        .map(|(i, _)| i)
        .scan(0, |start, end| {
            let l = (*start, &f[*start..end]);
            *start = end + 1;
            Some(l)
        })
        .collect();
    let here = lines.iter().position(|(s, l)| *s <= at && at < s + l.len() + 1)?;
    let usable = |l: &str| l.chars().count() <= 60 && !l.contains("评论") && !l.contains("留言");
    let after = lines[here..].iter().take(12).find_map(|(_, l)| usable(l).then(|| date_span(l)).flatten());
    let before = || {
        lines[here.saturating_sub(6)..here].iter().rev().find_map(|(_, l)| usable(l).then(|| date_span(l)).flatten())
    };
    after.or_else(before).map(|(_, d, y)| (d, y))
}

static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(发布时间|发表时间|发布日期|发表日期|发稿时间|发表于|发布于|更新时间|日期|时间)\s*[:：]?\s*$")
});

/// The one date a page prints on a line of its own (an e-paper's issue date in its header:
/// `2022年02月12日 星期六`), when it prints no other such line with another date. A page that
/// lists dated links prints many and gets none.
pub fn lone_date_line(text: &str) -> Option<(String, i32)> {
    let f = fold(text);
    let mut found: Option<(String, i32)> = None;
    for l in f.lines().map(str::trim).filter(|l| l.chars().count() <= 24) {
        let Some((r, d, y)) = date_span(l) else { continue };
        let rest = l[..r.start].trim().chars().count() + l[r.end..].trim().chars().count();
        let weekday = ["星期", "周"].iter().any(|w| l[r.end..].trim().starts_with(w));
        if rest > 0 && !weekday {
            continue;
        }
        match &found {
            Some((other, _)) if *other != d => return None,
            _ => found = Some((d, y)),
        }
    }
    found
}

/// The first date a page prints behind a label (`发表于 2005-9-15 11:46:00`, `发布时间:`), in
/// a short line that is not a comment's.
pub fn labelled_date(text: &str) -> Option<(String, i32)> {
    let f = fold(text);
    let lines: Vec<&str> = f.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.chars().count() > 80 || l.contains("评论") || l.contains("留言") || l.contains("回复") {
            continue;
        }
        if let Some((r, d, y)) = date_span(l) {
            let before = &l[..r.start];
            let label_before = DATE_LABEL.is_match(before.trim_end())
                || (before.trim().is_empty() && i > 0 && DATE_LABEL.is_match(lines[i - 1].trim()));
            if label_before {
                return Some((d, y));
            }
        }
    }
    None
}

/// Byte length of a leading date field in `text` (a label, the date and its time).
pub fn date_field_end(text: &str) -> Option<usize> {
    let (r, _, _) = date_span(text)?;
    let mut end = r.end;
    if !text.is_char_boundary(end) {
        return None;
    }
    let end_trimmed = text[..end].trim_end_matches(|c: char| !c.is_ascii_digit() && c != '日').len();
    end = end_trimmed.max(r.start);
    if text[end..].starts_with('日') {
        end += '日'.len_utf8();
    }
    if let Some(t) = TIME_AFTER.find(&text[end..]) {
        end += t.end();
    }
    Some(end)
}

/// Year, month and day as written, when they make a calendar date: `(YYYY-MM-DD, year)`.
pub fn valid_date(y: &str, m: &str, d: &str) -> Option<(String, i32)> {
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    (1..=crate::practice::days_in_month(y, m)?).contains(&d).then(|| (format!("{y:04}-{m:02}-{d:02}"), y))
}

/// A Unix time in China's time zone (UTC+8), as `YYYY-MM-DD HH:MM`.
pub fn china_time(secs: i64) -> String {
    let local = secs + 8 * 3600;
    let (days, rest) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", rest / 3600, rest % 3600 / 60)
}

/// A date in `line`, as `YYYY-MM-DD`, if it is a valid calendar date.
pub fn find_date(line: &str) -> Option<(String, i32)> {
    date_span(&fold(line)).map(|(_, d, y)| (d, y))
}

/// A date line that stamps when a page was updated (`更新时间:2022-04-12`), not published.
pub fn is_update_stamp(line: &str) -> bool {
    let f = fold(line);
    ["更新时间", "更新日期", "更新于", "修改时间", "最后更新", "最近更新"].iter().any(|l| f.contains(l))
}

/// The year a text was most likely written in, when it prints no date: the later of the
/// latest `YYYY年` it mentions (ignoring future targets `到2025年` and ranges) and the year of
/// a national congress session it names (十四届全国人大二次会议 → 2024).
pub fn infer_year(text: &str, not_after: i32) -> Option<i32> {
    let f = fold(text);
    let mut best: Option<i32> = None;
    // The latest year a text mentions is its own year only when it speaks of “this year”
    // (今年); a report of last year's results mentions last year last. Without that, only a
    // document number (瓯组〔2013〕64号) or a congress session below dates it.
    let speaks_of_now = f.contains("今年");
    for c in DOC_NUMBER.captures_iter(&f) {
        let y: i32 = c[1].parse().unwrap_or(0);
        if y <= not_after {
            best = best.max(Some(y));
        }
    }
    for c in YEAR_MENTION.captures_iter(&f).filter(|_| speaks_of_now) {
        let m = c.get(0).expect("whole match");
        let before: String = f[..m.start()].chars().rev().take(2).collect::<String>().chars().rev().collect();
        if before.ends_with(['到', '至', '~', '—', '-', '–']) || before.ends_with("到 ") {
            continue;
        }
        let y: i32 = c[1].parse().unwrap_or(0);
        if y <= not_after {
            best = best.max(Some(y));
        }
    }
    // A period the story is in right now: `日前陆续调整2020年春节假期`, `近日…2019年上半年`.
    let ends: Vec<usize> = f.match_indices(['。', '！', '？', '!', '?', '\n']).map(|(i, _)| i).collect();
    for c in YEAR_MENTION.captures_iter(&f) {
        let m = c.get(0).expect("whole match");
        let k = ends.partition_point(|&e| e < m.start());
        let from = k.checked_sub(1).map_or(0, |i| ends[i] + f[ends[i]..].chars().next().map_or(1, char::len_utf8));
        let to = ends.get(ends.partition_point(|&e| e < m.end())).copied().unwrap_or(f.len());
        let sentence = &f[from..to];
        let after = &f[m.end()..to];
        let before = f[from..m.start()].chars().next_back();
        let now = NOW_CUES.iter().any(|cue| sentence.contains(cue));
        let period = CURRENT_PERIODS.iter().any(|p| after.starts_with(p));
        // A sentence that reports what happened on a day (`9月24日，…举办的2023年迎国庆篮球赛`)
        // names that day's year when it names one, unless it looks back or ahead from it.
        let dated_event = !NOT_THE_EVENTS_YEAR.iter().any(|w| after.starts_with(w)) && BARE_DAY.is_match(sentence);
        let y: i32 = c[1].parse().unwrap_or(0);
        if (now && period || dated_event) && !before.is_some_and(|b| "到至从自于起".contains(b)) && y <= not_after
        {
            best = best.max(Some(y));
        }
    }
    let cn = |s: &str| "一二三四五六七八九".find(s).map(|i| i as i32 / 3 + 1);
    for c in SESSION.captures_iter(&f) {
        let (term, session) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(t), Some(s), _, _) | (_, _, Some(t), Some(s)) => (cn(t.as_str()), cn(s.as_str())),
            _ => continue,
        };
        if let (Some(t), Some(s)) = (term, session) {
            // The 14th NPC and CPPCC opened in 2023; terms last five years.
            let y = 2023 + (10 + t - 14) * 5 + s - 1;
            if y <= not_after {
                best = best.max(Some(y));
            }
        }
    }
    best
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (Howard Hinnant's algorithm).
pub fn days_of(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_round_trip_with_civil_dates() {
        assert_eq!(days_of("1970-01-01"), Some(0));
        assert_eq!(days_of("2024-03-01").unwrap() - days_of("2024-02-28").unwrap(), 2);
        for z in [-1000, 0, 19_000, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_of(&format!("{y:04}-{m:02}-{d:02}")), Some(z));
        }
        assert_eq!(days_of("2024-xx-01"), None);
    }
}
