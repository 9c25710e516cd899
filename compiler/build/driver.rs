//! The build driver: from source paths to extension modules.
//!
//! Finds the modules (`sources`), runs the front end (parse, semantic
//! analysis, type inference) for all of them, then irbuild for each with the
//! symbols of all the others (so calls across modules are direct), divides
//! the modules into groups (`groups`: one for the whole program by default,
//! one per module with `--separate`), runs the IR transforms, writes the
//! final IR (`ops.txt`) and the generated C into the build directory, and
//! builds the groups' libraries in parallel.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::build::cache::{hash_bytes, BuildRecord, Cache, OutputStamp};
use crate::build::extensions::write_if_changed;
use crate::build::graph::BuildGraph;
use crate::build::incremental::{decide, indirect_deps, ModuleNow};
use crate::build::interface::ModuleInterface;
use crate::build::mypy_config::MypyOptions;
use crate::checker::program::Program;
use crate::checker::typemap::TypeMap;
use crate::checker::{Checked, CheckedSource};
use crate::diagnostics::Diagnostic;
use crate::ir::{pprint, GroupIR, ModuleIR};
use crate::irbuild::imports::{module_funcs, BuildModules, ImportTable};
use crate::irbuild::{build_module, IrOptions};
use crate::parse::ParsedModule;

pub use super::groups::{group_links, group_name, partition, GroupSpec};
pub use super::sources::{collect_sources, module_name_of, SourceModule};

/// Everything the command line can ask for.
#[derive(Clone, Debug)]
pub struct Options {
    /// What to compile: `.py` files, package directories (recursively) and
    /// dotted module names (resolved relative to the current directory).
    pub files: Vec<PathBuf>,
    pub build_dir: PathBuf,
    pub opt_level: u8,
    pub debug_level: u8,
    pub strip_asserts: bool,
    pub verbose: bool,
    pub python: String,
    /// One group (shared library) per module, linked through exports tables.
    pub separate: bool,
    /// Explicit groups (with `separate`): modules not listed get their own.
    pub groups: Vec<GroupSpec>,
    /// One C file per module inside a group.
    pub multi_file: bool,
    /// Parallel C compiler jobs (None: one per core).
    pub jobs: Option<usize>,
    /// The name of the single group's library (`<name>__mypyc`) instead of
    /// one derived from the module names.
    pub group_name: Option<String>,
    /// Generate C only and write this manifest of the extensions to build
    /// (no C compiler runs).
    pub manifest: Option<PathBuf>,
    /// With `manifest`: compile the runtime as one source including all its
    /// files (None: yes unless `multi_file`, as mypyc).
    pub include_runtime_files: Option<bool>,
    /// The incremental build's cache (None: `cache` in `build_dir`).
    pub cache_dir: Option<PathBuf>,
    /// Use the cache to skip modules that did not change.
    pub incremental: bool,
    /// mypy's options (flags and configuration file).
    pub mypy: MypyOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            files: vec![],
            build_dir: PathBuf::from("build"),
            opt_level: 3,
            debug_level: 1,
            strip_asserts: false,
            verbose: false,
            python: "python3".into(),
            separate: false,
            groups: vec![],
            multi_file: false,
            jobs: None,
            group_name: None,
            manifest: None,
            include_runtime_files: None,
            cache_dir: None,
            incremental: true,
            mypy: MypyOptions::default(),
        }
    }
}

/// A module after the front end: parsed, with the checker's types.
pub struct CheckedModule {
    pub source: SourceModule,
    pub parsed: ParsedModule,
    pub types: Arc<TypeMap>,
}

/// The front end's result for a build: its modules and the checker's
/// tables of the whole program (every module's symbols and classes).
pub struct FrontEnd {
    pub modules: Vec<CheckedModule>,
    pub program: Arc<Program>,
}

/// Check modules given as texts together (no library search).
pub fn check_texts(inputs: &[(SourceModule, String)]) -> Result<FrontEnd, Vec<Diagnostic>> {
    let sources: Vec<crate::checker::CheckSource> = inputs
        .iter()
        .map(|(src, text)| check_source(src, text.clone()))
        .collect();
    let checked = crate::checker::check_program(&sources, &|_| None);
    errors_only(&checked.diags)?;
    let given: Vec<SourceModule> = inputs.iter().map(|(s, _)| s.clone()).collect();
    front_end(&given, checked)
}

