//! What a class statement declares, read from its header and body: the
//! members a native class gets (attributes, vtable methods, class
//! attributes, properties), or why the class cannot be native.

use std::collections::HashSet;

use indexmap::IndexMap;
use rustpython_parser::ast;

use crate::parse::ParsedModule;
use crate::semanal::scope::{self, dotted_name};

/// Dunders whose meaning native classes do not implement (yet).
const NON_NATIVE_DUNDERS: &[&str] = &[
    "__new__",
    "__init_subclass__",
    "__class_getitem__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__dict__",
    "__weakref__",
    "__set_name__",
];

/// What a class body defines, for a class that can be native.
#[derive(Default)]
pub(super) struct BodyMembers {
    /// Instance attributes declared in the class body, with their type
    /// annotation (None: inferred from a constant default).
    pub(super) attrs: Vec<(String, Option<ast::Expr>, Option<ast::Expr>)>,
    /// Plain instance methods (called through the vtable).
    pub(super) methods: Vec<String>,
    /// Everything else bound in the body (stays in the type's dict).
    pub(super) others: Vec<String>,
    pub(super) deletable: Vec<String>,
    /// Methods decorated `@final` (called directly, never overridden).
    pub(super) final_methods: Vec<String>,
    /// `@property` getters.
    pub(super) properties: Vec<String>,
    /// Defines `__new__` (once; a static or class method).
    pub(super) new_method: bool,
}

/// Ok when the class header (keywords, type parameters, decorators) is one
/// native classes support: no keywords or type parameters, and no
/// decorators other than `final`, dataclass decorators and `mypyc_attr(...)`
/// (without `native_class=False`). A `trait` decorator here is one of a
/// class that `find_traits` did not accept.
pub(super) fn check_header(parsed: &ParsedModule, c: &ast::StmtClassDef) -> Result<(), String> {
    if let Some(k) = c.keywords.first() {
        return Err(match k.arg.as_deref() {
            Some("metaclass") => "it has a metaclass".into(),
            Some(a) => format!("it has the class keyword \"{a}\""),
            None => "it passes **keywords to its metaclass".into(),
        });
    }
    if !c.type_params.is_empty() {
        return Err("it has type parameters".into());
    }
    for d in &c.decorator_list {
        let attrs = mypyc_attr(d);
        if attrs
            .as_ref()
            .is_some_and(|kws| kws.contains(&("native_class".into(), false)))
        {
            return Err("it is marked @mypyc_attr(native_class=False)".into());
        }
        if is_trait_decorator(d) {
            return Err("it is a trait with a base that is not a trait".into());
        }
        if !(is_final_decorator(d) || is_dataclass_decorator(d) || attrs.is_some()) {
            return Err(format!("it has the decorator @{}", parsed.lines.text(d)));
        }
    }
    Ok(())
}

/// The decorators that generate `__init__` and friends from the fields
/// of a class and patch the class in place, which mypyc compiles as native
/// classes: the standard library's `dataclass` and attrs' `attr.s`.
const DATACLASS_DECORATORS: &[&str] =
    &["dataclass", "dataclasses.dataclass", "attr.s", "attr.attrs"];

/// `@dataclass`, `@attr.s` or a call of one with constant options other
/// than `slots=True` (which would replace the class) and, for attrs,
/// `frozen=True` (whose `__init__` writes the instance `__dict__`, which
/// native instances do not have).
fn is_dataclass_decorator(d: &ast::Expr) -> bool {
    let (func, keywords) = match d {
        ast::Expr::Call(c) if c.args.is_empty() => (&*c.func, c.keywords.as_slice()),
        ast::Expr::Call(_) => return false,
        other => (other, &[][..]),
    };
    let Some(name) = dotted_name(func).filter(|n| DATACLASS_DECORATORS.contains(&n.as_str()))
    else {
        return false;
    };
    let is_attrs = name.starts_with("attr.");
    keywords.iter().all(|k| {
        let ast::Expr::Constant(v) = &k.value else {
            return false;
        };
        let ast::Constant::Bool(on) = v.value else {
            return false;
        };
        match k.arg.as_deref() {
            Some("slots" | "weakref_slot") => false,
            Some("frozen") => !(is_attrs && on),
            _ => true,
        }
    })
}

/// `@dataclass(frozen=True)`.
pub(super) fn is_frozen_dataclass(c: &ast::StmtClassDef) -> bool {
    c.decorator_list.iter().any(|d| match d {
        ast::Expr::Call(call) if is_dataclass_decorator(d) => call.keywords.iter().any(|k| {
            k.arg.as_deref() == Some("frozen")
                && matches!(&k.value, ast::Expr::Constant(v) if matches!(v.value, ast::Constant::Bool(true)))
        }),
        _ => false,
    })
}

