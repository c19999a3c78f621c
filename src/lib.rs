//! kbgen: a static site generator for a Chinese-language policy-practice knowledge base.
//!
//! ```text
//! raw article ──import──▶ content/*.md ──load──▶ Site model ──render──▶ HTML files
//!                                                     └──search──▶ search index
//! ```
//!
//! Shared pieces: `fold` (Traditional → Simplified match keys), `gazetteer` (administrative
//! units), `vocab` (mechanism vocabulary), `segment` (jieba), `content` (the page format).

pub mod cli;
pub mod content;
pub mod fold;
pub mod gazetteer;
pub mod import;
pub mod segment;
pub mod vocab;
