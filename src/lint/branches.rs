//! Lints on `when` branches: a branch that can never fire because an earlier
//! one always does first, and effective dates in `when` chains that overlap or
//! are out of order.

use crate::diag::{Code, Diagnostic};
use crate::ir::{Expr, ExprKind, Op, Program, RuleId};
use crate::syntax::span::Span;
use crate::values::dates;
use crate::values::value::Value;

/// Whether two checked expressions are the same (spans aside).
pub fn same(a: &Expr, b: &Expr) -> bool {
    use ExprKind::*;
    match (&a.kind, &b.kind) {
        (Const(x), Const(y)) => x == y,
        (Fact(x), Fact(y)) => x == y,
        (Rule(x), Rule(y)) => x == y,
        (Local(x), Local(y)) => x == y,
        (Call(f, xs), Call(g, ys)) => f == g && all_same(xs, ys),
        (Builtin(f, xs), Builtin(g, ys)) => f == g && all_same(xs, ys),
        (Table(f, xs), Table(g, ys)) => f == g && all_same(xs, ys),
        (List(xs), List(ys)) | (Record(xs), Record(ys)) => all_same(xs, ys),
        (Field(x, i), Field(y, j)) => i == j && same(x, y),
        (Not(x), Not(y)) | (Neg(x), Neg(y)) => same(x, y),
        (Bin(o, a1, a2), Bin(p, b1, b2)) => o == p && same(a1, b1) && same(a2, b2),
        (And(a1, a2), And(b1, b2)) | (Or(a1, a2), Or(b1, b2)) | (Coalesce(a1, a2), Coalesce(b1, b2)) => {
            same(a1, b1) && same(a2, b2)
        }
        (ListIndex(a1, a2), ListIndex(b1, b2)) => same(a1, b1) && same(a2, b2),
        (If(a1, a2, a3), If(b1, b2, b3)) => same(a1, b1) && same(a2, b2) && same(a3, b3),
        _ => false,
    }
}

fn all_same(xs: &[Expr], ys: &[Expr]) -> bool {
    xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
}

