//! Lowering: checked IR → [`Code`], in the representation each place needs.
//!
//! [`Lower::code`] handles what every representation shares (constants, facts,
//! rules, locals, `if`, `when`, `let`, `??`, `error`) and asks the
//! representation for the rest ([`Rep::native`]); what no narrower
//! representation computes is lowered by [`Lower::value`] and converted.

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::sync::Arc;

use super::read::{FactAt, Operand, as_written, fact, read_rule, required_fact};
use super::reps::{Bool, Day, Kind, Num, Rep, Truth, Val, Variant, Word};
use super::{Body, Code, Value};
use crate::eval::slots::WordKind;
use crate::eval::{Case, ErrorKind, EvalError, Result, RuntimeError, builtins, lookup, to_i64};
use crate::ir::{BranchId, Builtin, CasesId, Expr, ExprKind, FactId, Op, Program, RuleId};
use crate::syntax::span::Span;

pub(crate) struct Lower<'a> {
    pub prog: &'a Program,
    /// How a case holds each fact.
    facts: &'a [Option<WordKind>],
    /// The kind of each local slot where it is being lowered: a function's
    /// parameters by their declared types, a `let` by its value's kind.
    locals: RefCell<Vec<Kind>>,
    /// How many rule bodies are being inlined into one another here.
    inlining: Cell<u32>,
}

/// The most nodes a rule body may have to be inlined where it is read.
const INLINE_NODES: u32 = 12;
/// The most rule bodies inlined one into another.
const INLINE_DEPTH: u32 = 3;

/// `code`'s values as [`Value`]s.
fn wrap<R: Rep>(code: Code<R::T>) -> Code<Value> {
    Box::new(move |c, frame| code(c, frame).map(R::wrap))
}

/// `code`'s values in representation `R`.
fn convert<R: Rep>(code: Code<Value>, span: Span) -> Code<R::T> {
    Box::new(move |c, frame| R::from_value(code(c, frame)?, span))
}

