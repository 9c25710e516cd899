//! Python-callable wrappers (`CPyPy_<mangled>`) around native functions.
//!
//! A wrapper has the `METH_FASTCALL | METH_KEYWORDS` signature. It parses
//! the arguments with the runtime's `CPyArg_Parse` (a static `CPyArgParser`
//! describes the parameters), converts each object to the native
//! representation with a type check (a wrong type raises `TypeError` and
//! adds a traceback entry naming the function), passes omitted optional
//! arguments as their type's error value (the native function fills in the
//! default), calls `CPyDef_<mangled>` and boxes the result.

use crate::ir::{ArgKind, FuncDecl, Param, RType};

use super::conv::{arg_needs_release, emit_box, emit_dec_ref, emit_unbox_borrowed};
use super::ctypes::{c_string_literal, declaration, error_value, full_error_test};
use super::emitter::Emitter;
use super::statics::globals_static;

/// The C prototype of a wrapper (without the trailing `;`).
pub fn wrapper_prototype(decl: &FuncDecl) -> String {
    format!(
        "PyObject *{}(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)",
        decl.c_wrapper_name()
    )
}

/// Where each parameter's object lands in the parser's output array.
struct ParamSlots {
    /// Per parameter (in declaration order), its index in `obj[]`.
    slot: Vec<usize>,
    names: Vec<String>,
    num_pos: usize,
    num_required_pos: usize,
    num_posonly: usize,
    kwonly_required: Vec<bool>,
    has_star: bool,
    has_star2: bool,
}

fn is_positional(kind: ArgKind) -> bool {
    matches!(kind, ArgKind::Positional | ArgKind::Optional)
}

fn is_kwonly(kind: ArgKind) -> bool {
    matches!(kind, ArgKind::KwOnly | ArgKind::KwOnlyOptional)
}

fn param_slots(params: &[Param]) -> ParamSlots {
    let positional: Vec<&Param> = params.iter().filter(|p| is_positional(p.kind)).collect();
    let kwonly: Vec<&Param> = params.iter().filter(|p| is_kwonly(p.kind)).collect();
    let num_pos = positional.len();
    let num_kwonly = kwonly.len();
    let has_star = params.iter().any(|p| p.kind == ArgKind::Star);
    let has_star2 = params.iter().any(|p| p.kind == ArgKind::Star2);
    let (mut next_pos, mut next_kw) = (0, num_pos);
    let star_slot = num_pos + num_kwonly;
    let star2_slot = star_slot + usize::from(has_star);
    let slot = params
        .iter()
        .map(|p| match p.kind {
            ArgKind::Positional | ArgKind::Optional => {
                next_pos += 1;
                next_pos - 1
            }
            ArgKind::KwOnly | ArgKind::KwOnlyOptional => {
                next_kw += 1;
                next_kw - 1
            }
            ArgKind::Star => star_slot,
            ArgKind::Star2 => star2_slot,
            ArgKind::Env => usize::MAX,
        })
        .collect();
    ParamSlots {
        slot,
        names: positional
            .iter()
            .chain(kwonly.iter())
            .map(|p| p.name.clone())
            .collect(),
        num_pos,
        num_required_pos: positional
            .iter()
            .take_while(|p| p.kind == ArgKind::Positional)
            .count(),
        num_posonly: positional.iter().take_while(|p| p.pos_only).count(),
        kwonly_required: kwonly.iter().map(|p| p.kind == ArgKind::KwOnly).collect(),
        has_star,
        has_star2,
    }
}

