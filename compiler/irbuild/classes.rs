//! Lowering `def` statements that create function objects at run time
//! (decorated module-level functions, methods) and `class` statements.
//!
//! Classes are built the way the interpreter builds them (metaclass,
//! `__prepare__`, namespace, metaclass call), with each method a compiled
//! native function exposed through a function object. Instances are
//! ordinary Python objects, accessed with generic attribute operations.
//!
//! Native classes (see `prepare.rs`) run the same class body into a
//! namespace, except for instance attribute defaults, which a generated
//! `__mypyc_defaults_setup` method stores into every new instance; the
//! type object comes from the class's spec (`<class>_create`) and is kept
//! in a static for allocation and type checks.

use rustpython_parser::ast;

use indexmap::IndexMap;

use super::annotations::is_register_attribute;
use super::IrBuilder;
use crate::diagnostics::Diagnostic;
use crate::ir::*;
use crate::irbuild::class_table::NativeClass;
use crate::irbuild::symbols::ModuleSymbols;
use crate::parse::ParsedModule;
use crate::primitives::{Internal, Operator};

/// The builtin class that values of an attribute's type are instances of
/// (its annotation in a native dataclass's `__annotations__`).
fn erased_class_name(t: Option<&crate::types::Type>) -> &'static str {
    use crate::types::Type;
    match t {
        Some(Type::Int) => "int",
        Some(Type::Float) => "float",
        Some(Type::Bool) => "bool",
        Some(Type::Str) => "str",
        Some(Type::Bytes) => "bytes",
        Some(Type::List(_)) => "list",
        Some(Type::Dict(..)) => "dict",
        Some(Type::Set(_)) => "set",
        Some(Type::FrozenSet(_)) => "frozenset",
        Some(Type::Tuple(_) | Type::VarTuple(_)) => "tuple",
        _ => "object",
    }
}

/// Does the module start with `from __future__ import annotations`?
fn has_future_annotations(parsed: &ParsedModule) -> bool {
    parsed.body.iter().any(|s| match s {
        ast::Stmt::ImportFrom(i) => {
            i.module.as_deref() == Some("__future__")
                && i.names.iter().any(|a| a.name.as_str() == "annotations")
        }
        _ => false,
    })
}

/// Class-body statements that give an instance attribute its default:
/// (attribute, default expression).
fn attribute_defaults<'b>(
    c: &'b ast::StmtClassDef,
    native: &NativeClass,
) -> Vec<(String, &'b ast::Expr)> {
    let own = &native.ir.attrs;
    c.body
        .iter()
        .filter_map(|s| match s {
            ast::Stmt::AnnAssign(a) => match (&*a.target, &a.value) {
                (ast::Expr::Name(n), Some(v)) => Some((n.id.to_string(), &**v)),
                _ => None,
            },
            ast::Stmt::Assign(a) if a.targets.len() == 1 => match &a.targets[0] {
                ast::Expr::Name(n) => Some((n.id.to_string(), &*a.value)),
                _ => None,
            },
            _ => None,
        })
        .filter(|(n, _)| own.iter().any(|(a, _)| a == n) && !native.ir.is_dataclass)
        .filter(|(n, v)| !is_none_for_non_optional(v, native.ir.attr_type(n)))
        .collect()
}

/// `x: int = None` (with the error silenced): as in mypyc, no default is
/// stored and the attribute starts undefined.
fn is_none_for_non_optional(value: &ast::Expr, t: Option<&RType>) -> bool {
    let is_none = matches!(value, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::None));
    let accepts_none = match t {
        Some(RType::Object(ObjKind::Object)) | Some(RType::None) | None => true,
        Some(RType::Union(items)) => items.contains(&RType::None),
        Some(_) => false,
    };
    is_none && !accepts_none
}

/// `Final` or `Final[T]` (possibly qualified).
fn is_final_annotation(e: &ast::Expr) -> bool {
    let head = match e {
        ast::Expr::Subscript(s) => &*s.value,
        other => other,
    };
    crate::semanal::scope::dotted_name(head).is_some_and(|n| n.rsplit('.').next() == Some("Final"))
}

/// Is `s` a class-body statement that only declares or defaults an
/// instance attribute of a native class (not run in the class body)?
fn is_attribute_declaration(s: &ast::Stmt, native: &NativeClass) -> bool {
    if native.ir.is_dataclass {
        return false;
    }
    let target = match s {
        ast::Stmt::AnnAssign(a) => &*a.target,
        ast::Stmt::Assign(a) if a.targets.len() == 1 => &a.targets[0],
        _ => return false,
    };
    matches!(target, ast::Expr::Name(n) if native.attr_types.contains_key(n.id.as_str()))
}

/// A vtable glue function: takes the arguments in the slot's native
/// representations (`decl`), converts them to the implementation's
/// (`target`), calls it and converts the result back. Omitted optional
/// arguments stay omitted.
pub fn build_vtable_glue(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    decl: &FuncDecl,
    target: &FuncDecl,
    opts: &super::IrOptions,
) -> FuncIR {
    let mut ib =
        IrBuilder::for_function(parsed, module, decl.clone(), IndexMap::new(), vec![], opts);
    ib.b.line = decl.line;
    let result = ib.b.new_register(decl.ret.clone(), None);
    let done = ib.b.new_block();
    let args = ib.b.f.args.clone();
    glue_calls(&mut ib, decl, target, &args, vec![args[0]], result, done);
    ib.b.activate(done);
    ib.b.add(Op::Return(result), RType::Void);
    ib.b.f
}

