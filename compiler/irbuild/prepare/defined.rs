//! Attributes every instance of a native class has from the moment any
//! code can see it (mypyc's "always defined" attributes): reading one
//! needs no check that it is set.
//!
//! An attribute is always defined in class `C` when it has a class-body
//! default (stored before `__init__` runs) or `C`'s `__init__` assigns it
//! before `self` can be seen by other code: the statements of `__init__`
//! are walked in order while each either assigns `self.<attribute>` from an
//! expression that does not mention `self`, calls the base's `__init__`
//! (which adds the base's always-defined attributes), or does not mention
//! `self` and cannot return. The walk stops at anything else (a method
//! call, `self` passed anywhere, a branch that may return), since code
//! reached from there could read attributes not yet assigned. A class
//! without its own `__init__` has its base's. Reading an attribute through
//! the static type `C` may meet an instance of any native subclass, so an
//! attribute stays always defined in `C` only if it is in every native
//! subclass. Classes whose instances may be created without running the
//! compiled `__init__` (Python subclasses, serializable classes,
//! dataclasses, ones with `__new__`, exception classes) have none, and
//! deletable attributes never are.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use rustpython_parser::ast;

use super::body::{
    allows_interpreted_subclasses, body_members, has_mypyc_flag, is_dataclass, BodyMembers,
};
use super::ClassSource;
use crate::irbuild::class_table::ClassTable;
use crate::semanal::scope;

/// What `__init__` of a class guarantees.
#[derive(Clone, Default)]
struct InitFacts {
    /// Attributes with class-body defaults (this class's and its bases').
    defaults: BTreeSet<String>,
    defined: BTreeSet<String>,
    /// `__init__` may let `self` escape (so a subclass's `__init__`
    /// calling it stops its own walk there).
    escapes: bool,
}

/// Fill in `always_defined` of every class of `table` (bases come before
/// their subclasses in it).
pub(super) fn mark_always_defined(table: &mut ClassTable, sources: &IndexMap<String, ClassSource>) {
    let mut facts: IndexMap<String, InitFacts> = IndexMap::new();
    for (full, class) in &table.classes {
        let base = class.ir.base.as_ref().and_then(|b| {
            let short = b.rsplit('.').next().unwrap_or(b).to_string();
            facts.get(b).map(|f| (short, f.clone()))
        });
        let f = match sources.get(full) {
            Some(src) if !creates_without_init(class, src) => {
                match body_members(src.parsed, src.def) {
                    Ok(body) => init_facts(
                        src,
                        &body,
                        base.as_ref().map(|(n, f)| (n.as_str(), f)),
                        |a| class.attr_types.contains_key(a) && !class.properties.contains_key(a),
                    ),
                    Err(_) => InitFacts::default(),
                }
            }
            _ => InitFacts {
                escapes: true,
                ..InitFacts::default()
            },
        };
        facts.insert(full.clone(), f);
    }
    // Subclasses first: a class keeps what all its subclasses keep.
    let names: Vec<String> = table.classes.keys().cloned().collect();
    for full in names.iter().rev() {
        let base = table.classes[full].ir.base.clone();
        let mine = facts[full].defined.clone();
        if let Some(b) = base {
            if let Some(bf) = facts.get_mut(&b) {
                bf.defined = bf.defined.intersection(&mine).cloned().collect();
            }
        }
    }
    for (full, class) in table.classes.iter_mut() {
        let deletable = &class.ir.deletable;
        class.ir.always_defined = class
            .ir
            .attrs
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| facts[full].defined.contains(n) && !deletable.contains(n))
            .collect();
    }
}

/// May instances of the class exist without its compiled `__init__`
/// having run on them?
fn creates_without_init(
    class: &crate::irbuild::class_table::NativeClass,
    src: &ClassSource,
) -> bool {
    let ir = &class.ir;
    ir.allow_interpreted_subclasses
        || ir.serializable
        || ir.new_method.is_some()
        || ir.builtin_base.is_some()
        || is_dataclass(src.def)
        || allows_interpreted_subclasses(src.def)
        || has_mypyc_flag(src.def, "serializable")
}

