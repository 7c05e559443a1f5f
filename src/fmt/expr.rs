//! Printing expressions, literals, types and citations.

use rust_decimal::Decimal;

use super::Fmt;
use super::doc::{Doc, align, concat, flat_width, group, join, nest, text};
use crate::syntax::ast::*;

/// `open`, the items (already separated), `close`: on one line, or one item a
/// line indented. `head`: comments after `open` on its line.
fn bracketed(open: &str, (head, items): (Doc, Option<Doc>), close: &str, spaced: bool, tail: Doc) -> Doc {
    let empty = |d: &Doc| matches!(d, Doc::Concat(v) if v.is_empty());
    if items.is_none() && empty(&head) && empty(&tail) {
        return text(format!("{open}{close}"));
    }
    let line = if spaced { Doc::Line } else { Doc::SoftLine };
    group(concat(vec![
        text(open),
        head,
        nest(
            2,
            concat(vec![line.clone(), items.unwrap_or_else(|| concat(vec![])), tail]),
        ),
        line,
        text(close),
    ]))
}

pub(super) fn binop_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "mod",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::And => "and",
        BinOp::Or => "or",
        BinOp::In => "in",
        BinOp::NotIn => "not in",
        BinOp::Coalesce => "??",
    }
}

/// Operators of one precedence level print as one chain.
fn level(op: BinOp) -> u8 {
    use BinOp::*;
    match op {
        Coalesce => 0,
        Or => 1,
        And => 2,
        Eq | Ne | Lt | Le | Gt | Ge | In | NotIn => 3,
        Add | Sub => 4,
        Mul | Div | Mod => 5,
    }
}

/// The canonical word for a unit after an expression or a number.
pub(super) fn unit_word(unit: Unit, one: bool) -> &'static str {
    let (singular, plural) = match unit {
        Unit::Money => ("dollar", "dollars"),
        Unit::Percent => ("percent", "percent"),
        Unit::Hours => ("h", "h"),
        Unit::Minutes => ("minute", "minutes"),
        Unit::Days => ("day", "days"),
        Unit::Workdays => ("workday", "workdays"),
        Unit::Weeks => ("week", "weeks"),
        Unit::Months => ("month", "months"),
        Unit::Years => ("year", "years"),
        Unit::PayPeriods => ("pay period", "pay periods"),
    };
    if one { singular } else { plural }
}

/// `1234567.5` → `1,234,567.5`.
fn grouped(d: Decimal) -> String {
    let s = d.to_string();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", int),
    };
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A string as cba writes it: in quotes, with `\"`, `\\` and `\n` escaped.
pub fn string_lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn date_text(d: &Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// A literal in its canonical spelling.
pub fn literal_text(lit: &Literal) -> String {
    match lit {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) if *i >= 10_000 => grouped(Decimal::from(*i)),
        Literal::Int(i) => i.to_string(),
        Literal::Decimal(d) if *d >= Decimal::from(10_000) => grouped(*d),
        Literal::Decimal(d) => d.to_string(),
        Literal::Quantity(d, Unit::Money) => format!("${}", grouped(*d)),
        Literal::Quantity(d, Unit::Percent) => format!("{d}%"),
        Literal::Quantity(d, unit) => {
            let n = if *d >= Decimal::from(1_000) {
                grouped(*d)
            } else {
                d.to_string()
            };
            format!("{n} {}", unit_word(*unit, *d == Decimal::ONE))
        }
        Literal::Date(d) => date_text(d),
        Literal::YearMonth(y, m) => format!("{y:04}-{m:02}"),
        Literal::Time(t) => format!("{:02}:{:02}", t / 60, t % 60),
        Literal::DateTime(d, t) => format!("{}T{:02}:{:02}", date_text(d), t / 60, t % 60),
        Literal::String(s) => string_lit(s),
        Literal::None => "none".to_string(),
    }
}

