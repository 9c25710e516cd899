//! Dataflow analyses over the IR, used by the transforms.
//!
//! One generic gen/kill framework (`dataflow`) and the analyses mypyc's
//! transforms need on top of it: liveness, must-/maybe-defined registers
//! and borrowed values. All states are bitsets over value indices, so
//! results are deterministic. `callgraph` is the one analysis over a whole
//! build rather than one function: the cycles of direct native calls.

pub mod bitset;
pub mod borrowed;
pub mod callgraph;
pub mod cfg;
pub mod dataflow;
pub mod defined;
pub mod facts;
pub mod liveness;

pub use bitset::BitSet;
pub use borrowed::Borrowed;
pub use cfg::{Cfg, ErrorEdges};
pub use dataflow::{run, Analysis, Direction, GenKill, Join, OpState, Results};
pub use defined::{MaybeDefined, MustDefined};
pub use facts::ValueFacts;
pub use liveness::Liveness;

use crate::ir::FuncIR;

/// Live values (backward, union).
pub fn analyze_liveness(f: &FuncIR, cfg: &Cfg) -> Results<Liveness> {
    run(f, cfg, Liveness)
}

/// Registers defined on every path (forward, intersection).
pub fn analyze_must_defined(f: &FuncIR, cfg: &Cfg, strict_errors: bool) -> Results<MustDefined> {
    run(f, cfg, MustDefined::new(f, strict_errors))
}

/// Registers defined on some path (forward, union).
pub fn analyze_maybe_defined(f: &FuncIR, cfg: &Cfg, strict_errors: bool) -> Results<MaybeDefined> {
    run(f, cfg, MaybeDefined::new(f, strict_errors))
}

/// Borrowed arguments and borrowed op results (forward, intersection).
pub fn analyze_borrowed(f: &FuncIR, cfg: &Cfg) -> Results<Borrowed> {
    run(f, cfg, Borrowed::new(f))
}
