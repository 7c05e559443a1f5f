//! Boundary cases: for each changed number or date, cases just below, at and
//! above its old and its new value, so the outcome diff shows what the change
//! does even when no case of the corpus sits near it.
//!
//! The values are found by evaluation, not by reading the text: the changed rule
//! (or each rule that uses a changed table or fact) is answered by both versions
//! on a base case from the corpus; where the answers are numbers or dates that
//! differ (24 h and 32 h; a deadline of 2025-04-07 and one of 2025-04-21), the
//! facts of the same type read by the rules using it are set to each value less
//! a step, the value, and the value plus a step. An `int` threshold also varies
//! the length of list facts (eight telework days and then ten).

use super::outcomes::{CaseChange, CaseInput, Scope, compare, get_path, set_path};
use super::rules::{Change, Graph, ItemChange, rule_id};
use crate::facts::{FactNode, FactValue, UNKNOWN_OFFSET, parse_json};
use crate::ir::{FactId, Program, RuleId};
use crate::types::{QUnit, Type};
use crate::values::value::Value;
use rust_decimal::Decimal;

/// Base cases tried for each change.
const MAX_BASES: usize = 1;
/// The longest list generated.
const MAX_LIST: i64 = 400;
/// Facts named in the note of a change no case reaches.
const MAX_FACTS_NAMED: usize = 6;

/// The cases generated for one change from one base case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoundaryGroup {
    /// The changed item and the values probed: `credit.carryover_cap: 24 h → 32 h`.
    pub change: String,
    pub base: String,
    /// How many cases were generated.
    pub total: usize,
    /// The generated cases whose answers differ (named by the fact set).
    pub cases: Vec<CaseChange>,
    /// Why no cases were generated: no case of the corpus, nor any test of the
    /// contracts, reaches the change (`change` is then the changed item's name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreached: Option<String>,
}

/// Thresholds found for a change: the probed rule, its type, old and new values.
struct Threshold {
    rule: String,
    ty: Type,
    values: [Value; 2],
}

pub fn generate(
    old: &Program,
    new: &Program,
    changes: &[ItemChange],
    corpus: &[CaseInput],
    scope: &Scope,
) -> Vec<BoundaryGroup> {
    let graph = Graph::of(new);
    // The contracts' own tests, a second source of base cases (read when needed).
    let tests = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| c.change == Change::Changed) {
        let users = graph.direct_users(new, c);
        // The changed rule itself first: when it is a number or date that
        // changed, it is the threshold; otherwise the rules using it are probed.
        let probes: Vec<RuleId> = users
            .iter()
            .copied()
            .filter(|&r| new.rules[r].params.is_none())
            .collect();
        if probes.is_empty() {
            continue;
        }
        let empty = CaseInput {
            name: "an empty case".into(),
            facts: FactNode {
                value: FactValue::Object(Vec::new()),
                offset: UNKNOWN_OFFSET,
            },
        };
        // Base cases where most of the rules that read facts answer.
        let readers: Vec<RuleId> = probes
            .iter()
            .copied()
            .filter(|&p| !new.facts_read(p).is_empty())
            .collect();
        let mut bases = reaching(new, corpus, &readers);
        // No case of the corpus reaches the change: start from the contracts'
        // own tests that do (a case about something else, or no facts at all,
        // says little about this change).
        if bases.is_empty() && !readers.is_empty() {
            bases = reaching(
                new,
                tests.get_or_init(|| super::outcomes::test_cases(old, new)),
                &readers,
            );
        }
        if bases.is_empty() {
            if readers.is_empty() {
                // The probes read no facts: any case reaches them.
                bases.push(((0, 0), &empty));
            } else {
                out.push(unreached(new, c, &readers));
                continue;
            }
        }
        // Only the queries this change can affect are compared: the answers
        // other changes move are the outcome diff's business, not this group's.
        let own_scope = Scope::of(std::slice::from_ref(c), old, new);
        let scope = if own_scope.queries.is_empty() {
            scope
        } else {
            &own_scope
        };
        for (_, base) in bases.into_iter().take(MAX_BASES) {
            let thresholds = thresholds(old, new, base, &probes, c.rule.as_deref());
            if thresholds.is_empty() {
                continue;
            }
            let mut generated = Vec::new();
            for t in &thresholds {
                for f in facts_to_vary(new, &graph, c, &t.rule) {
                    generated.extend(variants(new, base, f, t));
                }
            }
            generated.dedup_by(|a, b| a.name == b.name);
            let total = generated.len();
            if total == 0 {
                continue;
            }
            let cases = generated
                .iter()
                .filter_map(|g| {
                    let changes = compare(old, new, g, scope);
                    (!changes.is_empty()).then(|| CaseChange {
                        case: g.name.clone(),
                        changes,
                    })
                })
                .collect();
            let probed: Vec<String> = thresholds
                .iter()
                .map(|t| {
                    let [a, b] = &t.values;
                    let text = |v| crate::eval::format::text(new, v, &t.ty);
                    format!("{}: {} → {}", t.rule, text(a), text(b))
                })
                .collect();
            out.push(BoundaryGroup {
                change: probed.join("; "),
                base: base.name.clone(),
                total,
                cases,
                unreached: None,
            });
        }
    }
    out
}

