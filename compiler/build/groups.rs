//! Dividing the modules of a build into groups, and what groups need from
//! each other.
//!
//! A group is compiled into one shared library. By default every module of
//! the build is in one group, so every cross-module call is a direct C call.
//! With `--separate` each module is its own group (or the groups are given
//! explicitly with `--group NAME=FILE,...`; modules not listed get their
//! own), so that a change to one module only rebuilds its library; calls
//! between groups go through exports tables (`codegen::exports`). The
//! tables are derived from the IR: a group exports exactly the native
//! functions that other groups call and the native classes their code
//! uses, in the order they appear in its modules.

use std::path::PathBuf;

use indexmap::{IndexMap, IndexSet};

use crate::codegen::{ExportTable, GroupLinks, ImportedGroup};
use crate::ir::{ClassIR, FuncRef, GroupIR, Op, RType, StaticRef};

use super::sources::{same_file, SourceModule};

/// An explicit group: a library name and the files of its modules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSpec {
    pub name: String,
    pub files: Vec<PathBuf>,
}

impl GroupSpec {
    /// Parses `NAME=FILE[,FILE...]`.
    pub fn parse(text: &str) -> Result<GroupSpec, String> {
        let (name, files) = text
            .split_once('=')
            .ok_or_else(|| format!("expected NAME=FILE[,FILE...], got '{text}'"))?;
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(format!("invalid group name '{name}'"));
        }
        let files: Vec<PathBuf> = files
            .split(',')
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .collect();
        if files.is_empty() {
            return Err(format!("group '{name}' lists no files"));
        }
        Ok(GroupSpec {
            name: name.to_string(),
            files,
        })
    }
}

/// The groups of a build: (group name, indices into `sources`), in the order
/// of their first module.
pub fn partition(
    sources: &[SourceModule],
    separate: bool,
    specs: &[GroupSpec],
) -> Result<Vec<(String, Vec<usize>)>, String> {
    if !separate && specs.is_empty() {
        let all: Vec<usize> = (0..sources.len()).collect();
        return Ok(vec![(group_name(sources), all)]);
    }
    let mut assigned: IndexMap<usize, usize> = IndexMap::new();
    for (gi, spec) in specs.iter().enumerate() {
        for f in &spec.files {
            let i = sources
                .iter()
                .position(|s| same_file(&s.path, f))
                .ok_or_else(|| {
                    format!(
                        "group '{}' lists {}, which is not being compiled",
                        spec.name,
                        f.display()
                    )
                })?;
            if assigned.insert(i, gi).is_some() {
                return Err(format!("{} is listed in two groups", f.display()));
            }
        }
    }
    let mut groups: Vec<(String, Vec<usize>)> = vec![];
    let mut explicit: IndexMap<usize, usize> = IndexMap::new();
    for (i, s) in sources.iter().enumerate() {
        match assigned.get(&i) {
            Some(&gi) => match explicit.get(&gi) {
                Some(&at) => groups[at].1.push(i),
                None => {
                    explicit.insert(gi, groups.len());
                    groups.push((specs[gi].name.clone(), vec![i]));
                }
            },
            None => groups.push((group_name(std::slice::from_ref(s)), vec![i])),
        }
    }
    let mut names = IndexSet::new();
    for (name, _) in &groups {
        if !names.insert(name.clone()) {
            return Err(format!("two groups are named '{name}'"));
        }
    }
    Ok(groups)
}

