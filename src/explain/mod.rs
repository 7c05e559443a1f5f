//! Explanations: the derivation of an answer, with the citation of every rule
//! it used, as an indented text tree or as JSON.
//!
//! The evaluator records a [`trace::Trace`] only when a case carries one
//! (`case.trace = Some(…)`); [`derive`] turns the part of the trace under one
//! question into a [`derive::Derivation`] (only the rules actually used, the
//! `when` branch each took, the facts and table rows read), which [`text`] and
//! [`json`] render.

pub mod coverage;
pub mod derive;
pub mod json;
pub mod text;
pub mod trace;

use crate::eval::value::Value;
use crate::eval::{Case, Result};
use crate::ir::{Expr, RuleId};
use derive::Derivation;
use trace::{Trace, cases_key};

/// How much an explanation shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Also show the `when` branches tried before the one that fired, and why
    /// each did not hold.
    pub why_not: bool,
}

impl Case<'_> {
    /// `when … => … otherwise => …` while a trace is recorded: the same choice as
    /// the plain evaluator, with each condition and the branch taken recorded.
    pub(crate) fn cases_traced(
        &mut self,
        e: &Expr,
        branches: &[(Expr, Expr)],
        otherwise: &Expr,
        frame: usize,
    ) -> Result<Value> {
        let key = cases_key(e);
        for (i, (c, v)) in branches.iter().enumerate() {
            if let Some(t) = &mut self.trace {
                t.open_cond(key, i as u32, c.span);
            }
            let holds = self.bool(c, frame);
            if let Some(t) = &mut self.trace {
                t.close_cond(&holds);
            }
            if holds? {
                return self.then_traced(key, i as u32, v, frame);
            }
        }
        self.then_traced(key, branches.len() as u32, otherwise, frame)
    }

    fn then_traced(&mut self, key: usize, index: u32, v: &Expr, frame: usize) -> Result<Value> {
        if let Some(t) = &mut self.trace {
            t.open_then(key, index, v.span);
        }
        let res = self.eval(v, frame);
        if let Some(t) = &mut self.trace {
            t.close_then();
        }
        res
    }
}

/// Answers a rule with a full trace and returns its derivation. The case's memo
/// is reset first so the derivation is complete; the case keeps the answers.
pub fn explain_rule(case: &mut Case, rule: RuleId) -> Derivation {
    let saved = case.trace.take();
    case.reset_memo();
    let mut t = Trace::full(case.prog);
    let root = t.root();
    case.trace = Some(Box::new(t));
    let _ = case.rule(rule);
    let t = std::mem::replace(&mut case.trace, saved).unwrap_or_default();
    derive::question(case, &t, root, Options { why_not: true })
        .into_iter()
        .next()
        .unwrap_or_else(|| Derivation::bare(rule))
}

/// The explanation of one rule's answer for this case, as text: what the REPL's
/// `:why RULE` prints. Shows the branches that did not fire, too.
pub fn why_text(case: &mut Case, rule: RuleId) -> String {
    let prog = case.prog;
    if prog.rules.get(rule as usize).is_some_and(|r| r.params.is_some()) {
        return format!(
            "`{}` is a function: ask about a rule that calls it\n",
            prog.rules[rule as usize].qualified
        );
    }
    let d = explain_rule(case, rule);
    text::render(prog, &d, Options { why_not: true })
}

/// Explanations of several queries answered on one case, in order: starts a
/// full trace, answers each query under its own root, and returns each query's
/// derivation with its answer. The case's memo is reset first.
pub fn explain_queries(case: &mut Case, rules: &[RuleId], opts: Options) -> Vec<(Result<Value>, Derivation)> {
    let saved = case.trace.take();
    case.reset_memo();
    case.trace = Some(Box::new(Trace::full(case.prog)));
    let mut roots = Vec::with_capacity(rules.len());
    for &r in rules {
        let root = case.trace.as_mut().map(|t| t.root()).unwrap_or_default();
        let res = case.rule(r);
        roots.push((root, res));
    }
    let t = std::mem::replace(&mut case.trace, saved).unwrap_or_default();
    roots
        .into_iter()
        .zip(rules)
        .map(|((root, res), &r)| {
            let d = derive::question(case, &t, root, opts)
                .into_iter()
                .next()
                .unwrap_or_else(|| Derivation::bare(r));
            (res, d)
        })
        .collect()
}
