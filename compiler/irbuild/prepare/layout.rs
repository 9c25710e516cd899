//! Laying out one native class: its attributes (inherited ones first),
//! vtable (an override takes over its base's slots, through glue where the
//! native signatures differ) and properties, or why it cannot be native.

use std::collections::HashSet;

use indexmap::IndexMap;
use rustpython_parser::ast;

use super::body::*;
use super::{base_head, is_generic_base, ClassSource, DEFAULTS_SETUP};
use crate::checker::program::{AnnCtx, Member, Program};
use crate::ir::{ClassIR, FuncDecl, FuncRef, RType, VtableEntry};
use crate::irbuild::class_table::{NativeClass, VtableMethod};
use crate::irbuild::mapper::Mapper;
use crate::semanal::scope;
use crate::semanal::{FuncSig, ParamKind};
use crate::types::Type;

/// The C struct of the instances of the builtin exceptions native classes
/// may extend (`EXCEPTION_BASES`).
const EXCEPTION_STRUCT: &str = "PyBaseExceptionObject";

/// Names `BaseException` defines, which a native exception class may not
/// redefine as attributes or methods (its struct fields would hide them
/// from the C code that reads the exception's own fields).
const EXCEPTION_MEMBERS: &[&str] = &[
    "args",
    "with_traceback",
    "add_note",
    "__traceback__",
    "__cause__",
    "__context__",
    "__suppress_context__",
    "__notes__",
    "__dict__",
];

/// Lay out native class `src` on its native base (if any), mixing in
/// `traits`; else why it cannot be native.
pub(super) fn layout_class(
    program: &Program,
    src: &ClassSource,
    base: Option<&NativeClass>,
    extends_exception: bool,
    traits: &[&ClassSource],
    mapper: &Mapper,
) -> Result<NativeClass, String> {
    let mut l = Layout::inherit(program, src, base, mapper)?;
    l.add_body_names()?;
    l.add_trait_attrs(program, traits, base.is_some())?;
    l.add_self_attrs(program)?;
    l.add_methods()?;
    l.add_properties()?;
    let builtin_base = base
        .and_then(|b| b.ir.builtin_base.clone())
        .or_else(|| extends_exception.then(|| EXCEPTION_STRUCT.to_string()));
    if builtin_base.is_some() {
        l.check_exception_class()?;
    }
    Ok(l.finish(base, builtin_base))
}

/// A native class being laid out: its members so far, starting from what
/// it inherits from its native base.
struct Layout<'a> {
    program: &'a Program,
    src: &'a ClassSource<'a>,
    full: String,
    /// The checker's types as the class's module sees them.
    mapper: &'a Mapper,
    body: BodyMembers,
    attr_types: IndexMap<String, Type>,
    inherited_attrs: usize,
    methods: IndexMap<String, VtableMethod>,
    others: Vec<String>,
    vtable: Vec<VtableEntry>,
    init: Option<(FuncSig, FuncRef)>,
    properties: IndexMap<String, VtableMethod>,
    has_defaults: bool,
    /// One of the class's own bases is `abc.ABC`.
    abc_base: bool,
}

impl<'a> Layout<'a> {
    fn inherit(
        program: &'a Program,
        src: &'a ClassSource<'a>,
        base: Option<&NativeClass>,
        mapper: &'a Mapper,
    ) -> Result<Self, String> {
        let attr_types = base.map(|b| b.attr_types.clone()).unwrap_or_default();
        Ok(Layout {
            program,
            src,
            full: format!("{}.{}", src.module, src.def.name),
            mapper,
            body: body_members(src.parsed, src.def)?,
            inherited_attrs: attr_types.len(),
            attr_types,
            methods: base.map(|b| b.methods.clone()).unwrap_or_default(),
            others: base.map(|b| b.other_members.clone()).unwrap_or_default(),
            vtable: base.map(|b| b.ir.vtable.clone()).unwrap_or_default(),
            init: base.and_then(|b| b.init.clone()),
            properties: base.map(|b| b.properties.clone()).unwrap_or_default(),
            has_defaults: base.is_some_and(|b| b.ir.defaults_setup.is_some()),
            abc_base: {
                let ctx = AnnCtx {
                    program,
                    module: &src.module,
                };
                src.def.bases.iter().any(|b| super::is_abc_base(b, &ctx))
            },
        })
    }

