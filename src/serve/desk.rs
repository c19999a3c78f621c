//! `kbgen serve`'s review desk: everything under `/_kbgen/`, which `kbgen build` never writes.
//! `GET /_kbgen/review/` lists every review mark of every page (import's `import.review`), the
//! named practices in no vocabulary entry (proposals) and the mechanisms that pages' named
//! practices now stand for (offers); the edit panel ([`edit_panel`]) goes into every practice
//! page serve shows. The writes are `POST`s of JSON: `save` (a page's curated keys), `accept`
//! (marks cleared), `bulk` (one key on several pages) and `vocab` (a new entry appended to the
//! vocabulary file).
//!
//! A write must carry the process's secret ([`token`], only in pages this process serves) in
//! `x-kbgen-token`, come from serve's own origin (`Origin`, or `Sec-Fetch-Site: same-origin`
//! when a browser sends none), name serve by its own host (checked before any route), be JSON
//! and fit in [`MAX_BODY`] bytes read within [`BODY_TIMEOUT`]. A cross-site form can send none of
//! that. Writes touch only page files of the practices folder named by a plain id
//! (`content::edit::page_file`) and the vocabulary file; each is validated as the build would
//! read it, and written through a temporary file renamed over the old one. Serve's runtime has
//! one thread, so writes never interleave.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, ORIGIN};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value as Json};

use super::{response, Body, Shared};
use crate::content::edit::{self, BadPage, Value, CURATED};
use crate::content::FrontMatter;
use crate::site::Site;
use crate::vocab::Vocabulary;

/// Where the desk's routes live.
pub(super) const PREFIX: &str = "/_kbgen/";
/// The largest request body a write may send.
const MAX_BODY: usize = 256 * 1024;
/// A request body must arrive within this time.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

mod view;

pub(super) use view::edit_panel;

const DESK_JS: &str = include_str!("desk.js");
const DESK_CSS: &str = include_str!("desk.css");

