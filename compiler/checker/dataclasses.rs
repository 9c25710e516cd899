//! `@dataclass` classes as mypy sees them: the fields a class body
//! declares (in order, with defaults, `field(...)` options, `InitVar`,
//! `KW_ONLY`), the `__init__` the decorator generates (fields of base
//! dataclasses first, as at run time), the ordering methods of
//! `order=True`, and the fields `frozen=True` makes read-only.

use rustpython_parser::ast;

use crate::semanal::{ParamKind, ParamSig};
use crate::types::Type;

use super::program::{decorator_name, AnnCtx, ClassInfo, Member, MethodKind, Program, Sig};

/// The options of a `@dataclass(...)` decorator that change what the
/// checker sees.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default)]
pub struct DataclassOptions {
    pub init: bool,
    pub frozen: bool,
    pub order: bool,
    pub kw_only: bool,
}

/// One field, as the generated `__init__` takes it.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub has_default: bool,
    pub kw_only: bool,
    /// An `__init__` parameter (not `field(init=False)`).
    pub in_init: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default)]
pub struct DataclassInfo {
    pub options: DataclassOptions,
    /// The fields the class body itself declares.
    pub fields: Vec<Field>,
}

/// The options of `@dataclass`/`@dataclass(...)`; `None` for other
/// decorators and for options that are not constants.
pub fn dataclass_options(d: &ast::Expr) -> Option<DataclassOptions> {
    if decorator_name(d) != "dataclass" {
        return None;
    }
    let mut opts = DataclassOptions {
        init: true,
        ..Default::default()
    };
    let ast::Expr::Call(call) = d else {
        return Some(opts);
    };
    for k in &call.keywords {
        let value = match &k.value {
            ast::Expr::Constant(c) => match c.value {
                ast::Constant::Bool(b) => b,
                _ => return None,
            },
            _ => return None,
        };
        match k.arg.as_deref() {
            Some("init") => opts.init = value,
            Some("frozen") => opts.frozen = value,
            Some("order") => opts.order = value,
            Some("kw_only") => opts.kw_only = value,
            _ => {}
        }
    }
    Some(opts)
}

/// The fields a dataclass body declares, in order.
pub fn own_fields(ctx: &AnnCtx, c: &ast::StmtClassDef, opts: &DataclassOptions) -> Vec<Field> {
    let mut fields = vec![];
    let mut kw_only = opts.kw_only;
    for stmt in &c.body {
        let ast::Stmt::AnnAssign(a) = stmt else {
            continue;
        };
        let ast::Expr::Name(n) = &*a.target else {
            continue;
        };
        let (head, arg) = match &*a.annotation {
            ast::Expr::Subscript(s) => (ctx.head_name(&s.value), Some(&*s.slice)),
            other => (ctx.head_name(other), None),
        };
        let ty = match head.as_deref() {
            Some("ClassVar") => continue,
            Some("KW_ONLY") => {
                kw_only = true;
                continue;
            }
            Some("InitVar") => arg.map_or(Type::Any, |x| ctx.resolve(x)),
            _ => ctx.resolve(&a.annotation),
        };
        let mut field = Field {
            name: n.id.to_string(),
            ty,
            has_default: a.value.is_some(),
            kw_only,
            in_init: true,
        };
        if let Some(ast::Expr::Call(call)) = a.value.as_deref() {
            if decorator_name(&call.func) == "field" {
                apply_field_options(call, &mut field);
            }
        }
        fields.push(field);
    }
    fields
}

/// `field(default=..., default_factory=..., init=..., kw_only=...)`.
fn apply_field_options(call: &ast::ExprCall, field: &mut Field) {
    field.has_default = false;
    for k in &call.keywords {
        let flag = match &k.value {
            ast::Expr::Constant(c) => match c.value {
                ast::Constant::Bool(b) => Some(b),
                _ => None,
            },
            _ => None,
        };
        match (k.arg.as_deref(), flag) {
            (Some("default" | "default_factory"), _) => field.has_default = true,
            (Some("init"), Some(b)) => field.in_init = b,
            (Some("kw_only"), Some(b)) => field.kw_only = b,
            _ => {}
        }
    }
}

