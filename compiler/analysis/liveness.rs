//! Live values: a value is live at a point if some path from there reads it
//! before it is redefined. Backward, union. Reads are an op's sources
//! (including `KeepAlive`, which exists to extend liveness); an op kills its
//! result and an `Assign` kills the register it writes.

use super::bitset::BitSet;
use super::dataflow::{Analysis, Direction, GenKill, Join};
use crate::ir::{FuncIR, Inst, Op};

#[derive(Clone, Copy, Debug, Default)]
pub struct Liveness;

impl Analysis for Liveness {
    fn direction(&self) -> Direction {
        Direction::Backward
    }

    fn join(&self) -> Join {
        Join::Union
    }

    fn boundary(&self, f: &FuncIR) -> BitSet {
        BitSet::new(f.values.len())
    }

    fn transfer(&self, _f: &FuncIR, inst: &Inst, gk: &mut GenKill) {
        // Backward: kills of the op's definitions apply first, then its reads.
        gk.kill(inst.result);
        if let Op::Assign { dest, .. } = &inst.op {
            gk.kill(*dest);
        }
        for src in inst.op.sources() {
            gk.gen(src);
        }
    }
}
