//! Type inference for expressions and function locals, and the type
//! checker.
//!
//! `check_sources` (with `check`, `expr`, `calls`, `narrow`, `names`,
//! `program`, `compat`, `messages`, `ignore`) reports type errors in mypy's
//! format before anything is compiled. `TypeEnv::expr_type` gives the static type of an expression from the
//! types of the names it uses; `infer_locals` decides the type of every
//! local variable of a function (its annotation, or the type of its first
//! assignment, widened to `object` when a later assignment disagrees, so
//! that compiled code never assumes more than is true).

mod abcs;
pub mod attributes;
pub mod builtins;
pub(crate) mod calls;
pub mod check;
pub mod compat;
pub mod dataclasses;
mod expr;
pub mod ignore;
pub mod library;
pub mod messages;
mod names;
mod narrow;
mod overloads;
mod overrides;
mod partial;
pub mod program;
mod protocols;
mod similar;
pub mod typeddict;
pub mod typemap;

use indexmap::IndexMap;
use rustpython_parser::ast;

use crate::semanal::scope;
use crate::semanal::{annotation_type, FuncSig, ModuleSymbols, ParamKind, Symbol};
use crate::types::{is_subtype, join, Type};

/// The names visible to an expression and their types.
pub struct TypeEnv<'a> {
    pub module: &'a ModuleSymbols,
    /// Local variables of the function being typed (None at module level).
    pub locals: Option<&'a IndexMap<String, Type>>,
}

impl<'a> TypeEnv<'a> {
    /// The type of a name, and whether it is known at all.
    pub fn name_type(&self, name: &str) -> Type {
        if let Some(locals) = self.locals {
            if let Some(t) = locals.get(name) {
                return t.clone();
            }
        }
        match self.module.symbols.get(name) {
            Some(Symbol::Func(_)) => Type::Callable,
            Some(Symbol::Var(t)) => t.clone(),
            Some(Symbol::Class(c)) => Type::TypeObj(format!("{}.{}", self.module.name, c.name)),
            None => builtins::builtin_name_type(name),
        }
    }

    pub fn expr_type(&self, e: &ast::Expr) -> Type {
        use ast::Expr as E;
        match e {
            E::Constant(c) => constant_type(&c.value),
            E::Name(n) => self.name_type(n.id.as_str()),
            E::BinOp(b) => binop_type(
                b.op,
                &self.expr_type(&b.left),
                &self.expr_type(&b.right),
                &b.right,
            ),
            E::UnaryOp(u) => {
                let t = self.expr_type(&u.operand);
                match u.op {
                    ast::UnaryOp::Not => Type::Bool,
                    ast::UnaryOp::USub | ast::UnaryOp::UAdd | ast::UnaryOp::Invert => match t {
                        Type::Bool => Type::Int,
                        Type::Int | Type::Float => t,
                        _ if t.is_native_int() => t,
                        _ => Type::Any,
                    },
                }
            }
            E::BoolOp(b) => {
                let mut t = self.expr_type(&b.values[0]);
                for v in &b.values[1..] {
                    t = join(&t, &self.expr_type(v));
                }
                t
            }
            E::Compare(c) => {
                // Comparisons of builtin scalars give bool; others may be overloaded.
                let l = self.expr_type(&c.left);
                let simple = |t: &Type| {
                    matches!(
                        t,
                        Type::Int | Type::Float | Type::Bool | Type::Str | Type::None | Type::Bytes
                    ) || t.is_native_int()
                };
                let all_simple =
                    simple(&l) && c.comparators.iter().all(|x| simple(&self.expr_type(x)));
                let identity_or_in = c.ops.iter().all(|op| {
                    matches!(
                        op,
                        ast::CmpOp::Is | ast::CmpOp::IsNot | ast::CmpOp::In | ast::CmpOp::NotIn
                    )
                });
                if all_simple || identity_or_in {
                    Type::Bool
                } else {
                    Type::Any
                }
            }
            E::IfExp(i) => join(&self.expr_type(&i.body), &self.expr_type(&i.orelse)),
            E::Call(c) => self.call_type(c),
            E::Attribute(a) => match crate::types::optional_native(&self.expr_type(&a.value)) {
                Some(c) => {
                    let classes = &self.module.classes;
                    match classes.attr_type(&c, a.attr.as_str()) {
                        Some(t) => t.clone(),
                        None => classes
                            .property(&c, a.attr.as_str())
                            .map_or(Type::Any, |p| p.sig.ret.clone()),
                    }
                }
                None => Type::Any,
            },
            E::Subscript(s) => self.subscript_type(&self.expr_type(&s.value), &s.slice),
            E::List(l) => Type::list(self.join_all(&l.elts)),
            E::Set(s) => Type::Set(Box::new(self.join_all(&s.elts))),
            E::Tuple(t) => {
                if t.elts.iter().any(|e| matches!(e, E::Starred(_))) {
                    Type::VarTuple(Box::new(Type::Any))
                } else {
                    Type::Tuple(t.elts.iter().map(|e| self.expr_type(e)).collect())
                }
            }
            E::Dict(d) => {
                if d.keys.iter().any(|k| k.is_none()) {
                    return Type::dict(Type::Any, Type::Any);
                }
                let keys: Vec<ast::Expr> = d.keys.iter().flatten().cloned().collect();
                Type::dict(self.join_all(&keys), self.join_all(&d.values))
            }
            E::JoinedStr(_) => Type::Str,
            E::NamedExpr(n) => self.expr_type(&n.value),
            _ => Type::Any,
        }
    }

