//! A model of block evaluation (issue 16), measured: the fifteen grievance
//! queries lowered from the checked IR into closures that run a block of 256
//! records a call — a fact or rule answer is a column of words (days,
//! variants, truth values, small counts, and texts numbered among the texts
//! the rules name), a call runs on a selection of live rows, a row's error is
//! a small code, a rule's memo is a column stamped per block. It asks what
//! sharing each closure's call among records would buy before the evaluator
//! is rewritten that way: it is not cba's evaluator, covers only the node
//! kinds these rules use (it panics on any other), and writes no messages or
//! explanations. Before it times anything it checks that its answers are
//! cba's on every record (error for error; the generated records make none).
//!
//! ```text
//! cargo bench --bench block        # block, cba and hand-written, 5 runs, ns a record
//! CBA_BLOCK_ONLY=1 CBA_BLOCK_RECORDS=2000 CBA_BLOCK_ROUNDS=10 valgrind --tool=callgrind \
//!     --toggle-collect='block::block_rounds*' target/release/deps/block-<hash>
//! ```
mod common;

use std::hint::black_box;
use std::sync::Arc;

use cba::eval::value::Value;
use cba::eval::workdays::WorkdayTable;
use cba::ir::{Builtin, Expr, ExprKind, Op, Program, RuleId};
use common::words::*;
use common::*;

const B: usize = 256;

type Col = Box<[W; B]>;
type Code = Box<dyn Fn(&mut Ctx, &[u16], &mut [W; B]) + Send + Sync>;

struct Memo {
    /// The block stamp when computed for every row of the block.
    full: u32,
    stamp: Box<[u32; B]>,
    val: Col,
    err: Box<[u32; B]>,
}

struct Ctx<'t> {
    table: &'t WorkdayTable,
    stamp: u32,
    words: Vec<Col>,
    rows: usize,
    memo: Vec<Memo>,
    err: Box<[u32; B]>,
    nerr: u32,
    sels: Vec<Vec<u16>>,
    cols: Vec<Col>,
}

impl Ctx<'_> {
    fn col(&mut self) -> Col {
        self.cols.pop().unwrap_or_else(|| Box::new([0; B]))
    }
    fn put(&mut self, c: Col) {
        self.cols.push(c)
    }
    fn sel(&mut self) -> Vec<u16> {
        let mut s = self.sels.pop().unwrap_or_else(|| Vec::with_capacity(B));
        s.clear();
        s
    }
    fn put_sel(&mut self, s: Vec<u16>) {
        self.sels.push(s)
    }
    #[inline(always)]
    fn fail(&mut self, r: u16, code: u32) {
        self.err[r as u8 as usize] = code;
        self.nerr += 1;
    }
    /// The rows of `sel` without an error.
    fn live(&mut self, sel: &[u16]) -> Vec<u16> {
        let mut s = self.sel();
        s.extend(sel.iter().copied().filter(|&r| self.err[r as u8 as usize] == 0));
        s
    }
}

/// Where a binary node's operand comes from: a constant, a fact's column read
/// in place, or a closure's column.
enum Operand {
    Const(W),
    Fact(usize, u32),
    Rule(RuleId, Arc<Code>),
    Code(Code),
}

struct Lower<'p> {
    prog: &'p Program,
    bodies: std::cell::RefCell<std::collections::HashMap<RuleId, Arc<Code>>>,
    /// Error codes handed out: each place that can fail has its own.
    codes: std::cell::Cell<u32>,
    /// Arguments of the inlined call being lowered.
    args: std::cell::RefCell<Vec<Vec<Expr>>>,
    consts: std::collections::HashMap<RuleId, Value>,
    texts: std::cell::RefCell<Texts>,
}

impl<'p> Lower<'p> {
    /// A new error code, for one place that can fail.
    fn error(&self) -> u32 {
        self.codes.set(self.codes.get() + 1);
        self.codes.get()
    }

    fn operand(&self, e: &Expr) -> Operand {
        match &e.kind {
            ExprKind::Const(v) => Operand::Const(word_of(v).expect("a word constant")),
            ExprKind::Fact(f) if word_fact(self.prog, *f) => Operand::Fact(f.index(), self.error()),
            ExprKind::Rule(id) => Operand::Rule(*id, self.rule(*id)),
            ExprKind::Local(i) => {
                let a = self.args.borrow().last().expect("in a call")[*i as usize].clone();
                self.operand(&a)
            }
            _ => Operand::Code(self.code(e)),
        }
    }

