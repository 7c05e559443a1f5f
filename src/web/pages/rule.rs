//! `/rules` and `/rules/{module.name}`: a page per rule — its type, reading,
//! citation with the quoted words highlighted in the cited text, formula with
//! every rule, function and fact it names linked, the rules that use it, its
//! inline tests and the facts it can read.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};

use super::error_page;
use crate::web::html::{escape, layout, marked, url_encode};
use crate::web::text::quote_ranges;
use crate::web::{AppState, State as St};

pub async fn list(State(st): State<AppState>) -> Markup {
    let prog = &st.prog;
    let body = html! {
        h1 { "Rules" }
        p.muted { "Every rule of the Agreement, by module. Functions of the standard library are listed under their modules too." }
        @for (mi, m) in prog.modules.iter().enumerate() {
            h2 id=(m.name) {
                (m.name)
                @if let (Some(a), Some(t)) = (m.article, &m.title) { " " span.muted { "— Article " (a) ", " (t) } }
                @if m.is_stdlib { " " span.muted { "(standard library)" } }
            }
            ul {
                @for r in prog.rules.iter().filter(|r| r.module.index() == mi) {
                    li { a href={ "/rules/" (r.qualified) } { code { (r.qualified) } }
                        @if let Some(c) = &r.citation { " " span.muted { (c.to_string()) } } }
                }
            }
        }
    };
    layout("Rules", body)
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The rule's source with each name of a rule, function or fact linked; strings
/// and comments left as they are. Every piece is escaped.
pub fn linked_formula(st: &St, module: &str, src: &str) -> Markup {
    let prog = &st.prog;
    let mut out = String::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '"' {
            // A string: up to the closing quote.
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '"' {
                j += if chars[j].1 == '\\' { 2 } else { 1 };
            }
            let end = chars.get(j + 1).map_or(src.len(), |x| x.0);
            out.push_str(&escape(&src[at..end]));
            i = j + 1;
        } else if c == '/' && chars.get(i + 1).is_some_and(|x| x.1 == '/') {
            let end = src[at..].find('\n').map_or(src.len(), |n| at + n);
            out.push_str(&escape(&src[at..end]));
            while i < chars.len() && chars[i].0 < end {
                i += 1;
            }
        } else if is_ident_start(c) {
            let mut j = i;
            while j < chars.len()
                && (is_ident(chars[j].1)
                    || (chars[j].1 == '.' && chars.get(j + 1).is_some_and(|x| is_ident_start(x.1))))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(src.len(), |x| x.0);
            let word = &src[at..end];
            let local = format!("{module}.{word}");
            let rule = if prog.rule_index.contains_key(word) {
                Some(word.to_string())
            } else if prog.rule_index.contains_key(&local) {
                Some(local)
            } else {
                None
            };
            if let Some(r) = rule {
                out.push_str(&format!("<a href=\"/rules/{}\">{}</a>", escape(&r), escape(word)));
            } else if st.fact_paths.contains(word) {
                let m = word.split('.').next().unwrap_or(word);
                out.push_str(&format!(
                    "<a class=\"fact\" href=\"/whatif?module={}#f-{}\">{}</a>",
                    url_encode(m),
                    escape(&word.replace('.', "-")),
                    escape(word)
                ));
            } else {
                out.push_str(&escape(word));
            }
            i = j;
        } else {
            let end = chars.get(i + 1).map_or(src.len(), |x| x.0);
            out.push_str(&escape(&src[at..end]));
            i += 1;
        }
    }
    PreEscaped(out)
}

fn links(names: &[String]) -> Markup {
    html! {
        @if names.is_empty() { span.muted { "none" } }
        @else { ul.links { @for n in names { li { a href={ "/rules/" (n) } { code { (n) } } } } } }
    }
}

pub async fn page(State(st): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(&i) = st.doc_index.get(&name) else {
        return error_page(st.rule_not_found(&name));
    };
    let d = &st.docs[i];
    let prog = &st.prog;
    let r = &prog.rules[d.id];
    let places = &st.cites.by_rule[d.id.index()];
    let quote = d.citation.as_ref().and_then(|c| c.quote.clone());
    let src = &prog.sources.get(r.span.file).text;
    let formula = src.get(r.span.range()).unwrap_or("");
    let body = html! {
        h1 { code { (d.name) } }
        p {
            @if let Some(ps) = &d.params {
                "function (" @for (k, p) in ps.iter().enumerate() { @if k > 0 { ", " } code { (p.name) ": " (p.ty) } } ") → "
            } @else { "rule of type " }
            code.type { (d.ty) }
            " · module " a href={ "/rules#" (d.module) } { (d.module) }
            " · " span.muted { (d.location.to_string()) }
        }
        @if let Some(doc) = &d.doc { p.doc { (doc) } }
        @if let Some(c) = &d.citation {
            h2 { "Citation" }
            p {
                @if let Some(pl) = places.first() {
                    a.citation href={ "/agreement?rule=" (d.name) "#" (pl.anchor) } { (c.text) }
                } @else { (c.text) }
                @if let Some(q) = &quote { " — “" (q) "”" }
            }
            @for pl in places {
                @if let Some(a) = st.agreement.article(pl.article) {
                    @for b in a.blocks.iter().filter(|b| !b.heading && (b.path == pl.path || b.path.starts_with(&format!("{}.", pl.path)))) {
                        @let marks = quote.as_deref().map(|q| quote_ranges(&b.text, q)).unwrap_or_default();
                        @if !marks.is_empty() { blockquote.cited { (marked(&b.text, &marks)) } }
                    }
                }
            }
        }
        h2 { "Formula" }
        pre.formula { (linked_formula(&st, &d.module, formula)) }
        @if d.params.is_none() && !d.from_stdlib {
            p.no-print { a href={ "/whatif?query=" (url_encode(&d.name)) } { "Ask it: what if…" } }
        }
        h2 { "Uses" }
        (links(&d.uses))
        @if !d.tables.is_empty() { p { "tables: " @for t in &d.tables { code { (t) } " " } } }
        h2 { "Used by" }
        (links(&d.used_by))
        h2 { "Tests (" (d.tests.len()) ")" }
        @if d.tests.is_empty() { p.muted { "No inline test expects an answer of it." } }
        @else { ul { @for t in &d.tests { li { (t.module) ": “" (t.name) "” " span.muted { (t.location.to_string()) } } } } }
        h2 { "Facts it can read (" (d.facts_read.len()) ")" }
        @if d.facts_read.is_empty() { p.muted { "None: it answers the same for every case." } }
        @else { ul { @for f in &d.facts_read { li { code { (f) } } } } }
    };
    layout(&d.name, body).into_response()
}
