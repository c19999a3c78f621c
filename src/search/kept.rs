//! The postings of the index last written, kept on disk (by serve, in its private folder) to
//! patch them without keeping them in memory: one file per shard, a line per token (`token`,
//! a tab, its postings with their impacts, as [`Run::encode`](super::wire::Run) writes them).
//! Tokens hold neither tabs nor line breaks (`contract`), postings are base-64 digits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Per token, its postings string.
pub(super) type Shard = BTreeMap<String, String>;

/// The postings of the index last written: its counts in memory, its shards on disk.
pub(crate) struct Postings {
    pub(super) shards: u32,
    /// How many postings there are in all.
    pub(super) postings: usize,
    /// How many documents there are.
    pub(super) n: usize,
    /// The folder of the shard files.
    dir: PathBuf,
}

impl Postings {
    /// The postings [`save`]d in `dir`.
    pub(super) fn new(dir: &Path, shards: u32, postings: usize, n: usize) -> Postings {
        Postings { shards, postings, n, dir: dir.to_path_buf() }
    }

    /// The postings of shard `k`, by token.
    pub(super) fn read(&self, k: u32) -> std::io::Result<Shard> {
        let text = std::fs::read_to_string(self.dir.join(k.to_string()))?;
        Ok(text
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(token, postings)| (token.to_string(), postings.to_string()))
            .collect())
    }

    /// Keeps the postings of shard `k`.
    pub(super) fn write(&self, k: u32, shard: &Shard) -> std::io::Result<()> {
        save(&self.dir, k, shard)
    }
}

/// Makes the folder `dir` for the shards of a new index (what an earlier one left is written
/// over: every shard is saved, empty or not).
pub(super) fn prepare(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Saves the postings of shard `k` in `dir`.
pub(super) fn save(dir: &Path, k: u32, shard: &Shard) -> std::io::Result<()> {
    let mut text = String::with_capacity(shard.iter().map(|(t, p)| t.len() + p.len() + 2).sum());
    for (token, postings) in shard {
        text.push_str(token);
        text.push('\t');
        text.push_str(postings);
        text.push('\n');
    }
    crate::output::write_in_place(&dir.join(k.to_string()), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_reads_back_as_saved() {
        let tmp = tempfile::tempdir().unwrap();
        prepare(tmp.path()).unwrap();
        let shard: Shard = [("网格".to_string(), "A001V_300".to_string()), ("gdp".into(), "10".into())].into();
        save(tmp.path(), 3, &shard).unwrap();
        let kept = Postings::new(tmp.path(), 4, 3, 50);
        assert_eq!(kept.read(3).unwrap(), shard);
        let smaller: Shard = [("gdp".to_string(), "1".to_string())].into();
        kept.write(3, &smaller).unwrap();
        assert_eq!(kept.read(3).unwrap(), smaller, "a shorter shard leaves nothing of the longer one");
    }
}
