//! The group's static literal table.
//!
//! Every `LoadLiteral` in the group reads `CPyStatics[i]`; the objects are
//! created once, when the first module of the group is initialised. Equal
//! literals share one slot. Items of tuple and frozenset literals get their
//! own slots first, so a container is built from objects already in the
//! table. Slot order is first-occurrence order, hence deterministic.
//! The singletons (`None`, `True`, `False`, `...`) take no slot: they are
//! read as the interpreter's own objects.

use std::collections::HashMap;

use crate::ir::Literal;

use super::ctypes::{c_double_literal, c_string_literal};
use super::emitter::Emitter;

/// The C name of the literal table.
pub const TABLE: &str = "CPyStatics";

#[derive(Debug, Default)]
pub struct LiteralTable {
    entries: Vec<Literal>,
    index: HashMap<String, usize>,
}

/// An unambiguous identity for a literal: floats by bit pattern (so `0.0`
/// and `-0.0` stay distinct), strings through `Debug` escaping.
fn key(lit: &Literal) -> String {
    match lit {
        Literal::Str(s) => format!("s{s:?}"),
        Literal::Bytes(b) => format!("b{b:?}"),
        Literal::Int(s) => format!("i{s}"),
        Literal::Float(x) => format!("f{}", x.to_bits()),
        Literal::Complex(r, i) => format!("c{},{}", r.to_bits(), i.to_bits()),
        Literal::Tuple(items) => {
            format!("t({})", items.iter().map(key).collect::<Vec<_>>().join(","))
        }
        Literal::FrozenSet(items) => {
            format!("F({})", items.iter().map(key).collect::<Vec<_>>().join(","))
        }
        Literal::Bool(b) => format!("B{b}"),
        Literal::None => "N".into(),
        Literal::Ellipsis => "E".into(),
    }
}

/// The interpreter's object for a singleton literal.
fn singleton(lit: &Literal) -> Option<&'static str> {
    match lit {
        Literal::None => Some("Py_None"),
        Literal::Bool(true) => Some("Py_True"),
        Literal::Bool(false) => Some("Py_False"),
        Literal::Ellipsis => Some("Py_Ellipsis"),
        _ => None,
    }
}

impl LiteralTable {
    pub fn new() -> LiteralTable {
        LiteralTable::default()
    }

    /// Adds a literal (and its items) if not present and not a singleton.
    pub fn intern(&mut self, lit: &Literal) {
        if singleton(lit).is_some() {
            return;
        }
        let k = key(lit);
        if self.index.contains_key(&k) {
            return;
        }
        if let Literal::Tuple(items) | Literal::FrozenSet(items) = lit {
            for item in items {
                self.intern(item);
            }
        }
        let i = self.entries.len();
        self.entries.push(lit.clone());
        self.index.insert(k, i);
    }

    /// The slot of an interned literal.
    pub fn slot(&self, lit: &Literal) -> Option<usize> {
        self.index.get(&key(lit)).copied()
    }

    /// The C expression reading a literal (borrowed reference).
    pub fn expr(&self, lit: &Literal) -> String {
        if let Some(obj) = singleton(lit) {
            return obj.into();
        }
        match self.slot(lit) {
            Some(i) => format!("{TABLE}[{i}]"),
            None => "NULL".into(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Emits the statements creating every literal into `CPyStatics`; each
    /// failure returns -1 from the enclosing function.
    pub fn emit_init(&self, e: &mut Emitter) {
        for (i, lit) in self.entries.iter().enumerate() {
            let slot = format!("{TABLE}[{i}]");
            self.emit_one(e, &slot, lit);
            e.line(format!("if (unlikely({slot} == NULL)) return -1;"));
            if let Literal::Str(_) = lit {
                e.line(format!("PyUnicode_InternInPlace(&{slot});"));
            }
        }
    }

    fn emit_one(&self, e: &mut Emitter, slot: &str, lit: &Literal) {
        match lit {
            Literal::Str(s) => e.line(format!(
                "{slot} = PyUnicode_FromStringAndSize({}, {});",
                c_string_literal(s.as_bytes()),
                s.len()
            )),
            Literal::Bytes(b) => e.line(format!(
                "{slot} = PyBytes_FromStringAndSize({}, {});",
                c_string_literal(b),
                b.len()
            )),
            Literal::Int(text) => e.line(format!(
                "{slot} = PyLong_FromString({}, NULL, 10);",
                c_string_literal(text.as_bytes())
            )),
            Literal::Float(x) => e.line(format!(
                "{slot} = PyFloat_FromDouble({});",
                c_double_literal(*x)
            )),
            Literal::Complex(r, i) => e.line(format!(
                "{slot} = PyComplex_FromDoubles({}, {});",
                c_double_literal(*r),
                c_double_literal(*i)
            )),
            Literal::Tuple(items) => {
                let args: Vec<String> = items.iter().map(|it| self.expr(it)).collect();
                if args.is_empty() {
                    e.line(format!("{slot} = PyTuple_New(0);"));
                } else {
                    e.line(format!(
                        "{slot} = PyTuple_Pack({}, {});",
                        args.len(),
                        args.join(", ")
                    ));
                }
            }
            Literal::FrozenSet(items) => {
                e.line(format!("{slot} = PyFrozenSet_New(NULL);"));
                e.line(format!("if (unlikely({slot} == NULL)) return -1;"));
                for item in items {
                    e.line(format!(
                        "if (unlikely(PySet_Add({slot}, {}) < 0)) return -1;",
                        self.expr(item)
                    ));
                }
            }
            // Never interned: read through `singleton`.
            Literal::Bool(_) | Literal::None | Literal::Ellipsis => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_literals_share_a_slot_and_items_come_first() {
        let mut t = LiteralTable::new();
        let tup = Literal::Tuple(vec![Literal::Str("a".into()), Literal::Float(-0.0)]);
        t.intern(&tup);
        t.intern(&Literal::Str("a".into()));
        t.intern(&Literal::Float(0.0));
        t.intern(&Literal::None);
        assert_eq!(t.slot(&tup), Some(2));
        assert_eq!(t.slot(&Literal::Str("a".into())), Some(0));
        assert_eq!(t.slot(&Literal::Float(0.0)), Some(3));
        assert_eq!(t.len(), 4);
        assert_eq!(t.expr(&Literal::None), "Py_None");
        let mut e = Emitter::new();
        t.emit_init(&mut e);
        let c = e.finish();
        assert!(
            c.contains("CPyStatics[2] = PyTuple_Pack(2, CPyStatics[0], CPyStatics[1]);"),
            "{c}"
        );
        assert!(
            c.contains("CPyStatics[1] = PyFloat_FromDouble((-0.0));"),
            "{c}"
        );
    }
}
