//! Templates: the built-in ones replaced by the project's files of the same name, loaded
//! into Tera, and Tera's errors turned into diagnostics that point into the template.

use tera::Tera;

use super::recursion;
use crate::diag::Diagnostic;
use crate::markdown::escape_html;
use crate::site::Site;

/// The site's templates (see `theme`) in Tera, checked for endless recursion; and their
/// sources, for the fingerprints.
pub(super) fn templates(site: &Site) -> Result<Tera, Diagnostic> {
    let sources = site.theme.templates();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also writes `/` as `&#x2F;`, which makes every URL unreadable.
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| tera_diagnostic(site, "", &e))?;
    if let Some(c) = recursion::find_cycle(&tera) {
        let (file, text) = site.theme.source(&c.template);
        let d = Diagnostic::new(
            &file,
            format!(
                "endless recursion: {} (an include or macro call that comes back to itself outside an `if` or `for` never ends)",
                c.chain
            ),
        );
        return Err(match text {
            Some(t) => d.at_text(&t, 1, &c.needle),
            None => d,
        });
    }
    Ok(tera)
}

/// A Tera error as a diagnostic pointing into the template: parse errors carry `--> L:C`;
/// for an unknown variable the first use of its name is found in the template.
pub(super) fn tera_diagnostic(site: &Site, template: &str, e: &tera::Error) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let all = chain.join("\n");
    let name = quoted_after(&all, "template '")
        .or_else(|| quoted_after(&all, "Template `").filter(|_| all.contains("loads macros from `")))
        .or_else(|| quoted_after(&all, "Template '").filter(|_| all.contains("is inheriting from '")))
        .or_else(|| quoted_after(&all, "Failed to parse '"))
        .or_else(|| quoted_after(&all, "while rendering '"))
        .unwrap_or_else(|| template.to_string());
    let (file, text) = site.theme.source(&name);
    let message = chain.last().cloned().unwrap_or_default();
    let first_line = message
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("-->"))
        .unwrap_or("")
        .trim()
        .to_string();
    let d = Diagnostic::new(&file, if first_line.is_empty() { all.clone() } else { first_line });
    match text {
        Some(text) => at_parse_position(d, &all, &text).unwrap_or_else(|d| at_named_thing(d, &all, &text)),
        None => d,
    }
}

/// A parse error (`--> L:C` in Tera's message) placed in the template, with the parser's
/// explanation; `Err` (the diagnostic back) when the message has no position.
fn at_parse_position(mut d: Diagnostic, all: &str, text: &str) -> Result<Diagnostic, Diagnostic> {
    let Some(pos) = all.find("--> ") else { return Err(d) };
    let lc: Vec<usize> = all[pos + 4..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(2)
        .filter_map(|s| s.parse().ok())
        .collect();
    let [line, col] = lc[..] else { return Err(d) };
    // The parser's own explanation (`= expected …`), else its last words that are not a
    // quoted source line (`6 | <h1>…`).
    let source_line = |l: &str| {
        let t = l.trim_start();
        t.starts_with('|') || t.split_once('|').is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit()))
    };
    let explained = all.lines().map(str::trim).find_map(|l| l.strip_prefix("= ")).map(str::to_string);
    d.message = explained
        .or_else(|| {
            all.lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.contains("-->") && !source_line(l))
                .map(|l| l.trim().to_string())
        })
        .map(|m| if m.starts_with("expected") { format!("syntax error: {m}") } else { m })
        .unwrap_or(d.message);
    // At the very end of the file the parser is still waiting for an end tag.
    if line >= text.lines().count() {
        if let Some((l, c, tag)) = unclosed_block(text) {
            d.message = format!("`{{% {tag} %}}` is never closed: add `{{% end{tag} %}}`");
            return Ok(d.at(text, l, c));
        }
    }
    Ok(d.at(text, line, col))
}

/// A render error placed at the first use of what it names: an unknown variable, a missing
/// parent or imported template, an unknown filter, test, function or macro.
fn at_named_thing(mut d: Diagnostic, all: &str, text: &str) -> Diagnostic {
    if let Some(var) = quoted_after(all, "Variable `").map(|v| v.trim_end_matches('`').to_string()) {
        d.message = format!("unknown variable `{var}` (not in this template's context)");
        return d.at_text(text, 1, &var);
    }
    if let Some(parent) = all.split("is inheriting from '").nth(1).and_then(|r| r.split('\'').next()) {
        d.message = format!("extends `{parent}`, but there is no such template");
        return d.at_text(text, 1, parent);
    }
    if let Some(missing) = all.split("loads macros from `").nth(1).and_then(|r| r.split('`').next()) {
        d.message = format!("`{missing}` is imported here but there is no such template");
        return d.at_text(text, 1, missing);
    }
    // An unknown filter, test, function or macro, a missing template: point at its name.
    for (prefix, what) in [
        ("Filter '", "filter"),
        ("Test '", "test"),
        ("Function '", "function"),
        ("Macro `", "macro"),
        ("Template '", "template"),
    ] {
        if let Some(name) = quoted_after(all, prefix).filter(|n| text.contains(n.as_str())) {
            d.message = format!("unknown {what} `{name}`");
            return d.at_text(text, 1, &name);
        }
    }
    d
}

/// The first block tag of a template that no end tag closes: line, column and tag name.
fn unclosed_block(text: &str) -> Option<(usize, usize, &'static str)> {
    const TAGS: &[&str] = &["if", "for", "block", "macro", "filter", "raw"];
    let mut open: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("{%") {
            let tag = rest[at + 2..].trim_start_matches(['-', ' ']);
            let word: String = tag.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let col = line[..offset + at].chars().count() + 1;
            if let Some(t) = TAGS.iter().find(|t| **t == word) {
                open.push((i + 1, col, t));
            } else if let Some(t) = word.strip_prefix("end") {
                if let Some(k) = open.iter().rposition(|o| o.2 == t) {
                    open.truncate(k);
                }
            }
            offset += at + 2;
            rest = &rest[at + 2..];
        }
    }
    open.first().copied()
}

/// The text after `prefix` up to the next `'` or backtick.
fn quoted_after(s: &str, prefix: &str) -> Option<String> {
    let at = s.find(prefix)? + prefix.len();
    let rest = &s[at..];
    let end = rest.find(['\'', '`'])?;
    Some(rest[..end].to_string())
}
