//! Deciding which classes are native and laying them out, before any body
//! is lowered (mypyc's "prepare" pass).
//!
//! A class of a compiled module becomes a native class (an extension type
//! whose instances are C structs, see `ir::class`) when everything it does
//! is something native classes implement here: a top-level class bound
//! once, no metaclass or class keywords, no decorators other than `final`,
//! its base `object`, one other native class or a builtin exception whose
//! instances are a plain `PyBaseExceptionObject` (`EXCEPTION_BASES`: the
//! layout then starts with the exception's struct, and the class accepts
//! Python subclasses, as interpreted exception classes do), a body of methods,
//! attribute declarations and class variables, and no dunder that changes
//! how attributes are looked up (`__getattr__`, `__setattr__`, ...). A
//! `__new__` (static or class method) is native when no class derives
//! from its class: its `super().__new__(cls)` allocates with the class's
//! own layout and vtable. Every other class is built the way
//! the interpreter builds it (see `classes.rs`), with compiled methods:
//! slower, with the same behaviour. A class that other non-native classes
//! derive from, or whose subclasses override a method with a different
//! native signature, is not native either, so that a native class's
//! vtable and layout are valid for every instance.
//!
//! Attributes: annotated class-body names (not `ClassVar`/`Final`), class-
//! body names assigned a constant, and attributes assigned through `self`
//! in methods (typed as the checker's program tables see them).

use std::collections::HashSet;
use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};
use rustpython_parser::ast;

use crate::checker::program::{AnnCtx, Binding, Member, Program};
use crate::ir::{ClassIR, FuncRef, RType, VtableEntry};
use crate::parse::ParsedModule;
use crate::semanal::annotations::dotted_name;
use crate::semanal::native::{ClassTable, NativeClass, VtableMethod};
use crate::semanal::scope;
use crate::semanal::{func_sig, FuncSig, NativeNames, ParamKind};
use crate::types::Type;

/// The outcome of preparing the classes of a build.
#[derive(Default)]
pub struct Prepared {
    pub table: Arc<ClassTable>,
    /// Per module: the names under which native classes are visible.
    pub names: IndexMap<String, NativeNames>,
}

/// Dunders whose meaning native classes do not implement (yet).
const NON_NATIVE_DUNDERS: &[&str] = &[
    "__new__",
    "__init_subclass__",
    "__class_getitem__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__dict__",
    "__weakref__",
    "__set_name__",
];

/// Builtin exceptions whose instances are exactly a `PyBaseExceptionObject`
/// (CPython 3.11): a native class may extend them, its fields after the
/// exception's. (`MemoryError` has its own allocator; `OSError`,
/// `StopIteration`, `AttributeError`, ... have larger structs.)
const EXCEPTION_BASES: &[&str] = &[
    "BaseException",
    "Exception",
    "ArithmeticError",
    "AssertionError",
    "BufferError",
    "EOFError",
    "FloatingPointError",
    "GeneratorExit",
    "IndexError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "NotImplementedError",
    "OverflowError",
    "RecursionError",
    "ReferenceError",
    "RuntimeError",
    "StopAsyncIteration",
    "SystemError",
    "TypeError",
    "UnicodeError",
    "ValueError",
    "ZeroDivisionError",
    "Warning",
    "BytesWarning",
    "DeprecationWarning",
    "EncodingWarning",
    "FutureWarning",
    "ImportWarning",
    "PendingDeprecationWarning",
    "ResourceWarning",
    "RuntimeWarning",
    "SyntaxWarning",
    "UnicodeWarning",
    "UserWarning",
];

/// The C struct of the instances of the builtin exceptions above.
const EXCEPTION_STRUCT: &str = "PyBaseExceptionObject";

/// Names `BaseException` defines, which a native exception class may not
/// redefine as attributes or methods (its struct fields would hide them
/// from the C code that reads the exception's own fields).
const EXCEPTION_MEMBERS: &[&str] = &[
    "args",
    "with_traceback",
    "add_note",
    "__traceback__",
    "__cause__",
    "__context__",
    "__suppress_context__",
    "__notes__",
    "__dict__",
];

/// The name of the method that stores class-body attribute defaults.
pub const DEFAULTS_SETUP: &str = "__mypyc_defaults_setup";

struct ClassSource<'a> {
    module: String,
    parsed: &'a ParsedModule,
    def: &'a ast::StmtClassDef,
}

/// What a class body defines, for a class that can be native.
#[derive(Default)]
struct BodyMembers {
    /// Instance attributes declared in the class body, with their type
    /// annotation (None: inferred from a constant default).
    attrs: Vec<(String, Option<ast::Expr>, Option<ast::Expr>)>,
    /// Plain instance methods (called through the vtable).
    methods: Vec<String>,
    /// Everything else bound in the body (stays in the type's dict).
    others: Vec<String>,
    deletable: Vec<String>,
    /// Methods decorated `@final` (called directly, never overridden).
    final_methods: Vec<String>,
    /// `@property` getters.
    properties: Vec<String>,
    /// Defines `__new__` (once; a static or class method).
    new_method: bool,
}