/// The modules of a checked program, ready for irbuild (in the order of
/// `sources`).
fn front_end(sources: &[SourceModule], checked: Checked) -> Result<FrontEnd, Vec<Diagnostic>> {
    let mut modules = vec![];
    for c in checked.sources {
        let CheckedSource {
            source,
            mut parsed,
            types,
        } = c;
        crate::parse::drop_replaced_overloads(&mut parsed.body);
        crate::parse::lower_async(&mut parsed);
        let Some(src) = sources.iter().find(|s| s.name == source.name) else {
            return Err(build_error(format!("lost module {}", source.name)));
        };
        modules.push(CheckedModule {
            source: src.clone(),
            parsed,
            types: Arc::new(types),
        });
    }
    Ok(FrontEnd {
        modules,
        program: Arc::new(checked.program),
    })
}

/// Parse and lower one module on its own (no other modules in the build).
pub fn lower_module(
    src: &SourceModule,
    text: &str,
    opts: &Options,
) -> Result<ModuleIR, Vec<Diagnostic>> {
    let front = check_texts(&[(src.clone(), text.to_string())])?;
    lower_modules(&front, opts).map(|mut ms| ms.remove(0))
}

/// The package relative imports of a module start from.
fn package_of(m: &SourceModule) -> String {
    let is_init = m.path.file_stem().and_then(|s| s.to_str()) == Some("__init__");
    if is_init {
        m.name.clone()
    } else {
        m.name
            .rsplit_once('.')
            .map(|(p, _)| p)
            .unwrap_or("")
            .to_string()
    }
}

/// What the build derives from the checked modules before lowering any
/// body: the native classes, and per module (in `front`'s order) its
/// mapper, symbol table and `Final` statics.
struct Derived {
    prepared: crate::irbuild::prepare::Prepared,
    mappers: Vec<Arc<crate::irbuild::mapper::Mapper>>,
    symbols_of: Vec<crate::irbuild::symbols::ModuleSymbols>,
    finals_of: Vec<IndexMap<String, (String, crate::ir::RType)>>,
}

fn derive_tables(front: &FrontEnd, opts: &Options) -> Derived {
    let checked = &front.modules;
    let prepared = prepare_native_classes(front, opts);
    // Every module sees every native class of the build natively (other
    // groups' classes through their exports tables).
    let native = prepared.table.classes.keys().cloned().collect();
    let mapper =
        Arc::new(crate::irbuild::mapper::Mapper::new(native).with_named_tuples(&front.program));
    let mappers: Vec<_> = checked.iter().map(|_| mapper.clone()).collect();
    let mut symbols_of = vec![];
    for (c, mapper) in checked.iter().zip(&mappers) {
        let names = prepared
            .names
            .get(&c.source.name)
            .cloned()
            .unwrap_or_default();
        symbols_of.push(crate::irbuild::symbols::module_symbols(
            &front.program,
            &c.source.name,
            &c.parsed,
            mapper,
            &names,
            prepared.table.clone(),
        ));
    }
    // Each module's `Final` statics; a module reads other modules' only
    // when they share its group (see `irbuild::finals`).
    let finals_of = checked
        .iter()
        .zip(&symbols_of)
        .zip(&mappers)
        .map(|((c, symbols), mapper)| {
            crate::irbuild::finals::module_final_statics(
                &front.program,
                &c.source.name,
                &c.parsed,
                symbols,
                mapper,
            )
        })
        .collect();
    Derived {
        prepared,
        mappers,
        symbols_of,
        finals_of,
    }
}

/// The interface of every checked module, in `front`'s order.
pub fn module_interfaces(front: &FrontEnd, opts: &Options) -> Vec<ModuleInterface> {
    interfaces_with(front, &derive_tables(front, opts))
        .into_iter()
        .flatten()
        .collect()
}

/// The interface of each module of `front` (None where the program has
/// no entry for it), from the tables derived for the build.
fn interfaces_with(front: &FrontEnd, d: &Derived) -> Vec<Option<ModuleInterface>> {
    front
        .modules
        .iter()
        .zip(d.symbols_of.iter().zip(&d.mappers).zip(&d.finals_of))
        .map(|(c, ((symbols, mapper), finals))| {
            let name = &c.source.name;
            let checked = front.program.interface(name)?;
            let compiled = crate::irbuild::interface::compiled_interface(
                symbols,
                &d.prepared.table,
                mapper,
                finals,
            );
            Some(ModuleInterface::new(name, checked, compiled))
        })
        .collect()
}

