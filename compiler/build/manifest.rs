//! The generate-only manifest: what a build tool needs to compile the
//! extensions itself (`mypyc --generate-only`, read by
//! `mypyc_rs.build.mypycify`, which turns it into setuptools `Extension`s).
//!
//! It is a JSON rendering of the build's `ExtensionPlan`s (see
//! `extensions`), with the runtime supplied as sources: the runtime files
//! embedded in the compiler are written into `<build-dir>/lib-rt/`, and
//! every extension that links the runtime gets, in its own directory,
//! sources that `#include` them: one per runtime `.c` file, or (with
//! `include_runtime_files`, as mypyc does by default outside multi-file
//! mode) one that includes them all, so the runtime costs one compiler
//! invocation per library. Compile flags are spelled for the C compiler the build tool will
//! use (`-O3 -g1 ...`, MSVC's on Windows). Paths are as the build directory
//! was given (relative paths stay relative to the working directory).
//!
//! Format (`version` 1):
//! ```json
//! { "version": 1, "build_dir": "build",
//!   "runtime": { "include_dir": "build/lib-rt", "c_files": ["int_ops.c", ...], "files": [...] },
//!   "extensions": [ { "name": "pkg.__init__", "module": "pkg", "kind": "shim",
//!                     "group": "g0123", "sources": [...], "depends": [...],
//!                     "include_dirs": [...], "extra_compile_args": [...],
//!                     "define_macros": [["NAME", "VALUE" or null]] } ] }
//! ```

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::extensions::{extension_cflags, write_if_changed, ExtensionPlan, PlanKind};
use super::runtime_cache::runtime_sources;

/// The manifest's format version.
pub const MANIFEST_VERSION: u32 = 1;

/// The name of an extension's file that includes every runtime source
/// (with `include_runtime_files`).
const RUNTIME_UNITY: &str = "runtime__all.c";

/// How the extensions are to be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestOptions {
    /// `-O` level, 0-3.
    pub opt_level: u8,
    /// `-g` level, 0-3.
    pub debug_level: u8,
    /// Compile the runtime as one source that includes all its files.
    pub include_runtime_files: bool,
    /// Runtime sources from this directory instead of the embedded copy.
    pub runtime_dir: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Manifest {
    pub version: u32,
    pub build_dir: PathBuf,
    pub runtime: RuntimeFiles,
    pub extensions: Vec<ManifestExtension>,
}

/// The runtime as written into the build directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuntimeFiles {
    /// The directory holding `CPy.h` and the runtime's `.c` files.
    pub include_dir: PathBuf,
    /// The names of its `.c` files.
    pub c_files: Vec<String>,
    /// Every runtime file (headers and sources).
    pub files: Vec<PathBuf>,
}

/// One extension, in the terms of setuptools' `Extension`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManifestExtension {
    pub name: String,
    pub module: String,
    pub kind: PlanKind,
    pub group: String,
    pub sources: Vec<PathBuf>,
    pub depends: Vec<PathBuf>,
    pub include_dirs: Vec<PathBuf>,
    pub extra_compile_args: Vec<String>,
    pub define_macros: Vec<(String, Option<String>)>,
}

/// Compile flags for the optimisation and debug levels, then the flags
/// every extension gets.
pub fn compile_args(opt_level: u8, debug_level: u8) -> Vec<String> {
    let mut args = if cfg!(target_env = "msvc") {
        let opt = if opt_level == 0 { "/Od" } else { "/O2" };
        let debug = match debug_level {
            0 => "/DEBUG:NONE",
            1 => "/DEBUG:FASTLINK",
            _ => "/DEBUG:FULL",
        };
        vec![opt.to_string(), debug.to_string()]
    } else {
        vec![format!("-O{opt_level}"), format!("-g{debug_level}")]
    };
    // Unoptimised builds keep the runtime's assertions (as mypyc).
    if opt_level == 0 {
        args.push(
            if cfg!(target_env = "msvc") {
                "/UNDEBUG"
            } else {
                "-UNDEBUG"
            }
            .into(),
        );
    }
    args.extend(extension_cflags().iter().map(|f| f.to_string()));
    args
}

/// Writes the runtime sources into `<build_dir>/lib-rt/` (files whose
/// contents did not change are left alone).
pub fn write_runtime(build_dir: &Path, opts: &ManifestOptions) -> Result<RuntimeFiles, String> {
    let dir = build_dir.join("lib-rt");
    let mut files = vec![];
    let mut c_files = vec![];
    for (name, text) in runtime_sources(opts.runtime_dir.as_deref())? {
        let path = dir.join(&name);
        write_if_changed(&path, text.as_bytes())?;
        if name.ends_with(".c") {
            c_files.push(name);
        }
        files.push(path);
    }
    Ok(RuntimeFiles {
        include_dir: dir,
        c_files,
        files,
    })
}

