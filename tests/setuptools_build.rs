//! Building projects the way mypyc users build them: a `setup.py` that
//! calls `mypyc_rs.build.mypycify(glob("src/**/*.py", recursive=True))`
//! when an environment variable asks for it, built with
//! `setup.py build_ext --inplace` (default, `multi_file=True`,
//! `separate=True` and explicit groups) and installed with
//! `pip install --no-build-isolation .` into a venv; the project's own
//! checks then run against the compiled modules.
//!
//! The `mypyc_rs` package comes from the repository's `python/` directory
//! (on PYTHONPATH) and uses the binary cargo built for this test run
//! (through `MYPYC_RS_BINARY`), so nothing is installed from the network —
//! except `wheel` into the test's venv when the system Python's setuptools
//! needs it for `pip install` and does not have it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

const MYPYC: &str = env!("CARGO_BIN_EXE_mypyc");

fn python_package_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python")
}

const SETUP_PY: &str = r#"
import os
from glob import glob

from setuptools import setup

ext_modules = []
if os.environ.get("CALC_USE_MYPYC") == "1":
    from mypyc_rs.build import mypycify

    options = {}
    mode = os.environ.get("CALC_MODE", "default")
    if mode == "multi_file":
        options["multi_file"] = True
    elif mode == "separate":
        options["separate"] = True
    elif mode == "groups":
        options["separate"] = [(["src/calc/__init__.py", "src/calc/ops.py"], "calcgrp")]
    flags = os.environ.get("CALC_MYPY_FLAGS", "").split()
    ext_modules = mypycify(flags + glob("src/**/*.py", recursive=True), **options)

setup(
    name="calc",
    version="0.1",
    package_dir={"": "src"},
    packages=["calc", "calc.sub"],
    ext_modules=ext_modules,
)
"#;

const INIT_PY: &str = r#"
from calc.ops import fib, Point

def total(n: int) -> int:
    s = 0
    for i in range(n):
        s += fib(i)
    return s
"#;

const OPS_PY: &str = r#"
class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    def norm2(self) -> int:
        return self.x * self.x + self.y * self.y

def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
"#;

const MORE_PY: &str = r#"
from typing import List
from calc.ops import Point, fib

def describe(items: List[int]) -> str:
    return ",".join(str(i) for i in sorted(items))

def far(points: List[Point]) -> int:
    return max(p.norm2() for p in points) + fib(10)
"#;

/// The project's tests: its modules are compiled, and compute the right
/// results. `CALC_FIB` is what `fib(20)` must return (changed by the
/// rebuild test).
const CHECK_PY: &str = r#"
import importlib.machinery
import os
import sys

import calc
import calc.ops
import calc.sub
import calc.sub.more

suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
for m in (calc, calc.ops, calc.sub, calc.sub.more):
    assert m.__file__.endswith(suffixes), f"{m.__name__} is not compiled: {m.__file__}"
expect_dir = os.environ.get("CALC_EXPECT_DIR")
if expect_dir:
    assert calc.__file__.startswith(expect_dir), calc.__file__
assert calc.ops.fib(20) == int(os.environ.get("CALC_FIB", "6765")), calc.ops.fib(20)
assert calc.total(10) == 88, calc.total(10)
assert calc.Point(3, 4).norm2() == 25
assert calc.sub.more.describe([3, 1, 2]) == "1,2,3"
assert calc.sub.more.far([calc.Point(1, 1), calc.Point(2, 3)]) == 13 + 55
try:
    calc.ops.fib("x")
except TypeError:
    pass
else:
    raise AssertionError("fib('x') did not raise TypeError")
print("calc ok")
"#;

