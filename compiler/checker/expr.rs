//! Expressions: the type of every expression (exactly mypy's, or `Any`),
//! with the errors found on the way: attributes (`[attr-defined]`,
//! `[union-attr]`), operators (`[operator]`) and indexing (`[index]`).
//! Calls are in `calls.rs`.

use rustpython_parser::ast;

use crate::types::{union, Type};

use super::builtins;
use super::check::{Checker, FrameKind};
use super::compat::{compatible, has_any, remove_none};
use super::messages as msg;
use super::program::{Binding, Lookup, Member, MethodKind};

/// Types an operator table knows completely.
fn simple(t: &Type) -> bool {
    matches!(
        t,
        Type::Int
            | Type::Float
            | Type::Bool
            | Type::Str
            | Type::Bytes
            | Type::None
            | Type::List(_)
            | Type::Dict(..)
            | Type::Set(_)
            | Type::FrozenSet(_)
            | Type::Tuple(_)
            | Type::VarTuple(_)
    )
}

/// The result of a binary operator on simple types: `None` when the
/// operation is not supported, `Some(Any)` when the result is not modelled.
fn op_result(op: ast::Operator, l: &Type, r: &Type) -> Option<Type> {
    use ast::Operator as O;
    let num = |t: &Type| matches!(t, Type::Int | Type::Bool | Type::Float);
    let int = |t: &Type| t.is_int_like();
    let set = |t: &Type| matches!(t, Type::Set(_) | Type::FrozenSet(_));
    let tuple = |t: &Type| matches!(t, Type::Tuple(_) | Type::VarTuple(_));
    if int(l) && int(r) {
        return match op {
            O::Div => Some(Type::Float),
            O::Pow => Some(Type::Any),
            O::MatMult => None,
            O::BitAnd | O::BitOr | O::BitXor if *l == Type::Bool && *r == Type::Bool => {
                Some(Type::Bool)
            }
            _ => Some(Type::Int),
        };
    }
    if num(l) && num(r) {
        return match op {
            O::Add | O::Sub | O::Mult | O::Div | O::FloorDiv | O::Mod => Some(Type::Float),
            O::Pow => Some(Type::Any),
            _ => None,
        };
    }
    match (l, r) {
        (Type::Str, _) if op == O::Mod => Some(Type::Str),
        (Type::Bytes, _) if op == O::Mod => Some(Type::Bytes),
        (Type::Str, Type::Str) if op == O::Add => Some(Type::Str),
        (Type::Bytes, Type::Bytes) if op == O::Add => Some(Type::Bytes),
        (Type::Str, t) | (t, Type::Str) if op == O::Mult && int(t) => Some(Type::Str),
        (Type::Bytes, t) | (t, Type::Bytes) if op == O::Mult && int(t) => Some(Type::Bytes),
        (Type::List(a), Type::List(b)) if op == O::Add => {
            Some(if a == b { l.clone() } else { Type::Any })
        }
        (Type::List(_), t) if op == O::Mult && int(t) => Some(l.clone()),
        (t, Type::List(_)) if op == O::Mult && int(t) => Some(r.clone()),
        (Type::Tuple(a), Type::Tuple(b)) if op == O::Add => {
            Some(Type::Tuple(a.iter().chain(b).cloned().collect()))
        }
        _ if tuple(l) && tuple(r) && op == O::Add => Some(Type::Any),
        _ if tuple(l) && int(r) && op == O::Mult => Some(Type::Any),
        _ if int(l) && tuple(r) && op == O::Mult => Some(Type::Any),
        (Type::Dict(..), Type::Dict(..)) if op == O::BitOr => Some(Type::Any),
        _ if set(l) && set(r) && matches!(op, O::BitOr | O::BitAnd | O::Sub | O::BitXor) => {
            Some(Type::Any)
        }
        _ => None,
    }
}

/// Arithmetic with a native int (`i64`, `i32`, ...): with the same
/// native type or an `int`, the native type (`/` gives `float`); with a
/// float, `float`. Other mixes (two different native types) are `Any`.
fn native_int_result(op: ast::Operator, l: &Type, r: &Type) -> Option<Type> {
    use ast::Operator as O;
    let native = match (l, r) {
        _ if l.is_native_int() && (r == l || r.is_int_like()) => l,
        _ if r.is_native_int() && l.is_int_like() => r,
        _ if l.is_native_int() || r.is_native_int() => {
            let float = matches!(l, Type::Float) || matches!(r, Type::Float);
            let arith = matches!(
                op,
                O::Add | O::Sub | O::Mult | O::Div | O::FloorDiv | O::Mod
            );
            return Some(if float && arith {
                Type::Float
            } else {
                Type::Any
            });
        }
        _ => return None,
    };
    Some(match op {
        O::Div => Type::Float,
        O::Pow | O::MatMult => Type::Any,
        _ => native.clone(),
    })
}

