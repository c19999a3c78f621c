//! Writing back into a page file: the lines of the keys a person (or `kbgen retag`) changed are
//! rewritten, and nothing else. The body's bytes, every other key, their order and comments stay
//! as they are. Values are written as YAML values ([`render_key`]): a title holding `: `, `#`,
//! a newline, `---` or HTML reads back as the same string, and the result is read back and
//! compared before anything is written ([`edit`]). Used by `kbgen retag` and by the review desk
//! of `kbgen serve` (src/serve/desk.rs), which also confines itself to the page files
//! ([`page_file`]), refuses a save drawn from an older file ([`file_hash`]) and writes through
//! a temporary file renamed over the page.

use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value as Yaml};

use super::{review_field, split_front_matter};

/// Keys of the front matter in the order import writes them: a key that is added goes before
/// the first of the later keys the page has.
pub const ORDER: [&str; 14] = [
    "title",
    "subtitle",
    "date",
    "year",
    "year_inferred",
    "adopted",
    "source",
    "author",
    "lang",
    "region",
    "mechanism",
    "practice",
    "keywords",
    "import",
];

/// The keys a person curates, in the edit form's order.
pub const CURATED: [&str; 11] =
    ["title", "subtitle", "date", "year", "adopted", "source", "author", "region", "mechanism", "practice", "keywords"];

/// Whether a curated key holds a list (one value per line in the form).
pub fn is_list(key: &str) -> bool {
    matches!(key, "region" | "mechanism" | "practice" | "keywords")
}

/// A new value for a curated key. An empty text, no year or an empty list removes the key
/// (every curated key but the title may be absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Option<String>),
    Year(Option<i32>),
    List(Vec<String>),
}

impl Value {
    fn is_empty(&self) -> bool {
        matches!(self, Value::Text(None) | Value::Year(None)) || matches!(self, Value::List(l) if l.is_empty())
    }

    fn yaml(&self) -> Yaml {
        match self {
            Value::Text(Some(s)) => Yaml::String(s.clone()),
            Value::Year(Some(y)) => Yaml::Number((*y).into()),
            Value::List(l) => Yaml::Sequence(l.iter().cloned().map(Yaml::String).collect()),
            _ => Yaml::Null,
        }
    }
}

/// The front matter's lines: from the line after the opening `---` to the closing one.
pub fn front_lines(lines: &[String]) -> std::ops::Range<usize> {
    let end = lines.iter().skip(1).position(|l| l.trim_end() == "---").map_or(lines.len(), |p| p + 1);
    1..end
}

/// The lines of top-level key `key`: its own and the indented or `- ` lines under it.
pub fn key_lines(lines: &[String], key: &str) -> Option<std::ops::Range<usize>> {
    let fm = front_lines(lines);
    let start = fm.clone().find(|&i| lines[i].strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    let end = (start + 1..fm.end).find(|&i| !lines[i].starts_with([' ', '\t', '-'])).unwrap_or(fm.end);
    Some(start..end)
}

/// Whether a line of front matter holds a comment: a `#` at its start or after a space,
/// outside a quoted value. Lines of a block scalar (`|`, `>`) are text, not checked.
fn has_comment(line: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut last_token = ' ';
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '\'' || c == '"') && matches!(last_token, ' ' | ':' | '-' | '[' | '{' | ',') && prev != c => {
                quote = Some(c);
            }
            None if c == '#' && prev.is_whitespace() => return true,
            None => {}
        }
        if !c.is_whitespace() && quote.is_none() {
            last_token = c;
        }
        prev = c;
    }
    false
}

/// Whether the lines of a key, as `key_lines` gives them, hold a comment.
fn commented(key_lines: &[String]) -> bool {
    let Some(first) = key_lines.first() else { return false };
    let block = first.split_once(':').is_some_and(|(_, v)| v.trim_start().starts_with(['|', '>']));
    has_comment(first) || !block && key_lines[1..].iter().any(|l| has_comment(l))
}

