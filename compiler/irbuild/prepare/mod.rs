//! Deciding which classes are native and laying them out, before any body
//! is lowered (mypyc's "prepare" pass).
//!
//! A class of a compiled module becomes a native class (an extension type
//! whose instances are C structs, see `ir::class`) when everything it does
//! is something native classes implement here: a top-level class bound
//! once, no metaclass or class keywords, no decorators other than `final`,
//! dataclass decorators and `mypyc_attr` (without `native_class=False`),
//! its base `object`, one other native class or a builtin exception whose
//! instances are a plain `PyBaseExceptionObject` (`EXCEPTION_BASES`: the
//! layout then starts with the exception's struct, and the class accepts
//! Python subclasses, as interpreted exception classes do), besides which
//! it may list `abc.ABC` (no layout; the type becomes an `ABCMeta`), a
//! body of methods, attribute declarations and class variables, and no
//! dunder that changes how attributes are looked up (`__getattr__`,
//! `__setattr__`, ...). A `__new__` (static or class method) is native
//! and inherited by native subclasses: its `object.__new__(cls)` allocates
//! with the layout and vtable of whichever class `cls` is. Every other
//! class is built the way
//! the interpreter builds it (see `classes.rs`), with compiled methods:
//! slower, with the same behaviour. A class that other non-native classes
//! derive from, or whose subclasses override a method with a different
//! native signature, is not native either, so that a native class's
//! vtable and layout are valid for every instance.
//!
//! Methods marked `@abstractmethod`, `@override` or `@final` are plain
//! methods (the marks stay on the function objects Python code sees).
//!
//! Attributes: annotated class-body names (not `ClassVar`/`Final`), class-
//! body names assigned a constant, and attributes assigned through `self`
//! in methods (typed as the checker's program tables see them).
//!
//! Every check that keeps a class from being native says why, in plain
//! words: `body` (what the header and body declare) and `layout` (one
//! class on its base) return the reason as their error, and each class
//! keeps the first reason it is demoted for (`Candidates`); `mypyc -v`
//! prints them (`Prepared::not_native`).

mod body;
mod defined;
mod layout;

use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};
use rustpython_parser::ast;

use crate::checker::program::{AnnCtx, Binding, Program};
use crate::diagnostics::Diagnostic;
use crate::irbuild::class_table::ClassTable;
use crate::irbuild::mapper::Mapper;
use crate::irbuild::symbols::NativeNames;
use crate::parse::ParsedModule;
use crate::semanal::scope;
use crate::semanal::scope::dotted_name;
use crate::semanal::{FuncSig, ParamKind};
use crate::types::Type;
use body::*;
use layout::layout_class;

/// The outcome of preparing the classes of a build.
#[derive(Default)]
pub struct Prepared {
    pub table: Arc<ClassTable>,
    /// Per module: the names under which native classes are visible.
    pub names: IndexMap<String, NativeNames>,
    /// The classes of the compiled modules that are not native, and why.
    pub not_native: Vec<NotNative>,
}

/// A class of a compiled module that is built as a Python class.
#[derive(Clone, Debug)]
pub struct NotNative {
    pub path: String,
    pub line: u32,
    pub name: String,
    /// Why, in plain words (`it defines __getattr__`).
    pub reason: String,
}

impl NotNative {
    /// The note `mypyc -v` prints.
    pub fn note(&self) -> Diagnostic {
        let message = format!(
            "class \"{}\" is not a native class: {}",
            self.name, self.reason
        );
        Diagnostic::note(&self.path, self.line, 0, message)
    }
}

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

/// The name of the method that stores class-body attribute defaults.
pub const DEFAULTS_SETUP: &str = "__mypyc_defaults_setup";

struct ClassSource<'a> {
    module: String,
    parsed: &'a ParsedModule,
    def: &'a ast::StmtClassDef,
}