/// Collapses runs of spaces and tabs to one space.
fn collapse(s: &str) -> String {
    s.split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn type_text(t: &TypeExpr) -> String {
    match &t.node {
        TypeExprKind::Named(n) => n.clone(),
        TypeExprKind::List(inner) => format!("list of {}", type_text(inner)),
        TypeExprKind::Optional(inner) => match inner.node {
            TypeExprKind::Named(_) => format!("{}?", type_text(inner)),
            _ => format!("({})?", type_text(inner)),
        },
    }
}

pub(super) fn citation_text(c: &Citation) -> String {
    let mut out = String::new();
    let section = |out: &mut String| {
        if let Some(s) = &c.section {
            out.push('§');
            out.push_str(s);
            if let Some(sub) = &c.sub {
                out.push_str(" sub ");
                out.push_str(sub);
            }
        }
    };
    if let Some(a) = &c.article {
        out.push_str(&format!("Art. {}", a.node));
        if c.section.is_some() {
            out.push(' ');
            section(&mut out);
        } else if c.sidebar {
            out.push_str(" Sidebar");
        }
    } else if c.section.is_some() {
        section(&mut out);
    } else if c.sidebar {
        out.push_str("Sidebar");
    } else if let Some(s) = &c.source {
        out.push_str("source ");
        out.push_str(&string_lit(s));
    }
    if let Some(q) = &c.quote {
        out.push(' ');
        out.push_str(&string_lit(q));
    }
    out
}

pub(super) fn path_text(p: &[Ident]) -> String {
    p.iter().map(|i| i.node.as_str()).collect::<Vec<_>>().join(".")
}

impl Fmt<'_> {
    /// A literal as the source spells it (number grouping, unit word), normalised
    /// in its spacing; canonical without source.
    pub(super) fn literal(&self, lit: &Literal, span: crate::syntax::span::Span) -> String {
        let canonical = literal_text(lit);
        let keep = matches!(lit, Literal::Int(_) | Literal::Decimal(_) | Literal::Quantity(..));
        // A comment inside the literal (`1400 // c⏎ h`) is printed after it;
        // the spelling is the rest's.
        let Some(src) = self.slice(span).filter(|_| keep).map(|s| {
            s.lines()
                .map(|l| l.split("//").next().unwrap_or(l).trim())
                .collect::<Vec<_>>()
                .join(" ")
        }) else {
            return canonical;
        };
        let src = src.as_str();
        match lit {
            Literal::Quantity(_, Unit::Money | Unit::Percent) if src.starts_with('$') || src.ends_with('%') => {
                src.to_string()
            }
            Literal::Quantity(..) => {
                let split = src
                    .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
                    .unwrap_or(src.len());
                let (number, unit) = src.split_at(split);
                let unit = collapse(unit.trim());
                if number.is_empty() || unit.is_empty() {
                    canonical
                } else {
                    format!("{number} {unit}")
                }
            }
            _ => src.to_string(),
        }
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Doc {
        let lead = self.leading(e.span.start);
        let body = self.expr_body(e);
        concat(vec![lead, body])
    }

    /// Items separated by `, ` (or a comma and a line break): a comment after an
    /// item's comma stays there. Returns the comments before the first item (for
    /// the line of the opening bracket) and the items (`None` when there are none).
    fn seq<T>(
        &mut self,
        items: &[T],
        start: impl Fn(&T) -> u32,
        mut f: impl FnMut(&mut Self, &T) -> Doc,
    ) -> (Doc, Option<Doc>) {
        let Some(first) = items.first() else {
            return (concat(vec![]), None);
        };
        let head = self.trailing(start(first));
        let mut parts = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                parts.push(text(","));
                parts.push(self.trailing(start(it)));
                parts.push(Doc::Line);
            }
            parts.push(f(self, it));
        }
        (head, Some(concat(parts)))
    }

    fn exprs(&mut self, es: &[Expr]) -> (Doc, Option<Doc>) {
        self.seq(es, |e| e.span.start, |f, e| f.expr(e))
    }

    /// The comments left before the end of `e` (before its closing bracket).
    fn before_close(&mut self, e: &Expr) -> Doc {
        let end = e.span.end.saturating_sub(1);
        let t = self.trailing(end);
        let l = self.leading(end);
        concat(vec![t, l])
    }

    fn expr_body(&mut self, e: &Expr) -> Doc {
        match &e.node {
            ExprKind::Lit(l) => text(self.literal(l, e.span)),
            ExprKind::Path(p) => text(path_text(p)),
            ExprKind::Field(x, name) => concat(vec![self.expr(x), text(format!(".{}", name.node))]),
            ExprKind::Call(f, args) => {
                let args = self.exprs(args);
                let tail = self.before_close(e);
                bracketed(&format!("{}(", path_text(f)), args, ")", false, tail)
            }
            ExprKind::CallGen(f, c) => {
                let inner = self.comprehension(c);
                let tail = self.before_close(e);
                concat(vec![
                    text(format!("{}(", path_text(f))),
                    group(align(concat(vec![inner, tail]))),
                    text(")"),
                ])
            }
            ExprKind::ListComp(c) => {
                let inner = self.comprehension(c);
                let tail = self.before_close(e);
                concat(vec![text("["), group(align(concat(vec![inner, tail]))), text("]")])
            }
            ExprKind::List(items) => {
                let set = self.slice(e.span).is_some_and(|s| s.starts_with('{'));
                let items = self.exprs(items);
                let tail = self.before_close(e);
                if set {
                    bracketed("{", items, "}", false, tail)
                } else {
                    bracketed("[", items, "]", false, tail)
                }
            }
            ExprKind::Sort { var, list, keys } => {
                let mut parts = vec![text("sort(")];
                if let Some(v) = var {
                    parts.push(text(format!("{} in ", v.node)));
                }
                parts.push(self.expr(list));
                if !keys.is_empty() {
                    let keys = keys
                        .iter()
                        .map(|(k, desc)| {
                            let k = self.expr(k);
                            if *desc { concat(vec![k, text(" desc")]) } else { k }
                        })
                        .collect();
                    parts.push(text(" by "));
                    parts.push(join(keys, &text(", ")));
                }
                parts.push(self.before_close(e));
                parts.push(text(")"));
                group(concat(parts))
            }
            ExprKind::Fold {
                acc,
                init,
                var,
                list,
                body,
            } => {
                let init = self.expr(init);
                let list = self.expr(list);
                let after_arrow = self.trailing(body.span.start);
                let body = self.expr(body);
                let tail = self.before_close(e);
                group(concat(vec![
                    text(format!("fold({} = ", acc.node)),
                    init,
                    text(format!(", {} in ", var.node)),
                    list,
                    text(" =>"),
                    after_arrow,
                    nest(2, concat(vec![Doc::Line, body, tail])),
                    text(")"),
                ]))
            }
            ExprKind::Index(base, keys) => {
                let base = self.expr(base);
                let keys = self.exprs(keys);
                let tail = self.before_close(e);
                concat(vec![base, bracketed("[", keys, "]", false, tail)])
            }
            ExprKind::Unary(UnOp::Neg, x) => concat(vec![text("-"), self.expr(x)]),
            ExprKind::Unary(UnOp::Not, x) => concat(vec![text("not "), self.expr(x)]),
            ExprKind::Binary(op, ..) => self.chain(e, level(*op)),
            ExprKind::WithUnit(x, unit) => {
                let word = self
                    .slice(e.span)
                    .and_then(|s| s.get((x.span.end.saturating_sub(e.span.start)) as usize..))
                    .map(|w| collapse(w.trim()))
                    .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == ' '))
                    .unwrap_or_else(|| match unit {
                        Unit::Hours => "hours".to_string(),
                        u => unit_word(*u, false).to_string(),
                    });
                concat(vec![self.expr(x), text(format!(" {word}"))])
            }
            ExprKind::If(..) => {
                // `if … then … else if … then … else …` lines up as one chain.
                let mut parts = Vec::new();
                let mut node = e;
                while let ExprKind::If(c, a, b) = &node.node {
                    if !parts.is_empty() {
                        parts.push(Doc::Line);
                        parts.push(text("else "));
                    }
                    parts.push(text("if "));
                    parts.push(self.expr(c));
                    parts.push(text(" then "));
                    parts.push(self.expr(a));
                    node = b;
                    parts.push(self.trailing(node.span.start));
                    if !matches!(node.node, ExprKind::If(..)) || !self.leading_is_empty(node.span.start) {
                        break;
                    }
                }
                parts.push(Doc::Line);
                parts.push(text("else "));
                parts.push(self.expr(node));
                group(align(concat(parts)))
            }
            ExprKind::Let(name, v, body) => {
                let v = self.expr(v);
                let after_in = self.trailing(body.span.start);
                let body = self.expr(body);
                align(concat(vec![
                    text(format!("let {} = ", name.node)),
                    v,
                    text(" in"),
                    after_in,
                    Doc::HardLine,
                    body,
                ]))
            }
            ExprKind::Cases(c) => {
                let branches = self.branches(&c.branches, c.otherwise.as_deref());
                group(align(branches))
            }
            ExprKind::Record(name, fields) => {
                let fields = self.seq(
                    fields,
                    |(f, _)| f.span.start,
                    |me, (f, v)| concat(vec![text(format!("{}: ", f.node)), me.expr(v)]),
                );
                let tail = self.before_close(e);
                bracketed(&format!("{} {{", name.node), fields, "}", true, tail)
            }
            ExprKind::Error(x) => {
                // Like a call of one argument: a comment after `error(` stays at the end of that line.
                let arg = self.exprs(std::slice::from_ref(&**x));
                let tail = self.before_close(e);
                bracketed("error(", arg, ")", false, tail)
            }
            ExprKind::Paren(x) => {
                let x = self.expr(x);
                let tail = self.before_close(e);
                concat(vec![text("("), align(concat(vec![x, tail])), text(")")])
            }
        }
    }

    /// `a + b - c`: the operands of one precedence level, broken before the
    /// operators and lined up under the first.
    fn chain(&mut self, e: &Expr, lvl: u8) -> Doc {
        let mut operands = Vec::new();
        let mut node = e;
        while let ExprKind::Binary(op, lhs, rhs) = &node.node
            && level(*op) == lvl
        {
            operands.push((*op, rhs.as_ref()));
            node = lhs;
        }
        let first = self.expr(node);
        let mut parts = vec![first];
        for (op, rhs) in operands.into_iter().rev() {
            parts.push(self.trailing(rhs.span.start));
            parts.push(Doc::Line);
            parts.push(text(format!("{} ", binop_text(op))));
            parts.push(self.expr(rhs));
        }
        group(align(concat(parts)))
    }

    fn comprehension(&mut self, c: &Comprehension) -> Doc {
        let element = self.expr(&c.element);
        let before_for = self.trailing(c.list.span.start);
        let list = self.expr(&c.list);
        let mut parts = vec![
            element,
            before_for,
            Doc::Line,
            text(format!("for {} in ", c.var.node)),
            list,
        ];
        if let Some(f) = &c.filter {
            parts.push(self.trailing(f.span.start));
            parts.push(Doc::Line);
            parts.push(text("if "));
            parts.push(self.expr(f));
        }
        concat(parts)
    }

    /// `when c => v … otherwise => v`, one branch a line; the arrows line up when
    /// every branch fits on its line that way.
    pub(super) fn branches(&mut self, branches: &[Branch], otherwise: Option<&Expr>) -> Doc {
        let mut built: Vec<(Doc, Doc)> = Vec::new();
        let mut leads: Vec<(Doc, Doc)> = Vec::new();
        for b in branches {
            leads.push((self.trailing(b.span.start), self.leading(b.span.start)));
            let cond = concat(vec![
                text("when "),
                self.expr(&b.cond),
                self.trailing(b.value.span.start),
            ]);
            let value = self.expr(&b.value);
            built.push((cond, value));
        }
        if let Some(o) = otherwise {
            // Comments before the word stay before it; those after it, after it.
            let word = self.word_before(o.span.start, "otherwise");
            leads.push((self.trailing(word), self.leading(word)));
            let after = self.trailing(o.span.start);
            let value = self.expr(o);
            built.push((concat(vec![text("otherwise"), after]), value));
        }
        let widths: Option<Vec<(usize, usize)>> = built
            .iter()
            .map(|(c, v)| Some((flat_width(c)?, flat_width(v)?)))
            .collect();
        let aligned = widths.and_then(|ws| {
            let pad = ws.iter().map(|w| w.0).max()?;
            let longest = ws.iter().map(|w| w.1).max()?;
            (pad + 4 + longest + 4 <= super::WIDTH).then_some(pad)
        });
        let mut lines = Vec::new();
        for (i, ((cond, value), (trail, lead))) in built.into_iter().zip(leads).enumerate() {
            lines.push(trail);
            if i > 0 {
                lines.push(Doc::HardLine);
            }
            lines.push(lead);
            match aligned {
                Some(pad) => {
                    let w = flat_width(&cond).unwrap_or(pad);
                    lines.push(cond);
                    lines.push(text(format!("{} => ", " ".repeat(pad - w))));
                    lines.push(value);
                }
                None => lines.push(group(concat(vec![
                    align(cond),
                    nest(2, concat(vec![Doc::Line, text("=> "), align(value)])),
                ]))),
            }
        }
        concat(lines)
    }
}
