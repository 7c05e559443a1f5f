//! From a trace to a derivation: for one answer, the rule, the branch that
//! fired (and, on request, those that did not), the facts, table rows and
//! sub-rules read, recursively — only what the evaluation actually used.

use std::collections::HashSet;

use super::Options;
use super::trace::{Event, NodeId, Trace};
use crate::eval::{Case, Result};
use crate::ir::{BranchId, CasesId, ExprKind, FactId, Program, RuleId, TableId};
use crate::syntax::span::Span;
use crate::values::value::Value;

/// Calls of one function shown in full before the rest are only counted.
const CALLS_SHOWN: usize = 3;

/// How a rule came to its answer.
#[derive(Debug, Clone)]
pub struct Derivation {
    pub rule: RuleId,
    /// The arguments of a function call.
    pub args: Option<Vec<Value>>,
    /// `None` when the answer is unknown (the rule was not evaluated).
    pub result: Option<Result<Value>>,
    /// The choices made, in the order they were made.
    pub steps: Vec<Step>,
    pub reads: Reads,
    /// Shown in full earlier in the same explanation.
    pub seen_above: bool,
    /// Details left out: answered before tracing began, or a standard-library
    /// rule inside an explanation of the Agreement.
    pub collapsed: bool,
}

/// The facts, table rows and rules one part of a derivation read.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    pub facts: Vec<FactRead>,
    pub tables: Vec<TableRead>,
    pub uses: Vec<Derivation>,
    /// Further calls of functions beyond [`CALLS_SHOWN`]: (function, how many).
    pub more_calls: Vec<(RuleId, usize)>,
}

#[derive(Debug, Clone)]
pub struct FactRead {
    pub fact: FactId,
    pub result: Result<Value>,
    /// The case gave the fact (rather than its default).
    pub given: bool,
}

#[derive(Debug, Clone)]
pub struct TableRead {
    pub table: TableId,
    pub keys: Vec<Value>,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// `when COND => …` fired.
    When(Span),
    /// No `when` held: `otherwise => …`.
    Otherwise,
    /// A rule written `= …` (its exceptions did not apply).
    Body,
}

/// One choice of a `when … otherwise` and the value it led to.
#[derive(Debug, Clone)]
pub struct Step {
    pub kind: StepKind,
    /// The exception of the rule this branch belongs to (index into `exceptions`).
    pub exception: Option<usize>,
    /// The text of the value taken.
    pub value: Span,
    /// Branches tried before this one (only with [`Options::why_not`]).
    pub not_taken: Vec<NotTaken>,
}

/// A `when` that did not hold, and what its condition read.
#[derive(Debug, Clone)]
pub struct NotTaken {
    pub cond: Span,
    pub exception: Option<usize>,
    /// `None`: the condition failed with an error.
    pub holds: Option<bool>,
    pub reads: Reads,
}

impl Derivation {
    /// A derivation that knows only the rule.
    pub fn bare(rule: RuleId) -> Derivation {
        Derivation {
            rule,
            args: None,
            result: None,
            steps: Vec::new(),
            reads: Reads::default(),
            seen_above: false,
            collapsed: true,
        }
    }
}

impl Reads {
    fn add_fact(&mut self, f: FactRead) {
        if !self.facts.iter().any(|x| x.fact == f.fact) {
            self.facts.push(f);
        }
    }

    fn add_table(&mut self, t: TableRead) {
        if !self.tables.iter().any(|x| x.table == t.table && x.keys == t.keys) {
            self.tables.push(t);
        }
    }

    fn add_use(&mut self, d: Derivation) {
        if d.args.is_none() {
            if !self.uses.iter().any(|x| x.rule == d.rule && x.args.is_none()) {
                self.uses.push(d);
            }
            return;
        }
        if self.uses.iter().any(|x| x.rule == d.rule && x.args == d.args) {
            return;
        }
        let shown = self.uses.iter().filter(|x| x.rule == d.rule).count();
        if shown < CALLS_SHOWN {
            self.uses.push(d);
        } else if let Some(m) = self.more_calls.iter_mut().find(|(r, _)| *r == d.rule) {
            m.1 += 1;
        } else {
            self.more_calls.push((d.rule, 1));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty() && self.tables.is_empty() && self.uses.is_empty()
    }
}

struct Builder<'a> {
    prog: &'a Program,
    provided: &'a [bool],
    trace: &'a Trace,
    opts: Options,
    /// Rule nodes already shown in full in this explanation.
    shown: HashSet<NodeId>,
    /// The explanation is about a standard-library rule: show its inside too.
    stdlib_root: bool,
}

/// Where one branch of a `Cases` came from.
fn branch_origin(prog: &Program, rule: RuleId, b: BranchId) -> Option<usize> {
    let r = &prog.rules[rule];
    if r.exceptions.is_empty() || !is_body_cases(r, b.cases) {
        return None;
    }
    let index = b.index;
    let mut start = 0;
    for (i, x) in r.exceptions.iter().enumerate() {
        if index < start + x.branches {
            return Some(i);
        }
        start += x.branches;
    }
    None
}

/// Whether the rule is written `= …` with exceptions (its `otherwise` is the body).
fn plain_body_with_exceptions(prog: &Program, rule: RuleId, cases: CasesId) -> bool {
    let r = &prog.rules[rule];
    let excepted: u32 = r.exceptions.iter().map(|x| x.branches).sum();
    match &r.body.kind {
        ExprKind::Cases(id, bs, _) => *id == cases && bs.len() as u32 == excepted && excepted > 0,
        _ => false,
    }
}

