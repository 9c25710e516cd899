//! The type checker proper: walks every statement of every module (module
//! level, class bodies, function bodies, typed or not, as mypy's
//! `--check-untyped-defs` does) and reports type errors in mypy's wording.
//!
//! The guiding rule is *no false errors*: a program mypy accepts must pass.
//! Every type the checker computes is either exactly what mypy would infer
//! or `Any`; flow-sensitive narrowing that the checker cannot follow makes
//! the narrowed expression `Any`; code after a call the checker cannot see
//! (which mypy might know never returns) is merged as unknown. Expressions
//! are in `expr.rs`, calls in `calls.rs`, narrowing in `narrow.rs`.

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};

use crate::diagnostics::Diagnostic;
use crate::parse::ParsedModule;
use crate::semanal::scope;
use crate::types::{union, Type};

use super::compat::{compatible, has_any};
use super::ignore::Ignores;
use super::messages::{self as msg, Msg};
use super::partial::{Completion, Partial, PartialKind};
use super::program::{AnnCtx, Binding, DefParts, Lookup, Member, MethodKind, Program};
use indexmap::IndexMap;

/// What kind of scope a frame checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    Module,
    Class,
    Function,
}

/// The scope being checked.
#[derive(Clone, Debug)]
pub struct Frame {
    pub kind: FrameKind,
    /// Declared (or first-assignment) types of the scope's own variables.
    pub declared: HashMap<String, Type>,
    pub finals: HashSet<String>,
    /// Variables whose declared type was inferred from a first assignment
    /// (not annotated).
    pub inferred: HashSet<String>,
    /// Names the scope binds (reads of other names look outside).
    pub locals: HashSet<String>,
    /// Names a function declares `global`.
    pub globals: HashSet<String>,
    /// Names of enclosing functions' scopes (their types are not tracked).
    pub enclosing: HashSet<String>,
    /// Declared return type; `None` when returns are not checked.
    pub ret: Option<Type>,
    /// In a generator declared `Iterator[Y]`/`Generator[Y, S, R]`...: the
    /// type its `yield`s must give and the type `yield` evaluates to.
    pub yields: Option<(Type, Type)>,
    /// Full name of the class whose method this is.
    pub self_class: Option<String>,
    /// Variables with partial types (see `partial`).
    pub partials: IndexMap<String, Partial>,
    /// In a method: the name of its instance parameter (`self`).
    pub self_param: Option<String>,
    /// Where the function's `def` starts.
    pub start: rustpython_parser::text_size::TextSize,
}

impl Frame {
    fn new(kind: FrameKind) -> Frame {
        Frame {
            kind,
            declared: HashMap::new(),
            finals: HashSet::new(),
            inferred: HashSet::new(),
            locals: HashSet::new(),
            globals: HashSet::new(),
            enclosing: HashSet::new(),
            ret: None,
            yields: None,
            self_class: None,
            partials: IndexMap::new(),
            self_param: None,
            start: Default::default(),
        }
    }
}

/// Flow-sensitive facts at a program point.
#[derive(Clone, Debug, Default)]
pub struct Flow {
    /// Narrowed types of reference expressions (`x`, `self.x`, `d["k"]`);
    /// a missing key means "the declared type".
    pub narrowed: HashMap<String, Type>,
    /// Unreachable: mypy does not check such code.
    pub dead: bool,
    /// The block ended with a call the checker cannot see (it might never
    /// return): merging with it makes differing facts unknown.
    pub maybe_dead: bool,
}

/// What a generator declared to return `t` yields (the yielded type and
/// the type of a `yield` expression) and returns: `Generator[Y, S, R]`,
/// or `Iterator[Y]`/`Iterable[Y]` (which send and return `None`).
fn generator_parts(t: &Type) -> (Option<(Type, Type)>, Option<Type>) {
    let arg = |args: &[Type], i: usize| args.get(i).cloned().unwrap_or(Type::Any);
    match t {
        Type::Instance(c, args) if c == "typing.Generator" => {
            (Some((arg(args, 0), arg(args, 1))), Some(arg(args, 2)))
        }
        Type::Instance(c, args) if c == "typing.Iterator" || c == "typing.Iterable" => {
            (Some((arg(args, 0), Type::None)), Some(Type::None))
        }
        _ => (None, None),
    }
}

/// The type of a reference after paths with types `a` and `b` join.
fn join_narrowed(a: &Type, b: &Type, p: &Program) -> Type {
    if let (Type::Instance(x, _), Type::Instance(y, _)) = (a, b) {
        if p.derives(x, y) == Some(true) {
            return b.clone();
        }
        if p.derives(y, x) == Some(true) {
            return a.clone();
        }
    }
    union(vec![a.clone(), b.clone()])
}

/// Merge the facts of two paths that join.
pub fn merge(a: Flow, b: Flow) -> Flow {
    merge_in(a, b, None)
}

/// `merge`, joining class types along the program's class hierarchy.
pub fn merge_in(a: Flow, b: Flow, p: Option<&Program>) -> Flow {
    if a.dead {
        return b;
    }
    if b.dead {
        return a;
    }
    let unsure = a.maybe_dead || b.maybe_dead;
    let mut out = Flow {
        maybe_dead: a.maybe_dead && b.maybe_dead,
        ..Flow::default()
    };
    let keys: HashSet<&String> = a.narrowed.keys().chain(b.narrowed.keys()).collect();
    for k in keys {
        match (a.narrowed.get(k), b.narrowed.get(k)) {
            (Some(x), Some(y)) if x == y => {
                out.narrowed.insert(k.clone(), x.clone());
            }
            (Some(x), Some(y)) if !unsure => {
                let t = match p {
                    Some(p) => join_narrowed(x, y, p),
                    None => union(vec![x.clone(), y.clone()]),
                };
                out.narrowed.insert(k.clone(), t);
            }
            (Some(Type::Any), _) | (_, Some(Type::Any)) => {
                out.narrowed.insert(k.clone(), Type::Any);
            }
            _ if unsure => {
                out.narrowed.insert(k.clone(), Type::Any);
            }
            // Narrowed on one path only: the declared type.
            _ => {}
        }
    }
    out
}

