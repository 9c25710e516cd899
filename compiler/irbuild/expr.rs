//! Lowering expressions to IR. Each expression is lowered with the type the
//! checker infers for it: known builtin types use specialized primitives
//! and unboxed values; everything else goes through generic object
//! operations, which have the interpreter's semantics.

use rustpython_parser::ast::{self, Ranged};

use super::imports::ImportTarget;
use super::IrBuilder;
use crate::checker::const_int;
use crate::ir::*;
use crate::irbuild::symbols::Symbol;
use crate::primitives::{Internal, Key, Module, Operator};
use crate::semanal::{scope, ParamKind};
use crate::types::Type;

/// Evaluated call arguments: positional values and (keyword, value) pairs.
type CallArgs = (Vec<ValueId>, Vec<(String, ValueId)>);

/// The registry's operator of an ordering or equality comparison (`None`
/// for identity and containment tests).
fn cmp_operator(op: ast::CmpOp) -> Option<Operator> {
    use ast::CmpOp as C;
    match op {
        C::Eq => Some(Operator::Eq),
        C::NotEq => Some(Operator::NotEq),
        C::Lt => Some(Operator::Lt),
        C::LtE => Some(Operator::LtE),
        C::Gt => Some(Operator::Gt),
        C::GtE => Some(Operator::GtE),
        C::Is | C::IsNot | C::In | C::NotIn => None,
    }
}

/// The registry's operator of a binary operator (`+` for `a + b`), or of
/// its in-place form (`+=` for `a += b`).
pub(super) fn binary_operator(op: ast::Operator, in_place: bool) -> Operator {
    use ast::Operator as A;
    use Operator as O;
    let (plain, augmented) = match op {
        A::Add => (O::Add, O::InPlaceAdd),
        A::Sub => (O::Sub, O::InPlaceSub),
        A::Mult => (O::Mul, O::InPlaceMul),
        A::MatMult => (O::MatMul, O::InPlaceMatMul),
        A::Div => (O::TrueDiv, O::InPlaceTrueDiv),
        A::Mod => (O::Mod, O::InPlaceMod),
        A::Pow => (O::Pow, O::InPlacePow),
        A::LShift => (O::LShift, O::InPlaceLShift),
        A::RShift => (O::RShift, O::InPlaceRShift),
        A::BitOr => (O::BitOr, O::InPlaceBitOr),
        A::BitXor => (O::BitXor, O::InPlaceBitXor),
        A::BitAnd => (O::BitAnd, O::InPlaceBitAnd),
        A::FloorDiv => (O::FloorDiv, O::InPlaceFloorDiv),
    };
    if in_place {
        augmented
    } else {
        plain
    }
}

/// CPython's rich comparison op codes (Py_LT ... Py_GE).
fn rich_op(op: ast::CmpOp) -> i64 {
    use ast::CmpOp as C;
    match op {
        C::Lt => 0,
        C::LtE => 1,
        C::Eq => 2,
        C::NotEq => 3,
        C::Gt => 4,
        _ => 5,
    }
}

impl<'a> IrBuilder<'a> {
    /// Lower an expression and coerce it to the runtime type of `ty`.
    pub fn expr_as(&mut self, e: &ast::Expr, target: &RType) -> ValueId {
        let v = self.expr(e);
        self.b.coerce(v, target)
    }

    /// Lower an expression; the value has the runtime type of the
    /// expression's inferred type (or a more general one).
    pub fn expr(&mut self, e: &ast::Expr) -> ValueId {
        self.set_line(e);
        let ty = self.type_of(e);
        let v = self.expr_inner(e, &ty);
        self.set_line(e);
        // Values are refined to the checker's (narrowed) type: results of
        // generic operations, and variables of wider declared types.
        let want = self.rtype_of(&ty);
        let have = self.b.rtype(v);
        if self.refines(&have, &want) && !self.is_new_method_call(e) {
            self.b.coerce(v, &want)
        } else {
            v
        }
    }

    /// An expression whose value is dropped (an expression statement): not
    /// refined to the checker's type, as nothing reads it (a Python callee
    /// may return something else than it declares, e.g. a mock), as mypyc.
    pub fn expr_discarded(&mut self, e: &ast::Expr) -> ValueId {
        self.set_line(e);
        let ty = self.type_of(e);
        self.expr_inner(e, &ty)
    }

    /// Is `want` a narrower representation of a value of RType `have` (an
    /// object known more precisely, an item of a union, a subclass)?
    fn refines(&self, have: &RType, want: &RType) -> bool {
        match (have, want) {
            _ if have == want || *want == RType::OBJECT => false,
            (RType::Object(ObjKind::Object), _) => true,
            (RType::Union(items), RType::Union(narrow)) => narrow.iter().all(|t| items.contains(t)),
            (RType::Union(items), w) => items.contains(w) || items.contains(&w.boxed()),
            (RType::Instance(a), RType::Instance(b)) => self.module.classes.is_subclass(b, a),
            _ => false,
        }
    }

    fn expr_inner(&mut self, e: &ast::Expr, ty: &Type) -> ValueId {
        use ast::Expr as E;
        match e {
            E::Constant(c) => self.constant_expr(c),
            E::Name(n) => self.load_name(n.id.as_str(), e),
            E::BinOp(b) => {
                if let Some(v) = self.percent_format(b) {
                    return v;
                }
                let l = self.expr(&b.left);
                let r = self.expr(&b.right);
                let method = format!("__{}__", crate::parse::operator_method(b.op));
                if let Some(v) = self.native_dunder_call(l, &method, Some(r)) {
                    return v;
                }
                self.binary_op(binary_operator(b.op, false), l, r)
            }
            E::UnaryOp(u) => self.unary_op(u),
            E::BoolOp(b) => self.bool_op(b, ty),
            E::Compare(c) => self.compare(c, ty),
            E::IfExp(i) => {
                let result = self.b.new_register(self.rtype_of(ty), None);
                let (t, f, done) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
                self.condition(&i.test, t, f);
                self.b.activate(t);
                let v = self.expr(&i.body);
                self.b.assign(result, v);
                self.b.goto(done);
                self.b.activate(f);
                let v = self.expr(&i.orelse);
                self.b.assign(result, v);
                self.b.goto(done);
                self.b.activate(done);
                result
            }
            E::Call(c) => self.call(c),
            E::Attribute(a) => {
                if let Some(v) = self.final_in_class_body(a) {
                    return v;
                }
                if let Some(v) = self.module_final_attr(a) {
                    return v;
                }
                if let Some(v) = self.class_final_attr(a) {
                    return v;
                }
                if let Some(v) = self.native_get_attr(a) {
                    return v;
                }
                if let Some(v) = self.named_tuple_field(a) {
                    return v;
                }
                if let Some(v) = self.enum_member(a) {
                    return v;
                }
                let obj = self.expr(&a.value);
                let name = self.b.str_lit(a.attr.as_str());
                self.b.prim_named(Internal::GetAttr, &[obj, name])
            }
            E::Subscript(s) => self.subscript(s),
            E::List(l) => self.build_display(Internal::BuildList, &l.elts, e),
            E::Set(s) => self.build_display(Internal::BuildSet, &s.elts, e),
            E::Tuple(t) => {
                if let Type::Tuple(items) = ty {
                    let rt = self.rtype_of(ty);
                    let mut vals = vec![];
                    for (i, (x, it)) in t.elts.iter().zip(items).enumerate() {
                        let v = self.expr_as(x, &self.rtype_of(it));
                        vals.push(self.snapshot(v, &t.elts[i + 1..]));
                    }
                    self.b.add(
                        Op::TupleSet {
                            items: vals,
                            rtype: rt.clone(),
                        },
                        rt,
                    )
                } else {
                    self.build_display(Internal::BuildTuple, &t.elts, e)
                }
            }
            E::Dict(d) => {
                if d.keys.iter().any(|k| k.is_none()) {
                    return self.dict_display_with_unpacking(d);
                }
                let mut args = vec![];
                let n = self.b.ssize(d.keys.len() as i64);
                args.push(n);
                for (k, v) in d.keys.iter().flatten().zip(&d.values) {
                    let kv = self.expr(k);
                    let kv = self.b.boxed(kv);
                    args.push(kv);
                    let vv = self.expr(v);
                    let vv = self.b.boxed(vv);
                    args.push(vv);
                }
                self.b.prim_named(Internal::BuildDict, &args)
            }
            E::JoinedStr(j) => self.fstring(j),
            E::FormattedValue(fv) => {
                let j = ast::ExprJoinedStr {
                    range: fv.range,
                    values: vec![e.clone()],
                };
                self.fstring(&j)
            }
            E::ListComp(_) | E::SetComp(_) | E::DictComp(_) => self.comprehension(e),
            E::Slice(_) => self.slice_obj(e),
            E::Lambda(l) => self.lambda_expr(l),
            E::Yield(y) => self.yield_expr(y),
            E::YieldFrom(y) => self.yield_from_expr(y),
            E::Await(a) => self.await_expr(a),
            E::GeneratorExp(g) => self.generator_expr(g),
            E::NamedExpr(n) => {
                let v = self.expr(&n.value);
                self.assign_to(&n.target, v);
                v
            }
            E::Starred(_) => {
                self.unsupported(e, "star expression in this position");
                self.b.null()
            }
        }
    }

    /// A constant expression: a string literal holding a lone surrogate
    /// (which the parser's value cannot represent) is decoded again from
    /// its source text.
    fn constant_expr(&mut self, c: &ast::ExprConstant) -> ValueId {
        if let ast::Constant::Str(s) = &c.value {
            if s.contains('\u{FFFD}') {
                use crate::parse::strings::{surrogate_literal_wtf8, LiteralError};
                let text = self.parsed.lines.text(c).to_string();
                match surrogate_literal_wtf8(&text) {
                    Ok(Some(wtf8)) => {
                        let t = RType::Object(ObjKind::Bytes);
                        let b = self.b.add(
                            Op::LoadLiteral {
                                value: Literal::Bytes(wtf8),
                                rtype: t.clone(),
                            },
                            t,
                        );
                        return self.b.prim_named(Internal::StrFromWtf8, &[b]);
                    }
                    Err(LiteralError::NamedEscape) if may_have_surrogate(&text) => {
                        self.unsupported(
                            c,
                            "a string literal with both \\N{...} escapes and lone surrogates",
                        );
                    }
                    _ => {}
                }
            }
        }
        self.constant(&c.value)
    }

    pub fn constant(&mut self, c: &ast::Constant) -> ValueId {
        match c {
            ast::Constant::None => self.b.none(),
            ast::Constant::Bool(v) => self.b.bool_const(*v),
            ast::Constant::Int(i) => {
                let text = i.to_string();
                match text.parse::<i64>() {
                    Ok(v) if (-(1i64 << 60)..(1i64 << 60)).contains(&v) => self.b.int(v),
                    _ => {
                        let obj = self.b.add(
                            Op::LoadLiteral {
                                value: Literal::Int(text),
                                rtype: RType::Object(ObjKind::IntObj),
                            },
                            RType::Object(ObjKind::IntObj),
                        );
                        self.b.add(
                            Op::Unbox {
                                src: obj,
                                rtype: RType::Int,
                            },
                            RType::Int,
                        )
                    }
                }
            }
            ast::Constant::Float(f) => self.b.add(Op::LoadFloat(*f), RType::Float),
            ast::Constant::Str(s) => self.b.str_lit(s),
            ast::Constant::Bytes(b) => {
                let t = RType::Object(ObjKind::Bytes);
                self.b.add(
                    Op::LoadLiteral {
                        value: Literal::Bytes(b.clone()),
                        rtype: t.clone(),
                    },
                    t,
                )
            }
            ast::Constant::Complex { real, imag } => self.b.add(
                Op::LoadLiteral {
                    value: Literal::Complex(*real, *imag),
                    rtype: RType::OBJECT,
                },
                RType::OBJECT,
            ),
            ast::Constant::Ellipsis => self.b.add(
                Op::LoadLiteral {
                    value: Literal::Ellipsis,
                    rtype: RType::OBJECT,
                },
                RType::OBJECT,
            ),
            ast::Constant::Tuple(items) => {
                let vals: Vec<ValueId> = items.iter().map(|c| self.constant(c)).collect();
                let boxed: Vec<ValueId> = vals.into_iter().map(|v| self.b.boxed(v)).collect();
                let n = self.b.ssize(boxed.len() as i64);
                let mut args = vec![n];
                args.extend(boxed);
                self.b.prim_named(Internal::BuildTuple, &args)
            }
        }
    }

