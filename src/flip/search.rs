//! The search for the nearest value of each fact that changes an answer, one
//! kind of value at a time. Every value reported was evaluated.
//!
//! Ordered values (dates, numbers, times, months) are searched on each side of
//! the case's value: every step up to [`LINEAR_STEPS`] away, then by doubling
//! the distance until the answer differs or the bound is reached, then by
//! bisection between the last distance that left the answer alone and the
//! first that did not (exact when the answer changes once in that stretch, as
//! it does for a deadline or a cap). Either way the value one step nearer the
//! case's was evaluated and leaves the answer as it is.

use rust_decimal::Decimal;

use super::report::{Change, Flip, Shown};
use crate::eval::{self, Case, Slot, dates};
use crate::ir::{FactId, QUnit, RuleId, Type};
use crate::values::value::Value;

/// Steps checked one by one on each side before doubling.
pub const LINEAR_STEPS: i64 = 64;
/// How far a date is moved: ten years of days.
pub const DATE_BOUND_DAYS: i64 = 3_653;
/// How far money is moved, in cents (2^32 cents is about $43 million).
pub const MONEY_BOUND_STEPS: i64 = 1 << 32;
/// How far another number is moved, in steps (2^20: about a million, or
/// 262,144 hours in quarter hours).
pub const NUMBER_BOUND_STEPS: i64 = 1 << 20;
/// How far a date-time is moved, in minutes (about two years).
pub const MINUTE_BOUND: i64 = 1 << 20;
/// How far a month is moved.
pub const MONTH_BOUND: i64 = 120;
/// Lists longer than this are not searched element by element.
pub const MAX_LIST: usize = 100;
/// Dates tried as an added list element: this many days each side of the list.
pub const ADD_WINDOW_DAYS: i32 = 31;
/// At most this many flipping removals or additions are reported per list.
pub const MAX_LIST_FLIPS: usize = 3;

/// A case with one query, evaluated again with one or two facts changed.
pub struct Probe<'p> {
    pub case: Case<'p>,
    pub query: RuleId,
    pub original: eval::Result<Value>,
    pub evaluations: u64,
}

/// Whether two answers are the same: equal values, or both failures.
pub fn same(a: &eval::Result<Value>, b: &eval::Result<Value>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

impl<'p> Probe<'p> {
    /// The answer with fact `f` set to `v` (the case is left as it was).
    pub fn with(&mut self, f: FactId, v: Value) -> eval::Result<Value> {
        self.with_all(&[(f, v)])
    }

    pub fn with_all(&mut self, changes: &[(FactId, Value)]) -> eval::Result<Value> {
        let old: Vec<Slot> = changes
            .iter()
            .map(|(f, v)| self.case.set_slot(*f, Slot::Value(v.clone())))
            .collect();
        self.case.reset_memo();
        let r = self.case.rule(self.query);
        for ((f, _), s) in changes.iter().zip(old) {
            self.case.set_slot(*f, s);
        }
        self.case.reset_memo();
        self.evaluations += 1;
        r
    }

    /// `Some(answer)` when setting `f` to `v` changes the answer.
    fn differs(&mut self, f: FactId, v: &Value) -> Option<eval::Result<Value>> {
        let a = self.with(f, v.clone());
        (!same(&a, &self.original)).then_some(a)
    }
}

/// Where a search along one side stopped.
pub enum Side {
    Found {
        k: i64,
        value: Value,
        nearer: Value,
        answer: eval::Result<Value>,
        every_step: bool,
    },
    /// Nothing up to `k` steps away changes the answer; `domain`: no value lies beyond.
    Unchanged { k: i64, domain: bool },
}

/// Searches one side: `at(k)` is the value `k` steps from the case's (k ≥ 0),
/// `max_k` the last step allowed, `domain` whether that limit is the value's
/// own (rather than the search bound).
pub fn side(probe: &mut Probe, f: FactId, max_k: i64, domain: bool, at: &dyn Fn(i64) -> Option<Value>) -> Side {
    let try_k = |probe: &mut Probe, k: i64| -> Option<Option<(Value, eval::Result<Value>)>> {
        let v = at(k)?;
        Some(probe.differs(f, &v).map(|a| (v, a)))
    };
    let stop = |k: i64, at_domain: bool| Side::Unchanged { k, domain: at_domain };
    let linear = LINEAR_STEPS.min(max_k);
    for k in 1..=linear {
        match try_k(probe, k) {
            None => return stop(k - 1, true),
            Some(Some((value, answer))) => {
                return Side::Found {
                    k,
                    nearer: at(k - 1).unwrap_or(Value::None),
                    value,
                    answer,
                    every_step: true,
                };
            }
            Some(None) => {}
        }
    }
    if linear >= max_k {
        return stop(max_k, domain);
    }
    let mut lo = linear;
    loop {
        let hi = lo.saturating_mul(2).min(max_k);
        match try_k(probe, hi) {
            None => return stop(lo, true),
            Some(None) if hi == max_k => return stop(max_k, domain),
            Some(None) => lo = hi,
            Some(Some((v, a))) => {
                let (mut lo, mut hi, mut found) = (lo, hi, (v, a));
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    match try_k(probe, mid) {
                        Some(Some(x)) => {
                            hi = mid;
                            found = x;
                        }
                        _ => lo = mid,
                    }
                }
                return Side::Found {
                    k: hi,
                    nearer: at(hi - 1).unwrap_or(Value::None),
                    value: found.0,
                    answer: found.1,
                    every_step: false,
                };
            }
        }
    }
}

