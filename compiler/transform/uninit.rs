//! The uninit transform: make reads of possibly unassigned locals raise
//! `UnboundLocalError` instead of reading garbage (in generators,
//! `AttributeError`, as mypyc's environment attributes do).
//!
//! A register (not an argument) that is not defined on every path to one of
//! its reads is initialized to its error value at function entry, and a
//! check is inserted before each such read:
//!
//! ```text
//!     if is_error(x) goto Lerr else Lok
//! Lerr:
//!     r = raise UnboundLocalError("local variable \"x\" referenced before assignment")
//!     unreachable
//! Lok:
//!     <the read>
//! ```
//!
//! The exception transform, which runs next, turns the raise into a branch
//! to the block's error handler. For types whose error value overlaps a
//! valid value (`float`, native ints) the error value cannot tell "unset"
//! apart, so such registers get a companion `bit` register that is cleared
//! at entry, set by every assignment, and tested instead.
//!
//! Definedness is a must-analysis over the CFG including the implicit edges
//! into `try` handlers. A read that passed its check leaves the register
//! defined, so later reads on the same paths are not checked again. Reads
//! by `Branch IsError` (which is how code tests definedness itself) and by
//! `KeepAlive` are not checked.

use crate::analysis::{
    run, Analysis, BitSet, Cfg, Direction, ErrorEdges, GenKill, Join, ValueFacts,
};
use crate::ir::{BlockId, BranchKind, FuncIR, Inst, Op, RType, ValueId, ValueKind};

use super::cleanup::relayout;

/// Must-defined registers where a checked read also defines its register.
struct CheckedDefined {
    facts: ValueFacts,
}

/// Is this read of a register subject to an uninit check?
fn is_checked_read(f: &FuncIR, op: &Op, src: ValueId) -> bool {
    let exempt = matches!(
        op,
        Op::Branch {
            kind: BranchKind::IsError,
            ..
        } | Op::KeepAlive(_)
            | Op::IncRef(_)
            | Op::DecRef { .. }
    );
    !exempt && f.value(src).kind == ValueKind::Register
}

impl Analysis for CheckedDefined {
    fn direction(&self) -> Direction {
        Direction::Forward
    }

    fn join(&self) -> Join {
        Join::Intersection
    }

    fn boundary(&self, f: &FuncIR) -> BitSet {
        let mut s = BitSet::new(f.values.len());
        for &a in &f.args {
            s.insert_value(a);
        }
        s
    }

    fn transfer(&self, f: &FuncIR, inst: &Inst, gk: &mut GenKill) {
        for src in inst.op.sources() {
            if is_checked_read(f, &inst.op, src) {
                gk.gen(src);
            }
        }
        if let Op::Assign { dest, src } = &inst.op {
            if self.facts.error_values.contains_value(*src) {
                gk.kill(*dest);
            } else {
                gk.gen(*dest);
            }
        }
    }
}

