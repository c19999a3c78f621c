//! The theme: templates and static files shipped with kbgen, replaced and added to by the
//! project's `templates/` and `static/`. Loaded once with the site (and again by `serve` when
//! one of those files changes), so rendering reads no templates. The project's static files are
//! not read: the theme keeps their paths, and the output copies them from disk (a folder of
//! scanned sources can hold hundreds of megabytes), except the stylesheet and favicon, which
//! pages inline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::Paths;
use crate::diag::Diagnostic;
use crate::routes;

/// Templates shipped with kbgen; a project's `templates/NAME` replaces the one of that name.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("practice.html", include_str!("../templates/practice.html")),
    ("taxonomy.html", include_str!("../templates/taxonomy.html")),
    ("term.html", include_str!("../templates/term.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("compare.html", include_str!("../templates/compare.html")),
];

/// Static files shipped with kbgen; a project's `static/` adds to and replaces them.
pub const BUILTIN_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../static/style.css")),
    ("search.js", include_str!("../static/search.js")),
    ("favicon.svg", include_str!("../static/favicon.svg")),
    ("compare.js", include_str!("../static/compare.js")),
    ("cite.js", include_str!("../static/cite.js")),
    ("figures.js", include_str!("../static/figures.js")),
];

/// The templates and static files of a site.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Template name → source: the built-in ones, replaced by the project's of the same name.
    templates: BTreeMap<String, String>,
    /// The names of the templates the project gives.
    own: BTreeSet<String>,
    /// The project's template folder, as messages show it.
    folder: PathBuf,
    /// The static files by site path (`static/style.css`): built-in, then the project's.
    files: BTreeMap<String, StaticFile>,
    /// Links not followed out of the project (the loader moves them to the site's warnings).
    pub warnings: Vec<Diagnostic>,
    /// The text of `static/style.css` (see [`Theme::stylesheet`]).
    stylesheet: String,
    /// `static/favicon.svg` as a `data:` URL (see [`Theme::favicon_data_url`]).
    favicon: String,
}

/// A static file of the theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticFile {
    /// Shipped with kbgen.
    Builtin(&'static str),
    /// A file of the project's static folder, copied into the site from there.
    Project(ProjectFile),
}

/// A file of the project's static folder: where it is, and what tells that it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub len: u64,
    /// Modification and status-change times (ns) and inode: any write, rename over or touch
    /// changes one of them.
    stamp: (i128, i128, u64),
}

impl ProjectFile {
    fn new(path: PathBuf, meta: &std::fs::Metadata) -> ProjectFile {
        let ns = |t: std::io::Result<std::time::SystemTime>| {
            t.ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(-1, |d| d.as_nanos() as i128)
        };
        #[cfg(unix)]
        let (ctime, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128, meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime, ino) = (-1, 0);
        ProjectFile { path, len: meta.len(), stamp: (ns(meta.modified()), ctime, ino) }
    }

    /// A fingerprint of the file as it was when the theme was loaded: copies of a large file
    /// are made again only when it changes (`pipeline::extras`).
    pub fn fingerprint(&self) -> u64 {
        crate::output::hash_of(&(&self.path, self.len, self.stamp))
    }
}