/// The step of a number of this type: a cent, a quarter hour, a hundredth of a
/// percent, else one.
pub fn number_step(ty: &Type) -> Decimal {
    match ty {
        Type::Qty(QUnit::Money) | Type::Decimal => Decimal::new(1, 2),
        Type::Qty(QUnit::Hours) => Decimal::new(25, 2),
        Type::Percent => Decimal::new(1, 4),
        _ => Decimal::ONE,
    }
}

/// A found flip on one side, before it is shown.
pub struct Raw {
    pub change: Change,
    pub set: Value,
    /// The element added or removed, for lists.
    pub element: Option<Value>,
    pub nearer: Option<Value>,
    pub answer: eval::Result<Value>,
    pub every_step: Option<bool>,
}

/// Both sides of an ordered value. `lower`/`higher` name the sides; `at(k)`
/// takes a signed step count.
fn ordered(
    probe: &mut Probe,
    f: FactId,
    names: (Change, Change),
    bounds: (i64, bool, i64, bool),
    at: &dyn Fn(i64) -> Option<Value>,
    describe: &dyn Fn(i64) -> String,
) -> (Vec<Raw>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let (down_max, down_domain, up_max, up_domain) = bounds;
    for (sign, change, max_k, domain) in [(-1, names.0, down_max, down_domain), (1, names.1, up_max, up_domain)] {
        let label = match change {
            Change::Earlier => "earlier",
            Change::Later => "later",
            Change::Lower => "lower",
            _ => "higher",
        };
        match side(probe, f, max_k, domain, &|k| at(sign * k)) {
            Side::Found {
                value,
                nearer,
                answer,
                every_step,
                ..
            } => out.push(Raw {
                change,
                set: value,
                element: None,
                nearer: Some(nearer),
                answer,
                every_step: Some(every_step),
            }),
            Side::Unchanged { k, domain } => {
                let reason = if domain { "" } else { " (search bound)" };
                if k == 0 {
                    notes.push(format!("{label}: no value lies {label}"));
                } else {
                    let to = if sign < 0 { "back to" } else { "up to" };
                    notes.push(format!("{label}: no change {to} {}{reason}", describe(sign * k)));
                }
            }
        }
    }
    (out, notes)
}

