//! mypy's inference of instance attribute types. An attribute that is only
//! ever assigned through `self` without an annotation (`self.left =
//! Tree(...)`) has the type of its first assignment, in the order the
//! class's methods are written, with mypy's partial types: `self.x = None`
//! completed by a later assignment of a `T` in the same method is
//! `Optional[T]` (left alone it is `None`), and `self.xs = []` completed
//! by `self.xs.append(v)` in the same method is `list[V]`. An attribute a
//! base class defines is the base's, not a new one.
//!
//! The value types come from checking the methods (quietly, as a pre-pass
//! before the real check), so attributes whose values use other inferred
//! attributes need another round: rounds repeat until nothing changes.

use indexmap::IndexMap;
use rustpython_parser::ast;
use rustpython_parser::text_size::TextSize;

use crate::types::Type;

use super::partial::PartialKind;
use super::program::{Member, Program};

/// What is known so far about one inferred attribute.
#[derive(Clone, Debug)]
struct Inferred {
    ty: Type,
    /// The method whose assignment came first (by its start).
    scope: TextSize,
    pending: Pending,
}

/// A partial type waiting for its completion in the same method.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pending {
    None,
    Collection(PartialKind),
    Done,
}

/// The state of one inference round.
#[derive(Clone, Debug, Default)]
pub struct AttrInference {
    found: IndexMap<(String, String), Inferred>,
}

impl AttrInference {
    /// `self.<attr> = <value>` (of type `vt`) in the method starting at
    /// `scope` of class `class`.
    pub fn assigned(
        &mut self,
        class: &str,
        attr: &str,
        scope: TextSize,
        value: Option<&ast::Expr>,
        vt: &Type,
    ) {
        let key = (class.to_string(), attr.to_string());
        match self.found.get_mut(&key) {
            None => {
                let collection = value.and_then(super::partial::empty_collection);
                let pending = match (vt, collection) {
                    (Type::None, _) => Pending::None,
                    (_, Some(kind)) => Pending::Collection(kind),
                    _ => Pending::Done,
                };
                let ty = super::check::generalize_literal(vt.clone());
                self.found.insert(key, Inferred { ty, scope, pending });
            }
            Some(e) if e.scope == scope && e.pending == Pending::None && *vt != Type::None => {
                e.ty = Type::optional(super::check::generalize_literal(vt.clone()));
                e.pending = Pending::Done;
            }
            Some(_) => {}
        }
    }

    /// The kind of empty collection `self.<attr>` holds, if a call of a
    /// filling method in the method starting at `scope` completes it.
    pub fn pending_collection(
        &self,
        class: &str,
        attr: &str,
        scope: TextSize,
    ) -> Option<PartialKind> {
        let e = self.found.get(&(class.to_string(), attr.to_string()))?;
        match e.pending {
            Pending::Collection(kind) if e.scope == scope => Some(kind),
            _ => None,
        }
    }

    /// A filling call completed `self.<attr>`: its type is `t`.
    pub fn complete(&mut self, class: &str, attr: &str, t: Type) {
        if let Some(e) = self.found.get_mut(&(class.to_string(), attr.to_string())) {
            e.ty = t;
            e.pending = Pending::Done;
        }
    }

    /// Add the findings of another module's pass (about other classes).
    pub fn join(&mut self, other: AttrInference) {
        for (key, inferred) in other.found {
            self.found.entry(key).or_insert(inferred);
        }
    }

    /// Write the inferred types into the program's classes; whether any
    /// changed.
    pub fn apply(self, p: &mut Program) -> bool {
        let mut changed = false;
        for ((class, attr), inferred) in self.found {
            let Some(info) = p.classes.get_mut(&class) else {
                continue;
            };
            if !info.inferred_attrs.contains(&attr) {
                continue;
            }
            match info.members.get(&attr) {
                Some(Member::Attr(old)) if *old == inferred.ty => {}
                Some(Member::Attr(_)) | None => {
                    info.members.insert(attr, Member::Attr(inferred.ty));
                    changed = true;
                }
                Some(_) => {}
            }
        }
        changed
    }
}

/// Attributes a base class defines belong to the base: a subclass's own
/// unannotated assignments do not redefine them. They are no longer
/// inferred in the subclass, which keeps them as members (they count as
/// defined there) with the base's type (refreshed after every round).
pub fn inherit_attr_types(p: &mut Program) {
    let mut updates: Vec<(String, String, Type)> = vec![];
    for (full, info) in &p.classes {
        for attr in info.inferred_attrs.iter().chain(&info.inherited_attrs) {
            let (mro, _) = p.mro(full);
            let base = mro.iter().skip(1).find_map(|c| c.members.get(attr));
            if let Some(m) = base {
                let t = match m {
                    Member::Attr(t) => t.clone(),
                    _ => Type::Any,
                };
                updates.push((full.clone(), attr.clone(), t));
            }
        }
    }
    for (full, attr, t) in updates {
        if let Some(info) = p.classes.get_mut(&full) {
            info.inferred_attrs.retain(|a| *a != attr);
            if !info.inherited_attrs.contains(&attr) {
                info.inherited_attrs.push(attr.clone());
            }
            if matches!(info.members.get(&attr), Some(Member::Attr(_))) {
                info.members.insert(attr, Member::Attr(t));
            }
        }
    }
}