/// The constant list of an `in` (a list literal of constants, or a constant).
fn const_list(e: &Expr) -> Option<Vec<Value>> {
    match &e.kind {
        ExprKind::Const(Value::List(xs)) => Some(xs.to_vec()),
        ExprKind::List(xs) => xs
            .iter()
            .map(|x| match &x.kind {
                ExprKind::Const(v) => Some(v.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A bound on a subject: `subject OP constant` with the constant on the right
/// (or flipped to the right).
fn comparison(e: &Expr) -> Option<(&Expr, Op, &Value)> {
    let ExprKind::Bin(op, l, r) = &e.kind else { return None };
    let flip = |op: Op| match op {
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        o => o,
    };
    match (&l.kind, &r.kind) {
        (_, ExprKind::Const(v)) if !matches!(l.kind, ExprKind::Const(_)) => Some((&**l, *op, v)),
        (ExprKind::Const(v), _) => Some((&**r, flip(*op), v)),
        _ => None,
    }
    .filter(|(_, op, _)| matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq))
}

/// Whether `x OP1 c1` holding guarantees `x OP2 c2` (same subject).
fn bound_implies(op1: Op, c1: &Value, op2: Op, c2: &Value) -> bool {
    use std::cmp::Ordering::*;
    let o = c1.cmp_same(c2);
    match (op1, op2) {
        (Op::Eq, Op::Eq) => o == Equal,
        (Op::Eq, Op::Ge) => o != Less,
        (Op::Eq, Op::Gt) => o == Greater,
        (Op::Eq, Op::Le) => o != Greater,
        (Op::Eq, Op::Lt) => o == Less,
        (Op::Ge, Op::Ge) | (Op::Gt, Op::Gt) | (Op::Gt, Op::Ge) => o != Less,
        (Op::Ge, Op::Gt) => o == Greater,
        (Op::Le, Op::Le) | (Op::Lt, Op::Lt) | (Op::Lt, Op::Le) => o != Greater,
        (Op::Le, Op::Lt) => o == Less,
        _ => false,
    }
}

/// Whether `b` holding guarantees `a` holds: then a branch `when b` placed
/// after `when a` can never fire.
pub fn implies(b: &Expr, a: &Expr) -> bool {
    if matches!(a.kind, ExprKind::Const(Value::Bool(true))) || same(a, b) {
        return true;
    }
    if let ExprKind::And(x, y) = &a.kind {
        return implies(b, x) && implies(b, y);
    }
    if let ExprKind::And(x, y) = &b.kind
        && (implies(x, a) || implies(y, a))
    {
        return true;
    }
    if let ExprKind::Or(x, y) = &a.kind
        && (implies(b, x) || implies(b, y))
    {
        return true;
    }
    if let ExprKind::Or(x, y) = &b.kind {
        return implies(x, a) && implies(y, a);
    }
    // Membership: `x in S2` (or `x == c`) inside `x in S1`.
    if let ExprKind::Bin(Op::In, ax, aset) = &a.kind
        && let Some(s1) = const_list(aset)
    {
        return match &b.kind {
            ExprKind::Bin(Op::In, bx, bset) if same(ax, bx) => {
                const_list(bset).is_some_and(|s2| s2.iter().all(|v| s1.contains(v)))
            }
            ExprKind::Bin(Op::Eq, bx, c) if same(ax, bx) => {
                matches!(&c.kind, ExprKind::Const(v) if s1.contains(v))
            }
            _ => false,
        };
    }
    match (comparison(b), comparison(a)) {
        (Some((bx, op2, c2)), Some((ax, op1, c1))) if same(ax, bx) => bound_implies(op2, c2, op1, c1),
        _ => false,
    }
}

/// W0602: branches after one that always fires first, in every `Cases` of the rule.
pub fn dead_branches(prog: &Program, rule: RuleId, out: &mut Vec<Diagnostic>) {
    fn walk(prog: &Program, e: &Expr, rule: RuleId, out: &mut Vec<Diagnostic>) {
        if let ExprKind::Cases(_, bs, otherwise) = &e.kind {
            let name = &prog.rules[rule].qualified;
            for (j, (cj, _)) in bs.iter().enumerate() {
                if let Some((ci, _)) = bs[..j].iter().find(|(ci, _)| implies(cj, ci)) {
                    out.push(
                        Diagnostic::warning(
                            Code::NeverFires,
                            format!("this branch of `{name}` can never fire"),
                            cj.span,
                            "never reached",
                        )
                        .with_label(ci.span, "this earlier branch fires whenever this one would")
                        .with_help("remove the branch, or move it before the branch that covers it"),
                    );
                }
            }
            if let Some((ci, _)) = bs
                .iter()
                .find(|(ci, _)| matches!(ci.kind, ExprKind::Const(Value::Bool(true))))
            {
                out.push(
                    Diagnostic::warning(
                        Code::NeverFires,
                        format!("the `otherwise` of `{name}` can never be reached"),
                        otherwise.span,
                        "never reached",
                    )
                    .with_label(ci.span, "this branch always fires")
                    .with_help("make the branch that always fires the `otherwise`"),
                );
            }
            dated_chain(prog, name, bs, out);
        }
        e.for_each_child(|c| walk(prog, c, rule, out));
    }
    walk(prog, &prog.rules[rule].body, rule, out);
}

/// The interval of dates `[from, until)` a condition allows on its subject:
/// `d >= D`, `d < D`, or both joined by `and`.
fn date_interval(e: &Expr) -> Option<(&Expr, Option<i32>, Option<i32>)> {
    if let ExprKind::And(x, y) = &e.kind {
        let (sx, lx, hx) = date_interval(x)?;
        let (sy, ly, hy) = date_interval(y)?;
        if !same(sx, sy) {
            return None;
        }
        let lo = match (lx, ly) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let hi = match (hx, hy) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        return Some((sx, lo, hi));
    }
    let (subject, op, c) = comparison(e)?;
    let Value::Date(d) = c else { return None };
    let d = *d;
    Some(match op {
        Op::Ge => (subject, Some(d), None),
        Op::Gt => (subject, Some(d + 1), None),
        Op::Lt => (subject, None, Some(d)),
        Op::Le => (subject, None, Some(d + 1)),
        Op::Eq => (subject, Some(d), Some(d + 1)),
        _ => return None,
    })
}

/// W0603: the effective dates of a `when` chain over one date overlap (two
/// bounded periods share days) or run neither forwards nor backwards.
fn dated_chain(prog: &Program, name: &str, bs: &[(Expr, Expr)], out: &mut Vec<Diagnostic>) {
    let _ = prog;
    let periods: Vec<(Span, &Expr, Option<i32>, Option<i32>)> = bs
        .iter()
        .filter_map(|(c, _)| date_interval(c).map(|(s, lo, hi)| (c.span, s, lo, hi)))
        .collect();
    if periods.len() < 2 || !periods.iter().all(|p| same(p.1, periods[0].1)) {
        return;
    }
    let show = |d: Option<i32>| d.map_or_else(|| "…".to_string(), dates::format_date);
    for (j, b) in periods.iter().enumerate() {
        for a in &periods[..j] {
            let (Some(al), Some(ah), Some(bl), Some(bh)) = (a.2, a.3, b.2, b.3) else {
                continue;
            };
            let contained = bl >= al && bh <= ah;
            if bl < ah && al < bh && !contained {
                out.push(
                    Diagnostic::warning(
                        Code::DatesOutOfOrder,
                        format!(
                            "effective periods of `{name}` overlap from {} to {}",
                            show(Some(al.max(bl))),
                            show(Some(ah.min(bh) - 1))
                        ),
                        b.0,
                        "overlaps an earlier period",
                    )
                    .with_label(a.0, "the earlier period, which wins on the shared days")
                    .with_help("make each period end the day before the next begins"),
                );
            }
        }
    }
    let starts: Vec<i32> = periods.iter().filter_map(|p| p.2).collect();
    let up = starts.windows(2).all(|w| w[0] <= w[1]);
    let down = starts.windows(2).all(|w| w[0] >= w[1]);
    if starts.len() == periods.len() && !up && !down {
        let bad = periods
            .windows(2)
            .zip(starts.windows(2))
            .find(|(_, s)| (s[0] < s[1]) != (starts[0] < starts[1]))
            .map_or(periods[1].0, |(p, _)| p[1].0);
        out.push(
            Diagnostic::warning(
                Code::DatesOutOfOrder,
                format!("effective dates of `{name}` are out of order"),
                bad,
                "this period breaks the order",
            )
            .with_help("list the periods latest first (or earliest first) so each is read in turn"),
        );
    }
}
