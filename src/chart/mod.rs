//! Charts drawn at build time, no chart library in the browser: small bar charts as inline SVG
//! (here), choropleth maps ([`map`]) and diffusion grids ([`grid`]). Colours come from CSS
//! (`.chart-bar`, `.chart-label`, `.map-b*`, `.g*`), so light and dark themes apply.

pub(crate) mod grid;
pub(crate) mod map;

use crate::markdown::escape_html;

/// One bar. Charts carry no links (a chart is one image to assistive technology); the term
/// lists beside them do.
pub(crate) struct Bar {
    pub label: String,
    pub value: usize,
}

const ROW: usize = 26;
const LABEL_W: usize = 150;
const BAR_W: usize = 420;
const WIDTH: usize = LABEL_W + BAR_W + 60;

/// A horizontal bar chart. `id` must be unique on the page (it names the SVG's title).
pub(crate) fn bars(id: &str, title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = bars.len() * ROW + 10;
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        escape_html(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i * ROW + 5;
        let w = (b.value * BAR_W).div_ceil(max).max(2);
        let label = escape_html(&b.label);
        let row = format!(
            "<text class=\"chart-label\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"chart-bar\" x=\"{LABEL_W}\" y=\"{y}\" width=\"{w}\" height=\"{bh}\" rx=\"2\"></rect>\
             <text class=\"chart-value\" x=\"{vx}\" y=\"{ty}\">{v}</text>",
            lx = LABEL_W - 8,
            ty = y + 15,
            bh = ROW - 8,
            vx = LABEL_W + w + 6,
            v = b.value,
        );
        s.push_str(&row);
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest() {
        let svg =
            bars("c1", "按年份", &[Bar { label: "2024".into(), value: 8 }, Bar { label: "<2017>".into(), value: 2 }]);
        assert!(svg.contains("width=\"420\""), "{svg}");
        assert!(svg.contains("width=\"105\""), "{svg}");
        assert!(svg.contains("&lt;2017&gt;"));
        assert!(svg.contains("<title id=\"c1\">按年份</title>"));
    }
}
