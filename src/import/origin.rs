//! What an article's web address says about it: whether it is a web address at all, the date
//! many news sites print in their paths (`/2023-03/21/`, `/20230321/`, `/2023/0321/`,
//! `/t20230321_…`), and the host, which names the site when nothing else does.

use std::sync::LazyLock;

use regex::Regex;

/// An `http`/`https` address with a host and no spaces or control characters, trimmed;
/// anything else is not kept as an article's address.
pub fn web_url(s: &str) -> Option<String> {
    let s = s.trim();
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return None;
    };
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) || host_of(rest).is_empty() {
        return None;
    }
    Some(s.to_string())
}

/// The host of `rest` (an address after its `scheme://`): no user, no port, lower case.
fn host_of(rest: &str) -> String {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// The address's path, without query and fragment; empty for what is not a web address.
fn path_of(url: &str) -> &str {
    let Some(at) = url.find("://") else { return "" };
    let rest = &url[at + 3..];
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("")
}

/// The site's host (`www.gov.cn`), to stand in for a source when the article names none.
pub fn host(url: &str) -> Option<String> {
    let url = web_url(url)?;
    let rest = &url[url.find("://")? + 3..];
    Some(host_of(rest)).filter(|h| !h.is_empty())
}

/// A date in the address's path, as `(YYYY-MM-DD, year)`: year, month and day together, in one
/// segment (`20230321`, `t20230321_…`, `2023-03-21`) or over two or three (`2023-03/21`,
/// `2023/0321`, `2023/03/21`, `202303/21`). Impossible dates (month 13, 31 April) are none.
pub fn date_in_url(url: &str) -> Option<(String, i32)> {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/t?((?:19|20)\d\d)[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?:[/_.]|$)").expect("valid")
    });
    let path = path_of(url);
    let c = DATE.captures(path)?;
    super::dates::valid_date(&c[1], &c[2], &c[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_are_kept() {
        assert_eq!(web_url(" https://www.gov.cn/a.htm ").as_deref(), Some("https://www.gov.cn/a.htm"));
        assert_eq!(web_url("HTTP://x.org").as_deref(), Some("HTTP://x.org"));
        for bad in ["javascript:alert(1)", "ftp://x.org/", "http://", "https:///a", "http://a b.cn/", "x.org/a", ""] {
            assert_eq!(web_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn hosts_lose_user_port_and_case() {
        assert_eq!(host("https://WWW.Gov.cn:443/zhengce/").as_deref(), Some("www.gov.cn"));
        assert_eq!(host("http://u:p@news.example.org./x").as_deref(), Some("news.example.org"));
        assert_eq!(host("http://[::1]:8080/").as_deref(), Some("[::1]"));
        assert_eq!(host("mailto:a@b.cn"), None);
    }

    #[test]
    fn dates_in_news_site_paths() {
        let d = |u: &str| date_in_url(u).map(|(d, _)| d);
        // Xinhua, gov.cn, people.com.cn, gov sites' t-numbers, plain segments.
        assert_eq!(d("http://www.news.cn/politics/2023-03/21/c_1129448.htm").as_deref(), Some("2023-03-21"));
        assert_eq!(d("https://www.gov.cn/xinwen/2023-03/21/content_5747765.htm").as_deref(), Some("2023-03-21"));
        assert_eq!(d("http://politics.people.com.cn/n1/2023/0321/c1001-32648216.html").as_deref(), Some("2023-03-21"));
        assert_eq!(d("http://www.zj.gov.cn/art/202303/t20230321_7654321.html").as_deref(), Some("2023-03-21"));
        assert_eq!(d("https://x.org/20230321/abc.html").as_deref(), Some("2023-03-21"));
        assert_eq!(d("https://x.org/2023/03/21/a").as_deref(), Some("2023-03-21"));
        assert_eq!(d("https://x.org/news/2024-02-29.html").as_deref(), Some("2024-02-29"));
        assert_eq!(date_in_url("https://x.org/2019/1231/"), Some(("2019-12-31".into(), 2019)));
    }

    #[test]
    fn numbers_that_are_not_dates_are_not_read_as_dates() {
        for u in [
            "https://x.org/2023-02-29/a",            // no 29 February in 2023
            "https://x.org/2023/04/31/a",            // no 31 April
            "https://x.org/2023/13/01/a",            // no month 13
            "https://x.org/art/20230321123456.html", // a longer number: an id
            "https://x.org/a?date=20230321",         // the query is not the path
            "https://20230321.example.org/",         // nor is the host
            "https://x.org/id/1202303215/",
            "https://x.org/",
        ] {
            assert_eq!(date_in_url(u), None, "{u}");
        }
    }
}
