//! Type compatibility as the checker uses it to report errors: `compatible`
//! answers "may a value of type `a` be used where `b` is expected?" and says
//! no only when that is certain under mypy's rules. Anything the model
//! cannot decide (classes with unmodelled bases, native integers,
//! containers whose item types came from context-free inference, builtin
//! values where a protocol is expected) counts as compatible, because a
//! false error would stop a correct program from compiling. Classes are
//! compared with protocols structurally (`protocols`).

use crate::types::{FnType, Lit, Type};

use super::program::Program;
use super::protocols::{self, is_protocol};

/// Types whose values the model knows completely (so that incompatibility
/// with another definite type is certain).
pub(super) fn definite(t: &Type, p: &Program) -> bool {
    match t {
        Type::Int
        | Type::Float
        | Type::Bool
        | Type::Str
        | Type::Bytes
        | Type::None
        | Type::List(_)
        | Type::Dict(..)
        | Type::Set(_)
        | Type::FrozenSet(_)
        | Type::Tuple(_)
        | Type::VarTuple(_)
        | Type::Literal(_) => true,
        Type::Instance(c, _) => p.classes.contains_key(c) && p.mro(c).1 && !is_protocol(c, p),
        _ => false,
    }
}

/// Items match in a container (invariant in mypy, but item types inferred
/// without context may legitimately differ: only mutual incompatibility
/// is certain).
pub(super) fn items_match(a: &Type, b: &Type, p: &Program) -> bool {
    compatible(a, b, p) || compatible(b, a, p)
}

/// May a value of type `a` be used where `b` is expected?
pub fn compatible(a: &Type, b: &Type, p: &Program) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Type::Any, _) | (_, Type::Any) | (_, Type::Object) => return true,
        (Type::Union(items), _) => return items.iter().all(|t| compatible(t, b, p)),
        (_, Type::Union(items)) => return items.iter().any(|t| compatible(a, t, p)),
        _ => {}
    }
    if let Some(r) = super::typeddict::compatible_td(a, b, p) {
        return r;
    }
    if let Some(r) = super::abcs::compatible_abc(a, b, p) {
        return r;
    }
    if a.is_native_int() || b.is_native_int() {
        return true;
    }
    if let (Type::Function(x), Type::Function(y)) = (a, b) {
        return callable_compatible(x, y, p);
    }
    if let (Type::TypeObj(x), Type::TypeObj(y)) = (a, b) {
        return class_object_compatible(x, y, p);
    }
    if let Type::Instance(y, ys) = b {
        if let Some(fits) = protocol_compatible(a, y, ys, p) {
            return fits;
        }
    }
    if let (Type::Instance(x, xs), Type::Instance(y, ys)) = (a, b) {
        if is_protocol(y, p) && p.derives(x, y) != Some(true) {
            return protocols::satisfies(a, b, p);
        }
        return instance_compatible(x, xs, y, ys, p);
    }
    // Values of builtin types are not compared with protocols.
    if matches!(b, Type::Instance(y, _) if is_protocol(y, p)) {
        return true;
    }
    if let Type::Literal(l) = a {
        return compatible(&l.base(), b, p);
    }
    // Where a type variable is expected (in its generic function or
    // class), only values of that variable's type fit.
    if let Type::TypeVar(_) = b {
        return !definite(a, p);
    }
    if !definite(a, p) || !definite(b, p) {
        return true;
    }
    match (a, b) {
        (Type::Bool, Type::Int) | (Type::Bool, Type::Float) | (Type::Int, Type::Float) => true,
        (Type::List(x), Type::List(y)) | (Type::Set(x), Type::Set(y)) => items_match(x, y, p),
        (Type::FrozenSet(x), Type::FrozenSet(y)) => compatible(x, y, p),
        (Type::Dict(k1, v1), Type::Dict(k2, v2)) => {
            items_match(k1, k2, p) && items_match(v1, v2, p)
        }
        (Type::Tuple(xs), Type::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| compatible(x, y, p))
        }
        (Type::Tuple(xs), Type::VarTuple(y)) => xs.iter().all(|x| compatible(x, y, p)),
        (Type::VarTuple(x), Type::VarTuple(y)) => compatible(x, y, p),
        // A variadic tuple may have the right length at run time; mypy
        // accepts some of these, so this is not reported.
        (Type::VarTuple(_), Type::Tuple(_)) => true,
        // A class of the program may derive from a builtin type only
        // through an opaque base, which `definite` already ruled out.
        _ => false,
    }
}