/// Lower checked modules to IR, each knowing the symbols of all the others
/// (cross-module direct calls); diagnostics of all modules, sorted.
pub fn lower_modules(front: &FrontEnd, opts: &Options) -> Result<Vec<ModuleIR>, Vec<Diagnostic>> {
    let derived = derive_tables(front, opts);
    let lowered = lower_selected(front, opts, &derived, &|_| true)?;
    Ok(lowered.into_iter().flatten().collect())
}

/// Lower the modules of `front` that `selected` accepts (None for the
/// others, in `front`'s order), with the tables derived for the whole build.
fn lower_selected(
    front: &FrontEnd,
    opts: &Options,
    derived: &Derived,
    selected: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Option<ModuleIR>>, Vec<Diagnostic>> {
    let checked = &front.modules;
    let Derived {
        prepared,
        mappers,
        symbols_of,
        finals_of,
    } = derived;
    if opts.verbose {
        for class in &prepared.not_native {
            eprintln!("{}", class.note());
        }
    }
    let cross_module = !opts.separate && opts.groups.is_empty();
    let all: BuildModules = checked
        .iter()
        .zip(symbols_of)
        .map(|(c, symbols)| {
            let entry = (
                symbols.clone(),
                package_of(&c.source),
                c.parsed.body.clone(),
            );
            (c.source.name.clone(), entry)
        })
        .collect();
    let funcs = module_funcs(&all);
    let all_finals = Arc::new(crate::irbuild::finals::FinalStatics::new(
        finals_of
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ));
    // Each module is lowered on the thread pool: the tables are shared and
    // read-only, and the results keep `front`'s order.
    let results: Vec<Result<Option<ModuleIR>, Vec<Diagnostic>>> = checked
        .par_iter()
        .zip(symbols_of)
        .zip(mappers)
        .zip(finals_of)
        .map(|(((c, own_symbols), mapper), own_finals)| {
            if !selected(&c.source.name) {
                return Ok(None);
            }
            let finals = if cross_module {
                all_finals.clone()
            } else {
                Arc::new(crate::irbuild::finals::FinalStatics::new(
                    own_finals.clone(),
                ))
            };
            let imports =
                ImportTable::resolve(&package_of(&c.source), &c.parsed.body, &all, funcs.clone());
            let ir_opts = IrOptions {
                strip_asserts: opts.strip_asserts,
                imports: Arc::new(imports),
                types: c.types.clone(),
                mapper: mapper.clone(),
                program: front.program.clone(),
                finals,
            };
            let symbols = ir_opts.imports.symbols_seen_by(own_symbols);
            build_module(&c.parsed, &symbols, &ir_opts).map(Some)
        })
        .collect();
    let mut modules = vec![];
    let mut errors = vec![];
    for r in results {
        match r {
            Ok(m) => modules.push(m),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(modules)
    } else {
        errors.sort();
        errors.dedup();
        Err(errors)
    }
}

/// Decide which classes of the build are native and lay them out.
fn prepare_native_classes(front: &FrontEnd, opts: &Options) -> crate::irbuild::prepare::Prepared {
    let modules: Vec<(String, &crate::parse::ParsedModule)> = front
        .modules
        .iter()
        .map(|c| (c.source.name.clone(), &c.parsed))
        .collect();
    let one_group = !opts.separate && opts.groups.is_empty();
    crate::irbuild::prepare::prepare_classes(&modules, &front.program, one_group)
}

/// Read, parse and type-check every source: the modules for irbuild, or
/// the diagnostics.
pub fn check_sources(
    sources: &[SourceModule],
    mypy: &MypyOptions,
) -> Result<FrontEnd, Vec<Diagnostic>> {
    let checked = check_program(sources, mypy)?;
    front_end(sources, checked)
}

/// Front end and IR for every module, divided into the build's groups.
pub fn lower_groups(
    sources: &[SourceModule],
    opts: &Options,
) -> Result<Vec<GroupIR>, Vec<Diagnostic>> {
    let checked = check_sources(sources, &opts.mypy)?;
    let modules = lower_modules(&checked, opts)?;
    Ok(build_partition(sources, opts)?
        .into_iter()
        .map(|(name, members)| GroupIR {
            name,
            modules: members.iter().map(|&i| modules[i].clone()).collect(),
        })
        .collect())
}

/// Front end and IR of all sources as one group.
pub fn lower_group(sources: &[SourceModule], opts: &Options) -> Result<GroupIR, Vec<Diagnostic>> {
    let checked = check_sources(sources, &opts.mypy)?;
    let modules = lower_modules(&checked, opts)?;
    Ok(GroupIR {
        name: group_name(sources),
        modules,
    })
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

/// Run the IR transforms on every function of the build's groups: the
/// stack checks of recursive functions (over the whole build, since cycles
/// of calls may cross groups), then uninit, signals, suspend, exceptions
/// and refcount on each function.
pub fn transform_groups(groups: &mut [GroupIR]) {
    crate::transform::recursion::insert_stack_checks(groups);
    // Each function is transformed on its own, on the thread pool.
    groups
        .par_iter_mut()
        .flat_map_iter(|g| g.modules.iter_mut())
        .flat_map_iter(|m| std::iter::once(&mut m.top_level).chain(m.functions.iter_mut()))
        .for_each(crate::transform::run_all);
}

/// `transform_groups` for a build of one group.
pub fn transform_group(group: &mut GroupIR) {
    transform_groups(std::slice::from_mut(group));
}

fn build_error(message: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error("mypyc", 1, 1, message)]
}

/// The checker's input for a source.
fn check_source(src: &SourceModule, text: String) -> crate::checker::CheckSource {
    crate::checker::CheckSource {
        name: src.name.clone(),
        path: src.display_path.clone(),
        text,
        is_package: src.path.file_name().is_some_and(|n| n == "__init__.py"),
    }
}

/// Errors stop the build (mypyc compiles only programs that type-check);
/// notes alone (`reveal_type`) are shown as mypy shows them.
fn errors_only(diags: &[Diagnostic]) -> Result<(), Vec<Diagnostic>> {
    if diags
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        Err(diags.to_vec())
    } else {
        for d in diags {
            eprintln!("{d}");
        }
        Ok(())
    }
}

/// Type-check all modules of the program together; the diagnostics that
/// mypy's options (`mypy`) silence are dropped.
pub fn check_program(
    sources: &[SourceModule],
    mypy: &MypyOptions,
) -> Result<Checked, Vec<Diagnostic>> {
    load_sources(sources, mypy)?.check(&|_| true, mypy)
}

/// The sources after the checker's first phase (`checker::Loaded`), with
/// the library sources it read (path, content hash) and the module of
/// every path diagnostics may name.
pub struct LoadedSources {
    pub loaded: crate::checker::Loaded,
    pub libraries: Vec<(String, String)>,
    /// The paths where an imported module was looked for and not found.
    pub missing: Vec<String>,
    modules_of_paths: std::collections::HashMap<String, String>,
    /// Each source module's inline configuration (`# mypy:` comments).
    inline: std::collections::HashMap<String, crate::build::mypy_config::InlineSettings>,
}

/// Read and parse every source and build the program's tables (the
/// checker's first phase); parse errors stop here.
pub fn load_sources(
    sources: &[SourceModule],
    mypy: &MypyOptions,
) -> Result<LoadedSources, Vec<Diagnostic>> {
    let inputs: Vec<crate::checker::CheckSource> = sources
        .par_iter()
        .map(|src| {
            let text = std::fs::read_to_string(&src.path).map_err(|e| {
                vec![Diagnostic::error(
                    &src.display_path,
                    1,
                    1,
                    format!("cannot read file: {e}"),
                )]
            })?;
            Ok(check_source(src, text))
        })
        .collect::<Result<_, Vec<Diagnostic>>>()?;
    let inline: Vec<Diagnostic> = inputs
        .par_iter()
        .flat_map_iter(|i| crate::build::mypy_config::check_inline(&i.path, &i.text))
        .collect();
    if !inline.is_empty() {
        return Err(inline);
    }
    let roots = search_roots(sources);
    // The modules of diagnostics' paths: the sources and the library
    // modules the checker finds.
    let modules = std::cell::RefCell::new(std::collections::HashMap::new());
    let libraries = std::cell::RefCell::new(vec![]);
    let missing = std::cell::RefCell::new(vec![]);
    for i in &inputs {
        modules.borrow_mut().insert(i.path.clone(), i.name.clone());
    }
    let find = |name: &str| {
        let found = find_library_source(&roots, name, &mut missing.borrow_mut());
        if let Some(f) = &found {
            modules.borrow_mut().insert(f.path.clone(), f.name.clone());
            let hash = crate::build::cache::hash_bytes(f.text.as_bytes());
            libraries.borrow_mut().push((f.path.clone(), hash));
        }
        found
    };
    let mut loaded = crate::checker::load_program(&inputs, &find);
    loaded.set_target_version(mypy.target_version);
    let sources = LoadedSources {
        loaded,
        libraries: libraries.into_inner(),
        missing: missing.into_inner(),
        modules_of_paths: modules.into_inner(),
        inline: inputs
            .iter()
            .map(|i| {
                let settings = crate::build::mypy_config::InlineSettings::of(&i.text);
                (i.name.clone(), settings)
            })
            .collect(),
    };
    let parse_errors = sources
        .loaded
        .diagnostics()
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error);
    if parse_errors {
        let diags = sources.loaded.diagnostics().to_vec();
        return Err(mypy.filter(diags, &|path| sources.modules_of_paths.get(path).cloned()));
    }
    Ok(sources)
}

