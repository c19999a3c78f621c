//! Build stage 1: load and validate. Reads `kbgen.toml`, the vocabulary, the gazetteer and every
//! page under `content/practices/`, and gives the site model the renderer reads. Every problem
//! in every file is collected as a `Diagnostic`; nothing is rendered from a site with errors.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{split_front_matter, FrontMatter};
use crate::diag::Diagnostic;
use crate::gazetteer::Gazetteer;
use crate::taxonomy::Taxonomies;
use crate::vocab::Vocabulary;

/// One practice page of the model.
#[derive(Debug, Clone)]
pub struct Practice {
    /// URL segment: the file stem (ASCII, unique because file names are).
    pub slug: String,
    /// The source file, as given to messages (relative to the project root).
    pub source: PathBuf,
    pub front: FrontMatter,
    /// Markdown body.
    pub body: String,
    /// Gazetteer units, in front-matter order.
    pub regions: Vec<usize>,
    /// Vocabulary indexes, in front-matter order.
    pub mechanisms: Vec<usize>,
    /// A hash of the file's text: what incremental rebuilds compare.
    pub hash: u64,
}

impl Practice {
    /// `YYYY-MM-DD`, or the year alone: newest-first ordering uses it.
    pub fn sort_key(&self) -> String {
        self.front.date.clone().unwrap_or_else(|| self.front.year.map(|y| y.to_string()).unwrap_or_default())
    }
}

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub vocab: Vocabulary,
    pub gazetteer: &'static Gazetteer,
    /// Newest first (date, then year), ties by slug.
    pub practices: Vec<Practice>,
    pub taxonomies: Taxonomies,
    /// Per practice, the related practices, best first.
    pub related: Vec<Vec<usize>>,
}

/// The first line of a YAML block whose value opens a quote it never closes: 1-based line and
/// column of the quote mark.
fn unclosed_quote(yaml: &str) -> Option<(usize, usize)> {
    for (i, line) in yaml.lines().enumerate() {
        let value = match line.find(": ") {
            Some(at) => (&line[at + 2..], at + 2),
            None => match line.trim_start().strip_prefix("- ") {
                Some(v) => (v, line.len() - v.len()),
                None => continue,
            },
        };
        let (v, offset) = (value.0.trim_end(), value.1 + (value.0.len() - value.0.trim_start().len()));
        let v = v.trim_start();
        for q in ['"', '\''] {
            if v.starts_with(q) {
                let body = &v[1..];
                let closed = if q == '"' {
                    let mut escaped = false;
                    body.chars().any(|c| {
                        let end = c == '"' && !escaped;
                        escaped = c == '\\' && !escaped;
                        end
                    })
                } else {
                    body.replace("''", "").contains('\'')
                };
                if !closed {
                    return Some((i + 1, line[..offset].chars().count() + 1));
                }
            }
        }
    }
    None
}

/// The folder of practice pages inside the content folder.
pub const PRACTICES: &str = "practices";

