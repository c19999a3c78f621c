#![warn(unreachable_pub)]
//! kbgen: a static site generator for a Chinese-language policy-practice knowledge base.
//!
//! ```text
//! raw article ──import──▶ content/practices/*.md ──load──▶ site model ──render──▶ HTML pages
//!                                                              ├──search──▶ search index
//!                                                              └──extras──▶ feeds, sitemap, static
//!                      all of it ──output──▶ staged folder (build, check) or private folder (serve)
//! ```
//!
//! The modules below are listed in that order. `build` holds the three callers (`kbgen build`,
//! `kbgen check`, `kbgen serve`'s `Preview`) of the one orchestration, `pipeline::render`.
//!
//! Glossary:
//! - **raw article**: a scraped file (`.txt`, `.html`, any encoding) that `import` reads;
//! - **story**: one article found in a raw file (a file may hold several);
//! - **page**: a Markdown file under `content/practices/` (front matter + body), one per story;
//! - **practice**: a page as the model holds it (`practice::Practice`, validated, with its
//!   regions and mechanisms resolved); practices are in site order, newest first;
//! - **term**: an entry of a taxonomy (`taxonomy::Kind`: region, mechanism, year);
//! - **card** / **view**: what a template sees of a practice in a list / of a whole page
//!   (`render::views`);
//! - **fingerprint**: a hash of everything a rendered page reads; an unchanged one is not drawn
//!   again (`render::Fingerprints`);
//! - **route**: the path of a page or file inside the output folder (`routes`);
//! - **document**: a practice as the search index holds it; **token**: what the index is keyed
//!   by (`search::contract`).

// Import: raw articles → pages.
pub mod import;

// Load: settings, vocabulary, gazetteer, the page format and the content model, the site.
pub mod config;
pub mod content;
pub mod gazetteer;
pub mod practice;
pub mod site;
pub mod theme;
pub mod vocab;

// Model: what the pages are grouped and linked by.
pub(crate) mod related;
pub mod taxonomy;

// Render: where everything lives, the text of pages, the pages, charts and maps, citations,
// feeds and sitemap, the dataset and the comparison page's data.
pub(crate) mod chart;
pub(crate) mod cite;
pub(crate) mod compare;
pub(crate) mod dataset;
pub(crate) mod feed;
pub(crate) mod markdown;
pub mod render;
pub(crate) mod routes;
pub(crate) mod sitemap;

// Search index.
pub(crate) mod search;

// Output: staging, links, the swap; the pipeline and its callers.
pub mod build;
pub mod output;
pub(crate) mod pipeline;
pub mod serve;

// Shared: the command line, a new knowledge base, messages, Traditional → Simplified, pinyin
// names, timing.
pub mod cli;
pub mod diag;
pub mod fold;
pub mod init;
pub(crate) mod slug;
pub(crate) mod timing;
