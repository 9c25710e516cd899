//! Protocol classes (PEP 544): structural subtyping. This module owns the
//! answer to "does an instance of class `C` satisfy protocol `P`?" (every
//! member of `P` present in `C` with a fitting type), the problems found
//! when it does not (missing members, conflicting member types, read-only
//! attributes where settable ones are expected) and the notes mypy prints
//! about them after the main error. It also owns which members of a
//! protocol are abstract in the classes that subclass it explicitly.
//!
//! As everywhere in the checker, a problem is only reported when it is
//! certain: a class whose members are not all known (unmodelled bases,
//! `__getattr__`), members whose types the model cannot compare (decorated
//! methods, `*args`, generic methods) count as fitting.

use std::cell::RefCell;

use rustpython_parser::ast;

use crate::semanal::ParamKind;
use crate::types::Type;

use super::compat::{compatible, show};
use super::library;
use super::messages as msg;
use super::program::{decorator_name, DefParts, Lookup, Member, MethodKind, Program, Sig};

/// Names of a protocol's body that are not protocol members.
const NOT_MEMBERS: &[&str] = &[
    "__init__",
    "__new__",
    "__slots__",
    "__doc__",
    "__module__",
    "__annotations__",
    "__dict__",
    "__weakref__",
    "__class_getitem__",
    "__match_args__",
    "__abstractmethods__",
    "__subclasshook__",
    "__init_subclass__",
    "__qualname__",
];

/// Attributes every object has (through `object`, which is not a class of
/// the program): a class without its own definition still has them.
const OBJECT_ATTRS: &[&str] = &[
    "__class__",
    "__delattr__",
    "__dir__",
    "__eq__",
    "__format__",
    "__getattribute__",
    "__getstate__",
    "__hash__",
    "__ne__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
];

/// How many missing members or conflicts mypy lists.
const MAX_ITEMS: usize = 2;

/// A member whose type in the class does not fit the protocol's.
pub struct Conflict {
    pub name: String,
    pub expected: Member,
    pub got: Member,
}

/// Why a class does not satisfy a protocol.
#[derive(Default)]
pub struct Problems {
    /// Members the class certainly lacks (sorted).
    pub missing: Vec<String>,
    pub conflicts: Vec<Conflict>,
    /// Settable attributes of the protocol that are read-only in the class.
    pub read_only: Vec<String>,
    /// How many members the protocol has.
    pub total: usize,
}

impl Problems {
    fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.conflicts.is_empty() && self.read_only.is_empty()
    }
}

/// Is `full` a class of the program declared as a protocol?
pub fn is_protocol(full: &str, p: &Program) -> bool {
    p.classes.get(full).is_some_and(|c| c.is_protocol)
}

/// The member names of protocol `full` (its own and those of the
/// protocols it extends), sorted; `None` when not all of them are known.
pub fn protocol_members(full: &str, p: &Program) -> Option<Vec<String>> {
    let (mro, complete) = p.mro(full);
    if !complete {
        return None;
    }
    let mut names: Vec<String> = mro
        .iter()
        .filter(|c| c.is_protocol)
        .flat_map(|c| c.members.keys())
        .filter(|n| !NOT_MEMBERS.contains(&n.as_str()))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    Some(names)
}

thread_local! {
    /// The (class, protocol) pairs being checked: a protocol whose members
    /// mention the protocol itself is assumed satisfied inside its own
    /// check.
    static IN_PROGRESS: RefCell<Vec<(Type, Type)>> = const { RefCell::new(vec![]) };
}

/// May an instance `got` (of a class of the program) be used where
/// protocol instance `want` is expected?
pub fn satisfies(got: &Type, want: &Type, p: &Program) -> bool {
    problems(got, want, p).is_none_or(|pr| pr.is_empty())
}

/// The problems that certainly keep instance type `got` from satisfying
/// protocol instance type `want`; `None` when it may satisfy it.
pub fn problems(got: &Type, want: &Type, p: &Program) -> Option<Problems> {
    let key = (got.clone(), want.clone());
    let busy = IN_PROGRESS.with(|s| {
        let s = s.borrow();
        s.contains(&key) || s.len() > 16
    });
    if busy {
        return None;
    }
    IN_PROGRESS.with(|s| s.borrow_mut().push(key));
    let found = find_problems(got, want, p);
    IN_PROGRESS.with(|s| s.borrow_mut().pop());
    found.filter(|pr| !pr.is_empty())
}

