//! What the checker knows about builtins: the names in `builtins`, the
//! result types of builtin functions and of methods of builtin types.
//! Anything not listed here is `Any` (compiled as a generic call).

use crate::types::{join, union, Type};

/// Builtin exception classes and other builtin types usable as values.
pub const BUILTIN_CLASSES: &[&str] = &[
    "BaseException",
    "Exception",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "EOFError",
    "FloatingPointError",
    "GeneratorExit",
    "ImportError",
    "ModuleNotFoundError",
    "IndexError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "NameError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "RecursionError",
    "ReferenceError",
    "RuntimeError",
    "StopIteration",
    "StopAsyncIteration",
    "SyntaxError",
    "SystemError",
    "SystemExit",
    "TypeError",
    "UnboundLocalError",
    "UnicodeError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "ValueError",
    "ZeroDivisionError",
    "FileNotFoundError",
    "PermissionError",
    "TimeoutError",
    "ConnectionError",
    "BufferError",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "RuntimeWarning",
    "int",
    "float",
    "bool",
    "str",
    "bytes",
    "bytearray",
    "list",
    "dict",
    "set",
    "frozenset",
    "tuple",
    "object",
    "type",
    "range",
    "slice",
    "complex",
    "memoryview",
    "property",
    "staticmethod",
    "classmethod",
    "super",
    "enumerate",
    "zip",
    "map",
    "filter",
    "reversed",
];

/// Builtin functions (callable values in `builtins`).
pub const BUILTIN_FUNCS: &[&str] = &[
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "callable",
    "chr",
    "delattr",
    "dir",
    "divmod",
    "eval",
    "exec",
    "format",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "hex",
    "id",
    "input",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "locals",
    "max",
    "min",
    "next",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "repr",
    "round",
    "setattr",
    "sorted",
    "sum",
    "vars",
    "__import__",
    "breakpoint",
    "compile",
];

/// Is `name` defined in `builtins`?
pub fn is_builtin(name: &str) -> bool {
    BUILTIN_CLASSES.contains(&name)
        || BUILTIN_FUNCS.contains(&name)
        || matches!(
            name,
            "True"
                | "False"
                | "None"
                | "NotImplemented"
                | "Ellipsis"
                | "__name__"
                | "__file__"
                | "__doc__"
        )
}

/// The type of a builtin name used as a value.
pub fn builtin_name_type(name: &str) -> Type {
    if BUILTIN_CLASSES.contains(&name) {
        Type::TypeObj(name.to_string())
    } else if name == "__name__" || name == "__file__" {
        Type::Str
    } else if BUILTIN_FUNCS.contains(&name) {
        Type::Callable
    } else {
        Type::Any
    }
}

/// `typing.Iterator[item]`: what the builtin iterator constructors
/// (`enumerate`, `zip`, ...) give, as far as the checker sees.
fn iterator(item: Type) -> Type {
    Type::Instance("typing.Iterator".into(), vec![item])
}

fn first(args: &[Type]) -> Type {
    args.first().cloned().unwrap_or(Type::Any)
}