impl LoadedSources {
    /// The checker's second phase for the modules `selected` accepts: the
    /// checked program, or its errors.
    pub fn check(
        self,
        selected: &(dyn Fn(&str) -> bool + Sync),
        mypy: &MypyOptions,
    ) -> Result<Checked, Vec<Diagnostic>> {
        let inline = &self.inline;
        let annotations = |module: &str| {
            let mut options = mypy.for_module(module);
            if let Some(settings) = inline.get(module) {
                settings.apply(&mut options);
            }
            options.annotations
        };
        let mut checked = self.loaded.check_bodies(selected, &annotations);
        let modules = self.modules_of_paths;
        checked.diags = mypy.filter(std::mem::take(&mut checked.diags), &|path| {
            modules.get(path).cloned()
        });
        errors_only(&checked.diags)?;
        Ok(checked)
    }
}

/// The directories the compiled modules' top-level packages are in: where
/// imported helper modules are looked for.
fn search_roots(sources: &[SourceModule]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = vec![];
    for src in sources {
        let mut depth = src.name.split('.').count();
        if src.path.file_name().is_some_and(|n| n == "__init__.py") {
            depth += 1;
        }
        let root = src.path.ancestors().nth(depth).map(Path::to_path_buf);
        if let Some(r) = root {
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
    }
    roots
}

/// A Python source for module `name` on the search path (`name.py` or a
/// package's `__init__.py`), to be type-checked, not compiled.
/// The source of module `name` in the first of `roots` that has it; the
/// paths tried before are added to `missing`.
fn find_library_source(
    roots: &[PathBuf],
    name: &str,
    missing: &mut Vec<String>,
) -> Option<crate::checker::CheckSource> {
    let rel: PathBuf = name.split('.').collect();
    for root in roots {
        let base = if root.as_os_str().is_empty() {
            rel.clone()
        } else {
            root.join(&rel)
        };
        let candidates = [
            (base.with_extension("py"), false),
            (base.join("__init__.py"), true),
        ];
        for (path, is_package) in candidates {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    return Some(crate::checker::CheckSource {
                        name: name.to_string(),
                        path: path.to_string_lossy().to_string(),
                        text,
                        is_package,
                    })
                }
                Err(_) => missing.push(path.to_string_lossy().to_string()),
            }
        }
    }
    None
}

