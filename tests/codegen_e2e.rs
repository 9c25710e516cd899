//! End-to-end tests of codegen + C build: groups built by hand in IR (as
//! they look after the transforms), compiled into real extension modules,
//! imported and called by `python3`.
//!
//! The runtime is the repository's lib-rt (embedded in the compiler), or
//! the directory `$MYPYC_TEST_LIB_RT` when set.

use std::path::{Path, PathBuf};
use std::process::Command;

use mypyc::build::cc::{build_group, BuildOptions, OutputLayout};
use mypyc::build::python::PythonConfig;
use mypyc::build::runtime_cache::ensure_runtime;
use mypyc::codegen::{generate_group, CodegenOptions, ExtensionKind};
use mypyc::ir::{
    ArgKind, BlockId, BranchKind, CallC, CmpKind, ErrorKind, FloatOpKind, FuncDecl, FuncIR,
    FuncRef, GroupIR, Literal, ModuleIR, Op, Param, RType, StaticRef, Steals, ValueId, ValueKind,
};

// ---------------------------------------------------------------- IR helpers

fn param(name: &str, rtype: RType) -> Param {
    Param {
        name: name.into(),
        rtype,
        kind: ArgKind::Positional,
        pos_only: false,
    }
}

fn new_func(module: &str, name: &str, params: Vec<Param>, ret: RType, line: u32) -> FuncIR {
    let decl = FuncDecl {
        func: FuncRef {
            module: module.into(),
            class: None,
            name: name.into(),
        },
        params,
        ret,
        has_wrapper: name != "__top_level__",
        line,
        nested: false,
    };
    FuncIR::new(decl, format!("{module}.py"))
}

fn call_c(
    f: &mut FuncIR,
    b: BlockId,
    function: &str,
    args: Vec<ValueId>,
    ret: RType,
    error_kind: ErrorKind,
) -> ValueId {
    let c = CallC {
        function: function.into(),
        args,
        ret: ret.clone(),
        error_kind,
        steals: Steals::None,
        is_borrowed: false,
        site_cache: None,
    };
    f.push(b, Op::CallC(c), ret, 1)
}

fn goto(f: &mut FuncIR, b: BlockId, target: BlockId) {
    f.push(b, Op::Goto(target), RType::Void, 1);
}

fn ret(f: &mut FuncIR, b: BlockId, v: ValueId) {
    f.push(b, Op::Return(v), RType::Void, 1);
}

/// `if <error or true> goto err (traceback) else goto ok`, where `err`
/// returns the function's error value. Returns the `ok` block.
fn check(
    f: &mut FuncIR,
    b: BlockId,
    v: ValueId,
    kind: BranchKind,
    negated: bool,
    line: u32,
) -> BlockId {
    let err = f.new_block();
    let ok = f.new_block();
    let name = f.decl.func.name.clone();
    let op = Op::Branch {
        value: v,
        true_label: err,
        false_label: ok,
        kind,
        negated,
        traceback: Some((name, line)),
        rare: true,
    };
    f.push(b, op, RType::Void, line);
    let rt = f.decl.ret.clone();
    let e = f.push(err, Op::LoadErrorValue { rtype: rt.clone() }, rt, line);
    ret(f, err, e);
    ok
}

fn return_none(f: &mut FuncIR, b: BlockId) {
    let one = f.push(
        b,
        Op::LoadInt {
            value: 1,
            rtype: RType::None,
        },
        RType::None,
        1,
    );
    ret(f, b, one);
}

/// `def add(x: int, y: int) -> int: return x + y`
fn add_func(m: &str) -> FuncIR {
    let mut f = new_func(
        m,
        "add",
        vec![param("x", RType::Int), param("y", RType::Int)],
        RType::Int,
        3,
    );
    let (x, y) = (f.args[0], f.args[1]);
    let b0 = BlockId(0);
    let r = call_c(
        &mut f,
        b0,
        "CPyTagged_Add",
        vec![x, y],
        RType::Int,
        ErrorKind::Magic,
    );
    let ok = check(&mut f, b0, r, BranchKind::IsError, false, 4);
    ret(&mut f, ok, r);
    f
}

