//! What Zotero saves from a page's meta tags: the decisions of its "Embedded Metadata"
//! translator (zotero/translators: `Embedded Metadata.js`, which hands every tag of a known
//! namespace to `RDF.js`), re-implemented from reading them for the tags a page can carry:
//! which item type, and the title, date, publication and URL of the item.
//!
//! - A Highwire tag can fix the type: `citation_journal_title` makes any page a journal
//!   article (also `citation_technical_report_institution` a report, `citation_conference_title`
//!   a conference paper, `citation_book_title` a book section, `citation_dissertation_institution`
//!   a thesis). A fixed type wins over everything else.
//! - Otherwise, when tags of a known namespace (DC., dcterms., prism., og:, …) are present,
//!   the RDF translator detects the type: `og:type` (`website` a web page), then `DC.type` (a
//!   Zotero item type name as it is, or an eprints/DCMI word: `newsitem` a newspaper article,
//!   `webpage`, `article` a journal article); failing those, the Highwire guess
//!   (`citation_title`: a journal article), else a web page.
//! - Without such tags the guess stands.
//! - The publication is PRISM's `publicationName`, else `DC.source`, else (web pages, blog
//!   posts, newspaper articles only) `og:site_name`; `citation_journal_title` then overrides
//!   it. Title, date and URL come from `citation_title`, `citation_publication_date` /
//!   `citation_date`, `citation_public_url` (else `citation_abstract_html_url`, then
//!   `citation_fulltext_html_url`).

/// The item Zotero would save.
#[derive(Debug, Default)]
pub struct Item {
    pub item_type: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub publication: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<String>,
}

/// The namespaces whose tags go to the RDF translator (its default prefixes).
const PREFIXES: &[&str] = &[
    "bib", "bibo", "dc", "dcterms", "prism", "foaf", "vcard", "link", "z", "eprint", "eprints", "og", "article",
    "book", "rdf",
];

/// Zotero's item types a `DC.type` may name as they are (the ones a news page could be).
const ITEM_TYPES: &[&str] = &[
    "blogPost",
    "book",
    "bookSection",
    "conferencePaper",
    "document",
    "journalArticle",
    "magazineArticle",
    "newspaperArticle",
    "report",
    "thesis",
    "webpage",
];