/// `**` as typeshed's overloads give it: an int to a non-negative
/// literal power is an `int`, to a negative one a `float`; a float to any
/// int or float power is a `float`; anything else is `Any`.
fn power_result(op: ast::Operator, l: &Type, r: &Type, right: &ast::Expr) -> Option<Type> {
    if op != ast::Operator::Pow {
        return None;
    }
    let num = |t: &Type| matches!(t, Type::Int | Type::Bool | Type::Float);
    if !num(l) || !num(r) {
        return None;
    }
    if l.is_int_like() && r.is_int_like() {
        return Some(match super::const_int(right) {
            Some(v) if v >= 0 => Type::Int,
            Some(_) => Type::Float,
            None => Type::Any,
        });
    }
    // float ** float may be complex (a negative base); typeshed says Any
    // then, but float ** int is float.
    if (*l == Type::Float && r.is_int_like()) || (l.is_int_like() && *r == Type::Float) {
        return Some(Type::Float);
    }
    Some(Type::Any)
}

fn is_dunder(name: &str) -> bool {
    name.starts_with("__") && name.ends_with("__")
}

impl Checker<'_> {
    /// Type-check an expression and return its type.
    /// The type of `e` evaluated where a value of type `expected` is
    /// wanted (generic calls infer their type arguments from it).
    pub fn expr_expecting(&mut self, e: &ast::Expr, expected: Option<&Type>) -> Type {
        self.expected = expected.cloned();
        let t = self.expr(e);
        self.expected = None;
        t
    }

    /// The type of `e`, recorded in the module's type map (for the
    /// compiler) unless this is a trial evaluation.
    pub fn expr(&mut self, e: &ast::Expr) -> Type {
        let t = self.expr_unrecorded(e);
        if !self.quiet && !self.flow.dead {
            self.types.record(e, &t);
        }
        t
    }

    fn expr_unrecorded(&mut self, e: &ast::Expr) -> Type {
        use ast::Expr as E;
        let expected = self.expected.take();
        match e {
            E::Constant(c) => super::constant_type(&c.value),
            E::Name(n) => self.name_type(n.id.as_str()),
            E::Attribute(a) => self.attribute(e, a),
            E::Call(c) => self.call(c, expected.as_ref()),
            E::BinOp(b) => {
                let l = self.expr(&b.left);
                let r = self.expr(&b.right);
                self.binop_check(b.op, &l, &r, &b.left, &b.right)
            }
            E::UnaryOp(u) => self.unary(u),
            E::BoolOp(b) => self.boolop(b),
            E::Compare(c) => self.compare(c),
            E::IfExp(i) => self.if_exp(i),
            E::Subscript(s) => self.subscript(e, s),
            E::List(l) => Type::list(self.items(&l.elts)),
            E::Set(s) => Type::Set(Box::new(self.items(&s.elts))),
            E::Tuple(t) => {
                let types: Vec<Type> = t.elts.iter().map(|x| self.expr(x)).collect();
                if t.elts.iter().any(|x| matches!(x, E::Starred(_))) {
                    Type::Any
                } else {
                    Type::Tuple(types)
                }
            }
            E::Dict(d) => {
                let td = super::typeddict::context(expected.as_ref(), self.program);
                if let Some(t) = td.and_then(|td| self.typed_dict_display(d, &td)) {
                    return t;
                }
                let mut keys = vec![];
                for k in d.keys.iter().flatten() {
                    keys.push(self.expr(k));
                }
                let values: Vec<Type> = d.values.iter().map(|v| self.expr(v)).collect();
                if d.keys.iter().any(|k| k.is_none()) {
                    return Type::dict(Type::Any, Type::Any);
                }
                Type::dict(same(&keys), same(&values))
            }
            E::ListComp(c) => {
                let items = self.comprehension(&c.generators, &[&c.elt]);
                Type::list(item_of(&items, 0))
            }
            E::SetComp(c) => {
                let items = self.comprehension(&c.generators, &[&c.elt]);
                Type::Set(Box::new(item_of(&items, 0)))
            }
            E::DictComp(c) => {
                let items = self.comprehension(&c.generators, &[&c.key, &c.value]);
                Type::dict(item_of(&items, 0), item_of(&items, 1))
            }
            E::GeneratorExp(c) => {
                let items = self.comprehension(&c.generators, &[&c.elt]);
                Type::Instance(
                    "typing.Generator".into(),
                    vec![item_of(&items, 0), Type::None, Type::None],
                )
            }
            E::Lambda(l) => self.lambda(l, expected.as_ref()),
            E::NamedExpr(n) => {
                let t = self.expr(&n.value);
                self.assign(&n.target, Some(&n.value), &t);
                t
            }
            E::JoinedStr(j) => {
                j.values.iter().for_each(|v| {
                    self.expr(v);
                });
                Type::Str
            }
            E::FormattedValue(f) => {
                self.expr(&f.value);
                if let Some(s) = &f.format_spec {
                    self.expr(s);
                }
                Type::Any
            }
            E::Await(a) => {
                let t = self.expr(&a.value);
                awaited(&t)
            }
            E::Yield(y) => self.yield_expr(e, y.value.as_deref()),
            E::YieldFrom(y) => {
                let t = self.expr(&y.value);
                if let Some((want, _)) = self.frame.yields.clone() {
                    let item = t.iter_item();
                    if !compatible(&item, &want, self.program) && !has_any(&item) {
                        self.report(e, msg::incompatible_yield("yield from", &item, &want));
                    }
                }
                Type::Any
            }
            E::Starred(s) => {
                self.expr(&s.value);
                Type::Any
            }
            E::Slice(s) => {
                for part in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.expr(part);
                }
                Type::Any
            }
        }
    }

    /// Type an expression without reporting anything.
    pub fn quiet_expr(&mut self, e: &ast::Expr) -> Type {
        let q = self.quiet;
        self.quiet = true;
        let t = self.expr(e);
        self.quiet = q;
        t
    }

    /// The type of a name read in the current scope.
    pub fn name_type(&self, name: &str) -> Type {
        if let Some(t) = self.flow.narrowed.get(name) {
            return t.clone();
        }
        let f = &self.frame;
        match f.kind {
            FrameKind::Function if f.locals.contains(name) => {
                return f.declared.get(name).cloned().unwrap_or(Type::Any)
            }
            FrameKind::Class if f.locals.contains(name) => return Type::Any,
            FrameKind::Module => {
                if let Some(t) = f.declared.get(name) {
                    return t.clone();
                }
            }
            _ => {}
        }
        if f.enclosing.contains(name) {
            return Type::Any;
        }
        self.global_type(name)
    }

    fn global_type(&self, name: &str) -> Type {
        match self.program.binding(self.module, name) {
            Binding::Func(sig) => sig.callable_type(),
            Binding::Overloaded(_) => Type::Callable,
            Binding::Class(full) => Type::TypeObj(full),
            Binding::Var { ty, .. } => ty,
            Binding::Module(m) => Type::Module(m),
            Binding::Unknown => {
                let bound = self
                    .program
                    .modules
                    .get(self.module)
                    .is_some_and(|m| m.names.contains_key(name));
                if !bound && self.builtins.contains(name) {
                    builtins::builtin_name_type(name)
                } else {
                    Type::Any
                }
            }
        }
    }

    /// Is `name` the builtin of that name here (not shadowed)?
    pub fn is_builtin(&self, name: &str) -> bool {
        if self.flow.narrowed.contains_key(name)
            || self.frame.locals.contains(name)
            || self.frame.enclosing.contains(name)
        {
            return false;
        }
        let bound = self
            .program
            .modules
            .get(self.module)
            .is_some_and(|m| m.names.contains_key(name));
        !bound && self.builtins.contains(name)
    }

    fn attribute(&mut self, e: &ast::Expr, a: &ast::ExprAttribute) -> Type {
        let vt = self.expr(&a.value);
        if let Some(k) = self.key(e) {
            if let Some(t) = self.flow.narrowed.get(&k) {
                return t.clone();
            }
        }
        if !matches!(a.ctx, ast::ExprContext::Load) {
            return Type::Any;
        }
        self.member_type(&vt, a.attr.as_str(), e)
    }

    /// The type of attribute `attr` of a value of type `vt`, reporting a
    /// missing attribute at `node`.
    pub fn member_type(&mut self, vt: &Type, attr: &str, node: &ast::Expr) -> Type {
        // The class describing the value: a class of the program, or the
        // builtins-stub class of a builtin type or collection ABC.
        let stub = |found: Option<(String, Vec<Type>)>| {
            found.filter(|(c, _)| self.program.classes.contains_key(c))
        };
        let class = match vt {
            Type::Instance(c, args) => match super::abcs::stub_class(vt) {
                Some(abc) => stub(Some(abc)),
                None => Some((c.clone(), args.clone())),
            },
            other => stub(builtin_class(other)),
        };
        if let Some((c, args)) = class {
            return self.class_member_type(vt, &c, &args, attr, node);
        }
        match vt {
            Type::Module(m) => self.module_attr(m, attr, node),
            Type::None => {
                if !is_dunder(attr) {
                    self.report(node, msg::has_no_attribute(vt, attr, &[]));
                }
                Type::Any
            }
            Type::Union(items) if items.contains(&Type::None) => {
                if !is_dunder(attr) {
                    self.report(node, msg::union_attr(&Type::None, vt, attr));
                }
                let rest = remove_none(vt);
                let q = self.quiet;
                self.quiet = true;
                let t = match rest {
                    Type::Union(_) => Type::Any,
                    other => self.member_type(&other, attr, node),
                };
                self.quiet = q;
                t
            }
            // Each item's attribute (errors are not reported per item).
            Type::Union(items) => {
                let q = std::mem::replace(&mut self.quiet, true);
                let types: Vec<Type> = items
                    .iter()
                    .map(|t| self.member_type(t, attr, node))
                    .collect();
                self.quiet = q;
                if types.iter().any(has_any) {
                    Type::Any
                } else {
                    union(types)
                }
            }
            _ => Type::Any,
        }
    }

    /// The type of attribute `attr` of `vt`, an instance of class `c`
    /// (of the program or the builtins stub) with type arguments `args`.
    fn class_member_type(
        &mut self,
        vt: &Type,
        c: &str,
        args: &[Type],
        attr: &str,
        node: &ast::Expr,
    ) -> Type {
        match self.program.lookup_member_of(c, Some(args), attr) {
            Lookup::Found(Member::Attr(t), _) if self.may_be_descriptor(&t) => Type::Any,
            Lookup::Found(Member::Attr(t), _) => t,
            Lookup::Found(Member::Method(sig, MethodKind::Property), _) => {
                if sig.has_ret {
                    sig.ret
                } else {
                    Type::Any
                }
            }
            Lookup::Found(..) => Type::Any,
            Lookup::Missing => {
                if !is_dunder(attr) {
                    let alternatives = self.program.member_names(c);
                    self.report(node, msg::has_no_attribute(vt, attr, &alternatives));
                }
                Type::Any
            }
            Lookup::Unknown => Type::Any,
        }
    }

    /// A member of a builtin type from the builtins stub's class, with the
    /// class's type variables replaced by the type's arguments; `None` for
    /// types the stub does not describe.
    pub fn builtin_member(&self, t: &Type, attr: &str) -> Option<Lookup<'_>> {
        let (class, args) = builtin_class(t)?;
        if !self.program.classes.contains_key(&class) {
            return None;
        }
        Some(self.program.lookup_member_of(&class, Some(&args), attr))
    }

    /// Could a value of this attribute type be a descriptor (a class
    /// attribute whose `__get__` decides what instances see)?
    pub fn may_be_descriptor(&self, t: &Type) -> bool {
        match t {
            Type::Instance(c, _) => {
                !matches!(self.program.lookup_member(c, "__get__"), Lookup::Missing)
            }
            Type::Union(items) => items.iter().any(|i| self.may_be_descriptor(i)),
            _ => false,
        }
    }

    fn module_attr(&mut self, m: &str, attr: &str, node: &ast::Expr) -> Type {
        let Some(info) = self.program.modules.get(m) else {
            return Type::Any;
        };
        match info.names.get(attr) {
            Some(Binding::Func(sig)) => sig.callable_type(),
            Some(Binding::Overloaded(_)) => Type::Callable,
            Some(Binding::Class(full)) => Type::TypeObj(full.clone()),
            Some(Binding::Var { ty, .. }) => ty.clone(),
            Some(Binding::Module(x)) => Type::Module(x.clone()),
            Some(Binding::Unknown) => Type::Any,
            None => {
                let sub = format!("{m}.{attr}");
                if self.program.modules.contains_key(&sub) {
                    return Type::Module(sub);
                }
                if !info.open && !is_dunder(attr) && !self.program.may_have_submodule(m) {
                    let alternatives = super::program::public_names(info);
                    self.report(node, msg::module_has_no_attribute(attr, &alternatives));
                }
                Type::Any
            }
        }
    }

    fn subscript(&mut self, e: &ast::Expr, s: &ast::ExprSubscript) -> Type {
        let bt = self.expr(&s.value);
        let it = self.expr(&s.slice);
        if let Some(k) = self.key(e) {
            if let Some(t) = self.flow.narrowed.get(&k) {
                return t.clone();
            }
        }
        if let Some(t) = self.typed_dict_index(&bt, &s.slice, &it) {
            return t;
        }
        let is_slice = matches!(&*s.slice, ast::Expr::Slice(_));
        // Native ints index sequences as `int`s do.
        let int_index = it.is_int_like() || it.is_native_int();
        if let Some(sub) = super::abcs::subscript(&bt, &it, is_slice) {
            return self.abc_subscript(e, &s.slice, &bt, &it, sub);
        }
        // A NamedTuple instance is indexed as the tuple of its fields.
        let bt = match (&bt, is_slice) {
            (Type::Instance(..), false) => self.program.as_tuple_type(&bt).map_or(bt, Type::Tuple),
            _ => bt,
        };
        match &bt {
            Type::Dict(k, v) => {
                if !compatible(&it, k, self.program) && !has_any(&it) {
                    self.report(&*s.slice, msg::invalid_index(&it, &bt, k));
                }
                (**v).clone()
            }
            Type::List(t) => match (is_slice, int_index) {
                (true, _) => bt.clone(),
                (false, true) => (**t).clone(),
                _ => Type::Any,
            },
            Type::Str => Type::Str,
            Type::Bytes if is_slice => Type::Bytes,
            Type::Bytes if int_index => Type::Int,
            Type::VarTuple(t) if !is_slice && int_index => (**t).clone(),
            Type::Tuple(items) if !is_slice => match super::const_int(&s.slice) {
                Some(i) => {
                    let n = items.len() as i64;
                    let i = if i < 0 { i + n } else { i };
                    if (0..n).contains(&i) {
                        items[i as usize].clone()
                    } else {
                        Type::Any
                    }
                }
                None => Type::Any,
            },
            Type::Int | Type::Float | Type::Bool => {
                self.report(e, msg::not_indexable(&bt));
                Type::Any
            }
            Type::Union(items)
                if items.contains(&Type::None)
                    && !matches!(&*s.value, ast::Expr::Name(n) if n.id.as_str() == "type") =>
            {
                let rest = remove_none(&bt);
                if simple(&rest) {
                    self.report(e, msg::not_indexable(&bt));
                }
                Type::Any
            }
            // A class of the program: its `__getitem__`'s result.
            Type::Instance(..) => self
                .method_result(&bt, "__getitem__", &it)
                .flatten()
                .unwrap_or(Type::Any),
            _ => Type::Any,
        }
    }

    /// `base[index]` on a collection ABC instance (see `abcs::subscript`).
    fn abc_subscript(
        &mut self,
        e: &ast::Expr,
        index: &ast::Expr,
        bt: &Type,
        it: &Type,
        sub: super::abcs::Subscript,
    ) -> Type {
        use super::abcs::Subscript;
        match sub {
            Subscript::Item(t) => t,
            Subscript::Value(v, k) => {
                if !compatible(it, &k, self.program) && !has_any(it) {
                    self.report(index, msg::invalid_index(it, bt, &k));
                }
                v
            }
            Subscript::NotIndexable => {
                self.report(e, msg::not_indexable(bt));
                Type::Any
            }
        }
    }

    /// Check a binary operation and return its type.
    pub fn binop_check(
        &mut self,
        op: ast::Operator,
        l: &Type,
        r: &Type,
        left: &ast::Expr,
        right: &ast::Expr,
    ) -> Type {
        let sym = crate::parse::operator_symbol(op);
        if has_any(l) || has_any(r) {
            return Type::Any;
        }
        if let Type::Union(items) = l {
            let rest = remove_none(l);
            if items.contains(&Type::None)
                && simple(&rest)
                && simple(r)
                && op_result(op, &rest, r).is_some()
                && op_result(op, &Type::None, r).is_none()
            {
                self.report(left, msg::unsupported_operands(sym, &Type::None, r));
                self.note(left, "operator", msg::operand_note(true, l));
            }
            return Type::Any;
        }
        if let Type::Union(items) = r {
            let rest = remove_none(r);
            if items.contains(&Type::None)
                && simple(&rest)
                && simple(l)
                && op_result(op, l, &rest).is_some()
                && op_result(op, l, &Type::None).is_none()
            {
                self.report(right, msg::unsupported_operands(sym, l, &Type::None));
                self.note(right, "operator", msg::operand_note(false, r));
            }
            return Type::Any;
        }
        if let Some(t) = native_int_result(op, l, r) {
            return t;
        }
        if let Some(t) = self.operator_method_result(op, l, r) {
            return t;
        }
        if let Some(t) = power_result(op, l, r, right) {
            return t;
        }
        if !simple(l) || !simple(r) {
            if matches!(l, Type::Str | Type::Bytes) && op == ast::Operator::Mod {
                return l.clone();
            }
            return Type::Any;
        }
        match op_result(op, l, r) {
            Some(t) => t,
            None => {
                let at = if *l == Type::None { left } else { right };
                self.report(at, msg::unsupported_operands(sym, l, r));
                Type::Any
            }
        }
    }

    /// `l op r` where a class of the program defines the operator: the
    /// result of its `__op__` (or, when `l`'s class certainly has none, of
    /// `r`'s `__rop__`), when the operand fits the method (or one variant
    /// of an overloaded method). `None` when the checker cannot tell: the
    /// result is `Any` and nothing is reported.
    fn operator_method_result(&self, op: ast::Operator, l: &Type, r: &Type) -> Option<Type> {
        let name = crate::parse::operator_method(op);
        let reflected = format!("__r{name}__");
        if let (Type::Instance(lc, _), Type::Instance(rc, _)) = (l, r) {
            // A subclass's reflected method goes first.
            let found = |c: &str| {
                matches!(
                    self.program.lookup_member(c, &reflected),
                    super::program::Lookup::Found(..) | super::program::Lookup::Unknown
                )
            };
            if lc != rc && self.program.derives(rc, lc) != Some(false) && found(rc) {
                return Some(Type::Any);
            }
        }
        match self.method_result(l, &format!("__{name}__"), r) {
            Some(found) => found,
            None => self.method_result(r, &reflected, l)?,
        }
    }

    /// The result of calling method `name` of `recv` with one argument of
    /// type `arg`: `None` when the class certainly has no such method,
    /// `Some(None)` when the result is not known.
    fn method_result(&self, recv: &Type, name: &str, arg: &Type) -> Option<Option<Type>> {
        use super::program::{Lookup, Member, MethodKind};
        let Type::Instance(c, args) = recv else {
            // A builtin type's method does not take instances of the
            // program's classes: their reflected method is asked.
            return if simple(recv) { None } else { Some(None) };
        };
        if !self.program.classes.contains_key(c) {
            return Some(None);
        }
        let fits = |sig: &super::program::Sig| {
            sig.has_ret
                && !sig.ret.has_type_vars()
                && sig.params.len() >= 2
                && sig.params[2..].iter().all(|p| {
                    p.has_default
                        || matches!(
                            p.kind,
                            crate::semanal::ParamKind::Star | crate::semanal::ParamKind::Star2
                        )
                })
                && matches!(sig.params[1].kind, crate::semanal::ParamKind::Positional)
                && super::compat::compatible(arg, &sig.params[1].ty, self.program)
        };
        match self.program.lookup_member_of(c, Some(args), name) {
            Lookup::Found(Member::Method(sig, MethodKind::Instance), _) => {
                Some(fits(&sig).then_some(sig.ret))
            }
            Lookup::Found(Member::Overloaded(variants, MethodKind::Instance), _) => {
                Some(variants.into_iter().find(|v| fits(v)).map(|v| v.ret))
            }
            Lookup::Missing => None,
            _ => Some(None),
        }
    }

    fn unary(&mut self, u: &ast::ExprUnaryOp) -> Type {
        let t = self.expr(&u.operand);
        if t.is_native_int() && !matches!(u.op, ast::UnaryOp::Not) {
            return t;
        }
        let (sym, ok) = match u.op {
            ast::UnaryOp::Not => return Type::Bool,
            ast::UnaryOp::USub => ("-", matches!(t, Type::Int | Type::Bool | Type::Float)),
            ast::UnaryOp::UAdd => ("+", matches!(t, Type::Int | Type::Bool | Type::Float)),
            ast::UnaryOp::Invert => ("~", t.is_int_like()),
        };
        if ok {
            return match t {
                Type::Float => Type::Float,
                _ => Type::Int,
            };
        }
        if simple(&t) && !has_any(&t) {
            self.report(u, msg::unsupported_unary(sym, &t));
        }
        Type::Any
    }

    fn boolop(&mut self, b: &ast::ExprBoolOp) -> Type {
        let (t, f, vt) = self.condition_boolop_typed(b);
        self.flow = super::check::merge(t, f);
        vt
    }

    fn compare(&mut self, c: &ast::ExprCompare) -> Type {
        let mut types = vec![self.expr(&c.left)];
        for x in &c.comparators {
            types.push(self.expr(x));
        }
        let operands: Vec<&ast::Expr> = std::iter::once(&*c.left).chain(&c.comparators).collect();
        for (i, op) in c.ops.iter().enumerate() {
            let (Some(l), Some(r), Some(at)) = (types.get(i), types.get(i + 1), operands.get(i))
            else {
                continue;
            };
            if let Some(sym) = ordering_symbol(op) {
                if !orderable(l, r) {
                    let m = msg::unsupported_operands(sym, l, r);
                    self.report(*at, m);
                }
            }
        }
        // Builtin types whose comparison methods return `bool`.
        let prim = |t: &Type| {
            matches!(
                t,
                Type::Int
                    | Type::Float
                    | Type::Bool
                    | Type::Str
                    | Type::None
                    | Type::Bytes
                    | Type::List(_)
                    | Type::Tuple(_)
                    | Type::VarTuple(_)
                    | Type::Set(_)
                    | Type::FrozenSet(_)
                    | Type::Dict(..)
                    | Type::Literal(_)
            ) || t.is_native_int()
        };
        let identity = c.ops.iter().all(|op| {
            matches!(
                op,
                ast::CmpOp::Is | ast::CmpOp::IsNot | ast::CmpOp::In | ast::CmpOp::NotIn
            )
        });
        if types.iter().all(prim) || identity {
            Type::Bool
        } else {
            Type::Any
        }
    }

    fn if_exp(&mut self, i: &ast::ExprIfExp) -> Type {
        let (t, f) = self.condition(&i.test);
        self.flow = t;
        let bt = self.expr(&i.body);
        let after_body = std::mem::replace(&mut self.flow, f);
        let ot = self.expr(&i.orelse);
        let after_else = std::mem::take(&mut self.flow);
        self.flow = super::check::merge(after_body, after_else);
        if bt == ot {
            bt
        } else if has_any(&bt) || has_any(&ot) {
            Type::Any
        } else {
            union(vec![bt, ot])
        }
    }

    /// The items of a display: their common type, or `Any`.
    fn items(&mut self, elts: &[ast::Expr]) -> Type {
        let types: Vec<Type> = elts.iter().map(|x| self.expr(x)).collect();
        if elts.iter().any(|x| matches!(x, ast::Expr::Starred(_))) {
            return Type::Any;
        }
        same(&types)
    }

    /// Check a comprehension; the types of its element expressions (the
    /// loop variables typed by what their iterables produce).
    fn comprehension(&mut self, gens: &[ast::Comprehension], elts: &[&ast::Expr]) -> Vec<Type> {
        let saved = self.flow.clone();
        for g in gens {
            let it = self.expr(&g.iter);
            let item = if g.is_async {
                Type::Any
            } else {
                self.program.iteration_item(&it)
            };
            self.bind_loop_target(&g.target, &item);
            for cond in &g.ifs {
                let (t, _) = self.condition(cond);
                self.flow = t;
            }
        }
        let types = elts.iter().map(|e| self.expr(e)).collect();
        let dead = saved.dead;
        self.flow = saved;
        self.flow.dead = dead;
        types
    }

    /// `yield v`: the value must fit the generator's declared item type;
    /// the expression gives what is sent in.
    fn yield_expr(&mut self, e: &ast::Expr, value: Option<&ast::Expr>) -> Type {
        let declared = self.frame.yields.clone();
        let want = declared.as_ref().map(|(y, _)| y);
        let t = match value {
            Some(v) => self.expr_expecting(v, want),
            None => Type::None,
        };
        let Some((want, sent)) = declared else {
            return Type::Any;
        };
        if !compatible(&t, &want, self.program) && !has_any(&t) {
            self.report(e, msg::incompatible_yield("yield", &t, &want));
        }
        sent
    }

    /// A lambda: its parameters take their types from the expected
    /// callable type (`Any` without one), its body is checked against the
    /// expected result type, and its type is the callable it makes.
    fn lambda(&mut self, l: &ast::ExprLambda, expected: Option<&Type>) -> Type {
        let args = &l.args;
        let all = || {
            args.posonlyargs
                .iter()
                .chain(&args.args)
                .chain(&args.kwonlyargs)
        };
        for a in all() {
            if let Some(d) = &a.default {
                self.expr(d);
            }
        }
        let simple = args.vararg.is_none()
            && args.kwarg.is_none()
            && all().all(|a| a.default.is_none())
            && args.kwonlyargs.is_empty();
        let context = match expected {
            Some(Type::Function(ft)) => Some(&**ft),
            _ => None,
        };
        let positional: Vec<&ast::ArgWithDefault> =
            args.posonlyargs.iter().chain(&args.args).collect();
        let given = context.and_then(|ft| ft.params.as_ref()).filter(|_| simple);
        if given.is_some_and(|ps| ps.len() != positional.len()) {
            self.report(l, msg::cannot_infer_lambda());
        }
        let param_type = |i: usize| {
            given
                .filter(|ps| ps.len() == positional.len())
                .and_then(|ps| ps.get(i).cloned())
                .unwrap_or(Type::Any)
        };
        let saved = self.flow.clone();
        let mut params = vec![];
        for (i, a) in positional.iter().enumerate() {
            let t = param_type(i);
            self.flow.narrowed.insert(a.def.arg.to_string(), t.clone());
            params.push(t);
        }
        let rest = args.kwonlyargs.iter().map(|a| &a.def);
        for a in rest
            .chain(args.vararg.as_deref())
            .chain(args.kwarg.as_deref())
        {
            self.flow.narrowed.insert(a.arg.to_string(), Type::Any);
        }
        let want = context.map(|ft| ft.ret.clone());
        let ret = self.expr_expecting(&l.body, want.as_ref());
        if let Some(want) = &want {
            self.check_value(&l.body, &ret, want, msg::incompatible_return);
        }
        let dead = saved.dead;
        self.flow = saved;
        self.flow.dead = dead;
        if !simple {
            return Type::Callable;
        }
        Type::Function(Box::new(crate::types::FnType {
            params: Some(params),
            ret,
        }))
    }

    /// Bind a comprehension's loop target to the item type (tuples of
    /// names destructure fixed-length tuple items; anything else is `Any`).
    fn bind_loop_target(&mut self, target: &ast::Expr, item: &Type) {
        let elts = match target {
            ast::Expr::Name(n) => {
                self.invalidate(n.id.as_str());
                let t = if has_any(item) {
                    Type::Any
                } else {
                    item.clone()
                };
                self.flow.narrowed.insert(n.id.to_string(), t);
                return;
            }
            ast::Expr::Tuple(t) => &t.elts,
            ast::Expr::List(l) => &l.elts,
            other => {
                crate::semanal::scope::target_names(other, &mut |n| {
                    self.flow.narrowed.insert(n.to_string(), Type::Any);
                });
                return;
            }
        };
        let items = self.program.as_tuple_type(item);
        for (i, e) in elts.iter().enumerate() {
            let t = match &items {
                Some(items) if items.len() == elts.len() => items[i].clone(),
                _ => Type::Any,
            };
            self.bind_loop_target(e, &t);
        }
    }
}

