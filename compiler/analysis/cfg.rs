//! The control-flow graph of a function, as successor/predecessor lists.
//!
//! Before the exception transform, the edges into `try` handlers are
//! implicit (`BasicBlock::error_handler`): any op of a block may fail and
//! jump there. Analyses that run at that stage (the uninit transform) ask
//! for those edges with `ErrorEdges::Implicit`; the dataflow framework then
//! treats the point before every op of such a block as a possible jump to
//! its handler (see `dataflow`). After the exception transform every edge
//! is explicit and `ErrorEdges::Ignore` is right.

use crate::ir::{BlockId, FuncIR};

/// Whether `error_handler` links count as (exceptional) edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorEdges {
    Ignore,
    Implicit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cfg {
    /// Explicit successors of each block, in terminator order, without duplicates.
    pub succs: Vec<Vec<BlockId>>,
    /// Explicit predecessors of each block, ascending, without duplicates.
    pub preds: Vec<Vec<BlockId>>,
    /// The handler each block may jump to from any of its ops (only with
    /// `ErrorEdges::Implicit`).
    pub handler: Vec<Option<BlockId>>,
    /// The blocks whose handler each block is, ascending.
    pub handler_users: Vec<Vec<BlockId>>,
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
        let mut preds: Vec<Vec<BlockId>> = vec![vec![]; n];
        let mut handler = vec![None; n];
        let mut handler_users: Vec<Vec<BlockId>> = vec![vec![]; n];
        for b in f.block_ids() {
            if let Some(t) = f.block(b).terminator() {
                for s in t.successors().into_iter().filter(|s| s.index() < n) {
                    push_unique(&mut succs[b.index()], s);
                    push_unique(&mut preds[s.index()], b);
                }
            }
            let h = f.block(b).error_handler.filter(|h| h.index() < n);
            if let (ErrorEdges::Implicit, Some(h)) = (error_edges, h) {
                handler[b.index()] = Some(h);
                handler_users[h.index()].push(b);
            }
        }
        for p in &mut preds {
            p.sort();
        }
        Cfg {
            succs,
            preds,
            handler,
            handler_users,
        }
    }

    pub fn len(&self) -> usize {
        self.succs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.succs.is_empty()
    }

    /// Blocks reachable from `entry` (through handler links too), as a
    /// membership vector.
    pub fn reachable(&self, entry: BlockId) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        if entry.index() >= self.len() {
            return seen;
        }
        let mut stack = vec![entry];
        seen[entry.index()] = true;
        while let Some(b) = stack.pop() {
            let handler = self.handler[b.index()];
            for &s in self.succs[b.index()].iter().chain(handler.iter()) {
                if !seen[s.index()] {
                    seen[s.index()] = true;
                    stack.push(s);
                }
            }
        }
        seen
    }

    /// The blocks that a retreating edge of a depth-first walk from
    /// `entry` (through handler links too) leads to: every cycle of the
    /// graph passes through at least one of them. As a membership vector.
    pub fn loop_headers(&self, entry: BlockId) -> Vec<bool> {
        const NEW: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let mut headers = vec![false; self.len()];
        if entry.index() >= self.len() {
            return headers;
        }
        let mut state = vec![NEW; self.len()];
        // The path of the walk: each block with the number of its edges
        // already followed.
        let mut path = vec![(entry, 0usize)];
        state[entry.index()] = ON_PATH;
        while let Some((b, followed)) = path.last_mut() {
            let handler = self.handler[b.index()];
            let next = self.succs[b.index()]
                .iter()
                .chain(handler.iter())
                .nth(*followed);
            *followed += 1;
            match next {
                Some(&s) if state[s.index()] == NEW => {
                    state[s.index()] = ON_PATH;
                    path.push((s, 0));
                }
                Some(&s) if state[s.index()] == ON_PATH => headers[s.index()] = true,
                Some(_) => {}
                None => {
                    state[b.index()] = DONE;
                    path.pop();
                }
            }
        }
        headers
    }
}
