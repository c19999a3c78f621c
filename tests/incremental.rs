//! Incremental rebuilds (`build::Preview`, what `kbgen serve` runs on every save) produce
//! exactly the files a fresh full build of the same sources produces, and redraw only what a
//! change touches.
mod common;

use std::path::{Path, PathBuf};

use common::site_test::SiteTest;
use kbgen::build::{render_project, Preview};

/// The repo's own project (content, templates, static, data, config) in a temporary folder.
fn project() -> (SiteTest, PathBuf) {
    let site = SiteTest::repo();
    let root = site.root.clone();
    (site, root)
}

fn page(root: &Path, name: &str) -> PathBuf {
    root.join("content/practices").join(name)
}

/// The name of the n-th practice file (sorted), for edits.
fn nth(root: &Path, n: usize) -> String {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content/practices"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names[n].clone()
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "the edit changes {}", path.display());
    std::fs::write(path, new).unwrap();
}

/// Compares the preview's files, as read from its private folder, with a full build's, naming
/// the first differing file; the folder holds no file the preview does not list.
fn assert_same_as_full_build(preview: &Preview, root: &Path, step: &str) {
    let full = render_project(root).unwrap_or_else(|d| panic!("{step}: full build fails: {d:?}")).files;
    let files = preview.files().unwrap();
    let missing: Vec<&String> = full.keys().filter(|k| !files.contains_key(*k)).collect();
    let extra: Vec<&String> = files.keys().filter(|k| !full.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{step}: missing {missing:?}, extra {extra:?}");
    for (path, bytes) in &full {
        assert!(files[path] == *bytes, "{step}: {path} differs from a full build");
    }
    assert_eq!(on_disk(&preview.folder().join("site")), preview.paths(), "{step}: the folder holds what is listed");
}

/// The warnings a preview holds, and a full build's, as sorted lines.
fn warnings(preview: &Preview, root: &Path) -> (Vec<String>, Vec<String>) {
    let lines = |w: &[kbgen::diag::Diagnostic]| {
        let mut l: Vec<String> = w.iter().map(|d| d.to_string()).collect();
        l.sort();
        l
    };
    let full = render_project(root).unwrap_or_else(|d| panic!("full build fails: {d:?}")).site;
    (lines(&preview.site.warnings), lines(&full.warnings))
}

/// The files under `dir`, as sorted paths relative to it.
fn on_disk(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_kind_of_change_rebuilds_to_what_a_full_build_writes() {
    let (_tmp, root) = project();
    let mut preview = Preview::new(&root).unwrap();
    let total = preview.pages();
    let first = nth(&root, 0);
    let second = nth(&root, 1);

    // A sentence added to a body: that page, the lists its card is on, a patched index.
    edit(&page(&root, &first), |t| t.replace("\n\n", "\n\n新增一句：网格员每周走访。\n\n"));
    let u = preview.update(&[page(&root, &first)]).unwrap();
    assert!(u.index_patched, "{u:?}");
    assert!(u.drawn >= 1 && u.drawn < total / 2, "drew {} of {total} pages", u.drawn);
    assert_same_as_full_build(&preview, &root, "body edit");
    let body_only = u.drawn;

    // Nothing changed since: nothing is drawn.
    let u = preview.update(&[page(&root, &first)]).unwrap();
    assert_eq!(u.drawn, 0);

    // A new title: every list showing the card, and the related lists of other pages.
    edit(&page(&root, &second), |t| t.replacen("title: ", "title: 新标题 ", 1));
    let u = preview.update(&[page(&root, &second)]).unwrap();
    assert!(u.drawn > body_only.min(2), "{u:?}");
    assert_same_as_full_build(&preview, &root, "title edit");

    // Another mechanism: counts, term pages, related lists.
    edit(&page(&root, &second), |t| t.replacen("mechanism:\n", "mechanism:\n- error-tolerance\n", 1));
    preview.update(&[page(&root, &second)]).unwrap();
    assert_same_as_full_build(&preview, &root, "mechanism added");

    // Another place other practices are in: the search's lists of that place are patched; a
    // place no practice was in: its list is new, the index is rewritten.
    edit(&page(&root, &second), |t| t.replacen("region:\n", "region:\n- 江苏省/苏州市\n", 1));
    let u = preview.update(&[page(&root, &second)]).unwrap();
    assert!(u.index_patched, "{u:?}");
    assert_same_as_full_build(&preview, &root, "place added");
    edit(&page(&root, &second), |t| t.replacen("region:\n", "region:\n- 西藏自治区/拉萨市\n", 1));
    let u = preview.update(&[page(&root, &second)]).unwrap();
    assert!(!u.index_patched, "{u:?}");
    assert_same_as_full_build(&preview, &root, "new place");
    edit(&page(&root, &second), |t| t.replacen("- 西藏自治区/拉萨市\n", "", 1));
    let u = preview.update(&[page(&root, &second)]).unwrap();
    assert!(!u.index_patched, "{u:?}");
    assert_same_as_full_build(&preview, &root, "place gone");

    // Another year moves the page in site order: ids change, the index is rewritten.
    edit(&page(&root, &first), |t| {
        let year = t.lines().find_map(|l| l.strip_prefix("year: ")).unwrap().to_string();
        let t = t.replacen(&format!("year: {year}"), "year: 2099", 1);
        match t.lines().find(|l| l.starts_with("date: ")) {
            Some(d) => t.replacen(d, "date: 2099-01-02", 1),
            None => t,
        }
    });
    let u = preview.update(&[page(&root, &first)]).unwrap();
    assert!(!u.index_patched);
    assert_same_as_full_build(&preview, &root, "year changed");

    // A new page, then the page deleted.
    let new = page(&root, "2019-new-page.md");
    std::fs::write(
        &new,
        "---\ntitle: 新页面\nyear: 2019\nregion: [浙江省/湖州市/安吉县]\nmechanism: [grid-governance]\n---\n\n安吉县推行网格化管理。\n",
    )
    .unwrap();
    preview.update(std::slice::from_ref(&new)).unwrap();
    assert!(preview.contains("practices/2019-new-page/index.html"));
    assert_same_as_full_build(&preview, &root, "page added");
    std::fs::remove_file(&new).unwrap();
    preview.update(std::slice::from_ref(&new)).unwrap();
    assert_same_as_full_build(&preview, &root, "page deleted");

    // A template: only the pages drawn with it.
    let term = root.join("templates/term.html");
    edit(&term, |t| t.replacen("{% block main %}", "{% block main %}<p class=\"note\">本页按条件列出实践。</p>", 1));
    let u = preview.update(std::slice::from_ref(&term)).unwrap();
    let term_pages = preview
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("region/") || p.starts_with("mechanism/") || p.starts_with("year/"))
        .filter(|p| p.ends_with(".html") && p.matches('/').count() >= 2)
        .count();
    assert_eq!(u.drawn, term_pages, "every term page and nothing else");
    assert_same_as_full_build(&preview, &root, "template edit");

    // The stylesheet: static file and the 404 page that inlines it.
    let css = root.join("static/style.css");
    edit(&css, |t| t + "\n.note { color: #555; }\n");
    let u = preview.update(std::slice::from_ref(&css)).unwrap();
    assert_eq!(u.drawn, 1, "404.html inlines the stylesheet");
    assert_same_as_full_build(&preview, &root, "stylesheet edit");

    // The configuration: everything.
    let config = root.join("kbgen.toml");
    edit(&config, |t| t.replace("paginate = 20", "paginate = 3"));
    preview.update(std::slice::from_ref(&config)).unwrap();
    assert_same_as_full_build(&preview, &root, "config edit");
}

#[test]
fn a_broken_page_leaves_the_preview_as_it_was_and_the_fix_applies() {
    let (_tmp, root) = project();
    let mut preview = Preview::new(&root).unwrap();
    let before = preview.files().unwrap();
    let name = nth(&root, 2);
    let path = page(&root, &name);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("year: ", "year: x", 1)).unwrap();
    let err = preview.update(std::slice::from_ref(&path)).unwrap_err();
    assert!(err[0].to_string().contains(&name), "{err:?}");
    assert!(preview.files().unwrap() == before, "a failed update changes nothing");
    std::fs::write(&path, good.replace("\n\n", "\n\n修好了。\n\n")).unwrap();
    preview.update(std::slice::from_ref(&path)).unwrap();
    assert_same_as_full_build(&preview, &root, "after the fix");
}

