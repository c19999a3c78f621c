//! The run of `kbgen import` over many raw files: which files are raw articles, reading them in
//! parallel, merging the copies of one story, writing pages without overwriting a person's
//! edits or another story, and the report of what was done and what needs a person's look.

use crate::content::review_field;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{dedup, records, write, Decoding, ImportError, Importer, Outcome, Story};
use crate::content::{render_page, FrontMatter, Reprint};
use crate::fold::fold;

/// What happened to one raw file.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub encoding: Option<&'static str>,
    pub result: Result<Vec<(PathBuf, Outcome)>, ImportError>,
    /// What a person should know about how the file was read (bytes replaced, and where).
    pub warnings: Vec<String>,
    /// Fields of the pages written from this file that a person should look at.
    pub reviews: Vec<Review>,
    /// Named practices of its stories that no vocabulary entry covers, once per story.
    pub proposals: Vec<String>,
}

/// One field import was unsure of, on one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub page: PathBuf,
    pub field: String,
    /// The value import wrote (empty when it wrote none).
    pub value: String,
    pub why: String,
}

impl Review {
    pub fn of(page: &Path, front: &FrontMatter) -> Vec<Review> {
        let Some(p) = &front.import else { return Vec::new() };
        p.review
            .iter()
            .map(|entry| {
                // `source: only the publishing site's own name gives it …`: the field, and the
                // reason import gave (a bare field name has its field's usual reason).
                let (field, own_why) = entry.split_once(": ").map_or((entry.as_str(), None), |(f, w)| (f, Some(w)));
                let (value, default_why) = match field {
                    "title" => (front.title.clone(), "no line reads as the headline: the opening words stand in"),
                    "text" => (
                        front.import.as_ref().and_then(|p| p.url.clone()).unwrap_or_default(),
                        "the record has a title but no article text: read the original",
                    ),
                    "year" if front.year.is_some() => (
                        front.year.map(|y| y.to_string()).unwrap_or_default(),
                        "no date printed: the year is inferred from the years the text mentions",
                    ),
                    "year" => (String::new(), "no date printed and no year mentioned"),
                    "region" if !front.region.is_empty() => {
                        (front.region.join(" "), "read from the title alone: the record has no text")
                    }
                    "region" => (String::new(), "no place of the gazetteer is named often enough"),
                    "mechanism" if !front.mechanism.is_empty() => {
                        (front.mechanism.join(" "), "named only once: weak evidence for this mechanism")
                    }
                    "mechanism" => (String::new(), "no term of the mechanism vocabulary is used"),
                    "source" => (front.source.clone().unwrap_or_default(), "import was unsure"),
                    "author" => (front.author.clone().unwrap_or_default(), "import was unsure"),
                    _ => (String::new(), "import was unsure"),
                };
                let why = own_why.unwrap_or(default_why);
                Review { page: page.to_path_buf(), field: field.to_string(), value, why: why.to_string() }
            })
            .collect()
    }
}

pub fn is_html_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// A raw article by its name: saved pages, text and Markdown (what reader tools and scrapers
/// write), and record files (a `.json` file too: scrapers write arrays of records so; one that
/// holds no article is reported, not skipped). A Markdown file with front matter is somebody's page, not a raw
/// article (`kbgen import content/` must not read the knowledge base back in).
fn is_raw_article(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
    !name.starts_with('.')
        && (is_html_name(name)
            || lower.ends_with(".txt")
            || records::holds_records(name)
            || (markdown && !has_front_matter(path)))
}

fn has_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let head = &head[..n];
    let head = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(head);
    head.starts_with(b"---\n") || head.starts_with(b"---\r\n")
}

/// The raw files named by `inputs`, in sorted order, each with the name its pages record: a
/// file given by itself by its file name, a file found in a folder by its path below that
/// folder (so `a/001.txt` and `b/001.txt` stay apart). A folder's walk never enters a built
/// site ([`is_built_site`]), nor one of `skip` (the project's output, templates and static
/// folders: their HTML is the site's, not articles), compared once resolved.
pub fn collect_inputs(inputs: &[PathBuf], skip: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let skip: Vec<PathBuf> = skip.iter().filter_map(|s| s.canonicalize().ok()).collect();
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<(PathBuf, String)> = walkdir::WalkDir::new(input)
                .follow_links(true)
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0
                        || !e.file_type().is_dir()
                        || !(is_built_site(e.path())
                            || (!skip.is_empty() && e.path().canonicalize().is_ok_and(|p| skip.contains(&p))))
                })
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && is_raw_article(e.path()))
                .map(|e| {
                    let name = e.path().strip_prefix(input).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
                    (e.into_path(), name)
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            let name = input.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            files.push((input.clone(), name));
        }
    }
    files
}

