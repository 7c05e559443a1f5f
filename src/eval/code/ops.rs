//! Binary operators, lowered on the representations of their operands: a
//! comparison of two dates compares day numbers, `+ 35 workdays` converts its
//! count once; anything else goes through [`Case::binary`] on values.
//!
//! Both operands are evaluated, left first, before either is looked at, and a
//! `none` operand of arithmetic fails as `none` here — as on values.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::lower::Lower;
use super::reps::{Bool, Day, Kind, Num, Rep, Truth, Val, Variant, Word};
use super::{Code, Value};
use crate::eval::{Case, EvalError, RuntimeError, Slot, arithmetic, shift, shift_count, test_in_place};
use crate::ir::{Expr, ExprKind, FactId, Op, RuleId};
use crate::syntax::span::Span;

/// The kind of `a op b`'s value, given its operands' kinds.
pub(crate) fn result_kind(op: Op, a: Kind, b: Kind) -> Kind {
    use Op::*;
    match op {
        Eq | Ne | Lt | Le | Gt | Ge | In | NotIn => Kind::Bool,
        Add | Sub | Mul | Div | Mod if a == Kind::Num && b == Kind::Num => Kind::Num,
        DateDiff | TimeDiff | DateTimeDiff => Kind::Num,
        DateAddDays(_) | DateAddMonths(_) | DateAddWorkdays(_) if a == Kind::Day && b == Kind::Num => Kind::Day,
        _ => Kind::Value,
    }
}

/// `a op b` on values.
pub(crate) fn generic(lw: &Lower, op: Op, a: &Expr, b: &Expr, span: Span) -> Code<Value> {
    let (a, b) = (lw.code::<Val>(a), lw.code::<Val>(b));
    Box::new(move |c, frame| {
        let x = a(c, frame)?;
        let y = b(c, frame)?;
        c.binary(op, x, y, span)
    })
}

/// Comparisons and membership.
pub(crate) fn test(lw: &Lower, op: Op, a: &Expr, b: &Expr, span: Span) -> Option<Code<Truth>> {
    if matches!(op, Op::In | Op::NotIn) {
        return Some(member(lw, op, a, b, span));
    }
    let order = order(op)?;
    Some(match lw.kind(a).join(lw.kind(b)) {
        // `Option`'s order is the language's: none before every value.
        Kind::Num => compare::<Num>(lw, order, a, b),
        Kind::Day => compare::<Day>(lw, order, a, b),
        Kind::Variant => compare::<Variant>(lw, order, a, b),
        Kind::Bool => compare::<Bool>(lw, order, a, b),
        _ => test_values(lw, op, a, b, span),
    })
}

/// A comparison or membership on values; equality and membership of facts,
/// rules and constants without copying them.
fn test_values(lw: &Lower, op: Op, a: &Expr, b: &Expr, span: Span) -> Code<Truth> {
    let values = generic(lw, op, a, b, span);
    let copied: Code<Truth> = Box::new(move |c, frame| Bool::from_value(values(c, frame)?, span));
    if !matches!(op, Op::Eq | Op::Ne | Op::In | Op::NotIn) {
        return copied;
    }
    match (Place::of(lw, a), Place::of(lw, b)) {
        // A fact against a constant (`grievance.subject != none`,
        // `… == "classification"`): the shape decided here, once.
        (Some(Place::Fact(f)), Some(Place::Const(y))) => Box::new(move |c, frame| {
            if c.observer.is_none()
                && let Slot::Value(x) = c.facts.in_slot(f.index())
                && let Some(t) = test_in_place(op, x, &y)
            {
                return Ok(Truth::of(t));
            }
            copied(c, frame)
        }),
        (Some(x), Some(y)) => {
            // (`grievance.subject in excluded_subjects` copied the text and
            // the list, and counted references to both, on every test.)
            Box::new(move |c, frame| {
                if c.observer.is_none()
                    && x.ready(c)
                    && y.ready(c)
                    && let (Some(x), Some(y)) = (x.get(c), y.get(c))
                    && let Some(t) = test_in_place(op, x, y)
                {
                    return Ok(Truth::of(t));
                }
                // Watched, failing or mistyped: the long way, which says so.
                copied(c, frame)
            })
        }
        _ => copied,
    }
}

/// Where an operand's value can be read without copying it.
enum Place {
    /// A fact its slot holds (not its word: see [`crate::eval::slots`]).
    Fact(FactId),
    Rule(RuleId),
    Const(Value),
}

