//! Exports tables: how groups compiled into different shared libraries
//! call each other's native functions (`--separate`).
//!
//! A group that other groups call publishes an *exports table*: a struct of
//! pointers to the native functions they use, in a capsule attribute
//! `exports` of its library. A consuming group declares the same struct
//! (generated from the same list of declarations, so the layouts agree),
//! keeps a copy of it, and names each imported function with a macro
//! (`#define CPyDef_f (*exports_G.CPyDef_f)`), so the code of its functions
//! is the same as for a call within the group. The copy is filled by
//! `CPyGroupImports`, which every module init of the consuming group runs
//! after the library is loaded and before the module body: importing only
//! the other groups' libraries (top-level modules whose init runs no Python
//! code), it cannot re-enter a package `__init__` half way through.

use crate::ir::FuncDecl;

use super::ctypes::{c_string_literal, declaration, mangle_module};
use super::emitter::Emitter;
use super::group_library_name;

/// The C function that fills the copies of other groups' exports tables.
pub const IMPORTS_INIT: &str = "CPyGroupImports";

/// The capsule attribute of a group library holding its exports table.
pub const EXPORTS_ATTR: &str = "exports";

/// The native functions one group uses from another.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportedGroup {
    /// The providing group's name.
    pub group: String,
    /// Its whole exports table, in table order.
    pub decls: Vec<FuncDecl>,
}

/// How a group links with the other groups of a build.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupLinks {
    /// The group's own functions other groups call, in table order.
    pub exports: Vec<FuncDecl>,
    /// The groups whose functions this group calls.
    pub imports: Vec<ImportedGroup>,
}

impl GroupLinks {
    /// Declarations of every imported function (for collecting types).
    pub fn imported_decls(&self) -> impl Iterator<Item = &FuncDecl> {
        self.imports.iter().flat_map(|g| g.decls.iter())
    }
}

fn struct_name(group: &str) -> String {
    format!("export_table_{}", mangle_module(group))
}

fn copy_name(group: &str) -> String {
    format!("exports_{}", mangle_module(group))
}

/// A pointer-to-function declarator for a native function: `R (*CPyDef_f)(A)`.
fn pointer_field(decl: &FuncDecl) -> String {
    let params: Vec<String> = decl
        .params
        .iter()
        .map(|p| declaration(&p.rtype, "").trim_end().to_string())
        .collect();
    let params = if params.is_empty() {
        "void".to_string()
    } else {
        params.join(", ")
    };
    declaration(&decl.ret, &format!("(*{})({params})", decl.c_native_name()))
}

/// `struct export_table_<group> { ... };`
pub fn table_struct(group: &str, decls: &[FuncDecl]) -> String {
    let mut e = Emitter::new();
    e.open(format!("struct {}", struct_name(group)));
    for d in decls {
        e.line(format!("{};", pointer_field(d)));
    }
    if decls.is_empty() {
        e.line("char unused;");
    }
    e.close(";");
    e.finish()
}

/// Header text of a consuming group: the struct of each imported table,
/// the copy, and a macro per imported function.
pub fn imports_header(links: &GroupLinks) -> String {
    let mut out = String::new();
    for g in &links.imports {
        out.push_str(&table_struct(&g.group, &g.decls));
        out.push_str(&format!(
            "extern struct {} {};\n",
            struct_name(&g.group),
            copy_name(&g.group)
        ));
        for d in &g.decls {
            let name = d.c_native_name();
            out.push_str(&format!(
                "#define {name} (*{}.{name})\n",
                copy_name(&g.group)
            ));
        }
    }
    out
}

/// The group init's part: the copies of imported tables and
/// `CPyGroupImports` (idempotent; -1 with an exception set on failure).
pub fn emit_imports_init(e: &mut Emitter, links: &GroupLinks) {
    for g in &links.imports {
        e.line(format!(
            "struct {} {};",
            struct_name(&g.group),
            copy_name(&g.group)
        ));
    }
    e.line("");
    e.open(format!("int {IMPORTS_INIT}(void)"));
    e.line("static int is_done = 0;");
    e.line("if (is_done) return 0;");
    for g in &links.imports {
        let lib = group_library_name(&g.group);
        let capsule = c_string_literal(format!("{lib}.{EXPORTS_ATTR}").as_bytes());
        e.open("");
        e.line(format!(
            "PyObject *lib = PyImport_ImportModule({});",
            c_string_literal(lib.as_bytes())
        ));
        e.line("if (unlikely(lib == NULL)) return -1;");
        e.line(format!(
            "PyObject *capsule = PyObject_GetAttrString(lib, {});",
            c_string_literal(EXPORTS_ATTR.as_bytes())
        ));
        e.line("Py_DECREF(lib);");
        e.line("if (unlikely(capsule == NULL)) return -1;");
        e.line(format!(
            "void *table = PyCapsule_GetPointer(capsule, {capsule});"
        ));
        e.line("Py_DECREF(capsule);");
        e.line("if (unlikely(table == NULL)) return -1;");
        e.line(format!(
            "memcpy(&{}, table, sizeof({}));",
            copy_name(&g.group),
            copy_name(&g.group)
        ));
        e.close("");
    }
    e.line("is_done = 1;");
    e.line("return 0;");
    e.close("");
}

/// The library init's part publishing the group's own table (nothing when
/// no other group uses it). Jumps to `fail` on error.
pub fn emit_publish_exports(e: &mut Emitter, group: &str, exports: &[FuncDecl], lib: &str) {
    if exports.is_empty() {
        return;
    }
    e.open(format!("static struct {} table =", struct_name(group)));
    for d in exports {
        e.line(format!("&{},", d.c_native_name()));
    }
    e.close(";");
    let capsule = c_string_literal(format!("{lib}.{EXPORTS_ATTR}").as_bytes());
    e.line(format!(
        "capsule = PyCapsule_New((void *)&table, {capsule}, NULL);"
    ));
    e.line(format!(
        "if (unlikely(capsule == NULL || PyModule_AddObject(lib, {}, capsule) < 0)) goto fail;",
        c_string_literal(EXPORTS_ATTR.as_bytes())
    ));
}
