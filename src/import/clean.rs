//! Import stage 2: boilerplate. Classifies lines that scrapers leave around an article (ads,
//! navigation, share widgets, editor lines, app prompts, copyright, captions and photo credits)
//! and the markers after which a page carries no more article text ("猜你喜欢", "相关新闻",
//! a copyright declaration). Rules are patterns over the Simplified fold of a line.

use std::sync::LazyLock;

use regex::Regex;

use super::lines::{gap_after, Line};
use crate::fold::fold;

/// Why a line is not article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junk {
    Ad,
    Navigation,
    Widget,
    EditorLine,
    AppPrompt,
    Copyright,
    Caption,
    Credit,
    Code,
    WireHeader,
    /// Injected keyword spam (a mirror site's first line), image file names, review lines.
    Spam,
    /// E-paper furniture: edition navigation, issue numbers, jump markers.
    Edition,
}

/// A pinyin gloss in brackets: a syllable with a tone mark (`民生(shēng)`), after its character or
/// after one a mirror garbled into a Latin letter (`燃?xì)獾汝P(guān)乎`).
static GLOSS: LazyLock<Regex> = LazyLock::new(|| re(r"[(（]([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,8})[)）]"));

/// Text without control characters: C0 controls other than tab and newline, DEL and C1
/// controls are dropped (an escape sequence in a scraped article must not reach a page, a feed
/// or a terminal).
pub fn drop_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let unwanted = |c: char| c.is_control() && c != '\t' && c != '\n';
    if text.chars().any(unwanted) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !unwanted(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Removes the pinyin glosses that mirror sites print after characters (`新華網(wǎng)` →
/// `新華網`); a gloss needs a tone mark, so `(APP)` or `(a)` stay.
pub fn strip_glosses(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['(', '（']) {
        return text.into();
    }
    GLOSS.replace_all(text, |c: &regex::Captures| if c[1].is_ascii() { c[0].to_string() } else { String::new() })
}

static BLOCK_TAG: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)</?(?:p|div|section|span|br|img|table|tr|td|li|ul|strong|h[1-6])\b[^>]{0,2000}>"));

/// Whether a text is HTML markup rather than text: at least five block or inline tags, and
/// more than half of its bytes inside them (a forum's archive of a WeChat article, `<section
/// style=…>` around every paragraph). A text that quotes a tag or two stays text.
pub fn is_markup(text: &str) -> bool {
    let mut tags = 0;
    let mut bytes = 0;
    for m in BLOCK_TAG.find_iter(text) {
        tags += 1;
        bytes += m.len();
    }
    tags >= 5 && bytes * 2 > text.len()
}

static ENTITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"&?(ldquo|rdquo|lsquo|rsquo|mdash|ndash|hellip|middot|nbsp|quot);?"));

/// Restores the typographic HTML entities a scraper printed without their markup: whole
/// (`&ldquo;` in a text file) or stripped of `&` and `;` (`小小ldquo红黑榜`, `的ldquo高考rdquo`,
/// two forums). A bare name counts only beside Chinese text, never inside a Latin word.
pub fn restore_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !ENTITY_HINTS.iter().any(|h| text.contains(h)) {
        return text.into();
    }
    let cjk = |c: Option<char>| {
        c.is_some_and(|c| {
            crate::fold::is_han(c) || ('\u{3000}'..='\u{303f}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
        })
    };
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    ENTITY.replace_all(text, |c: &regex::Captures| {
        let m = c.get(0).expect("whole match");
        let (before, after) = (text[..m.start()].chars().next_back(), text[m.end()..].chars().next());
        let whole = m.as_str().starts_with('&') && m.as_str().ends_with(';');
        let bare = !latin(before) && !latin(after) && (cjk(before) || cjk(after));
        if !(whole || bare && &c[1] != "quot") {
            return m.as_str().to_string();
        }
        match &c[1] {
            "ldquo" => "“",
            "rdquo" => "”",
            "lsquo" => "‘",
            "rsquo" => "’",
            "mdash" => "—",
            "ndash" => "–",
            "hellip" => "…",
            "middot" => "·",
            "nbsp" => " ",
            _ => "\"",
        }
        .to_string()
    })
}

const ENTITY_HINTS: &[&str] = &["dquo", "squo", "dash", "hellip", "middot", "nbsp", "&quot"];

/// Words of the porn and gambling spam that mirror sites inject as a page's first line.
const SPAM_WORDS: &[&str] = &[
    "一区二区",
    "二区三区",
    "三区四区",
    "字幕",
    "在线观看",
    "在线播放",
    "无码",
    "有码",
    "日韩",
    "欧美",
    "亚洲",
    "国产",
    "精品",
    "鲁片",
    "成人",
    "av",
    "AV",
    "伦理",
    "福利",
    "百家乐",
    "娱乐城",
    "棋牌",
    "彩票",
    "博彩",
    "真人",
    "免费视频",
    "高清",
    "黄色",
    "偷拍",
    "自拍",
    "美女",
    "久久",
    "乱码",
    "少妇",
    "人妻",
    "porn",
    "sex",
];

fn is_spam(f: &str) -> bool {
    let hits = SPAM_WORDS.iter().filter(|w| f.contains(*w)).count();
    hits >= 3 || (hits >= 2 && !f.ends_with('。'))
}

