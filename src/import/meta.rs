//! Import stage 4: metadata lines. Recognises the header lines around a headline — date and
//! source lines, bylines, journal issue lines, keyword lines, column labels — and extracts the
//! date, publisher, author and (when no date is printed) an inferred year.

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::fold;

pub use super::dates::{
    civil_from_days, date_field_end, date_near, date_span, find_date, infer_year, is_update_stamp, labelled_date,
    lone_date_line, swapped,
};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in pattern")
}

/// What the name of a newspaper ends in (`浙江日报`, `宁夏法治报`).
pub(super) const PAPER_ENDS: &str = "日报|晚报|早报|晨报|时报|商报|青年报|法治报|法制报|农民报|周报|导报|报";
/// What the name of any news outlet ends in: a paper's, a site's, a station's, an agency's,
/// an app's (`长城网·冀云客户端`, `新华社`, `当代贵州融媒体`). Every rule that reads an outlet's
/// name (a source line, a dateline, a reporter's or a photo's credit) reads it with these.
pub(super) static OUTLET_ENDS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{PAPER_ENDS}|网|电视台|广播电视台|卫视|台|社|通讯社|客户端|融媒体中心|新闻中心|融媒体|全媒体|融媒|新闻|频道|在线|之窗|之声|杂志"
    )
});

/// An outlet standing for the story's own (`本报`, `本网`): it names nobody.
pub(super) fn is_own_outlet(outlet: &str) -> bool {
    ["本报", "本网", "本台", "本刊"].iter().any(|b| outlet.ends_with(b))
}

static OUTLET: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^[\p{{Han}}A-Za-z0-9·《》]{{2,16}}(?:{})$", *OUTLET_ENDS)));
static TIME: LazyLock<Regex> = LazyLock::new(|| re(r"\d{1,2}:\d{2}"));
static SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:来源|稿源|出处|来自|媒体|原载|转自|转载自)\s*(?:[:]|\s[丨|｜]\s|[丨｜])\s*([^\s:丨|｜]+)|(?:原载于?|转自|转载自|选自|摘自|来源于)\s*[:]?\s*《([^》]{2,20})》|(?:发布机构|发文机关|发布单位)\s*[:]?\s*(?:\|\s*)?(\p{Han}{2,30}(?:政府|委员会|委|局|办公室|办事处|办|厅|中心|部|院|所|站|会|街道|镇|乡)|\p{Han}{2,20}(?:区|县|市)[(（]\p{Han}{2,12}(?:街道|镇|乡)[)）])",
    )
});
static JOURNAL: LazyLock<Regex> = LazyLock::new(|| re(r"^(\S{2,12})\s*((?:19|20)\d{2})年\s*第?\s*(\d{1,2})\s*期$"));
static KEYWORDS: LazyLock<Regex> = LazyLock::new(|| re(r"^(关键词|关键字|标签)\s*[:]"));
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:(?:本报|本刊|本台|本网|新华社|中新社|人民网|央视网|\S{2,8}全媒体|\S{2,6}日报)?(?:特约|见习|实习)?(?:记者|通讯员)|文|作者|撰文|文/图|文图)\s*[:/|]?\s*([\p{Han}·]{2,5}(?:[\s、,]+(?:(?:本报|本刊)?(?:特约|见习|实习)?(?:记者|通讯员)\s*[:]?\s*)?[\p{Han}·]{2,5})*)$",
    )
});
static ROLE: LazyLock<Regex> = LazyLock::new(|| re(r"(本报|本刊)?(特约|见习|实习)?(记者|通讯员)\s*[:]?"));
static AUTHOR_FIELD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:作者|记者)\s*[:丨｜]\s*([\p{Han}·]{2,5}(?:[\s、][\p{Han}·]{2,5})*)"));
static COLUMN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[\p{Han}A-Za-z]{2,12}·[\p{Han}·]{2,24}[①-⑳]?$|^“[^”]{2,20}”$|^[\p{Han}]{2,20}[①-⑳]$|^\p{Han}{0,4}(?:新闻|动态|要闻|快讯|资讯|简讯)$",
    )
});

/// Compound surnames first, then the common single-character ones.
const SURNAMES: &str = "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 \
王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝赖鄢郜郗晁昝冼邸蔚粟满谌揭权逯居衣栗蔺廉鞠阎那虎母税檀钭阙来厉戈晋宿冀郁胥郦雍却璩薄印从宦荆幸楚闻都贲阚仝傅洪谈奚伏储封茅扈鄂";

pub(super) fn is_surname_start(name: &str) -> bool {
    let mut parts = SURNAMES.split(' ');
    let compound = parts.by_ref().take(14).any(|s| name.starts_with(s));
    compound || name.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// A line that is only a person's name (or a few names): `吴储波`, `张三 李四`.
pub fn is_name_line(line: &str) -> bool {
    let f = fold(line);
    let names: Vec<&str> = f.split([' ', '、']).filter(|s| !s.is_empty()).collect();
    !names.is_empty()
        && names.len() <= 3
        && names
            .iter()
            .all(|n| (2..=4).contains(&n.chars().count()) && n.chars().all(crate::fold::is_han) && is_surname_start(n))
}

/// A reporter's byline: `本报记者 王伟健`, `新华社记者沈汝发`, `记者 沈悦 通讯员 潘宇航`, `作者：X`.
pub fn is_byline(line: &str) -> bool {
    let f = fold(line);
    f.chars().count() <= 40 && (BYLINE.is_match(f.trim()) || credited_names(line).is_some())
}

/// Roles that credit an author (the names after them are the story's authors; an outlet's name
/// before a role never holds `本`: `杨树山本报记者` is a name before `本报记者`)…
static AUTHOR_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:本报|本刊|本台|本网|本站|新华社|中新社|[\p{Han}/--本]{2,12}?(?:网|报|台|社|客户端|全媒体|融媒体|频道|新闻))?(?:特约|见习|实习|首席|全媒体|融媒体)?(?:摄影记者|记者|通讯员|实习生|撰稿|撰文|执笔|作者|供稿|文字|文/图|文图)\s*[:：/|]?|/\s*(?:文|图|摄)(?:\s|$)|(?:^|\s)(?:文|图)\s*/|(?:^|\s)文\s*:",
    )
});
/// …and roles that do not (editors, reviewers, photographers of a picture).
static OTHER_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:责任编辑|责编|编辑|校对|审核|审校|监制|统筹|一审|二审|三审|终审|图片|摄影|摄像|制图|设计|插画|插图|漫画|绘图)\s*[:：/|]?|(?:^|\s)图\s*:",
    )
});

/// What a credit is for, opening it: `文/图`, `文 / 图_`, `图文:` (the names or the role follow).
static WORK_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:文|图|文字|图文)\s*[/|]\s*(?:文|图|摄|摄影)\s*[_:|]\s*"));

/// The authors a byline segment credits: `通讯员 朱荣慧 记者 向  东`, `本报记者 吉文艳见习记者 张珍珍`,
/// `供稿:张煜显 审核:董燕`, `郭华平 黄晓平 本报记者 鄢朝晖`, `●本报记者 杨彩霞/文`. `None` unless
/// the whole segment is roles and names.
pub fn credited_names(segment: &str) -> Option<Vec<String>> {
    let f = fold(segment);
    let f = f.trim().trim_start_matches(['●', '■', '□', '◆', '▲', '*', '(', '（']).trim_end_matches([')', '）']);
    // `文 / 图_当代贵州融媒体记者 / 杨刚`: who wrote and who photographed, before the credit.
    let f = WORK_PREFIX.find(f).map_or(f, |m| &f[m.end()..]).trim();
    if f.chars().count() > 60 || f.contains(['。', '，', '！', '？']) {
        return None;
    }
    let mut marks: Vec<(usize, usize, bool)> = AUTHOR_ROLE.find_iter(f).map(|m| (m.start(), m.end(), true)).collect();
    for m in OTHER_ROLE.find_iter(f) {
        if !marks.iter().any(|&(s, e, _)| m.start() < e && s < m.end()) {
            marks.push((m.start(), m.end(), false));
        }
    }
    if !marks.iter().any(|m| m.2) {
        return None;
    }
    marks.sort();
    let mut names: Vec<String> = Vec::new();
    let mut chunks: Vec<(&str, bool, bool)> = Vec::new(); // (text, credited, before any role)
    chunks.push((&f[..marks[0].0], true, true));
    for (k, &(_, end, author)) in marks.iter().enumerate() {
        let next = marks.get(k + 1).map_or(f.len(), |m| m.0);
        chunks.push((&f[end..next.max(end)], author, false));
    }
    for (chunk, credited, leading) in chunks {
        let chunk = chunk.trim().trim_end_matches("报道").trim_end_matches(['摄', '文', '图', '/', ' ']).trim();
        if chunk.is_empty() {
            continue;
        }
        match chunk_names(chunk).or_else(|| if credited { glued_names(chunk) } else { None }) {
            Some(ns) if credited => names.extend(ns),
            Some(_) => {}
            // An outlet's name in front of the first role (`半月谈记者`) is no name, and who
            // took the photo (`摄影:加马力丁`) need not read as a name: nobody is credited by it.
            None if leading && !chunk.contains(' ') && chunk.chars().count() <= 8 => {}
            // Who edited or reviewed it may be a unit (`编辑:党委宣传部(新闻中心)`).
            None if !credited
                && (2..=16).contains(&chunk.chars().count())
                && !chunk.contains([',', ';', '，', '；']) => {}
            None => return None,
        }
    }
    (!names.is_empty()).then_some(names)
}