/// Only type-check the given files (`mypyc --check-only`).
pub fn check_only(files: &[PathBuf], mypy: &MypyOptions) -> Result<(), Vec<Diagnostic>> {
    // The checked program is not needed and the process ends: leave it
    // to the operating system rather than freeing it piece by piece.
    check_program(&collect_sources(files)?, mypy).map(std::mem::forget)
}

/// Compile the given targets: front end, IR, transforms, C, then either
/// the extension modules or (with `opts.manifest`) the manifest of them.
/// With `opts.incremental`, a build directory's cache skips the modules
/// that did not change (`build::incremental`).
pub fn compile(opts: &Options) -> Result<(), Vec<Diagnostic>> {
    if let Some(n) = opts.jobs {
        // Only the first configuration of the global pool takes effect.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let sources = collect_sources(&opts.files)?;
    if opts.manifest.is_some() {
        let groups = lower_groups(&sources, opts)?;
        return finish_build(opts, groups).map(|_| ());
    }
    let cache_root = opts
        .cache_dir
        .clone()
        .unwrap_or_else(|| opts.build_dir.join("cache"));
    let cfg = crate::build::python::PythonConfig::query_remembered(&opts.python, &cache_root)
        .map_err(build_error)?;
    let cache = Cache::open(&cache_root, cfg.version).map_err(build_error)?;
    let build_hash = build_options_hash(opts);
    if opts.incremental && up_to_date(&cache, &sources, &build_hash) {
        if opts.verbose {
            eprintln!("mypyc: nothing to do (sources, options and outputs unchanged)");
        }
        return Ok(());
    }
    cache.clear_build_record();
    let loaded = load_sources(&sources, &opts.mypy)?;
    let libraries = loaded.libraries.clone();
    let missing = loaded.missing.clone();
    let mut front = untyped_front_end(&loaded, &sources)?;
    let parts = build_partition(&sources, opts)?;
    let derived = derive_tables(&front, opts);
    let group_of = group_members(&sources, &parts);
    let options_hash = module_options_hash(opts);
    let mut now = BTreeMap::new();
    let mut interface_json = HashMap::new();
    for (c, interface) in front.modules.iter().zip(interfaces_with(&front, &derived)) {
        let name = &c.source.name;
        let json = interface.map(|i| i.to_json()).unwrap_or_default();
        let (group, members) = &group_of[name];
        let text = std::fs::read(&c.source.path).unwrap_or_default();
        let module = ModuleNow {
            compiled: true,
            meta: crate::build::cache::source_meta(&c.source.path, &text, &options_hash),
            link_hash: crate::build::incremental::link_hash(&json, group, members),
        };
        now.insert(name.clone(), module);
        interface_json.insert(name.clone(), json);
    }
    let mut imports = vec![];
    for (source, parsed) in loaded.loaded.followed_sources() {
        // A module only checked is known to its dependents by its source.
        let module = ModuleNow {
            compiled: false,
            meta: crate::build::cache::source_meta(
                Path::new(&source.path),
                source.text.as_bytes(),
                &options_hash,
            ),
            link_hash: hash_bytes(source.text.as_bytes()),
        };
        now.insert(source.name.clone(), module);
        imports.push((source.name.clone(), source.is_package, &parsed.body));
    }
    for c in &front.modules {
        let is_package = c
            .source
            .path
            .file_name()
            .is_some_and(|n| n == "__init__.py");
        imports.push((c.source.name.clone(), is_package, &c.parsed.body));
    }
    let graph = BuildGraph::new(imports.iter().map(|(name, is_package, body)| {
        let imported = crate::checker::library::named_imports(name, *is_package, body);
        (name.as_str(), imported)
    }));
    drop(imports);
    let group_list: Vec<(String, Vec<String>)> = parts
        .iter()
        .map(|(g, members)| {
            (
                g.clone(),
                members.iter().map(|&i| sources[i].name.clone()).collect(),
            )
        })
        .collect();
    let decision = decide(
        opts.incremental.then_some(&cache),
        &graph,
        &now,
        &group_list,
    );
    if opts.verbose {
        for m in &decision.stale {
            eprintln!("mypyc: {m} is stale: {}", decision.reasons[m]);
        }
        for m in &decision.stale {
            eprintln!("mypyc: rechecked {m}");
        }
    }
    let stale = &decision.stale;
    let checked = loaded.check(&|m| stale.contains(m), &opts.mypy)?;
    attach_types(&mut front, checked);
    let lowered = lower_selected(&front, opts, &derived, &|m| stale.contains(m))?;
    let compiled: BTreeSet<String> = front
        .modules
        .iter()
        .map(|c| c.source.name.clone())
        .collect();
    let meta_of = |name: &str, types: Option<&TypeMap>| {
        let mut meta = now[name].meta.clone();
        meta.interface_hash = now[name].link_hash.clone();
        let link = |d: &str| (d.to_string(), now[d].link_hash.clone());
        meta.deps = graph.deps(name).map(link).collect();
        if let Some(types) = types {
            let indirect = indirect_deps(name, types, &front.program, &compiled);
            meta.indirect_deps = indirect
                .iter()
                .filter(|d| !meta.deps.contains_key(*d))
                .map(|d| link(d))
                .collect();
        }
        meta
    };
    let store =
        |name: &str, meta: crate::build::cache::ModuleMeta, data: Option<(&str, &ModuleIR)>| {
            if let Err(e) = cache.store(name, meta, data) {
                if opts.verbose {
                    eprintln!("mypyc: not cached: {e}");
                }
            }
        };
    for name in stale.iter().filter(|m| !compiled.contains(*m)) {
        store(name, meta_of(name, None), None);
    }
    let mut fresh_ir = decision.fresh_ir;
    let mut modules = vec![];
    for (c, ir) in front.modules.iter().zip(lowered) {
        let name = &c.source.name;
        let ir = match ir {
            Some(ir) => {
                let meta = meta_of(name, Some(&c.types));
                store(name, meta, Some((&interface_json[name], &ir)));
                ir
            }
            None => fresh_ir
                .remove(name)
                .ok_or_else(|| build_error(format!("lost the IR of {name}")))?,
        };
        modules.push(ir);
    }
    let groups = parts
        .into_iter()
        .map(|(name, members)| GroupIR {
            name,
            modules: members.iter().map(|&i| modules[i].clone()).collect(),
        })
        .collect();
    let outputs = finish_build(opts, groups)?;
    let record = BuildRecord {
        format: 0,
        compiler: String::new(),
        options_hash: build_hash,
        sources: source_hashes(&sources),
        libraries,
        missing,
        outputs: outputs.iter().filter_map(|p| OutputStamp::of(p)).collect(),
    };
    if let Err(e) = cache.store_build_record(record) {
        if opts.verbose {
            eprintln!("mypyc: not cached: {e}");
        }
    }
    Ok(())
}

/// Transforms, `ops.txt`, C and then the extension modules (their paths),
/// or with `opts.manifest` the manifest (no paths).
fn finish_build(opts: &Options, mut groups: Vec<GroupIR>) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    transform_groups(&mut groups);
    let ops: Vec<String> = groups.par_iter().map(format_group).collect();
    let ops = ops.concat();
    write_if_changed(&opts.build_dir.join("ops.txt"), ops.as_bytes()).map_err(build_error)?;
    let links = group_links(&groups);
    let codegen_opts = crate::codegen::CodegenOptions {
        // Groups that link with others need a library with capsules.
        force_group_library: groups.len() > 1,
        multi_file: opts.multi_file,
    };
    let generated: Vec<_> = groups
        .par_iter()
        .zip(&links)
        .map(|(g, l)| crate::codegen::generate_group_linked(g, &codegen_opts, l))
        .collect();
    if let Some(path) = &opts.manifest {
        generate_only(opts, &generated, path).map_err(build_error)?;
        return Ok(vec![]);
    }
    let cfg = crate::build::python::PythonConfig::query(&opts.python).map_err(build_error)?;
    let build_opts = crate::build::cc::BuildOptions {
        opt_level: opts.opt_level as u32,
        debug_level: opts.debug_level,
        cache_dir: None,
        runtime_dir: None,
    };
    // Built once here, so that the parallel group builds share the entry.
    crate::build::runtime_cache::ensure_runtime(&cfg, &build_opts).map_err(build_error)?;
    let outputs: Vec<Vec<(PathBuf, bool)>> = groups
        .par_iter()
        .zip(&generated)
        .map(|(group, gen)| {
            let layout =
                crate::build::cc::OutputLayout::beside_sources(group, gen, &cfg.ext_suffix)?;
            crate::build::cc::build_group_reporting(
                &cfg,
                gen,
                &opts.build_dir,
                &layout,
                &build_opts,
            )
        })
        .collect::<Result<_, String>>()
        .map_err(build_error)?;
    if opts.verbose {
        for (group, built) in groups.iter().zip(&outputs) {
            if built.iter().any(|(_, compiled)| *compiled) {
                eprintln!("mypyc: compiled group {}", group.name);
            }
            for (path, compiled) in built {
                let what = if *compiled { "wrote" } else { "kept" };
                eprintln!("mypyc: {what} {}", path.display());
            }
        }
    }
    let outputs: Vec<Vec<PathBuf>> = outputs
        .into_iter()
        .map(|b| b.into_iter().map(|(p, _)| p).collect())
        .collect();
    Ok(outputs.into_iter().flatten().collect())
}