static REVIEW: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[\[【(]?(一审|二审|三审|初审|复审|终审|审核|审签|签发|校审)[\]】)]?\s*[:：]"));
static MARKDOWN_IMAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:\[?!\[[^\]]{0,80}\]\([^)\s]*(?:\s+\x22[^\x22]*\x22)?\)(?:\]\([^)\s]*\))?\s*)+$"));
static IMAGE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\S.{0,60}\.(jpe?g|png|gif|webp|bmp)(\?\S*)?(\s*[(（]\s*[\d.]+\s*[KM]B\s*[,，]\s*下载次数\s*[:：]\s*\d+\s*[)）])?$|^\d{3,4}\s*\(\d+\)$",
    )
});
static EDITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"通版阅读|本期发布|国内统一刊号|邮发代号|^(上一版|下一版|上一期|下一期|版面导航|版面目录|本版新闻|往期回顾|数字报|电子报)|^(当前版|第\s*[0-9一二三四五六七八九十]+\s*版|版面|[0-9]+\s*版)\s*[:：]|^(第\s*[0-9]+\s*期\s*[:：/]?\s*)?第\s*[0-9]+\s*版(\s|$|[:：])|^[0-9]+\s*期\s*/\s*第\s*[0-9]+\s*版|出版日期|报纸名称|^日期\s*[:：]\s*[0-9]{1,2}-[0-9]{1,2}$|^\p{Han}{2,10}报\s*(数字报纸|数字报|电子报|电子版|数字版)$|^[(（]?(下转|上接|转自|接上|转下|下轉|上接)第?\s*[0-9一二三四五六七八九十]+\s*版[)）]?$|^(来源|稿源|作者|记者|编辑|责编|通讯员|摄影|时间|日期)\s*[:：]?\s*$|^广告$|^\[?广告\]?$",
    )
});
/// A jump marker inside a paragraph (`…(下转第三版)`): newspaper layout, not text.
static JUMP: LazyLock<Regex> =
    LazyLock::new(|| re(r"[(（]?(下转|上接|接上|转下|接第|转第)第?\s*[0-9一二三四五六七八九十]+\s*版[)）]?"));

/// The headline a wire story prints in its opening line: `新华社南宁2月23日电 题:…`.
pub fn wire_title(line: &str) -> Option<String> {
    let f = fold(line);
    let m = WIRE_HEADER.find(&f)?;
    let rest = f[m.end()..].trim();
    let n = rest.chars().count();
    (4..=50).contains(&n).then(|| line.chars().skip(line.chars().count() - n).collect())
}

/// Removes jump markers from a line of article text.
pub fn strip_jumps(line: &str) -> std::borrow::Cow<'_, str> {
    JUMP.replace_all(line, "")
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid built-in pattern")
}

static NAV: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(当前位置|您的位置|您现在的位置|位置)\s*[:>]|^\S{2,12}\s*正文$|^[【\[]?(上一篇|下一篇|上一条|下一条|上一页|下一页|返回列表)[】\]]?",
    )
});
/// `县域新闻 > 通城新闻`: two short section names and one separator.
/// `第 [1] [2] [3] 页 |`, `下一页 |`: pagination.
static PAGER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^第\s*(\[?\d+\]?\s*)+页\s*\|?$|^(上一页|下一页|首页|尾页|末页)\s*\|?\s*((上一页|下一页|首页|尾页|末页)\s*\|?\s*)*$",
    )
});
static CRUMB: LazyLock<Regex> = LazyLock::new(|| re(r"^\S{2,12}\s*(>|›|»|>>)\s*\S{2,12}\s*>?$"));
static NAV_SEP: LazyLock<Regex> = LazyLock::new(|| re(r">>|>|›|»|→|\|"));
static EDITOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(【纠错】\s*)?[\[【(]?(责任编辑|责编|编辑|本版责编|本版编辑|版式设计|版面设计|美编|美术编辑|校对|审核|审校|监制|统筹|图片编辑|视觉设计|制图|值班编辑|终审|初审|复审|编审)[\]】)]?\s*[:\s丨｜]",
    )
});
static APP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)app下载|下载app|下载客户端|客户端下载|打开app|app内打开|扫码下载|扫码关注|长按识别|扫一扫|手机打开|手机浏览",
    )
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)copyright|©|\(c\)\s*\d{4}|版权所有|icp备|icp证|未经.{0,8}授权|不得转载|禁止转载|互联网新闻信息服务许可|公网安备|违法和不良信息举报",
    )
});
static CAPTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(图|上图|下图|左图|右图|图片|照片|题图)[①-⑳\d一二三四五六七八九十]*\s*[:为]|^图为"));
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(数据|资料|图片|视频|图表|照片)来源\s*[:]|(摄|供图|摄影|制图)$|^(图片|照片|图)\s*[/:]|^[(（]?[\p{Han}A-Za-z]{0,10}(图片|供图|照片)[)）]?$",
    )
});
/// A caption that ends with its photographer (`驻村工作优秀代表 摄影:马静`, `圖為…水稻田 攝影:巫姍燕`;
/// 中国日报网 and a mirror of 西藏日报).
static PHOTOGRAPHER_END: LazyLock<Regex> = LazyLock::new(|| re(r"\s(摄影|摄)\s*[:]\s*[\p{Han}·]{2,4}$"));

