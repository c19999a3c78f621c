//! WARC web archives (`wget --warc-file`, Heritrix, Browsertrix), plain or gzip'd per record
//! (`.warc.gz`): every HTML response record becomes a raw article with its target URI and
//! capture date. Records are read one at a time as import asks for them (memory follows a
//! record, not the archive), gzip with `flate2` a member at a time ([`super::gzip`]): a
//! member that will not inflate is reported as its record and reading goes on at the next.
//!
//! The reader is our own, a few dozen lines over the format's framing (a `WARC/1.x` line,
//! header lines, an empty line, `Content-Length` bytes, an empty line), because the framing
//! is where hostile and broken archives differ from the crates' expectations: a record's
//! body is skipped without being held when the record is no page (an image, a 1 GiB run of
//! zeros gzip'd into 4.7 MB), a page record larger than [`MAX_RECORD`] is an error naming it,
//! and a record whose `Content-Length` is wrong is reported by number and reading goes on at
//! the next `WARC/1.x` line instead of ending the archive.
//!
//! The HTTP message inside a response record is as the crawler received it: chunked transfer
//! coding is undone, gzip and deflate content coding too, and a charset the HTTP header
//! declares is put before the page so that decoding honours it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::input::{Hints, Input};

/// Pages larger than this (after decompression) are not articles.
const MAX_PAGE: u64 = 32 << 20;

/// A record holding a page may be this large; a larger one is reported and skipped unread.
pub const MAX_RECORD: u64 = 32 << 20;

/// A record's header lines (and an HTTP response's) are shorter than this.
const MAX_HEAD: usize = 64 << 10;

/// The HTML pages of the archive at `path`, one [`Input`] per HTML response record, named
/// `NAME#N` (the record's number in the file, from 1), read as the iterator is advanced. A
/// record that cannot be read is an [`Input::Bad`] naming it; reading goes on at the next
/// record when there is one.
pub fn records(path: &Path, name: &str) -> Box<dyn Iterator<Item = Input> + Send> {
    let bad = |error: String| -> Box<dyn Iterator<Item = Input> + Send> {
        Box::new(std::iter::once(Input::Bad { path: path.to_path_buf(), error }))
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return bad(format!("cannot read: {e}")),
    };
    let gzip = name.to_ascii_lowercase().ends_with(".gz");
    let reader: Box<dyn Read + Send> = if gzip {
        let mut gz = BufReader::new(file);
        // A file named .gz that is not gzip (magic 1f 8b) is refused before any record is read.
        if !gz.fill_buf().is_ok_and(|head| head.is_empty() || head.starts_with(&[0x1f, 0x8b])) {
            return bad("not gzip: no gzip header".into());
        }
        Box::new(super::gzip::Members::new(gz))
    } else {
        Box::new(file)
    };
    Box::new(Records::new(reader, path, name, gzip))
}

/// The pages of an archive, read a record at a time.
pub struct Records<R> {
    src: Source<R>,
    path: PathBuf,
    name: String,
    gzip: bool,
    /// Records met so far (the number of the last one).
    n: usize,
    /// Pages and errors given out.
    given: usize,
    done: bool,
}

impl<R: Read> Records<R> {
    pub fn new(reader: R, path: &Path, name: &str, gzip: bool) -> Records<R> {
        Records {
            src: Source::new(reader),
            path: path.to_path_buf(),
            name: name.to_string(),
            gzip,
            n: 0,
            given: 0,
            done: false,
        }
    }

    fn bad(&self, error: String) -> Input {
        Input::Bad { path: PathBuf::from(format!("{}#{}", self.path.display(), self.n)), error }
    }