/// Whether `cases` is the rule body's own group (the one its exceptions open).
fn is_body_cases(r: &crate::ir::RuleInfo, cases: CasesId) -> bool {
    matches!(&r.body.kind, ExprKind::Cases(id, ..) if *id == cases && cases != CasesId::DETACHED)
}

/// The derivations of the rules asked at the root `root` (one per question).
pub fn question(case: &Case, trace: &Trace, root: NodeId, opts: Options) -> Vec<Derivation> {
    let prog = case.prog;
    let mut b = Builder {
        prog,
        provided: &case.provided,
        trace,
        opts,
        shown: HashSet::new(),
        stdlib_root: false,
    };
    let mut out = Vec::new();
    let Some(node) = trace.nodes.get(root.index()) else {
        return out;
    };
    for &c in &node.children {
        let rule = match &trace.node(c).event {
            Event::Rule { rule, .. } | Event::Memo { rule, .. } => *rule,
            _ => continue,
        };
        b.stdlib_root = prog.modules[(prog.rules[rule].module).index()].is_stdlib;
        if let Some(d) = b.rule_event(c) {
            out.push(d);
        }
    }
    out
}

impl Builder<'_> {
    /// A derivation from a `Rule` or `Memo` node.
    fn rule_event(&mut self, id: NodeId) -> Option<Derivation> {
        match &self.trace.node(id).event {
            Event::Rule { rule, args, result } => Some(self.rule_node(id, *rule, args.clone(), result.clone())),
            Event::Memo { rule, node, result } => Some(match node {
                Some(n) if self.shown.contains(n) => Derivation {
                    result: Some(result.clone()),
                    seen_above: true,
                    collapsed: false,
                    ..Derivation::bare(*rule)
                },
                Some(n) => self.rule_event(*n)?,
                None => Derivation {
                    result: Some(result.clone()),
                    ..Derivation::bare(*rule)
                },
            }),
            _ => None,
        }
    }

    fn rule_node(
        &mut self,
        id: NodeId,
        rule: RuleId,
        args: Option<Vec<Value>>,
        result: Option<Result<Value>>,
    ) -> Derivation {
        let r = &self.prog.rules[rule];
        let mut d = Derivation {
            rule,
            args,
            result,
            steps: Vec::new(),
            reads: Reads::default(),
            seen_above: false,
            collapsed: false,
        };
        if self.prog.modules[r.module].is_stdlib && !self.stdlib_root {
            d.collapsed = true;
            return d;
        }
        if d.args.is_none() && !self.shown.insert(id) {
            d.seen_above = true;
            return d;
        }
        let mut pending = Vec::new();
        let children = self.trace.node(id).children.clone();
        self.walk(rule, &children, &mut d.reads, &mut d.steps, &mut pending);
        d
    }

    /// Collects the events under one node into `reads` and `steps`.
    fn walk(
        &mut self,
        rule: RuleId,
        children: &[NodeId],
        reads: &mut Reads,
        steps: &mut Vec<Step>,
        pending: &mut Vec<(CasesId, NotTaken)>,
    ) {
        // The condition that held, per `Cases`, until its branch is entered.
        let mut held: Vec<(CasesId, Span)> = Vec::new();
        for &c in children {
            let node = self.trace.node(c);
            match &node.event {
                Event::Root => {}
                Event::Rule { .. } | Event::Memo { .. } => {
                    if let Some(d) = self.rule_event(c) {
                        reads.add_use(d);
                    }
                }
                Event::Fact { fact, result } => reads.add_fact(FactRead {
                    fact: *fact,
                    result: result.clone(),
                    given: self.provided.get(fact.index()).copied().unwrap_or(false),
                }),
                Event::Table { table, keys, value } => reads.add_table(TableRead {
                    table: *table,
                    keys: keys.clone(),
                    value: value.clone(),
                }),
                Event::Cond { branch, span, holds } => {
                    let kids = node.children.clone();
                    match holds {
                        Some(false) => {
                            if self.opts.why_not {
                                let mut nt = NotTaken {
                                    cond: *span,
                                    exception: branch_origin(self.prog, rule, *branch),
                                    holds: *holds,
                                    reads: Reads::default(),
                                };
                                let mut ignored = Vec::new();
                                let mut inner = Vec::new();
                                self.walk(rule, &kids, &mut nt.reads, &mut ignored, &mut inner);
                                pending.push((branch.cases, nt));
                            }
                        }
                        Some(true) => {
                            held.push((branch.cases, *span));
                            self.walk(rule, &kids, reads, steps, pending);
                        }
                        None => self.walk(rule, &kids, reads, steps, pending),
                    }
                }
                Event::Then { branch, span } => {
                    let kind = match held.iter().rposition(|(k, _)| *k == branch.cases) {
                        Some(i) => StepKind::When(held.remove(i).1),
                        None if plain_body_with_exceptions(self.prog, rule, branch.cases) => StepKind::Body,
                        None => StepKind::Otherwise,
                    };
                    let mut not_taken = Vec::new();
                    pending.retain_mut(|(k, nt)| {
                        if *k == branch.cases {
                            not_taken.push(nt.clone());
                            false
                        } else {
                            true
                        }
                    });
                    steps.push(Step {
                        kind,
                        exception: branch_origin(self.prog, rule, *branch),
                        value: *span,
                        not_taken,
                    });
                    let kids = node.children.clone();
                    self.walk(rule, &kids, reads, steps, pending);
                }
            }
        }
    }
}
