//! The transforms mypyc runs on each function after irbuild, in order:
//!
//! 0. `unread`: effect-free ops (assignments, boxes, constants) whose
//!    values nothing reads are dropped (the `_` of `for _ in ...`);
//!    `reuse_boxed`: boxes of ints that were unboxed from an object still
//!    at hand become that object (an optimization mypyc does not have);
//!    `borrow`: field reads and casts used once, right away, by a field
//!    access borrow their reference (no incref/decref);
//! 1. `uninit`: checks that raise `UnboundLocalError` for reads of locals
//!    that may be unassigned;
//! 2. `signals`: a countdown to a poll for pending signals (Ctrl-C) in
//!    every loop;
//! 3. `suspend`: for generators, saving and restoring live values around
//!    each suspension point and dispatching on the resume label;
//! 4. `exceptions`: an explicit branch to the error handler after every op
//!    that can fail;
//! 5. `refcount`: `inc_ref`/`dec_ref` insertion.
//!
//! Before them, `recursion` gives the functions on cycles of direct calls a
//! stack check (it needs the call graph of the whole build).
//! `cleanup` drops unreachable blocks and renumbers blocks in layout order;
//! `check` verifies the reference counting of the result (tests, debugging).

pub mod borrow;
pub mod check;
pub mod cleanup;
pub mod exceptions;
pub mod recursion;
pub mod refcount;
pub mod reuse_boxed;
pub mod signals;
pub mod suspend;
pub mod uninit;
pub mod unread;

use crate::analysis::ErrorEdges;
use crate::ir::FuncIR;

pub use check::check_refcounts;
pub use exceptions::{insert_exception_handling, traceback_name};
pub use refcount::insert_refcounts;
pub use uninit::insert_uninit_checks;

/// Run all transforms on a function built by irbuild, leaving it ready for
/// codegen.
pub fn run_all(f: &mut FuncIR) {
    // Blocks unreachable even through handler links (code after `return`)
    // would only get spurious uninit checks.
    cleanup::remove_unreachable(f, ErrorEdges::Implicit);
    unread::drop_unread_values(f);
    reuse_boxed::reuse_boxed_ints(f);
    borrow::borrow_temporaries(f);
    insert_uninit_checks(f);
    signals::insert_signal_polls(f);
    suspend::lower_suspensions(f);
    insert_exception_handling(f);
    // Handlers that no failing op reaches are now unreachable.
    cleanup::remove_unreachable(f, ErrorEdges::Ignore);
    insert_refcounts(f);
}
