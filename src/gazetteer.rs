//! The gazetteer: China's provinces, prefecture-level cities and county-level units with their
//! hierarchy, loaded from `data/regions.tsv` (derived from npm `@vant/area-data`, see README).
//! Gives name lookup for the importer's region tagger and path resolution for the content model.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// The gazetteer shipped with kbgen, used when a project has no `data/regions.tsv` of its own.
pub const BUILTIN_TSV: &str = include_str!("../data/regions.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Province,
    City,
    County,
}

#[derive(Debug, Clone)]
pub struct Unit {
    /// Six-digit administrative division code, unique.
    pub code: String,
    pub level: Level,
    /// Official Simplified name, e.g. `昆山市`.
    pub name: String,
    /// The name without its administrative suffix (`昆山`), when that leaves two characters or more.
    pub short: Option<String>,
    pub parent: Option<usize>,
}

/// One place where a gazetteer name occurs in a text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Byte range in the searched text.
    pub start: usize,
    pub end: usize,
    /// Units this name can denote.
    pub candidates: Vec<usize>,
    /// Whether the full official name matched (as opposed to a short form).
    pub full: bool,
}

pub struct Gazetteer {
    units: Vec<Unit>,
    by_code: HashMap<String, usize>,
    /// Pattern index → (candidate units, matched the full name).
    patterns: Vec<(Vec<usize>, bool)>,
    matcher: AhoCorasick,
}

#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
}

/// A division code as the file writes it: 6 digits (county and above), 9 (township) or 12
/// (village). Region pages are named after codes, so nothing else may pass.
fn is_division_code(code: &str) -> bool {
    matches!(code.len(), 6 | 9 | 12) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Suffixes stripped to form short names, longest first.
const SUFFIXES: &[&str] =
    &["特别行政区", "自治区", "自治州", "自治县", "自治旗", "林区", "新区", "地区", "省", "市", "县", "区", "旗", "盟"];

/// Strips the administrative suffix and, before an autonomous suffix, the ethnic names
/// (`广西壮族自治区` → `广西`, `融水苗族自治县` → `融水`).
pub fn short_name(name: &str) -> Option<String> {
    let suffix = SUFFIXES.iter().find(|s| name.ends_with(*s))?;
    let mut stem = &name[..name.len() - suffix.len()];
    if suffix.starts_with("自治") {
        // Drop trailing "X族" groups, longest ethnic name first: 海西蒙古族藏族 → 海西.
        'strip: while let Some(before) = stem.strip_suffix('族') {
            let chars: Vec<char> = before.chars().collect();
            for n in (1..=4).rev().filter(|n| chars.len() >= n + 2) {
                let tail: String = chars[chars.len() - n..].iter().collect();
                if is_ethnic(&tail) {
                    stem = &before[..before.len() - tail.len()];
                    continue 'strip;
                }
            }
            break;
        }
    }
    (stem.chars().count() >= 2 && stem != name).then(|| stem.to_string())
}

/// The 55 ethnic minority names (without 族) that occur in autonomous-area names.
const ETHNIC: &[&str] = &[
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    // 龙胜各族自治县: "all the groups".
    "各",
];

fn is_ethnic(s: &str) -> bool {
    ETHNIC.contains(&s)
}

