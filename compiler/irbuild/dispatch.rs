//! Calls of `functools.singledispatch` functions of the module: the
//! implementation for the type of the first argument comes from a cache
//! kept by the call's function (`CPySingleDispatch_Find`, lib-rt's
//! dispatch_ops.c), which asks `func.dispatch(type)` only for types it has
//! not seen since the registry last changed; the implementation is then
//! called directly, not through the wrapper functools made.
//!
//! The function stays functools' own object (`register`, `registry`,
//! `dispatch` and registrations from other modules work as they do
//! interpreted); only the lookup is cached.

use rustpython_parser::ast;

use super::IrBuilder;
use crate::checker::program::binding_counts;
use crate::ir::*;
use crate::primitives::Internal;

impl<'a> IrBuilder<'a> {
    /// `f(x, ...)` of a module-level `@singledispatch` function `f` with
    /// positional arguments.
    pub fn singledispatch_call(&mut self, name: &str, c: &ast::ExprCall) -> Option<ValueId> {
        let plain = c.keywords.is_empty()
            && !c.args.is_empty()
            && !c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)));
        if !plain || !self.is_singledispatch_function(name) {
            return None;
        }
        let func = self.load_name(name, &c.func);
        let args: Vec<ValueId> = c.args.iter().map(|a| self.expr(a)).collect();
        let first = self.b.boxed(args[0]);
        let cache = StaticRef::Cached(format!("{}.{name}.__dispatch_cache__", self.module.name));
        let cache = self.load_cached(cache, &mut |this: &mut IrBuilder| {
            this.b.prim_named(Internal::NewDispatchCache, &[])
        });
        self.set_line(c);
        let implementation = self
            .b
            .prim_named(Internal::SingleDispatchFind, &[cache, func, first]);
        Some(self.call_values(implementation, args))
    }

    /// Is `name` a function of this module's top level, bound only by a
    /// `def` decorated with `functools.singledispatch` (and nothing else)?
    fn is_singledispatch_function(&self, name: &str) -> bool {
        let decorated = self.parsed.body.iter().any(|s| match s {
            ast::Stmt::FunctionDef(d) if d.name.as_str() == name => {
                match d.decorator_list.as_slice() {
                    [only] => self
                        .opts
                        .program
                        .imported_name(&self.module.name, only)
                        .is_some_and(|(m, n)| m == "functools" && n == "singledispatch"),
                    _ => false,
                }
            }
            _ => false,
        });
        decorated
            && !self.is_class_ns_name(name)
            && binding_counts(&self.parsed.body).get(name) == Some(&1)
    }
}
