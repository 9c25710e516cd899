//! The probes of `run-tests` over a fast subset of `test-data` (the whole
//! corpus takes minutes; see README "Testing"): the wrong-types walk
//! crashes nothing, and running test functions many times leaks nothing.

use std::path::Path;
use std::process::Command;

fn run_tests(probe: &str, files: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_run-tests"))
        .arg(probe)
        .arg("--mypyc")
        .arg(env!("CARGO_BIN_EXE_mypyc"))
        .args(files.iter().map(|f| root.join("test-data").join(f)))
        .output()
        .expect("run-tests runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "run-tests {probe} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn wrong_types_crash_nothing() {
    run_tests(
        "--wrong-types",
        &[
            "run-core.test",
            "run-classes.test",
            "run-native-ints.test",
            "run-generators.test",
        ],
    );
}

#[test]
fn test_functions_run_many_times_leak_nothing() {
    run_tests(
        "--refcheck",
        &[
            "run-core.test",
            "run-classes.test",
            "run-primitives.test",
            "run-refcount.test",
        ],
    );
}
