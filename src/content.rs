//! The content model: a practice page is Markdown with YAML front matter. Written by
//! `import`, edited by people, read by `build`. This module owns the schema and the file format.

use serde::{Deserialize, Serialize};

pub mod edit;
use sha2::{Digest, Sha256};

/// Front matter of a practice page. Strict: unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// `YYYY-MM-DD`, when the article states its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Absent when the article gives no clue to its year (import then asks for review).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// True when no date is printed and `year` was inferred from the text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub year_inferred: bool,
    /// The year the practice began, when the text says so (`始于2014年`, `2014年以来`): the
    /// research outputs count a place as adopting it then rather than in `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// `zh-Hant` for an article written in Traditional characters; absent means `zh-CN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Gazetteer paths, most specific practice location first: `江苏省/苏州市/昆山市`.
    #[serde(default)]
    pub region: Vec<String>,
    /// Mechanism ids from the vocabulary.
    #[serde(default)]
    pub mechanism: Vec<String>,
    /// The local practice's own name, as the article quotes it: `“接诉即办”`, `“六比竞赛”`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practice: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<Provenance>,
}

/// Where an imported page came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The raw file's name (`feed.jsonl:12`, `crawl.warc.gz#3` for a record of a file).
    pub file: String,
    /// The article's web address, when the raw article came with one (a scraper's record, a
    /// web archive's capture): the page links it as 原文链接.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The day a web archive captured the page (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<String>,
    /// SHA-256 of the raw file's bytes.
    pub sha256: String,
    /// Which story of the raw file this page is (1-based), of how many.
    pub story: usize,
    pub stories: usize,
    /// Other raw files that carry the same story (reprints, mirrors, re-encodings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Reprint>,
    /// Fields import was unsure of, for a person to check: `[year, region]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<String>,
    /// The fields import derived from the page's own text with the vocabulary and gazetteer
    /// ([`TAGGED`]; not one filled from another copy or read beside the text), each with a hash
    /// of the value it wrote ([`value_hash`]): a field whose value still has that hash was not
    /// touched by a person, and `kbgen retag` may compute it again.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tagged: std::collections::BTreeMap<String, String>,
    /// SHA-256 of this page as the importer wrote it (with this value zeroed). A page whose
    /// text no longer matches was edited by a person, and import leaves it alone.
    pub page_sha256: String,
}

/// The fields import derives from a story's text with the vocabulary and gazetteer, in the
/// order the front matter has them: what `kbgen retag` recomputes.
pub const TAGGED: [&str; 4] = ["region", "mechanism", "practice", "keywords"];

/// A tagged field's value: `region`, `mechanism`, `practice` or `keywords` of `front`.
pub fn tagged_value<'a>(front: &'a FrontMatter, field: &str) -> &'a [String] {
    match field {
        "region" => &front.region,
        "mechanism" => &front.mechanism,
        "practice" => &front.practice,
        "keywords" => &front.keywords,
        _ => &[],
    }
}

/// Sixteen hex digits of SHA-256 of a list value (its items, each ended by a newline): enough
/// to tell a person's change from what import wrote.
pub fn value_hash(items: &[String]) -> String {
    let mut bytes = Vec::new();
    for i in items {
        bytes.extend_from_slice(i.as_bytes());
        bytes.push(b'\n');
    }
    sha256_hex(&bytes)[..16].to_string()
}

impl Provenance {
    /// Marks a field for review for its usual reason (`year`: no date printed; the review
    /// table says which).
    pub fn mark(&mut self, field: &str) {
        if !self.review.iter().any(|r| review_field(r) == field) {
            self.review.push(field.to_string());
        }
    }

    /// Marks a field for review with the reason (`source: only the publishing site's own name
    /// gives it …`), in place of an earlier mark of the field.
    pub fn flag(&mut self, field: &str, why: &str) {
        let entry = format!("{field}: {why}");
        match self.review.iter_mut().find(|r| review_field(r) == field) {
            Some(r) => *r = entry,
            None => self.review.push(entry),
        }
    }
}

/// The field a review mark is about: `region` of `region: 蓟县 is a former name …`, or of a
/// bare `region`.
pub fn review_field(entry: &str) -> &str {
    entry.split_once(':').map_or(entry, |(f, _)| f.trim())
}

/// Another raw file that printed the same story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reprint {
    pub file: String,
    pub sha256: String,
    pub story: usize,
}

