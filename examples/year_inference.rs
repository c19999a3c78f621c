//! Measures `import::dates::infer_year` on stories whose date is known: for every imported page
//! under the given folders that has a `date:`, infers a year from its body alone (as if the page
//! printed no date) and prints `file<TAB>story<TAB>dated year<TAB>inferred year or -`, then a
//! summary line: how many got a year, and how many of those are the dated year.
//!
//! `cargo run --release --example year_inference -- IMPORTED_DIR...`

use kbgen::content::{split_front_matter, FrontMatter};

fn main() {
    let (mut answered, mut right, mut total) = (0, 0, 0);
    for dir in std::env::args().skip(1) {
        let pages = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok);
        for entry in pages.filter(|e| e.path().extension().is_some_and(|x| x == "md")) {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            let Some((yaml, body)) = split_front_matter(&text) else { continue };
            let Ok(front) = serde_yaml_ng::from_str::<FrontMatter>(yaml) else { continue };
            let Some(year) = front.date.as_deref().and_then(|d| d.get(..4)?.parse::<i32>().ok()) else { continue };
            total += 1;
            let guess = kbgen::import::dates::infer_year(body, 2026);
            if let Some(g) = guess {
                answered += 1;
                right += usize::from(g == year);
            }
            let (file, story) = front.import.map(|i| (i.file, i.story.to_string())).unwrap_or_default();
            println!("{file}\t{story}\t{year}\t{}", guess.map_or("-".into(), |g| g.to_string()));
        }
    }
    println!("# dated stories {total}; a year inferred for {answered}; right {right}");
}