fn ordering_symbol(op: &ast::CmpOp) -> Option<&'static str> {
    match op {
        ast::CmpOp::Lt => Some("<"),
        ast::CmpOp::LtE => Some("<="),
        ast::CmpOp::Gt => Some(">"),
        ast::CmpOp::GtE => Some(">="),
        _ => None,
    }
}

/// May values of these types be ordered (`<`, `>=`, ...)? Only pairs of
/// definite builtin types that certainly cannot are answered no; `None`
/// and optional operands are left alone (mypy words those differently).
fn orderable(l: &Type, r: &Type) -> bool {
    let num = |t: &Type| matches!(t, Type::Int | Type::Bool | Type::Float);
    let known = |t: &Type| simple(t) && *t != Type::None;
    if !known(l) || !known(r) || has_any(l) || has_any(r) {
        return true;
    }
    let tuple = |t: &Type| matches!(t, Type::Tuple(_) | Type::VarTuple(_));
    let set = |t: &Type| matches!(t, Type::Set(_) | Type::FrozenSet(_));
    (num(l) && num(r))
        || (*l == Type::Str && *r == Type::Str)
        || (*l == Type::Bytes && *r == Type::Bytes)
        || matches!((l, r), (Type::List(_), Type::List(_)))
        || (tuple(l) && tuple(r))
        || (set(l) && set(r))
}

