//! Functions of the IR: an arena of values and an arena of basic blocks.
//!
//! Following cranelift, entities are `u32` newtypes indexing tables owned by
//! the `FuncIR`; there are no pointer graphs. A `ValueId` names either a
//! function argument, a register (a named or temporary local assigned with
//! `Assign`, possibly several times), or the result of the op that defined
//! it. Blocks hold ops in order; the last op of every block is a control op.

use std::fmt;

use super::ops::{FuncRef, Op, StructRef};
use super::rtypes::RType;

/// A value of a function: argument, register or op result.
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub struct ValueId(pub u32);

/// A basic block of a function.
#[derive(
    serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub struct BlockId(pub u32);

impl ValueId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl BlockId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for ValueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L{}", self.0)
    }
}

/// How a value comes into existence.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// The n-th argument of the function (also a register: it may be reassigned).
    Arg(usize),
    /// A register: a local variable (named) or a temporary assigned in
    /// several places. Written only by `Op::Assign`.
    Register,
    /// The result of exactly one op.
    OpResult,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ValueData {
    pub rtype: RType,
    pub kind: ValueKind,
    /// Source-level name (for registers that are Python locals), used by the
    /// pretty-printer and for `UnboundLocalError` messages.
    pub name: Option<String>,
}

/// An op together with the source line it came from (for tracebacks).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Inst {
    pub op: Op,
    /// The value this op defines (of type `Void` when it produces nothing).
    /// For `Assign` this is a fresh `Void` value; the register written is `dest`.
    pub result: ValueId,
    pub line: u32,
}

impl Inst {
    /// The value this inst defines: an `Assign`'s register, else its result.
    pub fn defined(&self) -> ValueId {
        match &self.op {
            Op::Assign { dest, .. } => *dest,
            _ => self.result,
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default, PartialEq)]
pub struct BasicBlock {
    pub insts: Vec<Inst>,
    /// Where exceptions raised by ops of this block go (a `try` handler);
    /// `None` means the function's default handler (return the error value).
    pub error_handler: Option<BlockId>,
}

impl BasicBlock {
    pub fn terminator(&self) -> Option<&Op> {
        self.insts
            .last()
            .map(|i| &i.op)
            .filter(|op| op.is_control())
    }
}

/// The kind of a parameter, for argument parsing in wrappers.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgKind {
    Positional,
    /// Has a default; the native function receives the error value of the
    /// parameter's type when the caller omits it, and fills in the default.
    Optional,
    Star,
    KwOnly,
    KwOnlyOptional,
    Star2,
    /// The environment of a closure: not a Python argument, it arrives as
    /// the `self` of the function object (see `Op::FuncObject`).
    Env,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub rtype: RType,
    pub kind: ArgKind,
    pub pos_only: bool,
}

/// A function's signature and identity, known to callers before its body is
/// built.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FuncDecl {
    pub func: FuncRef,
    pub params: Vec<Param>,
    pub ret: RType,
    /// Generate a `CPyPy_` wrapper so Python code can call it.
    pub has_wrapper: bool,
    /// Source line of the `def` (for tracebacks of argument errors). Not
    /// part of a module's interface: only the module's own code uses it.
    #[serde(with = "line_in_binary_only")]
    pub line: u32,
    /// Defined inside another function: not in the module's method table
    /// (its function objects are made where the `def` runs).
    pub nested: bool,
}

/// A source line in serialized IR: kept in the cache's binary form of a
/// module's IR, written as 0 in JSON (interfaces), so that moving code
/// does not change a module's interface hash.
mod line_in_binary_only {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(line: &u32, s: S) -> Result<S::Ok, S::Error> {
        let line = if s.is_human_readable() { 0 } else { *line };
        s.serialize_u32(line)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        u32::deserialize(d)
    }
}

impl FuncDecl {
    /// `CPyDef_<mangled>`: the native C function.
    pub fn c_native_name(&self) -> String {
        format!("CPyDef_{}", self.func.mangled())
    }
    /// `CPyPy_<mangled>`: the Python-callable wrapper.
    pub fn c_wrapper_name(&self) -> String {
        format!("CPyPy_{}", self.func.mangled())
    }
}

