//! Reading facts and rules in lowered code: a fact straight from its word or
//! slot, a rule's answer from the memo, and an [`Operand`] that reads either
//! itself when it can, before it calls any code.

use super::Code;
use super::reps::{Bool, Rep};
use crate::eval::slots::{IN_SLOT, WordKind};
use crate::eval::{Case, MAX_DEPTH, Result, Slot};
use crate::ir::{Builtin, Expr, ExprKind, FactId, RuleId};
use crate::syntax::span::Span;

/// Rule `r`'s answer, computed once a case (memoized) and read in its memo,
/// not copied out.
pub(super) fn read_rule<R: Rep>(r: RuleId, span: Span) -> Code<R::T> {
    Box::new(move |c, _| match c.answer(r) {
        Ok(v) => R::peek(v).ok_or_else(|| R::mismatch(span)),
        Err(e) => Err(e.clone()),
    })
}

/// Whether an inlined rule or call must be read or made as written: in a
/// watched case (the observer sees it entered), and at the depth limit or
/// interrupted (it fails as the read or call does). Otherwise it runs as
/// [`Case::nested`] runs a rule's body, with these checks made already
/// ([`Case::deeper`]): one level deeper, errors named by it.
pub(super) fn as_written(c: &Case) -> bool {
    c.observer.is_some() || c.depth >= MAX_DEPTH || c.interrupted()
}

/// A fact and how a case holds it (see [`crate::eval::slots`]), as lowered.
#[derive(Clone, Copy)]
pub(crate) struct FactAt {
    pub f: FactId,
    pub word: Option<WordKind>,
}

/// A fact's value, read straight from its word or slot when nobody watches.
pub(super) fn fact<R: Rep>(at: FactAt, span: Span) -> Code<R::T> {
    if at.word.is_some() && at.word == R::WORD {
        // The common shape, decided here: a date, variant or truth value
        // read where one is wanted.
        return Box::new(move |c, _| match in_own::<R>(c, at.f) {
            Some(t) => Ok(t),
            None => read_fact::<R>(c, at.f, span),
        });
    }
    Box::new(move |c, _| match in_slot::<R>(c, at) {
        Some(t) => Ok(t),
        None => read_fact::<R>(c, at.f, span),
    })
}

/// Fact `f`'s value straight from its word, a word of `R`'s own kind, when
/// nobody watches and the word holds it (else `None`: the long way).
#[inline(always)]
fn in_own<R: Rep>(c: &Case, f: FactId) -> Option<R::T> {
    let w = c.facts.word(f.index());
    if c.observer.is_some() || w == IN_SLOT {
        return None;
    }
    R::of_own_word(w)
}

/// A fact's value straight from its word or slot, when nobody watches and it
/// holds a value of `R`'s kind (else `None`: the long way, [`read_fact`]).
#[inline(always)]
fn in_slot<R: Rep>(c: &Case, at: FactAt) -> Option<R::T> {
    if c.observer.is_some() {
        return None;
    }
    let i = at.f.index();
    if let Some(k) = at.word {
        let w = c.facts.word(i);
        if w != IN_SLOT {
            return if Some(k) == R::WORD {
                R::of_own_word(w)
            } else {
                R::of_word(k, w)
            };
        }
    }
    match c.facts.in_slot(i) {
        Slot::Value(v) => R::peek(v),
        _ => None,
    }
}

/// An operand its parent reads itself when it can: a constant, a fact's value
/// straight from its slot ([`in_slot`], what [`fact`]'s code does first), a
/// rule's answer from the memo, without a call; anything else, and a fact or
/// rule that is watched, missing, bad, failed or not computed yet, by its
/// code, which reports, fails, computes and converts as every read does.
pub(crate) enum Operand<R: Rep> {
    /// A fact whose word is of `R`'s own kind ([`in_own`]).
    Own(FactId, Code<R::T>),
    Fact(FactAt, Code<R::T>),
    /// A rule read where it is memoized already (else by its code, which
    /// computes it, or tells the observer of the memo's answer).
    Rule(RuleId, Code<R::T>),
    /// An inlined rule that is `required(fact)` (`step1_received`): the fact's
    /// value when it has one and nothing else is to be checked (else the
    /// inlined code: watched, at the depth limit, interrupted, or failing).
    Required(FactAt, Code<R::T>),
    /// `f == w` (`f != w` when `ne`) of a fact held in a word and a constant's
    /// word: a truth value, computed in place when the word holds the fact
    /// (else by `code`, the comparison's, which reads the fact the long way).
    WordIs {
        f: FactId,
        w: i64,
        ne: bool,
        code: Code<R::T>,
    },
    /// `a and b` (`a or b` unless `and`) of two conditions, in a condition
    /// (`R` is [`Bool`]); `code`, the expression's, when watched.
    Both {
        and: bool,
        ab: Box<(Operand<Bool>, Operand<Bool>)>,
        code: Code<R::T>,
    },
    /// `f ?? b` of a fact whose word is of `R`'s own kind: the fact's value
    /// when it is not none, else `b`'s; `code` the whole expression's (watched,
    /// or the word not holding the fact).
    OrOwn(FactId, Box<Operand<R>>, Code<R::T>),
    /// A constant, converted once.
    Const(R::T),
    Code(Code<R::T>),
}