/// A practice page's file name: `*.md`, in any letter case.
pub fn is_page_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// Loads the project at `root`: every error in every file, or the model.
pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let config = Config::load(root).map_err(|d| vec![d])?;
    let data = root.join(&config.paths.data);
    let vocab = Vocabulary::load_or_builtin(&data.join("mechanisms.yaml")).map_err(|e| {
        let mut d = Diagnostic::new(&e.file, e.message.clone());
        d.line = e.line;
        vec![d]
    })?;
    let gazetteer = Gazetteer::load_or_builtin(&data.join("regions.tsv")).map_err(|d| vec![d])?;
    let dir = config.paths.content.join(PRACTICES);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(root.join(&dir)) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_page_name(p))
            .filter_map(|p| p.file_name().map(|n| dir.join(n)))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(vec![Diagnostic::new(&dir, format!("cannot read the content folder: {e}"))]),
    };
    files.sort();
    // Pages in subfolders are not read: say so instead of leaving them out quietly.
    let nested: Vec<Diagnostic> = walkdir::WalkDir::new(root.join(&dir))
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_page_name(e.path()))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
            Diagnostic::new(
                &rel,
                format!("a page in a subfolder is not read: move it to {} (pages sit directly in it)", dir.display()),
            )
        })
        .collect();
    if !nested.is_empty() {
        return Err(nested);
    }
    let results: Vec<Result<Practice, Vec<Diagnostic>>> = crate::timing::phase("load", || {
        files.par_iter().map(|rel| load_practice(root, rel, &vocab, gazetteer)).collect()
    });
    let mut practices = Vec::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(p) => practices.push(p),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    practices.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then_with(|| a.slug.cmp(&b.slug)));
    let taxonomies = crate::timing::phase("taxonomies", || Taxonomies::build(&practices, gazetteer, &vocab));
    let related = crate::timing::phase("related", || crate::related::related(&practices, gazetteer, 5));
    Ok(Site { root: root.to_path_buf(), config, vocab, gazetteer, practices, taxonomies, related })
}

/// What [`apply`] changed: whether document ids (site order) survived, and the practices it
/// replaced in place, with their previous version.
pub struct Applied {
    pub same_order: bool,
    pub replaced: Vec<(usize, Practice)>,
}

/// Applies changed page files (paths relative to the root; a missing file is a deletion) to a
/// loaded site. Every changed file is parsed before anything changes: on an error the site is
/// left as it was. Taxonomies always, related lists only when something they read changed.
pub fn apply(site: &mut Site, changed: &[PathBuf]) -> Result<Applied, Vec<Diagnostic>> {
    let mut parsed: Vec<(String, Option<Practice>)> = Vec::new();
    let mut diags = Vec::new();
    for rel in changed {
        let slug = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        if site.root.join(rel).is_file() {
            match load_practice(&site.root, rel, &site.vocab, site.gazetteer) {
                Ok(p) => parsed.push((slug, Some(p))),
                Err(d) => diags.extend(d),
            }
        } else {
            parsed.push((slug, None));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let order: Vec<String> = site.practices.iter().map(|p| p.slug.clone()).collect();
    let mut replaced = Vec::new();
    let mut ranking_changed = false;
    for (slug, new) in parsed {
        let at = site.practices.iter().position(|p| p.slug == slug);
        match (at, new) {
            (Some(i), Some(p)) => {
                let old = std::mem::replace(&mut site.practices[i], p);
                let new = &site.practices[i];
                ranking_changed |= old.mechanisms != new.mechanisms
                    || old.regions != new.regions
                    || old.front.year != new.front.year
                    || old.sort_key() != new.sort_key();
                replaced.push((i, old));
            }
            (Some(i), None) => {
                site.practices.remove(i);
                ranking_changed = true;
            }
            (None, Some(p)) => {
                site.practices.push(p);
                ranking_changed = true;
            }
            (None, None) => {}
        }
    }
    site.practices.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()).then_with(|| a.slug.cmp(&b.slug)));
    let same_order =
        site.practices.len() == order.len() && site.practices.iter().zip(&order).all(|(p, s)| p.slug == *s);
    if ranking_changed || !same_order {
        site.taxonomies = Taxonomies::build(&site.practices, site.gazetteer, &site.vocab);
        site.related = crate::related::related(&site.practices, site.gazetteer, 5);
    }
    Ok(Applied { same_order, replaced: if same_order { replaced } else { Vec::new() } })
}

