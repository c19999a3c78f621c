//! A new user's path, end to end: `kbgen init`, then `kbgen import` of what scrapers write —
//! JSON Lines, CSV, WARC and `.warc.gz` files, built here from the real saved pages in
//! `tests/fixtures/real/raw/` and `tests/fixtures/import/` — then `kbgen build`. The first test
//! runs a `kbgen` that `cargo install` put in a temporary root (see `installed_kbgen`), the
//! others the binary under test.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{pages, repo, text};

fn real(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/real/raw").join(name)).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/import").join(name)).unwrap()
}

/// A real plain-text article as an extractor gives it: the headline as a field, the text without it.
fn title_and_text(name: &str) -> (String, String) {
    let t = String::from_utf8(real(name)).unwrap();
    let (title, rest) = t.trim_start().split_once('\n').unwrap();
    (title.trim().to_string(), rest.trim().to_string())
}

/// A real article with its title as `labels.tsv` gives it, and its whole text as scraped
/// (page furniture and all), as a scraper's item holds them.
fn labelled(name: &str) -> (String, String) {
    let labels = std::fs::read_to_string(repo().join("tests/fixtures/real/labels.tsv")).unwrap();
    let row = labels.lines().find(|l| l.starts_with(&format!("{name}\t"))).unwrap();
    let title = row.split('\t').nth(1).unwrap().to_string();
    assert!(!title.is_empty(), "{name} has a labelled title");
    (title, String::from_utf8(real(name)).unwrap())
}

/// (url, file) of the articles in [`feed`], in order.
const FEED: [(&str, &str); 4] = [
    ("http://www.people.com.cn/n1/2025/1201/c1001-40614021.html", "009_beijing_12345.txt"),
    ("https://www.chuzhou.gov.cn/xwzx/20171226/a.html", "004_ningjin_hezhang.txt"),
    ("https://www.example-mirror.cn/read/41234.html", "030_tianjin_zhaishang.txt"),
    ("https://news.example.org/2023-06/09/c_1.htm", "005_danzhou_xunhe.txt"),
];

/// JSON Lines as a Scrapy feed export writes them; with `bad`, line 3 is cut short.
fn feed(bad: bool) -> String {
    let mut out = String::new();
    for (i, (url, file)) in FEED.iter().enumerate() {
        if bad && i == 2 {
            out.push_str("{\"url\": \"https://x.org/cut\", \"title\": \"被截断的记录\", \"text\": \"正文\n");
        }
        let (title, text) = if i == 0 { title_and_text(file) } else { labelled(file) };
        let mut rec = serde_json::json!({ "url": url, "title": title, "text": text });
        if i == 3 {
            // newspaper-style names: `maintext`, `authors` as a list.
            rec = serde_json::json!({ "url": url, "title": title, "maintext": text, "authors": ["王建斌"] });
        }
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    out
}

/// One WARC record; `block` is its content (an HTTP response for `response` records).
fn warc_record(n: usize, kind: &str, uri: &str, block_type: &str, block: &[u8]) -> Vec<u8> {
    let head = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012}>\r\n\
         WARC-Date: 2025-12-20T08:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {block_type}\r\n\
         Content-Length: {}\r\n\r\n",
        block.len()
    );
    [head.as_bytes(), block, b"\r\n\r\n"].concat()
}

fn http(content_type: &str, body: &[u8]) -> Vec<u8> {
    [
        format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes(),
        body,
    ]
    .concat()
}

/// A web archive as `wget --warc-file` writes it: a warcinfo record, then request and response
/// for each page, with a stylesheet and a redirect among them. Returns its records (each to
/// be written as it is, or gzip'd one by one) and the addresses of its pages.
fn archive(pages: &[(&str, Vec<u8>, &str)]) -> Vec<Vec<u8>> {
    let mut records = vec![warc_record(0, "warcinfo", "", "application/warc-fields", b"software: Wget/1.21\r\n")];
    let response = "application/http; msgtype=response";
    for (i, (url, body, content_type)) in pages.iter().enumerate() {
        let req = format!("GET / HTTP/1.1\r\nHost: {url}\r\n\r\n");
        records.push(warc_record(10 * i + 1, "request", url, "application/http; msgtype=request", req.as_bytes()));
        records.push(warc_record(10 * i + 2, "response", url, response, &http(content_type, body)));
        if i == 0 {
            let css = http("text/css", b"body{color:#333}");
            records.push(warc_record(10 * i + 3, "response", "https://x.org/s.css", response, &css));
            let moved = b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n";
            records.push(warc_record(10 * i + 4, "response", "https://x.org/old", response, moved));
        }
    }
    records
}

fn gzip(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(r).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

/// A real plain-text article as a minimal HTML page.
fn as_html(file: &str) -> Vec<u8> {
    let (title, text) = labelled(file);
    let paras: String =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| format!("<p>{}</p>\n", l.trim())).collect();
    format!(
        "<!DOCTYPE html><html><head><title>{title}_示例网</title></head><body><h1>{title}</h1>\n{paras}</body></html>"
    )
    .into_bytes()
}

