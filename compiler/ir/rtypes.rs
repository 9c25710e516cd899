//! Runtime types (RTypes): how a value is represented in generated C.
//!
//! The type checker works with Python types; the IR works with RTypes, which
//! decide the C representation of every value. This is where compiled code
//! gets its speed: `int` is a tagged word, `float` an unboxed double, `bool`
//! a C char, fixed-length tuples are C structs passed by value. Everything
//! else is a `PyObject *`, with an optional "kind" that records what the
//! object is known to be, so that checked casts and specialized primitives
//! can be chosen.
//!
//! Every RType has an *error value*: the value a native function returns to
//! signal that an exception is set. For some types the error value overlaps a
//! valid value (`float` uses -113.0), and callers must also check
//! `PyErr_Occurred()`.

use std::fmt;

/// What a `PyObject *` value is statically known to be.
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub enum ObjKind {
    /// Any Python object (`object`, `Any`, and types without a more precise kind).
    Object,
    Str,
    Bytes,
    List,
    Dict,
    Set,
    FrozenSet,
    /// A variable-length `tuple[T, ...]` (fixed-length tuples are `RType::Tuple`).
    Tuple,
    Range,
    /// A boxed `int` (only used where an int must stay boxed, e.g. inside a union).
    IntObj,
    /// A boxed `float`.
    FloatObj,
    /// A boxed `bool`.
    BoolObj,
}

impl ObjKind {
    pub fn name(self) -> &'static str {
        match self {
            ObjKind::Object => "object",
            ObjKind::Str => "str",
            ObjKind::Bytes => "bytes",
            ObjKind::List => "list",
            ObjKind::Dict => "dict",
            ObjKind::Set => "set",
            ObjKind::FrozenSet => "frozenset",
            ObjKind::Tuple => "tuple",
            ObjKind::Range => "range",
            ObjKind::IntObj => "int_obj",
            ObjKind::FloatObj => "float_obj",
            ObjKind::BoolObj => "bool_obj",
        }
    }
}

/// The C-level representation of a value.
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub enum RType {
    /// Python `int` as `CPyTagged`: small ints shifted left by one; low bit set
    /// means pointer to a boxed `PyLongObject`. Refcounted (boxed case).
    /// Error value: `CPY_INT_TAG` (1).
    Int,
    /// Python `bool` as C `char` (0/1). Error value: 2.
    Bool,
    /// Python `None` as C `char` (always 1 when valid). Error value: 2.
    None,
    /// Python `float` as C `double`. Error value: -113.0 (overlapping: check
    /// `PyErr_Occurred()`).
    Float,
    /// `mypy_extensions.i64` as `int64_t`. Error value: -113 (overlapping).
    I64,
    /// `mypy_extensions.i32` as `int32_t`. Error value: -113 (overlapping).
    I32,
    /// `mypy_extensions.i16` as `int16_t`. Error value: -113 (overlapping).
    I16,
    /// `mypy_extensions.u8` as `uint8_t`. Error value: 239 (overlapping).
    U8,
    /// Internal: a C `char` holding 0/1, the result of comparisons and
    /// primitives with `ErrorKind::False`. Never an error value of its own.
    Bit,
    /// Internal: a C `int` result of C API calls (`ErrorKind::NegInt` uses <0).
    CInt,
    /// Internal: `Py_ssize_t` (lengths, indexes into C arrays).
    SsizeT,
    /// Internal: `const char *` (C string constants passed to helpers).
    CStr,
    /// No value (C `void`); the result of ops that produce nothing.
    Void,
    /// A `PyObject *` known to be of the given kind (or any object).
    /// Refcounted. Error value: `NULL`.
    Object(ObjKind),
    /// A union of Python types (e.g. `Optional[str]`); a `PyObject *`.
    /// Members are the boxed representations of the union's items.
    Union(Vec<RType>),
    /// An instance of a native class (by full name `module.Class`): a
    /// `PyObject *` whose type is that class's extension type or a subclass
    /// of it, so attributes are struct fields and methods are in its vtable.
    /// Refcounted. Error value: `NULL`.
    Instance(String),
    /// A fixed-length tuple as a C struct of its items, passed by value.
    /// Refcounted if any item is. Error value: the first item's error value
    /// (empty tuple: a struct with an error flag).
    Tuple(Vec<RType>),
}

impl RType {
    pub const OBJECT: RType = RType::Object(ObjKind::Object);
    pub const STR: RType = RType::Object(ObjKind::Str);
    pub const LIST: RType = RType::Object(ObjKind::List);
    pub const DICT: RType = RType::Object(ObjKind::Dict);

    /// Is this value a `PyObject *` (boxed)?
    pub fn is_boxed(&self) -> bool {
        matches!(
            self,
            RType::Object(_) | RType::Union(_) | RType::Instance(_)
        )
    }

