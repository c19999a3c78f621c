//! The mechanism vocabulary: a controlled, editable list (`data/mechanisms.yaml`) with a stable
//! id, Chinese name, English gloss, Chinese (and optional English) description, an optional
//! broader entry (`parent`) and Simplified/Traditional synonyms per entry.
//! Read by the importer (tagging, jieba's dictionary) and by the build (mechanism pages).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fold::fold;

/// The vocabulary shipped with kbgen, used when a project has no `data/mechanisms.yaml`.
pub const BUILTIN_YAML: &str = include_str!("../data/mechanisms.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mechanism {
    pub id: String,
    pub name: String,
    pub en: String,
    /// The id of a broader entry (河湖警长 › 河长制); shown on the site, not used in tagging.
    #[serde(default)]
    pub parent: Option<String>,
    /// One or two Chinese sentences for the mechanism's page.
    pub description: String,
    /// The description in English.
    #[serde(default)]
    pub description_en: Option<String>,
    pub synonyms: Synonyms,
    #[serde(default = "default_min_score")]
    pub min_score: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    #[serde(default)]
    pub hans: Vec<String>,
    #[serde(default)]
    pub hant: Vec<String>,
}

fn default_min_score() -> u32 {
    2
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    mechanisms: Vec<Mechanism>,
}

#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub mechanisms: Vec<Mechanism>,
    by_id: HashMap<String, usize>,
}

#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct VocabularyError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl Vocabulary {
    /// Reads `path`, or the built-in vocabulary when it does not exist.
    pub fn load_or_builtin(path: &Path) -> Result<Vocabulary, VocabularyError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Vocabulary::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Vocabulary::parse(BUILTIN_YAML, Path::new("<built-in mechanisms.yaml>"))
            }
            Err(e) => Err(VocabularyError { file: path.into(), line: None, message: e.to_string() }),
        }
    }

    pub fn builtin() -> Vocabulary {
        Vocabulary::parse(BUILTIN_YAML, Path::new("<built-in mechanisms.yaml>"))
            .expect("the built-in vocabulary is valid")
    }

    /// Parses and validates a vocabulary; `file` is only used in error messages.
    pub fn parse(text: &str, file: &Path) -> Result<Vocabulary, VocabularyError> {
        let err = |line: Option<usize>, message: String| VocabularyError { file: file.into(), line, message };
        let parsed: VocabularyFile =
            serde_yaml_ng::from_str(text).map_err(|e| err(e.location().map(|l| l.line()), yaml_message(&e)))?;
        let mut by_id = HashMap::new();
        let mut owner: HashMap<String, String> = HashMap::new();
        for (i, m) in parsed.mechanisms.iter().enumerate() {
            check_entry(m, i, &mut by_id, &mut owner)
                .map_err(|message| err(entry_line(text, &m.id).map(|i| i + 1), message))?;
        }
        check_parents(&parsed.mechanisms, &by_id)
            .map_err(|(id, message)| err(key_line(text, id, "parent"), message))?;
        Ok(Vocabulary { mechanisms: parsed.mechanisms, by_id })
    }

    /// The entry's parent, if it has one.
    pub fn parent(&self, i: usize) -> Option<usize> {
        self.mechanisms[i].parent.as_ref().and_then(|p| self.by_id.get(p).copied())
    }

    /// The broader entries of entry `i`, outermost first (parsing rejects loops).
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut chain: Vec<usize> = std::iter::successors(self.parent(i), |&p| self.parent(p)).collect();
        chain.reverse();
        chain
    }

    /// The entries whose parent is entry `i`, in vocabulary order.
    pub fn children(&self, i: usize) -> Vec<usize> {
        (0..self.mechanisms.len()).filter(|&c| self.parent(c) == Some(i)).collect()
    }

    pub fn get(&self, id: &str) -> Option<&Mechanism> {
        self.by_id.get(id).map(|&i| &self.mechanisms[i])
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.mechanisms.iter().map(|m| m.id.as_str())
    }

    /// Every synonym folded to Simplified, with the mechanism it signals, deduplicated.
    pub fn match_terms(&self) -> Vec<(String, usize)> {
        let mut terms: Vec<(String, usize)> = Vec::new();
        for (i, m) in self.mechanisms.iter().enumerate() {
            for s in std::iter::once(&m.name).chain(&m.synonyms.hans).chain(&m.synonyms.hant) {
                let key = fold(s);
                if !terms.iter().any(|(t, _)| *t == key) {
                    terms.push((key, i));
                }
            }
        }
        terms
    }
}

