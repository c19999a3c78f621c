//! Import's readers of untrusted input under generated hostile files (issue 22): saved pages
//! (deep nesting, unclosed tags, huge attributes, hidden and veiled blocks, legacy encodings
//! with bytes flipped), JSON Lines, CSV and WARC (plain and gzip'd, lying lengths, junk
//! between records, cut anywhere). A seeded generator (`fastrand`), so a failing case replays
//! from its number. Every case must end in stories or errors that name a record or the file,
//! in bounded time, without a panic; then a sample runs through the real binary, beside a
//! good file, which must import: a hostile file fails alone, and nothing aborts.
//!
//! Bounded for CI: at most [`CASES`] cases, and no new case after [`BUDGET`]; the number of
//! cases run is printed (`cargo test --test readers -- --nocapture`).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{kbgen, pages, repo, text};
use kbgen::gazetteer::Gazetteer;
use kbgen::import::records::{self, Fields, Input};
use kbgen::import::Importer;
use kbgen::vocab::Vocabulary;

/// Cases at most, and the time after which no new case starts.
const CASES: usize = 300;
const BUDGET: Duration = Duration::from_secs(35);
/// No case may take longer (a debug build on a loaded 2-core machine; a case takes well
/// under a second as a rule).
const CASE_LIMIT: Duration = Duration::from_secs(20);

/// What a case's file is.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Html,
    Jsonl,
    Csv,
    Warc,
    WarcGz,
}

impl Kind {
    fn ext(self) -> &'static str {
        match self {
            Kind::Html => "html",
            Kind::Jsonl => "jsonl",
            Kind::Csv => "csv",
            Kind::Warc => "warc",
            Kind::WarcGz => "warc.gz",
        }
    }
}

/// Sentences of real articles, to put text where a reader looks for it.
fn sentences() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(repo().join("sources")).unwrap() {
        let t = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
        out.extend(t.split('。').map(|s| s.trim().to_string()).filter(|s| s.chars().count() > 10).map(|s| s + "。"));
    }
    out.sort();
    assert!(out.len() > 20, "the seeds in sources/ give sentences");
    out
}

struct Gen {
    rng: fastrand::Rng,
    sentences: Vec<String>,
}

const TAGS: &[&str] = &[
    "div",
    "span",
    "p",
    "a",
    "b",
    "font",
    "table",
    "tr",
    "td",
    "li",
    "ul",
    "section",
    "article",
    "h1",
    "h2",
    "form",
    "nav",
    "script",
    "style",
    "svg",
    "math",
    "template",
    "select",
    "option",
    "iframe",
    "textarea",
    "pre",
    "center",
    "noscript",
    "button",
    "br",
    "img",
    "frameset",
    "plaintext",
    "xmp",
    "title",
];

impl Gen {
    fn text(&mut self) -> String {
        match self.rng.usize(..10) {
            0 => (0..self.rng.usize(1..40)).map(|_| self.rng.char(..)).collect(),
            1 => String::new(),
            _ => {
                let n = self.rng.usize(1..6);
                (0..n).map(|_| self.sentences[self.rng.usize(..self.sentences.len())].clone()).collect()
            }
        }
    }

    fn attrs(&mut self) -> String {
        let mut out = String::new();
        for _ in 0..self.rng.usize(..3) {
            let a = match self.rng.usize(..8) {
                0 => format!(
                    " class=\"{}\"",
                    ["content", "nav", "comment", "article-body", "share"][self.rng.usize(..5)]
                ),
                1 => " style=\"display:none\"".to_string(),
                2 => " style=\"visibility:hidden;opacity:0\"".to_string(),
                3 => " hidden".to_string(),
                4 => {
                    let n = if self.rng.usize(..20) == 0 { self.rng.usize(..300_000) } else { self.rng.usize(..100) };
                    format!(" data-x=\"{}\"", "x".repeat(n))
                }
                5 => " href=\"javascript:alert(1)\"".to_string(),
                6 => format!(" {}=\"{}\"", "y".repeat(self.rng.usize(1..50)), self.rng.char(..)),
                _ => " id=\"main\"".to_string(),
            };
            out.push_str(&a);
        }
        out
    }

