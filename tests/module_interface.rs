//! A module's interface (`build::interface::ModuleInterface`) is plain,
//! deterministic data: it serializes and reads back unchanged, a program's
//! tables rebuilt from the interfaces alone give the same interfaces, and
//! its hash moves exactly when something other modules can see changes
//! (a signature, an attribute, a class layout, a `Final` value, an alias)
//! and not when only a function body does.

use std::path::PathBuf;

use mypyc::build::driver::{check_texts, module_interfaces, Options, SourceModule};
use mypyc::build::interface::ModuleInterface;
use mypyc::checker::program::Program;

const SHAPES: &str = r#"
from dataclasses import dataclass
from typing import Final, Generic, Optional, TypeVar, Union

T = TypeVar("T")
Number = Union[int, float]
LIMIT: Final = 10
NAME: Final = "shapes"

class Shape:
    sides: int = 0

    def __init__(self, name: str) -> None:
        self.name = name
        self.parent: Optional[Shape] = None

    def area(self) -> float:
        return 0.0

class Square(Shape):
    SIDES: Final = 4

    def __init__(self, side: float) -> None:
        super().__init__("square")
        self.side = side

    def area(self) -> float:
        return self.side * self.side

@dataclass
class Point:
    x: int
    y: int = 0

class Box(Generic[T]):
    def __init__(self, item: T) -> None:
        self.item = item

def scale(s: Shape, by: Number) -> float:
    total = s.area() * by
    return total
"#;

const USER: &str = r#"
from shapes import Square, scale, LIMIT, Number
from shapes import Point as P

def main() -> None:
    print(scale(Square(2.0), LIMIT), P(1, 2))
"#;

fn source(name: &str) -> SourceModule {
    SourceModule {
        name: name.into(),
        path: PathBuf::from(format!("{name}.py")),
        display_path: format!("{name}.py"),
    }
}

fn interfaces(shapes: &str) -> Vec<ModuleInterface> {
    let inputs = vec![
        (source("shapes"), shapes.to_string()),
        (source("user"), USER.to_string()),
    ];
    let front = check_texts(&inputs).unwrap_or_else(|d| panic!("{d:?}"));
    module_interfaces(&front, &Options::default())
}

fn shapes_hash(shapes: &str) -> String {
    interfaces(shapes)[0].hash()
}

#[test]
fn interfaces_are_deterministic_and_read_back_unchanged() {
    let first = interfaces(SHAPES);
    let again = interfaces(SHAPES);
    assert_eq!(first.len(), 2);
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(a.to_json(), b.to_json(), "{}", a.name);
        let back = ModuleInterface::from_json(&a.to_json()).expect("reads back");
        assert_eq!(back.to_json(), a.to_json(), "{}", a.name);
    }
    let shapes = &first[0];
    let classes: Vec<&str> = shapes
        .checked
        .classes
        .iter()
        .map(|c| c.full.as_str())
        .collect();
    assert_eq!(
        classes,
        [
            "shapes.Shape",
            "shapes.Square",
            "shapes.Point",
            "shapes.Box"
        ]
    );
    let native: Vec<&str> = shapes
        .compiled
        .classes
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(native.contains(&"shapes.Square"), "{native:?}");
    let funcs: Vec<&str> = shapes
        .compiled
        .functions
        .iter()
        .map(|f| f.func.name.as_str())
        .collect();
    assert_eq!(funcs, ["scale"]);
    assert!(shapes
        .checked
        .final_literals
        .iter()
        .any(|(k, v)| k == "shapes.LIMIT" && v.0 == "10"));
    assert!(shapes
        .checked
        .type_aliases
        .iter()
        .any(|(k, _)| k == "shapes.Number"));
    // The importing module records where its names come from, by name.
    let user = &first[1];
    assert!(user
        .checked
        .import_origins
        .iter()
        .any(|(k, v)| k == "user.P" && v == "shapes.Point"));
}