/// Checks one entry (entry `i`): its id (well-formed, not used before), its fields, its
/// synonyms (none another entry has). Records its id and synonyms.
fn check_entry(
    m: &Mechanism,
    i: usize,
    by_id: &mut HashMap<String, usize>,
    owner: &mut HashMap<String, String>,
) -> Result<(), String> {
    let valid_id = !m.id.is_empty()
        && m.id.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if !valid_id {
        return Err(format!("mechanism id `{}` must be lowercase ASCII words joined by `-`", m.id));
    }
    if by_id.insert(m.id.clone(), i).is_some() {
        return Err(format!("mechanism id `{}` is used twice", m.id));
    }
    let optional = [("description_en", &m.description_en), ("parent", &m.parent)];
    let given = optional.iter().filter_map(|(f, v)| v.as_ref().map(|v| (*f, v)));
    for (field, value) in [("name", &m.name), ("en", &m.en), ("description", &m.description)].into_iter().chain(given) {
        if value.trim().is_empty() {
            return Err(format!("mechanism `{}` has an empty `{field}`", m.id));
        }
    }
    if m.synonyms.hans.is_empty() {
        return Err(format!("mechanism `{}` needs at least one Simplified synonym", m.id));
    }
    for s in std::iter::once(&m.name).chain(&m.synonyms.hans).chain(&m.synonyms.hant) {
        let key = fold(s);
        if let Some(other) = owner.insert(key.clone(), m.id.clone()) {
            if other != m.id {
                return Err(format!("synonym `{s}` of `{}` is also a synonym of `{other}`", m.id));
            }
        }
    }
    Ok(())
}

/// Checks that every parent is an entry and that parents form no loop: the id of the entry at
/// fault and the message otherwise.
fn check_parents<'a>(mechanisms: &'a [Mechanism], by_id: &HashMap<String, usize>) -> Result<(), (&'a str, String)> {
    for m in mechanisms {
        let Some(parent) = &m.parent else { continue };
        if !by_id.contains_key(parent) {
            return Err((&m.id, format!("mechanism `{}` has parent `{parent}`, which is not in the vocabulary", m.id)));
        }
        // Walk up from `m`: coming back to it is a loop (a loop above it is reported for the
        // entries on that loop).
        let mut chain = vec![m.id.as_str()];
        let mut up = Some(parent.as_str());
        while let Some(p) = up {
            chain.push(p);
            if p == m.id {
                return Err((&m.id, format!("mechanism parents form a loop: {}", chain.join(" › "))));
            }
            if chain.len() > mechanisms.len() {
                break;
            }
            up = by_id.get(p).and_then(|&i| mechanisms[i].parent.as_deref());
        }
    }
    Ok(())
}

/// The line (1-based) of `key:` inside the entry `id` (block style), else the entry's own line.
fn key_line(text: &str, id: &str, key: &str) -> Option<usize> {
    let start = entry_line(text, id)?;
    let own = text.lines().enumerate().skip(start + 1).take_while(|(_, l)| !l.trim_start().starts_with("- "));
    own.map(|(i, l)| (i, l.trim_start()))
        .find(|(_, l)| l.starts_with(&format!("{key}:")))
        .map_or(Some(start + 1), |(i, _)| Some(i + 1))
}

