//! Finding the modules to compile from what the command line names: `.py`
//! files, package directories (every module below them, recursively, through
//! subdirectories that are packages) and dotted module names (looked up
//! relative to the current directory, as a module file or a package's
//! `__init__.py`). Each module's full name comes from the packages (directories
//! with `__init__.py`) that contain its file.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// A source module to compile.
#[derive(Clone, Debug)]
pub struct SourceModule {
    /// Fully qualified module name.
    pub name: String,
    pub path: PathBuf,
    /// The path as given/displayed in diagnostics and tracebacks.
    pub display_path: String,
}

/// The module name of a source file: its stem, prefixed by the packages
/// (directories with `__init__.py`) that contain it.
pub fn module_name_of(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("module")
        .to_string();
    let mut parts = vec![];
    if stem != "__init__" {
        parts.push(stem);
    }
    let mut dir = path.parent().map(|p| p.to_path_buf());
    while let Some(d) = dir {
        if d.join("__init__.py").is_file() {
            match d.file_name().and_then(|s| s.to_str()) {
                Some(n) => parts.push(n.to_string()),
                None => break,
            }
            dir = d.parent().map(|p| p.to_path_buf());
        } else {
            break;
        }
    }
    parts.reverse();
    parts.join(".")
}

/// Is `s` a dotted module name (`a`, `a.b_c`)?
fn is_dotted_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// The `.py` files of a directory: its modules, then (recursively) those
/// of subdirectories that are packages; sorted, so the order is stable.
fn package_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in &entries {
        if p.is_file() && p.extension().and_then(|e| e.to_str()) == Some("py") {
            out.push(p.clone());
        }
    }
    for p in &entries {
        if p.is_dir() && p.join("__init__.py").is_file() {
            package_files(p, out)?;
        }
    }
    Ok(())
}

/// The files a dotted module name refers to: `a/b.py`, else `a/b/__init__.py`.
fn module_file(name: &str) -> Option<PathBuf> {
    let rel: PathBuf = name.split('.').collect();
    let file = rel.with_extension("py");
    if file.is_file() {
        return Some(file);
    }
    let init = rel.join("__init__.py");
    init.is_file().then_some(init)
}

/// The files one command-line target names, or why it names none.
fn target_files(target: &Path) -> Result<Vec<PathBuf>, String> {
    let text = target.to_string_lossy();
    if target.is_dir() {
        let mut files = vec![];
        package_files(target, &mut files).map_err(|e| format!("cannot read directory: {e}"))?;
        if files.is_empty() {
            return Err("directory holds no Python source files".into());
        }
        return Ok(files);
    }
    if target.is_file() {
        if target.extension().and_then(|e| e.to_str()) != Some("py") {
            return Err("expected a Python source file (.py), a directory or a module name".into());
        }
        return Ok(vec![target.to_path_buf()]);
    }
    if text.ends_with(".py") || !is_dotted_name(&text) {
        return Err("can't read file: No such file or directory".into());
    }
    match module_file(&text) {
        Some(f) => Ok(vec![f]),
        None => Err(format!("can't find module '{text}'")),
    }
}

/// Resolve command-line targets into source modules (each module once; two
/// different files for one module name is an error).
pub fn collect_sources(targets: &[PathBuf]) -> Result<Vec<SourceModule>, Vec<Diagnostic>> {
    let mut out: Vec<SourceModule> = vec![];
    let mut errors = vec![];
    for target in targets {
        let display = target.to_string_lossy().to_string();
        let files = match target_files(target) {
            Ok(f) => f,
            Err(msg) => {
                errors.push(Diagnostic::error(&display, 1, 1, msg));
                continue;
            }
        };
        for f in files {
            let name = module_name_of(&f);
            let display_path = f.to_string_lossy().to_string();
            if let Some(prev) = out.iter().find(|m| m.name == name) {
                if !same_file(&prev.path, &f) {
                    errors.push(Diagnostic::error(
                        &display_path,
                        1,
                        1,
                        format!(
                            "duplicate module '{name}' (also found at {})",
                            prev.display_path
                        ),
                    ));
                }
                continue;
            }
            out.push(SourceModule {
                name,
                path: f,
                display_path,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Do two paths name the same file?
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names() {
        assert!(is_dotted_name("a.b_c"));
        assert!(is_dotted_name("_x"));
        assert!(!is_dotted_name("a..b"));
        assert!(!is_dotted_name("a/b"));
        assert!(!is_dotted_name("1a"));
    }

    #[test]
    fn packages_are_walked_recursively() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("pkg");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(root.join("data")).unwrap();
        for f in [
            "__init__.py",
            "a.py",
            "sub/__init__.py",
            "sub/b.py",
            "data/c.py",
        ] {
            std::fs::write(root.join(f), "").unwrap();
        }
        let sources = collect_sources(std::slice::from_ref(&root)).unwrap();
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["pkg", "pkg.a", "pkg.sub", "pkg.sub.b"]);
        let err = collect_sources(&[tmp.path().join("missing.py")]).unwrap_err();
        assert!(err[0].to_string().contains("No such file"), "{err:?}");
    }
}