/// A line (folded) that ends with its photographer's credit: a photo's caption, never a headline.
pub fn is_credited_photo(folded: &str) -> bool {
    PHOTOGRAPHER_END.is_match(folded.trim_end())
}
static CODE: LazyLock<Regex> = LazyLock::new(|| re(r"^[0-9A-Za-z]{16,}$"));
/// A wire dateline over a story's own headline: `新华社南京7月3日电 题:…` (an agency),
/// `中新网晋中10月22日电 题:…` (a news site); its headline is printed above it.
static WIRE_HEADER: LazyLock<Regex> = LazyLock::new(|| re(r"(社|网|台|报)\S{0,8}\d{1,2}月\d{1,2}日电\s*题\s*[:]"));
/// A heading after which a page lists other stories or its comments: related, popular, latest or
/// recommended items (a prefix and a noun: `相关内容`, `热门资讯`, `最新文章`, `推荐阅读`), rankings.
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[【\[《]?((?:相关|热门|热点|最新|更多|推荐|精彩|延伸|往期)(?:新闻|阅读|文章|报道|稿件|链接|推荐|内容|资讯|专题|视频|图片|图文)|猜你喜欢|相关新闻|相关阅读|相关文章|相关报道|相关稿件|推荐阅读|相关链接|热点推荐|热门推荐|热门文章|热点新闻|延伸阅读|更多新闻|精彩推荐|新闻评论|网友评论|载入更多|加载更多|为你推荐|今日推荐|图片新闻|最新新闻|往期回顾|往期推荐|往期精彩|新闻推荐|相关推荐|编辑推荐|新闻排行|点击排行|阅读排行|排行榜|热门排行|24小时排行|(?i:-*\s*end\s*-*)|[(]完[)])[】\]》]?\s*[:>]?$|^(?:网友评论|新闻评论|参与评论|发表评论|我要评论|所有评论|全部评论|最新评论|热门评论|评论区)\s*(?:[(（\[【]\s*[^()（）\[\]【】]{0,12}\s*[)）\]】]|\d{1,5}\s*条?)?\s*[:]?$",
    )
});
/// A portal's disclaimer over what it reprints (`凡本网注明“来源:X”的所有作品…`, `凡注明为其它来源的
///信息,均转载自其它媒体,转载目的在于传递更多信息,并不代表本网赞同其观点…`): one long line, after
/// the story (seen on 黔东南信息港 and 海口网); or that the article speaks for its author only
/// (`以上文章仅代表作者个人观点,本网只是转载…`, `该文观点仅代表作者本人`: a mirror, a 搜狐号 page).
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\W{0,2}凡(本网|本站)?注明|转载目的在于传递更多信息|不代表本(网|站)(赞同|观点|立场)|仅代表作者(个人|本人)?(的)?观点|观点仅代表作者",
    )
});
static DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"版权.{0,12}声明|免责声明|转载声明|^(主办|承办|主管|协办)单位\s*[:]|^网站标识码|^(联系我们|关于我们|网站地图|网站声明)",
    )
});

/// Widget words: a short line made only of these is a share/comment/print bar.
const WIDGET_WORDS: &[&str] = &[
    "微博",
    "微信",
    "QQ",
    "QQ空间",
    "Qzone",
    "评论",
    "图集",
    "分享",
    "分享到",
    "分享到:",
    "打印",
    "关闭",
    "关闭窗口",
    "收藏",
    "纠错",
    "【纠错】",
    "字号",
    "大",
    "中",
    "小",
    "载入更多",
    "加载更多",
    "新闻评论",
    "扫一扫",
    "举报",
    "返回顶部",
    "上一篇",
    "下一篇",
    "点赞",
    "转发",
    "朋友圈",
    "复制链接",
    "手机看",
    "手机版",
    "客户端",
    "默认",
    "A+",
    "A-",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "我要评论",
    "网友评论",
    "字体",
    "放大",
    "缩小",
    "推荐",
    // Read-aloud buttons (`语音朗读:语音播报`, `【听新闻】`).
    "语音朗读",
    "智能朗读",
    "语音播报",
    "朗读",
    "听新闻",
    "【听新闻】",
    "顶",
    "踩",
    "阅读",
    "浏览",
    "赞",
    "+1",
    "打印本页",
    "关闭本页",
    "关闭窗口",
    "浏览次数",
    "阅读量",
    "阅读数",
    "点击",
    "点击量",
    "点击数",
    "访问量",
    "我要分享",
    "在看",
    "原文链接",
    "视力保护色",
    "背景色",
    "Facebook",
    "Twitter",
    "X",
    "WhatsApp",
    "LINE",
    "Line",
    "LinkedIn",
    "Email",
    "电邮",
    "复制",
    "微信好友",
    "新浪微博",
    "豆瓣",
    // A forum's buttons (the commonest Chinese forum software prints them on every thread).
    "发新话题",
    "回复该主题",
    "发表回复",
    "只看该作者",
    "只看楼主",
    "返回列表",
    "电梯直达",
    "倒序浏览",
    "阅读模式",
    "回复",
    "引用",
    "楼主",
];

/// A button's name in brackets at the end of a line (`沁源干部的“高考” [复制链接]`).
pub fn strip_widget_tail(line: &str) -> &str {
    let t = line.trim_end();
    let Some(inner) = t.strip_suffix([']', '】']) else { return line };
    let Some(open) = inner.rfind(['[', '【']) else { return line };
    let word = inner[open..].trim_start_matches(['[', '【']);
    if WIDGET_WORDS.contains(&fold(word).as_str()) && !t[..open].trim().is_empty() {
        t[..open].trim_end()
    } else {
        line
    }
}

/// A reply's floor number in a forum thread (`1#`, `#2`, `3楼`).
static FLOOR: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:\d{1,4}\s*#|#\s*\d{1,4}|\d{1,4}\s*楼)$"));

