//! Native evaluation: the queries of a batch lowered to machine code (by
//! Cranelift), a fast path in front of the closures of [`super::code`].
//!
//! A [`Native`] plan answers a fixed list of queries for one record after
//! another. The parts of the language it covers are those whose values are one
//! machine word (truth values, dates, enum variants, whole numbers and
//! `none`): facts held as words, constants, rules and inlined functions,
//! comparisons, `and`/`or`/`not`, `??`, `when … otherwise`, `if`,
//! `required(…)`, membership in a constant list, workday counts, and tests of
//! a text fact against the texts the rules name. A query that reads anything
//! else is left to the closures.
//!
//! The plan computes answers only: the moment anything would fail (a fact
//! missing or mistyped, `none` where a value is needed, a date past the
//! calendar), it stops and the record is answered by the closures, which
//! say why with the message, span and rule they always give. So an answer
//! the plan gives is the closures' answer, and every error, message and
//! explanation still comes from the closures. Nobody watches a plan: a case
//! with an observer is never answered by one.
//!
//! A rule read in more than one place is a function with a memo (a word and
//! the record's stamp), checked where it is read; a rule read in one place is
//! computed at most once a record, so its body is lowered where it is read.
//! Compiling costs milliseconds ([`Native::compile`]), repaid after some
//! thousands of records: `cba batch` compiles a plan for its queries; a
//! start, the REPL and `cba eval` never do.

mod lower;

use std::sync::Arc;

use cranelift_jit::JITModule;

use super::Case;
use super::slots::{NONE, WordKind};
use super::value::Value;
use crate::ir::{Program, RuleId};
use crate::syntax::span::Span;

/// What the generated code reads and writes, by the offsets of its fields
/// (see [`lower`]).
#[repr(C)]
struct Ctx {
    /// The case's fact words (see [`super::slots`]).
    words: *const i64,
    /// Each rule's memo, by rule index: the record's stamp when computed,
    stamps: *mut u32,
    /// and its answer.
    vals: *mut i64,
    /// The case, for the helpers the code calls.
    case: *mut (),
    /// The record's stamp.
    stamp: u32,
    /// The workday table's parts, for the code to count in line (see
    /// [`super::workdays::WorkdayTable::parts`]), when the case has no
    /// closures of its own and has read that it has none (as
    /// [`super::calendar::add_workdays`]'s common case asks); `prefix` is
    /// null otherwise, and every count goes to that function.
    first: i64,
    prefix: *const u32,
    prefix_len: i64,
    nth: *const u32,
    nth_len: i64,
    /// Whether a workday was counted in line (nonzero).
    counted: i64,
    /// The word of each text fact the plan tests, by fact index: its number
    /// among the texts the rules name, found once a record before the plan.
    text_words: *const i64,
}

/// A word no value has: what a helper returns when the plan must stop.
const STOP: i64 = i64::MIN + 1;

/// The texts the rules compare text facts with, numbered by their place; a
/// text no rule names is [`OTHER_TEXT`]. They are few (a list of subjects),
/// so a given text is compared with each (its length first), not hashed.
#[derive(Default)]
struct Texts(Vec<Arc<str>>);

const OTHER_TEXT: i64 = -2;

impl Texts {
    /// Text `s`'s number, numbering it if it has none yet.
    fn number(&mut self, s: &Arc<str>) -> i64 {
        match self.word(s) {
            OTHER_TEXT => {
                self.0.push(s.clone());
                self.0.len() as i64 - 1
            }
            n => n,
        }
    }

    /// A given text's word: its number, or [`OTHER_TEXT`].
    fn word(&self, s: &str) -> i64 {
        self.0.iter().position(|t| **t == *s).map_or(OTHER_TEXT, |i| i as i64)
    }
}

/// A record's plan: each query's word into `out`; nonzero when it stopped.
type PlanFn = unsafe extern "C" fn(*mut Ctx, *mut i64) -> i32;

/// The compiled plan of a list of queries (see the module's documentation).
pub struct Native {
    /// Owns the generated code, freed when the plan is dropped (see the
    /// `Drop` below).
    module: Option<JITModule>,
    plan: PlanFn,
    /// The program compiled: a case of another is never answered.
    prog: *const Program,
    /// The queries the plan answers, and how each answer's word reads.
    answers: Vec<(RuleId, WordKind)>,
    /// Each query's place among `answers`, by its place among the queries
    /// compiled (`None`: left to the closures).
    places: Vec<Option<usize>>,
    /// The answers of the last record the plan answered, by place.
    values: Vec<Value>,
    texts: Texts,
    /// The text facts the plan tests, and their words this record.
    text_facts: Vec<usize>,
    text_words: Vec<i64>,
    stamps: Vec<u32>,
    vals: Vec<i64>,
    stamp: u32,
    out: Vec<i64>,
}

