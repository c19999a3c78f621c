//! The source candidates of raw articles (saved pages and text files; a scraper's records carry
//! their source in a field), with their features and scores, as
//! JSON Lines: what `scripts/fit-source.py` estimates the source scorer's weights from.
//!
//!     cargo run --release --example source_features -- RAW_FILE_OR_FOLDER... > candidates.jsonl
//!
//! A first line names the features and gives the weights and thresholds in the code; then one
//! line per story: `{"file", "story", "title", "written", "candidates": [{"text", "found", "x",
//! "score"}]}` (`written`: the source import wrote).

use std::path::{Path, PathBuf};

use kbgen::gazetteer::Gazetteer;
use kbgen::import::source::{explain, FEATURES, GUESS, NONE, PLAIN, WEIGHTS};
use kbgen::import::Importer;
use kbgen::vocab::Vocabulary;

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(p).expect("a readable folder").filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let vocab = Vocabulary::builtin();
    let importer = Importer::new(Gazetteer::builtin(), &vocab);
    let mut all = Vec::new();
    for a in std::env::args().skip(1) {
        files(Path::new(&a), &mut all);
    }
    let names: Vec<String> = FEATURES.iter().map(|f| format!("{f:?}")).collect();
    println!(
        "{}",
        serde_json::json!({ "features": names, "weights": WEIGHTS.to_vec(), "none": NONE, "plain": PLAIN, "guess": GUESS })
    );
    for path in all {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".txt") || lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".md")) {
            continue;
        }
        let bytes = std::fs::read(&path).expect("a readable file");
        let (stories, choices) = explain(|| importer.stories(&name, &bytes));
        let Ok((stories, _)) = stories else { continue };
        // Each story made one choice, in order.
        for (k, (s, c)) in stories.iter().zip(&choices).enumerate() {
            let candidates: Vec<serde_json::Value> = c
                .iter()
                .map(|c| {
                    let found: Vec<String> = c.found.iter().map(|f| format!("{f:?}")).collect();
                    serde_json::json!({ "text": c.text, "found": found, "x": c.features.0.to_vec(), "score": c.score })
                })
                .collect();
            println!(
                "{}",
                serde_json::json!({ "file": name, "story": k + 1, "title": s.front.title, "written": s.front.source, "candidates": candidates })
            );
        }
    }
}
