//! The rules compiled once more for batches: the common shapes of a rule body
//! (facts, constants, comparisons, `when` branches, `??`, workday arithmetic,
//! calls) over unboxed values (dates as day numbers, booleans, enum indexes,
//! whole numbers), memoized per record in a flat table.
//!
//! It answers only when the answer is certain to be the interpreter's: any
//! error, any value it does not model, any expression it does not know
//! ([`crate::eval`] evaluates those, through the case) makes the query fall
//! back to the interpreter, which then gives the answer or the exact message.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::eval::value::Value;
use crate::eval::{Case, MAX_DEPTH, Slot, calendar, dates};
use crate::ir::{Expr, ExprKind, FactId, Op, Program, RuleId};

/// An unboxed value.
#[derive(Debug, Clone, PartialEq)]
enum Fv {
    None,
    Bool(bool),
    Date(i32),
    Enum(u32),
    /// A whole number (a decimal with no fraction digits).
    Int(i64),
    Str(Arc<str>),
}

impl Fv {
    fn from_value(v: &Value) -> Option<Fv> {
        Some(match v {
            Value::None => Fv::None,
            Value::Bool(b) => Fv::Bool(*b),
            Value::Date(d) => Fv::Date(*d),
            Value::Enum(e) => Fv::Enum(*e),
            Value::Num(n) if n.scale() == 0 => Fv::Int(i64::try_from(n.mantissa()).ok()?),
            Value::Str(s) => Fv::Str(s.clone()),
            _ => return None,
        })
    }

    fn into_value(self) -> Value {
        match self {
            Fv::None => Value::None,
            Fv::Bool(b) => Value::Bool(b),
            Fv::Date(d) => Value::Date(d),
            Fv::Enum(e) => Value::Enum(e),
            Fv::Int(i) => Value::Num(Decimal::from(i)),
            Fv::Str(s) => Value::Str(s),
        }
    }

    /// Equal to an interpreter value, as `==` compares them.
    fn eq_value(&self, v: &Value) -> bool {
        Fv::from_value(v).is_some_and(|x| x == *self)
    }

    /// The order of [`Value::cmp_same`].
    fn cmp(&self, other: &Fv) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        match (self, other) {
            (Fv::Bool(a), Fv::Bool(b)) => a.cmp(b),
            (Fv::Date(a), Fv::Date(b)) => a.cmp(b),
            (Fv::Enum(a), Fv::Enum(b)) => a.cmp(b),
            (Fv::Int(a), Fv::Int(b)) => a.cmp(b),
            (Fv::Str(a), Fv::Str(b)) => a.cmp(b),
            (Fv::None, Fv::None) => Equal,
            (Fv::None, _) => Less,
            (_, Fv::None) => Greater,
            _ => Equal,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug)]
enum Node {
    Const(Fv),
    Fact(FactId),
    Rule(RuleId),
    Local(u32),
    /// A function: compiled, or run by the interpreter with the arguments boxed.
    Call(RuleId, Box<[Node]>),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Coalesce(Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Cases(Box<[(Node, Node)]>, Box<Node>),
    Let(u32, Box<Node>, Box<Node>),
    Cmp(Cmp, Box<Node>, Box<Node>),
    /// `x in [constants]` (negated for `not in`).
    InList(Box<Node>, Box<[Fv]>, bool),
    /// `x in rule` where the rule's list is the interpreter's.
    InRule(Box<Node>, RuleId, bool),
    AddWorkdays(i64, Box<Node>, Box<Node>, crate::syntax::span::Span),
    AddDays(i64, Box<Node>, Box<Node>),
    /// An expression without locals, evaluated by the interpreter.
    Slow(Expr),
    /// Always falls back (`error(…)`: the interpreter words the message).
    Bail,
}

/// The rules and functions of a program, compiled where they can be.
#[derive(Debug)]
pub struct Compiled {
    /// `None`: the rule is evaluated by the interpreter.
    bodies: Vec<Option<Node>>,
    locals: Vec<u32>,
    is_fn: Vec<bool>,
    first_day: i32,
    last_day: i32,
}

impl Compiled {
    pub fn new(prog: &Program) -> Compiled {
        let is_fn: Vec<bool> = prog.rules.iter().map(|r| r.params.is_some()).collect();
        let bodies = prog.rules.iter().map(|r| compile(&r.body, &is_fn, true)).collect();
        Compiled {
            bodies,
            locals: prog.rules.iter().map(|r| r.locals).collect(),
            is_fn,
            first_day: dates::from_ymd(1, 1, 1).unwrap_or(i32::MIN),
            last_day: dates::from_ymd(9999, 12, 31).unwrap_or(i32::MAX),
        }
    }

