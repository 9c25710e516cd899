//! C-level facts about RTypes that the emitters share: error values, the
//! "is this the error value" test, the user-facing names used in TypeError
//! messages, tuple struct definitions, and C literal spelling (strings,
//! doubles, integers).
//!
//! Everything here is a pure function of its input so that generated C is
//! deterministic.

use std::fmt::Write;

use indexmap::IndexSet;

use crate::ir::{ObjKind, RType};

/// The C expression for the error value of a type (see `rtypes.rs`).
pub fn error_value(t: &RType) -> String {
    match t {
        RType::Int => "CPY_INT_TAG".into(),
        RType::Bool | RType::None | RType::Bit => "2".into(),
        RType::Float => "-113.0".into(),
        RType::I64 | RType::I32 | RType::I16 | RType::SsizeT => "-113".into(),
        RType::U8 => "239".into(),
        RType::CInt => "-1".into(),
        RType::CStr | RType::Object(_) | RType::Union(_) | RType::Instance(_) => "NULL".into(),
        RType::Void => "0".into(),
        RType::Tuple(items) => format!("({}) {}", t.c_type(), tuple_error_initializer(items)),
    }
}

/// A brace initializer for a tuple struct holding the error value of every item.
pub fn tuple_error_initializer(items: &[RType]) -> String {
    if items.is_empty() {
        return "{ 1 }".into();
    }
    let inner: Vec<String> = items
        .iter()
        .map(|t| match t {
            RType::Tuple(sub) => tuple_error_initializer(sub),
            other => error_value(other),
        })
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

/// The C condition that is true when `expr` (of type `t`) holds the error
/// value. For overlapping error values this is only the value test; callers
/// add `PyErr_Occurred()` where the op semantics require it.
pub fn error_test(expr: &str, t: &RType) -> String {
    match t {
        RType::Tuple(items) => match items.first() {
            None => format!("{expr}.empty_struct_error_flag"),
            Some(first) => error_test(&format!("{expr}.f0"), first),
        },
        RType::Void => "0".into(),
        other => format!("{expr} == {}", error_value(other)),
    }
}

/// The full error test: the value test, plus `PyErr_Occurred()` for types
/// whose error value overlaps a valid value.
pub fn full_error_test(expr: &str, t: &RType) -> String {
    let test = error_test(expr, t);
    if t.error_overlaps() {
        format!("({test} && PyErr_Occurred())")
    } else {
        test
    }
}

/// The name of a type as Python users see it, used in
/// "X object expected; got Y" messages.
pub fn python_type_name(t: &RType) -> String {
    match t {
        RType::Int => "int".into(),
        RType::Bool | RType::Bit => "bool".into(),
        RType::None => "None".into(),
        RType::Float => "float".into(),
        RType::I64 => "i64".into(),
        RType::I32 => "i32".into(),
        RType::I16 => "i16".into(),
        RType::U8 => "u8".into(),
        RType::CInt | RType::SsizeT => "int".into(),
        RType::CStr => "str".into(),
        RType::Void => "None".into(),
        RType::Object(k) => obj_kind_python_name(*k).into(),
        RType::Instance(c) => c.clone(),
        RType::Union(items) => {
            let names: Vec<String> = items.iter().map(python_type_name).collect();
            names.join(" or ")
        }
        RType::Tuple(items) => {
            let names: Vec<String> = items.iter().map(python_type_name).collect();
            format!("tuple[{}]", names.join(", "))
        }
    }
}

fn obj_kind_python_name(k: ObjKind) -> &'static str {
    match k {
        ObjKind::Object => "object",
        ObjKind::Str => "str",
        ObjKind::Bytes => "bytes",
        ObjKind::List => "list",
        ObjKind::Dict => "dict",
        ObjKind::Set => "set",
        ObjKind::FrozenSet => "frozenset",
        ObjKind::Tuple => "tuple",
        ObjKind::Range => "range",
        ObjKind::IntObj => "int",
        ObjKind::FloatObj => "float",
        ObjKind::BoolObj => "bool",
    }
}

/// The native classes whose instances are known exactly: for a class of
/// the group, the concrete classes a value of its type can be (itself and
/// its native subclasses), when no class among them lets interpreted code
/// subclass it (their `tp_new` refuses Python subclasses) and they are few.
/// A type check against one of these compares the object's type with each
/// instead of walking its MRO (as mypyc does). Only a build of one group
/// knows every subclass of a class: with other groups, no family is exact.
#[derive(Debug, Default)]
pub struct ExactTypes(std::collections::BTreeMap<String, Vec<String>>);

/// At most this many exact comparisons replace a subtype check.
const MAX_EXACT_TYPES: usize = 3;

