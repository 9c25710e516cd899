//! Snapshot tests of the transforms (uninit, exceptions, refcount) on small
//! hand-built functions. Every transformed function is also run through the
//! refcount checker, which walks all paths.

use mypyc::ir::pprint::format_func;
use mypyc::ir::{
    ArgKind, BlockId, BranchKind, CallC, CmpKind, ErrorKind, FuncDecl, FuncIR, FuncRef, IntOpKind,
    Literal, ObjKind, Op, Param, RType, Steals, ValueId, ValueKind,
};
use mypyc::transform::{check_refcounts, run_all};

/// Builds a function op by op; every op gets the next source line.
struct Builder {
    f: FuncIR,
    cur: BlockId,
    line: u32,
}

impl Builder {
    fn new(name: &str, params: &[(&str, RType)], ret: RType) -> Builder {
        let decl = FuncDecl {
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
            has_wrapper: true,
            line: 1,
            nested: false,
        };
        Builder {
            f: FuncIR::new(decl, "m.py".into()),
            cur: BlockId(0),
            line: 1,
        }
    }

    fn arg(&self, i: usize) -> ValueId {
        self.f.args[i]
    }

    fn reg(&mut self, name: &str, t: RType) -> ValueId {
        self.f.new_value(t, ValueKind::Register, Some(name.into()))
    }

    fn block(&mut self) -> BlockId {
        self.f.new_block()
    }

    fn at(&mut self, b: BlockId) {
        self.cur = b;
    }

    fn op(&mut self, op: Op, t: RType) -> ValueId {
        self.line += 1;
        self.f.push(self.cur, op, t, self.line)
    }

    fn int(&mut self, value: i64) -> ValueId {
        self.op(
            Op::LoadInt {
                value,
                rtype: RType::Int,
            },
            RType::Int,
        )
    }

    fn str_lit(&mut self, s: &str) -> ValueId {
        self.op(
            Op::LoadLiteral {
                value: Literal::Str(s.into()),
                rtype: RType::STR,
            },
            RType::STR,
        )
    }

    fn call(&mut self, name: &str, args: &[ValueId], ret: RType) -> ValueId {
        let func = FuncRef {
            module: "m".into(),
            class: None,
            name: name.into(),
        };
        self.op(
            Op::Call {
                func,
                args: args.to_vec(),
                ret: ret.clone(),
            },
            ret,
        )
    }

    fn c(
        &mut self,
        function: &str,
        args: &[ValueId],
        ret: RType,
        error_kind: ErrorKind,
        steals: Steals,
    ) -> ValueId {
        let c = CallC {
            function: function.into(),
            args: args.to_vec(),
            ret: ret.clone(),
            error_kind,
            steals,
            is_borrowed: false,
            site_cache: None,
        };
        self.op(Op::CallC(c), ret)
    }

    fn assign(&mut self, dest: ValueId, src: ValueId) {
        self.op(Op::Assign { dest, src }, RType::Void);
    }

    fn goto(&mut self, b: BlockId) {
        self.op(Op::Goto(b), RType::Void);
    }

    fn branch(&mut self, value: ValueId, t: BlockId, e: BlockId) {
        let op = Op::Branch {
            value,
            true_label: t,
            false_label: e,
            kind: BranchKind::Bool,
            negated: false,
            traceback: None,
            rare: false,
        };
        self.op(op, RType::Void);
    }

    fn ret(&mut self, v: ValueId) {
        self.op(Op::Return(v), RType::Void);
    }

    fn none(&mut self) -> ValueId {
        self.op(
            Op::LoadInt {
                value: 1,
                rtype: RType::None,
            },
            RType::None,
        )
    }

    /// Run the transforms, check refcounts on every path, return the IR text.
    fn finish(mut self) -> String {
        run_all(&mut self.f);
        let text = format_func(&self.f);
        if let Err(errors) = check_refcounts(&self.f) {
            panic!("refcount check failed:\n{}\n{text}", errors.join("\n"));
        }
        text
    }
}

const OBJ: RType = RType::OBJECT;

