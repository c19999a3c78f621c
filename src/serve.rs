//! `kbgen serve`: build into a private folder beside `site/` (`output::Folder`), serve on
//! 127.0.0.1, watch the project, rebuild, and tell open pages to reload (Server-Sent Events).
//! Never touches `site/`. A failed rebuild keeps the
//! last good site and shows the error over every page until it is fixed.
//!
//! The port is taken first, so one in use is reported before any build. A request must name
//! the server by the address it is bound to ([`Hosts`]): a page of another site whose name was
//! made to resolve to this machine (DNS rebinding) cannot read the preview.
//!
//! HTTP is hyper (HTTP/1 only) on a single-threaded tokio runtime: no request can kill or
//! stall it. Request heads are bounded ([`MAX_HEAD`], [`HEADER_TIMEOUT`]), request bodies are
//! read only by the review desk's writes (`desk`: `POST` under `/_kbgen/`, small, with a
//! deadline, from serve's own pages only); the site is GET and HEAD only (other methods get
//! 405), connections are capped
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
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{
    HeaderValue, ACCEPT_ENCODING, ALLOW, CACHE_CONTROL, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE,
    HOST, RETRY_AFTER, VARY,
};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::{watch, OwnedSemaphorePermit, RwLock, Semaphore};

use crate::build::Preview;

mod desk;
mod page;
mod watcher;

pub use page::site_path;
use page::Payload;
use watcher::{watch, Watch};

/// What the server shows: the last good build, and the error of the latest one if it failed.
struct State {
    /// None only while the first build has failed.
    preview: Option<Preview>,
    /// Bumped on every rebuild, good or bad; pages reload when it changes.
    version: u64,
    /// The latest version that needs a page reload (later ones changed only stylesheets).
    reload: u64,
    error: Option<String>,
    /// The warnings of the last good build, as printed (see [`Printed`]).
    warned: Printed,
}

/// Shared copies of large responses, by site path and whether they are gzip'd.
type LargeFiles = std::collections::HashMap<(String, bool), Bytes>;

/// `(version, reload)` of [`State`], sent on every rebuild.
type Versions = (u64, u64);

struct Shared {
    state: RwLock<State>,
    versions: watch::Sender<Versions>,
    /// Places for live-reload streams.
    streams: Arc<Semaphore>,
    /// Responses of [`SHARED_FROM`] bytes or more for one version, by site path: readers of a
    /// large file share one copy, however many there are and however slowly they read (keyed by
    /// path and gzip).
    large: std::sync::Mutex<(u64, LargeFiles)>,
    hosts: Hosts,
    /// The secret every write to the desk must carry (see `desk`): made at start, given only in
    /// pages this process serves.
    token: String,
}

/// The names a request may call this server by, in its `Host` header or in the authority of a
/// URI in absolute form: the address it is bound to (`127.0.0.1:PORT`, `[::1]:PORT`; any
/// address when bound to all), `localhost` when that address is loopback (or all), and the
/// name given to `--bind`, each with the port. A page of another site whose name was made to
/// resolve to this machine (DNS rebinding) sends its own name and is refused (421), so it
/// cannot read the preview. A request with no `Host` at all (HTTP/1.0) is served.
struct Hosts {
    ip: std::net::IpAddr,
    port: u16,
    /// The name given to `--bind`, without brackets.
    bind: String,
    /// The answer to a request for another host.
    refusal: Bytes,
}

impl Hosts {
    fn new(bind: &str, addr: std::net::SocketAddr) -> Hosts {
        let url = format!("http://{addr}/");
        Hosts {
            ip: addr.ip(),
            port: addr.port(),
            bind: bind.trim_matches(['[', ']']).to_string(),
            refusal: Bytes::from(format!("misdirected request: this kbgen preview answers only as {url}\n")),
        }
    }