impl<'a> Lower<'a> {
    pub fn new(prog: &'a Program) -> Lower<'a> {
        Lower {
            prog,
            facts: super::Rules::of(prog).facts(),
            locals: RefCell::new(Vec::new()),
            inlining: Cell::new(0),
        }
    }

    /// Lowers with local `slot` of kind `kind` (as the checker proved it), then
    /// puts back what the slot was before.
    fn with_local<T>(&self, slot: u32, kind: Kind, f: impl FnOnce() -> T) -> T {
        let slot = slot as usize;
        let before = {
            let mut locals = self.locals.borrow_mut();
            if locals.len() <= slot {
                locals.resize(slot + 1, Kind::Value);
            }
            std::mem::replace(&mut locals[slot], kind)
        };
        let out = f();
        self.locals.borrow_mut()[slot] = before;
        out
    }

    /// The body of rule or function `id`, computed in the representation of its
    /// declared type (a [`Value`] only where it is memoized or returned).
    pub fn rule(&self, id: RuleId) -> Body {
        let r = &self.prog.rules[id];
        *self.locals.borrow_mut() = r.params.iter().flatten().map(|(_, t)| Kind::of_type(t)).collect();
        match Kind::of_type(&r.ty) {
            Kind::Bool => Body::Bool(self.code::<Bool>(&r.body)),
            Kind::Num => Body::Num(self.code::<Num>(&r.body)),
            Kind::Day => Body::Day(self.code::<Day>(&r.body)),
            Kind::Variant => Body::Variant(self.code::<Variant>(&r.body)),
            _ => Body::Value(self.code::<Val>(&r.body)),
        }
    }

    /// What the checker proved about `e`'s value.
    pub fn kind(&self, e: &Expr) -> Kind {
        use ExprKind as E;
        match &e.kind {
            E::Const(v) => Kind::of_value(v),
            E::Fact(f) => Kind::of_type(&self.prog.facts[*f].ty),
            E::Rule(r) | E::Call(r, _) => Kind::of_type(&self.prog.rules[*r].ty),
            E::Bin(op, a, b) => super::ops::result_kind(*op, self.kind(a), self.kind(b)),
            E::And(..) | E::Or(..) | E::Not(_) => Kind::Bool,
            E::Neg(_) => Kind::Num,
            E::If(_, a, b) | E::Coalesce(a, b) => self.kind(a).join(self.kind(b)),
            E::Cases(_, bs, o) => bs.iter().fold(self.kind(o), |k, (_, v)| k.join(self.kind(v))),
            E::Let(slot, v, body) => self.with_local(*slot, self.kind(v), || self.kind(body)),
            E::Local(i) => self.locals.borrow().get(*i as usize).copied().unwrap_or(Kind::Value),
            E::Error(_) => Kind::Never,
            E::Builtin(b, args) => builtin_kind(*b, args.first().map(|a| self.kind(a))),
            _ => Kind::Value,
        }
    }

    /// `e` in representation `R`.
    pub fn code<R: Rep>(&self, e: &Expr) -> Code<R::T> {
        let span = e.span;
        if let ExprKind::Call(f, args) = &e.kind
            && let Some(code) = self.inline_call::<R>(e, *f, args)
        {
            return code;
        }
        match &e.kind {
            ExprKind::Const(v) => match R::peek(v) {
                Some(t) => Box::new(move |_, _| Ok(t.clone())),
                None => Box::new(move |_, _| Err(R::mismatch(span))),
            },
            ExprKind::Fact(f) => fact::<R>(self.at(*f), span),
            ExprKind::Rule(r) => self.inline::<R>(*r, span).unwrap_or_else(|| read_rule::<R>(*r, span)),
            ExprKind::Local(i) => {
                let i = *i as usize;
                Box::new(move |c, frame| R::peek(&c.stack[frame + i]).ok_or_else(|| R::mismatch(span)))
            }
            ExprKind::If(cond, a, b) => {
                let (cond, a, b) = (self.operand::<Bool>(cond), self.operand::<R>(a), self.operand::<R>(b));
                Box::new(move |c, frame| {
                    if cond.get(c, frame)?.holds() {
                        a.get(c, frame)
                    } else {
                        b.get(c, frame)
                    }
                })
            }
            ExprKind::Cases(id, branches, otherwise) => self.cases::<R>(*id, branches, otherwise),
            ExprKind::Let(slot, v, body) => {
                let body = self.with_local(*slot, self.kind(v), || self.code::<R>(body));
                let (slot, v) = (*slot as usize, self.code::<Val>(v));
                Box::new(move |c, frame| {
                    c.stack[frame + slot] = v(c, frame)?;
                    body(c, frame)
                })
            }
            ExprKind::Coalesce(a, b) if R::NULLABLE => {
                let (a, b) = (self.operand::<R>(a), self.operand::<R>(b));
                Box::new(move |c, frame| {
                    let x = a.get(c, frame)?;
                    if R::is_none(&x) { b.get(c, frame) } else { Ok(x) }
                })
            }
            ExprKind::Coalesce(a, b) => {
                let (a, b) = (self.code::<Val>(a), self.code::<R>(b));
                Box::new(move |c, frame| match a(c, frame)? {
                    Value::None => b(c, frame),
                    v => R::from_value(v, span),
                })
            }
            ExprKind::Error(msg) => {
                let msg = self.code::<Val>(msg);
                Box::new(move |c, frame| {
                    let m = match msg(c, frame)? {
                        Value::Str(s) => s.to_string(),
                        _ => "error".to_string(),
                    };
                    Err(Arc::new(EvalError {
                        kind: ErrorKind::Raised(m),
                        span,
                        rule: None,
                    }))
                })
            }
            _ => self.general::<R>(e),
        }
    }

    /// Fact `f` and how a case holds it.
    pub fn at(&self, f: FactId) -> FactAt {
        FactAt {
            f,
            word: self.facts[f.index()],
        }
    }

    /// Whether a case holds fact `f` in its slot (not a word).
    pub fn held_in_slot(&self, f: FactId) -> bool {
        self.facts[f.index()].is_none()
    }

    /// `e` as an operand its parent reads (see [`Operand`]).
    pub fn operand<R: Rep>(&self, e: &Expr) -> Operand<R> {
        match &e.kind {
            ExprKind::Fact(f) if self.facts[f.index()].is_some_and(|k| R::WORD == Some(k)) => {
                Operand::Own(*f, self.code::<R>(e))
            }
            ExprKind::Fact(f) => Operand::Fact(self.at(*f), self.code::<R>(e)),
            ExprKind::Bin(op @ (Op::Eq | Op::Ne), a, b) if R::WORD == Some(WordKind::Bool) => {
                match self.word_test(a, b) {
                    // `grievance.filed_by != employer`, `… == none`: the
                    // fact's word against the constant's, where it is read.
                    Some((f, w)) => Operand::WordIs {
                        f,
                        w,
                        ne: *op == Op::Ne,
                        code: self.code::<R>(e),
                    },
                    None => Operand::Code(self.code::<R>(e)),
                }
            }
            ExprKind::Const(v) => match R::peek(v) {
                Some(t) => Operand::Const(t),
                None => Operand::Code(self.code::<R>(e)),
            },
            // `x and y`, `x or y` (a condition of `when`): both read where
            // the condition is, as the `and`'s code reads them.
            ExprKind::And(a, b) | ExprKind::Or(a, b) if R::WORD == Some(WordKind::Bool) => Operand::Both {
                and: matches!(e.kind, ExprKind::And(..)),
                ab: Box::new((self.operand::<Bool>(a), self.operand::<Bool>(b))),
                code: self.code::<R>(e),
            },
            // `grievance.step1.oral_on ?? step1_received`: the fact's word
            // read in place, the other operand only when it is none.
            ExprKind::Coalesce(a, b)
                if R::NULLABLE
                    && let ExprKind::Fact(f) = a.kind
                    && self.facts[f.index()].is_some_and(|k| R::WORD == Some(k)) =>
            {
                Operand::OrOwn(f, Box::new(self.operand::<R>(b)), self.code::<R>(e))
            }
            // `required(grievance.step1.answered_on) + 25 workdays`: the
            // fact's value read in place when it has one, as a rule that is
            // `required(fact)` is.
            ExprKind::Builtin(Builtin::Required, _) => match required_fact(e) {
                Some(f) => Operand::Required(self.at(f), self.code::<R>(e)),
                None => Operand::Code(self.code::<R>(e)),
            },
            ExprKind::Rule(r) => match (self.inline::<R>(*r, e.span), required_fact(&self.prog.rules[*r].body)) {
                (Some(code), Some(f)) => Operand::Required(self.at(f), code),
                (Some(code), None) => Operand::Code(code),
                (None, _) => Operand::Rule(*r, read_rule::<R>(*r, e.span)),
            },
            _ => Operand::Code(self.code::<R>(e)),
        }
    }

    /// A fact held in a word and the word of the constant it is tested
    /// against (`a` the fact, `b` the constant), when there are both.
    fn word_test(&self, a: &Expr, b: &Expr) -> Option<(FactId, i64)> {
        let (ExprKind::Fact(f), ExprKind::Const(v)) = (&a.kind, &b.kind) else {
            return None;
        };
        Some((*f, self.facts[f.index()]?.word(v)?))
    }

    /// `e` as its representation computes it, else as a value converted.
    fn general<R: Rep>(&self, e: &Expr) -> Code<R::T> {
        R::native(self, e).unwrap_or_else(|| convert::<R>(self.value(e), e.span))
    }

    /// A call of a small function whose arguments are facts and constants
    /// (`receipt_extension(grievance.step2.method, …)`), inlined where it is
    /// made: the body with each parameter replaced by its argument, computed
    /// in the caller's representation, without a frame, a value to convert,
    /// or the call's bookkeeping. It answers and fails as the call: it runs
    /// only when every fact argument has a value (a missing or bad one fails
    /// the call before its body, as the call says), one level deeper, with
    /// errors named by the function; a watched case, an interrupted one or
    /// one at the depth limit makes the call itself.
    pub(super) fn inline_call<R: Rep>(&self, call: &Expr, f: RuleId, args: &[Expr]) -> Option<Code<R::T>> {
        let rule = &self.prog.rules[f];
        let params = rule.params.as_ref()?;
        if params.len() != args.len()
            || rule.locals as usize != params.len()
            || Kind::of_type(&rule.ty) != R::KIND
            || self.inlining.get() >= INLINE_DEPTH
        {
            return None;
        }
        let mut facts = Vec::new();
        for a in args {
            match a.kind {
                ExprKind::Fact(x) => facts.push(x),
                ExprKind::Const(_) => {}
                _ => return None,
            }
        }
        let mut body = rule.body.clone();
        substitute(&mut body, args);
        // `small` takes no local: every parameter read was replaced.
        let mut budget = INLINE_NODES;
        if !small(&body, &mut budget) {
            return None;
        }
        self.inlining.set(self.inlining.get() + 1);
        let code = self.code::<R>(&body);
        self.inlining.set(self.inlining.get() - 1);
        let call = self.general::<R>(call);
        Some(Box::new(move |c, frame| {
            if as_written(c) || facts.iter().any(|x| !c.has_value(*x)) {
                return call(c, frame);
            }
            c.deeper(f, |c| code(c, frame))
        }))
    }

    /// Rule `r`'s body, inlined where it is read, when it is a few tests of
    /// facts and constants (`required(grievance.step1.received_on)`,
    /// `grievance.step1.method != email`): computing it again costs less than
    /// a memoized call. The answer and any error are the rule's, named as it
    /// names them, one level deeper as its own evaluation would be; a watched
    /// case reads the rule as usual, so an observer sees every rule entered
    /// and every memo hit as before (and so does a case at the depth limit or
    /// interrupted, which fails as the read does).
    fn inline<R: Rep>(&self, r: RuleId, span: Span) -> Option<Code<R::T>> {
        let rule = &self.prog.rules[r];
        let mut budget = INLINE_NODES;
        if rule.params.is_some()
            || rule.locals > 0
            || Kind::of_type(&rule.ty) != R::KIND
            || self.inlining.get() >= INLINE_DEPTH
            || !small(&rule.body, &mut budget)
        {
            return None;
        }
        self.inlining.set(self.inlining.get() + 1);
        let body = self.code::<R>(&rule.body);
        self.inlining.set(self.inlining.get() - 1);
        let read = read_rule::<R>(r, span);
        Some(Box::new(move |c, frame| {
            if as_written(c) {
                return read(c, frame);
            }
            c.deeper(r, |c| body(c, frame))
        }))
    }

    /// `when c => v … otherwise => o`: the value of the first branch whose
    /// condition holds, else the `otherwise`; an observer sees each condition
    /// tried and the branch taken. This is the one meaning of `when`.
    fn cases<R: Rep>(&self, id: CasesId, branches: &[(Expr, Expr)], otherwise: &Expr) -> Code<R::T> {
        let arms: Arms<R> = branches
            .iter()
            .map(|(cond, v)| (self.operand::<Bool>(cond), cond.span, self.operand::<R>(v), v.span))
            .collect();
        let last = (self.operand::<R>(otherwise), otherwise.span);
        if arms.len() == 1 {
            // One `when` and the `otherwise` (the common shape): no loop.
            return Box::new(move |c, frame| {
                if c.observer.is_some() {
                    return watched(c, frame, id, &arms, &last);
                }
                let (cond, _, v, _) = &arms[0];
                if cond.get(c, frame)?.holds() {
                    v.get(c, frame)
                } else {
                    last.0.get(c, frame)
                }
            });
        }
        Box::new(move |c, frame| {
            if c.observer.is_some() {
                return watched(c, frame, id, &arms, &last);
            }
            for (cond, _, v, _) in &arms {
                if cond.get(c, frame)?.holds() {
                    return v.get(c, frame);
                }
            }
            last.0.get(c, frame)
        })
    }

    /// The expressions only a [`Value`] holds (lists, records, text, calls …),
    /// and the narrower ones wrapped.
    pub fn value(&self, e: &Expr) -> Code<Value> {
        let span = e.span;
        if matches!(e.kind, ExprKind::List(_) | ExprKind::Record(_))
            && let Some(v) = constant(e)
        {
            // A literal of constants is built once, here, and shared.
            return Box::new(move |_, _| Ok(v.clone()));
        }
        match &e.kind {
            ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Not(_) => wrap::<Bool>(self.code::<Bool>(e)),
            ExprKind::Bin(op, a, b) => {
                // Lowered once: a typed form when there is one, else on values.
                let typed = match super::ops::result_kind(*op, self.kind(a), self.kind(b)) {
                    Kind::Bool => self.bool_native(e).map(wrap::<Bool>),
                    Kind::Num => self.num_native(e).map(wrap::<Num>),
                    Kind::Day => self.day_native(e).map(wrap::<Day>),
                    _ => None,
                };
                typed.unwrap_or_else(|| super::ops::generic(self, *op, a, b, span))
            }
            ExprKind::Call(f, args) => {
                let (f, args) = (*f, self.codes(args));
                Box::new(move |c, frame| {
                    // The arguments go on the stack, where the callee's frame starts.
                    let base = c.stack.len();
                    for a in &args {
                        match a(c, frame) {
                            Ok(v) => c.stack.push(v),
                            Err(e) => {
                                c.stack.truncate(base);
                                return Err(e);
                            }
                        }
                    }
                    c.call_at(f, base)
                })
            }
            ExprKind::Builtin(b, args) => {
                let (b, args) = (*b, self.codes(args));
                Box::new(move |c, frame| {
                    let mut few = [const { Value::None }; 4];
                    let many: Vec<Value>;
                    let v: &[Value] = if args.len() <= few.len() {
                        for (slot, a) in few.iter_mut().zip(&args) {
                            *slot = a(c, frame)?;
                        }
                        &few[..args.len()]
                    } else {
                        many = args.iter().map(|a| a(c, frame)).collect::<Result<_>>()?;
                        &many
                    };
                    builtins::apply(c, b, v, span)
                })
            }
            ExprKind::Field(x, i) => {
                let (x, i) = (self.code::<Val>(x), *i as usize);
                Box::new(move |c, frame| match x(c, frame)? {
                    Value::Record(fs) => Ok(fs[i].clone()),
                    Value::None => Err(EvalError::runtime(RuntimeError::FieldOfNone, span)),
                    _ => Err(EvalError::runtime(RuntimeError::FieldOfNonRecord, span)),
                })
            }
            ExprKind::Table(t, keys) => {
                let (t, keys) = (*t, self.codes(keys));
                Box::new(move |c, frame| {
                    let mut ks = Vec::with_capacity(keys.len());
                    for k in &keys {
                        ks.push(k(c, frame)?);
                    }
                    let v = lookup(&c.prog.tables[t].rows, &ks).unwrap_or(Value::None);
                    if let Some(o) = &mut c.observer {
                        o.table_row(t, &ks, &v);
                    }
                    Ok(v)
                })
            }
            ExprKind::ListIndex(l, i) => {
                let (l, i) = (self.code::<Val>(l), self.code::<Val>(i));
                Box::new(move |c, frame| {
                    let list = l(c, frame)?;
                    match (list, i(c, frame)?) {
                        (Value::List(xs), Value::Num(n)) => {
                            let ix = to_i64(n, "a list index", span)?;
                            usize::try_from(ix)
                                .ok()
                                .and_then(|ix| xs.get(ix).cloned())
                                .ok_or_else(|| {
                                    let outside = RuntimeError::IndexOutside {
                                        index: ix,
                                        len: xs.len(),
                                    };
                                    EvalError::runtime(outside, span)
                                })
                        }
                        _ => Err(EvalError::runtime(RuntimeError::BadIndex, span)),
                    }
                })
            }
            ExprKind::Neg(x) => {
                let x = self.code::<Val>(x);
                Box::new(move |c, frame| match x(c, frame)? {
                    Value::Num(n) => Ok(Value::Num(-n)),
                    _ => Err(EvalError::runtime(RuntimeError::Expected("a number"), span)),
                })
            }
            ExprKind::List(xs) | ExprKind::Record(xs) => {
                let record = matches!(e.kind, ExprKind::Record(_));
                let xs = self.codes(xs);
                Box::new(move |c, frame| {
                    let mut out = Vec::with_capacity(xs.len());
                    for x in &xs {
                        out.push(x(c, frame)?);
                    }
                    Ok(if record {
                        Value::Record(out.into())
                    } else {
                        Value::List(out.into())
                    })
                })
            }
            ExprKind::Comp {
                var,
                list,
                element,
                filter,
            } => {
                let xs = self.list(list);
                let (element, filter) = self.with_local(*var, Kind::Value, || {
                    (self.code::<Val>(element), filter.as_ref().map(|f| self.code::<Bool>(f)))
                });
                let var = *var as usize;
                Box::new(move |c, frame| {
                    let xs = xs(c, frame)?;
                    let mut out = Vec::with_capacity(xs.len());
                    for x in xs.iter() {
                        c.check_interrupt(span)?;
                        c.stack[frame + var] = x.clone();
                        if let Some(f) = &filter
                            && !f(c, frame)?.holds()
                        {
                            continue;
                        }
                        out.push(element(c, frame)?);
                    }
                    Ok(Value::List(out.into()))
                })
            }
            ExprKind::Sort { var, list, keys } => {
                let xs = self.list(list);
                let keys: Vec<(Code<Value>, bool)> = self.with_local(*var, Kind::Value, || {
                    keys.iter().map(|(k, d)| (self.code::<Val>(k), *d)).collect()
                });
                let var = *var as usize;
                Box::new(move |c, frame| {
                    let xs = xs(c, frame)?;
                    let mut keyed: Vec<(Vec<Value>, Value)> = Vec::with_capacity(xs.len());
                    for x in xs.iter() {
                        c.check_interrupt(span)?;
                        c.stack[frame + var] = x.clone();
                        let mut ks = Vec::with_capacity(keys.len());
                        for (k, _) in &keys {
                            ks.push(k(c, frame)?);
                        }
                        keyed.push((ks, x.clone()));
                    }
                    keyed.sort_by(|a, b| {
                        for (i, (_, desc)) in keys.iter().enumerate() {
                            let o = a.0[i].cmp_same(&b.0[i]);
                            let o = if *desc { o.reverse() } else { o };
                            if o != Ordering::Equal {
                                return o;
                            }
                        }
                        Ordering::Equal
                    });
                    Ok(Value::List(keyed.into_iter().map(|(_, v)| v).collect()))
                })
            }
            ExprKind::Fold {
                acc,
                init,
                var,
                list,
                body,
            } => {
                let (init, xs) = (self.code::<Val>(init), self.list(list));
                let body = self.with_local(*acc, Kind::Value, || {
                    self.with_local(*var, Kind::Value, || self.code::<Val>(body))
                });
                let (acc, var) = (*acc as usize, *var as usize);
                Box::new(move |c, frame| {
                    let mut a = init(c, frame)?;
                    let xs = xs(c, frame)?;
                    for x in xs.iter() {
                        c.check_interrupt(span)?;
                        c.stack[frame + acc] = a;
                        c.stack[frame + var] = x.clone();
                        a = body(c, frame)?;
                    }
                    Ok(a)
                })
            }
            // Lowered by `code` itself, whatever the representation.
            ExprKind::Const(_)
            | ExprKind::Fact(_)
            | ExprKind::Rule(_)
            | ExprKind::Local(_)
            | ExprKind::If(..)
            | ExprKind::Cases(..)
            | ExprKind::Let(..)
            | ExprKind::Coalesce(..)
            | ExprKind::Error(_) => self.code::<Val>(e),
        }
    }

    fn codes(&self, xs: &[Expr]) -> Vec<Code<Value>> {
        xs.iter().map(|x| self.code::<Val>(x)).collect()
    }

    /// A list (none is the empty list).
    fn list(&self, e: &Expr) -> Code<std::sync::Arc<[Value]>> {
        let (x, span) = (self.code::<Val>(e), e.span);
        Box::new(move |c, frame| match x(c, frame)? {
            Value::List(xs) => Ok(xs),
            Value::None => Ok(std::sync::Arc::from(Vec::new())),
            _ => Err(EvalError::runtime(RuntimeError::Expected("a list"), span)),
        })
    }

    pub fn bool_native(&self, e: &Expr) -> Option<Code<Truth>> {
        Some(match &e.kind {
            ExprKind::Not(x) => {
                let x = self.operand::<Bool>(x);
                Box::new(move |c, frame| Ok(Truth::of(!x.get(c, frame)?.holds())))
            }
            ExprKind::And(a, b) => {
                let (a, b) = (self.operand::<Bool>(a), self.operand::<Bool>(b));
                Box::new(move |c, frame| Ok(Truth::of(a.get(c, frame)?.holds() && b.get(c, frame)?.holds())))
            }
            ExprKind::Or(a, b) => {
                let (a, b) = (self.operand::<Bool>(a), self.operand::<Bool>(b));
                Box::new(move |c, frame| Ok(Truth::of(a.get(c, frame)?.holds() || b.get(c, frame)?.holds())))
            }
            ExprKind::Bin(op, a, b) => return super::ops::test(self, *op, a, b, e.span),
            _ => return None,
        })
    }

    pub fn num_native(&self, e: &Expr) -> Option<Code<Option<rust_decimal::Decimal>>> {
        match &e.kind {
            ExprKind::Bin(op, a, b) => super::ops::numbers(self, *op, a, b, e.span),
            ExprKind::Builtin(Builtin::Required, args) => self.required::<Num>(args, e.span),
            _ => None,
        }
    }

    pub fn day_native(&self, e: &Expr) -> Option<Code<Word>> {
        match &e.kind {
            ExprKind::Bin(op, a, b) => super::ops::date_shift(self, *op, a, b, e.span),
            ExprKind::Builtin(Builtin::Required, args) => self.required::<Day>(args, e.span),
            _ => None,
        }
    }

    pub fn variant_native(&self, e: &Expr) -> Option<Code<Word>> {
        match &e.kind {
            ExprKind::Builtin(Builtin::Required, args) => self.required::<Variant>(args, e.span),
            _ => None,
        }
    }

    /// `required(fact)`: the optional fact's value, or a missing-fact error
    /// (the checker passes the fact's id as a constant second argument).
    fn required<R: Rep>(&self, args: &[Expr], span: Span) -> Option<Code<R::T>> {
        let [x, fact] = args else { return None };
        let ExprKind::Const(Value::Num(id)) = &fact.kind else {
            return None;
        };
        let f = FactId(to_i64(*id, "a fact", span).ok()?.try_into().ok()?);
        let x = self.operand::<R>(x);
        Some(Box::new(move |c, frame| {
            let v = x.get(c, frame)?;
            if R::is_none(&v) {
                return Err(Arc::new(EvalError {
                    kind: ErrorKind::MissingFact(f),
                    span,
                    rule: None,
                }));
            }
            Ok(v)
        }))
    }
}

/// The value of an expression made of constants only (a constant, or a list
/// or record literal of them): evaluating it reads nothing and reports nothing.
pub(crate) fn constant(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Const(v) => Some(v.clone()),
        ExprKind::List(xs) => Some(Value::List(xs.iter().map(constant).collect::<Option<_>>()?)),
        ExprKind::Record(xs) => Some(Value::Record(xs.iter().map(constant).collect::<Option<_>>()?)),
        _ => None,
    }
}

