//! Property tests of the transforms: randomly generated functions (loops,
//! `try` handlers, stolen and borrowed operands, `del`, possibly unassigned
//! locals) must come out well formed and pass the refcount path checker;
//! the checker itself must reject IR whose refcounting was broken on
//! purpose; and the analyses give the expected answers on small graphs.

use mypyc::analysis::{
    analyze_borrowed, analyze_liveness, analyze_maybe_defined, analyze_must_defined, Cfg,
    ErrorEdges,
};
use mypyc::ir::pprint::format_func;
use mypyc::ir::{
    ArgKind, BlockId, BranchKind, CallC, ErrorKind, FuncDecl, FuncIR, FuncRef, Literal, Op, Param,
    RType, Steals, ValueId, ValueKind,
};
use mypyc::transform::{check_refcounts, run_all};

const OBJ: RType = RType::OBJECT;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// A random one of `vs`.
trait Pick {
    fn pick(&mut self, vs: &[ValueId]) -> ValueId;
}

impl Pick for Rng {
    fn pick(&mut self, vs: &[ValueId]) -> ValueId {
        vs[self.below(vs.len())]
    }
}

fn decl(name: &str, params: &[(&str, RType)], ret: RType) -> FuncDecl {
    FuncDecl {
        func: FuncRef {
            module: "m".into(),
            class: None,
            name: name.into(),
        },
        params: params
            .iter()
            .map(|(n, t)| Param {
                name: (*n).into(),
                rtype: t.clone(),
                kind: ArgKind::Positional,
                pos_only: false,
            })
            .collect(),
        ret,
        has_wrapper: false,
        line: 1,
        nested: false,
    }
}

fn callc(function: &str, args: Vec<ValueId>, ret: RType, error_kind: ErrorKind) -> CallC {
    CallC {
        function: function.into(),
        args,
        ret,
        error_kind,
        steals: Steals::None,
        is_borrowed: false,
        site_cache: None,
    }
}

struct Gen {
    rng: Rng,
    f: FuncIR,
    regs: Vec<ValueId>,
    line: u32,
}

impl Gen {
    fn push(&mut self, b: BlockId, op: Op, t: RType) -> ValueId {
        self.line += 1;
        self.f.push(b, op, t, self.line)
    }

    /// One random non-control op; object results are added to `pool`.
    fn random_op(&mut self, b: BlockId, pool: &mut Vec<ValueId>) {
        let call = |name: &str| FuncRef {
            module: "m".into(),
            class: None,
            name: name.into(),
        };
        match self.rng.below(11) {
            0 | 1 => {
                let n = self.rng.below(3);
                let args = (0..n).map(|_| self.rng.pick(pool)).collect();
                let v = self.push(
                    b,
                    Op::Call {
                        func: call("g"),
                        args,
                        ret: OBJ,
                    },
                    OBJ,
                );
                pool.push(v);
            }
            2 => {
                let lit = Op::LoadLiteral {
                    value: Literal::Str("s".into()),
                    rtype: RType::STR,
                };
                let v = self.push(b, lit, RType::STR);
                pool.push(v);
            }
            3 | 4 => {
                let dest = self.rng.pick(&self.regs.clone());
                let src = self.rng.pick(pool);
                self.push(b, Op::Assign { dest, src }, RType::Void);
            }
            5 => {
                let src = self.rng.pick(pool);
                let mut c = callc("steal", vec![src, src], OBJ, ErrorKind::Magic);
                c.steals = Steals::Some(vec![true, self.rng.below(2) == 0]);
                let v = self.push(b, Op::CallC(c), OBJ);
                pool.push(v);
            }
            6 => {
                let regs = self.regs.clone();
                let reg = regs[self.rng.below(regs.len() - 1) + 1];
                let e = self.push(b, Op::LoadErrorValue { rtype: OBJ }, OBJ);
                self.push(b, Op::Assign { dest: reg, src: e }, RType::Void);
            }
            7 => {
                let src = self.rng.pick(pool);
                let mut c = callc("borrow_item", vec![src], OBJ, ErrorKind::Magic);
                c.is_borrowed = true;
                let v = self.push(b, Op::CallC(c), OBJ);
                pool.push(v);
                self.push(b, Op::KeepAlive(vec![src]), RType::Void);
            }
            8 => {
                let (x, y) = (self.rng.pick(pool), self.rng.pick(pool));
                let tt = RType::Tuple(vec![OBJ, OBJ]);
                let t = self.push(
                    b,
                    Op::TupleSet {
                        items: vec![x, y],
                        rtype: tt.clone(),
                    },
                    tt,
                );
                let v = self.push(
                    b,
                    Op::TupleGet {
                        src: t,
                        index: 1,
                        rtype: OBJ,
                    },
                    OBJ,
                );
                pool.push(v);
            }
            9 => {
                let src = self.rng.pick(pool);
                let v = self.push(
                    b,
                    Op::Cast {
                        src,
                        rtype: RType::STR,
                        borrow: false,
                    },
                    RType::STR,
                );
                pool.push(v);
            }
            _ => {
                let src = self.rng.pick(pool);
                let c = callc("check", vec![src], RType::CInt, ErrorKind::NegInt);
                self.push(b, Op::CallC(c), RType::CInt);
            }
        }
    }

