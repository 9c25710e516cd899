//! The build: the driver (module discovery, groups, the pipeline) and the C
//! side of it — querying the target Python, compiling generated C and the
//! cached runtime, and linking extension modules — or, in generate-only
//! mode, the manifest of the extensions for another build tool to compile.

pub mod cache;
pub mod cc;
pub mod driver;
pub mod extensions;
pub mod graph;
pub mod groups;
pub mod incremental;
pub mod interface;
pub mod manifest;
pub mod mypy_config;
pub mod python;
pub mod runtime_cache;
pub mod sources;
