//! `Final` names whose values are not foldable literals, kept in C statics
//! (as mypyc does): `ORIGIN: Final = Point(0, 0)` at module level, or
//! `ZERO: Final = Vec(0, 0)` in the body of a module-level class.
//!
//! A `Final` name is bound once and never rebound, so compiled code need
//! not look it up in the module dict on every read: the assignment stores
//! the value both in the namespace (module dict or class dict, so Python
//! code sees it) and in a static of the RType of the name's declared type,
//! and reads load the static, typed, so that `ORIGIN.x` is a native field
//! read. Until the assignment runs the static holds its type's error value
//! and a read raises `NameError`. For types whose error value is also a
//! valid value (`float`, native ints) a companion `bit` static says whether
//! the value was stored.
//!
//! Literal values (`N: Final = 10`) are folded at their uses instead (see
//! `checker::program::final_literals`); those never get a static.
//!
//! Across modules: a module reads another module's statics directly when
//! the whole build is one group (the statics of a group are shared by all
//! its C files). With several groups, a module only sees its own statics
//! and reads other modules' `Final` names through the module dict, typed
//! by the checker (exports tables carry functions and classes, not
//! statics).

use indexmap::IndexMap;
use rustpython_parser::ast;

use super::mapper::Mapper;
use super::IrBuilder;
use crate::checker::program::{binding_counts, Binding, Member, Program};
use crate::ir::*;
use crate::irbuild::symbols::{ModuleSymbols, Symbol};
use crate::parse::ParsedModule;
use crate::semanal::{is_final_annotation, scope};
use crate::types::Type;

/// The `Final` statics a module may read, by full name (`m.NAME`,
/// `m.Class.NAME`): the module defining each and its RType.
#[derive(Clone, Debug, Default)]
pub struct FinalStatics {
    statics: IndexMap<String, (String, RType)>,
}

impl FinalStatics {
    pub fn new(statics: IndexMap<String, (String, RType)>) -> FinalStatics {
        FinalStatics { statics }
    }

    /// The static of the `Final` name `full`, if it has one.
    pub fn get(&self, full: &str) -> Option<StaticRef> {
        let (_, rtype) = self.statics.get(full)?;
        Some(StaticRef::Final {
            full: full.to_string(),
            rtype: rtype.clone(),
        })
    }

    /// The module defining the static of `full`.
    pub fn module_of(&self, full: &str) -> Option<&str> {
        self.statics.get(full).map(|(m, _)| m.as_str())
    }
}

/// The `Final` statics module `module` defines: names bound once at
/// module level by `NAME: Final = <value>`, and `NAME: Final = <value>` in
/// the bodies of its module-level classes (bound once), whose values are
/// not literals the uses fold (classes as `checker::program::
/// class_final_literals` finds them). Each has the RType of the checker's type of
/// the name, as `mapper` (the module's) sees it.
pub fn module_final_statics(
    program: &Program,
    module: &str,
    parsed: &ParsedModule,
    symbols: &ModuleSymbols,
    mapper: &Mapper,
) -> IndexMap<String, (String, RType)> {
    let mut out = IndexMap::new();
    let counts = binding_counts(&parsed.body);
    let once = |n: &str| counts.get(n) == Some(&1);
    for_each_final(&parsed.body, &mut |name, _| {
        let full = format!("{module}.{name}");
        if !once(name) || program.final_literals.contains_key(&full) {
            return;
        }
        if let Some(Symbol::Var(t)) = symbols.symbols.get(name) {
            out.insert(full, (module.to_string(), mapper.rtype(t)));
        }
    });
    let classes = parsed.body.iter().filter_map(|s| match s {
        ast::Stmt::ClassDef(c) => Some(c),
        _ => None,
    });
    for c in classes {
        let class_full = format!("{module}.{}", c.name);
        let Some(info) = program.classes.get(&class_full) else {
            continue;
        };
        if !once(c.name.as_str()) || !matches!(program.binding(module, &c.name), Binding::Class(_))
        {
            continue;
        }
        let class_counts = binding_counts(&c.body);
        for (name, _) in class_body_finals(c) {
            let full = format!("{class_full}.{name}");
            if class_counts.get(name) != Some(&1)
                || program.class_final_literals.contains_key(&full)
            {
                continue;
            }
            if let Some(Member::Attr(t)) = info.members.get(name) {
                let t = mapper.map(&crate::semanal::generalize(t.clone()));
                out.insert(full, (module.to_string(), mapper.rtype(&t)));
            }
        }
    }
    out
}

/// `f(name, value)` for each `name: Final = value` directly in `body` or
/// in its compound statements (not in functions or classes).
fn for_each_final<'a>(body: &'a [ast::Stmt], f: &mut dyn FnMut(&'a str, &'a ast::Expr)) {
    for stmt in body {
        if let ast::Stmt::AnnAssign(a) = stmt {
            if let (ast::Expr::Name(n), Some(v)) = (&*a.target, &a.value) {
                if is_final_annotation(&a.annotation) {
                    f(n.id.as_str(), v);
                }
            }
        }
        for block in scope::child_blocks(stmt) {
            for_each_final(block, f);
        }
    }
}

