//! Type aliases: a module-level `Name = <type expression>` bound once (mypy
//! infers these as aliases) and `Name: TypeAlias = ...`. An annotation that
//! names an alias means the aliased type, resolved in the alias's module; a
//! subscripted alias gives its arguments to the aliased type's type
//! variables in order of first appearance (`Pair = tuple[T, T]`,
//! `Pair[int]`), or to the aliased generic class itself (`Seq = list`,
//! `Seq[int]`). A right-hand side that denotes no type (a plain value) is
//! no alias: it resolves to `Any`, which annotations already mean for it.

use rustpython_parser::ast;

use crate::types::Type;

use super::program::{AnnCtx, Program};

/// Record the candidate aliases of `module` in `p.type_aliases`.
pub fn collect_type_aliases(
    p: &mut Program,
    module: &str,
    body: &[ast::Stmt],
    counts: &indexmap::IndexMap<String, usize>,
) {
    for stmt in body {
        let (name, value) = match stmt {
            ast::Stmt::Assign(a) if a.targets.len() == 1 => match &a.targets[0] {
                ast::Expr::Name(n) if looks_like_type(&a.value) => (n.id.as_str(), &*a.value),
                _ => continue,
            },
            ast::Stmt::AnnAssign(a) if is_type_alias_annotation(&a.annotation) => {
                match (&*a.target, &a.value) {
                    (ast::Expr::Name(n), Some(v)) => (n.id.as_str(), &**v),
                    _ => continue,
                }
            }
            _ => continue,
        };
        if counts.get(name) == Some(&1) {
            p.type_aliases.insert(
                format!("{module}.{name}"),
                (module.to_string(), value.clone()),
            );
        }
    }
}

/// `TypeAlias` or `typing.TypeAlias` (or from `typing_extensions`).
fn is_type_alias_annotation(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Name(n) => n.id.as_str() == "TypeAlias",
        ast::Expr::Attribute(a) => a.attr.as_str() == "TypeAlias",
        _ => false,
    }
}

/// Could this right-hand side be a type expression (a name, a dotted name,
/// a subscripted one, or a `|` union of such)?
fn looks_like_type(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Name(_) => true,
        ast::Expr::Attribute(a) => looks_like_type(&a.value),
        ast::Expr::Subscript(s) => looks_like_type(&s.value),
        ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => {
            let side = |x: &ast::Expr| {
                looks_like_type(x)
                    || matches!(x, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::None))
            };
            side(&b.left) && side(&b.right)
        }
        _ => false,
    }
}

impl Program {
    /// The alias `name` of `module` refers to (following `from` imports):
    /// its module and right-hand side.
    pub fn type_alias(&self, module: &str, name: &str) -> Option<&(String, ast::Expr)> {
        let key = format!("{module}.{name}");
        if let Some(a) = self.type_aliases.get(&key) {
            return Some(a);
        }
        let origin = self.import_origins.get(&key)?;
        self.type_aliases.get(origin)
    }

    /// The class the type alias `name` of `module` names directly
    /// (`OrderedCollection = list`): calling the alias calls it.
    pub fn aliased_class(&self, module: &str, name: &str) -> Option<AliasedClass> {
        let (m, rhs) = self.type_alias(module, name)?;
        let ast::Expr::Name(n) = rhs else {
            return None;
        };
        let target = n.id.as_str();
        match self.binding(m, target) {
            super::program::Binding::Class(full) => Some(AliasedClass::Program(full)),
            super::program::Binding::Unknown
                if super::builtins::BUILTIN_CLASSES.contains(&target) =>
            {
                Some(AliasedClass::Builtin(target.to_string()))
            }
            _ => None,
        }
    }
}

/// A class a type alias names (`Program::aliased_class`).
pub enum AliasedClass {
    /// A class of the program, by full name.
    Program(String),
    /// A builtin class, by name (`list`).
    Builtin(String),
}

impl AliasedClass {
    /// The builtin class's name, if it is one.
    pub fn builtin(self) -> Option<String> {
        match self {
            AliasedClass::Builtin(b) => Some(b),
            AliasedClass::Program(_) => None,
        }
    }
}

impl AnnCtx<'_> {
    /// The alias an annotation names (a name of this module or
    /// `module.Name` of an imported checked module).
    fn alias_of(&self, e: &ast::Expr) -> Option<&(String, ast::Expr)> {
        match e {
            ast::Expr::Name(n) => self.program.type_alias(self.module, n.id.as_str()),
            ast::Expr::Attribute(a) => match &*a.value {
                ast::Expr::Name(m) => match self.program.binding(self.module, m.id.as_str()) {
                    super::program::Binding::Module(md) => {
                        self.program.type_alias(&md, a.attr.as_str())
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Does `e` name a type alias?
    pub(super) fn is_alias(&self, e: &ast::Expr) -> bool {
        self.alias_of(e).is_some()
    }

    /// The type an alias annotation denotes, if `e` names an alias.
    pub(super) fn resolve_alias(&self, e: &ast::Expr, depth: u32) -> Option<Type> {
        let (module, value) = self.alias_of(e)?;
        let ctx = AnnCtx {
            program: self.program,
            module,
        };
        Some(ctx.resolve_depth(value, depth + 1))
    }

    /// `Alias[args]`: the aliased type with the arguments applied.
    pub(super) fn subscript_alias(
        &self,
        base: &ast::Expr,
        args: Vec<Type>,
        depth: u32,
    ) -> Option<Type> {
        let target = self.resolve_alias(base, depth)?;
        let mut vars = vec![];
        target.collect_type_vars(&mut vars);
        if !vars.is_empty() {
            return Some(target.map_type_vars(&|v| {
                vars.iter()
                    .position(|x| x == v)
                    .and_then(|i| args.get(i).cloned())
                    .unwrap_or(Type::Any)
            }));
        }
        let one = |i: usize| Box::new(args.get(i).cloned().unwrap_or(Type::Any));
        Some(match target {
            Type::List(_) if args.len() == 1 => Type::List(one(0)),
            Type::Set(_) if args.len() == 1 => Type::Set(one(0)),
            Type::FrozenSet(_) if args.len() == 1 => Type::FrozenSet(one(0)),
            Type::Dict(..) if args.len() == 2 => Type::Dict(one(0), one(1)),
            Type::Instance(c, _) => Type::Instance(c, args),
            _ => Type::Any,
        })
    }
}
