//! The headline candidates of raw articles, with their features and scores, as JSON Lines:
//! what `scripts/fit-headline.py` estimates the headline scorer's weights from.
//!
//!     cargo run --example headline_features -- RAW_FILE_OR_FOLDER... > candidates.jsonl
//!
//! One line per headline choice: `{"file", "choice", "candidates": [{"text", "x", "score"}],
//! "titles"}` (`titles`: what import wrote for the file's stories). Saved pages and text
//! files only; record files (JSON Lines, CSV, WARC) carry their title in a field.

use std::path::PathBuf;

use kbgen::gazetteer::Gazetteer;
use kbgen::import::headline::features::{explain, FEATURES, WEIGHTS};
use kbgen::import::Importer;
use kbgen::vocab::Vocabulary;

fn main() {
    let vocab = Vocabulary::builtin();
    let importer = Importer::new(Gazetteer::builtin(), &vocab);
    let inputs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let names: Vec<String> = FEATURES.iter().map(|f| format!("{f:?}")).collect();
    println!("{}", serde_json::json!({ "features": names, "weights": WEIGHTS.to_vec() }));
    for (path, name) in kbgen::import::run::collect_inputs(&inputs, &[]) {
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".txt") || lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".md")) {
            continue;
        }
        let bytes = std::fs::read(&path).expect("a readable file");
        let (stories, choices) = explain(|| importer.stories(&name, &bytes));
        let titles: Vec<String> =
            stories.map(|(s, _)| s.into_iter().map(|s| s.front.title).collect()).unwrap_or_default();
        for (k, c) in choices.iter().enumerate() {
            let candidates: Vec<serde_json::Value> = c
                .iter()
                .map(|c| serde_json::json!({ "text": c.text, "x": c.features.0.to_vec(), "score": c.score }))
                .collect();
            println!(
                "{}",
                serde_json::json!({ "file": name, "choice": k, "candidates": candidates, "titles": titles })
            );
        }
    }
}