/// `name: Final = value` directly in the body of class `c`.
pub fn class_body_finals(c: &ast::StmtClassDef) -> Vec<(&str, &ast::Expr)> {
    c.body
        .iter()
        .filter_map(|stmt| match stmt {
            ast::Stmt::AnnAssign(a) if is_final_annotation(&a.annotation) => {
                match (&*a.target, &a.value) {
                    (ast::Expr::Name(n), Some(v)) => Some((n.id.as_str(), &**v)),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

impl IrBuilder<'_> {
    /// The full name of the `Final` static an assignment to `name` here
    /// initializes: a module-level `Final` of this module, or one of the
    /// module-level class whose body is being lowered.
    pub fn final_static_target(&self, name: &str) -> Option<StaticRef> {
        if !self.is_top_level {
            return None;
        }
        let full = match (&self.class_ns, &self.class_being_built) {
            (None, _) => format!("{}.{name}", self.module.name),
            (Some(_), Some(class)) if self.class_finals.iter().any(|f| f == name) => {
                format!("{}.{class}.{name}", self.module.name)
            }
            _ => return None,
        };
        let finals = &self.opts.finals;
        (finals.module_of(&full)? == self.module.name)
            .then(|| finals.get(&full))
            .flatten()
    }

    /// After `name: Final = value` has bound the name: store the value in
    /// the name's static too, if it has one.
    pub fn init_final_static(&mut self, name: &str, v: ValueId) {
        let Some(target) = self.final_static_target(name) else {
            return;
        };
        let v = self.b.coerce(v, &target.rtype());
        let overlaps = target.rtype().error_overlaps();
        let full = match &target {
            StaticRef::Final { full, .. } => full.clone(),
            _ => return,
        };
        self.b.add(Op::InitStatic { target, value: v }, RType::Void);
        if overlaps {
            let one = self.b.bit(1);
            self.b.add(
                Op::InitStatic {
                    target: StaticRef::FinalSet(full),
                    value: one,
                },
                RType::Void,
            );
        }
    }

    /// Read `Final` static `s` (named `shown` in the error): `NameError`
    /// if its assignment has not run yet. For types whose error value is
    /// a valid value, the companion flag tells.
    pub fn load_final_static(&mut self, s: StaticRef, shown: &str) -> ValueId {
        let t = s.rtype();
        let (unset, ok) = (self.b.new_block(), self.b.new_block());
        let v = match &s {
            StaticRef::Final { full, .. } if t.error_overlaps() => {
                let flag = StaticRef::FinalSet(full.clone());
                let set = self.b.add(Op::LoadStatic(flag), RType::Bit);
                self.branch_rare(set, BranchKind::Bool, ok, unset);
                self.b.activate(ok);
                self.b.add(Op::LoadStatic(s), t)
            }
            _ => {
                let v = self.b.add(Op::LoadStatic(s), t);
                self.branch_rare(v, BranchKind::IsError, unset, ok);
                self.b.activate(ok);
                v
            }
        };
        self.b.activate(unset);
        self.raise_name_error(format!("value for final name \"{shown}\" was not set"));
        self.b.activate(ok);
        v
    }

    /// The type object of native class `full`, read under module-level
    /// name `shown`: NameError while the class statement (or the import)
    /// has not run yet.
    pub fn load_class_static(&mut self, full: String, shown: &str) -> ValueId {
        let (unset, ok) = (self.b.new_block(), self.b.new_block());
        let v = self
            .b
            .add(Op::LoadStatic(StaticRef::Type(full)), RType::OBJECT);
        self.branch_rare(v, BranchKind::IsError, unset, ok);
        self.b.activate(unset);
        self.raise_name_error(format!("name '{shown}' is not defined"));
        self.b.activate(ok);
        v
    }

    /// Raise `NameError(message)` and end the current block.
    fn raise_name_error(&mut self, message: String) {
        self.b.add(
            Op::RaiseStandardError {
                class: "NameError".into(),
                message: Some(message),
            },
            RType::Bit,
        );
        self.b.add(Op::Unreachable, RType::Void);
    }

    pub fn branch_rare(&mut self, value: ValueId, kind: BranchKind, t: BlockId, f: BlockId) {
        self.b.add(
            Op::Branch {
                value,
                true_label: t,
                false_label: f,
                kind,
                negated: false,
                traceback: None,
                rare: true,
            },
            RType::Void,
        );
    }

    /// The static of the module-level `Final` name `name` as this module
    /// reads it: its own, or one imported from another module of the group.
    pub fn module_final_static(&self, name: &str) -> Option<StaticRef> {
        if self.module.finals.iter().any(|n| n == name) {
            return self
                .opts
                .finals
                .get(&format!("{}.{name}", self.module.name));
        }
        match self.opts.imports.get(name)? {
            super::imports::ImportTarget::Final { module, name } => {
                self.opts.finals.get(&format!("{module}.{name}"))
            }
            _ => None,
        }
    }

    /// The class defining the class-body `Final` attribute that `a` reads
    /// (`C.X`, `cls.X` or `obj.X`, also when `X` is inherited), and the
    /// attribute's full name (`m.C.X`).
    pub fn class_final_ref(&self, a: &ast::ExprAttribute) -> Option<String> {
        let full = match self.opts.types.get(&a.value)? {
            Type::TypeObj(c) | Type::Instance(c, _) => c.clone(),
            _ => return None,
        };
        let program = &self.opts.program;
        let (mro, _) = program.mro(&full);
        let attr = a.attr.as_str();
        let owner = mro.iter().find(|c| c.members.contains_key(attr))?;
        owner
            .finals
            .contains(attr)
            .then(|| format!("{}.{attr}", owner.full))
    }

    /// `C.X` / `obj.X` of a class-body `Final` attribute: its literal value,
    /// or its static.
    pub fn class_final_attr(&mut self, a: &ast::ExprAttribute) -> Option<ValueId> {
        let full = self.class_final_ref(a)?;
        let program = self.opts.program.clone();
        if let Some(lit) = program.class_final_literals.get(&full) {
            return Some(self.literal_value(lit));
        }
        let s = self.opts.finals.get(&full)?;
        Some(self.load_final_static(s, a.attr.as_str()))
    }
}