fn run(bin: &Path, cwd: &Path, args: &[&str]) -> Output {
    // Nothing from the repository's environment: a user's shell, in a folder of their own.
    Command::new(bin)
        .current_dir(cwd)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", cwd)
        .output()
        .expect("kbgen runs")
}

fn ok(o: &Output, what: &str) -> String {
    let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "{what} failed:\n{out}");
    out
}

/// The built page of a practice page file `content/practices/STEM.md`.
fn site_page(kb: &Path, md: &Path) -> String {
    let stem = md.file_stem().unwrap().to_str().unwrap();
    std::fs::read_to_string(kb.join("site/practices").join(stem).join("index.html")).unwrap()
}

/// The repository's tracked files (what a fresh clone holds), copied with their modification
/// times (so that an unchanged copy needs no rebuild), into `dst`.
fn copy_tracked(dst: &Path) {
    let listed = Command::new("git").arg("-C").arg(repo()).args(["ls-files", "-z"]).output().expect("git runs");
    assert!(listed.status.success(), "git ls-files: {}", text(&listed.stderr));
    if dst.exists() {
        std::fs::remove_dir_all(dst).unwrap();
    }
    for rel in listed.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).unwrap());
        let (from, to) = (repo().join(rel), dst.join(rel));
        let Ok(meta) = std::fs::symlink_metadata(&from) else { continue }; // deleted, not yet committed
        if !meta.is_file() {
            continue;
        }
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
        std::fs::File::options().write(true).open(&to).unwrap().set_modified(meta.modified().unwrap()).unwrap();
    }
}

