//! C for native classes (`ir::ClassIR`): the instance struct, the vtable,
//! allocation (`<class>_setup`), the GC slots, attribute descriptors for
//! Python code, the type spec, and the ops that read and write attributes
//! and call methods through the vtable.
//!
//! The type object is created at run time, when the class statement runs,
//! from a `PyType_Spec` and the class's bases (`CPyType_FromNativeSpec`):
//! a heap type, so its namespace (methods as function objects, properties,
//! class variables, dunders, which update the type slots) is installed with
//! ordinary attribute assignment. Instances have no `__dict__`: every
//! attribute is a struct field, exposed to Python by a getset descriptor
//! that type-checks assigned values.
//!
//! A class derived from a builtin exception (`ClassIR::builtin_base`)
//! starts its struct with the exception's (`PyBaseExceptionObject`), so the
//! vtable pointer and fields come after it; allocation goes through
//! `BaseException.__new__` (the constructor arguments become `args`), and
//! the GC slots also visit and clear the exception's fields.
//!
//! Construction follows mypyc: `tp_new` allocates (or calls the class's own
//! `__new__`) and runs `__init__`, and `tp_init` does nothing, so that
//! `C.__new__(C, ...)` gives an initialized instance too. Both slots are
//! set after the namespace is installed (a `__new__` or `__init__` there
//! would have made them the interpreter's slot functions).

use crate::ir::{class_struct_name, class_type_static, ArgKind, ClassIR, FuncDecl, FuncRef, RType};

use super::conv::{branch_error_condition, emit_box, emit_dec_ref, emit_unbox};
use super::ctypes::{
    c_identifier_fragment, c_string_literal, declaration, error_test, error_value,
};
use super::emitter::Emitter;

/// The struct member holding attribute `name`.
pub fn attr_field(name: &str) -> String {
    match c_identifier_fragment(name) {
        Some(n) => format!("a_{n}"),
        None => {
            let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
            format!("a_x{hex}")
        }
    }
}

/// The definedness flag of an attribute whose error value overlaps a valid
/// value.
fn defined_flag(name: &str) -> String {
    format!("{}_def", attr_field(name))
}

fn short_name(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

fn member(class: &str, obj: &str, name: &str) -> String {
    format!(
        "(({} *){obj})->{}",
        class_struct_name(class),
        attr_field(name)
    )
}

fn flag_member(class: &str, obj: &str, name: &str) -> String {
    format!(
        "(({} *){obj})->{}",
        class_struct_name(class),
        defined_flag(name)
    )
}

/// C condition: attribute `name` of `obj` is unset.
fn unset_test(class: &str, obj: &str, name: &str, t: &RType) -> String {
    if t.error_overlaps() {
        format!("!{}", flag_member(class, obj, name))
    } else {
        error_test(&member(class, obj, name), t)
    }
}

fn undefined_message(class: &str, name: &str) -> String {
    format!("attribute '{name}' of '{}' undefined", short_name(class))
}

/// `dest = obj.attr` (a new reference), or AttributeError and the error value.
/// A read of attribute `attr` of `obj`, an instance of native class
/// `class`: a new reference, or the field's own when `borrow`.
pub struct AttrRead<'a> {
    pub obj: &'a str,
    pub class: &'a str,
    pub attr: &'a str,
    pub rtype: &'a RType,
    pub borrow: bool,
}

impl AttrRead<'_> {
    /// `dest = obj.attr`, raising AttributeError if it is unset.
    pub fn emit_checked(&self, e: &mut Emitter, dest: &str) {
        let (class, attr, t) = (self.class, self.attr, self.rtype);
        e.open(format!(
            "if (unlikely({}))",
            unset_test(class, self.obj, attr, t)
        ));
        e.line(format!(
            "PyErr_SetString(PyExc_AttributeError, {});",
            c_string_literal(undefined_message(class, attr).as_bytes())
        ));
        e.line(format!("{dest} = {};", error_value(t)));
        e.else_branch();
        self.emit_defined(e, dest);
        e.close("");
    }

    /// `dest = obj.attr` of an always-defined attribute.
    pub fn emit_defined(&self, e: &mut Emitter, dest: &str) {
        e.line(format!(
            "{dest} = {};",
            member(self.class, self.obj, self.attr)
        ));
        if !self.borrow {
            super::conv::emit_inc_ref(e, dest, self.rtype);
        }
    }
}

