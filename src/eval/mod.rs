//! Evaluation of the checked IR against one case's facts.
//!
//! A [`Case`] holds the facts in slots (by [`FactId`]) and a memo of rule answers
//! (by [`RuleId`]); locals live on one stack. Rule bodies run in their compiled
//! form (see [`code`]), lowered once per program. No names are looked up here.

pub mod builtins;
pub mod calendar;
mod code;
mod error;
pub mod format;
mod given;
mod native;
pub mod observe;
mod slots;
pub use native::Native;
pub use slots::Held;

use std::cmp::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::ir::*;
use crate::syntax::span::Span;
pub use crate::values::{dates, value, workdays};
pub use error::RuntimeError;
use observe::Observer;
use value::Value;

/// A fact's state in one case.
#[derive(Debug, Clone)]
pub enum Slot {
    Value(Value),
    Missing,
    /// Present but not of the declared type: the message says where and why.
    Bad(Arc<str>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    MissingFact(FactId),
    BadFact(FactId, Arc<str>),
    /// `error("…")` in a rule.
    Raised(String),
    /// Division by zero, a fraction of a day, a date out of range, …
    Runtime(RuntimeError),
}

/// Why a query failed: what, where (the expression), and in which rule.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub span: Span,
    /// The innermost rule being evaluated.
    pub rule: Option<RuleId>,
}

impl EvalError {
    /// A runtime error at `span`, boxed as evaluation passes errors.
    pub fn runtime(e: RuntimeError, span: Span) -> Arc<EvalError> {
        Arc::new(EvalError {
            kind: ErrorKind::Runtime(e),
            span,
            rule: None,
        })
    }

    /// A one-line message naming the fact, the rule and its citation.
    pub fn message(&self, prog: &Program) -> String {
        let what = match &self.kind {
            ErrorKind::MissingFact(f) => format!("missing fact `{}`", prog.facts[f.index()].path),
            ErrorKind::BadFact(f, why) => format!("fact `{}` {}", prog.facts[f.index()].path, why),
            ErrorKind::Raised(m) => m.clone(),
            ErrorKind::Runtime(e) => e.to_string(),
        };
        match self.rule.map(|r| &prog.rules[r]) {
            Some(r) => match &r.citation {
                Some(c) => format!("{what} (needed by `{}`, {c})", r.qualified),
                None => format!("{what} (needed by `{}`)", r.qualified),
            },
            None => what,
        }
    }
}

/// The result of evaluation. The error is shared: a result is no larger than
/// its value (it moves cheaply through every node), and the failure of a rule
/// that many rules read is not copied for each of them.
pub type Result<T> = std::result::Result<T, Arc<EvalError>>;

/// A memoized answer and the generation it belongs to: the memo is reset by
/// bumping the case's generation, never by clearing or scanning the slots.
#[derive(Debug, Clone)]
struct MemoSlot {
    generation: u32,
    /// Whether the answer is kept across resets (see [`Case::keep_constants`]).
    keep: bool,
    /// The answer, when `generation` is current (else what a past case left).
    memo: Result<Value>,
}

/// The generation of an answer that no case changes (see [`Case::keep_constants`]):
/// it outlives every reset.
const KEPT: u32 = u32::MAX;

/// The memoized answer of rule `id` in generation `generation` (`None` when stale).
#[inline]
fn memoized(memo: &[MemoSlot], generation: u32, id: RuleId) -> Option<&Result<Value>> {
    let slot = &memo[id.index()];
    if slot.generation == generation || slot.generation == KEPT {
        Some(&slot.memo)
    } else {
        None
    }
}

/// Whether dropping `r` does nothing (no text, list, record or error in it).
#[inline]
fn plain(r: &Result<Value>) -> bool {
    !matches!(r, Err(_) | Ok(Value::Str(_) | Value::List(_) | Value::Record(_)))
}