/// Writes the project into `dir`.
fn write_project(dir: &Path) {
    let files = [
        ("setup.py", SETUP_PY),
        ("check.py", CHECK_PY),
        ("src/calc/__init__.py", INIT_PY),
        ("src/calc/ops.py", OPS_PY),
        ("src/calc/sub/__init__.py", ""),
        ("src/calc/sub/more.py", MORE_PY),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// A command with the environment that makes `mypyc_rs` importable and
/// points it at this build's binary.
fn command(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("PYTHONPATH", python_package_dir())
        .env("MYPYC_RS_BINARY", MYPYC)
        .env("CALC_USE_MYPYC", "1")
        .env_remove("MYPYC_OPT_LEVEL")
        .env_remove("MYPYC_DEBUG_LEVEL");
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("cannot run command");
    assert!(out.status.success(), "{cmd:?} failed:\n{}", text(&out));
    out
}

fn build_inplace(dir: &Path, mode: &str) -> Output {
    run_ok(
        command("python3", dir)
            .args(["setup.py", "build_ext", "--inplace", "-j", "2"])
            .env("CALC_MODE", mode),
    )
}

/// Runs the project's checks against the modules under `src/`.
fn check_inplace(dir: &Path, fib20: u64) {
    let out = run_ok(
        Command::new("python3")
            .arg(dir.join("check.py"))
            .current_dir(dir.join("src"))
            .env("PYTHONPATH", dir.join("src"))
            .env("CALC_FIB", fib20.to_string()),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("calc ok"));
}

/// The compiled extensions under `dir`, relative, sorted.
fn extensions(dir: &Path) -> Vec<String> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "so" || x == "pyd") {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

fn ran_compiler(out: &Output) -> bool {
    let all = text(out);
    all.lines()
        .any(|l| l.contains(" -c ") && l.contains(".c -o "))
}

#[test]
fn build_ext_inplace_one_group_rebuilds_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    let first = build_inplace(dir, "default");
    assert!(ran_compiler(&first), "{}", text(&first));
    let exts = extensions(&dir.join("src"));
    // One shared library for the group, a shim per module.
    assert_eq!(exts.len(), 5, "{exts:?}");
    assert_eq!(exts.iter().filter(|e| e.contains("__mypyc")).count(), 1);
    assert!(exts.iter().any(|e| e.starts_with("calc/__init__.")));
    assert!(exts.iter().any(|e| e.starts_with("calc/sub/more.")));
    check_inplace(dir, 6765);

    // Nothing changed: no C is compiled, and neither the generated C nor
    // the extensions in the source tree are rewritten.
    let lib = exts.iter().find(|e| e.contains("__mypyc")).unwrap();
    let lib_path = dir.join("src").join(lib);
    let shim_path = dir
        .join("src")
        .join(exts.iter().find(|e| e.starts_with("calc/ops.")).unwrap());
    let manifest = dir.join("build/manifest.json");
    let before = (mtime(&lib_path), mtime(&shim_path), mtime(&manifest));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = build_inplace(dir, "default");
    assert!(
        !ran_compiler(&second),
        "rebuilt unchanged C:\n{}",
        text(&second)
    );
    assert_eq!(
        before,
        (mtime(&lib_path), mtime(&shim_path), mtime(&manifest))
    );

    // A changed module: the library is rebuilt and copied; shims are not.
    let ops = dir.join("src/calc/ops.py");
    let changed = fs::read_to_string(&ops)
        .unwrap()
        .replace("a, b = 0, 1", "a, b = 0, 2");
    fs::write(&ops, changed).unwrap();
    let third = build_inplace(dir, "default");
    assert!(ran_compiler(&third));
    assert_ne!(mtime(&lib_path), before.0);
    assert_eq!(mtime(&shim_path), before.1);
    // fib with b starting at 2 doubles every value.
    let out = run_ok(
        Command::new("python3")
            .args(["-c", "import calc.ops; print(calc.ops.fib(20))"])
            .current_dir(dir.join("src")),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "13530");
}

#[test]
fn build_ext_inplace_multi_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    build_inplace(dir, "multi_file");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("build/manifest.json")).unwrap())
            .unwrap();
    let lib = manifest["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "library")
        .expect("a group library");
    let sources: Vec<&str> = lib["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    // One C file per module plus the group init, and the runtime file by
    // file (mypyc's default in multi-file mode).
    assert!(
        sources.iter().any(|s| s.ends_with("module__calc___ops.c")),
        "{sources:?}"
    );
    assert!(sources
        .iter()
        .any(|s| s.ends_with("module__calc___sub___more.c")));
    assert!(sources.iter().any(|s| s.ends_with("runtime__int_ops.c")));
    check_inplace(dir, 6765);
}

#[test]
fn build_ext_inplace_separate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    build_inplace(dir, "separate");
    let exts = extensions(&dir.join("src"));
    // A library per module, and a shim per module.
    assert_eq!(
        exts.iter().filter(|e| e.contains("__mypyc")).count(),
        4,
        "{exts:?}"
    );
    assert!(exts.iter().any(|e| e.starts_with("calc___ops__mypyc.")));
    assert_eq!(exts.len(), 8);
    check_inplace(dir, 6765);
}

