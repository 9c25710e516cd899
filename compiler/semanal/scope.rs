//! Scopes: which names a block of statements binds (not looking into nested
//! functions or classes), the assignments to simple names, and `global`
//! declarations. Python decides at compile time whether a name in a
//! function is local: it is, if the function binds it anywhere and does not
//! declare it `global`.

use rustpython_ast::Visitor;
use rustpython_parser::ast::{self, Ranged};

/// Collects the targets of assignment expressions (`name := value`) in a
/// statement, not looking into nested functions, lambdas or classes.
#[derive(Default)]
struct WalrusTargets {
    names: Vec<String>,
}

impl Visitor for WalrusTargets {
    crate::visit_whole_tree!();
    fn visit_expr_named_expr(&mut self, node: ast::ExprNamedExpr) {
        if let ast::Expr::Name(n) = &*node.target {
            self.names.push(n.id.to_string());
        }
        self.visit_expr(*node.value);
    }
    fn visit_stmt_function_def(&mut self, _node: ast::StmtFunctionDef) {}
    fn visit_stmt_async_function_def(&mut self, _node: ast::StmtAsyncFunctionDef) {}
    fn visit_stmt_class_def(&mut self, _node: ast::StmtClassDef) {}
    fn visit_expr_lambda(&mut self, _node: ast::ExprLambda) {}
}

/// Names bound by `:=` anywhere in `stmt` (including its sub-blocks).
pub fn walrus_targets(stmt: &ast::Stmt) -> Vec<String> {
    let mut v = WalrusTargets::default();
    v.visit_stmt(stmt.clone());
    v.names
}

/// Call `f` for every name bound by `target` (names inside tuple/list/starred targets).
pub fn target_names(target: &ast::Expr, f: &mut dyn FnMut(&str)) {
    match target {
        ast::Expr::Name(n) => f(n.id.as_str()),
        ast::Expr::Tuple(t) => t.elts.iter().for_each(|e| target_names(e, f)),
        ast::Expr::List(l) => l.elts.iter().for_each(|e| target_names(e, f)),
        ast::Expr::Starred(s) => target_names(&s.value, f),
        _ => {}
    }
}

/// Call `f` for every name a `match` pattern binds.
pub fn pattern_names(p: &ast::Pattern, f: &mut dyn FnMut(&str)) {
    match p {
        ast::Pattern::MatchValue(_) | ast::Pattern::MatchSingleton(_) => {}
        ast::Pattern::MatchSequence(s) => s.patterns.iter().for_each(|p| pattern_names(p, f)),
        ast::Pattern::MatchMapping(m) => {
            m.patterns.iter().for_each(|p| pattern_names(p, f));
            if let Some(r) = &m.rest {
                f(r.as_str());
            }
        }
        ast::Pattern::MatchClass(c) => {
            c.patterns.iter().for_each(|p| pattern_names(p, f));
            c.kwd_patterns.iter().for_each(|p| pattern_names(p, f));
        }
        ast::Pattern::MatchStar(s) => {
            if let Some(n) = &s.name {
                f(n.as_str());
            }
        }
        ast::Pattern::MatchAs(a) => {
            if let Some(p) = &a.pattern {
                pattern_names(p, f);
            }
            if let Some(n) = &a.name {
                f(n.as_str());
            }
        }
        ast::Pattern::MatchOr(o) => o.patterns.iter().for_each(|p| pattern_names(p, f)),
    }
}

/// Call `f` for every statement of `body` and, recursively, of the blocks
/// nested in it, functions' and classes' bodies included (borrowed: no
/// clone of the tree, unlike the by-value `rustpython_ast::Visitor`).
pub fn for_each_stmt<'a>(body: &'a [ast::Stmt], f: &mut dyn FnMut(&'a ast::Stmt)) {
    for stmt in body {
        f(stmt);
        match stmt {
            ast::Stmt::FunctionDef(d) => for_each_stmt(&d.body, f),
            ast::Stmt::AsyncFunctionDef(d) => for_each_stmt(&d.body, f),
            ast::Stmt::ClassDef(c) => for_each_stmt(&c.body, f),
            _ => child_blocks(stmt)
                .into_iter()
                .for_each(|b| for_each_stmt(b, f)),
        }
    }
}