    /// Whether `authority` (`host[:port]`) names this server.
    fn allows(&self, authority: &str) -> bool {
        let Some((host, port)) = split_authority(authority) else { return false };
        let any = self.ip.is_unspecified();
        port == self.port
            && (host.eq_ignore_ascii_case(&self.bind)
                || host.eq_ignore_ascii_case("localhost") && (any || self.ip.is_loopback())
                || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip == self.ip || any))
    }

    /// Whether a request names this server wherever it names a host.
    fn admit<B>(&self, req: &Request<B>) -> bool {
        req.uri().authority().is_none_or(|a| self.allows(a.as_str()))
            && req.headers().get_all(HOST).iter().all(|h| h.to_str().is_ok_and(|h| self.allows(h)))
    }
}

/// The host and port of an authority (`name:port`, `[v6]:port`; port 80 when none is given),
/// None when it is not one (user info, a port that is no number).
fn split_authority(a: &str) -> Option<(&str, u16)> {
    let (host, rest) = match a.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?,
        None => a.find(':').map_or((a, ""), |i| a.split_at(i)),
    };
    let port = match rest {
        "" => 80,
        _ => rest.strip_prefix(':')?.parse().ok()?,
    };
    (!host.is_empty() && !host.contains('@')).then_some((host, port))
}

/// Whether `Accept-Encoding` values accept gzip (RFC 9110 §12.5.3): codings are named in any
/// letter case, a weight of `q=0` refuses one, `*` stands for every coding not named, a coding
/// named twice counts at its higher weight; no value at all asks for the file as it is. (The
/// crates that parse this header are archived or alpha, and it is a few lines.)
fn accepts_gzip<'a>(values: impl IntoIterator<Item = &'a HeaderValue>) -> bool {
    let (mut gzip, mut any) = (None::<f32>, None::<f32>);
    for item in values.into_iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')) {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let mut weight = Some(1.0);
        for param in parts {
            if let Some((key, value)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("q") {
                    weight = qvalue(value.trim());
                }
            }
        }
        let slot = if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            &mut gzip
        } else if coding == "*" {
            &mut any
        } else {
            continue;
        };
        // A weight that is not one (`q=high`) makes the element unreadable: it is skipped.
        if let Some(w) = weight {
            *slot = Some(slot.map_or(w, |s| s.max(w)));
        }
    }
    gzip.or(any).is_some_and(|w| w > 0.0)
}

/// A weight, `0` to `1` with at most three decimals; None for anything else.
fn qvalue(s: &str) -> Option<f32> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let valid = frac.len() <= 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (whole == "0" || whole == "1" && frac.bytes().all(|b| b == b'0'));
    valid.then(|| s.parse().ok()).flatten()
}

const EVENTS: &str = "/__kbgen/events";
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
    remove_folders_on_exit();
    // The watcher reports absolute paths; rebuilds tell pages from other files by their path
    // inside the project, so the root must be absolute too.
    let root = &root.canonicalize().map_err(|e| anyhow::anyhow!("{}: {e}", root.display()))?;
    // The port first: one in use is reported at once, not after a build (a minute at 100,000
    // practices).
    let listener = std::net::TcpListener::bind((bind, port))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}:{port}: {e}"))?;
    let addr = listener.local_addr()?;
    let watching = Watch::start(root)?;
    let (preview, error) = match Preview::new(root) {
        Ok(p) => (Some(p), None),
        Err(d) => (None, Some(crate::diag::report(&d, 20))),
    };
    if let Some(e) = &error {
        say(std::io::stderr(), format_args!("{e}"));
    }
    let mut warned = Printed::default();
    if let Some(p) = &preview {
        say(std::io::stderr(), format_args!("{}", warned.after(&p.site.warnings, root, None)));
    }
    let pages = preview.as_ref().map_or(0, Preview::pages);
    let state = State { preview, version: 1, reload: 1, error, warned };
    let shared = Arc::new(Shared {
        state: RwLock::new(state),
        versions: watch::Sender::new((1, 1)),
        streams: Arc::new(Semaphore::new(MAX_STREAMS)),
        large: Default::default(),
        hosts: Hosts::new(bind, addr),
        token: desk::token(),
    });
    let ms = start.elapsed().as_millis();
    say(std::io::stdout(), format_args!("serving http://{addr}/ ({pages} pages built in {ms} ms; Ctrl-C stops)\n"));
    say(
        std::io::stdout(),
        format_args!(
            "review desk: http://{addr}/_kbgen/review/ (import's marks; an edit panel on every practice page)\n"
        ),
    );
    if !is_loopback(bind) {
        say(std::io::stderr(), format_args!("warning: serving on {bind}: other machines can reach this preview\n"));
    }
    if open {
        if let Err(e) = open::that_detached(format!("http://{addr}/")) {
            say(std::io::stderr(), format_args!("warning: cannot open a browser: {e}\n"));
        }
    }

    let watch_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        if let Err(e) = watch(watching, &watch_shared) {
            say(std::io::stderr(), format_args!("error: file watching stopped: {e}\n"));
        }
    });

    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
    runtime.block_on(accept(listener, shared))
}