/// `cargo install --path COPY --root ROOT` of a copy of the tracked files, offline and with
/// the locked dependencies; then the copy is deleted, so the installed `kbgen` has only what
/// it carries. The build folder (`target/install-test/target`) is kept between runs: the first
/// run builds every dependency in release mode, later ones only what changed.
fn installed_kbgen(root: &Path) -> PathBuf {
    let work = repo().join("target/install-test");
    let src = work.join("src");
    copy_tracked(&src);
    let start = std::time::Instant::now();
    let o = Command::new(env!("CARGO"))
        .args(["install", "--locked", "--offline", "--quiet", "--path"])
        .arg(&src)
        .arg("--root")
        .arg(root)
        .arg("--target-dir")
        .arg(work.join("target"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(o.status.success(), "cargo install failed:\n{}", text(&o.stderr));
    eprintln!("cargo install took {:.1} s", start.elapsed().as_secs_f64());
    std::fs::remove_dir_all(&src).unwrap();
    let bin = root.join("bin").join(format!("kbgen{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "no {}", bin.display());
    bin
}

/// `kbgen serve --port 0` in `kb`: the home page it serves.
fn serve_home(bin: &Path, kb: &Path) -> String {
    use std::io::{BufRead, Read};
    let mut child = Command::new(bin)
        .current_dir(kb)
        .args(["serve", "--port", "0"])
        .env_clear()
        .env("HOME", kb)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.strip_prefix("serving http://").and_then(|l| l.split('/').next()).map(str::to_string);
    let page = addr.map(|addr| {
        let mut c = std::net::TcpStream::connect(&addr).unwrap();
        c.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        write!(c, "GET / HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        c.read_to_end(&mut raw).unwrap();
        text(&raw)
    });
    let _ = child.kill();
    let _ = child.wait();
    let page = page.unwrap_or_else(|| panic!("serve printed {line}"));
    assert!(page.lines().next().is_some_and(|l| l.starts_with("HTTP/1.") && l.contains(" 200 ")), "{page}");
    page
}

/// The definition of done: install, `kbgen init kb && cd kb && kbgen import FILE.jsonl
/// && kbgen build`, in an empty folder outside the repository.
#[test]
fn an_installed_kbgen_inits_imports_json_lines_and_builds_outside_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = installed_kbgen(&tmp.path().join("root"));
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("scraped.jsonl"), feed(false)).unwrap();

    let out = ok(&run(&bin, &home, &["init", "kb", "--title", "我的基层治理知识库"]), "init");
    assert!(out.contains("cd kb\n") && out.contains("kbgen import sources/"), "{out}");
    let kb = home.join("kb");
    // It serves at once…
    let served = serve_home(&bin, &kb);
    assert!(served.contains("还没有实践"), "{served}");
    // …and builds, and the empty home page says what to do.
    ok(&run(&bin, &kb, &["build"]), "build of the empty knowledge base");
    let home_page = std::fs::read_to_string(kb.join("site/index.html")).unwrap();
    assert!(home_page.contains("还没有实践") && home_page.contains("kbgen import sources/"), "{home_page}");
    assert!(home_page.contains("我的基层治理知识库"));

    let out = ok(&run(&bin, &kb, &["import", "../scraped.jsonl"]), "import");
    assert!(out.contains("imported 4 of 4 articles from 1 file (4 records): 4 stories (4 created"), "{out}");
    let out = ok(&run(&bin, &kb, &["build"]), "build");
    assert!(out.contains("built 4 practices"), "{out}");
    let home_page = std::fs::read_to_string(kb.join("site/index.html")).unwrap();
    assert!(!home_page.contains("还没有实践"));
    // Stylesheet and search come from the binary.
    for f in ["static/style.css", "static/search.js", "search/index.html", "mechanism/index.html"] {
        assert!(kb.join("site").join(f).is_file(), "{f}");
    }
    let pages = pages(&kb.join("content"));
    assert_eq!(pages.len(), 4);
    for (p, (url, _)) in pages.iter().zip(FEED) {
        assert_eq!(p.front.import.as_ref().unwrap().url.as_deref(), Some(url));
        let html = site_page(&kb, &p.path);
        assert!(html.contains(&format!("<a href=\"{url}\" rel=\"external noopener\">原文链接</a>")), "{url}");
    }
}

#[test]
fn json_lines_csv_warc_and_gzip_warc_import_with_their_addresses_and_a_bad_record_is_named() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    ok(&run(&bin, home, &["init", "kb", "--title", "T"]), "init");
    let kb = home.join("kb");
    let sources = kb.join("sources");
    std::fs::write(sources.join("feed.jsonl"), feed(true)).unwrap();

    // CSV as a spreadsheet saves it: a header row, quoted multi-line text, and a short row.
    let mut csv = String::from("url,title,text,date,site\n");
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (url, file, date) in [
        ("https://www.hnszgh.cn/a/1.html", "025_tongcheng_leitai.txt", "2016-10-12"),
        ("https://www.xzbu.cn/a/2.html", "023_suining_bixue.txt", "2017年5月11日"),
    ] {
        let (title, text) = labelled(file);
        csv.push_str(&format!("{url},{},{},{date},示例站\n", q(&title), q(&text)));
        if file.starts_with("025") {
            csv.push_str("https://x.org/short,只有标题\n");
        }
    }
    std::fs::write(sources.join("table.csv"), &csv).unwrap();
    let line_of = |start: &str| 1 + csv.lines().position(|l| l.starts_with(start)).unwrap();
    let (short_line, second) =
        (line_of("https://x.org/short"), format!("table.csv:{}", line_of("https://www.xzbu.cn")));

    // Saved pages (one GBK) in a WARC; plain-text articles as HTML pages in a .warc.gz.
    let plain = archive(&[
        ("https://www.puning.gov.cn/a/061.jsp", real("061_puning_queren_jsp.html"), "text/html;charset=utf-8"),
        ("http://www.dingnan.gov.cn/a/066.php", real("066_dingnan_minsheng_php_gbk.html"), "text/html"),
        ("https://www.hlj.gov.cn/a/2024-05/08/saved.html", fixture("saved_page_heilongjiang.html"), "text/html"),
    ]);
    std::fs::write(sources.join("crawl.warc"), plain.concat()).unwrap();
    let gz = archive(&[
        (
            "https://www.zgxcfx.com/2022/0805/linzhang.html",
            as_html("034_qianshan_linzhang.txt"),
            "text/html; charset=UTF-8",
        ),
        ("https://www.dzwww.com/a/47.html", as_html("047_shandong_duibiao_dzwww.txt"), "text/html"),
    ]);
    std::fs::write(sources.join("crawl.warc.gz"), gzip(&gz)).unwrap();

    let o = run(&bin, &kb, &["import", "sources/"]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "a bad record makes import fail:\n{stdout}{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(errors[0].starts_with("error: sources/feed.jsonl:3: bad record: not JSON"), "{stderr}");
    assert!(
        errors[1].starts_with(&format!(
            "error: sources/table.csv:{short_line}: bad record: 2 fields where the header has 5"
        )),
        "{stderr}"
    );
    // 4 + 2 + 3 + 2 articles; the stylesheet, redirect and requests are no articles.
    assert!(
        stdout.contains("imported 11 of 13 articles from 4 files (13 records): 11 stories (11 created"),
        "{stdout}"
    );
    ok(&run(&bin, &kb, &["build"]), "build");

    let pages = pages(&kb.join("content"));
    let by_file = |f: &str| {
        pages.iter().find(|p| p.front.import.as_ref().unwrap().file == f).unwrap_or_else(|| {
            panic!(
                "no page from {f}: {:?}",
                pages.iter().map(|p| &p.front.import.as_ref().unwrap().file).collect::<Vec<_>>()
            )
        })
    };
    let expect = [
        ("feed.jsonl:1", FEED[0].0),
        ("feed.jsonl:2", FEED[1].0),
        ("feed.jsonl:4", FEED[2].0),
        ("feed.jsonl:5", FEED[3].0),
        ("table.csv:2", "https://www.hnszgh.cn/a/1.html"),
        ("crawl.warc#3", "https://www.puning.gov.cn/a/061.jsp"),
        ("crawl.warc#7", "http://www.dingnan.gov.cn/a/066.php"),
        ("crawl.warc#9", "https://www.hlj.gov.cn/a/2024-05/08/saved.html"),
        ("crawl.warc.gz#3", "https://www.zgxcfx.com/2022/0805/linzhang.html"),
        ("crawl.warc.gz#7", "https://www.dzwww.com/a/47.html"),
    ];
    for (file, url) in expect {
        let p = by_file(file);
        let prov = p.front.import.as_ref().unwrap();
        assert_eq!(prov.url.as_deref(), Some(url), "{file}");
        let html = site_page(&kb, &p.path);
        assert!(html.contains(&format!("<a href=\"{url}\" rel=\"external noopener\">原文链接</a>")), "{file}");
        if file.starts_with("crawl") {
            assert_eq!(prov.captured.as_deref(), Some("2025-12-20"), "{file}");
            assert!(html.contains("（存档于 2025-12-20）"), "{file}");
        }
    }
    // What the records say stands where the articles say nothing: the title field (the text
    // has no headline line), the CSV's date in Chinese, the author list, the host as source.
    let (title, _) = labelled("023_suining_bixue.txt");
    let p = by_file(&second);
    assert_eq!((p.front.title.as_str(), p.front.date.as_deref()), (title.as_str(), Some("2017-05-11")));
    let (title, _) = title_and_text("009_beijing_12345.txt");
    assert_eq!(by_file("feed.jsonl:1").front.title, title);
    assert_eq!(by_file("feed.jsonl:5").front.author.as_deref(), Some("王建斌"));
    // The GBK page is read as GBK.
    assert!(stdout.contains("sources/crawl.warc#7 (GBK)"), "{stdout}");

    // Importing again changes nothing.
    let o = run(&bin, &kb, &["import", "sources/"]);
    assert!(text(&o.stdout).contains("11 stories (0 created, 0 updated, 11 unchanged"), "{}", text(&o.stdout));

    // A feed exported again in another order: its records keep their pages, which now name
    // their new lines; nothing is skipped or doubled.
    let feed = std::fs::read_to_string(sources.join("feed.jsonl")).unwrap();
    let reordered: Vec<&str> = feed.lines().rev().collect();
    std::fs::write(sources.join("feed.jsonl"), reordered.join("\n") + "\n").unwrap();
    let o = run(&bin, &kb, &["import", "sources/feed.jsonl"]);
    assert!(
        text(&o.stdout).contains("4 stories (0 created, 4 updated, 0 unchanged, 0 merged, 0 skipped)"),
        "{}",
        text(&o.stdout)
    );
    let after = common::pages(&kb.join("content"));
    assert_eq!(after.len(), pages.len());
    assert_eq!(after.iter().filter(|p| p.front.import.as_ref().unwrap().url.as_deref() == Some(FEED[0].0)).count(), 1);
    assert_eq!(
        by_file("feed.jsonl:1").path,
        after.iter().find(|p| p.front.import.as_ref().unwrap().file == "feed.jsonl:5").unwrap().path
    );
}

/// An address's date counts when the article prints none.
#[test]
fn a_date_in_the_address_dates_an_undated_article() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    let text_001 = String::from_utf8(real("001_tanghe_kaohe.txt")).unwrap();
    let rec = serde_json::json!({ "url": "http://djsjk.people.cn/2019-04/17/content_1.html", "text": text_001 });
    std::fs::write(tmp.path().join("a.jsonl"), format!("{rec}\n")).unwrap();
    let plain = serde_json::json!({ "text": text_001 });
    std::fs::write(tmp.path().join("b.jsonl"), format!("{plain}\n")).unwrap();
    ok(&run(&bin, tmp.path(), &["import", "--out", "a", "a.jsonl"]), "import");
    ok(&run(&bin, tmp.path(), &["import", "--out", "b", "b.jsonl"]), "import");
    let a = &pages(&tmp.path().join("a"))[0].front;
    let b = &pages(&tmp.path().join("b"))[0].front;
    assert_eq!((a.date.as_deref(), a.year, a.year_inferred), (Some("2019-04-17"), Some(2019), false));
    assert!(!a.import.as_ref().unwrap().review.contains(&"year".to_string()));
    assert_ne!(b.date.as_deref(), Some("2019-04-17"));
    assert_eq!(a.source.as_deref(), Some("djsjk.people.cn"));
}

/// 200 articles or more get a progress bar, but only on a terminal: into a pipe (as here, and
/// in CI) standard error carries nothing but the report.
#[test]
fn a_large_import_into_a_pipe_shows_no_progress_bar() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    let (title, body) = title_and_text("009_beijing_12345.txt");
    let mut feed = String::new();
    for i in 0..210 {
        let rec = serde_json::json!({ "url": format!("https://x.org/{i}.html"), "title": title, "text": body });
        feed.push_str(&format!("{rec}\n"));
    }
    std::fs::write(tmp.path().join("many.jsonl"), feed).unwrap();
    let o = Command::new(&bin)
        .current_dir(tmp.path())
        .args(["import", "--out", "c", "many.jsonl"])
        .env_remove("CI")
        .output()
        .unwrap();
    let out = ok(&o, "import");
    assert!(
        out.contains(
            "imported 210 of 210 articles from 1 file (210 records): 210 stories (1 created, 0 updated, 0 unchanged, 0 merged, 209 skipped)"
        ),
        "{out}"
    );
    let stderr = text(&o.stderr);
    assert!(!stderr.contains("importing") && !stderr.contains('\r') && !stderr.contains('\u{1b}'), "{stderr}");
}

/// `import.url` is front matter a person may edit: only an `http`/`https` address is linked.
#[test]
fn an_original_url_that_is_not_a_web_address_is_not_linked() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    ok(&run(&bin, tmp.path(), &["init", "kb", "--title", "T"]), "init");
    let kb = tmp.path().join("kb");
    let (title, body) = title_and_text("009_beijing_12345.txt");
    let rec = serde_json::json!({ "url": "https://x.org/a.html", "title": title, "text": body });
    std::fs::write(kb.join("sources/a.jsonl"), format!("{rec}\n")).unwrap();
    ok(&run(&bin, &kb, &["import", "sources/"]), "import");
    let page = &pages(&kb.join("content"))[0];
    for bad in
        ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/"]
    {
        let edited = page.raw.replace("url: https://x.org/a.html", &format!("url: '{bad}'"));
        assert_ne!(edited, page.raw);
        std::fs::write(&page.path, edited).unwrap();
        ok(&run(&bin, &kb, &["build"]), "build");
        let html = site_page(&kb, &page.path);
        assert!(!html.contains("原文链接") && !html.to_ascii_lowercase().contains("javascript:"), "{bad}");
    }
}

