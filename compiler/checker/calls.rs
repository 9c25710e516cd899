//! Calls: which function a call reaches (a function or class of the
//! program, a method found through the class hierarchy, a builtin), the
//! matching of arguments to parameters (`[call-arg]`), argument types
//! (`[arg-type]`) and the call's result type. Calls through anything else
//! (callables of unknown type, decorated functions) are `Any` and unchecked.

use indexmap::IndexMap;
use rustpython_parser::ast;

use crate::semanal::ParamKind;
use crate::types::Type;

use super::builtins;
use super::check::{CallOutcome, Checker};
use super::messages as msg;
use super::partial::{Completion, PartialKind};
use super::program::{Binding, Lookup, Member, MethodKind, Program, Sig};

/// The argument types of a call and the type its result is expected to
/// have.
pub(super) struct CallTypes<'t> {
    pub args: &'t [Type],
    pub kws: &'t [Type],
    pub expected: Option<&'t Type>,
}

/// What a call reaches.
enum Callee {
    /// A signature; `skip` leading parameters are bound (self/cls).
    /// Type variables in `fixed` come from the receiver's type (`self`
    /// in a generic class): they stand for one type, not inferred per call.
    Sig {
        sig: Sig,
        skip: usize,
        name: String,
        fixed: Vec<String>,
    },
    /// An overloaded function or method: its variants (bound as in `Sig`).
    Overloaded {
        variants: Vec<Sig>,
        skip: usize,
        name: String,
    },
    /// Constructing a class of the program.
    Class(String),
    Builtin(String),
    /// A method of a builtin type, with its signature from the builtins
    /// stub (class type variables substituted) when the stub has one.
    Method(Type, String, Option<Sig>),
    Unknown,
}

impl Checker<'_> {
    /// The type of a call evaluated where a value of type `expected` is
    /// wanted.
    pub fn call(&mut self, c: &ast::ExprCall, expected: Option<&Type>) -> Type {
        if let Some(t) = self.typed_dict_get(c) {
            return t;
        }
        if let Some(t) = self.cast_call(c) {
            return t;
        }
        let callee = self.callee(&c.func, true);
        let (arg_ctx, kw_ctx) = self.argument_contexts(c, &callee);
        let args: Vec<Type> = c
            .args
            .iter()
            .zip(&arg_ctx)
            .map(|(a, x)| self.expr_expecting(a, x.as_ref()))
            .collect();
        let kws: Vec<Type> = c
            .keywords
            .iter()
            .zip(&kw_ctx)
            .map(|(k, x)| self.expr_expecting(&k.value, x.as_ref()))
            .collect();
        for (a, t) in c.args.iter().zip(&args) {
            self.check_value_used(a, t);
        }
        for (k, t) in c.keywords.iter().zip(&kws) {
            self.check_value_used(&k.value, t);
        }
        self.fill_partial(c, &args);
        let call = CallTypes {
            args: &args,
            kws: &kws,
            expected,
        };
        match callee {
            Callee::Sig {
                sig,
                skip,
                name,
                fixed,
            } => {
                let sig = self.instantiate(c, sig, skip, &name, &fixed, &call);
                self.check_args(c, &sig, skip, &name, &args, &kws);
                match sig {
                    _ if !sig.has_ret => Type::Any,
                    // Calling a coroutine function makes a coroutine.
                    Sig {
                        is_async: true,
                        is_generator: false,
                        ret,
                        ..
                    } => Type::Instance("typing.Coroutine".into(), vec![Type::Any, Type::Any, ret]),
                    Sig { ret, .. } => ret,
                }
            }
            Callee::Class(full) if self.program.typed_dicts.contains_key(&full) => {
                self.typed_dict_constructor(c, &full, &kws)
            }
            Callee::Class(full) => {
                let made = self.check_constructor(c, &full, &call);
                if self.is_named_tuple(&full) {
                    made
                } else {
                    self.constructed(&full, made)
                }
            }
            Callee::Overloaded {
                variants,
                skip,
                name,
            } => self.call_overloaded(c, &variants, skip, &name, &call),
            Callee::Builtin(name) if name == "reveal_type" && args.len() == 1 => {
                // mypy places the note at the revealed expression.
                let note = msg::revealed_type(&args[0], self.program);
                self.note(&c.args[0], "misc", note);
                args[0].clone()
            }
            Callee::Builtin(name) => builtins::builtin_call_type(&name, &args),
            Callee::Method(recv, name, sig) => {
                let known = builtins::method_type(&recv, &name, &args);
                let Some(sig) = sig else { return known };
                let callee = msg::callee(&name, builtin_class_name(&recv).as_deref());
                let call = CallTypes {
                    expected: None,
                    ..call
                };
                let sig = self.instantiate(c, sig, 1, &callee, &[], &call);
                self.check_args(c, &sig, 1, &callee, &args, &kws);
                // The stub's signature is the reference; the compiler's
                // table only fills in where the stub has none.
                if sig.has_ret {
                    sig.ret
                } else {
                    known
                }
            }
            // `i64(x)` and the other native int types convert.
            Callee::Unknown if matches!(&*c.func, ast::Expr::Name(_)) => {
                let t = self.ann().resolve(&c.func);
                if t.is_native_int() && c.args.len() == 1 {
                    t
                } else {
                    Type::Any
                }
            }
            Callee::Unknown => Type::Any,
        }
    }

    /// `typing.cast(T, x)`: of type `T`, whatever `x` is.
    fn cast_call(&mut self, c: &ast::ExprCall) -> Option<Type> {
        if c.args.len() != 2 || !c.keywords.is_empty() {
            return None;
        }
        if let ast::Expr::Name(n) = &*c.func {
            if self.frame.locals.contains(n.id.as_str())
                || self.frame.enclosing.contains(n.id.as_str())
            {
                return None;
            }
        }
        if self.program.typing_name(self.module, &c.func).as_deref() != Some("cast") {
            return None;
        }
        self.expr(&c.func);
        self.expr(&c.args[1]);
        Some(self.ann().resolve(&c.args[0]))
    }

    /// `x.append(v)` (and the like) on a partial variable `x`: its item
    /// types come from the arguments.
    fn fill_partial(&mut self, c: &ast::ExprCall, args: &[Type]) {
        let ast::Expr::Attribute(a) = &*c.func else {
            return;
        };
        if let ast::Expr::Attribute(recv) = &*a.value {
            return self.fill_partial_attribute(a, recv, args);
        }
        let ast::Expr::Name(n) = &*a.value else {
            return;
        };
        let at = Completion::Call(c.range.start());
        let Some(kind) = self.partial_at(n.id.as_str(), at) else {
            return;
        };
        let t = filled_type(kind, a.attr.as_str(), args);
        self.complete_partial(n.id.as_str(), at, t);
    }

    /// `self.xs.append(v)` in the attribute inference pre-pass, where
    /// `self.xs` was first assigned an empty collection in this method.
    fn fill_partial_attribute(
        &mut self,
        call: &ast::ExprAttribute,
        recv: &ast::ExprAttribute,
        args: &[Type],
    ) {
        let Some((class, attr)) = self.self_attribute(recv) else {
            return;
        };
        let scope = self.frame.start;
        let Some(inf) = self.attrs.as_mut() else {
            return;
        };
        let Some(kind) = inf.pending_collection(&class, &attr, scope) else {
            return;
        };
        if kind.completes(call.attr.as_str()) {
            inf.complete(&class, &attr, filled_type(kind, call.attr.as_str(), args));
        }
    }
}