    /// Is this value represented unboxed (not a `PyObject *`)?
    pub fn is_unboxed(&self) -> bool {
        !self.is_boxed() && !matches!(self, RType::Void | RType::CStr)
    }

    /// Does a value of this type own a reference that must be released?
    pub fn is_refcounted(&self) -> bool {
        match self {
            RType::Int | RType::Object(_) | RType::Union(_) | RType::Instance(_) => true,
            RType::Tuple(items) => items.iter().any(|t| t.is_refcounted()),
            _ => false,
        }
    }

    /// Native integer types with C arithmetic and overflow checks on conversion.
    pub fn is_native_int(&self) -> bool {
        matches!(self, RType::I64 | RType::I32 | RType::I16 | RType::U8)
    }

    /// Does the error value overlap a valid value (so callers must also check
    /// `PyErr_Occurred()`)?
    pub fn error_overlaps(&self) -> bool {
        match self {
            RType::Float | RType::I64 | RType::I32 | RType::I16 | RType::U8 => true,
            RType::Tuple(items) => items.first().is_some_and(|t| t.error_overlaps()),
            _ => false,
        }
    }

    /// The C type used for a value of this RType.
    pub fn c_type(&self) -> String {
        match self {
            RType::Int => "CPyTagged".into(),
            RType::Bool | RType::None | RType::Bit => "char".into(),
            RType::Float => "double".into(),
            RType::I64 => "int64_t".into(),
            RType::I32 => "int32_t".into(),
            RType::I16 => "int16_t".into(),
            RType::U8 => "uint8_t".into(),
            RType::CInt => "int".into(),
            RType::SsizeT => "Py_ssize_t".into(),
            RType::CStr => "const char *".into(),
            RType::Void => "void".into(),
            RType::Object(_) | RType::Union(_) | RType::Instance(_) => "PyObject *".into(),
            RType::Tuple(_) => self.tuple_struct_name(),
        }
    }

    /// The name of the C struct for a fixed-length tuple type; deterministic
    /// and unique per item-type list (e.g. `tuple_T2IO`).
    pub fn tuple_struct_name(&self) -> String {
        match self {
            RType::Tuple(items) => {
                let mut s = format!("tuple_T{}", items.len());
                for t in items {
                    s.push_str(&t.struct_code());
                }
                s
            }
            _ => self.c_type(),
        }
    }

    /// A short code naming this type inside tuple struct names.
    fn struct_code(&self) -> String {
        match self {
            RType::Int => "I".into(),
            RType::Bool => "C".into(),
            RType::None => "N".into(),
            RType::Float => "F".into(),
            RType::I64 => "L".into(),
            RType::I32 => "i".into(),
            RType::I16 => "s".into(),
            RType::U8 => "u".into(),
            RType::Bit => "b".into(),
            RType::CInt => "c".into(),
            RType::SsizeT => "z".into(),
            RType::CStr => "p".into(),
            RType::Void => "v".into(),
            RType::Object(_) | RType::Union(_) | RType::Instance(_) => "O".into(),
            RType::Tuple(items) => {
                let mut s = format!("T{}", items.len());
                for t in items {
                    s.push_str(&t.struct_code());
                }
                s
            }
        }
    }

    /// The boxed form of this type: what it becomes when stored in an object slot.
    pub fn boxed(&self) -> RType {
        match self {
            RType::Int
            | RType::I64
            | RType::I32
            | RType::I16
            | RType::U8
            | RType::CInt
            | RType::SsizeT => RType::Object(ObjKind::IntObj),
            RType::Bool | RType::Bit => RType::Object(ObjKind::BoolObj),
            RType::Float => RType::Object(ObjKind::FloatObj),
            RType::None => RType::OBJECT,
            RType::Tuple(_) => RType::Object(ObjKind::Tuple),
            other => other.clone(),
        }
    }
}

impl fmt::Display for RType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RType::Int => write!(f, "int"),
            RType::Bool => write!(f, "bool"),
            RType::None => write!(f, "None"),
            RType::Float => write!(f, "float"),
            RType::I64 => write!(f, "i64"),
            RType::I32 => write!(f, "i32"),
            RType::I16 => write!(f, "i16"),
            RType::U8 => write!(f, "u8"),
            RType::Bit => write!(f, "bit"),
            RType::CInt => write!(f, "c_int"),
            RType::SsizeT => write!(f, "ssize_t"),
            RType::CStr => write!(f, "cstring"),
            RType::Void => write!(f, "void"),
            RType::Object(k) => write!(f, "{}", k.name()),
            RType::Instance(c) => write!(f, "{c}"),
            RType::Union(items) => {
                write!(f, "union[")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, "]")
            }
            RType::Tuple(items) => {
                write!(f, "tuple[")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, "]")
            }
        }
    }
}
