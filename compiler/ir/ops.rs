//! The operations of the IR.
//!
//! A function body is a list of basic blocks; a block is a list of ops whose
//! last op is a *control* op (`Goto`, `Branch`, `Return`, `Unreachable`).
//! Every op produces a value (`ValueId`, possibly of type `Void`); values
//! live in the function's value table (see `func.rs`). Registers (locals and
//! temporaries that are assigned more than once) are values too, written by
//! `Assign`.
//!
//! Reference counting conventions (used by the refcount transform):
//! - The result of an op with a refcounted type is an *owned* (new)
//!   reference, unless `Op::is_borrowed()` says it is borrowed from
//!   somewhere that keeps it alive (literals, statics, tuple items...).
//! - Operands are borrowed by the op, except those listed by `Op::stolen()`,
//!   whose ownership the op takes over.
//! - `IncRef`/`DecRef` are only inserted by the refcount transform; irbuild
//!   never emits them.
//!
//! Error handling conventions (used by the exception transform): each op has
//! an `ErrorKind` saying how it reports a raised exception. The exception
//! transform inserts, after every op that can fail, a `Branch` to the
//! block's error handler, carrying a traceback entry (function, line).

use super::func::{BlockId, ValueId};
use super::rtypes::RType;

/// How an op signals that it raised an exception.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The op never fails.
    Never,
    /// The result is the error value of its type (NULL, CPY_INT_TAG, 2, ...).
    Magic,
    /// The result is the error value of its type *and* `PyErr_Occurred()` is
    /// set (for types whose error value overlaps a valid value).
    MagicOverlapping,
    /// The result (a `Bit`/`Bool`) is 0 (false) on error.
    False,
    /// The result (a `CInt`) is negative on error.
    NegInt,
    /// The op always raises (e.g. `RaiseStandardError`, `CPy_Raise`).
    Always,
}

/// A literal constant stored in the module's static literal table and
/// created once at module init. `LoadLiteral` yields a borrowed reference.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub enum Literal {
    Str(String),
    Bytes(Vec<u8>),
    /// An integer too large for a tagged small int, as decimal text.
    Int(String),
    Float(f64),
    Complex(f64, f64),
    Tuple(Vec<Literal>),
    FrozenSet(Vec<Literal>),
    /// `True`/`False` as Python objects.
    Bool(bool),
    None,
    Ellipsis,
}

/// Operators of `IntOp` (C integer arithmetic on unboxed native ints,
/// including the tagged representation when irbuild knows it is safe).
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntOpKind {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

impl IntOpKind {
    pub fn c_op(self) -> &'static str {
        match self {
            IntOpKind::Add => "+",
            IntOpKind::Sub => "-",
            IntOpKind::Mul => "*",
            IntOpKind::Div => "/",
            IntOpKind::Mod => "%",
            IntOpKind::And => "&",
            IntOpKind::Or => "|",
            IntOpKind::Xor => "^",
            IntOpKind::Shl => "<<",
            IntOpKind::Shr => ">>",
        }
    }
}

/// Comparison operators for `ComparisonOp` (C comparisons; result is `Bit`).
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpKind {
    Eq,
    Ne,
    /// Signed comparisons.
    Slt,
    Sle,
    Sgt,
    Sge,
    /// Unsigned comparisons.
    Ult,
    Ule,
    Ugt,
    Uge,
}

impl CmpKind {
    pub fn c_op(self) -> &'static str {
        match self {
            CmpKind::Eq => "==",
            CmpKind::Ne => "!=",
            CmpKind::Slt | CmpKind::Ult => "<",
            CmpKind::Sle | CmpKind::Ule => "<=",
            CmpKind::Sgt | CmpKind::Ugt => ">",
            CmpKind::Sge | CmpKind::Uge => ">=",
        }
    }
    pub fn is_unsigned(self) -> bool {
        matches!(
            self,
            CmpKind::Ult | CmpKind::Ule | CmpKind::Ugt | CmpKind::Uge
        )
    }
}

