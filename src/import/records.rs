//! Raw articles that come many to a file, as scrapers write them: JSON Lines and CSV with one
//! article per record (Scrapy feed exports, trafilatura and newspaper-style extractors), and
//! WARC web archives (see [`super::warc`]). Each record becomes a raw article of its own —
//! bytes, the name its page records as provenance (`feed.jsonl:12`, `crawl.warc.gz#3`) and
//! what the record says about the article besides its text ([`Hints`]) — and goes through the
//! same pipeline as a `.txt` or `.html` file. A bad record is reported by file and line (or
//! record number), and the others import.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

pub use super::input::{Hints, Input};

/// Whether two raw article names are records of one file (`feed.jsonl:3`, `feed.jsonl:12`).
pub fn same_file(a: &str, b: &str) -> bool {
    record_file(a).is_some_and(|f| record_file(b) == Some(f))
}

/// The file a record's name names (`feed.jsonl` of `feed.jsonl:12`); `None` for a file's.
pub fn record_file(n: &str) -> Option<String> {
    let at = n.rfind([':', '#'])?;
    let number = &n[at + 1..];
    (!number.is_empty() && number.bytes().all(|c| c.is_ascii_digit()) && holds_records(&n[..at]))
        .then(|| n[..at].to_string())
}

/// Record files: JSON Lines, CSV, WARC (gzip'd or not).
pub fn is_record_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jsonl", ".ndjson", ".csv", ".warc", ".warc.gz"].iter().any(|e| lower.ends_with(e))
}

/// Files read as records: the record files and `.json` (an array of records, or one).
pub fn holds_records(name: &str) -> bool {
    is_record_file(name) || name.to_ascii_lowercase().ends_with(".json")
}

pub use crate::config::{Fields, Names, DEFAULTS};

/// The article a JSON object holds (see [`super::fields`]).
pub(super) fn object_article(v: &serde_json::Value, fields: &Fields) -> Result<(Vec<u8>, Hints), String> {
    match v {
        serde_json::Value::Object(map) => {
            let record: Vec<super::fields::Field> = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            super::fields::article(&record, fields).map_err(|e| format!("bad record: {e}"))
        }
        _ => Err("bad record: not a JSON object".to_string()),
    }
}

/// The records of a `.json` file: an array of objects (Scrapy's `-o items.json`), each named
/// by its place in the array (`items.json#3`), or one object (trafilatura's `--json`, one
/// file per page), named as the file. See [`super::json_array`], which reads them from a
/// reader an element at a time.
pub fn json(bytes: &[u8], path: &Path, name: &str, fields: &Fields) -> Vec<Input> {
    super::json_array::records(bytes, path, name, fields).collect()
}

/// A record (a JSON line, a CSV row, an element of a `.json` array) may be this large; a larger one is reported by its line
/// and skipped unread.
pub const MAX_RECORD: u64 = 32 << 20;

/// The records of a JSON Lines file: one JSON object per line, read a line at a time as the
/// iterator is advanced; blank lines are skipped. A file of no record is an error.
pub fn jsonl<'a, R: BufRead + 'a>(reader: R, path: &Path, name: &str, fields: &'a Fields) -> JsonLines<'a, R> {
    JsonLines { reader, path: path.to_path_buf(), name: name.to_string(), fields, n: 0, records: 0, done: false }
}

/// The records of a JSON Lines file; see [`jsonl`].
pub struct JsonLines<'a, R> {
    reader: R,
    path: PathBuf,
    name: String,
    fields: &'a Fields,
    /// The last line read.
    n: usize,
    /// Lines that were not blank.
    records: usize,
    done: bool,
}

