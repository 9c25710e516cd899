//! `for` loops (mypyc's for-helpers): each kind of iterable is walked its
//! own way. `range(...)` is a counter (a C integer when the target is a
//! native int); lists, tuples and strings are indexed (the length read
//! again at every step, as the loop may change a list), `reversed(list)`
//! from the end; `enumerate(x)` adds a counter to the walk of `x` and
//! `zip(a, b, ...)` walks each of its arguments, binding their values to
//! the target's parts without building tuples; a dict, its `keys()`,
//! `values()` and `items()` are walked in the dict's own order (raising
//! as the interpreter does if the dict changes size); anything else uses
//! the iterator protocol.

use rustpython_parser::ast;

use super::builder::{Builder, LoopTargets};
use super::IrBuilder;
use crate::ir::*;
use crate::primitives::{Internal, Key, Module, Operator};
use crate::types::Type;

/// How a loop walks one iterable.
enum Walk {
    /// A counter from its start while it is before `end`, moving by `step`
    /// (a tagged int, or a C integer of a native int type).
    Range {
        idx: ValueId,
        end: ValueId,
        step: i64,
        native: bool,
    },
    /// A list, tuple or str by index: `seq[idx]` while `idx` is inside
    /// it (its length and items from the primitives for its type).
    Index {
        seq: ValueId,
        idx: ValueId,
        reverse: bool,
        item: RType,
        /// `idx` is a C `Py_ssize_t` (lists and tuples: sizes and items
        /// read directly, the test keeping `idx` inside).
        native: bool,
    },
    /// A dict (or one of its views) in its own order.
    Dict {
        iter: ValueId,
        view: DictView,
        key: RType,
        value: RType,
        /// The key (or value) the test fetched.
        current: ValueId,
    },
    /// Python's iterator protocol; `current` is the item the test
    /// fetched.
    Iter {
        iter: ValueId,
        current: ValueId,
        item: RType,
    },
    /// `enumerate(x)`: a counter beside the walk of `x`.
    Enumerate { count: ValueId, inner: Box<Walk> },
    /// `zip(a, b, ...)`: until the first of them ends.
    Zip(Vec<Walk>),
}

#[derive(Clone, Copy, PartialEq)]
enum DictView {
    Keys,
    Values,
    Items,
}

