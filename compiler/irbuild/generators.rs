//! Generator functions, `yield`, `yield from` and generator expressions.
//!
//! A generator function `g` becomes two native functions: `g` itself, which
//! stores its (defaulted) arguments in a new state struct and returns a
//! generator object over it (lib-rt/gen_ops.c), and `g___resume(gen, sent,
//! exc)`, which holds the body. The resume function starts by loading the
//! arguments back from the state; each `yield` is a `Suspend` op, which
//! the suspend transform (transform/suspend.rs) turns into saving the live
//! values, returning, and a resumption point. `yield from x` hands the
//! iterator of `x` to the generator object, which drives it and resumes the
//! body with its return value.
//!
//! A generator expression is a nested generator function over the iterator
//! of its first `for` clause (evaluated where the expression is), called
//! right away; it reaches the enclosing function's variables as a closure.
//! With an `async for` clause or an `await` it is an async generator over
//! the async iterator of its first clause.
//!
//! `async def` gives a coroutine object over the same kind of resume
//! function; an `async def` that yields gives an async generator, whose
//! `__anext__()` awaitables (lib-rt/gen_ops.c) tell the values the body
//! yields from the ones its awaits pass out to the event loop.

use rustpython_parser::ast;

use super::{BuiltFunction, IrBuilder};
use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::primitives::Internal;
use crate::semanal::scope;

