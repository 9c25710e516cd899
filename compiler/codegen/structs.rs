//! C for native struct types (`ir::StructDef`): the instance struct, a
//! static GC-aware type object, and the allocation helper behind
//! `Op::NewStruct`.
//!
//! Every field holds a value in its native representation and owns its
//! references; an unset field holds its type's error value. Dealloc and
//! `tp_clear` release fields with the "X" decrefs (which tolerate error
//! values), and `tp_traverse` visits every object a field refers to, so
//! reference cycles through struct objects (closures referring to
//! themselves, suspended generators) are collected.

use crate::ir::{RType, StructDef, StructRef};

use super::conv::emit_dec_ref;
use super::ctypes::{c_string_literal, declaration, error_value};
use super::emitter::Emitter;

/// The C struct type of a native struct.
pub fn struct_type_name(s: &StructRef) -> String {
    format!("CPyStruct_{}", s.mangled())
}

/// The allocation function of a native struct (returns a new reference or NULL).
pub fn struct_new_function(s: &StructRef) -> String {
    format!("CPyStruct_{}_New", s.mangled())
}

/// The C expression for field `index` of the struct object `obj`.
pub fn field_expr(s: &StructRef, obj: &str, index: usize) -> String {
    format!("(({} *){obj})->f{index}", struct_type_name(s))
}

/// The typedef and allocation prototype, for the group header.
pub fn struct_declaration(module: &str, def: &StructDef) -> String {
    let r = StructRef {
        module: module.to_string(),
        name: def.name.clone(),
    };
    let mut e = Emitter::new();
    e.open("typedef struct");
    e.line("PyObject_HEAD");
    for (i, (_, t)) in def.fields.iter().enumerate() {
        e.line(format!("{};", declaration(t, &format!("f{i}"))));
    }
    e.close(format!(" {};", struct_type_name(&r)));
    e.line(format!("PyObject *{}(void);", struct_new_function(&r)));
    e.finish()
}

/// The type object and its slot functions, for the module's C file.
pub fn struct_definition(module: &str, def: &StructDef) -> String {
    let r = StructRef {
        module: module.to_string(),
        name: def.name.clone(),
    };
    let ty = struct_type_name(&r);
    let type_obj = format!("{ty}_Type");
    let mut e = Emitter::new();
    e.open(format!(
        "static int {ty}_traverse(PyObject *o, visitproc visit, void *arg)"
    ));
    e.line(format!("{ty} *self = ({ty} *)o;"));
    for (i, (_, t)) in def.fields.iter().enumerate() {
        emit_visit(&mut e, &format!("self->f{i}"), t);
    }
    e.line("return 0;");
    e.close("");
    e.open(format!("static int {ty}_clear(PyObject *o)"));
    e.line(format!("{ty} *self = ({ty} *)o;"));
    for (i, (_, t)) in def.fields.iter().enumerate() {
        if t.is_refcounted() {
            e.open("");
            e.line(format!("{} = self->f{i};", declaration(t, "tmp")));
            e.line(format!("self->f{i} = {};", error_value(t)));
            emit_dec_ref(&mut e, "tmp", t, true);
            e.close("");
        }
    }
    e.line("return 0;");
    e.close("");
    e.open(format!("static void {ty}_dealloc(PyObject *o)"));
    e.line("PyObject_GC_UnTrack(o);");
    e.line(format!("Py_TRASHCAN_BEGIN(o, {ty}_dealloc)"));
    e.line(format!("{ty}_clear(o);"));
    e.line("PyObject_GC_Del(o);");
    e.line("Py_TRASHCAN_END");
    e.close("");
    e.open(format!("static PyTypeObject {type_obj} ="));
    e.line("PyVarObject_HEAD_INIT(NULL, 0)");
    e.line(format!(
        ".tp_name = {},",
        c_string_literal(format!("{module}.{}", def.name).as_bytes())
    ));
    e.line(format!(".tp_basicsize = sizeof({ty}),"));
    e.line(format!(".tp_dealloc = {ty}_dealloc,"));
    e.line(".tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,");
    e.line(format!(".tp_traverse = {ty}_traverse,"));
    e.line(format!(".tp_clear = {ty}_clear,"));
    e.close(";");
    e.open(format!("PyObject *{}(void)", struct_new_function(&r)));
    e.open(format!(
        "if (unlikely(!({type_obj}.tp_flags & Py_TPFLAGS_READY)))"
    ));
    e.line(format!("if (PyType_Ready(&{type_obj}) < 0) return NULL;"));
    e.close("");
    e.line(format!("{ty} *self = PyObject_GC_New({ty}, &{type_obj});"));
    e.line("if (self == NULL) return NULL;");
    for (i, (_, t)) in def.fields.iter().enumerate() {
        e.line(format!("self->f{i} = {};", error_value(t)));
    }
    e.line("PyObject_GC_Track((PyObject *)self);");
    e.line("return (PyObject *)self;");
    e.close("");
    e.finish()
}

/// Emits `Py_VISIT` of every object that `expr` (of type `t`) refers to.
pub fn emit_visit(e: &mut Emitter, expr: &str, t: &RType) {
    match t {
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => e.line(format!("Py_VISIT({expr});")),
        RType::Int => e.line(format!(
            "if (CPyTagged_CheckLong({expr}) && {expr} != CPY_INT_TAG) Py_VISIT(CPyTagged_LongAsObject({expr}));"
        )),
        RType::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                emit_visit(e, &format!("{expr}.f{i}"), item);
            }
        }
        _ => {}
    }
}
