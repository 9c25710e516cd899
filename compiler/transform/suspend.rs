//! The suspend transform: turns a generator's resume function, built by
//! irbuild as straight-line code with `Suspend` ops, into a function that
//! can stop at each suspension point and later continue from it.
//!
//! The resume function takes `(gen, sent, exc)`. For suspension point `k`:
//!
//! ```text
//!     <values live after the point are stored into the state struct>
//!     gen.set_label(k); return <yielded value>
//! Lk: <the live values are loaded back into their registers>
//!     if exc != NULL: raise exc            (throw() into the generator)
//!     <result of the Suspend> = sent
//!     <rest of the original block>
//! ```
//!
//! and a new entry block dispatches on the generator's label to `Lk`, or
//! to the original entry for a fresh start. Values live across a
//! suspension point that are op results become registers first, so that
//! the reload can assign them; liveness is taken with the implicit edges
//! into `try` handlers, so handlers find their values too. Runs after the
//! uninit transform (locals that may be unset hold their error value, which
//! is saved and restored like any other) and before the exception and
//! refcount transforms, which treat the result as ordinary code.

use crate::analysis::{analyze_liveness, BitSet, Cfg, ErrorEdges};
use crate::ir::*;
use crate::primitives;
use crate::primitives::Internal;

/// Lower every suspension point of a generator's resume function.
pub fn lower_suspensions(f: &mut FuncIR) {
    let Some(mut state) = f.suspend.clone() else {
        return;
    };
    let spilled = values_live_across(f);
    for v in spilled.iter().map(|i| ValueId(i as u32)) {
        if f.value(v).kind == ValueKind::OpResult {
            make_register(f, v);
        }
    }
    let mut resumes = vec![];
    while let Some((b, i)) = find_suspend(f) {
        let live = live_after(f, b, i);
        let fields: Vec<(ValueId, usize)> = live
            .into_iter()
            .map(|v| (v, field_for(&mut state, f, v)))
            .collect();
        let label = resumes.len() as i64 + 1;
        resumes.push((label, split_at(f, &state, b, i, label, &fields)));
    }
    add_dispatch(f, &resumes);
    f.suspend = Some(state);
}

/// The field of the state struct that keeps value `v`.
fn field_for(state: &mut SuspendState, f: &FuncIR, v: ValueId) -> usize {
    let name = format!("__mypyc_v{}", v.0);
    if let Some(i) = state.fields.iter().position(|(n, _)| *n == name) {
        return i;
    }
    state.fields.push((name, f.rtype(v).clone()));
    state.fields.len() - 1
}

fn find_suspend(f: &FuncIR) -> Option<(BlockId, usize)> {
    f.block_ids().find_map(|b| {
        f.block(b)
            .insts
            .iter()
            .position(|i| matches!(i.op, Op::Suspend(_)))
            .map(|i| (b, i))
    })
}

/// Values (other than arguments) live right after the suspension point
/// `i` of block `b`, including those its handler needs.
fn live_after(f: &FuncIR, b: BlockId, i: usize) -> Vec<ValueId> {
    let cfg = Cfg::new(f, ErrorEdges::Implicit);
    let live = analyze_liveness(f, &cfg);
    let mut set: BitSet = live.op_states(f, b)[i].after.clone();
    if let Some(h) = f.block(b).error_handler {
        set.union_with(live.block_entry(h));
    }
    let result = f.block(b).insts[i].result;
    set.iter()
        .map(|v| ValueId(v as u32))
        .filter(|&v| v != result && !matches!(f.value(v).kind, ValueKind::Arg(_)))
        .filter(|&v| !matches!(f.rtype(v), RType::Void))
        .collect()
}

/// Every value live across some suspension point.
fn values_live_across(f: &FuncIR) -> BitSet {
    let mut all = BitSet::new(f.values.len());
    for b in f.block_ids() {
        for (i, inst) in f.block(b).insts.iter().enumerate() {
            if matches!(inst.op, Op::Suspend(_)) {
                for v in live_after(f, b, i) {
                    all.insert_value(v);
                }
            }
        }
    }
    all
}

/// Turn op result `v` into a register: its op defines a fresh value that
/// is then assigned to `v`.
fn make_register(f: &mut FuncIR, v: ValueId) {
    let Some((b, i)) = f.block_ids().find_map(|b| {
        f.block(b)
            .insts
            .iter()
            .position(|inst| inst.result == v)
            .map(|i| (b, i))
    }) else {
        return;
    };
    let rtype = f.rtype(v).clone();
    let fresh = f.new_value(rtype, ValueKind::OpResult, None);
    let unit = f.new_value(RType::Void, ValueKind::OpResult, None);
    f.values[v.index()].kind = ValueKind::Register;
    let block = f.block_mut(b);
    block.insts[i].result = fresh;
    let line = block.insts[i].line;
    block.insts.insert(
        i + 1,
        Inst {
            op: Op::Assign {
                dest: v,
                src: fresh,
            },
            result: unit,
            line,
        },
    );
}

fn push(f: &mut FuncIR, b: BlockId, op: Op, rtype: RType, line: u32) -> ValueId {
    f.push(b, op, rtype, line)
}

fn prim(f: &mut FuncIR, b: BlockId, op: Internal, args: Vec<ValueId>, line: u32) -> ValueId {
    let p = primitives::generic(op).expect("generator primitives are registered");
    let call = p.call(args);
    let ret = call.ret.clone();
    push(f, b, Op::CallC(call), ret, line)
}

