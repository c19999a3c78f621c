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
    /// `rebuild failed; …` lines printed so far (standard error).
    failed: Arc<Mutex<Vec<String>>>,
    /// Every line of standard error so far.
    stderr: Arc<Mutex<Vec<String>>>,
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
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let failed = Arc::new(Mutex::new(Vec::new()));
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let (errors, all) = (Arc::clone(&failed), Arc::clone(&stderr));
    let err = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for l in err.lines().map_while(Result::ok) {
            if l.starts_with("rebuild failed") {
                errors.lock().unwrap().push(l.clone());
            }
            all.lock().unwrap().push(l);
        }
    });
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
    Server { child, addr, rebuilds, failed, stderr }
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

/// One save as an editor makes it: the file operations, in order, at full speed.
fn save_as(editor: &str, root: &Path, text: &str) {
    let file = root.join(FILE);
    let dir = file.parent().unwrap().to_path_buf();
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    match editor {
        "in place" => std::fs::write(&file, text).unwrap(),
        // VS Code's and most libraries' atomic save: a temporary file renamed over the page.
        "write then rename" => {
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&tmp, &file).unwrap();
        }
        // vim with writebackup: a probe file, the page renamed to a backup, written anew, the
        // backup removed.
        "vim" => {
            std::fs::write(dir.join("4913"), "").unwrap();
            std::fs::remove_file(dir.join("4913")).unwrap();
            std::fs::rename(&file, dir.join(format!("{name}~"))).unwrap();
            std::fs::write(&file, text).unwrap();
            std::fs::remove_file(dir.join(format!("{name}~"))).unwrap();
        }
        // JetBrains' safe write: a temporary copy, the page moved aside, the copy moved in.
        "jetbrains" => {
            let (tmp, old) = (dir.join(format!("{name}___jb_tmp___")), dir.join(format!("{name}___jb_old___")));
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&file, &old).unwrap();
            std::fs::rename(&tmp, &file).unwrap();
            std::fs::remove_file(&old).unwrap();
        }
        "delete then create" => {
            std::fs::remove_file(&file).unwrap();
            std::fs::write(&file, text).unwrap();
        }
        // A slow save: the text written in four parts, 8 ms apart (a big file, a busy disk).
        "in parts" => {
            let mut f = std::fs::File::create(&file).unwrap();
            let chars: Vec<char> = text.chars().collect();
            for part in chars.chunks(chars.len().div_ceil(4)) {
                f.write_all(part.iter().collect::<String>().as_bytes()).unwrap();
                f.flush().unwrap();
                std::thread::sleep(Duration::from_millis(8));
            }
        }
        _ => unreachable!("{editor}"),
    }
}

#[test]
fn each_editors_save_gives_one_rebuild_with_the_final_text() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let s = start(&root);
    let original = std::fs::read_to_string(root.join(FILE)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    for (n, editor) in
        ["in place", "write then rename", "vim", "jetbrains", "delete then create", "in parts"].into_iter().enumerate()
    {
        let before = s.rebuilds.lock().unwrap().len();
        let failed_before = s.failed.lock().unwrap().len();
        let marker = format!("第{n}次保存");
        save_as(editor, &root, &original.replace("找差距、补短板", &marker));
        eventually(editor, || get(&s, PAGE).2.contains(&marker));
        // Long past the debounce: any second rebuild of the same save has happened by now.
        std::thread::sleep(Duration::from_millis(400));
        let rebuilds = s.rebuilds.lock().unwrap()[before..].to_vec();
        let failed = s.failed.lock().unwrap()[failed_before..].to_vec();
        assert_eq!((rebuilds.len(), failed.len()), (1, 0), "{editor}: one save, one rebuild: {rebuilds:?} {failed:?}");
        assert!(get(&s, PAGE).2.contains(&marker), "{editor}: the page shows the saved text");
    }
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

// Hostile and clumsy clients (issue 11, items 7 and 9): whatever one connection sends or however
// slowly it reads, the server keeps answering everyone else.

/// Sends `bytes` on a new connection (write errors ignored: the server may close early), closes
/// the sending half, and returns what comes back before the server closes (or `wait` passes,
/// or a live-reload stream has begun: it stays open).
fn exchange(addr: &str, bytes: &[u8], wait: Duration) -> Vec<u8> {
    // This client closes its sending side after the request; hyper may read that end of input
    // before it writes the answer and close unanswered (a browser never half-closes, and serve
    // must not keep half-closed live-reload clients). Nothing back at all is asked once more.
    let raw = exchange_once(addr, bytes, wait);
    if raw.is_empty() {
        return exchange_once(addr, bytes, wait);
    }
    raw
}

fn exchange_once(addr: &str, bytes: &[u8], wait: Duration) -> Vec<u8> {
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(wait)).unwrap();
    c.set_write_timeout(Some(wait)).unwrap();
    let _ = c.write_all(bytes);
    let _ = c.shutdown(std::net::Shutdown::Write);
    let mut raw = Vec::new();
    let mut buf = [0; 16384];
    while let Ok(n @ 1..) = c.read(&mut buf) {
        raw.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&raw);
        if text.contains("\r\n\r\n") && text.contains("text/event-stream") {
            break;
        }
    }
    raw
}

