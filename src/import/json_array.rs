//! The records of a `.json` file, read as import asks for them: a top-level array (Scrapy's
//! `-o items.json`, which can be gigabytes) is read an element at a time, so memory follows
//! a record, not the file; one top-level object (trafilatura's `--json`, a file per page) is
//! one record.
//!
//! The array is framed by a small scanner, not by serde: it finds each element's bytes (a
//! comma or the closing `]` outside strings and brackets ends one) and serde_json parses
//! those alone. So an element that is not JSON is one bad record, named by its place
//! (`items.json#7`), and the elements after it still import; an element longer than
//! [`MAX_RECORD`] is skipped unread; a file cut short keeps the records before the cut.
//! (A serde `SeqAccess` over the whole file would stop at the first syntax error.)
//!
//! JSON is UTF-8 (a byte-order mark is skipped); a file whose start is not UTF-8 is refused
//! whole, as serde_json refuses it.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use super::input::Input;
use super::records::{object_article, Fields, MAX_RECORD};

/// The records of the `.json` file read from `reader`, as the iterator is advanced: each
/// element of a top-level array named `NAME#N` (from 1), or the one top-level object named
/// `NAME`. See the module's documentation.
pub fn records<'a, R: BufRead + 'a>(reader: R, path: &Path, name: &str, fields: &'a Fields) -> JsonRecords<'a, R> {
    JsonRecords {
        reader,
        path: path.to_path_buf(),
        name: name.to_string(),
        fields,
        state: State::Start,
        n: 0,
        element: Vec::new(),
    }
}

/// The records of a `.json` file; see [`records`].
pub struct JsonRecords<'a, R> {
    reader: R,
    path: PathBuf,
    name: String,
    fields: &'a Fields,
    state: State,
    /// Elements met so far (the number of the last one).
    n: usize,
    /// The bytes of the element being read (emptied after each).
    element: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Start,
    Array,
    Done,
}

/// How an element's bytes ended.
enum End {
    /// A comma: more elements follow.
    Comma,
    /// The array's `]` (left unread).
    Close,
    /// The end of the file, outside strings and brackets.
    Eof,
    /// The end of the file inside a string or brackets.
    Cut,
}

impl<R: BufRead> Iterator for JsonRecords<'_, R> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            let step = match self.state {
                State::Done => return None,
                State::Start => self.start(),
                State::Array => self.element(),
            };
            match step {
                Ok(Some(input)) => return Some(input),
                Ok(None) => continue,
                Err(e) => {
                    self.state = State::Done;
                    let at = match self.n {
                        0 => self.path.clone(),
                        n => PathBuf::from(format!("{}#{n}", self.path.display())),
                    };
                    return Some(Input::Bad { path: at, error: format!("cannot read: {e}") });
                }
            }
        }
    }
}

