//! The type checker's data-driven tests.
//!
//! - `test-data/check-*.test`: each case's expected diagnostics, written as
//!   mypy writes them: inline `# E: message  [code]` / `# N: message`
//!   comments on the line they belong to (a note keeps its indentation
//!   after `# N: `), or an `[out]` section of
//!   `main:LINE: error: message  [code]` lines. The main module is `main`;
//!   the case's other `[file]` modules are checked when imported (followed
//!   like helper modules beside compiled ones).
//! - No false errors: every case of the conformance corpus and of
//!   `test-data/run-*.test` (programs mypy accepts) must check cleanly.

#[path = "runner/mod.rs"]
mod runner;

use std::path::{Path, PathBuf};

use mypyc::checker::{check_program, load_program, CheckSource};
use mypyc::diagnostics::Severity;
use runner::testfile::{parse_file, TestCase};

/// The module name of a `[file PATH]` section.
fn module_name(path: &str) -> String {
    let stem = path.strip_suffix(".py").unwrap_or(path);
    let dotted = stem.replace('/', ".");
    dotted
        .strip_suffix(".__init__")
        .map(str::to_string)
        .unwrap_or(dotted)
}

/// The modules of a case: the main module (named `main_name`) and every
/// `.py` file except the driver.
fn case_sources(case: &TestCase, main_name: &str) -> Vec<CheckSource> {
    let mut out = vec![CheckSource {
        name: main_name.to_string(),
        path: main_name.to_string(),
        text: case.main_source.clone(),
        is_package: false,
    }];
    for f in &case.files {
        if !f.path.ends_with(".py") || f.path == "driver.py" {
            continue;
        }
        out.push(CheckSource {
            name: module_name(&f.path),
            path: f.path.clone(),
            text: f.contents.clone(),
            is_package: f.path.ends_with("__init__.py"),
        });
    }
    out
}

fn test_files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".test"))
    });
    files.sort();
    files
}

/// Expected lines from inline `# E:`/`# N:` comments of one module.
fn inline_expectations(path: &str, text: &str, out: &mut Vec<String>) {
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(pos) = rest.find("# E: ").or_else(|| rest.find("# N: ")) {
            let kind = if rest[pos..].starts_with("# E") {
                "error"
            } else {
                "note"
            };
            let after = &rest[pos + 5..];
            let end = [after.find(" # E: "), after.find(" # N: ")]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(after.len());
            out.push(format!(
                "{path}:{}: {kind}: {}",
                i + 1,
                after[..end].trim_end()
            ));
            rest = &after[end..];
        }
    }
}

/// The diagnostics of `sources` checked for the Python the run tests build
/// for, so that version checks are decided as mypy decides them there.
fn render_for_test_python(sources: &[CheckSource]) -> Vec<String> {
    let version = mypyc::build::python::PythonConfig::query("python3")
        .ok()
        .map(|c| c.version);
    let mut loaded = load_program(sources, &|_| None);
    loaded.set_target_version(version);
    render_diagnostics(
        loaded
            .check_bodies(&|_| true, &|_| Default::default())
            .diags,
    )
}

/// Check the main module alone, following its imports into the case's other
/// modules (as mypy does with a test case's `[file]`s: a module nobody
/// imports is not checked).
fn render_following(sources: &[CheckSource]) -> Vec<String> {
    let find = |name: &str| sources[1..].iter().find(|s| s.name == name).cloned();
    render_diagnostics(check_program(&sources[..1], &find).diags)
}

fn render_diagnostics(diags: Vec<mypyc::diagnostics::Diagnostic>) -> Vec<String> {
    diags
        .into_iter()
        .map(|d| {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Note => "note",
            };
            let code = d.code.map(|c| format!("  [{c}]")).unwrap_or_default();
            format!("{}:{}: {kind}: {}{code}", d.path, d.line, d.message)
        })
        .collect()
}

/// Sort by (file, line) keeping the text as a tiebreak, so that the order
/// of several errors on one line does not matter.
fn normalized(mut lines: Vec<String>) -> Vec<String> {
    let key = |l: &String| {
        let mut parts = l.splitn(3, ':');
        let file = parts.next().unwrap_or("").to_string();
        let line: u32 = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (file, line, l.clone())
    };
    lines.sort_by_key(key);
    lines
}

#[test]
fn check_test_data() {
    let dir = runner::repo_root().join("test-data");
    let mut failures = vec![];
    let mut count = 0;
    for file in test_files(&dir, "check-") {
        let tf = parse_file(&file).unwrap_or_else(|e| panic!("{e}"));
        for case in &tf.cases {
            count += 1;
            let sources = case_sources(case, "main");
            let mut expected = vec![];
            for s in &sources {
                inline_expectations(&s.path, &s.text, &mut expected);
            }
            for o in case.outputs.iter().filter(|o| o.step == 1) {
                expected.extend(o.lines.iter().cloned());
            }
            let actual = normalized(render_following(&sources));
            let expected = normalized(expected);
            if actual != expected {
                failures.push(format!(
                    "{}:\n  expected:\n    {}\n  actual:\n    {}",
                    case.id(),
                    expected.join("\n    "),
                    actual.join("\n    ")
                ));
            }
        }
    }
    assert!(count > 0, "no check-*.test cases found");
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every case of the given run-test directories checks without errors.
fn assert_no_false_errors(dirs: &[PathBuf]) {
    let mut errors = vec![];
    let mut count = 0;
    for dir in dirs {
        for file in test_files(dir, "run-") {
            let tf = parse_file(&file).unwrap_or_else(|e| panic!("{e}"));
            for case in &tf.cases {
                count += 1;
                for line in render_for_test_python(&case_sources(case, "native")) {
                    errors.push(format!("{}: {line}", case.id()));
                }
            }
        }
    }
    println!("checked {count} cases");
    assert!(
        errors.is_empty(),
        "{} false error(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn no_false_errors_in_test_data() {
    assert_no_false_errors(&[runner::repo_root().join("test-data")]);
}

#[test]
fn no_false_errors_in_conformance_corpus() {
    let corpus = runner::default_corpus_dir();
    if !corpus.is_dir() {
        println!(
            "conformance corpus not found at {}; skipped",
            corpus.display()
        );
        return;
    }
    assert_no_false_errors(&[corpus]);
}