/// The type a partial collection of `kind` gets from a call of its
/// filling method `method` with arguments of types `args`.
fn filled_type(kind: PartialKind, method: &str, args: &[Type]) -> Type {
    {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Type::Any);
        let item = |t: Type| super::check::generalize(t);
        match (kind, method) {
            (PartialKind::List, "append") => Type::list(item(arg(0))),
            (PartialKind::List, "insert") => Type::list(item(arg(1))),
            (PartialKind::List, _) => Type::list(super::check::item_type(&arg(0))),
            (PartialKind::Set, "update") => Type::Set(Box::new(super::check::item_type(&arg(0)))),
            (PartialKind::Set, _) => Type::Set(Box::new(item(arg(0)))),
            (PartialKind::Dict, _) => match arg(0) {
                d @ Type::Dict(..) => d,
                _ => Type::dict(Type::Any, Type::Any),
            },
        }
    }
}

impl Checker<'_> {
    /// mypy's `func-returns-value`: the value of a call to a function
    /// declared to return `None` is used.
    pub fn check_value_used(&mut self, e: &ast::Expr, t: &Type) {
        let (ast::Expr::Call(c), Type::None) = (e, t) else {
            return;
        };
        let q = self.quiet;
        self.quiet = true;
        let callee = self.callee(&c.func, false);
        self.quiet = q;
        let name = match callee {
            Callee::Sig { sig, name, .. } if sig.has_ret && sig.ret == Type::None => name,
            Callee::Builtin(n) => msg::callee(&n, None),
            Callee::Method(recv, n, _) => match builtin_class_name(&recv) {
                Some(cls) => msg::callee(&n, Some(&cls)),
                None => return,
            },
            _ => return,
        };
        self.report(c, msg::func_returns_value(&name));
    }

    /// How a call statement ends (for reachability).
    pub fn call_outcome(&mut self, c: &ast::ExprCall) -> CallOutcome {
        if let ast::Expr::Attribute(a) = &*c.func {
            if let ast::Expr::Name(m) = &*a.value {
                let qual = format!("{}.{}", m.id, a.attr);
                if matches!(qual.as_str(), "sys.exit" | "os._exit" | "os.abort") {
                    return CallOutcome::NoReturn;
                }
            }
        }
        let q = self.quiet;
        self.quiet = true;
        let callee = self.callee(&c.func, false);
        self.quiet = q;
        match callee {
            Callee::Sig { sig, .. } if sig.no_return => CallOutcome::NoReturn,
            Callee::Builtin(n) if n == "exit" || n == "quit" => CallOutcome::NoReturn,
            Callee::Sig { .. }
            | Callee::Overloaded { .. }
            | Callee::Class(_)
            | Callee::Builtin(_)
            | Callee::Method(..) => CallOutcome::Returns,
            Callee::Unknown => CallOutcome::Unknown,
        }
    }

    /// Resolve the callee (type-checking its sub-expressions when `visit`).
    fn callee(&mut self, func: &ast::Expr, visit: bool) -> Callee {
        match func {
            ast::Expr::Name(n) => match self.name_callee(n.id.as_str()) {
                Callee::Unknown => value_callee(&self.name_type(n.id.as_str()), self.module),
                known => known,
            },
            ast::Expr::Attribute(a) => {
                let recv = if visit {
                    self.expr(&a.value)
                } else {
                    self.quiet_expr(&a.value)
                };
                if let Some(k) = self.key(func) {
                    if self.flow.narrowed.contains_key(&k) {
                        return Callee::Unknown;
                    }
                }
                match self.method_callee(&recv, a.attr.as_str(), func) {
                    Callee::Unknown if matches!(recv, Type::Instance(..)) => {
                        let q = std::mem::replace(&mut self.quiet, true);
                        let t = self.member_type(&recv, a.attr.as_str(), func);
                        self.quiet = q;
                        value_callee(&t, self.module)
                    }
                    known => known,
                }
            }
            other => {
                if visit {
                    self.expr(other);
                }
                Callee::Unknown
            }
        }
    }

    fn name_callee(&self, name: &str) -> Callee {
        if self.flow.narrowed.contains_key(name)
            || self.frame.locals.contains(name)
            || self.frame.enclosing.contains(name)
            || (self.frame.kind == super::check::FrameKind::Module
                && self.frame.declared.contains_key(name))
        {
            return Callee::Unknown;
        }
        if let Some(c) = self.alias_callee(self.module, name) {
            return c;
        }
        match self.program.binding(self.module, name) {
            Binding::Func(sig) => Callee::Sig {
                skip: 0,
                name: msg::callee(name, None),
                sig,
                fixed: vec![],
            },
            Binding::Overloaded(variants) => Callee::Overloaded {
                skip: 0,
                name: msg::callee(name, None),
                variants,
            },
            Binding::Class(full) => Callee::Class(full),
            _ if self.is_builtin(name) => Callee::Builtin(name.to_string()),
            _ => Callee::Unknown,
        }
    }

    /// Calling a type alias of a class (`OrderedCollection = list`) calls
    /// the class.
    fn alias_callee(&self, module: &str, name: &str) -> Option<Callee> {
        use super::aliases::AliasedClass;
        Some(match self.program.aliased_class(module, name)? {
            AliasedClass::Program(full) => Callee::Class(full),
            AliasedClass::Builtin(b) => Callee::Builtin(b),
        })
    }

    /// Method `attr` of `recv`, an instance of class `c` with type
    /// arguments `args`; `owner` gives the class name messages show.
    fn instance_method_callee(
        &mut self,
        recv: &Type,
        c: &str,
        args: &[Type],
        attr: &str,
        node: &ast::Expr,
        owner: fn(&str) -> &str,
    ) -> Callee {
        match self.program.lookup_member_of(c, Some(args), attr) {
            Lookup::Found(Member::Method(sig, kind), o) => {
                let skip = match kind {
                    MethodKind::Instance | MethodKind::Class => 1,
                    MethodKind::Static => 0,
                    _ => return Callee::Unknown,
                };
                let name = msg::callee(attr, Some(owner(o)));
                let mut fixed = vec![];
                recv.collect_type_vars(&mut fixed);
                Callee::Sig {
                    sig,
                    skip,
                    name,
                    fixed,
                }
            }
            Lookup::Found(Member::Overloaded(variants, kind), o) => {
                overloaded(variants, kind, false, msg::callee(attr, Some(owner(o))))
            }
            Lookup::Found(..) | Lookup::Unknown => Callee::Unknown,
            Lookup::Missing => {
                self.member_type(recv, attr, node);
                Callee::Unknown
            }
        }
    }

    /// Method `attr` of a value of union type: when every item's method
    /// has the same parameters (and no type variables), that signature
    /// with the union of the results; unknown otherwise.
    fn union_method_callee(&mut self, items: &[Type], attr: &str, node: &ast::Expr) -> Callee {
        let q = std::mem::replace(&mut self.quiet, true);
        let callees: Vec<Callee> = items
            .iter()
            .map(|t| self.method_callee(t, attr, node))
            .collect();
        self.quiet = q;
        let mut sigs = vec![];
        for c in callees {
            match c {
                Callee::Sig {
                    sig, skip, name, ..
                } => sigs.push((sig, skip, name)),
                _ => return Callee::Unknown,
            }
        }
        let Some((first, skip, name)) = sigs.first().cloned() else {
            return Callee::Unknown;
        };
        let plain = |s: &Sig| {
            s.has_ret
                && !s.is_async
                && !s.ret.has_type_vars()
                && !s.params.iter().any(|p| p.ty.has_type_vars())
        };
        let same = |s: &Sig, k: usize| {
            k == skip
                && s.params.len() == first.params.len()
                && s.params.iter().zip(&first.params).skip(skip).all(|(a, b)| {
                    a.kind == b.kind
                        && a.ty == b.ty
                        && a.has_default == b.has_default
                        && a.name == b.name
                })
        };
        if !sigs.iter().all(|(s, k, _)| plain(s) && same(s, *k)) {
            return Callee::Unknown;
        }
        let ret = crate::types::union(sigs.iter().map(|(s, _, _)| s.ret.clone()).collect());
        Callee::Sig {
            sig: Sig { ret, ..first },
            skip,
            name,
            fixed: vec![],
        }
    }

    fn method_callee(&mut self, recv: &Type, attr: &str, node: &ast::Expr) -> Callee {
        if let Type::Union(items) = recv {
            if !items.contains(&Type::None) {
                return self.union_method_callee(items, attr, node);
            }
        }
        if let Some((c, args)) = super::abcs::stub_class(recv) {
            if !self.program.classes.contains_key(&c) {
                return Callee::Unknown;
            }
            return self.instance_method_callee(
                recv,
                &c,
                &args,
                attr,
                node,
                super::abcs::owner_name,
            );
        }
        match recv {
            Type::Instance(c, args) => {
                self.instance_method_callee(recv, c, args, attr, node, |o| o)
            }
            Type::TypeObj(c) => {
                let Some(full) = self.class_object_class(c) else {
                    return Callee::Unknown;
                };
                match self.program.lookup_member(&full, attr) {
                    Lookup::Found(Member::Method(sig, kind), owner) => {
                        let skip = match kind {
                            MethodKind::Class => 1,
                            MethodKind::Static => 0,
                            _ => return Callee::Unknown,
                        };
                        let name = msg::callee(attr, Some(owner));
                        Callee::Sig {
                            sig,
                            skip,
                            name,
                            fixed: vec![],
                        }
                    }
                    Lookup::Found(Member::Overloaded(variants, kind), owner) => {
                        overloaded(variants, kind, true, msg::callee(attr, Some(owner)))
                    }
                    _ => Callee::Unknown,
                }
            }
            Type::Module(m) => match self.program.modules.get(m).and_then(|i| i.names.get(attr)) {
                Some(Binding::Func(sig)) => Callee::Sig {
                    skip: 0,
                    name: msg::callee(attr, None),
                    sig: sig.clone(),
                    fixed: vec![],
                },
                Some(Binding::Overloaded(variants)) => Callee::Overloaded {
                    skip: 0,
                    name: msg::callee(attr, None),
                    variants: variants.clone(),
                },
                Some(Binding::Class(full)) => Callee::Class(full.clone()),
                _ => {
                    self.member_type(recv, attr, node);
                    Callee::Unknown
                }
            },
            Type::Union(_) => {
                self.member_type(recv, attr, node);
                Callee::Unknown
            }
            _ if super::expr::builtin_class(recv).is_some() => {
                match self.builtin_member(recv, attr) {
                    Some(Lookup::Missing) => {
                        self.member_type(recv, attr, node);
                        Callee::Unknown
                    }
                    Some(Lookup::Found(Member::Method(sig, MethodKind::Instance), _)) => {
                        Callee::Method(recv.clone(), attr.to_string(), Some(sig))
                    }
                    Some(Lookup::Found(Member::Overloaded(variants, kind), _)) => {
                        let class = builtin_class_name(recv);
                        let name = msg::callee(attr, class.as_deref());
                        overloaded(variants, kind, false, name)
                    }
                    _ => Callee::Method(recv.clone(), attr.to_string(), None),
                }
            }
            _ => Callee::Unknown,
        }
    }

    /// The checked class a class object of type `type[c]` is: a class of
    /// the program, or a builtin class the builtins stub describes.
    fn class_object_class(&self, c: &str) -> Option<String> {
        if self.program.classes.contains_key(c) {
            return Some(c.to_string());
        }
        let stub = format!("builtins.{c}");
        self.program.classes.contains_key(&stub).then_some(stub)
    }

    /// Constructing a class that leaves abstract members of a protocol it
    /// subclasses undefined.
    fn check_abstract(&mut self, c: &ast::ExprCall, full: &str) {
        let attrs = super::protocols::abstract_attributes(full, self.program);
        if attrs.is_empty() {
            return;
        }
        let name = full.rsplit('.').next().unwrap_or(full);
        let names: Vec<String> = attrs.iter().map(|(n, _)| n.clone()).collect();
        let (message, code) = msg::cannot_instantiate_abstract(name, &names);
        self.report(c, (message, code));
        for (attr, _) in attrs.iter().filter(|(_, implicit)| *implicit) {
            self.note(c, code, msg::implicitly_abstract(attr));
        }
    }

    /// What calling class `full` makes, given `made`, the instance its
    /// `__init__` describes. As in mypy, a `__new__` changes it only by
    /// declaring an instance type compatible with `made` (a subclass); an
    /// unannotated `__new__`, or one declared to return `Any` or an
    /// unrelated type, still makes `made`. A `__new__` that is not a method
    /// may return anything.
    fn constructed(&self, full: &str, made: Type) -> Type {
        match self.program.lookup_member(full, "__new__") {
            Lookup::Missing => made,
            Lookup::Found(Member::Method(sig, _), _) => match sig.ret {
                ret @ (Type::Instance(..) | Type::Tuple(..))
                    if sig.has_ret && super::compat::compatible(&ret, &made, self.program) =>
                {
                    ret
                }
                _ => made,
            },
            _ => Type::Any,
        }
    }

    fn is_named_tuple(&self, full: &str) -> bool {
        self.program
            .classes
            .get(full)
            .is_some_and(|c| c.is_named_tuple)
    }

    /// Check the arguments of constructing class `full`; the instance's
    /// type (a generic class's type arguments inferred from them).
    fn check_constructor(&mut self, c: &ast::ExprCall, full: &str, call: &CallTypes) -> Type {
        let (args, kws) = (call.args, call.kws);
        let made = Type::Instance(full.to_string(), vec![]);
        if super::protocols::is_protocol(full, self.program) {
            let name = full.rsplit('.').next().unwrap_or(full);
            self.report(c, msg::cannot_instantiate_protocol(name));
            return made;
        }
        self.check_abstract(c, full);
        if self.is_named_tuple(full) {
            if let Some(Member::Method(sig, _)) = self
                .program
                .classes
                .get(full)
                .and_then(|i| i.members.get("__init__"))
            {
                let name = full.rsplit('.').next().unwrap_or(full);
                self.check_args(c, &sig.clone(), 1, &msg::callee(name, None), args, kws);
            }
            return made;
        }
        if !matches!(self.program.lookup_member(full, "__new__"), Lookup::Missing) {
            return made;
        }
        let name = full.rsplit('.').next().unwrap_or(full);
        match self.program.lookup_member(full, "__init__") {
            Lookup::Found(Member::Method(sig, MethodKind::Instance), _) => {
                // `__init__` made to return the instance: a generic class's
                // type arguments are inferred like a generic function's.
                let callee = msg::callee(name, None);
                let sig = Sig {
                    ret: self.program.self_type(full),
                    has_ret: true,
                    ..sig
                };
                let sig = self.instantiate(c, sig, 1, &callee, &[], call);
                self.check_args(c, &sig, 1, &callee, args, kws);
                return sig.ret;
            }
            Lookup::Missing => {
                if !c.args.is_empty() {
                    self.report(c, msg::too_many_args(&msg::callee(name, None)));
                } else if let Some(k) = c.keywords.first() {
                    if let Some(a) = &k.arg {
                        self.report(
                            c,
                            msg::unexpected_keyword(a.as_str(), &msg::callee(name, None), &[]),
                        );
                    }
                }
            }
            _ => {}
        }
        made
    }

    /// The types the arguments of a call are expected to have (their
    /// parameters' types, where those do not depend on type variables).
    fn argument_contexts(
        &self,
        c: &ast::ExprCall,
        callee: &Callee,
    ) -> (Vec<Option<Type>>, Vec<Option<Type>>) {
        let none = || (vec![None; c.args.len()], vec![None; c.keywords.len()]);
        let (params, skip) = match callee {
            Callee::Sig { sig, skip, .. } => (&sig.params, *skip),
            Callee::Class(full) if self.program.typed_dicts.contains_key(full) => {
                return self.typed_dict_arg_contexts(c, full);
            }
            _ => return none(),
        };
        if skip > params.len() || c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) {
            return none();
        }
        let known = |p: &crate::semanal::ParamSig| (!p.ty.has_type_vars()).then(|| p.ty.clone());
        let positional: Vec<_> = params[skip..]
            .iter()
            .filter(|p| p.kind == ParamKind::Positional)
            .collect();
        let args = (0..c.args.len())
            .map(|i| positional.get(i).and_then(|p| known(p)))
            .collect();
        let kws = c
            .keywords
            .iter()
            .map(|k| {
                let name = k.arg.as_deref()?;
                let p = params[skip..].iter().find(|p| {
                    p.name == name && matches!(p.kind, ParamKind::Positional | ParamKind::KwOnly)
                })?;
                known(p)
            })
            .collect();
        (args, kws)
    }

    /// A generic signature with its type variables replaced by the types
    /// inferred from the arguments (joined when several arguments bind one
    /// variable; `Any` when none does). A binding outside a variable's bound
    /// or constraints is a `[type-var]` error.
    pub(super) fn instantiate(
        &mut self,
        c: &ast::ExprCall,
        sig: Sig,
        skip: usize,
        name: &str,
        fixed: &[String],
        call: &CallTypes,
    ) -> Sig {
        let (args, kws) = (call.args, call.kws);
        let generic = sig.params.iter().any(|p| p.ty.has_type_vars()) || sig.ret.has_type_vars();
        if !generic || skip > sig.params.len() {
            return sig;
        }
        let params = &sig.params[skip..];
        let mut bindings: IndexMap<String, Type> = IndexMap::new();
        // As mypy: type variables the expected result type determines
        // come from it (unless the result is a bare type variable, which
        // is better inferred from the arguments); the arguments are then
        // checked against them.
        let mut from_context: IndexMap<String, Type> = IndexMap::new();
        if let Some(want) = call
            .expected
            .filter(|_| !matches!(sig.ret, Type::TypeVar(_)))
        {
            bind_type_vars(&sig.ret, want, self.program, &mut from_context);
            from_context.retain(|_, t| !super::compat::has_any(t) && !t.has_type_vars());
        }
        let positional: Vec<&crate::semanal::ParamSig> = params
            .iter()
            .filter(|p| p.kind == ParamKind::Positional)
            .collect();
        let star = params.iter().find(|p| p.kind == ParamKind::Star);
        for (i, (a, t)) in c.args.iter().zip(args).enumerate() {
            if matches!(a, ast::Expr::Starred(_)) {
                break;
            }
            if let Some(p) = positional.get(i).copied().or(star) {
                bind_type_vars(&p.ty, t, self.program, &mut bindings);
            }
        }
        for (k, t) in c.keywords.iter().zip(kws) {
            let Some(kname) = &k.arg else { continue };
            if let Some(p) = params.iter().find(|p| {
                p.name == kname.as_str()
                    && matches!(p.kind, ParamKind::Positional | ParamKind::KwOnly)
            }) {
                bind_type_vars(&p.ty, t, self.program, &mut bindings);
            }
        }
        bindings.extend(from_context);
        bindings.retain(|tv, _| !fixed.contains(tv));
        for (tv, t) in bindings.iter_mut() {
            let Some(info) = self.program.type_vars.get(tv) else {
                continue;
            };
            let fits = |x: &Type, y: &Type| super::compat::compatible(x, y, self.program);
            let ok = if info.constraints.is_empty() {
                fits(t, &info.bound)
            } else if let Some(c) = info.constraints.iter().find(|c| fits(t, c)) {
                if !super::compat::has_any(t) {
                    *t = c.clone();
                }
                true
            } else {
                false
            };
            if !ok && !super::compat::has_any(t) {
                let short = tv.rsplit('.').next().unwrap_or(tv);
                self.report(c, msg::type_var_value(short, name, t));
            }
        }
        let mut sig = sig;
        let subst = |t: &Type| {
            t.map_type_vars(&|n| match bindings.get(n) {
                Some(t) => t.clone(),
                None if fixed.iter().any(|f| f == n) => Type::TypeVar(n.to_string()),
                None => Type::Any,
            })
        };
        for p in &mut sig.params {
            p.ty = subst(&p.ty);
        }
        sig.ret = subst(&sig.ret);
        sig
    }

    /// The parameter names an unexpected keyword may have meant (mypy's
    /// suggestions: among parameters whose type fits the argument first).
    fn similar_params(
        &self,
        params: &[crate::semanal::ParamSig],
        keyword: &str,
        t: &Type,
    ) -> Vec<String> {
        let named = params.iter().filter(|p| p.kind != ParamKind::Star);
        let (fitting, other): (Vec<_>, Vec<_>) =
            named.partition(|p| crate::types::is_subtype(t, &p.ty));
        let names = |ps: Vec<&crate::semanal::ParamSig>| -> Vec<String> {
            ps.iter().map(|p| p.name.clone()).collect()
        };
        let best = super::similar::best_matches(keyword, &names(fitting), 3);
        if best.is_empty() {
            super::similar::best_matches(keyword, &names(other), 3)
        } else {
            best
        }
    }

    /// Match arguments to parameters and check their types.
    pub(super) fn check_args(
        &mut self,
        c: &ast::ExprCall,
        sig: &Sig,
        skip: usize,
        name: &str,
        args: &[Type],
        kws: &[Type],
    ) {
        let unpacking = c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)))
            || c.keywords.iter().any(|k| k.arg.is_none());
        if unpacking || skip > sig.params.len() {
            return;
        }
        let params = &sig.params[skip..];
        if skip > 0 && sig.params[0].kind != ParamKind::Positional {
            return;
        }
        let positional: Vec<usize> = (0..params.len())
            .filter(|&i| params[i].kind == ParamKind::Positional)
            .collect();
        let star = params.iter().find(|p| p.kind == ParamKind::Star);
        let star2 = params.iter().find(|p| p.kind == ParamKind::Star2);
        let mut filled = vec![false; params.len()];
        let mut type_errors: Vec<(String, &ast::Expr, Type, Type)> = vec![];
        let mut too_many = false;
        let mut unexpected = false;
        let mut unexpected_noted = false;
        for (i, (a, t)) in c.args.iter().zip(args).enumerate() {
            if let Some(&pi) = positional.get(i) {
                filled[pi] = true;
                type_errors.push(((i + 1).to_string(), a, t.clone(), params[pi].ty.clone()));
            } else if let Some(s) = star {
                type_errors.push(((i + 1).to_string(), a, t.clone(), s.ty.clone()));
            } else {
                too_many = true;
            }
        }
        // As mypy: with keyword-only parameters, the extra arguments are
        // positional ones (and what they might have meant is not missing).
        let has_kw_only = params.iter().any(|p| p.kind == ParamKind::KwOnly);
        if too_many && has_kw_only {
            self.report(c, msg::too_many_positional_args(name));
        } else if too_many {
            self.report(c, msg::too_many_args(name));
        }
        for (k, t) in c.keywords.iter().zip(kws) {
            let Some(kname) = &k.arg else { continue };
            let found = params.iter().position(|p| {
                p.name == kname.as_str()
                    && !p.pos_only
                    && matches!(p.kind, ParamKind::Positional | ParamKind::KwOnly)
            });
            match found {
                Some(pi) if filled[pi] => {
                    self.report(c, msg::multiple_values(kname.as_str(), name));
                }
                Some(pi) => {
                    filled[pi] = true;
                    type_errors.push((
                        format!("\"{kname}\""),
                        &k.value,
                        t.clone(),
                        params[pi].ty.clone(),
                    ));
                }
                None => match star2 {
                    Some(s) => type_errors.push((
                        format!("\"{kname}\""),
                        &k.value,
                        t.clone(),
                        s.ty.clone(),
                    )),
                    None => {
                        unexpected = true;
                        let similar = self.similar_params(params, kname.as_str(), t);
                        self.report(c, msg::unexpected_keyword(kname.as_str(), name, &similar));
                        let elsewhere = sig.module != self.module
                            && !matches!(sig.module.as_str(), "builtins" | "typing");
                        if elsewhere && !unexpected_noted {
                            unexpected_noted = true;
                            let (_, code) = msg::unexpected_keyword("", name, &[]);
                            self.note(c, code, msg::defined_in(name, &sig.module));
                        }
                    }
                },
            }
        }
        let missing: Vec<&crate::semanal::ParamSig> = params
            .iter()
            .zip(&filled)
            .filter(|(p, f)| {
                !**f && !p.has_default
                    && matches!(p.kind, ParamKind::Positional | ParamKind::KwOnly)
            })
            .map(|(p, _)| p)
            .collect();
        let missing_pos: Vec<String> = missing
            .iter()
            .filter(|p| p.kind == ParamKind::Positional)
            .map(|p| p.name.clone())
            .collect();
        if unexpected {
            return;
        }
        if !missing_pos.is_empty() && !too_many {
            if missing.iter().any(|p| p.pos_only) {
                self.report(c, msg::too_few_args(name));
            } else {
                self.report(c, msg::missing_positional(&missing_pos, name));
            }
        }
        for p in missing
            .iter()
            .filter(|p| p.kind == ParamKind::KwOnly && !too_many)
        {
            self.report(c, msg::missing_named(&p.name, name));
        }
        for (index, at, got, expected) in type_errors {
            self.check_value(at, &got, &expected, |g, e| {
                msg::arg_type(&index, name, g, e)
            });
        }
    }
}

