//! Narrowing: what a condition tells about the expressions it tests, on
//! its true and false branches. Understood: `x is None`, `x is not None`,
//! `isinstance(x, C)` (builtin or program classes, or tuples of them),
//! `x is y` and `x == y` between instances of program classes (both sides
//! narrowed to what their types share), equality with a literal,
//! truthiness, and `not`/`and`/`or` of those. Any other condition makes the
//! non-primitive references it mentions `Any` on both branches, since mypy
//! may narrow them in ways the checker does not follow.

use rustpython_parser::ast;

use crate::types::{union, Type};

use super::check::{merge, Checker, Flow};
use super::compat::{never_none, remove_none};
use super::program::Binding;

/// A narrowed type on one branch: `None` means the branch is unreachable.
type Branch = Option<Type>;

impl Checker<'_> {
    /// The key of a reference expression whose type may be narrowed.
    pub fn key(&self, e: &ast::Expr) -> Option<String> {
        match e {
            ast::Expr::Name(n) => Some(n.id.to_string()),
            ast::Expr::Attribute(a) => Some(format!("{}.{}", self.key(&a.value)?, a.attr)),
            ast::Expr::Subscript(s) => {
                let base = self.key(&s.value)?;
                Some(format!("{base}[{}]", literal_index_key(&s.slice)?))
            }
            ast::Expr::NamedExpr(n) => self.key(&n.target),
            _ => None,
        }
    }

    /// Check a condition; return the facts on its true and false branches.
    pub fn condition(&mut self, e: &ast::Expr) -> (Flow, Flow) {
        let (t, f, _) = self.condition_typed(e);
        (t, f)
    }

    /// `condition`, and the type of the condition's value.
    fn condition_typed(&mut self, e: &ast::Expr) -> (Flow, Flow, Type) {
        let (t, f, vt) = self.condition_typed_unrecorded(e);
        if !self.quiet && !self.flow.dead {
            self.types.record(e, &vt);
        }
        (t, f, vt)
    }

    fn condition_typed_unrecorded(&mut self, e: &ast::Expr) -> (Flow, Flow, Type) {
        match e {
            ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::Not) => {
                let (t, f) = self.condition(&u.operand);
                (f, t, Type::Bool)
            }
            ast::Expr::BoolOp(b) => self.condition_boolop_typed(b),
            // As mypy: the branch a constant condition rules out is
            // unreachable (and not checked); so is the one a version or
            // platform check rules out for the target.
            ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Bool(_)) => {
                let (mut t, mut f) = (self.flow.clone(), self.flow.clone());
                match c.value {
                    ast::Constant::Bool(true) => f.dead = true,
                    _ => t.dead = true,
                }
                (t, f, Type::Bool)
            }
            _ => {
                let decided = super::reachability::condition_value(e, &self.program.target);
                let vt = self.expr(e);
                let Some(value) = decided else {
                    let (t, f) = self.narrow_by(e, &vt);
                    return (t, f, vt);
                };
                let (mut t, mut f) = (self.flow.clone(), self.flow.clone());
                if value {
                    f.dead = true;
                } else {
                    t.dead = true;
                }
                (t, f, Type::Bool)
            }
        }
    }

    /// The facts on the branches of condition `e`, whose value (of type
    /// `t`) has been evaluated.
    fn narrow_by(&mut self, e: &ast::Expr, t: &Type) -> (Flow, Flow) {
        self.check_value_used(e, t);
        let base = self.flow.clone();
        match self.narrowings(e) {
            Some(list) => {
                let mut t = base.clone();
                let mut f = base;
                for (k, pos, neg) in list {
                    apply(&mut t, &k, pos);
                    apply(&mut f, &k, neg);
                }
                (t, f)
            }
            None => {
                let mut t = base;
                for k in self.narrowable_keys(e) {
                    t.narrowed.insert(k, Type::Any);
                }
                (t.clone(), t)
            }
        }
    }

    pub fn condition_boolop(&mut self, b: &ast::ExprBoolOp) -> (Flow, Flow) {
        let (t, f, _) = self.condition_boolop_typed(b);
        (t, f)
    }

    /// `condition_boolop`, and the type of the operation's value: for `or`,
    /// the operands before the last without `None` (their truthy values)
    /// and the last; for `and`, the falsy values of the operands before the
    /// last and the last (mypy's types of `x or y`, `x and y`).
    pub fn condition_boolop_typed(&mut self, b: &ast::ExprBoolOp) -> (Flow, Flow, Type) {
        let and = matches!(b.op, ast::BoolOp::And);
        // Flows on which the operation is decided before its last operand.
        let mut exits: Option<Flow> = None;
        let n = b.values.len();
        let mut result = (self.flow.clone(), self.flow.clone());
        let mut types: Vec<Type> = vec![];
        for (i, v) in b.values.iter().enumerate() {
            let (t, f, vt) = self.condition_typed(v);
            if i + 1 == n {
                types.push(vt);
                result = (t, f);
                break;
            }
            if let Some(part) = if and {
                self.falsy_part(&vt)
            } else {
                truthy_part(&vt)
            } {
                types.push(part);
            }
            let (cont, exit) = if and { (t, f) } else { (f, t) };
            exits = Some(match exits {
                None => exit,
                Some(o) => merge(o, exit),
            });
            self.flow = cont;
        }
        let t = if types.iter().any(crate::checker::compat::has_any) {
            Type::Any
        } else {
            union(types)
        };
        match exits {
            None => (result.0, result.1, t),
            Some(x) if and => (result.0, merge(result.1, x), t),
            Some(x) => (merge(result.0, x), result.1, t),
        }
    }

    /// The values of type `t` that are false (`None` for never).
    fn falsy_part(&self, t: &Type) -> Option<Type> {
        match t {
            Type::Union(items) => {
                let parts: Vec<Type> = items.iter().filter_map(|i| self.falsy_part(i)).collect();
                (!parts.is_empty()).then(|| union(parts))
            }
            // Instances of classes that define neither `__bool__` nor
            // `__len__` are always true.
            Type::Instance(c, _) if self.always_true(c) => None,
            other => Some(other.clone()),
        }
    }

    /// Are instances of program class `c` always true?
    fn always_true(&self, c: &str) -> bool {
        let (mro, complete) = self.program.mro(c);
        complete
            && !mro.iter().any(|k| {
                k.opaque || k.members.contains_key("__bool__") || k.members.contains_key("__len__")
            })
    }

    /// The references a condition the checker does not follow might
    /// narrow in mypy (which then become `Any` on both branches): the
    /// operands of a comparison whose types equality, identity or
    /// membership narrowing can change (unions, literals, enums, unknown
    /// classes), with their parent references whose types are unions
    /// (mypy narrows a tagged union through `x.tag == ...`); the argument
    /// a type guard or a narrowing builtin (`callable`, `hasattr`, ...)
    /// tests. Nothing else in a condition is narrowed.
    fn narrowable_keys(&mut self, e: &ast::Expr) -> Vec<String> {
        let mut out = vec![];
        match e {
            ast::Expr::Compare(c) => {
                for o in std::iter::once(&*c.left).chain(&c.comparators) {
                    self.operand_keys(o, &mut out);
                }
            }
            ast::Expr::Call(c) => self.guard_keys(c, &mut out),
            _ => {}
        }
        out
    }

    /// `narrowable_keys` of one operand of a comparison.
    fn operand_keys(&mut self, o: &ast::Expr, out: &mut Vec<String>) {
        match o {
            // `type(x) is C`, `len(x) == n` (tuple length narrowing).
            ast::Expr::Call(c) if c.args.len() == 1 => {
                if let ast::Expr::Name(n) = &*c.func {
                    // Length narrowing changes only tuples (and unions of them).
                    let narrows = match n.id.as_str() {
                        "type" => true,
                        "len" => matches!(
                            self.quiet_expr(&c.args[0]),
                            Type::Tuple(_) | Type::VarTuple(_) | Type::Union(_)
                        ),
                        _ => false,
                    };
                    if narrows {
                        if let Some(k) = self.key(&c.args[0]) {
                            out.push(k);
                        }
                    }
                }
            }
            ast::Expr::NamedExpr(n) => self.operand_keys(&n.value, out),
            _ => {}
        }
        let Some(k) = self.key(o) else { return };
        let t = self.quiet_expr(o);
        if !self.equality_may_narrow(&t) {
            // Nor a union through it: a tag that equality narrows has a
            // literal, enum or `None` type in some item (`x.type == n`
            // with `type: int` everywhere leaves `x` alone).
            return;
        }
        out.push(k);
        let mut parent = match o {
            ast::Expr::Attribute(a) => Some(&*a.value),
            ast::Expr::Subscript(s) => Some(&*s.value),
            _ => None,
        };
        while let Some(p) = parent {
            if let Some(k) = self.key(p) {
                if matches!(self.quiet_expr(p), Type::Union(_) | Type::Any) {
                    out.push(k);
                }
            }
            parent = match p {
                ast::Expr::Attribute(a) => Some(&*a.value),
                ast::Expr::Subscript(s) => Some(&*s.value),
                _ => None,
            };
        }
    }

    /// `f(x, ...)` of a module function declared `-> TypeGuard[T]`: where
    /// true, `x` is a `T`; where false, it keeps its type (as in mypy).
    fn type_guard_narrowing(&mut self, c: &ast::ExprCall) -> Option<Vec<(String, Branch, Branch)>> {
        let ast::Expr::Name(n) = &*c.func else {
            return None;
        };
        if self.frame.locals.contains(n.id.as_str()) {
            return None;
        }
        let super::program::Binding::Func(sig) = self.program.binding(self.module, n.id.as_str())
        else {
            return None;
        };
        let guarded = sig.type_guard?;
        let first = c
            .args
            .first()
            .filter(|a| !matches!(a, ast::Expr::Starred(_)))?;
        let k = self.key(first)?;
        let t = self.quiet_expr(first);
        Some(vec![(k, Some(*guarded), Some(t))])
    }

    /// Can mypy's equality, identity or membership narrowing change the
    /// type of an operand of type `t`?
    fn equality_may_narrow(&self, t: &Type) -> bool {
        match t {
            Type::Int
            | Type::Float
            | Type::Str
            | Type::Bytes
            | Type::I64
            | Type::I32
            | Type::I16
            | Type::U8
            | Type::None
            | Type::List(_)
            | Type::Dict(..)
            | Type::Set(_)
            | Type::FrozenSet(_)
            | Type::Tuple(_)
            | Type::VarTuple(_)
            | Type::Range
            | Type::Module(_)
            | Type::Function(_)
            | Type::Callable => false,
            Type::Instance(c, _) => self.program.classes.get(c).is_none_or(|i| i.opaque),
            _ => true,
        }
    }

    /// A call in a condition narrows its first argument when the callee
    /// may be a type guard (not known to return a plain value) or is a
    /// builtin that narrows.
    fn guard_keys(&mut self, c: &ast::ExprCall, out: &mut Vec<String>) {
        let Some(first) = c.args.first() else { return };
        let Some(k) = self.key(first) else { return };
        let known = match &*c.func {
            ast::Expr::Name(n) if self.is_builtin(n.id.as_str()) => !matches!(
                n.id.as_str(),
                "callable" | "hasattr" | "issubclass" | "isinstance" | "type"
            ),
            ast::Expr::Name(n) => {
                matches!(
                    self.program.binding(self.module, n.id.as_str()),
                    super::program::Binding::Func(ref sig)
                        if sig.has_ret && !matches!(sig.ret, Type::Any)
                ) && !self.frame.locals.contains(n.id.as_str())
            }
            _ => false,
        };
        if !known {
            out.push(k);
        }
    }

    /// The narrowings a simple condition implies, or `None` if the checker
    /// does not understand the condition.
    fn narrowings(&mut self, e: &ast::Expr) -> Option<Vec<(String, Branch, Branch)>> {
        match e {
            ast::Expr::Compare(c) if c.ops.len() == 1 => {
                let (subject, other) = (&*c.left, &c.comparators[0]);
                let (subject, other) = if is_none(subject) {
                    (other, subject)
                } else {
                    (subject, other)
                };
                if !is_none(other) {
                    if let Some(n) = self.identity_narrowing(c) {
                        return Some(n);
                    }
                    return self.equality_narrowing(c);
                }
                let k = self.key(subject)?;
                let t = self.quiet_expr(subject);
                let (is, is_not) = none_test(&t, self);
                match c.ops[0] {
                    ast::CmpOp::Is => Some(vec![(k, is, is_not)]),
                    ast::CmpOp::IsNot => Some(vec![(k, is_not, is)]),
                    _ => None,
                }
            }
            ast::Expr::Call(c) => self
                .isinstance_narrowing(c)
                .or_else(|| self.type_guard_narrowing(c)),
            ast::Expr::NamedExpr(_)
            | ast::Expr::Name(_)
            | ast::Expr::Attribute(_)
            | ast::Expr::Subscript(_) => {
                let k = self.key(e)?;
                let t = self.quiet_expr(e);
                let pos = match &t {
                    Type::None => None,
                    other => Some(remove_none(other)),
                };
                Some(vec![(k, pos, Some(t))])
            }
            ast::Expr::Constant(_) => Some(vec![]),
            _ => None,
        }
    }

    /// `x == <constant>` / `x != <constant>`: where equal, `x` is not
    /// `None` and only literal items equal to the constant remain; where
    /// unequal, that literal item is gone.
    fn equality_narrowing(
        &mut self,
        c: &ast::ExprCompare,
    ) -> Option<Vec<(String, Branch, Branch)>> {
        let (subject, other) = (&*c.left, &c.comparators[0]);
        let Some(Type::Literal(lit)) = super::program::literal_value(other) else {
            return None;
        };
        let k = self.key(subject)?;
        let t = self.quiet_expr(subject);
        let items = match &t {
            Type::Union(items) => items.clone(),
            other => vec![other.clone()],
        };
        let this = Type::Literal(lit);
        let equal: Vec<Type> = items
            .iter()
            .filter(|i| match i {
                Type::None => false,
                Type::Literal(_) => **i == this,
                _ => true,
            })
            .cloned()
            .collect();
        let unequal: Vec<Type> = items.iter().filter(|i| **i != this).cloned().collect();
        let branch = |v: Vec<Type>| (!v.is_empty()).then(|| union(v));
        let (eq, ne) = (branch(equal), branch(unequal));
        match c.ops[0] {
            ast::CmpOp::Eq => Some(vec![(k, eq, ne)]),
            ast::CmpOp::NotEq => Some(vec![(k, ne, eq)]),
            _ => None,
        }
    }

    /// `x is y` between values of classes whose relations the checker
    /// knows (and `x == y` when neither class defines its own equality):
    /// where it holds, each operand that is a reference has the type its
    /// type shares with the other's, as mypy narrows both to their meet
    /// (`b is a` with `b: B` and `B` a subclass of `a`'s `A` makes `a` a
    /// `B`; items of a union unrelated to the other side drop out; nothing
    /// shared leaves the type alone); where it does not hold, nothing
    /// changes. Against `Any`, an operand is `Any` where the test holds.
    /// `None` for other operand types (singletons among them), which the
    /// general rules handle.
    fn identity_narrowing(
        &mut self,
        c: &ast::ExprCompare,
    ) -> Option<Vec<(String, Branch, Branch)>> {
        let holds_if_true = match c.ops[0] {
            ast::CmpOp::Is | ast::CmpOp::Eq => true,
            ast::CmpOp::IsNot | ast::CmpOp::NotEq => false,
            _ => return None,
        };
        let equality = matches!(c.ops[0], ast::CmpOp::Eq | ast::CmpOp::NotEq);
        let (left, right) = (&*c.left, &c.comparators[0]);
        let (lt, rt) = (self.quiet_expr(left), self.quiet_expr(right));
        let any = matches!(lt, Type::Any) || matches!(rt, Type::Any);
        let items = if any {
            None
        } else {
            let (li, ri) = (self.plain_class_items(&lt)?, self.plain_class_items(&rt)?);
            if equality && (self.has_own_equality(&li) || self.has_own_equality(&ri)) {
                return None;
            }
            Some((li, ri))
        };
        let mut out = vec![];
        for (i, (e, t)) in [(left, &lt), (right, &rt)].into_iter().enumerate() {
            let Some(k) = self.key(e) else { continue };
            let holds = match &items {
                None => Type::Any,
                Some((li, ri)) => {
                    let (own, other) = if i == 0 { (li, ri) } else { (ri, li) };
                    let shared = self.shared_items(own, other)?;
                    if shared.is_empty() {
                        t.clone()
                    } else {
                        union(shared)
                    }
                }
            };
            let (yes, no) = (Some(holds), Some(t.clone()));
            out.push(if holds_if_true {
                (k, yes, no)
            } else {
                (k, no, yes)
            });
        }
        Some(out)
    }

    /// The items of `t` (itself, or the items of a union) if each is
    /// `object`, `None` or an instance of a non-generic class of the
    /// program whose ancestry is completely known (not a protocol, not an
    /// enum, whose members are singletons).
    fn plain_class_items(&self, t: &Type) -> Option<Vec<Type>> {
        let items = match t {
            Type::Union(items) => items.clone(),
            other => vec![other.clone()],
        };
        let plain = |item: &Type| match item {
            Type::Object | Type::None => true,
            Type::Instance(full, args) => {
                args.is_empty()
                    && self
                        .program
                        .classes
                        .get(full)
                        .is_some_and(|info| !info.is_protocol)
                    && !self.program.is_enum(full)
                    && self.program.mro(full).1
            }
            _ => false,
        };
        items.iter().all(plain).then_some(items)
    }

    /// Does a class among `items` (or an ancestor) define `__eq__` or
    /// `__ne__`?
    fn has_own_equality(&self, items: &[Type]) -> bool {
        items.iter().any(|item| match item {
            Type::Instance(full, _) => self.program.mro(full).0.iter().any(|info| {
                info.members.contains_key("__eq__") || info.members.contains_key("__ne__")
            }),
            _ => false,
        })
    }

    /// What plain items `own` and `other` share: of each pair, the one that
    /// is a subtype of the other; unrelated pairs share nothing. `None` if
    /// a relation is not known.
    fn shared_items(&self, own: &[Type], other: &[Type]) -> Option<Vec<Type>> {
        let mut out: Vec<Type> = vec![];
        for s in own {
            for t in other {
                let shared = if self.plain_subtype(s, t)? {
                    s
                } else if self.plain_subtype(t, s)? {
                    t
                } else {
                    continue;
                };
                if !out.contains(shared) {
                    out.push(shared.clone());
                }
            }
        }
        Some(out)
    }

    /// Is plain item `s` a subtype of plain item `t`?
    fn plain_subtype(&self, s: &Type, t: &Type) -> Option<bool> {
        match (s, t) {
            _ if s == t => Some(true),
            (_, Type::Object) => Some(true),
            (Type::Instance(a, _), Type::Instance(b, _)) => self.program.derives(a, b),
            _ => Some(false),
        }
    }

    fn isinstance_narrowing(&mut self, c: &ast::ExprCall) -> Option<Vec<(String, Branch, Branch)>> {
        match &*c.func {
            ast::Expr::Name(n)
                if n.id.as_str() == "isinstance" && self.is_builtin("isinstance") => {}
            _ => return None,
        }
        if c.args.len() != 2 || !c.keywords.is_empty() {
            return None;
        }
        let k = self.key(&c.args[0])?;
        let targets = self.class_targets(&c.args[1])?;
        let t = self.quiet_expr(&c.args[0]);
        let (pos, neg) = isinstance_branches(&t, &targets, self)?;
        Some(vec![(k, pos, neg)])
    }

    /// The types an `isinstance` class argument stands for.
    fn class_targets(&self, e: &ast::Expr) -> Option<Vec<Type>> {
        match e {
            ast::Expr::Tuple(t) => {
                let mut out = vec![];
                for x in &t.elts {
                    out.extend(self.class_targets(x)?);
                }
                Some(out)
            }
            ast::Expr::Name(n) => {
                let name = n.id.as_str();
                if let Binding::Class(full) = self.program.binding(self.module, name) {
                    if !self.frame.locals.contains(name) && !self.flow.narrowed.contains_key(name) {
                        return Some(vec![Type::Instance(full, vec![])]);
                    }
                }
                if !self.is_builtin(name) {
                    return None;
                }
                let t = match name {
                    "int" => Type::Int,
                    "str" => Type::Str,
                    "bool" => Type::Bool,
                    "bytes" => Type::Bytes,
                    "list" => Type::list(Type::Any),
                    "dict" => Type::dict(Type::Any, Type::Any),
                    "set" => Type::Set(Box::new(Type::Any)),
                    "frozenset" => Type::FrozenSet(Box::new(Type::Any)),
                    "tuple" => Type::VarTuple(Box::new(Type::Any)),
                    _ => return None,
                };
                Some(vec![t])
            }
            _ => None,
        }
    }
}