/// `e` with each read of parameter `i` replaced by `args[i]` (in the span
/// of the read, so any error points where it did).
fn substitute(e: &mut Expr, args: &[Expr]) {
    if let ExprKind::Local(i) = e.kind
        && let Some(a) = args.get(i as usize)
    {
        e.kind = a.kind.clone();
        return;
    }
    e.for_each_child_mut(|x| substitute(x, args));
}

/// Whether `e` is at most `budget` nodes of tests on facts, constants and
/// rules: cheap enough to compute where it is read (see [`Lower::inline`]).
fn small(e: &Expr, budget: &mut u32) -> bool {
    use ExprKind as E;
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &e.kind {
        E::Const(_) | E::Fact(_) | E::Rule(_) => true,
        E::List(_) => constant(e).is_some(),
        E::Not(x) => small(x, budget),
        E::And(a, b) | E::Or(a, b) | E::Coalesce(a, b) => small(a, budget) && small(b, budget),
        E::Bin(op, a, b) => {
            use crate::ir::Op;
            matches!(
                op,
                Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::In | Op::NotIn
            ) && small(a, budget)
                && small(b, budget)
        }
        E::If(c, a, b) => small(c, budget) && small(a, budget) && small(b, budget),
        E::Cases(_, bs, o) => bs.iter().all(|(c, v)| small(c, budget) && small(v, budget)) && small(o, budget),
        E::Builtin(Builtin::Required, args) => args.iter().all(|a| small(a, budget)),
        _ => false,
    }
}

