//! The workday calendar: the table is built once per program from the calendar
//! declared in the standard library (its holiday function evaluated for every
//! year in range); each case adds its closures.

use std::cell::Cell;

use super::RuntimeError;
use super::value::Value;
use super::workdays::WorkdayTable;
use super::{Case, EvalError, Result, dates};
use crate::ir::Program;
use crate::syntax::span::Span;

/// Years covered by the workday table.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2199;

thread_local! {
    static BUILDING: Cell<bool> = const { Cell::new(false) };
}

/// Today's date in UTC, as a day number.
pub fn today() -> i32 {
    use chrono::Datelike;
    let t = chrono::Utc::now().date_naive();
    dates::from_ymd(t.year(), t.month(), t.day()).unwrap_or(0)
}

fn build(prog: &Program) -> std::result::Result<WorkdayTable, String> {
    let cal = prog
        .calendar
        .as_ref()
        .ok_or("no workday calendar is declared (the standard library declares one)")?;
    let mut case = Case::new(prog);
    let mut holidays = Vec::new();
    for y in FIRST_YEAR - 1..=LAST_YEAR + 1 {
        match case.call(cal.holidays, vec![Value::int(y as i64)]) {
            Ok(Value::List(xs)) => holidays.extend(
                xs.iter()
                    .filter_map(|v| if let Value::Date(d) = v { Some(*d) } else { None }),
            ),
            Ok(_) => return Err("the holiday function did not return a list of dates".into()),
            Err(e) => return Err(format!("computing the holidays of {y}: {}", e.message(prog))),
        }
    }
    holidays.sort_unstable();
    holidays.dedup();
    let first = dates::from_ymd(FIRST_YEAR, 1, 1).ok_or("bad calendar range")?;
    let last = dates::from_ymd(LAST_YEAR, 12, 31).ok_or("bad calendar range")?;
    Ok(WorkdayTable::new(first, last, cal.weekend, &holidays))
}

fn table(prog: &Program, span: Span) -> Result<&WorkdayTable> {
    // Built already (so not being built): the common case, without the thread-local.
    if let Some(Ok(t)) = prog.workdays.get() {
        return Ok(t);
    }
    if BUILDING.with(Cell::get) {
        return Err(EvalError::runtime(RuntimeError::HolidaysCountWorkdays, span));
    }
    let t = prog.workdays.get_or_init(|| {
        BUILDING.with(|b| b.set(true));
        let t = build(prog);
        BUILDING.with(|b| b.set(false));
        t
    });
    t.as_ref()
        .map_err(|e| EvalError::runtime(RuntimeError::Calendar(e.as_str().into()), span))
}

/// `d` moved `n` workdays. The common case (the table built, the case's
/// closures read already, the answer in the table) is a table lookup; the
/// first use, the table's building and every error go the long way, which
/// says why.
#[inline]
pub fn add_workdays(case: &mut Case, d: i32, n: i64, span: Span) -> Result<i32> {
    if case.closures_known
        && let Some(Ok(t)) = case.prog.workdays.get()
        && let Ok(x) = t.add_workdays(d, n, &case.closures)
    {
        case.closures_used = true;
        return Ok(x);
    }
    add_workdays_long(case, d, n, span)
}

#[cold]
#[inline(never)]
fn add_workdays_long(case: &mut Case, d: i32, n: i64, span: Span) -> Result<i32> {
    let prog = case.prog;
    let closures = case.closures_ref(span)?;
    let t = table(prog, span)?;
    t.add_workdays(d, n, closures)
        .map_err(|e| EvalError::runtime(RuntimeError::Workdays(e), span))
}

pub fn is_workday(case: &mut Case, d: i32, span: Span) -> Result<bool> {
    let prog = case.prog;
    let closures = case.closures_ref(span)?;
    let t = table(prog, span)?;
    t.is_workday(d, closures)
        .map_err(|e| EvalError::runtime(RuntimeError::Workdays(e), span))
}

pub fn workdays_between(case: &mut Case, a: i32, b: i32, span: Span) -> Result<i64> {
    let prog = case.prog;
    let closures = case.closures_ref(span)?;
    let t = table(prog, span)?;
    t.workdays_between(a, b, closures)
        .map_err(|e| EvalError::runtime(RuntimeError::Workdays(e), span))
}