/// Decide which classes of `modules` are native and lay them out.
/// `subclasses_known`: the build is one group, so every native subclass of
/// a class is among `modules`; otherwise a class of another group may
/// derive from any of them, and, as in mypyc, no attribute is taken as
/// always defined (a subclass's `__init__` may leave it unset).
pub fn prepare_classes(
    modules: &[(String, &ParsedModule)],
    checked: &Program,
    subclasses_known: bool,
) -> Prepared {
    let mut program = checked.clone();
    program.erase_type_vars();
    let sources = class_sources(modules, &program);
    let traits = find_traits(&program, &sources);
    let mut cands = first_candidates(&program, &sources, &traits);
    // Every round lays out the classes still native or demotes one of them
    // (`layout_all` only lays out those), so this ends.
    loop {
        settle_bases(&program, &sources, &traits, &mut cands);
        let names = visible_names(&program, modules, &cands.native);
        match layout_all(&program, &sources, &traits, &cands.native) {
            Ok(mut table) => {
                if subclasses_known {
                    defined::mark_always_defined(&mut table, &sources);
                    table.mark_unoverridden_methods();
                }
                let open = open_traits(&program, &sources, &traits, &cands.native);
                table.traits.retain(|t| !open.contains(t));
                return Prepared {
                    table: Arc::new(table),
                    names,
                    not_native: not_native_report(modules, &sources, &cands),
                };
            }
            Err((class, reason)) => cands.demote(&class, reason),
        }
    }
}

/// The top-level classes of the compiled modules (the first statement of
/// each name).
fn class_sources<'a>(
    modules: &[(String, &'a ParsedModule)],
    program: &Program,
) -> IndexMap<String, ClassSource<'a>> {
    let mut sources = IndexMap::new();
    for (name, parsed) in modules {
        for stmt in &parsed.body {
            let ast::Stmt::ClassDef(c) = stmt else {
                continue;
            };
            let full = format!("{name}.{}", c.name);
            if program.classes.contains_key(&full) && !sources.contains_key(&full) {
                let module = name.clone();
                let src = ClassSource {
                    module,
                    parsed,
                    def: c,
                };
                sources.insert(full, src);
            }
        }
    }
    sources
}

/// The classes that may be native as far as each one's own statement
/// tells (traits are mixins, not native classes).
fn first_candidates(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
) -> Candidates {
    let mut cands = Candidates {
        native: sources.keys().cloned().collect(),
        why: IndexMap::new(),
    };
    for t in traits {
        let why = "it is a trait (traits are built as Python mixin classes)";
        cands.demote(t, why.into());
    }
    for (full, s) in sources {
        let supported = body_members(s.parsed, s.def).and_then(|_| check_header(s.parsed, s.def));
        if let Err(reason) = supported {
            cands.demote(full, reason);
        }
    }
    for (c, reason) in new_method_blockers(program, sources, traits) {
        cands.demote(&c, reason);
    }
    cands
}

/// The traits that a class of the build that is not native derives from:
/// they accept Python subclasses (the others refuse them).
fn open_traits(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
    native: &IndexSet<String>,
) -> IndexSet<String> {
    let mut open: IndexSet<String> = IndexSet::new();
    for (full, src) in sources {
        if !native.contains(full) && !traits.contains(full) {
            open.extend(trait_closure(program, src, traits));
        }
    }
    open
}

/// The classes still native while deciding, and the first reason found
/// for each class that is not.
struct Candidates {
    native: IndexSet<String>,
    why: IndexMap<String, String>,
}

impl Candidates {
    /// Make a class non-native (the reason is kept if it is the first).
    fn demote(&mut self, class: &str, reason: String) {
        if self.native.shift_remove(class) {
            self.why.entry(class.to_string()).or_insert(reason);
        }
    }
}

/// Why each class statement of the compiled modules that does not define a
/// native class does not, in source order.
fn not_native_report(
    modules: &[(String, &ParsedModule)],
    sources: &IndexMap<String, ClassSource>,
    cands: &Candidates,
) -> Vec<NotNative> {
    let mut out = vec![];
    for (module, parsed) in modules {
        let mut defs = vec![];
        module_class_defs(&parsed.body, true, &mut defs);
        for (def, top) in defs {
            let full = format!("{module}.{}", def.name);
            let is_source = top && sources.get(&full).is_some_and(|s| std::ptr::eq(s.def, def));
            let reason = match (is_source, cands.why.get(&full)) {
                (true, Some(r)) => r.clone(),
                (true, None) => continue,
                (false, _) if !top => "it is not defined at the top level of its module".into(),
                (false, _) if sources.contains_key(&full) => {
                    format!("an earlier class statement defines \"{}\"", def.name)
                }
                (false, _) => "the type checker did not record it as a class".into(),
            };
            out.push(NotNative {
                path: parsed.path.clone(),
                line: parsed.line_of(def),
                name: def.name.to_string(),
                reason,
            });
        }
    }
    out
}