    /// Load a name: a local register, a global (from the module dict), or a builtin.
    pub fn load_name(&mut self, name: &str, node: &ast::Expr) -> ValueId {
        if let Some(v) = self.load_env_var(name) {
            return v;
        }
        if let Some(v) = self.b.locals.get(name).copied() {
            return v;
        }
        if self.is_local_name(name) {
            // Read before any assignment: a register the uninit transform
            // finds unassigned, so the read raises UnboundLocalError.
            let _ = node;
            let t = self.local_types.get(name).cloned().unwrap_or(Type::Any);
            let reg = self
                .b
                .new_register(self.rtype_of(&t), Some(name.to_string()));
            self.b.locals.insert(name.to_string(), reg);
            return reg;
        }
        if let Some((ns, names)) = &self.class_ns {
            if names.iter().any(|n| n == name) {
                let ns = *ns;
                let key = self.b.str_lit(name);
                return self.b.prim_named(Internal::DictGet, &[ns, key]);
            }
        }
        match name {
            "True" => return self.b.bool_const(true),
            "False" => return self.b.bool_const(false),
            "None" => return self.b.none(),
            _ => {}
        }
        let program = self.opts.program.clone();
        if let Some(lit) = program.final_literal(&self.module.name, name) {
            return self.literal_value(lit);
        }
        if let Some(s) = self.module_final_static(name) {
            return self.load_final_static(s, name);
        }
        if let Some(full) = self.module.static_classes.get(name).cloned() {
            return self.load_class_static(full, name);
        }
        let globals = self.b.globals();
        let key = self.b.str_lit(name);
        let get = if self.module.finals.iter().any(|n| n == name) {
            Internal::FinalGet
        } else {
            Internal::GlobalsGet
        };
        let v = self.b.prim_named(get, &[globals, key]);
        let t = self.rtype_of(&self.env_name_type(name));
        self.b.coerce(v, &t)
    }

    /// The value of a literal constant (see `checker::program::
    /// is_literal_constant`), which may come from another module: no type
    /// map entry of this one is consulted.
    pub fn literal_value(&mut self, e: &ast::Expr) -> ValueId {
        match e {
            ast::Expr::Constant(c) => self.constant(&c.value),
            ast::Expr::UnaryOp(u) => match &*u.operand {
                ast::Expr::Constant(ast::ExprConstant {
                    value: ast::Constant::Int(i),
                    ..
                }) => self.constant(&ast::Constant::Int(-i.clone())),
                ast::Expr::Constant(ast::ExprConstant {
                    value: ast::Constant::Float(f),
                    ..
                }) => self.constant(&ast::Constant::Float(-f)),
                _ => self.b.null(),
            },
            _ => self.b.null(),
        }
    }

    fn unary_op(&mut self, u: &ast::ExprUnaryOp) -> ValueId {
        match u.op {
            ast::UnaryOp::Not => {
                let v = self.expr(&u.operand);
                let b = self.truth_value(v);
                let one = self.b.bit(1);
                let r = self.b.add(
                    Op::IntOp {
                        op: IntOpKind::Xor,
                        lhs: b,
                        rhs: one,
                        rtype: RType::Bit,
                    },
                    RType::Bit,
                );
                self.b.coerce(r, &RType::Bool)
            }
            ast::UnaryOp::USub => {
                if let Some(c) = const_int(&u.operand) {
                    if c.abs() < (1i64 << 60) {
                        return self.b.int(-c);
                    }
                }
                let v = self.expr(&u.operand);
                if let Some(r) = self.native_dunder_call(v, "__neg__", None) {
                    return r;
                }
                match self.b.rtype(v) {
                    RType::Float => self.b.add(Op::FloatNeg(v), RType::Float),
                    t if t.is_native_int() => {
                        let zero = self.native_const(0, &t);
                        self.native_binary_op(Operator::Sub, zero, v, &t)
                            .unwrap_or(v)
                    }
                    RType::Bool | RType::Bit => {
                        let i = self.b.coerce(v, &RType::Int);
                        self.b.prim_named(Operator::Neg, &[i])
                    }
                    _ => self.b.try_prim(Operator::Neg, &[v]).unwrap_or(v),
                }
            }
            ast::UnaryOp::UAdd => {
                let v = self.expr(&u.operand);
                if let Some(r) = self.native_dunder_call(v, "__pos__", None) {
                    return r;
                }
                match self.b.rtype(v) {
                    RType::Int | RType::Float => v,
                    t if t.is_native_int() => v,
                    RType::Bool | RType::Bit => self.b.coerce(v, &RType::Int),
                    _ => self.b.prim_named(Operator::Pos, &[v]),
                }
            }
            ast::UnaryOp::Invert => {
                let v = self.expr(&u.operand);
                if let Some(r) = self.native_dunder_call(v, "__invert__", None) {
                    return r;
                }
                let v = if matches!(self.b.rtype(v), RType::Bool | RType::Bit) {
                    self.b.coerce(v, &RType::Int)
                } else {
                    v
                };
                let t = self.b.rtype(v);
                if t.is_native_int() {
                    let ones = self.native_const(-1, &t);
                    return self
                        .native_binary_op(Operator::BitXor, v, ones, &t)
                        .unwrap_or(v);
                }
                self.b.try_prim(Operator::Invert, &[v]).unwrap_or(v)
            }
        }
    }

    /// A binary operator on lowered operands.
    pub fn binary_op(&mut self, op: Operator, l: ValueId, r: ValueId) -> ValueId {
        let (lt, rt) = (self.b.rtype(l), self.b.rtype(r));
        let intish = |t: &RType| matches!(t, RType::Int | RType::Bool | RType::Bit);
        let numeric = |t: &RType| intish(t) || *t == RType::Float || t.is_native_int();
        if let Some(t) = native_operand_type(&lt, &rt) {
            if let Some(v) = self.native_binary_op(op.plain(), l, r, &t) {
                return v;
            }
        }
        // bool & bool etc. stay bool.
        if matches!(lt, RType::Bool | RType::Bit)
            && matches!(rt, RType::Bool | RType::Bit)
            && matches!(op, Operator::BitAnd | Operator::BitOr | Operator::BitXor)
        {
            let kind = match op {
                Operator::BitAnd => IntOpKind::And,
                Operator::BitOr => IntOpKind::Or,
                _ => IntOpKind::Xor,
            };
            let l = self.b.coerce(l, &RType::Bool);
            let r = self.b.coerce(r, &RType::Bool);
            return self.b.add(
                Op::IntOp {
                    op: kind,
                    lhs: l,
                    rhs: r,
                    rtype: RType::Bool,
                },
                RType::Bool,
            );
        }
        if intish(&lt) && intish(&rt) {
            let l = self.b.coerce(l, &RType::Int);
            let r = self.b.coerce(r, &RType::Int);
            if let Some(v) = self.b.try_prim(op, &[l, r]) {
                return v;
            }
        }
        if numeric(&lt)
            && numeric(&rt)
            && (lt == RType::Float || rt == RType::Float || op == Operator::TrueDiv)
        {
            let l = self.b.coerce(l, &RType::Float);
            let r = self.b.coerce(r, &RType::Float);
            let simple = match op {
                Operator::Add => Some(FloatOpKind::Add),
                Operator::Sub => Some(FloatOpKind::Sub),
                Operator::Mul => Some(FloatOpKind::Mul),
                // A nonzero constant divisor cannot raise.
                Operator::TrueDiv | Operator::InPlaceTrueDiv
                    if self.b.float_constant(r).is_some_and(|c| c != 0.0) =>
                {
                    Some(FloatOpKind::Div)
                }
                _ => None,
            };
            if let Some(k) = simple {
                return self.b.add(
                    Op::FloatOp {
                        op: k,
                        lhs: l,
                        rhs: r,
                    },
                    RType::Float,
                );
            }
            if let Some(v) = self.b.try_prim(op, &[l, r]) {
                return v;
            }
        }
        if let Some(v) = self.b.try_prim(op, &[l, r]) {
            return v;
        }
        // In-place operators fall back to the plain operator's primitive.
        self.b
            .try_prim(op.plain(), &[l, r])
            .unwrap_or_else(|| self.b.null())
    }

    /// An operator on native ints of type `t` (the other operand, an `int`
    /// or `bool`, is converted to `t` with a range check, as in mypyc).
    /// Arithmetic wraps around; `//` and `%` follow Python's floor semantics.
    fn native_binary_op(
        &mut self,
        op: Operator,
        l: ValueId,
        r: ValueId,
        t: &RType,
    ) -> Option<ValueId> {
        let kind = match op {
            Operator::Add => IntOpKind::Add,
            Operator::Sub => IntOpKind::Sub,
            Operator::Mul => IntOpKind::Mul,
            Operator::BitAnd => IntOpKind::And,
            Operator::BitOr => IntOpKind::Or,
            Operator::BitXor => IntOpKind::Xor,
            Operator::LShift => IntOpKind::Shl,
            Operator::RShift => IntOpKind::Shr,
            Operator::FloorDiv | Operator::Mod => {
                let l = self.b.coerce(l, t);
                let r = self.b.coerce(r, t);
                return self.b.try_prim(op, &[l, r]);
            }
            _ => return None,
        };
        let l = self.b.coerce(l, t);
        let r = self.b.coerce(r, t);
        Some(self.b.add(
            Op::IntOp {
                op: kind,
                lhs: l,
                rhs: r,
                rtype: t.clone(),
            },
            t.clone(),
        ))
    }

    /// A native int constant of type `t`.
    fn native_const(&mut self, value: i64, t: &RType) -> ValueId {
        self.b.add(
            Op::LoadInt {
                value,
                rtype: t.clone(),
            },
            t.clone(),
        )
    }

    fn bool_op(&mut self, b: &ast::ExprBoolOp, ty: &Type) -> ValueId {
        let rt = self.rtype_of(ty);
        let result = self.b.new_register(rt.clone(), None);
        let done = self.b.new_block();
        let n = b.values.len();
        for (i, v) in b.values.iter().enumerate() {
            let val = self.expr(v);
            if i == n - 1 {
                self.b.assign(result, val);
                self.b.goto(done);
                break;
            }
            let tv = self.truth_value(val);
            let (short, next) = (self.b.new_block(), self.b.new_block());
            match b.op {
                ast::BoolOp::And => self.b.branch(tv, next, short),
                ast::BoolOp::Or => self.b.branch(tv, short, next),
            }
            self.b.activate(short);
            self.b.assign(result, val);
            self.b.goto(done);
            self.b.activate(next);
        }
        self.b.activate(done);
        result
    }

