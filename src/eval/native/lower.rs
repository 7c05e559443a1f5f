//! The checked IR of the queries a plan covers, lowered to Cranelift's IR.
//!
//! [`Lower::covers`] decides, before anything is generated, which rules the
//! plan can compute (every node of their bodies, calls inlined, in the part
//! of the language described in [`super`]); [`Lower::expr`] then lowers
//! exactly those nodes. Every value is an `i64` word: a truth value `0`/`1`,
//! a day number, a variant index, a whole number, `none` as [`NONE`]. A
//! failure jumps to the function's `stop` block, which returns "stopped".

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, Signature, UserFuncName, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use rust_decimal::prelude::ToPrimitive;

mod emit;

use super::{NONE, STOP, Texts, WordKind};
use crate::eval::Case;
use crate::eval::code::Kind;
use crate::eval::value::Value;
use crate::ir::{Builtin, Expr, ExprKind, FactId, Op, Program, RuleId};

type V = cranelift_codegen::ir::Value;

// The offsets of the fields of `Ctx` the code reads.
const WORDS: i32 = std::mem::offset_of!(super::Ctx, words) as i32;
const STAMPS: i32 = std::mem::offset_of!(super::Ctx, stamps) as i32;
const VALS: i32 = std::mem::offset_of!(super::Ctx, vals) as i32;
const STAMP: i32 = std::mem::offset_of!(super::Ctx, stamp) as i32;
const TEXT_WORDS: i32 = std::mem::offset_of!(super::Ctx, text_words) as i32;
const FIRST: i32 = std::mem::offset_of!(super::Ctx, first) as i32;
const PREFIX: i32 = std::mem::offset_of!(super::Ctx, prefix) as i32;
const PREFIX_LEN: i32 = std::mem::offset_of!(super::Ctx, prefix_len) as i32;
const NTH: i32 = std::mem::offset_of!(super::Ctx, nth) as i32;
const NTH_LEN: i32 = std::mem::offset_of!(super::Ctx, nth_len) as i32;
const COUNTED: i32 = std::mem::offset_of!(super::Ctx, counted) as i32;

/// How deep calls are inlined before a body is left to the closures (the
/// language's functions may recurse).
const MAX_INLINE: usize = 16;

/// A compiled plan, before it is wrapped in a [`super::Native`].
pub(super) struct Lowered {
    pub module: JITModule,
    pub plan: *const u8,
    pub answers: Vec<(RuleId, WordKind)>,
    pub texts: Texts,
    /// The text facts the plan tests, by index.
    pub text_facts: Vec<usize>,
}

/// Where a function being lowered stands: its context, where it stops, and
/// the arguments of the calls inlined where it is.
struct Fx {
    ctx: V,
    stop: Block,
    args: Vec<Vec<Expr>>,
}

pub(super) struct Lower<'p> {
    prog: &'p Program,
    module: JITModule,
    /// How each fact is held (`None`: in its slot).
    kinds: Box<[Option<WordKind>]>,
    /// Whether the plan can compute each rule, once decided.
    covered: HashMap<RuleId, bool>,
    /// The answers of the rules no case changes, when a text list is read.
    constants: HashMap<RuleId, Option<Value>>,
    /// How many places read each rule (the plan's reads of the queries and an
    /// inlined call's own counted): a rule read in one place is computed at
    /// most once a record, so it is lowered there, with no function or memo.
    reads: HashMap<RuleId, u32>,
    funcs: HashMap<RuleId, FuncId>,
    todo: Vec<RuleId>,
    rule_sig: Signature,
    helper_sig: Signature,
    texts: Texts,
    text_facts: Vec<usize>,
    independent: Vec<bool>,
}

fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// A constant's word, if it has one.
fn word(v: &Value) -> Option<i64> {
    Some(match v {
        Value::Bool(b) => i64::from(*b),
        Value::Date(d) => i64::from(*d),
        Value::Enum(i) => i64::from(*i),
        Value::None => NONE,
        Value::Num(n) if n.fract().is_zero() => n.to_i64().filter(|w| *w > STOP)?,
        _ => return None,
    })
}

