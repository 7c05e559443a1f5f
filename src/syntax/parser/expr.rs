//! Lowering of expressions (one Pratt table for all precedence) and literals.
//!
//! Every function returns the expression with the depth of its tree, so that the
//! parser never builds a tree deeper than [`MAX_AST_DEPTH`] (later passes recurse).

use std::str::FromStr;
use std::sync::LazyLock;

use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use super::{
    E_BAD_DATE, E_BAD_TIME, E_CALL_NOT_NAME, E_CHAINED_COMPARISON, E_FOLD_VAR, E_INT_TOO_LARGE, E_MONEY_DECIMALS,
    E_NUMBER_TOO_LARGE, E_SORT_VAR, Lower, MAX_AST_DEPTH, P, Rule,
};
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::*;
use crate::syntax::span::{Span, Spanned};

/// An expression and the depth of its tree.
type DExpr = (Expr, Depth);

/// How deep a tree is: `total` levels in all (what later passes recurse through),
/// of which `nesting` are not links of a chain of one precedence (`a + b + c`
/// nests once however long it is). Nesting is bounded by [`MAX_AST_DEPTH`], a
/// chain by the looser [`MAX_CHAIN`], so a long flat sum is not "too deep".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Depth {
    total: u32,
    nesting: u32,
}

impl Depth {
    const ZERO: Depth = Depth { total: 0, nesting: 0 };
    const LEAF: Depth = Depth { total: 1, nesting: 1 };

    /// The deeper of two subtrees, measure by measure.
    fn max(self, other: Depth) -> Depth {
        Depth {
            total: self.total.max(other.total),
            nesting: self.nesting.max(other.nesting),
        }
    }
}

impl std::ops::Add<u32> for Depth {
    type Output = Depth;
    fn add(self, n: u32) -> Depth {
        Depth {
            total: self.total.saturating_add(n),
            nesting: self.nesting.saturating_add(n),
        }
    }
}

/// Longest chain of one precedence (`1 + 1 + …`): later passes recurse once per
/// link, so it is bounded too, far above what a rule writes.
const MAX_CHAIN: u32 = 2_000;

/// The precedence level of a binary operator (the rows of [`PRATT`]).
fn level(op: BinOp) -> u8 {
    use BinOp::*;
    match op {
        Coalesce => 0,
        Or => 1,
        And => 2,
        Add | Sub => 4,
        Mul | Div | Mod => 5,
        _ => 3,
    }
}

/// Precedence, loosest first (the language reference's table).
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_coalesce, Assoc::Left))
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left)
            | Op::infix(Rule::op_div, Assoc::Left)
            | Op::infix(Rule::op_mod, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::unit_postfix))
        .op(Op::postfix(Rule::call_args) | Op::postfix(Rule::index) | Op::postfix(Rule::field))
});

fn none_at(span: Span) -> Expr {
    Spanned::new(ExprKind::Lit(Literal::None), span)
}

/// An infix operator as written.
fn binop_text(op: BinOp) -> &'static str {
    use BinOp::*;
    match op {
        Coalesce => "??",
        Or => "or",
        And => "and",
        Eq => "==",
        Ne => "!=",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        In => "in",
        NotIn => "not in",
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        Mod => "mod",
    }
}

fn is_comparison(op: BinOp) -> bool {
    use BinOp::*;
    matches!(op, Eq | Ne | Lt | Le | Gt | Ge | In | NotIn)
}

/// The unit a unit word names (`workdays`, `pay periods`, `h`, `dollars`, …).
fn unit_of(word: &str) -> Unit {
    let word = word.trim_end_matches('s');
    match word {
        "workday" => Unit::Workdays,
        "day" => Unit::Days,
        "week" => Unit::Weeks,
        "month" => Unit::Months,
        "year" => Unit::Years,
        "hour" | "h" => Unit::Hours,
        "minute" | "min" => Unit::Minutes,
        "dollar" => Unit::Money,
        "percent" => Unit::Percent,
        _ => Unit::PayPeriods,
    }
}

