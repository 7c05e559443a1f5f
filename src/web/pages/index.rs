//! `/`: what the server offers.

use axum::extract::State;
use maud::{Markup, html};

use crate::web::AppState;
use crate::web::html::layout;

pub async fn page(State(st): State<AppState>) -> Markup {
    let rules = st
        .prog
        .rules
        .iter()
        .filter(|r| !st.prog.modules[r.module].is_stdlib)
        .count();
    layout(
        "cba",
        html! {
            h1 { "The Agreement as rules you can run" }
            p { "The AALJ–ODAR National Agreement, " (rules) " rules over "
                (st.agreement.articles.len()) " articles. Every answer is traceable to the section it comes from." }
            ul {
                li { a href="/agreement" { "Read the Agreement" } ", with the rules that cite each section beside it." }
                li { a href="/rules" { "Browse the rules" } ": their formulas, citations, tests and the facts they read." }
                li { a href="/whatif?module=grievance&example=grievance" { "Ask what if" } ": fill in a case, get every answer explained." }
                li { a href="/proposals" { "Compare proposals" } ": what a proposal changes, in rules and in outcomes." }
                li { a href="/api/openapi.json" { "The JSON API" } " for HR and payroll systems." }
            }
        },
    )
}
