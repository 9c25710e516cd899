//! Emission of native function bodies (`CPyDef_<mangled>`).
//!
//! The IR has already been through the transforms, so every op is emitted
//! as it stands: one C local per value, one labelled C section per basic
//! block, control ops as `goto`s. Refcounts and error checks are explicit
//! ops, so this module adds none of its own except inside conversions whose
//! semantics include them (box/unbox/cast).

use std::collections::HashSet;

use crate::ir::{
    BranchKind, CallC, CmpKind, FloatOpKind, FuncDecl, FuncIR, Inst, IntOpKind, Op, RType,
    StaticRef, ValueId, ValueKind,
};

use super::conv::{
    branch_error_condition, emit_box, emit_box_stealing, emit_cast, emit_dec_ref, emit_inc_ref,
    emit_unbox,
};
use super::ctypes::{
    c_double_literal, c_identifier_fragment, c_int_literal, c_string_literal, declaration,
    error_test, error_value,
};
use super::emitter::Emitter;
use super::literals::LiteralTable;
use super::moves::{tuple_moves, TupleMoves};
use super::statics::{globals_static, static_name};

/// The C names of a function's values: `cpy_r_<name>` for named registers
/// and arguments whose name is a safe C identifier, `cpy_r_r<N>` otherwise;
/// clashes get a numeric suffix.
pub fn value_names(f: &FuncIR) -> Vec<String> {
    let mut used = HashSet::new();
    let mut names = Vec::with_capacity(f.values.len());
    for (i, v) in f.values.iter().enumerate() {
        let named = match (&v.kind, &v.name) {
            (ValueKind::Register | ValueKind::Arg(_), Some(n)) => c_identifier_fragment(n),
            _ => None,
        };
        let base = match named {
            Some(n) => format!("cpy_r_{n}"),
            None => format!("cpy_r_r{i}"),
        };
        let mut name = base.clone();
        let mut k = 0;
        while used.contains(&name) {
            k += 1;
            name = format!("{base}_{k}");
        }
        used.insert(name.clone());
        names.push(name);
    }
    names
}

/// The C name of the doc string of a function with a wrapper (for method
/// tables and function objects).
pub fn doc_name(func: &crate::ir::FuncRef) -> String {
    format!("CPyDoc_{}", func.mangled())
}

/// The doc strings (text signatures, see irbuild/signature.rs) of the
/// Python-callable functions; empty when a function has none, which
/// CPython reads as no doc and no signature.
pub fn emit_docs<'a>(funcs: impl Iterator<Item = &'a FuncIR>) -> String {
    let mut e = Emitter::new();
    for f in funcs.filter(|f| f.decl.has_wrapper) {
        e.line(format!(
            "static const char {}[] = {};",
            doc_name(&f.decl.func),
            c_string_literal(f.doc.as_deref().unwrap_or("").as_bytes())
        ));
    }
    e.finish()
}

/// The C prototype of a native function (without the trailing `;`).
pub fn native_prototype(decl: &FuncDecl, param_names: &[String]) -> String {
    let params: Vec<String> = decl
        .params
        .iter()
        .zip(param_names)
        .map(|(p, n)| declaration(&p.rtype, n))
        .collect();
    let params = if params.is_empty() {
        "void".to_string()
    } else {
        params.join(", ")
    };
    declaration(&decl.ret, &format!("{}({params})", decl.c_native_name()))
}

/// The C names of a function's parameters, as used in its definition.
pub fn param_names(f: &FuncIR) -> Vec<String> {
    let names = value_names(f);
    f.args.iter().map(|a| names[a.index()].clone()).collect()
}

/// Parameter names for a prototype of a declaration without a body.
pub fn decl_param_names(decl: &FuncDecl) -> Vec<String> {
    (0..decl.params.len())
        .map(|i| format!("cpy_arg_{i}"))
        .collect()
}

struct FuncEmitter<'a> {
    f: &'a FuncIR,
    names: Vec<String>,
    literals: &'a LiteralTable,
    globals: String,
    e: Emitter,
    /// Item moves out of tuples in the block being emitted.
    moves: TupleMoves,
}