/// A new secret for this process: 128 random bits in hex.
pub(super) fn token() -> String {
    let mut bytes = [0u8; 16];
    #[cfg(unix)]
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    #[cfg(not(unix))]
    let read: std::io::Result<()> = Err(std::io::ErrorKind::Unsupported.into());
    if read.is_err() {
        // The standard library seeds each hasher from the system's random source.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn json_response(status: StatusCode, value: &Json) -> Response<Body> {
    let body = Body::Full(Some(Bytes::from(value.to_string())));
    response(status, "application/json; charset=utf-8", body)
}

fn refuse(status: StatusCode, message: &str) -> Response<Body> {
    json_response(status, &json!({ "error": message }))
}

/// Answers a request under [`PREFIX`] (its host already checked).
pub(super) async fn respond(req: Request<Incoming>, shared: &Shared) -> Response<Body> {
    let path = req.uri().path().to_string();
    let route = path.strip_prefix(PREFIX).unwrap_or("");
    let query = req.uri().query().unwrap_or("").to_string();
    if req.method() == Method::POST {
        if let Err(r) = admit_write(&req, shared) {
            return r;
        }
        let body = match read_body(req.into_body()).await {
            Ok(b) => b,
            Err(r) => return r,
        };
        let st = shared.state.read().await;
        let Some(preview) = &st.preview else {
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "the site does not build yet: fix the error first");
        };
        let site = &preview.site;
        return match route {
            "save" => parse(&body).map_or_else(|r| r, |s| save(site, s)),
            "accept" => parse(&body).map_or_else(|r| r, |a| accept(site, a)),
            "bulk" => parse(&body).map_or_else(|r| r, |b| bulk(site, b)),
            "vocab" => parse(&body).map_or_else(|r| r, |v| add_entry(site, v)),
            _ => refuse(StatusCode::NOT_FOUND, "no such action"),
        };
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return refuse(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    match route {
        "desk.js" => response(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            Body::Full(Some(Bytes::from_static(DESK_JS.as_bytes()))),
        ),
        "desk.css" => response(
            StatusCode::OK,
            "text/css; charset=utf-8",
            Body::Full(Some(Bytes::from_static(DESK_CSS.as_bytes()))),
        ),
        _ => {
            let st = shared.state.read().await;
            let Some(preview) = &st.preview else {
                return refuse(StatusCode::SERVICE_UNAVAILABLE, "the site does not build yet: fix the error first");
            };
            let site = &preview.site;
            let q = query_param(&query, "q").unwrap_or_default();
            match route {
                "review/" | "review" | "review/index.html" => {
                    let html = view::desk_page(site, &shared.token);
                    let mut r =
                        response(StatusCode::OK, "text/html; charset=utf-8", Body::Full(Some(Bytes::from(html))));
                    r.headers_mut().insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
                    r
                }
                "regions" => json_response(StatusCode::OK, &regions(site, &q)),
                "mechanisms" => json_response(StatusCode::OK, &mechanisms(&vocabulary(site), &q)),
                _ => refuse(StatusCode::NOT_FOUND, "not found"),
            }
        }
    }
}

/// Whether a write may go on: from serve's own origin, with the secret, as JSON, small enough.
#[allow(clippy::result_large_err)]
fn admit_write(req: &Request<Incoming>, shared: &Shared) -> Result<(), Response<Body>> {
    let h = req.headers();
    let own_origin = match h.get(ORIGIN) {
        Some(o) => o.to_str().ok().and_then(|o| o.strip_prefix("http://")).is_some_and(|a| shared.hosts.allows(a)),
        None => h.get("sec-fetch-site").is_some_and(|v| v == "same-origin"),
    };
    if !own_origin {
        return Err(refuse(StatusCode::FORBIDDEN, "refused: the request does not come from this preview's own pages"));
    }
    let token = h.get("x-kbgen-token").and_then(|t| t.to_str().ok()).unwrap_or("");
    if !same_secret(token, &shared.token) {
        return Err(refuse(StatusCode::FORBIDDEN, "refused: no valid x-kbgen-token (reload the page)"));
    }
    let json = h.get(CONTENT_TYPE).and_then(|t| t.to_str().ok()).is_some_and(|t| t.starts_with("application/json"));
    if !json {
        return Err(refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "a write is sent as application/json"));
    }
    let declared = h.get(CONTENT_LENGTH).and_then(|l| l.to_str().ok()).and_then(|l| l.parse::<u64>().ok());
    if declared.is_some_and(|l| l > MAX_BODY as u64) {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, "the request is too large"));
    }
    Ok(())
}

/// Compares secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The request body, at most [`MAX_BODY`] bytes, within [`BODY_TIMEOUT`].
#[allow(clippy::result_large_err)]
async fn read_body(mut body: Incoming) -> Result<Vec<u8>, Response<Body>> {
    let read = async move {
        let mut out = Vec::new();
        loop {
            let frame = std::future::poll_fn(|cx| hyper::body::Body::poll_frame(Pin::new(&mut body), cx)).await;
            match frame {
                None => return Ok(out),
                Some(Err(_)) => return Err(refuse(StatusCode::BAD_REQUEST, "the request body could not be read")),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        if out.len() + data.len() > MAX_BODY {
                            return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, "the request is too large"));
                        }
                        out.extend_from_slice(&data);
                    }
                }
            }
        }
    };
    match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(r) => r,
        Err(_) => Err(refuse(StatusCode::REQUEST_TIMEOUT, "the request body came too slowly")),
    }
}

#[allow(clippy::result_large_err)]
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response<Body>> {
    serde_json::from_slice(body).map_err(|e| refuse(StatusCode::BAD_REQUEST, &format!("bad request: {e}")))
}

/// A query parameter, percent-decoded (`+` is a space).
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| super::page::percent_decode(&v.replace('+', " ")).unwrap_or_default())
    })
}

/// The practices folder of the site.
fn practices_dir(site: &Site) -> PathBuf {
    site.root.join(&site.config.paths.content).join(crate::site::PRACTICES)
}