/// The class statements of a module's scope (with whether each is a
/// statement of the module body itself), in source order; classes nested in
/// functions or classes are not compiled.
fn module_class_defs<'a>(
    body: &'a [ast::Stmt],
    top: bool,
    out: &mut Vec<(&'a ast::StmtClassDef, bool)>,
) {
    for s in body {
        match s {
            ast::Stmt::ClassDef(c) => out.push((c, top)),
            other => {
                for block in scope::child_blocks(other) {
                    module_class_defs(block, false, out);
                }
            }
        }
    }
}

/// Classes that define or inherit `__new__` but cannot be native, and why:
/// a Python subclass would be allocated without it, and dataclasses
/// generate what `__new__` would have to run.
fn new_method_blockers(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
) -> Vec<(String, String)> {
    let bases: IndexMap<&String, String> = sources
        .iter()
        .filter_map(|(full, s)| Some((full, base_of(program, s, traits).ok()??)))
        .collect();
    let defines_new: IndexSet<&String> = sources
        .iter()
        .filter(|(_, s)| body_members(s.parsed, s.def).is_ok_and(|m| m.new_method))
        .map(|(full, _)| full)
        .collect();
    let mut out = vec![];
    for (full, s) in sources {
        let (interpreted, dataclass) = (allows_interpreted_subclasses(s.def), is_dataclass(s.def));
        if !interpreted && !dataclass {
            continue;
        }
        // The chain of bases within the build (bounded: bases form no
        // cycle in a checked program).
        let mut chain = std::iter::successors(Some(full), |c| bases.get(c)).take(sources.len() + 1);
        let Some(owner) = chain.find(|c| defines_new.contains(c)) else {
            continue;
        };
        let what = match owner == full {
            true => "defines __new__".to_string(),
            false => format!("inherits __new__ from \"{}\"", short_name(owner)),
        };
        let why = match interpreted {
            true => format!("it {what} and allows interpreted subclasses"),
            false => format!("it is a dataclass and {what}"),
        };
        out.push((full.clone(), why));
    }
    out
}

fn short_name(full: &str) -> &str {
    full.rsplit('.').next().unwrap_or(full)
}