/// The result type of calling builtin `name` with arguments of the given types.
pub fn builtin_call_type(name: &str, args: &[Type]) -> Type {
    match name {
        "len" | "ord" | "hash" | "id" => Type::Int,
        "str" | "repr" | "chr" | "hex" | "bin" | "oct" | "ascii" | "format" | "input" => Type::Str,
        "int" => Type::Int,
        "float" => Type::Float,
        "bool" | "isinstance" | "issubclass" | "callable" | "hasattr" | "any" | "all" => Type::Bool,
        "print" | "setattr" | "delattr" => Type::None,
        "range" => Type::Range,
        "enumerate" if !args.is_empty() => {
            iterator(Type::Tuple(vec![Type::Int, first(args).iter_item()]))
        }
        "zip" if !args.is_empty() => {
            iterator(Type::Tuple(args.iter().map(Type::iter_item).collect()))
        }
        "reversed" | "iter" if args.len() == 1 => iterator(first(args).iter_item()),
        "filter" if args.len() == 2 => iterator(args[1].iter_item()),
        "map" if args.len() >= 2 => iterator(match &args[0] {
            Type::Function(f) => f.ret.clone(),
            _ => Type::Any,
        }),
        // The next item of a typing iterator (`iter_item` of others is not
        // what `next` gives: a list is no iterator).
        "next" if args.len() == 1 => match first(args) {
            ref t @ Type::Instance(ref c, _) if c != "typing.Iterable" => t.iter_item(),
            _ => Type::Any,
        },
        "abs" => match first(args) {
            Type::Bool => Type::Int,
            t @ (Type::Int | Type::Float) => t,
            _ => Type::Any,
        },
        "round" => match args {
            [Type::Float] | [Type::Int] => Type::Int,
            [Type::Float, t] if t.is_int_like() => Type::Float,
            _ => Type::Any,
        },
        "min" | "max" => {
            let t = if args.len() == 1 {
                first(args).iter_item()
            } else {
                args.iter()
                    .cloned()
                    .reduce(|a, b| join(&a, &b))
                    .unwrap_or(Type::Any)
            };
            match t {
                Type::Int | Type::Float | Type::Str => t,
                _ => Type::Any,
            }
        }
        "sum" => match first(args).iter_item() {
            Type::Int | Type::Bool if args.len() == 1 => Type::Int,
            Type::Float if args.len() == 1 => Type::Float,
            _ => Type::Any,
        },
        "list" => match args.first() {
            Some(t) => Type::list(t.iter_item()),
            None => Type::list(Type::Any),
        },
        "sorted" => Type::list(first(args).iter_item()),
        "set" => Type::Set(Box::new(
            args.first().map(|t| t.iter_item()).unwrap_or(Type::Any),
        )),
        "frozenset" => Type::FrozenSet(Box::new(
            args.first().map(|t| t.iter_item()).unwrap_or(Type::Any),
        )),
        "tuple" => Type::VarTuple(Box::new(
            args.first().map(|t| t.iter_item()).unwrap_or(Type::Any),
        )),
        "dict" => Type::dict(Type::Any, Type::Any),
        "bytes" => Type::Bytes,
        "divmod" => match args {
            [a, b] if a.is_int_like() && b.is_int_like() => Type::Tuple(vec![Type::Int, Type::Int]),
            _ => Type::Any,
        },
        _ => Type::Any,
    }
}

/// The result type of `recv.name(args)` for builtin receiver types.
pub fn method_type(recv: &Type, name: &str, args: &[Type]) -> Type {
    match recv {
        Type::Str => match name {
            "join" | "upper" | "lower" | "strip" | "lstrip" | "rstrip" | "replace" | "format"
            | "title" | "capitalize" | "center" | "ljust" | "rjust" | "zfill" | "casefold"
            | "swapcase" | "expandtabs" | "removeprefix" | "removesuffix" => Type::Str,
            "split" | "rsplit" | "splitlines" => Type::list(Type::Str),
            "startswith" | "endswith" | "isdigit" | "isalpha" | "isspace" | "isupper"
            | "islower" | "isalnum" | "isidentifier" | "isnumeric" | "isdecimal" | "istitle"
            | "isascii" | "isprintable" => Type::Bool,
            "find" | "rfind" | "index" | "rindex" | "count" => Type::Int,
            "encode" => Type::Bytes,
            "partition" | "rpartition" => Type::Tuple(vec![Type::Str, Type::Str, Type::Str]),
            _ => Type::Any,
        },
        Type::List(item) => match name {
            "append" | "extend" | "insert" | "remove" | "clear" | "sort" | "reverse" => Type::None,
            "pop" => (**item).clone(),
            "index" | "count" => Type::Int,
            "copy" => recv.clone(),
            _ => Type::Any,
        },
        Type::Dict(_, v) => match name {
            "get" => match args.len() {
                1 => Type::optional((**v).clone()),
                2 => union(vec![(**v).clone(), args[1].clone()]),
                _ => Type::Any,
            },
            "setdefault" if args.len() == 2 => (**v).clone(),
            "pop" if args.len() == 1 => (**v).clone(),
            "update" | "clear" => Type::None,
            "copy" => recv.clone(),
            _ => Type::Any,
        },
        Type::Set(_) => match name {
            "add" | "discard" | "remove" | "update" | "clear" => Type::None,
            "copy" | "union" | "intersection" | "difference" => recv.clone(),
            "issubset" | "issuperset" | "isdisjoint" => Type::Bool,
            _ => Type::Any,
        },
        Type::Int if name == "bit_length" => Type::Int,
        Type::Float if name == "is_integer" => Type::Bool,
        _ => Type::Any,
    }
}