impl Place {
    fn of(lw: &Lower, e: &Expr) -> Option<Place> {
        match &e.kind {
            ExprKind::Fact(f) if lw.held_in_slot(*f) => Some(Place::Fact(*f)),
            ExprKind::Fact(_) => None,
            ExprKind::Rule(r) => Some(Place::Rule(*r)),
            _ => super::lower::constant(e).map(Place::Const),
        }
    }

    /// Whether the value can be read: a rule is computed (memoized) first.
    #[inline(always)]
    fn ready(&self, c: &mut Case) -> bool {
        match self {
            Place::Fact(f) => matches!(c.facts.in_slot(f.index()), Slot::Value(_)),
            Place::Rule(r) => c.answer(*r).is_ok(),
            Place::Const(_) => true,
        }
    }

    fn get<'a>(&'a self, c: &'a Case) -> Option<&'a Value> {
        match self {
            Place::Fact(f) => match c.facts.in_slot(f.index()) {
                Slot::Value(v) => Some(v),
                _ => None,
            },
            Place::Rule(r) => c.answered(*r),
            Place::Const(v) => Some(v),
        }
    }
}

#[derive(Clone, Copy)]
enum Order {
    Eq,
    Ne,
    Cmp(Want),
}

/// Which orderings a comparison accepts.
#[derive(Clone, Copy)]
enum Want {
    Lt,
    Le,
    Gt,
    Ge,
}

fn order(op: Op) -> Option<Order> {
    Some(match op {
        Op::Eq => Order::Eq,
        Op::Ne => Order::Ne,
        Op::Lt => Order::Cmp(Want::Lt),
        Op::Le => Order::Cmp(Want::Le),
        Op::Gt => Order::Cmp(Want::Gt),
        Op::Ge => Order::Cmp(Want::Ge),
        _ => return None,
    })
}

fn compare<R: Rep>(lw: &Lower, order: Order, a: &Expr, b: &Expr) -> Code<Truth>
where
    R::T: PartialOrd,
{
    // One closure for each operator, so a test does not choose among them
    // (`<` and the rest are `partial_cmp`'s, as the language orders values).
    match order {
        Order::Eq => compare_by::<R>(lw, a, b, |x, y| x == y),
        Order::Ne => compare_by::<R>(lw, a, b, |x, y| x != y),
        Order::Cmp(Want::Lt) => compare_by::<R>(lw, a, b, |x, y| x < y),
        Order::Cmp(Want::Le) => compare_by::<R>(lw, a, b, |x, y| x <= y),
        Order::Cmp(Want::Gt) => compare_by::<R>(lw, a, b, |x, y| x > y),
        Order::Cmp(Want::Ge) => compare_by::<R>(lw, a, b, |x, y| x >= y),
    }
}

/// `a holds b`, for one comparison `holds`.
fn compare_by<R: Rep>(
    lw: &Lower,
    a: &Expr,
    b: &Expr,
    holds: impl Fn(&R::T, &R::T) -> bool + Copy + Send + Sync + 'static,
) -> Code<Truth> {
    // A constant on the right (`x != none`, `current_step == 3`) is converted
    // once, here, not evaluated per test.
    if let ExprKind::Const(v) = &b.kind
        && let Some(y) = R::peek(v)
    {
        let a = lw.operand::<R>(a);
        return Box::new(move |c, frame| Ok(Truth::of(holds(&a.get(c, frame)?, &y))));
    }
    let (a, b) = (lw.operand::<R>(a), lw.operand::<R>(b));
    Box::new(move |c, frame| {
        let x = a.get(c, frame)?;
        let y = b.get(c, frame)?;
        Ok(Truth::of(holds(&x, &y)))
    })
}

/// `a in b`, `a not in b`; a constant list is kept as it is, not copied per test.
fn member(lw: &Lower, op: Op, a: &Expr, b: &Expr, span: Span) -> Code<Truth> {
    let negate = op == Op::NotIn;
    let list = super::lower::constant(b);
    if let Some(Value::List(xs)) = &list {
        let typed = match lw.kind(a) {
            Kind::Variant => member_of::<Variant>(lw, a, xs, negate),
            Kind::Num => member_of::<Num>(lw, a, xs, negate),
            Kind::Day => member_of::<Day>(lw, a, xs, negate),
            _ => None,
        };
        if let Some(code) = typed {
            return code;
        }
    }
    match list {
        Some(Value::List(_)) if Place::of(lw, a).is_some() => test_values(lw, op, a, b, span),
        Some(Value::List(xs)) => {
            let x = lw.code::<Val>(a);
            Box::new(move |c, frame| Ok(Truth::of(xs.contains(&x(c, frame)?) != negate)))
        }
        Some(Value::None) => {
            let x = lw.code::<Val>(a);
            Box::new(move |c, frame| x(c, frame).map(|_| Truth::of(negate)))
        }
        _ => test_values(lw, op, a, b, span),
    }
}

