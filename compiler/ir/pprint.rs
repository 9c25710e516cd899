//! The textual form of the IR, as written to `ops.txt` and used in snapshot
//! tests. One line per op, `rN = ...` for ops with a result, blocks labelled
//! `LN:`. The format is stable and deterministic.

use std::fmt::Write;

use super::func::{ArgKind, FuncIR, ValueKind};
use super::module::ModuleIR;
use super::ops::{BranchKind, Literal, Op, StaticRef, Steals};
use super::rtypes::RType;

pub fn format_literal(lit: &Literal) -> String {
    match lit {
        Literal::Str(s) => format!("{s:?}"),
        Literal::Bytes(b) => format!("b{:?}", String::from_utf8_lossy(b)),
        Literal::Int(s) => s.clone(),
        Literal::Float(f) => format!("{f:?}"),
        Literal::Complex(r, i) => format!("complex({r:?}, {i:?})"),
        Literal::Tuple(items) => {
            let inner: Vec<String> = items.iter().map(format_literal).collect();
            format!("({})", inner.join(", "))
        }
        Literal::FrozenSet(items) => {
            let inner: Vec<String> = items.iter().map(format_literal).collect();
            format!("frozenset({{{}}})", inner.join(", "))
        }
        Literal::Bool(b) => if *b { "True" } else { "False" }.into(),
        Literal::None => "None".into(),
        Literal::Ellipsis => "...".into(),
    }
}

fn format_static(s: &StaticRef) -> String {
    match s {
        StaticRef::Globals(m) => format!("globals[{m}]"),
        StaticRef::Module(m) => format!("module[{m}]"),
        StaticRef::Type(c) => format!("type[{c}]"),
        StaticRef::Final { full, .. } => format!("final[{full}]"),
        StaticRef::FinalSet(full) => format!("final_set[{full}]"),
        StaticRef::Cached(full) => format!("cached[{full}]"),
    }
}

