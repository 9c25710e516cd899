//! Undefined names (`[name-defined]`): resolves every name read in a module
//! through Python's scopes (function locals, enclosing functions, the
//! module, builtins; a class body's names are visible only in the class
//! body itself) and reports the names no scope binds.
//!
//! A scope's names are every name it binds anywhere (assignments, `for`,
//! `with`, imports, `except ... as`, `:=`, `match` captures, `del`,
//! definitions), whatever the order, so use-before-definition is not this
//! pass's concern. Names inside annotations are not checked (they may be
//! forward references or typing-only names). A star import makes every name
//! of the module defined.

use std::collections::HashSet;

use rustpython_ast::Visitor;
use rustpython_parser::ast;

use super::reachability::{condition_value, Target};
use crate::semanal::scope;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Module,
    Function,
    Class,
    /// Comprehensions and lambdas: see enclosing class bodies too (permissive).
    Inline,
}

struct Scope {
    kind: Kind,
    names: HashSet<String>,
}

/// Walks one module and collects undefined names with their offsets.
struct NameCheck<'a> {
    scopes: Vec<Scope>,
    builtins: &'a HashSet<String>,
    /// Decides the version and platform checks whose ruled-out branch is
    /// not resolved (as mypy, which finds it unreachable).
    target: &'a Target,
    open: bool,
    /// (name, start offset, similar names) of each undefined name read.
    undefined: Vec<(String, u32, Vec<String>)>,
}

/// Names bound by `:=` anywhere in a statement or expression, and by
/// `match` patterns, not looking into nested scopes.
#[derive(Default)]
struct ExtraBindings {
    names: Vec<String>,
    type_params: Vec<String>,
}

impl Visitor for ExtraBindings {
    fn visit_expr_named_expr(&mut self, node: ast::ExprNamedExpr) {
        scope::target_names(&node.target, &mut |n| self.names.push(n.to_string()));
        self.visit_expr(*node.value);
    }
    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        self.type_params_of(&node.type_params);
        node.decorator_list
            .into_iter()
            .for_each(|d| self.visit_expr(d));
    }
    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        self.type_params_of(&node.type_params);
        node.decorator_list
            .into_iter()
            .for_each(|d| self.visit_expr(d));
    }
    fn visit_stmt_class_def(&mut self, node: ast::StmtClassDef) {
        self.type_params_of(&node.type_params);
        node.decorator_list
            .into_iter()
            .for_each(|d| self.visit_expr(d));
    }
    fn visit_stmt_type_alias(&mut self, node: ast::StmtTypeAlias) {
        scope::target_names(&node.name, &mut |n| self.names.push(n.to_string()));
        self.type_params_of(&node.type_params);
    }
    fn visit_expr_lambda(&mut self, _node: ast::ExprLambda) {}
    fn visit_keyword(&mut self, node: ast::Keyword) {
        self.visit_expr(node.value);
    }
    fn visit_withitem(&mut self, node: ast::WithItem) {
        if let Some(v) = &node.optional_vars {
            scope::target_names(v, &mut |n| self.names.push(n.to_string()));
        }
        self.visit_expr(node.context_expr);
    }
    fn visit_comprehension(&mut self, node: ast::Comprehension) {
        self.visit_expr(node.iter);
        node.ifs.into_iter().for_each(|e| self.visit_expr(e));
    }
    fn visit_match_case(&mut self, node: ast::MatchCase) {
        self.visit_pattern(node.pattern);
        if let Some(g) = node.guard {
            self.visit_expr(*g);
        }
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
    }
    fn visit_excepthandler_except_handler(&mut self, node: ast::ExceptHandlerExceptHandler) {
        if let Some(n) = &node.name {
            self.names.push(n.to_string());
        }
        if let Some(t) = node.type_ {
            self.visit_expr(*t);
        }
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
    }
    fn visit_pattern_match_as(&mut self, node: ast::PatternMatchAs) {
        if let Some(n) = &node.name {
            self.names.push(n.to_string());
        }
        if let Some(p) = node.pattern {
            self.visit_pattern(*p);
        }
    }
    fn visit_pattern_match_star(&mut self, node: ast::PatternMatchStar) {
        if let Some(n) = &node.name {
            self.names.push(n.to_string());
        }
    }
    fn visit_pattern_match_mapping(&mut self, node: ast::PatternMatchMapping) {
        if let Some(n) = &node.rest {
            self.names.push(n.to_string());
        }
        node.patterns
            .into_iter()
            .for_each(|p| self.visit_pattern(p));
    }
}

