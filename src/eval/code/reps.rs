//! How lowered code holds a value: the representations ([`Rep`]) and the static
//! [`Kind`] of an expression that chooses among them.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::lower::Lower;
use super::{Code, Value};
use crate::eval::slots::WordKind;
use crate::eval::{EvalError, Result, RuntimeError};
use crate::ir::{Expr, Type};
use crate::syntax::span::Span;

/// A representation of the values of one kind in lowered code.
pub(crate) trait Rep: Sized + 'static {
    type T: Clone + Send + Sync + 'static;
    /// Whether `none` is one of its values.
    const NULLABLE: bool;
    /// The kind of the values it holds.
    const KIND: Kind;
    /// The value in this representation, or `None` when it is of another type.
    fn peek(v: &Value) -> Option<Self::T>;
    /// The value in this representation, or the value back when it is of another type.
    fn take(v: Value) -> std::result::Result<Self::T, Value> {
        Self::peek(&v).ok_or(v)
    }
    fn wrap(t: Self::T) -> Value;
    /// The kind of fact word this representation holds as it is (see
    /// [`Rep::of_own_word`]), if any.
    const WORD: Option<WordKind> = None;
    /// The value of a fact's word `w` of kind [`Rep::WORD`].
    #[inline(always)]
    fn of_own_word(_w: i64) -> Option<Self::T> {
        None
    }
    /// The value of a fact's word `w` of kind `k` in this representation
    /// (see [`crate::eval::slots`]), or `None` when it is of another type.
    #[inline(always)]
    fn of_word(k: WordKind, w: i64) -> Option<Self::T> {
        Self::peek(&k.value(w))
    }
    /// Whether `t` is `none` (never, unless [`Rep::NULLABLE`]).
    fn is_none(t: &Self::T) -> bool;
    /// The error of a value of another type where this one was needed (never
    /// reached by a checked program but for `none`, which only a condition
    /// refuses: `expected true or false`).
    fn mismatch(span: Span) -> Arc<EvalError>;
    /// The code of the expressions this representation computes itself; `None`
    /// for those computed as a [`Value`] and converted.
    fn native(lw: &Lower, e: &Expr) -> Option<Code<Self::T>>;

    /// `v` in this representation, or the mismatch error at `span`.
    fn from_value(v: Value, span: Span) -> Result<Self::T> {
        Self::take(v).map_err(|_| Self::mismatch(span))
    }
}

/// Any value: text, lists, records, and whatever has no narrower kind.
pub(crate) struct Val;
/// `true` or `false` (a condition).
pub(crate) struct Bool;
/// A number of any unit, or none.
pub(crate) struct Num;
/// A date as its day number, or none.
pub(crate) struct Day;
/// An enum value as its variant index, or none.
pub(crate) struct Variant;

impl Rep for Val {
    type T = Value;
    const NULLABLE: bool = true;
    const KIND: Kind = Kind::Value;
    fn peek(v: &Value) -> Option<Value> {
        Some(v.clone())
    }
    fn take(v: Value) -> std::result::Result<Value, Value> {
        Ok(v)
    }
    fn wrap(t: Value) -> Value {
        t
    }
    fn is_none(t: &Value) -> bool {
        matches!(t, Value::None)
    }
    fn mismatch(span: Span) -> Arc<EvalError> {
        EvalError::runtime(RuntimeError::BadOperands, span)
    }
    fn native(lw: &Lower, e: &Expr) -> Option<Code<Value>> {
        Some(lw.value(e))
    }
}

/// `true` or `false` in one word, so a result of it comes back from lowered
/// code in registers (a `bool` in a `Result` comes back through memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Truth(u64);

impl Truth {
    pub const fn of(b: bool) -> Truth {
        Truth(b as u64)
    }

    /// Whether it is `true`.
    pub fn holds(self) -> bool {
        self.0 != 0
    }
}

impl Rep for Bool {
    type T = Truth;
    const NULLABLE: bool = false;
    const KIND: Kind = Kind::Bool;
    fn peek(v: &Value) -> Option<Truth> {
        match v {
            Value::Bool(b) => Some(Truth::of(*b)),
            _ => None,
        }
    }
    fn wrap(t: Truth) -> Value {
        Value::Bool(t.holds())
    }
    const WORD: Option<WordKind> = Some(WordKind::Bool);
    #[inline(always)]
    fn of_own_word(w: i64) -> Option<Truth> {
        Some(Truth(w as u64))
    }
    fn is_none(_: &Truth) -> bool {
        false
    }
    fn mismatch(span: Span) -> Arc<EvalError> {
        EvalError::runtime(RuntimeError::Expected("true or false"), span)
    }
    fn native(lw: &Lower, e: &Expr) -> Option<Code<Truth>> {
        lw.bool_native(e)
    }
}

/// A date's day number or an enum's variant index, or none, in one word:
/// `none` is below every value, as the language orders it. One word, so a
/// result of it comes back from lowered code in registers, not through
/// memory as an `Option` would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Word(i64);

impl Word {
    pub const NONE: Word = Word(crate::eval::slots::NONE);

    pub fn day(d: i32) -> Word {
        Word(d.into())
    }

    pub fn variant(v: u32) -> Word {
        Word(v.into())
    }

    /// The day number, if it is one (not none).
    pub fn as_day(self) -> Option<i32> {
        (self != Word::NONE).then_some(self.0 as i32)
    }