    fn rule(&self, id: RuleId) -> Arc<Code> {
        if let Some(c) = self.bodies.borrow().get(&id) {
            return c.clone();
        }
        let c = Arc::new(self.code(&self.prog.rules[id].body));
        self.bodies.borrow_mut().insert(id, c.clone());
        c
    }

    fn code(&self, e: &Expr) -> Code {
        use ExprKind as E;
        match &e.kind {
            E::Const(_) | E::Fact(_) | E::Local(_) => {
                let o = self.operand(e);
                Box::new(move |c, sel, out| {
                    fill(c, &o, sel, out);
                })
            }
            E::Rule(id) => {
                let id = *id;
                let body = self.rule(id);
                Box::new(move |c, sel, out| {
                    ensure(c, id, &body, sel);
                    let m = &c.memo[id.index()];
                    let mut bad = 0;
                    for &r in sel {
                        let r = r as u8 as usize;
                        out[r] = m.val[r];
                        c.err[r] = m.err[r];
                        bad |= m.err[r];
                    }
                    if bad != 0 {
                        c.nerr += 1;
                    }
                })
            }
            E::Call(f, args) => {
                self.args.borrow_mut().push(args.clone());
                let code = self.code(&self.prog.rules[*f].body);
                self.args.borrow_mut().pop();
                code
            }
            E::Builtin(Builtin::Required, args) => {
                let a = self.operand(&args[0]);
                let code = self.error();
                Box::new(move |c, sel, out| {
                    let mut t = c.col();
                    let sel = fill(c, &a, sel, &mut t);
                    for &r in sel.iter() {
                        let x = t[r as u8 as usize];
                        if x == NONE {
                            c.fail(r, code);
                        } else {
                            out[r as u8 as usize] = x;
                        }
                    }
                    c.put(t);
                })
            }
            E::Bin(op, a, b) if is_text(self.prog, a) => self.str_op(*op, a, b),
            E::Bin(Op::In, a, b) => member_of(self.operand(a), constant_words(b)),
            E::Bin(Op::DateAddWorkdays(sign), a, b) => {
                let sign = *sign;
                let a = self.operand(a);
                let b = self.operand(b);
                let none = self.error();
                let out_of = self.error();
                Box::new(move |c, sel, out| {
                    let mut ta = c.col();
                    let mut tb = c.col();
                    let sel = fill(c, &a, sel, &mut ta);
                    let sel = fill(c, &b, &sel, &mut tb);
                    let table = c.table;
                    for &r in sel.iter() {
                        let (d, n) = (ta[r as u8 as usize], tb[r as u8 as usize]);
                        if d == NONE || n == NONE {
                            c.fail(r, none);
                        } else {
                            match table.add_workdays(d as i32, sign * n, &[]) {
                                Ok(x) => out[r as u8 as usize] = x as W,
                                Err(_) => c.fail(r, out_of),
                            }
                        }
                    }
                    c.put(ta);
                    c.put(tb);
                })
            }
            E::Bin(op, a, b) => {
                let op = *op;
                let a = self.operand(a);
                let b = self.operand(b);
                let none = self.error();
                match op {
                    Op::Eq => node(a, b, none, false, |x, y| x == y),
                    Op::Ne => node(a, b, none, false, |x, y| x != y),
                    Op::Lt => node(a, b, none, true, |x, y| x < y),
                    Op::Le => node(a, b, none, true, |x, y| x <= y),
                    Op::Gt => node(a, b, none, true, |x, y| x > y),
                    Op::Ge => node(a, b, none, true, |x, y| x >= y),
                    other => panic!("op {other:?}"),
                }
            }
            // `a and b`: b where a is true; `a ?? b`: b where a is none.
            E::And(a, b) => then_where(self.code(a), self.code(b), |x| x != 0),
            E::Coalesce(a, b) => then_where(self.code(a), self.code(b), |x| x == NONE),
            E::Cases(_, branches, otherwise) => {
                let branches: Vec<(Code, Code)> = branches.iter().map(|(w, v)| (self.code(w), self.code(v))).collect();
                let otherwise = self.code(otherwise);
                Box::new(move |c, sel, out| {
                    let mut rest = c.sel();
                    rest.extend_from_slice(sel);
                    let mut t = c.col();
                    for (when, value) in &branches {
                        if rest.is_empty() {
                            break;
                        }
                        let before = c.nerr;
                        when(c, &rest, &mut t);
                        let errs = c.nerr != before;
                        let mut yes = c.sel();
                        let mut no = c.sel();
                        for &r in &rest {
                            if errs && c.err[r as u8 as usize] != 0 {
                                continue;
                            }
                            if t[r as u8 as usize] != 0 {
                                yes.push(r)
                            } else {
                                no.push(r)
                            }
                        }
                        if !yes.is_empty() {
                            value(c, &yes, out);
                        }
                        c.put_sel(yes);
                        c.put_sel(std::mem::replace(&mut rest, no));
                    }
                    if !rest.is_empty() {
                        otherwise(c, &rest, out);
                    }
                    c.put(t);
                    c.put_sel(rest);
                })
            }
            other => panic!("not in the spike: {other:?}"),
        }
    }