impl<'a> IrBuilder<'a> {
    /// A `for` loop over `iter`, binding `target` and running `body` for
    /// each item; `orelse` runs when the loop ends without `break`.
    pub fn for_loop(
        &mut self,
        target: &ast::Expr,
        iter: &ast::Expr,
        body: &mut dyn FnMut(&mut IrBuilder<'a>),
        orelse: Option<&[ast::Stmt]>,
    ) {
        self.for_loop_scoped(target, iter, &mut |_| {}, body, orelse);
    }

    /// `for_loop`, with `scope` run once `iter` is evaluated and before
    /// `target` is bound: a comprehension binds its own variables there, so
    /// that its first iterable still reads the enclosing scope's names
    /// (`[x for x in x]`).
    pub fn for_loop_scoped(
        &mut self,
        target: &ast::Expr,
        iter: &ast::Expr,
        scope: &mut dyn FnMut(&mut IrBuilder<'a>),
        body: &mut dyn FnMut(&mut IrBuilder<'a>),
        orelse: Option<&[ast::Stmt]>,
    ) {
        // Errors of the iteration itself (`next()` raising, a dict changing
        // size) are reported at the loop's line, not the body's last one.
        let loop_line = self.b.line;
        let native_target = match target {
            ast::Expr::Name(n) => Some(self.rtype_of(&self.env_name_type(n.id.as_str())))
                .filter(|t| t.is_native_int()),
            _ => None,
        };
        let mut walk = self.walk_of(iter, native_target.as_ref());
        scope(self);
        let (top, body_b, step_b, els, done) = (
            self.b.new_block(),
            self.b.new_block(),
            self.b.new_block(),
            self.b.new_block(),
            self.b.new_block(),
        );
        self.b.goto_and_activate(top);
        self.b.line = loop_line;
        self.walk_test(&mut walk, body_b, els);
        self.b.activate(body_b);
        let values = self.walk_values(&walk);
        self.bind_values(target, values);
        self.b
            .loops
            .push(LoopTargets::new(done, step_b, self.cleanups.len()));
        body(self);
        self.b.loops.pop();
        self.b.goto_and_activate(step_b);
        self.walk_step(&walk);
        self.b.goto(top);
        self.b.activate(els);
        self.b.line = loop_line;
        self.walk_finish(&walk);
        if let Some(orelse) = orelse {
            self.stmts(orelse);
        }
        self.b.goto(done);
        self.b.activate(done);
    }

    /// Is `name` the builtin of that name here (not bound in the module or
    /// the function)?
    fn is_builtin_name(&self, name: &str) -> bool {
        !self.is_local_name(name)
            && !self.closure_has(name)
            && !self.module.symbols.contains_key(name)
            && matches!(
                self.opts.program.binding(&self.module.name, name),
                crate::checker::program::Binding::Unknown
            )
            && !self
                .class_ns
                .as_ref()
                .is_some_and(|(_, names)| names.iter().any(|n| n == name))
    }

    /// The builtin function a plain call (no keywords or unpacking) calls.
    pub fn builtin_callee<'e>(&self, e: &'e ast::Expr) -> Option<(&'static str, &'e [ast::Expr])> {
        let ast::Expr::Call(c) = e else { return None };
        let ast::Expr::Name(n) = &*c.func else {
            return None;
        };
        if !c.keywords.is_empty() || c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_))) {
            return None;
        }
        let name = ["range", "reversed", "enumerate", "zip"]
            .into_iter()
            .find(|b| *b == n.id.as_str())?;
        self.is_builtin_name(name)
            .then_some((name, c.args.as_slice()))
    }

    /// Decide how to walk `iter` and evaluate what the walk starts from.
    /// `native`: the target's native int type (a range counts in it).
    fn walk_of(&mut self, iter: &ast::Expr, native: Option<&RType>) -> Walk {
        match self.builtin_callee(iter) {
            Some(("range", args)) if self.range_fits(args, native) => {
                return self.range_walk(args, native)
            }
            Some(("reversed", [arg])) => {
                if let Some(w) = self.reversed_walk(arg) {
                    return w;
                }
            }
            Some(("enumerate", [arg])) => {
                let inner = self.walk_of(arg, None);
                let zero = self.b.int(0);
                return self.enumerate_walk(zero, inner);
            }
            Some(("enumerate", [arg, start])) if self.type_of(start).is_int_like() => {
                let inner = self.walk_of(arg, None);
                let start = self.expr_as(start, &RType::Int);
                return self.enumerate_walk(start, inner);
            }
            Some(("zip", args)) if !args.is_empty() => {
                return Walk::Zip(args.iter().map(|a| self.walk_of(a, None)).collect())
            }
            _ => {}
        }
        if let Some(w) = self.dict_view_walk(iter) {
            return w;
        }
        if let Type::TypeObj(class) = self.type_of(iter) {
            if self.opts.program.is_enum(&class) {
                // The members in order, as the enum metaclass iterates them.
                let cls = self.expr(iter);
                let members = self.b.prim_named(Internal::EnumIterable, &[cls]);
                return self.value_walk(members, RType::OBJECT);
            }
        }
        let item = self.rtype_of(&self.type_of(iter).iter_item());
        let v = self.expr(iter);
        self.value_walk(v, item)
    }

    /// Walk an evaluated iterable `v` whose items have RType `item`.
    fn value_walk(&mut self, v: ValueId, item: RType) -> Walk {
        match self.b.rtype(v) {
            RType::Object(ObjKind::List | ObjKind::Tuple | ObjKind::Str) => {
                self.index_walk(v, false, item)
            }
            RType::Object(ObjKind::Dict) => self.dict_walk(v, DictView::Keys, item, RType::OBJECT),
            // An unboxed tuple: boxed once, then walked by index.
            RType::Tuple(_) => {
                let o = self.b.boxed(v);
                self.index_walk(o, false, item)
            }
            _ => {
                let o = self.b.boxed(v);
                let it = self.b.prim_named(Internal::GetIter, &[o]);
                let iter = self.b.new_register(RType::OBJECT, None);
                self.b.assign(iter, it);
                // Set by the test, to the value `next` gave.
                let current = self.b.null();
                Walk::Iter {
                    iter,
                    current,
                    item,
                }
            }
        }
    }

    fn index_walk(&mut self, v: ValueId, reverse: bool, item: RType) -> Walk {
        let rt = self.b.rtype(v);
        let native = rt == RType::LIST || rt == RType::Object(ObjKind::Tuple);
        let seq = self.b.new_register(rt, None);
        self.b.assign(seq, v);
        let idx_type = if native { RType::SsizeT } else { RType::Int };
        let idx = self.b.new_register(idx_type, None);
        let start = match (reverse, native) {
            (true, true) => {
                let n = self.seq_size(seq);
                ssize_step(&mut self.b, n, IntOpKind::Sub)
            }
            (true, false) => {
                let n = self.seq_len(seq);
                let one = self.b.int(1);
                self.b.prim_named(Operator::Sub, &[n, one])
            }
            (false, true) => self.b.ssize(0),
            (false, false) => self.b.int(0),
        };
        self.b.assign(idx, start);
        Walk::Index {
            seq,
            idx,
            reverse,
            item,
            native,
        }
    }

    /// `reversed(x)` of a list (or of a `range` with a unit step).
    fn reversed_walk(&mut self, arg: &ast::Expr) -> Option<Walk> {
        if let Some(("range", args)) = self.builtin_callee(arg) {
            if args.len() <= 2 && self.range_fits(args, None) {
                // range(a, b) backwards is b - 1, b - 2, ... while > a - 1.
                let (lo, hi) = match args {
                    [n] => (self.b.int(0), self.expr_as(n, &RType::Int)),
                    _ => {
                        let lo = self.expr_as(&args[0], &RType::Int);
                        (lo, self.expr_as(&args[1], &RType::Int))
                    }
                };
                let one = self.b.int(1);
                let start = self.b.prim_named(Operator::Sub, &[hi, one]);
                let one = self.b.int(1);
                let end = self.b.prim_named(Operator::Sub, &[lo, one]);
                return Some(self.counter(start, end, -1, &RType::Int));
            }
            return None;
        }
        if self.rtype_of(&self.type_of(arg)) != RType::LIST {
            return None;
        }
        let item = self.rtype_of(&self.type_of(arg).iter_item());
        let v = self.expr(arg);
        Some(self.index_walk(v, true, item))
    }

    fn enumerate_walk(&mut self, start: ValueId, inner: Walk) -> Walk {
        let count = self.b.new_register(RType::Int, None);
        self.b.assign(count, start);
        Walk::Enumerate {
            count,
            inner: Box::new(inner),
        }
    }

    /// `d.keys()`, `d.values()`, `d.items()` of a dict.
    fn dict_view_walk(&mut self, iter: &ast::Expr) -> Option<Walk> {
        let ast::Expr::Call(c) = iter else {
            return None;
        };
        let ast::Expr::Attribute(a) = &*c.func else {
            return None;
        };
        if !c.args.is_empty() || !c.keywords.is_empty() {
            return None;
        }
        let view = match a.attr.as_str() {
            "keys" => DictView::Keys,
            "values" => DictView::Values,
            "items" => DictView::Items,
            _ => return None,
        };
        let Type::Dict(k, v) = self.type_of(&a.value) else {
            return None;
        };
        let d = self.expr(&a.value);
        if self.b.rtype(d) != RType::DICT {
            return None;
        }
        Some(self.dict_walk(d, view, self.rtype_of(&k), self.rtype_of(&v)))
    }

    fn dict_walk(&mut self, d: ValueId, view: DictView, key: RType, value: RType) -> Walk {
        let start = match view {
            DictView::Keys => Internal::DictWalkKeys,
            DictView::Values => Internal::DictWalkValues,
            DictView::Items => Internal::DictWalkItems,
        };
        let it = self.b.prim_named(start, &[d]);
        let iter = self.b.new_register(RType::OBJECT, None);
        self.b.assign(iter, it);
        let current = self.b.null();
        Walk::Dict {
            iter,
            view,
            key,
            value,
            current,
        }
    }

    /// Do the arguments of `range(...)` allow a counter: ints (or the
    /// target's native int type) and a constant non-zero step?
    fn range_fits(&self, args: &[ast::Expr], native: Option<&RType>) -> bool {
        if args.is_empty() || args.len() > 3 {
            return false;
        }
        if args.len() == 3 && crate::checker::const_int(&args[2]).is_none_or(|s| s == 0) {
            return false;
        }
        args.iter().all(|a| {
            let t = self.type_of(a);
            // A native int bound converts to a tagged counter exactly.
            t.is_int_like() || (t.is_native_int() && native.is_none_or(|n| *n == self.rtype_of(&t)))
        })
    }

    /// A counter over `range(args)`: in the target's native int type when
    /// it is one and the step is 1 or -1 (then it never passes the end, so
    /// it cannot overflow), else a tagged int.
    fn range_walk(&mut self, args: &[ast::Expr], native: Option<&RType>) -> Walk {
        let step = match args {
            [_, _, s] => crate::checker::const_int(s).unwrap_or(1),
            _ => 1,
        };
        let t = match native {
            Some(t) if step == 1 || step == -1 => t.clone(),
            _ => RType::Int,
        };
        if t == RType::Int {
            if let Some(walk) = self.int_range_counter(args, step) {
                return walk;
            }
        }
        let (start, end) = match args {
            [n] => {
                let zero = self.b.int(0);
                (self.b.coerce(zero, &t), self.expr_as(n, &t))
            }
            _ => {
                let s = self.expr_as(&args[0], &t);
                (s, self.expr_as(&args[1], &t))
            }
        };
        self.counter(start, end, step, &t)
    }

    /// An `int` range whose start is a constant (or omitted) and whose step
    /// is small counts in an `i64`: from a start within a short int, adding
    /// at most `MAX_COUNTER_STEP` per iteration, it cannot leave the short
    /// ints in any feasible number of iterations, so the `i64` holds every
    /// value the loop reaches, and an end beyond the `i64`s is clamped to
    /// their bounds without changing when the loop stops.
    fn int_range_counter(&mut self, args: &[ast::Expr], step: i64) -> Option<Walk> {
        let (start, end) = match args {
            [n] => (0, n),
            [s, e, ..] => (crate::checker::const_int(s)?, e),
            _ => return None,
        };
        if step.abs() > MAX_COUNTER_STEP || start.abs() > 1 << 60 {
            return None;
        }
        let end = self.expr_as(end, &RType::Int);
        let end = self.b.prim_named(Internal::ClampToI64, &[end]);
        let start = self.b.add(
            Op::LoadInt {
                value: start,
                rtype: RType::I64,
            },
            RType::I64,
        );
        Some(self.counter(start, end, step, &RType::I64))
    }

    fn counter(&mut self, start: ValueId, end: ValueId, step: i64, t: &RType) -> Walk {
        let end_reg = self.b.new_register(t.clone(), None);
        self.b.assign(end_reg, end);
        let idx = self.b.new_register(t.clone(), None);
        self.b.assign(idx, start);
        Walk::Range {
            idx,
            end: end_reg,
            step,
            native: t.is_native_int(),
        }
    }

    /// At the top of the loop: go to `more` if every walk has a value, to
    /// `ended` otherwise.
    fn walk_test(&mut self, walk: &mut Walk, more: BlockId, ended: BlockId) {
        let go_on = self.b.new_block();
        match walk {
            Walk::Range {
                idx,
                end,
                step,
                native,
            } => {
                let ok = range_more(&mut self.b, *idx, *end, *step, *native);
                self.b.branch(ok, go_on, ended);
            }
            Walk::Index {
                seq,
                idx,
                reverse,
                native: true,
                ..
            } => {
                if *reverse {
                    let not_negative = self.b.new_block();
                    let zero = self.b.ssize(0);
                    let ge = self.b.compare(CmpKind::Sge, *idx, zero);
                    self.b.branch(ge, not_negative, ended);
                    self.b.activate(not_negative);
                }
                // The sequence may have shrunk: the size is read each time.
                let n = self.seq_size(*seq);
                let inside = self.b.compare(CmpKind::Slt, *idx, n);
                self.b.branch(inside, go_on, ended);
            }
            Walk::Index {
                seq, idx, reverse, ..
            } => {
                let n = self.seq_len(*seq);
                let inside = self.b.try_prim(Operator::Lt, &[*idx, n]).unwrap_or(*idx);
                if *reverse {
                    let not_negative = self.b.new_block();
                    let zero = self.b.int(0);
                    let ge = self
                        .b
                        .try_prim(Operator::GtE, &[*idx, zero])
                        .unwrap_or(*idx);
                    self.b.branch(ge, not_negative, ended);
                    self.b.activate(not_negative);
                    let n = self.seq_len(*seq);
                    let inside = self.b.try_prim(Operator::Lt, &[*idx, n]).unwrap_or(*idx);
                    self.b.branch(inside, go_on, ended);
                } else {
                    self.b.branch(inside, go_on, ended);
                }
            }
            Walk::Dict { iter, current, .. } => {
                *current = self.b.prim_named(Internal::DictWalkNext, &[*iter]);
                self.branch_on_error(*current, ended, go_on);
            }
            Walk::Iter { iter, current, .. } => {
                *current = self.b.prim_named(Internal::IterNext, &[*iter]);
                self.branch_on_error(*current, ended, go_on);
            }
            Walk::Enumerate { inner, .. } => {
                self.walk_test(inner, go_on, ended);
            }
            Walk::Zip(walks) => {
                let n = walks.len();
                for (i, w) in walks.iter_mut().enumerate() {
                    let next = if i + 1 == n {
                        go_on
                    } else {
                        self.b.new_block()
                    };
                    self.walk_test(w, next, ended);
                    if i + 1 < n {
                        self.b.activate(next);
                    }
                }
            }
        }
        self.b.activate(go_on);
        self.b.goto(more);
    }

    /// Is the sequence walked by a C index a list (else a tuple)?
    fn seq_is_list(&self, seq: ValueId) -> bool {
        self.b.rtype(seq) == RType::LIST
    }

    /// The size of a list or tuple walked by a C index.
    fn seq_size(&mut self, seq: ValueId) -> ValueId {
        let size = if self.seq_is_list(seq) {
            Internal::ListSize
        } else {
            Internal::TupleSize
        };
        self.b.prim_named(size, &[seq])
    }

    /// The length of a sequence walked by index.
    fn seq_len(&mut self, seq: ValueId) -> ValueId {
        match self
            .b
            .try_prim(Key::Function(Module::Builtins, "len"), &[seq])
        {
            Some(n) => n,
            None => self
                .b
                .prim_named(Key::Function(Module::Builtins, "len"), &[seq]),
        }
    }

    /// Branch to `error` if `v` holds its error value (the end of an
    /// iterator), else to `ok`.
    fn branch_on_error(&mut self, v: ValueId, error: BlockId, ok: BlockId) {
        self.b.add(
            Op::Branch {
                value: v,
                true_label: error,
                false_label: ok,
                kind: BranchKind::IsError,
                negated: false,
                traceback: None,
                rare: false,
            },
            RType::Void,
        );
    }

    /// The values the walk gives the target at the start of the body.
    fn walk_values(&mut self, walk: &Walk) -> Vec<ValueId> {
        match walk {
            Walk::Range { idx, .. } => vec![*idx],
            Walk::Index {
                seq,
                idx,
                item,
                native: true,
                ..
            } => {
                let item_unsafe = if self.seq_is_list(*seq) {
                    Internal::ListItemUnsafe
                } else {
                    Internal::TupleItemUnsafe
                };
                let v = self.b.prim_named(item_unsafe, &[*seq, *idx]);
                vec![self.b.coerce(v, item)]
            }
            Walk::Index { seq, idx, item, .. } => {
                let v = match self.b.try_prim(Operator::GetItem, &[*seq, *idx]) {
                    Some(v) => v,
                    None => self.b.prim_named(Operator::GetItem, &[*seq, *idx]),
                };
                vec![self.b.coerce(v, item)]
            }
            Walk::Dict {
                iter,
                view,
                key,
                value,
                current,
            } => match view {
                DictView::Keys => vec![self.b.coerce(*current, key)],
                DictView::Values => vec![self.b.coerce(*current, value)],
                DictView::Items => {
                    let v = self.b.prim_named(Internal::DictWalkValue, &[*iter]);
                    let k = self.b.coerce(*current, key);
                    vec![k, self.b.coerce(v, value)]
                }
            },
            Walk::Iter { current, item, .. } => vec![self.b.coerce(*current, item)],
            Walk::Enumerate { count, inner } => {
                let mut vals = vec![*count];
                let inner = self.walk_values(inner);
                vals.push(self.as_one_value(inner));
                vals
            }
            Walk::Zip(walks) => walks
                .iter()
                .map(|w| {
                    let vals = self.walk_values(w);
                    self.as_one_value(vals)
                })
                .collect(),
        }
    }

    /// One value for a part of the target: a tuple of several.
    fn as_one_value(&mut self, mut vals: Vec<ValueId>) -> ValueId {
        if vals.len() == 1 {
            return vals.remove(0);
        }
        let types: Vec<RType> = vals.iter().map(|v| self.b.rtype(*v)).collect();
        let rt = RType::Tuple(types);
        self.b.add(
            Op::TupleSet {
                items: vals,
                rtype: rt.clone(),
            },
            rt,
        )
    }

    /// Bind the walk's values to the target: to its parts when it is a
    /// tuple of as many (no tuple is built), else as one value.
    fn bind_values(&mut self, target: &ast::Expr, vals: Vec<ValueId>) {
        let parts = match target {
            ast::Expr::Tuple(t) => Some(&t.elts),
            ast::Expr::List(l) => Some(&l.elts),
            _ => None,
        };
        match parts {
            Some(elts)
                if vals.len() > 1
                    && elts.len() == vals.len()
                    && !elts.iter().any(|e| matches!(e, ast::Expr::Starred(_))) =>
            {
                for (e, v) in elts.iter().zip(vals) {
                    self.assign_to(e, v);
                }
            }
            _ => {
                let v = self.as_one_value(vals);
                self.assign_to(target, v);
            }
        }
    }

    /// At the end of the body (and on `continue`): move on.
    fn walk_step(&mut self, walk: &Walk) {
        match walk {
            Walk::Range {
                idx, step, native, ..
            } => {
                let next = range_next(&mut self.b, *idx, *step, *native);
                self.b.assign(*idx, next);
            }
            Walk::Index {
                idx,
                reverse,
                native: true,
                ..
            } => {
                let kind = if *reverse {
                    IntOpKind::Sub
                } else {
                    IntOpKind::Add
                };
                let next = ssize_step(&mut self.b, *idx, kind);
                self.b.assign(*idx, next);
            }
            Walk::Index { idx, reverse, .. } => {
                let one = self.b.int(1);
                let op = if *reverse {
                    Operator::Sub
                } else {
                    Operator::Add
                };
                let next = self.b.prim_named(op, &[*idx, one]);
                self.b.assign(*idx, next);
            }
            Walk::Dict { .. } | Walk::Iter { .. } => {}
            Walk::Enumerate { count, inner } => {
                let one = self.b.int(1);
                let next = self.b.prim_named(Operator::Add, &[*count, one]);
                self.b.assign(*count, next);
                self.walk_step(inner);
            }
            Walk::Zip(walks) => walks.iter().for_each(|w| self.walk_step(w)),
        }
    }

    /// After the last item: an iterator that ended with an exception
    /// raises it.
    fn walk_finish(&mut self, walk: &Walk) {
        match walk {
            Walk::Dict { .. } | Walk::Iter { .. } => {
                self.b.prim_named(Internal::NoErrOccurred, &[]);
            }
            Walk::Enumerate { inner, .. } => self.walk_finish(inner),
            Walk::Zip(walks) => walks.iter().for_each(|w| self.walk_finish(w)),
            Walk::Range { .. } | Walk::Index { .. } => {}
        }
    }
}