    /// A read error in our words: where the archive stopped, and why. After a gzip member
    /// that will not inflate, reading goes on at the next member (see [`super::gzip`]).
    fn broken(&mut self, e: &std::io::Error) -> Input {
        if super::gzip::resumable(e) {
            self.src.reset();
            let why = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                "the archive ends inside it (cut short?)".to_string()
            } else {
                format!("cannot decompress it ({e}); read on from the next gzip member")
            };
            return self.bad(format!("bad WARC record: {why}"));
        }
        self.done = true;
        let why = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            "the archive ends inside it (cut short?)".to_string()
        } else if self.gzip {
            format!("cannot decompress the archive here ({e}); the records after it were not read")
        } else {
            format!("cannot read the archive here ({e}); the records after it were not read")
        };
        self.bad(format!("bad WARC record: {why}"))
    }

    /// The next page or error, or `None` at the end of the archive.
    fn next_input(&mut self) -> Option<Input> {
        loop {
            if self.done {
                return None;
            }
            // Records are separated by empty lines; anything else before a `WARC/` line is
            // the tail of a record whose length was wrong, or junk: skipped to the next record.
            let skipped = match self.src.skip_to_record() {
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(skipped)) => skipped,
                Err(e) => {
                    self.n += 1;
                    return Some(self.broken(&e));
                }
            };
            self.n += 1;
            if skipped > 0 && self.n == 1 {
                self.done = true;
                let error = "not a WARC archive: it does not start with a `WARC/1.0` line".to_string();
                return Some(Input::Bad { path: self.path.clone(), error });
            }
            match self.record() {
                Ok(Some(input)) => return Some(input),
                Ok(None) => continue,
                Err(Broken::Io(e)) => return Some(self.broken(&e)),
                Err(Broken::Record(why)) => return Some(self.bad(format!("bad WARC record: {why}"))),
            }
        }
    }

    /// The record at the reader: a page, an error about it, or `None` when it is no page.
    fn record(&mut self) -> Result<Option<Input>, Broken> {
        let head = self.src.head()?.ok_or_else(|| Broken::Record("its header has no end".into()))?;
        let head = String::from_utf8_lossy(&head).into_owned();
        let h = |key: &str| {
            head.lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(key).then(|| v.trim().to_string())
            })
        };
        let length: u64 = match h("Content-Length").map(|l| l.parse()) {
            Some(Ok(n)) => n,
            Some(Err(_)) => return Err(Broken::Record("its Content-Length is not a number".into())),
            None => return Err(Broken::Record("it has no Content-Length".into())),
        };
        let kind = h("WARC-Type").unwrap_or_default().to_ascii_lowercase();
        let block_type = h("Content-Type").unwrap_or_default().to_ascii_lowercase();
        let http = kind == "response" && block_type.starts_with("application/http");
        let plain_page = matches!(kind.as_str(), "response" | "resource") && is_html_type(&block_type);
        let mut is_page = plain_page;
        if http {
            // The HTTP head says whether the body is a page; a body that is none is skipped.
            let head_len = self.src.http_head_len(length.min(MAX_HEAD as u64) as usize)?;
            // The head and the body's start, for a page that says no type.
            let message = self.src.peek((head_len + 512).min(length as usize))?;
            match http_head(message) {
                Err(e) => {
                    self.end_record(length)?;
                    return Ok(Some(self.bad(format!("bad HTTP response: {e}"))));
                }
                Ok(head) => is_page = head.is_some(),
            }
        }
        if !is_page {
            self.end_record(length)?;
            return Ok(None);
        }
        if length > MAX_RECORD {
            self.end_record(length)?;
            return Ok(Some(self.bad(format!(
                "a page record of {} MiB, larger than {} MiB: not read",
                length >> 20,
                MAX_RECORD >> 20
            ))));
        }
        let mut block = self.src.take(length as usize)?;
        // The record's own end: an empty line. Else its Content-Length was wrong: when the
        // block holds the start of the next record (it was declared too long), that record
        // is read from there.
        if !self.src.end_of_block()? {
            if let Some(i) = memchr::memmem::rfind(&block, b"\nWARC/") {
                let next = block.split_off(i + 1);
                self.src.unread(&next);
            }
            return Err(Broken::Record(format!(
                "its Content-Length ({length}) does not end it; read on from the next record"
            )));
        }
        let page = if http { http_page(&block) } else { Ok(Some(block)) };
        let page = match page {
            Ok(Some(page)) => page,
            Ok(None) => return Ok(None),
            Err(e) => return Ok(Some(self.bad(format!("bad HTTP response: {e}")))),
        };
        let hints = Hints {
            url: h("WARC-Target-URI")
                .map(|u| u.trim_matches(['<', '>']).to_string())
                .and_then(|u| super::origin::web_url(&u)),
            captured: h("WARC-Date").and_then(|d| capture_day(&d)),
            html: Some(true),
            ..Hints::default()
        };
        let at = PathBuf::from(format!("{}#{}", self.path.display(), self.n));
        Ok(Some(Input::Record { path: at, name: format!("{}#{}", self.name, self.n), bytes: page, hints }))
    }

    /// Skips the rest of a record of `length` bytes that is not read, and its end.
    fn end_record(&mut self, length: u64) -> Result<(), Broken> {
        self.src.skip(length)?;
        if !self.src.end_of_block()? {
            return Err(Broken::Record(format!(
                "its Content-Length ({length}) does not end it; read on from the next record"
            )));
        }
        Ok(())
    }
}