/// Emits the wrapper of a native function. `source_file` and the module's
/// globals are used for the traceback entry of argument errors.
pub fn emit_wrapper(
    decl: &FuncDecl,
    source_file: &str,
    exact: &std::sync::Arc<super::ctypes::ExactTypes>,
) -> String {
    let mut e = Emitter::with_exact(exact.clone());
    let slots = param_slots(&decl.params);
    e.open(wrapper_prototype(decl));
    emit_parser(&mut e, decl, &slots);
    let total = slots.names.len() + usize::from(slots.has_star) + usize::from(slots.has_star2);
    e.line(format!("PyObject *obj[{}];", total.max(1)));
    for (i, p) in decl.params.iter().enumerate() {
        e.line(format!(
            "{} = {};",
            declaration(&p.rtype, &format!("arg_{i}")),
            error_value(&p.rtype)
        ));
    }
    let has_result = !matches!(decl.ret, RType::Void);
    if has_result {
        e.line(format!("{};", declaration(&decl.ret, "retval")));
    }
    e.line("PyObject *retbox;");
    let forward = forward_operator(decl);
    if let Some((op, reflected)) = &forward {
        if *op == "**" && decl.params.len() == 3 && decl.params[2].kind == ArgKind::Positional {
            // `x ** y` passes no modulus: as mypyc passes None, which a
            // required modulus does not accept (so the reflected method runs).
            e.open("if (nargs == 2 && kwnames == NULL)");
            e.line(format!(
                "return CPy_CallReverseOpMethod(args[0], args[1], {}, {});",
                c_string_literal(op.as_bytes()),
                c_string_literal(reflected.as_bytes())
            ));
            e.close("");
        }
    }
    emit_parse_call(&mut e, &slots);
    let operator = is_operator_method(decl);
    for (i, p) in decl.params.iter().enumerate() {
        // An operator method given an operand of another type returns
        // NotImplemented, so that Python tries the reflected method.
        let on_error = if operator && i > 0 {
            "not_implemented"
        } else {
            "fail"
        };
        emit_arg_conversion(&mut e, i, p, slots.slot[i], on_error);
    }
    let call_args: Vec<String> = (0..decl.params.len()).map(|i| format!("arg_{i}")).collect();
    let call = format!("{}({})", decl.c_native_name(), call_args.join(", "));
    if has_result {
        e.line(format!("retval = {call};"));
    } else {
        e.line(format!("{call};"));
    }
    emit_release_args(&mut e, decl);
    if has_result {
        e.line(format!(
            "if (unlikely({})) return NULL;",
            full_error_test("retval", &decl.ret)
        ));
    } else {
        e.line("if (unlikely(PyErr_Occurred() != NULL)) return NULL;");
    }
    emit_box_result(&mut e, &decl.ret);
    e.line("return retbox;");
    if operator {
        e.raw_line("not_implemented: ;");
        emit_release_args(&mut e, decl);
        e.line("PyErr_Clear();");
        if let Some((op, reflected)) = &forward {
            // As mypyc: a forward operator given an operand of another type
            // calls the operand's reflected method (ternary `pow()` never
            // does), or raises TypeError naming the operator.
            if decl.params.len() > 2 {
                e.line(format!(
                    "if (obj[{}] != NULL && obj[{}] != Py_None) Py_RETURN_NOTIMPLEMENTED;",
                    slots.slot[2], slots.slot[2]
                ));
            }
            e.line(format!(
                "return CPy_CallReverseOpMethod(obj[{}], obj[{}], {}, {});",
                slots.slot[0],
                slots.slot[1],
                c_string_literal(op.as_bytes()),
                c_string_literal(reflected.as_bytes())
            ));
        } else {
            e.line("Py_RETURN_NOTIMPLEMENTED;");
        }
    }
    e.raw_line("fail: ;");
    emit_release_args(&mut e, decl);
    e.line(format!(
        "CPy_AddTraceback({}, {}, {}, {});",
        c_string_literal(source_file.as_bytes()),
        c_string_literal(crate::ir::python_name(&decl.func.name).as_bytes()),
        decl.line,
        globals_static(&decl.func.module)
    ));
    e.line("return NULL;");
    e.close("");
    e.finish()
}

/// Binds the arguments to `obj`. A function with positional parameters
/// only, called with all of them by position (the common call), binds them
/// inline; every other call goes through `CPyArg_Parse`.
fn emit_parse_call(e: &mut Emitter, slots: &ParamSlots) {
    let parse = "!CPyArg_Parse(args, nargs, kwnames, &parser, obj)";
    if slots.names.len() != slots.num_pos || slots.has_star || slots.has_star2 {
        e.line(format!("if ({parse}) return NULL;"));
        return;
    }
    e.open(format!(
        "if (likely(kwnames == NULL && PyVectorcall_NARGS(nargs) == {}))",
        slots.num_pos
    ));
    for i in 0..slots.num_pos {
        e.line(format!("obj[{i}] = args[{i}];"));
    }
    e.else_if(parse);
    e.line("return NULL;");
    e.close("");
}