    /// What an inherited name is, if it is an attribute or a method.
    fn inherited_kind(&self, n: &str) -> Option<&'static str> {
        if self.attr_types.contains_key(n) {
            Some("attribute")
        } else if self.methods.contains_key(n) {
            Some("method")
        } else {
            None
        }
    }

    /// The class-body names: class attributes (which may not change what
    /// an inherited name is) and attributes.
    fn add_body_names(&mut self) -> Result<(), String> {
        for n in &self.body.others {
            if let Some(kind) = self.inherited_kind(n) {
                return Err(format!(
                    "its class attribute \"{n}\" overrides an inherited {kind}"
                ));
            }
            self.others.push(n.clone());
        }
        for (n, ann, default) in &self.body.attrs {
            if self.methods.contains_key(n) || self.others.contains(n) {
                return Err(format!(
                    "its attribute \"{n}\" overrides an inherited method or class attribute"
                ));
            }
            // A dataclass's generated `__init__` stores every field.
            self.has_defaults |= default.is_some() && !is_dataclass(self.src.def);
            if self.attr_types.contains_key(n) {
                continue;
            }
            let t = match (ann, default) {
                (Some(a), _) => self.mapper.annotation(self.program, &self.src.module, a),
                (None, Some(ast::Expr::Constant(c))) => {
                    crate::semanal::generalize(crate::checker::constant_type(&c.value))
                }
                _ => Type::Any,
            };
            self.attr_types.insert(n.clone(), t);
        }
        Ok(())
    }

    /// Is `n` a method or class attribute of the class body?
    fn body_defines(&self, n: &str) -> bool {
        self.body
            .methods
            .iter()
            .chain(&self.body.others)
            .any(|m| m == n)
    }

    /// Attributes declared by the traits mixed in. Listed before the native
    /// base, a trait's methods would hide the base's in the MRO (and the
    /// vtable would disagree).
    fn add_trait_attrs(
        &mut self,
        program: &Program,
        traits: &[&ClassSource],
        has_base: bool,
    ) -> Result<(), String> {
        let ctx = AnnCtx {
            program,
            module: &self.src.module,
        };
        let trait_name = |t: &ClassSource| format!("{}.{}", t.module, t.def.name);
        let first_base = self.src.def.bases.iter().find(|b| !is_generic_base(b));
        let first_trait = first_base
            .and_then(|b| ctx.class_of(base_head(b)))
            .filter(|c| has_base && traits.iter().any(|t| trait_name(t) == *c));
        for t in traits {
            let tbody = body_members(t.parsed, t.def)?;
            let hidden = tbody
                .methods
                .iter()
                .chain(&tbody.others)
                .find(|m| self.methods.contains_key(*m));
            if let (Some(first), Some(m)) = (&first_trait, hidden) {
                let short = first.rsplit('.').next().unwrap_or("");
                return Err(format!(
                    "its first base is the trait \"{short}\", whose \"{m}\" would hide its native base's"
                ));
            }
            for (n, ann, _) in &tbody.attrs {
                if !self.attr_types.contains_key(n) && !self.body_defines(n) {
                    let t = match ann {
                        Some(a) => self.mapper.annotation(self.program, &t.module, a),
                        None => Type::Any,
                    };
                    self.attr_types.insert(n.clone(), t);
                }
            }
            let Some(info) = program.classes.get(&trait_name(t)) else {
                continue;
            };
            for (n, m) in &info.members {
                let in_trait_body = tbody.methods.contains(n) || tbody.others.contains(n);
                let Member::Attr(ty) = m else { continue };
                if !in_trait_body && !self.attr_types.contains_key(n) && !self.body_defines(n) {
                    let ty = self.mapper.map(ty);
                    self.attr_types.insert(n.clone(), ty);
                }
            }
        }
        Ok(())
    }

    /// Attributes assigned through `self` in methods.
    fn add_self_attrs(&mut self, program: &Program) -> Result<(), String> {
        let Some(info) = program.classes.get(&self.full) else {
            return Ok(());
        };
        for (n, m) in &info.members {
            let Member::Attr(t) = m else { continue };
            let in_body = self.body.attrs.iter().any(|(a, _, _)| a == n) || self.body_defines(n);
            if in_body || self.attr_types.contains_key(n) || self.others.contains(n) {
                continue;
            }
            if self.methods.contains_key(n) {
                return Err(format!(
                    "its attribute \"{n}\" (assigned through self) overrides an inherited method"
                ));
            }
            let t = self.mapper.map(t);
            self.attr_types.insert(n.clone(), t);
        }
        Ok(())
    }

    /// The native declaration of method `def` of this class.
    fn method_decl(&self, def: &ast::StmtFunctionDef) -> Result<(FuncSig, FuncDecl), String> {
        let sig = super::method_sig(
            self.program,
            &self.src.module,
            self.mapper,
            self.src.parsed,
            def,
            &self.full,
        )?;
        let mut decl = self.mapper.func_decl(&self.src.module, &sig);
        decl.func.class = Some(self.src.def.name.to_string());
        Ok((sig, decl))
    }

    /// The `def` of a name of the class body.
    fn def_of(&self, name: &str) -> Option<&'a ast::StmtFunctionDef> {
        self.src.def.body.iter().find_map(|s| match s {
            ast::Stmt::FunctionDef(d) if d.name.as_str() == name => Some(d),
            _ => None,
        })
    }

    /// The vtable methods of the class body: `__init__` aside, a new
    /// method gets a slot, an override takes over the slots of the name.
    fn add_methods(&mut self) -> Result<(), String> {
        for name in self.body.methods.clone() {
            let Some(def) = self.def_of(&name) else {
                return Err(format!("its method \"{name}\" has no definition"));
            };
            let clash = if self.attr_types.contains_key(&name) {
                "is also an attribute"
            } else if self.body.others.contains(&name) {
                "is also bound otherwise in its class body"
            } else {
                "overrides an inherited class attribute that is not a plain method"
            };
            if self.attr_types.contains_key(&name) || self.others.contains(&name) {
                return Err(format!("its method \"{name}\" {clash}"));
            }
            let (sig, decl) = self.method_decl(def)?;
            if name == "__init__" {
                self.init = Some((sig, decl.func));
                continue;
            }
            let slot = match self.methods.get(&name).cloned() {
                Some(old) => self.override_method(&name, &old, &sig, decl)?,
                None => self.push_slot(&name, decl, false),
            };
            let is_final = self.body.final_methods.contains(&name);
            let method = VtableMethod {
                sig,
                slot,
                is_final,
            };
            self.methods.insert(name, method);
        }
        Ok(())
    }

    fn push_slot(&mut self, name: &str, decl: FuncDecl, getter: bool) -> usize {
        self.vtable.push(VtableEntry {
            name: name.to_string(),
            decl,
            glue_target: None,
            getter,
        });
        self.vtable.len() - 1
    }

    /// Override inherited method `old` with `decl`: every slot of the name
    /// now leads to the override, directly where the native signatures
    /// agree, else through glue. The override's own slot.
    fn override_method(
        &mut self,
        name: &str,
        old: &VtableMethod,
        sig: &FuncSig,
        decl: FuncDecl,
    ) -> Result<usize, String> {
        if old.is_final {
            return Err(format!("method \"{name}\" overrides a final method"));
        }
        if let Some(how) = params_mismatch(&old.sig, sig) {
            return Err(format!(
                "method \"{name}\" overrides with a different signature ({how})"
            ));
        }
        let class_name = self.src.def.name.to_string();
        for (s, entry) in self.vtable.iter_mut().enumerate() {
            if entry.name != name {
                continue;
            }
            *entry = if same_decl_signature(&entry.decl, &decl) {
                VtableEntry {
                    name: name.to_string(),
                    decl: decl.clone(),
                    glue_target: None,
                    getter: false,
                }
            } else if changed_optional_params(&entry.decl, &decl) > MAX_GLUE_OPTIONALS {
                // Glue makes one call per combination of omitted arguments
                // whose representation changes.
                return Err(format!(
                    "method \"{name}\" overrides with more than {MAX_GLUE_OPTIONALS} optional parameters of other native types"
                ));
            } else {
                let mut glue = entry.decl.clone();
                glue.func = FuncRef {
                    module: self.src.module.clone(),
                    class: Some(class_name.clone()),
                    name: format!("{name}___glue{s}"),
                };
                glue.params[0].rtype = RType::Instance(self.full.clone());
                glue.has_wrapper = false;
                VtableEntry {
                    name: name.to_string(),
                    decl: glue,
                    glue_target: Some(decl.clone()),
                    getter: false,
                }
            };
        }
        Ok(if same_native_signature(self.mapper, &old.sig, sig) {
            old.slot
        } else {
            self.push_slot(name, decl, false)
        })
    }

    /// `@property` getters, read through the vtable.
    fn add_properties(&mut self) -> Result<(), String> {
        for name in self.body.properties.clone() {
            let Some(def) = self.def_of(&name) else {
                return Err(format!("its property \"{name}\" has no definition"));
            };
            let (sig, decl) = self.method_decl(def)?;
            if sig.params.len() != 1 {
                return Err(format!("its property \"{name}\" takes parameters"));
            }
            let slot = match self.properties.get(&name) {
                Some(old) if same_native_signature(self.mapper, &old.sig, &sig) => {
                    let slot = old.slot;
                    self.vtable[slot] = VtableEntry {
                        name: name.clone(),
                        decl,
                        glue_target: None,
                        getter: true,
                    };
                    slot
                }
                Some(_) => {
                    return Err(format!(
                        "property \"{name}\" overrides one of another native type"
                    ))
                }
                None => self.push_slot(&name, decl, true),
            };
            let is_final = false;
            let getter = VtableMethod {
                sig,
                slot,
                is_final,
            };
            self.properties.insert(name, getter);
        }
        Ok(())
    }

    /// A class extending a builtin exception is constructed through the
    /// exception's own protocol (its `tp_new` stores the arguments), which a
    /// native `__new__` or a dataclass `__init__` would bypass, and may not
    /// hide the exception's own members.
    fn check_exception_class(&self) -> Result<(), String> {
        let clash = self
            .attr_types
            .keys()
            .chain(self.methods.keys())
            .chain(self.properties.keys())
            .chain(&self.others)
            .find(|n| EXCEPTION_MEMBERS.contains(&n.as_str()));
        if let Some(n) = clash {
            return Err(format!(
                "it extends a builtin exception and defines \"{n}\""
            ));
        }
        if self.body.new_method {
            return Err("it extends a builtin exception and defines __new__".into());
        }
        if is_dataclass(self.src.def) {
            return Err("it is a dataclass extending a builtin exception".into());
        }
        Ok(())
    }

    fn finish(self, base: Option<&NativeClass>, builtin_base: Option<String>) -> NativeClass {
        let src = self.src;
        let own = |name: &str| FuncRef {
            module: src.module.clone(),
            class: Some(src.def.name.to_string()),
            name: name.to_string(),
        };
        let attrs = self
            .attr_types
            .iter()
            .map(|(n, t)| (n.clone(), self.mapper.rtype(t)))
            .collect();
        let mut deletable = base.map(|b| b.ir.deletable.clone()).unwrap_or_default();
        deletable.extend(self.body.deletable.iter().cloned());
        let ir = ClassIR {
            module: src.module.clone(),
            name: src.def.name.to_string(),
            base: base.map(|b| b.ir.full_name()),
            attrs,
            own_attrs_start: self.inherited_attrs,
            layout_segments: {
                let mut segments = base
                    .map(|b| b.ir.layout_segments.clone())
                    .unwrap_or_default();
                segments.push(self.inherited_attrs);
                segments
            },
            vtable: self.vtable,
            defaults_setup: self.has_defaults.then(|| own(DEFAULTS_SETUP)),
            deletable,
            always_defined: vec![],
            // As for interpreted exception classes, Python code may derive
            // from exception classes.
            allow_interpreted_subclasses: allows_interpreted_subclasses(src.def)
                || builtin_base.is_some(),
            is_dataclass: is_dataclass(src.def),
            serializable: base.is_some_and(|b| b.ir.serializable)
                || has_mypyc_flag(src.def, "serializable"),
            // A GC base would make the type a GC one anyway.
            acyclic: has_mypyc_flag(src.def, "acyclic")
                && base.is_none_or(|b| b.ir.acyclic)
                && builtin_base.is_none(),
            is_abc: base.is_some_and(|b| b.ir.is_abc) || self.abc_base,
            // An inherited `__new__` allocates with the class's own setup
            // (`CPy_SetupNative`).
            new_method: match self.body.new_method {
                true => Some(own("__new__")),
                false => base.and_then(|b| b.ir.new_method.clone()),
            },
            py_methods: descriptor_methods(src, &self.body),
            builtin_base,
        };
        NativeClass {
            ir,
            attr_types: self.attr_types,
            methods: self.methods,
            other_members: self.others,
            init: self.init,
            is_final: src.def.decorator_list.iter().any(is_final_decorator),
            is_frozen: base.is_some_and(|b| b.is_frozen) || is_frozen_dataclass(src.def),
            properties: self.properties,
        }
    }
}