    /// A saved page: a body of random elements, some nested deep, some never closed.
    fn html(&mut self) -> String {
        let mut out = String::from("<!DOCTYPE html><html><head><title>");
        out.push_str(&self.text());
        out.push_str("</title></head><body>");
        let mut open: Vec<&str> = Vec::new();
        let steps = self.rng.usize(1..80);
        for _ in 0..steps {
            match self.rng.usize(..12) {
                0..=3 => {
                    let tag = TAGS[self.rng.usize(..TAGS.len())];
                    let attrs = self.attrs();
                    out.push_str(&format!("<{tag}{attrs}>"));
                    open.push(tag);
                }
                4..=6 => out.push_str(&self.text()),
                7 | 8 => {
                    if let Some(tag) = open.pop() {
                        if self.rng.bool() {
                            out.push_str(&format!("</{tag}>"));
                        }
                    }
                }
                9 => {
                    // A run of nesting: near the depth cap, or far past it.
                    let tag = ["div", "span", "b", "table", "li", "a", "font"][self.rng.usize(..7)];
                    let n = [20, 200, 900, 1_100, 5_000, 40_000][self.rng.usize(..6)];
                    let close = self.rng.bool();
                    out.push_str(&format!("<{tag}>").repeat(n));
                    out.push_str(&self.text());
                    if close {
                        out.push_str(&format!("</{tag}>").repeat(n));
                    }
                }
                10 => out
                    .push_str(["<!--", "<![CDATA[", "</", "<a <b", "&#x110000;", "&amp", "<?x?>"][self.rng.usize(..7)]),
                _ => out.push_str(&format!("<p>{}</p>", self.text())),
            }
        }
        out
    }

    /// Bytes of `text` in an encoding a Chinese page comes in, perhaps a few bytes flipped.
    fn encoded(&mut self, text: &str) -> Vec<u8> {
        let mut b = match self.rng.usize(..6) {
            0 => encoding_rs::GBK.encode(text).0.into_owned(),
            1 => encoding_rs::BIG5.encode(text).0.into_owned(),
            2 => text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
            _ => text.as_bytes().to_vec(),
        };
        if self.rng.usize(..3) == 0 {
            for _ in 0..self.rng.usize(1..20) {
                if !b.is_empty() {
                    let at = self.rng.usize(..b.len());
                    b[at] = self.rng.u8(..);
                }
            }
        }
        b
    }

    fn json_record(&mut self) -> String {
        match self.rng.usize(..10) {
            0 => format!("{}{}", "[".repeat(self.rng.usize(100..5000)), "]".repeat(self.rng.usize(..100))),
            1 => format!("{{\"text\": \"{}\\u0000{}\"}}", self.text(), self.text()),
            2 => "{\"text\": \"\\ud800 unpaired\", \"title\": {\"a\": [1, {\"b\": null}]}}".to_string(),
            3 => {
                let t = self.text();
                String::from_utf8_lossy(&self.encoded(&t)).into_owned()
            }
            4 => serde_json::json!({ "html": self.html(), "url": "https://x.org/a.html" }).to_string(),
            5 => format!("{{\"text\": \"{}\"", self.text()),
            _ => serde_json::json!({ "title": self.text(), "text": self.text(), "date": self.text() }).to_string(),
        }
    }

