//! Conversions between representations, shared by function bodies and
//! wrappers: boxing, checked unboxing, checked casts, and reference count
//! operations on every RType (tuples recurse into their items).
//!
//! Each emitter writes statements that assign a C lvalue `dest` from a C
//! expression `src` (a local name or a struct field), so they compose for
//! nested tuples.

use crate::ir::RType;

use super::ctypes::{declaration, error_value, full_error_test, object_check, python_type_name};
use super::emitter::Emitter;

/// Emits an incref of `expr` (of type `t`); nothing for unrefcounted types.
pub fn emit_inc_ref(e: &mut Emitter, expr: &str, t: &RType) {
    match t {
        RType::Int => e.line(format!("CPyTagged_INCREF({expr});")),
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => {
            e.line(format!("Py_INCREF({expr});"))
        }
        RType::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                emit_inc_ref(e, &format!("{expr}.f{i}"), item);
            }
        }
        _ => {}
    }
}

/// Emits a decref (or xdecref, which tolerates the error value) of `expr`.
pub fn emit_dec_ref(e: &mut Emitter, expr: &str, t: &RType, xdec: bool) {
    let x = if xdec { "X" } else { "" };
    match t {
        RType::Int => e.line(format!("CPyTagged_{x}DECREF({expr});")),
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => {
            e.line(format!("Py_{x}DECREF({expr});"))
        }
        RType::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                emit_dec_ref(e, &format!("{expr}.f{i}"), item, xdec);
            }
        }
        _ => {}
    }
}

/// `dest = box(src)`: a new reference to a Python object for an unboxed
/// value of type `t` (for boxed types, `src` itself with an incref).
pub fn emit_box(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    match t {
        RType::Int => e.line(format!("{dest} = CPyTagged_AsObject({src});")),
        RType::Bool | RType::Bit => {
            e.line(format!("{dest} = {src} ? Py_True : Py_False;"));
            e.line(format!("Py_INCREF({dest});"));
        }
        RType::None | RType::Void => {
            e.line(format!("{dest} = Py_None;"));
            e.line(format!("Py_INCREF({dest});"));
        }
        RType::Float => e.line(format!("{dest} = PyFloat_FromDouble({src});")),
        RType::I64 | RType::I32 | RType::I16 | RType::U8 | RType::CInt | RType::SsizeT => {
            e.line(format!("{dest} = CPyLong_FromLongLong((long long){src});"))
        }
        RType::CStr => e.line(format!("{dest} = PyUnicode_FromString({src});")),
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => {
            e.line(format!("{dest} = {src};"));
            e.line(format!("Py_INCREF({dest});"));
        }
        RType::Tuple(items) => emit_box_tuple(e, dest, src, items, false),
    }
}

/// `dest = box(src)` taking over `src`'s references: an unboxed tuple's
/// items move into the new tuple object (and are released if it cannot be
/// allocated). Other types box as `emit_box` does, then release `src`.
pub fn emit_box_stealing(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    match t {
        RType::Tuple(items) => emit_box_tuple(e, dest, src, items, true),
        _ => {
            emit_box(e, dest, src, t);
            emit_dec_ref(e, src, t, false);
        }
    }
}

fn emit_box_tuple(e: &mut Emitter, dest: &str, src: &str, items: &[RType], steal: bool) {
    e.line(format!("{dest} = PyTuple_New({});", items.len()));
    if items.is_empty() {
        return;
    }
    e.open(format!("if (likely({dest} != NULL))"));
    for (i, item) in items.iter().enumerate() {
        let tmp = e.temp("item");
        e.open("");
        e.line(format!("PyObject *{tmp};"));
        let field = format!("{src}.f{i}");
        match item {
            _ if !steal => emit_box(e, &tmp, &field, item),
            RType::Int => e.line(format!("{tmp} = CPyTagged_StealAsObject({field});")),
            RType::Tuple(_) => emit_box_stealing(e, &tmp, &field, item),
            _ if item.is_boxed() => e.line(format!("{tmp} = {field};")),
            _ => emit_box(e, &tmp, &field, item),
        }
        e.line(format!("PyTuple_SET_ITEM({dest}, {i}, {tmp});"));
        e.close("");
    }
    if steal {
        e.else_branch();
        emit_dec_ref(e, src, &RType::Tuple(items.to_vec()), false);
    }
    e.close("");
}

