//! Import on real articles nobody tuned for: the development corpus of 119 public pages and
//! scraper files with 189 labelled stories (`tests/fixtures/real/`, a copy of the project's
//! shared corpus: 001–077 the old development set, 078–099 held-out set B, 100–119 set C) is
//! imported and scored field by field with its own scorer (`score.py`, Python 3 with PyYAML and
//! `opencc`, which `scripts/test` installs). The floors below are what import reaches now: raise
//! them as it gets better, never lower them to make a change pass.

mod common;
use common::{kbgen, repo, text};

/// What import must keep reaching on a labelled set.
struct Floors {
    /// Fields right (of those labelled).
    fields: &'static [(&'static str, usize)],
    /// Stories with every labelled field right.
    fully_right: usize,
    /// Labelled fields written wrong without a review mark (`wrong and not flagged`): a silent
    /// error is worse than a flagged one. Lower it as import gets more honest.
    silent: usize,
    /// The files import may refuse, each named with its reason where the floors are set;
    /// every other file and record must import.
    refused: &'static [&'static str],
}

const REAL: Floors = Floors {
    fields: &[
        ("title", 132),
        ("date", 120),
        ("year", 177),
        ("source", 92),
        ("author", 60),
        ("region", 133),
        ("region_precision", 140),
        ("mechanism", 136),
        ("practice", 68),
        ("clean", 188),
    ],
    fully_right: 169,
    silent: 1,
    refused: &[],
};

#[test]
fn real_articles_import_field_by_field() {
    keeps_its_floors("real", &REAL);
}

/// The fresh pages of `tests/fixtures/fresh/` (22 pages of sites the corpus does not have,
/// judged by eye; see its README): each teaches a family of error the corpus did not show.
const FRESH: Floors = Floors {
    fields: &[
        ("title", 11),
        ("date", 7),
        ("year", 17),
        ("source", 9),
        ("author", 10),
        ("region", 17),
        ("region_precision", 19),
        ("mechanism", 15),
        ("clean", 23),
    ],
    fully_right: 16,
    silent: 7,
    refused: &[],
};

#[test]
fn fresh_pages_of_other_sites_import_field_by_field() {
    keeps_its_floors("fresh", &FRESH);
}

/// The third fresh set (`tests/fixtures/fresh3/`: 57 pages of 57 more sites, all labelled (30
/// blind before any import, 27 later without looking at import's output); see its README),
/// development data since the round that gathered it.
const FRESH3: Floors = Floors {
    fields: &[
        ("title", 27),
        ("date", 15),
        ("year", 41),
        ("source", 18),
        ("author", 16),
        ("region", 44),
        ("region_precision", 50),
        ("mechanism", 48),
        ("clean", 57),
    ],
    fully_right: 27,
    silent: 13,
    refused: &[],
};

#[test]
fn a_third_fresh_set_imports_field_by_field() {
    keeps_its_floors("fresh3", &FRESH3);
}

/// The fifth fresh set (`tests/fixtures/fresh5/`: 52 pages of 52 sites no other set has, all
/// labelled (40 blind before any import, 12 later without looking at import's output); each
/// label's notes say where the page prints its source and authors).
const FRESH5: Floors = Floors {
    fields: &[
        ("title", 22),
        ("date", 12),
        ("year", 42),
        ("source", 14),
        ("author", 19),
        ("region", 48),
        ("region_precision", 49),
        ("mechanism", 47),
        ("clean", 52),
    ],
    fully_right: 31,
    silent: 6,
    refused: &[],
};

#[test]
fn a_fifth_fresh_set_imports_field_by_field() {
    keeps_its_floors("fresh5", &FRESH5);
}

/// The eighth fresh set (`tests/fixtures/fresh8/`: 50 pages of 50 sites no other set has,
/// every story labelled blind before import; its README describes each error family with the
/// printed text): procuratorates, courts, state companies' Party pages, universities, town
/// sites, spun and spam text, Traditional mirrors.
const FRESH8: Floors = Floors {
    fields: &[
        ("title", 22),
        ("date", 16),
        ("year", 41),
        ("source", 10),
        ("author", 20),
        ("region", 46),
        ("region_precision", 48),
        ("mechanism", 41),
        ("clean", 49),
    ],
    fully_right: 30,
    silent: 2,
    // A 2,000-byte cut of a forum's archive of a WeChat article: under its markup, 75
    // characters of an unfinished first paragraph, no article to import.
    refused: &["041_yidu_hezhujifen_forum_wechat.txt"],
};

#[test]
fn an_eighth_fresh_set_imports_field_by_field() {
    keeps_its_floors("fresh8", &FRESH8);
}

const FRESH7: Floors = Floors {
    fields: &[
        ("title", 12),
        ("date", 9),
        ("year", 31),
        ("source", 9),
        ("author", 7),
        ("region", 39),
        ("region_precision", 39),
        ("mechanism", 34),
        ("clean", 40),
    ],
    fully_right: 20,
    silent: 3,
    refused: &[],
};

#[test]
fn a_seventh_fresh_set_held_out_for_a_round_imports_field_by_field() {
    keeps_its_floors("fresh7", &FRESH7);
}

