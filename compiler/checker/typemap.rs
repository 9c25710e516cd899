//! What checking a module body leaves for the compiler: the type of every
//! expression at its point of use (after narrowing), and the declared type
//! of every variable of every function scope. irbuild reads types from here
//! and nowhere else, as mypyc reads mypy's type map.
//!
//! Expressions are identified by their source range and kind: the checker
//! and irbuild walk the same parsed module, so a node found here is the node
//! irbuild lowers. Code the checker does not see (unreachable code, nodes
//! irbuild synthesizes) has no entry, which means `Any`.

use std::collections::HashMap;

use indexmap::IndexMap;
use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextSize;

use crate::types::Type;

/// Identifies an expression node of a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ExprKey {
    start: u32,
    end: u32,
    kind: u8,
    /// For names and attributes, a hash of the identifier: nodes irbuild
    /// synthesizes at the position of a real one (a generator
    /// expression's iterator parameter) are other names.
    ident: u64,
}

impl ExprKey {
    fn of(e: &ast::Expr) -> ExprKey {
        let r = e.range();
        let ident = match e {
            ast::Expr::Name(n) => ident_hash(n.id.as_str()),
            ast::Expr::Attribute(a) => ident_hash(a.attr.as_str()),
            _ => 0,
        };
        ExprKey {
            start: r.start().into(),
            end: r.end().into(),
            kind: expr_kind(e),
            ident,
        }
    }
}

/// FNV-1a: a small stable hash of an identifier.
fn ident_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// A small number per expression kind, so that nodes sharing a range (an
/// f-string and its parts) stay apart.
fn expr_kind(e: &ast::Expr) -> u8 {
    use ast::Expr as E;
    match e {
        E::BoolOp(_) => 0,
        E::NamedExpr(_) => 1,
        E::BinOp(_) => 2,
        E::UnaryOp(_) => 3,
        E::Lambda(_) => 4,
        E::IfExp(_) => 5,
        E::Dict(_) => 6,
        E::Set(_) => 7,
        E::ListComp(_) => 8,
        E::SetComp(_) => 9,
        E::DictComp(_) => 10,
        E::GeneratorExp(_) => 11,
        E::Await(_) => 12,
        E::Yield(_) => 13,
        E::YieldFrom(_) => 14,
        E::Compare(_) => 15,
        E::Call(_) => 16,
        E::FormattedValue(_) => 17,
        E::JoinedStr(_) => 18,
        E::Constant(_) => 19,
        E::Attribute(_) => 20,
        E::Subscript(_) => 21,
        E::Starred(_) => 22,
        E::Name(_) => 23,
        E::List(_) => 24,
        E::Tuple(_) => 25,
        E::Slice(_) => 26,
    }
}

/// The types the checker found in one module.
#[derive(Clone, Debug, Default)]
pub struct TypeMap {
    exprs: HashMap<ExprKey, Type>,
    /// Per function (by the start of its `def` or `lambda`): the declared
    /// types of its variables, parameters included.
    scopes: HashMap<u32, IndexMap<String, Type>>,
}

impl TypeMap {
    /// Every type recorded (expressions' and declared variables'), in no
    /// particular order.
    pub fn all_types(&self) -> impl Iterator<Item = &Type> {
        self.exprs
            .values()
            .chain(self.scopes.values().flat_map(|s| s.values()))
    }

    /// The type of `e` where it is evaluated. A later record of the same
    /// node (checked again in another context) replaces an earlier one.
    pub fn record(&mut self, e: &ast::Expr, t: &Type) {
        self.exprs.insert(ExprKey::of(e), t.clone());
    }

    /// The checker's type of `e`; `None` where it did not check it.
    pub fn get(&self, e: &ast::Expr) -> Option<&Type> {
        self.exprs.get(&ExprKey::of(e))
    }

    /// Record the variables of the function scope starting at `at`.
    pub fn record_scope(&mut self, at: TextSize, vars: IndexMap<String, Type>) {
        self.scopes.insert(at.into(), vars);
    }

    /// The variables of the function scope starting at `at`.
    pub fn scope(&self, at: TextSize) -> Option<&IndexMap<String, Type>> {
        self.scopes.get(&u32::from(at))
    }

    pub fn len(&self) -> usize {
        self.exprs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exprs.is_empty()
    }
}