/// Operators of `FloatOp` (C double arithmetic). `Mod` is Python's float
/// modulo, emitted through a runtime helper.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatOpKind {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// What a `Branch` tests.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BranchKind {
    /// Branch to `true_label` if the (Bit/Bool/CInt) value is nonzero.
    Bool,
    /// Branch to `true_label` if the value is the error value of its type
    /// (for overlapping error values, also requires `PyErr_Occurred()`).
    IsError,
}

/// A native struct type of the group (see `ir::module::StructDef`).
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub struct StructRef {
    pub module: String,
    pub name: String,
}

impl StructRef {
    /// The mangled name used in C identifiers.
    pub fn mangled(&self) -> String {
        format!("{}___{}", self.module.replace('.', "___"), self.name)
    }
}

/// A reference to a native function in the group (module-level function or
/// method), by its fully qualified identity.
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub struct FuncRef {
    /// The defining module, e.g. `pkg.mod`.
    pub module: String,
    /// The class, for methods.
    pub class: Option<String>,
    pub name: String,
}

impl FuncRef {
    /// The mangled name used in C identifiers: `mod___Class___name` with dots
    /// replaced by `___` as well. Deterministic and collision-free for valid
    /// Python identifiers.
    pub fn mangled(&self) -> String {
        let mut s = self.module.replace('.', "___");
        if let Some(c) = &self.class {
            s.push_str("___");
            s.push_str(c);
        }
        s.push_str("___");
        s.push_str(&self.name);
        s
    }

    /// The full name (`mod.Class`) of the class of a method.
    pub fn class_full_name(&self) -> Option<String> {
        self.class.as_ref().map(|c| format!("{}.{c}", self.module))
    }
}

/// A call to a C function or macro of the runtime (`lib-rt`) or the C API,
/// as described by a primitive record (see `primitives/`).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct CallC {
    pub function: String,
    pub args: Vec<ValueId>,
    pub ret: RType,
    pub error_kind: ErrorKind,
    /// Which arguments the C function steals (takes ownership of).
    pub steals: Steals,
    /// Does the function return a borrowed reference?
    pub is_borrowed: bool,
    /// The C type of a zero-initialized static that codegen allocates for
    /// this call site and passes by pointer as the last argument (a cache
    /// the C function keeps between calls from the site).
    #[serde(default)]
    pub site_cache: Option<String>,
}

/// Which operands an op steals.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum Steals {
    None,
    All,
    /// Per operand, in order.
    Some(Vec<bool>),
}

/// A static variable of the group, owned by a module: module objects of
/// imports, the module's globals dict, and the module object itself.
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub enum StaticRef {
    /// The `__dict__` of a compiled module (its globals).
    Globals(String),
    /// The module object of an imported module, stored by the importing
    /// module's init. Borrowed; may be NULL before the import runs.
    Module(String),
    /// The type object of a native class (by full name), stored when its
    /// class statement runs.
    Type(String),
    /// The value of a `Final` name (`module.NAME`, or `module.Class.NAME`
    /// for a class attribute) that is not a foldable literal, stored when
    /// its assignment runs, of the RType of its declared type. Holds the
    /// type's error value until then.
    Final { full: String, rtype: RType },
    /// For a `Final` static whose type's error value overlaps a valid
    /// value (`float`, native ints): a `bit` set when it is stored.
    FinalSet(String),
    /// A value that cannot change once it exists, kept after its first
    /// read (an enum member, by full name `module.Class.NAME`). Owned;
    /// NULL until then.
    Cached(String),
}

impl StaticRef {
    /// The RType of the static's C variable.
    pub fn rtype(&self) -> RType {
        match self {
            StaticRef::Globals(_) => RType::DICT,
            StaticRef::Module(_) | StaticRef::Type(_) => RType::OBJECT,
            StaticRef::Final { rtype, .. } => rtype.clone(),
            StaticRef::FinalSet(_) => RType::Bit,
            StaticRef::Cached(_) => RType::OBJECT,
        }
    }
}

