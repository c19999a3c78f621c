//! Citations of a practice page: the Highwire Press `citation_*` meta tags reference managers
//! read (Zotero, Google Scholar), a GB/T 7714-2015 reference and a BibTeX entry. Pure text in,
//! text out; the practice template escapes what it shows.
//!
//! The reference cites the original article first: a source whose name ends in 报 is a
//! newspaper (`[N]`, or `[N/OL]` with the original's address when import knew it; GB/T
//! 7714-2015 §4.5 / 8.1), any other an electronic resource (`[EB]`, `[EB/OL]`, §4.6). The
//! knowledge base comes second, as the database the text was read in (`[DB/OL]`, its page's
//! address). The access date (`[引用日期]`, BibTeX's `urldate`) is the reader's: the page
//! fills in today's date.
//!
//! The meta tags are read by Zotero's "Embedded Metadata" translator as a newspaper article
//! (`DC.type`; no `citation_journal_title`, which makes any page a journal article there) or a
//! web page, with the outlet as its publication (`prism.publicationName`) and the original's
//! address as its URL; the knowledge base's copy is `citation_fulltext_html_url`.

/// What a citation is made from.
pub(crate) struct Reference<'a> {
    pub title: &'a str,
    /// The byline as the page gives it (`张三、李四`).
    pub author: Option<&'a str>,
    /// Newspaper or website (来源).
    pub source: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub date: Option<&'a str>,
    pub year: Option<i32>,
    /// The original article's address, when import knew it.
    pub url: Option<&'a str>,
    /// The knowledge base page's own address.
    pub page_url: &'a str,
    /// The knowledge base's title.
    pub site: &'a str,
    /// `zh-CN` or `zh-Hant`.
    pub lang: &'a str,
    pub keywords: &'a [String],
}

/// The stand-in for the access date, which the page replaces with today's.
pub(crate) const ACCESSED: &str = "引用日期";

/// The authors of a byline: split at 、，, ; (and their full-width forms), and at spaces
/// between Chinese names (`张三 李四`, as Chinese bylines list them). Words without Han
/// characters that follow one another are one name: `John Smith, Mary Ann Lee` is two authors,
/// `张三 John Smith` two.
pub(crate) fn authors(byline: &str) -> Vec<&str> {
    let is_han = |w: &str| w.chars().any(crate::fold::is_han);
    let mut out = Vec::new();
    for part in byline.split(['、', '，', ',', '；', ';']) {
        // Byte ranges of the part's words, then runs of non-Han words joined.
        let mut start: Option<(usize, usize)> = None;
        let words = part.split([' ', '\u{3000}']).filter(|w| !w.is_empty()).map(|w| {
            let at = w.as_ptr() as usize - part.as_ptr() as usize;
            (at, at + w.len(), is_han(w))
        });
        for (a, b, han) in words {
            match (start, han) {
                (Some((s, _)), false) => start = Some((s, b)),
                (_, true) => {
                    if let Some((s, e)) = start.take() {
                        out.push(&part[s..e]);
                    }
                    out.push(&part[a..b]);
                }
                (None, false) => start = Some((a, b)),
            }
        }
        if let Some((s, e)) = start {
            out.push(&part[s..e]);
        }
    }
    out
}

fn is_newspaper(source: Option<&str>) -> bool {
    source.is_some_and(|s| s.ends_with('报'))
}

fn online(url: &str) -> bool {
    let u = url.to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://")
}

/// The GB/T 7714-2015 reference of the knowledge base's copy: `收录于: 知识库[DB/OL]. [引用日期]. 地址.`
pub(crate) fn gbt7714_copy(r: &Reference, accessed: &str) -> String {
    format!("收录于: {}[DB/OL]. [{accessed}]. {}.", r.site.trim_end_matches(['.', '。']), r.page_url)
}

