//! Moving items out of unboxed tuples that are about to be released.
//!
//! In the IR a `TupleGet` gives a new reference to its item and a `DecRef`
//! of the tuple releases every item, so `a, b = pair` (unbox, read each
//! item, release the struct) costs an incref and a decref per item. When
//! the tuple is released later in the same block and nothing in between
//! uses it except reads of *other* items, the item's reference can move
//! instead: the read takes the tuple's reference and the release skips
//! that item. The C is equivalent: between the read and the release the
//! item keeps one reference fewer, but every reference in that window is
//! ours (the tuple's or the one read), and the tuple is not touched again
//! before its release. Done at emission so the IR, and the refcount
//! checker's view of it, keep their simple rules.

use std::collections::{HashMap, HashSet};

use crate::ir::{BasicBlock, FuncIR, Inst, Op, ValueId};

/// The moves of one block.
#[derive(Default)]
pub struct TupleMoves {
    /// Results of `TupleGet`s that take the tuple's reference to the item.
    pub moved_reads: HashSet<ValueId>,
    /// For the result of each `DecRef` of a tuple: the items not to release.
    pub skipped_items: HashMap<ValueId, Vec<usize>>,
}

/// Finds the item moves of `block`.
pub fn tuple_moves(f: &FuncIR, block: &BasicBlock) -> TupleMoves {
    let mut moves = TupleMoves::default();
    for (pos, inst) in block.insts.iter().enumerate() {
        let Op::TupleGet { src, index, .. } = &inst.op else {
            continue;
        };
        if !f.rtype(inst.result).is_refcounted() {
            continue;
        }
        let Some(release) = release_in_block(&block.insts[pos + 1..], *src, *index) else {
            continue;
        };
        moves.moved_reads.insert(inst.result);
        moves.skipped_items.entry(release).or_default().push(*index);
    }
    moves
}

/// The result of the `DecRef` of `tuple` that follows, when nothing before
/// it uses or reassigns `tuple` except reads of items other than `index`.
fn release_in_block(rest: &[Inst], tuple: ValueId, index: usize) -> Option<ValueId> {
    for inst in rest {
        match &inst.op {
            Op::DecRef { src, .. } if *src == tuple => return Some(inst.result),
            Op::TupleGet { src, index: i, .. } if *src == tuple && *i != index => {}
            Op::Assign { dest, .. } if *dest == tuple => return None,
            op if op.sources().contains(&tuple) => return None,
            _ => {}
        }
    }
    None
}
