//! The Python-level type model used by semantic analysis and checking:
//! builtin value types, containers, unions, callables, modules and classes,
//! with subtyping and joins. (irbuild's mapper turns them into runtime
//! representations.)
//!
//! Imprecision is always safe here: a type the checker cannot pin down is
//! `Any`, which compiles to generic `PyObject *` operations with the same
//! semantics as the interpreter. Precision only buys speed.

use std::fmt;

pub mod abcs;

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Any,
    Object,
    None,
    Int,
    Float,
    Bool,
    Str,
    Bytes,
    I64,
    I32,
    I16,
    U8,
    List(Box<Type>),
    Dict(Box<Type>, Box<Type>),
    Set(Box<Type>),
    FrozenSet(Box<Type>),
    /// Fixed-length tuple.
    Tuple(Vec<Type>),
    /// Variable-length `tuple[T, ...]`.
    VarTuple(Box<Type>),
    Union(Vec<Type>),
    Range,
    /// A module object (by full name).
    Module(String),
    /// A class object (`int`, `ValueError`, ...), by full name.
    TypeObj(String),
    /// An instance of a class that is not otherwise modelled (`ValueError`,
    /// `Exception`, classes of the program in the checker), by full name,
    /// with the type arguments of a generic class (`Box[int]`; none when
    /// the class is not generic or they were not given, meaning `Any`).
    /// Represented as an object.
    Instance(String, Vec<Type>),
    /// A callable value (a function object).
    Callable,
    /// `Callable[[P1, P2], R]` (`params` is `None` for `Callable[..., R]`):
    /// the checker's view of annotated callables and simple functions.
    /// Compiled code calls such values generically.
    Function(Box<FnType>),
    /// A literal type (`Literal["r"]`, `Literal[1]`, `Literal[True]`): the
    /// checker's view; compiled code uses the value's type.
    Literal(Lit),
    /// A type variable of a generic function or class, by full name
    /// (`module.T`); the checker keeps its bound and constraints. Compiled
    /// code erases it to `object`.
    TypeVar(String),
}

/// The `typing` protocols of iteration and awaiting, which the checker
/// models as generic instances of these (class-less) names: iterating
/// over one gives its first type argument.
pub const ITERATION_PROTOCOLS: &[&str] =
    &["typing.Iterable", "typing.Iterator", "typing.Generator"];

/// The `typing` protocols of conversion to numbers (`SupportsFloat`,
/// ...), with the builtin types that have the protocol's method.
pub const NUMERIC_PROTOCOLS: &[(&str, &[Type])] = &[
    (
        "typing.SupportsFloat",
        &[Type::Int, Type::Float, Type::Bool],
    ),
    ("typing.SupportsInt", &[Type::Int, Type::Float, Type::Bool]),
    ("typing.SupportsIndex", &[Type::Int, Type::Bool]),
];

/// The other `typing` protocol names modelled as generic instances.
pub const AWAIT_PROTOCOLS: &[&str] = &[
    "typing.Awaitable",
    "typing.Coroutine",
    "typing.AsyncIterable",
    "typing.AsyncIterator",
    "typing.AsyncGenerator",
];

/// The value of a literal type.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Lit {
    Str(String),
    Int(i64),
    Bool(bool),
}

impl Lit {
    /// The type the value belongs to.
    pub fn base(&self) -> Type {
        match self {
            Lit::Str(_) => Type::Str,
            Lit::Int(_) => Type::Int,
            Lit::Bool(_) => Type::Bool,
        }
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Str(v) => write!(f, "'{v}'"),
            Lit::Int(v) => write!(f, "{v}"),
            Lit::Bool(true) => write!(f, "True"),
            Lit::Bool(false) => write!(f, "False"),
        }
    }
}

/// The signature of a `Callable` type: positional parameters only.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct FnType {
    pub params: Option<Vec<Type>>,
    pub ret: Type,
}