impl ExtraBindings {
    fn type_params_of(&mut self, params: &[ast::TypeParam]) {
        for p in params {
            let name = match p {
                ast::TypeParam::TypeVar(t) => t.name.to_string(),
                ast::TypeParam::ParamSpec(t) => t.name.to_string(),
                ast::TypeParam::TypeVarTuple(t) => t.name.to_string(),
            };
            self.type_params.push(name);
        }
    }
}

/// Every name a block binds (see the module comment), and the type
/// parameters of definitions in it.
pub(crate) fn block_names(body: &[ast::Stmt]) -> (HashSet<String>, Vec<String>) {
    let mut names = HashSet::new();
    scope::for_each_binding(body, &mut |n| {
        names.insert(n.to_string());
    });
    let mut extra = ExtraBindings::default();
    for s in body {
        extra.visit_stmt(s.clone());
    }
    names.extend(extra.names);
    for s in body {
        if let ast::Stmt::Global(g) = s {
            names.extend(g.names.iter().map(|n| n.to_string()));
        }
        if let ast::Stmt::Nonlocal(g) = s {
            names.extend(g.names.iter().map(|n| n.to_string()));
        }
    }
    (names, extra.type_params)
}

/// Names declared `global` anywhere in the module (functions may bind them).
fn all_globals(body: &[ast::Stmt]) -> Vec<String> {
    struct G(Vec<String>);
    impl Visitor for G {
        fn visit_stmt_global(&mut self, n: ast::StmtGlobal) {
            self.0.extend(n.names.iter().map(|i| i.to_string()));
        }
        fn visit_match_case(&mut self, node: ast::MatchCase) {
            node.body.into_iter().for_each(|s| self.visit_stmt(s));
        }
    }
    let mut g = G(vec![]);
    for s in body {
        g.visit_stmt(s.clone());
    }
    g.0
}

fn arg_names(args: &ast::Arguments) -> Vec<String> {
    let mut out = vec![];
    for a in args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
    {
        out.push(a.def.arg.to_string());
    }
    if let Some(v) = &args.vararg {
        out.push(v.arg.to_string());
    }
    if let Some(k) = &args.kwarg {
        out.push(k.arg.to_string());
    }
    out
}

impl NameCheck<'_> {
    fn defined(&self, name: &str) -> bool {
        if self.open || self.builtins.contains(name) {
            return true;
        }
        let innermost = self.scopes.len().saturating_sub(1);
        for (i, s) in self.scopes.iter().enumerate().rev() {
            // A class body's names are not visible from functions nested in it.
            let hidden = s.kind == Kind::Class
                && i != innermost
                && self.scopes[i + 1..]
                    .iter()
                    .any(|x| x.kind == Kind::Function);
            if !hidden && s.names.contains(name) {
                return true;
            }
        }
        false
    }

    /// The names a read here could have meant (mypy's suggestions: every
    /// visible scope's names and the builtins, no dunders).
    fn visible_names(&self) -> Vec<String> {
        let innermost = self.scopes.len().saturating_sub(1);
        let mut out: Vec<String> = vec![];
        for (i, s) in self.scopes.iter().enumerate() {
            if s.kind == Kind::Class && i != innermost {
                continue;
            }
            out.extend(s.names.iter().cloned());
        }
        out.extend(
            self.builtins
                .iter()
                .filter(|b| !(b.len() > 1 && b.starts_with('_') && !b.starts_with("__")))
                .cloned(),
        );
        out.retain(|n| !n.starts_with("__"));
        out.sort();
        out.dedup();
        out
    }

    fn push(&mut self, kind: Kind, names: HashSet<String>) {
        self.scopes.push(Scope { kind, names });
    }

    fn visit_defaults(&mut self, args: &ast::Arguments) {
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
    }

    fn function(&mut self, args: &ast::Arguments, body: Vec<ast::Stmt>, tparams: Vec<String>) {
        self.visit_defaults(args);
        let (mut names, _) = block_names(&body);
        names.extend(arg_names(args));
        names.extend(tparams);
        self.push(Kind::Function, names);
        body.into_iter().for_each(|s| self.visit_stmt(s));
        self.scopes.pop();
    }

    fn comprehension(&mut self, generators: Vec<ast::Comprehension>, elts: Vec<ast::Expr>) {
        let mut names = HashSet::new();
        for g in &generators {
            scope::target_names(&g.target, &mut |n| {
                names.insert(n.to_string());
            });
        }
        self.push(Kind::Inline, names);
        for g in generators {
            self.visit_expr(g.iter);
            g.ifs.into_iter().for_each(|e| self.visit_expr(e));
        }
        elts.into_iter().for_each(|e| self.visit_expr(e));
        self.scopes.pop();
    }
}

fn tparam_names(params: &[ast::TypeParam]) -> Vec<String> {
    let mut e = ExtraBindings::default();
    e.type_params_of(params);
    e.type_params
}