/// A Chinese news crawler's records (the real `118_zangqu_zqdt.jsonl`: `publish_time` holding
/// `发布时间：2018-09-2510:51:00`, `source` holding `来源：…`), the same records as a CSV with a
/// Chinese header, and as a `.json` array in a sub-folder: every record is read, its date glued
/// to its time and its labelled source are read, and no value keeps its label.
#[test]
fn a_chinese_crawlers_records_are_read_by_their_content_in_jsonl_csv_and_json_in_a_folder() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    let crawl = tmp.path().join("crawl");
    std::fs::create_dir_all(crawl.join("sub")).unwrap();
    let feed = String::from_utf8(real("118_zangqu_zqdt.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = feed.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    std::fs::write(crawl.join("zq.jsonl"), &feed).unwrap();
    // The first four records as a table with Chinese column names and an address column.
    let q = |v: &serde_json::Value| format!("\"{}\"", v.as_str().unwrap().replace('"', "\"\""));
    let mut table = String::from("标题,发布时间,来源,正文,链接\n");
    for (i, r) in records.iter().take(4).enumerate() {
        let row = [q(&r["title"]), q(&r["publish_time"]), q(&r["source"]), q(&r["content"])].join(",");
        table.push_str(&format!("{row},https://example.org/zq/{i}.html\n"));
    }
    std::fs::write(crawl.join("zq.csv"), table).unwrap();
    // Records 5 and 6 as a JSON array (Scrapy's `-o items.json`), their text as paragraph lists.
    let items: Vec<serde_json::Value> = records[4..6]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let paras: Vec<&str> = r["content"].as_str().unwrap().lines().collect::<Vec<_>>();
            r["content"] = serde_json::json!(paras);
            r
        })
        .collect();
    std::fs::write(crawl.join("sub/items.json"), serde_json::to_string(&items).unwrap()).unwrap();

    let o = run(&bin, tmp.path(), &["import", "--out", "kb", "crawl"]);
    let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "{out}");
    let pages = pages(&tmp.path().join("kb"));
    // Each CSV and JSON record is a page, or a copy listed on its JSON Lines twin's page.
    let files: Vec<&str> = pages
        .iter()
        .flat_map(|p| {
            let i = p.front.import.as_ref().unwrap();
            std::iter::once(i.file.as_str()).chain(i.also.iter().map(|r| r.file.as_str()))
        })
        .collect();
    for f in ["zq.csv:2", "zq.csv:5", "sub/items.json#1", "sub/items.json#2"] {
        assert!(files.contains(&f), "{f} is imported: {files:?}\n{out}");
    }
    // Every record of the feed (merged copies aside) has a page or is another's copy.
    assert!(out.contains("18 stories"), "{out}");
    for p in &pages {
        let f = &p.front;
        let date = f.date.as_deref().unwrap_or_else(|| panic!("{} has no date", f.title));
        assert!(date == "2018-09-25" || date == "2018-09-26", "{}: {date}", f.title);
        assert_eq!(f.year, Some(2018), "{}", f.title);
        let source = f.source.as_deref().unwrap_or_else(|| panic!("{} has no source", f.title));
        assert!(!source.contains("来源") && !source.contains('：'), "{source}");
        assert!(!f.title.contains("发布时间") && !p.body.contains("发布时间："), "{}", f.title);
    }
    let by = |file: &str| pages.iter().find(|p| p.front.import.as_ref().unwrap().file == file);
    let csv_page = by("zq.csv:2").or_else(|| by("zq.jsonl:1")).unwrap();
    assert_eq!(csv_page.front.source.as_deref(), Some("华西都市报-封面新闻"));
}

