//! The content model: a practice page as the build reads it ([`Practice`]), and the
//! validation of a page's text (front matter, date and year, language, regions against the
//! gazetteer, mechanisms against the vocabulary). Taxonomies, related lists, render and search
//! read practices; they depend on this module, not on how the site is loaded.

use std::path::{Path, PathBuf};

use crate::content::{split_front_matter, FrontMatter};
use crate::diag::Diagnostic;
use crate::gazetteer::Gazetteer;
use crate::vocab::Vocabulary;

/// One practice page of the model.
#[derive(Debug, Clone)]
pub struct Practice {
    /// URL segment: the file stem (ASCII, unique because file names are).
    pub slug: String,
    /// The source file, as given to messages (relative to the project root).
    pub source: PathBuf,
    pub front: FrontMatter,
    /// The Markdown body, when the model holds it (a page just read again by serve, and the
    /// version it replaces, whose body the search patch compares); otherwise it is read again
    /// from the file when needed ([`Practice::body`]), so memory follows the metadata, not the
    /// bodies.
    pub body: Option<String>,
    /// What lists and feeds show of the body (its first 90 characters).
    pub excerpt: String,
    /// When the page file was last modified, in seconds since 1970 (the sitemap's `lastmod`
    /// of an undated page).
    pub modified: Option<u64>,
    /// Gazetteer units, in front-matter order.
    pub regions: Vec<usize>,
    /// Vocabulary indexes, in front-matter order.
    pub mechanisms: Vec<usize>,
    /// A hash of the file's text: what incremental rebuilds compare.
    pub hash: u64,
    /// What is allowed but breaks something downstream (control characters, which XML forbids
    /// and feeds drop): `build` and `check` print them; the loader takes them out.
    pub warnings: Vec<Diagnostic>,
}

/// The years a page may give, as `year` or in `date`.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

impl Practice {
    /// `YYYY-MM-DD`, or the year alone: newest-first ordering uses it.
    pub fn sort_key(&self) -> String {
        self.front.date.clone().unwrap_or_else(|| self.front.year.map(|y| y.to_string()).unwrap_or_default())
    }

    /// The place that adopted the practice: the first region of the front matter (gazetteer
    /// unit). Import lists the story's own place first and after it the province acting as a
    /// whole or other places the story names as examples; a person who finds another place the
    /// adopter puts it first. Adoption figures (adopters per year, per-year maps) and the
    /// dataset's `adopter` columns credit a practice to this place alone; the region pages,
    /// maps, grids and the search's place filter list it under every place it names.
    pub fn adopter(&self) -> Option<usize> {
        self.regions.first().copied()
    }

    /// The Markdown body: the one kept, else read again from the page file under `root`.
    pub fn body(&self, root: &Path) -> std::io::Result<std::borrow::Cow<'_, str>> {
        if let Some(b) = &self.body {
            return Ok(b.into());
        }
        let text = String::from_utf8(std::fs::read(root.join(&self.source))?)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(split_front_matter(&text).map_or(String::new(), |(_, body)| body.to_string()).into())
    }
}

/// The first line of a YAML block whose value opens a quote it never closes: 1-based line and
/// column of the quote mark.
fn unclosed_quote(yaml: &str) -> Option<(usize, usize)> {
    for (i, line) in yaml.lines().enumerate() {
        let value = match line.find(": ") {
            Some(at) => (&line[at + 2..], at + 2),
            None => match line.trim_start().strip_prefix("- ") {
                Some(v) => (v, line.len() - v.len()),
                None => continue,
            },
        };
        let (v, offset) = (value.0.trim_end(), value.1 + (value.0.len() - value.0.trim_start().len()));
        let v = v.trim_start();
        for q in ['"', '\''] {
            if v.starts_with(q) {
                let body = &v[1..];
                let closed = if q == '"' {
                    let mut escaped = false;
                    body.chars().any(|c| {
                        let end = c == '"' && !escaped;
                        escaped = c == '\\' && !escaped;
                        end
                    })
                } else {
                    body.replace("''", "").contains('\'')
                };
                if !closed {
                    return Some((i + 1, line[..offset].chars().count() + 1));
                }
            }
        }
    }
    None
}