    /// How many rules and functions run compiled.
    pub fn count(&self) -> usize {
        self.bodies.iter().filter(|b| b.is_some()).count()
    }
}

/// The whole of `e` compiled, or `None`. `top`: a body may fall back as a
/// whole (`Slow`) only when it is not the body itself (a body that is all
/// interpreter is better left to the interpreter).
fn compile(e: &Expr, is_fn: &[bool], top: bool) -> Option<Node> {
    let c = |x: &Expr| compile(x, is_fn, false).map(Box::new);
    let node = match &e.kind {
        ExprKind::Const(v) => Fv::from_value(v).map(Node::Const),
        ExprKind::Fact(f) => Some(Node::Fact(*f)),
        ExprKind::Rule(r) => Some(Node::Rule(*r)),
        ExprKind::Local(i) => Some(Node::Local(*i)),
        ExprKind::Call(f, args) => {
            let args: Option<Vec<Node>> = args.iter().map(|a| compile(a, is_fn, false)).collect();
            args.map(|a| Node::Call(*f, a.into()))
        }
        ExprKind::Not(x) => c(x).map(Node::Not),
        ExprKind::And(a, b) => Some(Node::And(c(a)?, c(b)?)),
        ExprKind::Or(a, b) => Some(Node::Or(c(a)?, c(b)?)),
        ExprKind::Coalesce(a, b) => Some(Node::Coalesce(c(a)?, c(b)?)),
        ExprKind::If(a, b, x) => Some(Node::If(c(a)?, c(b)?, c(x)?)),
        ExprKind::Cases(branches, otherwise) => {
            let bs: Option<Vec<(Node, Node)>> = branches
                .iter()
                .map(|(k, v)| Some((compile(k, is_fn, false)?, compile(v, is_fn, false)?)))
                .collect();
            Some(Node::Cases(bs?.into(), c(otherwise)?))
        }
        ExprKind::Let(slot, v, body) => Some(Node::Let(*slot, c(v)?, c(body)?)),
        ExprKind::Error(_) => Some(Node::Bail),
        ExprKind::Bin(op, a, b) => binary(*op, a, b, e, is_fn),
        _ => None,
    };
    match node {
        Some(n) => Some(n),
        None if !top && !uses_locals(e) => Some(Node::Slow(e.clone())),
        None => None,
    }
}

fn binary(op: Op, a: &Expr, b: &Expr, e: &Expr, is_fn: &[bool]) -> Option<Node> {
    let c = |x: &Expr| compile(x, is_fn, false).map(Box::new);
    let cmp = |k| Some(Node::Cmp(k, c(a)?, c(b)?));
    match op {
        Op::Eq => cmp(Cmp::Eq),
        Op::Ne => cmp(Cmp::Ne),
        Op::Lt => cmp(Cmp::Lt),
        Op::Le => cmp(Cmp::Le),
        Op::Gt => cmp(Cmp::Gt),
        Op::Ge => cmp(Cmp::Ge),
        Op::In | Op::NotIn => {
            let negate = op == Op::NotIn;
            let constants: Option<Vec<Fv>> = match &b.kind {
                ExprKind::List(xs) => xs
                    .iter()
                    .map(|x| match &x.kind {
                        ExprKind::Const(v) => Fv::from_value(v),
                        _ => None,
                    })
                    .collect(),
                ExprKind::Const(Value::List(xs)) => xs.iter().map(Fv::from_value).collect(),
                _ => None,
            };
            match (constants, &b.kind) {
                (Some(list), _) => Some(Node::InList(c(a)?, list.into(), negate)),
                (None, ExprKind::Rule(r)) if !is_fn.get(*r as usize).copied().unwrap_or(true) => {
                    Some(Node::InRule(c(a)?, *r, negate))
                }
                _ => None,
            }
        }
        Op::DateAddWorkdays(k) => Some(Node::AddWorkdays(k, c(a)?, c(b)?, e.span)),
        Op::DateAddDays(k) => Some(Node::AddDays(k, c(a)?, c(b)?)),
        _ => None,
    }
}

/// Whether the expression reads or binds local slots (the interpreter could
/// not evaluate it alone).
fn uses_locals(e: &Expr) -> bool {
    let here = matches!(
        e.kind,
        ExprKind::Local(_) | ExprKind::Let(..) | ExprKind::Comp { .. } | ExprKind::Sort { .. } | ExprKind::Fold { .. }
    );
    let mut children = false;
    e.for_each_child(|x| children = children || uses_locals(x));
    here || children
}

/// The interpreter must answer (see the module documentation).
#[derive(Debug)]
struct Bail;

type R<T> = std::result::Result<T, Bail>;

#[derive(Debug, Clone)]
enum Memo {
    Unset,
    Done(Fv),
    Bailed,
}

/// Per-worker state: the memo of one record, the locals.
#[derive(Debug, Default)]
pub struct Runner {
    memo: Vec<Memo>,
    touched: Vec<RuleId>,
    stack: Vec<Fv>,
    depth: u32,
}

impl Runner {
    /// Forgets the last record's answers.
    pub fn reset(&mut self) {
        for r in self.touched.drain(..) {
            self.memo[r as usize] = Memo::Unset;
        }
        self.stack.clear();
        self.depth = 0;
    }