/// A scraper that kept a record's title, date and address but not its text (the images were
/// the story): the record is a page that says so, links its address, and asks for review —
/// not an error. A title alone, with nothing to find the article by, is still refused.
#[test]
fn a_record_with_a_title_date_and_url_but_no_text_becomes_a_page_for_review_linking_its_url() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    ok(&run(&bin, tmp.path(), &["init", "kb", "--title", "T"]), "init");
    let kb = tmp.path().join("kb");
    // Record 1 of the real 117_gannan_bwyc.jsonl (its content is blank lines and a NBSP), with an address.
    let feed = String::from_utf8(real("117_gannan_bwyc.jsonl")).unwrap();
    let mut first: serde_json::Value = serde_json::from_str(feed.lines().next().unwrap()).unwrap();
    first["url"] = serde_json::json!("https://www.example.org/2018-08/28/c_1.htm");
    let title_only = serde_json::json!({ "title": "只有标题的记录", "content": "" });
    std::fs::write(kb.join("sources/a.jsonl"), format!("{first}\n{title_only}\n")).unwrap();
    let o = run(&bin, &kb, &["import", "sources/"]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("sources/a.jsonl:2: bad record: no article text"), "{stderr}");
    assert!(stdout.contains("the record has a title but no article text"), "{stdout}");
    let pages = pages(&kb.join("content"));
    assert_eq!(pages.len(), 1);
    let f = &pages[0].front;
    assert_eq!(f.title, "甘肃碌曲有个村庄，每户人家补贴6万块！");
    assert_eq!((f.date.as_deref(), f.source.as_deref()), (Some("2018-08-28"), Some("西藏在线")));
    let import = f.import.as_ref().unwrap();
    assert_eq!(import.review.first().map(String::as_str), Some("text"));
    assert_eq!(import.url.as_deref(), Some("https://www.example.org/2018-08/28/c_1.htm"));
    ok(&run(&bin, &kb, &["build"]), "build");
    let html = site_page(&kb, &pages[0].path);
    assert!(
        html.contains("<a href=\"https://www.example.org/2018-08/28/c_1.htm\" rel=\"external noopener\">原文链接</a>")
    );
}