/// One case: facts and memoized answers.
pub struct Case<'p> {
    pub prog: &'p Program,
    /// The program's compiled rules.
    code: &'p code::Rules,
    /// The facts, by [`FactId`] (read with [`Case::slot`], set with [`Case::set_slot`]).
    facts: slots::FactSlots<'p>,
    memo: Vec<MemoSlot>,
    /// The generation of the answers in `memo` that count (others are stale).
    generation: u32,
    stack: Vec<Value>,
    /// The case's closures (see [`Case::closures_ref`]), when `closures_known`.
    closures: Vec<i32>,
    closures_known: bool,
    /// Whether the closures were read (workdays counted) since the memo was
    /// last reset.
    closures_used: bool,
    /// Every fact's slot before any file gives it, and the `today` they were
    /// made for (see [`Case::reset_fact`]).
    defaults: slots::FactSlots<'p>,
    defaults_today: Option<i32>,
    /// The date `today()` means (and the default of `as_of`).
    pub today: i32,
    /// Facts the fact file gave (rather than defaults).
    pub provided: Vec<bool>,
    /// Records given one after another (see [`Case::give`]): the facts given
    /// for this record and for the one before.
    given: given::Given,
    /// How deeply rules and functions are nested right now.
    depth: u32,
    /// Who watches the evaluation (explanations, coverage), if anyone: see
    /// [`observe`]. `None` costs one check per event.
    pub observer: Option<Box<dyn Observer>>,
    /// Set (by a timer, say) to stop this case's evaluation as [`INTERRUPT`]
    /// stops every one: at the next rule call or list step.
    pub cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
}

/// A fact's slot before any file gives it.
fn default_slot(f: &FactInfo, today: i32) -> Slot {
    match &f.default {
        Default::None => Slot::Missing,
        Default::Value(v) => Slot::Value(v.clone()),
        Default::Today => Slot::Value(Value::Date(today)),
    }
}

/// Rules and functions may nest this deep before evaluation stops with an error
/// (a chain of rules this long is a mistake, and the stack is finite).
pub const MAX_DEPTH: u32 = 1_000;

