//! Defined registers: which registers (and arguments) hold a value at each
//! point. `MustDefined` (forward, intersection) holds on every path;
//! `MaybeDefined` (forward, union) on some path. Arguments are defined at
//! entry. An `Assign` defines its destination, except that assigning an
//! error value (`LoadErrorValue`) undefines it when `strict_errors` is set
//! (that is how the uninit transform marks unassigned locals and how `del`
//! is lowered).
//!
//! Only registers and arguments are meaningful in these states; op results
//! are never generated.

use super::bitset::BitSet;
use super::dataflow::{Analysis, Direction, GenKill, Join};
use super::facts::ValueFacts;
use crate::ir::{FuncIR, Inst, Op};

fn args_set(f: &FuncIR) -> BitSet {
    let mut s = BitSet::new(f.values.len());
    for &a in &f.args {
        s.insert_value(a);
    }
    s
}

fn assign_effect(facts: &ValueFacts, strict_errors: bool, inst: &Inst, gk: &mut GenKill) {
    if let Op::Assign { dest, src } = &inst.op {
        if strict_errors && facts.error_values.contains_value(*src) {
            gk.kill(*dest);
        } else {
            gk.gen(*dest);
        }
    }
}

/// Registers assigned on every path.
#[derive(Clone, Debug)]
pub struct MustDefined {
    pub facts: ValueFacts,
    pub strict_errors: bool,
}

impl MustDefined {
    pub fn new(f: &FuncIR, strict_errors: bool) -> MustDefined {
        MustDefined {
            facts: ValueFacts::new(f),
            strict_errors,
        }
    }
}

impl Analysis for MustDefined {
    fn direction(&self) -> Direction {
        Direction::Forward
    }

    fn join(&self) -> Join {
        Join::Intersection
    }

    fn boundary(&self, f: &FuncIR) -> BitSet {
        args_set(f)
    }

    fn transfer(&self, _f: &FuncIR, inst: &Inst, gk: &mut GenKill) {
        assign_effect(&self.facts, self.strict_errors, inst, gk);
        if let Op::Assign { dest, src } = &inst.op {
            if self.strict_errors && self.facts.maybe_error_values.contains_value(*src) {
                gk.kill(*dest);
            }
        }
    }
}

/// Registers assigned on at least one path.
#[derive(Clone, Debug)]
pub struct MaybeDefined {
    pub facts: ValueFacts,
    pub strict_errors: bool,
}

impl MaybeDefined {
    pub fn new(f: &FuncIR, strict_errors: bool) -> MaybeDefined {
        MaybeDefined {
            facts: ValueFacts::new(f),
            strict_errors,
        }
    }
}

impl Analysis for MaybeDefined {
    fn direction(&self) -> Direction {
        Direction::Forward
    }

    fn join(&self) -> Join {
        Join::Union
    }

    fn boundary(&self, f: &FuncIR) -> BitSet {
        args_set(f)
    }

    fn transfer(&self, _f: &FuncIR, inst: &Inst, gk: &mut GenKill) {
        assign_effect(&self.facts, self.strict_errors, inst, gk);
    }
}