impl Type {
    /// The full names of the classes, modules and type variables `self`
    /// mentions (with repeats), for the modules a type depends on.
    pub fn named_parts<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Type::Module(n) | Type::TypeObj(n) | Type::TypeVar(n) => out.push(n),
            Type::Instance(n, args) => {
                out.push(n);
                args.iter().for_each(|a| a.named_parts(out));
            }
            Type::List(t) | Type::Set(t) | Type::FrozenSet(t) | Type::VarTuple(t) => {
                t.named_parts(out)
            }
            Type::Dict(k, v) => {
                k.named_parts(out);
                v.named_parts(out);
            }
            Type::Tuple(ts) | Type::Union(ts) => ts.iter().for_each(|t| t.named_parts(out)),
            Type::Function(f) => {
                f.params.iter().flatten().for_each(|p| p.named_parts(out));
                f.ret.named_parts(out);
            }
            _ => {}
        }
    }

    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn dict(k: Type, v: Type) -> Type {
        Type::Dict(Box::new(k), Box::new(v))
    }
    pub fn optional(t: Type) -> Type {
        union(vec![t, Type::None])
    }

    /// The element type produced by iterating over a value of this type.
    pub fn iter_item(&self) -> Type {
        match self {
            Type::List(t) | Type::Set(t) | Type::FrozenSet(t) | Type::VarTuple(t) => (**t).clone(),
            Type::Dict(k, _) => (**k).clone(),
            Type::Str => Type::Str,
            Type::Bytes => Type::Int,
            Type::Range => Type::Int,
            Type::Instance(c, args) if ITERATION_PROTOCOLS.contains(&c.as_str()) => {
                args.first().cloned().unwrap_or(Type::Any)
            }
            Type::Instance(..) => abcs::upcast(self, "typing.Iterable")
                .and_then(|args| args.into_iter().next())
                .unwrap_or(Type::Any),
            Type::Tuple(items) => items
                .iter()
                .cloned()
                .reduce(|a, b| join(&a, &b))
                .unwrap_or(Type::Any),
            _ => Type::Any,
        }
    }

    /// The type with every type variable replaced by `f(name)`.
    pub fn map_type_vars(&self, f: &dyn Fn(&str) -> Type) -> Type {
        let m = |t: &Type| t.map_type_vars(f);
        match self {
            Type::TypeVar(n) => f(n),
            Type::List(t) => Type::list(m(t)),
            Type::Set(t) => Type::Set(Box::new(m(t))),
            Type::FrozenSet(t) => Type::FrozenSet(Box::new(m(t))),
            Type::VarTuple(t) => Type::VarTuple(Box::new(m(t))),
            Type::Dict(k, v) => Type::dict(m(k), m(v)),
            Type::Tuple(items) => Type::Tuple(items.iter().map(m).collect()),
            Type::Instance(c, args) => Type::Instance(c.clone(), args.iter().map(m).collect()),
            Type::Union(items) => union(items.iter().map(m).collect()),
            Type::Function(ft) => Type::Function(Box::new(FnType {
                params: ft.params.as_ref().map(|ps| ps.iter().map(m).collect()),
                ret: m(&ft.ret),
            })),
            other => other.clone(),
        }
    }

    /// Add the type variables the type mentions to `out` (in order, once).
    pub fn collect_type_vars(&self, out: &mut Vec<String>) {
        match self {
            Type::TypeVar(n) if !out.contains(n) => out.push(n.clone()),
            Type::TypeVar(_) => {}
            Type::List(t) | Type::Set(t) | Type::FrozenSet(t) | Type::VarTuple(t) => {
                t.collect_type_vars(out)
            }
            Type::Dict(k, v) => {
                k.collect_type_vars(out);
                v.collect_type_vars(out);
            }
            Type::Tuple(items) | Type::Union(items) | Type::Instance(_, items) => {
                items.iter().for_each(|t| t.collect_type_vars(out))
            }
            Type::Function(ft) => {
                ft.params
                    .iter()
                    .flatten()
                    .for_each(|t| t.collect_type_vars(out));
                ft.ret.collect_type_vars(out);
            }
            _ => {}
        }
    }

    /// Does the type mention a type variable?
    pub fn has_type_vars(&self) -> bool {
        match self {
            Type::TypeVar(_) => true,
            Type::List(t) | Type::Set(t) | Type::FrozenSet(t) | Type::VarTuple(t) => {
                t.has_type_vars()
            }
            Type::Dict(k, v) => k.has_type_vars() || v.has_type_vars(),
            Type::Tuple(items) | Type::Union(items) | Type::Instance(_, items) => {
                items.iter().any(Type::has_type_vars)
            }
            Type::Function(ft) => {
                ft.ret.has_type_vars() || ft.params.iter().flatten().any(Type::has_type_vars)
            }
            _ => false,
        }
    }

    /// Is a value of this type known to be an int-like number?
    pub fn is_int_like(&self) -> bool {
        matches!(self, Type::Int | Type::Bool)
    }

    pub fn is_native_int(&self) -> bool {
        matches!(self, Type::I64 | Type::I32 | Type::I16 | Type::U8)
    }
}

