//! What kbgen guarantees under hostile or clumsy use (issue 11): the output folder is owned, not
//! assumed; scraped content cannot run script; bad data cannot write outside the site.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, kbgen, repo, text};

/// A copy of the fixture site in a fresh temporary folder: (guard, project root).
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    (tmp, root)
}

/// Every entry under `dir` (relative paths, sorted), symlinks not followed.
fn tree(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_division_code_cannot_name_a_path() {
    let (tmp, root) = project();
    std::fs::create_dir_all(root.join("data")).unwrap();
    let tsv = format!("{}../../../outside\tcounty\t外域县\t110000\n", kbgen::gazetteer::BUILTIN_TSV);
    std::fs::write(root.join("data/regions.tsv"), &tsv).unwrap();
    std::fs::write(
        root.join("content/practices/2020-wai-yu.md"),
        "---\ntitle: 外域\nyear: 2020\nregion: [北京市/外域县]\n---\n\n正文。\n",
    )
    .unwrap();
    let o = kbgen(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    let line = tsv.lines().count();
    assert!(
        stderr.contains(&format!(
            "data/regions.tsv:{line}:1: division code `../../../outside` must be 6, 9 or 12 ASCII digits"
        )),
        "{stderr}"
    );
    assert_eq!(tree(tmp.path()).iter().filter(|p| !p.starts_with("project")).count(), 0, "{:?}", tree(tmp.path()));
    assert!(!root.join("site").exists());
}

/// The `<main>` element of a built page.
fn main_of(page: &str) -> &str {
    let start = page.find("<main").expect("a main element");
    &page[start..page.find("</main>").expect("main closes")]
}

#[test]
fn nothing_in_a_page_body_can_run_script() {
    let (_tmp, root) = project();
    std::fs::write(
        root.join("content/practices/2020-hostile.md"),
        "---\ntitle: 恶意链接\nyear: 2020\n---\n\n\
         [一](javascript:alert(1)) [二](JavaScript:alert(1)) [三](java&#x73;cript:alert(1)) \
         [四](&#9;&#1;javascript:alert(1)) [五](vbscript:msgbox(1)) [六](data:text/html,x) \
         <javascript:alert(1)> <JAVASCRIPT:alert(1)> ![七](javascript:alert(1)) ![八](data:image/svg+xml,x) \
         [九][r] [好](https://example.org/) [邮件](mailto:a@example.org) [本页](#top)\n\n\
         <script>alert(1)</script>\n\n\
         正文<img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">十</a><svg onload=alert(1)>\n\n\
         [r]: javascript:alert(1)\n",
    )
    .unwrap();
    let o = kbgen(&root, &["build"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(root.join("site/practices/2020-hostile/index.html")).unwrap();
    let main = main_of(&page);
    // Attributes of tags only: text may show `href="…"` escaped, which is harmless.
    let hrefs: Vec<String> = regex::Regex::new(r#"<[a-zA-Z][^<>]*?\s(?:href|src)="([^"]*)""#)
        .unwrap()
        .captures_iter(main)
        .map(|c| c[1].to_string())
        .filter(|h| !h.starts_with("../../"))
        .collect();
    assert_eq!(hrefs, ["https://example.org/", "mailto:a@example.org", "#top"], "{main}");
    for tag in ["<script", "<img", "<svg", "<a href=\"javascript"] {
        assert!(!main.to_lowercase().contains(tag), "{tag} in {main}");
    }
    for shown in ["一", "二", "三", "四", "五", "六", "七", "八", "九", "&lt;script&gt;", "onerror=alert(1)&gt;"]
    {
        assert!(main.contains(shown), "the text `{shown}` stays: {main}");
    }
}

/// Every file under `dir` with its bytes, symlinks not followed (a link shows as `-> target`).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .map(|rel| {
            let p = dir.join(&rel);
            let m = std::fs::symlink_metadata(&p).unwrap();
            let bytes = if m.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(&p).unwrap().display()).into_bytes()
            } else if m.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            (rel, bytes)
        })
        .collect()
}