/// The attributes `__init__` of `src` always defines (see the module
/// comment); `is_attr` tells the plain attributes of the layout.
fn init_facts(
    src: &ClassSource,
    body: &BodyMembers,
    base: Option<(&str, &InitFacts)>,
    is_attr: impl Fn(&str) -> bool,
) -> InitFacts {
    // With mixins, `super().__init__` may not be the base's.
    let base = base.filter(|_| src.def.bases.len() == 1);
    let base_name = base.map(|(n, _)| n);
    let base = base.map(|(_, f)| f);
    // Defaults are stored before any `__init__` runs.
    let mut defaults: BTreeSet<String> = base.map(|b| b.defaults.clone()).unwrap_or_default();
    for (name, _, default) in &body.attrs {
        if default.is_some() {
            defaults.insert(name.clone());
        }
    }
    let mut defined = defaults.clone();
    let inits: Vec<&ast::StmtFunctionDef> = src
        .def
        .body
        .iter()
        .filter_map(|s| match s {
            ast::Stmt::FunctionDef(d) if d.name.as_str() == "__init__" => Some(d),
            _ => None,
        })
        .collect();
    let init = match inits.as_slice() {
        // The base's `__init__` (or `object`'s, which does nothing).
        [] => {
            defined.extend(base.iter().flat_map(|b| b.defined.iter().cloned()));
            return InitFacts {
                defaults,
                defined,
                escapes: base.is_some_and(|b| b.escapes),
            };
        }
        [d] if d.decorator_list.is_empty() => *d,
        _ => {
            return InitFacts {
                defaults,
                defined,
                escapes: true,
            }
        }
    };
    let Some(this) = init.args.posonlyargs.iter().chain(&init.args.args).next() else {
        return InitFacts {
            defaults,
            defined,
            escapes: true,
        };
    };
    let this = this.def.arg.as_str();
    for stmt in &init.body {
        match step(stmt, this, src.def.name.as_str(), base_name, &is_attr) {
            Step::Defines(attrs) => defined.extend(attrs),
            Step::BaseInit => {
                if let Some(b) = base {
                    defined.extend(b.defined.iter().cloned());
                    if b.escapes {
                        return InitFacts {
                            defaults,
                            defined,
                            escapes: true,
                        };
                    }
                }
            }
            Step::Neutral => {}
            Step::Stop => {
                return InitFacts {
                    defaults,
                    defined,
                    escapes: true,
                }
            }
        }
    }
    InitFacts {
        defaults,
        defined,
        escapes: false,
    }
}

enum Step {
    /// `self.<attr> = <expression not mentioning self>` (also chained:
    /// `self.a = x = self.b = <expression>`).
    Defines(Vec<String>),
    /// `super().__init__(...)` or `Base.__init__(self, ...)`.
    BaseInit,
    /// Does not mention `self` and cannot return.
    Neutral,
    Stop,
}

