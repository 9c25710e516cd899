//! C code generation: turns a `GroupIR` (after the transforms) into the C
//! sources of the extension modules that make up the group.
//!
//! Layout: a group with one module becomes one plain extension exporting
//! `PyInit_<name>`. A group with several modules becomes one shared library
//! `<group>__mypyc` holding all their code (so cross-module calls are direct
//! C calls), plus a tiny shim extension per module (from
//! `templates/module_shim.c`) that loads the module through a capsule.
//!
//! Every C file of a group includes one generated header declaring the
//! tuple structs, statics, the literal table and all native functions and
//! wrappers, so functions may call each other across modules in any order.
//! Output is a pure function of the input IR: same input, same bytes.

pub mod classes;
pub mod conv;
pub mod ctypes;
pub mod emitter;
pub mod exports;
pub mod func;
pub mod literals;
pub mod module_init;
pub mod moves;
pub mod statics;
pub mod structs;
pub mod wrapper;

use indexmap::IndexSet;
use rayon::prelude::*;

use crate::ir::{FuncIR, GroupIR, ModuleIR, Op, RType, StaticRef};

use ctypes::{collect_tuple_types, mangle_module, tuple_struct_definition};
use emitter::Emitter;
pub use exports::{ExportTable, GroupLinks, ImportedGroup};
use literals::{LiteralTable, TABLE};
use module_init::{GroupStatics, GLOBALS_INIT};

/// Options for code generation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodegenOptions {
    /// Build a shared group library plus shims even for a single module.
    pub force_group_library: bool,
    /// One C file per module (compiled in parallel) instead of one C file
    /// for the whole group.
    pub multi_file: bool,
}

/// One generated C source or header file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CFile {
    /// File name (no directories), e.g. `module__pkg___mod.c`.
    pub name: String,
    pub contents: String,
}

impl CFile {
    /// Is this a C source to compile (as opposed to a header)?
    pub fn is_source(&self) -> bool {
        self.name.ends_with(".c")
    }
}

/// What an extension is, which decides where it goes and what it links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtensionKind {
    /// A plain extension holding all the code of a single-module group.
    Module,
    /// The shared library of a group (`<group>__mypyc`).
    GroupLibrary,
    /// A module's shim, loading its code from the group library.
    Shim,
}

/// One extension module (shared object) to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedExtension {
    /// The name Python imports it by: the module's full name (`pkg.mod`) for
    /// `Module`/`Shim`, the library name for `GroupLibrary`.
    pub name: String,
    pub kind: ExtensionKind,
    /// Is this the extension of a package's `__init__` module (so build
    /// tools place it at `pkg/__init__<EXT_SUFFIX>`)?
    pub is_package: bool,
    pub files: Vec<CFile>,
}

impl GeneratedExtension {
    /// Does this extension link the C runtime (lib-rt)?
    pub fn links_runtime(&self) -> bool {
        !matches!(self.kind, ExtensionKind::Shim)
    }
}

/// The generated C of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedGroup {
    pub group_name: String,
    pub extensions: Vec<GeneratedExtension>,
}

/// The import name of a group's shared library.
pub fn group_library_name(group: &str) -> String {
    format!("{}__mypyc", mangle_module(group))
}

const HEADER: &str = "group__native.h";
const GROUP_INIT: &str = "group__init.c";
const GROUP_NATIVE: &str = "group__native.c";

/// Generates the C sources of a group that stands alone.
pub fn generate_group(group: &GroupIR, opts: &CodegenOptions) -> GeneratedGroup {
    generate_group_linked(group, opts, &GroupLinks::default())
}

