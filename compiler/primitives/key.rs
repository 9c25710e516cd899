//! The keys of the primitive registry's records.
//!
//! A [`Key`] names the operation a record implements; the records of one
//! key differ in their operand (and result) types. Keys print as the
//! registry's historical names (`+`, `builtins.len`, `str.join`,
//! `generic.getattr`, ...), which diagnostics use.

use std::fmt;

use crate::ir::ObjKind;

/// An enum whose variants print as fixed spellings.
macro_rules! spelled {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => $spelling:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = concat!("`", $spelling, "`")] $variant,)*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The registry's name of the operation.
            pub const fn spelling(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.spelling())
            }
        }
    };
}

spelled! {
    /// An operator: binary (`+`), in-place (`+=`), comparison (`<`), unary
    /// (`unary-`), containment (`in`, operands (container, item), as the C
    /// functions take them) and item access (`[]`, `[:]`, `[]=`, `del[]`).
    pub enum Operator {
        Add => "+",
        Sub => "-",
        Mul => "*",
        TrueDiv => "/",
        FloorDiv => "//",
        Mod => "%",
        BitAnd => "&",
        BitOr => "|",
        BitXor => "^",
        LShift => "<<",
        RShift => ">>",
        Pow => "**",
        MatMul => "@",
        Eq => "==",
        NotEq => "!=",
        Lt => "<",
        LtE => "<=",
        Gt => ">",
        GtE => ">=",
        Neg => "unary-",
        Pos => "unary+",
        Invert => "unary~",
        In => "in",
        GetItem => "[]",
        GetSlice => "[:]",
        SetItem => "[]=",
        DelItem => "del[]",
        InPlaceAdd => "+=",
        InPlaceSub => "-=",
        InPlaceMul => "*=",
        InPlaceTrueDiv => "/=",
        InPlaceFloorDiv => "//=",
        InPlaceMod => "%=",
        InPlaceBitAnd => "&=",
        InPlaceBitOr => "|=",
        InPlaceBitXor => "^=",
        InPlaceLShift => "<<=",
        InPlaceRShift => ">>=",
        InPlacePow => "**=",
        InPlaceMatMul => "@=",
    }
}

impl Operator {
    /// The plain operator of an in-place one (`+` for `+=`); other
    /// operators are themselves.
    pub fn plain(self) -> Operator {
        use Operator as O;
        match self {
            O::InPlaceAdd => O::Add,
            O::InPlaceSub => O::Sub,
            O::InPlaceMul => O::Mul,
            O::InPlaceTrueDiv => O::TrueDiv,
            O::InPlaceFloorDiv => O::FloorDiv,
            O::InPlaceMod => O::Mod,
            O::InPlaceBitAnd => O::BitAnd,
            O::InPlaceBitOr => O::BitOr,
            O::InPlaceBitXor => O::BitXor,
            O::InPlaceLShift => O::LShift,
            O::InPlaceRShift => O::RShift,
            O::InPlacePow => O::Pow,
            O::InPlaceMatMul => O::MatMul,
            other => other,
        }
    }
}

spelled! {
    /// A module whose functions have records.
    pub enum Module {
        Builtins => "builtins",
        Math => "math",
    }
}

impl Module {
    /// The module named `name`, if its functions have records.
    pub fn named(name: &str) -> Option<Module> {
        Module::ALL.iter().copied().find(|m| m.spelling() == name)
    }
}

spelled! {
    /// A conversion between `int`/`float` and a native int type; the
    /// records differ in the native type (see `lookup_ret`).
    pub enum NativeConversion {
        FromInt => "native.from_int",
        FromFloat => "native.from_float",
        ToInt => "native.to_int",
    }
}