fn find_problems(got: &Type, want: &Type, p: &Program) -> Option<Problems> {
    let (Type::Instance(c, args), Type::Instance(proto, proto_args)) = (got, want) else {
        return None;
    };
    // Classes of library stubs (and their subclasses) may have members
    // the stubs do not show.
    let (mro, complete) = p.mro(c);
    if !complete || mro.iter().any(|i| library::stub(&i.module).is_some()) {
        return None;
    }
    let names = protocol_members(proto, p)?;
    let mut out = Problems {
        total: names.len(),
        ..Problems::default()
    };
    for name in names {
        let Lookup::Found(expected, _) = p.lookup_member_of(proto, Some(proto_args), &name) else {
            continue;
        };
        match p.lookup_member_of(c, Some(args), &name) {
            Lookup::Missing if !OBJECT_ATTRS.contains(&name.as_str()) => out.missing.push(name),
            Lookup::Found(got, _) => compare(name, expected, got, p, &mut out),
            _ => {}
        }
    }
    Some(out)
}

/// Compare a member of the class with the protocol's; record what
/// certainly does not fit.
fn compare(name: String, expected: Member, got: Member, p: &Program, out: &mut Problems) {
    if has_type_vars(&expected) || has_type_vars(&got) {
        return;
    }
    let invariant = |a: &Type, b: &Type| compatible(a, b, p) && compatible(b, a, p);
    let (fits, read_only) = match (&expected, &got) {
        (Member::Method(e, MethodKind::Instance), Member::Method(g, MethodKind::Instance)) => {
            (methods_fit(e, g, p), false)
        }
        (Member::Method(e, MethodKind::Property), Member::Attr(g)) => {
            (compatible(g, &ret(e), p), false)
        }
        (Member::Method(e, MethodKind::Property), Member::Method(g, MethodKind::Property)) => {
            (compatible(&ret(g), &ret(e), p), false)
        }
        (Member::Attr(e), Member::Attr(g)) => (invariant(g, e), false),
        (Member::Attr(e), Member::Method(g, MethodKind::Property)) => (invariant(&ret(g), e), true),
        _ => (true, false),
    };
    if read_only {
        out.read_only.push(name.clone());
    }
    if !fits {
        out.conflicts.push(Conflict {
            name,
            expected,
            got,
        });
    }
}

fn has_type_vars(m: &Member) -> bool {
    match m {
        Member::Attr(t) => t.has_type_vars(),
        Member::Method(s, _) => {
            s.ret.has_type_vars() || s.params.iter().any(|x| x.ty.has_type_vars())
        }
        // Overloaded members are not compared (treated like generic ones).
        Member::Overloaded(..) => true,
    }
}

/// The declared result of a function (`Any` when not annotated).
fn ret(s: &Sig) -> Type {
    if s.has_ret {
        s.ret.clone()
    } else {
        Type::Any
    }
}

/// May method `g` of the class be called as protocol method `e` is? Only
/// plain positional parameters are compared (others may fit); their names
/// do not matter, as in mypy.
fn methods_fit(e: &Sig, g: &Sig, p: &Program) -> bool {
    let plain =
        |s: &Sig| !s.params.is_empty() && s.params.iter().all(|x| x.kind == ParamKind::Positional);
    if !plain(e) || !plain(g) || e.is_async || g.is_async {
        return true;
    }
    let (ep, gp) = (&e.params[1..], &g.params[1..]);
    if gp.len() < ep.len() || gp[ep.len()..].iter().any(|x| !x.has_default) {
        return false;
    }
    let params_fit = ep
        .iter()
        .zip(gp)
        .all(|(x, y)| (!x.has_default || y.has_default) && compatible(&x.ty, &y.ty, p));
    params_fit && compatible(&ret(g), &ret(e), p)
}

