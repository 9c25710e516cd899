//! TypedDict: which classes of the program are TypedDicts (`class
//! M(TypedDict)` from `typing`, `typing_extensions` or `mypy_extensions`,
//! `total=...`, `Required`/`NotRequired`/`ReadOnly` items, inheritance
//! between TypedDicts) and what the checker does with their values: dict
//! displays and constructor calls checked against the items
//! (`[typeddict-item]`, `[typeddict-unknown-key]`), `m["key"]` reads and
//! writes, `m.get("key")`, compatibility between TypedDicts and with other
//! types, and how `reveal_type` shows them.
//!
//! A TypedDict value is a `Type::Instance` of its class, whose `ClassInfo`
//! stays opaque (so nothing else is reported about it); the items live in
//! `Program::typed_dicts`. Forms not modelled here (the functional
//! `TypedDict("M", {...})` syntax, generic TypedDicts, bodies with anything
//! but item declarations) are not TypedDicts to the checker: their values
//! are unchecked. Compiled code sees a plain `dict` (`erased`).

use indexmap::IndexMap;
use rustpython_parser::ast;

use crate::parse::ParsedModule;
use crate::types::{union, Type};

use super::check::Checker;
use super::compat::{compatible, has_any};
use super::messages as msg;
use super::program::{AnnCtx, Binding, Program};

/// One item of a TypedDict.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct Item {
    pub ty: Type,
    pub required: bool,
    pub read_only: bool,
}

/// A TypedDict class: its TypedDict bases and the items its body declares.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default)]
pub struct TypedDictInfo {
    pub bases: Vec<String>,
    pub own: IndexMap<String, Item>,
}

impl Program {
    /// The TypedDict class a type is an instance of.
    pub fn typed_dict_of<'t>(&self, t: &'t Type) -> Option<&'t str> {
        match t {
            Type::Instance(c, _) if self.typed_dicts.contains_key(c) => Some(c.as_str()),
            _ => None,
        }
    }

    /// All items of TypedDict class `full`, those of its bases first.
    pub fn typed_dict_items(&self, full: &str) -> IndexMap<String, Item> {
        let mut out = IndexMap::new();
        self.add_items(full, &mut out, 0);
        out
    }

    fn add_items(&self, full: &str, out: &mut IndexMap<String, Item>, depth: u32) {
        let Some(info) = self.typed_dicts.get(full).filter(|_| depth < 32) else {
            return;
        };
        for b in &info.bases {
            self.add_items(b, out, depth + 1);
        }
        for (k, item) in &info.own {
            out.insert(k.clone(), item.clone());
        }
    }
}

/// Record the TypedDict classes of every module. A class may derive from
/// TypedDicts of modules collected later: repeat until nothing changes.
pub fn collect_all(p: &mut Program, modules: &[(String, &ParsedModule)]) {
    for _ in 0..8 {
        let before = p.typed_dicts.len();
        for (name, m) in modules {
            for stmt in &m.body {
                if let ast::Stmt::ClassDef(c) = stmt {
                    let full = format!("{name}.{}", c.name);
                    if p.typed_dicts.contains_key(&full) {
                        continue;
                    }
                    let info = class_info(
                        &AnnCtx {
                            program: p,
                            module: name,
                        },
                        c,
                    );
                    if let Some(info) = info {
                        p.typed_dicts.insert(full, info);
                    }
                }
            }
        }
        if p.typed_dicts.len() == before {
            break;
        }
    }
}