/// The vocabulary file of the site.
fn vocab_file(site: &Site) -> PathBuf {
    site.root.join(&site.config.paths.data).join("mechanisms.yaml")
}

/// The vocabulary as its file holds it now (an entry the desk just added is in it before the
/// rebuild ends), or the site's when the file does not read.
fn vocabulary(site: &Site) -> Vocabulary {
    Vocabulary::load_or_builtin(&vocab_file(site)).unwrap_or_else(|_| site.vocab.clone())
}

/// A page file named by its id, or the refusal.
#[allow(clippy::result_large_err)]
fn page_path(site: &Site, stem: &str) -> Result<PathBuf, Response<Body>> {
    edit::page_file(&practices_dir(site), stem).map_err(|e| match e {
        BadPage::Name => refuse(StatusCode::BAD_REQUEST, "not a page id: a file name without folders"),
        BadPage::Missing => refuse(StatusCode::NOT_FOUND, "no such page"),
    })
}

/// The front matter of a page's text.
#[allow(clippy::result_large_err)]
fn front_of(text: &str) -> Result<FrontMatter, Response<Body>> {
    let yaml = crate::content::split_front_matter(text).map(|(y, _)| y);
    yaml.and_then(|y| serde_yaml_ng::from_str(y).ok()).ok_or_else(|| {
        refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the page's front matter does not read: fix it by hand (kbgen check says where)",
        )
    })
}

/// A curated key's value in the front matter.
fn current(front: &FrontMatter, key: &str) -> Value {
    match key {
        "title" => Value::Text(Some(front.title.clone())),
        "subtitle" => Value::Text(front.subtitle.clone()),
        "date" => Value::Text(front.date.clone()),
        "year" => Value::Year(front.year),
        "adopted" => Value::Year(front.adopted),
        "source" => Value::Text(front.source.clone()),
        "author" => Value::Text(front.author.clone()),
        list => Value::List(crate::content::tagged_value(front, list).to_vec()),
    }
}

/// A value as the form shows it: a list one item per line.
fn shown(value: &Value) -> String {
    match value {
        Value::Text(t) => t.clone().unwrap_or_default(),
        Value::Year(y) => y.map(|y| y.to_string()).unwrap_or_default(),
        Value::List(l) => l.join("\n"),
    }
}

/// The form's values of a page.
fn form_values(front: &FrontMatter) -> BTreeMap<&'static str, String> {
    CURATED.iter().map(|&k| (k, shown(&current(front, k)))).collect()
}

/// A form control's text as the value of `key`: lists one item per line, blank lines dropped,
/// items and texts trimmed; empty is no value.
fn value_of(key: &str, text: &str) -> Result<Value, String> {
    if edit::is_list(key) {
        return Ok(Value::List(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()));
    }
    let t = text.trim();
    match key {
        "year" if t.is_empty() => Ok(Value::Year(None)),
        "year" => t.parse().map(|y| Value::Year(Some(y))).map_err(|_| format!("year: `{t}` is not a year")),
        "adopted" if t.is_empty() => Ok(Value::Year(None)),
        "adopted" => match t.parse() {
            Ok(y) if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) => Ok(Value::Year(Some(y))),
            _ => Err(format!("adopted: `{t}` is not a four-digit year")),
        },
        "title" if t.is_empty() => Err("title: a page needs a title".into()),
        _ => Ok(Value::Text((!t.is_empty()).then(|| t.to_string()))),
    }
}

/// Validates the new text of a page as the build reads it, and writes it.
#[allow(clippy::result_large_err)]
fn check_and_write(site: &Site, vocab: &Vocabulary, path: &Path, text: &str) -> Result<(), Response<Body>> {
    check(site, vocab, path, text).map_err(|e| refuse(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    edit::atomic_write(path, text.as_bytes())
        .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("cannot write the page: {e}")))
}

fn check(site: &Site, vocab: &Vocabulary, path: &Path, text: &str) -> Result<(), String> {
    let rel = path.strip_prefix(&site.root).unwrap_or(path);
    crate::practice::parse_practice(rel, text, vocab, site.gazetteer)
        .map(drop)
        .map_err(|d| d.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))
}