/// Every flip of fact `f` found, and notes on what was not searched or where
/// a search stopped. `reference` is the date an absent date is tried at.
pub fn fact(probe: &mut Probe, f: FactId, reference: i32) -> (Vec<Raw>, Vec<String>) {
    let prog = probe.case.prog;
    let info = &prog.facts[f];
    let optional = matches!(info.ty, Type::Optional(_));
    let ty = info.ty.strip_optional().clone();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let current = match probe.case.slot(f) {
        Slot::Value(Value::None) | Slot::Missing => None,
        Slot::Value(v) => Some(v),
        Slot::Bad(why) => {
            notes.push(format!("not searched: the case's value is unusable ({why})"));
            return (out, notes);
        }
    };
    let Some(v) = current else {
        // Absent: try it present, with a value of each kind.
        let tries: Vec<Value> = match &ty {
            Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
            Type::Enum(e) => (0..prog.enums[e.index()].variants.len() as u32)
                .map(Value::Enum)
                .collect(),
            Type::Date => vec![Value::Date(reference)],
            Type::List(_) => vec![Value::List(Vec::new().into())],
            Type::Int | Type::Decimal | Type::Percent | Type::Qty(_) => vec![Value::int(0)],
            _ => Vec::new(),
        };
        if tries.is_empty() {
            notes.push("not searched: no value to try for an absent fact of this type".into());
        }
        for t in tries {
            if let Some(answer) = probe.differs(f, &t) {
                out.push(Raw {
                    change: Change::Present,
                    set: t,
                    element: None,
                    nearer: None,
                    answer,
                    every_step: None,
                });
            }
        }
        return (out, notes);
    };
    if optional && let Some(answer) = probe.differs(f, &Value::None) {
        out.push(Raw {
            change: Change::Absent,
            set: Value::None,
            element: None,
            nearer: None,
            answer,
            every_step: None,
        });
    }
    let dated = (Change::Earlier, Change::Later);
    let numbered = (Change::Lower, Change::Higher);
    match (&ty, &v) {
        (Type::Bool, Value::Bool(b)) => {
            if let Some(answer) = probe.differs(f, &Value::Bool(!b)) {
                out.push(other(Value::Bool(!b), answer));
            }
        }
        (Type::Enum(e), Value::Enum(i)) => {
            for j in 0..prog.enums[e.index()].variants.len() as u32 {
                if j != *i
                    && let Some(answer) = probe.differs(f, &Value::Enum(j))
                {
                    out.push(other(Value::Enum(j), answer));
                }
            }
        }
        (Type::Date, Value::Date(d)) => {
            let d = *d;
            let lo = dates::from_ymd(1, 1, 1).unwrap_or(i32::MIN);
            let hi = dates::from_ymd(9999, 12, 31).unwrap_or(i32::MAX);
            let down = (d as i64 - lo as i64).min(DATE_BOUND_DAYS);
            let up = (hi as i64 - d as i64).min(DATE_BOUND_DAYS);
            let at = |k: i64| Some(Value::Date(d + k as i32));
            let describe = |k: i64| dates::format_date(d + k as i32);
            let bounds = (down, down < DATE_BOUND_DAYS, up, up < DATE_BOUND_DAYS);
            let (o, n) = ordered(probe, f, dated, bounds, &at, &describe);
            out.extend(o);
            notes.extend(n);
        }
        (Type::Int | Type::Decimal | Type::Percent | Type::Qty(_), Value::Num(n)) => {
            let n = *n;
            let step = number_step(&ty);
            let bound = if ty == Type::Qty(QUnit::Money) {
                MONEY_BOUND_STEPS
            } else {
                NUMBER_BOUND_STEPS
            };
            // A number at or above zero stays so: hours, money and counts are not negative.
            let down = if n >= Decimal::ZERO {
                use rust_decimal::prelude::ToPrimitive;
                (n / step).floor().to_i64().unwrap_or(i64::MAX).min(bound)
            } else {
                bound
            };
            let down_domain = n >= Decimal::ZERO && down < bound;
            let at = |k: i64| {
                Decimal::from(k)
                    .checked_mul(step)
                    .and_then(|x| n.checked_add(x))
                    .map(Value::Num)
            };
            let describe = |k: i64| match at(k) {
                Some(x) => crate::eval::format::text(prog, &x, &ty),
                None => "?".into(),
            };
            let bounds = (down, down_domain, bound, false);
            let (o, n) = ordered(probe, f, numbered, bounds, &at, &describe);
            out.extend(o);
            notes.extend(n);
        }
        (Type::Time, Value::Time(m)) => {
            let m = *m as i64;
            let at = |k: i64| u32::try_from(m + k).ok().filter(|x| *x < 1440).map(Value::Time);
            let describe = |k: i64| dates::format_time((m + k).clamp(0, 1439) as u32);
            let (o, n) = ordered(probe, f, dated, (m, true, 1439 - m, true), &at, &describe);
            out.extend(o);
            notes.extend(n);
        }
        (Type::DateTime, Value::DateTime(t)) => {
            let t = *t;
            let at = |k: i64| Some(Value::DateTime(t + k));
            let describe = |k: i64| dates::format_datetime(t + k);
            let bounds = (MINUTE_BOUND, false, MINUTE_BOUND, false);
            let (o, n) = ordered(probe, f, dated, bounds, &at, &describe);
            out.extend(o);
            notes.extend(n);
        }
        (Type::YearMonth, Value::YearMonth(ym)) => {
            let ym = *ym;
            let at = |k: i64| Some(Value::YearMonth(ym + k as i32));
            let describe = |k: i64| dates::format_year_month(ym + k as i32);
            let bounds = (MONTH_BOUND, false, MONTH_BOUND, false);
            let (o, n) = ordered(probe, f, dated, bounds, &at, &describe);
            out.extend(o);
            notes.extend(n);
        }
        (Type::List(elem), Value::List(xs)) => list(probe, f, elem, xs, reference, &mut out, &mut notes),
        (Type::String, _) => notes.push("not searched: text has no nearest other value".into()),
        _ => notes.push("not searched: a value of this type has no nearest other value".into()),
    }
    (out, notes)
}