#[test]
fn an_output_folder_that_would_replace_the_project_or_an_input_is_refused() {
    let (tmp, root) = project();
    for dir in ["templates", "static", "data"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(root.join(dir).join("keep.txt"), dir).unwrap();
    }
    std::os::unix::fs::symlink("content", root.join("published")).unwrap();
    let config = std::fs::read_to_string(root.join("kbgen.toml")).unwrap();
    let absolute_root = root.display().to_string();
    let outputs: &[(&str, &str)] = &[
        ("", "is the project folder"),
        (".", "is the project folder"),
        ("./", "is the project folder"),
        (&absolute_root, "is the project folder"),
        ("content/..", "is the project folder"),
        // Only the temporary folder: a regression must not get to rename a real ancestor.
        ("..", "contains the project folder"),
        ("content/../..", "contains the project folder"),
        ("content", "is the content folder (`[paths] content` = \"content\")"),
        ("content/practices", "is inside the content folder"),
        ("content/practices/new", "is inside the content folder"),
        ("./templates/", "is the templates folder"),
        ("static", "is the static folder"),
        ("data", "is the data folder"),
        ("site/../data/x", "is inside the data folder"),
        ("published", "is the content folder"),
        ("published/practices", "is inside the content folder"),
        ("kbgen.toml", "exists and is not a folder"),
    ];
    let before = snapshot(tmp.path());
    for (output, why) in outputs {
        std::fs::write(root.join("kbgen.toml"), format!("{config}\n[paths]\noutput = {output:?}\n")).unwrap();
        let with_config = snapshot(tmp.path());
        for command in ["build", "check"] {
            let o = kbgen(tmp.path(), &["-C", "project", command]);
            let stderr = text(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "output = {output:?}: {stderr}");
            assert!(
                stderr.starts_with(&format!(
                    "error: project/kbgen.toml:{}:1: `[paths] output` = {output:?} {why}",
                    config.lines().count() + 3
                )),
                "output = {output:?}: {stderr}"
            );
            assert_eq!(snapshot(tmp.path()), with_config, "output = {output:?}: nothing is touched");
        }
    }
    std::fs::write(root.join("kbgen.toml"), &config).unwrap();
    assert_eq!(snapshot(tmp.path()), before);
    // The same project builds into a folder of its own, also one beside the project.
    for output in ["site", "../public", "out/www"] {
        std::fs::write(root.join("kbgen.toml"), format!("{config}\n[paths]\noutput = {output:?}\n")).unwrap();
        let o = kbgen(tmp.path(), &["-C", "project", "build"]);
        assert!(o.status.success(), "output = {output:?}: {}", text(&o.stderr));
        assert!(root.join(output).join("index.html").is_file(), "{output}");
    }
}

/// Builds the project at `root`, which must succeed.
fn build(root: &Path) {
    let o = kbgen(root, &["build"]);
    assert!(o.status.success(), "build failed:\n{}{}", text(&o.stdout), text(&o.stderr));
}

/// Entries of `dir` whose names start with a dot (staging folders and the like).
fn dot_entries(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    out.sort();
    out
}