impl Visitor for NameCheck<'_> {
    fn visit_stmt_if(&mut self, node: ast::StmtIf) {
        let value = condition_value(&node.test, self.target);
        self.visit_expr(*node.test);
        let taken = match value {
            Some(true) => node.body,
            Some(false) => node.orelse,
            None => node.body.into_iter().chain(node.orelse).collect(),
        };
        taken.into_iter().for_each(|s| self.visit_stmt(s));
    }
    fn visit_expr_name(&mut self, node: ast::ExprName) {
        let name = node.id.as_str();
        if matches!(node.ctx, ast::ExprContext::Load) && !self.defined(name) {
            let suggestions = if is_dunder(name) {
                vec![]
            } else {
                super::similar::best_matches(name, &self.visible_names(), 3)
            };
            self.undefined
                .push((name.to_string(), u32::from(node.range.start()), suggestions));
        }
    }
    fn visit_stmt_function_def(&mut self, node: ast::StmtFunctionDef) {
        node.decorator_list
            .into_iter()
            .for_each(|d| self.visit_expr(d));
        self.function(&node.args, node.body, tparam_names(&node.type_params));
    }
    fn visit_stmt_async_function_def(&mut self, node: ast::StmtAsyncFunctionDef) {
        node.decorator_list
            .into_iter()
            .for_each(|d| self.visit_expr(d));
        self.function(&node.args, node.body, tparam_names(&node.type_params));
    }
    fn visit_stmt_class_def(&mut self, node: ast::StmtClassDef) {
        node.decorator_list
            .into_iter()
            .for_each(|d| self.visit_expr(d));
        let tparams = tparam_names(&node.type_params);
        self.push(Kind::Inline, tparams.into_iter().collect());
        node.bases.into_iter().for_each(|b| self.visit_expr(b));
        node.keywords
            .into_iter()
            .for_each(|k| self.visit_expr(k.value));
        let (names, _) = block_names(&node.body);
        self.push(Kind::Class, names);
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
        self.scopes.pop();
        self.scopes.pop();
    }
    fn visit_stmt_ann_assign(&mut self, node: ast::StmtAnnAssign) {
        if !matches!(&*node.target, ast::Expr::Name(_)) {
            self.visit_expr(*node.target);
        }
        if let Some(v) = node.value {
            self.visit_expr(*v);
        }
    }
    fn visit_stmt_type_alias(&mut self, _node: ast::StmtTypeAlias) {}
    fn visit_stmt_delete(&mut self, _node: ast::StmtDelete) {}
    fn visit_expr_lambda(&mut self, node: ast::ExprLambda) {
        self.visit_defaults(&node.args);
        self.push(Kind::Inline, arg_names(&node.args).into_iter().collect());
        self.visit_expr(*node.body);
        self.scopes.pop();
    }
    fn visit_expr_list_comp(&mut self, node: ast::ExprListComp) {
        self.comprehension(node.generators, vec![*node.elt]);
    }
    fn visit_expr_set_comp(&mut self, node: ast::ExprSetComp) {
        self.comprehension(node.generators, vec![*node.elt]);
    }
    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        self.comprehension(node.generators, vec![*node.elt]);
    }
    fn visit_expr_dict_comp(&mut self, node: ast::ExprDictComp) {
        self.comprehension(node.generators, vec![*node.key, *node.value]);
    }
    fn visit_keyword(&mut self, node: ast::Keyword) {
        self.visit_expr(node.value);
    }
    fn visit_withitem(&mut self, node: ast::WithItem) {
        self.visit_expr(node.context_expr);
        if let Some(v) = node.optional_vars {
            self.visit_expr(*v);
        }
    }
    fn visit_match_case(&mut self, node: ast::MatchCase) {
        self.visit_pattern(node.pattern);
        if let Some(g) = node.guard {
            self.visit_expr(*g);
        }
        node.body.into_iter().for_each(|s| self.visit_stmt(s));
    }
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// The undefined names read in a module: (name, byte offset, the defined
/// names most like it).
pub fn undefined_names(
    body: &[ast::Stmt],
    builtins: &HashSet<String>,
    target: &Target,
) -> Vec<(String, u32, Vec<String>)> {
    let (mut names, tparams) = block_names(body);
    names.extend(all_globals(body));
    names.extend(tparams);
    let open = body.iter().any(
        |s| matches!(s, ast::Stmt::ImportFrom(i) if i.names.iter().any(|a| a.name.as_str() == "*")),
    ) || names.contains("__getattr__");
    let mut v = NameCheck {
        scopes: vec![Scope {
            kind: Kind::Module,
            names,
        }],
        builtins,
        target,
        open,
        undefined: vec![],
    };
    for s in body {
        v.visit_stmt(s.clone());
    }
    v.undefined
}