pub struct Checker<'a> {
    pub program: &'a Program,
    pub module: &'a str,
    pub m: &'a ParsedModule,
    ignores: &'a Ignores,
    pub builtins: &'a HashSet<String>,
    pub diags: Vec<Diagnostic>,
    /// When set, nothing is reported (pre-pass over module level code).
    pub quiet: bool,
    pub frame: Frame,
    pub flow: Flow,
    /// Flows at `break` statements of the innermost loops.
    breaks: Vec<Vec<Flow>>,
    /// First line of the statement being checked (for `# type: ignore`).
    stmt_line: u32,
    /// The type the expression about to be evaluated is expected to have
    /// (mypy's type context: a declared variable, parameter or return
    /// type); taken by `expr` for that expression only.
    pub expected: Option<Type>,
    /// Errors found so far, reported or not (trial checks run quietly and
    /// compare counts: overload resolution).
    pub errors_found: usize,
    /// The types found, for the compiler (see `typemap`).
    pub types: super::typemap::TypeMap,
    /// In the attribute inference pre-pass: what it found so far.
    pub attrs: Option<super::attributes::AttrInference>,
}

impl<'a> Checker<'a> {
    pub fn new(
        program: &'a Program,
        module: &'a str,
        m: &'a ParsedModule,
        ignores: &'a Ignores,
        builtins: &'a HashSet<String>,
    ) -> Checker<'a> {
        Checker {
            program,
            module,
            m,
            ignores,
            builtins,
            diags: vec![],
            quiet: false,
            frame: Frame::new(FrameKind::Module),
            flow: Flow::default(),
            breaks: vec![],
            stmt_line: 0,
            expected: None,
            errors_found: 0,
            types: Default::default(),
            attrs: None,
        }
    }

    pub fn ann(&self) -> AnnCtx<'a> {
        AnnCtx {
            program: self.program,
            module: self.module,
        }
    }

    /// Report an error at a node.
    pub fn report<T: Ranged>(&mut self, node: &T, (message, code): Msg) {
        self.report_at(node.start(), message, code);
    }

    pub fn report_at(
        &mut self,
        at: rustpython_parser::text_size::TextSize,
        message: String,
        code: &str,
    ) {
        self.errors_found += 1;
        if self.quiet || self.flow.dead {
            return;
        }
        let (line, col) = self.m.lines.line_col(at);
        if self.ignores.silenced(line, code) || self.ignores.silenced(self.stmt_line, code) {
            return;
        }
        self.diags
            .push(Diagnostic::error(&self.m.path, line, col, message).with_code(code));
        if let Some(codes) = self.ignores.uncovering_codes(line, code) {
            let note = msg::ignore_not_covering(code, codes);
            self.diags
                .push(Diagnostic::note(&self.m.path, line, col, note));
        }
    }

    pub fn note<T: Ranged>(&mut self, node: &T, code: &str, message: String) {
        self.note_at(node.start(), code, &message);
    }

    pub fn note_at(
        &mut self,
        at: rustpython_parser::text_size::TextSize,
        code: &str,
        message: &str,
    ) {
        if self.quiet || self.flow.dead {
            return;
        }
        let (line, col) = self.m.lines.line_col(at);
        if self.ignores.silenced(line, code) || self.ignores.silenced(self.stmt_line, code) {
            return;
        }
        self.diags
            .push(Diagnostic::note(&self.m.path, line, col, message));
    }

    // ---- blocks and statements ----

    /// Check a module's top level.
    pub fn module_body(&mut self, body: &[ast::Stmt]) {
        self.enter_partials(body, &[]);
        self.block(body);
    }

    /// Find the scope's partial variables; those no use completes need an
    /// annotation.
    fn enter_partials(&mut self, body: &[ast::Stmt], excluded: &[String]) {
        let module_scope = self.frame.kind == FrameKind::Module;
        let (program, module) = (self.program, self.module);
        let alias = |name: &str| program.aliased_class(module, name)?.builtin();
        self.frame.partials =
            super::partial::partial_vars(body, &self.m.lines, &alias, module_scope, excluded);
        let missing: Vec<(String, Partial)> = self
            .frame
            .partials
            .iter()
            .filter(|(_, p)| p.completion == Completion::Missing)
            .map(|(n, p)| (n.clone(), p.clone()))
            .collect();
        for (name, p) in missing {
            let (message, code) = msg::need_annotation(&name, p.kind.hint());
            self.report_at(p.created, message, code);
        }
    }

    /// The use at `at` fills partial variable `name`: its type becomes `t`.
    pub fn complete_partial(&mut self, name: &str, at: Completion, t: Type) -> bool {
        let done = self
            .frame
            .partials
            .get(name)
            .is_some_and(|p| p.completion == at);
        if done {
            self.frame.declared.insert(name.to_string(), t);
            self.flow.narrowed.remove(name);
        }
        done
    }

    /// The kind of partial variable `name` is, if the use at `at` fills it.
    pub fn partial_at(&self, name: &str, at: Completion) -> Option<PartialKind> {
        self.frame
            .partials
            .get(name)
            .filter(|p| p.completion == at)
            .map(|p| p.kind)
    }

    pub fn block(&mut self, body: &[ast::Stmt]) {
        for (i, s) in body.iter().enumerate() {
            if self.flow.dead {
                return;
            }
            self.flow.maybe_dead = false;
            self.stmt(s);
            if i + 1 < body.len() {
                self.flow.maybe_dead = false;
            }
        }
    }

    fn stmt(&mut self, s: &ast::Stmt) {
        self.stmt_line = self.m.line_of(s);
        use ast::Stmt as S;
        match s {
            S::Expr(e) => self.expr_stmt(&e.value),
            S::Assign(a) => {
                let declared = match a.targets.as_slice() {
                    [ast::Expr::Name(n)] if self.frame.locals.contains(n.id.as_str()) => {
                        self.declared_of(n.id.as_str())
                    }
                    _ => None,
                };
                let vt = self.expr_expecting(&a.value, declared.as_ref());
                self.check_value_used(&a.value, &vt);
                for t in &a.targets {
                    self.assign(t, Some(&a.value), &vt);
                }
            }
            S::AnnAssign(a) => self.ann_assign(a),
            S::AugAssign(a) => self.aug_assign(a),
            S::Return(r) => self.return_stmt(r),
            S::If(i) => {
                let (t, f) = self.condition(&i.test);
                let saved = std::mem::replace(&mut self.flow, t);
                self.block(&i.body);
                let body_flow = std::mem::replace(&mut self.flow, f);
                self.block(&i.orelse);
                let else_flow = std::mem::take(&mut self.flow);
                let _ = saved;
                self.flow = merge_in(body_flow, else_flow, Some(self.program));
            }
            S::While(w) => self.while_stmt(w),
            S::For(f) => self.for_stmt(&f.target, &f.iter, &f.body, &f.orelse),
            S::AsyncFor(f) => self.for_stmt(&f.target, &f.iter, &f.body, &f.orelse),
            S::With(w) => self.with_stmt(&w.items, &w.body),
            S::AsyncWith(w) => self.with_stmt(&w.items, &w.body),
            S::Try(t) => self.try_stmt(&t.body, &t.handlers, &t.orelse, &t.finalbody),
            S::TryStar(t) => self.try_stmt(&t.body, &t.handlers, &t.orelse, &t.finalbody),
            S::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.expr(e);
                }
                if let Some(c) = &r.cause {
                    self.expr(c);
                }
                self.flow.dead = true;
            }
            S::Assert(a) => {
                let (t, _) = self.condition(&a.test);
                if let Some(m) = &a.msg {
                    self.expr(m);
                }
                self.flow = t;
                if is_false_constant(&a.test) {
                    self.flow.dead = true;
                }
            }
            S::Delete(d) => {
                for t in &d.targets {
                    self.forget_target(t);
                }
            }
            S::FunctionDef(_) | S::AsyncFunctionDef(_) => self.def_stmt(s),
            S::ClassDef(c) => self.class_def(c),
            S::ImportFrom(i) => self.import_from(i),
            S::Break(_) => {
                let f = self.flow.clone();
                if let Some(b) = self.breaks.last_mut() {
                    b.push(f);
                }
                self.flow.dead = true;
            }
            S::Continue(_) => self.flow.dead = true,
            S::Match(m) => self.match_stmt(m),
            S::Import(_) | S::Global(_) | S::Nonlocal(_) | S::Pass(_) | S::TypeAlias(_) => {}
        }
    }

    fn expr_stmt(&mut self, e: &ast::Expr) {
        let t = self.expr(e);
        if matches!(&t, Type::Instance(c, _) if c == "typing.Coroutine") {
            self.report(e, msg::unused_coroutine(&t));
            self.note(e, "unused-coroutine", "Are you missing an await?".into());
        }
        if let ast::Expr::Call(c) = e {
            match self.call_outcome(c) {
                CallOutcome::NoReturn => self.flow.dead = true,
                CallOutcome::Unknown => self.flow.maybe_dead = true,
                CallOutcome::Returns => {}
            }
        }
    }

    fn ann_assign(&mut self, a: &ast::StmtAnnAssign) {
        let ctx = self.ann();
        let is_final = ctx.is_final(&a.annotation);
        let bare_final = is_final && !matches!(&*a.annotation, ast::Expr::Subscript(_));
        let declared = ctx.resolve(&a.annotation);
        let context = (!bare_final).then_some(&declared);
        let vt = a
            .value
            .as_ref()
            .map(|v| (v, self.expr_expecting(v, context)));
        if let Some((v, t)) = &vt {
            self.check_value_used(v, t);
        }
        if let Some((v, t)) = &vt {
            if !bare_final {
                self.check_value(v, t, &declared, msg::incompatible_assignment);
            }
        }
        if let ast::Expr::Name(n) = &*a.target {
            let name = n.id.to_string();
            if self.frame.kind != FrameKind::Class {
                let ty = if bare_final {
                    vt.map_or(Type::Any, |(_, t)| generalize(t))
                } else {
                    declared
                };
                self.frame.declared.insert(name.clone(), ty);
            }
            if is_final {
                self.frame.finals.insert(name.clone());
            }
            self.flow.narrowed.remove(&name);
        } else {
            self.expr(&a.target);
            if let Some(k) = self.key(&a.target) {
                self.invalidate(&k);
            }
        }
    }

    fn aug_assign(&mut self, a: &ast::StmtAugAssign) {
        let lt = self.expr(&a.target);
        let rt = self.expr(&a.value);
        let result = self.binop_check(a.op, &lt, &rt, &a.target, &a.value);
        if let ast::Expr::Name(n) = &*a.target {
            self.check_final(n.id.as_str(), &*a.target);
            if let Some(d) = self.declared_of(n.id.as_str()) {
                if !compatible(&result, &d, self.program) && !has_any(&result) {
                    self.report(&*a.value, msg::incompatible_assignment(&result, &d));
                }
            }
            // The variable holds the result (as after `x = x + 1`); where
            // the checker cannot tell, `Any`.
            let name = n.id.to_string();
            match self.declared_of(&name) {
                Some(d)
                    if d != Type::Any
                        && !has_any(&result)
                        && compatible(&result, &d, self.program) =>
                {
                    if result == d {
                        self.flow.narrowed.remove(&name);
                    } else {
                        self.flow.narrowed.insert(name, result);
                    }
                }
                _ => {
                    self.flow.narrowed.insert(name, Type::Any);
                }
            }
        } else if let Some(k) = self.key(&a.target) {
            self.invalidate(&k);
        }
    }

    /// The declared type of a variable of the current scope, if it has one.
    fn declared_of(&self, name: &str) -> Option<Type> {
        if let Some(t) = self.frame.declared.get(name) {
            return Some(t.clone());
        }
        None
    }

    fn check_final<T: Ranged>(&mut self, name: &str, node: &T) {
        let module_final = self.frame.kind != FrameKind::Class
            && matches!(
                self.program.binding(self.module, name),
                Binding::Var { is_final: true, .. }
            )
            && !self.frame.locals.contains(name);
        if self.frame.finals.contains(name) || module_final {
            self.report(node, msg::final_reassigned(name));
        }
    }

    /// Bind an assignment target to a value of type `vt`.
    pub fn assign(&mut self, target: &ast::Expr, value: Option<&ast::Expr>, vt: &Type) {
        match target {
            ast::Expr::Name(n) => self.assign_name(n, value, vt),
            ast::Expr::Tuple(t) => self.assign_seq(&t.elts, value, vt),
            ast::Expr::List(l) => self.assign_seq(&l.elts, value, vt),
            ast::Expr::Starred(s) => self.assign(&s.value, None, &Type::Any),
            ast::Expr::Attribute(a) => {
                let recv = self.expr(&a.value);
                self.infer_attribute(a, value, vt);
                self.check_attribute_assignment(&recv, a, value, vt);
                self.assign_reference(target, vt);
            }
            ast::Expr::Subscript(s) => {
                let kt = self.expr(&s.slice);
                if let ast::Expr::Name(n) = &*s.value {
                    let filled = Type::dict(generalize(kt.clone()), generalize(vt.clone()));
                    self.complete_partial(
                        n.id.as_str(),
                        Completion::SetItem(s.range.start()),
                        filled,
                    );
                }
                let container = self.expr(&s.value);
                if !self.typed_dict_set_item(&container, s, &kt, value, vt) {
                    self.check_item_assignment(target, &container, &s.slice, &kt, value, vt);
                }
                self.assign_reference(target, vt);
            }
            other => {
                self.expr(other);
            }
        }
    }

    /// In the attribute inference pre-pass: `self.<attr> = value` in a
    /// method tells the attribute's type (see `attributes`).
    fn infer_attribute(&mut self, a: &ast::ExprAttribute, value: Option<&ast::Expr>, vt: &Type) {
        let Some((class, attr)) = self.self_attribute(a) else {
            return;
        };
        let scope = self.frame.start;
        if let Some(inf) = self.attrs.as_mut() {
            inf.assigned(&class, &attr, scope, value, vt);
        }
    }

    /// `self.<attr>` in a method of a class of the program: the class and
    /// the attribute.
    pub fn self_attribute(&self, a: &ast::ExprAttribute) -> Option<(String, String)> {
        let class = self.frame.self_class.as_ref()?;
        let me = self.frame.self_param.as_ref()?;
        match &*a.value {
            ast::Expr::Name(n) if n.id.as_str() == me && !self.flow.narrowed.contains_key(me) => {
                Some((class.clone(), a.attr.to_string()))
            }
            _ => None,
        }
    }

    /// `d[k] = v` for a dict (or mutable mapping): the key and the value
    /// must fit its types; other collection ABCs take no item assignment.
    fn check_item_assignment(
        &mut self,
        target: &ast::Expr,
        container: &Type,
        key: &ast::Expr,
        kt: &Type,
        value: Option<&ast::Expr>,
        vt: &Type,
    ) {
        let (k, v) = match (container, super::abcs::set_item(container)) {
            (Type::Dict(k, v), _) => ((**k).clone(), (**v).clone()),
            (_, Some(Some(kv))) => kv,
            (_, Some(None)) => {
                self.report(target, msg::unsupported_target(container));
                return;
            }
            _ => return,
        };
        let (k, v) = (&k, &v);
        if !compatible(kt, k, self.program) && !has_any(kt) {
            self.report(key, msg::invalid_index(kt, container, k));
        } else if let Some(value) = value {
            if !compatible(vt, v, self.program) && !has_any(vt) {
                self.check_value(value, vt, v, msg::incompatible_target);
            }
        }
    }

    /// An assignment to an attribute of a program class's instance: the
    /// value must fit the attribute's declared type; a property without a
    /// setter is read-only.
    fn check_attribute_assignment(
        &mut self,
        recv: &Type,
        a: &ast::ExprAttribute,
        value: Option<&ast::Expr>,
        vt: &Type,
    ) {
        let (c, args) = match recv {
            Type::Instance(c, args) => (c, Some(args.as_slice())),
            Type::TypeObj(c) => (c, None),
            _ => return,
        };
        if self.program.is_final_member(c, a.attr.as_str()) {
            self.report(a, msg::final_attr_reassigned(a.attr.as_str()));
            return;
        }
        if matches!(recv, Type::TypeObj(_)) {
            return;
        }
        if let Some(owner) = self.program.frozen_field_owner(c, a.attr.as_str()) {
            self.report(a, msg::read_only_property(a.attr.as_str(), &owner));
            return;
        }
        match self.program.lookup_member_of(c, args, a.attr.as_str()) {
            Lookup::Found(Member::Attr(declared), _) if !self.may_be_descriptor(&declared) => {
                if let Some(v) = value {
                    self.check_value(v, vt, &declared, |got, want| {
                        msg::incompatible_assignment(got, want)
                    });
                }
            }
            Lookup::Found(Member::Method(_, MethodKind::Property), owner) => {
                let m = msg::read_only_property(a.attr.as_str(), owner);
                self.report(a, m);
            }
            _ => {}
        }
    }

    /// Check a value against an expected type; list displays are checked
    /// item by item (`[list-item]`), as mypy infers them from context.
    pub fn check_value(
        &mut self,
        value: &ast::Expr,
        vt: &Type,
        expected: &Type,
        mismatch: impl Fn(&Type, &Type) -> Msg,
    ) {
        // Displays take their item types from an expected iterable (mypy
        // checks each item; a dict display's keys the same way, which this
        // does not model, so those are left alone).
        let iterable_item = match expected {
            Type::List(item) => Some(&**item),
            Type::Instance(c, args) if super::abcs::takes_list_display(c) => args.first(),
            _ => None,
        };
        if let (ast::Expr::Dict(d), Some((k, v))) =
            (value, super::abcs::dict_display_entry(expected))
        {
            self.check_dict_display(d, &k, &v);
            return;
        }
        let protocol = matches!(expected, Type::Instance(..));
        if protocol
            && iterable_item.is_some()
            && matches!(value, ast::Expr::Dict(_) | ast::Expr::Set(_))
        {
            return;
        }
        if let (ast::Expr::List(l), Some(item)) = (value, iterable_item) {
            if !l.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) {
                for (i, e) in l.elts.iter().enumerate() {
                    let t = self.quiet_expr(e);
                    if !compatible(&t, item, self.program) && !has_any(&t) {
                        self.report_mismatch(e, msg::list_item(i, &t, item), &t, item);
                    }
                }
                return;
            }
        }
        if self.check_comprehension(value, vt, expected) {
            return;
        }
        if has_literal(expected) {
            // A constant has its literal type here; other values of the
            // literal's base type are not followed (a `Final` name may
            // hold the right literal).
            let vt = match constant_literal(value) {
                Some(lit) => lit,
                None if !has_literal(vt) && literal_bases_fit(vt, expected, self.program) => return,
                None => vt.clone(),
            };
            if !compatible(&vt, expected, self.program) && !has_any(&vt) {
                self.report(value, mismatch(&vt, expected));
            }
            return;
        }
        let class_objects = matches!((vt, expected), (Type::TypeObj(_), Type::TypeObj(_)));
        if !compatible(vt, expected, self.program) && (!has_any(vt) || class_objects) {
            self.report_mismatch(value, mismatch(vt, expected), vt, expected);
        }
    }

    /// A dict display where a dict (or mapping) with keys `k` and values
    /// `v` is expected: mypy checks each entry (`[dict-item]`). Displays
    /// that unpack others (`**d`) are left alone.
    fn check_dict_display(&mut self, d: &ast::ExprDict, k: &Type, v: &Type) {
        if d.keys.iter().any(|key| key.is_none()) {
            return;
        }
        for (i, (key, value)) in d.keys.iter().flatten().zip(&d.values).enumerate() {
            let (kt, vt) = (self.quiet_expr(key), self.quiet_expr(value));
            let fits = |c: &Self, t: &Type, e: &Type| compatible(t, e, c.program) || has_any(t);
            if !fits(self, &kt, k) || !fits(self, &vt, v) {
                self.report(key, msg::dict_entry(i, (&kt, &vt), (k, v)));
            }
        }
    }

    /// Report a value of type `got` where `expected` is needed, with
    /// mypy's notes on why a class does not satisfy a protocol.
    fn report_mismatch(
        &mut self,
        node: &ast::Expr,
        (message, code): Msg,
        got: &Type,
        expected: &Type,
    ) {
        self.report(node, (message, code));
        for note in super::protocols::notes(got, expected, self.program) {
            self.note(node, code, note);
        }
    }

    /// A comprehension checked against an expected collection type: mypy
    /// reports the element (key, value) that does not fit. False when
    /// `value` is no comprehension of the expected kind.
    fn check_comprehension(&mut self, value: &ast::Expr, vt: &Type, expected: &Type) -> bool {
        let fits = |c: &Self, t: &Type, e: &Type| compatible(t, e, c.program) || has_any(t);
        match (value, vt, expected) {
            (ast::Expr::ListComp(c), Type::List(t), Type::List(e)) => {
                if !fits(self, t, e) {
                    self.report(&*c.elt, msg::comprehension_item("List", t, e));
                }
                true
            }
            (ast::Expr::SetComp(c), Type::Set(t), Type::Set(e)) => {
                if !fits(self, t, e) {
                    self.report(&*c.elt, msg::comprehension_item("Set", t, e));
                }
                true
            }
            (ast::Expr::DictComp(c), Type::Dict(kt, vt), Type::Dict(ke, ve)) => {
                if !fits(self, kt, ke) {
                    self.report(&*c.key, msg::dict_comprehension_part("Key", kt, ke));
                }
                if !fits(self, vt, ve) {
                    self.report(&*c.value, msg::dict_comprehension_part("Value", vt, ve));
                }
                true
            }
            _ => false,
        }
    }

    /// After assigning to an attribute or item: it has the value's type
    /// (mypy narrows member and index expressions on assignment too).
    fn assign_reference(&mut self, target: &ast::Expr, vt: &Type) {
        if let Some(k) = self.key(target) {
            self.invalidate(&k);
            // A generic instance built without type arguments takes them
            // from the declared type (mypy infers them from context).
            if self.program.lacks_type_args(vt) {
                return;
            }
            let t = if has_any(vt) { Type::Any } else { vt.clone() };
            self.flow.narrowed.insert(k, t);
        }
    }

    fn assign_name(&mut self, n: &ast::ExprName, value: Option<&ast::Expr>, vt: &Type) {
        let name = n.id.as_str();
        self.check_final(name, n);
        self.invalidate(name);
        // `_` may be rebound to anything.
        if self.frame.kind == FrameKind::Class || name == "_" {
            return;
        }
        if self.frame.kind == FrameKind::Function && !self.frame.locals.contains(name) {
            return self.assign_outer_name(name, value, vt);
        }
        let filled = Completion::Assign(n.range.start());
        if self.complete_partial(name, filled, generalize(vt.clone())) {
            return;
        }
        match self.declared_of(name) {
            None => {
                let t = if self.is_plain_variable(name) {
                    generalize(vt.clone())
                } else {
                    Type::Any
                };
                self.frame.declared.insert(name.to_string(), t);
                self.frame.inferred.insert(name.to_string());
            }
            // mypy makes an inferred variable optional when another branch
            // assigns `None`.
            Some(d) if *vt == Type::None && self.frame.inferred.contains(name) => {
                let t = Type::optional(d);
                self.frame.declared.insert(name.to_string(), t);
                self.flow.narrowed.insert(name.to_string(), Type::None);
            }
            Some(d) => {
                if !compatible(vt, &d, self.program) && !has_any(vt) {
                    match value {
                        Some(v) => self.check_value(v, vt, &d, msg::incompatible_assignment),
                        None => self.report(n, msg::incompatible_assignment(vt, &d)),
                    }
                    return;
                }
                if d != Type::Any && *vt != d && !self.program.lacks_type_args(vt) {
                    let t = if has_any(vt) { Type::Any } else { vt.clone() };
                    self.flow.narrowed.insert(name.to_string(), t);
                } else {
                    // The declared type again (an earlier narrowing ends).
                    self.flow.narrowed.remove(name);
                }
            }
        }
    }

    /// Assign to a `global` (checked against the module variable's type)
    /// or `nonlocal` name (not tracked).
    fn assign_outer_name(&mut self, name: &str, value: Option<&ast::Expr>, vt: &Type) {
        let declared = match self.program.binding(self.module, name) {
            Binding::Var { ty, .. } if self.frame.globals.contains(name) => ty,
            _ => {
                self.flow.narrowed.insert(name.to_string(), Type::Any);
                return;
            }
        };
        if !compatible(vt, &declared, self.program) && !has_any(vt) {
            if let Some(v) = value {
                self.report(v, msg::incompatible_assignment(vt, &declared));
            }
        }
        let t = if has_any(vt) || declared == Type::Any {
            Type::Any
        } else {
            vt.clone()
        };
        self.flow.narrowed.insert(name.to_string(), t);
    }

    /// Is `name` a variable of the current scope that the module-level
    /// tables do not bind to something else (a function, class, import)?
    fn is_plain_variable(&self, name: &str) -> bool {
        match self.frame.kind {
            FrameKind::Module => matches!(
                self.program.binding(self.module, name),
                Binding::Var { .. } | Binding::Unknown
            ),
            _ => true,
        }
    }

    fn assign_seq(&mut self, elts: &[ast::Expr], value: Option<&ast::Expr>, vt: &Type) {
        let starred = elts.iter().any(|e| matches!(e, ast::Expr::Starred(_)));
        let items: Option<Vec<Type>> = self.program.as_tuple_type(vt);
        let literal_len = match value {
            Some(ast::Expr::Tuple(t))
                if !t.elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) =>
            {
                Some(t.elts.len())
            }
            _ => None,
        };
        if let (Some(items), false) = (&items, starred) {
            if items.len() != elts.len() {
                let at: &dyn Ranged = match (value, elts.first()) {
                    (Some(v), _) => v,
                    (None, Some(e)) => e,
                    (None, None) => return,
                };
                let m = if items.len() > elts.len() {
                    msg::too_many_values(elts.len(), items.len())
                } else {
                    msg::too_few_values(items.len(), elts.len())
                };
                let _ = literal_len;
                self.report_at(at.start(), m.0, m.1);
                for e in elts {
                    self.assign(e, None, &Type::Any);
                }
                return;
            }
        }
        let item_of = |i: usize| -> Type {
            match (&items, starred) {
                (Some(items), false) => items.get(i).cloned().unwrap_or(Type::Any),
                (None, false) => match vt {
                    Type::List(t) | Type::VarTuple(t) | Type::Set(t) => (**t).clone(),
                    _ => Type::Any,
                },
                _ => Type::Any,
            }
        };
        let sub_values: Option<&Vec<ast::Expr>> = match value {
            Some(ast::Expr::Tuple(t)) if !starred && t.elts.len() == elts.len() => Some(&t.elts),
            _ => None,
        };
        for (i, e) in elts.iter().enumerate() {
            let v = sub_values.and_then(|vs| vs.get(i));
            self.assign(e, v, &item_of(i));
        }
    }

    /// Forget what is known about a target (`del`).
    fn forget_target(&mut self, t: &ast::Expr) {
        match t {
            ast::Expr::Name(n) => {
                self.invalidate(n.id.as_str());
                self.frame.declared.insert(n.id.to_string(), Type::Any);
            }
            ast::Expr::Tuple(tt) => tt.elts.iter().for_each(|e| self.forget_target(e)),
            ast::Expr::List(tt) => tt.elts.iter().for_each(|e| self.forget_target(e)),
            other => {
                self.expr(other);
                if let Some(k) = self.key(other) {
                    self.invalidate(&k);
                }
            }
        }
    }

    /// Drop narrowings of `key` and of everything reached through it.
    pub fn invalidate(&mut self, key: &str) {
        let dot = format!("{key}.");
        let sub = format!("{key}[");
        self.flow
            .narrowed
            .retain(|k, _| k != key && !k.starts_with(&dot) && !k.starts_with(&sub));
    }

    /// Make every narrowing of names bound in `body` (and of attributes)
    /// unknown: the state at a loop head or exception handler.
    fn havoc(&mut self, body: &[ast::Stmt]) {
        let mut bound: HashSet<String> = HashSet::new();
        scope::for_each_binding(body, &mut |n| {
            bound.insert(n.to_string());
        });
        for (k, v) in self.flow.narrowed.iter_mut() {
            let root = k.split(['.', '[']).next().unwrap_or("");
            if bound.contains(root) || k.contains('.') || k.contains('[') {
                *v = Type::Any;
            }
        }
    }

    fn return_stmt(&mut self, r: &ast::StmtReturn) {
        let ret = self.frame.ret.clone();
        let vt = r
            .value
            .as_ref()
            .map(|v| self.expr_expecting(v, ret.as_ref()));
        if let Some(ret) = self.frame.ret.clone() {
            match (&r.value, vt) {
                (Some(v), Some(t)) => {
                    if ret != Type::None {
                        self.check_value_used(v, &t);
                    }
                    if ret == Type::None {
                        if t != Type::None && !has_any(&t) {
                            self.report(r, msg::no_return_value_expected());
                        }
                    } else {
                        self.check_value(v, &t, &ret, msg::incompatible_return);
                    }
                }
                _ => {
                    if ret != Type::None && ret != Type::Any && ret != Type::Object {
                        self.report(r, msg::return_value_expected());
                    }
                }
            }
        }
        self.flow.dead = true;
    }

    fn loop_body(&mut self, body: &[ast::Stmt]) -> Vec<Flow> {
        self.breaks.push(vec![]);
        self.block(body);
        self.breaks.pop().unwrap_or_default()
    }

    fn while_stmt(&mut self, w: &ast::StmtWhile) {
        self.havoc(&w.body);
        let head = self.flow.clone();
        let (t, f) = self.condition(&w.test);
        self.flow = t;
        let breaks = self.loop_body(&w.body);
        self.flow = if is_true_constant(&w.test) {
            Flow { dead: true, ..head }
        } else {
            f
        };
        self.block(&w.orelse);
        for b in breaks {
            let cur = std::mem::take(&mut self.flow);
            self.flow = merge(cur, b);
        }
    }

    fn for_stmt(
        &mut self,
        target: &ast::Expr,
        iter: &ast::Expr,
        body: &[ast::Stmt],
        orelse: &[ast::Stmt],
    ) {
        let it = self.expr(iter);
        self.havoc(body);
        let head = self.flow.clone();
        self.assign(target, None, &self.program.iteration_item(&it));
        let breaks = self.loop_body(body);
        self.flow = head;
        let mut bound = vec![];
        scope::target_names(target, &mut |n| bound.push(n.to_string()));
        for n in bound {
            self.flow.narrowed.insert(n, Type::Any);
        }
        self.block(orelse);
        for b in breaks {
            let cur = std::mem::take(&mut self.flow);
            self.flow = merge(cur, b);
        }
    }

    fn with_stmt(&mut self, items: &[ast::WithItem], body: &[ast::Stmt]) {
        for item in items {
            self.expr(&item.context_expr);
            if let Some(v) = &item.optional_vars {
                self.assign(v, None, &Type::Any);
            }
        }
        self.block(body);
        // The context manager may swallow exceptions: facts from the body
        // about names it binds are unsure afterwards.
        let dead = self.flow.dead;
        self.flow.dead = false;
        self.havoc(body);
        self.flow.dead = dead;
    }

    fn try_stmt(
        &mut self,
        body: &[ast::Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[ast::Stmt],
        finalbody: &[ast::Stmt],
    ) {
        let mut entry = self.flow.clone();
        self.block(body);
        self.block(orelse);
        let mut out = std::mem::take(&mut self.flow);
        // Handlers may start anywhere in the body.
        self.flow = entry.clone();
        self.havoc(body);
        entry = std::mem::take(&mut self.flow);
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.flow = entry.clone();
            if let Some(t) = &h.type_ {
                self.expr(t);
            }
            if let Some(n) = &h.name {
                self.invalidate(n.as_str());
                self.frame.declared.insert(n.to_string(), Type::Any);
            }
            self.block(&h.body);
            let hf = std::mem::take(&mut self.flow);
            out = merge(out, hf);
        }
        if !finalbody.is_empty() {
            let was_dead = out.dead;
            self.flow = merge(out, entry);
            self.havoc(body);
            self.havoc(finalbody);
            self.block(finalbody);
            if was_dead {
                self.flow.dead = true;
            }
        } else {
            self.flow = out;
        }
    }

    fn match_stmt(&mut self, m: &ast::StmtMatch) {
        self.expr(&m.subject);
        let entry = self.flow.clone();
        let mut out = Flow {
            dead: true,
            ..Flow::default()
        };
        for case in &m.cases {
            self.flow = entry.clone();
            if let Some(k) = self.key(&m.subject) {
                self.flow.narrowed.insert(k, Type::Any);
            }
            for n in pattern_names(&case.pattern) {
                self.invalidate(&n);
                self.frame.declared.insert(n.clone(), Type::Any);
                self.flow.narrowed.insert(n, Type::Any);
            }
            if let Some(g) = &case.guard {
                let (t, _) = self.condition(g);
                self.flow = t;
            }
            self.block(&case.body);
            let f = std::mem::take(&mut self.flow);
            out = merge(out, f);
        }
        let mut rest = entry;
        if let Some(k) = self.key(&m.subject) {
            rest.narrowed.insert(k, Type::Any);
        }
        self.flow = merge(out, rest);
    }

    fn import_from(&mut self, i: &ast::StmtImportFrom) {
        let level = i.level.map_or(0, |l| l.to_u32());
        let is_pkg = self.program.packages.contains(self.module);
        let src = super::program::import_target(self.module, is_pkg, level, i.module.as_deref());
        let Some(info) = self.program.modules.get(&src) else {
            return;
        };
        if info.open || self.program.may_have_submodule(&src) {
            return;
        }
        for a in &i.names {
            let name = a.name.as_str();
            let sub = format!("{src}.{name}");
            if name != "*"
                && !info.names.contains_key(name)
                && !self.program.modules.contains_key(&sub)
                && !name.starts_with("__")
            {
                let alternatives = super::program::public_names(info);
                self.report(
                    a,
                    msg::module_name_has_no_attribute(&src, name, &alternatives),
                );
            }
        }
    }

    // ---- definitions ----

    fn def_stmt(&mut self, s: &ast::Stmt) {
        let Some(d) = DefParts::of(s) else {
            return;
        };
        for dec in d.decorators {
            self.expr(dec);
        }
        let args = d.args;
        for a in args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
        {
            if let Some(def) = &a.default {
                self.expr(def);
            }
        }
        let name = d.name.to_string();
        self.invalidate(&name);
        if self.frame.kind == FrameKind::Function {
            self.frame.declared.insert(name, Type::Any);
        }
        let inferring = self.attrs.is_some() && self.frame.kind == FrameKind::Class;
        if self.quiet && !inferring {
            return;
        }
        self.function_body(&d);
    }

    /// Check a function body in a fresh frame.
    fn function_body(&mut self, d: &DefParts) {
        let ctx = self.ann();
        let owner = self.frame.self_class.clone();
        let sig = ctx.sig(d, None);
        let mut frame = Frame::new(FrameKind::Function);
        if self.frame.kind == FrameKind::Function {
            frame.enclosing = self.frame.locals.clone();
            frame.enclosing.extend(self.frame.enclosing.iter().cloned());
        }
        let (mut locals, _) = super::names::block_names(d.body);
        for g in scope::global_names(d.body) {
            locals.remove(&g);
            frame.globals.insert(g);
        }
        for g in nonlocal_names(d.body) {
            locals.remove(&g);
        }
        let kind = super::program::method_kind_of(d.decorators);
        // `__new__` is a static method taking the class; `__init_subclass__`
        // and `__class_getitem__` are class methods.
        let implicit_cls = matches!(
            d.name,
            "__new__" | "__init_subclass__" | "__class_getitem__"
        );
        for (i, p) in sig.params.iter().enumerate() {
            locals.insert(p.name.clone());
            let mut t = match p.kind {
                crate::semanal::ParamKind::Star => Type::VarTuple(Box::new(p.ty.clone())),
                crate::semanal::ParamKind::Star2 => Type::dict(Type::Str, p.ty.clone()),
                _ => p.ty.clone(),
            };
            if i == 0 && self.frame.kind == FrameKind::Class {
                if let Some(c) = &owner {
                    let self_param = d.args.posonlyargs.iter().chain(&d.args.args).next();
                    let annotated = self_param.is_some_and(|a| a.def.annotation.is_some());
                    if !annotated {
                        t = match kind {
                            _ if implicit_cls => Type::TypeObj(c.clone()),
                            super::program::MethodKind::Class => Type::TypeObj(c.clone()),
                            super::program::MethodKind::Instance
                            | super::program::MethodKind::Property => self.program.self_type(c),
                            _ => Type::Any,
                        };
                    }
                }
            }
            frame.declared.insert(p.name.clone(), t);
        }
        let mut excluded: Vec<String> = frame.globals.iter().cloned().collect();
        excluded.extend(nonlocal_names(d.body));
        excluded.extend(sig.params.iter().map(|p| p.name.clone()));
        frame.locals = locals;
        frame.ret = sig.has_ret.then(|| sig.ret.clone());
        if sig.is_generator {
            let (yields, ret) = generator_parts(&sig.ret);
            frame.yields = yields;
            frame.ret = ret;
        }
        if d.returns.is_none() && d.name == "__init__" {
            frame.ret = Some(Type::None);
        }
        if self.frame.kind == FrameKind::Class {
            frame.self_class = owner;
            let instance_method = !matches!(
                d.name,
                "__new__" | "__init_subclass__" | "__class_getitem__"
            );
            if instance_method
                && matches!(
                    kind,
                    super::program::MethodKind::Instance | super::program::MethodKind::Property
                )
            {
                frame.self_param = d
                    .args
                    .posonlyargs
                    .iter()
                    .chain(&d.args.args)
                    .next()
                    .map(|a| a.def.arg.to_string());
            }
        }
        frame.start = d.start;
        let saved_frame = std::mem::replace(&mut self.frame, frame);
        let saved_flow = std::mem::take(&mut self.flow);
        let saved_breaks = std::mem::take(&mut self.breaks);
        self.enter_partials(d.body, &excluded);
        self.block(d.body);
        self.check_missing_return(d);
        if !self.quiet {
            let mut vars: Vec<(String, Type)> = self
                .frame
                .declared
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            vars.sort_by(|a, b| a.0.cmp(&b.0));
            self.types.record_scope(d.start, vars.into_iter().collect());
        }
        self.frame = saved_frame;
        self.flow = saved_flow;
        self.breaks = saved_breaks;
    }

    /// `Missing return statement`: reported only where the end of the body
    /// is certainly reachable (the last statement is simple and is not a
    /// call that might never return).
    fn check_missing_return(&mut self, d: &DefParts) {
        let Some(ret) = &self.frame.ret else {
            return;
        };
        if matches!(ret, Type::None | Type::Any | Type::Object) || !d.decorators.is_empty() {
            return;
        }
        if self.flow.dead || self.flow.maybe_dead {
            return;
        }
        let Some(last) = d.body.last() else {
            return;
        };
        let compound = !scope::child_blocks(last).is_empty()
            || matches!(
                last,
                ast::Stmt::FunctionDef(_) | ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::ClassDef(_)
            );
        let trivial = d.body.iter().all(|s| match s {
            ast::Stmt::Pass(_) => true,
            ast::Stmt::Expr(e) => matches!(&*e.value, ast::Expr::Constant(_)),
            _ => false,
        });
        if compound || trivial {
            return;
        }
        let at = d.start;
        self.report_at(at, "Missing return statement".to_string(), "return");
    }

    fn class_def(&mut self, c: &ast::StmtClassDef) {
        for dec in &c.decorator_list {
            self.expr(dec);
        }
        for b in &c.bases {
            self.expr(b);
        }
        for k in &c.keywords {
            self.expr(&k.value);
        }
        self.invalidate(c.name.as_str());
        if self.frame.kind == FrameKind::Function {
            self.frame.declared.insert(c.name.to_string(), Type::Any);
        }
        let inferring = self.attrs.is_some() && self.frame.kind == FrameKind::Module;
        if self.quiet && !inferring {
            return;
        }
        let mut frame = Frame::new(FrameKind::Class);
        let full = format!("{}.{}", self.module, c.name);
        let known = self.frame.kind == FrameKind::Module
            && matches!(self.program.binding(self.module, c.name.as_str()), Binding::Class(ref f) if *f == full);
        frame.self_class = known.then_some(full);
        if self.frame.kind == FrameKind::Function {
            frame.enclosing = self.frame.locals.clone();
            frame.enclosing.extend(self.frame.enclosing.iter().cloned());
        }
        scope::for_each_binding(&c.body, &mut |n| {
            frame.locals.insert(n.to_string());
        });
        if let Some(full) = frame.self_class.clone() {
            self.check_overrides(&full, c);
        }
        let saved_frame = std::mem::replace(&mut self.frame, frame);
        let saved_flow = std::mem::take(&mut self.flow);
        let saved_breaks = std::mem::take(&mut self.breaks);
        self.block(&c.body);
        self.frame = saved_frame;
        self.flow = saved_flow;
        self.breaks = saved_breaks;
    }
}

