//! A model of native evaluation (issue 16), measured: the fifteen grievance
//! queries lowered from the checked IR into machine code by Cranelift, run a
//! record a call. A record's plan answers the fifteen queries into an array;
//! a rule read in more than one place is a function of its own with a memo
//! (a word, an error code and a stamp per rule, checked in line before the
//! call), a rule read in one place is lowered where it is read; a fact or an
//! answer is a word (see `common/words.rs`), and an error is a small code
//! that leaves the rule at once. The code for a trace is the same lowering
//! compiled again with calls to an observer, so code without one pays
//! nothing for it. It asks how far native code would take evaluation before
//! a code generator is written for cba: it is not cba's evaluator, covers
//! only the node kinds these rules use (it panics on any other), and writes
//! no messages or explanations. Before it times anything it checks that its
//! answers are cba's on every record, error for error, watched or not.
//!
//! ```text
//! cargo bench --bench native   # native, cba and hand-written, 5 runs
//! CBA_NATIVE_ONLY=1 CBA_NATIVE_RECORDS=2000 CBA_NATIVE_ROUNDS=10 valgrind --tool=callgrind \
//!     --toggle-collect='native::native_rounds*' target/release/deps/native-<hash>
//! ```
mod common;

use std::collections::HashMap;
use std::hint::black_box;

use cba::eval::value::Value;
use cba::eval::workdays::WorkdayTable;
use cba::ir::{Builtin, Expr, ExprKind, Op, Program, RuleId};
use common::words::*;
use common::*;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, Signature, UserFuncName, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};

type V = cranelift_codegen::ir::Value;

/// What the machine code reads and writes, by the offsets of its fields.
#[repr(C)]
struct Ctx {
    /// Each fact's word, by fact index.
    facts: *const W,
    /// Each rule's memo, by rule index: the record's stamp when computed,
    stamps: *mut u32,
    /// its answer,
    vals: *mut W,
    /// and its error (0: none).
    errs: *mut u32,
    table: *const WorkdayTable,
    /// The record's stamp.
    stamp: u32,
    /// Who watches the rules evaluated, if anybody: the explanation's trace.
    observer: *mut Vec<(u32, u32)>,
}

const FACTS: i32 = 0;
const STAMPS: i32 = 8;
const VALS: i32 = 16;
const ERRS: i32 = 24;
const TABLE: i32 = 32;
const STAMP: i32 = 40;
const OBSERVER: i32 = 48;

/// What the code calls, when somebody watches, as a rule is entered (event
/// 0) and left with its answer (event 1).
extern "C" fn observe(observer: *mut Vec<(u32, u32)>, rule: W, event: W) -> W {
    // SAFETY: the code passes `Ctx::observer` when it is not null, a vector
    // the caller owns for the call.
    unsafe { &mut *observer }.push((rule as u32, event as u32));
    0
}

/// `d + n workdays`, or [`NONE`] out of the calendar's range: what the code
/// calls for a workday count.
extern "C" fn add_workdays(table: *const WorkdayTable, d: W, n: W) -> W {
    // SAFETY: the code passes `Ctx::table`, which outlives every call.
    let table = unsafe { &*table };
    table.add_workdays(d as i32, n, &[]).map_or(NONE, W::from)
}

/// The lowering of one function: its context pointer, where an error leaves
/// it, and the arguments of the calls inlined where it is.
struct Fx {
    ctx: V,
    fail: Block,
    args: Vec<Vec<Expr>>,
}

struct Lower<'p> {
    prog: &'p Program,
    module: JITModule,
    /// Each rule's function, declared when first read.
    funcs: HashMap<RuleId, FuncId>,
    todo: Vec<RuleId>,
    rule_sig: Signature,
    helper_sig: Signature,
    codes: u32,
    consts: HashMap<RuleId, Value>,
    texts: Texts,
    /// How many places read each rule, counting the plan's reads of the
    /// queries and each inlined call's own: a rule read in one place is
    /// computed at most once a record, so it is lowered there, without a
    /// function or a memo.
    reads: HashMap<RuleId, u32>,
    /// Whether the code tells an observer of each rule: the code for a trace
    /// is the same lowering compiled again with its calls, so code without a
    /// trace costs nothing for it.
    watched: bool,
}

fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl<'p> Lower<'p> {
    fn new(prog: &'p Program, watched: bool) -> Self {
        let mut flag_builder = settings::builder();
        flag_builder.set("opt_level", "speed").expect("a flag");
        let isa = cranelift_native::builder()
            .expect("a host Cranelift supports")
            .finish(settings::Flags::new(flag_builder))
            .expect("an ISA");
        let module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let mut rule_sig = module.make_signature();
        rule_sig.params.push(AbiParam::new(types::I64));
        rule_sig.returns.push(AbiParam::new(types::I64));
        rule_sig.returns.push(AbiParam::new(types::I32));
        let mut helper_sig = module.make_signature();
        helper_sig.params.extend([AbiParam::new(types::I64); 3]);
        helper_sig.returns.push(AbiParam::new(types::I64));
        Lower {
            prog,
            module,
            funcs: HashMap::new(),
            todo: Vec::new(),
            rule_sig,
            helper_sig,
            codes: 0,
            consts: constants(prog),
            texts: Texts::default(),
            reads: HashMap::new(),
            watched,
        }
    }

    /// A new error code, for one place that can fail.
    fn error(&mut self) -> u32 {
        self.codes += 1;
        self.codes
    }

    /// Rule `id`'s function, declared (and queued to define) when first met.
    fn func(&mut self, id: RuleId) -> FuncId {
        if let Some(f) = self.funcs.get(&id) {
            return *f;
        }
        let name = format!("r{}", id.index());
        let f = self
            .module
            .declare_function(&name, Linkage::Local, &self.rule_sig)
            .expect("declared");
        self.funcs.insert(id, f);
        self.todo.push(id);
        f
    }

    /// Defines the plan of a record, `fn(ctx, out)`: each of `queries`
    /// answered (from the memo, or by its rule's function) into `out`, an
    /// [`Answer`] a query; and the function of every rule it reads. The
    /// plan's code.
    fn define_all(&mut self, queries: &[RuleId]) -> *const u8 {
        for q in queries {
            let read = Expr {
                kind: ExprKind::Rule(*q),
                span: self.prog.rules[*q].body.span,
            };
            self.count(&read, &mut Vec::new());
        }
        let mut ctx = self.module.make_context();
        let mut fctx = FunctionBuilderContext::new();
        let mut sig = self.module.make_signature();
        sig.params.extend([AbiParam::new(types::I64); 2]);
        let plan = self
            .module
            .declare_function("plan", Linkage::Local, &sig)
            .expect("declared");
        ctx.func.signature = sig;
        ctx.func.name = UserFuncName::user(0, plan.as_u32());
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let (c, out) = (b.block_params(entry)[0], b.block_params(entry)[1]);
            let fx = Fx {
                ctx: c,
                fail: entry, // never taken: a query's error is its answer
                args: Vec::new(),
            };
            for (i, q) in queries.iter().enumerate() {
                let at = (i * std::mem::size_of::<Answer>()) as i32;
                let (v, err) = if self.reads[q] == 1 {
                    // Read by the plan alone: its body here, its error its answer.
                    let fail = b.create_block();
                    let code = b.append_block_param(fail, types::I32);
                    let next = b.create_block();
                    let mut fx = Fx {
                        ctx: c,
                        fail,
                        args: Vec::new(),
                    };
                    let v = self.rule_body(&mut b, &mut fx, *q);
                    let ok = b.ins().iconst(types::I32, 0);
                    b.ins().store(flags(), v, out, at);
                    b.ins().store(flags(), ok, out, at + 8);
                    b.ins().jump(next, &[]);
                    b.switch_to_block(fail);
                    b.ins().store(flags(), code, out, at + 8);
                    b.ins().jump(next, &[]);
                    b.switch_to_block(next);
                    continue;
                } else {
                    self.memo_read(&mut b, &fx, *q)
                };
                b.ins().store(flags(), v, out, at);
                b.ins().store(flags(), err, out, at + 8);
            }
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(self.module.target_config());
        }
        let disasm = std::env::var("CBA_NATIVE_DISASM").is_ok();
        ctx.set_disasm(disasm);
        self.module.define_function(plan, &mut ctx).expect("defined");
        if disasm {
            eprintln!(
                "plan:\n{}",
                ctx.compiled_code().and_then(|c| c.vcode.clone()).unwrap_or_default()
            );
        }
        self.module.clear_context(&mut ctx);
        while let Some(id) = self.todo.pop() {
            let f = self.funcs[&id];
            ctx.func.signature = self.rule_sig.clone();
            ctx.func.name = UserFuncName::user(0, f.as_u32());
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            let fail = b.create_block();
            let code = b.append_block_param(fail, types::I32);
            b.switch_to_block(entry);
            let mut fx = Fx {
                ctx: b.block_params(entry)[0],
                fail,
                args: Vec::new(),
            };
            let v = self.rule_body(&mut b, &mut fx, id);
            let ok = b.ins().iconst(types::I32, 0);
            b.ins().return_(&[v, ok]);
            b.switch_to_block(fail);
            let zero = b.ins().iconst(types::I64, 0);
            b.ins().return_(&[zero, code]);
            b.seal_all_blocks();
            b.finalize(self.module.target_config());
            ctx.set_disasm(disasm);
            self.module.define_function(f, &mut ctx).expect("defined");
            if disasm {
                let code = ctx.compiled_code().and_then(|c| c.vcode.clone());
                eprintln!("{}:\n{}", self.prog.rules[id].name, code.unwrap_or_default());
            }
            self.module.clear_context(&mut ctx);
        }
        self.module.finalize_definitions().expect("finalized");
        self.module.get_finalized_function(plan)
    }

    /// Counts the places that read each rule in `e`, as [`Lower::expr`]
    /// lowers it (a call's body with its arguments in place).
    fn count(&mut self, e: &Expr, args: &mut Vec<Vec<Expr>>) {
        use ExprKind as E;
        match &e.kind {
            E::Rule(id) => {
                let n = self.reads.entry(*id).or_insert(0);
                *n += 1;
                if *n == 1 {
                    let body = self.prog.rules[*id].body.clone();
                    self.count(&body, &mut Vec::new());
                }
            }
            E::Local(i) => {
                let mine = args.pop().expect("in a call");
                self.count(&mine[*i as usize], args);
                args.push(mine);
            }
            E::Call(f, xs) => {
                args.push(xs.clone());
                let body = self.prog.rules[*f].body.clone();
                self.count(&body, args);
                args.pop();
            }
            E::Builtin(_, xs) | E::List(xs) => xs.iter().for_each(|x| self.count(x, args)),
            E::Bin(_, x, y) | E::And(x, y) | E::Coalesce(x, y) => {
                self.count(x, args);
                self.count(y, args);
            }
            E::Not(x) => self.count(x, args),
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

    /// Leaves the function with error `code` where `cond` holds.
    fn fail_if(&self, b: &mut FunctionBuilder, fx: &Fx, cond: V, code: u32) {
        let go = b.create_block();
        let code = b.ins().iconst(types::I32, code as i64);
        b.ins().brif(cond, fx.fail, &[BlockArg::Value(code)], go, &[]);
        b.switch_to_block(go);
    }

    /// Rule `id`'s body, lowered where it is computed, telling the observer
    /// that the rule is entered and left if the code is watched.
    fn rule_body(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, id: RuleId) -> V {
        self.watch(b, fx, id, 0);
        let body = self.prog.rules[id].body.clone();
        let v = self.expr(b, fx, &body);
        self.watch(b, fx, id, 1);
        v
    }

    fn watch(&mut self, b: &mut FunctionBuilder, fx: &Fx, id: RuleId, event: i64) {
        if !self.watched {
            return;
        }
        let o = self.load(b, fx, OBSERVER);
        let call = b.create_block();
        let go = b.create_block();
        b.ins().brif(o, call, &[], go, &[]);
        b.switch_to_block(call);
        let sig = b.import_signature(self.helper_sig.clone());
        let callee = b.ins().iconst(types::I64, observe as *const () as i64);
        let (rule, event) = (
            b.ins().iconst(types::I64, id.index() as i64),
            b.ins().iconst(types::I64, event),
        );
        b.ins().call_indirect(sig, callee, &[o, rule, event]);
        b.ins().jump(go, &[]);
        b.switch_to_block(go);
    }

    fn load(&self, b: &mut FunctionBuilder, fx: &Fx, field: i32) -> V {
        b.ins()
            .load(types::I64, flags().with_readonly().with_can_move(), fx.ctx, field)
    }

    /// `a` if it is not `none`; fails with a new code if it is.
    fn not_none(&mut self, b: &mut FunctionBuilder, fx: &Fx, a: V) -> V {
        let is = b.ins().icmp_imm_s(IntCC::Equal, a, NONE);
        let code = self.error();
        self.fail_if(b, fx, is, code);
        a
    }

    fn expr(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, e: &Expr) -> V {
        use ExprKind as E;
        match &e.kind {
            E::Const(v) => b.ins().iconst(types::I64, word_of(v).expect("a word constant")),
            E::Fact(f) => {
                assert!(word_fact(self.prog, *f) || is_text(self.prog, e), "a word or text fact");
                let facts = self.load(b, fx, FACTS);
                let x = b.ins().load(types::I64, flags(), facts, (f.index() * 8) as i32);
                let missing = b.ins().icmp_imm_s(IntCC::Equal, x, MISSING);
                let code = self.error();
                self.fail_if(b, fx, missing, code);
                x
            }
            E::Local(i) => {
                let args = fx.args.pop().expect("in a call");
                let v = self.expr(b, fx, &args[*i as usize]);
                fx.args.push(args);
                v
            }
            E::Call(f, args) => {
                fx.args.push(args.clone());
                let body = self.prog.rules[*f].body.clone();
                let v = self.expr(b, fx, &body);
                fx.args.pop();
                v
            }
            E::Rule(id) if self.reads[id] == 1 => self.rule_body(b, fx, *id),
            E::Rule(id) => self.rule(b, fx, *id),
            E::Builtin(Builtin::Required, args) => {
                let a = self.expr(b, fx, &args[0]);
                self.not_none(b, fx, a)
            }
            E::Bin(op, a, x) if is_text(self.prog, a) => self.text_op(b, fx, *op, a, x),
            E::Bin(Op::In, a, list) => {
                let a = self.expr(b, fx, a);
                member_of(b, a, &constant_words(list))
            }
            E::Bin(Op::DateAddWorkdays(sign), a, n) => {
                let sign = *sign;
                let d = self.expr(b, fx, a);
                let n = self.expr(b, fx, n);
                let d = self.not_none(b, fx, d);
                let n = self.not_none(b, fx, n);
                let n = if sign == 1 { n } else { b.ins().imul_imm_s(n, sign) };
                let table = self.load(b, fx, TABLE);
                let sig = b.import_signature(self.helper_sig.clone());
                let callee = b.ins().iconst(types::I64, add_workdays as *const () as i64);
                let call = b.ins().call_indirect(sig, callee, &[table, d, n]);
                let r = b.inst_results(call)[0];
                self.not_none(b, fx, r)
            }
            E::Bin(op, x, y) => {
                let x = self.expr(b, fx, x);
                let y = self.expr(b, fx, y);
                let cc = match op {
                    Op::Eq => IntCC::Equal,
                    Op::Ne => IntCC::NotEqual,
                    Op::Lt => IntCC::SignedLessThan,
                    Op::Le => IntCC::SignedLessThanOrEqual,
                    Op::Gt => IntCC::SignedGreaterThan,
                    Op::Ge => IntCC::SignedGreaterThanOrEqual,
                    other => panic!("op {other:?}"),
                };
                if !matches!(op, Op::Eq | Op::Ne) {
                    // An ordering of `none` fails.
                    let xn = b.ins().icmp_imm_s(IntCC::Equal, x, NONE);
                    let yn = b.ins().icmp_imm_s(IntCC::Equal, y, NONE);
                    let either = b.ins().bor(xn, yn);
                    let code = self.error();
                    self.fail_if(b, fx, either, code);
                }
                let t = b.ins().icmp(cc, x, y);
                b.ins().uextend(types::I64, t)
            }
            E::Not(a) => {
                let a = self.expr(b, fx, a);
                b.ins().bxor_imm_s(a, 1)
            }
            // `a and b`: b where a is true; `a ?? b`: b where a is none.
            E::And(x, y) => self.then_where(b, fx, x, y, |_, x| x),
            E::Coalesce(x, y) => self.then_where(b, fx, x, y, |b, x| b.ins().icmp_imm_s(IntCC::Equal, x, NONE)),
            E::Cases(_, branches, otherwise) => {
                let join = b.create_block();
                let out = b.append_block_param(join, types::I64);
                for (when, value) in branches {
                    let w = self.expr(b, fx, when);
                    let then = b.create_block();
                    let next = b.create_block();
                    b.ins().brif(w, then, &[], next, &[]);
                    b.switch_to_block(then);
                    let v = self.expr(b, fx, value);
                    b.ins().jump(join, &[BlockArg::Value(v)]);
                    b.switch_to_block(next);
                }
                let v = self.expr(b, fx, otherwise);
                b.ins().jump(join, &[BlockArg::Value(v)]);
                b.switch_to_block(join);
                out
            }
            other => panic!("not in the model: {other:?}"),
        }
    }

    /// `x`, or `y` where `pick` of `x` holds.
    fn then_where(
        &mut self,
        b: &mut FunctionBuilder,
        fx: &mut Fx,
        x: &Expr,
        y: &Expr,
        pick: impl Fn(&mut FunctionBuilder, V) -> V,
    ) -> V {
        let x = self.expr(b, fx, x);
        let then = b.create_block();
        let join = b.create_block();
        let out = b.append_block_param(join, types::I64);
        let picked = pick(b, x);
        b.ins().brif(picked, then, &[], join, &[BlockArg::Value(x)]);
        b.switch_to_block(then);
        let y = self.expr(b, fx, y);
        b.ins().jump(join, &[BlockArg::Value(y)]);
        b.switch_to_block(join);
        out
    }

    /// A rule's answer: from its memo when stamped with the record's stamp,
    /// else from its function, then memoized; its error leaves this function.
    fn rule(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, id: RuleId) -> V {
        let (v, err) = self.memo_read(b, fx, id);
        let ok = b.create_block();
        b.ins().brif(err, fx.fail, &[BlockArg::Value(err)], ok, &[]);
        b.switch_to_block(ok);
        v
    }

    /// A rule's answer and error code: from its memo when stamped with the
    /// record's stamp, else from its function, then memoized.
    fn memo_read(&mut self, b: &mut FunctionBuilder, fx: &Fx, id: RuleId) -> (V, V) {
        let f = self.func(id);
        let fref = self.module.declare_func_in_func(f, b.func);
        let i = id.index() as i32;
        let stamps = self.load(b, fx, STAMPS);
        let vals = self.load(b, fx, VALS);
        let errs = self.load(b, fx, ERRS);
        let stamp = b.ins().load(types::I32, flags().with_readonly(), fx.ctx, STAMP);
        let have = b.ins().load(types::I32, flags(), stamps, i * 4);
        let hit = b.create_block();
        let miss = b.create_block();
        let join = b.create_block();
        let v = b.append_block_param(join, types::I64);
        let err = b.append_block_param(join, types::I32);
        let fresh = b.ins().icmp(IntCC::Equal, have, stamp);
        b.ins().brif(fresh, hit, &[], miss, &[]);
        b.switch_to_block(hit);
        let hv = b.ins().load(types::I64, flags(), vals, i * 8);
        let he = b.ins().load(types::I32, flags(), errs, i * 4);
        b.ins().jump(join, &[BlockArg::Value(hv), BlockArg::Value(he)]);
        b.switch_to_block(miss);
        let call = b.ins().call(fref, &[fx.ctx]);
        let (mv, me) = (b.inst_results(call)[0], b.inst_results(call)[1]);
        b.ins().store(flags(), mv, vals, i * 8);
        b.ins().store(flags(), me, errs, i * 4);
        b.ins().store(flags(), stamp, stamps, i * 4);
        b.ins().jump(join, &[BlockArg::Value(mv), BlockArg::Value(me)]);
        b.switch_to_block(join);
        (v, err)
    }

    /// A test of a text fact (`== "s"`, `!= none`, `in <constant list>`) on
    /// its word.
    fn text_op(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, op: Op, a: &Expr, x: &Expr) -> V {
        let s = self.expr(b, fx, a);
        let t = match (&x.kind, op) {
            (ExprKind::Const(Value::Str(t)), Op::Eq) => {
                let n = self.texts.number(t);
                b.ins().icmp_imm_s(IntCC::Equal, s, n)
            }
            (ExprKind::Const(Value::None), Op::Ne) => b.ins().icmp_imm_s(IntCC::NotEqual, s, NONE),
            (ExprKind::Rule(r), Op::In) => return member_of(b, s, &self.texts.numbers(&self.consts[r])),
            other => panic!("text op {other:?}"),
        };
        b.ins().uextend(types::I64, t)
    }
}

/// `a in [xs]`, for constant words.
fn member_of(b: &mut FunctionBuilder, a: V, xs: &[W]) -> V {
    let mut any = b.ins().iconst(types::I8, 0);
    for x in xs {
        let t = b.ins().icmp_imm_s(IntCC::Equal, a, *x);
        any = b.ins().bor(any, t);
    }
    b.ins().uextend(types::I64, any)
}

/// A record's plan: its answers into the slice's start, an [`Answer`] a query.
type PlanFn = extern "C" fn(*mut Ctx, *mut Answer);

/// A query's answer and error code (0: none), as the plan writes them.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Answer {
    val: W,
    err: u32,
}

