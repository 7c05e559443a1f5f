//! Second pass: rule bodies, exceptions, tables, tests and the calendar; then
//! cycles between rules.

use std::collections::HashMap;

use super::expr::mk;
use super::{Checker, ItemRef, Scope};
use crate::diag::{Code, Diagnostic};
use crate::ir::*;
use crate::syntax::ast;
use crate::syntax::span::FileId;
use crate::values::value::Value;

impl Checker<'_> {
    pub(super) fn check_bodies(&mut self, parsed: &[(FileId, ast::Module, bool)]) {
        // Exceptions, grouped by their target rule.
        let mut exceptions: HashMap<RuleId, Vec<(ModuleId, &ast::ExceptionDecl)>> = HashMap::new();
        for (mid, (_, m, _)) in parsed.iter().enumerate() {
            for item in &m.items {
                if let ast::Item::Exception(x) = item {
                    match self.exception_target(ModuleId::from_index(mid), x) {
                        Some(r) => exceptions.entry(r).or_default().push((ModuleId::from_index(mid), x)),
                        None => continue,
                    }
                }
            }
        }
        for (mid, (_, m, _)) in parsed.iter().enumerate() {
            let mid = ModuleId::from_index(mid);
            for item in &m.items {
                match item {
                    ast::Item::Rule(r) => {
                        if let Some((ItemRef::Rule(id), _)) = self.module_items[mid.index()].get(&r.name.node).copied()
                            && self.rules[id].span == r.span
                        {
                            let ex = exceptions.remove(&id).unwrap_or_default();
                            self.rule_body(mid, id, r, &ex);
                        }
                    }
                    ast::Item::Table(t) => self.table_rows(mid, t),
                    ast::Item::Test(t) => self.test(mid, t),
                    ast::Item::Calendar(c) => self.calendar_decl(mid, c),
                    _ => {}
                }
            }
        }
    }

    fn exception_target(&mut self, module: ModuleId, x: &ast::ExceptionDecl) -> Option<RuleId> {
        match self.query_at(module, &x.target) {
            Some(id) => {
                self.used_item(&x.target, ItemRef::Rule(id));
                Some(id)
            }
            None => {
                let name = super::expr::join_path(&x.target);
                let sp = x.target[0].span.to(x.target[x.target.len() - 1].span);
                self.error(
                    Diagnostic::error(
                        Code::ExceptionUnknownRule,
                        format!("exception to unknown rule `{name}`"),
                        sp,
                        "no rule of this name",
                    )
                    .with_help("an exception names a rule (without parameters) of this module or `module.rule`"),
                );
                None
            }
        }
    }

    fn rule_body(
        &mut self,
        module: ModuleId,
        id: RuleId,
        r: &ast::RuleDecl,
        exceptions: &[(ModuleId, &ast::ExceptionDecl)],
    ) {
        let info = self.rules[id].clone();
        let mut s = Scope::new(module, Some(id));
        if let Some(ps) = &info.params {
            for (n, t) in ps {
                s.push_local(n, t.clone());
            }
        }
        // Exception branches, latest declared first, each checked in its own module.
        let mut first = Vec::new();
        let mut infos = Vec::new();
        for (xm, x) in exceptions.iter().rev() {
            let citation = x.citation.as_ref().map(|c| self.citation(*xm, c));
            infos.push(ExceptionInfo {
                module: *xm,
                citation,
                doc: x.doc.clone(),
                branches: x.branches.len() as u32,
                span: x.span,
            });
            let mut xs = Scope::new(*xm, Some(id));
            for b in &x.branches {
                let cond = self.expect(&mut xs, &b.cond, &crate::types::Type::Bool, "a `when` condition");
                let n = xs.narrowed.len();
                let ns = self.narrowings(&xs, &b.cond, true);
                xs.narrowed.extend(ns);
                let v = self.expect(
                    &mut xs,
                    &b.value,
                    &info.ty,
                    &format!("the exception to `{}`", info.name),
                );
                xs.narrowed.truncate(n);
                first.push((cond, v));
            }
        }
        let what = format!("the answer of `{}`", info.name);
        let body = match &r.body {
            ast::Body::Expr(e) => {
                let ir = self.expect(&mut s, e, &info.ty, &what);
                if first.is_empty() {
                    ir
                } else {
                    mk(ExprKind::Cases(CasesId::DETACHED, first, Box::new(ir)), e.span)
                }
            }
            ast::Body::Cases(c) => {
                let (ir, t) = self.cases(&mut s, &first, c, Some(&info.ty));
                if !t.fits(&info.ty) {
                    let (a, b) = (self.ty(&t), self.ty(&info.ty));
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            format!("{what} should be `{b}`, but the branches give `{a}`"),
                            c.span,
                            "mismatched answer",
                        )
                        .with_label(r.ty.span, "declared here"),
                    );
                }
                ir
            }
        };
        let info = &mut self.rules.to_mut()[id.index()];
        info.body = body;
        info.locals = s.max_local;
        info.exceptions = infos;
    }

    /// Checks a constant expression (fact default, table cell, test value).
    pub(super) fn const_expr(&mut self, module: ModuleId, e: &ast::Expr, ty: &crate::types::Type) -> Option<Value> {
        let mut s = Scope::new(module, None);
        let ir = self.expect(&mut s, e, ty, "this value");
        let v = fold_const(&ir);
        if v.is_none() {
            self.error(
                Diagnostic::error(
                    Code::NonConstant,
                    "this must be a constant",
                    e.span,
                    "depends on facts or rules",
                )
                .with_help("write a literal value here, like `2025-02-14`, `$80` or `[1, 2]`"),
            );
        }
        v
    }

    fn table_rows(&mut self, module: ModuleId, t: &ast::TableDecl) {
        let Some((ItemRef::Table(id), _)) = self.module_items[module.index()].get(&t.name.node).copied() else {
            return;
        };
        let info = self.tables[id].clone();
        // The grammar requires `by KeyType`, so a table always has at least one key.
        if info.keys.is_empty() {
            return;
        }
        let rows = self.rows(module, &info, 0, &t.rows);
        self.tables.to_mut()[id.index()].rows = rows;
    }

    fn rows(&mut self, module: ModuleId, info: &TableInfo, level: usize, rows: &[ast::TableRow]) -> TableRows {
        let key_ty = info.keys[level].clone();
        let last = level + 1 == info.keys.len();
        let cell = |c: &mut Checker<'_>, r: &ast::TableRow| -> Option<TableCell> {
            match (&r.value, last) {
                (ast::TableValue::Value(e), true) => c.const_expr(module, e, &info.ty).map(TableCell::Value),
                (ast::TableValue::Nested(rs), false) => Some(TableCell::Nested(c.rows(module, info, level + 1, rs))),
                (_, true) => {
                    c.error(
                        Diagnostic::error(
                            Code::TableNesting,
                            "this table has no further key",
                            r.span,
                            "unexpected nested rows",
                        )
                        .with_help("give the row a single value"),
                    );
                    None
                }
                (_, false) => {
                    c.error(
                        Diagnostic::error(
                            Code::TableNesting,
                            "this row needs nested rows for the next key",
                            r.span,
                            "missing nested rows",
                        )
                        .with_help("write `key: { subkey: value, … }`"),
                    );
                    None
                }
            }
        };
        if key_ty == crate::types::Type::Date {
            let mut out: Vec<(i32, Option<String>, TableCell)> = Vec::new();
            for r in rows {
                let ast::TableKey::From(d) = &r.key else {
                    self.error(
                        Diagnostic::error(
                            Code::TableDatedRows,
                            "rows of a table by date start with `from`",
                            r.span,
                            "expected `from DATE`",
                        )
                        .with_help("write `from 2013-10-01: value`: the value in force from that day"),
                    );
                    continue;
                };
                // The parser has already reported a date that does not exist.
                let Some(day) = crate::values::dates::from_ymd(d.node.year, d.node.month, d.node.day) else {
                    continue;
                };
                if let Some(c) = cell(self, r) {
                    if out.iter().any(|(x, _, _)| *x == day) {
                        self.error(
                            Diagnostic::error(
                                Code::TableDuplicateKey,
                                "two rows take effect on the same day",
                                d.span,
                                "repeated date",
                            )
                            .with_help("keep one row per effective date"),
                        );
                    }
                    out.push((day, r.note.as_ref().map(|n| n.node.clone()), c));
                }
            }
            out.sort_by_key(|x| x.0);
            return TableRows::Dated(out);
        }
        let mut out: Vec<(Value, TableCell)> = Vec::new();
        for r in rows {
            let ast::TableKey::Key(k) = &r.key else {
                self.error(
                    Diagnostic::error(
                        Code::TableDatedRows,
                        "`from DATE` rows need a table by date",
                        r.span,
                        "not a date key",
                    )
                    .with_help("declare the table `by date`, or write the row's key"),
                );
                continue;
            };
            let Some(kv) = self.const_expr(module, k, &key_ty) else {
                continue;
            };
            if let Some(c) = cell(self, r) {
                if out.iter().any(|(x, _)| *x == kv) {
                    self.error(
                        Diagnostic::error(Code::TableDuplicateKey, "this key has two rows", k.span, "repeated key")
                            .with_help("keep one row per key"),
                    );
                }
                out.push((kv, c));
            }
        }
        TableRows::Keyed(out)
    }

    /// Whether every lookup finds a row (enum keys, all variants present).
    pub(super) fn table_total(&self, info: &TableInfo) -> bool {
        fn total(c: &Checker<'_>, keys: &[crate::types::Type], rows: &TableRows) -> bool {
            match (keys.first(), rows) {
                (Some(crate::types::Type::Enum(e)), TableRows::Keyed(rs)) => {
                    rs.len() == c.enums[e.index()].variants.len()
                        && rs.iter().all(|(_, cell)| match cell {
                            TableCell::Value(_) => true,
                            TableCell::Nested(n) => total(c, &keys[1..], n),
                        })
                }
                _ => false,
            }
        }
        total(self, &info.keys, &info.rows)
    }

    fn test(&mut self, module: ModuleId, t: &ast::TestDecl) {
        let mut givens = Vec::new();
        for g in &t.givens {
            let path = super::expr::join_path(&g.path);
            let Some(&fid) = self.fact_index.get(&path) else {
                let names: Vec<&str> = self.facts.iter().map(|f| f.path.as_str()).collect();
                let mut d = Diagnostic::error(
                    Code::UnknownFact,
                    format!("unknown fact `{path}`"),
                    g.span,
                    "not a declared fact",
                );
                if let Some(s) = crate::diag::did_you_mean(&path, names) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.error(d);
                continue;
            };
            if let (Some(a), Some(b)) = (g.path.first(), g.path.last()) {
                self.used(a.span.to(b.span), SymbolRef::Fact(fid));
            }
            let ty = self.facts[fid].ty.clone();
            // A given is a fact value: a plain number stands for a quantity, as in a fact file.
            let v = match (strip_qty(&ty), &g.value.node) {
                (Some(scale), ast::ExprKind::Lit(ast::Literal::Int(n))) => {
                    Some(Value::Num(rust_decimal::Decimal::from(*n) / scale))
                }
                (Some(scale), ast::ExprKind::Lit(ast::Literal::Decimal(d))) => Some(Value::Num(*d / scale)),
                _ => self.const_expr(module, &g.value, &ty),
            };
            if let Some(v) = v {
                givens.push((fid, v, g.span));
            }
        }
        let mut expects = Vec::new();
        for x in &t.expects {
            let Some(rid) = self.query_at(module, &x.rule) else {
                let name = super::expr::join_path(&x.rule);
                self.error(
                    Diagnostic::error(
                        Code::TestUnknownRule,
                        format!("`{name}` is not a rule of this module"),
                        x.span,
                        "unknown rule",
                    )
                    .with_help("`expect` names a rule (without parameters): `expect step1_deadline = 2025-04-07`"),
                );
                continue;
            };
            self.used_item(&x.rule, ItemRef::Rule(rid));
            let value = match &x.value {
                None => None,
                Some(e) => {
                    let ty = self.rules[rid].ty.clone();
                    match self.const_expr(module, e, &ty) {
                        Some(v) => Some(v),
                        None => continue,
                    }
                }
            };
            expects.push(TestExpect {
                rule: rid,
                value,
                span: x.span,
            });
        }
        self.tests.push(TestInfo {
            module,
            name: t.name.node.clone(),
            givens,
            expects,
            span: t.span,
        });
    }

    fn calendar_decl(&mut self, module: ModuleId, c: &ast::CalendarDecl) {
        // A second calendar is refused, but its entries are still checked, so that
        // each mistake in it is reported at once.
        let second = self.calendar.is_some();
        if second {
            self.error(
                Diagnostic::error(
                    Code::SecondCalendar,
                    "a second workday calendar",
                    c.name.span,
                    "already declared",
                )
                .with_help("the program has one calendar for `workdays`"),
            );
        }
        let mut weekend = [false; 7];
        for w in &c.weekend {
            match super::WEEKDAYS.iter().position(|d| *d == w.node) {
                Some(i) => weekend[i] = true,
                None => self.error(
                    Diagnostic::error(
                        Code::UnknownVariant,
                        format!("`{}` is not a day of the week", w.node),
                        w.span,
                        "unknown day",
                    )
                    .with_help("write `monday` … `sunday`"),
                ),
            }
        }
        let holidays = match self.item(module, &super::expr::join_path(&c.holidays)) {
            Some(ItemRef::Rule(id))
                if self.rules[id]
                    .params
                    .as_ref()
                    .is_some_and(|p| p.len() == 1 && p[0].1 == crate::types::Type::Int)
                    && self.rules[id].ty == crate::types::Type::List(Box::new(crate::types::Type::Date)) =>
            {
                self.used_item(&c.holidays, ItemRef::Rule(id));
                id
            }
            _ => {
                self.error(
                    Diagnostic::error(
                        Code::BadCalendar,
                        "the calendar's holidays must be a function `(year: int): list of date`",
                        c.span,
                        "bad holidays",
                    )
                    .with_help("declare `fn federal_holidays(year: int): list of date = …`"),
                );
                return;
            }
        };
        let closures = match &c.closures {
            None => None,
            Some(p) => {
                let path = super::expr::join_path(p);
                match self.fact_index.get(&path) {
                    Some(&f) if self.facts[f].ty == crate::types::Type::List(Box::new(crate::types::Type::Date)) => {
                        if let (Some(a), Some(b)) = (p.first(), p.last()) {
                            self.used(a.span.to(b.span), SymbolRef::Fact(f));
                        }
                        Some(f)
                    }
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::BadCalendar,
                                format!("`{path}` must be a fact `list of date`"),
                                c.span,
                                "bad closures",
                            )
                            .with_help("declare `facts calendar { closures: list of date = [] }`"),
                        );
                        None
                    }
                }
            }
        };
        if !second {
            self.calendar = Some(CalendarInfo {
                weekend,
                holidays,
                closures,
            });
        }
    }

    /// Rejects cycles among rules and functions, showing the cycle.
    pub(super) fn check_cycles(&mut self) {
        let n = self.rules.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        let mut reported = vec![false; n];
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            // Iterative DFS with an explicit path.
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if *next < self.deps[node].len() {
                    let (to, span) = self.deps[node][*next];
                    *next += 1;
                    let to = to.index();
                    if state[to] == 1 {
                        let pos = stack.iter().position(|(x, _)| *x == to).unwrap_or(0);
                        let cycle: Vec<usize> = stack[pos..].iter().map(|(x, _)| *x).collect();
                        if !cycle.iter().any(|c| reported[*c]) {
                            for c in &cycle {
                                reported[*c] = true;
                            }
                            let mut names: Vec<String> = cycle
                                .iter()
                                .map(|c| format!("`{}`", self.rules[*c].qualified))
                                .collect();
                            names.push(format!("`{}`", self.rules[to].qualified));
                            let d = Diagnostic::error(
                                Code::Cycle,
                                format!("rules depend on each other in a cycle: {}", names.join(" → ")),
                                span,
                                "this reference closes the cycle",
                            )
                            .with_label(self.rules[to].name_span, "the cycle starts here")
                            .with_help(
                                "a rule cannot depend on itself, directly or through other rules: break the cycle",
                            );
                            self.diags.push(d);
                        }
                    } else if state[to] == 0 {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }
}

/// For a quantity type, the scale of a plain number given for it (percent: 100).
fn strip_qty(t: &crate::types::Type) -> Option<rust_decimal::Decimal> {
    match t.strip_optional() {
        crate::types::Type::Qty(_) => Some(rust_decimal::Decimal::ONE),
        crate::types::Type::Percent => Some(rust_decimal::Decimal::from(100)),
        _ => None,
    }
}

/// Folds a constant IR expression to a value.
pub(super) fn fold_const(e: &Expr) -> Option<Value> {
    use rust_decimal::Decimal;
    Some(match &e.kind {
        ExprKind::Const(v) => v.clone(),
        ExprKind::List(xs) => Value::List(xs.iter().map(fold_const).collect::<Option<Vec<_>>>()?.into()),
        ExprKind::Record(xs) => Value::Record(xs.iter().map(fold_const).collect::<Option<Vec<_>>>()?.into()),
        ExprKind::Neg(x) => match fold_const(x)? {
            Value::Num(n) => Value::Num(-n),
            _ => return None,
        },
        ExprKind::Bin(op, a, b) => match (fold_const(a)?, fold_const(b)?) {
            (Value::Num(x), Value::Num(y)) => Value::Num(match op {
                Op::Add => x.checked_add(y)?,
                Op::Sub => x.checked_sub(y)?,
                Op::Mul => x.checked_mul(y)?,
                Op::Div if y != Decimal::ZERO => x.checked_div(y)?,
                _ => return None,
            }),
            _ => return None,
        },
        _ => return None,
    })
}