/// Is `a` a subtype of `b` (values of `a` may be used where `b` is expected)?
pub fn is_subtype(a: &Type, b: &Type) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (_, Type::Any) | (Type::Any, _) | (_, Type::Object) => true,
        (Type::Literal(l), _) => is_subtype(&l.base(), b),
        (Type::Bool, Type::Int) | (Type::Bool, Type::Float) | (Type::Int, Type::Float) => true,
        // As in mypy, `int` values may be used as native ints (converted
        // with a range check), so `join(i64, int)` is `i64`.
        (Type::Int | Type::Bool, t) if t.is_native_int() => true,
        (Type::Union(items), _) => items.iter().all(|t| is_subtype(t, b)),
        (_, Type::Union(items)) => items.iter().any(|t| is_subtype(a, t)),
        (Type::Tuple(xs), Type::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| is_subtype(x, y))
        }
        (Type::Tuple(xs), Type::VarTuple(y)) => xs.iter().all(|x| is_subtype(x, y)),
        (Type::VarTuple(x), Type::VarTuple(y)) => is_subtype(x, y),
        // A generic class without type arguments has `Any` ones.
        (Type::Instance(c, xs), Type::Instance(d, ys)) if c == d => {
            xs.is_empty()
                || ys.is_empty()
                || xs
                    .iter()
                    .zip(ys)
                    .all(|(x, y)| *x == Type::Any || *y == Type::Any || x == y)
        }
        // Containers are invariant in mypy, but `list[Any]` is compatible.
        (Type::List(x), Type::List(y)) | (Type::Set(x), Type::Set(y)) => {
            **x == Type::Any || **y == Type::Any
        }
        (Type::Dict(k1, v1), Type::Dict(k2, v2)) => {
            (**k1 == Type::Any || **k2 == Type::Any || k1 == k2)
                && (**v1 == Type::Any || **v2 == Type::Any || v1 == v2)
        }
        _ => false,
    }
}

/// Is `a` a subtype of `b` without numeric promotions (an `int` is not a
/// `float` here, nor a native int): what union simplification may drop.
fn is_proper_subtype(a: &Type, b: &Type) -> bool {
    let promoted = |a: &Type, b: &Type| {
        matches!((a, b), (Type::Int | Type::Bool, Type::Float))
            || (matches!(a, Type::Int | Type::Bool) && b.is_native_int())
    };
    match (a, b) {
        _ if promoted(a, b) => false,
        (Type::Literal(l), _) if promoted(&l.base(), b) => false,
        (Type::Union(items), _) => items.iter().all(|t| is_proper_subtype(t, b)),
        (_, Type::Union(items)) => items.iter().any(|t| is_proper_subtype(a, t)),
        _ => is_subtype(a, b),
    }
}