fn other(set: Value, answer: eval::Result<Value>) -> Raw {
    Raw {
        change: Change::Other,
        set,
        element: None,
        nearer: None,
        answer,
        every_step: None,
    }
}

/// One element removed, each in turn; one element added, where the candidates
/// are few (an enum's values; dates near the list's).
fn list(
    probe: &mut Probe,
    f: FactId,
    elem: &Type,
    xs: &std::sync::Arc<[Value]>,
    reference: i32,
    out: &mut Vec<Raw>,
    notes: &mut Vec<String>,
) {
    if xs.len() > MAX_LIST {
        notes.push(format!("not searched: {} elements (more than {MAX_LIST})", xs.len()));
        return;
    }
    let mut found = |probe: &mut Probe, change: Change, element: &Value, set: Vec<Value>, count: &mut usize| {
        let set = Value::List(set.into());
        if let Some(answer) = probe.differs(f, &set) {
            *count += 1;
            if *count <= MAX_LIST_FLIPS {
                out.push(Raw {
                    change,
                    set,
                    element: Some(element.clone()),
                    nearer: None,
                    answer,
                    every_step: None,
                });
            }
        }
    };
    let mut removed = 0;
    for (i, x) in xs.iter().enumerate() {
        let rest: Vec<Value> = xs
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, y)| y.clone())
            .collect();
        found(probe, Change::Removed, x, rest, &mut removed);
    }
    if removed > MAX_LIST_FLIPS {
        notes.push(format!("and {} more single removals", removed - MAX_LIST_FLIPS));
    }
    let candidates: Vec<Value> = match elem {
        Type::Enum(e) => (0..probe.case.prog.enums[e.index()].variants.len() as u32)
            .map(Value::Enum)
            .filter(|v| !xs.contains(v))
            .collect(),
        Type::Date => {
            let days: Vec<i32> = xs
                .iter()
                .filter_map(|v| if let Value::Date(d) = v { Some(*d) } else { None })
                .collect();
            let lo = days.iter().min().copied().unwrap_or(reference) - ADD_WINDOW_DAYS;
            let hi = days.iter().max().copied().unwrap_or(reference) + ADD_WINDOW_DAYS;
            // Nearest the list's own days first.
            let gap = |d: i32| {
                days.iter()
                    .map(|x| (x - d).abs())
                    .min()
                    .unwrap_or((reference - d).abs())
            };
            let mut ds: Vec<i32> = (lo..=hi).filter(|d| !days.contains(d)).collect();
            ds.sort_by_key(|d| (gap(*d), *d));
            ds.into_iter().map(Value::Date).collect()
        }
        _ => {
            notes.push("additions not searched: too many candidate elements".into());
            Vec::new()
        }
    };
    let mut added = 0;
    for c in &candidates {
        let mut with: Vec<Value> = xs.to_vec();
        with.push(c.clone());
        if matches!(elem, Type::Date) {
            with.sort_by(|a, b| a.cmp_same(b));
        }
        found(probe, Change::Added, c, with, &mut added);
    }
    if added > MAX_LIST_FLIPS {
        notes.push(format!("and {} more single additions", added - MAX_LIST_FLIPS));
    }
    if matches!(elem, Type::Date) && !candidates.is_empty() {
        let first = candidates.iter().min_by(|a, b| a.cmp_same(b));
        let last = candidates.iter().max_by(|a, b| a.cmp_same(b));
        notes.push(format!(
            "additions tried: each day from {} to {}",
            first.map(crate::eval::format::plain_text).unwrap_or_default(),
            last.map(crate::eval::format::plain_text).unwrap_or_default()
        ));
    }
}