/// The largest step of a range counted in an `i64` (see
/// `int_range_counter`): 2**54 iterations before a short int could
/// overflow.
const MAX_COUNTER_STEP: i64 = 256;

/// Is the counter `idx` before `end` (in the direction of `step`)?
fn range_more(b: &mut Builder, idx: ValueId, end: ValueId, step: i64, native: bool) -> ValueId {
    if native {
        let op = if step > 0 { CmpKind::Slt } else { CmpKind::Sgt };
        return b.add(
            Op::ComparisonOp {
                op,
                lhs: idx,
                rhs: end,
            },
            RType::Bit,
        );
    }
    let cmp = if step > 0 { Operator::Lt } else { Operator::Gt };
    b.try_prim(cmp, &[idx, end]).unwrap_or(idx)
}

/// The counter after `idx`.
fn range_next(b: &mut Builder, idx: ValueId, step: i64, native: bool) -> ValueId {
    if native {
        let rt = b.rtype(idx);
        let one = b.add(
            Op::LoadInt {
                value: step.abs(),
                rtype: rt.clone(),
            },
            rt.clone(),
        );
        let op = if step > 0 {
            IntOpKind::Add
        } else {
            IntOpKind::Sub
        };
        return b.add(
            Op::IntOp {
                op,
                lhs: idx,
                rhs: one,
                rtype: rt.clone(),
            },
            rt,
        );
    }
    let st = b.int(step);
    b.prim_named(Operator::Add, &[idx, st])
}

/// `v + 1` or `v - 1` of a `Py_ssize_t` (no overflow: it stays within a
/// sequence's size).
fn ssize_step(b: &mut Builder, v: ValueId, op: IntOpKind) -> ValueId {
    let one = b.ssize(1);
    b.add(
        Op::IntOp {
            op,
            lhs: v,
            rhs: one,
            rtype: RType::SsizeT,
        },
        RType::SsizeT,
    )
}
