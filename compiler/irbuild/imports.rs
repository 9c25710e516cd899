//! What a module's imported names refer to elsewhere in the build.
//!
//! Every module of one compilation is lowered knowing the symbol tables of
//! all the others, so that `from m import f; f(x)` and `import m; m.f(x)`
//! of a compiled module-level function become direct native calls, like a
//! call of a function of the module itself. As in mypyc, the binding is
//! decided statically: a name bound exactly once at module level by an
//! import keeps referring to what it imported, and calls through it are
//! native even if the module attribute is later replaced at runtime.
//!
//! The table is computed once per module (`ImportTable::resolve`) and
//! consulted by expression lowering; re-exports (`pkg/__init__.py` doing
//! `from pkg.sub import f`) are followed.

use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};
use rustpython_parser::ast;

use crate::irbuild::symbols::{ModuleSymbols, Symbol};
use crate::semanal::{scope, FuncSig};

/// What an imported name refers to.
#[derive(Clone, Debug)]
pub enum ImportTarget {
    /// A compiled module-level function of `module`, called directly.
    Func { module: String, sig: FuncSig },
    /// A compiled module of this build.
    Module(String),
    /// A module-level `Final` name `name` of compiled module `module`.
    Final { module: String, name: String },
}

/// The imported names of one module that refer to compiled code.
#[derive(Clone, Debug, Default)]
pub struct ImportTable {
    names: IndexMap<String, ImportTarget>,
    /// The directly callable functions of every compiled module of the build.
    funcs: Arc<ModuleFuncs>,
    /// The package relative imports start from.
    package: String,
}

/// Module name to its directly callable (compiled, not rebound) functions.
pub type ModuleFuncs = IndexMap<String, IndexMap<String, FuncSig>>;

/// The directly callable functions of every module of the build.
pub fn module_funcs(all: &BuildModules) -> Arc<ModuleFuncs> {
    let funcs = all
        .iter()
        .map(|(name, (syms, _, _))| {
            let fs = syms
                .symbols
                .iter()
                .filter_map(|(n, s)| match s {
                    Symbol::Func(sig) => Some((n.clone(), sig.clone())),
                    _ => None,
                })
                .collect();
            (name.clone(), fs)
        })
        .collect();
    Arc::new(funcs)
}

/// Every module of the build: its symbol table, its package (for relative
/// imports) and its top-level statements.
pub type BuildModules = IndexMap<String, (ModuleSymbols, String, Vec<ast::Stmt>)>;

/// A name bound by an import statement, before resolution.
enum Binding {
    /// `from module import name`.
    From { module: String, name: String },
    /// `import module [as alias]`: the alias (or first component) is bound
    /// to `module` (or to its top-level package).
    Module(String),
}

/// How many times re-exports are followed before giving up (cycles).
const MAX_REEXPORT_DEPTH: usize = 16;

impl ImportTable {
    /// The target of a module-level name, if it is an import of compiled code.
    pub fn get(&self, name: &str) -> Option<&ImportTarget> {
        self.names.get(name)
    }

    /// Resolve the imports of a module against the symbol tables of every
    /// module of the build (`all`, by module name). `package` is the
    /// package relative imports start from (the module itself for a
    /// package's `__init__`).
    pub fn resolve(
        package: &str,
        body: &[ast::Stmt],
        all: &BuildModules,
        funcs: Arc<ModuleFuncs>,
    ) -> ImportTable {
        let mut names = IndexMap::new();
        for (name, binding) in import_bindings(package, body) {
            if let Some(t) = resolve_binding(&binding, all, 0) {
                names.insert(name, t);
            }
        }
        ImportTable {
            names,
            funcs,
            package: package.to_string(),
        }
    }

    /// The module's symbol table as its code sees it: names imported from
    /// compiled functions are functions with their signatures (so calls
    /// through them are typed precisely), not variables of type `Any`.
    pub fn symbols_seen_by(&self, own: &ModuleSymbols) -> ModuleSymbols {
        let mut syms = own.clone();
        for (name, target) in &self.names {
            if let ImportTarget::Func { sig, .. } = target {
                syms.symbols.insert(name.clone(), Symbol::Func(sig.clone()));
            }
        }
        syms
    }

    /// The absolute name of the module of `from <level dots><module> import`
    /// (None: the import goes above the top-level package).
    pub fn absolute_module(&self, level: u32, module: Option<&str>) -> Option<String> {
        absolute_module(&self.package, level, module)
    }

