//! Functions defined inside functions: nested `def`s and lambdas.
//!
//! Each becomes its own native function (built here, returned with the
//! enclosing one) exposed through a function object created where the
//! definition runs. Closures — nested functions that use locals of the
//! enclosing function — need environment objects and are rejected with a
//! compile-time error until those exist.

use rustpython_ast::Visitor;
use rustpython_parser::ast::{self, Ranged};

use super::{build_function, IrBuilder};
use crate::ir::*;

/// Collects every name a piece of code reads or writes.
#[derive(Default)]
struct NameCollector {
    names: Vec<String>,
}

impl Visitor for NameCollector {
    fn visit_expr_name(&mut self, node: ast::ExprName) {
        self.names.push(node.id.to_string());
    }
}

impl<'a> IrBuilder<'a> {
    /// Locals of the enclosing function (or comprehension variables) that
    /// `def` would capture.
    fn captured_locals(&self, def: &ast::StmtFunctionDef) -> Vec<String> {
        let mut c = NameCollector::default();
        for s in &def.body {
            c.visit_stmt(s.clone());
        }
        let mut own: Vec<String> = vec![];
        let args = &def.args;
        for a in args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
        {
            own.push(a.def.arg.to_string());
        }
        for a in args.vararg.iter().chain(args.kwarg.iter()) {
            own.push(a.arg.to_string());
        }
        crate::semanal::scope::for_each_binding(&def.body, &mut |n| own.push(n.to_string()));
        let mut captured: Vec<String> = c
            .names
            .into_iter()
            .filter(|n| {
                !own.contains(n) && (self.is_local_name(n) || self.b.locals.contains_key(n))
            })
            .collect();
        captured.sort();
        captured.dedup();
        captured
    }

    /// Build a nested function and return a new function object for it.
    fn nested_function_object(
        &mut self,
        def: &ast::StmtFunctionDef,
        what: &str,
    ) -> Option<ValueId> {
        let captured = self.captured_locals(def);
        if !captured.is_empty() {
            let msg = format!(
                "{what} using local variable \"{}\" of the enclosing function (a closure)",
                captured[0]
            );
            self.unsupported(def, &msg);
            return None;
        }
        let mut sig = match crate::semanal::func_sig(self.parsed, def) {
            Ok(s) => s,
            Err(d) => {
                self.b.error(d);
                return None;
            }
        };
        let (line, col) = self.parsed.lines.line_col(def.start());
        sig.name = format!("{}___{}_L{line}C{col}", self.b.f.decl.func.name, def.name);
        let opts = self.opts.clone();
        let func = FuncRef {
            module: self.module.name.clone(),
            class: None,
            name: sig.name.clone(),
        };
        self.store_defaults(def, &func);
        match build_function(self.parsed, self.module, def, &sig, None, &opts) {
            Ok(fs) => self.nested.extend(fs),
            Err(e) => {
                self.b.errors.extend(e);
                return None;
            }
        }
        self.set_line(def);
        let func = FuncRef {
            module: self.module.name.clone(),
            class: None,
            name: sig.name,
        };
        Some(self.b.add(Op::FuncObject(func), RType::OBJECT))
    }

    /// A `def` inside a function body.
    pub fn nested_def_stmt(&mut self, def: &ast::StmtFunctionDef) {
        let decorators: Vec<ValueId> = def
            .decorator_list
            .iter()
            .map(|d| {
                let v = self.expr(d);
                self.b.boxed(v)
            })
            .collect();
        let Some(mut f) = self.nested_function_object(def, "nested function") else {
            return;
        };
        for d in decorators.into_iter().rev() {
            f = self.call_values(d, vec![f]);
        }
        self.bind_name(def.name.as_str(), f);
    }

    /// A lambda expression: a nested function returning its body.
    pub fn lambda_expr(&mut self, l: &ast::ExprLambda) -> ValueId {
        let def = ast::StmtFunctionDef {
            range: l.range,
            name: ast::Identifier::new("lambda"),
            args: l.args.clone(),
            body: vec![ast::Stmt::Return(ast::StmtReturn {
                range: l.range,
                value: Some(l.body.clone()),
            })],
            decorator_list: vec![],
            returns: None,
            type_comment: None,
            type_params: vec![],
        };
        match self.nested_function_object(&def, "lambda") {
            Some(v) => v,
            None => self.b.null(),
        }
    }
}
