//! Conditions mypy decides before checking (its `infer_condition_value`):
//! `TYPE_CHECKING` and `MYPY` (true), `sys.platform == "..."` / `!=` /
//! `.startswith("...")` against the platform built for, and comparisons of
//! `sys.version_info` (whole, `[i]` or `[:n]`) with ints or tuples of at
//! most two items against the target Python's version; `not`, `and` and
//! `or` of those. The branch such a condition rules out is unreachable:
//! mypy neither resolves its names nor checks it.

use rustpython_parser::ast;

/// What the program is checked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `(major, minor)` of the Python the program is built for; `None` when
    /// not known (version checks are then left undecided).
    pub version: Option<(u32, u32)>,
    /// `sys.platform` there.
    pub platform: String,
}

impl Default for Target {
    fn default() -> Target {
        Target {
            version: None,
            platform: host_platform().to_string(),
        }
    }
}

/// `sys.platform` of the machine the compiler runs on.
pub fn host_platform() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    }
}

/// The value of condition `e` for `target`, when mypy decides it statically.
pub fn condition_value(e: &ast::Expr, target: &Target) -> Option<bool> {
    match e {
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
            condition_value(&u.operand, target).map(|v| !v)
        }
        ast::Expr::BoolOp(b) => {
            let values: Vec<Option<bool>> = b
                .values
                .iter()
                .map(|v| condition_value(v, target))
                .collect();
            let decisive = matches!(b.op, ast::BoolOp::Or);
            if values.contains(&Some(decisive)) {
                Some(decisive)
            } else if values.iter().all(|v| *v == Some(!decisive)) {
                Some(!decisive)
            } else {
                None
            }
        }
        ast::Expr::Name(n) => matches!(n.id.as_str(), "TYPE_CHECKING" | "MYPY").then_some(true),
        ast::Expr::Attribute(a) => (a.attr.as_str() == "TYPE_CHECKING").then_some(true),
        ast::Expr::Call(c) => platform_startswith(c, target),
        ast::Expr::Compare(c) if c.ops.len() == 1 && c.comparators.len() == 1 => {
            let (op, right) = (&c.ops[0], &c.comparators[0]);
            platform_compare(&c.left, op, right, target)
                .or_else(|| version_compare(&c.left, *op, right, target))
                .or_else(|| version_compare(right, flipped(*op)?, &c.left, target))
        }
        _ => None,
    }
}

/// Is `e` the attribute `sys.<attr>`?
fn is_sys_attr(e: &ast::Expr, attr: &str) -> bool {
    matches!(e, ast::Expr::Attribute(a)
        if a.attr.as_str() == attr
            && matches!(&*a.value, ast::Expr::Name(n) if n.id.as_str() == "sys"))
}

fn str_constant(e: &ast::Expr) -> Option<&str> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

fn int_constant(e: &ast::Expr) -> Option<i64> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Int(i) => i.to_string().parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// `sys.platform.startswith("...")`.
fn platform_startswith(c: &ast::ExprCall, target: &Target) -> Option<bool> {
    let ast::Expr::Attribute(a) = &*c.func else {
        return None;
    };
    if a.attr.as_str() != "startswith" || !is_sys_attr(&a.value, "platform") {
        return None;
    }
    match (c.args.as_slice(), c.keywords.is_empty()) {
        ([prefix], true) => Some(target.platform.starts_with(str_constant(prefix)?)),
        _ => None,
    }
}

/// `sys.platform == "..."` or `!=`.
fn platform_compare(
    left: &ast::Expr,
    op: &ast::CmpOp,
    right: &ast::Expr,
    target: &Target,
) -> Option<bool> {
    if !is_sys_attr(left, "platform") {
        return None;
    }
    let same = target.platform == str_constant(right)?;
    match op {
        ast::CmpOp::Eq => Some(same),
        ast::CmpOp::NotEq => Some(!same),
        _ => None,
    }
}

/// `a op b` as `b flipped(op) a`.
fn flipped(op: ast::CmpOp) -> Option<ast::CmpOp> {
    use ast::CmpOp::*;
    Some(match op {
        Lt => Gt,
        LtE => GtE,
        Gt => Lt,
        GtE => LtE,
        Eq => Eq,
        NotEq => NotEq,
        _ => return None,
    })
}

/// What `e` reads of the target version: `sys.version_info` (whole:
/// `None` length), `sys.version_info[i]` or `sys.version_info[:n]`.
fn version_part(e: &ast::Expr, version: (u32, u32)) -> Option<(Vec<i64>, bool)> {
    let full = vec![version.0 as i64, version.1 as i64];
    if is_sys_attr(e, "version_info") {
        return Some((full, true));
    }
    let ast::Expr::Subscript(s) = e else {
        return None;
    };
    if !is_sys_attr(&s.value, "version_info") {
        return None;
    }
    match &*s.slice {
        ast::Expr::Slice(sl) if sl.step.is_none() => {
            let lower = sl.lower.as_deref().map_or(Some(0), int_constant)?;
            let upper = int_constant(sl.upper.as_deref()?)?;
            if lower != 0 || !(1..=2).contains(&upper) {
                return None;
            }
            Some((full[..upper as usize].to_vec(), false))
        }
        index => {
            let i = int_constant(index)?;
            (0..2).contains(&i).then(|| (vec![full[i as usize]], false))
        }
    }
}

/// `sys.version_info... op (tuple or int)`, decided as mypy decides it: the
/// whole `sys.version_info` only by an ordering against one or two items
/// (compared with the target's `(major, minor)` cut to that length); an
/// item by any comparison with an int; a slice with a tuple of its length.
fn version_compare(
    left: &ast::Expr,
    op: ast::CmpOp,
    right: &ast::Expr,
    target: &Target,
) -> Option<bool> {
    let (have, whole) = version_part(left, target.version?)?;
    let want: Vec<i64> = match right {
        ast::Expr::Tuple(t) => t.elts.iter().map(int_constant).collect::<Option<_>>()?,
        other if have.len() == 1 && !whole => vec![int_constant(other)?],
        _ => return None,
    };
    let have = if whole {
        if want.is_empty() || want.len() > 2 || matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq) {
            return None;
        }
        &have[..want.len()]
    } else if want.len() == have.len() {
        &have[..]
    } else {
        return None;
    };
    let ord = have.cmp(&want[..]);
    use std::cmp::Ordering::*;
    Some(match op {
        ast::CmpOp::Lt => ord == Less,
        ast::CmpOp::LtE => ord != Greater,
        ast::CmpOp::Gt => ord == Greater,
        ast::CmpOp::GtE => ord != Less,
        ast::CmpOp::Eq => ord == Equal,
        ast::CmpOp::NotEq => ord != Equal,
        _ => return None,
    })
}
