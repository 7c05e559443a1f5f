//! `/proposals`: the Agreement and its proposals side by side — the redline of
//! each changed rule with its citation (constants said plainly), and the
//! outcome impact over the population. Printable (the stylesheet's print
//! layout drops the navigation and keeps each change on one page).

use axum::extract::State;
use maud::{Markup, html};

use super::tree::citation;
use crate::diff::rules::ItemChange;
use crate::web::html::layout;
use crate::web::impact::signed;
use crate::web::proposals::Proposal;
use crate::web::{AppState, State as St};

pub async fn page(State(st): State<AppState>) -> Markup {
    let body = html! {
        h1 { "Proposals" }
        @if st.proposals.is_empty() {
            p { "No proposals: start the server with " code { "--proposal NAME=DIR" } " (a directory of modules, each replacing the Agreement's module of the same name), for example" }
            pre { "cba serve --proposal union=examples/proposals/2026-union" }
        } @else {
            p.muted { "Outcomes compared over " (st.population.describe()) "." }
            table.summary {
                thead { tr { th { "proposal" } th { "rules changed" } th { "cases changed" } } }
                tbody {
                    @for p in &st.proposals {
                        tr data-proposal=(p.name) {
                            td { a href={ "#proposal-" (p.name) } { (p.name) } }
                            td.changed-count { (p.report.result.changes.len()) }
                            td { (p.report.result.outcomes.cases.len()) " of " (p.report.result.outcomes.total) }
                        }
                    }
                }
            }
            p.no-print { button type="button" onclick="window.print()" { "Print for the table" } }
            div class=(if st.proposals.len() > 1 { "side-by-side" } else { "" }) {
                @for p in &st.proposals { (proposal(&st, p)) }
            }
        }
    };
    layout("Proposals", body)
}

fn proposal(st: &St, p: &Proposal) -> Markup {
    let r = &p.report.result;
    html! {
        section.proposal id={ "proposal-" (p.name) } {
            h2 { (p.name) }
            p { strong { (r.changes.len()) } " rules changed; " strong { (r.outcomes.cases.len()) } " of " (r.outcomes.total) " cases answer differently." }
            h3 { "Impact" }
            @if p.impact.is_empty() {
                p.muted { "No answer changes in these cases." }
            } @else {
                table.impact {
                    thead { tr { th { "query" } th { "cases changed" } th { "total change" } th { "mean change" } } }
                    tbody {
                        @for q in &p.impact {
                            tr data-query=(q.query) {
                                td { a href={ "/rules/" (q.query) } { code { (q.query) } } }
                                td { (q.changed) " of " (q.cases) }
                                td { @if let (Some(t), Some(u)) = (q.total, &q.unit) { (signed(t, u)) } }
                                td { @if let (Some(m), Some(u)) = (q.mean, &q.unit) { (signed(m, u)) } }
                            }
                        }
                    }
                }
            }
            h3 { "Changes" }
            @for c in &r.changes { (change(st, p, c)) }
        }
    }
}

fn change(st: &St, p: &Proposal, c: &ItemChange) -> Markup {
    let doc = c
        .rule
        .as_deref()
        .and_then(|n| {
            p.engine
                .program()
                .rule_index
                .get(n)
                .map(|&id| &p.engine.program().rules[id])
        })
        .and_then(|r| r.doc.clone());
    let rule = c.rule.as_deref().unwrap_or(&c.name);
    html! {
        section.change data-item=(c.name) {
            h4 {
                (c.kind) " " a href={ "/rules/" (rule) } { code { (c.name) } }
                " " span.chip { (format!("{:?}", c.change).to_lowercase()) }
                @if !c.citation.is_empty() { " — " (citation(st, rule, &c.citation)) }
            }
            @if let Some(d) = &doc { p.doc { (d) } }
            @for line in c.plain() { p { (line) } }
            div.redline.side-by-side {
                div {
                    h5 { "the Agreement" }
                    pre { @for l in c.lines.iter().filter(|l| l.tag != '+') {
                        @if l.tag == '-' { del { (l.text) } "\n" } @else { (l.text) "\n" }
                    } }
                }
                div {
                    h5 { (p.name) }
                    pre { @for l in c.lines.iter().filter(|l| l.tag != '-') {
                        @if l.tag == '+' { ins { (l.text) } "\n" } @else { (l.text) "\n" }
                    } }
                }
            }
            @if !c.affected.is_empty() {
                p.muted { "affects: " @for (i, a) in c.affected.iter().enumerate() {
                    @if i > 0 { ", " } a href={ "/rules/" (a) } { code { (a) } }
                } }
            }
        }
    }
}