impl<'p> Lower<'p> {
    /// `None` when the host has no code generator.
    pub fn new(prog: &'p Program) -> Option<Self> {
        let mut flag_builder = settings::builder();
        flag_builder.set("opt_level", "speed").ok()?;
        let isa = cranelift_native::builder()
            .ok()?
            .finish(settings::Flags::new(flag_builder))
            .ok()?;
        let module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let mut rule_sig = module.make_signature();
        rule_sig.params.push(AbiParam::new(types::I64));
        rule_sig.returns.push(AbiParam::new(types::I64));
        rule_sig.returns.push(AbiParam::new(types::I32));
        let mut helper_sig = module.make_signature();
        helper_sig.params.extend([AbiParam::new(types::I64); 3]);
        helper_sig.returns.push(AbiParam::new(types::I64));
        Some(Lower {
            prog,
            module,
            kinds: WordKind::of_facts(prog),
            covered: HashMap::new(),
            constants: HashMap::new(),
            reads: HashMap::new(),
            funcs: HashMap::new(),
            todo: Vec::new(),
            rule_sig,
            helper_sig,
            texts: Texts::default(),
            text_facts: Vec::new(),
            independent: prog.case_independent(),
        })
    }

    /// The plan of the queries it covers (`None` if none).
    pub fn plan(mut self, queries: &[RuleId]) -> Option<Lowered> {
        let answers: Vec<(RuleId, WordKind)> = queries
            .iter()
            .filter_map(|&q| {
                let kind = match Kind::of_type(&self.prog.rules[q].ty) {
                    Kind::Bool => WordKind::Bool,
                    Kind::Day => WordKind::Day,
                    Kind::Variant => WordKind::Variant,
                    _ => return None,
                };
                (self.prog.rules[q].params.is_none() && self.rule_covered(q)).then_some((q, kind))
            })
            .collect();
        if answers.is_empty() {
            return None;
        }
        for (q, _) in &answers {
            self.count_rule(*q);
        }
        let plan = self.define(&answers).ok()?;
        Some(Lowered {
            module: self.module,
            plan,
            answers,
            texts: self.texts,
            text_facts: self.text_facts,
        })
    }

    // ------------------------------------------------------------ coverage

    /// Whether the plan can compute rule `id` (not a function).
    fn rule_covered(&mut self, id: RuleId) -> bool {
        if let Some(c) = self.covered.get(&id) {
            return *c;
        }
        // A rule that reads itself (through others) is left to the closures.
        self.covered.insert(id, false);
        let r = &self.prog.rules[id];
        let ok = r.params.is_none()
            && matches!(Kind::of_type(&r.ty), Kind::Bool | Kind::Day | Kind::Variant | Kind::Num)
            && self.covers(&r.body.clone(), &mut Vec::new());
        self.covered.insert(id, ok);
        ok
    }

    /// The kind of `e`'s word, where the plan can know it.
    fn kind(&self, e: &Expr, args: &[Vec<Expr>]) -> Kind {
        use ExprKind as E;
        match &e.kind {
            E::Const(v) => Kind::of_value(v),
            E::Fact(f) => Kind::of_type(&self.prog.facts[*f].ty),
            E::Rule(r) | E::Call(r, _) => Kind::of_type(&self.prog.rules[*r].ty),
            E::Local(i) => match args.split_last() {
                Some((mine, outer)) => mine.get(*i as usize).map_or(Kind::Value, |a| self.kind(a, outer)),
                None => Kind::Value,
            },
            E::Bin(Op::DateAddWorkdays(_), ..) => Kind::Day,
            E::Bin(..) | E::And(..) | E::Or(..) | E::Not(_) => Kind::Bool,
            E::Builtin(Builtin::Required, xs) => xs.first().map_or(Kind::Value, |a| self.kind(a, args)),
            E::Coalesce(a, b) | E::If(_, a, b) => self.kind(a, args).join(self.kind(b, args)),
            E::Cases(_, bs, o) => bs
                .iter()
                .fold(self.kind(o, args), |k, (_, v)| k.join(self.kind(v, args))),
            _ => Kind::Value,
        }
    }

    fn text_fact(&self, e: &Expr) -> Option<FactId> {
        match &e.kind {
            ExprKind::Fact(f) if self.kinds[f.index()].is_none() => {
                use crate::types::Type;
                let text = match &self.prog.facts[*f].ty {
                    Type::Optional(t) => matches!(**t, Type::String),
                    t => matches!(t, Type::String),
                };
                text.then_some(*f)
            }
            _ => None,
        }
    }

