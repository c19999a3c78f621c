//! Build stage 4: output. Writes the rendered files into a temporary folder beside the output
//! folder and swaps it in only when everything is written, so a failed build leaves the
//! previous site untouched. Also checks that every internal link resolves.

use std::path::Path;

use rayon::prelude::*;
use regex::Regex;

use crate::render::Files;

/// Writes `files` to `out` atomically (as far as the file system allows: two renames).
pub fn write_site(out: &Path, files: &Files) -> std::io::Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
    let tmp = parent.join(format!(".{name}-new-{}", std::process::id()));
    let old = parent.join(format!(".{name}-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        let mut dirs: Vec<&str> = files.keys().map(|p| p.rsplit_once('/').map_or("", |(d, _)| d)).collect();
        dirs.dedup();
        for d in dirs {
            std::fs::create_dir_all(tmp.join(d))?;
        }
        files.par_iter().try_for_each(|(path, bytes)| std::fs::write(tmp.join(path), bytes))?;
        if out.exists() {
            std::fs::rename(out, &old)?;
        }
        std::fs::rename(&tmp, out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
        if old.exists() && !out.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return result;
    }
    remove_tree(&old);
    Ok(())
}

/// Removes a folder, its subfolders in parallel (a big site is tens of thousands of files).
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            if p.is_dir() {
                if let Ok(sub) = std::fs::read_dir(p) {
                    let sub: Vec<_> = sub.filter_map(Result::ok).map(|e| e.path()).collect();
                    sub.par_iter().for_each(|q| {
                        let _ = if q.is_dir() { std::fs::remove_dir_all(q) } else { std::fs::remove_file(q) };
                    });
                }
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

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
    let attr = Regex::new(r#"(?:href|src)="([^"]*)""#).expect("valid pattern");
    let pages: Vec<(&String, &Vec<u8>)> =
        pages.iter().filter(|p| p.ends_with(".html")).filter_map(|p| files.get_key_value(*p)).collect();
    pages.par_iter().flat_map_iter(|(page, bytes)| page_links(files, &attr, page, bytes)).collect()
}

fn page_links(files: &Files, attr: &Regex, page: &str, bytes: &[u8]) -> Vec<BrokenLink> {
    let mut broken = Vec::new();
    {
        if page == "404.html" {
            return broken; // served at any depth: links there are absolute by design
        }
        let html = String::from_utf8_lossy(bytes);
        for c in attr.captures_iter(&html) {
            let href = c[1].replace("&amp;", "&");
            if href.is_empty() || href.starts_with('#') || href.contains(':') || href.starts_with("//") {
                continue;
            }
            if href.starts_with('/') {
                broken.push(BrokenLink { page: page.to_string(), href });
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            match resolve(page, path) {
                Some(target) if files.contains_key(&target) => {}
                _ => broken.push(BrokenLink { page: page.to_string(), href }),
            }
        }
    }
    broken
}

/// Resolves `href` relative to the folder of `page` (both inside the site); `None` when it
/// climbs out of the site.
pub fn resolve(page: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if href.ends_with('/') || p.is_empty() {
        p = if p.is_empty() { "index.html".into() } else { format!("{p}/index.html") };
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        assert_eq!(
            resolve("practices/a/index.html", "../../region/1-x/index.html").as_deref(),
            Some("region/1-x/index.html")
        );
        assert_eq!(resolve("index.html", "./static/style.css").as_deref(), Some("static/style.css"));
        assert_eq!(resolve("a/index.html", "../../x.html"), None);
    }

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
        let mut files = Files::new();
        files.insert("index.html".into(), b"v1".to_vec());
        write_site(&out, &files).unwrap();
        let mut bad = Files::new();
        bad.insert("index.html".into(), b"v2".to_vec());
        bad.insert("index.html/oops".into(), b"cannot be both a file and a folder".to_vec());
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"v1");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, ["site"]);
    }
}
