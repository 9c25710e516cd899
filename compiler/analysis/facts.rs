//! Per-value facts derived from the op that defines each value, shared by
//! the analyses and transforms: which values are error values, immediate
//! integers, or borrowed references.

use super::bitset::BitSet;
use crate::ir::{FuncIR, Op, ValueId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueFacts {
    /// Results of `LoadErrorValue` (assigning one undefines a register).
    pub error_values: BitSet,
    /// Results of `LoadInt`: immediates, never heap objects, so they need
    /// no reference counting even when their type is `int`.
    pub immediates: BitSet,
    /// Results of ops whose result is a borrowed reference.
    pub borrowed_results: BitSet,
    /// Results that may be an error value without signalling an error
    /// (`GetField` of an unset field): a register assigned one is not
    /// certainly defined.
    pub maybe_error_values: BitSet,
}

impl ValueFacts {
    pub fn new(f: &FuncIR) -> ValueFacts {
        let n = f.values.len();
        let mut facts = ValueFacts {
            error_values: BitSet::new(n),
            immediates: BitSet::new(n),
            borrowed_results: BitSet::new(n),
            maybe_error_values: BitSet::new(n),
        };
        for block in &f.blocks {
            for inst in &block.insts {
                match &inst.op {
                    Op::LoadErrorValue { .. } => {
                        facts.error_values.insert_value(inst.result);
                    }
                    Op::LoadInt { .. } => {
                        facts.immediates.insert_value(inst.result);
                    }
                    Op::GetField { .. } => {
                        facts.maybe_error_values.insert_value(inst.result);
                    }
                    op if op.is_borrowed() => {
                        facts.borrowed_results.insert_value(inst.result);
                    }
                    _ => {}
                }
            }
        }
        facts
    }

    /// Does this value hold a reference the function may have to release?
    /// Error values and immediates never do.
    pub fn needs_refcount(&self, f: &FuncIR, v: ValueId) -> bool {
        f.rtype(v).is_refcounted()
            && !self.error_values.contains_value(v)
            && !self.immediates.contains_value(v)
    }
}
