//! The compiled half of a module's interface: what irbuild derives from
//! the checked interface for other modules to use natively (the layouts,
//! vtables and signatures of the module's native classes, the C
//! declarations of its module-level functions and the `Final` statics it
//! defines). Plain data with references by full name, so that the
//! incremental build can store it and compare it (see
//! `build::interface`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::class_table::{ClassTable, NativeClass};
use super::mapper::Mapper;
use super::symbols::{ModuleSymbols, Symbol};
use crate::ir::{FuncDecl, RType};

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CompiledInterface {
    /// The module's native classes (full name, class), in table order.
    pub classes: Vec<(String, NativeClass)>,
    /// Those of them that are traits.
    pub traits: Vec<String>,
    /// Module-level functions called natively, as compiled.
    pub functions: Vec<FuncDecl>,
    /// `Final` names with a C static (full name, representation).
    pub final_statics: Vec<(String, RType)>,
}

/// The compiled interface of `symbols`' module: its classes in `table`,
/// its functions as `mapper` (the module's) declares them, its statics.
pub fn compiled_interface(
    symbols: &ModuleSymbols,
    table: &ClassTable,
    mapper: &Mapper,
    final_statics: &IndexMap<String, (String, RType)>,
) -> CompiledInterface {
    let module = symbols.name.as_str();
    let classes: Vec<(String, NativeClass)> = table
        .classes
        .iter()
        .filter(|(_, c)| c.ir.module == module)
        .map(|(full, c)| (full.clone(), c.clone()))
        .collect();
    let traits = table
        .traits
        .iter()
        .filter(|t| classes.iter().any(|(full, _)| full == *t))
        .cloned()
        .collect();
    let functions = symbols
        .symbols
        .values()
        .filter_map(|s| match s {
            Symbol::Func(sig) => Some(mapper.func_decl(module, sig)),
            _ => None,
        })
        .collect();
    CompiledInterface {
        classes,
        traits,
        functions,
        final_statics: final_statics
            .iter()
            .filter(|(_, (m, _))| m == module)
            .map(|(k, (_, r))| (k.clone(), r.clone()))
            .collect(),
    }
}
