//! mypy's partial types: a variable first assigned an empty collection
//! (`x = []`, `{}`, `set()`, `list()`, `dict()`) gets its item types from
//! the first use that fills it (`x.append(v)`, `x.extend(xs)`, `x.add(v)`,
//! `x.update(...)`, `x[k] = v`, or a later assignment). A variable whose
//! first use is anything else, or that is never used, needs an annotation
//! (`[var-annotated]`).
//!
//! Which use completes a variable is decided here, syntactically, in source
//! order within one scope; the checker computes the completed type when it
//! reaches that use. Variables the rules cannot follow safely (read by
//! nested functions, `global`/`nonlocal`, bound other ways first) are left
//! alone: their type stays the collection of `Any`.

use indexmap::IndexMap;
use rustpython_parser::ast;
use rustpython_parser::text_size::TextSize;

use crate::parse::LineIndex;
use crate::semanal::scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartialKind {
    List,
    Dict,
    Set,
}

impl PartialKind {
    /// The hint of mypy's message: `list[<type>]`.
    pub fn hint(self) -> &'static str {
        match self {
            PartialKind::List => "list[<type>]",
            PartialKind::Dict => "dict[<type>, <type>]",
            PartialKind::Set => "set[<type>]",
        }
    }

    /// Methods whose call fills a collection of this kind.
    pub fn completes(self, method: &str) -> bool {
        match self {
            PartialKind::List => matches!(method, "append" | "extend" | "insert"),
            PartialKind::Set => matches!(method, "add" | "discard" | "update"),
            PartialKind::Dict => matches!(method, "update"),
        }
    }
}

/// How a partial variable's first use after its creation looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// `x.m(...)` with a filling method: the call's start offset.
    Call(TextSize),
    /// `x[k] = v` (dicts): the subscript's start offset.
    SetItem(TextSize),
    /// A later plain assignment `x = ...` (its target's offset).
    Assign(TextSize),
    /// Used otherwise, or never: an annotation is needed.
    Missing,
}

#[derive(Clone, Debug)]
pub struct Partial {
    pub kind: PartialKind,
    /// Offset of the creating assignment's target.
    pub created: TextSize,
    pub completion: Completion,
}

/// The kind of empty collection an expression creates, if it does.
pub fn empty_collection(e: &ast::Expr) -> Option<PartialKind> {
    empty_collection_with(e, &|_| None)
}

