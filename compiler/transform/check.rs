//! A reference-count checker for transformed IR, used by tests and as a
//! debugging aid: it walks every path of a function (symbolically, with a
//! visited set of (block, state) pairs so loops terminate) and verifies
//! that each owned reference is released exactly once.
//!
//! The state records, per value name, how many references the function
//! owns through it; which registers are undefined (hold their error value);
//! which values were released (reading them again is a use after free);
//! and which arguments are still borrowed from the caller. It reports:
//! a release or steal of a reference that is not owned (double `dec_ref`,
//! stealing a borrowed value without `inc_ref`), a `dec_ref` of an
//! undefined register, a read of a released value or an undefined register,
//! an owned reference overwritten by an assignment or a redefinition (leak),
//! owned references remaining at `return` (leak), and owned references that
//! are not live into the next block (leak, also on paths that never return;
//! liveness of the checked IR counts `dec_ref` as a use).
//!
//! The true edge of `is_error(v)` means `v` holds no reference; a test of a
//! register follows the one edge its definedness selects, and branches on
//! immediate constants only the edge that can be taken; paths end at
//! `unreachable` without checks. Only values of refcounted types that are
//! not error values or immediates are tracked.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::{analyze_liveness, BitSet, Cfg, ErrorEdges, ValueFacts};
use crate::ir::pprint::name_of;
use crate::ir::{BlockId, BranchKind, FuncIR, Inst, Op, ValueId, ValueKind};

/// Bound on explored (block, state) pairs before giving up.
const MAX_STATES: usize = 200_000;
/// A count above this means references grow without bound around a loop.
const MAX_OWNED: i32 = 16;

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct State {
    owned: BTreeMap<ValueId, i32>,
    undefined: BTreeSet<ValueId>,
    released: BTreeSet<ValueId>,
    borrowed_args: BTreeSet<ValueId>,
}

struct Checker<'a> {
    f: &'a FuncIR,
    facts: ValueFacts,
    immediates: BTreeMap<ValueId, i64>,
    /// Values live into each block of the checked function.
    live_in: Vec<BitSet>,
    errors: BTreeSet<String>,
}