fn emit_parser(e: &mut Emitter, decl: &FuncDecl, slots: &ParamSlots) {
    let mut names: Vec<String> = slots
        .names
        .iter()
        .map(|n| c_string_literal(n.as_bytes()))
        .collect();
    names.push("NULL".into());
    e.line(format!(
        "static const char *const kwlist[] = {{{}}};",
        names.join(", ")
    ));
    let kwonly_required = if slots.kwonly_required.is_empty() {
        "NULL".to_string()
    } else {
        let flags: Vec<&str> = slots
            .kwonly_required
            .iter()
            .map(|r| if *r { "1" } else { "0" })
            .collect();
        e.line(format!(
            "static const char kwonly_required[] = {{{}}};",
            flags.join(", ")
        ));
        "kwonly_required".to_string()
    };
    e.line(format!(
        "static CPyArgParser parser = {{{}, kwlist, {}, {}, {}, {}, {kwonly_required}, {}, {}, NULL, {}}};",
        c_string_literal(crate::ir::python_name(&decl.func.name).as_bytes()),
        slots.num_pos,
        slots.num_required_pos,
        slots.num_posonly,
        slots.names.len() - slots.num_pos,
        u8::from(slots.has_star),
        u8::from(slots.has_star2),
        u8::from(has_receiver(decl)),
    ));
}

/// Is the first parameter a method's receiver (`self`, or the class of
/// `__new__`)?
fn has_receiver(decl: &FuncDecl) -> bool {
    let is_new = crate::ir::python_name(&decl.func.name) == "__new__";
    decl.func.class.is_some()
        && decl
            .params
            .first()
            .is_some_and(|p| p.kind == ArgKind::Positional && (p.name == "self" || is_new))
}

/// Binary operator and rich comparison dunders (and their reflected and
/// in-place forms).
const OPERATOR_DUNDERS: &[&str] = &[
    "add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "pow", "lshift",
    "rshift", "and", "or", "xor",
];

/// Is `decl` a method implementing a binary operator or comparison?
fn is_operator_method(decl: &FuncDecl) -> bool {
    let name = crate::ir::python_name(&decl.func.name);
    let Some(inner) = name.strip_prefix("__").and_then(|n| n.strip_suffix("__")) else {
        return false;
    };
    let base = inner
        .strip_prefix('r')
        .or_else(|| inner.strip_prefix('i'))
        .filter(|b| OPERATOR_DUNDERS.contains(b))
        .unwrap_or(inner);
    decl.func.class.is_some()
        && decl.params.len() >= 2
        && (OPERATOR_DUNDERS.contains(&base)
            || matches!(inner, "eq" | "ne" | "lt" | "le" | "gt" | "ge"))
}

/// A forward binary operator method (`__add__`, not `__radd__` or
/// `__iadd__`) taking its operand positionally: the operator's symbol in
/// messages and the reflected method's name.
fn forward_operator(decl: &FuncDecl) -> Option<(&'static str, String)> {
    let name = crate::ir::python_name(&decl.func.name);
    let inner = name.strip_prefix("__")?.strip_suffix("__")?;
    let symbol = match inner {
        "add" => "+",
        "sub" => "-",
        "mul" => "*",
        "matmul" => "@",
        "truediv" => "/",
        "floordiv" => "//",
        "mod" => "%",
        "divmod" => "divmod()",
        "pow" => "**",
        "lshift" => "<<",
        "rshift" => ">>",
        "and" => "&",
        "or" => "|",
        "xor" => "^",
        _ => return None,
    };
    let positional = decl.params.len() >= 2
        && decl.params[..2]
            .iter()
            .all(|p| matches!(p.kind, ArgKind::Positional));
    (is_operator_method(decl) && has_receiver(decl) && positional)
        .then(|| (symbol, format!("__r{inner}__")))
}

