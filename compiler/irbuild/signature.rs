//! `__text_signature__` of compiled functions, so that `inspect.signature`
//! works on them as on builtins.
//!
//! CPython reads the signature of a builtin from the start of its C doc
//! string: `name(params)\n--\n\n`. As in mypyc, the parameters come from
//! the function's declaration; a default is written as a Python literal
//! when it is one (numbers, strings, bytes, `True`/`False`/`None`, tuples
//! of those, or a module-level `Final` name bound to such a literal).
//! Any other default cannot be represented, and the function then has no
//! text signature at all (`inspect.signature` raises `ValueError`, as for
//! mypyc).

use rustpython_parser::ast;

use crate::ir::{ArgKind, FuncDecl};

/// How the first parameter of a function binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelfKind {
    /// A plain function or static method: no implicit first parameter.
    None,
    /// A method or class method: the first parameter is marked `$` (it is
    /// dropped when the function is bound).
    Bound,
}

/// The doc string carrying the text signature of `decl` (defined by
/// `def`), or `None` when a default value cannot be represented.
/// `final_literal` finds the literal a module-level `Final` name is bound to.
pub fn text_signature_doc(
    decl: &FuncDecl,
    args: &ast::Arguments,
    self_kind: SelfKind,
    final_literal: &dyn Fn(&str) -> Option<ast::Expr>,
) -> Option<String> {
    let defaults: Vec<(&str, &ast::Expr)> = args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .filter_map(|a| a.default.as_deref().map(|d| (a.def.arg.as_str(), d)))
        .collect();
    let params: Vec<_> = decl
        .params
        .iter()
        .filter(|p| p.kind != ArgKind::Env)
        .collect();
    // mypy treats `__x` parameters as positional-only; like mypyc, every
    // positional parameter up to the last positional-only one is.
    let is_positional = |k: ArgKind| matches!(k, ArgKind::Positional | ArgKind::Optional);
    let last_pos_only = params
        .iter()
        .rposition(|p| is_positional(p.kind) && (p.pos_only || is_historical_pos_only(&p.name)));
    let mut parts: Vec<String> = vec![];
    let mut star_written = false;
    for (i, p) in params.iter().enumerate() {
        let mut text = String::new();
        if i == 0 && self_kind == SelfKind::Bound {
            text.push('$');
        }
        match p.kind {
            ArgKind::Star => {
                star_written = true;
                text.push('*');
            }
            ArgKind::Star2 => text.push_str("**"),
            ArgKind::KwOnly | ArgKind::KwOnlyOptional if !star_written => {
                star_written = true;
                parts.push("*".into());
            }
            _ => {}
        }
        text.push_str(&p.name);
        if matches!(p.kind, ArgKind::Optional | ArgKind::KwOnlyOptional) {
            let default = defaults.iter().find(|(n, _)| *n == p.name)?.1;
            text.push('=');
            text.push_str(&literal_repr(default, final_literal)?);
        }
        parts.push(text);
        if Some(i) == last_pos_only {
            parts.push("/".into());
        }
    }
    Some(format!("{}({})\n--\n\n", decl.func.name, parts.join(", ")))
}

fn is_historical_pos_only(name: &str) -> bool {
    name.starts_with("__") && !name.ends_with("__")
}

/// The Python `repr` of a literal default, if it is one.
fn literal_repr(
    e: &ast::Expr,
    final_literal: &dyn Fn(&str) -> Option<ast::Expr>,
) -> Option<String> {
    match e {
        ast::Expr::Constant(c) => constant_repr(&c.value),
        ast::Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => match &*u.operand {
            ast::Expr::Constant(c) => match &c.value {
                ast::Constant::Int(i) => Some(format!("-{i}")),
                ast::Constant::Float(f) => float_repr(-f),
                _ => None,
            },
            _ => None,
        },
        ast::Expr::Tuple(t) => {
            let items: Option<Vec<String>> = t
                .elts
                .iter()
                .map(|x| literal_repr(x, final_literal))
                .collect();
            Some(tuple_repr(items?))
        }
        ast::Expr::Name(n) => match n.id.as_str() {
            "True" | "False" | "None" => Some(n.id.to_string()),
            name => {
                let value = final_literal(name)?;
                // A Final bound to another name is not followed.
                if matches!(value, ast::Expr::Name(_)) {
                    return None;
                }
                literal_repr(&value, &|_| None)
            }
        },
        _ => None,
    }
}

fn tuple_repr(items: Vec<String>) -> String {
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

fn constant_repr(c: &ast::Constant) -> Option<String> {
    match c {
        ast::Constant::None => Some("None".into()),
        ast::Constant::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
        ast::Constant::Int(i) => Some(i.to_string()),
        ast::Constant::Float(f) => float_repr(*f),
        // U+FFFD may stand for a lone surrogate the parser could not keep:
        // no text signature rather than a wrong one.
        ast::Constant::Str(s) if s.contains('\u{FFFD}') => None,
        ast::Constant::Str(s) => Some(str_repr(s)),
        ast::Constant::Bytes(b) => Some(bytes_repr(b)),
        ast::Constant::Tuple(items) => {
            let items: Option<Vec<String>> = items.iter().map(constant_repr).collect();
            Some(tuple_repr(items?))
        }
        ast::Constant::Complex { .. } | ast::Constant::Ellipsis => None,
    }
}

/// `repr(float)`: the shortest digits that round-trip, in positional
/// notation for decimal exponents in [-4, 16), else scientific.
pub fn float_repr(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    // Rust's `{:e}` gives the shortest round-tripping digits.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if neg { "-" } else { "" };
    let decpt = exp + 1;
    if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return Some(format!("{sign}{first}{frac}e{esign}{:02}", exp.abs()));
    }
    let n = digits.len() as i32;
    let text = if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        format!("{digits}{}.0", "0".repeat((decpt - n) as usize))
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{int}.{frac}")
    };
    Some(format!("{sign}{text}"))
}

/// A Python string literal with the value of `s` (ASCII only: other
/// characters are escaped, as mypyc writes doc strings).
fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = format!("b{}", quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            b' '..=b'~' => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// The literal a module-level `NAME: Final = <literal>` binds `name` to
/// (the name bound nowhere else in the module's top level).
pub fn module_final_literal(body: &[ast::Stmt], name: &str) -> Option<ast::Expr> {
    let value = body.iter().find_map(|s| match s {
        ast::Stmt::AnnAssign(a) => match &*a.target {
            ast::Expr::Name(t)
                if t.id.as_str() == name && crate::semanal::is_final_annotation(&a.annotation) =>
            {
                a.value.as_deref()
            }
            _ => None,
        },
        _ => None,
    })?;
    let mut bindings = 0;
    crate::semanal::scope::for_each_binding(body, &mut |n| bindings += usize::from(n == name));
    (bindings == 1).then(|| value.clone())
}

#[cfg(test)]
mod tests {
    use super::float_repr;

    #[test]
    fn floats_print_as_python_does() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123456.789, "123456.789"),
            (0.0, "0.0"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f).as_deref(), Some(want), "{f}");
        }
    }
}
