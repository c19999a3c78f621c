//! Import stage 5d: the adoption year. A report is dated when it is printed, but a practice
//! often began years before, and the story says so: `始于2014年`, `2014年起`, `自2014年以来`,
//! `2014年开始推行`, `早在2014年`. [`adopted`] reads that year from a story's folded text
//! (Traditional text folds to the same words), so the research outputs can count a place at
//! the year it adopted a practice rather than the year a paper reported it.
//!
//! A year is a start only in one of those shapes; a plan's target (`到2025年`), a comparison's
//! base (`比2014年增长`, `与2014年相比`) or a record (`创2010年以来新高`) is not, nor a year after
//! the report's. Of several starts the earliest is the practice's (`自2021年全面推行林长制以来
//! … 2022年以来，案件同比下降`).

use std::sync::LazyLock;

use regex::Regex;

/// A year written with four digits and `年`, and what may follow it before a start word: a
/// month (and day), or a part of the year.
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d)年(?:\d{1,2}月(?:\d{1,2}日)?|年底|年初|年末|底|初|末|上半年|下半年)?")
        .expect("valid pattern")
});

/// Words right before a year that make it a start of itself.
const STARTS_BEFORE: [&str; 2] = ["始于", "早在"];
/// Words right after a year (and its month) that make it a start.
const STARTS_AFTER: [&str; 4] = ["以来", "开始", "伊始", "起"];
/// `…年起` that is not a start (起草 drafting, 起诉 suing).
const NOT_START_AFTER_QI: [char; 4] = ['草', '诉', '义', '火'];
/// Words right before a year that make it a target or a comparison's base.
const NOT_BEFORE: [&str; 9] = ["比", "较", "与", "同", "到", "至", "截至", "截止", "创"];
/// Words right after `以来` that make the year a record's base (`2010年以来最高`).
const RECORD_AFTER: [&str; 6] = ["最", "新高", "新低", "首次", "同期", "历史"];
/// Words closing a clause that a `自`/`从` before a year opens.
const SINCE: [&str; 4] = ["以来", "开始", "到现在", "至今"];
/// How far (in characters) after a year heading a sentence its `开始` may be.
const HEADED: usize = 8;
/// How far (in characters) `自`/`从` before a year may be from its `以来`/`开始`, within a clause.
const CLAUSE: usize = 40;

/// The year a story says its practice began, from its folded text (`crate::fold::fold`); none
/// when it does not say, or only says a year after `report_year`.
pub(super) fn adopted(folded: &str, report_year: Option<i32>) -> Option<i32> {
    YEAR.captures_iter(folded)
        .filter_map(|c| {
            let whole = c.get(0).expect("a match");
            let before = &folded[..whole.start()];
            if before.ends_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let year: i32 = c[1].parse().ok()?;
            let after = &folded[whole.end()..];
            is_start(before, after).then_some(year)
        })
        .filter(|&y| y >= 1949 && report_year.is_none_or(|r| y <= r))
        .min()
}

/// Whether a year with the text `before` and `after` it is the start of something.
fn is_start(before: &str, after: &str) -> bool {
    let paragraph = before.trim_end_matches([' ', '\t']).ends_with('\n');
    let before = before.trim_end();
    if NOT_BEFORE.iter().any(|w| before.ends_with(w)) {
        return false;
    }
    let after = after.trim_start();
    if let Some(rest) = after.strip_prefix("以来") {
        return !RECORD_AFTER.iter().any(|w| rest.trim_start().starts_with(w));
    }
    if let Some(rest) = after.strip_prefix('起') {
        return !rest.starts_with(NOT_START_AFTER_QI);
    }
    if STARTS_AFTER.iter().any(|w| after.starts_with(w)) || STARTS_BEFORE.iter().any(|w| before.ends_with(w)) {
        return true;
    }
    // `自2021年全面推行林长制以来`, `从2000年1月到现在`: the start word closes the clause the
    // year opens.
    if before.ends_with('自') || before.ends_with('从') {
        let clause = clause(after, CLAUSE);
        return SINCE.iter().any(|w| clause.contains(w))
            && !RECORD_AFTER.iter().any(|w| clause.contains(&format!("以来{w}")));
    }
    // `2019年，重庆开始试点林长制`: a year heading a sentence, its subject, then 开始.
    if paragraph || before.is_empty() || before.ends_with(['。', '！', '？', '；', '：', '，', ',', ';', '\n']) {
        return clause(after.trim_start_matches([',', '，', ' ']), HEADED).contains("开始");
    }
    false
}