/// Did the last build (by the cache's record) compile exactly these
/// sources, with these options, against the same library sources, and
/// are its outputs as it left them?
fn up_to_date(cache: &Cache, sources: &[SourceModule], build_hash: &str) -> bool {
    let Some(record) = cache.build_record() else {
        return false;
    };
    record.options_hash == build_hash
        && record.sources == source_hashes(sources)
        && record
            .libraries
            .iter()
            .all(|(path, hash)| std::fs::read(path).is_ok_and(|t| &hash_bytes(&t) == hash))
        && record.missing.iter().all(|p| !Path::new(p).exists())
        && !record.outputs.is_empty()
        && record.outputs.iter().all(OutputStamp::holds)
}

/// (module, path, content hash) of each source, in build order.
fn source_hashes(sources: &[SourceModule]) -> Vec<(String, String, String)> {
    sources
        .iter()
        .map(|s| {
            let hash = std::fs::read(&s.path).map_or(String::new(), |t| hash_bytes(&t));
            (s.name.clone(), s.path.to_string_lossy().to_string(), hash)
        })
        .collect()
}

/// The options that shape a module's IR.
fn module_options_hash(opts: &Options) -> String {
    let text = format!(
        "{:?}|{}|{}|{:?}|{}|{:?}|{:?}",
        opts.python,
        opts.strip_asserts,
        opts.separate,
        opts.groups,
        opts.multi_file,
        opts.group_name,
        opts.mypy,
    );
    hash_bytes(text.as_bytes())
}