#[test]
fn build_ext_inplace_explicit_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    build_inplace(dir, "groups");
    let exts = extensions(&dir.join("src"));
    let libs: Vec<&String> = exts.iter().filter(|e| e.contains("__mypyc")).collect();
    // The named group, and one library for each module not listed.
    assert_eq!(libs.len(), 3, "{exts:?}");
    assert!(libs.iter().any(|e| e.starts_with("calcgrp__mypyc.")));
    check_inplace(dir, 6765);
}

/// Does `python` have what `pip install --no-build-isolation` of a
/// setuptools project needs (`wheel`, or a setuptools with bdist_wheel)?
fn can_build_wheels(python: &Path) -> bool {
    let probe = "import setuptools, sys\n\
try:\n    import wheel\nexcept ImportError:\n    v = tuple(int(x) for x in setuptools.__version__.split('.')[:2])\n    sys.exit(0 if v >= (70, 1) else 1)\n";
    Command::new(python)
        .args(["-c", probe])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn pip_install_no_build_isolation_installs_compiled_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    write_project(&dir);
    let venv = tmp.path().join("venv");
    run_ok(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    let bin = venv.join("bin");
    let python = bin.join("python");
    if !can_build_wheels(&python) {
        // The only package taken from the registry: setuptools before 70.1
        // builds wheels with the `wheel` package.
        run_ok(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "wheel",
        ]));
    }
    run_ok(
        command(&python, &dir)
            .args([
                "-m",
                "pip",
                "install",
                "--no-build-isolation",
                "--no-deps",
                "--disable-pip-version-check",
                ".",
            ])
            .env("CALC_MODE", "default"),
    );
    let site = run_ok(Command::new(&python).args([
        "-c",
        "import sysconfig; print(sysconfig.get_paths()['platlib'])",
    ]));
    let site = String::from_utf8_lossy(&site.stdout).trim().to_string();
    // Run the checks from elsewhere, so only the installed package is seen.
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let out = run_ok(
        Command::new(&python)
            .arg(dir.join("check.py"))
            .current_dir(&elsewhere)
            .env_remove("PYTHONPATH")
            .env("CALC_EXPECT_DIR", &site),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("calc ok"));
    let installed = extensions(Path::new(&site));
    assert!(
        installed.iter().any(|e| e.starts_with("calc/ops.")),
        "{installed:?}"
    );
}

#[test]
fn type_errors_stop_the_build_with_mypy_diagnostics() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    fs::write(
        dir.join("src/calc/sub/more.py"),
        "def bad() -> int:\n    return 'no'\n",
    )
    .unwrap();
    let out = command("python3", dir)
        .args(["setup.py", "build_ext", "--inplace"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = text(&out);
    assert!(
        all.contains("more.py:2:") && all.contains("error: Incompatible return value type"),
        "{all}"
    );
    assert!(extensions(&dir.join("src")).is_empty());
}

#[test]
fn mypycify_refuses_options_it_does_not_support() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    for (option, value) in [
        ("log_trace", "True"),
        ("strict_dunder_typing", "True"),
        ("experimental_features", "True"),
    ] {
        let script = format!(
            "from mypyc_rs.build import mypycify\n\
try:\n    mypycify(['src/calc/ops.py'], {option}={value})\n\
except ValueError as e:\n    print('refused:', e)\n"
        );
        let out = run_ok(command("python3", dir).args(["-c", &script]));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("refused:") && stdout.contains(option),
            "{option}: {}",
            text(&out)
        );
    }
    // mypy flags go to the compiler; one it does not know is named.
    let out = command("python3", dir)
        .args([
            "-c",
            "from mypyc_rs.build import mypycify\nmypycify(['--no-such-flag', 'src/calc/ops.py'])",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("--no-such-flag"), "{}", text(&out));
}

