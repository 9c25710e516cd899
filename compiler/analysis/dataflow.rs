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
//!
//! Implicit exception edges (`Cfg::handler`, before the exception
//! transform): any op of a block with a handler may fail, so the state
//! before *each* op flows to the handler. Forward, the handler's input
//! joins those states; backward, the handler's entry state is joined into
//! the state before each op of the block.

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
    /// Implicit handler of each block (see `Cfg::handler`).
    handler: Vec<Option<BlockId>>,
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

/// `acc = acc JOIN state`, where `None` is the neutral element.
fn join_into(join: Join, acc: &mut Option<BitSet>, state: &BitSet) {
    match acc {
        None => *acc = Some(state.clone()),
        Some(a) => {
            match join {
                Join::Union => a.union_with(state),
                Join::Intersection => a.intersect_with(state),
            };
        }
    }
}

/// The join of the states before each op of `b` (forward analyses): what
/// flows to the block's handler.
fn exceptional_exit<A: Analysis>(a: &A, f: &FuncIR, b: BlockId, entry: &BitSet) -> BitSet {
    let mut state = entry.clone();
    let mut acc = None;
    for inst in &f.block(b).insts {
        join_into(a.join(), &mut acc, &state);
        op_effect(a, f, inst).apply(&mut state);
    }
    acc.unwrap_or(state)
}

/// The entry state of `b` (backward analyses) when each op may also jump
/// to a handler whose entry state is `handler_entry`.
fn entry_with_handler<A: Analysis>(
    a: &A,
    f: &FuncIR,
    b: BlockId,
    exit: &BitSet,
    handler_entry: &BitSet,
) -> BitSet {
    let mut state = exit.clone();
    for inst in f.block(b).insts.iter().rev() {
        op_effect(a, f, inst).apply(&mut state);
        let mut acc = Some(state);
        join_into(a.join(), &mut acc, handler_entry);
        state = acc.unwrap_or_else(|| handler_entry.clone());
    }
    state
}

/// Mutable fixpoint state of `run`.
struct Solver<'a, A> {
    f: &'a FuncIR,
    cfg: &'a Cfg,
    analysis: &'a A,
    effects: Vec<GenKill>,
    boundary: BitSet,
    /// Program-order states at block entry and exit.
    entry: Vec<BitSet>,
    exit: Vec<BitSet>,
    /// Forward: what each block sends to its handler.
    exceptional: Vec<BitSet>,
    queue: VecDeque<BlockId>,
    queued: Vec<bool>,
}

impl<A: Analysis> Solver<'_, A> {
    fn enqueue(&mut self, b: BlockId) {
        if !self.queued[b.index()] {
            self.queued[b.index()] = true;
            self.queue.push_back(b);
        }
    }

    fn visit_forward(&mut self, b: BlockId) {
        let i = b.index();
        let join = self.analysis.join();
        let mut acc = None;
        if b == self.f.entry
            || (self.cfg.preds[i].is_empty() && self.cfg.handler_users[i].is_empty())
        {
            acc = Some(self.boundary.clone());
        }
        for p in &self.cfg.preds[i] {
            join_into(join, &mut acc, &self.exit[p.index()]);
        }
        for u in &self.cfg.handler_users[i] {
            join_into(join, &mut acc, &self.exceptional[u.index()]);
        }
        let state = acc.unwrap_or_else(|| self.boundary.clone());
        let mut out = state.clone();
        self.effects[i].apply(&mut out);
        if let Some(h) = self.cfg.handler[i] {
            let exc = exceptional_exit(self.analysis, self.f, b, &state);
            if exc != self.exceptional[i] {
                self.exceptional[i] = exc;
                self.enqueue(h);
            }
        }
        self.entry[i] = state;
        if out != self.exit[i] {
            self.exit[i] = out;
            for s in self.cfg.succs[i].clone() {
                self.enqueue(s);
            }
        }
    }

    fn visit_backward(&mut self, b: BlockId) {
        let i = b.index();
        let join = self.analysis.join();
        let mut acc = None;
        for s in &self.cfg.succs[i] {
            join_into(join, &mut acc, &self.entry[s.index()]);
        }
        let state = acc.unwrap_or_else(|| self.boundary.clone());
        let new_entry = match self.cfg.handler[i] {
            Some(h) => entry_with_handler(self.analysis, self.f, b, &state, &self.entry[h.index()]),
            None => {
                let mut e = state.clone();
                self.effects[i].apply(&mut e);
                e
            }
        };
        self.exit[i] = state;
        if new_entry != self.entry[i] {
            self.entry[i] = new_entry;
            let inputs: Vec<BlockId> = self.cfg.preds[i]
                .iter()
                .chain(&self.cfg.handler_users[i])
                .copied()
                .collect();
            for p in inputs {
                self.enqueue(p);
            }
        }
    }
}

/// Run `analysis` over `f` with the block graph `cfg` to a fixpoint.
pub fn run<A: Analysis>(f: &FuncIR, cfg: &Cfg, analysis: A) -> Results<A> {
    let n = f.blocks.len();
    let domain = f.values.len();
    let initial = match analysis.join() {
        Join::Union => BitSet::new(domain),
        Join::Intersection => BitSet::full(domain),
    };
    let forward = analysis.direction() == Direction::Forward;
    let queue: VecDeque<BlockId> = if forward {
        f.block_ids().collect()
    } else {
        (0..n as u32).rev().map(BlockId).collect()
    };
    let mut solver = Solver {
        f,
        cfg,
        analysis: &analysis,
        effects: f
            .block_ids()
            .map(|b| block_effect(&analysis, f, b))
            .collect(),
        boundary: analysis.boundary(f),
        entry: vec![initial.clone(); n],
        exit: vec![initial.clone(); n],
        exceptional: vec![initial; n],
        queue,
        queued: vec![true; n],
    };
    while let Some(b) = solver.queue.pop_front() {
        solver.queued[b.index()] = false;
        if forward {
            solver.visit_forward(b);
        } else {
            solver.visit_backward(b);
        }
    }
    let (entry, exit) = (solver.entry, solver.exit);
    Results {
        analysis,
        entry,
        exit,
        handler: cfg.handler.clone(),
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
                let handler_entry = self
                    .handler
                    .get(b.index())
                    .copied()
                    .flatten()
                    .map(|h| &self.entry[h.index()]);
                let mut state = self.exit[b.index()].clone();
                for inst in insts.iter().rev() {
                    let after = state.clone();
                    op_effect(&self.analysis, f, inst).apply(&mut state);
                    if let Some(h) = handler_entry {
                        let mut acc = Some(state);
                        join_into(self.analysis.join(), &mut acc, h);
                        state = acc.unwrap_or_else(|| h.clone());
                    }
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
