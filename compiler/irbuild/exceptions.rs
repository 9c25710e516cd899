//! Lowering `try` (except/else/finally) and `with` statements.
//!
//! Exceptions raised by ops in a block go to the block's `error_handler`.
//! Entering an `except` handler calls `CPy_CatchError`, which makes the
//! pending exception the handled one (`sys.exc_info()`) and returns the
//! previously handled one; every way out of the handler restores it. A
//! `finally` body is emitted on each way out of the `try` (normal exit,
//! exception, and `return`/`break`/`continue` through the cleanup stack).

use rustpython_parser::ast::{self, Ranged};

use super::IrBuilder;
use crate::ir::*;
use crate::primitives::Internal;

/// Work to do when control leaves a try/with block early.
#[derive(Clone, Debug)]
pub enum Cleanup {
    /// Restore the handled exception saved by `CPy_CatchError`.
    RestoreExc(ValueId),
    /// Run a `finally` body; its errors go to the handler outside the `try`
    /// (the second field), not to the `try`'s own.
    Finally(Vec<ast::Stmt>, Option<BlockId>),
    /// Call a context manager's `__exit__(None, None, None)` (for `async
    /// with`, `__aexit__` and await the result).
    WithExit(ValueId, bool),
}

impl<'a> IrBuilder<'a> {
    /// Emit the cleanups above `depth` (innermost first), as on a
    /// `return`/`break`/`continue` that leaves them.
    pub fn run_cleanups(&mut self, depth: usize) {
        let saved = self.cleanups.clone();
        while self.cleanups.len() > depth {
            let Some(c) = self.cleanups.pop() else { break };
            match c {
                Cleanup::RestoreExc(v) => {
                    self.b.prim_named(Internal::RestoreExcInfo, &[v]);
                }
                Cleanup::Finally(body, outer) => {
                    let blk = self.b.new_block_with_handler(outer);
                    self.b.goto_and_activate(blk);
                    self.stmts(&body);
                }
                Cleanup::WithExit(exit, is_async) => self.call_exit_none(exit, is_async),
            }
        }
        self.cleanups = saved;
    }

    /// Propagate the pending exception to the enclosing handler without
    /// adding a traceback entry.
    fn keep_propagating(&mut self) {
        let line = self.b.line;
        self.b.line = 0;
        self.b.prim_named(Internal::KeepPropagating, &[]);
        self.b.add(Op::Unreachable, RType::Void);
        self.b.line = line;
    }

    /// Start lowering the handler block `entry` of a try/with: catch the
    /// exception (it becomes the handled one), keep the previously handled
    /// one in a register, and continue in a block whose own errors restore it
    /// and propagate to `outer`. Returns (saved exception info, cleanup block).
    fn enter_handler(&mut self, entry: BlockId, outer: Option<BlockId>) -> (ValueId, BlockId) {
        self.b.activate(entry);
        let saved_v = self.b.prim_named(Internal::CatchError, &[]);
        let saved = self
            .b
            .new_register(crate::primitives::exc_info_rtype(), None);
        self.b.assign(saved, saved_v);
        let cleanup = self.restore_and_propagate_block(saved, outer);
        let body = self.b.new_block_with_handler(Some(cleanup));
        self.b.goto_and_activate(body);
        (saved, cleanup)
    }

    /// A block that restores `saved` exception info and keeps propagating,
    /// in the error context `outer`.
    fn restore_and_propagate_block(&mut self, saved: ValueId, outer: Option<BlockId>) -> BlockId {
        let here = self.b.cur;
        let blk = self.b.new_block_with_handler(outer);
        self.b.activate(blk);
        self.b.prim_named(Internal::RestoreExcInfo, &[saved]);
        self.keep_propagating();
        self.b.activate(here);
        blk
    }

    pub fn try_stmt(&mut self, t: &ast::StmtTry) {
        if t.finalbody.is_empty() {
            self.try_except(&t.body, &t.handlers, &t.orelse);
            return;
        }
        let finalbody = t.finalbody.clone();
        let outer = self.b.handler();
        let err = self.b.new_block_with_handler(outer);
        let done = self.b.new_block_with_handler(outer);
        // The protected part: try/except/else, with exceptions going to `err`.
        let body = self.b.new_block_with_handler(Some(err));
        self.b.goto_and_activate(body);
        self.cleanups
            .push(Cleanup::Finally(finalbody.clone(), outer));
        if t.handlers.is_empty() {
            self.stmts(&t.body);
            self.stmts(&t.orelse);
        } else {
            self.try_except(&t.body, &t.handlers, &t.orelse);
        }
        self.cleanups.pop();
        // Normal exit: run the finally body.
        if !self.b.terminated() {
            let normal = self.b.new_block_with_handler(outer);
            self.b.goto_and_activate(normal);
            self.stmts(&finalbody);
            self.b.goto(done);
        }
        // Exceptional exit: catch, run the finally body, re-raise.
        let (saved, _) = self.enter_handler(err, outer);
        self.cleanups.push(Cleanup::RestoreExc(saved));
        self.stmts(&finalbody);
        self.cleanups.pop();
        if !self.b.terminated() {
            self.b.prim_named(Internal::Reraise, &[]);
            self.b.add(Op::Unreachable, RType::Void);
        }
        self.b.activate(done);
    }