/// `def positive(x: int) -> int: if x < 0: raise ValueError("negative"); return x`
fn positive_func(m: &str) -> FuncIR {
    let mut f = new_func(m, "positive", vec![param("x", RType::Int)], RType::Int, 6);
    let x = f.args[0];
    let b0 = BlockId(0);
    let zero = f.push(
        b0,
        Op::LoadInt {
            value: 0,
            rtype: RType::Int,
        },
        RType::Int,
        7,
    );
    let neg = f.push(
        b0,
        Op::ComparisonOp {
            op: CmpKind::Slt,
            lhs: x,
            rhs: zero,
        },
        RType::Bit,
        7,
    );
    let raise_b = f.new_block();
    let ok_b = f.new_block();
    let br = Op::Branch {
        value: neg,
        true_label: raise_b,
        false_label: ok_b,
        kind: BranchKind::Bool,
        negated: false,
        traceback: None,
        rare: false,
    };
    f.push(b0, br, RType::Void, 7);
    let raise = Op::RaiseStandardError {
        class: "ValueError".into(),
        message: Some("negative".into()),
    };
    let r = f.push(raise_b, raise, RType::Bit, 8);
    let after = check(&mut f, raise_b, r, BranchKind::Bool, true, 8);
    f.push(after, Op::Unreachable, RType::Void, 8);
    f.push(ok_b, Op::IncRef(x), RType::Void, 9);
    ret(&mut f, ok_b, x);
    f
}

/// `def greet(name: str) -> str: return "héllo ☃ " + name`
fn greet_func(m: &str) -> FuncIR {
    let mut f = new_func(m, "greet", vec![param("name", RType::STR)], RType::STR, 11);
    let name = f.args[0];
    let b0 = BlockId(0);
    let lit = Op::LoadLiteral {
        value: Literal::Str("héllo ☃ \"q\"\n".into()),
        rtype: RType::STR,
    };
    let s = f.push(b0, lit, RType::STR, 12);
    let r = call_c(
        &mut f,
        b0,
        "PyUnicode_Concat",
        vec![s, name],
        RType::STR,
        ErrorKind::Magic,
    );
    let ok = check(&mut f, b0, r, BranchKind::IsError, false, 12);
    ret(&mut f, ok, r);
    f
}

/// `def swap(t: tuple[int, str]) -> tuple[str, int]: return t[1], t[0]`
fn swap_func(m: &str) -> FuncIR {
    let tin = RType::Tuple(vec![RType::Int, RType::STR]);
    let tout = RType::Tuple(vec![RType::STR, RType::Int]);
    let mut f = new_func(m, "swap", vec![param("t", tin)], tout.clone(), 14);
    let t = f.args[0];
    let b0 = BlockId(0);
    let s = f.push(
        b0,
        Op::TupleGet {
            src: t,
            index: 1,
            rtype: RType::STR,
        },
        RType::STR,
        15,
    );
    let i = f.push(
        b0,
        Op::TupleGet {
            src: t,
            index: 0,
            rtype: RType::Int,
        },
        RType::Int,
        15,
    );
    let r = f.push(
        b0,
        Op::TupleSet {
            items: vec![s, i],
            rtype: tout.clone(),
        },
        tout,
        15,
    );
    f.push(
        b0,
        Op::DecRef {
            src: s,
            xdec: false,
        },
        RType::Void,
        15,
    );
    f.push(
        b0,
        Op::DecRef {
            src: i,
            xdec: false,
        },
        RType::Void,
        15,
    );
    ret(&mut f, b0, r);
    f
}

/// `def fma(x: float, y: float) -> float: return x * y + 0.5`
fn fma_func(m: &str) -> FuncIR {
    let mut f = new_func(
        m,
        "fma",
        vec![param("x", RType::Float), param("y", RType::Float)],
        RType::Float,
        17,
    );
    let (x, y) = (f.args[0], f.args[1]);
    let b0 = BlockId(0);
    let p = f.push(
        b0,
        Op::FloatOp {
            op: FloatOpKind::Mul,
            lhs: x,
            rhs: y,
        },
        RType::Float,
        18,
    );
    let h = f.push(b0, Op::LoadFloat(0.5), RType::Float, 18);
    let r = f.push(
        b0,
        Op::FloatOp {
            op: FloatOpKind::Add,
            lhs: p,
            rhs: h,
        },
        RType::Float,
        18,
    );
    ret(&mut f, b0, r);
    f
}