/// serde_yaml_ng's message without its trailing " at line L column C" (the error has the line).
fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The 0-based line of the entry with this id: `- id: x` (block style) or `- {id: x, …}`.
fn entry_line(text: &str, id: &str) -> Option<usize> {
    text.lines().position(|l| {
        let l = l.trim_start().trim_start_matches("- ").trim_start_matches('{').trim();
        l.strip_prefix("id:").map(str::trim_start).and_then(|r| r.strip_prefix(id)).is_some_and(|r| {
            let r = r.trim_start();
            r.is_empty() || r.starts_with(',') || r.starts_with('}')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_error_gives_its_line_once() {
        let e = Vocabulary::parse("mechanisms:\n  - id: a\n    name: x\n", Path::new("m.yaml")).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(!e.message.contains("at line"), "{e}");
    }

    #[test]
    fn builtin_vocabulary_is_valid() {
        let v = Vocabulary::builtin();
        assert!(v.mechanisms.len() >= 12);
        let b = v.get("benchmarking").unwrap();
        assert_eq!(b.name, "对标找差");
        assert!(b.synonyms.hant.iter().any(|s| s == "對標找差"));
    }

    #[test]
    fn unknown_keys_and_duplicates_are_errors_with_lines() {
        let text = "mechanisms:\n  - id: a\n    name: 甲\n    en: A\n    description: d\n    synonyms: {hans: [甲乙]}\n    colour: red\n";
        let e = Vocabulary::parse(text, Path::new("m.yaml")).unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
        assert!(e.to_string().starts_with("m.yaml:"), "{e}");

        let dup = "mechanisms:\n  - {id: a, name: 甲, en: A, description: d, synonyms: {hans: [甲乙]}}\n  - {id: a, name: 乙, en: B, description: d, synonyms: {hans: [丙丁]}}\n";
        let e = Vocabulary::parse(dup, Path::new("m.yaml")).unwrap_err();
        assert!(e.message.contains("used twice"), "{e}");

        let shared = "mechanisms:\n  - {id: a, name: 甲, en: A, description: d, synonyms: {hans: [对标]}}\n  - {id: b, name: 乙, en: B, description: d, synonyms: {hant: [對標], hans: [丙]}}\n";
        let e = Vocabulary::parse(shared, Path::new("m.yaml")).unwrap_err();
        assert!(e.message.contains("also a synonym of `a`"), "{e}");
    }

    #[test]
    fn builtin_vocabulary_covers_the_field() {
        let v = Vocabulary::builtin();
        assert!(v.mechanisms.len() >= 40, "{}", v.mechanisms.len());
        for m in &v.mechanisms {
            assert!(
                m.description.chars().any(crate::fold::is_han),
                "{}: the description is shown on a Chinese site",
                m.id
            );
        }
        let river = v.ids().position(|id| id == "river-chief").unwrap();
        let chiefs = v.ids().position(|id| id == "chief-system").unwrap();
        assert_eq!(v.parent(river), Some(chiefs));
        let police = v.ids().position(|id| id == "river-police-chief").unwrap();
        assert_eq!(v.ancestors(police), [chiefs, river]);
        assert!(v.children(chiefs).contains(&river));
    }

    /// Each Traditional phrase is a correct form of a Simplified phrase of its own entry (the
    /// project's OpenCC fold takes it there), and each Simplified phrase that Taiwan-standard
    /// Traditional writes differently has its Traditional form.
    #[test]
    fn traditional_synonyms_match_the_simplified_ones() {
        use ferrous_opencc::{config::BuiltinConfig, OpenCC};
        let s2t = OpenCC::from_config(BuiltinConfig::S2tw).unwrap();
        let mut problems = Vec::new();
        for m in &Vocabulary::builtin().mechanisms {
            let hans: Vec<String> = m.synonyms.hans.iter().map(|s| fold(s)).collect();
            let hant: Vec<String> = m.synonyms.hant.iter().map(|s| fold(s)).collect();
            for (t, f) in m.synonyms.hant.iter().zip(&hant) {
                if !hans.contains(f) {
                    problems.push(format!("{}: hant `{t}` folds to `{f}`, which is not a hans synonym", m.id));
                }
            }
            for h in &m.synonyms.hans {
                if s2t.convert(h) != *h && !hant.contains(h) {
                    problems.push(format!("{}: hans `{h}` has no hant form (`{}`?)", m.id, s2t.convert(h)));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn parents_must_exist_and_not_loop() {
        let ok = "mechanisms:\n  - {id: a, name: 甲, en: A, description: d, synonyms: {hans: [甲乙]}}\n  - {id: b, name: 乙, en: B, parent: a, description: d, synonyms: {hans: [丙丁]}}\n";
        let v = Vocabulary::parse(ok, Path::new("m.yaml")).unwrap();
        assert_eq!((v.parent(1), v.parent(0), v.children(0)), (Some(0), None, vec![1]));

        let missing = "mechanisms:\n  - id: a\n    name: 甲\n    en: A\n    parent: zzz\n    description: d\n    synonyms: {hans: [甲乙]}\n";
        let e = Vocabulary::parse(missing, Path::new("m.yaml")).unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.to_string().starts_with("m.yaml:5: mechanism `a` has parent `zzz`, which is not"), "{e}");

        let own = "mechanisms:\n  - {id: a, name: 甲, en: A, parent: a, description: d, synonyms: {hans: [甲乙]}}\n";
        let e = Vocabulary::parse(own, Path::new("m.yaml")).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (Some(2), "mechanism parents form a loop: a › a"));

        let looped = "mechanisms:\n  - id: a\n    name: 甲\n    en: A\n    description: d\n    parent: c\n    synonyms: {hans: [甲乙]}\n  - {id: b, name: 乙, en: B, parent: a, description: d, synonyms: {hans: [丙丁]}}\n  - {id: c, name: 丙, en: C, parent: b, description: d, synonyms: {hans: [戊己]}}\n";
        let e = Vocabulary::parse(looped, Path::new("m.yaml")).unwrap_err();
        assert_eq!(e.to_string(), "m.yaml:6: mechanism parents form a loop: a › c › b › a");

        // A missing parent above a valid one is reported for the entry that names it.
        let above = "mechanisms:\n  - {id: a, name: 甲, en: A, parent: b, description: d, synonyms: {hans: [甲乙]}}\n  - {id: b, name: 乙, en: B, parent: zzz, description: d, synonyms: {hans: [丙丁]}}\n";
        let e = Vocabulary::parse(above, Path::new("m.yaml")).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("`b` has parent `zzz`"), "{e}");
    }

    #[test]
    fn a_name_may_not_be_another_entry_s_synonym() {
        let text = "mechanisms:\n  - {id: a, name: 河长制, en: A, description: d, synonyms: {hans: [河湖长制]}}\n  - {id: b, name: 乙, en: B, description: d, synonyms: {hans: [河长制]}}\n";
        let e = Vocabulary::parse(text, Path::new("m.yaml")).unwrap_err();
        assert!(e.message.contains("also a synonym of `a`"), "{e}");
        assert_eq!(e.line, Some(3), "{e}");
    }

    #[test]
    fn an_editor_can_add_a_mechanism() {
        let text = format!("{}\n  - id: winter-heating\n    name: 冬季供暖保障\n    en: Winter heating\n    parent: door-to-door-service\n    description: 入冬前逐户检修供暖设施。\n    synonyms:\n      hans: [供暖保障]\n", BUILTIN_YAML.trim_end());
        let v = Vocabulary::parse(&text, Path::new("m.yaml")).unwrap();
        let m = v.get("winter-heating").unwrap();
        assert_eq!(
            (m.name.as_str(), m.parent.as_deref(), m.description_en.as_deref()),
            ("冬季供暖保障", Some("door-to-door-service"), None)
        );
    }
}