/// `obj.attr = value` (the value's reference moves into the attribute).
pub fn emit_set_attr(e: &mut Emitter, obj: &str, class: &str, attr: &str, value: &str, t: &RType) {
    let slot = member(class, obj, attr);
    e.open("");
    e.line(format!("{} = {slot};", declaration(t, "old")));
    e.line(format!("{slot} = {value};"));
    if t.error_overlaps() {
        e.line(format!("{} = 1;", flag_member(class, obj, attr)));
    }
    emit_dec_ref(e, "old", t, true);
    e.close("");
}

/// The function pointer of vtable slot `slot` of `obj`, cast to the native
/// signature (`types`: the parameter types, the receiver first). The
/// vtable pointer follows the class's builtin base struct (`builtin_base`)
/// or, without one, the object header.
pub fn method_pointer(
    builtin_base: Option<&str>,
    obj: &str,
    slot: usize,
    types: &[RType],
    ret: &RType,
) -> String {
    let params: Vec<String> = types.iter().map(|t| t.c_type()).collect();
    format!(
        "(({} (*)({}))(({} *){obj})->vtable[{slot}])",
        ret.c_type(),
        params.join(", "),
        native_header(builtin_base)
    )
}

/// The C struct of the start of instances of native classes with builtin
/// base `builtin_base`: the base's struct and the vtable pointer.
fn native_header(builtin_base: Option<&str>) -> &'static str {
    match builtin_base {
        Some("PyBaseExceptionObject") => "CPyNativeExceptionObject",
        Some(other) => panic!("no native header for builtin base {other}"),
        None => "CPyNativeObject",
    }
}

pub(super) fn setup_function(class: &str) -> String {
    format!("{}_setup", crate::ir::class_mangled(class))
}

/// The C call behind `Op::NewInstance`.
pub fn new_instance_call(class: &str) -> String {
    format!("{}({})", setup_function(class), class_type_static(class))
}

/// The attributes of each class of the base chain, root first.
fn layout_segments(c: &ClassIR) -> Vec<&[(String, RType)]> {
    let mut bounds: Vec<usize> = c
        .layout_segments
        .iter()
        .map(|&s| s.min(c.attrs.len()))
        .collect();
    if bounds.first() != Some(&0) {
        bounds.insert(0, 0);
    }
    bounds.push(c.attrs.len());
    bounds
        .windows(2)
        .map(|w| &c.attrs[w[0]..w[1].max(w[0])])
        .collect()
}

/// The instance struct and the prototypes other C files of the group use.
pub fn class_declaration(c: &ClassIR) -> String {
    let full = c.full_name();
    let mut e = Emitter::new();
    e.raw(&instance_struct(c));
    e.line(format!(
        "PyObject *{}(PyObject *type_obj);",
        setup_function(&full)
    ));
    e.line(format!(
        "PyObject *{}(PyObject *bases, PyObject *ns);",
        crate::ir::class_create_function(&full)
    ));
    e.finish()
}

/// The instance struct of a class (also declared by the groups that use a
/// class of another group).
pub fn instance_struct(c: &ClassIR) -> String {
    let full = c.full_name();
    let mut e = Emitter::new();
    e.open("typedef struct");
    match &c.builtin_base {
        Some(b) => e.line(format!("{b} base;")),
        None => e.line("PyObject_HEAD"),
    }
    e.line("CPyVTableItem *vtable;");
    for segment in layout_segments(c) {
        for (name, t) in segment {
            e.line(format!("{};", declaration(t, &attr_field(name))));
        }
        for (name, t) in segment {
            if t.error_overlaps() {
                e.line(format!("char {};", defined_flag(name)));
            }
        }
    }
    e.close(format!(" {};", class_struct_name(&full)));
    e.finish()
}