impl Lower {
    /// `expr_input`: the whole input as one expression.
    pub(super) fn lower_expr_input(&self, p: P<'_>) -> Expr {
        let span = self.span(&p);
        self.kids(p)
            .into_iter()
            .find(|k| k.as_rule() == Rule::expr)
            .map_or(none_at(span), |e| self.lower_expr(e))
    }

    pub(super) fn lower_expr(&self, p: P<'_>) -> Expr {
        self.lower_expr_d(p).0
    }

    /// `expr` / `expr_no_in` through the Pratt table.
    fn lower_expr_d(&self, p: P<'_>) -> DExpr {
        let span = self.span(&p);
        if !self.enter(span) {
            return (none_at(span), Depth::LEAF);
        }
        let result = PRATT
            .map_primary(|prim| self.lower_primary(prim))
            .map_prefix(|op, rhs| self.lower_prefix(op, rhs))
            .map_postfix(|lhs, op| self.lower_postfix(lhs, op))
            .map_infix(|lhs, op, rhs| self.lower_infix(lhs, op, rhs))
            .parse(p.into_inner());
        self.leave();
        result
    }

    /// Builds a node of the given depth, or cuts the tree when it is too deep.
    fn node(&self, kind: ExprKind, span: Span, depth: Depth) -> DExpr {
        if depth.nesting > MAX_AST_DEPTH || depth.total > MAX_CHAIN {
            self.too_deep(span);
            return (none_at(span), Depth::LEAF);
        }
        (Spanned::new(kind, span), depth)
    }

    fn boxed(&self, p: P<'_>, depth: &mut Depth) -> Box<Expr> {
        let (e, d) = self.lower_expr_d(p);
        *depth = (*depth).max(d);
        Box::new(e)
    }

    fn exprs(&self, ps: Vec<P<'_>>, depth: &mut Depth) -> Vec<Expr> {
        ps.into_iter().map(|p| *self.boxed(p, depth)).collect()
    }

    fn lower_prefix(&self, op: P<'_>, (rhs, d): DExpr) -> DExpr {
        let span = self.span(&op).to(rhs.span);
        let unop = if op.as_rule() == Rule::op_not {
            UnOp::Not
        } else {
            UnOp::Neg
        };
        self.node(ExprKind::Unary(unop, Box::new(rhs)), span, d + 1)
    }

    fn lower_infix(&self, (lhs, dl): DExpr, op: P<'_>, (rhs, dr): DExpr) -> DExpr {
        let binop = match op.as_rule() {
            Rule::op_coalesce => BinOp::Coalesce,
            Rule::op_or => BinOp::Or,
            Rule::op_and => BinOp::And,
            Rule::op_eq => BinOp::Eq,
            Rule::op_ne => BinOp::Ne,
            Rule::op_lt => BinOp::Lt,
            Rule::op_le => BinOp::Le,
            Rule::op_gt => BinOp::Gt,
            Rule::op_ge => BinOp::Ge,
            Rule::op_in => BinOp::In,
            Rule::op_not_in => BinOp::NotIn,
            Rule::op_add => BinOp::Add,
            Rule::op_sub => BinOp::Sub,
            Rule::op_mul => BinOp::Mul,
            Rule::op_div => BinOp::Div,
            _ => BinOp::Mod,
        };
        let span = lhs.span.to(rhs.span);
        if is_comparison(binop)
            && let ExprKind::Binary(inner, ..) = &lhs.node
            && is_comparison(*inner)
        {
            self.report(
                Diagnostic::error(
                    E_CHAINED_COMPARISON,
                    "comparisons cannot be chained",
                    self.span(&op),
                    "a second comparison",
                )
                .with_label(lhs.span, "this is already a comparison")
                .with_help("write `a < b and b < c`, or add parentheses"),
            );
        }
        if binop == BinOp::Coalesce {
            self.coalesce_mixed(&op, &lhs, &rhs);
        }
        // `a + b + c`: the left operand is a link of the same chain, which nests
        // no deeper for being longer.
        let chained = matches!(&lhs.node, ExprKind::Binary(inner, ..) if level(*inner) == level(binop));
        let depth = if chained {
            Depth {
                total: dl.total.max(dr.total).saturating_add(1),
                nesting: dl.nesting.max(dr.nesting.saturating_add(1)),
            }
        } else {
            dl.max(dr) + 1
        };
        self.node(ExprKind::Binary(binop, Box::new(lhs), Box::new(rhs)), span, depth)
    }