/// The authors a header line names: a byline with roles, a line of bare names, or the author
/// field of a date line.
pub fn header_names(line: &str) -> Option<String> {
    if let Some(n) = credited_names(line) {
        return Some(spans_as_written(line, &fold(line), n));
    }
    if is_byline(line) || is_name_line(line) {
        return Some(byline_names(line));
    }
    if is_names_only(line) {
        let f = fold(line);
        return chunk_names(f.trim()).map(|n| spans_as_written(line, &f, n));
    }
    author_in_meta(line).or_else(|| {
        // A date line whose fields are set apart by wide gaps, a byline among them
        // (`发布日期:2020-12-08  来源:扬子晚报   通讯员 舒媛媛 王恒 扬子晚报/紫牛新闻记者 丁波`).
        let f = fold(line);
        f.split("  ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .find_map(credited_names)
            .map(|n| spans_as_written(line, &f, n))
    })
}

/// A closing credit: the last line of a story that is only a byline (`(供稿:张煜显 审核:董燕)`),
/// or a bracketed byline ending the last paragraph (`…目标。(特约通讯员 周云)`): the byte
/// offset where it starts and the names.
pub fn closing_credit(paragraph: &str) -> Option<(usize, String)> {
    // What a template prints after the credit: a bar, the editor (`…)编审:余曼菁`).
    let t = without_bar(paragraph);
    let t = EDITOR_TAIL.captures(t).and_then(|c| c.get(1)).map_or(t, |m| &t[..m.start()]).trim_end();
    if t.chars().count() <= 40 {
        if let Some(n) = credited_names(t) {
            return Some((0, spans_as_written(t, &fold(t), n)));
        }
    }
    // `…和諧共生。記者 王文生 通訊員 唐承斌 攝`: a credit after the last sentence.
    if let Some(end) = t.rfind(['。', '！', '？']) {
        let tail = &t[end + '。'.len_utf8()..];
        let credit = tail.trim().trim_end_matches(['摄', '攝']).trim();
        if !credit.is_empty() && credit.chars().count() <= 40 {
            if let Some(n) = credited_names(credit) {
                return Some((end + '。'.len_utf8(), spans_as_written(credit, &fold(credit), n)));
            }
            // `…主力军。 杨华 杨才星 摄`: the photographers of a photo story, named without a role.
            let photo = credit.len() < tail.trim().len();
            let f = fold(credit);
            if let Some(n) = chunk_names(&f).filter(|n| photo && n.iter().all(|n| (2..=3).contains(&n.chars().count())))
            {
                return Some((end + '。'.len_utf8(), spans_as_written(credit, &f, n)));
            }
        }
    }
    let open = t.rfind(['(', '（'])?;
    let inner = t[open..].trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
    if !t.ends_with([')', '）']) || inner.chars().count() > 40 {
        return None;
    }
    let names = credited_names(inner).or_else(|| unit_and_names(inner))?;
    Some((open, spans_as_written(inner, &fold(inner), names)))
}

/// A paragraph without the bar a template prints after its end (`…致富。 赵 霞 |`).
fn without_bar(paragraph: &str) -> &str {
    paragraph.trim_end().trim_end_matches(['|', '｜', ' '])
}

/// Reporters credited at the end of a story's last paragraph, by whichever reader takes them:
/// a credit with roles or a unit ([`closing_credit`]), bare names in brackets
/// ([`closing_names`]), a name after the last sentence ([`glued_closing_name`]). The byte
/// offset where the credit starts, and the names.
pub fn credit_at_end(paragraph: &str) -> Option<(usize, String)> {
    closing_credit(paragraph).or_else(|| closing_names(paragraph)).or_else(|| glued_closing_name(paragraph))
}

static CLOSING_OUTLET: LazyLock<Regex> =
    LazyLock::new(|| re(r"[(（]\s*(?:来源\s*[:]\s*)?([^()（）\s:]{2,16})\s*[)）]\s*$"));

/// A news outlet's name in brackets closing a story (`…变清了。（荆州日报）`, `(来源:新华网)`),
/// after a finished sentence or on a line of its own: the byte offset where it starts, and
/// the outlet as printed.
pub fn closing_outlet(paragraph: &str) -> Option<(usize, String)> {
    let t = paragraph.trim_end();
    let f = fold(t);
    let c = CLOSING_OUTLET.captures(&f)?;
    let name = c.get(1)?;
    let before = f[..c.get(0)?.start()].trim_end();
    let placed = before.is_empty() || ends_sentence_like(before) || before.ends_with('摄');
    let outlet = name.as_str();
    if !placed || !OUTLET.is_match(outlet) || is_own_outlet(outlet) || !super::evidence::reads_as_outlet(outlet) {
        return None;
    }
    let at = crate::fold::original_offset(t, &f, c.get(0)?.start())?;
    Some((at, original_span(t, &f, name.range())))
}

/// Who edits or reviews a story, not who writes it (`二审`, `责编`).
const EDITOR_ROLES: &str = "责任编辑|责编|编辑|编审|审核|审校|校对|一审|二审|三审|终审|监制|统筹";

static EDITOR_TAIL: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"[)）]\s*((?:{EDITOR_ROLES})\s*[:：]\s*\p{{Han}}{{2,4}})$")));

/// A body's name ending a unit: a residents' committee, a street office, a bureau, a Party
/// committee's department.
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:供稿|来稿|稿件提供|提供)?\s*[:]?\s*\p{Han}{2,16}(?:社区|街道|街道办|镇|乡|村|局|委|办|部|中心|站|所|院|队|公司|政府|党委|支部|党组|组|处|科|馆|厅|会|庭)$",
    )
});

/// A notice's signature: the issuing body's name on a line of its own (`宝鸡市陈仓区人民政府办公室`,
/// `12345政府综合服务热线管理办公室`), a government body's name ending as such names end.
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[\p{Han}0-9（）()“”]{2,30}?(?:办公室|人民政府|政府|委员会|办事处|领导小组|指挥部|党委|党组|党工委|局|中心|街道|镇|乡|厅|院|所|委)$",
    )
});

/// The body that signs a notice, when `line` is its signature (see [`SIGNATURE`]).
pub fn signing_body(line: &str) -> Option<String> {
    let t = line.trim().trim_matches(['|', '｜', ' ', '\u{3000}']);
    let f = fold(t);
    (f.chars().count() <= 32 && f.chars().filter(|&c| crate::fold::is_han(c)).count() >= 4 && SIGNATURE.is_match(&f))
        .then(|| t.to_string())
}

/// A unit and its writers closing a story (`(新广街道东二条社区 王玥)`, `(供稿:某县水利局 张三)`):
/// the writers, each a name with a surname, set apart from the unit by a space.
fn unit_and_names(inner: &str) -> Option<Vec<String>> {
    let f = fold(inner);
    let f = f.trim();
    let (unit, rest) = f.split_once([' ', '\u{3000}'])?;
    if !UNIT.is_match(unit) {
        return None;
    }
    let names = chunk_names(rest.trim())?;
    names.iter().all(|n| (2..=3).contains(&n.chars().count())).then_some(names)
}

static CREDIT_OUTLET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^[(（]?\s*([\p{{Han}}·]{{2,14}}?(?:{}))\p{{Han}}{{0,6}}?(?:记者站|分社|站|记者|通讯员)\s",
        *OUTLET_ENDS
    ))
});

/// The outlet a closing credit's unit names (`(中国日报吉林记者站 刘明太 韩俊红)`, `（新华社记者
/// 张三）`): a paper, an agency, a site or a station with its bureau or its reporters.
pub fn credit_outlet(credit: &str) -> Option<String> {
    let t = credit.trim();
    let f = fold(t);
    let c = CREDIT_OUTLET.captures(&f)?;
    let outlet = c.get(1)?;
    (!is_own_outlet(outlet.as_str()) && super::evidence::reads_as_outlet(outlet.as_str()))
        .then(|| original_span(t, &f, outlet.range()))
}

static EDITORS_LINE: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^\S{{0,8}}?(?:{EDITOR_ROLES})")));

/// A line that credits the editors, not the writers (`二审 凌洁`, `站群论坛编辑 蔡义桂`).
pub fn is_editors_line(line: &str) -> bool {
    EDITORS_LINE.is_match(fold(line).trim())
}

/// A line of names only (`王 坤 黃 巖 劉 樂`): the byline of a page that prints no role.
pub fn is_names_only(line: &str) -> bool {
    let f = fold(line);
    f.contains(' ') && chunk_names(f.trim()).is_some_and(|n| n.len() >= 2)
}

/// Names in a run of text: `朱荣慧`, `向  东` (spaced out), `张三、李四`.
fn chunk_names(chunk: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = chunk.split([' ', '、', ',', '/', '|', '\u{3000}']).filter(|s| !s.is_empty()).collect();
    let mut names: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let mut name = parts[i].to_string();
        // A name printed with spaces between its characters.
        while name.chars().count() == 1 && i + 1 < parts.len() && parts[i + 1].chars().count() <= 2 {
            i += 1;
            name.push_str(parts[i]);
        }
        let n = name.chars().count();
        // A name written in Han characters from another language (`吐鲁洪·克然木`) has no
        // Chinese surname; its parts are joined by a middle dot.
        let transliterated =
            name.contains('·') && (4..=12).contains(&n) && !name.starts_with('·') && !name.ends_with('·');
        if !name.chars().all(|c| crate::fold::is_han(c) || c == '·')
            || !(transliterated || (2..=4).contains(&n) && is_surname_start(&name))
        {
            return None;
        }
        names.push(name);
        i += 1;
    }
    (!names.is_empty()).then_some(names)
}

/// Names printed without a break after a role (`通讯员王京京张力董立新`, `本报记者潘宏宇白云峰摄`):
/// the run cut into names of two or three characters that each start with a surname, when
/// exactly one cut needs the fewest names.
fn glued_names(run: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = run.chars().collect();
    let n = chars.len();
    if !(4..=12).contains(&n) || !chars.iter().all(|&c| crate::fold::is_han(c)) {
        return None;
    }
    // best[i]: (fewest names covering chars[i..], how many cuts reach it, the first name's length)
    let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; n + 1];
    best[n] = Some((0, 1, 0));
    for i in (0..n).rev() {
        let piece = |k: usize| chars[i..i + k].iter().collect::<String>();
        for k in [2, 3] {
            let Some((names, ways, _)) = best.get(i + k).copied().flatten() else { continue };
            if !is_surname_start(&piece(k)) {
                continue;
            }
            best[i] = match best[i] {
                Some((m, w, first)) if m == names + 1 => Some((m, w + ways, first)),
                Some((m, w, first)) if m < names + 1 => Some((m, w, first)),
                _ => Some((names + 1, ways, k)),
            };
        }
    }
    let (count, ways, _) = best[0]?;
    if ways != 1 || count < 2 {
        return None;
    }
    let mut names = Vec::new();
    let mut i = 0;
    while i < n {
        let (_, _, k) = best[i]?;
        names.push(chars[i..i + k].iter().collect());
        i += k;
    }
    Some(names)
}