/// May a value of type `a` be used where the `typing` iteration protocol
/// `y[ys]` is expected? `None` when `y` is not one. Iterables must give
/// items that fit (strings are left alone: mypy explains those with
/// protocol notes); iterators and generators are compared only with each
/// other.
fn protocol_compatible(a: &Type, y: &str, ys: &[Type], p: &Program) -> Option<bool> {
    use crate::types::{AWAIT_PROTOCOLS, ITERATION_PROTOCOLS};
    if AWAIT_PROTOCOLS.contains(&y) {
        return Some(true);
    }
    if let Some(fits) = numeric_protocol_compatible(a, y, p) {
        return Some(fits);
    }
    if !ITERATION_PROTOCOLS.contains(&y) {
        return None;
    }
    let want = ys.first().cloned().unwrap_or(Type::Any);
    let typing_iterator = matches!(a, Type::Instance(c, _) if ITERATION_PROTOCOLS.contains(&c.as_str()))
        || (crate::types::abcs::is_abc_instance(a)
            && crate::types::abcs::upcast(a, "typing.Iterable").is_some()
            && y == "typing.Iterable");
    let items_fit = || compatible(&a.iter_item(), &want, p);
    Some(match a {
        _ if typing_iterator => items_fit(),
        Type::Tuple(xs) if y == "typing.Iterable" => xs.iter().all(|x| compatible(x, &want, p)),
        Type::None | Type::Int | Type::Float | Type::Bool | Type::Literal(Lit::Int(_)) => false,
        Type::List(_)
        | Type::Set(_)
        | Type::FrozenSet(_)
        | Type::Dict(..)
        | Type::Tuple(_)
        | Type::VarTuple(_)
        | Type::Range
            if y == "typing.Iterable" =>
        {
            items_fit()
        }
        _ => true,
    })
}

/// May a value of type `a` be used where numeric protocol `y`
/// (`SupportsFloat`, ...) is expected? `None` when `y` is not one. Only
/// builtin types are certain (mypy explains classes with protocol notes).
fn numeric_protocol_compatible(a: &Type, y: &str, p: &Program) -> Option<bool> {
    let (_, builtins) = crate::types::NUMERIC_PROTOCOLS
        .iter()
        .find(|(name, _)| *name == y)?;
    let a = match a {
        Type::Literal(l) => l.base(),
        other => other.clone(),
    };
    let builtin_value = !matches!(a, Type::Instance(..)) && definite(&a, p);
    Some(builtins.contains(&a) || !builtin_value)
}

/// May an instance of class `x` with type arguments `xs` be used where
/// `y[ys]` is expected? Type arguments are invariant (as mypy's, for
/// type variables not declared covariant): only arguments that fit
/// neither way are certainly wrong.
fn instance_compatible(x: &str, xs: &[Type], y: &str, ys: &[Type], p: &Program) -> bool {
    match p.derives(x, y) {
        Some(false) => false,
        None => true,
        Some(true) => {
            let given = p.ancestor_args(x, xs, y);
            given.is_empty()
                || ys.is_empty()
                || given.iter().zip(ys).all(|(g, w)| items_match(g, w, p))
        }
    }
}

/// May class object `x` be used where `type[y]` is expected? A builtin class
/// never derives from a class of the program.
fn class_object_compatible(x: &str, y: &str, p: &Program) -> bool {
    let program_class = |c: &str| {
        p.classes
            .get(c)
            .is_some_and(|i| !i.module.starts_with("builtins"))
    };
    match (program_class(x), program_class(y)) {
        (true, true) => p.derives(x, y) != Some(false),
        (false, true) => !super::builtins::BUILTIN_CLASSES.contains(&x),
        _ => true,
    }
}

/// May a callable of type `a` be used where `b` is expected? Parameters
/// are contravariant, the result covariant.
fn callable_compatible(a: &FnType, b: &FnType, p: &Program) -> bool {
    if !compatible(&a.ret, &b.ret, p) {
        return false;
    }
    match (&a.params, &b.params) {
        (Some(xs), Some(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| compatible(y, x, p))
        }
        _ => true,
    }
}

/// Could a value of type `t` be `None`? (`Any` and `object` may be.)
pub fn may_be_none(t: &Type) -> bool {
    match t {
        Type::None | Type::Any | Type::Object => true,
        Type::Union(items) => items.iter().any(may_be_none),
        _ => false,
    }
}

