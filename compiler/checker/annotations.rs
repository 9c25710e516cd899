//! mypy's `--disallow-untyped-defs` and `--disallow-incomplete-defs` (both
//! part of `--strict`): functions without annotations, or with some
//! missing, are errors (`[no-untyped-def]`), in mypy's words and by mypy's
//! rules (`checker.py: check_for_missing_annotations`):
//! - a `def` with no annotation at all is "missing a type annotation", or
//!   "missing a return type annotation" when it takes no arguments or only
//!   `self`/`cls` (with a note suggesting `-> None` when it returns no
//!   value);
//! - a `def` with some annotations: a missing return annotation, or a
//!   missing argument annotation, each its own error. The first argument of
//!   a method (not a static method) is implicitly typed, and so is the
//!   return of a partly annotated `__init__`/`__init_subclass__` (`None`).
//!
//! mypy does not check code it finds unreachable; definitions under `if`s
//! that test `sys.version_info`, `sys.platform` or `TYPE_CHECKING` are left
//! alone here (one branch of them may be unreachable), so that no program
//! mypy accepts is rejected.

use rustpython_parser::ast::{self, Ranged};

use crate::diagnostics::Diagnostic;
use crate::parse::ParsedModule;

use super::ignore::Ignores;
use super::messages::{self as msg, Msg};

/// Which annotation checks apply to a module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnnotationChecks {
    /// `disallow_untyped_defs`.
    pub untyped_defs: bool,
    /// `disallow_incomplete_defs`.
    pub incomplete_defs: bool,
}

/// The missing-annotation errors of a module.
pub fn missing_annotations(
    m: &ParsedModule,
    checks: AnnotationChecks,
    ignores: &Ignores,
) -> Vec<Diagnostic> {
    let mut out = vec![];
    if checks.untyped_defs || checks.incomplete_defs {
        let mut w = Walker {
            m,
            checks,
            ignores,
            out: &mut out,
        };
        w.body(&m.body, false);
    }
    out
}

struct Walker<'a> {
    m: &'a ParsedModule,
    checks: AnnotationChecks,
    ignores: &'a Ignores,
    out: &'a mut Vec<Diagnostic>,
}

/// The parts of a `def` the checks look at.
struct Def<'a> {
    name: &'a str,
    args: &'a ast::Arguments,
    returns: bool,
    body: &'a [ast::Stmt],
    decorators: &'a [ast::Expr],
    start: ast::text_size::TextSize,
}