    fn try_except(
        &mut self,
        body: &[ast::Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[ast::Stmt],
    ) {
        let outer = self.b.handler();
        let except_entry = self.b.new_block_with_handler(outer);
        let done = self.b.new_block_with_handler(outer);
        let body_b = self.b.new_block_with_handler(Some(except_entry));
        self.b.goto_and_activate(body_b);
        self.stmts(body);
        if !self.b.terminated() {
            let else_b = self.b.new_block_with_handler(outer);
            self.b.goto_and_activate(else_b);
            self.stmts(orelse);
            self.b.goto(done);
        }
        // Handlers.
        let (saved, cleanup) = self.enter_handler(except_entry, outer);
        self.cleanups.push(Cleanup::RestoreExc(saved));
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_line(h);
            let next = self.b.new_block_with_handler(Some(cleanup));
            if let Some(ty) = &h.type_ {
                let tv = self.expr(ty);
                let tv = self.b.boxed(tv);
                let m = self.b.prim_named(Internal::ExceptionMatches, &[tv]);
                let yes = self.b.new_block_with_handler(Some(cleanup));
                self.b.branch(m, yes, next);
                self.b.activate(yes);
            }
            if let Some(name) = &h.name {
                let v = self.b.prim_named(Internal::GetExcValue, &[]);
                self.bind_name(name.as_str(), v);
            }
            self.stmts(&h.body);
            if !self.b.terminated() {
                self.b.prim_named(Internal::RestoreExcInfo, &[saved]);
                self.b.goto(done);
            }
            self.b.activate(next);
            if h.type_.is_none() {
                break;
            }
        }
        self.cleanups.pop();
        // No handler matched: re-raise into the cleanup block.
        if !self.b.terminated() {
            self.b.line = 0;
            self.b.prim_named(Internal::Reraise, &[]);
            self.b.add(Op::Unreachable, RType::Void);
        }
        self.b.activate(done);
    }