/// `dest = unbox(src)` with a runtime type check. `dest` receives a value it
/// owns (a new reference for refcounted types) or, after a `TypeError` (or
/// `OverflowError` for native ints), the error value of `t`.
pub fn emit_unbox(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    match t {
        RType::Int => {
            e.open(format!("if (likely(PyLong_Check({src})))"));
            e.line(format!("{dest} = CPyTagged_FromObject({src});"));
            emit_type_error_else(e, dest, src, t);
        }
        RType::Bool | RType::Bit => {
            e.open(format!("if (likely(PyBool_Check({src})))"));
            e.line(format!("{dest} = {src} == Py_True;"));
            emit_type_error_else(e, dest, src, t);
        }
        RType::None | RType::Void => {
            e.open(format!("if (likely({src} == Py_None))"));
            e.line(format!("{dest} = 1;"));
            emit_type_error_else(e, dest, src, t);
        }
        RType::Float => e.line(format!("{dest} = CPyFloat_FromObject({src});")),
        RType::I64 => e.line(format!("{dest} = CPyObject_AsInt64({src});")),
        RType::I32 => e.line(format!("{dest} = CPyObject_AsInt32({src});")),
        RType::I16 => e.line(format!("{dest} = CPyObject_AsInt16({src});")),
        RType::U8 => e.line(format!("{dest} = CPyObject_AsUInt8({src});")),
        RType::CInt | RType::SsizeT => emit_unbox_native_int(e, dest, src, t),
        RType::CStr => {
            e.open(format!("if (likely(PyUnicode_Check({src})))"));
            e.line(format!("{dest} = PyUnicode_AsUTF8({src});"));
            emit_type_error_else(e, dest, src, t);
        }
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => {
            match object_check(src, t, &e.exact.clone()) {
                None => {
                    e.line(format!("{dest} = {src};"));
                    e.line(format!("Py_INCREF({dest});"));
                }
                Some(check) => {
                    e.open(format!("if (likely({check}))"));
                    e.line(format!("{dest} = {src};"));
                    e.line(format!("Py_INCREF({dest});"));
                    emit_type_error_else(e, dest, src, t);
                }
            }
        }
        RType::Tuple(items) => emit_unbox_tuple(e, dest, src, t, items),
    }
}

/// Closes the "type is right" branch with an else branch raising TypeError.
fn emit_type_error_else(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    e.else_branch();
    e.line(format!(
        "CPy_TypeError(\"{}\", {src});",
        python_type_name(t)
    ));
    e.line(format!("{dest} = {};", error_value(t)));
    e.close("");
}

/// Inclusive C range of a C integer type, for overflow checks.
fn native_int_range(t: &RType) -> Option<(&'static str, &'static str)> {
    match t {
        RType::CInt => Some(("INT_MIN", "INT_MAX")),
        RType::SsizeT => Some(("PY_SSIZE_T_MIN", "PY_SSIZE_T_MAX")),
        _ => None,
    }
}

fn emit_unbox_native_int(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    let overflow = e.temp("overflow");
    let value = e.temp("value");
    e.open(format!("if (likely(PyLong_Check({src})))"));
    e.line(format!("int {overflow} = 0;"));
    e.line(format!(
        "long long {value} = PyLong_AsLongLongAndOverflow({src}, &{overflow});"
    ));
    let range = match native_int_range(t) {
        Some((lo, hi)) => format!(" || {value} < {lo} || {value} > {hi}"),
        None => String::new(),
    };
    e.open(format!("if (unlikely({overflow} != 0{range}))"));
    e.line(format!(
        "PyErr_SetString(PyExc_OverflowError, \"int too large or small to convert to {}\");",
        python_type_name(t)
    ));
    e.line(format!("{dest} = {};", error_value(t)));
    e.else_if(format!("unlikely({value} == -1 && PyErr_Occurred())"));
    e.line(format!("{dest} = {};", error_value(t)));
    e.else_branch();
    e.line(format!("{dest} = ({}){value};", t.c_type()));
    e.close("");
    emit_type_error_else(e, dest, src, t);
}

/// Unboxes a tuple object item by item into a temporary struct; on any
/// failure, releases the items already unboxed and yields the error value.
fn emit_unbox_tuple(e: &mut Emitter, dest: &str, src: &str, t: &RType, items: &[RType]) {
    e.line(format!("{dest} = {};", error_value(t)));
    e.open(format!(
        "if (unlikely(!PyTuple_Check({src}) || PyTuple_GET_SIZE({src}) != {}))",
        items.len()
    ));
    e.line(format!(
        "CPy_TypeError(\"{}\", {src});",
        python_type_name(t)
    ));
    e.else_branch();
    let tmp = e.temp("tuple");
    e.line(format!("{};", declaration(t, &tmp)));
    if items.is_empty() {
        e.line(format!("{tmp}.empty_struct_error_flag = 0;"));
        e.line(format!("{dest} = {tmp};"));
    } else {
        emit_unbox_items(e, dest, src, &tmp, t, items, 0);
    }
    e.close("");
}