/// Classifies one line on its own.
pub fn junk(line: &str) -> Option<Junk> {
    let f = fold(line);
    let f = f.trim();
    let n = f.chars().count();
    if f.contains("_fororder_") {
        return Some(Junk::Ad);
    }
    if n <= 80 && is_rule(f) {
        return Some(Junk::Widget);
    }
    if n <= 200 && is_spam(f) {
        return Some(Junk::Spam);
    }
    if n <= 60 && REVIEW.is_match(f) || n <= 100 && IMAGE_FILE.is_match(f) {
        return Some(Junk::Spam);
    }
    // `![Image 1](http://…/a.jpg)`: a Markdown image of a reader tool's output, no text.
    if MARKDOWN_IMAGE.is_match(f) {
        return Some(Junk::Caption);
    }
    if n <= 80 && EDITION.is_match(f) {
        return Some(Junk::Edition);
    }
    if n <= 200 && (f.contains("enpproperty") || f.contains('报') && f.contains('-')) && super::edition::is_record(f) {
        return Some(Junk::Edition);
    }
    if WIRE_HEADER.is_match(f) && n <= 160 {
        return Some(Junk::WireHeader);
    }
    if (n <= 60 && is_navigation(f)) || nav_run(f) {
        return Some(Junk::Navigation);
    }
    if n <= 60 && (is_widget_bar(f) || FLOOR.is_match(f)) {
        return Some(Junk::Widget);
    }
    // (`编辑:陶倩2020-01-22 07:50内容来源:龙华新闻` is the page's date line, its editor first.)
    if n <= 80 && EDITOR.is_match(f) && !(f.contains("来源") && super::meta::date_span(f).is_some()) {
        return Some(Junk::EditorLine);
    }
    if n <= 30 && APP.is_match(f) {
        return Some(Junk::AppPrompt);
    }
    if n <= 120 && COPYRIGHT.is_match(f) {
        return Some(Junk::Copyright);
    }
    if n <= 120 && (CAPTION.is_match(f) || is_credited_photo(f)) {
        return Some(Junk::Caption);
    }
    if n <= 40 && CREDIT.is_match(f) {
        return Some(Junk::Credit);
    }
    if CODE.is_match(f) {
        return Some(Junk::Code);
    }
    None
}

/// `------分隔线------`, `=====`: a rule drawn in characters.
fn is_rule(f: &str) -> bool {
    let rule = f.chars().filter(|c| "-—=_*~·－–.".contains(*c)).count();
    rule >= 5 && f.chars().filter(|&c| crate::fold::is_han(c)).count() <= 4
}

/// Menus, breadcrumbs, pagers. A date line (`2019-09-04 10:39:31 | 来源:… | 编辑:…`) or a
/// disclosure page's row of cells that names the publisher (`发布机构: | 银川市…中心 | 责任部门: | …`)
/// is metadata, whatever separates its fields.
fn is_navigation(f: &str) -> bool {
    !super::meta::is_date_line(f)
        && !super::meta::is_disclosure_cells(f)
        && (NAV.is_match(f)
            || CRUMB.is_match(f)
            || PAGER.is_match(f)
            || NAV_SEP.find_iter(f).count() >= 2
            || (f.contains("首页") && NAV_SEP.is_match(f)))
}

/// Separators of a site's menu bar: spaces, `-`, `|`, bullets.
fn menu_tokens(f: &str) -> Vec<&str> {
    f.split(|c: char| c.is_whitespace() || matches!(c, '-' | '|' | '•' | '·' | '/' | '丨'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// A site's menu bar of any length (`内蒙古新闻网首页 - 新闻 - 评论 - 信息 - 旅游 - …`):
/// items set apart by `-` or `|` (a byline sets its names apart by spaces), at least six of
/// them, three in four one to four characters long, none of them a clause (no sentence or
/// quotation punctuation).
fn nav_run(f: &str) -> bool {
    let bars = f.matches(['-', '|', '丨']).count();
    let tokens = menu_tokens(f);
    let short = tokens.iter().filter(|t| (1..=4).contains(&t.chars().count())).count();
    bars >= 3
        && tokens.len() >= 6
        && short * 4 >= tokens.len() * 3
        && !tokens.iter().any(|t| t.contains(['，', '。', '：', ':', '“', '”', '；', '!', '！', '?', '？']))
}

/// How many bytes of menu items open a line that then goes on with other text (`正文 新闻
/// 图片 视频 甘肃高台:…`): three or more items of one or two characters, one of them a word
/// of page chrome. 0 when the line does not open so.
pub fn menu_prefix_len(text: &str) -> usize {
    const CHROME: &[&str] = &["首页", "正文", "新闻", "图片", "视频", "专题", "评论", "标题", "导航", "资讯"];
    let mut end = 0;
    let mut items = 0;
    let mut chrome = false;
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '•' | '·' | '丨'));
        let skipped = rest.len() - trimmed.len();
        let item_len = trimmed.find(|c: char| c.is_whitespace() || matches!(c, '|' | '•' | '·' | '丨')).unwrap_or(0);
        let item = &trimmed[..item_len];
        if item_len == 0 || !(1..=2).contains(&item.chars().count()) || !item.chars().all(crate::fold::is_han) {
            break;
        }
        chrome |= CHROME.contains(&fold(item).as_str());
        items += 1;
        end += skipped + item_len;
        rest = &trimmed[item_len..];
    }
    let sep = |c: char| c.is_whitespace() || matches!(c, '|' | '•' | '·' | '丨');
    if items >= 3 && chrome && rest.trim_matches(sep).chars().count() >= 4 {
        end
    } else {
        0
    }
}