/// Glue for an override adapts at most this many optional parameters
/// whose native types change.
const MAX_GLUE_OPTIONALS: usize = 3;

/// The methods of a class body that become method descriptors: plain
/// (undecorated), not dunders (those go in the namespace so the type slots
/// follow them) and not referred to elsewhere in the class body.
fn descriptor_methods(src: &ClassSource, body: &BodyMembers) -> Vec<(String, FuncRef)> {
    let mut referenced: HashSet<String> = HashSet::new();
    for s in &src.def.body {
        if !matches!(s, ast::Stmt::FunctionDef(_)) {
            scope::names_loaded(s, &mut |n| {
                referenced.insert(n.to_string());
            });
        }
    }
    let undecorated = |n: &str| {
        src.def.body.iter().any(|s| {
            matches!(s, ast::Stmt::FunctionDef(d) if d.name.as_str() == n && d.decorator_list.is_empty())
        })
    };
    body.methods
        .iter()
        .filter(|n| !is_dunder(n) && !referenced.contains(*n) && undecorated(n))
        .map(|n| {
            let func = FuncRef {
                module: src.module.clone(),
                class: Some(src.def.name.to_string()),
                name: n.clone(),
            };
            (n.clone(), func)
        })
        .collect()
}

/// How an override's parameters differ from the overridden method's in a
/// way glue cannot adapt, if they do: the override takes the overridden
/// method's parameters (names, kinds, and defaults where they have one),
/// then optional ones only (which glue leaves out, so that the override's
/// defaults apply).
fn params_mismatch(old: &FuncSig, new: &FuncSig) -> Option<String> {
    if new.params.len() < old.params.len() {
        return Some(format!(
            "{} parameters instead of {}",
            new.params.len(),
            old.params.len()
        ));
    }
    let changed = old.params.iter().zip(&new.params).find_map(|(x, y)| {
        let name = &y.name;
        if x.name != y.name {
            Some(format!(
                "parameter \"{name}\" is \"{}\" in the overridden method",
                x.name
            ))
        } else if x.kind != y.kind {
            Some(format!("parameter \"{name}\" is of another kind"))
        } else if x.has_default && !y.has_default {
            Some(format!("parameter \"{name}\" lacks a default"))
        } else {
            None
        }
    });
    let added = new.params[old.params.len()..]
        .iter()
        .find(|p| !p.has_default || matches!(p.kind, ParamKind::Star | ParamKind::Star2));
    changed.or_else(|| added.map(|p| format!("added parameter \"{}\" is not optional", p.name)))
}

