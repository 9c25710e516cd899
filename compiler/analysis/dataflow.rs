//! A generic gen/kill dataflow framework, in the style of rustc's MIR
//! dataflow: an analysis says how each op changes the state (which values
//! it generates and kills), the direction of the flow and how states meet
//! at merge points; `run` iterates over the block graph to a fixpoint.
//!
//! Only block entry/exit states are stored. Per-op states are recomputed on
//! demand one block at a time (`Results::op_states`), which is what the
//! transforms need and keeps memory linear in the number of blocks for
//! large module bodies.
//!
//! States are `BitSet`s over value indices; "before" and "after" always
//! mean program order (before/after the op executes), whatever the
//! direction of the analysis.

use std::collections::VecDeque;

use super::bitset::BitSet;
use super::cfg::Cfg;
use crate::ir::{BlockId, FuncIR, Inst, ValueId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// How states meet where control flow merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// "May" analyses: a fact holds if it holds on some path.
    Union,
    /// "Must" analyses: a fact holds only if it holds on every path.
    Intersection,
}

/// The effect of one op (or a sequence of ops) on a state:
/// `state = (state - kill) | gen`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenKill {
    pub gen: BitSet,
    pub kill: BitSet,
}

impl GenKill {
    pub fn identity(domain: usize) -> GenKill {
        GenKill {
            gen: BitSet::new(domain),
            kill: BitSet::new(domain),
        }
    }

    pub fn gen(&mut self, v: ValueId) {
        self.kill.remove_value(v);
        self.gen.insert_value(v);
    }

    pub fn kill(&mut self, v: ValueId) {
        self.gen.remove_value(v);
        self.kill.insert_value(v);
    }

    pub fn apply(&self, state: &mut BitSet) {
        state.subtract(&self.kill);
        state.union_with(&self.gen);
    }

    /// Compose: `self` followed by `next` (in flow direction).
    pub fn then(&mut self, next: &GenKill) {
        self.gen.subtract(&next.kill);
        self.gen.union_with(&next.gen);
        self.kill.subtract(&next.gen);
        self.kill.union_with(&next.kill);
    }
}

/// A gen/kill dataflow problem over the values of one function.
pub trait Analysis {
    fn direction(&self) -> Direction;
    fn join(&self) -> Join;
    /// The state where the flow starts: at the entry block (forward), or at
    /// blocks without successors (backward). Blocks without predecessors in
    /// the flow direction also start from it.
    fn boundary(&self, f: &FuncIR) -> BitSet;
    /// Record the effect of one op into `gk` (which starts as identity).
    fn transfer(&self, f: &FuncIR, inst: &Inst, gk: &mut GenKill);
}

/// Fixpoint states of an analysis at block boundaries.
#[derive(Clone, Debug)]
pub struct Results<A> {
    pub analysis: A,
    /// State before the first op of each block.
    pub entry: Vec<BitSet>,
    /// State after the last op of each block.
    pub exit: Vec<BitSet>,
}

/// The states around one op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpState {
    pub before: BitSet,
    pub after: BitSet,
}

fn op_effect<A: Analysis>(a: &A, f: &FuncIR, inst: &Inst) -> GenKill {
    let mut gk = GenKill::identity(f.values.len());
    a.transfer(f, inst, &mut gk);
    gk
}

fn block_effect<A: Analysis>(a: &A, f: &FuncIR, b: BlockId) -> GenKill {
    let domain = f.values.len();
    let mut total = GenKill::identity(domain);
    let insts = &f.block(b).insts;
    let mut compose = |inst: &Inst| total.then(&op_effect(a, f, inst));
    match a.direction() {
        Direction::Forward => insts.iter().for_each(&mut compose),
        Direction::Backward => insts.iter().rev().for_each(&mut compose),
    }
    total
}

/// Run `analysis` over `f` with the block graph `cfg` to a fixpoint.
pub fn run<A: Analysis>(f: &FuncIR, cfg: &Cfg, analysis: A) -> Results<A> {
    let n = f.blocks.len();
    let domain = f.values.len();
    let effects: Vec<GenKill> = f
        .block_ids()
        .map(|b| block_effect(&analysis, f, b))
        .collect();
    let boundary = analysis.boundary(f);
    let initial = match analysis.join() {
        Join::Union => BitSet::new(domain),
        Join::Intersection => BitSet::full(domain),
    };
    let forward = analysis.direction() == Direction::Forward;
    // `flow_in` is the state where flow enters a block (entry for forward,
    // exit for backward); `flow_out` where it leaves.
    let mut flow_in = vec![initial.clone(); n];
    let mut flow_out = vec![initial; n];
    let (inputs, outputs) = if forward {
        (&cfg.preds, &cfg.succs)
    } else {
        (&cfg.succs, &cfg.preds)
    };
    let mut queue: VecDeque<BlockId> = if forward {
        f.block_ids().collect()
    } else {
        (0..n as u32).rev().map(BlockId).collect()
    };
    let mut queued = vec![true; n];
    while let Some(b) = queue.pop_front() {
        queued[b.index()] = false;
        let srcs = &inputs[b.index()];
        let is_start = if forward {
            b == f.entry
        } else {
            srcs.is_empty()
        };
        let mut state: Option<BitSet> = if is_start || srcs.is_empty() {
            Some(boundary.clone())
        } else {
            None
        };
        for s in srcs {
            let out = &flow_out[s.index()];
            match state.as_mut() {
                None => state = Some(out.clone()),
                Some(st) => {
                    match analysis.join() {
                        Join::Union => st.union_with(out),
                        Join::Intersection => st.intersect_with(out),
                    };
                }
            }
        }
        let state = state.unwrap_or_else(|| boundary.clone());
        let mut out = state.clone();
        effects[b.index()].apply(&mut out);
        flow_in[b.index()] = state;
        if out != flow_out[b.index()] {
            flow_out[b.index()] = out;
            for &s in &outputs[b.index()] {
                if !queued[s.index()] {
                    queued[s.index()] = true;
                    queue.push_back(s);
                }
            }
        }
    }
    let (entry, exit) = if forward {
        (flow_in, flow_out)
    } else {
        (flow_out, flow_in)
    };
    Results {
        analysis,
        entry,
        exit,
    }
}

impl<A: Analysis> Results<A> {
    /// State before the first op of `b`.
    pub fn block_entry(&self, b: BlockId) -> &BitSet {
        &self.entry[b.index()]
    }

    /// State after the last op of `b`.
    pub fn block_exit(&self, b: BlockId) -> &BitSet {
        &self.exit[b.index()]
    }

    /// The states before and after every op of `b`, in op order.
    pub fn op_states(&self, f: &FuncIR, b: BlockId) -> Vec<OpState> {
        let insts = &f.block(b).insts;
        let mut states = Vec::with_capacity(insts.len());
        match self.analysis.direction() {
            Direction::Forward => {
                let mut state = self.entry[b.index()].clone();
                for inst in insts {
                    let before = state.clone();
                    op_effect(&self.analysis, f, inst).apply(&mut state);
                    states.push(OpState {
                        before,
                        after: state.clone(),
                    });
                }
            }
            Direction::Backward => {
                let mut state = self.exit[b.index()].clone();
                for inst in insts.iter().rev() {
                    let after = state.clone();
                    op_effect(&self.analysis, f, inst).apply(&mut state);
                    states.push(OpState {
                        before: state.clone(),
                        after,
                    });
                }
                states.reverse();
            }
        }
        states
    }
}