/// mypy's notes after an error about a value of type `got` where protocol
/// type `want` is expected: what is missing, what conflicts, what is
/// read-only.
pub fn notes(got: &Type, want: &Type, p: &Program) -> Vec<String> {
    let Type::Instance(proto, _) = want else {
        return vec![];
    };
    if !is_protocol(proto, p) {
        return vec![];
    }
    let Some(pr) = problems(got, want, p) else {
        return vec![];
    };
    let proto_name = proto.rsplit('.').next().unwrap_or(proto);
    let mut out = vec![];
    if !pr.missing.is_empty() {
        if pr.missing.len() > MAX_ITEMS || pr.missing.len() == pr.total {
            return out;
        }
        let s = if pr.missing.len() == 1 { "" } else { "s" };
        out.push(format!(
            "\"{}\" is missing following \"{proto_name}\" protocol member{s}:",
            show(got)
        ));
        out.push(format!("    {}", pr.missing.join(", ")));
    }
    if !pr.conflicts.is_empty() && !generic_mismatch_only(got, want, p) {
        conflict_notes(got, &pr.conflicts, &mut out);
    }
    for name in pr.read_only.iter().take(MAX_ITEMS) {
        out.push(format!(
            "Protocol member {proto_name}.{name} expected settable variable, got read-only attribute"
        ));
    }
    out
}

/// Both the class and the protocol are generic and the class would
/// satisfy the protocol with other type arguments: mypy then shows no
/// member conflicts.
fn generic_mismatch_only(got: &Type, want: &Type, p: &Program) -> bool {
    let generic = |t: &Type| match t {
        Type::Instance(c, _) => p.classes.get(c).is_some_and(|i| !i.type_params.is_empty()),
        _ => false,
    };
    let Type::Instance(proto, _) = want else {
        return false;
    };
    generic(got) && generic(want) && satisfies(got, &Type::Instance(proto.clone(), vec![]), p)
}

fn conflict_notes(got: &Type, conflicts: &[Conflict], out: &mut Vec<String>) {
    out.push(format!(
        "Following member(s) of \"{}\" have conflicts:",
        show(got)
    ));
    for c in conflicts.iter().take(MAX_ITEMS) {
        match (&c.expected, &c.got) {
            (Member::Method(e, MethodKind::Instance), Member::Method(g, MethodKind::Instance)) => {
                out.push("    Expected:".to_string());
                out.push(format!("        {}", msg::show_signature(e, true)));
                out.push("    Got:".to_string());
                out.push(format!("        {}", msg::show_signature(g, true)));
            }
            (e, g) => out.push(format!(
                "    {}: expected \"{}\", got \"{}\"",
                c.name,
                show(&member_type(e)),
                show(&member_type(g))
            )),
        }
    }
    if conflicts.len() > MAX_ITEMS {
        out.push(format!(
            "    <{} more conflict(s) not shown>",
            conflicts.len() - MAX_ITEMS
        ));
    }
}

/// The type of an attribute-like member (a property's getter result).
fn member_type(m: &Member) -> Type {
    match m {
        Member::Attr(t) => t.clone(),
        Member::Method(s, _) => ret(s),
        Member::Overloaded(..) => Type::Any,
    }
}

thread_local! {
    /// How deeply type-variable binding is following protocol members.
    static BIND_DEPTH: RefCell<u32> = const { RefCell::new(0) };
}

/// Pairs of (class member type, protocol member type) for the members a
/// class instance type `class` and a protocol instance type `proto` share,
/// to bind the type variables of one from the other (as when a generic
/// class is constructed where a protocol is expected). Empty when not a
/// protocol, nominally related, or nested too deeply.
pub fn member_type_pairs(class: &Type, proto: &Type, p: &Program) -> Vec<(Type, Type)> {
    let (Type::Instance(c, args), Type::Instance(pr, pr_args)) = (class, proto) else {
        return vec![];
    };
    if !structural(class, proto, p) || BIND_DEPTH.with(|d| *d.borrow()) > 3 {
        return vec![];
    }
    let mut out = vec![];
    for name in protocol_members(pr, p).unwrap_or_default() {
        let (Lookup::Found(g, _), Lookup::Found(e, _)) = (
            p.lookup_member_of(c, Some(args), &name),
            p.lookup_member_of(pr, Some(pr_args), &name),
        ) else {
            continue;
        };
        out.extend(member_types(&g).into_iter().zip(member_types(&e)));
    }
    out
}

/// Is `proto` an instance of a protocol that instance type `class` can
/// only satisfy structurally (its class does not derive from it)?
pub fn structural(class: &Type, proto: &Type, p: &Program) -> bool {
    match (class, proto) {
        (Type::Instance(c, _), Type::Instance(pr, _)) => {
            is_protocol(pr, p) && p.derives(c, pr) != Some(true)
        }
        _ => false,
    }
}

/// Run `f` one protocol level deeper (see `member_type_pairs`).
pub fn deeper<R>(f: impl FnOnce() -> R) -> R {
    BIND_DEPTH.with(|d| *d.borrow_mut() += 1);
    let r = f();
    BIND_DEPTH.with(|d| *d.borrow_mut() -= 1);
    r
}

