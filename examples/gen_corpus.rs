//! Writes a deterministic synthetic kbgen project for benchmarks:
//!
//!     cargo run --release --example gen_corpus -- --pages 10000 --seed 1 --out /tmp/kb10k
//!
//! Pages are assembled from sentences of the repo's own imported articles, with real region
//! paths from the gazetteer, mechanism ids from the vocabulary, years over a decade and
//! 1,500–4,000 characters of body each. The folder has `kbgen.toml`, `content/` and empty
//! `templates/` and `static/` (the built-in theme is used), so `kbgen build` run inside it builds it.

use std::path::PathBuf;

use kbgen::content::{render_page, FrontMatter};
use kbgen::gazetteer::{Gazetteer, Level};
use kbgen::vocab::Vocabulary;

/// splitmix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn main() {
    let mut pages = 1000usize;
    let mut seed = 1u64;
    let mut out = PathBuf::from("corpus");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--pages" => pages = value().parse().expect("--pages N"),
            "--seed" => seed = value().parse().expect("--seed S"),
            "--out" => out = PathBuf::from(value()),
            other => panic!("unknown argument {other}; use --pages N --seed S --out DIR"),
        }
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut sentences: Vec<String> = Vec::new();
    let mut dir: Vec<_> =
        std::fs::read_dir(repo.join("content/practices")).unwrap().map(|e| e.unwrap().path()).collect();
    dir.sort();
    for p in dir {
        let text = std::fs::read_to_string(p).unwrap();
        let (_, body) = kbgen::content::split_front_matter(&text).unwrap();
        for para in body.split("\n\n").filter(|l| !l.starts_with('#')) {
            sentences.extend(
                para.split_inclusive('。').map(str::trim).filter(|s| s.chars().count() >= 12).map(str::to_string),
            );
        }
    }
    let g = Gazetteer::builtin();
    let counties: Vec<usize> = (0..g.units().len()).filter(|&u| g.unit(u).level == Level::County).collect();
    let vocab = Vocabulary::builtin();
    let ids: Vec<&str> = vocab.ids().collect();

    let practices = out.join("content/practices");
    std::fs::create_dir_all(&practices).unwrap();
    // Empty theme folders: the build uses kbgen's own theme, as it is now (copies written here
    // went stale in cached corpora whenever the theme changed).
    std::fs::create_dir_all(out.join("templates")).unwrap();
    std::fs::create_dir_all(out.join("static")).unwrap();
    std::fs::write(out.join("kbgen.toml"), "title = \"合成基准知识库\"\ndescription = \"kbgen 基准测试用的合成语料。\"\nbase_url = \"https://example.org/bench/\"\npaginate = 20\n").unwrap();

    let mut rng = Rng(seed);
    let mut bytes = 0usize;
    for i in 0..pages {
        let year = 2015 + rng.below(10) as i32;
        let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
        // Regions cluster in a few provinces, as real collections do.
        let county =
            if rng.below(3) == 0 { *rng.pick(&counties[..400.min(counties.len())]) } else { *rng.pick(&counties) };
        let mechanisms: Vec<String> = {
            let mut m: Vec<String> = (0..1 + rng.below(3)).map(|_| rng.pick(&ids).to_string()).collect();
            m.sort();
            m.dedup();
            m
        };
        let place = g.unit(county).short.clone().unwrap_or_else(|| g.unit(county).name.clone());
        let lead: String = rng.pick(&sentences).chars().filter(|c| !"“”。，,".contains(*c)).take(16).collect();
        let title = format!("{place}：{lead}");
        let target = 1500 + rng.below(2500);
        let mut body = String::new();
        let mut para = String::new();
        while body.chars().count() + para.chars().count() < target {
            let s = rng.pick(&sentences).clone();
            para.push_str(&s);
            if para.chars().count() > 150 + rng.below(200) {
                if rng.below(5) == 0 {
                    let head: String = rng.pick(&sentences).chars().take(12).collect();
                    body.push_str(&format!("## {}\n\n", head.trim_end_matches(['，', ',', '。'])));
                }
                body.push_str(&para);
                body.push_str("\n\n");
                para.clear();
            }
        }
        body.push_str(&para);
        let front = FrontMatter {
            title,
            subtitle: None,
            date: Some(format!("{year}-{month:02}-{day:02}")),
            year: Some(year),
            year_inferred: false,
            adopted: None,
            source: Some(["新华网", "人民日报", "新华日报", "浙江日报", "南方日报"][rng.below(5)].into()),
            author: None,
            lang: None,
            region: vec![g.path(county)],
            mechanism: mechanisms.clone(),
            practice: Vec::new(),
            keywords: mechanisms.iter().map(|m| vocab.get(m).unwrap().name.clone()).collect(),
            import: None,
        };
        let text = render_page(&front, &body);
        bytes += text.len();
        std::fs::write(practices.join(format!("{year}-p{i:06}.md")), text).unwrap();
    }
    eprintln!("wrote {pages} pages ({:.1} MB of Markdown) to {}", bytes as f64 / 1e6, out.display());
}