/// The class name mypy shows for methods of builtin types.
fn builtin_class_name(t: &Type) -> Option<String> {
    let (full, _) = super::expr::builtin_class(t)?;
    Some(full.trim_start_matches("builtins.").to_string())
}

/// Bind the type variables of a parameter type from an argument type.
fn bind_type_vars(param: &Type, arg: &Type, p: &Program, out: &mut IndexMap<String, Type>) {
    let bind = |param: &Type, arg: &Type, out: &mut IndexMap<String, Type>| {
        bind_type_vars(param, arg, p, out)
    };
    match (param, arg) {
        (Type::TypeVar(n), a) => {
            let joined = match out.get(n) {
                Some(prev) => crate::types::join(prev, a),
                None => a.clone(),
            };
            out.insert(n.clone(), joined);
        }
        (Type::List(p), Type::List(a))
        | (Type::Set(p), Type::Set(a))
        | (Type::FrozenSet(p), Type::FrozenSet(a))
        | (Type::VarTuple(p), Type::VarTuple(a)) => bind(p, a, out),
        (Type::VarTuple(p), Type::Tuple(items)) => {
            for a in items {
                bind(p, a, out);
            }
        }
        (Type::Dict(pk, pv), Type::Dict(ak, av)) => {
            bind(pk, ak, out);
            bind(pv, av, out);
        }
        (Type::Tuple(ps), Type::Tuple(items)) if ps.len() == items.len() => {
            for (p, a) in ps.iter().zip(items) {
                bind(p, a, out);
            }
        }
        (Type::Union(ps), a) if *a != Type::None => {
            let generic: Vec<&Type> = ps.iter().filter(|p| p.has_type_vars()).collect();
            if let [only] = generic.as_slice() {
                if ps.iter().all(|p| p.has_type_vars() || *p == Type::None) {
                    bind(only, &super::compat::remove_none(a), out);
                }
            }
        }
        (Type::Instance(..), Type::Instance(..))
            if param.has_type_vars() && super::protocols::structural(param, arg, p) =>
        {
            let pairs = super::protocols::member_type_pairs(param, arg, p);
            super::protocols::deeper(|| pairs.iter().for_each(|(x, a)| bind(x, a, out)));
        }
        // An iterable parameter binds from the argument's items.
        (Type::Instance(pc, ps), a)
            if crate::types::ITERATION_PROTOCOLS.contains(&pc.as_str())
                && !matches!(a, Type::Instance(ac, _)
                    if !crate::types::ITERATION_PROTOCOLS.contains(&ac.as_str())) =>
        {
            if let Some(item) = ps.first() {
                bind(item, &super::check::item_type(a), out);
            }
        }
        (Type::Instance(pc, ps), Type::Instance(ac, args)) if !ps.is_empty() => {
            let given = p.ancestor_args(ac, args, pc);
            for (x, a) in ps.iter().zip(&given) {
                bind(x, a, out);
            }
        }
        _ => {}
    }
}