fn unique_sources(op: &Op) -> Vec<ValueId> {
    let mut out: Vec<ValueId> = vec![];
    for s in op.sources() {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Can `is_error` tell an unset register of this type apart from any valid value?
fn has_distinct_error_value(t: &RType) -> bool {
    match t {
        RType::Int
        | RType::Bool
        | RType::None
        | RType::Object(_)
        | RType::Union(_)
        | RType::Instance(_) => true,
        RType::Tuple(items) => items.first().is_none_or(has_distinct_error_value),
        RType::Float
        | RType::I64
        | RType::I32
        | RType::I16
        | RType::U8
        | RType::Bit
        | RType::CInt
        | RType::SsizeT
        | RType::CStr
        | RType::Void => false,
    }
}

/// How a register's definedness is tested at runtime.
#[derive(Clone, Copy, Debug)]
enum Tracking {
    /// Test the register itself with `is_error`.
    ErrorValue,
    /// Test a companion `bit` register.
    Flag(ValueId),
}

struct Rewriter<'a> {
    f: &'a mut FuncIR,
    /// Per value: how it is tracked, if it needs checks.
    tracking: Vec<Option<Tracking>>,
    layout: Vec<BlockId>,
    error_values: BitSet,
}

impl Rewriter<'_> {
    fn display_name(&self, v: ValueId) -> String {
        self.f
            .value(v)
            .name
            .clone()
            .unwrap_or_else(|| v.to_string())
    }

    /// End `cur` with a check of `reg`; returns the block where execution continues.
    fn emit_check(&mut self, cur: BlockId, reg: ValueId, tracking: Tracking, line: u32) -> BlockId {
        let handler = self.f.block(cur).error_handler;
        let err = self.f.new_block();
        let ok = self.f.new_block();
        self.f.block_mut(err).error_handler = handler;
        self.f.block_mut(ok).error_handler = handler;
        let (value, kind, negated) = match tracking {
            Tracking::ErrorValue => (reg, BranchKind::IsError, false),
            Tracking::Flag(flag) => (flag, BranchKind::Bool, true),
        };
        let branch = Op::Branch {
            value,
            true_label: err,
            false_label: ok,
            kind,
            negated,
            traceback: None,
            rare: true,
        };
        self.f.push(cur, branch, RType::Void, line);
        // As in mypyc, whose generators keep their locals as attributes of
        // an environment object, an unset local of a generator (or
        // coroutine) is an undefined attribute.
        let (class, message) = if self.f.suspend.is_some() {
            let func = crate::ir::python_name(&self.f.decl.func.name);
            (
                "AttributeError",
                format!(
                    "attribute '{}' of '{func}_env' undefined",
                    self.display_name(reg)
                ),
            )
        } else {
            (
                "UnboundLocalError",
                format!(
                    "local variable \"{}\" referenced before assignment",
                    self.display_name(reg)
                ),
            )
        };
        let raise = Op::RaiseStandardError {
            class: class.into(),
            message: Some(message),
        };
        self.f.push(err, raise, RType::Bit, line);
        self.f.push(err, Op::Unreachable, RType::Void, line);
        self.layout.push(err);
        self.layout.push(ok);
        ok
    }

    fn set_flag(&mut self, block: BlockId, flag: ValueId, value: i64, line: u32) {
        let v = self.f.push(
            block,
            Op::LoadInt {
                value,
                rtype: RType::Bit,
            },
            RType::Bit,
            line,
        );
        self.f
            .push(block, Op::Assign { dest: flag, src: v }, RType::Void, line);
    }

    fn rewrite_block(&mut self, b: BlockId, undefined_reads: &[Vec<ValueId>]) {
        let insts = std::mem::take(&mut self.f.block_mut(b).insts);
        self.layout.push(b);
        let mut cur = b;
        for (inst, regs) in insts.into_iter().zip(undefined_reads) {
            for &reg in regs {
                if let Some(t) = self.tracking[reg.index()] {
                    cur = self.emit_check(cur, reg, t, inst.line);
                }
            }
            let flag_update = match &inst.op {
                Op::Assign { dest, src } => match self.tracking[dest.index()] {
                    Some(Tracking::Flag(flag)) => {
                        Some((flag, !self.error_values.contains_value(*src)))
                    }
                    _ => None,
                },
                _ => None,
            };
            let line = inst.line;
            self.f.block_mut(cur).insts.push(inst);
            if let Some((flag, defined)) = flag_update {
                // Keep the terminator last: an Assign is never a terminator.
                self.set_flag(cur, flag, i64::from(defined), line);
            }
        }
    }

    /// Initialize every checked register (and its flag) at entry.
    fn init_at_entry(&mut self) {
        let entry = self.f.entry;
        let line = self.f.decl.line;
        let saved = std::mem::take(&mut self.f.block_mut(entry).insts);
        for i in 0..self.tracking.len() {
            let Some(t) = self.tracking[i] else { continue };
            let reg = ValueId(i as u32);
            let rtype = self.f.rtype(reg).clone();
            let e = self.f.push(
                entry,
                Op::LoadErrorValue {
                    rtype: rtype.clone(),
                },
                rtype,
                line,
            );
            self.f
                .push(entry, Op::Assign { dest: reg, src: e }, RType::Void, line);
            if let Tracking::Flag(flag) = t {
                self.set_flag(entry, flag, 0, line);
            }
        }
        self.f.block_mut(entry).insts.extend(saved);
    }
}

/// For each op of each block, the registers it reads that may be unassigned.
fn find_undefined_reads(f: &FuncIR) -> Vec<Vec<Vec<ValueId>>> {
    let cfg = Cfg::new(f, ErrorEdges::Implicit);
    let results = run(
        f,
        &cfg,
        CheckedDefined {
            facts: ValueFacts::new(f),
        },
    );
    f.block_ids()
        .map(|b| {
            let states = results.op_states(f, b);
            f.block(b)
                .insts
                .iter()
                .zip(states)
                .map(|(inst, st)| {
                    unique_sources(&inst.op)
                        .into_iter()
                        .filter(|&s| {
                            is_checked_read(f, &inst.op, s) && !st.before.contains_value(s)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Insert `UnboundLocalError` checks for reads of possibly unassigned registers.
pub fn insert_uninit_checks(f: &mut FuncIR) {
    let undefined = find_undefined_reads(f);
    let mut tracking: Vec<Option<Tracking>> = vec![None; f.values.len()];
    let mut needed: Vec<ValueId> = undefined.iter().flatten().flatten().copied().collect();
    if needed.is_empty() {
        return;
    }
    needed.sort();
    needed.dedup();
    for reg in needed {
        let t = if has_distinct_error_value(f.rtype(reg)) {
            Tracking::ErrorValue
        } else {
            Tracking::Flag(f.new_value(RType::Bit, ValueKind::Register, None))
        };
        tracking[reg.index()] = Some(t);
    }
    tracking.resize(f.values.len(), None);
    let error_values = ValueFacts::new(f).error_values;
    let mut rw = Rewriter {
        f,
        tracking,
        layout: vec![],
        error_values,
    };
    for (i, reads) in undefined.iter().enumerate() {
        rw.rewrite_block(BlockId(i as u32), reads);
    }
    rw.init_at_entry();
    let layout = std::mem::take(&mut rw.layout);
    relayout(f, &layout);
}