/// The message for a mechanism id that is not in the vocabulary: every id when there are few,
/// else the entries meant (the Chinese name or a synonym written instead of the id, or ids
/// sharing a word with it).
fn unknown_mechanism(vocab: &Vocabulary, m: &str) -> String {
    if vocab.mechanisms.len() <= 20 {
        let known: Vec<&str> = vocab.ids().collect();
        return format!("unknown mechanism `{m}`; the vocabulary has: {}", known.join(", "));
    }
    let key = crate::fold::fold(m);
    let words: Vec<&str> = m.split('-').filter(|w| w.len() > 2).collect();
    let near: Vec<String> = vocab
        .mechanisms
        .iter()
        .filter(|v| {
            let phrases = std::iter::once(&v.name).chain(&v.synonyms.hans).chain(&v.synonyms.hant);
            v.id.split('-').any(|w| words.contains(&w)) || phrases.into_iter().any(|s| crate::fold::fold(s) == key)
        })
        .map(|v| format!("`{}` ({})", v.id, v.name))
        .collect();
    let n = vocab.mechanisms.len();
    if near.is_empty() {
        format!("unknown mechanism `{m}`; use the id of one of the vocabulary's {n} entries (data/mechanisms.yaml)")
    } else {
        format!(
            "unknown mechanism `{m}`; did you mean {}? (ids of the vocabulary's {n} entries: data/mechanisms.yaml)",
            near.join(" or ")
        )
    }
}

/// Reads and validates one page file; `rel` is relative to `root`.
pub fn load_practice(
    root: &Path,
    rel: &Path,
    vocab: &Vocabulary,
    gazetteer: &Gazetteer,
) -> Result<Practice, Vec<Diagnostic>> {
    let text = Diagnostic::read_utf8(&root.join(rel), rel).map_err(|d| vec![d])?;
    parse_practice(rel, &text, vocab, gazetteer)
}

/// Validates a page's text: every problem in it, or the practice.
pub fn parse_practice(
    rel: &Path,
    text: &str,
    vocab: &Vocabulary,
    gazetteer: &Gazetteer,
) -> Result<Practice, Vec<Diagnostic>> {
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let mut diags = Vec::new();
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        diags.push(Diagnostic::new(
            rel,
            format!("file name `{stem}` must be lowercase ASCII letters, digits and `-` (it becomes the page's URL)"),
        ));
    }
    let Some((yaml, body)) = split_front_matter(text) else {
        diags.push(
            Diagnostic::new(rel, "no front matter: a page starts with a `---` line, YAML, and another `---` line")
                .at(text, 1, 1),
        );
        return Err(diags);
    };
    let front: FrontMatter = match serde_yaml_ng::from_str(yaml) {
        Ok(f) => f,
        Err(e) => {
            let d = Diagnostic::new(rel, yaml_message(&e));
            // An unclosed quote runs to the end of the block, where the parser notices it:
            // point at the line that opens it instead.
            if let Some((line, col)) = unclosed_quote(yaml) {
                let d = Diagnostic::new(rel, "this quoted value is never closed: end it with the same quote mark");
                diags.push(d.at(text, line + 1, col));
                return Err(diags);
            }
            // Line 1 of the YAML is line 2 of the file.
            diags.push(match e.location() {
                Some(l) => d.at(text, l.line() + 1, l.column()),
                None => d,
            });
            return Err(diags);
        }
    };
    let field = |needle: &str, msg: String| Diagnostic::new(rel, msg).at_text(text, 2, needle);
    if front.title.trim().is_empty() {
        diags.push(field("title:", "`title` is empty".into()));
    }
    if let Some(date) = &front.date {
        match crate::import::meta::find_date(date) {
            Some((d, y)) if d == *date => match front.year {
                Some(year) if year != y => diags.push(field("year:", format!("`year` is {year} but `date` is in {y}"))),
                None => diags.push(field(date, format!("`date` is {date} but `year` is missing: add `year: {y}`"))),
                _ => {}
            },
            _ => diags.push(field(date, format!("`date` must be a real date written YYYY-MM-DD, not `{date}`"))),
        }
    }
    if let Some(year) = front.year.filter(|y| !(1900..=2100).contains(y)) {
        diags.push(field("year:", format!("`year` {year} is out of range")));
    }
    if let Some(lang) = &front.lang {
        if !["zh-CN", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK"].contains(&lang.as_str()) {
            diags.push(field(lang, format!("`lang` must be zh-CN, zh-Hans, zh-Hant, zh-TW or zh-HK, not `{lang}`")));
        }
    }
    let mut regions = Vec::new();
    for r in &front.region {
        match gazetteer.resolve(r) {
            Ok(u) => regions.push(u),
            Err(candidates) if candidates.is_empty() => diags
                .push(field(r, format!("unknown region `{r}`: write a gazetteer path such as `江苏省/苏州市/昆山市`"))),
            Err(candidates) => {
                let paths: Vec<String> = candidates.iter().take(4).map(|&c| gazetteer.path(c)).collect();
                diags
                    .push(field(r, format!("ambiguous region `{r}`: write the full path, one of {}", paths.join(", "))))
            }
        }
    }
    let mut mechanisms = Vec::new();
    for m in &front.mechanism {
        match vocab.mechanisms.iter().position(|v| v.id == *m) {
            Some(i) => mechanisms.push(i),
            None => diags.push(field(m, unknown_mechanism(vocab, m))),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Practice {
        slug: stem.to_string(),
        source: rel.to_path_buf(),
        front,
        body: body.to_string(),
        regions,
        mechanisms,
        hash: {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            h.finish()
        },
    })
}