/// Unboxes items `i..` of the tuple `src` into `tmp`. As in mypyc, which
/// checks the whole tuple's type first, an item of the wrong type is a
/// TypeError naming the whole tuple type and the whole value.
fn emit_unbox_items(
    e: &mut Emitter,
    dest: &str,
    src: &str,
    tmp: &str,
    t: &RType,
    items: &[RType],
    i: usize,
) {
    if i == items.len() {
        e.line(format!("{dest} = {tmp};"));
        return;
    }
    let field = format!("{tmp}.f{i}");
    emit_unbox(
        e,
        &field,
        &format!("PyTuple_GET_ITEM({src}, {i})"),
        &items[i],
    );
    e.open(format!(
        "if (likely(!({})))",
        full_error_test(&field, &items[i])
    ));
    emit_unbox_items(e, dest, src, tmp, t, items, i + 1);
    e.else_branch();
    for (j, item) in items.iter().enumerate().take(i) {
        emit_dec_ref(e, &format!("{tmp}.f{j}"), item, false);
    }
    e.open("if (PyErr_ExceptionMatches(PyExc_TypeError))");
    e.line("PyErr_Clear();");
    e.line(format!(
        "CPy_TypeError(\"{}\", {src});",
        python_type_name(t)
    ));
    e.close("");
    e.close("");
}

/// `dest = cast(src)`: checks that the object `src` fits the boxed type `t`;
/// the cast steals `src`, so on failure the reference is released and `dest`
/// is NULL with `TypeError` set.
/// `dest = cast(t, src)` for `src` of type `from`. A value of an optional
/// type is of its other item exactly when it is not `None` (values of a
/// type are always of one of its items), which is cheaper to test than a
/// subclass check.
/// `dest = src` after a check that `src` (of type `from`) is a `t`; on
/// failure a TypeError, and `src` is released when `steals`.
pub fn emit_cast(e: &mut Emitter, dest: &str, src: &str, from: &RType, t: &RType, steals: bool) {
    let boxed = if t.is_boxed() { t.clone() } else { t.boxed() };
    let not_none = match from {
        RType::Union(items) if items.len() == 2 && items.contains(&RType::None) => {
            items.contains(&boxed)
        }
        _ => false,
    };
    let check = if not_none {
        Some(format!("{src} != Py_None"))
    } else {
        object_check(src, &boxed, &e.exact.clone())
    };
    match check {
        None => e.line(format!("{dest} = {src};")),
        Some(check) => {
            e.open(format!("if (likely({check}))"));
            e.line(format!("{dest} = {src};"));
            e.else_branch();
            e.line(format!(
                "CPy_TypeError(\"{}\", {src});",
                python_type_name(&boxed)
            ));
            if steals {
                e.line(format!("Py_DECREF({src});"));
            }
            e.line(format!("{dest} = NULL;"));
            e.close("");
        }
    }
}

/// Like `emit_unbox`, but for wrapper arguments: the result may borrow from
/// `src` (objects and small/long ints are borrowed), so only tuples (see
/// `arg_needs_release`) must be released after the call.
pub fn emit_unbox_borrowed(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    match t {
        RType::Int => {
            e.open(format!("if (likely(PyLong_Check({src})))"));
            e.line(format!("{dest} = CPyTagged_BorrowFromObject({src});"));
            emit_type_error_else(e, dest, src, t);
        }
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => {
            match object_check(src, t, &e.exact.clone()) {
                None => e.line(format!("{dest} = {src};")),
                Some(check) => {
                    e.open(format!("if (likely({check}))"));
                    e.line(format!("{dest} = {src};"));
                    emit_type_error_else(e, dest, src, t);
                }
            }
        }
        t if t.is_native_int() => {
            emit_unbox(e, dest, src, t);
            emit_native_int_arg_error(e, dest, src, t);
        }
        _ => emit_unbox(e, dest, src, t),
    }
}

/// After unboxing an argument (or a value assigned from Python) of native
/// int type: any failure, also an out of range int, is a TypeError naming
/// the type, as in mypyc's wrappers (inside compiled code an out of range
/// int raises ValueError instead).
pub fn emit_native_int_arg_error(e: &mut Emitter, dest: &str, src: &str, t: &RType) {
    e.open(format!("if (unlikely({}))", full_error_test(dest, t)));
    e.line(format!(
        "CPy_TypeError(\"{}\", {src});",
        python_type_name(t)
    ));
    e.close("");
}

/// Does a wrapper argument unboxed with `emit_unbox_borrowed` own references?
pub fn arg_needs_release(t: &RType) -> bool {
    matches!(t, RType::Tuple(_)) && t.is_refcounted()
}

/// The C condition for a `Branch` on `IsError` of a value of type `t`.
pub fn branch_error_condition(expr: &str, t: &RType) -> String {
    full_error_test(expr, t)
}