/// A practice cannot begin after the year it was reported in: checked when a person sets
/// `adopted` (a year changed under an `adopted` import wrote is left for the person to see).
fn adopted_fits(adopted: Option<i32>, year: Option<i32>) -> Result<(), String> {
    match (adopted, year) {
        (Some(a), Some(y)) if a > y => Err(format!("adopted: {a} is after the report's year {y}")),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Save {
    page: String,
    /// The hash of the file the form was drawn from.
    sha256: String,
    /// Form controls by key: a list one item per line.
    fields: BTreeMap<String, String>,
}

/// Saves the keys whose values differ from the file's; each changed key's review mark goes (and
/// `year_inferred` with a changed year).
fn save(site: &Site, s: Save) -> Response<Body> {
    let path = match page_path(site, &s.page) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the page");
    };
    let front = match front_of(&text) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let hash = edit::file_hash(text.as_bytes());
    if hash != s.sha256 {
        return json_response(
            StatusCode::CONFLICT,
            &json!({
                "error": "the page changed on disk since this form was drawn: nothing was saved",
                "sha256": hash,
                "current": form_values(&front),
            }),
        );
    }
    if let Some(k) = s.fields.keys().find(|k| !CURATED.contains(&k.as_str())) {
        return refuse(StatusCode::BAD_REQUEST, &format!("`{k}` is not a key the desk edits"));
    }
    let mut changes = Vec::new();
    for key in CURATED {
        let Some(t) = s.fields.get(key) else { continue };
        let value = match value_of(key, t) {
            Ok(v) => v,
            Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
        };
        if value != current(&front, key) {
            changes.push((key, value));
        }
    }
    if let Some((_, Value::Year(adopted))) = changes.iter().find(|(k, _)| *k == "adopted") {
        let year = match changes.iter().find(|(k, _)| *k == "year") {
            Some((_, Value::Year(y))) => *y,
            _ => front.year,
        };
        if let Err(e) = adopted_fits(*adopted, year) {
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e);
        }
    }
    // A year a person sets is no longer one import inferred from the text.
    if front.year_inferred && changes.iter().any(|(k, _)| *k == "year") {
        changes.push(("year_inferred", Value::Text(None)));
    }
    if changes.is_empty() {
        return json_response(StatusCode::OK, &json!({ "sha256": hash, "changed": [] }));
    }
    let keys: Vec<&str> = changes.iter().map(|(k, _)| *k).collect();
    let new_text = match edit::edit(&text, &changes, &keys) {
        Ok(t) => t,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    if let Err(r) = check_and_write(site, &vocabulary(site), &path, &new_text) {
        return r;
    }
    json_response(StatusCode::OK, &json!({ "sha256": edit::file_hash(new_text.as_bytes()), "changed": keys }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Accept {
    page: String,
    /// The fields whose marks go.
    fields: Vec<String>,
}

/// Clears the review marks of fields whose values a person found right.
fn accept(site: &Site, a: Accept) -> Response<Body> {
    let path = match page_path(site, &a.page) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the page");
    };
    let fields: Vec<&str> = a.fields.iter().map(String::as_str).collect();
    let new_text = match edit::edit(&text, &[], &fields) {
        Ok(t) => t,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    if new_text != text {
        if let Err(r) = check_and_write(site, &vocabulary(site), &path, &new_text) {
            return r;
        }
    }
    json_response(
        StatusCode::OK,
        &json!({ "cleared": new_text != text, "sha256": edit::file_hash(new_text.as_bytes()) }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bulk {
    pages: Vec<String>,
    field: String,
    /// The form control's text (a list one item per line).
    value: String,
    /// `set` (the default) replaces the value and clears the field's marks; `add` adds the
    /// items a list does not have yet.
    #[serde(default)]
    mode: Option<String>,
}

/// Sets one key on several pages: every page is checked first, and nothing is written unless
/// all of them can be.
fn bulk(site: &Site, b: Bulk) -> Response<Body> {
    let Some(&key) = CURATED.iter().find(|k| **k == b.field) else {
        return refuse(StatusCode::BAD_REQUEST, &format!("`{}` is not a key the desk edits", b.field));
    };
    let add = match b.mode.as_deref() {
        None | Some("set") => false,
        Some("add") if edit::is_list(key) => true,
        _ => return refuse(StatusCode::BAD_REQUEST, "mode is `set`, or `add` for a list"),
    };
    if b.pages.is_empty() || b.pages.len() > 10_000 {
        return refuse(StatusCode::BAD_REQUEST, "no pages selected");
    }
    let value = match value_of(key, &b.value) {
        Ok(v) => v,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let vocab = vocabulary(site);
    let mut writes = Vec::new();
    let mut errors = Vec::new();
    for stem in &b.pages {
        let path = match page_path(site, stem) {
            Ok(p) => p,
            Err(r) => return r,
        };
        let planned = std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|text| {
            let front = front_of(&text).map_err(|_| "the front matter does not read".to_string())?;
            let new = match (&value, current(&front, key)) {
                (Value::List(items), Value::List(mut have)) if add => {
                    have.extend(items.iter().filter(|i| !have.contains(i)).cloned().collect::<Vec<_>>());
                    Value::List(have)
                }
                (v, _) => v.clone(),
            };
            if let ("adopted", Value::Year(a)) = (key, &new) {
                adopted_fits(*a, front.year)?;
            }
            let clear: &[&str] = if add { &[] } else { &[key] };
            let new_text = edit::edit(&text, &[(key, new)], clear)?;
            check(site, &vocab, &path, &new_text)?;
            Ok((path.clone(), new_text))
        });
        match planned {
            Ok(w) => writes.push(w),
            Err(e) => errors.push(format!("{stem}: {e}")),
        }
    }
    if !errors.is_empty() {
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({ "error": errors.join("\n"), "written": 0 }));
    }
    for (i, (path, text)) in writes.iter().enumerate() {
        if let Err(e) = edit::atomic_write(path, text.as_bytes()) {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot write {} (after {i} pages): {e}", path.display()),
            );
        }
    }
    json_response(StatusCode::OK, &json!({ "written": writes.len() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    name: String,
    en: String,
    description: String,
    /// One phrase per line.
    synonyms: String,
}

/// Appends a new entry to the vocabulary file (its text and comments kept), once the whole
/// file with it reads as a valid vocabulary (a well-formed, unused id, no synonym of another
/// entry). A project on the built-in vocabulary gets the file, built-in entries and all.
fn add_entry(site: &Site, e: Entry) -> Response<Body> {
    let path = vocab_file(site);
    let old = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => crate::vocab::BUILTIN_YAML.to_string(),
        Err(err) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("cannot read the vocabulary: {err}")),
    };
    let trimmed = |s: &str| s.trim().to_string();
    let mut hans: Vec<String> = vec![trimmed(&e.name)];
    for s in e.synonyms.lines().map(str::trim).filter(|s| !s.is_empty()) {
        if !hans.iter().any(|h| h == s) {
            hans.push(s.to_string());
        }
    }
    let vocab = vocabulary(site);
    if vocab.get(e.id.trim()).is_some() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("the id `{}` is taken", e.id.trim()));
    }
    let mut entry = serde_yaml_ng::Mapping::new();
    for (k, v) in [("id", &e.id), ("name", &e.name), ("en", &e.en), ("description", &e.description)] {
        entry.insert(k.into(), trimmed(v).into());
    }
    let mut synonyms = serde_yaml_ng::Mapping::new();
    synonyms.insert("hans".into(), serde_yaml_ng::Value::Sequence(hans.into_iter().map(Into::into).collect()));
    entry.insert("synonyms".into(), synonyms.into());
    let yaml =
        serde_yaml_ng::to_string(&serde_yaml_ng::Value::Sequence(vec![entry.into()])).expect("an entry serialises");
    let indented: String = yaml.lines().map(|l| format!("  {l}\n")).collect();
    let sep = if old.ends_with("\n\n") || old.is_empty() {
        ""
    } else if old.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let new_text = format!("{old}{sep}{indented}");
    if let Err(err) = Vocabulary::parse(&new_text, &path) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &err.message);
    }
    if let Err(err) = edit::atomic_write(&path, new_text.as_bytes()) {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("cannot write the vocabulary: {err}"));
    }
    json_response(StatusCode::OK, &json!({ "id": e.id.trim() }))
}

/// Gazetteer paths for what a person types: units whose name or short name starts with it,
/// then the units a place name in it (a former name too) stands for; at most 20.
fn regions(site: &Site, q: &str) -> Json {
    let q = q.trim();
    let g = site.gazetteer;
    let mut out: Vec<(usize, String)> = Vec::new();
    if q.is_empty() {
        return json!([]);
    }
    let mut push = |i: usize, note: String| {
        if out.len() < 20 && !out.iter().any(|(j, _)| *j == i) {
            out.push((i, note));
        }
    };
    for m in g.mentions(q) {
        let note =
            m.former.map(|e| format!("{} 为旧称（{}–{}）", &q[m.start..m.end], e.from, e.until)).unwrap_or_default();
        for &c in &m.candidates {
            push(c, note.clone());
        }
    }
    let last = q.rsplit('/').next().unwrap_or(q);
    for (i, u) in g.units().iter().enumerate() {
        if u.name.starts_with(last) || u.short.as_deref().is_some_and(|s| s.starts_with(last)) {
            push(i, String::new());
        }
    }
    Json::Array(out.into_iter().map(|(i, note)| json!({ "path": g.path(i), "note": note })).collect())
}

/// Vocabulary entries whose id, name or a synonym holds what a person types (folded to
/// Simplified), with their descriptions; every entry for an empty query.
fn mechanisms(vocab: &Vocabulary, q: &str) -> Json {
    let q = crate::fold::fold(q.trim());
    let hits = vocab.mechanisms.iter().filter(|m| {
        q.is_empty()
            || m.id.contains(q.as_str())
            || crate::fold::fold(&m.name).contains(q.as_str())
            || m.synonyms.hans.iter().chain(&m.synonyms.hant).any(|s| crate::fold::fold(s).contains(q.as_str()))
    });
    Json::Array(
        hits.take(40)
            .map(|m| json!({ "id": m.id, "name": m.name, "description": m.description, "synonyms": m.synonyms.hans }))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        let t = token();
        assert_eq!(t.len(), 32);
        assert_ne!(t, token(), "a new secret each time");
        assert!(same_secret(&t, &t.clone()));
        assert!(!same_secret(&t, &t[..31]) && !same_secret(&t, "") && !same_secret(&t, &t.replace(&t[..1], "z")));
    }

    #[test]
    fn form_text_becomes_values() {
        assert_eq!(value_of("region", " a \n\n b\n"), Ok(Value::List(vec!["a".into(), "b".into()])));
        assert_eq!(value_of("year", " 2021 "), Ok(Value::Year(Some(2021))));
        assert_eq!(value_of("year", ""), Ok(Value::Year(None)));
        assert!(value_of("year", "二〇二一").is_err());
        assert_eq!(value_of("adopted", "2014"), Ok(Value::Year(Some(2014))));
        assert_eq!(value_of("adopted", " "), Ok(Value::Year(None)));
        for bad in ["14", "20145", "-201", "二〇一四", "2014年"] {
            assert!(value_of("adopted", bad).is_err(), "{bad}");
        }
        assert!(adopted_fits(Some(2021), Some(2020)).is_err());
        assert!(adopted_fits(Some(2020), Some(2020)).is_ok() && adopted_fits(Some(2021), None).is_ok());
        assert!(value_of("title", "  ").is_err());
        assert_eq!(value_of("source", " "), Ok(Value::Text(None)));
        assert_eq!(query_param("a=1&q=%E6%98%86+%E5%B1%B1", "q").as_deref(), Some("昆 山"));
    }
}