    fn join_all(&self, items: &[ast::Expr]) -> Type {
        if items.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
            return Type::Any;
        }
        let mut it = items.iter().map(|e| self.expr_type(e));
        match it.next() {
            None => Type::Any,
            Some(first) => {
                let t = it.fold(first, |a, b| join(&a, &b));
                // Containers of unmodelled objects are just containers of Any.
                match t {
                    Type::Object => Type::Any,
                    other => other,
                }
            }
        }
    }

    fn subscript_type(&self, base: &Type, index: &ast::Expr) -> Type {
        let is_slice = matches!(index, ast::Expr::Slice(_));
        match base {
            Type::List(t) => {
                if is_slice {
                    base.clone()
                } else if self.expr_type(index).is_int_like()
                    || self.expr_type(index).is_native_int()
                {
                    (**t).clone()
                } else {
                    Type::Any
                }
            }
            Type::Str => Type::Str,
            Type::Bytes => {
                if is_slice {
                    Type::Bytes
                } else {
                    Type::Int
                }
            }
            Type::Dict(_, v) => (**v).clone(),
            Type::VarTuple(t) => {
                if is_slice {
                    base.clone()
                } else {
                    (**t).clone()
                }
            }
            Type::Tuple(items) => {
                if is_slice {
                    return Type::VarTuple(Box::new(base.iter_item()));
                }
                match const_int(index) {
                    Some(i) => {
                        let n = items.len() as i64;
                        let i = if i < 0 { i + n } else { i };
                        if (0..n).contains(&i) {
                            items[i as usize].clone()
                        } else {
                            Type::Any
                        }
                    }
                    None => base.iter_item(),
                }
            }
            _ => Type::Any,
        }
    }

    fn call_type(&self, c: &ast::ExprCall) -> Type {
        match &*c.func {
            ast::Expr::Name(n) => {
                let name = n.id.as_str();
                if self.locals.is_some_and(|l| l.contains_key(name)) {
                    return Type::Any;
                }
                if let Some(full) = self.module.native_names.get(name) {
                    return Type::Native(full.clone());
                }
                if let Some(t) = native_int_type_named(name) {
                    if !matches!(
                        self.module.symbols.get(name),
                        Some(Symbol::Func(_)) | Some(Symbol::Class(_))
                    ) {
                        return t;
                    }
                }
                match self.module.symbols.get(name) {
                    Some(Symbol::Func(sig)) => sig.ret.clone(),
                    Some(Symbol::Var(_)) => Type::Any,
                    Some(Symbol::Class(c)) => {
                        Type::Instance(format!("{}.{}", self.module.name, c.name), vec![])
                    }
                    None => {
                        let args: Vec<Type> = c.args.iter().map(|a| self.expr_type(a)).collect();
                        builtins::builtin_call_type(name, &args)
                    }
                }
            }
            ast::Expr::Attribute(a) => {
                let recv = self.expr_type(&a.value);
                if let Some(cls) = crate::types::optional_native(&recv) {
                    return match self.module.classes.method(&cls, a.attr.as_str()) {
                        Some(m) => m.sig.ret.clone(),
                        None => Type::Any,
                    };
                }
                let args: Vec<Type> = c.args.iter().map(|a| self.expr_type(a)).collect();
                builtins::method_type(&recv, a.attr.as_str(), &args)
            }
            _ => Type::Any,
        }
    }
}

