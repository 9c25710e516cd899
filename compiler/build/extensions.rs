//! The extension modules of a build, described once.
//!
//! Code generation gives, per group, the C files of each extension: a plain
//! module, the group's shared library (`<group>__mypyc`) or a module's shim.
//! This module writes those files into the build directory and describes
//! each extension the way a C build needs it: the name Python imports it
//! by, the name a setuptools `Extension` gives it, its group, its C sources
//! and headers, its include directories, the compile flags every extension
//! gets, and whether it links the C runtime. The compiler's own C build
//! (`cc`) and the generate-only manifest (`manifest`) both start from this
//! description, so they cannot disagree about what is built from what; they
//! differ only in how the runtime is supplied (cached objects, or sources
//! listed with each extension).
//!
//! Files whose contents did not change are not rewritten: their mtimes stay,
//! so setuptools, make-like tools and ccache see nothing to recompile.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::codegen::{ExtensionKind, GeneratedExtension, GeneratedGroup};

/// What an extension is, as the manifest names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// All the code of a single-module group, in one extension.
    Module,
    /// A group's shared library, holding the code of its modules.
    Library,
    /// A module's shim, loading its code from the group library.
    Shim,
}

/// One extension module to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionPlan {
    /// The extension's name for build tools: the module's full dotted name,
    /// with `.__init__` appended for a package (setuptools then places it at
    /// `pkg/__init__<EXT_SUFFIX>`), or the group library's name.
    pub name: String,
    /// The name Python imports it by (`pkg`, `pkg.mod`, `<group>__mypyc`).
    pub module: String,
    pub kind: PlanKind,
    /// The group whose code it holds or loads.
    pub group: String,
    /// The directory its generated files were written to (an include
    /// directory of its sources).
    pub dir: PathBuf,
    /// Generated C sources to compile, in order.
    pub sources: Vec<PathBuf>,
    /// Generated headers its sources include.
    pub depends: Vec<PathBuf>,
    /// Does it link the C runtime (lib-rt)?
    pub links_runtime: bool,
}

impl ExtensionPlan {
    /// Include directories for its sources, before the runtime's and
    /// Python's (which each C build adds).
    pub fn include_dirs(&self) -> Vec<PathBuf> {
        vec![self.dir.clone()]
    }
}

/// C compiler flags every extension and the runtime are compiled with,
/// beyond optimisation and debug levels (GCC and Clang spellings; MSVC
/// needs none). Generated code relies on wrapping signed arithmetic and on
/// type punning of object headers; symbols stay private to each shared
/// object (modules are found through `PyInit_` and capsules); warnings
/// that generated code triggers by design are silenced.
pub fn extension_cflags() -> &'static [&'static str] {
    if cfg!(target_env = "msvc") {
        &[]
    } else {
        &[
            "-fvisibility=hidden",
            "-fno-strict-aliasing",
            "-fwrapv",
            "-Wno-unused-function",
            "-Wno-unused-label",
            "-Wno-unused-variable",
            "-Wno-unused-but-set-variable",
            "-Wno-unreachable-code",
        ]
    }
}

/// A file-system-safe directory name for an extension's generated files.
fn extension_dir_name(ext: &GeneratedExtension) -> String {
    let kind = match ext.kind {
        ExtensionKind::Module => "module",
        ExtensionKind::GroupLibrary => "lib",
        ExtensionKind::Shim => "shim",
    };
    format!("{kind}-{}", ext.name)
}

/// Writes a file atomically unless it already holds exactly `contents`
/// (creating its directory); whether it wrote.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool, String> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // A temporary file renamed into place: no reader sees half a file.
    let write = || -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, contents)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(true)
}

/// Writes the generated files of every extension of `generated` under
/// `build_dir` (one directory per extension) and describes the extensions,
/// in the order of `generated.extensions`.
pub fn plan_group(
    generated: &GeneratedGroup,
    build_dir: &Path,
) -> Result<Vec<ExtensionPlan>, String> {
    let mut plans = Vec::new();
    for ext in &generated.extensions {
        let dir = build_dir.join(extension_dir_name(ext));
        let mut sources = Vec::new();
        let mut depends = Vec::new();
        for f in &ext.files {
            let path = dir.join(&f.name);
            write_if_changed(&path, f.contents.as_bytes())?;
            if f.is_source() {
                sources.push(path);
            } else {
                depends.push(path);
            }
        }
        let kind = match ext.kind {
            ExtensionKind::Module => PlanKind::Module,
            ExtensionKind::GroupLibrary => PlanKind::Library,
            ExtensionKind::Shim => PlanKind::Shim,
        };
        let name = if ext.is_package && kind != PlanKind::Library {
            format!("{}.__init__", ext.name)
        } else {
            ext.name.clone()
        };
        plans.push(ExtensionPlan {
            name,
            module: ext.name.clone(),
            kind,
            group: generated.group_name.clone(),
            dir,
            sources,
            depends,
            links_runtime: ext.links_runtime(),
        });
    }
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::CFile;

    fn ext(
        name: &str,
        kind: ExtensionKind,
        is_package: bool,
        files: &[&str],
    ) -> GeneratedExtension {
        GeneratedExtension {
            name: name.into(),
            kind,
            is_package,
            files: files
                .iter()
                .map(|f| CFile {
                    name: f.to_string(),
                    contents: format!("/* {f} */\n"),
                })
                .collect(),
        }
    }

    #[test]
    fn plans_name_packages_and_keep_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let generated = GeneratedGroup {
            group_name: "g".into(),
            extensions: vec![
                ext(
                    "g__mypyc",
                    ExtensionKind::GroupLibrary,
                    false,
                    &["group__native.h", "group__native.c"],
                ),
                ext("pkg", ExtensionKind::Shim, true, &["shim__pkg.c"]),
                ext(
                    "pkg.mod",
                    ExtensionKind::Shim,
                    false,
                    &["shim__pkg___mod.c"],
                ),
            ],
        };
        let plans = plan_group(&generated, dir.path()).unwrap();
        let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["g__mypyc", "pkg.__init__", "pkg.mod"]);
        assert_eq!(plans[1].module, "pkg");
        assert_eq!(plans[0].kind, PlanKind::Library);
        assert!(plans[0].links_runtime && !plans[1].links_runtime);
        assert_eq!(plans[0].sources.len(), 1);
        assert_eq!(plans[0].depends.len(), 1);
        assert!(plans.iter().all(|p| p.group == "g"));
        // A second plan of the same C leaves the files alone.
        let source = &plans[0].sources[0];
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs::File::options()
            .write(true)
            .open(source)
            .unwrap()
            .set_modified(old)
            .unwrap();
        plan_group(&generated, dir.path()).unwrap();
        assert_eq!(fs::metadata(source).unwrap().modified().unwrap(), old);
    }
}