/// The calls of a glue function, one per combination of omitted optional
/// arguments whose representation changes (an omitted argument is passed
/// as the target's error value, never converted). The target's optional
/// parameters beyond the slot's are always omitted.
fn glue_calls(
    ib: &mut IrBuilder,
    decl: &FuncDecl,
    target: &FuncDecl,
    args: &[ValueId],
    mut done_args: Vec<ValueId>,
    result: ValueId,
    done: BlockId,
) {
    let i = done_args.len();
    if i == args.len() {
        for p in &target.params[i..] {
            let rtype = p.rtype.clone();
            let omitted = ib.b.add(
                Op::LoadErrorValue {
                    rtype: rtype.clone(),
                },
                rtype,
            );
            done_args.push(omitted);
        }
        let r =
            ib.b.call(target.func.clone(), done_args, target.ret.clone());
        let r = ib.b.coerce(r, &decl.ret);
        ib.b.assign(result, r);
        ib.b.goto(done);
        return;
    }
    let (p, t) = (&decl.params[i], &target.params[i]);
    let optional = matches!(p.kind, ArgKind::Optional | ArgKind::KwOnlyOptional);
    if !optional || p.rtype == t.rtype {
        let v = ib.b.coerce(args[i], &t.rtype);
        done_args.push(v);
        return glue_calls(ib, decl, target, args, done_args, result, done);
    }
    let (omitted, given) = (ib.b.new_block(), ib.b.new_block());
    ib.b.add(
        Op::Branch {
            value: args[i],
            true_label: omitted,
            false_label: given,
            kind: BranchKind::IsError,
            negated: false,
            traceback: None,
            rare: false,
        },
        RType::Void,
    );
    ib.b.activate(omitted);
    let e = ib.b.add(
        Op::LoadErrorValue {
            rtype: t.rtype.clone(),
        },
        t.rtype.clone(),
    );
    let mut with_omitted = done_args.clone();
    with_omitted.push(e);
    glue_calls(ib, decl, target, args, with_omitted, result, done);
    ib.b.activate(given);
    let v = ib.b.coerce(args[i], &t.rtype);
    done_args.push(v);
    glue_calls(ib, decl, target, args, done_args, result, done);
}