/// `def bump(x: int, y: int = 10) -> int: return x + y`
fn bump_func(m: &str) -> FuncIR {
    let mut y = param("y", RType::Int);
    y.kind = ArgKind::Optional;
    let mut f = new_func(m, "bump", vec![param("x", RType::Int), y], RType::Int, 20);
    let (x, y) = (f.args[0], f.args[1]);
    let (b0, fill, body) = (BlockId(0), f.new_block(), f.new_block());
    let br = Op::Branch {
        value: y,
        true_label: fill,
        false_label: body,
        kind: BranchKind::IsError,
        negated: false,
        traceback: None,
        rare: false,
    };
    f.push(b0, br, RType::Void, 20);
    let ten = f.push(
        fill,
        Op::LoadInt {
            value: 10,
            rtype: RType::Int,
        },
        RType::Int,
        20,
    );
    f.push(fill, Op::Assign { dest: y, src: ten }, RType::Void, 20);
    goto(&mut f, fill, body);
    let r = call_c(
        &mut f,
        body,
        "CPyTagged_Add",
        vec![x, y],
        RType::Int,
        ErrorKind::Magic,
    );
    let ok = check(&mut f, body, r, BranchKind::IsError, false, 21);
    ret(&mut f, ok, r);
    f
}

/// `def to_str(x: object) -> str: return cast(str, x)`
fn to_str_func(m: &str) -> FuncIR {
    let mut f = new_func(m, "to_str", vec![param("x", RType::OBJECT)], RType::STR, 23);
    let x = f.args[0];
    let b0 = BlockId(0);
    f.push(b0, Op::IncRef(x), RType::Void, 24);
    let r = f.push(
        b0,
        Op::Cast {
            src: x,
            rtype: RType::STR,
            borrow: false,
        },
        RType::STR,
        24,
    );
    let ok = check(&mut f, b0, r, BranchKind::IsError, false, 24);
    ret(&mut f, ok, r);
    f
}

/// Top level storing `answer = 42` and `consts = (1.5, "x", None, b"\0\xff", 12345678901234567890)`.
fn store_globals_top_level(m: &str) -> FuncIR {
    let mut f = new_func(m, "__top_level__", vec![], RType::None, 1);
    let mut b = BlockId(0);
    let d = f.push(
        b,
        Op::LoadStatic(StaticRef::Globals(m.into())),
        RType::DICT,
        1,
    );
    let k = f.push(
        b,
        Op::LoadLiteral {
            value: Literal::Str("answer".into()),
            rtype: RType::STR,
        },
        RType::STR,
        1,
    );
    let n = f.push(
        b,
        Op::LoadInt {
            value: 42,
            rtype: RType::Int,
        },
        RType::Int,
        1,
    );
    let boxed = f.push(
        b,
        Op::Box {
            src: n,
            rtype: RType::OBJECT,
            steal: false,
        },
        RType::OBJECT,
        1,
    );
    b = dict_set(&mut f, b, d, k, boxed, 1);
    f.push(
        b,
        Op::DecRef {
            src: boxed,
            xdec: false,
        },
        RType::Void,
        1,
    );
    let items = vec![
        Literal::Float(1.5),
        Literal::Str("x".into()),
        Literal::None,
        Literal::Bytes(vec![0, 0xff]),
        Literal::Int("12345678901234567890".into()),
    ];
    let tuple_type = RType::Object(mypyc::ir::ObjKind::Tuple);
    let k2 = f.push(
        b,
        Op::LoadLiteral {
            value: Literal::Str("consts".into()),
            rtype: RType::STR,
        },
        RType::STR,
        2,
    );
    let t = f.push(
        b,
        Op::LoadLiteral {
            value: Literal::Tuple(items),
            rtype: tuple_type.clone(),
        },
        tuple_type,
        2,
    );
    b = dict_set(&mut f, b, d, k2, t, 2);
    return_none(&mut f, b);
    f
}

/// `PyDict_SetItem(d, k, v)` with its `< 0` error check.
fn dict_set(f: &mut FuncIR, b: BlockId, d: ValueId, k: ValueId, v: ValueId, line: u32) -> BlockId {
    let r = call_c(
        f,
        b,
        "PyDict_SetItem",
        vec![d, k, v],
        RType::CInt,
        ErrorKind::NegInt,
    );
    let zero = f.push(
        b,
        Op::LoadInt {
            value: 0,
            rtype: RType::CInt,
        },
        RType::CInt,
        line,
    );
    let bad = f.push(
        b,
        Op::ComparisonOp {
            op: CmpKind::Slt,
            lhs: r,
            rhs: zero,
        },
        RType::Bit,
        line,
    );
    check(f, b, bad, BranchKind::Bool, false, line)
}