/// The message for a mechanism id that is not in the vocabulary: every id when there are few,
/// else the entries meant (the Chinese name or a synonym written instead of the id, or ids
/// sharing a word with it).
fn unknown_mechanism(vocab: &Vocabulary, m: &str) -> String {
    if vocab.mechanisms.len() <= 20 {
        let known: Vec<&str> = vocab.ids().collect();
        return format!("unknown mechanism `{m}`; the vocabulary has: {}", known.join(", "));
    }
    let key = crate::fold::fold(m);
    let words: Vec<&str> = m.split('-').filter(|w| w.len() > 2).collect();
    let near: Vec<String> = vocab
        .mechanisms
        .iter()
        .filter(|v| {
            let phrases = std::iter::once(&v.name).chain(&v.synonyms.hans).chain(&v.synonyms.hant);
            v.id.split('-').any(|w| words.contains(&w)) || phrases.into_iter().any(|s| crate::fold::fold(s) == key)
        })
        .map(|v| format!("`{}` ({})", v.id, v.name))
        .collect();
    let n = vocab.mechanisms.len();
    if near.is_empty() {
        format!("unknown mechanism `{m}`; use the id of one of the vocabulary's {n} entries (data/mechanisms.yaml)")
    } else {
        format!(
            "unknown mechanism `{m}`; did you mean {}? (ids of the vocabulary's {n} entries: data/mechanisms.yaml)",
            near.join(" or ")
        )
    }
}

/// Reads and validates one page file; `rel` is relative to `root`. Without `keep_body` the
/// practice keeps only what lists show of its body ([`Practice::body`] reads it again).
pub fn load_practice(
    root: &Path,
    rel: &Path,
    vocab: &Vocabulary,
    gazetteer: &Gazetteer,
    keep_body: bool,
) -> Result<Practice, Vec<Diagnostic>> {
    let path = root.join(rel);
    let text = Diagnostic::read_utf8(&path, rel).map_err(|d| vec![d])?;
    let mut p = parse_practice(rel, &text, vocab, gazetteer)?;
    p.modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    if !keep_body {
        p.body = None;
    }
    Ok(p)
}

/// Validates a page's text: every problem in it, or the practice.
pub fn parse_practice(
    rel: &Path,
    text: &str,
    vocab: &Vocabulary,
    gazetteer: &Gazetteer,
) -> Result<Practice, Vec<Diagnostic>> {
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let mut diags = Vec::new();
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        diags.push(Diagnostic::new(
            rel,
            format!("file name `{stem}` must be lowercase ASCII letters, digits and `-` (it becomes the page's URL)"),
        ));
    } else if stem.starts_with('-') {
        // It would be the page's id in the dataset, where a spreadsheet reads a leading `-` as
        // a formula (and the CSV writes it `'-…`, unlike the URL and the JSON lines).
        diags.push(Diagnostic::new(
            rel,
            format!("file name `{stem}` must start with a letter or digit, not `-` (it becomes the page's URL and id)"),
        ));
    }
    let (front, body) = match parse_front(rel, text) {
        Ok(parsed) => parsed,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let field = |needle: &str, msg: String| Diagnostic::new(rel, msg).at_text(text, 2, needle);
    check_fields(&front, &field, &mut diags);
    let regions = resolve_regions(&front, gazetteer, &field, &mut diags);
    let mut mechanisms = Vec::new();
    for m in &front.mechanism {
        match vocab.mechanisms.iter().position(|v| v.id == *m) {
            Some(i) => mechanisms.push(i),
            None => diags.push(field(m, unknown_mechanism(vocab, m))),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let warnings = control_characters(rel, text, &front);
    Ok(Practice {
        slug: stem.to_string(),
        source: rel.to_path_buf(),
        front,
        excerpt: crate::markdown::excerpt(body, 90),
        body: Some(body.to_string()),
        modified: None,
        regions,
        mechanisms,
        hash: {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            h.finish()
        },
        warnings,
    })
}

/// A character XML 1.0 forbids (feeds and the sitemap drop it) or a terminal obeys: a C0
/// control other than tab and line ends, DEL, a C1 control.
pub fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A warning for each front-matter line that holds a control character, raw or written as a
/// YAML escape (`"\v"`), and for the first body line that does.
fn control_characters(rel: &Path, text: &str, front: &FrontMatter) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let fields = [
        ("title", Some(&front.title)),
        ("subtitle", front.subtitle.as_ref()),
        ("source", front.source.as_ref()),
        ("author", front.author.as_ref()),
    ];
    let lists = [("practice", &front.practice), ("keywords", &front.keywords)];
    let mut named: Vec<&str> =
        fields.iter().filter(|(_, v)| v.is_some_and(|v| v.chars().any(is_control))).map(|(k, _)| *k).collect();
    named.extend(lists.iter().filter(|(_, v)| v.iter().any(|s| s.chars().any(is_control))).map(|(k, _)| *k));
    let Some((yaml, _)) = split_front_matter(text) else { return out };
    let front_lines = yaml.lines().count() + 2;
    let warn = |line: usize, col: usize, what: String| {
        let mut d = Diagnostic::new(
            rel,
            format!(
                "{what} holds a control character: feeds and the sitemap drop it, and a terminal obeys it; remove it"
            ),
        )
        .at(text, line, col);
        d.span = 1;
        d
    };
    for key in named {
        let needle = format!("{key}:");
        if let Some(i) = text.lines().take(front_lines).position(|l| l.starts_with(&needle)) {
            out.push(warn(i + 1, 1, format!("`{key}`")));
        } else {
            out.push(Diagnostic::new(
                rel,
                format!("`{key}` holds a control character: feeds and the sitemap drop it; remove it"),
            ));
        }
    }
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.chars().position(is_control) {
            if out.iter().any(|d| d.line == Some(i + 1)) {
                continue;
            }
            let what = if i < front_lines { "this front-matter line".to_string() } else { "the body".to_string() };
            out.push(warn(i + 1, at + 1, what));
            if i >= front_lines {
                break;
            }
        }
    }
    out
}

