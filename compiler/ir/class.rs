//! Native classes of the IR: the layout and dispatch table of a class whose
//! instances are C structs.
//!
//! An instance of native class `m.C` is a `PyObject` (or, for a class
//! derived from a builtin exception, the exception's `PyBaseExceptionObject`)
//! followed by a vtable pointer and one typed field per attribute, the attributes of the base
//! class first, so a pointer to a subclass instance is also a valid pointer
//! to an instance of every base: attribute access is a field read at a
//! fixed offset and a method call is an indirect call through a fixed
//! vtable slot, whatever the runtime class. Attributes whose type's error
//! value overlaps a valid value (`float`, native ints) also get a
//! definedness flag.

use super::func::FuncDecl;
use super::ops::FuncRef;
use super::rtypes::RType;

/// One slot of a class's vtable: the method name and the native function
/// that implements it for this class (its own or inherited). When the
/// implementation's native signature differs from the slot's (an override
/// with other parameter or return representations), `decl` is a glue
/// function with the slot's signature that converts and calls `glue_target`.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct VtableEntry {
    pub name: String,
    pub decl: FuncDecl,
    pub glue_target: Option<FuncDecl>,
    /// The slot is a property getter (Python code reads it as an attribute).
    pub getter: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ClassIR {
    pub module: String,
    pub name: String,
    /// Full name of the native base class, if any (else `object`).
    pub base: Option<String>,
    /// Every attribute, in layout order: the base's first.
    pub attrs: Vec<(String, RType)>,
    /// Attributes from this index on are defined by this class (the others
    /// are inherited and exposed to Python by the base's descriptors).
    pub own_attrs_start: usize,
    /// Where each class of the base chain (root first, this class last)
    /// starts its own attributes in `attrs`. The struct keeps each class's
    /// attributes, then their definedness flags, together, so that a
    /// subclass's struct begins with its base's.
    pub layout_segments: Vec<usize>,
    pub vtable: Vec<VtableEntry>,
    /// The native method that stores class-body attribute defaults
    /// (including the base's) into a new instance.
    pub defaults_setup: Option<FuncRef>,
    /// Attributes that `del` may remove (`__deletable__`).
    pub deletable: Vec<String>,
    /// Attributes every instance has set whenever code can see it (see
    /// `irbuild::prepare::defined`): reads need no check.
    pub always_defined: Vec<String>,
    /// `@mypyc_attr(allow_interpreted_subclasses=True)`: instances of
    /// Python subclasses get a vtable of glue functions that call methods
    /// through Python attribute lookup, so their overrides are seen.
    pub allow_interpreted_subclasses: bool,
    /// Decorated `@dataclass`: the class body's defaults go to the
    /// dataclass machinery, which generates `__init__` and friends.
    pub is_dataclass: bool,
    /// `@mypyc_attr(serializable=True)` on this class or a native base:
    /// creating an instance (`cls.__new__(cls)`, as `copy` and `pickle` do)
    /// does not run `__init__`.
    pub serializable: bool,
    /// `@mypyc_attr(acyclic=True)`: instances cannot be part of reference
    /// cycles, so the type opts out of cyclic GC (not inherited).
    pub acyclic: bool,
    /// The `__new__` (a static or class method) of the class or its
    /// nearest native base defining one: the type's `tp_new` calls it (its
    /// first argument the type), and its `super().__new__(cls)` allocates
    /// an instance of whichever class it is given.
    pub new_method: Option<FuncRef>,
    /// Derives from `abc.ABC` (itself or a native base): the type is an
    /// `ABCMeta`, so `isinstance` also consults the ABC's registry.
    pub is_abc: bool,
    /// Plain methods exposed to Python as method descriptors of the type
    /// (`PyMethodDef`s), in definition order: (Python name, function).
    pub py_methods: Vec<(String, FuncRef)>,
    /// The C struct of the builtin class the instance layout extends
    /// (`PyBaseExceptionObject` for classes derived, directly or through
    /// native bases, from a builtin exception whose instances have that
    /// layout); None for `object`.
    pub builtin_base: Option<String>,
}

impl ClassIR {
    pub fn full_name(&self) -> String {
        format!("{}.{}", self.module, self.name)
    }

    /// The mangled name used in C identifiers.
    pub fn mangled(&self) -> String {
        class_mangled(&self.full_name())
    }

    pub fn attr_index(&self, name: &str) -> Option<usize> {
        self.attrs.iter().position(|(n, _)| n == name)
    }

    pub fn attr_type(&self, name: &str) -> Option<&RType> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    /// Does creating an instance from Python (`tp_new`) run `__init__`, as
    /// mypyc's native classes do (so that attributes `__init__` always sets
    /// are set)? Not for classes whose instances are created without it
    /// (serializable ones, Python subclasses) or whose `__init__` comes later
    /// (dataclasses).
    pub fn init_in_new(&self) -> bool {
        !(self.allow_interpreted_subclasses || self.is_dataclass || self.serializable)
    }

    pub fn vtable_index(&self, name: &str) -> Option<usize> {
        self.vtable.iter().position(|v| v.name == name)
    }
}

/// `pkg.mod.C` -> `pkg___mod___C`.
pub fn class_mangled(full: &str) -> String {
    full.replace('.', "___")
}

/// The C struct type of instances of a native class.
pub fn class_struct_name(full: &str) -> String {
    format!("{}Object", class_mangled(full))
}

/// The C function that creates a native class's type object at run time
/// (the class statement calls it with the bases and the namespace).
pub fn class_create_function(full: &str) -> String {
    format!("{}_create", class_mangled(full))
}

/// The static holding a native class's type object (NULL until the class
/// statement has run).
pub fn class_type_static(full: &str) -> String {
    format!("CPyType_{}", class_mangled(full))
}
