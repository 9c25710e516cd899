//! Lowering `def` statements that create function objects at run time
//! (decorated module-level functions, methods) and `class` statements.
//!
//! Classes are built the way the interpreter builds them (metaclass,
//! `__prepare__`, namespace, metaclass call), with each method a compiled
//! native function exposed through a function object. Instances are
//! ordinary Python objects, accessed with generic attribute operations.

use rustpython_parser::ast;

use super::IrBuilder;
use crate::ir::*;

impl<'a> IrBuilder<'a> {
    /// Apply decorators (already evaluated, outermost first) to a value.
    fn apply_decorators(&mut self, decorators: Vec<ValueId>, mut v: ValueId) -> ValueId {
        for d in decorators.into_iter().rev() {
            v = self.call_values(d, vec![v]);
        }
        v
    }

    fn eval_decorators(&mut self, list: &[ast::Expr]) -> Vec<ValueId> {
        list.iter()
            .map(|d| {
                let v = self.expr(d);
                self.b.boxed(v)
            })
            .collect()
    }

    /// The decorators of function `def`, evaluated. `@f.register` of a
    /// module-level `functools.singledispatch` function `f` becomes
    /// `@f.register(<annotation of the first parameter>)`: compiled
    /// function objects carry no `__annotations__` for `register` to read.
    pub fn eval_function_decorators(&mut self, def: &ast::StmtFunctionDef) -> Vec<ValueId> {
        let first_annotation = def
            .args
            .posonlyargs
            .iter()
            .chain(&def.args.args)
            .next()
            .and_then(|a| a.def.annotation.as_deref())
            .filter(|a| !matches!(a, ast::Expr::Constant(_)));
        def.decorator_list
            .iter()
            .map(|d| {
                let v = self.expr(d);
                let v = self.b.boxed(v);
                match (first_annotation, self.is_singledispatch_register(d)) {
                    (Some(ann), true) => {
                        let t = self.expr(ann);
                        let t = self.b.boxed(t);
                        self.call_values(v, vec![t])
                    }
                    _ => v,
                }
            })
            .collect()
    }

    /// Is `d` the `register` attribute of a module-level function decorated
    /// with `singledispatch`?
    fn is_singledispatch_register(&self, d: &ast::Expr) -> bool {
        let ast::Expr::Attribute(a) = d else {
            return false;
        };
        let ast::Expr::Name(base) = &*a.value else {
            return false;
        };
        a.attr.as_str() == "register"
            && self.parsed.body.iter().any(|s| match s {
                ast::Stmt::FunctionDef(f) => {
                    f.name.as_str() == base.id.as_str()
                        && f.decorator_list.iter().any(|dec| match dec {
                            ast::Expr::Name(n) => n.id.as_str() == "singledispatch",
                            ast::Expr::Attribute(x) => x.attr.as_str() == "singledispatch",
                            _ => false,
                        })
                }
                _ => false,
            })
    }

    /// A `def` statement in module, class or function scope.
    pub fn function_def_stmt(&mut self, d: &ast::StmtFunctionDef) {
        let in_class = self.class_ns.is_some();
        if !in_class && !self.is_top_level {
            self.nested_def_stmt(d);
            return;
        }
        let name = crate::semanal::def_key(&self.method_defs, d.name.as_str());
        self.method_defs.push(d.name.to_string());
        let class = if in_class {
            self.class_being_built.clone()
        } else {
            None
        };
        let func = FuncRef {
            module: self.module.name.clone(),
            class,
            name: name.clone(),
        };
        self.store_defaults(d, &func);
        if !in_class && self.module.func(&name).is_some() {
            // Exposed through the module's method table at init.
            return;
        }
        let decorators = self.eval_function_decorators(d);
        let class = if in_class {
            self.class_being_built.clone()
        } else {
            None
        };
        let func = FuncRef {
            module: self.module.name.clone(),
            class,
            name,
        };
        let f = self.b.add(
            Op::FuncObject {
                func,
                name: d.name.to_string(),
                env: None,
            },
            RType::OBJECT,
        );
        let v = if in_class && decorators.is_empty() {
            self.b.prim_named("generic.instance_method", &[f])
        } else {
            self.apply_decorators(decorators, f)
        };
        self.bind_name(d.name.as_str(), v);
    }