    /// The truth value of a lowered value, as a Bit/Bool.
    pub fn truth_value(&mut self, v: ValueId) -> ValueId {
        if let RType::Instance(class) = self.b.rtype(v) {
            if let Some(t) = self.native_truth(v, &class) {
                return t;
            }
        }
        match self.b.rtype(v) {
            RType::Bool | RType::Bit => v,
            RType::None => self.b.bit(0),
            RType::Int => {
                let zero = self.b.int(0);
                self.b.add(
                    Op::ComparisonOp {
                        op: CmpKind::Ne,
                        lhs: v,
                        rhs: zero,
                    },
                    RType::Bit,
                )
            }
            t if t.is_native_int() => {
                let zero = self.native_const(0, &t);
                self.b.add(
                    Op::ComparisonOp {
                        op: CmpKind::Ne,
                        lhs: v,
                        rhs: zero,
                    },
                    RType::Bit,
                )
            }
            RType::Float => {
                let zero = self.b.add(Op::LoadFloat(0.0), RType::Float);
                self.b.add(
                    Op::FloatComparisonOp {
                        op: CmpKind::Ne,
                        lhs: v,
                        rhs: zero,
                    },
                    RType::Bit,
                )
            }
            RType::Object(ObjKind::Str)
            | RType::Object(ObjKind::List)
            | RType::Object(ObjKind::Dict) => {
                let n = match self
                    .b
                    .try_prim(Key::Function(Module::Builtins, "len"), &[v])
                {
                    Some(n) => n,
                    None => return self.b.null(),
                };
                let zero = self.b.int(0);
                self.b.add(
                    Op::ComparisonOp {
                        op: CmpKind::Ne,
                        lhs: n,
                        rhs: zero,
                    },
                    RType::Bit,
                )
            }
            RType::Tuple(items) => {
                let nonempty = !items.is_empty();
                self.b.add(
                    Op::LoadInt {
                        value: nonempty as i64,
                        rtype: RType::Bit,
                    },
                    RType::Bit,
                )
            }
            _ => {
                let o = self.b.boxed(v);
                self.b.prim_named(Internal::IsTrue, &[o])
            }
        }
    }