    /// `??` binds looser than every other operator, so `a ?? b + c` means
    /// `a ?? (b + c)`, rarely what a drafter means: an operand of `??` that is an
    /// unparenthesised arithmetic or comparison is an error showing both readings.
    fn coalesce_mixed(&self, op: &P<'_>, lhs: &Expr, rhs: &Expr) {
        let mixed = |e: &Expr| matches!(&e.node, ExprKind::Binary(o, ..) if *o != BinOp::Coalesce && !matches!(o, BinOp::And | BinOp::Or));
        let input = op.get_input();
        let text = |e: &Expr| input.get(e.span.range()).unwrap_or("").to_string();
        let (inner, help) = if let ExprKind::Binary(o, a, b) = &rhs.node
            && mixed(rhs)
        {
            let (l, a, b) = (text(lhs), text(a), text(b));
            let sym = binop_text(*o);
            (
                rhs,
                format!("write `({l} ?? {a}) {sym} {b}` or `{l} ?? ({a} {sym} {b})`"),
            )
        } else if let ExprKind::Binary(o, a, b) = &lhs.node
            && mixed(lhs)
        {
            let (r, a, b) = (text(rhs), text(a), text(b));
            let sym = binop_text(*o);
            (
                lhs,
                format!("write `{a} {sym} ({b} ?? {r})` or `({a} {sym} {b}) ?? {r}`"),
            )
        } else {
            return;
        };
        self.report(
            Diagnostic::error(
                Code::CoalesceMixed,
                "`??` mixed with another operator needs parentheses",
                inner.span,
                "`??` applies to all of this",
            )
            .with_label(self.span(op), "binds looser than any other operator")
            .with_help(help),
        );
    }

    fn lower_postfix(&self, (lhs, d): DExpr, op: P<'_>) -> DExpr {
        let span = lhs.span.to(self.span(&op));
        match op.as_rule() {
            Rule::field => {
                let name = self.kids(op).first().map(|n| self.ident(n)).unwrap_or_default();
                match lhs.node {
                    ExprKind::Path(mut names) => {
                        names.push(name);
                        self.node(ExprKind::Path(names), span, d)
                    }
                    node => self.node(
                        ExprKind::Field(Box::new(Spanned::new(node, lhs.span)), name),
                        span,
                        d + 1,
                    ),
                }
            }
            Rule::index => {
                let mut depth = d;
                let input = op.get_input();
                let keys = self.exprs(self.kids(op), &mut depth);
                self.grouped_in_list(input, &keys);
                self.node(ExprKind::Index(Box::new(lhs), keys), span, depth + 1)
            }
            Rule::unit_postfix => {
                let unit = unit_of(op.as_str().split_whitespace().next().unwrap_or(""));
                let unit = if op.as_str().starts_with("pay") {
                    Unit::PayPeriods
                } else {
                    unit
                };
                self.node(ExprKind::WithUnit(Box::new(lhs), unit), span, d + 1)
            }
            _ => match lhs.node {
                ExprKind::Path(names) => self.lower_call(names, op, span, d),
                node => {
                    self.report(
                        Diagnostic::error(
                            E_CALL_NOT_NAME,
                            "only a named function can be called",
                            self.span(&op),
                            "these arguments follow an expression that is not a name",
                        )
                        .with_help("call a function or rule by its name: `f(x)`"),
                    );
                    (Spanned::new(node, lhs.span), d)
                }
            },
        }
    }

