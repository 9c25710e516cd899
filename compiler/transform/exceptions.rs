//! The exception transform: make every failure explicit control flow.
//!
//! After each op that can fail (`Op::error_kind` of its result type is not
//! `Never`) the block is split and a `Branch` to the block's error handler
//! is inserted: the `try` handler in `BasicBlock::error_handler`, or a
//! default handler block that returns the error value of the function's
//! return type. The test depends on how the op reports failure:
//!
//! | error kind                 | test                                   |
//! | -------------------------- | -------------------------------------- |
//! | `Magic`, `MagicOverlapping`| `is_error(result)`                     |
//! | `False`                    | `not result`                           |
//! | `NegInt`                   | `result < 0` (a `ComparisonOp`)        |
//! | `Always`                   | `not 0 :: bit` (a constant)            |
//!
//! Each inserted branch carries the traceback entry (Python function name,
//! op line) and is marked `rare`. Blocks split off a block keep its
//! `error_handler`, so later passes can still tell which `try` they are in.
//! After this pass every edge of the CFG is explicit.

use crate::ir::{BlockId, BranchKind, CmpKind, ErrorKind, FuncIR, Inst, Op, RType, ValueId};

use super::cleanup::relayout;

/// The name shown in tracebacks for a function.
pub fn traceback_name(f: &FuncIR) -> String {
    crate::ir::python_name(&f.decl.func.name)
}

struct Splitter<'a> {
    f: &'a mut FuncIR,
    name: String,
    default_handler: Option<BlockId>,
    layout: Vec<BlockId>,
}

impl Splitter<'_> {
    /// The shared handler that returns the error value, created on first use.
    fn default_handler(&mut self) -> BlockId {
        if let Some(b) = self.default_handler {
            return b;
        }
        let b = self.f.new_block();
        let ret = self.f.decl.ret.clone();
        let line = self.f.decl.line;
        let e = self
            .f
            .push(b, Op::LoadErrorValue { rtype: ret.clone() }, ret, line);
        self.f.push(b, Op::Return(e), RType::Void, line);
        self.default_handler = Some(b);
        b
    }

    /// Append the failure test for `inst` to `cur` (which already ends with
    /// `inst`), branching to `handler` or to a new block; returns the new
    /// block, or `None` if the op cannot fail.
    fn split_after(
        &mut self,
        cur: BlockId,
        inst_result: ValueId,
        kind: ErrorKind,
        line: u32,
    ) -> Option<BlockId> {
        let result_type = self.f.rtype(inst_result).clone();
        let (value, branch_kind, negated) = match kind {
            ErrorKind::Never => return None,
            // A void result cannot carry an error value; nothing to test.
            _ if result_type == RType::Void && kind != ErrorKind::Always => return None,
            ErrorKind::Magic | ErrorKind::MagicOverlapping => {
                (inst_result, BranchKind::IsError, false)
            }
            ErrorKind::False => (inst_result, BranchKind::Bool, true),
            ErrorKind::NegInt => {
                let zero = self.f.push(
                    cur,
                    Op::LoadInt {
                        value: 0,
                        rtype: result_type.clone(),
                    },
                    result_type,
                    line,
                );
                let cmp = Op::ComparisonOp {
                    op: CmpKind::Slt,
                    lhs: inst_result,
                    rhs: zero,
                };
                (
                    self.f.push(cur, cmp, RType::Bit, line),
                    BranchKind::Bool,
                    false,
                )
            }
            ErrorKind::Always => {
                let zero = self.f.push(
                    cur,
                    Op::LoadInt {
                        value: 0,
                        rtype: RType::Bit,
                    },
                    RType::Bit,
                    line,
                );
                (zero, BranchKind::Bool, true)
            }
        };
        let own_handler = self.f.block(cur).error_handler;
        let target = match own_handler {
            Some(h) => h,
            None => self.default_handler(),
        };
        let next = self.f.new_block();
        self.f.block_mut(next).error_handler = own_handler;
        let branch = Op::Branch {
            value,
            true_label: target,
            false_label: next,
            kind: branch_kind,
            negated,
            // Line 0 marks ops that re-raise an exception already traced.
            traceback: (line > 0).then(|| (self.name.clone(), line)),
            rare: true,
        };
        self.f.push(cur, branch, RType::Void, line);
        self.layout.push(next);
        Some(next)
    }

    fn split_block(&mut self, b: BlockId) {
        let insts: Vec<Inst> = std::mem::take(&mut self.f.block_mut(b).insts);
        self.layout.push(b);
        let mut cur = b;
        for inst in insts {
            let kind = inst.op.error_kind(self.f.rtype(inst.result));
            let (result, line) = (inst.result, inst.line);
            let is_control = inst.op.is_control();
            self.f.block_mut(cur).insts.push(inst);
            if is_control {
                continue;
            }
            if let Some(next) = self.split_after(cur, result, kind, line) {
                cur = next;
            }
        }
    }
}

/// Insert error-checking branches after every op that can fail.
pub fn insert_exception_handling(f: &mut FuncIR) {
    let name = traceback_name(f);
    let block_count = f.blocks.len();
    let mut s = Splitter {
        f,
        name,
        default_handler: None,
        layout: vec![],
    };
    for i in 0..block_count {
        s.split_block(BlockId(i as u32));
    }
    if let Some(h) = s.default_handler {
        s.layout.push(h);
    }
    let layout = std::mem::take(&mut s.layout);
    relayout(f, &layout);
}