/// The ninth fresh set (`tests/fixtures/fresh9/`: 50 pages of 50 sites no other set has, every
/// story labelled blind before import; held out for a round, 21/50 fully right then).
const FRESH9: Floors = Floors {
    fields: &[
        ("title", 18),
        ("date", 18),
        ("year", 43),
        ("source", 22),
        ("author", 18),
        ("region", 45),
        ("region_precision", 46),
        ("mechanism", 43),
        ("clean", 49),
    ],
    fully_right: 31,
    silent: 1,
    // A betting site's product page that carries a story as a product's description (its
    // paragraphs indented under `• 详细信息`): read as page furniture.
    refused: &["012_mianzhu_lajifenlei_spam.txt"],
};

#[test]
fn a_ninth_fresh_set_held_out_for_a_round_imports_field_by_field() {
    keeps_its_floors("fresh9", &FRESH9);
}

/// The tenth fresh set (`tests/fixtures/fresh10/`: 40 pages drawn at random from 150 of 150 sites
/// no other set has, 42 stories labelled blind before import; held out for a round, 10/42 fully
/// right then, 11/42 when it became development data). `pool/` holds the 110 pages not drawn.
const FRESH10: Floors = Floors {
    fields: &[
        ("title", 16),
        ("date", 15),
        ("year", 36),
        ("source", 12),
        ("author", 11),
        ("region", 37),
        ("region_precision", 37),
        ("mechanism", 15),
        ("clean", 38),
    ],
    fully_right: 12,
    silent: 8,
    refused: &[],
};

#[test]
fn a_tenth_fresh_set_held_out_for_a_round_imports_field_by_field() {
    keeps_its_floors("fresh10", &FRESH10);
}

/// Imports `tests/fixtures/SET/raw`, scores it against the set's labels and checks every floor;
/// every file and record must import but those the floors name (a refused one is named on
/// standard error).
fn keeps_its_floors(set: &str, floors: &Floors) {
    let fixtures = repo().join("tests/fixtures").join(set);
    let (report, refused, log) = import_and_score(&fixtures.join("raw"), &fixtures.join("labels.tsv"));
    let named = |f: &str| log.lines().any(|l| l.starts_with("error: ") && l.contains(f));
    assert!(
        refused == floors.refused.len() && floors.refused.iter().all(|f| named(f)),
        "files or records of {set} refused (expected only {:?}):\n{log}",
        floors.refused
    );
    let below = below_floors(&report, floors);
    assert!(below.is_empty(), "import fell below its floors on {set}: {below:?}\n{report}");
}

/// Imports `raw` into a temporary folder and scores it against `labels` with the corpus's
/// scorer: the report (printed for whoever reads the test log), the files or records refused,
/// and import's output.
fn import_and_score(raw: &std::path::Path, labels: &std::path::Path) -> (String, usize, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("imported");
    let o = kbgen(&repo(), &["import", "--out", out.to_str().unwrap(), raw.to_str().unwrap()]);
    let log = format!("{}{}", text(&o.stdout), text(&o.stderr));
    let refused = log.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(o.status.code(), Some(if refused == 0 { 0 } else { 1 }), "{log}");
    let score = std::process::Command::new("python3")
        .current_dir(repo())
        .arg(repo().join("tests/fixtures/real/score.py"))
        .arg(&out)
        .arg(labels)
        .arg("--misses")
        .output()
        .expect("python3 runs (scripts/test installs it with PyYAML)");
    let report = text(&score.stdout);
    assert!(score.status.success(), "score.py failed:\n{report}{}", text(&score.stderr));
    println!("{report}");
    (report, refused, log)
}

/// What falls below a floor (fields right, stories fully right) or above the ceiling of fields
/// wrong without a review mark.
fn below_floors(report: &str, floors: &Floors) -> Vec<String> {
    let cell = |field: &str| -> usize {
        report
            .lines()
            .find_map(|l| l.strip_prefix(&format!("| {field} | ")))
            .and_then(|rest| rest.split(" | ").next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no `{field}` row in the score table:\n{report}"))
    };
    let mut below = Vec::new();
    for &(field, floor) in floors.fields {
        let got = cell(field);
        if got < floor {
            below.push(format!("{field}: {got} < {floor}"));
        }
    }
    let full: usize = report
        .lines()
        .find_map(|l| l.strip_prefix("fully right: "))
        .and_then(|r| r.split('/').next())
        .and_then(|n| n.parse().ok())
        .expect("a fully-right line");
    if full < floors.fully_right {
        below.push(format!("fully right: {full} < {}", floors.fully_right));
    }
    let silent: usize = report
        .lines()
        .find_map(|l| l.split_once("wrong and not flagged ").map(|(_, r)| r))
        .and_then(|r| r.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("a wrong-and-not-flagged count");
    if silent > floors.silent {
        below.push(format!("wrong and not flagged: {silent} > {}", floors.silent));
    }
    below
}

#[test]
fn every_real_page_builds_into_a_site() {
    // What import writes from real pages is valid content: a project of them builds.
    let fixtures = repo().join("tests/fixtures/real/raw");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("kbgen.toml"), "title = \"真实语料\"\n").unwrap();
    let o = kbgen(tmp.path(), &["import", fixtures.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}{}", text(&o.stdout), text(&o.stderr));
    let b = kbgen(tmp.path(), &["build"]);
    assert!(b.status.success(), "the imported pages build:\n{}{}", text(&b.stdout), text(&b.stderr));
    assert!(tmp.path().join("site/index.html").exists());
}
