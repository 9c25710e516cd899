//! Overloaded functions and methods (`@overload` variants, in user code
//! and in the library stubs): finding the variants of a name, choosing the
//! variant a call reaches (the first whose parameters accept the
//! arguments, as mypy), and mypy's `[call-overload]` error with the
//! variants listed as notes.

use rustpython_parser::ast;

use crate::semanal::ParamKind;
use crate::types::Type;

use super::calls::CallTypes;
use super::check::Checker;
use super::compat::{has_any, show};
use super::messages as msg;
use super::program::{decorator_name, method_kind_of, AnnCtx, DefParts, MethodKind, Sig};

/// An overloaded name of a module or class body: its variants in order
/// and how the methods are bound.
pub struct OverloadGroup {
    pub name: String,
    pub variants: Vec<Sig>,
    pub kind: MethodKind,
}

fn is_overload(d: &ast::Expr) -> bool {
    decorator_name(d) == "overload"
}

/// The overloaded names among the definitions of a body: every definition
/// of the name but the last is decorated `@overload` (the last is the
/// implementation or, in a stub, one more variant), and nothing else binds
/// the name (`binds` counts a name's bindings).
pub fn overload_groups(
    ctx: &AnnCtx,
    body: &[ast::Stmt],
    owner: Option<&str>,
    binds: &dyn Fn(&str) -> usize,
) -> Vec<OverloadGroup> {
    let defs: Vec<DefParts> = body.iter().filter_map(DefParts::of).collect();
    let mut names: Vec<&str> = defs.iter().map(|d| d.name).collect();
    names.dedup();
    let mut out = vec![];
    for name in names {
        if out.iter().any(|g: &OverloadGroup| g.name == name) {
            continue;
        }
        let group: Vec<&DefParts> = defs.iter().filter(|d| d.name == name).collect();
        let first = &group[..group.len().saturating_sub(1)];
        let marked = |d: &DefParts| d.decorators.iter().any(is_overload);
        if first.is_empty() || !first.iter().all(|d| marked(d)) || binds(name) != group.len() {
            continue;
        }
        let variants: Vec<&&DefParts> = group.iter().filter(|d| marked(d)).collect();
        let others: Vec<ast::Expr> = first[0]
            .decorators
            .iter()
            .filter(|d| !is_overload(d))
            .cloned()
            .collect();
        out.push(OverloadGroup {
            name: name.to_string(),
            variants: variants.iter().map(|d| ctx.sig(d, owner)).collect(),
            kind: method_kind_of(&others),
        });
    }
    out
}

/// mypy's `No overload variant of "f" matches argument type(s) ...`.
pub fn no_variant_matches(callee: &str, args: &[Type]) -> String {
    let shown: Vec<String> = args.iter().map(|t| format!("\"{}\"", show(t))).collect();
    let noun = if args.len() == 1 { "type" } else { "types" };
    format!(
        "No overload variant of {callee} matches argument {noun} {}",
        shown.join(", ")
    )
}

/// Does the variant have a required parameter (past the `skip` bound ones)?
fn needs_argument(sig: &Sig, skip: usize) -> bool {
    sig.params
        .iter()
        .skip(skip)
        .any(|p| !p.has_default && matches!(p.kind, ParamKind::Positional | ParamKind::KwOnly))
}

/// When no variant accepts the arguments but some argument is `Any` (or
/// contains it), mypy's result is `Any` and nothing is reported.
pub fn any_argument(args: &[Type]) -> bool {
    args.iter().any(has_any)
}

impl Checker<'_> {
    /// The result of calling an overloaded function: that of the first
    /// variant that accepts the arguments. None does: `[call-overload]`,
    /// with the variants as notes (unless an argument is `Any`, which
    /// makes the result `Any`, as in mypy).
    pub(super) fn call_overloaded(
        &mut self,
        c: &ast::ExprCall,
        variants: &[Sig],
        skip: usize,
        name: &str,
        call: &CallTypes,
    ) -> Type {
        let mut matched: Vec<Sig> = vec![];
        for v in variants {
            let quiet = std::mem::replace(&mut self.quiet, true);
            let before = self.errors_found;
            let sig = self.instantiate(c, v.clone(), skip, name, &[], call);
            self.check_args(c, &sig, skip, name, call.args, call.kws);
            self.quiet = quiet;
            if self.errors_found == before {
                matched.push(sig);
            }
        }
        let all: Vec<Type> = call.args.iter().chain(call.kws).cloned().collect();
        let result = |s: &Sig| if s.has_ret { s.ret.clone() } else { Type::Any };
        match matched.as_slice() {
            [first, rest @ ..] => {
                let ambiguous = rest.iter().any(|s| result(s) != result(first));
                if ambiguous && any_argument(&all) {
                    Type::Any
                } else {
                    result(first)
                }
            }
            [] if any_argument(&all) => Type::Any,
            [] => {
                let message = if all.is_empty() && variants.iter().all(|v| needs_argument(v, skip))
                {
                    format!("All overload variants of {name} require at least one argument")
                } else {
                    no_variant_matches(name, &all)
                };
                self.report_at(c.range.start(), message, "call-overload");
                self.note_at(
                    c.range.start(),
                    "call-overload",
                    "Possible overload variants:",
                );
                for v in variants {
                    let line = format!("    {}", msg::show_signature(v, skip > 0));
                    self.note_at(c.range.start(), "call-overload", &line);
                }
                Type::Any
            }
        }
    }
}