impl Checker<'_> {
    fn tracked(&self, v: ValueId) -> bool {
        self.facts.needs_refcount(self.f, v)
    }

    fn is_borrowed(&self, st: &State, v: ValueId) -> bool {
        st.borrowed_args.contains(&v) || self.facts.borrowed_results.contains_value(v)
    }

    fn error(&mut self, at: (BlockId, usize), msg: String) {
        self.errors.insert(format!("{}[{}]: {msg}", at.0, at.1));
    }

    fn name(&self, v: ValueId) -> String {
        name_of(self.f, v)
    }

    /// Give up one owned reference of `v` (a `dec_ref` or a steal).
    fn release(&mut self, st: &mut State, v: ValueId, at: (BlockId, usize), what: &str) {
        let count = st.owned.get(&v).copied().unwrap_or(0);
        if count <= 0 {
            let kind = if self.is_borrowed(st, v) {
                "borrowed"
            } else {
                "unowned"
            };
            self.error(
                at,
                format!(
                    "{what} of {kind} {} (no owned reference left)",
                    self.name(v)
                ),
            );
            return;
        }
        if count == 1 {
            st.owned.remove(&v);
            if !self.is_borrowed(st, v) {
                st.released.insert(v);
            }
        } else {
            st.owned.insert(v, count - 1);
        }
    }

    fn check_read(&mut self, st: &State, op: &Op, v: ValueId, at: (BlockId, usize)) {
        if !self.tracked(v) {
            return;
        }
        let tolerant = matches!(
            op,
            Op::Branch {
                kind: BranchKind::IsError,
                ..
            } | Op::DecRef { xdec: true, .. }
        );
        if st.released.contains(&v) {
            self.error(
                at,
                format!("use of {} after its reference was released", self.name(v)),
            );
        } else if st.undefined.contains(&v) && !tolerant {
            self.error(at, format!("read of undefined register {}", self.name(v)));
        }
    }

    fn assign(&mut self, st: &mut State, dest: ValueId, src: ValueId, at: (BlockId, usize)) {
        if self.f.rtype(dest).is_refcounted() && st.owned.get(&dest).copied().unwrap_or(0) > 0 {
            self.error(
                at,
                format!(
                    "leak: assignment overwrites an owned reference in {}",
                    self.name(dest)
                ),
            );
        }
        st.owned.remove(&dest);
        st.released.remove(&dest);
        st.borrowed_args.remove(&dest);
        if self.facts.error_values.contains_value(src) {
            st.undefined.insert(dest);
            return;
        }
        st.undefined.remove(&dest);
        if self.f.rtype(dest).is_refcounted() {
            st.owned.insert(dest, 1);
        }
    }

    fn define_result(&mut self, st: &mut State, inst: &Inst, at: (BlockId, usize)) {
        let r = inst.result;
        if !self.tracked(r) {
            return;
        }
        if st.owned.get(&r).copied().unwrap_or(0) > 0 {
            self.error(
                at,
                format!("leak: {} redefined while still owned", self.name(r)),
            );
        }
        st.owned.remove(&r);
        st.released.remove(&r);
        if !inst.op.is_borrowed() {
            st.owned.insert(r, 1);
        }
    }

    /// Execute a non-control op.
    fn step(&mut self, st: &mut State, inst: &Inst, at: (BlockId, usize)) {
        for v in inst.op.sources() {
            self.check_read(st, &inst.op, v, at);
        }
        match &inst.op {
            Op::IncRef(v) if self.tracked(*v) => {
                let n = st.owned.get(v).copied().unwrap_or(0) + 1;
                if n > MAX_OWNED {
                    self.error(
                        at,
                        format!("references to {} grow without bound", self.name(*v)),
                    );
                }
                st.owned.insert(*v, n.min(MAX_OWNED));
            }
            Op::DecRef { src, xdec } if self.tracked(*src) => {
                if st.undefined.contains(src) {
                    if !xdec {
                        self.error(
                            at,
                            format!("dec_ref of undefined register {}", self.name(*src)),
                        );
                    }
                } else {
                    self.release(st, *src, at, "dec_ref");
                }
            }
            _ => {}
        }
        if matches!(inst.op, Op::Assign { dest, src } if dest == src) {
            // `x = x` moves nothing.
            return;
        }
        for v in inst.op.stolen() {
            if self.tracked(v) && !st.undefined.contains(&v) {
                self.release(st, v, at, "steal");
            }
        }
        match &inst.op {
            Op::Assign { dest, src } => self.assign(st, *dest, *src, at),
            _ => self.define_result(st, inst, at),
        }
    }

    /// The successor states of a block's terminator.
    fn successors(&mut self, st: State, term: &Op, at: (BlockId, usize)) -> Vec<(BlockId, State)> {
        for v in term.sources() {
            self.check_read(&st, term, v, at);
        }
        match term {
            Op::Goto(b) => vec![(*b, st)],
            Op::Unreachable => vec![],
            Op::Return(v) => {
                let mut st = st;
                if self.tracked(*v) {
                    self.release(&mut st, *v, at, "return");
                }
                for (&leaked, _) in st.owned.iter().filter(|(_, n)| **n > 0) {
                    self.error(
                        at,
                        format!("leak: {} still owned at return", self.name(leaked)),
                    );
                }
                vec![]
            }
            Op::Branch {
                value,
                true_label,
                false_label,
                kind,
                negated,
                ..
            } => self.branch_states(st, *value, (*true_label, *false_label), *kind, *negated),
            _ => vec![],
        }
    }

    fn branch_states(
        &self,
        st: State,
        value: ValueId,
        labels: (BlockId, BlockId),
        kind: BranchKind,
        negated: bool,
    ) -> Vec<(BlockId, State)> {
        let (true_label, false_label) = labels;
        match kind {
            BranchKind::Bool => match self.immediates.get(&value) {
                Some(c) if (*c != 0) != negated => vec![(true_label, st)],
                Some(_) => vec![(false_label, st)],
                None => vec![(true_label, st.clone()), (false_label, st)],
            },
            BranchKind::IsError => {
                let (error_label, ok_label) = if negated {
                    (false_label, true_label)
                } else {
                    (true_label, false_label)
                };
                let mut err = st.clone();
                err.owned.remove(&value);
                if self.f.is_register(value) {
                    err.undefined.insert(value);
                } else {
                    err.released.insert(value);
                }
                // A register's definedness decides the test; an argument
                // may be the error value (an omitted optional argument); an
                // op result is tested right after the op that may fail.
                match self.f.value(value).kind {
                    ValueKind::Register if st.undefined.contains(&value) => {
                        vec![(error_label, err)]
                    }
                    ValueKind::Register => vec![(ok_label, st)],
                    ValueKind::Arg(_) | ValueKind::OpResult => {
                        vec![(error_label, err), (ok_label, st)]
                    }
                }
            }
        }
    }

    /// An owned reference that is never used again (not even released)
    /// has leaked; this also catches leaks on paths that never return.
    fn check_entry(&mut self, b: BlockId, st: &State) {
        let live = &self.live_in[b.index()];
        let leaked: Vec<ValueId> = st
            .owned
            .keys()
            .copied()
            .filter(|v| !live.contains_value(*v))
            .collect();
        for v in leaked {
            self.error(
                (b, 0),
                format!("leak: {} owned but never used again", self.name(v)),
            );
        }
    }

    fn run_block(&mut self, b: BlockId, mut st: State) -> Vec<(BlockId, State)> {
        self.check_entry(b, &st);
        let insts = &self.f.block(b).insts;
        for (i, inst) in insts.iter().enumerate() {
            if inst.op.is_control() {
                return self.successors(st, &inst.op, (b, i));
            }
            self.step(&mut st, inst, (b, i));
        }
        self.error((b, insts.len()), "block without a terminator".into());
        vec![]
    }
}