/// The first `n` characters of `text` up to the end of its clause.
fn clause(text: &str, n: usize) -> String {
    text.chars().take_while(|c| !"，。；！？,;!?\n".contains(*c)).take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    fn year(text: &str, report: i32) -> Option<i32> {
        adopted(&fold(text), Some(report))
    }

    /// Sentences of tests/fixtures/real/raw/ (file in the comment), with the report's year.
    #[test]
    fn starts_as_the_real_corpus_writes_them() {
        // 032_ninghai_qingdan_epaper.txt
        assert_eq!(year("在浙江省宁波市宁海县,这些行为从2014年开始被一本小册子限制得死死的。", 2016), Some(2014));
        // 034_qianshan_linzhang.txt
        assert_eq!(year("2017年以来,安徽省、江西省率先探索林长制改革,近日", 2019), Some(2017));
        // 012_laifeng_kongke.txt
        assert_eq!(year("这一切的改变,始于2024年一场漫长而深入的基层调研。", 2025), Some(2024));
        // 119_zangqu_shengtai.jsonl: the earlier of two starts.
        assert_eq!(
            year("确保了一江清水向东流。从2006年起，青海省在三江源区全面取消了GDP考核，2017年起，青海湖景区、年保玉则风景区保护性关闭", 2018),
            Some(2006)
        );
        // 036_huinan_linzhang.txt: the practice's start, not a statistic's later base.
        assert_eq!(
            year(
                "自2021年全面推行林长制以来,辉南县7.75万公顷的林地之上,198名……仅2022年以来,涉林违法案件便同比下降47%",
                2024
            ),
            Some(2021)
        );
        // 051_huangpu_yingshang.txt
        assert_eq!(
            year("本届营商环境观察员聘任规模创历史新高——自2019年广州开发区、黄埔区在全省率先建立该制度以来,本届为聘任人数最多", 2023),
            Some(2019)
        );
        // 038_banan_shuangbaodao.txt: a month and day between the year and 以来.
        assert_eq!(year("龙洲湾街道龙海社区自2022年4月18日以来,分小区将在职党员召集到社区", 2023), Some(2022));
        // 035_chongqing_linzhang_epaper.txt: a year heading the sentence, 开始 after its subject.
        assert_eq!(year("2019年,重庆开始试点林长制,并在此基础上探索“5+1”林长制工作机制", 2021), Some(2019));
        assert_eq!(year("巴山区、武陵山区……\n2019年,重庆开始试点林长制", 2021), Some(2019), "a paragraph's head");
        // 103_qiongzhong_fupin_hant.txt (as import cleans it: the ruby pinyin taken out).
        assert_eq!(
            year("從2000年1月到現在,海南省國家保密局法規指導處處長王川洪四次來到這里擔任扶貧工作隊長", 2015),
            Some(2000)
        );
    }

    #[test]
    fn traditional_text_reads_the_same() {
        assert_eq!(year("自2021年全面推行林長制以來，輝南縣的林地之上", 2024), Some(2021));
        assert_eq!(year("這項改革始於2015年。", 2018), Some(2015));
        assert_eq!(year("早在2014年，寧海縣就開始試行小微權力清單", 2016), Some(2014));
        assert_eq!(year("2014年開始推行河長制", 2016), Some(2014));
    }

    #[test]
    fn targets_bases_and_records_are_no_start() {
        // 119_zangqu_shengtai.jsonl: a quantity's base and its end point.
        assert_eq!(year("青海湖裸鲤资源蕴藏量从2002年的2592吨增加到2017年年底的8万吨", 2018), None);
        assert_eq!(year("到2025年,全面建立河长制", 2021), None);
        assert_eq!(year("比2014年增长12%", 2016), None);
        assert_eq!(year("与2014年相比,水质明显改善", 2016), None);
        assert_eq!(year("降雨量为2010年以来最多", 2016), None);
        assert_eq!(year("2018年起草了实施方案", 2019), None);
        assert_eq!(year("在2014年推行河长制", 2016), None, "a bare year is when, not since when");
        assert_eq!(year("12014年起", 2016), None);
        // 059_xwlb_20241214_multi.txt: a founding, and a post held 至今 with no 自 or 从.
        assert_eq!(year("贝鲁2007年创立中间派政党民主运动党，并担任主席一职至今", 2024), None);
        assert_eq!(year("2023年,全年降雨偏多，河道开始淤积", 2024), None, "开始 in a later clause");
    }

    #[test]
    fn a_start_after_the_report_is_a_plan() {
        assert_eq!(year("从2025年起全面推行", 2024), None);
        assert_eq!(year("从2025年起全面推行，2019年以来试点", 2024), Some(2019));
        assert_eq!(adopted("2014年起", None), Some(2014), "no report year: nothing to check against");
    }
}