/// Prints `text`; a closed standard output or error (the terminal, or a pipe read only for
/// the first line) does not stop the server, as `println!` would with a panic.
fn say(mut to: impl std::io::Write, text: std::fmt::Arguments) {
    let _ = to.write_fmt(text).and_then(|()| to.flush());
}

/// The warnings serve has printed: a build's are printed as `kbgen build` prints them on the
/// first build, and on a rebuild only those that are new or concern a file that changed. A
/// warning about the file just saved is news (the fix did not take, or the edit made it); the
/// same lines about files nobody touched, printed again on every save, would bury the
/// `rebuilt` line and teach people to read past warnings. A warning that went away is not
/// mentioned: the next save that brings it back prints it again.
#[derive(Default)]
struct Printed(std::collections::HashSet<String>);

impl Printed {
    /// What to print of a good build's `warnings` after `changed` files (all of them after
    /// the first build: `None`), and those are the warnings printed from now on.
    fn after(
        &mut self,
        warnings: &[crate::diag::Diagnostic],
        root: &Path,
        changed: Option<&[std::path::PathBuf]>,
    ) -> String {
        let concerns = |w: &crate::diag::Diagnostic| {
            changed.is_none_or(|c| c.iter().any(|p| *p == w.file || p.strip_prefix(root).is_ok_and(|r| r == w.file)))
        };
        let shown: Vec<&crate::diag::Diagnostic> =
            warnings.iter().filter(|w| concerns(w) || !self.0.contains(&w.to_string())).collect();
        self.0 = warnings.iter().map(|w| w.to_string()).collect();
        crate::diag::warnings(shown.into_iter(), 20)
    }
}

/// Ctrl-C (and any other signal that asks a process to end) removes the private folder the
/// site is kept in, then ends serve. The signals are blocked in every thread (threads made
/// after this inherit the mask) and taken by one thread of their own, where removing a folder
/// is safe; a killed serve leaves its folder to the next one, which removes it.
#[cfg(unix)]
fn remove_folders_on_exit() {
    // SAFETY: plain libc calls on a signal set owned here; pthread_sigmask only changes this
    // thread's mask, before any other thread exists.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    std::thread::spawn(move || {
        let mut sig: libc::c_int = 0;
        // SAFETY: `set` and `sig` live for the call.
        if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
            crate::output::remove_live_folders();
            std::process::exit(128 + sig);
        }
    });
}

#[cfg(not(unix))]
fn remove_folders_on_exit() {}

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

