//! Output for `kbgen serve`: the site kept in a private folder beside the output folder
//! (`.site-serve-<pid>`, never the output folder itself), so a big site lives in the page
//! cache, not in the process. Only the paths of the files are kept in memory.
//!
//! A render's pages wait (in memory, or past [`SPILL`] bytes in the folder's `next/`) until
//! they are all drawn ([`Output::pages_drawn`]), so a render that fails while drawing pages
//! leaves the files as they were; what it puts after that is written in place. Files are
//! rewritten in place (no truncation to zero, no rename over them): on ext4 both of those start
//! a writeback of the file at once, which costs a rebuild ten times its time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::{copy_file, lock, place, BrokenLink, Files, Links, Output, Sink};

/// Bytes of pages a render keeps in memory while it draws; the rest wait in `next/`.
const SPILL: usize = 64 << 20;

/// The folders of the live private folders of this process: a signal that ends the process
/// removes them ([`remove_live_folders`]).
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The site in a private folder: `site/` holds the files, `next/` the pages of a render that
/// do not fit in memory while it draws. Removed when dropped.
pub struct Folder {
    dir: PathBuf,
    /// The files in `site/`.
    paths: Mutex<FxHashSet<String>>,
    /// Where files put now go.
    mode: Mode,
    /// This render's pages, while they wait in memory.
    waiting: Mutex<Vec<(String, Vec<u8>)>>,
    waiting_bytes: AtomicUsize,
    /// This render's pages waiting in `next/`.
    spilled: Mutex<Vec<String>>,
    /// Files of earlier renders given up (see [`Output::retain`]): removed from the disk at the
    /// end of the render unless it writes them again.
    dropped: Vec<String>,
    /// The links of the pages of the first render, recorded as they are put (as a build does),
    /// so its link check reads no page back.
    links: Option<Links>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Into `site/` at once: the first render (nothing to keep), or a render past its pages.
    Direct,
    /// Waiting until the pages are all drawn.
    Waiting,
}

impl Folder {
    /// Makes the private folder beside the output folder `out` (removing those of processes
    /// that ended without removing theirs).
    pub fn create(out: &Path) -> std::io::Result<Folder> {
        let dir = place::sibling(out, "serve");
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        place::clean_stale(out);
        if std::fs::symlink_metadata(&dir).is_ok() {
            place::remove_tree(&dir);
        }
        std::fs::create_dir(&dir)?;
        lock(&LIVE).push(dir.clone());
        std::fs::create_dir(dir.join("site"))?;
        Ok(Folder {
            dir,
            paths: Mutex::default(),
            mode: Mode::Direct,
            waiting: Mutex::default(),
            waiting_bytes: AtomicUsize::new(0),
            spilled: Mutex::default(),
            dropped: Vec::new(),
            links: None,
        })
    }

    /// The private folder; what besides the site a caller keeps there goes beside `site/`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Called before each render: its pages wait until they are all drawn (except in the
    /// first, which has nothing to keep).
    pub fn begin_render(&mut self) {
        let empty = lock(&self.paths).is_empty();
        self.mode = if empty { Mode::Direct } else { Mode::Waiting };
        self.links = empty.then(Links::default);
    }

    /// Called after each render, good or bad: settles what waits, removes what was given up.
    pub fn end_render(&mut self) {
        self.settle();
        self.links = None;
        let paths = lock(&self.paths);
        for p in std::mem::take(&mut self.dropped) {
            if !paths.contains(&p) {
                let _ = std::fs::remove_file(self.file(&p));
            }
        }
    }

