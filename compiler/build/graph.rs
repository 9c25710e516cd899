//! The build graph: the project's modules and the imports between them.
//!
//! A module depends on the modules its imports name (anywhere in its
//! body), on their parent packages and on its own parent packages, which
//! Python runs before it: a change to any of their interfaces makes it
//! stale. The strongly connected components of the graph of named imports
//! alone, in dependency order (every component after the ones it imports),
//! are the modules checked together, as mypy checks import cycles. Imports
//! of a module's own parent packages (implicit, or named as in `from pkg
//! import sibling`) do not join components: otherwise a package whose
//! `__init__` imports its submodules would make every module of it one
//! component, and every edit a recheck of all. (The whole program's tables
//! are rebuilt on every build, so checking a module needs only them and
//! its dependencies' interfaces, which the interface hashes guard.)

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::checker::library::with_parent_packages;

/// The modules of a build and their direct dependencies.
#[derive(Debug, Clone, Default)]
pub struct BuildGraph {
    /// Module name -> the modules of the build it depends on directly
    /// (sorted).
    deps: BTreeMap<String, BTreeSet<String>>,
    /// Module name -> the modules of the build its imports name, other than
    /// its own parent packages (the edges of the components).
    named: BTreeMap<String, BTreeSet<String>>,
}

impl BuildGraph {
    /// The graph of `modules`, each given with the absolute names its
    /// imports name (`checker::library::named_imports`); names outside the
    /// build are dropped.
    pub fn new<'a>(modules: impl IntoIterator<Item = (&'a str, Vec<String>)>) -> BuildGraph {
        let imports: Vec<(&str, Vec<String>)> = modules.into_iter().collect();
        let known: BTreeSet<&str> = imports.iter().map(|(m, _)| *m).collect();
        let in_build = |names: Vec<String>, module: &str| -> BTreeSet<String> {
            names
                .into_iter()
                .filter(|d| d != module && known.contains(d.as_str()))
                .collect()
        };
        let mut graph = BuildGraph::default();
        for (module, named) in imports.iter().cloned() {
            let parents = parent_packages(module);
            let mut all = with_parent_packages(named.clone());
            all.extend(parents.iter().cloned());
            graph.deps.insert(module.to_string(), in_build(all, module));
            let cycle_edges = named.into_iter().filter(|d| !parents.contains(d)).collect();
            graph
                .named
                .insert(module.to_string(), in_build(cycle_edges, module));
        }
        graph
    }

    /// The direct dependencies of `module` (empty for unknown modules).
    pub fn deps(&self, module: &str) -> impl Iterator<Item = &str> {
        self.deps
            .get(module)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// The modules of the graph, sorted.
    pub fn modules(&self) -> impl Iterator<Item = &str> {
        self.deps.keys().map(String::as_str)
    }

    /// The strongly connected components, each sorted, dependencies first.
    pub fn sccs(&self) -> Vec<Vec<String>> {
        let mut graph: DiGraph<&str, ()> = DiGraph::new();
        let index: BTreeMap<&str, NodeIndex> = self
            .deps
            .keys()
            .map(|m| (m.as_str(), graph.add_node(m.as_str())))
            .collect();
        for (m, ds) in &self.named {
            for d in ds {
                graph.add_edge(index[m.as_str()], index[d.as_str()], ());
            }
        }
        // Tarjan's algorithm yields components in post-order of the edges
        // (module -> dependency): dependencies come first.
        tarjan_scc(&graph)
            .into_iter()
            .map(|c| {
                let mut names: Vec<String> = c.iter().map(|&n| graph[n].to_string()).collect();
                names.sort();
                names
            })
            .collect()
    }
}

/// `a` and `a.b` for module `a.b.c`.
fn parent_packages(module: &str) -> Vec<String> {
    let parts: Vec<&str> = module.split('.').collect();
    (1..parts.len()).map(|i| parts[..i].join(".")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&'static str, &[&str])]) -> BuildGraph {
        BuildGraph::new(
            edges
                .iter()
                .map(|(m, ds)| (*m, ds.iter().map(|d| d.to_string()).collect())),
        )
    }

    #[test]
    fn components_come_after_their_dependencies() {
        let g = graph(&[
            ("main", &["a", "os"]),
            ("a", &["b"]),
            ("b", &["a", "c"]),
            ("c", &[]),
        ]);
        assert_eq!(
            g.sccs(),
            vec![
                vec!["c".to_string()],
                vec!["a".to_string(), "b".to_string()],
                vec!["main".to_string()]
            ]
        );
        // Modules outside the build are not dependencies.
        assert_eq!(g.deps("main").collect::<Vec<_>>(), vec!["a"]);
    }

    #[test]
    fn modules_depend_on_their_parent_packages() {
        let g = graph(&[
            ("pkg", &[]),
            ("pkg.sub", &[]),
            ("pkg.sub.m", &["pkg.sub.m"]),
        ]);
        assert_eq!(
            g.deps("pkg.sub.m").collect::<Vec<_>>(),
            vec!["pkg", "pkg.sub"]
        );
        assert_eq!(g.deps("pkg").count(), 0);
    }

    #[test]
    fn parent_packages_do_not_join_components() {
        // `pkg/__init__.py` imports its submodules; `pkg.a` imports
        // `pkg.b` (and so, implicitly, `pkg`).
        let g = graph(&[
            ("pkg", &["pkg.a", "pkg.b"]),
            ("pkg.a", &["pkg.b"]),
            ("pkg.b", &["pkg", "pkg.b"]),
        ]);
        assert_eq!(g.deps("pkg.a").collect::<Vec<_>>(), vec!["pkg", "pkg.b"]);
        assert!(g.sccs().iter().all(|c| c.len() == 1));
    }
}
