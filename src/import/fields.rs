//! Import stage 0b: which field of a scraper's record is what. A JSON Lines, JSON or CSV
//! reader ([`super::records`]) hands over a record as its fields (name, value); this maps them
//! to the article's text and what the record says about it ([`Hints`]).
//!
//! Crawlers name their fields in every way (`publish_time`, `pubtime`, `publishTime`,
//! `ctime`, `发布时间`, `标题`, `正文`…), so names are only the first clue:
//! - a name matches whatever its case and separators (`publishTime` is `publish_time`);
//! - the date is the field whose value reads as a date when no date field is named (the
//!   earliest, when several do: a crawl time comes after publication; fields named as a
//!   crawl or update time are never the date);
//! - the text is the field with the most Chinese text when no text field is named;
//! - the address is a field whose value is a web address (not an image's);
//! - values that carry their label (`来源：拉萨日报`, `发布时间：2018-09-2516:22:00`,
//!   `来源：西藏在线网 作者：马阳阳、陈可`) give each labelled part to its own field;
//! - a list of paragraphs, or Python-list text (`['第一段', '第二段']`), is read as text.
//!
//! A record with a title and a date or an address but no text at all is still a story (its
//! page says so and is marked for review: [`Hints::no_text`]).

use super::input::Hints;
use super::meta;
use super::origin::web_url;
use crate::config::Fields;
use crate::fold::is_han;

/// One field of a record: its name and value.
pub type Field = (String, serde_json::Value);

/// Fewest Han characters of a field taken as the text by its content, not its name.
const MIN_TEXT_HAN: usize = 20;
/// Longest value that can be a date, a source or an author (longer is text).
const MAX_META_CHARS: usize = 80;

/// Names of fields that stamp when a crawler saw or stored the record, not when the article
/// was published (`crawl_time`, `crawDate`, `scraped_at`, `update_time`, `coll_time`, `入库时间`).
const NOT_PUBLISHED: &[&str] = &[
    "crawl", "craw", "scrap", "fetch", "spider", "coll", "update", "modif", "insert", "抓取", "采集", "爬取", "更新",
    "入库",
];
/// Names of fields whose web address is not the article's (`imgurl`, `image_url`, `litimg`).
const NOT_ARTICLE_URL: &[&str] = &["img", "image", "pic", "photo", "thumb", "cover", "video", "icon", "logo", "图"];

/// A field name for matching: lower case, without `_`, `-`, `.` or spaces.
fn norm(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '_' | '-' | '.' | ' ')).flat_map(char::to_lowercase).collect()
}

/// A value as one line of text: strings trimmed, numbers written out, lists of strings joined
/// with `sep` (and Python-list text read as such a list); anything else is no value.
fn value_text(v: &serde_json::Value, sep: &str) -> Option<String> {
    let s = match v {
        serde_json::Value::String(s) => match python_list(s) {
            Some(items) => items.join(sep),
            None => s.trim().to_string(),
        },
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                serde_json::Value::String(s) => Some(s.trim()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(sep),
        _ => String::new(),
    };
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `['第一段', "第二段"]`: the quoted items of a list as Python (or JSON) writes it; `None`
/// when the text is not such a list.
pub fn python_list(s: &str) -> Option<Vec<String>> {
    let inner = s.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        let Some(quote) = chars.next() else { break };
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => match chars.next()? {
                    'n' => item.push('\n'),
                    't' => item.push('\t'),
                    'r' => {}
                    'u' => {
                        let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                        item.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)?);
                    }
                    c => item.push(c),
                },
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => break,
            Some(',') => {}
            Some(_) => return None,
        }
    }
    (!items.is_empty()).then_some(items)
}

fn han(s: &str) -> usize {
    s.chars().filter(|&c| is_han(c)).count()
}