    /// Lower a condition as a branch (short-circuiting `and`/`or`/`not`).
    pub fn condition(&mut self, e: &ast::Expr, t: BlockId, f: BlockId) {
        match e {
            ast::Expr::BoolOp(b) => {
                let n = b.values.len();
                for (i, v) in b.values.iter().enumerate() {
                    if i == n - 1 {
                        self.condition(v, t, f);
                        break;
                    }
                    let next = self.b.new_block();
                    match b.op {
                        ast::BoolOp::And => self.condition(v, next, f),
                        ast::BoolOp::Or => self.condition(v, t, next),
                    }
                    self.b.activate(next);
                }
            }
            ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
                self.condition(&u.operand, f, t)
            }
            _ => {
                let v = self.expr(e);
                let tv = self.truth_value(v);
                self.b.branch(tv, t, f);
            }
        }
    }

    /// A comparison; a chain's result has the runtime type of the
    /// checker's type `ty` of the whole chain (`bool` for most).
    fn compare(&mut self, c: &ast::ExprCompare, ty: &Type) -> ValueId {
        if c.ops.len() == 1 {
            if let Some(v) = self.in_tuple_display(c) {
                return v;
            }
            if let Some(v) = self.in_set_display(c) {
                return v;
            }
            if let Some(v) = self.identity_enum_eq(c) {
                return v;
            }
            if let Some(v) = self.char_at_eq(c) {
                return v;
            }
            let l = self.expr(&c.left);
            let r = self.expr(&c.comparators[0]);
            return self.compare_pair(c.ops[0], l, r);
        }
        // Chained: a < b < c evaluates b once and short-circuits.
        let result = self.b.new_register(self.rtype_of(ty), None);
        let done = self.b.new_block();
        let mut left = self.expr(&c.left);
        for (i, (op, right)) in c.ops.iter().zip(&c.comparators).enumerate() {
            let r = self.expr(right);
            let v = self.compare_pair(*op, left, r);
            if i == c.ops.len() - 1 {
                self.b.assign(result, v);
                self.b.goto(done);
                break;
            }
            let tv = self.truth_value(v);
            let (short, next) = (self.b.new_block(), self.b.new_block());
            self.b.branch(tv, next, short);
            self.b.activate(short);
            self.b.assign(result, v);
            self.b.goto(done);
            self.b.activate(next);
            left = r;
        }
        self.b.activate(done);
        result
    }

    /// `s[i] == "c"` / `!=` of a str item and a one-character literal:
    /// the character's code compared, without making the one-character str.
    fn char_at_eq(&mut self, c: &ast::ExprCompare) -> Option<ValueId> {
        let kind = match c.ops[0] {
            ast::CmpOp::Eq => CmpKind::Eq,
            ast::CmpOp::NotEq => CmpKind::Ne,
            _ => return None,
        };
        let one_char = |e: &ast::Expr| match e {
            ast::Expr::Constant(k) => match &k.value {
                ast::Constant::Str(s) if s.chars().count() == 1 => s.chars().next(),
                _ => None,
            },
            _ => None,
        };
        let (item, ch) = match (one_char(&c.left), one_char(&c.comparators[0])) {
            (None, Some(ch)) => (&*c.left, ch),
            (Some(ch), None) => (&c.comparators[0], ch),
            _ => return None,
        };
        let code = self.char_code_at(item)?;
        let want = self.b.int(ch as i64);
        let v = self.b.compare(kind, code, want);
        Some(self.b.coerce(v, &RType::Bool))
    }

    /// `ord(s[i])` read directly for `s[i]` of a str with an int index:
    /// the code of the character (IndexError as the item would raise).
    fn char_code_at(&mut self, item: &ast::Expr) -> Option<ValueId> {
        let ast::Expr::Subscript(s) = item else {
            return None;
        };
        let index_type = self.rtype_of(&self.type_of(&s.slice));
        if self.rtype_of(&self.type_of(&s.value)) != RType::STR
            || !matches!(index_type, RType::Int | RType::Bool)
            || matches!(&*s.slice, ast::Expr::Slice(_))
        {
            return None;
        }
        let text = self.expr_as(&s.value, &RType::STR);
        let index = self.expr_as(&s.slice, &RType::Int);
        self.set_line(s);
        Some(self.b.prim_named(Internal::StrOrdAt, &[text, index]))
    }

    /// `a == b` / `a != b` of two members of an enum class whose members
    /// compare by identity: `a is b` / `a is not b`.
    fn identity_enum_eq(&mut self, c: &ast::ExprCompare) -> Option<ValueId> {
        let op = match c.ops[0] {
            ast::CmpOp::Eq => ast::CmpOp::Is,
            ast::CmpOp::NotEq => ast::CmpOp::IsNot,
            _ => return None,
        };
        let class = self.enum_class_of(&c.left)?;
        if self.enum_class_of(&c.comparators[0]).as_ref() != Some(&class)
            || !self.opts.program.is_identity_enum(&class)
        {
            return None;
        }
        let l = self.expr(&c.left);
        let r = self.expr(&c.comparators[0]);
        Some(self.compare_pair(op, l, r))
    }

    /// The enum class of which `e` is a member: by the checker's type, or
    /// as `Class.MEMBER`.
    fn enum_class_of(&self, e: &ast::Expr) -> Option<String> {
        match self.opts.types.get(e) {
            Some(Type::Instance(c, _)) if self.opts.program.is_enum(c) => return Some(c.clone()),
            _ => {}
        }
        let ast::Expr::Attribute(a) = e else {
            return None;
        };
        match self.opts.types.get(&a.value) {
            Some(Type::TypeObj(c)) if self.opts.program.is_enum_member(c, a.attr.as_str()) => {
                Some(c.clone())
            }
            _ => None,
        }
    }

    /// `x in (a, b, c)` (and `not in`) with a tuple display: the items are
    /// evaluated, then compared with `x` in order until one is equal, as
    /// the tuple's own `in` does, without building the tuple.
    fn in_tuple_display(&mut self, c: &ast::ExprCompare) -> Option<ValueId> {
        let ast::Expr::Tuple(t) = &c.comparators[0] else {
            return None;
        };
        let negate = membership_negated(c.ops[0])?;
        if t.elts.len() > MAX_UNROLLED_ITEMS
            || t.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_)))
        {
            return None;
        }
        let x = self.expr(&c.left);
        let items: Vec<ValueId> = t.elts.iter().map(|e| self.expr(e)).collect();
        Some(self.contains_items(x, items, negate))
    }

    /// `x in {a, b, c}` (and `not in`) with a set display. An int among
    /// ints is compared with each in order, as for a tuple (int equality
    /// agrees with int hashing), without building the set; items that are
    /// all constants make a frozenset built once, at module init (as
    /// mypyc's precomputed set literals). Others build the set.
    fn in_set_display(&mut self, c: &ast::ExprCompare) -> Option<ValueId> {
        let ast::Expr::Set(set) = &c.comparators[0] else {
            return None;
        };
        let negate = membership_negated(c.ops[0])?;
        if set.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
            return None;
        }
        let is_int = |b: &Self, e: &ast::Expr| match b.type_of(e) {
            Type::Literal(lit) => matches!(lit.base(), Type::Int | Type::Bool),
            t => matches!(t, Type::Int | Type::Bool),
        };
        if set.elts.len() <= MAX_UNROLLED_ITEMS
            && is_int(self, &c.left)
            && set.elts.iter().all(|e| is_int(self, e))
        {
            let x = self.expr(&c.left);
            let items: Vec<ValueId> = set.elts.iter().map(|e| self.expr(e)).collect();
            return Some(self.contains_items(x, items, negate));
        }
        if let Some(items) = set
            .elts
            .iter()
            .map(|e| self.constant_literal(e))
            .collect::<Option<Vec<_>>>()
        {
            let x = self.expr(&c.left);
            let t = RType::Object(ObjKind::FrozenSet);
            let value = Literal::FrozenSet(items);
            let lit = self.b.add(
                Op::LoadLiteral {
                    value,
                    rtype: t.clone(),
                },
                t,
            );
            return Some(self.compare_pair(c.ops[0], x, lit));
        }
        None
    }

    /// The constant `e` denotes, when it is a hashable literal (a number,
    /// string, bytes, bool or None, or a module-level `Final` name bound to
    /// one, here or in an imported module).
    fn constant_literal(&self, e: &ast::Expr) -> Option<Literal> {
        let program = &self.opts.program;
        match e {
            ast::Expr::Constant(k) => match &k.value {
                ast::Constant::Int(i) => Some(Literal::Int(i.to_string())),
                ast::Constant::Str(s) => Some(Literal::Str(s.clone())),
                ast::Constant::Bytes(b) => Some(Literal::Bytes(b.clone())),
                ast::Constant::Float(f) => Some(Literal::Float(*f)),
                ast::Constant::Bool(b) => Some(Literal::Bool(*b)),
                ast::Constant::None => Some(Literal::None),
                _ => None,
            },
            ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
                match self.constant_literal(&u.operand)? {
                    Literal::Int(text) if !text.starts_with('-') => {
                        Some(Literal::Int(format!("-{text}")))
                    }
                    Literal::Float(f) => Some(Literal::Float(-f)),
                    _ => None,
                }
            }
            ast::Expr::Name(n) => {
                let name = n.id.as_str();
                if self.is_local_name(name) || self.closure_has(name) || self.is_class_ns_name(name)
                {
                    return None;
                }
                self.constant_literal(program.final_literal(&self.module.name, name)?)
            }
            ast::Expr::Attribute(a) => {
                let md = self.attribute_base_module(a)?;
                self.constant_literal(program.final_literal(&md, a.attr.as_str())?)
            }
            _ => None,
        }
    }

    /// Is `x` one of `items` (`not in` when `negate`)? Compared in order
    /// until one is equal, as a tuple's `in` does.
    fn contains_items(&mut self, x: ValueId, items: Vec<ValueId>, negate: bool) -> ValueId {
        let result = self.b.new_register(RType::Bool, None);
        let (found, done) = (self.b.new_block(), self.b.new_block());
        for item in items {
            let eq = self.items_equal(item, x);
            let next = self.b.new_block();
            self.b.branch(eq, found, next);
            self.b.activate(next);
        }
        self.finish_test_chain(result, negate, found, done)
    }

    /// The end of a chain of tests into `result`: the current block (every
    /// test passed on) gives `through`, block `jumped` (a test decided)
    /// gives `!through`; both continue at `done`.
    fn finish_test_chain(
        &mut self,
        result: ValueId,
        through: bool,
        jumped: BlockId,
        done: BlockId,
    ) -> ValueId {
        for (block, value) in [(None, through), (Some(jumped), !through)] {
            if let Some(b) = block {
                self.b.activate(b);
            }
            let v = self.b.bool_const(value);
            self.b.assign(result, v);
            self.b.goto(done);
        }
        self.b.activate(done);
        result
    }

    /// The items of an unboxed tuple, each read with `TupleGet`.
    fn tuple_items(&mut self, t: ValueId) -> Vec<ValueId> {
        let RType::Tuple(types) = self.b.rtype(t) else {
            return vec![];
        };
        types
            .into_iter()
            .enumerate()
            .map(|(index, rtype)| {
                self.b.add(
                    Op::TupleGet {
                        src: t,
                        index,
                        rtype: rtype.clone(),
                    },
                    rtype,
                )
            })
            .collect()
    }

    /// `t[i]` of an unboxed tuple with a run-time index: the index checked
    /// and normalized once, then the item chosen by comparisons, without
    /// boxing the tuple. Items of different runtime types are boxed.
    fn unboxed_tuple_item(&mut self, t: ValueId, index: ValueId) -> Option<ValueId> {
        let RType::Tuple(types) = self.b.rtype(t) else {
            return None;
        };
        if types.is_empty() || types.len() > MAX_UNROLLED_ITEMS || self.b.rtype(index) != RType::Int
        {
            return None;
        }
        let rtype = if types.iter().all(|x| *x == types[0]) {
            types[0].clone()
        } else {
            RType::OBJECT
        };
        let n = self.b.ssize(types.len() as i64);
        let k = self.b.prim_named(Internal::TupleItemIndex, &[index, n]);
        let result = self.b.new_register(rtype.clone(), None);
        let done = self.b.new_block();
        let last = types.len() - 1;
        for (i, item_type) in types.into_iter().enumerate() {
            let next = self.b.new_block();
            if i < last {
                let (this, want) = (self.b.new_block(), self.b.ssize(i as i64));
                let eq = self.b.add(
                    Op::ComparisonOp {
                        op: CmpKind::Eq,
                        lhs: k,
                        rhs: want,
                    },
                    RType::Bit,
                );
                self.b.branch(eq, this, next);
                self.b.activate(this);
            }
            let item = self.b.add(
                Op::TupleGet {
                    src: t,
                    index: i,
                    rtype: item_type.clone(),
                },
                item_type,
            );
            let item = self.b.coerce(item, &rtype);
            self.b.assign(result, item);
            self.b.goto(done);
            self.b.activate(next);
        }
        self.b.add(Op::Unreachable, RType::Void);
        self.b.activate(done);
        Some(result)
    }

    /// Are two items of a container equal, as containers compare them
    /// (`PyObject_RichCompareBool`: identical objects are equal)? A Bit or
    /// Bool; unboxed operands compare natively.
    fn items_equal(&mut self, a: ValueId, b: ValueId) -> ValueId {
        let native = |t: &RType| {
            t.is_native_int()
                || matches!(
                    t,
                    RType::Int | RType::Bool | RType::Bit | RType::Float | RType::Tuple(_)
                )
                || *t == RType::STR
        };
        let (at, bt) = (self.b.rtype(a), self.b.rtype(b));
        if native(&at) && native(&bt) {
            let eq = self.compare_pair(ast::CmpOp::Eq, a, b);
            return self.truth_value(eq);
        }
        let code = self.b.add(
            Op::LoadInt {
                value: rich_op(ast::CmpOp::Eq),
                rtype: RType::CInt,
            },
            RType::CInt,
        );
        let r = self.b.prim_named(Internal::EqualItems, &[a, b, code]);
        self.b.cint_to_bit(r)
    }

    /// `==` / `!=` of two fixed-length tuples: item by item, stopping at
    /// the first unequal pair, without boxing either tuple.
    fn compare_tuples(&mut self, op: ast::CmpOp, l: ValueId, r: ValueId) -> ValueId {
        let (RType::Tuple(li), RType::Tuple(ri)) = (self.b.rtype(l), self.b.rtype(r)) else {
            return self.b.null();
        };
        let eq_result = op == ast::CmpOp::Eq;
        if li.len() != ri.len() {
            return self.b.bool_const(!eq_result);
        }
        let result = self.b.new_register(RType::Bool, None);
        let (differ, done) = (self.b.new_block(), self.b.new_block());
        for (i, (lt, rt)) in li.iter().zip(&ri).enumerate() {
            let a = self.b.add(
                Op::TupleGet {
                    src: l,
                    index: i,
                    rtype: lt.clone(),
                },
                lt.clone(),
            );
            let b = self.b.add(
                Op::TupleGet {
                    src: r,
                    index: i,
                    rtype: rt.clone(),
                },
                rt.clone(),
            );
            let eq = self.items_equal(a, b);
            let next = self.b.new_block();
            self.b.branch(eq, next, differ);
            self.b.activate(next);
        }
        self.finish_test_chain(result, eq_result, differ, done)
    }

    pub fn compare_pair(&mut self, op: ast::CmpOp, l: ValueId, r: ValueId) -> ValueId {
        let (lt, rt) = (self.b.rtype(l), self.b.rtype(r));
        let eq_kind = match op {
            ast::CmpOp::Eq => Some(CmpKind::Eq),
            ast::CmpOp::NotEq => Some(CmpKind::Ne),
            _ => None,
        };
        // An int equals a short constant exactly when their tagged words do.
        let constant = self.b.int_constant(l).or(self.b.int_constant(r));
        if let (Some(k), Some(_), RType::Int, RType::Int) = (eq_kind, constant, &lt, &rt) {
            let v = self.b.compare(k, l, r);
            return self.b.coerce(v, &RType::Bool);
        }
        if matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq)
            && matches!((&lt, &rt), (RType::Tuple(_), RType::Tuple(_)))
        {
            return self.compare_tuples(op, l, r);
        }
        match op {
            ast::CmpOp::Is | ast::CmpOp::IsNot => {
                let lo = self.b.boxed(l);
                let ro = self.b.boxed(r);
                let k = if op == ast::CmpOp::Is {
                    CmpKind::Eq
                } else {
                    CmpKind::Ne
                };
                let v = self.b.compare(k, lo, ro);
                // Keep both operands alive across the pointer comparison.
                self.b.add(Op::KeepAlive(vec![lo, ro]), RType::Void);
                return self.b.coerce(v, &RType::Bool);
            }
            ast::CmpOp::In | ast::CmpOp::NotIn if matches!(&rt, RType::Tuple(items) if items.len() <= MAX_UNROLLED_ITEMS) =>
            {
                let items = self.tuple_items(r);
                return self.contains_items(l, items, op == ast::CmpOp::NotIn);
            }
            ast::CmpOp::In | ast::CmpOp::NotIn => {
                let res = self
                    .b
                    .try_prim(Operator::In, &[r, l])
                    .unwrap_or_else(|| self.b.null());
                let bit = self.b.cint_to_bit(res);
                let bit = if op == ast::CmpOp::NotIn {
                    let one = self.b.bit(1);
                    self.b.add(
                        Op::IntOp {
                            op: IntOpKind::Xor,
                            lhs: bit,
                            rhs: one,
                            rtype: RType::Bit,
                        },
                        RType::Bit,
                    )
                } else {
                    bit
                };
                return self.b.coerce(bit, &RType::Bool);
            }
            _ => {}
        }
        let intish = |t: &RType| matches!(t, RType::Int | RType::Bool | RType::Bit);
        if let Some(t) = native_operand_type(&lt, &rt) {
            let l = self.b.coerce(l, &t);
            let r = self.b.coerce(r, &t);
            let k = match op {
                ast::CmpOp::Eq => CmpKind::Eq,
                ast::CmpOp::NotEq => CmpKind::Ne,
                ast::CmpOp::Lt => CmpKind::Slt,
                ast::CmpOp::LtE => CmpKind::Sle,
                ast::CmpOp::Gt => CmpKind::Sgt,
                _ => CmpKind::Sge,
            };
            let v = self.b.compare(k, l, r);
            return self.b.coerce(v, &RType::Bool);
        }
        if intish(&lt) && intish(&rt) {
            let l = self.b.coerce(l, &RType::Int);
            let r = self.b.coerce(r, &RType::Int);
            if let Some(v) = cmp_operator(op).and_then(|o| self.b.try_prim(o, &[l, r])) {
                return v;
            }
        }
        let numeric = |t: &RType| intish(t) || *t == RType::Float || t.is_native_int();
        // Different native int types compare exactly as objects, not as floats.
        let mixed_native = lt.is_native_int() && rt.is_native_int();
        if numeric(&lt) && numeric(&rt) && !mixed_native {
            let l = self.b.coerce(l, &RType::Float);
            let r = self.b.coerce(r, &RType::Float);
            let k = match op {
                ast::CmpOp::Eq => CmpKind::Eq,
                ast::CmpOp::NotEq => CmpKind::Ne,
                ast::CmpOp::Lt => CmpKind::Slt,
                ast::CmpOp::LtE => CmpKind::Sle,
                ast::CmpOp::Gt => CmpKind::Sgt,
                _ => CmpKind::Sge,
            };
            let v = self.b.add(
                Op::FloatComparisonOp {
                    op: k,
                    lhs: l,
                    rhs: r,
                },
                RType::Bit,
            );
            return self.b.coerce(v, &RType::Bool);
        }
        if lt == RType::STR && rt == RType::STR && matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq)
        {
            let eq = match self.b.try_prim(Operator::Eq, &[l, r]) {
                Some(eq) => eq,
                None => return self.b.null(),
            };
            if op == ast::CmpOp::Eq {
                return eq;
            }
            let one = self.b.add(
                Op::LoadInt {
                    value: 1,
                    rtype: RType::Bool,
                },
                RType::Bool,
            );
            return self.b.add(
                Op::IntOp {
                    op: IntOpKind::Xor,
                    lhs: eq,
                    rhs: one,
                    rtype: RType::Bool,
                },
                RType::Bool,
            );
        }
        let code = self.b.add(
            Op::LoadInt {
                value: rich_op(op),
                rtype: RType::CInt,
            },
            RType::CInt,
        );
        self.b.prim_named(Internal::RichCompare, &[l, r, code])
    }

    fn build_display(&mut self, prim: Internal, elts: &[ast::Expr], node: &ast::Expr) -> ValueId {
        if elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
            let _ = node;
            return self.starred_display(prim, elts);
        }
        let mut args = vec![];
        let n = self.b.ssize(elts.len() as i64);
        args.push(n);
        for (i, x) in elts.iter().enumerate() {
            let v = self.expr(x);
            let v = self.snapshot(v, &elts[i + 1..]);
            let v = self.b.boxed(v);
            args.push(v);
        }
        self.b.prim_named(prim, &args)
    }

    /// `v`, or a copy of it if it is a register that evaluating `later`
    /// may reassign (through `:=`): items are evaluated left to right.
    pub fn snapshot(&mut self, v: ValueId, later: &[ast::Expr]) -> ValueId {
        let reassigns = !later.is_empty()
            && self.b.f.is_register(v)
            && later.iter().any(|e| {
                let stmt = ast::Stmt::Expr(ast::StmtExpr {
                    range: e.range(),
                    value: Box::new(e.clone()),
                });
                !crate::semanal::scope::walrus_targets(&stmt).is_empty()
            });
        if !reassigns {
            return v;
        }
        let t = self.b.f.rtype(v).clone();
        let copy = self.b.new_register(t, None);
        self.b.assign(copy, v);
        copy
    }

    /// A list, tuple or set display with `*iterable` items: built as a
    /// list, item by item, then converted.
    fn starred_display(&mut self, prim: Internal, elts: &[ast::Expr]) -> ValueId {
        let n = self.b.ssize(0);
        let list = self.b.prim_named(Internal::BuildList, &[n]);
        for x in elts {
            match x {
                ast::Expr::Starred(s) => {
                    let v = self.expr(&s.value);
                    let v = self.b.boxed(v);
                    self.b.prim_named(Internal::ListExtend, &[list, v]);
                }
                _ => {
                    let v = self.expr(x);
                    let v = self.b.boxed(v);
                    self.b.prim_named(Internal::ListAppend, &[list, v]);
                }
            }
        }
        match prim {
            Internal::BuildTuple => self.b.prim_named(Internal::ListToTuple, &[list]),
            Internal::BuildSet => self.b.prim_named(Internal::ListToSet, &[list]),
            _ => list,
        }
    }

    /// A dict display with `**mapping` items, merged in order.
    fn dict_display_with_unpacking(&mut self, d: &ast::ExprDict) -> ValueId {
        let n = self.b.ssize(0);
        let dict = self.b.prim_named(Internal::BuildDict, &[n]);
        for (k, v) in d.keys.iter().zip(&d.values) {
            let vv = self.expr(v);
            let vv = self.b.boxed(vv);
            match k {
                None => {
                    self.b.prim_named(Internal::DictMerge, &[dict, vv]);
                }
                Some(k) => {
                    let kv = self.expr(k);
                    let kv = self.b.boxed(kv);
                    self.b.prim_named(Internal::DictSet, &[dict, kv, vv]);
                }
            }
        }
        dict
    }

    fn subscript(&mut self, s: &ast::ExprSubscript) -> ValueId {
        let base_ty = self.type_of(&s.value);
        let base = self.expr(&s.value);
        if let (Type::Tuple(items), Some(i)) = (&base_ty, const_int(&s.slice)) {
            let n = items.len() as i64;
            let idx = if i < 0 { i + n } else { i };
            if (0..n).contains(&idx) && matches!(self.b.rtype(base), RType::Tuple(_)) {
                let t = self.rtype_of(&items[idx as usize]);
                return self.b.add(
                    Op::TupleGet {
                        src: base,
                        index: idx as usize,
                        rtype: t.clone(),
                    },
                    t,
                );
            }
        }
        let index = if let ast::Expr::Slice(sl) = &*s.slice {
            if let Some(v) = self.int_slice(base, sl) {
                return v;
            }
            self.slice_obj(&s.slice)
        } else {
            self.expr(&s.slice)
        };
        if let Some(v) = self.native_dunder_call(base, "__getitem__", Some(index)) {
            return v;
        }
        let index = self.int_index(base, index);
        if let Some(v) = self.unboxed_tuple_item(base, index) {
            return v;
        }
        let base = if matches!(self.b.rtype(base), RType::Tuple(_)) {
            self.b.boxed(base)
        } else {
            base
        };
        self.b
            .try_prim(Operator::GetItem, &[base, index])
            .unwrap_or_else(|| self.b.null())
    }

    /// An index of `base` as the primitives take it: native ints index
    /// lists as `i64` (no tagging); otherwise bools and native ints become
    /// `int` (the same Python value, so also right for dict keys).
    pub fn int_index(&mut self, base: ValueId, index: ValueId) -> ValueId {
        let t = self.b.rtype(index);
        if t.is_native_int() && self.b.rtype(base) == RType::LIST {
            self.b.coerce(index, &RType::I64)
        } else if matches!(t, RType::Bool | RType::Bit) || t.is_native_int() {
            self.b.coerce(index, &RType::Int)
        } else {
            index
        }
    }

    /// `x[a:b]` of a list, str or tuple with int bounds (or none): the
    /// registry's "[:]" record, without a slice object. An omitted lower
    /// bound is 0 and an omitted upper one the largest short int, which
    /// slicing clamps to the length.
    fn int_slice(&mut self, base: ValueId, sl: &ast::ExprSlice) -> Option<ValueId> {
        let int_bound = |this: &Self, b: &Option<Box<ast::Expr>>| {
            b.as_ref().is_none_or(|x| {
                let t = this.rtype_of(&this.type_of(x));
                matches!(t, RType::Int | RType::Bool | RType::Bit) || t.is_native_int()
            })
        };
        if sl.step.is_some() || !int_bound(self, &sl.lower) || !int_bound(self, &sl.upper) {
            return None;
        }
        let base_t = self.b.rtype(base);
        crate::primitives::lookup(Operator::GetSlice, &[base_t, RType::Int, RType::Int])?;
        let mut bounds = vec![];
        for (bound, absent) in [(&sl.lower, 0), (&sl.upper, (1i64 << 62) - 1)] {
            let v = match bound {
                Some(x) => self.expr_as(x, &RType::Int),
                None => self.b.int(absent),
            };
            bounds.push(v);
        }
        self.set_line(sl);
        self.b
            .try_prim(Operator::GetSlice, &[base, bounds[0], bounds[1]])
    }

    fn slice_obj(&mut self, e: &ast::Expr) -> ValueId {
        let ast::Expr::Slice(sl) = e else {
            return self.b.null();
        };
        let mut parts = vec![];
        for part in [&sl.lower, &sl.upper, &sl.step] {
            let v = match part {
                Some(x) => {
                    let v = self.expr(x);
                    self.b.boxed(v)
                }
                None => self.b.none_obj(),
            };
            parts.push(v);
        }
        self.b.prim_named(Internal::Slice, &parts)
    }

    /// `Color.RED` of an enum member: read once, then kept in a static (the
    /// member is bound for good when the class is created).
    fn enum_member(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let class = match self.opts.types.get(&a.value) {
            Some(Type::TypeObj(class)) => class.clone(),
            Some(Type::Instance(class, _)) => return self.enum_value_or_name(a, class.clone()),
            _ => return None,
        };
        if !self.opts.program.is_enum_member(&class, a.attr.as_str()) {
            return None;
        }
        let cache = StaticRef::Cached(format!("{class}.{}", a.attr));
        Some(self.load_cached(cache, &mut |this: &mut IrBuilder| {
            let obj = this.expr(&a.value);
            let name = this.b.str_lit(a.attr.as_str());
            this.set_line(a);
            this.b.prim_named(Internal::GetAttr, &[obj, name])
        }))
    }

    /// The value of static `cache` (an object), computed by `compute` and
    /// stored there the first time.
    pub fn load_cached(
        &mut self,
        cache: StaticRef,
        compute: &mut dyn FnMut(&mut IrBuilder) -> ValueId,
    ) -> ValueId {
        let result = self.b.new_register(RType::OBJECT, None);
        let (unset, set, done) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
        let kept = self.b.add(Op::LoadStatic(cache.clone()), RType::OBJECT);
        self.branch_rare(kept, BranchKind::IsError, unset, set);
        self.b.activate(set);
        self.b.assign(result, kept);
        self.b.goto(done);
        self.b.activate(unset);
        let value = compute(self);
        let value = self.b.boxed(value);
        self.b.add(
            Op::InitStatic {
                target: cache,
                value,
            },
            RType::Void,
        );
        self.b.assign(result, value);
        self.b.goto(done);
        self.b.activate(done);
        result
    }

    /// `member.value` / `member.name` of an enum instance whose classes do
    /// not redefine them: the attributes `_value_` / `_name_` that the enum
    /// properties return, read directly.
    fn enum_value_or_name(&mut self, a: &ast::ExprAttribute, class: String) -> Option<ValueId> {
        let field = match a.attr.as_str() {
            "value" => "_value_",
            "name" => "_name_",
            _ => return None,
        };
        let program = &self.opts.program;
        let (mro, _) = program.mro(&class);
        let redefined = mro.iter().any(|c| c.members.contains_key(a.attr.as_str()));
        if !program.is_enum(&class) || redefined {
            return None;
        }
        let obj = self.expr(&a.value);
        let name = self.b.str_lit(field);
        self.set_line(a);
        Some(self.b.prim_named(Internal::GetAttr, &[obj, name]))
    }

    /// `nt.field` of a `NamedTuple` instance: the tuple's item at the
    /// field's position (a tuple of the class's fields at run time).
    fn named_tuple_field(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let Type::Instance(class, _) = self.type_of(&a.value) else {
            return None;
        };
        let fields = self.opts.program.named_tuple_fields(&class)?;
        let index = fields.iter().position(|(n, _)| n == a.attr.as_str())?;
        let obj = self.expr(&a.value);
        if self.b.rtype(obj) != RType::Object(ObjKind::Tuple) {
            let name = self.b.str_lit(a.attr.as_str());
            return Some(self.b.prim_named(Internal::GetAttr, &[obj, name]));
        }
        let i = self.b.int(index as i64);
        self.set_line(a);
        self.b.try_prim(Operator::GetItem, &[obj, i])
    }

    /// A list, set or dict comprehension: an empty container filled by
    /// nested loops. Comprehension variables live in their own scope.
    fn comprehension(&mut self, e: &ast::Expr) -> ValueId {
        if let Some(v) = self.comprehension_in_own_scope(e) {
            return v;
        }
        let (build, add, gens, rtype) = match e {
            ast::Expr::ListComp(c) => (
                Internal::BuildList,
                Internal::ListAppend,
                &c.generators,
                RType::LIST,
            ),
            ast::Expr::SetComp(c) => (
                Internal::BuildSet,
                Internal::SetAdd,
                &c.generators,
                RType::Object(ObjKind::Set),
            ),
            ast::Expr::DictComp(c) => (
                Internal::BuildDict,
                Internal::DictSet,
                &c.generators,
                RType::DICT,
            ),
            _ => return self.b.null(),
        };
        let n = self.b.ssize(0);
        let empty = self.b.prim_named(build, &[n]);
        let result = self.b.new_register(rtype, None);
        self.b.assign(result, empty);
        self.comprehension_scope(gens, &mut |this: &mut IrBuilder| {
            let mut args = vec![result];
            match e {
                ast::Expr::ListComp(c) => args.push(this.expr(&c.elt)),
                ast::Expr::SetComp(c) => args.push(this.expr(&c.elt)),
                ast::Expr::DictComp(c) => {
                    args.push(this.expr(&c.key));
                    args.push(this.expr(&c.value));
                }
                _ => {}
            }
            this.b.prim_named(add, &args);
        });
        result
    }

    /// Run the loops of a comprehension's `for` clauses with `body` at the
    /// innermost level. The targets live in the comprehension's own scope:
    /// the names they shadowed are restored afterwards, while names bound
    /// by `:=` inside it belong to the enclosing scope and stay.
    pub fn comprehension_scope(
        &mut self,
        gens: &[ast::Comprehension],
        body: &mut dyn FnMut(&mut IrBuilder<'a>),
    ) {
        let saved = self.b.locals.clone();
        let saved_types = self.local_types.clone();
        let mut targets = vec![];
        for g in gens {
            crate::semanal::scope::target_names(&g.target, &mut |n| targets.push(n.to_string()));
        }
        let depth = self.comprehension_targets.len();
        self.comprehension_targets.extend(targets.iter().cloned());
        self.comprehension_loops(gens, 0, body);
        self.comprehension_targets.truncate(depth);
        for t in targets {
            match saved.get(&t) {
                Some(v) => {
                    self.b.locals.insert(t.clone(), *v);
                }
                None => {
                    self.b.locals.shift_remove(&t);
                }
            }
            match saved_types.get(&t) {
                Some(ty) => {
                    self.local_types.insert(t, ty.clone());
                }
                None => {
                    self.local_types.shift_remove(&t);
                }
            }
        }
    }

    fn comprehension_loops(
        &mut self,
        gens: &[ast::Comprehension],
        i: usize,
        body: &mut dyn FnMut(&mut IrBuilder<'a>),
    ) {
        if i == gens.len() {
            body(self);
            return;
        }
        let g = &gens[i];
        let item_ty = if g.is_async {
            Type::Any
        } else {
            self.type_of(&g.iter).iter_item()
        };
        // Bind the comprehension's targets as fresh registers, once the
        // iterable is evaluated.
        let mut names = vec![];
        target_types(&g.target, &item_ty, &mut names);
        let mut bind = |this: &mut IrBuilder<'a>| {
            for (n, t) in &names {
                let (n, t) = (n.clone(), t.clone());
                let reg = this.b.new_register(this.rtype_of(&t), Some(n.clone()));
                this.b.locals.insert(n.clone(), reg);
                this.local_types.insert(n.clone(), t);
            }
        };
        let target = g.target.clone();
        let ifs = g.ifs.clone();
        let mut each = |this: &mut IrBuilder<'a>| {
            let mut skip = None;
            for cond in &ifs {
                let (t, f) = (this.b.new_block(), this.b.new_block());
                this.condition(cond, t, f);
                this.b.activate(f);
                let cont = this.b.loops.last().map(|l| l.continue_to);
                if let Some(c) = cont {
                    this.b.goto(c);
                }
                this.b.activate(t);
                skip = cont;
            }
            let _ = skip;
            this.comprehension_loops(gens, i + 1, body);
        };
        if g.is_async {
            bind(self);
            self.async_for_loop(&target, &g.iter, &mut each);
        } else {
            self.for_loop_scoped(&target, &g.iter, &mut bind, &mut each, None);
        }
    }

    // ---- calls ----

    fn call(&mut self, c: &ast::ExprCall) -> ValueId {
        if let Some(v) = self.zero_arg_super(c) {
            return v;
        }
        if let Some(v) = self.typing_cast(c) {
            return v;
        }
        if let ast::Expr::Name(n) = &*c.func {
            let name = n.id.as_str();
            // A variable of an enclosing function shadows module functions.
            if !self.is_local_name(name) && !self.closure_has(name) {
                if let Some(v) = self.singledispatch_call(name, c) {
                    return v;
                }
                if !self.is_class_ns_name(name) {
                    if let Some(v) = self.native_construct(name, c) {
                        return v;
                    }
                }
                if let Some(t) = self.native_int_name(name) {
                    return self.native_int_call(&t, c);
                }
                if self.opts.imports.get(name).is_some() {
                    if let Some(v) = self.imported_call(name, c) {
                        return v;
                    }
                } else if let Some(Symbol::Func(sig)) = self.module.symbols.get(name).cloned() {
                    let module = self.module.name.clone();
                    if let Some(v) = self.direct_call(&module, &sig, c) {
                        return v;
                    }
                } else if !self.module.symbols.contains_key(name) {
                    if let Some(v) = self.builtin_call(name, c) {
                        return v;
                    }
                } else if let Some(builtin) = self.builtin_class_alias(name) {
                    if let Some(v) = self.builtin_call(&builtin, c) {
                        return v;
                    }
                }
            }
        }
        if let ast::Expr::Attribute(a) = &*c.func {
            if let Some(v) = self.module_attr_call(a, c) {
                return v;
            }
        }
        // Before method calls: `math.sqrt(x)` is an attribute call too.
        if let Some(key) = self.library_function(&c.func) {
            if let Some(v) = self.library_call(key, c) {
                return v;
            }
        }
        if let ast::Expr::Attribute(a) = &*c.func {
            if !self.is_module_ref(&a.value) {
                return self.method_call(a, c);
            }
        }
        let f = self.expr(&c.func);
        self.generic_call(f, c)
    }

    /// The full name (`math.sqrt`) of the function of a library module
    /// (one the build does not compile: a stub or a checked helper) that
    /// `func` names, directly or through its module.
    fn library_function(&self, func: &ast::Expr) -> Option<Key> {
        use crate::checker::program::Binding;
        let program = &self.opts.program;
        let binding = match func {
            ast::Expr::Name(n) => {
                let name = n.id.as_str();
                if self.is_local_name(name) || self.closure_has(name) || self.is_class_ns_name(name)
                {
                    return None;
                }
                program.binding(&self.module.name, name)
            }
            ast::Expr::Attribute(a) => match &*a.value {
                ast::Expr::Name(m) if !self.is_local_name(m.id.as_str()) => {
                    match program.binding(&self.module.name, m.id.as_str()) {
                        Binding::Module(md) => program.binding(&md, a.attr.as_str()),
                        _ => return None,
                    }
                }
                _ => return None,
            },
            _ => return None,
        };
        let module = match binding {
            Binding::Func(sig) => sig.module,
            Binding::Overloaded(variants) => variants.first()?.module.clone(),
            _ => return None,
        };
        let name = match func {
            ast::Expr::Name(n) => match program.binding(&self.module.name, n.id.as_str()) {
                Binding::Func(sig) => sig.name,
                Binding::Overloaded(v) => v.first()?.name.clone(),
                _ => return None,
            },
            ast::Expr::Attribute(a) => a.attr.to_string(),
            _ => return None,
        };
        let compiled = self.opts.imports.is_compiled_module(&module) || module == self.module.name;
        if compiled {
            return None;
        }
        Key::function(Module::named(&module)?, &name)
    }

    /// A call of a library function that has primitives (`math.sqrt`):
    /// the arguments are evaluated in order, then the first matching
    /// record is used, or the function is called generically.
    fn library_call(&mut self, key: Key, c: &ast::ExprCall) -> Option<ValueId> {
        if !c.keywords.is_empty() || has_unpacking(c) {
            return None;
        }
        let args: Vec<ValueId> = c.args.iter().map(|a| self.expr(a)).collect();
        self.set_line(c);
        if let Some(v) = self.b.try_prim(key, &args) {
            return Some(v);
        }
        let f = self.expr(&c.func);
        Some(self.call_values(f, args))
    }

    /// `typing.cast(T, x)`: `x` with the runtime type of `T`, checked as a
    /// cast is (no call).
    fn typing_cast(&mut self, c: &ast::ExprCall) -> Option<ValueId> {
        if c.args.len() != 2 || !c.keywords.is_empty() {
            return None;
        }
        if let ast::Expr::Name(n) = &*c.func {
            if self.is_local_name(n.id.as_str()) || self.closure_has(n.id.as_str()) {
                return None;
            }
        }
        let program = self.opts.program.clone();
        if program.typing_name(&self.module.name, &c.func).as_deref() != Some("cast") {
            return None;
        }
        let want = self.rtype_of(&self.annotation_type(&c.args[0]));
        let v = self.expr(&c.args[1]);
        self.set_line(c);
        let have = self.b.rtype(v);
        if have == want || want == RType::OBJECT {
            return Some(v);
        }
        let v = if self.refines(&have, &want) {
            v
        } else {
            self.b.boxed(v)
        };
        Some(self.b.coerce(v, &want))
    }

    /// The native int type a (non-local) name denotes in a call: `i64`,
    /// `i32`, `i16` or `u8`, unless the module defines the name itself.
    fn native_int_name(&self, name: &str) -> Option<RType> {
        let t = self.rtype_of(&crate::checker::native_int_type_named(name)?);
        match self.module.symbols.get(name) {
            Some(Symbol::Func(_)) | Some(Symbol::Class(_)) => None,
            _ if self.is_class_ns_name(name) => None,
            _ => Some(t),
        }
    }

    /// `i64(x)` and friends: from `int` with a range check (ValueError),
    /// from another native int or `bool` by a C cast (truncating), from
    /// `float` by truncation with a range check; anything else (`str`,
    /// objects with `__int__`, a `base` argument) goes through `int(...)`.
    fn native_int_call(&mut self, t: &RType, c: &ast::ExprCall) -> ValueId {
        let plain = c.keywords.is_empty() && !has_unpacking(c);
        if plain && c.args.is_empty() {
            return self.native_const(0, t);
        }
        if plain && c.args.len() == 1 {
            let v = self.expr(&c.args[0]);
            self.set_line(c);
            let vt = self.b.rtype(v);
            if matches!(vt, RType::Int | RType::Bool | RType::Bit | RType::Float)
                || vt.is_native_int()
            {
                return self.b.coerce(v, t);
            }
            let int_fn = self.load_name("int", &c.func);
            let o = self.call_values(int_fn, vec![v]);
            return self.b.coerce(o, t);
        }
        let int_fn = self.load_name("int", &c.func);
        let o = self.generic_call(int_fn, c);
        self.set_line(c);
        self.b.coerce(o, t)
    }

    /// `super()` in a method: `super(<class>, <first argument>)`.
    fn zero_arg_super(&mut self, c: &ast::ExprCall) -> Option<ValueId> {
        let ast::Expr::Name(n) = &*c.func else {
            return None;
        };
        if n.id.as_str() != "super" || !c.args.is_empty() || !c.keywords.is_empty() {
            return None;
        }
        let class = self.current_class.clone()?;
        let first = match (self.generator, self.first_param.clone()) {
            // A generator's resume function: the method's first argument
            // is a variable of its state.
            (Some(_), Some(name)) => self.load_name(&name, &c.func),
            _ => *self.b.f.args.first()?,
        };
        let sup = self.load_name("super", &c.func);
        let cls = self.load_name(&class, &c.func);
        Some(self.call_values(sup, vec![cls, first]))
    }

    fn is_module_ref(&self, e: &ast::Expr) -> bool {
        matches!(e, ast::Expr::Name(n) if matches!(self.env_name_type(n.id.as_str()), Type::Module(_)))
    }

    /// `f(...)` where `f` was imported from another compiled module: a
    /// direct call, its result as the type checker sees the call.
    fn imported_call(&mut self, name: &str, c: &ast::ExprCall) -> Option<ValueId> {
        if self.is_class_ns_name(name) {
            return None;
        }
        let imports = self.opts.imports.clone();
        let ImportTarget::Func { module, sig } = imports.get(name)? else {
            return None;
        };
        let v = self.direct_call(module, sig, c)?;
        let t = self.rtype_of(&self.type_of(&ast::Expr::Call(c.clone())));
        Some(self.b.coerce(v, &t))
    }

    /// `m.f(...)` where `m` statically names a compiled module of the build
    /// and `f` is one of its module-level functions: a direct call.
    fn module_attr_call(&mut self, a: &ast::ExprAttribute, c: &ast::ExprCall) -> Option<ValueId> {
        let root = root_name(&a.value)?;
        if self.is_local_name(root) || self.is_class_ns_name(root) {
            return None;
        }
        let imports = self.opts.imports.clone();
        let module = imports.module_of_expr(&a.value)?;
        let sig = imports.module_func(&module, a.attr.as_str())?;
        let v = self.direct_call(&module, sig, c)?;
        let t = self.rtype_of(&self.type_of(&ast::Expr::Call(c.clone())));
        Some(self.b.coerce(v, &t))
    }

    /// `m.NAME` of a module-level `Final` name of module `m`: its literal
    /// value, or its static.
    fn module_final_attr(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let md = self.attribute_base_module(a)?;
        let program = self.opts.program.clone();
        if let Some(lit) = program.final_literal(&md, a.attr.as_str()) {
            return Some(self.literal_value(lit));
        }
        let s = self.opts.finals.get(&format!("{md}.{}", a.attr))?;
        Some(self.load_final_static(s, a.attr.as_str()))
    }

    /// The module `a`'s base names, when it is a module-level name bound
    /// to an imported module (`m` in `m.NAME`).
    fn attribute_base_module(&self, a: &ast::ExprAttribute) -> Option<String> {
        let ast::Expr::Name(m) = &*a.value else {
            return None;
        };
        if self.is_local_name(m.id.as_str()) || self.closure_has(m.id.as_str()) {
            return None;
        }
        match self.opts.program.binding(&self.module.name, m.id.as_str()) {
            crate::checker::program::Binding::Module(md) => Some(md),
            _ => None,
        }
    }

    pub fn is_class_ns_name(&self, name: &str) -> bool {
        self.class_ns
            .as_ref()
            .is_some_and(|(_, names)| names.iter().any(|n| n == name))
    }

    /// A call of a compiled module-level function of `module`: a direct C
    /// call with arguments matched to parameters at compile time.
    fn direct_call(
        &mut self,
        module: &str,
        sig: &crate::semanal::FuncSig,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        let packs = sig
            .params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::Star | ParamKind::Star2));
        let args = if packs {
            let plan = plan_packed_call(&sig.params, c)?;
            self.packed_args(&sig.params, &plan)
        } else {
            let plan = plan_call(&sig.params, c)?;
            self.planned_args(&sig.params, &plan)
        };
        let func = FuncRef {
            module: module.to_string(),
            class: None,
            name: sig.name.clone(),
        };
        let ret = self.rtype_of(&sig.ret);
        self.set_line(c);
        Some(self.b.call(func, args, ret))
    }

    /// `list(range(...))` of int bounds: the list filled directly.
    fn list_of_range(&mut self, c: &ast::ExprCall) -> Option<ValueId> {
        let [arg] = c.args.as_slice() else {
            return None;
        };
        let Some(("range", args)) = self.builtin_callee(arg) else {
            return None;
        };
        let ints = args.iter().all(|a| {
            matches!(
                self.rtype_of(&self.type_of(a)),
                RType::Int | RType::Bool | RType::Bit
            )
        });
        if args.is_empty() || args.len() > 3 || !ints {
            return None;
        }
        let mut bounds: Vec<ValueId> = args.iter().map(|a| self.expr_as(a, &RType::Int)).collect();
        if bounds.len() == 1 {
            bounds.insert(0, self.b.int(0));
        }
        if bounds.len() == 2 {
            bounds.push(self.b.int(1));
        }
        self.set_line(c);
        Some(self.b.prim_named(Internal::ListFromRange, &bounds))
    }

    /// `d.setdefault(k, [])` (or `{}`, `set()`) on a dict: the empty
    /// container is made only when `k` is missing (making it has no other
    /// effect, so when is not observable).
    fn setdefault_empty(&mut self, recv: ValueId, c: &ast::ExprCall) -> Option<ValueId> {
        if self.b.rtype(recv) != RType::DICT {
            return None;
        }
        let [key, empty] = c.args.as_slice() else {
            return None;
        };
        let kind = match empty {
            ast::Expr::List(l) if l.elts.is_empty() => 0,
            ast::Expr::Dict(d) if d.keys.is_empty() => 1,
            ast::Expr::Call(call) if call.args.is_empty() && call.keywords.is_empty() => {
                match self.builtin_callee(empty) {
                    Some(("set", [])) => 2,
                    _ => return None,
                }
            }
            _ => return None,
        };
        let k = self.expr(key);
        let k = self.b.boxed(k);
        let kind = self.b.ssize(kind);
        self.set_line(c);
        Some(
            self.b
                .prim_named(Internal::DictSetDefaultEmpty, &[recv, k, kind]),
        )
    }

    /// `list(t)` of an unboxed tuple: the list built from its items, without
    /// boxing the tuple first.
    fn list_of_unboxed_tuple(&mut self, t: ValueId) -> Option<ValueId> {
        if !matches!(self.b.rtype(t), RType::Tuple(_)) {
            return None;
        }
        let items = self.tuple_items(t);
        let mut args = vec![self.b.ssize(items.len() as i64)];
        for item in items {
            args.push(self.b.boxed(item));
        }
        Some(self.b.prim_named(Internal::BuildList, &args))
    }

    /// The builtin class a module-level type alias `name` stands for
    /// (`OrderedCollection = list`).
    fn builtin_class_alias(&self, name: &str) -> Option<String> {
        self.opts
            .program
            .aliased_class(&self.module.name, name)?
            .builtin()
    }

    fn builtin_call(&mut self, name: &str, c: &ast::ExprCall) -> Option<ValueId> {
        if !c.keywords.is_empty() || c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) {
            return None;
        }
        if name == "isinstance" {
            if let Some(v) = self.native_isinstance(c) {
                return Some(v);
            }
        }
        // The module's namespace (the interpreter's `globals()` would give
        // the calling Python frame's).
        if name == "globals" && c.args.is_empty() {
            return Some(self.b.globals());
        }
        if let Some(v) = self.builtin_genexpr_call(name, c) {
            return Some(v);
        }
        if name == "list" {
            if let Some(v) = self.list_of_range(c) {
                return Some(v);
            }
        }
        if let ("ord", [arg]) = (name, c.args.as_slice()) {
            if let Some(v) = self.char_code_at(arg) {
                return Some(v);
            }
        }
        let key = Key::function(Module::Builtins, name)?;
        let args: Vec<ValueId> = c.args.iter().map(|a| self.expr(a)).collect();
        if let ("list", [t], true) = (name, args.as_slice(), c.keywords.is_empty()) {
            if let Some(v) = self.list_of_unboxed_tuple(*t) {
                return Some(v);
            }
        }
        // `bool` operands become `int` only when no record takes them as
        // they are (a record taking an object sees the bool itself:
        // `isinstance(True, bool)`, `str(True)`).
        let is_bool = |t: &RType| matches!(t, RType::Bool | RType::Bit);
        let types: Vec<RType> = args.iter().map(|a| self.b.rtype(*a)).collect();
        let int_types: Vec<RType> = types
            .iter()
            .map(|t| if is_bool(t) { RType::Int } else { t.clone() })
            .collect();
        let bool_as_int = crate::primitives::lookup(key, &types).is_none()
            && crate::primitives::lookup(key, &int_types).is_some();
        let args: Vec<ValueId> = args
            .into_iter()
            .map(|a| {
                if bool_as_int && is_bool(&self.b.rtype(a)) {
                    self.b.coerce(a, &RType::Int)
                } else {
                    a
                }
            })
            .collect();
        self.set_line(c);
        if let Some(v) = self.b.try_prim(key, &args) {
            return Some(v);
        }
        // Arguments are already evaluated: finish with a generic call.
        let f = self.load_name(name, &c.func);
        Some(self.call_values(f, args))
    }

    fn method_call(&mut self, a: &ast::ExprAttribute, c: &ast::ExprCall) -> ValueId {
        if let Some(v) = self.native_method_call(a, c) {
            return v;
        }
        if let Some(v) = self.format_method_call(a, c) {
            return v;
        }
        let recv = self.expr(&a.value);
        let plain =
            c.keywords.is_empty() && !c.args.iter().any(|x| matches!(x, ast::Expr::Starred(_)));
        if plain && a.attr.as_str() == "join" {
            if let Some(v) = self.join_genexpr_call(recv, c) {
                return v;
            }
        }
        if plain && a.attr.as_str() == "setdefault" {
            if let Some(v) = self.setdefault_empty(recv, c) {
                return v;
            }
        }
        if plain {
            let recv_rt = self.b.rtype(recv);
            let key = match recv_rt {
                RType::Object(kind) => Key::method(kind, a.attr.as_str()),
                _ => None,
            };
            if let Some(key) = key {
                let mut args = vec![recv];
                for x in &c.args {
                    args.push(self.expr(x));
                }
                self.set_line(c);
                if let Some(v) = self.b.try_prim(key, &args) {
                    return v;
                }
                let name = self.b.str_lit(a.attr.as_str());
                return self.call_method_values(args[0], name, args[1..].to_vec(), vec![]);
            }
        }
        let name = self.b.str_lit(a.attr.as_str());
        if has_unpacking(c) {
            let method = self.b.prim_named(Internal::GetAttr, &[recv, name]);
            return self.star_call(method, c);
        }
        let (pos, kw) = match self.call_args(c) {
            Some(x) => x,
            None => return self.b.null(),
        };
        self.set_line(c);
        self.call_method_values(recv, name, pos, kw)
    }

    /// A call with `*args` or `**kwargs` unpacking: the positional arguments
    /// are collected into a tuple and the keywords into a dict (duplicate
    /// keywords raise TypeError), then `PyObject_Call`.
    fn star_call(&mut self, f: ValueId, c: &ast::ExprCall) -> ValueId {
        let f = self.b.boxed(f);
        let zero = self.b.ssize(0);
        let list = self.b.prim_named(Internal::BuildList, &[zero]);
        for a in &c.args {
            match a {
                ast::Expr::Starred(st) => {
                    let v = self.expr(&st.value);
                    self.b.prim_named(Internal::ListExtend, &[list, v]);
                }
                other => {
                    let v = self.expr(other);
                    self.b.prim_named(Internal::ListAppend, &[list, v]);
                }
            }
        }
        let args = self.b.prim_named(Internal::ListToTuple, &[list]);
        let zero = self.b.ssize(0);
        let kwargs = self.b.prim_named(Internal::BuildDict, &[zero]);
        for k in &c.keywords {
            let v = self.expr(&k.value);
            self.merge_keyword(kwargs, k, v);
        }
        self.set_line(c);
        self.b.prim_named(Internal::CallStar, &[f, args, kwargs])
    }

    /// Add an evaluated keyword argument (`name=v` or `**v`) to a kwargs
    /// dict (raising on a repeated name, as calls do).
    pub fn merge_keyword(&mut self, kwargs: ValueId, k: &ast::Keyword, v: ValueId) {
        match &k.arg {
            Some(n) => {
                let key = self.b.str_lit(n.as_str());
                self.b.prim_named(Internal::MergeKwarg, &[kwargs, key, v]);
            }
            None => {
                self.b.prim_named(Internal::MergeKwargs, &[kwargs, v]);
            }
        }
    }

    /// Evaluate call arguments: positional values and (name, value) keywords.
    fn call_args(&mut self, c: &ast::ExprCall) -> Option<CallArgs> {
        let mut pos = vec![];
        for a in &c.args {
            if let ast::Expr::Starred(_) = a {
                self.unsupported(a, "star arguments (*args) in calls");
                return None;
            }
            pos.push(self.expr(a));
        }
        let mut kw = vec![];
        for k in &c.keywords {
            match &k.arg {
                Some(n) => {
                    let v = self.expr(&k.value);
                    kw.push((n.to_string(), v));
                }
                None => {
                    self.unsupported(&k.value, "keyword argument unpacking (**kwargs) in calls");
                    return None;
                }
            }
        }
        Some((pos, kw))
    }

    fn generic_call(&mut self, f: ValueId, c: &ast::ExprCall) -> ValueId {
        if has_unpacking(c) {
            return self.star_call(f, c);
        }
        let (pos, kw) = match self.call_args(c) {
            Some(x) => x,
            None => return self.b.null(),
        };
        self.set_line(c);
        self.call_values_kw(f, pos, kw)
    }

    pub fn call_values(&mut self, f: ValueId, args: Vec<ValueId>) -> ValueId {
        self.call_values_kw(f, args, vec![])
    }

    fn kwnames(&mut self, kw: &[(String, ValueId)]) -> ValueId {
        let lit = Literal::Tuple(kw.iter().map(|(n, _)| Literal::Str(n.clone())).collect());
        let t = RType::Object(ObjKind::Tuple);
        self.b.add(
            Op::LoadLiteral {
                value: lit,
                rtype: t.clone(),
            },
            t,
        )
    }

    pub fn call_values_kw(
        &mut self,
        f: ValueId,
        pos: Vec<ValueId>,
        kw: Vec<(String, ValueId)>,
    ) -> ValueId {
        let f = self.b.boxed(f);
        let n = self.b.ssize(pos.len() as i64);
        let mut args = vec![f, n];
        if !kw.is_empty() {
            args.push(self.kwnames(&kw));
        }
        for v in pos.into_iter().chain(kw.iter().map(|(_, v)| *v)) {
            args.push(self.b.boxed(v));
        }
        let prim = if kw.is_empty() {
            Internal::Call
        } else {
            Internal::CallKw
        };
        self.b.prim_named(prim, &args)
    }

    pub(super) fn call_method_values(
        &mut self,
        recv: ValueId,
        name: ValueId,
        pos: Vec<ValueId>,
        kw: Vec<(String, ValueId)>,
    ) -> ValueId {
        let recv = self.b.boxed(recv);
        let n = self.b.ssize(pos.len() as i64);
        let mut args = vec![recv, name, n];
        if !kw.is_empty() {
            args.push(self.kwnames(&kw));
        }
        for v in pos.into_iter().chain(kw.iter().map(|(_, v)| *v)) {
            args.push(self.b.boxed(v));
        }
        let prim = if kw.is_empty() {
            Internal::CallMethod
        } else {
            Internal::CallMethodKw
        };
        self.b.prim_named(prim, &args)
    }

    /// A comprehension whose loop variables a lambda captures runs as a
    /// function of its own (as in the interpreter), so that they live in
    /// that function's environment: one per run of the comprehension.
    fn comprehension_in_own_scope(&mut self, e: &ast::Expr) -> Option<ValueId> {
        if !scope::comprehension_captures(e) {
            return None;
        }
        let def = scope::comprehension_function(e)?;
        let first = match e {
            ast::Expr::ListComp(c) => c.generators.first(),
            ast::Expr::SetComp(c) => c.generators.first(),
            ast::Expr::DictComp(c) => c.generators.first(),
            _ => None,
        }?;
        let iterable = self.expr(&first.iter);
        let iterable = self.b.boxed(iterable);
        let f = self.nested_function_object(&def, "<comprehension>")?;
        self.set_line(e);
        Some(self.call_values(f, vec![iterable]))
    }

    pub fn set_line<T: Ranged>(&mut self, node: &T) {
        self.b.line = self.parsed.line_of(node);
    }
}