/// Names in a byline or name line, role words stripped, joined by `、`.
pub fn byline_names(line: &str) -> String {
    let folded = fold(line);
    let names = credited_names(line).map(|n| n.join("、")).unwrap_or_else(|| folded_byline_names(&folded));
    if folded.chars().count() != line.chars().count() {
        return names;
    }
    // Same characters as written (a Traditional byline keeps its script).
    names
        .split('、')
        .map(|n| folded.find(n).map_or_else(|| n.to_string(), |at| original_span(line, &folded, at..at + n.len())))
        .collect::<Vec<_>>()
        .join("、")
}

fn folded_byline_names(line: &str) -> String {
    let stripped = ROLE.replace_all(line, " ");
    let stripped =
        stripped.trim().trim_start_matches(|c: char| !crate::fold::is_han(c)).replace(['：', ':', '/', '|'], " ");
    let stripped = ["新华社", "中新社", "人民网", "作者", "撰文", "文图", "文"]
        .iter()
        .fold(stripped, |s, p| s.strip_prefix(p).map(str::to_string).unwrap_or(s));
    stripped.split([' ', '、', ',', '，']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("、")
}

static LINK_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(原文)?(链接|网址|地址|url|URL)\s*[:：]\s*\S+$|^https?://\S+$"));

/// `链接：http://…`, a bare URL: a line of page metadata.
pub fn is_link_line(line: &str) -> bool {
    LINK_LINE.is_match(fold(line).trim())
}

static CITATION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[(（]?\s*《\s*([^》]{2,16}?)\s*》\s*[(（]?\s*(.{0,30}?)\s*[)）]?\s*[)）]?$"));

/// `《 人民日报 》( 2019年11月13日 16 版)`: a reprint's citation of the newspaper it comes
/// from, with the date when printed.
pub fn citation(line: &str) -> Option<(String, Option<(String, i32)>)> {
    let f = fold(line);
    let c = CITATION.captures(f.trim())?;
    let rest = c.get(2).map_or("", |m| m.as_str());
    let dated = find_date(rest);
    (dated.is_some() || rest.contains('版')).then(|| (c[1].trim().to_string(), dated))
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^([\p{{Han}}·A-Za-z]{{1,14}}(?:{}))(?:[\p{{Han}}]{{0,6}}?\d{{1,2}}月\d{{1,2}}日|\p{{Han}}{{2,4}}?)?\s*(讯|电|消息)",
        *OUTLET_ENDS
    ))
});

/// A dated dateline inside a line (`… 央广网兰州6月17日消息`, `… 中新网晋中10月22日电`): where
/// a one-line capture runs the headline into the first paragraph.
static DATELINE_INSIDE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"([\p{{Han}}·A-Za-z]{{2,14}}?(?:{}))[\p{{Han}}]{{0,6}}?\d{{1,2}}月\d{{1,2}}日\s*(?:讯|电|消息)",
        *OUTLET_ENDS
    ))
});

/// Where a dated dateline starts inside a line (a byte offset of `line`), with the outlet it
/// names; `None` when the line has none or opens with it.
pub fn dateline_inside(line: &str) -> Option<(usize, String)> {
    let f = fold(line);
    let c = DATELINE_INSIDE.captures(&f)?;
    let at = crate::fold::original_offset(line, &f, c.get(0)?.start())?;
    let outlet = original_span(line, &f, c.get(1)?.range());
    (at > 0).then_some((at, outlet))
}

/// The outlet a story's first paragraph opens with (`长城网·冀云客户端讯`, `新华社天津2月28日电`),
/// and whether it is a wire agency's dateline (`…电`), which names the source outright.
pub fn dateline_outlet(paragraph: &str) -> Option<(String, bool)> {
    let f = fold(paragraph.trim());
    let c = DATELINE.captures(&f)?;
    // `据新华社拉萨2月19日电`: the printing paper quotes the agency's report ("according to"):
    // the agency is named, but the story is the paper's reprint, not a wire story.
    let (outlet, quoted) = match c[1].strip_prefix('据') {
        Some(o) => (o.to_string(), true),
        None => (c[1].to_string(), false),
    };
    if is_own_outlet(&outlet) || outlet.chars().count() < 2 {
        return None;
    }
    Some((outlet, &c[2] == "电" && !quoted))
}

/// An outlet credited with its reporter: `廣西新聞網記者 伍永志`, `文 / 圖_當代貴州融媒體記者 / 楊剛`,
/// `新華社記者 任軍川 攝`.
static OUTLET_REPORTER: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"([\p{{Han}}·]{{2,14}}?(?:{}))(?:特约|首席|见习|实习|摄影)?记者", *OUTLET_ENDS)));
/// A photo credit inside a caption: `…主心骨。新華社記者 任軍川 攝`.
static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"([\p{{Han}}·]{{2,14}}?(?:{}))(?:摄影)?记者\s*([\p{{Han}}·]{{2,4}}(?:[、\s]+[\p{{Han}}·]{{2,4}})*?)\s*摄",
        *OUTLET_ENDS
    ))
});

/// The outlet a byline credits with its reporter, not `本报`/`本网`.
pub fn byline_outlet(line: &str) -> Option<String> {
    let f = fold(line);
    let c = OUTLET_REPORTER.captures(&f)?;
    let o = c.get(1)?;
    let outlet = o.as_str();
    let kept = o.start()..o.start() + without_desk(outlet).len();
    (!is_own_outlet(outlet)).then(|| original_span(line, &f, kept))
}

/// An outlet without the newsroom desk its reporter belongs to (`兰州日报社全媒体记者` →
/// 兰州日报社), where what is left still reads as an outlet; `长子县融媒体` stays whole.
fn without_desk(outlet: &str) -> &str {
    ["全媒体", "融媒体", "融媒"]
        .iter()
        .find_map(|d| outlet.strip_suffix(d))
        .filter(|rest| OUTLET.is_match(rest))
        .unwrap_or(outlet)
}

static CAPTION_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:^|[。！？!?”])\s*[(（]?\s*(\p{Han}{2,3}(?:[\s、]+\p{Han}{2,3}){0,2})\s*[\\/]?\s*摄\s*[)）]?\s*$")
});

/// The photographers a caption credits at its end (`…讲解安全用电知识。刘曼曼 摄`,
/// `…2个垃圾桶。(张若水\摄)`), as written and joined by `、` like every credit reader's names:
/// names with a surname, no role.
pub fn caption_photographers(line: &str) -> Option<String> {
    let t = line.trim();
    if t.chars().count() > 120 {
        return None;
    }
    let f = fold(t);
    let c = CAPTION_CREDIT.captures(&f)?;
    let names = chunk_names(c.get(1)?.as_str().trim())?;
    Some(spans_as_written(t, &f, names))
}

/// The outlets and photographers of a page's photo credits (`新华社记者 赵戈 摄`), in order.
pub fn photo_credits(text: &str) -> Vec<(String, String)> {
    let f = fold(text);
    PHOTO_CREDIT
        .captures_iter(&f)
        .filter_map(|c| {
            let outlet = without_desk(c.get(1)?.as_str());
            if is_own_outlet(outlet) {
                return None;
            }
            let names: Vec<&str> = c[2].split(['、', ' ']).filter(|n| !n.is_empty()).collect();
            names.iter().all(|n| is_surname_start(n)).then(|| (outlet.to_string(), names.join("、")))
        })
        .collect()
}

/// Whether a name ends as a news outlet's does (`…日报`, `…网`, `…融媒`, a government's news
/// account `…发布`).
pub fn is_news_outlet_name(name: &str) -> bool {
    let f = fold(name.trim());
    OUTLET.is_match(&f) || (f.ends_with("发布") && (4..=12).contains(&f.chars().count()))
}

/// Names set on their own line right above or below a date line of a story's header
/// (`• 温州发布` / `• 2022-11-16 19:08:20`) that read as an outlet's or a body's: a source the
/// page prints without its label.
pub fn names_beside_date(lines: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !is_date_line(l) || l.chars().count() > 40 {
            continue;
        }
        for k in [i.checked_sub(1), Some(i + 1)].into_iter().flatten() {
            if let Some(n) = lines.get(k).and_then(|t| outlet_line(t)) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
    }
    names
}

/// A line that holds only a name that reads as an outlet's or a body's (`• 温州发布`,
/// `荆州日报`): the name, folded.
pub fn outlet_line(line: &str) -> Option<String> {
    let f = fold(line);
    let n = f.trim().trim_start_matches(['•', '·', '*', '-', '|', '丨']).trim().to_string();
    let short = (2..=12).contains(&n.chars().count()) && n.chars().all(crate::fold::is_han);
    (short && !is_date_line(&n) && (super::evidence::reads_as_outlet(&n) || is_news_outlet_name(&n))).then_some(n)
}

/// A text's first line that is not blank, folded.
fn first_line_folded(text: &str) -> Option<String> {
    text.lines().find(|l| !l.trim().is_empty()).map(fold)
}

/// A name glued to a date and time at the head of a story, as a WeChat article's account line
/// is when a repost runs it into the lead (`南京社会工作2025年12月18日17:12江苏在江宁区…`).
pub fn date_glued_name(text: &str) -> Option<String> {
    static GLUED: LazyLock<Regex> = LazyLock::new(|| {
        re(r"^\s*(\p{Han}{2,12}?)\s*(?:19|20)\d{2}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})\s*\d{1,2}:\d{2}")
    });
    let f = first_line_folded(text)?;
    let name = GLUED.captures(&f)?.get(1)?.as_str().to_string();
    (!name.starts_with(['本', '于', '在', '至', '自', '从'])).then_some(name)
}

/// The outlet of a lead that opens with its news tag (`中国茶网资讯:在浙江…`, `【中国江西网讯】`).
pub fn lead_news_tag(text: &str) -> Option<String> {
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\s*[【\[(（]?\s*(\p{Han}{2,12}?)(?:资讯|讯)(?:\s*[】\])）]|\s*[:：]|\s)"));
    let f = first_line_folded(text)?;
    let name = TAG.captures(&f)?.get(1)?.as_str().to_string();
    (!name.starts_with('本') && !name.ends_with("记者") && !name.ends_with("通讯员") && is_news_outlet_name(&name))
        .then_some(name)
}