pub fn constant_type(c: &ast::Constant) -> Type {
    match c {
        ast::Constant::None => Type::None,
        ast::Constant::Bool(_) => Type::Bool,
        ast::Constant::Str(_) => Type::Str,
        ast::Constant::Bytes(_) => Type::Bytes,
        ast::Constant::Int(_) => Type::Int,
        ast::Constant::Float(_) => Type::Float,
        ast::Constant::Tuple(items) => Type::Tuple(items.iter().map(constant_type).collect()),
        _ => Type::Any,
    }
}

/// The native int type named `i64`, `i32`, `i16` or `u8` (in calls).
pub fn native_int_type_named(name: &str) -> Option<Type> {
    match name {
        "i64" => Some(Type::I64),
        "i32" => Some(Type::I32),
        "i16" => Some(Type::I16),
        "u8" => Some(Type::U8),
        _ => None,
    }
}

/// A small integer constant (possibly negated), if the expression is one.
pub fn const_int(e: &ast::Expr) -> Option<i64> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Int(i) => i.to_string().parse().ok(),
            _ => None,
        },
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            const_int(&u.operand).map(|v| -v)
        }
        _ => None,
    }
}

/// The result type of a binary operator on operands of known types.
pub fn binop_type(op: ast::Operator, l: &Type, r: &Type, right: &ast::Expr) -> Type {
    use ast::Operator as O;
    let numeric = |t: &Type| matches!(t, Type::Int | Type::Bool | Type::Float) || t.is_native_int();
    let native = match (l, r) {
        _ if l.is_native_int() && (r == l || r.is_int_like()) => Some(l),
        _ if r.is_native_int() && l.is_int_like() => Some(r),
        _ => None,
    };
    if l.is_native_int() && r.is_native_int() && native.is_none() {
        // Different native int types do not mix (mypy rejects it).
        return Type::Any;
    }
    if let Some(t) = native {
        return match op {
            O::Div => Type::Float,
            O::Pow | O::MatMult => Type::Any,
            _ => t.clone(),
        };
    }
    match (l, r) {
        (Type::Bool, Type::Bool) if matches!(op, O::BitAnd | O::BitOr | O::BitXor) => Type::Bool,
        _ if l.is_int_like() && r.is_int_like() => match op {
            O::Div => Type::Float,
            O::Pow => match const_int(right) {
                Some(v) if v >= 0 => Type::Int,
                _ => Type::Any,
            },
            O::MatMult => Type::Any,
            _ => Type::Int,
        },
        _ if numeric(l) && numeric(r) => match op {
            O::Add | O::Sub | O::Mult | O::Div | O::FloorDiv | O::Mod | O::Pow => Type::Float,
            _ => Type::Any,
        },
        (Type::Str, Type::Str) if matches!(op, O::Add) => Type::Str,
        (Type::Str, _) if matches!(op, O::Mod) => Type::Str,
        (Type::Str, t) | (t, Type::Str) if matches!(op, O::Mult) && t.is_int_like() => Type::Str,
        (Type::Bytes, Type::Bytes) if matches!(op, O::Add) => Type::Bytes,
        (Type::List(a), Type::List(b)) if matches!(op, O::Add) => Type::list(join(a, b)),
        (Type::List(_), t) if matches!(op, O::Mult) && t.is_int_like() => l.clone(),
        (t, Type::List(_)) if matches!(op, O::Mult) && t.is_int_like() => r.clone(),
        _ => Type::Any,
    }
}

