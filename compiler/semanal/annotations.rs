//! Turning annotation expressions into types: builtin names, `typing`
//! aliases (`List`, `Optional`, `Union`, ...), PEP 585/604 forms, string
//! (forward-reference) annotations, `Final[...]`, and `mypy_extensions`
//! native integer types.

use rustpython_parser::ast;

use super::NativeNames;
use crate::types::{declared_union, union, Type};

/// The type an annotation denotes, or an error message. `native` maps the
/// names (`C`, `mod.C`) under which native classes are visible to their
/// full names.
pub fn annotation_type(e: &ast::Expr, native: &NativeNames) -> Result<Type, String> {
    if let Some(full) = dotted_name(e).and_then(|n| native.get(&n)) {
        return Ok(Type::Native(full.clone()));
    }
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::None => Ok(Type::None),
            ast::Constant::Str(s) => {
                let parsed = rustpython_parser::parse(
                    s,
                    rustpython_parser::Mode::Expression,
                    "<annotation>",
                )
                .map_err(|_| format!("Invalid type comment or annotation: \"{s}\""))?;
                match parsed {
                    ast::Mod::Expression(x) => annotation_type(&x.body, native),
                    _ => Err("Invalid type annotation".into()),
                }
            }
            _ => Err("Invalid type: try using Literal[...] instead?".into()),
        },
        ast::Expr::Name(n) => name_type(n.id.as_str()),
        ast::Expr::Attribute(a) => {
            // typing.List, t.Optional, mypy_extensions.i64 ...
            name_type(a.attr.as_str())
        }
        ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => Ok(declared_union(vec![
            annotation_type(&b.left, native)?,
            annotation_type(&b.right, native)?,
        ])),
        ast::Expr::Subscript(s) => subscript_type(&s.value, &s.slice, native),
        _ => Err("Invalid type annotation".into()),
    }
}

fn base_name(e: &ast::Expr) -> Option<&str> {
    match e {
        ast::Expr::Name(n) => Some(n.id.as_str()),
        ast::Expr::Attribute(a) => Some(a.attr.as_str()),
        _ => None,
    }
}

fn args_of(slice: &ast::Expr) -> Vec<&ast::Expr> {
    match slice {
        ast::Expr::Tuple(t) => t.elts.iter().collect(),
        other => vec![other],
    }
}

/// `a.b.c` as text, for names and attribute chains.
pub fn dotted_name(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Name(n) => Some(n.id.to_string()),
        ast::Expr::Attribute(a) => Some(format!("{}.{}", dotted_name(&a.value)?, a.attr)),
        _ => None,
    }
}

fn subscript_type(
    base: &ast::Expr,
    slice: &ast::Expr,
    native: &NativeNames,
) -> Result<Type, String> {
    let name = base_name(base).ok_or("Invalid type annotation")?;
    let args = args_of(slice);
    let arg = |i: usize| -> Result<Type, String> {
        args.get(i)
            .map(|a| annotation_type(a, native))
            .unwrap_or(Ok(Type::Any))
    };
    match name {
        "list" | "List" | "Sequence" | "MutableSequence" => Ok(if name.starts_with(['l', 'L']) {
            Type::list(arg(0)?)
        } else {
            arg(0).map(|_| Type::Any)?
        }),
        "dict" | "Dict" => Ok(Type::dict(arg(0)?, arg(1)?)),
        "set" | "Set" => Ok(Type::Set(Box::new(arg(0)?))),
        "frozenset" | "FrozenSet" => Ok(Type::FrozenSet(Box::new(arg(0)?))),
        "tuple" | "Tuple" => {
            if args.len() == 2
                && matches!(args[1], ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Ellipsis))
            {
                return Ok(Type::VarTuple(Box::new(arg(0)?)));
            }
            if let [ast::Expr::Tuple(t)] = args.as_slice() {
                if t.elts.is_empty() {
                    return Ok(Type::Tuple(vec![]));
                }
            }
            Ok(Type::Tuple(
                args.iter()
                    .map(|a| annotation_type(a, native))
                    .collect::<Result<_, _>>()?,
            ))
        }
        "Optional" => Ok(Type::optional(arg(0)?)),
        "Union" => Ok(declared_union(
            args.iter()
                .map(|a| annotation_type(a, native))
                .collect::<Result<_, _>>()?,
        )),
        "Final" | "ClassVar" | "Annotated" => arg(0),
        // The values' own types (an enum member's is not modelled).
        "Literal" => Ok(union(args.iter().map(|a| literal_value_type(a)).collect())),
        "Type" | "type" => Ok(Type::Any),
        _ => Ok(Type::Any),
    }
}

/// The type of a value in `Literal[...]`.
fn literal_value_type(e: &ast::Expr) -> Type {
    match e {
        ast::Expr::Constant(c) => match &c.value {
            ast::Constant::Int(_) => Type::Int,
            ast::Constant::Bool(_) => Type::Bool,
            ast::Constant::Str(_) => Type::Str,
            ast::Constant::Bytes(_) => Type::Bytes,
            ast::Constant::None => Type::None,
            _ => Type::Any,
        },
        ast::Expr::UnaryOp(u) if matches!(&*u.operand, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_))) => {
            Type::Int
        }
        _ => Type::Any,
    }
}

fn name_type(name: &str) -> Result<Type, String> {
    Ok(match name {
        "int" => Type::Int,
        "float" => Type::Float,
        "bool" => Type::Bool,
        "str" => Type::Str,
        "bytes" => Type::Bytes,
        "object" => Type::Object,
        "None" => Type::None,
        "list" | "List" => Type::list(Type::Any),
        "dict" | "Dict" => Type::dict(Type::Any, Type::Any),
        "set" | "Set" => Type::Set(Box::new(Type::Any)),
        "frozenset" | "FrozenSet" => Type::FrozenSet(Box::new(Type::Any)),
        "tuple" | "Tuple" => Type::VarTuple(Box::new(Type::Any)),
        "range" => Type::Range,
        "i64" => Type::I64,
        "i32" => Type::I32,
        "i16" => Type::I16,
        "u8" => Type::U8,
        "Final" => Type::Any,
        _ => Type::Any,
    })
}
