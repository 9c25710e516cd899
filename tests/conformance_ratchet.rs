//! The conformance ratchet: every case id listed in
//! `conformance-ratchet.txt` must pass when compiled with the real `mypyc`,
//! and every id in `conformance-ratchet-separate.txt` must pass when its
//! modules are compiled in separate groups (`run-tests --separate`).
//! The list only grows: a case is added once it passes (see README), and a
//! listed case that stops passing is a regression. An empty list passes
//! trivially.

#[path = "runner/mod.rs"]
mod runner;

use std::path::Path;

use runner::execute::CompileMode;

#[test]
fn conformance_ratchet_holds() {
    check_ratchet("conformance-ratchet.txt", CompileMode::Default);
}

#[test]
fn separate_mode_conformance_ratchet_holds() {
    check_ratchet("conformance-ratchet-separate.txt", CompileMode::Separate);
}

fn check_ratchet(file: &str, mode: CompileMode) {
    let ratchet = runner::repo_root().join(file);
    let listed = runner::session::read_id_list(&ratchet).unwrap_or_else(|e| panic!("{e}"));
    if listed.is_empty() {
        println!("conformance ratchet: no cases listed; trivially passes");
        return;
    }
    let mypyc = Path::new(env!("CARGO_BIN_EXE_mypyc"));
    let mut options = runner::cargo_test_options(mypyc, vec![runner::default_corpus_dir()])
        .unwrap_or_else(|e| panic!("{e}"));
    options.filter = None;
    options.ratchet = Some(ratchet);
    options.exec.mode = mode;
    let outcome = runner::session::run_session(&options, &mut |line| println!("{line}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        outcome.regressions.is_empty(),
        "{} ratchet regression(s):\n{}",
        outcome.regressions.len(),
        outcome.regressions.join("\n")
    );
}