/// `def nat(x: i64, y: u8) -> i64: return x + i64(y)`
fn native_int_func(m: &str) -> FuncIR {
    let params = vec![param("x", RType::I64), param("y", RType::U8)];
    let mut f = new_func(m, "nat", params, RType::I64, 26);
    let (x, y) = (f.args[0], f.args[1]);
    let b0 = BlockId(0);
    let wide = f.push(
        b0,
        Op::IntConvert {
            src: y,
            rtype: RType::I64,
        },
        RType::I64,
        27,
    );
    let op = Op::IntOp {
        op: mypyc::ir::IntOpKind::Add,
        lhs: x,
        rhs: wide,
        rtype: RType::I64,
    };
    let r = f.push(b0, op, RType::I64, 27);
    ret(&mut f, b0, r);
    f
}

/// `def maybe(x: Optional[str]) -> Optional[str]: return x`
fn optional_func(m: &str) -> FuncIR {
    let t = RType::Union(vec![RType::STR, RType::None]);
    let mut f = new_func(m, "maybe", vec![param("x", t.clone())], t, 29);
    let x = f.args[0];
    f.push(BlockId(0), Op::IncRef(x), RType::Void, 30);
    ret(&mut f, BlockId(0), x);
    f
}

/// `def nested(t: tuple[tuple[int, float], bool, tuple[()]]) -> same: return t`
fn nested_tuple_func(m: &str) -> FuncIR {
    let inner = RType::Tuple(vec![RType::Int, RType::Float]);
    let t = RType::Tuple(vec![inner, RType::Bool, RType::Tuple(vec![])]);
    let mut f = new_func(m, "nested", vec![param("t", t.clone())], t, 32);
    let x = f.args[0];
    f.push(BlockId(0), Op::IncRef(x), RType::Void, 33);
    ret(&mut f, BlockId(0), x);
    f
}

fn module(name: &str, functions: Vec<FuncIR>, top_level: FuncIR) -> ModuleIR {
    ModuleIR {
        name: name.into(),
        source_file: format!("{name}.py"),
        functions,
        top_level,
        imports: vec![],
        structs: vec![],
        classes: vec![],
    }
}

fn native_group() -> GroupIR {
    let m = "native";
    let functions = vec![
        add_func(m),
        positive_func(m),
        greet_func(m),
        swap_func(m),
        fma_func(m),
        bump_func(m),
        to_str_func(m),
        native_int_func(m),
        optional_func(m),
        nested_tuple_func(m),
    ];
    GroupIR {
        name: m.into(),
        modules: vec![module(m, functions, store_globals_top_level(m))],
    }
}

// ---------------------------------------------------------------- build helpers

fn runtime_dir() -> Option<PathBuf> {
    std::env::var_os("MYPYC_TEST_LIB_RT").map(PathBuf::from)
}

fn options(cache: &Path) -> BuildOptions {
    BuildOptions {
        opt_level: 1,
        debug_level: 0,
        cache_dir: Some(cache.to_path_buf()),
        runtime_dir: runtime_dir(),
    }
}

/// A runtime cache shared by the tests of this binary (safe under concurrency).
fn shared_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-e2e-cache")
}

fn python() -> PythonConfig {
    PythonConfig::query("python3").expect("python3 is available")
}

/// Generates and builds `group` into `dir/out` (packages as directories);
/// returns that directory.
fn build(group: &GroupIR, dir: &Path, opts: &CodegenOptions) -> PathBuf {
    let out = dir.join("out");
    let ext_suffix = python().ext_suffix;
    build_with(group, dir, opts, |g| {
        OutputLayout::in_directory(g, &out, &ext_suffix)
    });
    out
}

fn build_with(
    group: &GroupIR,
    dir: &Path,
    opts: &CodegenOptions,
    layout: impl Fn(&mypyc::codegen::GeneratedGroup) -> OutputLayout,
) -> Vec<PathBuf> {
    let cfg = python();
    let generated = generate_group(group, opts);
    let built = build_group(
        &cfg,
        &generated,
        &dir.join("build"),
        &layout(&generated),
        &options(&shared_cache()),
    );
    let paths = built.unwrap_or_else(|e| panic!("build failed: {e}"));
    for p in &paths {
        assert!(p.is_file(), "{} missing", p.display());
    }
    paths
}