/// A folder `kbgen build` or `kbgen serve` wrote: one holding the build's `.kbgen-manifest`, or
/// a private folder beside the output (`.site-new-<pid>`, `.site-old-<pid>`, `.site-serve-<pid>`).
/// Its HTML pages are the knowledge base itself, never raw articles.
pub fn is_built_site(dir: &Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with(".site-") || dir.join(crate::output::MANIFEST).exists()
}

/// Pages already in `dir` that import wrote, by (raw file, story number). Raw files of one
/// name in two import runs (`batch1/001.txt`, then `batch2/001.txt`, each run given its
/// folder) record the same name: every page of a name is kept, for [`Writer::target`] to find
/// the one that holds the story.
fn existing_pages(dir: &Path) -> HashMap<(String, usize), Vec<PathBuf>> {
    let mut out: HashMap<(String, usize), Vec<PathBuf>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| crate::site::is_page_name(p)).collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if let Some(p) = crate::content::read_provenance(&text) {
            out.entry((p.file, p.story)).or_default().push(path);
        }
    }
    out
}

fn needs_review(front: &FrontMatter, field: &str) -> bool {
    front.import.as_ref().is_some_and(|p| p.review.iter().any(|r| review_field(r) == field))
}

/// Fills what a story's page lacks (headline, date, source, author, region, mechanism) from
/// other copies of the same story, best first.
fn fill_from(front: &mut FrontMatter, donors: &[&Story]) {
    let resolve = |front: &mut FrontMatter, field: &str| {
        if let Some(p) = front.import.as_mut() {
            p.review.retain(|r| review_field(r) != field);
        }
    };
    for d in donors.iter().map(|s| &s.front) {
        if needs_review(front, "title") && !needs_review(d, "title") {
            front.title = d.title.clone();
            front.subtitle = d.subtitle.clone();
            resolve(front, "title");
        }
        if front.date.is_none() && d.date.is_some() {
            (front.date, front.year, front.year_inferred) = (d.date.clone(), d.year, false);
            resolve(front, "year");
        }
        if front.source.is_none() {
            front.source = d.source.clone();
        }
        if front.author.is_none() {
            front.author = d.author.clone();
        }
        if front.region.is_empty() && !d.region.is_empty() {
            front.region = d.region.clone();
            resolve(front, "region");
        }
        if front.mechanism.is_empty() && !d.mechanism.is_empty() {
            front.mechanism = d.mechanism.clone();
            resolve(front, "mechanism");
        }
    }
}

/// The title in a page's front matter.
fn old_title(page: &str) -> Option<String> {
    let (yaml, _) = crate::content::split_front_matter(page)?;
    serde_yaml_ng::from_str::<FrontMatter>(yaml).ok().map(|f| f.title)
}

/// The stories of one raw file and its encoding, or why it has none.
type Parsed = Result<(Vec<Story>, Decoding), ImportError>;

/// Imports every raw file into `out` (practice pages go to `out/practices/`). Files are read
/// in parallel; a story found in several raw files is written once, as the page of its best
/// copy (a headline found, Simplified, the longest text), which lists the others under
/// `import.also`.
pub fn run(importer: &Importer, inputs: &[PathBuf], out: &Path, force: bool) -> Vec<FileReport> {
    run_with(importer, inputs, out, force, &records::Fields::default(), &[])
}

/// A story: its file's index among the parsed files, and its index in that file.
type StoryKey = (usize, usize);