    fn terminator(&mut self, b: BlockId, n: usize, pool: &[ValueId]) {
        let target = |rng: &mut Rng| BlockId(rng.below(n) as u32 + 1).min(BlockId(n as u32 - 1));
        match self.rng.below(8) {
            0 | 1 => {
                let v = self.rng.pick(pool);
                self.push(b, Op::Return(v), RType::Void);
            }
            2 | 3 => {
                let t = target(&mut self.rng);
                self.push(b, Op::Goto(t), RType::Void);
            }
            4 => {
                let raise = Op::RaiseStandardError {
                    class: "ValueError".into(),
                    message: None,
                };
                self.push(b, raise, RType::Bit);
                self.push(b, Op::Unreachable, RType::Void);
            }
            _ => {
                let cond = if self.rng.below(2) == 0 {
                    self.f.args[0]
                } else {
                    let func = FuncRef {
                        module: "m".into(),
                        class: None,
                        name: "cond".into(),
                    };
                    self.push(
                        b,
                        Op::Call {
                            func,
                            args: vec![],
                            ret: RType::Bool,
                        },
                        RType::Bool,
                    )
                };
                let (t, e) = (target(&mut self.rng), target(&mut self.rng));
                let op = Op::Branch {
                    value: cond,
                    true_label: t,
                    false_label: e,
                    kind: BranchKind::Bool,
                    negated: false,
                    traceback: None,
                    rare: false,
                };
                self.push(b, op, RType::Void);
            }
        }
    }
}

fn random_func(seed: u64) -> FuncIR {
    let params = [("c", RType::Bool), ("a", OBJ), ("x", OBJ)];
    let mut f = FuncIR::new(decl("f", &params, OBJ), "m.py".into());
    // The argument `x` is a register too: it may be reassigned.
    let mut regs = vec![f.args[2]];
    for name in ["p", "q", "r"] {
        regs.push(f.new_value(OBJ, ValueKind::Register, Some(name.into())));
    }
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        f,
        regs,
        line: 1,
    };
    let n = 2 + g.rng.below(5);
    for _ in 1..n {
        g.f.new_block();
    }
    for i in 0..n {
        let b = BlockId(i as u32);
        if i > 0 && g.rng.below(4) == 0 {
            g.f.block_mut(b).error_handler = Some(BlockId(g.rng.below(n - 1) as u32 + 1));
        }
        let mut pool: Vec<ValueId> = vec![g.f.args[1], g.f.args[2]];
        pool.extend(g.regs.iter().copied());
        if i == 0 {
            // Define most locals up front so that most paths are feasible.
            for reg in g.regs.clone().into_iter().skip(1) {
                if g.rng.below(4) != 0 {
                    let src = g.rng.pick(&[g.f.args[1], g.f.args[2]]);
                    g.push(b, Op::Assign { dest: reg, src }, RType::Void);
                }
            }
        }
        for _ in 0..g.rng.below(6) {
            g.random_op(b, &mut pool);
        }
        g.terminator(b, n, &pool);
    }
    g.f
}