/// May a string literal's source text hold an escape of a lone surrogate
/// (`\ud800`, `\U0000dc00`)?
pub fn may_have_surrogate(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["\\ud", "\\u0000d"].iter().any(|p| {
        t.match_indices(p).any(|(i, _)| {
            t[i + p.len()..]
                .chars()
                .next()
                .is_some_and(|c| matches!(c, '8'..='9' | 'a'..='f'))
        })
    })
}

/// Does a call unpack `*args` or `**kwargs`?
/// Which parameter each argument of call `c` binds (source order), when a
/// direct native call can take them: no `*`/`**` on either side, every
/// required parameter given, no duplicates.
pub fn plan_call<'c>(
    params: &[crate::semanal::ParamSig],
    c: &'c ast::ExprCall,
) -> Option<Vec<(usize, &'c ast::Expr)>> {
    if c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)))
        || c.keywords.iter().any(|k| k.arg.is_none())
        || params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::Star | ParamKind::Star2))
    {
        return None;
    }
    let positional: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == ParamKind::Positional)
        .map(|(i, _)| i)
        .collect();
    if c.args.len() > positional.len() {
        return None;
    }
    let mut given = vec![false; params.len()];
    let mut order = vec![];
    for (a, &slot) in c.args.iter().zip(&positional) {
        given[slot] = true;
        order.push((slot, a));
    }
    for k in &c.keywords {
        let name = k.arg.as_ref().map(|n| n.as_str()).unwrap_or("");
        let idx = params.iter().position(|p| p.name == name && !p.pos_only)?;
        if given[idx] {
            return None;
        }
        given[idx] = true;
        order.push((idx, &k.value));
    }
    if params.iter().zip(&given).any(|(p, g)| !g && !p.has_default) {
        return None;
    }
    Some(order)
}

