//! Import stage 5c: the named practice. Chinese reports give a local practice its own name in
//! quotation marks (“六比竞赛”, “接诉即办”, “对标找差、再攀新高”). A quoted phrase is the
//! practice's name when it has the shape of one: short, no sentence inside, and either a
//! practice word (制, 机制, 模式, 工作法, 清单, 经验…) or a numbered formula (“五议”, “1+N”,
//! “三个一次”), or it is quoted again. At most three names, strongest first.

use std::collections::HashMap;

use crate::fold::is_han;

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
/// Nouns that name a local institution a practice sets up (“惠农超市”, “边疆党建长廊”).
const BRAND_NOUNS: &[&str] = &[
    "超市",
    "银行",
    "长廊",
    "驿站",
    "联播站",
    "服务站",
    "工作站",
    "夜校",
    "讲堂",
    "课堂",
    "书屋",
    "食堂",
    "之家",
    "热线",
    "直通车",
    "会客厅",
    "议事厅",
    "议事会",
    "审批",
    "受理",
];
/// Practice words that may close an unquoted name introduced by a verb (`建立营商环境观察员制度`).
const NAME_TAILS: &[&str] = &["制度", "机制", "清单", "工作法", "模式", "服务队", "擂台赛", "工作室", "联盟"];
/// Verbs that introduce a practice a place set up.
const SET_UP: &[&str] =
    &["建立", "推行", "实行", "实施", "创新", "探索", "打造", "推出", "首创", "创立", "创建", "组建", "设立"];
/// Verbs right before a quoted phrase that make it what a report fights, not a practice.
const CRITICISE: &[&str] = &[
    "不搞", "反对", "杜绝", "防止", "避免", "破除", "整治", "纠正", "克服", "摒弃", "拒绝", "治理", "打破", "告别",
    "扭转", "走出", "摆脱", "消除", "摘掉", "摘除", "甩掉", "化解",
];
/// Quoted words that every report prints and no place set up: national political formulae and
/// the shorthand of institutions (`“两委”换届`, `增强“四个意识”`, `“三农”工作`).
const NOT_PRACTICES: &[&str] = &[
    "两委",
    "村两委",
    "三农",
    "两会",
    "两新",
    "三公",
    "四风",
    "一把手",
    "四个意识",
    "四个自信",
    "两个维护",
    "两个确立",
    "两个务必",
    "五位一体",
    "四个全面",
    "不忘初心、牢记使命",
];
/// Verbs right before a quoted phrase that make it something a place set up.
const INTRODUCE: &[&str] = &[
    "建立",
    "推行",
    "实行",
    "实施",
    "创新",
    "探索",
    "推出",
    "首创",
    "创立",
    "创建",
    "构建",
    "构建起",
    "形成",
    "总结出",
    "开展",
    "启动",
    "推广",
];
/// Words that make a practice name generic (`工作机制`, `长效机制`): no local brand.
const GENERIC: &[&str] = &[
    "工作",
    "长效",
    "管理",
    "考核",
    "责任",
    "协调",
    "联动",
    "监督",
    "保障",
    "运行",
    "激励",
    "约束",
    "评价",
    "奖惩",
    "问责",
    "常态化",
    "制度",
    "机制",
    "相关",
    "有关",
    "一系列",
    "多项",
    "各项",
    "系列",
    "一套",
    "新",
    "完善",
    "健全",
    "协商",
    "议事",
    "沟通",
    "联系",
    "对接",
    "合作",
    "会商",
];
/// Characters that end a noun phrase: particles, conjunctions and the commonest verbs.
const STOPS: &str = "的地得是了在和与及等把将对为从被让由向于就也都还又并而或";
const NUMERALS: &str = "一二三四五六七八九十百千双两0123456789+";

/// What a name is worth as a practice's name: its shape.
fn shape_score(name: &str) -> f32 {
    let f = name;
    let worded = is_worded(f);
    let formula = f.chars().next().is_some_and(|c| NUMERALS.contains(c)) && f.chars().count() <= 8;
    (if worded { 2.0 } else { 0.0 }) + if formula { 2.0 } else { 0.0 }
}

/// The name carries a practice word of its own (`接诉即办`, `积分制`).
fn is_worded(folded: &str) -> bool {
    PRACTICE_WORDS
        .iter()
        .chain(BRAND_NOUNS)
        .any(|w| folded.ends_with(w) || (w.chars().count() >= 2 && folded.contains(w)))
}