/// The native base of a class: Ok(None) for `object`, Ok(Some(full)) for a
/// class of the program, else why its bases are not ones a native class
/// can have.
fn base_of(
    program: &Program,
    src: &ClassSource,
    traits: &IndexSet<String>,
) -> Result<Option<String>, String> {
    let ctx = AnnCtx {
        program,
        module: &src.module,
    };
    // A subscripted native base (`Base[T]`) is that base.
    match layout_bases(src, traits, &ctx).as_slice() {
        [] => Ok(None),
        [b] if dotted_name(b).as_deref() == Some("object") => Ok(None),
        [b] if is_builtin_exception(src, b) => Ok(None),
        [b] => ctx.class_of(base_head(b)).map(Some).ok_or_else(|| {
            let text = src.parsed.lines.text(*b);
            format!("its base \"{text}\" is not a class of the compiled modules")
        }),
        _ => Err("it has several bases that are not traits".into()),
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
        .filter(|b| !is_generic_base(b) && !is_abc_base(b, ctx))
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
    let mut traits: IndexSet<String> = sources
        .iter()
        .filter(|(_, s)| {
            s.def.decorator_list.iter().any(is_trait_decorator)
                && s.def.keywords.is_empty()
                && body_members(s.parsed, s.def).is_ok()
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
/// Is base `b` `abc.ABC`? It has no layout; the class gets its metaclass
/// `ABCMeta` when it is created (`CPyType_FromNativeSpec`).
pub(super) fn is_abc_base(b: &ast::Expr, ctx: &AnnCtx) -> bool {
    ctx.origin(b).as_deref() == Some("abc.ABC")
}

fn is_generic_base(b: &ast::Expr) -> bool {
    match b {
        ast::Expr::Subscript(s) => {
            dotted_name(&s.value).is_some_and(|n| n == "Generic" || n.ends_with(".Generic"))
        }
        _ => false,
    }
}

/// Demote native classes whose base is not native (or not visible), and the
/// native bases of classes that are not native, until nothing changes.
fn settle_bases(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
    cands: &mut Candidates,
) {
    loop {
        let mut drop: Vec<(String, String)> = vec![];
        for (full, src) in sources {
            if cands.native.contains(full) {
                let why = unusable_base(program, src, traits, &cands.native);
                drop.extend(why.map(|r| (full.clone(), r)));
            } else if !traits.contains(full) {
                drop.extend(native_bases_of(program, src, &cands.native));
            }
        }
        if drop.is_empty() {
            return;
        }
        for (class, reason) in drop {
            cands.demote(&class, reason);
        }
    }
}

/// Why the base of native class `src` keeps it from being native, if it does.
fn unusable_base(
    program: &Program,
    src: &ClassSource,
    traits: &IndexSet<String>,
    native: &IndexSet<String>,
) -> Option<String> {
    let b = match base_of(program, src, traits) {
        Ok(b) => b?,
        Err(why) => return Some(why),
    };
    let short = short_name(&b);
    (!native.contains(&b)).then(|| format!("its base \"{short}\" is not a native class"))
}

/// The native classes that class `src`, which is not native, derives from
/// (or may derive from), with the reason they cannot stay native.
fn native_bases_of(
    program: &Program,
    src: &ClassSource,
    native: &IndexSet<String>,
) -> Vec<(String, String)> {
    let ctx = AnnCtx {
        program,
        module: &src.module,
    };
    let name = &src.def.name;
    let mut out = vec![];
    for b in &src.def.bases {
        let b = base_head(b);
        match ctx.class_of(b) {
            Some(bf) if native.contains(&bf) => {
                out.push((bf, format!("a non-native class \"{name}\" derives from it")));
            }
            Some(_) => {}
            // A base reached through a module the build does not see (an
            // interpreted package `__init__`): any native class of that name
            // may be it.
            None => {
                let text = dotted_name(b).unwrap_or_default();
                let short = text.rsplit('.').next().unwrap_or("");
                for n in native
                    .iter()
                    .filter(|n| n.rsplit('.').next() == Some(short))
                {
                    let why = format!(
                        "a non-native class \"{name}\" may derive from it (its base \"{text}\" is not resolved)"
                    );
                    out.push((n.clone(), why));
                }
            }
        }
    }
    out
}

/// The names under which each module sees native classes.
fn visible_names(
    program: &Program,
    modules: &[(String, &ParsedModule)],
    native: &IndexSet<String>,
) -> IndexMap<String, NativeNames> {
    let module_of = |full: &str| full.rsplit_once('.').map(|(m, _)| m.to_string());
    let mut out = IndexMap::new();
    for (name, _) in modules {
        let mut names = NativeNames::new();
        let visible = |full: &str| native.contains(full);
        if let Some(info) = program.modules.get(name) {
            for (bound, b) in &info.names {
                match b {
                    Binding::Class(full) if visible(full) => {
                        names.insert(bound.clone(), full.clone());
                    }
                    Binding::Module(md) => {
                        for full in native.iter() {
                            if module_of(full).as_deref() == Some(md.as_str()) {
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

/// Lay out every native class (bases first). Err: a class of `native` that
/// cannot be native after all, and why.
fn layout_all(
    program: &Program,
    sources: &IndexMap<String, ClassSource>,
    traits: &IndexSet<String>,
    native: &IndexSet<String>,
) -> Result<ClassTable, (String, String)> {
    let mut table = ClassTable {
        traits: traits.iter().cloned().collect(),
        ..Default::default()
    };
    let mapper = Mapper::new(native.iter().cloned().collect()).with_named_tuples(program);
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
                    let trait_srcs = trait_closure(program, src, traits)
                        .into_iter()
                        .filter_map(|t| sources.get(&t))
                        .collect::<Vec<_>>();
                    let exception = extends_builtin_exception(src, traits, program);
                    let class =
                        layout_class(program, src, base_class, exception, &trait_srcs, &mapper)
                            .map_err(|why| (full.clone(), why))?;
                    table.classes.insert(full, class);
                }
            }
        }
        if let (true, Some(stuck)) = (rest.len() == before, rest.first()) {
            return Err((stuck.clone(), "its base could not be laid out".into()));
        }
        pending = rest;
    }
    Ok(table)
}

/// The signature of method `def` of native class `full` (of `module`), as
/// compiled: the receiver typed as the class; else why it has none.
pub fn method_sig(
    program: &Program,
    module: &str,
    mapper: &Mapper,
    parsed: &ParsedModule,
    def: &ast::StmtFunctionDef,
    full: &str,
) -> Result<FuncSig, String> {
    let name = def.name.as_str();
    let mut sig = mapper.func_sig(program, module, parsed, def);
    match sig.params.first_mut() {
        Some(first) if first.kind == ParamKind::Positional => {
            first.ty = Type::Instance(full.to_string(), vec![]);
        }
        _ => return Err(format!("\"{name}\" takes no self parameter")),
    }
    Ok(crate::semanal::method_compiled_sig(sig, name))
}