/// Where the arguments of a call go, for a callee with `*args` or
/// `**kwargs`: `(parameter, keyword, value)` in source order, the keyword
/// set for values packed into the `**` parameter. `None` when the call
/// unpacks (`*x`, `**x`) or does not match the parameters.
pub fn plan_packed_call<'c>(
    params: &[crate::semanal::ParamSig],
    c: &'c ast::ExprCall,
) -> Option<Vec<(usize, Option<&'c str>, &'c ast::Expr)>> {
    if has_unpacking(c) {
        return None;
    }
    let star = params.iter().position(|p| p.kind == ParamKind::Star);
    let star2 = params.iter().position(|p| p.kind == ParamKind::Star2);
    let positional: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == ParamKind::Positional)
        .map(|(i, _)| i)
        .collect();
    let mut given = vec![false; params.len()];
    let mut order = vec![];
    for (i, a) in c.args.iter().enumerate() {
        let slot = match positional.get(i) {
            Some(&slot) => slot,
            None => star?,
        };
        given[slot] = true;
        order.push((slot, None, a));
    }
    let mut packed_names: Vec<&str> = vec![];
    for k in &c.keywords {
        let name = k.arg.as_ref()?.as_str();
        let named = params.iter().position(|p| {
            p.name == name && !p.pos_only && !matches!(p.kind, ParamKind::Star | ParamKind::Star2)
        });
        match named {
            Some(idx) if !given[idx] => {
                given[idx] = true;
                order.push((idx, None, &k.value));
            }
            Some(_) => return None,
            None => {
                let slot = star2?;
                if packed_names.contains(&name) {
                    return None;
                }
                packed_names.push(name);
                order.push((slot, Some(name), &k.value));
            }
        }
    }
    let missing = params.iter().zip(&given).any(|(p, g)| {
        !g && !p.has_default && !matches!(p.kind, ParamKind::Star | ParamKind::Star2)
    });
    (!missing).then_some(order)
}

