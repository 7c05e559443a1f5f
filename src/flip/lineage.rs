//! Lineage: which facts a query can read (statically, through every rule,
//! function and table it can reach) and which it did read for one case.

use std::collections::VecDeque;

use crate::eval::Case;
use crate::eval::observe::Observer;
use crate::ir::{Builtin, Expr, ExprKind, FactId, Op, Program, RuleId};
use crate::values::value::Value;

/// A fact a query can read, with the rule (or function) nearest the query
/// that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub fact: FactId,
    pub first_read_by: RuleId,
}

/// Every fact the queries can read, in the order a breadth-first walk from the
/// queries meets them (each rule's body in source order). Counting workdays
/// reads the case's closures (`calendar.closures`), so a rule that counts them
/// reads that fact too.
pub fn inputs(prog: &Program, queries: &[RuleId]) -> Vec<Input> {
    let mut seen_rule = vec![false; prog.rules.len()];
    let mut seen_fact = vec![false; prog.facts.len()];
    let mut out = Vec::new();
    let mut queue: VecDeque<RuleId> = VecDeque::new();
    for &q in queries {
        if !std::mem::replace(&mut seen_rule[q.index()], true) {
            queue.push_back(q);
        }
    }
    let closures = prog.calendar.as_ref().and_then(|c| c.closures);
    while let Some(r) = queue.pop_front() {
        let mut reads = Vec::new();
        let mut uses = Vec::new();
        walk(&prog.rules[r].body, &mut |e| match &e.kind {
            ExprKind::Fact(f) => reads.push(*f),
            ExprKind::Rule(x) | ExprKind::Call(x, _) => uses.push(*x),
            ExprKind::Builtin(Builtin::WorkdaysBetween, _)
            | ExprKind::Bin(Op::DateAddWorkdays(_) | Op::DateTimeAddWorkdays(_), _, _) => reads.extend(closures),
            _ => {}
        });
        for f in reads {
            if !std::mem::replace(&mut seen_fact[f.index()], true) {
                out.push(Input {
                    fact: f,
                    first_read_by: r,
                });
            }
        }
        for x in uses {
            if !std::mem::replace(&mut seen_rule[x.index()], true) {
                queue.push_back(x);
            }
        }
    }
    out
}

/// Pre-order, children in source order.
fn walk<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    f(e);
    e.for_each_child(|c| walk(c, f));
}

/// The facts answering `rule` read in this case (the closures when it counted
/// workdays), in the order first read. The case's memo is reset first and its
/// answers are kept.
pub fn read_in_case(case: &mut Case, rule: RuleId) -> Vec<FactId> {
    let saved = case.observer.take();
    case.reset_memo();
    case.observe(Box::new(FactsRead::default()));
    let _ = case.rule(rule);
    let read = case.take_observer::<FactsRead>().map(|o| o.0).unwrap_or_default();
    case.observer = saved;
    let mut seen = vec![false; case.prog.facts.len()];
    let mut out = Vec::new();
    let closures = case
        .closures_read()
        .then(|| case.prog.calendar.as_ref().and_then(|c| c.closures))
        .flatten();
    for f in read.into_iter().chain(closures) {
        if !std::mem::replace(&mut seen[f.index()], true) {
            out.push(f);
        }
    }
    out
}

/// Records the facts an evaluation reads, in order.
#[derive(Default)]
struct FactsRead(Vec<FactId>);

impl Observer for FactsRead {
    fn fact_read(&mut self, fact: FactId, _: &crate::eval::Result<Value>) {
        self.0.push(fact);
    }
}
