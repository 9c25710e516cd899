//! What irbuild knows about the native classes of the build: for each class
//! (by full name) its layout (`ClassIR`), the Python-level types of its
//! attributes and the signatures of the methods called through its vtable.
//! Built once per build by `irbuild::prepare`; consulted by irbuild (field
//! reads, vtable calls, constructor calls).

use indexmap::IndexMap;

use crate::ir::ClassIR;
use crate::semanal::FuncSig;
use crate::types::Type;

/// A method callable through the vtable.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct VtableMethod {
    /// Signature with the receiver as first parameter.
    pub sig: FuncSig,
    pub slot: usize,
    /// No subclass overrides it, so calls are direct: declared `@final`,
    /// or, in a build that knows every subclass, overridden by none
    /// (`ClassTable::mark_unoverridden_methods`).
    pub is_final: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct NativeClass {
    pub ir: ClassIR,
    /// Every attribute (inherited ones too) with its type.
    pub attr_types: IndexMap<String, Type>,
    /// Every method callable through the vtable (inherited ones too).
    pub methods: IndexMap<String, VtableMethod>,
    /// Names defined in the class body or inherited that are not
    /// attributes or vtable methods (static/class methods, properties,
    /// class variables): accessed generically.
    pub other_members: Vec<String>,
    /// The `__init__` a constructor call runs (own or inherited): its
    /// signature and native function. Not in the vtable: constructors of
    /// subclasses may take different arguments.
    pub init: Option<(FuncSig, crate::ir::FuncRef)>,
    /// Declared `@final`: no subclasses, so every method call is direct.
    pub is_final: bool,
    /// A frozen dataclass: attribute writes go through its `__setattr__`.
    pub is_frozen: bool,
    /// `@property` getters, read through the vtable (inherited ones too).
    pub properties: IndexMap<String, VtableMethod>,
}

#[derive(Clone, Debug, Default)]
pub struct ClassTable {
    pub classes: IndexMap<String, NativeClass>,
    /// Trait classes (full names) only native classes derive from: layout-
    /// free mixins that refuse instantiation and Python subclasses.
    pub traits: Vec<String>,
}

impl ClassTable {
    pub fn get(&self, full: &str) -> Option<&NativeClass> {
        self.classes.get(full)
    }

    /// Is `sub` the class `sup` or derived from it?
    pub fn is_subclass(&self, sub: &str, sup: &str) -> bool {
        let mut cur = Some(sub.to_string());
        while let Some(c) = cur {
            if c == sup {
                return true;
            }
            cur = self.get(&c).and_then(|n| n.ir.base.clone());
        }
        false
    }

    /// The type of attribute `attr` of instances of `class`, if it is a
    /// native attribute.
    pub fn attr_type(&self, class: &str, attr: &str) -> Option<&Type> {
        self.get(class)?.attr_types.get(attr)
    }

    pub fn method(&self, class: &str, name: &str) -> Option<&VtableMethod> {
        self.get(class)?.methods.get(name)
    }

    pub fn property(&self, class: &str, name: &str) -> Option<&VtableMethod> {
        self.get(class)?.properties.get(name)
    }

    /// Mark final the methods that no subclass overrides, as mypyc does
    /// when it knows every subclass (a build of one group): their calls
    /// are direct, which the C compiler may inline. Not for traits (any
    /// class may implement them) or for classes whose family admits
    /// Python subclasses.
    pub fn mark_unoverridden_methods(&mut self) {
        let implementation = |c: &NativeClass, method: &str| {
            let m = c.methods.get(method)?;
            Some(c.ir.vtable.get(m.slot)?.decl.func.clone())
        };
        // (class, method) pairs some class of the family overrides, or
        // whose family admits Python subclasses: found by walking up from
        // every class to its ancestors.
        let mut open: std::collections::HashSet<(&str, &str)> = Default::default();
        for (sub_name, sub) in &self.classes {
            let mut cur = Some(sub_name.as_str());
            while let Some(name) = cur {
                let Some(class) = self.get(name) else { break };
                for method in class.methods.keys() {
                    let own = implementation(class, method);
                    if sub.ir.allow_interpreted_subclasses
                        || own.is_none()
                        || implementation(sub, method) != own
                    {
                        open.insert((name, method));
                    }
                }
                cur = class.ir.base.as_deref();
            }
        }
        let finals: Vec<(String, String)> = self
            .classes
            .iter()
            .filter(|(name, _)| !self.traits.contains(name))
            .flat_map(|(name, class)| class.methods.keys().map(move |m| (name, m)))
            .filter(|(name, m)| !open.contains(&(name.as_str(), m.as_str())))
            .map(|(name, m)| (name.clone(), m.clone()))
            .collect();
        for (class, method) in finals {
            if let Some(m) = self
                .classes
                .get_mut(&class)
                .and_then(|c| c.methods.get_mut(&method))
            {
                m.is_final = true;
            }
        }
    }
}
