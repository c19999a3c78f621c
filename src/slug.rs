//! Readable ASCII names from Chinese text: toneless pinyin. A page's file name takes the
//! syllables of its headline (`2020-zu-zhi-li-…`); a region's URL takes its place name with
//! the readings places actually use (重庆 chongqing, 厦门 xiamen).

use pinyin::ToPinyin;

/// The toneless syllables of `text`, one per Han character (`ü` as `v`), with runs of ASCII
/// letters and digits kept as lowercase words; everything else is dropped.
pub(crate) fn syllables(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut ascii = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii.is_empty() {
            words.push(std::mem::take(&mut ascii));
        }
        if let Some(p) = c.to_pinyin() {
            words.push(p.plain().replace('ü', "v"));
        }
    }
    if !ascii.is_empty() {
        words.push(ascii);
    }
    words
}

/// Place names whose reading differs from the characters' first reading.
const PLACE_READINGS: &[(&str, &str)] = &[
    ("六安", "luan"),
    ("六合", "luhe"),
    ("单县", "shanxian"),
    ("东阿", "donge"),
    ("长子", "zhangzi"),
    ("番禺", "panyu"),
    ("洪洞", "hongtong"),
    ("乐亭", "laoting"),
    ("铅山", "yanshan"),
    ("蔚县", "yuxian"),
    ("莘县", "shenxian"),
    ("涡阳", "guoyang"),
    ("台州", "taizhou"),
    ("天台", "tiantai"),
    ("筠连", "junlian"),
    ("枞阳", "zongyang"),
    ("歙县", "shexian"),
    ("黟县", "yixian"),
    ("亳州", "bozhou"),
    ("濮阳", "puyang"),
];

/// Toneless pinyin of a place name, with the readings places actually use (重庆 chongqing,
/// 长沙 changsha, 厦门 xiamen, 蚌埠 bengbu).
pub(crate) fn place_pinyin(name: &str) -> String {
    if let Some((_, py)) = PLACE_READINGS.iter().find(|(n, _)| name.starts_with(n)) {
        return (*py).to_string();
    }
    name.chars()
        .filter_map(|c| match c {
            '长' => Some("chang"),
            '重' => Some("chong"),
            '厦' => Some("xia"),
            '蚌' => Some("beng"),
            '乐' => Some("le"),
            _ => c.to_pinyin().map(|p| p.plain()),
        })
        .collect::<String>()
        .replace('ü', "v")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_syllables_keep_ascii_words() {
        assert_eq!(syllables("2020年GDP增长"), ["2020", "nian", "gdp", "zeng", "zhang"]);
        assert_eq!(syllables("绿色发展"), ["lv", "se", "fa", "zhan"]);
        assert!(syllables("——《》").is_empty());
    }

    #[test]
    fn places_are_read_as_places() {
        assert_eq!(place_pinyin("重庆"), "chongqing");
        assert_eq!(place_pinyin("厦门"), "xiamen");
        assert_eq!(place_pinyin("蚌埠"), "bengbu");
        assert_eq!(place_pinyin("长沙"), "changsha");
        assert_eq!(place_pinyin("六安"), "luan");
        assert_eq!(place_pinyin("苏州"), "suzhou");
        assert_eq!(place_pinyin("吕梁"), "lvliang");
    }
}
