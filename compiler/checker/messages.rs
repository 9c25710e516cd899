//! The text of every diagnostic the checker reports, worded as mypy words
//! it (the wording is what users and tests match on), with its error code.

use crate::semanal::ParamKind;
use crate::types::Type;

use super::program::Sig;

use super::compat::show;

/// A message and its mypy error code.
pub type Msg = (String, &'static str);

/// `"f"` or `"m" of "C"`, as mypy names a callee.
pub fn callee(name: &str, owner: Option<&str>) -> String {
    match owner {
        Some(c) => format!("\"{name}\" of \"{c}\""),
        None => format!("\"{name}\""),
    }
}

pub fn name_not_defined(name: &str, similar: &[String]) -> Msg {
    let suggestion = match similar {
        [] => String::new(),
        _ => format!("; did you mean {}?", quoted_alternatives(similar)),
    };
    (
        format!("Name \"{name}\" is not defined{suggestion}"),
        "name-defined",
    )
}

/// `index` is the 1-based position, or the quoted keyword.
pub fn arg_type(index: &str, callee: &str, got: &Type, expected: &Type) -> Msg {
    (
        format!(
            "Argument {index}{} has incompatible type \"{}\"; expected \"{}\"",
            named(" to", callee),
            show(got),
            show(expected)
        ),
        "arg-type",
    )
}

/// ` to "f"` after a word, or nothing for a callee without a name (a
/// value of a `Callable` type).
fn named(word: &str, callee: &str) -> String {
    if callee.is_empty() {
        String::new()
    } else {
        format!("{word} {callee}")
    }
}

pub fn too_many_args(callee: &str) -> Msg {
    (
        format!("Too many arguments{}", named(" for", callee)),
        "call-arg",
    )
}

pub fn too_many_positional_args(callee: &str) -> Msg {
    (
        format!("Too many positional arguments{}", named(" for", callee)),
        "call-arg",
    )
}

pub fn too_few_args(callee: &str) -> Msg {
    (
        format!("Too few arguments{}", named(" for", callee)),
        "call-arg",
    )
}

pub fn missing_positional(names: &[String], callee: &str) -> Msg {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let s = if names.len() == 1 { "" } else { "s" };
    (
        format!(
            "Missing positional argument{s} {} in call to {callee}",
            quoted.join(", ")
        ),
        "call-arg",
    )
}

pub fn missing_named(name: &str, callee: &str) -> Msg {
    (
        format!("Missing named argument \"{name}\" for {callee}"),
        "call-arg",
    )
}

pub fn unexpected_keyword(name: &str, callee: &str, similar: &[String]) -> Msg {
    let suggestion = match similar {
        [] => String::new(),
        _ => format!("; did you mean {}?", quoted_alternatives(similar)),
    };
    (
        format!("Unexpected keyword argument \"{name}\" for {callee}{suggestion}"),
        "call-arg",
    )
}

/// The note after an unexpected keyword for a function of another module
/// (naming a method without its class).
pub fn defined_in(callee: &str, module: &str) -> String {
    let short = callee.split(" of ").next().unwrap_or(callee);
    format!("{short} defined in \"{module}\"")
}

pub fn type_var_value(type_var: &str, callee: &str, value: &Type) -> Msg {
    (
        format!(
            "Value of type variable \"{type_var}\" of {callee} cannot be \"{}\"",
            show(value)
        ),
        "type-var",
    )
}

pub fn need_annotation(name: &str, hint: &str) -> Msg {
    (
        format!("Need type annotation for \"{name}\" (hint: \"{name}: {hint} = ...\")"),
        "var-annotated",
    )
}

pub fn incompatible_target(got: &Type, target: &Type) -> Msg {
    (
        format!(
            "Incompatible types in assignment (expression has type \"{}\", target has type \"{}\")",
            show(got),
            show(target)
        ),
        "assignment",
    )
}

/// `List comprehension has incompatible type List[int]; expected List[str]`.
pub fn comprehension_item(kind: &str, got: &Type, expected: &Type) -> Msg {
    (
        format!(
            "{kind} comprehension has incompatible type {kind}[{}]; expected {kind}[{}]",
            show(got),
            show(expected)
        ),
        "misc",
    )
}

/// `Key expression in dictionary comprehension has incompatible type ...`.
pub fn dict_comprehension_part(part: &str, got: &Type, expected: &Type) -> Msg {
    (
        format!(
            "{part} expression in dictionary comprehension has incompatible type \"{}\"; expected type \"{}\"",
            show(got),
            show(expected)
        ),
        "misc",
    )
}

/// `reveal_type(x)`: the type as mypy reveals it (classes by full name,
/// callables as `def (...) -> R`).
pub fn revealed_type(t: &Type, p: &super::program::Program) -> String {
    format!(
        "Revealed type is \"{}\"",
        super::compat::show_revealed(t, p)
    )
}

pub fn multiple_values(name: &str, callee: &str) -> Msg {
    (
        format!("{callee} gets multiple values for keyword argument \"{name}\""),
        "misc",
    )
}

pub fn incompatible_assignment(got: &Type, declared: &Type) -> Msg {
    (
        format!(
            "Incompatible types in assignment (expression has type \"{}\", variable has type \"{}\")",
            show(got),
            show(declared)
        ),
        "assignment",
    )
}

/// `Incompatible types in "yield" (actual type "str", expected type "int")`.
pub fn incompatible_yield(what: &str, got: &Type, want: &Type) -> Msg {
    (
        format!(
            "Incompatible types in \"{what}\" (actual type \"{}\", expected type \"{}\")",
            show(got),
            show(want)
        ),
        "misc",
    )
}

/// mypy's `[unused-coroutine]`: a coroutine made and dropped.
pub fn unused_coroutine(t: &Type) -> Msg {
    (
        format!("Value of type \"{}\" must be used", show(t)),
        "unused-coroutine",
    )
}

pub fn cannot_infer_lambda() -> Msg {
    ("Cannot infer type of lambda".into(), "misc")
}

pub fn incompatible_return(got: &Type, expected: &Type) -> Msg {
    (
        format!(
            "Incompatible return value type (got \"{}\", expected \"{}\")",
            show(got),
            show(expected)
        ),
        "return-value",
    )
}

pub fn no_return_value_expected() -> Msg {
    ("No return value expected".to_string(), "return-value")
}

pub fn return_value_expected() -> Msg {
    ("Return value expected".to_string(), "return-value")
}

pub fn cannot_instantiate_protocol(class: &str) -> Msg {
    (
        format!("Cannot instantiate protocol class \"{class}\""),
        "misc",
    )
}

/// `names`: the abstract attributes, sorted.
pub fn cannot_instantiate_abstract(class: &str, names: &[String]) -> Msg {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let s = if names.len() == 1 { "" } else { "s" };
    let list = match quoted.as_slice() {
        [one] => one.clone(),
        [init @ .., last] if quoted.len() <= 5 => format!("{} and {last}", init.join(", ")),
        [a, b, .., last] => format!(
            "{a}, {b}, ... and {last} ({} methods suppressed)",
            quoted.len() - 3
        ),
        _ => String::new(),
    };
    (
        format!("Cannot instantiate abstract class \"{class}\" with abstract attribute{s} {list}"),
        "abstract",
    )
}

pub fn implicitly_abstract(name: &str) -> String {
    format!(
        "\"{name}\" is implicitly abstract because it has an empty function body. \
         If it is not meant to be abstract, explicitly `return` or `return None`."
    )
}

pub fn has_no_attribute(t: &Type, attr: &str, alternatives: &[String]) -> Msg {
    (
        format!(
            "\"{}\" has no attribute \"{attr}\"{}",
            show(t),
            maybe(attr, alternatives)
        ),
        "attr-defined",
    )
}

pub fn module_has_no_attribute(attr: &str, alternatives: &[String]) -> Msg {
    (
        format!(
            "Module has no attribute \"{attr}\"{}",
            maybe(attr, alternatives)
        ),
        "attr-defined",
    )
}

pub fn module_name_has_no_attribute(module: &str, attr: &str, alternatives: &[String]) -> Msg {
    (
        format!(
            "Module \"{module}\" has no attribute \"{attr}\"{}",
            maybe(attr, alternatives)
        ),
        "attr-defined",
    )
}

/// mypy's `; maybe "x"?` suffix: the names most like `name`, if any.
fn maybe(name: &str, alternatives: &[String]) -> String {
    let best = super::similar::best_matches(name, alternatives, 3);
    if best.is_empty() {
        return String::new();
    }
    format!("; maybe {}?", quoted_alternatives(&best))
}

/// `"a"`, `"a" or "b"`, `"a", "b", or "c"` (mypy's `pretty_seq`).
fn quoted_alternatives(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|b| format!("\"{b}\"")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [rest @ .., last] => format!("{}, or {last}", rest.join(", ")),
        [] => String::new(),
    }
}