/// The callee of an overloaded method reached through an instance (or,
/// `on_class`, through the class object).
fn overloaded(variants: Vec<Sig>, kind: MethodKind, on_class: bool, name: String) -> Callee {
    let skip = match kind {
        MethodKind::Instance if !on_class => 1,
        MethodKind::Class => 1,
        MethodKind::Static => 0,
        _ => return Callee::Unknown,
    };
    Callee::Overloaded {
        variants,
        skip,
        name,
    }
}

/// Calling a value of a `Callable[[...], R]` type: an anonymous signature of
/// positional-only parameters (messages name no function).
fn value_callee(t: &Type, module: &str) -> Callee {
    let ft = match t {
        Type::Function(ft) => ft,
        // A `type[C]` value: constructing `C` (or a subclass).
        Type::TypeObj(c) if c.contains('.') => return Callee::Class(c.clone()),
        _ => return Callee::Unknown,
    };
    let Some(params) = &ft.params else {
        return Callee::Unknown;
    };
    if t.has_type_vars() {
        return Callee::Unknown;
    }
    let params = params
        .iter()
        .map(|p| crate::semanal::ParamSig {
            name: String::new(),
            ty: p.clone(),
            kind: ParamKind::Positional,
            has_default: false,
            pos_only: true,
        })
        .collect();
    Callee::Sig {
        sig: Sig {
            name: String::new(),
            owner: None,
            module: module.to_string(),
            params,
            ret: ft.ret.clone(),
            has_ret: true,
            no_return: false,
            type_guard: None,
            is_generator: false,
            is_async: false,
        },
        skip: 0,
        name: String::new(),
        fixed: vec![],
    }
}