pub fn embedded_metadata(tags: &[(String, String)]) -> Item {
    let mut fixed: Option<&str> = None;
    let mut guess: Option<&str> = None;
    // (namespace, property, value) of the tags the RDF translator reads.
    let mut statements: Vec<(String, String, String)> = Vec::new();
    for (names, value) in tags {
        if value.trim().is_empty() {
            continue;
        }
        for tag in names.split_whitespace() {
            let prefix = tag.split(['.', ':', '_']).next().unwrap_or("").to_lowercase();
            if PREFIXES.contains(&prefix.as_str()) && tag.len() > prefix.len() + 1 {
                let prop = &tag[prefix.len() + 1..];
                let prop = prop[..1].to_lowercase() + &prop[1..];
                statements.push((prefix, prop, value.clone()));
                continue;
            }
            let short = tag.rfind("citation_").map_or("", |i| &tag[i..]);
            match short {
                "citation_journal_title" => fixed = Some("journalArticle"),
                "citation_technical_report_institution" => fixed = Some("report"),
                "citation_conference_title" | "citation_conference" => fixed = Some("conferencePaper"),
                "citation_book_title" | "citation_inbook_title" => fixed = Some("bookSection"),
                "citation_dissertation_institution" => fixed = Some("thesis"),
                "citation_title" | "citation_series_title" => guess = guess.or(Some("journalArticle")),
                "citation_isbn" => guess = Some("book"),
                _ => {}
            }
        }
    }
    let stmt = |ns: &[&str], prop: &str| {
        statements.iter().find(|(p, q, _)| ns.contains(&p.as_str()) && q == prop).map(|s| s.2.clone())
    };
    let tag = |name: &str| tags.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_string());
    let detected = || -> Option<String> {
        let og = stmt(&["og"], "type").and_then(|t| (t == "website").then(|| "webpage".to_string()));
        let dc = stmt(&["dc", "dcterms"], "type").and_then(|t| {
            if ITEM_TYPES.contains(&t.as_str()) {
                return Some(t);
            }
            match t.to_lowercase().replace(char::is_whitespace, "").as_str() {
                "newsitem" => Some("newspaperArticle".into()),
                "webpage" | "homepage" => Some("webpage".into()),
                "article" | "journalarticle" | "journalitem" => Some("journalArticle".into()),
                "book" | "report" | "thesis" => Some(t.to_lowercase()),
                _ => None,
            }
        });
        og.or(dc)
    };
    let item_type = match (fixed, statements.is_empty()) {
        (Some(t), _) => t.to_string(),
        (None, false) => detected().or(guess.map(str::to_string)).unwrap_or_else(|| "webpage".into()),
        (None, true) => guess.unwrap_or("webpage").to_string(),
    };
    let mut publication = stmt(&["prism"], "publicationName").or_else(|| stmt(&["dc", "dcterms"], "source"));
    if publication.is_none() && ["webpage", "blogPost", "newspaperArticle"].contains(&item_type.as_str()) {
        publication = stmt(&["og"], "site_name");
    }
    if let Some(j) = tag("citation_journal_title") {
        publication = Some(j);
    }
    Item {
        title: tag("citation_title").or_else(|| stmt(&["dc", "dcterms"], "title")),
        date: tag("citation_publication_date")
            .or_else(|| tag("citation_date"))
            .or_else(|| stmt(&["dc", "dcterms"], "date")),
        url: tag("citation_public_url")
            .or_else(|| tag("citation_abstract_html_url"))
            .or_else(|| tag("citation_fulltext_html_url")),
        authors: tags.iter().filter(|(n, _)| n == "citation_author").map(|(_, v)| v.clone()).collect(),
        item_type,
        publication,
    }
}

/// The rules on tags whose outcome Zotero's own test cases show.
#[test]
fn the_rules_decide_as_zotero_does() {
    let t = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    // A journal title makes a journal article, whatever else the page says.
    let item = embedded_metadata(&t(&[
        ("citation_title", "T"),
        ("citation_journal_title", "人民日报"),
        ("DC.type", "newspaperArticle"),
    ]));
    assert_eq!((item.item_type.as_str(), item.publication.as_deref()), ("journalArticle", Some("人民日报")));
    // Highwire tags alone: a journal article with no publication (what the issue saw).
    let item = embedded_metadata(&t(&[("citation_title", "T"), ("citation_publisher", "人民日报")]));
    assert_eq!((item.item_type.as_str(), item.publication), ("journalArticle", None));
    // DC.type names the type; PRISM the publication.
    let item = embedded_metadata(&t(&[
        ("citation_title", "T"),
        ("citation_publication_date", "2018/03/01"),
        ("citation_public_url", "http://paper.people.com.cn/a.htm"),
        ("DC.type", "newspaperArticle"),
        ("prism.publicationName", "人民日报"),
    ]));
    assert_eq!(item.item_type, "newspaperArticle");
    assert_eq!(item.publication.as_deref(), Some("人民日报"));
    assert_eq!(
        (item.date.as_deref(), item.url.as_deref()),
        (Some("2018/03/01"), Some("http://paper.people.com.cn/a.htm"))
    );
    // og:site_name stands in for a newspaper's publication, not for a journal article's.
    let item = embedded_metadata(&t(&[("citation_title", "T"), ("DC.type", "NewsItem"), ("og:site_name", "新华网")]));
    assert_eq!((item.item_type.as_str(), item.publication.as_deref()), ("newspaperArticle", Some("新华网")));
    let item = embedded_metadata(&t(&[("citation_title", "T"), ("og:site_name", "新华网")]));
    assert_eq!((item.item_type.as_str(), item.publication), ("journalArticle", None));
}
