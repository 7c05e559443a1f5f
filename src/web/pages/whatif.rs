//! `/whatif`: ask the Agreement about a case. For a module (`?module=grievance`)
//! or queries (`?query=NAME`, repeatable), a form asking only for the facts
//! those queries can read; submitted (a GET: the case lives in the URL, so a
//! link reopens it), every answer with its explanation tree and citation, and
//! each fact's trouble under its input. `?example=NAME` starts from an
//! embedded `examples/facts/NAME.json`, `?case=JSON` from any fact file (the
//! upload button puts one there); `/whatif/case.json?…` downloads the case.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde_json::Value;

use super::error_page;
use super::flips::{self, Flips};
use super::tree::{body, citation};
use crate::api::{AnswerErrorKind, ExplainMode, FactFormat};
use crate::web::form::{self, Field, Values};
use crate::web::html::{layout, url_encode};
use crate::web::{AppState, EXAMPLES, WebError};

/// The parameters of the page, from the raw query string (repeated keys kept).
struct Ask {
    pairs: Vec<(String, String)>,
    module: Option<String>,
    queries: Vec<String>,
    example: Option<String>,
    case: Option<String>,
    /// The answers whose counterfactuals are asked for (`flip=QUERY`, or `flip=all`).
    flips: Vec<String>,
}

