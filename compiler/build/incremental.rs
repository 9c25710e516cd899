//! Which modules a build must check and lower again, as mypy decides it.
//!
//! A module is fresh, and its IR comes from the cache, when its cache
//! entry reads back, its source and options are those of the entry, its
//! own interface is unchanged, and every module it depends on (directly,
//! by importing it, or indirectly, by using its types) still has the
//! interface hash the entry recorded. Otherwise it is stale: checked and
//! lowered again. Modules that import each other (a strongly connected
//! component of the build graph) are stale together. In a build of several
//! groups, the modules of a group are also stale together, as with mypyc
//! (whose cache keeps only declarations, so it regenerates whole groups).
//!
//! The interface hash a dependent records is that of the module's
//! interface (`build::interface`) together with its group: which library a
//! module lives in is part of how other groups reach it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::build::cache::{hash_bytes, Cache, ModuleMeta};
use crate::build::graph::BuildGraph;
use crate::checker::program::Program;
use crate::checker::typemap::TypeMap;
use crate::ir::ModuleIR;

/// What the build knows of one module before deciding.
pub struct ModuleNow {
    /// Whether it is compiled (has IR) or only checked (a followed import).
    pub compiled: bool,
    /// Its meta record as it would be written now (source, options).
    pub meta: ModuleMeta,
    /// The hash its dependents record (interface and group).
    pub link_hash: String,
}

/// The decision: the stale modules (with why, for `-v`) and the cached IR
/// of the fresh compiled ones.
#[derive(Default)]
pub struct Decision {
    pub stale: BTreeSet<String>,
    pub reasons: BTreeMap<String, String>,
    pub fresh_ir: HashMap<String, ModuleIR>,
}

/// The hash dependents record for a module: its interface's serialized
/// form and its group (name and members).
pub fn link_hash(interface_json: &str, group: &str, members: &[String]) -> String {
    let mut text = interface_json.to_string();
    text.push('\n');
    text.push_str(group);
    for m in members {
        text.push('\n');
        text.push_str(m);
    }
    hash_bytes(text.as_bytes())
}

/// Decide which of the modules of `now` are stale. `groups` lists the
/// build's groups (name, members); with more than one, group members are
/// stale together.
pub fn decide(
    cache: Option<&Cache>,
    graph: &BuildGraph,
    now: &BTreeMap<String, ModuleNow>,
    groups: &[(String, Vec<String>)],
) -> Decision {
    let mut d = Decision::default();
    for (name, module) in now {
        let verdict = cache
            .ok_or_else(|| "incremental builds are off".to_string())
            .and_then(|c| fresh_ir(c, name, module, graph, now));
        match verdict {
            Ok(Some(ir)) => {
                d.fresh_ir.insert(name.clone(), ir);
            }
            Ok(None) => {}
            Err(why) => {
                d.stale.insert(name.clone());
                d.reasons.insert(name.clone(), why);
            }
        }
    }
    let mut units: Vec<Vec<String>> = graph.sccs();
    if groups.len() > 1 {
        units.extend(groups.iter().map(|(_, members)| members.clone()));
    }
    // Spread staleness over the units until nothing changes (a module may
    // be in a component and in a group).
    loop {
        let mut changed = false;
        for unit in &units {
            let Some(first) = unit.iter().find(|m| d.stale.contains(*m)).cloned() else {
                continue;
            };
            for m in unit {
                if d.stale.insert(m.clone()) {
                    d.fresh_ir.remove(m);
                    let why = format!("checked together with {first}");
                    d.reasons.insert(m.clone(), why);
                    changed = true;
                }
            }
        }
        if !changed {
            return d;
        }
    }
}

/// If the module is fresh, its cached IR (none for a module only checked);
/// otherwise why it is stale.
fn fresh_ir(
    cache: &Cache,
    name: &str,
    module: &ModuleNow,
    graph: &BuildGraph,
    now: &BTreeMap<String, ModuleNow>,
) -> Result<Option<ModuleIR>, String> {
    let old = cache.meta(name)?;
    let new = &module.meta;
    if old.source_hash != new.source_hash {
        return Err("its source changed".to_string());
    }
    if old.options_hash != new.options_hash {
        return Err("its options changed".to_string());
    }
    if old.interface_hash != module.link_hash {
        return Err("its interface changed".to_string());
    }
    let deps: BTreeSet<&str> = graph.deps(name).collect();
    if !deps.iter().copied().eq(old.deps.keys().map(String::as_str)) {
        return Err("the project modules it imports changed".to_string());
    }
    for (dep, hash) in old.deps.iter().chain(&old.indirect_deps) {
        match now.get(dep) {
            Some(d) if &d.link_hash == hash => {}
            Some(_) => return Err(format!("the interface of {dep} changed")),
            None => return Err(format!("{dep} is no longer in the build")),
        }
    }
    if module.compiled {
        cache.ir(name, &old).map(Some)
    } else {
        Ok(None)
    }
}

/// The compiled modules (other than `module`) whose types `module`'s code
/// uses, and those defining the ancestors of its classes: its indirect
/// dependencies, whatever it imports.
pub fn indirect_deps(
    module: &str,
    types: &TypeMap,
    program: &Program,
    compiled: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut names = vec![];
    for t in types.all_types() {
        t.named_parts(&mut names);
    }
    let mut out = BTreeSet::new();
    for name in names {
        if let Some(m) = defining_module(name, compiled) {
            out.insert(m.to_string());
        }
    }
    for class in program.classes.values().filter(|c| c.module == module) {
        for ancestor in program.mro(&class.full).0 {
            if compiled.contains(&ancestor.module) {
                out.insert(ancestor.module.clone());
            }
        }
    }
    out.remove(module);
    out
}

/// The longest compiled module that `full` (a dotted name) is or is in.
fn defining_module<'a>(full: &str, compiled: &'a BTreeSet<String>) -> Option<&'a str> {
    let mut prefix = full;
    loop {
        if let Some(m) = compiled.get(prefix) {
            return Some(m.as_str());
        }
        prefix = &prefix[..prefix.rfind('.')?];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_belong_to_the_longest_compiled_module() {
        let compiled: BTreeSet<String> = ["pkg", "pkg.m"].iter().map(|s| s.to_string()).collect();
        assert_eq!(defining_module("pkg.m.C.Inner", &compiled), Some("pkg.m"));
        assert_eq!(defining_module("pkg.other.C", &compiled), Some("pkg"));
        assert_eq!(defining_module("builtins.int", &compiled), None);
    }

    #[test]
    fn link_hashes_change_with_the_group() {
        let one = link_hash("{}", "g", &["a".to_string()]);
        assert_ne!(
            one,
            link_hash("{}", "g", &["a".to_string(), "b".to_string()])
        );
        assert_ne!(one, link_hash("{}", "h", &["a".to_string()]));
        assert_eq!(one, link_hash("{}", "g", &["a".to_string()]));
    }
}