/// Finish building generator function `def`: `ib` has its arguments in
/// registers (defaults applied). Emits the creation of the generator object
/// into `ib` and builds the resume function with the body.
pub fn build_generator(
    mut ib: IrBuilder<'_>,
    def: &ast::StmtFunctionDef,
) -> Result<BuiltFunction, Vec<Diagnostic>> {
    let func = ib.b.f.decl.func.clone();
    let strct = StructRef {
        module: func.module.clone(),
        name: match &func.class {
            Some(c) => format!("{c}___{}_gen", func.name),
            None => format!("{}_gen", func.name),
        },
    };
    let params: Vec<String> = ib.b.f.decl.params.iter().map(|p| p.name.clone()).collect();
    let mut fields = vec![];
    let state = ib.b.add(Op::NewStruct(strct.clone()), RType::OBJECT);
    for (i, name) in params.iter().enumerate() {
        let Some(reg) = ib.b.locals.get(name).copied() else {
            continue;
        };
        fields.push((name.clone(), ib.b.f.rtype(reg).clone()));
        ib.b.add(
            Op::SetField {
                obj: state,
                strct: strct.clone(),
                field: i,
                value: reg,
                steal: false,
            },
            RType::Void,
        );
    }
    let resume = FuncRef {
        module: func.module.clone(),
        class: func.class.clone(),
        name: format!("{}___resume", func.name),
    };
    let g = ib.b.add(
        Op::NewGenerator {
            env: state,
            resume: resume.clone(),
            name: def.name.to_string(),
            kind: match (ib.parsed.is_async_def(def), scope::is_generator(&def.body)) {
                (false, _) => 0,
                (true, false) => 1,
                (true, true) => 2,
            },
        },
        RType::OBJECT,
    );
    let ret = ib.b.f.decl.ret.clone();
    let g = ib.b.coerce(g, &ret);
    ib.b.add(Op::Return(g), RType::Void);

    let decl = FuncDecl {
        func: resume,
        params: ["__mypyc_gen__", "__mypyc_sent__", "__mypyc_exc__"]
            .iter()
            .map(|n| Param {
                name: n.to_string(),
                rtype: RType::OBJECT,
                kind: ArgKind::Positional,
                pos_only: true,
            })
            .collect(),
        ret: RType::OBJECT,
        has_wrapper: false,
        line: ib.b.f.decl.line,
        nested: true,
    };
    let mut rb = IrBuilder::for_function(
        ib.parsed,
        ib.module,
        decl,
        ib.local_types.clone(),
        ib.local_names.clone(),
        &ib.opts,
    );
    rb.current_class = ib.current_class.clone();
    rb.first_param = ib.first_param.clone();
    rb.closure.ancestors = ib.closure.ancestors.clone();
    rb.set_line(def);
    let gen = rb.b.f.args[0];
    rb.generator = Some(gen);
    let env = rb.b.prim_named(Internal::GenEnv, &[gen]);
    for (i, (name, rtype)) in fields.iter().enumerate() {
        let v = rb.b.add(
            Op::GetField {
                obj: env,
                strct: strct.clone(),
                field: i,
                rtype: rtype.clone(),
                take: false,
            },
            rtype.clone(),
        );
        let reg = rb.b.new_register(rtype.clone(), Some(name.clone()));
        rb.b.assign(reg, v);
        rb.b.locals.insert(name.clone(), reg);
    }
    if !rb.closure.ancestors.is_empty() {
        rb.closure.incoming = rb.b.locals.get(super::nested::ENV_PARAM).copied();
    }
    rb.setup_environment(&def.args, &def.body);
    rb.stmts(&def.body);
    if !rb.b.terminated() {
        let n = rb.b.none();
        let v = rb.b.boxed(n);
        rb.b.add(Op::Return(v), RType::Void);
    }
    rb.b.f.suspend = Some(SuspendState { strct, fields });
    let mut errors = ib.b.errors;
    errors.extend(rb.b.errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut funcs = vec![ib.b.f, rb.b.f];
    funcs.extend(ib.nested);
    funcs.extend(rb.nested);
    let mut structs = ib.structs;
    structs.extend(rb.structs);
    Ok(BuiltFunction { funcs, structs })
}

impl<'a> IrBuilder<'a> {
    /// `yield value`: suspend, giving `value`; the result is what is sent in.
    pub fn yield_expr(&mut self, y: &ast::ExprYield) -> ValueId {
        if self.generator.is_none() {
            self.unsupported(y, "'yield' outside a function body");
            return self.b.null();
        }
        let v = match &y.value {
            Some(e) => self.expr(e),
            None => self.b.none(),
        };
        let v = self.b.boxed(v);
        self.set_line(y);
        self.b.add(Op::Suspend(v), RType::OBJECT)
    }

    /// `yield from it`: delegate to the iterator of `it` until it finishes;
    /// the result is its return value.
    pub fn yield_from_expr(&mut self, y: &ast::ExprYieldFrom) -> ValueId {
        let Some(gen) = self.generator else {
            self.unsupported(y, "'yield from' outside a function body");
            return self.b.null();
        };
        let v = self.expr(&y.value);
        let v = self.b.boxed(v);
        self.set_line(y);
        let it = self.b.prim_named(Internal::GetIter, &[v]);
        self.b.prim_named(Internal::GenSetDelegate, &[gen, it]);
        let none = self.b.none();
        let none = self.b.boxed(none);
        self.b.add(Op::Suspend(none), RType::OBJECT)
    }

    /// `await x`: delegate to the awaitable's iterator until it finishes;
    /// the result is its return value.
    pub fn await_expr(&mut self, a: &ast::ExprAwait) -> ValueId {
        let Some(gen) = self.generator else {
            self.unsupported(a, "'await' outside an async function");
            return self.b.null();
        };
        let v = self.expr(&a.value);
        self.set_line(a);
        let _ = gen;
        self.await_value(v)
    }

    /// Await the value `v` (in a coroutine's resume function).
    pub fn await_value(&mut self, v: ValueId) -> ValueId {
        let Some(gen) = self.generator else {
            return self.b.null();
        };
        let v = self.b.boxed(v);
        let it = self.b.prim_named(Internal::GenGetAwaitable, &[v]);
        self.b.prim_named(Internal::GenSetDelegate, &[gen, it]);
        let none = self.b.none();
        let none = self.b.boxed(none);
        self.b.add(Op::Suspend(none), RType::OBJECT)
    }

    /// A generator expression: a nested generator function over the
    /// iterator of the first `for` clause, called at once.
    pub fn generator_expr(&mut self, g: &ast::ExprGeneratorExp) -> ValueId {
        let Some(first) = g.generators.first() else {
            return self.b.null();
        };
        let iterable = self.expr(&first.iter);
        let iterable = self.b.boxed(iterable);
        let it = if first.is_async {
            self.b.prim_named(Internal::GenGetAiter, &[iterable])
        } else {
            self.b.prim_named(Internal::GetIter, &[iterable])
        };
        let def = scope::genexpr_function(g);
        let Some(f) = self.nested_function_object(&def, "<genexpr>") else {
            return self.b.null();
        };
        self.call_values(f, vec![it])
    }
}