impl Gazetteer {
    /// The gazetteer shipped with kbgen.
    pub fn builtin() -> &'static Gazetteer {
        static G: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        G.get_or_init(|| Gazetteer::parse(BUILTIN_TSV).expect("the built-in gazetteer parses"))
    }

    /// The gazetteer at `path`, or the built-in one when the file is absent or the same; a file
    /// that cannot be read or is not UTF-8 is an error.
    /// A project's own file is parsed once per distinct content and kept for the process
    /// (`serve` rebuilds often and must not parse or leak it again each time).
    pub fn load_or_builtin(path: &std::path::Path) -> Result<&'static Gazetteer, crate::diag::Diagnostic> {
        use std::sync::{Mutex, OnceLock};
        // Absent: the built-in one. Unreadable or not UTF-8: an error, not a silent fallback.
        if !path.exists() {
            return Ok(Gazetteer::builtin());
        }
        let text = crate::diag::Diagnostic::read_utf8(path, path)?;
        if text == BUILTIN_TSV {
            return Ok(Gazetteer::builtin());
        }
        static LOADED: OnceLock<Mutex<HashMap<String, &'static Gazetteer>>> = OnceLock::new();
        let key = crate::content::sha256_hex(text.as_bytes());
        let mut loaded = LOADED.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        if let Some(g) = loaded.get(&key) {
            return Ok(g);
        }
        let g = Gazetteer::parse(&text).map_err(|GazetteerError::Syntax { line, message }| {
            crate::diag::Diagnostic::new(path, message).at(&text, line, 1)
        })?;
        let g: &'static Gazetteer = Box::leak(Box::new(g));
        loaded.insert(key, g);
        Ok(g)
    }

    /// Parses `code<TAB>level<TAB>name<TAB>parent` lines; `#` starts a comment line.
    pub fn parse(tsv: &str) -> Result<Gazetteer, GazetteerError> {
        let (mut units, by_code, parents) = parse_units(tsv)?;
        for (idx, (line, parent)) in parents.into_iter().enumerate() {
            if parent.is_empty() {
                continue;
            }
            let p = *by_code
                .get(&parent)
                .ok_or(GazetteerError::Syntax { line, message: format!("unknown parent code {parent}") })?;
            units[idx].parent = Some(p);
        }
        let entries = name_entries(&units);
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(entries.iter().map(|((n, _), _)| n.as_str()))
            .expect("gazetteer names build an automaton");
        let patterns = entries.into_iter().map(|((_, full), c)| (c, full)).collect();
        Ok(Gazetteer { units, by_code, patterns, matcher })
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn unit(&self, idx: usize) -> &Unit {
        &self.units[idx]
    }

    pub fn by_code(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The unit and its ancestors, province first.
    pub fn lineage(&self, idx: usize) -> Vec<usize> {
        let mut out = vec![idx];
        let mut cur = idx;
        while let Some(p) = self.units[cur].parent {
            out.push(p);
            cur = p;
        }
        out.reverse();
        out
    }

    /// True when `ancestor` is `idx` or one of its ancestors.
    pub fn is_within(&self, idx: usize, ancestor: usize) -> bool {
        self.lineage(idx).contains(&ancestor)
    }

    /// `江苏省/苏州市/昆山市`.
    pub fn path(&self, idx: usize) -> String {
        self.lineage(idx).iter().map(|&i| self.units[i].name.as_str()).collect::<Vec<_>>().join("/")
    }

    /// Resolves a region as written in front matter: a full path (`江苏省/苏州市/昆山市`), a
    /// path tail (`苏州市/昆山市`) or a single name (`昆山市`), as long as it names one unit.
    /// Returns the candidates when it names none or several.
    pub fn resolve(&self, written: &str) -> Result<usize, Vec<usize>> {
        let parts: Vec<&str> = written.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
        let Some(last) = parts.last() else {
            return Err(Vec::new());
        };
        let matches: Vec<usize> = (0..self.units.len())
            .filter(|&i| self.units[i].name == *last)
            .filter(|&i| {
                let names: Vec<&str> = self.lineage(i).iter().map(|&j| self.units[j].name.as_str()).collect();
                names.ends_with(&parts)
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            _ => Err(matches),
        }
    }

    /// Every occurrence of a unit name (full or short) in `text`, leftmost-longest, so that
    /// `苏州市` is one mention and not `苏州` plus `市`.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        self.matcher
            .find_iter(text)
            .map(|m| {
                let (candidates, full) = &self.patterns[m.pattern().as_usize()];
                Mention { start: m.start(), end: m.end(), candidates: candidates.clone(), full: *full }
            })
            .collect()
    }
}

/// What one line of the file gives: units, their index by code, and per unit its line and
/// parent code.
type Parsed = (Vec<Unit>, HashMap<String, usize>, Vec<(usize, String)>);

/// The units of a gazetteer file, parents not linked yet.
fn parse_units(tsv: &str) -> Result<Parsed, GazetteerError> {
    let mut units = Vec::new();
    let mut parents = Vec::new();
    let mut by_code = HashMap::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let syntax = |message: String| GazetteerError::Syntax { line: i + 1, message };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 {
            return Err(syntax(format!("expected 4 tab-separated columns, found {}", cols.len())));
        }
        let level = match cols[1] {
            "province" => Level::Province,
            "city" => Level::City,
            "county" => Level::County,
            other => return Err(syntax(format!("unknown level `{other}`"))),
        };
        if !is_division_code(cols[0]) {
            return Err(syntax(format!(
                "division code `{}` must be 6, 9 or 12 ASCII digits (codes become URLs and file names)",
                cols[0]
            )));
        }
        if by_code.insert(cols[0].to_string(), units.len()).is_some() {
            return Err(syntax(format!("duplicate code {}", cols[0])));
        }
        units.push(Unit {
            code: cols[0].to_string(),
            level,
            name: cols[2].to_string(),
            short: short_name(cols[2]),
            parent: None,
        });
        parents.push((i + 1, cols[3].to_string()));
    }
    Ok((units, by_code, parents))
}

