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
/// Runs `kbgen ARGS` in `root`: (exit code, stdout, stderr).
fn run(root: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = kbgen(root, args);
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

#[test]
fn page_files_that_share_a_stem_are_an_error_naming_them() {
    let (_tmp, root) = project();
    let page = |t: &str, y: u32| format!("---\ntitle: {t}\nyear: {y}\n---\n\n{t}的正文。\n");
    std::fs::write(root.join("content/practices/same.md"), page("第一篇", 2020)).unwrap();
    std::fs::write(root.join("content/practices/same.MD"), page("第二篇", 2021)).unwrap();
    for cmd in ["build", "check"] {
        let (code, _, err) = run(&root, &[cmd]);
        assert_eq!(code, Some(1), "{cmd}: {err}");
        assert!(err.contains("two page files have the stem `same`: same.MD, same.md"), "{cmd}: {err}");
    }
    assert!(!root.join("site").exists(), "nothing was built");
}

#[test]
fn a_symlink_out_of_the_project_is_refused_and_never_quoted() {
    let (tmp, root) = project();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("netrc"), "machine github.com login bob password ghp_FAKE_TOKEN_123\n").unwrap();
    std::fs::write(outside.join("page.md"), "---\ntitle: 外面的页面OUTSIDE\nyear: 2020\n---\n\n外面。\n").unwrap();
    let practices = root.join("content/practices");
    std::os::unix::fs::symlink("/proc/self/environ", practices.join("env.md")).unwrap();
    std::os::unix::fs::symlink(outside.join("netrc"), practices.join("n.md")).unwrap();
    std::os::unix::fs::symlink(outside.join("page.md"), practices.join("outside-page.md")).unwrap();
    // A link to a page elsewhere in the project is read.
    std::fs::create_dir_all(root.join("drafts")).unwrap();
    std::fs::write(root.join("drafts/inside.md"), "---\ntitle: 里面的页面INSIDE\nyear: 2021\n---\n\n里面。\n").unwrap();
    std::os::unix::fs::symlink("../../drafts/inside.md", practices.join("inside-page.md")).unwrap();
    // Templates and data read through links out of the project are refused as well.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::os::unix::fs::symlink(outside.join("netrc"), root.join("templates/index.html")).unwrap();

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .current_dir(&root)
        .arg("build")
        .env("FAKE_CI_SECRET", "sk-test-0123456789")
        .output()
        .unwrap();
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    for secret in ["sk-test", "ghp_FAKE", "FAKE_CI_SECRET", "OUTSIDE"] {
        assert!(!out.contains(secret) && !err.contains(secret), "{secret} printed:\n{out}{err}");
    }
    for link in [
        "content/practices/env.md",
        "content/practices/n.md",
        "content/practices/outside-page.md",
        "templates/index.html",
    ] {
        assert!(
            err.contains(&format!("warning: {link}: skipped: a symbolic link that leads out of the project")),
            "{link}: {err}"
        );
    }
    let site: Vec<String> = tree(&root.join("site"));
    assert!(
        !site.iter().any(|p| p.contains("outside-page") || p.contains("env") && p.contains("practices")),
        "{site:?}"
    );
    let mut published = String::new();
    for p in
        site.iter().filter(|p| p.ends_with(".html") || p.ends_with(".xml") || p.ends_with(".js") || p.ends_with(".csv"))
    {
        published.push_str(&std::fs::read_to_string(root.join("site").join(p)).unwrap_or_default());
    }
    assert!(!published.contains("OUTSIDE") && !published.contains("ghp_FAKE"), "an outside file was published");
    assert!(published.contains("里面的页面INSIDE"), "a link inside the project is followed");

    std::fs::create_dir_all(root.join("data")).unwrap();
    std::os::unix::fs::symlink(outside.join("netrc"), root.join("data/regions.tsv")).unwrap();
    let (code, out, err) = run(&root, &["check"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(err.contains("data/regions.tsv: a symbolic link to a file outside the project"), "{err}");
    assert!(!err.contains("ghp_FAKE"), "{err}");
}

#[test]
fn serve_reads_no_page_through_a_link_out_of_the_project() {
    let (tmp, root) = project();
    std::fs::write(tmp.path().join("netrc"), "machine github.com login bob password ghp_FAKE_TOKEN_123\n").unwrap();
    let mut preview = kbgen::build::Preview::new(&root).map_err(|d| format!("{d:?}")).unwrap();
    let link = root.join("content/practices/n.md");
    std::os::unix::fs::symlink(tmp.path().join("netrc"), &link).unwrap();
    let e = preview.update(std::slice::from_ref(&link)).expect_err("the link is refused");
    let shown = kbgen::diag::report(&e, 5);
    assert!(shown.contains("n.md: skipped: a symbolic link that leads out of the project"), "{shown}");
    assert!(!shown.contains("ghp_FAKE"), "{shown}");
}

#[test]
fn a_build_keeps_the_output_folders_mode_owner_and_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (_tmp, root) = project();
    let site = root.join("site");
    // As root the folder is given to nogroup (65534), as a web root is given to www-data.
    let root_user = unsafe { libc::geteuid() } == 0;
    for mode in [0o2770, 0o700, 0o750] {
        std::fs::create_dir_all(&site).unwrap();
        if root_user {
            std::os::unix::fs::chown(&site, None, Some(65534)).unwrap();
        }
        std::fs::set_permissions(&site, std::fs::Permissions::from_mode(mode)).unwrap();
        // An extended attribute (ACLs are ones), where the file system takes user attributes.
        let xattr = rustix::fs::setxattr(&site, "user.kbgen-test", b"kept", rustix::fs::XattrFlags::empty()).is_ok();
        let before = std::fs::metadata(&site).unwrap();
        build(&root);
        let after = std::fs::metadata(&site).unwrap();
        if xattr {
            let mut v = [0u8; 16];
            let n = rustix::fs::getxattr(&site, "user.kbgen-test", &mut v[..]).expect("the attribute is kept");
            assert_eq!(&v[..n], b"kept");
        }
        assert_eq!(after.mode() & 0o7777, mode, "mode {:o} became {:o}", mode, after.mode() & 0o7777);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()), "owner and group of a {mode:o} folder");
        if mode & 0o2000 != 0 {
            // Files made in a setgid folder take its group, as they would if written in place.
            let page = std::fs::metadata(site.join("index.html")).unwrap();
            assert_eq!(page.gid(), before.gid(), "a page's group in a setgid folder");
        }
        build(&root);
        assert_eq!(std::fs::metadata(&site).unwrap().mode() & 0o7777, mode, "a second build keeps it too");
        std::fs::remove_dir_all(&site).unwrap();
    }
}

