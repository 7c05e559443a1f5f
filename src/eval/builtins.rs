//! Built-in functions at run time.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use super::RuntimeError;
use super::value::Value;
use super::{Case, EvalError, Result, calendar, dates, to_i64};
use crate::ir::Builtin;
use crate::syntax::span::Span;

/// The most numbers `range(a, b)` makes.
pub(crate) const MAX_RANGE: i64 = 1_000_000;

fn num(v: &Value, span: Span) -> Result<Decimal> {
    match v {
        Value::Num(n) => Ok(*n),
        _ => Err(EvalError::runtime(RuntimeError::Expected("a number"), span)),
    }
}

fn date(v: &Value, span: Span) -> Result<i32> {
    match v {
        Value::Date(d) => Ok(*d),
        _ => Err(EvalError::runtime(RuntimeError::Expected("a date"), span)),
    }
}

fn round_step(x: Decimal, step: Decimal, strategy: RoundingStrategy, span: Span) -> Result<Decimal> {
    if step <= Decimal::ZERO {
        return Err(EvalError::runtime(RuntimeError::RoundingStep, span));
    }
    let q = x
        .checked_div(step)
        .ok_or_else(|| EvalError::runtime(RuntimeError::NumberTooLarge, span))?;
    q.round_dp_with_strategy(0, strategy)
        .checked_mul(step)
        .ok_or_else(|| EvalError::runtime(RuntimeError::NumberTooLarge, span))
}