/// The names a mention can use, sorted: (name, whether it is a full name) → the units so named.
fn name_entries(units: &[Unit]) -> Vec<((String, bool), Vec<usize>)> {
    let mut names: HashMap<(String, bool), Vec<usize>> = HashMap::new();
    for (idx, u) in units.iter().enumerate() {
        names.entry((u.name.clone(), true)).or_default().push(idx);
        if let Some(s) = &u.short {
            names.entry((s.clone(), false)).or_default().push(idx);
            // Autonomous areas go by their stem and the plain suffix: 白沙县, 恩施州.
            for (long, plain) in [("自治县", "县"), ("自治州", "州"), ("自治旗", "旗")] {
                if u.name.ends_with(long) {
                    names.entry((format!("{s}{plain}"), true)).or_default().push(idx);
                }
            }
        }
    }
    let mut entries: Vec<((String, bool), Vec<usize>)> = names.into_iter().collect();
    entries.sort();
    // A short form that equals some unit's full name (e.g. 吉林 is not, but 城区 might be) is
    // kept only as the full name.
    let fulls: std::collections::HashSet<String> =
        entries.iter().filter(|((_, f), _)| *f).map(|((n, _), _)| n.clone()).collect();
    entries.retain(|((n, full), _)| *full || !fulls.contains(n));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gazetteer_file_that_is_not_utf8_is_an_error_not_the_builtin_one() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("regions.tsv");
        std::fs::write(&path, b"110000\tprovince\t\xb1\xb1\xbe\xa9\xca\xd0\t\n").unwrap();
        let e = Gazetteer::load_or_builtin(&path).map(|_| ()).unwrap_err();
        assert!(e.message.contains("not UTF-8") && e.line == Some(1), "{e}");
        assert!(std::ptr::eq(Gazetteer::load_or_builtin(&tmp.path().join("none.tsv")).unwrap(), Gazetteer::builtin()));
    }

    #[test]
    fn short_names_strip_suffixes_and_ethnic_groups() {
        assert_eq!(short_name("江苏省").as_deref(), Some("江苏"));
        assert_eq!(short_name("昆山市").as_deref(), Some("昆山"));
        assert_eq!(short_name("广西壮族自治区").as_deref(), Some("广西"));
        assert_eq!(short_name("融水苗族自治县").as_deref(), Some("融水"));
        assert_eq!(short_name("大理白族自治州").as_deref(), Some("大理"));
        assert_eq!(short_name("浦东新区").as_deref(), Some("浦东"));
        assert_eq!(short_name("香港特别行政区").as_deref(), Some("香港"));
        assert_eq!(short_name("城区"), None);
        assert_eq!(short_name("东城街道"), None);
    }

    #[test]
    fn builtin_hierarchy_and_paths() {
        let g = Gazetteer::builtin();
        let kunshan = g.by_code("320583").unwrap();
        assert_eq!(g.path(kunshan), "江苏省/苏州市/昆山市");
        let pudong = g.by_code("310115").unwrap();
        assert_eq!(g.path(pudong), "上海市/浦东新区", "municipalities have no city level");
        let xiantao = g.by_code("429004").unwrap();
        assert_eq!(g.path(xiantao), "湖北省/仙桃市");
        assert!(g.units().len() > 3000);
    }

    #[test]
    fn resolve_accepts_unique_tails_and_rejects_ambiguous_names() {
        let g = Gazetteer::builtin();
        assert_eq!(g.resolve("昆山市").map(|i| g.path(i)), Ok("江苏省/苏州市/昆山市".into()));
        assert_eq!(g.resolve("南京市/鼓楼区").map(|i| g.path(i)), Ok("江苏省/南京市/鼓楼区".into()));
        assert!(g.resolve("鼓楼区").unwrap_err().len() >= 4);
        assert!(g.resolve("不存在市").unwrap_err().is_empty());
    }

    #[test]
    fn division_codes_must_be_digits() {
        for bad in ["../../../outside", "11000", "110000/x", "１１００００", "110000 "] {
            let tsv = format!("# header\n{bad}\tprovince\t北京市\t\n");
            let Err(GazetteerError::Syntax { line, message }) = Gazetteer::parse(&tsv) else {
                panic!("`{bad}` was accepted")
            };
            assert_eq!(line, 2, "{bad}");
            assert!(message.contains("must be 6, 9 or 12 ASCII digits"), "{message}");
        }
        assert!(Gazetteer::parse("110000\tprovince\t北京市\t\n110101001\tcounty\t东华门街道\t110000\n").is_ok());
    }

    #[test]
    fn mentions_prefer_the_longest_name() {
        let g = Gazetteer::builtin();
        let text = "苏州市姑苏区和昆山";
        let names: Vec<&str> = g.mentions(text).iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(names, ["苏州市", "姑苏区", "昆山"]);
    }
}
