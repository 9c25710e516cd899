//! Compiling generated C and linking extension modules, with the `cc` crate
//! used as a library.
//!
//! `cc` is made for build scripts, so everything Cargo would pass through
//! the environment is set explicitly: target and host triples, optimisation
//! level, debug info, output directory, and no `cargo:` metadata. Sources
//! are compiled to objects with `compile_intermediates()` (one `Build` per
//! file, run in parallel with rayon); objects are linked into a shared
//! object with the configured compiler and `-shared` (on Linux, extensions
//! do not link against libpython). Final extension files are written under
//! a temporary name and renamed into place, so an importer never sees a
//! half-written file.

use std::any::Any;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::codegen::{ExtensionKind, GeneratedExtension, GeneratedGroup};

use super::extensions::{extension_cflags, plan_group, ExtensionPlan};
use crate::ir::GroupIR;

use super::python::PythonConfig;
use super::runtime_cache::{content_hash, ensure_runtime, RuntimeObjects};

/// C compilation options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// `-O` level, 0-3.
    pub opt_level: u32,
    /// Debug information level (`-g1`..`-g3`, as mypyc passes its
    /// `debug_level`); 0 for none.
    pub debug_level: u8,
    /// Runtime object cache root; `None`: `$MYPYC_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/mypyc-rs`, else `~/.cache/mypyc-rs`.
    pub cache_dir: Option<PathBuf>,
    /// Read the runtime sources from this directory instead of the copy
    /// embedded in the compiler (for working on lib-rt and for tests).
    pub runtime_dir: Option<PathBuf>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            opt_level: 3,
            debug_level: 0,
            cache_dir: None,
            runtime_dir: None,
        }
    }
}

/// Where each extension of a group goes: extension name (as in
/// `GeneratedExtension::name`) to the final path of its shared object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputLayout {
    pub destinations: BTreeMap<String, PathBuf>,
}

impl OutputLayout {
    /// Each module's extension beside its source file (`a/b.py` ->
    /// `a/b<EXT_SUFFIX>`, a package's `a/__init__.py` -> `a/__init__<EXT_SUFFIX>`),
    /// and the group library in the directory holding the top-level package.
    pub fn beside_sources(
        group: &GroupIR,
        generated: &GeneratedGroup,
        ext_suffix: &str,
    ) -> Result<OutputLayout, String> {
        let mut destinations = BTreeMap::new();
        let mut root: Option<PathBuf> = None;
        for m in &group.modules {
            let source = Path::new(&m.source_file);
            let stem = source
                .file_stem()
                .ok_or_else(|| format!("module {} has no source file name", m.name))?
                .to_string_lossy()
                .into_owned();
            let dest = source.with_file_name(format!("{stem}{ext_suffix}"));
            destinations.insert(m.name.clone(), dest);
            if root.is_none() {
                root = Some(package_root(&m.name, source, stem == "__init__"));
            }
        }
        for ext in &generated.extensions {
            if ext.kind == ExtensionKind::GroupLibrary {
                let dir = root.clone().unwrap_or_default();
                destinations.insert(
                    ext.name.clone(),
                    dir.join(format!("{}{ext_suffix}", ext.name)),
                );
            }
        }
        Ok(OutputLayout { destinations })
    }

    /// Every extension under `dir`, packages as subdirectories (`a.b` ->
    /// `dir/a/b<EXT_SUFFIX>`).
    pub fn in_directory(generated: &GeneratedGroup, dir: &Path, ext_suffix: &str) -> OutputLayout {
        let destinations = generated
            .extensions
            .iter()
            .map(|ext| {
                let mut path = dir.to_path_buf();
                for part in ext.name.split('.') {
                    path.push(part);
                }
                let file = format!(
                    "{}{ext_suffix}",
                    path.file_name()
                        .map(|f| f.to_string_lossy())
                        .unwrap_or_default()
                );
                (ext.name.clone(), path.with_file_name(file))
            })
            .collect();
        OutputLayout { destinations }
    }
}

/// The directory on `sys.path` for a module whose source is `source`.
fn package_root(module: &str, source: &Path, is_package_init: bool) -> PathBuf {
    let depth = module.split('.').count();
    let levels = if is_package_init { depth } else { depth - 1 };
    let mut dir = source.parent().map(Path::to_path_buf).unwrap_or_default();
    for _ in 0..levels {
        dir = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    }
    dir
}

