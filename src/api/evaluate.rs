//! Answering queries: [`Engine::evaluate`] → [`Evaluation`], and
//! [`Engine::eval_expr`]. An evaluation renders itself as `cba eval` prints it
//! ([`Evaluation::to_json`], [`Evaluation::to_text`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{Engine, Facts, Query};
use crate::diag::Diagnostic;
use crate::eval::{ErrorKind, EvalError};
use crate::explain::derive::Derivation;
use crate::ir::{Program, RuleId};
use crate::source::SourceMap;
use crate::types::Type;
use crate::values::value::Value;

/// Whether answers come with their explanations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExplainMode {
    #[default]
    Off,
    /// The rules used, the branch that fired, the facts read, the citations.
    On,
    /// Also the `when` branches that did not fire, and why.
    WhyNot,
}

impl ExplainMode {
    fn options(self) -> Option<crate::explain::Options> {
        match self {
            ExplainMode::Off => None,
            ExplainMode::On => Some(crate::explain::Options { why_not: false }),
            ExplainMode::WhyNot => Some(crate::explain::Options { why_not: true }),
        }
    }
}

/// What kind of failure an [`AnswerError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerErrorKind {
    /// A fact the rule needs is not given and has no default.
    MissingFact,
    /// A fact is given but not of its declared type.
    BadFact,
    /// The rules say the case is in error (`error("…")`).
    Raised,
    /// Division by zero, a date out of range, …
    Runtime,
}

/// Why a query has no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    pub kind: AnswerErrorKind,
    /// The one-line message `cba eval` prints: the fact, the rule that needed
    /// it and that rule's citation.
    pub message: String,
    /// The fact at fault (missing or mistyped facts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
}

impl AnswerError {
    fn of(prog: &Program, e: &EvalError) -> AnswerError {
        let (kind, fact) = match &e.kind {
            ErrorKind::MissingFact(f) => (AnswerErrorKind::MissingFact, Some(*f)),
            ErrorKind::BadFact(f, _) => (AnswerErrorKind::BadFact, Some(*f)),
            ErrorKind::Raised(_) => (AnswerErrorKind::Raised, None),
            ErrorKind::Runtime(_) => (AnswerErrorKind::Runtime, None),
        };
        AnswerError {
            kind,
            message: e.message(prog),
            fact: fact.map(|f| prog.facts[f].path.clone()),
        }
    }
}

/// One query's answer.
#[derive(Clone)]
pub struct Answer {
    /// The query's name, as asked (or the expression's text).
    pub query: String,
    /// The rule answered; `None` for an expression.
    pub rule: Option<RuleId>,
    /// The answer's type.
    pub ty: Type,
    pub value: Result<Value, AnswerError>,
    /// The derivation, when asked for.
    pub explanation: Option<Derivation>,
    prog: Arc<Program>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("query", &self.query)
            .field("rule", &self.rule)
            .field("ty", &self.ty)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

impl Answer {
    /// The value as JSON text, one line (as in `cba eval --format json`).
    pub fn value_json(&self) -> Option<String> {
        self.value.as_ref().ok().map(|v| {
            let mut s = String::new();
            crate::eval::format::write_json(&mut s, &self.prog, v, &self.ty);
            s
        })
    }

    /// The value as a reader would write it (`$1,500.00`, `35 workdays`).
    pub fn value_text(&self) -> Option<String> {
        self.value
            .as_ref()
            .ok()
            .map(|v| crate::eval::format::text(&self.prog, v, &self.ty))
    }

    /// The explanation as text (`cba eval --explain`).
    pub fn explanation_text(&self, mode: ExplainMode) -> Option<String> {
        let opts = mode.options().unwrap_or_default();
        self.explanation
            .as_ref()
            .map(|d| crate::explain::text::render(&self.prog, d, opts))
    }
}

/// `{"query", "type", "value" | "error", "explanation"?}`
impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Answer", 4)?;
        st.serialize_field("query", &self.query)?;
        st.serialize_field("type", &super::docs::type_name(&self.prog, &self.ty))?;
        match &self.value {
            Ok(_) => st.serialize_field("value", &Raw(self.value_json().unwrap_or_default()))?,
            Err(e) => st.serialize_field("error", e)?,
        }
        if let Some(d) = &self.explanation {
            st.serialize_field(
                "explanation",
                &crate::explain::json::derivation(&self.prog, d, Default::default()),
            )?;
        }
        st.end()
    }
}

/// The answers of one evaluation, in the order asked.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub answers: Vec<Answer>,
    pub mode: ExplainMode,
}

impl Evaluation {
    /// Whether any query failed (the exit status of `cba eval`).
    pub fn failed(&self) -> bool {
        self.answers.iter().any(|a| a.value.is_err())
    }