/// `a in [constants]` on `R`'s values, when every constant is one.
fn member_of<R: Rep>(lw: &Lower, a: &Expr, xs: &[Value], negate: bool) -> Option<Code<Truth>>
where
    R::T: PartialEq,
{
    let ys: Vec<R::T> = xs.iter().map(R::peek).collect::<Option<_>>()?;
    let x = lw.operand::<R>(a);
    Some(Box::new(move |c, frame| {
        let v = x.get(c, frame)?;
        Ok(Truth::of(ys.contains(&v) != negate))
    }))
}

/// `a op b` on two numbers, and the difference of two dates.
pub(crate) fn numbers(lw: &Lower, op: Op, a: &Expr, b: &Expr, span: Span) -> Option<Code<Option<Decimal>>> {
    if op == Op::DateDiff && lw.kind(a) == Kind::Day && lw.kind(b) == Kind::Day {
        let (a, b) = (lw.code::<Day>(a), lw.code::<Day>(b));
        return Some(Box::new(move |c, frame| {
            let x = a(c, frame)?;
            let y = b(c, frame)?;
            match (x.as_day(), y.as_day()) {
                (Some(x), Some(y)) => Ok(Some(Decimal::from(x as i64 - y as i64))),
                _ => Err(none_here(span)),
            }
        }));
    }
    if result_kind(op, lw.kind(a), lw.kind(b)) != Kind::Num
        || !matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod)
    {
        return None;
    }
    let (a, b) = (lw.code::<Num>(a), lw.code::<Num>(b));
    Some(Box::new(move |c, frame| {
        let x = a(c, frame)?;
        let y = b(c, frame)?;
        match (x, y) {
            (Some(x), Some(y)) => arithmetic(op, x, y, span).map(Some),
            _ => Err(none_here(span)),
        }
    }))
}

/// A date moved by days, months or workdays.
pub(crate) fn date_shift(lw: &Lower, op: Op, a: &Expr, b: &Expr, span: Span) -> Option<Code<Word>> {
    if !matches!(op, Op::DateAddDays(_) | Op::DateAddMonths(_) | Op::DateAddWorkdays(_))
        || result_kind(op, lw.kind(a), lw.kind(b)) != Kind::Day
    {
        return None;
    }
    let a = lw.operand::<Day>(a);
    // A constant count (`+ 35 workdays`) is converted once, here.
    if let ExprKind::Const(Value::Num(n)) = &b.kind
        && let Ok(n) = shift_count(op, *n, span)
    {
        if let Op::DateAddWorkdays(_) = op {
            // The deadlines' shape, decided once here: straight to the workday
            // table, without `shift`'s choice among days, months and workdays.
            return Some(Box::new(move |c, frame| match a.get(c, frame)?.as_day() {
                Some(d) => crate::eval::calendar::add_workdays(c, d, n, span).map(Word::day),
                None => Err(none_here(span)),
            }));
        }
        return Some(Box::new(move |c, frame| match a.get(c, frame)?.as_day() {
            Some(d) => shift(c, op, d, n, span).map(Word::day),
            None => Err(none_here(span)),
        }));
    }
    let b = lw.code::<Num>(b);
    if let Op::DateAddWorkdays(_) = op {
        // `+ receipt_extension(…)`: a count computed, straight to the table.
        return Some(Box::new(move |c, frame| {
            let x = a.get(c, frame)?;
            let y = b(c, frame)?;
            let (Some(d), Some(n)) = (x.as_day(), y) else {
                return Err(none_here(span));
            };
            crate::eval::calendar::add_workdays(c, d, shift_count(op, n, span)?, span).map(Word::day)
        }));
    }
    Some(Box::new(move |c, frame| {
        let x = a.get(c, frame)?;
        let y = b(c, frame)?;
        let (Some(d), Some(n)) = (x.as_day(), y) else {
            return Err(none_here(span));
        };
        shift(c, op, d, shift_count(op, n, span)?, span).map(Word::day)
    }))
}

fn none_here(span: Span) -> Arc<EvalError> {
    EvalError::runtime(RuntimeError::NoneHere, span)
}