pub fn union_attr(item: &Type, union: &Type, attr: &str) -> Msg {
    (
        format!(
            "Item \"{}\" of \"{}\" has no attribute \"{attr}\"",
            show(item),
            show(union)
        ),
        "union-attr",
    )
}

pub fn unsupported_operands(op: &str, l: &Type, r: &Type) -> Msg {
    (
        format!(
            "Unsupported operand types for {op} (\"{}\" and \"{}\")",
            show(l),
            show(r)
        ),
        "operator",
    )
}

pub fn unsupported_left_operand(op: &str, l: &Type) -> Msg {
    (
        format!("Unsupported left operand type for {op} (\"{}\")", show(l)),
        "operator",
    )
}

pub fn unsupported_unary(op: &str, t: &Type) -> Msg {
    (
        format!("Unsupported operand type for unary {op} (\"{}\")", show(t)),
        "operator",
    )
}

pub fn operand_note(left: bool, t: &Type) -> String {
    let side = if left { "Left" } else { "Right" };
    format!("{side} operand is of type \"{}\"", show(t))
}

pub fn not_indexable(t: &Type) -> Msg {
    (
        format!("Value of type \"{}\" is not indexable", show(t)),
        "index",
    )
}

pub fn unsupported_target(target: &Type) -> Msg {
    (
        format!(
            "Unsupported target for indexed assignment (\"{}\")",
            show(target)
        ),
        "index",
    )
}