/// [`run`] with the field names of JSON Lines and CSV records (`[import.fields]`). A record
/// file (`.jsonl`, `.csv`, `.warc`, `.warc.gz`) is read as many raw articles, each reported as
/// a file of its own (`feed.jsonl:12`, `crawl.warc.gz#3`). A folder's walk skips the folders
/// of `skip` (see [`collect_inputs`]).
pub fn run_with(
    importer: &Importer,
    inputs: &[PathBuf],
    out: &Path,
    force: bool,
    fields: &records::Fields,
    skip: &[PathBuf],
) -> Vec<FileReport> {
    let files = collect_inputs(inputs, skip);
    let record_files = files.iter().any(|(_, name)| records::holds_records(name));
    let parsed = parse_all(importer, files.len(), record_files, records::expand(files, fields));
    let copies = Copies::of(&parsed);
    let mut writer = Writer {
        importer,
        parsed: &parsed,
        copies: &copies,
        dir: out.join("practices"),
        existing: existing_pages(&out.join("practices")),
        force,
        written: Default::default(),
        reviews: Default::default(),
        proposals: Default::default(),
    };
    // Pages first, so a merged copy can name the page it went to.
    let results: Vec<_> = (0..parsed.len()).map(|f| writer.write_file(f)).collect();
    let (written, mut reviews, mut proposals) = (writer.written, writer.reviews, writer.proposals);
    let mut reports: Vec<FileReport> = Vec::with_capacity(parsed.len());
    for (f, ((path, r), res)) in parsed.into_iter().zip(results).enumerate() {
        let mut warnings = Vec::new();
        let (encoding, result) = match r {
            Err(e) => (None, Err(e)),
            Ok((stories, dec)) => {
                if let Some((n, line)) = dec.replaced {
                    // A record's lines are its text's, not its file's.
                    warnings.push(match records::record_file(&path.to_string_lossy()) {
                        Some(_) => format!(
                            "{}: {n} invalid bytes read as U+FFFD (�), the first on line {line} of its text",
                            path.display()
                        ),
                        None => format!("{}:{line}: {n} invalid bytes read as U+FFFD (�)", path.display()),
                    });
                }
                let result = res.map(|mut pages| {
                    for s in 0..stories.len() {
                        if let Some(best) = copies.merged_into.get(&(f, s)) {
                            let into = written.get(best).cloned().unwrap_or_default();
                            pages.push((into.clone(), Outcome::Merged(into)));
                        }
                    }
                    pages
                });
                (Some(dec.name), result)
            }
        };
        let mut reviews = reviews.remove(&f).unwrap_or_default();
        reviews.sort_by(|a, b| (&a.page, &a.field).cmp(&(&b.page, &b.field)));
        let proposals = proposals.remove(&f).unwrap_or_default();
        reports.push(FileReport { path, encoding, result, reviews, warnings, proposals });
    }
    reports
}

/// Reads every raw article in parallel as the readers give them out (a record file's records
/// are read as they are parsed, so the raw bytes held are those of the articles in hand), with
/// a progress bar on a terminal. The result is in input order.
fn parse_all(
    importer: &Importer,
    files: usize,
    record_files: bool,
    articles: impl Iterator<Item = records::Input> + Send,
) -> Vec<(PathBuf, Parsed)> {
    use rayon::prelude::*;
    let progress = records::progress_bar(files, record_files);
    let mut parsed: Vec<(usize, PathBuf, Parsed)> = articles
        .enumerate()
        .inspect(|(i, _)| {
            if *i >= files {
                progress.inc_length(1);
            }
        })
        .par_bridge()
        .map(|(i, input)| {
            // A panic (a bug) fails its article alone.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &input {
                records::Input::File { path, name } => {
                    std::fs::read(path).map_err(ImportError::from).and_then(|b| importer.stories(name, &b))
                }
                records::Input::Record { name, bytes, hints, .. } => importer.stories_with(name, bytes, hints),
                records::Input::Bad { error, .. } => Err(ImportError::Record(error.clone())),
            }))
            .unwrap_or_else(|_| {
                Err(ImportError::Record("kbgen failed while importing it (a bug: please report it)".into()))
            });
            progress.inc(1);
            (i, input.path().to_path_buf(), r)
        })
        .collect();
    progress.finish_and_clear();
    parsed.sort_unstable_by_key(|(i, _, _)| *i);
    parsed.into_iter().map(|(_, path, r)| (path, r)).collect()
}

fn story_of(parsed: &[(PathBuf, Parsed)], (f, s): StoryKey) -> &Story {
    match &parsed[f].1 {
        Ok((stories, _)) => &stories[s],
        Err(_) => unreachable!("only stories of parsed files are listed"),
    }
}

