//! Build stage 5: output. Where a render puts the site ([`Output`]): for `build` and `check`,
//! a temporary folder beside the output folder, written as files are made ([`Staging`]) and
//! swapped in only when everything is written and every internal link resolves, so a failed
//! build leaves the previous site untouched and a big site never sits in memory whole; for
//! `serve`, a private folder beside the output folder, kept up to date file by file
//! ([`Folder`]); for tests, memory ([`InMemory`]). All check links by the one rule of [`Links`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

mod extras;
mod folder;
mod links;
mod place;

pub(crate) use folder::write_in_place;
pub use folder::{remove_live_folders, Folder};
pub use links::{BrokenLink, Links};
pub(crate) use place::is_sibling_name;
use place::remove_tree;
pub use place::MANIFEST;

use crate::config::Paths;
use crate::diag::Diagnostic;
pub use crate::routes::resolve;
pub(crate) use extras::{hash_of, Extras, FORGOTTEN};

/// Files of the site: path inside the output folder → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Where rendering puts the files it makes, one by one, from any thread.
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> std::io::Result<()>;
    /// Puts a copy of the file at `from` (a static file of the project, which may be hundreds
    /// of megabytes): a sink that writes files copies it on disk, never holding it in memory.
    fn copy(&self, path: String, from: &Path) -> std::io::Result<()> {
        self.put(path, std::fs::read(from).map_err(|e| cannot_read(from, e))?)
    }
    /// Told, before the pages are put, the paths of all pages that will be.
    fn expect(&self, _pages: &[&str]) {}
}

/// Where a render puts the site: a staged folder (`build`, `check`) or memory (`serve`).
pub trait Output {
    /// Where files go as they are made, from any thread.
    fn sink(&self) -> &dyn Sink;
    /// Removes a file an earlier render put (only an output that outlives a render has any).
    fn remove(&mut self, _path: &str) {}
    /// Drops what this render put so far.
    fn discard(&mut self) {}
    /// Told that this render's pages are all drawn: what it put so far stays, whatever happens
    /// next.
    fn pages_drawn(&mut self) {}
    /// Removes the files of earlier renders that `keep` refuses (the search index, before it
    /// is written whole).
    fn retain(&mut self, _keep: &dyn Fn(&str) -> bool) {}
    /// A private folder where a render keeps what the next one reads (the search postings),
    /// when the output outlives renders (serve).
    fn keeping(&self) -> Option<&Path> {
        None
    }
    /// The links that point at no file of the site: of the pages `drawn` by the last render,
    /// or of every page (`all`, when the set of pages changed).
    fn broken_links(&mut self, drawn: &[String], all: bool) -> Vec<BrokenLink>;
}

/// The output folder of the project at `root`, checked: refused (an error naming kbgen.toml and
/// the key) when it is the project folder, contains it, or is, contains or lies inside an input
/// folder (content, templates, static, data), or exists and is not a folder. Paths are compared
/// resolved: what exists through its real path (symlinks followed), the rest lexically.
pub fn output_folder(root: &Path, paths: &Paths) -> Result<PathBuf, Diagnostic> {
    let config = root.join(crate::config::FILE_NAME);
    let out = root.join(&paths.output);
    let refuse = |why: String| {
        let message = format!(
            "`[paths] output` = {:?} {why}; a build replaces its output folder, so it must be a folder of its own, such as \"site\"",
            paths.output.display().to_string()
        );
        let d = Diagnostic::new(&config, message);
        match std::fs::read_to_string(&config) {
            Ok(text) => d.at_text(&text, 1, "output"),
            Err(_) => d,
        }
    };
    let real_out = resolved(&out);
    let real_root = resolved(root);
    if real_out == real_root {
        return Err(refuse("is the project folder".into()));
    }
    if real_root.starts_with(&real_out) {
        return Err(refuse("contains the project folder".into()));
    }
    for (key, input) in [
        ("content", &paths.content),
        ("templates", &paths.templates),
        ("static", &paths.static_dir),
        ("data", &paths.data),
    ] {
        let real_input = resolved(&root.join(input));
        let what = format!("the {key} folder (`[paths] {key}` = {:?})", input.display().to_string());
        if real_out == real_input {
            return Err(refuse(format!("is {what}")));
        }
        if real_out.starts_with(&real_input) {
            return Err(refuse(format!("is inside {what}")));
        }
        if real_input.starts_with(&real_out) {
            return Err(refuse(format!("contains {what}")));
        }
    }
    if std::fs::symlink_metadata(&out).is_ok() && !out.is_dir() {
        return Err(refuse("exists and is not a folder".into()));
    }
    Ok(out)
}

