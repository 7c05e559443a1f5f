//! The word model of `benches/block.rs` (and, until the native plans were
//! built, of the native model): a fact or an answer as one machine word, the
//! records' facts as (fact, word) pairs, the texts the rules name numbered,
//! and the check that a model answers as cba does, error for error.

use std::collections::HashMap;
use std::sync::Arc;

use cba::eval::value::Value;
use cba::eval::{Case, Held, Slot};
use cba::ir::{ExprKind, FactId, Program, RuleId};
use cba::types::Type;

use super::{QUERIES, batch_case, cba_eval, query_ids};

/// A fact or an answer: a day number, a variant index, a truth value, a small
/// count, or a text's number among the texts the rules name.
pub type W = i64;
/// The language's `none`.
pub const NONE: W = i64::MIN;
/// A fact not given (or not of its type): reading it fails.
pub const MISSING: W = i64::MIN + 1;
/// A text no rule names.
pub const OTHER: W = -2;

/// A value's word, if it has one.
pub fn word_of(v: &Value) -> Option<W> {
    Some(match v {
        Value::Bool(b) => *b as W,
        Value::Date(d) => *d as W,
        Value::Enum(i) => *i as W,
        Value::None => NONE,
        Value::Num(n) => i64::try_from(*n).ok()?,
        _ => return None,
    })
}

/// How a case holds a fact, as a word (and the value, for a text).
pub fn held_word(h: &Held) -> (W, Option<Value>) {
    match h {
        Held::Word(w) => (*w, None),
        Held::Slot(Slot::Value(v)) => (word_of(v).unwrap_or(MISSING), Some(v.clone())),
        Held::Slot(_) => (MISSING, None),
    }
}

/// Whether fact `f` is held as a word by cba (a truth value, date or variant,
/// optional or not).
pub fn word_fact(prog: &Program, f: FactId) -> bool {
    let t = match &prog.facts[f].ty {
        Type::Optional(t) => &**t,
        t => t,
    };
    matches!(t, Type::Bool | Type::Date | Type::Enum(_))
}

/// Whether `e` is a text: a text fact or a text constant.
pub fn is_text(prog: &Program, e: &cba::ir::Expr) -> bool {
    match &e.kind {
        ExprKind::Fact(f) => matches!(prog.facts[*f].ty, Type::String | Type::Optional(_)) && !word_fact(prog, *f),
        ExprKind::Const(Value::Str(_)) => true,
        _ => false,
    }
}

/// The texts the rules name, numbered as they are met; a given text is
/// looked up by FNV-1a (a few instructions a byte: these texts are short,
/// and a record gives one or two), not by the default SipHash.
#[derive(Default)]
pub struct Texts(HashMap<Arc<str>, W, std::hash::BuildHasherDefault<Fnv>>);

/// The FNV-1a hash.
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Texts {
    pub fn number(&mut self, s: &Arc<str>) -> W {
        let n = self.0.len() as W;
        *self.0.entry(s.clone()).or_insert(n)
    }

    /// A given text's word: its number, or [`OTHER`].
    #[inline]
    pub fn word(&self, s: &str) -> W {
        self.0.get(s).copied().unwrap_or(OTHER)
    }
}

/// The answers of the rules the queries read that are the same for every
/// record (`grievance.excluded_subjects`), computed once.
pub fn constants(prog: &Program) -> HashMap<RuleId, Value> {
    let mut case = Case::new(prog);
    let ex = prog.rule_index["grievance.excluded_subjects"];
    HashMap::from([(ex, case.rule(ex).expect("a constant"))])
}

/// The word of each fact when no record gives it.
pub fn default_words(prog: &Program) -> Vec<W> {
    let mut case = Case::new(prog);
    case.reset();
    (0..prog.facts.len())
        .map(|i| held_word(&case.held(FactId::from_index(i))).0)
        .collect()
}

/// A record's facts, by the facts it gives.
pub struct Rec {
    pub words: Vec<(u16, W)>,
    pub texts: Vec<(u16, Arc<str>)>,
}

/// The records' facts as the models take them.
pub fn to_words(prog: &Program, facts: &[Vec<(FactId, Held, bool)>]) -> Vec<Rec> {
    let closures = prog.calendar.as_ref().and_then(|c| c.closures);
    facts
        .iter()
        .map(|rec| {
            let mut out = Rec {
                words: Vec::new(),
                texts: Vec::new(),
            };
            for (f, h, _) in rec {
                assert!(Some(*f) != closures, "no record gives closures");
                match held_word(h) {
                    (_, Some(Value::Str(t))) => out.texts.push((f.index() as u16, t)),
                    (w, _) => out.words.push((f.index() as u16, w)),
                }
            }
            out
        })
        .collect()
}

