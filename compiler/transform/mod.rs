//! The transforms mypyc runs on each function after irbuild, in order:
//!
//! 1. `uninit`: checks that raise `UnboundLocalError` for reads of locals
//!    that may be unassigned;
//! 2. `suspend`: for generators, saving and restoring live values around
//!    each suspension point and dispatching on the resume label;
//! 3. `exceptions`: an explicit branch to the error handler after every op
//!    that can fail;
//! 4. `refcount`: `inc_ref`/`dec_ref` insertion.
//!
//! `cleanup` drops unreachable blocks and renumbers blocks in layout order;
//! `check` verifies the reference counting of the result (tests, debugging).

pub mod check;
pub mod cleanup;
pub mod exceptions;
pub mod refcount;
pub mod suspend;
pub mod uninit;

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
    insert_uninit_checks(f);
    suspend::lower_suspensions(f);
    insert_exception_handling(f);
    // Handlers that no failing op reaches are now unreachable.
    cleanup::remove_unreachable(f, ErrorEdges::Ignore);
    insert_refcounts(f);
}