/// Every block ends with its only control op; labels and handlers are in range.
fn assert_well_formed(f: &FuncIR) {
    let text = format_func(f);
    for (i, block) in f.blocks.iter().enumerate() {
        let last = block.insts.len().checked_sub(1);
        assert!(last.is_some(), "empty block L{i}\n{text}");
        for (j, inst) in block.insts.iter().enumerate() {
            assert_eq!(
                inst.op.is_control(),
                Some(j) == last,
                "L{i}[{j}] misplaced control op\n{text}"
            );
            for s in inst.op.successors() {
                assert!(s.index() < f.blocks.len(), "bad label\n{text}");
            }
            assert!(
                !matches!(inst.op, Op::KeepAlive(_)),
                "keep_alive left in\n{text}"
            );
        }
        if let Some(h) = block.error_handler {
            assert!(h.index() < f.blocks.len(), "bad handler\n{text}");
        }
    }
}

#[test]
fn random_functions_pass_the_checker() {
    let mut total_ops = 0;
    for seed in 0..3000 {
        let mut f = random_func(seed);
        let before = format_func(&f);
        run_all(&mut f);
        assert_well_formed(&f);
        if let Err(errors) = check_refcounts(&f) {
            panic!(
                "seed {seed}:\n{}\n--- input\n{before}\n--- output\n{}",
                errors.join("\n"),
                format_func(&f)
            );
        }
        let mut again = random_func(seed);
        run_all(&mut again);
        assert_eq!(
            format_func(&again),
            format_func(&f),
            "seed {seed} not deterministic"
        );
        total_ops += f.blocks.iter().map(|b| b.insts.len()).sum::<usize>();
    }
    assert!(total_ops > 10_000, "generator too small: {total_ops} ops");
}

/// Transform `f`, then check that dropping any single refcount op or
/// duplicating any `dec_ref` is caught by the checker.
fn assert_each_refcount_op_matters(mut f: FuncIR) {
    run_all(&mut f);
    check_refcounts(&f).expect("transformed function passes");
    let mut mutated = 0;
    for b in 0..f.blocks.len() {
        for i in 0..f.blocks[b].insts.len() {
            let op = f.blocks[b].insts[i].op.clone();
            if !matches!(op, Op::IncRef(_) | Op::DecRef { xdec: false, .. }) {
                continue;
            }
            let mut dropped = f.clone();
            dropped.blocks[b].insts.remove(i);
            assert!(
                check_refcounts(&dropped).is_err(),
                "dropping L{b}[{i}] not caught:\n{}",
                format_func(&f)
            );
            if matches!(op, Op::DecRef { .. }) {
                let mut doubled = f.clone();
                let inst = doubled.blocks[b].insts[i].clone();
                doubled.blocks[b].insts.insert(i, inst);
                assert!(
                    check_refcounts(&doubled).is_err(),
                    "double L{b}[{i}] not caught"
                );
            }
            mutated += 1;
        }
    }
    assert!(
        mutated > 0,
        "no refcount ops to mutate:\n{}",
        format_func(&f)
    );
}

#[test]
fn checker_catches_broken_refcounts() {
    // f(a, l): v = g(a); steal(l-literal); w = h(v); return v  (on several paths)
    let mut f = FuncIR::new(
        decl("f", &[("c", RType::Bool), ("a", OBJ)], OBJ),
        "m.py".into(),
    );
    let (c, a) = (f.args[0], f.args[1]);
    let call = |name: &str| FuncRef {
        module: "m".into(),
        class: None,
        name: name.into(),
    };
    let (t, e) = (f.new_block(), f.new_block());
    let x = f.new_value(OBJ, ValueKind::Register, Some("x".into()));
    let v = f.push(
        BlockId(0),
        Op::Call {
            func: call("g"),
            args: vec![a],
            ret: OBJ,
        },
        OBJ,
        2,
    );
    let lit = Op::LoadLiteral {
        value: Literal::Str("s".into()),
        rtype: RType::STR,
    };
    let s = f.push(BlockId(0), lit, RType::STR, 3);
    let mut st = callc("steal", vec![s], RType::CInt, ErrorKind::NegInt);
    st.steals = Steals::All;
    f.push(BlockId(0), Op::CallC(st), RType::CInt, 3);
    f.push(BlockId(0), Op::Assign { dest: x, src: a }, RType::Void, 4);
    let br = Op::Branch {
        value: c,
        true_label: t,
        false_label: e,
        kind: BranchKind::Bool,
        negated: false,
        traceback: None,
        rare: false,
    };
    f.push(BlockId(0), br, RType::Void, 4);
    let w = f.push(
        t,
        Op::Call {
            func: call("h"),
            args: vec![v, x],
            ret: OBJ,
        },
        OBJ,
        5,
    );
    f.push(t, Op::Return(w), RType::Void, 5);
    f.push(e, Op::Return(v), RType::Void, 6);
    assert_each_refcount_op_matters(f);
}