/// The front matter and the body of a page's text, or the one error that stops reading it.
fn parse_front<'a>(rel: &Path, text: &'a str) -> Result<(FrontMatter, &'a str), Diagnostic> {
    let Some((yaml, body)) = split_front_matter(text) else {
        return Err(Diagnostic::new(
            rel,
            "no front matter: a page starts with a `---` line, YAML, and another `---` line",
        )
        .at(text, 1, 1));
    };
    match serde_yaml_ng::from_str(yaml) {
        Ok(f) => Ok((f, body)),
        Err(e) => {
            // An unclosed quote runs to the end of the block, where the parser notices it:
            // point at the line that opens it instead.
            if let Some((line, col)) = unclosed_quote(yaml) {
                let d = Diagnostic::new(rel, "this quoted value is never closed: end it with the same quote mark");
                return Err(d.at(text, line + 1, col));
            }
            let message = yaml_message(&e);
            let d = Diagnostic::new(rel, message.clone());
            // A duplicate key is found at its mapping's start: point at the second one.
            if let Some(key) = message.strip_prefix("duplicate field `").and_then(|m| m.split('`').next()) {
                let needle = format!("{key}:");
                let at: Vec<usize> =
                    yaml.lines().enumerate().filter(|(_, l)| l.starts_with(&needle)).map(|(i, _)| i).collect();
                if let Some(&second) = at.get(1) {
                    let mut d = d.at(text, second + 2, 1);
                    d.span = key.chars().count();
                    return Err(d);
                }
            }
            // Line 1 of the YAML is line 2 of the file.
            Err(match e.location() {
                Some(l) => d.at(text, l.line() + 1, l.column()),
                None => d,
            })
        }
    }
}