#[test]
fn straight_line() {
    // def f(x: str) -> str: y = x + "a"; g(y); return y
    let mut b = Builder::new("f", &[("x", RType::STR)], RType::STR);
    let a = b.str_lit("a");
    let x = b.arg(0);
    let s = b.c(
        "PyUnicode_Concat",
        &[x, a],
        RType::STR,
        ErrorKind::Magic,
        Steals::None,
    );
    let y = b.reg("y", RType::STR);
    b.assign(y, s);
    b.call("g", &[y], RType::None);
    b.ret(y);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn if_else_with_borrowed_argument() {
    // def f(c: bool, a: object) -> object:
    //     if c: r = g(a)
    //     else: r = a
    //     return r
    let mut b = Builder::new("f", &[("c", RType::Bool), ("a", OBJ)], OBJ);
    let (then_b, else_b, join) = (b.block(), b.block(), b.block());
    let r = b.reg("r", OBJ);
    let (c, a) = (b.arg(0), b.arg(1));
    b.branch(c, then_b, else_b);
    b.at(then_b);
    let v = b.call("g", &[a], OBJ);
    b.assign(r, v);
    b.goto(join);
    b.at(else_b);
    b.assign(r, a);
    b.goto(join);
    b.at(join);
    b.ret(r);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn counting_loop() {
    // def f(n: int) -> int:
    //     i = 0; s = 0
    //     while i < n: s = s + i; i = i + 1
    //     return s
    let mut b = Builder::new("f", &[("n", RType::Int)], RType::Int);
    let (i, s) = (b.reg("i", RType::Int), b.reg("s", RType::Int));
    let (head, body, exit) = (b.block(), b.block(), b.block());
    let zero = b.int(0);
    b.assign(i, zero);
    let zero2 = b.int(0);
    b.assign(s, zero2);
    b.goto(head);
    b.at(head);
    let n = b.arg(0);
    let lt = b.c(
        "CPyTagged_IsLt",
        &[i, n],
        RType::Bit,
        ErrorKind::Never,
        Steals::None,
    );
    b.branch(lt, body, exit);
    b.at(body);
    let sum = b.c(
        "CPyTagged_Add",
        &[s, i],
        RType::Int,
        ErrorKind::Never,
        Steals::None,
    );
    b.assign(s, sum);
    let one = b.int(1);
    let next = b.c(
        "CPyTagged_Add",
        &[i, one],
        RType::Int,
        ErrorKind::Never,
        Steals::None,
    );
    b.assign(i, next);
    b.goto(head);
    b.at(exit);
    b.ret(s);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn register_reassigned_in_loop() {
    // def f() -> object:
    //     x = []
    //     while cond(): x = g()
    //     return x
    let mut b = Builder::new("f", &[], OBJ);
    let x = b.reg("x", OBJ);
    let (head, body, exit) = (b.block(), b.block(), b.block());
    let zero = b.op(
        Op::LoadInt {
            value: 0,
            rtype: RType::SsizeT,
        },
        RType::SsizeT,
    );
    let l = b.c(
        "PyList_New",
        &[zero],
        RType::LIST,
        ErrorKind::Magic,
        Steals::None,
    );
    b.assign(x, l);
    b.goto(head);
    b.at(head);
    let c = b.call("cond", &[], RType::Bool);
    b.branch(c, body, exit);
    b.at(body);
    let v = b.call("g", &[], OBJ);
    b.assign(x, v);
    b.goto(head);
    b.at(exit);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn stolen_operand_still_live() {
    // A list store steals the item, which is used again afterwards.
    let mut b = Builder::new("f", &[("l", RType::LIST)], OBJ);
    let v = b.call("g", &[], OBJ);
    let idx = b.op(
        Op::LoadInt {
            value: 0,
            rtype: RType::SsizeT,
        },
        RType::SsizeT,
    );
    let l = b.arg(0);
    let steals = Steals::Some(vec![false, false, true]);
    b.c(
        "CPyList_SetItemUnsafe",
        &[l, idx, v],
        RType::Void,
        ErrorKind::Never,
        steals,
    );
    b.call("h", &[v], RType::None);
    b.ret(v);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn borrowed_literal_stolen() {
    // x = "s"; y = x; a stealing call of the literal; return a literal.
    let mut b = Builder::new("f", &[("l", RType::LIST)], RType::STR);
    let s = b.str_lit("s");
    let x = b.reg("x", RType::STR);
    b.assign(x, s);
    let t = b.str_lit("t");
    let l = b.arg(0);
    b.c(
        "PyList_Append_Steal",
        &[l, t],
        RType::CInt,
        ErrorKind::NegInt,
        Steals::Some(vec![false, true]),
    );
    let u = b.str_lit("u");
    b.c(
        "Steal_Twice",
        &[u, u],
        RType::Bit,
        ErrorKind::False,
        Steals::All,
    );
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn failing_op_in_try_block() {
    // def f(a: object) -> object:
    //     v = h()
    //     try: r = g(a)       # may fail
    //     except: r = v       # v is live into the handler
    //     return r
    let mut b = Builder::new("f", &[("a", OBJ)], OBJ);
    let (body, handler, join) = (b.block(), b.block(), b.block());
    let r = b.reg("r", OBJ);
    let v = b.call("h", &[], OBJ);
    b.goto(body);
    b.f.block_mut(body).error_handler = Some(handler);
    b.at(body);
    let a = b.arg(0);
    let g = b.call("g", &[a], OBJ);
    b.assign(r, g);
    b.goto(join);
    b.at(handler);
    b.c(
        "CPy_CatchError",
        &[],
        RType::Void,
        ErrorKind::Never,
        Steals::None,
    );
    b.assign(r, v);
    b.goto(join);
    b.at(join);
    b.ret(r);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn uninitialized_register_read_on_one_path() {
    // def f(c: bool) -> object:
    //     if c: x = g()
    //     return x
    let mut b = Builder::new("f", &[("c", RType::Bool)], OBJ);
    let x = b.reg("x", OBJ);
    let (then_b, join) = (b.block(), b.block());
    let c = b.arg(0);
    b.branch(c, then_b, join);
    b.at(then_b);
    let v = b.call("g", &[], OBJ);
    b.assign(x, v);
    b.goto(join);
    b.at(join);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn uninitialized_float_uses_a_flag() {
    // def f(c: bool) -> float:
    //     if c: x = 1.0
    //     return x
    let mut b = Builder::new("f", &[("c", RType::Bool)], RType::Float);
    let x = b.reg("x", RType::Float);
    let (then_b, join) = (b.block(), b.block());
    let c = b.arg(0);
    b.branch(c, then_b, join);
    b.at(then_b);
    let v = b.op(Op::LoadFloat(1.0), RType::Float);
    b.assign(x, v);
    b.goto(join);
    b.at(join);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn deleted_register_is_checked() {
    // x = g(); del x; return x
    let mut b = Builder::new("f", &[], OBJ);
    let x = b.reg("x", OBJ);
    let v = b.call("g", &[], OBJ);
    b.assign(x, v);
    let e = b.op(Op::LoadErrorValue { rtype: OBJ }, OBJ);
    b.assign(x, e);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn argument_reassigned() {
    // def f(x: object) -> object: x = g(x); return x
    let mut b = Builder::new("f", &[("x", OBJ)], OBJ);
    let x = b.arg(0);
    let v = b.call("g", &[x], OBJ);
    b.assign(x, v);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn argument_reassigned_on_one_path() {
    // def f(c: bool, x: object) -> object:
    //     if c: x = g()
    //     return x
    let mut b = Builder::new("f", &[("c", RType::Bool), ("x", OBJ)], OBJ);
    let (then_b, join) = (b.block(), b.block());
    let (c, x) = (b.arg(0), b.arg(1));
    b.branch(c, then_b, join);
    b.at(then_b);
    let v = b.call("g", &[], OBJ);
    b.assign(x, v);
    b.goto(join);
    b.at(join);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn error_kinds_at_module_top_level() {
    // Every error kind, in `<module>`; returns None.
    let mut b = Builder::new("__top_level__", &[], RType::None);
    let d = b.c(
        "PyDict_New",
        &[],
        RType::DICT,
        ErrorKind::Magic,
        Steals::None,
    );
    let k = b.str_lit("k");
    b.c(
        "CPyDict_SetItem",
        &[d, k, k],
        RType::CInt,
        ErrorKind::NegInt,
        Steals::None,
    );
    let o = b.call("obj", &[], OBJ);
    b.c(
        "CPy_Check",
        &[o],
        RType::Bool,
        ErrorKind::False,
        Steals::None,
    );
    let fl = b.call("fl", &[], RType::Float);
    let fl2 = b.op(Op::FloatNeg(fl), RType::Float);
    b.call("use_float", &[fl2], RType::None);
    let raise = Op::RaiseStandardError {
        class: "ValueError".into(),
        message: Some("boom".into()),
    };
    b.op(raise, RType::Bit);
    b.op(Op::Unreachable, RType::Void);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn keep_alive_extends_lifetime() {
    // o = g(); p = borrow_item(o) (borrowed from o); h(p); keep_alive o
    let mut b = Builder::new("f", &[], RType::None);
    let o = b.call("g", &[], OBJ);
    let c = CallC {
        function: "CPyList_GetItemBorrow".into(),
        args: vec![o],
        ret: OBJ,
        error_kind: ErrorKind::Magic,
        steals: Steals::None,
        is_borrowed: true,
        site_cache: None,
    };
    let p = b.op(Op::CallC(c), OBJ);
    b.call("h", &[p], RType::None);
    b.op(Op::KeepAlive(vec![o]), RType::Void);
    let n = b.none();
    b.ret(n);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn tuple_values_and_unboxed_arithmetic() {
    // t = (a, b); u = t[1]; n = 1 + 2 (native); return u
    let mut b = Builder::new("f", &[("a", OBJ), ("b", RType::Int)], RType::Int);
    let tt = RType::Tuple(vec![OBJ, RType::Int]);
    let (a, bb) = (b.arg(0), b.arg(1));
    let t = b.op(
        Op::TupleSet {
            items: vec![a, bb],
            rtype: tt.clone(),
        },
        tt,
    );
    let u = b.op(
        Op::TupleGet {
            src: t,
            index: 1,
            rtype: RType::Int,
        },
        RType::Int,
    );
    let one = b.op(
        Op::LoadInt {
            value: 1,
            rtype: RType::I64,
        },
        RType::I64,
    );
    let sum = b.op(
        Op::IntOp {
            op: IntOpKind::Add,
            lhs: one,
            rhs: one,
            rtype: RType::I64,
        },
        RType::I64,
    );
    let cmp = b.op(
        Op::ComparisonOp {
            op: CmpKind::Sgt,
            lhs: sum,
            rhs: one,
        },
        RType::Bit,
    );
    let (yes, no) = (b.block(), b.block());
    b.branch(cmp, yes, no);
    b.at(yes);
    b.ret(u);
    b.at(no);
    let boxed = b.op(
        Op::Box {
            src: u,
            rtype: OBJ,
            steal: false,
        },
        OBJ,
    );
    let unboxed = b.op(
        Op::Unbox {
            src: boxed,
            rtype: RType::Int,
        },
        RType::Int,
    );
    b.ret(unboxed);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn unreachable_code_is_dropped() {
    let mut b = Builder::new("f", &[], RType::None);
    let dead = b.block();
    let n = b.none();
    b.ret(n);
    b.at(dead);
    let v = b.call("g", &[], OBJ);
    b.ret(v);
    let text = b.finish();
    assert!(!text.contains("CPyDef"), "{text}");
    assert!(!text.contains("m___g"), "{text}");
    assert!(!text.contains("L1:"), "{text}");
}

#[test]
fn transforms_are_deterministic() {
    let build = || {
        let mut b = Builder::new("f", &[("c", RType::Bool), ("a", OBJ)], OBJ);
        let x = b.reg("x", OBJ);
        let (t, j) = (b.block(), b.block());
        let (c, a) = (b.arg(0), b.arg(1));
        let v = b.call("g", &[a], OBJ);
        let w = b.call("g", &[v], OBJ);
        b.branch(c, t, j);
        b.at(t);
        b.assign(x, w);
        b.goto(j);
        b.at(j);
        b.call("h", &[v], RType::None);
        b.ret(x);
        b.finish()
    };
    let first = build();
    for _ in 0..5 {
        assert_eq!(build(), first);
    }
}

#[test]
fn self_assignment() {
    // def f() -> None: x = g(); x = x
    let mut b = Builder::new("f", &[], RType::None);
    let x = b.reg("x", OBJ);
    let v = b.call("g", &[], OBJ);
    b.assign(x, v);
    b.assign(x, x);
    let n = b.none();
    b.ret(n);
    insta::assert_snapshot!(b.finish());
}

#[test]
fn deleted_in_try_then_read_in_handler() {
    // def f() -> object:
    //     x = g()
    //     try:
    //         del x
    //         h()          # may fail with x unbound
    //         x = g()
    //     except:
    //         return x     # needs a check: x may be unbound here
    //     return x
    let mut b = Builder::new("f", &[], OBJ);
    let x = b.reg("x", OBJ);
    let (body, handler) = (b.block(), b.block());
    let v = b.call("g", &[], OBJ);
    b.assign(x, v);
    b.goto(body);
    b.f.block_mut(body).error_handler = Some(handler);
    b.at(body);
    let e = b.op(Op::LoadErrorValue { rtype: OBJ }, OBJ);
    b.assign(x, e);
    b.call("h", &[], RType::None);
    let w = b.call("g", &[], OBJ);
    b.assign(x, w);
    b.ret(x);
    b.at(handler);
    b.ret(x);
    insta::assert_snapshot!(b.finish());
}

/// `k = unbox(int, o)` in one block, then `box(k)` later: the box is `o`.
fn unbox_then_box(b: &mut Builder, o: ValueId) -> ValueId {
    let r = b.op(
        Op::Unbox {
            src: o,
            rtype: RType::Int,
        },
        RType::Int,
    );
    let k = b.reg("k", RType::Int);
    b.assign(k, r);
    k
}

fn box_int(b: &mut Builder, k: ValueId) -> ValueId {
    b.op(
        Op::Box {
            src: k,
            rtype: RType::Object(ObjKind::IntObj),
            steal: false,
        },
        RType::Object(ObjKind::IntObj),
    )
}

#[test]
fn unboxed_int_boxed_again_reuses_its_object() {
    // o = g(); k: int = o; h(k * 2); return box(k)  -> returns o itself
    let mut b = Builder::new("f", &[], OBJ);
    let o = b.call("g", &[], OBJ);
    let k = unbox_then_box(&mut b, o);
    b.call("h", &[k], RType::None);
    let boxed = box_int(&mut b, k);
    b.ret(boxed);
    let text = b.finish();
    assert!(text.contains("reuse_boxed("), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn int_boxed_after_its_object_changed_is_boxed_anew() {
    // o = g(); k: int = o; o = g(); return box(k): o no longer holds k.
    let mut b = Builder::new("f", &[], OBJ);
    let o = b.reg("o", OBJ);
    let first = b.call("g", &[], OBJ);
    b.assign(o, first);
    let k = unbox_then_box(&mut b, o);
    let second = b.call("g", &[], OBJ);
    b.assign(o, second);
    let boxed = box_int(&mut b, k);
    b.ret(boxed);
    let text = b.finish();
    assert!(!text.contains("reuse_boxed("), "{text}");
    assert!(text.contains("box(int_obj, k)"), "{text}");
}

#[test]
fn int_unboxed_on_one_path_only_is_boxed_anew() {
    // if c: k = unbox(a) else: k = 5; return box(k)
    let mut b = Builder::new("f", &[("c", RType::Bool), ("a", OBJ)], OBJ);
    let (then_b, else_b, join) = (b.block(), b.block(), b.block());
    let k = b.reg("k", RType::Int);
    b.branch(b.arg(0), then_b, else_b);
    b.at(then_b);
    let r = b.op(
        Op::Unbox {
            src: b.arg(1),
            rtype: RType::Int,
        },
        RType::Int,
    );
    b.assign(k, r);
    b.goto(join);
    b.at(else_b);
    let five = b.int(5);
    b.assign(k, five);
    b.goto(join);
    b.at(join);
    let boxed = box_int(&mut b, k);
    b.ret(boxed);
    let text = b.finish();
    assert!(!text.contains("reuse_boxed("), "{text}");
}

#[test]
fn register_unboxed_from_two_objects_reuses_the_current_one() {
    // k = unbox(a); h(box(k)); k = unbox(b2); return box(k)
    // Each box gets the object k was last unboxed from.
    let mut b = Builder::new("f", &[("a", OBJ), ("b2", OBJ)], OBJ);
    let a = b.arg(0);
    let k = unbox_then_box(&mut b, a);
    let first = box_int(&mut b, k);
    b.call("h", &[first], RType::None);
    let r = b.op(
        Op::Unbox {
            src: b.arg(1),
            rtype: RType::Int,
        },
        RType::Int,
    );
    b.assign(k, r);
    let second = box_int(&mut b, k);
    b.ret(second);
    let text = b.finish();
    assert!(text.contains("reuse_boxed(a)"), "{text}");
    assert!(text.contains("reuse_boxed(b2)"), "{text}");
    assert!(!text.contains("box(int_obj, k)"), "{text}");
}

#[test]
fn unread_assignments_and_boxes_are_dropped() {
    // k: int = arg; _ = box(k); u = g(); return k
    // The box into `_` goes; the call into the unread `u` stays.
    let mut b = Builder::new("f", &[("k", RType::Int)], RType::Int);
    let k = b.arg(0);
    let boxed = box_int(&mut b, k);
    let underscore = b.reg("_", OBJ);
    b.assign(underscore, boxed);
    let called = b.call("g", &[], OBJ);
    let u = b.reg("u", OBJ);
    b.assign(u, called);
    b.ret(k);
    let text = b.finish();
    assert!(!text.contains("box("), "{text}");
    assert!(!text.contains("_ ="), "{text}");
    assert!(text.contains("g()"), "{text}");
}