    /// A test of a text fact (`== "s"`, `!= none`, `in <constant list>`),
    /// on the fact's word: the text's number among the texts the rules name.
    fn str_op(&self, op: Op, a: &Expr, b: &Expr) -> Code {
        let ExprKind::Fact(f) = a.kind else {
            panic!("a text fact")
        };
        let fact = Operand::Fact(f.index(), self.error());
        match (&b.kind, op) {
            (ExprKind::Const(Value::Str(s)), Op::Eq) => {
                node(fact, Operand::Const(self.intern(s)), 0, false, |x, y| x == y)
            }
            (ExprKind::Const(Value::None), Op::Ne) => node(fact, Operand::Const(NONE), 0, false, |x, y| x != y),
            (ExprKind::Rule(r), Op::In) => member_of(fact, self.texts.borrow_mut().numbers(&self.consts[r])),
            other => panic!("text op {other:?}"),
        }
    }

    fn intern(&self, s: &Arc<str>) -> W {
        self.texts.borrow_mut().number(s)
    }
}

fn node<F: Fn(W, W) -> bool + Send + Sync + 'static>(a: Operand, b: Operand, none: u32, ordered: bool, cmp: F) -> Code {
    Box::new(move |c, sel, out| {
        let mut ta = c.col();
        let mut tb = c.col();
        let sel = fill(c, &a, sel, &mut ta);
        let sel = fill(c, &b, &sel, &mut tb);
        for &r in sel.iter() {
            let (x, y) = (ta[r as u8 as usize], tb[r as u8 as usize]);
            if ordered && (x == NONE || y == NONE) {
                c.fail(r, none);
            } else {
                out[r as u8 as usize] = cmp(x, y) as W;
            }
        }
        c.put(ta);
        c.put(tb);
    })
}

/// `a`, then `b` over the rows (without an error) where `a`'s answer passes `pick`.
fn then_where(a: Code, b: Code, pick: impl Fn(W) -> bool + Send + Sync + 'static) -> Code {
    Box::new(move |c, sel, out| {
        let before = c.nerr;
        a(c, sel, out);
        let mut rows = c.sel();
        let errs = c.nerr != before;
        for &r in sel {
            if !(errs && c.err[r as u8 as usize] != 0) && pick(out[r as u8 as usize]) {
                rows.push(r);
            }
        }
        if !rows.is_empty() {
            b(c, &rows, out);
        }
        c.put_sel(rows);
    })
}

/// `a in [xs]`, for a list of constant words.
fn member_of(a: Operand, xs: Vec<W>) -> Code {
    Box::new(move |c, sel, out| {
        let mut t = c.col();
        let sel = fill(c, &a, sel, &mut t);
        for &r in sel.iter() {
            out[r as u8 as usize] = xs.contains(&t[r as u8 as usize]) as W;
        }
        c.put(t);
    })
}

