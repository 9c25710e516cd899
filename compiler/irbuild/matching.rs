//! `match` statements: the subject is evaluated once; each case tests its
//! pattern (binding captures as it goes), then its guard, and runs its body
//! or falls through to the next case. Structural tests are lib-rt helpers
//! (match_ops.c) that return the parts of the subject sub-patterns look at,
//! or the NoMatch sentinel.

use rustpython_parser::ast;

use super::IrBuilder;
use crate::ir::*;
use crate::primitives::{Internal, Operator};

impl<'a> IrBuilder<'a> {
    pub fn match_stmt(&mut self, m: &ast::StmtMatch) {
        let subject = self.expr(&m.subject);
        let subject = self.b.boxed(subject);
        let reg = self.b.new_register(RType::OBJECT, None);
        self.b.assign(reg, subject);
        let done = self.b.new_block();
        for case in &m.cases {
            let (body, next) = (self.b.new_block(), self.b.new_block());
            self.pattern(&case.pattern, reg, next);
            if let Some(guard) = &case.guard {
                let pass = self.b.new_block();
                self.condition(guard, pass, next);
                self.b.activate(pass);
            }
            self.b.goto_and_activate(body);
            self.stmts(&case.body);
            if !self.b.terminated() {
                self.b.goto(done);
            }
            self.b.activate(next);
        }
        self.b.goto_and_activate(done);
    }

    /// Test `subject` against pattern `p`, binding its captures; on a
    /// mismatch jump to `fail`, else continue in a new current block.
    fn pattern(&mut self, p: &ast::Pattern, subject: ValueId, fail: BlockId) {
        match p {
            ast::Pattern::MatchValue(v) => {
                let value = self.expr(&v.value);
                let value = self.b.boxed(value);
                let eq = self.compare_pair(ast::CmpOp::Eq, subject, value);
                self.branch_or_fail(eq, fail);
            }
            ast::Pattern::MatchSingleton(s) => {
                let value = self.constant(&s.value);
                let value = self.b.boxed(value);
                let is = self.compare_pair(ast::CmpOp::Is, subject, value);
                self.branch_or_fail(is, fail);
            }
            ast::Pattern::MatchAs(a) => {
                if let Some(inner) = &a.pattern {
                    self.pattern(inner, subject, fail);
                }
                if let Some(name) = &a.name {
                    self.bind_name(name.as_str(), subject);
                }
            }
            ast::Pattern::MatchOr(o) => {
                let ok = self.b.new_block();
                for alt in &o.patterns {
                    let next = self.b.new_block();
                    self.pattern(alt, subject, next);
                    self.b.goto(ok);
                    self.b.activate(next);
                }
                self.b.goto(fail);
                self.b.activate(ok);
            }
            ast::Pattern::MatchSequence(s) => self.sequence_pattern(&s.patterns, subject, fail),
            ast::Pattern::MatchMapping(m) => self.mapping_pattern(m, subject, fail),
            ast::Pattern::MatchClass(c) => self.class_pattern(c, subject, fail),
            ast::Pattern::MatchStar(_) => {
                // Only valid inside a sequence pattern, handled there.
                self.unsupported(p, "a star pattern outside a sequence pattern");
            }
        }
    }

    fn branch_or_fail(&mut self, cond: ValueId, fail: BlockId) {
        let t = self.truth_value(cond);
        let ok = self.b.new_block();
        self.b.branch(t, ok, fail);
        self.b.activate(ok);
    }

    /// Fail unless `parts` (a helper's result) is a match.
    fn fail_on_no_match(&mut self, parts: ValueId, fail: BlockId) {
        let no = self.b.prim_named(Internal::MatchIsNoMatch, &[parts]);
        let ok = self.b.new_block();
        self.b.branch(no, fail, ok);
        self.b.activate(ok);
    }

    fn item(&mut self, tuple: ValueId, i: usize) -> ValueId {
        let idx = self.b.int(i as i64);
        self.b
            .try_prim(Operator::GetItem, &[tuple, idx])
            .unwrap_or_else(|| self.b.null())
    }

    fn sequence_pattern(&mut self, pats: &[ast::Pattern], subject: ValueId, fail: BlockId) {
        let star = pats
            .iter()
            .position(|p| matches!(p, ast::Pattern::MatchStar(_)));
        let before = star.unwrap_or(pats.len());
        let after = star.map_or(0, |s| pats.len() - s - 1);
        let (b, a) = (self.b.ssize(before as i64), self.b.ssize(after as i64));
        let has_star = self.b.add(
            Op::LoadInt {
                value: i64::from(star.is_some()),
                rtype: RType::CInt,
            },
            RType::CInt,
        );
        let parts = self
            .b
            .prim_named(Internal::MatchSequence, &[subject, b, a, has_star]);
        self.fail_on_no_match(parts, fail);
        for (i, p) in pats.iter().enumerate() {
            let item = self.item(parts, i);
            match p {
                ast::Pattern::MatchStar(s) => {
                    if let Some(n) = &s.name {
                        self.bind_name(n.as_str(), item);
                    }
                }
                other => self.pattern(other, item, fail),
            }
        }
    }

    fn mapping_pattern(&mut self, m: &ast::PatternMatchMapping, subject: ValueId, fail: BlockId) {
        let is_map = self.b.prim_named(Internal::MatchIsMapping, &[subject]);
        self.branch_or_fail(is_map, fail);
        let mut keys = vec![];
        for (k, p) in m.keys.iter().zip(&m.patterns) {
            let key = self.expr(k);
            let key = self.b.boxed(key);
            keys.push(key);
            let v = self
                .b
                .prim_named(Internal::MatchMappingGet, &[subject, key]);
            self.fail_on_no_match(v, fail);
            self.pattern(p, v, fail);
        }
        if let Some(rest) = &m.rest {
            let n = self.b.ssize(keys.len() as i64);
            let mut args = vec![n];
            args.extend(keys);
            let keys = self.b.prim_named(Internal::BuildTuple, &args);
            let r = self
                .b
                .prim_named(Internal::MatchMappingRest, &[subject, keys]);
            self.bind_name(rest.as_str(), r);
        }
    }

    fn class_pattern(&mut self, c: &ast::PatternMatchClass, subject: ValueId, fail: BlockId) {
        let cls = self.expr(&c.cls);
        let cls = self.b.boxed(cls);
        let npos = self.b.ssize(c.patterns.len() as i64);
        let names: Vec<ValueId> = c
            .kwd_attrs
            .iter()
            .map(|a| self.b.str_lit(a.as_str()))
            .collect();
        let n = self.b.ssize(names.len() as i64);
        let mut args = vec![n];
        args.extend(names);
        let kwnames = self.b.prim_named(Internal::BuildTuple, &args);
        let parts = self
            .b
            .prim_named(Internal::MatchClass, &[subject, cls, npos, kwnames]);
        self.fail_on_no_match(parts, fail);
        for (i, p) in c.patterns.iter().chain(&c.kwd_patterns).enumerate() {
            let item = self.item(parts, i);
            self.pattern(p, item, fail);
        }
    }
}
