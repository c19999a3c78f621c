//! The source candidates of raw articles (saved pages and text files; a scraper's records carry
//! their source in a field), with their features and scores, as
//! JSON Lines: what `scripts/fit-source.py` estimates the source scorer's weights from.
//!
//!     cargo run --release --example source_features -- RAW_FILE_OR_FOLDER... > candidates.jsonl
//!
//! A first line names the features and gives the weights and thresholds in the code; then one
//! line per story: `{"file", "story", "title", "written", "candidates": [{"text", "found", "x",
//! "score"}]}` (`written`: the source import wrote).

use std::path::PathBuf;

use kbgen::gazetteer::Gazetteer;
use kbgen::import::source::{explain, FEATURES, GUESS, NONE, PLAIN, WEIGHTS};
use kbgen::import::Importer;
use kbgen::vocab::Vocabulary;

fn main() {
    let vocab = Vocabulary::builtin();
    let importer = Importer::new(Gazetteer::builtin(), &vocab);
    let inputs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let names: Vec<String> = FEATURES.iter().map(|f| format!("{f:?}")).collect();
    println!(
        "{}",
        serde_json::json!({ "features": names, "weights": WEIGHTS.to_vec(), "none": NONE, "plain": PLAIN, "guess": GUESS })
    );
    for (path, name) in kbgen::import::run::collect_inputs(&inputs, &[]) {
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
