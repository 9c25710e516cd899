//! mypyc: an ahead-of-time compiler from typed Python to CPython C extensions.
//!
//! The pipeline (see ARCHITECTURE.md): `build` drives `parse` → `semanal` →
//! `checker` (using `types`) → `irbuild` (using `primitives`) → `transform`
//! (using `analysis`) → `codegen` → C compiler. Each stage consumes the
//! previous stage's data structures and nothing from later stages.

/// Methods every AST visitor of the project includes: rustpython_ast's
/// default visitor does not look into keyword arguments, comprehension
/// clauses, `with` items, match cases or parameter defaults, so a visitor
/// without these misses names, lambdas, `yield`s and `return`s there.
/// (Comprehension and `with` targets are visited too; visitors that must
/// tell bindings from reads look at the expression context.)
#[macro_export]
macro_rules! visit_whole_tree {
    () => {
        fn visit_keyword(&mut self, node: rustpython_parser::ast::Keyword) {
            self.visit_expr(node.value);
        }
        fn visit_comprehension(&mut self, node: rustpython_parser::ast::Comprehension) {
            self.visit_expr(node.target);
            self.visit_expr(node.iter);
            for e in node.ifs {
                self.visit_expr(e);
            }
        }
        fn visit_withitem(&mut self, node: rustpython_parser::ast::WithItem) {
            self.visit_expr(node.context_expr);
            if let Some(v) = node.optional_vars {
                self.visit_expr(*v);
            }
        }
        fn visit_match_case(&mut self, node: rustpython_parser::ast::MatchCase) {
            self.visit_pattern(node.pattern);
            if let Some(g) = node.guard {
                self.visit_expr(*g);
            }
            for s in node.body {
                self.visit_stmt(s);
            }
        }
        fn visit_arguments(&mut self, node: rustpython_parser::ast::Arguments) {
            let params = node
                .posonlyargs
                .into_iter()
                .chain(node.args)
                .chain(node.kwonlyargs);
            for p in params {
                if let Some(d) = p.default {
                    self.visit_expr(*d);
                }
            }
        }
    };
}

pub mod analysis;
pub mod build;
pub mod checker;
pub mod codegen;
pub mod diagnostics;
pub mod ir;
pub mod irbuild;
pub mod parse;
pub mod primitives;
pub mod semanal;
pub mod transform;
pub mod types;
