//! The reuse-boxed transform: an `int` unboxed from an object and boxed
//! again while that object is unchanged gets the object back instead of a
//! new box.
//!
//! Typed code unboxes ints where they enter native code (list items, dict
//! keys, attributes of Python objects) and boxes them again where they
//! leave it (dict keys, list items, generic calls):
//!
//! ```text
//!     r1 = CPyList_GetItemUnsafe(items, i)
//!     r2 = unbox(int, r1)
//!     k = r2
//!     ...
//!     r9 = box(int_obj, k)        =>   r9 = reuse_boxed(r1)
//!     r10 = CPyDict_GetItem(d, r9)
//! ```
//!
//! A new box allocates for every int outside CPython's small-int cache; the
//! reused object costs nothing. It is also the object the interpreter would
//! pass on (an `int` subclass such as `bool` or an `IntEnum` member stays
//! itself, as in Python).
//!
//! Facts are must-facts over the CFG with its implicit exception edges
//! (`BoxedSource`), one per generating inst: "the int value this inst
//! defined still holds the unboxed form of its object". Unboxing generates
//! one for its result, and so does a copy of an unbox's result into a
//! register in the same block (the local `k = r2` above) when nothing in
//! between reassigns the object. Redefining the value or its object kills
//! the fact. A register may have several generators (a loop variable
//! reused by two loops); at most one of them holds at any point, since each
//! definition of the register kills the others. Borrowed objects are never
//! origins: their owner may release them before the box. Runs first, before
//! the other transforms, on blocks irbuild left unsplit.

use crate::analysis::{
    run, Analysis, BitSet, Cfg, Direction, ErrorEdges, GenKill, Join, ValueFacts,
};
use crate::ir::{FuncIR, Inst, Op, RType, ValueId};

/// The unbox-like definitions of a function and the objects they unbox.
struct BoxedSource {
    /// Per generating inst (by result): the int value it defines and the
    /// object that value is the unboxed form of.
    generated: Vec<Option<(ValueId, ValueId)>>,
    /// Per value: the generators whose fact dies when the value is
    /// redefined (those defining it and those unboxing it).
    killed_by: Vec<Vec<ValueId>>,
    /// Per int value: its generators.
    generators_of: Vec<Vec<ValueId>>,
}

/// `Some((int value, object))` if `inst` unboxes an `int`.
fn int_unbox(inst: &Inst) -> Option<(ValueId, ValueId)> {
    match &inst.op {
        Op::Unbox {
            src,
            rtype: RType::Int,
        } => Some((inst.result, *src)),
        _ => None,
    }
}

impl BoxedSource {
    fn new(f: &FuncIR) -> BoxedSource {
        let n = f.values.len();
        // A borrowed result may die with its container before the box.
        let borrowed = ValueFacts::new(f).borrowed_results;
        // (generator inst result, defined value, object) triples.
        let mut candidates: Vec<(ValueId, ValueId, ValueId)> = vec![];
        for block in &f.blocks {
            for (i, inst) in block.insts.iter().enumerate() {
                let unbox = int_unbox(inst).filter(|(_, o)| !borrowed.contains_value(*o));
                if let Some((value, obj)) = unbox {
                    candidates.push((inst.result, value, obj));
                    copies_in_block(&block.insts[i + 1..], value, obj, &mut candidates);
                }
            }
        }
        let mut generated = vec![None; n];
        let mut killed_by = vec![vec![]; n];
        let mut generators_of = vec![vec![]; n];
        for &(g, value, obj) in &candidates {
            generated[g.index()] = Some((value, obj));
            killed_by[value.index()].push(g);
            killed_by[obj.index()].push(g);
            generators_of[value.index()].push(g);
        }
        BoxedSource {
            generated,
            killed_by,
            generators_of,
        }
    }

    /// The object `value` is the unboxed form of in `state`, if any.
    fn origin(&self, state: &BitSet, value: ValueId) -> Option<ValueId> {
        let g = self.generators_of[value.index()]
            .iter()
            .find(|g| state.contains_value(**g))?;
        self.generated[g.index()].map(|(_, obj)| obj)
    }

    fn is_empty(&self) -> bool {
        self.generated.iter().all(Option::is_none)
    }
}

/// Registers that copy `value` (unboxed from `obj`) later in its block,
/// before anything redefines `obj`.
fn copies_in_block(
    rest: &[Inst],
    value: ValueId,
    obj: ValueId,
    out: &mut Vec<(ValueId, ValueId, ValueId)>,
) {
    for inst in rest {
        if let Op::Assign { dest, src } = &inst.op {
            if *src == value && *dest != obj {
                out.push((inst.result, *dest, obj));
            }
        }
        let d = inst.defined();
        if d == obj || d == value {
            return;
        }
    }
}

impl Analysis for BoxedSource {
    fn direction(&self) -> Direction {
        Direction::Forward
    }

    fn join(&self) -> Join {
        Join::Intersection
    }

    fn boundary(&self, f: &FuncIR) -> BitSet {
        BitSet::new(f.values.len())
    }

    fn transfer(&self, _f: &FuncIR, inst: &Inst, gk: &mut GenKill) {
        for &g in &self.killed_by[inst.defined().index()] {
            gk.kill(g);
        }
        if self.generated[inst.result.index()].is_some() {
            gk.gen(inst.result);
        }
    }
}

/// Replace each `box` of an `int` whose origin still holds it by the origin.
pub fn reuse_boxed_ints(f: &mut FuncIR) {
    let analysis = BoxedSource::new(f);
    if analysis.is_empty() {
        return;
    }
    let cfg = Cfg::new(f, ErrorEdges::Implicit);
    let results = run(f, &cfg, analysis);
    let mut rewrites = vec![];
    for b in 0..f.blocks.len() {
        let block = crate::ir::BlockId(b as u32);
        let states = results.op_states(f, block);
        for (i, inst) in f.block(block).insts.iter().enumerate() {
            let Op::Box { src, .. } = &inst.op else {
                continue;
            };
            if f.value(*src).rtype != RType::Int {
                continue;
            }
            if let Some(obj) = results.analysis.origin(&states[i].before, *src) {
                rewrites.push((b, i, obj));
            }
        }
    }
    for (b, i, obj) in rewrites {
        f.blocks[b].insts[i].op = Op::ReuseBoxed(obj);
    }
}