    /// Evaluate the non-constant defaults of `d` where the `def` runs and
    /// keep them in the module dict for the native function to read.
    pub fn store_defaults(&mut self, d: &ast::StmtFunctionDef, func: &FuncRef) {
        let args = &d.args;
        for a in args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
        {
            let Some(default) = &a.default else { continue };
            if super::is_constant_default(default) {
                continue;
            }
            let v = self.expr(default);
            let v = self.b.boxed(v);
            let globals = self.b.globals();
            let key = self
                .b
                .str_lit(&super::default_key(func, a.def.arg.as_str()));
            self.b.prim_named("generic.globals_set", &[globals, key, v]);
        }
    }

    /// A `class` statement at module level.
    pub fn class_def_stmt(&mut self, c: &ast::StmtClassDef) {
        if !self.is_top_level || self.class_ns.is_some() {
            self.unsupported(c, "nested class");
            return;
        }
        if !c.type_params.is_empty() {
            self.unsupported(c, "class type parameters");
            return;
        }
        let decorators = self.eval_decorators(&c.decorator_list);
        let mut bases = vec![];
        for b in &c.bases {
            let v = self.expr(b);
            bases.push(self.b.boxed(v));
        }
        let mut meta = None;
        for k in &c.keywords {
            match k.arg.as_ref().map(|a| a.as_str()) {
                Some("metaclass") => {
                    let v = self.expr(&k.value);
                    meta = Some(self.b.boxed(v));
                }
                _ => {
                    self.unsupported(&k.value, "class keyword argument");
                    return;
                }
            }
        }
        let n = self.b.ssize(bases.len() as i64);
        let mut args = vec![n];
        args.extend(bases);
        let bases_tuple = self.b.prim_named("generic.build_tuple", &args);
        let zero = self.b.ssize(0);
        let ns_v = self.b.prim_named("generic.build_dict", &[zero]);
        let ns = self.b.new_register(RType::DICT, None);
        self.b.assign(ns, ns_v);
        self.ns_set(ns, "__module__", |this| {
            this.b.str_lit(&this.module.name.clone())
        });
        let qualname = c.name.to_string();
        self.ns_set(ns, "__qualname__", |this| this.b.str_lit(&qualname));
        let annotated: Vec<(String, String)> = c
            .body
            .iter()
            .filter_map(|s| match s {
                ast::Stmt::AnnAssign(a) => match &*a.target {
                    ast::Expr::Name(n) => Some((
                        n.id.to_string(),
                        self.parsed.lines.text(&*a.annotation).to_string(),
                    )),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if !annotated.is_empty() {
            let zero = self.b.ssize(0);
            let ann = self.b.prim_named("generic.build_dict", &[zero]);
            for (name, text) in &annotated {
                let k = self.b.str_lit(name);
                let v = self.b.str_lit(text);
                self.b.prim_named("generic.dict_set", &[ann, k, v]);
            }
            self.ns_set(ns, "__annotations__", |_| ann);
        }
        let saved_defs = std::mem::take(&mut self.method_defs);
        self.class_ns = Some((ns, vec![]));
        self.class_being_built = Some(c.name.to_string());
        for (i, s) in c.body.iter().enumerate() {
            match s {
                ast::Stmt::Expr(e)
                    if i == 0
                        && matches!(&*e.value, ast::Expr::Constant(k) if k.value.is_str()) =>
                {
                    let v = self.expr(&e.value);
                    self.ns_set(ns, "__doc__", |_| v);
                }
                other => self.stmt(other),
            }
        }
        self.class_ns = None;
        self.class_being_built = None;
        self.method_defs = saved_defs;
        self.set_line(c);
        let name = self.b.str_lit(c.name.as_str());
        let meta = match meta {
            Some(m) => m,
            None => self.b.null(),
        };
        let cls = self
            .b
            .prim_named("generic.class_create", &[name, bases_tuple, ns, meta]);
        let cls = self.apply_decorators(decorators, cls);
        self.bind_name(c.name.as_str(), cls);
    }

    fn ns_set(&mut self, ns: ValueId, key: &str, value: impl FnOnce(&mut Self) -> ValueId) {
        let k = self.b.str_lit(key);
        let v = value(self);
        let v = self.b.boxed(v);
        self.b.prim_named("generic.dict_set", &[ns, k, v]);
    }
}
