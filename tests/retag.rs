//! `kbgen retag` (issue 22, D2): a changed vocabulary applied to imported pages without losing
//! what people wrote.

mod common;

use std::path::{Path, PathBuf};

use common::{kbgen, repo, text};

/// A knowledge base with the repository's seeds imported: (guard, root, pages by title part).
fn imported() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    let o = kbgen(tmp.path(), &["init", "kb", "--title", "T"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for e in std::fs::read_dir(repo().join("sources")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), kb.join("sources").join(e.file_name())).unwrap();
    }
    let o = kbgen(&kb, &["import", "sources/"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    (tmp, kb)
}

fn page(kb: &Path, stem_part: &str) -> PathBuf {
    let dir = kb.join("content/practices");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().contains(stem_part))
        .collect();
    assert_eq!(found.len(), 1, "{stem_part}");
    found.remove(0)
}

/// A page's lines but for the tagged fields' lists and their hashes.
fn untagged(page: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_list = false;
    for l in page.lines() {
        if ["region:", "mechanism:", "practice:", "keywords:"].iter().any(|k| l.starts_with(k)) {
            in_list = true;
            continue;
        }
        if in_list && l.starts_with("- ") {
            continue;
        }
        in_list = false;
        if l.starts_with("    ")
            && ["region", "mechanism", "practice", "keywords"].iter().any(|k| l.trim_start().starts_with(k))
        {
            continue;
        }
        out.push(l);
    }
    out
}

fn body(page: &str) -> &str {
    kbgen::content::split_front_matter(page).unwrap().1
}

/// Two new entries: 冬季供暖 (only the 永登 page speaks of heating) and 党员干部 (named on
/// the 永登 and the 苏州 pages; `min_score: 1`).
fn extend_vocabulary(kb: &Path) {
    let path = kb.join("data/mechanisms.yaml");
    let vocab = std::fs::read_to_string(&path).unwrap();
    let more = "\n  - id: winter-heating\n    name: 冬季供暖保障\n    en: Winter heating\n    description: 入冬前逐户检修供暖设施。\n    synonyms:\n      hans: [供暖, 供热]\n      hant: [供暖, 供熱]\n\n  - id: cadres-on-duty\n    name: 党员干部在岗值守\n    en: Party cadres on duty\n    description: 党员干部在岗值守一线。\n    min_score: 1\n    synonyms:\n      hans: [党员干部]\n      hant: [黨員幹部]\n";
    std::fs::write(&path, format!("{}{more}", vocab.trim_end())).unwrap();
}

