//! Module and group initialisation code.
//!
//! Per module: the method table of its wrapped module-level functions, its
//! `PyModuleDef`, and `CPyInit_<module>`, which creates the module object,
//! points the globals static at its dict, inserts it into `sys.modules`,
//! and runs the module's top level (removing the module again on failure).
//!
//! Per group: the definitions of all statics, the literal table and
//! `CPyGlobalsInit` (which creates the literals once), plus, for a shared
//! group library, `PyInit_<group>__mypyc`, publishing each module's init
//! function in a capsule for the module shims.

use indexmap::IndexSet;

use crate::ir::{ModuleIR, StaticRef};

use super::ctypes::{c_string_literal, full_error_test, mangle_module};
use super::emitter::Emitter;
use super::literals::{LiteralTable, TABLE};
use super::statics::{
    globals_static, internal_module_static, module_init_function, short_name, static_name,
};

/// The C function creating the literal table (idempotent).
pub const GLOBALS_INIT: &str = "CPyGlobalsInit";

/// The capsule attribute under which the group library publishes a module's init.
pub fn capsule_attr(module: &str) -> String {
    format!("init_{}", mangle_module(module))
}

/// Emits the method table, module def and `CPyInit_<module>` of a module.
pub fn emit_module_init(m: &ModuleIR) -> String {
    let mut e = Emitter::new();
    let mangled = mangle_module(&m.name);
    e.open(format!("static PyMethodDef CPyMethods_{mangled}[] ="));
    for f in &m.functions {
        let d = &f.decl;
        if d.has_wrapper && d.func.class.is_none() && !d.nested {
            e.line(format!(
                "{{{}, (PyCFunction)(void (*)(void)){}, METH_FASTCALL | METH_KEYWORDS, NULL}},",
                c_string_literal(d.func.name.as_bytes()),
                d.c_wrapper_name()
            ));
        }
    }
    e.line("{NULL, NULL, 0, NULL}");
    e.close(";");
    e.line("");
    e.open(format!(
        "static struct PyModuleDef CPyModuleDef_{mangled} ="
    ));
    e.line("PyModuleDef_HEAD_INIT,");
    e.line(format!("{},", c_string_literal(m.name.as_bytes())));
    e.line("NULL,");
    e.line("-1,");
    e.line(format!("CPyMethods_{mangled},"));
    e.line("NULL, NULL, NULL, NULL");
    e.close(";");
    e.line("");
    emit_init_function(&mut e, m);
    e.finish()
}

fn emit_init_function(e: &mut Emitter, m: &ModuleIR) {
    let internal = internal_module_static(&m.name);
    let globals = globals_static(&m.name);
    let name = c_string_literal(m.name.as_bytes());
    let top = &m.top_level.decl;
    e.open(format!("PyObject *{}(void)", module_init_function(&m.name)));
    e.line("PyObject *modules;");
    e.line(format!(
        "{};",
        super::ctypes::declaration(&top.ret, "result")
    ));
    e.open(format!("if ({internal} != NULL)"));
    e.line(format!("Py_INCREF({internal});"));
    e.line(format!("return {internal};"));
    e.close("");
    e.line(format!("if ({GLOBALS_INIT}() < 0) return NULL;"));
    e.line("modules = PyImport_GetModuleDict();");
    e.line(format!(
        "{internal} = PyModule_Create(&CPyModuleDef_{});",
        mangle_module(&m.name)
    ));
    e.line(format!("if (unlikely({internal} == NULL)) return NULL;"));
    e.line(format!("{globals} = PyModule_GetDict({internal});"));
    e.line(format!(
        "if (unlikely(PyDict_SetItemString(modules, {name}, {internal}) < 0)) goto fail;"
    ));
    e.line(format!("result = {}();", top.c_native_name()));
    e.line(format!(
        "if (unlikely({})) goto fail;",
        full_error_test("result", &top.ret)
    ));
    e.line(format!("Py_INCREF({internal});"));
    e.line(format!("return {internal};"));
    e.raw_line("fail: ;");
    e.open("");
    e.line("PyObject *type, *value, *traceback;");
    e.line("PyErr_Fetch(&type, &value, &traceback);");
    e.line(format!(
        "if (PyDict_GetItemString(modules, {name}) == {internal}) {{"
    ));
    e.line(format!(
        "    if (PyDict_DelItemString(modules, {name}) < 0) PyErr_Clear();"
    ));
    e.line("}");
    e.line("PyErr_Restore(type, value, traceback);");
    e.close("");
    e.line(format!("{globals} = NULL;"));
    e.line(format!("Py_CLEAR({internal});"));
    e.line("return NULL;");
    e.close("");
}