/// Call `f` for every function defined in the scope of `body` (a module or
/// class body): its own `def`s and those in its compound statements (`if`,
/// `try`, loops, `with`, `match`), in source order, not those nested in
/// functions or classes. The order is the one lowering meets them in, which
/// numbers redefinitions (`semanal::def_key`).
pub fn for_each_scope_def<'a>(body: &'a [ast::Stmt], f: &mut dyn FnMut(&'a ast::StmtFunctionDef)) {
    for stmt in body {
        let blocks = match stmt {
            ast::Stmt::FunctionDef(d) => {
                f(d);
                continue;
            }
            ast::Stmt::Try(s) => try_blocks_in_order(&s.body, &s.handlers, &s.orelse, &s.finalbody),
            ast::Stmt::TryStar(s) => {
                try_blocks_in_order(&s.body, &s.handlers, &s.orelse, &s.finalbody)
            }
            _ => child_blocks(stmt),
        };
        blocks.into_iter().for_each(|b| for_each_scope_def(b, f));
    }
}

/// The blocks of a `try` statement in source order.
fn try_blocks_in_order<'a>(
    body: &'a [ast::Stmt],
    handlers: &'a [ast::ExceptHandler],
    orelse: &'a [ast::Stmt],
    finalbody: &'a [ast::Stmt],
) -> Vec<&'a [ast::Stmt]> {
    let mut out = vec![body];
    for h in handlers {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        out.push(&h.body);
    }
    out.push(orelse);
    out.push(finalbody);
    out
}

/// Sub-blocks of a compound statement (not nested defs/classes).
pub fn child_blocks(stmt: &ast::Stmt) -> Vec<&[ast::Stmt]> {
    match stmt {
        ast::Stmt::If(s) => vec![&s.body, &s.orelse],
        ast::Stmt::While(s) => vec![&s.body, &s.orelse],
        ast::Stmt::For(s) => vec![&s.body, &s.orelse],
        ast::Stmt::AsyncFor(s) => vec![&s.body, &s.orelse],
        ast::Stmt::With(s) => vec![&s.body],
        ast::Stmt::AsyncWith(s) => vec![&s.body],
        ast::Stmt::Try(s) => {
            let mut v: Vec<&[ast::Stmt]> = vec![&s.body, &s.orelse, &s.finalbody];
            for h in &s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v
        }
        ast::Stmt::TryStar(s) => {
            let mut v: Vec<&[ast::Stmt]> = vec![&s.body, &s.orelse, &s.finalbody];
            for h in &s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v
        }
        ast::Stmt::Match(m) => m.cases.iter().map(|c| c.body.as_slice()).collect(),
        _ => vec![],
    }
}

/// Call `f` for every name bound directly in `body` (recursing into compound
/// statements but not into nested functions, lambdas or classes).
pub fn for_each_binding(body: &[ast::Stmt], f: &mut dyn FnMut(&str)) {
    bindings(body, true, f)
}

/// Does `stmt` bind `name` (see `for_each_binding`)?
pub fn binds_name(stmt: &ast::Stmt, name: &str) -> bool {
    let mut found = false;
    for_each_binding(std::slice::from_ref(stmt), &mut |n| found |= n == name);
    found
}

