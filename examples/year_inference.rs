//! Measures `import::dates::infer_year` on stories whose date is known: for every imported page
//! under the given folders that has a `date:`, infers a year from its body alone (as if the page
//! printed no date) and prints `file<TAB>story<TAB>dated year<TAB>inferred year or -`, then a
//! summary line: how many got a year, and how many of those are the dated year.
//!
//! `cargo run --release --example year_inference -- IMPORTED_DIR...`

use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

fn main() {
    let (mut answered, mut right, mut total) = (0, 0, 0);
    for dir in std::env::args().skip(1) {
        let mut files = Vec::new();
        walk(Path::new(&dir), &mut files);
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            let Some(rest) = text.strip_prefix("---\n") else { continue };
            let Some((front, body)) = rest.split_once("\n---\n") else { continue };
            let field = |k: &str| {
                front.lines().find_map(|l| l.strip_prefix(k).map(|v| v.trim().trim_matches('\'').to_string()))
            };
            let Some(year) = field("date: ").and_then(|d| d.get(..4).and_then(|y| y.parse::<i32>().ok())) else {
                continue;
            };
            total += 1;
            let guess = kbgen::import::dates::infer_year(body, 2026);
            if let Some(g) = guess {
                answered += 1;
                right += usize::from(g == year);
            }
            let file = field("  file: ").unwrap_or_default();
            let story = field("  story: ").unwrap_or_default();
            println!("{file}\t{story}\t{year}\t{}", guess.map_or("-".into(), |g| g.to_string()));
        }
    }
    println!("# dated stories {total}; a year inferred for {answered}; right {right}");
}
