//! The review desk of `kbgen serve` end to end, over raw HTTP: the real binary serves a project
//! made by `kbgen import` of the import fixtures (real review marks, real proposals). Every write
//! that does not come from serve's own pages is refused with nothing written; a save rewrites
//! only the keys it changes, and import and retag keep it afterwards; `kbgen build` writes
//! nothing of the desk.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{kbgen, repo, text};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A project in a temporary folder: the repository's kbgen.toml and vocabulary, and the pages
/// `kbgen import` makes of the import fixtures.
fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("kbgen.toml"), dir.path().join("kbgen.toml")).unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::copy(repo().join("data/mechanisms.yaml"), dir.path().join("data/mechanisms.yaml")).unwrap();
    let out = kbgen(dir.path(), &["import", repo().join("tests/fixtures/import").to_str().unwrap()]);
    assert!(text(&out.stdout).contains("11 created"), "{}", text(&out.stdout));
    dir
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .current_dir(root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || for _ in out.lines() {});
    let addr = line.strip_prefix("serving http://").and_then(|l| l.split('/').next()).unwrap().to_string();
    Server { child, addr }
}

/// Sends a raw request (`head` lines without the request line's end) and returns status and body.
fn request(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {}\r\n", s.addr));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    c.write_all(head.as_bytes()).unwrap();
    c.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = c.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.split(' ').nth(1).unwrap_or("0").parse().unwrap(), body.to_string())
}

fn get(s: &Server, path: &str) -> (u16, String) {
    request(s, "GET", path, &[], "")
}

/// The response head of a GET (status line and headers, lowercased).
fn head_of(s: &Server, path: &str) -> String {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(c, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr).unwrap();
    let mut raw = Vec::new();
    let _ = c.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    raw.split("\r\n\r\n").next().unwrap_or("").to_lowercase()
}

/// The secret the desk page carries.
fn token(s: &Server) -> String {
    let (_, desk) = get(s, "/_kbgen/review/");
    let at = desk.find("name=\"kbgen-token\" content=\"").expect("the desk carries the token") + 28;
    desk[at..at + 32].to_string()
}

/// POST JSON to a desk action as serve's own page does, with `extra` headers over the defaults.
fn post(s: &Server, action: &str, tok: &str, json: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let origin = format!("http://{}", s.addr);
    let mut headers: Vec<(&str, &str)> =
        vec![("Origin", origin.as_str()), ("x-kbgen-token", tok), ("Content-Type", "application/json")];
    for (k, v) in extra {
        headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
        if !v.is_empty() {
            headers.push((k, v));
        }
    }
    request(s, "POST", &format!("/_kbgen/{action}"), &headers, json)
}

/// Every file of the project but the serve folders, with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.path().strip_prefix(root).unwrap().to_string_lossy().starts_with(".site"))
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn page_file(root: &Path, stem: &str) -> PathBuf {
    root.join("content/practices").join(format!("{stem}.md"))
}

fn sha256(bytes: &[u8]) -> String {
    kbgen::content::sha256_hex(bytes)
}

const UNDATED: &str = "undated-yan-shou-xian-559-ming-ge-ji-dang-3c54e795";

