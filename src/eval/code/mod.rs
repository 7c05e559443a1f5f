//! The compiled form of the checked IR, the one form evaluation runs.
//!
//! Each rule or function body is lowered once, on its first evaluation, into
//! nested closures ([`Code`]) specialised to what the checker proved about each
//! expression: a condition computes a [`reps::Truth`], a date its day number
//! and an enum its variant index in a [`reps::Word`] (one machine word each,
//! so a closure's result comes back in registers), an amount an
//! `Option<Decimal>` (`None` and `Word::NONE` are the language's `none`), and
//! only what has no such form (text, lists, records, locals) a [`Value`]. So the common nodes neither dispatch on
//! the expression's kind nor wrap, move and unwrap tagged values; a constant
//! operand (`+ 35 workdays`) is converted once, when lowered.
//!
//! The closures report the same [`Observer`](super::observe::Observer) events as
//! the IR prescribes (each costs one `None` check when nobody watches) and
//! answer, fail and stop (see [`super::INTERRUPT`]) exactly as the language
//! says; `tests/eval_equiv.rs` holds them to the answers, messages and events
//! stored before evaluation was compiled.
//!
//! The lowered rules live in the program's [`Compiled`](crate::ir::Compiled)
//! slot, shared by every thread and case.

mod lower;
mod ops;
mod read;
mod reps;

pub(crate) use reps::Kind;

use std::sync::OnceLock;

use rust_decimal::Decimal;

use super::slots::WordKind;
use super::value::Value;
use super::{Case, Result};
use crate::ir::{Expr, Program, RuleId};
use reps::Rep;

/// A lowered expression: runs against a case, with its locals from `frame` on.
pub(crate) type Code<T> = Box<dyn Fn(&mut Case<'_>, usize) -> Result<T> + Send + Sync>;

/// A rule's or function's lowered body, computing in the representation of
/// its declared type (so a rule's answer becomes a [`Value`] once, where it
/// is memoized or returned, not in a closure of its own).
pub(crate) enum Body {
    Bool(Code<reps::Truth>),
    Num(Code<Option<Decimal>>),
    Day(Code<reps::Word>),
    Variant(Code<reps::Word>),
    Value(Code<Value>),
}

impl Body {
    /// Runs the body with its locals from `frame` on: its answer as a value.
    #[inline(always)]
    pub(crate) fn run(&self, c: &mut Case<'_>, frame: usize) -> Result<Value> {
        match self {
            Body::Bool(code) => code(c, frame).map(reps::Bool::wrap),
            Body::Num(code) => code(c, frame).map(reps::Num::wrap),
            Body::Day(code) => code(c, frame).map(reps::Day::wrap),
            Body::Variant(code) => code(c, frame).map(reps::Variant::wrap),
            Body::Value(code) => code(c, frame),
        }
    }
}

/// A lowered rule or function: its body and the number of its locals
/// (parameters first), kept beside it so a call reads one place.
pub(crate) struct Lowered {
    pub body: Body,
    pub locals: u32,
}

/// The lowered bodies of a program's rules and functions, each lowered on its
/// first call.
pub struct Rules {
    bodies: Box<[OnceLock<Lowered>]>,
    /// How a case holds each fact (see [`super::slots`]).
    facts: Box<[Option<WordKind>]>,
}

impl Rules {
    /// The program's lowered rules (an empty table the first time).
    pub fn of(prog: &Program) -> &Rules {
        let any = prog.compiled.0.get_or_init(|| {
            Box::new(Rules {
                bodies: prog.rules.iter().map(|_| OnceLock::new()).collect(),
                facts: WordKind::of_facts(prog),
            })
        });
        match any.downcast_ref::<Rules>() {
            Some(r) => r,
            // Only this function fills the slot, always with `Rules`.
            None => unreachable!("the compiled slot holds the evaluator's rules"),
        }
    }

    /// How a case holds each fact, by fact index.
    pub(crate) fn facts(&self) -> &[Option<WordKind>] {
        &self.facts
    }

    /// The body of rule or function `id`, lowered on first use.
    #[inline]
    pub(crate) fn body(&self, prog: &Program, id: RuleId) -> &Lowered {
        self.bodies[id.index()].get_or_init(|| Lowered {
            body: lower::Lower::new(prog).rule(id),
            locals: prog.rules[id].locals,
        })
    }
}

/// Lowers an expression outside every rule (`--expr`, the REPL, a test).
pub(crate) fn expr(prog: &Program, e: &Expr) -> Code<Value> {
    lower::Lower::new(prog).code::<reps::Val>(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A program's rules are lowered once, on their first evaluation, and every
    /// case and thread after that runs the same code; rules nobody evaluates are
    /// never lowered (a start pays only for what it asks).
    #[test]
    fn rules_are_lowered_once_per_program_and_shared() {
        let prog = crate::builtin::load().0.expect("the built-in program checks");
        let id = prog.rule_index["grievance.step1_deadline"];
        assert!(prog.compiled.0.get().is_none(), "nothing is lowered before evaluation");
        let lowered_in = |prog: &Program| {
            let mut case = Case::new(prog);
            let _ = case.rule(id);
            Rules::of(prog).body(prog, id) as *const Lowered as usize
        };
        let here = lowered_in(&prog);
        let there = std::thread::scope(|s| s.spawn(|| lowered_in(&prog)).join().expect("the thread ends"));
        assert_eq!(here, there, "a second case, on another thread, runs the same code");
        let bodies = &Rules::of(&prog).bodies;
        let lowered = bodies.iter().filter(|b| b.get().is_some()).count();
        assert!(
            0 < lowered && lowered < bodies.len() / 4,
            "{lowered} of {} rules lowered",
            bodies.len()
        );
    }

    /// `receipt_extension(grievance.step2.method, grievance.step2.mailbox_unavailable)`
    /// in `step2_deadline` is inlined: a small function called with facts.
    /// (That its answers and errors are the call's is `tests/observe.rs`'s.)
    #[test]
    fn a_small_function_called_with_facts_is_inlined() {
        use crate::ir::ExprKind;
        fn calls(e: &Expr, out: &mut Vec<Expr>) {
            if let ExprKind::Call(..) = e.kind {
                out.push(e.clone());
            }
            e.for_each_child(|c| calls(c, out));
        }
        let prog = crate::builtin::load().0.expect("the built-in program checks");
        let mut found = Vec::new();
        calls(
            &prog.rules[prog.rule_index["grievance.step2_deadline"]].body,
            &mut found,
        );
        let [call] = &found[..] else {
            panic!("one call: {found:?}")
        };
        let ExprKind::Call(f, args) = &call.kind else {
            unreachable!()
        };
        assert_eq!(prog.rules[*f].qualified, "grievance.receipt_extension");
        let lower = lower::Lower::new(&prog);
        assert!(lower.inline_call::<reps::Num>(call, *f, args).is_some(), "inlined");
        // A value is wanted where it answers a number: the call is made.
        assert!(lower.inline_call::<reps::Val>(call, *f, args).is_none());
    }
}
