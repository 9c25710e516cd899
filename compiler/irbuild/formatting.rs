//! String formatting: f-strings, and `str.format` / `%` with a literal
//! template, lowered to one concatenation of the template's literal parts
//! and the formatted values (`CPyStr_Build`), as CPython's f-strings run.
//!
//! A value without a format spec is converted by the cheapest equivalent
//! of `format(x, "")`: `str()` of an int, an exact str as it is. Templates
//! this does not model (`{0.attr}`, `{}` mixed with `{0}`, nested specs,
//! `%` with flags, widths or other conversions, more or fewer values than
//! fields) are left to the method or operator itself, evaluated as usual.

use rustpython_parser::ast;

use super::IrBuilder;
use crate::ir::*;
use crate::primitives::{Internal, Key, Module};
use crate::types::Type;

/// A part of a template: literal text, or field `index` with its
/// conversion and format spec.
enum Part {
    Text(String),
    Field {
        index: usize,
        conversion: ast::ConversionFlag,
        spec: String,
    },
}

impl<'a> IrBuilder<'a> {
    pub fn fstring(&mut self, j: &ast::ExprJoinedStr) -> ValueId {
        let surrogate_part = j.values.iter().any(|v| {
            matches!(v, ast::Expr::Constant(c) if matches!(&c.value, ast::Constant::Str(s) if s.contains('\u{FFFD}')))
        });
        if surrogate_part && super::expr::may_have_surrogate(self.parsed.lines.text(j)) {
            self.unsupported(j, "a lone surrogate in an f-string");
        }
        let mut parts = vec![];
        for v in &j.values {
            match v {
                ast::Expr::Constant(c) => {
                    if let ast::Constant::Str(s) = &c.value {
                        parts.push(self.b.str_lit(s));
                    }
                }
                ast::Expr::FormattedValue(fv) => {
                    let x = self.expr(&fv.value);
                    let spec = fv.format_spec.as_ref().map(|s| self.expr(s));
                    parts.push(self.format_value(x, fv.conversion, spec));
                }
                other => {
                    let x = self.expr(other);
                    parts.push(x);
                }
            }
        }
        self.build_str(parts)
    }

    /// `"...".format(a, b)` of a literal template with positional values.
    pub fn format_method_call(
        &mut self,
        a: &ast::ExprAttribute,
        c: &ast::ExprCall,
    ) -> Option<ValueId> {
        let template = literal_str(&a.value)?;
        let plain_args = !c.args.iter().any(|x| matches!(x, ast::Expr::Starred(_)));
        if a.attr.as_str() != "format" || !c.keywords.is_empty() || !plain_args {
            return None;
        }
        let parts = parse_format_template(template)?;
        let uses_all = parts.iter().all(|p| match p {
            Part::Field { index, .. } => *index < c.args.len(),
            Part::Text(_) => true,
        });
        if !uses_all {
            return None;
        }
        let values: Vec<ValueId> = c.args.iter().map(|x| self.expr(x)).collect();
        self.set_line(c);
        Some(self.build_template(&parts, &values))
    }

    /// `"..." % (a, b)` (or `% a` for a single field) of a literal
    /// template whose fields are `%s` and, for ints, `%d`.
    pub fn percent_format(&mut self, b: &ast::ExprBinOp) -> Option<ValueId> {
        if b.op != ast::Operator::Mod {
            return None;
        }
        let template = literal_str(&b.left)?;
        let operands: Vec<&ast::Expr> = match &*b.right {
            ast::Expr::Tuple(t) => t.elts.iter().collect(),
            single => {
                // A single value must not be a tuple (its items would be the values).
                let t = self.type_of(single);
                if !matches!(t, Type::Int | Type::Str | Type::Float | Type::Bool) {
                    return None;
                }
                vec![single]
            }
        };
        if operands.iter().any(|x| matches!(x, ast::Expr::Starred(_))) {
            return None;
        }
        let (parts, int_fields) = parse_percent_template(template)?;
        let fields = parts
            .iter()
            .filter(|p| matches!(p, Part::Field { .. }))
            .count();
        let ints_ok = int_fields
            .iter()
            .all(|&i| matches!(self.type_of(operands[i]), Type::Int | Type::Bool));
        if fields != operands.len() || !ints_ok {
            return None;
        }
        let mut values: Vec<ValueId> = operands.iter().map(|x| self.expr(x)).collect();
        for &i in &int_fields {
            // `%d` of a bool is its int value.
            values[i] = self.b.coerce(values[i], &RType::Int);
        }
        self.set_line(b);
        Some(self.build_template(&parts, &values))
    }

