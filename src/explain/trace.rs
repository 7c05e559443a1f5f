//! The record of an evaluation that explanations are built from: which rules
//! and functions were entered, which `when` branch each choice took, which facts
//! and table rows were read, as a tree of events. A [`Trace`] is an
//! [`Observer`] of evaluation (see [`crate::eval::observe`] for the events); a
//! case carries it only while an explanation is asked for.

use crate::eval::observe::Observer;
use crate::eval::{EvalError, Result};
use crate::ir::{BranchId, FactId, Program, RuleId, TableId};
use crate::syntax::span::Span;
use crate::values::value::Value;

/// One node of a [`Trace`] ([`Trace::nodes`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The position in [`Trace::nodes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

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
        branch: BranchId,
        span: Span,
        holds: Option<bool>,
    },
    /// The value of the branch taken (its index is the number of `when`s for `otherwise`).
    Then {
        branch: BranchId,
        span: Span,
    },
}

/// The tree of events of some evaluations, one root per question.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub nodes: Vec<Node>,
    open: Vec<NodeId>,
    /// The node where each rule was computed while tracing.
    pub rule_node: Vec<Option<NodeId>>,
}

impl Trace {
    /// An empty trace for evaluating `prog`.
    pub fn full(prog: &Program) -> Trace {
        Trace {
            rule_node: vec![None; prog.rules.len()],
            ..Trace::default()
        }
    }

    fn push(&mut self, event: Event) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node {
            event,
            children: Vec::new(),
        });
        if let Some(&parent) = self.open.last() {
            self.nodes[parent.index()].children.push(id);
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
        &self.nodes[id.index()]
    }
}

impl Observer for Trace {
    fn rule_enter(&mut self, rule: RuleId, args: Option<&[Value]>) {
        let id = self.push(Event::Rule {
            rule,
            args: args.map(<[Value]>::to_vec),
            result: None,
        });
        if args.is_none()
            && let Some(slot) = self.rule_node.get_mut(rule.index())
        {
            *slot = Some(id);
        }
        self.open.push(id);
    }

    fn rule_exit(&mut self, _rule: RuleId, res: &Result<Value>) {
        if let Some(id) = self.open.pop()
            && let Event::Rule { result, .. } = &mut self.nodes[id.index()].event
        {
            *result = Some(res.clone());
        }
    }

    fn memo_hit(&mut self, rule: RuleId, res: std::result::Result<&Value, &EvalError>) {
        let node = self.rule_node.get(rule.index()).copied().flatten();
        self.push(Event::Memo {
            rule,
            node,
            result: res.cloned().map_err(|e| std::sync::Arc::new(e.clone())),
        });
    }

    fn fact_read(&mut self, fact: FactId, res: &Result<Value>) {
        self.push(Event::Fact {
            fact,
            result: res.clone(),
        });
    }

    fn table_row(&mut self, table: TableId, keys: &[Value], value: &Value) {
        self.push(Event::Table {
            table,
            keys: keys.to_vec(),
            value: value.clone(),
        });
    }

    fn cond_enter(&mut self, branch: BranchId, span: Span) {
        let id = self.push(Event::Cond {
            branch,
            span,
            holds: None,
        });
        self.open.push(id);
    }

    fn cond_tested(&mut self, _branch: BranchId, res: &Result<bool>) {
        if let Some(id) = self.open.pop()
            && let Event::Cond { holds, .. } = &mut self.nodes[id.index()].event
        {
            *holds = res.as_ref().ok().copied();
        }
    }

    fn branch_taken(&mut self, branch: BranchId, span: Span) {
        let id = self.push(Event::Then { branch, span });
        self.open.push(id);
    }

    fn branch_exit(&mut self, _branch: BranchId) {
        self.open.pop();
    }
}
