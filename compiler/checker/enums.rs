//! Enum classes of the program and their members, as far as the compiler
//! relies on them: `Color.RED` of a class deriving from `enum.Enum` (or
//! `IntEnum`, `Flag`, `IntFlag`, `StrEnum`, `ReprEnum`) is bound once when
//! the class is created and can be neither rebound nor deleted (the enum
//! metaclass refuses both), so compiled code may keep it after its first
//! read.
//!
//! A member here is a name bound exactly once in the class body by a plain
//! assignment of a value that cannot be a descriptor (a constant, an
//! arithmetic or tuple expression of constants, another name of the body,
//! or `auto()`); names starting with `_` and classes with `_ignore_` are
//! left out, since the enum machinery treats such names specially.

use rustpython_parser::ast;

use super::program::Program;
use crate::types::Type;

/// The classes of `enum` that make their subclasses enums.
const ENUM_BASES: &[&str] = &["Enum", "IntEnum", "Flag", "IntFlag", "StrEnum", "ReprEnum"];

/// The enum classes whose members compare by identity (they define no
/// `__eq__` and mix in no other type).
const IDENTITY_ENUM_BASES: &[&str] = &["Enum", "Flag"];

/// Do the members of class `c` (of `module`) compare by identity as far
/// as its own definition says: every base is `Enum`, `Flag` or a class of
/// the program (whose own definition `Program::is_identity_enum` checks),
/// and the body defines no `__eq__`?
pub fn identity_eq(program: &Program, module: &str, c: &ast::StmtClassDef) -> bool {
    let defines_eq = c.body.iter().any(|s| {
        matches!(s, ast::Stmt::FunctionDef(d) if d.name.as_str() == "__eq__")
            || matches!(s, ast::Stmt::Assign(a) if a.targets.iter().any(
                |t| matches!(t, ast::Expr::Name(n) if n.id.as_str() == "__eq__")))
    });
    let plain_base = |b: &ast::Expr| {
        program
            .imported_name(module, b)
            .is_some_and(|(m, n)| m == "enum" && IDENTITY_ENUM_BASES.contains(&n.as_str()))
            || program.classes.contains_key(&format!(
                "{module}.{}",
                crate::semanal::scope::dotted_name(b).unwrap_or_default()
            ))
    };
    !defines_eq && c.keywords.is_empty() && c.bases.iter().all(plain_base)
}

/// Is base expression `e` of a class in `module` one of `enum`'s enum
/// classes (`Enum` imported from `enum`, or `enum.Enum`)?
pub fn is_enum_base(program: &Program, module: &str, e: &ast::Expr) -> bool {
    program
        .imported_name(module, e)
        .is_some_and(|(m, name)| m == "enum" && ENUM_BASES.contains(&name.as_str()))
}

/// The members of enum class `c` (see the module comment).
pub fn members(c: &ast::StmtClassDef) -> Vec<String> {
    // Each name the body binds, and whether its one binding is a member.
    let mut bound: Vec<(String, bool)> = vec![];
    fn bind(bound: &mut Vec<(String, bool)>, name: &str, plain: bool) {
        match bound.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = false,
            None => bound.push((name.to_string(), plain)),
        }
    }
    for stmt in &c.body {
        match stmt {
            ast::Stmt::Assign(a) => match a.targets.as_slice() {
                [ast::Expr::Name(n)] => {
                    let plain = plain_value(&a.value, &bound);
                    bind(&mut bound, n.id.as_str(), plain);
                }
                targets => {
                    for t in targets {
                        crate::semanal::scope::target_names(t, &mut |n| bind(&mut bound, n, false));
                    }
                }
            },
            ast::Stmt::AnnAssign(a) => {
                if let ast::Expr::Name(n) = &*a.target {
                    let plain = a.value.as_ref().is_some_and(|v| plain_value(v, &bound));
                    bind(&mut bound, n.id.as_str(), plain);
                }
            }
            ast::Stmt::FunctionDef(d) => bind(&mut bound, d.name.as_str(), false),
            ast::Stmt::AsyncFunctionDef(d) => bind(&mut bound, d.name.as_str(), false),
            ast::Stmt::ClassDef(d) => bind(&mut bound, d.name.as_str(), false),
            _ => {}
        }
    }
    if bound.iter().any(|(n, _)| n == "_ignore_") {
        return vec![];
    }
    bound
        .into_iter()
        .filter(|(n, plain)| *plain && !n.starts_with('_'))
        .map(|(n, _)| n)
        .collect()
}

/// Can `e`, as a class-body value, not be a descriptor? Names must be
/// members bound before (aliases).
fn plain_value(e: &ast::Expr, bound: &[(String, bool)]) -> bool {
    let plain = |e: &ast::Expr| plain_value(e, bound);
    match e {
        ast::Expr::Constant(_) => true,
        ast::Expr::Name(n) => bound.iter().any(|(b, p)| *p && b == n.id.as_str()),
        ast::Expr::UnaryOp(u) => plain(&u.operand),
        ast::Expr::BinOp(b) => plain(&b.left) && plain(&b.right),
        ast::Expr::Tuple(t) => t.elts.iter().all(plain),
        ast::Expr::Call(c) => {
            c.args.is_empty()
                && c.keywords.is_empty()
                && match &*c.func {
                    ast::Expr::Name(n) => n.id.as_str() == "auto",
                    ast::Expr::Attribute(a) => a.attr.as_str() == "auto",
                    _ => false,
                }
        }
        _ => false,
    }
}

impl Program {
    /// Is class `full` an enum (some base, at any depth, is one of
    /// `enum`'s enum classes)?
    pub fn is_enum(&self, full: &str) -> bool {
        let (mro, _) = self.mro(full);
        mro.iter().any(|c| c.enum_base)
    }

    /// Do the members of enum class `full` compare by identity (`==` is
    /// `is`): no class of its MRO defines `__eq__` or mixes in a type?
    pub fn is_identity_enum(&self, full: &str) -> bool {
        let (mro, _) = self.mro(full);
        self.is_enum(full) && mro.iter().all(|c| c.enum_identity)
    }

    /// The type of the items iterating over a value of type `t` gives:
    /// an enum class gives its members.
    pub fn iteration_item(&self, t: &Type) -> Type {
        match t {
            Type::TypeObj(c) if self.is_enum(c) => Type::Instance(c.clone(), vec![]),
            other => super::check::item_type(other),
        }
    }

    /// Is `name` a member of enum class `full`?
    pub fn is_enum_member(&self, full: &str, name: &str) -> bool {
        self.is_enum(full)
            && self
                .classes
                .get(full)
                .is_some_and(|c| c.enum_members.iter().any(|m| m == name))
    }
}
