//! What `kbgen import` tells a person: a line per raw file and per page written, warnings,
//! the table of fields that need a look (and `--report FILE` as CSV), and the totals.

use std::collections::HashSet;
use std::path::Path;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{FileReport, Outcome, Review};
use crate::diag::printable;

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
                println!("{} ({}): {} {noun}", shown(&r.path), r.encoding.unwrap_or("?"), pages.len());
                for (path, outcome) in pages {
                    let what = tally.count(outcome);
                    match outcome {
                        Outcome::Merged(_) => {
                            println!("  merged    into {} (same story; listed in its import.also)", shown(path))
                        }
                        _ => println!("  {:<9} {}", printable(&what), shown(path)),
                    }
                }
            }
            Err(e) => {
                tally.failed += 1;
                eprintln!("error: {}: {}", shown(&r.path), printable(&e.to_string()));
            }
        }
        for w in &r.warnings {
            eprintln!("warning: {}", printable(w));
        }
    }
    let reviews: Vec<(&Path, &Review)> =
        reports.iter().flat_map(|r| r.reviews.iter().map(move |v| (r.path.as_path(), v))).collect();
    print_reviews(&reviews, csv.is_some());
    let proposals = proposals(reports);
    print_proposals(&proposals, csv.is_some());
    if let Some(path) = csv {
        let mut text = review_csv(&reviews);
        text.push_str(&proposal_rows(&proposals));
        std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        println!("review report: {}", shown(path));
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
        let [field, value, page, why] = [&v.field, &v.value, &page, &v.why].map(|s| printable(s));
        println!("  {} {} {} {why}", pad(&field, 9), pad(&value, 24), pad(&page, 52));
    }
    if reviews.len() > SHOWN_REVIEWS {
        let hint = if to_csv { "" } else { " (--report FILE lists them all)" };
        println!("  … {} more{hint}", reviews.len() - SHOWN_REVIEWS);
    }
}

/// A path as printed: controls escaped (a raw file's name is anybody's text).
fn shown(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

/// A named practice that no vocabulary entry covers: the name, how many stories name it, and
/// the raw files they came from.
struct Proposal<'r> {
    name: String,
    stories: usize,
    files: Vec<&'r Path>,
}

/// Proposals for the vocabulary, most often named first (then by name).
fn proposals(reports: &[FileReport]) -> Vec<Proposal<'_>> {
    let mut by_name: std::collections::BTreeMap<String, Proposal<'_>> = Default::default();
    for r in reports {
        for name in &r.proposals {
            // Scraped text: no control character reaches a terminal or a spreadsheet.
            let name: String = name.chars().filter(|c| !c.is_control()).collect();
            let p = by_name.entry(name.clone()).or_insert(Proposal { name, stories: 0, files: Vec::new() });
            p.stories += 1;
            if !p.files.contains(&r.path.as_path()) {
                p.files.push(&r.path);
            }
        }
    }
    let mut out: Vec<Proposal<'_>> = by_name.into_values().collect();
    out.sort_by(|a, b| b.stories.cmp(&a.stories).then_with(|| a.name.cmp(&b.name)));
    out
}

/// Proposals printed before `… N more`.
const SHOWN_PROPOSALS: usize = 15;

fn print_proposals(proposals: &[Proposal<'_>], to_csv: bool) {
    if proposals.is_empty() {
        return;
    }
    println!("\nnamed practices in no vocabulary entry (proposals for data/mechanisms.yaml): {}", proposals.len());
    for p in proposals.iter().take(SHOWN_PROPOSALS) {
        println!("  {} {} {}", pad(&p.name, 24), p.stories, if p.stories == 1 { "story" } else { "stories" });
    }
    if proposals.len() > SHOWN_PROPOSALS {
        let hint = if to_csv { "" } else { " (--report FILE lists them all)" };
        println!("  … {} more{hint}", proposals.len() - SHOWN_PROPOSALS);
    }
}

/// The proposals as rows of the review CSV: field `vocabulary`, the name as the value, the
/// first raw file that names it, and the count in the reason.
fn proposal_rows(proposals: &[Proposal<'_>]) -> String {
    let mut csv = String::new();
    for p in proposals {
        let files = p.files.iter().map(|f| f.to_string_lossy()).collect::<Vec<_>>().join(" ");
        let why =
            format!("named in {} stories and in no vocabulary entry: a proposal for data/mechanisms.yaml", p.stories);
        let cells = [files.as_str(), "", "vocabulary", p.name.as_str(), why.as_str()];
        csv.push_str(&cells.map(csv_cell).join(","));
        csv.push('\n');
    }
    csv
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