/// Replaces the lines of `key` with `rendered` (its YAML text, whole lines; empty: the key
/// goes), or adds them where import puts the key. A key whose lines hold a comment, or are
/// followed by a comment and more of its items, is left alone: a person wrote it by hand.
pub fn replace_key(lines: &mut Vec<String>, key: &str, rendered: &str) -> Result<(), &'static str> {
    let new: Vec<String> = rendered.split_inclusive('\n').map(str::to_string).collect();
    match key_lines(lines, key) {
        Some(range) => {
            let fm = front_lines(lines);
            let after = lines[range.end..fm.end].iter().find(|l| !l.trim_start().starts_with('#'));
            let orphans = range.end < fm.end
                && lines[range.end].starts_with('#')
                && after.is_some_and(|l| l.starts_with([' ', '\t', '-']));
            if commented(&lines[range.clone()]) || orphans {
                return Err("a comment among its lines: edit it by hand");
            }
            lines.splice(range, new);
        }
        None => {
            let at = ORDER
                .iter()
                .skip_while(|k| **k != key)
                .skip(1)
                .find_map(|k| key_lines(lines, k).map(|r| r.start))
                .unwrap_or(front_lines(lines).end);
            // Before the comment lines that head the next key: they are about it.
            let fm = front_lines(lines);
            let at = (fm.start..at).rev().take_while(|&i| lines[i].starts_with('#')).last().unwrap_or(at);
            lines.splice(at..at, new);
        }
    }
    Ok(())
}

