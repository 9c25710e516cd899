//! mypyc: an ahead-of-time compiler from typed Python to CPython C extensions.
//!
//! The pipeline (see ARCHITECTURE.md): `build` drives `parse` → `semanal` →
//! `checker` (using `types`) → `irbuild` (using `primitives`) → `transform`
//! (using `analysis`) → `codegen` → C compiler. Each stage consumes the
//! previous stage's data structures and nothing from later stages.

pub mod build;
pub mod codegen;
pub mod diagnostics;
pub mod ir;
