//! What can go wrong while evaluating a well-typed program: one variant per kind
//! of failure, each rendering the message users see.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::workdays::OutOfRange;
use super::{Case, ErrorKind, EvalError, Slot, format};
use crate::ir::{FactId, RuleId};

/// A failure of evaluation that is not a missing or bad fact nor an `error("…")`.
#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeError {
    /// `a / 0`.
    DivisionByZero,
    /// `a mod 0`.
    RemainderByZero,
    /// A count that must be whole is not: `2.5 workdays` added to a date
    /// (`a number of workdays must be whole, not 2.5`).
    NotWhole { what: &'static str, value: Decimal },
    /// A count too large for 64 bits (`a number of workdays is too large`).
    TooLarge { what: &'static str },
    /// A result past the range of exact decimals.
    NumberTooLarge,
    /// Adding months left the calendar.
    DateOutOfRange,
    /// Adding days left years 1 to 9999.
    DateOutOfYears,
    /// Adding months to a year-month left the calendar.
    MonthOutOfRange,
    /// Adding months to a year-month left years 1 to 9999.
    MonthOutOfYears,
    /// `date(y, m, d)` of a day that does not exist.
    NoSuchDate { year: i64, month: i64, day: i64 },
    /// Adding hours to a time of day went past midnight.
    PastMidnight,
    /// `round(x, step)` with a step of zero or less.
    RoundingStep,
    /// Whole operands whose whole result passes the 64-bit integers an `int` holds.
    WholeTooLarge,
    /// The evaluation was stopped by [`super::INTERRUPT`] (Ctrl-C in the REPL).
    Interrupted,
    /// A range error followed by the facts the case gave that the failing rule
    /// reads: `date out of range with `as_of` = 9999-12-31`.
    WithGiven(Box<RuntimeError>, String),
    /// `range(a, b)` too long to build.
    RangeTooLarge,
    /// `xs[i]` outside the list.
    IndexOutside { index: i64, len: usize },
    /// Rules nested past [`super::MAX_DEPTH`].
    NestingTooDeep,
    /// A workday count reached a date outside the workday calendar.
    Workdays(OutOfRange),
    /// The holiday function counted workdays itself.
    HolidaysCountWorkdays,
    /// The workday calendar could not be built (its holiday function failed).
    Calendar(Arc<str>),
    /// An arithmetic operand that is none.
    NoneHere,
    /// A field of none.
    FieldOfNone,
    /// Values the checker should have rejected (a value of another type than
    /// expected): `expected a date`. Never reached by a checked program.
    Expected(&'static str),
    /// A field of a value that is not a record (never reached by a checked program).
    FieldOfNonRecord,
    /// An index that is not a number (never reached by a checked program).
    BadIndex,
    /// An operator applied to values it does not combine (never reached by a checked program).
    BadOperands,
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RuntimeError::*;
        match self {
            DivisionByZero => f.write_str("division by zero"),
            RemainderByZero => f.write_str("remainder of a division by zero"),
            NotWhole { what, value } => write!(f, "{what} must be whole, not {}", value.normalize()),
            TooLarge { what } => write!(f, "{what} is too large"),
            NumberTooLarge => f.write_str("number too large"),
            DateOutOfRange => f.write_str("date out of range"),
            DateOutOfYears => f.write_str("date out of range (years 1 to 9999)"),
            MonthOutOfRange => f.write_str("month out of range"),
            MonthOutOfYears => f.write_str("month out of range (years 1 to 9999)"),
            NoSuchDate { year, month, day } => {
                let why = if (1..=9999).contains(year) {
                    ""
                } else {
                    " (years run from 1 to 9999)"
                };
                write!(f, "there is no date {year}-{month:02}-{day:02}{why}")
            }
            PastMidnight => f.write_str("the time passes midnight: use a date-time"),
            RoundingStep => f.write_str("the rounding step must be more than zero"),
            WholeTooLarge => write!(
                f,
                "number too large: whole numbers run from {} to {}",
                i64::MIN,
                i64::MAX
            ),
            Interrupted => f.write_str(super::INTERRUPTED),
            WithGiven(e, given) => write!(f, "{e} with {given}"),
            RangeTooLarge => write!(f, "range too large: more than {} numbers", super::builtins::MAX_RANGE),
            IndexOutside { index, len } => write!(f, "index {index} is outside the list of {len} items"),
            NestingTooDeep => write!(f, "rules nest more than {} deep", super::MAX_DEPTH),
            Workdays(e) => write!(f, "{e}"),
            HolidaysCountWorkdays => f.write_str("the holiday function cannot itself count workdays"),
            Calendar(m) => f.write_str(m),
            NoneHere => f.write_str("a value is none here"),
            FieldOfNone => f.write_str("a field of a value that is none"),
            Expected(what) => write!(f, "expected {what}"),
            FieldOfNonRecord => f.write_str("a field of a value that is not a record"),
            BadIndex => f.write_str("bad list index"),
            BadOperands => f.write_str("internal: an operator met values it does not combine"),
        }
    }
}

/// Words of the runtime errors a fact's value can cause by being out of range
/// (a date near year 9999, a huge number): such an error names the facts the case
/// gave that the failing rule reads.
const RANGE_WORDS: [&str; 5] = [
    "out of range",
    "outside the workday calendar",
    "too large",
    "there is no date",
    "years run",
];

impl Case<'_> {
    /// For a range error of rule `id`: "`fact` = value" for each fact the case
    /// gave that the rule reads (directly or through the rules it uses), so the
    /// user sees which input to fix; `None` for any other error, or none given.
    pub(super) fn given_facts(&self, id: RuleId, e: &EvalError) -> Option<String> {
        let ErrorKind::Runtime(err) = &e.kind else { return None };
        let msg = err.to_string();
        if matches!(err, RuntimeError::WithGiven(..)) || !RANGE_WORDS.iter().any(|w| msg.contains(w)) {
            return None;
        }
        // The facts the rule reads, directly or through the rules it uses.
        let mut read: Vec<FactId> = self
            .prog
            .facts_read(id)
            .into_iter()
            .filter(|&f| self.provided.get(f.index()).copied().unwrap_or(false))
            .collect();
        read.sort_unstable();
        read.dedup();
        let given: Vec<String> = read
            .iter()
            .filter_map(|&f| match self.slot(f) {
                Slot::Value(v) => Some(format!("`{}` = {}", self.prog.facts[f].path, format::plain_text(&v))),
                _ => None,
            })
            .collect();
        (!given.is_empty()).then(|| given.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::RuntimeError::*;
    use rust_decimal::Decimal;

    /// The messages are those the catch-all `Runtime(String)` carried before (with
    /// issue 17's: the range limit said, years named, whole-number overflow, Ctrl-C).
    #[test]
    fn messages_are_unchanged() {
        let cases = [
            (DivisionByZero, "division by zero"),
            (RemainderByZero, "remainder of a division by zero"),
            (
                NotWhole {
                    what: "a number of workdays",
                    value: Decimal::new(250, 2),
                },
                "a number of workdays must be whole, not 2.5",
            ),
            (TooLarge { what: "a year" }, "a year is too large"),
            (NumberTooLarge, "number too large"),
            (DateOutOfRange, "date out of range"),
            (DateOutOfYears, "date out of range (years 1 to 9999)"),
            (MonthOutOfRange, "month out of range"),
            (
                NoSuchDate {
                    year: 2025,
                    month: 2,
                    day: 30,
                },
                "there is no date 2025-02-30",
            ),
            (PastMidnight, "the time passes midnight: use a date-time"),
            (RoundingStep, "the rounding step must be more than zero"),
            (RangeTooLarge, "range too large: more than 1000000 numbers"),
            (
                NoSuchDate {
                    year: 99999,
                    month: 1,
                    day: 1,
                },
                "there is no date 99999-01-01 (years run from 1 to 9999)",
            ),
            (MonthOutOfYears, "month out of range (years 1 to 9999)"),
            (
                WholeTooLarge,
                "number too large: whole numbers run from -9223372036854775808 to 9223372036854775807",
            ),
            (Interrupted, "interrupted"),
            (
                WithGiven(Box::new(DateOutOfRange), "`as_of` = 9999-12-31".into()),
                "date out of range with `as_of` = 9999-12-31",
            ),
            (
                IndexOutside { index: 3, len: 2 },
                "index 3 is outside the list of 2 items",
            ),
            (NestingTooDeep, "rules nest more than 1000 deep"),
            (
                HolidaysCountWorkdays,
                "the holiday function cannot itself count workdays",
            ),
            (NoneHere, "a value is none here"),
            (FieldOfNone, "a field of a value that is none"),
            (Expected("a date"), "expected a date"),
        ];
        for (e, message) in cases {
            assert_eq!(e.to_string(), message);
        }
    }
}