    /// The variant index, if it is one (not none).
    pub fn as_variant(self) -> Option<u32> {
        (self != Word::NONE).then_some(self.0 as u32)
    }
}

/// The representations that are an optional copyable value.
macro_rules! optional_rep {
    ($rep:ident, $t:ty, $variant:ident, $expected:literal, $native:ident, $some:expr, $none:expr, $get:expr $(, $word:ident)?) => {
        impl Rep for $rep {
            type T = $t;
            const NULLABLE: bool = true;
            const KIND: Kind = Kind::$rep;
            fn peek(v: &Value) -> Option<$t> {
                match v {
                    Value::$variant(x) => Some($some(*x)),
                    Value::None => Some($none),
                    _ => None,
                }
            }
            fn wrap(t: $t) -> Value {
                $get(t).map_or(Value::None, Value::$variant)
            }
            $(
            // A day's or variant's word is this representation's.
            const WORD: Option<WordKind> = Some(WordKind::$word);
            #[inline(always)]
            fn of_own_word(w: i64) -> Option<$t> {
                Some(Word(w))
            }
            )?
            fn is_none(t: &$t) -> bool {
                *t == $none
            }
            fn mismatch(span: Span) -> Arc<EvalError> {
                EvalError::runtime(RuntimeError::Expected($expected), span)
            }
            fn native(lw: &Lower, e: &Expr) -> Option<Code<$t>> {
                lw.$native(e)
            }
        }
    };
}

optional_rep!(
    Num,
    Option<Decimal>,
    Num,
    "a number",
    num_native,
    Some,
    None,
    std::convert::identity
);
optional_rep!(
    Day,
    Word,
    Date,
    "a date",
    day_native,
    Word::day,
    Word::NONE,
    Word::as_day,
    Day
);
optional_rep!(
    Variant,
    Word,
    Enum,
    "an enum value",
    variant_native,
    Word::variant,
    Word::NONE,
    Word::as_variant,
    Variant
);

/// What the checker proved an expression's value is, as far as lowering cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Never none.
    Bool,
    Num,
    Day,
    Variant,
    /// Anything else, or not known.
    Value,
    /// Only `none`.
    Null,
    /// No value: `error(…)`.
    Never,
}

impl Kind {
    pub fn of_type(t: &Type) -> Kind {
        match t {
            Type::Bool => Kind::Bool,
            Type::Null => Kind::Null,
            Type::Never => Kind::Never,
            Type::Optional(inner) => match Kind::of_type(inner) {
                k @ (Kind::Num | Kind::Day | Kind::Variant) => k,
                _ => Kind::Value,
            },
            t => Kind::of_plain(t),
        }
    }

    fn of_plain(t: &Type) -> Kind {
        match t {
            Type::Int | Type::Decimal | Type::Percent | Type::Qty(_) => Kind::Num,
            Type::Date => Kind::Day,
            Type::Enum(_) => Kind::Variant,
            _ => Kind::Value,
        }
    }

    pub fn of_value(v: &Value) -> Kind {
        match v {
            Value::Bool(_) => Kind::Bool,
            Value::Num(_) => Kind::Num,
            Value::Date(_) => Kind::Day,
            Value::Enum(_) => Kind::Variant,
            Value::None => Kind::Null,
            _ => Kind::Value,
        }
    }

    /// The kind of a value that is one of either kind's values.
    pub fn join(self, other: Kind) -> Kind {
        match (self, other) {
            (a, b) if a == b => a,
            (Kind::Never, k) | (k, Kind::Never) => k,
            (Kind::Null, k @ (Kind::Num | Kind::Day | Kind::Variant))
            | (k @ (Kind::Num | Kind::Day | Kind::Variant), Kind::Null) => k,
            _ => Kind::Value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A date or variant in one word orders, compares and converts back as the
    /// `Option` it replaces: `none` before every value (the language's order),
    /// the values in their own order, the smallest and largest included.
    #[test]
    fn one_word_keeps_the_order_and_the_values_of_an_option() {
        let days = [
            None,
            Some(i32::MIN),
            Some(-719_162),
            Some(-1),
            Some(0),
            Some(20_000),
            Some(i32::MAX),
        ];
        let day = |d: Option<i32>| d.map_or(Value::None, Value::Date);
        for a in days {
            let x = Day::peek(&day(a)).expect("a date or none");
            assert_eq!(Day::wrap(x), day(a));
            assert_eq!(Day::is_none(&x), a.is_none());
            for b in days {
                let y = Day::peek(&day(b)).expect("a date or none");
                assert_eq!(x.cmp(&y), a.cmp(&b), "{a:?} against {b:?}");
            }
        }
        let variants = [None, Some(0), Some(1), Some(u32::MAX)];
        let variant = |v: Option<u32>| v.map_or(Value::None, Value::Enum);
        for a in variants {
            let x = Variant::peek(&variant(a)).expect("a variant or none");
            assert_eq!(Variant::wrap(x), variant(a));
            for b in variants {
                let y = Variant::peek(&variant(b)).expect("a variant or none");
                assert_eq!(x.cmp(&y), a.cmp(&b), "{a:?} against {b:?}");
            }
        }
        for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
            let (x, y) = (Truth::of(a), Truth::of(b));
            assert_eq!((x.holds(), x.cmp(&y)), (a, a.cmp(&b)));
            assert_eq!(Bool::wrap(x), Value::Bool(a));
        }
    }
}