#[inline(always)]
fn get(c: &mut Ctx, o: &Operand, r: u16) -> Option<W> {
    match o {
        Operand::Const(x) => Some(*x),
        Operand::Fact(f, code) => {
            let x = c.words[*f][r as u8 as usize];
            if x == MISSING {
                c.fail(r, *code);
                None
            } else {
                Some(x)
            }
        }
        Operand::Rule(id, _) => {
            let m = &c.memo[id.index()];
            let e = m.err[r as u8 as usize];
            if e != 0 {
                c.fail(r, e);
                None
            } else {
                Some(m.val[r as u8 as usize])
            }
        }
        Operand::Code(_) => unreachable!(),
    }
}

/// Fills `t` with operand `o` at the rows of `sel`; the rows left without an
/// error.
fn fill<'s>(c: &mut Ctx, o: &Operand, sel: &'s [u16], t: &mut [W; B]) -> std::borrow::Cow<'s, [u16]> {
    match o {
        Operand::Code(code) => {
            let before = c.nerr;
            code(c, sel, t);
            if c.nerr != before {
                return std::borrow::Cow::Owned(c.live(sel));
            }
        }
        Operand::Const(x) => {
            for &r in sel {
                t[r as u8 as usize] = *x;
            }
        }
        Operand::Rule(id, body) => {
            ensure(c, *id, body, sel);
            let before = c.nerr;
            for &r in sel {
                if let Some(x) = get(c, o, r) {
                    t[r as u8 as usize] = x;
                }
            }
            if c.nerr != before {
                return std::borrow::Cow::Owned(c.live(sel));
            }
        }
        Operand::Fact(f, code) => {
            let before = c.nerr;
            let col = &c.words[*f];
            let mut missing = false;
            for &r in sel {
                let x = col[r as u8 as usize];
                missing |= x == MISSING;
                t[r as u8 as usize] = x;
            }
            if missing {
                for &r in sel {
                    if c.words[*f][r as u8 as usize] == MISSING {
                        c.fail(r, *code);
                    }
                }
            }
            if c.nerr != before {
                return std::borrow::Cow::Owned(c.live(sel));
            }
        }
    }
    std::borrow::Cow::Borrowed(sel)
}

/// Computes rule `id` at the rows of `sel` it has no answer for yet.
fn ensure(c: &mut Ctx, id: RuleId, body: &Code, sel: &[u16]) {
    let g = c.stamp;
    let m = &c.memo[id.index()];
    if m.full == g {
        return;
    }
    if sel.len() == c.rows && m.stamp[0] != g {
        // The whole block, nothing computed yet: every row.
        let mut t = c.col();
        body(c, sel, &mut t);
        let m = &mut c.memo[id.index()];
        std::mem::swap(&mut m.val, &mut t);
        m.err.copy_from_slice(&c.err[..]);
        m.full = g;
        m.stamp.fill(g);
        c.err.fill(0);
        c.put(t);
        return;
    }
    if sel.iter().all(|&r| m.stamp[r as u8 as usize] == g) {
        return;
    }
    let mut todo = c.sels.pop().unwrap_or_else(|| Vec::with_capacity(B));
    todo.clear();
    let m = &c.memo[id.index()];
    todo.extend(sel.iter().copied().filter(|&r| m.stamp[r as u8 as usize] != g));
    let mut t = c.col();
    body(c, &todo, &mut t);
    let m = &mut c.memo[id.index()];
    for &r in &todo {
        let r = r as u8 as usize;
        m.val[r] = t[r];
        m.err[r] = c.err[r];
        c.err[r] = 0;
        m.stamp[r] = g;
    }
    c.put(t);
    c.put_sel(todo);
}

struct Spike {
    queries: Vec<(RuleId, Arc<Code>)>,
    defaults_words: Vec<W>,
    /// The texts the rules name, numbered.
    texts: Texts,
}

fn spike(prog: &Program) -> Spike {
    let lw = Lower {
        prog,
        bodies: Default::default(),
        codes: Default::default(),
        args: Default::default(),
        consts: constants(prog),
        texts: Default::default(),
    };
    let queries = query_ids(prog).into_iter().map(|q| (q, lw.rule(q))).collect();
    Spike {
        texts: lw.texts.take(),
        queries,
        defaults_words: default_words(prog),
    }
}

