//! Names of the group's static variables: each module's globals dict,
//! imported module objects, and each compiled module's own module object.
//!
//! All statics of a group are defined once in the group's init file and
//! declared `extern` in the group header, so every C file of the group
//! (and both layouts: plain extension or shared library) sees the same
//! storage.

use crate::ir::{RType, StaticRef};

use super::ctypes::mangle_module;

/// The static holding a compiled module's globals dict (borrowed from the
/// module object, set by the module's init).
pub fn globals_static(module: &str) -> String {
    format!("CPyStatic_{}___globals", mangle_module(module))
}

/// The static holding an imported module object (owned; NULL until set).
pub fn module_static(module: &str) -> String {
    format!("CPyModule_{}", mangle_module(module))
}

/// The static holding a compiled module's own module object.
pub fn internal_module_static(module: &str) -> String {
    format!("CPyModule_{}_internal", mangle_module(module))
}

/// The static holding the value of `Final` name `full` (`m.NAME` or
/// `m.Class.NAME`).
pub fn final_static(full: &str) -> String {
    format!("CPyFinal_{}", full.replace('.', "___"))
}

/// The C name of any `StaticRef`.
pub fn static_name(s: &StaticRef) -> String {
    match s {
        StaticRef::Globals(m) => globals_static(m),
        StaticRef::Module(m) => module_static(m),
        StaticRef::Type(c) => crate::ir::class_type_static(c),
        StaticRef::Final { full, .. } => final_static(full),
        StaticRef::FinalSet(full) => format!("{}___set", final_static(full)),
        StaticRef::Cached(full) => format!("CPyCache_{}", full.replace('.', "___")),
    }
}

/// The initial value of a static of type `t` in its C definition: `NULL`,
/// or the error value of an unboxed type (a `bit` flag starts clear).
pub fn static_initializer(t: &RType) -> String {
    match t {
        RType::Bit => "0".into(),
        RType::Tuple(items) => super::ctypes::tuple_error_initializer(items),
        other => super::ctypes::error_value(other),
    }
}

/// The (multi-phase) `PyModuleDef` of a compiled module.
pub fn module_def(module: &str) -> String {
    format!("CPyModuleDef_{}", mangle_module(module))
}

/// The last component of a dotted module name (`a.b` -> `b`): the name in
/// `PyInit_<shortname>` and of the extension file.
pub fn short_name(module: &str) -> &str {
    module.rsplit('.').next().unwrap_or(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_names_mangle_dots() {
        assert_eq!(
            static_name(&StaticRef::Globals("a.b".into())),
            "CPyStatic_a___b___globals"
        );
        assert_eq!(
            static_name(&StaticRef::Module("os.path".into())),
            "CPyModule_os___path"
        );
        assert_eq!(short_name("a.b.c"), "c");
        assert_eq!(short_name("m"), "m");
    }
}
