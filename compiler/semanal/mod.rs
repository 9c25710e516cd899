//! Semantic facts shared by the checker and irbuild: signatures' shapes
//! (`FuncSig`, `ParamSig`), the native names of redefinitions, and the
//! local scope of each function (which names are locals, which are
//! declared `global`). Types and signatures themselves come from the
//! checker.

pub mod scope;

use rustpython_parser::ast::{self, Ranged};

use crate::parse::ParsedModule;
use crate::types::Type;

/// How a parameter is passed.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Positional,
    Star,
    KwOnly,
    Star2,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ParamSig {
    pub name: String,
    pub ty: Type,
    pub kind: ParamKind,
    pub has_default: bool,
    pub pos_only: bool,
}

/// The signature of a module-level function.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct FuncSig {
    pub name: String,
    pub params: Vec<ParamSig>,
    pub ret: Type,
    /// Not part of a module's interface (see `ir::FuncDecl::line`).
    #[serde(skip)]
    pub line: u32,
}

/// Is this annotation `Final`, `Final[...]` (possibly qualified, or quoted)?
pub fn is_final_annotation(e: &ast::Expr) -> bool {
    let head = match e {
        ast::Expr::Subscript(s) => &*s.value,
        e => e,
    };
    match head {
        ast::Expr::Name(n) => n.id.as_str() == "Final",
        ast::Expr::Attribute(a) => a.attr.as_str() == "Final",
        ast::Expr::Constant(ast::ExprConstant {
            value: ast::Constant::Str(s),
            ..
        }) => {
            let s = s.trim();
            let head = s.split('[').next().unwrap_or("").trim();
            head == "Final" || head.ends_with(".Final")
        }
        _ => false,
    }
}

/// Rich comparison methods are compiled returning `object` whatever they
/// declare (as in mypyc), so that they may return `NotImplemented`; the
/// type slot needs an object anyway.
pub fn method_compiled_sig(mut sig: FuncSig, name: &str) -> FuncSig {
    if matches!(
        name,
        "__eq__" | "__ne__" | "__lt__" | "__gt__" | "__le__" | "__ge__"
    ) {
        sig.ret = Type::Any;
    }
    sig
}

/// The native name of the next definition of `name` in a scope where
/// `earlier` were defined before: `name` itself for the first, then
/// `name___dupN`, so that redefinitions (overloads, property setters,
/// conditional definitions) each get their own native function.
pub fn def_key(earlier: &[String], name: &str) -> String {
    match earlier.iter().filter(|n| *n == name).count() {
        0 => name.to_string(),
        n => format!("{name}___dup{n}"),
    }
}

/// Types inferred for variables from a first assignment: `None` alone gives
/// no useful type (mypy's partial types), so it becomes `Any`.
pub fn generalize(t: Type) -> Type {
    match t {
        Type::None => Type::Any,
        other => other,
    }
}

/// 1-based line of a node.
pub fn line_of<T: Ranged>(m: &ParsedModule, node: &T) -> u32 {
    m.line_of(node)
}
