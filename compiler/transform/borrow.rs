//! The borrow transform: a field read or a cast whose value is used once,
//! right away, by a native field access borrows its reference instead of
//! taking a new one (mypyc's borrowed `GetAttr` and `Cast`).
//!
//! ```text
//!     r1 = cast(Packet, pkt)          r1 = cast(Packet, pkt) :: borrowed
//!     r2 = r1.kind               =>   r2 = r1.kind
//!     (dec_ref r1)                    keep_alive pkt
//! ```
//!
//! `x.a.b`, `pkt.kind` of a narrowed `Optional[Packet]` and `h.link = p`
//! of a cast `h` then cost no reference count traffic. A value qualifies
//! when its only use is as the object of a field read, a field write, a
//! native `isinstance` or a list or tuple primitive that runs no Python
//! code (`primitives::runs_no_python_code`: `self.cells[i]`) later in the
//! same block, and every op in between runs no Python code
//! (`runs_no_code`): nothing can then replace the field or drop the
//! reference the value borrows. The owner of the borrowed
//! reference (the object read from, or the value cast) is kept alive up to
//! the use by a `KeepAlive` after it, and so are the owners of borrowed
//! owners. Runs before the exception and refcount transforms, which treat
//! the marked ops as borrowing (`Op::is_borrowed`, `Op::stolen`).

use crate::ir::{FuncIR, Inst, Op, RType, ValueId, ValueKind};
use crate::primitives;

/// Mark the reads of `f` that can borrow, and keep their owners alive.
pub fn borrow_temporaries(f: &mut FuncIR) {
    let uses = use_counts(f);
    for b in 0..f.blocks.len() {
        let mut i = 0;
        while i < f.blocks[b].insts.len() {
            if let Some(j) = borrowable_until(f, b, i, &uses) {
                let owners = owner_chain(&f.blocks[b].insts[..=i], i);
                set_borrow(&mut f.blocks[b].insts[i].op);
                let line = f.blocks[b].insts[j].line;
                let result = f.new_value(RType::Void, ValueKind::OpResult, None);
                let keep = Inst {
                    op: Op::KeepAlive(owners),
                    result,
                    line,
                };
                f.blocks[b].insts.insert(j + 1, keep);
            }
            i += 1;
        }
    }
}

/// How many times each value is read.
fn use_counts(f: &FuncIR) -> Vec<u32> {
    let mut uses = vec![0u32; f.values.len()];
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        for v in inst.op.sources() {
            uses[v.index()] += 1;
        }
    }
    uses
}

/// If inst `i` of block `b` may borrow: the index of the inst that uses
/// its value.
fn borrowable_until(f: &FuncIR, b: usize, i: usize, uses: &[u32]) -> Option<usize> {
    let insts = &f.blocks[b].insts;
    let inst = &insts[i];
    owner(&inst.op)?;
    if uses[inst.result.index()] != 1 || !f.rtype(inst.result).is_refcounted() {
        return None;
    }
    for (j, later) in insts.iter().enumerate().skip(i + 1) {
        if borrows_object(&later.op, inst.result) {
            return Some(j);
        }
        if later.op.sources().contains(&inst.result) || !runs_no_code(&later.op) {
            return None;
        }
    }
    None
}

/// The value whose reference `op` borrows (`Some((owner, true))`) or, in
/// its borrowing form, would borrow (`Some((owner, false))`).
fn owner_of(op: &Op) -> Option<(ValueId, bool)> {
    match op {
        Op::GetAttr { obj, borrow, .. } => Some((*obj, *borrow)),
        Op::Cast { src, borrow, .. } => Some((*src, *borrow)),
        _ => None,
    }
}

/// The owner a not yet borrowing `op` would borrow from.
fn owner(op: &Op) -> Option<ValueId> {
    owner_of(op)
        .filter(|(_, borrowed)| !borrowed)
        .map(|(o, _)| o)
}

fn set_borrow(op: &mut Op) {
    if let Op::GetAttr { borrow, .. } | Op::Cast { borrow, .. } = op {
        *borrow = true;
    }
}

/// Does `op` read `v` only as the native object it accesses (a field
/// read or write, an exact type test), running no Python code before it
/// is done with `v`?
fn borrows_object(op: &Op, v: ValueId) -> bool {
    match op {
        Op::GetAttr { obj, .. } | Op::IsInstance { obj, .. } => *obj == v,
        Op::SetAttr { obj, value, .. } => *obj == v && *value != v,
        Op::CallC(c) => {
            primitives::runs_no_python_code(&c.function)
                && c.args.contains(&v)
                && !op.stolen().contains(&v)
        }
        _ => false,
    }
}

/// Ops that cannot run Python code, free objects or replace fields.
fn runs_no_code(op: &Op) -> bool {
    matches!(
        op,
        Op::LoadInt { .. }
            | Op::LoadFloat(_)
            | Op::LoadLiteral { .. }
            | Op::LoadStatic(_)
            | Op::LoadErrorValue { .. }
            | Op::GetAttr { .. }
            | Op::Cast { .. }
            | Op::IsInstance { .. }
            | Op::ComparisonOp { .. }
            | Op::FloatComparisonOp { .. }
            | Op::IntOp { .. }
            | Op::KeepAlive(_)
    ) || matches!(op, Op::CallC(c) if primitives::runs_no_python_code(&c.function))
}

/// The owner of the reference inst `i` of `insts` borrows, followed by
/// the owners of owners defined by earlier borrowing insts of the block.
fn owner_chain(insts: &[Inst], i: usize) -> Vec<ValueId> {
    let mut chain = vec![];
    let mut cur = owner(&insts[i].op);
    while let Some(o) = cur {
        chain.push(o);
        cur = insts[..i]
            .iter()
            .rev()
            .find(|d| d.result == o)
            .and_then(|d| owner_of(&d.op))
            .filter(|(_, borrowed)| *borrowed)
            .map(|(owner, _)| owner);
    }
    chain
}
