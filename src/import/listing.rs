//! Import stage 2b: pages that list articles instead of printing one — a saved search-results
//! page, a column's list of headlines, an e-paper's table of contents. Each item is a headline
//! with a date, or a snippet cut short with an ellipsis; none is a story, so the page gives no
//! practice and the report says why (a list read as an article made a practice of its first
//! snippet).
//!
//! Features of the cleaned lines, thresholds checked on the real corpus (119 files) and the
//! extraction benchmark (71 pages), where no article comes near them: every article there has
//! at most one line cut with an ellipsis (a search page shows ten), and the one page with many
//! dated lines (a Wikipedia article: 429 of 1,965 lines) has a smaller share of them (under a
//! quarter) and more of its text in sentences. A timeline article dates every paragraph, but
//! its paragraphs are sentences: only dated lines that end no sentence are a list's items.

use super::lines::Line;
use crate::fold::is_han;

/// Items of a list page at the least (a search page shows ten, a column twenty).
const MIN_ITEMS: usize = 5;
/// A list page's dated items are at least this share of its lines (the Wikipedia article's
/// dated lines: 22 %).
const MIN_DATED_SHARE: f32 = 0.25;
/// Han characters in paragraphs of its own (60 Han or more, or a sentence, not cut short) under
/// this share of the page's: a list (search and column pages: 0).
const MAX_PROSE_SHARE: f32 = 0.1;
/// A paragraph of prose: this many Han characters, not cut short, or a line that ends a sentence.
const PARAGRAPH_HAN: usize = 60;

fn han(t: &str) -> usize {
    t.chars().filter(|&c| is_han(c)).count()
}

/// A snippet cut short, as search engines and list pages print them.
fn is_cut(t: &str) -> bool {
    let t = t.trim_end();
    t.ends_with("...") || t.ends_with('…') || t.ends_with("。。。")
}

/// A line that ends a sentence (`。`, `！`, `？`, or one of them before a closing quote).
fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end().trim_end_matches(['”', '」', '"', '’', '）', ')']);
    t.ends_with(['。', '！', '？', '!', '?'])
}

/// Why the page is a list of articles rather than one, or `None` for an article.
pub(super) fn not_an_article(lines: &[Line]) -> Option<String> {
    let total: usize = lines.iter().map(|l| han(&l.text)).sum();
    if lines.is_empty() || total == 0 {
        return None;
    }
    let cut: Vec<&Line> = lines.iter().filter(|l| is_cut(&l.text)).collect();
    let cut_han: usize = cut.iter().map(|l| han(&l.text)).sum();
    let prose: usize = lines
        .iter()
        .filter(|l| !is_cut(&l.text))
        .map(|l| (han(&l.text), ends_sentence(&l.text)))
        .filter(|&(n, sentence)| n >= PARAGRAPH_HAN || (sentence && n >= 10))
        .map(|(n, _)| n)
        .sum();
    if cut.len() >= MIN_ITEMS && cut_han > prose {
        return Some(format!(
            "a list of {} snippets cut short (…), such as search results, and no paragraph of its own",
            cut.len()
        ));
    }
    // A list's dated items are headlines or snippets, not sentences of a timeline.
    let dated = lines
        .iter()
        .filter(|l| l.chars() <= 200 && !ends_sentence(&l.text) && super::meta::find_date(&l.text).is_some())
        .count();
    if dated >= MIN_ITEMS
        && dated as f32 >= MIN_DATED_SHARE * lines.len() as f32
        && (prose as f32) < MAX_PROSE_SHARE * total as f32
    {
        return Some(format!("a list of {dated} dated items (headlines or snippets) and no paragraph of its own"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| Line::new(l, 0)).collect()
    }

    #[test]
    fn search_results_and_a_columns_list_are_not_articles() {
        let results: String = (1..=10)
            .map(|i| {
                format!(
                    "某县推行网格化治理之{i}\n2023年5月{i}日 - 某县推行网格化治理，把全县划分为若干网格，每个网格配备一名专职网格员，群众诉求办理时限压缩到三个工作日...\nwww.example.cn/a/{i}.html\n"
                )
            })
            .collect();
        let why = not_an_article(&lines(&results)).unwrap();
        assert!(why.contains("10 snippets"), "{why}");
        let column: String = (1..=12).map(|i| format!("某县推行网格化治理之{i} 2023-05-{i:02}\n")).collect();
        let why = not_an_article(&lines(&column)).unwrap();
        assert!(why.contains("12 dated items"), "{why}");
    }

    #[test]
    fn an_article_with_dated_paragraphs_or_a_cut_line_is_an_article() {
        // A timeline: every paragraph dated, but paragraphs of prose.
        let timeline: String = (1..=8)
            .map(|i| format!("2023年{i}月{i}日，县里召开网格化治理推进会，部署下一阶段的网格员培训、考核和群众诉求办理工作，要求各乡镇对照清单逐项落实，确保按期完成。\n"))
            .collect();
        assert_eq!(not_an_article(&lines(&timeline)), None);
        let article = "县里推行网格化治理，把全县划分为若干网格，每个网格配备一名专职网格员，群众诉求办理时限压缩到三个工作日以内，今年以来共办理群众诉求一千余件。\n相关阅读：网格员的一天...\n";
        assert_eq!(not_an_article(&lines(article)), None);
    }
}