/// Split block `b` at the suspension point `i`; returns the block that
/// resumes there.
fn split_at(
    f: &mut FuncIR,
    state: &SuspendState,
    b: BlockId,
    i: usize,
    label: i64,
    fields: &[(ValueId, usize)],
) -> BlockId {
    let (gen, sent, exc) = (f.args[0], f.args[1], f.args[2]);
    let rest = f.block_mut(b).insts.split_off(i + 1);
    let Some(suspend) = f.block_mut(b).insts.pop() else {
        return b;
    };
    let Op::Suspend(value) = suspend.op else {
        return b;
    };
    let line = suspend.line;
    let handler = f.block(b).error_handler;
    // Save and return.
    let env = prim(f, b, Internal::GenEnv, vec![gen], line);
    for &(v, field) in fields {
        let op = Op::SetField {
            obj: env,
            strct: state.strct.clone(),
            field,
            value: v,
            steal: true,
        };
        push(f, b, op, RType::Void, line);
    }
    let k = push(
        f,
        b,
        Op::LoadInt {
            value: label,
            rtype: RType::CInt,
        },
        RType::CInt,
        line,
    );
    prim(f, b, Internal::GenSetLabel, vec![gen, k], line);
    push(f, b, Op::Return(value), RType::Void, line);
    // Resume: reload, raise a thrown exception, continue.
    let resume = f.new_block();
    f.block_mut(resume).error_handler = handler;
    let env = prim(f, resume, Internal::GenEnv, vec![gen], line);
    for &(v, field) in fields {
        let rtype = f.rtype(v).clone();
        let op = Op::GetField {
            obj: env,
            strct: state.strct.clone(),
            field,
            rtype: rtype.clone(),
            take: true,
        };
        let loaded = push(f, resume, op, rtype, line);
        push(
            f,
            resume,
            Op::Assign {
                dest: v,
                src: loaded,
            },
            RType::Void,
            line,
        );
    }
    let cont = f.new_block();
    f.block_mut(cont).error_handler = handler;
    let throw = raise_block(f, exc, handler, line);
    branch_on_exc(f, resume, exc, cont, throw, line);
    f.values[suspend.result.index()].kind = ValueKind::Register;
    push(
        f,
        cont,
        Op::Assign {
            dest: suspend.result,
            src: sent,
        },
        RType::Void,
        line,
    );
    f.block_mut(cont).insts.extend(rest);
    resume
}

/// A block raising the thrown exception `exc` (into `handler`).
fn raise_block(f: &mut FuncIR, exc: ValueId, handler: Option<BlockId>, line: u32) -> BlockId {
    let b = f.new_block();
    f.block_mut(b).error_handler = handler;
    prim(f, b, Internal::GenRaiseObject, vec![exc], line);
    push(f, b, Op::Unreachable, RType::Void, line);
    b
}

/// `if exc == NULL goto cont else goto throw`.
fn branch_on_exc(
    f: &mut FuncIR,
    b: BlockId,
    exc: ValueId,
    cont: BlockId,
    throw: BlockId,
    line: u32,
) {
    let op = Op::Branch {
        value: exc,
        true_label: cont,
        false_label: throw,
        kind: BranchKind::IsError,
        negated: false,
        traceback: None,
        rare: false,
    };
    push(f, b, op, RType::Void, line);
}

/// Make block 0 dispatch on the generator's label: to the resumption
/// blocks, or (label 0) to the original entry, raising a thrown exception
/// first.
fn add_dispatch(f: &mut FuncIR, resumes: &[(i64, BlockId)]) {
    let (gen, exc) = (f.args[0], f.args[2]);
    let start = f.new_block();
    let entry = std::mem::take(&mut f.block_mut(BlockId(0)).insts);
    f.block_mut(start).insts = entry;
    f.block_mut(start).error_handler = f.block(BlockId(0)).error_handler;
    for b in f.block_ids().collect::<Vec<_>>() {
        let block = f.block_mut(b);
        if block.error_handler == Some(BlockId(0)) {
            block.error_handler = Some(start);
        }
        if let Some(last) = block.insts.last_mut() {
            for s in last.op.successors_mut() {
                if *s == BlockId(0) {
                    *s = start;
                }
            }
        }
    }
    let line = f.decl.line;
    let label = prim(f, BlockId(0), Internal::GenLabel, vec![gen], line);
    let mut cur = BlockId(0);
    for &(k, target) in resumes {
        let kv = push(
            f,
            cur,
            Op::LoadInt {
                value: k,
                rtype: RType::CInt,
            },
            RType::CInt,
            line,
        );
        let eq = push(
            f,
            cur,
            Op::ComparisonOp {
                op: CmpKind::Eq,
                lhs: label,
                rhs: kv,
            },
            RType::Bit,
            line,
        );
        let next = f.new_block();
        let op = Op::Branch {
            value: eq,
            true_label: target,
            false_label: next,
            kind: BranchKind::Bool,
            negated: false,
            traceback: None,
            rare: false,
        };
        push(f, cur, op, RType::Void, line);
        cur = next;
    }
    let throw = raise_block(f, exc, None, line);
    branch_on_exc(f, cur, exc, start, throw, line);
}