/// The outlet printed on a date line (`滁州日报 2017-12-26 23:16`, `2017-05-11 新京报`).
pub fn outlet_in_date_line(line: &str) -> Option<String> {
    let f = fold(line);
    let (r, _, _) = date_span(&f)?;
    let rest = format!("{} {}", &f[..r.start], &f[r.end..]);
    let words: Vec<&str> = rest.split_whitespace().filter(|w| !TIME.is_match(w) && !w.contains(':')).collect();
    let w = words.iter().find(|w| OUTLET.is_match(w))?;
    let at = f.find(*w)?;
    Some(original_span(line, &f, at..at + w.len()))
}

/// A header line that carries the publication date: short, and the date either leads it or
/// sits beside a source, time or author field.
pub fn is_date_line(line: &str) -> bool {
    let f = fold(line);
    let f = f.trim();
    if f.chars().count() > 90 {
        return false;
    }
    let Some((m, _, _)) = date_span(f) else { return false };
    let keyword =
        ["来源", "发布", "发表", "更新", "时间", "编辑", "作者", "稿源", "日期"].iter().any(|k| f.contains(k));
    // A sentence with a date in it is text (`2020年11月18日上午11点半，得知…。`, `…发布《规定》，
    // 自2022年2月10日起施行。`) unless its fields are labelled (`来源：…，作者：…`).
    let han = f[..m.start].chars().chain(f[m.end..].chars()).filter(|&c| crate::fold::is_han(c)).count();
    let sentence = han >= 12 && (f.contains(['，', ',']) || f.trim_end().ends_with('。'));
    if sentence && !META_LABEL.is_match(f) {
        return false;
    }
    m.start == 0 || TIME.is_match(f) || keyword || f.chars().count() <= 16 || masthead_date(f, m.start, m.end)
}

/// An e-paper's masthead over its story: the paper's name, the date, perhaps the page
/// (`甘孜日报    2018年05月30日`, `甘肃日报 2018年03月27日 第07版:甘肃新闻`).
fn masthead_date(f: &str, start: usize, end: usize) -> bool {
    let before = f[..start].trim();
    let after = f[end..].trim();
    OUTLET.is_match(before) && (after.is_empty() || EDITION_TAIL.is_match(after))
}

/// What may follow an e-paper's date: the weekday, the page and its name.
static EDITION_TAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(星期[一二三四五六日天]|周[一二三四五六日天])?\s*(第?\s*[0-9０-９]{1,3}\s*版\S{0,12})?$"));

/// A metadata field's label: `来源：`, `发布时间`, `发表于`.
static META_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(来源|稿源|时间|日期|编辑|作者|责编|记者|转自|转载自)\s*[:：丨｜]|来源\s*\|\s|发布时间|发表时间|更新时间|发布日期|发表日期|发表于|发布于",
    )
});

pub fn source_of(line: &str) -> Option<String> {
    let f = fold(line);
    if let Some(c) = SOURCE.captures(&f) {
        let mut range = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?.range();
        // The next field's label glued on (`来源:中国新闻网时间:2021-10-22`, `来源:三明警方责任编辑:`).
        let glued =
            ["责任编辑", "发布时间", "发布日期", "编辑", "责编", "时间", "日期", "作者", "记者", "点击", "浏览"]
                .iter()
                .find(|l| {
                    let rest = f[range.end..].trim_start();
                    (rest.is_empty() || rest.starts_with(':'))
                        && f[range.clone()].ends_with(*l)
                        && f[range.clone()].len() >= l.len() + 9
                });
        if let Some(l) = glued {
            range.end -= l.len();
        }
        let s = &f[range.clone()];
        // `来源:未知` says there is none.
        if ["未知", "不详", "网络", "互联网", "佚名", "本站", "转载", "其他"].contains(&s) {
            return None;
        }
        return Some(original_span(line, &f, range));
    }
    JOURNAL
        .captures(f.trim())
        .map(|c| original_span(line.trim(), f.trim(), c.get(1).map(|m| m.range()).unwrap_or(0..0)))
}

/// The author named in a date/source line (`作者：X`), or the name that follows a date
/// (`2018-11-29何峥嵘`).
pub fn author_in_meta(line: &str) -> Option<String> {
    let f = fold(line);
    if let Some(c) = AUTHOR_FIELD.captures(&f) {
        // `作者:睢宁新闻网 点击:` names a site, not a person: keep only what reads as names.
        let names = byline_names(&original_span(line, &f, c.get(1)?.range()));
        let names: Vec<&str> = names
            .split('、')
            .filter(|n| is_surname_start(&fold(n)) && !OUTLET.is_match(&fold(n)) && !["点击", "浏览"].contains(n))
            .collect();
        return (!names.is_empty()).then(|| names.join("、"));
    }
    let (m, _, _) = date_span(f.trim())?;
    let rest = f.trim()[m.end..].trim();
    is_name_line(rest).then(|| {
        let orig = line.trim();
        orig[orig.len() - rest.len()..].to_string()
    })
}

/// Same span of the original (unfolded) line: folding keeps character counts, so map by chars.
pub(super) fn original_span(original: &str, folded: &str, range: std::ops::Range<usize>) -> String {
    if original.chars().count() != folded.chars().count() {
        return folded[range].to_string();
    }
    let start = folded[..range.start].chars().count();
    let len = folded[range].chars().count();
    original.chars().skip(start).take(len).collect()
}

static LEAD_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"^\S{0,14}讯\s*((?:\S{0,6}(?:记者|通讯员))\s*[\p{Han}\s、]{2,20}?)\s*报道(?:\s*[:：]|\s{2,}|\s*[“"])"#)
});

/// Names found in a folded text, in the script of the original.
fn spans_as_written(original: &str, folded: &str, names: Vec<String>) -> String {
    names
        .into_iter()
        .map(|n| {
            folded
                .find(&n)
                .map(|at| at..at + n.len())
                .or_else(|| find_spaced(folded, &n))
                .map_or_else(|| n.clone(), |r| original_span(original, folded, r).split_whitespace().collect())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Where `name` is printed with spaces between its characters (`王 坤`): the byte range in
/// `text`, from its first character to its last.
fn find_spaced(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let first = name.chars().next()?;
    text.match_indices(first).find_map(|(at, _)| {
        let mut rest = name.chars().skip(1).peekable();
        let mut end = at + first.len_utf8();
        for (i, c) in text[end..].char_indices() {
            match rest.peek() {
                None => break,
                Some(&want) if c == want => {
                    rest.next();
                    end = at + first.len_utf8() + i + c.len_utf8();
                }
                Some(_) if c.is_whitespace() => {}
                Some(_) => return None,
            }
        }
        rest.peek().is_none().then_some(at..end)
    })
}

static INLINE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\S{0,16}[(（]\S{0,12}?(?:记者|通讯员)\s*([\p{Han}·]{2,4}(?:[\s、]+[\p{Han}·]{2,4})*?)(?:\s*\S{0,6}报道)?[)）]",
    )
});
/// A lead's date before a bracket, alone or after a label (`6月2日`, `摘要:2022年6月2日`).
static LEAD_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[:\s])(?:(?:19|20)\d{2}年)?\d{1,2}月\d{1,2}日$"));
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:周|星期|礼拜)[一二三四五六日天]$"));
static END_BYLINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[(（]\S{0,12}?(?:记者|通讯员)\s*([\p{Han}·]{2,4}(?:[\s、]+[\p{Han}·]{2,4})*)[)）]$"));

/// A byline set inside the lead (`香港文汇报讯（记者 陈敏仪 三明报道）…`) or as a closing line
/// (`（四川日报全媒体记者 杨晓）`): the names, as written.
pub fn inline_byline(paragraph: &str) -> Option<String> {
    let f = fold(paragraph.trim());
    // A bracketed byline after the dateline: `本报讯(通讯员 朱荣慧 记者 向  东)近日…`.
    if let Some(open) = f.find(['(', '（']).filter(|&o| f[..o].chars().count() <= 20) {
        let inner = &f[open + f[open..].chars().next().map_or(1, char::len_utf8)..];
        if let Some(close) = inner.find([')', '）']).filter(|&c| inner[..c].chars().count() <= 40) {
            if let Some(names) = credited_names(&inner[..close]) {
                return Some(spans_as_written(paragraph.trim(), &f, names));
            }
            // `中新网西宁7月10日电 (李隽)`: a wire dateline, then the reporter's bare name; or
            // the lead's date (`6月2日(周嘉瑜 邱贺岩)大兴安岭塔河县…`), not a weekday (`(周一)`).
            let dateline = f[..open].trim_end().trim_end_matches([':', '：']).trim_end();
            let weekday = WEEKDAY.is_match(inner[..close].trim());
            if dateline.ends_with("电")
                || dateline.ends_with("讯")
                || dateline.ends_with("消息")
                || LEAD_DATE.is_match(dateline) && !weekday
            {
                if let Some(names) = chunk_names(inner[..close].trim()) {
                    return Some(spans_as_written(paragraph.trim(), &f, names));
                }
            }
        }
    }
    // `咸宁新闻网讯 通讯员赖聪报道:…`
    if let Some(c) = LEAD_CREDIT.captures(&f) {
        if let Some(names) = credited_names(&c[1]) {
            return Some(spans_as_written(paragraph.trim(), &f, names));
        }
    }
    let c = INLINE_BYLINE.captures(&f).or_else(|| END_BYLINE.captures(&f))?;
    let names = original_span(paragraph.trim(), &f, c.get(1)?.range());
    Some(names.split([' ', '、', '\u{3000}']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("、"))
}

static LEAD_REPORTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[【\[]?(?:本报|本网|本台|([\p{Han}·]{2,14}?(?:日报|晚报|报|网|电视台|通讯社)))[\p{Han}]{0,5}?记者\s*([\p{Han}·]{2,3}?)(?:[(（,，、\s】\]]|来到|走进|深入|在|从|近日|日前|跟随|随|\d)",
    )
});

/// A lead that opens with its own reporter (`本报记者王鹏近日走进…`, `乡村干部报年轻女记者李慧(…),
/// 7月8日来到…`): the outlet when it names one, and the reporter's name as written.
pub fn lead_reporter(paragraph: &str) -> Option<(Option<String>, String)> {
    let t = paragraph.trim();
    let f = fold(t);
    let c = LEAD_REPORTER.captures(&f)?;
    let name = original_span(t, &f, c.get(2)?.range());
    is_surname_start(&fold(&name)).then(|| (c.get(1).map(|o| o.as_str().to_string()), name))
}

