//! The build graph: the compiled modules and the imports between them.
//!
//! A module depends on the compiled modules it imports (anywhere in its
//! body, with their parent packages) and on its own parent packages, which
//! Python runs before it. The strongly connected components of that graph,
//! in dependency order (every component after the ones it imports), are
//! the units the incremental build decides staleness for: modules that
//! import each other are checked together, as mypy does.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// The compiled modules of a build and their direct dependencies.
#[derive(Debug, Clone, Default)]
pub struct BuildGraph {
    /// Module name -> the compiled modules it depends on directly (sorted).
    deps: BTreeMap<String, BTreeSet<String>>,
}

impl BuildGraph {
    /// The graph of `modules`, each given with the absolute names of the
    /// modules it imports (compiled or not; others are dropped).
    pub fn new<'a>(modules: impl IntoIterator<Item = (&'a str, Vec<String>)>) -> BuildGraph {
        let imports: Vec<(&str, Vec<String>)> = modules.into_iter().collect();
        let known: BTreeSet<&str> = imports.iter().map(|(m, _)| *m).collect();
        let mut deps = BTreeMap::new();
        for (module, imported) in &imports {
            let parents = parent_packages(module);
            let found: BTreeSet<String> = imported
                .iter()
                .map(String::as_str)
                .chain(parents.iter().map(String::as_str))
                .filter(|d| *d != *module && known.contains(d))
                .map(str::to_string)
                .collect();
            deps.insert(module.to_string(), found);
        }
        BuildGraph { deps }
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
        for (m, ds) in &self.deps {
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
}