/// Generates the C sources of a group that exports functions to, or
/// imports functions from, other groups of the build (`links`).
pub fn generate_group_linked(
    group: &GroupIR,
    opts: &CodegenOptions,
    links: &GroupLinks,
) -> GeneratedGroup {
    let literals = collect_literals(group);
    let refs = collect_static_refs(group);
    let statics = GroupStatics::collect(&group.modules, &refs);
    let shared = opts.force_group_library || group.modules.len() != 1;
    let library = group_library_name(&group.name);
    let header = CFile {
        name: HEADER.into(),
        contents: emit_header(group, &statics, &literals, links),
    };
    let init = format!(
        "#include \"{HEADER}\"\n\n{}",
        module_init::emit_group_init(
            group,
            &statics,
            &literals,
            shared.then_some(library.as_str()),
            links,
        )
    );
    let exact = std::sync::Arc::new(if links.other_groups {
        ctypes::ExactTypes::default()
    } else {
        ctypes::ExactTypes::of_group(group)
    });
    // The modules' C on the thread pool, in the group's order.
    let module_files: Vec<CFile> = group
        .modules
        .par_iter()
        .map(|m| {
            let mut contents = emit_module_file(m, &literals, &exact, links);
            if !shared {
                contents.push('\n');
                contents.push_str(&module_init::emit_plain_pyinit(m));
            }
            CFile {
                name: format!("module__{}.c", mangle_module(&m.name)),
                contents,
            }
        })
        .collect();
    let mut files = vec![header];
    if opts.multi_file {
        files.push(CFile {
            name: GROUP_INIT.into(),
            contents: init,
        });
        files.extend(module_files);
    } else {
        files.push(single_file(init, module_files));
    }
    let mut extensions = Vec::new();
    if shared {
        extensions.push(GeneratedExtension {
            name: library.clone(),
            kind: ExtensionKind::GroupLibrary,
            is_package: false,
            files,
        });
        for m in &group.modules {
            extensions.push(GeneratedExtension {
                name: m.name.clone(),
                kind: ExtensionKind::Shim,
                is_package: m.is_package_init(),
                files: vec![CFile {
                    name: format!("shim__{}.c", mangle_module(&m.name)),
                    contents: module_init::shim_source(&m.name, &library),
                }],
            });
        }
    } else if let Some(m) = group.modules.first() {
        extensions.push(GeneratedExtension {
            name: m.name.clone(),
            kind: ExtensionKind::Module,
            is_package: m.is_package_init(),
            files,
        });
    }
    GeneratedGroup {
        group_name: group.name.clone(),
        extensions,
    }
}

/// The whole group in one C file: the group init, then every module.
fn single_file(init: String, modules: Vec<CFile>) -> CFile {
    let mut contents = init;
    for m in modules {
        contents.push('\n');
        contents.push_str(
            &m.contents
                .replacen(&format!("#include \"{HEADER}\"\n"), "", 1),
        );
    }
    CFile {
        name: GROUP_NATIVE.into(),
        contents,
    }
}

/// All function bodies of a module: top level first, then functions.
fn module_funcs(m: &ModuleIR) -> impl Iterator<Item = &FuncIR> {
    std::iter::once(&m.top_level).chain(m.functions.iter())
}

fn group_funcs(group: &GroupIR) -> impl Iterator<Item = &FuncIR> {
    group.modules.iter().flat_map(module_funcs)
}

fn all_ops(f: &FuncIR) -> impl Iterator<Item = &Op> {
    f.blocks.iter().flat_map(|b| b.insts.iter().map(|i| &i.op))
}

fn collect_literals(group: &GroupIR) -> LiteralTable {
    let mut table = LiteralTable::new();
    for f in group_funcs(group) {
        for op in all_ops(f) {
            if let Op::LoadLiteral { value, .. } = op {
                table.intern(value);
            }
        }
    }
    table
}

fn group_classes(group: &GroupIR) -> impl Iterator<Item = &crate::ir::ClassIR> {
    group.modules.iter().flat_map(|m| m.classes.iter())
}

/// The statics the group defines: its classes' type objects and those its
/// ops use (the type objects of other groups' classes come from their
/// exports tables).
fn collect_static_refs(group: &GroupIR) -> IndexSet<StaticRef> {
    let mut refs = IndexSet::new();
    let own: IndexSet<String> = group_classes(group).map(|c| c.full_name()).collect();
    for c in &own {
        refs.insert(StaticRef::Type(c.clone()));
    }
    for f in group_funcs(group) {
        for op in all_ops(f) {
            match op {
                Op::LoadStatic(StaticRef::Type(c))
                | Op::InitStatic {
                    target: StaticRef::Type(c),
                    ..
                } if !own.contains(c) => {}
                Op::LoadStatic(s) | Op::InitStatic { target: s, .. } => {
                    refs.insert(s.clone());
                }
                _ => {}
            }
        }
    }
    refs
}

fn collect_tuples(group: &GroupIR, links: &GroupLinks) -> IndexSet<RType> {
    let mut out = IndexSet::new();
    for d in links.imported_decls() {
        for p in &d.params {
            collect_tuple_types(&p.rtype, &mut out);
        }
        collect_tuple_types(&d.ret, &mut out);
    }
    for f in group_funcs(group) {
        for p in &f.decl.params {
            collect_tuple_types(&p.rtype, &mut out);
        }
        collect_tuple_types(&f.decl.ret, &mut out);
        for v in &f.values {
            collect_tuple_types(&v.rtype, &mut out);
        }
        for op in all_ops(f) {
            if let Op::CallC(c) = op {
                collect_tuple_types(&c.ret, &mut out);
            }
        }
    }
    for m in &group.modules {
        for st in module_structs(m) {
            for (_, t) in &st.fields {
                collect_tuple_types(t, &mut out);
            }
        }
    }
    for c in group_classes(group).chain(&links.foreign_classes) {
        for (_, t) in &c.attrs {
            collect_tuple_types(t, &mut out);
        }
    }
    out
}