/// A response body: all of it at once, a file sent from disk, or a live-reload stream.
enum Body {
    Full(Option<Bytes>),
    File(page::FileBody),
    Events(Events),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    /// Only a file sent from disk fails (it could not be read, or a rebuild changed it): the
    /// connection is closed, the response short of its length.
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<std::io::Result<Frame<Bytes>>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::File(file) => Poll::Ready(file.next().map(|b| b.map(Frame::data))),
            Body::Events(events) => events.poll_next(cx).map(|b| Some(Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Full(bytes) => bytes.is_none(),
            Body::File(file) => file.left() == 0,
            Body::Events(_) => false,
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Full(bytes) => hyper::body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::File(file) => hyper::body::SizeHint::with_exact(file.left()),
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

/// Answers one request. Outside the desk the request body is never read: dropping it makes
/// hyper discard what is already buffered, or close the connection.
async fn respond(req: Request<Incoming>, shared: &Shared) -> Response<Body> {
    if !shared.hosts.admit(&req) {
        let refusal = Body::Full(Some(shared.hosts.refusal.clone()));
        let mut r = response(StatusCode::MISDIRECTED_REQUEST, "text/plain; charset=utf-8", refusal);
        r.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    if req.uri().path().starts_with(desk::PREFIX) {
        return desk::respond(req, shared).await;
    }
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
    // The live-reload client's own fetch (on this machine) is not worth compressing.
    let gzip = accepts_gzip(req.headers().get_all(ACCEPT_ENCODING)) && !req.headers().contains_key("x-kbgen-swap");
    let served = page::page(url, gzip, shared).await;
    let len = served.body.len();
    let body = match served.body {
        _ if head => Body::Full(None),
        Payload::Bytes(bytes) => Body::Full(Some(bytes)),
        Payload::File(file) => Body::File(file),
    };
    let mut r = response(served.status, served.ctype, body);
    let h = r.headers_mut();
    if head {
        h.insert(CONTENT_LENGTH, len.into());
    }
    if served.gzip {
        h.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if let Some((key, version)) = served.shell {
        // Pages carry the desk's edit panel: no other site may frame them (clickjacking).
        h.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
        h.insert("x-kbgen-shell", HeaderValue::from_str(&key).expect("hex"));
        h.insert("x-kbgen-version", version.into());
    }
    r
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
    fn hosts_are_the_bound_address_localhost_and_the_bind_name_with_the_port() {
        let v4 = Hosts::new("127.0.0.1", "127.0.0.1:8000".parse().unwrap());
        for ok in ["127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000"] {
            assert!(v4.allows(ok), "{ok}");
        }
        for bad in [
            "127.0.0.1",
            "127.0.0.1:8001",
            "127.0.0.2:8000",
            "[::1]:8000",
            "evil.example:8000",
            "localhost.evil.example:8000",
            "user@127.0.0.1:8000",
            "127.0.0.1:8000@evil",
            "127.0.0.1:",
            ":8000",
            "",
        ] {
            assert!(!v4.allows(bad), "{bad}");
        }
        let v6 = Hosts::new("::1", "[::1]:80".parse().unwrap());
        for ok in ["[::1]:80", "[::1]", "localhost", "localhost:80"] {
            assert!(v6.allows(ok), "{ok}");
        }
        assert!(!v6.allows("127.0.0.1:80") && !v6.allows("[::2]:80"));
        let all = Hosts::new("0.0.0.0", "0.0.0.0:8000".parse().unwrap());
        assert!(all.allows("192.168.1.5:8000") && all.allows("localhost:8000"));
        assert!(!all.allows("evil.example:8000") && !all.allows("192.168.1.5:80"));
        let named = Hosts::new("kb.lan", "192.168.1.5:8000".parse().unwrap());
        assert!(named.allows("kb.lan:8000") && named.allows("KB.LAN:8000") && named.allows("192.168.1.5:8000"));
        assert!(!named.allows("localhost:8000"), "not bound to loopback");
    }

    #[test]
    fn accept_encoding_weights_and_case_decide_gzip() {
        let accepts = |values: &[&str]| {
            accepts_gzip(values.iter().map(|v| HeaderValue::from_str(v).unwrap()).collect::<Vec<_>>().iter())
        };
        for yes in [
            &["gzip"][..],
            &["GZIP"],
            &["x-gzip"],
            &["br", "gzip;q=0.001"],
            &["*"],
            &["gzip;q=1.000"],
            &["gzip;q=0, gzip"],
        ] {
            assert!(accepts(yes), "{yes:?}");
        }
        for no in [
            &[][..],
            &["gzip;q=0"],
            &["gzip; Q=0.0"],
            &["*;q=0"],
            &["gzip;q=0, *"],
            &["identity"],
            &["gzip;q=2"],
            &["gzip;q=-1"],
            &["gzip;q=0.5000"],
            &["gzip;q=1.5"],
            &["br;gzip"],
            &["gzipped"],
        ] {
            assert!(!accepts(no), "{no:?}");
        }
    }
}
