//! Parsing: a thin wrapper over rustpython-parser that turns syntax errors
//! into diagnostics and maps byte offsets to 1-based line/column positions.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextSize;

use crate::diagnostics::Diagnostic;

pub mod strings;

/// Maps byte offsets of a source file to 1-based (line, column).
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    source: String,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex {
            line_starts,
            source: source.to_string(),
        }
    }

    /// The source text of a node.
    pub fn text<T: Ranged>(&self, node: &T) -> &str {
        let r = node.range();
        self.source
            .get(usize::from(r.start())..usize::from(r.end()))
            .unwrap_or("")
    }

    /// The `# type: T` comment ending the line where `node` ends, if any.
    pub fn type_comment<T: Ranged>(&self, node: &T) -> Option<&str> {
        let end = usize::from(node.range().end());
        let rest = self.source.get(end..)?;
        let line = rest.split('\n').next()?;
        let comment = line.trim_start().strip_prefix('#')?.trim_start();
        let t = comment.strip_prefix("type:")?.trim();
        (!t.starts_with("ignore")).then_some(t)
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: TextSize) -> u32 {
        let off = u32::from(offset);
        match self.line_starts.binary_search(&off) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: TextSize) -> (u32, u32) {
        let line = self.line(offset);
        let start = self.line_starts[(line - 1) as usize] as usize;
        let end = (u32::from(offset) as usize).min(self.source.len());
        let col = self
            .source
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line, col as u32 + 1)
    }
}

/// A parsed module with its position index.
#[derive(Clone)]
pub struct ParsedModule {
    pub path: String,
    pub body: Vec<ast::Stmt>,
    pub lines: LineIndex,
    /// Start offsets of the `async def`s `lower_async` turned into `def`s
    /// and of the async generator expressions (see `is_async_def`).
    pub async_defs: std::collections::HashSet<u32>,
}

impl ParsedModule {
    /// Is this function an `async def` that `lower_async` made a `def`, or
    /// the function of an async generator expression (which starts where
    /// the expression does)?
    pub fn is_async_def(&self, def: &ast::StmtFunctionDef) -> bool {
        self.async_defs.contains(&u32::from(def.range.start()))
    }

    /// 1-based line of a node.
    pub fn line_of<T: Ranged>(&self, node: &T) -> u32 {
        self.lines.line(node.start())
    }

    /// An error diagnostic at a node.
    pub fn error_at<T: Ranged>(&self, node: &T, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.lines.line_col(node.start());
        Diagnostic::error(&self.path, line, col, message)
    }
}

/// Parse a module's source; a syntax error becomes a diagnostic.
pub fn parse_module(path: &str, source: &str) -> Result<ParsedModule, Diagnostic> {
    let lines = LineIndex::new(source);
    match rustpython_parser::parse(source, rustpython_parser::Mode::Module, path) {
        Ok(ast::Mod::Module(m)) => Ok(ParsedModule {
            path: path.to_string(),
            async_defs: Default::default(),
            body: m.body,
            lines,
        }),
        Ok(_) => Err(Diagnostic::error(path, 1, 1, "expected a module")),
        Err(e) => {
            let (line, col) = lines.line_col(e.offset);
            Err(
                Diagnostic::error(path, line, col, format!("invalid syntax: {}", e.error))
                    .with_code("syntax"),
            )
        }
    }
}

