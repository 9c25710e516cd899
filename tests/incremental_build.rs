//! Incremental builds behave exactly as clean builds.
//!
//! A generated package (a model of modules with imports, classes deriving
//! from other modules' classes, functions calling other modules' functions)
//! goes through a seeded sequence of random edits: function bodies,
//! signatures (a parameter with a default added or removed), attributes
//! added and removed, base classes changed, modules added and deleted.
//! After each edit the package is rebuilt incrementally in one directory
//! and built clean in another; the generated C and IR must be byte-identical
//! and the compiled package must print what the interpreted one prints. The
//! `-v` report of rechecked modules must name the edited module and, for a
//! body-only edit, nothing else. Runs in the default and `--separate` modes.

use std::path::Path;
use std::process::{Command, Output};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn mypyc() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mypyc"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// One module of the model, `pkg.m<id>`.
#[derive(Clone, Debug)]
struct Module {
    id: usize,
    /// Modules it imports (ids of earlier-created modules).
    deps: Vec<usize>,
    /// The module whose class its class derives from (one of `deps`).
    base: Option<usize>,
    constant: i64,
    extra_param: bool,
    extra_attr: bool,
}

#[derive(Clone, Debug, Default)]
struct Package {
    modules: Vec<Module>,
    next_id: usize,
}

/// What an edit changed: the module, and whether only a body changed.
struct Edit {
    module: usize,
    body_only: bool,
    what: String,
}