/// The vtable, slot functions, descriptors and type spec of a class.
/// Native functions from another group's exports table (`links`) have
/// their vtable slots filled when the class is created.
pub fn class_definition(c: &ClassIR, links: &super::exports::GroupLinks) -> String {
    let imported = &|f: &FuncRef| links.is_imported_func(f);
    let full = c.full_name();
    let m = c.mangled();
    let st = class_struct_name(&full);
    let mut e = Emitter::new();
    emit_vtable(&mut e, c, imported);
    emit_setup(&mut e, c);
    e.open(format!(
        "static PyObject *{m}_new(PyTypeObject *type, PyObject *args, PyObject *kwds)"
    ));
    // A class with abstract methods (an `abc.ABC`), as `object.__new__`.
    e.line("if (unlikely(type->tp_flags & Py_TPFLAGS_IS_ABSTRACT)) return CPy_NewAbstract(type);");
    e.open(format!(
        "if (type != (PyTypeObject *){})",
        class_type_static(&full)
    ));
    if c.allow_interpreted_subclasses {
        // A Python subclass: methods are looked up through Python.
        e.line(format!(
            "PyObject *self = {}((PyObject *)type);",
            setup_function(&full)
        ));
        e.line("if (self == NULL) return NULL;");
        e.line(format!("(({st} *)self)->vtable = {m}_glue_vtable;"));
        if c.builtin_base.is_some() {
            e.line("CPyException_SetArgs(self, args);");
        }
        e.line("return self;");
    } else {
        e.line("PyErr_SetString(PyExc_TypeError, \"interpreted classes cannot inherit from compiled\");");
        e.line("return NULL;");
    }
    e.close("");
    // Another group's `__new__`: its wrapper is not linked here.
    let foreign_owner = c
        .new_method
        .as_ref()
        .and_then(FuncRef::class_full_name)
        .filter(|owner| links.is_foreign_class(owner));
    match (&c.new_method, foreign_owner) {
        (Some(_), Some(owner)) => e.line(format!(
            "PyObject *self = CPy_CallInheritedNew({}, type, args, kwds);",
            class_type_static(&owner)
        )),
        (Some(f), None) => e.line(format!(
            "PyObject *self = CPy_CallFastcallPrepend(CPyPy_{}, (PyObject *)type, args, kwds);",
            f.mangled()
        )),
        (None, _) => e.line(format!(
            "PyObject *self = {}((PyObject *)type);",
            setup_function(&full)
        )),
    }
    e.line("if (self == NULL) return NULL;");
    if c.builtin_base.is_some() {
        // As `BaseException.__new__`: the arguments, whatever `__init__`
        // does with them.
        e.line("CPyException_SetArgs(self, args);");
    }
    if c.init_in_new() {
        // As mypyc: `__init__` runs here (`tp_init` does nothing), so that
        // `cls.__new__(cls, ...)` gives an initialized instance.
        let has_new = u8::from(c.new_method.is_some());
        // The class's own `__init__` (defined or inherited natively), when
        // its wrapper is linked here: called without a lookup for
        // instances of exactly this class.
        let init = c
            .vtable
            .iter()
            .find(|v| v.name == "__init__" && v.glue_target.is_none() && !v.getter)
            .map(|v| &v.decl.func)
            .filter(|f| {
                f.class_full_name()
                    .is_some_and(|owner| !links.is_foreign_class(&owner))
            });
        let call = match init {
            Some(f) => format!(
                "CPy_NativeInitOwn(self, args, kwds, {has_new}, (PyObject *){}, CPyPy_{})",
                class_type_static(&full),
                f.mangled()
            ),
            None => format!("CPy_NativeInit(self, args, kwds, {has_new})"),
        };
        e.open(format!("if (PyObject_TypeCheck(self, type) && {call} < 0)"));
        e.line("Py_DECREF(self);");
        e.line("return NULL;");
        e.close("");
    }
    e.line("return self;");
    e.close("");
    emit_gc_slots(&mut e, c, &st);
    emit_getsets(&mut e, c, &st);
    emit_method_table(&mut e, c);
    e.open(format!("static PyType_Slot {m}_slots[] ="));
    e.line(format!("{{Py_tp_new, (void *){m}_new}},"));
    e.line(format!("{{Py_tp_dealloc, (void *){m}_dealloc}},"));
    if !c.acyclic {
        e.line(format!("{{Py_tp_traverse, (void *){m}_traverse}},"));
        e.line(format!("{{Py_tp_clear, (void *){m}_clear}},"));
    }
    e.line(format!("{{Py_tp_getset, (void *){m}_getset}},"));
    e.line(format!("{{Py_tp_methods, (void *){m}_methods}},"));
    e.line("{0, NULL},");
    e.close(";");
    e.open(format!("static PyType_Spec {m}_spec ="));
    e.line(format!("{},", c_string_literal(full.as_bytes())));
    e.line(format!("sizeof({st}),"));
    e.line("0,");
    if c.acyclic {
        e.line("Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,");
    } else {
        e.line("Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE,");
    }
    e.line(format!("{m}_slots,"));
    e.close(";");
    e.open(format!(
        "PyObject *{}(PyObject *bases, PyObject *ns)",
        crate::ir::class_create_function(&full)
    ));
    // `__mypyc_attrs__` as mypyc orders it: own attributes, then inherited.
    let split = c.own_attrs_start.min(c.attrs.len());
    let names: Vec<String> = c.attrs[split..]
        .iter()
        .chain(&c.attrs[..split])
        .map(|(n, _)| c_string_literal(n.as_bytes()))
        .collect();
    e.line(format!(
        "PyObject *attrs = Py_BuildValue(\"({})\"{});",
        "s".repeat(names.len()),
        names.iter().map(|n| format!(", {n}")).collect::<String>()
    ));
    e.line("if (attrs == NULL) return NULL;");
    emit_imported_slots(&mut e, c, imported);
    e.line(format!(
        "PyObject *type = CPyType_FromNativeSpec(&{m}_spec, bases, ns, attrs);"
    ));
    e.line("Py_DECREF(attrs);");
    // Classes with `__new__` keep their setup where `object.__new__(cls)`
    // in an inherited `__new__` finds it (`CPy_SetupNative`).
    let setup = match c.new_method {
        Some(_) => setup_function(&full),
        None => "NULL".into(),
    };
    e.open(format!(
        "if (type != NULL && CPyType_SetNativeConstruction(type, {m}_new, {}, {setup}) < 0)",
        u8::from(c.init_in_new())
    ));
    e.line("Py_CLEAR(type);");
    e.close("");
    e.line("return type;");
    e.close("");
    e.finish()
}