static CLOSING_NAMES: LazyLock<Regex> = LazyLock::new(|| {
    re(r"[(（]\s*(\p{Han}[ \u{3000}]\p{Han}|[\p{Han}·]{2,4}(?:[\s、,，]*[\p{Han}·]{2,4}){0,4})\s*[)）]\s*$")
});

/// Reporters' names in brackets closing a story (`…的作用。(戴立伟 邵宗权 张万兵)`): the byte
/// offset where they start, and the names. Each name must start with a surname.
pub fn closing_names(paragraph: &str) -> Option<(usize, String)> {
    let t = paragraph.trim_end();
    let c = CLOSING_NAMES.captures(t)?;
    let inner = c.get(1)?.as_str();
    let mut names: Vec<String> =
        inner.split([' ', '、', ',', '，', '\u{3000}']).filter(|s| !s.is_empty()).map(str::to_string).collect();
    // One name printed with a space between its characters (`(伍 柯)`).
    if names.len() == 2 && names.iter().all(|n| n.chars().count() == 1) {
        names = vec![names.concat()];
    }
    let plausible = |n: &str| {
        let k = n.chars().count();
        is_surname_start(&fold(n)) && (2..=4).contains(&k) || ((6..=16).contains(&k) && is_surname_start(&fold(n)))
    };
    let before = t[..c.get(0)?.start()].trim_end();
    let ends_text = before.is_empty() || ends_sentence_like(before);
    // A line of its own that is only names in brackets (`(郭颖 天乐)`) is the credit however
    // its later names are formed (a pen name has no surname): its first name has one.
    let own_line = before.is_empty()
        && names.len() >= 2
        && is_surname_start(&fold(&names[0]))
        && names.iter().all(|n| (2..=3).contains(&n.chars().count()));
    (ends_text && (own_line || names.iter().all(|n| plausible(n))))
        .then(|| (c.get(0).map_or(0, |m| m.start()), names.join("、")))
}

static GLUED_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"[。！？!?]\s*(\p{Han}{2,3}|\p{Han}[ \u{3000}]{1,2}\p{Han}{1,2})\s*(摄|攝)?$"));

/// A reporter's name glued to the end of a story's last paragraph (`…进行了授旗。赵丹`, spaced
/// out: `…引领群众发展致富。 赵 霞`), or a photographer's (`…生态画卷。袁杨军摄`, a photo story's
/// caption): the byte offset where it starts, and the name. The paragraph is long, the name
/// follows a sentence end and starts with a surname.
pub fn glued_closing_name(paragraph: &str) -> Option<(usize, String)> {
    let t = without_bar(paragraph);
    if t.chars().count() < 40 {
        return None;
    }
    let f = fold(t);
    let c = GLUED_NAME.captures(&f)?;
    let name = c.get(1)?;
    if !is_surname_start(name.as_str()) {
        return None;
    }
    let at = crate::fold::original_offset(t, &f, name.start())?;
    let written = original_span(t, &f, name.range());
    Some((at, written.split_whitespace().collect()))
}

fn ends_sentence_like(t: &str) -> bool {
    t.ends_with(['。', '！', '？', '!', '?', '”', '…'])
}

/// True when the whole line is a closing byline.
pub fn is_end_byline(line: &str) -> bool {
    END_BYLINE.is_match(fold(line.trim()).as_str())
}

static MASTHEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[\p{Han}]{2,8}(日报|晚报|时报|商报|青年报|法治报|报|新闻网|网|杂志)$"));

/// A newspaper or site name standing alone in a page header: `经济日报`.
static ADDRESS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\s*(?:URL Source|Source URL|URL|原文链接|原文地址|原文网址|文章链接|链接|网址)\s*[:：]\s*(https?://\S+?)\s*$")
});

/// The article's address, when a text file prints it on a labelled line near its top or end
/// (`URL Source: https://…` of reader tools, `原文链接：http://…`).
pub fn address_line(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let near = lines.iter().take(12).chain(lines.iter().rev().take(12));
    near.filter_map(|l| ADDRESS_LINE.captures(l)).find_map(|c| super::origin::web_url(&c[1]))
}

pub fn is_masthead(line: &str) -> bool {
    MASTHEAD.is_match(fold(line).trim())
}

static WELCOME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[,，\s]*欢迎(光临|访问|来到)\s*([\p{Han}A-Za-z0-9·]{2,16}?(网|报|台|站|客户端|频道|在线))\s*[!！。]?$")
});

/// The site a page header greets its readers from (`欢迎光临睢宁新闻网!`).
pub fn welcome_site(line: &str) -> Option<String> {
    WELCOME.captures(fold(line).trim()).map(|c| c[2].to_string())
}

pub fn is_journal_line(line: &str) -> bool {
    JOURNAL.is_match(fold(line).trim())
}

pub fn journal_year(line: &str) -> Option<i32> {
    JOURNAL.captures(fold(line).trim()).and_then(|c| c[2].parse().ok())
}

pub fn is_keywords_line(line: &str) -> bool {
    KEYWORDS.is_match(fold(line).trim())
}

/// A column's tag alone on its line (`【星期五调查】`, `【经济界面】`): a label, never a headline.
pub fn is_column_tag(line: &str) -> bool {
    let f = fold(line);
    let t = f.trim();
    t.starts_with('【') && t.ends_with('】') && t.matches('【').count() == 1 && (4..=14).contains(&t.chars().count())
}

/// A column or series label printed over a headline: `深度关注·提振…精气神①`, `“我是党员,我在岗位”`.
pub fn is_column(line: &str) -> bool {
    COLUMN.is_match(fold(line).trim())
}

static PAGE_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"^第\s*[0-9一二三四五六七八九十]+\s*版"));

/// Any header line that is metadata rather than headline or body.
pub fn is_meta_line(line: &str) -> bool {
    is_date_line(line)
        || is_byline(line)
        || is_journal_line(line)
        || is_keywords_line(line)
        || PAGE_LABEL.is_match(fold(line).trim())
        || {
            let f = fold(line);
            f.chars().count() <= 40 && AUTHOR_FIELD.is_match(&f)
        }
        || {
            let f = fold(line);
            f.chars().count() <= 40 && SOURCE.is_match(&f) || is_furniture_with_source(&f) || is_disclosure_cells(&f)
        }
}

/// A field's label with nothing after it (`访问次数:`, `字号:`): a counter or a widget a script
/// fills in, saved empty.
pub fn is_empty_label(line: &str) -> bool {
    let f = fold(line);
    let t = f.trim();
    let Some(label) = t.strip_suffix(':').or_else(|| t.strip_suffix('：')) else { return false };
    let label = label.trim_end();
    (2..=6).contains(&label.chars().count()) && label.chars().all(crate::fold::is_han)
}

/// A disclosure page's row of cells that names the publisher, however long
/// (`发布机构: | 银川市智慧城市管理指挥中心 | 责任部门: | …`).
pub fn is_disclosure_cells(folded: &str) -> bool {
    folded.contains("发布机构") && source_of(folded).is_some()
}

/// A page's furniture line that carries a labelled source among its widgets
/// (`内蒙古新闻网 10-07-21 17:18 打印本页 【字体: 来源: 内蒙古新闻网`): no sentence, a `来源:` label.
fn is_furniture_with_source(f: &str) -> bool {
    f.chars().count() <= 90 && !f.contains(['。', '，', ',']) && SOURCE_LABEL.is_match(f) && SOURCE.is_match(f)
}

