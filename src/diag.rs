//! Diagnostics a person can act on: `file:line:col: message`, the offending source line, and a
//! caret under the problem (display-width aware, so it lines up under Chinese text).

use std::fmt;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub col: Option<usize>,
    pub message: String,
    /// The source line the caret points into.
    pub source_line: Option<String>,
    /// Characters to underline (at least one).
    pub span: usize,
}

impl Diagnostic {
    pub fn new(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line: None,
            col: None,
            message: message.into(),
            source_line: None,
            span: 1,
        }
    }

    /// Points at `line:col` of `source` (both 1-based).
    pub fn at(mut self, source: &str, line: usize, col: usize) -> Diagnostic {
        self.line = Some(line);
        self.col = Some(col.max(1));
        self.source_line = source.lines().nth(line.saturating_sub(1)).map(str::to_string);
        self
    }

    /// Points at the first occurrence of `needle` in `source` at or after line `from`.
    /// Reads a text file that must be UTF-8: an error names the line and column of the first
    /// byte that is not (so a person can find the pasted GBK text).
    pub fn read_utf8(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
        let bytes = std::fs::read(path).map_err(|e| Diagnostic::new(shown, format!("cannot read: {e}")))?;
        String::from_utf8(bytes).map_err(|e| {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&good[start..]).chars().count() + 1;
            let mut d = Diagnostic::new(shown, "not UTF-8: save the file as UTF-8 (this byte is in another encoding)");
            d.line = Some(line);
            d.col = Some(col);
            d
        })
    }

    pub fn at_text(self, source: &str, from: usize, needle: &str) -> Diagnostic {
        for (i, l) in source.lines().enumerate().skip(from.saturating_sub(1)) {
            if let Some(b) = l.find(needle) {
                let col = l[..b].chars().count() + 1;
                let mut d = self.at(source, i + 1, col);
                d.span = needle.chars().count().max(1);
                return d;
            }
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", printable(&self.file.display().to_string()))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.col {
                write!(f, ":{c}")?;
            }
        }
        // A message may run over lines (a template parser's explanation): each is made printable.
        let message: Vec<_> = self.message.split('\n').map(printable).collect();
        write!(f, ": {}", message.join("\n"))?;
        if let (Some(line), Some(n), Some(col)) = (&self.source_line, self.line, self.col) {
            let gutter = n.to_string().len();
            // The line as printed (a control character shown as its escape), the caret under it.
            let before = printable(&line.chars().take(col - 1).collect::<String>()).into_owned();
            let under = printable(&line.chars().skip(col - 1).take(self.span).collect::<String>()).into_owned();
            let line = printable(line);
            let pad = " ".repeat(UnicodeWidthStr::width(before.as_str()));
            let carets = "^".repeat(UnicodeWidthStr::width(under.as_str()).max(1));
            write!(f, "\n{:gutter$} |\n{n} | {line}\n{:gutter$} | {pad}{carets}", "", "")?;
        }
        Ok(())
    }
}

/// Prints diagnostics: every one when there are few, else the first `shown` and a count.
pub fn report(diags: &[Diagnostic], shown: usize) -> String {
    let mut out = String::new();
    for d in diags.iter().take(shown) {
        out.push_str(&format!("error: {d}\n"));
    }
    if diags.len() > shown {
        out.push_str(&format!("… and {} more errors\n", diags.len() - shown));
    }
    out
}

/// Warnings as `kbgen build` and `kbgen serve` print them: every one when there are few, else
/// the first `shown` and a count.
pub fn warnings<'a>(warnings: impl ExactSizeIterator<Item = &'a Diagnostic>, shown: usize) -> String {
    let n = warnings.len();
    let mut out = String::new();
    for w in warnings.take(shown) {
        out.push_str(&format!("warning: {w}\n"));
    }
    if n > shown {
        out.push_str(&format!("… and {} more warnings\n", n - shown));
    }
    out
}

/// Text from outside (a scraped article's title, a raw file's name, a page's line) made safe to
/// print on a terminal: every control character but tab (C0 with the newline, DEL, C1), the line
/// and paragraph separators and every bidirectional override are shown escaped (`\u{1b}`), so no
/// escape sequence reaches the terminal raw (nothing can move the cursor, retitle the window or
/// ring the bell) and no text can pose as another line.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_printed_as_escapes() {
        assert_eq!(printable("a\tb"), "a\tb");
        assert_eq!(printable("\x1b]0;T\x07\x1b[31m\u{9b}"), "\\u{1b}]0;T\\u{7}\\u{1b}[31m\\u{9b}");
        let src = "title: \"\x1b[31m红\"\nx";
        let d = Diagnostic::new(Path::new("a\x07.md"), "bad \x08").at_text(src, 1, "红");
        assert_eq!(
            d.to_string(),
            "a\\u{7}.md:1:14: bad \\u{8}\n  |\n1 | title: \"\\u{1b}[31m红\"\n  |                   ^^"
        );
    }

    #[test]
    fn carets_line_up_under_wide_characters() {
        let src = "title: 标题\nregion: [江苏省/苏洲市]\n";
        let d = Diagnostic::new(Path::new("a.md"), "unknown region `江苏省/苏洲市`").at_text(src, 1, "江苏省/苏洲市");
        assert_eq!(
            d.to_string(),
            "a.md:2:10: unknown region `江苏省/苏洲市`\n  |\n2 | region: [江苏省/苏洲市]\n  |          ^^^^^^^^^^^^^"
        );
    }

    #[test]
    fn printable_escapes_every_control_and_bidi_override() {
        assert_eq!(
            printable("昆山\u{1b}]0;PWNED\u{7}\u{1b}[31mRED\n\t\u{7f}\u{9b}\u{202e}"),
            "昆山\\u{1b}]0;PWNED\\u{7}\\u{1b}[31mRED\\u{a}\t\\u{7f}\\u{9b}\\u{202e}"
        );
        assert!(matches!(printable("苏州 a.txt"), std::borrow::Cow::Borrowed(_)));
    }
}
