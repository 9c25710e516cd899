//! The unread-values transform: drops the ops whose only effect is a value
//! nothing reads.
//!
//! irbuild writes every assignment, also to names the program never reads
//! back: the `_` of `for _ in range(n)` (typed `Any`, so each iteration
//! boxes the counter: an allocation outside the small-int cache) or a
//! variable whose uses were all in code that turned out unreachable. An op
//! that cannot fail and has no effect besides its result (an assignment, a
//! constant, a box, unboxed arithmetic) is dropped when no op reads what it
//! defines; dropping it may leave its own operands unread, so the search
//! goes on until nothing more is dropped. Ops that may fail, call out or
//! write memory stay, read or not.
//!
//! Runs first, before the other transforms: they only ever see reads that
//! exist, so the refcount transform releases nothing for a dropped value.

use crate::ir::{FuncIR, Op};

/// Does `op` have no effect besides defining its value (and never fail)?
fn only_defines(op: &Op) -> bool {
    matches!(
        op,
        Op::Assign { .. }
            | Op::LoadInt { .. }
            | Op::LoadFloat(_)
            | Op::LoadErrorValue { .. }
            | Op::LoadLiteral { .. }
            | Op::Box { .. }
            | Op::TupleSet { .. }
            | Op::TupleGet { .. }
            | Op::IntOp { .. }
            | Op::ComparisonOp { .. }
            | Op::FloatOp { .. }
            | Op::FloatNeg(_)
            | Op::FloatComparisonOp { .. }
            | Op::IntConvert { .. }
    )
}

/// Drop the effect-free ops whose values no op reads.
pub fn drop_unread_values(f: &mut FuncIR) {
    let mut reads = vec![0usize; f.values.len()];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        for v in inst.op.sources() {
            reads[v.index()] += 1;
        }
    }
    // Arguments are defined by the caller; an unread one stays as it is.
    loop {
        let mut dropped = false;
        for block in &mut f.blocks {
            block.insts.retain(|inst| {
                let unread = only_defines(&inst.op) && reads[inst.defined().index()] == 0;
                if unread {
                    for v in inst.op.sources() {
                        reads[v.index()] -= 1;
                    }
                    dropped = true;
                }
                !unread
            });
        }
        if !dropped {
            return;
        }
    }
}
