//! Builtins that consume a generator expression at once.
//!
//! `tuple(f(x) for x in xs)`, `set(...)`, `list(...)`, `frozenset(...)`,
//! `any(...)`, `all(...)`, `sum(...)` and `sep.join(...)` run the
//! expression's loops in place, as a comprehension does, instead of
//! creating a generator object and resuming it once per item: the
//! consumer starts iterating right away in the interpreter too, so the
//! order of evaluation is the same. Generator expressions whose variables
//! a lambda captures, async ones, and ones in a class body (where the
//! interpreter's nested scope does not see the class's names) keep the
//! generator.

use rustpython_parser::ast;

use super::IrBuilder;
use crate::ir::*;
use crate::primitives::{Internal, Key, Operator};
use crate::semanal::scope;

/// What a consumer does with each item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Consumer {
    /// Append to a list, then convert (`None`: the list itself).
    List(Option<Internal>),
    /// Add to a set, then convert.
    Set(Option<Internal>),
    /// Stop at the first item whose truth is `.0`; the result is `!.0`
    /// when no item stopped the loop.
    Search(bool),
    Sum,
}

impl Consumer {
    fn of_builtin(name: &str) -> Option<Consumer> {
        Some(match name {
            "list" => Consumer::List(None),
            "tuple" => Consumer::List(Some(Internal::ListToTuple)),
            "set" => Consumer::Set(None),
            "frozenset" => Consumer::Set(Some(Internal::FrozensetFrom)),
            "any" => Consumer::Search(true),
            "all" => Consumer::Search(false),
            "sum" => Consumer::Sum,
            _ => return None,
        })
    }
}

impl<'a> IrBuilder<'a> {
    /// The single generator expression argument of a call that may run in
    /// place (see the module comment).
    fn inline_genexpr<'c>(&self, c: &'c ast::ExprCall) -> Option<&'c ast::ExprGeneratorExp> {
        let [ast::Expr::GeneratorExp(g)] = c.args.as_slice() else {
            return None;
        };
        let in_place = c.keywords.is_empty()
            && self.class_ns.is_none()
            && !scope::genexpr_is_async(g)
            && !scope::comprehension_captures(&c.args[0]);
        in_place.then_some(g)
    }

    /// `name(genexpr)` for a builtin consumer `name`, run in place.
    pub fn builtin_genexpr_call(&mut self, name: &str, c: &ast::ExprCall) -> Option<ValueId> {
        let consumer = Consumer::of_builtin(name)?;
        let g = self.inline_genexpr(c)?;
        Some(self.consume_genexpr(consumer, g))
    }

    /// `sep.join(genexpr)` for a `str` separator: the items are collected
    /// into a list first (as `str.join` itself does), then joined.
    pub fn join_genexpr_call(&mut self, sep: ValueId, c: &ast::ExprCall) -> Option<ValueId> {
        if self.b.rtype(sep) != RType::Object(ObjKind::Str) {
            return None;
        }
        let g = self.inline_genexpr(c)?;
        let items = self.consume_genexpr(Consumer::List(None), g);
        self.set_line(c);
        Some(
            self.b
                .prim_named(Key::Method(ObjKind::Str, "join"), &[sep, items]),
        )
    }

    fn consume_genexpr(&mut self, consumer: Consumer, g: &ast::ExprGeneratorExp) -> ValueId {
        match consumer {
            Consumer::List(convert) => {
                self.collect_genexpr(g, Internal::BuildList, Internal::ListAppend, convert)
            }
            Consumer::Set(convert) => {
                self.collect_genexpr(g, Internal::BuildSet, Internal::SetAdd, convert)
            }
            Consumer::Search(stop_on) => self.search_genexpr(g, stop_on),
            Consumer::Sum => self.sum_genexpr(g),
        }
    }

    /// Items added one by one to a new container (`build` then `add`),
    /// optionally converted at the end.
    fn collect_genexpr(
        &mut self,
        g: &ast::ExprGeneratorExp,
        build: Internal,
        add: Internal,
        convert: Option<Internal>,
    ) -> ValueId {
        let n = self.b.ssize(0);
        let empty = self.b.prim_named(build, &[n]);
        let items = self.b.new_register(self.b.rtype(empty), None);
        self.b.assign(items, empty);
        self.comprehension_scope(&g.generators, &mut |this: &mut IrBuilder| {
            let item = this.expr(&g.elt);
            this.b.prim_named(add, &[items, item]);
        });
        match convert {
            Some(prim) => self.b.prim_named(prim, &[items]),
            None => items,
        }
    }

    /// `any` (`stop_on` true) or `all` (false): the first item whose truth
    /// is `stop_on` ends the loops.
    fn search_genexpr(&mut self, g: &ast::ExprGeneratorExp, stop_on: bool) -> ValueId {
        let result = self.b.new_register(RType::Bool, None);
        let initial = self.b.bool_const(!stop_on);
        self.b.assign(result, initial);
        let done = self.b.new_block();
        self.comprehension_scope(&g.generators, &mut |this: &mut IrBuilder| {
            let (stop, next) = (this.b.new_block(), this.b.new_block());
            let (t, f) = if stop_on { (stop, next) } else { (next, stop) };
            this.condition(&g.elt, t, f);
            this.b.activate(stop);
            let found = this.b.bool_const(stop_on);
            this.b.assign(result, found);
            this.b.goto(done);
            this.b.activate(next);
        });
        self.b.goto(done);
        self.b.activate(done);
        result
    }

    /// `sum`: the items added to `0` in order, with tagged int arithmetic
    /// when every item is an `int`, else with the generic `+`.
    fn sum_genexpr(&mut self, g: &ast::ExprGeneratorExp) -> ValueId {
        let item_is_int = matches!(
            self.rtype_of(&self.type_of(&g.elt)),
            RType::Int | RType::Bool
        );
        let rtype = if item_is_int {
            RType::Int
        } else {
            RType::OBJECT
        };
        let total = self.b.new_register(rtype.clone(), None);
        let zero = self.b.int(0);
        self.b.assign(total, zero);
        self.comprehension_scope(&g.generators, &mut |this: &mut IrBuilder| {
            let item = this.expr(&g.elt);
            let item = this.b.coerce(item, &rtype);
            let next = this.binary_op(Operator::Add, total, item);
            this.b.assign(total, next);
        });
        total
    }
}