    /// `f(args)` or `f(e for x in xs if c)`.
    fn lower_call(&self, callee: Vec<Ident>, args: P<'_>, span: Span, d: Depth) -> DExpr {
        let mut depth = d;
        let input = args.get_input();
        let mut kids = self.kids(args);
        if kids.last().is_some_and(|k| k.as_rule() == Rule::comp_tail) {
            let tail = kids.pop();
            let element = kids.pop();
            if let (Some(tail), Some(element)) = (tail, element) {
                let comp = self.lower_comprehension(element, tail, &mut depth);
                return self.node(ExprKind::CallGen(callee, comp), span, depth + 1);
            }
        }
        let args = self.exprs(kids, &mut depth);
        self.grouped_in_list(input, &args);
        self.node(ExprKind::Call(callee, args), span, depth + 1)
    }

    /// In a list of expressions separated by commas (arguments, list and set
    /// elements, table keys), a number written with grouping commas, `2,087`, could
    /// as well be two items, `2, 087`: it is an error unless parenthesised.
    fn grouped_in_list(&self, input: &str, items: &[Expr]) {
        for item in items {
            self.grouped_number(input, item);
        }
    }

    fn grouped_number(&self, input: &str, e: &Expr) {
        match &e.node {
            ExprKind::Lit(_) => {
                let text = input.get(e.span.range()).unwrap_or("");
                if text.starts_with(|c: char| c.is_ascii_digit() || c == '$') && text.contains(',') {
                    let plain: String = text.chars().filter(|c| *c != ',').collect();
                    self.report(
                        Diagnostic::error(
                            Code::GroupedNumberInList,
                            format!("`{text}` between commas could be one number or several"),
                            e.span,
                            "a number with grouping commas",
                        )
                        .with_help(format!("write `{plain}`, or `({text})`")),
                    );
                }
            }
            ExprKind::Field(x, _) | ExprKind::Unary(_, x) | ExprKind::WithUnit(x, _) => self.grouped_number(input, x),
            ExprKind::Index(x, _) => self.grouped_number(input, x),
            ExprKind::Binary(_, a, b) => {
                self.grouped_number(input, a);
                self.grouped_number(input, b);
            }
            ExprKind::If(c, a, b) => {
                self.grouped_number(input, c);
                self.grouped_number(input, a);
                self.grouped_number(input, b);
            }
            ExprKind::Let(_, v, b) => {
                self.grouped_number(input, v);
                self.grouped_number(input, b);
            }
            _ => {}
        }
    }

    fn lower_comprehension(&self, element: P<'_>, tail: P<'_>, depth: &mut Depth) -> Comprehension {
        let element = self.boxed(element, depth);
        let mut kids = self.kids(tail).into_iter();
        let var = kids.next().map(|v| self.ident(&v)).unwrap_or_default();
        let list = kids
            .next()
            .map_or_else(|| Box::new(none_at(element.span)), |l| self.boxed(l, depth));
        let filter = kids.next().map(|f| self.boxed(f, depth));
        Comprehension {
            element,
            var,
            list,
            filter,
        }
    }

