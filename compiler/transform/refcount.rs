//! The refcount transform: insert `IncRef`/`DecRef` so that every owned
//! reference is released exactly once on every path (mypyc's algorithm).
//!
//! Inputs, all over the explicit CFG left by the exception transform:
//! liveness, borrowed values, and must-defined registers (strict: assigning
//! an error value undefines a register). Rules, per op:
//!
//! - an operand the op steals gets an `inc_ref` first if it stays live, is
//!   borrowed, or is stolen twice by the same op;
//! - an `Assign` to a register whose old value is still live releases the
//!   old value first;
//! - after the op, every operand that dies there (and was neither borrowed
//!   nor stolen) is released, and so is a dead owned result;
//! - `KeepAlive` ops only extend liveness and are removed.
//!
//! On control-flow edges, values live at the end of the source block but
//! not live into the target are released, and arguments borrowed at the
//! source but owned at the target are `inc_ref`'d. A `Goto` gets these ops
//! before it; a `Branch` edge gets a new block (shared between identical
//! edges). The true edge of an `is_error(v)` test does not release `v`: it
//! is the error value. Edges into a block that starts with `unreachable`
//! need nothing.
//!
//! Borrowed values, error values, immediates and values of non-refcounted
//! types are never touched. `xdec_ref` is used for registers that may be
//! undefined at that point (must-defined analysis); registers undefined on
//! every path (maybe-defined analysis) are not released at all.

use std::collections::BTreeMap;

use crate::analysis::{
    analyze_borrowed, analyze_liveness, analyze_maybe_defined, analyze_must_defined, BitSet,
    Borrowed, Cfg, ErrorEdges, Liveness, MaybeDefined, MustDefined, OpState, Results, ValueFacts,
};
use crate::ir::{BlockId, BranchKind, FuncIR, Inst, Op, RType, ValueId};

/// The analyses the transform consults, computed once on the input.
struct Analyses {
    facts: ValueFacts,
    live: Results<Liveness>,
    borrowed: Results<Borrowed>,
    defined: Results<MustDefined>,
    maybe_defined: Results<MaybeDefined>,
}

/// Per-op states of one block.
struct BlockStates {
    live: Vec<OpState>,
    borrowed: Vec<OpState>,
    defined: Vec<OpState>,
    maybe_defined: Vec<OpState>,
}

/// Definedness of registers at one point: (must, maybe).
type Defined<'a> = (&'a BitSet, &'a BitSet);

/// Releases on an edge: (value, xdec), then new references, in value order.
type EdgeOps = (Vec<(ValueId, bool)>, Vec<ValueId>);

/// An op of the rewritten block: an original one (keeping its result
/// value) or a new refcount op.
enum Item {
    Keep(Inst),
    New(Op, u32),
}