/// A GB/T 7714-2015 reference of the original; `accessed` is the access date (`YYYY-MM-DD`,
/// or [`ACCESSED`]).
pub(crate) fn gbt7714(r: &Reference, accessed: &str) -> String {
    let mut s = String::new();
    if let Some(a) = r.author {
        let names = authors(a);
        if !names.is_empty() {
            // §8.1.2: up to three names, then 等.
            s.push_str(&names.iter().take(3).copied().collect::<Vec<_>>().join(", "));
            if names.len() > 3 {
                s.push_str(", 等");
            }
            s.push_str(". ");
        }
    }
    let url = r.url.filter(|u| online(u));
    let ol = url.is_some();
    let kind = match (is_newspaper(r.source), ol) {
        (true, true) => "N/OL",
        (true, false) => "N",
        (false, true) => "EB/OL",
        (false, false) => "EB",
    };
    s.push_str(&format!("{}[{kind}]. ", r.title.trim_end_matches(['.', '。'])));
    let when = r.date.map(str::to_string).or_else(|| r.year.map(|y| y.to_string()));
    let access = if ol { format!("[{accessed}]") } else { String::new() };
    match (r.source, when) {
        (Some(src), Some(w)) => s.push_str(&format!("{src}, {w}{access}")),
        (Some(src), None) => s.push_str(&format!("{src}{access}")),
        (None, Some(w)) => s.push_str(&format!("({w}){access}")),
        (None, None) => s.push_str(&access),
    }
    s = s.trim_end().to_string();
    if let Some(u) = url {
        s.push_str(&format!(". {u}"));
    }
    s.push('.');
    s
}

/// A value inside a BibTeX field's braces: TeX's special characters escaped.
fn bib(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            _ => out.push(c),
        }
    }
    out
}

/// A BibTeX entry keyed `key`: `@article` with `entrysubtype = {newspaper}` in a newspaper
/// (BibLaTeX's newspaper article; Zotero reads the journal as its publication), else `@misc`.
/// The address is the original's when known, else the knowledge base's page; `urldate` is
/// [`ACCESSED`], which the page fills in; the knowledge base's copy is a note.
pub(crate) fn bibtex(r: &Reference, key: &str) -> String {
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(a) = r.author.map(authors).filter(|a| !a.is_empty()) {
        fields.push(("author", a.iter().map(|n| bib(n)).collect::<Vec<_>>().join(" and ")));
    }
    fields.push(("title", bib(r.title)));
    let newspaper = is_newspaper(r.source);
    if let Some(src) = r.source {
        fields.push((if newspaper { "journal" } else { "howpublished" }, bib(src)));
    }
    if newspaper {
        fields.push(("entrysubtype", "newspaper".into()));
    }
    if let Some(d) = r.date {
        fields.push(("date", bib(d)));
    }
    if let Some(y) = r.year.or_else(|| r.date.and_then(|d| d.get(..4)?.parse().ok())) {
        fields.push(("year", y.to_string()));
    }
    if let Some(m) = r.date.and_then(|d| d.get(5..7)?.parse::<u8>().ok()) {
        fields.push(("month", m.to_string()));
    }
    let original = r.url.filter(|u| online(u));
    // Braces would end the field early; nothing else in a URL needs escaping there.
    let url_field = |u: &str| u.replace('{', "%7B").replace('}', "%7D");
    if let Some(u) = original.or(Some(r.page_url).filter(|u| online(u))) {
        fields.push(("url", url_field(u)));
        fields.push(("urldate", ACCESSED.into()));
    }
    if original.is_some() && online(r.page_url) {
        fields.push(("note", format!("收录于 {}: \\url{{{}}}", bib(r.site), url_field(r.page_url))));
    }
    fields.push(("language", if r.lang == "zh-Hant" { "chinese (traditional)" } else { "chinese" }.into()));
    let kind = if newspaper { "article" } else { "misc" };
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("  {k} = {{{v}}}")).collect();
    format!("@{kind}{{{key},\n{}\n}}", body.join(",\n"))
}