/// How a call used as a statement ends.
pub enum CallOutcome {
    Returns,
    NoReturn,
    Unknown,
}

/// The type a variable (or attribute) assigned a value of type `t` is
/// inferred to have: literal types are widened to their base type, as
/// mypy does for variables not declared `Final`.
pub fn generalize_literal(t: Type) -> Type {
    match t {
        Type::Literal(l) => l.base(),
        other => other,
    }
}

/// Inferred variable types: a bare `None` gives no useful type (mypy's
/// partial types), so it is `Any`.
pub fn generalize(t: Type) -> Type {
    match t {
        Type::None => Type::Any,
        other => other,
    }
}

/// Does an expected type mention a literal type?
fn has_literal(t: &Type) -> bool {
    match t {
        Type::Literal(_) => true,
        Type::Union(xs) => xs.iter().any(has_literal),
        _ => false,
    }
}

/// The literal type of a constant expression (`"r"`, `1`, `-1`, `True`).
fn constant_literal(e: &ast::Expr) -> Option<Type> {
    super::program::literal_value(e).filter(|t| matches!(t, Type::Literal(_)))
}

/// Would a non-constant value of type `vt` fit `expected` if the literal
/// items there were their base types?
fn literal_bases_fit(vt: &Type, expected: &Type, p: &Program) -> bool {
    let widened = match expected {
        Type::Literal(l) => l.base(),
        Type::Union(xs) => union(
            xs.iter()
                .map(|x| match x {
                    Type::Literal(l) => l.base(),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    compatible(vt, &widened, p)
}

/// The type of the items produced by iterating over a value.
pub fn item_type(t: &Type) -> Type {
    match t {
        // mypy joins the items of other tuples; not modelled here.
        Type::Tuple(items) if items.is_empty() || items.iter().any(|i| *i != items[0]) => Type::Any,
        other => other.iter_item(),
    }
}

fn is_true_constant(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Bool(b) => *b,
            ast::Constant::Int(i) => i.to_string() != "0",
            _ => false,
        },
        _ => false,
    }
}

fn is_false_constant(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Bool(b) => !*b,
            ast::Constant::Int(i) => i.to_string() == "0",
            ast::Constant::None => true,
            _ => false,
        },
        _ => false,
    }
}

