//! The data-driven test runner for `run-*.test` cases.
//!
//! One implementation shared by the `run-tests` binary (`main.rs` in this
//! folder) and the Rust integration tests (`tests/*.rs` include this module
//! with `#[path]`), so `cargo test` and CI judge cases exactly the way a
//! developer's command line does.
//!
//! - `testfile`: the `.test` format (cases, sections, expected output);
//! - `python`: facts about the interpreter that runs the cases;
//! - `execute`: one case: files, compiler, driver, verdict;
//! - `compare`: output normalization and difference reports;
//! - `session`: selection, parallel execution, report, ratchet.

// Each including crate uses a different subset of the runner.
#![allow(dead_code)]

pub mod compare;
pub mod execute;
pub mod python;
pub mod session;
pub mod testfile;

use std::path::{Path, PathBuf};

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The conformance corpus: `$MYPYC_CONFORMANCE_DIR` if set, else
/// `shared/conformance` in the nearest ancestor of the repository that has
/// one (normally `../shared/conformance`; from a git worktree nested one
/// level deeper, `../../shared/conformance`).
pub fn default_corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MYPYC_CONFORMANCE_DIR") {
        return PathBuf::from(dir);
    }
    let root = repo_root();
    root.ancestors()
        .skip(1)
        .map(|a| a.join("shared").join("conformance"))
        .find(|c| c.is_dir())
        .unwrap_or_else(|| root.join("..").join("shared").join("conformance"))
}

/// The default driver and `testutil.py` inside a corpus directory.
pub fn fixture_paths(corpus: &Path) -> (PathBuf, PathBuf) {
    (
        corpus.join("driver").join("driver.py"),
        corpus.join("fixtures").join("testutil.py"),
    )
}

/// Check that both fixtures exist; the error names what is missing.
pub fn check_fixtures(driver: &Path, testutil: &Path) -> Result<(), String> {
    for path in [driver, testutil] {
        if !path.is_file() {
            return Err(format!(
                "fixture {} not found (the conformance corpus is expected at ../shared/conformance; see --fixtures)",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Session options for `cargo test` integration tests: the given compiler,
/// `python3`, the corpus fixtures, all cores, `-O` from `MYPYC_OPT_LEVEL`
/// (default 0), and a real extension module required.
pub fn cargo_test_options(
    mypyc: &Path,
    paths: Vec<PathBuf>,
) -> Result<session::SessionOptions, String> {
    let python = python::PythonInfo::probe("python3")?;
    let (default_driver, testutil) = fixture_paths(&default_corpus_dir());
    check_fixtures(&default_driver, &testutil)?;
    let opt_level = match std::env::var("MYPYC_OPT_LEVEL") {
        Ok(v) => v
            .parse()
            .map_err(|_| format!("MYPYC_OPT_LEVEL={v:?} is not a number"))?,
        Err(_) => 0,
    };
    Ok(session::SessionOptions {
        paths,
        filter: std::env::var("MYPYC_TEST_FILTER").ok(),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        exec: execute::ExecConfig {
            mypyc: mypyc.to_path_buf(),
            python,
            pass_python: false,
            opt_level,
            run_timeout: std::time::Duration::from_secs(60),
            compile_timeout: std::time::Duration::from_secs(600),
            require_extension: true,
            default_driver,
            testutil,
            keep_failed: std::env::var_os("MYPYC_KEEP_FAILED").map(PathBuf::from),
            mode: execute::CompileMode::Default,
            probe: None,
        },
        ratchet: None,
        write_passing: None,
        verbose: false,
    })
}