/// `key: value` as YAML lines: strings quoted wherever YAML would read them as something else
/// (`yes`, `~`, `1.5`, `- x`, `: `, ` #`), and a string with a line break or tab written as one
/// double-quoted line (with `\n`), so the key stays on lines of its own. The empty value: no
/// lines. Checked by reading it back; a value YAML cannot hold (a control character) is refused.
pub fn render_key(key: &str, value: &Value) -> Result<String, String> {
    if value.is_empty() {
        return Ok(String::new());
    }
    let texts: Vec<&str> = match value {
        Value::Text(Some(s)) => vec![s.as_str()],
        Value::List(l) => l.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some(c) = texts.iter().flat_map(|t| t.chars()).find(|&c| crate::practice::is_control(c) && c != '\t') {
        return Err(format!("{key}: the value holds a control character (U+{:04X})", c as u32));
    }
    let mut map = Mapping::new();
    map.insert(Yaml::String(key.to_string()), value.yaml());
    let plain = serde_yaml_ng::to_string(&map).map_err(|e| format!("{key}: {e}"))?;
    let one_line = |t: &&str| !t.contains(['\n', '\r', '\t']);
    let lines = match value {
        Value::List(l) => 1 + l.len(),
        _ => 1,
    };
    let plain_ok = |t: &&str| one_line(t) && !yaml11_word(t);
    let rendered = if texts.iter().all(plain_ok) && plain.lines().count() == lines && reads_back(&plain, &map) {
        plain
    } else {
        // A line break: JSON's double-quoted string is a YAML one too.
        let json = |t: &str| serde_json::to_string(t).expect("a string serialises");
        match value {
            Value::Text(Some(s)) => format!("{key}: {}\n", json(s)),
            Value::List(l) => {
                std::iter::once(format!("{key}:\n")).chain(l.iter().map(|t| format!("- {}\n", json(t)))).collect()
            }
            _ => plain,
        }
    };
    if !reads_back(&rendered, &map) || rendered.lines().any(|l| l.trim_end() == "---" || l.trim_end() == "...") {
        return Err(format!("{key}: the value cannot be written as YAML"));
    }
    Ok(rendered)
}

/// A word YAML 1.1 reads as a boolean or null (`yes`, `off`, `~`): YAML 1.2 (and kbgen) reads
/// it as a string, but other tools a person may use on the pages do not, so it is quoted.
fn yaml11_word(t: &str) -> bool {
    let words = ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"];
    words.iter().any(|w| t.eq_ignore_ascii_case(w))
}

fn reads_back(text: &str, map: &Mapping) -> bool {
    serde_yaml_ng::from_str::<Mapping>(text).is_ok_and(|m| m == *map)
}

/// Rewrites the review marks (`import.review`) of the import block: `remaining` in place of
/// the old list, which goes when it is empty. Nothing happens on a page without an import
/// block or marks.
fn replace_review(lines: &mut Vec<String>, remaining: &[String]) -> Result<(), String> {
    let Some(import) = key_lines(lines, "import") else { return Ok(()) };
    let Some(start) = import.clone().find(|&i| lines[i].starts_with("  review:")) else { return Ok(()) };
    let end = (start + 1..import.end)
        .find(|&i| !(lines[i].starts_with("  -") || lines[i].starts_with("   ")))
        .unwrap_or(import.end);
    if commented(&lines[start..end]) {
        return Err("import.review: a comment among its lines: edit it by hand".into());
    }
    let block = if remaining.is_empty() {
        Vec::new()
    } else {
        let mut map = Mapping::new();
        map.insert("review".into(), Yaml::Sequence(remaining.iter().cloned().map(Yaml::String).collect()));
        let yaml = serde_yaml_ng::to_string(&map).map_err(|e| e.to_string())?;
        yaml.split_inclusive('\n').map(|l| format!("  {l}")).collect()
    };
    lines.splice(start..end, block);
    Ok(())
}

/// Sets the review marks of the import block to `marks`: the list replaced, added where import
/// writes it (before `tagged` or `page_sha256`) when there was none, or removed when `marks` is empty.
pub fn set_review(lines: &mut Vec<String>, marks: &[String]) -> Result<(), String> {
    let Some(import) = key_lines(lines, "import") else { return Ok(()) };
    if import.clone().any(|i| lines[i].starts_with("  review:")) {
        return replace_review(lines, marks);
    }
    if marks.is_empty() {
        return Ok(());
    }
    let at = import
        .clone()
        .find(|&i| lines[i].starts_with("  tagged:") || lines[i].starts_with("  page_sha256:"))
        .unwrap_or(import.end);
    let mut map = Mapping::new();
    map.insert("review".into(), Yaml::Sequence(marks.iter().cloned().map(Yaml::String).collect()));
    let yaml = serde_yaml_ng::to_string(&map).map_err(|e| e.to_string())?;
    lines.splice(at..at, yaml.split_inclusive('\n').map(|l| format!("  {l}")));
    Ok(())
}

/// The front matter of `text` as a YAML mapping.
fn front_mapping(text: &str) -> Result<Mapping, String> {
    let (yaml, _) = split_front_matter(text).ok_or("no front matter (--- lines)")?;
    serde_yaml_ng::from_str(yaml).map_err(|e| format!("the front matter does not parse: {e}"))
}

/// `text` with each key of `changes` set to its value, and the review marks of the fields in
/// `clear` removed. The result is read back: every other key must hold what it held, the
/// changed ones their new values, and the body must be the same bytes; otherwise nothing is
/// returned but the reason.
pub fn edit(text: &str, changes: &[(&str, Value)], clear: &[&str]) -> Result<String, String> {
    let (_, body) = split_front_matter(text).ok_or("no front matter (--- lines)")?;
    let mut expected = front_mapping(text)?;
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    for (key, value) in changes {
        let rendered = render_key(key, value)?;
        replace_key(&mut lines, key, &rendered).map_err(|e| format!("{key}: {e}"))?;
        if value.is_empty() {
            expected.remove(*key);
        } else {
            expected.insert(Yaml::String(key.to_string()), value.yaml());
        }
    }
    if !clear.is_empty() {
        let marks = marks_of(&expected);
        let remaining: Vec<String> = marks.iter().filter(|m| !clear.contains(&review_field(m))).cloned().collect();
        if remaining.len() != marks.len() {
            replace_review(&mut lines, &remaining)?;
            if let Some(Yaml::Mapping(import)) = expected.get_mut("import") {
                if remaining.is_empty() {
                    import.remove("review");
                } else {
                    import.insert("review".into(), Yaml::Sequence(remaining.into_iter().map(Yaml::String).collect()));
                }
            }
        }
    }
    let new_text = lines.concat();
    let (_, new_body) = split_front_matter(&new_text).ok_or("the edit broke the front matter")?;
    if new_body != body || front_mapping(&new_text)? != expected {
        return Err("the edit would not read back as written: edit the page by hand".into());
    }
    Ok(new_text)
}

/// The review marks of a front matter mapping (`import.review`).
fn marks_of(front: &Mapping) -> Vec<String> {
    let review = front.get("import").and_then(|i| i.get("review")).and_then(Yaml::as_sequence);
    review.map_or_else(Vec::new, |r| r.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
}

/// The hash a form carries of the file it was drawn from: a save from an older form is refused.
pub fn file_hash(bytes: &[u8]) -> String {
    super::sha256_hex(bytes)
}

/// Why a page id names no page the desk may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadPage {
    /// Not a file name: empty, a separator, `..`, NUL, a leading dot, not `*.md`-able.
    Name,
    /// No such page (or not a regular file inside the folder).
    Missing,
}

/// The page file of `stem` in `dir` (the practices folder): the id must be a plain file name
/// (no `/`, `\`, `..`, NUL, leading dot), and the file must exist as a regular file, not a link.
pub fn page_file(dir: &Path, stem: &str) -> Result<PathBuf, BadPage> {
    let plain = !stem.is_empty()
        && stem.len() <= 200
        && !stem.starts_with('.')
        && !stem.contains(['/', '\\', '\0', ':'])
        && !stem.contains("..")
        && !stem.chars().any(char::is_control);
    if !plain {
        return Err(BadPage::Name);
    }
    let path = dir.join(format!("{stem}.md"));
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(path),
        _ => Err(BadPage::Missing),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed over it.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::import::write::atomic_write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &str) -> Vec<String> {
        t.split_inclusive('\n').map(str::to_string).collect()
    }

    fn text(key: &str, s: &str) -> String {
        render_key(key, &Value::Text(Some(s.to_string()))).unwrap()
    }

    #[test]
    fn only_the_changed_keys_lines_are_rewritten() {
        let page = "---\ntitle: 标题 # 人工校订\nregion:\n- 江苏省\nmechanism:\n- a\n- b\n# 人工备注\nkeywords: [x, y]\nimport:\n  file: a.txt\n  page_sha256: 0\n---\n\n正文\n";
        let mut l = lines(page);
        replace_key(&mut l, "mechanism", "mechanism:\n- c\n").unwrap();
        replace_key(&mut l, "practice", "practice:\n- “接诉即办”\n").unwrap();
        replace_key(&mut l, "keywords", "keywords: []\n").unwrap();
        assert_eq!(
            l.concat(),
            "---\ntitle: 标题 # 人工校订\nregion:\n- 江苏省\nmechanism:\n- c\npractice:\n- “接诉即办”\n# 人工备注\nkeywords: []\nimport:\n  file: a.txt\n  page_sha256: 0\n---\n\n正文\n"
        );
        let mut l = lines("---\nmechanism:\n- a\n# 备注\n- b\nimport:\n  file: a\n---\n");
        assert!(replace_key(&mut l, "mechanism", "").is_err(), "a comment inside the list");
        let mut l = lines("---\nregion: [江苏省] # 核对过\n---\n");
        assert!(replace_key(&mut l, "region", "").is_err());
        let mut l = lines("---\ntitle: 'a # b'\nsource: \"x #y\"\n---\n");
        assert!(replace_key(&mut l, "title", "title: c\n").is_ok(), "a # inside quotes is no comment");
        assert!(replace_key(&mut l, "source", "source: d\n").is_ok());
        assert_eq!(l.concat(), "---\ntitle: c\nsource: d\n---\n");
    }

    #[test]
    fn hostile_values_stay_the_same_strings() {
        let hostile = [
            "a: b",
            "a #b",
            "#x",
            "line one\nline two",
            "---",
            "...",
            "<script>alert(1)</script>",
            "- item",
            "* star",
            "&anchor",
            "!tag",
            "'quoted'",
            "\"dq\"",
            "yes",
            "no",
            "null",
            "~",
            "2024",
            "1.5",
            "0x1F",
            "1e3",
            "[a, b]",
            "{a: b}",
            "|",
            ">",
            "%YAML",
            "@at",
            "`tick`",
            " leading space",
            "trailing space ",
            "tab\there",
            "苏州:锻造“红色引擎”",
            "a\n---\nb",
            "",
        ];
        for s in hostile {
            for key in ["title", "keywords"] {
                let value =
                    if key == "title" { Value::Text(Some(s.into())) } else { Value::List(vec![s.into(), "x".into()]) };
                if s.is_empty() && key == "title" {
                    continue;
                }
                let yaml = render_key(key, &value).unwrap_or_else(|e| panic!("{s:?}: {e}"));
                let page = format!("---\n{yaml}other: 1\n---\n\n正文\n");
                let back: Mapping = serde_yaml_ng::from_str(split_front_matter(&page).unwrap().0).unwrap();
                assert_eq!(back.get(key), Some(&value.yaml()), "{s:?} as {yaml:?}");
                assert_eq!(back.get("other"), Some(&Yaml::Number(1.into())), "{s:?}");
                assert_eq!(split_front_matter(&page).unwrap().1, "\n正文\n", "{s:?}: the body stays");
                assert_eq!(key_lines(&lines(&page), key).map(|r| r.len()), Some(yaml.lines().count()), "{s:?}");
            }
        }
        assert!(text("title", "x\ny").starts_with("title: \""), "a line break is one quoted line");
        for word in ["yes", "No", "ON", "off", "y", "null", "~", "true"] {
            assert_eq!(text("title", word), format!("title: \"{word}\"\n"), "quoted for YAML 1.1 readers too");
        }
        assert!(render_key("title", &Value::Text(Some("a\u{7}b".into()))).is_err(), "a control character");
        assert_eq!(render_key("year", &Value::Year(Some(2021))).unwrap(), "year: 2021\n");
        assert_eq!(render_key("subtitle", &Value::Text(None)).unwrap(), "");
    }

    const PAGE: &str = "---\ntitle: 旧标题\n# 人工备注：来源待核\nsource: 新华日报\nregion:\n- 江苏省/苏州市\nkeywords: [党建] # 手写\nimport:\n  file: a.txt\n  review:\n  - title\n  - 'source: only the site''s name'\n  - year\n  tagged:\n    region: abc\n  page_sha256: 0\n---\n\n正文第一段。\r\n\n---\n正文: 第二段\n";

    #[test]
    fn an_edit_changes_its_keys_and_marks_and_keeps_every_other_byte() {
        let out = edit(PAGE, &[("title", Value::Text(Some("新: 标题 # 一".into())))], &["title"]).unwrap();
        assert_eq!(
            out,
            PAGE.replace("title: 旧标题\n", "title: '新: 标题 # 一'\n").replace("  - title\n", ""),
            "only the title's line and its mark changed"
        );
        let out = edit(PAGE, &[("year", Value::Year(Some(2021))), ("subtitle", Value::Text(Some("副".into())))], &[])
            .unwrap();
        assert!(out.contains("title: 旧标题\nsubtitle: 副\nyear: 2021\n# 人工备注：来源待核\nsource:"), "{out}");
        let out = edit(PAGE, &[("source", Value::Text(None))], &["source", "year", "title"]).unwrap();
        assert!(!out.contains("source:") && !out.contains("review:"), "{out}");
        assert!(out.contains("# 人工备注：来源待核\nregion:"), "{out}");
        assert!(out.ends_with("---\n\n正文第一段。\r\n\n---\n正文: 第二段\n"));
        let err = edit(PAGE, &[("keywords", Value::List(vec!["x".into()]))], &[]).unwrap_err();
        assert!(err.contains("comment"), "{err}");
        let out = edit(PAGE, &[("region", Value::List(vec!["江苏省/苏州市/昆山市".into()]))], &[]).unwrap();
        assert!(out.contains("region:\n- 江苏省/苏州市/昆山市\nkeywords: [党建] # 手写\n"), "{out}");
        assert!(out.contains("  tagged:\n    region: abc\n"), "the tag hashes stay: retag sees a person's value");
    }

    #[test]
    fn pages_with_crlf_lines_or_a_bom_are_edited_too() {
        let page = "\u{feff}---\r\ntitle: 旧\r\nyear: 2020\r\n---\r\n\r\n正文\r\n";
        let out = edit(page, &[("title", Value::Text(Some("新".into())))], &[]).unwrap();
        assert_eq!(out, "\u{feff}---\r\ntitle: 新\nyear: 2020\r\n---\r\n\r\n正文\r\n");
        let back: crate::content::FrontMatter = serde_yaml_ng::from_str(split_front_matter(&out).unwrap().0).unwrap();
        assert_eq!((back.title.as_str(), back.year), ("新", Some(2020)));
    }

    #[test]
    fn page_ids_stay_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2021-a.md"), "---\ntitle: a\n---\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub").join("b.md"), "---\ntitle: b\n---\n").unwrap();
        assert_eq!(page_file(dir.path(), "2021-a"), Ok(dir.path().join("2021-a.md")));
        for bad in ["", "../2021-a", "sub/b", "sub\\b", "..", ".hidden", "a\0b", "/etc/passwd", "c:x"] {
            assert_eq!(page_file(dir.path(), bad), Err(BadPage::Name), "{bad:?}");
        }
        assert_eq!(page_file(dir.path(), "2022-none"), Err(BadPage::Missing));
        assert_eq!(page_file(dir.path(), "sub"), Err(BadPage::Missing), "a folder is no page");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.md")).unwrap();
            assert_eq!(page_file(dir.path(), "link"), Err(BadPage::Missing), "a link is not followed");
        }
    }
}