impl<R: BufRead> Iterator for JsonLines<'_, R> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        let mut line = Vec::new();
        loop {
            if self.done {
                return None;
            }
            line.clear();
            let at = |n: usize| PathBuf::from(format!("{}:{n}", self.path.display()));
            match (&mut self.reader).take(MAX_RECORD + 1).read_until(b'\n', &mut line) {
                Ok(0) => {
                    self.done = true;
                    // A file of blank lines (or none) is named, as an empty file is.
                    return (self.records == 0).then(|| Input::Bad {
                        path: self.path.clone(),
                        error: "no records: the file holds only blank lines".into(),
                    });
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Input::Bad { path: at(self.n + 1), error: format!("cannot read: {e}") });
                }
            }
            self.n += 1;
            let n = self.n;
            if line.len() as u64 > MAX_RECORD {
                self.records += 1;
                if let Err(e) = skip_line(&mut self.reader) {
                    self.done = true;
                    return Some(Input::Bad { path: at(n), error: format!("cannot read: {e}") });
                }
                let error = format!("bad record: longer than {} MiB, not read", MAX_RECORD >> 20);
                return Some(Input::Bad { path: at(n), error });
            }
            let text = if n == 1 { line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&line) } else { &line[..] };
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.records += 1;
            let parsed = std::str::from_utf8(text).map_err(|e| format!("bad record: not UTF-8 ({e})")).and_then(|l| {
                serde_json::from_str::<serde_json::Value>(l).map_err(|e| format!("bad record: not JSON: {e}"))
            });
            let result = parsed.and_then(|v| object_article(&v, self.fields));
            return Some(match result {
                Ok((bytes, hints)) => Input::Record { path: at(n), name: format!("{}:{n}", self.name), bytes, hints },
                Err(error) => Input::Bad { path: at(n), error },
            });
        }
    }
}

/// Reads up to the next line break without holding the line.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(i) = memchr::memchr(b'\n', buf) {
            reader.consume(i + 1);
            return Ok(());
        }
        let n = buf.len();
        reader.consume(n);
    }
}

/// The records of a CSV file with a header row (any common encoding; quoted fields may span
/// lines). A record is named by the line it starts on. See [`csv_records`].
pub fn csv(bytes: &[u8], path: &Path, name: &str, fields: &Fields) -> Vec<Input> {
    csv_records(bytes, path, name, fields).collect()
}

/// How much of a CSV file its encoding is told from.
const CSV_SNIFF: usize = 1 << 20;

/// The records of a CSV file read from `reader` a record at a time, as the iterator is
/// advanced: memory follows a record, not the file. The encoding is told from the first MiB;
/// a record longer than [`MAX_RECORD`] ends the file with an error naming its line.
pub fn csv_records<'a, R: Read + Send + 'a>(
    mut reader: R,
    path: &Path,
    name: &str,
    fields: &'a Fields,
) -> Box<dyn Iterator<Item = Input> + Send + 'a> {
    let path = path.to_path_buf();
    let name = name.to_string();
    let fail = |path: PathBuf, error: String| -> Box<dyn Iterator<Item = Input> + Send + 'a> {
        Box::new(std::iter::once(Input::Bad { path, error }))
    };
    let mut head = Vec::with_capacity(64 << 10);
    if let Err(e) = (&mut reader).take(CSV_SNIFF as u64).read_to_end(&mut head) {
        return fail(path, format!("cannot read: {e}"));
    }
    // The encoding of whole lines (a cut character would look like another encoding).
    let whole = if head.len() < CSV_SNIFF {
        head.len()
    } else {
        head.iter().rposition(|&b| b == b'\n').map_or(head.len(), |i| i + 1)
    };
    let whole = if head.get(whole) == Some(&0) { whole + 1 } else { whole };
    // NUL bytes are left in the records, each of which is decoded again and says where.
    let encoding = match super::decode::decode_keeping_nul(&head[..whole]) {
        Ok(d) => d.encoding,
        Err(e) => return fail(path, e.to_string()),
    };
    let enc = encoding_rs::Encoding::for_label(encoding.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let mark = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let text = DecodeRead::new(std::io::Cursor::new(head).chain(reader), enc, mark.clone());
    let mut reader = ::csv::ReaderBuilder::new().flexible(false).from_reader(text);
    let too_long = |e: &::csv::Error| matches!(e.kind(), ::csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge);
    let long = format!("bad record: longer than {} MiB, not read (nor the rest of the file)", MAX_RECORD >> 20);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) if too_long(&e) => return fail(path, long),
        Err(e) => return fail(path, format!("bad header row: {e}")),
    };
    // A header that names no text column leaves it to the values: the first record decides.
    let mut decided = super::fields::names_text(&header, fields);
    let refused = {
        let names: Vec<String> = fields.names("text").into_iter().chain(fields.names("html")).collect();
        format!(
            "not a table of articles: no column is named {} or holds text (name yours under [import.fields] in kbgen.toml)",
            names.join(", ")
        )
    };
    let mut record = ::csv::StringRecord::new();
    let mut first = true;
    let mut done = false;
    Box::new(std::iter::from_fn(move || {
        if done {
            return None;
        }
        let read = reader.read_record(&mut record);
        mark.store(reader.position().byte(), std::sync::atomic::Ordering::Relaxed);
        let (line, result) = match read {
            Ok(false) => {
                done = true;
                let error = "no records: the file holds only its header row".to_string();
                return first.then(|| Input::Bad { path: path.clone(), error });
            }
            Err(e) => {
                let line = e.position().map_or(reader.position().line(), |p| p.line());
                let why = match e.kind() {
                    ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("bad record: {len} fields where the header has {expected_len}")
                    }
                    _ if too_long(&e) => {
                        done = true;
                        long.clone()
                    }
                    ::csv::ErrorKind::Io(_) => {
                        done = true;
                        format!("bad record: {e}; the rest of the file was not read")
                    }
                    _ => format!("bad record: {e}"),
                };
                (line, Err(why))
            }
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let fields_of: Vec<super::fields::Field> = header
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.clone(), serde_json::Value::String(v.to_string())))
                    .collect();
                // The records are reported in the encoding the file was read in (GBK), not UTF-8.
                let article = super::fields::article(&fields_of, fields)
                    .map(|(b, h)| (b, Hints { encoding: Some(encoding), ..h }));
                if !decided {
                    match &article {
                        Ok((_, h)) if !h.no_text => decided = true,
                        _ => {
                            done = true;
                            return Some(Input::Bad { path: path.clone(), error: refused.clone() });
                        }
                    }
                }
                (line, article.map_err(|e| format!("bad record: {e}")))
            }
        };
        first = false;
        let at = PathBuf::from(format!("{}:{line}", path.display()));
        Some(match result {
            Ok((bytes, hints)) => Input::Record { path: at, name: format!("{name}:{line}"), bytes, hints },
            Err(error) => Input::Bad { path: at, error },
        })
    }))
}

