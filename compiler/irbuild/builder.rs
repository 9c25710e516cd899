//! The low-level IR builder: the function being built, the current block,
//! emitting ops, coercions between runtime types, and calls of primitives.
//! Statement and expression lowering (stmt.rs, expr.rs) sit on top of it.

use indexmap::IndexMap;

use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::primitives::{self, Internal, Key, NativeConversion, Primitive};

/// Loop targets for `break` and `continue`.
#[derive(Clone, Copy)]
pub struct LoopTargets {
    pub break_to: BlockId,
    pub continue_to: BlockId,
    /// Depth of the cleanup stack when the loop started: `break` and
    /// `continue` run the cleanups above it.
    pub cleanup_depth: usize,
}

pub struct Builder {
    pub f: FuncIR,
    pub cur: BlockId,
    pub line: u32,
    pub module: String,
    /// Python locals mapped to their registers.
    pub locals: IndexMap<String, ValueId>,
    pub loops: Vec<LoopTargets>,
    pub errors: Vec<Diagnostic>,
}

impl LoopTargets {
    pub fn new(break_to: BlockId, continue_to: BlockId, cleanup_depth: usize) -> LoopTargets {
        LoopTargets {
            break_to,
            continue_to,
            cleanup_depth,
        }
    }
}

impl Builder {
    pub fn new(decl: FuncDecl, source_file: &str, module: &str) -> Builder {
        let f = FuncIR::new(decl, source_file.to_string());
        let mut locals = IndexMap::new();
        for (p, v) in f.decl.params.iter().zip(&f.args) {
            locals.insert(p.name.clone(), *v);
        }
        Builder {
            f,
            cur: BlockId(0),
            line: 0,
            module: module.to_string(),
            locals,
            loops: vec![],
            errors: vec![],
        }
    }

    // ---- blocks and ops ----

    pub fn new_block(&mut self) -> BlockId {
        let b = self.f.new_block();
        // Blocks created inside a `try` body inherit its handler.
        let handler = self.f.block(self.cur).error_handler;
        self.f.block_mut(b).error_handler = handler;
        b
    }

    /// A new block whose exceptions go to `handler` (None: the function's
    /// default handler).
    pub fn new_block_with_handler(&mut self, handler: Option<BlockId>) -> BlockId {
        let b = self.f.new_block();
        self.f.block_mut(b).error_handler = handler;
        b
    }

    /// The error handler of the current block.
    pub fn handler(&self) -> Option<BlockId> {
        self.f.block(self.cur).error_handler
    }

    /// Is the current block already terminated (e.g. after `return`)?
    pub fn terminated(&self) -> bool {
        self.f.block(self.cur).terminator().is_some()
    }

    pub fn add(&mut self, op: Op, rtype: RType) -> ValueId {
        if self.terminated() {
            // Code after a terminator is unreachable: put it in a fresh block.
            let b = self.new_block();
            self.cur = b;
        }
        self.f.push(self.cur, op, rtype, self.line)
    }

    pub fn goto(&mut self, target: BlockId) {
        if !self.terminated() {
            self.add(Op::Goto(target), RType::Void);
        }
    }

    pub fn activate(&mut self, b: BlockId) {
        self.cur = b;
    }

    /// A direct call of native function `func` returning `ret`.
    pub fn call(&mut self, func: FuncRef, args: Vec<ValueId>, ret: RType) -> ValueId {
        self.add(
            Op::Call {
                func,
                args,
                ret: ret.clone(),
            },
            ret,
        )
    }

    pub fn goto_and_activate(&mut self, b: BlockId) {
        self.goto(b);
        self.activate(b);
    }

    /// Branch on a Bit/Bool value.
    pub fn branch(&mut self, cond: ValueId, t: BlockId, f: BlockId) {
        self.add(
            Op::Branch {
                value: cond,
                true_label: t,
                false_label: f,
                kind: BranchKind::Bool,
                negated: false,
                traceback: None,
                rare: false,
            },
            RType::Void,
        );
    }

    pub fn new_register(&mut self, rtype: RType, name: Option<String>) -> ValueId {
        self.f.new_value(rtype, ValueKind::Register, name)
    }

