//! Span-free constructors of expected trees (spans are ignored by equality).
#![allow(dead_code)]

use cba::syntax::ast::*;
use cba::syntax::span::{Span, Spanned};
use rust_decimal::Decimal;

pub fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

pub fn e(kind: ExprKind) -> Expr {
    sp(kind)
}

pub fn b(x: Expr) -> Box<Expr> {
    Box::new(x)
}

pub fn id(name: &str) -> Ident {
    sp(name.to_string())
}

/// `a.b.c`
pub fn path(dotted: &str) -> Expr {
    e(ExprKind::Path(dotted.split('.').map(id).collect()))
}

pub fn int(n: i64) -> Expr {
    e(ExprKind::Lit(Literal::Int(n)))
}

pub fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

pub fn qty(n: &str, unit: Unit) -> Expr {
    e(ExprKind::Lit(Literal::Quantity(dec(n), unit)))
}

pub fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    e(ExprKind::Binary(op, b(l), b(r)))
}

pub fn un(op: UnOp, x: Expr) -> Expr {
    e(ExprKind::Unary(op, b(x)))
}

pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call(name.split('.').map(id).collect(), args))
}

pub fn date(year: i32, month: u32, day: u32) -> Date {
    Date { year, month, day }
}

pub fn lit(l: Literal) -> Expr {
    e(ExprKind::Lit(l))
}

pub fn named(t: &str) -> TypeExpr {
    sp(TypeExprKind::Named(t.to_string()))
}