/// A builtin applied to its arguments' values (every builtin takes its
/// arguments evaluated, left to right).
pub(super) fn apply(case: &mut Case, b: Builtin, v: &[Value], span: Span) -> Result<Value> {
    use Builtin as B;
    let list = |x: &Value| -> Result<std::sync::Arc<[Value]>> {
        match x {
            Value::List(xs) => Ok(xs.clone()),
            Value::None => Ok(Vec::new().into()),
            _ => Err(EvalError::runtime(RuntimeError::Expected("a list"), span)),
        }
    };
    Ok(match b {
        B::Min | B::Max => {
            let mut best = v[0].clone();
            for x in &v[1..] {
                let o = x.cmp_same(&best);
                if (b == B::Min && o.is_lt()) || (b == B::Max && o.is_gt()) {
                    best = x.clone();
                }
            }
            best
        }
        B::MinList | B::MaxList => {
            let xs = list(&v[0])?;
            let it = xs.iter().cloned();
            let r = if b == B::MinList {
                it.min_by(|a, b| a.cmp_same(b))
            } else {
                it.max_by(|a, b| a.cmp_same(b))
            };
            r.unwrap_or(Value::None)
        }
        B::Abs => Value::Num(num(&v[0], span)?.abs()),
        B::Floor => Value::Num(num(&v[0], span)?.floor()),
        B::Ceil => Value::Num(num(&v[0], span)?.ceil()),
        B::Round => Value::Num(num(&v[0], span)?.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)),
        B::RoundTo => Value::Num(round_step(
            num(&v[0], span)?,
            num(&v[1], span)?,
            RoundingStrategy::MidpointAwayFromZero,
            span,
        )?),
        B::RoundUp => Value::Num(round_step(
            num(&v[0], span)?,
            num(&v[1], span)?,
            RoundingStrategy::ToPositiveInfinity,
            span,
        )?),
        B::RoundDown => Value::Num(round_step(
            num(&v[0], span)?,
            num(&v[1], span)?,
            RoundingStrategy::ToNegativeInfinity,
            span,
        )?),
        B::Number => v[0].clone(),
        B::Count => Value::int(list(&v[0])?.iter().filter(|x| **x == Value::Bool(true)).count() as i64),
        B::Len => Value::int(list(&v[0])?.len() as i64),
        B::Sum => {
            let mut t = Decimal::ZERO;
            for x in list(&v[0])?.iter() {
                let x = num(x, span)?;
                t = super::whole_checked(t, x, t.checked_add(x), span)?;
            }
            Value::Num(t)
        }
        B::Any => Value::Bool(list(&v[0])?.contains(&Value::Bool(true))),
        B::All => Value::Bool(list(&v[0])?.iter().all(|x| *x == Value::Bool(true))),
        B::First => list(&v[0])?.first().cloned().unwrap_or(Value::None),
        B::Last => list(&v[0])?.last().cloned().unwrap_or(Value::None),
        B::Reverse => Value::List(list(&v[0])?.iter().rev().cloned().collect()),
        B::Distinct => {
            // First occurrences in order; a hash set keeps it linear (values of one
            // list share a type, and equal values hash alike: `1.0` and `1.00` too).
            let xs = list(&v[0])?;
            let mut seen = std::collections::HashSet::with_capacity(xs.len());
            let mut out: Vec<Value> = Vec::new();
            for (i, x) in xs.iter().enumerate() {
                if i % 4096 == 0 {
                    super::check_interrupt(span)?;
                }
                if seen.insert(x) {
                    out.push(x.clone());
                }
            }
            Value::List(out.into())
        }
        B::Range => {
            let a = to_i64(num(&v[0], span)?, "a range start", span)?;
            let z = to_i64(num(&v[1], span)?, "a range end", span)?;
            if i128::from(z) - i128::from(a) > i128::from(MAX_RANGE) {
                return Err(EvalError::runtime(RuntimeError::RangeTooLarge, span));
            }
            Value::List((a..z).map(Value::int).collect())
        }
        B::Contains => Value::Bool(list(&v[0])?.contains(&v[1])),
        B::ListConcat => Value::List(list(&v[0])?.iter().chain(list(&v[1])?.iter()).cloned().collect()),
        B::Date => {
            let y = to_i64(num(&v[0], span)?, "a year", span)?;
            let m = to_i64(num(&v[1], span)?, "a month", span)?;
            let d = to_i64(num(&v[2], span)?, "a day", span)?;
            let day = i32::try_from(y)
                .ok()
                .zip(u32::try_from(m).ok().zip(u32::try_from(d).ok()))
                .and_then(|(y, (m, d))| dates::from_ymd_in_range(y, m, d))
                .ok_or_else(|| {
                    EvalError::runtime(
                        RuntimeError::NoSuchDate {
                            year: y,
                            month: m,
                            day: d,
                        },
                        span,
                    )
                })?;
            Value::Date(day)
        }
        B::Year | B::Month | B::Day => match &v[0] {
            Value::Date(d) => {
                let (y, m, dd) = dates::to_ymd(*d);
                Value::int(match b {
                    B::Year => y as i64,
                    B::Month => m as i64,
                    _ => dd as i64,
                })
            }
            Value::YearMonth(ym) => {
                let (y, m) = dates::year_month_parts(*ym);
                Value::int(if b == B::Year { y as i64 } else { m as i64 })
            }
            _ => return Err(EvalError::runtime(RuntimeError::Expected("a date"), span)),
        },
        B::Weekday => Value::Enum(dates::weekday(date(&v[0], span)?) as u32),
        B::DaysBetween => Value::int(date(&v[1], span)? as i64 - date(&v[0], span)? as i64),
        B::WorkdaysBetween => {
            let (a, z) = (date(&v[0], span)?, date(&v[1], span)?);
            Value::int(calendar::workdays_between(case, a, z, span)?)
        }
        B::LastDayOfMonth => Value::Date(dates::last_day_of_month(date(&v[0], span)?)),
        B::YearMonthOf => Value::YearMonth(dates::year_month_of(date(&v[0], span)?)),
        B::FirstDay | B::LastDay => match &v[0] {
            Value::YearMonth(ym) => Value::Date(if b == B::FirstDay {
                dates::first_day(*ym)
            } else {
                dates::last_day(*ym)
            }),
            _ => return Err(EvalError::runtime(RuntimeError::Expected("a year and month"), span)),
        },
        B::DateOf | B::TimeOf => match &v[0] {
            Value::DateTime(t) => {
                let (d, m) = dates::split_datetime(*t);
                if b == B::DateOf { Value::Date(d) } else { Value::Time(m) }
            }
            _ => return Err(EvalError::runtime(RuntimeError::Expected("a date-time"), span)),
        },
        B::DateTime => match (&v[0], &v[1]) {
            (Value::Date(d), Value::Time(m)) => Value::DateTime(dates::make_datetime(*d, *m)),
            _ => return Err(EvalError::runtime(RuntimeError::Expected("a date and a time"), span)),
        },
        B::Today => Value::Date(case.today),
        B::Text => Value::Str(super::format::plain_text(&v[0]).into()),
        B::Required => match (&v[0], &v[1]) {
            (Value::None, Value::Num(f)) => {
                let f = to_i64(*f, "a fact", span)? as u32;
                return Err(Arc::new(EvalError {
                    kind: super::ErrorKind::MissingFact(crate::ir::FactId(f)),
                    span,
                    rule: None,
                }));
            }
            (x, _) => x.clone(),
        },
        B::EnumText => match (&v[0], &v[1]) {
            (Value::Enum(i), Value::Enum(e)) => {
                Value::Str(case.prog.enums[*e as usize].external[*i as usize].as_str().into())
            }
            _ => return Err(EvalError::runtime(RuntimeError::Expected("an enum value"), span)),
        },
        B::StartsWith | B::StrContains => match (&v[0], &v[1]) {
            (Value::Str(a), Value::Str(p)) => Value::Bool(if b == B::StartsWith {
                a.starts_with(&**p)
            } else {
                a.contains(&**p)
            }),
            _ => return Err(EvalError::runtime(RuntimeError::Expected("text"), span)),
        },
        B::Lower | B::Upper => match &v[0] {
            Value::Str(a) => Value::Str(
                if b == B::Lower {
                    a.to_lowercase()
                } else {
                    a.to_uppercase()
                }
                .into(),
            ),
            _ => return Err(EvalError::runtime(RuntimeError::Expected("text"), span)),
        },
        B::StrLen => match &v[0] {
            Value::Str(a) => Value::int(a.chars().count() as i64),
            _ => return Err(EvalError::runtime(RuntimeError::Expected("text"), span)),
        },
    })
}