/// One page per story: the stories of all files grouped by their text.
struct Copies {
    /// The story that keeps the page, and the other copies of it.
    keep: HashMap<StoryKey, Vec<StoryKey>>,
    /// A copy, and the story whose page it went to.
    merged_into: HashMap<StoryKey, StoryKey>,
}

impl Copies {
    fn of(parsed: &[(PathBuf, Parsed)]) -> Copies {
        let mut all: Vec<StoryKey> = Vec::new();
        for (f, (_, r)) in parsed.iter().enumerate() {
            if let Ok((stories, _)) = r {
                all.extend((0..stories.len()).map(|s| (f, s)));
            }
        }
        let sets: Vec<&[dedup::Shingle]> = all.iter().map(|&k| story_of(parsed, k).fingerprint.as_slice()).collect();
        let mut copies = Copies { keep: HashMap::new(), merged_into: HashMap::new() };
        let agree = |a: usize, b: usize| copies_agree(story_of(parsed, all[a]), story_of(parsed, all[b]));
        for group in dedup::groups_with(&sets, agree) {
            let members: Vec<StoryKey> = group.iter().map(|&i| all[i]).collect();
            // The first copy in input order keeps the page (stable as files are added after
            // it); the others lend it what it lacks.
            let best = members[0];
            for m in &members {
                if *m != best {
                    copies.merged_into.insert(*m, best);
                }
            }
            copies.keep.insert(best, members.into_iter().filter(|m| *m != best).collect());
        }
        copies
    }
}

/// Days apart that two copies of one story may be dated: a reprint runs within days.
const REPRINT_DAYS: i64 = 7;

/// Whether two stories whose text overlaps enough are copies of one report, not reports that
/// quote the same paragraphs (a province's document quoted by its counties, one template
/// filled in by many places): never when their dates disagree (more than [`REPRINT_DAYS`]
/// apart; or their years, when neither has a date and neither year is inferred) or their
/// places do (the most specific place of each, unless one is the other's county or city and
/// the smaller story is nearly all in the bigger, as a truncated copy is); and only when the
/// smaller opens as the bigger does (see [`dedup::opens_alike`]).
fn copies_agree(a: &Story, b: &Story) -> bool {
    let (fa, fb) = (&a.front, &b.front);
    let days_apart =
        fa.date.as_deref().and_then(super::dates::days_of).zip(fb.date.as_deref().and_then(super::dates::days_of));
    let dated_apart = days_apart.is_some_and(|(x, y)| (x - y).abs() > REPRINT_DAYS);
    let undated = fa.date.is_none() && fb.date.is_none() && !fa.year_inferred && !fb.year_inferred;
    if dated_apart || (undated && fa.year.zip(fb.year).is_some_and(|(x, y)| x != y)) {
        return false;
    }
    let (small, big) = if a.fingerprint.len() <= b.fingerprint.len() { (a, b) } else { (b, a) };
    if let (Some(x), Some(y)) = (fa.region.first(), fb.region.first()) {
        let within = |inner: &str, outer: &str| inner.strip_prefix(outer).is_some_and(|r| r.starts_with('/'));
        let nested = within(x, y) || within(y, x);
        if x != y && !(nested && dedup::containment(&small.fingerprint, &big.fingerprint) >= 0.9) {
            return false;
        }
    }
    dedup::opens_alike(&fold(&small.body), &fold(&big.body))
}

/// Writes the pages of the parsed files, never over a person's edits or another story.
struct Writer<'a> {
    importer: &'a Importer<'a>,
    parsed: &'a [(PathBuf, Parsed)],
    copies: &'a Copies,
    dir: PathBuf,
    /// Pages already there, by the raw file and story they came from.
    existing: HashMap<(String, usize), Vec<PathBuf>>,
    force: bool,
    written: HashMap<StoryKey, PathBuf>,
    reviews: HashMap<usize, Vec<Review>>,
    proposals: HashMap<usize, Vec<String>>,
}