fn is_widget_bar(f: &str) -> bool {
    let tokens: Vec<&str> = f
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '【' | '】' | '[' | ']' | ':' | '/'))
        .filter(|t| !t.is_empty())
        .collect();
    let word = |t: &&str| {
        WIDGET_WORDS.contains(t)
            // `打印此文`, `打印本文`, `关闭此页`: print and close buttons, however worded.
            || ((t.starts_with("打印") || t.starts_with("关闭")) && t.chars().count() <= 4)
            || (t.starts_with("关注") && (2..=10).contains(&t.chars().count()))
            || (t.starts_with("点击") && t.ends_with("蓝字"))
    };
    // Counters (`阅读：2356`, `+1`) are widgets too, but only beside a widget word.
    let counter = |t: &&str| t.trim_start_matches('+').chars().all(|c| c.is_ascii_digit());
    tokens.iter().any(word) && tokens.iter().all(|t| word(t) || counter(t))
}

/// A line after which the rest of the story is page furniture (related lists, comments,
/// copyright declarations).
pub fn is_trailer_marker(line: &str) -> bool {
    let f = fold(line);
    // `—  相关新闻  —`, `== 推荐阅读 ==`
    let f = f.trim().trim_matches(|c: char| c.is_whitespace() || "—-－=·•*".contains(c));
    let n = f.chars().count();
    (n <= 24 && MARKER.is_match(f)) || (n <= 80 && DECLARATION.is_match(f)) || (n <= 200 && DISCLAIMER.is_match(f))
}

/// Terminal punctuation: a line ending in one of these is a finished sentence.
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with(['。', '！', '？', '!', '?', '…', '；', ';', '”', '」', '』', '）', ')', '》', '：', ':'])
}

/// Removes junk lines and captions (a short, unfinished line alone between two wide gaps is
/// the caption of an image slot). `keep` protects lines the splitter needs (e.g. a headline
/// that sits between image slots).
/// A photo caption glued to the paragraph after it, as scrapers join a page's blocks
/// (`图为拉鲁湿地一角。拉萨日报 巴桑次仁　摄进入秋季，…`): the byte offset where the paragraph
/// starts. The caption opens as one (`图为`, `图:`) and ends at its credit (`… 摄`).
fn glued_caption_end(line: &str) -> Option<usize> {
    // Every line passes here: only one with a credit is folded.
    if !line.contains(['摄', '攝']) {
        return None;
    }
    let f = fold(line);
    if !CAPTION.is_match(f.trim_start()) {
        return None;
    }
    let c = GLUED_CAPTION.captures(&f)?;
    let end = c.get(1)?.end();
    if f[end..].chars().filter(|&ch| crate::fold::is_han(ch)).count() < 20 {
        return None;
    }
    crate::fold::original_offset(line, &f, end)
}

/// A caption up to its credit: after the caption's last sentence or bracket, a name (an
/// outlet before it) and `摄`.
static GLUED_CAPTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(.{2,80}?[。)）]\s*(?:\S{2,12}\s+)?\S{2,6}\s*摄(?:影)?)\s*[^\s)）]"));

pub fn drop_junk(lines: Vec<Line>, keep: impl Fn(&str) -> bool) -> Vec<Line> {
    let lines: Vec<Line> = lines
        .into_iter()
        .flat_map(|l| match glued_caption_end(&l.text) {
            Some(at) => {
                let rest = Line { text: l.text[at..].trim_start().to_string(), gap: 0, ..l.clone() };
                vec![Line { text: l.text[..at].to_string(), ..l }, rest]
            }
            None => vec![l],
        })
        .collect();
    let isolated: Vec<bool> = (0..lines.len())
        .map(|i| {
            let l = &lines[i];
            // (A line of names is a byline, wherever it stands: `周勇軍 李飛 姜鴻麗 …`.)
            let short_phrase = l.heading.is_none()
                && l.chars() <= 60
                && !l.text.ends_with('。')
                && !keep(&l.text)
                && !super::meta::is_names_only(&l.text);
            // Alone between two image slots, or under one slot, without a comma, right above a
            // paragraph (a subhead would carry a comma or sit under text).
            let between_slots = l.gap >= 2 && gap_after(&lines, i) >= 2;
            let above_paragraph = l.gap >= 2
                && !l.text.contains([',', '，'])
                && lines.get(i + 1).is_some_and(|n| n.gap <= 1 && (n.chars() > 50 || keep(&n.text)));
            short_phrase && (between_slots || above_paragraph)
        })
        .collect();
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut cut = false;
    for (mut l, caption) in lines.into_iter().zip(isolated) {
        let furniture = junk(&l.text).is_some_and(|j| !matches!(j, Junk::Caption | Junk::Credit));
        if caption || (junk(&l.text).is_some() && !is_trailer_marker(&l.text)) {
            cut |= furniture;
            continue;
        }
        l.cut_before = cut;
        cut = false;
        out.push(l);
    }
    out
}

/// Drops a paragraph printed again (a template's second copy, a lead set twice) and a
/// teaser that the next paragraph repeats in full.
pub fn drop_repeats(lines: &mut Vec<Line>) {
    let key =
        |t: &str| -> String { fold(t).chars().filter(|c| crate::fold::is_han(*c) || c.is_alphanumeric()).collect() };
    let keys: Vec<String> = lines.iter().map(|l| key(&l.text)).collect();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut keep = vec![true; lines.len()];
    for (i, k) in keys.iter().enumerate() {
        if k.chars().count() < 12 {
            continue;
        }
        if !seen.insert(k.as_str()) {
            keep[i] = false;
            continue;
        }
        // A teaser that the next paragraphs repeat whole (a 核心提示 box above the lead).
        if keys.iter().skip(i + 1).take(2).any(|other| other.len() > k.len() + 12 && other.contains(k.as_str())) {
            keep[i] = false;
        }
    }
    let mut it = keep.into_iter();
    lines.retain(|_| it.next().unwrap_or(true));
}