    /// The compiled module an expression statically refers to: an imported
    /// module name, or an attribute chain below one (`a.b` after `import a.b`).
    pub fn module_of_expr(&self, e: &ast::Expr) -> Option<String> {
        match e {
            ast::Expr::Name(n) => match self.get(n.id.as_str()) {
                Some(ImportTarget::Module(m)) => Some(m.clone()),
                _ => None,
            },
            ast::Expr::Attribute(a) => {
                let base = self.module_of_expr(&a.value)?;
                let full = format!("{base}.{}", a.attr);
                self.funcs.contains_key(&full).then_some(full)
            }
            _ => None,
        }
    }

    /// The compiled function `module.name`, if it is one.
    pub fn module_func(&self, module: &str, name: &str) -> Option<&FuncSig> {
        self.funcs.get(module)?.get(name)
    }

    /// Is `module` one of the modules the build compiles?
    pub fn is_compiled_module(&self, module: &str) -> bool {
        self.funcs.contains_key(module)
    }
}

/// Names bound exactly once at module level, by an import statement.
/// (`import a.x` and `import a.y` both bind `a` to the same package, which
/// counts as one binding.)
fn import_bindings(package: &str, body: &[ast::Stmt]) -> Vec<(String, Binding)> {
    let mut counts: IndexMap<String, usize> = IndexMap::new();
    scope::for_each_binding(body, &mut |n| {
        *counts.entry(n.to_string()).or_default() += 1
    });
    let mut out = vec![];
    collect_imports(package, body, &mut out);
    let single = |name: &str, out: &[(String, Binding)]| {
        let mine: Vec<&Binding> = out
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, b)| b)
            .collect();
        let total = counts.get(name).copied().unwrap_or(0);
        match mine.as_slice() {
            [_] => total == 1,
            [Binding::Module(first), rest @ ..] => {
                mine.len() == total
                    && rest
                        .iter()
                        .all(|b| matches!(b, Binding::Module(m) if m == first))
            }
            _ => false,
        }
    };
    let keep: Vec<bool> = out.iter().map(|(n, _)| single(n, &out)).collect();
    let mut seen: IndexSet<String> = IndexSet::new();
    out.into_iter()
        .zip(keep)
        .filter(|((n, _), k)| *k && seen.insert(n.clone()))
        .map(|(x, _)| x)
        .collect()
}

fn collect_imports(package: &str, body: &[ast::Stmt], out: &mut Vec<(String, Binding)>) {
    for stmt in body {
        match stmt {
            ast::Stmt::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.to_string();
                    match &alias.asname {
                        Some(a) => out.push((a.to_string(), Binding::Module(full))),
                        None => {
                            let top = full.split('.').next().unwrap_or("").to_string();
                            out.push((top.clone(), Binding::Module(top)));
                        }
                    }
                }
            }
            ast::Stmt::ImportFrom(i) => {
                let level = i.level.map(|l| l.to_u32()).unwrap_or(0);
                let Some(module) = absolute_module(package, level, i.module.as_deref()) else {
                    continue;
                };
                for alias in &i.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    out.push((
                        bound,
                        Binding::From {
                            module: module.clone(),
                            name: alias.name.to_string(),
                        },
                    ));
                }
            }
            _ => {}
        }
        for block in scope::child_blocks(stmt) {
            collect_imports(package, block, out);
        }
    }
}

/// The absolute name of the module of a `from` import in `package`.
fn absolute_module(package: &str, level: u32, module: Option<&str>) -> Option<String> {
    if level == 0 {
        return module.map(str::to_string);
    }
    let mut parts: Vec<&str> = package.split('.').filter(|p| !p.is_empty()).collect();
    for _ in 1..level {
        parts.pop()?;
    }
    if parts.is_empty() {
        return None;
    }
    if let Some(m) = module {
        parts.push(m);
    }
    Some(parts.join("."))
}