fn emit_vtable(e: &mut Emitter, c: &ClassIR, imported: &dyn Fn(&FuncRef) -> bool) {
    let m = c.mangled();
    if c.allow_interpreted_subclasses {
        emit_glue_vtable(e, c, imported);
    }
    e.open(format!(
        "static CPyVTableItem {m}_vtable[{}] =",
        c.vtable.len().max(1)
    ));
    if c.vtable.is_empty() {
        e.line("NULL,");
    }
    for v in &c.vtable {
        e.line(vtable_item(&v.decl, imported));
    }
    e.close(";");
}

/// A vtable initializer item: the function, or NULL for one of another
/// group (whose address is known at run time only).
fn vtable_item(decl: &FuncDecl, imported: &dyn Fn(&FuncRef) -> bool) -> String {
    if imported(&decl.func) {
        format!("NULL, /* {} */", decl.c_native_name())
    } else {
        format!("(CPyVTableItem){},", decl.c_native_name())
    }
}

/// Fill the vtable slots whose functions come from another group.
fn emit_imported_slots(e: &mut Emitter, c: &ClassIR, imported: &dyn Fn(&FuncRef) -> bool) {
    let m = c.mangled();
    for (i, v) in c.vtable.iter().enumerate() {
        if !imported(&v.decl.func) {
            continue;
        }
        let f = v.decl.c_native_name();
        e.line(format!("{m}_vtable[{i}] = (CPyVTableItem){f};"));
        if c.allow_interpreted_subclasses && !(v.getter || has_glue(&v.decl)) {
            e.line(format!("{m}_glue_vtable[{i}] = (CPyVTableItem){f};"));
        }
    }
}

/// Can a glue function forward calls of this method through Python?
fn has_glue(decl: &FuncDecl) -> bool {
    !decl
        .params
        .iter()
        .any(|p| matches!(p.kind, ArgKind::Star | ArgKind::Star2 | ArgKind::Env))
}

/// The vtable for instances of Python subclasses: each method is a glue
/// function with the native signature that calls the method by name.
fn emit_glue_vtable(e: &mut Emitter, c: &ClassIR, imported: &dyn Fn(&FuncRef) -> bool) {
    let m = c.mangled();
    for (i, v) in c.vtable.iter().enumerate() {
        if v.getter {
            emit_getter_glue(e, &format!("{m}_glue{i}"), &v.name, &v.decl);
        } else if has_glue(&v.decl) {
            emit_glue_function(e, &format!("{m}_glue{i}"), &v.name, &v.decl);
        }
    }
    e.open(format!(
        "static CPyVTableItem {m}_glue_vtable[{}] =",
        c.vtable.len().max(1)
    ));
    if c.vtable.is_empty() {
        e.line("NULL,");
    }
    for (i, v) in c.vtable.iter().enumerate() {
        if v.getter || has_glue(&v.decl) {
            e.line(format!("(CPyVTableItem){m}_glue{i},"));
        } else {
            e.line(vtable_item(&v.decl, imported));
        }
    }
    e.close(";");
}

