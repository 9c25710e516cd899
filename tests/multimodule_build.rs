//! Building programs of many modules with the real `mypyc`: a generated
//! package (bench/gen_package.py: cross-module classes, inheritance, direct
//! calls, an import cycle, an `__init__` importing compiled submodules)
//! compiled from its directory in the default, `--separate` and
//! `--multi-file` modes must print what the interpreted package prints;
//! dotted module names select single modules; unknown targets are
//! diagnostics, not crashes.

use std::path::Path;
use std::process::{Command, Output};

fn mypyc() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mypyc"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn generate(dir: &Path, modules: usize) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_package.py");
    let out = run(Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(modules.to_string()));
    assert!(out.status.success(), "{out:?}");
}

fn run_package(dir: &Path) -> String {
    let out = run(Command::new("python3")
        .current_dir(dir)
        .args(["-c", "import genpkg; genpkg.main()"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn remove_extensions(dir: &Path) {
    for sub in [dir.to_path_buf(), dir.join("genpkg")] {
        for entry in std::fs::read_dir(&sub).unwrap().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "so" || e == "pyd") {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
}

fn compile(dir: &Path, args: &[&str]) -> Output {
    run(Command::new(mypyc())
        .current_dir(dir)
        .args(["-O", "0", "--build-dir", "build"])
        .args(args))
}

fn compiled_module_file(dir: &Path, module: &str) -> String {
    let code = format!("import {module} as m; print(m.__file__)");
    let out = run(Command::new("python3").current_dir(dir).args(["-c", &code]));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn generated_package_runs_the_same_in_every_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate(dir, 8);
    let expected = run_package(dir);
    assert_eq!(expected.lines().count(), 8);
    for mode in [
        &[][..],
        &["--separate"][..],
        &["--multi-file", "-j", "2"][..],
    ] {
        remove_extensions(dir);
        let _ = std::fs::remove_dir_all(dir.join("build"));
        let mut args = mode.to_vec();
        args.push("genpkg");
        let out = compile(dir, &args);
        assert!(
            out.status.success(),
            "mypyc {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let init = compiled_module_file(dir, "genpkg");
        assert!(init.contains("__init__.cpython"), "{mode:?}: {init}");
        let sub = compiled_module_file(dir, "genpkg.mod_05");
        assert!(!sub.ends_with(".py"), "{mode:?}: {sub}");
        assert_eq!(run_package(dir), expected, "mode {mode:?}");
    }
}

#[test]
fn dotted_module_names_and_bad_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate(dir, 3);
    let expected = run_package(dir);
    // Leaf modules only: interpreted classes may not derive from the
    // native classes of compiled modules (as in mypyc).
    let out = compile(dir, &["genpkg.mod_01", "genpkg.mod_02"]);
    assert!(out.status.success(), "{out:?}");
    assert!(compiled_module_file(dir, "genpkg.mod_01").contains(".cpython"));
    assert!(compiled_module_file(dir, "genpkg").ends_with("__init__.py"));
    assert_eq!(run_package(dir), expected);
    for bad in ["genpkg.nothere", "missing.py", "no/such/dir"] {
        let out = compile(dir, &[bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{bad}:1:1: error:")), "{bad}: {err}");
    }
}