fn bindings(body: &[ast::Stmt], with_augmented: bool, f: &mut dyn FnMut(&str)) {
    for stmt in body {
        match stmt {
            ast::Stmt::AugAssign(_) if !with_augmented => {}
            ast::Stmt::FunctionDef(d) => f(d.name.as_str()),
            ast::Stmt::AsyncFunctionDef(d) => f(d.name.as_str()),
            ast::Stmt::ClassDef(c) => f(c.name.as_str()),
            ast::Stmt::Assign(a) => a.targets.iter().for_each(|t| target_names(t, f)),
            ast::Stmt::AnnAssign(a) => target_names(&a.target, f),
            ast::Stmt::AugAssign(a) => target_names(&a.target, f),
            ast::Stmt::For(s) => target_names(&s.target, f),
            ast::Stmt::AsyncFor(s) => target_names(&s.target, f),
            ast::Stmt::With(s) => {
                for item in &s.items {
                    if let Some(v) = &item.optional_vars {
                        target_names(v, f);
                    }
                }
            }
            ast::Stmt::Import(i) => {
                for alias in &i.names {
                    match &alias.asname {
                        Some(a) => f(a.as_str()),
                        None => f(alias.name.split('.').next().unwrap_or("")),
                    }
                }
            }
            ast::Stmt::ImportFrom(i) => {
                for alias in &i.names {
                    f(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
            }
            ast::Stmt::Try(t) => {
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(n) = &h.name {
                        f(n.as_str());
                    }
                }
            }
            ast::Stmt::Delete(d) => d.targets.iter().for_each(|t| target_names(t, f)),
            ast::Stmt::Match(m) => m.cases.iter().for_each(|c| pattern_names(&c.pattern, f)),
            _ => {}
        }
        if !matches!(
            stmt,
            ast::Stmt::FunctionDef(_) | ast::Stmt::AsyncFunctionDef(_) | ast::Stmt::ClassDef(_)
        ) {
            for name in walrus_targets(stmt) {
                f(&name);
            }
        }
        for block in child_blocks(stmt) {
            bindings(block, with_augmented, f);
        }
    }
}

/// Receives (name, value, annotation) of each assignment to a simple name.
pub type AssignmentVisitor<'a> = dyn FnMut(&str, Option<&'a ast::Expr>, Option<&'a ast::Expr>) + 'a;

/// Call `f(name, value, annotation)` for each assignment to a simple name in
/// `body` (in source order, not looking into nested functions). Names bound
/// by tuple unpacking, `for`, `with`, imports and `except ... as` get
/// `value = None`.
pub fn walk_assignments<'a>(body: &'a [ast::Stmt], f: &mut AssignmentVisitor<'a>) {
    for stmt in body {
        match stmt {
            ast::Stmt::Assign(a) => {
                for t in &a.targets {
                    match t {
                        ast::Expr::Name(n) => f(n.id.as_str(), Some(&a.value), None),
                        other => target_names(other, &mut |n| f(n, None, None)),
                    }
                }
            }
            ast::Stmt::AnnAssign(a) => {
                if let ast::Expr::Name(n) = &*a.target {
                    f(n.id.as_str(), a.value.as_deref(), Some(&a.annotation));
                }
            }
            _ => {
                let mut names = vec![];
                match stmt {
                    ast::Stmt::FunctionDef(_)
                    | ast::Stmt::AsyncFunctionDef(_)
                    | ast::Stmt::ClassDef(_) => {}
                    ast::Stmt::AugAssign(_) => {}
                    other => for_each_binding(std::slice::from_ref(other), &mut |n| {
                        names.push(n.to_string())
                    }),
                }
                // Compound statements: only their own targets here; children below.
                let own: Vec<String> = match stmt {
                    ast::Stmt::For(s) => {
                        let mut v = vec![];
                        target_names(&s.target, &mut |n| v.push(n.to_string()));
                        v.extend(walrus_targets(stmt));
                        v
                    }
                    ast::Stmt::If(_)
                    | ast::Stmt::While(_)
                    | ast::Stmt::Try(_)
                    | ast::Stmt::Match(_) => {
                        let mut v = vec![];
                        if let ast::Stmt::Match(m) = stmt {
                            for c in &m.cases {
                                pattern_names(&c.pattern, &mut |n| v.push(n.to_string()));
                            }
                        }
                        if let ast::Stmt::Try(t) = stmt {
                            for h in &t.handlers {
                                let ast::ExceptHandler::ExceptHandler(h) = h;
                                if let Some(n) = &h.name {
                                    v.push(n.to_string());
                                }
                            }
                        }
                        v.extend(walrus_targets(stmt));
                        v
                    }
                    _ => names,
                };
                for n in own {
                    f(&n, None, None);
                }
            }
        }
        for block in child_blocks(stmt) {
            walk_assignments(block, f);
        }
    }
}

/// Names declared `global` in `body` (not looking into nested functions).
pub fn global_names(body: &[ast::Stmt]) -> Vec<String> {
    let mut out = vec![];
    for stmt in body {
        if let ast::Stmt::Global(g) = stmt {
            out.extend(g.names.iter().map(|n| n.to_string()));
        }
        for block in child_blocks(stmt) {
            out.extend(global_names(block));
        }
    }
    out
}

/// Names declared `nonlocal` in `body` (not looking into nested functions).
pub fn nonlocal_names(body: &[ast::Stmt]) -> Vec<String> {
    let mut out = vec![];
    for stmt in body {
        if let ast::Stmt::Nonlocal(g) = stmt {
            out.extend(g.names.iter().map(|n| n.to_string()));
        }
        for block in child_blocks(stmt) {
            out.extend(nonlocal_names(block));
        }
    }
    out
}

