//! Functions defined inside functions: nested `def`s and lambdas, and the
//! environment objects through which they share variables (closures).
//!
//! Each nested function becomes its own native function (built here,
//! returned with the enclosing one) exposed through a function object
//! created where the definition runs.
//!
//! A function's *cell variables* (its locals that nested functions use) do
//! not live in registers but in fields of an environment object, a native
//! struct created on entry (see `ir::StructDef`). The function object of a
//! nested function carries the environment of its nearest enclosing
//! function that has one, and the nested function receives it as its
//! `__mypyc_env__` parameter. An environment whose function is itself
//! nested holds its parent's environment in field `__mypyc_parent__`, so a
//! variable several levels out is reached by following parents. Fields hold
//! values unboxed where the type's error value can mean "unset"; other
//! types (float, tuples, native ints) are stored boxed.

use rustpython_parser::ast::{self, Ranged};

use super::{build_function_in, IrBuilder};
use crate::ir::*;
use crate::primitives::Internal;
use crate::semanal::scope;
use crate::types::Type;

/// The environment parameter of a nested function.
pub const ENV_PARAM: &str = "__mypyc_env__";
/// The field of an environment holding the enclosing environment.
const PARENT: &str = "__mypyc_parent__";

/// The layout of one function's environment object.
#[derive(Clone, Debug)]
pub struct EnvInfo {
    pub strct: StructRef,
    /// Field names, in order.
    pub fields: Vec<String>,
    /// The Python type of each field's variable.
    pub types: Vec<Type>,
    /// Its representation in locals.
    pub reps: Vec<RType>,
}

impl EnvInfo {
    fn index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    fn rtype(&self, i: usize) -> RType {
        field_rtype(&self.reps[i])
    }

    fn push(&mut self, field: String, t: Type, rep: RType) {
        self.fields.push(field);
        self.types.push(t);
        self.reps.push(rep);
    }

    pub fn def(&self) -> StructDef {
        StructDef {
            name: self.strct.name.clone(),
            fields: (0..self.fields.len())
                .map(|i| (self.fields[i].clone(), self.rtype(i)))
                .collect(),
        }
    }
}

/// How a function reaches the variables it shares with other functions.
#[derive(Clone, Debug, Default)]
pub struct ClosureCtx {
    /// Environments of the enclosing functions that have one, innermost
    /// first; the first is the one the environment parameter holds.
    pub ancestors: Vec<EnvInfo>,
    /// The environment parameter.
    pub incoming: Option<ValueId>,
    /// The function's own environment and the register holding it.
    pub own: Option<(EnvInfo, ValueId)>,
}

/// The representation of a variable of type `t` in an environment field:
/// its own, if its error value can mark "unset"; else boxed.
fn field_rtype(r: &RType) -> RType {
    let r = r.clone();
    if r.error_overlaps() || matches!(r, RType::Tuple(_) | RType::Void | RType::Bit) {
        r.boxed()
    } else {
        r
    }
}

/// The field of a defaults struct holding the default of `param`.
fn default_field(param: &str) -> String {
    format!("__mypyc_default__{param}")
}

/// Where a variable lives in an environment: the object and the field.
struct EnvSlot {
    env: ValueId,
    info: EnvInfo,
    index: usize,
    own: bool,
}

impl<'a> IrBuilder<'a> {
    /// Create the function's environment object on entry, if it has cell
    /// variables, and move cell-variable parameters into it.
    pub fn setup_environment(&mut self, args: &ast::Arguments, body: &[ast::Stmt]) {
        let cells = scope::cell_variables(args, body);
        if cells.is_empty() {
            return;
        }
        let f = &self.b.f.decl.func;
        let name = match &f.class {
            Some(c) => format!("{c}___{}_env", f.name),
            None => format!("{}_env", f.name),
        };
        let mut info = EnvInfo {
            strct: StructRef {
                module: self.module.name.clone(),
                name,
            },
            fields: vec![],
            types: vec![],
            reps: vec![],
        };
        if self.closure.incoming.is_some() {
            info.push(PARENT.into(), Type::Any, RType::OBJECT);
        }
        for c in &cells {
            let t = self.local_types.get(c).cloned().unwrap_or(Type::Any);
            let rep = self.rtype_of(&t);
            info.push(c.clone(), t, rep);
        }
        let new = self.b.add(Op::NewStruct(info.strct.clone()), RType::OBJECT);
        let env = self
            .b
            .new_register(RType::OBJECT, Some("__mypyc_env_obj__".into()));
        self.b.assign(env, new);
        if let Some(parent) = self.closure.incoming {
            self.set_field(env, &info, 0, parent);
        }
        self.structs.push(info.def());
        self.closure.own = Some((info.clone(), env));
        for c in &cells {
            if let Some(reg) = self.b.locals.shift_remove(c) {
                let i = info.index(c).unwrap_or(0);
                self.set_field(env, &info, i, reg);
            }
        }
    }

