//! Lowering statements to IR: assignments, control flow, loops, raise,
//! assert, imports. Constructs outside the supported subset produce a
//! compile-time error naming the construct and its line.

use rustpython_parser::ast::{self, Ranged};

use super::builder::LoopTargets;
use super::IrBuilder;
use crate::ir::*;
use crate::primitives::{Internal, Operator};
use crate::types::Type;

impl<'a> IrBuilder<'a> {
    pub fn stmts(&mut self, body: &[ast::Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    pub fn stmt(&mut self, s: &ast::Stmt) {
        self.set_line(s);
        use ast::Stmt as S;
        match s {
            S::Expr(e) => {
                self.expr_discarded(&e.value);
            }
            S::Pass(_) => {}
            S::Assign(a) => {
                // Each target converts the value to its own type.
                let v = self.expr(&a.value);
                for t in &a.targets {
                    self.assign_to(t, v);
                }
            }
            S::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let val = self.expr(v);
                    self.assign_to(&a.target, val);
                    if let ast::Expr::Name(n) = &*a.target {
                        self.init_final_static(n.id.as_str(), val);
                    }
                }
            }
            S::AugAssign(a) => self.aug_assign(a),
            S::Return(r) => {
                let ret = self.b.f.decl.ret.clone();
                let v = match &r.value {
                    Some(e) => self.expr_as(e, &ret),
                    None => {
                        let n = self.b.none();
                        self.b.coerce(n, &ret)
                    }
                };
                if self.cleanups.is_empty() {
                    self.b.add(Op::Return(v), RType::Void);
                } else {
                    // Leaving try/with blocks: keep the value in a register
                    // while their cleanups run.
                    let reg = self.b.new_register(ret, None);
                    self.b.assign(reg, v);
                    self.run_cleanups(0);
                    self.b.add(Op::Return(reg), RType::Void);
                }
            }
            S::If(i) => {
                let (t, f, done) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
                self.condition(&i.test, t, f);
                self.b.activate(t);
                self.stmts(&i.body);
                self.b.goto(done);
                self.b.activate(f);
                self.stmts(&i.orelse);
                self.b.goto(done);
                self.b.activate(done);
            }
            S::While(w) => {
                let (top, body, els, done) = (
                    self.b.new_block(),
                    self.b.new_block(),
                    self.b.new_block(),
                    self.b.new_block(),
                );
                self.b.goto_and_activate(top);
                self.condition(&w.test, body, els);
                self.b.activate(body);
                self.b
                    .loops
                    .push(LoopTargets::new(done, top, self.cleanups.len()));
                self.stmts(&w.body);
                self.b.loops.pop();
                self.b.goto(top);
                self.b.activate(els);
                self.stmts(&w.orelse);
                self.b.goto(done);
                self.b.activate(done);
            }
            S::For(f) => {
                let body = f.body.clone();
                self.for_loop(
                    &f.target,
                    &f.iter,
                    &mut |this: &mut IrBuilder<'a>| this.stmts(&body),
                    Some(&f.orelse),
                );
            }
            S::Break(_) => match self.b.loops.last().copied() {
                Some(l) => {
                    self.run_cleanups(l.cleanup_depth);
                    self.b.goto(l.break_to)
                }
                None => self.unsupported(s, "'break' outside loop"),
            },
            S::Continue(_) => match self.b.loops.last().copied() {
                Some(l) => {
                    self.run_cleanups(l.cleanup_depth);
                    self.b.goto(l.continue_to)
                }
                None => self.unsupported(s, "'continue' not properly in loop"),
            },
            S::Try(t) => self.try_stmt(t),
            S::With(w) => self.with_stmt(w),
            S::AsyncWith(w) => self.async_with_stmt(w),
            S::Match(m) => self.match_stmt(m),
            S::Raise(r) => self.raise(r),
            S::Assert(a) => {
                if self.opts_strip_asserts {
                    return;
                }
                let (ok, fail) = (self.b.new_block(), self.b.new_block());
                self.condition(&a.test, ok, fail);
                self.b.activate(fail);
                let msg = match &a.msg {
                    Some(m) => {
                        let v = self.expr(m);
                        self.b.boxed(v)
                    }
                    None => self.b.null(),
                };
                self.b.prim_named(Internal::AssertFailed, &[msg]);
                self.b.add(Op::Unreachable, RType::Void);
                self.b.activate(ok);
            }
            S::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.as_str();
                    let lit = self.b.str_lit(full);
                    let (v, bind) = match &alias.asname {
                        Some(a) => (
                            self.b.prim_named(Internal::ImportModule, &[lit]),
                            a.to_string(),
                        ),
                        None => (
                            self.b.prim_named(Internal::Import, &[lit]),
                            full.split('.').next().unwrap_or(full).to_string(),
                        ),
                    };
                    self.bind_name(&bind, v);
                }
            }
            S::ImportFrom(i) => {
                let level = i.level.map(|l| l.to_u32()).unwrap_or(0);
                let Some(module) = self
                    .opts
                    .imports
                    .absolute_module(level, i.module.as_deref())
                else {
                    self.unsupported(s, "relative import beyond the top-level package");
                    return;
                };
                if module == "__future__" {
                    return;
                }
                let lit = self.b.str_lit(&module);
                let m = self.b.prim_named(Internal::ImportModule, &[lit]);
                if i.names.iter().any(|a| a.name.as_str() == "*") {
                    // Only at module level (a syntax error elsewhere): the
                    // names are bound at runtime in the module's globals.
                    if !self.is_top_level || self.class_ns.is_some() {
                        self.unsupported(s, "'from ... import *' outside module level");
                        return;
                    }
                    let globals = self.b.globals();
                    self.b.prim_named(Internal::ImportStar, &[m, globals]);
                    return;
                }
                for alias in &i.names {
                    let name = self.b.str_lit(alias.name.as_str());
                    let modname = self.b.str_lit(&module);
                    let v = self.b.prim_named(Internal::ImportFrom, &[m, name, modname]);
                    let bind = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    self.bind_name(&bind, v);
                }
            }
            S::Global(_) | S::Nonlocal(_) => {}
            S::FunctionDef(d) => self.function_def_stmt(d),
            S::ClassDef(c) => self.class_def_stmt(c),
            S::Delete(d) => {
                for t in &d.targets {
                    self.delete(t);
                }
            }
            other => {
                let what = stmt_kind_name(other);
                self.unsupported(s, what);
            }
        }
    }

    /// `del target`.
    fn delete(&mut self, t: &ast::Expr) {
        match t {
            ast::Expr::Subscript(sub) => {
                let base = self.expr(&sub.value);
                let idx = self.expr(&sub.slice);
                self.b.prim_named(Operator::DelItem, &[base, idx]);
            }
            ast::Expr::Attribute(a) => {
                let obj = self.expr(&a.value);
                let name = self.b.str_lit(a.attr.as_str());
                self.b.prim_named(Internal::DelAttr, &[obj, name]);
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. })
            | ast::Expr::List(ast::ExprList { elts, .. }) => {
                for e in elts {
                    self.delete(e);
                }
            }
            ast::Expr::Name(n) => self.delete_name(n),
            _ => self.unsupported(t, "'del' of this target"),
        }
    }

    /// `del name`: unbind a local (reading it first, so that deleting an
    /// unbound local raises) or delete a global.
    fn delete_name(&mut self, n: &ast::ExprName) {
        let name = n.id.as_str();
        if self.class_ns.is_some() {
            self.unsupported(n, "'del' in a class body");
            return;
        }
        if let Some(reg) = self.b.locals.get(name).copied() {
            if self.b.f.is_register(reg) {
                let t = self.b.f.rtype(reg).clone();
                let tmp = self.b.new_register(t.clone(), None);
                self.b.assign(tmp, reg);
                let unset = self
                    .b
                    .add(Op::LoadErrorValue { rtype: t }, self.b.f.rtype(reg).clone());
                self.b.assign(reg, unset);
                return;
            }
        }
        if self.delete_env_var(name) {
            return;
        }
        if self.is_local_name(name) || self.closure_has(name) {
            self.unsupported(n, "'del' of this variable");
            return;
        }
        let globals = self.b.globals();
        let key = self.b.str_lit(name);
        self.b.prim_named(Internal::GlobalsDel, &[globals, key]);
    }

    /// Bind a name to a value in the current scope (local register or global).
    pub fn bind_name(&mut self, name: &str, v: ValueId) {
        if self.is_comprehension_target(name) {
            if let Some(reg) = self.b.locals.get(name).copied() {
                self.b.assign(reg, v);
                return;
            }
        }
        if let Some((ns, names)) = &mut self.class_ns {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
            let ns = *ns;
            let key = self.b.str_lit(name);
            let o = self.b.boxed(v);
            self.b.prim_named(Internal::DictSet, &[ns, key, o]);
            return;
        }
        if self.store_env_var(name, v) {
            return;
        }
        if let Some(reg) = self.b.locals.get(name).copied() {
            self.b.assign(reg, v);
            return;
        }
        if !self.is_top_level && self.is_local_name(name) {
            let t = self.local_types.get(name).cloned().unwrap_or(Type::Any);
            let reg = self
                .b
                .new_register(self.rtype_of(&t), Some(name.to_string()));
            self.b.locals.insert(name.to_string(), reg);
            self.b.assign(reg, v);
            return;
        }
        let globals = self.b.globals();
        let key = self.b.str_lit(name);
        let t = self.rtype_of(&self.env_name_type(name));
        let v = self.b.coerce(v, &t);
        let o = self.b.boxed(v);
        self.b.prim_named(Internal::GlobalsSet, &[globals, key, o]);
    }

    pub fn assign_to(&mut self, target: &ast::Expr, v: ValueId) {
        match target {
            ast::Expr::Name(n) => self.bind_name(n.id.as_str(), v),
            ast::Expr::Subscript(s) => {
                let base = self.expr(&s.value);
                let idx = self.expr(&s.slice);
                let idx = self.int_index(base, idx);
                let v = self.b.boxed(v);
                if self
                    .b
                    .try_prim(Operator::SetItem, &[base, idx, v])
                    .is_none()
                {
                    self.unsupported(target, "assignment to this subscript");
                }
            }
            ast::Expr::Attribute(a) => {
                if self.native_set_attr(a, v) {
                    return;
                }
                let obj = self.expr(&a.value);
                let name = self.b.str_lit(a.attr.as_str());
                let v = self.b.boxed(v);
                self.b.prim_named(Internal::SetAttr, &[obj, name, v]);
            }
            ast::Expr::Tuple(ast::ExprTuple { elts, .. })
            | ast::Expr::List(ast::ExprList { elts, .. }) => self.unpack(target, elts, v),
            _ => self.unsupported(target, "assignment to this target"),
        }
    }

    fn unpack(&mut self, target: &ast::Expr, elts: &[ast::Expr], v: ValueId) {
        if let Some(star) = elts.iter().position(|e| matches!(e, ast::Expr::Starred(_))) {
            let _ = target;
            self.unpack_starred(elts, star, v);
            return;
        }
        if let RType::Tuple(items) = self.b.rtype(v) {
            if items.len() == elts.len() {
                for (i, (e, t)) in elts.iter().zip(items).enumerate() {
                    let item = self.b.add(
                        Op::TupleGet {
                            src: v,
                            index: i,
                            rtype: t.clone(),
                        },
                        t,
                    );
                    self.assign_to(e, item);
                }
                return;
            }
        }
        // Generic unpacking: a tuple of exactly the targets' count.
        let o = self.b.boxed(v);
        let n = self.b.ssize(elts.len() as i64);
        let tup = self.b.prim_named(Internal::Unpack, &[o, n]);
        for (i, e) in elts.iter().enumerate() {
            let idx = self.b.int(i as i64);
            let item = self
                .b
                .try_prim(Operator::GetItem, &[tup, idx])
                .unwrap_or_else(|| self.b.null());
            self.assign_to(e, item);
        }
    }

    /// `a, *b, c = v`: the items before and after the starred target, and
    /// a list of the rest.
    fn unpack_starred(&mut self, elts: &[ast::Expr], star: usize, v: ValueId) {
        let o = self.b.boxed(v);
        let before = self.b.ssize(star as i64);
        let after = self.b.ssize((elts.len() - star - 1) as i64);
        let parts = self.b.prim_named(Internal::UnpackStar, &[o, before, after]);
        for (i, e) in elts.iter().enumerate() {
            let idx = self.b.int(i as i64);
            let item = self
                .b
                .try_prim(Operator::GetItem, &[parts, idx])
                .unwrap_or_else(|| self.b.null());
            let target = match e {
                ast::Expr::Starred(s) => &*s.value,
                other => other,
            };
            self.assign_to(target, item);
        }
    }

    fn aug_assign(&mut self, a: &ast::StmtAugAssign) {
        let op = super::expr::binary_operator(a.op, true);
        match &*a.target {
            ast::Expr::Name(n) => {
                let cur = self.load_name(n.id.as_str(), &a.target);
                let r = self.expr(&a.value);
                let v = self.inplace_op(op, cur, r);
                self.bind_name(n.id.as_str(), v);
            }
            ast::Expr::Subscript(s) => {
                let base = self.expr(&s.value);
                let idx = self.expr(&s.slice);
                let idx = self.int_index(base, idx);
                let cur = self
                    .b
                    .try_prim(Operator::GetItem, &[base, idx])
                    .unwrap_or_else(|| self.b.null());
                let want = self.rtype_of(&self.type_of(&a.target));
                let cur = self.b.coerce(cur, &want);
                let r = self.expr(&a.value);
                let v = self.inplace_op(op, cur, r);
                let v = self.b.boxed(v);
                self.b.try_prim(Operator::SetItem, &[base, idx, v]);
            }
            ast::Expr::Attribute(at) if self.native_aug_assign(at, op, &a.value) => {}
            ast::Expr::Attribute(at) => {
                let obj = self.expr(&at.value);
                let name = self.b.str_lit(at.attr.as_str());
                let cur = self.b.prim_named(Internal::GetAttr, &[obj, name]);
                let r = self.expr(&a.value);
                let v = self.inplace_op(op, cur, r);
                let v = self.b.boxed(v);
                self.b.prim_named(Internal::SetAttr, &[obj, name, v]);
            }
            _ => self.unsupported(&*a.target, "augmented assignment to this target"),
        }
    }

    pub(super) fn inplace_op(&mut self, op: Operator, l: ValueId, r: ValueId) -> ValueId {
        let plain = op.plain();
        // `str += str` appends in place when `l` holds the only reference.
        if op == Operator::InPlaceAdd
            && self.b.rtype(l) == RType::STR
            && self.b.rtype(r) == RType::STR
        {
            return self.b.prim_named(Internal::StrIadd, &[l, r]);
        }
        // Unboxed and immutable operands: the in-place operator is the plain one.
        let immutable = matches!(
            self.b.rtype(l),
            RType::Object(
                ObjKind::Str
                    | ObjKind::Bytes
                    | ObjKind::Tuple
                    | ObjKind::FrozenSet
                    | ObjKind::IntObj
                    | ObjKind::FloatObj
                    | ObjKind::BoolObj
            )
        );
        if !self.b.rtype(l).is_boxed() || immutable {
            return self.binary_op(plain, l, r);
        }
        // `list += iterable` extends the list in place.
        if op == Operator::InPlaceAdd && self.b.rtype(l) == RType::LIST {
            return self.b.prim_named(Internal::ListIadd, &[l, r]);
        }
        // Mutable objects (lists, sets, dicts, instances) may update
        // themselves in place (`__iadd__` and friends).
        match self.b.try_prim(op, &[l, r]) {
            Some(v) => v,
            None => self.binary_op(plain, l, r),
        }
    }

    fn raise(&mut self, r: &ast::StmtRaise) {
        match (&r.exc, &r.cause) {
            (None, _) => {
                // A bare `raise` re-raises an exception whose traceback
                // already has this frame's entry (line 0: add none).
                let line = std::mem::replace(&mut self.b.line, 0);
                self.b.prim_named(Internal::Reraise, &[]);
                self.b.line = line;
            }
            (Some(e), None) => {
                let v = self.expr(e);
                self.b.prim_named(Internal::Raise, &[v]);
            }
            (Some(e), Some(c)) => {
                let v = self.expr(e);
                let cv = self.expr(c);
                self.b.prim_named(Internal::RaiseFrom, &[v, cv]);
            }
        }
        self.b.add(Op::Unreachable, RType::Void);
    }

    pub fn unsupported<T: Ranged>(&mut self, node: &T, what: &str) {
        let d = self
            .parsed
            .error_at(
                node,
                format!("{what} is not supported by this compiler yet"),
            )
            .with_code("misc");
        self.b.error(d);
    }
}

pub fn stmt_kind_name(s: &ast::Stmt) -> &'static str {
    use ast::Stmt as S;
    match s {
        S::ClassDef(_) => "class definition",
        S::AsyncFunctionDef(_) => "async function",
        S::Try(_) => "try statement",
        S::TryStar(_) => "try/except* statement",
        S::With(_) => "with statement",
        S::AsyncWith(_) => "async with statement",
        S::AsyncFor(_) => "async for statement",
        S::Match(_) => "match statement",
        S::Nonlocal(_) => "nonlocal declaration",
        S::TypeAlias(_) => "type alias statement",
        _ => "this statement",
    }
}
