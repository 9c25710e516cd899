//! irbuild: lowering type-checked ASTs to IR, one function at a time.
//!
//! `build_module` produces a `ModuleIR`: one `FuncIR` per module-level
//! function (with native signature from its annotations) and the module's
//! top level as `__top_level__`. Expressions are lowered type-directed
//! (expr.rs), statements in stmt.rs, on top of the op-level `Builder`.

pub mod annotations;
pub mod builder;
pub mod class_table;
pub mod classes;
pub mod consumers;
pub mod dispatch;
pub mod exceptions;
pub mod expr;
pub mod finals;
pub mod for_loops;
pub mod formatting;
pub mod generators;
pub mod imports;
pub mod interface;
pub mod mapper;
pub mod matching;
pub mod nested;
pub mod prepare;
pub mod signature;
pub mod stmt;
pub mod symbols;

use indexmap::IndexMap;
use rustpython_parser::ast;

use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::irbuild::symbols::{ModuleSymbols, Symbol};
use crate::parse::ParsedModule;
use crate::primitives::Internal;
use crate::semanal::{scope, FuncSig, ParamKind};
use crate::types::Type;
use builder::Builder;

/// Options that change the IR.
#[derive(Clone, Debug, Default)]
pub struct IrOptions {
    pub strip_asserts: bool,
    /// What the module's imported names refer to in the rest of the build
    /// (compiled functions called directly across modules).
    pub imports: std::sync::Arc<imports::ImportTable>,
    /// The checker's types of the module's expressions and variables.
    pub types: std::sync::Arc<crate::checker::typemap::TypeMap>,
    /// How those types map to the build's native classes.
    pub mapper: std::sync::Arc<mapper::Mapper>,
    /// The checker's tables of the whole program: what names refer to.
    pub program: std::sync::Arc<crate::checker::program::Program>,
    /// The `Final` statics the module may read (see `finals`).
    pub finals: std::sync::Arc<finals::FinalStatics>,
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
    /// The class whose method is being built (for `super()`).
    pub current_class: Option<String>,
    /// The name of that method's first parameter (`super()`'s second
    /// argument; in a generator method it lives in the generator's state).
    pub first_param: Option<String>,
    /// While lowering a class body: the namespace dict register and the
    /// names bound in it so far.
    pub class_ns: Option<(ValueId, Vec<String>)>,
    /// The name of the class whose body is being lowered.
    pub class_being_built: Option<String>,
    /// The names that body declares `Final`.
    pub class_finals: Vec<String>,
    /// Method names defined so far in the class body (for setters/deleters).
    pub method_defs: Vec<String>,
    /// Functions defined inside this one (nested defs, lambdas), built here.
    pub nested: Vec<FuncIR>,
    /// Native struct types (environments) of this function and nested ones.
    pub structs: Vec<StructDef>,
    /// How this function reaches variables shared with nested functions.
    pub closure: nested::ClosureCtx,
    /// In a generator's resume function: its generator-object argument.
    pub generator: Option<ValueId>,
    /// The targets of the comprehensions being lowered (innermost last):
    /// registers of the comprehension's own scope, whatever an enclosing
    /// scope binds to the same names (an environment variable, a class
    /// namespace entry).
    pub comprehension_targets: Vec<String>,
    pub opts: IrOptions,
}

/// The native functions built for one `def` (itself first, then the
/// functions nested in it) and the struct types they use.
pub struct BuiltFunction {
    pub funcs: Vec<FuncIR>,
    pub structs: Vec<StructDef>,
}