impl ExactTypes {
    pub fn of_group(group: &crate::ir::GroupIR) -> ExactTypes {
        let classes: Vec<&crate::ir::ClassIR> =
            group.modules.iter().flat_map(|m| &m.classes).collect();
        let full = |c: &crate::ir::ClassIR| format!("{}.{}", c.module, c.name);
        let derives = |sub: &crate::ir::ClassIR, sup: &str| {
            let mut cur = Some(full(sub));
            while let Some(c) = cur {
                if c == sup {
                    return true;
                }
                cur = classes
                    .iter()
                    .find(|k| full(k) == c)
                    .and_then(|k| k.base.clone());
            }
            false
        };
        let mut out = std::collections::BTreeMap::new();
        for c in &classes {
            let name = full(c);
            let family: Vec<&&crate::ir::ClassIR> =
                classes.iter().filter(|k| derives(k, &name)).collect();
            if family.len() <= MAX_EXACT_TYPES
                && family.iter().all(|k| !k.allow_interpreted_subclasses)
            {
                out.insert(name, family.iter().map(|k| full(k)).collect());
            }
        }
        ExactTypes(out)
    }
}

/// The C condition `isinstance(obj, class)` for native class `class`: the
/// exact comparisons of its family when known, else a subtype check (false
/// while the type object is not created yet).
pub fn instance_check(obj: &str, class: &str, exact: &ExactTypes) -> String {
    match exact.0.get(class) {
        Some(_) => object_check(obj, &RType::Instance(class.to_string()), exact)
            .unwrap_or_else(|| "1".into()),
        None => format!(
            "CPy_TypeCheck({obj}, {})",
            crate::ir::class_type_static(class)
        ),
    }
}

/// The C condition checking that the object `obj` may be stored in a value
/// of the boxed type `t`; `None` when every object qualifies.
pub fn object_check(obj: &str, t: &RType, exact: &ExactTypes) -> Option<String> {
    match t {
        RType::Object(k) => obj_kind_check(obj, *k),
        RType::Instance(c) => Some(match exact.0.get(c) {
            Some(family) => family
                .iter()
                .map(|k| {
                    format!(
                        "Py_TYPE({obj}) == (PyTypeObject *){}",
                        crate::ir::class_type_static(k)
                    )
                })
                .collect::<Vec<_>>()
                .join(" || "),
            None => format!(
                "PyObject_TypeCheck({obj}, (PyTypeObject *){})",
                crate::ir::class_type_static(c)
            ),
        }),
        RType::None => Some(format!("{obj} == Py_None")),
        RType::Int
        | RType::I64
        | RType::I32
        | RType::I16
        | RType::U8
        | RType::CInt
        | RType::SsizeT => Some(format!("PyLong_Check({obj})")),
        RType::Bool | RType::Bit => Some(format!("PyBool_Check({obj})")),
        RType::Float => Some(format!("(PyFloat_Check({obj}) || PyLong_Check({obj}))")),
        RType::Tuple(_) => Some(format!("PyTuple_Check({obj})")),
        RType::Union(items) => {
            let mut checks = Vec::new();
            for item in items {
                match object_check(obj, item, exact) {
                    Some(c) => checks.push(c),
                    None => return None,
                }
            }
            if checks.is_empty() {
                None
            } else {
                Some(format!("({})", checks.join(" || ")))
            }
        }
        RType::CStr | RType::Void => None,
    }
}

fn obj_kind_check(obj: &str, k: ObjKind) -> Option<String> {
    let check = match k {
        ObjKind::Object => return None,
        ObjKind::Str => "PyUnicode_Check",
        ObjKind::Bytes => "PyBytes_Check",
        ObjKind::List => "PyList_Check",
        ObjKind::Dict => "PyDict_Check",
        ObjKind::Set => "PySet_Check",
        ObjKind::FrozenSet => "PyFrozenSet_Check",
        ObjKind::Tuple => "PyTuple_Check",
        ObjKind::Range => "PyRange_Check",
        ObjKind::IntObj => "PyLong_Check",
        ObjKind::FloatObj => return Some(format!("(PyFloat_Check({obj}) || PyLong_Check({obj}))")),
        ObjKind::BoolObj => "PyBool_Check",
    };
    Some(format!("{check}({obj})"))
}

/// Collects every fixed-length tuple type reachable from `t` (items first),
/// so that struct definitions can be emitted in dependency order.
pub fn collect_tuple_types(t: &RType, out: &mut IndexSet<RType>) {
    match t {
        RType::Tuple(items) => {
            for item in items {
                collect_tuple_types(item, out);
            }
            out.insert(t.clone());
        }
        RType::Union(items) => {
            for item in items {
                collect_tuple_types(item, out);
            }
        }
        _ => {}
    }
}

