//! A story's text as written to its page: the title and subtitle from a headline block, a
//! stand-in title when none is printed, and the body as escaped Markdown.

use super::lines::Line;
use super::split;
use super::{headline, meta};
use crate::fold::{fold, is_han};

/// Title and subtitle from a headline block: column labels go, kickers (`…——`) and decks
/// (`——…`) become the subtitle, the last remaining line is the title.
pub(super) fn headline_block(lines: &[String]) -> (String, Option<String>) {
    let mut kept: Vec<&str> =
        lines.iter().map(|s| s.trim()).filter(|l| !meta::is_column(l) || l.starts_with('“')).collect();
    if kept.is_empty() {
        kept = lines.iter().map(|s| s.trim()).collect();
    }
    let mut sub: Vec<String> = Vec::new();
    let mut title = String::new();
    for l in &kept {
        if let Some(k) = l.strip_suffix("——") {
            sub.push(k.trim().to_string());
        } else if let Some(deck) = l.strip_prefix("——") {
            sub.push(deck.trim().to_string());
        } else {
            if !title.is_empty() {
                sub.push(std::mem::take(&mut title));
            }
            title = l.to_string();
        }
    }
    if title.is_empty() {
        title = sub.pop().unwrap_or_default();
    }
    if let Some((main, deck)) = title.clone().split_once("——") {
        if main.chars().count() >= 4 && deck.chars().count() >= 4 {
            title = main.trim().to_string();
            sub.push(deck.trim().to_string());
        }
    }
    let sub = sub.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    (title, (!sub.is_empty()).then_some(sub))
}

/// A stand-in title for a story that prints no headline: the first clause of its text that
/// says something, past a dateline (`邵阳新闻网8月31日讯`), a bracketed byline and a time
/// phrase (`10月23日上午`).
pub(super) fn first_clause(body: &[Line]) -> String {
    static LEAD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\S{0,16}?(讯|电|消息)\s*)?([(（][^)）]{0,30}[)）]\s*)?((\d{4}年)?\d{1,2}月\d{1,2}日(上午|下午|晚|晚上|早上|中午)?\s*[,，]?)?")
            .expect("valid pattern")
    });
    // An editor's note that announces the piece (`今天起,我们推出系列报道《安徽全椒驻村影像(1)》`)
    // gives its title.
    static ANNOUNCED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:推出|刊发|刊登|播发|编发|推送|刊出)[^。《》]{0,16}《([^》]{4,40})》")
            .expect("valid pattern")
    });
    for l in body.iter().take(4) {
        let f = fold(&l.text);
        if let Some(title) = ANNOUNCED.captures(&f).and_then(|c| c.get(1)) {
            // As printed: the fold leaves the brackets alone, so the same `《` opens it.
            let k = f[..title.start()].matches('《').count();
            let printed = l.text.match_indices('《').nth(k - 1).and_then(|(i, _)| {
                let rest = &l.text[i + '《'.len_utf8()..];
                rest.find('》').map(|j| &rest[..j])
            });
            return printed.unwrap_or(title.as_str()).to_string();
        }
    }
    let first = body.first().map(|l| l.text.as_str()).unwrap_or("");
    let first = headline::strip_note_label(first);
    // `电` and `消息` open words too (`市长电话周工作综述`, `消息称`): a dateline ends there only
    // where no word goes on.
    let word_goes_on = |c: &regex::Captures| {
        c.get(1).is_some_and(|d| {
            d.as_str().ends_with(['电', '電', '息']) && first[d.end()..].chars().next().is_some_and(is_han)
        })
    };
    let rest =
        LEAD.captures(first).filter(|c| !word_goes_on(c)).map_or(first, |c| &first[c.get(0).map_or(0, |m| m.end())..]);
    let rest = if rest.chars().count() < 6 { first } else { rest };
    rest.split(['，', ',', '。', '；', ';'])
        .find(|c| c.chars().filter(|&ch| is_han(ch)).count() >= 6)
        .unwrap_or(rest)
        .chars()
        .take(30)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Body lines as Markdown: subheads become `##` headings, text is escaped.
pub(super) fn markdown_body(body: &[Line]) -> String {
    let subhead = |i: usize| {
        let t = body[i].text.trim();
        split::is_headline_shape(t) && !t.starts_with("——") && i + 1 < body.len() && t.chars().count() <= 40
    };
    let mut out: Vec<String> = Vec::new();
    let mut open_question = false;
    for (i, l) in body.iter().enumerate() {
        let t = escape_markdown(l.text.trim());
        match out.last_mut() {
            // A question subhead and its answer line (考什么? / 开展分类考核…) make one heading.
            Some(prev) if subhead(i) && open_question => {
                prev.push(' ');
                prev.push_str(&t);
                open_question = false;
            }
            _ if subhead(i) => {
                open_question = t.ends_with(['?', '？']);
                out.push(format!("## {t}"));
            }
            _ => {
                open_question = false;
                out.push(t);
            }
        }
    }
    out.join("\n\n")
}

/// The text of a body [`markdown_body`] wrote: a line per paragraph, headings' `## ` and
/// [`escape_markdown`]'s backslashes taken off.
pub(super) fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for para in markdown.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let para = para.strip_prefix("## ").unwrap_or(para);
        let mut chars = para.chars().peekable();
        while let Some(c) = chars.next() {
            match chars.peek() {
                Some(&n) if c == '\\' && n.is_ascii_punctuation() => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

/// Escapes what Markdown would read as markup, so article text renders as written.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    let starts_block = out.starts_with(['#', '+', '-', '=']) || {
        let digits: String = out.chars().take_while(|c| c.is_ascii_digit()).collect();
        !digits.is_empty() && out[digits.len()..].starts_with(['.', ')'])
    };
    if starts_block {
        let digits = out.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            out.insert(digits, '\\');
        } else {
            out.insert(0, '\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::text_lines;

    #[test]
    fn a_stand_in_title_skips_a_dateline_but_not_a_word() {
        let clause = |t: &str| first_clause(&text_lines(t));
        assert_eq!(
            clause("新华社北京3月1日电 记者近日从市委组织部获悉,全市推行擂台赛机制"),
            "记者近日从市委组织部获悉"
        );
        assert_eq!(clause("邵阳新闻网8月31日讯(记者 张三)全市推行擂台赛机制,干部比学赶超"), "全市推行擂台赛机制");
        assert_eq!(clause("市长电话周工作综述(11.17-11.23)"), "市长电话周工作综述(11.17-11.23)");
    }
}
