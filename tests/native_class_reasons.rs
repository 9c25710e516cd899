//! `mypyc -v` says why each class of the compiled modules that is not a
//! native class is not: one note per class, in source order, at the class
//! statement; native classes (here an abstract base with overrides, as in
//! the deltablue benchmark) get none. The compiled program still prints
//! what the interpreted one prints.

use std::path::Path;
use std::process::{Command, Output};

const PROGRAM: &str = r#"import sys
from abc import abstractmethod
from typing import NamedTuple
from mypy_extensions import mypyc_attr


class Meta(type):
    pass


class WithMeta(metaclass=Meta):
    pass


class Dynamic:
    def __getattr__(self, name: str) -> int:
        return len(name)


class Base:
    def m(self, x: int) -> int:
        return x


class Child(Base):
    def m(self, y: int) -> int:
        return y + 1


class GrandChild(Child):
    pass


@mypyc_attr(native_class=False)
class Marked:
    pass


class Point(NamedTuple):
    x: int


class Shape:
    @abstractmethod
    def area(self) -> int:
        raise NotImplementedError


class Square(Shape):
    def __init__(self, side: int) -> None:
        self.side = side

    def area(self) -> int:
        return self.side * self.side


if sys.version_info >= (3, 8):
    class Conditional:
        pass


class Derived:
    base = [1, 2]
    doubled = tuple(v * 2 for v in base)


print(Dynamic().abc, GrandChild().m(1), Point(3).x, Square(4).area(), Conditional.__name__)
print(Derived.doubled, Derived().base)
"#;

const EXPECTED_NOTES: &[&str] = &[
    r#"prog.py:7: note: class "Meta" is not a native class: its base "type" is not a class of the compiled modules"#,
    r#"prog.py:11: note: class "WithMeta" is not a native class: it has a metaclass"#,
    r#"prog.py:15: note: class "Dynamic" is not a native class: it defines __getattr__"#,
    r#"prog.py:20: note: class "Base" is not a native class: a non-native class "Child" derives from it"#,
    r#"prog.py:25: note: class "Child" is not a native class: method "m" overrides with a different signature (parameter "y" is "x" in the overridden method)"#,
    r#"prog.py:30: note: class "GrandChild" is not a native class: its base "Child" is not a native class"#,
    r#"prog.py:35: note: class "Marked" is not a native class: it is marked @mypyc_attr(native_class=False)"#,
    r#"prog.py:39: note: class "Point" is not a native class: its base "NamedTuple" is not a class of the compiled modules"#,
    r#"prog.py:58: note: class "Conditional" is not a native class: it is not defined at the top level of its module"#,
    r#"prog.py:62: note: class "Derived" is not a native class: its body reads the instance attribute default "base" (line 64)"#,
];

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn python_output(dir: &Path) -> String {
    let out = run(Command::new("python3")
        .current_dir(dir)
        .args(["-c", "import prog"]));
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn verbose_build_says_why_classes_are_not_native() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("prog.py"), PROGRAM).unwrap();
    let expected = python_output(dir);
    let out = run(Command::new(env!("CARGO_BIN_EXE_mypyc"))
        .current_dir(dir)
        .args(["-v", "-O", "0", "--build-dir", "build", "prog.py"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains(": note: ")).collect();
    assert_eq!(notes, EXPECTED_NOTES, "{stderr}");
    let compiled = run(Command::new("python3")
        .current_dir(dir)
        .args(["-c", "import prog; print(prog.__file__)"]));
    assert!(String::from_utf8_lossy(&compiled.stdout).contains(".cpython"));
    assert_eq!(python_output(dir), expected);
}

#[test]
fn quiet_build_prints_no_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("prog.py"), PROGRAM).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_mypyc"))
        .current_dir(dir)
        .args(["-O", "0", "--build-dir", "build", "prog.py"]));
    assert!(out.status.success(), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note:"));
}