/// The end of a glue function: return the Python call's `result` unboxed
/// to `ret` (a `TypeError` for a wrong type), or the error value.
fn emit_return_unboxed(e: &mut Emitter, ret: &RType) {
    e.line(format!("if (result == NULL) return {};", error_value(ret)));
    e.line(format!("{};", declaration(ret, "ret")));
    emit_unbox(e, "ret", "result", ret);
    e.line("Py_DECREF(result);");
    e.line("return ret;");
    e.close("");
}

/// A property getter's glue: the attribute, read through Python.
fn emit_getter_glue(e: &mut Emitter, fname: &str, name: &str, decl: &FuncDecl) {
    e.open(format!(
        "static {}",
        declaration(&decl.ret, &format!("{fname}(PyObject *self)"))
    ));
    e.line(format!(
        "PyObject *result = PyObject_GetAttrString(self, {});",
        c_string_literal(name.as_bytes())
    ));
    emit_return_unboxed(e, &decl.ret);
}

/// `ret glue(self, args...)`: box the arguments (omitted optional ones are
/// left out, later ones passed by keyword), call `self.<method>(...)`
/// through Python, and unbox the result.
fn emit_glue_function(e: &mut Emitter, fname: &str, method: &str, decl: &FuncDecl) {
    let n = decl.params.len();
    let params: Vec<String> = decl
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| declaration(&p.rtype, &format!("a{i}")))
        .collect();
    e.open(format!(
        "static {}",
        declaration(&decl.ret, &format!("{fname}({})", params.join(", ")))
    ));
    e.line("static PyObject *name = NULL;");
    e.line(format!(
        "if (name == NULL && (name = PyUnicode_InternFromString({})) == NULL) return {};",
        c_string_literal(method.as_bytes()),
        error_value(&decl.ret)
    ));
    e.line(format!("PyObject *pos[{n}];"));
    e.line(format!("PyObject *kwv[{n}];"));
    e.line(format!("PyObject *kwn[{n}];"));
    e.line("Py_ssize_t npos = 1, nkw = 0;");
    e.line("int by_name = 0;");
    e.line("(void)by_name; (void)kwv; (void)kwn;");
    e.line("pos[0] = a0;");
    e.line("PyObject *result = NULL;");
    for (i, p) in decl.params.iter().enumerate().skip(1) {
        let optional = matches!(p.kind, ArgKind::Optional | ArgKind::KwOnlyOptional);
        let kw_only = matches!(p.kind, ArgKind::KwOnly | ArgKind::KwOnlyOptional);
        let arg = format!("a{i}");
        e.open("");
        if optional {
            e.open(format!("if ({})", error_test(&arg, &p.rtype)));
            e.line("by_name = 1;");
            e.line(format!("goto skip_arg{i};"));
            e.close("");
        }
        e.line("PyObject *boxed;");
        emit_box(e, "boxed", &arg, &p.rtype);
        e.line("if (boxed == NULL) goto fail;");
        if kw_only {
            e.line("by_name = 1;");
        }
        e.open("if (by_name)");
        e.line(format!(
            "kwn[nkw] = PyUnicode_InternFromString({});",
            c_string_literal(p.name.as_bytes())
        ));
        e.line("kwv[nkw++] = boxed;");
        e.else_branch();
        e.line("pos[npos++] = boxed;");
        e.close("");
        e.close("");
        if optional {
            e.line(format!("skip_arg{i}: ;"));
        }
    }
    e.open("");
    e.line("PyObject *kwnames = NULL;");
    e.open("if (nkw > 0)");
    e.line("kwnames = PyTuple_New(nkw);");
    e.line("if (kwnames == NULL) goto fail;");
    e.open("for (Py_ssize_t k = 0; k < nkw; k++)");
    e.line("PyTuple_SET_ITEM(kwnames, k, kwn[k]);");
    e.line("kwn[k] = NULL;");
    e.line("pos[npos + k] = kwv[k];");
    e.close("");
    e.close("");
    e.line("result = PyObject_VectorcallMethod(name, pos, npos, kwnames);");
    e.line("Py_XDECREF(kwnames);");
    e.close("");
    e.line("fail:");
    e.line("for (Py_ssize_t k = 1; k < npos; k++) Py_DECREF(pos[k]);");
    e.line("for (Py_ssize_t k = 0; k < nkw; k++) { Py_DECREF(kwv[k]); Py_XDECREF(kwn[k]); }");
    emit_return_unboxed(e, &decl.ret);
}

