//! What evaluation reports to whoever watches it: explanations (the trace of
//! `crate::explain`) and test coverage implement [`Observer`].
//!
//! A [`Case`](super::Case) carries `Option<Box<dyn Observer>>`; when it is
//! `None` (plain evaluation, batch) each event costs one `None` check and
//! nothing else.
//!
//! # The event contract
//!
//! Evaluation of the checked program (its compiled form, `eval::code`)
//! reports these events, in evaluation order, for a case:
//!
//! - [`rule_enter`](Observer::rule_enter) when the body of a rule (with
//!   `args == None`) or a function call (`Some(arguments)`) starts, and
//!   [`rule_exit`](Observer::rule_exit) with its result when it ends, so enters
//!   and exits nest like parentheses. A rule whose answer is already memoized
//!   is not entered: [`memo_hit`](Observer::memo_hit) reports it instead.
//! - [`fact_read`](Observer::fact_read) each time the value of a fact is read
//!   (also when it is missing or bad: the result says so).
//! - [`table_row`](Observer::table_row) each time a table is looked up, with
//!   the keys and the cell found (`Value::None` when no row matches).
//! - For a `when … otherwise` group, for each `when` tried in order:
//!   [`cond_enter`](Observer::cond_enter), the events of evaluating the
//!   condition, then [`cond_tested`](Observer::cond_tested) with whether it held
//!   (or the error that stopped it, and then nothing more of this group). Then,
//!   for the first condition that held, or the `otherwise` (its index is the
//!   number of `when`s): [`branch_taken`](Observer::branch_taken), the events of
//!   evaluating the branch's value, and [`branch_exit`](Observer::branch_exit)
//!   (also when the value fails).
//!
//! Branches are named by [`BranchId`] (stable within one program; see
//! [`crate::ir::ids`]). Groups outside every rule body (an expression at the
//! REPL or in a test) report [`CasesId::DETACHED`](crate::ir::CasesId::DETACHED).
//!
//! Observers run inside evaluation: they must not fail and they see values by
//! reference (cloning what they keep).

use std::any::Any;

use super::value::Value;
use super::{EvalError, Result};
use crate::ir::{BranchId, FactId, RuleId, TableId};
use crate::syntax::span::Span;

/// Receives the events of evaluation (see the module documentation for their
/// order). Every method does nothing by default.
#[allow(unused_variables)]
pub trait Observer: Any {
    /// A rule's body (`args == None`) or a function call starts.
    fn rule_enter(&mut self, rule: RuleId, args: Option<&[Value]>) {}
    /// The rule or function entered last ends with `result`.
    fn rule_exit(&mut self, rule: RuleId, result: &Result<Value>) {}
    /// A rule's answer came from the memo, without evaluating it.
    fn memo_hit(&mut self, rule: RuleId, result: std::result::Result<&Value, &EvalError>) {}
    /// A fact was read.
    fn fact_read(&mut self, fact: FactId, result: &Result<Value>) {}
    /// A table was looked up: the keys and the cell (`Value::None` when no row matches).
    fn table_row(&mut self, table: TableId, keys: &[Value], value: &Value) {}
    /// The condition of `when` branch `branch` (written at `span`) starts.
    fn cond_enter(&mut self, branch: BranchId, span: Span) {}
    /// The condition entered last was tested: whether it held, or its error.
    fn cond_tested(&mut self, branch: BranchId, holds: &Result<bool>) {}
    /// Branch `branch` fires; `span` is its value's.
    fn branch_taken(&mut self, branch: BranchId, span: Span) {}
    /// The value of the branch taken last is evaluated (or failed).
    fn branch_exit(&mut self, branch: BranchId) {}
}

/// The observer that observes nothing (the same as none at all).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}

impl dyn Observer {
    /// The observer as its own type, if it is a `T`.
    pub fn downcast_mut<T: Observer>(&mut self) -> Option<&mut T> {
        (self as &mut dyn Any).downcast_mut::<T>()
    }

    /// The boxed observer as its own type, or itself when it is not a `T`.
    pub fn downcast<T: Observer>(self: Box<Self>) -> std::result::Result<Box<T>, Box<dyn Observer>> {
        if (&*self as &dyn Any).is::<T>() {
            let any: Box<dyn Any> = self;
            Ok(any
                .downcast::<T>()
                .unwrap_or_else(|_| unreachable!("checked just above")))
        } else {
            Err(self)
        }
    }
}
