//! The build driver: from source paths to extension modules.
//!
//! Locates and reads the modules, runs the front end (parse, semantic
//! analysis, type inference) and irbuild for each, runs the IR transforms,
//! writes the final IR (`ops.txt`) and generated C into the build directory,
//! and hands the group to the C compiler. All modules given on one command
//! line form one group.

use std::path::{Path, PathBuf};

use crate::checker::TypeEnv;
use crate::diagnostics::Diagnostic;
use crate::ir::{pprint, GroupIR, ModuleIR};
use crate::irbuild::{build_module, IrOptions};
use crate::parse::{parse_module, ParsedModule};
use crate::semanal::collect_module_symbols;

/// Everything the command line can ask for.
#[derive(Clone, Debug)]
pub struct Options {
    pub files: Vec<PathBuf>,
    pub build_dir: PathBuf,
    pub opt_level: u8,
    pub debug_level: u8,
    pub strip_asserts: bool,
    pub verbose: bool,
    pub python: String,
}

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

/// Parse and lower one module to IR.
pub fn lower_module(
    src: &SourceModule,
    text: &str,
    opts: &Options,
) -> Result<ModuleIR, Vec<Diagnostic>> {
    let parsed: ParsedModule = parse_module(&src.display_path, text).map_err(|d| vec![d])?;
    let mut infer = |e: &rustpython_parser::ast::Expr, syms: &crate::semanal::ModuleSymbols| {
        TypeEnv {
            module: syms,
            locals: None,
        }
        .expr_type(e)
    };
    let symbols = collect_module_symbols(&src.name, &parsed, &mut infer)?;
    let ir_opts = IrOptions {
        strip_asserts: opts.strip_asserts,
    };
    build_module(&parsed, &symbols, &ir_opts)
}

/// Front end and IR for every module of the group; diagnostics of all modules.
pub fn lower_group(sources: &[SourceModule], opts: &Options) -> Result<GroupIR, Vec<Diagnostic>> {
    let mut modules = vec![];
    let mut errors = vec![];
    for src in sources {
        let text = match std::fs::read_to_string(&src.path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(Diagnostic::error(
                    &src.display_path,
                    1,
                    1,
                    format!("cannot read file: {e}"),
                ));
                continue;
            }
        };
        match lower_module(src, &text, opts) {
            Ok(m) => modules.push(m),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    let name = group_name(sources);
    Ok(GroupIR { name, modules })
}

/// The group's name: the module name for a single module, else a
/// deterministic name derived from the module names.
pub fn group_name(sources: &[SourceModule]) -> String {
    if sources.len() == 1 {
        return sources[0].name.replace('.', "___");
    }
    let mut h: u64 = 0xcbf29ce484222325;
    for s in sources {
        for b in s.name.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("g{:012x}", h & 0xffff_ffff_ffff)
}

/// The final IR of a group, as written to `ops.txt`.
pub fn format_group(group: &GroupIR) -> String {
    let mut out = String::new();
    for m in &group.modules {
        out.push_str(&pprint::format_module(m));
        out.push('\n');
    }
    out
}

/// Write a file atomically (temp file + rename) so no half-written output remains.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, contents)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Resolve command-line paths into source modules.
pub fn collect_sources(files: &[PathBuf]) -> Result<Vec<SourceModule>, Vec<Diagnostic>> {
    let mut out = vec![];
    let mut errors = vec![];
    for f in files {
        let display = f.to_string_lossy().to_string();
        if !f.is_file() {
            errors.push(Diagnostic::error(
                &display,
                1,
                1,
                "can't read file: No such file or directory",
            ));
            continue;
        }
        if f.extension().and_then(|e| e.to_str()) != Some("py") {
            errors.push(Diagnostic::error(
                &display,
                1,
                1,
                "expected a Python source file (.py)",
            ));
            continue;
        }
        out.push(SourceModule {
            name: module_name_of(f),
            path: f.clone(),
            display_path: display,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Run the IR transforms (uninit, exceptions, refcount) on every function.
pub fn transform_group(group: &mut GroupIR) {
    for m in &mut group.modules {
        crate::transform::run_all(&mut m.top_level);
        for f in &mut m.functions {
            crate::transform::run_all(f);
        }
    }
}

fn build_error(message: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error("mypyc", 1, 1, message)]
}

/// Type-check all modules of the program together; any error stops the
/// build (mypyc compiles only programs that type-check).
pub fn check_program(sources: &[SourceModule]) -> Result<(), Vec<Diagnostic>> {
    let mut inputs = vec![];
    for src in sources {
        let text = std::fs::read_to_string(&src.path).map_err(|e| {
            vec![Diagnostic::error(
                &src.display_path,
                1,
                1,
                format!("cannot read file: {e}"),
            )]
        })?;
        inputs.push(crate::checker::CheckSource {
            name: src.name.clone(),
            path: src.display_path.clone(),
            text,
            is_package: src.path.file_name().is_some_and(|n| n == "__init__.py"),
        });
    }
    let diags = crate::checker::check_sources(&inputs);
    if diags
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        Err(diags)
    } else {
        Ok(())
    }
}

/// Only type-check the given files (`mypyc --check-only`).
pub fn check_only(files: &[PathBuf]) -> Result<(), Vec<Diagnostic>> {
    check_program(&collect_sources(files)?)
}

/// Compile the given files: front end, IR, transforms, C, extension modules.
pub fn compile(opts: &Options) -> Result<(), Vec<Diagnostic>> {
    let sources = collect_sources(&opts.files)?;
    check_program(&sources)?;
    let mut group = lower_group(&sources, opts)?;
    transform_group(&mut group);
    let ops = format_group(&group);
    write_atomic(&opts.build_dir.join("ops.txt"), ops.as_bytes())
        .map_err(|e| build_error(format!("cannot write ops.txt: {e}")))?;
    let generated =
        crate::codegen::generate_group(&group, &crate::codegen::CodegenOptions::default());
    let cfg = crate::build::python::PythonConfig::query(&opts.python).map_err(build_error)?;
    let layout =
        crate::build::cc::OutputLayout::beside_sources(&group, &generated, &cfg.ext_suffix)
            .map_err(build_error)?;
    let build_opts = crate::build::cc::BuildOptions {
        opt_level: opts.opt_level as u32,
        debug: opts.debug_level > 0,
        cache_dir: None,
        runtime_dir: None,
    };
    let outputs =
        crate::build::cc::build_group(&cfg, &generated, &opts.build_dir, &layout, &build_opts)
            .map_err(build_error)?;
    if opts.verbose {
        for o in outputs {
            eprintln!("mypyc: wrote {}", o.display());
        }
    }
    Ok(())
}