/// The group's name: the module name for a single module, else a
/// deterministic name derived from the module names.
pub fn group_name(sources: &[SourceModule]) -> String {
    if sources.len() == 1 {
        return sources[0].name.replace('.', "___");
    }
    let mut h: u64 = 0xcbf29ce484222325;
    for s in sources {
        for b in s.name.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("g{:012x}", h & 0xffff_ffff_ffff)
}

/// What a group uses of other groups: native functions it calls (or puts
/// in its classes' vtables) and native classes its code touches, each with
/// the index of the group that defines it, in first-use order.
#[derive(Default)]
struct GroupUses {
    funcs: IndexSet<(usize, FuncRef)>,
    classes: IndexSet<(usize, String)>,
}

/// The module-to-group and class-to-group maps of a build.
struct Owners<'a> {
    module: IndexMap<&'a str, usize>,
    class: IndexMap<String, (usize, &'a ClassIR)>,
}

impl<'a> Owners<'a> {
    fn of(groups: &'a [GroupIR]) -> Owners<'a> {
        let mut module = IndexMap::new();
        let mut class = IndexMap::new();
        for (gi, g) in groups.iter().enumerate() {
            for m in &g.modules {
                module.insert(m.name.as_str(), gi);
                for c in &m.classes {
                    class.insert(c.full_name(), (gi, c));
                }
            }
        }
        Owners { module, class }
    }
}

/// Every native class named by `t` (inside unions and tuples too).
fn classes_in(t: &RType, out: &mut Vec<String>) {
    match t {
        RType::Instance(c) => out.push(c.clone()),
        RType::Union(items) | RType::Tuple(items) => {
            for i in items {
                classes_in(i, out);
            }
        }
        _ => {}
    }
}

/// The native classes the code and classes of group `g` name.
fn classes_named(g: &GroupIR) -> Vec<String> {
    let mut out = vec![];
    for m in &g.modules {
        for c in &m.classes {
            out.extend(c.base.iter().cloned());
            // An inherited `__new__` is called through its class.
            out.extend(c.new_method.iter().filter_map(FuncRef::class_full_name));
            for (_, t) in &c.attrs {
                classes_in(t, &mut out);
            }
        }
        for st in &m.structs {
            for (_, t) in &st.fields {
                classes_in(t, &mut out);
            }
        }
        for f in std::iter::once(&m.top_level).chain(&m.functions) {
            for p in &f.decl.params {
                classes_in(&p.rtype, &mut out);
            }
            classes_in(&f.decl.ret, &mut out);
            for v in &f.values {
                classes_in(&v.rtype, &mut out);
            }
            for (_, t) in f.suspend.iter().flat_map(|s| &s.fields) {
                classes_in(t, &mut out);
            }
            for op in f.blocks.iter().flat_map(|b| b.insts.iter().map(|i| &i.op)) {
                match op {
                    Op::GetAttr { class, .. }
                    | Op::SetAttr { class, .. }
                    | Op::MethodCall { class, .. }
                    | Op::NewInstance(class)
                    | Op::IsInstance { class, .. }
                    | Op::LoadStatic(StaticRef::Type(class))
                    | Op::InitStatic {
                        target: StaticRef::Type(class),
                        ..
                    } => out.push(class.clone()),
                    _ => {}
                }
            }
        }
    }
    out
}

/// What group `gi` uses of the other groups.
fn group_uses(owners: &Owners, gi: usize, g: &GroupIR) -> GroupUses {
    let mut uses = GroupUses::default();
    let funcs = g
        .modules
        .iter()
        .flat_map(|m| std::iter::once(&m.top_level).chain(&m.functions));
    let called = funcs
        .flat_map(|f| f.blocks.iter().flat_map(|b| b.insts.iter().map(|i| &i.op)))
        .filter_map(|op| match op {
            Op::Call { func, .. } => Some(func),
            _ => None,
        });
    let in_vtables = g
        .modules
        .iter()
        .flat_map(|m| &m.classes)
        .flat_map(|c| &c.vtable)
        .map(|v| &v.decl.func);
    for func in called.chain(in_vtables) {
        match owners.module.get(func.module.as_str()) {
            Some(&other) if other != gi => {
                uses.funcs.insert((other, func.clone()));
            }
            _ => {}
        }
    }
    for class in classes_named(g) {
        match owners.class.get(&class) {
            Some(&(other, _)) if other != gi => {
                uses.classes.insert((other, class));
            }
            _ => {}
        }
    }
    uses
}

/// How each group links with the others: what it exports and imports.
pub fn group_links(groups: &[GroupIR]) -> Vec<GroupLinks> {
    if groups.len() < 2 {
        return vec![GroupLinks::default(); groups.len()];
    }
    let owners = Owners::of(groups);
    let uses: Vec<GroupUses> = groups
        .iter()
        .enumerate()
        .map(|(gi, g)| group_uses(&owners, gi, g))
        .collect();
    // Each group's table, in the order of its functions and classes
    // (deterministic whatever order the uses were found in).
    let tables: Vec<ExportTable> = groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let funcs: IndexSet<&FuncRef> = uses
                .iter()
                .flat_map(|u| &u.funcs)
                .filter(|(p, _)| *p == gi)
                .map(|(_, f)| f)
                .collect();
            let classes: IndexSet<&String> = uses
                .iter()
                .flat_map(|u| &u.classes)
                .filter(|(p, _)| *p == gi)
                .map(|(_, c)| c)
                .collect();
            ExportTable {
                funcs: g
                    .decls()
                    .filter(|d| funcs.contains(&d.func))
                    .cloned()
                    .collect(),
                classes: g
                    .modules
                    .iter()
                    .flat_map(|m| &m.classes)
                    .map(|c| c.full_name())
                    .filter(|c| classes.contains(c))
                    .collect(),
            }
        })
        .collect();
    uses.iter()
        .enumerate()
        .map(|(gi, u)| {
            let providers: std::collections::BTreeSet<usize> = u
                .funcs
                .iter()
                .map(|(p, _)| *p)
                .chain(u.classes.iter().map(|(p, _)| *p))
                .collect();
            GroupLinks {
                exports: tables[gi].clone(),
                imports: providers
                    .into_iter()
                    .map(|p| ImportedGroup {
                        group: groups[p].name.clone(),
                        table: tables[p].clone(),
                    })
                    .collect(),
                foreign_classes: owners
                    .class
                    .iter()
                    .filter(|(name, _)| u.classes.iter().any(|(_, c)| c == *name))
                    .map(|(_, (_, c))| (*c).clone())
                    .collect(),
                other_groups: true,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(name: &str) -> SourceModule {
        SourceModule {
            name: name.into(),
            path: PathBuf::from(format!("{}.py", name.replace('.', "/"))),
            display_path: format!("{name}.py"),
        }
    }

    #[test]
    fn specs_parse() {
        let g = GroupSpec::parse("stuff=a.py,b/c.py").unwrap();
        assert_eq!(g.name, "stuff");
        assert_eq!(g.files.len(), 2);
        assert!(GroupSpec::parse("a.py").is_err());
        assert!(GroupSpec::parse("bad-name=a.py").is_err());
        assert!(GroupSpec::parse("x=").is_err());
    }

    #[test]
    fn separate_gives_one_group_per_unlisted_module() {
        let sources = vec![src("a"), src("b"), src("p.c")];
        let one = partition(&sources, false, &[]).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].1, vec![0, 1, 2]);
        let sep = partition(&sources, true, &[]).unwrap();
        let names: Vec<&str> = sep.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "p___c"]);
        let spec = GroupSpec {
            name: "ab".into(),
            files: vec![PathBuf::from("a.py"), PathBuf::from("b.py")],
        };
        let mixed = partition(&sources, true, &[spec]).unwrap();
        assert_eq!(
            mixed,
            vec![("ab".into(), vec![0, 1]), ("p___c".into(), vec![2])]
        );
    }

    #[test]
    fn links_export_exactly_what_other_groups_call() {
        use crate::build::driver::{check_texts, lower_modules, Options};
        let front = check_texts(&[
            (
                src("a"),
                "def f(x: int) -> int:\n    return x\ndef unused() -> None:\n    pass\n".into(),
            ),
            (
                src("m"),
                "from a import f\nimport a\ndef g() -> int:\n    return f(1) + a.f(2)\n".into(),
            ),
        ])
        .unwrap();
        let modules = lower_modules(&front, &Options::default()).unwrap();
        let groups: Vec<GroupIR> = modules
            .into_iter()
            .map(|m| GroupIR {
                name: m.name.clone(),
                modules: vec![m],
            })
            .collect();
        let links = group_links(&groups);
        let names = |ds: &[crate::ir::FuncDecl]| -> Vec<String> {
            ds.iter().map(|d| d.c_native_name()).collect()
        };
        assert_eq!(names(&links[0].exports.funcs), ["CPyDef_a___f"]);
        assert!(links[0].imports.is_empty());
        assert!(links[1].exports.is_empty());
        assert_eq!(links[1].imports.len(), 1);
        assert_eq!(links[1].imports[0].group, "a");
        assert_eq!(names(&links[1].imports[0].table.funcs), ["CPyDef_a___f"]);
        // One group: nothing crosses a group boundary.
        let one = GroupIR {
            name: "g".into(),
            modules: groups.into_iter().flat_map(|g| g.modules).collect(),
        };
        assert_eq!(group_links(&[one]), vec![GroupLinks::default()]);
    }
}