/// Bytes of any encoding read as UTF-8, a buffer at a time; reading more than
/// [`MAX_RECORD`] past `mark` (where the reader's current record starts) is an error of kind
/// `FileTooLarge`.
struct DecodeRead<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    /// Undecoded bytes of `input` start here and end at `filled`.
    start: usize,
    filled: usize,
    eof: bool,
    out: Vec<u8>,
    /// Decoded bytes of `out` not yet handed out start here.
    out_start: usize,
    total: u64,
    mark: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> DecodeRead<R> {
    fn new(inner: R, enc: &'static encoding_rs::Encoding, mark: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        DecodeRead {
            inner,
            decoder: enc.new_decoder_with_bom_removal(),
            input: vec![0; 64 << 10],
            start: 0,
            filled: 0,
            eof: false,
            out: Vec::with_capacity(200 << 10),
            out_start: 0,
            total: 0,
            mark,
        }
    }
}

impl<R: Read> Read for DecodeRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_start == self.out.len() {
            if self.eof && self.start == self.filled {
                return Ok(0);
            }
            if self.total.saturating_sub(self.mark.load(std::sync::atomic::Ordering::Relaxed)) > MAX_RECORD + (1 << 20)
            {
                return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "a record longer than the limit"));
            }
            if self.start == self.filled && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.start = 0;
                self.filled = n;
                self.eof = n == 0;
            }
            self.out.clear();
            self.out_start = 0;
            let need = self.decoder.max_utf8_buffer_length(self.filled - self.start).unwrap_or(usize::MAX).min(1 << 20);
            self.out.resize(need.max(16), 0);
            let (_, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.start..self.filled], &mut self.out, self.eof);
            self.start += read;
            self.out.truncate(written);
            self.total += written as u64;
        }
        let n = buf.len().min(self.out.len() - self.out_start);
        buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

/// The raw articles of `files`, read as they are asked for: record files become their
/// records (a record at a time, so memory follows a record, not the file), other files stay
/// files.
pub fn expand(files: Vec<(PathBuf, String)>, fields: &Fields) -> impl Iterator<Item = Input> + Send + '_ {
    files
        .into_iter()
        .flat_map(move |(path, name)| Guarded { path: path.clone(), inner: Some(file_inputs(path, name, fields)) })
}

