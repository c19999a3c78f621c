//! `kbgen init [DIR]`: a new knowledge base that builds and serves at once. It holds only what
//! a person is likely to edit — a commented `kbgen.toml`, `data/mechanisms.yaml` (the built-in
//! vocabulary, to extend) — and the folders import writes to and reads from; templates,
//! stylesheet, gazetteer and dictionaries stay built into kbgen until `--templates` copies the
//! templates out.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// What `init` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// The site's title; default: asked on a terminal, else the folder's name.
    pub title: Option<String>,
    /// Create the knowledge base in a folder that is not empty (no file is ever overwritten).
    pub force: bool,
    /// Copy the built-in templates into `templates/` to edit them; in a folder that already
    /// holds a knowledge base, only that.
    pub templates: bool,
}

/// What `init` did, file by file.
#[derive(Debug, Default)]
pub struct Done {
    pub created: Vec<PathBuf>,
    /// Files that were there already and were left as they were.
    pub kept: Vec<PathBuf>,
    /// Files not written because the path is a symbolic link or lies behind one.
    pub links: Vec<PathBuf>,
    /// Files that were there and had lines added: (file, the lines).
    pub updated: Vec<(PathBuf, String)>,
    /// Only templates were copied, into an existing knowledge base.
    pub ejected: bool,
}

/// The commented configuration of a new knowledge base. It has no `[table]` header: the
/// folders and import's field names are dotted keys (`paths.output = "site"`), so a key a person
/// appends to the end of the file is still a key of the top level.
pub fn config_text(title: &str) -> String {
    let title = toml::Value::String(title.to_string()).to_string();
    let mut fields = String::new();
    for (key, names) in crate::import::records::DEFAULTS {
        let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        fields.push_str(&format!("# import.fields.{key} = [{}]\n", list.join(", ")));
    }
    format!(
        r#"# kbgen configuration. Unknown keys are errors; `kbgen check` validates everything.
title = {title}
# A sentence or two under the title on the home page.
description = ""
# The address the site will be published at (an absolute http or https URL). Used for
# sitemap.xml, Atom feeds, canonical links, citations of a page, and the links of the 404 page
# (which a host serves at any depth); every other page links relatively, so the site also works
# from a sub-folder or straight from the disk. `kbgen build` warns while it is this preview
# address: set yours before you publish.
base_url = "http://127.0.0.1:8000/"
language = "zh-CN"
# Practices per page on region, mechanism and year pages.
paginate = 20

# Folders, relative to this file (these are the defaults; `paths.x = …` is `x = …` in a
# `[paths]` table).
# Practice pages, content/practices/*.md: `kbgen import` writes them, people edit them.
paths.content = "content"
# Your versions of the built-in templates (`kbgen init --templates` copies them out).
paths.templates = "templates"
# Copied into the site; a style.css here replaces the built-in stylesheet.
paths.static = "static"
# `kbgen build` writes the site here.
paths.output = "site"
# mechanisms.yaml: the mechanism vocabulary (extend it, then `kbgen retag`); regions.tsv: a gazetteer of your own.
paths.data = "data"

# Which field of a JSON Lines or CSV record holds what, for a scraper that names them its own
# way: a name, or a list tried in order. Shown are the defaults; a key given replaces them.
{fields}"#
    )
}

/// A folder holds nothing but perhaps version control.
fn is_empty(dir: &Path) -> std::io::Result<bool> {
    Ok(std::fs::read_dir(dir)?.filter_map(Result::ok).all(|e| e.file_name() == ".git"))
}

