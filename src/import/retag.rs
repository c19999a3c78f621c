//! `kbgen retag`: a changed vocabulary (`data/mechanisms.yaml`) or gazetteer applied to the
//! pages import wrote, without losing what people wrote. For each page in
//! `content/practices/`, the fields import derives from the text ([`TAGGED`]: region,
//! mechanism, practice, keywords) are computed again from the page's title, source and body;
//! a field changes only when a person has not touched it: the page is as imported
//! (`page_sha256` holds), or the field's value still has the hash import recorded for it
//! (`import.tagged`). Only the lines of the changed keys (and their hashes) are rewritten:
//! the body's bytes, every other key, their order and comments stay as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Importer;
use crate::content::edit::{self, key_lines};
use crate::content::{
    page_state, review_field, seal, split_front_matter, tagged_value, value_hash, FrontMatter, PageState, TAGGED,
};

/// One field whose value the vocabulary now gives differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: &'static str,
    pub old: Vec<String>,
    pub new: Vec<String>,
}

/// What retag did (or, with `--dry-run`, would do) to one page.
#[derive(Debug, Default)]
pub struct PageRetag {
    /// Fields recomputed to a new value.
    pub changed: Vec<Change>,
    /// Fields the vocabulary gives differently but that were kept, with the reason.
    pub kept: Vec<(Change, &'static str)>,
    /// Not a page import wrote (no `import:` block): left alone.
    pub not_imported: bool,
}

/// Every page file directly in `dir`, sorted, with what retag did to it or why it could not
/// read it. With `dry_run`, nothing is written.
pub fn retag(importer: &Importer, dir: &Path, dry_run: bool) -> Vec<(PathBuf, Result<PageRetag, String>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| crate::site::is_page_name(p)).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let r = retag_page(importer, &path, dry_run);
            (path, r)
        })
        .collect()
}

fn retag_page(importer: &Importer, path: &Path, dry_run: bool) -> Result<PageRetag, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let (yaml, body) = split_front_matter(&text).ok_or("no front matter (--- lines)")?;
    let front: FrontMatter = serde_yaml_ng::from_str(yaml)
        .map_err(|e| format!("front matter does not parse ({e}): kbgen check says where"))?;
    let Some(import) = &front.import else {
        return Ok(PageRetag { not_imported: true, ..PageRetag::default() });
    };
    let pristine = page_state(&text) == PageState::Pristine;
    // Pages imported before import recorded its tags have no record: as imported, all their
    // fields are import's; edited, none can be told from a person's.
    let recorded = !import.tagged.is_empty();
    let (fresh, unsure) = importer.tags_and_mechanism_mark(&front, body);
    let mut out = PageRetag::default();
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let mut hashes: BTreeMap<String, String> = import.tagged.clone();
    for (field, new) in TAGGED.iter().zip(fresh) {
        let old = tagged_value(&front, field);
        if old == new.as_slice() {
            if !recorded && pristine {
                hashes.insert(field.to_string(), value_hash(old));
            }
            continue;
        }
        let change = Change { field, old: old.to_vec(), new };
        let why = match import.tagged.get(*field) {
            Some(h) if *h != value_hash(old) => Some("edited by a person"),
            Some(_) => None,
            None if recorded => Some("import found it beside the text, not in it"),
            None if !pristine => Some("the page was edited, and import recorded no tags then"),
            None if change.new.is_empty() => Some("the text names none: import found it beside the text"),
            None => None,
        };
        if let Some(why) = why {
            out.kept.push((change, why));
        } else if let Err(why) = replace_key(&mut lines, field, &change.new) {
            out.kept.push((change, why));
        } else {
            hashes.insert(field.to_string(), value_hash(&change.new));
            out.changed.push(change);
        }
    }
    if out.changed.is_empty() || dry_run {
        return Ok(out);
    }
    // New mechanisms keep import's review mark in step: marked where import would mark them.
    if out.changed.iter().any(|c| c.field == "mechanism") {
        let marked = import.review.iter().any(|r| review_field(r) == "mechanism");
        if unsure != marked {
            let mut review: Vec<String> =
                import.review.iter().filter(|r| review_field(r) != "mechanism").cloned().collect();
            if unsure {
                review.push("mechanism".to_string());
            }
            edit::set_review(&mut lines, &review).map_err(|e| format!("cannot mark the mechanism: {e}"))?;
        }
    }
    write_hashes(&mut lines, &hashes);
    let new_text: String = lines.concat();
    // A page as imported stays so: a later import may still update it.
    let new_text = if pristine { seal(&new_text) } else { new_text };
    debug_assert_eq!(split_front_matter(&new_text).map(|(_, b)| b), Some(body));
    super::write::atomic_write(path, new_text.as_bytes()).map_err(|e| format!("cannot write: {e}"))?;
    Ok(out)
}

/// Replaces the lines of `key` with `value` as import writes it (`practice` goes when empty,
/// as import leaves it out), or adds them where import puts the key (see `edit::replace_key`).
fn replace_key(lines: &mut Vec<String>, key: &str, value: &[String]) -> Result<(), &'static str> {
    let mut map = BTreeMap::new();
    map.insert(key, value);
    let rendered = if key == "practice" && value.is_empty() {
        String::new()
    } else {
        serde_yaml_ng::to_string(&map).expect("a list of strings serialises")
    };
    edit::replace_key(lines, key, &rendered)
}

/// Writes `hashes` as the `import.tagged` block: its lines replaced, or added before
/// `page_sha256` (where import writes it).
fn write_hashes(lines: &mut Vec<String>, hashes: &BTreeMap<String, String>) {
    let Some(import) = key_lines(lines, "import") else { return };
    let mut block = vec!["  tagged:\n".to_string()];
    for (k, v) in hashes {
        let v = serde_yaml_ng::to_string(v).expect("a string serialises");
        block.push(format!("    {k}: {}", v));
    }
    let tagged = import.clone().find(|&i| lines[i].starts_with("  tagged:"));
    match tagged {
        Some(start) => {
            let end = (start + 1..import.end).find(|&i| !lines[i].starts_with("    ")).unwrap_or(import.end);
            lines.splice(start..end, block);
        }
        None => {
            let at = import.clone().find(|&i| lines[i].starts_with("  page_sha256:")).unwrap_or(import.end);
            lines.splice(at..at, block);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &str) -> Vec<String> {
        t.split_inclusive('\n').map(str::to_string).collect()
    }

    #[test]
    fn hashes_go_before_page_sha256_or_replace_the_old_ones() {
        let mut h = BTreeMap::new();
        h.insert("mechanism".to_string(), "1234567890123456".to_string());
        h.insert("region".to_string(), "abcdef0123456789".to_string());
        let mut l = lines("---\nimport:\n  file: a\n  page_sha256: 0\n---\n");
        write_hashes(&mut l, &h);
        let once = l.concat();
        assert_eq!(
            once,
            "---\nimport:\n  file: a\n  tagged:\n    mechanism: '1234567890123456'\n    region: abcdef0123456789\n  page_sha256: 0\n---\n"
        );
        write_hashes(&mut l, &h);
        assert_eq!(l.concat(), once);
    }
}