/// The guarded C definition of a tuple struct.
pub fn tuple_struct_definition(t: &RType) -> String {
    let name = t.tuple_struct_name();
    let mut s = String::new();
    let _ = writeln!(s, "#ifndef MYPYC_DECLARED_{name}");
    let _ = writeln!(s, "#define MYPYC_DECLARED_{name}");
    let _ = writeln!(s, "typedef struct {name} {{");
    match t {
        RType::Tuple(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                let _ = writeln!(s, "    {};", declaration(item, &format!("f{i}")));
            }
        }
        _ => {
            let _ = writeln!(s, "    int empty_struct_error_flag;");
        }
    }
    let _ = writeln!(s, "}} {name};");
    let _ = writeln!(s, "#endif");
    s
}

/// `type name` for a C declaration (`PyObject *x`, `CPyTagged x`).
pub fn declaration(t: &RType, name: &str) -> String {
    let c = t.c_type();
    if c.ends_with('*') {
        format!("{c}{name}")
    } else {
        format!("{c} {name}")
    }
}

/// A C string literal holding exactly `bytes`: printable ASCII stays as is,
/// everything else becomes a three-digit octal escape (which never merges
/// with a following digit).
pub fn c_string_literal(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'?' => s.push_str("\\?"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:03o}");
            }
        }
    }
    s.push('"');
    s
}

/// A C double constant that reads back exactly as `x`.
pub fn c_double_literal(x: f64) -> String {
    if x.is_nan() {
        "Py_NAN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Py_HUGE_VAL".into()
        } else {
            "(-Py_HUGE_VAL)".into()
        }
    } else {
        // Rust's `Debug` prints the shortest text that round-trips, always
        // with a `.` or an exponent, which C parses as the same double.
        let text = format!("{x:?}");
        if text.starts_with('-') {
            format!("({text})")
        } else {
            text
        }
    }
}

/// A C integer constant of a type (`i64::MIN` cannot be written directly).
pub fn c_int_literal(value: i64) -> String {
    if value == i64::MIN {
        "(-9223372036854775807LL - 1)".into()
    } else if value > i32::MAX as i64 || value < i32::MIN as i64 {
        format!("{value}LL")
    } else {
        value.to_string()
    }
}

/// Turns a Python name into a safe C identifier fragment, or `None` when
/// it has characters C identifiers cannot hold.
pub fn c_identifier_fragment(name: &str) -> Option<String> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Some(name.to_string())
    } else {
        None
    }
}

/// The C name fragment of a module (`pkg.mod` -> `pkg___mod`), matching
/// `FuncRef::mangled`.
pub fn mangle_module(module: &str) -> String {
    module.replace('.', "___")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_quotes_and_non_ascii() {
        assert_eq!(c_string_literal(b"a\"b\\c?"), "\"a\\\"b\\\\c\\?\"");
        assert_eq!(c_string_literal("é1".as_bytes()), "\"\\303\\2511\"");
        assert_eq!(c_string_literal(b"\n0"), "\"\\0120\"");
    }

    #[test]
    fn doubles_round_trip() {
        assert_eq!(c_double_literal(0.1), "0.1");
        assert_eq!(c_double_literal(-2.5), "(-2.5)");
        assert_eq!(c_double_literal(1e300), "1e300");
        assert_eq!(c_double_literal(3.0), "3.0");
        assert_eq!(c_double_literal(f64::INFINITY), "Py_HUGE_VAL");
    }

    #[test]
    fn error_values_of_tuples_fill_every_item() {
        let t = RType::Tuple(vec![
            RType::Int,
            RType::Tuple(vec![RType::STR, RType::Float]),
        ]);
        assert_eq!(
            error_value(&t),
            "(tuple_T2IT2OF) { CPY_INT_TAG, { NULL, -113.0 } }"
        );
        assert_eq!(error_test("x", &t), "x.f0 == CPY_INT_TAG");
        assert_eq!(
            error_test("e", &RType::Tuple(vec![])),
            "e.empty_struct_error_flag"
        );
    }

    #[test]
    fn union_names_and_checks() {
        let t = RType::Union(vec![RType::STR, RType::None]);
        assert_eq!(python_type_name(&t), "str or None");
        assert_eq!(
            object_check("o", &t, &ExactTypes::default()).as_deref(),
            Some("(PyUnicode_Check(o) || o == Py_None)")
        );
        assert_eq!(
            object_check(
                "o",
                &RType::Union(vec![RType::STR, RType::OBJECT]),
                &ExactTypes::default()
            ),
            None
        );
    }
}