/// The common type of items (all equal), else `Any`.
fn same(types: &[Type]) -> Type {
    match types.first() {
        Some(first) if types.iter().all(|t| t == first) => first.clone(),
        _ => Type::Any,
    }
}

/// The builtins-stub class describing a builtin type, and the bindings of
/// its type variables (only classes the stub writes out in full).
pub(super) fn builtin_class(t: &Type) -> Option<(String, Vec<Type>)> {
    let (name, args) = match t {
        Type::Str => ("str", vec![]),
        Type::Int | Type::Bool => ("int", vec![]),
        Type::Literal(l) => return builtin_class(&l.base()),
        Type::Float => ("float", vec![]),
        Type::Bytes => ("bytes", vec![]),
        Type::List(x) => ("list", vec![(**x).clone()]),
        Type::Set(x) => ("set", vec![(**x).clone()]),
        Type::FrozenSet(x) => ("frozenset", vec![(**x).clone()]),
        Type::VarTuple(x) => ("tuple", vec![(**x).clone()]),
        Type::Tuple(_) => ("tuple", vec![super::check::item_type(t)]),
        Type::Dict(k, v) => ("dict", vec![(**k).clone(), (**v).clone()]),
        _ => return None,
    };
    Some((format!("builtins.{name}"), args))
}

/// The result of `await` on a value of type `t`.
fn awaited(t: &Type) -> Type {
    match t {
        Type::Instance(c, args) if c == "typing.Coroutine" => {
            args.get(2).cloned().unwrap_or(Type::Any)
        }
        Type::Instance(c, args) if c == "typing.Awaitable" => {
            args.first().cloned().unwrap_or(Type::Any)
        }
        _ => Type::Any,
    }
}

/// The inferred item type of a comprehension (`Any` when unknown or when
/// it carries no information, as `None` alone does).
fn item_of(types: &[Type], i: usize) -> Type {
    match types.get(i) {
        Some(t) if !has_any(t) => super::check::generalize(t.clone()),
        _ => Type::Any,
    }
}
