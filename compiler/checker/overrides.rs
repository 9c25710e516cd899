//! Method overrides (`[override]`): an instance method redefined in a
//! subclass must accept every argument the supertype's method accepts and
//! return a subtype of what it returns (Liskov substitution).
//!
//! Checked only where the answer is certain: single-inheritance chains of
//! program classes, plain (undecorated, non-dunder) methods whose
//! parameters line up one to one by kind and name.

use rustpython_parser::ast::{self, Ranged};

use crate::types::Type;

use super::check::Checker;
use super::compat::{compatible, has_any, show};
use super::program::{bind_class_params, DefParts, Member, MethodKind, Sig};

impl Checker<'_> {
    /// Check every method of class `full` (defined by `c`) against the
    /// methods it overrides.
    pub fn check_overrides(&mut self, full: &str, c: &ast::StmtClassDef) {
        for stmt in &c.body {
            let Some(d) = DefParts::of(stmt) else {
                continue;
            };
            if !d.decorators.is_empty() || (d.name.starts_with("__") && d.name.ends_with("__")) {
                continue;
            }
            let Some(info) = self.program.classes.get(full) else {
                return;
            };
            let Some(Member::Method(sig, MethodKind::Instance)) = info.members.get(d.name) else {
                continue;
            };
            // Both methods as methods of this class's instances.
            let receiver = self.program.self_type(full);
            let Some(sig) = bind_self(sig, &receiver) else {
                continue;
            };
            for (base, bsig) in self.overridden(full, d.name) {
                if let Some(bsig) = bind_self(&bsig, &receiver) {
                    self.compare_override(&d, &sig, &base, &bsig);
                }
            }
        }
    }

    /// The methods `name` of the single-inheritance chain above `full`.
    fn overridden(&self, full: &str, name: &str) -> Vec<(String, Sig)> {
        let mut out = vec![];
        let mut cur = full.to_string();
        for _ in 0..64 {
            let Some(info) = self.program.classes.get(&cur) else {
                break;
            };
            if info.opaque || info.bases.len() != 1 {
                break;
            }
            cur = info.bases[0].clone();
            let Some(base) = self.program.classes.get(&cur) else {
                break;
            };
            match base.members.get(name) {
                Some(m @ Member::Method(_, MethodKind::Instance)) => {
                    // The base's type parameters as this class binds them.
                    let own = self.program.self_type(full);
                    let Type::Instance(_, args) = &own else { break };
                    let given = self.program.ancestor_args(full, args, &cur);
                    if let Member::Method(bsig, _) = bind_class_params(base, &given, m) {
                        out.push((base.name.clone(), bsig));
                    }
                }
                Some(_) => break,
                None => {}
            }
        }
        out
    }

    fn compare_override(&mut self, d: &DefParts, sig: &Sig, base: &str, bsig: &Sig) {
        let lined_up = sig.params.len() == bsig.params.len()
            && sig.params.iter().zip(&bsig.params).all(|(a, b)| {
                a.kind == b.kind && a.has_default == b.has_default && (a.name == b.name)
            });
        if !lined_up || sig.is_async != bsig.is_async || sig.is_generator || bsig.is_generator {
            return;
        }
        if sig.has_ret
            && bsig.has_ret
            && definite(&sig.ret)
            && definite(&bsig.ret)
            && !compatible(&sig.ret, &bsig.ret, self.program)
        {
            let m = format!(
                "Return type \"{}\" of \"{}\" incompatible with return type \"{}\" in supertype \"{base}\"",
                show(&sig.ret),
                d.name,
                show(&bsig.ret)
            );
            self.report_at(d.start, m, "override");
        }
        let args: Vec<&ast::Arg> = d
            .args
            .posonlyargs
            .iter()
            .chain(&d.args.args)
            .map(|a| &a.def)
            .collect();
        for (i, (p, bp)) in sig.params.iter().zip(&bsig.params).enumerate().skip(1) {
            if !definite(&p.ty) || !definite(&bp.ty) || compatible(&bp.ty, &p.ty, self.program) {
                continue;
            }
            let m = format!(
                "Argument {i} of \"{}\" is incompatible with supertype \"{base}\"; supertype defines the argument type as \"{}\"",
                d.name,
                show(&bp.ty)
            );
            let at = args.get(i).map_or(d.start, |a| a.start());
            self.report_at(at, m, "override");
            self.note_at(
                at,
                "override",
                "This violates the Liskov substitution principle",
            );
            self.note_at(
                at,
                "override",
                "See https://mypy.readthedocs.io/en/stable/common_issues.html#incompatible-overrides",
            );
            break;
        }
    }
}

/// Method `sig` bound to instances of type `receiver`: a type variable
/// that annotates `self` (`def clone(self: _P) -> _P`) stands for the
/// receiver's type everywhere in the signature, as mypy binds `self`
/// before it compares an override with its supertype's method. `None`
/// when the annotation of `self` uses type variables another way (not
/// followed, so not compared).
fn bind_self(sig: &Sig, receiver: &Type) -> Option<Sig> {
    let Some(first) = sig.params.first() else {
        return Some(sig.clone());
    };
    let mut vars = vec![];
    first.ty.collect_type_vars(&mut vars);
    if vars.is_empty() {
        return Some(sig.clone());
    }
    let Type::TypeVar(var) = &first.ty else {
        return None;
    };
    let mut bound = sig.clone();
    bound.map_types(&|t| {
        t.map_type_vars(&|n| {
            if n == var {
                receiver.clone()
            } else {
                Type::TypeVar(n.to_string())
            }
        })
    });
    Some(bound)
}

fn definite(t: &Type) -> bool {
    !has_any(t)
}
