//! The `__annotations__` of a non-native class (a `NamedTuple`, an `Enum`,
//! a class compiled as a plain Python class).
//!
//! As mypyc, the annotations are not evaluated: each attribute's type is
//! erased to a runtime class. A string annotation (a forward reference)
//! stays a string; a type that is an instance of a class gives that class
//! (`List[int]` gives `list`, `Tuple[str, ...]` gives `tuple`, a class
//! gives itself); any other type (unions, `Optional`, fixed-length tuples,
//! `Any`, `Callable`, type variables, literals) gives `type`.

use rustpython_parser::ast;

use super::IrBuilder;
use crate::checker::program::AnnCtx;
use crate::ir::ValueId;
use crate::primitives::Internal;
use crate::types::Type;

/// How far type aliases are followed (`A = B`, `B = Union[...]`).
const MAX_ALIAS_DEPTH: usize = 8;

/// What an annotation erases to.
enum Erased<'e> {
    /// A builtin class, by name.
    Builtin(&'static str),
    /// The class the expression evaluates to.
    Class(&'e ast::Expr),
    /// The annotation's text (a forward reference).
    Text(String),
}

/// Is decorator `d` a `<something>.register` attribute?
pub fn is_register_attribute(d: &ast::Expr) -> bool {
    matches!(d, ast::Expr::Attribute(a) if a.attr.as_str() == "register")
}

impl<'a> IrBuilder<'a> {
    /// Decorator `v` (some `x.register`) of a function whose first
    /// parameter is annotated `ann`: when `v` turns out at runtime to be the
    /// `register` of a `functools.singledispatch` function (one not known
    /// statically, e.g. imported), `v(ann)`, since compiled function objects
    /// carry no `__annotations__` for `register` to read; `v` otherwise (the
    /// annotation is then not evaluated).
    pub fn register_if_singledispatch(&mut self, v: ValueId, ann: &ast::Expr) -> ValueId {
        let result = self.b.new_register(crate::ir::RType::OBJECT, None);
        let (yes, no, done) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
        let is_sd = self.b.prim_named(Internal::IsSingledispatchRegister, &[v]);
        self.b.branch(is_sd, yes, no);
        self.b.activate(yes);
        let t = self.expr(ann);
        let t = self.b.boxed(t);
        let r = self.call_values(v, vec![t]);
        self.b.assign(result, r);
        self.b.goto(done);
        self.b.activate(no);
        self.b.assign(result, v);
        self.b.goto(done);
        self.b.activate(done);
        result
    }

    /// The erased runtime type of a non-native class attribute's annotation.
    pub fn erased_annotation(&mut self, e: &ast::Expr) -> ValueId {
        match self.erase(e, 0) {
            Erased::Builtin(name) => {
                let m = self.b.str_lit("builtins");
                let module = self.b.prim_named(Internal::ImportModule, &[m]);
                let attr = self.b.str_lit(name);
                self.b.prim_named(Internal::GetAttr, &[module, attr])
            }
            Erased::Class(c) => {
                let v = self.expr(c);
                self.b.boxed(v)
            }
            Erased::Text(t) => self.b.str_lit(&t),
        }
    }

    fn erase<'e>(&self, e: &'e ast::Expr, depth: usize) -> Erased<'e>
    where
        'a: 'e,
    {
        if let ast::Expr::Constant(c) = e {
            if let ast::Constant::Str(s) = &c.value {
                return Erased::Text(s.clone());
            }
        }
        let head = match e {
            ast::Expr::Subscript(s) => &*s.value,
            other => other,
        };
        // The typing form the head names (`typing.Tuple`, not `ast.Tuple`).
        let head_name = AnnCtx {
            program: &self.opts.program,
            module: &self.module.name,
        }
        .head_name(head);
        let head_name = head_name.as_deref();
        // Qualifiers: the type is their argument's.
        if let (
            ast::Expr::Subscript(s),
            Some("Final" | "ClassVar" | "Annotated" | "Required" | "NotRequired" | "ReadOnly"),
        ) = (e, head_name)
        {
            let first = match &*s.slice {
                ast::Expr::Tuple(t) => t.elts.first(),
                other => Some(other),
            };
            return match first {
                Some(arg) => self.erase(arg, depth),
                None => Erased::Builtin("type"),
            };
        }
        match self.annotation_type(e) {
            Type::Int => return Erased::Builtin("int"),
            Type::Float => return Erased::Builtin("float"),
            Type::Bool => return Erased::Builtin("bool"),
            Type::Str => return Erased::Builtin("str"),
            Type::Bytes => return Erased::Builtin("bytes"),
            Type::Object => return Erased::Builtin("object"),
            Type::List(_) => return Erased::Builtin("list"),
            Type::Dict(..) => return Erased::Builtin("dict"),
            Type::Set(_) => return Erased::Builtin("set"),
            Type::FrozenSet(_) => return Erased::Builtin("frozenset"),
            Type::VarTuple(_) => return Erased::Builtin("tuple"),
            Type::Range => return Erased::Builtin("range"),
            Type::Instance(c, _) if self.opts.mapper.is_native(&c) => {
                return match e {
                    ast::Expr::Name(_) | ast::Expr::Attribute(_) => Erased::Class(e),
                    _ => Erased::Builtin("type"),
                }
            }
            Type::Any => {}
            // Unions, None, fixed-length tuples, native ints (`i64` is not
            // a class at runtime) and the rest.
            _ => return Erased::Builtin("type"),
        }
        if !matches!(head, ast::Expr::Name(_) | ast::Expr::Attribute(_)) {
            return Erased::Builtin("type");
        }
        if matches!(
            head_name,
            Some(
                "Any"
                    | "Optional"
                    | "Union"
                    | "Literal"
                    | "Type"
                    | "type"
                    | "Callable"
                    | "Tuple"
                    | "tuple"
                    | "NoReturn"
                    | "Never"
                    | "Self"
                    | "LiteralString"
                    | "TypeGuard"
                    | "Concatenate"
            )
        ) {
            return Erased::Builtin("type");
        }
        if let ast::Expr::Name(n) = head {
            if self.is_type_var(n.id.as_str()) {
                return Erased::Builtin("type");
            }
            if let Some(target) = self.module_alias(n.id.as_str()) {
                if depth < MAX_ALIAS_DEPTH && !matches!(e, ast::Expr::Subscript(_)) {
                    return self.erase(target, depth + 1);
                }
            }
        }
        // Another class (generic ones by their origin: `Sequence[int]`
        // gives `typing.Sequence`).
        Erased::Class(head)
    }

    /// The value of a module-level `name = value` that may be a type alias
    /// (bound once, to a subscript, a `|` union, a string or a name).
    fn module_alias(&self, name: &str) -> Option<&'a ast::Expr> {
        let mut found = None;
        let parsed: &'a crate::parse::ParsedModule = self.parsed;
        for s in &parsed.body {
            match s {
                ast::Stmt::Assign(a)
                    if a.targets.len() == 1
                        && matches!(&a.targets[0], ast::Expr::Name(n) if n.id.as_str() == name) =>
                {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(&*a.value);
                }
                ast::Stmt::AnnAssign(a) if matches!(&*a.target, ast::Expr::Name(n) if n.id.as_str() == name) =>
                {
                    if found.is_some() {
                        return None;
                    }
                    found = a.value.as_deref();
                }
                _ => {}
            }
        }
        found.filter(|v| {
            matches!(
                v,
                ast::Expr::Subscript(_)
                    | ast::Expr::Name(_)
                    | ast::Expr::Attribute(_)
                    | ast::Expr::Constant(_)
            ) || matches!(v, ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr))
        })
    }

    /// Is `name` bound at module level to `TypeVar(...)` (or a `ParamSpec`)?
    fn is_type_var(&self, name: &str) -> bool {
        let parsed: &'a crate::parse::ParsedModule = self.parsed;
        parsed.body.iter().any(|s| match s {
            ast::Stmt::Assign(a)
                if a.targets.len() == 1
                    && matches!(&a.targets[0], ast::Expr::Name(n) if n.id.as_str() == name) =>
            {
                matches!(
                    &*a.value,
                    ast::Expr::Call(c) if matches!(
                        &*c.func,
                        ast::Expr::Name(f) if matches!(f.id.as_str(), "TypeVar" | "ParamSpec" | "TypeVarTuple")
                    )
                )
            }
            _ => false,
        })
    }
}