/// One IR operation. See the module comment for the refcount and error
/// conventions.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub enum Op {
    // ---- control ops (exactly one, last in each block) ----
    Goto(BlockId),
    Branch {
        value: ValueId,
        true_label: BlockId,
        false_label: BlockId,
        kind: BranchKind,
        /// Invert the test.
        negated: bool,
        /// When set, taking the true edge adds a traceback entry
        /// (function name, line) before jumping: set by the exception transform.
        traceback: Option<(String, u32)>,
        /// Hint that the true edge is unlikely (error paths).
        rare: bool,
    },
    Return(ValueId),
    Unreachable,

    // ---- value ops ----
    /// `dest = src` for a register `dest`. Steals `src`.
    Assign {
        dest: ValueId,
        src: ValueId,
    },
    /// An immediate integer of the given type. For `RType::Int` the value is
    /// the *Python* value (codegen emits it tagged, `value << 1`); irbuild
    /// only uses it for values that fit in a tagged small int.
    LoadInt {
        value: i64,
        rtype: RType,
    },
    /// An immediate `double`.
    LoadFloat(f64),
    /// The error value of a type (used to mark undefined registers/attrs).
    LoadErrorValue {
        rtype: RType,
    },
    /// A literal from the static table. Borrowed.
    LoadLiteral {
        value: Literal,
        rtype: RType,
    },
    /// A static variable (module object, module globals dict). Borrowed.
    LoadStatic(StaticRef),
    /// Store into a static variable. Steals `value`.
    InitStatic {
        target: StaticRef,
        value: ValueId,
    },
    /// A C string constant (`const char *`), e.g. a name for a helper.
    LoadCStr(String),
    /// Direct call of a native function (`CPyDef_...`). Error kind: Magic or
    /// MagicOverlapping per the return type.
    Call {
        func: FuncRef,
        args: Vec<ValueId>,
        ret: RType,
    },
    /// Call of a runtime/C API function.
    CallC(CallC),
    /// A new Python function object for a native function's wrapper
    /// (`PyCFunction_NewEx` over a static `PyMethodDef` for `CPyPy_...`),
    /// used where a compiled function is needed as a value: decorators,
    /// methods of classes built at runtime, nested functions. `name` is its
    /// `__name__`; `env`, for closures, becomes the function object's `self`
    /// and reaches the native function as its environment parameter.
    /// New reference; error kind Magic.
    FuncObject {
        func: FuncRef,
        name: String,
        env: Option<ValueId>,
    },
    /// A new instance of a native struct type, every field set to its error
    /// value. New reference; error kind Magic.
    NewStruct(StructRef),
    /// A new generator (or coroutine) object over the state `env` (borrowed)
    /// and the native resume function `resume` (see lib-rt/gen_ops.c).
    /// New reference; error kind Magic.
    NewGenerator {
        env: ValueId,
        resume: FuncRef,
        name: String,
        /// 0: generator, 1: coroutine, 2: async generator.
        kind: u8,
    },
    /// A suspension point of a generator's resume function: yield `value`
    /// (borrowed) to the caller; the result is the value sent in when it
    /// resumes. Only exists between irbuild and the suspend transform,
    /// which turns it into saving live values, returning, and a resumption
    /// block.
    Suspend(ValueId),
    /// Read field `field` (of type `rtype`) of a native struct object: a new
    /// reference, or the field's error value when it is unset. Never fails.
    /// With `take`, the field's own reference moves to the result and the
    /// field is left unset (a generator restoring its saved values).
    GetField {
        obj: ValueId,
        strct: StructRef,
        field: usize,
        rtype: RType,
        take: bool,
    },
    /// Store `value` into a field of a native struct object, releasing the
    /// old value. Borrows `value` (the field takes a new reference), or
    /// with `steal` takes it over (a generator saving its live values).
    SetField {
        obj: ValueId,
        strct: StructRef,
        field: usize,
        value: ValueId,
        steal: bool,
    },
    /// Read attribute `attr` of an instance of native class `class` (a
    /// struct field): a new reference, or with `borrow` the reference the
    /// field holds (`transform::borrow`). When `checked`, raises
    /// `AttributeError` if the attribute is unset (error kind
    /// Magic/MagicOverlapping); an always-defined attribute is read
    /// without the check and never fails.
    GetAttr {
        obj: ValueId,
        class: String,
        attr: String,
        rtype: RType,
        checked: bool,
        borrow: bool,
    },
    /// Store `value` (stolen; converted to the attribute's type by
    /// irbuild) into an attribute of a native instance, releasing the old
    /// value. Never fails.
    SetAttr {
        obj: ValueId,
        class: String,
        attr: String,
        value: ValueId,
    },
    /// Call method `method` of native class `class` through the vtable of
    /// `obj` (passed as the first argument; `args` are the others).
    /// Error kind Magic/MagicOverlapping per `ret`.
    MethodCall {
        obj: ValueId,
        class: String,
        method: String,
        /// The method's vtable slot (the same in every subclass).
        slot: usize,
        args: Vec<ValueId>,
        ret: RType,
        /// The C struct of the builtin base of `class` (whose fields come
        /// before the vtable pointer), if any.
        builtin_base: Option<String>,
    },
    /// A new instance of native class `class`: allocated, vtable set, class
    /// body defaults stored, `__init__` not yet called. New reference;
    /// error kind Magic.
    NewInstance(String),
    /// Box an unboxed value into a new `PyObject *`. Never fails. With
    /// `steal` (set for unboxed tuples) the op takes over `src`'s
    /// references: the items move into the new tuple object.
    Box {
        src: ValueId,
        rtype: RType,
        steal: bool,
    },
    /// The object an unboxed value was unboxed from, standing in for a
    /// `Box` of that value (`transform::reuse_boxed`): the same int object
    /// again instead of a new one. Steals `src`; never fails.
    ReuseBoxed(ValueId),
    /// Unbox a `PyObject *` into `rtype`, raising `TypeError` if the object
    /// has the wrong type. Error kind: Magic/MagicOverlapping.
    Unbox {
        src: ValueId,
        rtype: RType,
    },
    /// Checked cast between object types (e.g. object -> str), raising
    /// `TypeError` on mismatch. Steals `src`: the result owns the reference
    /// (codegen emits `dest = src` after the check, no incref). With
    /// `borrow` (`transform::borrow`) it steals nothing and the result
    /// borrows `src`'s reference.
    Cast {
        src: ValueId,
        rtype: RType,
        borrow: bool,
    },
    /// `isinstance(obj, class)` for native class `class` (a bit; false
    /// while the class statement has not run): codegen compares the type
    /// exactly when the class's family is known and small.
    IsInstance {
        obj: ValueId,
        class: String,
    },
    /// Build an unboxed tuple struct. Steals its items (the struct owns
    /// them: an item used again later is `inc_ref`'d first).
    TupleSet {
        items: Vec<ValueId>,
        rtype: RType,
    },
    /// Read one item of an unboxed tuple struct. The result is a new
    /// reference (codegen increfs the item).
    TupleGet {
        src: ValueId,
        index: usize,
        rtype: RType,
    },
    /// C arithmetic on unboxed integers (no overflow check).
    IntOp {
        op: IntOpKind,
        lhs: ValueId,
        rhs: ValueId,
        rtype: RType,
    },
    /// C comparison of unboxed integers or pointers; result is `Bit`.
    ComparisonOp {
        op: CmpKind,
        lhs: ValueId,
        rhs: ValueId,
    },
    /// C double arithmetic.
    FloatOp {
        op: FloatOpKind,
        lhs: ValueId,
        rhs: ValueId,
    },
    FloatNeg(ValueId),
    /// C comparison of doubles; result is `Bit`. Uses `CmpKind` signed variants.
    FloatComparisonOp {
        op: CmpKind,
        lhs: ValueId,
        rhs: ValueId,
    },
    /// Convert between C integer types (no checks).
    IntConvert {
        src: ValueId,
        rtype: RType,
    },
    /// Raise a builtin exception (`PyExc_<class>`) with an optional message.
    /// Always fails; result is `Bit` (0).
    RaiseStandardError {
        class: String,
        message: Option<String>,
    },
    /// Keep values alive until this point (stripped by the refcount transform).
    KeepAlive(Vec<ValueId>),
    /// Inserted by the refcount transform.
    IncRef(ValueId),
    /// Inserted by the refcount transform; `xdec` tolerates an undefined
    /// (error-value) operand.
    DecRef {
        src: ValueId,
        xdec: bool,
    },
}

