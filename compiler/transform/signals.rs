//! Signal polls: compiled loops check for pending signals, so that Ctrl-C
//! (`KeyboardInterrupt`) and the other Python signal handlers run while a
//! compiled loop runs, as they run between the bytecodes of interpreted
//! code. Without them a compiled `while True:` could only be stopped by
//! killing the process.
//!
//! Every loop header (every block that a retreating edge of a depth-first
//! walk of the control-flow graph leads to, `Cfg::loop_headers`: every
//! cycle of the graph has such an edge, so every loop is covered whatever
//! its shape) counts down a register of the function, and every
//! `POLL_INTERVAL`-th time polls (`CPy_PollSignals`, lib-rt: a look at the
//! interpreter's "signals pending" flag, and the handlers when it is set).
//! The countdown is a register decrement and a branch the C compiler keeps
//! out of memory, which is what makes the check affordable in loops of a
//! few instructions; the interval keeps the delay of a signal to a few
//! dozen iterations of the slowest loop. The poll raises what a handler
//! raises, like any op that fails: the exception transform, which runs
//! later, gives it its error branch and a traceback entry at the line of
//! the loop.
//!
//! Runs before the suspend transform, on the loops as irbuild built them
//! (the countdown is then saved across `yield` like any live register).

use crate::analysis::{Cfg, ErrorEdges};
use crate::ir::{
    BasicBlock, BlockId, BranchKind, CmpKind, FuncIR, Inst, IntOpKind, Op, RType, ValueId,
    ValueKind,
};
use crate::primitives;
use crate::primitives::Internal;

/// Loop-header visits between two polls.
pub const POLL_INTERVAL: i64 = 32;

/// Counts down at every loop header of `f`, polling every `POLL_INTERVAL`.
pub fn insert_signal_polls(f: &mut FuncIR) {
    let Some(poll) = primitives::generic(Internal::PollSignals) else {
        return;
    };
    let mut headers = loop_headers(f);
    if headers.is_empty() {
        return;
    }
    if headers.contains(&f.entry) {
        // The countdown starts in the entry block, which must then not be
        // part of the loop: its instructions move to a block of their own.
        let entry = f.entry;
        let rest = f.new_block();
        let old = std::mem::take(f.block_mut(entry));
        *f.block_mut(rest) = old;
        let line = f.decl.line;
        f.push(entry, Op::Goto(rest), RType::Void, line);
        headers = loop_headers(f);
    }
    let line = f.decl.line;
    let countdown = f.new_value(RType::SsizeT, ValueKind::Register, None);
    let mut start = Vec::new();
    let interval = load_ssize(f, &mut start, POLL_INTERVAL, line);
    assign(f, &mut start, countdown, interval, line);
    let entry = f.entry;
    f.block_mut(entry).insts.splice(0..0, start);
    for header in headers {
        // The header keeps its id (its predecessors need no change): its
        // instructions move to `body`, and it becomes the countdown.
        let line = f.block(header).insts.first().map_or(line, |i| i.line);
        let body = f.new_block();
        let old = std::mem::take(f.block_mut(header));
        // A poll inside a `try` raises into its handler.
        let error_handler = old.error_handler;
        *f.block_mut(body) = old;
        let polling = f.new_block();
        let mut count = Vec::new();
        let one = load_ssize(f, &mut count, 1, line);
        let left = push(
            f,
            &mut count,
            Op::IntOp {
                op: IntOpKind::Sub,
                lhs: countdown,
                rhs: one,
                rtype: RType::SsizeT,
            },
            RType::SsizeT,
            line,
        );
        assign(f, &mut count, countdown, left, line);
        let zero = load_ssize(f, &mut count, 0, line);
        let due = push(
            f,
            &mut count,
            Op::ComparisonOp {
                op: CmpKind::Eq,
                lhs: left,
                rhs: zero,
            },
            RType::Bit,
            line,
        );
        push_control(f, &mut count, branch(due, polling, body), line);
        *f.block_mut(header) = BasicBlock {
            insts: count,
            error_handler,
        };
        let mut polls = Vec::new();
        let interval = load_ssize(f, &mut polls, POLL_INTERVAL, line);
        assign(f, &mut polls, countdown, interval, line);
        let call = poll.call(vec![]);
        let ret = call.ret.clone();
        push(f, &mut polls, Op::CallC(call), ret, line);
        push_control(f, &mut polls, Op::Goto(body), line);
        *f.block_mut(polling) = BasicBlock {
            insts: polls,
            error_handler,
        };
    }
}

fn loop_headers(f: &FuncIR) -> Vec<BlockId> {
    let cfg = Cfg::new(f, ErrorEdges::Implicit);
    let headers = cfg.loop_headers(f.entry);
    f.block_ids().filter(|b| headers[b.index()]).collect()
}

fn branch(value: ValueId, due: BlockId, rest: BlockId) -> Op {
    Op::Branch {
        value,
        true_label: due,
        false_label: rest,
        kind: BranchKind::Bool,
        negated: false,
        traceback: None,
        rare: true,
    }
}

fn push(f: &mut FuncIR, insts: &mut Vec<Inst>, op: Op, rtype: RType, line: u32) -> ValueId {
    let result = f.new_value(rtype, ValueKind::OpResult, None);
    insts.push(Inst { op, result, line });
    result
}

fn push_control(f: &mut FuncIR, insts: &mut Vec<Inst>, op: Op, line: u32) {
    push(f, insts, op, RType::Void, line);
}

fn load_ssize(f: &mut FuncIR, insts: &mut Vec<Inst>, value: i64, line: u32) -> ValueId {
    let op = Op::LoadInt {
        value,
        rtype: RType::SsizeT,
    };
    push(f, insts, op, RType::SsizeT, line)
}

fn assign(f: &mut FuncIR, insts: &mut Vec<Inst>, dest: ValueId, src: ValueId, line: u32) {
    push(f, insts, Op::Assign { dest, src }, RType::Void, line);
}