    /// Whether the site has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        lock(&self.paths).contains(path)
    }

    /// The bytes of the file at `path`, if the site has one.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        if !self.contains(path) {
            return None;
        }
        std::fs::read(self.file(path)).ok()
    }

    /// The file at `path` opened for reading, if the site has one (serve sends large files
    /// from disk).
    pub fn open(&self, path: &str) -> Option<std::fs::File> {
        if !self.contains(path) {
            return None;
        }
        std::fs::File::open(self.file(path)).ok()
    }

    /// The paths of every file, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = lock(&self.paths).iter().cloned().collect();
        paths.sort_unstable();
        paths
    }

    /// Every file with its bytes, as read from the folder (tests compare them with a build's).
    pub fn files(&self) -> std::io::Result<Files> {
        self.paths().into_iter().map(|p| std::fs::read(self.file(&p)).map(|b| (p, b))).collect()
    }

    /// The path on disk of the site file `path`.
    fn file(&self, path: &str) -> PathBuf {
        self.dir.join("site").join(path)
    }

    fn next(&self, path: &str) -> PathBuf {
        self.dir.join("next").join(path)
    }

    /// Moves the pages that wait into `site/`; later files go there at once.
    fn settle(&mut self) {
        let waiting = std::mem::take(&mut *lock(&self.waiting));
        self.waiting_bytes.store(0, Ordering::Relaxed);
        let spilled = std::mem::take(&mut *lock(&self.spilled));
        let mut failed: Vec<String> = Vec::new();
        for (path, bytes) in &waiting {
            if write_in_place(&self.file(path), bytes).is_err() {
                failed.push(path.clone());
            }
        }
        for path in &spilled {
            let to = self.file(path);
            let moved = std::fs::rename(self.next(path), &to).or_else(|_| {
                std::fs::create_dir_all(to.parent().expect("a file has a folder"))?;
                std::fs::rename(self.next(path), &to)
            });
            if moved.is_err() {
                failed.push(path.clone());
            }
        }
        if !spilled.is_empty() {
            place::remove_tree(&self.dir.join("next"));
        }
        let mut paths = lock(&self.paths);
        paths.extend(waiting.into_iter().map(|(p, _)| p).chain(spilled));
        // A file that could not be written is no file of the site (the link check says so).
        for p in failed {
            paths.remove(&p);
        }
        drop(paths);
        self.mode = Mode::Direct;
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        place::remove_tree(&self.dir);
        lock(&LIVE).retain(|d| *d != self.dir);
    }
}

/// Removes every private folder of this process (on a signal that ends it).
pub fn remove_live_folders() {
    for dir in lock(&LIVE).iter() {
        place::remove_tree(dir);
    }
}

/// Writes `bytes` over the file at `path` in place (made, with its folders, if missing).
pub(crate) fn write_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let open = || std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path);
    let mut file = match open() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path.parent().expect("a file has a folder"))?;
            open()?
        }
        r => r?,
    };
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
}

impl Sink for Folder {
    fn expect(&self, pages: &[&str]) {
        if let Some(links) = &self.links {
            links.expect(pages);
        }
    }

    fn put(&self, path: String, bytes: Vec<u8>) -> std::io::Result<()> {
        if let Some(links) = &self.links {
            links.page(&path, &bytes);
        }
        if self.mode == Mode::Direct {
            write_in_place(&self.file(&path), &bytes)?;
            lock(&self.paths).insert(path);
        } else if self.waiting_bytes.fetch_add(bytes.len(), Ordering::Relaxed) + bytes.len() <= SPILL {
            lock(&self.waiting).push((path, bytes));
        } else {
            write_in_place(&self.next(&path), &bytes)?;
            lock(&self.spilled).push(path);
        }
        Ok(())
    }

    fn copy(&self, path: String, from: &Path) -> std::io::Result<()> {
        self.copy_in(path, from)
    }
}

impl Folder {
    /// [`Sink::copy`]: a new file (a response sending the old one from disk goes on reading
    /// it whole), copied by the system.
    fn copy_in(&self, path: String, from: &Path) -> std::io::Result<()> {
        if path.ends_with(".html") || self.mode == Mode::Waiting {
            // An HTML file's links are recorded; a page of a render still drawing waits. Neither
            // is a large file in practice.
            return self.put(path, std::fs::read(from).map_err(|e| super::cannot_read(from, e))?);
        }
        let to = self.file(&path);
        std::fs::create_dir_all(to.parent().expect("a file has a folder"))?;
        copy_file(from, &to)?;
        lock(&self.paths).insert(path);
        Ok(())
    }
}

impl Output for Folder {
    fn sink(&self) -> &dyn Sink {
        self
    }

    fn pages_drawn(&mut self) {
        self.settle();
    }

    fn remove(&mut self, path: &str) {
        self.settle();
        if lock(&self.paths).remove(path) {
            let _ = std::fs::remove_file(self.file(path));
        }
    }