/// Decide the type of every local variable of a function.
pub fn infer_locals(
    module: &ModuleSymbols,
    sig: &FuncSig,
    body: &[ast::Stmt],
) -> IndexMap<String, Type> {
    let globals = scope::global_names(body);
    let mut locals: IndexMap<String, Type> = IndexMap::new();
    for p in &sig.params {
        let t = match p.kind {
            ParamKind::Star | ParamKind::Star2 => p.ty.clone(),
            _ => p.ty.clone(),
        };
        locals.insert(p.name.clone(), t);
    }
    let params: Vec<String> = sig.params.iter().map(|p| p.name.clone()).collect();
    let handlers = native_handler_names(module, body);
    // Pass 0: annotations and first assignments, repeated so that a first
    // assignment is typed knowing the locals it reads (whatever their
    // order in the source). Later passes widen on disagreement.
    let initial = locals.clone();
    let mut seed = locals.clone();
    for _ in 0..3 {
        let mut fresh = initial.clone();
        let mut annotated = params.clone();
        locals_pass(
            module,
            body,
            &globals,
            &handlers,
            &seed,
            &mut fresh,
            &mut annotated,
            0,
        );
        if fresh == seed {
            break;
        }
        seed = fresh;
    }
    let mut annotated = params.clone();
    let mut scratch = initial.clone();
    locals_pass(
        module,
        body,
        &globals,
        &handlers,
        &seed,
        &mut scratch,
        &mut annotated,
        0,
    );
    let mut locals = seed;
    for pass in 1..3 {
        let snapshot = locals.clone();
        if !locals_pass(
            module,
            body,
            &globals,
            &handlers,
            &snapshot,
            &mut locals,
            &mut annotated,
            pass,
        ) {
            break;
        }
    }
    locals
}

/// The variables of `except C as name` handlers, for a native class `C`,
/// that nothing else binds (no other handler, assignment or nested
/// function): typed as the class, so that their attributes and methods are
/// native. Other handler variables are `Any`.
fn native_handler_names(module: &ModuleSymbols, body: &[ast::Stmt]) -> IndexMap<String, Type> {
    fn collect(body: &[ast::Stmt], out: &mut Vec<(String, Option<ast::Expr>)>) {
        for stmt in body {
            if let ast::Stmt::Try(t) = stmt {
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(n) = &h.name {
                        out.push((n.to_string(), h.type_.as_deref().cloned()));
                    }
                }
            }
            if !matches!(
                stmt,
                ast::Stmt::FunctionDef(_) | ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::ClassDef(_)
            ) {
                for block in scope::child_blocks(stmt) {
                    collect(block, out);
                }
            }
        }
    }
    let mut found = vec![];
    collect(body, &mut found);
    if found.is_empty() {
        return IndexMap::new();
    }
    let mut bound: IndexMap<String, usize> = IndexMap::new();
    scope::for_each_binding(body, &mut |n| *bound.entry(n.to_string()).or_default() += 1);
    let mut captured: Vec<String> = vec![];
    for (args, inner) in scope::nested_scopes(body) {
        captured.extend(scope::free_variables(&args, &inner));
    }
    let mut out: IndexMap<String, Type> = IndexMap::new();
    let mut refused: Vec<String> = vec![];
    for (name, ty) in &found {
        let t = match ty {
            Some(ast::Expr::Name(c))
                if !bound.contains_key(c.id.as_str())
                    && module.native_names.contains_key(c.id.as_str()) =>
            {
                annotation_type(&ast::Expr::Name(c.clone()), &module.native_names).ok()
            }
            _ => None,
        };
        match t {
            Some(t @ Type::Native(_)) if out.get(name).is_none_or(|old| *old == t) => {
                out.insert(name.clone(), t);
            }
            _ => refused.push(name.clone()),
        }
    }
    out.retain(|name, _| {
        let handler_count = found.iter().filter(|(n, _)| n == name).count();
        !refused.contains(name)
            && !captured.contains(name)
            && bound.get(name).copied() == Some(handler_count)
    });
    out
}