    fn jsonl(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.rng.bool() {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        for _ in 0..self.rng.usize(..12) {
            out.extend_from_slice(self.json_record().as_bytes());
            out.extend_from_slice([&b"\n"[..], b"\r\n", b"\n\n", b"\0\n"][self.rng.usize(..4)]);
        }
        out
    }

    fn csv(&mut self) -> Vec<u8> {
        let mut out = String::new();
        out.push_str(["url,title,text\n", "title,html\n", "a,b\n", "", "text\n"][self.rng.usize(..5)]);
        for _ in 0..self.rng.usize(..12) {
            let cell = |g: &mut Gen| match g.rng.usize(..5) {
                0 => format!("\"{}", g.text()),
                1 => format!("\"{}\"", g.text().replace('"', "\"\"")),
                2 => format!("{}\0", g.text()),
                _ => g.text().replace([',', '"', '\n'], " "),
            };
            let n = self.rng.usize(..5);
            let row: Vec<String> = (0..n).map(|_| cell(self)).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
        self.encoded(&out)
    }

    fn warc_record(&mut self) -> Vec<u8> {
        let page = self.html();
        let body: Vec<u8> = match self.rng.usize(..6) {
            0 => {
                let chunked: String = page
                    .as_bytes()
                    .chunks(100)
                    .map(|c| format!("{:x}\r\n{}\r\n", c.len(), String::from_utf8_lossy(c)))
                    .collect();
                format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n{chunked}0\r\n\r\n").into_bytes()
            }
            1 => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(page.as_bytes()).unwrap();
                let mut gz = e.finish().unwrap();
                if self.rng.bool() && !gz.is_empty() {
                    let at = self.rng.usize(..gz.len());
                    gz[at] ^= 0x5a;
                }
                [b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/html\r\n\r\n".as_slice(), &gz]
                    .concat()
            }
            2 => b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n".to_vec(),
            3 => [
                b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n".as_slice(),
                &vec![0u8; self.rng.usize(..100_000)],
            ]
            .concat(),
            _ => [
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={}\r\n\r\n",
                    ["gbk", "utf-8", "big5", "x-user-defined", "\"><"][self.rng.usize(..5)]
                )
                .as_bytes(),
                &self.encoded(&page),
            ]
            .concat(),
        };
        let kind = ["response", "response", "resource", "request", "warcinfo", "metadata"][self.rng.usize(..6)];
        let block_type = if kind == "resource" { "text/html" } else { "application/http; msgtype=response" };
        let lie: i64 = match self.rng.usize(..8) {
            0 => -(self.rng.i64(1..200)),
            1 => self.rng.i64(1..200),
            2 => 99_999_999_999,
            _ => 0,
        };
        let length = (body.len() as i64 + lie).max(0);
        let head = format!("WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://x.org/{}\r\nContent-Type: {block_type}\r\nContent-Length: {length}\r\n\r\n", self.rng.u32(..));
        [head.as_bytes(), &body, b"\r\n\r\n"].concat()
    }

    fn warc(&mut self, gzip: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..self.rng.usize(..6) {
            let mut r = self.warc_record();
            if self.rng.usize(..6) == 0 {
                r.splice(0..0, (0..self.rng.usize(1..100)).map(|_| self.rng.u8(..)));
            }
            if gzip {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(&r).unwrap();
                r = e.finish().unwrap();
            }
            out.extend(r);
        }
        if self.rng.usize(..4) == 0 && !out.is_empty() {
            let cut = self.rng.usize(..out.len());
            out.truncate(cut);
        }
        out
    }

    fn case(&mut self, kind: Kind) -> Vec<u8> {
        match kind {
            Kind::Html => {
                let page = self.html();
                self.encoded(&page)
            }
            Kind::Jsonl => self.jsonl(),
            Kind::Csv => self.csv(),
            Kind::Warc => self.warc(false),
            Kind::WarcGz => self.warc(true),
        }
    }
}

/// The case's inputs read the way import reads them, each parsed: what failed must name the
/// file or one of its records.
fn check(importer: &Importer, path: &Path, name: &str) -> usize {
    let fields = Fields::default();
    let mut n = 0;
    for input in records::expand(vec![(path.to_path_buf(), name.to_string())], &fields) {
        n += 1;
        let at = input.path().to_string_lossy().into_owned();
        let named =
            at == path.to_string_lossy() || records::record_file(&at).as_deref() == Some(&*path.to_string_lossy());
        assert!(named, "{at} names no record of {}", path.display());
        let r = match &input {
            Input::File { path, name } => importer.stories(name, &std::fs::read(path).unwrap()),
            Input::Record { name, bytes, hints, .. } => importer.stories_with(name, bytes, hints),
            Input::Bad { error, .. } => {
                assert!(!error.is_empty());
                continue;
            }
        };
        if let Ok((stories, _)) = r {
            assert!(!stories.is_empty(), "{at}: Ok with no story");
        }
    }
    n
}

#[test]
fn generated_hostile_files_end_in_stories_or_named_errors_in_bounded_time_and_fail_alone() {
    let vocab = Vocabulary::builtin();
    let importer = Importer::new(Gazetteer::builtin(), &vocab);
    let mut g = Gen { rng: fastrand::Rng::with_seed(0x5EED_2212_0000_0022), sentences: sentences() };
    let tmp = tempfile::tempdir().unwrap();
    let sample = tmp.path().join("sample");
    std::fs::create_dir(&sample).unwrap();
    let kinds = [Kind::Html, Kind::Jsonl, Kind::Csv, Kind::Warc, Kind::WarcGz];
    let start = Instant::now();
    let (mut cases, mut inputs, mut slowest) = (0, 0, (Duration::ZERO, 0));
    let mut sampled: Vec<String> = Vec::new();
    while cases < CASES && start.elapsed() < BUDGET {
        let kind = kinds[cases % kinds.len()];
        let bytes = g.case(kind);
        let name = format!("case-{cases:04}.{}", kind.ext());
        let path = tmp.path().join(&name);
        std::fs::write(&path, &bytes).unwrap();
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&importer, &path, &name)));
        let took = t.elapsed();
        match outcome {
            Ok(n) => inputs += n,
            Err(_) => panic!("case {cases} ({name}, {} bytes) panicked", bytes.len()),
        }
        assert!(took < CASE_LIMIT, "case {cases} ({name}, {} bytes) took {took:?}", bytes.len());
        if took > slowest.0 {
            slowest = (took, cases);
        }
        // Every seventh case (the kinds take turns) goes to the binary too.
        if cases % 7 == 3 {
            std::fs::write(sample.join(&name), &bytes).unwrap();
            sampled.push(name);
        }
        cases += 1;
    }
    println!(
        "{cases} generated files ({inputs} articles and errors) read in {:.1?}; slowest case {} ({:.1?})",
        start.elapsed(),
        slowest.1,
        slowest.0
    );
    assert!(cases >= 50, "only {cases} cases ran in {BUDGET:?}");

    // Through the binary, beside a good file: no abort, every file named, the good one imported.
    // (Not from sources/, whose sentences the cases are made of: it would be merged with them.)
    std::fs::copy(repo().join("tests/fixtures/real/raw/004_ningjin_hezhang.txt"), sample.join("good.txt")).unwrap();
    let out = tmp.path().join("content");
    let o = kbgen(tmp.path(), &["import", "--out", out.to_str().unwrap(), sample.to_str().unwrap()]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert!(matches!(o.status.code(), Some(0 | 1)), "{:?}\n{stdout}{stderr}", o.status);
    for name in &sampled {
        assert!(
            stdout.contains(name.as_str()) || stderr.contains(name.as_str()),
            "{name} is never named:\n{stdout}{stderr}"
        );
    }
    let files: Vec<PathBuf> =
        pages(&out).iter().map(|p| PathBuf::from(&p.front.import.as_ref().unwrap().file)).collect();
    assert!(files.contains(&PathBuf::from("good.txt")), "{stdout}{stderr}");
    println!(
        "{} sampled files and a good one imported by the binary: {}",
        sampled.len(),
        stdout.lines().last().unwrap_or("")
    );
}