impl<R: Read> Iterator for Records<R> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        if let Some(next) = self.next_input() {
            self.given += 1;
            return Some(next);
        }
        // At the end: an archive that gave nothing says why.
        if self.given > 0 {
            return None;
        }
        self.given = 1;
        let n = self.n;
        let error = match n {
            0 => "no WARC records".to_string(),
            _ => format!("no HTML response among its {n} record{}", if n == 1 { "" } else { "s" }),
        };
        Some(Input::Bad { path: self.path.clone(), error })
    }
}

/// Why a record could not be read: the archive's bytes (`Io`: the reading stops), or the
/// record itself (reading goes on at the next record).
enum Broken {
    Io(std::io::Error),
    Record(String),
}

impl From<std::io::Error> for Broken {
    fn from(e: std::io::Error) -> Broken {
        Broken::Io(e)
    }
}

/// The archive's bytes, with room to look ahead of the reading position.
struct Source<R> {
    inner: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[at..]`.
    at: usize,
    eof: bool,
    /// A read error met while looking ahead: given out once the bytes before it are read.
    pending: Option<std::io::Error>,
}

impl<R: Read> Source<R> {
    fn new(inner: R) -> Source<R> {
        Source { inner, buf: Vec::new(), at: 0, eof: false, pending: None }
    }

    /// At least `want` unread bytes in the buffer, or all that is left before the end or a
    /// read error (an error only when no byte is left before it).
    fn fill(&mut self, want: usize) -> std::io::Result<&[u8]> {
        if self.at == self.buf.len() {
            if let Some(e) = self.pending.take() {
                return Err(e);
            }
        }
        if self.buf.len() - self.at < want && !self.eof {
            self.buf.drain(..self.at);
            self.at = 0;
            let mut chunk = [0u8; 64 << 10];
            while self.buf.len() < want {
                match self.inner.read(&mut chunk) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) if self.buf.len() == self.at => return Err(e),
                    Err(e) => {
                        self.pending = Some(e);
                        self.eof = true;
                        break;
                    }
                }
            }
        }
        Ok(&self.buf[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
    }

    /// Forgets the bytes read ahead and the end met: after a broken gzip member, reading goes
    /// on from where the reader resumes.
    fn reset(&mut self) {
        self.buf.clear();
        self.at = 0;
        self.eof = false;
        self.pending = None;
    }

    /// Why fewer bytes are left than a record declares: the read error met, else the end.
    fn short(&mut self) -> std::io::Error {
        self.pending.take().unwrap_or_else(|| std::io::ErrorKind::UnexpectedEof.into())
    }

    /// Puts `bytes` back before the unread ones.
    fn unread(&mut self, bytes: &[u8]) {
        self.buf.splice(self.at..self.at, bytes.iter().copied());
    }

    /// The next `n` bytes, left unread.
    fn peek(&mut self, n: usize) -> std::io::Result<&[u8]> {
        let b = self.fill(n)?;
        Ok(&b[..n.min(b.len())])
    }

    /// The next `n` bytes; an archive that ends before is an error.
    fn take(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        if self.fill(n)?.len() < n {
            return Err(self.short());
        }
        let out = self.buf[self.at..self.at + n].to_vec();
        self.consume(n);
        Ok(out)
    }

    /// Skips `n` bytes without holding them.
    fn skip(&mut self, mut n: u64) -> std::io::Result<()> {
        while n > 0 {
            let b = self.fill(1)?;
            if b.is_empty() {
                return Err(self.short());
            }
            let k = (b.len() as u64).min(n) as usize;
            self.consume(k);
            // Keep the buffer small while skipping.
            if self.at == self.buf.len() {
                self.buf.clear();
                self.at = 0;
            }
            n -= k as u64;
        }
        Ok(())
    }

    /// Skips empty lines and anything else up to the next line that starts with `WARC/`:
    /// `None` at the end of the archive, else how many bytes were skipped that were not
    /// empty lines.
    fn skip_to_record(&mut self) -> std::io::Result<Option<u64>> {
        let mut skipped = 0u64;
        let mut line_start = true;
        loop {
            let b = self.fill(8)?;
            if b.is_empty() {
                return Ok(None);
            }
            if line_start && b.starts_with(b"WARC/") {
                return Ok(Some(skipped));
            }
            if line_start && b.len() < 5 && b"WARC/".starts_with(b) {
                // The archive ends in the middle of a `WARC/` line.
                let n = b.len();
                self.consume(n);
                return Ok(None);
            }
            // Up to the next line break (one buffer at a time: no line is held).
            let (n, ends_line) = match memchr::memchr(b'\n', b) {
                Some(i) => (i + 1, true),
                None => (b.len(), false),
            };
            if !b[..n].iter().all(|c| matches!(c, b'\r' | b'\n')) {
                skipped += n as u64;
            }
            self.consume(n);
            line_start = ends_line;
            if !ends_line && self.at == self.buf.len() {
                self.buf.clear();
                self.at = 0;
            }
        }
    }

    /// A record's header: the lines up to an empty line, consumed; `None` when no empty line
    /// comes within [`MAX_HEAD`] bytes (nothing is consumed then but the `WARC/` line start),
    /// an error when the archive ends first.
    fn head(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let Some((end, next)) = self.find_blank_line(MAX_HEAD)? else {
            // The archive ends (or stops inflating) inside the header.
            if self.eof && self.buf.len() - self.at < MAX_HEAD {
                return Err(self.short());
            }
            self.consume(1);
            return Ok(None);
        };
        let head = self.buf[self.at..self.at + end].to_vec();
        self.consume(next);
        Ok(Some(head))
    }

    /// The length of the HTTP head at the reader (up to its empty line), looking at most
    /// `limit` bytes ahead; all of them when there is no empty line.
    fn http_head_len(&mut self, limit: usize) -> std::io::Result<usize> {
        match self.find_blank_line(limit)? {
            Some((_, next)) => Ok(next),
            None => Ok(self.fill(0)?.len().min(limit)),
        }
    }

    /// The first empty line within `limit` bytes ahead: where it starts and where what
    /// follows it starts. The look ahead grows fourfold from 4 KiB, so a small record costs
    /// no 64 KiB move of the buffer.
    fn find_blank_line(&mut self, limit: usize) -> std::io::Result<Option<(usize, usize)>> {
        let mut want = limit.min(4 << 10);
        loop {
            let b = self.fill(want)?;
            let b = &b[..b.len().min(limit)];
            if let Some(found) = blank_line(b) {
                return Ok(Some(found));
            }
            if b.len() < want || want >= limit {
                return Ok(None);
            }
            want = (want * 4).min(limit);
        }
    }

    /// The empty line that ends a record's block (`\r\n\r\n`, or looser forms), consumed;
    /// `false` when the next bytes are something else (the declared length was wrong).
    fn end_of_block(&mut self) -> std::io::Result<bool> {
        let b = self.fill(4)?;
        for end in [&b"\r\n\r\n"[..], b"\n\n", b"\r\n", b"\n"] {
            if b.starts_with(end) {
                self.consume(end.len());
                return Ok(true);
            }
        }
        // The archive's end, or the next record straight after (some writers leave out the
        // empty line).
        Ok(b.is_empty() || b.starts_with(b"WARC/"))
    }
}

/// `2024-03-21` of `2024-03-21T08:00:00Z`.
fn capture_day(date: &str) -> Option<String> {
    let day = date.get(..10)?;
    let ok = day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    ok.then(|| day.to_string())
}

fn is_html_type(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or("").trim();
    t == "text/html" || t == "application/xhtml+xml"
}

/// What an HTTP response's head says about its body.
struct HttpHead {
    content_type: String,
    chunked: bool,
    coding: String,
    /// Where the body starts in the message.
    body_at: usize,
}

/// The head of an HTTP response (`message`: the head and the start of the body): `None` when
/// it is no successful HTML response (a redirect, an image, a stylesheet).
fn http_head(message: &[u8]) -> Result<Option<HttpHead>, String> {
    let Some((end, body_at)) = blank_line(message) else {
        return Err("no end of the header".into());
    };
    let head = &message[..end];
    let body = &message[body_at..];
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with("HTTP/") || code.len() != 3 {
        return Err(format!("not a status line: {}", status.chars().take(40).collect::<String>()));
    }
    if !code.starts_with('2') {
        return Ok(None);
    }
    let mut content_type = String::new();
    let (mut chunked, mut coding) = (false, String::new());
    for l in lines {
        let Some((k, v)) = l.split_once(':') else { continue };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        match k.as_str() {
            "content-type" => content_type = v,
            "transfer-encoding" => chunked = v.contains("chunked"),
            "content-encoding" => coding = v,
            _ => {}
        }
    }
    // No type at all: a page that starts like HTML is one.
    let sniffed = content_type.is_empty() && {
        let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
        start.contains("<html") || start.contains("<!doctype html")
    };
    if !is_html_type(&content_type) && !sniffed {
        return Ok(None);
    }
    Ok(Some(HttpHead { content_type, chunked, coding, body_at }))
}

/// The page an HTTP response carries: `None` when it is no successful HTML response.
fn http_page(message: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let Some(HttpHead { content_type, chunked, coding, body_at }) = http_head(message)? else {
        return Ok(None);
    };
    let body = &message[body_at..];
    // Some crawlers store the body already dechunked and keep the header that says chunked: a
    // body that does not start with a chunk size is read as it is.
    let chunked = chunked && starts_with_chunk_size(body);
    let body = if chunked { dechunk(body)? } else { body.to_vec() };
    let mut page = match coding.as_str() {
        "" | "identity" => body,
        "gzip" | "x-gzip" => inflate(flate2::read::GzDecoder::new(&body[..]))?,
        "deflate" => inflate(flate2::read::ZlibDecoder::new(&body[..]))?,
        other => return Err(format!("content coding `{other}` is not supported")),
    };
    let charset = content_type.split(';').filter_map(|p| p.trim().strip_prefix("charset=")).next();
    if let Some(cs) = charset
        .map(|c| c.trim_matches(['"', '\'']))
        .filter(|c| c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        // The HTTP header's charset decides over the page's own, as in a browser.
        let mut declared = format!("<meta charset=\"{cs}\">\n").into_bytes();
        declared.append(&mut page);
        page = declared;
    }
    Ok(Some(page))
}

fn inflate(mut r: impl Read) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    (&mut r).take(MAX_PAGE).read_to_end(&mut out).map_err(|e| format!("cannot decompress: {e}"))?;
    Ok(out)
}

/// The body starts with a line of a chunk size (hex digits, perhaps an extension after `;`).
fn starts_with_chunk_size(body: &[u8]) -> bool {
    let line = &body[..find(body, b"\n").unwrap_or(body.len())];
    let size = line.split(|&b| b == b';').next().unwrap_or(b"").trim_ascii();
    (1..=16).contains(&size.len()) && size.iter().all(u8::is_ascii_hexdigit)
}

/// Undoes chunked transfer coding; a body that ends early keeps what arrived.
fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(eol) = find(body, b"\n") {
        let size_line = String::from_utf8_lossy(&body[..eol]);
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| format!("bad chunk size `{size_hex}`"))?;
        body = &body[eol + 1..];
        if size == 0 {
            break;
        }
        let take = size.min(body.len());
        out.extend_from_slice(&body[..take]);
        body = &body[take..];
        body = body.strip_prefix(b"\r\n").or_else(|| body.strip_prefix(b"\n")).unwrap_or(body);
        if take < size || out.len() as u64 > MAX_PAGE {
            break;
        }
    }
    Ok(out)
}

/// The first empty line in `b` (CRLF or LF): where it starts and where what follows starts.
fn blank_line(b: &[u8]) -> Option<(usize, usize)> {
    let crlf = memchr::memmem::find(b, b"\r\n\r\n").map(|i| (i, i + 4));
    let lf = memchr::memmem::find(b, b"\n\n").map(|i| (i, i + 2));
    match (crlf, lf) {
        (Some(c), Some(l)) => Some(if l.0 < c.0 { l } else { c }),
        (c, l) => c.or(l),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, block_type: &str, block: &[u8]) -> Vec<u8> {
        let head = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2024-03-21T08:00:00Z\r\n\
             WARC-Target-URI: {uri}\r\nContent-Type: {block_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        );
        [head.as_bytes(), block, b"\r\n\r\n"].concat()
    }

    fn response(headers: &str, body: &[u8]) -> Vec<u8> {
        [format!("HTTP/1.1 200 OK\r\n{headers}\r\n").as_bytes(), body].concat()
    }

    fn pages(bytes: &[u8]) -> Vec<Input> {
        Records::new(bytes, Path::new("a.warc"), "a.warc", false).collect()
    }

    #[test]
    fn html_responses_become_pages_with_their_address_and_capture_day() {
        let html = "<html><body><p>网格员入户走访</p></body></html>".as_bytes();
        let chunked = b"5\r\n<html\r\n8;ext=1\r\n><p>x</p\r\n1\r\n>\r\n0\r\n\r\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, html).unwrap();
        let gz = gz.finish().unwrap();
        let http = "application/http; msgtype=response";
        let warc = [
            record("warcinfo", "", "application/warc-fields", b"software: wget\r\n"),
            record("request", "http://x.org/a", "application/http; msgtype=request", b"GET /a HTTP/1.1\r\n\r\n"),
            record(
                "response",
                "<http://x.org/2023-03/21/a.htm>",
                http,
                &response("Content-Type: text/html; charset=GBK\r\n", html),
            ),
            record("response", "http://x.org/style.css", http, &response("Content-Type: text/css\r\n", b"p{}")),
            record("response", "http://x.org/old", http, b"HTTP/1.1 301 Moved\r\nLocation: /new\r\n\r\n"),
            record(
                "response",
                "http://x.org/c",
                http,
                &response("Transfer-Encoding: chunked\r\nContent-Type: text/html\r\n", chunked),
            ),
            record(
                "response",
                "http://x.org/g",
                http,
                &response("Content-Type: text/html\r\nContent-Encoding: gzip\r\n", &gz),
            ),
            record("resource", "http://x.org/r", "text/html", html),
            record("response", "javascript:alert(1)", http, &response("", html)),
        ]
        .concat();
        let got: Vec<(String, Option<String>, String)> = pages(&warc)
            .into_iter()
            .map(|i| match i {
                Input::Record { name, bytes, hints, .. } => {
                    assert_eq!((hints.captured.as_deref(), hints.html), (Some("2024-03-21"), Some(true)));
                    (name, hints.url, String::from_utf8(bytes).unwrap())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        let html = String::from_utf8(html.to_vec()).unwrap();
        assert_eq!(
            got,
            vec![
                (
                    "a.warc#3".into(),
                    Some("http://x.org/2023-03/21/a.htm".into()),
                    format!("<meta charset=\"gbk\">\n{html}")
                ),
                ("a.warc#6".into(), Some("http://x.org/c".into()), "<html><p>x</p>".into()),
                ("a.warc#7".into(), Some("http://x.org/g".into()), html.clone()),
                ("a.warc#8".into(), Some("http://x.org/r".into()), html.clone()),
                // Sniffed as HTML; an address that is no web address is not kept.
                ("a.warc#9".into(), None, html.clone()),
            ]
        );
    }

    #[test]
    fn an_archive_cut_anywhere_or_with_a_byte_changed_ends_in_pages_or_errors_never_a_panic() {
        let http = "application/http; msgtype=response";
        let chunked = b"5\r\n<html\r\n3\r\n><p\r\n0\r\n\r\n";
        let warc = [
            record("response", "http://x.org/a", http, &response("Content-Type: text/html\r\n", b"<html><p>x</p>")),
            record(
                "response",
                "http://x.org/c",
                http,
                &response("Transfer-Encoding: chunked\r\nContent-Type: text/html\r\n", chunked),
            ),
        ]
        .concat();
        for cut in 0..warc.len() {
            let _ = pages(&warc[..cut]);
        }
        for at in 0..warc.len() {
            for b in [b'\n', b'\r', b':', b'0', b'f', 0xff, b' '] {
                let mut w = warc.clone();
                w[at] = b;
                let _ = pages(&w);
            }
        }
    }

    #[test]
    fn a_body_declared_chunked_that_is_not_is_read_as_it_is() {
        // A crawler that stored the body dechunked and kept the header (one line: no chunk
        // size line was found, and the page came out empty: "no article found").
        let html = b"<html><body><p>x</p></body></html>";
        let m = response("Transfer-Encoding: chunked\r\nContent-Type: text/html\r\n", html);
        assert_eq!(http_page(&m).unwrap().unwrap(), html);
        let chunked = response("Transfer-Encoding: chunked\r\nContent-Type: text/html\r\n", b"4\r\n<p>x\r\n0\r\n\r\n");
        assert_eq!(http_page(&chunked).unwrap().unwrap(), b"<p>x");
    }

    #[test]
    fn a_gzip_archive_cut_short_gives_its_records_before_the_cut() {
        let html = b"<html><p>x</p></html>";
        let http = "application/http; msgtype=response";
        let mut gz = Vec::new();
        for i in 0..4 {
            let r =
                record("response", &format!("http://x.org/{i}"), http, &response("Content-Type: text/html\r\n", html));
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut e, &r).unwrap();
            gz.extend(e.finish().unwrap());
        }
        // Cut inside the third member: a look ahead past the first records meets the error.
        let cut = &gz[..gz.len() * 6 / 10];
        let members = super::super::gzip::Members::new(std::io::Cursor::new(cut));
        let got: Vec<Input> = Records::new(members, Path::new("c.warc.gz"), "c.warc.gz", true).collect();
        let names: Vec<String> = got.iter().map(|i| i.path().display().to_string()).collect();
        assert_eq!(names, ["c.warc.gz#1", "c.warc.gz#2", "c.warc.gz#3"], "{got:?}");
        assert!(matches!(&got[2], Input::Bad { error, .. } if error.starts_with("bad WARC record: ")), "{got:?}");
    }

    #[test]
    fn a_broken_record_is_reported_by_number_after_the_good_ones() {
        let html = b"<html><p>x</p></html>";
        let http = "application/http; msgtype=response";
        let good = record("response", "http://x.org/a", http, &response("Content-Type: text/html\r\n", html));
        // Declares far more than it holds (and far more than memory): an error, not an allocation.
        let cut = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999999999\r\n\r\nabc\r\n\r\n";
        let got = pages(&[good.as_slice(), cut].concat());
        assert!(matches!(&got[0], Input::Record { name, .. } if name == "a.warc#1"), "{got:?}");
        assert!(
            matches!(&got[1], Input::Bad { path, error } if path == Path::new("a.warc#2") && error.starts_with("bad WARC record")),
            "{got:?}"
        );
        assert_eq!(got.len(), 2);
        let none =
            pages(&record("response", "http://x.org/s.css", http, &response("Content-Type: text/css\r\n", b"p{}")));
        assert!(matches!(&none[..], [Input::Bad { error, .. }] if error.contains("no HTML response")), "{none:?}");
    }
}
