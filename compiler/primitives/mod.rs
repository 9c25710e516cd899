//! The primitive registry: a declarative table of specialized operations.
//!
//! Each record says: this operation (its [`Key`]: an operator, a builtin or
//! module function, a method of a builtin type, a native int conversion or
//! an internal operation of the builder), on operands of these runtime
//! types, is the C function `c_function` of lib-rt or the C API, returning
//! `ret`, reporting errors as `error_kind`, stealing these operands.
//! irbuild asks `lookup` for the first record of a key matching the operand
//! types (an index gives each key's records in table order, so only those
//! are scanned) and falls back to generic object operations when none
//! does. Adding a fast path means adding a record here, not a branch in the
//! builder.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::ir::{CallC, ErrorKind, ObjKind, RType, Steals, ValueId};

mod key;

pub use key::{Internal, Key, Module, NativeConversion, Operator};

/// An operand pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    Int,
    Float,
    /// A float, also matching `int` and `bool` operands, which are
    /// converted to float (OverflowError for ints too large), as the C
    /// functions of the `math` module convert their arguments.
    Num,
    /// `mypy_extensions` native integers (unboxed C integers).
    I64,
    I32,
    I16,
    U8,
    Bool,
    Str,
    List,
    Dict,
    Set,
    FrozenSet,
    Tuple,
    Bytes,
    /// Any boxed object (the operand is boxed if needed).
    Obj,
    /// A C `Py_ssize_t` (irbuild passes an immediate, e.g. an argument count).
    Ssize,
    /// A C `int` immediate.
    CInt,
    /// Saved exception info (`tuple_T3OOO`).
    ExcInfo,
}

/// The runtime type of saved exception info: `tuple[object, object, object]`.
pub fn exc_info_rtype() -> RType {
    RType::Tuple(vec![RType::OBJECT, RType::OBJECT, RType::OBJECT])
}

impl Arg {
    pub fn rtype(self) -> RType {
        match self {
            Arg::Int => RType::Int,
            Arg::Float | Arg::Num => RType::Float,
            Arg::I64 => RType::I64,
            Arg::I32 => RType::I32,
            Arg::I16 => RType::I16,
            Arg::U8 => RType::U8,
            Arg::Bool => RType::Bool,
            Arg::Str => RType::STR,
            Arg::List => RType::LIST,
            Arg::Dict => RType::DICT,
            Arg::Set => RType::Object(ObjKind::Set),
            Arg::FrozenSet => RType::Object(ObjKind::FrozenSet),
            Arg::Tuple => RType::Object(ObjKind::Tuple),
            Arg::Bytes => RType::Object(ObjKind::Bytes),
            Arg::Obj => RType::OBJECT,
            Arg::Ssize => RType::SsizeT,
            Arg::CInt => RType::CInt,
            Arg::ExcInfo => exc_info_rtype(),
        }
    }

    /// Does an operand of runtime type `t` match this pattern exactly
    /// (without coercion other than boxing into `Obj`)?
    fn matches(self, t: &RType) -> bool {
        match self {
            Arg::Obj => true,
            Arg::Int => *t == RType::Int,
            Arg::Bool => matches!(t, RType::Bool | RType::Bit),
            Arg::Num => matches!(t, RType::Float | RType::Int | RType::Bool | RType::Bit),
            // Fixed-length tuples are boxed into tuple objects.
            Arg::Tuple => matches!(t, RType::Object(ObjKind::Tuple) | RType::Tuple(_)),
            other => other.rtype() == *t,
        }
    }
}

/// One specialized operation.
#[derive(Clone, Copy, Debug)]
pub struct Primitive {
    /// The operation: `+`, `builtins.len`, `str.join`, `generic.getattr`, ...
    pub key: Key,
    pub args: &'static [Arg],
    /// Extra variadic operands allowed after `args` (all `Obj`).
    pub var_args: bool,
    pub ret: Ret,
    pub c_function: &'static str,
    pub error_kind: ErrorKind,
    /// Indexes of stolen operands.
    pub steals: &'static [usize],
    pub is_borrowed: bool,
    /// The C type of a per-call-site cache the C function takes by pointer
    /// after its operands (see `CallC::site_cache`).
    pub site_cache: Option<&'static str>,
}

impl Primitive {
    /// The op calling this primitive on `args` (already of the operand
    /// types it takes).
    pub fn call(&self, args: Vec<ValueId>) -> CallC {
        let steals = if self.steals.is_empty() {
            Steals::None
        } else {
            Steals::Some((0..args.len()).map(|i| self.steals.contains(&i)).collect())
        };
        CallC {
            function: self.c_function.to_string(),
            args,
            ret: self.ret.rtype(),
            error_kind: self.error_kind,
            steals,
            is_borrowed: self.is_borrowed,
            site_cache: self.site_cache.map(str::to_string),
        }
    }
}

/// Result type of a primitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    Int,
    Float,
    I64,
    I32,
    I16,
    U8,
    Bool,
    Bit,
    CInt,
    /// A C `Py_ssize_t`.
    Ssize,
    Obj(ObjKind),
    Void,
    None,
    ExcInfo,
}

impl Ret {
    pub fn rtype(self) -> RType {
        match self {
            Ret::Int => RType::Int,
            Ret::Float => RType::Float,
            Ret::I64 => RType::I64,
            Ret::I32 => RType::I32,
            Ret::I16 => RType::I16,
            Ret::U8 => RType::U8,
            Ret::Bool => RType::Bool,
            Ret::Bit => RType::Bit,
            Ret::CInt => RType::CInt,
            Ret::Ssize => RType::SsizeT,
            Ret::Obj(k) => RType::Object(k),
            Ret::Void => RType::Void,
            Ret::None => RType::None,
            Ret::ExcInfo => exc_info_rtype(),
        }
    }
}

use Arg as A;
use ErrorKind as E;
use ObjKind as K;

const fn p(
    key: Key,
    args: &'static [Arg],
    ret: Ret,
    c_function: &'static str,
    error_kind: ErrorKind,
) -> Primitive {
    Primitive {
        key,
        args,
        var_args: false,
        ret,
        c_function,
        error_kind,
        steals: &[],
        is_borrowed: false,
        site_cache: None,
    }
}

const fn var(key: Key, args: &'static [Arg], ret: Ret, c_function: &'static str) -> Primitive {
    Primitive {
        key,
        args,
        var_args: true,
        ret,
        c_function,
        error_kind: E::Magic,
        steals: &[],
        is_borrowed: false,
        site_cache: None,
    }
}

use Internal as I;
use NativeConversion as N;
use Operator as O;

const fn op(o: Operator) -> Key {
    Key::Op(o)
}

const fn builtin(name: &'static str) -> Key {
    Key::Function(Module::Builtins, name)
}

const fn math(name: &'static str) -> Key {
    Key::Function(Module::Math, name)
}

const fn method(receiver: ObjKind, name: &'static str) -> Key {
    Key::Method(receiver, name)
}

const fn native(n: NativeConversion) -> Key {
    Key::Native(n)
}

const fn internal(i: Internal) -> Key {
    Key::Internal(i)
}

/// A record whose result is a borrowed reference.
const fn borrowed(mut prim: Primitive) -> Primitive {
    prim.is_borrowed = true;
    prim
}

/// A record whose C function keeps a cache of type `c_type` per call site.
const fn cached(mut prim: Primitive, c_type: &'static str) -> Primitive {
    prim.site_cache = Some(c_type);
    prim
}

const OBJ: Ret = Ret::Obj(K::Object);