/// Runs a Python script with `dir` on `sys.path`; returns stdout, panicking
/// with stderr on failure.
fn run_python(dir: &Path, script: &str) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .env("PYTHONPATH", dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

// ---------------------------------------------------------------- tests

#[test]
fn single_module_functions_run_under_python() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build(&native_group(), tmp.path(), &CodegenOptions::default());
    let script = r#"
import native, sys
assert native.add(1, 2) == 3, native.add(1, 2)
assert native.add(-5, y=2) == -3
big = 2 ** 62
assert native.add(big, big) == 2 ** 63
assert native.add(10 ** 30, 1) == 10 ** 30 + 1
for bad in (("a", 1), (1.5, 2)):
    try:
        native.add(*bad)
    except TypeError as e:
        assert "int object expected" in str(e), e
    else:
        raise AssertionError("no TypeError")
try:
    native.add(1)
except TypeError as e:
    assert "missing" in str(e), e
else:
    raise AssertionError("no TypeError for missing arg")
assert native.positive(5) == 5
try:
    native.positive(-1)
except ValueError as e:
    assert str(e) == "negative"
else:
    raise AssertionError("no ValueError")
assert native.greet("bob") == 'héllo ☃ "q"\nbob'
try:
    native.greet(3)
except TypeError as e:
    assert "str object expected; got int" in str(e), e
else:
    raise AssertionError("no TypeError for greet")
assert native.swap((7, "s")) == ("s", 7)
assert native.swap((10 ** 20, "big")) == ("big", 10 ** 20)
for bad in ((1, 2), (1,), [1, "x"]):
    try:
        native.swap(bad)
    except TypeError:
        pass
    else:
        raise AssertionError("no TypeError for swap")
assert native.fma(2.0, 3.0) == 6.5
assert native.fma(2, 3) == 6.5
assert native.bump(1) == 11 and native.bump(1, 2) == 3
assert native.to_str("s") == "s"
try:
    native.to_str(1)
except TypeError as e:
    assert "str object expected" in str(e), e
else:
    raise AssertionError("no TypeError for to_str")
assert native.nat(2 ** 62, 255) == 2 ** 62 + 255
for bad in ((2 ** 63, 0), (0, 256), (0, -1)):
    try:
        native.nat(*bad)
    except TypeError as e:
        assert "object expected" in str(e), e
    else:
        raise AssertionError("no TypeError for %r" % (bad,))
try:
    native.nat("1", 0)
except TypeError as e:
    assert "i64 object expected" in str(e), e
else:
    raise AssertionError("no TypeError for nat")
assert native.maybe(None) is None and native.maybe("a") == "a"
try:
    native.maybe(1)
except TypeError as e:
    assert "str or None object expected" in str(e), e
else:
    raise AssertionError("no TypeError for maybe")
assert native.nested(((10 ** 25, 2.5), True, ())) == ((10 ** 25, 2.5), True, ())
assert native.nested(((1, 2), False, ())) == ((1, 2.0), False, ())
for bad in (((1, "x"), True, ()), ((1, 2.0), 1, ()), ((1, 2.0), True, (1,))):
    try:
        native.nested(bad)
    except TypeError:
        pass
    else:
        raise AssertionError("no TypeError for nested %r" % (bad,))
assert native.answer == 42
assert native.consts == (1.5, "x", None, b"\0\xff", 12345678901234567890), native.consts
assert sys.modules["native"] is native
print("ok")
"#;
    assert_eq!(run_python(&out, script).trim(), "ok");
    let tracebacks = r#"
import native, traceback
def frames(f, *args):
    try:
        f(*args)
    except Exception as e:
        return [(fr.name, fr.lineno, fr.filename) for fr in traceback.extract_tb(e.__traceback__)]
    raise AssertionError("no exception")
assert ("positive", 8, "native.py") in frames(native.positive, -1), frames(native.positive, -1)
assert ("add", 3, "native.py") in frames(native.add, "x", 1), frames(native.add, "x", 1)
print("ok")
"#;
    assert_eq!(run_python(&out, tracebacks).trim(), "ok");
}

