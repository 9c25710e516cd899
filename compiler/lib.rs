//! mypyc: an ahead-of-time compiler from typed Python to CPython C extensions.
//!
//! The pipeline (see ARCHITECTURE.md): `build` drives `parse` → `semanal` →
//! `checker` (using `types`) → `irbuild` (using `primitives`) → `transform`
//! (using `analysis`) → `codegen` → C compiler. Each stage consumes the
//! previous stage's data structures and nothing from later stages.

pub mod analysis;
pub mod build;
pub mod checker;
pub mod codegen;
pub mod diagnostics;
pub mod ir;
pub mod irbuild;
pub mod parse;
pub mod primitives;
pub mod semanal;
pub mod transform;
pub mod types;
