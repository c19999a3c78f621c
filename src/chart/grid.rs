//! The diffusion grid: a year × place (or year × mechanism) table of practice counts, drawn at
//! build time as an HTML table, rows in order of first appearance (the year a place first
//! reports a practice is marked), so how a practice spread reads top to bottom. A table is
//! readable by assistive technology as it is; on a narrow screen it scrolls sideways inside its
//! own region, the first column fixed.
//!
//! Every number is a link to the search page selecting exactly the practices it counts. A first
//! year that is the corpus's own first year is left-censored (the practice may be older than the
//! corpus): it is marked `≤ YEAR`, not framed as a first. A cell holding practices whose year
//! import inferred from the text (`year_inferred`) says how many. [`adopters`] is the table of
//! distinct places reporting a practice each year, and cumulatively, at each level.
//!
//! A row whose practices say they began before its first report (`adopted` in the front
//! matter, `始于2014年`) shows that year beside its label (`始于 2014`) and is ordered by it; its
//! first report is then no left-censored start, since the text says when it began.

use std::collections::BTreeMap;

use super::map::bucket;
use crate::markdown::escape_html;

/// The practices of one cell: how many, and how many of them have an inferred year.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Cell {
    pub n: usize,
    pub inferred: usize,
}

/// One row: its label, the page it links to (a path inside the site), and counts by year.
pub(crate) struct GridRow {
    pub label: String,
    pub url: String,
    pub years: BTreeMap<i32, Cell>,
    /// The search query (already encoded, `mechanism=…&region=…`) that selects the row's
    /// practices: each cell links to the search page with it and its year as `from` and `to`,
    /// so a cell's number leads to exactly the practices it counts.
    pub query: Option<String>,
    /// The earliest year the row's practices say they began (`adopted`), when it is before
    /// the row's first report.
    pub since: Option<i32>,
}

/// Rows a grid lays out when the page opens; the rest wait behind a checkbox (`grid-all`) in a
/// row group that is not displayed until it is ticked (or the page is printed, or the figure
/// downloaded). A province's grid has a row per mechanism it reports (179 on the bench
/// corpus): laying them all out blocked the main thread for about a second on Lighthouse's
/// phone, and a page's first screen never holds 40 rows anyway. A mechanism's grid (a row per
/// province, at most 34) is never folded.
pub(crate) const SHOWN_ROWS: usize = 40;

impl GridRow {
    fn first_report(&self) -> i32 {
        *self.years.keys().next().expect("rows have a year")
    }

    /// The start the row's practices state, when it is before the row's first report: the
    /// grid shows it beside the row's label.
    pub(crate) fn stated_start(&self) -> Option<i32> {
        self.since.filter(|&s| s < self.first_report())
    }

    /// The row's first year: when its practices began, or else were first reported.
    fn first(&self) -> i32 {
        self.since.map_or(self.first_report(), |s| s.min(self.first_report()))
    }
}

/// The search page with `query` (encoded), relative to `root`.
pub(crate) fn search_href(root: &str, query: &str) -> String {
    format!("{root}search/index.html?{query}")
}

