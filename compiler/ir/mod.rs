//! The intermediate representation: runtime types, ops, basic blocks,
//! functions, modules, and the textual format (pretty-printer) used by
//! snapshot tests and `ops.txt`.

pub mod class;
pub mod func;
pub mod module;
pub mod ops;
pub mod pprint;
pub mod rtypes;

pub use class::{
    class_create_function, class_mangled, class_struct_name, class_type_static, ClassIR,
    VtableEntry,
};
pub use func::{
    python_name, ArgKind, BasicBlock, BlockId, FuncDecl, FuncIR, Inst, Param, SuspendState,
    ValueData, ValueId, ValueKind,
};
pub use module::{GroupIR, ModuleIR, StructDef};
pub use ops::{
    BranchKind, CallC, CmpKind, ErrorKind, FloatOpKind, FuncRef, IntOpKind, Literal, Op, StaticRef,
    Steals, StructRef,
};
pub use rtypes::{ObjKind, RType};