/// The type's method descriptors. Each calls the function's wrapper with
/// the receiver prepended to the arguments (the wrapper parses the
/// receiver as its first parameter).
fn emit_method_table(e: &mut Emitter, c: &ClassIR) {
    let m = c.mangled();
    for (i, (_, func)) in c.py_methods.iter().enumerate() {
        e.open(format!(
            "static PyObject *{m}_method{i}(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)"
        ));
        e.line("Py_ssize_t n = nargs + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);");
        e.line("PyObject *small[8];");
        e.line("PyObject **buf = n < 8 ? small : (PyObject **)PyMem_Malloc((n + 1) * sizeof(PyObject *));");
        e.line("if (buf == NULL) return PyErr_NoMemory();");
        e.line("buf[0] = self;");
        e.line("for (Py_ssize_t k = 0; k < n; k++) buf[k + 1] = args[k];");
        e.line(format!(
            "PyObject *result = CPyPy_{}(NULL, buf, nargs + 1, kwnames);",
            func.mangled()
        ));
        e.line("if (buf != small) PyMem_Free(buf);");
        e.line("return result;");
        e.close("");
    }
    e.open(format!("static PyMethodDef {m}_methods[] ="));
    for (i, (name, func)) in c.py_methods.iter().enumerate() {
        e.line(format!(
            "{{{}, (PyCFunction)(void (*)(void)){m}_method{i}, METH_FASTCALL | METH_KEYWORDS, {}}},",
            c_string_literal(name.as_bytes()),
            super::func::doc_name(func)
        ));
    }
    e.line("{NULL},");
    e.close(";");
}

fn emit_setup(e: &mut Emitter, c: &ClassIR) {
    let full = c.full_name();
    let st = class_struct_name(&full);
    e.open(format!(
        "PyObject *{}(PyObject *type_obj)",
        setup_function(&full)
    ));
    e.open("if (unlikely(type_obj == NULL))");
    e.line(format!(
        "PyErr_SetString(PyExc_NameError, {});",
        c_string_literal(format!("class '{}' is not defined yet", c.name).as_bytes())
    ));
    e.line("return NULL;");
    e.close("");
    e.line("PyTypeObject *type = (PyTypeObject *)type_obj;");
    if c.builtin_base.is_some() {
        // The exception's fields initialized (`args` empty).
        e.line(format!("{st} *self = ({st} *)CPyException_Alloc(type);"));
    } else {
        e.line(format!("{st} *self = ({st} *)type->tp_alloc(type, 0);"));
    }
    e.line("if (self == NULL) return NULL;");
    e.line(format!("self->vtable = {}_vtable;", c.mangled()));
    for (name, t) in &c.attrs {
        e.line(format!("self->{} = {};", attr_field(name), error_value(t)));
    }
    if let Some(f) = &c.defaults_setup {
        e.open(format!(
            "if (CPyDef_{}((PyObject *)self) == 2)",
            f.mangled()
        ));
        e.line("Py_DECREF(self);");
        e.line("return NULL;");
        e.close("");
    }
    e.line("return (PyObject *)self;");
    e.close("");
}

