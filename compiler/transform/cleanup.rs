//! Block layout utilities: renumber blocks into a given order and drop
//! unreachable ones. Transforms that split blocks append the new blocks to
//! the arena and record where they belong in the layout; `relayout` then
//! renumbers so the printed IR (and the generated C) reads top to bottom.
//! Renumbering is a pure function of the layout order, so output stays
//! deterministic.

use crate::analysis::{Cfg, ErrorEdges};
use crate::ir::{BasicBlock, BlockId, FuncIR};

/// Renumber the blocks of `f` so that `order[i]` becomes `BlockId(i)`.
/// Blocks absent from `order` are dropped; the entry block must come first.
/// Labels pointing at dropped blocks cannot occur for reachable code; an
/// `error_handler` pointing at a dropped block is cleared.
pub fn relayout(f: &mut FuncIR, order: &[BlockId]) {
    let n = f.blocks.len();
    let mut new_id: Vec<Option<BlockId>> = vec![None; n];
    let mut kept: Vec<BlockId> = Vec::with_capacity(order.len());
    for &b in order {
        if b.index() < n && new_id[b.index()].is_none() {
            new_id[b.index()] = Some(BlockId(kept.len() as u32));
            kept.push(b);
        }
    }
    let mut old_blocks: Vec<Option<BasicBlock>> = std::mem::take(&mut f.blocks)
        .into_iter()
        .map(Some)
        .collect();
    let mut blocks = Vec::with_capacity(kept.len());
    for b in kept {
        let Some(mut block) = old_blocks[b.index()].take() else {
            continue;
        };
        block.error_handler = block
            .error_handler
            .and_then(|h| new_id.get(h.index()).copied().flatten());
        if let Some(last) = block.insts.last_mut() {
            for label in last.op.successors_mut() {
                if let Some(Some(id)) = new_id.get(label.index()) {
                    *label = *id;
                }
            }
        }
        blocks.push(block);
    }
    f.blocks = blocks;
    f.entry = new_id
        .get(f.entry.index())
        .copied()
        .flatten()
        .unwrap_or(BlockId(0));
}

/// Drop blocks unreachable from the entry (following handler links too when
/// `error_edges` is `Implicit`), keeping the order of the others.
pub fn remove_unreachable(f: &mut FuncIR, error_edges: ErrorEdges) {
    let cfg = Cfg::new(f, error_edges);
    let reachable = cfg.reachable(f.entry);
    if reachable.iter().all(|r| *r) {
        return;
    }
    let mut order = vec![f.entry];
    order.extend(
        f.block_ids()
            .filter(|b| *b != f.entry && reachable[b.index()]),
    );
    relayout(f, &order);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FuncDecl, FuncRef, Op, RType};

    fn func() -> FuncIR {
        let decl = FuncDecl {
            func: FuncRef {
                module: "m".into(),
                class: None,
                name: "f".into(),
            },
            params: vec![],
            ret: RType::None,
            has_wrapper: false,
            line: 1,
            nested: false,
        };
        FuncIR::new(decl, "m.py".into())
    }

    #[test]
    fn drops_unreachable_and_renumbers_labels() {
        let mut f = func();
        let dead = f.new_block();
        let live = f.new_block();
        f.push(BlockId(0), Op::Goto(live), RType::Void, 1);
        f.push(dead, Op::Goto(live), RType::Void, 1);
        let v = f.push(
            live,
            Op::LoadInt {
                value: 1,
                rtype: RType::None,
            },
            RType::None,
            1,
        );
        f.push(live, Op::Return(v), RType::Void, 1);
        remove_unreachable(&mut f, ErrorEdges::Ignore);
        assert_eq!(f.blocks.len(), 2);
        assert_eq!(f.blocks[0].insts[0].op, Op::Goto(BlockId(1)));
        assert!(matches!(f.blocks[1].insts[1].op, Op::Return(_)));
    }

    #[test]
    fn handler_links_keep_handlers_alive() {
        let mut f = func();
        let handler = f.new_block();
        f.block_mut(BlockId(0)).error_handler = Some(handler);
        let v = f.push(
            BlockId(0),
            Op::LoadInt {
                value: 1,
                rtype: RType::None,
            },
            RType::None,
            1,
        );
        f.push(BlockId(0), Op::Return(v), RType::Void, 1);
        f.push(handler, Op::Unreachable, RType::Void, 1);
        let mut g = f.clone();
        remove_unreachable(&mut f, ErrorEdges::Implicit);
        assert_eq!(f.blocks.len(), 2);
        remove_unreachable(&mut g, ErrorEdges::Ignore);
        assert_eq!(g.blocks.len(), 1);
        assert_eq!(g.blocks[0].error_handler, None);
    }
}
