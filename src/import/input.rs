//! One raw article to import, and what a record says about it besides its text: shared by
//! the record readers (`records`, `warc`) and the importer.

use std::path::{Path, PathBuf};

/// What a record says about its article besides the text. Every field is optional; the
/// importer uses each where the article itself says nothing stronger (see
/// `Importer::stories_with`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// The article's web address (`http`/`https` only): provenance, the page's 原文链接, and a
    /// date (`/2023-03/21/`) and source (the host) when the article prints none.
    pub url: Option<String>,
    /// A title field: the strongest of the page's title fields.
    pub title: Option<String>,
    /// A publication date as the record gives it (`2023-03-21`, `2023-03-21T08:00:00+08:00`,
    /// `2023年3月21日`): used when the article prints no date line of its own.
    pub date: Option<String>,
    /// The publisher or site: used when the article names no source.
    pub source: Option<String>,
    /// Used when the article names no reporter.
    pub author: Option<String>,
    /// When a web archive captured the page (`YYYY-MM-DD`): provenance only, never the date.
    pub captured: Option<String>,
    /// The encoding the record's file was read in (a CSV in GBK), when the record's bytes were
    /// decoded before the importer got them: what the import reports instead of `UTF-8`.
    pub encoding: Option<&'static str>,
    /// `Some(true)` when the bytes are HTML, `Some(false)` when plain text; `None` decides by
    /// the name, as for a file.
    pub html: Option<bool>,
    /// The record has a title and a date or an address but no article text (a scraper that
    /// kept only the images' captions, or none): its page says so and is marked for review.
    pub no_text: bool,
}

/// One raw article to import: a file read when its turn comes, or a record already read.
#[derive(Debug)]
pub enum Input {
    File {
        path: PathBuf,
        name: String,
    },
    Record {
        path: PathBuf,
        name: String,
        bytes: Vec<u8>,
        hints: Hints,
    },
    /// A record (or a file of records) that cannot be read; `path` says which.
    Bad {
        path: PathBuf,
        error: String,
    },
}

impl Input {
    /// What reports name: the file, or `file:line` / `file#record` for a record.
    pub fn path(&self) -> &Path {
        match self {
            Input::File { path, .. } | Input::Record { path, .. } | Input::Bad { path, .. } => path,
        }
    }
}
