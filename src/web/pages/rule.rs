//! `/rules` and `/rules/{module.name}`: a page per rule — its type, reading,
//! citation with the quoted words highlighted in the cited text, formula with
//! links, the rules that use it, its tests and the facts it can read.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::error_page;
use crate::web::html::{layout, marked};
use crate::web::text::quote_ranges;
use crate::web::{AppState, WebError};

pub async fn list(State(st): State<AppState>) -> Markup {
    let prog = &st.prog;
    let body = html! {
        h1 { "Rules" }
        @for (mi, m) in prog.modules.iter().enumerate().filter(|(_, m)| !m.is_stdlib) {
            h2 id=(m.name) {
                (m.name)
                @if let (Some(a), Some(t)) = (m.article, &m.title) { " " span.muted { "— Article " (a) ", " (t) } }
            }
            ul {
                @for r in prog.rules.iter().filter(|r| r.module as usize == mi) {
                    li { a href={ "/rules/" (r.qualified) } { code { (r.qualified) } }
                        @if let Some(c) = &r.citation { " " span.muted { (c.to_string()) } } }
                }
            }
        }
    };
    layout("Rules", body)
}

pub async fn page(State(st): State<AppState>, Path(name): Path<String>) -> Response {
    let prog = &st.prog;
    let Some(&id) = prog.rule_index.get(&name) else {
        let hint = crate::diag::did_you_mean(&name, prog.rules.iter().map(|r| r.qualified.as_str()))
            .map(|s| format!("did you mean `{s}`?"));
        return error_page(WebError::not_found(format!("no rule `{name}`"), hint));
    };
    let r = &prog.rules[id as usize];
    let places = &st.cites.by_rule[id as usize];
    let quote = r.citation.as_ref().and_then(|c| c.quote.clone());
    let src = &prog.sources.get(r.span.file).text;
    let formula = src.get(r.span.range()).unwrap_or("");
    let body = html! {
        h1 { code { (r.qualified) } }
        @if let Some(d) = &r.doc { p.doc { (d) } }
        @if let Some(c) = &r.citation {
            h2 { "Citation" }
            p {
                @if let Some(pl) = places.first() {
                    a.citation href={ "/agreement?rule=" (r.qualified) "#" (pl.anchor) } { (c.to_string()) }
                } @else { (c.to_string()) }
                @if let Some(q) = &quote { " — “" (q) "”" }
            }
            @for pl in places {
                @if let Some(a) = st.agreement.article(pl.article) {
                    @for b in a.blocks.iter().filter(|b| !b.heading && (b.path == pl.path || b.path.starts_with(&format!("{}.", pl.path)))) {
                        @let marks = quote.as_deref().map(|q| quote_ranges(&b.text, q)).unwrap_or_default();
                        @if !marks.is_empty() { blockquote { (marked(&b.text, &marks)) } }
                    }
                }
            }
        }
        h2 { "Formula" }
        pre.formula { (formula) }
    };
    layout(&r.qualified, body).into_response()
}