#[test]
fn tables_rebuilt_from_interfaces_give_the_same_interfaces() {
    let inputs = vec![
        (source("shapes"), SHAPES.to_string()),
        (source("user"), USER.to_string()),
    ];
    let front = check_texts(&inputs).unwrap_or_else(|d| panic!("{d:?}"));
    let mut rebuilt = Program::default();
    for name in ["shapes", "user"] {
        let text = serde_json::to_string(&front.program.interface(name).unwrap()).unwrap();
        rebuilt
            .add_interface(serde_json::from_str(&text).unwrap())
            .expect("adds");
    }
    for name in ["shapes", "user"] {
        let a = serde_json::to_string(&front.program.interface(name).unwrap()).unwrap();
        let b = serde_json::to_string(&rebuilt.interface(name).unwrap()).unwrap();
        assert_eq!(a, b, "{name}");
    }
    // What the tables answer from the interfaces is what they answered.
    let lit = rebuilt
        .final_literal("user", "LIMIT")
        .map(|e| e.to_string());
    assert_eq!(lit.as_deref(), Some("10"));
    assert!(rebuilt.type_alias("user", "Number").is_some());
    assert_eq!(
        rebuilt
            .mro("shapes.Square")
            .0
            .iter()
            .map(|c| c.full.as_str())
            .collect::<Vec<_>>(),
        ["shapes.Square", "shapes.Shape"]
    );
}

#[test]
fn the_hash_changes_with_what_other_modules_see_and_only_that() {
    let base = shapes_hash(SHAPES);
    let body_only = SHAPES.replace("total = s.area() * by", "total = by * s.area() + 0");
    assert_eq!(shapes_hash(&body_only), base, "a function body changed");
    let comment = SHAPES.replace("class Shape:", "# a comment\n\nclass Shape:");
    assert_eq!(shapes_hash(&comment), base, "only lines moved");
    let visible = [
        (
            "def scale(s: Shape, by: Number)",
            "def scale(s: Shape, by: int)",
        ),
        (
            "def __init__(self, name: str)",
            "def __init__(self, name: object)",
        ),
        (
            "        self.side = side",
            "        self.side = side\n        self.extra = 1",
        ),
        ("LIMIT: Final = 10", "LIMIT: Final = 11"),
        ("Number = Union[int, float]", "Number = Union[int, str]"),
        ("    y: int = 0", "    y: int = 0\n    z: int = 0"),
        ("    sides: int = 0", "    sides: float = 0.0"),
    ];
    for (from, to) in visible {
        assert!(SHAPES.contains(from), "{from}");
        let changed = SHAPES.replace(from, to);
        assert_ne!(shapes_hash(&changed), base, "{from} -> {to}");
    }
}

#[test]
fn other_formats_and_corrupt_entries_do_not_read() {
    let i = &interfaces(SHAPES)[0];
    let text = i.to_json();
    assert!(ModuleInterface::from_json(&text[..text.len() / 2]).is_err());
    assert!(ModuleInterface::from_json("not json").is_err());
    let old = text.replacen("\"format\":1", "\"format\":0", 1);
    assert_ne!(old, text);
    assert!(ModuleInterface::from_json(&old).is_err());
}

#[test]
fn a_generated_package_round_trips_through_its_interfaces() {
    let dir = tempfile::tempdir().unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_package.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(dir.path())
        .arg("6")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut inputs = vec![];
    for entry in std::fs::read_dir(dir.path().join("genpkg")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let name = match stem.as_str() {
            "__init__" => "genpkg".to_string(),
            s => format!("genpkg.{s}"),
        };
        let text = std::fs::read_to_string(&path).unwrap();
        inputs.push((
            SourceModule {
                name,
                path: path.clone(),
                display_path: path.display().to_string(),
            },
            text,
        ));
    }
    inputs.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    let front = check_texts(&inputs).unwrap_or_else(|d| panic!("{d:?}"));
    let all = module_interfaces(&front, &Options::default());
    assert_eq!(all.len(), 7);
    assert!(all.iter().any(|i| !i.compiled.classes.is_empty()));
    let mut rebuilt = Program::default();
    for i in &all {
        let back = ModuleInterface::from_json(&i.to_json()).unwrap();
        rebuilt.add_interface(back.checked).unwrap();
    }
    for i in &all {
        let a = serde_json::to_string(&i.checked).unwrap();
        let b = serde_json::to_string(&rebuilt.interface(&i.name).unwrap()).unwrap();
        assert_eq!(a, b, "{}", i.name);
    }
}