    fn set_field(&mut self, env: ValueId, info: &EnvInfo, index: usize, v: ValueId) {
        let v = self.b.coerce(v, &info.rtype(index));
        self.b.add(
            Op::SetField {
                obj: env,
                strct: info.strct.clone(),
                field: index,
                value: v,
                steal: false,
            },
            RType::Void,
        );
    }

    fn get_field(&mut self, env: ValueId, info: &EnvInfo, index: usize) -> ValueId {
        self.b.add(
            Op::GetField {
                obj: env,
                strct: info.strct.clone(),
                field: index,
                rtype: info.rtype(index),
                take: false,
            },
            info.rtype(index),
        )
    }

    /// The environment field holding variable `name`, if it lives in one:
    /// a cell variable of this function, or a free variable of it that an
    /// enclosing function shares.
    fn env_slot(&mut self, name: &str) -> Option<EnvSlot> {
        if self.is_comprehension_target(name) {
            return None;
        }
        if let Some((info, env)) = &self.closure.own {
            if let Some(index) = info.index(name) {
                return Some(EnvSlot {
                    env: *env,
                    info: info.clone(),
                    index,
                    own: true,
                });
            }
        }
        if self.b.locals.contains_key(name) || self.is_local_name(name) {
            return None;
        }
        let depth = self
            .closure
            .ancestors
            .iter()
            .position(|a| a.index(name).is_some())?;
        let mut env = self.closure.incoming?;
        let ancestors = self.closure.ancestors.clone();
        for anc in &ancestors[..depth] {
            let parent = anc.index(PARENT)?;
            env = self.get_field(env, anc, parent);
        }
        let info = ancestors[depth].clone();
        let index = info.index(name)?;
        Some(EnvSlot {
            env,
            info,
            index,
            own: false,
        })
    }

    /// Is `name` a target of a comprehension being lowered (a register of
    /// the comprehension's scope)?
    pub fn is_comprehension_target(&self, name: &str) -> bool {
        self.comprehension_targets.iter().any(|n| n == name)
    }

    /// Does `name` live in an environment (this function's or an enclosing one's)?
    pub fn closure_has(&self, name: &str) -> bool {
        let own = self
            .closure
            .own
            .as_ref()
            .is_some_and(|(i, _)| i.index(name).is_some());
        own || self
            .closure
            .ancestors
            .iter()
            .any(|a| a.index(name).is_some())
    }

    /// Read a variable that lives in an environment, raising if it is unset.
    pub fn load_env_var(&mut self, name: &str) -> Option<ValueId> {
        let slot = self.env_slot(name)?;
        let v = self.get_field(slot.env, &slot.info, slot.index);
        let (unset, ok) = (self.b.new_block(), self.b.new_block());
        self.b.add(
            Op::Branch {
                value: v,
                true_label: unset,
                false_label: ok,
                kind: BranchKind::IsError,
                negated: false,
                traceback: None,
                rare: true,
            },
            RType::Void,
        );
        self.b.activate(unset);
        let (class, message) = if slot.own {
            (
                "UnboundLocalError",
                format!(
                    "cannot access local variable '{name}' where it is not associated with a value"
                ),
            )
        } else {
            (
                "NameError",
                format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
            )
        };
        self.b.add(
            Op::RaiseStandardError {
                class: class.into(),
                message: Some(message),
            },
            RType::Bit,
        );
        self.b.add(Op::Unreachable, RType::Void);
        self.b.activate(ok);
        let t = slot.info.reps[slot.index].clone();
        Some(self.b.coerce(v, &t))
    }

    /// Assign a variable that lives in an environment. Returns false if
    /// `name` does not live in one.
    pub fn store_env_var(&mut self, name: &str, v: ValueId) -> bool {
        match self.env_slot(name) {
            Some(slot) => {
                self.set_field(slot.env, &slot.info, slot.index, v);
                true
            }
            None => false,
        }
    }

    /// `del name` of a variable kept in an environment: read it (so that
    /// deleting an unbound variable raises), then unset its field. False if
    /// `name` is not an environment variable.
    pub fn delete_env_var(&mut self, name: &str) -> bool {
        if self.load_env_var(name).is_none() {
            return false;
        }
        let Some(slot) = self.env_slot(name) else {
            return false;
        };
        let t = slot.info.rtype(slot.index);
        let unset = self.b.add(Op::LoadErrorValue { rtype: t.clone() }, t);
        self.set_field(slot.env, &slot.info, slot.index, unset);
        true
    }

    /// What a function nested in this one receives: the enclosing
    /// environments (innermost first) and the value of its environment
    /// parameter.
    fn child_closure(&self) -> (Vec<EnvInfo>, Option<ValueId>) {
        match &self.closure.own {
            Some((info, env)) => {
                let mut a = vec![info.clone()];
                a.extend(self.closure.ancestors.iter().cloned());
                (a, Some(*env))
            }
            None => (self.closure.ancestors.clone(), self.closure.incoming),
        }
    }