/// The statics a group defines: the globals of its modules, their module
/// objects, and every static referenced by an op (imported modules).
pub struct GroupStatics {
    pub names: IndexSet<String>,
}

impl GroupStatics {
    pub fn collect(modules: &[ModuleIR], refs: &IndexSet<StaticRef>) -> GroupStatics {
        let mut names = IndexSet::new();
        for m in modules {
            names.insert(globals_static(&m.name));
            names.insert(internal_module_static(&m.name));
        }
        for r in refs {
            names.insert(static_name(r));
        }
        GroupStatics { names }
    }
}

/// Emits the group init file: statics, literal table, `CPyGlobalsInit` and,
/// for a shared library, the library's `PyInit`.
pub fn emit_group_init(
    modules: &[ModuleIR],
    statics: &GroupStatics,
    literals: &LiteralTable,
    library: Option<&str>,
) -> String {
    let mut e = Emitter::new();
    for s in &statics.names {
        e.line(format!("PyObject *{s} = NULL;"));
    }
    e.line(format!("PyObject *{TABLE}[{}];", literals.len().max(1)));
    e.line("");
    e.open(format!("int {GLOBALS_INIT}(void)"));
    e.line("static int is_initialized = 0;");
    e.line("if (is_initialized) return 0;");
    literals.emit_init(&mut e);
    e.line("is_initialized = 1;");
    e.line("return 0;");
    e.close("");
    if let Some(lib) = library {
        e.line("");
        emit_library_init(&mut e, modules, lib);
    }
    e.finish()
}

fn emit_library_init(e: &mut Emitter, modules: &[ModuleIR], lib: &str) {
    e.open("static struct PyModuleDef CPyGroupModuleDef =");
    e.line(format!(
        "PyModuleDef_HEAD_INIT, {}, NULL, -1, NULL, NULL, NULL, NULL, NULL",
        c_string_literal(lib.as_bytes())
    ));
    e.close(";");
    e.line("");
    e.raw_line("PyMODINIT_FUNC");
    e.open(format!("PyInit_{lib}(void)"));
    e.line("static PyObject *lib = NULL;");
    e.line("PyObject *capsule;");
    e.open("if (lib != NULL)");
    e.line("Py_INCREF(lib);");
    e.line("return lib;");
    e.close("");
    e.line("lib = PyModule_Create(&CPyGroupModuleDef);");
    e.line("if (unlikely(lib == NULL)) return NULL;");
    for m in modules {
        let attr = capsule_attr(&m.name);
        let full = c_string_literal(format!("{lib}.{attr}").as_bytes());
        e.line(format!(
            "capsule = PyCapsule_New((void *){}, {full}, NULL);",
            module_init_function(&m.name)
        ));
        e.line(format!(
            "if (unlikely(capsule == NULL || PyModule_AddObject(lib, {}, capsule) < 0)) goto fail;",
            c_string_literal(attr.as_bytes())
        ));
    }
    e.line("Py_INCREF(lib);");
    e.line("return lib;");
    e.raw_line("fail: ;");
    e.line("Py_XDECREF(capsule);");
    e.line("Py_CLEAR(lib);");
    e.line("return NULL;");
    e.close("");
}

/// The `PyInit_<shortname>` of a single-module plain extension.
pub fn emit_plain_pyinit(m: &ModuleIR) -> String {
    let mut e = Emitter::new();
    e.raw_line("PyMODINIT_FUNC");
    e.open(format!("PyInit_{}(void)", short_name(&m.name)));
    e.line(format!("return {}();", module_init_function(&m.name)));
    e.close("");
    e.finish()
}

/// The C source of a module's shim extension, from `templates/module_shim.c`.
pub fn shim_source(module: &str, library: &str) -> String {
    const TEMPLATE: &str = include_str!("../../templates/module_shim.c");
    TEMPLATE
        .replace("{{MODULE}}", module)
        .replace("{{LIBNAME}}", library)
        .replace("{{SHORTNAME}}", short_name(module))
        .replace("{{CAPSULE}}", &capsule_attr(module))
}
