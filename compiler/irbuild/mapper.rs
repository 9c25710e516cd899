//! From the checker's types to runtime representations (mypyc's
//! `irbuild/mapper.py`): an instance of a class that is native in this
//! build and visible to the module being lowered is a native instance;
//! every other class instance is an object; type variables are erased.
//! irbuild keeps the checker's types and asks the mapper for the RType of
//! each value it creates.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::checker::program::{AnnCtx, DefParts, Program};
use crate::ir::{FuncDecl, FuncRef, ObjKind, Param, RType};
use crate::parse::ParsedModule;
use crate::semanal::{FuncSig, ParamKind, ParamSig};
use crate::types::{FnType, Type};

/// What the mapping needs to know about the build.
#[derive(Clone, Debug, Default)]
pub struct Mapper {
    /// Full names of the native classes the module sees natively.
    native: HashSet<String>,
    /// Full names of the `typing.NamedTuple` classes: their instances are
    /// tuples at run time.
    named_tuples: HashSet<String>,
}

impl Mapper {
    pub fn new(native: HashSet<String>) -> Mapper {
        Mapper {
            native,
            named_tuples: HashSet::new(),
        }
    }

    /// This mapper, representing instances of the `NamedTuple` classes of
    /// `program` as tuple objects.
    pub fn with_named_tuples(mut self, program: &Program) -> Mapper {
        self.named_tuples = program
            .classes
            .iter()
            .filter(|(_, c)| c.is_named_tuple)
            .map(|(full, _)| full.clone())
            .collect();
        self
    }

    /// Is `class` (a full name) a native class as this module sees it?
    pub fn is_native(&self, class: &str) -> bool {
        self.native.contains(class)
    }

    /// The native class of a value of type `C` or `Optional[C]`.
    pub fn optional_native(&self, t: &Type) -> Option<String> {
        match t {
            Type::Instance(c, _) if self.is_native(c) => Some(c.clone()),
            Type::Union(items) if items.len() == 2 && items.contains(&Type::None) => {
                items.iter().find_map(|i| self.native_class(i))
            }
            _ => None,
        }
    }

    /// The native class of a value of type `t`, if `t` is one.
    pub fn native_class(&self, t: &Type) -> Option<String> {
        match t {
            Type::Instance(c, _) if self.is_native(c) => Some(c.clone()),
            _ => None,
        }
    }

    /// The checker's type `t` as irbuild uses it: type variables erased
    /// (to `Any`, compiled as `object`).
    pub fn map(&self, t: &Type) -> Type {
        let m = |t: &Type| self.map(t);
        match t {
            Type::TypeVar(_) => Type::Any,
            Type::Union(items) => Type::Union(items.iter().map(m).collect()),
            Type::List(t) => Type::list(m(t)),
            Type::Set(t) => Type::Set(Box::new(m(t))),
            Type::FrozenSet(t) => Type::FrozenSet(Box::new(m(t))),
            Type::VarTuple(t) => Type::VarTuple(Box::new(m(t))),
            Type::Dict(k, v) => Type::dict(m(k), m(v)),
            Type::Tuple(items) => Type::Tuple(items.iter().map(m).collect()),
            Type::Instance(c, args) => Type::Instance(c.clone(), args.iter().map(m).collect()),
            Type::Function(ft) => Type::Function(Box::new(FnType {
                params: ft.params.as_ref().map(|ps| ps.iter().map(m).collect()),
                ret: m(&ft.ret),
            })),
            other => other.clone(),
        }
    }