/// Whether `path`, or a folder between `dir` and it, is a symbolic link (dangling or not):
/// init never writes through one.
fn through_link(dir: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(dir) else { return false };
    let mut at = dir.to_path_buf();
    rel.components().any(|c| {
        at.push(c);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// Writes `text` to `path` unless something is there (a file, or a link, even one to
/// nothing) or a folder on the way is a link.
fn write_new(dir: &Path, path: &Path, text: &str, done: &mut Done) -> anyhow::Result<()> {
    if through_link(dir, path) {
        done.links.push(path.to_path_buf());
        return Ok(());
    }
    if std::fs::symlink_metadata(path).is_ok() {
        done.kept.push(path.to_path_buf());
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // `create_new` makes the file or fails: it never opens what appeared meanwhile, nor follows a link.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    done.created.push(path.to_path_buf());
    Ok(())
}

/// The lines of a new knowledge base's `.gitignore`: the output, and the private folders kbgen
/// keeps beside it while it builds or serves (`.site-new-<pid>`, `.site-serve-<pid>`, …).
const GITIGNORE: [&str; 2] = ["/site/", "/.site-*/"];

/// Adds the lines of [`GITIGNORE`] that an existing `.gitignore` lacks (a line that ignores
/// the same, such as `site/`, counts), and records what was added.
fn complete_gitignore(dir: &Path, path: &Path, done: &mut Done) -> anyhow::Result<()> {
    if through_link(dir, path) {
        done.links.push(path.to_path_buf());
        return Ok(());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let has = |want: &str| {
        let bare = want.trim_matches('/');
        text.lines().map(str::trim).any(|l| l.trim_matches('/') == bare)
    };
    let missing: Vec<&str> = GITIGNORE.into_iter().filter(|l| !has(l)).collect();
    if missing.is_empty() {
        done.kept.push(path.to_path_buf());
        return Ok(());
    }
    let mut add = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        add.push('\n');
    }
    add.push_str("# kbgen's output and private folders\n");
    for l in &missing {
        add.push_str(l);
        add.push('\n');
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut file, add.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    done.updated.push((path.to_path_buf(), missing.join(", ")));
    Ok(())
}

fn templates(dir: &Path, done: &mut Done) -> anyhow::Result<()> {
    for (name, text) in crate::render::BUILTIN_TEMPLATES {
        write_new(dir, &dir.join("templates").join(name), text, done)?;
    }
    Ok(())
}

/// Creates the knowledge base (see the module documentation).
pub fn init(opts: &Options) -> anyhow::Result<Done> {
    let dir = &opts.dir;
    let mut done = Done::default();
    if dir.exists() && !dir.is_dir() {
        bail!("{} is a file, not a folder", dir.display());
    }
    if opts.templates && dir.join(crate::config::FILE_NAME).is_file() {
        templates(dir, &mut done)?;
        done.ejected = true;
        return Ok(done);
    }
    if dir.is_dir() && !opts.force && !is_empty(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        bail!(
            "{} is not empty: kbgen init makes a new knowledge base in an empty folder (--force makes it here anyway, and overwrites nothing)",
            dir.display()
        );
    }
    let title = opts.title.clone().unwrap_or_else(|| default_title(dir));
    write_new(dir, &dir.join(crate::config::FILE_NAME), &config_text(&title), &mut done)?;
    write_new(dir, &dir.join("data").join("mechanisms.yaml"), crate::vocab::BUILTIN_YAML, &mut done)?;
    let gitignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&gitignore).is_ok_and(|m| m.is_file()) {
        complete_gitignore(dir, &gitignore, &mut done)?;
    } else {
        write_new(dir, &gitignore, &(GITIGNORE.join("\n") + "\n"), &mut done)?;
    }
    for sub in [Path::new("content").join(crate::site::PRACTICES), PathBuf::from("sources")] {
        let path = dir.join(&sub);
        if through_link(dir, &path) {
            if !path.is_dir() {
                done.links.push(path);
            }
            continue;
        }
        if !path.is_dir() {
            std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
            done.created.push(path);
        }
    }
    if opts.templates {
        templates(dir, &mut done)?;
    }
    Ok(done)
}

/// The folder's own name (`kb`), or 知识库 when it has none.
fn default_title(dir: &Path) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    abs.components()
        .rfind(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_else(|| "知识库".to_string())
}

/// The commands to run next, for a knowledge base made in `dir`.
pub fn next_commands(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if dir != Path::new(".") && dir != Path::new("") {
        let shown = dir.display().to_string();
        let quoted = if shown.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
            shown
        } else {
            format!("'{}'", shown.replace('\'', r"'\''"))
        };
        out.push(format!("cd {quoted}"));
    }
    out.push("kbgen import sources/".into());
    out.push("kbgen serve --open".into());
    if out.len() < 3 {
        out.insert(1, "kbgen build".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_parses_with_any_title_and_lists_the_field_defaults() {
        for title in ["基层治理实践知识库", "say \"hi\" \\ 'there'", ""] {
            let c = crate::config::Config::parse(&config_text(title), Path::new("kbgen.toml")).unwrap();
            assert_eq!(c.title, title);
        }
        assert!(config_text("x").contains("# import.fields.text = [\"text\", \"content\""));
        // A key appended to the end is a key of the top level.
        let appended = config_text("x").replace("description = \"\"\n", "") + "description = \"末尾\"\n";
        let c = crate::config::Config::parse(&appended, Path::new("kbgen.toml")).unwrap();
        assert_eq!(c.description, "末尾");
        assert_eq!(c.paths.output, PathBuf::from("site"));
    }

    #[cfg(unix)]
    #[test]
    fn force_never_writes_through_a_link_even_a_dangling_one() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, elsewhere) = (tmp.path().join("dang"), tmp.path().join("elsewhere"));
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("written-through.toml"), dir.join("kbgen.toml")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("gi"), dir.join(".gitignore")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join("data")).unwrap();
        let done = init(&Options { dir: dir.clone(), title: None, force: true, templates: false }).unwrap();
        assert!(!elsewhere.exists(), "nothing was written through a link");
        for f in ["kbgen.toml", ".gitignore", "data/mechanisms.yaml"] {
            assert!(done.links.contains(&dir.join(f)), "{f}: {done:?}");
        }
    }

    #[test]
    fn force_adds_the_missing_lines_to_an_existing_gitignore() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kb");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".gitignore"), "target\nsite/").unwrap();
        let done = init(&Options { dir: dir.clone(), title: None, force: true, templates: false }).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
            "target\nsite/\n# kbgen's output and private folders\n/.site-*/\n"
        );
        assert_eq!(done.updated, [(dir.join(".gitignore"), "/.site-*/".to_string())]);
        let done = init(&Options { dir: dir.clone(), title: None, force: true, templates: false }).unwrap();
        assert!(done.kept.contains(&dir.join(".gitignore")) && done.updated.is_empty(), "{done:?}");
    }

    #[test]
    fn next_commands_start_in_the_folder() {
        assert_eq!(next_commands(Path::new("kb")), ["cd kb", "kbgen import sources/", "kbgen serve --open"]);
        assert_eq!(next_commands(Path::new("my kb"))[0], "cd 'my kb'");
        assert_eq!(next_commands(Path::new(".")), ["kbgen import sources/", "kbgen build", "kbgen serve --open"]);
    }

    #[test]
    fn a_folder_with_files_is_refused_unless_forced_and_nothing_is_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kb");
        let opts = |force, templates| Options { dir: dir.clone(), title: Some("T".into()), force, templates };
        let done = init(&opts(false, false)).unwrap();
        assert!(done.created.contains(&dir.join("kbgen.toml")) && dir.join("content/practices").is_dir());
        assert!(dir.join("sources").is_dir() && !dir.join("templates").exists());
        let e = init(&opts(false, false)).unwrap_err().to_string();
        assert!(e.contains("is not empty") && e.contains("--force"), "{e}");
        std::fs::write(dir.join("kbgen.toml"), "title = \"mine\"\n").unwrap();
        let done = init(&opts(true, false)).unwrap();
        assert!(done.kept.contains(&dir.join("kbgen.toml")));
        assert_eq!(std::fs::read_to_string(dir.join("kbgen.toml")).unwrap(), "title = \"mine\"\n");
        // --templates in a knowledge base copies only the templates out.
        let done = init(&opts(false, true)).unwrap();
        assert!(done.ejected && dir.join("templates/practice.html").is_file(), "{done:?}");
        assert_eq!(done.created.len(), crate::render::BUILTIN_TEMPLATES.len());
    }
}
