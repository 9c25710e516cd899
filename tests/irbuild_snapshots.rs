//! IR snapshot tests: representative functions lowered from Python source
//! through irbuild and the transforms, printed in the `ops.txt` format.
//! A change in lowering shows up as a reviewed snapshot diff.

use std::path::PathBuf;

use mypyc::build::driver::{lower_module, transform_group, Options, SourceModule};
use mypyc::ir::{pprint, GroupIR};

fn lower(source: &str) -> String {
    let src = SourceModule {
        name: "native".into(),
        path: PathBuf::from("native.py"),
        display_path: "native.py".into(),
    };
    let opts = Options {
        files: vec![],
        build_dir: PathBuf::from("build"),
        opt_level: 0,
        debug_level: 0,
        strip_asserts: false,
        verbose: false,
        python: "python3".into(),
        ..Options::default()
    };
    let module = lower_module(&src, source, &opts).unwrap_or_else(|e| panic!("{e:?}"));
    let mut group = GroupIR {
        name: "native".into(),
        modules: vec![module],
    };
    transform_group(&mut group);
    group.modules[0]
        .functions
        .iter()
        .map(pprint::format_func)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn tagged_int_arithmetic_and_direct_calls() {
    insta::assert_snapshot!(lower(
        "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
    ));
}

/// Only the calls that stay on a cycle of direct calls get a stack check,
/// once per frame: not the call of `helper`.
#[test]
fn stack_checks_only_on_cycles_of_direct_calls() {
    insta::assert_snapshot!(lower(
        "def helper(n: int) -> int:\n    return n + 1\n\ndef even(n: int) -> bool:\n    if n == 0:\n        return True\n    return odd(helper(n) - 2)\n\ndef odd(n: int) -> bool:\n    if n == 0:\n        return False\n    return even(n - 1) and even(n - 1)\n"
    ));
}

#[test]
fn list_loop_with_unboxed_float() {
    insta::assert_snapshot!(lower(
        "from typing import List\n\ndef total(xs: List[int], scale: float = 1.5) -> float:\n    s = 0\n    for x in xs:\n        s += x\n    return s * scale\n"
    ));
}

#[test]
fn optional_narrowing_and_generic_fallback() {
    insta::assert_snapshot!(lower(
        "from typing import Optional\n\ndef f(x: Optional[str]) -> int:\n    if x is None:\n        return 0\n    return len(x)\n"
    ));
}

#[test]
fn optional_native_instance_narrowed_to_field_read() {
    // After `if n is None: return`, `n.value` of an `Optional[Node]` reads
    // the native field; `is None` compares with the borrowed `None`.
    insta::assert_snapshot!(lower(
        "from typing import Optional\n\nclass Node:\n    def __init__(self, value: int) -> None:\n        self.value = value\n\ndef get(n: Optional[Node]) -> int:\n    if n is None:\n        return -1\n    return n.value\n"
    ));
}

#[test]
fn try_except_restores_exception_state() {
    insta::assert_snapshot!(lower(
        "def g(d: dict, k: str) -> int:\n    try:\n        return d[k]\n    except KeyError as e:\n        return -1\n"
    ));
}

#[test]
fn final_static_read_is_typed() {
    // A non-literal Final global is read from its static, typed as the
    // native class, so the attribute access is a field read; a class-body
    // Final literal is folded.
    insta::assert_snapshot!(lower(
        "from typing import Final\n\nclass P:\n    LIMIT: Final = 4\n\n    def __init__(self, x: int) -> None:\n        self.x = x\n\nORIGIN: Final = P(3)\n\ndef ox() -> int:\n    return ORIGIN.x + P.LIMIT\n"
    ));
}

#[test]
fn same_input_same_ir() {
    let src = "def h(a: int, b: str) -> str:\n    return b * a + str(a)\n";
    assert_eq!(lower(src), lower(src));
}