/// The target triple of the machine we run on (we compile for it).
pub fn host_triple() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "linux" => format!("{arch}-unknown-linux-gnu"),
        "macos" => format!("{arch}-apple-darwin"),
        "windows" => format!("{arch}-pc-windows-msvc"),
        "freebsd" => format!("{arch}-unknown-freebsd"),
        other => format!("{arch}-unknown-{other}"),
    }
}

/// Collects the compiler's stderr so that errors can be reported.
#[derive(Default)]
struct Messages(Mutex<Vec<String>>);

impl cc::BuildMessageLogger for Messages {
    fn log(&self, kind: cc::BuildMessageKind, msg: cc::BuildMessage<'_>, _extra: &dyn Any) {
        if !matches!(kind, cc::BuildMessageKind::CompileCommand) {
            if let Ok(mut m) = self.0.lock() {
                m.push(msg.to_string());
            }
        }
    }
}

impl Messages {
    fn text(&self) -> String {
        self.0.lock().map(|m| m.join("\n")).unwrap_or_default()
    }
}

/// A `cc::Build` configured for extension code of `cfg`.
fn configured_build(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    out_dir: &Path,
    includes: &[&Path],
) -> cc::Build {
    let triple = host_triple();
    let mut b = cc::Build::new();
    b.target(&triple)
        .host(&triple)
        .opt_level(opts.opt_level.min(3))
        .debug(cfg!(target_env = "msvc") && opts.debug_level > 0)
        .out_dir(out_dir)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .cargo_output(false)
        .emit_rerun_if_env_changed(false)
        .warnings(false)
        .pic(true)
        .include(&cfg.include_dir);
    for dir in includes {
        b.include(dir);
    }
    for flag in extension_cflags() {
        b.flag(flag);
    }
    if !cfg!(target_env = "msvc") && opts.debug_level > 0 {
        // Full debug info (the cc crate's `-g`) makes large extensions
        // compile much more slowly; mypyc passes the level it was given.
        b.flag(format!("-g{}", opts.debug_level.min(3)));
    }
    b
}

/// Compiles one C file to an object in `out_dir`.
pub fn compile_object(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    source: &Path,
    out_dir: &Path,
    includes: &[&Path],
) -> Result<PathBuf, String> {
    fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let messages = Arc::new(Messages::default());
    let mut b = configured_build(cfg, opts, out_dir, includes);
    b.file(source).message_logger(Some(messages.clone()));
    match b.try_compile_intermediates() {
        Ok(objects) => objects
            .into_iter()
            .next()
            .ok_or_else(|| format!("compiling {} produced no object", source.display())),
        Err(e) => Err(format!(
            "C compilation of {} failed: {e}\n{}",
            source.display(),
            messages.text()
        )),
    }
}

/// Compiles several C files in parallel; objects in `out_dir`, same order.
pub fn compile_objects(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    sources: &[PathBuf],
    out_dir: &Path,
    includes: &[&Path],
) -> Result<Vec<PathBuf>, String> {
    sources
        .par_iter()
        .map(|s| compile_object(cfg, opts, s, out_dir, includes))
        .collect()
}