/// The practice words right after a quoted name that belong to it (`“三变”改革`,
/// `“5+1”林长制工作机制`): the longest run of at most ten Han characters, up to punctuation,
/// that ends in a practice word.
fn tail_of(following: &str) -> Option<String> {
    // A particle or a verb ends the noun phrase (`“吹哨报到”的一个重点`).
    let run: String = following.chars().take_while(|&c| is_han(c) && !STOPS.contains(c)).take(10).collect();
    let f = &run;
    (1..=run.chars().count())
        .rev()
        .map(|n| (n, f.chars().take(n).collect::<String>()))
        .find(|(_, head)| {
            NAME_TAILS.iter().chain(["改革", "双报到", "经验", "行动", "赛"].iter()).any(|w| head.ends_with(w))
        })
        .map(|(n, _)| run.chars().take(n).collect())
}

/// Names that a verb of setting up introduces without quotes (`建立营商环境观察员制度`), when
/// what precedes the practice word is specific (not `建立健全工作机制`).
fn unquoted(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let f = text;
    let folded: Vec<char> = f.chars().collect();
    // Byte offset of each character, to turn a match's byte offset into a character index.
    let offsets: Vec<usize> = f.char_indices().map(|(i, _)| i).collect();
    for verb in SET_UP {
        for (at, _) in f.match_indices(verb) {
            let from = offsets.partition_point(|&o| o < at) + verb.chars().count();
            let from = from + usize::from(folded.get(from) == Some(&'了'));
            let run: String = folded[from..]
                .iter()
                .take_while(|&&c| (is_han(c) && !"的地得是了在和与及等".contains(c)) || "()（）".contains(c))
                .take(16)
                .collect();
            let Some(end) = NAME_TAILS.iter().filter_map(|w| run.find(w).map(|i| i + w.len())).min() else {
                continue;
            };
            let mut name = &run[..end];
            // `建立健全暖心回访机制`: the second verb is no part of the name.
            for lead in ["健全", "完善", "落实", "推行", "实行"] {
                name = name.strip_prefix(lead).unwrap_or(name);
            }
            let tail = NAME_TAILS.iter().find(|w| name.ends_with(*w)).expect("ends in a tail");
            let mut specific = name[..name.len() - tail.len()].to_string();
            for g in GENERIC {
                specific = specific.replace(g, "");
            }
            let n = name.chars().count();
            if specific.chars().filter(|&c| is_han(c)).count() >= 3 && n <= 14 {
                let start = from + run[..end - name.len()].chars().count();
                out.push(folded[start..start + n].iter().collect());
            }
        }
    }
    out
}

/// A quoted phrase, with the four characters `before` it and three `following`, that could be a
/// practice's name: two to sixteen characters, at least two Han, no sentence inside, and not
/// what a report criticises or fights (不搞“一刀切”, “面子工程”问题, 摘掉“空壳村”的帽子), a
/// newspaper's series (`推出“…”系列报道`), a five-year plan (“十五五”, a period) or a formula every
/// report prints ([`NOT_PRACTICES`]).
fn could_name_a_practice(inner: &str, before: &str, following: &str) -> bool {
    let criticised = CRITICISE.iter().any(|w| before.ends_with(w))
        || ["问题", "现象", "之风", "倾向", "顽疾"].iter().any(|w| following.starts_with(w))
        || ["系列", "专栏", "栏目", "报道", "专题"].iter().any(|w| following.starts_with(w))
        // `摘掉“空壳村”的帽子`: a label a place wants rid of.
        || ["帽子", "的帽子"].iter().any(|w| following.starts_with(w));
    let plan = inner.chars().count() == 3 && inner.starts_with('十') && inner.ends_with('五');
    let n = inner.chars().count();
    !criticised
        && !plan
        && !NOT_PRACTICES.contains(&inner)
        && (2..=16).contains(&n)
        && !inner.contains(['。', '！', '？', '“', '：', ':'])
        && inner.chars().filter(|&c| is_han(c)).count() >= 2
}

/// Tops `names` up to three with unquoted names a verb of setting up introduces, each once and
/// none that a quoted name already holds.
fn add_unquoted(names: &mut Vec<String>, text: &str) {
    let mut seen: Vec<String> = Vec::new();
    for name in unquoted(text) {
        if !seen.contains(&name)
            && !names.iter().any(|n| n.contains(&name) || name.contains(n.trim_matches(['“', '”'])))
        {
            seen.push(name);
        }
    }
    names.extend(seen.into_iter().take(3 - names.len()));
}