impl Walker<'_> {
    fn body(&mut self, stmts: &[ast::Stmt], in_class: bool) {
        for s in stmts {
            self.stmt(s, in_class);
        }
    }

    fn stmt(&mut self, s: &ast::Stmt, in_class: bool) {
        use ast::Stmt as S;
        match s {
            S::FunctionDef(f) => self.def(
                &Def {
                    name: f.name.as_str(),
                    args: &f.args,
                    returns: f.returns.is_some(),
                    body: &f.body,
                    decorators: &f.decorator_list,
                    start: f.start(),
                },
                in_class,
            ),
            S::AsyncFunctionDef(f) => self.def(
                &Def {
                    name: f.name.as_str(),
                    args: &f.args,
                    returns: f.returns.is_some(),
                    body: &f.body,
                    decorators: &f.decorator_list,
                    start: f.start(),
                },
                in_class,
            ),
            S::ClassDef(c) => self.body(&c.body, true),
            S::If(i) if !is_platform_or_version_test(&i.test) => {
                self.body(&i.body, in_class);
                self.body(&i.orelse, in_class);
            }
            S::For(f) => {
                self.body(&f.body, in_class);
                self.body(&f.orelse, in_class);
            }
            S::AsyncFor(f) => {
                self.body(&f.body, in_class);
                self.body(&f.orelse, in_class);
            }
            S::While(w) => {
                self.body(&w.body, in_class);
                self.body(&w.orelse, in_class);
            }
            S::With(w) => self.body(&w.body, in_class),
            S::AsyncWith(w) => self.body(&w.body, in_class),
            S::Try(t) => self.try_parts(&t.body, &t.handlers, &t.orelse, &t.finalbody, in_class),
            S::TryStar(t) => {
                self.try_parts(&t.body, &t.handlers, &t.orelse, &t.finalbody, in_class)
            }
            S::Match(mt) => {
                for case in &mt.cases {
                    self.body(&case.body, in_class);
                }
            }
            _ => {}
        }
    }

    fn try_parts(
        &mut self,
        body: &[ast::Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[ast::Stmt],
        finalbody: &[ast::Stmt],
        in_class: bool,
    ) {
        self.body(body, in_class);
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.body(&h.body, in_class);
        }
        self.body(orelse, in_class);
        self.body(finalbody, in_class);
    }

    fn def(&mut self, d: &Def, in_class: bool) {
        self.check_def(d, in_class);
        // Nested functions are checked too (not as methods).
        self.body(d.body, false);
    }

    fn check_def(&mut self, d: &Def, in_class: bool) {
        let a = d.args;
        let positional: Vec<&ast::ArgWithDefault> = a.posonlyargs.iter().chain(&a.args).collect();
        let all: Vec<&ast::Arg> = positional
            .iter()
            .map(|p| &p.def)
            .chain(a.vararg.as_deref())
            .chain(a.kwonlyargs.iter().map(|k| &k.def))
            .chain(a.kwarg.as_deref())
            .collect();
        let any_annotation = d.returns || all.iter().any(|arg| arg.annotation.is_some());
        let (line, col) = self.m.lines.line_col(d.start);
        if !any_annotation {
            if !self.checks.untyped_defs {
                return;
            }
            let only_self =
                all.is_empty() || (all.len() == 1 && matches!(all[0].arg.as_str(), "self" | "cls"));
            if only_self {
                if self.error(line, col, msg::return_type_expected())
                    && !returns_value(d.body)
                    && !is_generator(d.body)
                {
                    self.out.push(Diagnostic::note(
                        &self.m.path,
                        line,
                        col,
                        msg::USE_NONE_RETURN,
                    ));
                }
            } else {
                self.error(line, col, msg::function_type_expected());
            }
            return;
        }
        // Partly annotated: checked under either option.
        let is_static = d
            .decorators
            .iter()
            .any(|e| matches!(e, ast::Expr::Name(n) if n.id.as_str() == "staticmethod"));
        let implicit_first = in_class && !is_static && !positional.is_empty();
        let init_like = in_class && matches!(d.name, "__init__" | "__init_subclass__");
        if !d.returns && !init_like {
            self.error(line, col, msg::return_type_expected());
        }
        let skip = usize::from(implicit_first);
        let unannotated = all
            .iter()
            .enumerate()
            .any(|(i, arg)| arg.annotation.is_none() && i >= skip);
        if unannotated {
            self.error(line, col, msg::param_type_expected());
        }
    }

    /// Reports an error unless silenced; whether it was reported.
    fn error(&mut self, line: u32, col: u32, (message, code): Msg) -> bool {
        if self.ignores.silenced(line, code) {
            return false;
        }
        self.out
            .push(Diagnostic::error(&self.m.path, line, col, message).with_code(code));
        true
    }
}

/// `sys.version_info ...`, `sys.platform ...`, `TYPE_CHECKING`, and their
/// negations and combinations.
fn is_platform_or_version_test(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Name(n) => n.id.as_str() == "TYPE_CHECKING",
        ast::Expr::Attribute(a) => {
            matches!(
                a.attr.as_str(),
                "version_info" | "platform" | "TYPE_CHECKING"
            )
        }
        ast::Expr::Subscript(s) => is_platform_or_version_test(&s.value),
        ast::Expr::Compare(c) => {
            is_platform_or_version_test(&c.left)
                || c.comparators.iter().any(is_platform_or_version_test)
        }
        ast::Expr::UnaryOp(u) => is_platform_or_version_test(&u.operand),
        ast::Expr::BoolOp(b) => b.values.iter().any(is_platform_or_version_test),
        ast::Expr::Call(c) => {
            // sys.platform.startswith("linux")
            matches!(&*c.func, ast::Expr::Attribute(a) if is_platform_or_version_test(&a.value))
        }
        _ => false,
    }
}

/// Does the body return a value other than `None` (anywhere, as mypy's
/// `has_return_statement`)?
fn returns_value(body: &[ast::Stmt]) -> bool {
    let mut found = false;
    visit_stmts(body, &mut |s| {
        if let ast::Stmt::Return(r) = s {
            let trivial = match r.value.as_deref() {
                None => true,
                Some(ast::Expr::Constant(c)) => matches!(c.value, ast::Constant::None),
                Some(ast::Expr::Name(n)) => n.id.as_str() == "None",
                Some(_) => false,
            };
            found |= !trivial;
        }
    });
    found
}

/// Does the body (not counting nested functions and classes) `yield`?
fn is_generator(body: &[ast::Stmt]) -> bool {
    let mut gen = GeneratorFinder(false);
    for s in body {
        rustpython_ast::Visitor::visit_stmt(&mut gen, s.clone());
    }
    gen.0
}

struct GeneratorFinder(bool);

impl rustpython_ast::Visitor for GeneratorFinder {
    fn visit_expr_yield(&mut self, _node: ast::ExprYield) {
        self.0 = true;
    }
    fn visit_expr_yield_from(&mut self, _node: ast::ExprYieldFrom) {
        self.0 = true;
    }
    fn visit_expr_lambda(&mut self, _node: ast::ExprLambda) {}
    fn visit_stmt_function_def(&mut self, _node: ast::StmtFunctionDef) {}
    fn visit_stmt_async_function_def(&mut self, _node: ast::StmtAsyncFunctionDef) {}
    fn visit_stmt_class_def(&mut self, _node: ast::StmtClassDef) {}
}

