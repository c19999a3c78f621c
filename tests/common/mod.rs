//! Test harness: runs the real `kbgen` binary and reads the pages it writes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kbgen::content::{split_front_matter, FrontMatter};

pub mod site_test;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kbgen ARGS` in `cwd`.
pub fn kbgen(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kbgen")).current_dir(cwd).args(args).output().expect("kbgen runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[derive(Debug, Clone)]
pub struct Page {
    pub path: PathBuf,
    pub raw: String,
    pub front: FrontMatter,
    pub body: String,
}

/// Every page under `dir/practices`, sorted by (raw file, story number).
pub fn pages(dir: &Path) -> Vec<Page> {
    let mut out: Vec<Page> = std::fs::read_dir(dir.join("practices"))
        .expect("practices folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|path| {
            let raw = std::fs::read_to_string(&path).unwrap();
            let (yaml, body) = split_front_matter(&raw).expect("front matter");
            let front: FrontMatter =
                serde_yaml_ng::from_str(yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let body = body.to_string();
            Page { path, raw, front, body }
        })
        .collect();
    out.sort_by_key(|p| {
        let i = p.front.import.as_ref().unwrap();
        (i.file.clone(), i.story)
    });
    out
}

/// A copy of `src` in a fresh temporary folder.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}
