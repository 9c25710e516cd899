//! A module's checked interface: what other modules see of it once it is
//! checked (what its top-level names are bound to, its classes with their
//! bases and members, its type variables, TypedDicts, type aliases and
//! `Final` literals, and where its `from` imports point), as plain data.
//!
//! It is designed for the incremental build's cache: references to other
//! modules are full names (nothing points into their tables), every list
//! keeps the source's order or is sorted, so the serialized form (and a
//! hash of it) is the same on every run, and the expressions the tables
//! keep unresolved (alias right-hand sides, literals) are stored as
//! Python source. `Program::interface` takes one module's entries out of
//! the whole-program tables; `Program::add_interface` puts them back,
//! which is how a module loaded from a cache instead of parsed joins the
//! tables.

use rustpython_parser::ast;
use serde::{Deserialize, Serialize};

use super::program::{ClassInfo, ModInfo, Program, TypeVarInfo};
use super::typeddict::TypedDictInfo;

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CheckedInterface {
    /// The module's top-level bindings.
    pub module: ModInfo,
    pub is_package: bool,
    /// Its classes (nested ones included), in definition order.
    pub classes: Vec<ClassInfo>,
    /// Entries keyed by full names of the module (`module.T`), in the
    /// program's order or sorted where the program keeps no order.
    pub type_vars: Vec<(String, TypeVarInfo)>,
    pub type_var_names: Vec<(String, String)>,
    pub typed_dicts: Vec<(String, TypedDictInfo)>,
    pub import_origins: Vec<(String, String)>,
    pub final_literals: Vec<(String, ExprSource)>,
    pub class_final_literals: Vec<(String, ExprSource)>,
    /// Aliases defined in the module, with their right-hand sides.
    pub type_aliases: Vec<(String, ExprSource)>,
}

/// An expression kept as Python source (`list[int] | None`, `-1`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ExprSource(pub String);

impl ExprSource {
    pub fn of(e: &ast::Expr) -> ExprSource {
        ExprSource(e.to_string())
    }

    /// The expression again (its positions start at 0: only its shape
    /// is used by the tables).
    pub fn parse(&self) -> Result<ast::Expr, String> {
        let text = format!("({})", self.0);
        match rustpython_parser::parse(&text, rustpython_parser::Mode::Expression, "<interface>") {
            Ok(ast::Mod::Expression(e)) => Ok(*e.body),
            _ => Err(format!("not an expression: {}", self.0)),
        }
    }
}

impl Program {
    /// The module a table key (`pkg.mod.C.X`) belongs to: the longest
    /// prefix that is a module of the program.
    fn owner_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        let mut prefix = key;
        while let Some((head, _)) = prefix.rsplit_once('.') {
            if self.modules.contains_key(head) {
                return Some(head);
            }
            prefix = head;
        }
        None
    }

    fn owned<'a, V: Clone + 'a>(
        &self,
        module: &str,
        entries: impl Iterator<Item = (&'a String, V)>,
        sorted: bool,
    ) -> Vec<(String, V)> {
        let mut out: Vec<(String, V)> = entries
            .filter(|(k, _)| self.owner_of(k) == Some(module))
            .map(|(k, v)| (k.clone(), v))
            .collect();
        if sorted {
            out.sort_by(|a, b| a.0.cmp(&b.0));
        }
        out
    }

    /// `owned` over a table's entries, copied.
    fn owned_copy<'a, V: Clone + 'a>(
        &self,
        module: &str,
        table: impl IntoIterator<Item = (&'a String, &'a V)>,
        sorted: bool,
    ) -> Vec<(String, V)> {
        self.owned(
            module,
            table.into_iter().map(|(k, v)| (k, v.clone())),
            sorted,
        )
    }

    /// The interface of checked module `module` (`None` if it is not one).
    pub fn interface(&self, module: &str) -> Option<CheckedInterface> {
        let exprs = |m: &std::collections::HashMap<String, ast::Expr>| {
            self.owned(module, m.iter().map(|(k, e)| (k, ExprSource::of(e))), true)
        };
        let aliases = self
            .type_aliases
            .iter()
            .map(|(k, (_, e))| (k, ExprSource::of(e)));
        Some(CheckedInterface {
            module: self.modules.get(module)?.clone(),
            is_package: self.packages.contains(module),
            classes: self
                .classes
                .values()
                .filter(|c| c.module == module)
                .cloned()
                .collect(),
            type_vars: self.owned_copy(module, &self.type_vars, false),
            type_var_names: self.owned_copy(module, &self.type_var_names, false),
            typed_dicts: self.owned_copy(module, &self.typed_dicts, false),
            import_origins: self.owned_copy(module, &self.import_origins, true),
            final_literals: exprs(&self.final_literals),
            class_final_literals: exprs(&self.class_final_literals),
            type_aliases: self.owned(module, aliases, true),
        })
    }

    /// Put a module's interface into the tables (replacing what they held
    /// for it). An entry that does not read back is an error: the caller
    /// treats the interface as stale.
    pub fn add_interface(&mut self, i: CheckedInterface) -> Result<(), String> {
        let name = i.module.name.clone();
        if i.is_package {
            self.packages.insert(name.clone());
        }
        self.modules.insert(name.clone(), i.module);
        for c in i.classes {
            self.classes.insert(c.full.clone(), c);
        }
        self.type_vars.extend(i.type_vars);
        self.type_var_names.extend(i.type_var_names);
        self.typed_dicts.extend(i.typed_dicts);
        self.import_origins.extend(i.import_origins);
        for (k, e) in i.final_literals {
            self.final_literals.insert(k, e.parse()?);
        }
        for (k, e) in i.class_final_literals {
            self.class_final_literals.insert(k, e.parse()?);
        }
        for (k, e) in i.type_aliases {
            self.type_aliases.insert(k, (name.clone(), e.parse()?));
        }
        Ok(())
    }
}