/// `def double(x: int) -> int: return x + x` in `pkg.pa`.
fn double_func() -> FuncIR {
    let mut f = new_func(
        "pkg.pa",
        "double",
        vec![param("x", RType::Int)],
        RType::Int,
        3,
    );
    let x = f.args[0];
    let b0 = BlockId(0);
    let r = call_c(
        &mut f,
        b0,
        "CPyTagged_Add",
        vec![x, x],
        RType::Int,
        ErrorKind::Magic,
    );
    let ok = check(&mut f, b0, r, BranchKind::IsError, false, 4);
    ret(&mut f, ok, r);
    f
}

/// `def quad(x: int) -> int: return pa.double(pa.double(x))` in another module.
fn quad_func() -> FuncIR {
    let mut f = new_func("pb", "quad", vec![param("x", RType::Int)], RType::Int, 2);
    let x = f.args[0];
    let double = FuncRef {
        module: "pkg.pa".into(),
        class: None,
        name: "double".into(),
    };
    let b0 = BlockId(0);
    let r1 = f.push(
        b0,
        Op::Call {
            func: double.clone(),
            args: vec![x],
            ret: RType::Int,
        },
        RType::Int,
        3,
    );
    let ok = check(&mut f, b0, r1, BranchKind::IsError, false, 3);
    let r2 = f.push(
        ok,
        Op::Call {
            func: double,
            args: vec![r1],
            ret: RType::Int,
        },
        RType::Int,
        3,
    );
    f.push(
        ok,
        Op::DecRef {
            src: r1,
            xdec: false,
        },
        RType::Void,
        3,
    );
    let ok2 = check(&mut f, ok, r2, BranchKind::IsError, false, 3);
    ret(&mut f, ok2, r2);
    f
}

fn none_top_level(m: &str) -> FuncIR {
    let mut f = new_func(m, "__top_level__", vec![], RType::None, 1);
    return_none(&mut f, BlockId(0));
    f
}

fn empty_top_level(m: &str) -> ModuleIR {
    module(m, vec![], none_top_level(m))
}

#[test]
fn multi_module_group_uses_library_and_shims() {
    let tmp = tempfile::tempdir().unwrap();
    let group = GroupIR {
        name: "grp".into(),
        modules: vec![
            empty_top_level("pkg"),
            module("pkg.pa", vec![double_func()], none_top_level("pkg.pa")),
            module("pb", vec![quad_func()], none_top_level("pb")),
        ],
    };
    let generated = generate_group(&group, &CodegenOptions::default());
    let kinds: Vec<_> = generated
        .extensions
        .iter()
        .map(|e| (e.name.as_str(), e.kind.clone()))
        .collect();
    assert_eq!(kinds[0], ("grp__mypyc", ExtensionKind::GroupLibrary));
    assert_eq!(kinds.len(), 4);
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("pkg")).unwrap();
    let mut group = group;
    for (m, path) in group
        .modules
        .iter_mut()
        .zip(["pkg/__init__.py", "pkg/pa.py", "pb.py"])
    {
        m.source_file = src.join(path).to_string_lossy().into_owned();
    }
    let suffix = python().ext_suffix;
    let paths = build_with(&group, tmp.path(), &CodegenOptions::default(), |g| {
        OutputLayout::beside_sources(&group, g, &suffix).unwrap()
    });
    assert_eq!(paths[0], src.join(format!("grp__mypyc{suffix}")));
    assert_eq!(paths[1], src.join("pkg").join(format!("__init__{suffix}")));
    assert_eq!(paths[2], src.join("pkg").join(format!("pa{suffix}")));
    assert_eq!(paths[3], src.join(format!("pb{suffix}")));
    let script = r#"
import pb
import pkg.pa
assert pb.quad(5) == 20, pb.quad(5)
assert pkg.pa.double(4) == 8
assert pb.quad(2 ** 61) == 2 ** 63
try:
    pb.quad("x")
except TypeError:
    pass
else:
    raise AssertionError("no TypeError")
print("ok")
"#;
    assert_eq!(run_python(&src, script).trim(), "ok");
}

