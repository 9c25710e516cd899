//! The type checker: `check_program` (with `check`, `expr`, `calls`,
//! `narrow`, `names`, `program`, `compat`, `messages`, `ignore`, ...)
//! reports type errors in mypy's format and leaves, for every module, the
//! types the compiler lowers with (`typemap`): the type of every
//! expression at its point of use and the declared types of every
//! function's variables, beside the program's tables (`program`).

mod abcs;
pub mod aliases;
pub mod annotations;
pub mod attributes;
pub mod builtins;
pub(crate) mod calls;
pub mod check;
pub mod compat;
pub mod dataclasses;
pub mod enums;
mod expr;
pub mod ignore;
pub mod interface;
pub mod library;
pub mod messages;
mod names;
mod narrow;
mod overloads;
mod overrides;
mod partial;
pub mod program;
mod protocols;
pub mod reachability;
mod similar;
pub mod typeddict;
pub mod typemap;

use rayon::prelude::*;
use rustpython_parser::ast;

use crate::types::Type;

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
    check_program_with(sources, find_source, &|_| Default::default())
}

/// `check_program` with mypy's annotation checks (`--disallow-untyped-defs`,
/// `--disallow-incomplete-defs`) as `annotation_checks` gives them per module.
pub fn check_program_with(
    sources: &[CheckSource],
    find_source: &dyn Fn(&str) -> Option<CheckSource>,
    annotation_checks: &dyn Fn(&str) -> annotations::AnnotationChecks,
) -> Checked {
    load_program(sources, find_source).check_bodies(&|_| true, annotation_checks)
}

/// A program after its first phase: every module parsed and the program's
/// tables built (symbols, classes, signatures, inferred module variables
/// and attributes: what other modules see of each module). No function
/// body or module body has been checked yet.
pub struct Loaded {
    modules: Vec<ProgramModule>,
    /// The names of the given sources (the modules that get type maps).
    given: std::collections::HashSet<String>,
    program: program::Program,
    diags: Vec<crate::diagnostics::Diagnostic>,
}

impl Loaded {
    /// The version of the Python the program is built for (see
    /// `reachability`).
    pub fn set_target_version(&mut self, version: Option<(u32, u32)>) {
        self.program.target.version = version;
    }
}

/// The first phase of checking `sources` (see `Loaded`).
pub fn load_program(
    sources: &[CheckSource],
    find_source: &dyn Fn(&str) -> Option<CheckSource>,
) -> Loaded {
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
    drop(mods);
    Loaded {
        given: sources.iter().map(|s| s.name.clone()).collect(),
        modules,
        program: prog,
        diags,
    }
}

impl Loaded {
    /// The diagnostics so far (parse errors).
    pub fn diagnostics(&self) -> &[crate::diagnostics::Diagnostic] {
        &self.diags
    }

    /// The program's tables.
    pub fn program(&self) -> &program::Program {
        &self.program
    }

    /// The given sources that parsed, with their parses (in the order given).
    pub fn parsed_sources(
        &self,
    ) -> impl Iterator<Item = (&CheckSource, &crate::parse::ParsedModule)> {
        self.modules
            .iter()
            .filter(|m| self.given.contains(&m.source.name))
            .map(|m| (&m.source, &m.parsed))
    }

    /// The project modules the sources import that are checked but not
    /// given (followed imports, as mypy checks them), with their parses.
    pub fn followed_sources(
        &self,
    ) -> impl Iterator<Item = (&CheckSource, &crate::parse::ParsedModule)> {
        self.modules
            .iter()
            .filter(|m| m.report && !self.given.contains(&m.source.name))
            .map(|m| (&m.source, &m.parsed))
    }

    /// The second phase: check the bodies of the modules `selected` accepts
    /// (library modules and the others are not reported on); the given
    /// sources that were not checked get empty type maps.
    pub fn check_bodies(
        self,
        selected: &dyn Fn(&str) -> bool,
        annotation_checks: &dyn Fn(&str) -> annotations::AnnotationChecks,
    ) -> Checked {
        let builtins = program::builtin_names();
        let Loaded {
            modules,
            given,
            program: prog,
            mut diags,
        } = self;
        // The modules are checked in parallel (each reads only the shared
        // tables); their results are kept in module order.
        let work: Vec<(&ProgramModule, annotations::AnnotationChecks)> = modules
            .iter()
            .filter(|m| m.report && selected(&m.source.name))
            .map(|m| (m, annotation_checks(&m.source.name)))
            .collect();
        let results: Vec<(Vec<crate::diagnostics::Diagnostic>, typemap::TypeMap)> = work
            .into_par_iter()
            .map(|(pm, checks)| check_module_body(&prog, pm, checks, &builtins))
            .collect();
        let mut types_of: std::collections::HashMap<String, typemap::TypeMap> = Default::default();
        for (pm, (found, types)) in modules
            .iter()
            .filter(|m| m.report && selected(&m.source.name))
            .zip(results)
        {
            if given.contains(pm.source.name.as_str()) {
                types_of.insert(pm.source.name.clone(), types);
            }
            diags.extend(found);
        }
        let mut checked = vec![];
        for pm in modules {
            if given.contains(&pm.source.name) {
                checked.push(CheckedSource {
                    types: types_of.remove(&pm.source.name).unwrap_or_default(),
                    source: pm.source,
                    parsed: pm.parsed,
                });
            }
        }
        Checked {
            diags,
            program: prog,
            sources: checked,
        }
    }
}

