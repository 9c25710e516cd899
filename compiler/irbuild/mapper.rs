//! From the checker's types and signatures to the ones irbuild lowers with
//! (mypyc's `irbuild/mapper.py`): an instance of a class that is native in
//! this build and visible to the module being lowered is a native
//! instance; every other class instance is an object; type variables are
//! erased.

use std::collections::HashSet;

use rustpython_parser::ast;

use crate::checker::program::{AnnCtx, DefParts, Program};
use crate::parse::ParsedModule;
use crate::semanal::{FuncSig, ParamKind, ParamSig};
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
            Type::TypeVar(_) => Type::Any,
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