pub fn prepare_classes(
    modules: &[(String, &ParsedModule)],
    checked: &Program,
    cross_module: bool,
) -> Prepared {
    let mut program = checked.clone();
    program.erase_type_vars();
    let mut sources: IndexMap<String, ClassSource> = IndexMap::new();
    for (name, parsed) in modules {
        for stmt in &parsed.body {
            if let ast::Stmt::ClassDef(c) = stmt {
                let full = format!("{name}.{}", c.name);
                if program.classes.contains_key(&full) && !sources.contains_key(&full) {
                    sources.insert(
                        full,
                        ClassSource {
                            module: name.clone(),
                            parsed,
                            def: c,
                        },
                    );
                }
            }
        }
    }
    let mut native: IndexSet<String> = sources
        .iter()
        .filter(|(_, s)| body_members(s.parsed, s.def).is_some() && simple_header(s.def))
        .map(|(f, _)| f.clone())
        .collect();
    let traits = find_traits(&program, &sources);
    native.retain(|c| !traits.contains(c));
    for c in new_method_blockers(&program, &sources, &traits) {
        native.shift_remove(&c);
    }
    for _ in 0..64 {
        settle_bases(&program, &sources, &traits, &mut native, cross_module);
        let names = visible_names(&program, modules, &native, cross_module);
        match layout_all(&program, &sources, &traits, &native, &names) {
            Ok(mut table) => {
                // A trait refuses Python subclasses unless a class of the
                // build that is not native derives from it.
                let mut open: IndexSet<String> = IndexSet::new();
                for (full, src) in &sources {
                    if !native.contains(full) && !traits.contains(full) {
                        open.extend(trait_closure(&program, src, &traits));
                    }
                }
                table.traits.retain(|t| !open.contains(t));
                return Prepared {
                    table: Arc::new(table),
                    names,
                };
            }
            Err(demoted) => {
                for d in demoted {
                    native.shift_remove(&d);
                }
            }
        }
    }
    Prepared::default()
}

/// No keywords, type parameters or decorators other than `final` and
/// `mypyc_attr(...)` (without `native_class=False`).
fn simple_header(c: &ast::StmtClassDef) -> bool {
    let allowed = |d: &ast::Expr| {
        is_final_decorator(d)
            || is_dataclass_decorator(d)
            || mypyc_attr(d).is_some_and(|kws| !kws.contains(&("native_class".into(), false)))
    };
    c.keywords.is_empty() && c.type_params.is_empty() && c.decorator_list.iter().all(allowed)
}

/// The decorators that generate `__init__` and friends from the fields
/// of a class and patch the class in place, which mypyc compiles as native
/// classes: the standard library's `dataclass` and attrs' `attr.s`.
const DATACLASS_DECORATORS: &[&str] =
    &["dataclass", "dataclasses.dataclass", "attr.s", "attr.attrs"];

/// `@dataclass`, `@attr.s` or a call of one with constant options other
/// than `slots=True` (which would replace the class) and, for attrs,
/// `frozen=True` (whose `__init__` writes the instance `__dict__`, which
/// native instances do not have).
pub fn is_dataclass_decorator(d: &ast::Expr) -> bool {
    let (func, keywords) = match d {
        ast::Expr::Call(c) if c.args.is_empty() => (&*c.func, c.keywords.as_slice()),
        ast::Expr::Call(_) => return false,
        other => (other, &[][..]),
    };
    let Some(name) = dotted_name(func).filter(|n| DATACLASS_DECORATORS.contains(&n.as_str()))
    else {
        return false;
    };
    let is_attrs = name.starts_with("attr.");
    keywords.iter().all(|k| {
        let ast::Expr::Constant(v) = &k.value else {
            return false;
        };
        let ast::Constant::Bool(on) = v.value else {
            return false;
        };
        match k.arg.as_deref() {
            Some("slots" | "weakref_slot") => false,
            Some("frozen") => !(is_attrs && on),
            _ => true,
        }
    })
}

/// `@dataclass(frozen=True)`.
fn is_frozen_dataclass(c: &ast::StmtClassDef) -> bool {
    c.decorator_list.iter().any(|d| match d {
        ast::Expr::Call(call) if is_dataclass_decorator(d) => call.keywords.iter().any(|k| {
            k.arg.as_deref() == Some("frozen")
                && matches!(&k.value, ast::Expr::Constant(v) if matches!(v.value, ast::Constant::Bool(true)))
        }),
        _ => false,
    })
}

/// Is the class a dataclass (or an attrs class)?
fn is_dataclass(c: &ast::StmtClassDef) -> bool {
    c.decorator_list.iter().any(is_dataclass_decorator)
}

/// `attr.ib(...)` (attrs' field declaration): the annotation of the field
/// it declares, its `type=` argument (None when it has none: `Any`).
fn attr_ib_type(value: &ast::Expr) -> Option<Option<ast::Expr>> {
    let ast::Expr::Call(call) = value else {
        return None;
    };
    let name = dotted_name(&call.func)?;
    if !matches!(name.as_str(), "attr.ib" | "attr.attrib") {
        return None;
    }
    let ty = call
        .keywords
        .iter()
        .find(|k| k.arg.as_deref() == Some("type"));
    Some(ty.map(|k| k.value.clone()))
}

