//! "What would change this answer?": the lineage of a query (the facts it can
//! read, and those it did read for one case) and its counterfactuals (for each
//! fact the answer read, the nearest value that changes the answer, all else
//! held, and what the answer becomes).
//!
//! The library answers with typed, `Serialize` results ([`report`]); the CLI
//! (`cba inputs`, `cba eval --flip`), the REPL (`:inputs`, `:flip`) and the web
//! workbench only print them.

pub mod lineage;
pub mod report;
pub mod search;

use crate::eval::{Case, Slot};
use crate::ir::{Default, FactId, Program, RuleId, Type};
use crate::values::value::Value;
use report::{FactFlips, FlipReport, InputFact, Lineage, PairFlip, Shown};
use search::Probe;

/// What a counterfactual search does besides the single-fact search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Explain each flipped answer.
    pub explain: bool,
    /// With the explanation, the `when` branches that did not fire.
    pub why_not: bool,
    /// For a boolean or enum answer no single fact flips: search pairs of facts.
    pub pairs: bool,
}

/// Pairs of facts: at most this many evaluations.
pub const MAX_PAIR_EVALUATIONS: u64 = 5_000;
/// Pairs of facts: at most this many reported.
pub const MAX_PAIRS: usize = 3;

/// The facts `queries` can read, with their types and defaults, and with a case,
/// which of them answering the queries read and which facts the case gives that
/// none of them can read.
pub fn lineage(prog: &Program, queries: &[RuleId], case: Option<&Case>) -> Lineage {
    let inputs = lineage::inputs(prog, queries);
    let read: Option<Vec<bool>> = case.map(|c| {
        let mut probe = copy_case(c);
        let mut read = vec![false; prog.facts.len()];
        for &q in queries {
            for f in lineage::read_in_case(&mut probe, q) {
                read[f.index()] = true;
            }
        }
        read
    });
    let names = crate::ir::TypeText(prog);
    let facts = inputs
        .iter()
        .map(|i| {
            let info = &prog.facts[i.fact];
            InputFact {
                fact: info.path.clone(),
                ty: names.of(&info.ty),
                default: match &info.default {
                    Default::None => None,
                    Default::Today => Some("today".into()),
                    Default::Value(v) => Some(crate::eval::format::text(prog, v, &info.ty)),
                },
                first_read_by: prog.rules[i.first_read_by].qualified.clone(),
                read: read.as_ref().map(|r| r[i.fact.index()]),
                given: case.map(|c| c.provided[i.fact.index()]),
                id: i.fact,
            }
        })
        .collect();
    let given_unused = case.map(|c| {
        let mut reachable = vec![false; prog.facts.len()];
        for i in &inputs {
            reachable[i.fact.index()] = true;
        }
        (0..prog.facts.len())
            .filter(|&f| c.provided[f] && !reachable[f])
            .map(|f| prog.facts[f].path.clone())
            .collect()
    });
    Lineage {
        queries: queries.iter().map(|&q| prog.rules[q].qualified.clone()).collect(),
        facts,
        given_unused,
    }
}

/// A fresh case with the same facts (nothing memoized), keeping the answers
/// that no fact changes across resets.
fn copy_case<'p>(case: &Case<'p>) -> Case<'p> {
    let mut c = Case::new(case.prog);
    c.set_slots(&case.slots());
    c.provided = case.provided.clone();
    c.today = case.today;
    c.keep_constants(&case.prog.case_independent());
    c
}

/// The counterfactuals of `query`'s answer on `case`: for every fact the answer
/// read, the nearest values (each side, for ordered values) that change the
/// answer, each evaluated. The case is not changed.
pub fn flips(case: &Case, query: RuleId, opts: Options) -> FlipReport {
    let prog = case.prog;
    let mut inner = copy_case(case);
    let read = lineage::read_in_case(&mut inner, query);
    inner.reset_memo();
    let original = inner.rule(query);
    let reference = prog
        .as_of_fact
        .and_then(|f| match inner.slot(f) {
            Slot::Value(Value::Date(d)) => Some(d),
            _ => None,
        })
        .unwrap_or(inner.today);
    let mut probe = Probe {
        case: inner,
        query,
        original,
        evaluations: 1,
    };
    let names = crate::ir::TypeText(prog);
    let mut facts = Vec::new();
    for f in read {
        let info = &prog.facts[f];
        let slot = probe.case.slot(f);
        let (raws, notes) = search::fact(&mut probe, f, reference);
        let orig = match &slot {
            Slot::Value(v) => v.clone(),
            _ => Value::None,
        };
        let mut flips: Vec<_> = raws
            .into_iter()
            .map(|r| search::shown(&mut probe, f, &orig, r))
            .collect();
        if opts.explain {
            for x in &mut flips {
                explain(&mut probe, f, x, opts);
            }
        }
        facts.push(FactFlips {
            fact: info.path.clone(),
            ty: names.of(&info.ty),
            value: Shown::slot(prog, &slot, &info.ty),
            flips,
            notes,
            id: f,
        });
    }
    let rule = &prog.rules[query];
    let choice = matches!(rule.ty.strip_optional(), Type::Bool | Type::Enum(_));
    let (pairs, pair_notes) = if opts.pairs && facts.iter().all(|f| f.flips.is_empty()) {
        if choice {
            pair_search(&mut probe, &facts, reference)
        } else {
            (
                None,
                vec!["pairs are searched for a true/false or enum answer only".to_string()],
            )
        }
    } else if opts.pairs {
        (
            None,
            vec!["pairs not searched: a single fact changes the answer".to_string()],
        )
    } else {
        (None, Vec::new())
    };
    FlipReport {
        query: rule.qualified.clone(),
        ty: names.of(&rule.ty),
        answer: Shown::answer(prog, &probe.original, &rule.ty),
        facts,
        pairs,
        pair_notes,
        evaluations: probe.evaluations,
        rule: query,
        raw_answer: probe.original.clone(),
    }
}

