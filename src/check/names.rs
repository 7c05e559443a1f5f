//! Names: dotted paths resolved to locals, enum variants, facts, rules and
//! record fields; narrowing of optional values by `!= none` conditions.

use super::expr::{boxed, join_path, list_names, mk, poison};
use super::{Checker, Entity, ItemRef, Scope};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::{EnumId, Expr, ExprKind, SymbolRef, TableId};
use crate::syntax::ast::{self, BinOp, Ident, Literal, UnOp};
use crate::syntax::span::Span;
use crate::types::Type;
use crate::values::value::Value;

impl Checker<'_> {
    pub(super) fn variant(&mut self, id: EnumId, name: &str, span: Span) -> (Expr, Type) {
        let info = &self.enums[id];
        let ix = info
            .variants
            .iter()
            .position(|v| v == name)
            .or_else(|| info.external.iter().position(|v| v == name));
        match ix {
            Some(ix) => {
                self.used(span, SymbolRef::Variant(id, ix as u32));
                (mk(ExprKind::Const(Value::Enum(ix as u32)), span), Type::Enum(id))
            }
            None => {
                let mut d = Diagnostic::error(
                    Code::UnknownVariant,
                    format!("`{name}` is not a variant of `{}`", info.name),
                    span,
                    "unknown variant",
                );
                d = match did_you_mean(name, info.variants.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("the variants are {}", list_names(&info.variants))),
                };
                self.error(d);
                poison(span)
            }
        }
    }

    /// Resolves a dotted name.
    pub(super) fn path(&mut self, s: &mut Scope, segs: &[Ident], span: Span, expected: Option<&Type>) -> (Expr, Type) {
        let first = segs[0].node.as_str();
        if let Some((slot, ty)) = s.local(first) {
            let ty = s.narrowed(Entity::Local(slot)).unwrap_or(ty);
            return self.fields(mk(ExprKind::Local(slot), segs[0].span), ty, &segs[1..]);
        }
        if segs.len() == 1
            && let Some(Type::Enum(id)) = expected.map(|t| t.strip_optional())
            && self.enums[id.index()].variants.iter().any(|v| v == first)
        {
            return self.variant(*id, first, span);
        }
        if segs.len() >= 2
            && let Some(ItemRef::Enum(id)) = self.item(s.module, first)
        {
            self.used(segs[0].span, ItemRef::Enum(id));
            let (ir, t) = self.variant(id, &segs[1].node, segs[1].span.to(segs[0].span));
            return self.fields(ir, t, &segs[2..]);
        }
        if segs.len() == 1
            && let Some(r) = self.item(s.module, first)
        {
            return self.item_value(s, r, first, span);
        }
        for n in (1..=segs.len()).rev() {
            let p = join_path(&segs[..n]);
            if let Some(&fid) = self.fact_index.get(&p) {
                let ty = s
                    .narrowed(Entity::Fact(fid))
                    .unwrap_or_else(|| self.facts[fid].ty.clone());
                let sp = segs[0].span.to(segs[n - 1].span);
                self.used(sp, SymbolRef::Fact(fid));
                return self.fields(mk(ExprKind::Fact(fid), sp), ty, &segs[n..]);
            }
        }
        if segs.len() >= 2
            && let Some(&mid) = self.module_index.get(first)
        {
            let name = segs[1].node.as_str();
            match self.module_items[mid.index()].get(name).map(|x| x.0) {
                Some(r) => {
                    let sp = segs[0].span.to(segs[1].span);
                    self.used(segs[0].span, SymbolRef::Module(mid));
                    let (ir, t) = self.item_value(s, r, name, sp);
                    return self.fields(ir, t, &segs[2..]);
                }
                None if !self.fact_groups.contains_key(&join_path(&segs[..2])) => {
                    // The module's rules, tables and functions, and the facts under
                    // its name: `grievance.knew_onn` is a misspelt fact, not a rule.
                    let items: Vec<&str> = self.module_items[mid.index()].keys().map(String::as_str).collect();
                    let prefix = format!("{first}.");
                    let mut facts: Vec<&str> = self
                        .facts
                        .iter()
                        .filter_map(|f| f.path.strip_prefix(&prefix))
                        .map(|rest| rest.split('.').next().unwrap_or(rest))
                        .collect();
                    facts.dedup();
                    let mut d = Diagnostic::error(
                        Code::UnknownName,
                        format!("module `{first}` has no rule or fact `{name}`"),
                        segs[1].span,
                        "unknown name",
                    );
                    if let Some(sug) = did_you_mean(name, items.iter().chain(facts.iter()).copied()) {
                        let what = if items.contains(&sug) { "" } else { "the fact " };
                        d = d.with_help(format!("did you mean {what}`{first}.{sug}`?"));
                    }
                    self.error(d);
                    return poison(span);
                }
                None => {}
            }
        }
        if segs.len() >= 2
            && s.local(first).is_none()
            && let Some(r @ ItemRef::Rule(_)) = self.item(s.module, first)
        {
            let (ir, t) = self.item_value(s, r, first, segs[0].span);
            return self.fields(ir, t, &segs[1..]);
        }
        let full = join_path(segs);
        if let Some(gspan) = self.fact_groups.get(&full).copied() {
            let members: Vec<String> = self
                .facts
                .iter()
                .filter(|f| f.path.starts_with(&format!("{full}.")))
                .map(|f| format!("`{}`", f.path))
                .take(4)
                .collect();
            self.error(
                Diagnostic::error(
                    Code::FactGroupAsValue,
                    format!("`{full}` is a group of facts, not a value"),
                    span,
                    "a group of facts",
                )
                .with_label(gspan, "declared here")
                .with_help(format!("name one fact of the group, e.g. {}", members.join(", "))),
            );
            return poison(span);
        }
        if segs.len() == 1
            && let Some(Type::Enum(id)) = expected.map(|t| t.strip_optional())
        {
            return self.variant(*id, first, span);
        }
        self.unknown_name(s, segs, span);
        poison(span)
    }

    fn unknown_name(&mut self, s: &Scope, segs: &[Ident], span: Span) {
        let full = join_path(segs);
        if segs.len() == 1 {
            let mut names: Vec<String> = s.locals.iter().map(|l| l.0.clone()).collect();
            names.extend(
                self.module_items
                    .get(s.module.index())
                    .into_iter()
                    .flat_map(|m| m.keys().cloned()),
            );
            names.extend(
                self.imports
                    .get(s.module.index())
                    .into_iter()
                    .flat_map(|m| m.keys().cloned()),
            );
            names.extend(self.prelude.keys().cloned());
            names.extend(
                self.facts
                    .iter()
                    .filter(|f| !f.path.contains('.'))
                    .map(|f| f.path.clone()),
            );
            let mut d = Diagnostic::error(Code::UnknownName, format!("unknown name `{full}`"), span, "not found");
            d = match did_you_mean(&full, names.iter().map(String::as_str)) {
                Some(sug) => d.with_help(format!("did you mean `{sug}`?")),
                None => d.with_help("declare it as a rule or fact, or import it with `use module.{name}`"),
            };
            self.error(d);
            return;
        }
        // A dotted name: most likely a fact.
        let mut names: Vec<String> = self.facts.iter().map(|f| f.path.clone()).collect();
        names.extend(
            self.rules
                .iter()
                .filter(|r| r.params.is_none())
                .map(|r| r.qualified.clone()),
        );
        let mut d = Diagnostic::error(
            Code::UnknownFact,
            format!("unknown fact `{full}`"),
            span,
            "no fact or rule of this name is declared",
        );
        d = match did_you_mean(&full, names.iter().map(String::as_str)) {
            Some(sug) => d.with_help(format!("did you mean `{sug}`?")),
            None => d.with_help(format!("declare it in a `facts {} {{ … }}` block", segs[0].node)),
        };
        self.error(d);
    }

    fn item_value(&mut self, s: &mut Scope, r: ItemRef, name: &str, span: Span) -> (Expr, Type) {
        match r {
            ItemRef::Rule(id) => {
                let info = &self.rules[id];
                if info.params.is_some() {
                    let d = Diagnostic::error(
                        Code::CallMismatch,
                        format!("`{name}` is a function and needs arguments"),
                        span,
                        "called without arguments",
                    )
                    .with_label(info.name_span, "declared here")
                    .with_help(format!("call it: `{name}(…)`"));
                    self.error(d);
                    return poison(span);
                }
                if let Some(cur) = s.rule {
                    self.deps[cur.index()].push((id, span));
                }
                self.used(span, SymbolRef::Rule(id));
                let info = &self.rules[id];
                let ty = s.narrowed(Entity::Rule(id)).unwrap_or_else(|| info.ty.clone());
                (mk(ExprKind::Rule(id), span), ty)
            }
            ItemRef::Table(id) => {
                let keys = self.tables[id].keys.len();
                self.error(
                    Diagnostic::error(
                        Code::TableMisused,
                        format!("table `{name}` needs a key"),
                        span,
                        "a table, not a value",
                    )
                    .with_help(format!(
                        "look up a row: `{name}[{}]`",
                        vec!["key"; keys.max(1)].join(", ")
                    )),
                );
                poison(span)
            }
            ItemRef::Enum(_) | ItemRef::Record(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeAsValue,
                        format!("`{name}` is a type, not a value"),
                        span,
                        "a type",
                    )
                    .with_help(format!(
                        "name a variant like `{name}.variant`, or build a record `{name} {{ field: … }}`"
                    )),
                );
                poison(span)
            }
        }
    }

    /// Field accesses on a record value.
    pub(super) fn fields(&mut self, mut ir: Expr, mut ty: Type, rest: &[Ident]) -> (Expr, Type) {
        for f in rest {
            match &ty {
                Type::Error | Type::Never => return poison(f.span),
                Type::Record(rid) => {
                    let info = &self.records[rid.index()];
                    match info.fields.iter().position(|(n, _, _)| *n == f.node) {
                        Some(ix) => {
                            let fty = info.fields[ix].1.clone();
                            self.used(f.span, SymbolRef::Field(*rid, ix as u32));
                            let span = ir.span.to(f.span);
                            ir = mk(ExprKind::Field(boxed(ir), ix as u32), span);
                            ty = fty;
                        }
                        None => {
                            let names: Vec<&str> = info.fields.iter().map(|x| x.0.as_str()).collect();
                            let mut d = Diagnostic::error(
                                Code::UnknownField,
                                format!("`{}` has no field `{}`", info.name, f.node),
                                f.span,
                                "unknown field",
                            );
                            d = match did_you_mean(&f.node, names.iter().copied()) {
                                Some(sug) => d.with_help(format!("did you mean `{sug}`?")),
                                None => d.with_help(format!("the fields are {}", list_names(&names))),
                            };
                            self.error(d);
                            return poison(f.span);
                        }
                    }
                }
                Type::Optional(_) => {
                    self.error(
                        Diagnostic::error(
                            Code::OptionalFieldAccess,
                            format!("`{}` may be none", f.node),
                            ir.span,
                            "may be none",
                        )
                        .with_help("check it first: `when x != none => x.field`"),
                    );
                    return poison(f.span);
                }
                other => {
                    let t = self.ty(other);
                    self.error(
                        Diagnostic::error(
                            Code::UnknownField,
                            format!("a `{t}` has no field `{}`", f.node),
                            f.span,
                            "not a record",
                        )
                        .with_help("only records have fields"),
                    );
                    return poison(f.span);
                }
            }
        }
        (ir, ty)
    }

    /// Narrowings implied by a condition being true (`positive`) or false.
    pub(super) fn narrowings(&self, s: &Scope, cond: &ast::Expr, positive: bool) -> Vec<(Entity, Type)> {
        match &cond.node {
            ast::ExprKind::Paren(x) => self.narrowings(s, x, positive),
            ast::ExprKind::Unary(UnOp::Not, x) => self.narrowings(s, x, !positive),
            ast::ExprKind::Binary(BinOp::And, a, b) if positive => {
                let mut v = self.narrowings(s, a, true);
                v.extend(self.narrowings(s, b, true));
                v
            }
            ast::ExprKind::Binary(BinOp::Or, a, b) if !positive => {
                let mut v = self.narrowings(s, a, false);
                v.extend(self.narrowings(s, b, false));
                v
            }
            ast::ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
                let narrows = (*op == BinOp::Ne) == positive;
                if !narrows {
                    return Vec::new();
                }
                let path = match (&a.node, &b.node) {
                    (ast::ExprKind::Path(p), ast::ExprKind::Lit(Literal::None))
                    | (ast::ExprKind::Lit(Literal::None), ast::ExprKind::Path(p)) => p,
                    _ => return Vec::new(),
                };
                self.entity(s, path).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    /// The entity a path names and its non-optional type, for narrowing.
    fn entity(&self, s: &Scope, segs: &[Ident]) -> Option<(Entity, Type)> {
        let first = segs[0].node.as_str();
        let (e, t) = if segs.len() == 1 {
            if let Some((slot, t)) = s.local(first) {
                (Entity::Local(slot), t)
            } else if let Some(ItemRef::Rule(id)) = self.item(s.module, first) {
                (Entity::Rule(id), self.rules[id].ty.clone())
            } else {
                let f = *self.fact_index.get(first)?;
                (Entity::Fact(f), self.facts[f].ty.clone())
            }
        } else if let Some(&f) = self.fact_index.get(&join_path(segs)) {
            (Entity::Fact(f), self.facts[f].ty.clone())
        } else {
            let mid = *self.module_index.get(first)?;
            match self.module_items[mid.index()].get(&segs[1].node)?.0 {
                ItemRef::Rule(id) if segs.len() == 2 => (Entity::Rule(id), self.rules[id].ty.clone()),
                _ => return None,
            }
        };
        match t {
            Type::Optional(inner) => Some((e, *inner)),
            _ => None,
        }
    }

    pub(super) fn table_ref(&self, s: &Scope, segs: &[Ident]) -> Option<TableId> {
        if segs.len() == 1 && s.local(&segs[0].node).is_some() {
            return None;
        }
        match self.item_at(s.module, segs)? {
            ItemRef::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Records the use of the item a written name means (`name`, `module.name`).
    pub(super) fn used_item(&mut self, segs: &[Ident], r: ItemRef) {
        let (Some(first), Some(last)) = (segs.first(), segs.last()) else {
            return;
        };
        if let [m, _] = segs
            && let Some(&mid) = self.module_index.get(&m.node)
        {
            self.used(m.span, SymbolRef::Module(mid));
        }
        self.used(first.span.to(last.span), r);
    }
}