    /// An `async for` clause of a comprehension: await `__anext__()` of
    /// the async iterator of `iter` until it raises StopAsyncIteration,
    /// assigning each item to `target` and running `body` (whose
    /// `continue` target is the next step).
    pub fn async_for_loop(
        &mut self,
        target: &ast::Expr,
        iter: &ast::Expr,
        body: &mut dyn FnMut(&mut IrBuilder<'a>),
    ) {
        let v = self.expr(iter);
        let v = self.b.boxed(v);
        self.set_line(iter);
        let ait = self.b.prim_named(Internal::GenGetAiter, &[v]);
        let ait_reg = self.b.new_register(RType::OBJECT, None);
        self.b.assign(ait_reg, ait);
        let outer = self.b.handler();
        let done = self.b.new_block_with_handler(outer);
        let except_entry = self.b.new_block_with_handler(outer);
        let top = self.b.new_block_with_handler(Some(except_entry));
        self.b.goto_and_activate(top);
        let aw = self.b.prim_named(Internal::GenGetAnext, &[ait_reg]);
        let item = self.await_value(aw);
        let body_b = self.b.new_block_with_handler(outer);
        self.b.goto_and_activate(body_b);
        self.assign_to(target, item);
        self.b.loops.push(super::builder::LoopTargets::new(
            done,
            top,
            self.cleanups.len(),
        ));
        body(self);
        self.b.loops.pop();
        if !self.b.terminated() {
            self.b.goto(top);
        }
        // StopAsyncIteration ends the loop; anything else propagates.
        let (saved, cleanup) = self.enter_handler(except_entry, outer);
        let stop = ast::Expr::Name(ast::ExprName {
            range: iter.range(),
            id: ast::Identifier::new("StopAsyncIteration"),
            ctx: ast::ExprContext::Load,
        });
        let tv = self.expr(&stop);
        let tv = self.b.boxed(tv);
        let m = self.b.prim_named(Internal::ExceptionMatches, &[tv]);
        let yes = self.b.new_block_with_handler(Some(cleanup));
        let no = self.b.new_block_with_handler(Some(cleanup));
        self.b.branch(m, yes, no);
        self.b.activate(yes);
        self.b.prim_named(Internal::RestoreExcInfo, &[saved]);
        self.b.goto(done);
        self.b.activate(no);
        self.b.line = 0;
        self.b.prim_named(Internal::Reraise, &[]);
        self.b.add(Op::Unreachable, RType::Void);
        self.b.activate(done);
    }

    fn call_exit_none(&mut self, exit: ValueId, is_async: bool) {
        let n1 = self.b.none_obj();
        let n2 = self.b.none_obj();
        let n3 = self.b.none_obj();
        let r = self.call_values(exit, vec![n1, n2, n3]);
        self.await_if(r, is_async);
    }

    /// The result of awaiting `v` when `is_async`, else `v`.
    fn await_if(&mut self, v: ValueId, is_async: bool) -> ValueId {
        if is_async {
            self.await_value(v)
        } else {
            v
        }
    }

    pub fn with_stmt(&mut self, w: &ast::StmtWith) {
        self.with_items(&w.items, &w.body, false);
    }

    pub fn async_with_stmt(&mut self, w: &ast::StmtAsyncWith) {
        if self.generator.is_none() {
            self.unsupported(w, "'async with' outside an async function");
            return;
        }
        self.with_items(&w.items, &w.body, true);
    }

    fn with_items(&mut self, items: &[ast::WithItem], body: &[ast::Stmt], is_async: bool) {
        let Some((item, rest)) = items.split_first() else {
            self.stmts(body);
            return;
        };
        let (enter_attr, exit_attr) = if is_async {
            ("__aenter__", "__aexit__")
        } else {
            ("__enter__", "__exit__")
        };
        self.set_line(&item.context_expr);
        let mgr = self.expr(&item.context_expr);
        let mgr = self.b.boxed(mgr);
        let mgr_reg = self.b.new_register(RType::OBJECT, None);
        self.b.assign(mgr_reg, mgr);
        let exit_name = self.b.str_lit(exit_attr);
        let exit = self.b.prim_named(Internal::GetAttr, &[mgr_reg, exit_name]);
        let exit_reg = self.b.new_register(RType::OBJECT, None);
        self.b.assign(exit_reg, exit);
        let enter_name = self.b.str_lit(enter_attr);
        let enter = self.b.prim_named(Internal::GetAttr, &[mgr_reg, enter_name]);
        let value = self.call_values(enter, vec![]);
        let value = self.await_if(value, is_async);

        let outer = self.b.handler();
        let err = self.b.new_block_with_handler(outer);
        let done = self.b.new_block_with_handler(outer);
        let body_b = self.b.new_block_with_handler(Some(err));
        self.b.goto_and_activate(body_b);
        if let Some(target) = &item.optional_vars {
            self.assign_to(target, value);
        }
        self.cleanups.push(Cleanup::WithExit(exit_reg, is_async));
        self.with_items(rest, body, is_async);
        self.cleanups.pop();
        if !self.b.terminated() {
            let normal = self.b.new_block_with_handler(outer);
            self.b.goto_and_activate(normal);
            self.call_exit_none(exit_reg, is_async);
            self.b.goto(done);
        }
        // An exception in the body: __exit__(type, value, tb) may suppress it.
        let (saved, cleanup) = self.enter_handler(err, outer);
        let info = self.b.prim_named(Internal::GetExcInfo, &[]);
        let mut args = vec![];
        for i in 0..3 {
            let item = self.b.add(
                Op::TupleGet {
                    src: info,
                    index: i,
                    rtype: RType::OBJECT,
                },
                RType::OBJECT,
            );
            args.push(item);
        }
        let suppress = self.call_values(exit_reg, args);
        let suppress = self.await_if(suppress, is_async);
        let tv = self.truth_value(suppress);
        let (swallow, reraise) = (
            self.b.new_block_with_handler(Some(cleanup)),
            self.b.new_block_with_handler(Some(cleanup)),
        );
        self.b.branch(tv, swallow, reraise);
        self.b.activate(swallow);
        self.b.prim_named(Internal::RestoreExcInfo, &[saved]);
        self.b.goto(done);
        self.b.activate(reraise);
        self.b.line = 0;
        self.b.prim_named(Internal::Reraise, &[]);
        self.b.add(Op::Unreachable, RType::Void);
        self.b.activate(done);
        self.set_line(&item.context_expr);
        let _ = item.context_expr.range();
    }
}