    /// The runtime representation of values of type `t`.
    pub fn rtype(&self, t: &Type) -> RType {
        match t {
            Type::Int => RType::Int,
            Type::Float => RType::Float,
            Type::Bool => RType::Bool,
            Type::None => RType::None,
            Type::I64 => RType::I64,
            Type::I32 => RType::I32,
            Type::I16 => RType::I16,
            Type::U8 => RType::U8,
            Type::Str => RType::STR,
            Type::Bytes => RType::Object(ObjKind::Bytes),
            Type::List(_) => RType::LIST,
            Type::Dict(..) => RType::DICT,
            Type::Set(_) => RType::Object(ObjKind::Set),
            Type::FrozenSet(_) => RType::Object(ObjKind::FrozenSet),
            Type::Tuple(items) => RType::Tuple(items.iter().map(|t| self.rtype(t)).collect()),
            Type::VarTuple(_) => RType::Object(ObjKind::Tuple),
            Type::Range => RType::Object(ObjKind::Range),
            Type::Instance(c, _) if self.is_native(c) => RType::Instance(c.clone()),
            Type::Instance(c, _) if self.named_tuples.contains(c) => RType::Object(ObjKind::Tuple),
            Type::Union(items) => self.union_rtype(items),
            Type::Any
            | Type::Object
            | Type::Module(_)
            | Type::TypeObj(_)
            | Type::Instance(..)
            | Type::Callable
            | Type::Function(_)
            | Type::TypeVar(_) => RType::OBJECT,
            Type::Literal(l) => self.rtype(&l.base()),
        }
    }

    /// The declaration of a module-level function with signature `sig`.
    pub fn func_decl(&self, module: &str, sig: &FuncSig) -> FuncDecl {
        FuncDecl {
            func: FuncRef {
                module: module.to_string(),
                class: None,
                name: sig.name.clone(),
            },
            params: sig
                .params
                .iter()
                .map(|p| Param {
                    name: p.name.clone(),
                    rtype: self.param_rtype(p),
                    kind: super::arg_kind(p),
                    pos_only: p.pos_only,
                })
                .collect(),
            ret: self.rtype(&sig.ret),
            has_wrapper: true,
            line: sig.line,
            nested: false,
        }
    }

    /// The native representation of a parameter. Optional parameters
    /// whose type's error value overlaps a valid value (float, native
    /// ints) are passed boxed, so that "omitted" (NULL) is distinguishable.
    pub fn param_rtype(&self, p: &ParamSig) -> RType {
        let t = self.rtype(&p.ty);
        if p.has_default && t.error_overlaps() {
            t.boxed()
        } else {
            t
        }
    }

    /// A union of the boxed representations of its items (`None` kept),
    /// or an object when one item is only known to be an object.
    fn union_rtype(&self, items: &[Type]) -> RType {
        let mut rs: Vec<RType> = vec![];
        for t in items {
            let r = match t {
                Type::None => RType::None,
                other => self.rtype(other).boxed(),
            };
            if r == RType::OBJECT {
                return RType::OBJECT;
            }
            if !rs.contains(&r) {
                rs.push(r);
            }
        }
        RType::Union(rs)
    }

    /// The type annotation `e` (in `module`) denotes.
    pub fn annotation(&self, program: &Program, module: &str, e: &ast::Expr) -> Type {
        self.map(&AnnCtx { program, module }.resolve(e))
    }

    /// The compiled signature of `def` in `module`, from the checker's
    /// signature: `*args` and `**kwargs` as the tuple and dict they bind,
    /// an `async def` returning its coroutine, positional-only parameters
    /// those the syntax makes so.
    pub fn func_sig(
        &self,
        program: &Program,
        module: &str,
        parsed: &ParsedModule,
        def: &ast::StmtFunctionDef,
    ) -> FuncSig {
        let line = parsed.line_of(def);
        let parts = DefParts::of_function(def, parsed.is_async_def(def));
        let sig = AnnCtx { program, module }.sig(&parts, None);
        let params = sig
            .params
            .into_iter()
            .enumerate()
            .map(|(i, p)| ParamSig {
                ty: match p.kind {
                    ParamKind::Star => Type::VarTuple(Box::new(self.map(&p.ty))),
                    ParamKind::Star2 => Type::dict(Type::Str, self.map(&p.ty)),
                    _ => self.map(&p.ty),
                },
                pos_only: i < def.args.posonlyargs.len(),
                ..p
            })
            .collect();
        let ret = if sig.is_async && !sig.is_generator {
            Type::Any
        } else {
            self.map(&sig.ret)
        };
        FuncSig {
            name: def.name.to_string(),
            params,
            ret,
            line,
        }
    }
}