fn emit_gc_slots(e: &mut Emitter, c: &ClassIR, st: &str) {
    let m = c.mangled();
    if !c.acyclic {
        e.open(format!(
            "static int {m}_traverse(PyObject *o, visitproc visit, void *arg)"
        ));
        e.line(format!("{st} *self = ({st} *)o;"));
        // The type is not visited (as in mypyc): each instance's reference
        // keeps its class alive, so a class in a cycle with its own
        // instances is never collected, and the collector does half the
        // work per instance.
        for (name, t) in &c.attrs {
            super::structs::emit_visit(e, &format!("self->{}", attr_field(name)), t);
        }
        if c.builtin_base.is_some() {
            e.line("return CPyException_Traverse(o, visit, arg);");
        } else {
            e.line("return 0;");
        }
        e.close("");
    }
    e.open(format!("static int {m}_clear(PyObject *o)"));
    e.line(format!("{st} *self = ({st} *)o;"));
    for (name, t) in &c.attrs {
        if t.is_refcounted() {
            let f = attr_field(name);
            e.open("");
            e.line(format!("{} = self->{f};", declaration(t, "tmp")));
            e.line(format!("self->{f} = {};", error_value(t)));
            emit_dec_ref(e, "tmp", t, true);
            e.close("");
        }
    }
    if c.builtin_base.is_some() {
        e.line("CPyException_Clear(o);");
    }
    e.line("return 0;");
    e.close("");
    e.open(format!("static void {m}_dealloc(PyObject *o)"));
    // `__del__` (tp_finalize) runs first and may resurrect the object.
    e.open("if (Py_TYPE(o)->tp_finalize != NULL)");
    e.line("if (PyObject_CallFinalizerFromDealloc(o) < 0) return;");
    e.close("");
    if c.acyclic {
        // Not a GC object: no GC header to untrack, no trashcan (which
        // needs one).
        e.line(format!("{m}_clear(o);"));
        e.line("PyTypeObject *tp = Py_TYPE(o);");
        e.line("tp->tp_free(o);");
        e.line("Py_DECREF(tp);");
    } else {
        e.line("PyObject_GC_UnTrack(o);");
        e.line(format!("Py_TRASHCAN_BEGIN(o, {m}_dealloc)"));
        e.line(format!("{m}_clear(o);"));
        e.line("PyTypeObject *tp = Py_TYPE(o);");
        e.line("tp->tp_free(o);");
        e.line("Py_DECREF(tp);");
        e.line("Py_TRASHCAN_END");
    }
    e.close("");
}

fn emit_getsets(e: &mut Emitter, c: &ClassIR, st: &str) {
    let m = c.mangled();
    let full = c.full_name();
    let own = &c.attrs[c.own_attrs_start.min(c.attrs.len())..];
    for (i, (name, t)) in own.iter().enumerate() {
        let f = attr_field(name);
        e.open(format!(
            "static PyObject *{m}_get{i}(PyObject *o, void *closure)"
        ));
        e.open(format!(
            "if (unlikely({}))",
            unset_test(&full, "o", name, t)
        ));
        e.line(format!(
            "PyErr_SetString(PyExc_AttributeError, {});",
            c_string_literal(undefined_message(&full, name).as_bytes())
        ));
        e.line("return NULL;");
        e.close("");
        e.line("PyObject *result;");
        emit_box(e, "result", &format!("(({st} *)o)->{f}"), t);
        e.line("return result;");
        e.close("");
        e.open(format!(
            "static int {m}_set{i}(PyObject *o, PyObject *value, void *closure)"
        ));
        e.line(format!("{st} *self = ({st} *)o;"));
        e.open("if (value == NULL)");
        if c.deletable.iter().any(|d| d == name) {
            e.line(format!("{} = self->{f};", declaration(t, "old")));
            e.line(format!("self->{f} = {};", error_value(t)));
            if t.error_overlaps() {
                e.line(format!("self->{} = 0;", defined_flag(name)));
            }
            emit_dec_ref(e, "old", t, true);
            e.line("return 0;");
        } else {
            e.line(format!(
                "PyErr_SetString(PyExc_AttributeError, {});",
                c_string_literal(
                    format!("'{}' object attribute '{name}' cannot be deleted", c.name).as_bytes()
                )
            ));
            e.line("return -1;");
        }
        e.close("");
        e.line(format!("{};", declaration(t, "tmp")));
        emit_unbox(e, "tmp", "value", t);
        if t.is_native_int() {
            super::conv::emit_native_int_arg_error(e, "tmp", "value", t);
        }
        e.line(format!(
            "if (unlikely({})) return -1;",
            branch_error_condition("tmp", t)
        ));
        e.line(format!("{} = self->{f};", declaration(t, "old")));
        e.line(format!("self->{f} = tmp;"));
        if t.error_overlaps() {
            e.line(format!("self->{} = 1;", defined_flag(name)));
        }
        emit_dec_ref(e, "old", t, true);
        e.line("return 0;");
        e.close("");
    }
    e.open(format!("static PyGetSetDef {m}_getset[] ="));
    for (i, (name, _)) in own.iter().enumerate() {
        e.line(format!(
            "{{{}, {m}_get{i}, {m}_set{i}, NULL, NULL}},",
            c_string_literal(name.as_bytes())
        ));
    }
    e.line("{NULL},");
    e.close(";");
}
