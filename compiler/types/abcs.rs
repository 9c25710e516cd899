//! The `typing` collection ABCs (`Sequence[T]`, `Mapping[K, V]`, `Sized`,
//! ... also reached through `collections.abc`), which the checker models
//! as generic instances of these class-less names, like the iteration
//! protocols. One table says, per ABC, how many type parameters it takes,
//! which of them are covariant and which other ABCs (or iteration
//! protocols) it is nominally a subtype of; `as_abc` says which ABC each
//! builtin container type is. Everything else (iteration items, indexing,
//! compatibility) follows from viewing a type as a given ABC (`upcast`).
//! Compiled code treats these values as plain objects.

use super::{union, Type};

/// How the arguments of an ABC give those of one of its bases.
#[derive(Clone, Copy)]
enum BaseArgs {
    /// The same arguments.
    Same,
    /// Only the first (a mapping is a collection of its keys).
    First,
    /// No arguments (`Sized`).
    NoArgs,
    /// A tuple of the first two (an items view is a set of pairs).
    Pair,
}

/// One modelled ABC.
pub struct Abc {
    pub name: &'static str,
    /// Whether each type parameter is covariant (the others are invariant).
    pub covariant: &'static [bool],
    bases: &'static [(&'static str, BaseArgs)],
}

use BaseArgs::*;

/// The modelled ABCs.
pub const COLLECTION_ABCS: &[Abc] = &[
    Abc {
        name: "typing.Sized",
        covariant: &[],
        bases: &[],
    },
    Abc {
        name: "typing.Container",
        covariant: &[true],
        bases: &[],
    },
    Abc {
        name: "typing.Collection",
        covariant: &[true],
        bases: &[
            ("typing.Iterable", Same),
            ("typing.Container", Same),
            ("typing.Sized", NoArgs),
        ],
    },
    Abc {
        name: "typing.Sequence",
        covariant: &[true],
        bases: &[("typing.Collection", Same)],
    },
    Abc {
        name: "typing.MutableSequence",
        covariant: &[false],
        bases: &[("typing.Sequence", Same)],
    },
    Abc {
        name: "typing.AbstractSet",
        covariant: &[true],
        bases: &[("typing.Collection", Same)],
    },
    Abc {
        name: "typing.MutableSet",
        covariant: &[false],
        bases: &[("typing.AbstractSet", Same)],
    },
    Abc {
        name: "typing.Mapping",
        covariant: &[false, true],
        bases: &[("typing.Collection", First)],
    },
    Abc {
        name: "typing.MutableMapping",
        covariant: &[false, false],
        bases: &[("typing.Mapping", Same)],
    },
    Abc {
        name: "typing.KeysView",
        covariant: &[true],
        bases: &[("typing.AbstractSet", Same)],
    },
    Abc {
        name: "typing.ValuesView",
        covariant: &[true],
        bases: &[("typing.Collection", Same)],
    },
    Abc {
        name: "typing.ItemsView",
        covariant: &[true, true],
        bases: &[("typing.AbstractSet", Pair)],
    },
];

/// The table entry of a modelled ABC, by full name (`typing.Sequence`).
pub fn abc(name: &str) -> Option<&'static Abc> {
    COLLECTION_ABCS.iter().find(|a| a.name == name)
}

/// Is `t` an instance of a modelled ABC?
pub fn is_abc_instance(t: &Type) -> bool {
    matches!(t, Type::Instance(c, _) if abc(c).is_some())
}

/// The ABC (or iteration protocol) a value of type `t` directly is, with
/// its type arguments: `list[T]` is a `MutableSequence[T]`, `str` a
/// `Sequence[str]`... `None` for types that are none of them or that the
/// model does not know.
pub fn as_abc(t: &Type) -> Option<(&'static str, Vec<Type>)> {
    let one = |name: &'static str, x: &Type| Some((name, vec![x.clone()]));
    match t {
        Type::List(x) => one("typing.MutableSequence", x),
        Type::Set(x) => one("typing.MutableSet", x),
        Type::FrozenSet(x) => one("typing.AbstractSet", x),
        Type::VarTuple(x) => one("typing.Sequence", x),
        Type::Tuple(xs) => one("typing.Sequence", &union(xs.clone())),
        Type::Dict(k, v) => Some(("typing.MutableMapping", vec![(**k).clone(), (**v).clone()])),
        Type::Str => one("typing.Sequence", &Type::Str),
        Type::Bytes | Type::Range => one("typing.Sequence", &Type::Int),
        Type::Literal(l) => as_abc(&l.base()),
        Type::Instance(c, args) => {
            let (name, params) = match abc(c) {
                Some(a) => (a.name, a.covariant.len()),
                None => (*super::ITERATION_PROTOCOLS.iter().find(|p| *p == c)?, 1),
            };
            let mut args = args.clone();
            args.resize(params, Type::Any);
            Some((name, args))
        }
        _ => None,
    }
}

/// The type arguments of `t` viewed as the ABC (or iteration protocol)
/// `target`; `None` when `t` is not one (or not known to be).
pub fn upcast(t: &Type, target: &str) -> Option<Vec<Type>> {
    let (name, args) = as_abc(t)?;
    upcast_from(name, args, target)
}

fn upcast_from(name: &str, args: Vec<Type>, target: &str) -> Option<Vec<Type>> {
    if name == target {
        return Some(args);
    }
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Type::Any);
    abc(name)?.bases.iter().find_map(|(base, how)| {
        let given = match how {
            Same => args.clone(),
            First => vec![arg(0)],
            NoArgs => vec![],
            Pair => vec![Type::Tuple(vec![arg(0), arg(1)])],
        };
        upcast_from(base, given, target)
    })
}