/// Named practices in a story's text (its Simplified fold: names are kept in one script, to
/// group by), strongest first: quoted names of a practice's shape (with the practice words that
/// follow them), then unquoted ones a verb of setting up introduces.
pub fn named(text: &str) -> Vec<String> {
    // name → (count, first position, tail seen after it, introduced by a verb of setting up)
    let mut counts: HashMap<String, (usize, usize, Option<String>, bool)> = HashMap::new();
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
        if !could_name_a_practice(inner, &before, &following) {
            continue;
        }
        // `构建起“群众张嘴,干部跑腿”的…`, `推行“五议”`: set up, so a practice.
        let set_up = INTRODUCE.iter().any(|v| before.ends_with(v));
        let entry = counts.entry(inner.to_string()).or_insert((0, order, None, false));
        entry.0 += 1;
        entry.3 |= set_up;
        // Only a name that says nothing of a practice on its own takes them (`“三变”改革`, but
        // `“接诉即办”改革` stays `“接诉即办”`, one name on every page).
        if entry.2.is_none() && !is_worded(inner) {
            entry.2 = tail_of(rest);
        }
        order += 1;
    }
    let mut scored: Vec<(f32, usize, String)> = counts
        .into_iter()
        .filter_map(|(name, (count, first, tail, set_up))| {
            let tail = tail.unwrap_or_default();
            let score =
                (count as f32 - 1.0).min(3.0) + shape_score(&format!("{name}{tail}")) + if set_up { 2.0 } else { 0.0 };
            // A phrase quoted once with no practice shape is emphasis, not a name.
            (score >= 2.0).then_some((score, first, format!("“{name}”{tail}")))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut names: Vec<String> = scored.into_iter().take(3).map(|(_, _, n)| n).collect();
    if names.len() < 3 {
        add_unquoted(&mut names, text);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    #[test]
    fn quoted_names_of_practices() {
        let text = "北京推行“接诉即办”改革。12345热线……“接诉即办”让群众满意。他说“真没想到”。村里实行“五议”决策。";
        let got = named(text);
        assert_eq!(got[0], "“接诉即办”");
        assert!(got.contains(&"“五议”".to_string()));
        assert!(!got.iter().any(|n| n.contains("真没想到")));
        let got = named(
            "坚决杜绝“面子工程”,不搞“一刀切”。迈向“十五五”,推行“积分制”管理,“积分制”让村民受益。打破“大锅饭”模式。",
        );
        assert_eq!(got, ["“积分制”"]);
    }

    #[test]
    fn practice_words_after_the_quote_belong_to_the_name() {
        assert_eq!(named("商洛推行“三变”改革,“三变”改革让空壳村破壳。"), ["“三变”改革"]);
        assert_eq!(named("沙县探索“小吃枫桥”工作法,化解纠纷。")[0], "“小吃枫桥”工作法");
        // A particle ends the name: `“吹哨报到”的一个重点` is no name.
        assert_eq!(named("“吹哨报到”的一个重点是赋权。推行“吹哨报到”。")[0], "“吹哨报到”");
    }

    #[test]
    fn a_phrase_a_place_set_up_is_a_name_even_when_quoted_once() {
        let got =
            named("该县构建起“群众张嘴,干部跑腿”的为民服务机制。他说“真没想到”。本版推出“提振干部精气神”系列报道。");
        assert_eq!(got, ["“群众张嘴,干部跑腿”"]);
        // Formulae every report prints, and labels a place wants rid of.
        let got = named("村“两委”换届后,全村增强“四个意识”,推行“五议”决策,摘掉“空壳村”的帽子,消除“空壳村”。");
        assert_eq!(got, ["“五议”"]);
    }

    #[test]
    fn unquoted_names_need_a_verb_of_setting_up_and_a_specific_head() {
        assert_eq!(named("浙江衢州实施服务专班制度,为项目服务。"), ["服务专班制度"]);
        assert_eq!(named("广州建立营商环境观察员制度。"), ["营商环境观察员制度"]);
        // Generic: `建立健全工作机制`, `完善考核管理制度`.
        assert!(named("各地建立健全长效工作机制,完善考核管理制度。").is_empty());
        // Traditional text is read in its fold.
        assert_eq!(named(&fold("該縣實施服務專班制度。")), ["服务专班制度"]);
    }
}
