//! The graph of direct calls between a program's native functions, and its
//! cycles.
//!
//! A compiled function reaches another one in one of two ways. Directly: a
//! plain C call (`Op::Call`, or `Op::MethodCall` through a vtable slot),
//! which nothing counts against the recursion limit. Or through a Python
//! object (a module function, a method descriptor, a function object, a
//! type slot, a generator), where CPython or lib-rt counts the call as
//! CPython counts calls of C functions, or lib-rt checks the stack.
//! Unbounded recursion through the second kind ends with `RecursionError`
//! already; through the first kind alone it would overflow the C stack.
//! Those cycles are the strongly connected components of the graph whose
//! edges are the direct calls; `transform::recursion` gives every function
//! on one a stack check.
//!
//! The graph spans every group of the build, so that a cycle through other
//! groups' exports tables (`--separate`) is one too. A vtable call has an
//! edge to the slot's implementation in its class and in every subclass
//! (of any group); a glue function (see `ir::class::VtableEntry`) stands
//! for the function it calls.

use std::collections::HashMap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::ir::{ClassIR, FuncIR, FuncRef, GroupIR, Op};

/// The native functions a call op may run.
pub struct CallTargets {
    /// Glue function -> the implementation it calls.
    glue: HashMap<FuncRef, FuncRef>,
    /// Class (full name) -> for each vtable slot, the implementations in
    /// the class and its subclasses.
    slots: HashMap<String, Vec<Vec<FuncRef>>>,
}

impl CallTargets {
    pub fn new(groups: &[GroupIR]) -> CallTargets {
        let classes: Vec<&ClassIR> = all_classes(groups).collect();
        let by_name: HashMap<String, &ClassIR> =
            classes.iter().map(|c| (c.full_name(), *c)).collect();
        let mut glue = HashMap::new();
        for c in &classes {
            for e in &c.vtable {
                if let Some(t) = &e.glue_target {
                    glue.insert(e.decl.func.clone(), t.func.clone());
                }
            }
        }
        let mut slots: HashMap<String, Vec<Vec<FuncRef>>> = HashMap::new();
        for c in &classes {
            // Each class's implementations count for itself and its bases.
            for base in base_chain(c, &by_name) {
                let table = slots
                    .entry(base.full_name())
                    .or_insert_with(|| vec![vec![]; base.vtable.len()]);
                for (slot, impls) in table.iter_mut().enumerate() {
                    if let Some(e) = c.vtable.get(slot) {
                        let f = glue.get(&e.decl.func).unwrap_or(&e.decl.func);
                        if !impls.contains(f) {
                            impls.push(f.clone());
                        }
                    }
                }
            }
        }
        CallTargets { glue, slots }
    }

    /// The native functions `op` calls directly (none for other ops).
    pub fn of<'a>(&'a self, op: &'a Op) -> Vec<&'a FuncRef> {
        match op {
            Op::Call { func, .. } => vec![self.glue.get(func).unwrap_or(func)],
            Op::MethodCall { class, slot, .. } => self
                .slots
                .get(class)
                .and_then(|table| table.get(*slot))
                .map(|impls| impls.iter().collect())
                .unwrap_or_default(),
            _ => vec![],
        }
    }
}

/// `c`, its base, its base's base, ... as far as they are native classes.
fn base_chain<'a>(c: &'a ClassIR, by_name: &HashMap<String, &'a ClassIR>) -> Vec<&'a ClassIR> {
    let mut chain = vec![c];
    let mut cur = c;
    while let Some(base) = cur.base.as_ref().and_then(|b| by_name.get(b)) {
        if chain.iter().any(|x| std::ptr::eq(*x, *base)) {
            break;
        }
        chain.push(base);
        cur = base;
    }
    chain
}

fn all_classes(groups: &[GroupIR]) -> impl Iterator<Item = &ClassIR> {
    groups
        .iter()
        .flat_map(|g| g.modules.iter())
        .flat_map(|m| m.classes.iter())
}

/// Every function body of the build: module top levels and functions.
pub fn all_functions(groups: &[GroupIR]) -> impl Iterator<Item = &FuncIR> {
    groups
        .iter()
        .flat_map(|g| g.modules.iter())
        .flat_map(|m| std::iter::once(&m.top_level).chain(m.functions.iter()))
}

/// The cycles of direct calls: which functions lie on one, and which
/// functions share one.
pub struct Cycles {
    /// Function -> its strongly connected component, for functions on a cycle.
    component: HashMap<FuncRef, usize>,
}

impl Cycles {
    pub fn new(groups: &[GroupIR], targets: &CallTargets) -> Cycles {
        let mut graph: DiGraph<&FuncRef, ()> = DiGraph::new();
        let mut nodes: HashMap<&FuncRef, NodeIndex> = HashMap::new();
        for f in all_functions(groups) {
            nodes.insert(&f.decl.func, graph.add_node(&f.decl.func));
        }
        for f in all_functions(groups) {
            let from = nodes[&f.decl.func];
            for inst in f.blocks.iter().flat_map(|b| b.insts.iter()) {
                for t in targets.of(&inst.op) {
                    if let Some(&to) = nodes.get(t) {
                        graph.update_edge(from, to, ());
                    }
                }
            }
        }
        let mut component = HashMap::new();
        for (i, scc) in tarjan_scc(&graph).into_iter().enumerate() {
            if scc.len() > 1 || graph.contains_edge(scc[0], scc[0]) {
                for n in scc {
                    component.insert(graph[n].clone(), i);
                }
            }
        }
        Cycles { component }
    }

    /// Can a direct call from `caller` to `callee` lead back to `caller`?
    pub fn same_cycle(&self, caller: &FuncRef, callee: &FuncRef) -> bool {
        match (self.component.get(caller), self.component.get(callee)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}