struct Native {
    /// Keeps the code alive.
    _module: JITModule,
    plan: PlanFn,
    queries: usize,
    defaults: Vec<W>,
    texts: Texts,
}

fn native(prog: &Program, watched: bool) -> Native {
    let mut lw = Lower::new(prog, watched);
    let queries = query_ids(prog);
    let plan = lw.define_all(&queries);
    Native {
        _module: lw.module,
        // SAFETY: the plan was defined as `fn(ctx, out)`, two pointers in.
        plan: unsafe { std::mem::transmute::<*const u8, PlanFn>(plan) },
        queries: queries.len(),
        defaults: default_words(prog),
        texts: lw.texts,
    }
}

/// The machine state for evaluating records: the facts and the memo.
struct State<'t> {
    facts: Vec<W>,
    stamps: Vec<u32>,
    vals: Vec<W>,
    errs: Vec<u32>,
    table: &'t WorkdayTable,
    stamp: u32,
    /// The answers of a record.
    out: Vec<Answer>,
    observer: *mut Vec<(u32, u32)>,
}

/// Answers each record of `recs`, handing its answers to `each` as one array
/// (as the hand-written queries give theirs).
fn native_eval(n: &Native, st: &mut State, recs: &[Rec], each: &mut impl FnMut(usize, &[Answer])) {
    for (r, rec) in recs.iter().enumerate() {
        for &(f, w) in &rec.words {
            st.facts[f as usize] = w;
        }
        for (f, t) in &rec.texts {
            st.facts[*f as usize] = n.texts.word(t);
        }
        st.stamp += 1;
        let mut ctx = Ctx {
            facts: st.facts.as_ptr(),
            stamps: st.stamps.as_mut_ptr(),
            vals: st.vals.as_mut_ptr(),
            errs: st.errs.as_mut_ptr(),
            table: st.table,
            stamp: st.stamp,
            observer: st.observer,
        };
        (n.plan)(&mut ctx, st.out.as_mut_ptr());
        each(r, &st.out);
        // The next record starts from the defaults.
        for &(f, _) in &rec.words {
            st.facts[f as usize] = n.defaults[f as usize];
        }
        for (f, _) in &rec.texts {
            st.facts[*f as usize] = n.defaults[*f as usize];
        }
    }
}