/// Give every dataclass without an `__init__` of its own the one the
/// decorator generates, and `order=True` classes their comparisons.
/// Runs once all classes are filled (fields come from base classes).
pub fn complete_dataclasses(p: &mut Program) {
    let mut generated: Vec<(String, String, Member)> = vec![];
    for (full, info) in &p.classes {
        let Some(dc) = &info.dataclass else { continue };
        if dc.options.init && !info.members.contains_key("__init__") {
            let init = Member::Method(init_sig(p, info), MethodKind::Instance);
            generated.push((full.clone(), "__init__".into(), init));
        }
        if dc.options.order {
            for name in ["__lt__", "__le__", "__gt__", "__ge__"] {
                if !info.members.contains_key(name) {
                    let m = Member::Method(comparison_sig(p, info, name), MethodKind::Instance);
                    generated.push((full.clone(), name.into(), m));
                }
            }
        }
    }
    for (full, name, m) in generated {
        if let Some(info) = p.classes.get_mut(&full) {
            info.members.insert(name, m);
        }
    }
}

/// All fields of a dataclass: those of its dataclass bases first (a field
/// declared again keeps its first position).
fn all_fields(p: &Program, info: &ClassInfo) -> Vec<Field> {
    let (mro, _) = p.mro(&info.full);
    let mut fields: Vec<Field> = vec![];
    for c in mro.iter().rev() {
        for f in c.dataclass.iter().flat_map(|d| &d.fields) {
            match fields.iter_mut().find(|x| x.name == f.name) {
                Some(prev) => *prev = f.clone(),
                None => fields.push(f.clone()),
            }
        }
    }
    fields
}

fn method_sig(info: &ClassInfo, name: &str, params: Vec<ParamSig>, ret: Type) -> Sig {
    let mut all = vec![ParamSig {
        name: "self".into(),
        ty: Type::Any,
        kind: ParamKind::Positional,
        has_default: false,
        pos_only: false,
    }];
    all.extend(params);
    Sig {
        name: name.into(),
        owner: Some(info.name.clone()),
        module: info.module.clone(),
        params: all,
        ret,
        has_ret: true,
        no_return: false,
        type_guard: None,
        is_generator: false,
        is_async: false,
    }
}

fn init_sig(p: &Program, info: &ClassInfo) -> Sig {
    let fields = all_fields(p, info);
    let (keyword, positional): (Vec<&Field>, Vec<&Field>) =
        fields.iter().filter(|f| f.in_init).partition(|f| f.kw_only);
    let param = |f: &Field, kind| ParamSig {
        name: f.name.clone(),
        ty: f.ty.clone(),
        kind,
        has_default: f.has_default,
        pos_only: false,
    };
    let params = positional
        .iter()
        .map(|f| param(f, ParamKind::Positional))
        .chain(keyword.iter().map(|f| param(f, ParamKind::KwOnly)))
        .collect();
    method_sig(info, "__init__", params, Type::None)
}

fn comparison_sig(p: &Program, info: &ClassInfo, name: &str) -> Sig {
    let other = ParamSig {
        name: "other".into(),
        ty: p.self_type(&info.full),
        kind: ParamKind::Positional,
        has_default: false,
        pos_only: false,
    };
    method_sig(info, name, vec![other], Type::Bool)
}

impl Program {
    /// The class owning field `attr` of a frozen dataclass in `full`'s MRO
    /// (short name), if assigning to it is an error.
    pub fn frozen_field_owner(&self, full: &str, attr: &str) -> Option<String> {
        let (mro, _) = self.mro(full);
        mro.iter().find_map(|c| {
            let dc = c.dataclass.as_ref()?;
            let declares = dc.fields.iter().any(|f| f.name == attr);
            (declares && dc.options.frozen).then(|| c.name.clone())
        })
    }
}