/// The registry, searched in order: more specific records first.
#[rustfmt::skip]
pub static PRIMITIVES: &[Primitive] = &[
    // ---- int ----
    p(op(O::Add), &[A::Int, A::Int], Ret::Int, "CPyTagged_Add", E::Magic),
    p(op(O::Sub), &[A::Int, A::Int], Ret::Int, "CPyTagged_Subtract", E::Magic),
    p(op(O::Mul), &[A::Int, A::Int], Ret::Int, "CPyTagged_Multiply", E::Magic),
    p(op(O::FloorDiv), &[A::Int, A::Int], Ret::Int, "CPyTagged_FloorDivide", E::Magic),
    p(op(O::Mod), &[A::Int, A::Int], Ret::Int, "CPyTagged_Remainder", E::Magic),
    p(op(O::BitAnd), &[A::Int, A::Int], Ret::Int, "CPyTagged_And", E::Magic),
    p(op(O::BitOr), &[A::Int, A::Int], Ret::Int, "CPyTagged_Or", E::Magic),
    p(op(O::BitXor), &[A::Int, A::Int], Ret::Int, "CPyTagged_Xor", E::Magic),
    p(op(O::LShift), &[A::Int, A::Int], Ret::Int, "CPyTagged_Lshift", E::Magic),
    p(op(O::RShift), &[A::Int, A::Int], Ret::Int, "CPyTagged_Rshift", E::Magic),
    p(op(O::Pow), &[A::Int, A::Int], OBJ, "CPyTagged_Power", E::Magic),
    p(op(O::TrueDiv), &[A::Int, A::Int], Ret::Float, "CPyTagged_TrueDivide", E::MagicOverlapping),
    p(op(O::Eq), &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsEq", E::Never),
    p(op(O::NotEq), &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsNe", E::Never),
    p(op(O::Lt), &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsLt", E::Never),
    p(op(O::LtE), &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsLe", E::Never),
    p(op(O::Gt), &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsGt", E::Never),
    p(op(O::GtE), &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsGe", E::Never),
    p(op(O::Neg), &[A::Int], Ret::Int, "CPyTagged_Negate", E::Magic),
    p(op(O::Invert), &[A::Int], Ret::Int, "CPyTagged_Invert", E::Magic),
    // ---- mypy_extensions native integers (i64, i32, i16, u8) ----
    // `native.from_int` / `native.from_float` are looked up by operand type
    // and result type (see `lookup_ret`).
    p(op(O::FloorDiv), &[A::I64, A::I64], Ret::I64, "CPyInt64_Divide", E::MagicOverlapping),
    p(op(O::Mod), &[A::I64, A::I64], Ret::I64, "CPyInt64_Remainder", E::MagicOverlapping),
    p(native(N::FromInt), &[A::Int], Ret::I64, "CPyTagged_AsInt64", E::MagicOverlapping),
    p(native(N::FromFloat), &[A::Float], Ret::I64, "CPyFloat_ToInt64", E::MagicOverlapping),
    p(native(N::ToInt), &[A::I64], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(op(O::FloorDiv), &[A::I32, A::I32], Ret::I32, "CPyInt32_Divide", E::MagicOverlapping),
    p(op(O::Mod), &[A::I32, A::I32], Ret::I32, "CPyInt32_Remainder", E::MagicOverlapping),
    p(native(N::FromInt), &[A::Int], Ret::I32, "CPyTagged_AsInt32", E::MagicOverlapping),
    p(native(N::FromFloat), &[A::Float], Ret::I32, "CPyFloat_ToInt32", E::MagicOverlapping),
    p(native(N::ToInt), &[A::I32], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(op(O::FloorDiv), &[A::I16, A::I16], Ret::I16, "CPyInt16_Divide", E::MagicOverlapping),
    p(op(O::Mod), &[A::I16, A::I16], Ret::I16, "CPyInt16_Remainder", E::MagicOverlapping),
    p(native(N::FromInt), &[A::Int], Ret::I16, "CPyTagged_AsInt16", E::MagicOverlapping),
    p(native(N::FromFloat), &[A::Float], Ret::I16, "CPyFloat_ToInt16", E::MagicOverlapping),
    p(native(N::ToInt), &[A::I16], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(op(O::FloorDiv), &[A::U8, A::U8], Ret::U8, "CPyUInt8_Divide", E::MagicOverlapping),
    p(op(O::Mod), &[A::U8, A::U8], Ret::U8, "CPyUInt8_Remainder", E::MagicOverlapping),
    p(native(N::FromInt), &[A::Int], Ret::U8, "CPyTagged_AsUInt8", E::MagicOverlapping),
    p(native(N::FromFloat), &[A::Float], Ret::U8, "CPyFloat_ToUInt8", E::MagicOverlapping),
    p(native(N::ToInt), &[A::U8], Ret::Int, "CPyTagged_FromInt64", E::Never),
    // ---- float ----
    p(op(O::FloorDiv), &[A::Float, A::Float], Ret::Float, "CPyFloat_FloorDivide", E::MagicOverlapping),
    p(op(O::Mod), &[A::Float, A::Float], Ret::Float, "CPyFloat_Remainder", E::MagicOverlapping),
    p(op(O::TrueDiv), &[A::Float, A::Float], Ret::Float, "CPyFloat_TrueDivide", E::MagicOverlapping),
    p(op(O::Pow), &[A::Float, A::Float], Ret::Float, "CPyFloat_Pow", E::MagicOverlapping),
    // ---- str ----
    p(op(O::Add), &[A::Str, A::Str], Ret::Obj(K::Str), "PyUnicode_Concat", E::Magic),
    p(op(O::Add), &[A::Bytes, A::Bytes], Ret::Obj(K::Bytes), "CPyBytes_Concat", E::Magic),
    p(op(O::Eq), &[A::Str, A::Str], Ret::Bool, "CPyStr_Equal", E::Never),
    p(op(O::Mul), &[A::Str, A::Int], Ret::Obj(K::Str), "CPyStr_Multiply", E::Magic),
    p(op(O::Mul), &[A::List, A::Int], Ret::Obj(K::List), "CPySequence_Multiply", E::Magic),
    p(op(O::Mul), &[A::Int, A::List], Ret::Obj(K::List), "CPySequence_RMultiply", E::Magic),
    p(op(O::Add), &[A::List, A::List], Ret::Obj(K::List), "PySequence_Concat", E::Magic),
    // ---- generic binary operators on objects ----
    p(op(O::Add), &[A::Obj, A::Obj], OBJ, "PyNumber_Add", E::Magic),
    p(op(O::Sub), &[A::Obj, A::Obj], OBJ, "PyNumber_Subtract", E::Magic),
    p(op(O::Mul), &[A::Obj, A::Obj], OBJ, "PyNumber_Multiply", E::Magic),
    p(op(O::TrueDiv), &[A::Obj, A::Obj], OBJ, "PyNumber_TrueDivide", E::Magic),
    p(op(O::FloorDiv), &[A::Obj, A::Obj], OBJ, "PyNumber_FloorDivide", E::Magic),
    p(op(O::Mod), &[A::Obj, A::Obj], OBJ, "PyNumber_Remainder", E::Magic),
    p(op(O::BitAnd), &[A::Obj, A::Obj], OBJ, "PyNumber_And", E::Magic),
    p(op(O::BitOr), &[A::Obj, A::Obj], OBJ, "PyNumber_Or", E::Magic),
    p(op(O::BitXor), &[A::Obj, A::Obj], OBJ, "PyNumber_Xor", E::Magic),
    p(op(O::LShift), &[A::Obj, A::Obj], OBJ, "PyNumber_Lshift", E::Magic),
    p(op(O::RShift), &[A::Obj, A::Obj], OBJ, "PyNumber_Rshift", E::Magic),
    p(op(O::MatMul), &[A::Obj, A::Obj], OBJ, "PyNumber_MatrixMultiply", E::Magic),
    p(op(O::InPlaceAdd), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceAdd", E::Magic),
    p(op(O::InPlaceSub), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceSubtract", E::Magic),
    p(op(O::InPlaceMul), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceMultiply", E::Magic),
    p(op(O::InPlaceTrueDiv), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceTrueDivide", E::Magic),
    p(op(O::InPlaceFloorDiv), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceFloorDivide", E::Magic),
    p(op(O::InPlaceMod), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceRemainder", E::Magic),
    p(op(O::InPlaceBitAnd), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceAnd", E::Magic),
    p(op(O::InPlaceBitOr), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceOr", E::Magic),
    p(op(O::InPlaceBitXor), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceXor", E::Magic),
    p(op(O::InPlaceLShift), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceLshift", E::Magic),
    p(op(O::InPlaceRShift), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceRshift", E::Magic),
    p(op(O::Pow), &[A::Obj, A::Obj], OBJ, "CPyNumber_Power", E::Magic),
    p(op(O::InPlacePow), &[A::Obj, A::Obj], OBJ, "CPyNumber_InPlacePower", E::Magic),
    p(op(O::InPlaceMatMul), &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceMatrixMultiply", E::Magic),
    p(op(O::Neg), &[A::Obj], OBJ, "PyNumber_Negative", E::Magic),
    p(op(O::Pos), &[A::Obj], OBJ, "PyNumber_Positive", E::Magic),
    p(op(O::Invert), &[A::Obj], OBJ, "PyNumber_Invert", E::Magic),
    // "in" operands are (container, item), as the C functions take them.
    p(op(O::In), &[A::Dict, A::Obj], Ret::CInt, "CPyDict_Contains", E::NegInt),
    p(op(O::In), &[A::Set, A::Obj], Ret::CInt, "CPySet_Contains", E::NegInt),
    p(op(O::In), &[A::FrozenSet, A::Obj], Ret::CInt, "CPySet_Contains", E::NegInt),
    p(op(O::In), &[A::Str, A::Str], Ret::CInt, "CPyStr_Contains", E::NegInt),
    p(op(O::In), &[A::List, A::Int], Ret::CInt, "CPySequence_ContainsInt", E::NegInt),
    p(op(O::In), &[A::Tuple, A::Int], Ret::CInt, "CPySequence_ContainsInt", E::NegInt),
    p(op(O::In), &[A::Obj, A::Obj], Ret::CInt, "PySequence_Contains", E::NegInt),
    // ---- builtins ----
    p(builtin("ord"), &[A::Str], Ret::Int, "CPyStr_Ord", E::Magic),
    p(builtin("len"), &[A::List], Ret::Int, "CPyList_Len", E::Never),
    p(builtin("len"), &[A::Str], Ret::Int, "CPyStr_Len", E::Never),
    p(builtin("len"), &[A::Dict], Ret::Int, "CPyDict_Len", E::Never),
    p(builtin("len"), &[A::Tuple], Ret::Int, "CPyTuple_Len", E::Never),
    p(builtin("len"), &[A::Set], Ret::Int, "CPySet_Len", E::Never),
    p(builtin("len"), &[A::Bytes], Ret::Int, "CPyBytes_Len", E::Magic),
    p(builtin("len"), &[A::Obj], Ret::Int, "CPyObject_Len", E::Magic),
    p(builtin("str"), &[A::Int], Ret::Obj(K::Str), "CPyTagged_Str", E::Magic),
    p(builtin("str"), &[A::Float], Ret::Obj(K::Str), "CPyFloat_Str", E::Magic),
    p(builtin("str"), &[A::Obj], Ret::Obj(K::Str), "PyObject_Str", E::Magic),
    p(builtin("repr"), &[A::Obj], Ret::Obj(K::Str), "PyObject_Repr", E::Magic),
    p(builtin("int"), &[A::Float], Ret::Int, "CPyTagged_FromFloat", E::Magic),
    p(builtin("int"), &[A::Str], Ret::Int, "CPyLong_FromStr", E::Magic),
    p(builtin("int"), &[A::I64], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(builtin("int"), &[A::I32], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(builtin("int"), &[A::I16], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(builtin("int"), &[A::U8], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p(builtin("int"), &[A::Obj], Ret::Int, "CPyTagged_FromAny", E::Magic),
    p(builtin("float"), &[A::Int], Ret::Float, "CPyTagged_AsDouble", E::MagicOverlapping),
    p(builtin("float"), &[A::Obj], Ret::Float, "CPyFloat_FromAny", E::MagicOverlapping),
    p(builtin("abs"), &[A::Int], Ret::Int, "CPyTagged_Abs", E::Magic),
    p(builtin("abs"), &[A::Float], Ret::Float, "CPyFloat_Abs", E::Never),
    // min/max of two values (ties keep the first, as CPython's comparisons do).
    p(builtin("min"), &[A::Int, A::Int], Ret::Int, "CPyTagged_Min", E::Never),
    p(builtin("min"), &[A::Float, A::Float], Ret::Float, "CPyFloat_Min", E::Never),
    p(builtin("min"), &[A::Bool, A::Bool], Ret::Bool, "CPyBool_Min", E::Never),
    p(builtin("min"), &[A::I64, A::I64], Ret::I64, "CPyInt64_Min", E::Never),
    p(builtin("min"), &[A::I32, A::I32], Ret::I32, "CPyInt32_Min", E::Never),
    // An int and a float: the result is the float the checker's type says.
    p(builtin("min"), &[A::Int, A::Float], Ret::Float, "CPyFloat_MinIntFloat", E::MagicOverlapping),
    p(builtin("min"), &[A::Float, A::Int], Ret::Float, "CPyFloat_MinFloatInt", E::MagicOverlapping),
    p(builtin("min"), &[A::Obj, A::Obj], OBJ, "CPyObject_Min", E::Magic),
    p(builtin("max"), &[A::Int, A::Int], Ret::Int, "CPyTagged_Max", E::Never),
    p(builtin("max"), &[A::Float, A::Float], Ret::Float, "CPyFloat_Max", E::Never),
    p(builtin("max"), &[A::Bool, A::Bool], Ret::Bool, "CPyBool_Max", E::Never),
    p(builtin("max"), &[A::I64, A::I64], Ret::I64, "CPyInt64_Max", E::Never),
    p(builtin("max"), &[A::I32, A::I32], Ret::I32, "CPyInt32_Max", E::Never),
    p(builtin("max"), &[A::Int, A::Float], Ret::Float, "CPyFloat_MaxIntFloat", E::MagicOverlapping),
    p(builtin("max"), &[A::Float, A::Int], Ret::Float, "CPyFloat_MaxFloatInt", E::MagicOverlapping),
    p(builtin("max"), &[A::Obj, A::Obj], OBJ, "CPyObject_Max", E::Magic),
    p(builtin("chr"), &[A::Int], Ret::Obj(K::Str), "CPyStr_Chr", E::Magic),
    p(builtin("round"), &[A::Float], Ret::Int, "CPyFloat_Round", E::Magic),
    p(builtin("round"), &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p(builtin("bool"), &[A::Int], Ret::Bool, "CPyTagged_IsTrue", E::Never),
    p(builtin("bool"), &[A::Float], Ret::Bool, "CPyFloat_IsTrue", E::Never),
    p(builtin("bool"), &[A::Obj], Ret::Bool, "CPyObject_IsTrue", E::Magic),
    p(builtin("divmod"), &[A::Obj, A::Obj], OBJ, "PyNumber_Divmod", E::Magic),
    p(builtin("hash"), &[A::Obj], Ret::Int, "CPyObject_Hash", E::Magic),
    p(builtin("id"), &[A::Obj], Ret::Int, "CPyTagged_Id", E::Magic),
    p(builtin("iter"), &[A::Obj], OBJ, "PyObject_GetIter", E::Magic),
    p(builtin("getattr"), &[A::Obj, A::Str], OBJ, "PyObject_GetAttr", E::Magic),
    p(builtin("getattr"), &[A::Obj, A::Str, A::Obj], OBJ, "CPyObject_GetAttr3", E::Magic),
    p(builtin("hasattr"), &[A::Obj, A::Str], Ret::Bool, "CPyObject_HasAttr", E::Magic),
    p(builtin("setattr"), &[A::Obj, A::Str, A::Obj], Ret::None, "CPyObject_SetAttrNone", E::Magic),
    p(builtin("sorted"), &[A::Obj], Ret::Obj(K::List), "CPySequence_Sorted", E::Magic),
    p(builtin("list"), &[], Ret::Obj(K::List), "CPyList_Empty", E::Magic),
    p(builtin("list"), &[A::Dict], Ret::Obj(K::List), "CPyDict_KeysList", E::Magic),
    p(builtin("list"), &[A::Obj], Ret::Obj(K::List), "PySequence_List", E::Magic),
    p(builtin("tuple"), &[A::Obj], Ret::Obj(K::Tuple), "PySequence_Tuple", E::Magic),
    p(builtin("set"), &[], Ret::Obj(K::Set), "CPySet_Empty", E::Magic),
    p(builtin("set"), &[A::Obj], Ret::Obj(K::Set), "PySet_New", E::Magic),
    // ---- the math module ----
    // Results are CPython's; domain and range errors come from the math
    // module itself (see lib-rt/math_ops.c).
    p(math("sqrt"), &[A::Num], Ret::Float, "CPyMath_Sqrt", E::MagicOverlapping),
    p(math("sin"), &[A::Num], Ret::Float, "CPyMath_Sin", E::MagicOverlapping),
    p(math("cos"), &[A::Num], Ret::Float, "CPyMath_Cos", E::MagicOverlapping),
    p(math("tan"), &[A::Num], Ret::Float, "CPyMath_Tan", E::MagicOverlapping),
    p(math("asin"), &[A::Num], Ret::Float, "CPyMath_Asin", E::MagicOverlapping),
    p(math("acos"), &[A::Num], Ret::Float, "CPyMath_Acos", E::MagicOverlapping),
    p(math("atan"), &[A::Num], Ret::Float, "CPyMath_Atan", E::MagicOverlapping),
    p(math("exp"), &[A::Num], Ret::Float, "CPyMath_Exp", E::MagicOverlapping),
    // Logarithms of ints work beyond the float range.
    p(math("log"), &[A::Int], Ret::Float, "CPyMath_LogInt", E::MagicOverlapping),
    p(math("log"), &[A::Num], Ret::Float, "CPyMath_Log", E::MagicOverlapping),
    p(math("log10"), &[A::Int], Ret::Float, "CPyMath_Log10Int", E::MagicOverlapping),
    p(math("log10"), &[A::Num], Ret::Float, "CPyMath_Log10", E::MagicOverlapping),
    p(math("log2"), &[A::Int], Ret::Float, "CPyMath_Log2Int", E::MagicOverlapping),
    p(math("log2"), &[A::Num], Ret::Float, "CPyMath_Log2", E::MagicOverlapping),
    p(math("pow"), &[A::Num, A::Num], Ret::Float, "CPyMath_Pow", E::MagicOverlapping),
    p(math("atan2"), &[A::Num, A::Num], Ret::Float, "CPyMath_Atan2", E::MagicOverlapping),
    p(math("fmod"), &[A::Num, A::Num], Ret::Float, "CPyMath_Fmod", E::MagicOverlapping),
    p(math("copysign"), &[A::Num, A::Num], Ret::Float, "CPyMath_Copysign", E::Never),
    p(math("fabs"), &[A::Num], Ret::Float, "CPyFloat_Abs", E::Never),
    p(math("degrees"), &[A::Num], Ret::Float, "CPyMath_Degrees", E::Never),
    p(math("radians"), &[A::Num], Ret::Float, "CPyMath_Radians", E::Never),
    p(math("isinf"), &[A::Num], Ret::Bool, "CPyMath_IsInf", E::Never),
    p(math("isnan"), &[A::Num], Ret::Bool, "CPyMath_IsNaN", E::Never),
    p(math("isfinite"), &[A::Num], Ret::Bool, "CPyMath_IsFinite", E::Never),
    // floor/ceil/trunc of an int is that int (not a float conversion).
    p(math("floor"), &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p(math("floor"), &[A::Float], Ret::Int, "CPyFloat_Floor", E::Magic),
    p(math("ceil"), &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p(math("ceil"), &[A::Float], Ret::Int, "CPyFloat_Ceil", E::Magic),
    p(math("trunc"), &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p(math("trunc"), &[A::Float], Ret::Int, "CPyTagged_FromFloat", E::Magic),
    p(builtin("isinstance"), &[A::Obj, A::Obj], Ret::Bool, "CPy_IsInstance", E::Magic),
    // ---- str methods ----
    // Receivers that are str subclasses call the method itself.
    p(internal(I::StrFromWtf8), &[A::Bytes], Ret::Obj(K::Str), "CPyStr_FromWTF8", E::Magic),
    p(method(K::Str, "join"), &[A::Str, A::Obj], Ret::Obj(K::Str), "PyUnicode_Join", E::Magic),
    p(method(K::Bytes, "join"), &[A::Bytes, A::Obj], Ret::Obj(K::Bytes), "CPyBytes_Join", E::Magic),
    p(method(K::Bytes, "split"), &[A::Bytes], Ret::Obj(K::List), "CPyBytes_Split", E::Magic),
    p(method(K::Bytes, "split"), &[A::Bytes, A::Bytes], Ret::Obj(K::List), "CPyBytes_SplitSep", E::Magic),
    p(method(K::Str, "startswith"), &[A::Str, A::Str], Ret::Bool, "CPyStr_Startswith", E::Magic),
    p(method(K::Str, "startswith"), &[A::Str, A::Tuple], Ret::Bool, "CPyStr_StartswithTuple", E::Magic),
    p(method(K::Str, "endswith"), &[A::Str, A::Str], Ret::Bool, "CPyStr_Endswith", E::Magic),
    p(method(K::Str, "endswith"), &[A::Str, A::Tuple], Ret::Bool, "CPyStr_EndswithTuple", E::Magic),
    p(method(K::Str, "removeprefix"), &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_Removeprefix", E::Magic),
    p(method(K::Str, "removesuffix"), &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_Removesuffix", E::Magic),
    p(method(K::Str, "find"), &[A::Str, A::Str], Ret::Int, "CPyStr_Find", E::Magic),
    p(method(K::Str, "find"), &[A::Str, A::Str, A::Int], Ret::Int, "CPyStr_FindFrom", E::Magic),
    p(method(K::Str, "find"), &[A::Str, A::Str, A::Int, A::Int], Ret::Int, "CPyStr_FindRange", E::Magic),
    p(method(K::Str, "rfind"), &[A::Str, A::Str], Ret::Int, "CPyStr_RFind", E::Magic),
    p(method(K::Str, "index"), &[A::Str, A::Str], Ret::Int, "CPyStr_Index", E::Magic),
    p(method(K::Str, "rindex"), &[A::Str, A::Str], Ret::Int, "CPyStr_RIndex", E::Magic),
    p(method(K::Str, "count"), &[A::Str, A::Str], Ret::Int, "CPyStr_Count", E::Magic),
    p(method(K::Str, "split"), &[A::Str], Ret::Obj(K::List), "CPyStr_Split", E::Magic),
    p(method(K::Str, "split"), &[A::Str, A::Str], Ret::Obj(K::List), "CPyStr_SplitSep", E::Magic),
    p(method(K::Str, "split"), &[A::Str, A::Str, A::Int], Ret::Obj(K::List), "CPyStr_SplitMax", E::Magic),
    p(method(K::Str, "rsplit"), &[A::Str], Ret::Obj(K::List), "CPyStr_RSplit", E::Magic),
    p(method(K::Str, "rsplit"), &[A::Str, A::Str], Ret::Obj(K::List), "CPyStr_RSplitSep", E::Magic),
    p(method(K::Str, "rsplit"), &[A::Str, A::Str, A::Int], Ret::Obj(K::List), "CPyStr_RSplitMax", E::Magic),
    p(method(K::Str, "splitlines"), &[A::Str], Ret::Obj(K::List), "CPyStr_Splitlines", E::Magic),
    p(method(K::Str, "strip"), &[A::Str], Ret::Obj(K::Str), "CPyStr_Strip", E::Magic),
    p(method(K::Str, "strip"), &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_StripChars", E::Magic),
    p(method(K::Str, "lstrip"), &[A::Str], Ret::Obj(K::Str), "CPyStr_LStrip", E::Magic),
    p(method(K::Str, "lstrip"), &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_LStripChars", E::Magic),
    p(method(K::Str, "rstrip"), &[A::Str], Ret::Obj(K::Str), "CPyStr_RStrip", E::Magic),
    p(method(K::Str, "rstrip"), &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_RStripChars", E::Magic),
    p(method(K::Str, "replace"), &[A::Str, A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_Replace", E::Magic),
    p(method(K::Str, "replace"), &[A::Str, A::Str, A::Str, A::Int], Ret::Obj(K::Str), "CPyStr_ReplaceCount", E::Magic),
    p(method(K::Str, "upper"), &[A::Str], Ret::Obj(K::Str), "CPyStr_Upper", E::Magic),
    p(method(K::Str, "lower"), &[A::Str], Ret::Obj(K::Str), "CPyStr_Lower", E::Magic),
    p(method(K::Str, "isdigit"), &[A::Str], Ret::Bool, "CPyStr_IsDigit", E::Magic),
    p(method(K::Str, "isalpha"), &[A::Str], Ret::Bool, "CPyStr_IsAlpha", E::Magic),
    p(method(K::Str, "isalnum"), &[A::Str], Ret::Bool, "CPyStr_IsAlnum", E::Magic),
    p(method(K::Str, "isspace"), &[A::Str], Ret::Bool, "CPyStr_IsSpace", E::Magic),
    p(method(K::Str, "isdecimal"), &[A::Str], Ret::Bool, "CPyStr_IsDecimal", E::Magic),
    p(method(K::Str, "isnumeric"), &[A::Str], Ret::Bool, "CPyStr_IsNumeric", E::Magic),
    p(method(K::Str, "isupper"), &[A::Str], Ret::Bool, "CPyStr_IsUpper", E::Magic),
    p(method(K::Str, "islower"), &[A::Str], Ret::Bool, "CPyStr_IsLower", E::Magic),
    p(method(K::Str, "isascii"), &[A::Str], Ret::Bool, "CPyStr_IsAscii", E::Magic),
    p(method(K::Str, "encode"), &[A::Str], Ret::Obj(K::Bytes), "CPyStr_Encode", E::Magic),
    p(method(K::Str, "encode"), &[A::Str, A::Str], Ret::Obj(K::Bytes), "CPyStr_EncodeWith", E::Magic),
    p(method(K::Str, "encode"), &[A::Str, A::Str, A::Str], Ret::Obj(K::Bytes), "CPyStr_EncodeWithErrors", E::Magic),
    // ---- list methods ----
    // Methods returning None in Python have an unboxed None result (the C
    // function returns 1, or 2 on error). Receivers that are list
    // subclasses call the method itself.
    p(method(K::List, "append"), &[A::List, A::Obj], Ret::None, "CPyList_AppendMethod", E::Magic),
    p(method(K::List, "extend"), &[A::List, A::Obj], Ret::None, "CPyList_ExtendMethod", E::Magic),
    p(method(K::List, "insert"), &[A::List, A::Int, A::Obj], Ret::None, "CPyList_Insert", E::Magic),
    p(method(K::List, "pop"), &[A::List], OBJ, "CPyList_Pop", E::Magic),
    p(method(K::List, "pop"), &[A::List, A::Int], OBJ, "CPyList_PopIndex", E::Magic),
    p(method(K::List, "remove"), &[A::List, A::Obj], Ret::None, "CPyList_Remove", E::Magic),
    p(method(K::List, "index"), &[A::List, A::Obj], Ret::Int, "CPyList_Index", E::Magic),
    p(method(K::List, "count"), &[A::List, A::Obj], Ret::Int, "CPyList_Count", E::Magic),
    p(method(K::List, "reverse"), &[A::List], Ret::None, "CPyList_Reverse", E::Magic),
    p(method(K::List, "sort"), &[A::List], Ret::None, "CPyList_Sort", E::Magic),
    p(method(K::List, "clear"), &[A::List], Ret::None, "CPyList_Clear", E::Magic),
    p(method(K::List, "copy"), &[A::List], OBJ, "CPyList_Copy", E::Magic),
    // ---- dict methods ----
    p(method(K::Dict, "get"), &[A::Dict, A::Obj], OBJ, "CPyDict_GetWithNone", E::Magic),
    p(method(K::Dict, "get"), &[A::Dict, A::Obj, A::Obj], OBJ, "CPyDict_Get", E::Magic),
    p(internal(I::DictSetDefaultEmpty), &[A::Dict, A::Obj, A::Ssize], OBJ, "CPyDict_SetDefaultEmpty", E::Magic),
    p(method(K::Dict, "setdefault"), &[A::Dict, A::Obj], OBJ, "CPyDict_SetDefaultWithNone", E::Magic),
    p(method(K::Dict, "setdefault"), &[A::Dict, A::Obj, A::Obj], OBJ, "CPyDict_SetDefault", E::Magic),
    p(method(K::Dict, "pop"), &[A::Dict, A::Obj], OBJ, "CPyDict_Pop", E::Magic),
    p(method(K::Dict, "pop"), &[A::Dict, A::Obj, A::Obj], OBJ, "CPyDict_PopDefault", E::Magic),
    p(method(K::Dict, "copy"), &[A::Dict], OBJ, "CPyDict_Copy", E::Magic),
    p(method(K::Dict, "clear"), &[A::Dict], Ret::None, "CPyDict_Clear", E::Magic),
    p(method(K::Dict, "update"), &[A::Dict, A::Obj], Ret::None, "CPyDict_Update", E::Magic),
    // ---- set methods ----
    p(method(K::Set, "add"), &[A::Set, A::Obj], Ret::None, "CPySet_Add", E::Magic),
    p(method(K::Set, "discard"), &[A::Set, A::Obj], Ret::None, "CPySet_Discard", E::Magic),
    p(method(K::Set, "remove"), &[A::Set, A::Obj], Ret::None, "CPySet_Remove", E::Magic),
    p(method(K::Set, "pop"), &[A::Set], OBJ, "CPySet_Pop", E::Magic),
    p(method(K::Set, "clear"), &[A::Set], Ret::None, "CPySet_Clear", E::Magic),
    // ---- indexing ----
    p(op(O::GetItem), &[A::List, A::Int], OBJ, "CPyList_GetItem", E::Magic),
    p(op(O::GetItem), &[A::List, A::I64], OBJ, "CPyList_GetItemInt64", E::Magic),
    // Walking a list or tuple by a C index that the loop keeps inside it.
    p(internal(I::ListSize), &[A::List], Ret::Ssize, "CPyList_Size", E::Never),
    p(internal(I::TupleSize), &[A::Tuple], Ret::Ssize, "CPyTuple_Size", E::Never),
    p(internal(I::ListItemUnsafe), &[A::List, A::Ssize], OBJ, "CPyList_GetItemUnsafe", E::Never),
    p(internal(I::TupleItemUnsafe), &[A::Tuple, A::Ssize], OBJ, "CPyTuple_GetItemUnsafe", E::Never),
    p(op(O::GetItem), &[A::Str, A::Int], Ret::Obj(K::Str), "CPyStr_GetItem", E::Magic),
    p(op(O::GetItem), &[A::Bytes, A::Int], Ret::Int, "CPyBytes_GetItem", E::Magic),
    p(op(O::GetItem), &[A::Dict, A::Obj], OBJ, "CPyDict_GetItem", E::Magic),
    p(op(O::GetItem), &[A::Tuple, A::Int], OBJ, "CPySequenceTuple_GetItem", E::Magic),
    p(internal(I::NewDispatchCache), &[], OBJ, "CPySingleDispatch_NewCache", E::Magic),
    p(internal(I::SingleDispatchFind), &[A::Obj, A::Obj, A::Obj], OBJ, "CPySingleDispatch_Find", E::Magic),
    p(internal(I::EnumIterable), &[A::Obj], OBJ, "CPyEnum_Iterable", E::Magic),
    p(internal(I::ListFromRange), &[A::Int, A::Int, A::Int], Ret::Obj(K::List), "CPyList_FromRange", E::Magic),
    p(internal(I::StrOrdAt), &[A::Str, A::Int], Ret::Int, "CPyStr_OrdAt", E::Magic),
    p(internal(I::ClampToI64), &[A::Int], Ret::I64, "CPyTagged_ClampToInt64", E::Never),
    p(internal(I::TupleItemIndex), &[A::Int, A::Ssize], Ret::Ssize, "CPyTuple_ItemIndex", E::NegInt),
    p(op(O::GetItem), &[A::Obj, A::Obj], OBJ, "PyObject_GetItem", E::Magic),
    // `x[a:b]` with int bounds (an omitted one is 0 or the largest short int).
    p(op(O::GetSlice), &[A::List, A::Int, A::Int], OBJ, "CPyList_GetSlice", E::Magic),
    p(op(O::GetSlice), &[A::Str, A::Int, A::Int], OBJ, "CPyStr_GetSlice", E::Magic),
    p(op(O::GetSlice), &[A::Bytes, A::Int, A::Int], OBJ, "CPyBytes_GetSlice", E::Magic),
    p(op(O::GetSlice), &[A::Tuple, A::Int, A::Int], OBJ, "CPySequenceTuple_GetSlice", E::Magic),
    Primitive {
        key: op(O::SetItem),
        args: &[A::List, A::Int, A::Obj],
        var_args: false,
        ret: Ret::Bit,
        c_function: "CPyList_SetItem",
        error_kind: E::False,
        steals: &[2],
        is_borrowed: false,
        site_cache: None,
    },
    Primitive {
        key: op(O::SetItem),
        args: &[A::List, A::I64, A::Obj],
        var_args: false,
        ret: Ret::Bit,
        c_function: "CPyList_SetItemInt64",
        error_kind: E::False,
        steals: &[2],
        is_borrowed: false,
        site_cache: None,
    },
    p(op(O::SetItem), &[A::Dict, A::Obj, A::Obj], Ret::CInt, "CPyDict_SetItem", E::NegInt),
    p(op(O::SetItem), &[A::Obj, A::Obj, A::Obj], Ret::CInt, "PyObject_SetItem", E::NegInt),
    p(op(O::DelItem), &[A::Obj, A::Obj], Ret::CInt, "PyObject_DelItem", E::NegInt),
    // ---- generic object operations used by the builder ----
    // Reads from class objects are cached while the class and its
    // metaclass are unchanged.
    cached(p(internal(I::GetAttr), &[A::Obj, A::Obj], OBJ, "CPyObject_GetAttrCached", E::Magic), "CPyClassAttrCache"),
    p(internal(I::SetAttr), &[A::Obj, A::Obj, A::Obj], Ret::CInt, "PyObject_SetAttr", E::NegInt),
    p(internal(I::DelAttr), &[A::Obj, A::Obj], Ret::CInt, "PyObject_DelAttr", E::NegInt),
    p(internal(I::RichCompare), &[A::Obj, A::Obj, A::CInt], OBJ, "PyObject_RichCompare", E::Magic),
    // Equality of container items: identical objects are equal.
    p(internal(I::EqualItems), &[A::Obj, A::Obj, A::CInt], Ret::CInt, "PyObject_RichCompareBool", E::NegInt),
    p(internal(I::IsTrue), &[A::Obj], Ret::Bool, "CPyObject_IsTrue", E::Magic),
    p(internal(I::Str), &[A::Obj], Ret::Obj(K::Str), "PyObject_Str", E::Magic),
    p(internal(I::Repr), &[A::Obj], Ret::Obj(K::Str), "PyObject_Repr", E::Magic),
    p(internal(I::Ascii), &[A::Obj], Ret::Obj(K::Str), "PyObject_ASCII", E::Magic),
    p(internal(I::Format), &[A::Obj, A::Obj], Ret::Obj(K::Str), "PyObject_Format", E::Magic),
    p(internal(I::FormatStrPlain), &[A::Str], Ret::Obj(K::Str), "CPyStr_FormatPlain", E::Magic),
    p(internal(I::GetIter), &[A::Obj], OBJ, "PyObject_GetIter", E::Magic),
    // ---- match statements ----
    p(internal(I::MatchIsNoMatch), &[A::Obj], Ret::Bool, "CPyMatch_IsNoMatch", E::Never),
    p(internal(I::MatchSequence), &[A::Obj, A::Ssize, A::Ssize, A::CInt], OBJ, "CPyMatch_Sequence", E::Magic),
    p(internal(I::MatchIsMapping), &[A::Obj], Ret::Bool, "CPyMatch_IsMapping", E::Never),
    p(internal(I::MatchMappingGet), &[A::Obj, A::Obj], OBJ, "CPyMatch_MappingGet", E::Magic),
    p(internal(I::MatchMappingRest), &[A::Obj, A::Obj], Ret::Obj(K::Dict), "CPyMatch_MappingRest", E::Magic),
    p(internal(I::MatchClass), &[A::Obj, A::Obj, A::Ssize, A::Obj], OBJ, "CPyMatch_Class", E::Magic),
    // ---- generators ----
    borrowed(p(internal(I::GenEnv), &[A::Obj], OBJ, "CPyGen_Env", E::Never)),
    p(internal(I::MarkCoroutine), &[A::Obj], Ret::Void, "CPyFunction_MarkCoroutine", E::Never),
    p(internal(I::IsSingledispatchRegister), &[A::Obj], Ret::Bit, "CPy_IsSingledispatchRegister", E::Never),
    p(internal(I::GenLabel), &[A::Obj], Ret::CInt, "CPyGen_Label", E::Never),
    p(internal(I::GenSetLabel), &[A::Obj, A::CInt], Ret::Void, "CPyGen_SetLabel", E::Never),
    p(internal(I::GenSetDelegate), &[A::Obj, A::Obj], Ret::CInt, "CPyGen_SetDelegate", E::Never),
    p(internal(I::GenRaiseObject), &[A::Obj], Ret::Void, "CPy_RaiseObject", E::Always),
    p(internal(I::GenGetAwaitable), &[A::Obj], OBJ, "CPy_GetAwaitable", E::Magic),
    p(internal(I::GenGetAiter), &[A::Obj], OBJ, "CPy_GetAIter", E::Magic),
    p(internal(I::GenGetAnext), &[A::Obj], OBJ, "CPy_GetANext", E::Magic),
    p(internal(I::IterNext), &[A::Obj], OBJ, "CPyIter_Next", E::Never),
    // ---- dict walks of `for` loops (keys, values, items) ----
    p(internal(I::DictWalkKeys), &[A::Dict], OBJ, "CPyDictWalk_Keys", E::Magic),
    p(internal(I::DictWalkValues), &[A::Dict], OBJ, "CPyDictWalk_Values", E::Magic),
    p(internal(I::DictWalkItems), &[A::Dict], OBJ, "CPyDictWalk_Items", E::Magic),
    p(internal(I::DictWalkNext), &[A::Obj], OBJ, "CPyDictWalk_Next", E::Never),
    p(internal(I::DictWalkValue), &[A::Obj], OBJ, "CPyDictWalk_Value", E::Never),
    p(internal(I::NoErrOccurred), &[], Ret::Bit, "CPy_NoErrOccurred", E::False),
    // Loop headers (transform::signals): runs pending signal handlers.
    p(internal(I::PollSignals), &[], Ret::Bit, "CPy_PollSignals", E::False),
    // Entry of functions on cycles of direct calls (transform::recursion).
    p(internal(I::CheckStack), &[], Ret::Bit, "CPy_CheckStack", E::False),
    p(internal(I::Slice), &[A::Obj, A::Obj, A::Obj], OBJ, "PySlice_New", E::Magic),
    p(internal(I::ToTuple), &[A::Obj], Ret::Obj(K::Tuple), "PySequence_Tuple", E::Magic),
    p(internal(I::ListExtend), &[A::List, A::Obj], Ret::CInt, "CPyList_ExtendIter", E::NegInt),
    p(internal(I::ListToTuple), &[A::List], Ret::Obj(K::Tuple), "PyList_AsTuple", E::Magic),
    p(internal(I::ListToSet), &[A::List], Ret::Obj(K::Set), "PySet_New", E::Magic),
    p(internal(I::FrozensetFrom), &[A::Obj], Ret::Obj(K::FrozenSet), "PyFrozenSet_New", E::Magic),
    p(internal(I::DictMerge), &[A::Dict, A::Obj], Ret::CInt, "CPyDict_MergeMapping", E::NegInt),
    p(internal(I::Unpack), &[A::Obj, A::Ssize], Ret::Obj(K::Tuple), "CPySequence_Unpack", E::Magic),
    p(internal(I::UnpackStar), &[A::Obj, A::Ssize, A::Ssize], Ret::Obj(K::Tuple), "CPySequence_UnpackStar", E::Magic),
    var(internal(I::Call), &[A::Obj, A::Ssize], OBJ, "CPy_Call"),
    var(internal(I::CallKw), &[A::Obj, A::Ssize, A::Tuple], OBJ, "CPy_CallKw"),
    var(internal(I::CallMethod), &[A::Obj, A::Str, A::Ssize], OBJ, "CPy_CallMethod"),
    var(internal(I::CallMethodKw), &[A::Obj, A::Str, A::Ssize, A::Tuple], OBJ, "CPy_CallMethodKw"),
    var(internal(I::BuildList), &[A::Ssize], Ret::Obj(K::List), "CPyList_Build"),
    var(internal(I::BuildTuple), &[A::Ssize], Ret::Obj(K::Tuple), "CPyTuple_Build"),
    var(internal(I::BuildDict), &[A::Ssize], Ret::Obj(K::Dict), "CPyDict_Build"),
    var(internal(I::BuildSet), &[A::Ssize], Ret::Obj(K::Set), "CPySet_Build"),
    var(internal(I::BuildStr), &[A::Ssize], Ret::Obj(K::Str), "CPyStr_Build"),
    // A name of the module's globals (else of builtins): cached while
    // neither dict changes.
    cached(p(internal(I::GlobalsGet), &[A::Dict, A::Str], OBJ, "CPyGlobals_GetCached", E::Magic), "CPyGlobalsCache"),
    p(internal(I::FinalGet), &[A::Dict, A::Str], OBJ, "CPyGlobals_GetFinal", E::Magic),
    p(internal(I::GlobalsSet), &[A::Dict, A::Str, A::Obj], Ret::CInt, "CPyGlobals_Set", E::NegInt),
    p(internal(I::GlobalsDel), &[A::Dict, A::Str], Ret::CInt, "CPyGlobals_Del", E::NegInt),
    p(internal(I::Import), &[A::Str], OBJ, "CPyImport_Import", E::Magic),
    p(internal(I::ImportModule), &[A::Str], OBJ, "CPyImport_ImportModule", E::Magic),
    p(internal(I::ImportFrom), &[A::Obj, A::Str, A::Str], OBJ, "CPyImport_ImportFrom", E::Magic),
    p(internal(I::ImportStar), &[A::Obj, A::Dict], Ret::CInt, "CPyImport_ImportStar", E::NegInt),
    p(internal(I::Raise), &[A::Obj], Ret::Void, "CPy_Raise", E::Always),
    p(internal(I::RaiseFrom), &[A::Obj, A::Obj], Ret::Void, "CPy_RaiseFrom", E::Always),
    p(internal(I::Reraise), &[], Ret::Void, "CPy_Reraise", E::Always),
    p(internal(I::AssertFailed), &[A::Obj], Ret::Void, "CPy_AssertFailed", E::Always),
    p(internal(I::CatchError), &[], Ret::ExcInfo, "CPy_CatchError", E::Never),
    Primitive {
        key: internal(I::RestoreExcInfo),
        args: &[A::ExcInfo],
        var_args: false,
        ret: Ret::Void,
        c_function: "CPy_RestoreExcInfo",
        error_kind: E::Never,
        steals: &[0],
        is_borrowed: false,
        site_cache: None,
    },
    p(internal(I::ExceptionMatches), &[A::Obj], Ret::Bit, "CPy_ExceptionMatches", E::Never),
    p(internal(I::GetExcValue), &[], OBJ, "CPy_GetExcValue", E::Never),
    p(internal(I::GetExcInfo), &[], Ret::ExcInfo, "CPy_GetExcInfo", E::Never),
    p(internal(I::KeepPropagating), &[], Ret::Bit, "CPy_KeepPropagating", E::False),
    p(internal(I::ClassCreate), &[A::Str, A::Tuple, A::Dict, A::Obj, A::Obj], OBJ, "CPyClass_Create", E::Magic),
    // `object.__new__(cls)` in the `__new__` of a native class.
    p(internal(I::SetupNative), &[A::Obj], OBJ, "CPy_SetupNative", E::Magic),
    // `list += iterable`: extends in place, returns the list (new ref).
    p(internal(I::ListIadd), &[A::List, A::Obj], Ret::Obj(K::List), "PySequence_InPlaceConcat", E::Magic),
    // `s += t` on strs: steals `s`, resized in place when nothing else
    // holds it (as the interpreter does).
    Primitive {
        key: internal(I::StrIadd),
        args: &[A::Str, A::Str],
        var_args: false,
        ret: Ret::Obj(K::Str),
        c_function: "CPyStr_Append",
        error_kind: E::Magic,
        steals: &[0],
        is_borrowed: false,
        site_cache: None,
    },
    p(internal(I::MergeKwarg), &[A::Dict, A::Str, A::Obj], Ret::CInt, "CPyDict_MergeKwarg", E::NegInt),
    p(internal(I::MergeKwargs), &[A::Dict, A::Obj], Ret::CInt, "CPyDict_MergeKwargs", E::NegInt),
    p(internal(I::CallStar), &[A::Obj, A::Tuple, A::Dict], OBJ, "PyObject_Call", E::Magic),
    p(internal(I::SetAdd), &[A::Set, A::Obj], Ret::CInt, "PySet_Add", E::NegInt),
    p(internal(I::DictSet), &[A::Dict, A::Obj, A::Obj], Ret::CInt, "CPyDict_SetItem", E::NegInt),
    p(internal(I::DictGet), &[A::Dict, A::Obj], OBJ, "CPyDict_GetItem", E::Magic),
    p(internal(I::ListAppend), &[A::List, A::Obj], Ret::CInt, "CPyList_Append", E::NegInt),
    p(internal(I::ListLen), &[A::List], Ret::Int, "CPyList_Len", E::Never),
    p(internal(I::TupleLen), &[A::Tuple], Ret::Int, "CPyTuple_Len", E::Never),
    p(internal(I::IntToFloat), &[A::Int], Ret::Float, "CPyTagged_AsDouble", E::MagicOverlapping),
];

/// Each key's records, in table order.
fn index() -> &'static HashMap<Key, Vec<&'static Primitive>> {
    static INDEX: OnceLock<HashMap<Key, Vec<&'static Primitive>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<Key, Vec<&'static Primitive>> = HashMap::new();
        for p in PRIMITIVES {
            index.entry(p.key).or_default().push(p);
        }
        index
    })
}

/// The records of `key`, in table order.
fn records(key: Key) -> &'static [&'static Primitive] {
    index().get(&key).map_or(&[], Vec::as_slice)
}

/// Who a function or method name belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Module(Module),
    Type(ObjKind),
}

/// The keys of the functions and methods with records, by owner and name:
/// names from the source find their key (with its `&'static str`) here.
fn named_keys() -> &'static HashMap<Owner, HashMap<&'static str, Key>> {
    static NAMED: OnceLock<HashMap<Owner, HashMap<&'static str, Key>>> = OnceLock::new();
    NAMED.get_or_init(|| {
        let mut named: HashMap<Owner, HashMap<&'static str, Key>> = HashMap::new();
        for p in PRIMITIVES {
            let (owner, name) = match p.key {
                Key::Function(m, name) => (Owner::Module(m), name),
                Key::Method(k, name) => (Owner::Type(k), name),
                _ => continue,
            };
            named.entry(owner).or_default().insert(name, p.key);
        }
        named
    })
}

fn named_key(owner: Owner, name: &str) -> Option<Key> {
    named_keys().get(&owner)?.get(name).copied()
}

impl Key {
    /// The key of function `name` of `module`, if it has records.
    pub fn function(module: Module, name: &str) -> Option<Key> {
        named_key(Owner::Module(module), name)
    }

    /// The key of method `name` of receivers of kind `receiver`, if it has
    /// records.
    pub fn method(receiver: ObjKind, name: &str) -> Option<Key> {
        named_key(Owner::Type(receiver), name)
    }
}

fn args_match(p: &Primitive, args: &[RType]) -> bool {
    p.args.iter().zip(args).all(|(a, t)| a.matches(t))
}

/// The first record of `key` whose operand patterns match `args`.
pub fn lookup(key: impl Into<Key>, args: &[RType]) -> Option<&'static Primitive> {
    let key = key.into();
    records(key).iter().copied().find(|p| {
        (if p.var_args {
            args.len() >= p.args.len()
        } else {
            args.len() == p.args.len()
        }) && args_match(p, args)
    })
}

/// The record of `key` for these operand types whose result is `ret`
/// (for conversions that differ only in their result type).
pub fn lookup_ret(key: impl Into<Key>, args: &[RType], ret: &RType) -> Option<&'static Primitive> {
    let key = key.into();
    records(key)
        .iter()
        .copied()
        .find(|p| p.ret.rtype() == *ret && args.len() == p.args.len() && args_match(p, args))
}

/// The first record of `key` regardless of operand types (for the
/// builder's fixed generic operations); `None` only if the registry lacks
/// it.
pub fn generic(key: impl Into<Key>) -> Option<&'static Primitive> {
    records(key.into()).first().copied()
}

/// C functions of records that run no Python code and release nothing
/// before they return, whatever their operands: element reads, writes
/// (the replaced item is released last) and sizes of lists and tuples.
/// An operand of a call of one may be a borrowed reference
/// (`transform::borrow`).
const CODE_FREE: &[&str] = &[
    "CPyList_GetItem",
    "CPyList_GetItemInt64",
    "CPyList_GetItemUnsafe",
    "CPyList_SetItem",
    "CPyList_SetItemInt64",
    "CPyList_Size",
    "CPyList_Len",
    "CPyTuple_GetItemUnsafe",
    "CPySequenceTuple_GetItem",
];

/// Does the C function `c_function` run no Python code (`CODE_FREE`)?
pub fn runs_no_python_code(c_function: &str) -> bool {
    CODE_FREE.contains(&c_function)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every C function of a record is declared in `lib-rt/CPy.h`, or is
    /// part of the C API (`Py...`).
    #[test]
    fn c_functions_are_declared() {
        let header = include_str!("../../lib-rt/CPy.h");
        // The native-int helpers are declared by a macro, per type.
        let mut native = vec![];
        for t in ["Int64", "Int32", "Int16", "UInt8"] {
            for f in [
                "CPyLong_As{}",
                "CPyObject_As{}",
                "CPyTagged_As{}",
                "CPyFloat_To{}",
            ] {
                native.push(f.replace("{}", t));
            }
            native.push(format!("CPy{t}_Divide"));
            native.push(format!("CPy{t}_Remainder"));
        }
        for p in PRIMITIVES {
            let f = p.c_function;
            let declared = header.contains(&format!(" {f}(")) || header.contains(&format!("*{f}("));
            assert!(
                declared || f.starts_with("Py") || native.iter().any(|n| n == f),
                "{} uses {f}, which CPy.h does not declare",
                p.key
            );
        }
    }

    fn c_function(key: Key, args: &[RType]) -> Option<&'static str> {
        lookup(key, args).map(|p| p.c_function)
    }

    #[test]
    fn math_accepts_ints_and_bools_as_floats() {
        let f = RType::Float;
        assert_eq!(
            c_function(math("sqrt"), &[RType::Float]),
            Some("CPyMath_Sqrt")
        );
        assert_eq!(
            c_function(math("sqrt"), &[RType::Int]),
            Some("CPyMath_Sqrt")
        );
        assert_eq!(
            c_function(math("sqrt"), &[RType::Bool]),
            Some("CPyMath_Sqrt")
        );
        assert_eq!(c_function(math("sqrt"), &[RType::STR]), None);
        // Ints are not converted where the int itself is the answer.
        assert_eq!(
            c_function(math("floor"), &[RType::Int]),
            Some("CPyTagged_Copy")
        );
        assert_eq!(
            c_function(math("floor"), &[RType::Float]),
            Some("CPyFloat_Floor")
        );
        assert_eq!(
            c_function(math("log"), &[RType::Int]),
            Some("CPyMath_LogInt")
        );
        assert_eq!(
            c_function(math("pow"), &[RType::Int, f]),
            Some("CPyMath_Pow")
        );
        // Native ints are not converted to float (i64 values lose precision).
        assert_eq!(c_function(math("floor"), &[RType::I64]), None);
        assert_eq!(c_function(math("sqrt"), &[RType::I64]), None);
    }

    #[test]
    fn min_max_pick_the_operands_representation() {
        let int2 = [RType::Int, RType::Int];
        assert_eq!(c_function(builtin("min"), &int2), Some("CPyTagged_Min"));
        assert_eq!(
            c_function(builtin("max"), &[RType::Bool, RType::Bit]),
            Some("CPyBool_Max")
        );
        assert_eq!(
            c_function(builtin("min"), &[RType::Int, RType::Float]),
            Some("CPyFloat_MinIntFloat")
        );
        // Other mixed operands compare as objects.
        assert_eq!(
            c_function(builtin("min"), &[RType::Int, RType::STR]),
            Some("CPyObject_Min")
        );
    }

    #[test]
    fn none_returning_methods_have_an_unboxed_none_result() {
        for p in PRIMITIVES {
            let none_method = matches!(
                p.key.to_string().as_str(),
                "list.append"
                    | "list.extend"
                    | "list.insert"
                    | "list.remove"
                    | "list.reverse"
                    | "list.sort"
                    | "list.clear"
                    | "dict.clear"
                    | "dict.update"
                    | "set.add"
                    | "set.discard"
                    | "set.remove"
                    | "set.clear"
                    | "builtins.setattr"
            );
            if none_method {
                assert_eq!(p.ret, Ret::None, "{}", p.key);
                assert_eq!(p.error_kind, E::Magic, "{}", p.key);
            }
        }
    }

    #[test]
    fn fixed_length_tuples_match_tuple_operands() {
        let t = RType::Tuple(vec![RType::STR, RType::STR]);
        assert_eq!(
            c_function(method(K::Str, "startswith"), &[RType::STR, t]),
            Some("CPyStr_StartswithTuple")
        );
    }

    /// The linear scans the index replaces.
    fn scan(key: Key, args: &[RType]) -> Option<&'static Primitive> {
        PRIMITIVES.iter().find(|p| {
            p.key == key
                && if p.var_args {
                    args.len() >= p.args.len()
                } else {
                    args.len() == p.args.len()
                }
                && p.args.iter().zip(args).all(|(a, t)| a.matches(t))
        })
    }

    fn scan_ret(key: Key, args: &[RType], ret: &RType) -> Option<&'static Primitive> {
        PRIMITIVES.iter().find(|p| {
            p.key == key
                && p.ret.rtype() == *ret
                && args.len() == p.args.len()
                && p.args.iter().zip(args).all(|(a, t)| a.matches(t))
        })
    }

    /// For every record's key and the operand types of every record (and
    /// some others), the index finds exactly the record a linear scan of
    /// the table would.
    #[test]
    fn index_finds_what_a_linear_scan_finds() {
        let same = |a: Option<&'static Primitive>, b: Option<&'static Primitive>| match (a, b) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        let mut operand_lists: Vec<Vec<RType>> = PRIMITIVES
            .iter()
            .map(|p| p.args.iter().map(|a| a.rtype()).collect())
            .collect();
        let extra = [
            RType::Bool,
            RType::Bit,
            RType::Tuple(vec![RType::STR, RType::STR]),
            RType::OBJECT,
        ];
        for t in &extra {
            operand_lists.push(vec![t.clone()]);
            operand_lists.push(vec![t.clone(), t.clone()]);
            operand_lists.push(vec![RType::STR, t.clone()]);
        }
        for p in PRIMITIVES {
            // Variadic records with extra operands.
            let mut more: Vec<RType> = p.args.iter().map(|a| a.rtype()).collect();
            more.push(RType::OBJECT);
            operand_lists.push(more);
        }
        let mut rets: Vec<RType> = PRIMITIVES.iter().map(|p| p.ret.rtype()).collect();
        rets.sort();
        rets.dedup();
        operand_lists.sort();
        operand_lists.dedup();
        let mut keys: Vec<Key> = vec![];
        for p in PRIMITIVES {
            if !keys.contains(&p.key) {
                keys.push(p.key);
            }
        }
        for key in keys {
            assert!(std::ptr::eq(
                generic(key).unwrap(),
                PRIMITIVES.iter().find(|p| p.key == key).unwrap()
            ));
            for args in &operand_lists {
                assert!(same(lookup(key, args), scan(key, args)), "{key} {args:?}");
                for ret in &rets {
                    assert!(
                        same(lookup_ret(key, args, ret), scan_ret(key, args, ret)),
                        "{key} {args:?} {ret}"
                    );
                }
            }
        }
    }

    /// Keys print as the registry's names; different keys print
    /// differently, and source names find the keys of functions and methods.
    #[test]
    fn keys_print_as_names() {
        assert_eq!(op(O::InPlaceFloorDiv).to_string(), "//=");
        assert_eq!(op(O::Neg).to_string(), "unary-");
        assert_eq!(builtin("len").to_string(), "builtins.len");
        assert_eq!(method(K::Dict, "get").to_string(), "dict.get");
        assert_eq!(native(N::FromInt).to_string(), "native.from_int");
        assert_eq!(internal(I::GetAttr).to_string(), "generic.getattr");
        let mut names: HashMap<String, Key> = HashMap::new();
        for p in PRIMITIVES {
            let previous = names.insert(p.key.to_string(), p.key);
            assert!(previous.is_none_or(|k| k == p.key), "{}", p.key);
            match p.key {
                Key::Function(m, name) => assert_eq!(Key::function(m, name), Some(p.key)),
                Key::Method(k, name) => {
                    // A name that is not the table's `&'static str`.
                    let source_name = String::from(name);
                    assert_eq!(Key::method(k, &source_name), Some(p.key))
                }
                _ => {}
            }
        }
        assert_eq!(Key::method(K::Str, "no_such_method"), None);
        assert_eq!(Key::function(Module::Math, "len"), None);
        assert_eq!(Module::named("math"), Some(Module::Math));
    }
}
