//! Borrowed values: values whose reference belongs to someone else, so the
//! function must not release it (and must take a new reference before
//! handing it to an op that steals it). Arguments are borrowed from the
//! caller until the function assigns to them; results of borrowing ops
//! (`Op::is_borrowed`: literals, statics, borrowing C calls) are always
//! borrowed. Forward, intersection: after a merge an argument is borrowed
//! only if it was not reassigned on any incoming path (mypyc's
//! `analyze_borrowed_arguments`).

use super::bitset::BitSet;
use super::dataflow::{Analysis, Direction, GenKill, Join};
use super::facts::ValueFacts;
use crate::ir::{FuncIR, Inst, Op};

#[derive(Clone, Debug)]
pub struct Borrowed {
    /// Arguments and borrowed op results.
    initial: BitSet,
}

impl Borrowed {
    pub fn new(f: &FuncIR) -> Borrowed {
        let mut initial = ValueFacts::new(f).borrowed_results;
        for &a in &f.args {
            initial.insert_value(a);
        }
        Borrowed { initial }
    }
}

impl Analysis for Borrowed {
    fn direction(&self) -> Direction {
        Direction::Forward
    }

    fn join(&self) -> Join {
        Join::Intersection
    }

    fn boundary(&self, _f: &FuncIR) -> BitSet {
        self.initial.clone()
    }

    fn transfer(&self, _f: &FuncIR, inst: &Inst, gk: &mut GenKill) {
        if let Op::Assign { dest, src } = &inst.op {
            // `x = x` leaves the reference where it was.
            if self.initial.contains_value(*dest) && dest != src {
                gk.kill(*dest);
            }
        }
    }
}
