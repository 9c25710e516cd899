//! The primitive registry: a declarative table of specialized operations.
//!
//! Each record says: this operation (a binary operator, a builtin function,
//! a method of a builtin type, or a named generic operation), on operands of
//! these runtime types, is the C function `c_function` of lib-rt or the C
//! API, returning `ret`, reporting errors as `error_kind`, stealing these
//! operands. irbuild asks `lookup` for the first record matching the operand
//! types and falls back to generic object operations when none does. Adding
//! a fast path means adding a record here, not a branch in the builder.

use crate::ir::{CallC, ErrorKind, ObjKind, RType, Steals, ValueId};

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
    /// `"+"`, `"builtins.len"`, `"str.join"`, `"generic.getattr"`, ...
    pub name: &'static str,
    pub args: &'static [Arg],
    /// Extra variadic operands allowed after `args` (all `Obj`).
    pub var_args: bool,
    pub ret: Ret,
    pub c_function: &'static str,
    pub error_kind: ErrorKind,
    /// Indexes of stolen operands.
    pub steals: &'static [usize],
    pub is_borrowed: bool,
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
    name: &'static str,
    args: &'static [Arg],
    ret: Ret,
    c_function: &'static str,
    error_kind: ErrorKind,
) -> Primitive {
    Primitive {
        name,
        args,
        var_args: false,
        ret,
        c_function,
        error_kind,
        steals: &[],
        is_borrowed: false,
    }
}

const fn var(
    name: &'static str,
    args: &'static [Arg],
    ret: Ret,
    c_function: &'static str,
) -> Primitive {
    Primitive {
        name,
        args,
        var_args: true,
        ret,
        c_function,
        error_kind: E::Magic,
        steals: &[],
        is_borrowed: false,
    }
}

/// A record whose result is a borrowed reference.
const fn borrowed(mut prim: Primitive) -> Primitive {
    prim.is_borrowed = true;
    prim
}

const OBJ: Ret = Ret::Obj(K::Object);

