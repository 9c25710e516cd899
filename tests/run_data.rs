//! The project's own `test-data/run-*.test` cases, compiled with the real
//! `mypyc` binary and run with `python3` through the shared runner.
//!
//! Environment knobs: `MYPYC_OPT_LEVEL` (default 0), `MYPYC_TEST_FILTER`
//! (substring of case ids), `MYPYC_KEEP_FAILED` (directory to keep failing
//! cases in).

#[path = "runner/mod.rs"]
mod runner;

use std::path::Path;

#[test]
fn run_test_data_cases() {
    let mypyc = Path::new(env!("CARGO_BIN_EXE_mypyc"));
    let paths = vec![runner::repo_root().join("test-data")];
    let options = runner::cargo_test_options(mypyc, paths).unwrap_or_else(|e| panic!("{e}"));
    let mut report = Vec::new();
    let outcome = runner::session::run_session(&options, &mut |line| {
        println!("{line}");
        report.push(line.to_string());
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        outcome.summary.passed + outcome.summary.failed > 0,
        "no runnable cases found in test-data/"
    );
    assert_eq!(
        outcome.summary.failed,
        0,
        "failing cases:\n{}",
        report
            .iter()
            .filter(|l| l.starts_with("FAIL"))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