/// serde_yaml_ng's message without its trailing " at line L column C".
fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_mechanism_names_the_entry_meant() {
        let v = Vocabulary::builtin();
        let by_name = unknown_mechanism(&v, "河長制");
        assert!(by_name.starts_with("unknown mechanism `河長制`; did you mean `river-chief` (河长制)?"), "{by_name}");
        let by_word = unknown_mechanism(&v, "river-chiefs");
        assert!(by_word.contains("`river-chief` (河长制) or `river-police-chief` (河湖警长)"), "{by_word}");
        let none = unknown_mechanism(&v, "teleportation");
        assert!(none.contains("use the id of one of the vocabulary's"), "{none}");
    }
}

#[cfg(test)]
mod robustness {
    //! Any front matter and any Markdown end in a practice or located errors, never a panic:
    //! real pages with bytes flipped, lines shuffled and cut at random points.
    use super::*;

    #[test]
    fn any_page_text_ends_in_a_practice_or_located_errors() {
        let vocab = Vocabulary::builtin();
        let g = Gazetteer::builtin();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/practices");
        let mut pages: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        pages.sort();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        const NOISE: &[&str] =
            &["\"", "'", ":", "- ", "[", "]", "{", "}", "---", "\t", "#", "`", "<script>", "&", "\u{0}", "年", "\n"];
        for case in 0..600 {
            let page = &pages[next(pages.len())];
            let mut chars: Vec<char> = page.chars().collect();
            let text: String = match case % 3 {
                0 => {
                    for _ in 0..1 + next(12) {
                        let at = next(chars.len());
                        let noise: Vec<char> = NOISE[next(NOISE.len())].chars().collect();
                        chars.splice(at..at, noise);
                    }
                    chars.into_iter().collect()
                }
                1 => chars[..next(chars.len() + 1)].iter().collect(),
                _ => {
                    let mut lines: Vec<&str> = page.lines().collect();
                    for i in (1..lines.len()).rev() {
                        lines.swap(i, next(i + 1));
                    }
                    lines.join("\n")
                }
            };
            let rel = Path::new("content/practices/case.md");
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_practice(rel, &text, &vocab, g)));
            match r {
                Ok(Ok(_)) => {}
                Ok(Err(diags)) => {
                    assert!(!diags.is_empty(), "case {case}: an error with no diagnostic");
                    for d in &diags {
                        assert!(d.to_string().contains("case.md"), "case {case}: {d} does not name the file");
                    }
                }
                Err(_) => panic!("case {case} panicked on:\n{text}"),
            }
        }
    }
}