/// A file's records; a panic in its reader (a bug) ends that file with an error naming it,
/// and the other files still import.
struct Guarded<'a> {
    path: PathBuf,
    inner: Option<Box<dyn Iterator<Item = Input> + Send + 'a>>,
}

impl Iterator for Guarded<'_> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        let inner = self.inner.as_mut()?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.next())) {
            Ok(next) => next,
            Err(_) => {
                self.inner = None;
                let error = "kbgen failed while reading it (a bug: please report it); the rest of it was not read";
                Some(Input::Bad { path: self.path.clone(), error: error.into() })
            }
        }
    }
}

/// The inputs of one file; see [`expand`].
fn file_inputs(path: PathBuf, name: String, fields: &Fields) -> Box<dyn Iterator<Item = Input> + Send + '_> {
    let lower = name.to_ascii_lowercase();
    if !holds_records(&lower) {
        return Box::new(std::iter::once(Input::File { path, name }));
    }
    if lower.ends_with(".warc") || lower.ends_with(".warc.gz") {
        return super::warc::records(&path, &name);
    }
    let bad = |path: PathBuf, e: std::io::Error| Input::Bad { path, error: format!("cannot read: {e}") };
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        return match std::fs::File::open(&path) {
            Ok(f) => Box::new(jsonl(std::io::BufReader::new(f), &path, &name, fields)),
            Err(e) => Box::new(std::iter::once(bad(path, e))),
        };
    }
    if lower.ends_with(".csv") {
        return match std::fs::File::open(&path) {
            Ok(f) => csv_records(f, &path, &name, fields),
            Err(e) => Box::new(std::iter::once(bad(path, e))),
        };
    }
    match std::fs::File::open(&path) {
        Ok(f) => {
            Box::new(super::json_array::records(std::io::BufReader::with_capacity(64 << 10, f), &path, &name, fields))
        }
        Err(e) => Box::new(std::iter::once(bad(path, e))),
    }
}

/// A progress bar on standard error for imports of [`PROGRESS_FROM`] raw files or more, or of
/// record files (whose records are counted as they are read: the length grows); hidden when
/// standard error is not a terminal or `CI` is set.
pub fn progress_bar(len: usize, records: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if std::env::var_os("CI").is_some() || !std::io::stderr().is_terminal() || (len < PROGRESS_FROM && !records) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("importing {bar:40} {pos}/{len} articles ({eta})") {
        bar.set_style(style);
    }
    bar
}