impl Theme {
    /// The built-in theme with the project's templates (`*.html`, `*.xml` in the template
    /// folder) and static files (everything under the static folder) over it.
    pub fn load(root: &Path, paths: &Paths) -> Result<Theme, Diagnostic> {
        let mut templates: BTreeMap<String, String> =
            BUILTIN_TEMPLATES.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
        let mut own = BTreeSet::new();
        let mut warnings = Vec::new();
        if let Ok(rd) = std::fs::read_dir(root.join(&paths.templates)) {
            for e in rd.filter_map(Result::ok) {
                let name = e.file_name().to_string_lossy().to_string();
                let rel = paths.templates.join(&name);
                if (name.ends_with(".html") || name.ends_with(".xml"))
                    && match crate::site::entry(root, &rel, &paths.templates) {
                        crate::site::Entry::Outside => {
                            warnings.push(crate::site::outside_warning(&rel));
                            false
                        }
                        _ => true,
                    }
                {
                    let text = std::fs::read_to_string(e.path())
                        .map_err(|err| Diagnostic::new(&e.path(), format!("cannot read: {err}")))?;
                    templates.insert(name.clone(), text);
                    own.insert(name);
                }
            }
        }
        let mut files = BTreeMap::new();
        for (name, text) in BUILTIN_STATIC {
            files.insert(routes::static_file(name), StaticFile::Builtin(text));
        }
        let dir = root.join(&paths.static_dir);
        if dir.is_dir() {
            // Links are followed (a file or folder linked in from elsewhere in the project is
            // copied), except out of the project: those are skipped with a warning.
            let walk = walkdir::WalkDir::new(&dir).follow_links(true).into_iter().filter_entry(|e| {
                if !e.path_is_symlink() || e.depth() == 0 {
                    return true;
                }
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                let real = std::fs::canonicalize(e.path());
                let inside =
                    |d: &Path| std::fs::canonicalize(d).is_ok_and(|d| real.as_ref().is_ok_and(|r| r.starts_with(&d)));
                if real.is_ok() && !inside(root) && !inside(&dir) {
                    warnings.push(crate::site::outside_warning(rel));
                    return false;
                }
                true
            });
            let mut unreadable = Vec::new();
            for e in walk {
                let e = match e {
                    Ok(e) if e.file_type().is_file() => e,
                    Ok(_) => continue,
                    Err(err) => {
                        // A link to nothing, or one that leads back into its own folder.
                        if let Some(p) = err.path().filter(|p| p.is_symlink()) {
                            let rel = p.strip_prefix(root).unwrap_or(p);
                            unreadable.push(Diagnostic::new(
                                rel,
                                "skipped: a symbolic link to nothing, or back into its own folder",
                            ));
                        }
                        continue;
                    }
                };
                let rel = e.path().strip_prefix(&dir).expect("inside the static folder");
                // Opened, not read: a file that cannot be read is reported here, naming it.
                let meta = std::fs::File::open(e.path())
                    .and_then(|f| f.metadata())
                    .map_err(|err| Diagnostic::new(e.path(), format!("cannot read: {err}")))?;
                let file = ProjectFile::new(e.path().to_path_buf(), &meta);
                files.insert(routes::static_file(&rel.to_string_lossy().replace('\\', "/")), StaticFile::Project(file));
            }
            warnings.append(&mut unreadable);
        }
        let read = |name: &str| -> Result<Option<Vec<u8>>, Diagnostic> {
            match files.get(&routes::static_file(name)) {
                Some(StaticFile::Project(f)) => std::fs::read(&f.path)
                    .map(Some)
                    .map_err(|err| Diagnostic::new(&f.path, format!("cannot read: {err}"))),
                _ => Ok(None),
            }
        };
        let stylesheet = read("style.css")?
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_else(|| BUILTIN_STATIC[0].1.to_string());
        let favicon = data_url(read("favicon.svg")?.as_deref().unwrap_or(builtin("favicon.svg").as_bytes()));
        Ok(Theme { templates, own, folder: paths.templates.clone(), files, stylesheet, favicon, warnings })
    }

    /// Template name → source.
    pub fn templates(&self) -> &BTreeMap<String, String> {
        &self.templates
    }

    /// The file a template name comes from (the project's, or the built-in one), and its text.
    pub fn source(&self, name: &str) -> (PathBuf, Option<String>) {
        if self.own.contains(name) {
            (self.folder.join(name), self.templates.get(name).cloned())
        } else {
            (
                Path::new("<built-in templates>").join(name),
                BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, s)| s.to_string()),
            )
        }
    }

    /// The static files, by site path.
    pub fn static_files(&self) -> &BTreeMap<String, StaticFile> {
        &self.files
    }

    /// The stylesheet: the project's `static/style.css` (when it is UTF-8), else the built-in one.
    pub fn stylesheet(&self) -> String {
        self.stylesheet.clone()
    }

    /// The favicon (`static/favicon.svg`, the project's or the built-in one) as a `data:` URL,
    /// for the not-found page, which is served at any depth and any host.
    pub fn favicon_data_url(&self) -> String {
        self.favicon.clone()
    }
}

fn builtin(name: &str) -> &'static str {
    BUILTIN_STATIC.iter().find(|(n, _)| *n == name).map_or("", |(_, s)| s)
}

fn data_url(svg: &[u8]) -> String {
    let mut url = String::from("data:image/svg+xml,");
    for &b in svg {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b'=' => {
                url.push(b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}