/// The status code of a raw response, 0 when there is none.
fn status_of(raw: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(64)]).into_owned();
    text.strip_prefix("HTTP/1.").and_then(|t| t.get(2..5)).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Reads one response head (up to the blank line) from `c`.
fn read_head(c: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        match c.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Asserts the server still answers a normal request and is still running.
fn still_answering(s: &mut Server, after: &str) {
    let (status, _, body) = get(s, PAGE);
    assert_eq!(status, 200, "after {after}");
    assert!(body.contains("山西太原对标先进找差距"), "after {after}");
    assert!(s.child.try_wait().unwrap().is_none(), "serve exited after {after}");
}

/// Threads of a running process (Linux), to show streams and slow clients cost none each.
fn threads(pid: u32) -> Option<usize> {
    std::fs::read_dir(format!("/proc/{pid}/task")).ok().map(|d| d.count())
}

fn served_copy() -> (tempfile::TempDir, Server) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let s = start(&root);
    (tmp, s)
}

#[test]
fn a_request_declaring_a_huge_body_does_not_kill_serve() {
    let (_tmp, mut s) = served_copy();
    let huge = "Content-Length: 99999999999\r\n";
    let host = &s.addr;
    for (request, want) in [
        (format!("POST / HTTP/1.1\r\nHost: {host}\r\n{huge}\r\nabc"), 405),
        (format!("PUT /index.html HTTP/1.1\r\nHost: {host}\r\n{huge}\r\n"), 405),
        (format!("GET / HTTP/1.1\r\nHost: {host}\r\n{huge}\r\nabc"), 200),
        (format!("HEAD / HTTP/1.1\r\nHost: {host}\r\n{huge}\r\n"), 200),
        (format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999999999999999999\r\n\r\n"), 400),
        (format!("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffff\r\nab"), 405),
    ] {
        let raw = exchange(&s.addr, request.as_bytes(), Duration::from_secs(10));
        assert_eq!(status_of(&raw), want, "{request:?} → {:?}", String::from_utf8_lossy(&raw));
        still_answering(&mut s, &request);
    }
    // Other methods are refused without reading a body; GET and HEAD are what a preview needs.
    let delete = format!("DELETE / HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr);
    let raw =
        String::from_utf8(exchange(&s.addr, delete.as_bytes(), Duration::from_secs(10))).unwrap().to_ascii_lowercase();
    assert!(raw.contains("\r\nallow: get, head\r\n"), "{raw}");
    // HEAD: the headers of the GET, no body.
    let raw = String::from_utf8(exchange(&s.addr, b"HEAD / HTTP/1.0\r\n\r\n", Duration::from_secs(10))).unwrap();
    assert!(raw.to_ascii_lowercase().contains("content-type: text/html; charset=utf-8"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n"), "HEAD sends no body: {raw}");
}

#[test]
fn slow_readers_of_a_large_file_do_not_hold_up_others() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    // Far more than the kernel buffers of a connection hold, so a reader that stops reading
    // leaves the server with most of the file still to write.
    const SIZE: usize = 32 << 20;
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/big.bin"), (0..SIZE).map(|i| (i % 251) as u8).collect::<Vec<_>>()).unwrap();
    let mut s = start(&root);
    let before = threads(s.child.id());
    let memory = |s: &Server| {
        let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).ok()?;
        let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches(" kB").parse::<usize>();
        kb.ok().map(|kb| kb * 1024)
    };
    let memory_before = memory(&s);

    // Six clients (more than the old four workers) ask for the file and read one block only.
    let mut slow: Vec<TcpStream> = (0..6)
        .map(|_| {
            let mut c = TcpStream::connect(&s.addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            write!(c, "GET /static/big.bin HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr).unwrap();
            let head = read_head(&mut c);
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert!(head.to_ascii_lowercase().contains(&format!("content-length: {SIZE}")), "{head}");
            let mut block = [0; 4096];
            c.read_exact(&mut block).unwrap();
            c
        })
        .collect();
    // While all six are stalled, pages and the same file still come to others.
    still_answering(&mut s, "six stalled readers");
    let (status, _, _) = get(&s, "/static/style.css");
    assert_eq!(status, 200);
    if let (Some(before), Some(now)) = (before, threads(s.child.id())) {
        assert!(now <= before + 1, "threads went from {before} to {now}");
    }
    // They share one copy of the file (six would be 192 MB).
    if let (Some(before), Some(now)) = (memory_before, memory(&s)) {
        assert!(now < before + 3 * SIZE, "resident memory went from {before} to {now} bytes");
    }
    // The stalled readers were kept, not dropped: each gets the rest of the file intact.
    for (n, c) in slow.iter_mut().enumerate() {
        let mut rest = Vec::new();
        c.read_to_end(&mut rest).unwrap();
        assert_eq!(rest.len(), SIZE - 4096, "reader {n}");
        assert!(rest.iter().enumerate().all(|(i, b)| *b == ((i + 4096) % 251) as u8), "reader {n}");
    }
}

#[test]
fn live_reload_streams_are_bounded_and_cost_no_thread_each() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let mut s = start(&root);
    let before = threads(s.child.id());
    let open = |s: &Server| {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(c, "GET /__kbgen/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n", s.addr).unwrap();
        let head = read_head(&mut c);
        (c, head)
    };
    let mut streams = Vec::new();
    let mut refused = 0;
    for _ in 0..300 {
        let (c, head) = open(&s);
        if head.starts_with("HTTP/1.1 200") {
            assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
            streams.push(c);
        } else {
            assert!(head.starts_with("HTTP/1.1 503"), "{head}");
            refused += 1;
        }
    }
    assert_eq!((streams.len(), refused), (256, 44), "256 streams at most; the others are told to retry");
    if let (Some(before), Some(now)) = (before, threads(s.child.id())) {
        assert!(now <= before + 1, "threads went from {before} to {now} with 256 streams");
    }
    still_answering(&mut s, "256 open streams");

    // Every stream hears the first version, then the rebuild after a save.
    let next_event = |c: &mut TcpStream| -> String {
        let mut text = Vec::new();
        let mut byte = [0];
        loop {
            assert_eq!(c.read(&mut byte).unwrap(), 1, "stream closed");
            text.push(byte[0]);
            let t = String::from_utf8_lossy(&text);
            if let Some(line) = t.lines().find_map(|l| l.strip_prefix("data: ")) {
                if t.ends_with("\n\n") {
                    return line.to_string();
                }
            }
        }
    };
    let first: Vec<String> = streams.iter_mut().map(next_event).collect();
    assert!(first.iter().all(|v| *v == first[0]), "one version for all: {first:?}");
    let original = std::fs::read_to_string(root.join(FILE)).unwrap();
    std::fs::write(root.join(FILE), original.replace("找差距、补短板", "找差距、补短板、一次编辑")).unwrap();
    for c in &mut streams {
        let v = next_event(c);
        assert_ne!(v, first[0], "a new version after the save");
    }

    // Closed streams free their places.
    streams.truncate(156);
    eventually("a place for a new stream", || open(&s).1.starts_with("HTTP/1.1 200"));
    still_answering(&mut s, "closing 100 streams");
}

#[test]
fn silent_and_dribbling_connections_are_dropped_and_never_lock_serve_out() {
    let (_tmp, mut s) = served_copy();
    let mut dribble = TcpStream::connect(&s.addr).unwrap();
    dribble.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    write!(dribble, "GET / HTTP/1.1\r\nHost: {}\r\n", s.addr).unwrap();
    let start = Instant::now();
    // More idle connections than serve takes at once: later clients wait, then get through
    // as the header timeout drops the silent ones.
    let idle: Vec<TcpStream> = (0..600).map(|_| TcpStream::connect(&s.addr).unwrap()).collect();
    still_answering(&mut s, "600 idle connections");
    // A header sent one byte at a time never completes: the connection is closed.
    let mut closed = false;
    while start.elapsed() < Duration::from_secs(30) {
        if dribble.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        match dribble.read(&mut [0; 512]) {
            Ok(_) => {
                closed = true;
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "a header dribbled for 30 s still holds its connection");
    drop(idle);
    still_answering(&mut s, "a dribbled header");
}

/// A seeded generator: deterministic, so a failing case can be replayed from its number.
struct Rng(fastrand::Rng);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0.u64(..)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0.usize(..n.max(1))
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Requests no client should send, one per connection: a fixed corpus, then generated ones
/// (random bytes, a valid request cut, flipped or spliced, random methods, targets, headers and
/// chunked bodies). After each, the server answers a normal GET; what it sends back is an HTTP
/// response or nothing, and never a file outside the site.
#[test]
fn malformed_requests_leave_serve_answering() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    std::fs::write(tmp.path().join("secret.txt"), "secret-words").unwrap();
    let mut s = start(&root);

    // Requests name the server's own address (a request for another host is refused: see
    // `a_request_for_another_host_is_refused`).
    let host = format!("Host: {}", s.addr);
    let good = format!("GET {PAGE} HTTP/1.1\r\n{host}\r\nConnection: close\r\n\r\n");
    let mut corpus: Vec<Vec<u8>> = [
        "",
        "\r\n\r\n",
        "GET\r\n\r\n",
        "GET / \r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "GET  /  HTTP/1.1\r\n\r\n",
        "get / http/1.1\r\n\r\n",
        "GET http://evil.example/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: \r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n\r\n",
        "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%2e%2e/%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /..%5c..%5csecret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET //../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        "CONNECT x:80 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /% HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%e7%bd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n: empty-name\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n folded: line\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n",
        "GET / HTTP/1.1\rHost: x\r\r",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"\r\nhello\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n",
        "GET /practices/2023-shan",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
        "GET /__kbgen/events HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        "POST /__kbgen/events HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        "HEAD /__kbgen/events HTTP/1.1\r\nHost: x\r\n\r\n",
        "\u{16}\u{3}\u{1}\u{2}\u{0}\u{1}\u{0}\u{1}\u{fc}\u{3}\u{3}",
    ]
    .iter()
    .map(|r| r.replace("Host: x", &host).into_bytes())
    .collect();
    // Pipelined requests, good and bad mixed.
    corpus.push(format!("GET / HTTP/1.1\r\n{host}\r\n\r\n{good}").repeat(3).into_bytes());
    corpus.push(format!("GET / HTTP/1.1\r\n{host}\r\n\r\nGARBAGE\r\n\r\n{good}").into_bytes());
    corpus.push(format!("GET / HTTP/1.1\r\n{host}\r\n\r\n").repeat(200).into_bytes());
    // Huge request lines and headers, many headers.
    corpus.push(format!("GET /{} HTTP/1.1\r\n{host}\r\n\r\n", "a".repeat(100_000)).into_bytes());
    corpus.push(format!("GET / HTTP/1.1\r\n{host}\r\nX: {}\r\n\r\n", "b".repeat(1 << 20)).into_bytes());
    corpus.push(format!("GET / HTTP/1.1\r\n{host}\r\n{}\r\n", "X-A: b\r\n".repeat(5000)).into_bytes());
    corpus.push(vec![0; 100_000]);
    corpus.push(vec![b'\n'; 100_000]);
    let fixed = corpus.len();

    let mut rng = Rng(fastrand::Rng::with_seed(0x2545_F491_4F6C_DD1D));
    let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "G\0T", "GET GET", "", "ÄÖÜ", "PATCH", "TRACE"];
    let targets = [
        "/",
        PAGE,
        "/../",
        "/%",
        "/%2",
        "/%ZZ",
        "/%2e%2e%2f",
        "/\\..\\",
        "/%00",
        "//",
        "/?",
        "/#",
        "/a b",
        "/\u{7f}",
        "/网",
        "/%E7%BD%91",
        "/__kbgen/events",
        "/__kbgen/events?x",
        "/static/style.css",
        "*",
        "",
        "http://x/",
        "/?q=%%%",
    ];
    let headers = [
        "Host: x",
        "Content-Length: 0",
        "Content-Length: 18446744073709551616",
        "Content-Length: 99999999999",
        "Transfer-Encoding: chunked",
        "Connection: close",
        "Connection: keep-alive",
        "Expect: 100-continue",
        "Range: bytes=0-0",
        "X:",
        ":",
        "Host",
        "\0: \0",
        "Accept: text/event-stream",
    ];
    let chunks =
        ["0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", "ffffffff\r\n", "g\r\n", "1\r\n", "\r\n\r\n", "0\r\nX: y\r\n\r\n"];
    for case in 0..2000 {
        let mut r: Vec<u8> = match case % 5 {
            0 => (0..rng.below(2000)).map(|_| rng.next() as u8).collect(),
            1 => {
                // A good request cut anywhere.
                let g = good.as_bytes();
                g[..rng.below(g.len())].to_vec()
            }
            2 => {
                // A good request with bytes replaced or inserted.
                let mut g = good.clone().into_bytes();
                for _ in 0..1 + rng.below(6) {
                    let at = rng.below(g.len());
                    let b =
                        *[0u8, b'\r', b'\n', b' ', b':', b'%', 0x80, 0xff, rng.next() as u8].get(rng.below(9)).unwrap();
                    if rng.below(2) == 0 {
                        g[at] = b;
                    } else {
                        g.insert(at, b);
                    }
                }
                g
            }
            _ => {
                // Parts put together at random.
                let mut t = format!("{} {} HTTP/1.{}\r\n", rng.pick(&methods), rng.pick(&targets), rng.below(3));
                for _ in 0..rng.below(6) {
                    t.push_str(rng.pick(&headers));
                    t.push_str("\r\n");
                }
                if rng.below(4) == 0 {
                    t.push_str(&format!("X-Long: {}\r\n", "y".repeat(rng.below(40_000))));
                }
                t.push_str("\r\n");
                for _ in 0..rng.below(3) {
                    t.push_str(rng.pick(&chunks));
                }
                if rng.below(3) == 0 {
                    t.push_str(&good);
                }
                t.replace("Host: x", &host).into_bytes()
            }
        };
        if rng.below(10) == 0 {
            r.truncate(rng.below(r.len() + 1));
        }
        corpus.push(r);
    }

    let start = Instant::now();
    let mut statuses = std::collections::BTreeMap::new();
    for (n, request) in corpus.iter().enumerate() {
        let raw = exchange(&s.addr, request, Duration::from_secs(10));
        let shown = || String::from_utf8_lossy(&request[..request.len().min(300)]).into_owned();
        assert!(
            raw.is_empty() || raw.starts_with(b"HTTP/1."),
            "case {n} {:?}: not HTTP: {:?}",
            shown(),
            &raw[..raw.len().min(100)]
        );
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("secret-words") && !text.contains("root:"), "case {n} {:?} left the site", shown());
        *statuses.entry(status_of(&raw)).or_insert(0) += 1;
        still_answering(&mut s, &format!("case {n} {:?}", shown()));
    }
    eprintln!(
        "{} malformed requests ({fixed} fixed, {} generated) in {} ms; statuses {statuses:?}",
        corpus.len(),
        corpus.len() - fixed,
        start.elapsed().as_millis()
    );
    assert!(corpus.len() >= 2000);
}

/// GET `path` with or without `Accept-Encoding: gzip`: status, whether the body came gzip'd,
/// and the body as the file's bytes (gunzipped).
fn get_bytes(s: &Server, path: &str, gzip: bool) -> (u16, bool, Vec<u8>) {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let accept = if gzip { "Accept-Encoding: gzip, deflate\r\n" } else { "" };
    write!(c, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{accept}\r\n", s.addr).unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&raw[..at]).to_lowercase();
    let body = raw[at + 4..].to_vec();
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap();
    let zipped = head.lines().any(|l| l == "content-encoding: gzip");
    if !zipped {
        return (status, false, body);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
    (status, true, out)
}

/// A site path as a URL path (percent-encoded outside plain ASCII).
fn url_of(path: &str) -> String {
    let mut url = String::from("/");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Every file a build writes, under `dir`, as site paths.
fn built_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        if rel != ".kbgen-manifest" {
            out.push(rel);
        }
    }
    out.sort();
    out
}

/// Builds the project at `root` and asserts `s` answers every file the build wrote with its
/// bytes (HTML pages with the live-reload client added), with and without gzip.
fn assert_serves_the_build(s: &Server, root: &Path, step: &str) {
    let built = common::kbgen(root, &["build"]);
    assert!(built.status.success(), "{}", common::text(&built.stderr));
    let files = built_files(&root.join("site"));
    assert!(files.len() > 50, "{} files", files.len());
    let mut zipped = 0;
    for path in &files {
        let want = std::fs::read(root.join("site").join(path)).unwrap();
        for gzip in [false, true] {
            let (status, was_zipped, got) = get_bytes(s, &url_of(path), gzip);
            assert_eq!(status, 200, "{step}: {path} (gzip {gzip})");
            assert!(gzip || !was_zipped, "{path}: gzip'd for a client that does not take it");
            let text = [".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"].iter().any(|e| path.ends_with(e));
            if gzip && text && want.len() >= 1024 {
                assert!(was_zipped, "{path}: a text file of {} bytes goes gzip'd", want.len());
            }
            zipped += usize::from(was_zipped);
            if !path.ends_with(".html") {
                assert!(got == want, "{step}: {path} (gzip {gzip}): not the bytes the build wrote");
                continue;
            }
            // An HTML page is the build's, with the live-reload client before `</body>`.
            let end = want.windows(7).rposition(|w| w == b"</body>").unwrap_or(want.len());
            let (head, tail) = want.split_at(end);
            assert!(got.starts_with(head) && got.ends_with(tail), "{step}: {path} (gzip {gzip}): not the build's page");
            let added = String::from_utf8_lossy(&got[head.len()..got.len() - tail.len()]).into_owned();
            assert!(added.starts_with("<script>") && added.contains("/__kbgen/events"), "{path}: {added}");
        }
    }
    assert!(zipped > 20, "{zipped} files went gzip'd");
    let (status, _, missing) = get_bytes(s, "/no/such/page/", true);
    let built_404 = std::fs::read(root.join("site/404.html")).unwrap();
    let end = built_404.windows(7).rposition(|w| w == b"</body>").unwrap();
    assert_eq!(status, 404);
    assert!(missing.starts_with(&built_404[..end]), "{step}: a missing page is the build's 404 page");
}

#[test]
fn serves_the_bytes_a_build_writes_for_every_file_gzipped_or_not() {
    let (tmp, s) = served_copy();
    let root = tmp.path().join("p");
    assert_serves_the_build(&s, &root, "start");
    // The build's staging folders beside site/ are kbgen's own: no rebuild followed.
    std::thread::sleep(Duration::from_millis(300));
    assert!(s.rebuilds.lock().unwrap().is_empty(), "{:?}", s.rebuilds.lock().unwrap());
    let file = root.join(FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\n\n", "\n\n新增一句：网格员每周走访。\n\n", 1)).unwrap();
    eventually("the rebuild", || s.rebuilds.lock().unwrap().len() == 1);
    assert_serves_the_build(&s, &root, "after an edit");
}

#[cfg(unix)]
#[test]
fn the_private_folder_is_beside_site_and_goes_when_serve_is_stopped() {
    let (tmp, mut s) = served_copy();
    let folder = tmp.path().join("p").join(format!(".site-serve-{}", s.child.id()));
    assert!(folder.join("site/index.html").is_file(), "{}", folder.display());
    assert!(!tmp.path().join("p/site").exists(), "serve never writes site/");
    let killed = Command::new("kill").args(["-INT", &s.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = s.child.wait().unwrap();
    assert!(!status.success(), "{status:?}");
    assert!(!folder.exists(), "Ctrl-C removes {}", folder.display());
}

/// Sends one raw request on a new connection and gives the whole response as text (the
/// request asks the server to close the connection after it, or is HTTP/1.0).
fn ask(s: &Server, request: &str) -> String {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = c.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn a_request_for_another_host_is_refused() {
    let (_tmp, s) = served_copy();
    let port: u16 = s.addr.rsplit(':').next().unwrap().parse().unwrap();
    let get_as = |host: &str| ask(&s, &format!("GET {PAGE} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
    // What a page of another site sends after its name was made to resolve to this machine
    // (DNS rebinding): its own name, on the preview's port.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1:{}", port ^ 1),
        format!("[::1]:{port}"),
        format!("127.0.0.1:{port}@evil.example"),
    ] {
        let raw = get_as(&host);
        assert_eq!(status_of(raw.as_bytes()), 421, "Host: {host}: {raw}");
        assert!(!raw.contains("山西太原"), "Host: {host}: no page is sent");
    }
    // A request in absolute form names its host in the URI: the same rule.
    for target in [format!("http://evil.example:{port}{PAGE}"), format!("http://evil.example{PAGE}")] {
        let raw = ask(&s, &format!("GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr));
        assert_eq!(status_of(raw.as_bytes()), 421, "{target}: {raw}");
        assert!(!raw.contains("山西太原"), "{target}: no page is sent");
    }
    let events =
        ask(&s, &format!("GET /__kbgen/events HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"));
    assert_eq!(status_of(events.as_bytes()), 421, "the live-reload stream too: {events}");
    // The address it is bound to, by number or as localhost; absolute form with it; and a
    // request with no Host at all (HTTP/1.0).
    for host in [s.addr.clone(), format!("localhost:{port}"), format!("LocalHost:{port}")] {
        let raw = get_as(&host);
        assert_eq!(status_of(raw.as_bytes()), 200, "Host: {host}: {raw}");
        assert!(raw.contains("山西太原"), "Host: {host}");
    }
    let raw =
        ask(&s, &format!("GET http://{}{PAGE} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr, s.addr));
    assert_eq!(status_of(raw.as_bytes()), 200, "{raw}");
    let raw = ask(&s, &format!("GET {PAGE} HTTP/1.0\r\n\r\n"));
    assert_eq!(status_of(raw.as_bytes()), 200, "{raw}");
}

#[test]
fn renaming_a_page_redraws_every_page_that_links_it() {
    let (tmp, s) = served_copy();
    let root = tmp.path().join("p");
    assert!(get(&s, "/").2.contains("practices/2023-shanxi-dui-biao/index.html"));
    let renamed = root.join("content/practices/2023-renamed-page.md");
    std::fs::rename(root.join(FILE), &renamed).unwrap();
    eventually("the renamed page", || get(&s, "/practices/2023-renamed-page/index.html").0 == 200);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(s.failed.lock().unwrap().len(), 0, "a rename is no broken link: {:?}", s.failed.lock().unwrap());
    assert_eq!(get(&s, PAGE).0, 404, "the old name is gone");
    let check = common::kbgen(&root, &["check"]);
    assert!(check.status.success(), "{}", common::text(&check.stderr));
    // Every page serve shows is the one a build of the same files writes.
    assert_serves_the_build(&s, &root, "after a rename");

    // Renamed back: the same.
    std::fs::rename(&renamed, root.join(FILE)).unwrap();
    eventually("the page under its old name", || get(&s, PAGE).0 == 200);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(s.failed.lock().unwrap().len(), 0, "{:?}", s.failed.lock().unwrap());
    assert_serves_the_build(&s, &root, "after renaming it back");
}

/// The practice pages of the fixture site, as URL paths.
fn practice_urls(content: &Path) -> Vec<String> {
    let mut urls: Vec<String> = std::fs::read_dir(content.join("practices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| format!("/practices/{}/index.html", p.file_stem().unwrap().to_str().unwrap()))
        .collect();
    urls.sort();
    urls
}

#[test]
fn a_content_folder_restored_in_one_burst_is_served_whole() {
    let (tmp, s) = served_copy();
    let root = tmp.path().join("p");
    let backup = tmp.path().join("backup");
    copy_dir(&root.join("content"), &backup);
    let urls = practice_urls(&backup);
    assert!(urls.len() >= 6);

    // `rm -rf content`, then `cp -r backup content`: the folder and its files come in one
    // burst, before any watch on the new folder is set.
    std::fs::remove_dir_all(root.join("content")).unwrap();
    eventually("the empty site", || get(&s, PAGE).0 == 404);
    std::thread::sleep(Duration::from_millis(300));
    copy_dir(&backup, &root.join("content"));
    for url in &urls {
        eventually(&format!("{url} after content/ came back"), || get(&s, url).0 == 200);
    }

    // The same one level down: content/ stays, practices/ goes and comes back.
    std::fs::remove_dir_all(root.join("content/practices")).unwrap();
    eventually("the empty site again", || get(&s, PAGE).0 == 404);
    std::thread::sleep(Duration::from_millis(300));
    copy_dir(&backup.join("practices"), &root.join("content/practices"));
    for url in &urls {
        eventually(&format!("{url} after practices/ came back"), || get(&s, url).0 == 200);
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_serves_the_build(&s, &root, "after the restores");
}

#[test]
fn gzip_follows_the_accept_encoding_tokens_and_q_values() {
    let (_tmp, s) = served_copy();
    let zipped = |accept: &str| {
        let raw = ask(
            &s,
            &format!("GET /static/style.css HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{accept}\r\n", s.addr),
        );
        assert_eq!(status_of(raw.as_bytes()), 200, "{accept}");
        let head = raw.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
        head.lines().any(|l| l == "content-encoding: gzip")
    };
    for (accept, want) in [
        ("", false),
        ("Accept-Encoding: gzip\r\n", true),
        ("Accept-Encoding: GZIP\r\n", true),
        ("Accept-Encoding: Gzip;Q=1\r\n", true),
        ("Accept-Encoding: deflate, gzip;q=0.5\r\n", true),
        ("Accept-Encoding: br\r\nAccept-Encoding: gzip\r\n", true),
        ("Accept-Encoding: *\r\n", true),
        ("Accept-Encoding: br, *;q=0.1\r\n", true),
        ("Accept-Encoding: gzip;q=0\r\n", false),
        ("Accept-Encoding: gzip ; q=0.000\r\n", false),
        ("Accept-Encoding: *;q=0\r\n", false),
        ("Accept-Encoding: gzip;q=0, *\r\n", false),
        ("Accept-Encoding: identity\r\n", false),
        ("Accept-Encoding: gzipx, xgzip\r\n", false),
        ("Accept-Encoding: br;q=0.5;gzip\r\n", false),
    ] {
        assert_eq!(zipped(accept), want, "{accept:?}");
    }
}

#[test]
fn a_port_in_use_is_reported_before_any_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    // A page a build would report: it must not be read at all.
    let text = std::fs::read_to_string(root.join(FILE)).unwrap();
    std::fs::write(root.join(FILE), text.replace("year: 2023\n", "year: [2023\n")).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .current_dir(&root)
        .args(["serve", "--port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("serve on a port in use did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = common::text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{stderr}");
    assert!(!stderr.contains("2023-shanxi-dui-biao.md"), "no build ran before the port was tried: {stderr}");
    let left: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().starts_with(".site")), "{left:?}");
    drop(taken);
}

#[test]
fn a_first_build_that_fails_shows_its_error_and_claims_no_good_version() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let good = std::fs::read_to_string(root.join(FILE)).unwrap();
    std::fs::write(root.join(FILE), good.replace("year: 2023\n", "year: [2023\n")).unwrap();
    let s = start(&root);
    let (status, _, body) = get(&s, PAGE);
    assert_eq!(status, 404, "nothing was built");
    assert!(body.contains("kbgen-error") && body.contains("2023-shanxi-dui-biao.md:"), "{body}");
    assert!(!body.contains("last good version"), "there never was one: {body}");
    assert!(body.contains("no version of the site"), "{body}");

    // Fixed: the site; broken again: now the last good version is what shows.
    std::fs::write(root.join(FILE), &good).unwrap();
    eventually("the first good build", || get(&s, PAGE).0 == 200);
    std::fs::write(root.join(FILE), good.replace("year: 2023\n", "year: [2023\n")).unwrap();
    eventually("the overlay over the last good page", || {
        let (status, _, body) = get(&s, PAGE);
        status == 200 && body.contains("kbgen-error") && body.contains("last good version")
    });
}

/// Peak resident memory of a running process so far (Linux), in bytes.
fn peak_memory(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches(" kB").parse::<usize>();
    kb.ok().map(|kb| kb * 1024)
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_static_file_is_served_from_disk_not_held_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    const SIZE: usize = 96 << 20;
    std::fs::create_dir_all(root.join("static")).unwrap();
    let bytes: Vec<u8> = (0..SIZE).map(|i| (i % 253) as u8).collect();
    std::fs::write(root.join("static/scans.pdf"), &bytes).unwrap();
    drop(bytes);
    let s = start(&root);
    for gzip in [false, true] {
        let (status, _, got) = get_bytes(&s, "/static/scans.pdf", gzip);
        assert_eq!((status, got.len()), (200, SIZE));
        assert!(got.iter().enumerate().all(|(i, b)| *b == (i % 253) as u8), "the file's bytes");
    }
    let peak = peak_memory(s.child.id()).unwrap();
    assert!(peak < SIZE, "serve's peak memory {} MiB with a {} MiB static file", peak >> 20, SIZE >> 20);
}

/// serve prints build's warnings: all of them after its first build, and after a rebuild those
/// that are new or about a changed file (not the same lines again on every save).
#[cfg(unix)]
#[test]
fn serve_prints_the_warnings_of_its_first_build_and_after_a_save_only_new_ones_or_the_saved_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let outside = tmp.path().join("outside.md");
    std::fs::write(&outside, "---\ntitle: 外面\nyear: 2020\n---\n\n外面。\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/practices/elsewhere.md")).unwrap();
    let s = start(&root);
    let link = "warning: content/practices/elsewhere.md: skipped: a symbolic link that leads out of the project";
    let count = |s: &Server, what: &str| s.stderr.lock().unwrap().iter().filter(|l| l.starts_with(what)).count();
    eventually("the first build's warning", || count(&s, link) == 1);

    // A save of another page: that warning is not printed again.
    let original = std::fs::read_to_string(root.join(FILE)).unwrap();
    std::fs::write(root.join(FILE), original.replace("找差距、补短板", "找差距、补短板、一次编辑")).unwrap();
    eventually("the edit", || get(&s, PAGE).2.contains("一次编辑"));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(count(&s, link), 1, "{:?}", s.stderr.lock().unwrap());

    // A save that puts a control character in the title: its warning; saved again, still
    // there, printed again (it is about the file being edited); the link's, not.
    let bell = original.replace("title: 山西太原对标先进找差距", "title: \"山西太原对标先进\\a找差距\"");
    std::fs::write(root.join(FILE), &bell).unwrap();
    let control = format!("warning: {FILE}:2:");
    eventually("the control character's warning", || count(&s, &control) == 1);
    std::fs::write(root.join(FILE), bell.replace("找差距、补短板", "找差距、补短板、二次编辑")).unwrap();
    eventually("the same warning after the file's next save", || count(&s, &control) == 2);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(count(&s, link), 1, "{:?}", s.stderr.lock().unwrap());
    let rebuilds = s.rebuilds.lock().unwrap().len();
    assert_eq!(rebuilds, 3, "{:?}", s.stderr.lock().unwrap());
}

/// A serve whose standard output is closed (a script that read the `serving` line and closed
/// the pipe) keeps serving: printing its next lines panicked and ended it.
#[test]
fn a_closed_standard_output_does_not_stop_serve() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(&repo().join("tests/fixtures/site"), &root);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .current_dir(&root)
        .args(["serve", "--port", &port.to_string()])
        .stdout(writer)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = format!("127.0.0.1:{port}");
    let mut s =
        Server { child, addr, rebuilds: Default::default(), failed: Default::default(), stderr: Default::default() };
    let running = |s: &mut Server| s.child.try_wait().unwrap().is_none();
    // It answers once its first build is over and its first lines are printed.
    eventually("serve to answer", || TcpStream::connect(&s.addr).is_ok() && get(&s, PAGE).0 == 200);
    assert!(running(&mut s), "serve ended");
    std::fs::write(root.join(FILE), std::fs::read_to_string(root.join(FILE)).unwrap() + "\n又一段。\n").unwrap();
    eventually("the rebuild", || get(&s, PAGE).2.contains("又一段"));
    std::thread::sleep(Duration::from_millis(200));
    assert!(running(&mut s), "serve ended after a rebuild");
}