/// `visit_stmts` over the blocks of a `try` (or `try*`) statement.
fn visit_try(
    body: &[ast::Stmt],
    handlers: &[ast::ExceptHandler],
    orelse: &[ast::Stmt],
    finalbody: &[ast::Stmt],
    f: &mut dyn FnMut(&ast::Stmt),
) {
    visit_stmts(body, f);
    for h in handlers {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        visit_stmts(&h.body, f);
    }
    visit_stmts(orelse, f);
    visit_stmts(finalbody, f);
}

/// Calls `f` on every statement of `body`, nested ones included.
fn visit_stmts(body: &[ast::Stmt], f: &mut dyn FnMut(&ast::Stmt)) {
    use ast::Stmt as S;
    for s in body {
        f(s);
        match s {
            S::FunctionDef(x) => visit_stmts(&x.body, f),
            S::AsyncFunctionDef(x) => visit_stmts(&x.body, f),
            S::ClassDef(x) => visit_stmts(&x.body, f),
            S::If(x) => {
                visit_stmts(&x.body, f);
                visit_stmts(&x.orelse, f);
            }
            S::For(x) => {
                visit_stmts(&x.body, f);
                visit_stmts(&x.orelse, f);
            }
            S::AsyncFor(x) => {
                visit_stmts(&x.body, f);
                visit_stmts(&x.orelse, f);
            }
            S::While(x) => {
                visit_stmts(&x.body, f);
                visit_stmts(&x.orelse, f);
            }
            S::With(x) => visit_stmts(&x.body, f),
            S::AsyncWith(x) => visit_stmts(&x.body, f),
            S::Try(x) => visit_try(&x.body, &x.handlers, &x.orelse, &x.finalbody, f),
            S::TryStar(x) => visit_try(&x.body, &x.handlers, &x.orelse, &x.finalbody, f),
            S::Match(x) => {
                for c in &x.cases {
                    visit_stmts(&c.body, f);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str, checks: AnnotationChecks) -> Vec<String> {
        let m = crate::parse::parse_module("m.py", src).unwrap();
        let ignores = Ignores::scan(src, 1);
        missing_annotations(&m, checks, &ignores)
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    const UNTYPED: AnnotationChecks = AnnotationChecks {
        untyped_defs: true,
        incomplete_defs: false,
    };
    const INCOMPLETE: AnnotationChecks = AnnotationChecks {
        untyped_defs: false,
        incomplete_defs: true,
    };

    #[test]
    fn follows_mypys_rules() {
        let src = "\
def a():
    pass
def b(x):
    return x
def c(x: int):
    return x
def d(x, y: int) -> int:
    return y
class C:
    def __init__(self, x: int):
        self.x = x
    def m(self):
        return 1
    def n(self, y: int) -> int:
        return y
    @staticmethod
    def s(z) -> None:
        pass
def e(*args: int, **kw) -> None:
    pass
def g():
    yield 1
def fine(x: int) -> int:
    def inner(y):
        return y
    return x
import sys
if sys.version_info >= (3, 99):
    def skipped(q):
        pass
def h(x):  # type: ignore[no-untyped-def]
    pass
";
        let got = check(src, UNTYPED);
        let want = [
            "m.py:1:1: error: Function is missing a return type annotation  [no-untyped-def]",
            "m.py:1:1: note: Use \"-> None\" if function does not return a value",
            "m.py:3:1: error: Function is missing a type annotation  [no-untyped-def]",
            "m.py:5:1: error: Function is missing a return type annotation  [no-untyped-def]",
            "m.py:7:1: error: Function is missing a type annotation for one or more parameters  [no-untyped-def]",
            "m.py:12:5: error: Function is missing a return type annotation  [no-untyped-def]",
            "m.py:17:5: error: Function is missing a type annotation for one or more parameters  [no-untyped-def]",
            "m.py:19:1: error: Function is missing a type annotation for one or more parameters  [no-untyped-def]",
            "m.py:21:1: error: Function is missing a return type annotation  [no-untyped-def]",
            "m.py:24:5: error: Function is missing a type annotation  [no-untyped-def]",
        ];
        assert_eq!(got, want);
        // Incomplete definitions only: the partly annotated ones.
        let got = check(src, INCOMPLETE);
        let lines: Vec<&str> = got.iter().map(|d| &d[..7]).collect();
        assert_eq!(lines, ["m.py:5:", "m.py:7:", "m.py:17", "m.py:19"]);
        assert!(check(src, AnnotationChecks::default()).is_empty());
    }
}