/// The records with every third one's receipts and answers taken away (the
/// generated records make no errors; these make `required`'s).
pub fn cut(prog: &Program, facts: &[Vec<(FactId, Held, bool)>]) -> Vec<Vec<(FactId, Held, bool)>> {
    facts
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            rec.iter()
                .filter(|(f, _, _)| {
                    let path = &prog.facts[*f].path;
                    i % 3 != 0 || !(path.ends_with("received_on") || path.ends_with("answered_on"))
                })
                .cloned()
                .collect()
        })
        .collect()
}

/// Checks that a model answers `facts` as cba does, error for error: `model`
/// hands each (record, query, answer or error) to its argument. The number
/// of errors.
pub fn same_answers(
    prog: &Program,
    facts: &[Vec<(FactId, Held, bool)>],
    model: impl FnOnce(&[Rec], &mut dyn FnMut(usize, usize, Result<W, u32>)),
) -> usize {
    let queries = query_ids(prog);
    let mut want: Vec<Vec<Result<W, ()>>> = Vec::new();
    let mut case = batch_case(prog);
    for rec in facts {
        let mut row = Vec::new();
        cba_eval(&mut case, std::slice::from_ref(rec), &queries, &mut |_, a| {
            row.push(a.map(|v| word_of(v).expect("a word answer")).map_err(|_| ()));
        });
        want.push(row);
    }
    let mut differ = 0;
    let mut seen = 0;
    model(&to_words(prog, facts), &mut |r, i, a| {
        seen += 1;
        if a.map_err(|_| ()) != want[r][i] {
            differ += 1;
            if differ < 10 {
                eprintln!("record {r} query {}: model {a:?}, cba {:?}", QUERIES[i], want[r][i]);
            }
        }
    });
    assert_eq!(
        seen,
        facts.len() * QUERIES.len(),
        "the model answers every query of every record"
    );
    assert_eq!(differ, 0, "the model's answers differ from cba's");
    want.iter().flatten().filter(|a| a.is_err()).count()
}

/// A count from the environment, or `default`.
pub fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Five runs of a model, cba and the hand-written queries, interleaved, over
/// the same records (`model` runs `rounds` rounds of them): ns a record each,
/// and each's ratio to the hand-written queries.
pub fn five_runs(
    prog: &Program,
    recs: &[String],
    facts: &[Vec<(FactId, Held, bool)>],
    rounds: u64,
    name: &str,
    model: &mut dyn FnMut(),
) {
    let table = super::workdays(prog);
    let limit = super::limit_records(recs);
    let queries = query_ids(prog);
    let mut case = batch_case(prog);
    let per = |d: std::time::Duration| d.as_nanos() as f64 / (recs.len() as u64 * rounds) as f64;
    for _ in 0..5 {
        let t = super::process_cpu();
        model();
        let tm = per(super::process_cpu() - t);
        let t = super::process_cpu();
        for _ in 0..rounds {
            cba_eval(&mut case, facts, &queries, &mut |_, a| {
                let _ = std::hint::black_box(a);
            });
        }
        let tc = per(super::process_cpu() - t);
        let t = super::process_cpu();
        for _ in 0..rounds {
            super::limit_eval(table, &limit);
        }
        let th = per(super::process_cpu() - t);
        println!(
            "ns a record: {name} {tm:.1}  cba {tc:.1}  hand {th:.1}   {name}/hand {:.2}  cba/hand {:.2}",
            tm / th,
            tc / th
        );
    }
}

/// The words of a constant list (`method in {mail, commercial}`).
pub fn constant_words(list: &cba::ir::Expr) -> Vec<W> {
    let ExprKind::List(xs) = &list.kind else {
        panic!("in a constant list")
    };
    xs.iter()
        .map(|x| match &x.kind {
            ExprKind::Const(v) => word_of(v).expect("a word"),
            _ => panic!("a constant"),
        })
        .collect()
}

impl Texts {
    /// The numbers of the texts of a constant list of texts.
    pub fn numbers(&mut self, list: &Value) -> Vec<W> {
        let Value::List(xs) = list else { panic!("a list") };
        xs.iter()
            .map(|x| match x {
                Value::Str(t) => self.number(t),
                _ => panic!("texts"),
            })
            .collect()
    }
}