fn unique(vs: Vec<ValueId>) -> Vec<ValueId> {
    let mut out: Vec<ValueId> = vec![];
    for v in vs {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

struct Emitter<'a> {
    f: &'a FuncIR,
    facts: &'a ValueFacts,
    items: Vec<Item>,
    /// Line of the op being rewritten (given to the ops inserted around it).
    line: u32,
}

impl Emitter<'_> {
    fn is_maybe_undefined(&self, v: ValueId, must: &BitSet) -> bool {
        self.f.is_register(v) && !must.contains_value(v)
    }

    /// Is `v` a register that holds its error value on every path here?
    fn is_surely_undefined(&self, v: ValueId, maybe: &BitSet) -> bool {
        self.f.is_register(v) && !maybe.contains_value(v)
    }

    fn dec_ref(&mut self, v: ValueId, (must, maybe): Defined) {
        if self.is_surely_undefined(v, maybe) {
            return;
        }
        if self.facts.needs_refcount(self.f, v) {
            let xdec = self.is_maybe_undefined(v, must);
            self.items
                .push(Item::New(Op::DecRef { src: v, xdec }, self.line));
        }
    }

    fn inc_ref(&mut self, v: ValueId) {
        if self.facts.needs_refcount(self.f, v) {
            self.items.push(Item::New(Op::IncRef(v), self.line));
        }
    }

    /// Rewrite one op given its states.
    fn visit(
        &mut self,
        inst: &Inst,
        live: &OpState,
        borrowed: &OpState,
        defined: (&OpState, &OpState),
    ) {
        self.line = inst.line;
        let (pre_live, post_live) = (&live.before, &live.after);
        let pre_borrow = &borrowed.before;
        let pre_defined = (&defined.0.before, &defined.1.before);
        let post_defined = (&defined.0.after, &defined.1.after);
        // `x = x` moves nothing: treat it as a plain read of `x`.
        let self_assign = matches!(inst.op, Op::Assign { dest, src } if dest == src);
        let stolen = if self_assign {
            vec![]
        } else {
            inst.op.stolen()
        };
        for (j, &src) in stolen.iter().enumerate() {
            if post_live.contains_value(src)
                || pre_borrow.contains_value(src)
                || stolen[..j].contains(&src)
            {
                self.inc_ref(src);
            }
        }
        let dest = inst.defined();
        let is_assign = matches!(inst.op, Op::Assign { .. }) && !self_assign;
        if is_assign && !pre_borrow.contains_value(dest) && pre_live.contains_value(dest) {
            self.dec_ref(dest, pre_defined);
        }
        if !matches!(inst.op, Op::KeepAlive(_)) {
            self.items.push(Item::Keep(inst.clone()));
        }
        // Control ops end the block: their releases go on the edges.
        if inst.op.is_control() {
            return;
        }
        for src in unique(inst.op.sources()) {
            if !post_live.contains_value(src)
                && !pre_borrow.contains_value(src)
                && !stolen.contains(&src)
            {
                self.dec_ref(src, post_defined);
            }
        }
        if !self_assign
            && self.f.rtype(dest) != &RType::Void
            && !post_live.contains_value(dest)
            && !inst.op.is_borrowed()
        {
            self.dec_ref(dest, post_defined);
        }
    }
}

impl Analyses {
    fn new(f: &FuncIR) -> Analyses {
        let cfg = Cfg::new(f, ErrorEdges::Ignore);
        Analyses {
            facts: ValueFacts::new(f),
            live: analyze_liveness(f, &cfg),
            borrowed: analyze_borrowed(f, &cfg),
            defined: analyze_must_defined(f, &cfg, true),
            maybe_defined: analyze_maybe_defined(f, &cfg, true),
        }
    }

    fn states(&self, f: &FuncIR, b: BlockId) -> BlockStates {
        BlockStates {
            live: self.live.op_states(f, b),
            borrowed: self.borrowed.op_states(f, b),
            defined: self.defined.op_states(f, b),
            maybe_defined: self.maybe_defined.op_states(f, b),
        }
    }

    /// The rewritten ops of block `b`.
    fn transform_block(&self, f: &FuncIR, b: BlockId, st: &BlockStates) -> Vec<Item> {
        let mut em = Emitter {
            f,
            facts: &self.facts,
            items: vec![],
            line: 0,
        };
        for (i, inst) in f.block(b).insts.iter().enumerate() {
            em.visit(
                inst,
                &st.live[i],
                &st.borrowed[i],
                (&st.defined[i], &st.maybe_defined[i]),
            );
        }
        em.items
    }

    /// What must happen on the edge from `b` to `target`; `omitted` is a
    /// value that holds its error value on this edge.
    fn edge_ops(
        &self,
        f: &FuncIR,
        st: &BlockStates,
        target: BlockId,
        omitted: Option<ValueId>,
    ) -> EdgeOps {
        let starts_unreachable = f
            .block(target)
            .insts
            .first()
            .is_some_and(|i| i.op == Op::Unreachable);
        let (Some(live), Some(borrowed), Some(defined), Some(maybe)) = (
            st.live.last(),
            st.borrowed.last(),
            st.defined.last(),
            st.maybe_defined.last(),
        ) else {
            return (vec![], vec![]);
        };
        if starts_unreachable {
            return (vec![], vec![]);
        }
        let source_live = &live.before;
        let source_borrowed = &borrowed.after;
        let source_defined = &defined.after;
        let source_maybe = &maybe.after;
        let target_live = self.live.block_entry(target);
        let target_borrowed = self.borrowed.block_entry(target);
        let em = Emitter {
            f,
            facts: &self.facts,
            items: vec![],
            line: 0,
        };
        let decs = source_live
            .values()
            .filter(|v| !target_live.contains_value(*v) && !source_borrowed.contains_value(*v))
            .filter(|v| Some(*v) != omitted && self.facts.needs_refcount(f, *v))
            .filter(|v| !em.is_surely_undefined(*v, source_maybe))
            .map(|v| (v, em.is_maybe_undefined(v, source_defined)))
            .collect();
        let incs = source_borrowed
            .values()
            .filter(|v| !target_borrowed.contains_value(*v) && target_live.contains_value(*v))
            .filter(|v| self.facts.needs_refcount(f, *v))
            .collect();
        (decs, incs)
    }
}