impl<'a> IrBuilder<'a> {
    /// A builder for the body of a function with declaration `decl`.
    pub fn for_function(
        parsed: &'a ParsedModule,
        module: &'a ModuleSymbols,
        decl: FuncDecl,
        local_types: IndexMap<String, Type>,
        local_names: Vec<String>,
        opts: &IrOptions,
    ) -> IrBuilder<'a> {
        IrBuilder {
            b: Builder::new(decl, &parsed.path, &module.name),
            parsed,
            module,
            local_types,
            local_names,
            is_top_level: false,
            current_class: None,
            first_param: None,
            class_ns: None,
            comprehension_targets: vec![],
            class_being_built: None,
            class_finals: vec![],
            method_defs: vec![],
            opts_strip_asserts: opts.strip_asserts,
            cleanups: vec![],
            nested: vec![],
            structs: vec![],
            closure: nested::ClosureCtx::default(),
            generator: None,
            opts: opts.clone(),
        }
    }

    /// The checker's type of `e` where it is evaluated (`Any` where the
    /// checker did not see it).
    pub fn type_of(&self, e: &ast::Expr) -> Type {
        let new = match self.opts.types.get(e) {
            Some(t) => self.opts.mapper.map(t),
            None => Type::Any,
        };
        new
    }

    /// The declared type of a name where it is read: the function's
    /// local variable, or what the module binds it to (a builtin when the
    /// module does not bind it).
    pub fn env_name_type(&self, name: &str) -> Type {
        if !self.is_top_level {
            if let Some(t) = self.local_types.get(name) {
                return t.clone();
            }
        }
        match self.module.symbols.get(name) {
            Some(Symbol::Func(_)) => Type::Callable,
            Some(Symbol::Var(t)) => t.clone(),
            Some(Symbol::Class(c)) => Type::TypeObj(format!("{}.{}", self.module.name, c.name)),
            None => match self.opts.program.binding(&self.module.name, name) {
                crate::checker::program::Binding::Module(m) => Type::Module(m),
                _ => crate::checker::builtins::builtin_name_type(name),
            },
        }
    }

    /// The compiled signature of a `def` of this module.
    pub fn def_sig(&self, def: &ast::StmtFunctionDef) -> FuncSig {
        self.opts
            .mapper
            .func_sig(&self.opts.program, &self.module.name, self.parsed, def)
    }

    /// The type an annotation of this module denotes.
    pub fn annotation_type(&self, e: &ast::Expr) -> Type {
        self.opts
            .mapper
            .annotation(&self.opts.program, &self.module.name, e)
    }

    /// The runtime representation of values of type `t` in this module.
    pub fn rtype_of(&self, t: &Type) -> RType {
        self.opts.mapper.rtype(t)
    }

    pub fn is_local_name(&self, name: &str) -> bool {
        self.is_comprehension_target(name)
            || (!self.is_top_level && self.local_names.iter().any(|n| n == name))
    }
}

pub(crate) fn arg_kind(p: &crate::semanal::ParamSig) -> ArgKind {
    match (p.kind, p.has_default) {
        (ParamKind::Positional, false) => ArgKind::Positional,
        (ParamKind::Positional, true) => ArgKind::Optional,
        (ParamKind::Star, _) => ArgKind::Star,
        (ParamKind::KwOnly, false) => ArgKind::KwOnly,
        (ParamKind::KwOnly, true) => ArgKind::KwOnlyOptional,
        (ParamKind::Star2, _) => ArgKind::Star2,
    }
}

/// The module-dict key holding the value of a non-constant default of
/// parameter `param` of `func`.
pub fn default_key(func: &FuncRef, param: &str) -> String {
    format!("__mypyc_default__{}__{param}", func.mangled())
}

/// Is a default value simple enough to evaluate on each call (a constant)?
pub fn is_constant_default(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Constant(_) => true,
        ast::Expr::UnaryOp(u) => matches!(&*u.operand, ast::Expr::Constant(_)),
        ast::Expr::Tuple(t) => t.elts.iter().all(is_constant_default),
        ast::Expr::Name(n) => matches!(n.id.as_str(), "True" | "False" | "None"),
        _ => false,
    }
}

/// Build a module-level function or a method.
pub fn build_function(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    def: &ast::StmtFunctionDef,
    sig: &FuncSig,
    class: Option<&str>,
    opts: &IrOptions,
) -> Result<BuiltFunction, Vec<Diagnostic>> {
    build_function_in(parsed, module, def, sig, class, opts, None)
}

/// Build a function; for a nested function, `enclosing` holds the
/// environments of the functions around it (innermost first).
pub fn build_function_in(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    def: &ast::StmtFunctionDef,
    sig: &FuncSig,
    class: Option<&str>,
    opts: &IrOptions,
    enclosing: Option<Vec<nested::EnvInfo>>,
) -> Result<BuiltFunction, Vec<Diagnostic>> {
    let self_kind = if class.is_none() || is_static_method(def) {
        signature::SelfKind::None
    } else {
        signature::SelfKind::Bound
    };
    // Like mypyc, methods of non-extension classes have no signature.
    let non_native_method = class.is_some_and(|c| {
        let full = format!("{}.{c}", module.name);
        module
            .classes
            .get(&full)
            .is_none_or(|n| n.ir.module != module.name)
    });
    let mut built = build_function_body(parsed, module, def, sig, class, opts, enclosing)?;
    if let (Some(f), false) = (built.funcs.first_mut(), non_native_method) {
        f.doc = signature::text_signature_doc(&f.decl, &def.args, self_kind, &|name| {
            signature::module_final_literal(&parsed.body, name)
        });
    }
    Ok(built)
}

