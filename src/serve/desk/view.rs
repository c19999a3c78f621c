//! The review desk's HTML, drawn by serve for each request: the desk page (every review mark,
//! the proposals, the offers) and the edit panel of a practice page. Every value from a page is
//! escaped; the script (`desk.js`) puts values in place as text only.

use std::collections::{BTreeMap, HashMap};

use super::{form_values, front_of, practices_dir, vocabulary};
use crate::content::edit::{self, CURATED};
use crate::render::escape_html as esc;
use crate::site::Site;

/// Offers shown at most (the rest are counted).
const MAX_OFFERS: usize = 500;

/// The edit panel of a practice page (what serve adds to it before `</body>`), drawn from its
/// file as it is now: the form's values, the file's hash and the process's secret.
pub(in crate::serve) fn edit_panel(site: &Site, slug: &str, token: &str) -> Option<String> {
    let path = edit::page_file(&practices_dir(site), slug).ok()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let front = front_of(&text).ok()?;
    let hash = edit::file_hash(text.as_bytes());
    let values = form_values(&front);
    // Import's doubts about this page, with its reasons (a bare mark has its field's usual one).
    let marks = crate::import::run::Review::of(&path, &front);
    let mut h = String::new();
    h.push_str("<link rel=\"stylesheet\" href=\"/_kbgen/desk.css\">");
    h.push_str(
        "<aside class=\"kbgen-edit\" id=\"kbgen-edit\" aria-label=\"编辑本页\"><details><summary>编辑本页</summary>",
    );
    h.push_str(&format!(
        "<form data-kbgen-edit data-page=\"{}\" data-sha256=\"{}\" data-token=\"{}\" data-fields=\"{}\" autocomplete=\"off\">",
        esc(slug),
        hash,
        esc(token),
        CURATED.join(" ")
    ));
    if !marks.is_empty() {
        h.push_str("<ul class=\"kbgen-marks\" aria-label=\"待核字段\">");
        for m in &marks {
            h.push_str(&format!("<li data-mark=\"{f}\"><b>{f}</b>：{}</li>", esc(&m.why), f = esc(&m.field)));
        }
        h.push_str("</ul>");
    }
    for key in CURATED {
        let v = esc(&values[key]);
        let label = label(key);
        if edit::is_list(key) {
            h.push_str(&format!(
                "<label>{label} <small>{key}，每行一项</small><textarea name=\"{key}\" rows=\"{}\">{v}</textarea></label>",
                if key == "keywords" { 3 } else { 2 }
            ));
            if key == "region" || key == "mechanism" {
                let hint = if key == "region" { "地名，如 昆山" } else { "机制名、同义词或 id" };
                h.push_str(&format!(
                    "<div class=\"kbgen-pick\"><input type=\"search\" data-pick=\"{key}\" placeholder=\"{hint}\" aria-label=\"查找{label}\"><ul data-choices=\"{key}\"></ul></div>"
                ));
            }
        } else {
            let extra = match key {
                "title" => " required",
                "date" => " placeholder=\"YYYY-MM-DD\"",
                "year" => " inputmode=\"numeric\"",
                "adopted" => " inputmode=\"numeric\" placeholder=\"正文所述的起始年份，如 2014\"",
                _ => "",
            };
            h.push_str(&format!(
                "<label>{label} <small>{key}</small><input name=\"{key}\" value=\"{v}\"{extra}></label>"
            ));
        }
    }
    h.push_str(
        "<p><button type=\"submit\">保存</button> <output role=\"status\"></output></p><p><a href=\"/_kbgen/review/\">审阅台：所有待核字段</a></p></form></details></aside>",
    );
    h.push_str("<script src=\"/_kbgen/desk.js\"></script>");
    Some(h)
}

fn label(key: &str) -> &'static str {
    match key {
        "title" => "标题",
        "subtitle" => "副标题",
        "date" => "日期",
        "year" => "年份",
        "adopted" => "起始年份",
        "source" => "来源",
        "author" => "作者",
        "region" => "地区",
        "mechanism" => "机制",
        "practice" => "实践名称",
        _ => "关键词",
    }
}

/// A named practice without its quotation marks: `“接诉即办”` → `接诉即办`.
fn unquoted(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '“' | '”' | '"' | '「' | '」' | '‘' | '’' | '\'')).collect()
}

