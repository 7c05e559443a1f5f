//! Proposals served beside the Agreement: each read as `cba diff --base` reads
//! one (its modules replace the Agreement's of the same name), compared once
//! at start-up over the population, and kept with its outcome impact.

use std::sync::Arc;

use serde_json::{Value, json};

use super::impact::{QueryImpact, impact};
use super::{State, WebError};
use crate::api::{DiffCases, DiffReport, Engine, diff_labeled};
use crate::diff::Version;
use crate::diff::outcomes::CaseInput;

/// A proposal and what it changes.
pub struct Proposal {
    pub name: String,
    pub engine: Engine,
    pub report: DiffReport,
    pub impact: Vec<QueryImpact>,
}

/// The cases proposals are compared over.
#[derive(Clone)]
pub enum Population {
    /// The inline tests of both versions.
    Tests,
    /// Cases read from `--population`.
    Cases { label: String, cases: Vec<CaseInput> },
}

impl Population {
    pub fn describe(&self) -> String {
        match self {
            Population::Tests => "the Agreement's test cases".into(),
            Population::Cases { label, cases } => format!("{} cases from `{label}`", cases.len()),
        }
    }

    fn cases(&self) -> DiffCases {
        match self {
            Population::Tests => DiffCases::InlineTests,
            Population::Cases { cases, .. } => DiffCases::Given(cases.clone()),
        }
    }
}

/// Loads a proposal from its files (already read) over the base's and compares it.
pub fn compare(
    name: &str,
    base: &Engine,
    base_files: &Version,
    files: Vec<(String, String)>,
    population: &Population,
) -> Result<Proposal, String> {
    let version = Version {
        label: name.to_string(),
        files: crate::api::overlay(&base_files.files, files),
    };
    let loaded = version.load()?;
    let engine = Engine::from_arc(loaded.program);
    let report = diff_labeled(base, &engine, ("the Agreement", name), &population.cases())?;
    let impact = impact(&report.result, engine.program());
    Ok(Proposal {
        name: name.to_string(),
        engine,
        report,
        impact,
    })
}

/// The modules of a proposal directory, read (the server reads only at start-up).
pub fn read_dir(dir: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    let files = crate::source::read_dir_cba(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    if files.is_empty() {
        return Err(format!("`{}` holds no `.cba` files", dir.display()));
    }
    Ok(files)
}

/// The report of `POST /api/diff` as JSON: `cba diff --format json`'s object
/// with `impact` added.
pub fn report_json(p: &Proposal) -> Value {
    let mut v = serde_json::to_value(&p.report).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut v {
        o.insert("impact".into(), json!(p.impact));
    }
    v
}

/// `POST /api/diff`: a proposal by name, or one given inline.
pub fn diff_request(st: &Arc<State>, req: super::api::DiffRequest) -> Result<Value, WebError> {
    let population = match &req.cases {
        None => st.population.clone(),
        Some(cases) => Population::Cases {
            label: "the request".into(),
            cases: cases
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let text = c.to_string();
                    crate::facts::parse_json(&text)
                        .map(|facts| CaseInput {
                            name: format!("case {}", i + 1),
                            facts,
                        })
                        .map_err(|e| WebError::bad(format!("case {}: {}", i + 1, e.message)))
                })
                .collect::<Result<_, _>>()?,
        },
    };
    match (&req.proposal, req.modules.is_empty()) {
        (Some(name), true) => {
            let p = st.proposals.iter().find(|p| &p.name == name).ok_or_else(|| {
                let names: Vec<&str> = st.proposals.iter().map(|p| p.name.as_str()).collect();
                WebError::not_found(
                    format!("no proposal `{name}`"),
                    Some(if names.is_empty() {
                        "the server was started without `--proposal NAME=DIR`; send the modules inline".into()
                    } else {
                        format!("the proposals are {}", names.join(", "))
                    }),
                )
            })?;
            if req.cases.is_none() {
                return Ok(report_json(p));
            }
            let files: Vec<(String, String)> = p
                .engine
                .program()
                .sources
                .files
                .iter()
                .filter(|f| !f.name.starts_with("stdlib/"))
                .map(|f| (f.name.clone(), f.text.clone()))
                .collect();
            let q = compare(name, &st.engine, &st.base_files, files, &population).map_err(unprocessable)?;
            Ok(report_json(&q))
        }
        (None, false) => {
            let files: Vec<(String, String)> = req.modules.into_iter().collect();
            let q = compare("proposal", &st.engine, &st.base_files, files, &population).map_err(unprocessable)?;
            Ok(report_json(&q))
        }
        _ => Err(WebError::bad_help(
            "name a proposal or give its modules, not both nor neither",
            "send {\"proposal\": \"NAME\"} or {\"modules\": {\"grievance.cba\": \"…\"}}",
        )),
    }
}

fn unprocessable(message: String) -> WebError {
    WebError::Unprocessable {
        message,
        details: Value::Null,
    }
}