/// A value of a search query: what would end or change it (`&`, `=`, `#`, `%`, `+`, spaces,
/// quotes, controls) percent-encoded, Chinese and `/` as they are, which a browser's URL
/// parser encodes itself (`江苏省/苏州市`): a cell link stays a third of its fully encoded size,
/// and a grid has hundreds.
pub(crate) fn query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if c.is_ascii_alphanumeric() || "-_./~".contains(c) || !c.is_ascii() && !c.is_whitespace() && !c.is_control() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The grid as HTML. `id` must be unique on the page; `root` prefixes the links; `corner`
/// names the row header column (省份, 机制); `corpus_from` is the corpus's first year (a row
/// first seen then is left-censored).
pub(crate) fn grid(
    id: &str,
    caption: &str,
    corner: &str,
    root: &str,
    corpus_from: Option<i32>,
    rows: Vec<GridRow>,
) -> String {
    let mut rows: Vec<GridRow> = rows.into_iter().filter(|r| !r.years.is_empty()).collect();
    if rows.is_empty() {
        return String::new();
    }
    let total = |r: &GridRow| r.years.values().map(|c| c.n).sum::<usize>();
    rows.sort_by(|a, b| a.first().cmp(&b.first()).then(total(b).cmp(&total(a))).then(a.label.cmp(&b.label)));
    let lo = rows.iter().filter_map(|r| r.years.keys().next()).min().copied().unwrap_or(0);
    let hi = rows.iter().filter_map(|r| r.years.keys().next_back()).max().copied().unwrap_or(0);
    let max = rows.iter().flat_map(|r| r.years.values().map(|c| c.n)).max().unwrap_or(0);
    let mut s = format!(
        "<div class=\"grid-wrap\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\"><table class=\"grid\" id=\"{id}-table\"><caption id=\"{id}\">{}</caption><thead><tr><th scope=\"col\">{}</th>",
        escape_html(caption),
        escape_html(corner)
    );
    for y in lo..=hi {
        s.push_str(&format!("<th scope=\"col\">{y}</th>"));
    }
    s.push_str("<th scope=\"col\">合计</th></tr></thead><tbody>");
    for (k, r) in rows.iter().enumerate() {
        if k == SHOWN_ROWS {
            s.push_str("</tbody><tbody class=\"grid-more\">");
        }
        let (first, since) = (r.first_report(), r.stated_start());
        let censored = corpus_from == Some(first) && since.is_none();
        let since = since
            .map(|y| format!(" <span class=\"since\" title=\"正文所述的起始年份\">始于 {y}</span>"))
            .unwrap_or_default();
        s.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"{}{}\">{}</a>{since}</th>",
            escape_html(root),
            escape_html(&r.url),
            escape_html(&r.label)
        ));
        for y in lo..=hi {
            let Some(&c) = r.years.get(&y) else {
                s.push_str("<td></td>");
                continue;
            };
            let n = c.n;
            let number = match &r.query {
                Some(q) => {
                    format!("<a href=\"{}\">{n}</a>", escape_html(&search_href(root, &format!("{q}&from={y}&to={y}"))))
                }
                None => n.to_string(),
            };
            let mut class = format!("g{}", bucket(n, max));
            let mut notes = String::new();
            if y == first && censored {
                class.push_str(" censored");
                notes.push_str(&format!("（≤{y}：语料始于{y}年，此前情况不详）"));
            } else if y == first {
                class.push_str(" first");
                notes.push_str("（首次）");
            }
            if c.inferred > 0 {
                class.push_str(" inferred");
                notes.push_str(&format!("（其中 {} 篇年份据正文推断）", c.inferred));
            }
            let mark = if c.inferred > 0 { "<span class=\"inferred-mark\" aria-hidden=\"true\">*</span>" } else { "" };
            let le =
                if y == first && censored { "<span class=\"censor-mark\" aria-hidden=\"true\">≤</span>" } else { "" };
            let notes =
                if notes.is_empty() { notes } else { format!("<span class=\"visually-hidden\">{notes}</span>") };
            s.push_str(&format!("<td class=\"{class}\">{le}{number}{mark}{notes}</td>"));
        }
        s.push_str(&format!("<td class=\"grid-total\">{}</td></tr>", total(r)));
    }
    s.push_str("</tbody></table></div>");
    if rows.len() > SHOWN_ROWS {
        s.push_str(&format!(
            "<p class=\"grid-more-toggle\"><label><input type=\"checkbox\" class=\"grid-all\"> 显示其余 {} 行（共 {} 行）</label></p>",
            rows.len() - SHOWN_ROWS,
            rows.len()
        ));
    }
    s
}