#[test]
fn an_epoch_zero_record_date_is_no_date() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    let (title, body) = labelled("025_tongcheng_leitai.txt");
    // The article's own date lines go: only the record's date could date it.
    let body: String = body.lines().filter(|l| !l.contains("2016")).collect::<Vec<_>>().join("\n");
    let mut feed = String::new();
    for missing in ["0000000000000", "-1"] {
        let record = serde_json::json!({ "title": title, "text": body, "date": missing });
        feed.push_str(&format!("{record}\n"));
    }
    std::fs::write(tmp.path().join("feed.jsonl"), feed).unwrap();
    let out = tmp.path().join("content");
    ok(&run(&bin, tmp.path(), &["import", "--out", out.to_str().unwrap(), "feed.jsonl"]), "import");
    let pages = pages(&out);
    assert!(!pages.is_empty());
    for p in &pages {
        assert_ne!(p.front.year, Some(1970), "{}", p.raw);
        assert!(!p.raw.contains("1970-01-01") && !p.raw.contains("1969-12-31"), "{}", p.raw);
    }
}

#[test]
fn a_gbk_csv_is_reported_in_its_own_encoding() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_kbgen"));
    let tmp = tempfile::tempdir().unwrap();
    let (title, body) = labelled("023_suining_bixue.txt");
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let csv = format!("title,text\n{},{}\n", q(&title), q(&body));
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    std::fs::write(tmp.path().join("table.csv"), &gbk).unwrap();
    let out = tmp.path().join("content");
    let stdout = ok(&run(&bin, tmp.path(), &["import", "--out", out.to_str().unwrap(), "table.csv"]), "import");
    assert!(stdout.contains("table.csv:2 (GBK): 1 story"), "{stdout}");
    assert!(!stdout.contains("UTF-8"), "{stdout}");
}

/// `kbgen import ARGS` in `cwd` with its address space capped at `limit` bytes.
#[cfg(unix)]
fn run_capped(cwd: &Path, args: &[&str], limit: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kbgen"));
    cmd.current_dir(cwd).args(args);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let r = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_AS, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

/// Four HTML response records of `files`, the second with its Content-Length `off` bytes
/// from the truth.
fn four_pages(files: [&str; 4], off: i64) -> Vec<u8> {
    let response = "application/http; msgtype=response";
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let mut r =
            warc_record(i, "response", &format!("https://x.org/{i}.html"), response, &http("text/html", &as_html(f)));
        if i == 1 {
            let s = String::from_utf8(r).unwrap();
            let at = s.find("Content-Length: ").unwrap() + "Content-Length: ".len();
            let end = at + s[at..].find('\r').unwrap();
            let declared: i64 = s[at..end].parse().unwrap();
            r = format!("{}{}{}", &s[..at], declared + off, &s[end..]).into_bytes();
        }
        out.extend(r);
    }
    out
}

