//! Typing of operators: which operand types combine, in which unit, and the
//! specialised IR operator for each combination.

use crate::ir::Op;
use crate::syntax::ast::BinOp;
use crate::types::{QUnit, Type};

/// Why an operator does not apply: a message and a help line.
pub(super) struct OpError {
    pub message: String,
    pub help: String,
}

fn num_result(l: &Type, r: &Type) -> Type {
    if *l == Type::Int && *r == Type::Int {
        Type::Int
    } else {
        Type::Decimal
    }
}

fn date_step(u: QUnit, sign: i64) -> Option<Op> {
    Some(match u {
        QUnit::Days => Op::DateAddDays(sign),
        QUnit::Weeks => Op::DateAddDays(7 * sign),
        QUnit::PayPeriods => Op::DateAddDays(14 * sign),
        QUnit::Months => Op::DateAddMonths(sign),
        QUnit::Years => Op::DateAddMonths(12 * sign),
        QUnit::Workdays => Op::DateAddWorkdays(sign),
        QUnit::Money | QUnit::Hours => return None,
    })
}

/// Types an arithmetic operator. `show` displays a type for messages.
pub(super) fn arith(op: BinOp, l: &Type, r: &Type, show: &dyn Fn(&Type) -> String) -> Result<(Op, Type), OpError> {
    use Type::*;
    let sign = if op == BinOp::Sub { -1 } else { 1 };
    let verb = match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        BinOp::Div => "divide",
        _ => "take the remainder of",
    };
    let base = match op {
        BinOp::Add => Op::Add,
        BinOp::Sub => Op::Sub,
        BinOp::Mul => Op::Mul,
        BinOp::Div => Op::Div,
        _ => Op::Mod,
    };
    let ok = |t: Type| Ok((base, t));
    match (op, l, r) {
        (_, a, b) if a.is_numeric() && b.is_numeric() => {
            if op == BinOp::Div {
                ok(Decimal)
            } else {
                ok(num_result(a, b))
            }
        }
        (BinOp::Add | BinOp::Sub | BinOp::Mod, Qty(a), Qty(b)) if a == b => ok(Qty(*a)),
        (BinOp::Add | BinOp::Sub, Percent, Percent) => ok(Percent),
        (BinOp::Add | BinOp::Sub, Date, Qty(u)) if u.is_calendar() => {
            Ok((date_step(*u, sign).unwrap_or(Op::Add), Date))
        }
        (BinOp::Sub, Date, Date) => Ok((Op::DateDiff, Qty(QUnit::Days))),
        (BinOp::Add | BinOp::Sub, Time, Qty(QUnit::Hours)) => Ok((Op::TimeAddHours(sign), Time)),
        (BinOp::Sub, Time, Time) => Ok((Op::TimeDiff, Qty(QUnit::Hours))),
        (BinOp::Add | BinOp::Sub, DateTime, Qty(QUnit::Hours)) => Ok((Op::DateTimeAddHours(sign), DateTime)),
        (BinOp::Add | BinOp::Sub, DateTime, Qty(QUnit::Days)) => Ok((Op::DateTimeAddDays(sign), DateTime)),
        (BinOp::Add | BinOp::Sub, DateTime, Qty(QUnit::Weeks)) => Ok((Op::DateTimeAddDays(7 * sign), DateTime)),
        (BinOp::Add | BinOp::Sub, DateTime, Qty(QUnit::Workdays)) => Ok((Op::DateTimeAddWorkdays(sign), DateTime)),
        (BinOp::Sub, DateTime, DateTime) => Ok((Op::DateTimeDiff, Qty(QUnit::Hours))),
        (BinOp::Add | BinOp::Sub, YearMonth, Qty(QUnit::Months)) => Ok((Op::YearMonthAddMonths(sign), YearMonth)),
        (BinOp::Add | BinOp::Sub, YearMonth, Qty(QUnit::Years)) => Ok((Op::YearMonthAddMonths(12 * sign), YearMonth)),
        (BinOp::Add, String, String) => Ok((Op::Concat, String)),
        (BinOp::Mul, Qty(u), n) | (BinOp::Mul, n, Qty(u)) if n.is_numeric() || *n == Percent => ok(Qty(*u)),
        (BinOp::Mul, Percent, n) | (BinOp::Mul, n, Percent) if n.is_numeric() => ok(Decimal),
        (BinOp::Mul, Percent, Percent) => ok(Percent),
        (BinOp::Div, Qty(u), n) if n.is_numeric() => ok(Qty(*u)),
        (BinOp::Div, Qty(a), Qty(b)) if a == b => ok(Decimal),
        (BinOp::Div, Percent, n) if n.is_numeric() => ok(Percent),
        (BinOp::Div, Percent, Percent) => ok(Decimal),
        (_, Optional(_), _) | (_, _, Optional(_)) | (_, Null, _) | (_, _, Null) => Err(OpError {
            message: format!("cannot {verb} `{}` and `{}`: a value may be none", show(l), show(r)),
            help: "check it first (`when x != none => …`) or give a fallback with `x ?? other`".into(),
        }),
        (BinOp::Add | BinOp::Sub, Date, Qty(u)) => Err(OpError {
            message: format!("cannot {verb} `{}` to a date", u.name()),
            help: "a date moves by days, workdays, weeks, months or years: e.g. `d + 5 days`".into(),
        }),
        (BinOp::Add | BinOp::Sub, Date, t) => Err(OpError {
            message: format!("cannot {verb} `{}` to a date", show(t)),
            help: "a date moves by days, workdays, weeks, months or years: e.g. `d + 5 days`".into(),
        }),
        (BinOp::Add | BinOp::Sub, Qty(u), Date) => Err(OpError {
            message: format!("cannot {verb} a date to `{}`", u.name()),
            help: "write the date first: `d + 5 days`".into(),
        }),
        (_, Qty(a), Qty(b)) => Err(OpError {
            message: format!("cannot {verb} `{}` and `{}`", a.name(), b.name()),
            help: if a.is_calendar() && b.is_calendar() {
                "these units count differently (workdays skip weekends and holidays; months vary in length): apply them to a date one after the other".into()
            } else {
                "the two sides must have the same unit".into()
            },
        }),
        (_, Qty(u), n) | (_, n, Qty(u)) if n.is_numeric() => Err(OpError {
            message: format!("cannot {verb} a plain number and `{}`", u.name()),
            help: format!(
                "give the number a unit, e.g. `5 {}`",
                if *u == QUnit::Money {
                    "dollars".to_string()
                } else {
                    u.name().to_string()
                }
            ),
        }),
        _ => Err(OpError {
            message: format!("cannot {verb} `{}` and `{}`", show(l), show(r)),
            help: "arithmetic works on numbers, quantities with one unit, and dates moved by durations".into(),
        }),
    }
}

/// Whether values of the two types may be compared for equality.
pub(super) fn comparable(l: &Type, r: &Type) -> bool {
    l.fits(r) || r.fits(l) || (l.is_numeric() && r.is_numeric())
}

/// Whether values of the type have an order.
pub(super) fn orderable(t: &Type) -> bool {
    matches!(
        t,
        Type::Int
            | Type::Decimal
            | Type::Percent
            | Type::Qty(_)
            | Type::Date
            | Type::Time
            | Type::DateTime
            | Type::YearMonth
            | Type::String
            | Type::Enum(_)
            | Type::Bool
            | Type::Error
            | Type::Never
    )
}