pub fn invalid_index(index: &Type, base: &Type, expected: &Type) -> Msg {
    (
        format!(
            "Invalid index type \"{}\" for \"{}\"; expected type \"{}\"",
            show(index),
            show(base),
            show(expected)
        ),
        "index",
    )
}

pub fn final_reassigned(name: &str) -> Msg {
    (format!("Cannot assign to final name \"{name}\""), "misc")
}

pub fn final_attr_reassigned(name: &str) -> Msg {
    (
        format!("Cannot assign to final attribute \"{name}\""),
        "misc",
    )
}

pub fn too_many_values(expected: usize, provided: usize) -> Msg {
    (
        format!("Too many values to unpack ({expected} expected, {provided} provided)"),
        "misc",
    )
}

pub fn too_few_values(provided: usize, expected: usize) -> Msg {
    (
        format!("Need more than {provided} values to unpack ({expected} expected)"),
        "misc",
    )
}

pub fn tuple_index_out_of_range() -> Msg {
    ("Tuple index out of range".to_string(), "misc")
}

pub fn ignore_not_covering(code: &str, codes: &[String]) -> String {
    format!(
        "Error code \"{code}\" not covered by \"type: ignore[{}]\" comment",
        codes.join(", ")
    )
}

pub fn read_only_property(name: &str, class: &str) -> Msg {
    (
        format!("Property \"{name}\" defined in \"{class}\" is read-only"),
        "misc",
    )
}

pub fn dict_entry(index: usize, got: (&Type, &Type), expected: (&Type, &Type)) -> Msg {
    (
        format!(
            "Dict entry {index} has incompatible type \"{}\": \"{}\"; expected \"{}\": \"{}\"",
            show(got.0),
            show(got.1),
            show(expected.0),
            show(expected.1)
        ),
        "dict-item",
    )
}

pub fn list_item(index: usize, got: &Type, expected: &Type) -> Msg {
    (
        format!(
            "List item {index} has incompatible type \"{}\"; expected \"{}\"",
            show(got),
            show(expected)
        ),
        "list-item",
    )
}

pub fn func_returns_value(callee: &str) -> Msg {
    (
        format!("{callee} does not return a value (it only ever returns None)"),
        "func-returns-value",
    )
}