#[cfg(unix)]
#[test]
fn a_gzip_bomb_a_lying_record_and_an_oversized_page_fail_alone_and_the_records_after_them_import() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("crawl");
    std::fs::create_dir(&dir).unwrap();
    // 1 GiB of zeros declared an image, 1 MB gzip'd: read whole, it took 2.2 GB and aborted
    // under a 3 GB address-space cap.
    let gib = 1u64 << 30;
    let head = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Target-URI: https://x.org/a.jpg\r\n\
         Content-Type: image/jpeg\r\nContent-Length: {gib}\r\n\r\n"
    );
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(head.as_bytes()).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        e.write_all(&zeros).unwrap();
    }
    e.write_all(b"\r\n\r\n").unwrap();
    let mut bomb = e.finish().unwrap();
    bomb.extend(gzip(&archive(&[(
        "https://x.org/after-bomb.html",
        as_html("047_shandong_duibiao_dzwww.txt"),
        "text/html",
    )])));
    std::fs::write(dir.join("bomb.warc.gz"), bomb).unwrap();
    // Record 2's Content-Length 50 bytes short, and 50 bytes long: records 3 and 4 still read.
    let short =
        ["010_zhengzhou_jiesu.txt", "011_jishou_kongke.txt", "015_quanjiao_diyishuji.txt", "006_xinghua_hezhang.txt"];
    std::fs::write(dir.join("short.warc"), four_pages(short, -50)).unwrap();
    let long = [
        "018_changde_yijianshi.txt",
        "022_longxian_leitai.txt",
        "028_beijing_chuishao.txt",
        "044_sanming_fengqiao.txt",
    ];
    std::fs::write(dir.join("long.warc"), four_pages(long, 50)).unwrap();
    // A page record of 40 MiB, then a good one.
    let big = http("text/html", &[b"<html><body><p>".as_slice(), &vec![b'x'; 40 << 20]].concat());
    let response = "application/http; msgtype=response";
    let good = http("text/html", &as_html("004_ningjin_hezhang.txt"));
    let big = [
        warc_record(1, "response", "https://x.org/big.html", response, &big),
        warc_record(2, "response", "https://x.org/g.html", response, &good),
    ];
    std::fs::write(dir.join("big.warc"), big.concat()).unwrap();

    let out = tmp.path().join("content");
    let o = run_capped(tmp.path(), &["import", "--out", out.to_str().unwrap(), dir.to_str().unwrap()], 2 << 30);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    let error = |at: &str| {
        errors.iter().find(|l| l.contains(&format!("crawl/{at}:"))).unwrap_or_else(|| panic!("{at}: {stderr}"))
    };
    assert!(error("big.warc#1").ends_with("a page record of 40 MiB, larger than 32 MiB: not read"), "{stderr}");
    for at in ["short.warc#2", "long.warc#2"] {
        assert!(
            error(at).contains("its Content-Length") && error(at).contains("read on from the next record"),
            "{stderr}"
        );
    }
    assert_eq!(errors.len(), 3, "{stderr}");
    assert!(!stderr.contains("Read further") && !stderr.contains("Error reading data source"), "{stderr}");
    let files: Vec<String> = pages(&out).iter().map(|p| p.front.import.as_ref().unwrap().file.clone()).collect();
    for f in [
        "big.warc#2",
        "bomb.warc.gz#4",
        "long.warc#1",
        "long.warc#3",
        "long.warc#4",
        "short.warc#1",
        "short.warc#3",
        "short.warc#4",
    ] {
        assert!(files.contains(&f.to_string()), "{f} in {files:?}\n{stdout}{stderr}");
    }
    // Records are counted, not only files.
    assert!(stdout.contains("imported 8 of 11 articles from 4 files (11 records)"), "{stdout}");
}