/// Imports this large show a progress bar.
pub const PROGRESS_FROM: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(i: &Input) -> (&str, &str, &Hints) {
        match i {
            Input::Record { name, bytes, hints, .. } => (name, std::str::from_utf8(bytes).unwrap(), hints),
            other => panic!("not a record: {other:?}"),
        }
    }

    fn bad(i: &Input) -> (String, &str) {
        match i {
            Input::Bad { path, error } => (path.display().to_string(), error),
            other => panic!("not bad: {other:?}"),
        }
    }

    #[test]
    fn json_lines_records_carry_their_fields_and_a_bad_line_is_reported_by_number() {
        let feed = concat!(
            "{\"url\": \"http://www.news.cn/2023-03/21/c_1.htm\", \"title\": \"网格员\", \"text\": \"正文一\", ",
            "\"date\": \"2023-03-21\", \"site\": \"新华网\", \"authors\": [\"王文生\", \"唐承斌\"]}\n",
            "\n",
            "{\"title\": \"坏记录\", \"text\": \"正文\"\n",
            "{\"html\": \"<p>正文三</p>\", \"source\": \"https://x.org/a.html\"}\n",
            "[1, 2]\n",
            "{\"title\": \"没有正文\"}\n",
        );
        let fields = Fields::default();
        let r: Vec<Input> = jsonl(feed.as_bytes(), Path::new("feed.jsonl"), "feed.jsonl", &fields).collect();
        assert_eq!(r.len(), 5);
        let (name, text, h) = ok(&r[0]);
        assert_eq!((name, text), ("feed.jsonl:1", "正文一"));
        assert_eq!(h.url.as_deref(), Some("http://www.news.cn/2023-03/21/c_1.htm"));
        assert_eq!((h.title.as_deref(), h.date.as_deref()), (Some("网格员"), Some("2023-03-21")));
        assert_eq!((h.source.as_deref(), h.author.as_deref()), (Some("新华网"), Some("王文生、唐承斌")));
        assert_eq!(h.html, Some(false));
        let (path, e) = bad(&r[1]);
        assert_eq!(path, "feed.jsonl:3");
        assert!(e.starts_with("bad record: not JSON"), "{e}");
        // trafilatura's `source` is the address, not the publisher.
        let (name, text, h) = ok(&r[2]);
        assert_eq!((name, text, h.html), ("feed.jsonl:4", "<p>正文三</p>", Some(true)));
        assert_eq!((h.url.as_deref(), h.source.as_deref()), (Some("https://x.org/a.html"), None));
        assert_eq!(bad(&r[3]), ("feed.jsonl:5".into(), "bad record: not a JSON object"));
        let (path, e) = bad(&r[4]);
        assert_eq!(path, "feed.jsonl:6");
        assert!(e.contains("no article text") && e.contains("text, content"), "{e}");
    }

    #[test]
    fn csv_records_are_named_by_their_first_line_and_a_short_row_is_reported() {
        let table = "url,title,text,date\n\
                     https://x.org/1,甲,\"第一段\n第二段\",2023-01-02\n\
                     https://x.org/2,乙\n\
                     javascript:alert(1),丙,正文,\n";
        let r = csv(table.as_bytes(), Path::new("a.csv"), "a.csv", &Fields::default());
        assert_eq!(r.len(), 3, "{r:?}");
        let (name, text, h) = ok(&r[0]);
        assert_eq!((name, text, h.title.as_deref()), ("a.csv:2", "第一段\n第二段", Some("甲")));
        assert_eq!(bad(&r[1]), ("a.csv:4".into(), "bad record: 2 fields where the header has 4"));
        // Not a web address: not kept. An empty date is no date.
        let (name, _, h) = ok(&r[2]);
        assert_eq!((name, h.url.as_deref(), h.date.as_deref()), ("a.csv:5", None, None));
    }

    #[test]
    fn a_csv_without_a_text_column_is_one_error_and_the_mapping_is_configurable() {
        let numbers = "id,name,count\n1,甲,3\n2,乙,4\n";
        let r = csv(numbers.as_bytes(), Path::new("b.csv"), "b.csv", &Fields::default());
        let (path, e) = bad(&r[0]);
        assert_eq!((r.len(), path.as_str()), (1, "b.csv"));
        assert!(e.contains("[import.fields]"), "{e}");
        let table = "链接,标题,正文\nhttps://x.org/1,甲,内容\n";
        let fields: Fields = toml::from_str("text = \"正文\"\ntitle = [\"题目\", \"标题\"]\nurl = \"链接\"\n").unwrap();
        let r = csv(table.as_bytes(), Path::new("b.csv"), "b.csv", &fields);
        let (_, text, h) = ok(&r[0]);
        assert_eq!((text, h.title.as_deref(), h.url.as_deref()), ("内容", Some("甲"), Some("https://x.org/1")));
        assert!(toml::from_str::<Fields>("txt = \"x\"\n").is_err(), "unknown keys are errors");
    }

    #[test]
    fn a_json_array_is_records_numbered_by_place_and_a_json_object_is_one() {
        let items = "[{\"url\": \"https://x.org/1\", \"text\": \"甲\"}, 3, {\"content\": \"乙\"}]";
        let r = json(items.as_bytes(), Path::new("items.json"), "items.json", &Fields::default());
        assert_eq!(r.len(), 3);
        assert_eq!((ok(&r[0]).0, ok(&r[0]).1), ("items.json#1", "甲"));
        assert_eq!(bad(&r[1]), ("items.json#2".into(), "bad record: not a JSON object"));
        assert_eq!(ok(&r[2]).1, "乙");
        let one = json(
            "{\"raw_text\": \"丙\", \"hostname\": \"x.org\"}".as_bytes(),
            Path::new("p.json"),
            "p.json",
            &Fields::default(),
        );
        let (name, text, h) = ok(&one[0]);
        assert_eq!((name, text, h.source.as_deref()), ("p.json", "丙", Some("x.org")));
        // Cut short: the records before the cut import.
        let broken = json(b"[{\"text\": \"a\"},\n{", Path::new("b.json"), "b.json", &Fields::default());
        assert_eq!(ok(&broken[0]).1, "a");
        assert_eq!(bad(&broken[1]), ("b.json#2".into(), "bad record: the file ends inside it (cut short?)"));
        let broken = json(b"{\"text\": \"a\",\n", Path::new("b.json"), "b.json", &Fields::default());
        let (path, e) = bad(&broken[0]);
        assert!(path == "b.json:2" && e.starts_with("not JSON"), "{path} {e}");
    }

    #[test]
    fn records_of_one_file_are_told_from_records_of_another() {
        assert!(same_file("feed.jsonl:3", "feed.jsonl:12") && same_file("a/c.warc.gz#2", "a/c.warc.gz#9"));
        assert!(!same_file("feed.jsonl:3", "other.jsonl:3") && !same_file("a.txt", "a.txt"));
        assert!(!same_file("notes:3", "notes:4"), "not a record file");
        assert!(same_file("items.json#3", "items.json#1"));
        assert!(!same_file("feed.jsonl:", "feed.jsonl:1"));
    }

    #[test]
    fn a_date_field_of_chinese_words_is_no_date_never_a_panic() {
        // A word whose third byte is inside a character (found by tests/readers.rs).
        let d = |s: &str| super::super::fields::record_date(s);
        assert_eq!(d("3 3家參赛单位 2023"), None);
        assert_eq!(d("21 三月 2023"), None);
    }

    #[test]
    fn rss_dates_and_unix_times_become_plain_dates() {
        let d = |s: &str| super::super::fields::record_date(s);
        assert_eq!(d("Tue, 21 Mar 2023 08:00:00 GMT").as_deref(), Some("2023-03-21"));
        assert_eq!(d("21 March 2023").as_deref(), Some("2023-03-21"));
        // 2023-03-20 16:30 UTC is the 21st in China; seconds or milliseconds.
        assert_eq!(d("1679329800").as_deref(), Some("2023-03-21"));
        assert_eq!(d("1679329800000").as_deref(), Some("2023-03-21"));
        assert_eq!(d("0"), None);
        // A scraper's stand-ins for "no date": Unix time 0, zero-padded, or negative.
        for missing in ["0000000000000", "0000000000", "-1", "-1679329800", "0000086400"] {
            assert_eq!(d(missing), None, "{missing}");
        }
        assert_eq!(d("1709136000").as_deref(), Some("2024-02-29"));
        for iso in ["2023-03-21T08:00:00+08:00", "2023年3月21日", "20230321"] {
            assert_eq!(d(iso).as_deref(), Some("2023-03-21"), "{iso}");
        }
        assert_eq!(d("32 Mar 2023"), None);
    }

    #[test]
    fn a_csv_record_over_the_limit_ends_the_file_with_its_line_and_the_records_before_import() {
        let mut table = "title,text\n甲,第一篇正文\n乙,\"".to_string();
        table.push_str(&"长".repeat((MAX_RECORD as usize + (2 << 20)) / 3));
        table.push_str("\"\n丙,第三篇正文\n");
        let r = csv(table.as_bytes(), Path::new("big.csv"), "big.csv", &Fields::default());
        assert_eq!(r.len(), 2, "the long record ends the file");
        assert_eq!(ok(&r[0]).1, "第一篇正文");
        let (at, e) = bad(&r[1]);
        assert!(at.starts_with("big.csv:"), "{at}");
        assert!(e.contains("longer than 32 MiB"), "{e}");
    }

    #[test]
    fn a_gbk_csv_read_in_small_pieces_keeps_characters_cut_between_them() {
        /// A reader that hands out three bytes at a time (a GBK character is two).
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(3).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let (bytes, _, _) = encoding_rs::GBK.encode("title,text\n基层治理,网格员入户走访\n河长制,巡河\n");
        let fields = Fields::default();
        let r: Vec<Input> = csv_records(Trickle(&bytes), Path::new("g.csv"), "g.csv", &fields).collect();
        assert_eq!((ok(&r[0]).1, ok(&r[1]).1), ("网格员入户走访", "巡河"));
    }

    #[test]
    fn a_gbk_csv_with_a_bom_less_header_reads() {
        let (bytes, _, _) = encoding_rs::GBK.encode("title,text\n基层治理,网格员入户走访\n");
        let r = csv(&bytes, Path::new("g.csv"), "g.csv", &Fields::default());
        assert_eq!(ok(&r[0]).1, "网格员入户走访");
    }
}
