//! `kbgen serve`: build into memory, serve on 127.0.0.1, watch the project, rebuild, and tell
//! open pages to reload (Server-Sent Events). Never touches `site/`. A failed rebuild keeps the
//! last good site and shows the error over every page until it is fixed.
//!
//! HTTP is hyper (HTTP/1 only) on a single-threaded tokio runtime: no request can kill or
//! stall it. Request heads are bounded ([`MAX_HEAD`], [`HEADER_TIMEOUT`]), request bodies are
//! never read (only GET and HEAD are served; other methods get 405), connections are capped
//! ([`MAX_CONNECTIONS`]; more wait in the listen queue), writes never block (a slow reader holds
//! its connection, never a thread), and live-reload streams are tasks, at most [`MAX_STREAMS`].
//!
//! Watching is `notify` with our own debounce, on its own thread: editors save by writing in
//! place, by writing a temporary file and renaming it over the original, or by deleting and
//! recreating; all of those end in a burst of events, and one rebuild runs after the burst with
//! the final content. The rebuild takes the state's write lock (requests wait for it without
//! blocking the runtime) and announces the new version on a watch channel that every open
//! stream listens to.

use std::convert::Infallible;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use notify::{RecursiveMode, Watcher};
use tokio::sync::{watch, OwnedSemaphorePermit, RwLock, Semaphore};

use crate::build::Preview;

/// What the server shows: the last good build, and the error of the latest one if it failed.
struct State {
    /// None only while the first build has failed.
    preview: Option<Preview>,
    /// Bumped on every rebuild, good or bad; pages reload when it changes.
    version: u64,
    /// The latest version that needs a page reload (later ones changed only stylesheets).
    reload: u64,
    error: Option<String>,
}

/// `(version, reload)` of [`State`], sent on every rebuild.
type Versions = (u64, u64);

struct Shared {
    state: RwLock<State>,
    versions: watch::Sender<Versions>,
    /// Places for live-reload streams.
    streams: Arc<Semaphore>,
    /// Responses of [`SHARED_FROM`] bytes or more for one version, by site path: readers of a
    /// large file share one copy, however many there are and however slowly they read.
    large: std::sync::Mutex<(u64, std::collections::HashMap<String, Bytes>)>,
}

const EVENTS: &str = "/__kbgen/events";
/// How long the watcher waits for a burst of file events to end.
const DEBOUNCE: Duration = Duration::from_millis(120);
/// Connections served at once; more wait in the listen queue until one closes.
const MAX_CONNECTIONS: usize = 512;
/// Live-reload streams open at once; more get 503 (the page's script tries again a second
/// later). Far more than the tabs anyone keeps open on a preview.
const MAX_STREAMS: usize = 256;
/// Longest request line and headers together; longer ones get 431.
const MAX_HEAD: usize = 16 * 1024;
/// A request head must arrive within this time of the connection opening (or of the previous
/// response, on a kept-alive connection); otherwise the connection is closed.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// An open live-reload stream sends a comment this often, so a closed page shows up as a failed
/// write even where the closing is not seen.
const PING: Duration = Duration::from_secs(15);
/// Files this large are copied out of the site once per version, not once per request.
const SHARED_FROM: usize = 256 * 1024;

/// Only this machine can reach the address: `localhost`, all of 127.0.0.0/8, `::1`.
fn is_loopback(bind: &str) -> bool {
    bind == "localhost" || bind.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub fn run(root: &Path, bind: &str, port: u16, open: bool) -> anyhow::Result<()> {
    let start = Instant::now();
    // The watcher reports absolute paths; rebuilds tell pages from other files by their path
    // inside the project, so the root must be absolute too.
    let root = &root.canonicalize().map_err(|e| anyhow::anyhow!("{}: {e}", root.display()))?;
    let watching = Watch::start(root)?;
    let (preview, error) = match Preview::new(root) {
        Ok(p) => (Some(p), None),
        Err(d) => (None, Some(crate::diag::report(&d, 20))),
    };
    if let Some(e) = &error {
        eprint!("{e}");
    }
    let pages = preview.as_ref().map_or(0, Preview::pages);
    let state = State { preview, version: 1, reload: 1, error };
    let shared = Arc::new(Shared {
        state: RwLock::new(state),
        versions: watch::Sender::new((1, 1)),
        streams: Arc::new(Semaphore::new(MAX_STREAMS)),
        large: Default::default(),
    });
    let listener = std::net::TcpListener::bind((bind, port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}:{port}: {e}"))?;
    let addr = listener.local_addr()?;
    println!("serving http://{addr}/ ({pages} pages built in {} ms; Ctrl-C stops)", start.elapsed().as_millis());
    if !is_loopback(bind) {
        eprintln!("warning: serving on {bind}: other machines can reach this preview");
    }
    if open {
        if let Err(e) = open::that_detached(format!("http://{addr}/")) {
            eprintln!("warning: cannot open a browser: {e}");
        }
    }

    let watch_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        if let Err(e) = watch(watching, &watch_shared) {
            eprintln!("error: file watching stopped: {e}");
        }
    });

    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
    runtime.block_on(accept(listener, shared))
}