impl IrBuilder<'_> {
    /// Evaluate the arguments of a packed call plan in source order: the
    /// values for `*args` into a tuple, those for `**kwargs` into a new dict.
    pub fn packed_args(
        &mut self,
        params: &[crate::semanal::ParamSig],
        plan: &[(usize, Option<&str>, &ast::Expr)],
    ) -> Vec<ValueId> {
        let mut values: Vec<Vec<(Option<&str>, ValueId)>> = vec![vec![]; params.len()];
        for (idx, keyword, e) in plan {
            let v = match params[*idx].kind {
                ParamKind::Star | ParamKind::Star2 => {
                    let v = self.expr(e);
                    self.b.boxed(v)
                }
                _ => {
                    let t = self.opts.mapper.param_rtype(&params[*idx]);
                    self.expr_as(e, &t)
                }
            };
            values[*idx].push((*keyword, v));
        }
        let mut out = vec![];
        for (p, vs) in params.iter().zip(values) {
            let t = self.opts.mapper.param_rtype(p);
            let v = match p.kind {
                ParamKind::Star => {
                    let mut args = vec![self.b.ssize(vs.len() as i64)];
                    args.extend(vs.iter().map(|(_, v)| *v));
                    self.b.prim_named(Internal::BuildTuple, &args)
                }
                ParamKind::Star2 => {
                    let mut args = vec![self.b.ssize(vs.len() as i64)];
                    for (k, v) in &vs {
                        args.push(self.b.str_lit(k.unwrap_or_default()));
                        args.push(*v);
                    }
                    self.b.prim_named(Internal::BuildDict, &args)
                }
                _ => match vs.first() {
                    Some((_, v)) => *v,
                    None => self
                        .b
                        .add(Op::LoadErrorValue { rtype: t.clone() }, t.clone()),
                },
            };
            out.push(self.b.coerce(v, &t));
        }
        out
    }

    /// Evaluate the arguments of a planned call in source order; omitted
    /// optional parameters get their type's error value.
    pub fn planned_args(
        &mut self,
        params: &[crate::semanal::ParamSig],
        plan: &[(usize, &ast::Expr)],
    ) -> Vec<ValueId> {
        let mut values: Vec<Option<ValueId>> = vec![None; params.len()];
        for (idx, e) in plan {
            let t = self.opts.mapper.param_rtype(&params[*idx]);
            values[*idx] = Some(self.expr_as(e, &t));
        }
        params
            .iter()
            .zip(values)
            .map(|(p, v)| match v {
                Some(v) => v,
                None => {
                    let t = self.opts.mapper.param_rtype(p);
                    self.b.add(Op::LoadErrorValue { rtype: t.clone() }, t)
                }
            })
            .collect()
    }
}