/// The checks of single fields: title, date and year, language.
fn check_fields(front: &FrontMatter, field: &dyn Fn(&str, String) -> Diagnostic, diags: &mut Vec<Diagnostic>) {
    if front.title.trim().is_empty() {
        diags.push(field("title:", "`title` is empty".into()));
    }
    if let Some(date) = &front.date {
        match iso_date_year(date) {
            Some(y) => match front.year {
                Some(year) if year != y => diags.push(field("year:", format!("`year` is {year} but `date` is in {y}"))),
                None => diags.push(field(date, format!("`date` is {date} but `year` is missing: add `year: {y}`"))),
                _ => {}
            },
            _ => diags.push(field(date, format!("`date` must be a real date written YYYY-MM-DD, not `{date}`"))),
        }
    }
    if let Some(year) = front.year.filter(|y| !YEARS.contains(y)) {
        diags.push(field("year:", format!("`year` {year} is out of range ({}–{})", YEARS.start(), YEARS.end())));
    }
    if let Some(lang) = &front.lang {
        if !["zh-CN", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK"].contains(&lang.as_str()) {
            diags.push(field(lang, format!("`lang` must be zh-CN, zh-Hans, zh-Hant, zh-TW or zh-HK, not `{lang}`")));
        }
    }
}

/// The gazetteer units of the page's regions; an unknown or ambiguous one is an error.
fn resolve_regions(
    front: &FrontMatter,
    gazetteer: &Gazetteer,
    field: &dyn Fn(&str, String) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut regions = Vec::new();
    for r in &front.region {
        match gazetteer.resolve(r) {
            Ok(u) => regions.push(u),
            Err(candidates) if candidates.is_empty() => diags
                .push(field(r, format!("unknown region `{r}`: write a gazetteer path such as `江苏省/苏州市/昆山市`"))),
            Err(candidates) => {
                let paths: Vec<String> = candidates.iter().take(4).map(|&c| gazetteer.path(c)).collect();
                diags
                    .push(field(r, format!("ambiguous region `{r}`: write the full path, one of {}", paths.join(", "))))
            }
        }
    }
    regions
}

/// serde_yaml_ng's message without its trailing " at line L column C".
fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The year of a date written `YYYY-MM-DD` that is a real calendar date in [`YEARS`], else
/// `None`: what a page's `date` must be.
pub fn iso_date_year(date: &str) -> Option<i32> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (date[..4].parse().ok()?, date[5..7].parse().ok()?, date[8..].parse().ok()?);
    (YEARS.contains(&y) && (1..=days_in_month(y, m)?).contains(&d)).then_some(y)
}

