//! Library modules: what the checker knows of modules a program imports but
//! does not compile. Two kinds, as with mypy's import following:
//!
//! - stubs of standard-library modules written for this project
//!   (`stubs/*.pyi`): their functions, classes and variables join the
//!   program's tables, so calls into them are checked and their results
//!   typed; nothing in them is reported;
//! - Python sources found on the search path beside the compiled modules
//!   (a helper module the program imports): type-checked from source like
//!   the compiled modules, but not compiled.
//!
//! A module found neither way stays unknown: its attributes are `Any`.

use std::collections::HashSet;

use rustpython_parser::ast;

use super::program::import_target;

/// The stub of a standard-library module, if the checker has one.
pub fn stub(module: &str) -> Option<&'static str> {
    Some(match module {
        "abc" => include_str!("stubs/abc.pyi"),
        "builtins" => include_str!("stubs/builtins.pyi"),
        "collections" => include_str!("stubs/collections.pyi"),
        "dataclasses" => include_str!("stubs/dataclasses.pyi"),
        "enum" => include_str!("stubs/enum.pyi"),
        "functools" => include_str!("stubs/functools.pyi"),
        "itertools" => include_str!("stubs/itertools.pyi"),
        "math" => include_str!("stubs/math.pyi"),
        "mypy_extensions" => include_str!("stubs/mypy_extensions.pyi"),
        "os" => include_str!("stubs/os/__init__.pyi"),
        "os.path" => include_str!("stubs/os/path.pyi"),
        "re" => include_str!("stubs/re.pyi"),
        "sys" => include_str!("stubs/sys.pyi"),
        "time" => include_str!("stubs/time.pyi"),
        "typing" => include_str!("stubs/typing.pyi"),
        "typing_extensions" => include_str!("stubs/typing_extensions.pyi"),
        _ => return None,
    })
}

/// A stub as a module of the checked program (its text empty if there is
/// no such stub).
pub fn stub_source(module: &str) -> super::CheckSource {
    super::CheckSource {
        path: format!("<stub {module}>"),
        name: module.to_string(),
        text: stub(module).unwrap_or_default().to_string(),
        is_package: false,
    }
}

/// The absolute names of the modules `body` imports anywhere (also inside
/// functions), with their parent packages: `import a.b` needs `a` and
/// `a.b`; `from a import b` needs `a` and perhaps submodule `a.b`.
pub fn imported_modules(module: &str, is_package: bool, body: &[ast::Stmt]) -> Vec<String> {
    with_parent_packages(named_imports(module, is_package, body))
}

/// The absolute names `body`'s imports name (also inside functions), each
/// once, in order: `import a.b` names `a.b`; `from a import b` names `a`
/// and `a.b` (perhaps a submodule). Their parent packages are not named.
pub fn named_imports(module: &str, is_package: bool, body: &[ast::Stmt]) -> Vec<String> {
    let mut out = vec![];
    crate::semanal::scope::for_each_stmt(body, &mut |stmt| match stmt {
        ast::Stmt::Import(n) => out.extend(n.names.iter().map(|a| a.name.to_string())),
        ast::Stmt::ImportFrom(n) => {
            let level = n.level.map_or(0, |l| l.to_u32());
            let src = import_target(module, is_package, level, n.module.as_deref());
            if src.is_empty() {
                return;
            }
            for a in n.names.iter().filter(|a| a.name.as_str() != "*") {
                out.push(format!("{src}.{}", a.name));
            }
            out.push(src);
        }
        _ => {}
    });
    let mut seen = HashSet::new();
    out.retain(|n| seen.insert(n.clone()));
    out
}

/// `names` with the parent packages of each before it, each once.
pub fn with_parent_packages(names: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = vec![];
    for full in names {
        let parts: Vec<&str> = full.split('.').collect();
        for i in 1..=parts.len() {
            let prefix = parts[..i].join(".");
            if seen.insert(prefix.clone()) {
                out.push(prefix);
            }
        }
    }
    out
}
