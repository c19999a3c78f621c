//! The mechanism vocabulary: a controlled, editable list (`data/mechanisms.yaml`) with a stable
//! id, Chinese name, English gloss, description and Simplified/Traditional synonyms per entry.
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
    pub description: String,
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
            serde_yaml_ng::from_str(text).map_err(|e| err(e.location().map(|l| l.line()), e.to_string()))?;
        let line_of = |id: &str| {
            text.lines()
                .position(|l| l.trim_start().trim_start_matches("- ").trim() == format!("id: {id}"))
                .map(|i| i + 1)
        };
        let mut by_id = HashMap::new();
        let mut owner: HashMap<String, String> = HashMap::new();
        for (i, m) in parsed.mechanisms.iter().enumerate() {
            let valid_id = !m.id.is_empty()
                && m.id
                    .split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            if !valid_id {
                return Err(err(
                    line_of(&m.id),
                    format!("mechanism id `{}` must be lowercase ASCII words joined by `-`", m.id),
                ));
            }
            if by_id.insert(m.id.clone(), i).is_some() {
                return Err(err(line_of(&m.id), format!("mechanism id `{}` is used twice", m.id)));
            }
            for (field, value) in [("name", &m.name), ("en", &m.en), ("description", &m.description)] {
                if value.trim().is_empty() {
                    return Err(err(line_of(&m.id), format!("mechanism `{}` has an empty `{field}`", m.id)));
                }
            }
            if m.synonyms.hans.is_empty() {
                return Err(err(line_of(&m.id), format!("mechanism `{}` needs at least one Simplified synonym", m.id)));
            }
            for s in m.synonyms.hans.iter().chain(&m.synonyms.hant) {
                let key = fold(s);
                if let Some(other) = owner.insert(key.clone(), m.id.clone()) {
                    if other != m.id {
                        return Err(err(
                            line_of(&m.id),
                            format!("synonym `{s}` of `{}` is also a synonym of `{other}`", m.id),
                        ));
                    }
                }
            }
        }
        Ok(Vocabulary { mechanisms: parsed.mechanisms, by_id })
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_editor_can_add_a_mechanism() {
        let text = format!("{}\n  - id: river-chief\n    name: 河长制\n    en: River chiefs\n    description: Officials are responsible for a river.\n    synonyms:\n      hans: [河长制]\n      hant: [河長制]\n", BUILTIN_YAML.trim_end());
        let v = Vocabulary::parse(&text, Path::new("m.yaml")).unwrap();
        assert_eq!(v.get("river-chief").unwrap().name, "河长制");
    }
}