#[test]
fn a_nul_byte_spoils_only_its_record_and_a_file_of_no_records_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    // A NUL in the first record of a CSV (in its first 8 KB: the whole file was refused as
    // "binary file, not text") and in a JSON Lines record as `\u0000`.
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut csv = String::from("url,title,text\n");
    for (i, f) in ["025_tongcheng_leitai.txt", "023_suining_bixue.txt"].iter().enumerate() {
        let (title, body) = labelled(f);
        let body = if i == 0 { body.replacen('。', "。\0", 1) } else { body };
        csv.push_str(&format!("https://x.org/{i}.html,{},{}\n", q(&title), q(&body)));
    }
    std::fs::write(dir.join("nul.csv"), &csv).unwrap();
    let (title, body) = labelled("004_ningjin_hezhang.txt");
    let rec =
        serde_json::json!({ "url": "https://x.org/j.html", "title": title, "text": body.replacen('。', "。\u{0}", 1) });
    std::fs::write(dir.join("nul.jsonl"), format!("{rec}\n")).unwrap();
    // A CSV of its header row alone, and JSON Lines of blank lines: named, as an empty file is.
    std::fs::write(dir.join("header.csv"), "url,title,text\n").unwrap();
    std::fs::write(dir.join("blank.jsonl"), "\n  \n\n").unwrap();
    let out = tmp.path().join("content");
    let o = common::kbgen(tmp.path(), &["import", "--out", out.to_str().unwrap(), dir.to_str().unwrap()]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("in/header.csv: no records: the file holds only its header row"), "{stderr}");
    assert!(stderr.contains("in/blank.jsonl: no records: the file holds only blank lines"), "{stderr}");
    for w in ["in/nul.csv:2: ", "in/nul.jsonl:1: "] {
        assert!(
            stderr.lines().any(|l| l.starts_with("warning: ") && l.contains(w) && l.contains("U+FFFD")),
            "{w}: {stderr}"
        );
    }
    assert!(!stderr.contains("binary file"), "{stderr}");
    let files: Vec<String> = pages(&out).iter().map(|p| p.front.import.as_ref().unwrap().file.clone()).collect();
    let second = format!("nul.csv:{}", 1 + csv.lines().position(|l| l.starts_with("https://x.org/1.html")).unwrap());
    assert_eq!(files, ["nul.csv:2", second.as_str(), "nul.jsonl:1"], "{stdout}{stderr}");
}

/// A `.warc.gz` of three records gzip'd one by one, the middle member's deflate bytes
/// spoiled: the first and third import, the second is named (it ended the archive).
#[test]
fn a_gzip_member_that_will_not_inflate_is_named_and_the_records_after_it_import() {
    let tmp = tempfile::tempdir().unwrap();
    let response = "application/http; msgtype=response";
    let files = ["010_zhengzhou_jiesu.txt", "011_jishou_kongke.txt", "015_quanjiao_diyishuji.txt"];
    let members: Vec<Vec<u8>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let r = warc_record(
                i,
                "response",
                &format!("https://x.org/{i}.html"),
                response,
                &http("text/html", &as_html(f)),
            );
            gzip(&[r])
        })
        .collect();
    let mut broken = members[1].clone();
    // After the 10-byte gzip header: deflate bytes, each changed.
    for b in &mut broken[20..80] {
        *b ^= 0xa5;
    }
    std::fs::write(tmp.path().join("crawl.warc.gz"), [members[0].clone(), broken, members[2].clone()].concat())
        .unwrap();
    let out = tmp.path().join("content");
    let o = common::kbgen(tmp.path(), &["import", "--out", out.to_str().unwrap(), "crawl.warc.gz"]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("crawl.warc.gz#2: bad WARC record: cannot decompress it")
            && errors[0].ends_with("read on from the next gzip member"),
        "{stderr}"
    );
    let files: Vec<String> = pages(&out).iter().map(|p| p.front.import.as_ref().unwrap().file.clone()).collect();
    assert_eq!(files, ["crawl.warc.gz#1", "crawl.warc.gz#3"], "{stdout}{stderr}");
}

/// Scrapy's `-o items.json` with a record that is not JSON and a file cut inside its last
/// record: the bad one is named by its place, the others import.
#[test]
fn a_json_array_with_a_bad_element_and_cut_short_imports_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let rec = |f: &str, i: usize| {
        let (title, text) = labelled(f);
        serde_json::json!({ "url": format!("https://x.org/{i}.html"), "title": title, "text": text }).to_string()
    };
    let last = rec("015_quanjiao_diyishuji.txt", 4);
    let items = format!(
        "[\n{},\n{{\"title\": \"坏记录\" \"text\": \"正文\"}},\n{},\n{last}\n]\n",
        rec("010_zhengzhou_jiesu.txt", 1),
        rec("011_jishou_kongke.txt", 3),
    );
    // Cut inside the fourth record.
    let mut at = items.find(&last).unwrap() + last.len() / 2;
    while !items.is_char_boundary(at) {
        at -= 1;
    }
    let cut = &items[..at];
    std::fs::write(tmp.path().join("items.json"), cut).unwrap();
    let out = tmp.path().join("content");
    let o = common::kbgen(tmp.path(), &["import", "--out", out.to_str().unwrap(), "items.json"]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert!(errors.len() == 2 && errors[0].contains("items.json#2: bad record: not JSON: "), "{stderr}");
    assert!(errors[1].contains("items.json#4: bad record: the file ends inside it (cut short?)"), "{stderr}");
    let files: Vec<String> = pages(&out).iter().map(|p| p.front.import.as_ref().unwrap().file.clone()).collect();
    assert_eq!(files, ["items.json#1", "items.json#3"], "{stdout}{stderr}");
}
