//! The conformance ratchet: every case id listed in
//! `conformance-ratchet.txt` must pass when compiled with the real `mypyc`.
//! The list only grows: a case is added once it passes (see README), and a
//! listed case that stops passing is a regression. An empty list passes
//! trivially.

#[path = "runner/mod.rs"]
mod runner;

use std::path::Path;

#[test]
fn conformance_ratchet_holds() {
    let ratchet = runner::repo_root().join("conformance-ratchet.txt");
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
    let outcome = runner::session::run_session(&options, &mut |line| println!("{line}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        outcome.regressions.is_empty(),
        "{} ratchet regression(s):\n{}",
        outcome.regressions.len(),
        outcome.regressions.join("\n")
    );
}