fn explain(probe: &mut Probe, f: FactId, x: &mut report::Flip, opts: Options) {
    let prog = probe.case.prog;
    let old = probe.case.set_slot(f, Slot::Value(x.set.clone()));
    // The flipped value is given, not a default, in the explanation.
    let was_given = std::mem::replace(&mut probe.case.provided[f.index()], x.set != Value::None);
    let d = crate::explain::explain_rule(&mut probe.case, probe.query);
    let eo = crate::explain::Options { why_not: opts.why_not };
    x.explanation_text = Some(crate::explain::text::render(prog, &d, eo));
    x.explanation = serde_json::value::to_raw_value(&crate::explain::json::derivation(prog, &d, eo)).ok();
    probe.case.set_slot(f, old);
    probe.case.provided[f.index()] = was_given;
    probe.case.reset_memo();
}

/// A few values of each fact, far and near, for the pair search.
fn candidates(probe: &Probe, f: FactId, reference: i32) -> Vec<Value> {
    let prog = probe.case.prog;
    let info = &prog.facts[f];
    let ty = info.ty.strip_optional();
    let cur = match probe.case.slot(f) {
        Slot::Value(v) => v,
        _ => Value::None,
    };
    let mut out = Vec::new();
    if matches!(info.ty, Type::Optional(_)) && cur != Value::None {
        out.push(Value::None);
    }
    match (ty, &cur) {
        (Type::Bool, Value::Bool(b)) => out.push(Value::Bool(!b)),
        (Type::Bool, _) => out.extend([Value::Bool(false), Value::Bool(true)]),
        (Type::Enum(e), _) => out.extend(
            (0..prog.enums[e.index()].variants.len() as u32)
                .map(Value::Enum)
                .filter(|v| *v != cur),
        ),
        (Type::Date, Value::Date(d)) => {
            out.extend([-365, -30, -7, -1, 1, 7, 30, 365].map(|k| Value::Date(d + k)));
        }
        (Type::Date, _) => out.push(Value::Date(reference)),
        (_, Value::Num(n)) => {
            let step = search::number_step(ty);
            for k in [-1000i64, -100, -10, -1, 1, 10, 100, 1000] {
                if let Some(x) = n.checked_add(step * rust_decimal::Decimal::from(k))
                    && (x >= rust_decimal::Decimal::ZERO || *n < rust_decimal::Decimal::ZERO)
                {
                    out.push(Value::Num(x));
                }
            }
        }
        (Type::List(_), Value::List(xs)) if !xs.is_empty() => {
            out.push(Value::List(xs[1..].into()));
            out.push(Value::List(xs[..xs.len() - 1].into()));
        }
        _ => {}
    }
    out
}

/// Pairs of facts changed together, bounded by [`MAX_PAIR_EVALUATIONS`].
fn pair_search(probe: &mut Probe, facts: &[FactFlips], reference: i32) -> (Option<Vec<PairFlip>>, Vec<String>) {
    let prog = probe.case.prog;
    let qty = prog.rules[probe.query].ty.clone();
    let cands: Vec<(FactId, Vec<Value>)> = facts
        .iter()
        .map(|f| (f.id, candidates(probe, f.id, reference)))
        .collect();
    let mut found = Vec::new();
    let start = probe.evaluations;
    let mut notes = Vec::new();
    'outer: for i in 0..cands.len() {
        'pair: for j in i + 1..cands.len() {
            for a in &cands[i].1 {
                for b in &cands[j].1 {
                    if probe.evaluations - start >= MAX_PAIR_EVALUATIONS {
                        notes.push(format!(
                            "pair search stopped after {MAX_PAIR_EVALUATIONS} evaluations (search bound)"
                        ));
                        break 'outer;
                    }
                    let (fa, fb) = (cands[i].0, cands[j].0);
                    let ans = probe.with_all(&[(fa, a.clone()), (fb, b.clone())]);
                    if search::same(&ans, &probe.original) {
                        continue;
                    }
                    let ia = &prog.facts[fa];
                    let ib = &prog.facts[fb];
                    found.push(PairFlip {
                        facts: [ia.path.clone(), ib.path.clone()],
                        values: [Shown::value(prog, a, &ia.ty), Shown::value(prog, b, &ib.ty)],
                        answer: Shown::answer(prog, &ans, &qty),
                        ids: [fa, fb],
                        set: [a.clone(), b.clone()],
                        raw_answer: ans,
                    });
                    if found.len() >= MAX_PAIRS {
                        break 'outer;
                    }
                    continue 'pair;
                }
            }
        }
    }
    (Some(found), notes)
}