    /// The texts of constant list rule `r`, if it is one.
    fn text_list(&mut self, r: RuleId) -> Option<Vec<std::sync::Arc<str>>> {
        if !self.independent[r.index()] {
            return None;
        }
        let prog = self.prog;
        let v = self
            .constants
            .entry(r)
            .or_insert_with(|| Case::new(prog).rule(r).ok())
            .clone()?;
        let Value::List(xs) = v else { return None };
        xs.iter()
            .map(|x| match x {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// Whether the plan can compute `e` (with the arguments of the calls
    /// inlined where it is).
    fn covers(&mut self, e: &Expr, args: &mut Vec<Vec<Expr>>) -> bool {
        use ExprKind as E;
        let word_kind = |k: Kind| matches!(k, Kind::Bool | Kind::Day | Kind::Variant | Kind::Num | Kind::Null);
        match &e.kind {
            E::Const(v) => word(v).is_some(),
            E::Fact(f) => self.kinds[f.index()].is_some(),
            E::Rule(id) => self.rule_covered(*id),
            E::Local(i) => {
                let Some(mine) = args.pop() else { return false };
                let ok = mine.get(*i as usize).cloned().is_some_and(|a| self.covers(&a, args));
                args.push(mine);
                ok
            }
            E::Call(f, xs) => {
                if args.len() >= MAX_INLINE || !word_kind(Kind::of_type(&self.prog.rules[*f].ty)) {
                    return false;
                }
                args.push(xs.clone());
                let ok = self.covers(&self.prog.rules[*f].body.clone(), args);
                args.pop();
                ok
            }
            // Its second argument names the fact for the message.
            E::Builtin(Builtin::Required, xs) if !xs.is_empty() => self.covers(&xs[0], args),
            E::Bin(op, a, b) if self.text_fact(a).is_some() => match (op, &b.kind) {
                (Op::Eq | Op::Ne, E::Const(Value::Str(_) | Value::None)) => true,
                (Op::In, E::Rule(r)) => self.text_list(*r).is_some(),
                _ => false,
            },
            E::Bin(Op::In, a, list) => {
                let E::List(xs) = &list.kind else { return false };
                xs.iter().all(|x| matches!(&x.kind, E::Const(v) if word(v).is_some()))
                    && word_kind(self.kind(a, args))
                    && self.covers(a, args)
            }
            E::Bin(Op::DateAddWorkdays(_), a, n) => {
                self.kind(a, args) == Kind::Day
                    && self.kind(n, args) == Kind::Num
                    && self.covers(a, args)
                    && self.covers(n, args)
            }
            E::Bin(op @ (Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge), a, b) => {
                let (ka, kb) = (self.kind(a, args), self.kind(b, args));
                let ordered = !matches!(op, Op::Eq | Op::Ne);
                let fits = if ordered {
                    matches!((ka, kb), (Kind::Day, Kind::Day) | (Kind::Num, Kind::Num))
                } else {
                    word_kind(ka) && word_kind(kb)
                };
                fits && self.covers(a, args) && self.covers(b, args)
            }
            E::And(a, b) | E::Or(a, b) | E::Coalesce(a, b) => self.covers(a, args) && self.covers(b, args),
            E::Not(a) => self.covers(a, args),
            E::If(c, a, b) => self.covers(c, args) && self.covers(a, args) && self.covers(b, args),
            E::Cases(_, branches, otherwise) => {
                branches
                    .iter()
                    .all(|(w, v)| self.covers(w, args) && self.covers(v, args))
                    && self.covers(otherwise, args)
            }
            _ => false,
        }
    }

    /// Counts the places that read rule `id`, and (the first time) those its
    /// body reads.
    fn count_rule(&mut self, id: RuleId) {
        let n = self.reads.entry(id).or_insert(0);
        *n += 1;
        if *n == 1 {
            self.count(&self.prog.rules[id].body.clone(), &mut Vec::new());
        }
    }

    /// Counts the rules `e` reads, as [`Lower::expr`] lowers it.
    fn count(&mut self, e: &Expr, args: &mut Vec<Vec<Expr>>) {
        use ExprKind as E;
        match &e.kind {
            E::Rule(id) => self.count_rule(*id),
            E::Local(i) => {
                let mine = args.pop().expect("a local is read in a call");
                self.count(&mine[*i as usize].clone(), args);
                args.push(mine);
            }
            E::Call(f, xs) => {
                args.push(xs.clone());
                self.count(&self.prog.rules[*f].body.clone(), args);
                args.pop();
            }
            // A text fact's list is read when lowered, not computed.
            E::Bin(Op::In, a, _) if self.text_fact(a).is_some() => {}
            E::Builtin(_, xs) | E::List(xs) => xs.iter().for_each(|x| self.count(x, args)),
            E::Bin(_, a, b) | E::And(a, b) | E::Or(a, b) | E::Coalesce(a, b) => {
                self.count(a, args);
                self.count(b, args);
            }
            E::Not(a) => self.count(a, args),
            E::If(c, a, b) => {
                self.count(c, args);
                self.count(a, args);
                self.count(b, args);
            }
            E::Cases(_, branches, otherwise) => {
                for (w, v) in branches {
                    self.count(w, args);
                    self.count(v, args);
                }
                self.count(otherwise, args);
            }
            _ => {}
        }
    }
}