/// The parameter names of a function or lambda.
pub fn param_names(args: &ast::Arguments) -> Vec<String> {
    let mut out: Vec<String> = args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .map(|a| a.def.arg.to_string())
        .collect();
    out.extend(
        args.vararg
            .iter()
            .chain(args.kwarg.iter())
            .map(|a| a.arg.to_string()),
    );
    out
}

/// The local variables of a function: its parameters and the names its
/// body binds, except those declared `global` or `nonlocal`.
///
/// As in mypy (whose semantics mypyc compiles), an augmented assignment
/// `x += ...` reads and writes the `x` that is visible there: it does not
/// make `x` a local by itself, so a nested function may update a variable
/// of the enclosing function (or a global) without `nonlocal`.
pub fn function_locals(args: &ast::Arguments, body: &[ast::Stmt]) -> Vec<String> {
    let outer: Vec<String> = global_names(body)
        .into_iter()
        .chain(nonlocal_names(body))
        .collect();
    let mut out = param_names(args);
    bindings(body, false, &mut |n| {
        if !outer.iter().any(|o| o == n) && !out.iter().any(|l| l == n) {
            out.push(n.to_string());
        }
    });
    out
}

/// Collects the names used by the code of one function scope, and the free
/// variables of the functions and lambdas nested in it.
#[derive(Default)]
struct ScopeUses {
    names: Vec<String>,
}

impl ScopeUses {
    fn nested(&mut self, args: &ast::Arguments, body: &[ast::Stmt]) {
        // Defaults and annotations are evaluated in the enclosing scope.
        for a in args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
        {
            if let Some(d) = &a.default {
                self.visit_expr((**d).clone());
            }
        }
        self.names.extend(free_variables(args, body));
    }
}

impl Visitor for ScopeUses {
    crate::visit_whole_tree!();
    fn visit_expr_name(&mut self, node: ast::ExprName) {
        self.names.push(node.id.to_string());
    }
    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        for d in node.decorator_list {
            self.visit_expr(d);
        }
        self.nested(&node.args, &node.body);
    }
    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        for d in node.decorator_list {
            self.visit_expr(d);
        }
        self.nested(&node.args, &node.body);
    }
    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        let body = vec![ast::Stmt::Expr(ast::StmtExpr {
            range: node.range,
            value: node.body,
        })];
        self.nested(&node.args, &body);
    }
    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        if let Some(first) = node.generators.first() {
            self.visit_expr(first.iter.clone());
        }
        let def = genexpr_function(&node);
        self.nested(&def.args, &def.body);
    }
}

/// The free variables of a function or lambda: names that it, or a
/// function nested in it, uses or declares `nonlocal` without binding them
/// itself (sorted). They are locals of an enclosing function, globals or
/// builtins; the enclosing function decides which.
pub fn free_variables(args: &ast::Arguments, body: &[ast::Stmt]) -> Vec<String> {
    let mut uses = ScopeUses::default();
    for s in body {
        uses.visit_stmt(s.clone());
    }
    uses.names.extend(nonlocal_names(body));
    let locals = function_locals(args, body);
    let globals = global_names(body);
    let mut free: Vec<String> = uses
        .names
        .into_iter()
        .filter(|n| !locals.contains(n) && !globals.contains(n))
        .collect();
    free.sort();
    free.dedup();
    free
}

/// The functions and lambdas nested directly in `body` (not inside
/// another nested function): their parameters and bodies.
pub fn nested_scopes(body: &[ast::Stmt]) -> Vec<(ast::Arguments, Vec<ast::Stmt>)> {
    let mut uses = NestedScopes::default();
    for s in body {
        uses.visit_stmt(s.clone());
    }
    uses.scopes
}

#[derive(Default)]
struct NestedScopes {
    scopes: Vec<(ast::Arguments, Vec<ast::Stmt>)>,
}

impl Visitor for NestedScopes {
    crate::visit_whole_tree!();
    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        self.scopes.push((*node.args, node.body));
    }
    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        self.scopes.push((*node.args, node.body));
    }
    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        let body = vec![ast::Stmt::Expr(ast::StmtExpr {
            range: node.range,
            value: node.body,
        })];
        self.scopes.push((*node.args, body));
    }
    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        if let Some(first) = node.generators.first() {
            self.visit_expr(first.iter.clone());
        }
        let def = genexpr_function(&node);
        self.scopes.push((*def.args, def.body));
    }
}

