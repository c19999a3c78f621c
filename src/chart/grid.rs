//! The diffusion grid: a year × place (or year × mechanism) table of practice counts, drawn at
//! build time as an HTML table, rows in order of first appearance (the year a place first
//! reports a practice is marked), so how a practice spread reads top to bottom. A table is
//! readable by assistive technology as it is; on a narrow screen it scrolls sideways inside its
//! own region, the first column fixed.

use std::collections::BTreeMap;

use super::map::bucket;
use crate::markdown::escape_html;

/// One row: its label, the page it links to (a path inside the site), and counts by year.
pub(crate) struct GridRow {
    pub label: String,
    pub url: String,
    pub years: BTreeMap<i32, usize>,
}

/// The grid as HTML. `id` must be unique on the page; `root` prefixes the row links;
/// `corner` names the row header column (省份, 机制).
pub(crate) fn grid(id: &str, caption: &str, corner: &str, root: &str, rows: Vec<GridRow>) -> String {
    let mut rows: Vec<GridRow> = rows.into_iter().filter(|r| !r.years.is_empty()).collect();
    if rows.is_empty() {
        return String::new();
    }
    let total = |r: &GridRow| r.years.values().sum::<usize>();
    rows.sort_by(|a, b| {
        let first = |r: &GridRow| *r.years.keys().next().expect("rows have a year");
        first(a).cmp(&first(b)).then(total(b).cmp(&total(a))).then(a.label.cmp(&b.label))
    });
    let lo = rows.iter().filter_map(|r| r.years.keys().next()).min().copied().unwrap_or(0);
    let hi = rows.iter().filter_map(|r| r.years.keys().next_back()).max().copied().unwrap_or(0);
    let max = rows.iter().flat_map(|r| r.years.values()).max().copied().unwrap_or(0);
    let mut s = format!(
        "<div class=\"grid-wrap\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\"><table class=\"grid\"><caption id=\"{id}\">{}</caption><thead><tr><th scope=\"col\">{}</th>",
        escape_html(caption),
        escape_html(corner)
    );
    for y in lo..=hi {
        s.push_str(&format!("<th scope=\"col\">{y}</th>"));
    }
    s.push_str("<th scope=\"col\">合计</th></tr></thead><tbody>");
    for r in &rows {
        let first = *r.years.keys().next().expect("rows have a year");
        s.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"{}{}\">{}</a></th>",
            escape_html(root),
            escape_html(&r.url),
            escape_html(&r.label)
        ));
        for y in lo..=hi {
            match r.years.get(&y) {
                Some(&n) if y == first => s.push_str(&format!(
                    "<td class=\"g{} first\">{n}<span class=\"visually-hidden\">（首次）</span></td>",
                    bucket(n, max)
                )),
                Some(&n) => s.push_str(&format!("<td class=\"g{}\">{n}</td>", bucket(n, max))),
                None => s.push_str("<td></td>"),
            }
        }
        s.push_str(&format!("<td class=\"grid-total\">{}</td></tr>", total(r)));
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
            years: years.iter().copied().collect(),
        }
    }

    #[test]
    fn rows_follow_first_appearance_and_mark_it() {
        let html = grid(
            "g",
            "各省份逐年实践数",
            "省份",
            "../../",
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
    fn an_empty_grid_is_nothing() {
        assert_eq!(grid("g", "c", "省份", "./", vec![row("无", &[])]), "");
    }
}