/// The cases on which the most `readers` answer, best first (none when no
/// reader answers on any).
fn reaching<'c>(new: &Program, cases: &'c [CaseInput], readers: &[RuleId]) -> Vec<((usize, usize), &'c CaseInput)> {
    let mut found: Vec<_> = cases
        .iter()
        .map(|b| (answered(new, b, readers), b))
        .filter(|(n, _)| n.0 > 0)
        .collect();
    found.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    found
}

/// The group for a change no case reaches: it says so, and which facts a case
/// needs to reach it, rather than generating cases from facts that say little.
fn unreached(new: &Program, c: &ItemChange, readers: &[RuleId]) -> BoundaryGroup {
    let mut facts: Vec<&str> = readers
        .iter()
        .flat_map(|&r| new.facts_read(r))
        .map(|f| new.facts[f].path.as_str())
        .collect();
    facts.sort_unstable();
    facts.dedup();
    let more = facts.len().saturating_sub(MAX_FACTS_NAMED);
    let mut named = facts
        .iter()
        .take(MAX_FACTS_NAMED)
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        named.push_str(&format!(" and {more} more"));
    }
    BoundaryGroup {
        change: c.name.clone(),
        base: String::new(),
        total: 0,
        cases: Vec::new(),
        unreached: Some(format!(
            "no case of the corpus and no test of the contracts reaches it; a case that gives {named} would"
        )),
    }
}

/// The facts read by the rules that use the probed rule, but not by the probed
/// rule itself (changing those would move the threshold).
fn facts_to_vary(new: &Program, graph: &Graph, c: &ItemChange, probed: &str) -> Vec<FactId> {
    let Some(p) = rule_id(new, probed) else {
        return Vec::new();
    };
    let own = new.facts_read(p);
    let mut users = graph.direct_users(new, c);
    users.extend(graph.users_of(p));
    let mut facts: Vec<FactId> = users
        .iter()
        .filter(|&&u| u != p)
        .flat_map(|&u| new.facts_read(u))
        .filter(|f| !own.contains(f))
        .collect();
    facts.sort_unstable();
    facts.dedup();
    facts
}

/// How well a base case exercises the probes: how many answer (with a value) in
/// the new version, then how many of the facts they read the case gives.
fn answered(new: &Program, base: &CaseInput, probes: &[RuleId]) -> (usize, usize) {
    let mut case = super::outcomes::case_for(new, base);
    let answers = probes.iter().filter(|&&p| case.rule(p).is_ok()).count();
    let given = probes
        .iter()
        .flat_map(|&p| new.facts_read(p))
        .filter(|&f| get_path(&base.facts, &new.facts[f].path).is_some())
        .count();
    (answers, given)
}

/// The probes whose answers are numbers or dates that differ between versions.
fn thresholds(old: &Program, new: &Program, base: &CaseInput, probes: &[RuleId], own: Option<&str>) -> Vec<Threshold> {
    let mut a = super::outcomes::case_for(old, base);
    let mut b = super::outcomes::case_for(new, base);
    let mut out = Vec::new();
    for (i, &p) in probes.iter().enumerate() {
        let info = &new.rules[p];
        if i > 0 && out.iter().any(|t: &Threshold| Some(t.rule.as_str()) == own) {
            break;
        }
        let ty = info.ty.strip_optional().clone();
        if step(&ty).is_none() {
            continue;
        }
        let Some(po) = rule_id(old, &info.qualified) else {
            continue;
        };
        if let (Ok(x), Ok(y)) = (a.rule(po), b.rule(p))
            && x != y
            && x != Value::None
            && y != Value::None
        {
            out.push(Threshold {
                rule: info.qualified.clone(),
                ty,
                values: [x, y],
            });
        }
    }
    out
}