/// The cell variables of a function: its locals that a nested function
/// uses (and so must live in an environment object shared with it).
pub fn cell_variables(args: &ast::Arguments, body: &[ast::Stmt]) -> Vec<String> {
    let mut used = vec![];
    for (a, b) in nested_scopes(body) {
        used.extend(free_variables(&a, &b));
    }
    function_locals(args, body)
        .into_iter()
        .filter(|n| used.contains(n))
        .collect()
}

/// Finds `yield`/`yield from` (and, when `exits`, `return` and `await`)
/// outside nested scopes.
#[derive(Default)]
struct YieldFinder {
    exits: bool,
    found: bool,
}

impl Visitor for YieldFinder {
    crate::visit_whole_tree!();
    fn visit_expr_yield(&mut self, _node: ast::ExprYield) {
        self.found = true;
    }
    fn visit_expr_yield_from(&mut self, _node: ast::ExprYieldFrom) {
        self.found = true;
    }
    fn visit_stmt_return(&mut self, node: ast::StmtReturn) {
        self.found |= self.exits;
        if let Some(v) = node.value {
            self.visit_expr(*v);
        }
    }
    fn visit_expr_await(&mut self, node: ast::ExprAwait) {
        self.found |= self.exits;
        self.visit_expr(*node.value);
    }
    fn visit_stmt_function_def(&mut self, _node: ast::StmtFunctionDef) {}
    fn visit_stmt_async_function_def(&mut self, _node: ast::StmtAsyncFunctionDef) {}
    fn visit_stmt_class_def(&mut self, _node: ast::StmtClassDef) {}
    fn visit_expr_lambda(&mut self, _node: ast::ExprLambda) {}
    fn visit_expr_generator_exp(&mut self, _node: ast::ExprGeneratorExp) {}
}

/// May `stmt` return from its function or suspend it (`return`, `yield`,
/// `await`, not counting nested scopes)?
pub fn may_return(stmt: &ast::Stmt) -> bool {
    let mut v = YieldFinder {
        exits: true,
        found: false,
    };
    v.visit_stmt(stmt.clone());
    v.found
}

/// Is a function with this body a generator (does it `yield` itself)?
pub fn is_generator(body: &[ast::Stmt]) -> bool {
    let mut v = YieldFinder::default();
    for s in body {
        v.visit_stmt(s.clone());
        if v.found {
            return true;
        }
    }
    false
}

/// The parameter of a generator expression's function: the iterator of
/// its first `for` clause.
pub const GENEXPR_ITER: &str = "__mypyc_genexpr_iter__";

/// The function a generator expression stands for:
/// `def <genexpr>(it): for t in it: [for ...] [if ...] yield elt`.
pub fn genexpr_function(g: &ast::ExprGeneratorExp) -> ast::StmtFunctionDef {
    let range = g.range();
    let body = vec![ast::Stmt::Expr(ast::StmtExpr {
        range,
        value: Box::new(ast::Expr::Yield(ast::ExprYield {
            range: g.elt.range(),
            value: Some(g.elt.clone()),
        })),
    })];
    let mut body = comprehension_loops(&g.generators, body);
    if genexpr_is_async(g) {
        crate::parse::lower_async_fors(&mut body);
    }
    ast::StmtFunctionDef {
        range,
        name: ast::Identifier::new("genexpr"),
        args: Box::new(ast::Arguments {
            range: Default::default(),
            posonlyargs: vec![],
            args: vec![ast::ArgWithDefault {
                range: Default::default(),
                def: ast::Arg {
                    range,
                    arg: ast::Identifier::new(GENEXPR_ITER),
                    annotation: None,
                    type_comment: None,
                },
                default: None,
            }],
            vararg: None,
            kwonlyargs: vec![],
            kwarg: None,
        }),
        body,
        decorator_list: vec![],
        returns: None,
        type_comment: None,
        type_params: vec![],
    }
}

