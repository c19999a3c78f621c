//! Import stage 6: pages on disk. File names are stable, ASCII and collision-free: the year,
//! a toneless pinyin slug of the headline (readable, but homophones like 山西/陕西 collide) and
//! eight hex digits of a hash of the Simplified headline, year and opening text (which keeps
//! homophones apart, and two stories that share a headline and year). Writes
//! are atomic, byte-identical for identical input, and never replace a page a person edited.

use std::path::{Path, PathBuf};

use crate::content::{page_state, read_provenance, sha256_hex, PageState};
use crate::fold::fold;

/// Syllables of the headline kept in a file name.
const SLUG_SYLLABLES: usize = 8;

/// Characters of the story's opening text that go into the name's hash.
const OPENING: usize = 120;

/// `2020-zu-zhi-li-ru-he-zhuan-hua-wei-3f2a1c0d`; `undated-…` when the year is unknown.
/// `body` is the Simplified fold of the story's text.
pub fn file_stem(title: &str, year: Option<i32>, body: &str) -> String {
    let folded = fold(title);
    let mut words = crate::slug::syllables(&folded);
    words.truncate(SLUG_SYLLABLES);
    let opening: String = body.chars().filter(|&c| crate::fold::is_han(c)).take(OPENING).collect();
    let year = year.map_or_else(|| "undated".to_string(), |y| y.to_string());
    let hash = sha256_hex(format!("{folded}|{year}|{opening}").as_bytes());
    let mut stem = year;
    for w in words {
        stem.push('-');
        stem.push_str(&w);
    }
    format!("{stem}-{}", &hash[..8])
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Not written, with the reason.
    Skipped(String),
    /// Written over a page that had been edited, because `--force` was given.
    Overwritten,
    /// Not written: the same story as another raw file's, whose page lists this file.
    Merged(PathBuf),
}

/// Writes `text` to `path` unless that would lose a person's edits or clobber the same story
/// imported from another raw file. `raw_file` is the raw article's name.
pub fn write_page(path: &Path, text: &str, raw_file: &str, force: bool) -> std::io::Result<Outcome> {
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let outcome = match &existing {
        None => Outcome::Created,
        Some(old) if old == text => return Ok(Outcome::Unchanged),
        Some(old) => {
            // A record that moved in its file (a feed exported again in another order: the same
            // file, the same URL) is the same source.
            let url = read_provenance(text).and_then(|p| p.url);
            let moved = |p: &crate::content::Provenance| super::records::same_file(&p.file, raw_file) && p.url == url;
            let other_source = read_provenance(old).filter(|p| p.file != raw_file && !moved(p)).map(|p| p.file);
            match (page_state(old), other_source) {
                _ if force => Outcome::Overwritten,
                (PageState::Edited, _) => {
                    return Ok(Outcome::Skipped("edited since import; --force overwrites it".into()))
                }
                (PageState::Pristine, Some(other)) => {
                    return Ok(Outcome::Skipped(format!("same story already imported from {other}")))
                }
                (PageState::Pristine, None) => Outcome::Updated,
            }
        }
    };
    atomic_write(path, text.as_bytes())?;
    Ok(outcome)
}

/// Writes through a temporary file in the same folder and renames it into place.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp: PathBuf = dir.join(format!(".{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("page")));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_ascii_readable_and_keep_homophones_apart() {
        let a = file_stem("山西推行网格化", Some(2023), "");
        let b = file_stem("陕西推行网格化", Some(2023), "");
        assert!(a.starts_with("2023-shan-xi-tui-xing-wang-ge-hua-"), "{a}");
        assert!(b.starts_with("2023-shan-xi-tui-xing-wang-ge-hua-"), "{b}");
        assert_ne!(a, b);
        assert!(a.is_ascii());
        let (one, two) =
            (file_stem("同题报道", Some(2023), "第一篇的正文"), file_stem("同题报道", Some(2023), "第二篇的正文"));
        assert_ne!(one, two, "two stories with one headline and year");
        assert!(file_stem("无年份", None, "").starts_with("undated-wu-nian-fen-"));
        assert!(file_stem("绿色发展", Some(2022), "").starts_with("2022-lv-se-fa-zhan-"));
        assert_eq!(
            file_stem("蘇州機制觀察", Some(2020), "苏州"),
            file_stem("苏州机制观察", Some(2020), "苏州"),
            "one story, either script"
        );
        assert_eq!(
            file_stem("APP时代的5G网格", Some(2021), "").split('-').take(4).collect::<Vec<_>>(),
            ["2021", "app", "shi", "dai"]
        );
    }
}