fn join(f: &FuncIR, vs: &[super::func::ValueId]) -> String {
    vs.iter()
        .map(|v| name_of(f, *v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The printed name of a value: its source name for named registers.
pub fn name_of(f: &FuncIR, v: super::func::ValueId) -> String {
    match &f.value(v).name {
        Some(n) if f.is_register(v) => n.clone(),
        _ => v.to_string(),
    }
}

/// Format one op (without the `rN = ` prefix).
pub fn format_op(f: &FuncIR, op: &Op) -> String {
    let n = |v| name_of(f, v);
    match op {
        Op::Goto(b) => format!("goto {b}"),
        Op::Branch {
            value,
            true_label,
            false_label,
            kind,
            negated,
            traceback,
            ..
        } => {
            let test = match kind {
                BranchKind::Bool => n(*value),
                BranchKind::IsError => format!("is_error({})", n(*value)),
            };
            let test = if *negated {
                format!("not {test}")
            } else {
                test
            };
            let tb = match traceback {
                Some((func, line)) => format!(" (error at {func}:{line})"),
                None => String::new(),
            };
            format!("if {test} goto {true_label}{tb} else goto {false_label}")
        }
        Op::Return(v) => format!("return {}", n(*v)),
        Op::Unreachable => "unreachable".into(),
        Op::Assign { dest, src } => format!("{} = {}", n(*dest), n(*src)),
        Op::LoadInt { value, rtype } => match rtype {
            RType::Int => format!("{value}"),
            _ => format!("{value} :: {rtype}"),
        },
        Op::LoadFloat(x) => format!("{x:?}"),
        Op::LoadErrorValue { rtype } => format!("<error> :: {rtype}"),
        Op::LoadLiteral { value, .. } => format_literal(value),
        Op::LoadStatic(s) => format_static(s),
        Op::InitStatic { target, value } => format!("{} = {}", format_static(target), n(*value)),
        Op::LoadCStr(s) => format!("cstr {s:?}"),
        Op::Call { func, args, .. } => format!("{}({})", func.mangled(), join(f, args)),
        Op::FuncObject { func, env, .. } => match env {
            Some(env) => format!("func_object({}, env={})", func.mangled(), n(*env)),
            None => format!("func_object({})", func.mangled()),
        },
        Op::NewStruct(st) => format!("new {}", st.name),
        Op::NewInstance(c) => format!("new_instance {c}"),
        Op::GetAttr {
            obj, attr, borrow, ..
        } => format!("{}.{attr}{}", n(*obj), borrowed_mark(*borrow)),
        Op::SetAttr {
            obj, attr, value, ..
        } => format!("{}.{attr} = {}", n(*obj), n(*value)),
        Op::MethodCall {
            obj, method, args, ..
        } => {
            let mut all = vec![*obj];
            all.extend(args);
            format!("{}.{method}({})", n(*obj), join(f, &all[1..]))
        }
        Op::NewGenerator { env, resume, .. } => {
            format!("new_generator({}, {})", n(*env), resume.mangled())
        }
        Op::Suspend(v) => format!("suspend {}", n(*v)),
        Op::GetField {
            obj,
            strct,
            field,
            take,
            ..
        } => {
            let take = if *take { " [take]" } else { "" };
            format!("{}.{}#{field}{take}", n(*obj), strct.name)
        }
        Op::SetField {
            obj,
            strct,
            field,
            value,
            steal,
        } => {
            let steals = if *steal { " [steals]" } else { "" };
            format!("{}.{}#{field} = {}{steals}", n(*obj), strct.name, n(*value))
        }
        Op::CallC(c) => {
            let steals = match &c.steals {
                Steals::None => "",
                _ => " [steals]",
            };
            format!("{}({}){}", c.function, join(f, &c.args), steals)
        }
        Op::Box { src, rtype, steal } => {
            let steals = if *steal { " [steals]" } else { "" };
            format!("box({rtype}, {}){steals}", n(*src))
        }
        Op::Unbox { src, rtype } => format!("unbox({rtype}, {})", n(*src)),
        Op::Cast { src, rtype, borrow } => {
            format!("cast({rtype}, {}){}", n(*src), borrowed_mark(*borrow))
        }
        Op::IsInstance { obj, class } => format!("isinstance({}, {class})", n(*obj)),
        Op::ReuseBoxed(src) => format!("reuse_boxed({})", n(*src)),
        Op::TupleSet { items, .. } => format!("({})", join(f, items)),
        Op::TupleGet { src, index, .. } => format!("{}[{index}]", n(*src)),
        Op::IntOp { op, lhs, rhs, .. } => format!("{} {} {}", n(*lhs), op.c_op(), n(*rhs)),
        Op::ComparisonOp { op, lhs, rhs } => {
            let u = if op.is_unsigned() { " :: unsigned" } else { "" };
            format!("{} {} {}{u}", n(*lhs), op.c_op(), n(*rhs))
        }
        Op::FloatOp { op, lhs, rhs } => format!("{} {:?} {}", n(*lhs), op, n(*rhs)),
        Op::FloatNeg(v) => format!("-{}", n(*v)),
        Op::FloatComparisonOp { op, lhs, rhs } => format!("{} {} {}", n(*lhs), op.c_op(), n(*rhs)),
        Op::IntConvert { src, rtype } => format!("convert({rtype}, {})", n(*src)),
        Op::RaiseStandardError { class, message } => match message {
            Some(m) => format!("raise {class}({m:?})"),
            None => format!("raise {class}"),
        },
        Op::KeepAlive(vs) => format!("keep_alive {}", join(f, vs)),
        Op::IncRef(v) => format!("inc_ref {}", n(*v)),
        Op::DecRef { src, xdec } => {
            if *xdec {
                format!("xdec_ref {}", n(*src))
            } else {
                format!("dec_ref {}", n(*src))
            }
        }
    }
}

fn format_kind(kind: ArgKind) -> &'static str {
    match kind {
        ArgKind::Positional => "",
        ArgKind::Optional => "=",
        ArgKind::Star => "*",
        ArgKind::KwOnly => "(kw)",
        ArgKind::KwOnlyOptional => "(kw)=",
        ArgKind::Star2 => "**",
        ArgKind::Env => "(env)",
    }
}

/// Format a whole function.
pub fn format_func(f: &FuncIR) -> String {
    let mut out = String::new();
    let params: Vec<String> = f
        .decl
        .params
        .iter()
        .map(|p| format!("{}{}: {}", format_kind(p.kind), p.name, p.rtype))
        .collect();
    let _ = writeln!(
        out,
        "def {}({}) -> {}:",
        f.decl.func.mangled(),
        params.join(", "),
        f.decl.ret
    );
    // Declarations of registers and op results that are used.
    let mut decls: Vec<String> = vec![];
    for (i, v) in f.values.iter().enumerate() {
        if v.rtype == RType::Void || matches!(v.kind, ValueKind::Arg(_)) {
            continue;
        }
        let id = super::func::ValueId(i as u32);
        decls.push(format!("{} :: {}", name_of(f, id), v.rtype));
    }
    for d in decls {
        let _ = writeln!(out, "    {d}");
    }
    for b in f.block_ids() {
        let block = f.block(b);
        match block.error_handler {
            Some(h) => {
                let _ = writeln!(out, "{b}: (handler {h})");
            }
            None => {
                let _ = writeln!(out, "{b}:");
            }
        }
        for inst in &block.insts {
            let text = format_op(f, &inst.op);
            let has_result =
                f.rtype(inst.result) != &RType::Void && !matches!(inst.op, Op::Assign { .. });
            if has_result {
                let _ = writeln!(out, "    {} = {}", inst.result, text);
            } else {
                let _ = writeln!(out, "    {text}");
            }
        }
    }
    out
}

/// Format a whole module (top level first, then functions in order).
pub fn format_module(m: &ModuleIR) -> String {
    let mut out = format!("# module {}\n", m.name);
    out.push_str(&format_func(&m.top_level));
    for f in &m.functions {
        out.push('\n');
        out.push_str(&format_func(f));
    }
    out
}

/// How the printed IR marks a borrowed result.
fn borrowed_mark(borrow: bool) -> &'static str {
    if borrow {
        " :: borrowed"
    } else {
        ""
    }
}
