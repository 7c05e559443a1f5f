//! `/agreement`: the Agreement's text, literate — beside each section the rules
//! that cite it; `?rule=NAME` highlights the words that rule quotes; `/search`
//! finds rules, facts and words of the text.

use axum::extract::{Query, State};
use maud::{Markup, html};
use serde::Deserialize;

use crate::web::AppState;
use crate::web::html::{layout, marked, url_encode};
use crate::web::text::{anchor, quote_ranges};

#[derive(Deserialize, Default)]
pub struct Params {
    /// A rule whose quoted words are highlighted.
    pub rule: Option<String>,
}

pub async fn page(State(st): State<AppState>, Query(p): Query<Params>) -> Markup {
    let prog = &st.prog;
    // The rule whose quote to highlight, with the parts of the text it cites.
    let hl = p.rule.as_deref().and_then(|name| {
        let id = *prog.rule_index.get(name)?;
        let r = &prog.rules[id];
        let quote = r.citation.as_ref()?.quote.clone()?;
        Some((name.to_string(), st.cites.by_rule[id.index()].clone(), quote))
    });
    let body = html! {
        h1 { "The Agreement" }
        p.muted { "The AALJ–ODAR National Agreement, effective September 30, 2013. Beside each section: the rules that cite it." }
        @if let Some((name, _, _)) = &hl {
            p.chip.no-print { "Highlighted: the words " a href={ "/rules/" (name) } { code { (name) } } " quotes." }
        }
        nav.toc aria-label="contents" {
            ol {
                @for a in &st.agreement.articles {
                    li { a href={ "#" (anchor(a.number, "")) } { "Article " (a.number) " — " (a.title) } }
                }
            }
        }
        @for a in &st.agreement.articles {
            section.article {
                h2 id=(anchor(a.number, "")) { "Article " (a.number) " — " (a.title) }
                div.literate {
                    @for b in &a.blocks {
                        @let rules = b.id.as_ref().and_then(|id| st.cites.by_anchor.get(id));
                        @let marks = match &hl {
                            Some((_, places, quote)) if places.iter().any(|pl| pl.article == a.number && (b.path == pl.path || b.path.starts_with(&format!("{}.", pl.path)) || pl.path.is_empty())) => quote_ranges(&b.text, quote),
                            _ => Vec::new(),
                        };
                        div.row.cited[rules.is_some()] {
                            div.text {
                                @if b.heading {
                                    h3 id=[b.id.as_deref()] { (b.text) }
                                } @else {
                                    p id=[b.id.as_deref()] class={ "d" (b.depth) } { (marked(&b.text, &marks)) }
                                }
                            }
                            div.rules {
                                @if let Some(ids) = rules {
                                    @for id in ids {
                                        @let r = &prog.rules[*id as usize];
                                        a.rule-link href={ "/rules/" (r.qualified) } { (r.qualified) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout("The Agreement", body)
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
}

/// Rules, facts and passages of the text matching the words searched.
pub async fn search(State(st): State<AppState>, Query(p): Query<SearchParams>) -> Markup {
    let q = p.q.trim().to_lowercase();
    let prog = &st.prog;
    let (rules, facts, passages) = if q.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let rules: Vec<&str> = prog
            .rules
            .iter()
            .filter(|r| !prog.modules[r.module].is_stdlib && r.qualified.to_lowercase().contains(&q))
            .map(|r| r.qualified.as_str())
            .take(100)
            .collect();
        let facts: Vec<&str> = prog
            .facts
            .iter()
            .filter(|f| f.path.to_lowercase().contains(&q))
            .map(|f| f.path.as_str())
            .take(100)
            .collect();
        let mut passages = Vec::new();
        for a in &st.agreement.articles {
            for b in &a.blocks {
                let lower = b.text.to_lowercase();
                // Case-folding keeps byte offsets only for ASCII; mark only then.
                if let Some(i) = lower.find(&q) {
                    let marks = if lower.len() == b.text.len() {
                        vec![(i, i + q.len())]
                    } else {
                        Vec::new()
                    };
                    passages.push((a.number, a.title.as_str(), b.path.as_str(), b.text.as_str(), marks));
                }
            }
        }
        (rules, facts, passages)
    };
    let body = html! {
        h1 { "Search" }
        form action="/search" method="get" {
            input type="search" name="q" value=(p.q) autofocus;
            " " button { "Search" }
        }
        @if !q.is_empty() {
            h2 { "Rules (" (rules.len()) ")" }
            ul { @for r in &rules { li { a href={ "/rules/" (r) } { code { (r) } } } } }
            h2 { "Facts (" (facts.len()) ")" }
            ul { @for f in &facts { li { code { (f) } " — " a href={ "/whatif?module=" (url_encode(f.split('.').next().unwrap_or(f))) } { "ask with it" } } } }
            h2 { "The text (" (passages.len()) ")" }
            @for (n, title, path, text, marks) in passages.iter().take(100) {
                p {
                    a href={ "/agreement#" (anchor(*n, path)) } { "Art. " (n) @if !path.is_empty() { " §" (path) } } " " span.muted { (title) } br;
                    (marked(text, marks))
                }
            }
        }
    };
    layout("Search", body)
}