/// One pass of `infer_locals` over `body`, typing expressions with
/// `snapshot`: pass 0 records annotations and first assignments, later
/// passes widen a local to `object` when an assignment disagrees with it.
/// Returns whether anything was widened.
#[allow(clippy::too_many_arguments)]
fn locals_pass(
    module: &ModuleSymbols,
    body: &[ast::Stmt],
    globals: &[String],
    handlers: &IndexMap<String, Type>,
    snapshot: &IndexMap<String, Type>,
    locals: &mut IndexMap<String, Type>,
    annotated: &mut Vec<String>,
    pass: usize,
) -> bool {
    let mut widened = false;
    {
        {
            let env = TypeEnv {
                module,
                locals: Some(snapshot),
            };
            let mut visit = |name: &str, ty: Type, is_annotation: bool| {
                if globals.iter().any(|g| g == name) {
                    return;
                }
                if is_annotation {
                    if !annotated.iter().any(|a| a == name) {
                        annotated.push(name.to_string());
                    }
                    locals.insert(name.to_string(), ty);
                    return;
                }
                if annotated.iter().any(|a| a == name) {
                    return;
                }
                match locals.get(name) {
                    None => {
                        locals.insert(name.to_string(), crate::semanal::generalize(ty));
                    }
                    Some(old) => {
                        if pass > 0 && !is_subtype(&ty, old) && *old != Type::Object {
                            locals.insert(name.to_string(), Type::Object);
                            widened = true;
                        }
                    }
                }
            };
            walk_typed_bindings(&env, body, handlers, &mut visit);
        }
    }
    widened
}

/// Visit every binding of a simple name in `body` with the type of the
/// value bound (annotations reported with `is_annotation`).
fn walk_typed_bindings(
    env: &TypeEnv,
    body: &[ast::Stmt],
    handlers: &IndexMap<String, Type>,
    visit: &mut dyn FnMut(&str, Type, bool),
) {
    for stmt in body {
        match stmt {
            ast::Stmt::Assign(a) => {
                let vt = env.expr_type(&a.value);
                for t in &a.targets {
                    bind_target(t, &vt, visit);
                }
            }
            ast::Stmt::AnnAssign(a) => {
                if let ast::Expr::Name(n) = &*a.target {
                    let t = annotation_type(&a.annotation, &env.module.native_names)
                        .unwrap_or(Type::Any);
                    visit(n.id.as_str(), t, true);
                }
            }
            ast::Stmt::AugAssign(a) => {
                if let ast::Expr::Name(n) = &*a.target {
                    let l = env.name_type(n.id.as_str());
                    let t = binop_type(a.op, &l, &env.expr_type(&a.value), &a.value);
                    visit(n.id.as_str(), t, false);
                }
            }
            ast::Stmt::With(w) => {
                // `with ... as x`: the value of __enter__() is not modelled.
                for item in &w.items {
                    if let Some(target) = &item.optional_vars {
                        bind_target(target, &Type::Any, visit);
                    }
                }
            }
            ast::Stmt::For(f) => {
                let item = env.expr_type(&f.iter).iter_item();
                bind_target(&f.target, &item, visit);
            }
            ast::Stmt::FunctionDef(_)
            | ast::Stmt::AsyncFunctionDef(_)
            | ast::Stmt::ClassDef(_)
            | ast::Stmt::Import(_)
            | ast::Stmt::ImportFrom(_)
            | ast::Stmt::Try(_)
            | ast::Stmt::Delete(_) => {
                let mut own = vec![];
                match stmt {
                    ast::Stmt::Try(t) => {
                        for h in &t.handlers {
                            let ast::ExceptHandler::ExceptHandler(h) = h;
                            if let Some(n) = &h.name {
                                own.push(n.to_string());
                            }
                        }
                    }
                    other => scope::for_each_binding(std::slice::from_ref(other), &mut |n| {
                        own.push(n.to_string())
                    }),
                }
                if !matches!(stmt, ast::Stmt::Delete(_)) {
                    for n in own {
                        let t = handlers.get(&n).cloned().unwrap_or(Type::Any);
                        visit(&n, t, false);
                    }
                }
            }
            _ => {}
        }
        if !matches!(
            stmt,
            ast::Stmt::FunctionDef(_) | ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::ClassDef(_)
        ) {
            // `name := value`: typed as Any (the value is boxed).
            for name in scope::walrus_targets(stmt) {
                visit(&name, Type::Any, false);
            }
        }
        for block in scope::child_blocks(stmt) {
            walk_typed_bindings(env, block, handlers, visit);
        }
    }
}