/// Check one module's body against the program's tables: its diagnostics
/// (in source order) and the types of its expressions.
fn check_module_body(
    prog: &program::Program,
    pm: &ProgramModule,
    checks: annotations::AnnotationChecks,
    builtins: &std::collections::HashSet<String>,
) -> (Vec<crate::diagnostics::Diagnostic>, typemap::TypeMap) {
    let (s, m) = (&pm.source, &pm.parsed);
    let first_line = m.body.first().map_or(u32::MAX, |st| m.line_of(st));
    let ignores = ignore::Ignores::scan(&s.text, first_line);
    let mut found = vec![];
    for (name, at, suggestions) in names::undefined_names(&m.body, builtins, &prog.target) {
        let (line, col) = m.lines.line_col(at.into());
        let (message, code) = messages::name_not_defined(&name, &suggestions);
        if !ignores.silenced(line, code) {
            found.push(
                crate::diagnostics::Diagnostic::error(&m.path, line, col, message).with_code(code),
            );
        }
    }
    let mut c = check::Checker::new(prog, &s.name, m, &ignores, builtins);
    c.module_body(&m.body);
    found.extend(c.diags);
    found.extend(annotations::missing_annotations(m, checks, &ignores));
    found.sort_by_key(|d| (d.line, d.col));
    (found, c.types)
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
    let mut queue: Vec<(CheckSource, bool)> = sources.iter().map(|s| (s.clone(), true)).collect();
    // The builtins stub's classes give the methods of builtin types.
    if known.insert("builtins".to_string()) {
        queue.push((library::stub_source("builtins"), false));
    }
    // Breadth first, one level of imports at a time, each level parsed in
    // parallel: the order is that of a queue.
    let mut out = vec![];
    let mut level: Vec<(CheckSource, bool)> = queue.into_iter().collect();
    while !level.is_empty() {
        let parsed: Vec<_> = std::mem::take(&mut level)
            .into_par_iter()
            .map(|(source, report)| {
                let parsed = crate::parse::parse_module(&source.path, &source.text);
                (source, report, parsed)
            })
            .collect();
        for (source, report, parsed) in parsed {
            let parsed = match parsed {
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
                    level.push((library::stub_source(&name), false));
                } else if let Some(found) = find_source(&name) {
                    level.push((found, true));
                }
            }
            out.push(ProgramModule {
                source,
                parsed,
                report,
            });
        }
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
        // A module's pass finds only its own classes' attributes: the
        // modules run in parallel and their findings join in module order.
        let shared: &program::Program = prog;
        let per_module: Vec<attributes::AttrInference> = mods
            .par_iter()
            .filter(|(n, _)| !stubs.contains(n.as_str()))
            .map(|(name, m)| {
                let mut c = check::Checker::new(shared, name, m, &ignores, builtins);
                c.quiet = true;
                c.attrs = Some(attributes::AttrInference::default());
                c.module_body(&m.body);
                c.attrs.take().unwrap_or_default()
            })
            .collect();
        let mut found = attributes::AttrInference::default();
        for f in per_module {
            found.join(f);
        }
        let changed = found.apply(prog);
        attributes::inherit_attr_types(prog);
        if !changed {
            break;
        }
    }
}

/// The types of module-level variables (annotation or first assignment),
/// found by quiet passes over each module's top level, so that functions
/// (and other modules) see them. A value read from a module whose
/// variables a pass has not typed yet (`syms: Final = pygram.symbols`,
/// checked before `pygram`) is `Any` in that pass: passes repeat while they
/// type more variables (a few, for chains of such reads).
fn infer_module_variables(
    prog: &mut program::Program,
    mods: &[(String, &crate::parse::ParsedModule)],
    builtins: &std::collections::HashSet<String>,
    stubs: &std::collections::HashSet<&str>,
) {
    const MAX_PASSES: usize = 4;
    for _ in 0..MAX_PASSES {
        if !infer_module_variables_once(prog, mods, builtins, stubs) {
            break;
        }
    }
}

/// One pass of `infer_module_variables`: did it type a variable that was
/// unknown or `Any` before?
fn infer_module_variables_once(
    prog: &mut program::Program,
    mods: &[(String, &crate::parse::ParsedModule)],
    builtins: &std::collections::HashSet<String>,
    stubs: &std::collections::HashSet<&str>,
) -> bool {
    let ignores = ignore::Ignores::default();
    let mut changed = false;
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
                let b = info.names.get_mut(&var);
                let open = match &b {
                    Some(program::Binding::Unknown) => true,
                    Some(program::Binding::Var { ty: old, .. }) => {
                        *old == Type::Any && ty != Type::Any
                    }
                    _ => false,
                };
                if let (true, Some(b)) = (open, b) {
                    changed |= ty != Type::Any;
                    *b = program::Binding::Var {
                        is_final: finals.contains(&var),
                        ty,
                    };
                }
            }
        }
    }
    changed
}