/// The meta tags (name, content): Highwire Press `citation_*` in the order Zotero documents
/// them, then the item type (`DC.type`) and the publication (`prism.publicationName`).
pub(crate) fn meta(r: &Reference) -> Vec<(&'static str, String)> {
    let mut m = vec![("citation_title", r.title.to_string())];
    for a in r.author.map(authors).unwrap_or_default() {
        m.push(("citation_author", a.to_string()));
    }
    if let Some(d) = r.date.map(|d| d.replace('-', "/")).or_else(|| r.year.map(|y| y.to_string())) {
        m.push(("citation_publication_date", d));
    }
    m.push(("citation_language", r.lang.to_string()));
    if !r.keywords.is_empty() {
        m.push(("citation_keywords", r.keywords.join("; ")));
    }
    let original = r.url.filter(|u| online(u));
    m.push(("citation_public_url", original.unwrap_or(r.page_url).to_string()));
    m.push(("citation_fulltext_html_url", r.page_url.to_string()));
    m.push(("DC.type", if is_newspaper(r.source) { "newspaperArticle" } else { "webpage" }.to_string()));
    if let Some(src) = r.source {
        m.push(("prism.publicationName", src.to_string()));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference<'a>(
        title: &'a str,
        author: Option<&'a str>,
        source: Option<&'a str>,
        date: Option<&'a str>,
        url: &'a str,
    ) -> Reference<'a> {
        Reference {
            title,
            author,
            source,
            date,
            year: None,
            url: Some(url).filter(|u| !u.is_empty()),
            page_url: "https://example.org/kb/practices/x/",
            site: "基层治理实践知识库",
            lang: "zh-CN",
            keywords: &[],
        }
    }

    // The worked examples of GB/T 7714-2015 (§8.1.2 and appendix A), entered as a page would
    // carry them.
    #[test]
    fn gbt7714_matches_the_standards_worked_examples() {
        let url = "http://paper.people.com.cn/rmrb/html/2013-01/12/nw.D110000renmrb_20130112_5-04.htm";
        let r = reference(
            "雾霾来袭, 如何突围",
            Some("刘裕国、杨柳、张洋、叶晓楠"),
            Some("人民日报"),
            Some("2013-01-12"),
            url,
        );
        assert_eq!(
            gbt7714(&r, "2013-11-06"),
            format!("刘裕国, 杨柳, 张洋, 等. 雾霾来袭, 如何突围[N/OL]. 人民日报, 2013-01-12[2013-11-06]. {url}.")
        );
        let url = "http://www.creader.com/news/20011219/200112190019.html";
        let r = reference("出版业信息化迈入快车道", Some("萧钰"), None, Some("2001-12-19"), url);
        assert_eq!(
            gbt7714(&r, "2002-04-15"),
            format!("萧钰. 出版业信息化迈入快车道[EB/OL]. (2001-12-19)[2002-04-15]. {url}.")
        );
        // A printed newspaper (the standard's example adds the page, 版次, which pages lack).
        let r = reference("数字革命与竞争国际化", Some("丁文祥"), Some("中国青年报"), Some("2000-11-20"), "");
        assert_eq!(gbt7714(&r, ACCESSED), "丁文祥. 数字革命与竞争国际化[N]. 中国青年报, 2000-11-20.");
    }

    #[test]
    fn gbt7714_without_author_or_date_and_with_a_website_source() {
        let mut r = reference("网格化治理的苏州样本", None, Some("新华网"), None, "https://www.news.cn/a.htm");
        r.year = Some(2019);
        assert_eq!(
            gbt7714(&r, ACCESSED),
            "网格化治理的苏州样本[EB/OL]. 新华网, 2019[引用日期]. https://www.news.cn/a.htm."
        );
    }

    #[test]
    fn bibtex_entries_escape_tex_and_split_authors() {
        let r = reference(
            "“红色引擎” & 50% {增长}_新",
            Some("张三、李四"),
            Some("新华日报"),
            Some("2017-09-19"),
            "https://x.cn/a?b={c}",
        );
        assert_eq!(
            bibtex(&r, "2017-hongse-ab12"),
            "@article{2017-hongse-ab12,\n  author = {张三 and 李四},\n  title = {“红色引擎” \\& 50\\% \\{增长\\}\\_新},\n  journal = {新华日报},\n  entrysubtype = {newspaper},\n  date = {2017-09-19},\n  year = {2017},\n  month = {9},\n  url = {https://x.cn/a?b=%7Bc%7D},\n  urldate = {引用日期},\n  note = {收录于 基层治理实践知识库: \\url{https://example.org/kb/practices/x/}},\n  language = {chinese}\n}"
        );
        let r = reference("题", None, Some("新华网"), None, "");
        assert!(
            bibtex(&r, "k").starts_with("@misc{k,\n  title = {题},\n  howpublished = {新华网},"),
            "{}",
            bibtex(&r, "k")
        );
    }

    #[test]
    fn latin_names_keep_their_spaces_and_chinese_names_split_at_them() {
        assert_eq!(authors("John Smith, Mary Ann Lee"), ["John Smith", "Mary Ann Lee"]);
        assert_eq!(authors("张三 李四、王五"), ["张三", "李四", "王五"]);
        assert_eq!(authors("张三\u{3000}John Smith；李四"), ["张三", "John Smith", "李四"]);
        assert_eq!(authors(" , "), Vec::<&str>::new());
        let r = reference("题", Some("John Smith, Mary Ann Lee"), Some("新华日报"), Some("2017-09-19"), "");
        assert!(bibtex(&r, "k").contains("author = {John Smith and Mary Ann Lee}"), "{}", bibtex(&r, "k"));
        assert!(gbt7714(&r, ACCESSED).starts_with("John Smith, Mary Ann Lee. "), "{}", gbt7714(&r, ACCESSED));
        assert_eq!(meta(&r).iter().filter(|(n, _)| *n == "citation_author").count(), 2);
    }

    #[test]
    fn highwire_tags_carry_each_author_and_a_slashed_date() {
        let kw = vec!["网格".to_string(), "党建".to_string()];
        let mut r = reference("标题", Some("张三 李四"), Some("新华日报"), Some("2017-09-19"), "");
        r.keywords = &kw;
        let m = meta(&r);
        let names: Vec<&str> = m.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "citation_title",
                "citation_author",
                "citation_author",
                "citation_publication_date",
                "citation_language",
                "citation_keywords",
                "citation_public_url",
                "citation_fulltext_html_url",
                "DC.type",
                "prism.publicationName"
            ]
        );
        assert_eq!(m[3].1, "2017/09/19");
        assert_eq!(m[5].1, "网格; 党建");
        assert_eq!((m[6].1.as_str(), m[8].1.as_str(), m[9].1.as_str()), (r.page_url, "newspaperArticle", "新华日报"));
        let r = reference("标题", None, Some("新华网"), None, "https://www.news.cn/a.htm");
        let m = meta(&r);
        assert!(
            m.contains(&("citation_public_url", "https://www.news.cn/a.htm".into())),
            "the original's address leads"
        );
        assert!(m.contains(&("citation_fulltext_html_url", r.page_url.into())));
        assert!(m.contains(&("DC.type", "webpage".into())));
    }

    #[test]
    fn the_original_leads_and_the_knowledge_base_follows() {
        let url = "http://paper.people.com.cn/rmrb/a.htm";
        let r = reference("河长制见实效", Some("张三"), Some("人民日报"), Some("2018-03-01"), url);
        assert_eq!(gbt7714(&r, ACCESSED), format!("张三. 河长制见实效[N/OL]. 人民日报, 2018-03-01[引用日期]. {url}."));
        assert_eq!(
            gbt7714_copy(&r, "2026-12-07"),
            "收录于: 基层治理实践知识库[DB/OL]. [2026-12-07]. https://example.org/kb/practices/x/."
        );
        let b = bibtex(&r, "k");
        assert!(b.contains(&format!("url = {{{url}}},\n  urldate = {{引用日期}}")), "{b}");
        // Without the original's address: a printed newspaper, read in the knowledge base.
        let r = reference("河长制见实效", None, Some("人民日报"), Some("2018-03-01"), "");
        assert_eq!(gbt7714(&r, ACCESSED), "河长制见实效[N]. 人民日报, 2018-03-01.");
        let b = bibtex(&r, "k");
        assert!(
            b.contains("url = {https://example.org/kb/practices/x/},\n  urldate = {引用日期}") && !b.contains("note"),
            "{b}"
        );
    }
}