/// The nested loops of a comprehension around `body` (the first iterable is
/// the function's parameter, evaluated by the caller).
fn comprehension_loops(
    generators: &[ast::Comprehension],
    mut body: Vec<ast::Stmt>,
) -> Vec<ast::Stmt> {
    let name = |id: &str, range| {
        Box::new(ast::Expr::Name(ast::ExprName {
            range,
            id: ast::Identifier::new(id),
            ctx: ast::ExprContext::Load,
        }))
    };
    for (i, c) in generators.iter().enumerate().rev() {
        for cond in c.ifs.iter().rev() {
            body = vec![ast::Stmt::If(ast::StmtIf {
                range: cond.range(),
                test: Box::new(cond.clone()),
                body,
                orelse: vec![],
            })];
        }
        let iter = if i == 0 {
            name(GENEXPR_ITER, c.iter.range())
        } else {
            Box::new(c.iter.clone())
        };
        body = if c.is_async {
            vec![ast::Stmt::AsyncFor(ast::StmtAsyncFor {
                range: c.target.range(),
                target: Box::new(c.target.clone()),
                iter,
                body,
                orelse: vec![],
                type_comment: None,
            })]
        } else {
            vec![ast::Stmt::For(ast::StmtFor {
                range: c.target.range(),
                target: Box::new(c.target.clone()),
                iter,
                body,
                orelse: vec![],
                type_comment: None,
            })]
        };
    }
    body
}

/// Does a nested function (a lambda or generator expression) inside
/// comprehension `e` use one of its loop variables? Then the comprehension
/// needs its own scope.
pub fn comprehension_captures(e: &ast::Expr) -> bool {
    let (gens, parts): (&[ast::Comprehension], Vec<&ast::Expr>) = match e {
        ast::Expr::ListComp(c) => (&c.generators, vec![&*c.elt]),
        ast::Expr::SetComp(c) => (&c.generators, vec![&*c.elt]),
        ast::Expr::DictComp(c) => (&c.generators, vec![&*c.key, &*c.value]),
        ast::Expr::GeneratorExp(c) => (&c.generators, vec![&*c.elt]),
        _ => return false,
    };
    let mut targets = vec![];
    for g in gens {
        target_names(&g.target, &mut |n| targets.push(n.to_string()));
    }
    #[derive(Default)]
    struct Lambdas {
        used: Vec<String>,
    }
    impl Visitor for Lambdas {
        crate::visit_whole_tree!();
        fn visit_expr_lambda(&mut self, l: ast::ExprLambda) {
            let params = param_names(&l.args);
            let mut names = vec![];
            let stmt = ast::Stmt::Expr(ast::StmtExpr {
                range: l.range,
                value: l.body,
            });
            names_loaded(&stmt, &mut |n| names.push(n.to_string()));
            self.used
                .extend(names.into_iter().filter(|n| !params.contains(n)));
        }
        // A generator expression is a nested function too.
        fn visit_expr_generator_exp(&mut self, g: ast::ExprGeneratorExp) {
            let stmt = ast::Stmt::Expr(ast::StmtExpr {
                range: g.range,
                value: Box::new(ast::Expr::GeneratorExp(g)),
            });
            names_loaded(&stmt, &mut |n| self.used.push(n.to_string()));
        }
    }
    let mut v = Lambdas::default();
    for p in parts {
        v.visit_expr(p.clone());
    }
    for (i, g) in gens.iter().enumerate() {
        if i > 0 {
            v.visit_expr(g.iter.clone());
        }
        for c in &g.ifs {
            v.visit_expr(c.clone());
        }
    }
    v.used.iter().any(|u| targets.contains(u))
}