/// Days in month `m` (1–12) of year `y` in the Gregorian calendar; `None` for no month.
pub fn days_in_month(y: i32, m: u32) -> Option<u32> {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => Some(29),
        2 => Some(28),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_a_real_day_written_yyyy_mm_dd() {
        assert_eq!(iso_date_year("2024-02-29"), Some(2024));
        assert_eq!(iso_date_year("1999-12-31"), Some(1999));
        assert_eq!(iso_date_year("2100-12-31"), Some(2100), "the last year `year` takes too");
        for bad in [
            "2023-02-29",
            "2023-1-05",
            "2023/01/05",
            "2023-13-01",
            "2023-00-10",
            "1899-01-01",
            "２０２３-01-05",
            "2023-01-05 ",
            "2023年1月5日",
        ] {
            assert_eq!(iso_date_year(bad), None, "{bad}");
        }
    }

    fn parse(text: &str) -> Result<Practice, Vec<Diagnostic>> {
        parse_practice(Path::new("a.md"), text, &Vocabulary::builtin(), Gazetteer::builtin())
    }

    #[test]
    fn a_duplicate_key_is_reported_at_the_duplicate() {
        let e = parse("---\ntitle: x\nyear: 2020\nauthor: a\nsource: s\nauthor: b\n---\n\n正文。\n").unwrap_err();
        assert!(e[0].to_string().starts_with("a.md:6:1: duplicate field `author`\n  |\n6 | author: b"), "{}", e[0]);
    }

    #[test]
    fn year_and_date_take_the_same_years() {
        assert!(parse("---\ntitle: x\ndate: 2100-01-01\nyear: 2100\n---\n\n正文。\n").is_ok());
        assert!(parse("---\ntitle: x\nyear: 2100\n---\n\n正文。\n").is_ok());
        let e = parse("---\ntitle: x\nyear: 2101\n---\n\n正文。\n").unwrap_err();
        assert!(e[0].to_string().contains("`year` 2101 is out of range (1900–2100)"), "{}", e[0]);
        let e = parse("---\ntitle: x\ndate: 2101-01-01\nyear: 2101\n---\n\n正文。\n").unwrap_err();
        assert!(e.iter().any(|d| d.message.contains("must be a real date")), "{e:?}");
        assert!(parse("---\ntitle: x\ndate: 1899-12-31\nyear: 1899\n---\n\n正文。\n").is_err());
    }

    #[test]
    fn a_stem_that_starts_with_a_dash_is_refused() {
        let e = parse_practice(
            Path::new("-2-3.md"),
            "---\ntitle: x\n---\n\n正文。\n",
            &Vocabulary::builtin(),
            Gazetteer::builtin(),
        )
        .unwrap_err();
        assert!(
            e[0].to_string().starts_with("-2-3.md: file name `-2-3` must start with a letter or digit"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn control_characters_in_front_matter_and_body_are_warned_of_by_line() {
        let p = parse(
            "---\ntitle: \"苏州\\v锻造\"\nyear: 2020\nkeywords: [\"a\\u001b\"]\n---\n\n正文\u{8}一。\n\n二\u{b}。\n",
        )
        .unwrap();
        let w: Vec<String> = p.warnings.iter().map(|d| format!("{}:{}", d.line.unwrap_or(0), d.message)).collect();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].starts_with("2:`title` holds a control character"), "{w:?}");
        assert!(w[1].starts_with("4:`keywords` holds"), "{w:?}");
        assert!(w[2].starts_with("7:the body holds"), "{w:?}");
        assert!(parse("---\ntitle: x\n---\n\n正文\t一。\r\n").unwrap().warnings.is_empty());
    }

    #[test]
    fn an_unknown_mechanism_names_the_entry_meant() {
        let v = Vocabulary::builtin();
        let by_name = unknown_mechanism(&v, "河長制");
        assert!(by_name.starts_with("unknown mechanism `河長制`; did you mean `river-chief` (河长制)?"), "{by_name}");
        let by_word = unknown_mechanism(&v, "river-chiefs");
        assert!(by_word.contains("`river-chief` (河长制) or `river-police-chief` (河湖警长)"), "{by_word}");
        let none = unknown_mechanism(&v, "teleportation");
        assert!(none.contains("use the id of one of the vocabulary's"), "{none}");
    }
}

#[cfg(test)]
mod robustness {
    //! Any front matter and any Markdown end in a practice or located errors, never a panic:
    //! real pages with bytes flipped, lines shuffled and cut at random points.
    use super::*;

    #[test]
    fn any_page_text_ends_in_a_practice_or_located_errors() {
        let vocab = Vocabulary::builtin();
        let g = Gazetteer::builtin();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/practices");
        let mut pages: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        pages.sort();
        let mut rng = fastrand::Rng::with_seed(0x2545_F491_4F6C_DD1D);
        let mut next = |n: usize| rng.usize(..n.max(1));
        const NOISE: &[&str] =
            &["\"", "'", ":", "- ", "[", "]", "{", "}", "---", "\t", "#", "`", "<script>", "&", "\u{0}", "年", "\n"];
        for case in 0..600 {
            let page = &pages[next(pages.len())];
            let mut chars: Vec<char> = page.chars().collect();
            let text: String = match case % 3 {
                0 => {
                    for _ in 0..1 + next(12) {
                        let at = next(chars.len());
                        let noise: Vec<char> = NOISE[next(NOISE.len())].chars().collect();
                        chars.splice(at..at, noise);
                    }
                    chars.into_iter().collect()
                }
                1 => chars[..next(chars.len() + 1)].iter().collect(),
                _ => {
                    let mut lines: Vec<&str> = page.lines().collect();
                    for i in (1..lines.len()).rev() {
                        lines.swap(i, next(i + 1));
                    }
                    lines.join("\n")
                }
            };
            let rel = Path::new("content/practices/case.md");
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_practice(rel, &text, &vocab, g)));
            match r {
                Ok(Ok(_)) => {}
                Ok(Err(diags)) => {
                    assert!(!diags.is_empty(), "case {case}: an error with no diagnostic");
                    for d in &diags {
                        assert!(d.to_string().contains("case.md"), "case {case}: {d} does not name the file");
                    }
                }
                Err(_) => panic!("case {case} panicked on:\n{text}"),
            }
        }
    }
}