/// A record's answers, one by one, as [`same_answers`] takes them.
fn one_by_one(r: usize, answers: &[Answer], each: &mut dyn FnMut(usize, usize, Result<W, u32>)) {
    for (i, a) in answers.iter().enumerate() {
        each(r, i, if a.err != 0 { Err(a.err) } else { Ok(a.val) });
    }
}

#[inline(never)]
fn native_rounds(n: &Native, st: &mut State, recs: &[Rec], rounds: u64) -> usize {
    let mut sink = 0;
    for _ in 0..rounds {
        native_eval(n, st, recs, &mut |r, a| {
            let _ = black_box(a);
            sink += r;
        });
    }
    sink
}

fn main() {
    let prog = program();
    let n = env_count("CBA_NATIVE_RECORDS", 20_000);
    let rounds = env_count("CBA_NATIVE_ROUNDS", 20);
    let recs = records(n);
    let facts = cba_facts(&prog, &recs);
    let words = to_words(&prog, &facts);
    let t = process_cpu();
    let code = native(&prog, false);
    println!("compiled in {:.2} ms of CPU", (process_cpu() - t).as_secs_f64() * 1e3);
    let mut st = State {
        facts: code.defaults.clone(),
        stamps: vec![0; prog.rules.len()],
        vals: vec![0; prog.rules.len()],
        errs: vec![0; prog.rules.len()],
        table: workdays(&prog),
        stamp: 0,
        out: vec![Answer::default(); code.queries],
        observer: std::ptr::null_mut(),
    };

    // The same answers as cba's, error for error, on the records and on the
    // records cut.
    let mut model = |recs: &[Rec], each: &mut dyn FnMut(usize, usize, Result<W, u32>)| {
        native_eval(&code, &mut st, recs, &mut |r, answers| one_by_one(r, answers, each))
    };
    let errs = same_answers(&prog, &facts, &mut model);
    let cut_errs = same_answers(&prog, &cut(&prog, &facts), &mut model);
    assert!(cut_errs > 0, "the cut records make errors");
    println!("{n} records, same answers as cba ({errs} errors; {cut_errs} with every third record cut)");

    // The code compiled to be watched answers the same, and tells of each
    // rule a record computes, entered and left.
    let watched = native(&prog, true);
    let mut events = Vec::new();
    st.observer = &mut events;
    let mut model = |recs: &[Rec], each: &mut dyn FnMut(usize, usize, Result<W, u32>)| {
        native_eval(&watched, &mut st, recs, &mut |r, answers| one_by_one(r, answers, each))
    };
    same_answers(&prog, &facts, &mut model);
    st.observer = std::ptr::null_mut();
    let enters = events.iter().filter(|e| e.1 == 0).count();
    assert!(enters >= facts.len() * QUERIES.len(), "every query's rule is entered");
    assert_eq!(
        enters * 2,
        events.len(),
        "every rule entered is left (the records make no errors)"
    );

    let mut timed = || black_box(native_rounds(&code, &mut st, &words, rounds));
    if std::env::var("CBA_NATIVE_ONLY").is_ok() {
        let t = process_cpu();
        timed();
        println!(
            "native: {:.1} ns",
            (process_cpu() - t).as_nanos() as f64 / (n * rounds) as f64
        );
        return;
    }
    five_runs(&prog, &recs, &facts, rounds, "native", &mut || {
        timed();
    });
}
