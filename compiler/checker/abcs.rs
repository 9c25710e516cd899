//! The checker's side of the `typing` collection ABCs (`Sequence[T]`,
//! `Mapping[K, V]`, ...; the model itself is `crate::types::abcs`):
//! compatibility with them and of their values with other types, the
//! types of subscripts on them, and the builtins-stub classes that
//! describe their methods (`_Sequence`, `_Mapping`, ... in
//! `stubs/builtins.pyi`, private there and shown under the ABC's name).

use crate::types::abcs::{abc, as_abc, is_abc_instance, upcast, Abc};
use crate::types::{Type, AWAIT_PROTOCOLS, ITERATION_PROTOCOLS};

use super::compat::{compatible, definite, items_match};
use super::program::Program;

/// May a value of type `a` be used where `b` is expected, as far as the
/// collection ABCs decide it (`None`: not a question about them, or left
/// to the general rules)?
pub fn compatible_abc(a: &Type, b: &Type, p: &Program) -> Option<bool> {
    if let Type::Instance(y, ys) = b {
        if let Some(target) = abc(y) {
            return Some(fits_abc(a, target, ys, p));
        }
    }
    if !is_abc_instance(a) {
        return None;
    }
    match b {
        Type::Instance(y, _)
            if ITERATION_PROTOCOLS.contains(&y.as_str())
                || AWAIT_PROTOCOLS.contains(&y.as_str()) =>
        {
            None
        }
        // An ABC is no builtin type nor class of the program.
        _ if definite(b, p) => Some(false),
        _ => None,
    }
}

/// May a value of type `a` be used where ABC `target[ys]` is expected?
/// Values the model knows the shape of must be that ABC with arguments
/// that fit; others (classes of the program, type variables, callables)
/// are not decided here and count as compatible.
fn fits_abc(a: &Type, target: &Abc, ys: &[Type], p: &Program) -> bool {
    match upcast(a, target.name) {
        Some(xs) => xs
            .iter()
            .zip(ys)
            .zip(target.covariant)
            .all(|((x, y), &co)| {
                if co {
                    compatible(x, y, p)
                } else {
                    items_match(x, y, p)
                }
            }),
        None => !known_shape(a),
    }
}

/// Types whose relation to every collection ABC the model knows.
fn known_shape(t: &Type) -> bool {
    match t {
        Type::Instance(c, _) => AWAIT_PROTOCOLS.contains(&c.as_str()) || as_abc(t).is_some(),
        Type::None | Type::Int | Type::Float | Type::Bool => true,
        other => as_abc(other).is_some(),
    }
}

/// The builtins-stub class describing the methods of an ABC instance, with
/// its type arguments.
pub fn stub_class(t: &Type) -> Option<(String, Vec<Type>)> {
    match t {
        Type::Instance(c, args) if abc(c).is_some() => {
            let name = c.trim_start_matches("typing.");
            Some((format!("builtins._{name}"), args.clone()))
        }
        _ => None,
    }
}

/// The name mypy shows for the owner of an ABC method (the stub class
/// without its private underscore).
pub fn owner_name(stub_owner: &str) -> &str {
    stub_owner.trim_start_matches('_')
}

/// What subscripting an ABC instance gives.
pub enum Subscript {
    /// A sequence's item (or the sequence, for a slice).
    Item(Type),
    /// A mapping's value, with the key type the index must fit.
    Value(Type, Type),
    /// Not a sequence nor a mapping.
    NotIndexable,
}

/// The result of `base[index]` for an ABC instance `base`; `None` when
/// `base` is not one.
pub fn subscript(base: &Type, index: &Type, is_slice: bool) -> Option<Subscript> {
    if !is_abc_instance(base) {
        return None;
    }
    let arg = |args: &[Type], i: usize| args.get(i).cloned().unwrap_or(Type::Any);
    if let Some(kv) = upcast(base, "typing.Mapping") {
        return Some(Subscript::Value(arg(&kv, 1), arg(&kv, 0)));
    }
    let Some(item) = upcast(base, "typing.Sequence") else {
        return Some(Subscript::NotIndexable);
    };
    Some(Subscript::Item(
        match (is_slice, index.is_int_like() || index.is_native_int()) {
            (true, _) => base.clone(),
            (false, true) => arg(&item, 0),
            _ => Type::Any,
        },
    ))
}

/// What `base[k] = v` needs for an ABC instance `base`: `Some(Some((key,
/// value)))` for a mutable mapping, `Some(None)` when it supports no item
/// assignment; `None` when not an ABC instance or not decided here.
pub fn set_item(base: &Type) -> Option<Option<(Type, Type)>> {
    if !is_abc_instance(base) || upcast(base, "typing.MutableSequence").is_some() {
        return None;
    }
    Some(upcast(base, "typing.MutableMapping").map(|kv| {
        let arg = |i: usize| kv.get(i).cloned().unwrap_or(Type::Any);
        (arg(0), arg(1))
    }))
}

/// Is a list display checked item by item where `typing` name `c` is
/// expected (as mypy infers the display from that context)?
pub fn takes_list_display(c: &str) -> bool {
    matches!(
        c,
        "typing.Iterable" | "typing.Collection" | "typing.Sequence" | "typing.MutableSequence"
    )
}

/// The key and value types a dict display's entries must have where
/// `expected` is expected: a dict's or a (mutable) mapping's.
pub fn dict_display_entry(expected: &Type) -> Option<(Type, Type)> {
    let kv = match expected {
        Type::Dict(k, v) => return Some(((**k).clone(), (**v).clone())),
        Type::Instance(c, args)
            if matches!(c.as_str(), "typing.Mapping" | "typing.MutableMapping") =>
        {
            args
        }
        _ => return None,
    };
    let arg = |i: usize| kv.get(i).cloned().unwrap_or(Type::Any);
    Some((arg(0), arg(1)))
}
