//! `kbgen serve`'s responses for site files: the site path a URL names, the file (or the 404
//! page), HTML with the live-reload client injected, gzip for clients that take it, and each
//! page's *shell key*, which tells the client whether a new version may be swapped in.
//!
//! The shell of a page is everything outside its `<main>` element (the head, styles, scripts,
//! header and footer), with its status and whether the error overlay shows. When a rebuild
//! leaves the shell of the open page as it was, the client (`live.js`) fetches the page again
//! and swaps in the new contents of `<main>`; otherwise it reloads. A `<main>` that holds a
//! script counts as shell whole (its script's state would be lost), so such a page always
//! reloads.
//!
//! A large file that goes as it is (not HTML, not gzip'd) is sent from disk in blocks
//! ([`FileBody`]), never held in memory: a static folder may hold hundreds of megabytes.

use std::hash::{Hash, Hasher};
use std::io::Read;

use hyper::body::Bytes;
use hyper::StatusCode;

use super::{Shared, SHARED_FROM};
use crate::routes::NOT_FOUND;

/// A site file as served.
pub(super) struct Served {
    pub status: StatusCode,
    pub ctype: &'static str,
    pub body: Payload,
    /// The body is gzip'd.
    pub gzip: bool,
    /// For HTML pages: the shell key, and the version it was drawn for.
    pub shell: Option<(String, u64)>,
}

/// Smaller files are sent as they are: gzip would save little.
const GZIP_FROM: usize = 1024;
/// Larger files are sent as they are, from disk: their gzip'd copy would be held in memory.
const GZIP_UP_TO: u64 = 16 << 20;
/// The blocks a file is sent from disk in.
const BLOCK: u64 = 256 * 1024;

/// What a response sends.
pub(super) enum Payload {
    Bytes(Bytes),
    File(FileBody),
}

impl Payload {
    pub(super) fn len(&self) -> u64 {
        match self {
            Payload::Bytes(b) => b.len() as u64,
            Payload::File(f) => f.left,
        }
    }
}

/// A file of the site sent from disk, a block at a time as the connection takes them. A
/// rebuild rewrites the site's files in place (static files it replaces by new ones, which an
/// open file does not see): a file whose size or time changes while it is sent ends the
/// response short of its length, so the client sees a cut response, never two versions in one.
/// Blocks are read on the server's thread: from the page cache, a read is microseconds.
pub(super) struct FileBody {
    file: std::fs::File,
    left: u64,
    stamp: (u64, Option<std::time::SystemTime>),
}

impl FileBody {
    fn new(file: std::fs::File) -> std::io::Result<FileBody> {
        let meta = file.metadata()?;
        Ok(FileBody { left: meta.len(), stamp: (meta.len(), meta.modified().ok()), file })
    }

    /// Bytes still to send.
    pub(super) fn left(&self) -> u64 {
        self.left
    }

    /// The next block, None at the end.
    pub(super) fn next(&mut self) -> Option<std::io::Result<Bytes>> {
        (self.left > 0).then(|| self.read_block())
    }