/// The runtime sources of one extension, written into its own directory
/// (so that libraries of different groups, compiled in parallel by the
/// build tool, never share an object file): each includes runtime files
/// from the runtime's include directory.
fn runtime_units(
    plan: &ExtensionPlan,
    runtime: &RuntimeFiles,
    include_runtime_files: bool,
) -> Result<Vec<PathBuf>, String> {
    let unit = |name: String, includes: &[String]| -> Result<PathBuf, String> {
        let mut text = String::from("/* The C runtime (generated by mypyc). */\n");
        for c in includes {
            text.push_str(&format!("#include \"{c}\"\n"));
        }
        let path = plan.dir.join(name);
        write_if_changed(&path, text.as_bytes())?;
        Ok(path)
    };
    if include_runtime_files {
        Ok(vec![unit(RUNTIME_UNITY.to_string(), &runtime.c_files)?])
    } else {
        runtime
            .c_files
            .iter()
            .map(|c| unit(format!("runtime__{c}"), std::slice::from_ref(c)))
            .collect()
    }
}

/// The manifest of a build whose extensions are `plans` (C already
/// written), with the runtime written into `build_dir`.
pub fn manifest(
    plans: &[ExtensionPlan],
    build_dir: &Path,
    opts: &ManifestOptions,
) -> Result<Manifest, String> {
    let runtime = write_runtime(build_dir, opts)?;
    let args = compile_args(opts.opt_level, opts.debug_level);
    let mut extensions = vec![];
    for p in plans {
        let mut sources = p.sources.clone();
        let mut depends = p.depends.clone();
        let mut include_dirs = p.include_dirs();
        if p.links_runtime {
            sources.extend(runtime_units(p, &runtime, opts.include_runtime_files)?);
            depends.extend(runtime.files.iter().cloned());
            include_dirs.push(runtime.include_dir.clone());
        }
        extensions.push(ManifestExtension {
            name: p.name.clone(),
            module: p.module.clone(),
            kind: p.kind,
            group: p.group.clone(),
            sources,
            depends,
            include_dirs,
            extra_compile_args: args.clone(),
            define_macros: vec![],
        });
    }
    Ok(Manifest {
        version: MANIFEST_VERSION,
        build_dir: build_dir.to_path_buf(),
        runtime,
        extensions,
    })
}

/// Writes `manifest` as JSON to `path` (unless it holds exactly that).
pub fn write_manifest(manifest: &Manifest, path: &Path) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(manifest)
        .map_err(|e| format!("cannot serialize the manifest: {e}"))?;
    text.push('\n');
    write_if_changed(path, text.as_bytes()).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(kind: PlanKind, links_runtime: bool) -> ExtensionPlan {
        ExtensionPlan {
            name: "m".into(),
            module: "m".into(),
            kind,
            group: "m".into(),
            dir: PathBuf::from("b/module-m"),
            sources: vec![PathBuf::from("b/module-m/group__native.c")],
            depends: vec![PathBuf::from("b/module-m/group__native.h")],
            links_runtime,
        }
    }

    #[test]
    fn runtime_is_compiled_by_the_extensions_that_link_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = ManifestOptions {
            opt_level: 0,
            debug_level: 2,
            include_runtime_files: false,
            runtime_dir: None,
        };
        let mut lib = plan(PlanKind::Module, true);
        lib.dir = dir.path().join("module-m");
        let plans = [lib, plan(PlanKind::Shim, false)];
        let m = manifest(&plans, dir.path(), &opts).unwrap();
        let rt = &m.runtime;
        assert!(rt.files.iter().any(|f| f.ends_with("CPy.h")));
        assert!(rt.files.iter().all(|f| f.is_file()));
        let ext = &m.extensions[0];
        // One unit per runtime file, in the extension's own directory.
        assert_eq!(ext.sources.len(), 1 + rt.c_files.len());
        let unit = std::fs::read_to_string(&ext.sources[1]).unwrap();
        assert!(unit.contains(&format!("#include \"{}\"", rt.c_files[0])));
        assert!(ext.sources[1].starts_with(&plans[0].dir));
        assert!(ext.include_dirs.contains(&rt.include_dir));
        if !cfg!(target_env = "msvc") {
            assert!(ext.extra_compile_args.contains(&"-UNDEBUG".to_string()));
        }
        let shim = &m.extensions[1];
        assert_eq!(shim.sources.len(), 1);
        assert!(!shim.include_dirs.contains(&rt.include_dir));
        opts.include_runtime_files = true;
        let unity = manifest(&plans, dir.path(), &opts).unwrap();
        assert_eq!(unity.extensions[0].sources.len(), 2);
        let text = std::fs::read_to_string(&unity.extensions[0].sources[1]).unwrap();
        assert!(text.contains("#include \"int_ops.c\""));
    }

    #[test]
    fn flags_follow_the_levels() {
        let args = compile_args(3, 1);
        if !cfg!(target_env = "msvc") {
            assert_eq!(&args[..2], ["-O3", "-g1"]);
            assert!(!args.contains(&"-UNDEBUG".to_string()));
            assert!(args.contains(&"-fwrapv".to_string()));
        }
    }
}
