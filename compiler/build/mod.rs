//! The build: the driver (module discovery, groups, the pipeline) and the C
//! side of it — querying the target Python, compiling generated C and the
//! cached runtime, and linking extension modules.

pub mod cc;
pub mod driver;
pub mod groups;
pub mod interface;
pub mod python;
pub mod runtime_cache;
pub mod sources;