/// Is `def` a static method (`@staticmethod`, or `__new__`, which `type()`
/// makes one)?
fn is_static_method(def: &ast::StmtFunctionDef) -> bool {
    def.name.as_str() == "__new__"
        || def.decorator_list.iter().any(|d| match d {
            ast::Expr::Name(n) => n.id.as_str() == "staticmethod",
            ast::Expr::Attribute(a) => a.attr.as_str() == "staticmethod",
            _ => false,
        })
}

fn build_function_body(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    def: &ast::StmtFunctionDef,
    sig: &FuncSig,
    class: Option<&str>,
    opts: &IrOptions,
    enclosing: Option<Vec<nested::EnvInfo>>,
) -> Result<BuiltFunction, Vec<Diagnostic>> {
    let mut decl = opts.mapper.func_decl(&module.name, sig);
    decl.func.class = class.map(|c| c.to_string());
    decl.nested = enclosing.is_some();
    let ancestors = enclosing.unwrap_or_default();
    if !ancestors.is_empty() {
        decl.params.insert(
            0,
            Param {
                name: nested::ENV_PARAM.into(),
                rtype: RType::OBJECT,
                kind: ArgKind::Env,
                pos_only: true,
            },
        );
    }
    let mut local_types: IndexMap<String, Type> = match opts.types.scope(def.range.start()) {
        Some(vars) => vars
            .iter()
            .map(|(n, t)| (n.clone(), opts.mapper.map(t)))
            .collect(),
        // A function the checker did not see (a generator expression's):
        // its variables are objects, their reads refined by the type map.
        None => IndexMap::new(),
    };
    let local_names = scope::function_locals(&def.args, &def.body);
    // Free variables have the types they have in the function defining them.
    for a in &ancestors {
        for (name, t) in a.fields.iter().zip(&a.types) {
            if !local_names.contains(name) && !local_types.contains_key(name) {
                local_types.insert(name.clone(), t.clone());
            }
        }
    }
    let mut ib = IrBuilder::for_function(parsed, module, decl, local_types, local_names, opts);
    ib.current_class = class.map(|c| c.to_string());
    ib.first_param = def
        .args
        .posonlyargs
        .iter()
        .chain(&def.args.args)
        .next()
        .map(|a| a.def.arg.to_string());
    ib.closure.ancestors = ancestors;
    if !ib.closure.ancestors.is_empty() {
        ib.closure.incoming = ib.b.f.args.first().copied();
    }
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
        let v = if is_constant_default(default) {
            ib.expr(default)
        } else if let Some(v) = ib.env_default(a.def.arg.as_str()) {
            v
        } else {
            // Evaluated once, where the `def` runs, and kept in the module dict.
            let key = default_key(&ib.b.f.decl.func, a.def.arg.as_str());
            let globals = ib.b.globals();
            let k = ib.b.str_lit(&key);
            ib.b.prim_named(Internal::GlobalsGet, &[globals, k])
        };
        ib.b.assign(reg, v);
        ib.b.goto(done);
        ib.b.activate(done);
        // A boxed optional parameter is unboxed once, into a local.
        let want = ib
            .local_types
            .get(a.def.arg.as_str())
            .map(|t| ib.rtype_of(t))
            .unwrap_or(RType::OBJECT);
        if *ib.b.f.rtype(reg) != want {
            let local = ib.b.new_register(want, Some(a.def.arg.to_string()));
            ib.b.assign(local, reg);
            ib.b.locals.insert(a.def.arg.to_string(), local);
        }
    }
    if scope::is_generator(&def.body) || parsed.is_async_def(def) {
        return generators::build_generator(ib, def);
    }
    ib.setup_environment(&def.args, &def.body);
    ib.stmts(&def.body);
    if !ib.b.terminated() {
        let ret = ib.b.f.decl.ret.clone();
        let n = ib.b.none();
        let v = ib.b.coerce(n, &ret);
        ib.b.add(Op::Return(v), RType::Void);
    }
    if ib.b.errors.is_empty() {
        let mut funcs = vec![ib.b.f];
        funcs.extend(ib.nested);
        Ok(BuiltFunction {
            funcs,
            structs: ib.structs,
        })
    } else {
        Err(ib.b.errors)
    }
}

fn build_top_level(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    opts: &IrOptions,
) -> Result<(FuncIR, BuiltFunction), Vec<Diagnostic>> {
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
        nested: false,
    };
    let mut ib = IrBuilder::for_function(parsed, module, decl, IndexMap::new(), vec![], opts);
    ib.is_top_level = true;
    ib.stmts(&parsed.body);
    if !ib.b.terminated() {
        let n = ib.b.none();
        ib.b.add(Op::Return(n), RType::Void);
    }
    if ib.b.errors.is_empty() {
        Ok((
            ib.b.f,
            BuiltFunction {
                funcs: ib.nested,
                structs: ib.structs,
            },
        ))
    } else {
        Err(ib.b.errors)
    }
}

