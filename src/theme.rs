//! The theme: templates and static files shipped with kbgen (a project's `templates/` and
//! `static/` replace and add to them), and the static files as the site serves them.

use crate::diag::Diagnostic;
use crate::output::Files;
use crate::routes;
use crate::site::Site;

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
];

/// Static files shipped with kbgen; a project's `static/` adds to and replaces them.
pub const BUILTIN_STATIC: &[(&str, &str)] =
    &[("style.css", include_str!("../static/style.css")), ("search.js", include_str!("../static/search.js"))];

/// The stylesheet: the project's `static/style.css`, else the built-in one.
pub fn stylesheet(site: &Site) -> String {
    std::fs::read_to_string(site.root.join(&site.config.paths.static_dir).join("style.css"))
        .unwrap_or_else(|_| BUILTIN_STATIC[0].1.to_string())
}

/// Copies the built-in and the project's static files under `static/`.
pub fn static_files(site: &Site, files: &mut Files) -> Result<(), Diagnostic> {
    for (name, text) in BUILTIN_STATIC {
        files.insert(routes::static_file(name), text.as_bytes().to_vec());
    }
    let dir = site.root.join(&site.config.paths.static_dir);
    if dir.is_dir() {
        for e in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
            let rel = e.path().strip_prefix(&dir).expect("inside the static folder");
            let bytes =
                std::fs::read(e.path()).map_err(|err| Diagnostic::new(e.path(), format!("cannot read: {err}")))?;
            files.insert(routes::static_file(&rel.to_string_lossy().replace('\\', "/")), bytes);
        }
    }
    Ok(())
}