/// The `__mypyc_defaults_setup` method of a native class: the base's
/// defaults, then the class body's, each evaluated anew for the instance.
pub fn build_defaults_setup(
    parsed: &ParsedModule,
    module: &ModuleSymbols,
    c: &ast::StmtClassDef,
    native: &NativeClass,
    opts: &super::IrOptions,
) -> Result<FuncIR, Vec<Diagnostic>> {
    let full = native.ir.full_name();
    let Some(func) = native.ir.defaults_setup.clone() else {
        return Err(vec![]);
    };
    let decl = FuncDecl {
        func,
        params: vec![Param {
            name: "self".into(),
            rtype: RType::Instance(full.clone()),
            kind: ArgKind::Positional,
            pos_only: true,
        }],
        ret: RType::None,
        has_wrapper: false,
        line: parsed.line_of(c),
        nested: false,
    };
    let mut ib = IrBuilder::for_function(parsed, module, decl, IndexMap::new(), vec![], opts);
    ib.set_line(c);
    let this = ib.b.f.args[0];
    let base_setup = native
        .ir
        .base
        .as_ref()
        .and_then(|b| module.classes.get(b))
        .and_then(|b| b.ir.defaults_setup.clone());
    if let Some(f) = base_setup {
        ib.b.call(f, vec![this], RType::None);
    }
    for (attr, value) in attribute_defaults(c, native) {
        let Some(t) = native.ir.attr_type(&attr).cloned() else {
            continue;
        };
        ib.set_line(value);
        let v = ib.expr_as(value, &t);
        ib.set_attr(this, full.clone(), &attr, v);
    }
    let n = ib.b.none();
    ib.b.add(Op::Return(n), RType::Void);
    if ib.b.errors.is_empty() {
        Ok(ib.b.f)
    } else {
        Err(ib.b.errors)
    }
}

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
                    (Some(ann), false) if is_register_attribute(d) => {
                        self.register_if_singledispatch(v, ann)
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
        if in_class && self.is_descriptor_method(&name) {
            // A method descriptor of the native type (see codegen/classes.rs).
            return;
        }
        if !in_class && self.module.func(&name).is_some() && !self.parsed.is_async_def(d) {
            // Exposed through the module's method table at init (an `async
            // def` gets a function object `inspect` sees as a coroutine
            // function instead, below).
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
        self.mark_if_coroutine(d, f);
        // As `type()` does for functions: `__new__` is implicitly a static
        // method, `__init_subclass__` and `__class_getitem__` class methods.
        let implicit = match d.name.as_str() {
            "__new__" => Some("staticmethod"),
            "__init_subclass__" | "__class_getitem__" => Some("classmethod"),
            _ => None,
        };
        let v = if let (true, true, Some(kind)) = (in_class, decorators.is_empty(), implicit) {
            let globals = self.b.globals();
            let key = self.b.str_lit(kind);
            let wrap = self.b.prim_named(Internal::GlobalsGet, &[globals, key]);
            self.call_values(wrap, vec![f])
        } else if in_class && decorators.is_empty() {
            // A compiled function binds as a method itself (and, as a
            // method descriptor, lets the interpreter's slot functions call
            // a dunder without making a bound method).
            f
        } else {
            self.apply_decorators(decorators, f)
        };
        self.bind_name(d.name.as_str(), v);
    }

    /// Is `name` a method of the native class being built that its type
    /// exposes as a method descriptor?
    fn is_descriptor_method(&self, name: &str) -> bool {
        let Some(class) = &self.class_being_built else {
            return false;
        };
        let full = format!("{}.{}", self.module.name, class);
        self.module
            .classes
            .get(&full)
            .filter(|n| n.ir.module == self.module.name)
            .is_some_and(|n| n.ir.py_methods.iter().any(|(m, _)| m == name))
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
            self.b.prim_named(Internal::GlobalsSet, &[globals, key, v]);
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
        // Other class keywords (`total=False`, `**kw`) go to the
        // metaclass's `__prepare__` and the metaclass call.
        let mut class_kwargs = None;
        for k in &c.keywords {
            let v = self.expr(&k.value);
            let v = self.b.boxed(v);
            if k.arg.as_deref() == Some("metaclass") {
                meta = Some(v);
                continue;
            }
            let kw = *class_kwargs.get_or_insert_with(|| {
                let zero = self.b.ssize(0);
                self.b.prim_named(Internal::BuildDict, &[zero])
            });
            self.merge_keyword(kw, k, v);
        }
        let n = self.b.ssize(bases.len() as i64);
        let mut args = vec![n];
        args.extend(bases);
        let bases_tuple = self.b.prim_named(Internal::BuildTuple, &args);
        let zero = self.b.ssize(0);
        let ns_v = self.b.prim_named(Internal::BuildDict, &[zero]);
        let ns = self.b.new_register(RType::DICT, None);
        self.b.assign(ns, ns_v);
        self.ns_set(ns, "__module__", |this| {
            this.b.str_lit(&this.module.name.clone())
        });
        let qualname = c.name.to_string();
        self.ns_set(ns, "__qualname__", |this| this.b.str_lit(&qualname));
        let full = format!("{}.{}", self.module.name, c.name);
        let classes = self.module.classes.clone();
        let native = classes
            .get(&full)
            .filter(|n| n.ir.module == self.module.name);
        let annotated: Vec<(String, &ast::Expr)> = c
            .body
            .iter()
            .filter_map(|s| match s {
                ast::Stmt::AnnAssign(a) => match &*a.target {
                    ast::Expr::Name(n) => Some((n.id.to_string(), &*a.annotation)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if !annotated.is_empty() {
            // Non-native classes get the erased runtime classes (see
            // `annotations`). Native classes keep the text (their
            // annotations may refer to the class itself, which mypyc
            // allows), native dataclasses the erased classes too.
            let deferred =
                has_future_annotations(self.parsed) || native.is_some_and(|n| !n.ir.is_dataclass);
            let zero = self.b.ssize(0);
            let ann = self.b.prim_named(Internal::BuildDict, &[zero]);
            for (name, e) in &annotated {
                let k = self.b.str_lit(name);
                let erased = native
                    .filter(|n| n.ir.is_dataclass)
                    .map(|n| erased_class_name(n.attr_types.get(name.as_str())));
                let v = if let Some(class) = erased {
                    // As mypyc: the runtime class of the attribute's type.
                    let globals = self.b.globals();
                    let key = self.b.str_lit(class);
                    self.b.prim_named(Internal::GlobalsGet, &[globals, key])
                } else if native.is_none() {
                    // As mypyc: erased to a runtime class.
                    self.erased_annotation(e)
                } else if deferred {
                    self.b.str_lit(self.parsed.lines.text(*e))
                } else {
                    let v = self.expr(e);
                    self.b.boxed(v)
                };
                self.b.prim_named(Internal::DictSet, &[ann, k, v]);
            }
            self.ns_set(ns, "__annotations__", |_| ann);
        }
        let saved_defs = std::mem::take(&mut self.method_defs);
        self.class_ns = Some((ns, vec![]));
        self.class_being_built = Some(c.name.to_string());
        self.class_finals = c
            .body
            .iter()
            .filter_map(|s| match s {
                ast::Stmt::AnnAssign(a) if is_final_annotation(&a.annotation) => match &*a.target {
                    ast::Expr::Name(n) => Some(n.id.to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for (i, s) in c.body.iter().enumerate() {
            match s {
                _ if native.is_some_and(|n| is_attribute_declaration(s, n)) => {}
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
        self.class_finals.clear();
        self.method_defs = saved_defs;
        self.set_line(c);
        if classes.traits.contains(&full) {
            // A trait has no instance layout, so native classes can mix it in.
            let empty = self.b.ssize(0);
            let slots = self.b.prim_named(Internal::BuildTuple, &[empty]);
            self.ns_set(ns, "__slots__", |_| slots);
            let new = self.b.add(
                Op::CallC(CallC {
                    function: "CPyTrait_New".into(),
                    args: vec![],
                    ret: RType::OBJECT,
                    error_kind: ErrorKind::Magic,
                    steals: Steals::None,
                    is_borrowed: false,
                    site_cache: None,
                }),
                RType::OBJECT,
            );
            self.ns_set(ns, "__new__", |_| new);
        }
        let cls = if native.is_some() {
            let cls = self.b.add(
                Op::CallC(CallC {
                    function: crate::ir::class_create_function(&full),
                    args: vec![bases_tuple, ns],
                    ret: RType::OBJECT,
                    error_kind: ErrorKind::Magic,
                    steals: Steals::None,
                    is_borrowed: false,
                    site_cache: None,
                }),
                RType::OBJECT,
            );
            self.b.add(
                Op::InitStatic {
                    target: StaticRef::Type(full.clone()),
                    value: cls,
                },
                RType::Void,
            );
            self.b
                .add(Op::LoadStatic(StaticRef::Type(full)), RType::OBJECT)
        } else {
            let name = self.b.str_lit(c.name.as_str());
            let meta = meta.unwrap_or_else(|| self.b.null());
            let kwargs = class_kwargs.unwrap_or_else(|| self.b.null());
            self.b.prim_named(
                Internal::ClassCreate,
                &[name, bases_tuple, ns, meta, kwargs],
            )
        };
        let cls = if native.is_some_and(|n| n.ir.is_dataclass) {
            // Decorators see the class as the interpreter would build it:
            // field defaults in its dict rather than attribute descriptors.
            let mut cls = cls;
            for d in decorators.into_iter().rev() {
                cls = self.b.add(
                    Op::CallC(CallC {
                        function: "CPyNativeClass_Decorate".into(),
                        args: vec![cls, d, ns],
                        ret: RType::OBJECT,
                        error_kind: ErrorKind::Magic,
                        steals: Steals::None,
                        is_borrowed: false,
                        site_cache: None,
                    }),
                    RType::OBJECT,
                );
            }
            cls
        } else {
            self.apply_decorators(decorators, cls)
        };
        self.bind_name(c.name.as_str(), cls);
    }

    /// `C.x` in the body of class `C`, for a `Final` attribute `x` the body
    /// has bound: the class object does not exist yet, so (as mypyc, which
    /// keeps finals in statics) the value comes from the namespace.
    pub fn final_in_class_body(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let ast::Expr::Name(n) = &*a.value else {
            return None;
        };
        let (ns, names) = self.class_ns.as_ref()?;
        let attr = a.attr.as_str();
        if self.class_being_built.as_deref() != Some(n.id.as_str())
            || names.iter().any(|b| b == n.id.as_str())
            || !names.iter().any(|b| b == attr)
            || !self.class_finals.iter().any(|f| f == attr)
        {
            return None;
        }
        let ns = *ns;
        let key = self.b.str_lit(attr);
        Some(self.b.prim_named(Internal::DictGet, &[ns, key]))
    }

    fn ns_set(&mut self, ns: ValueId, key: &str, value: impl FnOnce(&mut Self) -> ValueId) {
        let k = self.b.str_lit(key);
        let v = value(self);
        let v = self.b.boxed(v);
        self.b.prim_named(Internal::DictSet, &[ns, k, v]);
    }
}

/// Operations on instances of native classes: struct field reads and
/// writes, vtable calls, construction and type checks.
impl IrBuilder<'_> {
    /// The native class of the static type of `e`, if it is one. An
    /// `Optional[C]` counts as `C`: the type checker only lets attributes be
    /// used where the value was narrowed to `C`, and the conversion checks.
    fn native_class_of(&self, e: &ast::Expr) -> Option<String> {
        self.opts.mapper.optional_native(&self.type_of(e))
    }

    /// The class and type of native attribute `a`, if it is one.
    fn native_attr(&self, a: &ast::ExprAttribute) -> Option<(String, RType)> {
        let class = self.native_class_of(&a.value)?;
        let t = self
            .module
            .classes
            .get(&class)?
            .ir
            .attr_type(a.attr.as_str())?
            .clone();
        Some((class, t))
    }

    /// The native classes a value of union type is one of (`None` unless
    /// every item of the union is a native class).
    fn union_classes(&self, e: &ast::Expr) -> Option<Vec<String>> {
        let crate::types::Type::Union(items) = self.type_of(e) else {
            return None;
        };
        items
            .iter()
            .map(|t| self.opts.mapper.native_class(t))
            .collect()
    }

    /// `x.attr` where `x` is a union of native classes that all have the
    /// native attribute or property: a type test per class and that
    /// class's field read or getter call, as mypyc does.
    fn union_get_attr(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let classes = self.union_classes(&a.value)?;
        let attr = a.attr.as_str();
        let table = self.module.classes.clone();
        let reads: Vec<UnionRead> = classes
            .iter()
            .map(|c| {
                let info = table.get(c)?;
                match info.ir.attr_type(attr) {
                    Some(t) => Some(UnionRead::Field(t.clone())),
                    None => info
                        .properties
                        .get(attr)
                        .map(|p| UnionRead::Property(info, p)),
                }
            })
            .collect::<Option<_>>()?;
        let result = self.rtype_of(&self.type_of(&ast::Expr::Attribute(a.clone())));
        let obj = self.expr(&a.value);
        self.set_line(a);
        Some(
            self.union_dispatch(obj, &classes, result, &mut |this, o, i| match &reads[i] {
                UnionRead::Field(t) => this.get_attr(o, classes[i].clone(), attr, t.clone()),
                UnionRead::Property(info, p) => this.property_getter_call(info, attr, p, o),
            }),
        )
    }

    /// `x.m(...)` where `x` is a union of native classes whose methods `m`
    /// take the same parameters: the arguments once, then a type test per
    /// class and a call through that class's vtable.
    fn union_method_call(&mut self, a: &ast::ExprAttribute, c: &ast::ExprCall) -> Option<ValueId> {
        let classes = self.union_classes(&a.value)?;
        let table = self.module.classes.clone();
        let methods: Vec<&crate::irbuild::class_table::VtableMethod> = classes
            .iter()
            .map(|c| table.method(c, a.attr.as_str()))
            .collect::<Option<_>>()?;
        let params = &methods[0].sig.params[1..];
        let same = |m: &&crate::irbuild::class_table::VtableMethod| {
            m.sig.params.len() == params.len() + 1
                && m.sig.params[1..].iter().zip(params).all(|(x, y)| {
                    x.kind == y.kind
                        && self.rtype_of(&x.ty) == self.rtype_of(&y.ty)
                        && x.has_default == y.has_default
                })
        };
        if !methods.iter().all(same) {
            return None;
        }
        let plan = super::expr::plan_call(params, c)?;
        let result = self.rtype_of(&self.type_of(&ast::Expr::Call(c.clone())));
        let obj = self.expr(&a.value);
        let args = self.planned_args(params, &plan);
        self.set_line(c);
        let attr = a.attr.as_str();
        Some(
            self.union_dispatch(obj, &classes, result, &mut |this, o, i| {
                this.emit_method_call(&classes[i], attr, methods[i], o, args.clone())
                    .unwrap_or(o)
            }),
        )
    }

    /// Branch on which of `classes` the union value `obj` is: `each` gives
    /// the result for the value cast to the `i`th class. The last class
    /// needs no test (the cast checks it).
    fn union_dispatch(
        &mut self,
        obj: ValueId,
        classes: &[String],
        result: RType,
        each: &mut dyn FnMut(&mut Self, ValueId, usize) -> ValueId,
    ) -> ValueId {
        let out = self.b.new_register(result.clone(), None);
        let done = self.b.new_block();
        for (i, class) in classes.iter().enumerate() {
            let other = (i + 1 < classes.len()).then(|| {
                let is = self.b.add(
                    Op::IsInstance {
                        obj,
                        class: class.clone(),
                    },
                    RType::Bit,
                );
                let (yes, no) = (self.b.new_block(), self.b.new_block());
                self.b.branch(is, yes, no);
                self.b.activate(yes);
                no
            });
            let o = self.b.coerce(obj, &RType::Instance(class.clone()));
            let v = each(self, o, i);
            let v = self.b.coerce(v, &result);
            self.b.assign(out, v);
            self.b.goto(done);
            if let Some(no) = other {
                self.b.activate(no);
            }
        }
        self.b.activate(done);
        out
    }

    /// A native attribute compiled code may store into directly (not one of
    /// a frozen dataclass, whose `__setattr__` refuses writes).
    fn native_writable_attr(&self, a: &ast::ExprAttribute) -> Option<(String, RType)> {
        let (class, t) = self.native_attr(a)?;
        let frozen = self.module.classes.get(&class).is_some_and(|c| c.is_frozen);
        (!frozen).then_some((class, t))
    }

    /// `obj.prop` of a property of a native class: its getter, called
    /// through the vtable (directly for final classes).
    fn native_property_get(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let class = self.native_class_of(&a.value)?;
        let classes = self.module.classes.clone();
        let info = classes.get(&class)?;
        let p = info.properties.get(a.attr.as_str())?;
        let obj = self.expr_as(&a.value, &RType::Instance(class.clone()));
        self.set_line(a);
        Some(self.property_getter_call(info, a.attr.as_str(), p, obj))
    }

    /// The call of property `p`'s getter on `obj`, an instance of native
    /// class `info`.
    fn property_getter_call(
        &mut self,
        info: &crate::irbuild::class_table::NativeClass,
        attr: &str,
        p: &crate::irbuild::class_table::VtableMethod,
        obj: ValueId,
    ) -> ValueId {
        let ret = self.rtype_of(&p.sig.ret);
        let class = info.ir.full_name();
        let op = if info.is_final {
            Op::Call {
                func: info.ir.vtable[p.slot].decl.func.clone(),
                args: vec![obj],
                ret: ret.clone(),
            }
        } else {
            Op::MethodCall {
                obj,
                class,
                method: attr.to_string(),
                slot: p.slot,
                args: vec![],
                ret: ret.clone(),
                builtin_base: info.ir.builtin_base.clone(),
            }
        };
        self.b.add(op, ret)
    }

    fn get_attr(&mut self, obj: ValueId, class: String, attr: &str, t: RType) -> ValueId {
        let checked = !self
            .module
            .classes
            .get(&class)
            .is_some_and(|c| c.ir.always_defined.iter().any(|a| a == attr));
        let op = Op::GetAttr {
            obj,
            class,
            attr: attr.to_string(),
            rtype: t.clone(),
            checked,
            borrow: false,
        };
        self.b.add(op, t)
    }

    fn set_attr(&mut self, obj: ValueId, class: String, attr: &str, value: ValueId) {
        let op = Op::SetAttr {
            obj,
            class,
            attr: attr.to_string(),
            value,
        };
        self.b.add(op, RType::Void);
    }

    /// `obj.attr` of a native instance: a field read.
    pub fn native_get_attr(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let Some((class, t)) = self.native_attr(a) else {
            return self
                .native_property_get(a)
                .or_else(|| self.union_get_attr(a));
        };
        let obj = self.expr_as(&a.value, &RType::Instance(class.clone()));
        self.set_line(a);
        Some(self.get_attr(obj, class, a.attr.as_str(), t))
    }

    /// `obj.attr = v` of a native instance: a field write. False if `a` is
    /// not a native attribute.
    pub fn native_set_attr(&mut self, a: &ast::ExprAttribute, v: ValueId) -> bool {
        let Some((class, t)) = self.native_writable_attr(a) else {
            return false;
        };
        let obj = self.expr_as(&a.value, &RType::Instance(class.clone()));
        let v = self.b.coerce(v, &t);
        self.set_line(a);
        self.set_attr(obj, class, a.attr.as_str(), v);
        true
    }

    /// `obj.attr <op>= value` of a native attribute: the object is
    /// evaluated once, the field read, updated and written back.
    pub fn native_aug_assign(
        &mut self,
        a: &ast::ExprAttribute,
        op: Operator,
        value: &ast::Expr,
    ) -> bool {
        let Some((class, t)) = self.native_writable_attr(a) else {
            return false;
        };
        let obj = self.expr_as(&a.value, &RType::Instance(class.clone()));
        self.set_line(a);
        let cur = self.get_attr(obj, class.clone(), a.attr.as_str(), t.clone());
        let r = self.expr(value);
        let v = self.inplace_op(op, cur, r);
        let v = self.b.coerce(v, &t);
        self.set_attr(obj, class, a.attr.as_str(), v);
        true
    }

    /// Is `s` `super()`, or `super(C, self)` naming the class of the method
    /// being built and its first parameter (which mean the same)?
    pub fn is_plain_super(&self, s: &ast::ExprCall) -> bool {
        let is_super = matches!(&*s.func, ast::Expr::Name(n) if n.id.as_str() == "super");
        if !is_super || !s.keywords.is_empty() || self.is_local_name("super") {
            return false;
        }
        let Some(class) = &self.current_class else {
            return false;
        };
        match s.args.as_slice() {
            [] => true,
            [ast::Expr::Name(c), ast::Expr::Name(this)] => {
                c.id.as_str() == class
                    && !self.is_local_name(class)
                    && matches!(
                        self.opts.program.binding(&self.module.name, class),
                        crate::checker::program::Binding::Class(full)
                            if full == format!("{}.{class}", self.module.name)
                    )
                    && self.first_param.as_deref() == Some(this.id.as_str())
            }
            _ => false,
        }
    }

    /// `super().__init__()` in a native class none of whose ancestors
    /// defines `__init__` (nor derives from a builtin class or is a
    /// dataclass): `object.__init__(self)`, which does nothing, so (as
    /// mypyc) no call at all.
    fn is_object_init(&self, full: &str, a: &ast::ExprAttribute, c: &ast::ExprCall) -> bool {
        if a.attr.as_str() != "__init__" || !c.args.is_empty() || !c.keywords.is_empty() {
            return false;
        }
        let Some(native) = self.module.classes.get(full) else {
            return false;
        };
        if native.ir.builtin_base.is_some() {
            return false;
        }
        let (mro, complete) = self.opts.program.mro(full);
        complete
            && mro
                .iter()
                .skip(1)
                .all(|c| !c.members.contains_key("__init__") && c.dataclass.is_none() && !c.opaque)
    }

    /// `super().m(...)` (or `super(C, self).m(...)`) in a method of a
    /// native class whose base is native: a direct call of the base's
    /// implementation.
    fn native_super_call(&mut self, a: &ast::ExprAttribute, c: &ast::ExprCall) -> Option<ValueId> {
        let ast::Expr::Call(s) = &*a.value else {
            return None;
        };
        if !self.is_plain_super(s) {
            return None;
        }
        let full = format!("{}.{}", self.module.name, self.current_class.as_ref()?);
        if self.is_object_init(&full, a, c) {
            return Some(self.b.none());
        }
        let classes = self.module.classes.clone();
        let base = classes.get(classes.get(&full)?.ir.base.as_ref()?)?;
        let (sig, func) = if a.attr.as_str() == "__init__" {
            let (sig, func) = base.init.as_ref()?;
            (sig, func.clone())
        } else {
            let m = base.methods.get(a.attr.as_str())?;
            (&m.sig, base.ir.vtable[m.slot].decl.func.clone())
        };
        let this = *self.b.f.args.first()?;
        if self.b.f.decl.params.first()?.rtype != RType::Instance(full) {
            return None;
        }
        let params = &sig.params[1..];
        let plan = super::expr::plan_call(params, c)?;
        let mut args = vec![this];
        args.extend(self.planned_args(params, &plan));
        let ret = self.rtype_of(&sig.ret);
        self.set_line(c);
        Some(self.b.call(func, args, ret))
    }

    /// `object.__new__(cls)`, or `super().__new__(cls)` where the bases
    /// have no `__new__`, in the `__new__` of a native class: a new
    /// instance (attributes unset but for class-body defaults) of `cls`,
    /// which is the class itself or a native subclass inheriting the method
    /// (allocated by its own setup, `CPy_SetupNative`).
    fn native_object_new(&mut self, a: &ast::ExprAttribute, c: &ast::ExprCall) -> Option<ValueId> {
        if a.attr.as_str() != "__new__" || self.b.f.decl.func.name != "__new__" {
            return None;
        }
        let class = self.current_class.clone()?;
        if self.b.f.decl.func.class.as_deref() != Some(class.as_str()) {
            return None;
        }
        let full = format!("{}.{}", self.module.name, class);
        let classes = &self.module.classes;
        let ir = &classes
            .get(&full)
            .filter(|n| n.ir.module == self.module.name)?
            .ir;
        let own = ir.new_method.as_ref()?;
        let base_has_new = ir
            .base
            .as_ref()
            .and_then(|b| classes.get(b))
            .is_some_and(|b| b.ir.new_method.is_some());
        if own.class.as_deref() != Some(class.as_str()) {
            return None;
        }
        // `super().__new__` of a class whose base has one calls that one.
        let base_ok = match &*a.value {
            ast::Expr::Call(s) => self.is_plain_super(s) && !base_has_new,
            ast::Expr::Name(n) => n.id.as_str() == "object" && !self.is_local_name("object"),
            _ => false,
        };
        if !base_ok {
            return None;
        }
        let [arg] = c.args.as_slice() else {
            self.unsupported(
                c,
                "__new__ of a native class called with other than one argument",
            );
            return Some(self.b.none());
        };
        if !c.keywords.is_empty() || matches!(arg, ast::Expr::Starred(_)) {
            self.unsupported(
                c,
                "__new__ of a native class called with other than one argument",
            );
            return Some(self.b.none());
        }
        let cls = self.expr(arg);
        let cls = self.b.boxed(cls);
        self.set_line(c);
        let t = self
            .b
            .add(Op::LoadStatic(StaticRef::Type(full.clone())), RType::OBJECT);
        let result = self.b.new_register(RType::OBJECT, None);
        let (native, generic, done) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
        let same = self.b.add(
            Op::ComparisonOp {
                op: CmpKind::Eq,
                lhs: cls,
                rhs: t,
            },
            RType::Bit,
        );
        self.b.add(
            Op::Branch {
                value: same,
                true_label: native,
                false_label: generic,
                kind: BranchKind::Bool,
                negated: false,
                traceback: None,
                rare: false,
            },
            RType::Void,
        );
        self.b.activate(native);
        let rt = RType::Instance(full.clone());
        let obj = self.b.add(Op::NewInstance(full), rt);
        self.b.assign(result, obj);
        self.b.goto(done);
        // A subclass, or another class (`object.__new__(cls)` as the
        // interpreter runs it).
        self.b.activate(generic);
        let v = self.b.prim_named(Internal::SetupNative, &[cls]);
        self.b.assign(result, v);
        self.b.goto(done);
        self.b.activate(done);
        Some(result)
    }

    /// `obj.m(...)` of a method of a native class: a call through the vtable.
    pub fn native_method_call(
        &mut self,
        a: &ast::ExprAttribute,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        if let Some(v) = self.native_object_new(a, c) {
            return Some(v);
        }
        if let Some(v) = self.native_super_call(a, c) {
            return Some(v);
        }
        if let Some(v) = self.class_level_method_call(a, c) {
            return Some(v);
        }
        if let Some(v) = self.class_object_method_call(a, c) {
            return Some(v);
        }
        let Some(class) = self.native_class_of(&a.value) else {
            return self.union_method_call(a, c);
        };
        let classes = self.module.classes.clone();
        let m = classes.method(&class, a.attr.as_str())?;
        let params = &m.sig.params[1..];
        let plan = super::expr::plan_call(params, c)?;
        let obj = self.expr_as(&a.value, &RType::Instance(class.clone()));
        let args = self.planned_args(params, &plan);
        self.set_line(c);
        self.emit_method_call(&class, a.attr.as_str(), m, obj, args)
    }

    /// `C.m(...)` of a static or class method of a native class `C` of this
    /// module (its own or a native base's): a direct call of the compiled
    /// function, the class method given `C`'s type object, as in mypyc.
    fn class_level_method_call(
        &mut self,
        a: &ast::ExprAttribute,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        let ast::Expr::Name(n) = &*a.value else {
            return None;
        };
        let name = n.id.as_str();
        if self.is_local_name(name) || self.closure_has(name) || self.is_class_ns_name(name) {
            return None;
        }
        let full = self.module.native_names.get(name)?.clone();
        if let Some(v) = self.unbound_method_call(&full, a.attr.as_str(), c) {
            return Some(v);
        }
        let found = class_level_def(self.parsed, self.module, &full, a.attr.as_str())?;
        self.static_method_call(&full, found, None, c)
    }

    /// `cls.m(...)` where `cls` is a `type[C]` of a native class `C` and
    /// `m` a static or class method that no native subclass of `C`
    /// redefines (and Python code cannot subclass `C`): a direct call, the
    /// class method given `cls` itself.
    fn class_object_method_call(
        &mut self,
        a: &ast::ExprAttribute,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        let crate::types::Type::TypeObj(full) = self.type_of(&a.value) else {
            return None;
        };
        let classes = self.module.classes.clone();
        let info = classes.get(&full)?;
        if info.ir.allow_interpreted_subclasses {
            return None;
        }
        let attr = a.attr.as_str();
        let parsed = self.parsed;
        let found = class_level_def(parsed, self.module, &full, attr)?;
        let (owner, def) = (&found.0, found.1);
        let same_everywhere = classes
            .classes
            .keys()
            .filter(|sub| *sub != &full && classes.is_subclass(sub, &full))
            .all(|sub| {
                class_level_def(parsed, self.module, sub, attr)
                    .is_some_and(|(o, d, _)| o == *owner && std::ptr::eq(d, def))
            });
        if !same_everywhere {
            return None;
        }
        self.static_method_call(&full, found, Some(&a.value), c)
    }

    /// A direct call of the static or class method `found` (what
    /// `class_level_def` resolved) of native class `full`; a class method
    /// gets the value of `cls` (else `full`'s type object).
    fn static_method_call(
        &mut self,
        full: &str,
        found: (String, &ast::StmtFunctionDef, bool),
        cls: Option<&ast::Expr>,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        let parsed = self.parsed;
        let (owner, def, is_class_method) = found;
        let sig = self
            .opts
            .mapper
            .func_sig(&self.opts.program, &self.module.name, parsed, def);
        let sig = crate::semanal::method_compiled_sig(sig, def.name.as_str());
        let params = if is_class_method {
            sig.params.get(1..)?
        } else {
            &sig.params[..]
        };
        let plan = super::expr::plan_call(params, c)?;
        let mut args = vec![];
        if is_class_method {
            let cls = match cls {
                Some(e) => {
                    let v = self.expr(e);
                    self.b.boxed(v)
                }
                None => self.b.add(
                    Op::LoadStatic(StaticRef::Type(full.to_string())),
                    RType::OBJECT,
                ),
            };
            args.push(cls);
        }
        args.extend(self.planned_args(params, &plan));
        let func = FuncRef {
            module: self.module.name.clone(),
            class: Some(owner),
            name: def.name.to_string(),
        };
        self.set_line(c);
        Some(self.b.call(func, args, self.rtype_of(&sig.ret)))
    }

    /// `C.m(obj, ...)` of a plain method (or `__init__`) of native class
    /// `C`: a direct call of `C`'s implementation, the receiver checked
    /// to be a `C` as the parameter's type says.
    fn unbound_method_call(
        &mut self,
        full: &str,
        attr: &str,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        let classes = self.module.classes.clone();
        let info = classes.get(full)?;
        let (sig, func) = if attr == "__init__" {
            info.init.clone()?
        } else {
            let m = classes.method(full, attr)?;
            (m.sig.clone(), info.ir.vtable[m.slot].decl.func.clone())
        };
        let plan = super::expr::plan_call(&sig.params, c)?;
        let args = self.planned_args(&sig.params, &plan);
        self.set_line(c);
        Some(self.b.call(func, args, self.rtype_of(&sig.ret)))
    }

    /// The truth value of `v`, an instance of native class `class` whose
    /// class defines (or inherits) `__bool__` or `__len__`: a call through
    /// the vtable, as `bool(v)` would make through the type's slot.
    pub fn native_truth(&mut self, v: ValueId, class: &str) -> Option<ValueId> {
        let table = self.module.classes.clone();
        let returns = |this: &Self, m: &crate::irbuild::class_table::VtableMethod, t: RType| {
            m.sig.params.len() == 1 && this.rtype_of(&m.sig.ret) == t
        };
        if let Some(m) = table.method(class, "__bool__") {
            return match returns(self, m, RType::Bool) {
                true => self.emit_method_call(class, "__bool__", m, v, vec![]),
                false => None,
            };
        }
        let m = table
            .method(class, "__len__")
            .filter(|m| returns(self, m, RType::Int))?;
        let n = self.emit_method_call(class, "__len__", m, v, vec![])?;
        let zero = self.b.int(0);
        Some(self.b.add(
            Op::ComparisonOp {
                op: CmpKind::Ne,
                lhs: n,
                rhs: zero,
            },
            RType::Bit,
        ))
    }

    /// A call of native method `method` (`m`) of `class` on `obj`: direct
    /// when no subclass can override it, else through the vtable.
    fn emit_method_call(
        &mut self,
        class: &str,
        method: &str,
        m: &crate::irbuild::class_table::VtableMethod,
        obj: ValueId,
        args: Vec<ValueId>,
    ) -> Option<ValueId> {
        let ret = self.rtype_of(&m.sig.ret);
        let info = self.module.classes.get(class)?;
        if m.is_final || info.is_final {
            // The implementation is known statically: a direct call.
            let mut all = vec![obj];
            all.extend(args);
            let func = info.ir.vtable[m.slot].decl.func.clone();
            return Some(self.b.call(func, all, ret));
        }
        let builtin_base = info.ir.builtin_base.clone();
        Some(self.b.add(
            Op::MethodCall {
                obj,
                class: class.to_string(),
                method: method.to_string(),
                slot: m.slot,
                args,
                ret: ret.clone(),
                builtin_base,
            },
            ret,
        ))
    }

    /// An operator on an instance of a native class that defines its
    /// method (`__add__` for `+`, `__neg__` for unary `-`): a call of that
    /// method when the operand fits its parameter without a check and the
    /// method cannot return `NotImplemented` (its result type is not
    /// `object`), as mypyc does; `None` for the generic operator.
    pub fn native_dunder_call(
        &mut self,
        obj: ValueId,
        method: &str,
        operand: Option<ValueId>,
    ) -> Option<ValueId> {
        let RType::Instance(class) = self.b.rtype(obj) else {
            return None;
        };
        let classes = self.module.classes.clone();
        let m = classes.method(&class, method)?;
        let params = &m.sig.params[1..];
        let positional = params
            .iter()
            .all(|p| p.kind == crate::semanal::ParamKind::Positional);
        if params.len() != usize::from(operand.is_some()) || !positional {
            return None;
        }
        if matches!(
            m.sig.ret,
            crate::types::Type::Any | crate::types::Type::Object
        ) || self.reflected_may_go_first(&class, method)
        {
            return None;
        }
        let mut args = vec![];
        if let Some(v) = operand {
            let want = self.rtype_of(&params[0].ty);
            if !self.fits_unchecked(&self.b.rtype(v), &want) {
                return None;
            }
            args.push(self.b.coerce(v, &want));
        }
        self.emit_method_call(&class, method, m, obj, args)
    }

    /// May the right operand of `obj.method(...)` on an instance of
    /// `class` be of a subclass whose reflected method (`__radd__` for
    /// `__add__`) differs from `class`'s? Python calls that one first.
    fn reflected_may_go_first(&self, class: &str, method: &str) -> bool {
        let Some(reflected) = method.strip_prefix("__").map(|m| format!("__r{m}")) else {
            return false;
        };
        let classes = &self.module.classes;
        let implementation = |c: &str| {
            let m = classes.method(c, &reflected)?;
            Some(classes.get(c)?.ir.vtable[m.slot].decl.func.clone())
        };
        let own = implementation(class);
        classes.classes.keys().any(|sub| {
            sub != class
                && classes.is_subclass(sub, class)
                && (implementation(sub) != own
                    || classes
                        .get(sub)
                        .is_some_and(|s| s.ir.allow_interpreted_subclasses))
        }) || classes
            .get(class)
            .is_some_and(|c| c.ir.allow_interpreted_subclasses)
    }

    /// May a value of RType `have` be passed where `want` is expected with
    /// no run-time type check (at most boxing)?
    fn fits_unchecked(&self, have: &RType, want: &RType) -> bool {
        match (have, want) {
            _ if have == want || *want == RType::OBJECT => true,
            (RType::Instance(a), RType::Instance(b)) => self.module.classes.is_subclass(a, b),
            (h, RType::Union(items)) => items.contains(h) || items.contains(&h.boxed()),
            _ => false,
        }
    }

    /// Is `e` a call `C(...)` of a native class with `__new__`? Its value is
    /// whatever `__new__` returns, whatever the type checker says.
    pub fn is_new_method_call(&self, e: &ast::Expr) -> bool {
        let ast::Expr::Call(c) = e else { return false };
        let ast::Expr::Name(n) = &*c.func else {
            return false;
        };
        !self.is_local_name(n.id.as_str())
            && self
                .module
                .native_names
                .get(n.id.as_str())
                .and_then(|full| self.module.classes.get(full))
                .is_some_and(|class| class.ir.new_method.is_some())
    }

    /// `C(...)` of a native class: arguments, allocation, a direct call of
    /// `__init__`.
    pub fn native_construct(&mut self, name: &str, c: &ast::ExprCall) -> Option<ValueId> {
        let full = self.module.native_names.get(name)?.clone();
        let classes = self.module.classes.clone();
        let class = classes.get(&full)?;
        if class.ir.new_method.is_some() || class.ir.builtin_base.is_some() {
            // Through the type's `tp_new`: `__new__` (or, for exceptions,
            // the allocation that keeps the arguments in `args`), then
            // `__init__`.
            return None;
        }
        let mut ancestors = std::iter::successors(Some(class), |c| {
            c.ir.base.as_ref().and_then(|b| classes.get(b))
        });
        if class.init.is_none() && ancestors.any(|c| c.ir.is_dataclass) {
            // `__init__` is generated when the class is created.
            return None;
        }
        let init = match &class.init {
            Some((sig, func)) => Some((sig, func, super::expr::plan_call(&sig.params[1..], c)?)),
            None if c.args.is_empty() && c.keywords.is_empty() => None,
            None => return None,
        };
        let args = match &init {
            Some((sig, _, plan)) => self.planned_args(&sig.params[1..], plan),
            None => vec![],
        };
        self.set_line(c);
        let t = RType::Instance(full.clone());
        let obj = self.b.add(Op::NewInstance(full), t);
        if let Some((_, func, _)) = init {
            let mut all = vec![obj];
            all.extend(args);
            self.b.call(func.clone(), all, RType::None);
        }
        Some(obj)
    }

    /// `isinstance(x, C)` for a native class `C`: a type check.
    pub fn native_isinstance(&mut self, c: &ast::ExprCall) -> Option<ValueId> {
        let [x, ast::Expr::Name(n)] = c.args.as_slice() else {
            return None;
        };
        if !c.keywords.is_empty() || self.is_local_name(n.id.as_str()) {
            return None;
        }
        let full = self.module.native_names.get(n.id.as_str())?.clone();
        if self.module.classes.get(&full)?.ir.is_abc {
            // The ABC's registry may name other classes.
            return None;
        }
        let v = self.expr(x);
        let obj = self.b.boxed(v);
        Some(self.b.add(Op::IsInstance { obj, class: full }, RType::Bit))
    }
}

/// How `x.attr` reads from one class of a union (`union_get_attr`).
enum UnionRead<'t> {
    Field(RType),
    Property(
        &'t crate::irbuild::class_table::NativeClass,
        &'t crate::irbuild::class_table::VtableMethod,
    ),
}

/// The class (short name) and `def` that attribute `attr` of native
/// class `full` resolves to when it is a static or class method
/// defined once, undecorated otherwise, in a class of this module
/// (`true`: a class method). The first class of the native base chain
/// that binds `attr` in its body decides.
fn class_level_def<'p>(
    parsed: &'p ParsedModule,
    module: &ModuleSymbols,
    full: &str,
    attr: &str,
) -> Option<(String, &'p ast::StmtFunctionDef, bool)> {
    let classes = &module.classes;
    let mut class = classes.get(full)?;
    loop {
        if class.ir.module != module.name {
            return None;
        }
        let body = parsed.body.iter().find_map(|s| match s {
            ast::Stmt::ClassDef(d) if d.name.as_str() == class.ir.name => Some(&d.body),
            _ => None,
        })?;
        let binders: Vec<&ast::Stmt> = body
            .iter()
            .filter(|s| crate::semanal::scope::binds_name(s, attr))
            .collect();
        match binders.as_slice() {
            [] => class = classes.get(class.ir.base.as_ref()?)?,
            [ast::Stmt::FunctionDef(d)] => {
                let kind = match d.decorator_list.as_slice() {
                    [dec] => crate::semanal::scope::dotted_name(dec),
                    _ => None,
                };
                return match kind.as_deref() {
                    Some("classmethod") => Some((class.ir.name.clone(), d, true)),
                    Some("staticmethod") => Some((class.ir.name.clone(), d, false)),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
}