/// `path` made absolute with every existing part replaced by its real path (symlinks followed,
/// as the system follows them) and `.`/`..` of the parts that do not exist applied lexically.
fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => out.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = std::fs::canonicalize(&out) {
                    out = real;
                }
            }
        }
    }
    out
}

/// A sink that keeps the files in memory, in the order they were put.
#[derive(Default)]
pub struct Collect(Mutex<Vec<(String, Vec<u8>)>>);

impl Collect {
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collect {
    fn put(&self, path: String, bytes: Vec<u8>) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push((path, bytes));
        Ok(())
    }
}

/// A sink that writes each file into a private folder beside `out` (or nowhere, for `kbgen
/// check`) and records the links of each page, to check them once everything is written.
/// Dropped without [`Staging::commit`], it removes its folder.
pub struct Staging {
    out: PathBuf,
    tmp: Option<PathBuf>,
    dirs: Mutex<FxHashSet<String>>,
    written: Mutex<FxHashSet<String>>,
    links: Links,
}

/// Why a staged site was not swapped in.
pub enum CommitError {
    Io(std::io::Error),
    Broken(Vec<BrokenLink>),
}

impl Staging {
    /// Stages a site for `out`; `write: false` only checks (nothing touches the disk).
    pub fn new(out: &Path, write: bool) -> std::io::Result<Staging> {
        let tmp = if write {
            let tmp = place::sibling(out, "new");
            if let Some(parent) = tmp.parent() {
                std::fs::create_dir_all(parent)?;
            }
            place::clean_stale(out);
            if std::fs::symlink_metadata(&tmp).is_ok() {
                remove_tree(&tmp);
            }
            std::fs::create_dir(&tmp)?;
            // Made with the output folder's owner, group and mode (setgid too) from the start,
            // so what is made in it takes the group it would take in the output folder; what
            // cannot be given now is tried again, exactly, before the swap (see `place`).
            if let Some(old) = std::fs::symlink_metadata(out).ok().filter(|m| m.is_dir()) {
                let _ = place::take_on(&tmp, out, &old, false);
            }
            Some(tmp)
        } else {
            None
        };
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            dirs: Mutex::default(),
            written: Mutex::default(),
            links: Links::default(),
        })
    }

    /// Makes the folder of the staged file `path`, once.
    fn make_folder(&self, path: &str) -> std::io::Result<()> {
        if let (Some(tmp), Some((dir, _))) = (&self.tmp, path.rsplit_once('/')) {
            if !lock(&self.dirs).contains(dir) {
                std::fs::create_dir_all(tmp.join(dir))?;
                lock(&self.dirs).insert(dir.to_string());
            }
        }
        Ok(())
    }

    /// How many HTML pages were put.
    pub fn pages(&self) -> usize {
        lock(&self.written).iter().filter(|p| p.ends_with(".html")).count()
    }

    /// The links of the pages put so far that point at no file put so far.
    pub fn broken_links(&self) -> Vec<BrokenLink> {
        let written = lock(&self.written);
        self.links.broken(|t| written.contains(t))
    }

    /// Checks the links, then swaps the staged folder in for `out`.
    pub fn commit(self) -> Result<(), CommitError> {
        let broken = self.broken_links();
        if !broken.is_empty() {
            return Err(CommitError::Broken(broken));
        }
        self.place().map_err(CommitError::Io)
    }

    /// Swaps the staged folder in for `out` (the links are checked already).
    pub fn place(mut self) -> std::io::Result<()> {
        let written = std::mem::take(&mut *lock(&self.written));
        let Some(tmp) = self.tmp.take() else { return Ok(()) };
        place::place(&tmp, &self.out, &written)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            remove_tree(tmp);
        }
    }
}

impl Sink for Staging {
    fn expect(&self, pages: &[&str]) {
        self.links.expect(pages);
    }

    fn put(&self, path: String, bytes: Vec<u8>) -> std::io::Result<()> {
        self.links.page(&path, &bytes);
        if let Some(tmp) = &self.tmp {
            self.make_folder(&path)?;
            std::fs::write(tmp.join(&path), &bytes)?;
        }
        lock(&self.written).insert(path);
        Ok(())
    }