/// Is `t` certainly not `None` (a definite non-None type)?
pub fn never_none(t: &Type, p: &Program) -> bool {
    match t {
        Type::Union(items) => items.iter().all(|i| never_none(i, p)),
        Type::None => false,
        other => definite(other, p),
    }
}

/// The type with `None` removed from a union (`None` itself stays).
pub fn remove_none(t: &Type) -> Type {
    match t {
        Type::Union(items) => crate::types::union(
            items
                .iter()
                .filter(|i| **i != Type::None)
                .cloned()
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Does the type contain `Any` anywhere? Such types come from partial
/// knowledge and are not shown in messages.
pub fn has_any(t: &Type) -> bool {
    match t {
        Type::Any | Type::Callable | Type::Module(_) | Type::TypeObj(_) => true,
        Type::List(x) | Type::Set(x) | Type::FrozenSet(x) | Type::VarTuple(x) => has_any(x),
        Type::Dict(k, v) => has_any(k) || has_any(v),
        Type::Tuple(xs) | Type::Union(xs) | Type::Instance(_, xs) => xs.iter().any(has_any),
        Type::Function(ft) => has_any(&ft.ret) || ft.params.iter().flatten().any(has_any),
        _ => false,
    }
}

/// A union as mypy prints it: its literal items gathered into one
/// `Literal[...]` where the first of them stands.
fn show_union(xs: &[Type], full: bool, p: Option<&Program>) -> String {
    let lits: Vec<String> = xs
        .iter()
        .filter_map(|x| match x {
            Type::Literal(l) => Some(l.to_string()),
            _ => None,
        })
        .collect();
    let mut parts = vec![];
    let mut lits_shown = false;
    for x in xs {
        match x {
            Type::Literal(_) if !lits_shown => {
                lits_shown = true;
                parts.push(format!("Literal[{}]", lits.join(", ")));
            }
            Type::Literal(_) => {}
            other => parts.push(show_with(other, full, p)),
        }
    }
    parts.join(" | ")
}

/// A type as mypy prints it in messages.
pub fn show(t: &Type) -> String {
    show_with(t, false, None)
}

/// A type as `reveal_type` prints it: classes by full name.
pub fn show_full(t: &Type) -> String {
    show_with(t, true, None)
}

/// A type as `reveal_type` prints it, TypedDicts with their items.
pub fn show_revealed(t: &Type, p: &Program) -> String {
    show_with(t, true, Some(p))
}

fn show_with(t: &Type, full: bool, p: Option<&Program>) -> String {
    let show = |t: &Type| show_with(t, full, p);
    let list = |items: &[Type]| items.iter().map(show).collect::<Vec<_>>().join(", ");
    match t {
        Type::Instance(c, args) => {
            // Items are shown without expanding TypedDicts again (they may be
            // recursive).
            let items = |t: &Type| show_with(t, true, None);
            if let Some(td) = p.and_then(|p| super::typeddict::revealed(c, p, &items)) {
                return td;
            }
            let name = if full {
                c.as_str()
            } else {
                c.rsplit('.').next().unwrap_or(c)
            };
            if args.is_empty() {
                name.to_string()
            } else {
                format!("{name}[{}]", list(args))
            }
        }
        Type::Function(ft) if full => match &ft.params {
            Some(ps) => format!("def ({}) -> {}", list(ps), show(&ft.ret)),
            None => format!("def (*Any, **Any) -> {}", show(&ft.ret)),
        },
        Type::TypeObj(c) => format!("type[{}]", c.rsplit('.').next().unwrap_or(c)),
        Type::List(x) => format!("list[{}]", show(x)),
        Type::Set(x) => format!("set[{}]", show(x)),
        Type::FrozenSet(x) => format!("frozenset[{}]", show(x)),
        Type::Dict(k, v) => format!("dict[{}, {}]", show(k), show(v)),
        Type::Tuple(xs) if xs.is_empty() => "tuple[()]".to_string(),
        Type::Tuple(xs) => format!("tuple[{}]", list(xs)),
        Type::VarTuple(x) => format!("tuple[{}, ...]", show(x)),
        Type::Union(xs) => show_union(xs, full, p),
        Type::Literal(l) => format!("Literal[{l}]"),
        Type::Function(ft) => match &ft.params {
            Some(ps) => format!("Callable[[{}], {}]", list(ps), show(&ft.ret)),
            None => format!("Callable[..., {}]", show(&ft.ret)),
        },
        other => other.to_string(),
    }
}