    fn lower_primary(&self, p: P<'_>) -> DExpr {
        // `primary` wraps the actual form (it is a named rule for error messages).
        let p = if p.as_rule() == Rule::primary {
            match p.into_inner().next() {
                Some(inner) => inner,
                None => return (none_at(Span::default()), Depth::LEAF),
            }
        } else {
            p
        };
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut depth = Depth::ZERO;
        let kind = match rule {
            Rule::paren => match self.kids(p).into_iter().next() {
                Some(e) => ExprKind::Paren(self.boxed(e, &mut depth)),
                None => return (none_at(span), Depth::LEAF),
            },
            Rule::list_lit => {
                let input = p.get_input();
                let mut kids = self.kids(p);
                if kids.last().is_some_and(|k| k.as_rule() == Rule::comp_tail) && kids.len() == 2 {
                    let tail = kids.pop();
                    let element = kids.pop();
                    match (element, tail) {
                        (Some(e), Some(t)) => ExprKind::ListComp(self.lower_comprehension(e, t, &mut depth)),
                        _ => ExprKind::List(Vec::new()),
                    }
                } else {
                    let items = self.exprs(kids, &mut depth);
                    self.grouped_in_list(input, &items);
                    ExprKind::List(items)
                }
            }
            Rule::set_lit => {
                let input = p.get_input();
                let items = self.exprs(self.kids(p), &mut depth);
                self.grouped_in_list(input, &items);
                ExprKind::List(items)
            }
            Rule::if_expr => {
                let mut parts = self.exprs(self.kids(p), &mut depth).into_iter();
                let mut next = || Box::new(parts.next().unwrap_or_else(|| none_at(span)));
                ExprKind::If(next(), next(), next())
            }
            Rule::let_expr => {
                let mut kids = self.kids(p).into_iter();
                let name = kids.next().map(|n| self.ident(&n)).unwrap_or_default();
                let mut parts = self.exprs(kids.collect(), &mut depth).into_iter();
                let mut next = || Box::new(parts.next().unwrap_or_else(|| none_at(span)));
                ExprKind::Let(name, next(), next())
            }
            Rule::when_expr => ExprKind::Cases(self.lower_cases_d(p, &mut depth)),
            Rule::error_expr => match self.kids(p).into_iter().next() {
                Some(e) => ExprKind::Error(self.boxed(e, &mut depth)),
                None => return (none_at(span), Depth::LEAF),
            },
            Rule::sort_expr => self.lower_sort(p, &mut depth),
            Rule::fold_expr => self.lower_fold(p, span, &mut depth),
            Rule::record_lit => {
                let mut kids = self.kids(p).into_iter();
                let name = kids.next().map(|n| self.ident(&n)).unwrap_or_default();
                let mut fields = Vec::new();
                for f in kids {
                    let mut fk = self.kids(f).into_iter();
                    let field = fk.next().map(|n| self.ident(&n)).unwrap_or_default();
                    let value = fk.next().map_or_else(|| none_at(span), |v| *self.boxed(v, &mut depth));
                    fields.push((field, value));
                }
                ExprKind::Record(name, fields)
            }
            Rule::path_start => {
                let name = self.kids(p).first().map(|n| self.ident(n)).unwrap_or_default();
                return (Spanned::new(ExprKind::Path(vec![name]), span), Depth::LEAF);
            }
            _ => return self.lower_literal(p),
        };
        self.node(kind, span, depth + 1)
    }

    /// `when c => v … otherwise => v` (a rule body or an expression).
    pub(super) fn lower_cases(&self, p: P<'_>) -> Cases {
        let mut depth = Depth::ZERO;
        self.lower_cases_d(p, &mut depth)
    }

    fn lower_cases_d(&self, p: P<'_>, depth: &mut Depth) -> Cases {
        let span = self.span(&p);
        let mut branches = Vec::new();
        let mut otherwise = None;
        for k in self.kids(p) {
            let kspan = self.span(&k);
            match k.as_rule() {
                Rule::when_branch => {
                    let mut parts = self.exprs(self.kids(k), depth).into_iter();
                    let cond = parts.next().unwrap_or_else(|| none_at(kspan));
                    let value = parts.next().unwrap_or_else(|| none_at(kspan));
                    branches.push(Branch {
                        cond,
                        value,
                        span: kspan,
                    });
                }
                Rule::otherwise_branch => {
                    otherwise = self.kids(k).into_iter().next().map(|e| self.boxed(e, depth));
                }
                _ => {}
            }
        }
        Cases {
            branches,
            otherwise,
            span,
        }
    }

    /// `sort(xs)` or `sort(r in xs by k1, k2 desc)`.
    fn lower_sort(&self, p: P<'_>, depth: &mut Depth) -> ExprKind {
        let mut kids = self.kids(p).into_iter();
        let Some(first) = kids.next() else {
            return ExprKind::List(Vec::new());
        };
        let list = self.boxed(first, depth);
        let mut keys = Vec::new();
        for key in kids {
            let mut kk = self.kids(key).into_iter();
            if let Some(e) = kk.next() {
                let desc = kk.any(|d| d.as_rule() == Rule::kw_desc);
                keys.push((*self.boxed(e, depth), desc));
            }
        }
        if keys.is_empty() {
            return ExprKind::Sort { var: None, list, keys };
        }
        match split_in(*list) {
            Ok((var, list)) => ExprKind::Sort {
                var: Some(var),
                list,
                keys,
            },
            Err(list) => {
                self.report(
                    Diagnostic::error(
                        E_SORT_VAR,
                        "`sort … by` needs a name for the element",
                        list.span,
                        "expected `NAME in LIST` here",
                    )
                    .with_help("write `sort(r in rows by r.key)`"),
                );
                ExprKind::Sort {
                    var: None,
                    list: Box::new(list),
                    keys,
                }
            }
        }
    }