impl<R: Rep> Operand<R> {
    /// The operand's value: read in place when it can be, else by its code.
    #[inline(always)]
    pub fn get(&self, c: &mut Case, frame: usize) -> Result<R::T> {
        match self {
            // Watched, the `and`'s own code reads them (and says so).
            Operand::Both { code, .. } if c.observer.is_some() => code(c, frame),
            Operand::Both { and, ab, code } => {
                let (a, b) = &**ab;
                let x = a.leaf(c, frame)?.holds();
                // `and` reads `b` when `a` holds, `or` when it does not.
                let t = if x == *and { b.leaf(c, frame)?.holds() } else { x };
                match R::of_own_word(i64::from(t)) {
                    Some(t) => Ok(t),
                    None => code(c, frame),
                }
            }
            Operand::OrOwn(f, b, code) => match in_own::<R>(c, *f) {
                Some(t) if R::is_none(&t) => b.leaf(c, frame),
                Some(t) => Ok(t),
                None => code(c, frame),
            },
            _ => self.leaf(c, frame),
        }
    }

    /// [`Operand::get`] of an operand within an operand: inlined but for one
    /// that holds operands itself, which is called.
    #[inline(always)]
    fn leaf(&self, c: &mut Case, frame: usize) -> Result<R::T> {
        match self {
            Operand::WordIs { f, w, ne, code } => {
                let x = c.facts.word(f.index());
                if c.observer.is_none()
                    && x != IN_SLOT
                    && let Some(t) = R::of_own_word(i64::from((x == *w) != *ne))
                {
                    return Ok(t);
                }
                code(c, frame)
            }
            Operand::Own(f, code) => match in_own::<R>(c, *f) {
                Some(t) => Ok(t),
                None => code(c, frame),
            },
            Operand::Fact(f, code) => match in_slot::<R>(c, *f) {
                Some(t) => Ok(t),
                None => code(c, frame),
            },
            Operand::Rule(r, code) => {
                if c.observer.is_none()
                    && let Some(t) = c.answered(*r).and_then(R::peek)
                {
                    return Ok(t);
                }
                code(c, frame)
            }
            Operand::Required(f, code) => {
                if !as_written(c)
                    && let Some(t) = in_slot::<R>(c, *f)
                    && !R::is_none(&t)
                {
                    return Ok(t);
                }
                code(c, frame)
            }
            Operand::Const(t) => Ok(t.clone()),
            Operand::Code(code) => code(c, frame),
            Operand::Both { .. } | Operand::OrOwn(..) => self.nested(c, frame),
        }
    }

    /// [`Operand::get`], called (not inlined) for an operand within an operand
    /// within an operand.
    #[inline(never)]
    fn nested(&self, c: &mut Case, frame: usize) -> Result<R::T> {
        self.get(c, frame)
    }
}

/// The fact of a body that is `required(fact)`, if it is one.
pub(super) fn required_fact(body: &Expr) -> Option<FactId> {
    match &body.kind {
        ExprKind::Builtin(Builtin::Required, args) => match args.first()?.kind {
            ExprKind::Fact(f) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// A fact's value the long way: watched, missing or bad (kept out of the
/// common path, so reading a fact costs a few instructions).
#[cold]
#[inline(never)]
fn read_fact<R: Rep>(c: &mut Case, f: FactId, span: Span) -> Result<R::T> {
    let res = c.fact(f, span);
    if let Some(o) = &mut c.observer {
        o.fact_read(f, &res);
    }
    R::from_value(res?, span)
}