/// Emits the full definition of a native function.
pub fn emit_function(
    f: &FuncIR,
    literals: &LiteralTable,
    exact: &std::sync::Arc<super::ctypes::ExactTypes>,
) -> String {
    let names = value_names(f);
    let mut fe = FuncEmitter {
        f,
        globals: globals_static(&f.decl.func.module),
        names,
        literals,
        e: Emitter::with_exact(exact.clone()),
        moves: TupleMoves::default(),
    };
    fe.emit();
    fe.e.finish()
}

impl FuncEmitter<'_> {
    fn name(&self, v: ValueId) -> &str {
        &self.names[v.index()]
    }

    fn rtype(&self, v: ValueId) -> &RType {
        self.f.rtype(v)
    }

    fn emit(&mut self) {
        let params: Vec<String> = self
            .f
            .args
            .iter()
            .map(|a| self.names[a.index()].clone())
            .collect();
        let proto = native_prototype(&self.f.decl, &params);
        self.e.open(proto);
        self.declare_locals();
        let order: Vec<_> = self.f.block_ids().collect();
        for (pos, b) in order.iter().enumerate() {
            let next = order.get(pos + 1).copied();
            self.e.raw_line(format!("CPyL{}: ;", b.0));
            self.moves = tuple_moves(self.f, self.f.block(*b));
            for inst in &self.f.block(*b).insts {
                self.emit_inst(inst, next);
            }
        }
        self.e.close("");
    }

    fn declare_locals(&mut self) {
        for (i, v) in self.f.values.iter().enumerate() {
            if matches!(v.kind, ValueKind::Arg(_)) || matches!(v.rtype, RType::Void) {
                continue;
            }
            let decl = declaration(&v.rtype, &self.names[i]);
            self.e.line(format!("{decl};"));
        }
    }

    fn emit_inst(&mut self, inst: &Inst, next: Option<crate::ir::BlockId>) {
        let dest = self.name(inst.result).to_string();
        let has_dest = !matches!(self.rtype(inst.result), RType::Void);
        match &inst.op {
            Op::Goto(b) => {
                if Some(*b) != next {
                    self.e.line(format!("goto CPyL{};", b.0));
                }
            }
            Op::Branch {
                value,
                true_label,
                false_label,
                kind,
                negated,
                traceback,
                rare,
            } => self.emit_branch(
                *value,
                *true_label,
                *false_label,
                *kind,
                *negated,
                traceback.as_ref(),
                *rare,
                next,
            ),
            Op::Return(v) => {
                if matches!(self.rtype(*v), RType::Void) {
                    self.e.line("return;");
                } else {
                    self.e.line(format!("return {};", self.name(*v)));
                }
            }
            Op::Unreachable => self.e.line("Py_UNREACHABLE();"),
            Op::Assign { dest, src } => {
                if !matches!(self.rtype(*src), RType::Void) {
                    self.e
                        .line(format!("{} = {};", self.name(*dest), self.name(*src)));
                }
            }
            Op::LoadInt { value, rtype } => {
                let text = match rtype {
                    RType::Int => c_int_literal(value.wrapping_shl(1)),
                    _ => c_int_literal(*value),
                };
                self.e.line(format!("{dest} = {text};"));
            }
            Op::LoadFloat(x) => self.e.line(format!("{dest} = {};", c_double_literal(*x))),
            Op::LoadErrorValue { rtype } => {
                self.e.line(format!("{dest} = {};", error_value(rtype)))
            }
            Op::LoadLiteral { value, .. } => self
                .e
                .line(format!("{dest} = {};", self.literals.expr(value))),
            Op::LoadStatic(s) => self.e.line(format!("{dest} = {};", static_name(s))),
            Op::InitStatic { target, value } => self.emit_init_static(target, *value),
            Op::LoadCStr(s) => self
                .e
                .line(format!("{dest} = {};", c_string_literal(s.as_bytes()))),
            Op::Call { func, args, .. } => {
                let call = format!("CPyDef_{}({})", func.mangled(), self.arg_list(args));
                self.emit_call(&dest, has_dest, &call);
            }
            Op::CallC(c) => self.emit_call_c(&dest, has_dest, c),
            Op::FuncObject { func, name, env } => {
                // A function object over the native function's wrapper.
                let env = env.map_or("NULL".to_string(), |v| self.name(v).to_string());
                self.e.line(format!(
                    "{dest} = CPyFunction_New(CPyPy_{}, {env}, {}, {}, {});",
                    func.mangled(),
                    c_string_literal(name.as_bytes()),
                    c_string_literal(func.module.as_bytes()),
                    doc_name(func)
                ));
            }
            Op::NewGenerator {
                env,
                resume,
                name,
                kind,
            } => {
                let call = format!(
                    "CPyGen_New({}, (CPyGenResume)CPyDef_{}, {}, {})",
                    self.name(*env),
                    resume.mangled(),
                    c_string_literal(name.as_bytes()),
                    kind
                );
                self.emit_call(&dest, has_dest, &call);
            }
            Op::Suspend(_) => {
                // The suspend transform removes every suspension point.
                self.e
                    .line("Py_FatalError(\"mypyc: suspension point left in generated code\");");
            }
            Op::NewInstance(class) => {
                let call = super::classes::new_instance_call(class);
                self.emit_call(&dest, has_dest, &call);
            }
            Op::GetAttr {
                obj,
                class,
                attr,
                rtype,
                checked,
                borrow,
            } => {
                let obj = self.name(*obj).to_string();
                let field = super::classes::AttrRead {
                    obj: &obj,
                    class,
                    attr,
                    rtype,
                    borrow: *borrow,
                };
                if *checked {
                    field.emit_checked(&mut self.e, &dest);
                } else {
                    field.emit_defined(&mut self.e, &dest);
                }
            }
            Op::SetAttr {
                obj,
                class,
                attr,
                value,
            } => {
                let t = self.rtype(*value).clone();
                let (obj, v) = (self.name(*obj).to_string(), self.name(*value).to_string());
                super::classes::emit_set_attr(&mut self.e, &obj, class, attr, &v, &t);
            }
            Op::MethodCall {
                obj,
                slot,
                args,
                ret,
                builtin_base,
                ..
            } => {
                let mut types = vec![RType::OBJECT];
                types.extend(args.iter().map(|a| self.rtype(*a).clone()));
                let mut all = vec![*obj];
                all.extend(args);
                let fptr = super::classes::method_pointer(
                    builtin_base.as_deref(),
                    self.name(*obj),
                    *slot,
                    &types,
                    ret,
                );
                let call = format!("{fptr}({})", self.arg_list(&all));
                self.emit_call(&dest, has_dest, &call);
            }
            Op::NewStruct(st) => {
                let call = format!("{}()", super::structs::struct_new_function(st));
                self.emit_call(&dest, has_dest, &call);
            }
            Op::GetField {
                obj,
                strct,
                field,
                rtype,
                take,
            } => {
                let src = super::structs::field_expr(strct, self.name(*obj), *field);
                self.e.line(format!("{dest} = {src};"));
                if *take {
                    if rtype.is_refcounted() {
                        self.e.line(format!("{src} = {};", error_value(rtype)));
                    }
                } else {
                    self.e.open(format!("if (!({}))", error_test(&dest, rtype)));
                    emit_inc_ref(&mut self.e, &dest, rtype);
                    self.e.close("");
                }
            }
            Op::SetField {
                obj,
                strct,
                field,
                value,
                steal,
            } => {
                let t = self.rtype(*value).clone();
                let slot = super::structs::field_expr(strct, self.name(*obj), *field);
                let v = self.name(*value).to_string();
                self.e.open("");
                self.e.line(format!("{} = {slot};", declaration(&t, "old")));
                // A saved local may be unset (its error value).
                if t.is_refcounted() && !*steal {
                    self.e.open(format!("if (!({}))", error_test(&v, &t)));
                    emit_inc_ref(&mut self.e, &v, &t);
                    self.e.close("");
                }
                self.e.line(format!("{slot} = {v};"));
                emit_dec_ref(&mut self.e, "old", &t, true);
                self.e.close("");
            }
            Op::Box { src, steal, .. } => {
                let t = self.rtype(*src).clone();
                let src = self.names[src.index()].as_str();
                if *steal {
                    emit_box_stealing(&mut self.e, &dest, src, &t);
                } else {
                    emit_box(&mut self.e, &dest, src, &t);
                }
            }
            Op::Unbox { src, rtype } => {
                emit_unbox(&mut self.e, &dest, &self.names[src.index()], rtype)
            }
            Op::ReuseBoxed(src) => self.e.line(format!("{dest} = {};", self.name(*src))),
            Op::Cast { src, rtype, borrow } => {
                let from = self.rtype(*src).clone();
                let src = &self.names[src.index()];
                emit_cast(&mut self.e, &dest, src, &from, rtype, !*borrow)
            }
            Op::IsInstance { obj, class } => {
                let test = super::ctypes::instance_check(self.name(*obj), class, &self.e.exact);
                self.e.line(format!("{dest} = {test};"));
            }
            Op::TupleSet { items, .. } => self.emit_tuple_set(&dest, items),
            Op::TupleGet { src, index, rtype } => {
                self.e
                    .line(format!("{dest} = {}.f{index};", self.name(*src)));
                if !self.moves.moved_reads.contains(&inst.result) {
                    emit_inc_ref(&mut self.e, &dest, rtype);
                }
            }
            Op::IntOp {
                op,
                lhs,
                rhs,
                rtype,
            } => self.emit_int_op(&dest, *op, *lhs, *rhs, rtype),
            Op::ComparisonOp { op, lhs, rhs } => self.emit_comparison(&dest, *op, *lhs, *rhs),
            Op::FloatOp { op, lhs, rhs } => {
                let (l, r) = (self.name(*lhs), self.name(*rhs));
                let expr = match op {
                    FloatOpKind::Add => format!("{l} + {r}"),
                    FloatOpKind::Sub => format!("{l} - {r}"),
                    FloatOpKind::Mul => format!("{l} * {r}"),
                    FloatOpKind::Div => format!("{l} / {r}"),
                    FloatOpKind::Mod => format!("CPyFloat_Remainder({l}, {r})"),
                };
                self.e.line(format!("{dest} = {expr};"));
            }
            Op::FloatNeg(v) => self.e.line(format!("{dest} = -{};", self.name(*v))),
            Op::FloatComparisonOp { op, lhs, rhs } => {
                let line = format!(
                    "{dest} = {} {} {};",
                    self.name(*lhs),
                    op.c_op(),
                    self.name(*rhs)
                );
                self.e.line(line);
            }
            Op::IntConvert { src, rtype } => {
                let line = format!("{dest} = ({}){};", rtype.c_type(), self.name(*src));
                self.e.line(line);
            }
            Op::RaiseStandardError { class, message } => {
                match message {
                    Some(m) => self.e.line(format!(
                        "PyErr_SetString(PyExc_{class}, {});",
                        c_string_literal(m.as_bytes())
                    )),
                    None => self.e.line(format!("PyErr_SetNone(PyExc_{class});")),
                }
                if has_dest {
                    self.e.line(format!("{dest} = 0;"));
                }
            }
            Op::KeepAlive(_) => {}
            Op::IncRef(v) => {
                let t = self.rtype(*v).clone();
                emit_inc_ref(&mut self.e, &self.names[v.index()], &t);
            }
            Op::DecRef { src, xdec } => {
                let t = self.rtype(*src).clone();
                let name = &self.names[src.index()];
                match (&t, self.moves.skipped_items.get(&inst.result)) {
                    (RType::Tuple(items), Some(moved)) => {
                        for (i, item) in items.iter().enumerate() {
                            if !moved.contains(&i) {
                                emit_dec_ref(&mut self.e, &format!("{name}.f{i}"), item, *xdec);
                            }
                        }
                    }
                    _ => emit_dec_ref(&mut self.e, name, &t, *xdec),
                }
            }
        }
    }

    fn arg_list(&self, args: &[ValueId]) -> String {
        args.iter()
            .map(|a| self.name(*a))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn emit_call(&mut self, dest: &str, has_dest: bool, call: &str) {
        if has_dest {
            self.e.line(format!("{dest} = {call};"));
        } else {
            self.e.line(format!("{call};"));
        }
    }

    fn emit_call_c(&mut self, dest: &str, has_dest: bool, c: &CallC) {
        let has_dest = has_dest && !matches!(c.ret, RType::Void);
        let Some(cache_type) = &c.site_cache else {
            let call = format!("{}({})", c.function, self.arg_list(&c.args));
            self.emit_call(dest, has_dest, &call);
            return;
        };
        // The site's cache is a function-local static, zero until first use.
        let cache = self.e.temp("cache");
        let mut args = self.arg_list(&c.args);
        if !args.is_empty() {
            args.push_str(", ");
        }
        self.e.open("");
        self.e.line(format!("static {cache_type} {cache};"));
        let call = format!("{}({args}&{cache})", c.function);
        self.emit_call(dest, has_dest, &call);
        self.e.close("");
    }

    fn emit_init_static(&mut self, target: &StaticRef, value: ValueId) {
        let s = static_name(target);
        emit_dec_ref(&mut self.e, &s, &target.rtype(), true);
        self.e.line(format!("{s} = {};", self.name(value)));
    }

    fn emit_tuple_set(&mut self, dest: &str, items: &[ValueId]) {
        if items.is_empty() {
            self.e.line(format!("{dest}.empty_struct_error_flag = 0;"));
            return;
        }
        for (i, item) in items.iter().enumerate() {
            self.e.line(format!("{dest}.f{i} = {};", self.name(*item)));
        }
    }

    fn emit_int_op(
        &mut self,
        dest: &str,
        op: IntOpKind,
        lhs: ValueId,
        rhs: ValueId,
        rtype: &RType,
    ) {
        let (l, r) = (self.name(lhs), self.name(rhs));
        // Right shifts of tagged ints must be arithmetic: shift as signed.
        let wrapping = matches!(
            op,
            IntOpKind::Add | IntOpKind::Sub | IntOpKind::Mul | IntOpKind::Shl
        );
        let line =
            if op == IntOpKind::Shr && is_unsigned_c_type(rtype) && !matches!(rtype, RType::U8) {
                format!("{dest} = (Py_ssize_t){l} >> {r};")
            } else if let (true, Some(u)) = (wrapping, unsigned_twin(rtype)) {
                // Signed native ints wrap around: compute in the unsigned type
                // of the same width (signed overflow is undefined in C).
                format!(
                    "{dest} = ({})(({u}){l} {} ({u}){r});",
                    rtype.c_type(),
                    op.c_op()
                )
            } else {
                format!("{dest} = {l} {} {r};", op.c_op())
            };
        self.e.line(line);
    }

    fn emit_comparison(&mut self, dest: &str, op: CmpKind, lhs: ValueId, rhs: ValueId) {
        let lt = self.rtype(lhs).clone();
        let (l, r) = (self.name(lhs), self.name(rhs));
        let line = match op {
            CmpKind::Eq | CmpKind::Ne => format!("{dest} = {l} {} {r};", op.c_op()),
            _ if op.is_unsigned() && !lt.is_boxed() => {
                format!("{dest} = (size_t){l} {} (size_t){r};", op.c_op())
            }
            _ if !op.is_unsigned() && is_unsigned_c_type(&lt) => {
                format!("{dest} = (Py_ssize_t){l} {} (Py_ssize_t){r};", op.c_op())
            }
            _ => format!("{dest} = {l} {} {r};", op.c_op()),
        };
        self.e.line(line);
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_branch(
        &mut self,
        value: ValueId,
        true_label: crate::ir::BlockId,
        false_label: crate::ir::BlockId,
        kind: BranchKind,
        negated: bool,
        traceback: Option<&(String, u32)>,
        rare: bool,
        next: Option<crate::ir::BlockId>,
    ) {
        let v = self.name(value).to_string();
        let mut cond = match kind {
            BranchKind::Bool => v,
            BranchKind::IsError => branch_error_condition(&v, self.rtype(value)),
        };
        if negated {
            cond = format!("!({cond})");
        }
        if rare {
            cond = format!("unlikely({cond})");
        }
        self.e.open(format!("if ({cond})"));
        if let Some((func, line)) = traceback {
            self.e.line(format!(
                "CPy_AddTraceback({}, {}, {line}, {});",
                c_string_literal(self.f.source_file.as_bytes()),
                c_string_literal(func.as_bytes()),
                self.globals
            ));
        }
        self.e.line(format!("goto CPyL{};", true_label.0));
        self.e.close("");
        if Some(false_label) != next {
            self.e.line(format!("goto CPyL{};", false_label.0));
        }
    }
}

/// The unsigned C type of the width of a signed native int type.
fn unsigned_twin(t: &RType) -> Option<&'static str> {
    match t {
        RType::I64 => Some("uint64_t"),
        RType::I32 => Some("uint32_t"),
        RType::I16 => Some("uint16_t"),
        _ => None,
    }
}

/// Is the C type of `t` unsigned (so signed comparisons need a cast)?
fn is_unsigned_c_type(t: &RType) -> bool {
    matches!(t, RType::Int | RType::U8)
}
