//! Exports tables: how groups compiled into different shared libraries
//! use each other's native functions and classes (`--separate`).
//!
//! A group that other groups use publishes an *exports table*: a struct of
//! pointers to the native functions they call and, for each native class
//! they use, to the class's type object static and its allocation function,
//! in a capsule attribute `exports` of its library. A consuming group
//! declares the same struct (generated from the same table, so the layouts
//! agree), keeps a copy of it, and names each imported item with a macro
//! (`#define CPyDef_f (*exports_G.CPyDef_f)`), so the code of its functions
//! is the same as for a use within the group. It also declares the
//! instance structs of the classes it uses (from the same `ClassIR`s), so
//! attribute access and vtable calls are direct. The copy is filled by
//! `CPyGroupImports`, which every module init of the consuming group runs
//! after the library is loaded and before the module body: importing only
//! the other groups' libraries (top-level modules whose init runs no Python
//! code), it cannot re-enter a package `__init__` half way through. A type
//! object is read through its pointer at each use, as the class statement
//! that creates it runs later, in its module's body.

use crate::ir::{class_type_static, ClassIR, FuncDecl, FuncRef};

use super::ctypes::{c_string_literal, declaration, mangle_module};
use super::emitter::Emitter;
use super::group_library_name;

/// The C function that fills the copies of other groups' exports tables.
pub const IMPORTS_INIT: &str = "CPyGroupImports";

/// The capsule attribute of a group library holding its exports table.
pub const EXPORTS_ATTR: &str = "exports";

/// What one group offers the others, in table order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportTable {
    /// Native functions.
    pub funcs: Vec<FuncDecl>,
    /// Native classes (full names): each gives its type object and its
    /// allocation function.
    pub classes: Vec<String>,
}

impl ExportTable {
    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty() && self.classes.is_empty()
    }

    /// The C name of every item (a macro in consuming groups).
    fn names(&self) -> Vec<String> {
        let funcs = self.funcs.iter().map(|d| d.c_native_name());
        let classes = self
            .classes
            .iter()
            .flat_map(|c| [class_type_static(c), super::classes::setup_function(c)]);
        funcs.chain(classes).collect()
    }
}

/// What one group uses of another's exports table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportedGroup {
    /// The providing group's name.
    pub group: String,
    /// Its whole exports table.
    pub table: ExportTable,
}

/// How a group links with the other groups of a build.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupLinks {
    /// What the group offers other groups.
    pub exports: ExportTable,
    /// The groups whose functions or classes this group uses.
    pub imports: Vec<ImportedGroup>,
    /// The native classes of other groups this group's code uses (their
    /// instance structs are declared here), bases first.
    pub foreign_classes: Vec<ClassIR>,
    /// The build has other groups, which may derive native subclasses
    /// from this group's classes (so their subclasses are not all known
    /// here).
    pub other_groups: bool,
}

impl GroupLinks {
    /// Declarations of every imported function (for collecting types).
    pub fn imported_decls(&self) -> impl Iterator<Item = &FuncDecl> {
        self.imports.iter().flat_map(|g| g.table.funcs.iter())
    }

    /// Is `decl` a function of another group (named by a macro here)?
    pub fn is_imported(&self, decl: &FuncDecl) -> bool {
        self.is_imported_func(&decl.func)
    }

    /// Is `func` a function of another group's exports table?
    pub fn is_imported_func(&self, func: &FuncRef) -> bool {
        self.imported_decls().any(|d| d.func == *func)
    }

    /// Is `class` (a full name) a native class of another group?
    pub fn is_foreign_class(&self, class: &str) -> bool {
        self.foreign_classes.iter().any(|c| c.full_name() == class)
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
pub fn table_struct(group: &str, table: &ExportTable) -> String {
    let mut e = Emitter::new();
    e.open(format!("struct {}", struct_name(group)));
    for d in &table.funcs {
        e.line(format!("{};", pointer_field(d)));
    }
    for c in &table.classes {
        e.line(format!("PyObject **{};", class_type_static(c)));
        e.line(format!(
            "PyObject *(*{})(PyObject *);",
            super::classes::setup_function(c)
        ));
    }
    if table.is_empty() {
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
        out.push_str(&table_struct(&g.group, &g.table));
        out.push_str(&format!(
            "extern struct {} {};\n",
            struct_name(&g.group),
            copy_name(&g.group)
        ));
        for name in g.table.names() {
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
pub fn emit_publish_exports(e: &mut Emitter, group: &str, exports: &ExportTable, lib: &str) {
    if exports.is_empty() {
        return;
    }
    e.open(format!("static struct {} table =", struct_name(group)));
    for name in exports.names() {
        e.line(format!("&{name},"));
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