    /// Non-constant defaults of a nested function belong to each function
    /// object: they are evaluated where the `def` runs and kept in a struct
    /// that becomes the function's environment (with the enclosing
    /// environment as its parent).
    fn defaults_object(
        &mut self,
        def: &ast::StmtFunctionDef,
        func: &FuncRef,
        parent: Option<ValueId>,
    ) -> Option<(EnvInfo, ValueId)> {
        let args = &def.args;
        let defaults: Vec<(&str, &ast::Expr)> = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
            .filter_map(|a| Some((a.def.arg.as_str(), a.default.as_deref()?)))
            .filter(|(_, d)| !super::is_constant_default(d))
            .collect();
        if defaults.is_empty() {
            return None;
        }
        let mut info = EnvInfo {
            strct: StructRef {
                module: self.module.name.clone(),
                name: format!("{}_defaults", func.name),
            },
            fields: vec![],
            types: vec![],
            reps: vec![],
        };
        if parent.is_some() {
            info.push(PARENT.into(), Type::Any, RType::OBJECT);
        }
        for (p, _) in &defaults {
            info.push(default_field(p), Type::Any, RType::OBJECT);
        }
        let values: Vec<ValueId> = defaults.iter().map(|(_, d)| self.expr(d)).collect();
        let obj = self.b.add(Op::NewStruct(info.strct.clone()), RType::OBJECT);
        let mut i = 0;
        if let Some(p) = parent {
            self.set_field(obj, &info, 0, p);
            i = 1;
        }
        for v in values {
            self.set_field(obj, &info, i, v);
            i += 1;
        }
        self.structs.push(info.def());
        Some((info, obj))
    }

    /// The value of a nested function's non-constant default for `param`,
    /// if its environment holds one.
    pub fn env_default(&mut self, param: &str) -> Option<ValueId> {
        let info = self.closure.ancestors.first()?.clone();
        let index = info.index(&default_field(param))?;
        let env = self.closure.incoming?;
        Some(self.get_field(env, &info, index))
    }

    /// Build a nested function and return a new function object for it.
    pub fn nested_function_object(
        &mut self,
        def: &ast::StmtFunctionDef,
        python_name: &str,
    ) -> Option<ValueId> {
        for v in scope::free_variables(&def.args, &def.body) {
            let in_env = self
                .closure
                .own
                .as_ref()
                .is_some_and(|(i, _)| i.index(&v).is_some());
            if !in_env && self.b.locals.contains_key(&v) && !self.is_local_name(&v) {
                let msg =
                    format!("a nested function using comprehension variable \"{v}\" (a closure)");
                self.unsupported(def, &msg);
                return None;
            }
        }
        let mut sig = self.def_sig(def);
        let (line, col) = self.parsed.lines.line_col(def.start());
        sig.name = format!("{}___{}_L{line}C{col}", self.b.f.decl.func.name, def.name);
        let opts = self.opts.clone();
        let func = FuncRef {
            module: self.module.name.clone(),
            class: None,
            name: sig.name.clone(),
        };
        let (mut ancestors, mut env) = self.child_closure();
        if let Some((info, obj)) = self.defaults_object(def, &func, env) {
            ancestors.insert(0, info);
            env = Some(obj);
        }
        match build_function_in(
            self.parsed,
            self.module,
            def,
            &sig,
            None,
            &opts,
            Some(ancestors),
        ) {
            Ok(built) => {
                self.nested.extend(built.funcs);
                self.structs.extend(built.structs);
            }
            Err(e) => {
                self.b.errors.extend(e);
                return None;
            }
        }
        self.set_line(def);
        let f = self.b.add(
            Op::FuncObject {
                func,
                name: python_name.to_string(),
                env,
            },
            RType::OBJECT,
        );
        self.mark_if_coroutine(def, f);
        Some(f)
    }

    /// Make the function object of an `async def` look like a coroutine
    /// function to `inspect.iscoroutinefunction` (as mypyc does).
    pub fn mark_if_coroutine(&mut self, def: &ast::StmtFunctionDef, f: ValueId) {
        if self.parsed.is_async_def(def) {
            self.b.prim_named(Internal::MarkCoroutine, &[f]);
        }
    }

    /// A `def` inside a function body.
    pub fn nested_def_stmt(&mut self, def: &ast::StmtFunctionDef) {
        let decorators = self.eval_function_decorators(def);
        let Some(mut f) = self.nested_function_object(def, def.name.as_str()) else {
            return;
        };
        for d in decorators.into_iter().rev() {
            f = self.call_values(d, vec![f]);
        }
        self.bind_name(def.name.as_str(), f);
    }

    /// A lambda expression: a nested function returning its body.
    pub fn lambda_expr(&mut self, l: &ast::ExprLambda) -> ValueId {
        let def = ast::StmtFunctionDef {
            range: l.range,
            name: ast::Identifier::new("lambda"),
            args: l.args.clone(),
            body: vec![ast::Stmt::Return(ast::StmtReturn {
                range: l.range,
                value: Some(l.body.clone()),
            })],
            decorator_list: vec![],
            returns: None,
            type_comment: None,
            type_params: vec![],
        };
        match self.nested_function_object(&def, "<lambda>") {
            Some(v) => v,
            None => self.b.null(),
        }
    }
}