impl Op {
    /// Is this a control op (must end a block)?
    pub fn is_control(&self) -> bool {
        matches!(
            self,
            Op::Goto(_) | Op::Branch { .. } | Op::Return(_) | Op::Unreachable
        )
    }

    /// Successor blocks of a control op.
    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            Op::Goto(b) => vec![*b],
            Op::Branch {
                true_label,
                false_label,
                ..
            } => vec![*true_label, *false_label],
            _ => vec![],
        }
    }

    /// Mutable access to successor labels (for block splitting/rewiring).
    pub fn successors_mut(&mut self) -> Vec<&mut BlockId> {
        match self {
            Op::Goto(b) => vec![b],
            Op::Branch {
                true_label,
                false_label,
                ..
            } => vec![true_label, false_label],
            _ => vec![],
        }
    }

    /// The values read by this op, in order (an `Assign` reads `src` only).
    pub fn sources(&self) -> Vec<ValueId> {
        match self {
            Op::Goto(_) | Op::Unreachable => vec![],
            Op::Branch { value, .. } => vec![*value],
            Op::Return(v) => vec![*v],
            Op::Assign { src, .. } => vec![*src],
            Op::LoadInt { .. }
            | Op::LoadFloat(_)
            | Op::LoadErrorValue { .. }
            | Op::LoadLiteral { .. }
            | Op::LoadStatic(_)
            | Op::LoadCStr(_)
            | Op::NewStruct(_)
            | Op::NewInstance(_)
            | Op::RaiseStandardError { .. } => vec![],
            Op::FuncObject { env, .. } => env.iter().copied().collect(),
            Op::GetAttr { obj, .. } => vec![*obj],
            Op::SetAttr { obj, value, .. } => vec![*obj, *value],
            Op::MethodCall { obj, args, .. } => {
                std::iter::once(*obj).chain(args.iter().copied()).collect()
            }
            Op::NewGenerator { env, .. } => vec![*env],
            Op::Suspend(v) => vec![*v],
            Op::GetField { obj, .. } => vec![*obj],
            Op::SetField { obj, value, .. } => vec![*obj, *value],
            Op::InitStatic { value, .. } => vec![*value],
            Op::Call { args, .. } => args.clone(),
            Op::CallC(c) => c.args.clone(),
            Op::Box { src, .. }
            | Op::Unbox { src, .. }
            | Op::Cast { src, .. }
            | Op::TupleGet { src, .. }
            | Op::IsInstance { obj: src, .. }
            | Op::IntConvert { src, .. } => vec![*src],
            Op::TupleSet { items, .. } => items.clone(),
            Op::IntOp { lhs, rhs, .. }
            | Op::ComparisonOp { lhs, rhs, .. }
            | Op::FloatOp { lhs, rhs, .. }
            | Op::FloatComparisonOp { lhs, rhs, .. } => vec![*lhs, *rhs],
            Op::FloatNeg(v) | Op::ReuseBoxed(v) => vec![*v],
            Op::KeepAlive(vs) => vs.clone(),
            Op::IncRef(v) => vec![*v],
            Op::DecRef { src, .. } => vec![*src],
        }
    }

    /// Mutable access to the operands (same order as `sources`).
    pub fn sources_mut(&mut self) -> Vec<&mut ValueId> {
        match self {
            Op::Goto(_) | Op::Unreachable => vec![],
            Op::Branch { value, .. } => vec![value],
            Op::Return(v) => vec![v],
            Op::Assign { src, .. } => vec![src],
            Op::LoadInt { .. }
            | Op::LoadFloat(_)
            | Op::LoadErrorValue { .. }
            | Op::LoadLiteral { .. }
            | Op::LoadStatic(_)
            | Op::LoadCStr(_)
            | Op::NewStruct(_)
            | Op::NewInstance(_)
            | Op::RaiseStandardError { .. } => vec![],
            Op::FuncObject { env, .. } => env.iter_mut().collect(),
            Op::GetAttr { obj, .. } => vec![obj],
            Op::SetAttr { obj, value, .. } => vec![obj, value],
            Op::MethodCall { obj, args, .. } => {
                std::iter::once(obj).chain(args.iter_mut()).collect()
            }
            Op::NewGenerator { env, .. } => vec![env],
            Op::Suspend(v) => vec![v],
            Op::GetField { obj, .. } => vec![obj],
            Op::SetField { obj, value, .. } => vec![obj, value],
            Op::InitStatic { value, .. } => vec![value],
            Op::Call { args, .. } => args.iter_mut().collect(),
            Op::CallC(c) => c.args.iter_mut().collect(),
            Op::Box { src, .. }
            | Op::Unbox { src, .. }
            | Op::Cast { src, .. }
            | Op::TupleGet { src, .. }
            | Op::IsInstance { obj: src, .. }
            | Op::IntConvert { src, .. } => vec![src],
            Op::TupleSet { items, .. } => items.iter_mut().collect(),
            Op::IntOp { lhs, rhs, .. }
            | Op::ComparisonOp { lhs, rhs, .. }
            | Op::FloatOp { lhs, rhs, .. }
            | Op::FloatComparisonOp { lhs, rhs, .. } => vec![lhs, rhs],
            Op::FloatNeg(v) | Op::ReuseBoxed(v) => vec![v],
            Op::KeepAlive(vs) => vs.iter_mut().collect(),
            Op::IncRef(v) => vec![v],
            Op::DecRef { src, .. } => vec![src],
        }
    }

    /// Operands whose ownership this op takes.
    pub fn stolen(&self) -> Vec<ValueId> {
        match self {
            Op::Assign { src, .. } => vec![*src],
            Op::InitStatic { value, .. } => vec![*value],
            Op::SetAttr { value, .. } => vec![*value],
            Op::Return(v) => vec![*v],
            Op::Cast {
                src, borrow: false, ..
            }
            | Op::ReuseBoxed(src) => vec![*src],
            Op::Box {
                src, steal: true, ..
            } => vec![*src],
            Op::SetField {
                value, steal: true, ..
            } => vec![*value],
            Op::TupleSet { items, .. } => items.clone(),
            Op::CallC(c) => match &c.steals {
                Steals::None => vec![],
                Steals::All => c.args.clone(),
                Steals::Some(flags) => c
                    .args
                    .iter()
                    .zip(flags)
                    .filter(|(_, s)| **s)
                    .map(|(a, _)| *a)
                    .collect(),
            },
            _ => vec![],
        }
    }

    /// Is the op's result a borrowed reference (not owned by the result)?
    pub fn is_borrowed(&self) -> bool {
        match self {
            Op::LoadLiteral { .. } | Op::LoadStatic(_) => true,
            Op::GetAttr { borrow, .. } | Op::Cast { borrow, .. } => *borrow,
            Op::CallC(c) => c.is_borrowed,
            _ => false,
        }
    }

    /// How this op reports errors. `ret` is the op's result type (needed to
    /// pick Magic vs MagicOverlapping for calls and unboxing).
    pub fn error_kind(&self, ret: &RType) -> ErrorKind {
        let magic = if ret.error_overlaps() {
            ErrorKind::MagicOverlapping
        } else {
            ErrorKind::Magic
        };
        match self {
            Op::Call { .. }
            | Op::Unbox { .. }
            | Op::Cast { .. }
            | Op::FuncObject { .. }
            | Op::NewGenerator { .. }
            | Op::NewStruct(_)
            | Op::GetAttr { checked: true, .. }
            | Op::MethodCall { .. }
            | Op::NewInstance(_) => magic,
            Op::CallC(c) => c.error_kind,
            Op::RaiseStandardError { .. } => ErrorKind::Always,
            _ => ErrorKind::Never,
        }
    }
}