    /// `fold(acc = init, x in xs => body)`.
    fn lower_fold(&self, p: P<'_>, span: Span, depth: &mut Depth) -> ExprKind {
        let mut kids = self.kids(p).into_iter();
        let acc = kids.next().map(|n| self.ident(&n)).unwrap_or_default();
        let mut parts = self.exprs(kids.collect(), depth).into_iter();
        let init = Box::new(parts.next().unwrap_or_else(|| none_at(span)));
        let generator = parts.next().unwrap_or_else(|| none_at(span));
        let body = Box::new(parts.next().unwrap_or_else(|| none_at(span)));
        let (var, list) = match split_in(generator) {
            Ok(split) => split,
            Err(list) => {
                self.report(
                    Diagnostic::error(
                        E_FOLD_VAR,
                        "`fold` needs `NAME in LIST`",
                        list.span,
                        "expected `x in xs` here",
                    )
                    .with_help("write `fold(acc = 0, x in xs => acc + x)`"),
                );
                (Spanned::default(), Box::new(list))
            }
        };
        ExprKind::Fold {
            acc,
            init,
            var,
            list,
            body,
        }
    }

    // ------------------------------------------------------------ literals

    pub(super) fn lower_literal(&self, p: P<'_>) -> DExpr {
        let span = self.span(&p);
        let text = p.as_str();
        let lit = match p.as_rule() {
            Rule::datetime_lit => {
                let (d, t) = text.split_once('T').unwrap_or((text, "00:00"));
                Literal::DateTime(self.date_from(d, span), self.time_from(t, span))
            }
            Rule::date_lit => Literal::Date(self.date_from(text, span)),
            Rule::bad_date => {
                let parts: Vec<&str> = text.split('-').collect();
                let fixed = match parts.as_slice() {
                    [y, m, d] => format!("{y}-{m:0>2}-{d:0>2}"),
                    _ => "2025-02-14".to_string(),
                };
                self.report(
                    Diagnostic::error(E_BAD_DATE, format!("malformed date `{text}`"), span, "not YYYY-MM-DD")
                        .with_help(format!("write dates with two-digit months and days: `{fixed}`")),
                );
                Literal::Date(self.date_from(&fixed, span))
            }
            Rule::year_month_lit => {
                let (y, m) = text.split_once('-').unwrap_or((text, "01"));
                let year = y.parse().unwrap_or(0);
                let month = m.parse().unwrap_or(0);
                if !(1..=12).contains(&month) {
                    self.report(
                        Diagnostic::error(E_BAD_DATE, format!("invalid month `{text}`"), span, "no such month")
                            .with_help("months run from 01 to 12"),
                    );
                }
                Literal::YearMonth(year, month)
            }
            Rule::time_lit => Literal::Time(self.time_from(text, span)),
            Rule::money_lit => {
                let number = &text[1..];
                if let Some((_, frac)) = number.split_once('.')
                    && frac.len() > 2
                {
                    // A warning: sub-cent amounts (`round($0.125, $0.01)`) are legitimate input.
                    self.report(
                        Diagnostic::warning(
                            E_MONEY_DECIMALS,
                            format!("money with more than two decimals: `{text}`"),
                            span,
                            "less than a cent",
                        )
                        .with_help("amounts are usually whole cents: `round(x, $0.01)` rounds to cents"),
                    );
                }
                Literal::Quantity(self.decimal_from(number, span), Unit::Money)
            }
            Rule::percent_lit => Literal::Quantity(self.decimal_from(text.trim_end_matches('%'), span), Unit::Percent),
            Rule::quantity => {
                let mut kids = p.into_inner();
                let number = kids.next().map_or("0", |n| n.as_str());
                let unit = kids.next().map_or("", |u| u.as_str());
                let unit = if unit.starts_with("pay") {
                    Unit::PayPeriods
                } else {
                    unit_of(unit.trim())
                };
                Literal::Quantity(self.decimal_from(number, span), unit)
            }
            Rule::number_lit | Rule::int_lit => {
                if text.contains('.') {
                    Literal::Decimal(self.decimal_from(text, span))
                } else {
                    Literal::Int(self.int_from(text, span))
                }
            }
            Rule::string => Literal::String(self.lower_string(p).node),
            Rule::bool_lit => Literal::Bool(text == "true"),
            _ => Literal::None,
        };
        (Spanned::new(ExprKind::Lit(lit), span), Depth::LEAF)
    }