/// Names a `match` pattern binds.
fn pattern_names(p: &ast::Pattern) -> Vec<String> {
    let mut out = vec![];
    collect_pattern_names(p, &mut out);
    out
}

fn collect_pattern_names(p: &ast::Pattern, out: &mut Vec<String>) {
    use ast::Pattern as P;
    match p {
        P::MatchAs(a) => {
            if let Some(n) = &a.name {
                out.push(n.to_string());
            }
            if let Some(inner) = &a.pattern {
                collect_pattern_names(inner, out);
            }
        }
        P::MatchStar(s) => {
            if let Some(n) = &s.name {
                out.push(n.to_string());
            }
        }
        P::MatchMapping(m) => {
            if let Some(n) = &m.rest {
                out.push(n.to_string());
            }
            m.patterns
                .iter()
                .for_each(|x| collect_pattern_names(x, out));
        }
        P::MatchSequence(s) => s
            .patterns
            .iter()
            .for_each(|x| collect_pattern_names(x, out)),
        P::MatchClass(c) => {
            c.patterns
                .iter()
                .for_each(|x| collect_pattern_names(x, out));
            c.kwd_patterns
                .iter()
                .for_each(|x| collect_pattern_names(x, out));
        }
        P::MatchOr(o) => o
            .patterns
            .iter()
            .for_each(|x| collect_pattern_names(x, out)),
        P::MatchValue(_) | P::MatchSingleton(_) => {}
    }
}

/// Names declared `nonlocal` in a function body.
fn nonlocal_names(body: &[ast::Stmt]) -> Vec<String> {
    let mut out = vec![];
    for stmt in body {
        if let ast::Stmt::Nonlocal(n) = stmt {
            out.extend(n.names.iter().map(|i| i.to_string()));
        }
        for block in scope::child_blocks(stmt) {
            out.extend(nonlocal_names(block));
        }
    }
    out
}