    /// The answer of query `rule`: compiled when it can be, else the interpreter's.
    pub fn answer(&mut self, c: &Compiled, case: &mut Case, rule: RuleId) -> crate::eval::Result<Value> {
        if self.memo.len() != c.bodies.len() {
            self.memo = vec![Memo::Unset; c.bodies.len()];
        }
        if c.bodies[rule as usize].is_some()
            && let Ok(v) = self.rule(c, case, rule)
        {
            return Ok(v.into_value());
        }
        case.rule(rule)
    }

    fn rule(&mut self, c: &Compiled, case: &mut Case, r: RuleId) -> R<Fv> {
        match &self.memo[r as usize] {
            Memo::Done(v) => return Ok(v.clone()),
            Memo::Bailed => return Err(Bail),
            Memo::Unset => {}
        }
        let res = match &c.bodies[r as usize] {
            Some(body) => self.body(c, case, body, c.locals[r as usize] as usize, Vec::new()),
            None => {
                let v = case.nested_by(self.depth, |case| case.rule(r));
                v.ok().as_ref().and_then(Fv::from_value).ok_or(Bail)
            }
        };
        self.memo[r as usize] = match &res {
            Ok(v) => Memo::Done(v.clone()),
            Err(_) => Memo::Bailed,
        };
        self.touched.push(r);
        res
    }

    fn body(&mut self, c: &Compiled, case: &mut Case, body: &Node, locals: usize, args: Vec<Fv>) -> R<Fv> {
        if self.depth >= MAX_DEPTH {
            return Err(Bail);
        }
        self.depth += 1;
        let frame = self.stack.len();
        let n = args.len();
        self.stack.extend(args);
        self.stack.resize(frame + locals.max(n), Fv::None);
        let res = self.eval(c, case, body, frame);
        self.stack.truncate(frame);
        self.depth -= 1;
        res
    }

    fn bool(&mut self, c: &Compiled, case: &mut Case, n: &Node, frame: usize) -> R<bool> {
        match self.eval(c, case, n, frame)? {
            Fv::Bool(b) => Ok(b),
            _ => Err(Bail),
        }
    }