/// A record's date as `YYYY-MM-DD`: a date in any form Chinese pages print, glued to its time
/// or behind its label (`发布时间：2018-09-2516:22:00`), an RSS date (`Tue, 21 Mar 2023 08:00:00
/// GMT`), or a Unix time in seconds or milliseconds (the day in China's time zone; before 1995
/// it is a placeholder such as 0, not a news date).
pub fn record_date(d: &str) -> Option<String> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let d = d.trim();
    if d.bytes().all(|b| b.is_ascii_digit()) && (d.len() == 10 || d.len() == 13) {
        let secs: i64 = d[..10].parse().ok()?;
        // 1995-01-01 to 2100: news on the web, not a zero or a made-up stamp.
        return (788_918_400..4_102_444_800).contains(&secs).then(|| super::dates::china_time(secs)[..10].to_string());
    }
    if let Some((date, _)) = meta::find_date(d) {
        return Some(date);
    }
    let words: Vec<&str> = d.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    for w in words.windows(3) {
        let month = MONTHS.iter().position(|m| w[1].get(..3).is_some_and(|w| w.eq_ignore_ascii_case(m)));
        if let (Some(m), Ok(year)) = (month, w[2].parse::<u32>()) {
            if let Some((date, _)) = super::dates::valid_date(&year.to_string(), &(m + 1).to_string(), w[0]) {
                return Some(date);
            }
        }
    }
    None
}

/// The value is a date and nothing more (a label and a time may go with it): what a date
/// field holds, as against a sentence that mentions one. A bare number (an id, a count, a
/// Unix time) is a date only in a field named as one.
fn is_date_value(v: &str) -> bool {
    !v.bytes().all(|b| b.is_ascii_digit())
        && v.chars().count() <= 40
        && record_date(v).is_some()
        && han(&strip_label(v).1) <= 2
}

/// What a labelled value's label says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Source,
    Author,
    Date,
    /// Editors, click counts, font-size widgets: not the article's.
    Other,
}

/// Labels a scraped value carries, longest first where one starts another.
const LABELS: &[(&str, Label)] = &[
    ("文章来源", Label::Source),
    ("信息来源", Label::Source),
    ("稿件来源", Label::Source),
    ("来源", Label::Source),
    ("稿源", Label::Source),
    ("出处", Label::Source),
    ("作者", Label::Author),
    ("记者", Label::Author),
    ("撰稿", Label::Author),
    ("通讯员", Label::Author),
    ("发布时间", Label::Date),
    ("发布日期", Label::Date),
    ("发表时间", Label::Date),
    ("发表日期", Label::Date),
    ("时间", Label::Date),
    ("日期", Label::Date),
    ("责任编辑", Label::Other),
    ("编辑", Label::Other),
    ("责编", Label::Other),
    ("点击", Label::Other),
    ("浏览", Label::Other),
    ("阅读", Label::Other),
    ("字号", Label::Other),
];

