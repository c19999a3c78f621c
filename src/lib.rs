//! kbgen: a static site generator for a Chinese-language policy-practice knowledge base.
//!
//! ```text
//! raw article ──import──▶ content/*.md ──load──▶ Site model ──render──▶ HTML files
//!                                                     └──search──▶ search index
//! ```
//!
//! Shared pieces: `fold` (Traditional → Simplified match keys), `gazetteer` (administrative
//! units), `vocab` (mechanism vocabulary), `segment` (jieba), `content` (the page format).

pub mod build;
pub mod chart;
pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod feed;
pub mod fold;
pub mod gazetteer;
pub mod import;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod practice;
pub mod related;
pub mod render;
pub mod routes;
pub mod search;
pub mod segment;
pub mod serve;
pub mod site;
pub mod taxonomy;
pub mod theme;
pub mod timing;
pub mod vocab;