    fn discard(&mut self) {
        lock(&self.waiting).clear();
        self.waiting_bytes.store(0, Ordering::Relaxed);
        if !std::mem::take(&mut *lock(&self.spilled)).is_empty() {
            place::remove_tree(&self.dir.join("next"));
        }
        if self.mode == Mode::Direct {
            // The first render: nothing of an earlier one to keep.
            lock(&self.paths).clear();
            place::remove_tree(&self.dir.join("site"));
            let _ = std::fs::create_dir(self.dir.join("site"));
        }
    }

    fn retain(&mut self, keep: &dyn Fn(&str) -> bool) {
        self.settle();
        let mut paths = lock(&self.paths);
        let gone: Vec<String> = paths.iter().filter(|p| !keep(p)).cloned().collect();
        for p in &gone {
            paths.remove(p);
        }
        drop(paths);
        self.dropped.extend(gone);
    }

    fn keeping(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn broken_links(&mut self, drawn: &[String], all: bool) -> Vec<BrokenLink> {
        self.settle();
        if let Some(links) = self.links.take() {
            let paths = lock(&self.paths);
            return links.broken(|t| paths.contains(t));
        }
        let pages: Vec<String> = if all {
            lock(&self.paths).iter().filter(|p| p.ends_with(".html")).cloned().collect()
        } else {
            drawn.iter().filter(|p| self.contains(p)).cloned().collect()
        };
        let links = Links::default();
        pages.par_iter().for_each(|p| {
            if let Ok(bytes) = std::fs::read(self.file(p)) {
                links.page(p, &bytes);
            }
        });
        let paths = lock(&self.paths);
        links.broken(|t| paths.contains(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, Folder) {
        let tmp = tempfile::tempdir().unwrap();
        let folder = Folder::create(&tmp.path().join("site")).unwrap();
        (tmp, folder)
    }

    #[test]
    fn pages_of_a_failed_render_leave_the_files_as_they_were() {
        let (_tmp, mut f) = folder();
        f.begin_render();
        f.put("index.html".into(), b"version one, the longer".to_vec()).unwrap();
        f.end_render();
        f.begin_render();
        f.put("index.html".into(), b"v2".to_vec()).unwrap();
        f.put("new.html".into(), b"new".to_vec()).unwrap();
        f.discard();
        f.end_render();
        assert_eq!(
            f.files().unwrap().into_iter().collect::<Vec<_>>(),
            [("index.html".into(), b"version one, the longer".to_vec())]
        );
        f.begin_render();
        f.put("index.html".into(), b"v2".to_vec()).unwrap();
        f.pages_drawn();
        f.end_render();
        assert_eq!(f.read("index.html").unwrap(), b"v2", "a shorter file is cut to its length");
    }

    #[test]
    fn pages_past_the_memory_limit_wait_on_disk() {
        let (_tmp, mut f) = folder();
        f.begin_render();
        f.put("a.html".into(), b"a".to_vec()).unwrap();
        f.end_render();
        f.begin_render();
        let big = vec![b'x'; SPILL / 2 + 1];
        for p in ["b/1.html", "b/2.html", "b/3.html"] {
            f.put(p.into(), big.clone()).unwrap();
        }
        assert!(!f.contains("b/1.html"), "nothing is there before the pages are drawn");
        assert_eq!(lock(&f.spilled).len(), 2);
        f.pages_drawn();
        f.end_render();
        assert_eq!(f.paths(), ["a.html", "b/1.html", "b/2.html", "b/3.html"]);
        assert!(f.files().unwrap().values().skip(1).all(|b| *b == big));
        assert!(!f.dir().join("next").exists());
    }

    #[test]
    fn files_given_up_go_unless_written_again() {
        let (_tmp, mut f) = folder();
        f.begin_render();
        for p in ["search/a.js", "search/b.js", "index.html"] {
            f.put(p.into(), b"1".to_vec()).unwrap();
        }
        f.end_render();
        f.begin_render();
        f.pages_drawn();
        f.retain(&|p| !p.starts_with("search/"));
        f.put("search/b.js".into(), b"2".to_vec()).unwrap();
        f.end_render();
        assert_eq!(f.paths(), ["index.html", "search/b.js"]);
        assert!(!f.dir().join("site/search/a.js").exists());
    }

    #[test]
    fn the_folder_goes_when_dropped() {
        let (tmp, f) = folder();
        let dir = f.dir().to_path_buf();
        assert!(dir.starts_with(tmp.path()) && dir.is_dir());
        drop(f);
        assert!(!dir.exists());
    }
}
