//! What kbgen guarantees under hostile or clumsy use (issue 11): the output folder is owned, not
//! assumed; scraped content cannot run script; bad data cannot write outside the site.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, kbgen, repo, text};

/// A copy of the fixture site in a fresh temporary folder: (guard, project root).
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    (tmp, root)
}

/// Every entry under `dir` (relative paths, sorted), symlinks not followed.
fn tree(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_division_code_cannot_name_a_path() {
    let (tmp, root) = project();
    std::fs::create_dir_all(root.join("data")).unwrap();
    let tsv = format!("{}../../../outside\tcounty\t外域县\t110000\n", kbgen::gazetteer::BUILTIN_TSV);
    std::fs::write(root.join("data/regions.tsv"), &tsv).unwrap();
    std::fs::write(
        root.join("content/practices/2020-wai-yu.md"),
        "---\ntitle: 外域\nyear: 2020\nregion: [北京市/外域县]\n---\n\n正文。\n",
    )
    .unwrap();
    let o = kbgen(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    let line = tsv.lines().count();
    assert!(
        stderr.contains(&format!(
            "data/regions.tsv:{line}:1: division code `../../../outside` must be 6, 9 or 12 ASCII digits"
        )),
        "{stderr}"
    );
    assert_eq!(tree(tmp.path()).iter().filter(|p| !p.starts_with("project")).count(), 0, "{:?}", tree(tmp.path()));
    assert!(!root.join("site").exists());
}
