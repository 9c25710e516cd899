//! The checker's view of the whole program: for every checked module, what
//! its top-level names are bound to (functions with signatures, classes,
//! variables with declared types, imported modules), and for every class
//! its bases and members. Annotations are resolved here against these
//! tables.
//!
//! Knowledge is either exact or absent: a name bound in a way the checker
//! does not model (decorated or redefined functions, aliases, imports from
//! modules that are not checked) is `Binding::Unknown`, whose type is `Any`,
//! so that nothing is ever reported about it.

use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use rustpython_parser::ast;
use rustpython_parser::text_size::TextSize;

use crate::parse::{LineIndex, ParsedModule};
use crate::semanal::scope;
use crate::semanal::{ParamKind, ParamSig};
use crate::types::{declared_union, union, FnType, Type};

use super::overloads::overload_groups;

/// A function or method signature with resolved annotation types.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Sig {
    pub name: String,
    /// Short name of the class of a method (for messages: `"m" of "C"`).
    pub owner: Option<String>,
    /// The module the function is defined in.
    pub module: String,
    pub params: Vec<ParamSig>,
    pub ret: Type,
    /// The function has a return annotation.
    pub has_ret: bool,
    /// Declared `NoReturn`/`Never`: a call never returns.
    pub no_return: bool,
    /// Declared `TypeGuard[T]`: where a call of it is true, its first
    /// argument is a `T` (the call's value is a `bool`).
    #[serde(default)]
    pub type_guard: Option<Box<Type>>,
    pub is_generator: bool,
    pub is_async: bool,
}

/// What a module-level name is bound to.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub enum Binding {
    Func(Sig),
    /// An `@overload`ed function: its variants.
    Overloaded(Vec<Sig>),
    /// A class, by full name.
    Class(String),
    Var {
        ty: Type,
        is_final: bool,
    },
    /// A checked module, by full name.
    Module(String),
    Unknown,
}

/// How a method is bound.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Instance,
    Static,
    Class,
    Property,
    /// Decorated with something the checker does not model.
    Other,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub enum Member {
    Method(Sig, MethodKind),
    /// An `@overload`ed method: its variants.
    Overloaded(Vec<Sig>, MethodKind),
    Attr(Type),
}

/// The result of looking up a class member.
pub enum Lookup<'a> {
    /// The member and the short name of the class defining it.
    Found(Member, &'a str),
    /// Certainly not there.
    Missing,
    /// The class may have members the checker cannot see.
    Unknown,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default)]
pub struct ClassInfo {
    pub full: String,
    pub name: String,
    pub module: String,
    /// Full names of the bases that are checked classes.
    pub bases: Vec<String>,
    /// Some base (or metaclass, or class decorator) is not modelled: nothing
    /// is known for sure about attributes, constructor or subtyping.
    pub opaque: bool,
    pub is_protocol: bool,
    /// A protocol's abstract members (see `protocols::abstract_members`).
    pub abstract_members: Vec<(String, bool)>,
    pub members: IndexMap<String, Member>,
    /// Class-body names declared `Final` with a value.
    pub finals: std::collections::BTreeSet<String>,
    /// A `typing.NamedTuple` class: its fields are known and checked at
    /// construction; its other members (tuple methods, `_replace`, ...)
    /// are not modelled.
    pub is_named_tuple: bool,
    /// The type parameters of a generic class (full names of type
    /// variables, in order): those of `Generic[...]`, or else the type
    /// variables its bases' type arguments mention.
    pub type_params: Vec<String>,
    /// The type arguments given to checked bases (`class B(A[int, T])`),
    /// in terms of this class's parameters.
    pub base_args: IndexMap<String, Vec<Type>>,
    /// A `@dataclass`: its options and own fields (see `dataclasses`).
    pub dataclass: Option<super::dataclasses::DataclassInfo>,
    /// A base is one of `enum`'s enum classes (see `enums`).
    pub enum_base: bool,
    /// The members of an enum class (see `enums::members`).
    pub enum_members: Vec<String>,
    /// Its own definition keeps `==` of enum members an identity test
    /// (see `enums::identity_eq`).
    pub enum_identity: bool,
    /// Attributes only assigned through `self` without an annotation,
    /// whose types are inferred from their first assignment (see
    /// `attributes`).
    pub inferred_attrs: Vec<String>,
    /// Attributes assigned through `self` without an annotation that a
    /// base class defines: their type is the base's.
    pub inherited_attrs: Vec<String>,
}