fn step(
    stmt: &ast::Stmt,
    this: &str,
    class: &str,
    base_name: Option<&str>,
    is_attr: &dyn Fn(&str) -> bool,
) -> Step {
    match stmt {
        ast::Stmt::Assign(a) if a.targets.iter().any(|t| self_attr(t, this).is_some()) => {
            let attrs: Option<Vec<String>> = a
                .targets
                .iter()
                .filter_map(|t| match (self_attr(t, this), t) {
                    (Some(attr), _) => Some(is_attr(attr).then(|| attr.to_string())),
                    (None, ast::Expr::Name(n)) if n.id.as_str() != this => None,
                    (None, _) => Some(None),
                })
                .collect();
            match attrs {
                Some(attrs) if !mentions(&a.value, this) => Step::Defines(attrs),
                _ => Step::Stop,
            }
        }
        ast::Stmt::AnnAssign(a) => match (self_attr(&a.target, this), &a.value) {
            (Some(attr), Some(v)) if is_attr(attr) && !mentions(v, this) => {
                Step::Defines(vec![attr.into()])
            }
            (Some(_), _) => Step::Stop,
            (None, _) => neutral_or_stop(stmt, this),
        },
        ast::Stmt::Expr(e)
            if base_name.is_some_and(|b| is_base_init_call(&e.value, (this, class), b)) =>
        {
            Step::BaseInit
        }
        // `object.__init__` does nothing.
        ast::Stmt::Expr(e)
            if base_name.is_none() && is_object_init_call(&e.value, (this, class)) =>
        {
            Step::Neutral
        }
        _ => neutral_or_stop(stmt, this),
    }
}

fn neutral_or_stop(stmt: &ast::Stmt, this: &str) -> Step {
    let mut uses_self = false;
    scope::names_loaded(stmt, &mut |n| uses_self |= n == this);
    if uses_self || scope::may_return(stmt) {
        Step::Stop
    } else {
        Step::Neutral
    }
}

/// `self.attr` as an assignment target.
fn self_attr<'e>(target: &'e ast::Expr, this: &str) -> Option<&'e str> {
    match target {
        ast::Expr::Attribute(a) => match &*a.value {
            ast::Expr::Name(n) if n.id.as_str() == this => Some(a.attr.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// `super().__init__(args)` or `<base>.__init__(self, args)` whose other
/// arguments do not mention `self`.
fn is_base_init_call(e: &ast::Expr, this: (&str, &str), base: &str) -> bool {
    let ast::Expr::Call(c) = e else { return false };
    let ast::Expr::Attribute(a) = &*c.func else {
        return false;
    };
    if a.attr.as_str() != "__init__" {
        return false;
    }
    let args_clean = |args: &[ast::Expr]| {
        args.iter().all(|x| !mentions(x, this.0))
            && c.keywords.iter().all(|k| !mentions(&k.value, this.0))
    };
    match &*a.value {
        ast::Expr::Call(s) => is_super(s, this) && args_clean(&c.args),
        ast::Expr::Name(b) if b.id.as_str() == base => match c.args.split_first() {
            Some((ast::Expr::Name(first), rest)) => first.id.as_str() == this.0 && args_clean(rest),
            _ => false,
        },
        _ => false,
    }
}

/// `super().__init__()` without arguments, in a class based on `object`.
fn is_object_init_call(e: &ast::Expr, this: (&str, &str)) -> bool {
    let ast::Expr::Call(c) = e else { return false };
    let ast::Expr::Attribute(a) = &*c.func else {
        return false;
    };
    let ast::Expr::Call(s) = &*a.value else {
        return false;
    };
    a.attr.as_str() == "__init__" && c.args.is_empty() && c.keywords.is_empty() && is_super(s, this)
}

/// `super()` or `super(<class>, self)`; `this` is `(self, class)`.
fn is_super(s: &ast::ExprCall, this: (&str, &str)) -> bool {
    let named = matches!(&*s.func, ast::Expr::Name(n) if n.id.as_str() == "super");
    let args_ok = match s.args.as_slice() {
        [] => true,
        [ast::Expr::Name(class), ast::Expr::Name(obj)] => {
            obj.id.as_str() == this.0 && class.id.as_str() == this.1
        }
        _ => false,
    };
    named && args_ok && s.keywords.is_empty()
}

fn mentions(e: &ast::Expr, name: &str) -> bool {
    let stmt = ast::Stmt::Expr(ast::StmtExpr {
        range: Default::default(),
        value: Box::new(e.clone()),
    });
    let mut found = false;
    scope::names_loaded(&stmt, &mut |n| found |= n == name);
    found
}