fn has_unpacking(c: &ast::ExprCall) -> bool {
    c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)))
        || c.keywords.iter().any(|k| k.arg.is_none())
}

/// The native int type of a binary operation or comparison: both operands
/// of the same native int type, or one native int and one `int`/`bool`.
fn native_operand_type(l: &RType, r: &RType) -> Option<RType> {
    let other_ok =
        |t: &RType, n: &RType| t == n || matches!(t, RType::Int | RType::Bool | RType::Bit);
    if l.is_native_int() && other_ok(r, l) {
        Some(l.clone())
    } else if r.is_native_int() && other_ok(l, r) {
        Some(r.clone())
    } else {
        None
    }
}

/// The most items a tuple display or unboxed tuple may have for `in` and
/// indexing to be unrolled into one comparison per item.
const MAX_UNROLLED_ITEMS: usize = 16;

/// The name at the root of an attribute chain (`a` in `a.b.c`).
fn root_name(e: &ast::Expr) -> Option<&str> {
    match e {
        ast::Expr::Name(n) => Some(n.id.as_str()),
        ast::Expr::Attribute(a) => root_name(&a.value),
        _ => None,
    }
}

/// The names an assignment target binds, with the types they get from a
/// value of type `t` (`(a, b)` from `tuple[A, B]` gives `A` and `B`);
/// `Any` where the value's shape does not say.
pub fn target_types(target: &ast::Expr, t: &Type, out: &mut Vec<(String, Type)>) {
    let elts = match target {
        ast::Expr::Name(n) => {
            out.push((n.id.to_string(), t.clone()));
            return;
        }
        ast::Expr::Tuple(x) => &x.elts,
        ast::Expr::List(x) => &x.elts,
        _ => &vec![],
    };
    let starred = elts.iter().any(|e| matches!(e, ast::Expr::Starred(_)));
    for (i, e) in elts.iter().enumerate() {
        let item = match t {
            Type::Tuple(items) if !starred && items.len() == elts.len() => items[i].clone(),
            Type::VarTuple(x) | Type::List(x) if !starred => (**x).clone(),
            _ => Type::Any,
        };
        target_types(e, &item, out);
    }
    if elts.is_empty() {
        crate::semanal::scope::target_names(target, &mut |n| out.push((n.to_string(), Type::Any)));
    }
}

/// Whether a membership comparison is negated: `Some(false)` for `in`,
/// `Some(true)` for `not in`, `None` for other operators.
fn membership_negated(op: ast::CmpOp) -> Option<bool> {
    match op {
        ast::CmpOp::In => Some(false),
        ast::CmpOp::NotIn => Some(true),
        _ => None,
    }
}