fn ctx<'t>(prog: &Program, table: &'t WorkdayTable) -> Ctx<'t> {
    Ctx {
        table,
        stamp: 0,
        words: (0..prog.facts.len()).map(|_| Box::new([0; B])).collect(),
        rows: 0,
        memo: (0..prog.rules.len())
            .map(|_| Memo {
                full: 0,
                stamp: Box::new([0; B]),
                val: Box::new([0; B]),
                err: Box::new([0; B]),
            })
            .collect(),
        err: Box::new([0; B]),
        nerr: 0,
        sels: Vec::new(),
        cols: Vec::new(),
    }
}

fn block_eval(
    s: &Spike,
    c: &mut Ctx,
    facts: &[Rec],
    used: &[usize],
    each: &mut impl FnMut(usize, usize, Result<W, u32>),
) {
    let all: Vec<u16> = (0..B as u16).collect();
    for (b, block) in facts.chunks(B).enumerate() {
        c.stamp += 1;
        c.rows = block.len();
        for &f in used {
            let d = s.defaults_words[f];
            c.words[f][..block.len()].fill(d);
        }
        for (r, rec) in block.iter().enumerate() {
            for &(f, w) in &rec.words {
                c.words[f as usize][r as u8 as usize] = w;
            }
            for (f, t) in &rec.texts {
                c.words[*f as usize][r as u8 as usize] = s.texts.word(t);
            }
        }
        let sel = &all[..block.len()];
        for (q, body) in &s.queries {
            ensure(c, *q, body, sel);
        }
        let answers: Vec<(&Col, &[u32; B])> = s
            .queries
            .iter()
            .map(|(q, _)| {
                let m = &c.memo[q.index()];
                (&m.val, &*m.err)
            })
            .collect();
        for r in 0..block.len() {
            for (i, (val, err)) in answers.iter().enumerate() {
                let r8 = r as u8 as usize;
                each(b * B + r, i, if err[r8] != 0 { Err(err[r8]) } else { Ok(val[r8]) });
            }
        }
    }
}

#[inline(never)]
fn block_rounds(s: &Spike, c: &mut Ctx, facts: &[Rec], used: &[usize], rounds: u64) -> usize {
    let mut sink = 0;
    for _ in 0..rounds {
        block_eval(s, c, facts, used, &mut |_, i, a| {
            let _ = black_box(a);
            sink += i;
        });
    }
    sink
}

fn main() {
    let prog = program();
    let table = workdays(&prog);
    let n = env_count("CBA_BLOCK_RECORDS", 20_000);
    let rounds = env_count("CBA_BLOCK_ROUNDS", 20);
    let recs = records(n);
    let facts = cba_facts(&prog, &recs);
    let bfacts = to_words(&prog, &facts);
    let s = spike(&prog);
    let mut used: Vec<usize> = bfacts
        .iter()
        .flat_map(|r| r.words.iter().map(|(f, _)| *f).chain(r.texts.iter().map(|(f, _)| *f)))
        .map(usize::from)
        .collect();
    used.sort();
    used.dedup();
    let mut c = ctx(&prog, table);
    for (col, d) in c.words.iter_mut().zip(&s.defaults_words) {
        col.fill(*d);
    }

    // The same answers as cba's, error for error, on the records and on the
    // records cut.
    let mut model = |recs: &[Rec], each: &mut dyn FnMut(usize, usize, Result<W, u32>)| {
        block_eval(&s, &mut c, recs, &used, &mut |r, i, a| each(r, i, a))
    };
    let errs = same_answers(&prog, &facts, &mut model);
    let cut_errs = same_answers(&prog, &cut(&prog, &facts), &mut model);
    assert!(cut_errs > 0, "the cut records make errors");
    println!("{n} records, same answers as cba ({errs} errors; {cut_errs} with every third record cut)");

    let mut timed = || black_box(block_rounds(&s, &mut c, &bfacts, &used, rounds));
    if std::env::var("CBA_BLOCK_ONLY").is_ok() {
        let t = process_cpu();
        timed();
        println!(
            "block: {:.1} ns",
            (process_cpu() - t).as_nanos() as f64 / (n * rounds) as f64
        );
        return;
    }
    five_runs(&prog, &recs, &facts, rounds, "block", &mut || {
        timed();
    });
}