impl<'p> Case<'p> {
    /// A case with every fact at its default (or missing).
    pub fn new(prog: &'p Program) -> Case<'p> {
        let today = calendar::today();
        let code = code::Rules::of(prog);
        let facts = slots::FactSlots::new(code.facts(), prog.facts.iter().map(|f| default_slot(f, today)));
        Case {
            prog,
            code,
            defaults: facts.clone(),
            defaults_today: Some(today),
            facts,
            memo: vec![
                MemoSlot {
                    generation: 0,
                    keep: false,
                    memo: Ok(Value::None)
                };
                prog.rules.len()
            ],
            generation: 1,
            stack: Vec::new(),
            closures: Vec::new(),
            closures_known: false,
            closures_used: false,
            today,
            provided: vec![false; prog.facts.len()],
            given: given::Given::new(prog.facts.len()),
            depth: 0,
            observer: None,
            cancel: None,
        }
    }

    /// Sets a fact, forgetting memoized answers.
    pub fn set_fact(&mut self, f: FactId, slot: Slot) {
        self.facts.set(f.index(), slot);
        self.reset_memo();
    }

    /// Puts one fact back to its default (or missing), as if no file gave it;
    /// memoized answers are kept (call [`Case::reset_memo`] after a refill).
    pub fn reset_fact(&mut self, f: FactId) {
        self.know_defaults();
        self.put_default(f.index());
    }

    /// Makes the defaults of [`Case::reset_fact`] those of the case's `today`:
    /// once per case (and again if its `today` changes), not per reset.
    #[inline]
    fn know_defaults(&mut self) {
        if self.defaults_today != Some(self.today) {
            self.make_defaults();
        }
    }

    #[cold]
    #[inline(never)]
    fn make_defaults(&mut self) {
        let today = self.today;
        self.defaults = slots::FactSlots::new(
            self.code.facts(),
            self.prog.facts.iter().map(|f| default_slot(f, today)),
        );
        self.defaults_today = Some(today);
    }

    /// Puts fact `i` back to its default (known: see [`Case::know_defaults`]).
    #[inline(always)]
    fn put_default(&mut self, i: usize) {
        self.facts.copy(i, &self.defaults);
        self.provided[i] = false;
        if Some(i) == self.closures_fact().map(FactId::index) {
            self.closures_known = false;
        }
    }

    /// The fact that holds the case's closures, if the calendar has one.
    fn closures_fact(&self) -> Option<FactId> {
        self.prog.calendar.as_ref().and_then(|c| c.closures)
    }

    /// Gives fact `f` for the record being filled (`provided` when the record
    /// gave it a value rather than `null`). Records are filled one after
    /// another: give a record's facts, then call [`Case::next_record`].
    #[inline]
    pub fn give(&mut self, f: FactId, slot: Slot, provided: bool) {
        let i = f.index();
        self.facts.set(i, slot);
        self.provided[i] = provided;
        self.given.give(i);
    }

    /// The facts given for the record being filled, in the order of their ids.
    pub fn given(&self) -> Vec<FactId> {
        self.given.now().map(FactId::from_index).collect()
    }

    /// Ends the filling of a record: the facts the record before gave and this
    /// one did not go back to their defaults, and memoized answers are
    /// forgotten. (A fact both records give is set once, not reset and set.)
    pub fn next_record(&mut self) {
        let mut given = std::mem::take(&mut self.given);
        // The closures read for the record before still hold unless this
        // record gives them (putting them back forgot them already).
        let closures_given = self.closures_fact().is_some_and(|f| given.has(f.index()));
        self.know_defaults();
        given.next(|f| self.put_default(f));
        self.given = given;
        let closures_kept = self.closures_known && !closures_given;
        self.reset_memo();
        self.closures_known = closures_kept;
    }

    /// Makes the case new again (every fact at its default, nothing memoized)
    /// without allocating: for evaluating many cases one after another.
    pub fn reset(&mut self) {
        self.know_defaults();
        for f in 0..self.prog.facts.len() {
            self.put_default(f);
        }
        self.given.clear();
        self.reset_memo();
        self.stack.clear();
        self.depth = 0;
    }

    /// Keeps the answers of the rules marked in `constant` (from
    /// [`Program::case_independent`]) when the memo is reset, for a case
    /// reused for many records.
    pub fn keep_constants(&mut self, constant: &[bool]) {
        for (m, &keep) in self.memo.iter_mut().zip(constant) {
            m.keep = keep;
            // Answers already memoized in this generation are kept from now on too.
            if keep && m.generation == self.generation {
                m.generation = KEPT;
            }
        }
    }

    /// Forgets the memoized answers (but those [`Case::keep_constants`] keeps):
    /// a new generation, so no slot is touched.
    pub fn reset_memo(&mut self) {
        self.generation += 1;
        if self.generation == KEPT {
            // Once in four billion resets: forget the stale slots for real.
            for m in &mut self.memo {
                if m.generation != KEPT {
                    *m = MemoSlot {
                        generation: 0,
                        keep: m.keep,
                        memo: Ok(Value::None),
                    };
                }
            }
            self.generation = 1;
        }
        self.closures_known = false;
        self.closures_used = false;
    }

    /// Whether the case's closures were read (workdays counted) since the memo
    /// was last reset.
    pub fn closures_read(&self) -> bool {
        self.closures_used
    }

    /// The answer of a rule (memoized).
    pub fn rule(&mut self, id: RuleId) -> Result<Value> {
        match self.answer(id) {
            Ok(v) => Ok(v.clone()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The answer of a rule, in its memo: computed (and memoized) unless it is
    /// there already. For reading answers in place (lowered code, `cba batch`),
    /// copying only what is needed; [`Case::rule`] copies it out.
    #[inline]
    pub fn answer(&mut self, id: RuleId) -> std::result::Result<&Value, &Arc<EvalError>> {
        if memoized(&self.memo, self.generation, id).is_none() {
            self.compute(id);
        } else if self.observer.is_some() {
            self.memo_hit(id);
        }
        self.memo[id.index()].memo.as_ref()
    }

    /// The answer of rule `id` if it is memoized and not an error.
    #[inline(always)]
    pub(crate) fn answered(&self, id: RuleId) -> Option<&Value> {
        memoized(&self.memo, self.generation, id)?.as_ref().ok()
    }

    /// Tells the observer that rule `id`'s answer came from the memo.
    #[cold]
    fn memo_hit(&mut self, id: RuleId) {
        if let (Some(o), Some(res)) = (&mut self.observer, memoized(&self.memo, self.generation, id)) {
            o.memo_hit(id, res.as_ref().map_err(|e| &**e));
        }
    }

    /// Evaluates rule `id`'s body and memoizes its answer.
    #[inline(never)]
    fn compute(&mut self, id: RuleId) {
        let lowered = self.code.body(self.prog, id);
        let frame = self.stack.len();
        let res = if self.observer.is_none() && lowered.locals == 0 {
            // The common case: nobody watches and the body needs no frame.
            self.nested(id, |c| lowered.body.run(c, frame))
        } else {
            self.run_framed(id, lowered, frame, false)
        };
        let slot = &mut self.memo[id.index()];
        slot.generation = if slot.keep { KEPT } else { self.generation };
        if plain(&slot.memo) {
            // Nothing to drop: skip the drop's dispatch on every variant.
            std::mem::forget(std::mem::replace(&mut slot.memo, res));
        } else {
            slot.memo = res;
        }
    }

    /// Runs rule or function `id` with its locals from `frame` on (a call's
    /// arguments there already), telling the observer, if any.
    fn run_framed(&mut self, id: RuleId, lowered: &code::Lowered, frame: usize, call: bool) -> Result<Value> {
        if let Some(o) = &mut self.observer {
            o.rule_enter(id, call.then(|| &self.stack[frame..]));
        }
        let locals = frame + lowered.locals as usize;
        if locals > self.stack.len() {
            self.stack.resize(locals, Value::None);
        }
        let res = self.nested(id, |c| lowered.body.run(c, frame));
        if let Some(o) = &mut self.observer {
            o.rule_exit(id, &res);
        }
        self.stack.truncate(frame);
        res
    }

    /// Calls a function with argument values.
    pub fn call(&mut self, id: RuleId, args: Vec<Value>) -> Result<Value> {
        let frame = self.stack.len();
        self.stack.extend(args);
        self.call_at(id, frame)
    }

    /// Calls a function whose arguments are on the stack from `frame` on.
    fn call_at(&mut self, id: RuleId, frame: usize) -> Result<Value> {
        let lowered = self.code.body(self.prog, id);
        self.run_framed(id, lowered, frame, true)
    }

    /// Runs the body of rule or function `id` one level deeper, naming the rule
    /// in any error that does not name one yet.
    pub(crate) fn nested<T>(&mut self, id: RuleId, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            let r = &self.prog.rules[id];
            return Err(Arc::new(EvalError {
                kind: ErrorKind::Runtime(RuntimeError::NestingTooDeep),
                span: r.span,
                rule: Some(id),
            }));
        }
        if self.interrupted() {
            self.check_interrupt(self.prog.rules[id].span)?;
        }
        self.deeper(id, f)
    }

    /// Runs `f` one level deeper, naming rule or function `id` in any error
    /// that does not name one yet: [`Case::nested`] once the depth and the
    /// interruption are checked (by it, or by inlined code that checked them).
    #[inline(always)]
    pub(crate) fn deeper<T>(&mut self, id: RuleId, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.depth += 1;
        let res = f(self).map_err(|e| self.attribute(id, e));
        self.depth -= 1;
        res
    }

    /// Error `e` as it leaves rule or function `id`: naming the rule unless an
    /// inner one is named already, and a range error with the facts given.
    #[cold]
    #[inline(never)]
    pub(crate) fn attribute(&self, id: RuleId, mut e: Arc<EvalError>) -> Arc<EvalError> {
        // Shared errors (read from a memo) are copied only to be changed.
        if let Some(given) = self.given_facts(id, &e) {
            let e = Arc::make_mut(&mut e);
            if let ErrorKind::Runtime(err) = &mut e.kind {
                let inner = std::mem::replace(err, RuntimeError::NumberTooLarge);
                *err = RuntimeError::WithGiven(Box::new(inner), given);
            }
        }
        if e.rule.is_none() {
            Arc::make_mut(&mut e).rule = Some(id);
        }
        e
    }

    /// An "interrupted" error once [`INTERRUPT`] or this case's `cancel` is set.
    fn check_interrupt(&self, span: Span) -> Result<()> {
        if self.interrupted() {
            return Err(EvalError::runtime(RuntimeError::Interrupted, span));
        }
        Ok(())
    }

    /// Whether [`INTERRUPT`] or this case's `cancel` is set.
    #[inline]
    fn interrupted(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        INTERRUPT.load(Relaxed) || self.cancel.as_ref().is_some_and(|c| c.load(Relaxed))
    }

    /// Evaluates a top-level expression (`--expr`, the REPL) with `locals` slots.
    pub fn eval_top(&mut self, e: &Expr, locals: u32) -> Result<Value> {
        let code = code::expr(self.prog, e);
        let frame = self.stack.len();
        self.stack.resize(frame + locals as usize, Value::None);
        let res = code(self, frame);
        self.stack.truncate(frame);
        res
    }

    fn fact(&self, f: FactId, span: Span) -> Result<Value> {
        match self.facts.get(f.index()) {
            Slot::Value(v) => Ok(v),
            Slot::Missing => Err(Arc::new(EvalError {
                kind: ErrorKind::MissingFact(f),
                span,
                rule: None,
            })),
            Slot::Bad(why) => Err(Arc::new(EvalError {
                kind: ErrorKind::BadFact(f, why),
                span,
                rule: None,
            })),
        }
    }

    /// The case's closures, sorted, read from their fact on first use after
    /// each reset (into the same buffer).
    pub(crate) fn closures_ref(&mut self, span: Span) -> Result<&[i32]> {
        self.closures_used = true;
        if !self.closures_known {
            self.closures.clear();
            if let Some(f) = self.closures_fact() {
                match self.facts.in_slot(f.index()) {
                    Slot::Value(Value::List(xs)) => self.closures.extend(xs.iter().filter_map(|v| match v {
                        Value::Date(d) => Some(*d),
                        _ => None,
                    })),
                    // A bad closures fact fails every workday count, with its message.
                    Slot::Bad(_) => {
                        self.fact(f, span)?;
                    }
                    Slot::Value(_) | Slot::Missing => {}
                }
            }
            self.closures.sort_unstable();
            self.closures.dedup();
            self.closures_known = true;
        }
        Ok(&self.closures)
    }

    /// Starts observing the evaluation with `o` (replacing any observer).
    pub fn observe(&mut self, o: Box<dyn Observer>) {
        self.observer = Some(o);
    }

    /// Stops observing and returns the observer if it is a `T` (any other
    /// observer is dropped).
    pub fn take_observer<T: Observer>(&mut self) -> Option<Box<T>> {
        self.observer.take()?.downcast::<T>().ok()
    }

    fn binary(&mut self, op: Op, x: Value, y: Value, span: Span) -> Result<Value> {
        use Value::*;
        if let Some(t) = test_in_place(op, &x, &y) {
            return Ok(Bool(t));
        }
        Ok(match (op, x, y) {
            (Op::Lt, a, b) => Bool(a.cmp_same(&b) == Ordering::Less),
            (Op::Le, a, b) => Bool(a.cmp_same(&b) != Ordering::Greater),
            (Op::Gt, a, b) => Bool(a.cmp_same(&b) == Ordering::Greater),
            (Op::Ge, a, b) => Bool(a.cmp_same(&b) != Ordering::Less),
            (Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod, Num(a), Num(b)) => Num(arithmetic(op, a, b, span)?),
            (Op::Concat, Str(a), Str(b)) => Str(format!("{a}{b}").into()),
            (Op::DateAddDays(_) | Op::DateAddMonths(_) | Op::DateAddWorkdays(_), Date(d), Num(n)) => {
                Date(shift(self, op, d, shift_count(op, n, span)?, span)?)
            }
            (Op::DateDiff, Date(a), Date(b)) => Num(Decimal::from(a as i64 - b as i64)),
            (Op::TimeAddHours(k), Time(t), Num(h)) => {
                let m = minutes(h, span)?.saturating_mul(k).saturating_add(t as i64);
                if !(0..1440).contains(&m) {
                    return Err(EvalError::runtime(RuntimeError::PastMidnight, span));
                }
                Time(m as u32)
            }
            (Op::TimeDiff, Time(a), Time(b)) => Num(Decimal::from(a as i64 - b as i64) / Decimal::from(60)),
            (Op::DateTimeAddHours(k), DateTime(t), Num(h)) => {
                let (d, m) = dates::split_datetime(t);
                let m = minutes(h, span)?.saturating_mul(k).saturating_add(i64::from(m));
                let days = Decimal::from(m.div_euclid(24 * 60));
                DateTime(dates::make_datetime(
                    self.date_offset(d, days, 1, span)?,
                    m.rem_euclid(24 * 60) as u32,
                ))
            }
            (Op::DateTimeAddDays(k), DateTime(t), Num(n)) => {
                let (d, m) = dates::split_datetime(t);
                DateTime(dates::make_datetime(self.date_offset(d, n, k, span)?, m))
            }
            (Op::DateTimeAddWorkdays(k), DateTime(t), Num(n)) => {
                let (d, m) = dates::split_datetime(t);
                let n = shift_count(Op::DateAddWorkdays(k), n, span)?;
                DateTime(dates::make_datetime(calendar::add_workdays(self, d, n, span)?, m))
            }
            (Op::DateTimeDiff, DateTime(a), DateTime(b)) => Num(Decimal::from(a - b) / Decimal::from(60)),
            (Op::YearMonthAddMonths(k), YearMonth(a), Num(n)) => {
                let n = shift_count(Op::DateAddMonths(k), n, span)?;
                let ym = i64::from(a).saturating_add(n);
                YearMonth(
                    i32::try_from(ym)
                        .ok()
                        .filter(|ym| dates::YEARS.contains(&ym.div_euclid(12)))
                        .ok_or_else(|| EvalError::runtime(RuntimeError::MonthOutOfYears, span))?,
                )
            }
            (_, None, _) | (_, _, None) => return Err(EvalError::runtime(RuntimeError::NoneHere, span)),
            _ => return Err(EvalError::runtime(RuntimeError::BadOperands, span)),
        })
    }

    fn date_offset(&self, d: i32, n: Decimal, k: i64, span: Span) -> Result<i32> {
        shift_days(d, shift_count(Op::DateAddDays(k), n, span)?, span)
    }
}

/// `x op y` for the arithmetic operators (`+ - * / mod`) on two numbers.
pub(crate) fn arithmetic(op: Op, x: Decimal, y: Decimal, span: Span) -> Result<Decimal> {
    Ok(match op {
        Op::Add => whole_checked(x, y, x.checked_add(y), span)?,
        Op::Sub => whole_checked(x, y, x.checked_sub(y), span)?,
        Op::Mul => whole_checked(x, y, x.checked_mul(y), span)?,
        Op::Div => {
            if y.is_zero() {
                return Err(EvalError::runtime(RuntimeError::DivisionByZero, span));
            }
            checked(x.checked_div(y), span)?
        }
        _ => {
            if y.is_zero() {
                return Err(EvalError::runtime(RuntimeError::RemainderByZero, span));
            }
            let r = x % y;
            if r < Decimal::ZERO { r + y.abs() } else { r }
        }
    })
}

/// The count `n` of date shift `op`, whole and multiplied by the operator's
/// sign or factor (`- 2 years` is −24 months), or an error naming what it counts.
pub(crate) fn shift_count(op: Op, n: Decimal, span: Span) -> Result<i64> {
    let (k, what) = match op {
        Op::DateAddMonths(k) => (k, "a number of months"),
        Op::DateAddWorkdays(k) => (k, "a number of workdays"),
        Op::DateAddDays(k) => (k, "a number of days"),
        _ => (1, "a number of days"),
    };
    Ok(to_i64(n, what, span)?.saturating_mul(k))
}

/// Day `d` moved by `n` days, months or workdays (as `op` says; the count
/// already multiplied by the operator's sign or factor).
pub(crate) fn shift(case: &mut Case, op: Op, d: i32, n: i64, span: Span) -> Result<i32> {
    match op {
        Op::DateAddMonths(_) => {
            dates::add_months(d, n).ok_or_else(|| EvalError::runtime(RuntimeError::DateOutOfRange, span))
        }
        Op::DateAddWorkdays(_) => calendar::add_workdays(case, d, n, span),
        _ => shift_days(d, n, span),
    }
}

/// `x op y` for the tests that need neither operand copied: equality and
/// membership (`none` is the empty list); `None` for every other operator.
#[inline(always)]
pub(crate) fn test_in_place(op: Op, x: &Value, y: &Value) -> Option<bool> {
    Some(match (op, y) {
        (Op::Eq, _) => same(x, y),
        (Op::Ne, _) => !same(x, y),
        (Op::In, Value::List(xs)) => xs.iter().any(|y| same(x, y)),
        (Op::NotIn, Value::List(xs)) => !xs.iter().any(|y| same(x, y)),
        (Op::In, Value::None) => false,
        (Op::NotIn, Value::None) => true,
        _ => return None,
    })
}

/// `x == y`, with a test against `none` and text against text (a subject
/// against a list of them) made here rather than through the derived
/// equality's call for each element.
#[inline]
fn same(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (_, Value::None) => matches!(x, Value::None),
        (Value::Str(a), Value::Str(b)) => a.as_bytes() == b.as_bytes(),
        _ => x == y,
    }
}

/// Day `d` moved by `n` days, within years 1 to 9999.
fn shift_days(d: i32, n: i64, span: Span) -> Result<i32> {
    i64::from(d)
        .checked_add(n)
        .filter(|x| (dates::FIRST_DAY..=dates::LAST_DAY).contains(x))
        .map(|x| x as i32)
        .ok_or_else(|| EvalError::runtime(RuntimeError::DateOutOfYears, span))
}

fn checked(v: Option<Decimal>, span: Span) -> Result<Decimal> {
    v.ok_or_else(|| EvalError::runtime(RuntimeError::NumberTooLarge, span))
}

/// The result `r` of `a ⊕ b`, checked: too large for a decimal, or whole operands
/// whose whole result passes the 64-bit integers an `int` holds.
pub(crate) fn whole_checked(a: Decimal, b: Decimal, r: Option<Decimal>, span: Span) -> Result<Decimal> {
    let r = checked(r, span)?;
    if a.scale() == 0 && b.scale() == 0 && r.scale() == 0 && i64::try_from(r.mantissa()).is_err() {
        return Err(EvalError::runtime(RuntimeError::WholeTooLarge, span));
    }
    Ok(r)
}

/// Set (from a signal handler, say) to stop the evaluations under way: they end
/// with an "interrupted" error at the next rule call or list step. The REPL sets
/// it on Ctrl-C and clears it before each entry.
pub static INTERRUPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// An "interrupted" error once [`INTERRUPT`] is set.
pub(crate) fn check_interrupt(span: Span) -> Result<()> {
    if INTERRUPT.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(EvalError::runtime(RuntimeError::Interrupted, span));
    }
    Ok(())
}

/// The message of an evaluation stopped by [`INTERRUPT`].
pub const INTERRUPTED: &str = "interrupted";

/// A whole number, or an error naming what it counts.
#[inline]
pub(crate) fn to_i64(n: Decimal, what: &'static str, span: Span) -> Result<i64> {
    if n.scale() == 0
        && let Ok(i) = i64::try_from(n.mantissa())
    {
        return Ok(i);
    }
    to_i64_long(n, what, span)
}

/// [`to_i64`] of a number with a fraction or scale, or too large.
#[cold]
#[inline(never)]
fn to_i64_long(n: Decimal, what: &'static str, span: Span) -> Result<i64> {
    use rust_decimal::prelude::ToPrimitive;
    if !n.fract().is_zero() {
        return Err(EvalError::runtime(RuntimeError::NotWhole { what, value: n }, span));
    }
    n.to_i64()
        .ok_or_else(|| EvalError::runtime(RuntimeError::TooLarge { what }, span))
}

fn minutes(h: Decimal, span: Span) -> Result<i64> {
    let m = h
        .checked_mul(Decimal::from(60))
        .ok_or_else(|| EvalError::runtime(RuntimeError::NumberTooLarge, span))?;
    to_i64(m, "a time in whole minutes", span)
}

/// The table cell for the given keys, if any.
pub fn lookup(rows: &TableRows, keys: &[Value]) -> Option<Value> {
    let (k, rest) = keys.split_first()?;
    let cell = match rows {
        TableRows::Dated(rs) => {
            let Value::Date(d) = k else { return None };
            let ix = rs.partition_point(|(from, _, _)| from <= d);
            &rs.get(ix.checked_sub(1)?)?.2
        }
        TableRows::Keyed(rs) => &rs.iter().find(|(key, _)| key == k)?.1,
    };
    match cell {
        TableCell::Value(v) if rest.is_empty() => Some(v.clone()),
        TableCell::Nested(n) => lookup(n, rest),
        TableCell::Value(_) => None,
    }
}