    pub fn assign(&mut self, dest: ValueId, src: ValueId) {
        let t = self.f.rtype(dest).clone();
        let v = self.coerce(src, &t);
        self.add(Op::Assign { dest, src: v }, RType::Void);
    }

    pub fn rtype(&self, v: ValueId) -> RType {
        self.f.rtype(v).clone()
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    // ---- constants ----

    pub fn int(&mut self, v: i64) -> ValueId {
        self.add(
            Op::LoadInt {
                value: v,
                rtype: RType::Int,
            },
            RType::Int,
        )
    }

    /// `lhs <op> rhs` of two unboxed values of one type, as a `bit`.
    pub fn compare(&mut self, op: CmpKind, lhs: ValueId, rhs: ValueId) -> ValueId {
        self.add(Op::ComparisonOp { op, lhs, rhs }, RType::Bit)
    }

    /// A `bit` constant (0 or 1).
    pub fn bit(&mut self, v: i64) -> ValueId {
        self.add(
            Op::LoadInt {
                value: v,
                rtype: RType::Bit,
            },
            RType::Bit,
        )
    }

    pub fn ssize(&mut self, v: i64) -> ValueId {
        self.add(
            Op::LoadInt {
                value: v,
                rtype: RType::SsizeT,
            },
            RType::SsizeT,
        )
    }

    pub fn bool_const(&mut self, b: bool) -> ValueId {
        self.add(
            Op::LoadInt {
                value: b as i64,
                rtype: RType::Bool,
            },
            RType::Bool,
        )
    }

    pub fn none(&mut self) -> ValueId {
        self.add(
            Op::LoadInt {
                value: 1,
                rtype: RType::None,
            },
            RType::None,
        )
    }

    /// `None` as a boxed object.
    pub fn none_obj(&mut self) -> ValueId {
        let n = self.none();
        self.boxed(n)
    }

    pub fn str_lit(&mut self, s: &str) -> ValueId {
        self.add(
            Op::LoadLiteral {
                value: Literal::Str(s.to_string()),
                rtype: RType::STR,
            },
            RType::STR,
        )
    }

    pub fn null(&mut self) -> ValueId {
        self.add(
            Op::LoadErrorValue {
                rtype: RType::OBJECT,
            },
            RType::OBJECT,
        )
    }

    // ---- coercions ----

    /// Box any value into a `PyObject *` (objects are returned as they are).
    pub fn boxed(&mut self, v: ValueId) -> ValueId {
        let t = self.rtype(v);
        if t.is_boxed() {
            return v;
        }
        if t == RType::None {
            // The interpreter's `None`, borrowed: no reference to count.
            return self.add(
                Op::LoadLiteral {
                    value: Literal::None,
                    rtype: RType::OBJECT,
                },
                RType::OBJECT,
            );
        }
        let v = if t == RType::Bit {
            self.add(
                Op::IntConvert {
                    src: v,
                    rtype: RType::Bool,
                },
                RType::Bool,
            )
        } else {
            v
        };
        let bt = self.rtype(v).boxed();
        let steal = matches!(self.rtype(v), RType::Tuple(_));
        self.add(
            Op::Box {
                src: v,
                rtype: bt.clone(),
                steal,
            },
            bt,
        )
    }

    /// Convert `v` to runtime type `target`, with runtime checks where the
    /// conversion can fail (unboxing, casts to a specific object type).
    pub fn coerce(&mut self, v: ValueId, target: &RType) -> ValueId {
        let src = self.rtype(v);
        if src == *target {
            return v;
        }
        match (&src, target) {
            (RType::Bit, RType::Bool) | (RType::Bool, RType::Bit) => self.add(
                Op::IntConvert {
                    src: v,
                    rtype: target.clone(),
                },
                target.clone(),
            ),
            (RType::Bool | RType::Bit, RType::Int) => {
                let w = self.add(
                    Op::IntConvert {
                        src: v,
                        rtype: RType::SsizeT,
                    },
                    RType::SsizeT,
                );
                let one = self.ssize(1);
                let shifted = self.add(
                    Op::IntOp {
                        op: IntOpKind::Shl,
                        lhs: w,
                        rhs: one,
                        rtype: RType::SsizeT,
                    },
                    RType::SsizeT,
                );
                self.add(
                    Op::IntConvert {
                        src: shifted,
                        rtype: RType::Int,
                    },
                    RType::Int,
                )
            }
            (RType::Int, t) if t.is_native_int() => {
                if let Some(c) = self.last_load_int(v) {
                    if native_int_fits(c, t) {
                        return self.add(
                            Op::LoadInt {
                                value: c,
                                rtype: t.clone(),
                            },
                            t.clone(),
                        );
                    }
                }
                self.native_conversion(NativeConversion::FromInt, v, t)
            }
            (RType::Float, t) if t.is_native_int() => {
                self.native_conversion(NativeConversion::FromFloat, v, t)
            }
            (s, RType::Int) if s.is_native_int() => {
                self.native_conversion(NativeConversion::ToInt, v, target)
            }
            // Between native ints (truncating or extending, as C casts do),
            // from bool, and to float.
            (s, t)
                if (s.is_native_int() || matches!(s, RType::Bool | RType::Bit))
                    && (t.is_native_int() || *t == RType::Float && s.is_native_int()) =>
            {
                self.add(
                    Op::IntConvert {
                        src: v,
                        rtype: t.clone(),
                    },
                    t.clone(),
                )
            }
            (RType::Int, RType::Float) => match self.last_load_int(v) {
                // Exactly representable constants convert at compile time.
                Some(c) if c.unsigned_abs() <= 1 << 53 => {
                    self.add(Op::LoadFloat(c as f64), RType::Float)
                }
                _ => self.prim_named(Internal::IntToFloat, &[v]),
            },
            (RType::Bool | RType::Bit, RType::Float) => {
                let i = self.coerce(v, &RType::Int);
                self.prim_named(Internal::IntToFloat, &[i])
            }
            (RType::Tuple(items), RType::Tuple(targets)) if items.len() == targets.len() => {
                let mut out = vec![];
                for (i, (it, tt)) in items.clone().iter().zip(targets).enumerate() {
                    let item = self.add(
                        Op::TupleGet {
                            src: v,
                            index: i,
                            rtype: it.clone(),
                        },
                        it.clone(),
                    );
                    out.push(self.coerce(item, tt));
                }
                self.add(
                    Op::TupleSet {
                        items: out,
                        rtype: target.clone(),
                    },
                    target.clone(),
                )
            }
            // `None` where an optional value is expected: no check.
            (RType::None, RType::Union(items)) if items.contains(&RType::None) => self.add(
                Op::Box {
                    src: v,
                    rtype: target.clone(),
                    steal: false,
                },
                target.clone(),
            ),
            _ if !src.is_boxed() && target.is_boxed() => {
                let b = self.boxed(v);
                self.coerce(b, target)
            }
            _ if src.is_boxed() && !target.is_boxed() => self.add(
                Op::Unbox {
                    src: v,
                    rtype: target.clone(),
                },
                target.clone(),
            ),
            _ if src.is_boxed() && target.is_boxed() => {
                if *target == RType::OBJECT || union_contains(target, &src) {
                    v
                } else {
                    self.add(
                        Op::Cast {
                            src: v,
                            rtype: target.clone(),
                            borrow: false,
                        },
                        target.clone(),
                    )
                }
            }
            _ => {
                // Unboxed to a different unboxed type: go through an object.
                let b = self.boxed(v);
                self.coerce(b, target)
            }
        }
    }

    /// The op of the current block that defines `v`, if any.
    fn defined_here(&self, v: ValueId) -> Option<&Op> {
        let insts = &self.f.block(self.cur).insts;
        insts.iter().rev().find(|i| i.result == v).map(|i| &i.op)
    }

    /// The value of `v` if the current block loads it as a (short) `int`
    /// constant.
    pub fn int_constant(&self, v: ValueId) -> Option<i64> {
        match self.defined_here(v)? {
            Op::LoadInt {
                value,
                rtype: RType::Int,
            } => Some(*value),
            _ => None,
        }
    }

    /// The value of `v` if the current block loads it as a float constant.
    pub fn float_constant(&self, v: ValueId) -> Option<f64> {
        match self.defined_here(v)? {
            Op::LoadFloat(c) => Some(*c),
            _ => None,
        }
    }

    /// The value of `v` if it is an `int` constant just loaded (so that
    /// literals coerced to native ints need no runtime conversion).
    fn last_load_int(&self, v: ValueId) -> Option<i64> {
        let inst = self.f.block(self.cur).insts.last()?;
        match &inst.op {
            Op::LoadInt {
                value,
                rtype: RType::Int,
            } if inst.result == v => Some(*value),
            _ => None,
        }
    }

    /// A conversion to or from a native int type: the registry's record
    /// `conversion` for the operand's type and the result type `target`.
    fn native_conversion(
        &mut self,
        conversion: NativeConversion,
        v: ValueId,
        target: &RType,
    ) -> ValueId {
        let src = self.rtype(v);
        match primitives::lookup_ret(conversion, &[src], target) {
            Some(p) => self.call_prim(p, &[v]),
            None => {
                self.errors.push(Diagnostic::error(
                    &self.f.source_file,
                    self.line,
                    1,
                    format!("internal error: missing primitive {conversion} to {target}"),
                ));
                self.null()
            }
        }
    }

    // ---- primitives ----

    /// Emit a call of primitive `p` with operands coerced to its patterns.
    pub fn call_prim(&mut self, p: &Primitive, args: &[ValueId]) -> ValueId {
        let mut cargs = vec![];
        for (i, a) in args.iter().enumerate() {
            let want = p.args.get(i).copied().unwrap_or(primitives::Arg::Obj);
            let v = match want {
                primitives::Arg::Obj => self.boxed(*a),
                other => self.coerce(*a, &other.rtype()),
            };
            cargs.push(v);
        }
        let call = p.call(cargs);
        let ret = call.ret.clone();
        self.add(Op::CallC(call), ret)
    }

    /// Call the registry's first record of `key` (a fixed generic
    /// operation, whatever the operand types).
    pub fn prim_named(&mut self, key: impl Into<Key>, args: &[ValueId]) -> ValueId {
        let key = key.into();
        match primitives::generic(key) {
            Some(p) => self.call_prim(p, args),
            None => {
                self.errors.push(Diagnostic::error(
                    &self.f.source_file,
                    self.line,
                    1,
                    format!("internal error: missing primitive {key}"),
                ));
                self.null()
            }
        }
    }

    /// Look up a primitive by key and operand types and call it, if any.
    pub fn try_prim(&mut self, key: impl Into<Key>, args: &[ValueId]) -> Option<ValueId> {
        let types: Vec<RType> = args.iter().map(|a| self.rtype(*a)).collect();
        let p = primitives::lookup(key, &types)?;
        Some(self.call_prim(p, args))
    }

    /// A C-int result (0/1, negative = error already handled) as a Bit.
    pub fn cint_to_bit(&mut self, v: ValueId) -> ValueId {
        let zero = self.add(
            Op::LoadInt {
                value: 0,
                rtype: RType::CInt,
            },
            RType::CInt,
        );
        self.add(
            Op::ComparisonOp {
                op: CmpKind::Ne,
                lhs: v,
                rhs: zero,
            },
            RType::Bit,
        )
    }

    /// The module's globals dict (borrowed).
    pub fn globals(&mut self) -> ValueId {
        let m = self.module.clone();
        self.add(Op::LoadStatic(StaticRef::Globals(m)), RType::DICT)
    }
}

/// Does the constant `c` fit the native int type `t`?
pub fn native_int_fits(c: i64, t: &RType) -> bool {
    match t {
        RType::I64 => true,
        RType::I32 => i32::try_from(c).is_ok(),
        RType::I16 => i16::try_from(c).is_ok(),
        RType::U8 => u8::try_from(c).is_ok(),
        _ => false,
    }
}

fn union_contains(target: &RType, src: &RType) -> bool {
    match target {
        RType::Union(items) => items.contains(src),
        _ => false,
    }
}