impl<R: BufRead> JsonRecords<'_, R> {
    fn bad_file(&mut self, error: String) -> Option<Input> {
        self.state = State::Done;
        Some(Input::Bad { path: self.path.clone(), error })
    }

    /// The file's start: an array's `[` (then its elements are read), else the one record.
    fn start(&mut self) -> std::io::Result<Option<Input>> {
        // The encoding, on the first buffer of bytes.
        let head = self.reader.fill_buf()?;
        let head = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
        if let Err(e) = std::str::from_utf8(head) {
            // A character cut at the buffer's end is no error.
            if e.error_len().is_some() {
                let at = e.valid_up_to();
                return Ok(self.bad_file(format!(
                    "not JSON: not UTF-8 text (byte {} is not UTF-8; JSON files are UTF-8)",
                    at + 1
                )));
            }
        }
        if self.reader.fill_buf()?.starts_with("\u{feff}".as_bytes()) {
            self.reader.consume(3);
        }
        // Blanks before the first byte, left unread (serde_json counts the lines of what it
        // reads) but for buffers of nothing else, which are counted.
        let mut lines = 0;
        let first = loop {
            let buf = self.reader.fill_buf()?;
            match buf.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(&b) => break Some(b),
                None if buf.is_empty() => break None,
                None => {
                    lines += memchr::memchr_iter(b'\n', buf).count();
                    let n = buf.len();
                    self.reader.consume(n);
                }
            }
        };
        if first == Some(b'[') {
            skip_whitespace(&mut self.reader)?;
            self.reader.consume(1);
            self.state = State::Array;
            return Ok(None);
        }
        // One record: the whole file.
        self.state = State::Done;
        let mut bytes = vec![b'\n'; lines];
        (&mut self.reader).take(MAX_RECORD + 1).read_to_end(&mut bytes)?;
        if (bytes.len() - lines) as u64 > MAX_RECORD {
            return Ok(self.bad_file(format!("bad record: longer than {} MiB, not read", MAX_RECORD >> 20)));
        }
        let v = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => v,
            Err(e) => {
                return Ok(Some(Input::Bad {
                    path: PathBuf::from(format!("{}:{}", self.path.display(), e.line())),
                    error: format!("not JSON: {e}"),
                }))
            }
        };
        Ok(Some(match object_article(&v, self.fields) {
            Ok((bytes, hints)) => Input::Record { path: self.path.clone(), name: self.name.clone(), bytes, hints },
            Err(error) => Input::Bad { path: self.path.clone(), error },
        }))
    }

    /// The array's next element as a record or an error; `None` for nothing to give (a
    /// trailing comma) and at the array's end.
    fn element(&mut self) -> std::io::Result<Option<Input>> {
        skip_whitespace(&mut self.reader)?;
        if self.reader.fill_buf()?.first() == Some(&b']') {
            self.reader.consume(1);
            return Ok(self.after_array());
        }
        self.element.clear();
        let (end, whole) = element_bytes(&mut self.reader, &mut self.element)?;
        let blank = self.element.iter().all(u8::is_ascii_whitespace);
        if blank {
            return Ok(match end {
                // `[a, , b]`: an element left out.
                End::Comma => {
                    self.n += 1;
                    Some(self.bad("bad record: nothing between two commas".into()))
                }
                // `[a, ]`: a trailing comma.
                End::Close => None,
                End::Eof | End::Cut => {
                    self.bad_file("not JSON: the file ends before its array's `]` (cut short?)".into())
                }
            });
        }
        self.n += 1;
        if !whole {
            let error = format!("bad record: longer than {} MiB, not read", MAX_RECORD >> 20);
            return Ok(Some(match end {
                End::Cut => self.last(error),
                _ => self.bad(error),
            }));
        }
        let parsed = serde_json::from_slice::<serde_json::Value>(&self.element);
        let input = match (parsed, &end) {
            (Err(_), End::Cut) => self.last("bad record: the file ends inside it (cut short?)".into()),
            (Err(e), _) => self.bad(format!("bad record: not JSON: {e}")),
            (Ok(v), _) => match object_article(&v, self.fields) {
                Ok((bytes, hints)) => Input::Record {
                    path: PathBuf::from(format!("{}#{}", self.path.display(), self.n)),
                    name: format!("{}#{}", self.name, self.n),
                    bytes,
                    hints,
                },
                Err(error) => self.bad(error),
            },
        };
        self.element.clear();
        self.element.shrink_to(1 << 20);
        Ok(Some(input))
    }

    /// The element being read is bad.
    fn bad(&self, error: String) -> Input {
        Input::Bad { path: PathBuf::from(format!("{}#{}", self.path.display(), self.n)), error }
    }

    /// The element being read is bad and the file ends in it.
    fn last(&mut self, error: String) -> Input {
        self.state = State::Done;
        self.bad(error)
    }

    /// After the array's `]`: only blanks may follow; an empty array is no record.
    fn after_array(&mut self) -> Option<Input> {
        self.state = State::Done;
        match skip_whitespace(&mut self.reader).and_then(|()| Ok(self.reader.fill_buf()?.is_empty())) {
            Err(e) => self.bad_file(format!("cannot read: {e}")),
            Ok(false) => self.bad_file("not JSON: something follows the array's `]`".into()),
            Ok(true) if self.n == 0 => self.bad_file("no records: the array is empty".into()),
            Ok(true) => None,
        }
    }
}

fn skip_whitespace(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        let n = buf.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(buf.len());
        let all = n == buf.len();
        reader.consume(n);
        if !all {
            return Ok(());
        }
    }
}