impl Package {
    fn add_module(&mut self, rng: &mut Rng) -> usize {
        let id = self.next_id;
        self.next_id += 1;
        let mut deps: Vec<usize> = vec![];
        for _ in 0..rng.below(3) {
            if self.modules.is_empty() {
                break;
            }
            let d = self.modules[rng.below(self.modules.len())].id;
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
        deps.sort();
        let base = if !deps.is_empty() && rng.below(2) == 0 {
            Some(deps[rng.below(deps.len())])
        } else {
            None
        };
        self.modules.push(Module {
            id,
            deps,
            base,
            constant: rng.below(100) as i64,
            extra_param: false,
            extra_attr: false,
        });
        id
    }

    fn used(&self, id: usize) -> bool {
        self.modules.iter().any(|m| m.deps.contains(&id))
    }

    fn edit(&mut self, rng: &mut Rng) -> Edit {
        loop {
            let i = rng.below(self.modules.len());
            let id = self.modules[i].id;
            let edit = |body_only: bool, what: &str| Edit {
                module: id,
                body_only,
                what: what.to_string(),
            };
            match rng.below(7) {
                0 | 1 => {
                    self.modules[i].constant += 1 + rng.below(9) as i64;
                    return edit(true, "function body");
                }
                2 => {
                    self.modules[i].extra_param ^= true;
                    return edit(false, "signature");
                }
                3 => {
                    self.modules[i].extra_attr ^= true;
                    return edit(false, "attribute");
                }
                4 => {
                    let m = &mut self.modules[i];
                    if m.deps.is_empty() {
                        continue;
                    }
                    m.base = match m.base {
                        Some(_) => None,
                        None => Some(m.deps[rng.below(m.deps.len())]),
                    };
                    return edit(false, "base class");
                }
                5 => {
                    let id = self.add_module(rng);
                    return Edit {
                        module: id,
                        body_only: false,
                        what: "module added".to_string(),
                    };
                }
                _ => {
                    if self.modules.len() < 3 || self.used(id) {
                        continue;
                    }
                    self.modules.remove(i);
                    return edit(false, "module deleted");
                }
            }
        }
    }

    fn write(&self, dir: &Path) {
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        for entry in std::fs::read_dir(&pkg).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let id = name.strip_prefix('m').and_then(|r| r.strip_suffix(".py"));
            let live = id
                .and_then(|i| i.parse::<usize>().ok())
                .is_some_and(|i| self.modules.iter().any(|m| m.id == i));
            if id.is_some() && !live {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
        for m in &self.modules {
            let path = pkg.join(format!("m{}.py", m.id));
            let text = module_source(m);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                std::fs::write(path, text).unwrap();
            }
        }
        let ids: Vec<String> = self.modules.iter().map(|m| format!("m{}", m.id)).collect();
        let main = format!(
            "from pkg import {0}\nfor m in [{0}]:\n    print(m.__name__, m.run())\n",
            ids.join(", ")
        );
        std::fs::write(dir.join("main.py"), main).unwrap();
    }
}

fn module_source(m: &Module) -> String {
    let k = m.id;
    let mut s = String::from("from typing import List\n");
    for d in &m.deps {
        s += &format!("from pkg import m{d}\n");
    }
    s += "\n\n";
    match m.base {
        Some(b) => {
            s += &format!("class C{k}(m{b}.C{b}):\n");
            s += "    def __init__(self, value: int) -> None:\n";
            s += "        super().__init__(value + 1)\n";
        }
        None => {
            s += &format!("class C{k}:\n");
            s += "    def __init__(self, value: int) -> None:\n";
            s += "        self.value = value\n";
        }
    }
    if m.extra_attr {
        s += &format!("        self.extra{k} = {k}\n");
    }
    s += &format!(
        "\n    def weight(self) -> int:\n        return self.value * {}\n\n\n",
        k % 5 + 1
    );
    let extra = if m.extra_param { ", y: int = 2" } else { "" };
    s += &format!("def f{k}(x: int{extra}) -> int:\n");
    s += &format!("    total = x + {}\n", m.constant);
    for d in &m.deps {
        s += &format!("    total += m{d}.f{d}(x) % 1000\n");
    }
    if m.extra_param {
        s += "    total += y\n";
    }
    s += "    return total\n\n\n";
    s += "def run() -> int:\n";
    s += &format!("    items: List[C{k}] = [C{k}(i) for i in range(4)]\n");
    let attr = if m.extra_attr {
        format!(" + items[0].extra{k}")
    } else {
        String::new()
    };
    s += &format!("    return sum(c.weight() for c in items) + f{k}(3){attr}\n");
    s
}

fn compile(dir: &Path, mode: &[&str], extra: &[&str]) -> Output {
    let out = run(Command::new(mypyc())
        .current_dir(dir)
        .args(["-O", "0", "-v", "--build-dir", "build"])
        .args(mode)
        .args(extra)
        .arg("pkg"));
    assert!(
        out.status.success(),
        "mypyc failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn rechecked(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("mypyc: rechecked "))
        .map(str::to_string)
        .collect()
}

fn run_main(dir: &Path) -> String {
    let out = run(Command::new("python3").current_dir(dir).arg("main.py"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The generated C, headers and ops.txt under `build`, by relative path.
fn generated(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    let root = dir.join("build");
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "cache") {
                    stack.push(p);
                }
            } else if p
                .extension()
                .is_some_and(|x| x == "c" || x == "h" || x == "txt")
            {
                let rel = p.strip_prefix(&root).unwrap().to_string_lossy().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn check_sequence(mode: &[&str], seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let mut pkg = Package::default();
    for _ in 0..5 {
        pkg.add_module(&mut rng);
    }
    let inc = tempfile::tempdir().unwrap();
    pkg.write(inc.path());
    compile(inc.path(), mode, &[]);
    let noop = compile(inc.path(), mode, &[]);
    assert!(
        rechecked(&noop).is_empty(),
        "a no-op rebuild rechecked modules"
    );
    for step in 0..steps {
        let edit = pkg.edit(&mut rng);
        pkg.write(inc.path());
        let out = compile(inc.path(), mode, &[]);
        let again = rechecked(&out);
        let edited = format!("pkg.m{}", edit.module);
        let context = format!("step {step} ({} of {edited}), {mode:?}", edit.what);
        if edit.what != "module deleted" {
            assert!(again.contains(&edited), "{context}: rechecked {again:?}");
        }
        if edit.body_only {
            assert_eq!(again, vec![edited.clone()], "{context}");
        }
        let clean = tempfile::tempdir().unwrap();
        pkg.write(clean.path());
        compile(clean.path(), mode, &["--no-incremental"]);
        let (a, b) = (generated(inc.path()), generated(clean.path()));
        let names = |g: &[(String, Vec<u8>)]| g.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        // Outputs of deleted modules may remain in the incremental build.
        for (name, text) in &b {
            let found = a.iter().find(|(n, _)| n == name);
            assert!(
                found.is_some_and(|(_, t)| t == text),
                "{context}: {name} differs from a clean build's (incremental has {:?})",
                names(&a)
            );
        }
        assert_eq!(run_main(inc.path()), run_main(clean.path()), "{context}");
    }
}

#[test]
fn random_edits_rebuild_as_clean_builds_do() {
    check_sequence(&[], 17, 8);
}

#[test]
fn random_edits_rebuild_as_clean_builds_do_with_separate_groups() {
    check_sequence(&["--separate"], 29, 8);
}

/// A module created where an import was looked for and not found makes the
/// next build see it (the no-op check remembers where it looked).
#[test]
fn a_module_created_where_an_import_was_missing_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    std::fs::write(
        pkg.join("user.py"),
        "try:\n    import pkg.helper  # type: ignore\n    WHO = str(pkg.helper.X)\nexcept ImportError:\n    WHO = \"none\"\n\ndef who() -> str:\n    return WHO\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.py"),
        "from pkg.user import who\nprint(who())\n",
    )
    .unwrap();
    compile(dir.path(), &[], &[]);
    assert_eq!(run_main(dir.path()), "none\n");
    let noop = compile(dir.path(), &[], &[]);
    assert!(String::from_utf8_lossy(&noop.stderr).contains("nothing to do"));
    std::fs::write(pkg.join("helper.py"), "X = 7\n").unwrap();
    let after = compile(dir.path(), &[], &[]);
    assert!(
        rechecked(&after).contains(&"pkg.user".to_string()),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(run_main(dir.path()), "7\n");
}