    fn read_block(&mut self) -> std::io::Result<Bytes> {
        let meta = self.file.metadata()?;
        if (meta.len(), meta.modified().ok()) != self.stamp {
            self.left = 0;
            return Err(std::io::Error::other("the file changed while it was sent"));
        }
        let mut block = vec![0; BLOCK.min(self.left) as usize];
        let n = self.file.read(&mut block)?;
        if n == 0 {
            self.left = 0;
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        block.truncate(n);
        self.left -= n as u64;
        Ok(Bytes::from(block))
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The site path a URL asks for, or `None` for anything that tries to leave the site.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if decoded.ends_with('/') || p.is_empty() {
        p = if p.is_empty() { "index.html".into() } else { format!("{p}/index.html") };
    }
    Some(p)
}

pub(super) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file a URL path asks for, or the 404 page; HTML pages with the live-reload client.
/// `gzip`: the client accepts gzip.
pub(super) async fn page(url: &str, gzip: bool, shared: &Shared) -> Served {
    let st = shared.state.read().await;
    let preview = st.preview.as_ref();
    let has = |p: &str| preview.is_some_and(|v| v.contains(p));
    let wanted = site_path(url);
    let mut path = wanted.clone().unwrap_or_default();
    // `/practices/x` without a slash: the folder's page.
    if wanted.is_some() && !has(&path) && has(&format!("{path}/index.html")) {
        path = format!("{path}/index.html");
    }
    let (status, path) = if wanted.is_some() && has(&path) {
        (StatusCode::OK, path)
    } else {
        (StatusCode::NOT_FOUND, NOT_FOUND.to_string())
    };
    let ctype = content_type(&path);
    let html = ctype.starts_with("text/html");
    let gzip = gzip && compressible(ctype);
    if !html {
        // A large file that goes as it is: from disk.
        let file = preview.and_then(|p| p.open(&path)).and_then(|f| FileBody::new(f).ok());
        if let Some(file) = file.filter(|f| f.left >= SHARED_FROM as u64 && !(gzip && f.left <= GZIP_UP_TO)) {
            return Served { status, ctype, body: Payload::File(file), gzip: false, shell: None };
        }
    }
    let read = preview.and_then(|p| p.read(&path));
    let file = read.as_deref().unwrap_or(b"<!DOCTYPE html><title>404</title><p>not found</p>");
    let shell = html.then(|| (shell_key(file, status, st.error.is_some()), st.version));
    let gzip = gzip && file.len() >= GZIP_FROM;
    // A practice page gets the desk's edit panel, drawn from its file as it is now.
    let panel = match (status, crate::routes::practice_slug(&path), preview) {
        (StatusCode::OK, Some(slug), Some(p)) if html => super::desk::edit_panel(&p.site, slug, &shared.token),
        _ => None,
    };
    let draw = || {
        let body = match &shell {
            Some((key, _)) => {
                inject(file, st.version, key, st.error.as_deref(), preview.is_some(), panel.as_deref().unwrap_or(""))
            }
            None => file.to_vec(),
        };
        Bytes::from(if gzip { gzipped(&body) } else { body })
    };
    if file.len() < SHARED_FROM {
        return Served { status, ctype, body: Payload::Bytes(draw()), gzip, shell };
    }
    let mut large = shared.large.lock().unwrap_or_else(|p| p.into_inner());
    if large.0 != st.version {
        // Copies of the last version stay alive only while responses still hold them.
        *large = (st.version, Default::default());
    }
    let body = large.1.entry((path, gzip)).or_insert_with(draw).clone();
    Served { status, ctype, body: Payload::Bytes(body), gzip, shell }
}

fn compressible(ctype: &str) -> bool {
    ctype.starts_with("text/")
        || ctype.starts_with("application/json")
        || ctype.starts_with("application/xml")
        || ctype.starts_with("image/svg")
}

fn gzipped(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip into memory");
    enc.finish().expect("gzip into memory")
}

/// The shell key of an HTML page (see the module's comment): a hash of everything outside the
/// contents of its `<main>`, its status and whether the error overlay shows.
pub(super) fn shell_key(html: &[u8], status: StatusCode, error: bool) -> String {
    let mut h = std::hash::DefaultHasher::new();
    (status.as_u16(), error).hash(&mut h);
    match main_contents(html) {
        Some((start, end)) if !contains(&html[start..end], b"<script") => {
            html[..start].hash(&mut h);
            html[end..].hash(&mut h);
        }
        _ => html.hash(&mut h),
    }
    format!("{:016x}", h.finish())
}

/// The byte range of what the first `<main …>` element holds (the templates write one).
fn main_contents(html: &[u8]) -> Option<(usize, usize)> {
    let open = find(html, b"<main")?;
    let start = open + html[open..].iter().position(|&b| b == b'>')? + 1;
    let end = start + find(&html[start..], b"</main>")?;
    Some((start, end))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// The live-reload client; `__VERSION__`, `__SHELL__` and `__EVENTS__` are filled in.
const LIVE_JS: &str = include_str!("live.js");

/// Adds the live-reload client (and the error overlay, and the desk's edit panel) before `</body>`. `built`: a build
/// succeeded since serve started (else the page is a placeholder, and the overlay says so).
/// `panel`: the desk's edit panel, or nothing.
pub(super) fn inject(html: &[u8], version: u64, shell: &str, error: Option<&str>, built: bool, panel: &str) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(e) = error {
        let what = if built {
            "kbgen: the last rebuild failed; this is the last good version of the page."
        } else {
            "kbgen: the site could not be built, so there is no version of the site to show yet; the page reloads when the error below is fixed."
        };
        extra.push_str(&format!(
            "<div id=\"kbgen-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:9999;margin:0;padding:1rem 1.25rem;background:#2b0f0f;color:#ffd7d7;font:14px/1.5 ui-monospace,monospace;border-top:4px solid #e5484d\"><strong>{what}</strong><pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{}</pre></div>",
            crate::render::escape_html(e)
        ));
    }
    let script = LIVE_JS
        .lines()
        .filter(|l| !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("__VERSION__", &version.to_string())
        .replace("__SHELL__", shell)
        .replace("__EVENTS__", super::EVENTS);
    extra.push_str("<script>");
    extra.push_str(&script);
    extra.push_str("</script>");
    extra.push_str(panel);
    match html.rfind("</body>") {
        Some(i) => format!("{}{}{}", &html[..i], extra, &html[i..]).into_bytes(),
        None => format!("{html}{extra}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/region/").as_deref(), Some("region/index.html"));
        assert_eq!(site_path("/search/index.html?q=%E7%BD%91").as_deref(), Some("search/index.html"));
        assert_eq!(site_path("/%E7%BD%91.html").as_deref(), Some("网.html"));
        for bad in
            ["/../etc/passwd", "/a/../../x", "/%2e%2e/x", "/%2E%2E%2Fx", "/a\\..\\b", "/%00", "/%zz", "etc/passwd"]
        {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_reload_script_and_overlay_go_before_body_end() {
        let out = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            7,
            "ab12",
            Some("error: a.md:2:1: <bad>"),
            true,
            "",
        ))
        .unwrap();
        assert!(out.contains("var v=\"7\""), "{out}");
        assert!(out.contains("s=\"ab12\""), "{out}");
        assert!(!out.contains("// kbgen serve"), "the client's comments stay in its source");
        assert!(out.contains("&lt;bad&gt;"));
        assert!(out.ends_with("</script></body></html>"));
    }

    #[test]
    fn the_shell_key_ignores_main_only() {
        let page = |head: &str, main: &str| {
            format!("<html><head>{head}</head><body><main id=\"main\">{main}</main><footer>f</footer></body></html>")
        };
        let key = |html: &str| shell_key(html.as_bytes(), StatusCode::OK, false);
        let a = key(&page("<title>A</title>", "<p>one</p>"));
        assert_eq!(a, key(&page("<title>A</title>", "<p>two</p>")), "a change inside main keeps the shell");
        assert_ne!(a, key(&page("<title>B</title>", "<p>one</p>")), "a change in the head is a new shell");
        assert_ne!(a, shell_key(page("<title>A</title>", "<p>one</p>").as_bytes(), StatusCode::NOT_FOUND, false));
        assert_ne!(a, shell_key(page("<title>A</title>", "<p>one</p>").as_bytes(), StatusCode::OK, true));
        let scripted = |m: &str| key(&page("<title>A</title>", &format!("<p>{m}</p><script src=\"s.js\"></script>")));
        assert_ne!(scripted("one"), scripted("two"), "a main with a script is shell whole");
    }

    #[test]
    fn gzip_round_trips() {
        use std::io::Read;
        let text = "实践".repeat(2000);
        let z = gzipped(text.as_bytes());
        assert!(z.len() < text.len() / 10);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&z[..]).read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
    }
}