/// The native struct types of a module: environments, and the states of
/// its generators.
fn module_structs(m: &ModuleIR) -> Vec<crate::ir::StructDef> {
    let mut out = m.structs.clone();
    for f in &m.functions {
        if let Some(s) = &f.suspend {
            out.push(crate::ir::StructDef {
                name: s.strct.name.clone(),
                fields: s.fields.clone(),
            });
        }
    }
    out
}

fn emit_header(
    group: &GroupIR,
    statics: &GroupStatics,
    literals: &LiteralTable,
    links: &GroupLinks,
) -> String {
    let mut e = Emitter::new();
    let guard = format!("MYPYC_GROUP_{}_NATIVE_H", mangle_module(&group.name));
    e.raw_line(format!(
        "/* Generated by mypyc for group {}. Do not edit. */",
        group.name
    ));
    e.raw_line(format!("#ifndef {guard}"));
    e.raw_line(format!("#define {guard}"));
    e.raw_line("#include <Python.h>");
    e.raw_line("#include <stdint.h>");
    e.raw_line("#include <limits.h>");
    e.raw_line("#include \"CPy.h\"");
    e.raw(BRANCH_HINTS);
    e.line("");
    for t in collect_tuples(group, links) {
        e.raw(&tuple_struct_definition(&t));
    }
    e.raw(&exports::imports_header(links));
    for c in &links.foreign_classes {
        e.raw(&classes::instance_struct(c));
    }
    if !links.exports.is_empty() {
        e.raw(&exports::table_struct(&group.name, &links.exports));
    }
    for d in statics.declarations() {
        e.line(d);
    }
    e.line(format!(
        "extern PyObject *{TABLE}[{}];",
        literals.len().max(1)
    ));
    e.line(format!("int {GLOBALS_INIT}(void);"));
    e.line(format!("int {}(void);", exports::IMPORTS_INIT));
    for m in &group.modules {
        for st in module_structs(m) {
            e.raw(&structs::struct_declaration(&m.name, &st));
        }
        for c in &m.classes {
            e.raw(&classes::class_declaration(c));
        }
    }
    for m in &group.modules {
        e.line(format!(
            "extern struct PyModuleDef {};",
            statics::module_def(&m.name)
        ));
        for f in module_funcs(m) {
            let names = func::decl_param_names(&f.decl);
            e.line(format!("{};", func::native_prototype(&f.decl, &names)));
            if f.decl.has_wrapper {
                e.line(format!("{};", wrapper::wrapper_prototype(&f.decl)));
            }
        }
    }
    e.raw_line(format!("#endif /* {guard} */"));
    e.finish()
}

/// `likely`/`unlikely` branch hints, unless the runtime header defines them.
const BRANCH_HINTS: &str = "#ifndef likely
#if defined(__GNUC__) || defined(__clang__)
#define likely(x) __builtin_expect(!!(x), 1)
#else
#define likely(x) (x)
#endif
#endif
#ifndef unlikely
#if defined(__GNUC__) || defined(__clang__)
#define unlikely(x) __builtin_expect(!!(x), 0)
#else
#define unlikely(x) (x)
#endif
#endif
";

fn emit_module_file(
    m: &ModuleIR,
    literals: &LiteralTable,
    exact: &std::sync::Arc<ctypes::ExactTypes>,
    links: &GroupLinks,
) -> String {
    let source = m.source_file.replace("*/", "* /");
    let mut out = format!(
        "/* Module {} ({source}). */\n#include \"{HEADER}\"\n",
        m.name
    );
    for st in module_structs(m) {
        out.push('\n');
        out.push_str(&structs::struct_definition(&m.name, &st));
    }
    out.push('\n');
    out.push_str(&func::emit_docs(module_funcs(m)));
    for c in &m.classes {
        out.push('\n');
        out.push_str(&classes::class_definition(c, links));
    }
    for f in module_funcs(m) {
        out.push('\n');
        out.push_str(&func::emit_function(f, literals, exact));
        if f.decl.has_wrapper {
            out.push('\n');
            out.push_str(&wrapper::emit_wrapper(&f.decl, &f.source_file, exact));
        }
    }
    out.push('\n');
    out.push_str(&module_init::emit_module_init(m));
    out
}
