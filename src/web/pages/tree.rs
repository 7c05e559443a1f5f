//! An answer's explanation as a collapsible tree: the rule and its citation
//! (linked to the literate text), the branch that fired, the facts read and,
//! folded under it, each rule it used. Rendered from the JSON form of the
//! library's explanations (what `cba eval --explain --format json` prints).

use maud::{Markup, html};
use serde_json::Value;

use crate::web::State;

/// A JSON value as one line of text (strings without quotes).
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// The link to the part of the Agreement a rule cites, with the quote highlighted.
pub fn citation_href(st: &State, rule: &str) -> Option<String> {
    let id = *st.prog.rule_index.get(rule)?;
    let place = st.cites.by_rule.get(id.index())?.first()?;
    Some(format!("/agreement?rule={rule}#{}", place.anchor))
}

/// A citation, linked when the text has the part it cites.
pub fn citation(st: &State, rule: &str, text: &str) -> Markup {
    html! {
        @match citation_href(st, rule) {
            Some(href) => a.citation href=(href) { (text) },
            None => span.citation { (text) },
        }
    }
}

/// One node of the tree, folded, its summary the rule and its value.
pub fn node(st: &State, d: &Value, open: bool) -> Markup {
    let rule = d.get("rule").and_then(Value::as_str).unwrap_or("");
    let args: Vec<String> = d
        .get("args")
        .and_then(Value::as_array)
        .map(|xs| xs.iter().map(plain).collect())
        .unwrap_or_default();
    html! {
        details.tree open[open] {
            summary {
                a href={ "/rules/" (rule) } { code { (rule) @if !args.is_empty() { "(" (args.join(", ")) ")" } } }
                @if let Some(v) = d.get("value") { " = " strong.value { (plain(v)) } }
                @if let Some(e) = d.get("error") { " " span.error { (plain(e)) } }
                @if let Some(c) = d.get("citation").and_then(Value::as_str) { " — " (citation(st, rule, c)) }
            }
            (body(st, d))
        }
    }
}

/// What a node says under its summary: the quote, the reading, the branch, the
/// facts, the tables and, folded, the rules it used.
pub fn body(st: &State, d: &Value) -> Markup {
    let empty = Vec::new();
    let list = |k: &str| d.get(k).and_then(Value::as_array).unwrap_or(&empty).clone();
    html! {
        div.tree-body {
            @if let Some(q) = d.get("quote").and_then(Value::as_str) { blockquote { "“" (q) "”" } }
            @if let Some(doc) = d.get("doc").and_then(Value::as_str) { p.muted { (doc) } }
            @let steps = list("steps");
            @if !steps.is_empty() {
                ul.steps {
                    @for s in &steps {
                        li {
                            @if let Some(obj) = s.as_object() {
                                @for (k, v) in obj {
                                    span.muted { (k) } " " code { (plain(v)) } " "
                                }
                            } @else { code { (plain(s)) } }
                        }
                    }
                }
            }
            @let facts = list("facts");
            @if !facts.is_empty() {
                ul.facts {
                    @for f in &facts {
                        li {
                            "fact " code { (f.get("fact").map(plain).unwrap_or_default()) }
                            " = " code { (f.get("value").map(plain).unwrap_or_default()) }
                            @if f.get("given") == Some(&Value::Bool(false)) { " " span.muted { "(default)" } }
                        }
                    }
                }
            }
            @for t in &list("tables") {
                p { "table " code { (plain(t.get("table").unwrap_or(t))) } }
            }
            @for u in &list("uses") {
                (node(st, u, false))
            }
        }
    }
}
