//! The evaluator's opt-in record of what it did: which rules and functions it
//! entered, which `when` branch each choice took, which facts and table rows it
//! read. A [`Case`](crate::eval::Case) carries `Option<Box<Trace>>`; when it is
//! `None` (plain evaluation) every hook is skipped by one `None` check.
//!
//! Two depths: [`Trace::coverage`] keeps only the rules entered and the branches
//! taken (for `cba test --coverage`); [`Trace::full`] also keeps a tree of every
//! event with its values (for explanations).

use crate::eval::value::Value;
use crate::eval::{EvalError, Result};
use crate::ir::{Expr, FactId, Program, RuleId, TableId};
use crate::syntax::span::Span;

pub type NodeId = u32;

/// One recorded event; its children happened inside it.
#[derive(Debug, Clone)]
pub struct Node {
    pub event: Event,
    pub children: Vec<NodeId>,
}

#[derive(Debug, Clone)]
pub enum Event {
    /// The top of one question (a query, a test's `expect`).
    Root,
    /// A rule computed (args `None`) or a function called with its arguments.
    Rule {
        rule: RuleId,
        args: Option<Vec<Value>>,
        result: Option<Result<Value>>,
    },
    /// A rule whose answer was already known; `node` is where it was computed,
    /// if that happened while tracing.
    Memo {
        rule: RuleId,
        node: Option<NodeId>,
        result: Result<Value>,
    },
    Fact {
        fact: FactId,
        result: Result<Value>,
    },
    Table {
        table: TableId,
        keys: Vec<Value>,
        value: Value,
    },
    /// A `when` condition evaluated: `holds` is `None` when it failed with an error.
    Cond {
        cases: usize,
        index: u32,
        span: Span,
        holds: Option<bool>,
    },
    /// The value of the branch taken (`index` = number of `when`s for `otherwise`).
    Then {
        cases: usize,
        index: u32,
        span: Span,
    },
}

/// What a trace records.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Keep the tree of events (explanations), not only coverage.
    pub full: bool,
    pub nodes: Vec<Node>,
    open: Vec<NodeId>,
    /// The node where each rule was computed while tracing.
    pub rule_node: Vec<Option<NodeId>>,
    /// Rules and functions entered at least once.
    pub rules_hit: Vec<bool>,
    /// Branches taken: (address of the `Cases` expression, branch index).
    pub branches_hit: std::collections::HashSet<(usize, u32)>,
}

/// The identity of a `Cases` expression within one program: its address.
pub fn cases_key(e: &Expr) -> usize {
    e as *const Expr as usize
}

impl Trace {
    /// A trace that keeps only coverage.
    pub fn coverage(prog: &Program) -> Trace {
        Trace {
            rules_hit: vec![false; prog.rules.len()],
            ..Trace::default()
        }
    }

    /// A trace that keeps the whole tree of events.
    pub fn full(prog: &Program) -> Trace {
        Trace {
            full: true,
            rule_node: vec![None; prog.rules.len()],
            ..Trace::coverage(prog)
        }
    }

    fn push(&mut self, event: Event) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            event,
            children: Vec::new(),
        });
        if let Some(&parent) = self.open.last() {
            self.nodes[parent as usize].children.push(id);
        }
        id
    }

    /// Starts a new question; returns its root. Events until the next root go under it.
    pub fn root(&mut self) -> NodeId {
        self.open.clear();
        let id = self.push(Event::Root);
        self.open.push(id);
        id
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub(crate) fn enter(&mut self, rule: RuleId, args: Option<&[Value]>) {
        if let Some(h) = self.rules_hit.get_mut(rule as usize) {
            *h = true;
        }
        if self.full {
            let id = self.push(Event::Rule {
                rule,
                args: args.map(<[Value]>::to_vec),
                result: None,
            });
            if args.is_none()
                && let Some(slot) = self.rule_node.get_mut(rule as usize)
            {
                *slot = Some(id);
            }
            self.open.push(id);
        }
    }

    pub(crate) fn exit(&mut self, res: &Result<Value>) {
        if !self.full {
            return;
        }
        if let Some(id) = self.open.pop()
            && let Event::Rule { result, .. } = &mut self.nodes[id as usize].event
        {
            *result = Some(res.clone());
        }
    }

    pub(crate) fn memo(&mut self, rule: RuleId, res: std::result::Result<&Value, &EvalError>) {
        if self.full {
            let node = self.rule_node.get(rule as usize).copied().flatten();
            self.push(Event::Memo {
                rule,
                node,
                result: res.cloned().map_err(Clone::clone),
            });
        }
    }

    pub(crate) fn fact(&mut self, fact: FactId, res: &Result<Value>) {
        if self.full {
            self.push(Event::Fact {
                fact,
                result: res.clone(),
            });
        }
    }

    pub(crate) fn table(&mut self, table: TableId, keys: &[Value], value: &Value) {
        if self.full {
            self.push(Event::Table {
                table,
                keys: keys.to_vec(),
                value: value.clone(),
            });
        }
    }

    pub(crate) fn open_cond(&mut self, cases: usize, index: u32, span: Span) {
        if self.full {
            let id = self.push(Event::Cond {
                cases,
                index,
                span,
                holds: None,
            });
            self.open.push(id);
        }
    }

    pub(crate) fn close_cond(&mut self, res: &Result<bool>) {
        if !self.full {
            return;
        }
        if let Some(id) = self.open.pop()
            && let Event::Cond { holds, .. } = &mut self.nodes[id as usize].event
        {
            *holds = res.as_ref().ok().copied();
        }
    }

    pub(crate) fn open_then(&mut self, cases: usize, index: u32, span: Span) {
        self.branches_hit.insert((cases, index));
        if self.full {
            let id = self.push(Event::Then { cases, index, span });
            self.open.push(id);
        }
    }

    pub(crate) fn close_then(&mut self) {
        if self.full {
            self.open.pop();
        }
    }
}