    /// What `cba eval --format json` prints (without the final newline):
    /// `{"q": value, …, "errors": {"q": "message"}, "explain": {"q": …}}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// What `cba eval` prints: aligned `name  value` lines (failures say
    /// `error: …`), then each explanation after a blank line.
    pub fn to_text(&self) -> String {
        let width = self.answers.iter().map(|a| a.query.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        for a in &self.answers {
            match (&a.value, a.value_text()) {
                (Ok(_), Some(v)) => out.push_str(&format!("{:width$}  {v}\n", a.query)),
                (Err(e), _) => out.push_str(&format!("{:width$}  error: {}\n", a.query, e.message)),
                (Ok(_), None) => {}
            }
        }
        for a in &self.answers {
            if let Some(x) = a.explanation_text(self.mode) {
                out.push('\n');
                out.push_str(&x);
            }
        }
        out
    }
}

/// A value already written as JSON text, emitted as is.
struct Raw(String);

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::value::RawValue::from_string(self.0.clone()) {
            Ok(raw) => raw.serialize(s),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// The object `cba eval --format json` prints: answers by name (one line
/// each), then `"errors"`, then `"explain"` (by name, sorted).
impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for a in &self.answers {
            if let Some(v) = a.value_json() {
                m.serialize_entry(&a.query, &Raw(v))?;
            }
        }
        let errors: Vec<(&str, &str)> = self
            .answers
            .iter()
            .filter_map(|a| a.value.as_ref().err().map(|e| (a.query.as_str(), e.message.as_str())))
            .collect();
        if !errors.is_empty() {
            m.serialize_entry("errors", &Pairs(&errors))?;
        }
        if let Some(opts) = self.mode.options() {
            let explained: BTreeMap<&str, &Answer> = self
                .answers
                .iter()
                .filter(|a| a.explanation.is_some())
                .map(|a| (a.query.as_str(), a))
                .collect();
            let explain: Vec<(&str, crate::explain::json::Json)> = explained
                .into_iter()
                .filter_map(|(q, a)| {
                    a.explanation
                        .as_ref()
                        .map(|d| (q, crate::explain::json::derivation(&a.prog, d, opts)))
                })
                .collect();
            m.serialize_entry("explain", &Pairs(&explain))?;
        }
        m.end()
    }
}

/// Pairs as a JSON object, in order (duplicates kept).
struct Pairs<'a, V>(&'a [(&'a str, V)]);

impl<V: Serialize> Serialize for Pairs<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An expression that does not check: the diagnostics, against the program's
/// sources with the expression added.
#[derive(Debug, Clone)]
pub struct ExprError {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl ExprError {
    /// The diagnostics as `cba check` prints them.
    pub fn render_text(&self) -> String {
        crate::report::render_text(&self.sources, &self.diagnostics)
    }
}

impl Engine {
    /// Answers the queries for these facts, in order. A query chosen because
    /// the facts allow it ([`Query::implicit`]) is left out when a fact it
    /// needs is missing.
    pub fn evaluate(&self, facts: &Facts, queries: &[Query], mode: ExplainMode) -> Evaluation {
        self.evaluate_until(facts, queries, mode, None)
    }

    /// [`Engine::evaluate`] that stops once `cancel` is set (a time limit,
    /// say): the query under way and those after it fail with "interrupted",
    /// at the next rule call or list step.
    pub fn evaluate_until(
        &self,
        facts: &Facts,
        queries: &[Query],
        mode: ExplainMode,
        cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    ) -> Evaluation {
        let prog = self.program();
        let mut case = facts.case(prog);
        case.cancel = cancel;
        let mut answers = Vec::with_capacity(queries.len());
        for q in queries {
            let r = &prog.rules[q.id];
            let value = match case.rule(q.id) {
                Err(e) if q.implicit && matches!(e.kind, ErrorKind::MissingFact(_)) => continue,
                v => v.map_err(|e| AnswerError::of(prog, &e)),
            };
            answers.push(Answer {
                query: q.name.clone(),
                rule: Some(q.id),
                ty: r.ty.clone(),
                value,
                explanation: None,
                prog: Arc::clone(self.program_arc()),
            });
        }
        if let Some(opts) = mode.options() {
            let explained: Vec<usize> = (0..answers.len()).filter(|&i| answers[i].rule.is_some()).collect();
            let ids: Vec<RuleId> = explained.iter().filter_map(|&i| answers[i].rule).collect();
            let derivations = crate::explain::explain_queries(&mut case, &ids, opts);
            for (i, (_, d)) in explained.into_iter().zip(derivations) {
                answers[i].explanation = Some(d);
            }
        }
        Evaluation { answers, mode }
    }

    /// Evaluates an expression against the facts and every module. `Err`
    /// when it does not check; a failure to evaluate is the answer's error.
    pub fn eval_expr(&self, facts: &Facts, text: &str) -> Result<Answer, ExprError> {
        let prog = self.program();
        let checked = crate::check::check_expr(prog, "<expr>", text)
            .map_err(|(sources, diagnostics)| ExprError { sources, diagnostics })?;
        let mut case = facts.case(prog);
        let value = case
            .eval_top(&checked.expr, checked.locals)
            .map_err(|e| AnswerError::of(prog, &e));
        Ok(Answer {
            query: text.to_string(),
            rule: None,
            ty: checked.ty,
            value,
            explanation: None,
            prog: Arc::clone(self.program_arc()),
        })
    }
}