fn resolve_binding(binding: &Binding, all: &BuildModules, depth: usize) -> Option<ImportTarget> {
    match binding {
        // A package counts when it or a module below it is compiled (`import
        // a.b` binds `a`, which may be interpreted while `a.b` is compiled).
        Binding::Module(m) => {
            let below = format!("{m}.");
            let known = all.keys().any(|k| k == m || k.starts_with(&below));
            known.then(|| ImportTarget::Module(m.clone()))
        }
        Binding::From { module, name } => {
            let full = format!("{module}.{name}");
            if all.contains_key(&full) {
                return Some(ImportTarget::Module(full));
            }
            let (syms, package, body) = all.get(module)?;
            if let Some(Symbol::Func(sig)) = syms.symbols.get(name) {
                return Some(ImportTarget::Func {
                    module: module.clone(),
                    sig: sig.clone(),
                });
            }
            if syms.finals.iter().any(|f| f == name) {
                return Some(ImportTarget::Final {
                    module: module.clone(),
                    name: name.clone(),
                });
            }
            if depth >= MAX_REEXPORT_DEPTH {
                return None;
            }
            // A re-export: the name is itself imported in `module`.
            let (_, inner) = import_bindings(package, body)
                .into_iter()
                .find(|(n, _)| n == name)?;
            resolve_binding(&inner, all, depth + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, package, source) -> the build's modules, checked together.
    fn build(modules: &[(&str, &str, &str)]) -> BuildModules {
        let sources: Vec<crate::checker::CheckSource> = modules
            .iter()
            .map(|(name, package, src)| crate::checker::CheckSource {
                name: name.to_string(),
                path: format!("{name}.py"),
                text: src.to_string(),
                is_package: name == package,
            })
            .collect();
        let checked = crate::checker::check_program(&sources, &|_| None);
        let mapper = crate::irbuild::mapper::Mapper::default();
        checked
            .sources
            .iter()
            .zip(modules)
            .map(|(c, (name, package, _))| {
                let syms = crate::irbuild::symbols::module_symbols(
                    &checked.program,
                    name,
                    &c.parsed,
                    &mapper,
                    &Default::default(),
                    Default::default(),
                );
                (
                    name.to_string(),
                    (syms, package.to_string(), c.parsed.body.clone()),
                )
            })
            .collect()
    }

    fn table(all: &BuildModules, name: &str) -> ImportTable {
        let (_, package, body) = &all[name];
        ImportTable::resolve(package, body, all, module_funcs(all))
    }

    #[test]
    fn imports_resolve_to_compiled_functions_and_modules() {
        let all = build(&[
            ("a", "", "def f(x: int) -> int:\n    return x\ng = 1\n"),
            ("p", "p", "from .s import h\n"),
            ("q.r", "q", "def k() -> int:\n    return 1\n"),
            ("p.s", "p", "def h() -> None:\n    pass\n"),
            (
                "m",
                "",
                "from a import f, g\nimport a\nimport p.s\nfrom p import h as hh\nfrom a import f as twice\ntwice = 3\nimport q.r\n",
            ),
        ]);
        let t = table(&all, "m");
        assert!(matches!(t.get("f"), Some(ImportTarget::Func { module, .. }) if module == "a"));
        // A variable is not called directly; a rebound name is a variable.
        assert!(t.get("g").is_none());
        assert!(t.get("twice").is_none());
        assert!(matches!(t.get("a"), Some(ImportTarget::Module(m)) if m == "a"));
        // Re-exported through the package's __init__ (a relative import).
        assert!(matches!(t.get("hh"), Some(ImportTarget::Func { module, .. }) if module == "p.s"));
        let expr = crate::parse::parse_module("x.py", "p.s\n").unwrap();
        let ast::Stmt::Expr(e) = &expr.body[0] else {
            panic!()
        };
        assert_eq!(t.module_of_expr(&e.value).as_deref(), Some("p.s"));
        // `q` itself is not compiled, but `q.r` is.
        let expr = crate::parse::parse_module("x.py", "q.r\n").unwrap();
        let ast::Stmt::Expr(e) = &expr.body[0] else {
            panic!()
        };
        assert_eq!(t.module_of_expr(&e.value).as_deref(), Some("q.r"));
        let seen = t.symbols_seen_by(&all["m"].0);
        assert!(matches!(seen.symbols.get("f"), Some(Symbol::Func(_))));
    }

    #[test]
    fn relative_modules() {
        assert_eq!(
            absolute_module("a.b", 1, Some("d")).as_deref(),
            Some("a.b.d")
        );
        assert_eq!(absolute_module("a.b", 2, None).as_deref(), Some("a"));
        assert_eq!(absolute_module("a", 2, None), None);
        assert_eq!(absolute_module("", 1, Some("m")), None);
        assert_eq!(absolute_module("x", 0, Some("m")).as_deref(), Some("m"));
    }
}