/// Accepts connections for ever, each served by its own task.
async fn accept(listener: std::net::TcpListener, shared: Arc<Shared>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEAD)
        .max_headers(64)
        .max_buf_size(4 * MAX_HEAD);
    loop {
        let permit = Arc::clone(&connections).acquire_owned().await?;
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it was accepted: the
                // listener is fine; try again shortly.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let service = hyper::service::service_fn(move |req| {
            let shared = Arc::clone(&shared);
            async move { Ok::<_, Infallible>(respond(req, &shared).await) }
        });
        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(tcp), service);
        tokio::spawn(async move {
            // Errors are the client's (a bad request, a closed connection): nothing to report.
            let _ = conn.await;
            drop(permit);
        });
    }
}

/// The folders of a project a rebuild reads (besides `kbgen.toml` at the root), as its
/// `[paths]` name them (the defaults when kbgen.toml does not parse).
fn project_folders(root: &Path) -> Vec<PathBuf> {
    let paths = crate::config::Config::load(root).map(|c| c.paths).ok();
    match paths {
        Some(p) => vec![p.content, p.templates, p.static_dir, p.data],
        None => ["content", "templates", "static", "data"].iter().map(PathBuf::from).collect(),
    }
    .into_iter()
    .map(|d| root.join(d))
    .collect()
}

/// Identity of a folder: deleted and made again, it is another folder to watch.
fn folder_id(dir: &Path) -> Option<u64> {
    let meta = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some(0)
    }
}

/// Files whose changes never matter: editor swap and backup files, our own temporaries.
fn ignored(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with(".#")
        || name.starts_with('.') && (name.ends_with(".swp") || name.ends_with(".swx") || name.ends_with(".tmp"))
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".tmp")
        || name.ends_with(".crswap")
        || path.components().any(|c| c.as_os_str() == "site" || c.as_os_str() == "target" || c.as_os_str() == ".git")
}

/// The file watcher of a served project, started before the first build so no save is missed.
struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: std::sync::mpsc::Receiver<PathBuf>,
    /// Folders watched, with the identity they had when the watch began.
    watched: Vec<(PathBuf, u64)>,
}

impl Watch {
    /// Watches the root (not recursively, for kbgen.toml and new folders) and each project
    /// folder recursively.
    fn start(root: &Path) -> notify::Result<Watch> {
        let (tx, events) = std::sync::mpsc::channel::<PathBuf>();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            // Reading files (our own rebuild does) raises access events; only changes count.
            let change = |k: &notify::EventKind| {
                use notify::event::{EventKind, ModifyKind};
                matches!(k, EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any)
                    || matches!(k, EventKind::Modify(m) if !matches!(m, ModifyKind::Metadata(_)))
            };
            if let Ok(ev) = res {
                if !change(&ev.kind) {
                    return;
                }
                for p in ev.paths {
                    let _ = tx.send(p);
                }
            }
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watch { root: root.to_path_buf(), watcher, events, watched: Vec::new() };
        w.watch_new_folders()?;
        Ok(w)
    }

    /// Brings the watches in line with the project folders: folders made since the last call
    /// (their creation is itself a change: the rebuild it causes reads whatever they hold by
    /// then), folders deleted and made again (the old watch died with the old folder), and the
    /// folders `[paths]` names now.
    fn watch_new_folders(&mut self) -> notify::Result<()> {
        let wanted = project_folders(&self.root);
        let mut kept = Vec::new();
        for (d, id) in std::mem::take(&mut self.watched) {
            if wanted.contains(&d) && folder_id(&d) == Some(id) {
                kept.push((d, id));
            } else {
                let _ = self.watcher.unwatch(&d);
            }
        }
        self.watched = kept;
        for d in wanted {
            if self.watched.iter().any(|(w, _)| *w == d) {
                continue;
            }
            if let Some(id) = folder_id(&d) {
                self.watcher.watch(&d, RecursiveMode::Recursive)?;
                self.watched.push((d, id));
            }
        }
        Ok(())
    }
}