fn bind_target(target: &ast::Expr, ty: &Type, visit: &mut dyn FnMut(&str, Type, bool)) {
    match target {
        ast::Expr::Name(n) => visit(n.id.as_str(), ty.clone(), false),
        ast::Expr::Tuple(ast::ExprTuple { elts, .. })
        | ast::Expr::List(ast::ExprList { elts, .. }) => {
            let has_star = elts.iter().any(|e| matches!(e, ast::Expr::Starred(_)));
            for (i, e) in elts.iter().enumerate() {
                let item = match ty {
                    Type::Tuple(items) if items.len() == elts.len() && !has_star => {
                        items[i].clone()
                    }
                    Type::List(t) | Type::VarTuple(t) if !has_star => (**t).clone(),
                    _ => Type::Any,
                };
                match e {
                    ast::Expr::Starred(s) => bind_target(&s.value, &Type::list(Type::Any), visit),
                    other => bind_target(other, &item, visit),
                }
            }
        }
        _ => {}
    }
}

/// A module to type-check.
#[derive(Clone, Debug)]
pub struct CheckSource {
    /// Fully qualified module name.
    pub name: String,
    /// The path shown in diagnostics.
    pub path: String,
    pub text: String,
    /// The module is a package's `__init__`.
    pub is_package: bool,
}

/// Type-check a program (all its modules together); the errors found, in
/// module and line order. Nothing here panics on any input.
pub fn check_sources(sources: &[CheckSource]) -> Vec<crate::diagnostics::Diagnostic> {
    check_program(sources, &|_| None).diags
}

/// A module of the checked program and whether its errors are reported
/// (stubs are not).
struct ProgramModule {
    source: CheckSource,
    parsed: crate::parse::ParsedModule,
    report: bool,
}

/// A checked source module: its parse and the types found in it.
pub struct CheckedSource {
    pub source: CheckSource,
    pub parsed: crate::parse::ParsedModule,
    pub types: typemap::TypeMap,
}

/// The outcome of checking a program: the diagnostics, the program's
/// tables (every module's symbols and classes), and each source that
/// parsed with its type map (in the order given).
pub struct Checked {
    pub diags: Vec<crate::diagnostics::Diagnostic>,
    pub program: program::Program,
    pub sources: Vec<CheckedSource>,
}

/// Type-check `sources` together with the library modules they import:
/// stdlib stubs, and sources `find_source` finds on the search path
/// (checked, not compiled; see `library`).
pub fn check_program(
    sources: &[CheckSource],
    find_source: &dyn Fn(&str) -> Option<CheckSource>,
) -> Checked {
    let builtins = program::builtin_names();
    let mut diags = vec![];
    let modules = load_modules(sources, find_source, &mut diags);
    let mods: Vec<(String, &crate::parse::ParsedModule)> = modules
        .iter()
        .map(|m| (m.source.name.clone(), &m.parsed))
        .collect();
    let packages = modules
        .iter()
        .filter(|m| m.source.is_package)
        .map(|m| m.source.name.clone())
        .collect();
    let stubs: std::collections::HashSet<&str> = modules
        .iter()
        .filter(|m| !m.report)
        .map(|m| m.source.name.as_str())
        .collect();
    let mut prog = program::build_program(&mods, packages);
    infer_module_variables(&mut prog, &mods, &builtins, &stubs);
    program::refresh_imports(&mut prog, &mods);
    infer_attributes(&mut prog, &mods, &builtins, &stubs);
    let given: std::collections::HashSet<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let mut types_of: std::collections::HashMap<String, typemap::TypeMap> = Default::default();
    for pm in modules.iter().filter(|m| m.report) {
        let (s, m) = (&pm.source, &pm.parsed);
        let first_line = m.body.first().map_or(u32::MAX, |st| m.line_of(st));
        let ignores = ignore::Ignores::scan(&s.text, first_line);
        let mut found = vec![];
        for (name, at, suggestions) in names::undefined_names(&m.body, &builtins) {
            let (line, col) = m.lines.line_col(at.into());
            let (message, code) = messages::name_not_defined(&name, &suggestions);
            if !ignores.silenced(line, code) {
                found.push(
                    crate::diagnostics::Diagnostic::error(&m.path, line, col, message)
                        .with_code(code),
                );
            }
        }
        let mut c = check::Checker::new(&prog, &s.name, m, &ignores, &builtins);
        c.module_body(&m.body);
        found.extend(c.diags);
        if given.contains(s.name.as_str()) {
            types_of.insert(s.name.clone(), c.types);
        }
        found.sort_by_key(|d| (d.line, d.col));
        diags.extend(found);
    }
    drop(mods);
    let mut checked = vec![];
    for pm in modules {
        if let Some(types) = types_of.remove(&pm.source.name) {
            checked.push(CheckedSource {
                source: pm.source,
                parsed: pm.parsed,
                types,
            });
        }
    }
    Checked {
        diags,
        program: prog,
        sources: checked,
    }
}