/// Is the class a dataclass (or an attrs class)?
pub(super) fn is_dataclass(c: &ast::StmtClassDef) -> bool {
    c.decorator_list.iter().any(is_dataclass_decorator)
}

/// `attr.ib(...)` (attrs' field declaration): the annotation of the field
/// it declares, its `type=` argument (None when it has none: `Any`).
fn attr_ib_type(value: &ast::Expr) -> Option<Option<ast::Expr>> {
    let ast::Expr::Call(call) = value else {
        return None;
    };
    let name = dotted_name(&call.func)?;
    if !matches!(name.as_str(), "attr.ib" | "attr.attrib") {
        return None;
    }
    let ty = call
        .keywords
        .iter()
        .find(|k| k.arg.as_deref() == Some("type"));
    Some(ty.map(|k| k.value.clone()))
}

/// The boolean keywords of a `@mypyc_attr(...)` decorator.
fn mypyc_attr(d: &ast::Expr) -> Option<Vec<(String, bool)>> {
    let ast::Expr::Call(c) = d else { return None };
    let name = dotted_name(&c.func)?;
    if (name != "mypyc_attr" && !name.ends_with(".mypyc_attr")) || !c.args.is_empty() {
        return None;
    }
    c.keywords
        .iter()
        .map(|k| match (&k.arg, &k.value) {
            (Some(a), ast::Expr::Constant(v)) => match v.value {
                ast::Constant::Bool(b) => Some((a.to_string(), b)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Does a class allow interpreted subclasses?
pub(super) fn allows_interpreted_subclasses(c: &ast::StmtClassDef) -> bool {
    c.decorator_list
        .iter()
        .filter_map(mypyc_attr)
        .flatten()
        .any(|(k, v)| k == "allow_interpreted_subclasses" && v)
}

/// `@mypyc_attr(<key>=True)`.
pub(super) fn has_mypyc_flag(c: &ast::StmtClassDef, key: &str) -> bool {
    c.decorator_list
        .iter()
        .filter_map(mypyc_attr)
        .flatten()
        .any(|(k, v)| k == key && v)
}

/// `@trait` / `@mypy_extensions.trait`.
pub(super) fn is_trait_decorator(d: &ast::Expr) -> bool {
    dotted_name(d).is_some_and(|n| n == "trait" || n.ends_with(".trait"))
}

/// `@final` / `@typing.final`.
pub(super) fn is_final_decorator(d: &ast::Expr) -> bool {
    dotted_name(d).is_some_and(|n| n == "final" || n.ends_with(".final"))
}

fn is_docstring_or_pass(s: &ast::Stmt) -> bool {
    match s {
        ast::Stmt::Pass(_) => true,
        ast::Stmt::Expr(e) => matches!(&*e.value, ast::Expr::Constant(_)),
        _ => false,
    }
}

fn is_init_var(e: &ast::Expr) -> bool {
    let head = match e {
        ast::Expr::Subscript(s) => &*s.value,
        other => other,
    };
    dotted_name(head).is_some_and(|n| n.rsplit('.').next() == Some("InitVar"))
}

fn is_class_var_annotation(e: &ast::Expr) -> bool {
    let head = match e {
        ast::Expr::Subscript(s) => &*s.value,
        other => other,
    };
    dotted_name(head).is_some_and(|n| {
        let last = n.rsplit('.').next().unwrap_or("");
        last == "ClassVar" || last == "Final"
    })
}

/// The members of a class body, or why the body does something native
/// classes do not support.
pub(super) fn body_members(
    parsed: &ParsedModule,
    c: &ast::StmtClassDef,
) -> Result<BodyMembers, String> {
    let mut m = BodyMembers::default();
    let mut def_counts: IndexMap<String, usize> = IndexMap::new();
    for s in &c.body {
        if let ast::Stmt::FunctionDef(d) = s {
            *def_counts.entry(d.name.to_string()).or_default() += 1;
        }
    }
    for s in &c.body {
        match s {
            _ if is_docstring_or_pass(s) => {}
            ast::Stmt::FunctionDef(d) if d.name.as_str() == "__new__" => {
                new_member(d, def_counts["__new__"], &mut m)?
            }
            ast::Stmt::FunctionDef(d) => def_member(d, def_counts[d.name.as_str()], &mut m),
            ast::Stmt::AnnAssign(a) => ann_assign_member(parsed, c, a, &mut m)?,
            ast::Stmt::Assign(a) if a.targets.len() == 1 => {
                assign_member(parsed, c, a, &def_counts, &mut m)?
            }
            other => return Err(unsupported_statement(parsed, other)),
        }
    }
    if let Some(reason) = attribute_read_in_body(parsed, c, &m) {
        return Err(reason);
    }
    let mut seen = HashSet::new();
    let all = m
        .attrs
        .iter()
        .map(|(n, _, _)| n)
        .chain(&m.methods)
        .chain(&m.others);
    for n in all {
        if NON_NATIVE_DUNDERS.contains(&n.as_str()) && !(n == "__new__" && m.new_method) {
            return Err(format!("it defines {n}"));
        }
        if !seen.insert(n.clone()) && !m.others.contains(n) {
            return Err(format!("its body defines \"{n}\" more than once"));
        }
    }
    Ok(m)
}

/// A class-body statement that reads an instance attribute the body
/// declared before it (`base = [1]` then `twice = base * 2`): in a native
/// class those values become per-instance defaults, not names of the class
/// namespace, so such a class stays a Python class (mypyc reports these
/// defaults as unsupported).
fn attribute_read_in_body(
    parsed: &ParsedModule,
    c: &ast::StmtClassDef,
    m: &BodyMembers,
) -> Option<String> {
    let is_attr = |n: &str| m.attrs.iter().any(|(a, _, _)| a == n);
    let mut declared: Vec<String> = vec![];
    for s in &c.body {
        let evaluated: Vec<ast::Stmt> = match s {
            ast::Stmt::FunctionDef(d) => d
                .decorator_list
                .iter()
                .chain(d.args.defaults())
                .map(expr_stmt)
                .collect(),
            ast::Stmt::Assign(_) | ast::Stmt::AnnAssign(_) => vec![s.clone()],
            _ => vec![],
        };
        let mut read = None;
        for e in &evaluated {
            scope::names_loaded(e, &mut |n| {
                if read.is_none() && declared.iter().any(|d| d == n) {
                    read = Some(n.to_string());
                }
            });
        }
        if let Some(n) = read {
            return Some(format!(
                "its body reads the instance attribute default \"{n}\" (line {})",
                parsed.line_of(s)
            ));
        }
        scope::for_each_binding(std::slice::from_ref(s), &mut |n| {
            if is_attr(n) {
                declared.push(n.to_string());
            }
        });
    }
    None
}

fn expr_stmt(e: &ast::Expr) -> ast::Stmt {
    ast::Stmt::Expr(ast::StmtExpr {
        range: Default::default(),
        value: Box::new(e.clone()),
    })
}

/// Why a statement of a class body keeps the class from being native.
fn unsupported_statement(parsed: &ParsedModule, s: &ast::Stmt) -> String {
    let what = match s {
        ast::Stmt::ClassDef(c) => return format!("it defines a nested class \"{}\"", c.name),
        ast::Stmt::AsyncFunctionDef(_) => "an async def",
        ast::Stmt::Assign(_) => "an assignment to several targets",
        ast::Stmt::AugAssign(_) => "an augmented assignment",
        ast::Stmt::If(_) => "an if statement",
        ast::Stmt::For(_) | ast::Stmt::AsyncFor(_) => "a for loop",
        ast::Stmt::While(_) => "a while loop",
        ast::Stmt::Try(_) | ast::Stmt::TryStar(_) => "a try statement",
        ast::Stmt::With(_) | ast::Stmt::AsyncWith(_) => "a with statement",
        ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_) => "an import",
        ast::Stmt::Delete(_) => "a del statement",
        ast::Stmt::Expr(_) => "an expression statement",
        _ => "a statement that is not a definition or assignment",
    };
    format!("its body has {what} (line {})", parsed.line_of(s))
}

/// A `__new__` definition: once, undecorated or a static or class method,
/// taking the class.
fn new_member(d: &ast::StmtFunctionDef, count: usize, m: &mut BodyMembers) -> Result<(), String> {
    let plain = match d.decorator_list.as_slice() {
        [] => true,
        [dec] => matches!(
            dotted_name(dec).as_deref(),
            Some("staticmethod" | "classmethod")
        ),
        _ => false,
    };
    let has_cls = d
        .args
        .posonlyargs
        .iter()
        .chain(&d.args.args)
        .next()
        .is_some();
    if count != 1 {
        return Err("it defines __new__ more than once".into());
    }
    if !plain {
        return Err("its __new__ has decorators".into());
    }
    if !has_cls {
        return Err("its __new__ takes no class parameter".into());
    }
    m.new_method = true;
    m.others.push("__new__".into());
    Ok(())
}

/// A `def` in the class body (`count`: the definitions of its name).
fn def_member(d: &ast::StmtFunctionDef, count: usize, m: &mut BodyMembers) {
    let name = d.name.to_string();
    if count == 1 && d.decorator_list.iter().all(is_plain_method_decorator) {
        if d.decorator_list.iter().any(is_final_decorator) {
            m.final_methods.push(name.clone());
        }
        m.methods.push(name);
    } else if !m.others.contains(&name) {
        // A `@property` getter (first definition of the name) is also read
        // natively through the vtable.
        let is_getter = matches!(d.decorator_list.as_slice(),
            [ast::Expr::Name(p)] if p.id.as_str() == "property");
        if is_getter {
            m.properties.push(name.clone());
        }
        m.others.push(name);
    }
}

/// Decorators after which a method is still a plain method: they return
/// the function itself, marked (mypy drops them from the definition).
fn is_plain_method_decorator(d: &ast::Expr) -> bool {
    let marks = [
        "abstractmethod",
        "abc.abstractmethod",
        "override",
        "typing.override",
        "typing_extensions.override",
    ];
    is_final_decorator(d) || dotted_name(d).is_some_and(|n| marks.contains(&n.as_str()))
}

/// An annotated class-body name: a class variable or an attribute.
fn ann_assign_member(
    parsed: &ParsedModule,
    c: &ast::StmtClassDef,
    a: &ast::StmtAnnAssign,
    m: &mut BodyMembers,
) -> Result<(), String> {
    let ast::Expr::Name(n) = &*a.target else {
        return Err(format!(
            "its body declares {}",
            parsed.lines.text(&*a.target)
        ));
    };
    let name = n.id.to_string();
    if is_class_var_annotation(&a.annotation) {
        m.others.push(name);
    } else if is_dataclass(c) && is_init_var(&a.annotation) {
        // Not an attribute: only an `__init__` parameter.
        return Err(format!("its field \"{name}\" is an InitVar"));
    } else {
        let value = a.value.as_deref().cloned();
        m.attrs.push((name, Some((*a.annotation).clone()), value));
    }
    Ok(())
}

/// A class-body assignment to one name: an attribute default, a class
/// attribute or one of the dunders native classes read.
fn assign_member(
    parsed: &ParsedModule,
    c: &ast::StmtClassDef,
    a: &ast::StmtAssign,
    def_counts: &IndexMap<String, usize>,
    m: &mut BodyMembers,
) -> Result<(), String> {
    let ast::Expr::Name(n) = &a.targets[0] else {
        let target = parsed.lines.text(&a.targets[0]);
        return Err(format!("its body assigns to {target}"));
    };
    let name = n.id.to_string();
    let value = || Some((*a.value).clone());
    let comment = parsed
        .lines
        .type_comment(a)
        .and_then(crate::parse::type_comment_expr);
    let attr_ib = attr_ib_type(&a.value).filter(|_| is_dataclass(c));
    // `x: T` declared earlier without a value: this is its default, as
    // `x: T = value` would be.
    let declared = m
        .attrs
        .iter_mut()
        .find(|(n, ann, v)| *n == name && ann.is_some() && v.is_none());
    if let Some((_, _, default)) = declared.filter(|_| comment.is_none() && attr_ib.is_none()) {
        *default = value();
        return Ok(());
    }
    if name == "__new__" {
        return Err("it assigns __new__".into());
    } else if name == "__deletable__" {
        m.deletable = string_list(&a.value)
            .ok_or_else(|| "its __deletable__ is not a list of strings".to_string())?;
    } else if name == "__slots__" {
        // Native instances have exactly their declared fields, which is
        // what `__slots__` asks for; the tuple stays a class attribute.
        m.others.push(name);
    } else if let Some(ann) = attr_ib {
        m.attrs.push((name, ann, value()));
    } else if let Some(ann) = comment {
        if is_class_var_annotation(&ann) {
            m.others.push(name);
        } else {
            m.attrs.push((name, Some(ann), value()));
        }
    } else if !is_dunder(&name) && is_data_value(&a.value, def_counts) {
        m.attrs.push((name, None, value()));
    } else {
        m.others.push(name);
    }
    Ok(())
}

/// Is the value of an unannotated class-body assignment data (an instance
/// attribute default), rather than a function, method alias or descriptor
/// (which stay class attributes)?
fn is_data_value(e: &ast::Expr, defs: &IndexMap<String, usize>) -> bool {
    match e {
        ast::Expr::Name(n) => !defs.contains_key(n.id.as_str()),
        ast::Expr::Call(_) | ast::Expr::Lambda(_) | ast::Expr::Attribute(_) => false,
        _ => true,
    }
}

pub(super) fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

fn string_list(e: &ast::Expr) -> Option<Vec<String>> {
    let elts = match e {
        ast::Expr::List(l) => &l.elts,
        ast::Expr::Tuple(t) => &t.elts,
        _ => return None,
    };
    elts.iter()
        .map(|x| match x {
            ast::Expr::Constant(c) => c.value.as_str().map(|s| s.to_string()),
            _ => None,
        })
        .collect()
}
