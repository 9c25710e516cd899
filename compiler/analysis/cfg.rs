//! The control-flow graph of a function, as successor/predecessor lists.
//!
//! Before the exception transform, the edges into `try` handlers are
//! implicit (`BasicBlock::error_handler`): any op of a block may fail and
//! jump there. Analyses that run at that stage (the uninit transform) ask
//! for those edges with `ErrorEdges::Implicit`, which models a failure both
//! at the end of the block (edge block -> handler) and at its very start
//! (edge predecessor -> handler, i.e. the state in which the block was
//! entered). For a must-analysis the start state is the weakest point of
//! the block, for a may-analysis the end state is the strongest, so the
//! approximation is conservative both ways. After the exception transform
//! every edge is explicit and `ErrorEdges::Ignore` is right.

use crate::ir::{BlockId, FuncIR};

/// Whether `error_handler` links count as edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorEdges {
    Ignore,
    Implicit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cfg {
    /// Successors of each block, in terminator order then handler edges,
    /// without duplicates.
    pub succs: Vec<Vec<BlockId>>,
    /// Predecessors of each block, in ascending block order, without duplicates.
    pub preds: Vec<Vec<BlockId>>,
}

fn push_unique(list: &mut Vec<BlockId>, b: BlockId) {
    if !list.contains(&b) {
        list.push(b);
    }
}

impl Cfg {
    pub fn new(f: &FuncIR, error_edges: ErrorEdges) -> Cfg {
        let n = f.blocks.len();
        let mut succs: Vec<Vec<BlockId>> = vec![vec![]; n];
        for b in f.block_ids() {
            if let Some(t) = f.block(b).terminator() {
                for s in t.successors() {
                    if s.index() < n {
                        push_unique(&mut succs[b.index()], s);
                    }
                }
            }
        }
        if error_edges == ErrorEdges::Implicit {
            let explicit = succs.clone();
            for b in f.block_ids() {
                let Some(h) = f.block(b).error_handler.filter(|h| h.index() < n) else {
                    continue;
                };
                push_unique(&mut succs[b.index()], h);
                for p in f.block_ids() {
                    if explicit[p.index()].contains(&b) {
                        push_unique(&mut succs[p.index()], h);
                    }
                }
            }
        }
        let mut preds: Vec<Vec<BlockId>> = vec![vec![]; n];
        for b in f.block_ids() {
            for &s in &succs[b.index()] {
                push_unique(&mut preds[s.index()], b);
            }
        }
        for p in &mut preds {
            p.sort();
        }
        Cfg { succs, preds }
    }

    pub fn len(&self) -> usize {
        self.succs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.succs.is_empty()
    }

    /// Blocks reachable from `entry`, as a membership vector.
    pub fn reachable(&self, entry: BlockId) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        if entry.index() >= self.len() {
            return seen;
        }
        let mut stack = vec![entry];
        seen[entry.index()] = true;
        while let Some(b) = stack.pop() {
            for &s in &self.succs[b.index()] {
                if !seen[s.index()] {
                    seen[s.index()] = true;
                    stack.push(s);
                }
            }
        }
        seen
    }
}