/// Reads one array element's bytes into `out` (at most [`MAX_RECORD`] + 1 of them; the rest
/// is read past unheld): up to a comma or `]` outside strings and brackets, which ends it (a
/// comma is consumed, a `]` left). Gives how it ended and whether `out` holds all of it.
/// Brackets are counted, not matched: a wrong one makes a bad record of the element, which
/// serde_json names. One pass, no recursion.
fn element_bytes(reader: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<(End, bool)> {
    let (mut depth, mut string, mut escape) = (0usize, false, false);
    let cap = MAX_RECORD as usize + 1;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            let end = if depth > 0 || string { End::Cut } else { End::Eof };
            return Ok((end, out.len() < cap));
        }
        let mut i = 0;
        let mut end = None;
        while i < buf.len() {
            if string {
                if escape {
                    escape = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                    Some(j) => {
                        if buf[i + j] == b'\\' {
                            escape = true;
                        } else {
                            string = false;
                        }
                        i += j + 1;
                    }
                    None => i = buf.len(),
                }
                continue;
            }
            match buf[i] {
                b'"' => string = true,
                b'{' | b'[' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                b']' if depth > 0 => depth -= 1,
                b']' if depth == 0 => {
                    end = Some(End::Close);
                    break;
                }
                b',' if depth == 0 => {
                    end = Some(End::Comma);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let room = cap.saturating_sub(out.len());
        out.extend_from_slice(&buf[..i.min(room)]);
        match end {
            Some(End::Comma) => {
                reader.consume(i + 1);
                return Ok((End::Comma, out.len() < cap));
            }
            Some(end) => {
                reader.consume(i);
                return Ok((end, out.len() < cap));
            }
            None => reader.consume(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    fn read(bytes: &[u8]) -> Vec<(String, Result<String, String>)> {
        // A 7-byte buffer: elements, strings and escapes are cut between reads.
        let reader = std::io::BufReader::with_capacity(7, bytes);
        records(reader, Path::new("items.json"), "items.json", &Fields::default()).map(shown).collect()
    }

    fn shown(i: Input) -> (String, Result<String, String>) {
        match i {
            Input::Record { name, bytes, .. } => (name, Ok(String::from_utf8(bytes).unwrap())),
            Input::Bad { path, error } => (path.display().to_string(), Err(error)),
            other => panic!("{other:?}"),
        }
    }

    fn record(name: &str, text: &str) -> (String, Result<String, String>) {
        (name.to_string(), Ok(text.to_string()))
    }

    /// `[{"title": "第N篇", "text": "…"}, …]` of `n` records, made as it is read; `read`
    /// counts the bytes handed out.
    struct Generated {
        n: usize,
        next: usize,
        pending: Vec<u8>,
        at: usize,
        read: Arc<AtomicU64>,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.pending.len() {
                self.pending.clear();
                self.at = 0;
                if self.next == 0 {
                    self.pending.push(b'[');
                }
                if self.next == self.n {
                    self.pending.extend_from_slice(b"]\n");
                    self.next += 1;
                } else if self.next < self.n {
                    let i = self.next;
                    let rec = serde_json::json!({
                        "title": format!("第{i}篇"),
                        "text": format!("网格员入户走访，\"问题\"当场解决。\\{}", "基层治理".repeat(200)),
                    });
                    if i > 0 {
                        self.pending.extend_from_slice(b",\n");
                    }
                    self.pending.extend_from_slice(rec.to_string().as_bytes());
                    self.next += 1;
                }
            }
            let n = buf.len().min(self.pending.len() - self.at);
            buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            self.read.fetch_add(n as u64, Ordering::Relaxed);
            Ok(n)
        }
    }

    #[test]
    fn an_array_is_read_an_element_at_a_time_as_records_are_asked_for() {
        let read = Arc::new(AtomicU64::new(0));
        let n = 20_000;
        let input = Generated { n, next: 0, pending: Vec::new(), at: 0, read: read.clone() };
        let fields = Fields::default();
        let mut r = records(std::io::BufReader::new(input), Path::new("big.json"), "big.json", &fields);
        // ~2.5 KB a record, 50 MB in all: the first three come after a few buffers of it.
        let first: Vec<Option<Input>> = (0..3).map(|_| r.next()).collect();
        let early = read.load(Ordering::Relaxed);
        assert!(early < 64 << 10, "{early} bytes read for three records");
        for (i, input) in first.into_iter().enumerate() {
            let (name, text) = shown(input.unwrap());
            assert_eq!(name, format!("big.json#{}", i + 1));
            assert!(text.unwrap().starts_with("网格员入户走访，\"问题\"当场解决。\\基层治理"));
        }
        // The element's buffer stays a record's size while the rest is read.
        let mut count = 3;
        while let Some(input) = r.next() {
            assert!(matches!(input, Input::Record { .. }), "{input:?}");
            count += 1;
            assert!(r.element.capacity() < 1 << 20);
        }
        assert_eq!(count, n);
        assert!(read.load(Ordering::Relaxed) > n as u64 * 2400);
    }

    #[test]
    fn a_bad_element_is_named_by_its_place_and_the_others_import() {
        let items = concat!(
            "\u{feff}[\n",
            "{\"text\": \"甲 [不是] {括号} \\\"引号\\\" \\\\\"},\n",
            "3,\n",
            "{\"text\": \"乙\" \"丙\"},\n",
            "{\"title\": \"没有正文\"},\n",
            ",\n",
            "{\"content\": [\"第一段\", \"第二段\"]},\n",
            "]\n"
        );
        let got = read(items.as_bytes());
        assert_eq!(got[0], record("items.json#1", "甲 [不是] {括号} \"引号\" \\"));
        assert_eq!(got[1], ("items.json#2".into(), Err("bad record: not a JSON object".into())));
        assert_eq!(got[2].0, "items.json#3");
        assert!(got[2].1.as_ref().unwrap_err().starts_with("bad record: not JSON: "), "{got:?}");
        assert_eq!(got[3].0, "items.json#4");
        assert!(got[3].1.as_ref().unwrap_err().contains("no article text"), "{got:?}");
        assert_eq!(got[4], ("items.json#5".into(), Err("bad record: nothing between two commas".into())));
        assert_eq!(got[5], record("items.json#6", "第一段\n第二段"));
        assert_eq!(got.len(), 6, "{got:?}");
    }

    #[test]
    fn an_element_over_the_limit_is_skipped_unread_and_the_next_imports() {
        let long = "长".repeat((MAX_RECORD as usize + (1 << 20)) / 3);
        let items = format!("[{{\"text\": \"甲\"}}, {{\"text\": \"{long}\", \"x\": [1, {{}}]}}, {{\"text\": \"乙\"}}]");
        let r: Vec<_> =
            records(items.as_bytes(), Path::new("items.json"), "items.json", &Fields::default()).map(shown).collect();
        assert_eq!(r[0], record("items.json#1", "甲"));
        assert_eq!(r[1], ("items.json#2".into(), Err("bad record: longer than 32 MiB, not read".into())));
        assert_eq!(r[2], record("items.json#3", "乙"));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn a_file_cut_short_keeps_the_records_before_the_cut() {
        let whole = "[{\"text\": \"甲\"}, {\"text\": \"乙\"}, {\"text\": \"丙\"}]";
        let cut_in = |cut: &str| -> Vec<_> { read(&whole.as_bytes()[..whole.find(cut).unwrap()]) };
        let inside = cut_in("丙");
        assert_eq!(inside[..2], [record("items.json#1", "甲"), record("items.json#2", "乙")]);
        assert_eq!(inside[2], ("items.json#3".into(), Err("bad record: the file ends inside it (cut short?)".into())));
        assert_eq!(inside.len(), 3);
        // Cut after a whole element: the records, then the file, named.
        let after = read(&whole.as_bytes()[..whole.len() - 1]);
        assert_eq!(after[2], record("items.json#3", "丙"));
        let end = ("items.json".to_string(), Err("not JSON: the file ends before its array's `]` (cut short?)".into()));
        assert_eq!(after[3], end);
        assert_eq!(read(&whole.as_bytes()[..whole.find(", {\"text\": \"丙").unwrap() + 1])[2], end);
        // Every cut gives records or errors, never a panic, and each record is whole.
        for cut in 0..whole.len() {
            for (_, r) in read(&whole.as_bytes()[..cut]) {
                assert!(r.is_err() || ["甲", "乙", "丙"].contains(&r.as_deref().unwrap()));
            }
        }
    }

    #[test]
    fn one_object_is_one_record_and_an_empty_array_or_a_tail_is_named() {
        let one = "\n\n{\"raw_text\": \"丙\", \"hostname\": \"x.org\"}\n";
        let r: Vec<_> = records(one.as_bytes(), Path::new("p.json"), "p.json", &Fields::default()).collect();
        assert!(
            matches!(&r[..], [Input::Record { name, hints, .. }] if name == "p.json" && hints.source.as_deref() == Some("x.org"))
        );
        // The line of a syntax error is the file's own.
        let bad = read(b"\n\n{\"text\": \"a\",\n}");
        assert!(bad[0].0 == "items.json:4" && bad[0].1.as_ref().unwrap_err().starts_with("not JSON: "), "{bad:?}");
        assert_eq!(read(b" [ ]\n"), [("items.json".into(), Err("no records: the array is empty".into()))]);
        let tail = read(b"[{\"text\": \"a\"}] x");
        assert_eq!(tail[1], ("items.json".into(), Err("not JSON: something follows the array's `]`".into())));
        // `[a, ]`: a trailing comma is no record.
        assert_eq!(read(b"[{\"text\": \"a\"}, ]"), [record("items.json#1", "a")]);
    }

    #[test]
    fn a_file_that_is_not_utf8_is_refused_whole() {
        let (gbk, _, _) = encoding_rs::GBK.encode("[{\"text\": \"网格员入户走访\"}]");
        let r: Vec<_> =
            records(&gbk[..], Path::new("items.json"), "items.json", &Fields::default()).map(shown).collect();
        assert_eq!(r.len(), 1);
        assert!(r[0].0 == "items.json" && r[0].1.as_ref().unwrap_err().contains("not UTF-8"), "{r:?}");
        let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain("[{}]".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert!(read(&utf16)[0].1.as_ref().unwrap_err().starts_with("not JSON"));
    }
}
