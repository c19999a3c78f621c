//! Import stage 5c: the named practice. Chinese reports give a local practice its own name in
//! quotation marks (“六比竞赛”, “接诉即办”, “对标找差、再攀新高”). A quoted phrase is the
//! practice's name when it has the shape of one: short, no sentence inside, and either a
//! practice word (制, 机制, 模式, 工作法, 清单, 经验…) or a numbered formula (“五议”, “1+N”,
//! “三个一次”), or it is quoted again. At most three names, strongest first.

use std::collections::HashMap;

use crate::fold::{fold, is_han};

/// Words a practice name ends with or contains.
const PRACTICE_WORDS: &[&str] = &[
    "制",
    "机制",
    "模式",
    "工作法",
    "法",
    "清单",
    "经验",
    "行动",
    "工程",
    "体系",
    "平台",
    "改革",
    "办",
    "报到",
    "吹哨",
    "擂台",
    "赛",
    "比武",
    "积分",
    "网格",
    "议事",
    "服务队",
    "驿站",
    "联盟",
    "品牌",
    "工作室",
    "一次",
    "一网",
    "一窗",
    "一件事",
    "通办",
    "承诺",
    "考核",
    "评价",
    "书记",
    "河长",
    "林长",
    "路长",
    "街长",
    "田长",
];
const NUMERALS: &str = "一二三四五六七八九十百千双两0123456789+";

/// Named practices quoted in a story's text, strongest first.
pub fn named(text: &str) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    let mut rest = text;
    let mut order = 0;
    while let Some(open) = rest.find(['“', '「']) {
        let after = &rest[open + 3..];
        let close = after.find(['”', '」']);
        let Some(close) = close else { break };
        let inner = after[..close].trim();
        let before: String = rest[..open].chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        rest = &after[close + 3..];
        let following: String = rest.chars().take(3).collect();
        // What a report criticises or fights (不搞“一刀切”, “面子工程”问题) is no practice of its
        // own, and a five-year plan (“十五五”) is a period.
        let criticised =
            ["不搞", "反对", "杜绝", "防止", "避免", "破除", "整治", "纠正", "克服", "摒弃", "拒绝", "治理"]
                .iter()
                .any(|w| before.ends_with(w))
                || ["问题", "现象", "之风", "倾向", "顽疾"].iter().any(|w| following.starts_with(w));
        let plan = inner.chars().count() == 3 && inner.starts_with('十') && inner.ends_with('五');
        if criticised || plan {
            continue;
        }
        let n = inner.chars().count();
        if !(2..=16).contains(&n) || inner.contains(['。', '！', '？', '“', '：', ':']) {
            continue;
        }
        let han = inner.chars().filter(|&c| is_han(c)).count();
        if han < 2 {
            continue;
        }
        let entry = counts.entry(inner.to_string()).or_insert((0, order));
        entry.0 += 1;
        order += 1;
    }
    let mut scored: Vec<(f32, usize, String)> = counts
        .into_iter()
        .filter_map(|(name, (count, first))| {
            let f = fold(&name);
            let worded = PRACTICE_WORDS.iter().any(|w| f.ends_with(w) || (w.chars().count() >= 2 && f.contains(w)));
            let formula = f.chars().next().is_some_and(|c| NUMERALS.contains(c)) && f.chars().count() <= 8;
            let score =
                (count as f32 - 1.0).min(3.0) + if worded { 2.0 } else { 0.0 } + if formula { 2.0 } else { 0.0 };
            // A phrase quoted once with no practice shape is emphasis, not a name.
            (score >= 2.0).then_some((score, first, name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(3).map(|(_, _, n)| format!("“{n}”")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_of_practices() {
        let text = "北京推行“接诉即办”改革。12345热线……“接诉即办”让群众满意。他说“真没想到”。村里实行“五议”决策。";
        let got = named(text);
        assert_eq!(got[0], "“接诉即办”");
        assert!(got.contains(&"“五议”".to_string()));
        assert!(!got.iter().any(|n| n.contains("真没想到")));
        let got = named("坚决杜绝“面子工程”,不搞“一刀切”。迈向“十五五”,推行“积分制”管理,“积分制”让村民受益。");
        assert_eq!(got, ["“积分制”"]);
    }
}