/// Links objects into a shared object at `output`, atomically: the file is
/// written under a temporary name in the same directory, then renamed.
pub fn link_shared(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    objects: &[PathBuf],
    output: &Path,
    work_dir: &Path,
) -> Result<(), String> {
    let b = configured_build(cfg, opts, work_dir, &[]);
    let tool = b
        .try_get_compiler()
        .map_err(|e| format!("no C compiler: {e}"))?;
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file_name = output
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let mut cmd = tool.to_command();
    if cfg!(target_os = "macos") {
        cmd.arg("-bundle").arg("-undefined").arg("dynamic_lookup");
    } else {
        cmd.arg("-shared");
    }
    cmd.args(objects).arg("-o").arg(&tmp);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run the linker: {e}"))?;
    if !out.status.success() {
        let _ = fs::remove_file(&tmp);
        return Err(format!(
            "linking {} failed:\n{}",
            output.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::rename(&tmp, output).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot move {} into place: {e}", output.display())
    })
}

/// Builds every extension of a generated group: writes the C into
/// `build_dir` (`extensions::plan_group`), compiles (in parallel) and links
/// each extension to its destination in `outputs`. An extension whose C,
/// flags, runtime and destination match its last build in `build_dir` (and
/// whose output still exists) is not rebuilt. Returns the extension paths,
/// in the order of `generated.extensions`.
pub fn build_group(
    cfg: &PythonConfig,
    generated: &GeneratedGroup,
    build_dir: &Path,
    outputs: &OutputLayout,
    opts: &BuildOptions,
) -> Result<Vec<PathBuf>, String> {
    let built = build_group_reporting(cfg, generated, build_dir, outputs, opts)?;
    Ok(built.into_iter().map(|(path, _)| path).collect())
}

/// As `build_group`, saying of each extension whether it was compiled
/// (true) or its last build still held (false).
pub fn build_group_reporting(
    cfg: &PythonConfig,
    generated: &GeneratedGroup,
    build_dir: &Path,
    outputs: &OutputLayout,
    opts: &BuildOptions,
) -> Result<Vec<(PathBuf, bool)>, String> {
    let plans = plan_group(generated, build_dir)?;
    let runtime = if plans.iter().any(|p| p.links_runtime) {
        Some(ensure_runtime(cfg, opts)?)
    } else {
        None
    };
    let mut jobs = Vec::new();
    for (ext, plan) in generated.extensions.iter().zip(&plans) {
        let dest = outputs
            .destinations
            .get(&ext.name)
            .ok_or_else(|| format!("no output path for extension {}", ext.name))?
            .clone();
        jobs.push((ext, plan, dest));
    }
    jobs.par_iter()
        .map(|(ext, plan, dest)| build_extension(cfg, opts, ext, plan, dest, runtime.as_ref()))
        .collect()
}

fn build_extension(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    ext: &GeneratedExtension,
    plan: &ExtensionPlan,
    dest: &Path,
    runtime: Option<&RuntimeObjects>,
) -> Result<(PathBuf, bool), String> {
    let runtime = runtime.filter(|_| plan.links_runtime);
    let stamp_path = plan.dir.join("stamp");
    let stamp = build_stamp(cfg, opts, ext, dest, runtime);
    let unchanged = fs::read_to_string(&stamp_path).is_ok_and(|old| old == stamp);
    if unchanged && dest.is_file() {
        return Ok((dest.to_path_buf(), false));
    }
    let _ = fs::remove_file(&stamp_path);
    let own_includes = plan.include_dirs();
    let mut includes: Vec<&Path> = own_includes.iter().map(PathBuf::as_path).collect();
    if let Some(rt) = runtime {
        includes.push(&rt.include_dir);
    }
    let obj_dir = plan.dir.join("obj");
    let mut objects = compile_objects(cfg, opts, &plan.sources, &obj_dir, &includes)?;
    if let Some(rt) = runtime {
        objects.extend(rt.objects.iter().cloned());
    }
    link_shared(cfg, opts, &objects, dest, &obj_dir)?;
    fs::write(&stamp_path, stamp)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    Ok((dest.to_path_buf(), true))
}

/// Identifies everything an extension's build depends on: its C, the
/// compiler configuration, the runtime entry and the destination. When the
/// stamp of the last build matches and the output exists, the build is skipped.
fn build_stamp(
    cfg: &PythonConfig,
    opts: &BuildOptions,
    ext: &GeneratedExtension,
    dest: &Path,
    runtime: Option<&RuntimeObjects>,
) -> String {
    let mut data = format!(
        "{}\0{}\0{}\0{}\0{}\0{}\0",
        cfg.include_dir,
        cfg.version_string,
        opts.opt_level,
        opts.debug_level,
        dest.display(),
        runtime
            .map(|r| r.dir.display().to_string())
            .unwrap_or_default()
    )
    .into_bytes();
    for f in &ext.files {
        data.extend_from_slice(format!("{}\0{}\0", f.name, f.contents.len()).as_bytes());
        data.extend_from_slice(f.contents.as_bytes());
    }
    content_hash(&data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_roots() {
        assert_eq!(
            package_root("a.b", Path::new("/r/a/b.py"), false),
            PathBuf::from("/r")
        );
        assert_eq!(
            package_root("a", Path::new("/r/a/__init__.py"), true),
            PathBuf::from("/r")
        );
        assert_eq!(
            package_root("m", Path::new("/r/m.py"), false),
            PathBuf::from("/r")
        );
    }

    #[test]
    fn host_triple_names_this_machine() {
        assert!(host_triple().starts_with(std::env::consts::ARCH));
    }
}