impl Native {
    /// Compiles the plan of `queries` (those of them it covers); `None` when
    /// it covers none, or the host has no code generator.
    pub fn compile(prog: &Program, queries: &[RuleId]) -> Option<Native> {
        let lowered = lower::Lower::new(prog)?.plan(queries)?;
        let places = queries
            .iter()
            .map(|q| lowered.answers.iter().position(|(a, _)| a == q))
            .collect();
        let n = lowered.answers.len();
        Some(Native {
            places,
            values: vec![Value::None; n],
            module: Some(lowered.module),
            // SAFETY: the plan was defined with the signature of `PlanFn`.
            plan: unsafe { std::mem::transmute::<*const u8, PlanFn>(lowered.plan) },
            prog,
            answers: lowered.answers,
            texts: lowered.texts,
            text_facts: lowered.text_facts,
            text_words: vec![STOP; prog.facts.len()],
            stamps: vec![0; prog.rules.len()],
            vals: vec![0; prog.rules.len()],
            stamp: 0,
            out: vec![0; n],
        })
    }

    /// How many of the queries the plan answers.
    pub fn covered(&self) -> usize {
        self.answers.len()
    }

    /// Answers the plan's queries for the case's facts (read them with
    /// [`Native::answer`]); false when it stopped (or somebody watches the
    /// case, or it is another program's): the closures answer then.
    pub fn run(&mut self, case: &mut Case) -> bool {
        if case.observer.is_some() || !std::ptr::eq(case.prog, self.prog) {
            return false;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.stamps.fill(0);
            self.stamp = 1;
        }
        for &f in &self.text_facts {
            self.text_words[f] = match case.facts.in_slot(f) {
                super::Slot::Value(Value::Str(s)) => self.texts.word(s),
                super::Slot::Value(Value::None) => NONE,
                _ => STOP,
            };
        }
        let table = match case.prog.workdays.get() {
            Some(Ok(t)) if case.closures_known && case.closures.is_empty() => Some(t),
            _ => None,
        };
        let (first, prefix, nth) = table.map_or((0, &[][..], &[][..]), |t| t.parts());
        let mut ctx = Ctx {
            words: case.facts.words_ptr(),
            stamps: self.stamps.as_mut_ptr(),
            vals: self.vals.as_mut_ptr(),
            case: (case as *mut Case).cast(),
            stamp: self.stamp,
            first: i64::from(first),
            prefix: if table.is_some() {
                prefix.as_ptr()
            } else {
                std::ptr::null()
            },
            prefix_len: prefix.len() as i64,
            nth: nth.as_ptr(),
            nth_len: nth.len() as i64,
            counted: 0,
            text_words: self.text_words.as_ptr(),
        };
        // SAFETY: the context's pointers are valid for the call: the case is
        // borrowed mutably for it (the helpers reach it only through
        // `ctx.case`, one at a time, and none of them moves its facts), the
        // memo vectors are as long as the program's rules, `out` as the
        // queries.
        let stopped = unsafe { (self.plan)(&mut ctx, self.out.as_mut_ptr()) };
        if stopped != 0 {
            return false;
        }
        if ctx.counted != 0 {
            // As the closures' count would have.
            case.closures_used = true;
        }
        for ((&(_, kind), &w), v) in self.answers.iter().zip(&self.out).zip(&mut self.values) {
            // A word's value holds nothing to drop: skip the drop's dispatch.
            std::mem::forget(std::mem::replace(v, kind.value(w)));
        }
        true
    }

    /// The answer to query `i` (its place among the queries compiled) of the
    /// record [`Native::run`] last answered, if the plan covers it.
    #[inline]
    pub fn answer(&self, i: usize) -> Option<&Value> {
        Some(&self.values[self.places[i]?])
    }
}

impl Drop for Native {
    /// Frees the generated code: Cranelift keeps a module's code alive until
    /// told (its function pointers may be anywhere), and a server that runs
    /// a batch for each request would otherwise keep every plan's.
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the plan's one pointer into the code is `self.plan`,
            // private to this plan and never called again; no call is
            // running (`run` borrows the plan mutably).
            unsafe { module.free_memory() };
        }
    }
}

/// The case of a plan's context.
///
/// # Safety
/// `ctx` is the context [`Native::run`] passed to the plan, during it.
unsafe fn case_of<'a>(ctx: *mut Ctx) -> &'a mut Case<'a> {
    // SAFETY: as the caller promises, `ctx.case` is the case borrowed for
    // the plan's call, and no other reference to it is in use.
    unsafe { &mut *(*ctx).case.cast::<Case>() }
}

/// `d` moved `n` workdays, as the closures move it ([`STOP`] where they
/// would fail).
extern "C" fn add_workdays(ctx: *mut Ctx, d: i64, n: i64) -> i64 {
    let Ok(d) = i32::try_from(d) else { return STOP };
    // SAFETY: the generated code calls this with its own context.
    let case = unsafe { case_of(ctx) };
    super::calendar::add_workdays(case, d, n, Span::default()).map_or(STOP, i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plans compiled and dropped one after another each answer, and
    /// dropping one frees its code without disturbing the next.
    #[test]
    fn plans_are_dropped_with_their_code() {
        let loaded = crate::load::load(&crate::load::Contracts::Embedded).expect("the Agreement loads");
        let prog = loaded.program.unwrap_or_else(|_| panic!("the Agreement checks"));
        let q = prog.rule_index["grievance.step1_method_allowed"];
        for _ in 0..20 {
            let mut plan = Native::compile(&prog, &[q]).expect("a plan");
            let mut case = Case::new(&prog);
            assert!(plan.run(&mut case));
            assert_eq!(plan.answer(0), Some(&Value::Bool(true)));
        }
    }
}