/// The `when` branches of a [`Lower::cases`]: each condition and value, with their spans.
type Arms<R> = Vec<(Operand<Bool>, Span, Operand<R>, Span)>;

/// `when … otherwise`, watched: the observer sees each condition tried and
/// the branch taken.
#[inline(never)]
fn watched<R: Rep>(
    c: &mut Case,
    frame: usize,
    id: CasesId,
    arms: &Arms<R>,
    (last, last_span): &(Operand<R>, Span),
) -> Result<R::T> {
    for (i, (cond, cond_span, v, v_span)) in arms.iter().enumerate() {
        let b = BranchId {
            cases: id,
            index: i as u32,
        };
        if let Some(o) = &mut c.observer {
            o.cond_enter(b, *cond_span);
        }
        let holds = cond.get(c, frame).map(Truth::holds);
        if let Some(o) = &mut c.observer {
            o.cond_tested(b, &holds);
        }
        if holds? {
            return branch(c, b, v, *v_span, frame);
        }
    }
    let b = BranchId {
        cases: id,
        index: arms.len() as u32,
    };
    branch(c, b, last, *last_span, frame)
}

/// The value of the branch taken, watched.
fn branch<R: Rep>(c: &mut Case, b: BranchId, v: &Operand<R>, span: Span, frame: usize) -> Result<R::T> {
    if let Some(o) = &mut c.observer {
        o.branch_taken(b, span);
    }
    let res = v.get(c, frame);
    if let Some(o) = &mut c.observer {
        o.branch_exit(b);
    }
    res
}

/// The kind of a builtin's value (`first` the kind of its first argument).
fn builtin_kind(b: Builtin, first: Option<Kind>) -> Kind {
    use Builtin as B;
    match b {
        B::Required => first.unwrap_or(Kind::Value),
        B::Date | B::LastDayOfMonth | B::FirstDay | B::LastDay | B::DateOf | B::Today => Kind::Day,
        B::Any | B::All | B::Contains | B::StartsWith | B::StrContains => Kind::Bool,
        B::Year
        | B::Month
        | B::Day
        | B::DaysBetween
        | B::WorkdaysBetween
        | B::Count
        | B::Len
        | B::Sum
        | B::Abs
        | B::Floor
        | B::Ceil
        | B::Round
        | B::RoundTo
        | B::RoundUp
        | B::RoundDown
        | B::StrLen => Kind::Num,
        _ => Kind::Value,
    }
}