#[test]
fn retag_applies_a_new_vocabulary_and_keeps_every_persons_edit() {
    let (_tmp, kb) = imported();
    let yongdeng = page(&kb, "lan-zhou-shi-yong-deng");
    let suzhou = page(&kb, "su-zhou-duan-zao");
    // A person fixes the 永登 page's title, notes something under a comment, adds a paragraph.
    let original = std::fs::read_to_string(&yongdeng).unwrap();
    let title_line = original.lines().find(|l| l.starts_with("title: ")).unwrap();
    let edited =
        original.replacen(title_line, "title: 人工校订后的标题\n# 人工核对过地区", 1) + "\n人工补充的研究笔记。\n";
    std::fs::write(&yongdeng, &edited).unwrap();
    // Another person changes the 苏州 page's mechanisms by hand.
    let suzhou_original = std::fs::read_to_string(&suzhou).unwrap();
    let suzhou_edited = suzhou_original.replacen("- community-consultation\n", "", 1);
    assert_ne!(suzhou_edited, suzhou_original);
    std::fs::write(&suzhou, &suzhou_edited).unwrap();
    extend_vocabulary(&kb);

    let dry = kbgen(&kb, &["retag", "--dry-run"]);
    let dry_out = text(&dry.stdout);
    assert!(dry.status.success(), "{dry_out}{}", text(&dry.stderr));
    assert!(dry_out.contains("nothing written (--dry-run)"), "{dry_out}");
    assert_eq!(std::fs::read_to_string(&yongdeng).unwrap(), edited, "--dry-run writes nothing");

    let o = kbgen(&kb, &["retag"]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    let said = dry_out.replace("; nothing written (--dry-run)", "").replace("would retag", "retagged");
    assert_eq!(said, out, "--dry-run says what retag does");
    // The 永登 page: its mechanisms follow the vocabulary; its title, comment and notes stay.
    let now = std::fs::read_to_string(&yongdeng).unwrap();
    assert!(out.contains(&format!("{}\n  mechanism: [", yongdeng.file_name().unwrap().to_str().unwrap())), "{out}");
    let line = out.lines().find(|l| l.starts_with("  mechanism: [") && l.contains("winter-heating")).expect(&out);
    assert!(line.contains(" → ") && line.contains("cadres-on-duty"), "{line}");
    assert!(now.contains("- winter-heating\n") && now.contains("- cadres-on-duty\n"), "{now}");
    assert!(now.contains("title: 人工校订后的标题\n# 人工核对过地区\n"), "{now}");
    assert_eq!(body(&now), body(&edited), "the body's bytes are untouched");
    // Every other line is as it was, in its order: only tagged lists and their hashes change.
    assert_eq!(untagged(&now), untagged(&edited));
    // The 苏州 page: its hand-made mechanism list is kept, and the report says so.
    assert_eq!(std::fs::read_to_string(&suzhou).unwrap(), suzhou_edited);
    assert!(
        out.lines().any(|l| l.starts_with("  mechanism: kept [")
            && l.contains("edited by a person")
            && l.contains("community-consultation")),
        "{out}"
    );
    // Import still treats the 永登 page as a person's: a re-import skips it.
    let again = kbgen(&kb, &["import", "sources/"]);
    assert!(text(&again.stdout).contains("skipped (edited since import"), "{}", text(&again.stdout));
    assert_eq!(std::fs::read_to_string(&yongdeng).unwrap(), now);
    // A second retag has nothing left to do, and the site builds.
    let twice = text(&kbgen(&kb, &["retag"]).stdout);
    assert!(twice.contains("retagged 0 of 11 pages: 0 fields changed"), "{twice}");
    let b = kbgen(&kb, &["build"]);
    assert!(b.status.success(), "{}", text(&b.stderr));
}

#[test]
fn retag_with_an_unchanged_vocabulary_changes_nothing_and_a_pristine_page_stays_importable() {
    let (_tmp, kb) = imported();
    let before: Vec<(PathBuf, String)> = std::fs::read_dir(kb.join("content/practices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let t = std::fs::read_to_string(&p).unwrap();
            (p, t)
        })
        .collect();
    let o = kbgen(&kb, &["retag"]);
    assert!(text(&o.stdout).contains("retagged 0 of 11 pages: 0 fields changed"), "{}", text(&o.stdout));
    for (p, t) in &before {
        assert_eq!(&std::fs::read_to_string(p).unwrap(), t);
    }
    // A new term re-tags an untouched page, which stays as imported: import can update it.
    extend_vocabulary(&kb);
    let yongdeng = page(&kb, "lan-zhou-shi-yong-deng");
    let o = kbgen(&kb, &["retag"]);
    assert!(text(&o.stdout).contains("winter-heating"), "{}", text(&o.stdout));
    let now = std::fs::read_to_string(&yongdeng).unwrap();
    assert_eq!(kbgen::content::page_state(&now), kbgen::content::PageState::Pristine);
    let again = text(&kbgen(&kb, &["import", "sources/"]).stdout);
    assert!(again.contains("(0 created, 0 updated, 11 unchanged"), "{again}");
}

#[test]
fn the_vocabulary_tells_people_to_retag_not_to_force_an_import() {
    for text in [kbgen::vocab::BUILTIN_YAML.to_string(), std::fs::read_to_string(repo().join("README.md")).unwrap()] {
        assert!(text.contains("kbgen retag"));
    }
    let head: String = kbgen::vocab::BUILTIN_YAML.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(!head.contains("re-run `kbgen import --force`"), "{head}");
}
