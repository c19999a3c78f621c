//! Render, before any page: templates that would recurse forever. Tera has no depth limit, so a
//! template that includes itself, or a macro that calls itself, overflows the stack and kills
//! the process. A template or macro that reaches itself again without passing an `if` or a
//! `for` (through includes, extends, imports and macro calls) can only recurse without end:
//! such a cycle is an error naming the chain. Recursion under a condition or a loop, such as the
//! built-in `tree` macro walking `n.children`, ends with the data and is allowed.

use std::collections::BTreeMap;

use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// A template, or a macro of a template file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Template(String),
    Macro(String, String),
}

impl Item {
    fn show(&self) -> String {
        match self {
            Item::Template(t) => t.clone(),
            Item::Macro(file, name) => format!("{file}: macro {name}"),
        }
    }
}

/// A cycle of unconditional includes or calls: the template file it starts in, the text of its
/// first step (to point at) and the chain, first item repeated at the end.
pub(super) struct Cycle {
    pub template: String,
    pub needle: String,
    pub chain: String,
}

/// The first endless cycle among the templates of `tera`, if any.
pub(super) fn find_cycle(tera: &Tera) -> Option<Cycle> {
    let mut edges: BTreeMap<Item, Vec<(Item, String)>> = BTreeMap::new();
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    for name in names {
        let Ok(t) = tera.get_template(name) else { continue };
        let resolve = |namespace: &str| -> Option<String> {
            if namespace == "self" {
                return Some(name.to_string());
            }
            t.imported_macro_files.iter().find(|(_, ns)| ns == namespace).map(|(file, _)| file.clone())
        };
        let mut out = Vec::new();
        if let Some(parent) = &t.parent {
            out.push((Item::Template(parent.clone()), format!("\"{parent}\"")));
        }
        walk(&t.ast, &resolve, &mut out);
        edges.insert(Item::Template(name.to_string()), out);
        for (macro_name, def) in &t.macros {
            let mut out = Vec::new();
            walk(&def.body, &resolve, &mut out);
            edges.insert(Item::Macro(name.to_string(), macro_name.clone()), out);
        }
    }
    for start in edges.keys() {
        let mut path = vec![(start.clone(), String::new())];
        if let Some(cycle) = search(&edges, &mut path, start) {
            return Some(cycle);
        }
    }
    None
}

/// Depth-first from the last item of `path`, looking for a way back to `start`.
fn search(edges: &BTreeMap<Item, Vec<(Item, String)>>, path: &mut Vec<(Item, String)>, start: &Item) -> Option<Cycle> {
    let at = path.last().map(|(i, _)| i.clone())?;
    for (next, needle) in edges.get(&at).into_iter().flatten() {
        if next == start {
            let mut chain: Vec<String> = path.iter().map(|(i, _)| i.show()).collect();
            chain.push(start.show());
            // Point at the first step out of `start`.
            let first_needle = path.get(1).map_or(needle, |(_, n)| n);
            let template = match start {
                Item::Template(t) | Item::Macro(t, _) => t.clone(),
            };
            return Some(Cycle { template, needle: first_needle.clone(), chain: chain.join(" → ") });
        }
        if path.iter().any(|(i, _)| i == next) || !edges.contains_key(next) {
            continue;
        }
        path.push((next.clone(), needle.clone()));
        if let Some(c) = search(edges, path, start) {
            return Some(c);
        }
        path.pop();
    }
    None
}