#[test]
fn generate_only_writes_c_and_manifest_but_compiles_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    let out = run_ok(Command::new(MYPYC).current_dir(dir).args([
        "--generate-only",
        "--manifest",
        "out/m.json",
        "--build-dir",
        "out",
        "--group-name",
        "calclib",
        "src/calc",
    ]));
    assert!(out.stderr.is_empty(), "{}", text(&out));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("out/m.json")).unwrap()).unwrap();
    assert_eq!(manifest["version"], 1);
    let names: Vec<&str> = manifest["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "calclib__mypyc",
            "calc.__init__",
            "calc.ops",
            "calc.sub.__init__",
            "calc.sub.more"
        ]
    );
    for ext in manifest["extensions"].as_array().unwrap() {
        assert_eq!(ext["group"], "calclib");
        for s in ext["sources"].as_array().unwrap() {
            assert!(dir.join(s.as_str().unwrap()).is_file(), "{s}");
        }
    }
    assert!(dir.join("out/lib-rt/CPy.h").is_file());
    assert!(extensions(dir).is_empty(), "{:?}", extensions(dir));
}

#[test]
fn mypy_flags_and_tool_mypy_configuration_are_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_project(dir);
    // A module with an error the configuration silences for it only, and an
    // import of a module nobody has.
    fs::write(
        dir.join("src/calc/sub/loose.py"),
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import not_installed_anywhere\n\n\
         def width() -> int:\n    return 7\n\ndef never_called() -> None:\n    w: int = 'wide'\n",
    )
    .unwrap();
    let pyproject = "[tool.mypy]\nstrict = true\n\n[[tool.mypy.overrides]]\n\
                     module = \"calc.sub.loose\"\ndisable_error_code = [\"assignment\"]\n";
    fs::write(dir.join("pyproject.toml"), pyproject).unwrap();
    fs::write(dir.join(".git"), "").unwrap();
    // mypy flags come first in `paths`, as projects pass them.
    let build = |flags: &str| {
        command("python3", dir)
            .args(["setup.py", "build_ext", "--inplace"])
            .env("CALC_MYPY_FLAGS", flags)
            .output()
            .unwrap()
    };
    let out = build("--ignore-missing-imports");
    assert!(out.status.success(), "{}", text(&out));
    check_inplace(dir, 6765);
    let out = run_ok(
        Command::new("python3")
            .args([
                "-c",
                "import calc.sub.loose as l; print(l.width(), l.__file__)",
            ])
            .current_dir(dir.join("src")),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("7 ") && !stdout.trim_end().ends_with(".py"),
        "{stdout}"
    );

    // Without the override, the error stops the build.
    fs::write(dir.join("pyproject.toml"), "[tool.mypy]\nstrict = true\n").unwrap();
    let out = build("--ignore-missing-imports");
    assert!(!out.status.success());
    assert!(text(&out).contains("loose.py:9:"), "{}", text(&out));
    // `--config-file FILE` (a flag whose value is the next item of `paths`)
    // replaces the configuration mypy would find.
    fs::write(
        dir.join("alt.ini"),
        "[mypy]\n[mypy-calc.sub.*]\ndisable_error_code = assignment\n",
    )
    .unwrap();
    let out = build("--config-file alt.ini --disable-error-code misc");
    assert!(out.status.success(), "{}", text(&out));

    // strict's annotation checks, and a per-module section turning them off.
    let loose = dir.join("src/calc/sub/loose.py");
    let mut source = fs::read_to_string(&loose).unwrap();
    source.push_str("\ndef untyped(x):\n    return x\n");
    fs::write(&loose, source).unwrap();
    let out = build("--config-file alt.ini --strict");
    assert!(!out.status.success());
    assert!(
        text(&out).contains(
            "loose.py:11:1: error: Function is missing a type annotation  [no-untyped-def]"
        ),
        "{}",
        text(&out)
    );
    fs::write(
        dir.join("alt.ini"),
        "[mypy]\nstrict = True\n[mypy-calc.sub.*]\ndisable_error_code = assignment\n\
         disallow_untyped_defs = False\n",
    )
    .unwrap();
    let out = build("--config-file alt.ini");
    assert!(out.status.success(), "{}", text(&out));

    // An option that would change how the program is typed is refused by name.
    fs::write(
        dir.join("pyproject.toml"),
        "[tool.mypy]\nallow_redefinition = true\n",
    )
    .unwrap();
    let out = build("");
    assert!(!out.status.success());
    assert!(text(&out).contains("allow_redefinition"), "{}", text(&out));
}
