//! "What would change this?" beside each answer of the what-if page: for every
//! fact the answer read, the nearest values that change it and what it becomes,
//! as `cba eval --flip` reports them. The search is the library's
//! ([`Engine::flips`](crate::api::Engine::flips)); this file only asks for the
//! answers the page was asked about (`flip=QUERY`, or `flip=all`), within a
//! budget of evaluations a page, and shows the reports.

use std::collections::HashMap;

use maud::{Markup, html};
use serde_json::Value;

use super::tree::body;
use crate::api::{Answer, Facts, FlipOptions, FlipReport};
use crate::flip::report::Change;
use crate::web::State;

/// `flip=all`: every answer shown.
pub const ALL: &str = "all";

/// At most this many evaluations a page for the counterfactuals (each answer's
/// own search is bounded too, and says so); the answers past it are not searched,
/// and the page says which.
pub const MAX_PAGE_EVALUATIONS: u64 = 20_000;

/// The counterfactuals the page asked for.
#[derive(Default)]
pub struct Flips {
    pub reports: HashMap<String, FlipReport>,
    /// Answers asked about but not searched: the page's budget was spent.
    pub skipped: Vec<String>,
    /// Whether every answer was asked about (`flip=all`).
    pub all: bool,
    /// The answers asked about by name (searched with explanations and pairs).
    pub named: Vec<String>,
    /// The evaluations the page could spend.
    pub budget: u64,
}

/// Searches the answers `asked` names (`all` for every one), in the page's order,
/// until `budget` evaluations are spent (the page's is [`MAX_PAGE_EVALUATIONS`]).
/// Asked one by one, each flipped answer is explained and pairs of facts are
/// searched; asked for all, not (the page would be long).
pub fn search(st: &State, facts: &Facts, answers: &[Answer], asked: &[String], budget: u64) -> Flips {
    let all = asked.iter().any(|q| q == ALL);
    let mut out = Flips {
        all,
        named: asked.iter().filter(|q| *q != ALL).cloned().collect(),
        budget,
        ..Flips::default()
    };
    let mut spent = 0u64;
    for a in answers {
        let by_name = asked.contains(&a.query);
        if !(all || by_name) {
            continue;
        }
        let Some(rule) = a.rule else { continue };
        if spent >= budget {
            out.skipped.push(a.query.clone());
            continue;
        }
        let opts = FlipOptions {
            explain: by_name,
            why_not: false,
            pairs: by_name,
        };
        if let Some(r) = st.engine.flips(facts, &[rule], opts).into_iter().next() {
            spent += r.evaluations;
            out.reports.insert(a.query.clone(), r);
        }
    }
    out
}

/// The id of an answer's counterfactuals on the page (the button's target).
pub fn anchor(query: &str) -> String {
    format!("flips-{query}")
}

/// Under one answer: its counterfactuals when asked for, else the button that asks.
pub fn section(st: &State, query: &str, flips: &Flips) -> Markup {
    let id = anchor(query);
    html! {
        div.flips id=(id) data-flips=(query) {
            @if let Some(r) = flips.reports.get(query) {
                (report(st, r))
                @if !flips.named.iter().any(|q| q == query) {
                    p.no-print { (ask_button(query, "With the explanations (and pairs of facts)")) }
                }
            } @else if flips.skipped.iter().any(|q| q == query) {
                p.bound {
                    "Not searched: this page's bound of " (flips.budget) " evaluations was spent on the answers above. "
                    (ask_button(query, "Search this answer alone"))
                }
            } @else {
                (ask_button(query, "What would change this?"))
            }
        }
    }
}

/// A submit button of the what-if form asking for one answer's counterfactuals
/// (the form's values go with it; the page opens at the answer).
fn ask_button(query: &str, label: &str) -> Markup {
    html! {
        button.flip-ask type="submit" name="flip" value=(query) formaction={ "/whatif#" (anchor(query)) } { (label) }
    }
}

/// One answer's counterfactuals: a row per fact it read, each value that
/// changes the answer and what the answer becomes, the notes of searches that
/// stopped at a bound or were not made.
fn report(st: &State, r: &FlipReport) -> Markup {
    html! {
        p.flips-head {
            strong { "What would change this?" } " "
            span.muted { "each fact the answer read, the nearest values that change it (all else held), each evaluated — " (r.evaluations) " evaluations" }
        }
        table.flips {
            thead { tr { th { "fact = in this case" } th { "would change it → the answer" } } }
            tbody {
                @for f in &r.facts {
                    tr data-fact=(f.fact) {
                        td { code { (f.fact) } " = " code.case-value { (f.value.text) } }
                        td {
                            @if f.flips.is_empty() && f.notes.is_empty() {
                                span.muted { "no other value changes the answer" }
                            }
                            ul.flip-list {
                                @for x in &f.flips {
                                    li.flip data-change=(change_name(x.change)) {
                                        code.flip-value { (x.what()) }
                                        @if let Some(d) = &x.distance {
                                            " " span.muted { "(" (d) @if x.every_step_checked == Some(false) { "; by bisection" } ")" }
                                        }
                                        " → " strong.flip-answer.error[x.answer.error.is_some()] { (x.answer.text) }
                                        @if let Some(e) = x.explanation.as_ref().and_then(|e| serde_json::from_str::<Value>(e.get()).ok()) {
                                            details.tree.flip-why {
                                                summary { "its explanation" }
                                                (body(st, &e))
                                            }
                                        }
                                    }
                                }
                                @for n in &f.notes { li.note { (n) } }
                            }
                        }
                    }
                }
            }
        }
        // Pairs are searched only when no single fact changes a true/false or enum
        // answer; the notes of a search not made would be noise here.
        @if let Some(pairs) = &r.pairs {
            @if pairs.is_empty() { p.muted { "No pair of facts tried changes the answer." } }
            @for p in pairs {
                p.pair {
                    "Together: " code { (p.facts[0]) } " = " code.flip-value { (p.values[0].text) }
                    " and " code { (p.facts[1]) } " = " code.flip-value { (p.values[1].text) }
                    " → " strong.flip-answer { (p.answer.text) }
                }
            }
            @for n in &r.pair_notes { p.note { (n) } }
        }
    }
}

fn change_name(c: Change) -> &'static str {
    match c {
        Change::Earlier => "earlier",
        Change::Later => "later",
        Change::Lower => "lower",
        Change::Higher => "higher",
        Change::Other => "other",
        Change::Absent => "absent",
        Change::Present => "present",
        Change::Removed => "removed",
        Change::Added => "added",
    }
}