    fn eval(&mut self, c: &Compiled, case: &mut Case, n: &Node, frame: usize) -> R<Fv> {
        Ok(match n {
            Node::Const(v) => v.clone(),
            Node::Fact(f) => match &case.facts[*f as usize] {
                Slot::Value(v) => Fv::from_value(v).ok_or(Bail)?,
                _ => return Err(Bail),
            },
            Node::Rule(r) if c.is_fn.get(*r as usize).copied().unwrap_or(true) => return Err(Bail),
            Node::Rule(r) => self.rule(c, case, *r)?,
            Node::Local(i) => self.stack.get(frame + *i as usize).cloned().ok_or(Bail)?,
            Node::Call(f, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args.iter() {
                    vals.push(self.eval(c, case, a, frame)?);
                }
                match c.bodies.get(*f as usize) {
                    Some(Some(body)) => {
                        let locals = c.locals[*f as usize] as usize;
                        self.body(c, case, body, locals, vals)?
                    }
                    _ => {
                        let vals = vals.into_iter().map(Fv::into_value).collect();
                        let v = case.nested_by(self.depth, |case| case.call(*f, vals));
                        v.ok().as_ref().and_then(Fv::from_value).ok_or(Bail)?
                    }
                }
            }
            Node::Not(x) => Fv::Bool(!self.bool(c, case, x, frame)?),
            Node::And(a, b) => Fv::Bool(self.bool(c, case, a, frame)? && self.bool(c, case, b, frame)?),
            Node::Or(a, b) => Fv::Bool(self.bool(c, case, a, frame)? || self.bool(c, case, b, frame)?),
            Node::Coalesce(a, b) => match self.eval(c, case, a, frame)? {
                Fv::None => self.eval(c, case, b, frame)?,
                v => v,
            },
            Node::If(k, a, b) => {
                if self.bool(c, case, k, frame)? {
                    self.eval(c, case, a, frame)?
                } else {
                    self.eval(c, case, b, frame)?
                }
            }
            Node::Cases(branches, otherwise) => {
                for (k, v) in branches.iter() {
                    if self.bool(c, case, k, frame)? {
                        return self.eval(c, case, v, frame);
                    }
                }
                self.eval(c, case, otherwise, frame)?
            }
            Node::Let(slot, v, body) => {
                let v = self.eval(c, case, v, frame)?;
                *self.stack.get_mut(frame + *slot as usize).ok_or(Bail)? = v;
                self.eval(c, case, body, frame)?
            }
            Node::Cmp(k, a, b) => {
                let (a, b) = (self.eval(c, case, a, frame)?, self.eval(c, case, b, frame)?);
                use std::cmp::Ordering::*;
                Fv::Bool(match k {
                    Cmp::Eq => a == b,
                    Cmp::Ne => a != b,
                    Cmp::Lt => a.cmp(&b) == Less,
                    Cmp::Le => a.cmp(&b) != Greater,
                    Cmp::Gt => a.cmp(&b) == Greater,
                    Cmp::Ge => a.cmp(&b) != Less,
                })
            }
            Node::InList(x, list, negate) => {
                let x = self.eval(c, case, x, frame)?;
                Fv::Bool(list.contains(&x) != *negate)
            }
            Node::InRule(x, r, negate) => {
                let x = self.eval(c, case, x, frame)?;
                match case.nested_by(self.depth, |case| case.rule(*r)) {
                    Ok(Value::List(xs)) => Fv::Bool(xs.iter().any(|v| x.eq_value(v)) != *negate),
                    Ok(Value::None) => Fv::Bool(*negate),
                    _ => return Err(Bail),
                }
            }
            Node::AddWorkdays(k, d, n, span) => match (self.eval(c, case, d, frame)?, self.eval(c, case, n, frame)?) {
                (Fv::Date(d), Fv::Int(n)) => {
                    Fv::Date(calendar::add_workdays(case, d, n.saturating_mul(*k), *span).map_err(|_| Bail)?)
                }
                _ => return Err(Bail),
            },
            Node::AddDays(k, d, n) => match (self.eval(c, case, d, frame)?, self.eval(c, case, n, frame)?) {
                (Fv::Date(d), Fv::Int(n)) => {
                    let day = (d as i64).saturating_add(n.saturating_mul(*k));
                    match i32::try_from(day) {
                        Ok(day) if (c.first_day..=c.last_day).contains(&day) => Fv::Date(day),
                        _ => return Err(Bail),
                    }
                }
                _ => return Err(Bail),
            },
            Node::Slow(e) => {
                let v = case.nested_by(self.depth, |case| case.eval_top(e, 0));
                v.ok().as_ref().and_then(Fv::from_value).ok_or(Bail)?
            }
            Node::Bail => return Err(Bail),
        })
    }
}
