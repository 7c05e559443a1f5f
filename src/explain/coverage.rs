//! Coverage: which rules and which `when` branches a set of evaluations
//! (the tests) exercised, per module and in total. [`Coverage`] is an
//! [`Observer`] of evaluation: a case carries it while the tests run.

use std::collections::HashSet;

use crate::eval::observe::Observer;
use crate::ir::{BranchId, Expr, ExprKind, ModuleId, Program, RuleId};
use crate::syntax::span::Span;
use crate::values::value::Value;

/// One branch of a `when … otherwise` in a rule body.
#[derive(Debug, Clone)]
pub struct Branch {
    pub rule: RuleId,
    pub id: BranchId,
    /// The condition (`None` for `otherwise` or a rule's own `=` body after its exceptions).
    pub cond: Option<Span>,
    pub value: Span,
}

/// What was exercised, accumulated over many cases.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub rules_hit: Vec<bool>,
    pub branches_hit: HashSet<BranchId>,
}

/// Counts for one module (or the total).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub rules: usize,
    pub rules_hit: usize,
    pub branches: usize,
    pub branches_hit: usize,
}

impl Counts {
    pub fn branch_percent(&self) -> f64 {
        percent(self.branches_hit, self.branches)
    }
    pub fn rule_percent(&self) -> f64 {
        percent(self.rules_hit, self.rules)
    }
    fn add(&mut self, o: &Counts) {
        self.rules += o.rules;
        self.rules_hit += o.rules_hit;
        self.branches += o.branches;
        self.branches_hit += o.branches_hit;
    }
}

fn percent(hit: usize, all: usize) -> f64 {
    if all == 0 {
        100.0
    } else {
        hit as f64 * 100.0 / all as f64
    }
}

/// Every branch of every `Cases` in a rule body (nested ones too), in source order.
pub fn branches_of(prog: &Program, rule: RuleId) -> Vec<Branch> {
    fn walk(e: &Expr, rule: RuleId, out: &mut Vec<Branch>) {
        if let ExprKind::Cases(cases, bs, otherwise) = &e.kind {
            for (i, (c, v)) in bs.iter().enumerate() {
                out.push(Branch {
                    rule,
                    id: BranchId {
                        cases: *cases,
                        index: i as u32,
                    },
                    cond: Some(c.span),
                    value: v.span,
                });
            }
            out.push(Branch {
                rule,
                id: BranchId {
                    cases: *cases,
                    index: bs.len() as u32,
                },
                cond: None,
                value: otherwise.span,
            });
        }
        e.for_each_child(|c| walk(c, rule, out));
    }
    let mut out = Vec::new();
    walk(&prog.rules[rule].body, rule, &mut out);
    out
}

impl Coverage {
    pub fn new(prog: &Program) -> Coverage {
        Coverage {
            rules_hit: vec![false; prog.rules.len()],
            branches_hit: HashSet::new(),
        }
    }

    pub fn branch_hit(&self, b: &Branch) -> bool {
        self.branches_hit.contains(&b.id)
    }
}

impl Observer for Coverage {
    fn rule_enter(&mut self, rule: RuleId, _args: Option<&[Value]>) {
        if let Some(h) = self.rules_hit.get_mut(rule.index()) {
            *h = true;
        }
    }

    fn branch_taken(&mut self, branch: BranchId, _span: Span) {
        self.branches_hit.insert(branch);
    }
}

/// The coverage report of some modules: counts per module, the total, and the
/// rules and branches never exercised.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub modules: Vec<(ModuleId, Counts)>,
    pub total: Counts,
    pub rules_missed: Vec<RuleId>,
    pub branches_missed: Vec<Branch>,
}

/// Builds the report for the modules `include` accepts.
pub fn report(prog: &Program, cov: &Coverage, include: impl Fn(ModuleId) -> bool) -> Report {
    let mut rep = Report::default();
    for (mid, _) in prog.modules.iter().enumerate() {
        let mid = ModuleId::from_index(mid);
        if !include(mid) {
            continue;
        }
        let mut c = Counts::default();
        for (rid, r) in prog.rules.iter().enumerate() {
            if r.module != mid {
                continue;
            }
            let rid = RuleId::from_index(rid);
            c.rules += 1;
            if cov.rules_hit.get(rid.index()).copied().unwrap_or(false) {
                c.rules_hit += 1;
            } else {
                rep.rules_missed.push(rid);
            }
            for b in branches_of(prog, rid) {
                c.branches += 1;
                if cov.branch_hit(&b) {
                    c.branches_hit += 1;
                } else {
                    rep.branches_missed.push(b);
                }
            }
        }
        if c.rules > 0 {
            rep.total.add(&c);
            rep.modules.push((mid, c));
        }
    }
    rep
}