    fn build_template(&mut self, parts: &[Part], values: &[ValueId]) -> ValueId {
        let mut out = vec![];
        for p in parts {
            match p {
                Part::Text(t) => out.push(self.b.str_lit(t)),
                Part::Field {
                    index,
                    conversion,
                    spec,
                } => {
                    let spec = (!spec.is_empty()).then(|| self.b.str_lit(spec));
                    out.push(self.format_value(values[*index], *conversion, spec));
                }
            }
        }
        self.build_str(out)
    }

    fn build_str(&mut self, parts: Vec<ValueId>) -> ValueId {
        let n = self.b.ssize(parts.len() as i64);
        let mut args = vec![n];
        args.extend(parts);
        self.b.prim_named(Internal::BuildStr, &args)
    }

    /// `format(x!conversion, spec)` as a str (spec `None`: no spec).
    /// Without a spec, an int is converted by `str` directly (`format(n,
    /// "")` is `str(n)`) and a str (the value or a conversion's result) is
    /// used as it is when exact, as `format(s, "")` returns it.
    fn format_value(
        &mut self,
        x: ValueId,
        conversion: ast::ConversionFlag,
        spec: Option<ValueId>,
    ) -> ValueId {
        let plain = spec.is_none();
        let str_of_int = matches!(
            conversion,
            ast::ConversionFlag::None | ast::ConversionFlag::Str
        );
        if plain && str_of_int && self.b.rtype(x) == RType::Int {
            // An exact str, which formats as itself.
            return self.to_str(x);
        }
        let x = match conversion {
            ast::ConversionFlag::Repr => self.b.prim_named(Internal::Repr, &[x]),
            ast::ConversionFlag::Str => self.to_str(x),
            ast::ConversionFlag::Ascii => self.b.prim_named(Internal::Ascii, &[x]),
            ast::ConversionFlag::None => x,
        };
        if plain && self.b.rtype(x) == RType::STR {
            return self.b.prim_named(Internal::FormatStrPlain, &[x]);
        }
        let x = self.b.boxed(x);
        let spec = match spec {
            Some(s) => s,
            None => self.b.str_lit(""),
        };
        self.b.prim_named(Internal::Format, &[x, spec])
    }

    /// `str(x)`, specialized on `x`'s runtime type.
    pub fn to_str(&mut self, x: ValueId) -> ValueId {
        match self
            .b
            .try_prim(Key::Function(Module::Builtins, "str"), &[x])
        {
            Some(v) => v,
            None => self.b.prim_named(Internal::Str, &[x]),
        }
    }
}

/// The text of a str literal (not an f-string or bytes).
fn literal_str(e: &ast::Expr) -> Option<&str> {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// The parts of a `str.format` template: `{{`/`}}` escapes, and fields
/// `{}` / `{N}` with an optional `!r`/`!s`/`!a` and a spec without nested
/// fields. `None` for anything else (or automatic numbering mixed with
/// manual), which the method itself then handles or rejects.
fn parse_format_template(t: &str) -> Option<Vec<Part>> {
    let mut parts = vec![];
    let mut text = String::new();
    let (mut auto, mut manual) = (0usize, false);
    let mut chars = t.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '}' => return None,
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '{' => return None,
                        c => field.push(c),
                    }
                }
                let (head, spec) = match field.split_once(':') {
                    Some((h, s)) => (h, s.to_string()),
                    None => (field.as_str(), String::new()),
                };
                let (name, conversion) = match head.split_once('!') {
                    Some((n, "r")) => (n, ast::ConversionFlag::Repr),
                    Some((n, "s")) => (n, ast::ConversionFlag::Str),
                    Some((n, "a")) => (n, ast::ConversionFlag::Ascii),
                    Some(_) => return None,
                    None => (head, ast::ConversionFlag::None),
                };
                let index = if name.is_empty() {
                    auto += 1;
                    auto - 1
                } else {
                    manual = true;
                    if !name.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    name.parse().ok()?
                };
                if auto > 0 && manual {
                    return None;
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Field {
                    index,
                    conversion,
                    spec,
                });
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Some(parts)
}

/// The parts of a `%` template whose fields are `%s` and `%d` (and `%%`
/// escapes), numbered in order, and the numbers of the `%d` fields.
fn parse_percent_template(t: &str) -> Option<(Vec<Part>, Vec<usize>)> {
    let mut parts = vec![];
    let mut ints = vec![];
    let mut text = String::new();
    let mut index = 0;
    let mut chars = t.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            text.push(ch);
            continue;
        }
        let conversion = match chars.next()? {
            '%' => {
                text.push('%');
                continue;
            }
            's' => ast::ConversionFlag::Str,
            'd' => {
                ints.push(index);
                ast::ConversionFlag::Str
            }
            _ => return None,
        };
        if !text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut text)));
        }
        parts.push(Part::Field {
            index,
            conversion,
            spec: String::new(),
        });
        index += 1;
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Some((parts, ints))
}
