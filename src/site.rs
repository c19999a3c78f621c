//! Build stage 1: load and validate. Reads `kbgen.toml`, the vocabulary, the gazetteer and every
//! page under `content/practices/`, and gives the site model the renderer reads. Every problem
//! in every file is collected as a `Diagnostic`; nothing is rendered from a site with errors.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::gazetteer::Gazetteer;
use crate::practice::load_practice;
pub use crate::practice::Practice;
use crate::taxonomy::Taxonomies;
use crate::theme::Theme;
use crate::vocab::Vocabulary;

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub vocab: Vocabulary,
    pub gazetteer: &'static Gazetteer,
    /// Newest first (date, then year), ties by slug.
    pub practices: Vec<Practice>,
    pub taxonomies: Taxonomies,
    /// Per practice, the related practices, best first.
    pub related: Vec<Vec<usize>>,
    /// The templates and static files.
    pub theme: Theme,
    /// What `build` and `check` warn of: links not followed out of the project, control
    /// characters in pages, a loopback `base_url`.
    pub warnings: Vec<Diagnostic>,
}

/// What kind of entry a page file (or a data file, a template, a static file) is, for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file, or a link to one inside the project: read it.
    File,
    /// Not a regular file (a folder, a FIFO, a device, a dangling link): not a page.
    Other,
    /// A symbolic link whose target lies outside the project: never read, never quoted (a
    /// link to `/proc/self/environ` or `~/.netrc` would print its lines in errors).
    Outside,
}

/// What `root.join(rel)` is. Like Hugo, kbgen does not follow a link out of the project: a
/// link is read only when its target (all links resolved) lies inside the project folder (or
/// inside `within`, the folder it was found in, resolved: a content folder that is itself a
/// link elsewhere keeps working).
pub fn entry(root: &Path, rel: &Path, within: &Path) -> Entry {
    let path = root.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else { return Entry::Other };
    if !meta.file_type().is_symlink() {
        return if meta.is_file() { Entry::File } else { Entry::Other };
    }
    let Ok(target) = std::fs::canonicalize(&path) else { return Entry::Other };
    let inside = |dir: &Path| std::fs::canonicalize(dir).is_ok_and(|d| target.starts_with(d));
    if !inside(root) && !inside(&root.join(within)) {
        return Entry::Outside;
    }
    if std::fs::metadata(&target).is_ok_and(|m| m.is_file()) {
        Entry::File
    } else {
        Entry::Other
    }
}

/// The warning for a link not followed out of the project (its target is not named either).
pub fn outside_warning(rel: &Path) -> Diagnostic {
    Diagnostic::new(rel, "skipped: a symbolic link that leads out of the project (kbgen follows no link out of it)")
}

/// The folder of practice pages inside the content folder.
pub const PRACTICES: &str = "practices";

/// A practice page's file name: `*.md`, in any letter case.
pub fn is_page_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Loads the project at `root`: every error in every file, or the model. The practices keep
/// no body (a build reads each again when it needs it, see `Practice::body`).
pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let mut config = Config::load(root).map_err(|d| vec![d])?;
    for name in ["mechanisms.yaml", "regions.tsv"] {
        let rel = config.paths.data.join(name);
        if entry(root, &rel, &config.paths.data) == Entry::Outside {
            return Err(vec![Diagnostic::new(
                &rel,
                "a symbolic link to a file outside the project: kbgen follows no link out of the project (copy the file in)",
            )]);
        }
    }
    let data = root.join(&config.paths.data);
    let vocab = Vocabulary::load_or_builtin(&data.join("mechanisms.yaml")).map_err(|e| {
        let mut d = Diagnostic::new(&e.file, e.message.clone());
        d.line = e.line;
        vec![d]
    })?;
    let gazetteer = Gazetteer::load_or_builtin(&data.join("regions.tsv")).map_err(|d| vec![d])?;
    let mut warnings = std::mem::take(&mut config.warnings);
    let dir = config.paths.content.join(PRACTICES);
    let mut names: Vec<PathBuf> = match std::fs::read_dir(root.join(&dir)) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| dir.join(e.file_name())).filter(|p| is_page_name(p)).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(vec![Diagnostic::new(&dir, format!("cannot read the content folder: {e}"))]),
    };
    names.sort();
    let mut files = Vec::new();
    for rel in names {
        match entry(root, &rel, &dir) {
            Entry::File => files.push(rel),
            Entry::Outside => warnings.push(outside_warning(&rel)),
            Entry::Other => {}
        }
    }
    same_stems(&files)?;
    // Pages in subfolders are not read: say so instead of leaving them out quietly.
    let nested: Vec<Diagnostic> = walkdir::WalkDir::new(root.join(&dir))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_page_name(e.path()))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
            Diagnostic::new(
                &rel,
                format!("a page in a subfolder is not read: move it to {} (pages sit directly in it)", dir.display()),
            )
        })
        .collect();
    if !nested.is_empty() {
        return Err(nested);
    }
    let results: Vec<Result<Practice, Vec<Diagnostic>>> = crate::timing::phase("load", || {
        files.par_iter().map(|rel| load_practice(root, rel, &vocab, gazetteer, false)).collect()
    });
    let mut practices = Vec::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(mut p) => {
                warnings.append(&mut p.warnings);
                practices.push(p)
            }
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    practices.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then_with(|| a.slug.cmp(&b.slug)));
    let taxonomies = crate::timing::phase("taxonomies", || Taxonomies::build(&practices, gazetteer, &vocab));
    let related = crate::timing::phase("related", || crate::related::related(&practices, gazetteer, 5));
    let mut theme = Theme::load(root, &config.paths).map_err(|d| vec![d])?;
    warnings.append(&mut theme.warnings);
    Ok(Site { root: root.to_path_buf(), config, vocab, gazetteer, practices, taxonomies, related, theme, warnings })
}