/// `"a", "b"` as mypy lists keys.
fn quoted_keys(keys: &[&String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    quoted.join(", ")
}

/// `Missing key "k"` / `Missing keys ("a", "b")` for a TypedDict display.
pub fn typed_dict_missing(keys: &[&String], td: &str) -> Msg {
    let text = match keys {
        [one] => format!("Missing key \"{one}\" for TypedDict \"{td}\""),
        _ => format!(
            "Missing keys ({}) for TypedDict \"{td}\"",
            quoted_keys(keys)
        ),
    };
    (text, "typeddict-item")
}

pub fn typed_dict_extra(keys: &[&String], td: &str) -> Msg {
    let text = match keys {
        [one] => format!("Extra key \"{one}\" for TypedDict \"{td}\""),
        _ => format!("Extra keys ({}) for TypedDict \"{td}\"", quoted_keys(keys)),
    };
    (text, "typeddict-unknown-key")
}

pub fn typed_dict_item(key: &str, got: &Type, want: &Type) -> Msg {
    (
        format!(
            "Incompatible types (expression has type \"{}\", TypedDict item \"{key}\" has type \"{}\")",
            show(got),
            show(want)
        ),
        "typeddict-item",
    )
}

pub fn typed_dict_no_key(td: &str, key: &str, code: &'static str) -> Msg {
    (format!("TypedDict \"{td}\" has no key \"{key}\""), code)
}

pub fn typed_dict_value(key: &str, got: &Type, want: &Type) -> Msg {
    (
        format!(
            "Value of \"{key}\" has incompatible type \"{}\"; expected \"{}\"",
            show(got),
            show(want)
        ),
        "typeddict-item",
    )
}

pub fn typed_dict_key_literal<V>(items: &indexmap::IndexMap<String, V>) -> Msg {
    let keys: Vec<&String> = items.keys().collect();
    (
        format!(
            "TypedDict key must be a string literal; expected one of ({})",
            quoted_keys(&keys)
        ),
        "literal-required",
    )
}

pub fn typed_dict_read_only(key: &str) -> Msg {
    (
        format!("ReadOnly TypedDict key \"{key}\" TypedDict is mutated"),
        "typeddict-readonly-mutated",
    )
}

/// A signature as mypy shows it in notes (overload variants, protocol
/// members): `def [T] name(self, int, x: str = ...) -> R` (positional-only
/// parameters without their names).
pub fn show_signature(sig: &Sig, is_method: bool) -> String {
    let mut parts = vec![];
    let mut vars = vec![];
    for p in &sig.params {
        p.ty.collect_type_vars(&mut vars);
    }
    sig.ret.collect_type_vars(&mut vars);
    let mut star_written = false;
    let pos_only = sig.params.iter().filter(|p| p.pos_only).count();
    for (i, p) in sig.params.iter().enumerate() {
        let default = if p.has_default { " = ..." } else { "" };
        let text = match p.kind {
            _ if i == 0 && is_method => p.name.clone(),
            ParamKind::Star => {
                star_written = true;
                format!("*{}: {}", p.name, show(&p.ty))
            }
            ParamKind::Star2 => format!("**{}: {}", p.name, show(&p.ty)),
            ParamKind::KwOnly if !star_written => {
                star_written = true;
                parts.push("*".to_string());
                format!("{}: {}{default}", p.name, show(&p.ty))
            }
            _ if p.pos_only => format!("{}{default}", show(&p.ty)),
            _ => format!("{}: {}{default}", p.name, show(&p.ty)),
        };
        parts.push(text);
        if p.pos_only && i + 1 == pos_only && !(i == 0 && is_method && pos_only == 1) {
            parts.push("/".to_string());
        }
    }
    let type_vars = if vars.is_empty() {
        String::new()
    } else {
        let short: Vec<&str> = vars
            .iter()
            .map(|v| v.rsplit('.').next().unwrap_or(v))
            .collect();
        format!("[{}] ", short.join(", "))
    };
    let ret = if sig.has_ret {
        show(&sig.ret)
    } else {
        "Any".to_string()
    };
    format!("def {type_vars}{}({}) -> {ret}", sig.name, parts.join(", "))
}

/// `--disallow-untyped-defs`: a `def` without any annotation.
pub fn function_type_expected() -> Msg {
    (
        "Function is missing a type annotation".into(),
        "no-untyped-def",
    )
}

/// `--disallow-untyped-defs` / `--disallow-incomplete-defs`: no return
/// annotation.
pub fn return_type_expected() -> Msg {
    (
        "Function is missing a return type annotation".into(),
        "no-untyped-def",
    )
}

/// `--disallow-incomplete-defs`: some parameter is not annotated.
pub fn param_type_expected() -> Msg {
    (
        "Function is missing a type annotation for one or more parameters".into(),
        "no-untyped-def",
    )
}

/// The note after `return_type_expected` for a function returning nothing.
pub const USE_NONE_RETURN: &str = "Use \"-> None\" if function does not return a value";