/// Stands in for the hash while it is computed; a plain YAML string, unlike sixty-four zeros.
const ZERO_HASH: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Renders a page file: front matter between `---` lines, a blank line, the Markdown body.
/// When the front matter has provenance, its `page_sha256` is filled in, and each field named
/// in `tagged` gets the hash of its value.
pub fn render_page(front: &FrontMatter, body: &str) -> String {
    let mut front = front.clone();
    let hashes: std::collections::BTreeMap<String, String> = front.import.as_ref().map_or_else(Default::default, |p| {
        p.tagged.keys().map(|f| (f.clone(), value_hash(tagged_value(&front, f)))).collect()
    });
    if let Some(p) = front.import.as_mut() {
        p.page_sha256 = ZERO_HASH.to_string();
        p.tagged = hashes;
    }
    let yaml = serde_yaml_ng::to_string(&front).expect("front matter serialises");
    let text = format!("---\n{yaml}---\n\n{}\n", body.trim_end());
    if front.import.is_some() {
        seal(&text)
    } else {
        text
    }
}

/// `text` with its `page_sha256` (whatever it holds) set to the hash of the page, as import
/// writes it: a page that `kbgen retag` changed while it was as imported stays so.
pub fn seal(text: &str) -> String {
    let Some(pos) = text.find("page_sha256: ") else { return text.to_string() };
    let start = pos + "page_sha256: ".len();
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let zeroed = format!("{}{}{}", &text[..start], ZERO_HASH, &text[end..]);
    let hash = sha256_hex(zeroed.as_bytes());
    format!("{}{}{}", &text[..start], hash, &text[end..])
}

/// What a page file says about its own history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageState {
    /// Exactly as the importer wrote it.
    Pristine,
    /// Changed since import, or written by a person.
    Edited,
}

/// Checks a page's `page_sha256` against its text.
pub fn page_state(text: &str) -> PageState {
    let Some(pos) = text.find("page_sha256: ") else {
        return PageState::Edited;
    };
    let start = pos + "page_sha256: ".len();
    let Some(stored) = text.get(start..start + 64) else {
        return PageState::Edited;
    };
    let zeroed = format!("{}{}{}", &text[..start], ZERO_HASH, &text[start + 64..]);
    if sha256_hex(zeroed.as_bytes()) == stored {
        PageState::Pristine
    } else {
        PageState::Edited
    }
}

/// Reads the provenance of a page written by import, if its front matter parses.
pub fn read_provenance(text: &str) -> Option<Provenance> {
    let (yaml, _) = split_front_matter(text)?;
    serde_yaml_ng::from_str::<FrontMatter>(yaml).ok()?.import
}

/// Splits `---\n<yaml>---\n<body>`; `None` when the text has no front matter block.
pub fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("\u{feff}").unwrap_or(text);
    let rest = rest.strip_prefix("---\n").or_else(|| rest.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FrontMatter {
        FrontMatter {
            title: "苏州:锻造创新发展“红色引擎”".into(),
            subtitle: None,
            date: Some("2017-09-19".into()),
            year: Some(2017),
            year_inferred: false,
            adopted: None,
            source: Some("新华日报".into()),
            author: None,
            lang: None,
            region: vec!["江苏省/苏州市".into()],
            mechanism: vec!["grid-governance".into()],
            practice: vec![],
            keywords: vec!["党建".into()],
            import: Some(Provenance {
                file: "001.txt".into(),
                url: None,
                captured: None,
                sha256: "ab".into(),
                story: 1,
                stories: 1,
                also: vec![],
                review: vec![],
                tagged: Default::default(),
                page_sha256: String::new(),
            }),
        }
    }

    #[test]
    fn rendered_pages_are_pristine_until_edited() {
        let text = render_page(&sample(), "正文第一段。\n\n正文第二段。");
        assert!(text.starts_with("---\ntitle: "));
        assert_eq!(page_state(&text), PageState::Pristine);
        assert_eq!(render_page(&sample(), "正文第一段。\n\n正文第二段。"), text, "deterministic");
        let edited = text.replace("正文第二段", "人工修订的第二段");
        assert_eq!(page_state(&edited), PageState::Edited);
        assert_eq!(page_state("---\ntitle: x\n---\nbody"), PageState::Edited);
    }

    #[test]
    fn front_matter_round_trips() {
        let text = render_page(&sample(), "正文。");
        let (yaml, body) = split_front_matter(&text).unwrap();
        let back: FrontMatter = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(back.title, sample().title);
        assert_eq!(back.region, sample().region);
        assert_eq!(body.trim(), "正文。");
        assert_eq!(read_provenance(&text).unwrap().file, "001.txt");
    }
}