/// The part of a narrowing key that stands for a literal index: `1`,
/// `-1` (as mypy, an index written negative is its own expression, not
/// the item it happens to reach) or a quoted string key.
fn literal_index_key(slice: &ast::Expr) -> Option<String> {
    match slice {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Int(i) => Some(i.to_string()),
            ast::Constant::Str(t) => Some(format!("{t:?}")),
            _ => None,
        },
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => match &*u.operand {
            ast::Expr::Constant(c) => match &c.value {
                ast::Constant::Int(i) => Some(format!("-{i}")),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The values of type `t` that are true (`None` for never).
fn truthy_part(t: &Type) -> Option<Type> {
    match t {
        Type::None => None,
        Type::Union(_) => Some(remove_none(t)),
        other => Some(other.clone()),
    }
}

fn is_none(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::None))
}

/// The branches of `x is None` for a value of type `t`: (is, is not).
fn none_test(t: &Type, c: &Checker) -> (Branch, Branch) {
    match t {
        Type::None => (Some(Type::None), None),
        Type::Union(items) if items.contains(&Type::None) => {
            (Some(Type::None), Some(remove_none(t)))
        }
        other if never_none(other, c.program) => (None, Some(other.clone())),
        other => (Some(other.clone()), Some(other.clone())),
    }
}

/// Same container or class kind, so that `isinstance` is certainly true.
fn surely_instance(item: &Type, target: &Type, c: &Checker) -> Option<bool> {
    use Type as T;
    Some(match (item, target) {
        (T::Int | T::Float, T::Int) if *item == T::Float => return None,
        (a, b) if a == b => true,
        (T::Bool, T::Int) => true,
        (T::List(_), T::List(_))
        | (T::Dict(..), T::Dict(..))
        | (T::Set(_), T::Set(_))
        | (T::FrozenSet(_), T::FrozenSet(_))
        | (T::Tuple(_) | T::VarTuple(_), T::VarTuple(_)) => true,
        (T::Instance(a, _), T::Instance(b, _)) if c.program.derives(a, b) == Some(true) => true,
        (T::None, T::Instance(..)) => false,
        (T::Int | T::Str | T::Bytes | T::None | T::Bool, T::Int | T::Str | T::Bytes | T::Bool)
        | (
            T::List(_) | T::Dict(..) | T::Set(_) | T::FrozenSet(_) | T::Tuple(_) | T::VarTuple(_),
            T::Int | T::Str | T::Bytes | T::Bool,
        )
        | (
            T::Int | T::Str | T::Bytes | T::None | T::Bool,
            T::List(_) | T::Dict(..) | T::Set(_) | T::FrozenSet(_) | T::VarTuple(_),
        ) => false,
        _ => return None,
    })
}

/// The branches of `isinstance(x, targets)` for a value of type `t`.
fn isinstance_branches(t: &Type, targets: &[Type], c: &Checker) -> Option<(Branch, Branch)> {
    let items: Vec<Type> = match t {
        Type::Union(items) => items.clone(),
        Type::Any => return Some((Some(union(targets.to_vec())), Some(Type::Any))),
        Type::Object => return Some((Some(union(targets.to_vec())), Some(Type::Object))),
        other => vec![other.clone()],
    };
    let mut pos = vec![];
    let mut neg = vec![];
    for item in &items {
        let mut matched = false;
        for target in targets {
            match surely_instance(item, target, c) {
                Some(true) => matched = true,
                Some(false) => {}
                None => {
                    // A target narrower than the item (a subclass): mypy
                    // narrows to the target; otherwise give up.
                    if let (Type::Instance(a, _), Type::Instance(b, _)) = (item, target) {
                        if c.program.derives(b, a) == Some(true) {
                            pos.push(target.clone());
                            continue;
                        }
                        // Unrelated classes: only a subclass of both is
                        // both, which mypy types as their intersection; in
                        // a union with the target it is an instance of the
                        // target like the others.
                        let unrelated = c.program.derives(a, b) == Some(false)
                            && c.program.derives(b, a) == Some(false);
                        if unrelated && items.len() > 1 {
                            pos.push(target.clone());
                            continue;
                        }
                    }
                    return None;
                }
            }
        }
        if matched {
            pos.push(item.clone());
        } else {
            neg.push(item.clone());
        }
    }
    let pos = (!pos.is_empty()).then(|| union(pos));
    let neg = (!neg.is_empty()).then(|| union(neg));
    Some((pos, neg))
}

fn apply(flow: &mut Flow, key: &str, branch: Branch) {
    match branch {
        Some(t) => {
            flow.narrowed.insert(key.to_string(), t);
        }
        None => flow.dead = true,
    }
}
