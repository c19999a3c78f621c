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

/// Splits plain text into lines, trimming ASCII and ideographic spaces.
pub fn text_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut gap = 0;
    for raw in text.lines() {
        let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}');
        if t.is_empty() {
            gap += 1;
        } else {
            out.push(Line::new(t, gap));
            gap = 0;
        }
    }
    out
}

/// Blank lines after line `i` (a wide gap at the end of the file).
pub fn gap_after(lines: &[Line], i: usize) -> usize {
    lines.get(i + 1).map_or(usize::MAX, |l| l.gap)
}