/// A function body in IR.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct FuncIR {
    pub decl: FuncDecl,
    /// Source file path (for tracebacks).
    pub source_file: String,
    /// Argument values, one per parameter, in order.
    pub args: Vec<ValueId>,
    pub values: Vec<ValueData>,
    pub blocks: Vec<BasicBlock>,
    /// The entry block is always `BlockId(0)`.
    pub entry: BlockId,
    /// For the resume function of a generator: the struct keeping its
    /// state between steps. irbuild declares the parameters' fields; the
    /// suspend transform adds one per value live across a suspension.
    pub suspend: Option<SuspendState>,
    /// The C doc string of the Python-callable function: its text
    /// signature (`name(params)\n--\n\n`), when it can be written.
    pub doc: Option<String>,
}

/// The state struct of a generator's resume function.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct SuspendState {
    pub strct: StructRef,
    pub fields: Vec<(String, RType)>,
}

impl FuncIR {
    pub fn new(decl: FuncDecl, source_file: String) -> FuncIR {
        let mut f = FuncIR {
            args: vec![],
            values: vec![],
            blocks: vec![BasicBlock::default()],
            entry: BlockId(0),
            suspend: None,
            doc: None,
            source_file,
            decl: decl.clone(),
        };
        for (i, p) in decl.params.iter().enumerate() {
            let v = f.new_value(p.rtype.clone(), ValueKind::Arg(i), Some(p.name.clone()));
            f.args.push(v);
        }
        f
    }

    pub fn new_value(&mut self, rtype: RType, kind: ValueKind, name: Option<String>) -> ValueId {
        let id = ValueId(self.values.len() as u32);
        self.values.push(ValueData { rtype, kind, name });
        id
    }

    pub fn new_block(&mut self) -> BlockId {
        let id = BlockId(self.blocks.len() as u32);
        self.blocks.push(BasicBlock::default());
        id
    }

    pub fn value(&self, v: ValueId) -> &ValueData {
        &self.values[v.index()]
    }

    pub fn rtype(&self, v: ValueId) -> &RType {
        &self.values[v.index()].rtype
    }

    pub fn block(&self, b: BlockId) -> &BasicBlock {
        &self.blocks[b.index()]
    }

    pub fn block_mut(&mut self, b: BlockId) -> &mut BasicBlock {
        &mut self.blocks[b.index()]
    }

    pub fn block_ids(&self) -> impl Iterator<Item = BlockId> {
        (0..self.blocks.len() as u32).map(BlockId)
    }

    /// Append an op to a block, creating its result value. Returns the result.
    pub fn push(&mut self, block: BlockId, op: Op, rtype: RType, line: u32) -> ValueId {
        let result = self.new_value(rtype, ValueKind::OpResult, None);
        self.blocks[block.index()]
            .insts
            .push(Inst { op, result, line });
        result
    }

    /// Is this value a register (or argument), i.e. possibly assigned more than once?
    pub fn is_register(&self, v: ValueId) -> bool {
        matches!(
            self.values[v.index()].kind,
            ValueKind::Register | ValueKind::Arg(_)
        )
    }

    /// Predecessors of every block (index by `BlockId::index`).
    pub fn predecessors(&self) -> Vec<Vec<BlockId>> {
        let mut preds = vec![vec![]; self.blocks.len()];
        for b in self.block_ids() {
            if let Some(t) = self.block(b).terminator() {
                for s in t.successors() {
                    if !preds[s.index()].contains(&b) {
                        preds[s.index()].push(b);
                    }
                }
            }
        }
        preds
    }
}

/// The Python name of a native function from its IR name: a generator's
/// resume function `g___resume` is `g`, and a nested function
/// `outer___inner_L3C4` (irbuild's naming) is `inner`.
pub fn python_name(ir_name: &str) -> String {
    let name = ir_name.strip_suffix("___resume").unwrap_or(ir_name);
    if name == "__top_level__" {
        return "<module>".into();
    }
    let Some((_, last)) = name.rsplit_once("___") else {
        return name.into();
    };
    let Some((base, pos)) = last.rsplit_once("_L") else {
        return name.into();
    };
    let is_pos = pos.split_once('C').is_some_and(|(l, c)| {
        !l.is_empty() && !c.is_empty() && (l.to_string() + c).bytes().all(|b| b.is_ascii_digit())
    });
    match (is_pos, base) {
        (false, _) => name.into(),
        (true, "lambda") => "<lambda>".into(),
        (true, "genexpr") => "<genexpr>".into(),
        (true, b) => b.into(),
    }
}