#[test]
fn failing_top_level_raises_and_leaves_no_module() {
    let tmp = tempfile::tempdir().unwrap();
    let mut top = new_func("boom", "__top_level__", vec![], RType::None, 1);
    let raise = Op::RaiseStandardError {
        class: "RuntimeError".into(),
        message: Some("boom".into()),
    };
    let r = top.push(BlockId(0), raise, RType::Bit, 2);
    let after = check(&mut top, BlockId(0), r, BranchKind::Bool, true, 2);
    top.push(after, Op::Unreachable, RType::Void, 2);
    let group = GroupIR {
        name: "boom".into(),
        modules: vec![module("boom", vec![], top)],
    };
    let out = build(&group, tmp.path(), &CodegenOptions::default());
    let script = r#"
import sys
for _ in range(2):
    try:
        import boom
    except RuntimeError as e:
        assert str(e) == "boom"
    else:
        raise AssertionError("import succeeded")
    assert "boom" not in sys.modules
print("ok")
"#;
    assert_eq!(run_python(&out, script).trim(), "ok");
}

#[test]
fn generated_c_is_deterministic() {
    let a = generate_group(&native_group(), &CodegenOptions::default());
    let b = generate_group(&native_group(), &CodegenOptions::default());
    assert_eq!(a, b);
    let forced = CodegenOptions {
        force_group_library: true,
        ..CodegenOptions::default()
    };
    assert_eq!(
        generate_group(&native_group(), &forced),
        generate_group(&native_group(), &forced)
    );
    let text: String = a.extensions[0]
        .files
        .iter()
        .map(|f| f.contents.as_str())
        .collect();
    assert!(
        text.contains("CPyDef_native___add(CPyTagged cpy_r_x, CPyTagged cpy_r_y)"),
        "{text}"
    );
    assert!(text.contains("PyInit_native(void)"));
    if let Some(path) = std::env::var_os("MYPYC_DUMP_C") {
        std::fs::write(path, &text).unwrap();
    }
}

#[test]
fn runtime_cache_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = python();
    let opts = options(&tmp.path().join("cache"));
    let first = ensure_runtime(&cfg, &opts).expect("first runtime build");
    assert!(first.freshly_built);
    assert!(!first.objects.is_empty());
    assert!(first.include_dir.join("CPy.h").is_file());
    let mtimes: Vec<_> = first
        .objects
        .iter()
        .map(|o| std::fs::metadata(o).unwrap().modified().unwrap())
        .collect();
    let second = ensure_runtime(&cfg, &opts).expect("second runtime build");
    assert!(!second.freshly_built);
    assert_eq!(first.objects, second.objects);
    let again: Vec<_> = second
        .objects
        .iter()
        .map(|o| std::fs::metadata(o).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, again);
    // A different flag set is a different entry.
    let o0 = BuildOptions {
        opt_level: 0,
        ..opts
    };
    assert!(ensure_runtime(&cfg, &o0).unwrap().freshly_built);
}

#[test]
fn registers_are_named_after_python_locals() {
    let mut f = add_func("native");
    let reg = f.new_value(RType::Int, ValueKind::Register, Some("total".into()));
    let clash = f.new_value(RType::Int, ValueKind::Register, Some("total".into()));
    let odd = f.new_value(RType::Int, ValueKind::Register, Some("tötal".into()));
    let names = mypyc::codegen::func::value_names(&f);
    assert_eq!(names[reg.index()], "cpy_r_total");
    assert_eq!(names[clash.index()], "cpy_r_total_1");
    assert_eq!(names[odd.index()], format!("cpy_r_r{}", odd.0));
}

#[test]
fn unchanged_group_is_not_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let group = GroupIR {
        name: "same".into(),
        modules: vec![module(
            "same",
            vec![add_func("same")],
            none_top_level("same"),
        )],
    };
    let out = build(&group, tmp.path(), &CodegenOptions::default());
    let so = out.join(format!("same{}", python().ext_suffix));
    let modified = || std::fs::metadata(&so).unwrap().modified().unwrap();
    let first = modified();
    std::thread::sleep(std::time::Duration::from_millis(20));
    build(&group, tmp.path(), &CodegenOptions::default());
    assert_eq!(first, modified(), "unchanged group was relinked");
    let mut changed = group.clone();
    changed.modules[0].functions[0].decl.line = 99;
    build(&changed, tmp.path(), &CodegenOptions::default());
    assert_ne!(first, modified(), "changed group was not rebuilt");
    assert_eq!(
        run_python(&out, "import same; print(same.add(2, 3))").trim(),
        "5"
    );
}