/// `empty_collection`, where `alias` tells the builtin class a name is a
/// type alias of (`OrderedCollection = list`).
pub fn empty_collection_with(
    e: &ast::Expr,
    alias: &dyn Fn(&str) -> Option<String>,
) -> Option<PartialKind> {
    match e {
        ast::Expr::List(l) if l.elts.is_empty() => Some(PartialKind::List),
        ast::Expr::Dict(d) if d.keys.is_empty() => Some(PartialKind::Dict),
        ast::Expr::Call(c) if c.args.is_empty() && c.keywords.is_empty() => match &*c.func {
            ast::Expr::Name(n) => match alias(n.id.as_str()).as_deref().unwrap_or(n.id.as_str()) {
                "list" => Some(PartialKind::List),
                "dict" => Some(PartialKind::Dict),
                "set" => Some(PartialKind::Set),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// One occurrence of a name in the scope, in source order.
#[derive(Debug)]
enum Event {
    /// `x = <empty collection>` (a single-target assignment).
    Create(PartialKind, TextSize),
    /// `x = <anything else>`.
    Assign(TextSize),
    /// The receiver of a method call: `x.m(...)` (method, call offset).
    Receiver(String, TextSize),
    /// The container of `x[k] = v`.
    SetItem(TextSize),
    /// Any other read or binding.
    Other,
}

/// Collects events per name, not looking into nested scopes (their reads
/// are gathered separately to exclude those names).
struct Events<'a> {
    lines: &'a LineIndex,
    alias: &'a dyn Fn(&str) -> Option<String>,
    module_scope: bool,
    events: IndexMap<String, Vec<Event>>,
    /// Names nested definitions bind or mention.
    nested: Vec<String>,
}

impl Events<'_> {
    fn push(&mut self, name: &str, e: Event) {
        self.events.entry(name.to_string()).or_default().push(e);
    }

    fn stmts(&mut self, body: &[ast::Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &ast::Stmt) {
        match s {
            ast::Stmt::Assign(a) => {
                self.expr(&a.value);
                // `x = []  # type: List[int]` is declared, not partial.
                let single = a.targets.len() == 1 && self.lines.type_comment(a).is_none();
                for t in &a.targets {
                    match (t, empty_collection_with(&a.value, self.alias)) {
                        (ast::Expr::Name(n), Some(kind)) if single => {
                            self.push(n.id.as_str(), Event::Create(kind, n.range.start()))
                        }
                        (ast::Expr::Name(n), _) => {
                            self.push(n.id.as_str(), Event::Assign(n.range.start()))
                        }
                        (ast::Expr::Subscript(sub), _) => {
                            match &*sub.value {
                                ast::Expr::Name(n) => {
                                    self.push(n.id.as_str(), Event::SetItem(sub.range.start()))
                                }
                                other => self.expr(other),
                            }
                            self.expr(&sub.slice);
                        }
                        (other, _) => self.target(other),
                    }
                }
            }
            ast::Stmt::FunctionDef(_) | ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::ClassDef(_) => {
                // mypy checks the functions of a module after its top level,
                // so their uses do not count there; in a function, nested
                // functions are checked in place and may fill the variable:
                // such variables are not followed.
                if !self.module_scope {
                    scope::for_each_binding(std::slice::from_ref(s), &mut |n| {
                        self.nested.push(n.to_string())
                    });
                    self.nested.extend(nested_reads(s));
                } else {
                    scope::for_each_binding(std::slice::from_ref(s), &mut |n| {
                        self.push(n, Event::Other)
                    });
                }
            }
            ast::Stmt::If(i) => {
                self.expr(&i.test);
                self.stmts(&i.body);
                self.stmts(&i.orelse);
            }
            ast::Stmt::While(w) => {
                self.expr(&w.test);
                self.stmts(&w.body);
                self.stmts(&w.orelse);
            }
            ast::Stmt::For(f) => self.for_parts(&f.iter, &f.target, &f.body, &f.orelse),
            ast::Stmt::AsyncFor(f) => self.for_parts(&f.iter, &f.target, &f.body, &f.orelse),
            ast::Stmt::With(w) => self.with_parts(&w.items, &w.body),
            ast::Stmt::AsyncWith(w) => self.with_parts(&w.items, &w.body),
            ast::Stmt::Try(t) => self.try_parts(&t.body, &t.handlers, &t.orelse, &t.finalbody),
            ast::Stmt::TryStar(t) => self.try_parts(&t.body, &t.handlers, &t.orelse, &t.finalbody),
            ast::Stmt::Match(m) => {
                self.expr(&m.subject);
                for case in &m.cases {
                    scope::pattern_names(&case.pattern, &mut |n| self.push(n, Event::Other));
                    if let Some(g) = &case.guard {
                        self.expr(g);
                    }
                    self.stmts(&case.body);
                }
            }
            simple => {
                // Its names in source order: reads, method receivers and
                // bindings (as plain uses).
                let mut v = Reads(self);
                rustpython_ast::Visitor::visit_stmt(&mut v, simple.clone());
            }
        }
    }

    fn for_parts(
        &mut self,
        iter: &ast::Expr,
        target: &ast::Expr,
        body: &[ast::Stmt],
        orelse: &[ast::Stmt],
    ) {
        self.expr(iter);
        self.target(target);
        self.stmts(body);
        self.stmts(orelse);
    }

    fn with_parts(&mut self, items: &[ast::WithItem], body: &[ast::Stmt]) {
        for it in items {
            self.expr(&it.context_expr);
            if let Some(v) = &it.optional_vars {
                self.target(v);
            }
        }
        self.stmts(body);
    }

    fn try_parts(
        &mut self,
        body: &[ast::Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[ast::Stmt],
        finalbody: &[ast::Stmt],
    ) {
        self.stmts(body);
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            if let Some(t) = &h.type_ {
                self.expr(t);
            }
            if let Some(n) = &h.name {
                self.push(n.as_str(), Event::Other);
            }
            self.stmts(&h.body);
        }
        self.stmts(orelse);
        self.stmts(finalbody);
    }

    fn target(&mut self, t: &ast::Expr) {
        scope::target_names(t, &mut |n| self.push(n, Event::Other));
        if let ast::Expr::Subscript(_) | ast::Expr::Attribute(_) = t {
            self.expr(t);
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        rustpython_ast::Visitor::visit_expr(&mut Reads(self), e.clone());
    }
}

/// Records the names of an expression or simple statement, in order.
struct Reads<'a, 'b>(&'a mut Events<'b>);

impl rustpython_ast::Visitor for Reads<'_, '_> {
    crate::visit_whole_tree!();
    fn visit_expr_call(&mut self, c: ast::ExprCall) {
        if let ast::Expr::Attribute(a) = &*c.func {
            if let ast::Expr::Name(n) = &*a.value {
                self.0.push(
                    n.id.as_str(),
                    Event::Receiver(a.attr.to_string(), c.range.start()),
                );
                for arg in c.args {
                    self.visit_expr(arg);
                }
                for k in c.keywords {
                    self.visit_expr(k.value);
                }
                return;
            }
        }
        self.generic_visit_expr_call(c);
    }
    fn visit_expr_name(&mut self, n: ast::ExprName) {
        self.0.push(n.id.as_str(), Event::Other);
    }
    fn visit_stmt_function_def(&mut self, _n: ast::StmtFunctionDef) {}
    fn visit_stmt_async_function_def(&mut self, _n: ast::StmtAsyncFunctionDef) {}
    fn visit_stmt_class_def(&mut self, _n: ast::StmtClassDef) {}
}

/// Every name a nested definition mentions (reads included).
fn nested_reads(s: &ast::Stmt) -> Vec<String> {
    struct All(Vec<String>);
    impl rustpython_ast::Visitor for All {
        crate::visit_whole_tree!();
        fn visit_expr_name(&mut self, n: ast::ExprName) {
            self.0.push(n.id.to_string());
        }
    }
    let mut v = All(vec![]);
    rustpython_ast::Visitor::visit_stmt(&mut v, s.clone());
    v.0
}

/// The partial variables of a scope's body (a function's or the module's).
pub fn partial_vars(
    body: &[ast::Stmt],
    lines: &LineIndex,
    alias: &dyn Fn(&str) -> Option<String>,
    module_scope: bool,
    excluded: &[String],
) -> IndexMap<String, Partial> {
    let mut ev = Events {
        lines,
        alias,
        module_scope,
        events: IndexMap::new(),
        nested: vec![],
    };
    ev.stmts(body);
    let mut out = IndexMap::new();
    for (name, events) in ev.events {
        if excluded.contains(&name) || ev.nested.contains(&name) {
            continue;
        }
        let Some(Event::Create(kind, created)) = events.first() else {
            continue;
        };
        let (kind, created) = (*kind, *created);
        let completion = match events.get(1) {
            Some(Event::Receiver(m, at)) if kind.completes(m) => Completion::Call(*at),
            Some(Event::SetItem(at)) if kind == PartialKind::Dict => Completion::SetItem(*at),
            Some(Event::Assign(at)) => Completion::Assign(*at),
            // Created again before any use: the first creation is unused.
            _ => Completion::Missing,
        };
        out.insert(
            name,
            Partial {
                kind,
                created,
                completion,
            },
        );
    }
    out
}
