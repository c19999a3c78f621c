//! Text of pages: Markdown to safe HTML (raw HTML shown as text, unsafe URLs dropped), the
//! plain text the search index reads, the excerpts lists and feeds show, and HTML escaping.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// `s` with the five HTML special characters escaped: safe in text and in quoted attributes.
/// Tera escapes every value of every page with it: the text between two special characters
/// (all ASCII, so each is a character boundary) is copied as one slice.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
    out
}

/// The first `n` characters of a page's text (headings skipped), for lists and feeds.
pub(crate) fn excerpt(markdown: &str, n: usize) -> String {
    let mut text = String::new();
    let mut in_heading = false;
    for ev in Parser::new(markdown) {
        match ev {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) if !in_heading => text.push_str(&t),
            Event::End(TagEnd::Paragraph) if !text.is_empty() => text.push(' '),
            _ => {}
        }
        if text.chars().count() > n {
            break;
        }
    }
    let t = text.trim();
    if t.chars().count() > n {
        format!("{}…", t.chars().take(n).collect::<String>())
    } else {
        t.to_string()
    }
}

/// All the text of a Markdown page, paragraphs on their own lines (for the search index and
/// excerpts).
pub(crate) fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for ev in Parser::new(markdown) {
        match ev {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => text.push('\n'),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim_end().to_string()
}

/// A page's Markdown as HTML. Pages come from scraped articles, so nothing in one may run:
/// raw HTML is shown as text (a stray `<script>` or `onerror=` is visible, not executed), and a
/// link or image whose URL is not [`safe_url`] is dropped, keeping its text.
pub(crate) fn markdown_to_html(md: &str) -> String {
    let mut html = String::with_capacity(md.len() * 3 / 2);
    // Per open link or image: whether it was dropped (they do not nest, but images sit in links).
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
            let safe = safe_url(dest_url);
            dropped.push(!safe);
            safe.then_some(e)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(e)
        }
        e => Some(e),
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Whether a URL from a page may stay a link: `http`, `https`, `mailto`, or no scheme at all
/// (relative, fragment). The URL is read as a browser reads it: entities are already decoded
/// by the Markdown parser, and a browser ignores control characters, spaces, tabs and newlines
/// around and inside the scheme (`\tjava\nscript:`), so they are ignored here too.
pub(crate) fn safe_url(url: &str) -> bool {
    let squeezed: String = url.chars().filter(|&c| c > ' ' && c != '\u{7f}').take(64).collect();
    let Some(colon) = squeezed.find(':') else { return true };
    let scheme = &squeezed[..colon];
    if scheme.contains(['/', '?', '#']) {
        // `a/b:c`, `?q=x:y`, `#x:y`: the colon is past the scheme, so this is relative.
        return true;
    }
    ["http", "https", "mailto"].iter().any(|s| scheme.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    #[test]
    fn escape_html_escapes_the_five_special_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("对标找差"), "对标找差");
        assert_eq!(
            escape_html(r#"<a href="x?a=1&b='2'">河长制</a>"#),
            "&lt;a href=&quot;x?a=1&amp;b=&#39;2&#39;&quot;&gt;河长制&lt;/a&gt;"
        );
        assert_eq!(escape_html("&&昆山<"), "&amp;&amp;昆山&lt;");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt("## 小标题\n\n第一段文字。\n\n第二段。", 8), "第一段文字。 第…");
    }

    #[test]
    fn only_web_and_mail_urls_stay_links() {
        for ok in ["https://x.org/", "HTTP://x.org", "mailto:a@b.cn", "../a/index.html", "#top", "a/b:c", "?q=a:b", ""]
        {
            assert!(safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/svg+xml,x",
            "file:///etc/passwd",
        ] {
            assert!(!safe_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn script_urls_in_markdown_render_as_text() {
        let md = "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](java&#x73;cript:alert(1)) \
                  [d](&#9;&#1;javascript:alert(1)) <javascript:alert(1)> <vbscript:x> ![e](data:image/svg+xml,x) \
                  ![f](javascript:alert(1)) [![g](javascript:x)](https://x.org/) [ok](https://x.org/) \
                  [ref][r]\n\n[r]: javascript:alert(1)\n";
        let html = markdown_to_html(md);
        let attrs: Vec<&str> = Regex::new(r#"(?:href|src)="([^"]*)""#)
            .unwrap()
            .captures_iter(&html)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        assert_eq!(attrs, ["https://x.org/", "https://x.org/"], "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(" javascript:alert(1) vbscript:x "), "autolinks stay as text: {html}");
        assert!(html.contains("<a href=\"https://x.org/\">ok</a>"), "{html}");
        assert!(html.contains("<a href=\"https://x.org/\">g</a>"), "{html}");
        for text in ["a", "b", "c", "d", "e", "f", "ref"] {
            assert!(html.contains(&format!("{text} ")) || html.contains(&format!("{text}<")), "{text}: {html}");
        }
    }

    #[test]
    fn raw_html_in_pages_is_shown_as_text() {
        assert_eq!(
            markdown_to_html("a <b>x</b>\n\n<script>y</script>"),
            "<p>a &lt;b&gt;x&lt;/b&gt;</p>\n&lt;script&gt;y&lt;/script&gt;"
        );
    }
}
