//! Explanations: the derivation of an answer, with the citation of every rule
//! it used, as an indented text tree or as JSON.
//!
//! The evaluator reports its events to a [`trace::Trace`] only while a case
//! carries one as its observer ([`Case::observe`]); [`derive`] turns the part of the trace under one
//! question into a [`derive::Derivation`] (only the rules actually used, the
//! `when` branch each took, the facts and table rows read), which [`text`] and
//! [`json`] render.

pub mod coverage;
pub mod derive;
pub mod json;
pub mod text;
pub mod trace;

use crate::eval::{Case, Result};
use crate::ir::RuleId;
use crate::values::value::Value;
use derive::Derivation;
use trace::Trace;

/// How much an explanation shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Also show the `when` branches tried before the one that fired, and why
    /// each did not hold.
    pub why_not: bool,
}

/// Answers a rule with a full trace and returns its derivation. The case's memo
/// is reset first so the derivation is complete; the case keeps the answers.
pub fn explain_rule(case: &mut Case, rule: RuleId) -> Derivation {
    let saved = case.observer.take();
    case.reset_memo();
    let mut t = Trace::full(case.prog);
    let root = t.root();
    case.observe(Box::new(t));
    let _ = case.rule(rule);
    let t = case.take_observer::<Trace>().unwrap_or_default();
    case.observer = saved;
    derive::question(case, &t, root, Options { why_not: true })
        .into_iter()
        .next()
        .unwrap_or_else(|| Derivation::bare(rule))
}

/// The explanation of one rule's answer for this case, as text: what the REPL's
/// `:why RULE` prints. Shows the branches that did not fire, too.
pub fn why_text(case: &mut Case, rule: RuleId) -> String {
    let prog = case.prog;
    if prog.rules.get(rule.index()).is_some_and(|r| r.params.is_some()) {
        return format!(
            "`{}` is a function: ask about a rule that calls it\n",
            prog.rules[rule].qualified
        );
    }
    let d = explain_rule(case, rule);
    text::render(prog, &d, Options { why_not: true })
}

/// Explanations of several queries answered on one case, in order: starts a
/// full trace, answers each query under its own root, and returns each query's
/// derivation with its answer. The case's memo is reset first.
pub fn explain_queries(case: &mut Case, rules: &[RuleId], opts: Options) -> Vec<(Result<Value>, Derivation)> {
    let saved = case.observer.take();
    case.reset_memo();
    case.observe(Box::new(Trace::full(case.prog)));
    let mut roots = Vec::with_capacity(rules.len());
    for &r in rules {
        let root = case
            .observer
            .as_mut()
            .and_then(|o| o.downcast_mut::<Trace>())
            .map(|t| t.root())
            .unwrap_or_default();
        let res = case.rule(r);
        roots.push((root, res));
    }
    let t = case.take_observer::<Trace>().unwrap_or_default();
    case.observer = saved;
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
