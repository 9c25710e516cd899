//! The symbol table irbuild lowers a module with (`ModuleSymbols`), derived
//! from the checker's program: module-level functions compiled for direct
//! calls (bound once, undecorated) with their compiled signatures, the
//! other definitions (decorated or redefined functions, by their native
//! names), classes with their methods' signatures, and the types of
//! module-level variables as the checker declared them.

use std::sync::Arc;

use indexmap::IndexMap;
use rustpython_parser::ast;

use super::mapper::Mapper;
use crate::checker::program::{Binding, Program};
use crate::irbuild::class_table::ClassTable;
use crate::parse::ParsedModule;
use crate::semanal::{def_key, is_final_annotation, scope, FuncSig};
use crate::types::Type;

/// What a module-level name is bound to.
#[derive(Clone, Debug)]
pub enum Symbol {
    /// A compiled module-level function (called directly).
    Func(FuncSig),
    /// A global variable with its declared or inferred type.
    Var(Type),
    /// A class defined at module level (built at runtime as a Python class
    /// whose methods are compiled functions).
    Class(ClassInfo),
}

/// A class defined in a compiled module.
#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub name: String,
    /// Methods by name, with their signatures (first parameter: self/cls).
    pub methods: IndexMap<String, FuncSig>,
}

/// The names under which native classes are visible in a module (`C`,
/// `mod.C`), mapped to their full names.
pub type NativeNames = IndexMap<String, String>;

/// The symbol table of a compiled module.
#[derive(Clone, Debug, Default)]
pub struct ModuleSymbols {
    pub name: String,
    pub symbols: IndexMap<String, Symbol>,
    /// Signatures of decorated module-level functions (bound as variables).
    pub decorated: IndexMap<String, FuncSig>,
    pub native_names: NativeNames,
    /// The native classes of the build (attribute types, methods).
    pub classes: std::sync::Arc<super::class_table::ClassTable>,
    /// Module-level names declared `Final` (reading one that was never set
    /// raises mypyc's NameError "value for final name ... was not set").
    pub finals: Vec<String>,
    /// Names bound once at module level (a class statement or an import)
    /// to a native class, with its full name: reads load the class's type
    /// object, not the globals (mypy refuses rebinding a class name).
    pub static_classes: IndexMap<String, String>,
}

impl ModuleSymbols {
    pub fn func(&self, name: &str) -> Option<&FuncSig> {
        match self.symbols.get(name) {
            Some(Symbol::Func(sig)) => Some(sig),
            _ => None,
        }
    }
}

/// The symbol table of compiled module `name`.
pub fn module_symbols(
    program: &Program,
    name: &str,
    parsed: &ParsedModule,
    mapper: &Mapper,
    native_names: &NativeNames,
    classes: Arc<ClassTable>,
) -> ModuleSymbols {
    let mut syms = ModuleSymbols {
        name: name.to_string(),
        native_names: native_names.clone(),
        classes,
        ..Default::default()
    };
    scope::walk_assignments(&parsed.body, &mut |target, _, annotation| {
        if annotation.is_some_and(is_final_annotation) && !syms.finals.iter().any(|n| n == target) {
            syms.finals.push(target.to_string());
        }
    });
    let mut counts: IndexMap<String, usize> = IndexMap::new();
    scope::for_each_binding(&parsed.body, &mut |n| {
        *counts.entry(n.to_string()).or_default() += 1
    });
    let count = |n: &str| counts.get(n).copied().unwrap_or(0);
    syms.static_classes = native_names
        .iter()
        .filter(|(bound, _)| count(bound) == 1)
        .map(|(bound, full)| (bound.clone(), full.clone()))
        .collect();
    let sig_of = |def: &ast::StmtFunctionDef| mapper.func_sig(program, name, parsed, def);
    let mut defined: Vec<String> = vec![];
    for stmt in &parsed.body {
        match stmt {
            ast::Stmt::ClassDef(c) if count(c.name.as_str()) == 1 => {
                let mut methods = IndexMap::new();
                for item in &c.body {
                    if let ast::Stmt::FunctionDef(def) = item {
                        // Property setters reuse the getter's name: keep the first.
                        methods
                            .entry(def.name.to_string())
                            .or_insert_with(|| sig_of(def));
                    }
                }
                let info = ClassInfo {
                    name: c.name.to_string(),
                    methods,
                };
                syms.symbols.insert(c.name.to_string(), Symbol::Class(info));
            }
            ast::Stmt::ClassDef(_) => {}
            // Functions defined here or in its compound statements
            // (conditional definitions), in the order lowering meets them.
            _ => scope::for_each_scope_def(std::slice::from_ref(stmt), &mut |def| {
                let mut sig = sig_of(def);
                let key = def_key(&defined, def.name.as_str());
                defined.push(def.name.to_string());
                if count(def.name.as_str()) > 1 || !def.decorator_list.is_empty() {
                    sig.name = key.clone();
                    syms.decorated.insert(key, sig);
                    syms.symbols
                        .insert(def.name.to_string(), Symbol::Var(Type::Any));
                } else {
                    syms.symbols.insert(def.name.to_string(), Symbol::Func(sig));
                }
            }),
        }
    }
    let mut variables: Vec<String> = vec![];
    scope::walk_assignments(&parsed.body, &mut |target, _, _| {
        if !variables.iter().any(|v| v == target) {
            variables.push(target.to_string());
        }
    });
    for var in variables {
        // A function or class name rebound at module level is a variable
        // of unknown type.
        let t = match program.binding(name, &var) {
            _ if syms.symbols.contains_key(&var) || syms.decorated.contains_key(&var) => Type::Any,
            Binding::Var { ty, .. } => mapper.map(&crate::semanal::generalize(ty)),
            _ => Type::Any,
        };
        syms.symbols.insert(var, Symbol::Var(t));
    }
    syms
}
