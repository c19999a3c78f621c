//! `kbgen serve` end to end: the real binary on a temporary copy of the fixture site, on a free
//! port; edits in place and by rename, a broken page and its fix, traversal attempts.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{copy_dir, repo};

struct Server {
    child: Child,
    addr: String,
    /// `rebuilt …` lines printed so far.
    rebuilds: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .current_dir(root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep reading, so the server's rebuild lines always have somewhere to go.
    let rebuilds = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&rebuilds);
    std::thread::spawn(move || {
        for l in out.lines().map_while(Result::ok) {
            if l.starts_with("rebuilt ") {
                lines.lock().unwrap().push(l);
            }
        }
    });
    let addr = line
        .strip_prefix("serving http://")
        .and_then(|l| l.split('/').next())
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "binds to loopback: {addr}");
    Server { child, addr, rebuilds }
}

/// GET `path` (sent as written, so traversal attempts reach the server unchanged).
fn get(s: &Server, path: &str) -> (u16, String, String) {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(c, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", s.addr).unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: ").or(l.strip_prefix("content-type: ")))
        .unwrap_or("")
        .to_string();
    (status, ctype, body.to_string())
}

fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

const PAGE: &str = "/practices/2023-shanxi-dui-biao/index.html";
const FILE: &str = "content/practices/2023-shanxi-dui-biao.md";

#[test]
fn serves_rebuilds_on_edits_and_survives_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let s = start(&root);

    let (status, ctype, body) = get(&s, PAGE);
    assert_eq!((status, ctype.as_str()), (200, "text/html; charset=utf-8"));
    assert!(body.contains("山西太原对标先进找差距"));
    assert!(body.contains("EventSource(\"/__kbgen/events\")"), "live reload script injected");
    assert!(!root.join("site").exists(), "serve never writes site/");

    // Serving (which reads files) causes no rebuilds by itself.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.rebuilds.lock().unwrap().len(), 0, "idle server rebuilt");

    // Edit in place.
    let original = std::fs::read_to_string(root.join(FILE)).unwrap();
    std::fs::write(root.join(FILE), original.replace("找差距、补短板", "找差距、补短板、一次编辑")).unwrap();
    eventually("the in-place edit", || get(&s, PAGE).2.contains("一次编辑"));
    std::thread::sleep(Duration::from_millis(800));
    let rebuilds = s.rebuilds.lock().unwrap().clone();
    assert_eq!(rebuilds.len(), 1, "one save, one rebuild: {rebuilds:?}");
    // Incremental: the page, and the lists showing its card (the edit is in the excerpt), not
    // all 44 pages.
    let drawn: usize = rebuilds[0].split(' ').nth(1).unwrap().parse().unwrap();
    assert!((1..=10).contains(&drawn), "{rebuilds:?}");

    // Write a temporary file and rename it over the page, as vim and VS Code do.
    let tmpfile = root.join("content/practices/.2023-shanxi-dui-biao.md.tmp");
    std::fs::write(&tmpfile, original.replace("找差距、补短板", "找差距、补短板、二次编辑")).unwrap();
    std::fs::rename(&tmpfile, root.join(FILE)).unwrap();
    eventually("the rename-over edit", || get(&s, PAGE).2.contains("二次编辑"));

    // Break the front matter: the last good page is still served, with the error over it.
    std::fs::write(root.join(FILE), original.replace("year: 2023\n", "year: [2023\n")).unwrap();
    eventually("the error overlay", || {
        let body = get(&s, PAGE).2;
        body.contains("kbgen-error") && body.contains("content/practices/2023-shanxi-dui-biao.md:")
    });
    assert!(get(&s, PAGE).2.contains("二次编辑"), "the last good page is still served");

    // Fix it: the overlay goes.
    std::fs::write(root.join(FILE), &original).unwrap();
    eventually("recovery", || {
        let body = get(&s, PAGE).2;
        !body.contains("kbgen-error") && !body.contains("二次编辑")
    });
}

#[test]
fn never_serves_outside_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    let s = start(&root);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/static/..%2F..%2Fsecret.txt",
        "/kbgen.toml",
        "/nope/",
    ] {
        let (status, ctype, body) = get(&s, path);
        assert_eq!(status, 404, "{path}");
        assert!(ctype.starts_with("text/html"), "{path}: the 404 page");
        assert!(!body.contains("secret"), "{path}");
        assert!(body.contains("页面未找到"), "{path}: serves 404.html");
    }
    let (status, ctype, _) = get(&s, "/static/style.css");
    assert_eq!((status, ctype.as_str()), (200, "text/css; charset=utf-8"));
    let (status, ctype, _) = get(&s, "/search/meta.js");
    assert_eq!((status, ctype.as_str()), (200, "text/javascript; charset=utf-8"));
}

#[test]
fn a_project_folder_made_while_serving_is_watched() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    assert!(!root.join("templates").exists(), "the fixture uses the built-in templates");
    let s = start(&root);
    assert!(get(&s, PAGE).2.contains("山西太原对标先进找差距"));

    // A new templates/ folder with an override: its creation is seen at the root.
    let practice = kbgen::render::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == "practice.html").unwrap().1;
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/practice.html"), practice.replace("</h1>", "</h1><p>模板一</p>")).unwrap();
    eventually("the new template", || get(&s, PAGE).2.contains("模板一"));

    // Later saves inside the new folder are seen too.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(root.join("templates/practice.html"), practice.replace("</h1>", "</h1><p>模板二</p>")).unwrap();
    eventually("an edit inside the new folder", || get(&s, PAGE).2.contains("模板二"));
}

#[test]
fn a_folder_deleted_and_made_again_is_watched_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let practice = kbgen::render::BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == "practice.html").unwrap().1;
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/practice.html"), practice.replace("</h1>", "</h1><p>模板一</p>")).unwrap();
    let s = start(&root);
    assert!(get(&s, PAGE).2.contains("模板一"));

    // The folder goes (the built-in template is back) and comes again with a new override.
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    eventually("the built-in template after the folder went", || !get(&s, PAGE).2.contains("模板一"));
    std::thread::sleep(Duration::from_millis(300));
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/practice.html"), practice.replace("</h1>", "</h1><p>模板二</p>")).unwrap();
    eventually("the folder made again", || get(&s, PAGE).2.contains("模板二"));
    // Saves inside it are seen: it is watched again.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(root.join("templates/practice.html"), practice.replace("</h1>", "</h1><p>模板三</p>")).unwrap();
    eventually("an edit inside the folder made again", || get(&s, PAGE).2.contains("模板三"));
}