#[test]
fn writes_not_from_serves_own_pages_are_refused_with_nothing_written() {
    let dir = imported();
    let root = dir.path();
    let s = start(root);
    let tok = token(&s);
    let hash = sha256(&std::fs::read(page_file(root, UNDATED)).unwrap());
    let save = |page: &str, hash: &str| format!(r#"{{"page":"{page}","sha256":"{hash}","fields":{{"title":"改过"}}}}"#);
    let good = save(UNDATED, &hash);
    let before = snapshot(root);
    let foreign_host = format!("evil.example:{}", s.addr.split(':').nth(1).unwrap());
    let cases: Vec<(&str, (u16, String))> = vec![
        ("foreign Origin", post(&s, "save", &tok, &good, &[("Origin", "http://evil.example")])),
        ("Origin null", post(&s, "save", &tok, &good, &[("Origin", "null")])),
        ("https Origin of another port", post(&s, "save", &tok, &good, &[("Origin", "http://127.0.0.1:1")])),
        ("no Origin", post(&s, "save", &tok, &good, &[("Origin", "")])),
        (
            "no Origin, cross-site fetch",
            post(&s, "save", &tok, &good, &[("Origin", ""), ("Sec-Fetch-Site", "cross-site")]),
        ),
        ("foreign Host (DNS rebinding)", post(&s, "save", &tok, &good, &[("Host", &foreign_host)])),
        ("no token", post(&s, "save", &tok, &good, &[("x-kbgen-token", "")])),
        ("wrong token", post(&s, "save", &tok, &good, &[("x-kbgen-token", "0123456789abcdef0123456789abcdef")])),
        (
            "bare cross-site form POST",
            request(
                &s,
                "POST",
                "/_kbgen/save",
                &[("Origin", "http://evil.example"), ("Content-Type", "application/x-www-form-urlencoded")],
                "page=x&title=y",
            ),
        ),
        ("form POST from our origin", post(&s, "save", &tok, "page=x", &[("Content-Type", "text/plain")])),
        ("../ page id", post(&s, "save", &tok, &save("../../kbgen", &hash), &[])),
        ("absolute page id", post(&s, "save", &tok, &save("/etc/passwd", &hash), &[])),
        ("page id in a folder", post(&s, "save", &tok, &save("x/../../kbgen", &hash), &[])),
        ("no such page", post(&s, "save", &tok, &save("2020-none", &hash), &[])),
        ("stale hash", post(&s, "save", &tok, &save(UNDATED, &sha256(b"older")), &[])),
        ("accept of ../", post(&s, "accept", &tok, r#"{"page":"../kbgen","fields":["year"]}"#, &[])),
        (
            "bulk with ../",
            post(
                &s,
                "bulk",
                &tok,
                &format!(r#"{{"pages":["{UNDATED}","../kbgen"],"field":"source","value":"x"}}"#),
                &[],
            ),
        ),
        ("a body over 256 KiB", post(&s, "save", &tok, &format!("{{\"x\":\"{}\"}}", "a".repeat(300 * 1024)), &[])),
        ("GET of a write", get(&s, "/_kbgen/save")),
    ];
    for (what, (status, body)) in &cases {
        assert!(*status >= 400, "{what}: {status} {body}");
    }
    let status = |what: &str| cases.iter().find(|(w, _)| *w == what).unwrap().1 .0;
    assert_eq!(status("foreign Origin"), 403);
    assert_eq!(status("no token"), 403);
    assert_eq!(status("foreign Host (DNS rebinding)"), 421);
    assert_eq!(status("../ page id"), 400);
    assert_eq!(status("no such page"), 404);
    assert_eq!(status("stale hash"), 409);
    let stale = &cases.iter().find(|(w, _)| *w == "stale hash").unwrap().1 .1;
    assert!(
        stale.contains("\"current\"") && stale.contains("延寿县559名各级党员干部"),
        "the new values are shown: {stale}"
    );
    assert_eq!(snapshot(root), before, "nothing written");

    // Pages that carry the secret may not be framed by another site (clickjacking).
    for path in ["/_kbgen/review/".to_string(), format!("/practices/{UNDATED}/")] {
        assert!(head_of(&s, &path).contains("\r\nx-frame-options: sameorigin"), "{path}");
    }
    // The same request from serve's own page saves.
    let (status, body) = post(&s, "save", &tok, &good, &[]);
    assert_eq!(status, 200, "{body}");
    // A browser that sends no Origin on a same-origin fetch says so in Sec-Fetch-Site.
    let hash = sha256(&std::fs::read(page_file(root, UNDATED)).unwrap());
    let again = format!(r#"{{"page":"{UNDATED}","sha256":"{hash}","fields":{{"title":"再改"}}}}"#);
    let (status, body) = post(&s, "save", &tok, &again, &[("Origin", ""), ("Sec-Fetch-Site", "same-origin")]);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_save_rewrites_its_keys_only_and_import_and_retag_keep_it() {
    let dir = imported();
    let root = dir.path();
    let s = start(root);
    let tok = token(&s);
    let file = page_file(root, UNDATED);
    let old = std::fs::read_to_string(&file).unwrap();
    let title = "延寿县: 干部下沉 # 小区\n---\n<script>alert(1)</script>";
    let json = serde_json::json!({
        "page": UNDATED,
        "sha256": sha256(old.as_bytes()),
        "fields": { "title": title, "year": "2020", "region": "黑龙江省/哈尔滨市/延寿县\n江苏省/苏州市/昆山市", "source": "" },
    });
    let (status, body) = post(&s, "save", &tok, &json.to_string(), &[]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""changed":["title","year","region"]"#), "an empty source was none already: {body}");
    let new = std::fs::read_to_string(&file).unwrap();
    let page = common::pages(&root.join("content")).into_iter().find(|p| p.path == file).unwrap();
    assert_eq!(page.front.title, title, "a hostile title stays a string");
    assert_eq!(page.front.year, Some(2020));
    assert_eq!(page.front.region, ["黑龙江省/哈尔滨市/延寿县", "江苏省/苏州市/昆山市"]);
    // The fixed fields' marks went; the source's and the author's (not touched: the story's 本报
    // names no paper, its glued photo credit no byline) stay.
    let review = &page.front.import.as_ref().unwrap().review;
    assert!(
        review.iter().all(|r| ["source", "author"].contains(&kbgen::content::review_field(r))),
        "the fixed fields' marks went: {review:?}"
    );
    let (old_fm, old_body) = kbgen::content::split_front_matter(&old).unwrap();
    let (new_fm, new_body) = kbgen::content::split_front_matter(&new).unwrap();
    assert_eq!(new_body, old_body, "the body's bytes");
    let unchanged = |fm: &str| -> Vec<String> {
        let mut skip = false;
        fm.lines()
            .filter(|l| {
                if !l.starts_with([' ', '-']) {
                    skip = l.starts_with("title:") || l.starts_with("year:") || l.starts_with("region:");
                }
                !skip && !l.starts_with("  review:") && !l.starts_with("  - title") && !l.starts_with("  - year")
            })
            .map(str::to_string)
            .collect()
    };
    assert_eq!(unchanged(new_fm), unchanged(old_fm), "every other line as it was");

    // The page is now a person's edit: import skips it, retag keeps the region.
    drop(s);
    let out = kbgen(root, &["import", repo().join("tests/fixtures/import").to_str().unwrap()]);
    assert!(text(&out.stdout).contains("edited since import"), "{}", text(&out.stdout));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), new, "import kept the edit");
    let out = kbgen(root, &["retag"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = common::pages(&root.join("content")).into_iter().find(|p| p.path == file).unwrap();
    assert_eq!(after.front.region, page.front.region, "retag kept the person's region");
    assert_eq!(after.front.title, title);
}

#[test]
fn the_desk_lists_every_mark_and_grows_the_vocabulary() {
    let dir = imported();
    let root = dir.path();
    let marks: Vec<(String, String)> = common::pages(&root.join("content"))
        .iter()
        .flat_map(|p| {
            let stem = p.path.file_stem().unwrap().to_string_lossy().into_owned();
            let review = p.front.import.as_ref().unwrap().review.clone();
            review.into_iter().map(move |r| (stem.clone(), kbgen::content::review_field(&r).to_string()))
        })
        .collect();
    // (An e-paper's masthead over its date line, `经济日报` / `2023年04月18日`, is its stories'
    // source without a mark.)
    assert_eq!(marks.len(), 6, "{marks:?}");
    let s = start(root);
    let (status, desk) = get(&s, "/_kbgen/review/");
    assert_eq!(status, 200);
    for (stem, field) in &marks {
        let row = format!("data-review-field=\"{field}\" data-review-page=\"{stem}\"");
        assert_eq!(desk.matches(&row).count(), 1, "{row}");
    }
    assert_eq!(desk.matches("data-review-field=").count(), marks.len());
    assert!(desk.contains("data-proposal=\"“一张卷子考到底”\""), "import's proposals are on the desk");

    let tok = token(&s);
    let vocab = root.join("data/mechanisms.yaml");
    let before = std::fs::read_to_string(&vocab).unwrap();
    let entry = serde_json::json!({
        "id": "one-paper-exam", "name": "一张卷子考到底", "en": "One exam paper for all",
        "description": "用同一张卷子考核各级各部门，考到底。", "synonyms": "一张卷子\n一张卷子考到底",
    });
    let (status, body) = post(&s, "vocab", &tok, &entry.to_string(), &[]);
    assert_eq!(status, 200, "{body}");
    let after = std::fs::read_to_string(&vocab).unwrap();
    assert!(after.starts_with(&before), "the file's text and comments are kept");
    let v = kbgen::vocab::Vocabulary::parse(&after, &vocab).unwrap();
    let m = v.get("one-paper-exam").unwrap();
    let synonyms = ["一张卷子考到底".to_string(), "一张卷子".into()];
    assert_eq!((m.name.as_str(), m.synonyms.hans.as_slice()), ("一张卷子考到底", &synonyms[..]));
    let (status, body) = post(&s, "vocab", &tok, &entry.to_string(), &[]);
    assert_eq!((status, body.contains("taken")), (422, true), "an id in use: {body}");
    let bad = entry.to_string().replace("one-paper-exam", "One Paper");
    let (status, _) = post(&s, "vocab", &tok, &bad, &[]);
    assert_eq!(status, 422, "an id that is not lowercase words");
    assert_eq!(std::fs::read_to_string(&vocab).unwrap(), after);

    // The page that names the practice is offered the new entry, and takes it.
    let (_, desk) = get(&s, "/_kbgen/review/");
    assert!(!desk.contains("data-proposal=\"“一张卷子考到底”\""), "no longer a proposal");
    let at = desk.find("data-offer-mechanism=\"one-paper-exam\"").expect("offered");
    let page = desk[..at].rsplit("data-offer-page=\"").next().unwrap().split('"').next().unwrap().to_string();
    let json = format!(r#"{{"pages":["{page}"],"field":"mechanism","value":"one-paper-exam","mode":"add"}}"#);
    let (status, body) = post(&s, "bulk", &tok, &json, &[]);
    assert_eq!(status, 200, "{body}");
    let text = std::fs::read_to_string(page_file(root, &page)).unwrap();
    assert!(text.contains("- one-paper-exam\n"), "{text}");
}

#[test]
fn bulk_sets_one_key_on_every_page_or_on_none() {
    let dir = imported();
    let root = dir.path();
    let s = start(root);
    let tok = token(&s);
    let stems: Vec<String> = common::pages(&root.join("content"))
        .iter()
        .filter(|p| !p.front.import.as_ref().unwrap().review.is_empty())
        .map(|p| p.path.file_stem().unwrap().to_string_lossy().into_owned())
        .take(3)
        .collect();
    let before = snapshot(root);
    let bad = serde_json::json!({ "pages": stems, "field": "region", "value": "不存在的地方" });
    let (status, _) = post(&s, "bulk", &tok, &bad.to_string(), &[]);
    assert_eq!(status, 422, "a region the gazetteer does not know");
    assert_eq!(snapshot(root), before, "nothing written");
    let json = serde_json::json!({ "pages": stems, "field": "region", "value": "江苏省/苏州市/昆山市" });
    let (status, body) = post(&s, "bulk", &tok, &json.to_string(), &[]);
    assert_eq!(status, 200, "{body}");
    for stem in &stems {
        let text = std::fs::read_to_string(page_file(root, stem)).unwrap();
        assert!(text.contains("region:\n- 江苏省/苏州市/昆山市\nmechanism:"), "{stem}: {text}");
    }
    let (_, regions) = get(&s, "/_kbgen/regions?q=%E6%98%86%E5%B1%B1");
    assert!(regions.contains("\"江苏省/苏州市/昆山市\""), "{regions}");
    let (_, former) = get(&s, "/_kbgen/regions?q=%E8%93%9F%E5%8E%BF");
    assert!(former.contains("天津市/蓟州区"), "a former name: {former}");
    let (_, m) = get(&s, "/_kbgen/mechanisms?q=%E7%BD%91%E6%A0%BC%E5%8C%96");
    assert!(m.contains("\"grid-governance\"") && m.contains("description"), "{m}");
}

#[test]
fn a_built_site_holds_nothing_of_the_desk() {
    let dir = imported();
    let out = kbgen(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut files = 0;
    for e in walkdir::WalkDir::new(dir.path().join("site")).into_iter().filter_map(Result::ok) {
        if e.file_type().is_file() {
            files += 1;
            let bytes = std::fs::read(e.path()).unwrap();
            let t = String::from_utf8_lossy(&bytes);
            assert!(
                !t.contains("data-kbgen-edit") && !t.contains("/_kbgen/") && !t.contains("kbgen-token"),
                "{}",
                e.path().display()
            );
        }
    }
    assert!(files > 20);
}

#[test]
fn a_year_a_person_sets_is_no_longer_inferred() {
    let dir = imported();
    let root = dir.path();
    let stem = "2021-da-li-shi-yong-hao-zong-he-kao-ca6c8ff9";
    let old = std::fs::read_to_string(page_file(root, stem)).unwrap();
    assert!(old.contains("year: 2021\nyear_inferred: true\n") && old.contains("\n  - year\n"), "{old}");
    let s = start(root);
    let tok = token(&s);
    let json = serde_json::json!({ "page": stem, "sha256": sha256(old.as_bytes()), "fields": { "year": "2020" } });
    let (status, body) = post(&s, "save", &tok, &json.to_string(), &[]);
    assert_eq!(status, 200, "{body}");
    let new = std::fs::read_to_string(page_file(root, stem)).unwrap();
    assert_eq!(new, old.replace("year: 2021\nyear_inferred: true\n", "year: 2020\n").replace("\n  - year\n", "\n"));
}

#[test]
fn the_adopted_year_is_a_four_digit_year_not_after_the_report() {
    let dir = imported();
    let root = dir.path();
    let stem = "2023-liu-yang-jie-dui-jing-sai-ji-fa-c221e0ba";
    let old = std::fs::read_to_string(page_file(root, stem)).unwrap();
    assert!(old.contains("year: 2023\n") && !old.contains("adopted:"), "{old}");
    let s = start(root);
    let tok = token(&s);
    let save = |adopted: &str, sha: &str| {
        let json = serde_json::json!({ "page": stem, "sha256": sha, "fields": { "adopted": adopted } });
        post(&s, "save", &tok, &json.to_string(), &[])
    };
    // The form shows the field, empty while the page has no such key.
    let (_, page) = get(&s, &format!("/practices/{stem}/"));
    assert!(page.contains("<input name=\"adopted\" value=\"\""), "the edit panel has an adopted field");
    // Refused, nothing written: not four digits, or after the report's year.
    for (bad, why) in [
        ("14", "is not a four-digit year"),
        ("2014年", "is not a four-digit year"),
        ("2024", "after the report's year 2023"),
    ] {
        let (status, body) = save(bad, &sha256(old.as_bytes()));
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body.contains(why), "{bad}: {body}");
        assert_eq!(std::fs::read_to_string(page_file(root, stem)).unwrap(), old, "{bad} wrote the page");
    }
    // A year up to the report's is written where import puts the key, after the year.
    let (status, body) = save("2023", &sha256(old.as_bytes()));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"changed\":[\"adopted\"]"), "{body}");
    let new = std::fs::read_to_string(page_file(root, stem)).unwrap();
    let at = old.find("year: 2023\n").map(|i| i + "year: 2023\n".len()).unwrap();
    assert_eq!(new, format!("{}adopted: 2023\n{}", &old[..at], &old[at..]));
    // Emptied, the key goes.
    let (status, body) = save("", &sha256(new.as_bytes()));
    assert_eq!(status, 200, "{body}");
    assert_eq!(std::fs::read_to_string(page_file(root, stem)).unwrap(), old);
}
