//! The shape every raw article takes after decoding: a list of non-blank lines, each with the
//! number of blank lines before it (wide gaps mark image slots in scraped text) and, for saved
//! HTML, the heading level of the element it came from.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Blank lines before this one (the first line counts the file's leading blank lines).
    pub gap: usize,
    /// `Some(1)` for an `<h1>` of a saved HTML page.
    pub heading: Option<u8>,
    /// Page furniture (navigation, widgets) was removed right above this line: a headline
    /// block does not reach across it.
    pub cut_before: bool,
}

impl Line {
    pub fn new(text: &str, gap: usize) -> Line {
        Line { text: text.to_string(), gap, heading: None, cut_before: false }
    }

    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Splits plain text into lines, trimming ASCII and ideographic spaces. Text written as
/// Markdown (what many scrapers save) keeps its structure: `#` headings become headings (the
/// most repeated level, when it repeats, is the level stories start at: level 1), inline HTML
/// tags and emphasis markers go, and a line that is only a link (`[查看原文](…)`) is dropped.
pub fn text_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut gap = 0;
    for raw in text.lines() {
        let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}');
        let (level, t) = markdown_heading(t);
        let t = strip_inline_markup(t);
        let t = t.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if t.is_empty() || is_link_only(t) {
            gap += 1;
        } else {
            out.push(Line { text: t.to_string(), gap, heading: level, cut_before: false });
            gap = 0;
        }
    }
    let mut counts = [0usize; 7];
    for l in &out {
        if let Some(h) = l.heading {
            counts[h as usize] += 1;
        }
    }
    // The level stories start at: the most frequent one that repeats; else the top one.
    let story_level = (1..=6u8)
        .filter(|&h| counts[h as usize] >= 2)
        .max_by_key(|&h| (counts[h as usize], std::cmp::Reverse(h)))
        .or_else(|| (1..=6u8).find(|&h| counts[h as usize] > 0));
    for l in &mut out {
        l.heading = match (l.heading, story_level) {
            (Some(h), Some(s)) if h == s => Some(1),
            (Some(h), Some(s)) if h < s => Some(2),
            (Some(_), _) => Some(3),
            (None, _) => None,
        };
    }
    out
}

/// `### 标题` → (3, `标题`).
fn markdown_heading(line: &str) -> (Option<u8>, &str) {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    match line.as_bytes().get(hashes) {
        Some(b' ') if (1..=6).contains(&hashes) => (Some(hashes as u8), line[hashes..].trim()),
        _ => (None, line),
    }
}

/// Removes HTML tags (`<p>`, `<strong>`) and Markdown emphasis (`**`) from a text line.
fn strip_inline_markup(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains(['<', '*']) {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let tag_like = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>') {
            Some(j) if tag_like && !after[..j].contains('<') => rest = &after[j + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").into()
}

/// `[查看原文](https://…)` alone on a line.
fn is_link_only(line: &str) -> bool {
    line.starts_with('[') && line.ends_with(')') && line.contains("](")
}

/// Blank lines after line `i` (a wide gap at the end of the file).
pub fn gap_after(lines: &[Line], i: usize) -> usize {
    lines.get(i + 1).map_or(usize::MAX, |l| l.gap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_structure_is_read() {
        let text = "# 《新闻联播》 (20241214)\n\n## 详细新闻\n\n### 第一条\n\n<p><strong>央视网消息</strong>：正文。</p>\n\n[查看原文](https://example.org/a)\n\n### 第二条\n\n正文二。\n";
        let lines = text_lines(text);
        let got: Vec<(&str, Option<u8>)> = lines.iter().map(|l| (l.text.as_str(), l.heading)).collect();
        assert_eq!(
            got,
            [
                ("《新闻联播》 (20241214)", Some(2)),
                ("详细新闻", Some(2)),
                ("第一条", Some(1)),
                ("央视网消息：正文。", None),
                ("第二条", Some(1)),
                ("正文二。", None)
            ]
        );
        assert_eq!(text_lines("#河长制# 话题\n1 < 2 而 3 > 2")[1].text, "1 < 2 而 3 > 2");
    }
}