/// `async for t in it: body else: orelse` as
///
/// ```text
/// __mypyc_aiter_N = aiter(it)
/// while True:
///     try:
///         t = await anext(__mypyc_aiter_N)
///     except StopAsyncIteration:
///         orelse
///         break
///     body
/// ```
fn async_for_as_while(f: &ast::StmtAsyncFor) -> ast::Stmt {
    let range = f.range;
    let it_name = format!("__mypyc_aiter_{}", u32::from(range.start()));
    let name = |id: &str, ctx: ast::ExprContext| {
        ast::Expr::Name(ast::ExprName {
            range,
            id: ast::Identifier::new(id),
            ctx,
        })
    };
    let call = |func: &str, arg: ast::Expr| {
        ast::Expr::Call(ast::ExprCall {
            range,
            func: Box::new(name(func, ast::ExprContext::Load)),
            args: vec![arg],
            keywords: vec![],
        })
    };
    let init = ast::Stmt::Assign(ast::StmtAssign {
        range,
        targets: vec![name(&it_name, ast::ExprContext::Store)],
        value: Box::new(call("aiter", (*f.iter).clone())),
        type_comment: None,
    });
    let next = ast::Stmt::Assign(ast::StmtAssign {
        range,
        targets: vec![(*f.target).clone()],
        value: Box::new(ast::Expr::Await(ast::ExprAwait {
            range,
            value: Box::new(call("anext", name(&it_name, ast::ExprContext::Load))),
        })),
        type_comment: None,
    });
    let mut on_stop = f.orelse.clone();
    on_stop.push(ast::Stmt::Break(ast::StmtBreak { range }));
    let step = ast::Stmt::Try(ast::StmtTry {
        range,
        body: vec![next],
        handlers: vec![ast::ExceptHandler::ExceptHandler(
            ast::ExceptHandlerExceptHandler {
                range,
                type_: Some(Box::new(name("StopAsyncIteration", ast::ExprContext::Load))),
                name: None,
                body: on_stop,
            },
        )],
        orelse: vec![],
        finalbody: vec![],
    });
    let mut body = vec![step];
    body.extend(f.body.iter().cloned());
    let forever = ast::Stmt::While(ast::StmtWhile {
        range,
        test: Box::new(ast::Expr::Constant(ast::ExprConstant {
            range,
            value: ast::Constant::Bool(true),
            kind: None,
        })),
        body,
        orelse: vec![],
    });
    ast::Stmt::If(ast::StmtIf {
        range,
        test: Box::new(ast::Expr::Constant(ast::ExprConstant {
            range,
            value: ast::Constant::Bool(true),
            kind: None,
        })),
        body: vec![init, forever],
        orelse: vec![],
    })
}

/// Turn every `async def` of the module (at any depth) into a `def` and
/// every `async for` into a loop over the async iterator, recording which
/// functions are coroutines (and which generator expressions are async),
/// so that the later passes handle one kind of function and ask
/// `ParsedModule::is_async_def` where coroutines differ.
pub fn lower_async(parsed: &mut ParsedModule) {
    let mut marks = std::mem::take(&mut parsed.async_defs);
    lower_async_defs(&mut parsed.body, &mut marks);
    let mut finder = AsyncGenexprs(&mut marks);
    for s in &parsed.body {
        rustpython_ast::Visitor::visit_stmt(&mut finder, s.clone());
    }
    parsed.async_defs = marks;
}

/// Records the start of each async generator expression.
struct AsyncGenexprs<'a>(&'a mut std::collections::HashSet<u32>);

impl rustpython_ast::Visitor for AsyncGenexprs<'_> {
    crate::visit_whole_tree!();
    fn visit_expr_generator_exp(&mut self, node: ast::ExprGeneratorExp) {
        if crate::semanal::scope::genexpr_is_async(&node) {
            self.0.insert(u32::from(node.range.start()));
        }
        self.generic_visit_expr_generator_exp(node);
    }
}

/// `async for` loops of a statement list as `lower_async` makes them (for
/// the body of a generator expression's function).
pub fn lower_async_fors(body: &mut [ast::Stmt]) {
    lower_async_defs(body, &mut Default::default());
}

fn lower_async_defs(body: &mut [ast::Stmt], marks: &mut std::collections::HashSet<u32>) {
    for stmt in body.iter_mut() {
        if let ast::Stmt::AsyncFunctionDef(d) = stmt {
            let d = std::mem::replace(
                d,
                ast::StmtAsyncFunctionDef {
                    range: d.range,
                    name: d.name.clone(),
                    args: d.args.clone(),
                    body: vec![],
                    decorator_list: vec![],
                    returns: None,
                    type_comment: None,
                    type_params: vec![],
                },
            );
            *stmt = ast::Stmt::FunctionDef(ast::StmtFunctionDef {
                range: d.range,
                name: d.name,
                args: d.args,
                body: d.body,
                decorator_list: d.decorator_list,
                returns: d.returns,
                type_comment: d.type_comment,
                type_params: d.type_params,
            });
            marks.insert(u32::from(d.range.start()));
        }
        if let ast::Stmt::AsyncFor(f) = stmt {
            *stmt = async_for_as_while(f);
        }
        match stmt {
            ast::Stmt::FunctionDef(d) => lower_async_defs(&mut d.body, marks),
            ast::Stmt::AsyncWith(s) => lower_async_defs(&mut s.body, marks),
            ast::Stmt::ClassDef(c) => lower_async_defs(&mut c.body, marks),
            ast::Stmt::If(s) => {
                lower_async_defs(&mut s.body, marks);
                lower_async_defs(&mut s.orelse, marks);
            }
            ast::Stmt::While(s) => {
                lower_async_defs(&mut s.body, marks);
                lower_async_defs(&mut s.orelse, marks);
            }
            ast::Stmt::For(s) => {
                lower_async_defs(&mut s.body, marks);
                lower_async_defs(&mut s.orelse, marks);
            }
            ast::Stmt::With(s) => lower_async_defs(&mut s.body, marks),
            ast::Stmt::Try(s) => {
                lower_async_defs(&mut s.body, marks);
                lower_async_defs(&mut s.orelse, marks);
                lower_async_defs(&mut s.finalbody, marks);
                for h in &mut s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    lower_async_defs(&mut h.body, marks);
                }
            }
            ast::Stmt::Match(m) => {
                for c in &mut m.cases {
                    lower_async_defs(&mut c.body, marks);
                }
            }
            _ => {}
        }
    }
}

