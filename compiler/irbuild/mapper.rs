//! From the checker's types to the types irbuild lowers with (mypyc's
//! `irbuild/mapper.py`): an instance of a class that is native in this
//! build and visible to the module being lowered is a native instance;
//! every other class instance is an object.

use std::collections::HashSet;

use crate::types::{FnType, Type};

/// What the mapping needs to know about the build.
#[derive(Clone, Debug, Default)]
pub struct Mapper {
    /// Full names of the native classes the module sees natively.
    native: HashSet<String>,
}

impl Mapper {
    pub fn new(native: HashSet<String>) -> Mapper {
        Mapper { native }
    }

    /// The checker's type `t` with the native classes marked as such.
    pub fn map(&self, t: &Type) -> Type {
        let m = |t: &Type| self.map(t);
        match t {
            Type::Instance(c, _) if self.native.contains(c) => Type::Native(c.clone()),
            Type::Union(items) => Type::Union(items.iter().map(m).collect()),
            Type::List(t) => Type::list(m(t)),
            Type::Set(t) => Type::Set(Box::new(m(t))),
            Type::FrozenSet(t) => Type::FrozenSet(Box::new(m(t))),
            Type::VarTuple(t) => Type::VarTuple(Box::new(m(t))),
            Type::Dict(k, v) => Type::dict(m(k), m(v)),
            Type::Tuple(items) => Type::Tuple(items.iter().map(m).collect()),
            Type::Function(ft) => Type::Function(Box::new(FnType {
                params: ft.params.as_ref().map(|ps| ps.iter().map(m).collect()),
                ret: m(&ft.ret),
            })),
            other => other.clone(),
        }
    }
}