static SOURCE_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(来源|稿源)\s*[:]"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_page_prints_for_its_source_without_a_label() {
        let header: Vec<String> = ["• 温州发布", "• 2022-11-16 19:08:20"].map(String::from).to_vec();
        assert_eq!(names_beside_date(&header), vec!["温州发布".to_string()]);
        let byline: Vec<String> = ["张晓明", "2022-11-16 19:08:20"].map(String::from).to_vec();
        assert!(names_beside_date(&byline).is_empty(), "a reporter's name is no outlet");
        assert_eq!(
            date_glued_name("南京社会工作2025年12月18日17:12江苏在江宁区东山街道…").as_deref(),
            Some("南京社会工作")
        );
        assert_eq!(date_glued_name("2025年12月18日17:12,记者来到…"), None);
        assert_eq!(lead_news_tag("中国茶网资讯:在浙江金福茶业有限公司的茶园里").as_deref(), Some("中国茶网"));
        assert_eq!(lead_news_tag("【中国江西网讯】近日,…").as_deref(), Some("中国江西网"));
        assert_eq!(lead_news_tag("本报讯 近日,…"), None);
        assert_eq!(lead_news_tag("通讯员讯 近日"), None);
    }

    #[test]
    fn an_empty_fields_label_is_told_from_a_field() {
        assert!(is_empty_label("访问次数:"));
        assert!(is_empty_label("字號："));
        assert!(!is_empty_label("信息来源:邢台市司法局"));
        assert!(!is_empty_label("Views:"));
        assert!(!is_empty_label("一个很长很长的标签名称:"));
    }

    #[test]
    fn dates_and_date_lines() {
        assert_eq!(find_date("2020-07-03 18:12:59 來源: 新華網"), Some(("2020-07-03".into(), 2020)));
        assert_eq!(find_date("2021年8月3日"), Some(("2021-08-03".into(), 2021)));
        assert_eq!(find_date("2018-11-29何峥嵘"), Some(("2018-11-29".into(), 2018)));
        assert_eq!(find_date("2023-02-30"), None);
        assert!(is_date_line("2017-09-19 09:58:59    来源:新华日报     编辑:罗毅     责编:石丽敏"));
        assert!(is_date_line("2018-11-29何峥嵘"));
        assert!(!is_date_line(
            "2023年5月,苏州出台《关于落实“四敢”要求推进风险报备工作指引(试行)》,进一步细化完善容错纠错风险备案机制。"
        ));
        // A lead that opens with its date is the story's first paragraph, not its date line.
        assert!(!is_date_line("2020年11月18日上午11点半，得知自己减刑释放的于欢还没缓过神来，被送到了冠县高速路口。"));
        assert!(!is_date_line(
            "2012年6月11日,農振鋒的妻子在南寧順利產下一女。而這時,農振鋒擔任第一書記已有3個月之久。"
        ));
        assert!(is_date_line("2022年02月12日 星期六 第A01版"));
        assert!(!is_date_line(
            "央广网北京2月13日消息 据中央广播电视总台中国之声《新闻和报纸摘要》报道，中央军委主席签署命令，发布《军队装备试验鉴定规定》，自2022年2月10日起施行。"
        ));
        assert!(is_date_line("2021-01-29 13:18 来源：湖北日报，作者：记者张婧、吴丹，编辑：李明"));
    }

    #[test]
    fn a_text_files_address_line() {
        let jina = "Title: 标题\n\nURL Source: http://www.tangyin.gov.cn/2026-01/21/content_1.html\n\nPublished Time: 2026-01-21\n\n正文";
        assert_eq!(address_line(jina).as_deref(), Some("http://www.tangyin.gov.cn/2026-01/21/content_1.html"));
        let end = "正文。\n时间：2015年12月13日\n链接：http://news.xinhuanet.com/local/2015-12/13/c_128524139.htm\n";
        assert_eq!(address_line(end).as_deref(), Some("http://news.xinhuanet.com/local/2015-12/13/c_128524139.htm"));
        assert_eq!(address_line("正文提到 http://example.com 一处网址。"), None);
    }

    #[test]
    fn update_stamps_are_not_publication_dates() {
        assert!(is_update_stamp("首页维修大全生活更新时间:2022-04-12 02:35:34"));
        assert!(is_update_stamp("最后更新: 2021-1-29 13:18"));
        assert!(!is_update_stamp("发布时间:2022-04-12 02:35:34"));
    }

    #[test]
    fn a_lead_that_opens_with_its_reporter() {
        assert_eq!(
            lead_reporter("乡村干部报年轻女记者李慧(同事叫她“小草莓”), 7月8日来到白庙村驻村蹲点。"),
            Some((Some("乡村干部报".into()), "李慧".into()))
        );
        assert_eq!(lead_reporter("本报记者王鹏近日走进全椒县。"), Some((None, "王鹏".into())));
        assert_eq!(lead_reporter("记者从市委组织部获悉,全市推行擂台赛。"), None);
        assert_eq!(lead_reporter("他接受本报记者采访时说。"), None);
    }

    #[test]
    fn an_e_papers_masthead_gives_date_and_source() {
        // 甘孜日报 (the corpus) and 甘肃日报 (a fresh page): the paper's name before the date.
        assert!(is_date_line("甘孜日报    2018年05月30日"));
        assert_eq!(outlet_in_date_line("甘孜日报    2018年05月30日").as_deref(), Some("甘孜日报"));
        assert!(is_date_line("甘肃日报 2018年03月27日 第07版:甘肃新闻"));
        assert_eq!(outlet_in_date_line("甘肃日报 2018年03月27日 第07版:甘肃新闻").as_deref(), Some("甘肃日报"));
        // A sentence that opens with a paper's name is no masthead.
        assert!(!is_date_line("甘肃日报社组织记者于2018年03月27日深入临泽县采访"));
    }

    #[test]
    fn a_reporter_credited_with_an_outlet_in_the_lead() {
        assert_eq!(
            lead_reporter("【环球时报赴新疆特派记者 范凌志】如果你有在新疆当公务员的朋友,估计常常会碰到这样的情况。"),
            Some((Some("环球时报".into()), "范凌志".into()))
        );
        assert_eq!(
            lead_reporter("每日甘肃网·甘肃日报记者赵梅 “今年下半年就能把洮河水引到村里了!”这个消息不胫而走。"),
            Some((Some("每日甘肃网·甘肃日报".into()), "赵梅".into()))
        );
        assert_eq!(
            dateline_outlet("华声在线讯(通讯员:艾宜辰)今年来,嘉禾县为打好优化发展环境持久仗。").map(|o| o.0).as_deref(),
            Some("华声在线")
        );
    }

    #[test]
    fn outlets_credited_with_their_reporters_and_photographers() {
        assert_eq!(byline_outlet("廣西新聞網記者 伍永志").as_deref(), Some("廣西新聞網"));
        assert_eq!(byline_outlet("文 / 圖_當代貴州融媒體記者 / 楊剛").as_deref(), Some("當代貴州融媒體"));
        // A paper's desk is not part of its name; a county's 融媒体 (centre) is the outlet.
        assert_eq!(byline_outlet("蘭州日報社全媒體記者楊文豪文/圖").as_deref(), Some("蘭州日報社"));
        assert_eq!(byline_outlet("长子县融媒体记者 王平").as_deref(), Some("长子县融媒体"));
        assert_eq!(byline_outlet("本报记者 王伟健"), None);
        assert_eq!(
            photo_credits("著牧區的發展,成為牧民奔小康的依靠和主心骨。新華社記者 任軍川 攝 4月16日,錫林郭勒盟"),
            vec![("新华社".to_string(), "任军川".to_string())]
        );
        assert_eq!(photo_credits("處駐色尼雄塔村工作隊隊員到村民家里。西藏日報記者 趙書彬 攝")[0].0, "西藏日报");
        assert!(photo_credits("本报记者 张三 摄").is_empty());
        // A caption's photographer at its end (a power company's Party page, a spun repost).
        assert_eq!(
            caption_photographers("党员服务队队员开展安全用电检查,给村民讲解安全用电知识。刘曼曼 攝").as_deref(),
            Some("刘曼曼")
        );
        assert_eq!(
            caption_photographers("东阳乡一户人家门前摆着一黄一绿2个垃圾桶。(张若水\\摄)").as_deref(),
            Some("张若水")
        );
        assert_eq!(
            caption_photographers("村民在田间劳作。记者 张三 摄"),
            None,
            "a reporter's credit is read elsewhere"
        );
        assert_eq!(caption_photographers("大家一起拍照留念,场面十分热闹。活动摄"), None);
        // 国际在线 (a gateway's copy) and 央广网: the outlet's dateline ends in 消息.
        assert_eq!(
            dateline_outlet("國際在線廣西頻道消息(林潔琪):“在2017年以前,村裏的集體經濟基本為零")
                .map(|o| o.0)
                .as_deref(),
            Some("国际在线广西频道")
        );
        assert_eq!(
            dateline_outlet("央广网兰州6月17日消息(记者魏晋雪 通讯员段海 高文刚)黑河水波荡漾").map(|o| o.0).as_deref(),
            Some("央广网")
        );
    }

    #[test]
    fn sources_and_authors() {
        assert_eq!(source_of("2020-07-03 18:12:59 來源: 新華網").as_deref(), Some("新華網"));
        assert_eq!(source_of("2017-09-19 09:58:59    来源:新华日报     编辑:罗毅").as_deref(), Some("新华日报"));
        assert_eq!(source_of("唯实 2018年11期").as_deref(), Some("唯实"));
        // The next field's label glued to the source (two sites).
        assert_eq!(source_of("来源:中国新闻网时间:2021-10-22 23:17:58").as_deref(), Some("中国新闻网"));
        // A furniture line with widgets and a labelled source (seen on three sites) is a meta line.
        assert!(is_meta_line("内蒙古新闻网  10-07-21 17:18 打印本页 【字体:    来源: 内蒙古新闻网  "));
        assert!(is_meta_line("时间: 来源:农村工作通讯-中国农村网 作者:夏树 刘秀峰 宋杰 字号:【"));
        assert!(!is_meta_line("文章来源:据介绍,该县的做法来源于群众的创造,已经在全省推广,取得了较好的效果和反响"));
        assert_eq!(source_of("来源:三明警方责任编辑:林晓").as_deref(), Some("三明警方"));
        assert_eq!(source_of("来源:新闻时间").as_deref(), Some("新闻时间"));
        // Other labels and separators of the same field.
        assert_eq!(source_of("来源丨荆州日报").as_deref(), Some("荆州日报"));
        assert_eq!(source_of("来源 | 荆州日报").as_deref(), Some("荆州日报"));
        assert_eq!(source_of("转自：荆州日报").as_deref(), Some("荆州日报"));
        assert_eq!(source_of("（原载《荆州日报》2020年3月1日第2版）").as_deref(), Some("荆州日报"));
        assert_eq!(source_of("本文摘自《半月谈》").as_deref(), Some("半月谈"));
        // A government page's disclosure cells (two county sites).
        assert_eq!(
            source_of("索引号 01526292-7-/2019-0327002 发布机构 龙陵县镇安镇人民政府").as_deref(),
            Some("龙陵县镇安镇人民政府")
        );
        // A street office or a town publishes too, also inside its district's name (two street sites).
        assert_eq!(
            source_of("索 引 号:zyqdmtjd/2021-1385081 发布机构:大码头街道 发文日期:2021-05-11").as_deref(),
            Some("大码头街道")
        );
        assert_eq!(source_of("发布机构: 城南新区(三江街道)").as_deref(), Some("城南新区(三江街道)"));
        assert_eq!(source_of("• 发布机构:"), None);
        // The same cells printed as a table's (a city's disclosure page; a health commission's
        // prints the cell empty).
        assert_eq!(
            source_of("发布机构: | 银川市智慧城市管理指挥中心 | 责任部门: | 银川市智慧城市管理指挥中心 |").as_deref(),
            Some("银川市智慧城市管理指挥中心")
        );
        assert_eq!(source_of("索引号: | 3070211020000013000000/2024092600000171 | 发布机构: | |"), None);
        assert_eq!(
            source_of("发布机构:中原区绿东村街道办事处 | 关 键 词:工作,工作信息,工作动态 | |").as_deref(),
            Some("中原区绿东村街道办事处")
        );
        assert_eq!(source_of("该县的做法来源于群众的创造"), None);
        assert!(is_meta_line("转自：荆州日报"));
        assert_eq!(crate::import::clean::junk("编辑丨王五"), Some(crate::import::clean::Junk::EditorLine));
        assert_eq!(author_in_meta("2018-11-29何峥嵘").as_deref(), Some("何峥嵘"));
        assert_eq!(author_in_meta("作者丨张晓明").as_deref(), Some("张晓明"));
        // A line of names keeps the script it is printed in, spaced names too.
        assert_eq!(header_names("王 坤 黃 巖 劉 樂").as_deref(), Some("王坤、黃巖、劉樂"));
        assert_eq!(header_names("周勇軍 李飛 姜鴻麗").as_deref(), Some("周勇軍、李飛、姜鴻麗"));
        assert_eq!(find_spaced("记者 王  坤 报道", "王坤"), Some(7..15));
        assert_eq!(find_spaced("王 五 王坤", "王坤"), Some(8..14));
        assert_eq!(find_spaced("王五", "王坤"), None);
        assert_eq!(author_in_meta("2023-09-12 10:05 来源：黑龙江日报 作者：王立新").as_deref(), Some("王立新"));
        assert!(is_byline("本报记者 王伟健"));
        assert!(is_byline("新華社記者沈汝發"));
        assert!(is_byline("记者 沈悦  通讯员 潘宇航"));
        assert!(!is_byline("记者在蘇州姑蘇區的夜市看到,遊客人來人往"));
        assert_eq!(byline_names("本报记者 王伟健"), "王伟健");
        assert_eq!(byline_names("新華社記者沈汝發"), "沈汝發");
        assert_eq!(byline_names("记者 沈悦  通讯员 潘宇航"), "沈悦、潘宇航");
        assert!(is_name_line("吴储波"));
        assert!(is_name_line("何峥嵘"));
        assert!(!is_name_line("金台潮声声"));
        assert!(!is_name_line("保持定力往前走"));
    }

    #[test]
    fn an_outlet_closes_a_story() {
        let outlet = |t: &str| closing_outlet(t).map(|c| c.1);
        assert_eq!(outlet("…河长制让家门口的河变清了。（荆州日报）").as_deref(), Some("荆州日报"));
        assert_eq!(outlet("(来源:新华网)").as_deref(), Some("新华网"));
        assert_eq!(outlet("…常态长效。袁杨军摄(人民图片网)").as_deref(), Some("人民图片网"));
        assert_eq!(outlet("…常态长效。（荊州日報）").as_deref(), Some("荊州日報"));
        // A person, an own outlet, a remark, or brackets inside a sentence are no outlet.
        for t in [
            "…变清了。(张晓明)",
            "…变清了。(本报)",
            "…变清了。(完)",
            "他在县电视台(县融媒体中心)工作",
            "…变清了。(县水利局 张三)",
        ] {
            assert_eq!(outlet(t), None, "{t}");
        }
    }

    #[test]
    fn writers_and_photographers_marked_by_a_slash() {
        let credit = |t: &str| closing_credit(t).map(|c| c.1);
        assert_eq!(credit("…作出新的更大贡献。(仝颖凯/文 吕元贞 赵昱/图)").as_deref(), Some("仝颖凯、吕元贞、赵昱"));
        assert_eq!(credit("…助力乡村振兴发展。\n(文/李万年 图/杨轩宇)编审:余曼菁").as_deref(), Some("李万年、杨轩宇"));
        assert_eq!(credit("…交一份满意的答卷。(通讯员 秦政 杨洺 王小丽) |").as_deref(), Some("秦政、杨洺、王小丽"));
        assert_eq!(credited_names("●本报记者 杨彩霞/文"), Some(vec!["杨彩霞".to_string()]));
        assert_eq!(credited_names("图/新华社"), None);
    }

    #[test]
    fn a_unit_and_its_writers_close_a_story() {
        let credit = |t: &str| closing_credit(t).map(|c| c.1);
        assert_eq!(credit("…迈出第一步。(新广街道东二条社区 王玥)").as_deref(), Some("王玥"));
        assert_eq!(credit("…成效明显。（供稿：县水利局 张晓明 李华）").as_deref(), Some("张晓明、李华"));
        // A place and a phrase, or a unit without a writer, credit nobody.
        assert_eq!(credit("…成效明显。（县水利局供稿）"), None);
        assert_eq!(credit("…成效明显。（县水利局 近日）"), None);
        assert_eq!(credit("…成效明显。（沿河两岸 绿树成荫）"), None);
    }

    #[test]
    fn inline_and_closing_bylines() {
        assert_eq!(inline_byline("香港文匯報訊（記者 陳敏儀 三明報道）「以前遇到新情況」").as_deref(), Some("陳敏儀"));
        assert_eq!(inline_byline("（四川日报全媒体记者 杨晓）").as_deref(), Some("杨晓"));
        assert!(is_end_byline("（四川日报全媒体记者 杨晓）"));
        assert_eq!(inline_byline("记者在苏州姑苏区的夜市看到,游客人来人往。"), None);
        assert_eq!(
            inline_byline("本报讯(通讯员 朱荣慧 记者 向  东)近日,安丰镇巡查河道。").as_deref(),
            Some("朱荣慧、向东")
        );
        assert_eq!(inline_byline("咸宁新闻网讯 通讯员赖聪报道:9月30日,一场擂台赛举行。").as_deref(), Some("赖聪"));
        assert_eq!(credited_names("本报记者 吉文艳见习记者 张珍珍"), Some(vec!["吉文艳".into(), "张珍珍".into()]));
        assert_eq!(credited_names("(供稿:张煜显 审核:董燕)"), Some(vec!["张煜显".into()]));
        // Corpus 052: what the credit is for, spaced and joined by an underscore, before the outlet.
        assert_eq!(credited_names("文 / 圖_當代貴州融媒體記者 / 楊剛"), Some(vec!["杨刚".into()]));
        assert_eq!(
            credited_names("郭华平 黄晓平 本报记者 鄢朝晖"),
            Some(vec!["郭华平".into(), "黄晓平".into(), "鄢朝晖".into()])
        );
        assert_eq!(credited_names("半月谈记者 陈柱佐 魏婧宇 陈弘毅").map(|v| v.len()), Some(3));
        assert_eq!(
            credited_names("●本报记者 杨彩霞/文 本报记者 孙岳龙 实习记者 刘艳霞/图").map(|v| v[0].clone()),
            Some("杨彩霞".into())
        );
        assert_eq!(credited_names("记者在苏州姑苏区的夜市看到"), None);
        assert_eq!(credited_names("■记者 应丽斋 谭心仪 插画 张利昌"), Some(vec!["应丽斋".into(), "谭心仪".into()]));
        assert_eq!(credited_names("通讯员:王广良 摄影:加马力丁"), Some(vec!["王广良".into()]));
        assert_eq!(credited_names("记者 艾力·买买提 通讯员 王伟"), Some(vec!["艾力·买买提".into(), "王伟".into()]));
        assert_eq!(credited_names("记者 在社区里走访"), None);
        assert_eq!(credited_names("记者全程摄像,郭鸣雄表现出亲"), None, "a sentence about a reporter credits nobody");
        // Names in brackets on a line of their own: a pen name after a surname's name counts.
        assert_eq!(closing_names("(郭颖 天乐)"), Some((0, "郭颖、天乐".into())));
        let p = "活动现场,为自治区5支“草原综合服务轻骑兵”进行了授旗,各盟市、旗县也组织了200余支轻骑兵。赵丹";
        assert_eq!(glued_closing_name(p).map(|(at, n)| (&p[..at], n)), Some((&p[..p.len() - 6], "赵丹".into())));
        // Full-width punctuation (folded to ASCII, fewer bytes) and Traditional script.
        let p = "活動現場，為自治區5支“草原綜合服務輕騎兵”進行了授旗，各盟市、旗縣也組織了200餘支輕騎兵。趙丹";
        assert_eq!(glued_closing_name(p).map(|(at, n)| (&p[..at], n)), Some((&p[..p.len() - 6], "趙丹".into())));
        // Names glued after a role (fresh3 027, corpus 111): cut where exactly one cut needs
        // the fewest names.
        assert_eq!(glued_names("王京京张力董立新"), Some(vec!["王京京".into(), "张力".into(), "董立新".into()]));
        assert_eq!(
            credited_names("杨树山本报记者潘宏宇白云峰摄"),
            Some(vec!["杨树山".into(), "潘宏宇".into(), "白云峰".into()])
        );
        assert_eq!(glued_names("王张李刘陈"), None);
        assert_eq!(glued_names("全县干部群众"), None);
        assert_eq!(
            closing_credit("…奠定了坚实的基础。 通讯员王京京张力董立新 校对王菲 |").map(|(_, n)| n),
            Some("王京京、张力、董立新".into())
        );
        // Bare names in brackets after the lead's date (fresh3 030); a weekday is none.
        assert_eq!(
            inline_byline("摘要:6月2日(周嘉瑜 邱贺岩)大兴安岭塔河县以抓党建促乡村振兴为重点,全面提升乡村干部履职能力")
                .as_deref(),
            Some("周嘉瑜、邱贺岩")
        );
        assert_eq!(inline_byline("6月2日(周一)上午,塔河县召开乡村振兴工作推进会,全面部署下一阶段工作"), None);
        // Fresh8: `文:` credits the writer; an editor may be a unit; `执笔` is a writer's role;
        // a dateline's colon before the bracket; a lead's credit before two spaces.
        assert_eq!(
            credited_names("文:梁伟樯 图:赵嘉琪 审核:韩干校 编辑:党委宣传部(新闻中心) 编辑:杨飞"),
            Some(vec!["梁伟樯".into()])
        );
        assert_eq!(credited_names("潮新闻 执笔 刘俏言 通讯员 陈德慧"), Some(vec!["刘俏言".into(), "陈德慧".into()]));
        assert_eq!(
            inline_byline("十堰网 4月2日讯:(周成)市园林局工作组一行对茅塔乡坪子村的走访已经有20多天了").as_deref(),
            Some("周成")
        );
        assert_eq!(
            inline_byline("中国电力新闻网讯 通讯员 陈欢欢 报道  “电力爱心超市搬进了俺村,老百姓参与创建的积极性更高了”")
                .as_deref(),
            Some("陈欢欢")
        );
        assert_eq!(
            closing_credit("一大批年轻人进入社区党组织班子,成为管理社区、服务居民的主力军。 杨华 杨才星 摄")
                .map(|(_, n)| n),
            Some("杨华、杨才星".into())
        );
        assert_eq!(closing_credit("一大批年轻人进入社区党组织班子,成为管理社区、服务居民的主力军。 杨华 杨才星"), None);
        assert_eq!(
            header_names("发布日期:2020-12-08  来源:扬子晚报   通讯员 舒媛媛 王恒 扬子晚报/紫牛新闻记者 丁波")
                .as_deref(),
            Some("舒媛媛、王恒、丁波")
        );
        assert!(is_column_tag("【星期五调查】"));
        assert!(!is_column_tag("【林业行】鹿寨县查比屯:生态建设富民美村"));
        assert!(!is_column_tag("【扬子晚报12月8日】2020年11月23日,贵州省政府新闻办召开发布会"));
        // The unit of a closing credit names the outlet (fresh5 049).
        assert_eq!(credit_outlet("(中国日报吉林记者站 刘明太 韩俊红)").as_deref(), Some("中国日报"));
        assert_eq!(credit_outlet("（新華社記者 張三）").as_deref(), Some("新華社"));
        assert_eq!(credit_outlet("(本报记者 张三)"), None);
        assert_eq!(credit_outlet("(新广街道东二条社区 王玥)"), None);
        assert_eq!(credit_outlet("(县委宣传部 张三)"), None);
        // Spaced out (fresh5 018), and a photographer's credit ending a caption (fresh3 004).
        let p = "破除“等靠要”思想,变“输血”为“造血”,着力提高群众生产生活水平,引领群众发展致富。 赵 霞 |";
        assert_eq!(glued_closing_name(p).map(|(at, n)| (&p[..at], n)), Some((&p[..p.len() - 9], "赵霞".into())));
        let p = "近年来,黄岩区建立区、乡、村三级河长责任体系,以“一河一长一策”力促治水护水常态长效,努力绘就生态画卷。袁杨军摄";
        assert_eq!(glued_closing_name(p).map(|(_, n)| n), Some("袁杨军".into()));
        assert_eq!(
            glued_closing_name("这一彪炳千古的奇迹,令世界惊叹,也是新征程的开始,乡村振兴的新时期已经到来了。好的开始"),
            None
        );
        assert_eq!(glued_closing_name("博导侃高校“截流”高招"), None);
        assert_eq!(closing_names("(何海玲)").map(|c| c.1), Some("何海玲".into()));
        // One name spaced out (a county news item, Traditional mirror).
        assert_eq!(
            closing_names("过一个平安、祥和、温馨、廉洁的新春佳节。（常书香 马丹阳 ）").map(|c| c.1),
            Some("常书香、马丹阳".to_string())
        );
        assert_eq!(
            closing_names("要加强对河道沿岸垃圾、漂浮物清理,保持河道整洁卫生。(伍 柯)").map(|c| c.1),
            Some("伍柯".into())
        );
        assert_eq!(closing_names("(天乐 郭颖)"), None, "the first name must have a surname");
        // 谈, 傅 and 洪 are surnames too (a Traditional mirror's closing credit).
        assert_eq!(closing_names("累計兌換人次100余人。(張瑤 談歡璐)").map(|c| c.1), Some("張瑤、談歡璐".into()));
        assert_eq!(closing_names("工作再上新台阶。(傅强 洪亮)").map(|c| c.1), Some("傅强、洪亮".into()));
        assert_eq!(closing_names("…的作用。(图文 天乐)"), None);
        assert_eq!(closing_names("(新华社 人民网)"), None);
    }

    #[test]
    fn citations_datelines_and_links() {
        assert_eq!(
            citation("《 人民日报 》( 2019年11月13日 16 版)"),
            Some(("人民日报".into(), Some(("2019-11-13".into(), 2019))))
        );
        assert_eq!(citation("《关于落实“四敢”要求推进风险报备工作指引》"), None, "a document title is no citation");
        assert_eq!(dateline_outlet("新华社天津2月28日电 “居民朋友们大家好”"), Some(("新华社".into(), true)));
        assert_eq!(
            dateline_outlet("长城网·冀云客户端讯(记者 马静)为扎实推动"),
            Some(("长城网·冀云客户端".into(), false))
        );
        assert_eq!(dateline_outlet("本报讯 近日"), None);
        // A place without a date between the outlet and its `讯`.
        assert_eq!(dateline_outlet("安图在线合肥讯 近日,合肥新站高新区").map(|o| o.0).as_deref(), Some("安图在线"));
        assert_eq!(
            dateline_outlet("大学生新闻中心讯(通讯员:王广良)3月3日").map(|o| o.0).as_deref(),
            Some("大学生新闻中心")
        );
        // A two-character outlet with its county branch (`红网湘潭县分站`).
        assert_eq!(
            dateline_outlet("红网湘潭县分站1月22日讯(通讯员 周星)1月19日,花石镇召开大会").map(|o| o.0).as_deref(),
            Some("红网")
        );
        // Quoted by the paper that reprints it: the agency without 据, and no wire story.
        assert_eq!(dateline_outlet("据新华社拉萨2月19日电(记者王军)“草木蔓发"), Some(("新华社".into(), false)));
        assert_eq!(dateline_outlet("據新華社北京3月5日電 記者"), Some(("新华社".into(), false)));
        assert!(is_link_line("链接：http://news.xinhuanet.com/local/2015-12/13/c_128524139.htm"));
        assert!(!is_link_line("详见链接说明的内容"));
        assert_eq!(find_date("9/17/2004 5:54:13 AM"), Some(("2004-09-17".into(), 2004)));
        // Day first where month first cannot be a date; month first where both can.
        assert_eq!(find_date("发表时间：13/02/2022 - 13:48"), Some(("2022-02-13".into(), 2022)));
        assert_eq!(date_span("发表时间：13/02/2022").map(|(r, _, _)| r.start), Some("发表时间：".len()));
        assert_eq!(find_date("06/02/2022"), Some(("2022-06-02".into(), 2022)));
        assert!(swapped("2022-06-02", "2022-02-06"));
        // An e-paper's issue date on a line of its own dates the page; a list of dated links does not.
        let epaper = "首页\n2022年02月12日 星期六\n第A01版\n标题\n正文";
        assert_eq!(lone_date_line(epaper), Some(("2022-02-12".into(), 2022)));
        assert_eq!(lone_date_line("首页\n2022-02-12\n其他\n2022-02-12"), Some(("2022-02-12".into(), 2022)));
        assert_eq!(lone_date_line("相关新闻\n2022-02-12\n2022-02-10\n"), None);
        assert_eq!(lone_date_line("2022-02-12 某某新闻标题在此\n"), None);
        assert!(!swapped("2022-06-06", "2022-06-06"));
        assert!(!swapped("2022-06-02", "2021-02-06"));
        assert_eq!(find_date("发布: 2021-1-29 13:18"), Some(("2021-01-29".into(), 2021)));
        assert_eq!(find_date("2026 02/28 22:14:08"), Some(("2026-02-28".into(), 2026)));
        assert_eq!(find_date("发表时间:2024 04-22    来源: 海宁文明网"), Some(("2024-04-22".into(), 2024)));
        assert_eq!(find_date("2019 3-5月"), None);
        assert_eq!(find_date("《新闻联播》 (20241214)"), Some(("2024-12-14".into(), 2024)));
        assert_eq!(find_date("t20191210_6437741"), None, "digits inside an id are no date");
    }

    #[test]
    fn labelled_dates_in_page_text() {
        let page = "首页\n网友评论 2006-08-10 12:00\n陈天华《警世钟》\nggjjzhzz 发表于 2005-9-15 11:46:00\n正文";
        assert_eq!(labelled_date(page), Some(("2005-09-15".into(), 2005)));
        assert_eq!(labelled_date("建立于:2004年10月6日 访问:121369"), None, "no label of publication");
        assert_eq!(
            date_near("标题在这里\n作者 张三\n2022年02月12日\n正文", "标题在这里"),
            Some(("2022-02-12".into(), 2022))
        );
    }

    #[test]
    fn credits_after_the_last_sentence() {
        let p = "城與人和諧共生。記者 王文生 通訊員 唐承斌 攝";
        let (at, names) = closing_credit(p).unwrap();
        assert_eq!(names, "王文生、唐承斌");
        assert_eq!(&p[..at], "城與人和諧共生。");
    }

    #[test]
    fn columns() {
        // A site's section label on a line of its own (two college sites).
        assert!(is_column("工作动态"));
        assert!(is_column("学校新闻"));
        assert!(!is_column("学校新闻发布会召开"));
        assert!(is_column("深度关注·提振党员干部干事创业精气神①"));
        assert!(is_column("因干部状态新观察·为基层减负赋能"));
        assert!(is_column("“我是党员,我在岗位”"));
        assert!(!is_column("苏州:锻造创新发展“红色引擎”"));
    }

    #[test]
    fn year_inference() {
        assert_eq!(infer_year("2021年以来，大理市……2022年底，全市……今年1至9月", 2026), Some(2022));
        assert_eq!(infer_year("2023年5月,苏州出台……十四届全国人大二次会议江苏代表团", 2026), Some(2024));
        assert_eq!(infer_year("到2035年基本实现……2020年以来,今年", 2026), Some(2020));
        assert_eq!(infer_year("2020年,共有4个市州受到表扬", 2026), None, "last year's results date nothing");
        assert_eq!(infer_year("根据瓯组〔2013〕64号文件要求", 2026), Some(2013));
        assert_eq!(infer_year("没有年份", 2026), None);
        assert_eq!(infer_year("各中心日前陆续调整2020年春节假期对外服务时间。2013年,全市……", 2026), Some(2020));
        assert_eq!(
            infer_year("日前召开会议。2020年春节期间,全市……", 2026),
            None,
            "the cue must be in the same sentence"
        );
        assert_eq!(infer_year("近日,该县总结自2019年上半年以来的做法", 2026), None, "a start is no present");
        // A sentence that reports a day's event names that day's year (107, 114 of the corpus);
        // a full date's year, a range's end and a year looked back at are not the event's.
        assert_eq!(infer_year("9月24日,由县直工委联合举办的2023年迎国庆篮球赛在县体育馆正式开赛。", 2026), Some(2023));
        assert_eq!(
            infer_year("8月25日,記者跟隨『法治光輝照邊疆——2024年全國網絡普法行·雲南站』采訪團", 2026),
            Some(2024)
        );
        assert_eq!(infer_year("2015年 7月15日,市档案局会同市农业局赴试点单位", 2026), None);
        assert_eq!(infer_year("2004年3月20日至5月7日,来自四川泸州的老中医", 2026), None);
        assert_eq!(infer_year("1月5日,我县召开2022年度工作总结会", 2026), None, "a year's review is not its year");
    }
}
