//! Modules and groups of the IR: what codegen turns into one shared library.

use super::class::ClassIR;
use super::func::{FuncDecl, FuncIR};
use super::rtypes::RType;

/// A native struct type: a Python object (a GC-tracked extension type)
/// whose fields are typed C members. Closures keep the variables they share
/// with their enclosing function in one, and generators keep their state in
/// one between steps.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct StructDef {
    /// Unique within its module; see `StructRef`.
    pub name: String,
    pub fields: Vec<(String, RType)>,
}

/// One compiled Python module.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ModuleIR {
    /// Fully qualified module name (`pkg.mod`).
    pub name: String,
    /// Path of the source file, as given to the compiler (for tracebacks).
    pub source_file: String,
    /// Native functions defined by the module (module-level functions first,
    /// in source order). Those with `decl.has_wrapper` and no class are
    /// exposed in the module's method table.
    pub functions: Vec<FuncIR>,
    /// The module body, run by the module's init: `<module>.__top_level__`,
    /// taking no arguments and returning `None` (error value on failure).
    pub top_level: FuncIR,
    /// Compiled modules this module imports (for init ordering in a group).
    pub imports: Vec<String>,
    /// Native struct types defined by the module's functions.
    pub structs: Vec<StructDef>,
    /// Native classes defined by the module, bases before subclasses.
    pub classes: Vec<ClassIR>,
}

impl ModuleIR {
    /// Is this a package's `__init__` module?
    pub fn is_package_init(&self) -> bool {
        std::path::Path::new(&self.source_file)
            .file_name()
            .is_some_and(|n| n == "__init__.py")
    }
}

/// A group of modules compiled into one shared library.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct GroupIR {
    /// The group's name; the library is `<name>__mypyc`.
    pub name: String,
    pub modules: Vec<ModuleIR>,
}

impl GroupIR {
    /// All function declarations of the group, for resolving direct calls.
    pub fn decls(&self) -> impl Iterator<Item = &FuncDecl> {
        self.modules
            .iter()
            .flat_map(|m| m.functions.iter().chain(std::iter::once(&m.top_level)))
            .map(|f| &f.decl)
    }
}