/// The TypedDict a class statement defines, if it is one the checker models.
fn class_info(ctx: &AnnCtx, c: &ast::StmtClassDef) -> Option<TypedDictInfo> {
    if c.bases.is_empty() || !c.decorator_list.is_empty() || !c.type_params.is_empty() {
        return None;
    }
    let mut bases = vec![];
    for b in &c.bases {
        match ctx.class_of(b) {
            Some(full) if ctx.program.typed_dicts.contains_key(&full) => bases.push(full),
            Some(_) => return None,
            None if typing_name(ctx, b).as_deref() == Some("TypedDict") => {}
            None => return None,
        }
    }
    let total = match c.keywords.as_slice() {
        [] => true,
        [k] if k.arg.as_deref() == Some("total") => match &k.value {
            ast::Expr::Constant(v) => match v.value {
                ast::Constant::Bool(b) => b,
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    let mut own = IndexMap::new();
    for stmt in &c.body {
        match stmt {
            ast::Stmt::AnnAssign(a) if a.value.is_none() => {
                let ast::Expr::Name(n) = &*a.target else {
                    return None;
                };
                own.insert(n.id.to_string(), item(ctx, &a.annotation, total));
            }
            ast::Stmt::Pass(_) => {}
            ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(_)) => {}
            _ => return None,
        }
    }
    Some(TypedDictInfo { bases, own })
}

/// The typing-level name `e` refers to: a name not bound by the program,
/// or an attribute of a typing module (`typing.TypedDict`).
fn typing_name(ctx: &AnnCtx, e: &ast::Expr) -> Option<String> {
    if let ast::Expr::Attribute(a) = e {
        if let ast::Expr::Name(m) = &*a.value {
            let typing = ["typing", "typing_extensions", "mypy_extensions"];
            if let Binding::Module(md) = ctx.program.binding(ctx.module, m.id.as_str()) {
                return typing.contains(&md.as_str()).then(|| a.attr.to_string());
            }
        }
    }
    ctx.head_name(e)
}

/// An item declared with annotation `ann` in a class whose `total` is
/// `total`: the qualifiers around the type say whether it is required
/// or read-only.
fn item(ctx: &AnnCtx, ann: &ast::Expr, total: bool) -> Item {
    let mut required = total;
    let mut read_only = false;
    let mut e = ann;
    while let ast::Expr::Subscript(s) = e {
        match typing_name(ctx, &s.value).as_deref() {
            Some("Required") => required = true,
            Some("NotRequired") => required = false,
            Some("ReadOnly") => read_only = true,
            _ => break,
        }
        e = &s.slice;
    }
    Item {
        ty: ctx.resolve(ann),
        required,
        read_only,
    }
}

/// What compiled code sees for values of TypedDict types: plain dicts.
pub fn erased(t: &Type, p: &Program) -> Option<Type> {
    p.typed_dict_of(t).map(|_| Type::dict(Type::Str, Type::Any))
}

/// May a value of type `a` be used where `b` is expected, as far as
/// TypedDicts decide it (`None`: not a question about TypedDicts, or not
/// certain).
pub fn compatible_td(a: &Type, b: &Type, p: &Program) -> Option<bool> {
    match (p.typed_dict_of(a), p.typed_dict_of(b)) {
        (Some(x), Some(y)) => Some(structural(x, y, p)),
        // A TypedDict is a `Mapping[str, object]`, never a `dict` nor an
        // instance of another class of the program.
        (Some(_), None) => never_matches(b, p).then_some(false),
        // Dicts built without the TypedDict as context may fit it.
        (None, Some(_)) => (!matches!(a, Type::Dict(..)) && never_matches(a, p)).then_some(false),
        (None, None) => None,
    }
}

/// Can a value of type `t` certainly never be (or be used as) a TypedDict?
/// Values of types the model knows completely.
fn never_matches(t: &Type, p: &Program) -> bool {
    super::compat::definite(t, p)
}

/// Structural compatibility: every item of `y` is in `x`, required alike,
/// of the same type (or a subtype, for read-only items).
fn structural(x: &str, y: &str, p: &Program) -> bool {
    if x == y {
        return true;
    }
    // Recursive TypedDicts compare their items again: past a few levels
    // the answer is taken as yes (not certainly incompatible).
    let depth = DEPTH.with(|d| d.get());
    if depth > 8 {
        return true;
    }
    DEPTH.with(|d| d.set(depth + 1));
    let fits = items_fit(x, y, p);
    DEPTH.with(|d| d.set(depth));
    fits
}

std::thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn items_fit(x: &str, y: &str, p: &Program) -> bool {
    let xs = p.typed_dict_items(x);
    p.typed_dict_items(y).iter().all(|(k, want)| {
        let Some(have) = xs.get(k) else { return false };
        let fits = compatible(&have.ty, &want.ty, p);
        let same = want.read_only || compatible(&want.ty, &have.ty, p);
        let writable = want.read_only || !have.read_only;
        have.required == want.required && fits && same && writable
    })
}

/// `reveal_type`'s rendering of a TypedDict type: its full name and items
/// (`'k'?` not required, `'k'=` read-only).
pub fn revealed(c: &str, p: &Program, show: &dyn Fn(&Type) -> String) -> Option<String> {
    if !p.typed_dicts.contains_key(c) {
        return None;
    }
    let items: Vec<String> = p
        .typed_dict_items(c)
        .iter()
        .map(|(k, i)| {
            let opt = if i.required { "" } else { "?" };
            let ro = if i.read_only { "=" } else { "" };
            format!("'{k}'{opt}{ro}: {}", show(&i.ty))
        })
        .collect();
    Some(format!("TypedDict({c}, {{{}}})", items.join(", ")))
}

/// The string a key expression certainly has: a literal or a literal type.
fn key_of(e: &ast::Expr, t: &Type) -> Option<String> {
    if let ast::Expr::Constant(c) = e {
        if let ast::Constant::Str(s) = &c.value {
            return Some(s.clone());
        }
    }
    match t {
        Type::Literal(crate::types::Lit::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The TypedDict a display is expected to build: the expected type, or
/// the only TypedDict among its union items (then `false`: the display
/// becomes that TypedDict only if it fits it exactly, as with mypy).
pub fn context(expected: Option<&Type>, p: &Program) -> Option<(String, bool)> {
    let mut found = vec![];
    let exact = match expected? {
        Type::Union(xs) => {
            found.extend(xs.iter().filter_map(|x| p.typed_dict_of(x)));
            false
        }
        t => {
            found.extend(p.typed_dict_of(t));
            true
        }
    };
    match found.as_slice() {
        [one] => Some((one.to_string(), exact)),
        _ => None,
    }
}

impl Checker<'_> {
    /// A dict display where TypedDict `td` is expected: its keys must be
    /// the TypedDict's and its values fit their items. `None` (nothing
    /// evaluated) when the display has non-literal keys or `**` parts.
    pub fn typed_dict_display(
        &mut self,
        d: &ast::ExprDict,
        (td, exact): &(String, bool),
    ) -> Option<Type> {
        let mut keys = vec![];
        for k in &d.keys {
            match k {
                Some(ast::Expr::Constant(c)) => match &c.value {
                    ast::Constant::Str(s) => keys.push(s.clone()),
                    _ => return None,
                },
                _ => return None,
            }
        }
        let entries: Vec<(String, &ast::Expr)> = keys.into_iter().zip(&d.values).collect();
        if !exact && !self.fits_exactly(td, &entries) {
            return None;
        }
        self.check_items(d, td, &entries);
        Some(Type::Instance(td.to_string(), vec![]))
    }

    /// Do these entries make a TypedDict `td` without any error?
    fn fits_exactly(&mut self, td: &str, entries: &[(String, &ast::Expr)]) -> bool {
        let items = self.program.typed_dict_items(td);
        let given = |k: &String| entries.iter().any(|(e, _)| e == k);
        if items.iter().any(|(k, i)| i.required && !given(k)) {
            return false;
        }
        entries.iter().all(|(k, v)| {
            let Some(i) = items.get(k) else { return false };
            let q = std::mem::replace(&mut self.quiet, true);
            self.expected = Some(i.ty.clone());
            let got = self.expr(v);
            self.expected = None;
            self.quiet = q;
            has_any(&got) || compatible(&got, &i.ty, self.program)
        })
    }

    /// Check the key/value entries of a TypedDict `td` built at `node`:
    /// missing and extra keys are reported there, wrong values at them.
    fn check_items<T: ast::Ranged>(
        &mut self,
        node: &T,
        td: &str,
        entries: &[(String, &ast::Expr)],
    ) {
        let items = self.program.typed_dict_items(td);
        let mut wrong = vec![];
        for (k, v) in entries {
            let want = items.get(k).map(|i| i.ty.clone());
            let got = self.expr_expecting(v, want.as_ref());
            if let Some(want) = want {
                if !compatible(&got, &want, self.program) && !has_any(&got) {
                    wrong.push((*v, msg::typed_dict_item(k, &got, &want)));
                }
            }
        }
        self.report_keys(node, td, entries, &items);
        for (v, m) in wrong {
            self.report(v, m);
        }
    }

    fn report_keys<T: ast::Ranged>(
        &mut self,
        node: &T,
        td: &str,
        entries: &[(String, &ast::Expr)],
        items: &IndexMap<String, Item>,
    ) {
        let given = |k: &String| entries.iter().any(|(e, _)| e == k);
        let missing: Vec<&String> = items
            .iter()
            .filter(|(k, i)| i.required && !given(k))
            .map(|(k, _)| k)
            .collect();
        let mut extra: Vec<&String> = vec![];
        for (k, _) in entries {
            if !items.contains_key(k) && !extra.contains(&k) {
                extra.push(k);
            }
        }
        let name = short(td);
        if !missing.is_empty() {
            self.report(node, msg::typed_dict_missing(&missing, name));
        }
        if !extra.is_empty() {
            self.report(node, msg::typed_dict_extra(&extra, name));
        }
    }

    /// Contexts for the arguments of a call constructing TypedDict `td`:
    /// keyword values get their items' types, a lone positional argument
    /// the TypedDict itself.
    pub fn typed_dict_arg_contexts(
        &self,
        c: &ast::ExprCall,
        td: &str,
    ) -> (Vec<Option<Type>>, Vec<Option<Type>>) {
        let items = self.program.typed_dict_items(td);
        let args = c
            .args
            .iter()
            .map(|_| Some(Type::Instance(td.to_string(), vec![])))
            .collect();
        let kws = c
            .keywords
            .iter()
            .map(|k| items.get(k.arg.as_deref()?).map(|i| i.ty.clone()))
            .collect();
        (args, kws)
    }

    /// `M(k=v, ...)` for TypedDict `M` (arguments already evaluated in
    /// their contexts; a positional dict display was checked as such).
    pub fn typed_dict_constructor(&mut self, c: &ast::ExprCall, td: &str, kws: &[Type]) -> Type {
        let made = Type::Instance(td.to_string(), vec![]);
        if !c.args.is_empty() || c.keywords.iter().any(|k| k.arg.is_none()) {
            return made;
        }
        let items = self.program.typed_dict_items(td);
        let entries: Vec<(String, &ast::Expr)> = c
            .keywords
            .iter()
            .filter_map(|k| Some((k.arg.as_deref()?.to_string(), &k.value)))
            .collect();
        self.report_keys(c, td, &entries, &items);
        for ((k, v), got) in entries.iter().zip(kws) {
            if let Some(i) = items.get(k) {
                if !compatible(got, &i.ty, self.program) && !has_any(got) {
                    self.report(*v, msg::typed_dict_item(k, got, &i.ty));
                }
            }
        }
        made
    }

    /// `m[key]` for a TypedDict value `m` of type `bt` (`kt` the key's
    /// type): the item's type. `None` when `bt` is not a TypedDict.
    pub fn typed_dict_index(&mut self, bt: &Type, key: &ast::Expr, kt: &Type) -> Option<Type> {
        let td = self.program.typed_dict_of(bt)?;
        let items = self.program.typed_dict_items(td);
        let Some(k) = key_of(key, kt) else {
            if *kt == Type::Str {
                self.report(key, msg::typed_dict_key_literal(&items));
            }
            return Some(Type::Any);
        };
        match items.get(&k) {
            Some(i) => Some(i.ty.clone()),
            None => {
                self.report(key, msg::typed_dict_no_key(short(td), &k, "typeddict-item"));
                Some(Type::Any)
            }
        }
    }

    /// `m[key] = value` for a TypedDict value `m` (of type `container`):
    /// false when `container` is not a TypedDict.
    pub fn typed_dict_set_item(
        &mut self,
        container: &Type,
        target: &ast::ExprSubscript,
        kt: &Type,
        value: Option<&ast::Expr>,
        vt: &Type,
    ) -> bool {
        let Some(td) = self.program.typed_dict_of(container) else {
            return false;
        };
        let items = self.program.typed_dict_items(td);
        let Some(k) = key_of(&target.slice, kt) else {
            if *kt == Type::Str {
                self.report(&*target.slice, msg::typed_dict_key_literal(&items));
            }
            return true;
        };
        let Some(i) = items.get(&k) else {
            let m = msg::typed_dict_no_key(short(td), &k, "typeddict-unknown-key");
            self.report(&*target.slice, m);
            return true;
        };
        if i.read_only {
            self.report(target, msg::typed_dict_read_only(&k));
        } else if !compatible(vt, &i.ty, self.program) && !has_any(vt) {
            if let Some(v) = value {
                self.report(v, msg::typed_dict_value(&k, vt, &i.ty));
            }
        }
        true
    }

    /// `m.get(key)` / `m.get(key, default)` on a TypedDict named by a
    /// variable: the item's type (optional when the item may be missing).
    /// `None` when the call is not one of these.
    pub fn typed_dict_get(&mut self, c: &ast::ExprCall) -> Option<Type> {
        let ast::Expr::Attribute(a) = &*c.func else {
            return None;
        };
        if a.attr.as_str() != "get" || !matches!(&*a.value, ast::Expr::Name(_)) {
            return None;
        }
        let recv = self.quiet_expr(&a.value);
        let td = self.program.typed_dict_of(&recv)?.to_string();
        if !c.keywords.is_empty() || c.args.is_empty() || c.args.len() > 2 {
            return None;
        }
        self.expr(&a.value);
        let kt = self.expr(&c.args[0]);
        let items = self.program.typed_dict_items(&td);
        let item = key_of(&c.args[0], &kt).map(|k| items.get(&k).cloned());
        let default = c.args.get(1).map(|d| {
            let want = item.clone().flatten().map(|i| i.ty);
            self.expr_expecting(d, want.as_ref())
        });
        Some(get_result(item, default))
    }
}

/// The type of `m.get(key[, default])`: `item` is `None` for a key that
/// is not a literal, `Some(None)` for a key the TypedDict lacks.
fn get_result(item: Option<Option<Item>>, default: Option<Type>) -> Type {
    match (item, default) {
        (None, _) => Type::Any,
        (Some(None), None) => Type::Object,
        (Some(None), Some(_)) => Type::Any,
        (Some(Some(i)), _) if i.required => i.ty,
        (Some(Some(i)), None) => union(vec![i.ty, Type::None]),
        (Some(Some(i)), Some(Type::None)) => union(vec![i.ty, Type::None]),
        (Some(Some(i)), Some(d)) if d == i.ty => i.ty,
        _ => Type::Any,
    }
}

/// The short name of a class.
fn short(full: &str) -> &str {
    full.rsplit('.').next().unwrap_or(full)
}