#[test]
fn base_url_must_be_an_absolute_web_address_and_a_loopback_one_is_warned_of() {
    let (_tmp, root) = project();
    let config = std::fs::read_to_string(root.join("kbgen.toml")).unwrap();
    for bad in ["javascript:alert(document.domain)//", "example.org/kb"] {
        std::fs::write(root.join("kbgen.toml"), config.replace("https://example.org/kb/", bad)).unwrap();
        for cmd in ["build", "check"] {
            let (code, _, err) = run(&root, &[cmd]);
            assert_eq!(code, Some(1), "{bad}: {err}");
            assert!(
                err.starts_with("error: kbgen.toml:3:1: `base_url` must be an absolute http(s) URL"),
                "{bad}: {err}"
            );
        }
        assert!(!root.join("site").exists());
    }
    std::fs::write(root.join("kbgen.toml"), config.replace("https://example.org/kb/", "http://127.0.0.1:8000/"))
        .unwrap();
    let (code, _, err) = run(&root, &["build"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("warning: kbgen.toml:3:1: `base_url` is http://127.0.0.1:8000/, a loopback address"), "{err}");
    let (_, _, err) = run(&root, &["build"]);
    assert!(err.contains("loopback"), "every build says so");
    std::fs::write(root.join("kbgen.toml"), &config).unwrap();
    let (code, _, err) = run(&root, &["build"]);
    assert_eq!((code, err.as_str()), (Some(0), ""), "a public address: no warning");
}

#[test]
fn control_characters_never_break_a_feed_and_are_warned_of() {
    // roxmltree refuses what XML 1.0 forbids, as every feed reader does.
    assert!(roxmltree::Document::parse("<a>\u{b}</a>").is_err());
    let (_tmp, root) = project();
    let config = std::fs::read_to_string(root.join("kbgen.toml")).unwrap();
    std::fs::write(
        root.join("kbgen.toml"),
        config
            .replace("title = \"测试知识库\"", "title = \"测试\\u0001知识库\\u000b\"")
            .replace("description = \"", "description = \"\\u0008\\u001b[31m"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/practices/2024-control.md"),
        "---\ntitle: \"昆山\\v推行\\b网格化治理\\e]0;PWNED\\a\"\nyear: 2024\nmechanism:\n- cadre-incentive\n---\n\n正文\u{8}有\u{b}控制\u{1b}[31m字符。\n",
    )
    .unwrap();
    let (code, _, err) = run(&root, &["build"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("warning: content/practices/2024-control.md:2:1: `title` holds a control character"), "{err}");
    assert!(err.contains("warning: content/practices/2024-control.md:8:"), "the body's line: {err}");
    assert!(err.contains("warning: kbgen.toml:1:1: `title` holds a control character"), "{err}");
    assert!(err.contains("warning: kbgen.toml:2:1: `description` holds a control character"), "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}') && !err.contains('\u{8}'),
        "raw controls printed: {err:?}"
    );
    let (_, _, check) = run(&root, &["check"]);
    assert!(check.contains("2024-control.md:2:1: `title` holds a control character"), "{check}");
    let xml: Vec<String> = tree(&root.join("site")).into_iter().filter(|p| p.ends_with(".xml")).collect();
    assert!(xml.iter().any(|p| p == "mechanism/cadre-incentive/atom.xml") && xml.len() > 3, "{xml:?}");
    for p in &xml {
        let s = std::fs::read_to_string(root.join("site").join(p)).unwrap();
        if let Err(e) = roxmltree::Document::parse(&s) {
            panic!("{p} is not XML: {e}");
        }
    }
    assert!(
        root.join("site/atom.xml").is_file()
            && std::fs::read_to_string(root.join("site/atom.xml")).unwrap().contains("昆山推行网格化治理")
    );
}

#[test]
fn errors_print_a_pages_control_characters_as_escapes() {
    let (_tmp, root) = project();
    std::fs::write(
        root.join("content/practices/2024-bad.md"),
        "---\ntitle: \u{1b}]0;PWNED-TITLE\u{7}\u{1b}[31mRED\nyear: [\n---\n\n正文。\n",
    )
    .unwrap();
    for cmd in ["build", "check"] {
        let (code, out, err) = run(&root, &[cmd]);
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(err.contains("2024-bad.md"), "{err}");
        assert!(!(out + &err).chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{err:?}");
        assert!(err.contains("\\u{1b}]0;PWNED-TITLE\\u{7}"), "shown as escapes: {err}");
    }
}

#[test]
fn front_matter_mistakes_are_reported_where_they_are() {
    let (_tmp, root) = project();
    let practices = root.join("content/practices");
    std::fs::write(
        practices.join("a.md"),
        "---\ntitle: x\nyear: 2020\nauthor: a\nsource: s\nauthor: b\n---\n\n正文。\n",
    )
    .unwrap();
    std::fs::write(practices.join("-2-3.md"), "---\ntitle: y\nyear: 2020\n---\n\n正文。\n").unwrap();
    std::fs::write(practices.join("d2100.md"), "---\ntitle: z\ndate: 2100-01-01\nyear: 2100\n---\n\n正文。\n").unwrap();
    let (code, _, err) = run(&root, &["check"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("error: content/practices/a.md:6:1: duplicate field `author`"), "{err}");
    assert!(
        err.contains("error: content/practices/-2-3.md: file name `-2-3` must start with a letter or digit"),
        "{err}"
    );
    assert!(!err.contains("d2100.md"), "year 2100 is as good as a date in 2100: {err}");
    assert!(err.contains("2 errors in 2 files"), "{err}");
}

#[test]
fn static_links_inside_the_project_are_copied_and_outside_ones_warned_of() {
    let (tmp, root) = project();
    std::fs::create_dir_all(root.join("assets/img")).unwrap();
    std::fs::write(root.join("assets/logo.svg"), "<svg/>").unwrap();
    std::fs::write(root.join("assets/img/a.png"), "png").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "ghp_FAKE").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink("../assets/logo.svg", root.join("static/logo.svg")).unwrap();
    std::os::unix::fs::symlink("../assets/img", root.join("static/img")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("static/secret.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), root.join("static/up")).unwrap();
    std::os::unix::fs::symlink("nothing-here", root.join("static/gone.css")).unwrap();
    let (code, _, err) = run(&root, &["build"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read_to_string(root.join("site/static/logo.svg")).unwrap(), "<svg/>");
    assert_eq!(std::fs::read_to_string(root.join("site/static/img/a.png")).unwrap(), "png");
    assert!(!root.join("site/static/secret.txt").exists() && !root.join("site/static/up").exists());
    for (link, why) in [
        ("static/secret.txt", "leads out of the project"),
        ("static/up", "leads out of the project"),
        ("static/gone.css", "to nothing"),
    ] {
        assert!(err.contains(&format!("warning: {link}: skipped: a symbolic link ")), "{link}: {err}");
        assert!(err.lines().any(|l| l.starts_with(&format!("warning: {link}:")) && l.contains(why)), "{link}: {err}");
    }
}

#[test]
fn init_force_never_writes_through_a_link_and_completes_gitignore() {
    let tmp = tempfile::tempdir().unwrap();
    let (dang, elsewhere) = (tmp.path().join("dang"), tmp.path().join("elsewhere"));
    std::fs::create_dir_all(&dang).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("written-through.toml"), dang.join("kbgen.toml")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("gi"), dang.join(".gitignore")).unwrap();
    let (code, out, err) = run(tmp.path(), &["init", "--force", "dang"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!elsewhere.exists(), "nothing written through a link: {out}");
    assert!(out.contains("skipped   dang/kbgen.toml (a symbolic link is in the way"), "{out}");

    let kb = tmp.path().join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    std::fs::write(kb.join(".gitignore"), "target/\n").unwrap();
    let (code, out, _) = run(tmp.path(), &["init", "--force", "kb"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("updated   kb/.gitignore (added /site/, /.site-*/)"), "{out}");
    assert_eq!(
        std::fs::read_to_string(kb.join(".gitignore")).unwrap(),
        "target/\n# kbgen's output and private folders\n/site/\n/.site-*/\n"
    );
    // A key appended to the generated kbgen.toml is a key of the top level: one given twice is
    // named with both lines, one moved to the end works.
    let config = std::fs::read_to_string(kb.join("kbgen.toml")).unwrap();
    let line = config.lines().position(|l| l.starts_with("base_url = ")).unwrap() + 1;
    std::fs::write(kb.join("kbgen.toml"), format!("{config}base_url = \"https://example.org/kb/\"\n")).unwrap();
    let (code, _, err) = run(&kb, &["build"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(&format!("duplicate key `base_url`: line {line} gives it already")), "{err}");
    let moved =
        config.replace("base_url = \"http://127.0.0.1:8000/\"\n", "") + "base_url = \"https://example.org/kb/\"\n";
    std::fs::write(kb.join("kbgen.toml"), moved).unwrap();
    let (code, _, err) = run(&kb, &["build"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("loopback"), "{err}");
}