/// Parse the sources and, transitively, the library modules they import
/// (sources first, then library modules in the order first imported).
fn load_modules(
    sources: &[CheckSource],
    find_source: &dyn Fn(&str) -> Option<CheckSource>,
    diags: &mut Vec<crate::diagnostics::Diagnostic>,
) -> Vec<ProgramModule> {
    let mut known: std::collections::HashSet<String> =
        sources.iter().map(|s| s.name.clone()).collect();
    let mut queue: std::collections::VecDeque<(CheckSource, bool)> =
        sources.iter().map(|s| (s.clone(), true)).collect();
    // The builtins stub's classes give the methods of builtin types.
    if known.insert("builtins".to_string()) {
        queue.push_back((library::stub_source("builtins"), false));
    }
    let mut out = vec![];
    while let Some((source, report)) = queue.pop_front() {
        let parsed = match crate::parse::parse_module(&source.path, &source.text) {
            Ok(m) => m,
            Err(d) => {
                if report {
                    diags.push(d);
                }
                continue;
            }
        };
        for name in library::imported_modules(&source.name, source.is_package, &parsed.body) {
            if !known.insert(name.clone()) {
                continue;
            }
            if library::stub(&name).is_some() {
                queue.push_back((library::stub_source(&name), false));
            } else if let Some(found) = find_source(&name) {
                queue.push_back((found, true));
            }
        }
        out.push(ProgramModule {
            source,
            parsed,
            report,
        });
    }
    out
}

/// The types of attributes assigned through `self` without annotations
/// (see `attributes`), by quiet passes over the classes' methods until
/// nothing changes.
fn infer_attributes(
    prog: &mut program::Program,
    mods: &[(String, &crate::parse::ParsedModule)],
    builtins: &std::collections::HashSet<String>,
    stubs: &std::collections::HashSet<&str>,
) {
    attributes::inherit_attr_types(prog);
    let ignores = ignore::Ignores::default();
    for _ in 0..4 {
        let mut found = attributes::AttrInference::default();
        for (name, m) in mods.iter().filter(|(n, _)| !stubs.contains(n.as_str())) {
            let mut c = check::Checker::new(prog, name, m, &ignores, builtins);
            c.quiet = true;
            c.attrs = Some(found);
            c.module_body(&m.body);
            found = c.attrs.take().unwrap_or_default();
        }
        let changed = found.apply(prog);
        attributes::inherit_attr_types(prog);
        if !changed {
            break;
        }
    }
}

/// The types of module-level variables (annotation or first assignment),
/// found by a quiet pass over each module's top level, so that functions
/// (and other modules) see them.
fn infer_module_variables(
    prog: &mut program::Program,
    mods: &[(String, &crate::parse::ParsedModule)],
    builtins: &std::collections::HashSet<String>,
    stubs: &std::collections::HashSet<&str>,
) {
    let ignores = ignore::Ignores::default();
    for (name, m) in mods {
        let (declared, finals) = {
            let mut c = check::Checker::new(prog, name, m, &ignores, builtins);
            c.quiet = true;
            c.module_body(&m.body);
            (c.frame.declared, c.frame.finals)
        };
        let defined_otherwise = program::non_variable_names(&m.body);
        if let Some(info) = prog.modules.get_mut(name) {
            for (var, ty) in declared {
                // A stub's `name: Any` only says the name exists: it stays
                // unknown, so that typing forms keep their meaning.
                if defined_otherwise.contains(&var)
                    || (ty == Type::Any && stubs.contains(name.as_str()))
                {
                    continue;
                }
                if let Some(b @ program::Binding::Unknown) = info.names.get_mut(&var) {
                    *b = program::Binding::Var {
                        is_final: finals.contains(&var),
                        ty,
                    };
                }
            }
        }
    }
}