/// Cuts a story's lines at the first trailer marker.
pub fn cut_trailer(lines: &mut Vec<Line>) {
    let mut before = 0;
    let end = lines.iter().position(|l| {
        let reply = before >= 100 && is_post_header(&l.text);
        before += l.chars();
        is_trailer_marker(&l.text) || reply
    });
    if let Some(i) = end {
        lines.truncate(i);
    }
}

static POST_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\S{1,24}\s+发表于\s*(?:19|20)\d{2}[-/年]\d{1,2}[-/月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
});

/// A forum post's header (`火色屠龙刀 发表于 2018-1-2 20:59:14`): after the first post's text,
/// a reply begins — another person's words, not the story's.
fn is_post_header(line: &str) -> bool {
    let f = fold(line);
    f.chars().count() <= 60 && POST_HEADER.is_match(f.trim())
}

static DOC_KIND: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:通知|决定|意见|通报|报告|方案|办法|批复|公告|通告|决议|规定|细则|函)$"));

/// An official document's title wrapped before its kind, the kind spaced out on a line of its
/// own (`关于表彰2009年度目标责任考核优秀单位的` / `决            定`; a county Party site and a
/// county office's notice): one line again, `…的决定`.
pub fn join_wrapped_doc_titles(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        // Only a line after one ending in 的 is folded (a story can be megabytes).
        if let Some(prev) =
            out.last_mut().filter(|p| p.text.trim_end().ends_with('的') && (6..=60).contains(&p.chars()))
        {
            let kind: String = line.text.chars().filter(|c| !c.is_whitespace()).collect();
            if kind.chars().count() <= 2 && DOC_KIND.is_match(&fold(&kind)) {
                prev.text = format!("{}{kind}", prev.text.trim_end());
                continue;
            }
        }
        out.push(line);
    }
    out
}