/// The annotation a `# type:` comment's text (`Optional[int]`) holds.
pub fn type_comment_expr(text: &str) -> Option<ast::Expr> {
    match rustpython_parser::parse(text, rustpython_parser::Mode::Expression, "<type comment>") {
        Ok(ast::Mod::Expression(x)) => Some(*x.body),
        _ => None,
    }
}

/// The source symbol of a binary operator (`+`, `//`, ...): how the checker
/// names it in messages and the primitive registry keys operations.
pub fn operator_symbol(op: ast::Operator) -> &'static str {
    use ast::Operator as O;
    match op {
        O::Add => "+",
        O::Sub => "-",
        O::Mult => "*",
        O::MatMult => "@",
        O::Div => "/",
        O::Mod => "%",
        O::Pow => "**",
        O::LShift => "<<",
        O::RShift => ">>",
        O::BitOr => "|",
        O::BitXor => "^",
        O::BitAnd => "&",
        O::FloorDiv => "//",
    }
}

/// The name of the operator's method without underscores (`add` for `+`:
/// `__add__`, `__radd__`, `__iadd__`).
pub fn operator_method(op: ast::Operator) -> &'static str {
    use ast::Operator as O;
    match op {
        O::Add => "add",
        O::Sub => "sub",
        O::Mult => "mul",
        O::MatMult => "matmul",
        O::Div => "truediv",
        O::Mod => "mod",
        O::Pow => "pow",
        O::LShift => "lshift",
        O::RShift => "rshift",
        O::BitOr => "or",
        O::BitXor => "xor",
        O::BitAnd => "and",
        O::FloorDiv => "floordiv",
    }
}

/// Remove the `@overload` variants of every overloaded function that has an
/// implementation (in module, class and function bodies): at run time the
/// implementation replaces them, so compiled code defines and calls only
/// the implementation, as mypyc does. The checker has seen the variants
/// already; the types of calls are theirs.
pub fn drop_replaced_overloads(body: &mut Vec<ast::Stmt>) {
    let is_overload = |s: &ast::Stmt| match s {
        ast::Stmt::FunctionDef(d) => d.decorator_list.iter().any(is_overload_decorator),
        ast::Stmt::AsyncFunctionDef(d) => d.decorator_list.iter().any(is_overload_decorator),
        _ => false,
    };
    let def_name = |s: &ast::Stmt| match s {
        ast::Stmt::FunctionDef(d) => Some(d.name.to_string()),
        ast::Stmt::AsyncFunctionDef(d) => Some(d.name.to_string()),
        _ => None,
    };
    // A variant is replaced when the definitions of its name that follow
    // it directly end in one that is not a variant.
    let mut keep = vec![true; body.len()];
    let mut i = 0;
    while i < body.len() {
        let Some(name) = def_name(&body[i]).filter(|_| is_overload(&body[i])) else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j < body.len() && is_overload(&body[j]) && def_name(&body[j]).as_ref() == Some(&name)
        {
            j += 1;
        }
        if j < body.len() && def_name(&body[j]).as_ref() == Some(&name) {
            keep[i..j].iter_mut().for_each(|k| *k = false);
        }
        i = j.max(i + 1);
    }
    let mut index = 0;
    body.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    for stmt in body.iter_mut() {
        match stmt {
            ast::Stmt::FunctionDef(d) => drop_replaced_overloads(&mut d.body),
            ast::Stmt::AsyncFunctionDef(d) => drop_replaced_overloads(&mut d.body),
            ast::Stmt::ClassDef(c) => drop_replaced_overloads(&mut c.body),
            ast::Stmt::If(s) => {
                drop_replaced_overloads(&mut s.body);
                drop_replaced_overloads(&mut s.orelse);
            }
            _ => {}
        }
    }
}

/// `@overload` or `@typing.overload` (`typing_extensions` too).
fn is_overload_decorator(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Name(n) => n.id.as_str() == "overload",
        ast::Expr::Attribute(a) => a.attr.as_str() == "overload",
        _ => false,
    }
}