/// Everything about the options that shapes a build's outputs.
fn build_options_hash(opts: &Options) -> String {
    let text = format!(
        "{}|{}|{}|{:?}",
        module_options_hash(opts),
        opts.opt_level,
        opts.debug_level,
        opts.build_dir
    );
    hash_bytes(text.as_bytes())
}

/// The build's groups: (name, indexes of their sources).
fn build_partition(
    sources: &[SourceModule],
    opts: &Options,
) -> Result<Vec<(String, Vec<usize>)>, Vec<Diagnostic>> {
    let mut parts = partition(
        sources,
        opts.separate || !opts.groups.is_empty(),
        &opts.groups,
    )
    .map_err(build_error)?;
    if let Some(name) = &opts.group_name {
        match parts.as_mut_slice() {
            [(only, _)] => *only = name.clone(),
            _ => {
                return Err(build_error(format!(
                    "--group-name {name} needs a single group, but the build has {}",
                    parts.len()
                )))
            }
        }
    }
    Ok(parts)
}

/// Module name -> (its group's name, the group's members).
fn group_members(
    sources: &[SourceModule],
    parts: &[(String, Vec<usize>)],
) -> HashMap<String, (String, Vec<String>)> {
    let mut out = HashMap::new();
    for (group, members) in parts {
        let names: Vec<String> = members.iter().map(|&i| sources[i].name.clone()).collect();
        for n in &names {
            out.insert(n.clone(), (group.clone(), names.clone()));
        }
    }
    out
}