impl Writer<'_> {
    /// The pages of file `f`'s stories that keep a page.
    fn write_file(&mut self, f: usize) -> Result<Vec<(PathBuf, Outcome)>, ImportError> {
        let parsed = self.parsed;
        let Ok((stories, _)) = &parsed[f].1 else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for (s, st) in stories.iter().enumerate() {
            let Some(others) = self.copies.keep.get(&(f, s)) else { continue };
            let mut front = self.merged_front(st, others);
            // The fields `kbgen retag` can compute again from the page as written: the same
            // value from its title, source and body.
            let same_words = |a: &FrontMatter, b: &FrontMatter| {
                (&a.title, &a.subtitle, &a.source) == (&b.title, &b.subtitle, &b.source)
            };
            let fresh = match (&st.retag, same_words(&front, &st.front)) {
                (Some(tags), true) => tags.clone(),
                _ => self.importer.tags(&front, &st.body),
            };
            let tagged = crate::content::TAGGED
                .iter()
                .zip(&fresh)
                .filter(|(f, v)| crate::content::tagged_value(&front, f) == v.as_slice())
                .map(|(f, _)| (f.to_string(), String::new()))
                .collect();
            if let Some(p) = front.import.as_mut() {
                p.tagged = tagged;
            }
            let target = self.target(&front, st);
            let text = render_page(&front, &st.body);
            let raw = front.import.as_ref().map_or("", |p| p.file.as_str());
            let outcome = write::write_page(&target, &text, raw, self.force)?;
            self.reviews.entry(f).or_default().extend(Review::of(&target, &front));
            self.proposals.entry(f).or_default().extend(st.unknown_practices.iter().cloned());
            self.written.insert((f, s), target.clone());
            out.push((target, outcome));
        }
        Ok(out)
    }

    /// The story's front matter, filled from its other copies (best first: a headline found,
    /// Simplified, the longest text), which it lists under `import.also`.
    fn merged_front(&self, st: &Story, others: &[StoryKey]) -> FrontMatter {
        let mut front = st.front.clone();
        let mut donors: Vec<&Story> = others.iter().map(|&k| story_of(self.parsed, k)).collect();
        donors.sort_by_key(|s| {
            let titled = !needs_review(&s.front, "title");
            std::cmp::Reverse((titled, s.front.lang.is_none(), s.body.chars().count()))
        });
        fill_from(&mut front, &donors);
        if let Some(p) = front.import.as_mut() {
            p.also = others
                .iter()
                .filter_map(|&k| story_of(self.parsed, k).front.import.as_ref())
                .map(|o| Reprint { file: o.file.clone(), sha256: o.sha256.clone(), story: o.story })
                .collect();
        }
        front
    }

    /// A story imported before keeps its page, whatever its name says now (a better headline,
    /// an older naming scheme) — if that page still holds this story (a file read into more
    /// stories than before, or another raw file of the same name, must not put one story on
    /// another's page).
    fn target(&self, front: &FrontMatter, st: &Story) -> PathBuf {
        let same_story = |path: &&PathBuf| {
            let Ok(old) = std::fs::read_to_string(path) else { return false };
            let old_body = crate::content::split_front_matter(&old).map_or("", |(_, b)| b);
            let old_f = fold(old_body);
            let old_set = dedup::shingles(&old_f);
            if old_set.len().min(st.fingerprint.len()) >= 40 {
                return dedup::containment(&old_set, &st.fingerprint) >= dedup::SAME_STORY;
            }
            // Too little text for shingles (a digest's short item, a title-only record): the
            // same raw bytes, or text alike both ways under the same headline (a page a person
            // edited keeps its name's claim; `b1/001.txt` and `b2/001.txt` imported from `b1/`
            // and `b2/` are two stories).
            let same_bytes = crate::content::read_provenance(&old)
                .zip(front.import.as_ref())
                .is_some_and(|(o, n)| o.sha256 == n.sha256 && o.story == n.story);
            let same_title = crate::content::page_state(&old) == crate::content::PageState::Edited
                || old_title(&old).is_none_or(|t| fold(&t) == fold(&front.title));
            same_bytes || (same_title && dedup::alike_short(&old_f, &fold(&st.body)))
        };
        front
            .import
            .as_ref()
            .and_then(|p| self.existing.get(&(p.file.clone(), p.story)))
            .and_then(|pages| pages.iter().find(same_story).cloned())
            .unwrap_or_else(|| self.dir.join(format!("{}.md", st.file_stem)))
    }
}