/// The desk: every review mark, the proposals and the offers.
pub(super) fn desk_page(site: &Site, token: &str) -> String {
    let vocab = vocabulary(site);
    let tagger = crate::import::tag::MechanismTagger::new(&vocab);
    let mut rows = String::new();
    let (mut marks, mut pages) = (0, 0);
    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut proposals: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut offers: Vec<(usize, &str, &str)> = Vec::new();
    let mut offered = 0;
    for (i, p) in site.practices.iter().enumerate() {
        let reviews = crate::import::run::Review::of(&p.source, &p.front);
        if !reviews.is_empty() {
            pages += 1;
        }
        for r in reviews {
            marks += 1;
            *by_field.entry(r.field.clone()).or_default() += 1;
            *by_reason.entry(r.why.clone()).or_default() += 1;
            let title = esc(&p.front.title);
            let slug = esc(&p.slug);
            rows.push_str(&format!(
                "<div class=\"row\" role=\"row\" data-review-field=\"{f}\" data-review-page=\"{slug}\" data-reason=\"{why}\" tabindex=\"-1\"><span role=\"cell\"><input type=\"checkbox\" aria-label=\"选中\"></span><span role=\"cell\"><a href=\"/practices/{slug}/\">{title}</a><small>{slug}</small></span><span role=\"cell\">{f}</span><span role=\"cell\" class=\"v\">{v}</span><span role=\"cell\">{why}</span><span role=\"cell\"><button type=\"button\" data-accept>接受</button> <a href=\"/practices/{slug}/#kbgen-edit\">修改</a></span></div>\n",
                f = esc(&r.field),
                v = esc(&r.value),
                why = esc(&r.why),
            ));
        }
        for name in &p.front.practice {
            let folded = crate::fold::fold(name);
            if !tagger.covers(&folded) {
                proposals.entry(name.clone()).or_default().push(i);
                continue;
            }
            for id in tagger.tag(&folded, "") {
                if !p.front.mechanism.contains(&id) {
                    offered += 1;
                    if offers.len() < MAX_OFFERS {
                        let id = vocab.get(&id).map_or("", |m| m.id.as_str());
                        offers.push((i, name.as_str(), id));
                    }
                }
            }
        }
    }
    let mut h = String::new();
    h.push_str("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str(&format!("<title>审阅台 · {}</title>", esc(&site.config.title)));
    h.push_str(&format!("<meta name=\"kbgen-token\" content=\"{}\">", esc(token)));
    h.push_str("<link rel=\"stylesheet\" href=\"/_kbgen/desk.css\"></head><body class=\"kbgen-desk\">");
    h.push_str(&format!(
        "<header><h1>审阅台</h1><p><a href=\"/\">{}</a> · 导入时拿不准的字段，逐条核对</p></header><main>",
        esc(&site.config.title)
    ));
    h.push_str(&format!(
        "<section id=\"marks\" aria-labelledby=\"marks-h\"><h2 id=\"marks-h\">待核字段 <span id=\"counts\" data-marks=\"{marks}\" data-pages=\"{pages}\">{marks} 处，{pages} 页</span></h2>"
    ));
    h.push_str("<div class=\"bar\"><label>字段 <select id=\"f-field\"><option value=\"\">全部</option>");
    for (f, n) in &by_field {
        h.push_str(&format!("<option value=\"{}\">{} ({n})</option>", esc(f), esc(f)));
    }
    h.push_str("</select></label> <label>原因 <select id=\"f-reason\"><option value=\"\">全部</option>");
    for (r, n) in &by_reason {
        h.push_str(&format!("<option value=\"{}\">{} ({n})</option>", esc(r), esc(r)));
    }
    h.push_str("</select></label> <span id=\"shown\" aria-live=\"polite\"></span></div>");
    h.push_str("<div class=\"bar\"><label>给所选的行设定 <select id=\"bulk-field\">");
    for k in CURATED {
        h.push_str(&format!("<option value=\"{k}\">{} {k}</option>", label(k)));
    }
    h.push_str("</select></label> <input id=\"bulk-value\" aria-label=\"新值（列表每行一项）\" placeholder=\"新值，如 江苏省/苏州市/昆山市\"> <button type=\"button\" id=\"bulk-set\">设定所选</button> <span id=\"selected\">已选 0 行</span> <output id=\"desk-status\" role=\"status\"></output></div>");
    h.push_str("<p class=\"keys\">键盘：<kbd>j</kbd>/<kbd>k</kbd> 下一条/上一条 · <kbd>a</kbd> 接受 · <kbd>x</kbd> 选中 · <kbd>o</kbd> 打开页面</p>");
    // Rows of a grid, not a table: rows off screen are neither laid out nor painted
    // (`content-visibility`), so thousands of marks open in about a second.
    h.push_str("<div class=\"marks\" role=\"table\" aria-label=\"待核字段\"><div class=\"row head\" role=\"row\"><span role=\"columnheader\"><input type=\"checkbox\" id=\"select-all\" aria-label=\"全选显示的行\"></span><span role=\"columnheader\">页面</span><span role=\"columnheader\">字段</span><span role=\"columnheader\">现值</span><span role=\"columnheader\">导入的理由</span><span role=\"columnheader\"></span></div><div class=\"rows\" role=\"rowgroup\">");
    h.push_str(&rows);
    h.push_str("</div></div></section>");
    h.push_str(&format!("<section id=\"proposals\" aria-labelledby=\"proposals-h\"><h2 id=\"proposals-h\">提议的新机制 <span>{}</span></h2><p>页面所称的实践名称，词表里还没有。加入词表后，用到它的页面可在下面“可加的机制”里一键加上。</p>", proposals.len()));
    let mut sorted: Vec<(&String, &Vec<usize>)> = proposals.iter().collect();
    sorted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (name, on) in sorted {
        let bare = unquoted(name);
        let id = crate::slug::syllables(&crate::fold::fold(&bare)).join("-");
        h.push_str(&format!(
            "<details data-proposal=\"{n}\"><summary>{n} <small>{} 页</small></summary><form class=\"vocab\"><label>id <input name=\"id\" value=\"{}\" required pattern=\"[a-z0-9]+(-[a-z0-9]+)*\"></label><label>名称 <input name=\"name\" value=\"{}\" required></label><label>英文 <input name=\"en\" required></label><label>说明 <textarea name=\"description\" required></textarea></label><label>同义词 <small>每行一个</small><textarea name=\"synonyms\">{}</textarea></label><button type=\"submit\">加入词表</button> <output role=\"status\"></output></form><ul>",
            on.len(),
            esc(&id),
            esc(&bare),
            esc(&bare),
            n = esc(name),
        ));
        for &i in on.iter().take(50) {
            let p = &site.practices[i];
            h.push_str(&format!("<li><a href=\"/practices/{}/\">{}</a></li>", esc(&p.slug), esc(&p.front.title)));
        }
        h.push_str("</ul></details>");
    }
    h.push_str("</section>");
    h.push_str(&format!("<section id=\"offers\" aria-labelledby=\"offers-h\"><h2 id=\"offers-h\">可加的机制 <span>{offered}</span></h2><p>页面所称的实践是词表里的机制，页面却还没有标上它。</p><table><tbody>"));
    let mut names: HashMap<&str, &str> = HashMap::new();
    for m in &vocab.mechanisms {
        names.insert(&m.id, &m.name);
    }
    for (i, practice, id) in &offers {
        let p = &site.practices[*i];
        h.push_str(&format!(
            "<tr data-offer-page=\"{slug}\" data-offer-mechanism=\"{id}\"><td><a href=\"/practices/{slug}/\">{}</a></td><td>{}</td><td>{} <small>{id}</small></td><td><button type=\"button\" data-offer>加上</button></td></tr>",
            esc(&p.front.title),
            esc(practice),
            esc(names.get(id).unwrap_or(&"")),
            slug = esc(&p.slug),
            id = esc(id),
        ));
    }
    h.push_str("</tbody></table></section></main><script src=\"/_kbgen/desk.js\"></script></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_practices_lose_their_quotes() {
        assert_eq!(unquoted("“一件事”"), "一件事");
        assert_eq!(unquoted("“拿地即开工”模式"), "拿地即开工模式");
    }
}