/// Check that every path of `f` releases each owned reference exactly once.
/// Returns the problems found (sorted, deduplicated) as `Lb[i]: message`.
pub fn check_refcounts(f: &FuncIR) -> Result<(), Vec<String>> {
    let facts = ValueFacts::new(f);
    let mut immediates = BTreeMap::new();
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        if let Op::LoadInt { value, .. } = inst.op {
            immediates.insert(inst.result, value);
        }
    }
    let live = analyze_liveness(f, &Cfg::new(f, ErrorEdges::Ignore));
    let mut checker = Checker {
        f,
        facts,
        immediates,
        live_in: live.entry,
        errors: BTreeSet::new(),
    };
    let mut start = State::default();
    for (i, v) in f.values.iter().enumerate() {
        match v.kind {
            ValueKind::Register => {
                start.undefined.insert(ValueId(i as u32));
            }
            ValueKind::Arg(_) => {
                start.borrowed_args.insert(ValueId(i as u32));
            }
            ValueKind::OpResult => {}
        }
    }
    let mut seen: BTreeSet<(BlockId, State)> = BTreeSet::new();
    let mut stack = vec![(f.entry, start)];
    while let Some((b, st)) = stack.pop() {
        if b.index() >= f.blocks.len() || !seen.insert((b, st.clone())) {
            continue;
        }
        if seen.len() > MAX_STATES {
            checker.errors.insert("too many states to check".into());
            break;
        }
        stack.extend(checker.run_block(b, st));
    }
    if checker.errors.is_empty() {
        Ok(())
    } else {
        Err(checker.errors.into_iter().collect())
    }
}