/// The labelled parts of a value (`来源：西藏在线网 作者：马阳阳、陈可` → source 西藏在线网,
/// author 马阳阳、陈可); the text before the first label has no label.
fn labelled_parts(v: &str) -> Vec<(Option<Label>, String)> {
    let mut marks: Vec<(usize, usize, Label)> = Vec::new(); // (label start, value start, label)
    let mut i = 0;
    while i < v.len() {
        let rest = &v[i..];
        let hit = LABELS.iter().find_map(|(word, label)| {
            let after = rest.strip_prefix(word)?;
            let trimmed = after.trim_start();
            let colon = trimmed.strip_prefix([':', '：'])?;
            Some((v.len() - colon.len(), *label))
        });
        match hit {
            Some((value_at, label)) => {
                marks.push((i, value_at, label));
                i = value_at;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    let mut parts = Vec::new();
    let head = marks.first().map_or(v.len(), |m| m.0);
    if !v[..head].trim().is_empty() {
        parts.push((None, v[..head].trim().to_string()));
    }
    for (k, &(_, at, label)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(v.len(), |m| m.0);
        parts.push((Some(label), v[at..end].trim().to_string()));
    }
    parts
}

/// A value without its label (`来源：拉萨日报` → 拉萨日报), and the label.
fn strip_label(v: &str) -> (Option<Label>, String) {
    let parts = labelled_parts(v);
    match parts.as_slice() {
        [(label, value)] => (*label, value.clone()),
        _ => (None, v.trim().to_string()),
    }
}

/// Names as the page writes them: `王海乐 李学阳`, `陈可、马阳阳` → `王海乐、李学阳`.
fn author_names(v: &str) -> Option<String> {
    let v = v.trim();
    let parts: Vec<&str> =
        v.split([' ', '\u{3000}', '\u{a0}', '、', ',', '，', ';', '；']).filter(|p| !p.is_empty()).collect();
    let names = if parts.len() > 1
        && parts.iter().all(|p| (2..=4).contains(&p.chars().count()) && han(p) == p.chars().count())
    {
        parts.join("、")
    } else {
        v.to_string()
    };
    (!names.is_empty()).then_some(names)
}

/// A publisher's name, unless it says there is none (`来源：未知`) or is a web address.
fn source_name(v: &str) -> Option<String> {
    let v = v.trim();
    let none = ["未知", "不详", "网络", "互联网", "佚名", "本站", "转载", "其他"];
    (!v.is_empty() && !none.contains(&v) && web_url(v).is_none() && !v.contains("://")).then(|| v.to_string())
}

/// The article a record holds, and what the record says about it besides its text.
pub fn article(record: &[Field], fields: &Fields) -> Result<(Vec<u8>, Hints), String> {
    let mut claimed = vec![false; record.len()];
    // The first field named for `key` that holds a value.
    let named = |key: &str, sep: &str, claimed: &mut Vec<bool>| -> Option<String> {
        let names: Vec<String> = fields.names(key).iter().map(|n| norm(n)).collect();
        for n in &names {
            for (i, (k, v)) in record.iter().enumerate() {
                if !claimed[i] && norm(k) == *n {
                    if let Some(t) = value_text(v, sep) {
                        claimed[i] = true;
                        return Some(t);
                    }
                }
            }
        }
        None
    };
    let html = named("html", "\n", &mut claimed);
    let text = if html.is_some() { None } else { named("text", "\n", &mut claimed) };
    let url_named = named("url", "", &mut claimed);
    let title = named("title", " ", &mut claimed);
    let date_named = named("date", " ", &mut claimed);
    let source_named = named("source", "、", &mut claimed);
    let author_named = named("author", "、", &mut claimed);

    let mut hints = Hints { title: title.map(|t| strip_label(&t).1), ..Hints::default() };
    // Labelled parts of the record's short values go to their own fields.
    let (mut source, mut author, mut date) = (None::<String>, None::<String>, None::<String>);
    let mut take = |label: Option<Label>, value: &str, own: Option<Label>| match label.or(own) {
        Some(Label::Source) if source.is_none() => source = source_name(value),
        Some(Label::Author) if author.is_none() => author = author_names(value),
        Some(Label::Date) if date.is_none() => date = record_date(value),
        _ => {}
    };
    for (value, own) in [(&date_named, Label::Date), (&source_named, Label::Source), (&author_named, Label::Author)] {
        if let Some(v) = value {
            for (label, part) in labelled_parts(v) {
                take(label, &part, Some(own));
            }
        }
    }
    // Short fields of other names that carry a label (`info: 来源：新华社 作者：王文生`).
    for (i, (_, v)) in record.iter().enumerate() {
        if claimed[i] {
            continue;
        }
        if let Some(v) = value_text(v, " ").filter(|v| v.chars().count() <= MAX_META_CHARS) {
            for (label, part) in labelled_parts(&v).into_iter().filter(|(l, _)| l.is_some()) {
                take(label, &part, None);
            }
        }
    }
    // No date by name: a field whose value is a date (the earliest, if several).
    if date.is_none() {
        date = record
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| !claimed[*i] && !NOT_PUBLISHED.iter().any(|w| norm(k).contains(w)))
            .filter_map(|(_, (_, v))| value_text(v, " ").filter(|v| is_date_value(v)).and_then(|v| record_date(&v)))
            .min();
    }
    hints.date = date;
    hints.source = source;
    hints.author = author;
    // The address: the named one, else a field whose value is a web address (not an image's).
    hints.url = url_named.as_deref().and_then(web_url).or_else(|| {
        record.iter().enumerate().find_map(|(i, (k, v))| {
            let k = norm(k);
            if claimed[i] || NOT_ARTICLE_URL.iter().any(|w| k.contains(w)) {
                return None;
            }
            let url = web_url(&value_text(v, "")?)?;
            let path = url.to_ascii_lowercase();
            (![".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp4"].iter().any(|e| path.ends_with(e)))
                .then_some(url)
        })
    });
    // trafilatura's `source` is the page's address, elsewhere it names the publisher.
    if hints.url.is_none() {
        hints.url = source_named.as_deref().and_then(web_url);
    }
    let (bytes, is_html) = match (html, text) {
        (Some(h), _) => (h, true),
        (None, Some(t)) => (t, false),
        // No text by name: the field with the most Chinese text, if it has enough.
        (None, None) => match text_by_content(record, &claimed, hints.title.as_deref()) {
            Some(t) => (t, false),
            None if hints.title.is_some() && (hints.date.is_some() || hints.url.is_some()) => {
                hints.no_text = true;
                (String::new(), false)
            }
            None => {
                let names: Vec<String> = fields.names("text").into_iter().chain(fields.names("html")).collect();
                return Err(format!("no article text: none of the fields {} holds any", names.join(", ")));
            }
        },
    };
    hints.html = Some(is_html);
    Ok((bytes.into_bytes(), hints))
}

/// The unclaimed field with the most Han characters, when it has [`MIN_TEXT_HAN`] and more
/// than the title.
fn text_by_content(record: &[Field], claimed: &[bool], title: Option<&str>) -> Option<String> {
    let title_han = title.map_or(0, han);
    record
        .iter()
        .enumerate()
        .filter(|(i, _)| !claimed[*i])
        .filter_map(|(_, (_, v))| value_text(v, "\n"))
        .map(|t| (han(&t), t))
        .filter(|(n, _)| *n >= MIN_TEXT_HAN && *n > title_han)
        .max_by_key(|(n, _)| *n)
        .map(|(_, t)| t)
}

/// Whether a table's header names a column the text can come from, or leaves it to the
/// values (a header of other names: the first record decides).
pub fn names_text(header: &[String], fields: &Fields) -> bool {
    let names: Vec<String> = fields.names("text").into_iter().chain(fields.names("html")).map(|n| norm(&n)).collect();
    header.iter().any(|h| names.contains(&norm(h)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: serde_json::Value) -> Vec<Field> {
        v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    fn hints(v: serde_json::Value) -> (String, Hints) {
        let (b, h) = article(&rec(v), &Fields::default()).unwrap();
        (String::from_utf8(b).unwrap(), h)
    }

    #[test]
    fn dates_glued_labelled_and_in_every_form() {
        assert_eq!(record_date("发布时间：2018-09-2516:22:00").as_deref(), Some("2018-09-25"));
        assert_eq!(record_date("2018-08-28 13:16:02").as_deref(), Some("2018-08-28"));
        assert_eq!(record_date("2018年9月25日").as_deref(), Some("2018-09-25"));
        assert_eq!(record_date("Tue, 21 Mar 2023 08:00:00 GMT").as_deref(), Some("2023-03-21"));
        assert_eq!(record_date("1679356800").as_deref(), Some("2023-03-21"));
        assert_eq!(record_date("1679356800000").as_deref(), Some("2023-03-21"));
        // An epoch-0 placeholder, a year past 2100: no date.
        assert_eq!(record_date("0000000000000"), None);
        assert_eq!(record_date("0"), None);
        assert_eq!(record_date("9999999999"), None);
        assert_eq!(record_date("2024-02-30"), None);
    }

    #[test]
    fn publish_time_and_other_names_are_the_date_and_a_date_valued_field_is_one_too() {
        // Names of two crawlers' items: `publish_time` (Scrapy news items), `publishTime`.
        for name in ["publish_time", "publishTime", "pubtime", "pub_time", "发布时间", "时间"] {
            let (_, h) = hints(json!({"title": "标题", name: "2018-09-25 10:51:00", "content": "正文"}));
            assert_eq!(h.date.as_deref(), Some("2018-09-25"), "{name}");
        }
        // A name nobody listed, whose value is a date; a crawl time beside it is not the date.
        let (_, h) =
            hints(json!({"title": "标题", "crawDate": "2019-01-02", "pudate": "2018-09-25", "content": "正文"}));
        assert_eq!(h.date.as_deref(), Some("2018-09-25"));
        let (_, h) = hints(json!({"title": "标题", "update_time": "2019-01-02", "content": "正文"}));
        assert_eq!(h.date, None);
        // Of two date-valued fields, the earlier: publication comes before a crawl.
        let (_, h) = hints(json!({"a": "2019-01-02 08:00", "b": "2018-12-30", "content": "正文"}));
        assert_eq!(h.date.as_deref(), Some("2018-12-30"));
        // A number is no date unless its field is named as one (ids, counts, Unix times).
        let (_, h) = hints(json!({"id": 1537842000, "seq": "20180925", "content": "正文"}));
        assert_eq!(h.date, None);
        // A sentence that mentions a date is not a date field.
        let (_, h) = hints(json!({"summary": "2018年9月25日，县里召开了大会", "content": "正文"}));
        assert_eq!(h.date, None);
    }

    #[test]
    fn labelled_values_are_stripped_and_go_to_their_own_fields() {
        let (_, h) = hints(json!({
            "title": "碌曲县双岔镇脱贫攻坚进行时",
            "publish_time": "2018-06-04 14:37:46",
            "source": "\u{a0}\u{a0}来源：西藏在线\u{a0}\u{a0}作者：王海乐 李学阳",
            "content": "正文"
        }));
        assert_eq!(h.source.as_deref(), Some("西藏在线"));
        assert_eq!(h.author.as_deref(), Some("王海乐、李学阳"));
        let (_, h) = hints(json!({"source": "来源：拉萨日报", "author": "作者：马阳阳、陈可", "content": "正文"}));
        assert_eq!(h.source.as_deref(), Some("拉萨日报"));
        assert_eq!(h.author.as_deref(), Some("马阳阳、陈可"));
        let (_, h) = hints(json!({"来源": "来源：未知", "content": "正文"}));
        assert_eq!(h.source, None);
    }

    #[test]
    fn chinese_names_and_names_in_any_case_are_read() {
        let (text, h) = hints(
            json!({"标题": "标题甲", "时间": "2020-05-06", "正文": "正文甲", "链接": "https://example.org/a.html", "来源": "某某日报", "作者": "王文生"}),
        );
        assert_eq!(
            (text.as_str(), h.title.as_deref(), h.date.as_deref()),
            ("正文甲", Some("标题甲"), Some("2020-05-06"))
        );
        assert_eq!(h.url.as_deref(), Some("https://example.org/a.html"));
        assert_eq!((h.source.as_deref(), h.author.as_deref()), (Some("某某日报"), Some("王文生")));
        let (text, h) = hints(json!({"Title": "标题乙", "Content": "正文乙", "newsUrl": "https://example.org/b"}));
        assert_eq!(
            (text.as_str(), h.title.as_deref(), h.url.as_deref()),
            ("正文乙", Some("标题乙"), Some("https://example.org/b"))
        );
    }

    #[test]
    fn the_text_is_found_by_its_content_and_lists_of_paragraphs_are_text() {
        let long = "县里推行网格化治理，把全县划分为网格，每个网格配备一名专职网格员。";
        let (text, _) = hints(json!({"title": "标题", "news_body_zh": long, "imgurl": "https://example.org/a.jpg"}));
        assert_eq!(text, long);
        let (text, _) = hints(json!({"content": ["第一段。", "第二段。"]}));
        assert_eq!(text, "第一段。\n第二段。");
        let (text, _) = hints(json!({"content": "['第一段。', \"第二段\\n。\"]"}));
        assert_eq!(text, "第一段。\n第二段\n。");
        assert_eq!(python_list("[不是列表]"), None);
        assert_eq!(python_list("['a', 'b' x]"), None);
    }

    #[test]
    fn a_titled_record_without_text_is_kept_for_review_only_with_a_date_or_address() {
        let (text, h) = hints(
            json!({"title": "甘肃碌曲有个村庄", "publish_time": "2018-08-28 13:16:02", "content": "\r\n\u{a0}\r\n"}),
        );
        assert!(text.is_empty() && h.no_text);
        let (_, h) = hints(json!({"title": "标题", "url": "https://example.org/a", "content": ""}));
        assert!(h.no_text);
        assert!(article(&rec(json!({"title": "标题", "content": ""})), &Fields::default()).is_err());
        // An image address is no article's address.
        assert!(article(&rec(json!({"title": "标题", "image_url": "https://example.org/a.jpg"})), &Fields::default())
            .is_err());
    }
}