/// The boolean keywords of a `@mypyc_attr(...)` decorator.
fn mypyc_attr(d: &ast::Expr) -> Option<Vec<(String, bool)>> {
    let ast::Expr::Call(c) = d else { return None };
    let name = dotted_name(&c.func)?;
    if (name != "mypyc_attr" && !name.ends_with(".mypyc_attr")) || !c.args.is_empty() {
        return None;
    }
    c.keywords
        .iter()
        .map(|k| match (&k.arg, &k.value) {
            (Some(a), ast::Expr::Constant(v)) => match v.value {
                ast::Constant::Bool(b) => Some((a.to_string(), b)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Does a class allow interpreted subclasses?
fn allows_interpreted_subclasses(c: &ast::StmtClassDef) -> bool {
    c.decorator_list
        .iter()
        .filter_map(mypyc_attr)
        .flatten()
        .any(|(k, v)| k == "allow_interpreted_subclasses" && v)
}

/// `@mypyc_attr(<key>=True)`.
fn has_mypyc_flag(c: &ast::StmtClassDef, key: &str) -> bool {
    c.decorator_list
        .iter()
        .filter_map(mypyc_attr)
        .flatten()
        .any(|(k, v)| k == key && v)
}

/// Classes that define `__new__` but cannot be native: their `__new__`
/// allocates with the class's own layout and vtable, so no class may
/// derive from them (natively or in Python), and dataclasses generate
/// what `__new__` would have to run.
fn new_method_blockers(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
) -> Vec<String> {
    let bases: HashSet<String> = sources
        .values()
        .filter_map(|s| base_of(program, s, traits).ok().flatten())
        .collect();
    sources
        .iter()
        .filter(|(full, s)| {
            body_members(s.parsed, s.def).is_some_and(|m| m.new_method)
                && (bases.contains(*full)
                    || allows_interpreted_subclasses(s.def)
                    || is_dataclass(s.def))
        })
        .map(|(full, _)| full.clone())
        .collect()
}

/// `@final` / `@typing.final`.
fn is_final_decorator(d: &ast::Expr) -> bool {
    dotted_name(d).is_some_and(|n| n == "final" || n.ends_with(".final"))
}

fn is_docstring_or_pass(s: &ast::Stmt) -> bool {
    match s {
        ast::Stmt::Pass(_) => true,
        ast::Stmt::Expr(e) => matches!(&*e.value, ast::Expr::Constant(_)),
        _ => false,
    }
}

fn is_init_var(e: &ast::Expr) -> bool {
    let head = match e {
        ast::Expr::Subscript(s) => &*s.value,
        other => other,
    };
    dotted_name(head).is_some_and(|n| n.rsplit('.').next() == Some("InitVar"))
}

fn is_class_var_annotation(e: &ast::Expr) -> bool {
    let head = match e {
        ast::Expr::Subscript(s) => &*s.value,
        other => other,
    };
    dotted_name(head).is_some_and(|n| {
        let last = n.rsplit('.').next().unwrap_or("");
        last == "ClassVar" || last == "Final"
    })
}

/// The members of a class body, or None if the body does something native
/// classes do not support.
fn body_members(parsed: &ParsedModule, c: &ast::StmtClassDef) -> Option<BodyMembers> {
    let mut m = BodyMembers::default();
    let mut def_counts: IndexMap<String, usize> = IndexMap::new();
    for s in &c.body {
        if let ast::Stmt::FunctionDef(d) = s {
            *def_counts.entry(d.name.to_string()).or_default() += 1;
        }
    }
    for s in &c.body {
        match s {
            _ if is_docstring_or_pass(s) => {}
            ast::Stmt::FunctionDef(d) if d.name.as_str() == "__new__" => {
                let plain = match d.decorator_list.as_slice() {
                    [] => true,
                    [dec] => matches!(
                        dotted_name(dec).as_deref(),
                        Some("staticmethod" | "classmethod")
                    ),
                    _ => false,
                };
                let has_cls = d
                    .args
                    .posonlyargs
                    .iter()
                    .chain(&d.args.args)
                    .next()
                    .is_some();
                if def_counts["__new__"] != 1 || !plain || !has_cls {
                    return None;
                }
                m.new_method = true;
                m.others.push("__new__".into());
            }
            ast::Stmt::FunctionDef(d) => {
                let name = d.name.to_string();
                if def_counts[&name] == 1 && d.decorator_list.iter().all(is_final_decorator) {
                    if !d.decorator_list.is_empty() {
                        m.final_methods.push(name.clone());
                    }
                    m.methods.push(name);
                } else if !m.others.contains(&name) {
                    // A `@property` getter (first definition of the name) is
                    // also read natively through the vtable.
                    let is_getter = matches!(d.decorator_list.as_slice(),
                        [ast::Expr::Name(p)] if p.id.as_str() == "property");
                    if is_getter {
                        m.properties.push(name.clone());
                    }
                    m.others.push(name);
                }
            }
            ast::Stmt::AnnAssign(a) => {
                let ast::Expr::Name(n) = &*a.target else {
                    return None;
                };
                let name = n.id.to_string();
                if is_class_var_annotation(&a.annotation) {
                    m.others.push(name);
                } else if is_dataclass(c) && is_init_var(&a.annotation) {
                    // Not an attribute: only an `__init__` parameter.
                    return None;
                } else {
                    m.attrs.push((
                        name,
                        Some((*a.annotation).clone()),
                        a.value.as_deref().cloned(),
                    ));
                }
            }
            ast::Stmt::Assign(a) if a.targets.len() == 1 => {
                let ast::Expr::Name(n) = &a.targets[0] else {
                    return None;
                };
                let name = n.id.to_string();
                if name == "__new__" {
                    return None;
                }
                let comment = parsed
                    .lines
                    .type_comment(a)
                    .and_then(crate::parse::type_comment_expr);
                let attr_ib = attr_ib_type(&a.value).filter(|_| is_dataclass(c));
                if name == "__deletable__" {
                    m.deletable = string_list(&a.value)?;
                } else if name == "__slots__" {
                    // Native instances have exactly their declared fields,
                    // which is what `__slots__` asks for: nothing to do.
                } else if let Some(ann) = attr_ib {
                    m.attrs.push((name, ann, Some((*a.value).clone())));
                } else if let Some(ann) = comment {
                    if is_class_var_annotation(&ann) {
                        m.others.push(name);
                    } else {
                        m.attrs.push((name, Some(ann), Some((*a.value).clone())));
                    }
                } else if !is_dunder(&name) && is_data_value(&a.value, &def_counts) {
                    m.attrs.push((name, None, Some((*a.value).clone())));
                } else {
                    m.others.push(name);
                }
            }
            _ => return None,
        }
    }
    let mut seen = HashSet::new();
    let all = m
        .attrs
        .iter()
        .map(|(n, _, _)| n)
        .chain(&m.methods)
        .chain(&m.others);
    for n in all {
        if NON_NATIVE_DUNDERS.contains(&n.as_str()) && !(n == "__new__" && m.new_method) {
            return None;
        }
        if !seen.insert(n.clone()) && !m.others.contains(n) {
            return None;
        }
    }
    Some(m)
}

/// Is the value of an unannotated class-body assignment data (an instance
/// attribute default), rather than a function, method alias or descriptor
/// (which stay class attributes)?
fn is_data_value(e: &ast::Expr, defs: &IndexMap<String, usize>) -> bool {
    match e {
        ast::Expr::Name(n) => !defs.contains_key(n.id.as_str()),
        ast::Expr::Call(_) | ast::Expr::Lambda(_) | ast::Expr::Attribute(_) => false,
        _ => true,
    }
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

fn string_list(e: &ast::Expr) -> Option<Vec<String>> {
    let elts = match e {
        ast::Expr::List(l) => &l.elts,
        ast::Expr::Tuple(t) => &t.elts,
        _ => return None,
    };
    elts.iter()
        .map(|x| match x {
            ast::Expr::Constant(c) => c.value.as_str().map(|s| s.to_string()),
            _ => None,
        })
        .collect()
}

/// The native base of a class: Ok(None) for `object`, Ok(Some(full)) for a
/// class of the program, Err(()) for anything else.
fn base_of(
    program: &Program,
    src: &ClassSource,
    traits: &IndexSet<String>,
) -> Result<Option<String>, ()> {
    let ctx = AnnCtx {
        program,
        module: &src.module,
    };
    // A subscripted native base (`Base[T]`) is that base.
    match layout_bases(src, traits, &ctx).as_slice() {
        [] => Ok(None),
        [b] if dotted_name(b).as_deref() == Some("object") => Ok(None),
        [b] if is_builtin_exception(src, b) => Ok(None),
        [ast::Expr::Subscript(s)] => ctx.class_of(&s.value).map(Some).ok_or(()),
        [b] => ctx.class_of(b).map(Some).ok_or(()),
        _ => Err(()),
    }
}

/// Is base `b` of a class one of the builtin exceptions a native class can
/// extend (named directly, the name not rebound in the module)?
fn is_builtin_exception(src: &ClassSource, b: &ast::Expr) -> bool {
    let ast::Expr::Name(n) = b else {
        return false;
    };
    let name = n.id.as_str();
    if !EXCEPTION_BASES.contains(&name) {
        return false;
    }
    let mut rebound = false;
    scope::for_each_binding(&src.parsed.body, &mut |bound| {
        rebound |= bound == name || bound == "*";
    });
    !rebound
}

/// Does `src` extend one of those builtin exceptions directly?
fn extends_builtin_exception(
    src: &ClassSource,
    traits: &IndexSet<String>,
    program: &Program,
) -> bool {
    let ctx = AnnCtx {
        program,
        module: &src.module,
    };
    matches!(layout_bases(src, traits, &ctx).as_slice(), [b] if is_builtin_exception(src, b))
}

/// The bases of a class that give it its layout: not `Generic[...]` (it
/// only adds type parameters, which are erased) nor traits (mixins).
fn layout_bases<'s>(
    src: &'s ClassSource,
    traits: &IndexSet<String>,
    ctx: &AnnCtx,
) -> Vec<&'s ast::Expr> {
    src.def
        .bases
        .iter()
        .filter(|b| !is_generic_base(b))
        .filter(|b| {
            !ctx.class_of(base_head(b))
                .is_some_and(|c| traits.contains(&c))
        })
        .collect()
}

/// `@trait` classes whose bodies native classes support and whose bases
/// are other such traits: built as layout-free Python classes
/// (`__slots__ = ()`) that native classes may mix in.
fn find_traits(program: &Program, sources: &IndexMap<String, ClassSource>) -> IndexSet<String> {
    let is_trait_decorator =
        |d: &ast::Expr| dotted_name(d).is_some_and(|n| n == "trait" || n.ends_with(".trait"));
    let mut traits: IndexSet<String> = sources
        .iter()
        .filter(|(_, s)| {
            s.def.decorator_list.iter().any(is_trait_decorator)
                && s.def.keywords.is_empty()
                && body_members(s.parsed, s.def).is_some()
        })
        .map(|(f, _)| f.clone())
        .collect();
    loop {
        let before = traits.len();
        let current = traits.clone();
        traits.retain(|t| {
            let src = &sources[t];
            let ctx = AnnCtx {
                program,
                module: &src.module,
            };
            src.def.bases.iter().all(|b| {
                is_generic_base(b)
                    || dotted_name(b).as_deref() == Some("object")
                    || ctx
                        .class_of(base_head(b))
                        .is_some_and(|c| current.contains(&c))
            })
        });
        if traits.len() == before {
            return traits;
        }
    }
}

/// The traits a class mixes in, directly or through other traits.
fn trait_closure(program: &Program, src: &ClassSource, traits: &IndexSet<String>) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut queue: Vec<String> = vec![format!("{}.{}", src.module, src.def.name)];
    while let Some(c) = queue.pop() {
        for b in program
            .classes
            .get(&c)
            .map(|i| i.bases.clone())
            .unwrap_or_default()
        {
            if traits.contains(&b) && !out.contains(&b) {
                out.push(b.clone());
                queue.push(b);
            }
        }
    }
    out
}

/// The class of a base expression (`Base` of `Base[T]`).
fn base_head(b: &ast::Expr) -> &ast::Expr {
    match b {
        ast::Expr::Subscript(s) => &s.value,
        other => other,
    }
}

/// `Generic[...]` / `typing.Generic[...]`.
fn is_generic_base(b: &ast::Expr) -> bool {
    match b {
        ast::Expr::Subscript(s) => {
            dotted_name(&s.value).is_some_and(|n| n == "Generic" || n.ends_with(".Generic"))
        }
        _ => false,
    }
}

/// Drop native classes whose base is not native (or not visible), and the
/// native bases of classes that are not native.
fn settle_bases(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
    native: &mut IndexSet<String>,
    cross_module: bool,
) {
    loop {
        let mut drop: Vec<String> = vec![];
        for (full, src) in sources {
            let ctx = AnnCtx {
                program,
                module: &src.module,
            };
            if native.contains(full) {
                match base_of(program, src, traits) {
                    Err(()) => drop.push(full.clone()),
                    Ok(Some(b)) => {
                        let same_module = sources.get(&b).is_some_and(|s| s.module == src.module);
                        if !native.contains(&b) || !(cross_module || same_module) {
                            drop.push(full.clone());
                        }
                    }
                    Ok(None) => {}
                }
            } else {
                for b in &src.def.bases {
                    let b = match b {
                        ast::Expr::Subscript(s) => &*s.value,
                        other => other,
                    };
                    match ctx.class_of(b) {
                        Some(bf) => {
                            if native.contains(&bf) {
                                drop.push(bf);
                            }
                        }
                        // A base reached through a module the build does
                        // not see (an interpreted package `__init__`): any
                        // native class of that name may be it.
                        None => {
                            let text = dotted_name(b).unwrap_or_default();
                            let short = text.rsplit('.').next().unwrap_or("");
                            for n in native.iter() {
                                if n.rsplit('.').next() == Some(short) {
                                    drop.push(n.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
        if drop.is_empty() {
            return;
        }
        for d in drop {
            native.shift_remove(&d);
        }
    }
}

/// The names under which each module sees native classes.
fn visible_names(
    program: &Program,
    modules: &[(String, &ParsedModule)],
    native: &IndexSet<String>,
    cross_module: bool,
) -> IndexMap<String, NativeNames> {
    let module_of = |full: &str| full.rsplit_once('.').map(|(m, _)| m.to_string());
    let mut out = IndexMap::new();
    for (name, _) in modules {
        let mut names = NativeNames::new();
        let visible = |full: &str| {
            native.contains(full) && (cross_module || module_of(full).as_deref() == Some(name))
        };
        if let Some(info) = program.modules.get(name) {
            for (bound, b) in &info.names {
                match b {
                    Binding::Class(full) if visible(full) => {
                        names.insert(bound.clone(), full.clone());
                    }
                    Binding::Module(md) => {
                        for full in native.iter() {
                            if module_of(full).as_deref() == Some(md.as_str()) && visible(full) {
                                let short = full.rsplit('.').next().unwrap_or("");
                                names.insert(format!("{bound}.{short}"), full.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        out.insert(name.clone(), names);
    }
    out
}

/// `Instance(C)` types of native classes become `Native(C)`.
fn nativize(t: Type, native: &IndexSet<String>) -> Type {
    match t {
        Type::Instance(c, _) if native.contains(&c) => Type::Native(c),
        Type::Union(items) => {
            crate::types::union(items.into_iter().map(|t| nativize(t, native)).collect())
        }
        Type::List(t) => Type::List(Box::new(nativize(*t, native))),
        other => other,
    }
}

/// Lay out every native class (bases first). Err: classes that cannot be
/// native after all.
fn layout_all(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
    native: &IndexSet<String>,
    names: &IndexMap<String, NativeNames>,
) -> Result<ClassTable, Vec<String>> {
    let mut table = ClassTable {
        traits: traits.iter().cloned().collect(),
        ..Default::default()
    };
    let mut pending: Vec<String> = native.iter().cloned().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = vec![];
        for full in pending {
            let src = &sources[&full];
            let base = base_of(program, src, traits).ok().flatten();
            match &base {
                Some(b) if !table.classes.contains_key(b) => rest.push(full),
                _ => {
                    let base_class = base.as_ref().and_then(|b| table.classes.get(b));
                    let empty = NativeNames::new();
                    let module_names = names.get(&src.module).unwrap_or(&empty);
                    let trait_srcs = trait_closure(program, src, traits)
                        .into_iter()
                        .filter_map(|t| sources.get(&t))
                        .collect::<Vec<_>>();
                    let exception = extends_builtin_exception(src, traits, program);
                    let class = layout_class(
                        program,
                        src,
                        base_class,
                        exception,
                        &trait_srcs,
                        native,
                        module_names,
                    )?;
                    table.classes.insert(full, class);
                }
            }
        }
        if rest.len() == before {
            return Err(rest);
        }
        pending = rest;
    }
    Ok(table)
}

/// The signature of method `def` of native class `full`, as compiled: the
/// receiver typed as the class.
pub fn method_sig(
    parsed: &ParsedModule,
    def: &ast::StmtFunctionDef,
    full: &str,
    names: &NativeNames,
) -> Option<FuncSig> {
    let mut sig = func_sig(parsed, def, names).ok()?;
    let first = sig.params.first_mut()?;
    if first.kind != ParamKind::Positional {
        return None;
    }
    first.ty = Type::Native(full.to_string());
    Some(crate::semanal::method_compiled_sig(sig, def.name.as_str()))
}

fn layout_class(
    program: &Program,
    src: &ClassSource,
    base: Option<&NativeClass>,
    extends_exception: bool,
    traits: &[&ClassSource],
    native: &IndexSet<String>,
    names: &NativeNames,
) -> Result<NativeClass, Vec<String>> {
    let full = format!("{}.{}", src.module, src.def.name);
    let demote = |also_base: bool| {
        let mut v = vec![full.clone()];
        if also_base {
            v.extend(base.map(|b| b.ir.full_name()));
        }
        v
    };
    let body = body_members(src.parsed, src.def).ok_or_else(|| demote(false))?;
    let mut attr_types: IndexMap<String, Type> =
        base.map(|b| b.attr_types.clone()).unwrap_or_default();
    let mut methods: IndexMap<String, VtableMethod> =
        base.map(|b| b.methods.clone()).unwrap_or_default();
    let mut others: Vec<String> = base.map(|b| b.other_members.clone()).unwrap_or_default();
    let mut vtable: Vec<VtableEntry> = base.map(|b| b.ir.vtable.clone()).unwrap_or_default();
    let mut init = base.and_then(|b| b.init.clone());
    let inherited_attrs = attr_types.len();
    let taken = |n: &str, attrs: &IndexMap<String, Type>, others: &[String]| {
        attrs.contains_key(n) || others.iter().any(|o| o == n)
    };
    // Class-body names may not change what an inherited name is.
    for n in &body.others {
        if attr_types.contains_key(n) || methods.contains_key(n) {
            return Err(demote(true));
        }
        others.push(n.clone());
    }
    let mut has_defaults = base.is_some_and(|b| b.ir.defaults_setup.is_some());
    for (n, ann, default) in &body.attrs {
        if methods.contains_key(n) || others.contains(n) {
            return Err(demote(true));
        }
        // A dataclass's generated `__init__` stores every field.
        has_defaults |= default.is_some() && !is_dataclass(src.def);
        if attr_types.contains_key(n) {
            continue;
        }
        let t = match (ann, default) {
            (Some(a), _) => crate::semanal::annotation_type(a, names).unwrap_or(Type::Any),
            (None, Some(ast::Expr::Constant(c))) => {
                crate::semanal::generalize(crate::checker::constant_type(&c.value))
            }
            _ => Type::Any,
        };
        attr_types.insert(n.clone(), t);
    }
    // Attributes declared by the traits mixed in. Listed before the native
    // base, a trait's methods would hide the base's in the MRO (and the
    // vtable would disagree).
    let ctx = AnnCtx {
        program,
        module: &src.module,
    };
    let trait_first = base.is_some()
        && src
            .def
            .bases
            .iter()
            .find(|b| !is_generic_base(b))
            .and_then(|b| ctx.class_of(base_head(b)))
            .is_some_and(|c| {
                traits
                    .iter()
                    .any(|t| format!("{}.{}", t.module, t.def.name) == c)
            });
    for t in traits {
        let tbody = body_members(t.parsed, t.def).ok_or_else(|| demote(false))?;
        let hides = tbody
            .methods
            .iter()
            .chain(&tbody.others)
            .any(|m| methods.contains_key(m));
        if trait_first && hides {
            return Err(demote(false));
        }
        for (n, ann, _) in &tbody.attrs {
            if !attr_types.contains_key(n) && !body.methods.contains(n) && !body.others.contains(n)
            {
                let t = match ann {
                    Some(a) => crate::semanal::annotation_type(a, names).unwrap_or(Type::Any),
                    None => Type::Any,
                };
                attr_types.insert(n.clone(), t);
            }
        }
        let tfull = format!("{}.{}", t.module, t.def.name);
        if let Some(info) = program.classes.get(&tfull) {
            for (n, m) in &info.members {
                let in_body = tbody.methods.contains(n) || tbody.others.contains(n);
                if let (Member::Attr(ty), false) = (m, in_body || attr_types.contains_key(n)) {
                    if !body.methods.contains(n) && !body.others.contains(n) {
                        attr_types.insert(n.clone(), nativize(ty.clone(), native));
                    }
                }
            }
        }
    }
    // Attributes assigned through `self` in methods.
    if let Some(info) = program.classes.get(&full) {
        let body_names: HashSet<&String> = body
            .attrs
            .iter()
            .map(|(n, _, _)| n)
            .chain(&body.methods)
            .chain(&body.others)
            .collect();
        for (n, m) in &info.members {
            if body_names.contains(n) || taken(n, &attr_types, &others) {
                continue;
            }
            if let Member::Attr(t) = m {
                if methods.contains_key(n) {
                    return Err(demote(true));
                }
                let t = nativize(t.clone(), native);
                attr_types.insert(n.clone(), t);
            }
        }
    }
    for name in &body.methods {
        let def = src
            .def
            .body
            .iter()
            .find_map(|s| match s {
                ast::Stmt::FunctionDef(d) if d.name.as_str() == name => Some(d),
                _ => None,
            })
            .ok_or_else(|| demote(false))?;
        if attr_types.contains_key(name) || others.contains(name) {
            return Err(demote(true));
        }
        let sig = method_sig(src.parsed, def, &full, names).ok_or_else(|| demote(false))?;
        let mut decl = super::func_decl(&src.module, &sig);
        decl.func.class = Some(src.def.name.to_string());
        if name == "__init__" {
            init = Some((sig, decl.func));
            continue;
        }
        match methods.get(name) {
            Some(old) => {
                if old.is_final || !same_arg_kinds(&old.sig, &sig) {
                    return Err(demote(true));
                }
                // Every slot of this name now leads to the override: directly
                // where the native signatures agree, else through glue.
                let class_name = src.def.name.to_string();
                for (s, entry) in vtable.iter_mut().enumerate() {
                    if entry.name != *name {
                        continue;
                    }
                    *entry = if same_decl_signature(&entry.decl, &decl) {
                        VtableEntry {
                            name: name.clone(),
                            decl: decl.clone(),
                            glue_target: None,
                            getter: false,
                        }
                    } else if changed_optional_params(&entry.decl, &decl) > 3 {
                        // Glue makes one call per combination of omitted
                        // arguments whose representation changes.
                        return Err(demote(true));
                    } else {
                        let mut glue = entry.decl.clone();
                        glue.func = FuncRef {
                            module: src.module.clone(),
                            class: Some(class_name.clone()),
                            name: format!("{name}___glue{s}"),
                        };
                        glue.params[0].rtype = RType::Instance(full.clone());
                        glue.has_wrapper = false;
                        VtableEntry {
                            name: name.clone(),
                            decl: glue,
                            glue_target: Some(decl.clone()),
                            getter: false,
                        }
                    };
                }
                let slot = if same_native_signature(&old.sig, &sig) {
                    old.slot
                } else {
                    vtable.push(VtableEntry {
                        name: name.clone(),
                        decl,
                        glue_target: None,
                        getter: false,
                    });
                    vtable.len() - 1
                };
                let is_final = body.final_methods.contains(name);
                methods.insert(
                    name.clone(),
                    VtableMethod {
                        sig,
                        slot,
                        is_final,
                    },
                );
            }
            None => {
                let slot = vtable.len();
                vtable.push(VtableEntry {
                    name: name.clone(),
                    decl,
                    glue_target: None,
                    getter: false,
                });
                let is_final = body.final_methods.contains(name);
                methods.insert(
                    name.clone(),
                    VtableMethod {
                        sig,
                        slot,
                        is_final,
                    },
                );
            }
        }
    }
    let mut properties: IndexMap<String, VtableMethod> =
        base.map(|b| b.properties.clone()).unwrap_or_default();
    for name in &body.properties {
        let def = src.def.body.iter().find_map(|s| match s {
            ast::Stmt::FunctionDef(d) if d.name.as_str() == name => Some(d),
            _ => None,
        });
        let Some(sig) = def.and_then(|d| method_sig(src.parsed, d, &full, names)) else {
            return Err(demote(false));
        };
        if sig.params.len() != 1 {
            return Err(demote(false));
        }
        let mut decl = super::func_decl(&src.module, &sig);
        decl.func.class = Some(src.def.name.to_string());
        let entry = VtableEntry {
            name: name.clone(),
            decl,
            glue_target: None,
            getter: true,
        };
        let slot = match properties.get(name) {
            Some(old) if same_native_signature(&old.sig, &sig) => {
                vtable[old.slot] = entry;
                old.slot
            }
            Some(_) => return Err(demote(true)),
            None => {
                vtable.push(entry);
                vtable.len() - 1
            }
        };
        let is_final = false;
        properties.insert(
            name.clone(),
            VtableMethod {
                sig,
                slot,
                is_final,
            },
        );
    }
    let builtin_base = base
        .and_then(|b| b.ir.builtin_base.clone())
        .or_else(|| extends_exception.then(|| EXCEPTION_STRUCT.to_string()));
    if builtin_base.is_some() {
        // Construction goes through the exception's own protocol (its
        // `tp_new` stores the arguments), which a native `__new__` or a
        // dataclass `__init__` would bypass.
        let clash = attr_types
            .keys()
            .chain(methods.keys())
            .chain(properties.keys())
            .chain(&others)
            .any(|n| EXCEPTION_MEMBERS.contains(&n.as_str()));
        if clash || body.new_method || is_dataclass(src.def) {
            return Err(demote(false));
        }
    }
    let attrs: Vec<(String, RType)> = attr_types
        .iter()
        .map(|(n, t)| (n.clone(), t.rtype()))
        .collect();
    let mut deletable = base.map(|b| b.ir.deletable.clone()).unwrap_or_default();
    deletable.extend(body.deletable.iter().cloned());
    let ir = ClassIR {
        module: src.module.clone(),
        name: src.def.name.to_string(),
        base: base.map(|b| b.ir.full_name()),
        attrs,
        own_attrs_start: inherited_attrs,
        vtable,
        defaults_setup: has_defaults.then(|| FuncRef {
            module: src.module.clone(),
            class: Some(src.def.name.to_string()),
            name: DEFAULTS_SETUP.into(),
        }),
        deletable,
        // As for interpreted exception classes, Python code may derive
        // from exception classes.
        allow_interpreted_subclasses: allows_interpreted_subclasses(src.def)
            || builtin_base.is_some(),
        is_dataclass: is_dataclass(src.def),
        serializable: base.is_some_and(|b| b.ir.serializable)
            || has_mypyc_flag(src.def, "serializable"),
        // A GC base would make the type a GC one anyway.
        acyclic: has_mypyc_flag(src.def, "acyclic")
            && base.is_none_or(|b| b.ir.acyclic)
            && builtin_base.is_none(),
        new_method: body.new_method.then(|| FuncRef {
            module: src.module.clone(),
            class: Some(src.def.name.to_string()),
            name: "__new__".into(),
        }),
        py_methods: descriptor_methods(src, &body),
        builtin_base,
    };
    Ok(NativeClass {
        ir,
        attr_types,
        methods,
        other_members: others,
        init,
        is_final: src.def.decorator_list.iter().any(is_final_decorator),
        is_frozen: base.is_some_and(|b| b.is_frozen) || is_frozen_dataclass(src.def),
        properties,
    })
}

/// The type of the value first assigned to `self.<attr>` by a statement at
/// the top of a method body (`__init__` first), inferred from the method's
/// parameter types as mypy infers an attribute from its first assignment;
/// `Any` when there is none.
/// The methods of a class body that become method descriptors: plain
/// (undecorated), not dunders (those go in the namespace so the type slots
/// follow them) and not referred to elsewhere in the class body.
fn descriptor_methods(src: &ClassSource, body: &BodyMembers) -> Vec<(String, FuncRef)> {
    let mut referenced: HashSet<String> = HashSet::new();
    for s in &src.def.body {
        if !matches!(s, ast::Stmt::FunctionDef(_)) {
            scope::names_loaded(s, &mut |n| {
                referenced.insert(n.to_string());
            });
        }
    }
    body.methods
        .iter()
        .filter(|n| !is_dunder(n) && !referenced.contains(*n) && !body.final_methods.contains(n))
        .map(|n| {
            let func = FuncRef {
                module: src.module.clone(),
                class: Some(src.def.name.to_string()),
                name: n.clone(),
            };
            (n.clone(), func)
        })
        .collect()
}

/// Do two methods take the same parameters (count, kinds, defaults), so
/// that a glue function can adapt one's slot to the other?
fn same_arg_kinds(a: &FuncSig, b: &FuncSig) -> bool {
    a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .all(|(x, y)| x.kind == y.kind && x.has_default == y.has_default && x.name == y.name)
}

/// Optional parameters whose native representation differs.
fn changed_optional_params(a: &crate::ir::FuncDecl, b: &crate::ir::FuncDecl) -> usize {
    a.params
        .iter()
        .zip(&b.params)
        .filter(|(x, y)| {
            matches!(
                x.kind,
                crate::ir::ArgKind::Optional | crate::ir::ArgKind::KwOnlyOptional
            ) && x.rtype != y.rtype
        })
        .count()
}

/// Same native parameter and return representations (receiver aside)?
fn same_decl_signature(a: &crate::ir::FuncDecl, b: &crate::ir::FuncDecl) -> bool {
    a.ret == b.ret
        && a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .skip(1)
            .all(|(x, y)| x.rtype == y.rtype && x.kind == y.kind)
}

/// Can an override be called through the overridden method's vtable slot
/// (same parameters, kinds and native types, receiver aside)?
fn same_native_signature(a: &FuncSig, b: &FuncSig) -> bool {
    a.params.len() == b.params.len()
        && a.ret.rtype() == b.ret.rtype()
        && a.params.iter().zip(&b.params).skip(1).all(|(x, y)| {
            x.kind == y.kind
                && x.has_default == y.has_default
                && super::param_rtype(x) == super::param_rtype(y)
        })
}
