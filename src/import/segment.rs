//! Chinese word segmentation: jieba-rs with the mechanism vocabulary (and gazetteer names)
//! added to its dictionary so that 对标找差 or 昆山市 stay whole. Input is expected to be
//! folded to Simplified first (see `fold`): jieba's dictionary is Simplified.

use jieba_rs::{Jieba, KeywordExtract, KeywordExtractConfig, TfIdf};

use crate::gazetteer::Gazetteer;
use crate::vocab::Vocabulary;

pub struct Segmenter {
    jieba: Jieba,
    tfidf: TfIdf,
    /// Place names: already in `region`, so not keywords.
    places: std::collections::HashSet<String>,
}

/// Policy vocabulary missing from jieba's dictionary (one word per line, optional frequency).
pub const USER_DICT: &str = include_str!("../../data/userdict.txt");

/// Words that TF-IDF ranks high in news text but say nothing about a practice.
const STOP_WORDS: &[&str] = &[
    "我们",
    "他们",
    "记者",
    "本报",
    "一个",
    "这个",
    "目前",
    "今年",
    "去年",
    "近年来",
    "以来",
    "进行",
    "开展",
    "工作",
    "通过",
    "推动",
    "实现",
    "相关",
    "负责人",
    "介绍",
    "表示",
    "没有",
    "就是",
    "已经",
    "同时",
    "一批",
    "方面",
    "情况",
    "问题",
    "有关",
    "可以",
    "不断",
    "进一步",
    "万元",
    "亿元",
    "新华社",
];

impl Segmenter {
    pub fn new(vocab: &Vocabulary, gazetteer: &Gazetteer) -> Segmenter {
        let mut jieba = Jieba::new();
        // A high frequency makes jieba prefer the whole term over its parts.
        for (term, _) in vocab.match_terms() {
            if term.chars().count() >= 2 && term.chars().all(crate::fold::is_han) {
                jieba.add_word(&term, Some(200_000), Some("nz"));
            }
        }
        let mut places = std::collections::HashSet::new();
        for unit in gazetteer.units() {
            jieba.add_word(&unit.name, Some(20_000), Some("ns"));
            places.insert(unit.name.clone());
            places.extend(unit.short.clone());
        }
        for line in USER_DICT.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split_whitespace();
            if let Some(word) = parts.next() {
                let freq = parts.next().and_then(|f| f.parse().ok()).unwrap_or(50_000);
                jieba.add_word(word, Some(freq), parts.next());
            }
        }
        let mut config = KeywordExtractConfig::builder().min_keyword_length(2);
        for w in STOP_WORDS {
            config = config.add_stop_word(w.to_string());
        }
        let mut tfidf = TfIdf::default();
        *tfidf.config_mut() = config.build();
        Segmenter { jieba, tfidf, places }
    }

    /// A segmenter for this vocabulary and gazetteer, shared across builds of one process
    /// (`serve` rebuilds often; loading jieba's dictionary is the slow part of a small build).
    pub fn shared(vocab: &Vocabulary, gazetteer: &Gazetteer) -> std::sync::Arc<Segmenter> {
        use std::sync::{Arc, Mutex, OnceLock};
        type Cached = Option<(String, Arc<Segmenter>)>;
        static CACHE: OnceLock<Mutex<Cached>> = OnceLock::new();
        let key: String = vocab.match_terms().into_iter().map(|(t, _)| t).collect::<Vec<_>>().join("\n")
            + &format!("\n{}", gazetteer.units().len());
        let mut cache = CACHE.get_or_init(|| Mutex::new(None)).lock().unwrap_or_else(|p| p.into_inner());
        match &*cache {
            Some((k, seg)) if *k == key => Arc::clone(seg),
            _ => {
                let seg = Arc::new(Segmenter::new(vocab, gazetteer));
                *cache = Some((key, Arc::clone(&seg)));
                seg
            }
        }
    }

    pub fn jieba(&self) -> &Jieba {
        &self.jieba
    }

    /// Words of a (Simplified) text, jieba's default mode with HMM for unknown words.
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba.cut(text, true).into_iter().map(|t| t.word).collect()
    }

    /// The `n` best TF-IDF keywords of a (Simplified) text: nouns, verbal nouns and names,
    /// no numbers. Ties are broken by the word so the result is deterministic.
    pub fn keywords(&self, text: &str, n: usize) -> Vec<String> {
        let pos = ["n", "nz", "vn", "ns", "nt", "nr", "l", "i", "j"].map(String::from).to_vec();
        let mut kws = self.tfidf.extract_keywords(&self.jieba, text, n * 3, pos);
        // Only dictionary words: HMM guesses at unknown words give fragments like 化机制.
        kws.retain(|k| {
            !k.keyword.chars().any(|c| c.is_ascii_digit())
                && k.keyword.chars().count() >= 2
                && self.jieba.has_word(&k.keyword)
                && !self.places.contains(&k.keyword)
        });
        kws.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.keyword.cmp(&b.keyword)));
        kws.into_iter().take(n).map(|k| k.keyword).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segmenter() -> Segmenter {
        Segmenter::new(&Vocabulary::builtin(), Gazetteer::builtin())
    }

    #[test]
    fn vocabulary_terms_stay_whole() {
        let s = segmenter();
        let words = s.cut("苏州建立对标找差机制，推行容错纠错和网格化管理");
        assert!(words.contains(&"对标找差"), "{words:?}");
        assert!(words.contains(&"容错纠错"), "{words:?}");
        assert!(words.contains(&"网格化管理"), "{words:?}");
    }

    #[test]
    fn keywords_are_deterministic_and_skip_numbers() {
        let s = segmenter();
        let text = "昆山市推进高质量发展综合考核，分类考核让干部靶向发力。分类考核改变一张试卷考到底，2023年考核结果运用到干部选拔。综合考核为基层减负。";
        let a = s.keywords(text, 5);
        assert_eq!(a, s.keywords(text, 5));
        assert!(a.iter().any(|k| k == "分类考核"), "{a:?}");
        assert!(a.iter().all(|k| !k.contains("2023")), "{a:?}");
    }

    /// jieba's dictionary is Simplified: on the Traditional seed most multi-character tokens
    /// are unknown until the text is folded.
    #[test]
    fn folding_makes_traditional_text_segment_into_dictionary_words() {
        let s = segmenter();
        let seed = include_str!("../../sources/000_051dcedc16680ad4.txt");
        let share = |text: &str| {
            let words: Vec<&str> = s.cut(text).into_iter().filter(|w| w.chars().all(crate::fold::is_han)).collect();
            words.iter().filter(|w| s.jieba().has_word(w)).count() as f64 / words.len() as f64
        };
        let (before, after) = (share(seed), share(&crate::fold::fold(seed)));
        eprintln!("dictionary words: {before:.2} before folding, {after:.2} after");
        assert!(before < 0.75 && after > 0.95, "dictionary words: {before:.2} before folding, {after:.2} after");
    }
}