impl Program {
    /// The fields of `typing.NamedTuple` class `full` in order, with their
    /// types: what its instances hold as a tuple.
    pub fn named_tuple_fields(&self, full: &str) -> Option<Vec<(String, Type)>> {
        let info = self.classes.get(full).filter(|c| c.is_named_tuple)?;
        match info.members.get("__init__") {
            Some(Member::Method(sig, _)) => Some(
                sig.params
                    .iter()
                    .skip(1)
                    .map(|p| (p.name.clone(), p.ty.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// `t` as a tuple type when it is an instance of a `NamedTuple` class
    /// (its fields' types), for indexing and unpacking.
    pub fn as_tuple_type(&self, t: &Type) -> Option<Vec<Type>> {
        match t {
            Type::Tuple(items) => Some(items.clone()),
            Type::Instance(c, args) if args.is_empty() => Some(
                self.named_tuple_fields(c)?
                    .into_iter()
                    .map(|(_, t)| t)
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The member of `typing` (or `typing_extensions`) that `e`, in
    /// `module`, names: `cast` for `cast` imported from typing or for
    /// `typing.cast`.
    pub fn typing_name(&self, module: &str, e: &ast::Expr) -> Option<String> {
        let (m, name) = self.imported_name(module, e)?;
        matches!(m.as_str(), "typing" | "typing_extensions").then_some(name)
    }

    /// The module and name that `e`, in `module`, names by an import:
    /// `("enum", "Enum")` for `Enum` imported from `enum` or for `enum.Enum`.
    pub fn imported_name(&self, module: &str, e: &ast::Expr) -> Option<(String, String)> {
        match e {
            ast::Expr::Name(n) => {
                let origin = self.import_origins.get(&format!("{module}.{}", n.id))?;
                let (m, name) = origin.rsplit_once('.')?;
                Some((m.to_string(), name.to_string()))
            }
            ast::Expr::Attribute(a) => match &*a.value {
                ast::Expr::Name(m) => match self.binding(module, m.id.as_str()) {
                    Binding::Module(md) => Some((md, a.attr.to_string())),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// What full name `full` (`module.name`) finally refers to, following
    /// the `from` imports that re-export it (`pkg.compat.List` bound by
    /// `from typing import List` in `pkg.compat` is `typing.List`).
    pub fn reexport_origin(&self, full: &str) -> String {
        let mut current = full;
        for _ in 0..MAX_REEXPORTS {
            match self.import_origins.get(current) {
                Some(origin) if origin != current => current = origin,
                _ => break,
            }
        }
        current.to_string()
    }

    /// May attribute `attr` of module `m` exist although the module's
    /// tables do not bind it (a package's submodule that is not checked)?
    pub fn may_have_submodule(&self, m: &str) -> bool {
        self.packages.contains(m)
    }
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default)]
pub struct ModInfo {
    pub name: String,
    pub names: IndexMap<String, Binding>,
    /// `from x import *` or a module `__getattr__`: any name may exist.
    pub open: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Program {
    /// What the program is checked for (decides `sys.version_info` and
    /// `sys.platform` conditions).
    pub target: super::reachability::Target,
    pub modules: IndexMap<String, ModInfo>,
    /// Modules that are packages (`__init__.py`).
    pub packages: HashSet<String>,
    pub classes: IndexMap<String, ClassInfo>,
    /// Type variables by full name (`module.T`).
    pub type_vars: IndexMap<String, TypeVarInfo>,
    /// What a module-level name that is a type variable (defined or
    /// imported there) refers to: `module.name` to the full name.
    pub type_var_names: IndexMap<String, String>,
    /// The TypedDict classes (see `typeddict`), by full name.
    pub typed_dicts: IndexMap<String, super::typeddict::TypedDictInfo>,
    /// Every name a `from` import binds, to what it imports: `module.S` to
    /// `collections.abc.Set`.
    pub import_origins: HashMap<String, String>,
    /// Module-level names bound once, declared `Final` with a literal
    /// value (`module.N` to `10`): their uses are that constant.
    pub final_literals: HashMap<String, ast::Expr>,
    /// The same for class attributes: `NAME: Final = <literal>` in the
    /// body of a module-level class (`module.C.NAME` to the literal).
    pub class_final_literals: HashMap<String, ast::Expr>,
    /// Type aliases (`module.Name` to the alias's module and right-hand
    /// side; see `aliases`).
    pub type_aliases: HashMap<String, (String, ast::Expr)>,
}

/// A type variable's upper bound (`object` unless declared) and value
/// constraints (`TypeVar("T", int, str)`).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct TypeVarInfo {
    pub bound: Type,
    pub constraints: Vec<Type>,
}

impl Program {
    /// The binding of `name` in module `module`, following `from` imports.
    pub fn binding(&self, module: &str, name: &str) -> Binding {
        self.modules
            .get(module)
            .and_then(|m| m.names.get(name))
            .cloned()
            .unwrap_or(Binding::Unknown)
    }

    /// The classes of `full`'s MRO that are checked (itself first), and
    /// whether the MRO is completely known.
    pub fn mro(&self, full: &str) -> (Vec<&ClassInfo>, bool) {
        let mut out: Vec<&ClassInfo> = vec![];
        let mut complete = true;
        let mut queue = vec![full.to_string()];
        while let Some(c) = queue.first().cloned() {
            queue.remove(0);
            if out.iter().any(|o| o.full == c) {
                continue;
            }
            match self.classes.get(&c) {
                Some(info) => {
                    complete &= !info.opaque && !info.is_named_tuple;
                    queue.extend(info.bases.iter().cloned());
                    out.push(info);
                }
                None => complete = false,
            }
            if out.len() > 64 {
                complete = false;
                break;
            }
        }
        (out, complete)
    }

    /// The type arguments that class `ancestor` gets in an instance of
    /// class `full` with arguments `args` (empty when unknown: `Any`).
    pub fn ancestor_args(&self, full: &str, args: &[Type], ancestor: &str) -> Vec<Type> {
        self.ancestor_args_depth(full, args, ancestor, 0)
            .unwrap_or_default()
    }

    fn ancestor_args_depth(
        &self,
        full: &str,
        args: &[Type],
        ancestor: &str,
        depth: u32,
    ) -> Option<Vec<Type>> {
        if full == ancestor {
            return Some(args.to_vec());
        }
        let info = self.classes.get(full).filter(|_| depth < 32)?;
        let subst = |t: &Type| substitute_params(t, &info.type_params, args);
        info.bases.iter().find_map(|b| {
            let given: Vec<Type> = info
                .base_args
                .get(b)
                .map(|xs| xs.iter().map(subst).collect())
                .unwrap_or_default();
            self.ancestor_args_depth(b, &given, ancestor, depth + 1)
        })
    }

    /// The type of `self` in the methods of class `full`: an instance with
    /// the class's own type variables as arguments.
    pub fn self_type(&self, full: &str) -> Type {
        let params = self
            .classes
            .get(full)
            .map(|c| c.type_params.as_slice())
            .unwrap_or_default();
        Type::Instance(
            full.to_string(),
            params.iter().cloned().map(Type::TypeVar).collect(),
        )
    }

    /// Is `t` an instance of a generic class without (some) type
    /// arguments: built where nothing said what they are?
    pub fn lacks_type_args(&self, t: &Type) -> bool {
        matches!(t, Type::Instance(c, args)
            if (args.is_empty() || args.iter().any(super::compat::has_any))
                && self.classes.get(c).is_some_and(|i| !i.type_params.is_empty()))
    }

    /// Is class `sub` known to derive from `sup`? `None` when unknown.
    pub fn derives(&self, sub: &str, sup: &str) -> Option<bool> {
        let (mro, complete) = self.mro(sub);
        if mro.iter().any(|c| c.full == sup) {
            return Some(true);
        }
        if complete {
            Some(false)
        } else {
            None
        }
    }

    /// A member of a class, searched along the MRO (its type in terms of
    /// the type parameters of the class defining it).
    pub fn lookup_member(&self, full: &str, name: &str) -> Lookup<'_> {
        self.lookup_member_of(full, None, name)
    }

    /// A member of an instance of class `full` with type arguments `args`
    /// (the class's own type variables when `None`): the type parameters
    /// of the class defining the member are replaced by the arguments they
    /// get along the inheritance path (`Any` when not given).
    pub fn lookup_member_of(&self, full: &str, args: Option<&[Type]>, name: &str) -> Lookup<'_> {
        let (mro, complete) = self.mro(full);
        for c in &mro {
            if let Some(m) = c.members.get(name) {
                let Some(args) = args.filter(|_| !c.type_params.is_empty()) else {
                    return Lookup::Found(m.clone(), c.name.as_str());
                };
                let given = self.ancestor_args(full, args, &c.full);
                return Lookup::Found(bind_class_params(c, &given, m), c.name.as_str());
            }
        }
        let dynamic = mro.iter().any(|c| {
            c.members.contains_key("__getattr__") || c.members.contains_key("__getattribute__")
        });
        if complete && !dynamic {
            Lookup::Missing
        } else {
            Lookup::Unknown
        }
    }
}

/// `t` with type parameters `params` replaced by `args` (`Any` for those
/// not given); other type variables stay.
fn substitute_params(t: &Type, params: &[String], args: &[Type]) -> Type {
    t.map_type_vars(&|n| match params.iter().position(|p| p == n) {
        Some(i) => args.get(i).cloned().unwrap_or(Type::Any),
        None => Type::TypeVar(n.to_string()),
    })
}

/// Member `m` of class `owner` with the class's type parameters replaced
/// by `args` (`Any` for those not given).
pub fn bind_class_params(owner: &ClassInfo, args: &[Type], m: &Member) -> Member {
    let subst = |t: &Type| substitute_params(t, &owner.type_params, args);
    match m {
        Member::Attr(t) => Member::Attr(subst(t)),
        Member::Method(sig, kind) => {
            let mut sig = sig.clone();
            sig.map_types(&subst);
            Member::Method(sig, *kind)
        }
        Member::Overloaded(sigs, kind) => {
            let mut sigs = sigs.clone();
            sigs.iter_mut().for_each(|s| s.map_types(&subst));
            Member::Overloaded(sigs, *kind)
        }
    }
}

impl Sig {
    pub(super) fn map_types(&mut self, f: &dyn Fn(&Type) -> Type) {
        for p in &mut self.params {
            p.ty = f(&p.ty);
        }
        self.ret = f(&self.ret);
    }
}

impl Program {
    /// Replace type variables by `Any` and callable types by the opaque
    /// `Callable` everywhere (compiled code erases them; see
    /// `irbuild::prepare`).
    pub fn erase_type_vars(&mut self) {
        let tds: HashSet<String> = self.typed_dicts.keys().cloned().collect();
        let erase = |t: &Type| erase_callables(&t.map_type_vars(&|_| Type::Any), &tds);
        for c in self.classes.values_mut() {
            for m in c.members.values_mut() {
                match m {
                    Member::Attr(t) => *t = erase(t),
                    Member::Method(sig, _) => sig.map_types(&erase),
                    Member::Overloaded(sigs, _) => {
                        sigs.iter_mut().for_each(|s| s.map_types(&erase))
                    }
                }
            }
        }
        for m in self.modules.values_mut() {
            for b in m.names.values_mut() {
                match b {
                    Binding::Func(sig) => sig.map_types(&erase),
                    Binding::Overloaded(sigs) => sigs.iter_mut().for_each(|s| s.map_types(&erase)),
                    Binding::Var { ty, .. } => *ty = erase(ty),
                    _ => {}
                }
            }
        }
    }
}

fn erase_callables(t: &Type, tds: &HashSet<String>) -> Type {
    let erase_callables = |t: &Type| erase_callables(t, tds);
    match t {
        Type::Function(_) => Type::Callable,
        // A TypedDict value is a plain dict at run time.
        Type::Instance(c, _) if tds.contains(c) => Type::dict(Type::Str, Type::Any),
        Type::Literal(l) => l.base(),
        // Compiled code erases type arguments.
        Type::Instance(c, _) => Type::Instance(c.clone(), vec![]),
        Type::List(x) => Type::list(erase_callables(x)),
        Type::Set(x) => Type::Set(Box::new(erase_callables(x))),
        Type::FrozenSet(x) => Type::FrozenSet(Box::new(erase_callables(x))),
        Type::VarTuple(x) => Type::VarTuple(Box::new(erase_callables(x))),
        Type::Dict(k, v) => Type::dict(erase_callables(k), erase_callables(v)),
        Type::Tuple(xs) => Type::Tuple(xs.iter().map(erase_callables).collect()),
        Type::Union(xs) => union(xs.iter().map(erase_callables).collect()),
        other => other.clone(),
    }
}

impl Sig {
    /// The `Callable` type of a function whose parameters are all plain
    /// positional ones without defaults (others stay opaque).
    pub fn callable_type(&self) -> Type {
        let simple = self
            .params
            .iter()
            .all(|p| p.kind == ParamKind::Positional && !p.has_default);
        let generic = self.params.iter().any(|p| p.ty.has_type_vars()) || self.ret.has_type_vars();
        if !simple || generic || self.is_async || self.is_generator {
            return Type::Callable;
        }
        let ret = if self.has_ret {
            self.ret.clone()
        } else {
            Type::Any
        };
        Type::Function(Box::new(FnType {
            params: Some(self.params.iter().map(|p| p.ty.clone()).collect()),
            ret,
        }))
    }
}

/// The names a module defines that do not start with `_`.
pub fn public_names(m: &ModInfo) -> Vec<String> {
    m.names
        .keys()
        .filter(|n| !n.starts_with('_'))
        .cloned()
        .collect()
}

impl Program {
    /// The names of the members of a class and its checked bases.
    pub fn member_names(&self, full: &str) -> Vec<String> {
        let (mro, _) = self.mro(full);
        mro.iter().flat_map(|c| c.members.keys().cloned()).collect()
    }
}

/// Names the `builtins` stub defines.
pub fn builtin_names() -> HashSet<String> {
    // Parsed once per process: the stub is large.
    static NAMES: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(read_builtin_names).clone()
}

fn read_builtin_names() -> HashSet<String> {
    let src = include_str!("stubs/builtins.pyi");
    let mut out = HashSet::new();
    if let Ok(m) = crate::parse::parse_module("builtins.pyi", src) {
        // The stub's own imports and private type variables are not names
        // of `builtins`.
        let defined = m
            .body
            .iter()
            .filter(|s| !matches!(s, ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_)));
        for s in defined {
            scope::for_each_binding(std::slice::from_ref(s), &mut |n| {
                if !n.starts_with('_') || n.starts_with("__") {
                    out.insert(n.to_string());
                }
            });
        }
    }
    out
}

/// Resolves annotation expressions in one module.
pub struct AnnCtx<'a> {
    pub program: &'a Program,
    pub module: &'a str,
}

fn is_ellipsis(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Ellipsis))
}

impl AnnCtx<'_> {
    /// The type an annotation denotes; `Any` for anything not modelled.
    pub fn resolve(&self, e: &ast::Expr) -> Type {
        self.resolve_depth(e, 0)
    }

    /// The types of the arguments of a subscripted annotation.
    pub fn type_args(&self, slice: &ast::Expr) -> Vec<Type> {
        match slice {
            ast::Expr::Tuple(t) => t.elts.iter().map(|e| self.resolve(e)).collect(),
            other => vec![self.resolve(other)],
        }
    }

    /// Is this annotation `Final` or `Final[...]`?
    pub fn is_final(&self, e: &ast::Expr) -> bool {
        let base = match e {
            ast::Expr::Subscript(s) => &*s.value,
            other => other,
        };
        self.head_name(base).as_deref() == Some("Final")
    }

    /// The typing-level name an expression refers to (`List`, `int`, ...),
    /// if it is not bound to something of the program: a name of `typing`,
    /// `typing_extensions`, `mypy_extensions`, `collections.abc` or the
    /// builtins, however imported (`typing.List`, `from typing import List
    /// as L`, or through a module that imports it), or a name the module
    /// binds by no import the tables follow (a conditional import). A name
    /// of another module (`ast.Tuple`, `from ast import Tuple`) is none:
    /// only its own module says what it is.
    pub fn head_name(&self, e: &ast::Expr) -> Option<String> {
        if let Some(n) = self.builtins_stub_name(e) {
            return Some(n);
        }
        if let Some(full) = self.referent(e) {
            return typing_level_name(&self.program.reexport_origin(&full));
        }
        match e {
            ast::Expr::Name(n) => match self.program.binding(self.module, n.id.as_str()) {
                Binding::Unknown => Some(n.id.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `T` of a return annotation `TypeGuard[T]` (typing or
    /// typing_extensions).
    fn type_guard_of(&self, r: &ast::Expr) -> Option<Type> {
        let ast::Expr::Subscript(s) = r else {
            return None;
        };
        (self.head_name(&s.value).as_deref() == Some("TypeGuard")).then(|| self.resolve(&s.slice))
    }

    /// The full name of what `e` names where it is defined (through
    /// re-exports): `abc.ABC` for `ABC` imported from `abc`.
    pub fn origin(&self, e: &ast::Expr) -> Option<String> {
        self.referent(e)
            .map(|full| self.program.reexport_origin(&full))
    }

    /// The full name (`ast.Tuple`, `typing.List`) a name or attribute in
    /// an annotation refers to, where the source says it: a name bound by
    /// a `from` import, or an attribute of a module, found through what the
    /// module's name is bound to (`import typing as t`, `from collections
    /// import abc`) or else as written (`ast.Tuple` of an unchecked `ast`).
    fn referent(&self, e: &ast::Expr) -> Option<String> {
        match e {
            ast::Expr::Name(n) => self
                .program
                .import_origins
                .get(&format!("{}.{}", self.module, n.id))
                .cloned(),
            ast::Expr::Attribute(a) => {
                let qualifier = match &*a.value {
                    ast::Expr::Name(m) => match self.program.binding(self.module, m.id.as_str()) {
                        Binding::Module(md) => md,
                        _ => self
                            .program
                            .import_origins
                            .get(&format!("{}.{}", self.module, m.id))
                            .cloned()
                            .unwrap_or_else(|| m.id.to_string()),
                    },
                    value => self.referent(value)?,
                };
                Some(format!("{qualifier}.{}", a.attr))
            }
            _ => None,
        }
    }

    /// The type variable an annotation names, if any.
    fn type_var_of(&self, e: &ast::Expr) -> Option<String> {
        let ast::Expr::Name(n) = e else {
            return None;
        };
        let key = format!("{}.{}", self.module, n.id);
        if let Some(full) = self.program.type_var_names.get(&key) {
            return Some(full.clone());
        }
        (self.head_name(e).as_deref() == Some("AnyStr")).then(|| ANY_STR.to_string())
    }

    /// In the builtins stub, a name of the stub itself: annotations there
    /// mean what they mean in user code (`str` is the builtin `str` type).
    /// The stub's private classes (`_Sequence`) are classes as usual.
    fn builtins_stub_name(&self, e: &ast::Expr) -> Option<String> {
        match e {
            ast::Expr::Name(n) if self.module == "builtins" && !n.id.starts_with('_') => {
                Some(n.id.to_string())
            }
            _ => None,
        }
    }

    /// A checked class an expression names.
    pub fn class_of(&self, e: &ast::Expr) -> Option<String> {
        if self.builtins_stub_name(e).is_some() {
            return None;
        }
        match e {
            ast::Expr::Name(n) => match self.program.binding(self.module, n.id.as_str()) {
                Binding::Class(full) => Some(full),
                _ => None,
            },
            ast::Expr::Attribute(a) => match &*a.value {
                ast::Expr::Name(m) => match self.program.binding(self.module, m.id.as_str()) {
                    Binding::Module(md) => match self.program.binding(&md, a.attr.as_str()) {
                        Binding::Class(full) => Some(full),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn resolve_depth(&self, e: &ast::Expr, depth: u32) -> Type {
        if depth > 20 {
            return Type::Any;
        }
        if let Some(full) = self.class_of(e) {
            return Type::Instance(full, vec![]);
        }
        if let Some(t) = self.resolve_alias(e, depth) {
            return t;
        }
        if let Some(tv) = self.type_var_of(e) {
            return Type::TypeVar(tv);
        }
        match e {
            ast::Expr::Constant(c) => match &c.value {
                ast::Constant::None => Type::None,
                ast::Constant::Str(s) => {
                    match rustpython_parser::parse(s, rustpython_parser::Mode::Expression, "<ann>")
                    {
                        Ok(ast::Mod::Expression(x)) => self.resolve_depth(&x.body, depth + 1),
                        _ => Type::Any,
                    }
                }
                _ => Type::Any,
            },
            ast::Expr::Name(_) | ast::Expr::Attribute(_) => match self.head_name(e) {
                Some(n) => simple_name_type(&n),
                None => Type::Any,
            },
            ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => declared_union(vec![
                self.resolve_depth(&b.left, depth + 1),
                self.resolve_depth(&b.right, depth + 1),
            ]),
            ast::Expr::Subscript(s) => self.subscript(&s.value, &s.slice, depth),
            _ => Type::Any,
        }
    }

    fn subscript(&self, base: &ast::Expr, slice: &ast::Expr, depth: u32) -> Type {
        let args: Vec<&ast::Expr> = match slice {
            ast::Expr::Tuple(t) => t.elts.iter().collect(),
            other => vec![other],
        };
        if let Some(full) = self.class_of(base) {
            // A generic class of the program with its type arguments.
            let args = args
                .iter()
                .map(|a| self.resolve_depth(a, depth + 1))
                .collect();
            return Type::Instance(full, args);
        }
        if self.is_alias(base) {
            let args = args
                .iter()
                .map(|a| self.resolve_depth(a, depth + 1))
                .collect();
            return self.subscript_alias(base, args, depth).unwrap_or(Type::Any);
        }
        let Some(name) = self.head_name(base) else {
            return Type::Any;
        };
        let arg = |i: usize| {
            args.get(i)
                .map(|a| self.resolve_depth(a, depth + 1))
                .unwrap_or(Type::Any)
        };
        match name.as_str() {
            "list" | "List" if args.len() == 1 => Type::list(arg(0)),
            "dict" | "Dict" if args.len() == 2 => Type::dict(arg(0), arg(1)),
            "set" | "Set" if args.len() == 1 => Type::Set(Box::new(arg(0))),
            "frozenset" | "FrozenSet" if args.len() == 1 => Type::FrozenSet(Box::new(arg(0))),
            "tuple" | "Tuple" => {
                if args.len() == 2 && is_ellipsis(args[1]) {
                    return Type::VarTuple(Box::new(arg(0)));
                }
                if let [ast::Expr::Tuple(t)] = args.as_slice() {
                    if t.elts.is_empty() {
                        return Type::Tuple(vec![]);
                    }
                }
                if args
                    .iter()
                    .any(|a| is_ellipsis(a) || matches!(a, ast::Expr::Starred(_)))
                {
                    return Type::Any;
                }
                Type::Tuple((0..args.len()).map(arg).collect())
            }
            "Callable" if args.len() == 2 => {
                let params = match args[0] {
                    ast::Expr::List(l) => Some(
                        l.elts
                            .iter()
                            .map(|e| self.resolve_depth(e, depth + 1))
                            .collect(),
                    ),
                    _ => None,
                };
                Type::Function(Box::new(FnType {
                    params,
                    ret: arg(1),
                }))
            }
            "Literal" => {
                let values: Option<Vec<Type>> = args.iter().map(|a| literal_value(a)).collect();
                values.map_or(Type::Any, union)
            }
            "Type" | "type" if args.len() == 1 => match arg(0) {
                Type::Instance(c, _) => Type::TypeObj(c),
                _ => Type::Any,
            },
            _ if typing_protocol(&name).is_some() => Type::Instance(
                typing_protocol(&name).unwrap_or_default(),
                (0..args.len()).map(arg).collect(),
            ),
            "Optional" if args.len() == 1 => Type::optional(arg(0)),
            "Union" => declared_union((0..args.len()).map(arg).collect()),
            "Final" | "ClassVar" | "Annotated" | "Required" | "NotRequired" | "ReadOnly" => arg(0),
            _ => Type::Any,
        }
    }
}

/// The type of one `Literal[...]` argument; `None` for values the checker
/// does not model (enum members, bytes).
pub fn literal_value(e: &ast::Expr) -> Option<Type> {
    use crate::types::Lit;
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(v) => Some(Type::Literal(Lit::Str(v.clone()))),
            ast::Constant::Bool(b) => Some(Type::Literal(Lit::Bool(*b))),
            ast::Constant::Int(i) => i64::try_from(i).ok().map(|v| Type::Literal(Lit::Int(v))),
            ast::Constant::None => Some(Type::None),
            _ => None,
        },
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            match literal_value(&u.operand)? {
                Type::Literal(Lit::Int(v)) => Some(Type::Literal(Lit::Int(-v))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The typing-level name of what full name `full` refers to: the name
/// itself for the members of the modules that define typing forms and
/// builtin types (`collections.abc.Set` is `typing.AbstractSet`, not
/// `set`), `dataclasses`' field markers; `None` for anything else.
fn typing_level_name(full: &str) -> Option<String> {
    let (module, name) = full.rsplit_once('.')?;
    match module {
        "typing" | "typing_extensions" | "mypy_extensions" | "builtins" => Some(name.to_string()),
        "collections.abc" if name == "Set" => Some("AbstractSet".to_string()),
        "collections.abc" => Some(name.to_string()),
        "dataclasses" if matches!(name, "InitVar" | "KW_ONLY") => Some(name.to_string()),
        _ => None,
    }
}

/// The full name of a `typing` (or `collections.abc`) iteration or
/// awaiting protocol or collection ABC, modelled as a generic instance.
fn typing_protocol(name: &str) -> Option<String> {
    let full = format!("typing.{name}");
    let protocols = crate::types::ITERATION_PROTOCOLS
        .iter()
        .chain(crate::types::AWAIT_PROTOCOLS);
    let abc = crate::types::abcs::abc(&full).is_some();
    let numeric = crate::types::NUMERIC_PROTOCOLS
        .iter()
        .any(|(p, _)| *p == full);
    (abc || numeric || protocols.into_iter().any(|p| *p == full)).then_some(full)
}

/// The type a plain (unsubscripted) name denotes in an annotation.
fn simple_name_type(name: &str) -> Type {
    if let Some(full) = typing_protocol(name) {
        // A bare collection ABC takes `Any` arguments (shown by mypy).
        let params = crate::types::abcs::abc(&full).map_or(0, |a| a.covariant.len());
        return Type::Instance(full, vec![Type::Any; params]);
    }
    match name {
        "int" => Type::Int,
        "float" => Type::Float,
        "bool" => Type::Bool,
        "str" => Type::Str,
        "bytes" => Type::Bytes,
        "object" => Type::Object,
        "None" => Type::None,
        "list" | "List" => Type::list(Type::Any),
        "dict" | "Dict" => Type::dict(Type::Any, Type::Any),
        "set" | "Set" => Type::Set(Box::new(Type::Any)),
        "frozenset" | "FrozenSet" => Type::FrozenSet(Box::new(Type::Any)),
        "tuple" | "Tuple" => Type::VarTuple(Box::new(Type::Any)),
        "range" => Type::Range,
        "i64" => Type::I64,
        "i32" => Type::I32,
        "i16" => Type::I16,
        "u8" => Type::U8,
        _ => Type::Any,
    }
}

/// Is `e` the name of a decorator among `names` (`staticmethod`, `x.setter`...)?
pub fn decorator_name(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Name(n) => n.id.to_string(),
        ast::Expr::Attribute(a) => a.attr.to_string(),
        ast::Expr::Call(c) => decorator_name(&c.func),
        _ => String::new(),
    }
}

/// Does a function body contain `yield` (not in nested functions)?
pub fn is_generator(body: &[ast::Stmt]) -> bool {
    struct Finder(bool);
    impl rustpython_ast::Visitor for Finder {
        crate::visit_whole_tree!();
        fn visit_expr_yield(&mut self, _n: ast::ExprYield) {
            self.0 = true;
        }
        fn visit_expr_yield_from(&mut self, _n: ast::ExprYieldFrom) {
            self.0 = true;
        }
        fn visit_stmt_function_def(&mut self, _n: ast::StmtFunctionDef) {}
        fn visit_stmt_async_function_def(&mut self, _n: ast::StmtAsyncFunctionDef) {}
        fn visit_stmt_class_def(&mut self, _n: ast::StmtClassDef) {}
        fn visit_expr_lambda(&mut self, _n: ast::ExprLambda) {}
    }
    let mut f = Finder(false);
    for s in body {
        rustpython_ast::Visitor::visit_stmt(&mut f, s.clone());
    }
    f.0
}

/// The parts of a `def` the signature needs (sync and async defs alike).
pub struct DefParts<'a> {
    /// Where the `def` starts.
    pub start: TextSize,
    pub name: &'a str,
    pub args: &'a ast::Arguments,
    pub returns: Option<&'a ast::Expr>,
    pub body: &'a [ast::Stmt],
    pub decorators: &'a [ast::Expr],
    pub is_async: bool,
}

impl<'a> DefParts<'a> {
    pub fn of(stmt: &'a ast::Stmt) -> Option<DefParts<'a>> {
        match stmt {
            ast::Stmt::FunctionDef(d) => Some(DefParts::of_function(d, false)),
            ast::Stmt::AsyncFunctionDef(d) => Some(DefParts {
                start: d.range.start(),
                name: d.name.as_str(),
                args: &d.args,
                returns: d.returns.as_deref(),
                body: &d.body,
                decorators: &d.decorator_list,
                is_async: true,
            }),
            _ => None,
        }
    }

    /// A `def` (`is_async`: an `async def` the compiler has lowered to one).
    pub fn of_function(d: &'a ast::StmtFunctionDef, is_async: bool) -> DefParts<'a> {
        DefParts {
            start: d.range.start(),
            name: d.name.as_str(),
            args: &d.args,
            returns: d.returns.as_deref(),
            body: &d.body,
            decorators: &d.decorator_list,
            is_async,
        }
    }
}

impl AnnCtx<'_> {
    /// The signature of a `def`; unannotated parameters are `Any`.
    pub fn sig(&self, d: &DefParts, owner: Option<&str>) -> Sig {
        let mut params = vec![];
        let ann = |a: &ast::Arg| {
            a.annotation
                .as_deref()
                .map_or(Type::Any, |e| self.resolve(e))
        };
        let args = d.args;
        for (i, a) in args.posonlyargs.iter().chain(args.args.iter()).enumerate() {
            params.push(ParamSig {
                name: a.def.arg.to_string(),
                ty: ann(&a.def),
                kind: ParamKind::Positional,
                has_default: a.default.is_some(),
                pos_only: i < args.posonlyargs.len() || a.def.arg.starts_with("__"),
            });
        }
        if let Some(v) = &args.vararg {
            params.push(ParamSig {
                name: v.arg.to_string(),
                ty: ann(v),
                kind: ParamKind::Star,
                has_default: false,
                pos_only: false,
            });
        }
        for a in &args.kwonlyargs {
            params.push(ParamSig {
                name: a.def.arg.to_string(),
                ty: ann(&a.def),
                kind: ParamKind::KwOnly,
                has_default: a.default.is_some(),
                pos_only: false,
            });
        }
        if let Some(k) = &args.kwarg {
            params.push(ParamSig {
                name: k.arg.to_string(),
                ty: ann(k),
                kind: ParamKind::Star2,
                has_default: false,
                pos_only: false,
            });
        }
        let no_return = d
            .returns
            .and_then(|r| self.head_name(r))
            .is_some_and(|n| n == "NoReturn" || n == "Never");
        let is_generator = is_generator(d.body);
        let type_guard = d.returns.and_then(|r| self.type_guard_of(r)).map(Box::new);
        let ret = match type_guard {
            Some(_) => Type::Bool,
            None => d.returns.map_or(Type::Any, |r| self.resolve(r)),
        };
        // A generator returns a generator object: only the protocols it
        // implements describe it (mypy reports other annotations).
        let ret = match ret {
            Type::Instance(c, args) if is_generator && c.starts_with("typing.") => {
                Type::Instance(c, args)
            }
            _ if is_generator => Type::Any,
            other => other,
        };
        Sig {
            name: d.name.to_string(),
            owner: owner.map(str::to_string),
            module: self.module.to_string(),
            params,
            ret,
            has_ret: d.returns.is_some(),
            no_return,
            type_guard,
            is_generator,
            is_async: d.is_async,
        }
    }
}

/// `typing.AnyStr`, the predefined type variable constrained to `str` and
/// `bytes`.
pub const ANY_STR: &str = "typing.AnyStr";

/// How many re-exporting `from` imports `Program::reexport_origin`
/// follows (a cycle of imports ends there).
const MAX_REEXPORTS: usize = 16;

/// Record the module's `T = TypeVar("T", ...)` definitions.
fn collect_type_vars(p: &mut Program, module: &str, body: &[ast::Stmt]) {
    let mut found = vec![];
    {
        let ctx = AnnCtx { program: p, module };
        for stmt in body {
            let ast::Stmt::Assign(a) = stmt else { continue };
            let ([ast::Expr::Name(target)], ast::Expr::Call(call)) =
                (a.targets.as_slice(), &*a.value)
            else {
                continue;
            };
            if decorator_name(&call.func) != "TypeVar" {
                continue;
            }
            let bound = call
                .keywords
                .iter()
                .find(|k| k.arg.as_deref() == Some("bound"))
                .map_or(Type::Object, |k| ctx.resolve(&k.value));
            let constraints = call.args.iter().skip(1).map(|a| ctx.resolve(a)).collect();
            found.push((target.id.to_string(), TypeVarInfo { bound, constraints }));
        }
    }
    for (name, info) in found {
        let full = format!("{module}.{name}");
        p.type_vars.insert(full.clone(), info);
        p.type_var_names.insert(full.clone(), full);
    }
}

/// Build the tables of all modules: bindings first, then imports (which
/// refer to other modules' bindings), then class members.
pub fn build_program(modules: &[(String, &ParsedModule)], packages: HashSet<String>) -> Program {
    let mut p = Program {
        packages,
        ..Default::default()
    };
    // How often each module binds each name, found once (in parallel).
    let counts: Vec<IndexMap<String, usize>> = modules
        .par_iter()
        .map(|(_, m)| binding_counts(&m.body))
        .collect();
    for ((name, m), counts) in modules.iter().zip(&counts) {
        p.modules
            .insert(name.clone(), collect_bindings(name, m, counts));
        collect_final_literals(&mut p, name, &m.body, counts);
        super::aliases::collect_type_aliases(&mut p, name, &m.body, counts);
    }
    for (name, m) in modules {
        collect_classes(&mut p, name, &m.body);
    }
    p.type_vars.insert(
        ANY_STR.to_string(),
        TypeVarInfo {
            bound: Type::Object,
            constraints: vec![Type::Str, Type::Bytes],
        },
    );
    for (name, m) in modules {
        collect_type_vars(&mut p, name, &m.body);
    }
    // Imports may chain through other modules' imports: resolve a few
    // rounds, before and after signatures are known.
    let imports = |p: &mut Program| refresh_imports_counted(p, modules, &counts);
    imports(&mut p);
    for (name, m) in modules {
        fill_class_members(&mut p, name, &m.body, &m.lines);
    }
    super::typeddict::collect_all(&mut p, modules);
    super::dataclasses::complete_dataclasses(&mut p);
    // Signatures read only classes, aliases and type variables: every
    // module's are found in parallel, then bound in module order.
    let shared = &p;
    let sigs: Vec<Vec<(String, Binding)>> = modules
        .par_iter()
        .zip(&counts)
        .map(|((name, m), counts)| function_sigs(shared, name, &m.body, counts))
        .collect();
    for ((name, _), sigs) in modules.iter().zip(sigs) {
        if let Some(m) = p.modules.get_mut(name) {
            m.names.extend(sigs);
        }
    }
    imports(&mut p);
    p
}

/// `NAME: Final = <literal>` at the top of `module`, `NAME` bound once;
/// and in the bodies of the module's classes (bound once there, the class
/// bound once in the module).
fn collect_final_literals(
    p: &mut Program,
    module: &str,
    body: &[ast::Stmt],
    counts: &IndexMap<String, usize>,
) {
    for (name, v) in final_literal_assignments(body, counts) {
        p.final_literals.insert(format!("{module}.{name}"), v);
    }
    for stmt in body {
        let ast::Stmt::ClassDef(c) = stmt else {
            continue;
        };
        if counts.get(c.name.as_str()) != Some(&1) {
            continue;
        }
        let class_counts = binding_counts(&c.body);
        for (name, v) in final_literal_assignments(&c.body, &class_counts) {
            p.class_final_literals
                .insert(format!("{module}.{}.{name}", c.name), v);
        }
    }
}

/// The `NAME: Final = <literal>` statements of `body` whose name is bound
/// once (`counts`).
fn final_literal_assignments(
    body: &[ast::Stmt],
    counts: &IndexMap<String, usize>,
) -> Vec<(String, ast::Expr)> {
    let mut out = vec![];
    for stmt in body {
        let ast::Stmt::AnnAssign(a) = stmt else {
            continue;
        };
        let (ast::Expr::Name(n), Some(v)) = (&*a.target, &a.value) else {
            continue;
        };
        if crate::semanal::is_final_annotation(&a.annotation)
            && is_literal_constant(v)
            && counts.get(n.id.as_str()) == Some(&1)
        {
            out.push((n.id.to_string(), (**v).clone()));
        }
    }
    out
}

/// A constant mypyc folds: a number (possibly negated), string, bytes or
/// bool literal.
pub fn is_literal_constant(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Constant(c) => matches!(
            c.value,
            ast::Constant::Int(_)
                | ast::Constant::Float(_)
                | ast::Constant::Str(_)
                | ast::Constant::Bytes(_)
                | ast::Constant::Bool(_)
        ),
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => matches!(
            &*u.operand,
            ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_) | ast::Constant::Float(_))
        ),
        _ => false,
    }
}

impl Program {
    /// The literal value of `name` in `module` if it is a module-level
    /// `Final` constant (defined there or imported from where it is).
    pub fn final_literal(&self, module: &str, name: &str) -> Option<&ast::Expr> {
        let key = format!("{module}.{name}");
        if let Some(e) = self.final_literals.get(&key) {
            return Some(e);
        }
        let origin = self.import_origins.get(&key)?;
        self.final_literals.get(origin)
    }
}

/// How often each name is bound at module level (anywhere in the module).
pub fn binding_counts(body: &[ast::Stmt]) -> IndexMap<String, usize> {
    let mut counts: IndexMap<String, usize> = IndexMap::new();
    scope::for_each_binding(body, &mut |n| {
        *counts.entry(n.to_string()).or_default() += 1
    });
    for g in scope_globals(body) {
        *counts.entry(g).or_default() += 2;
    }
    counts
}

/// Names any function of the module declares `global` (they may be rebound
/// anywhere).
fn scope_globals(body: &[ast::Stmt]) -> Vec<String> {
    let mut out = vec![];
    scope::for_each_stmt(body, &mut |stmt| {
        if let ast::Stmt::Global(g) = stmt {
            out.extend(g.names.iter().map(|i| i.to_string()));
        }
    });
    out
}

fn collect_bindings(name: &str, m: &ParsedModule, counts: &IndexMap<String, usize>) -> ModInfo {
    let mut info = ModInfo {
        name: name.to_string(),
        ..Default::default()
    };
    for n in counts.keys() {
        info.names.insert(n.clone(), Binding::Unknown);
    }
    for stmt in &m.body {
        match stmt {
            ast::Stmt::ClassDef(c) if counts.get(c.name.as_str()) == Some(&1) => {
                info.names.insert(
                    c.name.to_string(),
                    Binding::Class(format!("{name}.{}", c.name)),
                );
            }
            ast::Stmt::ImportFrom(i) if i.names.iter().any(|a| a.name.as_str() == "*") => {
                info.open = true;
            }
            ast::Stmt::FunctionDef(d) if d.name.as_str() == "__getattr__" => info.open = true,
            _ => {}
        }
    }
    info
}

fn collect_classes(p: &mut Program, module: &str, body: &[ast::Stmt]) {
    for stmt in body {
        if let ast::Stmt::ClassDef(c) = stmt {
            let full = format!("{module}.{}", c.name);
            if matches!(p.binding(module, c.name.as_str()), Binding::Class(ref f) if *f == full) {
                p.classes.insert(
                    full.clone(),
                    ClassInfo {
                        full,
                        name: c.name.to_string(),
                        module: module.to_string(),
                        ..Default::default()
                    },
                );
            }
        }
    }
}

/// The absolute module named by a `from` import in `module`.
pub fn import_target(module: &str, is_package: bool, level: u32, target: Option<&str>) -> String {
    if level == 0 {
        return target.unwrap_or("").to_string();
    }
    let mut parts: Vec<&str> = module.split('.').collect();
    let drop = if is_package { level - 1 } else { level };
    for _ in 0..drop {
        parts.pop();
    }
    if let Some(t) = target {
        parts.extend(t.split('.'));
    }
    parts.join(".")
}

/// Bind the names `module`'s imports bind, from the current tables; says
/// whether any binding changed.
fn resolve_imports(
    p: &mut Program,
    module: &str,
    body: &[ast::Stmt],
    counts: &IndexMap<String, usize>,
) -> bool {
    let single = |n: &str| counts.get(n) == Some(&1);
    let mut updates: Vec<(String, Binding)> = vec![];
    let mut module_imports: Vec<(String, String)> = vec![];
    let mut type_var_imports: Vec<(String, String)> = vec![];
    let mut origins: Vec<(String, String)> = vec![];
    for stmt in with_type_checking_blocks(body) {
        match stmt {
            ast::Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.to_string();
                    let (bound, target) = match &a.asname {
                        Some(asn) => (asn.to_string(), full.clone()),
                        None => {
                            let head = full.split('.').next().unwrap_or("").to_string();
                            (head.clone(), head)
                        }
                    };
                    if p.modules.contains_key(&target) {
                        module_imports.push((bound, target));
                    }
                }
            }
            ast::Stmt::ImportFrom(i) => {
                let level = i.level.map_or(0, |l| l.to_u32());
                let is_pkg = p.packages.contains(module);
                let src = import_target(module, is_pkg, level, i.module.as_deref());
                for a in &i.names {
                    let bound = a.asname.as_ref().unwrap_or(&a.name);
                    origins.push((format!("{module}.{bound}"), format!("{src}.{}", a.name)));
                }
                if !p.modules.contains_key(&src) {
                    continue;
                }
                for a in &i.names {
                    let bound = a.asname.as_ref().unwrap_or(&a.name).to_string();
                    if !single(&bound) {
                        continue;
                    }
                    let sub = format!("{src}.{}", a.name);
                    if let Some(tv) = p.type_var_names.get(&sub) {
                        type_var_imports.push((format!("{module}.{bound}"), tv.clone()));
                    }
                    let b = if p.modules.contains_key(&sub) {
                        Binding::Module(sub)
                    } else {
                        p.binding(&src, a.name.as_str())
                    };
                    updates.push((bound, b));
                }
            }
            _ => {}
        }
    }
    let mut changed = false;
    for (name, tv) in type_var_imports {
        changed |= p.type_var_names.insert(name, tv.clone()).as_ref() != Some(&tv);
    }
    p.import_origins.extend(origins);
    // `import os` and `import os.path` both bind `os` to one module.
    for (bound, target) in &module_imports {
        let same = module_imports
            .iter()
            .filter(|(b, _)| b == bound)
            .all(|(_, t)| t == target);
        let times = module_imports.iter().filter(|(b, _)| b == bound).count();
        if same && counts.get(bound) == Some(&times) {
            updates.push((bound.clone(), Binding::Module(target.clone())));
        }
    }
    if let Some(m) = p.modules.get_mut(module) {
        for (n, b) in updates {
            if m.names.get(&n) != Some(&b) {
                m.names.insert(n, b);
                changed = true;
            }
        }
    }
    changed
}

/// Is `test` a condition mypy takes as always true when type checking
/// (`TYPE_CHECKING`, `typing.TYPE_CHECKING`, `MYPY`)? `Some(false)` for its
/// negation, `None` for any other condition.
fn type_checking_condition(test: &ast::Expr) -> Option<bool> {
    match test {
        ast::Expr::Name(n) => matches!(n.id.as_str(), "TYPE_CHECKING" | "MYPY").then_some(true),
        ast::Expr::Attribute(a) => (a.attr.as_str() == "TYPE_CHECKING").then_some(true),
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
            type_checking_condition(&u.operand).map(|v| !v)
        }
        _ => None,
    }
}

/// The statements of a module body, with those of the branches of `if
/// TYPE_CHECKING:` (or `if MYPY:`) blocks that type checking takes: their
/// imports bind names for annotations although they never run.
fn with_type_checking_blocks(body: &[ast::Stmt]) -> Vec<&ast::Stmt> {
    let mut out = vec![];
    for stmt in body {
        out.push(stmt);
        if let ast::Stmt::If(i) = stmt {
            match type_checking_condition(&i.test) {
                Some(true) => out.extend(with_type_checking_blocks(&i.body)),
                Some(false) => out.extend(with_type_checking_blocks(&i.orelse)),
                None => {}
            }
        }
    }
    out
}

/// Class decorators that keep the class's members as written.
const KNOWN_CLASS_DECORATORS: &[&str] = &[
    "final",
    "mypyc_attr",
    "trait",
    "total_ordering",
    "runtime_checkable",
    "runtime",
];

fn fill_class_members(p: &mut Program, module: &str, body: &[ast::Stmt], lines: &LineIndex) {
    for stmt in body {
        let ast::Stmt::ClassDef(c) = stmt else {
            continue;
        };
        let full = format!("{module}.{}", c.name);
        if !p.classes.contains_key(&full) {
            continue;
        }
        let ctx = AnnCtx { program: p, module };
        let mut bases = vec![];
        let mut base_args = IndexMap::new();
        let mut declared_params: Option<Vec<String>> = None;
        let mut mentioned_params: Vec<String> = vec![];
        let mut opaque = !c.keywords.is_empty();
        let mut is_protocol = false;
        let mut is_named_tuple = false;
        let enum_base = c
            .bases
            .iter()
            .any(|b| super::enums::is_enum_base(p, module, b));
        let enum_identity = super::enums::identity_eq(p, module, c);
        for b in &c.bases {
            let (head, args) = match b {
                ast::Expr::Subscript(s) => (&*s.value, ctx.type_args(&s.slice)),
                other => (other, vec![]),
            };
            for a in &args {
                a.collect_type_vars(&mut mentioned_params);
            }
            if let Some(cls) = ctx.class_of(head) {
                base_args.insert(cls.clone(), args);
                bases.push(cls);
                continue;
            }
            let head = ctx.head_name(head);
            if matches!(head.as_deref(), Some("Generic" | "Protocol")) && !args.is_empty() {
                let mut params = vec![];
                for a in &args {
                    a.collect_type_vars(&mut params);
                }
                declared_params = Some(params);
            }
            match head.as_deref() {
                Some("object") | Some("Generic") => {}
                Some("Protocol") => is_protocol = true,
                Some("NamedTuple") => is_named_tuple = true,
                _ => opaque = true,
            }
        }
        let mut dataclass = None;
        for d in &c.decorator_list {
            if let Some(options) = super::dataclasses::dataclass_options(d) {
                let fields = super::dataclasses::own_fields(&ctx, c, &options);
                dataclass = Some(super::dataclasses::DataclassInfo { options, fields });
            } else if !KNOWN_CLASS_DECORATORS.contains(&decorator_name(d).as_str()) {
                opaque = true;
            }
        }
        let (mut members, inferred_attrs) = class_members(&ctx, c, lines);
        let finals = class_finals(&ctx, c);
        let named_tuple = is_named_tuple && !opaque && bases.is_empty();
        if named_tuple {
            let init = named_tuple_constructor(&ctx, c);
            members.insert(
                "__init__".to_string(),
                Member::Method(init, MethodKind::Instance),
            );
        }
        if let Some(info) = p.classes.get_mut(&full) {
            info.bases = bases;
            info.opaque = opaque || (is_named_tuple && !named_tuple);
            info.is_protocol = is_protocol;
            if is_protocol {
                info.abstract_members = super::protocols::abstract_members(c);
            }
            info.is_named_tuple = named_tuple;
            info.members = members;
            info.finals = finals.into_iter().collect();
            info.type_params = declared_params.unwrap_or(mentioned_params);
            info.base_args = base_args;
            info.dataclass = dataclass;
            info.inferred_attrs = inferred_attrs;
            info.enum_base = enum_base;
            info.enum_members = super::enums::members(c);
            info.enum_identity = enum_identity;
        }
    }
}

pub fn method_kind_of(decorators: &[ast::Expr]) -> MethodKind {
    let kept: Vec<&ast::Expr> = decorators.iter().filter(|d| !is_marking(d)).collect();
    match kept.as_slice() {
        [] => MethodKind::Instance,
        [d] => match decorator_name(d).as_str() {
            "staticmethod" => MethodKind::Static,
            "classmethod" => MethodKind::Class,
            "property" => MethodKind::Property,
            _ => MethodKind::Other,
        },
        _ => MethodKind::Other,
    }
}

/// A decorator that returns the function it decorates, only marked
/// (`abstractmethod`, `override`, `final`): mypy drops it from the
/// definition, which keeps its kind.
fn is_marking(d: &ast::Expr) -> bool {
    matches!(d, ast::Expr::Name(_) | ast::Expr::Attribute(_))
        && matches!(
            decorator_name(d).as_str(),
            "abstractmethod" | "override" | "final"
        )
}

/// The members of a class body, and the attributes among them whose
/// types are inferred from assignments through `self`.
fn class_members(
    ctx: &AnnCtx,
    c: &ast::StmtClassDef,
    lines: &LineIndex,
) -> (IndexMap<String, Member>, Vec<String>) {
    let mut members: IndexMap<String, Member> = IndexMap::new();
    let mut inferred = vec![];
    let mut counts: IndexMap<String, usize> = IndexMap::new();
    scope::for_each_binding(&c.body, &mut |n| {
        *counts.entry(n.to_string()).or_default() += 1
    });
    for n in counts.keys() {
        members.insert(n.clone(), Member::Attr(Type::Any));
    }
    for stmt in &c.body {
        if let ast::Stmt::AnnAssign(a) = stmt {
            if let ast::Expr::Name(n) = &*a.target {
                members.insert(n.id.to_string(), Member::Attr(ctx.resolve(&a.annotation)));
            }
        }
        if let Some(d) = DefParts::of(stmt) {
            if counts.get(d.name) == Some(&1) {
                let sig = ctx.sig(&d, Some(c.name.as_str()));
                let kind = method_kind_of(d.decorators);
                members.insert(d.name.to_string(), Member::Method(sig, kind));
            }
            collect_self_attrs(ctx, &d, lines, &mut members, &mut inferred);
        }
    }
    let binds = |n: &str| counts.get(n).copied().unwrap_or(0);
    for g in overload_groups(ctx, &c.body, Some(c.name.as_str()), &binds) {
        members.insert(g.name, Member::Overloaded(g.variants, g.kind));
    }
    inferred.retain(|n| matches!(members.get(n), Some(Member::Attr(_))));
    (members, inferred)
}

/// The constructor of a `NamedTuple` class: `self` and the fields in
/// order (those with a value in the class body have defaults).
fn named_tuple_constructor(ctx: &AnnCtx, c: &ast::StmtClassDef) -> Sig {
    let mut params = vec![ParamSig {
        name: "self".to_string(),
        ty: Type::Any,
        kind: ParamKind::Positional,
        has_default: false,
        pos_only: false,
    }];
    for stmt in &c.body {
        if let ast::Stmt::AnnAssign(a) = stmt {
            if let ast::Expr::Name(n) = &*a.target {
                params.push(ParamSig {
                    name: n.id.to_string(),
                    ty: ctx.resolve(&a.annotation),
                    kind: ParamKind::Positional,
                    has_default: a.value.is_some(),
                    pos_only: false,
                });
            }
        }
    }
    Sig {
        name: c.name.to_string(),
        owner: None,
        module: ctx.module.to_string(),
        params,
        ret: Type::None,
        has_ret: true,
        no_return: false,
        type_guard: None,
        is_generator: false,
        is_async: false,
    }
}

/// `X: Final = value` in a class body.
fn class_finals(ctx: &AnnCtx, c: &ast::StmtClassDef) -> HashSet<String> {
    let mut out = HashSet::new();
    for stmt in &c.body {
        if let ast::Stmt::AnnAssign(a) = stmt {
            if let (ast::Expr::Name(n), Some(_)) = (&*a.target, &a.value) {
                if ctx.is_final(&a.annotation) {
                    out.insert(n.id.to_string());
                }
            }
        }
    }
    out
}

impl Program {
    /// Is member `name` of class `full` (or the base defining it) a final
    /// class attribute?
    pub fn is_final_member(&self, full: &str, name: &str) -> bool {
        let (mro, _) = self.mro(full);
        mro.iter()
            .find(|c| c.members.contains_key(name))
            .is_some_and(|c| c.finals.contains(name))
    }
}

/// Attributes assigned through the first parameter of a method
/// (`self.x = ...`, `self.x: T = ...`).
fn collect_self_attrs(
    ctx: &AnnCtx,
    d: &DefParts,
    lines: &LineIndex,
    members: &mut IndexMap<String, Member>,
    inferred: &mut Vec<String>,
) {
    let Some(first) = d.args.posonlyargs.iter().chain(d.args.args.iter()).next() else {
        return;
    };
    let me = first.def.arg.to_string();
    struct V<'a> {
        me: String,
        found: Vec<(String, Option<ast::Expr>)>,
        lines: &'a LineIndex,
    }
    impl rustpython_ast::Visitor for V<'_> {
        fn visit_expr_attribute(&mut self, n: ast::ExprAttribute) {
            if let ast::Expr::Name(v) = &*n.value {
                if v.id.as_str() == self.me && matches!(n.ctx, ast::ExprContext::Store) {
                    self.found.push((n.attr.to_string(), None));
                }
            }
            self.visit_expr(*n.value);
        }
        fn visit_withitem(&mut self, n: ast::WithItem) {
            self.visit_expr(n.context_expr);
            if let Some(v) = n.optional_vars {
                self.visit_expr(*v);
            }
        }
        fn visit_match_case(&mut self, n: ast::MatchCase) {
            n.body.into_iter().for_each(|s| self.visit_stmt(s));
        }
        // `self.x = v  # type: T` declares the attribute as `T`.
        fn visit_stmt_assign(&mut self, n: ast::StmtAssign) {
            if let [ast::Expr::Attribute(a)] = n.targets.as_slice() {
                let declared = self
                    .lines
                    .type_comment(&n)
                    .and_then(crate::parse::type_comment_expr);
                if let (true, Some(t)) = (
                    matches!(&*a.value, ast::Expr::Name(v) if v.id.as_str() == self.me),
                    declared,
                ) {
                    self.found.push((a.attr.to_string(), Some(t)));
                    self.visit_expr(*n.value);
                    return;
                }
            }
            n.targets.into_iter().for_each(|t| self.visit_expr(t));
            self.visit_expr(*n.value);
        }
        fn visit_stmt_ann_assign(&mut self, n: ast::StmtAnnAssign) {
            if let ast::Expr::Attribute(a) = &*n.target {
                if matches!(&*a.value, ast::Expr::Name(v) if v.id.as_str() == self.me) {
                    self.found
                        .push((a.attr.to_string(), Some(*n.annotation.clone())));
                }
            }
            if let Some(v) = n.value {
                self.visit_expr(*v);
            }
        }
    }
    let mut v = V {
        me,
        found: vec![],
        lines,
    };
    for s in d.body {
        rustpython_ast::Visitor::visit_stmt(&mut v, s.clone());
    }
    let leading = leading_attr_types(ctx, d, &v.me);
    for (name, ann) in v.found {
        match ann {
            Some(a) => {
                if !matches!(members.get(&name), Some(Member::Method(..))) {
                    inferred.retain(|n| *n != name);
                    members.insert(name, Member::Attr(ctx.resolve(&a)));
                }
            }
            None => {
                if !members.contains_key(&name) && !inferred.contains(&name) {
                    inferred.push(name.clone());
                }
                let t = leading.get(&name).cloned().unwrap_or(Type::Any);
                members.entry(name).or_insert(Member::Attr(t));
            }
        }
    }
}

/// Types of attributes assigned at the very start of a method body
/// (`self.x = x` for an annotated parameter `x`, `self.n = 0`), where the
/// value's type is exactly what mypy infers for the attribute: nothing
/// before can have narrowed or rebound the parameter.
fn leading_attr_types(ctx: &AnnCtx, d: &DefParts, me: &str) -> IndexMap<String, Type> {
    let mut params: IndexMap<String, Type> = IndexMap::new();
    for a in d
        .args
        .posonlyargs
        .iter()
        .chain(&d.args.args)
        .chain(&d.args.kwonlyargs)
    {
        if let Some(ann) = &a.def.annotation {
            params.insert(a.def.arg.to_string(), ctx.resolve(ann));
        }
    }
    let mut out = IndexMap::new();
    for stmt in d.body {
        match stmt {
            ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(_)) => {}
            ast::Stmt::Expr(e) if is_super_call(&e.value) => {}
            ast::Stmt::AnnAssign(a) if matches!(&*a.target, ast::Expr::Attribute(_)) => {}
            ast::Stmt::Assign(a) if a.targets.len() == 1 => {
                let ast::Expr::Attribute(t) = &a.targets[0] else {
                    break;
                };
                if !matches!(&*t.value, ast::Expr::Name(n) if n.id.as_str() == me) {
                    break;
                }
                let ty = match &*a.value {
                    ast::Expr::Name(n) if n.id.as_str() != me => params.get(n.id.as_str()).cloned(),
                    ast::Expr::Constant(c) if !matches!(c.value, ast::Constant::None) => {
                        Some(super::constant_type(&c.value))
                    }
                    _ => None,
                };
                if let Some(ty) = ty {
                    out.entry(t.attr.to_string()).or_insert(ty);
                }
            }
            _ => break,
        }
    }
    out
}

/// `super().name(...)`.
fn is_super_call(e: &ast::Expr) -> bool {
    let ast::Expr::Call(c) = e else { return false };
    let ast::Expr::Attribute(a) = &*c.func else {
        return false;
    };
    matches!(&*a.value, ast::Expr::Call(s) if matches!(&*s.func, ast::Expr::Name(n) if n.id.as_str() == "super"))
}

/// The signatures of the module-level functions of `body` (bound once,
/// undecorated, or `@overload`ed), from the tables as they are.
fn function_sigs(
    p: &Program,
    module: &str,
    body: &[ast::Stmt],
    counts: &IndexMap<String, usize>,
) -> Vec<(String, Binding)> {
    let mut sigs = vec![];
    let ctx = AnnCtx { program: p, module };
    for stmt in body {
        if let Some(d) = DefParts::of(stmt) {
            if counts.get(d.name) == Some(&1) && d.decorators.is_empty() {
                sigs.push((d.name.to_string(), Binding::Func(ctx.sig(&d, None))));
            }
        }
    }
    let binds = |n: &str| counts.get(n).copied().unwrap_or(0);
    for g in overload_groups(&ctx, body, None, &binds) {
        sigs.push((g.name, Binding::Overloaded(g.variants)));
    }
    sigs
}

/// Re-resolve `import` and `from` bindings against the current tables.
pub fn refresh_imports(p: &mut Program, modules: &[(String, &ParsedModule)]) {
    let counts: Vec<IndexMap<String, usize>> = modules
        .par_iter()
        .map(|(_, m)| binding_counts(&m.body))
        .collect();
    refresh_imports_counted(p, modules, &counts);
}

/// `refresh_imports` with each module's binding counts known.
fn refresh_imports_counted(
    p: &mut Program,
    modules: &[(String, &ParsedModule)],
    counts: &[IndexMap<String, usize>],
) {
    for _ in 0..3 {
        let mut changed = false;
        for ((name, m), counts) in modules.iter().zip(counts) {
            changed |= resolve_imports(p, name, &m.body, counts);
        }
        if !changed {
            break;
        }
    }
}

/// Names a module binds other than by assignment (definitions, imports).
pub fn non_variable_names(body: &[ast::Stmt]) -> HashSet<String> {
    let mut out: HashSet<String> = HashSet::new();
    collect_non_variables(body, &mut out);
    out
}

fn collect_non_variables(body: &[ast::Stmt], out: &mut HashSet<String>) {
    for stmt in body {
        match stmt {
            ast::Stmt::FunctionDef(_)
            | ast::Stmt::AsyncFunctionDef(_)
            | ast::Stmt::ClassDef(_)
            | ast::Stmt::Import(_)
            | ast::Stmt::ImportFrom(_)
            | ast::Stmt::Delete(_) => {
                scope::for_each_binding(std::slice::from_ref(stmt), &mut |n| {
                    out.insert(n.to_string());
                })
            }
            _ => {}
        }
        for block in scope::child_blocks(stmt) {
            collect_non_variables(block, out);
        }
    }
}