/// Does a method of a class take the instance as its first argument (not
/// a static or class method)?
fn has_receiver(def: &ast::StmtFunctionDef) -> bool {
    def.name.as_str() != "__new__"
        && !def.decorator_list.iter().any(|d| {
            matches!(
                crate::semanal::scope::dotted_name(d).as_deref(),
                Some("staticmethod" | "classmethod")
            )
        })
}

/// Lower a whole module.
pub fn build_module(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    opts: &IrOptions,
) -> Result<ModuleIR, Vec<Diagnostic>> {
    let mut errors = vec![];
    let mut functions = vec![];
    let mut structs = vec![];
    let mut build =
        |def: &ast::StmtFunctionDef, sig: &FuncSig, class: Option<&str>| match build_function(
            parsed, module, def, sig, class, opts,
        ) {
            Ok(built) => {
                functions.extend(built.funcs);
                structs.extend(built.structs);
            }
            Err(e) => errors.extend(e),
        };
    let mut module_defs: Vec<String> = vec![];
    let mut class_errors = vec![];
    let mut setup_functions = vec![];
    for stmt in &parsed.body {
        match stmt {
            ast::Stmt::ClassDef(c) => {
                let Some(Symbol::Class(info)) = module.symbols.get(c.name.as_str()) else {
                    let msg = format!(
                        "redefinition of class \"{}\" is not supported by this compiler yet",
                        c.name
                    );
                    class_errors.push(parsed.error_at(c, msg));
                    continue;
                };
                let full = format!("{}.{}", module.name, c.name);
                let native = module
                    .classes
                    .get(&full)
                    .filter(|n| n.ir.module == module.name);
                let mut method_defs: Vec<String> = vec![];
                // Also the definitions under compound statements of the body
                // (`if sys.version_info ...:`, `try:`), in the order the
                // class body's lowering meets them.
                let mut defs = vec![];
                crate::semanal::scope::for_each_scope_def(&c.body, &mut |d| defs.push(d));
                for def in defs {
                    let key = crate::semanal::def_key(&method_defs, def.name.as_str());
                    method_defs.push(def.name.to_string());
                    // Each definition of a name (overloads, property setters)
                    // is its own native function.
                    let sig = match native {
                        Some(_) if has_receiver(def) => prepare::method_sig(
                            &opts.program,
                            &module.name,
                            &opts.mapper,
                            parsed,
                            def,
                            &full,
                        )
                        .map_err(|why| {
                            parsed.error_at(def, format!("invalid method signature: {why}"))
                        }),
                        _ => {
                            let sig =
                                opts.mapper
                                    .func_sig(&opts.program, &module.name, parsed, def);
                            Ok(crate::semanal::method_compiled_sig(sig, def.name.as_str()))
                        }
                    };
                    match sig {
                        Ok(mut sig) => {
                            sig.name = key;
                            build(def, &sig, Some(&info.name));
                        }
                        Err(d) => class_errors.push(d),
                    }
                }
                if let Some(n) = native {
                    for entry in &n.ir.vtable {
                        let own = entry.decl.func.class.as_deref() == Some(c.name.as_str())
                            && entry.decl.func.module == module.name;
                        if let (Some(target), true) = (&entry.glue_target, own) {
                            setup_functions.push(classes::build_vtable_glue(
                                parsed,
                                module,
                                &entry.decl,
                                target,
                                opts,
                            ));
                        }
                    }
                    if n.ir.defaults_setup.is_some() {
                        match classes::build_defaults_setup(parsed, module, c, n, opts) {
                            Ok(f) => setup_functions.push(f),
                            Err(e) => class_errors.extend(e),
                        }
                    }
                }
            }
            // Functions defined here or in its compound statements
            // (conditional definitions), numbered as the symbols number them.
            _ => {
                crate::semanal::scope::for_each_scope_def(std::slice::from_ref(stmt), &mut |def| {
                    let key = crate::semanal::def_key(&module_defs, def.name.as_str());
                    module_defs.push(def.name.to_string());
                    let sig = module.func(&key).or_else(|| module.decorated.get(&key));
                    if let Some(sig) = sig {
                        build(def, sig, None);
                    }
                })
            }
        }
    }
    errors.extend(class_errors);
    functions.extend(setup_functions);
    let top_level = match build_top_level(parsed, module, opts) {
        Ok((f, nested)) => {
            functions.extend(nested.funcs);
            structs.extend(nested.structs);
            Some(f)
        }
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
            structs,
            classes: module
                .classes
                .classes
                .values()
                .filter(|c| c.ir.module == module.name)
                .map(|c| c.ir.clone())
                .collect(),
        }),
        _ => Err(errors),
    }
}