/// A union as an annotation declares it: flattened and deduplicated, but
/// not simplified (mypy keeps `Union[int, bool]` as written, and a value
/// of it keeps its Python type).
pub fn declared_union(items: Vec<Type>) -> Type {
    let mut out: Vec<Type> = vec![];
    for t in items {
        let parts = match t {
            Type::Union(inner) => inner,
            other => vec![other],
        };
        for p in parts {
            if p == Type::Any {
                return Type::Any;
            }
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    match out.len() {
        0 => Type::Any,
        1 => out.pop().unwrap_or(Type::Any),
        _ => Type::Union(out),
    }
}

/// Build a simplified union: flattened, deduplicated, subsumed items
/// removed (subsumed without promotions: `int | float` stays a union).
pub fn union(items: Vec<Type>) -> Type {
    let mut flat: Vec<Type> = vec![];
    for t in items {
        match t {
            Type::Union(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    if flat.contains(&Type::Any) {
        return Type::Any;
    }
    let mut out: Vec<Type> = vec![];
    for t in flat {
        if out
            .iter()
            .any(|o| is_proper_subtype(&t, o) && !matches!(o, Type::Object))
        {
            continue;
        }
        out.retain(|o| !is_proper_subtype(o, &t) || matches!(t, Type::Object));
        out.push(t);
    }
    match out.len() {
        0 => Type::Any,
        1 => out.pop().unwrap_or(Type::Any),
        _ => Type::Union(out),
    }
}

/// The join of two types: the narrowest type both are subtypes of that the
/// compiler models (mypy's join, simplified: unions for `None`).
pub fn join(a: &Type, b: &Type) -> Type {
    if *a == Type::Any || *b == Type::Any {
        return Type::Any;
    }
    if is_subtype(a, b) {
        return b.clone();
    }
    if is_subtype(b, a) {
        return a.clone();
    }
    match (a, b) {
        (Type::None, _) | (_, Type::None) | (Type::Union(_), _) | (_, Type::Union(_)) => {
            union(vec![a.clone(), b.clone()])
        }
        (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => {
            Type::Tuple(xs.iter().zip(ys).map(|(x, y)| join(x, y)).collect())
        }
        _ => Type::Object,
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: &[Type]| {
            items
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Type::Any => write!(f, "Any"),
            Type::Object => write!(f, "object"),
            Type::None => write!(f, "None"),
            Type::Int => write!(f, "int"),
            Type::Float => write!(f, "float"),
            Type::Bool => write!(f, "bool"),
            Type::Str => write!(f, "str"),
            Type::Bytes => write!(f, "bytes"),
            Type::I64 => write!(f, "i64"),
            Type::I32 => write!(f, "i32"),
            Type::I16 => write!(f, "i16"),
            Type::U8 => write!(f, "u8"),
            Type::List(t) => write!(f, "list[{t}]"),
            Type::Dict(k, v) => write!(f, "dict[{k}, {v}]"),
            Type::Set(t) => write!(f, "set[{t}]"),
            Type::FrozenSet(t) => write!(f, "frozenset[{t}]"),
            Type::Tuple(items) => write!(f, "tuple[{}]", list(items)),
            Type::VarTuple(t) => write!(f, "tuple[{t}, ...]"),
            Type::Union(items) => {
                if items.len() == 2 && items.contains(&Type::None) {
                    let other = items
                        .iter()
                        .find(|t| **t != Type::None)
                        .unwrap_or(&Type::Any);
                    write!(f, "{other} | None")
                } else {
                    write!(
                        f,
                        "{}",
                        items
                            .iter()
                            .map(|t| t.to_string())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    )
                }
            }
            Type::Range => write!(f, "range"),
            Type::Module(m) => write!(f, "Module {m}"),
            Type::TypeObj(c) => write!(f, "type[{c}]"),
            Type::Instance(c, args) if !args.is_empty() => write!(f, "{c}[{}]", list(args)),
            Type::Instance(c, _) => write!(f, "{c}"),
            Type::Callable => write!(f, "Callable"),
            Type::Function(ft) => match &ft.params {
                Some(ps) => write!(f, "Callable[[{}], {}]", list(ps), ft.ret),
                None => write!(f, "Callable[..., {}]", ft.ret),
            },
            Type::TypeVar(full) => write!(f, "{}", full.rsplit('.').next().unwrap_or(full)),
            Type::Literal(l) => write!(f, "Literal[{l}]"),
        }
    }
}
