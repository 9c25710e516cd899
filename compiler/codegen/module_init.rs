//! Module and group initialisation code.
//!
//! Per module: the method table of its wrapped module-level functions and
//! a multi-phase `PyModuleDef` whose create slot makes the module object
//! (pointing the globals static at its dict) and whose exec slot runs the
//! module's top level (resetting the statics on failure).
//!
//! Per group: the definitions of all statics, the literal table and
//! `CPyGlobalsInit` (which creates the literals once), plus, for a shared
//! group library, `PyInit_<group>__mypyc`, publishing each module's
//! `PyModuleDef` in a capsule for the module shims.

use indexmap::{IndexMap, IndexSet};

use crate::ir::{GroupIR, ModuleIR, RType, StaticRef};

use super::ctypes::{c_string_literal, declaration, full_error_test, mangle_module};
use super::emitter::Emitter;
use super::exports::{self, GroupLinks, IMPORTS_INIT};
use super::literals::{LiteralTable, TABLE};
use super::statics::{
    globals_static, internal_module_static, module_def, short_name, static_initializer, static_name,
};

/// The C function creating the literal table (idempotent).
pub const GLOBALS_INIT: &str = "CPyGlobalsInit";

/// The capsule attribute under which the group library publishes a module's
/// `PyModuleDef`.
pub fn capsule_attr(module: &str) -> String {
    format!("def_{}", mangle_module(module))
}

/// Emits the method table, the creation and execution functions and the
/// (multi-phase) `PyModuleDef` of a module.
///
/// Multi-phase initialisation lets the import system create the module from
/// its spec, set `__spec__`, `__file__`, `__path__` (for a package),
/// `__package__` and `__loader__` and insert it into `sys.modules` before the
/// body runs, as for a Python module: a package `__init__` can import its
/// submodules and import cycles see the partly initialised module.
pub fn emit_module_init(m: &ModuleIR) -> String {
    let mut e = Emitter::new();
    let mangled = mangle_module(&m.name);
    e.open(format!("static PyMethodDef CPyMethods_{mangled}[] ="));
    for f in &m.functions {
        let d = &f.decl;
        if d.has_wrapper && d.func.class.is_none() && !d.nested {
            e.line(format!(
                "{{{}, (PyCFunction)(void (*)(void)){}, METH_FASTCALL | METH_KEYWORDS, {}}},",
                c_string_literal(d.func.name.as_bytes()),
                d.c_wrapper_name(),
                super::func::doc_name(&d.func)
            ));
        }
    }
    e.line("{NULL, NULL, 0, NULL}");
    e.close(";");
    e.line("");
    emit_create_function(&mut e, m);
    e.line("");
    emit_exec_function(&mut e, m);
    e.line("");
    e.open(format!("static PyModuleDef_Slot CPySlots_{mangled}[] ="));
    e.line(format!("{{Py_mod_create, (void *)CPyCreate_{mangled}}},"));
    e.line(format!("{{Py_mod_exec, (void *)CPyExec_{mangled}}},"));
    e.line("{0, NULL}");
    e.close(";");
    e.line("");
    e.open(format!("struct PyModuleDef {} =", module_def(&m.name)));
    e.line("PyModuleDef_HEAD_INIT,");
    e.line(format!("{},", c_string_literal(m.name.as_bytes())));
    e.line("NULL,");
    e.line("0,");
    e.line(format!("CPyMethods_{mangled},"));
    e.line(format!("CPySlots_{mangled},"));
    e.line("NULL, NULL, NULL");
    e.close(";");
    e.finish()
}

/// `Py_mod_create`: the module object, made once (importing the module
/// again, e.g. after it was removed from `sys.modules`, gives the same
/// object, whose native code and statics are already initialised).
fn emit_create_function(e: &mut Emitter, m: &ModuleIR) {
    let internal = internal_module_static(&m.name);
    let globals = globals_static(&m.name);
    e.open(format!(
        "static PyObject *CPyCreate_{}(PyObject *spec, PyModuleDef *def)",
        mangle_module(&m.name)
    ));
    e.line("PyObject *name;");
    e.line("(void)def;");
    e.open(format!("if ({internal} != NULL)"));
    e.line(format!("Py_INCREF({internal});"));
    e.line(format!("return {internal};"));
    e.close("");
    e.line("name = PyObject_GetAttrString(spec, \"name\");");
    e.line("if (unlikely(name == NULL)) return NULL;");
    e.line(format!("{internal} = PyModule_NewObject(name);"));
    e.line("Py_DECREF(name);");
    e.line(format!("if (unlikely({internal} == NULL)) return NULL;"));
    e.line(format!("{globals} = PyModule_GetDict({internal});"));
    e.open(format!(
        "if (unlikely(CPyImport_RegisterNative({internal}) < 0))"
    ));
    e.line(format!("Py_CLEAR({internal});"));
    e.line("return NULL;");
    e.close("");
    e.line(format!("Py_INCREF({internal});"));
    e.line(format!("return {internal};"));
    e.close("");
}