fn edge_items(ops: &EdgeOps, line: u32) -> Vec<Item> {
    let decs = ops
        .0
        .iter()
        .map(|&(src, xdec)| Item::New(Op::DecRef { src, xdec }, line));
    let incs = ops.1.iter().map(|&v| Item::New(Op::IncRef(v), line));
    decs.chain(incs).collect()
}

/// The value that is known to be an error value on the `index`-th edge of `term`.
fn error_value_on_edge(term: &Op, index: usize) -> Option<ValueId> {
    match term {
        Op::Branch {
            value,
            kind: BranchKind::IsError,
            negated,
            ..
        } => {
            let error_edge = usize::from(*negated);
            (index == error_edge).then_some(*value)
        }
        _ => None,
    }
}

struct Rewriter<'a> {
    f: &'a mut FuncIR,
    /// Edge blocks already made, by (target, ops).
    edge_blocks: BTreeMap<(BlockId, EdgeOps), BlockId>,
}

impl Rewriter<'_> {
    fn push_items(&mut self, b: BlockId, items: Vec<Item>) {
        for item in items {
            match item {
                Item::Keep(inst) => self.f.block_mut(b).insts.push(inst),
                Item::New(op, line) => {
                    self.f.push(b, op, RType::Void, line);
                }
            }
        }
    }

    fn edge_block(&mut self, target: BlockId, ops: EdgeOps, line: u32) -> BlockId {
        let key = (target, ops);
        if let Some(&b) = self.edge_blocks.get(&key) {
            return b;
        }
        let b = self.f.new_block();
        self.push_items(b, edge_items(&key.1, line));
        self.f.push(b, Op::Goto(target), RType::Void, line);
        self.edge_blocks.insert(key, b);
        b
    }

    fn rewrite_block(&mut self, an: &Analyses, b: BlockId) {
        let f: &FuncIR = self.f;
        let st = an.states(f, b);
        let mut items = an.transform_block(f, b, &st);
        let line = f.block(b).insts.last().map_or(0, |i| i.line);
        let term = f.block(b).terminator().cloned();
        let edges: Vec<EdgeOps> = match &term {
            Some(t) => t
                .successors()
                .into_iter()
                .enumerate()
                .map(|(i, target)| an.edge_ops(f, &st, target, error_value_on_edge(t, i)))
                .collect(),
            None => vec![],
        };
        self.f.block_mut(b).insts.clear();
        let Some(mut term_inst) = term.and_then(|_| match items.pop() {
            Some(Item::Keep(inst)) => Some(inst),
            _ => None,
        }) else {
            self.push_items(b, items);
            return;
        };
        if let (Op::Goto(_), Some(edge)) = (&term_inst.op, edges.first()) {
            items.extend(edge_items(edge, line));
        } else {
            let targets = term_inst.op.successors();
            let mut labels = vec![];
            for (edge, target) in edges.into_iter().zip(targets) {
                let has_ops = !edge.0.is_empty() || !edge.1.is_empty();
                labels.push(if has_ops {
                    self.edge_block(target, edge, line)
                } else {
                    target
                });
            }
            for (label, new) in term_inst.op.successors_mut().into_iter().zip(labels) {
                *label = new;
            }
        }
        items.push(Item::Keep(term_inst));
        self.push_items(b, items);
    }
}

/// Insert reference counting ops into `f` (after the exception transform).
pub fn insert_refcounts(f: &mut FuncIR) {
    let an = Analyses::new(f);
    let block_count = f.blocks.len();
    let mut rw = Rewriter {
        f,
        edge_blocks: BTreeMap::new(),
    };
    for i in 0..block_count {
        rw.rewrite_block(&an, BlockId(i as u32));
    }
}