/// What a host puts into a published folder: GitHub Pages files, a git checkout, a file in a
/// folder kbgen writes, and a link to uploads kept elsewhere.
fn add_host_files(site: &Path, uploads: &Path) {
    std::fs::write(site.join("CNAME"), "kb.example.org\n").unwrap();
    std::fs::write(site.join(".nojekyll"), "").unwrap();
    std::fs::create_dir_all(site.join(".git/objects/ab")).unwrap();
    std::fs::write(site.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(site.join(".git/objects/ab/cdef"), "blob").unwrap();
    std::fs::write(site.join("static/host.js"), "console.log('host')").unwrap();
    std::fs::write(site.join("practices/2024-ding-li/notes.txt"), "host notes").unwrap();
    std::fs::create_dir_all(uploads).unwrap();
    std::fs::write(uploads.join("report.pdf"), "pdf").unwrap();
    std::os::unix::fs::symlink(uploads, site.join("uploads")).unwrap();
}

fn assert_host_files_kept(site: &Path, uploads: &Path) {
    assert_eq!(std::fs::read_to_string(site.join("CNAME")).unwrap(), "kb.example.org\n");
    assert!(site.join(".nojekyll").is_file());
    assert_eq!(std::fs::read_to_string(site.join(".git/HEAD")).unwrap(), "ref: refs/heads/gh-pages\n");
    assert_eq!(std::fs::read_to_string(site.join(".git/objects/ab/cdef")).unwrap(), "blob");
    assert_eq!(std::fs::read_to_string(site.join("static/host.js")).unwrap(), "console.log('host')");
    assert_eq!(std::fs::read_to_string(site.join("practices/2024-ding-li/notes.txt")).unwrap(), "host notes");
    assert_eq!(std::fs::read_link(site.join("uploads")).unwrap(), uploads, "the link stays a link");
    assert_eq!(tree(uploads), ["report.pdf"], "nothing behind the link is touched");
}

#[test]
fn files_kbgen_did_not_write_survive_every_build() {
    let (tmp, root) = project();
    let (site, uploads) = (root.join("site"), tmp.path().join("uploads"));
    build(&root);
    let manifest = std::fs::read_to_string(site.join(".kbgen-manifest")).unwrap();
    assert!(manifest.lines().any(|l| l == "practices/2024-ding-li/index.html"), "{manifest}");
    add_host_files(&site, &uploads);
    std::fs::write(site.join("robots.txt"), "host's own robots.txt").unwrap();

    // The practice goes: its page goes, the host's file beside it stays.
    std::fs::remove_file(root.join("content/practices/2024-ding-li.md")).unwrap();
    build(&root);
    assert!(!site.join("practices/2024-ding-li/index.html").exists(), "what kbgen no longer writes goes");
    assert_host_files_kept(&site, &uploads);
    assert_ne!(std::fs::read_to_string(site.join("robots.txt")).unwrap(), "host's own robots.txt", "kbgen's file wins");
    let manifest = std::fs::read_to_string(site.join(".kbgen-manifest")).unwrap();
    let listed: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(listed.contains(&"index.html") && listed.contains(&"robots.txt"), "{manifest}");
    assert!(
        !listed.iter().any(|l| l.contains("CNAME") || l.contains("2024-ding-li") || l.contains("host")),
        "{manifest}"
    );
    build(&root);
    assert_host_files_kept(&site, &uploads);
    assert_eq!(dot_entries(&root), Vec::<String>::new(), "no staging folder is left");
}

#[test]
fn an_output_folder_that_is_a_link_is_built_in_place() {
    let (tmp, root) = project();
    let (www, uploads) = (tmp.path().join("www"), tmp.path().join("uploads"));
    std::fs::create_dir_all(www.join(".well-known")).unwrap();
    std::fs::write(www.join("other.html"), "another site's page").unwrap();
    std::fs::write(www.join(".well-known/security.txt"), "Contact: x").unwrap();
    std::os::unix::fs::symlink(&www, root.join("site")).unwrap();
    build(&root);
    assert_eq!(std::fs::read_link(root.join("site")).unwrap(), www, "the link is kept");
    assert!(www.join("index.html").is_file() && www.join("practices/2024-ding-li/index.html").is_file());
    add_host_files(&www, &uploads);

    std::fs::remove_file(root.join("content/practices/2024-ding-li.md")).unwrap();
    build(&root);
    assert_eq!(std::fs::read_link(root.join("site")).unwrap(), www, "the link is kept");
    assert!(!www.join("practices/2024-ding-li/index.html").exists(), "what kbgen no longer writes goes");
    assert_eq!(std::fs::read_to_string(www.join("other.html")).unwrap(), "another site's page");
    assert_eq!(std::fs::read_to_string(www.join(".well-known/security.txt")).unwrap(), "Contact: x");
    assert_host_files_kept(&www, &uploads);
    assert_eq!(dot_entries(&root), Vec::<String>::new(), "no staging folder is left");

    // A link inside the target where kbgen writes a folder is not written through.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "keep").unwrap();
    std::fs::rename(www.join("year"), tmp.path().join("year-moved")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, www.join("year")).unwrap();
    let before = snapshot(&www);
    let o = kbgen(&root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("year is a link; kbgen does not write through links"), "{}", text(&o.stderr));
    assert_eq!(tree(&elsewhere), ["keep.txt"]);
    assert_eq!(snapshot(&www), before, "nothing was installed");
    assert_eq!(dot_entries(&root), Vec::<String>::new(), "no staging folder is left");
}

#[test]
fn staging_folders_of_killed_builds_are_cleaned_up() {
    let (_tmp, root) = project();
    build(&root);
    // PIDs above the largest Linux allows: no such process can be running.
    let (dead_new, dead_old) = (root.join(".site-new-4194399"), root.join(".site-old-4194398"));
    let alive = root.join(format!(".site-new-{}", std::process::id()));
    for dir in [&dead_new, &dead_old, &alive] {
        std::fs::create_dir_all(dir.join("practices")).unwrap();
        std::fs::write(dir.join("index.html"), "left by a killed build").unwrap();
    }
    build(&root);
    assert_eq!(dot_entries(&root), [alive.file_name().unwrap().to_string_lossy()], "a running build's folder stays");
    std::fs::remove_dir_all(&alive).unwrap();

    // Killed between the two renames of a swap: no site/, the old one beside it. It is put back
    // (with the host's files in it) before the new site replaces kbgen's files.
    std::fs::write(root.join("site/CNAME"), "kb.example.org\n").unwrap();
    std::fs::rename(root.join("site"), &dead_old).unwrap();
    build(&root);
    assert_eq!(std::fs::read_to_string(root.join("site/CNAME")).unwrap(), "kb.example.org\n");
    assert_eq!(dot_entries(&root), Vec::<String>::new());
}

#[test]
fn a_template_that_recurses_forever_is_an_error_not_a_crash() {
    let (_tmp, root) = project();
    build(&root);
    let before = snapshot(&root.join("site"));
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let builtin = |name: &str| kbgen::render::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == name).unwrap().1;
    std::fs::write(
        root.join("templates/practice.html"),
        builtin("practice.html").replace("</h1>", "</h1>{% include \"part.html\" %}"),
    )
    .unwrap();
    let cases = [
        (
            "part.html",
            "<p>a part</p>\n{% include \"part.html\" %}\n".to_string(),
            "templates/part.html:2:12:",
            "endless recursion: part.html → part.html",
        ),
        (
            "macros.html",
            builtin("macros.html")
                .replace("<li class=\"card\">", "<li class=\"card\">{{ self::card(c=c, root=root) }}"),
            "templates/macros.html:4:",
            "endless recursion: macros.html: macro card → macros.html: macro card",
        ),
    ];
    for (name, template, at, message) in cases {
        std::fs::write(root.join("templates").join(name), template).unwrap();
        let o = kbgen(&root, &["build"]);
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(at) && stderr.contains(message), "{name}: {stderr}");
        assert_eq!(dot_entries(&root), Vec::<String>::new(), "no staging folder is left");
        assert_eq!(snapshot(&root.join("site")), before, "the previous site is left as it was");
        std::fs::remove_file(root.join("templates").join(name)).unwrap();
    }
}

