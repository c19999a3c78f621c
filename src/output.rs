//! Build stage 4: output. Files go into a temporary folder beside the output folder as they
//! are made ([`Staging`]), and the folder is swapped in only when everything is written and
//! every internal link resolves, so a failed build leaves the previous site untouched. A big
//! site never sits in memory whole: a page is written and dropped as soon as it is drawn.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, OnceLock};

use rayon::prelude::*;
use regex::bytes::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

mod place;

use place::remove_tree;
pub use place::MANIFEST;

use crate::config::Paths;
use crate::diag::Diagnostic;
use crate::render::Files;
pub use crate::routes::resolve;

/// Where rendering puts the files it makes, one by one, from any thread.
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> std::io::Result<()>;
    /// Told, before the pages are put, the paths of all pages that will be.
    fn expect(&self, _pages: &[&str]) {}
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

/// A sink that keeps the files in memory (`kbgen serve`, tests).
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
/// check`) and remembers what links point at, to check them once everything is written.
/// Dropped without [`Staging::commit`], it removes its folder.
pub struct Staging {
    out: PathBuf,
    tmp: Option<PathBuf>,
    dirs: Mutex<FxHashSet<String>>,
    written: Mutex<FxHashSet<String>>,
    /// The pages that will be put: a link to one of them needs no further check.
    pages: OnceLock<FxHashSet<String>>,
    /// Any other link target → the first page (in path order) linking there, and how.
    targets: Mutex<FxHashMap<String, (String, String)>>,
    /// Links that cannot resolve whatever is written (absolute, or climbing out of the site).
    bad: Mutex<Vec<BrokenLink>>,
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
            Some(tmp)
        } else {
            None
        };
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            dirs: Mutex::default(),
            written: Mutex::default(),
            pages: OnceLock::new(),
            targets: Mutex::default(),
            bad: Mutex::default(),
        })
    }

    /// How many HTML pages were put.
    pub fn pages(&self) -> usize {
        lock(&self.written).iter().filter(|p| p.ends_with(".html")).count()
    }

    /// Checks the links, then swaps the staged folder in for `out`.
    pub fn commit(mut self) -> Result<(), CommitError> {
        let written = std::mem::take(&mut *lock(&self.written));
        let mut broken = std::mem::take(&mut *lock(&self.bad));
        for (target, (page, href)) in std::mem::take(&mut *lock(&self.targets)) {
            if !written.contains(&target) {
                broken.push(BrokenLink { page, href });
            }
        }
        if !broken.is_empty() {
            broken.sort_by(|a, b| (&a.page, &a.href).cmp(&(&b.page, &b.href)));
            return Err(CommitError::Broken(broken));
        }
        let Some(tmp) = self.tmp.take() else { return Ok(()) };
        place::place(&tmp, &self.out, &written).map_err(CommitError::Io)
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
        let _ = self.pages.set(pages.iter().map(|p| p.to_string()).collect());
    }

    fn put(&self, path: String, bytes: Vec<u8>) -> std::io::Result<()> {
        if path.ends_with(".html") && path != NOT_FOUND {
            let pages = self.pages.get();
            let mut mine: BTreeMap<String, String> = BTreeMap::new();
            let mut bad = Vec::new();
            for (href, target) in links(&path, &bytes) {
                match target {
                    Some(t) if pages.is_some_and(|p| p.contains(&t)) => {}
                    Some(t) => {
                        mine.entry(t).or_insert(href);
                    }
                    None => bad.push(BrokenLink { page: path.clone(), href }),
                }
            }
            if !bad.is_empty() {
                lock(&self.bad).extend(bad);
            }
            let mut targets = lock(&self.targets);
            for (target, href) in mine {
                match targets.get_mut(&target) {
                    Some(first) if first.0 <= path => {}
                    Some(first) => *first = (path.clone(), href),
                    None => {
                        targets.insert(target, (path.clone(), href));
                    }
                }
            }
        }
        if let Some(tmp) = &self.tmp {
            if let Some((dir, _)) = path.rsplit_once('/') {
                if !lock(&self.dirs).contains(dir) {
                    std::fs::create_dir_all(tmp.join(dir))?;
                    lock(&self.dirs).insert(dir.to_string());
                }
            }
            std::fs::write(tmp.join(&path), &bytes)?;
        }
        lock(&self.written).insert(path);
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The not-found page is served at any depth: its links are absolute by design.
const NOT_FOUND: &str = crate::routes::NOT_FOUND;

/// A link that points at no file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: String,
    pub href: String,
}

/// Checks every `href`/`src` in every HTML file: relative ones must resolve to a file of the
/// site (this is what makes sub-path and `file://` deployment work).
pub fn check_links(files: &Files) -> Vec<BrokenLink> {
    let pages: Vec<&String> = files.keys().collect();
    check_links_of(files, &pages)
}

/// [`check_links`] for some pages of the site only.
pub fn check_links_of(files: &Files, pages: &[&String]) -> Vec<BrokenLink> {
    let pages: Vec<(&String, &Vec<u8>)> =
        pages.iter().filter(|p| p.ends_with(".html")).filter_map(|p| files.get_key_value(*p)).collect();
    pages.par_iter().flat_map_iter(|(page, bytes)| page_links(files, page, bytes)).collect()
}

fn page_links(files: &Files, page: &str, bytes: &[u8]) -> Vec<BrokenLink> {
    if page == NOT_FOUND {
        return Vec::new();
    }
    links(page, bytes)
        .filter(|(_, target)| target.as_ref().is_none_or(|t| !files.contains_key(t)))
        .map(|(href, _)| BrokenLink { page: page.to_string(), href })
        .collect()
}

/// The internal links of an HTML page: each `href`/`src` that is not external or a fragment,
/// with the file it points at (`None` when it is absolute or climbs out of the site).
fn links<'a>(page: &'a str, html: &'a [u8]) -> impl Iterator<Item = (String, Option<String>)> + 'a {
    // Attributes of elements only: text that shows markup (`&lt;a href="x"&gt;` in a code span)
    // has no `<` before it, so it is no link.
    static ATTR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"<[a-zA-Z][a-zA-Z0-9-]*[^<>]*?\s(?:href|src)="([^"]*)""#).expect("valid pattern")
    });
    ATTR.captures_iter(html).filter_map(move |c| {
        let href = String::from_utf8_lossy(c.get(1).map_or(&[][..], |m| m.as_bytes()));
        let href = if href.contains('&') { href.replace("&amp;", "&") } else { href.into_owned() };
        if href.is_empty() || href.starts_with('#') || href.contains(':') || href.starts_with("//") {
            return None;
        }
        if href.starts_with('/') {
            return Some((href, None));
        }
        let target = resolve(page, href.split(['#', '?']).next().unwrap_or(""));
        Some((href, target))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_links() {
        let mut files = Files::new();
        files.insert("index.html".into(), br#"<a href="a/index.html">a</a><a href="b/index.html">b</a><a href="https://x.org/">x</a><link href="/abs.css">"#.to_vec());
        files.insert("a/index.html".into(), br#"<a href="../index.html#top">up</a>"#.to_vec());
        let broken = check_links(&files);
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