fn watch(mut w: Watch, shared: &Shared) -> anyhow::Result<()> {
    let root = w.root.clone();
    let root = root.as_path();
    loop {
        let first = w.events.recv()?;
        let mut changed: Vec<PathBuf> = vec![first];
        // Debounce: wait until the burst is over.
        while let Ok(p) = w.events.recv_timeout(DEBOUNCE) {
            changed.push(p);
        }
        changed.retain(|p| !ignored(p));
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        w.watch_new_folders()?;
        let static_dir = project_folders(root).swap_remove(2);
        let css_only = changed.iter().all(|p| p.starts_with(&static_dir) && p.extension().is_some_and(|e| e == "css"));
        let message = {
            let mut st = shared.state.blocking_write();
            let start = Instant::now();
            let result = match st.preview.as_mut() {
                Some(preview) => preview.update(&changed).map(|u| u.drawn),
                None => Preview::new(root).map(|p| {
                    let n = p.pages();
                    st.preview = Some(p);
                    n
                }),
            };
            let ms = start.elapsed().as_millis();
            st.version += 1;
            if !css_only || st.error.is_some() || result.is_err() {
                st.reload = st.version;
            }
            let message = match result {
                Ok(drawn) => {
                    st.error = None;
                    Ok(format!("rebuilt {drawn} pages in {ms} ms"))
                }
                Err(d) => {
                    let report = crate::diag::report(&d, 20);
                    st.error = Some(report.clone());
                    Err(format!("{report}rebuild failed; still serving the last good site"))
                }
            };
            shared.versions.send_replace((st.version, st.reload));
            message
        };
        // Printed outside the lock, and a closed terminal does not stop the server.
        use std::io::Write;
        let _ = match message {
            Ok(m) => writeln!(std::io::stdout(), "{m}"),
            Err(m) => writeln!(std::io::stderr(), "{m}"),
        };
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

fn percent_decode(s: &str) -> Option<String> {
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

/// A response body: all of it at once, or a live-reload stream.
enum Body {
    Full(Option<Bytes>),
    Events(Events),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Events(events) => events.poll_next(cx).map(|b| Some(Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Full(bytes) => hyper::body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Events(_) => hyper::body::SizeHint::default(),
        }
    }
}

fn response(status: StatusCode, ctype: &'static str, body: Body) -> Response<Body> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(ctype));
    r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn text(status: StatusCode, text: &'static str) -> Response<Body> {
    response(status, "text/plain; charset=utf-8", Body::Full(Some(Bytes::from_static(text.as_bytes()))))
}

/// Answers one request. The request body is never read: dropping it makes hyper discard what
/// is already buffered, or close the connection.
async fn respond(req: Request<Incoming>, shared: &Shared) -> Response<Body> {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        r.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        r.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    let url = req.uri().path();
    if url.starts_with(EVENTS) {
        return events(shared, head);
    }
    let (status, ctype, body) = page(url, shared).await;
    if head {
        let mut r = response(status, ctype, Body::Full(None));
        r.headers_mut().insert(CONTENT_LENGTH, body.len().into());
        return r;
    }
    response(status, ctype, Body::Full(Some(body)))
}

/// The file a URL path asks for, or the 404 page; HTML pages with the live-reload script.
async fn page(url: &str, shared: &Shared) -> (StatusCode, &'static str, Bytes) {
    static EMPTY: std::sync::OnceLock<crate::render::Files> = std::sync::OnceLock::new();
    let st = shared.state.read().await;
    let files = st.preview.as_ref().map_or_else(|| EMPTY.get_or_init(Default::default), |p| &p.files);
    let wanted = site_path(url);
    let mut path = wanted.clone().unwrap_or_default();
    // `/practices/x` without a slash: the folder's page.
    if wanted.is_some() && !files.contains_key(&path) && files.contains_key(&format!("{path}/index.html")) {
        path = format!("{path}/index.html");
    }
    let (status, path) = if wanted.is_some() && files.contains_key(&path) {
        (StatusCode::OK, path)
    } else {
        (StatusCode::NOT_FOUND, "404.html".to_string())
    };
    let ctype = content_type(&path);
    let file = files.get(&path).map_or(&b"<!DOCTYPE html><title>404</title><p>not found</p>"[..], Vec::as_slice);
    let draw = || match ctype.starts_with("text/html") {
        true => Bytes::from(inject(file, st.version, st.error.as_deref())),
        false => Bytes::copy_from_slice(file),
    };
    if file.len() < SHARED_FROM {
        return (status, ctype, draw());
    }
    let mut large = shared.large.lock().unwrap_or_else(|p| p.into_inner());
    if large.0 != st.version {
        // Copies of the last version stay alive only while responses still hold them.
        *large = (st.version, Default::default());
    }
    let body = large.1.entry(path).or_insert_with(draw).clone();
    (status, ctype, body)
}

/// Adds the live-reload script (and the error overlay) before `</body>`.
fn inject(html: &[u8], version: u64, error: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(e) = error {
        extra.push_str(&format!(
            "<div id=\"kbgen-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:9999;margin:0;padding:1rem 1.25rem;background:#2b0f0f;color:#ffd7d7;font:14px/1.5 ui-monospace,monospace;border-top:4px solid #e5484d\"><strong>kbgen: the last rebuild failed; this is the last good version of the page.</strong><pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{}</pre></div>",
            crate::render::escape_html(e)
        ));
    }
    extra.push_str(&format!(
        "<script>(function(){{var v=\"{version}\";function css(n){{document.querySelectorAll('link[rel=stylesheet]').forEach(function(l){{var u=new URL(l.href);u.searchParams.set('kbgen',n);l.href=u.href;}});}}function go(){{var es=new EventSource(\"{EVENTS}\");es.onmessage=function(e){{var d=e.data;if(d.indexOf('css ')===0){{v=d.slice(4);css(v);}}else if(d!==v){{location.reload();}}}};es.onerror=function(){{es.close();setTimeout(go,1000);}};}}go();}})();</script>"
    ));
    match html.rfind("</body>") {
        Some(i) => format!("{}{}{}", &html[..i], extra, &html[i..]).into_bytes(),
        None => format!("{html}{extra}").into_bytes(),
    }
}

/// Opens a Server-Sent Events stream: the current version now, then every new one; 503 when
/// [`MAX_STREAMS`] are open.
fn events(shared: &Shared, head: bool) -> Response<Body> {
    let Ok(permit) = Arc::clone(&shared.streams).try_acquire_owned() else {
        let mut r = text(StatusCode::SERVICE_UNAVAILABLE, "too many live-reload streams\n");
        r.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    };
    let body = if head {
        Body::Full(None)
    } else {
        let versions = shared.versions.subscribe();
        Body::Events(Events { next: Box::pin(next_event(versions, 0)), _permit: permit })
    };
    response(StatusCode::OK, "text/event-stream; charset=utf-8", body)
}

/// An open live-reload stream: a task's worth of memory, no thread. Its place among the
/// [`MAX_STREAMS`] is given back when hyper drops it (the page closed, or a write failed).
struct Events {
    next: Pin<Box<dyn Future<Output = Next> + Send>>,
    _permit: OwnedSemaphorePermit,
}

impl Events {
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Bytes> {
        let (versions, seen, message) = std::task::ready!(self.next.as_mut().poll(cx));
        self.next = Box::pin(next_event(versions, seen));
        Poll::Ready(message)
    }
}

/// A stream's receiver, the version its page has seen, and the message to send.
type Next = (watch::Receiver<Versions>, u64, Bytes);

/// The next message of a stream whose page has seen version `seen` (0: none yet): the new
/// version, `css N` when only stylesheets changed since `seen`, or a keep-alive comment.
async fn next_event(mut versions: watch::Receiver<Versions>, seen: u64) -> Next {
    let ping = Bytes::from_static(b": ping\n\n");
    if seen != 0 {
        match tokio::time::timeout(PING, versions.changed()).await {
            Err(_) => return (versions, seen, ping),
            Ok(Err(_)) => {
                // The watcher has stopped: no version will come.
                tokio::time::sleep(PING).await;
                return (versions, seen, ping);
            }
            Ok(Ok(())) => {}
        }
    }
    let (version, reload) = *versions.borrow_and_update();
    if version == seen {
        return (versions, seen, ping);
    }
    let message =
        if seen != 0 && reload <= seen { format!("data: css {version}\n\n") } else { format!("data: {version}\n\n") };
    (versions, version, Bytes::from(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_raise_no_warning() {
        for b in ["127.0.0.1", "127.0.0.2", "127.255.0.9", "::1", "[::1]", "localhost"] {
            assert!(is_loopback(b), "{b}");
        }
        for b in ["0.0.0.0", "192.168.1.5", "::", "example.org"] {
            assert!(!is_loopback(b), "{b}");
        }
    }

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
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", 7, Some("error: a.md:2:1: <bad>")))
            .unwrap();
        assert!(out.contains("var v=\"7\""));
        assert!(out.contains("&lt;bad&gt;"));
        assert!(out.ends_with("</script></body></html>"));
    }
}