/// Page files whose names differ only in the letter case of `.md` would share one URL (and
/// one id in the dataset): an error naming each of them.
fn same_stems(files: &[PathBuf]) -> Result<(), Vec<Diagnostic>> {
    let mut by_stem: std::collections::BTreeMap<&std::ffi::OsStr, Vec<&PathBuf>> = Default::default();
    for f in files {
        by_stem.entry(f.file_stem().unwrap_or_default()).or_default().push(f);
    }
    let diags: Vec<Diagnostic> = by_stem
        .into_iter()
        .filter(|(_, fs)| fs.len() > 1)
        .map(|(stem, fs)| {
            let names: Vec<String> =
                fs.iter().map(|f| f.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
            Diagnostic::new(
                fs[1],
                format!(
                    "two page files have the stem `{}`: {} (they would share one URL and one id); rename or remove all but one",
                    stem.to_string_lossy(),
                    names.join(", ")
                ),
            )
        })
        .collect();
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

/// Another page file with the stem of `rel` (`same.MD` beside `same.md`), by name: its four
/// spellings of `.md` are looked for, and one that is the same file (a case-insensitive file
/// system) does not count.
#[cfg(unix)]
fn twin(root: &Path, rel: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata(root.join(rel)).ok()?;
    let stem = rel.file_stem()?.to_string_lossy().into_owned();
    let own = rel.file_name()?.to_string_lossy().into_owned();
    ["md", "mD", "Md", "MD"].into_iter().map(|e| format!("{stem}.{e}")).filter(|n| *n != own).find(|n| {
        std::fs::metadata(root.join(rel.with_file_name(n))).is_ok_and(|m| (m.dev(), m.ino()) != (me.dev(), me.ino()))
    })
}

#[cfg(not(unix))]
fn twin(_: &Path, _: &Path) -> Option<String> {
    None
}

/// What [`apply`] changed: whether document ids (site order) survived, and the practices it
/// replaced in place, with their previous version.
pub struct Applied {
    pub same_order: bool,
    pub replaced: Vec<(usize, Practice)>,
}

/// Applies changed page files (paths relative to the root; a missing file is a deletion) to a
/// loaded site. Every changed file is parsed before anything changes: on an error the site is
/// left as it was. Taxonomies always, related lists only when something they read changed.
pub fn apply(site: &mut Site, changed: &[PathBuf]) -> Result<Applied, Vec<Diagnostic>> {
    let mut parsed: Vec<(String, Option<Practice>)> = Vec::new();
    let mut warnings = Vec::new();
    let mut diags = Vec::new();
    let practices = site.config.paths.content.join(PRACTICES);
    for rel in changed {
        let slug = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        match entry(&site.root, rel, &practices) {
            Entry::File => {
                if let Some(other) = twin(&site.root, rel) {
                    let names = [other, rel.file_name().unwrap_or_default().to_string_lossy().into_owned()];
                    diags.push(Diagnostic::new(
                        rel,
                        format!("two page files have the stem `{slug}`: {} (they would share one URL and one id); rename or remove all but one", names.join(", ")),
                    ));
                    continue;
                }
                match load_practice(&site.root, rel, &site.vocab, site.gazetteer, true) {
                    Ok(mut p) => {
                        warnings.append(&mut p.warnings);
                        parsed.push((slug, Some(p)))
                    }
                    Err(d) => diags.extend(d),
                }
            }
            Entry::Outside => diags.push(outside_warning(rel)),
            Entry::Other => parsed.push((slug, None)),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // The changed files' warnings are theirs now.
    site.warnings.retain(|w| !changed.contains(&w.file));
    site.warnings.append(&mut warnings);
    let order: Vec<String> = site.practices.iter().map(|p| p.slug.clone()).collect();
    let mut replaced = Vec::new();
    let mut ranking_changed = false;
    for (slug, new) in parsed {
        let at = site.practices.iter().position(|p| p.slug == slug);
        match (at, new) {
            (Some(i), Some(p)) => {
                let old = std::mem::replace(&mut site.practices[i], p);
                let new = &site.practices[i];
                ranking_changed |= old.mechanisms != new.mechanisms
                    || old.regions != new.regions
                    || old.front.year != new.front.year
                    || old.sort_key() != new.sort_key();
                replaced.push((i, old));
            }
            (Some(i), None) => {
                site.practices.remove(i);
                ranking_changed = true;
            }
            (None, Some(p)) => {
                site.practices.push(p);
                ranking_changed = true;
            }
            (None, None) => {}
        }
    }
    site.practices.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then_with(|| a.slug.cmp(&b.slug)));
    let same_order =
        site.practices.len() == order.len() && site.practices.iter().zip(&order).all(|(p, s)| p.slug == *s);
    if ranking_changed || !same_order {
        site.taxonomies = Taxonomies::build(&site.practices, site.gazetteer, &site.vocab);
        site.related = crate::related::related(&site.practices, site.gazetteer, 5);
    }
    Ok(Applied { same_order, replaced: if same_order { replaced } else { Vec::new() } })
}
