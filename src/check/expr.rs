//! Expressions: name resolution, types and units, lowering to IR.

use super::ops::{arith, comparable, orderable};
use super::{Checker, ItemRef, Scope};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::{self, Expr, ExprKind, Op};
use crate::syntax::ast::{self, BinOp, Ident, Literal, UnOp, Unit};
use crate::syntax::span::Span;
use crate::types::{QUnit, Type};
use crate::values::dates;
use crate::values::value::Value;
use rust_decimal::Decimal;

pub(super) fn mk(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

pub(super) fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// The poison result of an expression already reported as wrong.
pub(super) fn poison(span: Span) -> (Expr, Type) {
    (mk(ExprKind::Const(Value::None), span), Type::Error)
}

impl Checker<'_> {
    /// Checks an expression against an expected type (reported on mismatch).
    pub(super) fn expect(&mut self, s: &mut Scope, e: &ast::Expr, want: &Type, what: &str) -> Expr {
        let (ir, got) = self.expr(s, e, Some(want));
        if !got.fits(want) {
            let mut d = Diagnostic::error(
                Code::TypeMismatch,
                format!("{what} should be `{}`, but this is `{}`", self.ty(want), self.ty(&got)),
                e.span,
                format!("this is `{}`", self.ty(&got)),
            );
            d = d.with_help(mismatch_help(want, &got));
            self.error(d);
        }
        ir
    }

    pub(super) fn expr(&mut self, s: &mut Scope, e: &ast::Expr, expected: Option<&Type>) -> (Expr, Type) {
        let span = e.span;
        match &e.node {
            ast::ExprKind::Lit(l) => self.literal(l, span, expected),
            ast::ExprKind::Paren(inner) => self.expr(s, inner, expected),
            ast::ExprKind::Path(segs) => self.path(s, segs, span, expected),
            ast::ExprKind::Field(base, name) => {
                let (b, t) = self.expr(s, base, None);
                self.fields(b, t, std::slice::from_ref(name))
            }
            ast::ExprKind::Call(name, args) => self.call(s, name, args, span),
            ast::ExprKind::CallGen(name, comp) => {
                let (list, lt) = self.comprehension(s, comp, span);
                let fname = name.iter().map(|i| i.node.as_str()).collect::<Vec<_>>().join(".");
                self.builtin_call(&fname, vec![(list, lt)], span, name[0].span)
            }
            ast::ExprKind::Sort { var, list, keys } => self.sort(s, var.as_ref(), list, keys, span),
            ast::ExprKind::Fold {
                acc,
                init,
                var,
                list,
                body,
            } => {
                let (init_ir, acc_t) = self.expr(s, init, None);
                let (list_ir, lt) = self.expr(s, list, None);
                let elem = self.element_type(&lt, list.span);
                let acc_slot = s.push_local(&acc.node, acc_t.clone());
                let var_slot = s.push_local(&var.node, elem);
                let body_ir = self.expect(s, body, &acc_t, "the fold's step");
                s.pop_local();
                s.pop_local();
                let kind = ExprKind::Fold {
                    acc: acc_slot,
                    init: boxed(init_ir),
                    var: var_slot,
                    list: boxed(list_ir),
                    body: boxed(body_ir),
                };
                (mk(kind, span), acc_t)
            }
            ast::ExprKind::Index(base, keys) => self.index(s, base, keys, span),
            ast::ExprKind::Unary(UnOp::Not, x) => {
                let ir = self.expect(s, x, &Type::Bool, "the operand of `not`");
                (mk(ExprKind::Not(boxed(ir)), span), Type::Bool)
            }
            ast::ExprKind::Unary(UnOp::Neg, x) => {
                let (ir, t) = self.expr(s, x, expected);
                if !(t.is_numeric() || matches!(t, Type::Qty(_) | Type::Percent) || t.is_error()) {
                    self.error(
                        Diagnostic::error(
                            Code::NegateNonNumber,
                            format!("cannot negate `{}`", self.ty(&t)),
                            x.span,
                            "not a number",
                        )
                        .with_help("only numbers and quantities like `5 days` or `$3` can be negative"),
                    );
                    return poison(span);
                }
                (mk(ExprKind::Neg(boxed(ir)), span), t)
            }
            ast::ExprKind::Binary(op, l, r) => self.binary(s, *op, l, r, span, expected),
            ast::ExprKind::WithUnit(x, unit) => {
                let (ir, t) = self.expr(s, x, None);
                if !t.is_numeric() && !t.is_error() {
                    self.error(
                        Diagnostic::error(
                            Code::UnitOnNonNumber,
                            format!("a unit word needs a number, but this is `{}`", self.ty(&t)),
                            x.span,
                            "not a number",
                        )
                        .with_help("a unit turns a number into a quantity: `5 days`, `n workdays`"),
                    );
                    return poison(span);
                }
                let (scale, ty) = unit_type(*unit);
                let ir = match scale {
                    Some(d) => mk(
                        ExprKind::Bin(Op::Div, boxed(ir), boxed(mk(ExprKind::Const(Value::Num(d)), span))),
                        span,
                    ),
                    None => ir,
                };
                (ir, ty)
            }
            ast::ExprKind::If(c, a, b) => {
                let c_ir = self.expect(s, c, &Type::Bool, "an `if` condition");
                let pos = self.narrowings(s, c, true);
                let neg = self.narrowings(s, c, false);
                let n = s.narrowed.len();
                s.narrowed.extend(pos);
                let (a_ir, at) = self.expr(s, a, expected);
                s.narrowed.truncate(n);
                s.narrowed.extend(neg);
                let (b_ir, bt) = self.expr(s, b, expected.or(Some(&at)));
                s.narrowed.truncate(n);
                let t = self.join(&at, &bt, b.span, "the `else` branch", "the `then` branch");
                (mk(ExprKind::If(boxed(c_ir), boxed(a_ir), boxed(b_ir)), span), t)
            }
            ast::ExprKind::Let(name, v, body) => {
                let (v_ir, vt) = self.expr(s, v, None);
                let slot = s.push_local(&name.node, vt);
                let (b_ir, bt) = self.expr(s, body, expected);
                s.pop_local();
                (mk(ExprKind::Let(slot, boxed(v_ir), boxed(b_ir)), span), bt)
            }
            ast::ExprKind::Cases(c) => self.cases(s, &[], c, expected),
            ast::ExprKind::List(items) => {
                let want_elem = expected.and_then(|t| match t.strip_optional() {
                    Type::List(e) => Some((**e).clone()),
                    _ => None,
                });
                let mut irs = Vec::new();
                let mut t: Option<Type> = None;
                for it in items {
                    let (ir, it_t) = self.expr(s, it, want_elem.as_ref().or(t.as_ref()));
                    t = Some(match t {
                        None => it_t,
                        Some(prev) => self.join(&prev, &it_t, it.span, "this list item", "the first item"),
                    });
                    irs.push(ir);
                }
                let elem = t.or(want_elem).unwrap_or(Type::Never);
                (mk(ExprKind::List(irs), span), Type::List(Box::new(elem)))
            }
            ast::ExprKind::ListComp(c) => self.comprehension(s, c, span),
            ast::ExprKind::Record(name, fields) => self.record(s, name, fields, span),
            ast::ExprKind::Error(msg) => {
                let ir = self.expect(s, msg, &Type::String, "the message of `error`");
                (mk(ExprKind::Error(boxed(ir)), span), Type::Never)
            }
        }
    }

    pub(super) fn join(&mut self, a: &Type, b: &Type, span: Span, what: &str, other: &str) -> Type {
        match a.join(b) {
            Some(t) => t,
            None => {
                let msg = format!("{what} is `{}`, but {other} is `{}`", self.ty(b), self.ty(a));
                self.error(
                    Diagnostic::error(Code::BranchTypesDiffer, msg, span, format!("this is `{}`", self.ty(b)))
                        .with_help("every branch must give the same type of answer"),
                );
                Type::Error
            }
        }
    }

    fn literal(&mut self, l: &Literal, span: Span, expected: Option<&Type>) -> (Expr, Type) {
        let (v, t) = match l {
            Literal::Bool(b) => (Value::Bool(*b), Type::Bool),
            Literal::Int(n) => (Value::int(*n), Type::Int),
            Literal::Decimal(d) => (Value::Num(*d), Type::Decimal),
            Literal::Quantity(n, unit) => {
                let (scale, t) = unit_type(*unit);
                (Value::Num(scale.map_or(*n, |d| *n / d)), t)
            }
            Literal::Date(d) => match dates::from_ymd(d.year, d.month, d.day) {
                Some(day) => (Value::Date(day), Type::Date),
                None => return poison(span), // the parser reported it
            },
            Literal::YearMonth(y, m) => (Value::YearMonth(y * 12 + *m as i32 - 1), Type::YearMonth),
            Literal::Time(m) => (Value::Time(*m), Type::Time),
            Literal::DateTime(d, m) => match dates::from_ymd(d.year, d.month, d.day) {
                Some(day) => (Value::DateTime(day as i64 * 1440 + *m as i64), Type::DateTime),
                None => return poison(span), // the parser reported it
            },
            Literal::String(text) => {
                if let Some(Type::Enum(id)) = expected.map(|t| t.strip_optional()) {
                    let id = *id;
                    let found = self.variant(id, text, span);
                    if let ExprKind::Const(Value::Enum(ix)) = &found.0.kind {
                        let name = &self.enums[id].variants[*ix as usize];
                        let d = Diagnostic::warning(
                            Code::QuotedVariant,
                            format!("the enum value `{name}` is written as a string"),
                            span,
                            "quoted",
                        )
                        .with_help(format!("write `{name}` without quotes, as in rules"));
                        self.error(d);
                    }
                    return found;
                }
                (Value::Str(text.as_str().into()), Type::String)
            }
            Literal::None => (Value::None, Type::Null),
        };
        (mk(ExprKind::Const(v), span), t)
    }

    /// A variant of an enum by name or external spelling.
    fn binary(
        &mut self,
        s: &mut Scope,
        op: BinOp,
        l: &ast::Expr,
        r: &ast::Expr,
        span: Span,
        expected: Option<&Type>,
    ) -> (Expr, Type) {
        match op {
            BinOp::And | BinOp::Or => {
                let l_ir = self.expect(
                    s,
                    l,
                    &Type::Bool,
                    &format!("the left side of `{}`", if op == BinOp::And { "and" } else { "or" }),
                );
                let n = s.narrowed.len();
                let ns = self.narrowings(s, l, op == BinOp::And);
                s.narrowed.extend(ns);
                let r_ir = self.expect(
                    s,
                    r,
                    &Type::Bool,
                    &format!("the right side of `{}`", if op == BinOp::And { "and" } else { "or" }),
                );
                s.narrowed.truncate(n);
                let kind = if op == BinOp::And {
                    ExprKind::And(boxed(l_ir), boxed(r_ir))
                } else {
                    ExprKind::Or(boxed(l_ir), boxed(r_ir))
                };
                (mk(kind, span), Type::Bool)
            }
            BinOp::Coalesce => {
                let (l_ir, lt) = self.expr(s, l, expected.map(|t| t.clone().optional()).as_ref());
                let inner = match &lt {
                    Type::Optional(t) => (**t).clone(),
                    Type::Null => Type::Never,
                    t if t.is_error() => Type::Error,
                    t => {
                        let t = self.ty(t);
                        self.error(
                            Diagnostic::warning(
                                Code::CoalesceNoEffect,
                                format!("`??` has no effect: the left side is `{t}`, never none"),
                                l.span,
                                "never none",
                            )
                            .with_help("remove `?? …`"),
                        );
                        lt.clone()
                    }
                };
                let (r_ir, rt) = self.expr(s, r, Some(&inner));
                let t = self.join(&inner, &rt, r.span, "the fallback after `??`", "the value before it");
                (mk(ExprKind::Coalesce(boxed(l_ir), boxed(r_ir)), span), t)
            }
            BinOp::In | BinOp::NotIn => {
                let (l_ir, lt) = self.expr(s, l, None);
                let want = Type::List(Box::new(lt.clone()));
                let (r_ir, rt) = self.expr(s, r, Some(&want));
                match rt.strip_optional() {
                    Type::List(et) if comparable(&lt, et) => {}
                    t if t.is_error() => {}
                    Type::List(et) => {
                        let (a, b) = (self.ty(&lt), self.ty(et));
                        self.error(
                            Diagnostic::error(
                                Code::CompareMismatched,
                                format!("cannot look for a `{a}` in a list of `{b}`"),
                                span,
                                "mismatched types",
                            )
                            .with_help("the value and the list items must have the same type"),
                        );
                    }
                    t => {
                        let t = self.ty(t);
                        self.error(
                            Diagnostic::error(
                                Code::NotAList,
                                format!("`in` needs a list, but this is `{t}`"),
                                r.span,
                                "not a list",
                            )
                            .with_help("write a list: `x in {a, b}` or `x in [a, b]`"),
                        );
                    }
                }
                let o = if op == BinOp::In { Op::In } else { Op::NotIn };
                (mk(ExprKind::Bin(o, boxed(l_ir), boxed(r_ir)), span), Type::Bool)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (mut l_ir, mut lt) = self.expr(s, l, None);
                let (r_ir, rt) = self.expr(s, r, Some(&lt));
                // `"mail" == method`: retry the left side against the right's enum.
                if matches!(rt.strip_optional(), Type::Enum(_)) && lt == Type::String {
                    (l_ir, lt) = self.expr(s, l, Some(&rt));
                }
                let eq = matches!(op, BinOp::Eq | BinOp::Ne);
                if !comparable(&lt, &rt) {
                    let (a, b) = (self.ty(&lt), self.ty(&rt));
                    self.error(
                        Diagnostic::error(
                            Code::CompareMismatched,
                            format!("cannot compare `{a}` with `{b}`"),
                            span,
                            "mismatched types",
                        )
                        .with_help("both sides of a comparison must have the same type (and the same unit)"),
                    );
                } else if !eq && (!orderable(&lt) || !orderable(&rt)) {
                    let t = if orderable(&lt) { &rt } else { &lt };
                    let help = if matches!(t, Type::Optional(_) | Type::Null) {
                        "a value that may be none has no order: check `x != none` first, or use `x ?? fallback`"
                    } else {
                        "only numbers, quantities, dates, times, strings and enums have an order"
                    };
                    let t = self.ty(t);
                    self.error(
                        Diagnostic::error(
                            Code::NoOrder,
                            format!("`{t}` values cannot be ordered"),
                            span,
                            "no order",
                        )
                        .with_help(help),
                    );
                }
                let o = match op {
                    BinOp::Eq => Op::Eq,
                    BinOp::Ne => Op::Ne,
                    BinOp::Lt => Op::Lt,
                    BinOp::Le => Op::Le,
                    BinOp::Gt => Op::Gt,
                    _ => Op::Ge,
                };
                (mk(ExprKind::Bin(o, boxed(l_ir), boxed(r_ir)), span), Type::Bool)
            }
            _ => {
                let (l_ir, lt) = self.expr(s, l, expected);
                let want_r = match (&lt, op) {
                    (t, BinOp::Add | BinOp::Sub) if t.is_numeric() || matches!(t, Type::Qty(_)) => Some(lt.clone()),
                    _ => None,
                };
                let (r_ir, rt) = self.expr(s, r, want_r.as_ref());
                if lt.is_error() || rt.is_error() {
                    return poison(span);
                }
                let show = |t: &Type| self.ty(t);
                match arith(op, &lt, &rt, &show) {
                    Ok((o, t)) => (mk(ExprKind::Bin(o, boxed(l_ir), boxed(r_ir)), span), t),
                    Err(e) => {
                        let code = if matches!((&lt, &rt), (Type::Qty(_), Type::Qty(_))) {
                            Code::MixedUnits
                        } else {
                            Code::BadArithmetic
                        };
                        self.error(
                            Diagnostic::error(code, e.message, span, "here")
                                .with_label(l.span, format!("`{}`", self.ty(&lt)))
                                .with_label(r.span, format!("`{}`", self.ty(&rt)))
                                .with_help(e.help),
                        );
                        poison(span)
                    }
                }
            }
        }
    }

    /// `when … => … otherwise => …`, with exception branches tried first.
    pub(super) fn cases(
        &mut self,
        s: &mut Scope,
        first: &[(Expr, Expr)],
        c: &ast::Cases,
        expected: Option<&Type>,
    ) -> (Expr, Type) {
        let n = s.narrowed.len();
        let mut branches = first.to_vec();
        let mut ty: Option<Type> = expected.cloned();
        for b in &c.branches {
            let cond = self.expect(s, &b.cond, &Type::Bool, "a `when` condition");
            let pos = self.narrowings(s, &b.cond, true);
            let neg = self.narrowings(s, &b.cond, false);
            let m = s.narrowed.len();
            s.narrowed.extend(pos);
            let (v, vt) = self.expr(s, &b.value, ty.as_ref());
            s.narrowed.truncate(m);
            s.narrowed.extend(neg);
            ty = Some(match ty {
                None => vt,
                Some(t) => self.join(&t, &vt, b.value.span, "this branch", "the answer"),
            });
            branches.push((cond, v));
        }
        let otherwise = match &c.otherwise {
            Some(o) => {
                let (v, vt) = self.expr(s, o, ty.as_ref());
                ty = Some(match ty {
                    None => vt,
                    Some(t) => self.join(&t, &vt, o.span, "the `otherwise` branch", "the answer"),
                });
                v
            }
            None => {
                self.error(
                    Diagnostic::error(
                        Code::MissingOtherwise,
                        "`when` branches without `otherwise`",
                        c.span,
                        "what if no condition holds?",
                    )
                    .with_help("add `otherwise => …` after the last `when`: the answer when no condition holds"),
                );
                mk(ExprKind::Const(Value::None), c.span)
            }
        };
        s.narrowed.truncate(n);
        (
            mk(
                ExprKind::Cases(ir::CasesId::DETACHED, branches, boxed(otherwise)),
                c.span,
            ),
            ty.unwrap_or(Type::Error),
        )
    }

    pub(super) fn element_type(&mut self, t: &Type, span: Span) -> Type {
        match t {
            Type::List(e) => (**e).clone(),
            t if t.is_error() => Type::Error,
            t => {
                let t = self.ty(t);
                self.error(
                    Diagnostic::error(
                        Code::NotAList,
                        format!("expected a list, but this is `{t}`"),
                        span,
                        "not a list",
                    )
                    .with_help("this form goes over the items of a list"),
                );
                Type::Error
            }
        }
    }

    fn comprehension(&mut self, s: &mut Scope, c: &ast::Comprehension, span: Span) -> (Expr, Type) {
        let (list_ir, lt) = self.expr(s, &c.list, None);
        let elem = self.element_type(&lt, c.list.span);
        let var = s.push_local(&c.var.node, elem);
        let n = s.narrowed.len();
        let mut filter = None;
        if let Some(f) = &c.filter {
            filter = Some(self.expect(s, f, &Type::Bool, "the `if` filter"));
            let ns = self.narrowings(s, f, true);
            s.narrowed.extend(ns);
        }
        let (el_ir, el_t) = self.expr(s, &c.element, None);
        s.narrowed.truncate(n);
        s.pop_local();
        let kind = ExprKind::Comp {
            var,
            list: boxed(list_ir),
            element: boxed(el_ir),
            filter: filter.map(boxed),
        };
        (mk(kind, span), Type::List(Box::new(el_t)))
    }

    fn sort(
        &mut self,
        s: &mut Scope,
        var: Option<&Ident>,
        list: &ast::Expr,
        keys: &[(ast::Expr, bool)],
        span: Span,
    ) -> (Expr, Type) {
        let (list_ir, lt) = self.expr(s, list, None);
        let elem = self.element_type(&lt, list.span);
        let name = var.map_or("it", |v| v.node.as_str());
        let slot = s.push_local(name, elem.clone());
        let mut key_irs = Vec::new();
        if keys.is_empty() {
            if !orderable(&elem) {
                let t = self.ty(&elem);
                self.error(
                    Diagnostic::error(
                        Code::NoOrder,
                        format!("`{t}` values cannot be ordered"),
                        list.span,
                        "no order",
                    )
                    .with_help("sort records by their fields: `sort(r in xs by r.date)`"),
                );
            }
            key_irs.push((mk(ExprKind::Local(slot), span), false));
        }
        for (k, desc) in keys {
            let (k_ir, kt) = self.expr(s, k, None);
            if !orderable(&kt) {
                let t = self.ty(&kt);
                self.error(
                    Diagnostic::error(
                        Code::NoOrder,
                        format!("cannot sort by `{t}` values"),
                        k.span,
                        "no order",
                    )
                    .with_help("sort keys must be numbers, quantities, dates, times, strings or enums"),
                );
            }
            key_irs.push((k_ir, *desc));
        }
        s.pop_local();
        (
            mk(
                ExprKind::Sort {
                    var: slot,
                    list: boxed(list_ir),
                    keys: key_irs,
                },
                span,
            ),
            lt,
        )
    }

    fn record(&mut self, s: &mut Scope, name: &Ident, fields: &[(Ident, ast::Expr)], span: Span) -> (Expr, Type) {
        let Some(ItemRef::Record(rid)) = self.item(s.module, &name.node) else {
            let names: Vec<&str> = self.records.iter().map(|r| r.name.as_str()).collect();
            let mut d = Diagnostic::error(
                Code::UnknownType,
                format!("unknown record type `{}`", name.node),
                name.span,
                "not a record",
            );
            if let Some(sug) = did_you_mean(&name.node, names) {
                d = d.with_help(format!("did you mean `{sug}`?"));
            }
            self.error(d);
            return poison(span);
        };
        self.used(name.span, ItemRef::Record(rid));
        let decl = self.records[rid].fields.clone();
        let mut vals: Vec<Option<Expr>> = vec![None; decl.len()];
        for (f, e) in fields {
            match decl.iter().position(|(n, _, _)| *n == f.node) {
                Some(ix) => {
                    self.used(f.span, crate::ir::SymbolRef::Field(rid, ix as u32));
                    let ir = self.expect(s, e, &decl[ix].1, &format!("field `{}`", f.node));
                    vals[ix] = Some(ir);
                }
                None => {
                    let names: Vec<&str> = decl.iter().map(|x| x.0.as_str()).collect();
                    let mut d = Diagnostic::error(
                        Code::UnknownField,
                        format!("`{}` has no field `{}`", name.node, f.node),
                        f.span,
                        "unknown field",
                    );
                    if let Some(sug) = did_you_mean(&f.node, names) {
                        d = d.with_help(format!("did you mean `{sug}`?"));
                    }
                    self.error(d);
                }
            }
        }
        let mut out = Vec::new();
        for (ix, v) in vals.into_iter().enumerate() {
            match v {
                Some(ir) => out.push(ir),
                None => match &decl[ix].2 {
                    ir::Default::Value(v) => out.push(mk(ExprKind::Const(v.clone()), span)),
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::RecordMissingField,
                                format!("field `{}` is missing", decl[ix].0),
                                span,
                                "incomplete record",
                            )
                            .with_help(format!("add `{}: …`", decl[ix].0)),
                        );
                        out.push(mk(ExprKind::Const(Value::None), span));
                    }
                },
            }
        }
        (mk(ExprKind::Record(out), span), Type::Record(rid))
    }

    fn index(&mut self, s: &mut Scope, base: &ast::Expr, keys: &[ast::Expr], span: Span) -> (Expr, Type) {
        if let ast::ExprKind::Path(segs) = &base.node
            && let Some(tid) = self.table_ref(s, segs)
        {
            self.used_item(segs, ItemRef::Table(tid));
            let info = self.tables[tid].clone();
            if keys.len() != info.keys.len() {
                self.error(
                    Diagnostic::error(
                        Code::WrongKeyCount,
                        format!(
                            "table `{}` takes {} key(s), but {} were given",
                            info.name,
                            info.keys.len(),
                            keys.len()
                        ),
                        span,
                        "wrong number of keys",
                    )
                    .with_help(format!(
                        "the keys are: {}",
                        info.keys.iter().map(|k| self.ty(k)).collect::<Vec<_>>().join(", ")
                    )),
                );
                return poison(span);
            }
            let mut irs = Vec::new();
            for (k, kt) in keys.iter().zip(&info.keys) {
                irs.push(self.expect(s, k, kt, "the table key"));
            }
            let ty = if self.table_total(&info) {
                info.ty.clone()
            } else {
                info.ty.clone().optional()
            };
            return (mk(ExprKind::Table(tid, irs), span), ty);
        }
        let (b_ir, bt) = self.expr(s, base, None);
        let elem = self.element_type(&bt, base.span);
        if keys.len() != 1 {
            self.error(
                Diagnostic::error(
                    Code::WrongKeyCount,
                    "a list takes one index",
                    span,
                    "wrong number of indexes",
                )
                .with_help("write `xs[i]`, counting from 0"),
            );
            return poison(span);
        }
        let k = self.expect(s, &keys[0], &Type::Int, "a list index");
        (mk(ExprKind::ListIndex(boxed(b_ir), boxed(k)), span), elem)
    }

    fn call(&mut self, s: &mut Scope, name: &[Ident], args: &[ast::Expr], span: Span) -> (Expr, Type) {
        let fname = join_path(name);
        // A local (a parameter, a `let`) is not callable: it hides nothing here.
        let target = if name.len() == 1 && s.local(&fname).is_some() {
            None
        } else {
            self.item_at(s.module, name)
        };
        match target {
            Some(ItemRef::Rule(id)) => {
                let info = self.rules[id].clone();
                let Some(params) = &info.params else {
                    self.error(
                        Diagnostic::error(
                            Code::CallMismatch,
                            format!("`{fname}` is a rule, not a function"),
                            span,
                            "called with arguments",
                        )
                        .with_label(info.name_span, "declared here")
                        .with_help(format!("refer to it without parentheses: `{fname}`")),
                    );
                    return poison(span);
                };
                if params.len() != args.len() {
                    self.error(
                        Diagnostic::error(
                            Code::WrongArgumentCount,
                            format!(
                                "`{fname}` takes {} argument(s), but {} were given",
                                params.len(),
                                args.len()
                            ),
                            span,
                            "wrong number of arguments",
                        )
                        .with_label(info.name_span, "declared here")
                        .with_help(format!(
                            "the parameters are: {}",
                            params
                                .iter()
                                .map(|(n, t)| format!("{n}: {}", self.ty(t)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    return poison(span);
                }
                let mut irs = Vec::new();
                for (a, (pn, pt)) in args.iter().zip(params) {
                    irs.push(self.expect(s, a, pt, &format!("argument `{pn}`")));
                }
                if let Some(cur) = s.rule {
                    self.deps[cur.index()].push((id, name[0].span));
                }
                self.used_item(name, ItemRef::Rule(id));
                (mk(ExprKind::Call(id, irs), span), info.ty.clone())
            }
            Some(ItemRef::Table(_)) => {
                self.error(
                    Diagnostic::error(
                        Code::TableMisused,
                        format!("`{fname}` is a table"),
                        span,
                        "not a function",
                    )
                    .with_help(format!("look up a row with brackets: `{fname}[…]`")),
                );
                poison(span)
            }
            Some(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeAsValue,
                        format!("`{fname}` is a type, not a function"),
                        span,
                        "a type",
                    )
                    .with_help("build a record with `Name { field: … }`"),
                );
                poison(span)
            }
            None => {
                if fname == "error" {
                    let msg = args.first().map(|a| self.expect(s, a, &Type::String, "the message"));
                    let msg = msg.unwrap_or_else(|| mk(ExprKind::Const(Value::Str("error".into())), span));
                    return (mk(ExprKind::Error(boxed(msg)), span), Type::Never);
                }
                // Later arguments are read as the first one's type (enum variants, `none`).
                let mut typed: Vec<(Expr, Type)> = Vec::new();
                for a in args {
                    let want = typed.first().map(|(_, t)| t.clone());
                    typed.push(self.expr(s, a, want.as_ref()));
                }
                self.builtin_call(&fname, typed, span, name[0].span)
            }
        }
    }
}

/// The type and scale of a unit word.
fn unit_type(u: Unit) -> (Option<Decimal>, Type) {
    match u {
        Unit::Money => (None, Type::Qty(QUnit::Money)),
        Unit::Percent => (Some(Decimal::from(100)), Type::Percent),
        Unit::Hours => (None, Type::Qty(QUnit::Hours)),
        Unit::Minutes => (Some(Decimal::from(60)), Type::Qty(QUnit::Hours)),
        Unit::Days => (None, Type::Qty(QUnit::Days)),
        Unit::Workdays => (None, Type::Qty(QUnit::Workdays)),
        Unit::Weeks => (None, Type::Qty(QUnit::Weeks)),
        Unit::Months => (None, Type::Qty(QUnit::Months)),
        Unit::Years => (None, Type::Qty(QUnit::Years)),
        Unit::PayPeriods => (None, Type::Qty(QUnit::PayPeriods)),
    }
}

pub(super) fn join_path(segs: &[Ident]) -> String {
    segs.iter().map(|i| i.node.as_str()).collect::<Vec<_>>().join(".")
}

pub(super) fn list_names<S: AsRef<str>>(names: &[S]) -> String {
    let v: Vec<String> = names.iter().take(12).map(|n| format!("`{}`", n.as_ref())).collect();
    let more = if names.len() > 12 { ", …" } else { "" };
    format!("{}{more}", v.join(", "))
}

fn mismatch_help(want: &Type, got: &Type) -> String {
    match (want, got) {
        (w, Type::Optional(inner)) if inner.fits(w) => {
            "this may be none: check it first (`when x != none => …`), or give a fallback with `x ?? other`".into()
        }
        (Type::Qty(u), t) if t.is_numeric() => format!("give the number a unit, e.g. `5 {}`", u.name()),
        (Type::Qty(a), Type::Qty(b)) => format!("the answer must be in {}, not {}", a.name(), b.name()),
        _ => "change the expression or the declared type so they agree".into(),
    }
}
