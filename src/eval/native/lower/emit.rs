//! Cranelift's IR for what [`Lower::covers`] accepted: the plan, and a
//! function for each rule read in more than one place.

use super::*;

impl Lower<'_> {
    /// Defines the plan, `fn(ctx, out) -> stopped`, answering `answers` into
    /// `out` (a word each), and the function of every rule it calls. The
    /// plan's code.
    pub(super) fn define(&mut self, answers: &[(RuleId, WordKind)]) -> Result<*const u8, String> {
        let mut ctx = self.module.make_context();
        let mut fctx = FunctionBuilderContext::new();
        let mut sig = self.module.make_signature();
        sig.params.extend([AbiParam::new(types::I64); 2]);
        sig.returns.push(AbiParam::new(types::I32));
        let plan = self
            .module
            .declare_function("plan", Linkage::Local, &sig)
            .map_err(|e| e.to_string())?;
        ctx.func.signature = sig;
        ctx.func.name = UserFuncName::user(0, plan.as_u32());
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            let stop = b.create_block();
            b.switch_to_block(entry);
            let (c, out) = (b.block_params(entry)[0], b.block_params(entry)[1]);
            let mut fx = Fx {
                ctx: c,
                stop,
                args: Vec::new(),
            };
            for (i, (q, _)) in answers.iter().enumerate() {
                let v = self.read_rule(&mut b, &mut fx, *q);
                b.ins().store(flags(), v, out, (i * 8) as i32);
            }
            let done = b.ins().iconst(types::I32, 0);
            b.ins().return_(&[done]);
            b.switch_to_block(stop);
            let stopped = b.ins().iconst(types::I32, 1);
            b.ins().return_(&[stopped]);
            b.seal_all_blocks();
            b.finalize(self.module.target_config());
        }
        self.module.define_function(plan, &mut ctx).map_err(|e| e.to_string())?;
        self.module.clear_context(&mut ctx);
        while let Some(id) = self.todo.pop() {
            let f = self.funcs[&id];
            ctx.func.signature = self.rule_sig.clone();
            ctx.func.name = UserFuncName::user(0, f.as_u32());
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            let stop = b.create_block();
            b.switch_to_block(entry);
            let mut fx = Fx {
                ctx: b.block_params(entry)[0],
                stop,
                args: Vec::new(),
            };
            let v = self.expr(&mut b, &mut fx, &self.prog.rules[id].body.clone());
            let go = b.ins().iconst(types::I32, 0);
            b.ins().return_(&[v, go]);
            b.switch_to_block(stop);
            let (zero, stopped) = (b.ins().iconst(types::I64, 0), b.ins().iconst(types::I32, 1));
            b.ins().return_(&[zero, stopped]);
            b.seal_all_blocks();
            b.finalize(self.module.target_config());
            self.module.define_function(f, &mut ctx).map_err(|e| e.to_string())?;
            self.module.clear_context(&mut ctx);
        }
        self.module.finalize_definitions().map_err(|e| e.to_string())?;
        Ok(self.module.get_finalized_function(plan))
    }

    /// Rule `id`'s function, declared (and queued to define) when first met.
    fn func(&mut self, id: RuleId) -> FuncId {
        if let Some(f) = self.funcs.get(&id) {
            return *f;
        }
        let f = self
            .module
            .declare_function(&format!("r{}", id.index()), Linkage::Local, &self.rule_sig)
            .expect("a fresh name with the rules' signature declares");
        self.funcs.insert(id, f);
        self.todo.push(id);
        f
    }

    /// Stops where `cond` holds.
    fn stop_if(&self, b: &mut FunctionBuilder, fx: &Fx, cond: V) {
        let go = b.create_block();
        b.ins().brif(cond, fx.stop, &[], go, &[]);
        b.switch_to_block(go);
    }

    /// `x`, stopping if it is `word`.
    fn stop_at(&self, b: &mut FunctionBuilder, fx: &Fx, x: V, word: i64) -> V {
        let is = b.ins().icmp_imm_s(IntCC::Equal, x, word);
        self.stop_if(b, fx, is);
        x
    }

    /// A field of the context, the same for the whole call.
    fn field(&self, b: &mut FunctionBuilder, fx: &Fx, at: i32) -> V {
        b.ins()
            .load(types::I64, flags().with_readonly().with_can_move(), fx.ctx, at)
    }

    /// A call of helper `f` with the context and two words.
    fn helper(
        &self,
        b: &mut FunctionBuilder,
        fx: &Fx,
        f: extern "C" fn(*mut super::super::Ctx, i64, i64) -> i64,
        x: V,
        y: V,
    ) -> V {
        let sig = b.import_signature(self.helper_sig.clone());
        let callee = b.ins().iconst(types::I64, f as usize as i64);
        let call = b.ins().call_indirect(sig, callee, &[fx.ctx, x, y]);
        b.inst_results(call)[0]
    }

    fn expr(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, e: &Expr) -> V {
        use ExprKind as E;
        match &e.kind {
            E::Const(v) => b.ins().iconst(types::I64, word(v).expect("covered: a word")),
            E::Fact(f) => {
                let words = self.field(b, fx, WORDS);
                let x = b.ins().load(types::I64, flags(), words, (f.index() * 8) as i32);
                // Held in its slot: missing, mistyped, or not of its kind.
                self.stop_at(b, fx, x, crate::eval::slots::IN_SLOT)
            }
            E::Local(i) => {
                let mine = fx.args.pop().expect("covered: a local is read in a call");
                let v = self.expr(b, fx, &mine[*i as usize]);
                fx.args.push(mine);
                v
            }
            E::Call(f, xs) => {
                fx.args.push(xs.clone());
                let v = self.expr(b, fx, &self.prog.rules[*f].body.clone());
                fx.args.pop();
                v
            }
            E::Rule(id) => self.read_rule(b, fx, *id),
            E::Builtin(Builtin::Required, xs) => {
                let x = self.expr(b, fx, &xs[0]);
                self.stop_at(b, fx, x, NONE)
            }
            E::Bin(op, a, x) if self.text_fact(a).is_some() => {
                let f = self.text_fact(a).expect("a text fact");
                self.text_op(b, fx, *op, f, x)
            }
            E::Bin(Op::In, a, list) => {
                let E::List(xs) = &list.kind else {
                    unreachable!("covered: a constant list")
                };
                let words: Vec<i64> = xs
                    .iter()
                    .map(|x| match &x.kind {
                        E::Const(v) => word(v).expect("covered: a word"),
                        _ => unreachable!("covered: constants"),
                    })
                    .collect();
                let a = self.expr(b, fx, a);
                member_of(b, a, &words)
            }
            E::Bin(Op::DateAddWorkdays(sign), a, n) => {
                let d = self.expr(b, fx, a);
                let n = self.expr(b, fx, n);
                let d = self.stop_at(b, fx, d, NONE);
                let n = self.stop_at(b, fx, n, NONE);
                let n = if *sign == 1 { n } else { b.ins().imul_imm_s(n, *sign) };
                self.add_workdays(b, fx, d, n)
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
                    _ => unreachable!("covered: a comparison"),
                };
                if !matches!(op, Op::Eq | Op::Ne) {
                    // Ordering `none` fails.
                    let xn = b.ins().icmp_imm_s(IntCC::Equal, x, NONE);
                    let yn = b.ins().icmp_imm_s(IntCC::Equal, y, NONE);
                    let either = b.ins().bor(xn, yn);
                    self.stop_if(b, fx, either);
                }
                let t = b.ins().icmp(cc, x, y);
                b.ins().uextend(types::I64, t)
            }
            E::Not(a) => {
                let a = self.expr(b, fx, a);
                b.ins().bxor_imm_s(a, 1)
            }
            // `a and b`: b where a is true; `a or b`: b where a is false;
            // `a ?? b`: b where a is none.
            E::And(x, y) => self.then_where(b, fx, x, y, |_, x| x),
            E::Or(x, y) => self.then_where(b, fx, x, y, |b, x| b.ins().icmp_imm_s(IntCC::Equal, x, 0)),
            E::Coalesce(x, y) => self.then_where(b, fx, x, y, |b, x| b.ins().icmp_imm_s(IntCC::Equal, x, NONE)),
            E::If(c, x, y) => {
                let join = b.create_block();
                let out = b.append_block_param(join, types::I64);
                self.branch(b, fx, c, x, join);
                let v = self.expr(b, fx, y);
                b.ins().jump(join, &[BlockArg::Value(v)]);
                b.switch_to_block(join);
                out
            }
            E::Cases(_, branches, otherwise) => {
                let join = b.create_block();
                let out = b.append_block_param(join, types::I64);
                for (when, value) in branches {
                    self.branch(b, fx, when, value, join);
                }
                let v = self.expr(b, fx, otherwise);
                b.ins().jump(join, &[BlockArg::Value(v)]);
                b.switch_to_block(join);
                out
            }
            _ => unreachable!("covered: {:?}", e.kind),
        }
    }

    /// `d` moved `n` workdays: the workday table's common case in line (a
    /// count forward, no closures, the answer in the table: as
    /// [`crate::eval::workdays::WorkdayTable::add_workdays`] takes it),
    /// anything else by the helper, which goes the closures' way.
    fn add_workdays(&mut self, b: &mut FunctionBuilder, fx: &Fx, d: V, n: V) -> V {
        let (slow, fast, done) = (b.create_block(), b.create_block(), b.create_block());
        let out = b.append_block_param(done, types::I64);
        let prefix = self.field(b, fx, PREFIX);
        let positive = b.ins().icmp_imm_s(IntCC::SignedGreaterThan, n, 0);
        let table = b.ins().icmp_imm_s(IntCC::NotEqual, prefix, 0);
        let go = b.ins().band(positive, table);
        b.ins().brif(go, fast, &[], slow, &[]);
        // i = d - first, a day of the table when 0 <= i < prefix's length - 1;
        // before = prefix[i + 1].
        b.switch_to_block(fast);
        let first = self.field(b, fx, FIRST);
        let i = b.ins().isub(d, first);
        let i1 = b.ins().iadd_imm_s(i, 1);
        let prefix_len = self.field(b, fx, PREFIX_LEN);
        let days = b.ins().iadd_imm_s(prefix_len, -1);
        let inside = b.ins().icmp(IntCC::UnsignedLessThan, i, days);
        let (look, found) = (b.create_block(), b.create_block());
        b.ins().brif(inside, look, &[], slow, &[]);
        b.switch_to_block(look);
        let at = b.ins().ishl_imm_u(i1, 2);
        let at = b.ins().iadd(prefix, at);
        let before = b.ins().uload32(flags(), at, 0);
        // k = before + n; the k-th workday when 1 <= k <= nth's length.
        let k = b.ins().iadd(before, n);
        let nth_len = self.field(b, fx, NTH_LEN);
        let k1 = b.ins().iadd_imm_s(k, -1);
        let fits = b.ins().icmp(IntCC::UnsignedLessThan, k1, nth_len);
        b.ins().brif(fits, found, &[], slow, &[]);
        b.switch_to_block(found);
        let nth = self.field(b, fx, NTH);
        let at = b.ins().ishl_imm_u(k1, 2);
        let at = b.ins().iadd(nth, at);
        let offset = b.ins().uload32(flags(), at, 0);
        let day = b.ins().iadd(first, offset);
        let one = b.ins().iconst(types::I64, 1);
        b.ins().store(flags(), one, fx.ctx, COUNTED);
        b.ins().jump(done, &[BlockArg::Value(day)]);
        b.switch_to_block(slow);
        let moved = self.helper(b, fx, super::super::add_workdays, d, n);
        let moved = self.stop_at(b, fx, moved, STOP);
        b.ins().jump(done, &[BlockArg::Value(moved)]);
        b.switch_to_block(done);
        out
    }

    /// `when` holds: `value` to `join`; else on, in the block after.
    fn branch(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, when: &Expr, value: &Expr, join: Block) {
        let w = self.expr(b, fx, when);
        let (then, next) = (b.create_block(), b.create_block());
        b.ins().brif(w, then, &[], next, &[]);
        b.switch_to_block(then);
        let v = self.expr(b, fx, value);
        b.ins().jump(join, &[BlockArg::Value(v)]);
        b.switch_to_block(next);
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
        let (then, join) = (b.create_block(), b.create_block());
        let out = b.append_block_param(join, types::I64);
        let picked = pick(b, x);
        b.ins().brif(picked, then, &[], join, &[BlockArg::Value(x)]);
        b.switch_to_block(then);
        let y = self.expr(b, fx, y);
        b.ins().jump(join, &[BlockArg::Value(y)]);
        b.switch_to_block(join);
        out
    }

    /// Rule `id`'s answer: its body here when this is the one place that
    /// reads it; else from its memo when stamped with the record's stamp,
    /// or from its function, then memoized. Its stop stops this function.
    fn read_rule(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, id: RuleId) -> V {
        if self.reads[&id] == 1 {
            let mut own = Fx {
                ctx: fx.ctx,
                stop: fx.stop,
                args: Vec::new(),
            };
            return self.expr(b, &mut own, &self.prog.rules[id].body.clone());
        }
        let f = self.func(id);
        let fref = self.module.declare_func_in_func(f, b.func);
        let i = id.index() as i32;
        let stamps = self.field(b, fx, STAMPS);
        let vals = self.field(b, fx, VALS);
        let stamp = b
            .ins()
            .load(types::I32, flags().with_readonly().with_can_move(), fx.ctx, STAMP);
        let have = b.ins().load(types::I32, flags(), stamps, i * 4);
        let (hit, miss, join) = (b.create_block(), b.create_block(), b.create_block());
        let v = b.append_block_param(join, types::I64);
        let fresh = b.ins().icmp(IntCC::Equal, have, stamp);
        b.ins().brif(fresh, hit, &[], miss, &[]);
        b.switch_to_block(hit);
        let memo = b.ins().load(types::I64, flags(), vals, i * 8);
        b.ins().jump(join, &[BlockArg::Value(memo)]);
        b.switch_to_block(miss);
        let call = b.ins().call(fref, &[fx.ctx]);
        let (computed, stopped) = (b.inst_results(call)[0], b.inst_results(call)[1]);
        self.stop_if(b, fx, stopped);
        b.ins().store(flags(), computed, vals, i * 8);
        b.ins().store(flags(), stamp, stamps, i * 4);
        b.ins().jump(join, &[BlockArg::Value(computed)]);
        b.switch_to_block(join);
        v
    }

    /// A test of text fact `f` (`== "s"`, `!= none`, `in <constant list>`)
    /// on its number among the texts the rules name.
    fn text_op(&mut self, b: &mut FunctionBuilder, fx: &mut Fx, op: Op, f: FactId, x: &Expr) -> V {
        if !self.text_facts.contains(&f.index()) {
            self.text_facts.push(f.index());
        }
        let words = self.field(b, fx, TEXT_WORDS);
        let s = b.ins().load(types::I64, flags(), words, (f.index() * 8) as i32);
        let s = self.stop_at(b, fx, s, STOP);
        let w = match &x.kind {
            ExprKind::Const(Value::Str(t)) => self.texts.number(t),
            ExprKind::Const(Value::None) => NONE,
            ExprKind::Rule(r) => {
                let list = self.text_list(*r).expect("covered: a constant list of texts");
                let words: Vec<i64> = list.iter().map(|t| self.texts.number(t)).collect();
                return member_of(b, s, &words);
            }
            _ => unreachable!("covered: a text or none"),
        };
        let cc = if op == Op::Eq { IntCC::Equal } else { IntCC::NotEqual };
        let t = b.ins().icmp_imm_s(cc, s, w);
        b.ins().uextend(types::I64, t)
    }
}

/// `a in [words]`.
fn member_of(b: &mut FunctionBuilder, a: V, words: &[i64]) -> V {
    let mut any = b.ins().iconst(types::I8, 0);
    for w in words {
        let t = b.ins().icmp_imm_s(IntCC::Equal, a, *w);
        any = b.ins().bor(any, t);
    }
    b.ins().uextend(types::I64, any)
}
