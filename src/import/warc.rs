//! WARC web archives (`wget --warc-file`, Heritrix, Browsertrix), plain or gzip'd per record
//! (`.warc.gz`): every HTML response record becomes a raw article with its target URI and
//! capture date. Records are read with the `warc` crate (its raw reader: lenient about the
//! headers crawlers write, and it never trusts a declared length), gzip with `flate2`.
//!
//! The HTTP message inside a response record is as the crawler received it: chunked transfer
//! coding is undone, gzip and deflate content coding too, and a charset the HTTP header
//! declares is put before the page so that decoding honours it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use ::warc::{WarcHeader, WarcReader};

use super::input::{Hints, Input};

/// Pages larger than this (after decompression) are not articles.
const MAX_PAGE: u64 = 32 << 20;

/// The HTML pages of the archive at `path`, one [`Input`] per HTML response record, named
/// `NAME#N` (the record's number in the file, from 1); an unreadable record ends the file
/// with an error that names it.
pub fn records(path: &Path, name: &str) -> Vec<Input> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return vec![Input::Bad { path: path.to_path_buf(), error: format!("cannot read: {e}") }],
    };
    let reader: Box<dyn BufRead> = if name.to_ascii_lowercase().ends_with(".gz") {
        let mut gz = BufReader::new(file);
        // A file named .gz that is not gzip (magic 1f 8b) is refused before any record is read.
        if !gz.fill_buf().is_ok_and(|head| head.is_empty() || head.starts_with(&[0x1f, 0x8b])) {
            return vec![Input::Bad { path: path.to_path_buf(), error: "not gzip: no gzip header".into() }];
        }
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(gz)))
    } else {
        Box::new(BufReader::new(file))
    };
    read(reader, path, name)
}

fn read(reader: impl BufRead, path: &Path, name: &str) -> Vec<Input> {
    let mut out = Vec::new();
    let mut seen = 0;
    for (i, record) in WarcReader::new(reader).iter_raw_records().enumerate() {
        let n = i + 1;
        let at = PathBuf::from(format!("{}#{n}", path.display()));
        let (headers, body) = match record {
            Ok(r) => r,
            Err(e) => {
                out.push(Input::Bad { path: at, error: format!("bad WARC record: {e}") });
                break;
            }
        };
        seen += 1;
        let h = |k: WarcHeader| headers.as_ref().get(&k).map(|v| String::from_utf8_lossy(v).trim().to_string());
        let kind = h(WarcHeader::WarcType).unwrap_or_default().to_ascii_lowercase();
        let block_type = h(WarcHeader::ContentType).unwrap_or_default().to_ascii_lowercase();
        let page = match kind.as_str() {
            "response" if block_type.starts_with("application/http") => match http_page(&body) {
                Ok(Some(page)) => page,
                Ok(None) => continue,
                Err(e) => {
                    out.push(Input::Bad { path: at, error: format!("bad HTTP response: {e}") });
                    continue;
                }
            },
            // A page stored as it is (Browsertrix writes some; `resource` records of HTML).
            "response" | "resource" if is_html_type(&block_type) => body,
            _ => continue,
        };
        let hints = Hints {
            url: h(WarcHeader::TargetURI)
                .map(|u| u.trim_matches(['<', '>']).to_string())
                .and_then(|u| super::origin::web_url(&u)),
            captured: h(WarcHeader::Date).and_then(|d| capture_day(&d)),
            html: Some(true),
            ..Hints::default()
        };
        out.push(Input::Record { path: at, name: format!("{name}#{n}"), bytes: page, hints });
    }
    if seen > 0 && out.is_empty() {
        out.push(Input::Bad { path: path.to_path_buf(), error: format!("no HTML response among its {seen} records") });
    } else if seen == 0 && out.is_empty() {
        out.push(Input::Bad { path: path.to_path_buf(), error: "no WARC records".into() });
    }
    out
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

/// The page an HTTP response carries: `None` when it is no successful HTML response
/// (a redirect, an image, a stylesheet).
fn http_page(message: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let (head, body) = match find(message, b"\r\n\r\n") {
        Some(i) => (&message[..i], &message[i + 4..]),
        None => match find(message, b"\n\n") {
            Some(i) => (&message[..i], &message[i + 2..]),
            None => return Err("no end of the header".into()),
        },
    };
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
        read(BufReader::new(bytes), Path::new("a.warc"), "a.warc")
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