    fn copy(&self, path: String, from: &Path) -> std::io::Result<()> {
        if path.ends_with(".html") {
            // Its links are checked.
            return self.put(path, std::fs::read(from).map_err(|e| cannot_read(from, e))?);
        }
        if let Some(tmp) = &self.tmp {
            self.make_folder(&path)?;
            copy_file(from, &tmp.join(&path))?;
        }
        lock(&self.written).insert(path);
        Ok(())
    }
}

impl Output for Staging {
    fn sink(&self) -> &dyn Sink {
        self
    }

    fn broken_links(&mut self, _drawn: &[String], _all: bool) -> Vec<BrokenLink> {
        Staging::broken_links(self)
    }
}

/// The site kept in memory (`build::render_project`, tests; serve keeps its site in a
/// [`Folder`]). Files put by a render wait beside the files of earlier renders until the render
/// asks for those (or ends), so a render that fails while drawing pages leaves them as they were.
#[derive(Default)]
pub struct InMemory {
    files: Files,
    pending: Collect,
}

impl InMemory {
    pub fn new(files: Files) -> InMemory {
        InMemory { files, pending: Collect::default() }
    }

    pub fn into_files(mut self) -> Files {
        self.settle();
        self.files
    }

    fn settle(&mut self) -> &mut Files {
        self.files.extend(std::mem::take(&mut self.pending).into_files());
        &mut self.files
    }
}

impl Output for InMemory {
    fn sink(&self) -> &dyn Sink {
        &self.pending
    }

    fn discard(&mut self) {
        self.pending = Collect::default();
    }

    fn remove(&mut self, path: &str) {
        self.settle().remove(path);
    }

    fn pages_drawn(&mut self) {
        self.settle();
    }

    fn retain(&mut self, keep: &dyn Fn(&str) -> bool) {
        self.settle().retain(|p, _| keep(p));
    }

    fn broken_links(&mut self, drawn: &[String], all: bool) -> Vec<BrokenLink> {
        let files = self.settle();
        let links = Links::default();
        let pages: Vec<(&String, &Vec<u8>)> =
            if all { files.iter().collect() } else { drawn.iter().filter_map(|p| files.get_key_value(p)).collect() };
        pages.par_iter().for_each(|(path, bytes)| links.page(path, bytes));
        links.broken(|t| files.contains_key(t))
    }
}

/// An error reading the file a copy is made from, naming it.
fn cannot_read(from: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("cannot read {}: {e}", from.display()))
}

/// Copies the file at `from` into a new file at `to` (its folder exists; a file there is
/// replaced by a new one, so whoever has the old one open keeps reading it whole) in the
/// kernel (`copy_file_range` on Linux), with the permissions a written file gets.
fn copy_file(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from).map_err(|e| cannot_read(from, e))?;
    match std::fs::remove_file(to) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut copy = std::fs::File::create_new(to)?;
    std::io::copy(&mut source, &mut copy)?;
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_links() {
        let mut files = Files::new();
        files.insert("index.html".into(), br#"<a href="a/index.html">a</a><a href="b/index.html">b</a><a href="https://x.org/">x</a><link href="/abs.css">"#.to_vec());
        files.insert("a/index.html".into(), br#"<a href="../index.html#top">up</a>"#.to_vec());
        let broken = InMemory::new(files).broken_links(&[], true);
        assert_eq!(broken.iter().map(|b| b.href.as_str()).collect::<Vec<_>>(), ["b/index.html", "/abs.css"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let write = |files: &[(&str, &[u8])]| -> std::io::Result<()> {
            let staging = Staging::new(&out, true)?;
            for (path, bytes) in files {
                staging.put(path.to_string(), bytes.to_vec())?;
            }
            staging.commit().map_err(|e| match e {
                CommitError::Io(e) => e,
                CommitError::Broken(b) => panic!("no links here: {b:?}"),
            })
        };
        write(&[("index.html", b"v1")]).unwrap();
        let bad: &[(&str, &[u8])] =
            &[("index.html", b"v2"), ("index.html/oops", b"cannot be both a file and a folder")];
        assert!(write(bad).is_err());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"v1");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, ["site"]);
    }
}