spelled! {
    /// An operation the builder and the transforms emit themselves (never
    /// named by user code): generic object operations, exception handling,
    /// generators, `match`, and the walks of `for` loops.
    pub enum Internal {
        StrFromWtf8 => "str.from_wtf8",
        ListSize => "list.size",
        TupleSize => "tuple.size",
        ListItemUnsafe => "list.item_unsafe",
        TupleItemUnsafe => "tuple.item_unsafe",
        TupleItemIndex => "tuple.item_index",
        ClampToI64 => "int.clamp_to_i64",
        StrOrdAt => "str.ord_at",
        ListFromRange => "list.from_range",
        EnumIterable => "enum.iterable",
        NewDispatchCache => "dispatch.new_cache",
        SingleDispatchFind => "dispatch.find",
        GetAttr => "generic.getattr",
        SetAttr => "generic.setattr",
        DelAttr => "generic.delattr",
        RichCompare => "generic.richcompare",
        EqualItems => "generic.equal_items",
        IsTrue => "generic.is_true",
        Str => "generic.str",
        Repr => "generic.repr",
        Ascii => "generic.ascii",
        Format => "generic.format",
        FormatStrPlain => "generic.format_str_plain",
        GetIter => "generic.get_iter",
        MatchIsNoMatch => "match.is_no_match",
        MatchSequence => "match.sequence",
        MatchIsMapping => "match.is_mapping",
        MatchMappingGet => "match.mapping_get",
        MatchMappingRest => "match.mapping_rest",
        MatchClass => "match.class",
        GenEnv => "gen.env",
        MarkCoroutine => "func.mark_coroutine",
        IsSingledispatchRegister => "func.is_singledispatch_register",
        GenLabel => "gen.label",
        GenSetLabel => "gen.set_label",
        GenSetDelegate => "gen.set_delegate",
        GenRaiseObject => "gen.raise_object",
        GenGetAwaitable => "gen.get_awaitable",
        GenGetAiter => "gen.get_aiter",
        GenGetAnext => "gen.get_anext",
        IterNext => "generic.iter_next",
        DictWalkKeys => "dict.walk_keys",
        DictWalkValues => "dict.walk_values",
        DictWalkItems => "dict.walk_items",
        DictWalkNext => "dict.walk_next",
        DictWalkValue => "dict.walk_value",
        NoErrOccurred => "generic.no_err_occurred",
        PollSignals => "generic.poll_signals",
        CheckStack => "generic.check_stack",
        Slice => "generic.slice",
        ToTuple => "generic.to_tuple",
        ListExtend => "generic.list_extend",
        ListToTuple => "generic.list_to_tuple",
        ListToSet => "generic.list_to_set",
        FrozensetFrom => "generic.frozenset_from",
        DictMerge => "generic.dict_merge",
        Unpack => "generic.unpack",
        UnpackStar => "generic.unpack_star",
        Call => "generic.call",
        CallKw => "generic.call_kw",
        CallMethod => "generic.call_method",
        CallMethodKw => "generic.call_method_kw",
        BuildList => "generic.build_list",
        BuildTuple => "generic.build_tuple",
        BuildDict => "generic.build_dict",
        BuildSet => "generic.build_set",
        BuildStr => "generic.build_str",
        GlobalsGet => "generic.globals_get",
        FinalGet => "generic.final_get",
        GlobalsSet => "generic.globals_set",
        GlobalsDel => "generic.globals_del",
        Import => "generic.import",
        ImportModule => "generic.import_module",
        ImportFrom => "generic.import_from",
        ImportStar => "generic.import_star",
        Raise => "generic.raise",
        RaiseFrom => "generic.raise_from",
        Reraise => "generic.reraise",
        AssertFailed => "generic.assert_failed",
        CatchError => "generic.catch_error",
        RestoreExcInfo => "generic.restore_exc_info",
        ExceptionMatches => "generic.exception_matches",
        GetExcValue => "generic.get_exc_value",
        GetExcInfo => "generic.get_exc_info",
        KeepPropagating => "generic.keep_propagating",
        ClassCreate => "generic.class_create",
        SetupNative => "class.setup_native",
        ListIadd => "generic.list_iadd",
        StrIadd => "str.iadd",
        DictSetDefaultEmpty => "dict.setdefault_empty",
        MergeKwarg => "generic.merge_kwarg",
        MergeKwargs => "generic.merge_kwargs",
        CallStar => "generic.call_star",
        SetAdd => "generic.set_add",
        DictSet => "generic.dict_set",
        DictGet => "generic.dict_get",
        ListAppend => "generic.list_append",
        ListLen => "generic.list_len",
        TupleLen => "generic.tuple_len",
        IntToFloat => "generic.int_to_float",
    }
}

/// What a primitive record implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// An operator on its operands.
    Op(Operator),
    /// A function of a module: `Function(Module::Math, "sqrt")` is
    /// `math.sqrt`.
    Function(Module, &'static str),
    /// A method of a builtin type, the receiver being the first operand:
    /// `Method(ObjKind::Str, "join")` is `str.join`.
    Method(ObjKind, &'static str),
    /// A native int conversion.
    Native(NativeConversion),
    /// An internal operation.
    Internal(Internal),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Op(o) => write!(f, "{o}"),
            Key::Function(m, name) => write!(f, "{m}.{name}"),
            Key::Method(k, name) => write!(f, "{}.{name}", k.name()),
            Key::Native(n) => write!(f, "{n}"),
            Key::Internal(i) => write!(f, "{i}"),
        }
    }
}

impl From<Operator> for Key {
    fn from(o: Operator) -> Key {
        Key::Op(o)
    }
}

impl From<NativeConversion> for Key {
    fn from(n: NativeConversion) -> Key {
        Key::Native(n)
    }
}

impl From<Internal> for Key {
    fn from(i: Internal) -> Key {
        Key::Internal(i)
    }
}
