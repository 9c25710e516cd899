//! irbuild: lowering type-checked ASTs to IR, one function at a time.
//!
//! `build_module` produces a `ModuleIR`: one `FuncIR` per module-level
//! function (with native signature from its annotations) and the module's
//! top level as `__top_level__`. Expressions are lowered type-directed
//! (expr.rs), statements in stmt.rs, on top of the op-level `Builder`.

pub mod builder;
pub mod exceptions;
pub mod expr;
pub mod stmt;

use indexmap::IndexMap;
use rustpython_parser::ast;

use crate::checker::{infer_locals, TypeEnv};
use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::parse::ParsedModule;
use crate::semanal::{scope, FuncSig, ModuleSymbols, ParamKind};
use crate::types::Type;
use builder::Builder;

/// Options that change the IR.
#[derive(Clone, Debug, Default)]
pub struct IrOptions {
    pub strip_asserts: bool,
}

/// Lowering state of one function (or the module top level).
pub struct IrBuilder<'a> {
    pub b: Builder,
    pub parsed: &'a ParsedModule,
    pub module: &'a ModuleSymbols,
    /// Types of the function's locals (empty at module level).
    pub local_types: IndexMap<String, Type>,
    /// Names that are local to the function (bound in it, not `global`).
    pub local_names: Vec<String>,
    pub is_top_level: bool,
    pub opts_strip_asserts: bool,
    /// What leaving the enclosing try/with blocks early must do, innermost last.
    pub cleanups: Vec<exceptions::Cleanup>,
}

impl<'a> IrBuilder<'a> {
    pub fn type_of(&self, e: &ast::Expr) -> Type {
        let env = TypeEnv {
            module: self.module,
            locals: if self.is_top_level {
                None
            } else {
                Some(&self.local_types)
            },
        };
        env.expr_type(e)
    }

    pub fn env_name_type(&self, name: &str) -> Type {
        let env = TypeEnv {
            module: self.module,
            locals: if self.is_top_level {
                None
            } else {
                Some(&self.local_types)
            },
        };
        env.name_type(name)
    }

    pub fn is_local_name(&self, name: &str) -> bool {
        !self.is_top_level && self.local_names.iter().any(|n| n == name)
    }
}

fn arg_kind(p: &crate::semanal::ParamSig) -> ArgKind {
    match (p.kind, p.has_default) {
        (ParamKind::Positional, false) => ArgKind::Positional,
        (ParamKind::Positional, true) => ArgKind::Optional,
        (ParamKind::Star, _) => ArgKind::Star,
        (ParamKind::KwOnly, false) => ArgKind::KwOnly,
        (ParamKind::KwOnly, true) => ArgKind::KwOnlyOptional,
        (ParamKind::Star2, _) => ArgKind::Star2,
    }
}

pub fn func_decl(module: &str, sig: &FuncSig) -> FuncDecl {
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
                rtype: p.ty.rtype(),
                kind: arg_kind(p),
                pos_only: p.pos_only,
            })
            .collect(),
        ret: sig.ret.rtype(),
        has_wrapper: true,
        line: sig.line,
    }
}

/// Is a default value simple enough to evaluate on each call (a constant)?
fn is_constant_default(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Constant(_) => true,
        ast::Expr::UnaryOp(u) => matches!(&*u.operand, ast::Expr::Constant(_)),
        ast::Expr::Tuple(t) => t.elts.iter().all(is_constant_default),
        ast::Expr::Name(n) => matches!(n.id.as_str(), "True" | "False" | "None"),
        _ => false,
    }
}