/// A list, set or dict comprehension as a function of its first iterable
/// that builds and returns the collection (used when its loop variables
/// are captured, so that they live in the function's environment).
pub fn comprehension_function(e: &ast::Expr) -> Option<ast::StmtFunctionDef> {
    let range = e.range();
    let result = |ctx| {
        Box::new(ast::Expr::Name(ast::ExprName {
            range,
            id: ast::Identifier::new(COMPREHENSION_RESULT),
            ctx,
        }))
    };
    let call = |f: Box<ast::Expr>, args: Vec<ast::Expr>| {
        ast::Expr::Call(ast::ExprCall {
            range,
            func: f,
            args,
            keywords: vec![],
        })
    };
    let method = |m: &str| {
        Box::new(ast::Expr::Attribute(ast::ExprAttribute {
            range,
            value: result(ast::ExprContext::Load),
            attr: ast::Identifier::new(m),
            ctx: ast::ExprContext::Load,
        }))
    };
    let stmt_expr = |x: ast::Expr| {
        ast::Stmt::Expr(ast::StmtExpr {
            range,
            value: Box::new(x),
        })
    };
    let (gens, init, add) = match e {
        ast::Expr::ListComp(c) => (
            &c.generators,
            ast::Expr::List(ast::ExprList {
                range,
                elts: vec![],
                ctx: ast::ExprContext::Load,
            }),
            stmt_expr(call(method("append"), vec![(*c.elt).clone()])),
        ),
        ast::Expr::SetComp(c) => (
            &c.generators,
            call(
                Box::new(ast::Expr::Name(ast::ExprName {
                    range,
                    id: ast::Identifier::new("set"),
                    ctx: ast::ExprContext::Load,
                })),
                vec![],
            ),
            stmt_expr(call(method("add"), vec![(*c.elt).clone()])),
        ),
        ast::Expr::DictComp(c) => (
            &c.generators,
            ast::Expr::Dict(ast::ExprDict {
                range,
                keys: vec![],
                values: vec![],
            }),
            ast::Stmt::Assign(ast::StmtAssign {
                range,
                targets: vec![ast::Expr::Subscript(ast::ExprSubscript {
                    range,
                    value: result(ast::ExprContext::Load),
                    slice: c.key.clone(),
                    ctx: ast::ExprContext::Store,
                })],
                value: c.value.clone(),
                type_comment: None,
            }),
        ),
        _ => return None,
    };
    if gens.iter().any(|g| g.is_async) {
        return None;
    }
    let mut body = vec![ast::Stmt::Assign(ast::StmtAssign {
        range,
        targets: vec![*result(ast::ExprContext::Store)],
        value: Box::new(init),
        type_comment: None,
    })];
    body.extend(comprehension_loops(gens, vec![add]));
    body.push(ast::Stmt::Return(ast::StmtReturn {
        range,
        value: Some(result(ast::ExprContext::Load)),
    }));
    let mut def = genexpr_function(&ast::ExprGeneratorExp {
        range,
        elt: Box::new(ast::Expr::Constant(ast::ExprConstant {
            range,
            value: ast::Constant::None,
            kind: None,
        })),
        generators: vec![],
    });
    def.name = ast::Identifier::new("comprehension");
    def.body = body;
    def.type_comment = None;
    Some(def)
}

/// The local holding the collection a comprehension function builds.
pub const COMPREHENSION_RESULT: &str = "__mypyc_comp_result__";

/// Every name read (`Load` context) anywhere in `stmt`, nested scopes included.
pub fn names_loaded(stmt: &ast::Stmt, f: &mut dyn FnMut(&str)) {
    struct V<'f> {
        f: &'f mut dyn FnMut(&str),
    }
    impl rustpython_ast::Visitor for V<'_> {
        crate::visit_whole_tree!();
        fn visit_expr_name(&mut self, n: ast::ExprName) {
            if matches!(n.ctx, ast::ExprContext::Load) {
                (self.f)(n.id.as_str());
            }
        }
    }
    rustpython_ast::Visitor::visit_stmt(&mut V { f }, stmt.clone());
}

/// Is this generator expression an async generator (an `async for`
/// clause, or an `await` outside its first iterable)?
pub fn genexpr_is_async(g: &ast::ExprGeneratorExp) -> bool {
    if g.generators.iter().any(|c| c.is_async) {
        return true;
    }
    let mut v = AwaitFinder::default();
    v.visit_expr((*g.elt).clone());
    for (i, c) in g.generators.iter().enumerate() {
        if i > 0 {
            v.visit_expr(c.iter.clone());
        }
        for cond in &c.ifs {
            v.visit_expr(cond.clone());
        }
    }
    v.found
}

#[derive(Default)]
struct AwaitFinder {
    found: bool,
}

impl Visitor for AwaitFinder {
    crate::visit_whole_tree!();
    fn visit_expr_await(&mut self, _node: ast::ExprAwait) {
        self.found = true;
    }
    fn visit_stmt_function_def(&mut self, _node: ast::StmtFunctionDef) {}
    fn visit_stmt_async_function_def(&mut self, _node: ast::StmtAsyncFunctionDef) {}
    fn visit_stmt_class_def(&mut self, _node: ast::StmtClassDef) {}
    fn visit_expr_lambda(&mut self, _node: ast::ExprLambda) {}
    fn visit_expr_generator_exp(&mut self, _node: ast::ExprGeneratorExp) {}
}

/// `a.b.c` as text, for names and attribute chains.
pub fn dotted_name(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Name(n) => Some(n.id.to_string()),
        ast::Expr::Attribute(a) => Some(format!("{}.{}", dotted_name(&a.value)?, a.attr)),
        _ => None,
    }
}