#[test]
fn build_check_and_serve_report_the_same_broken_links() {
    let site = SiteTest::fixture("site");
    let practice = SiteTest::builtin_template("practice.html");
    site.write(
        "templates/practice.html",
        &practice
            .replace("</h1>", r#"</h1><a href="{{ root }}year/1999/index.html">1999</a><img src="/logo.png" alt="">"#),
    );
    let served = match Preview::new(&site.root) {
        Ok(_) => panic!("the preview has broken links"),
        Err(d) => d.iter().map(|d| d.message.clone()).collect::<Vec<_>>(),
    };
    // One missing target once, and the root-absolute link on every practice page.
    assert_eq!(served.iter().filter(|m| m.contains("year/1999/index.html")).count(), 1, "{served:?}");
    assert!(served.iter().filter(|m| m.contains("/logo.png")).count() > 1, "{served:?}");
    for run in [site.build().failed(), site.check().failed()] {
        for message in &served {
            assert_eq!(run.stderr.matches(message.as_str()).count(), 1, "{message}:\n{}", run.stderr);
        }
    }
}

#[test]
fn a_renamed_page_is_redrawn_on_every_page_that_links_it() {
    let (_tmp, root) = project();
    let mut preview = Preview::new(&root).unwrap();
    let name = nth(&root, 0);
    let (old, new) = (page(&root, &name), page(&root, "renamed-practice-x.md"));
    let (old_url, new_url) = (format!("practices/{}/", name.trim_end_matches(".md")), "practices/renamed-practice-x/");
    let linking: Vec<String> = preview
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html") && !p.starts_with(&old_url))
        .filter(|p| String::from_utf8_lossy(&preview.read(p).unwrap()).contains(&old_url))
        .collect();
    assert!(linking.len() > 3, "the lists and related cards that link it: {linking:?}");

    // One burst (a rename is a delete and an add, or a slug change): the lists link the new
    // page, the old one is gone, no broken link.
    std::fs::rename(&old, &new).unwrap();
    preview.update(&[old.clone(), new.clone()]).unwrap_or_else(|d| panic!("{d:?}"));
    assert_same_as_full_build(&preview, &root, "renamed");
    for p in &linking {
        let html = String::from_utf8_lossy(&preview.read(p).unwrap()).into_owned();
        assert!(!html.contains(&old_url) && html.contains(new_url), "{p} links the new name only");
    }

    // Renamed back, in one burst; then again in two (the delete, then the add).
    std::fs::rename(&new, &old).unwrap();
    preview.update(&[new.clone(), old.clone()]).unwrap_or_else(|d| panic!("{d:?}"));
    assert_same_as_full_build(&preview, &root, "renamed back");
    std::fs::rename(&old, &new).unwrap();
    preview.update(std::slice::from_ref(&old)).unwrap_or_else(|d| panic!("{d:?}"));
    preview.update(std::slice::from_ref(&new)).unwrap_or_else(|d| panic!("{d:?}"));
    assert_same_as_full_build(&preview, &root, "renamed in two saves");
}

#[test]
fn a_content_folder_that_comes_back_whole_is_read_whole() {
    let (tmp, root) = project();
    let mut preview = Preview::new(&root).unwrap();
    let backup = tmp.root.parent().unwrap().join("backup");
    common::copy_dir(&root.join("content"), &backup);
    let practices = root.join("content/practices");
    let pages: Vec<PathBuf> = std::fs::read_dir(&practices).unwrap().map(|e| e.unwrap().path()).collect();
    std::fs::remove_dir_all(&practices).unwrap();
    preview.update(&pages).unwrap();
    assert_same_as_full_build(&preview, &root, "practices/ removed");
    // Back in one burst: the watcher saw the folder made, and none of its files.
    common::copy_dir(&backup.join("practices"), &practices);
    preview.update(std::slice::from_ref(&practices)).unwrap();
    assert_same_as_full_build(&preview, &root, "practices/ back");
    // The whole content folder, likewise.
    std::fs::remove_dir_all(root.join("content")).unwrap();
    preview.update(&pages).unwrap();
    common::copy_dir(&backup, &root.join("content"));
    preview.update(&[root.join("content")]).unwrap();
    assert_same_as_full_build(&preview, &root, "content/ back");
}

/// serve prints the warnings of its rebuilds: after each kind of update they are a full
/// build's (a page's replace its last version's, a theme's the last theme's).
#[cfg(unix)]
#[test]
fn the_warnings_after_an_update_are_a_full_builds() {
    let (_site, root) = project();
    let mut preview = Preview::new(&root).unwrap();
    let first = page(&root, &nth(&root, 0));
    let original = std::fs::read_to_string(&first).unwrap();
    edit(&first, |t| format!("{t}\n响铃\u{7}。\n"));
    preview.update(std::slice::from_ref(&first)).unwrap();
    let (served, built) = warnings(&preview, &root);
    assert!(served.iter().any(|w| w.contains("control character")), "{served:?}");
    assert_eq!(served, built, "a page's warning");
    std::fs::write(&first, &original).unwrap();
    preview.update(std::slice::from_ref(&first)).unwrap();
    let (served, built) = warnings(&preview, &root);
    assert_eq!(served, built, "the page fixed");
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("outside.css");
    std::fs::write(&outside, "p{}").unwrap();
    let link = root.join("static/outside.css");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    preview.update(std::slice::from_ref(&link)).unwrap();
    let (served, built) = warnings(&preview, &root);
    assert!(served.iter().any(|w| w.contains("static/outside.css")), "{served:?}");
    assert_eq!(served, built, "a static file's warning");
    std::fs::remove_file(&link).unwrap();
    preview.update(std::slice::from_ref(&link)).unwrap();
    let (served, built) = warnings(&preview, &root);
    assert!(!served.iter().any(|w| w.contains("outside.css")), "{served:?}");
    assert_eq!(served, built, "the link removed");
}