/// The front end of the loaded sources before their bodies are checked:
/// each module's parse (prepared for irbuild) with an empty type map, and
/// the program's tables.
fn untyped_front_end(
    loaded: &LoadedSources,
    sources: &[SourceModule],
) -> Result<FrontEnd, Vec<Diagnostic>> {
    let mut modules = vec![];
    for (source, parsed) in loaded.loaded.parsed_sources() {
        let mut parsed = parsed.clone();
        crate::parse::drop_replaced_overloads(&mut parsed.body);
        crate::parse::lower_async(&mut parsed);
        let Some(src) = sources.iter().find(|s| s.name == source.name) else {
            return Err(build_error(format!("lost module {}", source.name)));
        };
        modules.push(CheckedModule {
            source: src.clone(),
            parsed,
            types: Arc::new(TypeMap::default()),
        });
    }
    Ok(FrontEnd {
        modules,
        program: Arc::new(loaded.loaded.program().clone()),
    })
}

/// Give the modules of `front` the type maps the checker found.
fn attach_types(front: &mut FrontEnd, checked: Checked) {
    let mut types: HashMap<String, TypeMap> = checked
        .sources
        .into_iter()
        .map(|c| (c.source.name, c.types))
        .collect();
    for m in &mut front.modules {
        if let Some(t) = types.remove(&m.source.name) {
            m.types = Arc::new(t);
        }
    }
}

/// Writes the C of every group and the runtime into the build directory,
/// and the manifest of the extensions to `path`; compiles nothing.
fn generate_only(
    opts: &Options,
    generated: &[crate::codegen::GeneratedGroup],
    path: &Path,
) -> Result<(), String> {
    let mut plans = vec![];
    for g in generated {
        plans.extend(crate::build::extensions::plan_group(g, &opts.build_dir)?);
    }
    let manifest_opts = crate::build::manifest::ManifestOptions {
        opt_level: opts.opt_level,
        debug_level: opts.debug_level,
        include_runtime_files: opts.include_runtime_files.unwrap_or(!opts.multi_file),
        runtime_dir: None,
    };
    let manifest = crate::build::manifest::manifest(&plans, &opts.build_dir, &manifest_opts)?;
    crate::build::manifest::write_manifest(&manifest, path)?;
    if opts.verbose {
        for ext in &manifest.extensions {
            eprintln!(
                "mypyc: extension {} ({} sources)",
                ext.name,
                ext.sources.len()
            );
        }
        eprintln!("mypyc: wrote {}", path.display());
    }
    Ok(())
}