#[test]
fn checker_reports_leak_and_use_after_release() {
    let mut f = FuncIR::new(decl("f", &[], OBJ), "m.py".into());
    let call = FuncRef {
        module: "m".into(),
        class: None,
        name: "g".into(),
    };
    let v = f.push(
        BlockId(0),
        Op::Call {
            func: call.clone(),
            args: vec![],
            ret: OBJ,
        },
        OBJ,
        1,
    );
    let w = f.push(
        BlockId(0),
        Op::Call {
            func: call,
            args: vec![],
            ret: OBJ,
        },
        OBJ,
        2,
    );
    f.push(
        BlockId(0),
        Op::DecRef {
            src: w,
            xdec: false,
        },
        RType::Void,
        3,
    );
    f.push(BlockId(0), Op::IncRef(w), RType::Void, 3);
    f.push(BlockId(0), Op::Return(v), RType::Void, 4);
    let errors = check_refcounts(&f).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("after its reference was released")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("leak")), "{errors:?}");
}

#[test]
fn analyses_on_a_loop() {
    // L0: i = a; goto L1
    // L1: branch c L2 L3
    // L2: v = g(i); i = v; goto L1
    // L3: return i
    let mut f = FuncIR::new(
        decl("f", &[("c", RType::Bool), ("a", OBJ)], OBJ),
        "m.py".into(),
    );
    let (c, a) = (f.args[0], f.args[1]);
    let i = f.new_value(OBJ, ValueKind::Register, Some("i".into()));
    let j = f.new_value(OBJ, ValueKind::Register, Some("j".into()));
    let (head, body, exit) = (f.new_block(), f.new_block(), f.new_block());
    f.push(BlockId(0), Op::Assign { dest: i, src: a }, RType::Void, 1);
    f.push(BlockId(0), Op::Goto(head), RType::Void, 1);
    let br = Op::Branch {
        value: c,
        true_label: body,
        false_label: exit,
        kind: BranchKind::Bool,
        negated: false,
        traceback: None,
        rare: false,
    };
    f.push(head, br, RType::Void, 2);
    let func = FuncRef {
        module: "m".into(),
        class: None,
        name: "g".into(),
    };
    let v = f.push(
        body,
        Op::Call {
            func,
            args: vec![i],
            ret: OBJ,
        },
        OBJ,
        3,
    );
    f.push(body, Op::Assign { dest: i, src: v }, RType::Void, 3);
    f.push(body, Op::Assign { dest: j, src: v }, RType::Void, 3);
    f.push(body, Op::Goto(head), RType::Void, 3);
    f.push(exit, Op::Return(i), RType::Void, 4);
    let cfg = Cfg::new(&f, ErrorEdges::Ignore);

    let live = analyze_liveness(&f, &cfg);
    let members = |s: &mypyc::analysis::BitSet| s.values().collect::<Vec<_>>();
    assert_eq!(members(live.block_entry(head)), vec![c, i]);
    assert_eq!(members(live.block_entry(body)), vec![c, i]);
    assert_eq!(members(live.block_entry(BlockId(0))), vec![c, a]);
    let body_states = live.op_states(&f, body);
    assert!(body_states[0].after.contains_value(v) && !body_states[0].after.contains_value(i));

    let must = analyze_must_defined(&f, &cfg, true);
    let maybe = analyze_maybe_defined(&f, &cfg, true);
    assert!(must.block_entry(head).contains_value(i));
    assert!(!must.block_entry(head).contains_value(j));
    assert!(maybe.block_entry(head).contains_value(j));
    assert!(must.block_entry(exit).contains_value(a));

    let borrowed = analyze_borrowed(&f, &cfg);
    assert!(borrowed.block_entry(head).contains_value(a));
    assert!(!borrowed.block_entry(head).contains_value(i));
}