fn build_function(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    def: &ast::StmtFunctionDef,
    opts: &IrOptions,
) -> Result<FuncIR, Vec<Diagnostic>> {
    let Some(sig) = module.func(def.name.as_str()) else {
        return Err(vec![parsed.error_at(
            def,
            "decorated or redefined function is not supported by this compiler yet",
        )]);
    };
    let decl = func_decl(&module.name, sig);
    let local_types = infer_locals(module, sig, &def.body);
    let globals = scope::global_names(&def.body);
    let mut local_names: Vec<String> = sig.params.iter().map(|p| p.name.clone()).collect();
    scope::for_each_binding(&def.body, &mut |n| {
        if !globals.iter().any(|g| g == n) && !local_names.iter().any(|l| l == n) {
            local_names.push(n.to_string());
        }
    });
    let mut ib = IrBuilder {
        b: Builder::new(decl, &parsed.path, &module.name),
        parsed,
        module,
        local_types,
        local_names,
        is_top_level: false,
        opts_strip_asserts: opts.strip_asserts,
        cleanups: vec![],
    };
    ib.set_line(def);
    // Defaults: an omitted argument arrives as the error value of its type.
    let args = &def.args;
    let with_defaults = args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs);
    for a in with_defaults {
        let Some(default) = &a.default else { continue };
        if !is_constant_default(default) {
            ib.unsupported(&**default, "non-constant default argument");
            continue;
        }
        let Some(reg) = ib.b.locals.get(a.def.arg.as_str()).copied() else {
            continue;
        };
        let (set, done) = (ib.b.new_block(), ib.b.new_block());
        ib.b.add(
            Op::Branch {
                value: reg,
                true_label: set,
                false_label: done,
                kind: BranchKind::IsError,
                negated: false,
                traceback: None,
                rare: false,
            },
            RType::Void,
        );
        ib.b.activate(set);
        let v = ib.expr(default);
        ib.b.assign(reg, v);
        ib.b.goto(done);
        ib.b.activate(done);
    }
    ib.stmts(&def.body);
    if !ib.b.terminated() {
        let ret = ib.b.f.decl.ret.clone();
        let n = ib.b.none();
        let v = ib.b.coerce(n, &ret);
        ib.b.add(Op::Return(v), RType::Void);
    }
    if ib.b.errors.is_empty() {
        Ok(ib.b.f)
    } else {
        Err(ib.b.errors)
    }
}

fn build_top_level(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    opts: &IrOptions,
) -> Result<FuncIR, Vec<Diagnostic>> {
    let decl = FuncDecl {
        func: FuncRef {
            module: module.name.clone(),
            class: None,
            name: "__top_level__".into(),
        },
        params: vec![],
        ret: RType::None,
        has_wrapper: false,
        line: 1,
    };
    let mut ib = IrBuilder {
        b: Builder::new(decl, &parsed.path, &module.name),
        parsed,
        module,
        local_types: IndexMap::new(),
        local_names: vec![],
        is_top_level: true,
        opts_strip_asserts: opts.strip_asserts,
        cleanups: vec![],
    };
    ib.stmts(&parsed.body);
    if !ib.b.terminated() {
        let n = ib.b.none();
        ib.b.add(Op::Return(n), RType::Void);
    }
    if ib.b.errors.is_empty() {
        Ok(ib.b.f)
    } else {
        Err(ib.b.errors)
    }
}

/// Lower a whole module.
pub fn build_module(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    opts: &IrOptions,
) -> Result<ModuleIR, Vec<Diagnostic>> {
    let mut errors = vec![];
    let mut functions = vec![];
    for stmt in &parsed.body {
        if let ast::Stmt::FunctionDef(def) = stmt {
            if !def.decorator_list.is_empty() {
                continue;
            }
            match build_function(parsed, module, def, opts) {
                Ok(f) => functions.push(f),
                Err(e) => errors.extend(e),
            }
        }
    }
    let top_level = match build_top_level(parsed, module, opts) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    match top_level {
        Some(top_level) if errors.is_empty() => Ok(ModuleIR {
            name: module.name.clone(),
            source_file: parsed.path.clone(),
            functions,
            top_level,
            imports: vec![],
        }),
        _ => Err(errors),
    }
}