/// The types of a member in a fixed order: an attribute's type, a
/// property's result, or a method's result and parameter types.
fn member_types(m: &Member) -> Vec<Type> {
    match m {
        Member::Attr(t) => vec![t.clone()],
        Member::Method(s, MethodKind::Property) => vec![ret(s)],
        Member::Method(s, MethodKind::Instance) => std::iter::once(ret(s))
            .chain(s.params.iter().skip(1).map(|x| x.ty.clone()))
            .collect(),
        Member::Method(..) | Member::Overloaded(..) => vec![],
    }
}

/// The abstract members a protocol class body declares, each with whether
/// it is an empty-bodied method returning `None` (mypy then notes that it
/// may not be meant as abstract): methods marked `@abstractmethod` or
/// whose body is empty (a docstring, `pass`, `...` or
/// `raise NotImplementedError`), and attributes declared without a value.
pub fn abstract_members(c: &ast::StmtClassDef) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = vec![];
    for stmt in &c.body {
        let found = match stmt {
            ast::Stmt::AnnAssign(a) if a.value.is_none() => match &*a.target {
                ast::Expr::Name(n) => Some((n.id.to_string(), false)),
                _ => None,
            },
            _ => DefParts::of(stmt).and_then(|d| abstract_method(&d)),
        };
        if let Some((name, implicit)) = found {
            if !out.iter().any(|(n, _)| *n == name) {
                out.push((name, implicit));
            }
        }
    }
    out
}

fn abstract_method(d: &DefParts) -> Option<(String, bool)> {
    let names: Vec<String> = d.decorators.iter().map(decorator_name).collect();
    let known = ["property", "classmethod", "staticmethod", "abstractmethod"];
    if !names.iter().all(|n| known.contains(&n.as_str())) {
        return None;
    }
    let explicit = names.iter().any(|n| n == "abstractmethod");
    if !explicit && !empty_body(d.body) {
        return None;
    }
    let returns_none = matches!(d.returns,
        Some(ast::Expr::Constant(c)) if matches!(c.value, ast::Constant::None));
    Some((d.name.to_string(), !explicit && returns_none))
}

/// A body that does nothing: an optional docstring, then at most `pass`,
/// `...` or `raise NotImplementedError`.
fn empty_body(body: &[ast::Stmt]) -> bool {
    let is_const = |s: &ast::Stmt, f: fn(&ast::Constant) -> bool| matches!(s, ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(c) if f(&c.value)));
    let rest = match body.first() {
        Some(s) if is_const(s, |c| matches!(c, ast::Constant::Str(_))) => &body[1..],
        _ => body,
    };
    match rest {
        [] => true,
        [s] => {
            matches!(s, ast::Stmt::Pass(_))
                || is_const(s, |c| matches!(c, ast::Constant::Ellipsis))
                || raises_not_implemented(s)
        }
        _ => false,
    }
}

fn raises_not_implemented(s: &ast::Stmt) -> bool {
    let ast::Stmt::Raise(r) = s else {
        return false;
    };
    let exc = match r.exc.as_deref() {
        Some(ast::Expr::Call(c)) => &*c.func,
        Some(e) => e,
        None => return false,
    };
    matches!(exc, ast::Expr::Name(n) if n.id.as_str() == "NotImplementedError")
}

/// The abstract attributes of concrete class `full` (sorted), each with
/// the implicit-`None` flag of `abstract_members`: members only protocol
/// classes of its MRO define, all of them abstractly. Empty when the MRO
/// is not completely known.
pub fn abstract_attributes(full: &str, p: &Program) -> Vec<(String, bool)> {
    let (mro, complete) = p.mro(full);
    if !complete || is_protocol(full, p) {
        return vec![];
    }
    let mut out: Vec<(String, bool)> = vec![];
    for c in mro.iter().filter(|c| c.is_protocol) {
        for (name, implicit) in &c.abstract_members {
            let abstract_everywhere = mro.iter().all(|o| {
                !o.members.contains_key(name)
                    || (o.is_protocol && o.abstract_members.iter().any(|(n, _)| n == name))
            });
            if abstract_everywhere && !out.iter().any(|(n, _)| n == name) {
                out.push((name.clone(), *implicit));
            }
        }
    }
    out.sort();
    out
}