#[test]
fn control_characters_of_an_article_reach_neither_its_page_nor_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(repo().join("sources/003_eb3b055d8e44d11e.txt")).unwrap();
    // Without its headline and byline lines: the opening words stand in for the title.
    let body: String = seed.lines().filter(|l| l.chars().count() > 60).collect::<Vec<_>>().join("\n");
    // No line reads as a headline: the opening words, escape sequences and all, stand in.
    let article = format!("\u{1b}]0;PWNED-TITLE\u{7}\u{1b}[31mRED\u{1b}[0m网格\u{8}化治理\u{b}\u{7f}\u{9b}\n{body}");
    let record = serde_json::json!({ "text": article, "author": "王\u{1b}[2J五" });
    std::fs::write(tmp.path().join("feed\u{1b}[31m.jsonl"), format!("{record}\n")).unwrap();
    let other = std::fs::read_to_string(repo().join("sources/001_52eb52a0909ec699.txt")).unwrap();
    let loose = format!("<p>&#27;]0;T&#7;</p><p>{}</p>", other.replace('\n', "&#27;[31m</p><p>"));
    std::fs::write(tmp.path().join("page.html"), loose).unwrap();
    let out = tmp.path().join("content");
    let o = kbgen(tmp.path(), &["import", "--out", out.to_str().unwrap(), tmp.path().to_str().unwrap()]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "{stdout}{stderr}");
    let raw_control = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    assert!(!raw_control(&stdout) && !raw_control(&stderr), "{stdout:?}{stderr:?}");
    assert!(stdout.contains("feed\\u{1b}[31m.jsonl:1"), "the file's name, escaped: {stdout}");
    let written: Vec<String> = std::fs::read_dir(out.join("practices"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(written.len(), 2);
    for page in &written {
        assert!(!raw_control(page), "{page}");
        assert!(
            !page.contains("\\e") && !page.contains("\\x1b") && !page.contains("\\u001b") && !page.contains("\\b"),
            "{page}"
        );
    }
    // The review table shows the stand-in title, its escape sequences dropped.
    assert!(stdout.contains("needs a person's look"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.trim_start().starts_with("title") && l.contains("PWNED-TITLE[31mRED[0m")),
        "{stdout}"
    );
}