/// The registry, searched in order: more specific records first.
#[rustfmt::skip]
pub static PRIMITIVES: &[Primitive] = &[
    // ---- int ----
    p("+", &[A::Int, A::Int], Ret::Int, "CPyTagged_Add", E::Magic),
    p("-", &[A::Int, A::Int], Ret::Int, "CPyTagged_Subtract", E::Magic),
    p("*", &[A::Int, A::Int], Ret::Int, "CPyTagged_Multiply", E::Magic),
    p("//", &[A::Int, A::Int], Ret::Int, "CPyTagged_FloorDivide", E::Magic),
    p("%", &[A::Int, A::Int], Ret::Int, "CPyTagged_Remainder", E::Magic),
    p("&", &[A::Int, A::Int], Ret::Int, "CPyTagged_And", E::Magic),
    p("|", &[A::Int, A::Int], Ret::Int, "CPyTagged_Or", E::Magic),
    p("^", &[A::Int, A::Int], Ret::Int, "CPyTagged_Xor", E::Magic),
    p("<<", &[A::Int, A::Int], Ret::Int, "CPyTagged_Lshift", E::Magic),
    p(">>", &[A::Int, A::Int], Ret::Int, "CPyTagged_Rshift", E::Magic),
    p("**", &[A::Int, A::Int], OBJ, "CPyTagged_Power", E::Magic),
    p("/", &[A::Int, A::Int], Ret::Float, "CPyTagged_TrueDivide", E::MagicOverlapping),
    p("==", &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsEq", E::Never),
    p("!=", &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsNe", E::Never),
    p("<", &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsLt", E::Never),
    p("<=", &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsLe", E::Never),
    p(">", &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsGt", E::Never),
    p(">=", &[A::Int, A::Int], Ret::Bool, "CPyTagged_IsGe", E::Never),
    p("unary-", &[A::Int], Ret::Int, "CPyTagged_Negate", E::Magic),
    p("unary~", &[A::Int], Ret::Int, "CPyTagged_Invert", E::Magic),
    // ---- mypy_extensions native integers (i64, i32, i16, u8) ----
    // `native.from_int` / `native.from_float` are looked up by operand type
    // and result type (see `lookup_ret`).
    p("//", &[A::I64, A::I64], Ret::I64, "CPyInt64_Divide", E::MagicOverlapping),
    p("%", &[A::I64, A::I64], Ret::I64, "CPyInt64_Remainder", E::MagicOverlapping),
    p("native.from_int", &[A::Int], Ret::I64, "CPyTagged_AsInt64", E::MagicOverlapping),
    p("native.from_float", &[A::Float], Ret::I64, "CPyFloat_ToInt64", E::MagicOverlapping),
    p("native.to_int", &[A::I64], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("//", &[A::I32, A::I32], Ret::I32, "CPyInt32_Divide", E::MagicOverlapping),
    p("%", &[A::I32, A::I32], Ret::I32, "CPyInt32_Remainder", E::MagicOverlapping),
    p("native.from_int", &[A::Int], Ret::I32, "CPyTagged_AsInt32", E::MagicOverlapping),
    p("native.from_float", &[A::Float], Ret::I32, "CPyFloat_ToInt32", E::MagicOverlapping),
    p("native.to_int", &[A::I32], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("//", &[A::I16, A::I16], Ret::I16, "CPyInt16_Divide", E::MagicOverlapping),
    p("%", &[A::I16, A::I16], Ret::I16, "CPyInt16_Remainder", E::MagicOverlapping),
    p("native.from_int", &[A::Int], Ret::I16, "CPyTagged_AsInt16", E::MagicOverlapping),
    p("native.from_float", &[A::Float], Ret::I16, "CPyFloat_ToInt16", E::MagicOverlapping),
    p("native.to_int", &[A::I16], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("//", &[A::U8, A::U8], Ret::U8, "CPyUInt8_Divide", E::MagicOverlapping),
    p("%", &[A::U8, A::U8], Ret::U8, "CPyUInt8_Remainder", E::MagicOverlapping),
    p("native.from_int", &[A::Int], Ret::U8, "CPyTagged_AsUInt8", E::MagicOverlapping),
    p("native.from_float", &[A::Float], Ret::U8, "CPyFloat_ToUInt8", E::MagicOverlapping),
    p("native.to_int", &[A::U8], Ret::Int, "CPyTagged_FromInt64", E::Never),
    // ---- float ----
    p("//", &[A::Float, A::Float], Ret::Float, "CPyFloat_FloorDivide", E::MagicOverlapping),
    p("%", &[A::Float, A::Float], Ret::Float, "CPyFloat_Remainder", E::MagicOverlapping),
    p("/", &[A::Float, A::Float], Ret::Float, "CPyFloat_TrueDivide", E::MagicOverlapping),
    p("**", &[A::Float, A::Float], Ret::Float, "CPyFloat_Pow", E::MagicOverlapping),
    // ---- str ----
    p("+", &[A::Str, A::Str], Ret::Obj(K::Str), "PyUnicode_Concat", E::Magic),
    p("==", &[A::Str, A::Str], Ret::Bool, "CPyStr_Equal", E::Never),
    p("*", &[A::Str, A::Int], Ret::Obj(K::Str), "CPyStr_Multiply", E::Magic),
    p("*", &[A::List, A::Int], Ret::Obj(K::List), "CPySequence_Multiply", E::Magic),
    p("*", &[A::Int, A::List], Ret::Obj(K::List), "CPySequence_RMultiply", E::Magic),
    p("+", &[A::List, A::List], Ret::Obj(K::List), "PySequence_Concat", E::Magic),
    // ---- generic binary operators on objects ----
    p("+", &[A::Obj, A::Obj], OBJ, "PyNumber_Add", E::Magic),
    p("-", &[A::Obj, A::Obj], OBJ, "PyNumber_Subtract", E::Magic),
    p("*", &[A::Obj, A::Obj], OBJ, "PyNumber_Multiply", E::Magic),
    p("/", &[A::Obj, A::Obj], OBJ, "PyNumber_TrueDivide", E::Magic),
    p("//", &[A::Obj, A::Obj], OBJ, "PyNumber_FloorDivide", E::Magic),
    p("%", &[A::Obj, A::Obj], OBJ, "PyNumber_Remainder", E::Magic),
    p("&", &[A::Obj, A::Obj], OBJ, "PyNumber_And", E::Magic),
    p("|", &[A::Obj, A::Obj], OBJ, "PyNumber_Or", E::Magic),
    p("^", &[A::Obj, A::Obj], OBJ, "PyNumber_Xor", E::Magic),
    p("<<", &[A::Obj, A::Obj], OBJ, "PyNumber_Lshift", E::Magic),
    p(">>", &[A::Obj, A::Obj], OBJ, "PyNumber_Rshift", E::Magic),
    p("@", &[A::Obj, A::Obj], OBJ, "PyNumber_MatrixMultiply", E::Magic),
    p("+=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceAdd", E::Magic),
    p("-=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceSubtract", E::Magic),
    p("*=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceMultiply", E::Magic),
    p("/=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceTrueDivide", E::Magic),
    p("//=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceFloorDivide", E::Magic),
    p("%=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceRemainder", E::Magic),
    p("&=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceAnd", E::Magic),
    p("|=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceOr", E::Magic),
    p("^=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceXor", E::Magic),
    p("<<=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceLshift", E::Magic),
    p(">>=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceRshift", E::Magic),
    p("**", &[A::Obj, A::Obj], OBJ, "CPyNumber_Power", E::Magic),
    p("**=", &[A::Obj, A::Obj], OBJ, "CPyNumber_InPlacePower", E::Magic),
    p("@=", &[A::Obj, A::Obj], OBJ, "PyNumber_InPlaceMatrixMultiply", E::Magic),
    p("unary-", &[A::Obj], OBJ, "PyNumber_Negative", E::Magic),
    p("unary+", &[A::Obj], OBJ, "PyNumber_Positive", E::Magic),
    p("unary~", &[A::Obj], OBJ, "PyNumber_Invert", E::Magic),
    // "in" operands are (container, item), as the C functions take them.
    p("in", &[A::Dict, A::Obj], Ret::CInt, "CPyDict_Contains", E::NegInt),
    p("in", &[A::Set, A::Obj], Ret::CInt, "CPySet_Contains", E::NegInt),
    p("in", &[A::Str, A::Str], Ret::CInt, "CPyStr_Contains", E::NegInt),
    p("in", &[A::Obj, A::Obj], Ret::CInt, "PySequence_Contains", E::NegInt),
    // ---- builtins ----
    p("builtins.ord", &[A::Str], Ret::Int, "CPyStr_Ord", E::Magic),
    p("builtins.len", &[A::List], Ret::Int, "CPyList_Len", E::Never),
    p("builtins.len", &[A::Str], Ret::Int, "CPyStr_Len", E::Never),
    p("builtins.len", &[A::Dict], Ret::Int, "CPyDict_Len", E::Never),
    p("builtins.len", &[A::Tuple], Ret::Int, "CPyTuple_Len", E::Never),
    p("builtins.len", &[A::Set], Ret::Int, "CPySet_Len", E::Never),
    p("builtins.len", &[A::Bytes], Ret::Int, "CPyBytes_Len", E::Magic),
    p("builtins.len", &[A::Obj], Ret::Int, "CPyObject_Len", E::Magic),
    p("builtins.str", &[A::Int], Ret::Obj(K::Str), "CPyTagged_Str", E::Magic),
    p("builtins.str", &[A::Float], Ret::Obj(K::Str), "CPyFloat_Str", E::Magic),
    p("builtins.str", &[A::Obj], Ret::Obj(K::Str), "PyObject_Str", E::Magic),
    p("builtins.repr", &[A::Obj], Ret::Obj(K::Str), "PyObject_Repr", E::Magic),
    p("builtins.int", &[A::Float], Ret::Int, "CPyTagged_FromFloat", E::Magic),
    p("builtins.int", &[A::Str], Ret::Int, "CPyLong_FromStr", E::Magic),
    p("builtins.int", &[A::I64], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("builtins.int", &[A::I32], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("builtins.int", &[A::I16], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("builtins.int", &[A::U8], Ret::Int, "CPyTagged_FromInt64", E::Never),
    p("builtins.int", &[A::Obj], Ret::Int, "CPyTagged_FromAny", E::Magic),
    p("builtins.float", &[A::Int], Ret::Float, "CPyTagged_AsDouble", E::MagicOverlapping),
    p("builtins.float", &[A::Obj], Ret::Float, "CPyFloat_FromAny", E::MagicOverlapping),
    p("builtins.abs", &[A::Int], Ret::Int, "CPyTagged_Abs", E::Magic),
    p("builtins.abs", &[A::Float], Ret::Float, "CPyFloat_Abs", E::Never),
    // min/max of two values (ties keep the first, as CPython's comparisons do).
    p("builtins.min", &[A::Int, A::Int], Ret::Int, "CPyTagged_Min", E::Never),
    p("builtins.min", &[A::Float, A::Float], Ret::Float, "CPyFloat_Min", E::Never),
    p("builtins.min", &[A::Bool, A::Bool], Ret::Bool, "CPyBool_Min", E::Never),
    p("builtins.min", &[A::I64, A::I64], Ret::I64, "CPyInt64_Min", E::Never),
    p("builtins.min", &[A::I32, A::I32], Ret::I32, "CPyInt32_Min", E::Never),
    // An int and a float: the result is the float the checker's type says.
    p("builtins.min", &[A::Int, A::Float], Ret::Float, "CPyFloat_MinIntFloat", E::MagicOverlapping),
    p("builtins.min", &[A::Float, A::Int], Ret::Float, "CPyFloat_MinFloatInt", E::MagicOverlapping),
    p("builtins.min", &[A::Obj, A::Obj], OBJ, "CPyObject_Min", E::Magic),
    p("builtins.max", &[A::Int, A::Int], Ret::Int, "CPyTagged_Max", E::Never),
    p("builtins.max", &[A::Float, A::Float], Ret::Float, "CPyFloat_Max", E::Never),
    p("builtins.max", &[A::Bool, A::Bool], Ret::Bool, "CPyBool_Max", E::Never),
    p("builtins.max", &[A::I64, A::I64], Ret::I64, "CPyInt64_Max", E::Never),
    p("builtins.max", &[A::I32, A::I32], Ret::I32, "CPyInt32_Max", E::Never),
    p("builtins.max", &[A::Int, A::Float], Ret::Float, "CPyFloat_MaxIntFloat", E::MagicOverlapping),
    p("builtins.max", &[A::Float, A::Int], Ret::Float, "CPyFloat_MaxFloatInt", E::MagicOverlapping),
    p("builtins.max", &[A::Obj, A::Obj], OBJ, "CPyObject_Max", E::Magic),
    p("builtins.chr", &[A::Int], Ret::Obj(K::Str), "CPyStr_Chr", E::Magic),
    p("builtins.round", &[A::Float], Ret::Int, "CPyFloat_Round", E::Magic),
    p("builtins.round", &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p("builtins.bool", &[A::Int], Ret::Bool, "CPyTagged_IsTrue", E::Never),
    p("builtins.bool", &[A::Float], Ret::Bool, "CPyFloat_IsTrue", E::Never),
    p("builtins.bool", &[A::Obj], Ret::Bool, "CPyObject_IsTrue", E::Magic),
    p("builtins.divmod", &[A::Obj, A::Obj], OBJ, "PyNumber_Divmod", E::Magic),
    p("builtins.hash", &[A::Obj], Ret::Int, "CPyObject_Hash", E::Magic),
    p("builtins.id", &[A::Obj], Ret::Int, "CPyTagged_Id", E::Magic),
    p("builtins.iter", &[A::Obj], OBJ, "PyObject_GetIter", E::Magic),
    p("builtins.getattr", &[A::Obj, A::Str], OBJ, "PyObject_GetAttr", E::Magic),
    p("builtins.getattr", &[A::Obj, A::Str, A::Obj], OBJ, "CPyObject_GetAttr3", E::Magic),
    p("builtins.hasattr", &[A::Obj, A::Str], Ret::Bool, "CPyObject_HasAttr", E::Magic),
    p("builtins.setattr", &[A::Obj, A::Str, A::Obj], Ret::None, "CPyObject_SetAttrNone", E::Magic),
    p("builtins.sorted", &[A::Obj], Ret::Obj(K::List), "CPySequence_Sorted", E::Magic),
    p("builtins.list", &[], Ret::Obj(K::List), "CPyList_Empty", E::Magic),
    p("builtins.list", &[A::Obj], Ret::Obj(K::List), "PySequence_List", E::Magic),
    p("builtins.tuple", &[A::Obj], Ret::Obj(K::Tuple), "PySequence_Tuple", E::Magic),
    p("builtins.set", &[], Ret::Obj(K::Set), "CPySet_Empty", E::Magic),
    p("builtins.set", &[A::Obj], Ret::Obj(K::Set), "PySet_New", E::Magic),
    // ---- the math module ----
    // Results are CPython's; domain and range errors come from the math
    // module itself (see lib-rt/math_ops.c).
    p("math.sqrt", &[A::Num], Ret::Float, "CPyMath_Sqrt", E::MagicOverlapping),
    p("math.sin", &[A::Num], Ret::Float, "CPyMath_Sin", E::MagicOverlapping),
    p("math.cos", &[A::Num], Ret::Float, "CPyMath_Cos", E::MagicOverlapping),
    p("math.tan", &[A::Num], Ret::Float, "CPyMath_Tan", E::MagicOverlapping),
    p("math.asin", &[A::Num], Ret::Float, "CPyMath_Asin", E::MagicOverlapping),
    p("math.acos", &[A::Num], Ret::Float, "CPyMath_Acos", E::MagicOverlapping),
    p("math.atan", &[A::Num], Ret::Float, "CPyMath_Atan", E::MagicOverlapping),
    p("math.exp", &[A::Num], Ret::Float, "CPyMath_Exp", E::MagicOverlapping),
    // Logarithms of ints work beyond the float range.
    p("math.log", &[A::Int], Ret::Float, "CPyMath_LogInt", E::MagicOverlapping),
    p("math.log", &[A::Num], Ret::Float, "CPyMath_Log", E::MagicOverlapping),
    p("math.log10", &[A::Int], Ret::Float, "CPyMath_Log10Int", E::MagicOverlapping),
    p("math.log10", &[A::Num], Ret::Float, "CPyMath_Log10", E::MagicOverlapping),
    p("math.log2", &[A::Int], Ret::Float, "CPyMath_Log2Int", E::MagicOverlapping),
    p("math.log2", &[A::Num], Ret::Float, "CPyMath_Log2", E::MagicOverlapping),
    p("math.pow", &[A::Num, A::Num], Ret::Float, "CPyMath_Pow", E::MagicOverlapping),
    p("math.atan2", &[A::Num, A::Num], Ret::Float, "CPyMath_Atan2", E::MagicOverlapping),
    p("math.fmod", &[A::Num, A::Num], Ret::Float, "CPyMath_Fmod", E::MagicOverlapping),
    p("math.copysign", &[A::Num, A::Num], Ret::Float, "CPyMath_Copysign", E::Never),
    p("math.fabs", &[A::Num], Ret::Float, "CPyFloat_Abs", E::Never),
    p("math.degrees", &[A::Num], Ret::Float, "CPyMath_Degrees", E::Never),
    p("math.radians", &[A::Num], Ret::Float, "CPyMath_Radians", E::Never),
    p("math.isinf", &[A::Num], Ret::Bool, "CPyMath_IsInf", E::Never),
    p("math.isnan", &[A::Num], Ret::Bool, "CPyMath_IsNaN", E::Never),
    p("math.isfinite", &[A::Num], Ret::Bool, "CPyMath_IsFinite", E::Never),
    // floor/ceil/trunc of an int is that int (not a float conversion).
    p("math.floor", &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p("math.floor", &[A::Float], Ret::Int, "CPyFloat_Floor", E::Magic),
    p("math.ceil", &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p("math.ceil", &[A::Float], Ret::Int, "CPyFloat_Ceil", E::Magic),
    p("math.trunc", &[A::Int], Ret::Int, "CPyTagged_Copy", E::Never),
    p("math.trunc", &[A::Float], Ret::Int, "CPyTagged_FromFloat", E::Magic),
    p("builtins.isinstance", &[A::Obj, A::Obj], Ret::Bool, "CPy_IsInstance", E::Magic),
    // ---- str methods ----
    // Receivers that are str subclasses call the method itself.
    p("str.from_wtf8", &[A::Bytes], Ret::Obj(K::Str), "CPyStr_FromWTF8", E::Magic),
    p("str.join", &[A::Str, A::Obj], Ret::Obj(K::Str), "PyUnicode_Join", E::Magic),
    p("bytes.join", &[A::Bytes, A::Obj], Ret::Obj(K::Bytes), "CPyBytes_Join", E::Magic),
    p("bytes.split", &[A::Bytes], Ret::Obj(K::List), "CPyBytes_Split", E::Magic),
    p("bytes.split", &[A::Bytes, A::Bytes], Ret::Obj(K::List), "CPyBytes_SplitSep", E::Magic),
    p("str.startswith", &[A::Str, A::Str], Ret::Bool, "CPyStr_Startswith", E::Magic),
    p("str.startswith", &[A::Str, A::Tuple], Ret::Bool, "CPyStr_StartswithTuple", E::Magic),
    p("str.endswith", &[A::Str, A::Str], Ret::Bool, "CPyStr_Endswith", E::Magic),
    p("str.endswith", &[A::Str, A::Tuple], Ret::Bool, "CPyStr_EndswithTuple", E::Magic),
    p("str.removeprefix", &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_Removeprefix", E::Magic),
    p("str.removesuffix", &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_Removesuffix", E::Magic),
    p("str.find", &[A::Str, A::Str], Ret::Int, "CPyStr_Find", E::Magic),
    p("str.find", &[A::Str, A::Str, A::Int], Ret::Int, "CPyStr_FindFrom", E::Magic),
    p("str.find", &[A::Str, A::Str, A::Int, A::Int], Ret::Int, "CPyStr_FindRange", E::Magic),
    p("str.rfind", &[A::Str, A::Str], Ret::Int, "CPyStr_RFind", E::Magic),
    p("str.index", &[A::Str, A::Str], Ret::Int, "CPyStr_Index", E::Magic),
    p("str.rindex", &[A::Str, A::Str], Ret::Int, "CPyStr_RIndex", E::Magic),
    p("str.count", &[A::Str, A::Str], Ret::Int, "CPyStr_Count", E::Magic),
    p("str.split", &[A::Str], Ret::Obj(K::List), "CPyStr_Split", E::Magic),
    p("str.split", &[A::Str, A::Str], Ret::Obj(K::List), "CPyStr_SplitSep", E::Magic),
    p("str.split", &[A::Str, A::Str, A::Int], Ret::Obj(K::List), "CPyStr_SplitMax", E::Magic),
    p("str.rsplit", &[A::Str], Ret::Obj(K::List), "CPyStr_RSplit", E::Magic),
    p("str.rsplit", &[A::Str, A::Str], Ret::Obj(K::List), "CPyStr_RSplitSep", E::Magic),
    p("str.rsplit", &[A::Str, A::Str, A::Int], Ret::Obj(K::List), "CPyStr_RSplitMax", E::Magic),
    p("str.splitlines", &[A::Str], Ret::Obj(K::List), "CPyStr_Splitlines", E::Magic),
    p("str.strip", &[A::Str], Ret::Obj(K::Str), "CPyStr_Strip", E::Magic),
    p("str.strip", &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_StripChars", E::Magic),
    p("str.lstrip", &[A::Str], Ret::Obj(K::Str), "CPyStr_LStrip", E::Magic),
    p("str.lstrip", &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_LStripChars", E::Magic),
    p("str.rstrip", &[A::Str], Ret::Obj(K::Str), "CPyStr_RStrip", E::Magic),
    p("str.rstrip", &[A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_RStripChars", E::Magic),
    p("str.replace", &[A::Str, A::Str, A::Str], Ret::Obj(K::Str), "CPyStr_Replace", E::Magic),
    p("str.replace", &[A::Str, A::Str, A::Str, A::Int], Ret::Obj(K::Str), "CPyStr_ReplaceCount", E::Magic),
    p("str.upper", &[A::Str], Ret::Obj(K::Str), "CPyStr_Upper", E::Magic),
    p("str.lower", &[A::Str], Ret::Obj(K::Str), "CPyStr_Lower", E::Magic),
    p("str.isdigit", &[A::Str], Ret::Bool, "CPyStr_IsDigit", E::Magic),
    p("str.isalpha", &[A::Str], Ret::Bool, "CPyStr_IsAlpha", E::Magic),
    p("str.isalnum", &[A::Str], Ret::Bool, "CPyStr_IsAlnum", E::Magic),
    p("str.isspace", &[A::Str], Ret::Bool, "CPyStr_IsSpace", E::Magic),
    p("str.isdecimal", &[A::Str], Ret::Bool, "CPyStr_IsDecimal", E::Magic),
    p("str.isnumeric", &[A::Str], Ret::Bool, "CPyStr_IsNumeric", E::Magic),
    p("str.isupper", &[A::Str], Ret::Bool, "CPyStr_IsUpper", E::Magic),
    p("str.islower", &[A::Str], Ret::Bool, "CPyStr_IsLower", E::Magic),
    p("str.isascii", &[A::Str], Ret::Bool, "CPyStr_IsAscii", E::Magic),
    p("str.encode", &[A::Str], Ret::Obj(K::Bytes), "CPyStr_Encode", E::Magic),
    p("str.encode", &[A::Str, A::Str], Ret::Obj(K::Bytes), "CPyStr_EncodeWith", E::Magic),
    p("str.encode", &[A::Str, A::Str, A::Str], Ret::Obj(K::Bytes), "CPyStr_EncodeWithErrors", E::Magic),
    // ---- list methods ----
    // Methods returning None in Python have an unboxed None result (the C
    // function returns 1, or 2 on error). Receivers that are list
    // subclasses call the method itself.
    p("list.append", &[A::List, A::Obj], Ret::None, "CPyList_AppendMethod", E::Magic),
    p("list.extend", &[A::List, A::Obj], Ret::None, "CPyList_ExtendMethod", E::Magic),
    p("list.insert", &[A::List, A::Int, A::Obj], Ret::None, "CPyList_Insert", E::Magic),
    p("list.pop", &[A::List], OBJ, "CPyList_Pop", E::Magic),
    p("list.pop", &[A::List, A::Int], OBJ, "CPyList_PopIndex", E::Magic),
    p("list.remove", &[A::List, A::Obj], Ret::None, "CPyList_Remove", E::Magic),
    p("list.index", &[A::List, A::Obj], Ret::Int, "CPyList_Index", E::Magic),
    p("list.count", &[A::List, A::Obj], Ret::Int, "CPyList_Count", E::Magic),
    p("list.reverse", &[A::List], Ret::None, "CPyList_Reverse", E::Magic),
    p("list.sort", &[A::List], Ret::None, "CPyList_Sort", E::Magic),
    p("list.clear", &[A::List], Ret::None, "CPyList_Clear", E::Magic),
    p("list.copy", &[A::List], OBJ, "CPyList_Copy", E::Magic),
    // ---- dict methods ----
    p("dict.get", &[A::Dict, A::Obj], OBJ, "CPyDict_GetWithNone", E::Magic),
    p("dict.get", &[A::Dict, A::Obj, A::Obj], OBJ, "CPyDict_Get", E::Magic),
    p("dict.setdefault", &[A::Dict, A::Obj], OBJ, "CPyDict_SetDefaultWithNone", E::Magic),
    p("dict.setdefault", &[A::Dict, A::Obj, A::Obj], OBJ, "CPyDict_SetDefault", E::Magic),
    p("dict.pop", &[A::Dict, A::Obj], OBJ, "CPyDict_Pop", E::Magic),
    p("dict.pop", &[A::Dict, A::Obj, A::Obj], OBJ, "CPyDict_PopDefault", E::Magic),
    p("dict.copy", &[A::Dict], OBJ, "CPyDict_Copy", E::Magic),
    p("dict.clear", &[A::Dict], Ret::None, "CPyDict_Clear", E::Magic),
    p("dict.update", &[A::Dict, A::Obj], Ret::None, "CPyDict_Update", E::Magic),
    // ---- set methods ----
    p("set.add", &[A::Set, A::Obj], Ret::None, "CPySet_Add", E::Magic),
    p("set.discard", &[A::Set, A::Obj], Ret::None, "CPySet_Discard", E::Magic),
    p("set.remove", &[A::Set, A::Obj], Ret::None, "CPySet_Remove", E::Magic),
    p("set.pop", &[A::Set], OBJ, "CPySet_Pop", E::Magic),
    p("set.clear", &[A::Set], Ret::None, "CPySet_Clear", E::Magic),
    // ---- indexing ----
    p("[]", &[A::List, A::Int], OBJ, "CPyList_GetItem", E::Magic),
    p("[]", &[A::List, A::I64], OBJ, "CPyList_GetItemInt64", E::Magic),
    // Walking a list or tuple by a C index that the loop keeps inside it.
    p("list.size", &[A::List], Ret::Ssize, "CPyList_Size", E::Never),
    p("tuple.size", &[A::Tuple], Ret::Ssize, "CPyTuple_Size", E::Never),
    p("list.item_unsafe", &[A::List, A::Ssize], OBJ, "CPyList_GetItemUnsafe", E::Never),
    p("tuple.item_unsafe", &[A::Tuple, A::Ssize], OBJ, "CPyTuple_GetItemUnsafe", E::Never),
    p("[]", &[A::Str, A::Int], Ret::Obj(K::Str), "CPyStr_GetItem", E::Magic),
    p("[]", &[A::Bytes, A::Int], Ret::Int, "CPyBytes_GetItem", E::Magic),
    p("[]", &[A::Dict, A::Obj], OBJ, "CPyDict_GetItem", E::Magic),
    p("[]", &[A::Tuple, A::Int], OBJ, "CPySequenceTuple_GetItem", E::Magic),
    p("tuple.item_index", &[A::Int, A::Ssize], Ret::Ssize, "CPyTuple_ItemIndex", E::NegInt),
    p("[]", &[A::Obj, A::Obj], OBJ, "PyObject_GetItem", E::Magic),
    // `x[a:b]` with int bounds (an omitted one is 0 or the largest short int).
    p("[:]", &[A::List, A::Int, A::Int], OBJ, "CPyList_GetSlice", E::Magic),
    p("[:]", &[A::Str, A::Int, A::Int], OBJ, "CPyStr_GetSlice", E::Magic),
    p("[:]", &[A::Bytes, A::Int, A::Int], OBJ, "CPyBytes_GetSlice", E::Magic),
    p("[:]", &[A::Tuple, A::Int, A::Int], OBJ, "CPySequenceTuple_GetSlice", E::Magic),
    Primitive {
        name: "[]=",
        args: &[A::List, A::Int, A::Obj],
        var_args: false,
        ret: Ret::Bit,
        c_function: "CPyList_SetItem",
        error_kind: E::False,
        steals: &[2],
        is_borrowed: false,
    },
    Primitive {
        name: "[]=",
        args: &[A::List, A::I64, A::Obj],
        var_args: false,
        ret: Ret::Bit,
        c_function: "CPyList_SetItemInt64",
        error_kind: E::False,
        steals: &[2],
        is_borrowed: false,
    },
    p("[]=", &[A::Dict, A::Obj, A::Obj], Ret::CInt, "CPyDict_SetItem", E::NegInt),
    p("[]=", &[A::Obj, A::Obj, A::Obj], Ret::CInt, "PyObject_SetItem", E::NegInt),
    p("del[]", &[A::Obj, A::Obj], Ret::CInt, "PyObject_DelItem", E::NegInt),
    // ---- generic object operations used by the builder ----
    p("generic.getattr", &[A::Obj, A::Obj], OBJ, "PyObject_GetAttr", E::Magic),
    p("generic.setattr", &[A::Obj, A::Obj, A::Obj], Ret::CInt, "PyObject_SetAttr", E::NegInt),
    p("generic.delattr", &[A::Obj, A::Obj], Ret::CInt, "PyObject_DelAttr", E::NegInt),
    p("generic.richcompare", &[A::Obj, A::Obj, A::CInt], OBJ, "PyObject_RichCompare", E::Magic),
    // Equality of container items: identical objects are equal.
    p("generic.equal_items", &[A::Obj, A::Obj, A::CInt], Ret::CInt, "PyObject_RichCompareBool", E::NegInt),
    p("generic.is_true", &[A::Obj], Ret::Bool, "CPyObject_IsTrue", E::Magic),
    p("generic.str", &[A::Obj], Ret::Obj(K::Str), "PyObject_Str", E::Magic),
    p("generic.repr", &[A::Obj], Ret::Obj(K::Str), "PyObject_Repr", E::Magic),
    p("generic.ascii", &[A::Obj], Ret::Obj(K::Str), "PyObject_ASCII", E::Magic),
    p("generic.format", &[A::Obj, A::Obj], Ret::Obj(K::Str), "PyObject_Format", E::Magic),
    p("generic.format_str_plain", &[A::Str], Ret::Obj(K::Str), "CPyStr_FormatPlain", E::Magic),
    p("generic.get_iter", &[A::Obj], OBJ, "PyObject_GetIter", E::Magic),
    // ---- match statements ----
    p("match.is_no_match", &[A::Obj], Ret::Bool, "CPyMatch_IsNoMatch", E::Never),
    p("match.sequence", &[A::Obj, A::Ssize, A::Ssize, A::CInt], OBJ, "CPyMatch_Sequence", E::Magic),
    p("match.is_mapping", &[A::Obj], Ret::Bool, "CPyMatch_IsMapping", E::Never),
    p("match.mapping_get", &[A::Obj, A::Obj], OBJ, "CPyMatch_MappingGet", E::Magic),
    p("match.mapping_rest", &[A::Obj, A::Obj], Ret::Obj(K::Dict), "CPyMatch_MappingRest", E::Magic),
    p("match.class", &[A::Obj, A::Obj, A::Ssize, A::Obj], OBJ, "CPyMatch_Class", E::Magic),
    // ---- generators ----
    borrowed(p("gen.env", &[A::Obj], OBJ, "CPyGen_Env", E::Never)),
    p("func.mark_coroutine", &[A::Obj], Ret::Void, "CPyFunction_MarkCoroutine", E::Never),
    p("func.is_singledispatch_register", &[A::Obj], Ret::Bit, "CPy_IsSingledispatchRegister", E::Never),
    p("gen.label", &[A::Obj], Ret::CInt, "CPyGen_Label", E::Never),
    p("gen.set_label", &[A::Obj, A::CInt], Ret::Void, "CPyGen_SetLabel", E::Never),
    p("gen.set_delegate", &[A::Obj, A::Obj], Ret::CInt, "CPyGen_SetDelegate", E::Never),
    p("gen.raise_object", &[A::Obj], Ret::Void, "CPy_RaiseObject", E::Always),
    p("gen.get_awaitable", &[A::Obj], OBJ, "CPy_GetAwaitable", E::Magic),
    p("gen.get_aiter", &[A::Obj], OBJ, "CPy_GetAIter", E::Magic),
    p("gen.get_anext", &[A::Obj], OBJ, "CPy_GetANext", E::Magic),
    p("generic.iter_next", &[A::Obj], OBJ, "CPyIter_Next", E::Never),
    // ---- dict walks of `for` loops (keys, values, items) ----
    p("dict.walk_keys", &[A::Dict], OBJ, "CPyDictWalk_Keys", E::Magic),
    p("dict.walk_values", &[A::Dict], OBJ, "CPyDictWalk_Values", E::Magic),
    p("dict.walk_items", &[A::Dict], OBJ, "CPyDictWalk_Items", E::Magic),
    p("dict.walk_next", &[A::Obj], OBJ, "CPyDictWalk_Next", E::Never),
    p("dict.walk_value", &[A::Obj], OBJ, "CPyDictWalk_Value", E::Never),
    p("generic.no_err_occurred", &[], Ret::Bit, "CPy_NoErrOccurred", E::False),
    // Loop headers (transform::signals): runs pending signal handlers.
    p("generic.poll_signals", &[], Ret::Bit, "CPy_PollSignals", E::False),
    // Entry of functions on cycles of direct calls (transform::recursion).
    p("generic.check_stack", &[], Ret::Bit, "CPy_CheckStack", E::False),
    p("generic.slice", &[A::Obj, A::Obj, A::Obj], OBJ, "PySlice_New", E::Magic),
    p("generic.to_tuple", &[A::Obj], Ret::Obj(K::Tuple), "PySequence_Tuple", E::Magic),
    p("generic.list_extend", &[A::List, A::Obj], Ret::CInt, "CPyList_ExtendIter", E::NegInt),
    p("generic.list_to_tuple", &[A::List], Ret::Obj(K::Tuple), "PyList_AsTuple", E::Magic),
    p("generic.list_to_set", &[A::List], Ret::Obj(K::Set), "PySet_New", E::Magic),
    p("generic.frozenset_from", &[A::Obj], Ret::Obj(K::FrozenSet), "PyFrozenSet_New", E::Magic),
    p("generic.dict_merge", &[A::Dict, A::Obj], Ret::CInt, "CPyDict_MergeMapping", E::NegInt),
    p("generic.unpack", &[A::Obj, A::Ssize], Ret::Obj(K::Tuple), "CPySequence_Unpack", E::Magic),
    p("generic.unpack_star", &[A::Obj, A::Ssize, A::Ssize], Ret::Obj(K::Tuple), "CPySequence_UnpackStar", E::Magic),
    var("generic.call", &[A::Obj, A::Ssize], OBJ, "CPy_Call"),
    var("generic.call_kw", &[A::Obj, A::Ssize, A::Tuple], OBJ, "CPy_CallKw"),
    var("generic.call_method", &[A::Obj, A::Str, A::Ssize], OBJ, "CPy_CallMethod"),
    var("generic.call_method_kw", &[A::Obj, A::Str, A::Ssize, A::Tuple], OBJ, "CPy_CallMethodKw"),
    var("generic.build_list", &[A::Ssize], Ret::Obj(K::List), "CPyList_Build"),
    var("generic.build_tuple", &[A::Ssize], Ret::Obj(K::Tuple), "CPyTuple_Build"),
    var("generic.build_dict", &[A::Ssize], Ret::Obj(K::Dict), "CPyDict_Build"),
    var("generic.build_set", &[A::Ssize], Ret::Obj(K::Set), "CPySet_Build"),
    var("generic.build_str", &[A::Ssize], Ret::Obj(K::Str), "CPyStr_Build"),
    p("generic.globals_get", &[A::Dict, A::Str], OBJ, "CPyGlobals_Get", E::Magic),
    p("generic.final_get", &[A::Dict, A::Str], OBJ, "CPyGlobals_GetFinal", E::Magic),
    p("generic.globals_set", &[A::Dict, A::Str, A::Obj], Ret::CInt, "CPyGlobals_Set", E::NegInt),
    p("generic.globals_del", &[A::Dict, A::Str], Ret::CInt, "CPyGlobals_Del", E::NegInt),
    p("generic.import", &[A::Str], OBJ, "CPyImport_Import", E::Magic),
    p("generic.import_module", &[A::Str], OBJ, "CPyImport_ImportModule", E::Magic),
    p("generic.import_from", &[A::Obj, A::Str, A::Str], OBJ, "CPyImport_ImportFrom", E::Magic),
    p("generic.import_star", &[A::Obj, A::Dict], Ret::CInt, "CPyImport_ImportStar", E::NegInt),
    p("generic.raise", &[A::Obj], Ret::Void, "CPy_Raise", E::Always),
    p("generic.raise_from", &[A::Obj, A::Obj], Ret::Void, "CPy_RaiseFrom", E::Always),
    p("generic.reraise", &[], Ret::Void, "CPy_Reraise", E::Always),
    p("generic.assert_failed", &[A::Obj], Ret::Void, "CPy_AssertFailed", E::Always),
    p("generic.catch_error", &[], Ret::ExcInfo, "CPy_CatchError", E::Never),
    Primitive {
        name: "generic.restore_exc_info",
        args: &[A::ExcInfo],
        var_args: false,
        ret: Ret::Void,
        c_function: "CPy_RestoreExcInfo",
        error_kind: E::Never,
        steals: &[0],
        is_borrowed: false,
    },
    p("generic.exception_matches", &[A::Obj], Ret::Bit, "CPy_ExceptionMatches", E::Never),
    p("generic.get_exc_value", &[], OBJ, "CPy_GetExcValue", E::Never),
    p("generic.get_exc_info", &[], Ret::ExcInfo, "CPy_GetExcInfo", E::Never),
    p("generic.keep_propagating", &[], Ret::Bit, "CPy_KeepPropagating", E::False),
    p("generic.class_create", &[A::Str, A::Tuple, A::Dict, A::Obj, A::Obj], OBJ, "CPyClass_Create", E::Magic),
    p("generic.instance_method", &[A::Obj], OBJ, "CPy_InstanceMethod", E::Magic),
    // `list += iterable`: extends in place, returns the list (new ref).
    p("generic.list_iadd", &[A::List, A::Obj], Ret::Obj(K::List), "PySequence_InPlaceConcat", E::Magic),
    p("generic.merge_kwarg", &[A::Dict, A::Str, A::Obj], Ret::CInt, "CPyDict_MergeKwarg", E::NegInt),
    p("generic.merge_kwargs", &[A::Dict, A::Obj], Ret::CInt, "CPyDict_MergeKwargs", E::NegInt),
    p("generic.call_star", &[A::Obj, A::Tuple, A::Dict], OBJ, "PyObject_Call", E::Magic),
    p("generic.set_add", &[A::Set, A::Obj], Ret::CInt, "PySet_Add", E::NegInt),
    p("generic.dict_set", &[A::Dict, A::Obj, A::Obj], Ret::CInt, "CPyDict_SetItem", E::NegInt),
    p("generic.dict_get", &[A::Dict, A::Obj], OBJ, "CPyDict_GetItem", E::Magic),
    p("generic.list_append", &[A::List, A::Obj], Ret::CInt, "CPyList_Append", E::NegInt),
    p("generic.list_len", &[A::List], Ret::Int, "CPyList_Len", E::Never),
    p("generic.tuple_len", &[A::Tuple], Ret::Int, "CPyTuple_Len", E::Never),
    p("generic.int_to_float", &[A::Int], Ret::Float, "CPyTagged_AsDouble", E::MagicOverlapping),
];

/// The first primitive named `name` whose operand patterns match `args`.
pub fn lookup(name: &str, args: &[RType]) -> Option<&'static Primitive> {
    PRIMITIVES.iter().find(|p| {
        p.name == name
            && if p.var_args {
                args.len() >= p.args.len()
            } else {
                args.len() == p.args.len()
            }
            && p.args.iter().zip(args).all(|(a, t)| a.matches(t))
    })
}

/// The primitive `name` for these operand types whose result is `ret`
/// (for conversions that differ only in their result type).
pub fn lookup_ret(name: &str, args: &[RType], ret: &RType) -> Option<&'static Primitive> {
    PRIMITIVES.iter().find(|p| {
        p.name == name
            && p.ret.rtype() == *ret
            && args.len() == p.args.len()
            && p.args.iter().zip(args).all(|(a, t)| a.matches(t))
    })
}

/// The primitive named `name` regardless of operand types (for the builder's
/// fixed generic operations); `None` only if the registry lacks it.
pub fn generic(name: &str) -> Option<&'static Primitive> {
    PRIMITIVES.iter().find(|p| p.name == name)
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
                p.name
            );
        }
    }

    fn c_function(name: &str, args: &[RType]) -> Option<&'static str> {
        lookup(name, args).map(|p| p.c_function)
    }

    #[test]
    fn math_accepts_ints_and_bools_as_floats() {
        let f = RType::Float;
        assert_eq!(
            c_function("math.sqrt", &[RType::Float]),
            Some("CPyMath_Sqrt")
        );
        assert_eq!(c_function("math.sqrt", &[RType::Int]), Some("CPyMath_Sqrt"));
        assert_eq!(
            c_function("math.sqrt", &[RType::Bool]),
            Some("CPyMath_Sqrt")
        );
        assert_eq!(c_function("math.sqrt", &[RType::STR]), None);
        // Ints are not converted where the int itself is the answer.
        assert_eq!(
            c_function("math.floor", &[RType::Int]),
            Some("CPyTagged_Copy")
        );
        assert_eq!(
            c_function("math.floor", &[RType::Float]),
            Some("CPyFloat_Floor")
        );
        assert_eq!(
            c_function("math.log", &[RType::Int]),
            Some("CPyMath_LogInt")
        );
        assert_eq!(
            c_function("math.pow", &[RType::Int, f]),
            Some("CPyMath_Pow")
        );
        // Native ints are not converted to float (i64 values lose precision).
        assert_eq!(c_function("math.floor", &[RType::I64]), None);
        assert_eq!(c_function("math.sqrt", &[RType::I64]), None);
    }

    #[test]
    fn min_max_pick_the_operands_representation() {
        let int2 = [RType::Int, RType::Int];
        assert_eq!(c_function("builtins.min", &int2), Some("CPyTagged_Min"));
        assert_eq!(
            c_function("builtins.max", &[RType::Bool, RType::Bit]),
            Some("CPyBool_Max")
        );
        assert_eq!(
            c_function("builtins.min", &[RType::Int, RType::Float]),
            Some("CPyFloat_MinIntFloat")
        );
        // Other mixed operands compare as objects.
        assert_eq!(
            c_function("builtins.min", &[RType::Int, RType::STR]),
            Some("CPyObject_Min")
        );
    }

    #[test]
    fn none_returning_methods_have_an_unboxed_none_result() {
        for p in PRIMITIVES {
            let none_method = matches!(
                p.name,
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
                assert_eq!(p.ret, Ret::None, "{}", p.name);
                assert_eq!(p.error_kind, E::Magic, "{}", p.name);
            }
        }
    }

    #[test]
    fn fixed_length_tuples_match_tuple_operands() {
        let t = RType::Tuple(vec![RType::STR, RType::STR]);
        assert_eq!(
            c_function("str.startswith", &[RType::STR, t]),
            Some("CPyStr_StartswithTuple")
        );
    }
}