/// `Py_mod_exec`: runs the module body once, into the module object made
/// by `CPyCreate_`; on failure the statics are reset so that a later import
/// starts afresh.
fn emit_exec_function(e: &mut Emitter, m: &ModuleIR) {
    let internal = internal_module_static(&m.name);
    let globals = globals_static(&m.name);
    let top = &m.top_level.decl;
    e.open(format!(
        "static int CPyExec_{}(PyObject *module)",
        mangle_module(&m.name)
    ));
    e.line("static int is_done = 0;");
    e.line(format!(
        "{};",
        super::ctypes::declaration(&top.ret, "result")
    ));
    e.open(format!("if (unlikely(module != {internal}))"));
    e.line(format!(
        "PyErr_SetString(PyExc_ImportError, {});",
        c_string_literal(
            format!(
                "compiled module {} cannot be initialised into another module object",
                m.name
            )
            .as_bytes()
        )
    ));
    e.line("return -1;");
    e.close("");
    e.line("if (is_done) return 0;");
    e.line(format!("if ({GLOBALS_INIT}() < 0) goto fail;"));
    e.line(format!("if ({IMPORTS_INIT}() < 0) goto fail;"));
    e.line("is_done = 1;");
    e.line(format!("result = {}();", top.c_native_name()));
    e.line(format!(
        "if (unlikely({})) goto fail;",
        full_error_test("result", &top.ret)
    ));
    e.line("return 0;");
    e.raw_line("fail: ;");
    e.line("is_done = 0;");
    for target in final_statics(m) {
        let (name, t) = (static_name(&target), target.rtype());
        super::conv::emit_dec_ref(e, &name, &t, true);
        let unset = match &t {
            RType::Bit => "0".to_string(),
            other => super::ctypes::error_value(other),
        };
        e.line(format!("{name} = {unset};"));
    }
    e.line(format!("{globals} = NULL;"));
    e.line(format!("CPyImport_UnregisterNative({internal});"));
    e.line(format!("Py_CLEAR({internal});"));
    e.line("return -1;");
    e.close("");
}

/// The `Final` statics the top level of `m` stores (in order, once each).
fn final_statics(m: &ModuleIR) -> IndexSet<StaticRef> {
    m.top_level
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .filter_map(|i| match &i.op {
            crate::ir::Op::InitStatic { target, .. }
                if matches!(target, StaticRef::Final { .. } | StaticRef::FinalSet(_)) =>
            {
                Some(target.clone())
            }
            _ => None,
        })
        .collect()
}

/// The statics a group defines: the globals of its modules, their module
/// objects, and every static referenced by an op (imported modules).
pub struct GroupStatics {
    /// C name to the RType of the variable.
    pub names: IndexMap<String, RType>,
}

impl GroupStatics {
    pub fn collect(modules: &[ModuleIR], refs: &IndexSet<StaticRef>) -> GroupStatics {
        let mut names = IndexMap::new();
        for m in modules {
            names.insert(globals_static(&m.name), RType::OBJECT);
            names.insert(internal_module_static(&m.name), RType::OBJECT);
        }
        for r in refs {
            names.entry(static_name(r)).or_insert_with(|| r.rtype());
        }
        GroupStatics { names }
    }

    /// `extern` declarations of the statics, for the group header.
    pub fn declarations(&self) -> Vec<String> {
        self.names
            .iter()
            .map(|(n, t)| format!("extern {};", declaration(&storage_type(t), n)))
            .collect()
    }

    /// The definitions of the statics, for the group init file.
    pub fn definitions(&self) -> Vec<String> {
        self.names
            .iter()
            .map(|(n, t)| {
                let t = storage_type(t);
                format!("{} = {};", declaration(&t, n), static_initializer(&t))
            })
            .collect()
    }
}

/// Object statics are declared as plain `PyObject *` (whatever their kind).
fn storage_type(t: &RType) -> RType {
    if t.is_boxed() {
        RType::OBJECT
    } else {
        t.clone()
    }
}

/// Emits the group init file: statics, literal table, `CPyGlobalsInit` and,
/// for a shared library, the library's `PyInit`.
pub fn emit_group_init(
    group: &GroupIR,
    statics: &GroupStatics,
    literals: &LiteralTable,
    library: Option<&str>,
    links: &GroupLinks,
) -> String {
    let mut e = Emitter::new();
    for d in statics.definitions() {
        e.line(d);
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
    exports::emit_imports_init(&mut e, links);
    if let Some(lib) = library {
        e.line("");
        emit_library_init(&mut e, group, lib, links);
    }
    e.finish()
}

fn emit_library_init(e: &mut Emitter, group: &GroupIR, lib: &str, links: &GroupLinks) {
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
    e.line("PyObject *capsule = NULL;");
    e.open("if (lib != NULL)");
    e.line("Py_INCREF(lib);");
    e.line("return lib;");
    e.close("");
    e.line("lib = PyModule_Create(&CPyGroupModuleDef);");
    e.line("if (unlikely(lib == NULL)) return NULL;");
    for m in &group.modules {
        let attr = capsule_attr(&m.name);
        let full = c_string_literal(format!("{lib}.{attr}").as_bytes());
        e.line(format!(
            "capsule = PyCapsule_New((void *)&{}, {full}, NULL);",
            module_def(&m.name)
        ));
        e.line(format!(
            "if (unlikely(capsule == NULL || PyModule_AddObject(lib, {}, capsule) < 0)) goto fail;",
            c_string_literal(attr.as_bytes())
        ));
    }
    exports::emit_publish_exports(e, &group.name, &links.exports, lib);
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
    e.line(format!(
        "return PyModuleDef_Init(&{});",
        module_def(&m.name)
    ));
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
