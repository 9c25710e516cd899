//! Stack checks: runaway recursion in compiled code raises `RecursionError`
//! instead of overflowing the C stack.
//!
//! Compiled code recurses in one of two ways. Through Python objects (a
//! function or method object, a type slot, a generator step): there CPython
//! counts the call against the recursion limit, or lib-rt checks the stack
//! (`CPyFunction` calls, generator steps). Or through direct C calls alone,
//! which nothing else sees: those are the cycles of `analysis::callgraph`,
//! and every direct call from a function to one on its own cycle is
//! preceded by a stack check (`CPy_CheckStack`, lib-rt). So every cycle of
//! calls passes a check.
//!
//! The check compares the stack pointer with a limit near the end of the
//! thread's C stack, as CPython 3.12+ bounds the recursion of C code: one
//! load and a compare, and nothing when the function returns, which is what
//! makes it affordable in a function as small as `fib`; being at the call
//! rather than on entry, it costs the leaves of a recursion nothing, and
//! a call that an earlier check of the same frame dominates needs none. The
//! limit is the stack's size, not `sys.setrecursionlimit`: frames of direct
//! compiled calls are not Python frames, and a deep compiled recursion that
//! fits in the stack works (as it does with mypyc), whatever the limit.
//! When the check fails, it raises `RecursionError` like any op that fails:
//! the exception transform gives it its error branch and a traceback entry
//! at the line of the call.
//!
//! Runs before the per-function transforms, once the call graph of the
//! whole build is known (cycles may cross modules and groups).

use crate::analysis::callgraph::{CallTargets, Cycles};
use crate::analysis::{Cfg, ErrorEdges};
use crate::ir::{FuncIR, GroupIR, Inst, Op, ValueKind};
use crate::primitives;
use crate::primitives::Internal;

/// Puts a stack check before every direct call of the build that may lead
/// back to its caller through direct calls only.
pub fn insert_stack_checks(groups: &mut [GroupIR]) {
    let Some(check) = primitives::generic(Internal::CheckStack) else {
        return;
    };
    let targets = CallTargets::new(groups);
    let cycles = Cycles::new(groups, &targets);
    for g in groups.iter_mut() {
        for m in &mut g.modules {
            for f in &mut m.functions {
                let caller = f.decl.func.clone();
                let recursing = |op: &Op| {
                    targets
                        .of(op)
                        .into_iter()
                        .any(|t| cycles.same_cycle(&caller, t))
                };
                insert_before(f, check, recursing);
            }
        }
    }
}

/// Inserts a call of `check` before the instructions of `f` whose op
/// satisfies `wanted`, except where a check made earlier in the same call
/// is certain (the stack pointer does not move within a call).
fn insert_before(f: &mut FuncIR, check: &primitives::Primitive, wanted: impl Fn(&Op) -> bool) {
    let checks: Vec<Option<usize>> = f
        .blocks
        .iter()
        .map(|b| b.insts.iter().position(|i| wanted(&i.op)))
        .collect();
    if checks.iter().all(Option::is_none) {
        return;
    }
    let checked = checked_on_entry(f, &checks);
    for b in f.block_ids() {
        let (Some(i), false) = (checks[b.index()], checked[b.index()]) else {
            continue;
        };
        let line = f.block(b).insts[i].line;
        let call = check.call(vec![]);
        let result = f.new_value(call.ret.clone(), ValueKind::OpResult, None);
        let op = Op::CallC(call);
        f.block_mut(b).insts.insert(i, Inst { op, result, line });
    }
}

/// For each block: has every path from the entry to it passed a check,
/// given the blocks that make one (`checks`)? A must-analysis over the
/// control-flow graph; a `try` handler may be entered from any op of a
/// block it guards, so only the state at that block's entry counts for it.
fn checked_on_entry(f: &FuncIR, checks: &[Option<usize>]) -> Vec<bool> {
    let cfg = Cfg::new(f, ErrorEdges::Implicit);
    let n = f.blocks.len();
    let mut checked = vec![true; n];
    checked[f.entry.index()] = false;
    let mut changed = true;
    while changed {
        changed = false;
        for b in f.block_ids().filter(|b| *b != f.entry) {
            let i = b.index();
            let from_preds = cfg.preds[i]
                .iter()
                .all(|p| checked[p.index()] || checks[p.index()].is_some());
            let from_guarded = cfg.handler_users[i].iter().all(|u| checked[u.index()]);
            let now = from_preds && from_guarded;
            if now != checked[i] {
                checked[i] = now;
                changed = true;
            }
        }
    }
    checked
}
