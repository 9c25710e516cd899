//! The build: the driver (module discovery, import graph, groups, cache)
//! and the C side of it — querying the target Python, compiling generated
//! C and the cached runtime, and linking extension modules.

pub mod cc;
pub mod python;
pub mod runtime_cache;