#[test]
fn borrowed_argument_killed_on_one_path() {
    // L0: branch c L1 L2;  L1: x = g(); goto L2;  L2: return x
    let mut f = FuncIR::new(
        decl("f", &[("c", RType::Bool), ("x", OBJ)], OBJ),
        "m.py".into(),
    );
    let (c, x) = (f.args[0], f.args[1]);
    let (l1, l2) = (f.new_block(), f.new_block());
    let br = Op::Branch {
        value: c,
        true_label: l1,
        false_label: l2,
        kind: BranchKind::Bool,
        negated: false,
        traceback: None,
        rare: false,
    };
    f.push(BlockId(0), br, RType::Void, 1);
    let func = FuncRef {
        module: "m".into(),
        class: None,
        name: "g".into(),
    };
    let v = f.push(
        l1,
        Op::Call {
            func,
            args: vec![],
            ret: OBJ,
        },
        OBJ,
        2,
    );
    f.push(l1, Op::Assign { dest: x, src: v }, RType::Void, 2);
    f.push(l1, Op::Goto(l2), RType::Void, 2);
    f.push(l2, Op::Return(x), RType::Void, 3);
    let cfg = Cfg::new(&f, ErrorEdges::Ignore);
    let borrowed = analyze_borrowed(&f, &cfg);
    assert!(borrowed.block_exit(BlockId(0)).contains_value(x));
    assert!(!borrowed.block_exit(l1).contains_value(x));
    assert!(!borrowed.block_entry(l2).contains_value(x));
}

/// Mutation score of the checker on random functions: dropping one
/// refcount op must usually be caught (the rest sit on paths the checker
/// proves infeasible, e.g. after a read of a never-assigned local).
#[test]
fn checker_catches_most_dropped_refcount_ops() {
    let (mut caught, mut total) = (0, 0);
    for seed in 0..300 {
        let mut f = random_func(seed);
        run_all(&mut f);
        for b in 0..f.blocks.len() {
            for i in 0..f.blocks[b].insts.len() {
                if matches!(f.blocks[b].insts[i].op, Op::IncRef(_) | Op::DecRef { .. }) {
                    let mut g = f.clone();
                    g.blocks[b].insts.remove(i);
                    total += 1;
                    caught += usize::from(check_refcounts(&g).is_err());
                }
            }
        }
    }
    assert!(total > 1000, "too few refcount ops: {total}");
    assert!(caught * 10 >= total * 7, "caught only {caught} of {total}");
}

#[test]
fn large_function_is_transformed() {
    // 2000 blocks in a chain with forward branches, 300 locals.
    let mut f = FuncIR::new(
        decl("big", &[("c", RType::Bool), ("a", OBJ)], OBJ),
        "m.py".into(),
    );
    let (c, a) = (f.args[0], f.args[1]);
    let regs: Vec<ValueId> = (0..300)
        .map(|i| f.new_value(OBJ, ValueKind::Register, Some(format!("v{i}"))))
        .collect();
    let n = 2000;
    for _ in 1..n {
        f.new_block();
    }
    let func = FuncRef {
        module: "m".into(),
        class: None,
        name: "g".into(),
    };
    for i in 0..n {
        let b = BlockId(i as u32);
        let (src, dest) = (regs[(i * 7) % 300], regs[(i * 13 + 1) % 300]);
        let args = if i < 300 { vec![a] } else { vec![src, a] };
        let v = f.push(
            b,
            Op::Call {
                func: func.clone(),
                args,
                ret: OBJ,
            },
            OBJ,
            i as u32,
        );
        f.push(b, Op::Assign { dest, src: v }, RType::Void, i as u32);
        if i + 2 < n {
            let br = Op::Branch {
                value: c,
                true_label: BlockId(i as u32 + 1),
                false_label: BlockId(i as u32 + 2),
                kind: BranchKind::Bool,
                negated: false,
                traceback: None,
                rare: false,
            };
            f.push(b, br, RType::Void, i as u32);
        } else {
            f.push(b, Op::Return(regs[0]), RType::Void, i as u32);
        }
    }
    run_all(&mut f);
    assert_well_formed(&f);
    let decs = f
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .filter(|i| matches!(i.op, Op::DecRef { .. }));
    assert!(decs.count() > 1000);
}
