//! What `kbgen import` tells a person: a line per raw file and per page written, warnings,
//! the table of fields that need a look (and `--report FILE` as CSV), and the totals.

use std::collections::HashSet;
use std::path::Path;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{FileReport, Outcome, Review};

/// Review rows printed before `… N more`.
const SHOWN_REVIEWS: usize = 30;

/// How many pages had each outcome.
#[derive(Default)]
struct Tally {
    created: usize,
    updated: usize,
    unchanged: usize,
    merged: usize,
    skipped: usize,
    failed: usize,
    stories: usize,
}

impl Tally {
    /// Counts an outcome; the words that say it.
    fn count(&mut self, outcome: &Outcome) -> String {
        self.stories += 1;
        match outcome {
            Outcome::Created => {
                self.created += 1;
                "created".into()
            }
            Outcome::Updated => {
                self.updated += 1;
                "updated".into()
            }
            Outcome::Unchanged => {
                self.unchanged += 1;
                "unchanged".into()
            }
            Outcome::Overwritten => {
                self.updated += 1;
                "overwrote (edited, --force)".into()
            }
            Outcome::Merged(_) => {
                self.merged += 1;
                "merged".into()
            }
            Outcome::Skipped(why) => {
                self.skipped += 1;
                format!("skipped ({why})")
            }
        }
    }
}

/// Prints the run's reports (and writes the review CSV to `csv`); true when no file failed.
pub fn print(reports: &[FileReport], csv: Option<&Path>) -> anyhow::Result<bool> {
    let mut tally = Tally::default();
    for r in reports {
        match &r.result {
            Ok(pages) => {
                let noun = if pages.len() == 1 { "story" } else { "stories" };
                println!("{} ({}): {} {noun}", r.path.display(), r.encoding.unwrap_or("?"), pages.len());
                for (path, outcome) in pages {
                    let what = tally.count(outcome);
                    match outcome {
                        Outcome::Merged(_) => {
                            println!("  merged    into {} (same story; listed in its import.also)", path.display())
                        }
                        _ => println!("  {what:<9} {}", path.display()),
                    }
                }
            }
            Err(e) => {
                tally.failed += 1;
                eprintln!("error: {}: {e}", r.path.display());
            }
        }
        for w in &r.warnings {
            eprintln!("warning: {w}");
        }
    }
    let reviews: Vec<(&Path, &Review)> =
        reports.iter().flat_map(|r| r.reviews.iter().map(move |v| (r.path.as_path(), v))).collect();
    print_reviews(&reviews, csv.is_some());
    if let Some(path) = csv {
        std::fs::write(path, review_csv(&reviews))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        println!("review report: {}", path.display());
    }
    let t = &tally;
    // Records of JSON Lines, CSV and WARC files are counted one by one, and the files they
    // came from too.
    let record_file = |r: &FileReport| super::records::record_file(&r.path.to_string_lossy());
    let records = reports.iter().filter(|r| record_file(r).is_some()).count();
    let what = if records == 0 {
        format!("{} of {} files", reports.len() - t.failed, reports.len())
    } else {
        let files: HashSet<String> =
            reports.iter().map(|r| record_file(r).unwrap_or_else(|| r.path.to_string_lossy().into_owned())).collect();
        let (n, noun) = (files.len(), if files.len() == 1 { "file" } else { "files" });
        format!("{} of {} articles from {n} {noun} ({records} records)", reports.len() - t.failed, reports.len())
    };
    println!(
        "imported {what}: {} stories ({} created, {} updated, {} unchanged, {} merged, {} skipped), {} failed",
        t.stories, t.created, t.updated, t.unchanged, t.merged, t.skipped, t.failed
    );
    Ok(t.failed == 0)
}

/// The table of fields that need a person's look, at most [`SHOWN_REVIEWS`] rows.
fn print_reviews(reviews: &[(&Path, &Review)], to_csv: bool) {
    if reviews.is_empty() {
        return;
    }
    let pages: HashSet<&Path> = reviews.iter().map(|(_, v)| v.page.as_path()).collect();
    println!("\nneeds a person's look: {} fields on {} pages", reviews.len(), pages.len());
    println!("  {} {} {} why", pad("field", 9), pad("value", 24), pad("page", 52));
    for (_, v) in reviews.iter().take(SHOWN_REVIEWS) {
        let page = v.page.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("  {} {} {} {}", pad(&v.field, 9), pad(&v.value, 24), pad(&page, 52), v.why);
    }
    if reviews.len() > SHOWN_REVIEWS {
        let hint = if to_csv { "" } else { " (--report FILE lists them all)" };
        println!("  … {} more{hint}", reviews.len() - SHOWN_REVIEWS);
    }
}

/// `s` cut or padded to `w` columns of display width (a Han character takes two).
fn pad(s: &str, w: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if out.as_str().width() + c.width().unwrap_or(0) > w {
            break;
        }
        out.push(c);
    }
    let fill = w.saturating_sub(out.as_str().width());
    format!("{out}{}", " ".repeat(fill))
}

/// The review table as CSV: `file,page,field,value,why`.
fn review_csv(reviews: &[(&Path, &Review)]) -> String {
    let mut csv = String::from("file,page,field,value,why\n");
    for (file, v) in reviews {
        let cells = [&*file.to_string_lossy(), &*v.page.to_string_lossy(), &v.field, &v.value, &v.why];
        csv.push_str(&cells.map(csv_cell).join(","));
        csv.push('\n');
    }
    csv
}

/// One quoted CSV cell. A value from a scraped page that a spreadsheet would read as a formula
/// (`=HYPERLINK(…)`, `+1`, `-1`, `@SUM`) is kept as text by a leading apostrophe.
fn csv_cell(s: &str) -> String {
    format!("\"{}\"", crate::dataset::defuse(s.replace('"', "\"\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("安吉“全科网格”"), "\"安吉“全科网格”\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv_cell("-2+3"), "\"'-2+3\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
    }

    #[test]
    fn columns_are_padded_by_display_width() {
        assert_eq!(pad("年份", 6), "年份  ");
        assert_eq!(pad("干部考核机制", 7), "干部考 ");
        assert_eq!(pad("year", 6), "year  ");
    }
}