/// Optional parameters whose native representation differs.
fn changed_optional_params(a: &crate::ir::FuncDecl, b: &crate::ir::FuncDecl) -> usize {
    a.params
        .iter()
        .zip(&b.params)
        .filter(|(x, y)| {
            matches!(
                x.kind,
                crate::ir::ArgKind::Optional | crate::ir::ArgKind::KwOnlyOptional
            ) && x.rtype != y.rtype
        })
        .count()
}

/// Same native parameter and return representations (receiver aside)?
fn same_decl_signature(a: &crate::ir::FuncDecl, b: &crate::ir::FuncDecl) -> bool {
    a.ret == b.ret
        && a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .skip(1)
            .all(|(x, y)| x.rtype == y.rtype && x.kind == y.kind)
}

/// Can an override be called through the overridden method's vtable slot
/// (same parameters, kinds and native types, receiver aside)?
fn same_native_signature(mapper: &Mapper, a: &FuncSig, b: &FuncSig) -> bool {
    a.params.len() == b.params.len()
        && mapper.rtype(&a.ret) == mapper.rtype(&b.ret)
        && a.params.iter().zip(&b.params).skip(1).all(|(x, y)| {
            x.kind == y.kind
                && x.has_default == y.has_default
                && mapper.param_rtype(x) == mapper.param_rtype(y)
        })
}