/// Rejoins paragraphs that an image slot or a page break cut in two: a long line that does
/// not end a sentence continues on the next line; a short line ending in a comma continues a
/// wrapped heading.
pub fn join_broken(lines: Vec<Line>, is_boundary: impl Fn(&str) -> bool) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if let Some(prev) = out.last_mut() {
            let p = prev.text.trim_end();
            let long_unfinished = prev.chars() >= 30 && !ends_sentence(p) && !p.ends_with("——");
            let wrapped_heading = prev.chars() <= 40 && p.ends_with([',', '，', '、']) && line.chars() <= 40;
            if (long_unfinished || wrapped_heading) && prev.heading.is_none() && !is_boundary(&line.text) {
                prev.text.push_str(&line.text);
                continue;
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lines::text_lines;

    #[test]
    fn a_document_title_wrapped_before_its_kind_is_one_line() {
        let lines = text_lines("关于表彰2009年度目标责任考核优秀单位的\n\n决            定\n\n各乡镇党委:\n");
        let joined = join_wrapped_doc_titles(lines);
        assert_eq!(joined[0].text, "关于表彰2009年度目标责任考核优秀单位的决定");
        assert_eq!(joined[1].text, "各乡镇党委:");
        // A sentence that ends in 的 is followed by text, not by a document's kind.
        let lines = text_lines("这是我们的\n\n通知大家明天开会。\n");
        assert_eq!(join_wrapped_doc_titles(lines).len(), 2);
    }

    #[test]
    fn pinyin_glosses_go_also_after_a_garbled_character() {
        assert_eq!(strip_glosses("民生(shēng)小事"), "民生小事");
        assert_eq!(strip_glosses("燃?xì)獾汝P(guān)乎民生的職能單位"), "燃?xì)獾汝P乎民生的職能單位");
        // Latin in brackets without a tone mark is text.
        assert_eq!(strip_glosses("全球定位系统(GPS)和第(a)项"), "全球定位系统(GPS)和第(a)项");
    }

    #[test]
    fn restores_entities_printed_without_markup() {
        assert_eq!(restore_entities("青铜峡市小坝镇小小ldquo红黑榜"), "青铜峡市小坝镇小小“红黑榜");
        assert_eq!(restore_entities("沁源干部的ldquo高考rdquo [复制链接]"), "沁源干部的“高考” [复制链接]");
        assert_eq!(restore_entities("把握&ldquo;放管服&rdquo;改革"), "把握“放管服”改革");
        assert_eq!(restore_entities("a&nbsp;b &quot;x&quot;"), "a b \"x\"");
        // Inside a Latin word or away from Chinese text a name is text.
        assert_eq!(restore_entities("the nbsp entity, mdashes"), "the nbsp entity, mdashes");
        assert_eq!(restore_entities("小ldquoa 大"), "小ldquoa 大");
        assert_eq!(restore_entities("说quot你好"), "说quot你好");
    }

    #[test]
    fn a_line_of_names_between_image_slots_is_no_caption() {
        let lead = "曆史會這樣記載:公元2018年8月6日,地處湘鄂邊界的石門縣,終于摘掉了壓在他們頭上多年的“貧困帽”,脫貧攻堅取得了階段性勝利。";
        let lines = text_lines(&format!("石門山城春光無限。\n\n\n周勇軍 李飛 姜鴻麗 李寒露\n\n\n{lead}"));
        let kept: Vec<String> = drop_junk(lines, |_| false).into_iter().map(|l| l.text).collect();
        assert!(kept.iter().any(|t| t.starts_with("周勇軍")), "{kept:?}");
    }

    #[test]
    fn a_forum_reply_ends_the_first_post() {
        let post = "沿着村道走进内旦庄，映入眼帘的是一排排整齐的壮族民居，村民们正在自筹资金、投工投劳开展旅游基础设施建设，打造具有壮族农耕文化气息的“壮家要寨”，吸引了不少游客前来观光。(韦柳妹)";
        let mut lines = text_lines(&format!(
            "黄天火 发表于 2016-2-16 15:45:43\n{post}\n火色屠龙刀 发表于 2018-1-2 20:59:14\n辛苦!辛苦!!!"
        ));
        cut_trailer(&mut lines);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["黄天火 发表于 2016-2-16 15:45:43", post]);
    }

    #[test]
    fn a_forums_buttons_and_floor_numbers() {
        assert_eq!(strip_widget_tail("沁源干部的“高考” [复制链接]"), "沁源干部的“高考”");
        assert_eq!(strip_widget_tail("标题【打印本页】"), "标题");
        assert_eq!(strip_widget_tail("会议强调[两个维护]"), "会议强调[两个维护]");
        assert_eq!(strip_widget_tail("[复制链接]"), "[复制链接]");
        assert_eq!(junk("发新话题 回复该主题"), Some(Junk::Widget));
        assert_eq!(junk("编辑:陶倩2020-01-22 07:50内容来源:龙华新闻"), None);
        assert_eq!(junk("编辑:陶倩"), Some(Junk::EditorLine));
        assert_eq!(junk("1#"), Some(Junk::Widget));
        assert_eq!(junk("3楼"), Some(Junk::Widget));
        assert_eq!(junk("30#楼"), None);
    }

    #[test]
    fn a_disclosure_pages_row_of_cells_that_names_the_publisher_is_no_menu() {
        // A city's disclosure page and a street office's (cells set apart by bars).
        assert_eq!(junk("发布机构: | 银川市智慧城市管理指挥中心 | 责任部门: | 银川市智慧城市管理指挥中心 |"), None);
        assert_eq!(junk("发布机构:中原区绿东村街道办事处 | 关 键 词:工作,工作信息,工作动态 | |"), None);
        assert_eq!(junk("首页 | 政务公开 | 发布机构 | 办事服务"), Some(Junk::Navigation));
    }

    #[test]
    fn recognises_scraper_boilerplate() {
        let cases = [
            ("中国农业银行2_fororder_农行 wKgAZV7OJmWASlfCAAFsz0eKZ8E583", Junk::Ad),
            ("首页 >> 江苏首页 >> 县域经济 >> 正文", Junk::Navigation),
            // A government site's buttons (`打印此文`), a forum's attachment line.
            ("打印此文 关闭窗口", Junk::Widget),
            ("【打印本文】【关闭此页】", Junk::Widget),
            ("古城區1月份農村人居環境整治成效“紅黑榜”名單公布.jpg (122.13 KB, 下載次數: 262)", Junk::Spam),
            ("新華網 正文", Junk::Navigation),
            ("当前位置：首页 > 要闻", Junk::Navigation),
            ("县域新闻 > 通城新闻", Junk::Navigation),
            ("上一篇：南宁推进基层治理", Junk::Navigation),
            ("![Image 1](http://www.tangyin.gov.cn/images/a.jpg)", Junk::Caption),
            ("微博", Junk::Widget),
            ("Qzone", Junk::Widget),
            ("評論", Junk::Widget),
            ("分享到： 微信 微博 QQ空间", Junk::Widget),
            ("關注新華網", Junk::Widget),
            ("+1", Junk::Widget),
            ("【糾錯】 責任編輯: 王佳寧", Junk::EditorLine),
            ("责任编辑:刘志刚", Junk::EditorLine),
            ("本版责编:苏显龙 徐雷鹏 刘扬", Junk::EditorLine),
            ("版式设计:张丹峰", Junk::EditorLine),
            ("APP下载", Junk::AppPrompt),
            ("APP下載", Junk::AppPrompt),
            ("Copyright © 2022 浙江日报报业集团 版权所有", Junk::Copyright),
            ("浙ICP备12345678号", Junk::Copyright),
            ("图①:在社区学院课堂上,谢兰(右一)与居民一起制作艺术作品。", Junk::Caption),
            ("图为网格员入户走访。", Junk::Caption),
            ("驻村工作优秀代表 摄影:马静", Junk::Caption),
            ("圖為米古樂在西巴村水稻田 攝影:巫姍燕", Junk::Caption),
            ("受访者供图", Junk::Credit),
            ("------分隔线----------------------------", Junk::Widget),
            ("網上圖片", Junk::Credit),
            ("(新華網圖片)", Junk::Credit),
            ("张玮真摄", Junk::Credit),
            ("数据来源:中共永登县委组织部、中共永登县委宣传部", Junk::Credit),
            ("010020020110000000000000011199211126193816", Junk::Code),
            ("新華社南京7月3日電 題:“組織力”如何轉化為“生産力”?", Junk::WireHeader),
            ("中新网晋中10月22日电 题:同心聚乡贤 山西晋中:发展路上“归雁成行”", Junk::WireHeader),
            (
                "内蒙古新闻网首页 - 新闻 - 评论 - 信息 - 旅游 - 楼市 - 汽车 - 女性 - 美食 - 教育 - 招考 - 理财 - 经济 - 播客 - 博客 - 草原社区 - 草原家园 加入收藏 | 设为首页",
                Junk::Navigation,
            ),
        ];
        for (line, kind) in cases {
            assert_eq!(junk(line), Some(kind), "{line}");
        }
    }

    #[test]
    fn article_text_survives() {
        for line in [
            "蘇州首批排定40個關鍵檢測指標、519項趕超計劃、360個重點項目、128項流程優化計劃。",
            "“我们原计划在其他城市新设立中国区总部,就剩临门一脚时,被苏州服务吸引了。”",
            "疫情衝擊下的逆勢飄紅",
            "苏州:锻造创新发展“红色引擎”",
            "2017-09-19 09:58:59    来源:新华日报     编辑:罗毅     责编:石丽敏",
            "本报记者 王伟健",
            "(作者系中共江苏省灌云县委常委、县委组织部部长、统战部部长)",
            "记者在蘇州姑蘇區的夜市看到,遊客人來人往,商家生意繁忙。",
            "怎么考?",
        ] {
            assert_eq!(junk(line), None, "{line}");
        }
    }

    #[test]
    fn markup_in_a_text_file_is_told_from_text_quoting_a_tag() {
        let wechat = r#"蔡甸融媒 发表于 2026-3-25 14:37:51

一本“存折”带来的乡村变化!

<section style="font-size: 17px; line-height: 2;"><section style="text-align: center; padding: 20px 15px;"><p style="text-align: justify;"><span leaf="">在宜都五眼泉镇荷叶溪村,村民们的“财富”有了新的计量方式。</span></p></section></section>"#;
        assert!(is_markup(wechat));
        assert!(!is_markup("网站用<p>标签分段,<br>换行,<div>分块:这是一篇讲网页制作的文章,并不是网页本身。它的大部分字节是正文,只引用了几个标签,例如<span>和<img>。"));
    }

    #[test]
    fn trailer_markers() {
        for m in ["猜你喜欢", "相关新闻", "載入更多", "新聞評論", "国际在线版权与信息产品内容销售的声明:", "延伸阅读"]
        {
            assert!(is_trailer_marker(m), "{m}");
        }
        assert!(!is_trailer_marker("在激励和鞭策双重“组织力”作用下,苏州园林部门正在进行修复。"));
        // Portals' disclaimers over reprints (黔东南信息港, Traditional; 海口网), and a link list.
        for m in [
            "凡本網注明“來源:黔東南信息港”的所有作品,均為黔東南信息港合法擁有版權或有權使用的作品,未經本網授權不得轉載、摘編或利用其它方式使用上述作品。已經本網授權使用作品的,應在授權範圍內使用,並註明“來源:黔東南信息港”。",
            "·凡注明为其它来源的信息,均转载自其它媒体,转载目的在于传递更多信息,并不代表本网赞同其观点和对其真实性负责。",
            "相关链接:",
            "以上文章僅代表作者個人觀點,本網只是轉載,如涉及作品內容、版權、稿酬問題,請及時聯系我們。電話:029-63903870",
            "声明:该文观点仅代表作者本人,搜狐号系信息发布平台,搜狐仅提供信息存储空间服务。",
            "相关内容",
            "热门资讯",
        ] {
            assert!(is_trailer_marker(m), "{m}");
        }
        // A story that says where its figures came from is no disclaimer.
        assert!(!is_trailer_marker("凡是群众反映的问题,都要注明办理时限和责任人。"));
        // A comment box's heading, with its terms' link or its count (a radio station's site, a
        // city paper's).
        for m in ["网友评论 [新闻评论服务协议]", "参与评论", "所有评论", "发表评论(0)", "我要评论 12条"]
        {
            assert!(is_trailer_marker(m), "{m}");
        }
        assert!(!is_trailer_marker("网友评论说,这项制度好。"));
    }

    #[test]
    fn a_caption_glued_to_the_paragraph_after_it_goes_and_the_paragraph_stays() {
        let texts = |t: &str| drop_junk(text_lines(t), |_| false).into_iter().map(|l| l.text).collect::<Vec<_>>();
        // Scraper records of two sites (拉萨日报 via one feed, 甘南 via another) join blocks so.
        assert_eq!(
            texts("图为拉鲁湿地一角。拉萨日报 巴桑次仁\u{3000}摄进入秋季，被誉为“拉萨之肺”的拉鲁湿地显得格外宁静、悠远。据悉，拉鲁湿地核心区域实行封闭式管理。"),
            ["进入秋季，被誉为“拉萨之肺”的拉鲁湿地显得格外宁静、悠远。据悉，拉鲁湿地核心区域实行封闭式管理。"]
        );
        assert_eq!(
            texts("图为甘南迭部县扎尕那景区。（资料图） 南如卓玛 摄初秋时节，甘南藏区夏日的“游客大潮”明显退去。记者到访时，旦正一家正在收拾。"),
            ["初秋时节，甘南藏区夏日的“游客大潮”明显退去。记者到访时，旦正一家正在收拾。"]
        );
        // A caption alone, or with only a short tail, stays one line (and goes as a caption).
        assert!(texts("图为网格员入户走访。 李隽 摄").is_empty());
        assert!(texts("图为王晋焱摄影作品展现场,几名河道保洁员在河道内打捞水草。").is_empty());
    }

    #[test]
    fn captions_between_image_slots_go_and_broken_paragraphs_rejoin() {
        let text = "这些年来，这样记录工作笔记的习惯，她已经坚持了二十多年，大大小小记了几十本，这样\n\n\n图②:谢兰给社区居民宣讲政策。\n\n\n居民党员入户开展活动\n\n\n的工作笔记每日更新。\n";
        let lines = drop_junk(text_lines(text), |_| false);
        let lines = join_broken(lines, |_| false);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            ["这些年来，这样记录工作笔记的习惯，她已经坚持了二十多年，大大小小记了几十本，这样的工作笔记每日更新。"]
        );
    }
}