/// One row of the adopters table: a level's name (省份) and, by year, the places of that level
/// reporting the practice that year (`now`) and the places that reported it in that year or
/// before (`ever`).
pub(crate) struct AdopterRow {
    pub level: &'static str,
    pub now: BTreeMap<i32, usize>,
    pub ever: BTreeMap<i32, usize>,
}

/// The table of adopting places by year: for each level, the places reporting that year and
/// the cumulative count. `years` is the grid's span; a level with no place is left out.
pub(crate) fn adopters(id: &str, caption: &str, years: std::ops::RangeInclusive<i32>, rows: &[AdopterRow]) -> String {
    let rows: Vec<&AdopterRow> = rows.iter().filter(|r| r.ever.values().any(|&n| n > 0)).collect();
    if rows.is_empty() || years.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<div class=\"grid-wrap\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\"><table class=\"grid adopters\" id=\"{id}-table\"><caption id=\"{id}\">{}</caption><thead><tr><th scope=\"col\">采用地区数</th>",
        escape_html(caption)
    );
    for y in years.clone() {
        s.push_str(&format!("<th scope=\"col\">{y}</th>"));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        for (what, counts, class) in [("当年", &r.now, "adopt-now"), ("累计", &r.ever, "adopt-ever")] {
            s.push_str(&format!(
                "<tr class=\"{class}\" data-level=\"{}\"><th scope=\"row\">{}（{what}）</th>",
                r.level, r.level
            ));
            for y in years.clone() {
                // A cumulative count stays as it was through years without a new place.
                let n = if class == "adopt-ever" {
                    counts.range(..=y).next_back().map(|e| *e.1)
                } else {
                    counts.get(&y).copied()
                };
                s.push_str(&format!("<td>{}</td>", n.unwrap_or(0)));
            }
            s.push_str("</tr>");
        }
    }
    s.push_str("</tbody></table></div>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, years: &[(i32, usize)]) -> GridRow {
        GridRow {
            label: label.into(),
            url: format!("region/{label}/index.html"),
            years: years.iter().map(|&(y, n)| (y, Cell { n, inferred: 0 })).collect(),
            query: None,
            since: None,
        }
    }

    #[test]
    fn rows_follow_first_appearance_and_mark_it() {
        let html = grid(
            "g",
            "各省份逐年实践数",
            "省份",
            "../../",
            Some(2010),
            vec![row("浙江", &[(2019, 2), (2021, 1)]), row("江苏", &[(2017, 1), (2019, 4)]), row("无", &[])],
        );
        let js = html.find("江苏").unwrap();
        let zj = html.find("浙江").unwrap();
        assert!(js < zj, "江苏 appeared first, in 2017");
        assert!(!html.contains(">无<"), "a row without a dated practice is left out");
        // Years run without gaps from the first to the last.
        for y in 2017..=2021 {
            assert!(html.contains(&format!("<th scope=\"col\">{y}</th>")), "{y}");
        }
        assert_eq!(html.matches("（首次）").count(), 2);
        assert!(html.contains("<td class=\"g5\">4</td>"), "{html}");
        assert!(html.contains("<td class=\"grid-total\">5</td>"));
        assert!(html.contains("href=\"../../region/江苏/index.html\""));
    }

    #[test]
    fn cells_link_their_practices_and_mark_censored_and_inferred_years() {
        let mut zj = row("浙江", &[(2015, 2), (2017, 3)]);
        zj.query = Some(format!("mechanism=river-chief&region={}", query_value("浙江省")));
        assert_eq!(query_value("a b&c=d#e%f+g/浙江省\u{3000}"), "a%20b%26c%3Dd%23e%25f%2Bg/浙江省%E3%80%80");
        zj.years.get_mut(&2017).unwrap().inferred = 1;
        let html = grid("g", "c", "省份", "../../", Some(2015), vec![zj, row("江苏", &[(2016, 1)])]);
        assert!(
            html.contains("<a href=\"../../search/index.html?mechanism=river-chief&amp;region=浙江省&amp;from=2017&amp;to=2017\">3</a>"),
            "{html}"
        );
        assert!(
            html.contains("class=\"g4 censored\"><span class=\"censor-mark\" aria-hidden=\"true\">≤</span>"),
            "{html}"
        );
        assert!(html.contains("（≤2015：语料始于2015年，此前情况不详）"));
        assert_eq!(html.matches("（首次）").count(), 1, "only 江苏's 2016 is a first");
        assert!(html.contains("class=\"g5 inferred\"") && html.contains("（其中 1 篇年份据正文推断）"), "{html}");
        assert!(!html.contains("href=\"../../search/index.html?from"), "a row without a query has no cell links");
    }

    #[test]
    fn a_stated_start_before_the_first_report_orders_the_row_and_lifts_censoring() {
        let mut zj = row("浙江", &[(2015, 2), (2017, 3)]);
        zj.since = Some(2012);
        let mut js = row("江苏", &[(2015, 1)]);
        js.since = Some(2016);
        let html = grid("g", "c", "省份", "./", Some(2015), vec![row("安徽", &[(2014, 1)]), zj, js]);
        let order: Vec<usize> = ["浙江", "安徽", "江苏"].iter().map(|l| html.find(l).unwrap()).collect();
        assert!(order.is_sorted(), "浙江 began in 2012, before 安徽's 2014: {html}");
        assert!(html.contains(">浙江</a> <span class=\"since\" title=\"正文所述的起始年份\">始于 2012</span></th>"));
        assert_eq!(html.matches("始于 ").count(), 1, "a start after the first report says nothing new");
        assert_eq!(html.matches("censor-mark").count(), 1, "浙江's 2015 is no censored start, 江苏's is");
    }

    #[test]
    fn the_adopters_table_has_a_row_now_and_cumulative_per_level() {
        let r = AdopterRow {
            level: "省份",
            now: [(2016, 2), (2018, 1)].into(),
            ever: [(2016, 2), (2017, 2), (2018, 3)].into(),
        };
        let none = AdopterRow { level: "区县", now: BTreeMap::new(), ever: BTreeMap::new() };
        let html = adopters("a", "采用", 2015..=2019, &[r, none]);
        assert!(
            html.contains("<th scope=\"row\">省份（当年）</th><td>0</td><td>2</td><td>0</td><td>1</td><td>0</td>"),
            "{html}"
        );
        assert!(
            html.contains("<th scope=\"row\">省份（累计）</th><td>0</td><td>2</td><td>2</td><td>3</td><td>3</td>"),
            "{html}"
        );
        assert!(!html.contains("区县"), "a level without places is left out");
    }

    #[test]
    fn rows_beyond_the_first_forty_wait_behind_a_checkbox() {
        let rows = |n: usize| (0..n).map(|i| row(&format!("第{i:02}行"), &[(2015 + (i % 5) as i32, 1)])).collect();
        let html = grid("g", "c", "机制", "./", None, rows(SHOWN_ROWS + 5));
        let (shown, more) = html.split_once("<tbody class=\"grid-more\">").expect("a second row group");
        assert_eq!(shown.matches("<tr>").count(), SHOWN_ROWS + 1, "the header row and forty rows");
        assert_eq!(more.matches("<tr>").count(), 5);
        assert!(html.contains("<input type=\"checkbox\" class=\"grid-all\"> 显示其余 5 行（共 45 行）"), "{html}");
        let html = grid("g", "c", "省份", "./", None, rows(SHOWN_ROWS));
        assert!(!html.contains("grid-more") && !html.contains("grid-all"), "forty rows fold nothing");
    }

    #[test]
    fn an_empty_grid_is_nothing() {
        assert_eq!(grid("g", "c", "省份", "./", None, vec![row("无", &[])]), "");
    }
}