/// Converts one parsed argument object into `arg_<i>`; jumps to `on_error`
/// on a type error. Omitted optional arguments keep their error value.
fn emit_arg_conversion(e: &mut Emitter, i: usize, p: &Param, slot: usize, on_error: &str) {
    let dest = format!("arg_{i}");
    let src = format!("obj[{slot}]");
    match p.kind {
        ArgKind::Env => {
            // Borrowed from the function object.
            e.line(format!("{dest} = self;"));
            return;
        }
        ArgKind::Star | ArgKind::Star2 => {
            // New references made by the parser, of the right type already.
            e.line(format!("{dest} = {src};"));
            return;
        }
        ArgKind::Optional | ArgKind::KwOnlyOptional => e.open(format!("if ({src} != NULL)")),
        ArgKind::Positional | ArgKind::KwOnly => e.open(""),
    }
    emit_unbox_borrowed(e, &dest, &src, &p.rtype);
    e.line(format!(
        "if (unlikely({})) goto {on_error};",
        full_error_test(&dest, &p.rtype)
    ));
    e.close("");
}

/// Releases what the wrapper owns after parsing: the `*args` tuple, the
/// `**kwargs` dict and unboxed tuple arguments (X-variants: some may be unset).
fn emit_release_args(e: &mut Emitter, decl: &FuncDecl) {
    for (i, p) in decl.params.iter().enumerate() {
        let owned = matches!(p.kind, ArgKind::Star | ArgKind::Star2) || arg_needs_release(&p.rtype);
        if owned {
            emit_dec_ref(e, &format!("arg_{i}"), &p.rtype, true);
        }
    }
}

fn emit_box_result(e: &mut Emitter, ret: &RType) {
    match ret {
        RType::Object(_) | RType::Union(_) | RType::Instance(_) => e.line("retbox = retval;"),
        RType::Int => e.line("retbox = CPyTagged_StealAsObject(retval);"),
        RType::Void => {
            e.line("retbox = Py_None;");
            e.line("Py_INCREF(retbox);");
        }
        other => {
            emit_box(e, "retbox", "retval", other);
            emit_dec_ref(e, "retval", other, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FuncRef;

    fn param(name: &str, kind: ArgKind) -> Param {
        Param {
            name: name.into(),
            rtype: RType::OBJECT,
            kind,
            pos_only: false,
        }
    }

    #[test]
    fn slots_put_keyword_only_after_positional_and_stars_last() {
        let params = vec![
            param("a", ArgKind::Positional),
            param("b", ArgKind::Optional),
            param("args", ArgKind::Star),
            param("k", ArgKind::KwOnly),
            param("kw", ArgKind::Star2),
        ];
        let s = param_slots(&params);
        assert_eq!(s.slot, vec![0, 1, 3, 2, 4]);
        assert_eq!(s.names, vec!["a", "b", "k"]);
        assert_eq!((s.num_pos, s.num_required_pos), (2, 1));
        assert_eq!(s.kwonly_required, vec![true]);
        assert!(s.has_star && s.has_star2);
    }

    #[test]
    fn wrapper_checks_types_and_adds_traceback() {
        let decl = FuncDecl {
            func: FuncRef {
                module: "m".into(),
                class: None,
                name: "f".into(),
            },
            params: vec![Param {
                name: "x".into(),
                rtype: RType::Int,
                kind: ArgKind::Positional,
                pos_only: false,
            }],
            ret: RType::STR,
            has_wrapper: true,
            line: 7,
            nested: false,
        };
        let c = emit_wrapper(&decl, "m.py", &Default::default());
        assert!(c.contains("PyLong_Check(obj[0])"), "{c}");
        assert!(c.contains("CPy_TypeError(\"int\", obj[0]);"), "{c}");
        assert!(
            c.contains("CPy_AddTraceback(\"m.py\", \"f\", 7, CPyStatic_m___globals);"),
            "{c}"
        );
        assert!(c.contains("retval = CPyDef_m___f(arg_0);"), "{c}");
    }
}