/// Turns a raw flip into its report, with the distance from the case's value.
pub fn shown(probe: &mut Probe, f: FactId, orig: &Value, raw: Raw) -> Flip {
    let prog = probe.case.prog;
    let fty = prog.facts[f].ty.clone();
    let qty = prog.rules[probe.query].ty.clone();
    let ety = match fty.strip_optional() {
        Type::List(t) => (**t).clone(),
        t => t.clone(),
    };
    let distance = match (orig, &raw.set) {
        (Value::Date(a), Value::Date(b)) if raw.change != Change::Present => Some(date_distance(probe, *a, *b)),
        (Value::Num(a), Value::Num(b)) => {
            let d = *b - *a;
            let word = if d < Decimal::ZERO { "less" } else { "more" };
            Some(format!(
                "{} {word}",
                crate::eval::format::text(prog, &Value::Num(d.abs()), fty.strip_optional())
            ))
        }
        (Value::Time(a), Value::Time(b)) => Some(minutes(*b as i64 - *a as i64)),
        (Value::DateTime(a), Value::DateTime(b)) => Some(minutes(*b - *a)),
        (Value::YearMonth(a), Value::YearMonth(b)) => {
            let n = (*b - *a) as i64;
            Some(format!(
                "{} {}",
                plural(n.abs(), "month"),
                if n < 0 { "earlier" } else { "later" }
            ))
        }
        _ => None,
    };
    let value = match &raw.element {
        Some(e) => Shown::value(prog, e, &ety),
        None => Shown::value(prog, &raw.set, &fty),
    };
    Flip {
        change: raw.change,
        value,
        distance,
        every_step_checked: raw.every_step,
        answer: Shown::answer(prog, &raw.answer, &qty),
        explanation: None,
        explanation_text: None,
        set: raw.set,
        nearer: raw.nearer,
        raw_answer: raw.answer,
    }
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn minutes(n: i64) -> String {
    let side = if n < 0 { "earlier" } else { "later" };
    format!("{} {side}", plural(n.abs(), "minute"))
}

/// `3 workdays, 5 days earlier` (days alone when workdays cannot be counted).
fn date_distance(probe: &mut Probe, a: i32, b: i32) -> String {
    let days = b as i64 - a as i64;
    let side = if days < 0 { "earlier" } else { "later" };
    let span = crate::syntax::span::Span::default();
    let work = crate::eval::calendar::workdays_between(&mut probe.case, a, b, span).ok();
    probe.case.reset_memo();
    match work {
        Some(w) => format!("{}, {} {side}", plural(w.abs(), "workday"), plural(days.abs(), "day")),
        None => format!("{} {side}", plural(days.abs(), "day")),
    }
}