/// The smallest step of a type's values ("just below" and "just above").
fn step(ty: &Type) -> Option<Decimal> {
    Some(match ty {
        Type::Int | Type::Date | Type::YearMonth | Type::Time | Type::DateTime => Decimal::ONE,
        Type::Decimal | Type::Percent | Type::Qty(QUnit::Money) => Decimal::new(1, 2),
        Type::Qty(QUnit::Hours) => Decimal::new(25, 2),
        Type::Qty(_) => Decimal::ONE,
        _ => return None,
    })
}

/// `v` moved by `n` steps.
fn moved(v: &Value, ty: &Type, n: i64) -> Option<Value> {
    let s = step(ty)? * Decimal::from(n);
    let whole = i64::try_from(s).ok().filter(|_| s.fract().is_zero());
    Some(match v {
        Value::Num(x) => Value::Num(x.checked_add(s)?),
        Value::Date(d) => Value::Date(d.checked_add(i32::try_from(whole?).ok()?)?),
        Value::YearMonth(m) => Value::YearMonth(m.checked_add(i32::try_from(whole?).ok()?)?),
        Value::Time(t) => Value::Time(u32::try_from(i64::from(*t) + whole?).ok().filter(|t| *t < 24 * 60)?),
        Value::DateTime(t) => Value::DateTime(t.checked_add(whole?)?),
        _ => return None,
    })
}

/// The base case with fact `f` set around the threshold's values.
fn variants(new: &Program, base: &CaseInput, f: FactId, t: &Threshold) -> Vec<CaseInput> {
    let info = &new.facts[f];
    let fty = info.ty.strip_optional();
    let mut out = Vec::new();
    let mut push = |value: Value, ty: &Type, label: String| {
        let mut json = String::new();
        crate::eval::format::write_json(&mut json, new, &value, ty);
        if let Ok(node) = parse_json(&json) {
            let mut facts = base.facts.clone();
            set_path(&mut facts, &info.path, node);
            out.push(CaseInput {
                name: format!("{} = {label}", info.path),
                facts,
            });
        }
    };
    if *fty == t.ty {
        for v in &t.values {
            for n in [-1, 0, 1] {
                if let Some(x) = moved(v, &t.ty, n) {
                    let label = crate::eval::format::text(new, &x, &t.ty);
                    push(x, fty, label);
                }
            }
        }
    } else if t.ty == Type::Int
        && let Type::List(elem) = fty
    {
        let given = get_path(&base.facts, &info.path);
        for v in &t.values {
            let Value::Num(n) = v else { continue };
            let Ok(n) = i64::try_from(n.trunc().mantissa()) else {
                continue;
            };
            for len in [n.saturating_sub(1), n, n.saturating_add(1)] {
                if !(0..=MAX_LIST).contains(&len) {
                    continue;
                }
                if let Some((list, label)) = list_of(new, given, elem, len) {
                    push(list, fty, label);
                }
            }
        }
    }
    out
}

/// A list of `len` elements: every other weekday (Monday to Friday, so each date
/// counts wherever weekend days do not, and no two are weekdays in a row) from the
/// given list's first date, or the given elements repeated.
fn list_of(prog: &Program, given: Option<&FactNode>, elem: &Type, len: i64) -> Option<(Value, String)> {
    let items: Vec<FactNode> = match given.map(|g| &g.value) {
        Some(FactValue::Array(xs)) => xs.clone(),
        _ => Vec::new(),
    };
    let n = usize::try_from(len).ok()?;
    let values: Vec<Value> = if *elem == Type::Date {
        let start = items
            .first()
            .and_then(|x| match &x.value {
                FactValue::String(s) => crate::values::dates::parse_date(s),
                _ => None,
            })
            .unwrap_or(crate::values::dates::parse_date("2025-06-02")?);
        let weekdays = (start..).filter(|&d| crate::values::dates::weekday(d) < 5);
        let dates = weekdays.step_by(2).take(n).map(Value::Date).collect::<Vec<_>>();
        let label = format!(
            "{n} dates, every other weekday from {}",
            crate::values::dates::format_date(start)
        );
        return Some((Value::List(dates.into()), label));
    } else {
        if items.is_empty() {
            return None;
        }
        let origin = crate::facts::load::Origin { name: "", text: "" };
        let converted: Vec<Value> = items
            .iter()
            .filter_map(|x| crate::facts::load::convert(prog, x, elem, &origin).ok())
            .collect();
        if converted.is_empty() {
            return None;
        }
        converted.iter().cycle().take(n).cloned().collect()
    };
    Some((Value::List(values.into()), format!("{n} items")))
}