/// The includes and macro calls `nodes` make unconditionally (not inside an `if` or a `for`),
/// each with the text it is written as.
fn walk(nodes: &[Node], resolve: &dyn Fn(&str) -> Option<String>, out: &mut Vec<(Item, String)>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => {
                out.extend(names.iter().map(|n| (Item::Template(n.clone()), format!("\"{n}\""))));
            }
            Node::VariableBlock(_, e) => expr(e, resolve, out),
            Node::Set(_, s) => expr(&s.value, resolve, out),
            Node::FilterSection(_, f, _) => {
                f.filter.args.values().for_each(|e| expr(e, resolve, out));
                walk(&f.body, resolve, out);
            }
            Node::Block(_, b, _) => walk(&b.body, resolve, out),
            Node::Forloop(_, f, _) => expr(&f.container, resolve, out),
            Node::If(i, _) => {
                if let Some((_, cond, _)) = i.conditions.first() {
                    expr(cond, resolve, out);
                }
            }
            // Macro bodies are items of their own; the rest includes and calls nothing.
            _ => {}
        }
    }
}

fn expr(e: &Expr, resolve: &dyn Fn(&str) -> Option<String>, out: &mut Vec<(Item, String)>) {
    for f in &e.filters {
        f.args.values().for_each(|a| expr(a, resolve, out));
    }
    value(&e.val, resolve, out);
}

fn value(v: &ExprVal, resolve: &dyn Fn(&str) -> Option<String>, out: &mut Vec<(Item, String)>) {
    match v {
        ExprVal::MacroCall(c) => {
            if let Some(file) = resolve(&c.namespace) {
                out.push((Item::Macro(file, c.name.clone()), format!("::{}(", c.name)));
            }
            c.args.values().for_each(|a| expr(a, resolve, out));
        }
        ExprVal::FunctionCall(f) => f.args.values().for_each(|a| expr(a, resolve, out)),
        ExprVal::Math(m) => {
            expr(&m.lhs, resolve, out);
            expr(&m.rhs, resolve, out);
        }
        ExprVal::Logic(l) => {
            // The right side of `and`/`or` may not run; the left always does.
            expr(&l.lhs, resolve, out);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, resolve, out);
            expr(&i.rhs, resolve, out);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr(a, resolve, out)),
        ExprVal::Array(a) => a.iter().for_each(|e| expr(e, resolve, out)),
        ExprVal::StringConcat(s) => s.values.iter().for_each(|v| value(v, resolve, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(templates: &[(&str, &str)]) -> Option<String> {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        find_cycle(&tera).map(|c| format!("{} {} {}", c.template, c.needle, c.chain))
    }

    #[test]
    fn endless_includes_and_calls_are_found() {
        assert_eq!(cycle(&[("a.html", "x{% include \"a.html\" %}")]).unwrap(), "a.html \"a.html\" a.html → a.html");
        assert_eq!(
            cycle(&[
                ("a.html", "{% include \"b.html\" %}"),
                ("b.html", "{% block x %}{% include \"a.html\" %}{% endblock %}")
            ])
            .unwrap(),
            "a.html \"b.html\" a.html → b.html → a.html"
        );
        let m =
            "{% macro f(n) %}{{ self::g(n=n) }}{% endmacro %}{% macro g(n) %}{{ self::f(n=n) | upper }}{% endmacro %}";
        let page = "{% import \"m.html\" as m %}{{ m::f(n=1) }}";
        assert_eq!(
            cycle(&[("m.html", m), ("p.html", page)]).unwrap(),
            "m.html ::g( m.html: macro f → m.html: macro g → m.html: macro f"
        );
        let via_include = "{% macro f() %}{% include \"i.html\" %}{% endmacro %}";
        let i = "{% import \"m.html\" as m %}{{ m::f() }}";
        assert!(cycle(&[("m.html", via_include), ("i.html", i)]).is_some());
    }

    #[test]
    fn recursion_under_a_condition_or_loop_is_allowed() {
        assert_eq!(cycle(crate::render::BUILTIN_TEMPLATES), None, "the built-in tree macro");
        assert_eq!(cycle(&[("a.html", "{% if x %}{% include \"a.html\" %}{% endif %}")]), None);
        assert_eq!(cycle(&[("a.html", "{% for c in x %}{% include \"a.html\" %}{% endfor %}")]), None);
    }
}