    fn int_from(&self, text: &str, span: Span) -> i64 {
        let digits: String = text.chars().filter(|c| *c != ',').collect();
        digits.parse().unwrap_or_else(|_| {
            self.report(
                Diagnostic::error(
                    E_INT_TOO_LARGE,
                    format!("integer `{text}` is too large"),
                    span,
                    "does not fit in 64 bits",
                )
                .with_help("integers go up to 9,223,372,036,854,775,807"),
            );
            0
        })
    }

    fn decimal_from(&self, text: &str, span: Span) -> Decimal {
        let digits: String = text.chars().filter(|c| *c != ',').collect();
        Decimal::from_str(&digits).unwrap_or_else(|_| {
            self.report(
                Diagnostic::error(
                    E_NUMBER_TOO_LARGE,
                    format!("number `{text}` is too large or too precise"),
                    span,
                    "cannot be represented",
                )
                .with_help("numbers have at most 28 significant digits"),
            );
            Decimal::ZERO
        })
    }

    /// A date token (`date_lit`), validated.
    pub(super) fn lower_date(&self, p: &P<'_>) -> Date {
        self.date_from(p.as_str(), self.span(p))
    }

    fn date_from(&self, text: &str, span: Span) -> Date {
        let mut parts = text.split('-').map(|s| s.parse::<u32>().unwrap_or(0));
        let (y, month, day) = (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        );
        let year = y as i32;
        if chrono::NaiveDate::from_ymd_opt(year, month, day).is_none() {
            let label = match days_in_month(year, month) {
                Some(n) => format!("{} {year} has {n} days", month_name(month)),
                None => "there is no month 00 or beyond 12".to_string(),
            };
            self.report(
                Diagnostic::error(E_BAD_DATE, format!("invalid date `{text}`"), span, label)
                    .with_help("dates are written YYYY-MM-DD"),
            );
        }
        Date { year, month, day }
    }

    fn time_from(&self, text: &str, span: Span) -> u32 {
        let (h, m) = text.split_once(':').unwrap_or((text, "0"));
        let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
        if h > 23 || m > 59 {
            self.report(
                Diagnostic::error(
                    E_BAD_TIME,
                    format!("invalid time `{text}`"),
                    span,
                    "no such time of day",
                )
                .with_help("times run from 00:00 to 23:59"),
            );
        }
        h * 60 + m
    }
}

/// Splits `x in xs` into its name and list; gives the expression back otherwise.
fn split_in(e: Expr) -> Result<(Ident, Box<Expr>), Expr> {
    match e.node {
        ExprKind::Binary(BinOp::In, lhs, rhs) => match lhs.node {
            ExprKind::Path(mut names) if names.len() == 1 => match names.pop() {
                Some(name) => Ok((name, rhs)),
                None => Err(Spanned::new(ExprKind::Lit(Literal::None), e.span)),
            },
            node => Err(Spanned::new(
                ExprKind::Binary(BinOp::In, Box::new(Spanned::new(node, lhs.span)), rhs),
                e.span,
            )),
        },
        node => Err(Spanned::new(node, e.span)),
    }
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    u32::try_from((next - first).num_days()).ok()
}

fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(month.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or("that month")
}