impl Ask {
    fn parse(raw: Option<&str>) -> Ask {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let one = |k: &str| {
            pairs
                .iter()
                .find(|(x, v)| x == k && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        Ask {
            module: one("module"),
            queries: pairs
                .iter()
                .filter(|(k, v)| k == "query" && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect(),
            example: one("example"),
            case: one("case"),
            flips: {
                let mut fs: Vec<String> = Vec::new();
                for (k, v) in &pairs {
                    if k == "flip" && !v.is_empty() && !fs.contains(v) {
                        fs.push(v.clone());
                    }
                }
                fs
            },
            pairs,
        }
    }

    /// The query patterns asked: the queries named, else the module's.
    fn patterns(&self) -> Vec<String> {
        if !self.queries.is_empty() {
            self.queries.clone()
        } else if let Some(m) = &self.module {
            vec![format!("{m}.*")]
        } else {
            Vec::new()
        }
    }
}

/// An embedded example fact file by name (`grievance`) or path.
pub fn example(name: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(p, _)| {
            let stem = p.rsplit('/').next().unwrap_or(p).trim_end_matches(".json");
            stem == name || *p == name
        })
        .map(|(_, t)| *t)
}

fn example_names() -> Vec<&'static str> {
    EXAMPLES
        .iter()
        .map(|(p, _)| p.rsplit('/').next().unwrap_or(p).trim_end_matches(".json"))
        .collect()
}

/// The fields of the facts the queries can read, in schema order: their static
/// lineage, the library's (what `cba inputs` lists), through every rule,
/// function and table they reach, with the closures where workdays are counted.
fn fields_for(st: &crate::web::State, patterns: &[String]) -> Result<Vec<Field>, WebError> {
    let queries = st
        .engine
        .select_static(patterns)
        .map_err(|e| WebError::bad_help(e.message.clone(), "pick a module or query from the list"))?;
    let ids: Vec<_> = queries.iter().map(|q| q.id).collect();
    let lineage = st.engine.inputs(&ids, None);
    let read: BTreeSet<&str> = lineage.facts.iter().map(|f| f.fact.as_str()).collect();
    Ok(st
        .schema
        .iter()
        .filter(|f| read.contains(f.path.as_str()))
        .map(|f| {
            Field::new(
                &f.path,
                &f.ty,
                f.default.as_ref().map(|d| d.get()),
                f.doc.as_deref(),
                f.enum_values.as_deref(),
                f.optional,
            )
        })
        .collect())
}

/// The values to show: the submitted form, else the shared case, else the example.
fn values_for(ask: &Ask, fields: &[Field]) -> Result<Values, WebError> {
    if let Some(v) = form::values_from_pairs(fields, &ask.pairs) {
        return Ok(v);
    }
    let text = match (&ask.case, &ask.example) {
        (Some(c), _) => c.as_str(),
        (None, Some(e)) => example(e).ok_or_else(|| {
            WebError::not_found(
                format!("no example `{e}`"),
                Some(format!("the examples are {}", example_names().join(", "))),
            )
        })?,
        (None, None) => return Ok(Values::new()),
    };
    let root: Value = serde_json::from_str(text)
        .map_err(|e| WebError::bad_help(format!("the case is not JSON: {e}"), "upload a JSON fact file"))?;
    Ok(form::values_from_json(fields, &root))
}

/// `/whatif/case.json?…`: the case of the same URL as a fact file, to download.
pub async fn download(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let ask = Ask::parse(raw.as_deref());
    let result = fields_for(&st, &ask.patterns()).and_then(|fields| {
        let values = values_for(&ask, &fields)?;
        Ok(form::to_fact_file(&fields, &values).0)
    });
    match result {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"case.json\""),
            ],
            text,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn page(State(st): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let mut ask = Ask::parse(raw.as_deref());
    // An example names its module.
    if ask.module.is_none()
        && ask.queries.is_empty()
        && let Some(e) = &ask.example
        && st.prog.modules.iter().any(|m| &m.name == e)
    {
        ask.module = Some(e.clone());
    }
    let patterns = ask.patterns();
    if patterns.is_empty() {
        return chooser(&st, None).into_response();
    }
    let fields = match fields_for(&st, &patterns) {
        Ok(f) => f,
        Err(e) => return (e.status(), chooser(&st, Some(&e))).into_response(),
    };
    let values = match values_for(&ask, &fields) {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let (file, bad) = form::to_fact_file(&fields, &values);
    let mut errors: BTreeMap<String, Vec<String>> = bad.into_iter().map(|(k, v)| (k, vec![v])).collect();
    let mut top_error: Option<String> = None;
    let mut answers = Vec::new();
    let mut flipped = Flips::default();
    if !values.is_empty() {
        match st.engine.facts_from_text("case", &file, FactFormat::Json) {
            Err(e) => top_error = Some(e.to_string()),
            Ok(facts) => match st.engine.select(&patterns, &facts) {
                Err(e) => top_error = Some(e.message.clone()),
                Ok(queries) => {
                    // Under the server's time limit, as `/api/eval` is: a
                    // slow evaluation is stopped by its flag, not just left.
                    let cancel = st.timer.start(st.limits.timeout);
                    let ev = st.engine.evaluate_until(
                        &facts,
                        &queries,
                        ExplainMode::On,
                        Some(std::sync::Arc::clone(&cancel)),
                    );
                    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                        return error_page(crate::web::error::WebError::Timeout {
                            limit: st.limits.timeout,
                        });
                    }
                    for a in &ev.answers {
                        if let Err(e) = &a.value
                            && let Some(f) = &e.fact
                        {
                            let msg = match e.kind {
                                AnswerErrorKind::MissingFact => format!("needed by `{}`", a.query),
                                _ => e.message.clone(),
                            };
                            let list = errors.entry(f.clone()).or_default();
                            if !list.contains(&msg) && list.len() < 4 {
                                list.push(msg);
                            }
                        }
                    }
                    answers = ev.answers;
                    flipped = flips::search(&st, &facts, &answers, &ask.flips, flips::MAX_PAGE_EVALUATIONS);
                }
            },
        }
    }
    let title = ask.module.clone().unwrap_or_else(|| ask.queries.join(", "));
    let here = raw.unwrap_or_default();
    let body = html! {
        h1 { "What if — " (title) }
        form.facts method="get" action="/whatif" {
            @if let Some(m) = &ask.module { input type="hidden" name="module" value=(m); }
            @for q in &ask.queries { input type="hidden" name="query" value=(q); }
            @for q in &ask.flips { input type="hidden" name="flip" value=(q); }
            p.no-print {
                button type="submit" id="ask" { "Answer" } " "
                a href={ "/whatif/case.json?" (here) } download="case.json" { "download the case (JSON)" } " · "
                label.inline { "upload a fact file " input type="file" id="upload" accept=".json,application/json"; }
            }
            @if let Some(e) = &top_error { p.error { (e) } }
            div.whatif {
                div.facts-column {
                    (form::render(&fields, &values, &errors))
                    p { button type="submit" { "Answer" } }
                }
                div.answers-column {
                    @if answers.is_empty() { p.muted { "Fill in the case and press Answer." } }
                    @else { (answer_list(&st, &answers, &flipped)) }
                }
            }
        }
        (starts(&st, &ask))
        script src="/assets/whatif.js" {}
    };
    layout(&format!("What if — {title}"), body).into_response()
}

fn answer_list(st: &crate::web::State, answers: &[crate::api::Answer], flipped: &Flips) -> Markup {
    html! {
        section.answers {
            h2 { "Answers" }
            p.muted {
                "Open an answer for its derivation: the branch that fired, the facts read, the rules used. "
                "“What would change this?” finds, for each fact it read, the nearest values that change it."
            }
            @if !flipped.all {
                p.no-print { button.flip-ask type="submit" name="flip" value=(flips::ALL) { "What would change each answer?" } }
            }
            @if !flipped.skipped.is_empty() {
                p.bound {
                    "The counterfactuals of " (flipped.skipped.len()) " answers were not searched: this page's bound of "
                    (flipped.budget) " evaluations was spent. Ask for them one at a time."
                }
            }
            @for a in answers {
                @let rule = st.prog.rule_index.get(&a.query).map(|&id| &st.prog.rules[id]);
                @let explanation = serde_json::to_value(a).ok().and_then(|v| v.get("explanation").cloned());
                details.tree.answer data-query=(a.query) {
                    summary {
                        a href={ "/rules/" (a.query) } { code { (a.query) } } " = "
                        @match (&a.value, a.value_text()) {
                            (Ok(_), Some(v)) => strong.value { (v) },
                            (Err(e), _) => span.error.value { (e.message) },
                            _ => span.value { "" },
                        }
                        @if let Some(c) = rule.and_then(|r| r.citation.as_ref()) {
                            " — " (citation(st, &a.query, &c.to_string()))
                        }
                    }
                    @if let Some(x) = &explanation { (body(st, x)) }
                }
                (flips::section(st, &a.query, flipped))
            }
        }
    }
}

/// The examples to start from.
fn starts(st: &crate::web::State, ask: &Ask) -> Markup {
    let module = ask.module.as_deref();
    html! {
        section.no-print {
            h2 { "Start from an example" }
            p {
                @for name in example_names() {
                    @let m = if st.prog.modules.iter().any(|x| x.name == name) { name } else { module.unwrap_or(name) };
                    a.chip href={ "/whatif?module=" (url_encode(m)) "&example=" (url_encode(name)) } { (name) } " "
                }
            }
        }
    }
}

/// The page without a module: pick one, or an example.
fn chooser(st: &crate::web::State, err: Option<&WebError>) -> Markup {
    let modules: Vec<&str> = st
        .prog
        .modules
        .iter()
        .filter(|m| !m.is_stdlib)
        .map(|m| m.name.as_str())
        .collect();
    let body = html! {
        h1 { "What if" }
        @if let Some(e) = err {
            p.error { (e.message()) }
            @if let Some(h) = e.help() { p.muted { "help: " (h) } }
        }
        form method="get" action="/whatif" {
            label { "Ask about " select name="module" { @for m in &modules { option value=(m) { (m) } } } }
            " " button type="submit" { "Open the form" }
        }
        (starts(st, &Ask::parse(None)))
    };
    layout("What if", body)
}
